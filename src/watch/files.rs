//! File events for the current exercise: which ones mean "the learner saved".
//!
//! Editors save in different ways: a plain write (close-after-write), write to
//! a temp file and rename it over the original, vim's backup-then-create,
//! `sed -i`'s remove-and-create. We react on the first *complete* write
//! (close-after-write, a rename onto the file) instead of waiting out a
//! trailing debounce window, which would be most of a SQL check's latency.
//! Everything else (a create, a removal, a bare "modified", a git command's
//! burst of writes) is acted on after a short quiet period. The loop then
//! hashes the files, so a save dance of several events is judged once.
//!
//! The watch follows the folders, not only the files: when an exercise's
//! folder is deleted and created again, the watch is re-armed by itself. When
//! inotify cannot serve (its watch limit reached, a file system that sends no
//! events), the watcher falls back to polling and says so.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::AppEvent;

/// How long a change that may be followed by more waits for quiet.
pub const QUIET_PERIOD: Duration = Duration::from_millis(60);
/// A save that removed the file waits this long for it to come back before
/// the check says it is missing.
pub const MISSING_GRACE: Duration = Duration::from_millis(400);
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// What a file event means for the watcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A save is complete: check now.
    Complete,
    /// Something is being written or moved: check after a quiet period.
    InProgress,
}

pub fn classify(kind: &EventKind) -> Option<Change> {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(Change::Complete),
        EventKind::Access(_) => None,
        // A created file is still empty: its close-after-write follows.
        EventKind::Create(_) => Some(Change::InProgress),
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => Some(Change::Complete),
        EventKind::Modify(ModifyKind::Name(_)) => Some(Change::InProgress),
        EventKind::Modify(ModifyKind::Metadata(_)) => None,
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any | ModifyKind::Other) => {
            Some(Change::InProgress)
        }
        // A removal can change a verdict (`git clean`, a deleted `.git`), and
        // is also the first step of some editors' saves: check after quiet.
        EventKind::Remove(_) => Some(Change::InProgress),
        EventKind::Any | EventKind::Other => Some(Change::InProgress),
    }
}

/// What to watch for one exercise.
#[derive(Debug, Clone, Default)]
pub struct WatchSet {
    /// Individual files (their folders are watched, to see renames onto them).
    files: HashSet<PathBuf>,
    /// Trees watched recursively (a git sandbox, its remote).
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

    /// How a change of this path counts, if it counts at all. Git's object
    /// store and lock files are noise: the ref or index write that follows is
    /// the event that matters. A tree's events come in bursts (one git
    /// command writes several files): they wait for quiet.
    pub fn judge(&self, path: &Path, change: Change) -> Option<Change> {
        if self.files.contains(path) {
            return Some(change);
        }
        let in_tree = self.trees.iter().any(|tree| {
            path.starts_with(tree)
                && !path
                    .strip_prefix(tree)
                    .is_ok_and(|rest| rest.components().any(|c| c.as_os_str() == "objects"))
                && path.extension().is_none_or(|ext| ext != "lock")
        });
        in_tree.then_some(Change::InProgress)
    }

