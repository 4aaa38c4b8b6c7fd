//! Checkers: one module per exercise kind behind one small interface. Given an
//! exercise, produce an [`Outcome`]. Checkers never print.

pub mod git;
pub mod http;
pub mod rust;
pub mod sql;

use std::time::Instant;

use crate::outcome::{Outcome, Status};
use crate::pack::{Exercise, KindSpec, Pack};

/// Which version of an exercise to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// What the learner has now (their files, their sandbox).
    Learner,
    /// The exercise as shipped, from a fresh start: `dev check` requires it to fail.
    /// For file-based kinds the files in exercises/ are the starters.
    Starter,
    /// The reference solution: `dev check` requires it to pass.
    Solution,
}

/// Seed for randomised inputs: fixed, so that a run is repeatable; a pack can
/// vary it with `BACKLINGS_SEED`.
pub fn seed() -> u64 {
    std::env::var("BACKLINGS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_BAC4)
}

/// Check one exercise. Never panics on the learner's input: whatever goes
/// wrong becomes an outcome.
pub fn check(pack: &Pack, exercise: &Exercise, target: Target) -> Outcome {
    let started = Instant::now();
    let result = match &exercise.spec {
        KindSpec::Rust(spec) => rust::check(pack, exercise, spec, target),
        KindSpec::Sql(spec) => sql::check(pack, exercise, spec, target),
        KindSpec::Git(spec) => git::check(pack, exercise, spec, target),
        KindSpec::Http(spec) => http::check(pack, exercise, spec, target),
    };
    let mut outcome =
        result.unwrap_or_else(|err| Outcome::new(Status::Error, format!("the check itself failed: {err:#}")));
    outcome.duration = started.elapsed();
    outcome
}

/// Get an exercise ready for the learner when they arrive at it (a git
/// exercise's sandbox is built the first time). Idempotent.
pub fn prepare(pack: &Pack, exercise: &Exercise) -> anyhow::Result<()> {
    match &exercise.spec {
        KindSpec::Git(spec) => git::prepare(pack, exercise, spec),
        _ => Ok(()),
    }
}

/// Put an exercise back to its start; returns a line saying what was done.
pub fn reset(pack: &Pack, exercise: &Exercise) -> anyhow::Result<String> {
    match &exercise.spec {
        KindSpec::Git(spec) => git::reset(pack, exercise, spec),
        _ => Ok(crate::pristine::restore(pack, exercise)?.describe()),
    }
}

/// What the watcher should watch for this exercise: (path, recursive).
pub fn watched_paths(pack: &Pack, exercise: &Exercise) -> Vec<(std::path::PathBuf, bool)> {
    match &exercise.spec {
        KindSpec::Git(spec) => git::watched_paths(pack, exercise, spec),
        _ => exercise.files.iter().map(|f| (pack.path(f), false)).collect(),
    }
}

/// Where the learner works, when it is not the exercise's files (a git sandbox).
pub fn workspace_hint(pack: &Pack, exercise: &Exercise) -> Option<String> {
    match &exercise.spec {
        KindSpec::Git(spec) => git::workspace_hint(pack, exercise, spec),
        _ => None,
    }
}
