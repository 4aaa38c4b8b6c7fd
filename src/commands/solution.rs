//! `backlings solution NAME`: the reference solution, once the exercise passed.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::session::Session;

pub fn run(session: &Session, name: &str) -> Result<ExitCode> {
    let index = session.pick(Some(name))?;
    let exercise = &session.pack.exercises[index];
    if !session.state.is_done(&exercise.name) {
        return Err(crate::error::bad_input!(
            "`{}` has not passed yet, so its solution stays hidden\n  help: `backlings hint {}` gives the next hint",
            exercise.name,
            exercise.name
        ));
    }
    let path = session.pack.path(&exercise.solution);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    eprintln!("{}", console::style(exercise.solution.display()).dim());
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
