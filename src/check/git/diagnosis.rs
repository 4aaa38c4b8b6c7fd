//! What is wrong with the repository as a whole, said before the checklist:
//! the learner who is stuck half way through a rebase needs to hear that
//! first, with the commands that finish or abandon it, not "expected a
//! branch, found a detached HEAD" at the top of a list.
//!
//! Each diagnosis is read from the same repository facts the checks use
//! (one more git process at most: the reflog, only when a history check
//! fails).

use anyhow::Result;

use super::assertions::{Assertion, Check, Verdict, how_to_end};
use super::repo::{Head, Repo};
use super::sandbox::{self, GIT_TIMEOUT, LEARNER_EMAIL, short};
use crate::outcome::Detail;
use crate::process::Cmd;

/// One thing to tell the learner first: a headline (the outcome's message
/// when it is the first) and the evidence that goes with it.
pub struct Diagnosis {
    pub headline: String,
    pub details: Vec<Detail>,
}

/// Every diagnosis of a failing check run, most urgent first.
/// `setup_reflog`: how many of HEAD's reflog entries setup made (the
/// oldest ones); only newer ones are the learner's doing.
pub fn diagnose(
    repo: &mut Repo<'_>,
    verdicts: &[(&Check, Verdict)],
    setup_reflog: usize,
) -> Result<Vec<Diagnosis>> {
    let mut found = Vec::new();
    let in_progress = repo.in_progress();
    let expected_op = |op: &str| {
        verdicts
            .iter()
            .any(|(c, _)| matches!(c.assertion, Assertion::InProgress(Some(o)) if o == op))
    };
    if let Some(op) = in_progress
        && !expected_op(op)
    {
        found.push(operation(repo, op)?);
    }
    let status = repo.status()?;
    if let Head::Detached(hash) = &status.head
        && !matches!(in_progress, Some("rebase" | "bisect"))
    {
        found.push(detached(hash, verdicts));
    }
    let history_fails = verdicts
        .iter()
        .any(|(c, v)| !v.passed && c.assertion.is_about_history());
    if history_fails && let Some(rewrite) = rewritten(repo, setup_reflog)? {
        found.push(rewrite);
    }
    let markers_fail = verdicts
        .iter()
        .any(|(c, v)| !v.passed && matches!(c.assertion, Assertion::NoConflictMarkers));
    if markers_fail
        && in_progress.is_none()
        && let Some(committed) = committed_markers(repo)?
    {
        found.push(committed);
    }
    let worktree_fails = verdicts.iter().any(|(c, v)| {
        !v.passed
            && matches!(
                c.assertion,
                Assertion::Clean(_) | Assertion::Status(_) | Assertion::Staged(_) | Assertion::Ignored { .. }
            )
    });
    if worktree_fails && let Some(hidden) = hidden_by_learners_ignore(repo)? {
        found.push(hidden);
    }
    Ok(found)
}

/// Untracked files the learner's own git hides from them (a global ignore
/// file, `core.excludesFile`): the checks, which never read the learner's
/// configuration, see them; their `git status` does not. Asked with git in
/// the learner's own environment, read-only, and only on a failure that
/// concerns the work tree.
fn hidden_by_learners_ignore(repo: &mut Repo<'_>) -> Result<Option<Diagnosis>> {
    let untracked: Vec<String> = repo
        .status()?
        .changes
        .iter()
        .filter(|c| c.staged == '?')
        .map(|c| c.path.clone())
        .collect();
    if untracked.is_empty() {
        return Ok(None);
    }
    let sandbox = repo.sandbox();
    let cmd = Cmd::new("git")
        .env("GIT_DIR", sandbox.git_dir())
        .env("GIT_WORK_TREE", sandbox.work())
        .env("GIT_OPTIONAL_LOCKS", "0")
        .cwd(sandbox.work())
        .timeout(GIT_TIMEOUT)
        .args(["-c", "core.quotePath=false", "check-ignore", "--"])
        .args(&untracked);
    let done = sandbox::run(&cmd)?;
    let hidden: Vec<String> = done
        .stdout
        .text()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if hidden.is_empty() {
        return Ok(None);
    }
    Ok(Some(Diagnosis {
        headline: format!(
            "your own git configuration hides {} from your `git status`",
            hidden.join(", ")
        ),
        details: vec![Detail::Text {
            text: format!(
                "The exercise sees {} as untracked, but a global ignore rule of yours (`core.excludesFile`, or ~/.config/git/ignore) hides it in your terminal. `git status --ignored` shows it; the exercise's rules are the repository's own (`.gitignore`), which everyone who clones it shares.",
                hidden.join(", ")
            ),
        }],
    }))
}

fn command(title: &str, command: impl Into<String>) -> Detail {
    Detail::Command {
        title: title.into(),
        command: command.into(),
    }
}

