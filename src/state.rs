//! The learner's progress: which exercises passed, how many hints were shown,
//! where they are. A small TOML file in the pack's `.backlings/` folder
//! (git-ignored).
//!
//! Several instances may share it (a watcher and a `backlings run` in another
//! terminal): a save takes a lock, reads the file again, applies only what
//! this instance changed, and writes the result atomically — so no instance
//! ever undoes another's pass.
//!
//! A damaged file is never lost: a copy of it is kept under a name of its own
//! (`state.toml.damaged-<time>-<n>`, one per damage, never overwritten)
//! before anything is written, what still reads is salvaged line by line, and
//! the note says what happened. Progress tooling must never be the reason a
//! learner is stuck — nor the reason their progress is gone.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::pack::Pack;

const STATE_FILE: &str = "state.toml";
const LOCK_FILE: &str = "state.toml.lock";
const STATE_VERSION: u32 = 1;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u32,
    current: Option<String>,
    #[serde(default)]
    done: BTreeSet<String>,
    #[serde(default)]
    hints_shown: BTreeMap<String, usize>,
}

/// What this instance changed since it last read the file: all a save writes.
#[derive(Debug, Default)]
struct Changes {
    done: BTreeMap<String, bool>,
    hints_shown: BTreeMap<String, usize>,
    current: Option<String>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.done.is_empty() && self.hints_shown.is_empty() && self.current.is_none()
    }

    fn apply(&self, file: &mut StateFile) {
        for (name, done) in &self.done {
            if *done {
                file.done.insert(name.clone());
            } else {
                file.done.remove(name);
            }
        }
        for (name, shown) in &self.hints_shown {
            let on_disk = file.hints_shown.entry(name.clone()).or_insert(0);
            *on_disk = (*on_disk).max(*shown);
        }
        if let Some(current) = &self.current {
            file.current = Some(current.clone());
        }
    }
}

#[derive(Debug)]
pub struct State {
    root: PathBuf,
    path: PathBuf,
    known: BTreeSet<String>,
    file: StateFile,
    changes: Changes,
    /// Why this instance must not write the file (it could not read it, or
    /// could not keep a copy of a damaged one, or it lies behind a link out of
    /// the pack). A save then fails with this reason.
    blocked: Option<String>,
    /// Things worth telling the learner about how the state was loaded
    /// (a damaged file salvaged, exercises dropped by a pack update).
    pub notes: Vec<String>,
}

/// The file as read under the lock.
enum Read {
    Missing,
    Good(StateFile),
    /// Damaged: what was salvaged, and a note on it. A copy is kept.
    Salvaged(StateFile, String),
    /// Unreadable, or damaged and no copy could be kept: do not write.
    Blocked(String),
}

impl State {
    pub fn path_in(pack: &Pack) -> PathBuf {
        pack.state_dir().join(STATE_FILE)
    }

    /// Load the progress for `pack`. Never fails: a damaged file is kept
    /// aside and salvaged, an unreadable one is left alone (and saving is
    /// refused), with a note either way.
    pub fn load(pack: &Pack) -> State {
        let path = Self::path_in(pack);
        let mut state = State {
            root: pack.root.clone(),
            path,
            known: pack.exercises.iter().map(|e| e.name.clone()).collect(),
            file: StateFile::default(),
            changes: Changes::default(),
            blocked: None,
            notes: Vec::new(),
        };
        match state.read_locked(|_| Ok(())) {
            Ok(Read::Missing) => {}
            Ok(Read::Good(file)) => state.file = file,
            Ok(Read::Salvaged(file, note)) => {
                state.file = file;
                state.notes.push(note);
            }
            Ok(Read::Blocked(reason)) => {
                state.notes.push(reason.clone());
                state.blocked = Some(reason);
            }
            Err(err) => {
                let reason = format!("progress will not be saved this time: {err:#}");
                state.notes.push(reason.clone());
                state.blocked = Some(reason);
            }
        }
        state.file.version = STATE_VERSION;
        state.forget_unknown();
        state
    }

