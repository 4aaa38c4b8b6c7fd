//! The `git` kind: the learner practises real git, in a terminal of their own,
//! inside a sandbox repository the runner builds from the exercise's scenario
//! and then checks on its real state.
//!
//! - `spec`: what the author writes (info.toml's table, the scenario file).
//! - `scenario` + `clock`: building a sandbox, deterministically.
//! - `sandbox`: where it lives and the isolated environment of every git call.
//! - `repo` + `assertions`: reading the repository and judging each check.
//!
//! Targets: `Learner` reads the sandbox in `.backlings/sandboxes/NAME/work`;
//! `Starter` and `Solution` build a fresh one in a temp dir (the latter then
//! runs the reference script in it), never touching the learner's.

mod assertions;
mod clock;
mod diagnosis;
pub mod kind;
mod repo;
mod sandbox;
mod scenario;
mod spec;

pub use spec::GitSpec;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use self::assertions::{Assertion, Check, Context, Verdict};
use self::diagnosis::Diagnosis;
use self::repo::Repo;
use self::sandbox::{Marker, Sandbox};
use self::scenario::Scenario;
use super::Target;
use crate::outcome::{CheckItem, Detail, Outcome};
use crate::pack::{Exercise, Pack};

pub fn check(pack: &Pack, exercise: &Exercise, spec: &GitSpec, target: Target) -> Result<Outcome> {
    if target == Target::Learner
        && let Err(err) = learner_sandbox(pack, exercise).refuse_links(&pack.root)
    {
        return Ok(error_outcome(&format!("{err:#}")));
    }
    // A learner's sandbox was built, so git was there: no probe on the
    // per-check path (a git gone since is named by the first call).
    if target != Target::Learner
        && let Err(err) = sandbox::require_git()
    {
        return Ok(error_outcome(&format!("{err:#}")));
    }
    let scenario = match spec.load(&pack.root, &exercise.files) {
        Ok(scenario) => scenario,
        Err(problems) => return Ok(scenario_problems(&problems)),
    };
    match target {
        Target::Learner => check_learner(pack, exercise, &scenario),
        Target::Starter => check_fresh(pack, exercise, &scenario, None),
        Target::Solution => check_fresh(pack, exercise, &scenario, Some(&pack.path(&exercise.solution))),
    }
}

/// Build the learner's sandbox the first time they arrive. Once built, it is
/// never rebuilt behind their back: a sandbox they deleted is reported by
/// the check, with the hint to reset.
pub fn prepare(pack: &Pack, exercise: &Exercise, spec: &GitSpec) -> Result<()> {
    let sandbox = learner_sandbox(pack, exercise);
    sandbox.refuse_links(&pack.root)?;
    if sandbox.read_marker().is_some() {
        return Ok(());
    }
    sandbox::require_git()?;
    let scenario = load(pack, exercise, spec)?;
    scenario::build(&sandbox, &scenario)?;
    Ok(())
}

/// Rebuild the sandbox from scratch (and restore an answer file's starter).
/// The learner's repository is kept first, never overwritten by a later
/// reset: `.backlings/replaced/sandboxes/NAME.1`, `NAME.2`, …
pub fn reset(pack: &Pack, exercise: &Exercise, spec: &GitSpec) -> Result<String> {
    sandbox::require_git()?;
    let scenario = load(pack, exercise, spec)?;
    let sandbox = learner_sandbox(pack, exercise);
    sandbox.refuse_links(&pack.root)?;
    let kept = if sandbox.has_work() {
        let dest = kept_sandbox_dir(pack, exercise)?;
        sandbox.keep_in(&dest)?;
        Some(dest)
    } else {
        None
    };
    scenario::build(&sandbox, &scenario)?;
    let mut done = format!(
        "rebuilt the sandbox from scratch: cd {}",
        shell_quote(&sandbox.work())
    );
    if let Some(kept) = kept {
        done.push_str(&format!(
            "\nyour repository as it was is kept in {} (cd {})",
            kept.display(),
            shell_quote(&kept.join("work"))
        ));
    }
    if !exercise.files.is_empty() {
        let restored = crate::pristine::restore(pack, exercise)?;
        done.push('\n');
        done.push_str(&restored.describe());
    }
    Ok(done)
}

