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
    let normal = normalise(relative)?;
    if leads_outside(root, &normal) {
        return Err(PathRefusal::LinksOutside);
    }
    Ok(normal)
}

/// [`resolve_inside`] for a file the learner edits: only the folders on the
/// way must stay inside. The file itself may have been replaced by the
/// learner (a link, a folder): that is the one exercise's problem, reported
/// by its check with what to do ([`learner_file_problem`]), not the pack's.
pub fn resolve_learner_file(root: &Path, relative: &str) -> Result<PathBuf, PathRefusal> {
    let normal = normalise(relative)?;
    if let Some(parent) = normal.parent()
        && !parent.as_os_str().is_empty()
        && leads_outside(root, parent)
    {
        return Err(PathRefusal::LinksOutside);
    }
    Ok(normal)
}

fn normalise(relative: &str) -> Result<PathBuf, PathRefusal> {
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
    Ok(normal)
}

/// A symlink inside the pack could still point outside it: check the deepest
/// part of the path that exists.
fn leads_outside(root: &Path, normal: &Path) -> bool {
    let Ok(root_real) = root.canonicalize() else {
        return false;
    };
    let mut probe = root.join(normal);
    loop {
        if let Ok(real) = probe.canonicalize() {
            return !real.starts_with(&root_real);
        }
        if !probe.pop() || !probe.starts_with(root) {
            return false;
        }
    }
}

/// What is wrong with a learner's file, when it is not a regular file inside
/// the pack.
#[derive(Debug, PartialEq, Eq)]
pub enum LearnerFileProblem {
    Missing,
    Folder,
    /// A symbolic link that leads out of the pack, to this target.
    LinkOutside(PathBuf),
    /// Something else (a socket, a device, a link to a folder).
    NotAFile,
}

impl LearnerFileProblem {
    /// The message for the exercise `name`, saying what to do.
    pub fn explain(&self, file: &Path, name: &str) -> String {
        let file = file.display();
        match self {
            LearnerFileProblem::Missing => {
                format!("{file} is missing: `backlings reset {name}` brings the starter back")
            }
            LearnerFileProblem::Folder => format!(
                "{file} is a folder, not a file: `backlings reset {name}` moves it into .backlings/replaced/ and brings the starter back"
            ),
            LearnerFileProblem::LinkOutside(target) => format!(
                "{file} is a symbolic link to {}, outside the pack: backlings does not check or write files outside it. `backlings reset {name}` moves the link into .backlings/replaced/ and brings the starter back",
                target.display()
            ),
            LearnerFileProblem::NotAFile => format!(
                "{file} is not a regular file: `backlings reset {name}` moves it into .backlings/replaced/ and brings the starter back"
            ),
        }
    }
}

/// `None` when the learner's `file` (relative to `root`) is a regular file,
/// or a link to one inside the pack.
pub fn learner_file_problem(root: &Path, file: &Path) -> Option<LearnerFileProblem> {
    let path = root.join(file);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Some(LearnerFileProblem::Missing);
    };
    if meta.is_dir() {
        return Some(LearnerFileProblem::Folder);
    }
    if meta.file_type().is_symlink() {
        let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        return match path.canonicalize() {
            Ok(real) if !real.starts_with(&root_real) => Some(LearnerFileProblem::LinkOutside(real)),
            Ok(real) if real.is_file() => None,
            Ok(_) => Some(LearnerFileProblem::NotAFile),
            Err(_) => Some(LearnerFileProblem::Missing),
        };
    }
    (!meta.is_file()).then_some(LearnerFileProblem::NotAFile)
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
    fn a_learner_file_may_be_anything_its_check_will_report() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("exercises/a.sql")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("exercises/b.sql")).unwrap();
        std::fs::write(root.join("exercises/c.sql"), "").unwrap();
        for name in ["a", "b", "c"] {
            assert!(resolve_learner_file(root, &format!("exercises/{name}.sql")).is_ok());
        }
        assert_eq!(
            resolve_inside(root, "exercises/b.sql"),
            Err(PathRefusal::LinksOutside)
        );
        let problem = |f: &str| learner_file_problem(root, Path::new(f));
        assert_eq!(problem("exercises/a.sql"), Some(LearnerFileProblem::Folder));
        assert_eq!(
            problem("exercises/b.sql"),
            Some(LearnerFileProblem::LinkOutside(PathBuf::from("/etc/passwd")))
        );
        assert_eq!(problem("exercises/c.sql"), None);
        assert_eq!(problem("exercises/d.sql"), Some(LearnerFileProblem::Missing));
        // The folders on the way still must not leave the pack.
        std::os::unix::fs::symlink("/etc", root.join("out")).unwrap();
        assert_eq!(
            resolve_learner_file(root, "out/passwd"),
            Err(PathRefusal::LinksOutside)
        );
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
