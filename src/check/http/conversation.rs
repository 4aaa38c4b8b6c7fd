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
use super::spec::{Exchange, Expect, HttpSpec, Pattern, to_json};
use super::template::Vars;
use super::workspace::Workspace;
use crate::outcome::{CheckItem, Status, human_duration};
use crate::process::{Finished, describe_status};

/// How long a server that dropped a connection gets to finish exiting, so a
/// crash is reported as a crash.
const DYING_GRACE: Duration = Duration::from_millis(500);
/// How long a connection must stay open to count as kept open (`closes = false`).
const KEPT_OPEN: Duration = Duration::from_millis(50);
const UNFRAMED: &str = "the response has no Content-Length (nor chunked encoding), so its body ends only when the connection closes — and the server kept it open";
/// Why a body with no length fails on a kept-open connection: servers written
/// to a tester that reads until the close, or only the first response, do it.
const UNFRAMED_WHY: &str = "Why this fails: the connection stays open (HTTP/1.1's default), so a client cannot know where a body with no length ends: it waits for more. \
Send `Content-Length: N` with the body's size in bytes (or use chunked encoding), or close the connection after the response and say so with `Connection: close`.";
/// How long the body of a response whose head already failed may take to
/// arrive, to be shown with it: a framed body is there at once, and one
/// that never ends must not keep the learner waiting for a known verdict.
const GLIMPSE: Duration = Duration::from_millis(100);

/// What came back for a failed exchange, if anything.
pub enum Received {
    Response(Response),
    Partial(Vec<u8>),
}

/// An exchange's result; the failure is boxed, being large and rare.
pub type Step<T> = Result<T, Box<Failure>>;

/// Why the exchanges stopped, and the evidence.
pub struct Failure {
    pub status: Status,
    pub message: String,
    pub unmet: Option<Unmet>,
    /// Explanations: what the failure usually means, what to look at.
    pub notes: Vec<String>,
    pub sent: Option<Sent>,
    pub received: Option<Received>,
    /// Files expected after the exchange, each passed or failed.
    pub files: Vec<CheckItem>,
    /// Set for a concurrency failure: how the connections took turns.
    pub concurrency: Option<(Pattern, usize)>,
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
            files: Vec::new(),
            concurrency: None,
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

pub struct Conversation<'a> {
    server: Server,
    vars: Vars,
    workspace: &'a Workspace,
    /// Named connections kept open across raw exchanges (keep-alive).
    connections: HashMap<String, RawConn>,
    deadline: Instant,
    limit: Duration,
    request_timeout: Duration,
    /// The limit on each response of the exchange under way (its own, or the exercise's).
    exchange_timeout: Duration,
    /// One line per exchange that met its expectations.
    transcript: Vec<String>,
    /// Remarks on answers that passed but are not what the RFC says.
    notes: Vec<String>,
    requests: usize,
}

/// What is left when the conversation is over.
pub struct Ended {
    /// The server's output, now that it is stopped.
    pub output: Finished,
    pub transcript: Vec<String>,
    pub notes: Vec<String>,
    pub requests: usize,
}

impl<'a> Conversation<'a> {
    /// `limit` bounds all the exchanges together; `request_timeout` each response.
    pub fn new(
        server: Server,
        vars: Vars,
        workspace: &'a Workspace,
        limit: Duration,
        request_timeout: Duration,
    ) -> Self {
        Conversation {
            server,
            vars,
            workspace,
            connections: HashMap::new(),
            deadline: Instant::now() + limit,
            limit,
            request_timeout,
            exchange_timeout: request_timeout,
            transcript: Vec::new(),
            notes: Vec::new(),
            requests: 0,
        }
    }

    /// Close the connections, stop the server.
    pub fn end(self) -> Ended {
        drop(self.connections);
        Ended {
            output: self.server.stop(),
            transcript: self.transcript,
            notes: self.notes,
            requests: self.requests,
        }
    }

