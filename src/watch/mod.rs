//! Watch mode (being built).

use std::process::ExitCode;

use anyhow::Result;

use crate::commands::Session;

pub fn run(_session: Session, _poll: bool) -> Result<ExitCode> {
    anyhow::bail!("watch mode is not built yet")
}
