//! One file per subcommand. `dispatch` loads what each needs.

mod check_all;
mod hint;
mod list;
mod reset;
mod run;
mod solution;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Args, Command};
use crate::session::Session;

/// After a verdict was shown: the progress could not be written. Said on
/// stderr (stdout may be a `--json` document), with its own exit code.
fn progress_not_saved(err: &anyhow::Error) -> ExitCode {
    eprintln!(
        "{} the progress could not be saved: {err:#}",
        console::style("error:").red().bold()
    );
    ExitCode::from(crate::error::EXIT_INTERNAL)
}

pub fn dispatch(args: Args) -> Result<ExitCode> {
    let pack_dir = args.pack.as_deref();
    if let Some(engine) = args
        .sql_engine
        .as_deref()
        .and_then(crate::check::sql::engine::Engine::from_key)
    {
        crate::check::sql::choose_engine(engine);
    }
    match args.command {
        None => crate::watch::run(
            Session::open(pack_dir)?,
            crate::watch::WatchOptions {
                poll: args.poll,
                edit_cmd: args.edit_cmd,
            },
        ),
        Some(Command::List) => list::run(&Session::open(pack_dir)?),
        Some(Command::Run { name, json }) => run::run(Session::open(pack_dir)?, name.as_deref(), json),
        Some(Command::Hint { name }) => hint::run(Session::open(pack_dir)?, name.as_deref()),
        Some(Command::Reset { name }) => reset::run(Session::open(pack_dir)?, &name),
        Some(Command::Check { json }) => check_all::run(Session::open(pack_dir)?, json),
        Some(Command::Solution { name }) => solution::run(&Session::open(pack_dir)?, &name),
        Some(Command::Dev(dev)) => crate::dev::dispatch(dev, pack_dir),
    }
}
