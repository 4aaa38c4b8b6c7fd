//! Checks on history: how many commits, their messages, authors and
//! committers, merges, reachability, and exactly what a commit holds or
//! changes.

use anyhow::Result;

use super::{
    Judge, Matcher, Verdict, commit_line, display_rev, exact_set, expand_ids, normalise, quoted_list,
};
use crate::check::git::repo::Commit;

pub(super) fn commit_count(j: &mut Judge<'_, '_>, count: u64) -> Result<Verdict> {
    let what = format!("commits on `{}`", j.at_shown);
    Ok(match j.log()? {
        Ok(commits) => Verdict::new(
            commits.len() as u64 == count,
            what,
            count.to_string(),
            commits.len().to_string(),
        ),
        Err(found) => Verdict::new(
            count == 0 && found == "no commits yet",
            what,
            count.to_string(),
            found,
        ),
    })
}

/// A verdict on the newest commit of `at`.
fn on_tip(
    j: &mut Judge<'_, '_>,
    what: String,
    expected: String,
    judge: impl FnOnce(&Commit) -> (bool, String),
) -> Result<Verdict> {
    Ok(match j.log()? {
        Ok(commits) => {
            let (passed, found) = judge(&commits[0]);
            Verdict::new(passed, what, expected, found)
        }
        Err(found) => Verdict::new(false, what, expected, found),
    })
}

pub(super) fn message(j: &mut Judge<'_, '_>, matcher: &Matcher) -> Result<Verdict> {
    let what = format!("message of `{}`", j.at_shown);
    on_tip(j, what, matcher.describe(), |tip| {
        (matcher.matches(&tip.subject), format!("{:?}", tip.subject))
    })
}

pub(super) fn body(j: &mut Judge<'_, '_>, matcher: &Matcher) -> Result<Verdict> {
    let what = format!("message body of `{}` (below its first line)", j.at_shown);
    on_tip(j, what, matcher.describe(), |tip| {
        let body = normalise(&tip.body);
        let found = if body.is_empty() {
            "no body (only a subject line)".to_string()
        } else {
            format!("{body:?}")
        };
        let passed = match matcher {
            Matcher::Exact(want) => normalise(want) == body,
            Matcher::Pattern(re) => re.is_match(&body),
        };
        (passed, found)
    })
}

pub(super) fn messages(j: &mut Judge<'_, '_>, matchers: &[Matcher]) -> Result<Verdict> {
    let n = matchers.len();
    let what = if n == 1 {
        format!("newest message on `{}`", j.at_shown)
    } else {
        format!("newest {n} messages on `{}`, newest first", j.at_shown)
    };
    let expected = matchers
        .iter()
        .map(Matcher::describe)
        .collect::<Vec<_>>()
        .join(", ");
    Ok(match j.log()? {
        Ok(commits) => {
            let newest: Vec<&str> = commits.iter().take(n).map(|c| c.subject.as_str()).collect();
            let passed = newest.len() == n && matchers.iter().zip(&newest).all(|(m, s)| m.matches(s));
            Verdict::new(passed, what, expected, quoted_list(newest.into_iter()))
        }
        Err(found) => Verdict::new(false, what, expected, found),
    })
}

pub(super) fn has_message(j: &mut Judge<'_, '_>, matcher: &Matcher, present: bool) -> Result<Verdict> {
    let what = format!("commits on `{}`", j.at_shown);
    let expected = if present {
        format!("one with message {}", matcher.describe())
    } else {
        format!("none with message {}", matcher.describe())
    };
    Ok(match j.log()? {
        Ok(commits) => {
            let hit = commits.iter().find(|c| matcher.matches(&c.subject));
            let found = match hit {
                Some(c) => commit_line(c),
                None => format!(
                    "none (newest: {})",
                    quoted_list(commits.iter().take(3).map(|c| c.subject.as_str()))
                ),
            };
            Verdict::new(hit.is_some() == present, what, expected, found)
        }
        Err(found) => Verdict::new(!present, what, expected, found),
    })
}

