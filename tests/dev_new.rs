//! `backlings dev init` and `dev new`, and the round trip an instructor makes:
//! init → new → dev check names what is left → write it → dev check passes.

mod common;

use common::{backlings, json_of, pack_copy, runner};

const WORD_COUNT: &str =
    "pub fn count_words(request_line: &str) -> usize {\n    request_line.split_whitespace().count()\n}\n";

#[test]
fn init_then_new_then_check_passes_once_the_solution_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("course");
    runner()
        .args(["dev", "init"])
        .arg(&pack)
        .args(["--kind", "rust"])
        .assert()
        .success();
    let out = backlings(&pack)
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a fresh pack is sound:\n{:#}",
        json_of(&out)
    );

    let added = backlings(&pack)
        .args(["dev", "new", "count_words", "--kind", "rust", "--stage", "basics"])
        .output()
        .unwrap();
    assert!(added.status.success());
    let told = String::from_utf8(added.stdout).unwrap();
    for expected in [
        "exercises/basics/count_words.rs",
        "solutions/basics/count_words.rs",
        "[[bin]] `count_words` and `count_words_sol`",
        "Left to write:",
        "the reference solution",
        "the hints",
    ] {
        assert!(told.contains(expected), "`{expected}` in:\n{told}");
    }

    // The solution is the author's to write: dev check says so, and only that.
    let out = backlings(&pack)
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{doc:#}");
    assert_eq!(problems[0]["category"], "solution_fails");
    assert_eq!(problems[0]["file"], "solutions/basics/count_words.rs");

    // Write it: the template's function, done.
    let solution = pack.join("solutions/basics/count_words.rs");
    let template = std::fs::read_to_string(&solution).unwrap();
    let start = template.find("pub fn count_words").unwrap();
    let end = start + template[start..].find("}\n").unwrap() + 2;
    std::fs::write(
        &solution,
        format!("{}{WORD_COUNT}{}", &template[..start], &template[end..]),
    )
    .unwrap();
    let out = backlings(&pack)
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{:#}", json_of(&out));
    assert_eq!(json_of(&out)["summary"]["checks"], 4);

    // A learner can use it as it is.
    backlings(&pack).args(["run", "count_words"]).assert().code(1);
    backlings(&pack).args(["list"]).assert().success();
}

#[test]
fn init_writes_a_pack_with_a_sample_of_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("course");
    let out = runner().args(["dev", "init"]).arg(&pack).output().unwrap();
    assert!(out.status.success());
    for file in [
        "info.toml",
        ".gitignore",
        "exercises/Cargo.toml",
        "exercises/basics/sample_rust.rs",
        "solutions/basics/sample_rust.rs",
        "exercises/basics/sample_sql.sql",
        "exercises/basics/sample_sql.fixture.sql",
        "exercises/basics/sample_sql.hidden.sql",
        "solutions/basics/sample_sql.sql",
        "exercises/basics/sample_git.scenario.toml",
        "solutions/basics/sample_git.sh",
        "exercises/basics/sample_http.rs",
        "solutions/basics/sample_http.rs",
    ] {
        assert!(pack.join(file).is_file(), "{file}");
    }
    let gitignore = std::fs::read_to_string(pack.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/.backlings"));
    assert!(gitignore.lines().any(|l| l == "/exercises/target"));
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(pack.join("exercises/Cargo.toml")).unwrap()).unwrap();
    assert!(manifest.contains_key("workspace"), "its own workspace");
    assert_eq!(
        manifest["profile"]["dev"]["package"]["*"]["opt-level"].as_integer(),
        Some(3)
    );
    assert_eq!(
        manifest["profile"]["dev"]["debug"].as_str(),
        Some("line-tables-only")
    );
    let bins: Vec<&str> = manifest["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        bins,
        ["sample_rust", "sample_rust_sol", "sample_http", "sample_http_sol"]
    );
    let info: toml::Table =
        toml::from_str(&std::fs::read_to_string(pack.join("info.toml")).unwrap()).unwrap();
    let kinds: Vec<&str> = info["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rust", "sql", "git", "http"]);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = runner().args(["dev", "init"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("is not empty"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written"
    );
}

#[test]
fn new_keeps_info_toml_comments_and_puts_the_entry_after_its_stage() {
    let pack = pack_copy("dev/sound");
    backlings(pack.path())
        .args(["dev", "new", "subtract", "--kind", "rust", "--stage", "basics"])
        .assert()
        .success();
    let info = std::fs::read_to_string(pack.path().join("info.toml")).unwrap();
    assert!(info.starts_with("# A small sound pack: every starter fails, every solution passes.\n"));
    assert!(info.contains("hints = [\"Add the two numbers.\"] # one hint is enough here"));
    let at = |needle: &str| {
        info.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` in\n{info}"))
    };
    assert!(at("name = \"add\"") < at("name = \"subtract\""));
    assert!(
        at("name = \"subtract\"")
            < at("# ---------------------------------------------------------------- more"),
        "the entry belongs to its stage's section:\n{info}"
    );
    let manifest = std::fs::read_to_string(pack.path().join("exercises/Cargo.toml")).unwrap();
    assert!(manifest.contains("# ---- targets ----"));
    let bin = manifest.find("name = \"subtract\"").unwrap();
    assert!(manifest.find("name = \"add_sol\"").unwrap() < bin);
    assert!(bin < manifest.find("name = \"exit_zero\"").unwrap());
    assert!(manifest.contains("path = \"../solutions/basics/subtract.rs\""));

    // The pack still loads; only the new solution is left to write.
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{doc:#}");
    assert_eq!(problems[0]["exercise"], "subtract");
}

#[test]
fn new_refuses_bad_names_and_stages_and_writes_nothing() {
    let pack = pack_copy("dev/sound");
    let before = std::fs::read_to_string(pack.path().join("info.toml")).unwrap();
    let refuse = |args: &[&str], says: &str| {
        let out = backlings(pack.path())
            .args(["dev", "new"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says), "`{says}` in:\n{err}");
    };
    refuse(
        &["SelectAll", "--kind", "sql", "--stage", "basics"],
        "use snake_case",
    );
    refuse(
        &["add", "--kind", "rust", "--stage", "basics"],
        "`add` exists already",
    );
    refuse(
        &["add_sol", "--kind", "rust", "--stage", "basics"],
        "ends in `_sol`",
    );
    refuse(
        &["fresh", "--kind", "rust", "--stage", "advanced"],
        "its stages: basics, more",
    );
    std::fs::write(pack.path().join("exercises/basics/taken.rs"), "// mine").unwrap();
    refuse(
        &["taken", "--kind", "rust", "--stage", "basics"],
        "exercises/basics/taken.rs exists already",
    );
    assert_eq!(
        std::fs::read_to_string(pack.path().join("info.toml")).unwrap(),
        before
    );
    assert_eq!(
        std::fs::read_to_string(pack.path().join("exercises/basics/taken.rs")).unwrap(),
        "// mine"
    );
    assert!(!pack.path().join("solutions/basics/taken.rs").exists());
}