/// The first `.backlings/replaced/sandboxes/NAME.N` not taken yet.
fn kept_sandbox_dir(pack: &Pack, exercise: &Exercise) -> Result<PathBuf> {
    let parent = pack.state_dir().join("replaced").join("sandboxes");
    for path in [pack.state_dir().join("replaced"), parent.clone()] {
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            anyhow::bail!(
                "{} is a symbolic link: backlings keeps your sandbox there before a reset, and never writes through a link that can lead out of the pack\n  help: remove the link (`rm {}`), then reset again",
                path.display(),
                path.display()
            );
        }
    }
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let taken = |n: u32| fs::symlink_metadata(parent.join(format!("{}.{n}", exercise.name))).is_ok();
    let n = (1..).find(|n| !taken(*n)).expect("a free number");
    Ok(parent.join(format!("{}.{n}", exercise.name)))
}

/// What can change a git exercise's verdict, for the watcher:
///
/// - the sandbox's work tree, recursively: every git command changes
///   `.git/HEAD`, `.git/refs/…`, `.git/index`, `.git/packed-refs`,
///   `.git/MERGE_HEAD`…, and every edit, creation *and removal* of a file
///   (a `git clean -f`, a conflict resolved in an editor) can too;
/// - the sandbox's folder, not recursively: `work` or the guard removed;
/// - its `origin.git`, recursively, when the scenario has one: a push
///   changes only the remote's refs;
/// - the exercise's own files (a quiz's answer file), non-recursively.
///
/// The watcher must honour creations, writes, renames *and removals*
/// (files and folders, `.git` itself), and may drop events under
/// `objects/` and on `*.lock` files: every git command writes objects and
/// takes locks before the change that matters lands on a ref or the index.
/// A check never writes into any of these (its git runs with
/// GIT_OPTIONAL_LOCKS=0), so it never triggers itself.
pub fn watched_paths(pack: &Pack, exercise: &Exercise, spec: &GitSpec) -> Vec<(PathBuf, bool)> {
    let sandbox = learner_sandbox(pack, exercise);
    let mut paths = vec![(sandbox.work(), true), (sandbox.dir().to_path_buf(), false)];
    let remote = spec
        .load(&pack.root, &exercise.files)
        .map(|s| s.remote)
        .unwrap_or(true);
    if remote {
        paths.push((sandbox.origin(), true));
    }
    paths.extend(exercise.files.iter().map(|f| (pack.path(f), false)));
    paths
}

/// Where the learner works: the `cd` line to their sandbox, and, for a
/// quiz, the answer file they edit (the screen shows only this line).
pub fn workspace_hint(pack: &Pack, exercise: &Exercise, _spec: &GitSpec) -> Option<String> {
    let cd = format!("cd {}", shell_quote(&learner_sandbox(pack, exercise).work()));
    Some(match exercise.files.as_slice() {
        [] => cd,
        files => {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            format!("{cd}  ·  write your answer in {}", names.join(", "))
        }
    })
}

fn learner_sandbox(pack: &Pack, exercise: &Exercise) -> Sandbox {
    Sandbox::for_learner(&pack.state_dir(), &exercise.name)
}

fn load(pack: &Pack, exercise: &Exercise, spec: &GitSpec) -> Result<Scenario> {
    spec.load(&pack.root, &exercise.files).map_err(|problems| {
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the exercise's scenario has problems:\n{}", text.join("\n"))
    })
}

