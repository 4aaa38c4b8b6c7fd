//! The one harness every integration suite shares: fixture packs copied to a
//! temp folder (the runner writes `.backlings/` and cargo's `exercises/target`
//! into a pack, and fixtures stay pristine), and the binary started with an
//! environment scrubbed the same way for every test.
#![allow(dead_code)] // each suite uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Variables of the developer's shell that would change what the runner does
/// or prints: a test must see the same runner on every machine.
const SCRUBBED: &[&str] = &[
    "BACKLINGS_SEED",
    "BACKLINGS_REPORT_RSS",
    "BACKLINGS_POSTGRES_URL",
    "BACKLINGS_POSTGRES_BIN",
    "BACKLINGS_HTTP_PORTS",
    "CARGO_TARGET_DIR",
    "CLICOLOR_FORCE",
    "COLUMNS",
    "LINES",
    "EDITOR",
    "VISUAL",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CEILING_DIRECTORIES",
];

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A private copy of a fixture pack (`core`, `sql`, `dev/sound`, …), without
/// build output or runner state.
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

/// The runner, with colour off and the environment scrubbed.
pub fn runner() -> Command {
    let mut cmd = Command::cargo_bin("backlings").unwrap();
    cmd.env("NO_COLOR", "1");
    for var in SCRUBBED {
        cmd.env_remove(var);
    }
    cmd
}

/// The same scrubbing for a `std::process::Command` (a watcher in a pty).
pub fn scrub(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("NO_COLOR", "1");
    for var in SCRUBBED {
        cmd.env_remove(var);
    }
    cmd
}

/// `backlings --pack DIR`, run from inside the pack as a learner would.
pub fn backlings(pack: &Path) -> Command {
    let mut cmd = runner();
    cmd.current_dir(pack).arg("--pack").arg(pack);
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

/// stdout as the one JSON document `--json` promises.
pub fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
