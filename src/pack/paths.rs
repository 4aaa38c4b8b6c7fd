//! Paths named in a pack stay inside the pack.

use std::path::{Component, Path, PathBuf};

/// Why a path from info.toml was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PathRefusal {
    Empty,
    Absolute,
    LeavesPack,
    /// Inside the pack on paper, but a symlink on the way points outside.
    LinksOutside,
}

impl PathRefusal {
    pub fn explain(&self) -> &'static str {
        match self {
            PathRefusal::Empty => "the path is empty",
            PathRefusal::Absolute => "the path is absolute; paths are relative to the pack root",
            PathRefusal::LeavesPack => "the path leaves the pack root (`..`)",
            PathRefusal::LinksOutside => "the path goes through a symlink that points outside the pack",
        }
    }
}

/// Normalise `relative` (from info.toml) and make sure it stays under `root`.
/// Returns the normalised relative path.
pub fn resolve_inside(root: &Path, relative: &str) -> Result<PathBuf, PathRefusal> {
    if relative.trim().is_empty() {
        return Err(PathRefusal::Empty);
    }
    let mut normal = PathBuf::new();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => normal.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    return Err(PathRefusal::LeavesPack);
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(PathRefusal::Absolute),
        }
    }
    if normal.as_os_str().is_empty() {
        return Err(PathRefusal::Empty);
    }
    // A symlink inside the pack could still point outside it: check the deepest
    // part of the path that exists.
    if let Ok(root_real) = root.canonicalize() {
        let mut probe = root.join(&normal);
        loop {
            if let Ok(real) = probe.canonicalize() {
                if !real.starts_with(&root_real) {
                    return Err(PathRefusal::LinksOutside);
                }
                break;
            }
            if !probe.pop() || !probe.starts_with(root) {
                break;
            }
        }
    }
    Ok(normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paths_inside() {
        let root = Path::new("/nonexistent-pack");
        assert_eq!(
            resolve_inside(root, "exercises/a.rs").unwrap(),
            PathBuf::from("exercises/a.rs")
        );
        assert_eq!(
            resolve_inside(root, "./exercises/../b.sql").unwrap(),
            PathBuf::from("b.sql")
        );
        assert_eq!(
            resolve_inside(root, "../etc/passwd"),
            Err(PathRefusal::LeavesPack)
        );
        assert_eq!(resolve_inside(root, "a/../../x"), Err(PathRefusal::LeavesPack));
        assert_eq!(resolve_inside(root, "/etc/passwd"), Err(PathRefusal::Absolute));
        assert_eq!(resolve_inside(root, ""), Err(PathRefusal::Empty));
        assert_eq!(resolve_inside(root, "."), Err(PathRefusal::Empty));
    }

    #[test]
    fn refuses_symlinks_that_point_outside() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("escape")).unwrap();
        assert_eq!(
            resolve_inside(dir.path(), "escape/passwd"),
            Err(PathRefusal::LinksOutside)
        );
    }
}
