//! The `http` kind: the learner's server is a bin target of the exercise
//! package. The runner builds it (and its unit tests, if the file has any),
//! starts it on a free loopback port given in `PORT`, waits until it listens,
//! runs the exchanges of `[exercises.http]` against it over real sockets, and
//! stops it whatever happened.
//!
//! - `spec`: the table in info.toml, validated at load time.
//! - `template`: `{variables}` — captured values, the port, the check's
//!   temporary folder, seeded random values.
//! - `workspace`: that folder: made fresh per check, seeded, its files checked.
//! - `server`: port, start, readiness, stop.
//! - `conversation`: the exchanges in order, against the running server.
//! - `exchange`: requests through an HTTP client (ureq); `raw`: bytes over TCP.
//! - `expect`: a response against its expectations (`headers`: header values
//!   as the RFC compares them; `encoding`: Content-Encoding undone);
//!   `report`: the evidence.

mod conversation;
mod encoding;
mod exchange;
mod expect;
mod headers;
pub mod kind;
mod message;
mod raw;
mod report;
mod server;
mod spec;
mod template;
mod workspace;

pub use spec::HttpSpec;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::Target;
use crate::exercise_package::{BuildReport, ExercisePackage, Form};
use crate::outcome::{Detail, Outcome};
use crate::pack::{Exercise, Pack};
use conversation::Conversation;
use server::{Launch, Server};
use template::Vars;
use workspace::Workspace;

pub fn check(pack: &Pack, exercise: &Exercise, spec: &HttpSpec, target: Target) -> Result<Outcome> {
    check_with(pack, exercise, spec, target, &Builds::default())
}

/// Builds a batch already made for every target (`dev check`, `check`): the
/// server and its tests come from them instead of cargo calls of their own,
/// which would queue on cargo's lock one exercise at a time.
#[derive(Default, Clone, Copy)]
pub struct Builds<'a> {
    pub programs: Option<&'a BuildReport>,
    pub tests: Option<&'a BuildReport>,
}

pub fn check_with(
    pack: &Pack,
    exercise: &Exercise,
    spec: &HttpSpec,
    target: Target,
    builds: &Builds<'_>,
) -> Result<Outcome> {
    let name = super::target_name(exercise, target);
    let own_build;
    let build = match builds.programs {
        Some(build) => build,
        None => {
            own_build = ExercisePackage::in_pack(&pack.root).build_one(&name, Form::Program)?;
            &own_build
        }
    };
    let program = match build.result(&name) {
        Ok(program) => program,
        Err(failed) => return Ok(failed),
    };
    // One fresh folder per check, for the unit tests and the server alike:
    // nothing a run leaves there can make a later run pass.
    let workspace = Workspace::new()?;
    let mut vars = Vars::new(super::seed(), &exercise.name, 0);
    vars.set_temp_dir(&workspace.path_text());
    let env: BTreeMap<String, String> = spec
        .env
        .iter()
        .map(|(key, value)| (key.clone(), vars.text(value.get_ref())))
        .collect();
    let tests_passed = match unit_tests(pack, exercise, &env, target, &name, builds.tests)? {
        UnitTests::None => None,
        UnitTests::Passed(summary) => Some(summary),
        UnitTests::Failed(outcome) => return Ok(outcome),
    };
    if let Err(outcome) = workspace.seed(spec, &vars) {
        return Ok(*outcome);
    }
    let mut outcome = converse(pack, exercise, spec, &program, &name, vars, &workspace)?;
    if outcome.status.passed() {
        if let Some(summary) = tests_passed {
            outcome.message = format!("{}; unit tests: {summary}", outcome.message);
        }
        let warnings = build.warnings(&name);
        if !warnings.is_empty() {
            outcome.push(Detail::Output {
                title: "compiler warnings".into(),
                text: warnings,
                truncated_bytes: 0,
            });
        }
    }
    Ok(outcome)
}

