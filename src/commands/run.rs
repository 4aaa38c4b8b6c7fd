//! `backlings run [NAME]`: check one exercise and print the verdict.

use std::process::ExitCode;

use anyhow::Result;
use console::style;

use crate::check::{self, Target};
use crate::session::Session;
use crate::view::json::{Entry, Report};
use crate::view::terminal::{Layout, render_outcome, terminal_width};

pub fn run(mut session: Session, name: Option<&str>, json: bool) -> Result<ExitCode> {
    let index = session.pick(name)?;
    let exercise = &session.pack.exercises[index];
    check::prepare(&session.pack, exercise)?;
    let outcome = check::check(&session.pack, exercise, Target::Learner);
    let passed = outcome.status.passed();
    // The verdict is shown whatever happens to the progress file; a save that
    // failed is reported after it.
    let saved = if passed {
        session.state.set_done(&exercise.name, true);
        session.state.save()
    } else {
        Ok(())
    };
    if json {
        Report::new(vec![Entry::new(exercise, &outcome)]).print();
    } else {
        print!(
            "{}",
            render_outcome(&exercise.name, &outcome, Layout::full(terminal_width()))
        );
        if passed {
            print!(
                "{}",
                crate::view::terminal::render_after_pass(exercise, terminal_width())
            );
            println!(
                "\n{} {} (or `backlings solution {}`)",
                style("Reference solution:").bold(),
                exercise.solution.display(),
                exercise.name
            );
        } else if !exercise.hints.is_empty() {
            println!(
                "\n{}",
                style(format!("Stuck? `backlings hint {}`", exercise.name)).dim()
            );
        }
    }
    if let Err(err) = saved {
        return Ok(super::progress_not_saved(&err));
    }
    Ok(ExitCode::from(if passed { 0 } else { crate::EXIT_FAILED }))
}
