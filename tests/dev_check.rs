//! `backlings dev check` over small fixture packs (std-only exercise packages,
//! copied to a temp dir: the runner builds into the pack).

mod common;

use common::{backlings, json_of, pack_copy};
use serde_json::Value;

fn problems(doc: &Value) -> Vec<&Value> {
    doc["problems"]
        .as_array()
        .expect("a problems list")
        .iter()
        .collect()
}

/// The problem of `category` whose message contains `text`.
fn problem<'d>(doc: &'d Value, category: &str, text: &str) -> &'d Value {
    problems(doc)
        .into_iter()
        .find(|p| p["category"] == category && p["message"].as_str().unwrap().contains(text))
        .unwrap_or_else(|| panic!("no {category} problem about `{text}` in\n{doc:#}"))
}

fn check_entry<'d>(doc: &'d Value, name: &str, target: &str) -> Option<&'d Value> {
    doc["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name && e["target"] == target)
}

#[test]
fn every_defect_is_reported_in_one_run_and_a_bad_info_toml_exits_2() {
    let pack = pack_copy("dev/defects");
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "info.toml has problems: exit 2");
    let doc = json_of(&out);

    // info.toml, with line:col.
    let duplicate = problem(&doc, "info", "`add` is declared twice");
    assert_eq!(
        (duplicate["file"].as_str(), duplicate["line"].as_u64()),
        (Some("info.toml"), Some(35))
    );
    let stage = problem(&doc, "info", "unknown stage `advanced`");
    assert_eq!(stage["line"], 44);
    assert!(
        stage["help"].as_str().unwrap().contains("basics"),
        "the help lists the stages"
    );
    let missing = problem(&doc, "info", "`exercises/basics/missing_file.rs` does not exist");
    assert_eq!(missing["line"], 54);

    // Beyond the loader.
    let stray = problem(&doc, "stray_file", "belongs to no exercise");
    assert_eq!(stray["file"], "exercises/basics/leftover.rs");
    let passes = problem(&doc, "starter_passes", "`already_done` already passes");
    assert_eq!(passes["file"], "exercises/basics/already_done.rs");
    let fails = problem(&doc, "solution_fails", "`broken_solution` does not pass");
    assert_eq!(fails["file"], "solutions/basics/broken_solution.rs");
    assert!(fails["message"].as_str().unwrap().contains("1 of 1 test failed"));
    let lints = problem(&doc, "solution_fails", "`lint_solution`");
    assert!(lints["message"].as_str().unwrap().contains("clippy"));
    let orphan = problem(
        &doc,
        "package",
        "[[bin]] `orphan` belongs to no rust or http exercise",
    );
    assert_eq!(
        (orphan["file"].as_str(), orphan["line"].as_u64()),
        (Some("exercises/Cargo.toml"), Some(58))
    );
    problem(&doc, "package", "has no [[bin]] named `no_target`");
    problem(&doc, "package", "has no [[bin]] named `no_target_sol`");
    assert_eq!(problems(&doc).len(), 10, "nothing else:\n{doc:#}");

    // The checks that could still run did, the missing starter's bin
    // notwithstanding (cargo refuses a package with a missing bin file).
    assert_eq!(
        check_entry(&doc, "missing_file", "solution").unwrap()["status"],
        "pass"
    );
    assert!(check_entry(&doc, "missing_file", "starter").is_none());
    assert!(check_entry(&doc, "no_target", "starter").is_none());
    let add = check_entry(&doc, "add", "starter").unwrap();
    assert_eq!(
        (add["status"].as_str(), add["sound"].as_bool()),
        (Some("fail"), Some(true))
    );
    assert_eq!(
        check_entry(&doc, "lost_stage", "solution").unwrap()["status"],
        "pass"
    );
    let summary = &doc["summary"];
    assert_eq!(summary["pack_loads"], false);
    assert_eq!(summary["unsound"], 3);
    assert_eq!(summary["problems"], 10);
}

