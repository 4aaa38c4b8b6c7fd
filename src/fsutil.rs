//! Small file-system helpers shared by the modules that write files.

use std::fs;
use std::io::Write;
use std::path::Path;

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
    let result = (|| -> std::io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