    /// Folders to watch: each file's folder and each tree.
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

/// What the event handler needs to know about what is followed now.
#[derive(Default)]
struct Following {
    exercise: usize,
    set: WatchSet,
    /// Folders that are watched themselves (deleting one ends its watch).
    roots: Vec<PathBuf>,
    /// Existing ancestors watched for a root that does not exist (yet).
    anchors: Vec<PathBuf>,
    wanted: Vec<PathBuf>,
}

impl Following {
    /// Does this event change which folders can be watched? A watched folder
    /// deleted or moved away, or a missing one (or its parent) created.
    fn needs_rearm(&self, path: &Path) -> bool {
        let root_gone = self.roots.iter().any(|root| root == path);
        let missing_comes = self
            .anchors
            .iter()
            .any(|anchor| path.parent() == Some(anchor.as_path()))
            && self.wanted.iter().any(|wanted| wanted.starts_with(path));
        root_gone || missing_comes
    }
}

/// A file watcher that follows the current exercise.
pub struct FileWatcher {
    inner: Box<dyn Watcher + Send>,
    polling: bool,
    watching: Vec<PathBuf>,
    following: Arc<Mutex<Following>>,
    events: Sender<AppEvent>,
}

impl FileWatcher {
    /// inotify unless `poll`; polling also when inotify cannot start.
    pub fn start(events: Sender<AppEvent>, poll: bool) -> Result<(Self, Option<String>)> {
        let following = Arc::new(Mutex::new(Following::default()));
        if !poll {
            match Self::inotify(&following, &events) {
                Ok(inner) => {
                    let watcher = FileWatcher {
                        inner,
                        polling: false,
                        watching: Vec::new(),
                        following,
                        events,
                    };
                    return Ok((watcher, None));
                }
                Err(err) => {
                    let inner = Self::poller(&following, &events)?;
                    let watcher = FileWatcher {
                        inner,
                        polling: true,
                        watching: Vec::new(),
                        following,
                        events,
                    };
                    return Ok((watcher, Some(polling_note(&format!("{err:#}")))));
                }
            }
        }
        let inner = Self::poller(&following, &events)?;
        Ok((
            FileWatcher {
                inner,
                polling: true,
                watching: Vec::new(),
                following,
                events,
            },
            None,
        ))
    }

    fn handler(
        following: &Arc<Mutex<Following>>,
        events: &Sender<AppEvent>,
    ) -> impl Fn(notify::Result<Event>) + Send + 'static {
        let following = Arc::clone(following);
        let events = events.clone();
        move |result: notify::Result<Event>| {
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
            let following = following
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let exercise = following.exercise;
            if event.paths.iter().any(|p| following.needs_rearm(p)) {
                let _ = events.send(AppEvent::Rearm { exercise });
            }
            let judged = event
                .paths
                .iter()
                .filter_map(|p| following.set.judge(p, change))
                .max_by_key(|c| *c == Change::Complete);
            if let Some(change) = judged {
                let _ = events.send(AppEvent::FileChanged { exercise, change });
            }
        }
    }

    fn inotify(
        following: &Arc<Mutex<Following>>,
        events: &Sender<AppEvent>,
    ) -> Result<Box<dyn Watcher + Send>> {
        let watcher = RecommendedWatcher::new(Self::handler(following, events), notify::Config::default())
            .context("inotify could not start")?;
        Ok(Box::new(watcher))
    }

    fn poller(
        following: &Arc<Mutex<Following>>,
        events: &Sender<AppEvent>,
    ) -> Result<Box<dyn Watcher + Send>> {
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        let watcher = PollWatcher::new(Self::handler(following, events), config)
            .context("could not start the polling file watcher")?;
        Ok(Box::new(watcher))
    }

    pub fn is_polling(&self) -> bool {
        self.polling
    }

    /// From inotify to polling, for good (the caller follows again).
    pub fn switch_to_polling(&mut self) -> Result<()> {
        self.inner = Self::poller(&self.following, &self.events)?;
        self.polling = true;
        self.watching.clear();
        Ok(())
    }

    /// Watch what `set` names for `exercise`, and nothing else. Returns a note
    /// when inotify failed and the watcher switched to polling.
    pub fn follow(&mut self, exercise: usize, set: WatchSet) -> Result<Option<String>> {
        match self.try_follow(exercise, &set) {
            Ok(()) => Ok(None),
            Err(err) if !self.polling => {
                // The inotify watch limit, a file system without events: poll.
                self.switch_to_polling()?;
                self.try_follow(exercise, &set)?;
                Ok(Some(polling_note(&format!("{err:#}"))))
            }
            Err(err) => Err(err),
        }
    }

