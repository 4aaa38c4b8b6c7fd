//! The checks an exercise declares, and how each is judged on the real state
//! of the sandbox. Every verdict says what was expected and what was found.
//!
//! One file per family of checks: `refs` (branches, tags, origin),
//! `history` (commits, messages, authors, what a commit changes),
//! `worktree` (the work tree, the index, ignore rules, conflicts) and
//! `answer` (a quiz's answer file). This file holds the types, the facts
//! each check reads, and the dispatch.

mod answer;
mod history;
mod refs;
mod worktree;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::OnceLock;

use anyhow::Result;
use regex::Regex;

use super::repo::{Commit, Missing, Query, Repo};
use super::sandbox::short;
use crate::outcome::Detail;

#[derive(Debug, Clone)]
pub struct Check {
    /// Line of the `[[check]]` in the scenario file.
    pub line: usize,
    /// The key that names the check (`on_branch`, …).
    pub key: &'static str,
    pub assertion: Assertion,
    /// The revision the check looks at (default HEAD); may be a range.
    pub at: Option<String>,
    /// The file the check is about.
    pub file: Option<String>,
    /// The author's explanation, shown when the check fails.
    pub why: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Assertion {
    OnBranch(String),
    Branch {
        name: String,
        exists: bool,
    },
    /// Exactly these local branches, no others.
    Branches(Vec<String>),
    Tag {
        name: String,
        exists: bool,
        annotated: Option<bool>,
    },
    /// Exactly these tags, no others.
    Tags(Vec<String>),
    /// The message of the annotated tag `at` names.
    TagMessage(Matcher),
    CommitCount(u64),
    Message(Matcher),
    Messages(Vec<Matcher>),
    HasMessage {
        matcher: Matcher,
        present: bool,
    },
    /// The message after the subject line.
    Body(Matcher),
    /// Exactly these paths change in the commit at `at`.
    Changes(Vec<String>),
    /// Exactly these files in the tree at `at`.
    Tree(Vec<String>),
    Content(Matcher),
    Contains(String),
    Exists(bool),
    Clean(bool),
    Staged(bool),
    /// A file's content in the index.
    StagedContent(Matcher),
    /// Exactly these `git status --short` lines (within `file`, if given).
    Status(Vec<String>),
    Tracked(bool),
    Parents(u64),
    Linear(bool),
    Reachable {
        rev: String,
        reachable: bool,
    },
    PointsTo(String),
    Stashes(u64),
    Pushed(String),
    Upstream(String),
    NoConflictMarkers,
    /// `None`: nothing may be in progress.
    InProgress(Option<&'static str>),
    Ignored {
        path: String,
        ignored: bool,
        /// The file the rule must come from (`.gitignore`, …).
        from: Option<String>,
    },
    Author(Matcher),
    Committer(Matcher),
    Answer(Answer),
}

impl Assertion {
    /// Checks that fail when commits went missing or moved: what an amend
    /// of the wrong commit, or a hard reset too far, breaks. (A wrong
    /// message or file alone is not a sign of that.)
    pub fn is_about_history(&self) -> bool {
        matches!(
            self,
            Assertion::CommitCount(_)
                | Assertion::Messages(_)
                | Assertion::HasMessage { present: true, .. }
                | Assertion::Parents(_)
                | Assertion::Reachable { reachable: true, .. }
                | Assertion::PointsTo(_)
        )
    }
}

#[derive(Debug, Clone)]
pub enum Answer {
    /// The hash (7 characters or more) of the commit a step named.
    Commit(String),
    Text(Matcher),
}

/// Text compared exactly, or searched with a regular expression (`regex = true`).
#[derive(Debug, Clone)]
pub enum Matcher {
    Exact(String),
    Pattern(Regex),
}

impl Matcher {
    fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Exact(s) => s == text,
            Matcher::Pattern(re) => re.is_match(text),
        }
    }

    fn describe(&self) -> String {
        match self {
            Matcher::Exact(s) => format!("{s:?}"),
            Matcher::Pattern(re) => format!("/{}/", re.as_str()),
        }
    }
}

