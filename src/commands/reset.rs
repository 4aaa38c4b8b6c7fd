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
    session.state.save()?;
    println!("{}: {what}", exercise.name);
    Ok(ExitCode::SUCCESS)
}