    /// Take the lock, read the file (setting a damaged one aside and writing
    /// what was salvaged), then run `then` on what is there, still locked.
    fn read_locked(&self, then: impl FnOnce(&StateFile) -> Result<()>) -> Result<Read> {
        let lock_path = self.path.with_file_name(LOCK_FILE);
        fsutil::check_inside(&self.root, &self.path)?;
        fsutil::check_inside(&self.root, &lock_path)?;
        let _lock = fsutil::lock(&lock_path).with_context(|| format!("locking {}", lock_path.display()))?;
        let read = match fs::read(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Read::Missing,
            Err(e) => Read::Blocked(format!(
                "progress file {} could not be read ({e}); it is left as it is, and progress will not be saved this time",
                self.path.display()
            )),
            Ok(bytes) => match parse(&bytes) {
                Ok(file) => Read::Good(file),
                Err(damage) => self.set_aside(&bytes, &damage),
            },
        };
        match &read {
            Read::Missing => then(&StateFile::default())?,
            Read::Good(file) | Read::Salvaged(file, _) => then(file)?,
            Read::Blocked(_) => {}
        }
        Ok(read)
    }

    /// Keep a copy of the damaged `bytes`, then replace the file with what
    /// can be salvaged, so that the damage is handled once.
    fn set_aside(&self, bytes: &[u8], damage: &str) -> Read {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let stamp = fsutil::timestamp();
        let kept = fsutil::create_unique(
            |n| dir.join(format!("{STATE_FILE}.damaged-{stamp}-{n}")),
            |p| fsutil::write_new(p, bytes),
        );
        let (copy, salvage) = match kept {
            Ok((copy, ())) => (copy, salvage(&String::from_utf8_lossy(bytes))),
            Err(e) => {
                return Read::Blocked(format!(
                    "progress file {} is damaged ({damage}) and no copy of it could be kept ({e}); it is left as it is, and progress will not be saved this time",
                    self.path.display()
                ));
            }
        };
        let mut note = format!(
            "progress file {} was damaged ({damage}); the damaged file is kept as {}; {}",
            self.path.display(),
            copy.display(),
            salvage.describe()
        );
        let mut file = salvage.file;
        file.version = STATE_VERSION;
        if let Err(e) = write(&self.path, &file) {
            note.push_str(&format!(" (writing the salvaged progress failed: {e:#})"));
        }
        Read::Salvaged(file, note)
    }

