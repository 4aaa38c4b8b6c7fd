//! Checks on refs: where HEAD is, which branches and tags exist, where
//! they point, the stash, and what `origin` holds.

use anyhow::Result;

use super::{Judge, Matcher, Verdict, commit_line, display_rev, exact_set, expand_ids, normalise};
use crate::check::git::repo::{Head, TagMessage};
use crate::check::git::sandbox::short;

pub(super) fn on_branch(j: &mut Judge<'_, '_>, branch: &str) -> Result<Verdict> {
    let status = j.repo.status()?;
    let (passed, found) = match &status.head {
        Head::Branch(name) | Head::Unborn(name) => (name == branch, format!("`{name}`")),
        Head::Detached(hash) => (false, format!("a detached HEAD at {}", short(hash))),
    };
    Ok(Verdict::new(
        passed,
        "current branch".into(),
        format!("`{branch}`"),
        found,
    ))
}

pub(super) fn branch(j: &mut Judge<'_, '_>, name: &str, exists: bool) -> Result<Verdict> {
    let refs = j.repo.refs()?;
    let found = refs.get(&format!("refs/heads/{name}"));
    Ok(Verdict::new(
        found.is_some() == exists,
        format!("branch `{name}`"),
        if exists { "it exists" } else { "it is deleted" }.into(),
        match found {
            Some(r) => format!("it exists, at {}", short(&r.hash)),
            None => "no such branch".into(),
        },
    ))
}

/// The short names of the refs under `prefix` (`refs/heads/`).
fn names_under(j: &mut Judge<'_, '_>, prefix: &str) -> Result<Vec<String>> {
    Ok(j.repo
        .refs()?
        .keys()
        .filter_map(|full| full.strip_prefix(prefix))
        .map(String::from)
        .collect())
}

pub(super) fn branches(j: &mut Judge<'_, '_>, names: &[String]) -> Result<Verdict> {
    let found = names_under(j, "refs/heads/")?;
    Ok(exact_set("local branches".into(), names, &found))
}

pub(super) fn tags(j: &mut Judge<'_, '_>, names: &[String]) -> Result<Verdict> {
    let found = names_under(j, "refs/tags/")?;
    Ok(exact_set("tags".into(), names, &found))
}

pub(super) fn tag(
    j: &mut Judge<'_, '_>,
    name: &str,
    exists: bool,
    annotated: Option<bool>,
) -> Result<Verdict> {
    let refs = j.repo.refs()?;
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
    Ok(Verdict::new(
        passed,
        format!("tag `{name}`"),
        expected.into(),
        found,
    ))
}

pub(super) fn tag_message(j: &mut Judge<'_, '_>, matcher: &Matcher) -> Result<Verdict> {
    let name = j.at_rev.clone();
    let what = format!("message of tag `{name}`");
    let mut verdict = match j.repo.tag_message(&name)? {
        TagMessage::Annotated(text) => {
            let text = normalise(&text);
            Verdict::new(
                matcher.matches(&text),
                what,
                matcher.describe(),
                format!("{text:?}"),
            )
        }
        TagMessage::Lightweight => Verdict::new(
            false,
            what,
            matcher.describe(),
            "a lightweight tag, which has no message".into(),
        ),
        TagMessage::NoSuchTag => Verdict::new(false, what, matcher.describe(), "no such tag".into()),
    };
    if !verdict.passed && verdict.found.starts_with("a lightweight") {
        verdict.message = Some(format!(
            "tag `{name}` is a lightweight tag, which has no message: `git tag -d {name}`, then `git tag -a {name} -m \"…\"` makes an annotated one"
        ));
    }
    Ok(verdict)
}

pub(super) fn points_to(j: &mut Judge<'_, '_>, rev: &str) -> Result<Verdict> {
    let shown = display_rev(rev, j.ctx.commits);
    let what = format!("`{}`", j.at_shown);
    let target = j.repo.resolve(&expand_ids(rev, j.ctx.commits))?;
    let expected = match &target {
        Some(hash) if shown != short(hash) => format!("at `{shown}` ({})", short(hash)),
        _ => format!("at `{shown}`"),
    };
    Ok(match (target, j.log()?) {
        (None, _) => Verdict::new(false, what, expected, format!("no `{shown}` in the repository")),
        (Some(_), Err(found)) => Verdict::new(false, what, expected, found),
        (Some(hash), Ok(commits)) => {
            let tip = &commits[0];
            Verdict::new(
                tip.hash == hash,
                what,
                expected,
                format!("at {}", commit_line(tip)),
            )
        }
    })
}

pub(super) fn stashes(j: &mut Judge<'_, '_>, count: u64) -> Result<Verdict> {
    let found = j.repo.stash_count()?;
    Ok(Verdict::new(
        found as u64 == count,
        "stash entries".into(),
        count.to_string(),
        found.to_string(),
    ))
}

/// A branch, or else a tag: `pushed = "v1.2.0"` checks a release tag reached origin.
pub(super) fn pushed(j: &mut Judge<'_, '_>, name: &str) -> Result<Verdict> {
    let what = format!("`{name}` on origin");
    let refs = j.repo.refs()?;
    let local = [format!("refs/heads/{name}"), format!("refs/tags/{name}")]
        .into_iter()
        .find_map(|full| refs.get(&full).map(|r| (full, r.hash.clone())));
    let Some((full, local)) = local else {
        return Ok(Verdict::new(
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
    Ok(match j.repo.origin_refs()? {
        None => Verdict::new(
            false,
            what,
            expected,
            "no origin repository beside the sandbox".into(),
        ),
        Some(origin) => match origin.get(&full) {
            None => Verdict::new(false, what, expected, format!("origin has no {kind} `{name}`")),
            Some(r) => Verdict::new(r.hash == local, what, expected, short(&r.hash).to_string()),
        },
    })
}

pub(super) fn upstream(j: &mut Judge<'_, '_>, upstream: &str) -> Result<Verdict> {
    let branch = match &j.check.at {
        Some(branch) => Some(branch.clone()),
        None => match &j.repo.status()?.head {
            Head::Branch(name) | Head::Unborn(name) => Some(name.clone()),
            Head::Detached(_) => None,
        },
    };
    let expected = format!("`{upstream}`");
    let Some(branch) = branch else {
        return Ok(Verdict::new(
            false,
            "upstream of the current branch".into(),
            expected,
            "a detached HEAD, on no branch".into(),
        ));
    };
    let what = format!("upstream of `{branch}`");
    Ok(match j.repo.refs()?.get(&format!("refs/heads/{branch}")) {
        None => Verdict::new(false, what, expected, format!("no branch `{branch}`")),
        Some(r) => match &r.upstream {
            None => Verdict::new(false, what, expected, "none".into()),
            Some(found) => Verdict::new(found == upstream, what, expected, format!("`{found}`")),
        },
    })
}