enum UnitTests {
    None,
    /// What the test run said ("3 tests passed").
    Passed(String),
    Failed(Outcome),
}

/// The file's own `#[test]`s, when it (or its starter) has any: both they and
/// the exchanges must pass.
fn unit_tests(
    pack: &Pack,
    exercise: &Exercise,
    env: &BTreeMap<String, String>,
    target: Target,
    name: &str,
    prebuilt: Option<&BuildReport>,
) -> Result<UnitTests> {
    let file = match target {
        Target::Solution => exercise.solution.clone(),
        Target::Learner | Target::Starter => exercise.files.first().cloned().unwrap_or_default(),
    };
    let source = std::fs::read_to_string(pack.path(&file)).unwrap_or_default();
    let expected = super::libtest::expected_tests(pack, exercise, target);
    if super::libtest::test_names(&source).is_empty() && expected.is_empty() {
        return Ok(UnitTests::None);
    }
    let own_build;
    let build = match prebuilt {
        Some(build) => build,
        None => {
            own_build = ExercisePackage::in_pack(&pack.root).build_one(name, Form::Harness)?;
            &own_build
        }
    };
    let harness = match build.result(name) {
        Ok(harness) => harness,
        Err(failed) => return Ok(UnitTests::Failed(failed)),
    };
    let mut outcome = super::libtest::run_tests(
        &ExercisePackage::in_pack(&pack.root),
        &harness,
        super::program::Limits::of(exercise),
        env,
        &expected,
    )?;
    if outcome.status.passed() {
        return Ok(UnitTests::Passed(outcome.message));
    }
    outcome.message = format!("unit tests: {}", outcome.message);
    Ok(UnitTests::Failed(outcome))
}

/// Start the server, run every exchange, stop the server.
fn converse(
    pack: &Pack,
    exercise: &Exercise,
    spec: &HttpSpec,
    program: &Path,
    name: &str,
    mut vars: Vars,
    workspace: &Workspace,
) -> Result<Outcome> {
    let cwd = ExercisePackage::in_pack(&pack.root).dir;
    let base = vars.clone();
    let memory = exercise.memory_limit;
    let launch = move |port: u16| {
        let mut vars = base.clone();
        vars.set_port(port);
        Launch {
            args: spec.args.iter().map(|a| vars.text(a.get_ref())).collect(),
            env: spec
                .env
                .iter()
                .map(|(key, value)| (key.clone(), vars.text(value.get_ref())))
                .collect(),
            memory,
        }
    };
    let server = match Server::start(program, &cwd, &launch, spec.startup())? {
        Ok(server) => server,
        Err(failure) => return Ok(report::start_failure(failure)),
    };
    let port = server.port;
    vars.set_port(port);
    let replay = report::Replay {
        launch: launch(port),
        temp_dir: workspace.path_text(),
    };
    let mut conversation =
        Conversation::new(server, vars, workspace, exercise.timeout, spec.request_timeout());
    let result = conversation.run_all(spec);
    let ended = conversation.end();
    let exchanges = spec.exchanges.get_ref().len();
    let outcome = match result {
        Ok(()) => {
            let mut message = match exchanges {
                1 => "the exchange passed".to_string(),
                n => format!("all {n} exchanges passed"),
            };
            if ended.requests > exchanges {
                message.push_str(&format!(" ({} requests)", ended.requests));
            }
            let mut outcome = Outcome::pass(message);
            for note in &ended.notes {
                outcome.push(Detail::Text { text: note.clone() });
            }
            outcome.with(report::server_output(&ended.output))
        }
        Err(failure) => report::failure_outcome(*failure, &ended, port, name, &replay),
    };
    // Processes that left the server's group (a `setsid` daemon) were stopped
    // with it; the learner hears of them whatever the verdict.
    Ok(match ended.output.leftovers_message() {
        Some(text) => outcome.with(Detail::Text { text }),
        None => outcome,
    })
}
