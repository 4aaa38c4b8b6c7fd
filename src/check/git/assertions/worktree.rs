//! Checks on the work tree and the index: files and their content, what is
//! staged, `git status` exactly, ignore rules, conflicts, an operation in
//! progress.

use anyhow::Result;

use super::{Judge, Matcher, Verdict, exact_set, how_to_end, normalise, plural};
use crate::check::git::repo::read_work_file;
use crate::outcome::Detail;

/// A file in the work tree, or at `at` when the check names one.
fn file_text(j: &mut Judge<'_, '_>) -> Result<(String, Option<String>)> {
    let file = j.file().to_string();
    Ok(match &j.check.at {
        None => (
            format!("`{file}` in the work tree"),
            read_work_file(&j.repo.work(), &file),
        ),
        Some(_) => (
            format!("`{file}` at `{}`", j.at_shown),
            j.repo.file_at(&j.at_rev, &file)?,
        ),
    })
}

pub(super) fn content(j: &mut Judge<'_, '_>, matcher: &Matcher) -> Result<Verdict> {
    let (what, text) = file_text(j)?;
    Ok(content_verdict(what, text.as_deref(), matcher))
}

pub(super) fn staged_content(j: &mut Judge<'_, '_>, matcher: &Matcher) -> Result<Verdict> {
    let file = j.file().to_string();
    let text = j.repo.staged_file(&file)?;
    let mut verdict = content_verdict(
        format!("`{file}` in the index (staged)"),
        text.as_deref(),
        matcher,
    );
    if text.is_none() {
        verdict.found = "not in the index".into();
    }
    Ok(verdict)
}

fn content_verdict(what: String, text: Option<&str>, matcher: &Matcher) -> Verdict {
    let Some(text) = text else {
        let expected = match matcher {
            Matcher::Exact(_) => "the file".to_string(),
            Matcher::Pattern(re) => format!("content matching /{}/", re.as_str()),
        };
        return Verdict::new(false, what, expected, "no such file".into());
    };
    let found = normalise(text);
    match matcher {
        Matcher::Pattern(re) => Verdict::new(
            re.is_match(&found),
            what,
            format!("content matching /{}/", re.as_str()),
            excerpt(&found),
        ),
        Matcher::Exact(want) => {
            let want = normalise(want);
            let show = |text: &str| {
                if text.contains('\n') {
                    excerpt(text)
                } else {
                    format!("{text:?}")
                }
            };
            let mut verdict = Verdict::new(want == found, what, show(&want), show(&found));
            if let Some((line, e, f)) = first_difference(&want, &found) {
                let brief = format!("line {line} differs: expected {e:?}, found {f:?}");
                verdict.message = Some(format!("{}: {brief}", verdict.what));
                verdict.evidence = Some(Detail::Output {
                    title: format!(
                        "{}: what the exercise expects (-) and what is there (+)",
                        verdict.what
                    ),
                    text: line_diff(&want, &found),
                    truncated_bytes: 0,
                });
                verdict.brief = Some(brief);
            }
            verdict
        }
    }
}

