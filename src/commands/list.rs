//! `backlings list`: the pack's stages and exercises with the learner's
//! progress (drawn by `view::list`).

use std::process::ExitCode;

use anyhow::Result;

use crate::session::Session;
use crate::view::terminal::terminal_width;

pub fn run(session: &Session) -> Result<ExitCode> {
    print!(
        "{}",
        crate::view::list::render(&session.pack, &session.state, terminal_width())
    );
    Ok(ExitCode::SUCCESS)
}
