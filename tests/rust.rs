//! The rust kind's verdicts and messages over the `rust` fixture pack:
//! `#[should_panic]` tests, a `main` that must run, leftover `todo!()`,
//! strict clippy from the first save, compiler warnings on failing files,
//! paths from where the learner stands, panics in run mode; and the batch
//! builds of `check` and `dev check` (each target in the one form its check
//! needs, a learner's check builds no solution).

mod common;

use std::fs;
use std::path::Path;

use common::{backlings, pack_copy, solve, stdout_of};

/// `backlings run NAME` from the pack root (where a learner stands).
fn run_at_root(pack: &Path, name: &str) -> (Option<i32>, String) {
    let out = backlings(pack)
        .current_dir(pack)
        .args(["run", name])
        .output()
        .unwrap();
    (out.status.code(), stdout_of(&out))
}

#[test]
fn should_panic_tests_count_under_their_own_names() {
    let pack = pack_copy("rust");
    solve(pack.path(), "exercises/basics/should_panic_tests.rs");
    let (code, text) = run_at_root(pack.path(), "should_panic_tests");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("2 tests passed"), "{text}");
}

#[test]
fn deleting_a_should_panic_test_is_still_noticed() {
    let pack = pack_copy("rust");
    // Prime the pristine copy of the starter, then drop its should_panic test.
    backlings(pack.path()).arg("list").assert().success();
    let file = pack.path().join("exercises/basics/should_panic_tests.rs");
    let solved = fs::read_to_string(pack.path().join("solutions/basics/should_panic_tests.rs")).unwrap();
    let without = solved
        .replace("#[should_panic(expected = \"not a port\")]", "")
        .replace("fn rejects_a_word() {\n        parse_port(\"http\");\n    }", "");
    fs::write(&file, without.replace("#[test]\n    \n", "")).unwrap();
    let (code, text) = run_at_root(pack.path(), "should_panic_tests");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("tests of the starter are missing: rejects_a_word"),
        "{text}"
    );
}

