//! Checkers: one module per exercise kind behind one small interface. Given an
//! exercise, produce an [`Outcome`]. Checkers never print.

pub mod batch;
pub mod git;
pub mod http;
pub mod libtest;
pub mod program;
pub mod rust;
pub mod sql;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use crate::exercise_package::{BuildReport, LintReport};
use crate::outcome::{Outcome, Status};
use crate::pack::{Exercise, KindReader, Pack};

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

/// The cargo target of an exercise (rust and http kinds), or of its
/// reference solution.
pub fn target_name(exercise: &Exercise, target: Target) -> String {
    match target {
        Target::Solution => crate::exercise_package::solution_target(&exercise.name),
        Target::Learner | Target::Starter => exercise.name.clone(),
    }
}

/// Seed for randomised inputs: fixed, so that a run is repeatable; a pack can
/// vary it with `BACKLINGS_SEED`.
pub fn seed() -> u64 {
    std::env::var("BACKLINGS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_BAC4)
}

/// One exercise kind: how the loader reads its table ([`KindReader`]) and
/// everything the runner does with its exercises. A kind is one module that
/// implements this; [`KINDS`] registers it.
pub trait Kind: KindReader {
    /// Check one exercise on its own.
    fn check(&self, pack: &Pack, exercise: &Exercise, target: Target) -> anyhow::Result<Outcome>;

    /// Check against builds a batch made once for all its exercises; `None`
    /// when this kind uses no shared build (the check then runs on its own).
    fn check_prebuilt(
        &self,
        _pack: &Pack,
        _exercise: &Exercise,
        _target: Target,
        _prebuilt: &Prebuilt,
    ) -> Option<anyhow::Result<Outcome>> {
        None
    }

    /// Which targets of the exercise package the check of `target` reads from
    /// a batch's builds, in which form, and which it lints.
    fn needs(&self, _exercise: &Exercise, _target: Target) -> Needs {
        Needs::default()
    }

    /// Get an exercise ready when the learner arrives at it. Idempotent.
    fn prepare(&self, _pack: &Pack, _exercise: &Exercise) -> anyhow::Result<()> {
        Ok(())
    }

    /// Put an exercise back to its start; returns a line saying what was done.
    fn reset(&self, pack: &Pack, exercise: &Exercise) -> anyhow::Result<String> {
        Ok(crate::pristine::restore(pack, exercise)?.describe())
    }

    /// What the watcher should watch: (path, recursive).
    fn watched_paths(&self, pack: &Pack, exercise: &Exercise) -> Vec<(PathBuf, bool)> {
        exercise.files.iter().map(|f| (pack.path(f), false)).collect()
    }

    /// Where the learner works, when it is not the exercise's files (a git sandbox).
    fn workspace_hint(&self, _pack: &Pack, _exercise: &Exercise) -> Option<String> {
        None
    }
}

/// Every kind the runner knows. Adding a kind: a module implementing [`Kind`]
/// and one line here.
pub static KINDS: &[&dyn Kind] = &[
    &rust::kind::RustKind,
    &sql::kind::SqlKind,
    &git::kind::GitKind,
    &http::kind::HttpKind,
];

/// The registry as the loader sees it.
pub fn readers() -> Vec<&'static dyn KindReader> {
    KINDS.iter().map(|&kind| kind as &dyn KindReader).collect()
}

/// The registered kind of that name (`dev new --kind`).
pub fn kind_named(name: &str) -> Option<crate::pack::Kind> {
    KINDS
        .iter()
        .find(|k| k.name() == name)
        .map(|&k| crate::pack::Kind::of(k))
}

fn kind_of(exercise: &Exercise) -> &'static dyn Kind {
    KINDS
        .iter()
        .copied()
        .find(|k| k.name() == exercise.kind.as_str())
        .expect("the loader accepts only registered kinds")
}

/// An exercise's settings, as the kind that read them made them.
pub fn spec_of<T: 'static>(exercise: &Exercise) -> &T {
    let any: &dyn std::any::Any = exercise.spec.as_any();
    any.downcast_ref::<T>()
        .expect("a spec is read back only by the kind that made it")
}

