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
}
