//! `backlings reset NAME`: put an exercise back to its start.

use std::process::ExitCode;

use anyhow::Result;

use crate::check;
use crate::session::Session;

pub fn run(mut session: Session, name: &str) -> Result<ExitCode> {
    let index = session.pick(Some(name))?;
    let exercise = &session.pack.exercises[index];
    let what = check::reset(&session.pack, exercise)?;
    session.state.set_done(&exercise.name, false);
    // The files are back whatever happens to the progress file: say so first.
    println!("{}: {what}", exercise.name);
    if let Err(err) = session.state.save() {
        return Ok(super::progress_not_saved(&err));
    }
    Ok(ExitCode::SUCCESS)
}
