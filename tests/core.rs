//! The runner core, driven through the real binary over small fixture packs:
//! rust exercises passing and failing, `--json` and exit codes, malformed
//! packs, path traversal, damaged progress, timeouts and output floods.

mod common;

use std::fs;
use std::path::Path;

use common::{backlings, pack_copy, solve, stderr_of, stdout_of};
use predicates::prelude::*;

#[test]
fn failing_rust_exercise_names_the_failing_test() {
    let pack = pack_copy("core");
    let out = backlings(pack.path()).args(["run", "add"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("FAIL add"), "{text}");
    assert!(
        text.contains("1 of 2 tests failed: tests::adds_small_numbers"),
        "{text}"
    );
    assert!(text.contains("left: -1"), "the assertion is shown: {text}");
    assert!(text.contains("backlings hint add"), "{text}");
}

#[test]
fn passing_rust_exercise_offers_its_solution_only_then() {
    let pack = pack_copy("core");
    backlings(pack.path())
        .args(["solution", "add"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has not passed yet"));
    solve(pack.path(), "exercises/basics/add.rs");
    backlings(pack.path())
        .args(["run", "add"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("PASS add"))
        .stdout(predicate::str::contains("2 tests passed"))
        .stdout(predicate::str::contains("solutions/basics/add.rs"));
    backlings(pack.path())
        .args(["solution", "add"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("a + b"));
    backlings(pack.path())
        .arg("list")
        .assert()
        .stdout(predicate::str::contains("✓ done"));
}

#[test]
fn compile_errors_are_shown_with_their_place() {
    let pack = pack_copy("core");
    fs::write(
        pack.path().join("exercises/basics/add.rs"),
        "fn main() { let x: u32 = \"no\"; }\n",
    )
    .unwrap();
    let out = backlings(pack.path()).args(["run", "add"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(
        text.contains("does not compile: error[E0308]: mismatched types"),
        "{text}"
    );
    assert!(text.contains("basics/add.rs:1:26"), "{text}");
}

#[test]
fn deleting_the_starter_tests_does_not_pass() {
    let pack = pack_copy("core");
    // Prime the pristine copy, then replace the file by one without tests.
    backlings(pack.path()).arg("list").assert().success();
    fs::write(
        pack.path().join("exercises/basics/add.rs"),
        "fn main() {}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn trivially() {}\n}\n",
    )
    .unwrap();
    backlings(pack.path())
        .args(["run", "add"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "tests of the starter are missing: adds_small_numbers, adds_zero",
        ));
}

#[test]
fn json_document_and_exit_codes() {
    let pack = pack_copy("core");
    let out = backlings(pack.path())
        .args(["run", "add", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let entry = &doc["exercises"][0];
    assert_eq!(entry["name"], "add");
    assert_eq!(entry["stage"], "basics");
    assert_eq!(entry["kind"], "rust");
    assert_eq!(entry["status"], "fail");
    assert!(entry["duration_ms"].is_u64());
    assert!(
        entry["message"]
            .as_str()
            .unwrap()
            .contains("tests::adds_small_numbers")
    );
    assert_eq!(doc["summary"]["failed"], 1);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\u{1b}'),
        "no terminal codes in JSON"
    );

    solve(pack.path(), "exercises/basics/add.rs");
    let out = backlings(pack.path())
        .args(["run", "add", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["exercises"][0]["status"], "pass");

    // Bad input: exit 2.
    backlings(pack.path())
        .args(["run", "nope", "--json"])
        .assert()
        .code(2);
}

#[test]
fn run_mode_requires_exit_zero() {
    let pack = pack_copy("core");
    backlings(pack.path())
        .args(["run", "greet"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("the program failed (exit code 3)"))
        .stdout(predicate::str::contains("hello"));
    solve(pack.path(), "exercises/basics/greet.rs");
    backlings(pack.path()).args(["run", "greet"]).assert().code(0);
}

#[test]
fn endless_loop_is_stopped_at_its_limit_with_nothing_left_behind() {
    let pack = pack_copy("core");
    let pid_file = pack.path().join("spin.pids");
    let out = backlings(pack.path())
        .args(["run", "spin", "--json"])
        .env("SPIN_PID_FILE", &pid_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["exercises"][0]["status"], "timeout");
    assert!(doc["exercises"][0]["message"].as_str().unwrap().contains("1 s"));
    let pids = fs::read_to_string(&pid_file).expect("the spinning test started");
    for pid in pids.split_whitespace() {
        assert!(
            !process_alive(pid),
            "process {pid} (the test or its grandchild) survived the timeout"
        );
    }
}

/// Alive and not a zombie waiting for a parent that is gone.
fn process_alive(pid: &str) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

#[test]
fn a_flood_of_output_is_capped_and_does_not_grow_the_runner() {
    let pack = pack_copy("core");
    let out = backlings(pack.path())
        .args(["run", "flood", "--json"])
        .env("BACKLINGS_REPORT_RSS", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let output = &doc["exercises"][0]["details"][0];
    let cut = output["truncated_bytes"].as_u64().unwrap();
    assert!(
        cut > 90 * 1024 * 1024,
        "100 MB printed, the cap keeps 1 MiB: cut {cut}"
    );
    let stderr = stderr_of(&out);
    let peak_kb: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("backlings-peak-rss: "))
        .and_then(|v| v.trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory line in {stderr}"));
    assert!(
        peak_kb < 64 * 1024,
        "runner peaked at {peak_kb} kB while its child printed 100 MB"
    );
}

#[test]
fn hints_come_one_at_a_time() {
    let pack = pack_copy("core");
    backlings(pack.path())
        .args(["hint", "add"])
        .assert()
        .stdout(predicate::str::contains("Hint 1 of 3").and(predicate::str::contains("Hint 2").not()));
    backlings(pack.path())
        .args(["hint", "add"])
        .assert()
        .stdout(predicate::str::contains("Hint 2 of 3"));
    backlings(pack.path())
        .args(["hint", "add"])
        .assert()
        .stdout(predicate::str::contains("`a + b`"));
    // No fourth hint appears from nowhere.
    backlings(pack.path())
        .args(["hint", "add"])
        .assert()
        .stdout(predicate::str::contains("Hint 3 of 3"));
}

#[test]
fn reset_restores_the_starter_and_keeps_the_learners_version() {
    let pack = pack_copy("core");
    let file = pack.path().join("exercises/basics/add.rs");
    let starter = fs::read_to_string(&file).unwrap();
    backlings(pack.path()).arg("list").assert().success();
    fs::write(&file, "my work in progress\n").unwrap();
    backlings(pack.path()).args(["reset", "add"]).assert().code(0);
    assert_eq!(fs::read_to_string(&file).unwrap(), starter);
    // Each reset keeps what it replaced in a folder of its own (see tests/faults.rs).
    let kept: Vec<_> = fs::read_dir(pack.path().join(".backlings/replaced"))
        .unwrap()
        .map(|e| e.unwrap().path().join("exercises/basics/add.rs"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(fs::read_to_string(&kept[0]).unwrap(), "my work in progress\n");
}

#[test]
fn damaged_progress_is_reported_kept_aside_and_rebuilt() {
    let pack = pack_copy("core");
    let state_dir = pack.path().join(".backlings");
    fs::create_dir_all(&state_dir).unwrap();
    fs::write(state_dir.join("state.toml"), "\u{0}\u{0}garbage = [ unclosed").unwrap();
    backlings(pack.path())
        .arg("list")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("was damaged"))
        .stdout(predicate::str::contains("add"));
    // One copy per damage, named by its time (see tests/faults.rs).
    assert!(
        fs::read_dir(&state_dir).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("state.toml.damaged-")),
        "the damaged file is kept"
    );
    solve(pack.path(), "exercises/basics/add.rs");
    backlings(pack.path()).args(["run", "add"]).assert().code(0);
    let state = fs::read_to_string(state_dir.join("state.toml")).unwrap();
    assert!(state.contains("\"add\""), "{state}");
}

#[test]
fn progress_of_removed_exercises_is_dropped_with_a_note() {
    let pack = pack_copy("core");
    let state_dir = pack.path().join(".backlings");
    fs::create_dir_all(&state_dir).unwrap();
    fs::write(
        state_dir.join("state.toml"),
        "version = 1\ndone = [\"add\", \"renamed_away\"]\n",
    )
    .unwrap();
    backlings(pack.path())
        .arg("list")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no longer has renamed_away"))
        .stdout(predicate::str::contains("✓ done"));
}

#[test]
fn unknown_exercise_gets_a_suggestion() {
    let pack = pack_copy("core");
    backlings(pack.path())
        .args(["run", "ad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean add"));
}

#[test]
fn no_pack_here_says_what_to_do() {
    let empty = tempfile::tempdir().unwrap();
    backlings(empty.path())
        .arg("list")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no info.toml here"));
}

#[test]
fn watch_mode_needs_a_terminal() {
    let pack = pack_copy("core");
    backlings(pack.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs an interactive terminal"))
        .stderr(predicate::str::contains("backlings run"));
}

// ---- malformed packs: every one answered with file:line:col and exit 2 ----

const VALID_HEAD: &str = r#"format_version = 1

[[stages]]
id = "basics"
title = "Basics"
summary = "s"
"#;

const VALID_EXERCISE: &str = r#"
[[exercises]]
name = "one"
stage = "basics"
kind = "rust"
files = ["exercises/one.rs"]
hints = ["h"]
"#;

fn malformed(info: &str) -> (String, i32) {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path(), info);
    let out = backlings(dir.path()).arg("list").output().unwrap();
    (stderr_of(&out), out.status.code().unwrap_or(-1))
}

fn write_pack(dir: &Path, info: &str) {
    fs::create_dir_all(dir.join("exercises")).unwrap();
    fs::create_dir_all(dir.join("solutions")).unwrap();
    fs::write(dir.join("exercises/one.rs"), "fn main() {}\n").unwrap();
    fs::write(dir.join("solutions/one.rs"), "fn main() {}\n").unwrap();
    fs::write(dir.join("info.toml"), info).unwrap();
}

fn assert_points_at(info: &str, location: &str, words: &str) {
    let (stderr, code) = malformed(info);
    assert_eq!(code, 2, "exit 2 for a bad pack: {stderr}");
    assert!(stderr.contains(location), "expected `{location}` in:\n{stderr}");
    assert!(stderr.contains(words), "expected `{words}` in:\n{stderr}");
    assert!(
        stderr.contains("help:"),
        "every problem says what to do:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn malformed_toml_syntax() {
    assert_points_at(
        &format!("{VALID_HEAD}\n[[exercises]]\nname = \"one\n"),
        "info.toml:9:12",
        "invalid basic string",
    );
}

#[test]
fn malformed_unknown_top_level_key() {
    assert_points_at(
        &format!("colour = 1\n{VALID_HEAD}{VALID_EXERCISE}"),
        "info.toml:1:1",
        "unknown field `colour`",
    );
}

#[test]
fn malformed_misspelt_exercise_key() {
    let info = format!("{VALID_HEAD}{}", VALID_EXERCISE.replace("hints =", "hint ="));
    assert_points_at(&info, "info.toml:13:1", "unknown field `hint`");
}

#[test]
fn malformed_missing_stage_key() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("stage = \"basics\"\n", "")
    );
    assert_points_at(&info, "info.toml:8:1", "missing field `stage`");
}

#[test]
fn malformed_unknown_stage() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("stage = \"basics\"", "stage = \"basic\"")
    );
    assert_points_at(&info, "info.toml:10:9", "unknown stage `basic`");
}

#[test]
fn malformed_duplicate_name() {
    let info = format!("{VALID_HEAD}{VALID_EXERCISE}{VALID_EXERCISE}");
    assert_points_at(&info, "info.toml:16:8", "declared twice");
}

#[test]
fn malformed_unknown_kind() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("kind = \"rust\"", "kind = \"python\"")
    );
    assert_points_at(&info, "info.toml:11:8", "unknown kind `python`");
}

#[test]
fn malformed_no_hints() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("hints = [\"h\"]", "hints = []")
    );
    assert_points_at(&info, "info.toml:13:9", "has 0 hints");
}

#[test]
fn malformed_hints_of_the_wrong_type() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("hints = [\"h\"]", "hints = \"h\"")
    );
    assert_points_at(&info, "info.toml:13:9", "invalid type");
}

#[test]
fn malformed_future_format_version() {
    let info = format!(
        "{}{VALID_EXERCISE}",
        VALID_HEAD.replace("format_version = 1", "format_version = 2")
    );
    assert_points_at(&info, "info.toml:1:18", "format_version 2 is not supported");
}

#[test]
fn malformed_missing_file() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("exercises/one.rs", "exercises/two.rs")
    );
    assert_points_at(&info, "info.toml:12:10", "`exercises/two.rs` does not exist");
}

