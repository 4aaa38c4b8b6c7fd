//! The pack: `info.toml` read, validated and resolved into stages and exercises.
//!
//! Every problem is collected (not only the first) and points at
//! file:line:col with what to write instead. Paths never leave the pack root.

mod intro;
mod kind;
mod parse;
mod paths;
mod problem;

pub use kind::{Kind, KindReader, KindTable, Spec, SpecContext};
pub use paths::{learner_file_problem, resolve_inside};
pub use problem::{PackError, Problem, line_col};

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::sync::Arc;

pub const INFO_FILE: &str = "info.toml";
/// The runner's folder inside a pack (git-ignored): progress, pristine copies
/// of the starters, replaced versions, git sandboxes.
pub const STATE_DIR: &str = ".backlings";
pub const FORMAT_VERSION: u32 = 1;
/// Time limit for running the learner's code, when an exercise sets none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HINTS: usize = 3;
/// Said at the end of a pack that sets no `farewell`.
pub const DEFAULT_FAREWELL: &str = "Every exercise is done. Well played! `backlings --pack DIR` opens another pack; `backlings list` lets you revisit any exercise.";

#[derive(Debug)]
pub struct Pack {
    /// Absolute path of the folder holding info.toml.
    pub root: PathBuf,
    pub welcome: Option<String>,
    /// Shown once every exercise is done.
    pub farewell: Option<String>,
    pub stages: Vec<Stage>,
    pub exercises: Vec<Exercise>,
}

/// A pack read as far as it goes, and what is wrong with it.
#[derive(Debug)]
pub struct Survey {
    pub pack: Pack,
    pub problems: Vec<Problem>,
    /// Learner files that are missing although the runner once saw them (it
    /// kept a pristine copy): the learner deleted them. Not a defect of the
    /// pack — `reset` restores them — so `load` lets the pack open.
    pub deleted_by_learner: Vec<Problem>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// A file introducing the stage, shown when the learner enters it
    /// (relative to the pack root).
    pub intro: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    pub stage: String,
    pub kind: Kind,
    /// What the learner edits, relative to the pack root; the first is the main one.
    pub files: Vec<PathBuf>,
    /// The reference solution, relative to the pack root.
    pub solution: PathBuf,
    pub hints: Vec<String>,
    pub timeout: Duration,
    /// Memory the learner's programs may take, in bytes (`memory_mb`).
    pub memory_limit: u64,
    /// Explanation shown above the exercise; when info.toml has none, the
    /// leading comment of the main file is used.
    pub intro: Option<String>,
    /// A note shown after a pass: alternatives, trade-offs, what comes next.
    pub after: Option<String>,
    /// One reference to read further (an RFC, a book chapter, the docs).
    pub link: Option<String>,
    /// The starter is meant to pass as shipped (a reading exercise): `dev check`
    /// requires it to pass instead of to fail.
    pub starter_passes: bool,
    /// The kind's own settings; the kind reads them back (`check::spec_of`).
    pub spec: Arc<dyn Spec>,
}

impl Pack {
    /// Find the pack: `--pack DIR` if given, else the current folder or the
    /// nearest parent holding info.toml.
    pub fn locate(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
        if let Some(dir) = explicit {
            if dir.join(INFO_FILE).is_dir() {
                return Err(crate::error::bad_input!(
                    "{}: {INFO_FILE} is a folder, not a file\n  help: a pack's {INFO_FILE} is a TOML file at the pack's root (AUTHORING.md)",
                    dir.join(INFO_FILE).display()
                ));
            }
            if !dir.join(INFO_FILE).is_file() {
                return Err(crate::error::bad_input!(
                    "{}: no {INFO_FILE} here\n  help: `--pack` takes the folder that holds the pack's {INFO_FILE}",
                    dir.display()
                ));
            }
            return Ok(dir.to_path_buf());
        }
        let cwd = std::env::current_dir()?;
        for dir in cwd.ancestors() {
            if dir.join(INFO_FILE).is_file() {
                return Ok(dir.to_path_buf());
            }
        }
        Err(crate::error::bad_input!(
            "no {INFO_FILE} in {} or any folder above it\n  help: run backlings inside a pack (the cloned repository), or pass `--pack DIR`",
            cwd.display()
        ))
    }

    /// Load a pack that learners can use: any problem refuses it.
    pub fn load(root: &Path, kinds: &[&dyn KindReader]) -> Result<Pack, PackError> {
        let mut survey = Pack::survey(root, kinds)?;
        survey.problems.retain(|p| !survey.deleted_by_learner.contains(p));
        if survey.problems.is_empty() {
            Ok(survey.pack)
        } else {
            Err(PackError {
                problems: survey.problems,
            })
        }
    }

