//! `backlings check`: every exercise, in pack order; updates the progress.

use std::process::ExitCode;

use anyhow::Result;
use console::style;

use super::Session;
use crate::check::{self, Target};
use crate::view::json::{Entry, Report};
use crate::view::terminal::status_label;

pub fn run(mut session: Session, json: bool) -> Result<ExitCode> {
    let mut entries = Vec::new();
    let mut all_passed = true;
    for exercise in &session.pack.exercises {
        let outcome = check::check(&session.pack, exercise, Target::Learner);
        session.state.set_done(&exercise.name, outcome.status.passed());
        all_passed &= outcome.status.passed();
        if !json {
            println!(
                "{:<8} {:<32} {}",
                status_label(outcome.status),
                exercise.name,
                style(&outcome.message).dim()
            );
        }
        entries.push(Entry::new(exercise, &outcome));
    }
    session.state.save()?;
    let report = Report::new(entries);
    if json {
        report.print();
    } else {
        println!(
            "\n{} of {} exercises pass",
            report.summary.passed, report.summary.total
        );
    }
    Ok(ExitCode::from(if all_passed { 0 } else { crate::EXIT_FAILED }))
}
