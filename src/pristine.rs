//! Pristine copies of the starters, so `reset` can restore a learner's file.
//!
//! The first time the runner sees an exercise file it copies it to
//! `.backlings/pristine/<same path>`. `reset` copies it back. The copy is never
//! overwritten afterwards, so a learner's edits can never leak into it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::fsutil::write_atomic;
use crate::pack::{Exercise, Pack};

pub fn copy_path(pack: &Pack, file: &Path) -> PathBuf {
    copy_path_in(&pack.root, file)
}

/// The pristine copy of `file` in the pack at `root` (before a `Pack` exists).
pub fn copy_path_in(root: &Path, file: &Path) -> PathBuf {
    crate::pack::pristine_copy_in(root, file)
}

/// Snapshot every exercise file not yet snapshotted. Cheap: one `stat` per file.
pub fn snapshot_all(pack: &Pack) -> Result<()> {
    for exercise in &pack.exercises {
        for file in &exercise.files {
            let copy = copy_path(pack, file);
            if copy.exists() {
                continue;
            }
            match fs::read(pack.path(file)) {
                Ok(bytes) => {
                    if let Some(dir) = copy.parent() {
                        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                    }
                    write_atomic(&copy, &bytes)?;
                }
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

/// What a reset put back, and which of the learner's versions it kept.
#[derive(Debug, Default)]
pub struct Restored {
    pub files: Vec<PathBuf>,
    /// Files whose learner version differed and was kept in `.backlings/replaced/`.
    pub kept: Vec<PathBuf>,
}

impl Restored {
    /// "restored a.sql (your version is kept in .backlings/replaced/)".
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
                "restored {} (your version of {} is kept in .backlings/replaced/)",
                names(&self.files),
                names(&self.kept)
            )
        }
    }
}

/// Put the starter files of `exercise` back. The learner's current version is
/// kept beside the pristine copies (`.backlings/replaced/`), so a reset by
/// mistake loses nothing.
pub fn restore(pack: &Pack, exercise: &Exercise) -> Result<Restored> {
    let mut restored = Restored::default();
    for file in &exercise.files {
        let copy = copy_path(pack, file);
        let bytes = fs::read(&copy).with_context(|| {
            format!(
                "no pristine copy of {} was kept, so it cannot be reset (restore it from git: `git checkout -- {}`)",
                file.display(),
                file.display()
            )
        })?;
        let target = pack.path(file);
        if let Ok(current) = fs::read(&target)
            && current != bytes
        {
            let backup = pack.state_dir().join("replaced").join(file);
            if let Some(dir) = backup.parent() {
                fs::create_dir_all(dir)?;
            }
            write_atomic(&backup, &current)?;
            restored.kept.push(file.clone());
        }
        write_atomic(&target, &bytes)?;
        restored.files.push(file.clone());
    }
    Ok(restored)
}
