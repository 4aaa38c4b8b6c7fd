//! Helpers shared by the integration tests: fixture packs copied to a temp
//! folder (the runner writes `.backlings/` into a pack), and the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A private copy of a fixture pack (without build output or runner state).
pub fn pack_copy(name: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture(name), dir.path());
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".backlings" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `backlings --pack DIR`, with colour off so output can be matched.
pub fn backlings(pack: &Path) -> Command {
    let mut cmd = Command::cargo_bin("backlings").unwrap();
    cmd.arg("--pack")
        .arg(pack)
        .env("NO_COLOR", "1")
        .env_remove("BACKLINGS_SEED");
    cmd
}

/// Copy an exercise's reference solution over the learner's file.
pub fn solve(pack: &Path, exercise_file: &str) {
    let solution = exercise_file.replacen("exercises/", "solutions/", 1);
    std::fs::copy(pack.join(solution), pack.join(exercise_file)).unwrap();
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
