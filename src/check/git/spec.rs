//! What a pack author writes for a git exercise: the `[exercises.git]` table
//! of info.toml, which names a scenario file, and that file — its leading
//! comment (the explanation), settings, `[[step]]`s and `[[check]]`s.
//! AUTHORING.md ("The git kind") documents every key.
//!
//! Every problem is reported at file:line:col with what to write instead;
//! unknown keys are errors, never ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::assertions::{Answer, Assertion, Check, Matcher, OPERATIONS, ids_in};
use super::clock::{DEFAULT_START, GitDate};
use super::scenario::{Action, DEFAULT_AUTHOR, Edits, Identity, Scenario, Step};
use crate::pack::{Problem, SpecContext, resolve_inside};

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
            "a scenario file holds `author`, `start`, `remote`, `[config]`, `[[step]]` and `[[check]]` tables (AUTHORING.md, \"The git kind\")"
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
}

/// How a key of a `[[check]]` uses its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    Text,
    Number,
    Bool,
    TextList,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileUse {
    No,
    Optional,
    Required,
}

/// One check the vocabulary knows, and which modifiers it accepts.
struct CheckDef {
    key: &'static str,
    takes: Takes,
    at: bool,
    file: FileUse,
    regex: bool,
    example: &'static str,
}

const fn def(key: &'static str, takes: Takes, example: &'static str) -> CheckDef {
    CheckDef {
        key,
        takes,
        at: false,
        file: FileUse::No,
        regex: false,
        example,
    }
}

const fn at(mut d: CheckDef) -> CheckDef {
    d.at = true;
    d
}

const fn regex(mut d: CheckDef) -> CheckDef {
    d.regex = true;
    d
}

const fn file(mut d: CheckDef, use_: FileUse) -> CheckDef {
    d.file = use_;
    d
}

/// Every check, in the order AUTHORING.md lists them.
const CHECKS: &[CheckDef] = &[
    def("on_branch", Takes::Text, "on_branch = \"main\""),
    def("branch_exists", Takes::Text, "branch_exists = \"feature\""),
    def("no_branch", Takes::Text, "no_branch = \"feature\""),
    def("tag_exists", Takes::Text, "tag_exists = \"v1.0\""),
    def("no_tag", Takes::Text, "no_tag = \"v1.0\""),
    at(def("commit_count", Takes::Number, "commit_count = 3")),
    regex(at(def(
        "message",
        Takes::Text,
        "message = \"Fix the login redirect\"",
    ))),
    regex(at(def(
        "messages",
        Takes::TextList,
        "messages = [\"Add tests\", \"Add login\"]",
    ))),
    regex(at(def("has_message", Takes::Text, "has_message = \"Fix typo\""))),
    regex(at(def("no_message", Takes::Text, "no_message = \"WIP\""))),
    file(
        regex(at(def("content", Takes::Text, "content = \"hello\\n\""))),
        FileUse::Required,
    ),
    file(
        at(def("contains", Takes::Text, "contains = \"fn main\"")),
        FileUse::Required,
    ),
    file(at(def("exists", Takes::Bool, "exists = true")), FileUse::Required),
    def("clean", Takes::Bool, "clean = true"),
    file(def("staged", Takes::Bool, "staged = true"), FileUse::Optional),
    file(def("tracked", Takes::Bool, "tracked = false"), FileUse::Required),
    at(def("parents", Takes::Number, "parents = 2")),
    at(def("linear", Takes::Bool, "linear = true")),
    at(def("reachable", Takes::Text, "reachable = \"@fix\"")),
    at(def("unreachable", Takes::Text, "unreachable = \"@wip\"")),
    at(def("points_to", Takes::Text, "points_to = \"@release\"")),
    def("stashes", Takes::Number, "stashes = 0"),
    def("pushed", Takes::Text, "pushed = \"main\""),
    at(def("upstream", Takes::Text, "upstream = \"origin/feature\"")),
    def("no_conflict_markers", Takes::Bool, "no_conflict_markers = true"),
    def("in_progress", Takes::Text, "in_progress = \"none\""),
    def("ignored", Takes::Text, "ignored = \"build/app.log\""),
    def("not_ignored", Takes::Text, "not_ignored = \"src/main.rs\""),
    regex(at(def(
        "author",
        Takes::Text,
        "author = \"Ada Lovelace <ada@example.com>\"",
    ))),
    file(
        regex(def("answer", Takes::Text, "answer = \"@culprit\"")),
        FileUse::Optional,
    ),
];

