//! The `--json` document: one per command, on stdout.
//!
//! ```json
//! { "exercises": [ { "name": "...", "stage": "...", "kind": "sql",
//!                    "status": "fail", "duration_ms": 12, "message": "...",
//!                    "details": [ ... ] } ],
//!   "summary": { "total": 1, "passed": 0, "failed": 1 } }
//! ```
//!
//! docs/json.md documents every field; tests/json.rs pins the document.

use serde::Serialize;

use crate::outcome::{Detail, Outcome, Status};
use crate::pack::Exercise;

#[derive(Serialize)]
pub struct Entry {
    pub name: String,
    pub stage: String,
    pub kind: &'static str,
    pub status: Status,
    pub duration_ms: u64,
    pub message: String,
    pub details: Vec<Detail>,
}

impl Entry {
    pub fn new(exercise: &Exercise, outcome: &Outcome) -> Self {
        Entry {
            name: exercise.name.clone(),
            stage: exercise.stage.clone(),
            kind: exercise.kind.as_str(),
            status: outcome.status,
            duration_ms: outcome.duration.as_millis() as u64,
            message: outcome.message.clone(),
            details: outcome.details.iter().map(plain_detail).collect(),
        }
    }
}

#[derive(Serialize)]
pub struct Summary {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
}

#[derive(Serialize)]
pub struct Report {
    pub exercises: Vec<Entry>,
    pub summary: Summary,
}

impl Report {
    pub fn new(exercises: Vec<Entry>) -> Self {
        let passed = exercises.iter().filter(|e| e.status.passed()).count();
        let total = exercises.len();
        Report {
            exercises,
            summary: Summary {
                total,
                passed,
                failed: total - passed,
            },
        }
    }

    pub fn print(&self) {
        println!(
            "{}",
            serde_json::to_string_pretty(self).expect("a report always serialises")
        );
    }
}

/// The document a `--json` reader gets when the command could not run at all
/// (a bad pack, a wrong argument, the runner's own failure):
/// `{ "error": { "exit_status": 2, "kind": "bad_input", "message": "…" } }`.
pub fn print_error(exit_status: u8, kind: &str, message: &str) {
    let document = serde_json::json!({
        "error": {
            "exit_status": exit_status,
            "kind": kind,
            "message": crate::outcome::plain_text(message).trim_end(),
        }
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&document).expect("a JSON value serialises")
    );
}

/// JSON readers get text, not terminal escape codes.
fn plain_detail(detail: &Detail) -> Detail {
    match detail {
        Detail::Output {
            title,
            text,
            truncated_bytes,
        } => Detail::Output {
            title: title.clone(),
            text: crate::outcome::plain_text(text),
            truncated_bytes: *truncated_bytes,
        },
        other => other.clone(),
    }
}