    /// Drop exercises a pack update renamed or removed; keep the rest.
    fn forget_unknown(&mut self) {
        let gone: BTreeSet<String> = self
            .file
            .done
            .iter()
            .chain(self.file.hints_shown.keys())
            .chain(self.file.current.iter())
            .filter(|n| !self.known.contains(*n))
            .cloned()
            .collect();
        if gone.is_empty() {
            return;
        }
        retain_known(&mut self.file, &self.known);
        self.notes.push(format!(
            "the pack no longer has {}; their progress was dropped, the rest is kept",
            gone.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }

    /// Write what this instance changed into the file as it is now.
    pub fn save(&mut self) -> Result<()> {
        if let Some(reason) = &self.blocked {
            anyhow::bail!("{reason}");
        }
        if self.changes.is_empty() {
            return Ok(());
        }
        let mut merged = None;
        let read = self.read_locked(|on_disk| {
            let file = self.merged_with(on_disk);
            write(&self.path, &file)?;
            merged = Some(file);
            Ok(())
        })?;
        match read {
            Read::Blocked(reason) => anyhow::bail!("{reason}"),
            Read::Salvaged(_, note) => self.notes.push(note),
            Read::Missing | Read::Good(_) => {}
        }
        if let Some(file) = merged {
            self.file = file;
        }
        self.changes = Changes::default();
        Ok(())
    }

    /// The progress on disk with this instance's changes on top, as `save`
    /// writes it and `refresh` takes it in.
    fn merged_with(&self, on_disk: &StateFile) -> StateFile {
        let mut file = on_disk.clone();
        self.changes.apply(&mut file);
        file.version = STATE_VERSION;
        retain_known(&mut file, &self.known);
        file
    }

    /// Take in what other instances wrote since this one last read or saved
    /// (a `backlings run` in another terminal passing an exercise), with this
    /// instance's unsaved changes kept on top. Read-only: a file that cannot
    /// be read leaves the progress as it is.
    pub fn refresh(&mut self) {
        if self.blocked.is_some() {
            return;
        }
        let mut merged = None;
        let read = self.read_locked(|on_disk| {
            merged = Some(self.merged_with(on_disk));
            Ok(())
        });
        if let Ok(Read::Salvaged(_, note)) = read {
            self.notes.push(note);
        }
        if let Some(file) = merged {
            self.file = file;
        }
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
        self.changes.done.insert(name.to_string(), done);
    }

    pub fn done_count(&self) -> usize {
        self.file.done.len()
    }

    pub fn current(&self) -> Option<&str> {
        self.file.current.as_deref()
    }

    pub fn set_current(&mut self, name: &str) {
        self.file.current = Some(name.to_string());
        self.changes.current = Some(name.to_string());
    }

    pub fn hints_shown(&self, name: &str) -> usize {
        self.file.hints_shown.get(name).copied().unwrap_or(0)
    }

    /// Reveal one more hint (up to `available`); returns how many are shown now.
    pub fn reveal_hint(&mut self, name: &str, available: usize) -> usize {
        let shown = self.file.hints_shown.entry(name.to_string()).or_insert(0);
        *shown = (*shown + 1).min(available);
        self.changes.hints_shown.insert(name.to_string(), *shown);
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

fn retain_known(file: &mut StateFile, known: &BTreeSet<String>) {
    file.done.retain(|n| known.contains(n));
    file.hints_shown.retain(|n, _| known.contains(n));
    if file.current.as_ref().is_some_and(|c| !known.contains(c)) {
        file.current = None;
    }
}

/// One name a line: a damaged line then costs one exercise, not all of them.
fn write(path: &Path, file: &StateFile) -> Result<()> {
    let text = toml::to_string_pretty(file)?;
    fsutil::write_atomic(path, text.as_bytes())
}

/// The file, or what is wrong with it.
fn parse(bytes: &[u8]) -> Result<StateFile, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("line {line} is not valid UTF-8")
    })?;
    let file = toml::from_str::<StateFile>(text).map_err(|e| e.message().trim().to_string())?;
    if file.version != STATE_VERSION {
        return Err(format!(
            "it has version {}, this backlings reads {STATE_VERSION}",
            file.version
        ));
    }
    Ok(file)
}

/// What a line-by-line reading of a damaged file recovered.
struct Salvage {
    file: StateFile,
    lost_lines: usize,
}

impl Salvage {
    fn describe(&self) -> String {
        let passes = self.file.done.len();
        let mut said = format!(
            "salvaged {passes} passed exercise{}",
            if passes == 1 { "" } else { "s" }
        );
        if !self.file.hints_shown.is_empty() {
            said.push_str(&format!(", {} hint count(s)", self.file.hints_shown.len()));
        }
        if self.lost_lines > 0 {
            said.push_str(&format!(
                "; {} damaged line{} could not be read",
                self.lost_lines,
                if self.lost_lines == 1 { "" } else { "s" }
            ));
        }
        said
    }
}

/// Read what still makes sense, line by line. Hand-written on purpose: a TOML
/// parser refuses a whole document at its first bad byte, while a learner's
/// forty passes sit on forty lines of their own (see [`write`]). Each line's
/// values are still parsed by the toml crate; a line with a replaced
/// (non-UTF-8) byte is dropped rather than guessed at.
fn salvage(text: &str) -> Salvage {
    #[derive(PartialEq)]
    enum Section {
        Root,
        Hints,
        Other,
    }
    let mut file = StateFile::default();
    let mut lost_lines = 0;
    let mut section = Section::Root;
    let mut in_done = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.contains(char::REPLACEMENT_CHARACTER) {
            lost_lines += 1;
            in_done &= !line.ends_with(']');
            continue;
        }
        if in_done {
            let (items, closes) = match line.strip_suffix(']') {
                Some(items) => (items, true),
                None => (line, false),
            };
            match names(items) {
                Some(names) => file.done.extend(names),
                None => lost_lines += 1,
            }
            in_done = !closes;
            continue;
        }
        if line.starts_with('[') {
            section = if line == "[hints_shown]" {
                Section::Hints
            } else {
                Section::Other
            };
            continue;
        }
        if section == Section::Root
            && let Some(value) = line.strip_prefix("done").map(str::trim_start)
            && let Some(value) = value.strip_prefix('=').map(str::trim)
            && let Some(items) = value.strip_prefix('[')
        {
            let (items, closes) = match items.strip_suffix(']') {
                Some(items) => (items, true),
                None => (items, false),
            };
            match names(items) {
                Some(names) => file.done.extend(names),
                None => lost_lines += 1,
            }
            in_done = !closes;
            continue;
        }
        let Ok(pair) = toml::from_str::<toml::Table>(line) else {
            lost_lines += 1;
            continue;
        };
        for (key, value) in pair {
            match (&section, key.as_str(), value) {
                (Section::Root, "current", toml::Value::String(name)) => file.current = Some(name),
                (Section::Root, "version", _) => {}
                (Section::Hints, _, toml::Value::Integer(n)) if n >= 0 => {
                    file.hints_shown.insert(key, n as usize);
                }
                _ => lost_lines += 1,
            }
        }
    }
    Salvage { file, lost_lines }
}

