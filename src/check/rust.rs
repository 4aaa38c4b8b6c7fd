//! The `rust` kind: the learner's file is a bin target of the exercise package.
//! It passes when it compiles and its tests pass (mode `test`, the default), or
//! when it runs and exits 0 (mode `run`). Optional strict clippy.
//!
//! Building and running are split: cargo builds the test executable (no time
//! limit beyond a generous one — a cold build of the dependencies takes a
//! while), then the executable runs directly under the exercise's time limit.
//! `dev check` uses the same two halves to build every target in one cargo call.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use regex::Regex;
use serde::Deserialize;

use super::Target;
use crate::outcome::{Detail, Outcome, Status};
use crate::pack::{Exercise, Pack, SpecContext};
use crate::pristine;
use crate::process::{Cmd, Finished};

/// A cold build of the exercise package's dependencies can take minutes on a
/// small machine; this only stops a cargo that hangs.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(20 * 60);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RustSpec {
    #[serde(default)]
    pub mode: Mode,
    /// Also require `cargo clippy -- -D warnings` to be clean.
    #[serde(default)]
    pub clippy: bool,
    /// Extra environment for the learner's program (e.g. `RUST_BACKTRACE`).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Build the file's tests and run them.
    #[default]
    Test,
    /// Build the program and run it; exit 0 passes.
    Run,
}

impl RustSpec {
    pub fn validate(&self, _ctx: &mut SpecContext<'_>) {}
}

/// The cargo target name of an exercise, or of its reference solution.
pub fn target_name(exercise: &Exercise, target: Target) -> String {
    match target {
        Target::Solution => format!("{}_sol", exercise.name),
        Target::Learner | Target::Starter => exercise.name.clone(),
    }
}

pub fn check(pack: &Pack, exercise: &Exercise, spec: &RustSpec, target: Target) -> Result<Outcome> {
    let name = target_name(exercise, target);
    let tests = spec.mode == Mode::Test;
    let build = build(pack, Selection::One(&name), tests)?;
    judge(pack, exercise, spec, target, &build, None)
}

/// Which build of the exercise package an exercise's check needs: the test
/// harness (mode `test`) or the program (mode `run`).
pub fn needs_tests(spec: &RustSpec) -> bool {
    spec.mode == Mode::Test
}

/// Whether a check of `target` requires strict clippy: when the exercise asks
/// for it, and always for a reference solution, which every learner who passes
/// reads.
pub fn wants_clippy(spec: &RustSpec, target: Target) -> bool {
    spec.clippy || target == Target::Solution
}

/// Judge one target from a build that already happened (one target's own, or
/// the whole package's in a batch). `lints`: clippy already run over the
/// batch's targets ([`clippy_targets`]); without it, clippy runs on the one
/// target when it is wanted ([`wants_clippy`]).
pub fn judge(
    pack: &Pack,
    exercise: &Exercise,
    spec: &RustSpec,
    target: Target,
    build: &BuildReport,
    lints: Option<&LintReport>,
) -> Result<Outcome> {
    let name = target_name(exercise, target);
    let executable = match build.result(&name) {
        Ok(exe) => exe,
        Err(failed) => return Ok(failed),
    };
    let mut outcome = if needs_tests(spec) {
        let expected = expected_tests(pack, exercise, target);
        run_tests(pack, &executable, exercise.timeout, &spec.env, &expected)?
    } else {
        run_program(pack, &executable, exercise.timeout, &spec.env)?
    };
    if outcome.status.passed() && wants_clippy(spec, target) {
        let verdict = match lints {
            Some(report) => report.verdict(&name),
            None => clippy(pack, &name)?,
        };
        if let Some(lints) = verdict {
            outcome = lints;
        }
    }
    if !build.warnings(&name).is_empty() && outcome.status.passed() {
        outcome.push(Detail::Output {
            title: "compiler warnings".into(),
            text: build.warnings(&name),
            truncated_bytes: 0,
        });
    }
    Ok(outcome)
}

/// What one cargo build of some targets produced.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Target name → its executable (the test harness in test mode).
    pub executables: HashMap<String, PathBuf>,
    /// Target name → rendered compiler errors.
    pub errors: HashMap<String, Vec<Diagnostic>>,
    warnings: HashMap<String, Vec<String>>,
    /// cargo's own complaints (a bad manifest, an unknown target, no network).
    pub cargo_stderr: String,
    pub success: bool,
    pub timed_out: bool,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rendered: String,
    /// `error[E0308]: mismatched types`
    pub headline: String,
    /// `fundamentals/x.rs:12:5`
    pub location: Option<String>,
}