#[test]
fn malformed_table_of_another_kind() {
    let info = format!("{VALID_HEAD}{VALID_EXERCISE}[exercises.sql]\nfixture = \"exercises/one.rs\"\n");
    assert_points_at(&info, "info.toml:14:1", "has an `[exercises.sql]` table");
}

#[test]
fn malformed_timeout_out_of_range() {
    let info = format!("{VALID_HEAD}{VALID_EXERCISE}timeout_secs = -1\n");
    assert_points_at(&info, "info.toml:14:16", "timeout_secs = -1 is out of range");
}

#[test]
fn malformed_name_that_is_not_an_identifier() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("name = \"one\"", "name = \"One-1\"")
    );
    assert_points_at(&info, "info.toml:9:8", "not a simple identifier");
}

#[test]
fn every_problem_is_reported_at_once() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE
            .replace("stage = \"basics\"", "stage = \"nope\"")
            .replace("hints = [\"h\"]", "hints = [\"\"]")
    );
    let (stderr, code) = malformed(&info);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown stage `nope`"), "{stderr}");
    assert!(stderr.contains("a hint is empty"), "{stderr}");
}

// ---- paths never leave the pack ----

#[test]
fn path_traversal_is_refused() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("exercises/one.rs", "../../etc/passwd")
    );
    assert_points_at(&info, "info.toml:12:10", "leaves the pack root");
}