    pub fn run_all(&mut self, spec: &HttpSpec) -> Step<()> {
        let total = spec.exchanges.get_ref().len();
        for (index, step) in spec.exchanges.get_ref().iter().enumerate() {
            let step = step.get_ref();
            self.exchange_timeout = step.request_timeout().unwrap_or(self.request_timeout);
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
            _ if step.is_connect() => "connect".to_string(),
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
        self.exchange_timeout
            .min(self.time_left())
            .max(Duration::from_millis(1))
    }

    /// Send one request of `step`, check what comes back, capture variables.
    /// Returns a short summary for the transcript.
    fn exchange(&mut self, step: &Exchange, label: &str) -> Step<String> {
        let expect = step.expect();
        if step.is_connect() {
            return self.connect(step, label);
        }
        let (response, sent) = if step.raw.is_some() {
            if let Some(n) = &step.concurrent {
                return self.concurrent(step, *n.get_ref() as usize, label);
            }
            self.raw(step, label, &expect)?
        } else {
            self.client(step, label, &expect)?
        };
        if let Err(unmet) = expect::check_body(&expect, &response, &self.vars) {
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
        if !expect.files.is_empty() {
            let files: Vec<_> = expect.files.iter().map(|f| f.get_ref().clone()).collect();
            if let Err(unmet) = self.workspace.check(&files, &self.vars) {
                let mut failure = Failure::new(Status::Fail, format!("{label}: {}", unmet.message))
                    .sent(sent)
                    .received(Received::Response(response));
                failure.files = unmet.items;
                return Err(failure);
            }
        }
        if let Some(note) = expect::reason_note(&response)
            && !self.notes.contains(&note)
        {
            self.notes.push(note);
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

    fn client(&mut self, step: &Exchange, label: &str, expect: &Expect) -> Step<(Response, Sent)> {
        let request = self.client_request(step);
        let sent = Sent::Client(request.clone());
        let limit = self.request_limit();
        let pending = match exchange::send_for_head(self.server.port, &request, limit) {
            Ok(pending) => pending,
            Err(error) => return Err(self.client_failure(label, error, sent, limit, None)),
        };
        if let Err(unmet) = expect::check_head(expect, &pending.head, &self.vars) {
            return Err(self.unmet(label, unmet, sent, pending.glimpse(GLIMPSE)));
        }
        match pending.finish() {
            Ok(response) => Ok((response, sent)),
            Err(failed) => {
                let (error, partial) = *failed;
                Err(self.client_failure(label, error, sent, limit, Some(partial)))
            }
        }
    }

    /// The client got no complete response; `partial` is what came of one
    /// whose head did arrive.
    fn client_failure(
        &mut self,
        label: &str,
        error: ClientError,
        sent: Sent,
        limit: Duration,
        partial: Option<Response>,
    ) -> Box<Failure> {
        if let Some(head) = &partial
            && let Some((status, why)) = short_body(head, &error, limit)
        {
            return Failure::new(status, format!("{label}: {why}"))
                .sent(sent)
                .received(Received::Response(head.clone()));
        }
        let received = partial.map(Received::Response);
        let with = |failure: Box<Failure>| match received {
            Some(received) => failure.received(received),
            None => failure,
        };
        match error {
            ClientError::Timeout => with(self.no_answer(label, limit, sent, None)),
            ClientError::Dropped(why) => with(self.dropped(label, &why, sent, None)),
            ClientError::Invalid(why) => with(
                Failure::new(
                    Status::Fail,
                    format!("{label}: the response is not valid HTTP: {why}"),
                )
                .sent(sent),
            ),
            ClientError::Unframed => with(
                Failure::new(Status::Fail, format!("{label}: {UNFRAMED}"))
                    .note(UNFRAMED_WHY)
                    .sent(sent),
            ),
            ClientError::Request(why) => Failure::new(
                Status::Error,
                format!(
                    "{label}: the request could not be built ({why}); the exercise's info.toml needs fixing"
                ),
            ),
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

    fn raw(&mut self, step: &Exchange, label: &str, expect: &Expect) -> Step<(Response, Sent)> {
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
        let deadline = Instant::now() + limit;
        let head = sending.and_then(|()| conn.read_head(deadline));
        let (head, head_end) = match head {
            Ok(head) => head,
            Err(error) => {
                self.connections.remove(&key);
                return Err(self.raw_failure(label, error, sent, reused));
            }
        };
        let conn = self.connections.get_mut(&key).expect("inserted above");
        if let Err(unmet) = expect::check_head(expect, &head, &self.vars) {
            let shown = conn.glimpse(head, head_end, GLIMPSE, bytes.starts_with(b"HEAD "));
            self.connections.remove(&key);
            return Err(self.unmet(label, unmet, sent, shown));
        }
        match conn.read_body(head, head_end, deadline, bytes.starts_with(b"HEAD ")) {
            Ok(response) => Ok((response, sent)),
            Err(error) => {
                self.connections.remove(&key);
                Err(self.raw_failure(label, error, sent, reused))
            }
        }
    }

    /// Open a connection and see the server accept it; keep it under its
    /// name, if it has one, for later raw exchanges.
    fn connect(&mut self, step: &Exchange, label: &str) -> Step<String> {
        let limit = self.request_limit();
        let sent = Sent::Connect;
        let mut conn = RawConn::open(self.server.port, limit)
            .map_err(|e| self.raw_failure(label, e, sent.clone(), false))?;
        let local_port = conn.local_port();
        let accepted = self.server.accepts(local_port, || conn.peer_closed(), limit);
        if !accepted {
            return Err(Failure::new(
                Status::Fail,
                format!(
                    "{label}: the server listens, but did not accept the connection within {}",
                    human_duration(limit)
                ),
            )
            .note("A listening socket queues connections until the program takes them: call `listener.accept()`, or loop over `listener.incoming()`, after binding.")
            .sent(sent));
        }
        if let Some(name) = &step.connection {
            self.connections.insert(name.get_ref().clone(), conn);
        }
        Ok("connected, accepted".to_string())
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
            RawError::Unframed { .. } => Failure::new(Status::Fail, format!("{label}: {UNFRAMED}"))
                .note(UNFRAMED_WHY)
                .sent(sent)
                .received(Received::Partial(partial)),
        }
    }

    fn concurrent(&mut self, step: &Exchange, n: usize, label: &str) -> Step<String> {
        let bytes = self.raw_bytes(step);
        let sent = Sent::Raw { bytes: bytes.clone() };
        let limit = self.request_limit();
        let pattern = step.pattern();
        let responses = match raw::concurrent(self.server.port, &bytes, n, limit, pattern) {
            Ok(responses) => responses,
            Err(ConcurrentError::Blocked { index, round }) => {
                let mut failure = blocked(label, pattern, n, index, round, limit).sent(sent);
                failure.concurrency = Some((pattern, n));
                return Err(failure);
            }
            Err(ConcurrentError::Failed { index, error, reused }) => {
                let label = format!("{label}, connection {} of {n}", index + 1);
                let mut failure = self.raw_failure(&label, error, sent, reused);
                failure.concurrency = Some((pattern, n));
                return Err(failure);
            }
        };
        let expect = step.expect();
        for (index, (response, sent)) in responses.iter().enumerate() {
            if let Err(unmet) = expect::check(&expect, response, &self.vars) {
                let label = format!("{label}, connection {} of {n}", index % n + 1);
                return Err(self.unmet(&label, unmet, Sent::Raw { bytes: sent.clone() }, response.clone()));
            }
        }
        Ok(match pattern {
            Pattern::Interleaved => format!("{n} connections answered at once"),
            Pattern::AtOnce => format!("{n} complete requests sent at once, all answered"),
            Pattern::Rounds => format!("{n} kept connections answered in turn, twice"),
        })
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

/// A body the client got less of than its Content-Length said, and why,
/// naming the layer that is wrong when the length counts the decoded text.
fn short_body(head: &Response, error: &ClientError, limit: Duration) -> Option<(Status, String)> {
    let length = head
        .header_values("content-length")
        .first()
        .and_then(|l| l.trim().parse::<usize>().ok())?;
    if head.body.len() >= length {
        return None;
    }
    let (status, stop) = match error {
        ClientError::Timeout => (
            Status::Timeout,
            format!("nothing more arrived within {}", human_duration(limit)),
        ),
        ClientError::Dropped(_) => (Status::Fail, "the connection closed".to_string()),
        ClientError::Invalid(_) | ClientError::Request(_) | ClientError::Unframed => return None,
    };
    let mut why = format!(
        "Content-Length says {length} bytes, but {stop} after {}",
        head.body.len()
    );
    let codings = super::encoding::codings(&head.header_values("content-encoding"));
    if let Some(layer) = super::encoding::length_counts_decoded(&codings, &head.body, length) {
        why = format!("{why}: {layer}");
    }
    Some((status, why))
}

/// A server that left connection `index` unanswered while others were open.
fn blocked(
    label: &str,
    pattern: Pattern,
    n: usize,
    index: usize,
    round: usize,
    limit: Duration,
) -> Box<Failure> {
    let (others, unfinished) = if index == 1 {
        (
            "connection 1".to_string(),
            "connection 1 had not finished sending its request".to_string(),
        )
    } else {
        (
            format!("connections 1 to {index}"),
            format!("connections 1 to {index} had not finished sending theirs"),
        )
    };
    let wait = human_duration(limit);
    let (message, how) = match pattern {
        Pattern::Interleaved => (
            format!(
                "{label}: with {n} connections open, connection {} got no response within {wait} while {unfinished}",
                index + 1,
            ),
            format!(
                "The check opened {n} connections, sent each request but its last byte, then finished them from the last opened to the first."
            ),
        ),
        Pattern::AtOnce => (
            format!(
                "{label}: {n} complete requests were sent at once, and connection {} got no response within {wait}",
                index + 1
            ),
            format!(
                "The check opened {n} connections, sent the whole request on each, then read the answers from the last opened to the first. A server that keeps the first connection open for its next request, and reads nothing else meanwhile, never answers the others."
            ),
        ),
        Pattern::Rounds if round == 0 => (
            format!(
                "{label}: connection {} got no response within {wait} while {others} stayed open",
                index + 1
            ),
            format!(
                "The check opened {n} connections and sent one request on each in turn, keeping every connection open (HTTP/1.1 keep-alive); then a second round on the same connections."
            ),
        ),
        Pattern::Rounds => (
            format!(
                "{label}: in the second round, connection {} got no response within {wait}",
                index + 1
            ),
            format!(
                "The check sent one request on each of {n} kept-open connections, then a second request on each, in the same order; the first round was answered."
            ),
        ),
    };
    Failure::new(Status::Fail, message).note(format!(
        "The server seems to handle one connection at a time: while it waits on one, nobody else is answered. \
         Handle each connection on its own thread (or task), so that one client cannot block the others. {how}"
    ))
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
