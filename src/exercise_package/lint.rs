//! What `cargo clippy` said about some targets, read from cargo's JSON messages.
//!
//! Clippy runs at its default levels; a strict exercise fails on any warning
//! (what `-D warnings` would make an error), a failing one shows them as hints.

use std::collections::HashMap;

use super::Relocate;
use super::build::CargoMessage;
use crate::process::Finished;

#[derive(Debug, Default)]
pub struct LintReport {
    /// Target name → rendered warnings and errors (clippy's and the compiler's).
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

    pub(super) fn parse(done: &Finished, relocate: &Relocate) -> LintReport {
        let stderr = done.stderr.text();
        if stderr.contains("no such command") || stderr.contains("is not installed") {
            return LintReport::not_run(
                "clippy is not installed, so nothing could be linted (`rustup component add clippy`)".into(),
            );
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
            let summary = message.message.starts_with("aborting due to")
                || message.message.ends_with("warning emitted")
                || message.message.ends_with("warnings emitted");
            if summary || !(message.level == "warning" || message.level.starts_with("error")) {
                continue;
            }
            if let Some(diagnostic) = message.diagnostic(relocate) {
                report
                    .by_target
                    .entry(target.name)
                    .or_default()
                    .push(diagnostic.rendered);
            }
        }
        if !done.success() && !any_message {
            report.unavailable = Some(format!(
                "cargo clippy failed before linting anything: {}",
                stderr.trim()
            ));
        }
        report
    }

    /// The rendered findings on `name`; empty when it is clean.
    pub fn findings(&self, name: &str) -> &[String] {
        self.by_target.get(name).map_or(&[], Vec::as_slice)
    }
}
