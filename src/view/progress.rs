//! Progress of a batch of checks, on stderr: a bar on a terminal, plain lines
//! in CI (a log keeps lines; a bar redrawn in place would be noise there).

use std::time::Duration;

use console::style;
use indicatif::{ProgressBar, ProgressStyle};

use super::terminal::status_label;
use crate::check::Target;
use crate::check::batch::{Job, Observer};
use crate::outcome::Outcome;

pub enum Progress {
    Bar(ProgressBar),
    /// One line per step and per finished check.
    Lines,
    Quiet,
}

impl Progress {
    /// A bar when stderr is a terminal; else `otherwise`.
    pub fn for_stderr(otherwise: Progress) -> Progress {
        if console::Term::stderr().is_term() {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            Progress::Bar(bar)
        } else {
            otherwise
        }
    }

    /// Remove the bar before the report is printed.
    pub fn clear(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

pub fn target_label(target: Target) -> &'static str {
    match target {
        Target::Learner => "yours",
        Target::Starter => "starter",
        Target::Solution => "solution",
    }
}

impl Observer for Progress {
    fn step(&self, what: &str) {
        match self {
            Progress::Bar(bar) => bar.set_message(what.to_string()),
            Progress::Lines => eprintln!("{}", style(format!("{what}…")).dim()),
            Progress::Quiet => {}
        }
    }

    fn checking(&self, total: usize) {
        match self {
            Progress::Bar(bar) => {
                bar.set_style(
                    ProgressStyle::with_template("{bar:30.green/dim} {pos}/{len} {msg}")
                        .expect("a valid progress template"),
                );
                bar.set_length(total as u64);
                bar.set_position(0);
                bar.set_message("checking");
            }
            Progress::Lines => eprintln!("{}", style(format!("running {total} checks…")).dim()),
            Progress::Quiet => {}
        }
    }

    fn finished(&self, job: &Job<'_>, outcome: &Outcome) {
        match self {
            Progress::Bar(bar) => {
                bar.inc(1);
                bar.set_message(job.exercise.name.clone());
            }
            Progress::Lines => {
                // A starter is meant to fail: say whether the verdict is the
                // expected one, not only what it is.
                let expected = outcome.status.passed() != (job.target == Target::Starter);
                let mark = if expected {
                    style("ok").green()
                } else {
                    style("WRONG").red().bold()
                };
                eprintln!(
                    "{mark:<5} {}",
                    exercise_row(outcome, &job.exercise.name, Some(job.target))
                );
            }
            Progress::Quiet => {}
        }
    }
}

/// One exercise's line in a batch's report: `PASS     [starter] name    message`.
/// The target is shown where a batch checks more than the learner's files.
pub fn exercise_row(outcome: &Outcome, name: &str, target: Option<Target>) -> String {
    let target = target
        .map(|t| format!("{:<8} ", target_label(t)))
        .unwrap_or_default();
    format!(
        "{:<8} {target}{name:<32} {}",
        status_label(outcome.status),
        style(&outcome.message).dim()
    )
}
