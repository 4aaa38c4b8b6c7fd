//! `[[step]]` tables: what a step may change, the one action it takes, and
//! the modifiers that go with that action.

use std::collections::BTreeSet;

use toml::{Spanned, Value};

use super::{Parser, RawTable, id_name};
use crate::check::git::scenario::{Action, Edits, Step};

pub(super) const STEP_ACTIONS: [&str; 11] = [
    "commit", "branch", "switch", "detach", "tag", "merge", "stash", "add", "push", "reset", "git",
];
pub(super) const STEP_EDITS: [&str; 3] = ["files", "delete", "executable"];
pub(super) const STEP_MODIFIERS: [&str; 7] = ["id", "author", "date", "at", "message", "no_ff", "conflict"];

impl Parser<'_> {
    pub(super) fn step(&mut self, raw: &Spanned<RawTable>) -> Option<Step> {
        let table = raw.get_ref();
        let line = self.line(&raw.span());
        let before = self.problems.len();
        let action_key = self.step_keys(table);
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
        self.misplaced_modifiers(table, action_key);
        let action = self.action(table, action_key);
        let author = self
            .step_text(table, "author")
            .and_then(|(t, s)| self.identity(&t, s));
        let date = self.step_text(table, "date").and_then(|(t, s)| self.date(&t, s));
        let id = self.step_id(table);
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

    /// The keys of a step: none unknown, at most one action, and no action
    /// in a scenario without a repository. Returns the action's key.
    fn step_keys(&mut self, table: &RawTable) -> Option<&'static str> {
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
        let actions: Vec<&'static str> = STEP_ACTIONS
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
        if let Some(action) = action_key
            && !self.init
        {
            let span = self.key_span(action, &table[action].span());
            self.problem(
                span,
                format!("`{action}` needs a repository, but the scenario says `init = false`"),
                "with `init = false` the sandbox is a plain folder until the learner's `git init`: steps can only write files (`files`, `delete`, `executable`)",
            );
        }
        action_key
    }

    /// Modifiers only some actions take, refused on the others.
    fn misplaced_modifiers(&mut self, table: &RawTable, action_key: Option<&str>) {
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
    }

    /// A text value of the step and where it stands.
    fn step_text(&mut self, table: &RawTable, key: &str) -> Option<(String, std::ops::Range<usize>)> {
        table
            .get(key)
            .and_then(|v| self.text(key, v).map(|t| (t, v.span())))
    }

    /// The step's one action, read with its modifiers.
    fn action(&mut self, table: &RawTable, action_key: Option<&str>) -> Option<Action> {
        let empty = BTreeSet::new();
        let at = self
            .step_text(table, "at")
            .and_then(|(t, s)| self.rev(&t, s, true, &empty));
        let message = self.step_text(table, "message").map(|(t, _)| t);
        let no_ff = table
            .get("no_ff")
            .and_then(|v| self.flag("no_ff", v))
            .unwrap_or(false);
        let conflict = table
            .get("conflict")
            .and_then(|v| self.flag("conflict", v))
            .unwrap_or(false);
        let Some(key) = action_key else {
            return Some(Action::None);
        };
        if matches!(key, "add" | "git") {
            return self.list_action(table, key);
        }
        let (value, span) = self.step_text(table, key)?;
        match key {
            "commit" => {
                if value.trim().is_empty() {
                    self.problem(
                        span,
                        "a commit needs a message",
                        "write `commit = \"Add the login form\"`",
                    );
                }
                Some(Action::Commit { message: value })
            }
            "branch" => self
                .branch_name(&value, span)
                .map(|name| Action::Branch { name, at }),
            "switch" => self
                .branch_name(&value, span)
                .map(|branch| Action::Switch { branch }),
            "detach" => self
                .rev(&value, span, true, &empty)
                .map(|rev| Action::Detach { rev }),
            "tag" => self
                .branch_name(&value, span)
                .map(|name| Action::Tag { name, at, message }),
            "merge" => self.rev(&value, span, true, &empty).map(|branch| Action::Merge {
                branch,
                message,
                no_ff,
                conflict,
            }),
            "stash" => Some(Action::Stash { message: value }),
            "push" => {
                if !self.remote {
                    self.problem(
                        span.clone(),
                        "this step pushes, but the scenario has no remote",
                        "add `remote = true` at the top of the scenario: `origin` is then a bare repository beside the sandbox",
                    );
                }
                self.branch_name(&value, span).map(|name| Action::Push { name })
            }
            "reset" => self
                .rev(&value, span, true, &empty)
                .map(|rev| Action::Reset { rev }),
            _ => None,
        }
    }

    /// The actions whose value is a list: `add` (paths) and `git` (arguments).
    fn list_action(&mut self, table: &RawTable, key: &str) -> Option<Action> {
        let value = &table[key];
        let items = self.texts(key, value)?;
        if key == "add" {
            let paths = items
                .iter()
                .filter_map(|p| self.work_path(p, value.span()))
                .collect();
            return Some(Action::Add { paths });
        }
        if items.is_empty() {
            self.problem(
                value.span(),
                "`git` needs arguments",
                "write e.g. `git = [\"rebase\", \"main\"]`",
            );
            return None;
        }
        Some(Action::Git { args: items })
    }

    /// `id = "name"`: simple, and one step's only.
    fn step_id(&mut self, table: &RawTable) -> Option<String> {
        let (id, span) = self.step_text(table, "id")?;
        if !id_name().is_match(&id) {
            self.problem(
                span,
                format!("`{id}` is not a simple id"),
                "use lowercase letters, digits and `_`, e.g. `id = \"first_fix\"`",
            );
            None
        } else if !self.ids.insert(id.clone()) {
            self.problem(
                span,
                format!("two steps have `id = \"{id}\"`"),
                "give each named step its own id",
            );
            None
        } else {
            Some(id)
        }
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
}