impl BuildReport {
    /// A build that could not even start (no cargo): every target reports `why`.
    pub fn not_started(why: String) -> Self {
        BuildReport {
            cargo_stderr: why,
            ..Default::default()
        }
    }

    /// The executable of `name`, or the outcome that explains why there is none.
    pub fn result(&self, name: &str) -> std::result::Result<PathBuf, Outcome> {
        if let Some(exe) = self.executables.get(name) {
            return Ok(exe.clone());
        }
        if self.timed_out {
            return Err(Outcome::error(format!(
                "cargo did not finish building within {} minutes",
                BUILD_TIMEOUT.as_secs() / 60
            )));
        }
        if let Some(errors) = self.errors.get(name).filter(|e| !e.is_empty()) {
            let first = &errors[0];
            let place = first
                .location
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let more = match errors.len() {
                1 => String::new(),
                n => format!(", and {} more error{}", n - 1, if n == 2 { "" } else { "s" }),
            };
            let text = errors
                .iter()
                .map(|e| e.rendered.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            return Err(
                Outcome::fail(format!("does not compile: {}{place}{more}", first.headline)).with(
                    Detail::Output {
                        title: "compiler output".into(),
                        text,
                        truncated_bytes: 0,
                    },
                ),
            );
        }
        let evidence = Detail::Output {
            title: "cargo".into(),
            text: self.cargo_stderr.clone(),
            truncated_bytes: 0,
        };
        // A deleted exercise file makes cargo refuse the whole package: say
        // which file, and how to get it back.
        if let Some((missing, path)) = missing_target(&self.cargo_stderr) {
            let exercise = missing.trim_end_matches("_sol");
            return Err(Outcome::error(format!(
                "the exercise package lacks {path}, so cargo builds nothing: \
                 `backlings reset {exercise}` brings it back"
            ))
            .with(evidence));
        }
        Err(Outcome::error(format!("cargo could not build `{name}`")).with(evidence))
    }

    pub fn warnings(&self, name: &str) -> String {
        self.warnings.get(name).map(|w| w.join("\n")).unwrap_or_default()
    }
}

/// cargo's "can't find `NAME` bin at `PATH`": the target and its path.
fn missing_target(cargo_stderr: &str) -> Option<(String, String)> {
    static CANT_FIND: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    // Cargo has worded it both ways.
    let re = CANT_FIND.get_or_init(|| {
        Regex::new(r"can't find (?:`([^`]+)` bin|bin `([^`]+)`) at (?:path )?`([^`]+)`").expect("valid regex")
    });
    let caps = re.captures(cargo_stderr)?;
    let name = caps.get(1).or(caps.get(2))?.as_str().to_string();
    let path = &caps[3];
    let path = match path.rfind("/exercises/") {
        Some(at) => path[at + 1..].to_string(),
        None => format!("exercises/{path}"),
    };
    Some((name, path))
}

/// Which targets of the exercise package to build.
#[derive(Clone, Copy, Debug)]
pub enum Selection<'a> {
    One(&'a str),
    /// Every bin, in one cargo invocation, `--keep-going` so that one broken
    /// target does not hide the others (`dev check`, `check`).
    All,
}

/// Build targets of the exercise package in one cargo invocation. With
/// `tests`, the test harnesses; without, the programs.
pub fn build(pack: &Pack, selection: Selection<'_>, tests: bool) -> Result<BuildReport> {
    build_in(&pack.exercise_manifest(), &target_dir(pack), selection, tests)
}

/// The exercise package's target dir: always its own, whatever
/// `CARGO_TARGET_DIR` the learner's shell sets, so that two packs (or a pack
/// and the fixtures of a test) never share executables of the same name.
pub fn target_dir(pack: &Pack) -> PathBuf {
    pack.root.join("exercises").join("target")
}

/// [`build`] for a given manifest and target dir (`dev check` builds a
/// stand-in manifest into the pack's target dir when some targets' files are
/// missing).
pub fn build_in(
    manifest: &Path,
    target_dir: &Path,
    selection: Selection<'_>,
    tests: bool,
) -> Result<BuildReport> {
    let mut cmd = Cmd::new("cargo");
    cmd = match (selection, tests) {
        (Selection::One(name), true) => cmd.args(["test", "--no-run", "--bin", name]),
        (Selection::One(name), false) => cmd.args(["build", "--bin", name]),
        (Selection::All, true) => cmd.args(["build", "--tests", "--keep-going"]),
        (Selection::All, false) => cmd.args(["build", "--bins", "--keep-going"]),
    };
    cmd = cmd
        .arg("--manifest-path")
        .arg(manifest)
        .args(["--message-format=json-diagnostic-rendered-ansi", "--quiet"])
        .timeout(BUILD_TIMEOUT)
        .output_cap(64 * 1024 * 1024)
        .env("CARGO_TERM_COLOR", "always")
        .env("CARGO_TARGET_DIR", target_dir);
    let done = cmd.run()?;
    Ok(parse_build(&done, tests))
}

fn parse_build(done: &Finished, tests: bool) -> BuildReport {
    let mut report = BuildReport {
        cargo_stderr: done.stderr.text(),
        timed_out: done.timed_out(),
        ..Default::default()
    };
    for line in done.stdout.text().lines() {
        let Ok(msg) = serde_json::from_str::<CargoMessage>(line) else {
            continue;
        };
        match msg.reason.as_str() {
            "compiler-artifact" => {
                let (Some(target), Some(exe)) = (msg.target, msg.executable) else {
                    continue;
                };
                let is_test = msg.profile.is_some_and(|p| p.test);
                if is_test == tests && target.kind.iter().any(|k| k == "bin") {
                    report.executables.insert(target.name, exe);
                }
            }
            "compiler-message" => {
                let (Some(target), Some(message)) = (msg.target, msg.message) else {
                    continue;
                };
                let Some(rendered) = message.rendered.clone() else {
                    continue;
                };
                match message.level.as_str() {
                    "error" | "error: internal compiler error" => {
                        let location = message
                            .spans
                            .iter()
                            .find(|s| s.is_primary)
                            .map(|s| format!("{}:{}:{}", s.file_name, s.line_start, s.column_start));
                        let headline = match &message.code {
                            Some(code) => format!("error[{}]: {}", code.code, message.message),
                            None => format!("error: {}", message.message),
                        };
                        report.errors.entry(target.name).or_default().push(Diagnostic {
                            rendered,
                            headline,
                            location,
                        });
                    }
                    "warning" => report.warnings.entry(target.name).or_default().push(rendered),
                    _ => {}
                }
            }
            "build-finished" => report.success = msg.success.unwrap_or(false),
            _ => {}
        }
    }
    // Errors that only say "aborting due to N previous errors" add nothing.
    for errors in report.errors.values_mut() {
        errors.retain(|e| !e.headline.contains("aborting due to"));
    }
    report
}

#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    target: Option<CargoTarget>,
    profile: Option<CargoProfile>,
    executable: Option<PathBuf>,
    message: Option<CompilerMessage>,
    success: Option<bool>,
}

