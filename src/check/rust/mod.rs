//! The `rust` kind: the learner's file is a bin target of the exercise
//! package. It passes when it compiles and its tests pass (mode `test`, the
//! default; with `run_main`, its `main` must also run and exit 0), or when it
//! runs and exits 0 (mode `run`). Either way no `todo!()` or
//! `unimplemented!()` may be left in it, and with `clippy = true` clippy must
//! find nothing.
//!
//! Building and running are split: cargo builds the target (no time limit
//! beyond a generous one — a cold build of the dependencies takes a while),
//! then the executable runs directly under the exercise's time limit. A batch
//! (`check`, `dev check`) builds every target it needs at once and hands the
//! builds in ([`Builds`]); a single check builds its own target.
//! What cargo is asked, and how, is the exercise package's business
//! ([`crate::exercise_package`]).

pub mod kind;
mod leftovers;

use super::libtest::{expected_tests, run_tests};

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Deserialize;

use super::Target;
use super::program::{Limits, Ran, run_program};
use super::target_name;

use crate::exercise_package::{self, BuildReport, ExercisePackage, Form, LintReport};
use crate::outcome::{Detail, Excerpt, Outcome};
use crate::pack::{Exercise, Pack, SpecContext};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RustSpec {
    #[serde(default)]
    pub mode: Mode,
    /// Also require clippy to find nothing (not even a warning).
    #[serde(default)]
    pub clippy: bool,
    /// Mode `test`: `main` must also run and exit 0 (a pack whose mains are
    /// part of the exercise, as rustlings'). Off by default: most mains are
    /// demos, and running them would cost a second build of every target.
    #[serde(default)]
    pub run_main: bool,
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

    /// The forms of its target a check builds: the harness for the tests, the
    /// program for `main`.
    pub fn forms(&self) -> Vec<Form> {
        match (self.mode, self.run_main) {
            (Mode::Test, false) => vec![Form::Harness],
            (Mode::Test, true) => vec![Form::Harness, Form::Program],
            (Mode::Run, _) => vec![Form::Program],
        }
    }
}

/// Whether a check of `target` requires clippy to be clean: when the
/// exercise asks for it, and always for a reference solution, which every
/// learner who passes reads.
pub fn wants_clippy(spec: &RustSpec, target: Target) -> bool {
    spec.clippy || target == Target::Solution
}

/// Builds a batch already made (see [`crate::check::batch`]); what is `None`
/// and needed, the check builds for its own target.
#[derive(Default, Clone, Copy)]
pub struct Builds<'a> {
    pub harnesses: Option<&'a BuildReport>,
    pub programs: Option<&'a BuildReport>,
    pub lints: Option<&'a LintReport>,
}

pub fn check(pack: &Pack, exercise: &Exercise, spec: &RustSpec, target: Target) -> Result<Outcome> {
    check_with(pack, exercise, spec, target, &Builds::default())
}