/// Operations a learner can leave half done, as `in_progress` names them.
pub const OPERATIONS: [&str; 5] = ["merge", "rebase", "cherry-pick", "revert", "bisect"];

/// The verdict on one check.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub passed: bool,
    /// What was looked at: "current branch", "`README.md` in the work tree".
    pub what: String,
    pub expected: String,
    pub found: String,
    /// A sharper one-line message than "what: expected …, found …".
    pub message: Option<String>,
    /// Evidence that says more than expected/found side by side (a line
    /// diff of a file), shown for the first failing check.
    pub evidence: Option<Detail>,
    /// What was found, in one line for the checklist, where `found` is long
    /// (a file's whole text).
    pub brief: Option<String>,
}

impl Verdict {
    pub fn new(passed: bool, what: String, expected: String, found: String) -> Verdict {
        Verdict {
            passed,
            what,
            expected,
            found,
            message: None,
            evidence: None,
            brief: None,
        }
    }

    pub fn message(&self) -> String {
        self.message
            .clone()
            .unwrap_or_else(|| format!("{}: expected {}, found {}", self.what, self.expected, self.found))
    }
}

/// What the checks need besides the repository.
pub struct Context<'a> {
    /// `@id` of a step → its commit.
    pub commits: &'a BTreeMap<String, String>,
    /// Answer file (as the check names it) → where to read it for this target.
    pub answers: &'a BTreeMap<String, PathBuf>,
}

fn id_pattern() -> &'static Regex {
    static ID: OnceLock<Regex> = OnceLock::new();
    ID.get_or_init(|| Regex::new(r"@([a-z][a-z0-9_]*)").expect("valid regex"))
}

/// The `@id` names a revision mentions (`@base..main` → `base`).
pub fn ids_in(rev: &str) -> Vec<String> {
    id_pattern()
        .captures_iter(rev)
        .map(|c| c[1].to_string())
        .collect()
}

/// `@id` → the full hash of the commit that step named.
pub fn expand_ids(rev: &str, commits: &BTreeMap<String, String>) -> String {
    replace_ids(rev, commits, ToString::to_string)
}

/// `@id` → a short hash the learner can `git show`.
fn display_rev(rev: &str, commits: &BTreeMap<String, String>) -> String {
    replace_ids(rev, commits, |h| short(h).to_string())
}

fn replace_ids(rev: &str, commits: &BTreeMap<String, String>, show: impl Fn(&str) -> String) -> String {
    id_pattern()
        .replace_all(rev, |c: &regex::Captures<'_>| match commits.get(&c[1]) {
            Some(hash) => show(hash),
            None => c[0].to_string(),
        })
        .into_owned()
}

/// Compare text the way a learner means it: Windows line ends and the
/// final newline do not count.
fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end_matches('\n').to_string()
}

fn quoted_list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let items: Vec<String> = items.map(|s| format!("{s:?}")).collect();
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn commit_line(c: &Commit) -> String {
    format!("{} {:?}", short(&c.hash), c.subject)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An "exactly these" comparison: order does not count, and what differs
/// is named (`missing: …; not expected: …`).
fn exact_set(what: String, expected: &[String], found: &[String]) -> Verdict {
    let want: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    let have: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    let missing: Vec<&str> = want.difference(&have).copied().collect();
    let extra: Vec<&str> = have.difference(&want).copied().collect();
    let mut verdict = Verdict::new(
        missing.is_empty() && extra.is_empty(),
        what,
        quoted_list(want.iter().copied()),
        quoted_list(have.iter().copied()),
    );
    if !verdict.passed {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing {}", quoted_list(missing.into_iter())));
        }
        if !extra.is_empty() {
            parts.push(format!("not expected {}", quoted_list(extra.into_iter())));
        }
        verdict.message = Some(format!("{}: {}", verdict.what, parts.join("; ")));
    }
    verdict
}

