//! What one cargo build of some targets produced, read from cargo's JSON
//! messages: each target's executable, or its compiler errors, and its warnings.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::{BUILD_TIMEOUT, Form, MANIFEST, Relocate, exercise_of};
use crate::outcome::{Detail, Outcome};
use crate::process::Finished;

/// What one cargo build of some targets produced.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Target name → its executable (in the form that was built).
    pub executables: HashMap<String, PathBuf>,
    /// Target name → its compiler errors.
    pub errors: HashMap<String, Vec<Diagnostic>>,
    /// Target name → its rendered compiler warnings.
    warnings: HashMap<String, Vec<String>>,
    /// cargo's own complaints (a bad manifest, an unknown target, no network).
    pub cargo_stderr: String,
    pub timed_out: bool,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// As rustc renders it (ANSI colour), paths from the learner's dir.
    pub rendered: String,
    /// `error[E0308]: mismatched types`
    pub headline: String,
    /// `exercises/fundamentals/x.rs:12:5`
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

    pub(super) fn parse(done: &Finished, form: Form, relocate: &Relocate) -> BuildReport {
        let mut report = BuildReport {
            cargo_stderr: done.stderr.text(),
            timed_out: done.timed_out(),
            ..Default::default()
        };
        for line in done.stdout.text().lines() {
            let Ok(msg) = serde_json::from_str::<CargoMessage>(line) else {
                continue;
            };
            let Some(target) = msg.target else { continue };
            match msg.reason.as_str() {
                "compiler-artifact" => {
                    let Some(exe) = msg.executable else { continue };
                    let is_harness = msg.profile.is_some_and(|p| p.test);
                    if is_harness == (form == Form::Harness) && target.kind.iter().any(|k| k == "bin") {
                        report.executables.insert(target.name, exe);
                    }
                }
                "compiler-message" => {
                    let Some(message) = msg.message else { continue };
                    match message.level.as_str() {
                        "error" | "error: internal compiler error" => {
                            if message.message.starts_with("aborting due to") {
                                continue;
                            }
                            if let Some(diagnostic) = message.diagnostic(relocate) {
                                report.errors.entry(target.name).or_default().push(diagnostic);
                            }
                        }
                        // "N warnings emitted" adds nothing to the warnings themselves.
                        "warning" if !message.spans.is_empty() => {
                            if let Some(diagnostic) = message.diagnostic(relocate) {
                                report
                                    .warnings
                                    .entry(target.name)
                                    .or_default()
                                    .push(diagnostic.rendered);
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        report
    }

    /// Whether this build said something about `name`: built, or failed.
    pub fn settled(&self, name: &str) -> bool {
        self.executables.contains_key(name) || self.errors.get(name).is_some_and(|e| !e.is_empty())
    }

    /// Add what a later build of other targets (into the same dir) found.
    pub fn absorb(&mut self, later: BuildReport) {
        self.executables.extend(later.executables);
        for (name, errors) in later.errors {
            self.errors.insert(name, errors);
        }
        for (name, warnings) in later.warnings {
            self.warnings.insert(name, warnings);
        }
        if !later.cargo_stderr.trim().is_empty() {
            self.cargo_stderr = later.cargo_stderr;
        }
        self.timed_out |= later.timed_out;
    }

    /// The executable of `name`, or the outcome that explains why there is none.
    pub fn result(&self, name: &str) -> Result<PathBuf, Outcome> {
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
            // Warnings go with the errors: an unused variable or an unused
            // result is often the hint.
            let text = errors
                .iter()
                .map(|e| e.rendered.as_str())
                .chain(self.warnings.get(name).into_iter().flatten().map(String::as_str))
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
            return Err(Outcome::error(format!(
                "the exercise package lacks {path}, so cargo builds nothing: \
                 `backlings reset {}` brings it back",
                exercise_of(&missing)
            ))
            .with(evidence));
        }
        Err(Outcome::error(format!("cargo could not build `{name}`")).with(evidence))
    }

    /// The rendered compiler warnings of `name`, empty when there are none.
    pub fn warnings(&self, name: &str) -> String {
        self.warnings.get(name).map(|w| w.join("\n")).unwrap_or_default()
    }
}

/// cargo's "can't find `NAME` bin at `PATH`": the target and its path from the pack root.
fn missing_target(cargo_stderr: &str) -> Option<(String, String)> {
    static CANT_FIND: OnceLock<Regex> = OnceLock::new();
    // Cargo has worded it both ways.
    let re = CANT_FIND.get_or_init(|| {
        Regex::new(r"can't find (?:`([^`]+)` bin|bin `([^`]+)`) at (?:path )?`([^`]+)`").expect("valid regex")
    });
    let caps = re.captures(cargo_stderr)?;
    let name = caps.get(1).or(caps.get(2))?.as_str().to_string();
    let path = &caps[3];
    let package_dir = MANIFEST.trim_end_matches("Cargo.toml");
    let path = match path.rfind(&format!("/{package_dir}")) {
        Some(at) => path[at + 1..].to_string(),
        None => format!("{package_dir}{path}"),
    };
    Some((name, path))
}

#[derive(Deserialize)]
pub(super) struct CargoMessage {
    pub reason: String,
    pub target: Option<CargoTarget>,
    profile: Option<CargoProfile>,
    executable: Option<PathBuf>,
    pub message: Option<CompilerMessage>,
}

#[derive(Deserialize)]
pub(super) struct CargoTarget {
    pub name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct CargoProfile {
    test: bool,
}

#[derive(Deserialize)]
pub(super) struct CompilerMessage {
    pub message: String,
    pub level: String,
    rendered: Option<String>,
    code: Option<CompilerCode>,
    #[serde(default)]
    spans: Vec<CompilerSpan>,
}

impl CompilerMessage {
    /// The message with its paths as the learner reaches them.
    pub fn diagnostic(&self, relocate: &Relocate) -> Option<Diagnostic> {
        let rendered = self.rendered.as_ref()?;
        let files: Vec<&str> = self.spans.iter().map(|s| s.file_name.as_str()).collect();
        let location = self.spans.iter().find(|s| s.is_primary).map(|s| {
            format!(
                "{}:{}:{}",
                relocate.file(&s.file_name),
                s.line_start,
                s.column_start
            )
        });
        let level = if self.level.starts_with("error") {
            "error"
        } else {
            "warning"
        };
        let headline = match &self.code {
            Some(code) => format!("{level}[{}]: {}", code.code, self.message),
            None => format!("{level}: {}", self.message),
        };
        Some(Diagnostic {
            rendered: relocate.files_in(rendered, &files),
            headline,
            location,
        })
    }
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
}
