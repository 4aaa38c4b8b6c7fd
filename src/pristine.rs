//! Pristine copies of the starters, so `reset` can restore a learner's file.
//!
//! The first time the runner sees an exercise file it copies it to
//! `.backlings/pristine/<same path>`. `reset` copies it back. The copy is never
//! overwritten afterwards, so a learner's edits can never leak into it.
//!
//! A reset keeps what it replaces, every time, in a folder of its own:
//! `.backlings/replaced/<time>-<n>/<same path>`. Nothing kept is ever
//! overwritten. Every write goes through the guard of `fsutil`: a link out
//! of the pack (`pristine/`, `replaced/`, `.backlings` itself) is refused.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::fsutil;
use crate::pack::{Exercise, Pack};

/// Where the pristine copy of `file` is kept (the path is the pack's to say).
pub fn copy_path(pack: &Pack, file: &Path) -> PathBuf {
    crate::pack::pristine_copy_in(&pack.root, file)
}

/// Snapshot every exercise file not yet snapshotted. Cheap: one `stat` per file.
pub fn snapshot_all(pack: &Pack) -> Result<()> {
    for exercise in &pack.exercises {
        for file in &exercise.files {
            let copy = copy_path(pack, file);
            fsutil::check_inside(&pack.root, &copy)?;
            if copy.exists() {
                continue;
            }
            // Only a regular file is a starter: what a link points to is not
            // the pack's (a learner's link is reported by its check).
            let source = pack.path(file);
            if !fs::symlink_metadata(&source).is_ok_and(|m| m.is_file()) {
                continue;
            }
            match fs::read(&source) {
                Ok(bytes) => fsutil::write_atomic_inside(&pack.root, &copy, &bytes)?,
                // A learner who deleted a file before the first run: nothing to keep.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
            }
        }
    }
    Ok(())
}

/// The starter's text, if a pristine copy exists.
pub fn starter_text(pack: &Pack, file: &Path) -> Option<String> {
    fs::read_to_string(copy_path(pack, file)).ok()
}

/// What a reset put back, and where it kept the learner's versions.
#[derive(Debug, Default)]
pub struct Restored {
    pub files: Vec<PathBuf>,
    /// Where the learner's version of a file was kept, relative to the pack
    /// root, for every file whose version differed from the starter.
    pub kept: Vec<PathBuf>,
}

impl Restored {
    /// "restored a.sql (your version is kept as .backlings/replaced/…/a.sql)".
    pub fn describe(&self) -> String {
        let names = |files: &[PathBuf]| {
            files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.kept.is_empty() {
            format!("restored {} (it was unchanged)", names(&self.files))
        } else {
            format!(
                "restored {} (your version is kept as {})",
                names(&self.files),
                names(&self.kept)
            )
        }
    }
}

/// Put the starter files of `exercise` back. What the learner has there is
/// kept in a new folder of `.backlings/replaced/`, so a reset by mistake loses
/// nothing — whether it is a file, a folder or a link where the file was.
pub fn restore(pack: &Pack, exercise: &Exercise) -> Result<Restored> {
    let mut restored = Restored::default();
    let mut kept_dir: Option<PathBuf> = None;
    for file in &exercise.files {
        let copy = copy_path(pack, file);
        fsutil::check_inside(&pack.root, &copy)?;
        let bytes = match fs::read(&copy) {
            Ok(bytes) => bytes,
            // No copy yet: the file was never a regular file while the runner
            // looked (turned into a folder before the first command). The
            // pack's own repository still has the starter; it is only read.
            Err(_) => starter_from_git(pack, file).with_context(|| {
                format!(
                    "no pristine copy of {} was kept and the pack's git repository has none, so it cannot be reset: get the file from where the pack came from",
                    file.display()
                )
            })?,
        };
        let target = pack.path(file);
        if let Some(parent) = target.parent() {
            fsutil::check_inside(&pack.root, parent)?;
        }
        let keep = match fs::symlink_metadata(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Keep::Nothing,
            Err(e) => return Err(e).with_context(|| format!("reading {}", target.display())),
            Ok(meta) if meta.is_file() => {
                let current = fs::read(&target).with_context(|| format!("reading {}", target.display()))?;
                if current == bytes {
                    Keep::Nothing
                } else {
                    Keep::Copy(current)
                }
            }
            // A folder or a link where the file belongs: moved aside whole,
            // never followed.
            Ok(_) => Keep::Move,
        };
        if !matches!(keep, Keep::Nothing) {
            let dir = match &kept_dir {
                Some(dir) => dir.clone(),
                None => kept_dir.insert(new_replaced_dir(pack)?).clone(),
            };
            let kept = dir.join(file);
            fsutil::create_dir_all_inside(&pack.root, kept.parent().unwrap_or(&dir))?;
            match keep {
                Keep::Copy(current) => fsutil::write_new(&kept, &current),
                Keep::Move => fs::rename(&target, &kept),
                Keep::Nothing => Ok(()),
            }
            .with_context(|| format!("keeping your version of {} as {}", file.display(), kept.display()))?;
            restored
                .kept
                .push(kept.strip_prefix(&pack.root).unwrap_or(&kept).to_path_buf());
        }
        fsutil::write_atomic_inside(&pack.root, &target, &bytes)?;
        restored.files.push(file.clone());
    }
    Ok(restored)
}

/// The starter as committed in the pack's git repository (`git show
/// HEAD:./FILE`, read-only), when the pack is a clone.
fn starter_from_git(pack: &Pack, file: &Path) -> Result<Vec<u8>> {
    let spec = format!("HEAD:./{}", file.display());
    let done = crate::process::Cmd::new("git")
        .args(["show", &spec])
        .cwd(&pack.root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("LC_ALL", "C")
        .timeout(std::time::Duration::from_secs(10))
        .output_cap(16 * 1024 * 1024)
        .run()?;
    anyhow::ensure!(done.success(), "git show {spec}: {}", done.stderr.text().trim());
    anyhow::ensure!(
        done.stdout.truncated_bytes == 0,
        "git show {spec}: larger than 16 MiB"
    );
    Ok(done.stdout.bytes)
}

enum Keep {
    Nothing,
    Copy(Vec<u8>),
    Move,
}

/// A folder of `.backlings/replaced/` no reset has used: `<time>-<n>`.
fn new_replaced_dir(pack: &Pack) -> Result<PathBuf> {
    let parent = pack.state_dir().join("replaced");
    fsutil::create_dir_all_inside(&pack.root, &parent)?;
    let stamp = fsutil::timestamp();
    let (dir, ()) = fsutil::create_unique(|n| parent.join(format!("{stamp}-{n}")), |p| fs::create_dir(p))
        .with_context(|| format!("creating a folder in {}", parent.display()))?;
    Ok(dir)
}
