//! The checks an exercise declares, and how each is judged on the real state
//! of the sandbox. Every verdict says what was expected and what was found.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::OnceLock;

use anyhow::Result;
use regex::Regex;

use super::repo::{Commit, Head, Missing, Query, Repo, read_work_file};
use super::sandbox::short;

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
    Tag {
        name: String,
        exists: bool,
        annotated: Option<bool>,
    },
    CommitCount(u64),
    Message(Matcher),
    Messages(Vec<Matcher>),
    HasMessage {
        matcher: Matcher,
        present: bool,
    },
    Content(Matcher),
    Contains(String),
    Exists(bool),
    Clean(bool),
    Staged(bool),
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
    },
    Author(Matcher),
    Answer(Answer),
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
}

impl Verdict {
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
    /// Answer file (path in the pack) → where to read it for this target.
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
    replace_ids(rev, commits, |h| h.to_string())
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

/// The facts judging `check` will read, so they can all be fetched at once.
pub fn queries(check: &Check, commits: &BTreeMap<String, String>) -> Vec<Query> {
    let at = || Query::Log(expand_ids(check.at.as_deref().unwrap_or("HEAD"), commits));
    let file_at = || match (&check.at, &check.file) {
        (Some(at), Some(file)) => vec![Query::FileAt(expand_ids(at, commits), file.clone())],
        _ => Vec::new(),
    };
    match &check.assertion {
        Assertion::OnBranch(_) | Assertion::Clean(_) | Assertion::Staged(_) => vec![Query::Status],
        Assertion::Branch { .. } | Assertion::Tag { .. } => vec![Query::Refs],
        Assertion::CommitCount(_)
        | Assertion::Message(_)
        | Assertion::Messages(_)
        | Assertion::HasMessage { .. }
        | Assertion::Parents(_)
        | Assertion::Linear(_)
        | Assertion::Author(_) => vec![at()],
        Assertion::Content(_) | Assertion::Contains(_) | Assertion::Exists(_) => file_at(),
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

/// Judge one check. `Err` only when git itself could not answer.
pub fn evaluate(check: &Check, repo: &mut Repo<'_>, ctx: &Context<'_>) -> Result<Verdict> {
    let at_shown = check
        .at
        .as_deref()
        .map_or_else(|| "HEAD".to_string(), |a| display_rev(a, ctx.commits));
    let at_rev = expand_ids(check.at.as_deref().unwrap_or("HEAD"), ctx.commits);
    let verdict = |passed: bool, what: String, expected: String, found: String| Verdict {
        passed,
        what,
        expected,
        found,
        message: None,
    };
    // The commits of `at`, or what to say instead.
    let log = |repo: &mut Repo<'_>| -> Result<Result<Rc<Vec<Commit>>, String>> {
        Ok(repo.log(&at_rev)?.map_err(|missing| match missing {
            Missing::NoCommits => "no commits yet".to_string(),
            Missing::Unknown => format!("no `{at_shown}` in the repository"),
        }))
    };
    let file = check.file.as_deref().unwrap_or_default();

    Ok(match &check.assertion {
        Assertion::OnBranch(branch) => {
            let status = repo.status()?;
            let (passed, found) = match &status.head {
                Head::Branch(name) | Head::Unborn(name) => (name == branch, format!("`{name}`")),
                Head::Detached(hash) => (false, format!("a detached HEAD at {}", short(hash))),
            };
            verdict(passed, "current branch".into(), format!("`{branch}`"), found)
        }
        Assertion::Branch { name, exists } => {
            let refs = repo.refs()?;
            let found = refs.get(&format!("refs/heads/{name}"));
            verdict(
                found.is_some() == *exists,
                format!("branch `{name}`"),
                if *exists { "it exists" } else { "it is deleted" }.into(),
                match found {
                    Some(r) => format!("it exists, at {}", short(&r.hash)),
                    None => "no such branch".into(),
                },
            )
        }
        Assertion::Tag {
            name,
            exists,
            annotated,
        } => {
            let refs = repo.refs()?;
            let found = refs.get(&format!("refs/tags/{name}"));
            let is_annotated = found.map(|r| r.object_type == "tag");
            let passed = match (exists, found) {
                (false, found) => found.is_none(),
                (true, None) => false,
                (true, Some(_)) => annotated.is_none_or(|want| Some(want) == is_annotated),
            };
            let expected = match (exists, annotated) {
                (false, _) => "no such tag",
                (true, Some(true)) => "an annotated tag",
                (true, Some(false)) => "a lightweight tag",
                (true, None) => "a tag",
            };
            let found = match found {
                None => "no such tag".to_string(),
                Some(r) if r.object_type == "tag" => format!("an annotated tag on {}", short(r.commit())),
                Some(r) => format!("a lightweight tag on {}", short(r.commit())),
            };
            verdict(passed, format!("tag `{name}`"), expected.into(), found)
        }
        Assertion::CommitCount(count) => {
            let what = format!("commits on `{at_shown}`");
            match log(repo)? {
                Ok(commits) => verdict(
                    commits.len() as u64 == *count,
                    what,
                    count.to_string(),
                    commits.len().to_string(),
                ),
                Err(found) => verdict(
                    *count == 0 && found == "no commits yet",
                    what,
                    count.to_string(),
                    found,
                ),
            }
        }
        Assertion::Message(matcher) => {
            let what = format!("message of `{at_shown}`");
            match log(repo)? {
                Ok(commits) => {
                    let subject = &commits[0].subject;
                    verdict(
                        matcher.matches(subject),
                        what,
                        matcher.describe(),
                        format!("{subject:?}"),
                    )
                }
                Err(found) => verdict(false, what, matcher.describe(), found),
            }
        }
        Assertion::Messages(matchers) => {
            let n = matchers.len();
            let what = if n == 1 {
                format!("newest message on `{at_shown}`")
            } else {
                format!("newest {n} messages on `{at_shown}`, newest first")
            };
            let expected = matchers
                .iter()
                .map(Matcher::describe)
                .collect::<Vec<_>>()
                .join(", ");
            match log(repo)? {
                Ok(commits) => {
                    let newest: Vec<&str> = commits.iter().take(n).map(|c| c.subject.as_str()).collect();
                    let passed = newest.len() == n && matchers.iter().zip(&newest).all(|(m, s)| m.matches(s));
                    verdict(passed, what, expected, quoted_list(newest.into_iter()))
                }
                Err(found) => verdict(false, what, expected, found),
            }
        }
        Assertion::HasMessage { matcher, present } => {
            let what = format!("commits on `{at_shown}`");
            let expected = if *present {
                format!("one with message {}", matcher.describe())
            } else {
                format!("none with message {}", matcher.describe())
            };
            match log(repo)? {
                Ok(commits) => {
                    let hit = commits.iter().find(|c| matcher.matches(&c.subject));
                    let found = match hit {
                        Some(c) => commit_line(c),
                        None => format!(
                            "none (newest: {})",
                            quoted_list(commits.iter().take(3).map(|c| c.subject.as_str()))
                        ),
                    };
                    verdict(hit.is_some() == *present, what, expected, found)
                }
                Err(found) => verdict(!present, what, expected, found),
            }
        }
        Assertion::Content(matcher) => {
            let (what, text) = file_text(repo, check, file, &at_rev, &at_shown)?;
            content_verdict(what, text.as_deref(), matcher)
        }
        Assertion::Contains(needle) => {
            let (what, text) = file_text(repo, check, file, &at_rev, &at_shown)?;
            let expected = format!("text containing {needle:?}");
            match text {
                None => verdict(false, what, expected, "no such file".into()),
                Some(text) => {
                    let passed = normalise(&text).contains(&normalise(needle));
                    verdict(
                        passed,
                        what,
                        expected,
                        if passed { "it" } else { "no such text" }.into(),
                    )
                }
            }
        }
        Assertion::Exists(exists) => {
            let (what, text) = file_text(repo, check, file, &at_rev, &at_shown)?;
            let present = text.is_some() || (check.at.is_none() && repo.work().join(file).exists());
            let says = |p: bool| if p { "it exists" } else { "no such file" }.to_string();
            verdict(present == *exists, what, says(*exists), says(present))
        }
        Assertion::Clean(clean) => {
            let status = repo.status()?;
            let found = if status.changes.is_empty() {
                "a clean work tree".to_string()
            } else {
                changes_summary(status.changes.iter().map(|c| c.describe()).collect())
            };
            let expected = if *clean {
                "nothing to commit, no untracked files"
            } else {
                "uncommitted changes"
            };
            verdict(
                status.changes.is_empty() == *clean,
                "work tree".into(),
                expected.into(),
                found,
            )
        }
        Assertion::Staged(staged) => {
            let status = repo.status()?;
            let in_scope = |path: &str| {
                check.file.is_none()
                    || path == file
                    || path.starts_with(&format!("{}/", file.trim_end_matches('/')))
            };
            let changes: Vec<String> = status
                .changes
                .iter()
                .filter(|c| c.is_staged() && in_scope(&c.path))
                .map(|c| c.describe())
                .collect();
            let what = match &check.file {
                Some(f) => format!("staged changes to `{f}`"),
                None => "staged changes".into(),
            };
            let passed = changes.is_empty() != *staged;
            let found = if changes.is_empty() {
                "none".to_string()
            } else {
                changes_summary(changes)
            };
            verdict(passed, what, if *staged { "some" } else { "none" }.into(), found)
        }
        Assertion::Tracked(tracked) => {
            let is_tracked = repo.tracked()?.contains(file);
            let says = |t: bool| if t { "tracked" } else { "not tracked" }.to_string();
            verdict(
                is_tracked == *tracked,
                format!("`{file}` in the index"),
                says(*tracked),
                says(is_tracked),
            )
        }
        Assertion::Parents(count) => {
            let what = format!("parents of `{at_shown}`");
            let expected = match count {
                0 => "0 (a root commit)".to_string(),
                1 => "1 (not a merge commit)".to_string(),
                n => format!("{n} (a merge commit)"),
            };
            match log(repo)? {
                Ok(commits) => {
                    let tip = &commits[0];
                    verdict(
                        tip.parents.len() as u64 == *count,
                        what,
                        expected,
                        format!("{}: {}", tip.parents.len(), commit_line(tip)),
                    )
                }
                Err(found) => verdict(false, what, expected, found),
            }
        }
        Assertion::Linear(linear) => {
            let what = format!("history of `{at_shown}`");
            let expected = if *linear {
                "linear, no merge commits"
            } else {
                "a merge commit"
            };
            match log(repo)? {
                Ok(commits) => {
                    let merge = commits.iter().find(|c| c.parents.len() > 1);
                    let found = match merge {
                        Some(c) => format!("merge commit {}", commit_line(c)),
                        None => "linear".to_string(),
                    };
                    verdict(merge.is_none() == *linear, what, expected.into(), found)
                }
                Err(found) => verdict(false, what, expected.into(), found),
            }
        }
        Assertion::Reachable { rev, reachable } => {
            let shown = display_rev(rev, ctx.commits);
            let what = format!("commit `{shown}`");
            let says = |r: bool| {
                format!(
                    "{} from `{at_shown}`",
                    if r { "reachable" } else { "not reachable" }
                )
            };
            let Some(target) = repo.resolve(&expand_ids(rev, ctx.commits))? else {
                return Ok(verdict(
                    false,
                    what,
                    says(*reachable),
                    format!("no `{shown}` in the repository"),
                ));
            };
            match log(repo)? {
                Ok(commits) => {
                    let is_reachable = commits.iter().any(|c| c.hash == target);
                    verdict(
                        is_reachable == *reachable,
                        what,
                        says(*reachable),
                        says(is_reachable),
                    )
                }
                Err(found) => verdict(false, what, says(*reachable), found),
            }
        }
        Assertion::PointsTo(rev) => {
            let shown = display_rev(rev, ctx.commits);
            let what = format!("`{at_shown}`");
            let target = repo.resolve(&expand_ids(rev, ctx.commits))?;
            let expected = match &target {
                Some(hash) if shown != short(hash) => format!("at `{shown}` ({})", short(hash)),
                _ => format!("at `{shown}`"),
            };
            match (target, log(repo)?) {
                (None, _) => verdict(false, what, expected, format!("no `{shown}` in the repository")),
                (Some(_), Err(found)) => verdict(false, what, expected, found),
                (Some(hash), Ok(commits)) => {
                    let tip = &commits[0];
                    verdict(
                        tip.hash == hash,
                        what,
                        expected,
                        format!("at {}", commit_line(tip)),
                    )
                }
            }
        }
        Assertion::Stashes(count) => {
            let found = repo.stash_count()?;
            verdict(
                found as u64 == *count,
                "stash entries".into(),
                count.to_string(),
                found.to_string(),
            )
        }
        Assertion::Pushed(name) => {
            // A branch, or else a tag: `pushed = "v1.2.0"` checks a release tag reached origin.
            let what = format!("`{name}` on origin");
            let refs = repo.refs()?;
            let local = [format!("refs/heads/{name}"), format!("refs/tags/{name}")]
                .into_iter()
                .find_map(|full| refs.get(&full).map(|r| (full, r.hash.clone())));
            let Some((full, local)) = local else {
                return Ok(verdict(
                    false,
                    what,
                    format!("the same commit as your `{name}`"),
                    format!("you have no branch or tag `{name}`"),
                ));
            };
            let expected = format!("{}, like your `{name}`", short(&local));
            let kind = if full.starts_with("refs/tags/") {
                "tag"
            } else {
                "branch"
            };
            match repo.origin_refs()? {
                None => verdict(
                    false,
                    what,
                    expected,
                    "no origin repository beside the sandbox".into(),
                ),
                Some(origin) => match origin.get(&full) {
                    None => verdict(false, what, expected, format!("origin has no {kind} `{name}`")),
                    Some(r) => verdict(r.hash == local, what, expected, short(&r.hash).to_string()),
                },
            }
        }
        Assertion::Upstream(upstream) => {
            let branch = match &check.at {
                Some(branch) => Some(branch.clone()),
                None => match &repo.status()?.head {
                    Head::Branch(name) | Head::Unborn(name) => Some(name.clone()),
                    Head::Detached(_) => None,
                },
            };
            let expected = format!("`{upstream}`");
            match branch {
                None => verdict(
                    false,
                    "upstream of the current branch".into(),
                    expected,
                    "a detached HEAD, on no branch".into(),
                ),
                Some(branch) => {
                    let what = format!("upstream of `{branch}`");
                    match repo.refs()?.get(&format!("refs/heads/{branch}")) {
                        None => verdict(false, what, expected, format!("no branch `{branch}`")),
                        Some(r) => match &r.upstream {
                            None => verdict(false, what, expected, "none".into()),
                            Some(found) => verdict(found == upstream, what, expected, format!("`{found}`")),
                        },
                    }
                }
            }
        }
        Assertion::NoConflictMarkers => {
            let status = repo.status()?;
            let mut problems: Vec<String> = status
                .changes
                .iter()
                .filter(|c| c.unmerged)
                .map(|c| format!("{} is unmerged", c.path))
                .collect();
            problems.extend(
                repo.conflict_markers()?
                    .iter()
                    .map(|(path, line)| format!("a conflict marker in {path}:{line}")),
            );
            let found = if problems.is_empty() {
                "none".to_string()
            } else {
                changes_summary(problems)
            };
            verdict(found == "none", "conflicts".into(), "all resolved".into(), found)
        }
        Assertion::InProgress(expected) => {
            let found = repo.in_progress();
            let describe = |op: Option<&str>| match op {
                None => "nothing".to_string(),
                Some(op) => format!("a {op} ({})", how_to_end(op)),
            };
            verdict(
                found == *expected,
                "operation in progress".into(),
                expected.map_or_else(|| "nothing".to_string(), |op| format!("a {op}")),
                describe(found),
            )
        }
        Assertion::Ignored { path, ignored } => {
            let is_ignored = repo.is_ignored(path)?;
            let says = |i: bool| if i { "ignored by git" } else { "not ignored" }.to_string();
            verdict(
                is_ignored == *ignored,
                format!("`{path}`"),
                says(*ignored),
                says(is_ignored),
            )
        }
        Assertion::Author(matcher) => {
            let what = format!("author of `{at_shown}`");
            match log(repo)? {
                Ok(commits) => {
                    let tip = &commits[0];
                    let full = format!("{} <{}>", tip.author_name, tip.author_email);
                    let passed = match matcher {
                        Matcher::Exact(want) if !want.contains('<') => *want == tip.author_name,
                        _ => matcher.matches(&full),
                    };
                    verdict(passed, what, matcher.describe(), format!("{full:?}"))
                }
                Err(found) => verdict(false, what, matcher.describe(), found),
            }
        }
        Assertion::Answer(answer) => answer_verdict(answer, file, ctx),
    })
}

/// A file in the work tree, or at `at` when the check names one.
fn file_text(
    repo: &mut Repo<'_>,
    check: &Check,
    file: &str,
    at_rev: &str,
    at_shown: &str,
) -> Result<(String, Option<String>)> {
    Ok(match &check.at {
        None => (
            format!("`{file}` in the work tree"),
            read_work_file(&repo.work(), file),
        ),
        Some(_) => (format!("`{file}` at `{at_shown}`"), repo.file_at(at_rev, file)?),
    })
}

fn content_verdict(what: String, text: Option<&str>, matcher: &Matcher) -> Verdict {
    let Some(text) = text else {
        let expected = match matcher {
            Matcher::Exact(_) => "the file".to_string(),
            Matcher::Pattern(re) => format!("content matching /{}/", re.as_str()),
        };
        return Verdict {
            passed: false,
            what,
            expected,
            found: "no such file".into(),
            message: None,
        };
    };
    let found = normalise(text);
    match matcher {
        Matcher::Pattern(re) => Verdict {
            passed: re.is_match(&found),
            what,
            expected: format!("content matching /{}/", re.as_str()),
            found: excerpt(&found),
            message: None,
        },
        Matcher::Exact(want) => {
            let want = normalise(want);
            let message = first_difference(&want, &found)
                .map(|(line, e, f)| format!("{what}: line {line} differs: expected {e:?}, found {f:?}"));
            let show = |text: &str| {
                if text.contains('\n') {
                    excerpt(text)
                } else {
                    format!("{text:?}")
                }
            };
            Verdict {
                passed: want == found,
                what,
                expected: show(&want),
                found: show(&found),
                message,
            }
        }
    }
}

/// The first line where two texts differ, 1-based, with both versions
/// ("(end of file)" where one is shorter).
fn first_difference(expected: &str, found: &str) -> Option<(usize, String, String)> {
    let mut e = expected.lines();
    let mut f = found.lines();
    for line in 1.. {
        match (e.next(), f.next()) {
            (None, None) => return None,
            (a, b) if a == b => continue,
            (a, b) => {
                let show = |l: Option<&str>| l.map_or_else(|| "(end of file)".to_string(), String::from);
                return Some((line, show(a), show(b)));
            }
        }
    }
    None
}

/// Enough of a file to see what is in it, for the expected/found panel.
fn excerpt(text: &str) -> String {
    const MAX_LINES: usize = 30;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_LINES {
        return text.to_string();
    }
    format!(
        "{}\n… {} more lines",
        lines[..MAX_LINES].join("\n"),
        lines.len() - MAX_LINES
    )
}

fn changes_summary(items: Vec<String>) -> String {
    const SHOWN: usize = 5;
    let total = items.len();
    let mut shown: Vec<String> = items.into_iter().take(SHOWN).collect();
    if total > SHOWN {
        shown.push(format!("and {} more", total - SHOWN));
    }
    format!("{}: {}", plural(total, "change", "changes"), shown.join(", "))
}

fn how_to_end(op: &str) -> &'static str {
    match op {
        "merge" => "commit it, or `git merge --abort`",
        "rebase" => "`git rebase --continue`, or `git rebase --abort`",
        "cherry-pick" => "`git cherry-pick --continue`, or `--abort`",
        "revert" => "`git revert --continue`, or `--abort`",
        "bisect" => "`git bisect reset` ends it",
        _ => "",
    }
}

/// The answer is the first line of the file that is not blank and not a
/// `#` comment: the starter can explain what to write.
fn answer_verdict(answer: &Answer, file: &str, ctx: &Context<'_>) -> Verdict {
    let what = format!("your answer in `{file}`");
    let expected = match answer {
        Answer::Commit(_) => "the hash of the right commit (7 characters or more)",
        Answer::Text(_) => "the right answer",
    }
    .to_string();
    let given = ctx
        .answers
        .get(file)
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| {
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
        });
    let Some(given) = given else {
        return Verdict {
            passed: false,
            message: Some(format!("{what}: no answer yet (write it on a line of its own)")),
            what,
            expected,
            found: "no answer".into(),
        };
    };
    let (passed, found) = match answer {
        Answer::Commit(id) => {
            let hash = ctx.commits.get(id).map(String::as_str).unwrap_or_default();
            let candidate = given.to_ascii_lowercase();
            if candidate.len() < 7 || !candidate.bytes().all(|b| b.is_ascii_hexdigit()) {
                (
                    false,
                    format!("{given:?}, which is not a commit hash (copy 7 or more of its characters)"),
                )
            } else {
                let passed = !hash.is_empty() && hash.starts_with(&candidate);
                (
                    passed,
                    if passed {
                        given
                    } else {
                        format!("{given}, another commit")
                    },
                )
            }
        }
        Answer::Text(Matcher::Exact(want)) => {
            (want.trim().eq_ignore_ascii_case(&given), format!("{given:?}"))
        }
        Answer::Text(matcher) => (matcher.matches(&given), format!("{given:?}")),
    };
    Verdict {
        passed,
        what,
        expected,
        found,
        message: None,
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
    fn differences_name_the_line() {
        assert_eq!(
            first_difference("a\nb\nc", "a\nx\nc"),
            Some((2, "b".to_string(), "x".to_string()))
        );
        assert_eq!(
            first_difference("a\nb", "a"),
            Some((2, "b".to_string(), "(end of file)".to_string()))
        );
        assert_eq!(first_difference("a\r\nb", "a\r\nb"), None);
        assert_eq!(normalise("a\r\nb\n\n"), "a\nb");
    }

    #[test]
    fn answers_accept_a_hash_prefix_and_ignore_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answer.txt");
        let commits = BTreeMap::from([("bad".to_string(), "0123456789abcdef0123".to_string())]);
        let answers = BTreeMap::from([("answer.txt".to_string(), path.clone())]);
        let ctx = Context {
            commits: &commits,
            answers: &answers,
        };
        let answer = Answer::Commit("bad".into());
        let judge = |text: &str| {
            std::fs::write(&path, text).unwrap();
            answer_verdict(&answer, "answer.txt", &ctx)
        };
        assert!(!judge("# Write the hash below\n\n").passed);
        assert!(judge("# Write the hash below\n0123456\n").passed);
        assert!(judge("0123456789ABCDEF\n").passed);
        let short = judge("01234");
        assert!(!short.passed && short.found.contains("not a commit hash"));
        let wrong = judge("abcdef0");
        assert!(
            !wrong.passed && !wrong.message().contains("0123456"),
            "the answer must not leak"
        );
    }
}
