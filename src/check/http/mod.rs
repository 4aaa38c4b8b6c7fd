//! The `http` kind: the learner's server is a bin target of the exercise
//! package. The runner builds it (and its unit tests, if the file has any),
//! starts it on a free loopback port given in `PORT`, waits until it listens,
//! runs the exchanges of `[exercises.http]` against it over real sockets, and
//! stops it whatever happened.
//!
//! - `spec`: the table in info.toml, validated at load time.
//! - `template`: `{variables}` — captured values, the port, seeded random values.
//! - `server`: port, start, readiness, stop.
//! - `conversation`: the exchanges in order, against the running server.
//! - `exchange`: requests through an HTTP client (ureq); `raw`: bytes over TCP.
//! - `expect`: a response against its expectations; `report`: the evidence.

mod conversation;
mod exchange;
mod expect;
pub mod kind;
mod message;
mod raw;
mod report;
mod server;
mod spec;
mod template;

pub use spec::HttpSpec;

use std::path::Path;

use anyhow::Result;

use super::Target;
use super::rust::{self, Selection};
use crate::outcome::{Detail, Outcome};
use crate::pack::{Exercise, Pack};
use conversation::Conversation;
use server::Server;
use template::Vars;

pub fn check(pack: &Pack, exercise: &Exercise, spec: &HttpSpec, target: Target) -> Result<Outcome> {
    check_with(pack, exercise, spec, target, &Builds::default())
}

/// Builds a batch already made for every target (`dev check`, `check`): the
/// server and its tests come from them instead of cargo calls of their own,
/// which would queue on cargo's lock one exercise at a time.
#[derive(Default, Clone, Copy)]
pub struct Builds<'a> {
    pub programs: Option<&'a rust::BuildReport>,
    pub tests: Option<&'a rust::BuildReport>,
}

pub fn check_with(
    pack: &Pack,
    exercise: &Exercise,
    spec: &HttpSpec,
    target: Target,
    builds: &Builds<'_>,
) -> Result<Outcome> {
    let name = rust::target_name(exercise, target);
    let own_build;
    let build = match builds.programs {
        Some(build) => build,
        None => {
            own_build = rust::build(pack, Selection::One(&name), false)?;
            &own_build
        }
    };
    let program = match build.result(&name) {
        Ok(program) => program,
        Err(failed) => return Ok(failed),
    };
    let tests_passed = match unit_tests(pack, exercise, spec, target, &name, builds.tests)? {
        UnitTests::None => None,
        UnitTests::Passed(summary) => Some(summary),
        UnitTests::Failed(outcome) => return Ok(outcome),
    };
    let mut outcome = converse(pack, exercise, spec, &program, &name)?;
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
    spec: &HttpSpec,
    target: Target,
    name: &str,
    prebuilt: Option<&rust::BuildReport>,
) -> Result<UnitTests> {
    let file = match target {
        Target::Solution => exercise.solution.clone(),
        Target::Learner | Target::Starter => exercise.files.first().cloned().unwrap_or_default(),
    };
    let source = std::fs::read_to_string(pack.path(&file)).unwrap_or_default();
    let expected = rust::expected_tests(pack, exercise, target);
    if rust::test_names(&source).is_empty() && expected.is_empty() {
        return Ok(UnitTests::None);
    }
    let own_build;
    let build = match prebuilt {
        Some(build) => build,
        None => {
            own_build = rust::build(pack, Selection::One(name), true)?;
            &own_build
        }
    };
    let harness = match build.result(name) {
        Ok(harness) => harness,
        Err(failed) => return Ok(UnitTests::Failed(failed)),
    };
    let mut outcome = rust::run_tests(pack, &harness, exercise.timeout, &spec.env, &expected)?;
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
) -> Result<Outcome> {
    let cwd = pack.root.join("exercises");
    let server = match Server::start(program, &cwd, &spec.env, spec.startup())? {
        Ok(server) => server,
        Err(failure) => return Ok(report::start_failure(failure)),
    };
    let port = server.port;
    let vars = Vars::new(super::seed(), &exercise.name, port);
    let mut conversation = Conversation::new(server, vars, exercise.timeout, spec.request_timeout());
    let result = conversation.run_all(spec);
    let ended = conversation.end();
    let exchanges = spec.exchanges.get_ref().len();
    Ok(match result {
        Ok(()) => {
            let mut message = match exchanges {
                1 => "the exchange passed".to_string(),
                n => format!("all {n} exchanges passed"),
            };
            if ended.requests > exchanges {
                message.push_str(&format!(" ({} requests)", ended.requests));
            }
            Outcome::pass(message).with(report::server_output(&ended.output))
        }
        Err(failure) => report::failure_outcome(*failure, &ended, port, name),
    })
}