#[test]
fn with_run_main_a_panicking_main_fails_though_the_tests_pass() {
    let pack = pack_copy("rust");
    let (code, text) = run_at_root(pack.path(), "main_must_run");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("the tests pass, but `main` panicked at exercises/basics/main_must_run.rs:7:38"),
        "{text}"
    );
    assert!(
        text.contains("InvalidDigit"),
        "the panic's message is shown: {text}"
    );
    solve(pack.path(), "exercises/basics/main_must_run.rs");
    let (code, text) = run_at_root(pack.path(), "main_must_run");
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn a_leftover_todo_the_tests_do_not_reach_fails_at_its_line() {
    let pack = pack_copy("rust");
    let out = backlings(pack.path())
        .current_dir(pack.path())
        .args(["run", "leftover_todo", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entry = &doc["exercises"][0];
    assert_eq!(entry["status"], "fail", "{entry}");
    assert!(
        entry["message"]
            .as_str()
            .unwrap()
            .contains("`todo!()` is left at exercises/basics/leftover_todo.rs:7:5"),
        "{entry}"
    );
    let excerpt = &entry["details"][0];
    assert_eq!(excerpt["type"], "excerpt");
    assert_eq!(excerpt["file"], "exercises/basics/leftover_todo.rs");
    assert_eq!(excerpt["line"], 7);
    assert_eq!(excerpt["text"], "    todo!()");
    solve(pack.path(), "exercises/basics/leftover_todo.rs");
    let (code, text) = run_at_root(pack.path(), "leftover_todo");
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn strict_clippy_shows_its_lints_while_the_tests_still_fail() {
    let pack = pack_copy("rust");
    let (code, text) = run_at_root(pack.path(), "strict_lints");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("1 of 1 test failed"),
        "the tests' verdict leads: {text}"
    );
    assert!(
        text.contains("cargo clippy (this exercise must be clippy-clean)"),
        "{text}"
    );
    assert!(text.contains("clippy::ptr_arg"), "{text}");
    assert!(
        text.contains("--> exercises/basics/strict_lints.rs:2:18"),
        "{text}"
    );
}

#[test]
fn a_strict_run_mode_exercise_says_the_program_runs_not_that_tests_pass() {
    let pack = pack_copy("rust");
    let (code, text) = run_at_root(pack.path(), "run_lints");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("the program runs, but clippy finds 1 problem this exercise does not allow"),
        "{text}"
    );
    assert!(!text.contains("tests pass"), "{text}");
    solve(pack.path(), "exercises/basics/run_lints.rs");
    let (code, text) = run_at_root(pack.path(), "run_lints");
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn compiler_warnings_are_shown_on_a_failing_file() {
    let pack = pack_copy("rust");
    let (code, text) = run_at_root(pack.path(), "hint_warnings");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("1 of 1 test failed"), "{text}");
    assert!(text.contains("compiler warnings"), "{text}");
    assert!(text.contains("unused variable: `message`"), "{text}");
    assert!(
        text.contains("--> exercises/basics/hint_warnings.rs:3:9"),
        "{text}"
    );
}

#[test]
fn compile_errors_name_paths_from_where_the_learner_stands() {
    let pack = pack_copy("rust");
    let file = pack.path().join("exercises/basics/hint_warnings.rs");
    let source = fs::read_to_string(&file).unwrap();
    fs::write(&file, source.replace("String::from(\"Hello!\")", "42")).unwrap();
    let message = |cwd: &Path| {
        let out = backlings(pack.path())
            .current_dir(cwd)
            .args(["run", "hint_warnings", "--json"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["exercises"][0]["message"].as_str().unwrap().to_string()
    };
    assert_eq!(
        message(pack.path()),
        "does not compile: error[E0308]: mismatched types (exercises/basics/hint_warnings.rs:4:5)"
    );
    let (code, text) = run_at_root(pack.path(), "hint_warnings");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("--> exercises/basics/hint_warnings.rs:4:5"),
        "{text}"
    );
    // From inside exercises/, the same place reads from there.
    assert!(
        message(&pack.path().join("exercises")).ends_with("(basics/hint_warnings.rs:4:5)"),
        "{}",
        message(&pack.path().join("exercises"))
    );
}

#[test]
fn a_panic_in_run_mode_is_named_a_panic_with_its_message_and_place() {
    let pack = pack_copy("rust");
    let (code, text) = run_at_root(pack.path(), "run_panics");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("the program panicked at exercises/basics/run_panics.rs:4:37: index out of"),
        "{text}"
    );
    assert!(!text.contains("exit code 101"), "{text}");
}

#[test]
fn a_learners_check_builds_only_the_learners_targets_each_in_one_form() {
    let pack = pack_copy("rust");
    // A learner's shell may point cargo elsewhere: the pack's own dir is used.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = backlings(pack.path())
        .env("CARGO_TARGET_DIR", elsewhere.path())
        .args(["check", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let statuses: Vec<&str> = doc["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["fail"; 7], "{doc}");
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);

    let debug = pack.path().join("exercises/target/debug");
    // Programs are uplifted into debug/; test harnesses stay in deps/.
    for program in ["run_panics", "run_lints", "main_must_run"] {
        assert!(debug.join(program).is_file(), "{program} is built as a program");
    }
    for test_only in [
        "should_panic_tests",
        "leftover_todo",
        "strict_lints",
        "hint_warnings",
    ] {
        assert!(
            !debug.join(test_only).exists(),
            "{test_only} is built as its test harness only"
        );
    }
    let deps: Vec<String> = fs::read_dir(debug.join("deps"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !deps.iter().any(|f| f.contains("_sol")),
        "no solution is built: {deps:?}"
    );
    // Each build of a target leaves one executable `NAME-HASH` in deps/.
    let builds_of = |name: &str| {
        deps.iter()
            .filter(|f| {
                f.strip_prefix(&format!("{name}-"))
                    .is_some_and(|hash| !hash.contains('.'))
            })
            .count()
    };
    assert_eq!(builds_of("should_panic_tests"), 1, "{deps:?}");
    assert_eq!(builds_of("run_panics"), 1, "{deps:?}");
    assert_eq!(
        builds_of("main_must_run"),
        2,
        "run_main builds both forms: {deps:?}"
    );
}

#[test]
fn dev_check_builds_the_solutions_and_finds_the_fixture_sound() {
    let pack = pack_copy("rust");
    let out = backlings(pack.path()).args(["dev", "check"]).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", common::stderr_of(&out));
    assert!(text.contains("The pack is sound"), "{text}");
}