#[test]
fn absolute_paths_are_refused() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("exercises/one.rs", "/etc/passwd")
    );
    assert_points_at(&info, "info.toml:12:10", "the path is absolute");
}

#[test]
fn symlinks_out_of_the_pack_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("exercises/one.rs", "exercises/link/passwd")
    );
    write_pack(dir.path(), &info);
    std::os::unix::fs::symlink("/etc", dir.path().join("exercises/link")).unwrap();
    backlings(dir.path())
        .arg("list")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symlink that points outside the pack"));
}

#[test]
fn a_deleted_exercise_file_is_a_reset_away_not_a_broken_pack() {
    let pack = pack_copy("core");
    backlings(pack.path()).arg("list").assert().success();
    fs::remove_file(pack.path().join("exercises/basics/add.rs")).unwrap();
    // The pack still opens; the exercise says how to get its file back.
    backlings(pack.path()).arg("list").assert().success();
    backlings(pack.path())
        .args(["run", "add"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("exercises/basics/add.rs is missing"))
        .stdout(predicate::str::contains("backlings reset add"));
    // The other exercises of the package still build.
    backlings(pack.path())
        .args(["run", "greet"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("the program failed (exit code 3)"));
    // `check` (the batch) says the same.
    backlings(pack.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("exercises/basics/add.rs is missing"));
    backlings(pack.path()).args(["reset", "add"]).assert().success();
    backlings(pack.path())
        .args(["run", "add"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 of 2 tests failed"));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let pack = pack_copy("core");
    // A pipe whose reading end is already gone: the first write fails at once.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_backlings"))
        .arg("--pack")
        .arg(pack.path())
        .arg("list")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(!stderr_of(&out).contains("panicked"), "{}", stderr_of(&out));
    assert_eq!(out.status.code(), Some(141));
}

// ---- the keys that frame an exercise: after, link, starter_passes, farewell, stage intro ----

#[test]
fn malformed_solution_target_name() {
    let info = format!(
        "{VALID_HEAD}{}",
        VALID_EXERCISE.replace("name = \"one\"", "name = \"one_sol\"")
    );
    assert_points_at(&info, "info.toml:9:8", "names a reference solution's target");
}

#[test]
fn malformed_link() {
    let info = format!("{VALID_HEAD}{VALID_EXERCISE}link = \"rfc9110\"\n");
    assert_points_at(&info, "info.toml:14:8", "not a web address");
}

#[test]
fn malformed_missing_stage_intro() {
    let info = format!(
        "{}{VALID_EXERCISE}",
        VALID_HEAD.replace(
            "summary = \"s\"",
            "summary = \"s\"\nintro = \"exercises/basics.md\""
        )
    );
    assert_points_at(
        &info,
        "info.toml:7:9",
        "stage introduction `exercises/basics.md` does not exist",
    );
}

#[test]
fn a_pass_shows_the_note_after_it_and_the_link() {
    let pack = pack_copy("core");
    let info = fs::read_to_string(pack.path().join("info.toml")).unwrap();
    let info = info
        .replacen("format_version = 1\n", "format_version = 1\nfarewell = \"That was all of it.\"\n", 1)
        .replacen(
            "hints = [\"Addition.\", \"Use `+`.\", \"`a + b`\"]\n",
            "hints = [\"Addition.\", \"Use `+`.\", \"`a + b`\"]\nafter = \"\"\"\nChecked addition would refuse an overflow.\"\"\"\nlink = \"https://doc.rust-lang.org/book/\"\n",
            1,
        );
    fs::write(pack.path().join("info.toml"), info).unwrap();
    solve(pack.path(), "exercises/basics/add.rs");
    let out = backlings(pack.path()).args(["run", "add"]).output().unwrap();
    let stdout = stdout_of(&out);
    assert!(out.status.success(), "{stdout}{}", stderr_of(&out));
    assert!(
        stdout.contains("Checked addition would refuse an overflow."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Read further: https://doc.rust-lang.org/book/"),
        "{stdout}"
    );
    let list = stdout_of(&backlings(pack.path()).arg("list").output().unwrap());
    assert!(
        !list.contains("That was all of it."),
        "not before the end:\n{list}"
    );
}

// ---- output hygiene: bad input answered in the form that was asked for ----

#[test]
fn a_non_utf8_info_toml_is_refused_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path(), "");
    let mut info = format!("{VALID_HEAD}{VALID_EXERCISE}").into_bytes();
    let at = info.windows(4).position(|w| w == b"\"one").unwrap() + 1;
    info[at] = 0xff; // inside `name = "one"`, line 9
    fs::write(dir.path().join("info.toml"), info).unwrap();
    let out = backlings(dir.path()).arg("list").output().unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("info.toml:9:9"), "{stderr}");
    assert!(stderr.contains("not UTF-8"), "{stderr}");
}

#[test]
fn json_on_bad_input_is_one_json_document_without_terminal_codes() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(
        dir.path(),
        &format!("{VALID_HEAD}{VALID_EXERCISE}").replace("kind = \"rust\"", "kind = \"cobol\""),
    );
    let out = backlings(dir.path()).args(["check", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !out.stdout.contains(&0x1b),
        "no escape codes on a pipe: {:?}",
        stdout_of(&out)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["error"]["kind"], "bad_input");
    assert_eq!(doc["error"]["exit_status"], 2);
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown kind `cobol`"),
        "{doc}"
    );

    let out = backlings(dir.path())
        .args(["run", "--json", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON document for a bad argument too");
    assert_eq!(doc["error"]["kind"], "bad_input");
}

#[test]
fn an_info_toml_that_is_a_folder_is_named_as_one() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("info.toml")).unwrap();
    let out = backlings(dir.path()).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("info.toml is a folder, not a file"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn an_unknown_exercise_is_bad_input_and_an_io_failure_is_not() {
    let pack = pack_copy("core");
    let out = backlings(pack.path()).args(["run", "no_such"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    // A folder where the solution belongs is named as a folder (bad input).
    fs::remove_file(pack.path().join("solutions/basics/add.rs")).unwrap();
    fs::create_dir(pack.path().join("solutions/basics/add.rs")).unwrap();
    let out = backlings(pack.path()).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("`solutions/basics/add.rs` is a folder, not a file"),
        "{}",
        stderr_of(&out)
    );
    // The runner failing at its own work (a folder it cannot create) is not
    // the caller's input: exit 3.
    let blocker = pack.path().join("a_file");
    fs::write(&blocker, "x").unwrap();
    let out = backlings(pack.path())
        .args(["dev", "init"])
        .arg(blocker.join("new_pack"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
}

#[test]
fn pack_text_is_printed_with_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(
        dir.path(),
        &format!("{VALID_HEAD}{VALID_EXERCISE}")
            .replace("title = \"Basics\"", "title = \"Ba\\u001b]0;pwned\\u0007sics\""),
    );
    let out = backlings(dir.path()).arg("list").output().unwrap();
    let stdout = stdout_of(&out);
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("Ba\\x1b]0;pwned\\x07sics"), "{stdout}");
}

#[test]
fn hints_are_printed_with_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let info = format!("{VALID_HEAD}{VALID_EXERCISE}");
    let hints_at = info.find("hints = [").expect("the valid exercise has hints");
    let info = format!(
        "{}hints = [\"clear\\u001b[2Jthe screen\", {}",
        &info[..hints_at],
        &info[hints_at + "hints = [".len()..]
    );
    write_pack(dir.path(), &info);
    let out = backlings(dir.path()).args(["hint", "one"]).output().unwrap();
    let stdout = stdout_of(&out);
    assert!(out.status.success(), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("clear\\x1b[2Jthe screen"), "{stdout}");
}

#[test]
fn a_finished_pack_says_its_farewell() {
    let pack = pack_copy("sql");
    let info = fs::read_to_string(pack.path().join("info.toml")).unwrap();
    let info = info.replacen(
        "format_version = 1\n",
        "format_version = 1\nfarewell = \"That was all of it.\"\n",
        1,
    );
    fs::write(pack.path().join("info.toml"), &info).unwrap();
    let doc: toml::Table = toml::from_str(&info).unwrap();
    for exercise in doc["exercises"].as_array().unwrap() {
        for file in exercise["files"].as_array().unwrap() {
            solve(pack.path(), file.as_str().unwrap());
        }
    }
    let out = backlings(pack.path()).arg("check").output().unwrap();
    assert!(out.status.success(), "{}", stdout_of(&out));
    let list = stdout_of(&backlings(pack.path()).arg("list").output().unwrap());
    assert!(list.contains("That was all of it."), "{list}");
}