/// Exactly the paths the commit changes (against its first parent), so
/// that a `git add .` or `commit -a` that took more than the lesson asked
/// for is caught.
pub(super) fn changes(j: &mut Judge<'_, '_>, paths: &[String]) -> Result<Verdict> {
    let what = format!("paths changed by `{}`", j.at_shown);
    let Some(changes) = j.repo.changes(&j.at_rev)? else {
        return Ok(j.unknown_at(what, quoted_list(paths.iter().map(String::as_str))));
    };
    let found: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
    let mut verdict = exact_set(what, paths, &found);
    // The letters say how: `A new.txt`, `D old.txt`.
    let described: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {}", c.status, c.path))
        .collect();
    verdict.found = if described.is_empty() {
        "none (an empty commit)".into()
    } else {
        described.join(", ")
    };
    Ok(verdict)
}

/// Exactly the files the commit's tree holds.
pub(super) fn tree(j: &mut Judge<'_, '_>, paths: &[String]) -> Result<Verdict> {
    let what = format!("files in `{}`", j.at_shown);
    match j.repo.tree(&j.at_rev)? {
        None => Ok(j.unknown_at(what, quoted_list(paths.iter().map(String::as_str)))),
        Some(files) => Ok(exact_set(what, paths, &files)),
    }
}

pub(super) fn parents(j: &mut Judge<'_, '_>, count: u64) -> Result<Verdict> {
    let what = format!("parents of `{}`", j.at_shown);
    let expected = match count {
        0 => "0 (a root commit)".to_string(),
        1 => "1 (not a merge commit)".to_string(),
        n => format!("{n} (a merge commit)"),
    };
    on_tip(j, what, expected, |tip| {
        (
            tip.parents.len() as u64 == count,
            format!("{}: {}", tip.parents.len(), commit_line(tip)),
        )
    })
}

pub(super) fn linear(j: &mut Judge<'_, '_>, linear: bool) -> Result<Verdict> {
    let what = format!("history of `{}`", j.at_shown);
    let expected = if linear {
        "linear, no merge commits"
    } else {
        "a merge commit"
    };
    Ok(match j.log()? {
        Ok(commits) => {
            let merge = commits.iter().find(|c| c.parents.len() > 1);
            let found = match merge {
                Some(c) => format!("merge commit {}", commit_line(c)),
                None => "linear".to_string(),
            };
            Verdict::new(merge.is_none() == linear, what, expected.into(), found)
        }
        Err(found) => Verdict::new(false, what, expected.into(), found),
    })
}

pub(super) fn reachable(j: &mut Judge<'_, '_>, rev: &str, reachable: bool) -> Result<Verdict> {
    let shown = display_rev(rev, j.ctx.commits);
    let what = format!("commit `{shown}`");
    let at_shown = j.at_shown.clone();
    let says = |r: bool| {
        format!(
            "{} from `{at_shown}`",
            if r { "reachable" } else { "not reachable" }
        )
    };
    let Some(target) = j.repo.resolve(&expand_ids(rev, j.ctx.commits))? else {
        return Ok(Verdict::new(
            false,
            what,
            says(reachable),
            format!("no `{shown}` in the repository"),
        ));
    };
    Ok(match j.log()? {
        Ok(commits) => {
            let is_reachable = commits.iter().any(|c| c.hash == target);
            Verdict::new(
                is_reachable == reachable,
                what,
                says(reachable),
                says(is_reachable),
            )
        }
        Err(found) => Verdict::new(false, what, says(reachable), found),
    })
}

#[derive(Clone, Copy)]
pub(super) enum Role {
    Author,
    Committer,
}

/// `Name <email>`, or just the name when the check gives no email.
pub(super) fn person(j: &mut Judge<'_, '_>, matcher: &Matcher, role: Role) -> Result<Verdict> {
    let label = match role {
        Role::Author => "author",
        Role::Committer => "committer",
    };
    let what = format!("{label} of `{}`", j.at_shown);
    on_tip(j, what, matcher.describe(), |tip| {
        let (name, email) = match role {
            Role::Author => (&tip.author_name, &tip.author_email),
            Role::Committer => (&tip.committer_name, &tip.committer_email),
        };
        let full = format!("{name} <{email}>");
        let passed = match matcher {
            Matcher::Exact(want) if !want.contains('<') => want == name,
            _ => matcher.matches(&full),
        };
        (passed, format!("{full:?}"))
    })
}
