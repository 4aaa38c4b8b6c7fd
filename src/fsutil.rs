//! Small file-system helpers shared by the modules that write files: whole-file
//! writes, the guard that keeps the runner's writes inside the pack, copies
//! that never overwrite, and file locks.
//!
//! The guard: a cloned pack can ship symlinks (`.backlings -> /home/you`), and
//! a learner can make them. Every write or delete the runner makes under the
//! pack goes through [`check_inside`] first, which refuses a path that passes
//! through a symlink leading out of the pack and names the link.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

/// Write `bytes` to `path` so that a crash leaves either the old file or the
/// new one, never half of each: write a temp file beside it, sync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_whole(path, bytes, Durability::Synced)
}

/// Write a file whole (temp file + rename: a reader never sees half of it),
/// without the fsync. For files the runner rebuilds when they are missing or
/// wrong (a sandbox's marker and config): surviving a power cut buys nothing
/// there, and an fsync costs several milliseconds.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> Result<()> {
    write_whole(path, bytes, Durability::Unsynced)
}

#[derive(PartialEq, Eq)]
enum Durability {
    Synced,
    Unsynced,
}

fn write_whole(path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| -> io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if durability == Durability::Synced {
            file.sync_all()?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

/// A symlink on the way to a path the runner would write, leading out of the pack.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} is a symbolic link to {}, outside the pack: backlings does not write or delete through it\n  help: remove the link (`rm {}`) and run again; backlings makes a real one in its place",
    link.display(), target.display(), link.display()
)]
pub struct LinkOutside {
    pub link: PathBuf,
    pub target: PathBuf,
}

/// The first symlink on the way from `root` to `path` (`path` itself
/// included) that leads out of `root`, if any. `path` must be under `root`.
pub fn link_outside(root: &Path, path: &Path) -> Option<LinkOutside> {
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let rest = path.strip_prefix(root).ok()?;
    let mut probe = root.to_path_buf();
    for part in rest.components() {
        probe.push(part);
        let Ok(meta) = fs::symlink_metadata(&probe) else {
            // Nothing there yet: what follows would be created, not followed.
            return None;
        };
        if !meta.file_type().is_symlink() {
            continue;
        }
        let target = match probe.canonicalize() {
            Ok(real) => real,
            // A dangling link: where it would lead.
            Err(_) => match fs::read_link(&probe) {
                Ok(to) => normalise(&probe.parent().unwrap_or(root).join(to)),
                Err(_) => continue,
            },
        };
        if !target.starts_with(&root_real) {
            return Some(LinkOutside { link: probe, target });
        }
    }
    None
}

/// `..` and `.` resolved by the text alone (for a link whose target is missing).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Refuse to touch `path` when a symlink on the way leads out of `root`.
pub fn check_inside(root: &Path, path: &Path) -> Result<(), LinkOutside> {
    link_outside(root, path).map_or(Ok(()), Err)
}

/// [`write_atomic`], refusing a path through a link out of the pack at `root`.
pub fn write_atomic_inside(root: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    check_inside(root, path)?;
    write_atomic(path, bytes)
}

/// `fs::create_dir_all`, refusing a path through a link out of the pack.
pub fn create_dir_all_inside(root: &Path, dir: &Path) -> Result<()> {
    check_inside(root, dir)?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

#[allow(
    dead_code,
    reason = "for the git kind's sandboxes, which another change moves"
)]
/// Remove a folder and what it holds, refusing one reached through a link
/// out of the pack (a link itself, at the end, is removed, not followed).
pub fn remove_dir_all_inside(root: &Path, dir: &Path) -> Result<()> {
    if let Some(parent) = dir.parent() {
        check_inside(root, parent)?;
    }
    let result = match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(dir),
        Ok(_) => fs::remove_file(dir),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    };
    result.with_context(|| format!("removing {}", dir.display()))
}

