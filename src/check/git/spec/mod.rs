//! What a pack author writes for a git exercise: the `[exercises.git]` table
//! of info.toml, which names a scenario file, and that file — its leading
//! comment (the explanation), settings, `[[step]]`s and `[[check]]`s.
//! AUTHORING.md ("The git kind") documents every key.
//!
//! Every problem is reported at file:line:col with what to write instead;
//! unknown keys are errors, never ignored.
//!
//! `steps` reads `[[step]]` tables, `checks` the check vocabulary; this file
//! the rest, and the value readers both share.

mod checks;
mod steps;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::assertions::{Check, ids_in};
use super::clock::{DEFAULT_START, GitDate};
use super::scenario::{DEFAULT_AUTHOR, Identity, Scenario, Step};
use crate::pack::{Problem, SpecContext, resolve_inside};
use checks::example_of;

#[cfg(test)]
pub use checks::check_examples;

/// The `[exercises.git]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitSpec {
    /// The scenario file, relative to the pack root.
    scenario: Spanned<String>,
}

impl GitSpec {
    pub fn validate(&self, ctx: &mut SpecContext<'_>, files: &[PathBuf]) {
        let Some(path) = ctx.existing_path(&self.scenario) else {
            return;
        };
        let source = match std::fs::read_to_string(ctx.root.join(&path)) {
            Ok(source) => source,
            Err(e) => {
                ctx.problem(
                    self.scenario.span(),
                    format!("cannot read the scenario `{}`: {e}", path.display()),
                    "check the file's permissions",
                );
                return;
            }
        };
        if let Err(problems) = parse(&path, &source, files) {
            for problem in problems {
                ctx.push(problem);
            }
        }
    }

    /// The scenario file, relative to the pack root.
    pub fn scenario_path(&self, root: &Path) -> PathBuf {
        resolve_inside(root, self.scenario.get_ref())
            .unwrap_or_else(|_| PathBuf::from(self.scenario.get_ref()))
    }

    /// Read and parse the scenario (again: the pack may have changed since it
    /// was loaded, and parsing a small file costs microseconds).
    pub fn load(&self, root: &Path, files: &[PathBuf]) -> Result<Scenario, Vec<Problem>> {
        let path = self.scenario_path(root);
        let source = std::fs::read_to_string(root.join(&path))
            .map_err(|e| vec![Problem::in_file(&path, format!("cannot read the scenario: {e}"))])?;
        parse(&path, &source, files)
    }
}

type RawTable = BTreeMap<String, Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    author: Option<Spanned<String>>,
    start: Option<Spanned<String>>,
    #[serde(default)]
    remote: bool,
    /// `false`: no repository at all; the learner's `git init` is the lesson.
    init: Option<Spanned<bool>>,
    #[serde(default)]
    config: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    step: Vec<Spanned<RawTable>>,
    #[serde(default)]
    check: Vec<Spanned<RawTable>>,
}

/// Parse a scenario file (`path` is relative to the pack, for messages).
/// `files` are the exercise's files: an `answer` check reads one of them.
pub fn parse(path: &Path, source: &str, files: &[PathBuf]) -> Result<Scenario, Vec<Problem>> {
    let raw: RawScenario = toml::from_str(source).map_err(|e| {
        let help = if e.message().contains("unknown field") {
            "a scenario file holds `author`, `start`, `remote`, `init`, `[config]`, `[[step]]` and `[[check]]` tables (AUTHORING.md, \"The git kind\")"
        } else {
            "fix the TOML at that place"
        };
        vec![Problem::at(path, source, e.span(), e.message().trim_end().to_string()).help(help)]
    })?;
    let mut parser = Parser {
        file: path,
        source,
        problems: Vec::new(),
        ids: BTreeSet::new(),
        remote: raw.remote,
        init: raw.init.as_ref().is_none_or(|i| *i.get_ref()),
        written: BTreeSet::new(),
    };
    let scenario = parser.scenario(raw, files);
    if parser.problems.is_empty() {
        Ok(scenario)
    } else {
        Err(parser.problems)
    }
}

