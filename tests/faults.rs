//! The fault suite (issue 11): learner code and files that misbehave, and the
//! runner neither hangs, nor loses progress, nor writes outside the pack.
//! Fixture: tests/fixtures/faults (misbehaving programs, twenty quick SQL
//! exercises).

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{backlings, pack_copy, solve, stderr_of, stdout_of};

/// A pack's exercise package built beforehand, so that a test can time the
/// check alone.
fn build_exercises(pack: &Path) {
    let status = std::process::Command::new("cargo")
        .args(["build", "--quiet", "--bins", "--manifest-path"])
        .arg(pack.join("exercises/Cargo.toml"))
        .env("CARGO_TARGET_DIR", pack.join("exercises/target"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the fault fixture's programs build");
}

/// Live processes whose environment holds `FAULT_TOKEN=token` (a zombie has
/// no environment left).
fn alive_with(token: &str) -> Vec<i32> {
    let entry = format!("FAULT_TOKEN={token}").into_bytes();
    fs::read_dir("/proc")
        .expect("/proc is mounted")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|e| e == entry))
        })
        .collect()
}

/// Kills what a failing run left behind, so a red test leaves no `sleep 300`.
struct KillOnDrop(String);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        for pid in alive_with(&self.0) {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
        }
    }
}

// ---- 1. escaped processes

#[test]
fn a_program_that_leaves_a_daemon_gets_a_verdict_in_time_and_the_daemon_is_stopped() {
    let pack = pack_copy("faults");
    build_exercises(pack.path());
    let token = format!("escape-{}", std::process::id());
    let _cleanup = KillOnDrop(token.clone());
    let started = Instant::now();
    let out = backlings(pack.path())
        .args(["run", "escape"])
        .env("FAULT_TOKEN", &token)
        // Today's main never returns: fail instead of hanging the suite.
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let took = started.elapsed();
    // The exercise's limit is 4 s; the verdict may take a grace beyond it.
    assert!(took < Duration::from_secs(4 + 3), "the check took {took:?}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    assert!(
        stdout_of(&out).contains("your program left 1 process running; it was stopped"),
        "{}",
        stdout_of(&out)
    );
    assert_eq!(
        alive_with(&token),
        Vec::<i32>::new(),
        "the daemon survived the check"
    );
}

// ---- 2. memory

#[test]
fn a_program_past_its_memory_limit_is_told_so() {
    let pack = pack_copy("faults");
    let out = backlings(pack.path())
        .args(["run", "hog"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    assert!(
        stdout_of(&out).contains("ran out of its memory limit of 1 GiB"),
        "{}",
        stdout_of(&out)
    );
    solve(pack.path(), "exercises/procs/hog.rs");
    backlings(pack.path()).args(["run", "hog"]).assert().code(0);
}
