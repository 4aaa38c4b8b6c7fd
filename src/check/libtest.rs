//! Running a test harness and reading libtest's verdict: which tests ran,
//! which failed, and whether the starter's tests are all still there.
//! Shared by the kinds whose files are targets of the exercise package: the
//! rust kind, and the http kind for the unit tests beside a server.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Result;
use regex::Regex;

use super::program::{Limits, program_command, tell_leftovers};
use crate::check::Target;
use crate::exercise_package::ExercisePackage;
use crate::outcome::{Detail, Outcome};
use crate::pack::{Exercise, Pack};
use crate::pristine;
use crate::process::Finished;

/// What libtest appends to the name of a `#[should_panic]` test in its lines.
const SHOULD_PANIC: &str = " - should panic";

/// Run a test harness directly, under the time limit, and read its verdict.
/// `expected` names tests the starter has: a learner may add tests, not drop them.
pub fn run_tests(
    package: &ExercisePackage,
    executable: &Path,
    limits: Limits,
    env: &BTreeMap<String, String>,
    expected: &[String],
) -> Result<Outcome> {
    let timeout = limits.time;
    let done = program_command(package, executable, env, limits.memory)
        .args(["--color", "always"])
        .timeout(timeout)
        .merge_stderr()
        .run()?;
    Ok(tell_leftovers(
        judge_tests(package, &done, timeout, expected),
        &done,
    ))
}

fn judge_tests(
    package: &ExercisePackage,
    done: &Finished,
    timeout: Duration,
    expected: &[String],
) -> Outcome {
    let output = package.relocate().panics_in(&done.stdout.text());
    let plain = crate::outcome::plain_text(&output);
    let evidence = Detail::Output {
        title: "test output".into(),
        text: output.clone(),
        truncated_bytes: done.stdout.truncated_bytes,
    };
    if done.timed_out() {
        return Outcome::timeout(timeout).with(evidence);
    }
    let summary = TestSummary::parse(&plain);
    let missing: Vec<&String> = expected
        .iter()
        .filter(|name| {
            !summary
                .ran
                .iter()
                .any(|ran| ran == *name || ran.ends_with(&format!("::{name}")))
        })
        .collect();
    if done.success() {
        if summary.ran.is_empty() {
            return Outcome::fail("no tests ran: this exercise is checked by its tests")
                .with(Detail::Text {
                    text: "Keep the `#[cfg(test)] mod tests` block of the starter; `backlings reset NAME` restores it.".into(),
                })
                .with(evidence);
        }
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            return Outcome::fail(format!("tests of the starter are missing: {}", names.join(", ")))
                .with(Detail::Text {
                    text: "The tests are part of the exercise: you may add tests, not remove or rename them."
                        .into(),
                })
                .with(evidence);
        }
        let n = summary.ran.len();
        return Outcome::pass(format!("{n} test{} passed", if n == 1 { "" } else { "s" })).with(evidence);
    }
    if summary.failed.is_empty() {
        return Outcome::fail(format!("the test program crashed ({})", done.describe_exit())).with(evidence);
    }
    let total = summary.ran.len().max(summary.failed.len());
    Outcome::fail(format!(
        "{} of {total} test{} failed: {}",
        summary.failed.len(),
        if total == 1 { "" } else { "s" },
        summary.failed.join(", ")
    ))
    .with(evidence)
}

#[derive(Debug, Default)]
struct TestSummary {
    ran: Vec<String>,
    failed: Vec<String>,
}

impl TestSummary {
    /// libtest's `test NAME ... VERDICT` lines (`NAME - should panic` for a
    /// `#[should_panic]` test: the name is what comes before).
    fn parse(plain: &str) -> Self {
        let mut summary = TestSummary::default();
        for line in plain.lines() {
            let Some(rest) = line.strip_prefix("test ") else {
                continue;
            };
            let Some((name, verdict)) = rest.rsplit_once(" ... ") else {
                continue;
            };
            let name = name.trim();
            let name = name.strip_suffix(SHOULD_PANIC).unwrap_or(name).to_string();
            match verdict.trim() {
                "ok" => summary.ran.push(name),
                v if v.starts_with("FAILED") => {
                    summary.ran.push(name.clone());
                    summary.failed.push(name);
                }
                _ => {}
            }
        }
        summary
    }
}

/// The tests `target` must still have: a learner may add tests, not drop
/// the starter's (read from its pristine copy); for `dev check`, the starter
/// as it is now, and a solution that keeps every test of its starter (one
/// that dropped them would pass for nothing). Shared by the rust and http kinds.
pub fn expected_tests(pack: &Pack, exercise: &Exercise, target: Target) -> Vec<String> {
    let Some(main) = exercise.files.first() else {
        return Vec::new();
    };
    let text = match target {
        Target::Learner => pristine::starter_text(pack, main),
        Target::Starter | Target::Solution => std::fs::read_to_string(pack.path(main)).ok(),
    };
    text.map(|t| test_names(&t)).unwrap_or_default()
}

pub fn test_names(source: &str) -> Vec<String> {
    static TEST_FN: OnceLock<Regex> = OnceLock::new();
    let re = TEST_FN.get_or_init(|| {
        Regex::new(r"#\[test\]\s*(?:#\[[^\]]*\]\s*)*(?:pub\s+)?(?:async\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)")
            .expect("valid regex")
    });
    re.captures_iter(source).map(|c| c[1].to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_names() {
        let src = "#[test]\nfn a() {}\n#[test]\n#[should_panic]\nfn b_2() {}\nfn helper() {}";
        assert_eq!(test_names(src), vec!["a", "b_2"]);
    }

    #[test]
    fn parses_libtest_output_coloured_by_terminfo() {
        let out = "test tests::a ... \x1b[32mok\x1b[m\x0f\ntest tests::b ... \x1b[31mFAILED\x1b(B\x1b[m\n";
        let s = TestSummary::parse(&crate::outcome::plain_text(out));
        assert_eq!(s.ran, vec!["tests::a", "tests::b"]);
        assert_eq!(s.failed, vec!["tests::b"]);
    }

    #[test]
    fn parses_libtest_output() {
        let out =
            "running 3 tests\ntest tests::a ... ok\ntest tests::b ... FAILED\ntest tests::c ... ignored\n";
        let s = TestSummary::parse(out);
        assert_eq!(s.ran, vec!["tests::a", "tests::b"]);
        assert_eq!(s.failed, vec!["tests::b"]);
    }

    #[test]
    fn should_panic_tests_keep_their_own_names() {
        let out = "test tests::rejects - should panic ... ok\ntest tests::other - should panic ... FAILED\n";
        let s = TestSummary::parse(out);
        assert_eq!(s.ran, vec!["tests::rejects", "tests::other"]);
        assert_eq!(s.failed, vec!["tests::other"]);
    }
}