/// The strings of `"a", "b",` (items of an array), or `None` if they do not read.
fn names(items: &str) -> Option<Vec<String>> {
    let table = toml::from_str::<toml::Table>(&format!("v = [{items}]")).ok()?;
    let array = table.get("v")?.as_array()?;
    array.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salvages_every_line_that_still_reads() {
        let text = "version = 1\ncurrent = \"b\"\ndone = [\n    \"a\",\n    \"\u{FFFD}x\",\n    \"c\",\n]\n\n[hints_shown]\na = 2\nb = oops\n";
        let salvage = salvage(text);
        assert_eq!(
            salvage.file.done,
            BTreeSet::from(["a".to_string(), "c".to_string()])
        );
        assert_eq!(salvage.file.current.as_deref(), Some("b"));
        assert_eq!(salvage.file.hints_shown.get("a"), Some(&2));
        assert_eq!(salvage.lost_lines, 2);
        assert_eq!(
            salvage.describe(),
            "salvaged 2 passed exercises, 1 hint count(s); 2 damaged lines could not be read"
        );
    }

    #[test]
    fn salvages_a_one_line_array_and_the_old_layout() {
        let salvage = salvage("version = 1\ndone = [\"a\", \"b\"]\n[hints_shown]\n");
        assert_eq!(salvage.file.done.len(), 2);
        assert_eq!(salvage.lost_lines, 0);
    }

    #[test]
    fn a_refresh_takes_in_another_instances_passes_and_keeps_its_own() {
        let (_dir, pack) = crate::test_support::loaded_copy("watch");
        let mut watcher = State::load(&pack);
        let mut other = State::load(&pack);
        watcher.set_done("gate", true);
        other.set_done("count_rows", true);
        other.save().unwrap();
        assert!(!watcher.is_done("count_rows"));
        watcher.refresh();
        assert!(watcher.is_done("count_rows"), "the other terminal's pass");
        assert!(watcher.is_done("gate"), "its own unsaved pass");
        watcher.save().unwrap();
        let fresh = State::load(&pack);
        assert!(fresh.is_done("gate") && fresh.is_done("count_rows"));
    }

    #[test]
    fn names_the_line_of_a_bad_byte() {
        let err = parse(b"version = 1\ndone = [\n  \"a\xff\",\n]\n").unwrap_err();
        assert_eq!(err, "line 3 is not valid UTF-8");
    }
}
