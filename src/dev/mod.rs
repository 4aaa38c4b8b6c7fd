//! Instructor tooling: `dev new` adds an exercise, `dev check` proves a pack
//! sound, `dev init` starts a pack of one's own.

mod check;
mod finding;
mod package;
mod stray;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DevCommand;

pub fn dispatch(command: DevCommand, pack_dir: Option<&Path>) -> Result<ExitCode> {
    match command {
        DevCommand::Check { json } => check::run(pack_dir, json),
        DevCommand::New { .. } | DevCommand::Init { .. } => anyhow::bail!("not yet"),
    }
}
