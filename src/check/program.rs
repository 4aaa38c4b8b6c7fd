//! Running a learner's program (or test harness) directly, and reading how
//! it ended: exit 0, a panic (its message and place), or another death.
//! Shared by the rust and http kinds (and by [`super::libtest`]): the limits a
//! learner's executable runs under are the same whoever checks it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Result;
use regex::Regex;

use crate::exercise_package::ExercisePackage;
use crate::outcome::{Detail, Outcome};
use crate::process::{Cmd, Finished};

/// The limits a learner's program runs under: the exercise's time limit
/// (`timeout_secs`) and memory limit (`memory_mb`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub time: Duration,
    pub memory: u64,
}

impl Limits {
    pub fn of(exercise: &crate::pack::Exercise) -> Limits {
        Limits {
            time: exercise.timeout,
            memory: exercise.memory_limit,
        }
    }
}

/// The command that runs `executable` as the checks do.
pub fn program_command(
    package: &ExercisePackage,
    executable: &Path,
    env: &BTreeMap<String, String>,
    memory: u64,
) -> Cmd {
    // No backtraces unless the exercise asks for them (its `env`): a verdict
    // must not depend on the learner's shell, and a panicking test that prints
    // a backtrace takes ~100 ms instead of ~2 ms to finish.
    let mut cmd = Cmd::new(executable)
        .cwd(&package.dir)
        .env("BACKLINGS_SEED", crate::check::seed().to_string())
        .env("RUST_BACKTRACE", "0")
        .memory_limit(memory);
    for (key, value) in env {
        cmd = cmd.env(key, value);
    }
    cmd
}

/// How a program run ended.
pub enum Ran {
    Passed(Outcome),
    /// Failed or timed out: the outcome says how; `panic` is the panic, if any.
    Failed {
        outcome: Outcome,
        panic: Option<Panic>,
    },
}

/// Run a program and require exit 0.
pub fn run_program(
    package: &ExercisePackage,
    executable: &Path,
    limits: Limits,
    env: &BTreeMap<String, String>,
) -> Result<Ran> {
    let timeout = limits.time;
    let done = program_command(package, executable, env, limits.memory)
        .timeout(timeout)
        .merge_stderr()
        .run()?;
    let output = package.relocate().panics_in(&done.stdout.text());
    let evidence = Detail::Output {
        title: "program output".into(),
        text: output.clone(),
        truncated_bytes: done.stdout.truncated_bytes,
    };
    if done.timed_out() {
        return Ok(Ran::Failed {
            outcome: tell_leftovers(Outcome::timeout(timeout).with(evidence), &done),
            panic: None,
        });
    }
    if done.success() {
        return Ok(Ran::Passed(tell_leftovers(
            Outcome::pass("the program ran and exited with code 0").with(evidence),
            &done,
        )));
    }
    // A panic reads as one, whether it unwound (exit 101) or aborted (signal 6).
    let panic = Panic::find(&crate::outcome::plain_text(&output));
    let message = match &panic {
        Some(panic) => format!("the program {}", panic.describe()),
        None => format!("the program failed ({})", done.describe_exit()),
    };
    Ok(Ran::Failed {
        outcome: tell_leftovers(Outcome::fail(message).with(evidence), &done),
        panic,
    })
}

/// "your program left 2 processes running; they were stopped".
pub fn tell_leftovers(outcome: Outcome, done: &Finished) -> Outcome {
    match done.leftovers_message() {
        Some(text) => outcome.with(Detail::Text { text }),
        None => outcome,
    }
}

/// A panic as the standard library reports it.
#[derive(Debug, PartialEq, Eq)]
pub struct Panic {
    /// `exercises/basics/x.rs:3:5`
    pub place: String,
    /// The first line of its message.
    pub message: String,
}

impl Panic {
    /// The first `thread '…' panicked at FILE:LINE:COL:` and the line after it
    /// (Rust 1.9x writes the thread's id too: `thread 'main' (4242) panicked`).
    pub fn find(plain: &str) -> Option<Panic> {
        static PANICKED: OnceLock<Regex> = OnceLock::new();
        let re = PANICKED.get_or_init(|| {
            Regex::new(r"thread '[^']*'(?: \(\d+\))? panicked at ([^\n]+?):\n([^\n]*)").expect("valid regex")
        });
        let caps = re.captures(plain)?;
        Some(Panic {
            place: caps[1].to_string(),
            message: caps[2].trim().to_string(),
        })
    }

    /// `panicked at FILE:LINE:COL: MESSAGE`
    pub fn describe(&self) -> String {
        if self.message.is_empty() {
            format!("panicked at {}", self.place)
        } else {
            format!("panicked at {}: {}", self.place, self.message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_panic_and_its_place() {
        let out = "hello\nthread 'main' (4242) panicked at exercises/basics/x.rs:3:5:\nattempt to divide by zero\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            Panic::find(out).map(|p| p.describe()),
            Some("panicked at exercises/basics/x.rs:3:5: attempt to divide by zero".into())
        );
        assert_eq!(Panic::find("exit 1\n"), None);
    }
}