    /// Read a pack as far as it goes, for `dev check`: the exercises that could
    /// be read, beside every problem found. Fails only when info.toml cannot be
    /// read or parsed at all.
    pub fn survey(root: &Path, kinds: &[&dyn KindReader]) -> Result<Survey, PackError> {
        let root = root.canonicalize().map_err(|e| PackError {
            problems: vec![Problem::in_file(
                root,
                format!("cannot open the pack folder: {e}"),
            )],
        })?;
        let info_path = root.join(INFO_FILE);
        let bytes = std::fs::read(&info_path).map_err(|e| PackError {
            problems: vec![Problem::in_file(&info_path, format!("cannot read: {e}"))],
        })?;
        let source = String::from_utf8(bytes).map_err(|e| not_utf8(&info_path, e))?;
        parse::parse(&root, &source, kinds)
    }

    #[cfg(test)]
    pub fn exercise(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.name == name)
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn path(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }

    /// The exercise package's manifest (rust and http exercises are its targets).
    pub fn exercise_manifest(&self) -> PathBuf {
        crate::exercise_package::manifest_path(&self.root)
    }

    /// The runner's own folder inside the pack (git-ignored): progress,
    /// pristine copies of the starters, git sandboxes.
    pub fn state_dir(&self) -> PathBuf {
        state_dir_in(&self.root)
    }

    /// A suggestion for a name that is not in the pack.
    pub fn unknown_exercise(&self, name: &str) -> anyhow::Error {
        let close = close_names(self.exercises.iter().map(|e| e.name.as_str()), name);
        let help = if close.is_empty() {
            "`backlings list` shows every exercise".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        crate::error::bad_input!("no exercise named `{name}` in this pack\n  help: {help}")
    }
}

/// Up to three of `known` that look like a misspelt `wanted`, for "did you mean".
pub fn close_names<'a>(known: impl IntoIterator<Item = &'a str>, wanted: &str) -> Vec<&'a str> {
    known
        .into_iter()
        .filter(|k| k.contains(wanted) || wanted.contains(k) || edit_distance(k, wanted) <= 2)
        .take(3)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Text from a pack as it may be printed: control characters shown as escapes
/// (`\x1b`), so that a pack's title, hint or explanation can never drive the
/// learner's terminal (set its title, clear the screen, hide the cursor).
/// Newlines and tabs are layout and stay.
pub fn printable(text: &str) -> String {
    if !text.chars().any(is_terminal_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_terminal_control(c) {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_terminal_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

impl Stage {
    /// The stage's introduction file, if it has one, as it may be printed.
    pub fn intro_text(&self, pack: &Pack) -> Option<String> {
        let path = pack.path(self.intro.as_ref()?);
        std::fs::read_to_string(path).ok().map(|t| printable(t.trim()))
    }
}

/// info.toml must be UTF-8 (TOML is): say where the first bad byte is.
fn not_utf8(info_path: &Path, err: std::string::FromUtf8Error) -> PackError {
    let at = err.utf8_error().valid_up_to();
    let good = std::str::from_utf8(&err.as_bytes()[..at]).unwrap_or_default();
    let shown = info_path.file_name().map_or(info_path, Path::new);
    PackError {
        problems: vec![
            Problem::at(
                shown,
                good,
                Some(at..at),
                format!("byte {:#04x} is not UTF-8 text", err.as_bytes()[at]),
            )
            .help("TOML files are UTF-8: save info.toml as UTF-8 in your editor"),
        ],
    }
}

/// The runner's own folder in the pack at `root` (before a `Pack` exists).
pub fn state_dir_in(root: &Path) -> PathBuf {
    root.join(STATE_DIR)
}

/// Where the runner keeps its copy of a starter as shipped, so that `reset`
/// can restore it and the loader can tell a file the learner deleted.
pub fn pristine_copy_in(root: &Path, file: &Path) -> PathBuf {
    state_dir_in(root).join("pristine").join(file)
}

/// Names an exercise cannot take, and why: rust and http exercises are cargo
/// targets of one package, their solutions `<name>_sol`, and cargo keeps its
/// own folders beside the programs in the target dir.
pub fn reserved_name(name: &str) -> Option<&'static str> {
    if crate::exercise_package::is_solution_target(name) {
        Some("a name that ends in `_sol` names a reference solution's target")
    } else if ["build", "deps", "examples", "incremental"].contains(&name) {
        Some("cargo uses that name for a folder of its own in the target dir")
    } else {
        None
    }
}

pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

fn toml_help(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the key or fix its spelling; AUTHORING.md lists every key".to_string()
    } else if message.contains("missing field") {
        "add the key; AUTHORING.md lists what each table needs".to_string()
    } else if message.contains("invalid type") {
        "give the value the type shown (strings in quotes, lists in [ ])".to_string()
    } else if message.contains("unknown variant") {
        "use one of the values listed".to_string()
    } else {
        "fix the TOML syntax at that place".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_text_cannot_drive_the_terminal() {
        assert_eq!(printable("plain\n\tline"), "plain\n\tline");
        assert_eq!(printable("\x1b]0;pwned\x07title"), "\\x1b]0;pwned\\x07title");
        assert_eq!(printable("a\u{9b}2J"), "a\\x9b2J");
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("select_where2"));
        assert!(!is_identifier("Select"));
        assert!(!is_identifier("2fast"));
        assert!(!is_identifier("a-b"));
    }

    #[test]
    fn close_names() {
        assert_eq!(edit_distance("select", "selcet"), 2);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