#[test]
fn the_text_report_points_at_each_place() {
    let pack = pack_copy("dev/defects");
    let out = backlings(pack.path()).args(["dev", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "info.toml:35:8: exercise `add` is declared twice",
        "info.toml:44:9: unknown stage `advanced`",
        "exercises/basics/leftover.rs: belongs to no exercise",
        "exercises/basics/already_done.rs: the starter of `already_done` already passes",
        "solutions/basics/broken_solution.rs: the solution of `broken_solution` does not pass",
        "exercises/Cargo.toml:58:1: [[bin]] `orphan`",
        // The evidence of a failing solution: its test output.
        "left: 5",
        "needless_return",
        "10 problems",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    // Not a terminal: plain progress lines on stderr, one per check.
    let progress = String::from_utf8(out.stderr).unwrap();
    assert!(
        progress.contains("WRONG PASS     starter  already_done"),
        "{progress}"
    );
    assert!(progress.contains("ok    FAIL     starter  add"), "{progress}");
}

#[test]
fn exercise_problems_alone_exit_1() {
    let pack = pack_copy("dev/defects");
    // Repair info.toml: one `add`, a declared stage, the missing file written.
    let info = std::fs::read_to_string(pack.path().join("info.toml")).unwrap();
    let duplicate = "# Defect: a name declared twice.\n[[exercises]]\nname = \"add\"\nstage = \"basics\"\nkind = \"rust\"\nfiles = [\"exercises/basics/add.rs\"]\nhints = [\"Add them.\"]\n";
    assert!(info.contains(duplicate));
    let info = info.replace(duplicate, "").replace("\"advanced\"", "\"basics\"");
    std::fs::write(pack.path().join("info.toml"), info).unwrap();
    std::fs::write(
        pack.path().join("exercises/basics/missing_file.rs"),
        "pub fn square(x: i32) -> i32 {\n    todo!(\"{x}\")\n}\n\nfn main() {}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn works() {\n        assert_eq!(square(3), 9);\n    }\n}\n",
    )
    .unwrap();

    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    assert_eq!(doc["summary"]["pack_loads"], true);
    let categories: Vec<&str> = problems(&doc)
        .iter()
        .map(|p| p["category"].as_str().unwrap())
        .collect();
    assert!(!categories.contains(&"info"), "{categories:?}");
    for category in ["stray_file", "package", "starter_passes", "solution_fails"] {
        assert!(categories.contains(&category), "{category} in {categories:?}");
    }
    assert_eq!(
        check_entry(&doc, "missing_file", "starter").unwrap()["sound"],
        true
    );
}

#[test]
fn a_sound_pack_exits_0_with_every_check_listed() {
    let pack = pack_copy("dev/sound");
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert!(problems(&doc).is_empty());
    let entries = doc["exercises"].as_array().unwrap();
    assert_eq!(entries.len(), 4, "a starter and a solution per exercise");
    for entry in entries {
        for field in [
            "name",
            "stage",
            "kind",
            "status",
            "duration_ms",
            "message",
            "target",
            "expected",
        ] {
            assert!(!entry[field].is_null(), "{field} in {entry:#}");
        }
        assert_eq!(entry["sound"], true);
        let expected = if entry["target"] == "starter" {
            "fail"
        } else {
            "pass"
        };
        assert_eq!(entry["status"], expected);
    }
    // The run-mode exercise was judged by running its program.
    let run = check_entry(&doc, "exit_zero", "starter").unwrap();
    assert!(
        run["message"].as_str().unwrap().contains("exit code 1"),
        "{run:#}"
    );
}

#[test]
fn a_clippy_warning_in_a_solution_is_a_problem() {
    let pack = pack_copy("dev/sound");
    let solution = pack.path().join("solutions/basics/add.rs");
    let text = std::fs::read_to_string(&solution).unwrap();
    std::fs::write(&solution, text.replace("    a + b", "    return a + b;")).unwrap();
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let entry = check_entry(&doc, "add", "solution").unwrap();
    assert_eq!(entry["status"], "fail");
    assert!(entry["message"].as_str().unwrap().contains("clippy"));
    let details = entry["details"].to_string();
    assert!(details.contains("needless_return"), "{details}");
}

#[test]
fn a_solution_that_drops_the_starters_tests_does_not_pass() {
    let pack = pack_copy("dev/sound");
    let solution = pack.path().join("solutions/basics/add.rs");
    let text = std::fs::read_to_string(&solution).unwrap();
    std::fs::write(&solution, text.replace("fn adds()", "fn renamed()")).unwrap();
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let fails = problem(&doc, "solution_fails", "`add` does not pass");
    assert!(fails["message"].as_str().unwrap().contains("adds"), "{fails:#}");
}

#[test]
fn unparsable_info_toml_exits_2_with_its_place() {
    let pack = pack_copy("dev/sound");
    let info = std::fs::read_to_string(pack.path().join("info.toml")).unwrap();
    std::fs::write(
        pack.path().join("info.toml"),
        info.replace("kind = \"rust\"\nfiles", "kind = rust\nfiles"),
    )
    .unwrap();
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = json_of(&out);
    let only = problems(&doc);
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["file"], "info.toml");
    assert_eq!(only[0]["line"], 20);
    assert!(doc["exercises"].as_array().unwrap().is_empty());
}

#[test]
fn pack_dir_must_hold_an_info_toml() {
    let dir = tempfile::tempdir().unwrap();
    let out = backlings(dir.path()).args(["dev", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no info.toml here"), "{err}");
}

#[test]
fn on_a_terminal_progress_is_a_bar_not_lines() {
    use expectrl::{Eof, Expect, Session};
    let pack = pack_copy("dev/sound");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("backlings"));
    common::scrub(&mut cmd)
        .current_dir(pack.path())
        .arg("--pack")
        .arg(pack.path())
        .args(["dev", "check"]);
    let mut session = Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(std::time::Duration::from_secs(120)));
    let seen = session.expect(Eof).unwrap();
    let screen = String::from_utf8_lossy(seen.as_bytes()).into_owned();
    assert!(screen.contains("The pack is sound"), "{screen}");
    assert!(
        !screen.contains("ok    FAIL     starter"),
        "plain progress lines are for logs, not terminals:\n{screen}"
    );
}

#[test]
fn the_pack_builds_in_its_own_target_dir_whatever_the_shell_says() {
    // A CARGO_TARGET_DIR shared by two packs would mix up their executables:
    // both have bins named after their exercises.
    let shared = tempfile::tempdir().unwrap();
    for fixture in ["defects", "sound"] {
        let pack = pack_copy(&format!("dev/{fixture}"));
        let out = backlings(pack.path())
            .args(["dev", "check", "--json"])
            .env("CARGO_TARGET_DIR", shared.path())
            .output()
            .unwrap();
        let expected = if fixture == "sound" { 0 } else { 2 };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{fixture}:\n{:#}",
            json_of(&out)
        );
        assert!(pack.path().join("exercises/target").is_dir());
    }
    assert_eq!(
        std::fs::read_dir(shared.path()).unwrap().count(),
        0,
        "nothing built in the shared dir"
    );
}

#[test]
fn a_starter_marked_starter_passes_must_pass() {
    let pack = pack_copy("dev/sound");
    let info_path = pack.path().join("info.toml");
    let info = std::fs::read_to_string(&info_path).unwrap().replacen(
        "hints = [\"Add the two numbers.\"]",
        "starter_passes = true\nhints = [\"Add the two numbers.\"]",
        1,
    );
    std::fs::write(&info_path, info).unwrap();
    // The starter as shipped fails: a reading exercise that does not pass is a defect.
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    let starter = check_entry(&doc, "add", "starter").unwrap();
    assert_eq!(starter["expected"], "pass", "{starter:#}");
    assert_eq!(starter["sound"], false);
    let messages: Vec<String> = problems(&doc).iter().map(|p| p["message"].to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("marked `starter_passes = true` but does not pass")),
        "{messages:?}"
    );
    // Shipped passing, it is sound.
    std::fs::copy(
        pack.path().join("solutions/basics/add.rs"),
        pack.path().join("exercises/basics/add.rs"),
    )
    .unwrap();
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(check_entry(&doc, "add", "starter").unwrap()["sound"], true);
}

#[test]
fn a_stage_intro_file_is_not_stray() {
    let pack = pack_copy("sql");
    let info = std::fs::read_to_string(pack.path().join("info.toml")).unwrap();
    let info = info.replacen(
        "summary = \"SQL on a real engine.\"\n",
        "summary = \"SQL on a real engine.\"\nintro = \"exercises/databases/INTRO.md\"\n",
        1,
    );
    std::fs::write(pack.path().join("info.toml"), info).unwrap();
    std::fs::write(
        pack.path().join("exercises/databases/INTRO.md"),
        "# Databases\n\nWhat this stage teaches.\n",
    )
    .unwrap();
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert!(
        !problems(&doc)
            .iter()
            .any(|p| p["file"] == "exercises/databases/INTRO.md"),
        "{doc:#}"
    );
    // Without the intro key the same file is stray: the test can fail.
    let stripped = std::fs::read_to_string(pack.path().join("info.toml"))
        .unwrap()
        .replace("intro = \"exercises/databases/INTRO.md\"\n", "");
    std::fs::write(pack.path().join("info.toml"), stripped).unwrap();
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    let stray = problem(&doc, "stray_file", "belongs to no exercise");
    assert_eq!(stray["file"], "exercises/databases/INTRO.md");
}
