//! `backlings dev check`: prove a pack sound, reporting every problem in one run.
//!
//! In order: info.toml as the loader reads it (every problem it finds, and the
//! exercises it could still read go on to the next steps), stray files, the
//! exercise package's targets against info.toml, then every starter must fail
//! and every solution pass (rust solutions clippy-clean too: `rust::judge`),
//! all in one batch
//! (`check::batch`).
//!
//! Exit status: 2 when info.toml has problems (learners could not load the
//! pack), else 1 when anything else is wrong, else 0.

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use console::style;
use serde::Serialize;

use super::finding::{Category, Finding};
use super::{package, stray};
use crate::check::Target;
use crate::check::batch::{self, Job, Manifest, Options};
use crate::outcome::{Outcome, human_duration};
use crate::pack::{Exercise, Pack, Problem};
use crate::view::json::Entry;
use crate::view::progress::{Progress, target_label};
use crate::view::terminal::{Layout, render_detail, terminal_width};

/// Lines of a failing check's evidence shown in the text report.
const EVIDENCE_LINES: usize = 30;

pub fn run(pack_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let root = Pack::locate(pack_dir)?;
    let survey = match Pack::survey(&root, &crate::check::readers()) {
        Ok(survey) => survey,
        Err(unreadable) => {
            let findings: Vec<Finding> = unreadable
                .problems
                .into_iter()
                .map(|p| Finding::new(Category::Info, None, p))
                .collect();
            let report = DevReport::new(Vec::new(), findings, 0, started.elapsed());
            report.show(json);
            return Ok(report.exit_code());
        }
    };
    let pack = survey.pack;
    let mut findings: Vec<Finding> = survey
        .problems
        .into_iter()
        .map(|p| Finding::new(Category::Info, None, p))
        .collect();

    // A name declared twice is one cargo target: check the first only.
    let mut names = HashSet::new();
    let exercises: Vec<&Exercise> = pack
        .exercises
        .iter()
        .filter(|e| names.insert(e.name.as_str()))
        .collect();
    findings.extend(stray::find(&pack));
    let package = package::inspect(&pack, &exercises);
    findings.extend(package.findings.iter().cloned());

    let jobs = plan(&pack, &exercises, &package);
    let manifest = if package.needs_stand_in && !package.unusable {
        package::stand_in(&pack)?
    } else {
        Manifest::of(&pack)
    };
    let progress = Progress::for_stderr(Progress::Lines);
    let outcomes = batch::run(&pack, &jobs, &Options { manifest }, &progress);
    progress.clear();

    let mut checks = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        if job.target == Target::Starter && job.exercise.starter_passes && !outcome.status.passed() {
            findings.push(judgement(job, &outcome, Category::SolutionFails));
        } else if job.target == Target::Starter && !job.exercise.starter_passes && outcome.status.passed() {
            findings.push(judgement(job, &outcome, Category::StarterPasses));
        } else if job.target == Target::Solution && !outcome.status.passed() {
            findings.push(judgement(job, &outcome, Category::SolutionFails));
        }
        checks.push(CheckEntry::new(job, outcome));
    }
    let report = DevReport::new(checks, findings, exercises.len(), started.elapsed());
    report.show(json);
    Ok(report.exit_code())
}

/// The starter and solution checks that can run: a file that is missing, or a
/// target the package lacks, is reported already and its check is left out.
fn plan<'p>(pack: &Pack, exercises: &[&'p Exercise], package: &package::PackageReport) -> Vec<Job<'p>> {
    let mut jobs = Vec::new();
    for &exercise in exercises {
        let cargo = exercise.kind.is_cargo_target();
        let target_ok = |name: String| !cargo || package.sound_targets.contains(&name);
        let starter_ok =
            exercise.files.iter().all(|f| pack.path(f).is_file()) && target_ok(exercise.name.clone());
        let solution_ok =
            pack.path(&exercise.solution).is_file() && target_ok(format!("{}_sol", exercise.name));
        if starter_ok {
            jobs.push(Job {
                exercise,
                target: Target::Starter,
            });
        }
        if solution_ok {
            jobs.push(Job {
                exercise,
                target: Target::Solution,
            });
        }
    }
    jobs
}

/// A finding for a check whose verdict is the wrong one.
fn judgement(job: &Job<'_>, outcome: &Outcome, category: Category) -> Finding {
    let exercise = job.exercise;
    let (file, message, help) = match category {
        Category::StarterPasses => (
            exercise.files.first().cloned().unwrap_or_default(),
            format!(
                "the starter of `{}` already passes ({})",
                exercise.name, outcome.message
            ),
            "the learner would have nothing to do: leave the part to write undone (a `todo!()`, a missing clause)",
        ),
        _ if job.target == Target::Starter => (
            exercise.files.first().cloned().unwrap_or_default(),
            format!(
                "the starter of `{}` is marked `starter_passes = true` but does not pass: {}",
                exercise.name, outcome.message
            ),
            "a reading exercise must pass as shipped: fix the starter, or drop `starter_passes`",
        ),
        _ => (
            exercise.solution.clone(),
            format!(
                "the solution of `{}` does not pass: {}",
                exercise.name, outcome.message
            ),
            "fix the reference solution (the evidence is below)",
        ),
    };
    Finding::new(
        category,
        Some(exercise.name.clone()),
        Problem::in_file(&file, message).help(help),
    )
}

