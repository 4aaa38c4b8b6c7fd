//! Checkers: one module per exercise kind behind one small interface. Given an
//! exercise, produce an [`Outcome`]. Checkers never print.

pub mod batch;
pub mod git;
pub mod http;
pub mod rust;
pub mod sql;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use crate::exercise_package::{BuildReport, Form, LintReport};

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
    if let Some(missing) = learner_file_missing(pack, exercise, target) {
        return missing;
    }
    timed(|| match &exercise.spec {
        KindSpec::Rust(spec) => rust::check(pack, exercise, spec, target),
        KindSpec::Sql(spec) => sql::check(pack, exercise, spec, target),
        KindSpec::Git(spec) => git::check(pack, exercise, spec, target),
        KindSpec::Http(spec) => http::check(pack, exercise, spec, target),
    })
}

/// Check one exercise against builds a batch made once for all its exercises
/// (see [`batch`]). Its duration covers this exercise's own work, not the
/// shared build.
pub fn check_prebuilt(pack: &Pack, exercise: &Exercise, target: Target, prebuilt: &Prebuilt) -> Outcome {
    if let Some(missing) = learner_file_missing(pack, exercise, target) {
        return missing;
    }
    match &exercise.spec {
        KindSpec::Rust(spec) => {
            let builds = rust::Builds {
                harnesses: prebuilt.tests.as_ref(),
                programs: prebuilt.programs.as_ref(),
                lints: prebuilt.lints.as_ref(),
            };
            timed(|| rust::check_with(pack, exercise, spec, target, &builds))
        }
        // The server and its unit tests come from the batch's builds.
        KindSpec::Http(spec) => {
            let builds = http::Builds {
                programs: prebuilt.programs.as_ref(),
                tests: prebuilt.tests.as_ref(),
            };
            timed(|| http::check_with(pack, exercise, spec, target, &builds))
        }
        KindSpec::Sql(_) | KindSpec::Git(_) => check(pack, exercise, target),
    }
}

/// A learner who deleted an exercise's file gets told how to get it back,
/// whichever way the exercise is checked (alone or in a batch).
fn learner_file_missing(pack: &Pack, exercise: &Exercise, target: Target) -> Option<Outcome> {
    if target != Target::Learner {
        return None;
    }
    let gone = exercise.files.iter().find(|f| !pack.path(f).exists())?;
    Some(Outcome::error(format!(
        "{} is missing: `backlings reset {}` brings the starter back",
        gone.display(),
        exercise.name
    )))
}

fn timed(check: impl FnOnce() -> anyhow::Result<Outcome>) -> Outcome {
    let started = Instant::now();
    let mut outcome = check()
        .unwrap_or_else(|err| Outcome::new(Status::Error, format!("the check itself failed: {err:#}")));
    outcome.duration = started.elapsed();
    outcome
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
    let mut needs = Needs::default();
    match &exercise.spec {
        KindSpec::Rust(spec) => {
            let name = rust::target_name(exercise, target);
            for form in spec.forms() {
                match form {
                    Form::Harness => needs.harnesses.insert(name.clone()),
                    Form::Program => needs.programs.insert(name.clone()),
                };
            }
            if rust::wants_clippy(spec, target) {
                needs.lints.insert(name);
            }
        }
        // A server: its program, and its unit tests' harness.
        KindSpec::Http(_) => {
            let name = rust::target_name(exercise, target);
            needs.harnesses.insert(name.clone());
            needs.programs.insert(name);
        }
        KindSpec::Sql(_) | KindSpec::Git(_) => {}
    }
    needs
}

/// Builds of the exercise package shared by every check of a batch.
#[derive(Debug, Default)]
pub struct Prebuilt {
    pub tests: Option<BuildReport>,
    pub programs: Option<BuildReport>,
    pub lints: Option<LintReport>,
}

impl KindSpec {
    /// Files of the pack this spec names besides the exercise's `files` and
    /// `solution` (fixtures, scenarios), so `dev check` does not call them stray.
    /// Paths are relative to the pack root (`root`), normalised as the loader
    /// does (`pack::resolve_inside`).
    pub fn referenced_files(&self, root: &std::path::Path) -> Vec<PathBuf> {
        match self {
            // Everything a rust exercise uses is its file and its solution.
            KindSpec::Rust(_) => Vec::new(),
            KindSpec::Http(spec) => spec
                .assets
                .iter()
                .filter_map(|p| crate::pack::resolve_inside(root, p.get_ref()).ok())
                .collect(),
            KindSpec::Sql(spec) => [Some(&spec.fixture), spec.hidden_fixture.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(|p| crate::pack::resolve_inside(root, p.get_ref()).ok())
                .collect(),
            KindSpec::Git(spec) => vec![spec.scenario_path(root)],
        }
    }
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
