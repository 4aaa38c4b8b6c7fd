//! `backlings check`: every exercise, in pack order; updates the progress.
//!
//! Uses the batch engine: the exercise package is built once for every rust
//! and http exercise, then the checks run side by side (see `check::batch`).

use std::process::ExitCode;

use anyhow::Result;

use crate::check::batch::{self, Job, Manifest, Options};
use crate::session::Session;
use crate::view::json::{Entry, Report};
use crate::view::progress::Progress;

pub fn run(mut session: Session, json: bool) -> Result<ExitCode> {
    let pack = &session.pack;
    let jobs = Job::every_learner_exercise(pack);
    let options = Options {
        manifest: Manifest::of(pack),
    };
    let progress = Progress::for_stderr(Progress::Quiet);
    let outcomes = batch::run(pack, &jobs, &options, &progress);
    progress.clear();

    let mut entries = Vec::new();
    for (job, outcome) in jobs.iter().zip(&outcomes) {
        session
            .state
            .set_done(&job.exercise.name, outcome.status.passed());
        if !json {
            println!(
                "{}",
                crate::view::progress::exercise_row(outcome, &job.exercise.name, None)
            );
        }
        entries.push(Entry::new(job.exercise, outcome));
    }
    let saved = session.state.save();
    let report = Report::new(entries);
    let all_passed = report.summary.failed == 0;
    if json {
        report.print();
    } else {
        println!(
            "\n{} of {} exercises pass",
            report.summary.passed, report.summary.total
        );
    }
    if let Err(err) = saved {
        return Ok(super::progress_not_saved(&err));
    }
    Ok(ExitCode::from(if all_passed { 0 } else { crate::EXIT_FAILED }))
}
