//! The learner's progress: which exercises passed, how many hints were shown,
//! where they are. A small TOML file in the pack's `.backlings/` folder
//! (git-ignored), written atomically. A damaged file is reported, kept aside
//! and rebuilt: progress tooling must never be the reason a learner is stuck.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::fsutil::write_atomic;
use crate::pack::Pack;

const STATE_FILE: &str = "state.toml";
const STATE_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u32,
    current: Option<String>,
    #[serde(default)]
    done: BTreeSet<String>,
    #[serde(default)]
    hints_shown: BTreeMap<String, usize>,
}

#[derive(Debug)]
pub struct State {
    path: PathBuf,
    file: StateFile,
    /// Things worth telling the learner about how the state was loaded
    /// (a damaged file rebuilt, exercises dropped by a pack update).
    pub notes: Vec<String>,
}

impl State {
    pub fn path_in(pack: &Pack) -> PathBuf {
        pack.state_dir().join(STATE_FILE)
    }

    /// Load the progress for `pack`. Never fails on a bad file: it is moved
    /// aside (so nothing is lost) and the progress starts over, with a note.
    pub fn load(pack: &Pack) -> State {
        let path = Self::path_in(pack);
        let mut notes = Vec::new();
        let file = match fs::read_to_string(&path) {
            Ok(text) => match toml::from_str::<StateFile>(&text) {
                Ok(file) if file.version == STATE_VERSION => file,
                Ok(file) => {
                    notes.push(format!(
                        "progress file {} has version {}, expected {STATE_VERSION}; starting a new one",
                        path.display(),
                        file.version
                    ));
                    set_aside(&path, &mut notes);
                    StateFile::default()
                }
                Err(e) => {
                    notes.push(format!(
                        "progress file {} could not be read ({}); starting a new one",
                        path.display(),
                        e.message().trim()
                    ));
                    set_aside(&path, &mut notes);
                    StateFile::default()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => StateFile::default(),
            Err(e) => {
                notes.push(format!(
                    "progress file {} could not be read ({e}); progress will not be saved this time",
                    path.display()
                ));
                StateFile::default()
            }
        };
        let mut state = State { path, file, notes };
        state.file.version = STATE_VERSION;
        state.forget_unknown(pack);
        state
    }

    /// Drop exercises a pack update renamed or removed; keep the rest.
    fn forget_unknown(&mut self, pack: &Pack) {
        let known: BTreeSet<&str> = pack.exercises.iter().map(|e| e.name.as_str()).collect();
        let gone: Vec<String> = self
            .file
            .done
            .iter()
            .chain(self.file.hints_shown.keys())
            .chain(self.file.current.iter())
            .filter(|n| !known.contains(n.as_str()))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if gone.is_empty() {
            return;
        }
        self.file.done.retain(|n| known.contains(n.as_str()));
        self.file.hints_shown.retain(|n, _| known.contains(n.as_str()));
        if self.file.current.as_deref().is_some_and(|c| !known.contains(c)) {
            self.file.current = None;
        }
        self.notes.push(format!(
            "the pack no longer has {}; their progress was dropped, the rest is kept",
            gone.join(", ")
        ));
    }

    pub fn save(&self) -> Result<()> {
        let text = toml::to_string(&self.file)?;
        write_atomic(&self.path, text.as_bytes())
    }

    pub fn is_done(&self, name: &str) -> bool {
        self.file.done.contains(name)
    }

    pub fn set_done(&mut self, name: &str, done: bool) {
        if done {
            self.file.done.insert(name.to_string());
        } else {
            self.file.done.remove(name);
        }
    }

    pub fn done_count(&self) -> usize {
        self.file.done.len()
    }

    pub fn current(&self) -> Option<&str> {
        self.file.current.as_deref()
    }

    pub fn set_current(&mut self, name: &str) {
        self.file.current = Some(name.to_string());
    }

    pub fn hints_shown(&self, name: &str) -> usize {
        self.file.hints_shown.get(name).copied().unwrap_or(0)
    }

    /// Reveal one more hint (up to `available`); returns how many are shown now.
    pub fn reveal_hint(&mut self, name: &str, available: usize) -> usize {
        let shown = self.file.hints_shown.entry(name.to_string()).or_insert(0);
        *shown = (*shown + 1).min(available);
        *shown
    }

    /// The first exercise not done, in pack order, at or after `from`
    /// (wrapping around); `None` when everything is done.
    pub fn next_unfinished(&self, pack: &Pack, from: usize) -> Option<usize> {
        let n = pack.exercises.len();
        (0..n)
            .map(|i| (from + i) % n)
            .find(|&i| !self.is_done(&pack.exercises[i].name))
    }

    /// Where a learner should be: the saved current exercise, else the first unfinished.
    pub fn start_index(&self, pack: &Pack) -> usize {
        self.current()
            .and_then(|c| pack.index_of(c))
            .or_else(|| self.next_unfinished(pack, 0))
            .unwrap_or(0)
    }
}

fn set_aside(path: &std::path::Path, notes: &mut Vec<String>) {
    let aside = path.with_extension("toml.damaged");
    match fs::rename(path, &aside) {
        Ok(()) => notes.push(format!("the damaged file was kept as {}", aside.display())),
        Err(e) => notes.push(format!("could not keep the damaged file aside: {e}")),
    }
}