fn check_learner(pack: &Pack, exercise: &Exercise, scenario: &Scenario) -> Result<Outcome> {
    let name = &exercise.name;
    let sandbox = learner_sandbox(pack, exercise);
    let work = sandbox.work();
    let marker = sandbox.read_marker();
    let reset = Detail::Command {
        title: "build the sandbox again, from scratch".into(),
        command: format!("backlings reset {name}"),
    };
    if !work.is_dir() {
        return Ok(match marker {
            Some(_) => Outcome::error(format!(
                "the sandbox {} is gone: run `backlings reset {name}` to build it again",
                work.display()
            ))
            .with(reset),
            None => match sandbox::require_git() {
                Err(err) => error_outcome(&format!("{err:#}")),
                Ok(()) => Outcome::error(format!(
                    "the sandbox of this exercise is not built yet: `backlings run {name}` builds it"
                )),
            },
        });
    }
    // Before anything else: a learner who deleted the guard with `.git`
    // would otherwise reach the pack's repository from their shell.
    if marker.is_some() {
        sandbox.write_guard()?;
    }
    // Checked before any git command: without it, git would look for a
    // repository further up (the ceiling stops it, but the learner needs to
    // hear what happened).
    if !sandbox.git_dir().is_dir() && scenario.init {
        return Ok(Outcome::error(format!(
            "{} has no .git folder any more, so it is not a repository: run `backlings reset {name}` to start over",
            work.display()
        ))
        .with(reset));
    }
    let Some(marker) = marker else {
        return Ok(Outcome::error(format!(
            "the record of how this sandbox was built is missing: run `backlings reset {name}` to build it again"
        ))
        .with(reset));
    };
    sandbox.ensure_home()?;
    let answers = exercise
        .files
        .iter()
        .map(|f| (f.to_string_lossy().into_owned(), pack.path(f)))
        .collect();
    // Without `init`, the learner's own `git init` is the point.
    let reinitialised = scenario.init && sandbox.reinitialised();
    let mut outcome = match judge(&sandbox, scenario, &marker, &answers) {
        Ok(outcome) => outcome,
        Err(err) if err.downcast_ref::<sandbox::GitMissing>().is_some() => {
            return Ok(error_outcome(&err.to_string()));
        }
        Err(err) if reinitialised => Outcome::fail(format!("the checks cannot read it: {err:#}")),
        // A `.git` damaged by hand, say: git cannot read it.
        Err(err) => {
            return Ok(error_outcome(&format!(
                "git could not read the sandbox: {err:#}\nIf the repository is damaged, `backlings reset {name}` builds it again."
            ))
            .with(reset));
        }
    };
    if !outcome.status.passed() && reinitialised {
        outcome = tell_reinitialised(outcome, name);
    }
    if !outcome.status.passed() {
        outcome.push(Detail::Command {
            title: "your sandbox: type git commands there".into(),
            command: format!("cd {}", shell_quote(&work)),
        });
    }
    if marker.scenario != scenario.digest {
        outcome.push(Detail::Text {
            text: format!(
                "This exercise's scenario changed since your sandbox was built; `backlings reset {name}` builds the new one."
            ),
        });
    }
    Ok(outcome)
}

/// The learner deleted the sandbox's `.git` and made a new one: say so
/// first, since it explains every other failure (and `git commit` itself
/// failing, under their own config).
fn tell_reinitialised(outcome: Outcome, name: &str) -> Outcome {
    let mut told = Outcome::fail(format!(
        "this sandbox's repository was made again with `git init`: the one backlings built is gone ({})",
        outcome.message
    ))
    .with(Detail::Text {
        text: "The new repository has none of the sandbox's settings, so your own git configuration applies in it: \
               with `commit.gpgsign = true` and no key, `git commit` fails with \"gpg failed to sign the data\"; \
               another default branch or identity changes what the checks find. The exercise's starting commits are gone too. \
               `backlings reset NAME` builds the sandbox again (what is there now is kept)."
            .replace("NAME", name),
    })
    .with(Detail::Command {
        title: "build the sandbox again, from scratch".into(),
        command: format!("backlings reset {name}"),
    });
    told.details.extend(outcome.details);
    told
}

/// A fresh sandbox in a temp dir; with a solution script, run it there first.
fn check_fresh(
    pack: &Pack,
    exercise: &Exercise,
    scenario: &Scenario,
    solution: Option<&Path>,
) -> Result<Outcome> {
    let tmp = tempfile::Builder::new()
        .prefix("backlings-git-")
        .tempdir()
        .context("creating a temp dir for a fresh sandbox")?;
    let sandbox = Sandbox::inside(tmp.path());
    let marker = match scenario::build(&sandbox, scenario) {
        Ok(marker) => marker,
        Err(err) => return Ok(error_outcome(&format!("setting up the scenario failed: {err:#}"))),
    };
    // `dev check` of a starter also proves the setup deterministic: every
    // learner (and every test) must get the same hashes.
    if solution.is_none()
        && scenario.init
        && let Some(differs) = nondeterministic(&sandbox, scenario)?
    {
        return Ok(differs);
    }
    // The answer files as shipped, copied where a solution script may write.
    let mut answers = BTreeMap::new();
    for file in &exercise.files {
        let text = crate::pristine::starter_text(pack, file)
            .or_else(|| fs::read_to_string(pack.path(file)).ok())
            .unwrap_or_default();
        let copy = tmp.path().join("answers").join(file);
        crate::fsutil::write_atomic(&copy, text.as_bytes())?;
        answers.insert(file.to_string_lossy().into_owned(), copy);
    }
    if let Some(script) = solution
        && let Some(failed) = run_solution(exercise, scenario, &sandbox, script, &answers)?
    {
        return Ok(failed);
    }
    judge(&sandbox, scenario, &marker, &answers)
}

