//! Instructor tooling: `dev new` adds an exercise, `dev check` proves a pack
//! sound, `dev init` starts a pack of one's own.

mod check;
mod edit;
mod init;
mod new;
mod package;
mod stray;
mod templates;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DevCommand;

pub fn dispatch(command: DevCommand, pack_dir: Option<&Path>) -> Result<ExitCode> {
    match command {
        DevCommand::New { name, kind, stage } => new::run(pack_dir, &name, kind, &stage),
        DevCommand::Check { json } => check::run(pack_dir, json),
        DevCommand::Init { dir, kind } => init::run(&dir, &kind),
    }
}
