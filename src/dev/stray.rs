//! Files under exercises/ and solutions/ that no exercise uses: a leftover
//! of a renamed exercise, or one the instructor forgot to list in info.toml.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::pack::{Pack, Problem};
use crate::view::dev_report::{Category, Finding};

pub fn find(pack: &Pack) -> Vec<Finding> {
    let mut used: BTreeSet<PathBuf> = crate::exercise_package::OWN_FILES
        .iter()
        .map(PathBuf::from)
        .collect();
    for exercise in &pack.exercises {
        used.extend(exercise.files.iter().cloned());
        used.insert(exercise.solution.clone());
        used.extend(exercise.spec.referenced_files(&pack.root));
    }
    used.extend(pack.stages.iter().filter_map(|s| s.intro.clone()));
    let mut found = Vec::new();
    for top in ["exercises", "solutions"] {
        walk(&pack.root, Path::new(top), &used, &mut found);
    }
    found
        .into_iter()
        .map(|path| {
            let problem = Problem::in_file(&path, "belongs to no exercise of info.toml").help(
                "list it in an exercise's `files` (or its kind's settings), or delete it if it is a leftover",
            );
            Finding::new(Category::StrayFile, None, problem)
        })
        .collect()
}

/// Collect the files under `relative` (a folder of the pack) not in `used`.
/// Hidden entries (`.gitkeep`, editors' swap files) are not the pack's content.
fn walk(root: &Path, relative: &Path, used: &BTreeSet<PathBuf>, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(relative)) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = relative.join(&name);
        if used.contains(&path) {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(root, &path, used, found),
            Ok(_) => found.push(path),
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_and_skips_used_and_hidden_entries() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "exercises/a/used.rs",
            "exercises/a/stray.rs",
            "exercises/a/.used.rs.swp",
            "exercises/target/debug/x",
            "solutions/a/left.rs",
        ] {
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            std::fs::write(root.join(file), "").unwrap();
        }
        let used: BTreeSet<PathBuf> = ["exercises/a/used.rs", "exercises/target"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let mut found = Vec::new();
        walk(root, Path::new("exercises"), &used, &mut found);
        walk(root, Path::new("solutions"), &used, &mut found);
        assert_eq!(
            found,
            vec![
                PathBuf::from("exercises/a/stray.rs"),
                PathBuf::from("solutions/a/left.rs")
            ]
        );
    }
}
