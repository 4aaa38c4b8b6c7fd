//! `backlings dev check`: prove a pack sound, reporting every problem in one run.
//!
//! In order: info.toml as the loader reads it (every problem it finds, and the
//! exercises it could still read go on to the next steps), stray files, the
//! exercise package's targets against info.toml, then every starter must fail
//! and every solution pass (rust solutions clippy-clean too: `rust::judge`),
//! all in one batch
//! (`check::batch`).
//!
//! Exit status: 2 when info.toml has problems (learners could not load the
//! pack), else 1 when anything else is wrong, else 0.

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use super::{package, stray};
use crate::check::Target;
use crate::check::batch::{self, Job, Manifest, Options};
use crate::outcome::{Outcome, Status};
use crate::pack::{Exercise, Pack, Problem};
use crate::view::dev_report::{Category, CheckEntry, DevReport, Finding};
use crate::view::progress::Progress;
use crate::view::terminal::terminal_width;

pub fn run(pack_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let root = Pack::locate(pack_dir)?;
    let survey = match Pack::survey(&root, &crate::check::readers()) {
        Ok(survey) => survey,
        Err(unreadable) => {
            let findings: Vec<Finding> = unreadable
                .problems
                .into_iter()
                .map(|p| Finding::new(Category::Info, None, p))
                .collect();
            let report = DevReport::new(Vec::new(), findings, 0, started.elapsed());
            report.show(json, terminal_width());
            return Ok(report.exit_code());
        }
    };
    let pack = survey.pack;
    let mut findings: Vec<Finding> = survey
        .problems
        .into_iter()
        .map(|p| Finding::new(Category::Info, None, p))
        .collect();

    // A name declared twice is one cargo target: check the first only.
    let mut names = HashSet::new();
    let exercises: Vec<&Exercise> = pack
        .exercises
        .iter()
        .filter(|e| names.insert(e.name.as_str()))
        .collect();
    findings.extend(stray::find(&pack));
    let package = package::inspect(&pack, &exercises);
    findings.extend(package.findings.iter().cloned());

    let jobs = plan(&pack, &exercises, &package);
    let manifest = if package.needs_stand_in && !package.unusable {
        package::stand_in(&pack)?
    } else {
        Manifest::of(&pack)
    };
    let progress = Progress::for_stderr(Progress::Lines);
    let outcomes = batch::run(&pack, &jobs, &Options { manifest }, &progress);
    progress.clear();

    let mut checks = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let passed = outcome.status.passed();
        let category = match job.target {
            // Skipped (PostgreSQL is not installed): reported as such in the
            // summary, neither a finding nor a pass.
            _ if outcome.status == Status::Skipped => None,
            Target::Starter if job.exercise.starter_passes && !passed => Some(Category::SolutionFails),
            Target::Starter if !job.exercise.starter_passes && passed => Some(Category::StarterPasses),
            Target::Starter if outcome.status == Status::Error => Some(Category::StarterErrors),
            Target::Solution if !passed => Some(Category::SolutionFails),
            _ => None,
        };
        if let Some(category) = category {
            findings.push(judgement(job, &outcome, category));
        }
        checks.push(CheckEntry::new(job.exercise, job.target, outcome));
    }
    let report = DevReport::new(checks, findings, exercises.len(), started.elapsed());
    report.show(json, terminal_width());
    Ok(report.exit_code())
}

/// The starter and solution checks that can run: a file that is missing, or a
/// target the package lacks, is reported already and its check is left out.
fn plan<'p>(pack: &Pack, exercises: &[&'p Exercise], package: &package::PackageReport) -> Vec<Job<'p>> {
    let mut jobs = Vec::new();
    for &exercise in exercises {
        let cargo = exercise.kind.is_cargo_target();
        let target_ok = |name: String| !cargo || package.sound_targets.contains(&name);
        let starter_ok =
            exercise.files.iter().all(|f| pack.path(f).is_file()) && target_ok(exercise.name.clone());
        let solution_ok = pack.path(&exercise.solution).is_file()
            && target_ok(crate::exercise_package::solution_target(&exercise.name));
        if starter_ok {
            jobs.push(Job {
                exercise,
                target: Target::Starter,
            });
        }
        if solution_ok {
            jobs.push(Job {
                exercise,
                target: Target::Solution,
            });
        }
    }
    jobs
}

/// A finding for a check whose verdict is the wrong one.
fn judgement(job: &Job<'_>, outcome: &Outcome, category: Category) -> Finding {
    let exercise = job.exercise;
    let (file, message, help) = match category {
        Category::StarterPasses => (
            exercise.files.first().cloned().unwrap_or_default(),
            format!(
                "the starter of `{}` already passes ({})",
                exercise.name, outcome.message
            ),
            "the learner would have nothing to do: leave the part to write undone (a `todo!()`, a missing clause)",
        ),
        Category::StarterErrors => (
            exercise.files.first().cloned().unwrap_or_default(),
            format!(
                "the starter of `{}` cannot be checked: {}",
                exercise.name, outcome.message
            ),
            "a starter must fail on what the learner has to do, not on the pack itself: fix what the evidence below names",
        ),
        _ if job.target == Target::Starter => (
            exercise.files.first().cloned().unwrap_or_default(),
            format!(
                "the starter of `{}` is marked `starter_passes = true` but does not pass: {}",
                exercise.name, outcome.message
            ),
            "a reading exercise must pass as shipped: fix the starter, or drop `starter_passes`",
        ),
        _ => (
            exercise.solution.clone(),
            format!(
                "the solution of `{}` does not pass: {}",
                exercise.name, outcome.message
            ),
            "fix the reference solution (the evidence is below)",
        ),
    };
    Finding::new(
        category,
        Some(exercise.name.clone()),
        Problem::in_file(&file, message).help(help),
    )
}
