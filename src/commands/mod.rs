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
use crate::pack::Pack;
use crate::state::State;

/// A loaded pack and the learner's progress in it.
pub struct Session {
    pub pack: Pack,
    pub state: State,
}

impl Session {
    pub fn open(explicit: Option<&std::path::Path>) -> Result<Session> {
        let root = Pack::locate(explicit)?;
        let pack =
            Pack::load(&root).map_err(|e| anyhow::anyhow!("the pack's info.toml has problems:\n{e}"))?;
        crate::pristine::snapshot_all(&pack)?;
        let state = State::load(&pack);
        for note in &state.notes {
            eprintln!("{} {note}", console::style("note:").yellow().bold());
        }
        Ok(Session { pack, state })
    }

    /// The exercise named, or the learner's current one.
    pub fn pick(&self, name: Option<&str>) -> Result<usize> {
        match name {
            Some(name) => self
                .pack
                .index_of(name)
                .ok_or_else(|| self.pack.unknown_exercise(name)),
            None => Ok(self.state.start_index(&self.pack)),
        }
    }
}

pub fn dispatch(args: Args) -> Result<ExitCode> {
    let pack_dir = args.pack.as_deref();
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