/// A name for a copy kept aside, unique to the moment: `20261201T203015Z`.
/// Hand-written (Howard Hinnant's civil-from-days) to avoid a date crate for
/// one format.
pub fn timestamp() -> String {
    timestamp_of(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

fn timestamp_of(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Pick the first of `candidate(1)`, `candidate(2)`, … that `create` makes
/// (it must fail with `AlreadyExists` on a taken name): nothing kept aside is
/// ever overwritten, also by two instances at the same second.
pub fn create_unique<T>(
    candidate: impl Fn(u32) -> PathBuf,
    mut create: impl FnMut(&Path) -> io::Result<T>,
) -> io::Result<(PathBuf, T)> {
    for n in 1..10_000 {
        let path = candidate(n);
        match create(&path) {
            Ok(made) => return Ok((path, made)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free name left"))
}

/// Write a new file, failing if the name is taken (never overwrites).
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// An exclusive lock on a file, held until dropped (`flock` on Unix, through
/// std). Between backlings instances only: it does not stop other programs.
pub struct FileLock {
    _file: fs::File,
}

fn lock_file(path: &Path) -> io::Result<fs::File> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// Wait for the lock on `path` (created if missing).
pub fn lock(path: &Path) -> io::Result<FileLock> {
    let file = lock_file(path)?;
    file.lock()?;
    Ok(FileLock { _file: file })
}

/// The lock on `path` if nobody holds it, else `None` at once.
pub fn try_lock(path: &Path) -> io::Result<Option<FileLock>> {
    let file = lock_file(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(FileLock { _file: file })),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_links_out_of_the_root_and_names_them() {
        let pack = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = pack.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join(".backlings")).unwrap();
        let target = root.join(".backlings/state.toml");
        let err = write_atomic_inside(&root, &target, b"x").unwrap_err();
        assert!(
            err.to_string().contains(".backlings is a symbolic link to"),
            "{err}"
        );
        assert_eq!(
            fs::read_dir(outside.path()).unwrap().count(),
            0,
            "nothing written outside"
        );
        // A dangling link that would lead outside is refused too.
        std::os::unix::fs::symlink("../../nowhere", root.join("dangling")).unwrap();
        assert!(check_inside(&root, &root.join("dangling/x")).is_err());
        // A link that stays inside is fine.
        fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("alias")).unwrap();
        write_atomic_inside(&root, &root.join("alias/f"), b"y").unwrap();
        assert_eq!(fs::read(root.join("real/f")).unwrap(), b"y");
    }

    #[test]
    fn removing_a_linked_folder_removes_the_link_only() {
        let pack = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("keep"), "mine").unwrap();
        let root = pack.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("sandboxes")).unwrap();
        remove_dir_all_inside(&root, &root.join("sandboxes")).unwrap();
        assert!(outside.path().join("keep").exists());
        assert!(remove_dir_all_inside(&root, &root.join("sandboxes/x")).is_ok());
        std::os::unix::fs::symlink(outside.path(), root.join("sandboxes")).unwrap();
        assert!(remove_dir_all_inside(&root, &root.join("sandboxes/x")).is_err());
    }

    #[test]
    fn unique_names_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let name = |n| dir.path().join(format!("copy-{n}"));
        let (first, ()) = create_unique(name, |p| write_new(p, b"one")).unwrap();
        let (second, ()) = create_unique(name, |p| write_new(p, b"two")).unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read(first).unwrap(), b"one");
        assert_eq!(fs::read(second).unwrap(), b"two");
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamp_of(0), "19700101T000000Z");
        // A leap day.
        assert_eq!(timestamp_of(1_709_210_096), "20240229T123456Z");
        assert_eq!(timestamp().len(), 16);
    }

    #[test]
    fn a_held_lock_is_not_granted_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = lock(&path).unwrap();
        assert!(try_lock(&path).unwrap().is_none());
        drop(held);
        assert!(try_lock(&path).unwrap().is_some());
    }

    #[test]
    fn replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.txt");
        write_atomic(&path, b"first version, longer").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(
            fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
