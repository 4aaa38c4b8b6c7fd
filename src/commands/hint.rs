//! `backlings hint [NAME]`: one more hint on each call, from a nudge to
//! nearly the answer.

use std::process::ExitCode;

use anyhow::Result;
use console::style;

use crate::session::Session;
use crate::view::hints::render_hints;
use crate::view::terminal::terminal_width;

pub fn run(mut session: Session, name: Option<&str>) -> Result<ExitCode> {
    let index = session.pick(name)?;
    let exercise = &session.pack.exercises[index];
    let total = exercise.hints.len();
    let shown = session.state.reveal_hint(&exercise.name, total);
    session.state.save()?;
    println!("{}", render_hints(&exercise.hints, shown, terminal_width()));
    if shown < total {
        println!("{}", style("Run `backlings hint` again for the next one.").dim());
    }
    Ok(ExitCode::SUCCESS)
}
