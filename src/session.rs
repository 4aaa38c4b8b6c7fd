//! The learner's session: the pack they work in, and their progress in it.

use anyhow::Result;

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
        let pack = Pack::load(&root, &crate::check::readers())
            .map_err(|e| crate::error::bad_input!("the pack's info.toml has problems:\n{e}"))?;
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