#[derive(Deserialize)]
struct CargoTarget {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct CargoProfile {
    test: bool,
}

#[derive(Deserialize)]
struct CompilerMessage {
    message: String,
    level: String,
    rendered: Option<String>,
    code: Option<CompilerCode>,
    #[serde(default)]
    spans: Vec<CompilerSpan>,
}

#[derive(Deserialize)]
struct CompilerCode {
    code: String,
}

#[derive(Deserialize)]
struct CompilerSpan {
    file_name: String,
    line_start: usize,
    column_start: usize,
    is_primary: bool,
}

fn program_env(pack: &Pack, cmd: Cmd, env: &BTreeMap<String, String>) -> Cmd {
    // No backtraces unless the exercise asks for them (its `env`): a verdict
    // must not depend on the learner's shell, and a panicking test that prints
    // a backtrace takes ~100 ms instead of ~2 ms to finish.
    let mut cmd = cmd
        .cwd(pack.root.join("exercises"))
        .env("BACKLINGS_SEED", super::seed().to_string())
        .env("RUST_BACKTRACE", "0")
        .memory_limit(crate::process::DEFAULT_MEMORY_LIMIT);
    for (key, value) in env {
        cmd = cmd.env(key, value);
    }
    cmd
}

/// Run a test harness directly, under the time limit, and read its verdict.
/// `expected` names tests the starter has: a learner may add tests, not drop them.
pub fn run_tests(
    pack: &Pack,
    executable: &Path,
    timeout: Duration,
    env: &BTreeMap<String, String>,
    expected: &[String],
) -> Result<Outcome> {
    let cmd = program_env(pack, Cmd::new(executable).args(["--color", "always"]), env)
        .timeout(timeout)
        .merge_stderr();
    let done = cmd.run()?;
    Ok(tell_leftovers(judge_tests(&done, timeout, expected), &done))
}

/// "your program left 2 processes running; they were stopped".
fn tell_leftovers(outcome: Outcome, done: &Finished) -> Outcome {
    match done.leftovers_message() {
        Some(text) => outcome.with(Detail::Text { text }),
        None => outcome,
    }
}

fn judge_tests(done: &Finished, timeout: Duration, expected: &[String]) -> Outcome {
    let output = done.stdout.text();
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
    fn parse(plain: &str) -> Self {
        let mut summary = TestSummary::default();
        for line in plain.lines() {
            let Some(rest) = line.strip_prefix("test ") else {
                continue;
            };
            let Some((name, verdict)) = rest.rsplit_once(" ... ") else {
                continue;
            };
            let name = name.trim().to_string();
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
    static TEST_FN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = TEST_FN.get_or_init(|| {
        Regex::new(r"#\[test\]\s*(?:#\[[^\]]*\]\s*)*(?:pub\s+)?(?:async\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)")
            .expect("valid regex")
    });
    re.captures_iter(source).map(|c| c[1].to_string()).collect()
}

/// Run a program and require exit 0.
pub fn run_program(
    pack: &Pack,
    executable: &Path,
    timeout: Duration,
    env: &BTreeMap<String, String>,
) -> Result<Outcome> {
    let done = program_env(pack, Cmd::new(executable), env)
        .timeout(timeout)
        .merge_stderr()
        .run()?;
    let evidence = Detail::Output {
        title: "program output".into(),
        text: done.stdout.text(),
        truncated_bytes: done.stdout.truncated_bytes,
    };
    let outcome = if done.timed_out() {
        Outcome::timeout(timeout).with(evidence)
    } else if done.success() {
        Outcome::pass("the program ran and exited with code 0").with(evidence)
    } else {
        Outcome::fail(format!("the program failed ({})", done.describe_exit())).with(evidence)
    };
    Ok(tell_leftovers(outcome, &done))
}

/// Strict clippy on one target: `None` when clean, else the failing outcome.
pub fn clippy(pack: &Pack, name: &str) -> Result<Option<Outcome>> {
    let done = Cmd::new("cargo")
        .arg("clippy")
        .arg("--manifest-path")
        .arg(pack.exercise_manifest())
        .args([
            "--quiet", "--color", "always", "--bin", name, "--", "-D", "warnings",
        ])
        .env("CARGO_TARGET_DIR", target_dir(pack))
        .timeout(BUILD_TIMEOUT)
        .run()?;
    if done.success() {
        return Ok(None);
    }
    let text = done.stderr.text();
    if text.contains("no such command") || text.contains("is not installed") {
        return Ok(Some(Outcome::new(
            Status::Error,
            "this exercise asks for clippy, which is not installed (`rustup component add clippy`)",
        )));
    }
    Ok(Some(
        Outcome::fail("the tests pass, but clippy has warnings this exercise does not allow").with(
            Detail::Output {
                title: "cargo clippy -- -D warnings".into(),
                text,
                truncated_bytes: done.stderr.truncated_bytes,
            },
        ),
    ))
}

/// Strict clippy (`-D warnings`) over some bins of the exercise package in one
/// cargo call, its findings mapped back to their targets.
#[derive(Debug, Default)]
pub struct LintReport {
    /// Target name → rendered lints (and compile errors) under `-D warnings`.
    by_target: HashMap<String, Vec<String>>,
    /// Set when clippy could not run at all (not installed, bad manifest).
    pub unavailable: Option<String>,
}

impl LintReport {
    pub fn not_run(why: String) -> Self {
        LintReport {
            unavailable: Some(why),
            ..Default::default()
        }
    }

    /// `None` when `name` is clean, else the failing outcome.
    pub fn verdict(&self, name: &str) -> Option<Outcome> {
        if let Some(why) = &self.unavailable {
            return Some(Outcome::error(why.clone()));
        }
        let lints = self.by_target.get(name).filter(|l| !l.is_empty())?;
        Some(
            Outcome::fail(format!(
                "the tests pass, but clippy -D warnings finds {} problem{}",
                lints.len(),
                if lints.len() == 1 { "" } else { "s" }
            ))
            .with(Detail::Output {
                title: "cargo clippy -- -D warnings".into(),
                text: lints.join("\n"),
                truncated_bytes: 0,
            }),
        )
    }
}

/// Lint `targets` of the package at `manifest`, built into `target_dir`.
pub fn clippy_targets(manifest: &Path, target_dir: &Path, targets: &[String]) -> Result<LintReport> {
    let mut cmd = Cmd::new("cargo").args(["clippy", "--keep-going"]);
    for target in targets {
        cmd = cmd.arg("--bin").arg(target);
    }
    cmd = cmd
        .arg("--manifest-path")
        .arg(manifest)
        .args([
            "--message-format=json-diagnostic-rendered-ansi",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .env("CARGO_TERM_COLOR", "always")
        .env("CARGO_TARGET_DIR", target_dir)
        .timeout(BUILD_TIMEOUT)
        .output_cap(64 * 1024 * 1024);
    let done = cmd.run()?;
    let stderr = done.stderr.text();
    if stderr.contains("no such command") || stderr.contains("is not installed") {
        return Ok(LintReport::not_run(
            "clippy is not installed, so nothing could be linted (`rustup component add clippy`)".into(),
        ));
    }
    let mut report = LintReport::default();
    let mut any_message = false;
    for line in done.stdout.text().lines() {
        let Ok(msg) = serde_json::from_str::<CargoMessage>(line) else {
            continue;
        };
        if msg.reason != "compiler-message" {
            continue;
        }
        let (Some(target), Some(message)) = (msg.target, msg.message) else {
            continue;
        };
        any_message = true;
        if message.message.contains("aborting due to") || !message.level.starts_with("error") {
            continue;
        }
        if let Some(rendered) = message.rendered {
            report.by_target.entry(target.name).or_default().push(rendered);
        }
    }
    if !done.success() && !any_message {
        report.unavailable = Some(format!(
            "cargo clippy failed before linting anything: {}",
            stderr.trim()
        ));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_file_cargo_cannot_find() {
        let stderr = "error: failed to parse manifest\n\nCaused by:\n  can't find `add` bin at `basics/add.rs` or `src/bin/add.rs`.";
        assert_eq!(
            missing_target(stderr),
            Some(("add".into(), "exercises/basics/add.rs".into()))
        );
        let newer = "error: can't find bin `add` at path `/tmp/p/exercises/basics/add.rs`";
        assert_eq!(
            missing_target(newer),
            Some(("add".into(), "exercises/basics/add.rs".into()))
        );
        assert_eq!(missing_target("error: something else"), None);
    }

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
}
