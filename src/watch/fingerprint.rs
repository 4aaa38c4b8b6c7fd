//! What an exercise's work looks like on disk, as one hash: the content of
//! its files, and for a watched tree (a git sandbox and its remote) every
//! entry's path, size and modification time. A verdict is believed only if
//! this did not change while its check ran; a file event that leaves it
//! unchanged (an editor's save dance, a touch) starts no check.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::pack::{Exercise, Pack};

/// Enough for a sandbox; a tree bigger than this is hashed this far.
const MAX_TREE_ENTRIES: usize = 20_000;

pub fn of(pack: &Pack, exercise: &Exercise) -> Option<u64> {
    let mut hasher = DefaultHasher::new();
    for file in &exercise.files {
        std::fs::read(pack.path(file)).ok().hash(&mut hasher);
    }
    for (path, recursive) in crate::check::watched_paths(pack, exercise) {
        if recursive {
            let mut seen = 0;
            hash_tree(&path, &mut hasher, &mut seen);
        }
    }
    Some(hasher.finish())
}

/// Is one of the exercise's files missing (a save that removes it first)?
pub fn file_missing(pack: &Pack, exercise: &Exercise) -> bool {
    exercise.files.iter().any(|f| !pack.path(f).exists())
}

fn hash_tree(dir: &Path, hasher: &mut DefaultHasher, seen: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        "absent".hash(hasher);
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        *seen += 1;
        if *seen > MAX_TREE_ENTRIES {
            return;
        }
        let name = entry.file_name();
        // Objects are written before the ref that names them: the ref says it.
        if name == "objects" {
            continue;
        }
        name.hash(hasher);
        let Ok(meta) = entry.metadata() else { continue };
        meta.len().hash(hasher);
        meta.modified().ok().hash(hasher);
        if meta.is_dir() {
            hash_tree(&entry.path(), hasher, seen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_hash_changes_with_a_file_and_ignores_objects() {
        let dir = tempfile::tempdir().unwrap();
        let hash = |dir: &Path| {
            let mut hasher = DefaultHasher::new();
            hash_tree(dir, &mut hasher, &mut 0);
            hasher.finish()
        };
        std::fs::create_dir_all(dir.path().join(".git/objects")).unwrap();
        let before = hash(dir.path());
        std::fs::write(dir.path().join(".git/objects/x"), "blob").unwrap();
        assert_eq!(hash(dir.path()), before, "an object alone changes nothing");
        std::fs::write(dir.path().join("notes.txt"), "hi").unwrap();
        assert_ne!(hash(dir.path()), before);
        let with_file = hash(dir.path());
        std::fs::remove_file(dir.path().join("notes.txt")).unwrap();
        assert_ne!(hash(dir.path()), with_file, "a removal counts");
    }
}
