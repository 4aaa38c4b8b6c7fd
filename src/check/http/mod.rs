//! The `http` kind: the learner's server is a bin target of the exercise
//! package. The runner builds it (and its unit tests, if the file has any),
//! starts it on a free loopback port given in `PORT`, waits until it listens,
//! runs the exchanges of `[exercises.http]` against it over real sockets, and
//! stops it whatever happened.
//!
//! - `spec`: the table in info.toml, validated at load time.
//! - `template`: `{variables}` — captured values, the port, seeded random values.
//! - `server`: port, start, readiness, stop.
//! - `exchange`: requests through an HTTP client (ureq); `raw`: bytes over TCP.
//! - `expect`: a response against its expectations; `report`: the evidence.

mod exchange;
mod expect;
mod message;
mod raw;
mod report;
mod server;
mod spec;
mod template;

pub use spec::HttpSpec;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::Target;
use super::rust::{self, Selection};
use crate::outcome::{Detail, Outcome, Status, human_duration};
use crate::pack::{Exercise, Pack};
use crate::pristine;
use crate::process::describe_status;
use exchange::ClientError;
use expect::Unmet;
use message::{ClientRequest, Response, Sent};
use raw::{ConcurrentError, RawConn, RawError};
use server::{Server, StartFailure};
use spec::{Exchange, to_json};
use template::Vars;

/// How long a server that dropped a connection gets to finish exiting, so a
/// crash is reported as a crash.
const DYING_GRACE: Duration = Duration::from_millis(500);
/// How long a connection must stay open to count as kept open (`closes = false`).
const KEPT_OPEN: Duration = Duration::from_millis(150);