pub fn check_with(
    pack: &Pack,
    exercise: &Exercise,
    spec: &RustSpec,
    target: Target,
    builds: &Builds<'_>,
) -> Result<Outcome> {
    let package = ExercisePackage::in_pack(&pack.root);
    let name = target_name(exercise, target);
    let forms = spec.forms();
    let mut own = Vec::new();
    for form in &forms {
        let prebuilt = match form {
            Form::Harness => builds.harnesses,
            Form::Program => builds.programs,
        };
        if prebuilt.is_none() {
            own.push((*form, package.build_one(&name, *form)?));
        }
    }
    let build_of = |form: Form| -> &BuildReport {
        let prebuilt = match form {
            Form::Harness => builds.harnesses,
            Form::Program => builds.programs,
        };
        prebuilt.unwrap_or_else(|| &own.iter().find(|(f, _)| *f == form).expect("built above").1)
    };
    let mut executables = Vec::new();
    for form in &forms {
        match build_of(*form).result(&name) {
            Ok(exe) => executables.push(exe),
            Err(failed) => return Ok(failed),
        }
    }
    let passed_what = if spec.mode == Mode::Test {
        "the tests pass"
    } else {
        "the program runs"
    };
    let mut outcome = match spec.mode {
        Mode::Test => {
            let expected = expected_tests(pack, exercise, target);
            let tests = run_tests(
                &package,
                &executables[0],
                Limits::of(exercise),
                &spec.env,
                &expected,
            )?;
            match executables.get(1) {
                Some(program) if tests.status.passed() => {
                    match run_program(&package, program, Limits::of(exercise), &spec.env)? {
                        Ran::Passed(_) => tests,
                        Ran::Failed { mut outcome, panic } => {
                            outcome.message = match panic {
                                Some(panic) => format!("the tests pass, but `main` {}", panic.describe()),
                                None => format!(
                                    "the tests pass, but {}",
                                    outcome.message.replacen("the program", "`main`", 1)
                                ),
                            };
                            outcome
                        }
                    }
                }
                _ => tests,
            }
        }
        Mode::Run => match run_program(&package, &executables[0], Limits::of(exercise), &spec.env)? {
            Ran::Passed(outcome) | Ran::Failed { outcome, .. } => outcome,
        },
    };
    if outcome.status.passed()
        && let Some(leftovers) = leftover_placeholders(pack, &package, exercise, target)
    {
        outcome = leftovers;
    }
    let mut lints_shown = false;
    if wants_clippy(spec, target) {
        let own_lints;
        let lints = match builds.lints {
            Some(lints) => lints,
            None => {
                own_lints = package.clippy([name.as_str()])?;
                &own_lints
            }
        };
        lints_shown = judge_lints(&mut outcome, lints, &name, passed_what);
    }
    if !lints_shown {
        let warnings: Vec<String> = forms
            .iter()
            .map(|f| build_of(*f).warnings(&name))
            .filter(|w| !w.is_empty())
            .collect();
        // Both forms compile the same file: its warnings once.
        if let Some(warnings) = warnings.into_iter().next() {
            outcome.push(Detail::Output {
                title: "compiler warnings".into(),
                text: warnings,
                truncated_bytes: 0,
            });
        }
    }
    Ok(outcome)
}

/// A strict exercise's clippy verdict on `outcome`: a passing check fails on
/// any finding; a failing one shows them too, since they are the exercise's
/// point. Returns whether findings were shown.
fn judge_lints(outcome: &mut Outcome, lints: &LintReport, name: &str, passed_what: &str) -> bool {
    if let Some(why) = &lints.unavailable {
        if outcome.status.passed() {
            *outcome = Outcome::error(why.clone());
        } else {
            outcome.push(Detail::Text { text: why.clone() });
        }
        return false;
    }
    let findings = lints.findings(name);
    if findings.is_empty() {
        return false;
    }
    let n = findings.len();
    let problems = format!("{n} problem{}", if n == 1 { "" } else { "s" });
    let detail = Detail::Output {
        title: "cargo clippy (this exercise must be clippy-clean)".into(),
        text: findings.join("\n"),
        truncated_bytes: 0,
    };
    if outcome.status.passed() {
        *outcome = Outcome::fail(format!(
            "{passed_what}, but clippy finds {problems} this exercise does not allow"
        ))
        .with(detail);
    } else {
        outcome.push(detail);
    }
    true
}

/// A failure naming every `todo!()`/`unimplemented!()` left in the target's
/// file, or `None` when there is none.
fn leftover_placeholders(
    pack: &Pack,
    package: &ExercisePackage,
    exercise: &Exercise,
    target: Target,
) -> Option<Outcome> {
    let file = match target {
        Target::Solution => exercise.solution.clone(),
        Target::Learner | Target::Starter => exercise.files.first()?.clone(),
    };
    let source = std::fs::read_to_string(pack.path(&file)).ok()?;
    let found = leftovers::find(&source);
    let first = found.first()?;
    let shown = package.relocate().file(&exercise_package::bin_path(&file));
    let mut outcome = Outcome::fail(format!(
        "the checks pass, but `{}()` is left at {shown}:{}:{}: finish that code",
        first.macro_name, first.line, first.column
    ));
    let lines: Vec<&str> = source.lines().collect();
    for leftover in &found {
        outcome.push(Detail::Excerpt(Excerpt {
            file: shown.clone(),
            line: leftover.line,
            column: leftover.column,
            text: lines
                .get(leftover.line - 1)
                .copied()
                .unwrap_or_default()
                .to_string(),
            message: format!(
                "`{}()` left here: the tests do not reach it, but it is not done",
                leftover.macro_name
            ),
        }));
    }
    Some(outcome)
}