    fn try_follow(&mut self, exercise: usize, set: &WatchSet) -> Result<()> {
        for old in self.watching.drain(..) {
            let _ = self.inner.unwatch(&old);
        }
        let mut following = Following {
            exercise,
            set: set.clone(),
            ..Following::default()
        };
        for (root, mode) in set.roots() {
            following.wanted.push(root.clone());
            let (path, mode) = if root.is_dir() {
                following.roots.push(root.clone());
                (root, mode)
            } else {
                // Not there (yet): watch the nearest folder that is, to see it come.
                let Some(anchor) = root.ancestors().skip(1).find(|a| a.is_dir()) else {
                    continue;
                };
                following.anchors.push(anchor.to_path_buf());
                (anchor.to_path_buf(), RecursiveMode::NonRecursive)
            };
            if self.watching.contains(&path) {
                continue;
            }
            self.inner
                .watch(&path, mode)
                .with_context(|| format!("inotify could not watch {}", path.display()))?;
            self.watching.push(path);
        }
        *self
            .following
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = following;
        Ok(())
    }
}

pub fn polling_note(why: &str) -> String {
    format!("watching by polling ({why}): saves show within a second")
}

/// File systems where inotify sees no changes made from elsewhere (WSL's
/// Windows drives, network and FUSE mounts): the pack on one of these is
/// watched by polling from the start.
pub fn needs_polling(fs_type: &str) -> bool {
    matches!(
        fs_type,
        "9p" | "drvfs" | "nfs" | "nfs4" | "cifs" | "smb3" | "smbfs" | "vboxsf" | "afs" | "ncpfs" | "sshfs"
    ) || fs_type.starts_with("fuse")
}