pub fn check(pack: &Pack, exercise: &Exercise, spec: &HttpSpec, target: Target) -> Result<Outcome> {
    let name = rust::target_name(exercise, target);
    let build = rust::build(pack, Selection::One(&name), false)?;
    let program = match build.result(&name) {
        Ok(program) => program,
        Err(failed) => return Ok(failed),
    };
    let tests_passed = match unit_tests(pack, exercise, spec, target, &name)? {
        UnitTests::None => None,
        UnitTests::Passed(count) => Some(count),
        UnitTests::Failed(outcome) => return Ok(outcome),
    };
    let mut outcome = converse(pack, exercise, spec, &program, &name)?;
    if outcome.status.passed() {
        if let Some(count) = tests_passed {
            outcome.message = format!(
                "{}; {count} unit test{} passed",
                outcome.message,
                if count == 1 { "" } else { "s" }
            );
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
    Passed(usize),
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
) -> Result<UnitTests> {
    let file = match target {
        Target::Solution => exercise.solution.clone(),
        Target::Learner | Target::Starter => exercise.files.first().cloned().unwrap_or_default(),
    };
    let source = std::fs::read_to_string(pack.path(&file)).unwrap_or_default();
    let expected = match target {
        Target::Solution => Vec::new(),
        Target::Learner | Target::Starter => exercise
            .files
            .first()
            .and_then(|f| pristine::starter_text(pack, f))
            .map(|text| rust::test_names(&text))
            .unwrap_or_default(),
    };
    if rust::test_names(&source).is_empty() && expected.is_empty() {
        return Ok(UnitTests::None);
    }
    let build = rust::build(pack, Selection::One(name), true)?;
    let harness = match build.result(name) {
        Ok(harness) => harness,
        Err(failed) => return Ok(UnitTests::Failed(failed)),
    };
    let mut outcome = rust::run_tests(pack, &harness, exercise.timeout, &spec.env, &expected)?;
    if outcome.status.passed() {
        let count = outcome
            .message
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        return Ok(UnitTests::Passed(count));
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
        Err(failure) => return Ok(start_failure(failure)),
    };
    let port = server.port;
    let mut conversation = Conversation {
        server,
        vars: Vars::new(super::seed(), &exercise.name, port),
        connections: HashMap::new(),
        deadline: Instant::now() + exercise.timeout,
        limit: exercise.timeout,
        request_timeout: spec.request_timeout(),
        transcript: Vec::new(),
        requests: 0,
    };
    let result = conversation.run_all(spec);
    let Conversation {
        server,
        transcript,
        requests,
        connections,
        ..
    } = conversation;
    drop(connections);
    let output = server.stop();
    let exchanges = spec.exchanges.get_ref().len();
    Ok(match result {
        Ok(()) => {
            let mut message = format!(
                "{} exchange{} passed",
                if exchanges == 1 {
                    "the".to_string()
                } else {
                    format!("all {exchanges}")
                },
                if exchanges == 1 { "" } else { "s" }
            );
            if requests > exchanges {
                message.push_str(&format!(" ({requests} requests)"));
            }
            Outcome::pass(message).with(report::server_output(&output))
        }
        Err(failure) => {
            let mut outcome = Outcome::new(failure.status, failure.message);
            if let Some(unmet) = &failure.unmet {
                outcome.push(report::unmet_detail(unmet));
            }
            for note in failure.notes {
                outcome.push(Detail::Text { text: note });
            }
            if let Some(sent) = &failure.sent {
                outcome.push(report::request_detail(sent, port));
            }
            match &failure.received {
                Some(Received::Response(response)) => outcome.push(report::response_detail(response)),
                Some(Received::Partial(bytes)) => outcome.push(report::partial_detail(bytes)),
                None => {}
            }
            if let Some(sent) = &failure.sent {
                for detail in report::reproduce(sent, port, name) {
                    outcome.push(detail);
                }
            }
            if !transcript.is_empty() {
                outcome.push(Detail::Text {
                    text: format!(
                        "Before this, as expected:\n{}",
                        transcript
                            .iter()
                            .map(|line| format!("  {line}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    ),
                });
            }
            outcome.push(report::server_output(&output));
            outcome
        }
    })
}

fn start_failure(failure: StartFailure) -> Outcome {
    match failure {
        StartFailure::NotListening {
            port,
            waited,
            elsewhere,
            output,
        } => {
            let help = match elsewhere.first() {
                Some(addr) => format!(
                    "It listens on {addr} instead. Read the port from the PORT environment variable: \
                     `std::env::var(\"PORT\")`."
                ),
                None => "The runner gives the port in the PORT environment variable; bind 127.0.0.1 on it, \
                         e.g. `TcpListener::bind((\"127.0.0.1\", port))`."
                    .to_string(),
            };
            Outcome::error(format!(
                "your server did not start listening on 127.0.0.1:{port} within {}",
                human_duration(waited)
            ))
            .with(Detail::Text { text: help })
            .with(report::server_output(&output))
        }
        StartFailure::Exited { port, output } => Outcome::error(format!(
            "your server exited ({}) before listening on 127.0.0.1:{port}",
            output.describe_exit()
        ))
        .with(report::server_output(&output)),
    }
}

/// What came back for a failed exchange, if anything.
enum Received {
    Response(Response),
    Partial(Vec<u8>),
}

/// An exchange's result; the failure is boxed, being large and rare.
type Step<T> = std::result::Result<T, Box<Failure>>;

/// Why the exchanges stopped, and the evidence.
struct Failure {
    status: Status,
    message: String,
    unmet: Option<Unmet>,
    notes: Vec<String>,
    sent: Option<Sent>,
    received: Option<Received>,
}

impl Failure {
    fn new(status: Status, message: String) -> Box<Self> {
        Box::new(Failure {
            status,
            message,
            unmet: None,
            notes: Vec::new(),
            sent: None,
            received: None,
        })
    }

    fn sent(mut self: Box<Self>, sent: Sent) -> Box<Self> {
        self.sent = Some(sent);
        self
    }

    fn received(mut self: Box<Self>, received: Received) -> Box<Self> {
        self.received = Some(received);
        self
    }

    fn note(mut self: Box<Self>, note: impl Into<String>) -> Box<Self> {
        self.notes.push(note.into());
        self
    }
}

struct Conversation {
    server: Server,
    vars: Vars,
    /// Named connections kept open across raw exchanges (keep-alive).
    connections: HashMap<String, RawConn>,
    deadline: Instant,
    limit: Duration,
    request_timeout: Duration,
    /// One line per exchange that met its expectations.
    transcript: Vec<String>,
    requests: usize,
}

impl Conversation {
    fn run_all(&mut self, spec: &HttpSpec) -> Step<()> {
        let total = spec.exchanges.get_ref().len();
        for (index, step) in spec.exchanges.get_ref().iter().enumerate() {
            let step = step.get_ref();
            let repeat = step.repeat();
            for round in 1..=repeat {
                let label = self.label(step, round, repeat);
                if Instant::now() >= self.deadline {
                    return Err(Failure::new(
                        Status::Timeout,
                        format!(
                            "the exchanges took longer than the time limit of {} (stopped before exchange {} of {total}: {label})",
                            human_duration(self.limit),
                            index + 1
                        ),
                    ));
                }
                if let Some(status) = self.server.exited() {
                    return Err(Failure::new(
                        Status::Fail,
                        format!("your server exited ({}) before {label}", describe_status(status)),
                    ));
                }
                self.requests += 1;
                let summary = self.exchange(step, &label)?;
                self.transcript
                    .push(format!("{}. {label} → {summary}", index + 1));
            }
        }
        Ok(())
    }

    /// `create a note (POST /notes)`, `GET /limited, request 4 of 5`.
    fn label(&self, step: &Exchange, round: u32, repeat: u32) -> String {
        let request = match (&step.path, &step.raw) {
            (Some(path), _) => format!("{} {}", step.method(), self.vars.text(path.get_ref())),
            (None, Some(raw)) => {
                let text = self.vars.text(raw.get_ref());
                let first = text
                    .split("\r\n")
                    .next()
                    .unwrap_or("")
                    .split('\n')
                    .next()
                    .unwrap_or("");
                format!("raw `{}`", escape_line(first))
            }
            (None, None) => "an exchange".to_string(),
        };
        let mut label = match &step.name {
            Some(name) => format!("{name} ({request})"),
            None => request,
        };
        if repeat > 1 {
            label.push_str(&format!(", request {round} of {repeat}"));
        }
        label
    }

    fn time_left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    fn request_limit(&self) -> Duration {
        self.request_timeout
            .min(self.time_left())
            .max(Duration::from_millis(1))
    }

    /// Send one request of `step`, check what comes back, capture variables.
    /// Returns a short summary for the transcript.
    fn exchange(&mut self, step: &Exchange, label: &str) -> Step<String> {
        let expect = step.expect();
        let (response, sent) = if step.raw.is_some() {
            if let Some(n) = &step.concurrent {
                return self.concurrent(step, *n.get_ref() as usize, label);
            }
            self.raw(step, label)?
        } else {
            self.client(step, label)?
        };
        if let Err(unmet) = expect::check(&expect, &response, &self.vars) {
            return Err(self.unmet(label, unmet, sent, response));
        }
        if let Some(closes) = &expect.closes {
            let closes = *closes.get_ref();
            let key = step.connection.as_ref().map(|c| c.get_ref().clone());
            let wait = if closes { self.request_limit() } else { KEPT_OPEN };
            let closed = self.with_conn(key.as_deref(), |conn| conn.closes_within(wait));
            if closed != closes {
                let message = if closes {
                    format!(
                        "{label}: the server kept the connection open for {} after the response; it should close it",
                        human_duration(wait)
                    )
                } else {
                    format!(
                        "{label}: the server closed the connection after the response; it should keep it open for the next request"
                    )
                };
                return Err(Failure::new(Status::Fail, message)
                    .sent(sent)
                    .received(Received::Response(response)));
            }
        }
        if step.connection.is_none() {
            self.connections.remove("");
        }
        for (name, source) in step.captures() {
            match expect::capture(&source, &response) {
                Ok(value) => self.vars.set(&name, value),
                Err(why) => {
                    return Err(Failure::new(
                        Status::Fail,
                        format!("{label}: {why}; the next exchanges need it as {{{name}}}"),
                    )
                    .sent(sent)
                    .received(Received::Response(response)));
                }
            }
        }
        Ok(response.status_line())
    }

    fn with_conn<T>(&mut self, key: Option<&str>, f: impl FnOnce(&mut RawConn) -> T) -> T {
        let conn = self
            .connections
            .get_mut(key.unwrap_or(""))
            .expect("the raw exchange just used this connection");
        f(conn)
    }

    fn unmet(&self, label: &str, unmet: Unmet, sent: Sent, response: Response) -> Box<Failure> {
        let mut failure = Failure::new(Status::Fail, format!("{label}: {}", unmet.message))
            .sent(sent)
            .received(Received::Response(response));
        failure.unmet = Some(unmet);
        failure
    }

    fn client(&mut self, step: &Exchange, label: &str) -> Step<(Response, Sent)> {
        let request = self.client_request(step);
        let sent = Sent::Client(request.clone());
        let limit = self.request_limit();
        match exchange::send(self.server.port, &request, limit) {
            Ok(response) => Ok((response, sent)),
            Err(ClientError::Timeout) => Err(self.no_answer(label, limit, sent, None)),
            Err(ClientError::Dropped(why)) => Err(self.dropped(label, &why, sent, None)),
            Err(ClientError::Invalid(why)) => Err(Failure::new(
                Status::Fail,
                format!("{label}: the response is not valid HTTP: {why}"),
            )
            .sent(sent)),
            Err(ClientError::Request(why)) => Err(Failure::new(
                Status::Error,
                format!(
                    "{label}: the request could not be built ({why}); the exercise's info.toml needs fixing"
                ),
            )),
        }
    }

    fn client_request(&self, step: &Exchange) -> ClientRequest {
        let mut headers: Vec<(String, String)> = step
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), self.vars.text(value.get_ref())))
            .collect();
        let body = match (&step.body, &step.json) {
            (Some(body), _) => Some(self.vars.text(body.get_ref()).into_bytes()),
            (None, Some(json)) => {
                if !headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
                let value = to_json(json.get_ref())
                    .map(|v| self.vars.json(&v))
                    .unwrap_or_default();
                Some(value.to_string().into_bytes())
            }
            // Announced as `Content-Length: 0`, as browsers send a POST without a body.
            (None, None) if matches!(step.method(), "POST" | "PUT" | "PATCH") => Some(Vec::new()),
            (None, None) => None,
        };
        ClientRequest {
            method: step.method().to_string(),
            path: step
                .path
                .as_ref()
                .map(|p| self.vars.text(p.get_ref()))
                .unwrap_or_default(),
            headers,
            body,
        }
    }

    fn raw(&mut self, step: &Exchange, label: &str) -> Step<(Response, Sent)> {
        let bytes = step
            .raw
            .as_ref()
            .map(|r| self.vars.text(r.get_ref()))
            .unwrap_or_default()
            .into_bytes();
        let key = step
            .connection
            .as_ref()
            .map_or(String::new(), |c| c.get_ref().clone());
        let reused = self.connections.contains_key(&key);
        if !reused {
            let conn = RawConn::open(self.server.port, self.request_limit())
                .map_err(|e| self.raw_failure(label, e, Sent::Raw { bytes: bytes.clone() }, false))?;
            self.connections.insert(key.clone(), conn);
        }
        let limit = self.request_limit();
        let conn = self.connections.get_mut(&key).expect("inserted above");
        let sending = conn.send(&bytes);
        let sent = Sent::Raw {
            bytes: conn.sent.clone(),
        };
        let result =
            sending.and_then(|()| conn.read_response(Instant::now() + limit, bytes.starts_with(b"HEAD ")));
        match result {
            Ok(response) => Ok((response, sent)),
            Err(error) => {
                self.connections.remove(&key);
                Err(self.raw_failure(label, error, sent, reused))
            }
        }
    }

    fn raw_failure(&mut self, label: &str, error: RawError, sent: Sent, reused: bool) -> Box<Failure> {
        let partial = error.partial().to_vec();
        match error {
            RawError::Timeout { .. } => self.no_answer(label, self.request_timeout, sent, Some(partial)),
            RawError::Closed { .. } if reused && partial.is_empty() => {
                if let Some(status) = self.server.exited_within(DYING_GRACE) {
                    return self.crashed(label, status, sent, Some(partial));
                }
                Failure::new(
                    Status::Fail,
                    format!("{label}: the server closed the connection instead of answering a second request on it"),
                )
                .note("HTTP/1.1 keeps a connection open for more requests (keep-alive) unless the request or the response says `Connection: close`: after answering, read the next request from the same connection.")
                .sent(sent)
                .received(Received::Partial(partial))
            }
            RawError::Closed { .. } => self.dropped(
                label,
                "the server closed the connection before a complete response",
                sent,
                Some(partial),
            ),
            RawError::Io(why) => self.dropped(label, &why, sent, Some(partial)),
            RawError::Malformed { why, .. } => Failure::new(
                Status::Fail,
                format!("{label}: the response is not valid HTTP: {why}"),
            )
            .sent(sent)
            .received(Received::Partial(partial)),
        }
    }

    fn concurrent(&mut self, step: &Exchange, n: usize, label: &str) -> Step<String> {
        let bytes = step
            .raw
            .as_ref()
            .map(|r| self.vars.text(r.get_ref()))
            .unwrap_or_default()
            .into_bytes();
        let sent = Sent::Raw { bytes: bytes.clone() };
        let limit = self.request_limit();
        let responses = match raw::concurrent(self.server.port, &bytes, n, limit) {
            Ok(responses) => responses,
            Err(ConcurrentError::Blocked { index }) => {
                return Err(Failure::new(
                    Status::Fail,
                    format!(
                        "{label}: with {n} connections open, connection {} got no response within {} while connection {} had not finished sending its request",
                        index + 1,
                        human_duration(limit),
                        if index == 1 { "1".to_string() } else { format!("1 to {index}") },
                    ),
                )
                .note(format!(
                    "The server seems to handle one connection at a time: while it waits for the rest of one request, nobody else is answered. \
                     Handle each connection on its own thread (or task), so that a slow client cannot block the others. \
                     The check opened {n} connections, sent each request but its last byte, then finished them from the last opened to the first."
                ))
                .sent(sent));
            }
            Err(ConcurrentError::Failed { index, error }) => {
                let label = format!("{label}, connection {} of {n}", index + 1);
                return Err(self.raw_failure(&label, error, sent, false));
            }
        };
        let expect = step.expect();
        for (index, (response, sent)) in responses.iter().enumerate() {
            if let Err(unmet) = expect::check(&expect, response, &self.vars) {
                let label = format!("{label}, connection {} of {n}", index + 1);
                return Err(self.unmet(&label, unmet, Sent::Raw { bytes: sent.clone() }, response.clone()));
            }
        }
        Ok(format!("{n} connections answered at once"))
    }

    fn no_answer(
        &mut self,
        label: &str,
        limit: Duration,
        sent: Sent,
        partial: Option<Vec<u8>>,
    ) -> Box<Failure> {
        if let Some(status) = self.server.exited() {
            return self.crashed(label, status, sent, partial);
        }
        let mut failure = Failure::new(
            Status::Timeout,
            format!("{label}: no response within {}", human_duration(limit)),
        )
        .note("The server accepted the connection but did not answer: look for a read that waits for more than the request sends (a loop until the connection closes, a body read without Content-Length), a lock never released, or an endless loop.")
        .sent(sent);
        if let Some(partial) = partial.filter(|p| !p.is_empty()) {
            failure = failure.received(Received::Partial(partial));
        }
        failure
    }

    fn dropped(&mut self, label: &str, why: &str, sent: Sent, partial: Option<Vec<u8>>) -> Box<Failure> {
        if let Some(status) = self.server.exited_within(DYING_GRACE) {
            return self.crashed(label, status, sent, partial);
        }
        let mut failure = Failure::new(Status::Fail, format!("{label}: {why}")).sent(sent);
        if let Some(partial) = partial {
            failure = failure.received(Received::Partial(partial));
        }
        failure
    }

    fn crashed(
        &mut self,
        label: &str,
        status: std::process::ExitStatus,
        sent: Sent,
        partial: Option<Vec<u8>>,
    ) -> Box<Failure> {
        let verb = if status.success() { "exited" } else { "crashed" };
        let mut failure = Failure::new(
            Status::Fail,
            format!(
                "your server {verb} ({}) while answering {label}",
                describe_status(status)
            ),
        )
        .note("Its output is below: a panic message there says where.")
        .sent(sent);
        if let Some(partial) = partial.filter(|p| !p.is_empty()) {
            failure = failure.received(Received::Partial(partial));
        }
        failure
    }
}

fn escape_line(line: &str) -> String {
    let line: String = line.chars().take(60).collect();
    line.replace('\t', "\\t")
}