struct Parser<'a> {
    file: &'a Path,
    source: &'a str,
    problems: Vec<Problem>,
    /// Step ids declared so far.
    ids: BTreeSet<String>,
    remote: bool,
    /// The sandbox starts as a repository (`init = false`: as a plain folder).
    init: bool,
    /// Paths the steps write in the work tree (an answer file can be one).
    written: BTreeSet<String>,
}

impl Parser<'_> {
    fn problem(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        self.problems
            .push(Problem::at(self.file, self.source, Some(span), message).help(help));
    }

    fn line(&self, span: &Range<usize>) -> usize {
        crate::pack::line_col(self.source, span.start).0
    }

    /// Where `key` is written, for a value at `value`: the key's own column
    /// reads better in a message than the value's.
    fn key_span(&self, key: &str, value: &Range<usize>) -> Range<usize> {
        let before = &self.source[..value.start.min(self.source.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        match before[line_start..].find(key) {
            Some(i) => line_start + i..line_start + i + key.len(),
            None => value.clone(),
        }
    }

    fn scenario(&mut self, raw: RawScenario, files: &[PathBuf]) -> Scenario {
        let author = match &raw.author {
            Some(a) => self.identity(a.get_ref(), a.span()),
            None => None,
        }
        .unwrap_or_else(|| Identity {
            name: DEFAULT_AUTHOR.0.to_string(),
            email: DEFAULT_AUTHOR.1.to_string(),
        });
        let start = match &raw.start {
            Some(s) => self.date(s.get_ref(), s.span()),
            None => None,
        }
        .unwrap_or(DEFAULT_START);
        let mut config = Vec::new();
        for (key, value) in &raw.config {
            if config_key().is_match(key) {
                config.push((key.clone(), value.get_ref().clone()));
            } else {
                let span = self.key_span(key, &value.span());
                self.problem(
                    span,
                    format!("`{key}` is not a git configuration key"),
                    "write `section.name = \"value\"` in quotes, e.g. `\"pull.rebase\" = \"false\"`",
                );
            }
        }
        let steps: Vec<Step> = raw.step.iter().filter_map(|s| self.step(s)).collect();
        self.written = steps
            .iter()
            .flat_map(|s| s.edits.write.iter().map(|(path, _)| path.clone()))
            .collect();
        let checks: Vec<Check> = raw.check.iter().filter_map(|c| self.check(c, files)).collect();
        if raw.check.is_empty() {
            self.problems.push(
                Problem::in_file(self.file, "the scenario declares no checks").help(
                    "add `[[check]]` tables saying what the repository must look like, e.g. `[[check]]` then `on_branch = \"main\"`",
                ),
            );
        }
        Scenario {
            file: self.file.to_path_buf(),
            digest: digest(self.source),
            author,
            start,
            remote: raw.remote,
            init: self.init,
            config,
            steps,
            checks,
        }
    }

    // ---- values ----

    fn text(&mut self, key: &str, value: &Spanned<Value>) -> Option<String> {
        match value.get_ref() {
            Value::String(s) => Some(s.clone()),
            _ => {
                let span = value.span();
                self.problem(
                    span,
                    format!("`{key}` takes text"),
                    format!("write it in quotes: `{key} = \"…\"`"),
                );
                None
            }
        }
    }

    fn flag(&mut self, key: &str, value: &Spanned<Value>) -> Option<bool> {
        match value.get_ref() {
            Value::Boolean(b) => Some(*b),
            _ => {
                let span = value.span();
                self.problem(
                    span,
                    format!("`{key}` takes true or false"),
                    format!("write `{key} = true`"),
                );
                None
            }
        }
    }

    fn number(&mut self, key: &str, value: &Spanned<Value>) -> Option<u64> {
        match value.get_ref() {
            Value::Integer(n) if *n >= 0 => Some(*n as u64),
            _ => {
                let span = value.span();
                self.problem(
                    span,
                    format!("`{key}` takes a whole number, 0 or more"),
                    format!("write e.g. `{key} = 2`"),
                );
                None
            }
        }
    }

    fn texts(&mut self, key: &str, value: &Spanned<Value>) -> Option<Vec<String>> {
        let items = match value.get_ref() {
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map(String::from))
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        if items.is_none() {
            let span = value.span();
            self.problem(
                span,
                format!("`{key}` takes a list of text"),
                format!("write `{key} = [\"…\", \"…\"]`"),
            );
        }
        items
    }

    fn identity(&mut self, text: &str, span: Range<usize>) -> Option<Identity> {
        let identity = Identity::parse(text);
        if identity.is_none() {
            self.problem(
                span,
                format!("`{text}` is not a name and an email"),
                "write `Ada Lovelace <ada@example.com>`",
            );
        }
        identity
    }

    fn date(&mut self, text: &str, span: Range<usize>) -> Option<GitDate> {
        GitDate::parse(text)
            .map_err(|e| self.problem(span, e, "dates look like `2025-01-06T09:00:00Z`"))
            .ok()
    }

    /// A path inside the sandbox's work tree.
    fn work_path(&mut self, text: &str, span: Range<usize>) -> Option<String> {
        let path = Path::new(text);
        let normal = !text.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
        let in_git = path.components().next().is_some_and(|c| c.as_os_str() == ".git");
        if !normal || in_git {
            self.problem(
                span,
                format!("`{text}` is not a path inside the repository"),
                "use a relative path without `..`, outside `.git`, e.g. `src/main.rs`",
            );
            return None;
        }
        Some(text.trim_end_matches('/').to_string())
    }

    fn branch_name(&mut self, text: &str, span: Range<usize>) -> Option<String> {
        let bad = text.is_empty()
            || text == "@"
            || text.starts_with(['-', '/', '.'])
            || text.ends_with(['/', '.'])
            || text.ends_with(".lock")
            || text.contains("..")
            || text.contains("@{")
            || text.contains("//")
            || text
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c));
        if bad {
            self.problem(
                span,
                format!("`{text}` is not a valid branch or tag name"),
                "use names like `feature/login` or `v1.0`: no spaces, `..`, `~^:?*[\\`, nor a leading `-`",
            );
            return None;
        }
        Some(text.to_string())
    }

    /// A revision, whose `@id`s must name steps (declared before, for a step).
    fn rev(
        &mut self,
        text: &str,
        span: Range<usize>,
        for_step: bool,
        all_ids: &BTreeSet<String>,
    ) -> Option<String> {
        if text.trim().is_empty() || text.starts_with('-') || text.contains(['\n', '\0']) {
            self.problem(
                span,
                format!("`{text}` is not a revision"),
                "name a branch, a tag, `HEAD~2`, a range like `main..feature`, or a step's `@id`",
            );
            return None;
        }
        for id in ids_in(text) {
            let known = if for_step { &self.ids } else { all_ids };
            if !known.contains(&id) {
                let help = if for_step {
                    format!(
                        "give an earlier step `id = \"{id}\"`; a step can only name commits made before it"
                    )
                } else {
                    format!("give a step `id = \"{id}\"` to name the commit HEAD is at after it")
                };
                self.problem(span.clone(), format!("no step has `id = \"{id}\"`"), help);
                return None;
            }
        }
        Some(text.to_string())
    }

    fn unknown(&mut self, what: &str, key: &str, span: Range<usize>, known: &[&str]) {
        let close = crate::pack::close_names(known.iter().copied(), key);
        let help = match close.as_slice() {
            [] => format!("{what} keys are: {}", known.join(", ")),
            [one] => match example_of(one) {
                Some(example) => format!("did you mean {one}? e.g. `{example}`"),
                None => format!("did you mean {one}?"),
            },
            _ => format!("did you mean {}?", close.join(", ")),
        };
        self.problem(span, format!("unknown {what} key `{key}`"), help);
    }
}

/// A step id: what `@id` in a revision can name.
fn id_name() -> &'static Regex {
    static ID: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    ID.get_or_init(|| Regex::new("^[a-z][a-z0-9_]*$").expect("valid regex"))
}

fn config_key() -> &'static Regex {
    static KEY: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        Regex::new(r"^[A-Za-z][A-Za-z0-9-]*(\.[^\s]+)?\.[A-Za-z][A-Za-z0-9-]*$").expect("valid regex")
    })
}

/// FNV-1a: stable across Rust versions (unlike `DefaultHasher`), which a
/// digest written to disk needs.
fn digest(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
