//! The exchanges, one after another, against a running server: each request
//! sent (by the HTTP client or as raw bytes), its response checked, variables
//! captured for the next; the first failure stops the run with its evidence.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::exchange::{self, ClientError};
use super::expect::{self, Unmet};
use super::message::{ClientRequest, Response, Sent};
use super::raw::{self, ConcurrentError, RawConn, RawError};
use super::server::Server;
use super::spec::{Exchange, HttpSpec, to_json};
use super::template::Vars;
use crate::outcome::{Status, human_duration};
use crate::process::{Finished, describe_status};

/// How long a server that dropped a connection gets to finish exiting, so a
/// crash is reported as a crash.
const DYING_GRACE: Duration = Duration::from_millis(500);
/// How long a connection must stay open to count as kept open (`closes = false`).
const KEPT_OPEN: Duration = Duration::from_millis(50);

/// What came back for a failed exchange, if anything.
pub enum Received {
    Response(Response),
    Partial(Vec<u8>),
}

/// An exchange's result; the failure is boxed, being large and rare.
pub type Step<T> = std::result::Result<T, Box<Failure>>;

/// Why the exchanges stopped, and the evidence.
pub struct Failure {
    pub status: Status,
    pub message: String,
    pub unmet: Option<Unmet>,
    /// Explanations: what the failure usually means, what to look at.
    pub notes: Vec<String>,
    pub sent: Option<Sent>,
    pub received: Option<Received>,
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

pub struct Conversation {
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

/// What is left when the conversation is over.
pub struct Ended {
    /// The server's output, now that it is stopped.
    pub output: Finished,
    pub transcript: Vec<String>,
    pub requests: usize,
}

impl Conversation {
    /// `limit` bounds all the exchanges together; `request_timeout` each response.
    pub fn new(server: Server, vars: Vars, limit: Duration, request_timeout: Duration) -> Self {
        Conversation {
            server,
            vars,
            connections: HashMap::new(),
            deadline: Instant::now() + limit,
            limit,
            request_timeout,
            transcript: Vec::new(),
            requests: 0,
        }
    }

    /// Close the connections, stop the server.
    pub fn end(self) -> Ended {
        drop(self.connections);
        Ended {
            output: self.server.stop(),
            transcript: self.transcript,
            requests: self.requests,
        }
    }

    pub fn run_all(&mut self, spec: &HttpSpec) -> Step<()> {
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
                .map(|p| origin_relative(&self.vars.text(p.get_ref())))
                .unwrap_or_default(),
            headers,
            body,
        }
    }

    /// A raw step's bytes, its placeholders filled in.
    fn raw_bytes(&self, step: &Exchange) -> Vec<u8> {
        step.raw
            .as_ref()
            .map(|r| self.vars.text(r.get_ref()))
            .unwrap_or_default()
            .into_bytes()
    }

    fn raw(&mut self, step: &Exchange, label: &str) -> Step<(Response, Sent)> {
        let bytes = self.raw_bytes(step);
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
            // A kept connection that fails before any byte of an answer: the server closed it.
            RawError::Closed { .. } | RawError::Io(_) if reused && partial.is_empty() => {
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
        let bytes = self.raw_bytes(step);
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

/// A path that came from a captured value (`path = "{location}"`) may be an
/// absolute URL on the server itself, as `Location` headers often are: keep
/// the path and query. Anything else is sent as it is, and a value that is not
/// a path then fails as the server's own answer would show.
fn origin_relative(path: &str) -> String {
    match path
        .strip_prefix("http://127.0.0.1:")
        .or_else(|| path.strip_prefix("http://localhost:"))
    {
        Some(rest) => match rest.find('/') {
            Some(slash) => rest[slash..].to_string(),
            None => "/".to_string(),
        },
        None if path.starts_with('/') => path.to_string(),
        None => format!("/{path}"),
    }
}

#[cfg(test)]
mod origin_tests {
    use super::origin_relative;

    #[test]
    fn captured_locations_become_paths() {
        assert_eq!(origin_relative("/notes/3"), "/notes/3");
        assert_eq!(
            origin_relative("http://127.0.0.1:4312/notes/3?x=1"),
            "/notes/3?x=1"
        );
        assert_eq!(origin_relative("http://localhost:80"), "/");
        assert_eq!(origin_relative("notes/3"), "/notes/3");
    }
}