/// The facts judging `check` will read, so they can all be fetched at once.
pub fn queries(check: &Check, commits: &BTreeMap<String, String>) -> Vec<Query> {
    let rev = || expand_ids(check.at.as_deref().unwrap_or("HEAD"), commits);
    let at = || Query::Log(rev());
    let file_at = || match (&check.at, &check.file) {
        (Some(at), Some(file)) => vec![Query::FileAt(expand_ids(at, commits), file.clone())],
        _ => Vec::new(),
    };
    match &check.assertion {
        Assertion::OnBranch(_) | Assertion::Clean(_) | Assertion::Staged(_) | Assertion::Status(_) => {
            vec![Query::Status]
        }
        Assertion::Branch { .. } | Assertion::Tag { .. } | Assertion::Branches(_) | Assertion::Tags(_) => {
            vec![Query::Refs]
        }
        Assertion::TagMessage(_) => vec![Query::TagMessage(rev())],
        Assertion::CommitCount(_)
        | Assertion::Message(_)
        | Assertion::Messages(_)
        | Assertion::HasMessage { .. }
        | Assertion::Body(_)
        | Assertion::Parents(_)
        | Assertion::Linear(_)
        | Assertion::Author(_)
        | Assertion::Committer(_) => vec![at()],
        Assertion::Changes(_) => vec![Query::Changes(rev())],
        Assertion::Tree(_) => vec![Query::Tree(rev())],
        Assertion::Content(_) | Assertion::Contains(_) | Assertion::Exists(_) => file_at(),
        Assertion::StagedContent(_) => check.file.iter().map(|f| Query::Staged(f.clone())).collect(),
        Assertion::Tracked(_) => vec![Query::Tracked],
        Assertion::Reachable { rev, .. } | Assertion::PointsTo(rev) => {
            vec![at(), Query::Resolve(expand_ids(rev, commits))]
        }
        Assertion::Stashes(_) => vec![Query::Stashes],
        Assertion::Pushed(_) => vec![Query::Refs, Query::OriginRefs],
        Assertion::Upstream(_) => vec![Query::Refs, Query::Status],
        Assertion::NoConflictMarkers => vec![Query::Status, Query::ConflictMarkers],
        Assertion::Ignored { .. } => vec![Query::Ignored],
        Assertion::InProgress(_) | Assertion::Answer(_) => Vec::new(),
    }
}

/// One check being judged: the check, the repository, and the revision it
/// looks at, resolved and as the learner should read it.
struct Judge<'j, 'r> {
    check: &'j Check,
    repo: &'j mut Repo<'r>,
    ctx: &'j Context<'j>,
    /// `at` with `@id`s expanded (default HEAD).
    at_rev: String,
    /// `at` with `@id`s as short hashes.
    at_shown: String,
}

impl Judge<'_, '_> {
    fn file(&self) -> &str {
        self.check.file.as_deref().unwrap_or_default()
    }

    /// The commits of `at`, or what to say instead.
    fn log(&mut self) -> Result<Result<Rc<Vec<Commit>>, String>> {
        let shown = &self.at_shown;
        Ok(self.repo.log(&self.at_rev)?.map_err(|missing| match missing {
            Missing::NoCommits => "no commits yet".to_string(),
            Missing::Unknown => format!("no `{shown}` in the repository"),
        }))
    }

    /// A "no such revision" verdict for `what`.
    fn unknown_at(&self, what: String, expected: String) -> Verdict {
        Verdict::new(
            false,
            what,
            expected,
            format!("no `{}` in the repository", self.at_shown),
        )
    }
}