/// Check one exercise. Never panics on the learner's input: whatever goes
/// wrong becomes an outcome.
pub fn check(pack: &Pack, exercise: &Exercise, target: Target) -> Outcome {
    if let Some(missing) = learner_file_missing(pack, exercise, target) {
        return missing;
    }
    timed(|| kind_of(exercise).check(pack, exercise, target))
}

/// Check one exercise against builds a batch made once for all its exercises
/// (see [`batch`]). Its duration covers this exercise's own work, not the
/// shared build.
pub fn check_prebuilt(pack: &Pack, exercise: &Exercise, target: Target, prebuilt: &Prebuilt) -> Outcome {
    if let Some(missing) = learner_file_missing(pack, exercise, target) {
        return missing;
    }
    let started = Instant::now();
    match kind_of(exercise).check_prebuilt(pack, exercise, target, prebuilt) {
        Some(result) => {
            let mut outcome = result.unwrap_or_else(check_failed);
            outcome.duration = started.elapsed();
            outcome
        }
        None => check(pack, exercise, target),
    }
}

/// A learner who deleted an exercise's file, or put a folder or a link out of
/// the pack in its place, gets told how to get it back, whichever way the
/// exercise is checked (alone or in a batch).
fn learner_file_missing(pack: &Pack, exercise: &Exercise, target: Target) -> Option<Outcome> {
    if target != Target::Learner {
        return None;
    }
    exercise.files.iter().find_map(|f| {
        crate::pack::learner_file_problem(&pack.root, f)
            .map(|problem| Outcome::error(problem.explain(f, &exercise.name)))
    })
}

fn timed(check: impl FnOnce() -> anyhow::Result<Outcome>) -> Outcome {
    let started = Instant::now();
    let mut outcome = check().unwrap_or_else(check_failed);
    outcome.duration = started.elapsed();
    outcome
}

fn check_failed(err: anyhow::Error) -> Outcome {
    Outcome::new(Status::Error, format!("the check itself failed: {err:#}"))
}

/// Which targets of the exercise package a batch builds, in which form, and
/// lints: each target in the one form its check runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Test harnesses (the tests run).
    pub harnesses: BTreeSet<String>,
    /// Programs (`main` runs, or a server starts).
    pub programs: BTreeSet<String>,
    /// Targets clippy must find clean.
    pub lints: BTreeSet<String>,
}

impl Needs {
    pub fn union(mut self, other: Needs) -> Needs {
        self.harnesses.extend(other.harnesses);
        self.programs.extend(other.programs);
        self.lints.extend(other.lints);
        self
    }
}

/// What the check of `target` of `exercise` reads from a batch's builds.
pub fn needs(exercise: &Exercise, target: Target) -> Needs {
    kind_of(exercise).needs(exercise, target)
}

/// Builds of the exercise package shared by every check of a batch.
#[derive(Debug, Default)]
pub struct Prebuilt {
    pub tests: Option<BuildReport>,
    pub programs: Option<BuildReport>,
    pub lints: Option<LintReport>,
}

/// Get an exercise ready for the learner when they arrive at it (a git
/// exercise's sandbox is built the first time). Idempotent.
pub fn prepare(pack: &Pack, exercise: &Exercise) -> anyhow::Result<()> {
    kind_of(exercise).prepare(pack, exercise)
}

/// Put an exercise back to its start; returns a line saying what was done.
pub fn reset(pack: &Pack, exercise: &Exercise) -> anyhow::Result<String> {
    kind_of(exercise).reset(pack, exercise)
}

/// What the watcher should watch for this exercise: (path, recursive).
pub fn watched_paths(pack: &Pack, exercise: &Exercise) -> Vec<(PathBuf, bool)> {
    kind_of(exercise).watched_paths(pack, exercise)
}

/// Where the learner works, when it is not the exercise's files (a git sandbox).
pub fn workspace_hint(pack: &Pack, exercise: &Exercise) -> Option<String> {
    kind_of(exercise).workspace_hint(pack, exercise)
}
