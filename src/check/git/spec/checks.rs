//! The check vocabulary: every `[[check]]` key, the modifiers each accepts,
//! and how a table becomes a typed [`Check`].

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::PathBuf;

use regex::Regex;
use toml::Spanned;

use super::{Parser, RawTable};
use crate::check::git::assertions::{Answer, Assertion, Check, Matcher, OPERATIONS};
use crate::check::git::scenario::Identity;

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
    def("branches", Takes::TextList, "branches = [\"main\", \"feature\"]"),
    def("tag_exists", Takes::Text, "tag_exists = \"v1.0\""),
    def("no_tag", Takes::Text, "no_tag = \"v1.0\""),
    def("tags", Takes::TextList, "tags = [\"v1.0\"]"),
    regex(at(def(
        "tag_message",
        Takes::Text,
        "tag_message = \"Release 1.0\"",
    ))),
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
    regex(at(def(
        "body",
        Takes::Text,
        "body = \"The redirect lost the query string.\"",
    ))),
    at(def("changes", Takes::TextList, "changes = [\"src/login.rs\"]")),
    at(def(
        "tree",
        Takes::TextList,
        "tree = [\"README.md\", \"src/main.rs\"]",
    )),
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
    file(
        regex(def("staged_content", Takes::Text, "staged_content = \"v2\\n\"")),
        FileUse::Required,
    ),
    file(
        def(
            "status",
            Takes::TextList,
            "status = [\"M  app.conf\", \"?? notes.txt\"]",
        ),
        FileUse::Optional,
    ),
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
    regex(at(def(
        "committer",
        Takes::Text,
        "committer = \"Sam Rivera <sam@example.com>\"",
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

const CHECK_MODIFIERS: [&str; 6] = ["at", "file", "regex", "annotated", "from", "why"];
/// Every check with its example, in documentation order (tests hold
/// AUTHORING.md and the fixtures to this list).
#[cfg(test)]
pub fn check_examples() -> Vec<(&'static str, &'static str)> {
    CHECKS.iter().map(|d| (d.key, d.example)).collect()
}

pub(super) fn example_of(key: &str) -> Option<&'static str> {
    CHECKS.iter().find(|d| d.key == key).map(|d| d.example)
}

impl Parser<'_> {
    pub(super) fn check(&mut self, raw: &Spanned<RawTable>, files: &[PathBuf]) -> Option<Check> {
        let table = raw.get_ref();
        let line = self.line(&raw.span());
        let before = self.problems.len();
        let def = self.check_def(raw)?;
        let value = &table[def.key];
        self.misplaced_check_modifiers(table, def);
        if def.key == "tag_message" && !table.contains_key("at") {
            let span = self.key_span(def.key, &value.span());
            self.problem(
                span,
                "`tag_message` needs the tag it is about",
                "add `at = \"v1.0\"` (the tag's name) to this check",
            );
        }
        let file = self.check_file(table, def);
        let use_regex = table
            .get("regex")
            .and_then(|v| self.flag("regex", v))
            .unwrap_or(false);
        let annotated = table.get("annotated").and_then(|v| self.flag("annotated", v));
        let from = table.get("from").and_then(|v| {
            let text = self.text("from", v)?;
            self.ignore_source(&text, v.span())
        });
        let why = table.get("why").and_then(|v| self.text("why", v));
        let all_ids = self.ids.clone();
        let at = match table.get("at") {
            Some(v) if def.at => self.text("at", v).and_then(|t| {
                if matches!(def.key, "upstream" | "tag_message") {
                    self.branch_name(&t, v.span())
                } else {
                    self.rev(&t, v.span(), false, &all_ids)
                }
            }),
            _ => None,
        };
        let modifiers = Modifiers {
            file: file.as_deref(),
            regex: use_regex,
            ids: &all_ids,
            files,
        };
        let mut assertion = self.assertion(def, value, &modifiers);
        match &mut assertion {
            Some(Assertion::Tag { annotated: slot, .. }) => *slot = annotated,
            Some(Assertion::Ignored { from: slot, .. }) => *slot = from,
            _ => {}
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

    /// What the check tests: no unknown key, and exactly one check key.
    fn check_def(&mut self, raw: &Spanned<RawTable>) -> Option<&'static CheckDef> {
        let table = raw.get_ref();
        let before = self.problems.len();
        let all_keys: Vec<&str> = CHECKS.iter().map(|d| d.key).chain(CHECK_MODIFIERS).collect();
        for (key, value) in table {
            if !all_keys.contains(&key.as_str()) {
                let span = self.key_span(key, &value.span());
                self.unknown("check", key, span, &all_keys);
            }
        }
        let present: Vec<&'static CheckDef> = CHECKS.iter().filter(|d| table.contains_key(d.key)).collect();
        match present.as_slice() {
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
                None
            }
            [one] => Some(*one),
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
                None
            }
        }
    }

    /// Modifiers the check does not take, refused at their place.
    fn misplaced_check_modifiers(&mut self, table: &RawTable, def: &CheckDef) {
        let mut refuse = |modifier: &str, help: String| {
            if let Some(v) = table.get(modifier) {
                let span = self.key_span(modifier, &v.span());
                self.problem(
                    span,
                    format!("`{modifier}` does not apply to `{}`", def.key),
                    help,
                );
            }
        };
        if !def.at {
            refuse(
                "at",
                format!("`{}` looks at the repository as it is now; remove `at`", def.key),
            );
        }
        if def.file == FileUse::No {
            refuse(
                "file",
                format!("`{}` is not about a file; remove `file`", def.key),
            );
        }
        if !def.regex {
            refuse("regex", format!("`{}` compares exactly; remove `regex`", def.key));
        }
        if def.key != "tag_exists" {
            refuse("annotated", "`annotated` goes with `tag_exists`".into());
        }
        if def.key != "ignored" {
            refuse(
                "from",
                "`from` goes with `ignored`: the file the ignore rule must be in".into(),
            );
        }
    }

    /// The `file` a check is about: a path in the repository (an answer
    /// file's is the exercise's), required where the check needs one.
    fn check_file(&mut self, table: &RawTable, def: &CheckDef) -> Option<String> {
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
            let span = self.key_span(def.key, &table[def.key].span());
            self.problem(
                span,
                format!("`{}` needs the file it is about", def.key),
                "add `file = \"README.md\"` (a path in the repository) to this check",
            );
        }
        file
    }

    /// The check's assertion, read from its value as its kind of value.
    fn assertion(
        &mut self,
        def: &CheckDef,
        value: &Spanned<toml::Value>,
        modifiers: &Modifiers<'_>,
    ) -> Option<Assertion> {
        let span = value.span();
        match def.takes {
            Takes::Text => self
                .text(def.key, value)
                .and_then(|t| self.text_assertion(def.key, t, span, modifiers)),
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
                        span,
                        "`no_conflict_markers = false` asks for nothing",
                        "write `no_conflict_markers = true`; to expect an unfinished merge, use `in_progress = \"merge\"`",
                    );
                    None
                }
            }),
            Takes::TextList => self
                .texts(def.key, value)
                .and_then(|items| self.list_assertion(def.key, items, span, modifiers.regex)),
        }
    }

    /// The assertion of a check whose value is a list.
    fn list_assertion(
        &mut self,
        key: &str,
        items: Vec<String>,
        span: Range<usize>,
        use_regex: bool,
    ) -> Option<Assertion> {
        let each = |p: &mut Self, check: &dyn Fn(&mut Self, &str) -> Option<String>| {
            let before = p.problems.len();
            let checked: Vec<String> = items.iter().filter_map(|t| check(p, t)).collect();
            (p.problems.len() == before).then_some(checked)
        };
        Some(match key {
            "messages" => {
                if items.is_empty() {
                    self.problem(
                        span,
                        "`messages` is empty",
                        "list the newest messages, newest first",
                    );
                    return None;
                }
                let matchers = items
                    .into_iter()
                    .map(|t| self.matcher(t, span.clone(), use_regex))
                    .collect::<Option<Vec<_>>>()?;
                Assertion::Messages(matchers)
            }
            "branches" => Assertion::Branches(each(self, &|p, t| p.branch_name(t, span.clone()))?),
            "tags" => Assertion::Tags(each(self, &|p, t| p.branch_name(t, span.clone()))?),
            "changes" => Assertion::Changes(each(self, &|p, t| p.work_path(t, span.clone()))?),
            "tree" => Assertion::Tree(each(self, &|p, t| p.work_path(t, span.clone()))?),
            "status" => Assertion::Status(each(self, &|p, t| p.status_line(t, span.clone()))?),
            _ => unreachable!("every list check is handled: {key}"),
        })
    }

    /// A line as `git status --short` prints it: two status letters, a
    /// space, the path (`XY from -> to` for a rename).
    fn status_line(&mut self, text: &str, span: Range<usize>) -> Option<String> {
        const CODES: &str = " MTADRCU?!";
        let mut chars = text.chars();
        let (x, y, space) = (chars.next(), chars.next(), chars.next());
        let good = x.is_some_and(|c| CODES.contains(c))
            && y.is_some_and(|c| CODES.contains(c))
            && space == Some(' ')
            && text.len() > 3
            && text != "   ";
        if !good {
            self.problem(
                span,
                format!("`{text}` is not a line of `git status --short`"),
                "write two status letters, a space and the path, as `git status --short` shows them: \"M  staged.txt\", \" M changed.txt\", \"?? new.txt\"",
            );
            return None;
        }
        Some(text.to_string())
    }

    /// Where an ignore rule may come from: a `.gitignore` in the repository,
    /// or `.git/info/exclude`.
    fn ignore_source(&mut self, text: &str, span: Range<usize>) -> Option<String> {
        let gitignore = text == ".gitignore" || text.ends_with("/.gitignore");
        if text == ".git/info/exclude" || (gitignore && self.work_path(text, span.clone()).is_some()) {
            return Some(text.to_string());
        }
        if !gitignore {
            self.problem(
                span,
                format!("`{text}` is not a file ignore rules come from"),
                "write `from = \".gitignore\"` (or `logs/.gitignore`, or `.git/info/exclude`)",
            );
        }
        None
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
            "tag_message" => Assertion::TagMessage(matcher(self, text)?),
            "body" => Assertion::Body(matcher(self, text)?),
            "staged_content" => Assertion::StagedContent(matcher(self, text)?),
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
                from: None,
            },
            "author" | "committer" => {
                if !use_regex && text.contains('<') && Identity::parse(&text).is_none() {
                    self.problem(
                        span,
                        format!("`{text}` is not a name and an email"),
                        "write `Ada Lovelace <ada@example.com>`, or just the name",
                    );
                    return None;
                }
                let matcher = matcher(self, text)?;
                if key == "author" {
                    Assertion::Author(matcher)
                } else {
                    Assertion::Committer(matcher)
                }
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
                    // Else an answer the learner writes inside the sandbox,
                    // in a file the scenario starts them with.
                    Some(target)
                        if !files.contains(&target)
                            && !self.written.contains(target.to_string_lossy().as_ref()) =>
                    {
                        self.problem(
                            span,
                            format!(
                                "`{}` is neither one of the exercise's `files` nor a file a step writes in the sandbox",
                                target.display()
                            ),
                            "list it in the exercise's `files` in info.toml (so it is watched and reset), or write it in the sandbox with a step's `files`, or drop `file`",
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