/// The file system type of the mount holding `path`, from /proc/self/mountinfo
/// (the longest mount point that is a prefix of the path). Hand-read: five
/// fields of a line, not worth a crate.
pub fn fs_type_of(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let (Some(mount_point), Some(fs_type)) = (fields.get(4), fields.get(dash + 1)) else {
            continue;
        };
        // Spaces in mount points are written as \040.
        let mount_point = mount_point.replace("\\040", " ");
        if path.starts_with(&mount_point) && best.as_ref().is_none_or(|(len, _)| mount_point.len() >= *len) {
            best = Some((mount_point.len(), fs_type.to_string()));
        }
    }
    best.map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};

    #[test]
    fn only_a_close_after_write_or_a_rename_onto_the_file_is_complete() {
        assert_eq!(
            classify(&EventKind::Access(AccessKind::Close(AccessMode::Write))),
            Some(Change::Complete)
        );
        assert_eq!(
            classify(&EventKind::Modify(ModifyKind::Name(RenameMode::To))),
            Some(Change::Complete)
        );
        assert_eq!(
            classify(&EventKind::Create(CreateKind::File)),
            Some(Change::InProgress)
        );
        assert_eq!(
            classify(&EventKind::Modify(ModifyKind::Name(RenameMode::From))),
            Some(Change::InProgress)
        );
        assert_eq!(
            classify(&EventKind::Modify(ModifyKind::Data(DataChange::Any))),
            Some(Change::InProgress)
        );
        assert_eq!(
            classify(&EventKind::Access(AccessKind::Open(AccessMode::Read))),
            None
        );
    }

    #[test]
    fn removals_count() {
        assert_eq!(
            classify(&EventKind::Remove(RemoveKind::File)),
            Some(Change::InProgress)
        );
        assert_eq!(
            classify(&EventKind::Remove(RemoveKind::Folder)),
            Some(Change::InProgress)
        );
    }

    #[test]
    fn git_noise_is_filtered_and_tree_events_wait_for_quiet() {
        let set = WatchSet::new(vec![
            (PathBuf::from("/p/exercises/a.sql"), false),
            (PathBuf::from("/p/.backlings/sandboxes/x/work"), true),
        ]);
        let work = "/p/.backlings/sandboxes/x/work";
        assert_eq!(
            set.judge(Path::new("/p/exercises/a.sql"), Change::Complete),
            Some(Change::Complete)
        );
        assert_eq!(
            set.judge(Path::new("/p/exercises/a.sql~"), Change::Complete),
            None
        );
        for counted in [".git/refs/heads/main", ".git/index", ".git", "notes.txt"] {
            let path = PathBuf::from(work).join(counted);
            assert_eq!(
                set.judge(&path, Change::Complete),
                Some(Change::InProgress),
                "{counted}"
            );
        }
        for noise in [".git/index.lock", ".git/objects/ab/cdef"] {
            assert_eq!(
                set.judge(&PathBuf::from(work).join(noise), Change::Complete),
                None,
                "{noise}"
            );
        }
    }

    #[test]
    fn a_deleted_folder_and_its_coming_back_rearm_the_watch() {
        let following = Following {
            roots: vec![PathBuf::from("/p/exercises/basics")],
            anchors: vec![PathBuf::from("/p/exercises")],
            wanted: vec![
                PathBuf::from("/p/exercises/basics"),
                PathBuf::from("/p/exercises/more/deep"),
            ],
            ..Following::default()
        };
        assert!(following.needs_rearm(Path::new("/p/exercises/basics")));
        assert!(following.needs_rearm(Path::new("/p/exercises/more")));
        assert!(!following.needs_rearm(Path::new("/p/exercises/basics/add.rs")));
        assert!(!following.needs_rearm(Path::new("/p/exercises/other")));
    }

    #[test]
    fn rearming_follows_a_folder_deleted_and_created_again() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("basics");
        std::fs::create_dir(&folder).unwrap();
        let file = folder.join("a.sql");
        std::fs::write(&file, "1").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let (mut watcher, note) = FileWatcher::start(tx, false).unwrap();
        assert!(note.is_none());
        let set = WatchSet::new(vec![(file.clone(), false)]);
        watcher.follow(7, set.clone()).unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        wait_for(&rx, |e| matches!(e, AppEvent::Rearm { exercise: 7 }));
        watcher.follow(7, set.clone()).unwrap();
        std::fs::create_dir(&folder).unwrap();
        wait_for(&rx, |e| matches!(e, AppEvent::Rearm { exercise: 7 }));
        watcher.follow(7, set).unwrap();
        std::fs::write(&file, "2").unwrap();
        wait_for(&rx, |e| {
            matches!(
                e,
                AppEvent::FileChanged {
                    exercise: 7,
                    change: Change::Complete
                }
            )
        });
    }

    fn wait_for(rx: &std::sync::mpsc::Receiver<AppEvent>, wanted: impl Fn(&AppEvent) -> bool) {
        // Bounded: inotify answers in microseconds; 10 s means it never will.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let event = rx.recv_timeout(left).expect("the awaited file event never came");
            if wanted(&event) {
                return;
            }
        }
    }

    #[test]
    fn network_and_wsl_file_systems_are_polled() {
        let mountinfo = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n\
                         30 22 0:40 / /mnt/c rw - 9p drvfs rw\n\
                         31 22 0:41 / /mnt/c/deep\\040dir rw - fuse.sshfs host: rw\n";
        assert_eq!(
            fs_type_of(mountinfo, Path::new("/home/x")).as_deref(),
            Some("ext4")
        );
        assert_eq!(
            fs_type_of(mountinfo, Path::new("/mnt/c/Users")).as_deref(),
            Some("9p")
        );
        assert_eq!(
            fs_type_of(mountinfo, Path::new("/mnt/c/deep dir/p")).as_deref(),
            Some("fuse.sshfs")
        );
        assert!(needs_polling("9p"));
        assert!(needs_polling("fuse.sshfs"));
        assert!(needs_polling("nfs4"));
        assert!(!needs_polling("ext4"));
        assert!(!needs_polling("overlay"));
    }
}