fn operation(repo: &mut Repo<'_>, op: &'static str) -> Result<Diagnosis> {
    let unmerged: Vec<String> = repo
        .status()?
        .changes
        .iter()
        .filter(|c| c.unmerged)
        .map(|c| c.path.clone())
        .collect();
    let mut text = format!("A {op} is in progress: {}.", how_to_end(op));
    if !unmerged.is_empty() {
        text.push_str(&format!(" Still in conflict: {}.", unmerged.join(", ")));
    }
    let mut details = vec![Detail::Text { text }];
    match op {
        "bisect" => details.push(command(
            "end the bisect, back where it started",
            "git bisect reset",
        )),
        "merge" => {
            details.push(command(
                "finish it (conflicts resolved and added)",
                "git commit --no-edit",
            ));
            details.push(command("or go back to before it", "git merge --abort"));
        }
        _ => {
            details.push(command(
                "finish it (conflicts resolved and added)",
                format!("git {op} --continue"),
            ));
            details.push(command("or go back to before it", format!("git {op} --abort")));
        }
    }
    Ok(Diagnosis {
        headline: format!("a {op} is in progress: finish it or abort it first"),
        details,
    })
}

fn detached(hash: &str, verdicts: &[(&Check, Verdict)]) -> Diagnosis {
    let branch = verdicts.iter().find_map(|(c, _)| match &c.assertion {
        Assertion::OnBranch(b) => Some(b.clone()),
        _ => None,
    });
    let back = match &branch {
        Some(b) => format!("git switch {b}"),
        None => "git switch -".to_string(),
    };
    Diagnosis {
        headline: format!("HEAD is detached at {}: you are on no branch", short(hash)),
        details: vec![
            Detail::Text {
                text: format!(
                    "HEAD points at commit {} itself, not at a branch: commits made now belong to no branch. `{back}` takes you back{}; to keep commits made here, first put a branch on them with `git switch -c NAME`.",
                    short(hash),
                    if branch.is_some() {
                        ""
                    } else {
                        " to the branch you were on"
                    }
                ),
            },
            command("back on a branch", back),
        ],
    }
}

/// The learner's newest amend or hard reset, with the reflog entry that
/// brings back what it replaced.
fn rewritten(repo: &mut Repo<'_>, setup_reflog: usize) -> Result<Option<Diagnosis>> {
    let reflog = repo.reflog()?;
    let learners = reflog.len().saturating_sub(setup_reflog);
    let Some(at) = reflog[..learners].iter().position(|e| {
        e.email == LEARNER_EMAIL
            && (e.action.starts_with("commit (amend)") || e.action.starts_with("reset: moving to"))
    }) else {
        return Ok(None);
    };
    let Some(before) = reflog.get(at + 1) else {
        return Ok(None);
    };
    let entry = &reflog[at];
    let back = format!("HEAD@{{{}}}", at + 1);
    let (headline, text, undo) = if entry.action.starts_with("commit (amend)") {
        (
            format!(
                "your `git commit --amend` replaced commit {} with {}",
                short(&before.hash),
                short(&entry.hash)
            ),
            format!(
                "If the amend went to the wrong commit, `git reset --soft {back}` brings back {} and keeps the amend's changes staged (`git commit` then makes them a commit of their own). `git reflog` lists every place HEAD has been.",
                short(&before.hash)
            ),
            format!("git reset --soft {back}"),
        )
    } else {
        (
            format!(
                "your `git reset` moved the branch from {} to {}",
                short(&before.hash),
                short(&entry.hash)
            ),
            format!(
                "If that reset was a mistake, `git reset --hard {back}` brings the branch back to {} (uncommitted changes in the work tree are lost). `git reflog` lists every place HEAD has been.",
                short(&before.hash)
            ),
            format!("git reset --hard {back}"),
        )
    };
    Ok(Some(Diagnosis {
        headline,
        details: vec![Detail::Text { text }, command("undo it", undo)],
    }))
}

/// Conflict markers in files that are committed as they are (not edited
/// since): the merge was committed unresolved.
fn committed_markers(repo: &mut Repo<'_>) -> Result<Option<Diagnosis>> {
    let status = repo.status()?;
    if status.changes.iter().any(|c| c.unmerged) {
        return Ok(None);
    }
    let markers = repo.conflict_markers()?;
    let committed: Vec<&(String, usize)> = markers
        .iter()
        .filter(|(path, _)| !status.changes.iter().any(|c| &c.path == path))
        .collect();
    let Some((path, line)) = committed.first() else {
        return Ok(None);
    };
    let mut files: Vec<&str> = committed.iter().map(|(p, _)| p.as_str()).collect();
    files.dedup();
    Ok(Some(Diagnosis {
        headline: format!("conflict markers were committed: {path}:{line}"),
        details: vec![
            Detail::Text {
                text: format!(
                    "The last commit holds the conflict as git marked it up. Edit {} to the version you want (remove the `<<<<<<<`, `=======` and `>>>>>>>` lines), `git add` it, then `git commit --amend --no-edit` puts the fix into that commit.",
                    files.join(", ")
                ),
            },
            command(
                "after editing",
                format!("git add {} && git commit --amend --no-edit", files.join(" ")),
            ),
        ],
    }))
}