/// What a check's modifiers and its exercise say, for building its assertion.
struct Modifiers<'m> {
    file: Option<&'m str>,
    regex: bool,
    /// Every step id of the scenario.
    ids: &'m BTreeSet<String>,
    /// The exercise's files (an answer file is one of them).
    files: &'m [PathBuf],
}

const CHECK_MODIFIERS: [&str; 5] = ["at", "file", "regex", "annotated", "why"];

const STEP_ACTIONS: [&str; 11] = [
    "commit", "branch", "switch", "detach", "tag", "merge", "stash", "add", "push", "reset", "git",
];
const STEP_EDITS: [&str; 3] = ["files", "delete", "executable"];
const STEP_MODIFIERS: [&str; 7] = ["id", "author", "date", "at", "message", "no_ff", "conflict"];

/// Every check with its example, in documentation order (tests hold
/// AUTHORING.md and the fixtures to this list).
#[cfg(test)]
pub fn check_examples() -> Vec<(&'static str, &'static str)> {
    CHECKS.iter().map(|d| (d.key, d.example)).collect()
}

fn example_of(key: &str) -> Option<&'static str> {
    CHECKS.iter().find(|d| d.key == key).map(|d| d.example)
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
        let close: Vec<&str> = known
            .iter()
            .copied()
            .filter(|k| k.contains(key) || key.contains(k) || edit_distance(k, key) <= 2)
            .take(3)
            .collect();
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

    // ---- steps ----

    fn step(&mut self, raw: &Spanned<RawTable>) -> Option<Step> {
        let table = raw.get_ref();
        let line = self.line(&raw.span());
        let before = self.problems.len();
        let known: Vec<&str> = STEP_ACTIONS
            .iter()
            .chain(&STEP_EDITS)
            .chain(&STEP_MODIFIERS)
            .copied()
            .collect();
        for (key, value) in table {
            if !known.contains(&key.as_str()) {
                let span = self.key_span(key, &value.span());
                self.unknown("step", key, span, &known);
            }
        }
        let actions: Vec<&str> = STEP_ACTIONS
            .iter()
            .copied()
            .filter(|a| table.contains_key(*a))
            .collect();
        if actions.len() > 1 {
            let span = table[actions[1]].span();
            let span = self.key_span(actions[1], &span);
            self.problem(
                span,
                format!(
                    "a step does one thing; this one has `{}` and `{}`",
                    actions[0], actions[1]
                ),
                "split it into two `[[step]]` tables, in the order they should happen",
            );
        }
        let action_key = actions.first().copied();

        let edits = self.edits(table);
        let no_edits = edits.write.is_empty() && edits.delete.is_empty() && edits.executable.is_empty();
        // (A misspelt action already said what is wrong.)
        if action_key.is_none() && no_edits && self.problems.len() == before {
            self.problem(
                raw.span(),
                "this step does nothing",
                format!(
                    "give it one of: {}; or `files` to change the work tree",
                    STEP_ACTIONS.join(", ")
                ),
            );
        }

        // Modifiers only some actions take.
        let allowed: &[&str] = match action_key {
            Some("branch") => &["at"],
            Some("tag") => &["at", "message"],
            Some("merge") => &["message", "no_ff", "conflict"],
            _ => &[],
        };
        for modifier in ["at", "message", "no_ff", "conflict"] {
            if let Some(value) = table.get(modifier)
                && !allowed.contains(&modifier)
            {
                let span = self.key_span(modifier, &value.span());
                let takers = match modifier {
                    "at" => "`branch` and `tag`",
                    "message" => {
                        "`tag` (an annotated tag) and `merge`; a commit's message is the value of `commit`"
                    }
                    _ => "`merge`",
                };
                self.problem(
                    span,
                    format!("`{modifier}` does not apply to this step"),
                    format!("`{modifier}` goes with {takers}"),
                );
            }
        }

        let empty = BTreeSet::new();
        let text =
            |p: &mut Self, key: &str| table.get(key).and_then(|v| p.text(key, v).map(|t| (t, v.span())));
        let at = text(self, "at").and_then(|(t, s)| self.rev(&t, s, true, &empty));
        let message = text(self, "message").map(|(t, _)| t);
        let no_ff = table
            .get("no_ff")
            .and_then(|v| self.flag("no_ff", v))
            .unwrap_or(false);
        let conflict = table
            .get("conflict")
            .and_then(|v| self.flag("conflict", v))
            .unwrap_or(false);

        let action = match action_key {
            None => Some(Action::None),
            Some("commit") => text(self, "commit").map(|(message, s)| {
                if message.trim().is_empty() {
                    self.problem(s, "a commit needs a message", "write `commit = \"Add the login form\"`");
                }
                Action::Commit { message }
            }),
            Some("branch") => text(self, "branch")
                .and_then(|(t, s)| self.branch_name(&t, s))
                .map(|name| Action::Branch { name, at: at.clone() }),
            Some("switch") => text(self, "switch")
                .and_then(|(t, s)| self.branch_name(&t, s))
                .map(|branch| Action::Switch { branch }),
            Some("detach") => text(self, "detach")
                .and_then(|(t, s)| self.rev(&t, s, true, &empty))
                .map(|rev| Action::Detach { rev }),
            Some("tag") => text(self, "tag")
                .and_then(|(t, s)| self.branch_name(&t, s))
                .map(|name| Action::Tag {
                    name,
                    at: at.clone(),
                    message: message.clone(),
                }),
            Some("merge") => text(self, "merge")
                .and_then(|(t, s)| self.rev(&t, s, true, &empty))
                .map(|branch| Action::Merge {
                    branch,
                    message: message.clone(),
                    no_ff,
                    conflict,
                }),
            Some("stash") => text(self, "stash").map(|(message, _)| Action::Stash { message }),
            Some("add") => {
                let value = &table["add"];
                self.texts("add", value).map(|paths| {
                    let paths = paths.iter().filter_map(|p| self.work_path(p, value.span())).collect();
                    Action::Add { paths }
                })
            }
            Some("push") => text(self, "push").and_then(|(t, s)| {
                if !self.remote {
                    self.problem(
                        s.clone(),
                        "this step pushes, but the scenario has no remote",
                        "add `remote = true` at the top of the scenario: `origin` is then a bare repository beside the sandbox",
                    );
                }
                self.branch_name(&t, s).map(|name| Action::Push { name })
            }),
            Some("reset") => text(self, "reset")
                .and_then(|(t, s)| self.rev(&t, s, true, &empty))
                .map(|rev| Action::Reset { rev }),
            Some("git") => {
                let value = &table["git"];
                self.texts("git", value).and_then(|args| {
                    if args.is_empty() {
                        self.problem(value.span(), "`git` needs arguments", "write e.g. `git = [\"rebase\", \"main\"]`");
                        return None;
                    }
                    Some(Action::Git { args })
                })
            }
            Some(_) => None,
        };

        let author = text(self, "author").and_then(|(t, s)| self.identity(&t, s));
        let date = text(self, "date").and_then(|(t, s)| self.date(&t, s));
        let id = text(self, "id").and_then(|(id, s)| {
            if !id_name().is_match(&id) {
                self.problem(
                    s,
                    format!("`{id}` is not a simple id"),
                    "use lowercase letters, digits and `_`, e.g. `id = \"first_fix\"`",
                );
                None
            } else if !self.ids.insert(id.clone()) {
                self.problem(
                    s,
                    format!("two steps have `id = \"{id}\"`"),
                    "give each named step its own id",
                );
                None
            } else {
                Some(id)
            }
        });
        if self.problems.len() > before {
            return None;
        }
        Some(Step {
            line,
            edits,
            action: action?,
            id,
            author,
            date,
        })
    }

    fn edits(&mut self, table: &RawTable) -> Edits {
        let mut edits = Edits::default();
        if let Some(value) = table.get("files") {
            match value.get_ref() {
                Value::Table(files) => {
                    for (path, content) in files {
                        let span = self.key_span(path, &value.span());
                        let Some(path) = self.work_path(path, span.clone()) else {
                            continue;
                        };
                        match content.as_str() {
                            Some(text) => edits.write.push((path, text.to_string())),
                            None => self.problem(
                                span,
                                format!("the content of `{path}` must be text"),
                                "write `files = { \"README.md\" = \"# Shop\\n\" }`, or a `[step.files]` table",
                            ),
                        }
                    }
                }
                _ => self.problem(
                    value.span(),
                    "`files` maps paths to their content",
                    "write `files = { \"README.md\" = \"# Shop\\n\" }`",
                ),
            }
        }
        for key in ["delete", "executable"] {
            let Some(value) = table.get(key) else { continue };
            let paths = self.texts(key, value).unwrap_or_default();
            let paths: Vec<String> = paths
                .iter()
                .filter_map(|p| self.work_path(p, value.span()))
                .collect();
            if key == "delete" {
                edits.delete = paths;
            } else {
                edits.executable = paths;
            }
        }
        edits
    }

    // ---- checks ----

    fn check(&mut self, raw: &Spanned<RawTable>, files: &[PathBuf]) -> Option<Check> {
        let table = raw.get_ref();
        let line = self.line(&raw.span());
        let before = self.problems.len();
        let all_keys: Vec<&str> = CHECKS.iter().map(|d| d.key).chain(CHECK_MODIFIERS).collect();
        for (key, value) in table {
            if !all_keys.contains(&key.as_str()) {
                let span = self.key_span(key, &value.span());
                self.unknown("check", key, span, &all_keys);
            }
        }
        let present: Vec<&CheckDef> = CHECKS.iter().filter(|d| table.contains_key(d.key)).collect();
        let def = match present.as_slice() {
            [] => {
                if self.problems.len() == before {
                    self.problem(
                        raw.span(),
                        "this check tests nothing",
                        format!(
                            "give it one of: {}",
                            CHECKS.iter().map(|d| d.key).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
                return None;
            }
            [one] => *one,
            [first, second, ..] => {
                let span = self.key_span(second.key, &table[second.key].span());
                self.problem(
                    span,
                    format!(
                        "a check tests one thing; this one has `{}` and `{}`",
                        first.key, second.key
                    ),
                    "split it into two `[[check]]` tables",
                );
                return None;
            }
        };
        let value = &table[def.key];

        // Modifiers the check does not take.
        let refuse = |p: &mut Self, modifier: &str, help: String| {
            if let Some(v) = table.get(modifier) {
                let span = p.key_span(modifier, &v.span());
                p.problem(
                    span,
                    format!("`{modifier}` does not apply to `{}`", def.key),
                    help,
                );
            }
        };
        if !def.at {
            refuse(
                self,
                "at",
                format!("`{}` looks at the repository as it is now; remove `at`", def.key),
            );
        }
        if def.file == FileUse::No {
            refuse(
                self,
                "file",
                format!("`{}` is not about a file; remove `file`", def.key),
            );
        }
        if !def.regex {
            refuse(
                self,
                "regex",
                format!("`{}` compares exactly; remove `regex`", def.key),
            );
        }
        if def.key != "tag_exists" {
            refuse(self, "annotated", "`annotated` goes with `tag_exists`".into());
        }
        let file = match table.get("file") {
            Some(v) if def.file != FileUse::No => self.text("file", v).and_then(|t| {
                if def.key == "answer" {
                    Some(t)
                } else {
                    self.work_path(&t, v.span())
                }
            }),
            _ => None,
        };
        if def.file == FileUse::Required && !table.contains_key("file") {
            let span = self.key_span(def.key, &value.span());
            self.problem(
                span,
                format!("`{}` needs the file it is about", def.key),
                "add `file = \"README.md\"` (a path in the repository) to this check",
            );
        }
        let use_regex = table
            .get("regex")
            .and_then(|v| self.flag("regex", v))
            .unwrap_or(false);
        let annotated = table.get("annotated").and_then(|v| self.flag("annotated", v));
        let why = table.get("why").and_then(|v| self.text("why", v));
        let all_ids = self.ids.clone();
        let at = match table.get("at") {
            Some(v) if def.at => self.text("at", v).and_then(|t| {
                if def.key == "upstream" {
                    self.branch_name(&t, v.span())
                } else {
                    self.rev(&t, v.span(), false, &all_ids)
                }
            }),
            _ => None,
        };

        let span = value.span();
        let modifiers = Modifiers {
            file: file.as_deref(),
            regex: use_regex,
            ids: &all_ids,
            files,
        };
        let mut assertion = match def.takes {
            Takes::Text => self
                .text(def.key, value)
                .and_then(|t| self.text_assertion(def.key, t, span.clone(), &modifiers)),
            Takes::Number => self.number(def.key, value).map(|n| match def.key {
                "commit_count" => Assertion::CommitCount(n),
                "parents" => Assertion::Parents(n),
                _ => Assertion::Stashes(n),
            }),
            Takes::Bool => self.flag(def.key, value).and_then(|b| match def.key {
                "exists" => Some(Assertion::Exists(b)),
                "clean" => Some(Assertion::Clean(b)),
                "staged" => Some(Assertion::Staged(b)),
                "tracked" => Some(Assertion::Tracked(b)),
                "linear" => Some(Assertion::Linear(b)),
                _ if b => Some(Assertion::NoConflictMarkers),
                _ => {
                    self.problem(
                        span.clone(),
                        "`no_conflict_markers = false` asks for nothing",
                        "write `no_conflict_markers = true`; to expect an unfinished merge, use `in_progress = \"merge\"`",
                    );
                    None
                }
            }),
            Takes::TextList => self.texts(def.key, value).and_then(|items| {
                if items.is_empty() {
                    self.problem(span.clone(), "`messages` is empty", "list the newest messages, newest first");
                    return None;
                }
                items
                    .into_iter()
                    .map(|t| self.matcher(t, span.clone(), use_regex))
                    .collect::<Option<Vec<_>>>()
                    .map(Assertion::Messages)
            }),
        };
        if let Some(Assertion::Tag { annotated: slot, .. }) = &mut assertion {
            *slot = annotated;
        }
        let file = match (&assertion, file) {
            // An answer defaults to the exercise's first file.
            (Some(Assertion::Answer(_)), None) => files.first().map(|f| f.to_string_lossy().into_owned()),
            (_, file) => file,
        };
        if self.problems.len() > before {
            return None;
        }
        Some(Check {
            line,
            key: def.key,
            assertion: assertion?,
            at,
            file,
            why,
        })
    }

    /// Text compared exactly, or a regular expression that must compile.
    fn matcher(&mut self, text: String, span: Range<usize>, regex: bool) -> Option<Matcher> {
        if !regex {
            return Some(Matcher::Exact(text));
        }
        match Regex::new(&text) {
            Ok(re) => Some(Matcher::Pattern(re)),
            Err(e) => {
                let reason = e.to_string().lines().last().unwrap_or_default().to_string();
                self.problem(
                    span,
                    format!("not a valid regular expression: {reason}"),
                    "fix the pattern (Rust `regex` syntax), or remove `regex = true`",
                );
                None
            }
        }
    }

    /// The assertion of a check whose value is text.
    fn text_assertion(
        &mut self,
        key: &str,
        text: String,
        span: Range<usize>,
        m: &Modifiers<'_>,
    ) -> Option<Assertion> {
        let (files, all_ids, use_regex, file) = (m.files, m.ids, m.regex, m.file);
        let matcher = |p: &mut Self, text: String| p.matcher(text, span.clone(), use_regex);
        Some(match key {
            "on_branch" => Assertion::OnBranch(self.branch_name(&text, span)?),
            "branch_exists" | "no_branch" => Assertion::Branch {
                name: self.branch_name(&text, span)?,
                exists: key == "branch_exists",
            },
            "tag_exists" | "no_tag" => Assertion::Tag {
                name: self.branch_name(&text, span)?,
                exists: key == "tag_exists",
                annotated: None,
            },
            "message" => Assertion::Message(matcher(self, text)?),
            "has_message" | "no_message" => Assertion::HasMessage {
                matcher: matcher(self, text)?,
                present: key == "has_message",
            },
            "content" => Assertion::Content(matcher(self, text)?),
            "contains" => Assertion::Contains(text),
            "reachable" | "unreachable" => Assertion::Reachable {
                rev: self.rev(&text, span, false, all_ids)?,
                reachable: key == "reachable",
            },
            "points_to" => Assertion::PointsTo(self.rev(&text, span, false, all_ids)?),
            "pushed" => {
                if !self.remote {
                    self.problem(
                        span.clone(),
                        "`pushed` compares with `origin`, but the scenario has no remote",
                        "add `remote = true` at the top of the scenario",
                    );
                }
                Assertion::Pushed(self.branch_name(&text, span)?)
            }
            "upstream" => Assertion::Upstream(text),
            "in_progress" => match text.as_str() {
                "none" => Assertion::InProgress(None),
                op => match OPERATIONS.iter().find(|o| **o == op) {
                    Some(op) => Assertion::InProgress(Some(op)),
                    None => {
                        self.problem(
                            span,
                            format!("`{op}` is not an operation git leaves in progress"),
                            format!("use \"none\" or one of: {}", OPERATIONS.join(", ")),
                        );
                        return None;
                    }
                },
            },
            "ignored" | "not_ignored" => Assertion::Ignored {
                path: self.work_path(&text, span)?,
                ignored: key == "ignored",
            },
            "author" => {
                if !use_regex && text.contains('<') && Identity::parse(&text).is_none() {
                    self.problem(
                        span,
                        format!("`{text}` is not a name and an email"),
                        "write `Ada Lovelace <ada@example.com>`, or just the name",
                    );
                    return None;
                }
                Assertion::Author(matcher(self, text)?)
            }
            "answer" => {
                let target = file.map(PathBuf::from).or_else(|| files.first().cloned());
                match target {
                    None => {
                        self.problem(
                            span,
                            "`answer` reads an answer file, but the exercise has no `files`",
                            "add the answer file to the exercise's `files` in info.toml, e.g. `files = [\"exercises/version_control/NAME.txt\"]`",
                        );
                        return None;
                    }
                    Some(target) if !files.contains(&target) => {
                        self.problem(
                            span,
                            format!("`{}` is not one of the exercise's `files`", target.display()),
                            "list it in the exercise's `files` in info.toml (so it is watched and reset), or drop `file`",
                        );
                        return None;
                    }
                    Some(_) => {}
                }
                match text.strip_prefix('@') {
                    Some(id) if !use_regex => {
                        self.rev(&text, span, false, all_ids)?;
                        Assertion::Answer(Answer::Commit(id.to_string()))
                    }
                    _ => Assertion::Answer(Answer::Text(matcher(self, text)?)),
                }
            }
            _ => unreachable!("every text check is handled: {key}"),
        })
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

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}
