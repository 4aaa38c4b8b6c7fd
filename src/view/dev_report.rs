//! The report of `backlings dev check`, as text and as its `--json` document:
//! what the pack's problems are (findings), and each starter and solution check.

use std::process::ExitCode;
use std::time::Duration;

use console::style;
use serde::Serialize;

use super::json::Entry;
use super::progress::target_label;
use super::terminal::{Layout, render_detail};
use crate::check::Target;
use crate::outcome::{Outcome, Status, human_duration};
use crate::pack::{Exercise, Problem};

/// Lines of a failing check's evidence shown in the text report.
const EVIDENCE_LINES: usize = 30;

/// What a finding is about; also its `category` in `--json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// info.toml as the loader reads it (schema, references, names, stages, hints).
    Info,
    /// A file under exercises/ or solutions/ that no exercise uses.
    StrayFile,
    /// exercises/Cargo.toml against info.toml.
    Package,
    /// A starter that already passes: the learner would have nothing to do.
    StarterPasses,
    /// A starter that cannot be judged (an error, not a failure): the pack's
    /// problem, e.g. a git scenario whose setup is not deterministic.
    StarterErrors,
    /// A reference solution that does not pass (rust: or is not clippy-clean).
    SolutionFails,
}

impl Category {
    /// Problems of info.toml itself make the pack unusable for learners.
    pub fn blocks_loading(self) -> bool {
        self == Category::Info
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub category: Category,
    /// The exercise it concerns, when there is one.
    pub exercise: Option<String>,
    pub file: String,
    /// 1-based; 0 when the finding has no position in the file.
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    pub fn new(category: Category, exercise: Option<String>, problem: Problem) -> Self {
        Finding {
            category,
            exercise,
            file: problem.file.display().to_string(),
            line: problem.line,
            col: problem.col,
            message: problem.message,
            help: problem.help,
        }
    }

    /// `info.toml:12:9` (or just the file when there is no position).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.col)
        }
    }
}

/// One starter or solution check, as `--json` shows it: the fields of
/// `backlings check --json` plus which version was checked and whether its
/// verdict is the one a sound pack gives.
#[derive(Serialize)]
pub struct CheckEntry {
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
    pub fn new(exercise: &Exercise, target: Target, outcome: Outcome) -> Self {
        let should_pass = target == Target::Solution || exercise.starter_passes;
        CheckEntry {
            entry: Entry::new(exercise, &outcome),
            target: target_label(target),
            expected: if should_pass { "pass" } else { "fail" },
            sound: if should_pass {
                outcome.status.passed()
            } else {
                starter_is_sound(outcome.status)
            },
            outcome,
        }
    }
}

/// A starter must fail (or run out of time, as unfinished learner code
/// may): a pass leaves the learner nothing to do, and an error is the
/// pack's own problem (a broken fixture, a setup that is not deterministic).
fn starter_is_sound(status: Status) -> bool {
    matches!(status, Status::Fail | Status::Timeout)
}

/// The `--json` document of `dev check`.
#[derive(Serialize)]
pub struct DevReport {
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
    /// Checks that could not run here (PostgreSQL not installed): neither
    /// passed nor failed.
    skipped: usize,
    /// Why, once per distinct reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped_because: Vec<String>,
    /// False when info.toml has problems: learners could not use the pack.
    pack_loads: bool,
    duration_ms: u64,
}

impl DevReport {
    pub fn new(exercises: Vec<CheckEntry>, problems: Vec<Finding>, count: usize, took: Duration) -> Self {
        let skipped: Vec<&CheckEntry> = exercises
            .iter()
            .filter(|e| e.outcome.status == Status::Skipped)
            .collect();
        let summary = Summary {
            exercises: count,
            checks: exercises.len(),
            unsound: exercises.iter().filter(|e| !e.sound).count(),
            problems: problems.len(),
            skipped: skipped.len(),
            skipped_because: skipped.iter().fold(Vec::new(), |mut reasons, entry| {
                if !reasons.contains(&entry.outcome.message) {
                    reasons.push(entry.outcome.message.clone());
                }
                reasons
            }),
            pack_loads: !problems.iter().any(|p| p.category.blocks_loading()),
            duration_ms: took.as_millis() as u64,
        };
        DevReport {
            exercises,
            problems,
            summary,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        if !self.summary.pack_loads {
            ExitCode::from(crate::EXIT_BAD_INPUT)
        } else if self.summary.problems > 0 {
            ExitCode::from(crate::EXIT_FAILED)
        } else {
            ExitCode::SUCCESS
        }
    }

    pub fn show(&self, json: bool, width: usize) {
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(self).expect("a report always serialises")
            );
        } else {
            print!("{}", self.render(width));
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
        if s.skipped > 0 {
            out.push_str(&format!(
                "{} {} check{} did not run: {}\n",
                style("skipped:").yellow().bold(),
                s.skipped,
                if s.skipped == 1 { "" } else { "s" },
                s.skipped_because.join("; ")
            ));
        }
        if s.problems == 0 && s.skipped > 0 {
            out.push_str(&format!(
                "{} {} exercises, {} checks, in {took}: every check that ran holds ({} skipped)\n",
                style("No problem found:").green().bold(),
                s.exercises,
                s.checks,
                s.skipped
            ));
        } else if s.problems == 0 {
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
            Category::StarterPasses | Category::StarterErrors => "starter",
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