/// Build the scenario a second time and compare every ref (and origin's):
/// `None` when both builds agree, else the error outcome naming the refs.
fn nondeterministic(first: &Sandbox, scenario: &Scenario) -> Result<Option<Outcome>> {
    let tmp = tempfile::Builder::new()
        .prefix("backlings-git-")
        .tempdir()
        .context("creating a temp dir for a second sandbox")?;
    let second = Sandbox::inside(tmp.path());
    scenario::build(&second, scenario)?;
    let refs = |sandbox: &Sandbox| -> Result<String> {
        let mut all = sandbox::run_ok(
            &sandbox
                .git()
                .args(["for-each-ref", "--format=%(refname) %(objectname)"]),
        )?;
        all.push_str(&sandbox::run_ok(&sandbox.git().args(["rev-parse", "HEAD"])).unwrap_or_default());
        if sandbox.origin().join("HEAD").is_file() {
            all.push_str(&sandbox::run_ok(
                &sandbox
                    .git_origin()
                    .args(["for-each-ref", "--format=origin %(refname) %(objectname)"]),
            )?);
        }
        Ok(all)
    };
    let (a, b) = (refs(first)?, refs(&second)?);
    if a == b {
        return Ok(None);
    }
    let differing: Vec<&str> = a
        .lines()
        .filter(|line| !b.lines().any(|other| other == *line))
        .collect();
    Ok(Some(
        error_outcome("the scenario's setup is not deterministic: two builds gave different commits")
            .with(Detail::Mismatch {
                what: "refs of two builds".into(),
                expected: a.trim().to_string(),
                found: b.trim().to_string(),
            })
            .with(Detail::Text {
                text: format!(
                    "Differing: {}. Something in a step depends on the moment or the machine (a raw `git` \
                     step with its own date, a file with the current time): give it fixed values.",
                    differing.join(", ")
                ),
            }),
    ))
}

/// Run a reference solution in the sandbox as a learner would: in the work
/// tree, with the sandbox's own identity, `sh -e` so that a failing command
/// stops it. `Some` outcome when the script itself failed.
fn run_solution(
    exercise: &Exercise,
    scenario: &Scenario,
    sandbox: &Sandbox,
    script: &Path,
    answers: &BTreeMap<String, PathBuf>,
) -> Result<Option<Outcome>> {
    // Commits the script makes get a fixed date too: a repeatable dev check.
    let (_, after_setup) = scenario.dates();
    let mut cmd = sandbox
        .isolated("sh")
        .arg("-e")
        .arg(script)
        .cwd(sandbox.work())
        .env("GIT_AUTHOR_DATE", after_setup.to_string())
        .env("GIT_COMMITTER_DATE", after_setup.to_string())
        .timeout(exercise.timeout)
        .merge_stderr();
    if let Some(first) = exercise.files.first()
        && let Some(copy) = answers.get(first.to_string_lossy().as_ref())
    {
        cmd = cmd.env("ANSWER_FILE", copy);
    }
    let done = sandbox::run(&cmd)?;
    let output = Detail::Output {
        title: "solution script output".into(),
        text: done.stdout.text(),
        truncated_bytes: done.stdout.truncated_bytes,
    };
    Ok(if done.timed_out() {
        Some(Outcome::timeout(exercise.timeout).with(output))
    } else if !done.success() {
        Some(
            Outcome::error(format!(
                "the reference solution {} failed ({})",
                exercise.solution.display(),
                done.describe_exit()
            ))
            .with(output),
        )
    } else {
        None
    })
}

