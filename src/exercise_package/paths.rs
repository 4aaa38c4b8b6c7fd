//! Cargo and rustc name files relative to the package (`fundamentals/x.rs`);
//! the learner stands elsewhere, usually at the pack root. Paths in messages
//! are rewritten to be relative to the learner's working dir
//! (`exercises/fundamentals/x.rs:40:30`), so a terminal or an editor opens
//! them with a click.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

/// Rewrites package-relative paths for the learner.
#[derive(Clone, Debug)]
pub struct Relocate {
    /// What goes before a package-relative path: `exercises/` at the pack
    /// root, empty inside `exercises/`, an absolute path elsewhere.
    prefix: PathBuf,
}

impl Relocate {
    /// For the package in `dir`, seen from the process's working dir.
    pub fn for_package(dir: &Path) -> Self {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let prefix = std::env::current_dir()
            .ok()
            .and_then(|cwd| cwd.canonicalize().ok())
            .and_then(|cwd| relative_within(&dir, &cwd))
            .unwrap_or(dir);
        Relocate { prefix }
    }

    #[cfg(test)]
    pub fn with_prefix(prefix: &str) -> Self {
        Relocate {
            prefix: PathBuf::from(prefix),
        }
    }

    /// A package-relative file name as the learner reaches it (absolute
    /// names, such as the standard library's, are kept).
    pub fn file(&self, name: &str) -> String {
        if Path::new(name).is_absolute() {
            return name.to_string();
        }
        normalize(&self.prefix.join(name)).display().to_string()
    }

    /// `text` with every `FILE:LINE` of the given package-relative files
    /// rewritten (rendered diagnostics: the files are the spans' own).
    pub fn files_in(&self, text: &str, files: &[&str]) -> String {
        let mut text = text.to_string();
        for name in files {
            if Path::new(name).is_absolute() {
                continue;
            }
            // A name starts the text, a line, or follows a space or the end
            // of an ANSI colour sequence (`…m`); it ends at `:LINE`.
            let pattern = format!(r"(^|[\s>m]){}(:\d)", regex::escape(name));
            let re = Regex::new(&pattern).expect("an escaped file name is a valid regex");
            let to = self.file(name);
            text = re
                .replace_all(&text, |c: &regex::Captures<'_>| format!("{}{to}{}", &c[1], &c[2]))
                .into_owned();
        }
        text
    }

    /// Program and test output: the `panicked at FILE:LINE:COL` of a panic,
    /// whose file rustc wrote as cargo passed it (package-relative).
    pub fn panics_in(&self, text: &str) -> String {
        static PANIC_AT: OnceLock<Regex> = OnceLock::new();
        let re = PANIC_AT
            .get_or_init(|| Regex::new(r"panicked at ([^\s:/][^\s:]*\.rs):(\d+)").expect("valid regex"));
        re.replace_all(text, |c: &regex::Captures<'_>| {
            format!("panicked at {}:{}", self.file(&c[1]), &c[2])
        })
        .into_owned()
    }
}

/// `path` relative to `base` when one contains the other or they share the
/// pack (`../exercises`); `None` when the only way is through `/`.
fn relative_within(path: &Path, base: &Path) -> Option<PathBuf> {
    let path: Vec<Component<'_>> = path.components().collect();
    let base: Vec<Component<'_>> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    // Only the root in common: an absolute path reads better than ../../..
    if common <= 1 {
        return None;
    }
    let mut relative = PathBuf::new();
    for _ in common..base.len() {
        relative.push("..");
    }
    for part in &path[common..] {
        relative.push(part);
    }
    Some(relative)
}

/// `exercises/../solutions/x.rs` → `solutions/x.rs`, without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_paths_become_paths_from_the_learners_dir() {
        let at_root = Relocate::with_prefix("exercises");
        assert_eq!(at_root.file("fundamentals/x.rs"), "exercises/fundamentals/x.rs");
        assert_eq!(at_root.file("../solutions/x.rs"), "solutions/x.rs");
        assert_eq!(
            at_root.file("/rustc/abc/library/core/src/x.rs"),
            "/rustc/abc/library/core/src/x.rs"
        );
        let inside = Relocate::with_prefix("");
        assert_eq!(inside.file("fundamentals/x.rs"), "fundamentals/x.rs");
    }

    #[test]
    fn rewrites_rendered_diagnostics_and_panics() {
        let r = Relocate::with_prefix("exercises");
        let rendered = "error[E0308]: mismatched types\n \x1b[0m--> \x1b[0m\x1b[0mbasics/add.rs:1:25\x1b[0m\n  --> basics/add.rs:3:1\nnot basics/add.rs.bak:1";
        assert_eq!(
            r.files_in(rendered, &["basics/add.rs"]),
            "error[E0308]: mismatched types\n \x1b[0m--> \x1b[0m\x1b[0mexercises/basics/add.rs:1:25\x1b[0m\n  --> exercises/basics/add.rs:3:1\nnot basics/add.rs.bak:1"
        );
        assert_eq!(
            r.panics_in("thread 'main' panicked at basics/add.rs:4:5:\nboom"),
            "thread 'main' panicked at exercises/basics/add.rs:4:5:\nboom"
        );
        assert_eq!(
            r.panics_in("panicked at /rustc/x/library/core/src/num.rs:4:5:"),
            "panicked at /rustc/x/library/core/src/num.rs:4:5:"
        );
    }

    #[test]
    fn relative_paths_between_dirs_of_one_tree() {
        assert_eq!(
            relative_within(Path::new("/p/exercises"), Path::new("/p")),
            Some(PathBuf::from("exercises"))
        );
        assert_eq!(
            relative_within(Path::new("/p/exercises"), Path::new("/p/solutions")),
            Some(PathBuf::from("../exercises"))
        );
        assert_eq!(relative_within(Path::new("/p/exercises"), Path::new("/q")), None);
    }
}