/// A unified diff, expected → found, with a little context.
fn line_diff(expected: &str, found: &str) -> String {
    let (expected, found) = (format!("{expected}\n"), format!("{found}\n"));
    similar::TextDiff::from_lines(&expected, &found)
        .unified_diff()
        .context_radius(2)
        .header("expected", "found")
        .to_string()
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

pub(super) fn contains(j: &mut Judge<'_, '_>, needle: &str) -> Result<Verdict> {
    let (what, text) = file_text(j)?;
    let expected = format!("text containing {needle:?}");
    Ok(match text {
        None => Verdict::new(false, what, expected, "no such file".into()),
        Some(text) => {
            let passed = normalise(&text).contains(&normalise(needle));
            Verdict::new(
                passed,
                what,
                expected,
                if passed { "it" } else { "no such text" }.into(),
            )
        }
    })
}

pub(super) fn exists(j: &mut Judge<'_, '_>, exists: bool) -> Result<Verdict> {
    let (what, text) = file_text(j)?;
    let present = text.is_some() || (j.check.at.is_none() && j.repo.work().join(j.file()).exists());
    let says = |p: bool| if p { "it exists" } else { "no such file" }.to_string();
    Ok(Verdict::new(present == exists, what, says(exists), says(present)))
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

pub(super) fn clean(j: &mut Judge<'_, '_>, clean: bool) -> Result<Verdict> {
    let status = j.repo.status()?;
    let found = if status.changes.is_empty() {
        "a clean work tree".to_string()
    } else {
        changes_summary(
            status
                .changes
                .iter()
                .map(super::super::repo::Change::describe)
                .collect(),
        )
    };
    let expected = if clean {
        "nothing to commit, no untracked files"
    } else {
        "uncommitted changes"
    };
    Ok(Verdict::new(
        status.changes.is_empty() == clean,
        "work tree".into(),
        expected.into(),
        found,
    ))
}

/// Is `path` the check's `file`, or inside it (a folder)? Everything is,
/// when the check names no file.
fn in_scope(file: Option<&str>, path: &str) -> bool {
    match file {
        None => true,
        Some(file) => path == file || path.starts_with(&format!("{}/", file.trim_end_matches('/'))),
    }
}

pub(super) fn staged(j: &mut Judge<'_, '_>, staged: bool) -> Result<Verdict> {
    let status = j.repo.status()?;
    let file = j.check.file.as_deref();
    let changes: Vec<String> = status
        .changes
        .iter()
        .filter(|c| c.is_staged() && in_scope(file, &c.path))
        .map(super::super::repo::Change::describe)
        .collect();
    let what = match file {
        Some(f) => format!("staged changes to `{f}`"),
        None => "staged changes".into(),
    };
    let passed = changes.is_empty() != staged;
    let found = if changes.is_empty() {
        "none".to_string()
    } else {
        changes_summary(changes)
    };
    Ok(Verdict::new(
        passed,
        what,
        if staged { "some" } else { "none" }.into(),
        found,
    ))
}

/// Exactly what `git status --short --untracked-files=all` prints (within
/// `file`): for every path, whether HEAD, the index and the work tree agree.
pub(super) fn status(j: &mut Judge<'_, '_>, lines: &[String]) -> Result<Verdict> {
    let status = j.repo.status()?;
    let file = j.check.file.as_deref();
    let found: Vec<String> = status
        .changes
        .iter()
        .filter(|c| in_scope(file, &c.path) || c.from.as_deref().is_some_and(|f| in_scope(file, f)))
        .map(super::super::repo::Change::short)
        .collect();
    let what = match file {
        Some(f) => format!("`git status --short {f}`"),
        None => "`git status --short`".into(),
    };
    let mut verdict = exact_set(what, lines, &found);
    let nothing = "nothing (HEAD, the index and the work tree agree)";
    if lines.is_empty() {
        verdict.expected = nothing.into();
    }
    if found.is_empty() {
        verdict.found = nothing.into();
    }
    Ok(verdict)
}

pub(super) fn tracked(j: &mut Judge<'_, '_>, tracked: bool) -> Result<Verdict> {
    let file = j.file().to_string();
    let is_tracked = j.repo.tracked()?.contains(&file);
    let says = |t: bool| if t { "tracked" } else { "not tracked" }.to_string();
    Ok(Verdict::new(
        is_tracked == tracked,
        format!("`{file}` in the index"),
        says(tracked),
        says(is_tracked),
    ))
}

pub(super) fn no_conflict_markers(j: &mut Judge<'_, '_>) -> Result<Verdict> {
    let status = j.repo.status()?;
    let mut problems: Vec<String> = status
        .changes
        .iter()
        .filter(|c| c.unmerged)
        .map(|c| format!("{} is unmerged", c.path))
        .collect();
    problems.extend(
        j.repo
            .conflict_markers()?
            .iter()
            .map(|(path, line)| format!("a conflict marker in {path}:{line}")),
    );
    let found = if problems.is_empty() {
        "none".to_string()
    } else {
        changes_summary(problems)
    };
    Ok(Verdict::new(
        found == "none",
        "conflicts".into(),
        "all resolved".into(),
        found,
    ))
}

pub(super) fn in_progress(j: &mut Judge<'_, '_>, expected: Option<&'static str>) -> Verdict {
    let found = j.repo.in_progress();
    let describe = |op: Option<&str>| match op {
        None => "nothing".to_string(),
        Some(op) => format!("a {op} ({})", how_to_end(op)),
    };
    Verdict::new(
        found == expected,
        "operation in progress".into(),
        expected.map_or_else(|| "nothing".to_string(), |op| format!("a {op}")),
        describe(found),
    )
}

/// Ignored or not, per `git check-ignore -v`; with `from`, the rule must
/// come from that file (a `.gitignore` is shared with the team,
/// `.git/info/exclude` is not).
pub(super) fn ignored(
    j: &mut Judge<'_, '_>,
    path: &str,
    ignored: bool,
    from: Option<&str>,
) -> Result<Verdict> {
    let rule = j.repo.ignore_rule(path)?;
    let is_ignored = rule.as_ref().is_some_and(|r| !r.negated());
    let expected = match (ignored, from) {
        (true, Some(from)) => format!("ignored by a rule in `{from}`"),
        (true, None) => "ignored by git".into(),
        (false, _) => "not ignored".into(),
    };
    let found = match &rule {
        Some(r) if !r.negated() => format!("ignored by `{}` ({}:{})", r.pattern, r.source, r.line),
        Some(r) => format!("not ignored: `{}` ({}:{}) keeps it", r.pattern, r.source, r.line),
        None => "not ignored".into(),
    };
    let right_source = match (from, &rule) {
        (Some(from), Some(r)) => r.source == from,
        _ => true,
    };
    Ok(Verdict::new(
        is_ignored == ignored && (!ignored || right_source),
        format!("`{path}`"),
        expected,
        found,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn a_content_difference_is_a_line_diff() {
        let verdict = content_verdict(
            "`app.conf` in the work tree".into(),
            Some("name=demo\nport=80\n"),
            &Matcher::Exact("name=demo\nport=8080\n".into()),
        );
        assert!(!verdict.passed);
        let Some(Detail::Output { text, .. }) = &verdict.evidence else {
            panic!("a diff: {verdict:?}");
        };
        assert!(text.contains("-port=8080\n+port=80\n"), "{text}");
        assert!(text.contains(" name=demo\n"), "{text}");
        assert_eq!(
            verdict.brief.as_deref(),
            Some("line 2 differs: expected \"port=8080\", found \"port=80\"")
        );
    }
}