/// Judge every check (not only up to the first failure: the learner sees
/// how far they are) and turn the verdicts into one outcome, what is wrong
/// with the repository as a whole said first.
fn judge(
    sandbox: &Sandbox,
    scenario: &Scenario,
    marker: &Marker,
    answers: &BTreeMap<String, PathBuf>,
) -> Result<Outcome> {
    let commits = &marker.commits;
    let ignore_queries = scenario
        .checks
        .iter()
        .filter_map(|c| match &c.assertion {
            Assertion::Ignored { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    if !sandbox.git_dir().is_dir() {
        return Ok(no_repository_yet(scenario));
    }
    // An answer file that is not one of the exercise's is in the sandbox.
    let mut answers = answers.clone();
    for check in &scenario.checks {
        if let (Assertion::Answer(_), Some(file)) = (&check.assertion, &check.file)
            && !answers.contains_key(file)
        {
            answers.insert(file.clone(), sandbox.work().join(file));
        }
    }
    let answers = &answers;
    let mut repo = Repo::new(sandbox, ignore_queries);
    repo.prefetch(
        scenario
            .checks
            .iter()
            .flat_map(|c| assertions::queries(c, commits)),
    )?;
    let ctx = Context { commits, answers };
    let mut verdicts = Vec::with_capacity(scenario.checks.len());
    for check in &scenario.checks {
        let verdict = assertions::evaluate(check, &mut repo, &ctx).with_context(|| {
            format!(
                "git could not answer the `{}` check ({}:{})",
                check.key,
                scenario.file.display(),
                check.line
            )
        })?;
        verdicts.push((check, verdict));
    }
    let diagnoses = if verdicts.iter().all(|(_, v)| v.passed) {
        Vec::new()
    } else {
        diagnosis::diagnose(&mut repo, &verdicts, marker.setup_reflog)?
    };
    Ok(outcome_of(&verdicts, diagnoses))
}

/// A scenario with `init = false` before the learner's `git init`: every
/// check fails the same way, and the way on is one command.
fn no_repository_yet(scenario: &Scenario) -> Outcome {
    let items = scenario
        .checks
        .iter()
        .map(|c| CheckItem {
            what: c.key.replace('_', " "),
            passed: false,
            expected: None,
            found: Some("no repository yet".into()),
        })
        .collect();
    Outcome::fail("the sandbox is not a repository yet: `git init` makes one")
        .with(Detail::Command {
            title: "make it a repository".into(),
            command: "git init".into(),
        })
        .with(Detail::Checklist {
            title: format!("0 of {} checks pass", scenario.checks.len()),
            items,
        })
}

fn outcome_of(verdicts: &[(&Check, Verdict)], diagnoses: Vec<Diagnosis>) -> Outcome {
    let total = verdicts.len();
    let failed: Vec<&(&Check, Verdict)> = verdicts.iter().filter(|(_, v)| !v.passed).collect();
    let Some((first_check, first)) = failed.first() else {
        return Outcome::pass(format!(
            "the repository is as the exercise asks: {} pass",
            if total == 1 {
                "the check".to_string()
            } else {
                format!("all {total} checks")
            }
        ));
    };
    let message = match (diagnoses.first(), failed.len()) {
        (Some(diagnosis), n) => format!(
            "{} ({} of {total} check{} failing)",
            diagnosis.headline,
            n,
            if total == 1 { "" } else { "s" }
        ),
        (None, 1) => first.message(),
        (None, n) => format!("{} (and {} more failing)", first.message(), n - 1),
    };
    let mut outcome = Outcome::fail(message);
    for diagnosis in diagnoses {
        for detail in diagnosis.details {
            outcome.push(detail);
        }
    }
    // The whole list shows how far the learner is; the first failing check,
    // in full and with the author's explanation, is what to do next.
    let items = verdicts
        .iter()
        .map(|(_, v)| CheckItem {
            what: v.what.clone(),
            passed: v.passed,
            expected: Some(one_line(&v.expected)),
            found: (!v.passed).then(|| v.brief.clone().unwrap_or_else(|| one_line(&v.found))),
        })
        .collect();
    outcome.push(Detail::Checklist {
        title: format!("{} of {total} checks pass", total - failed.len()),
        items,
    });
    outcome.push(first.evidence.clone().unwrap_or_else(|| Detail::Mismatch {
        what: format!("next: {}", first.what),
        expected: first.expected.clone(),
        found: first.found.clone(),
    }));
    if let Some(why) = &first_check.why {
        outcome.push(Detail::Text {
            text: why.trim().to_string(),
        });
    }
    outcome
}

/// A checklist entry stays on one line: a file's content shows as its first
/// line (the full text is in the expected/found panel).
fn one_line(text: &str) -> String {
    match text.split_once('\n') {
        None => text.to_string(),
        Some((first, _)) => format!("{first} …"),
    }
}

/// An error whose first line is the message and the rest (`help:` lines)
/// the details.
fn error_outcome(text: &str) -> Outcome {
    let mut lines = text.lines();
    let mut outcome = Outcome::error(lines.next().unwrap_or_default().trim());
    let rest: Vec<&str> = lines.map(str::trim).collect();
    if !rest.is_empty() {
        outcome.push(Detail::Text {
            text: rest.join("\n"),
        });
    }
    outcome
}

fn scenario_problems(problems: &[crate::pack::Problem]) -> Outcome {
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Outcome::error(format!(
        "the exercise's scenario has {} problem{}: {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.first().map(|p| p.message.clone()).unwrap_or_default()
    ))
    .with(Detail::Output {
        title: "scenario problems".into(),
        text: text.join("\n"),
        truncated_bytes: 0,
    })
}

/// A path a learner can paste into a POSIX shell.
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+".contains(&b))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests;