/// One starter or solution check, as `--json` shows it: the fields of
/// `backlings check --json` plus which version was checked and whether its
/// verdict is the one a sound pack gives.
#[derive(Serialize)]
struct CheckEntry {
    #[serde(flatten)]
    entry: Entry,
    /// `starter` or `solution`.
    target: &'static str,
    /// The verdict a sound pack gives: `fail` for a starter, `pass` for a solution.
    expected: &'static str,
    /// Whether the verdict is the expected one (and, for a rust solution, clippy-clean).
    sound: bool,
    #[serde(skip)]
    outcome: Outcome,
}

impl CheckEntry {
    fn new(job: &Job<'_>, outcome: Outcome) -> Self {
        let should_pass = job.target == Target::Solution || job.exercise.starter_passes;
        CheckEntry {
            entry: Entry::new(job.exercise, &outcome),
            target: target_label(job.target),
            expected: if should_pass { "pass" } else { "fail" },
            sound: outcome.status.passed() == should_pass,
            outcome,
        }
    }
}

/// The `--json` document of `dev check`.
#[derive(Serialize)]
struct DevReport {
    exercises: Vec<CheckEntry>,
    problems: Vec<Finding>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    /// Exercises read from info.toml (a name declared twice counts once).
    exercises: usize,
    /// Starter and solution checks run.
    checks: usize,
    /// Checks whose verdict is not the expected one.
    unsound: usize,
    problems: usize,
    /// False when info.toml has problems: learners could not use the pack.
    pack_loads: bool,
    duration_ms: u64,
}

impl DevReport {
    fn new(exercises: Vec<CheckEntry>, problems: Vec<Finding>, count: usize, took: Duration) -> Self {
        let summary = Summary {
            exercises: count,
            checks: exercises.len(),
            unsound: exercises.iter().filter(|e| !e.sound).count(),
            problems: problems.len(),
            pack_loads: !problems.iter().any(|p| p.category.blocks_loading()),
            duration_ms: took.as_millis() as u64,
        };
        DevReport {
            exercises,
            problems,
            summary,
        }
    }

    fn exit_code(&self) -> ExitCode {
        if !self.summary.pack_loads {
            ExitCode::from(crate::EXIT_BAD_INPUT)
        } else if self.summary.problems > 0 {
            ExitCode::from(crate::EXIT_FAILED)
        } else {
            ExitCode::SUCCESS
        }
    }

    fn show(&self, json: bool) {
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(self).expect("a report always serialises")
            );
        } else {
            print!("{}", self.render(terminal_width()));
        }
    }

    fn render(&self, width: usize) -> String {
        let layout = Layout {
            width,
            max_output_lines: Some(EVIDENCE_LINES),
        };
        let mut out = String::new();
        for finding in &self.problems {
            out.push_str(&format!(
                "{} {}: {}\n",
                style("error:").red().bold(),
                style(finding.location()).bold(),
                finding.message
            ));
            if let Some(help) = &finding.help {
                let help = help.trim_end().replace('\n', "\n        ");
                out.push_str(&format!("  {} {help}\n", style("help:").cyan()));
            }
            if let Some(check) = self.evidence_for(finding) {
                for detail in &check.outcome.details {
                    out.push('\n');
                    out.push_str(&render_detail(detail, layout));
                }
            }
            out.push('\n');
        }
        let s = &self.summary;
        let took = human_duration(Duration::from_millis(s.duration_ms));
        if s.problems == 0 {
            out.push_str(&format!(
                "{} {} exercises, {} checks, in {took}: every starter fails, every solution passes\n",
                style("The pack is sound:").green().bold(),
                s.exercises,
                s.checks
            ));
        } else {
            let loads = if s.pack_loads {
                String::new()
            } else {
                " (info.toml has problems: learners cannot load this pack)".to_string()
            };
            out.push_str(&format!(
                "{} {} problem{}{loads}; {} exercises, {} checks, in {took}\n",
                style("dev check found").red().bold(),
                s.problems,
                if s.problems == 1 { "" } else { "s" },
                s.exercises,
                s.checks
            ));
        }
        out
    }

    /// The check behind a finding about a starter or a solution.
    fn evidence_for(&self, finding: &Finding) -> Option<&CheckEntry> {
        let target = match finding.category {
            Category::StarterPasses => "starter",
            Category::SolutionFails => "solution",
            _ => return None,
        };
        let name = finding.exercise.as_deref()?;
        self.exercises
            .iter()
            .find(|c| c.target == target && c.entry.name == name)
            .filter(|c| !c.outcome.status.passed())
    }
}
