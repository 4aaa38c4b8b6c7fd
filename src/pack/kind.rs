//! What the pack needs to know of an exercise kind, and nothing more.
//!
//! The kinds live in `check` and register there; the loader is handed the
//! registry as a list of [`KindReader`]s, so `pack` names no checker and adding a
//! kind never edits the loader. Each kind parses and validates its own
//! `[exercises.KIND]` table into a [`Spec`] that the exercise carries.

use std::any::Any;
use std::fmt::Debug;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use toml::Spanned;
use toml::de::{DeValue, ValueDeserializer};

use super::{Problem, resolve_inside};

/// An exercise's kind, by name (`rust`, `sql`, …), with the one fact about it
/// that code outside the kinds asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub struct Kind {
    name: &'static str,
    cargo_target: bool,
}

impl Kind {
    pub fn of(reader: &dyn KindReader) -> Kind {
        Kind {
            name: reader.name(),
            cargo_target: reader.is_cargo_target(),
        }
    }

    pub fn as_str(self) -> &'static str {
        self.name
    }

    /// Rust and http exercises are targets of the exercise package.
    pub fn is_cargo_target(self) -> bool {
        self.cargo_target
    }
}

impl From<Kind> for &'static str {
    fn from(kind: Kind) -> &'static str {
        kind.name
    }
}

/// A kind's settings for one exercise, read from its `[exercises.KIND]` table.
/// The kind that made it gets it back with [`Spec::as_any`].
pub trait Spec: Any + Debug + Send + Sync {
    /// Files of the pack this spec names besides the exercise's `files` and
    /// `solution` (fixtures, scenarios, assets), so `dev check` does not call
    /// them stray. Relative to the pack root, normalised as the loader does.
    fn referenced_files(&self, _root: &Path) -> Vec<PathBuf> {
        Vec::new()
    }

    /// The file whose leading comment explains the exercise, when it is not
    /// the exercise's main file (a git exercise's scenario).
    fn explained_in(&self, _root: &Path) -> Option<PathBuf> {
        None
    }

    fn as_any(&self) -> &dyn Any;
}

/// How the loader reads one kind. `check` registers one per kind.
pub trait KindReader: Sync {
    /// The `kind = "…"` value, and the name of its table.
    fn name(&self) -> &'static str;

    /// Whether the learner edits files; a git exercise works in a sandbox.
    fn has_files(&self) -> bool {
        true
    }

    /// Rust and http exercises are targets of the exercise package.
    fn is_cargo_target(&self) -> bool {
        false
    }

    /// Where the reference solution is when info.toml names none.
    fn default_solution(&self, _stage: &str, _name: &str, files: &[PathBuf]) -> Option<PathBuf> {
        mirrored_solution(files)
    }

    /// Parse and validate the kind's table (`None`: info.toml has none).
    /// Problems go to `ctx`, each at its place; `None` when no spec can be made.
    fn read(
        &self,
        table: Option<KindTable<'_>>,
        files: &[PathBuf],
        ctx: &mut SpecContext<'_>,
    ) -> Option<Arc<dyn Spec>>;
}

/// A kind's table as written, with the places of its keys.
pub struct KindTable<'i> {
    value: Spanned<DeValue<'i>>,
}

impl<'i> KindTable<'i> {
    pub(super) fn new(value: Spanned<DeValue<'i>>) -> Self {
        KindTable { value }
    }

    pub fn span(&self) -> Range<usize> {
        self.value.span()
    }

    /// Deserialize the table into the kind's own settings type. A key the type
    /// does not know, or a value of the wrong type, becomes a problem at its
    /// place in info.toml.
    pub fn parse<T: serde::de::DeserializeOwned>(self, ctx: &mut SpecContext<'_>) -> Option<T> {
        let span = self.value.span();
        match T::deserialize(ValueDeserializer::from(self.value)) {
            Ok(spec) => Some(spec),
            Err(e) => {
                let message = e.message().trim_end().to_string();
                let help = super::toml_help(&message);
                ctx.problem(e.span().unwrap_or(span), message, help);
                None
            }
        }
    }
}

/// solutions/ mirrors exercises/.
pub fn mirrored_solution(files: &[PathBuf]) -> Option<PathBuf> {
    let first = files.first()?;
    let mut parts = first.components();
    match parts.next() {
        Some(std::path::Component::Normal(top)) if top == "exercises" => {
            Some(Path::new("solutions").join(parts.as_path()))
        }
        _ => Some(Path::new("solutions").join(first)),
    }
}

/// What a kind's spec needs to validate itself and point at its own lines.
pub struct SpecContext<'a> {
    pub root: &'a Path,
    pub info_path: &'a Path,
    pub source: &'a str,
    /// The exercise's entry in info.toml, for problems of the entry as a whole.
    pub entry_span: Range<usize>,
    /// The exercise's name, for messages.
    pub name: &'a str,
    pub(super) problems: Vec<Problem>,
}

impl SpecContext<'_> {
    pub fn problem(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        let p = Problem::at(self.info_path, self.source, Some(span), message).help(help);
        self.problems.push(p);
    }

    /// A problem found in another file the spec names (a git scenario).
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// The kind needs its table and info.toml has none.
    pub fn missing_table(&mut self, kind: &str, help: impl Into<String>) {
        let message = format!(
            "{kind} exercise `{}` has no `[exercises.{kind}]` table",
            self.name
        );
        self.problem(self.entry_span.clone(), message, help);
    }

    /// Resolve a path from the spec; it must stay inside the pack and exist.
    pub fn existing_path(&mut self, path: &Spanned<String>) -> Option<PathBuf> {
        let resolved = self.inside_path(path)?;
        let on_disk = self.root.join(&resolved);
        if !on_disk.exists() {
            self.problem(
                path.span(),
                format!("`{}` does not exist", path.get_ref()),
                "create the file, or fix the path (relative to the folder holding info.toml)",
            );
            return None;
        }
        Some(resolved)
    }

    /// Resolve a path from the spec; it must stay inside the pack.
    pub fn inside_path(&mut self, path: &Spanned<String>) -> Option<PathBuf> {
        match resolve_inside(self.root, path.get_ref()) {
            Ok(p) => Some(p),
            Err(refusal) => {
                self.problem(
                    path.span(),
                    format!("path `{}` refused: {}", path.get_ref(), refusal.explain()),
                    "use a path relative to the pack root, inside it",
                );
                None
            }
        }
    }
}