/// Judge one check. `Err` only when git itself could not answer.
pub fn evaluate(check: &Check, repo: &mut Repo<'_>, ctx: &Context<'_>) -> Result<Verdict> {
    let mut j = Judge {
        check,
        repo,
        ctx,
        at_rev: expand_ids(check.at.as_deref().unwrap_or("HEAD"), ctx.commits),
        at_shown: check
            .at
            .as_deref()
            .map_or_else(|| "HEAD".to_string(), |a| display_rev(a, ctx.commits)),
    };
    let j = &mut j;
    match &check.assertion {
        Assertion::OnBranch(branch) => refs::on_branch(j, branch),
        Assertion::Branch { name, exists } => refs::branch(j, name, *exists),
        Assertion::Branches(names) => refs::branches(j, names),
        Assertion::Tag {
            name,
            exists,
            annotated,
        } => refs::tag(j, name, *exists, *annotated),
        Assertion::Tags(names) => refs::tags(j, names),
        Assertion::TagMessage(matcher) => refs::tag_message(j, matcher),
        Assertion::PointsTo(rev) => refs::points_to(j, rev),
        Assertion::Stashes(count) => refs::stashes(j, *count),
        Assertion::Pushed(name) => refs::pushed(j, name),
        Assertion::Upstream(upstream) => refs::upstream(j, upstream),
        Assertion::CommitCount(count) => history::commit_count(j, *count),
        Assertion::Message(matcher) => history::message(j, matcher),
        Assertion::Messages(matchers) => history::messages(j, matchers),
        Assertion::HasMessage { matcher, present } => history::has_message(j, matcher, *present),
        Assertion::Body(matcher) => history::body(j, matcher),
        Assertion::Changes(paths) => history::changes(j, paths),
        Assertion::Tree(paths) => history::tree(j, paths),
        Assertion::Parents(count) => history::parents(j, *count),
        Assertion::Linear(linear) => history::linear(j, *linear),
        Assertion::Reachable { rev, reachable } => history::reachable(j, rev, *reachable),
        Assertion::Author(matcher) => history::person(j, matcher, history::Role::Author),
        Assertion::Committer(matcher) => history::person(j, matcher, history::Role::Committer),
        Assertion::Content(matcher) => worktree::content(j, matcher),
        Assertion::Contains(needle) => worktree::contains(j, needle),
        Assertion::Exists(exists) => worktree::exists(j, *exists),
        Assertion::Clean(clean) => worktree::clean(j, *clean),
        Assertion::Staged(staged) => worktree::staged(j, *staged),
        Assertion::StagedContent(matcher) => worktree::staged_content(j, matcher),
        Assertion::Status(lines) => worktree::status(j, lines),
        Assertion::Tracked(tracked) => worktree::tracked(j, *tracked),
        Assertion::NoConflictMarkers => worktree::no_conflict_markers(j),
        Assertion::InProgress(expected) => Ok(worktree::in_progress(j, *expected)),
        Assertion::Ignored { path, ignored, from } => worktree::ignored(j, path, *ignored, from.as_deref()),
        Assertion::Answer(expected) => Ok(answer::verdict(expected, j.file(), j.ctx)),
    }
}

/// What to type to finish or abandon an operation left half done.
pub fn how_to_end(op: &str) -> &'static str {
    match op {
        "merge" => {
            "resolve the conflicts, `git add` the files and `git commit`; or `git merge --abort` to go back"
        }
        "rebase" => {
            "resolve the conflicts, `git add` the files and `git rebase --continue`; or `git rebase --abort` to go back"
        }
        "cherry-pick" => {
            "resolve the conflicts, `git add` the files and `git cherry-pick --continue`; or `git cherry-pick --abort`"
        }
        "revert" => {
            "resolve the conflicts, `git add` the files and `git revert --continue`; or `git revert --abort`"
        }
        "bisect" => {
            "`git bisect good` / `git bisect bad` until git names the commit; `git bisect reset` ends it"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_expand_inside_revisions() {
        let commits = BTreeMap::from([("base".to_string(), "0123456789abcdef".to_string())]);
        assert_eq!(expand_ids("@base..main", &commits), "0123456789abcdef..main");
        assert_eq!(display_rev("@base", &commits), "0123456");
        assert_eq!(expand_ids("HEAD@{1}", &commits), "HEAD@{1}");
        assert_eq!(ids_in("@a..@b_2"), ["a", "b_2"]);
    }

    #[test]
    fn exact_sets_name_what_is_missing_and_what_is_extra() {
        let strings = |items: &[&str]| items.iter().map(ToString::to_string).collect::<Vec<_>>();
        let same = exact_set("x".into(), &strings(&["a", "b"]), &strings(&["b", "a"]));
        assert!(same.passed);
        let differs = exact_set("paths".into(), &strings(&["a", "b"]), &strings(&["a", "c"]));
        assert!(!differs.passed);
        assert_eq!(differs.message(), "paths: missing \"b\"; not expected \"c\"");
        assert_eq!(normalise("a\r\nb\n\n"), "a\nb");
    }
}
