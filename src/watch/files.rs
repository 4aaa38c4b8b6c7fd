//! File events for the current exercise: which ones mean "the learner saved".
//!
//! Editors save in different ways: a plain write (close-after-write), write to
//! a temp file and rename it over the original, vim's backup-then-create,
//! `sed -i`'s remove-and-create. We react on the first *complete* write
//! (close-after-write, a create, a rename onto the file) instead of waiting out
//! a trailing debounce window, which would be most of a SQL check's latency.
//! A bare "modified" (a write still in progress, or a poll watcher that only
//! knows "modified") is acted on after a short quiet period.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::AppEvent;

/// How long a bare "modified" waits for the close that usually follows.
pub const QUIET_PERIOD: Duration = Duration::from_millis(60);
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// What a file event means for the watcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A save is complete: check now.
    Complete,
    /// Something is being written: check after a quiet period.
    InProgress,
}

pub fn classify(kind: &EventKind) -> Option<Change> {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(Change::Complete),
        EventKind::Access(_) => None,
        EventKind::Create(_) => Some(Change::Complete),
        EventKind::Modify(ModifyKind::Name(_)) => Some(Change::Complete),
        EventKind::Modify(ModifyKind::Metadata(_)) => None,
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any | ModifyKind::Other) => {
            Some(Change::InProgress)
        }
        // The file disappearing is not a save; the write that follows is.
        EventKind::Remove(_) => None,
        EventKind::Any | EventKind::Other => Some(Change::InProgress),
    }
}

/// What to watch for one exercise.
#[derive(Debug, Clone, Default)]
pub struct WatchSet {
    /// Individual files (their folders are watched, to see renames onto them).
    files: HashSet<PathBuf>,
    /// Trees watched recursively (a git sandbox's `.git`).
    trees: Vec<PathBuf>,
}

impl WatchSet {
    pub fn new(paths: Vec<(PathBuf, bool)>) -> Self {
        let mut set = WatchSet::default();
        for (path, recursive) in paths {
            if recursive {
                set.trees.push(path);
            } else {
                set.files.insert(path);
            }
        }
        set
    }

    /// Is this path one the learner's work lives in? Git's own bookkeeping
    /// (objects, lock files) is noise: the ref or index write that follows is
    /// the event that matters.
    pub fn matches(&self, path: &Path) -> bool {
        if self.files.contains(path) {
            return true;
        }
        self.trees.iter().any(|tree| {
            path.starts_with(tree)
                && !path.components().any(|c| c.as_os_str() == "objects")
                && path.extension().is_none_or(|ext| ext != "lock")
        })
    }

    fn roots(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut roots: Vec<(PathBuf, RecursiveMode)> = Vec::new();
        for file in &self.files {
            if let Some(dir) = file.parent()
                && !roots.iter().any(|(d, _)| d == dir)
            {
                roots.push((dir.to_path_buf(), RecursiveMode::NonRecursive));
            }
        }
        for tree in &self.trees {
            roots.push((tree.clone(), RecursiveMode::Recursive));
        }
        roots
    }
}

/// A file watcher that follows the current exercise.
pub struct FileWatcher {
    inner: Box<dyn Watcher + Send>,
    watching: Vec<PathBuf>,
    set: std::sync::Arc<std::sync::Mutex<WatchSet>>,
}

impl FileWatcher {
    pub fn start(events: Sender<AppEvent>, poll: bool) -> Result<Self> {
        let set = std::sync::Arc::new(std::sync::Mutex::new(WatchSet::default()));
        let filter = std::sync::Arc::clone(&set);
        let handler = move |result: notify::Result<Event>| {
            let event = match result {
                Ok(event) => event,
                Err(err) => {
                    let _ = events.send(AppEvent::WatchError(err.to_string()));
                    return;
                }
            };
            let Some(change) = classify(&event.kind) else {
                return;
            };
            let set = filter.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if event.paths.iter().any(|p| set.matches(p)) {
                let _ = events.send(AppEvent::FileChanged(change));
            }
        };
        let inner: Box<dyn Watcher + Send> = if poll {
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Box::new(PollWatcher::new(handler, config).context("could not start the polling file watcher")?)
        } else {
            Box::new(RecommendedWatcher::new(handler, notify::Config::default()).context(
                "could not start the file watcher (inotify)\n  help: run `backlings --poll` to watch by polling instead",
            )?)
        };
        Ok(FileWatcher {
            inner,
            watching: Vec::new(),
            set,
        })
    }

    /// Watch what `set` names, and nothing else.
    pub fn follow(&mut self, set: WatchSet) -> Result<()> {
        for old in self.watching.drain(..) {
            let _ = self.inner.unwatch(&old);
        }
        for (root, mode) in set.roots() {
            if !root.exists() {
                // A sandbox not built yet or deleted: the check says what to do.
                continue;
            }
            self.inner.watch(&root, mode).with_context(|| {
                format!(
                    "could not watch {}\n  help: run `backlings --poll` to watch by polling instead (WSL on /mnt, network drives)",
                    root.display()
                )
            })?;
            self.watching.push(root);
        }
        *self.set.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = set;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    #[test]
    fn reacts_to_complete_saves_only() {
        assert_eq!(
            classify(&EventKind::Access(AccessKind::Close(AccessMode::Write))),
            Some(Change::Complete)
        );
        assert_eq!(
            classify(&EventKind::Create(CreateKind::File)),
            Some(Change::Complete)
        );
        assert_eq!(
            classify(&EventKind::Modify(ModifyKind::Name(RenameMode::To))),
            Some(Change::Complete)
        );
        assert_eq!(
            classify(&EventKind::Modify(ModifyKind::Data(DataChange::Any))),
            Some(Change::InProgress)
        );
        assert_eq!(
            classify(&EventKind::Access(AccessKind::Open(AccessMode::Read))),
            None
        );
        assert_eq!(classify(&EventKind::Remove(RemoveKind::File)), None);
    }

    #[test]
    fn git_noise_is_filtered() {
        let set = WatchSet::new(vec![
            (PathBuf::from("/p/exercises/a.sql"), false),
            (PathBuf::from("/p/.backlings/sandboxes/x/work/.git"), true),
        ]);
        assert!(set.matches(Path::new("/p/exercises/a.sql")));
        assert!(!set.matches(Path::new("/p/exercises/a.sql~")));
        assert!(set.matches(Path::new("/p/.backlings/sandboxes/x/work/.git/refs/heads/main")));
        assert!(set.matches(Path::new("/p/.backlings/sandboxes/x/work/.git/index")));
        assert!(!set.matches(Path::new("/p/.backlings/sandboxes/x/work/.git/index.lock")));
        assert!(!set.matches(Path::new("/p/.backlings/sandboxes/x/work/.git/objects/ab/cdef")));
    }
}
