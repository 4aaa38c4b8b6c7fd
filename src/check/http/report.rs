//! Evidence for a failed exchange: the request as sent, the response as
//! received (body capped), what was expected, a command line that sends the
//! same request again, and the server's own output, apart.

use crate::outcome::{Detail, Outcome, human_duration};
use crate::process::Finished;

use super::conversation::{Ended, Failure, Received};
use super::server::{Launch, StartFailure};

use super::exchange::wire_headers;
use super::expect::{Unmet, escape_bytes};
use super::message::{Response, Sent};
use super::spec::Pattern;

/// Most of a body shown in a report; the rest is counted, not shown.
const BODY_SHOWN: usize = 4 * 1024;

/// A failed exchange as an outcome: why, what was expected, the request and
/// the response, how to reproduce it, what passed before, the server's output.
/// How the server was started, for the line that starts it again by hand.
pub struct Replay {
    pub launch: Launch,
    /// The check's temporary folder, gone by the time the learner reads this:
    /// the line makes a new one where the check's path appears.
    pub temp_dir: String,
}

pub fn failure_outcome(
    failure: Failure,
    ended: &Ended,
    port: u16,
    program: &str,
    replay: &Replay,
) -> Outcome {
    let mut outcome = Outcome::new(failure.status, failure.message);
    if let Some(unmet) = &failure.unmet {
        outcome.push(unmet_detail(unmet));
    }
    if !failure.files.is_empty() {
        outcome.push(Detail::Checklist {
            title: "files in the check's temporary folder, {temp_dir}, after the response".into(),
            items: failure.files.clone(),
        });
    }
    for note in failure.notes.into_iter().chain(ended.notes.iter().cloned()) {
        outcome.push(Detail::Text { text: note });
    }
    if let Some(sent) = &failure.sent {
        outcome.push(request_detail(sent, port));
    }
    match &failure.received {
        Some(Received::Response(response)) => outcome.push(response_detail(response)),
        Some(Received::Partial(bytes)) => outcome.push(partial_detail(bytes)),
        None => {}
    }
    if let Some(sent) = &failure.sent {
        for detail in reproduce(sent, port, program, replay, failure.concurrency) {
            outcome.push(detail);
        }
    }
    if !ended.transcript.is_empty() {
        let lines: Vec<String> = ended.transcript.iter().map(|line| format!("  {line}")).collect();
        outcome.push(Detail::Text {
            text: format!("Before this, as expected:\n{}", lines.join("\n")),
        });
    }
    outcome.push(server_output(&ended.output));
    outcome
}

/// A server that never became ready to take requests.
pub fn start_failure(failure: StartFailure) -> Outcome {
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
            .with(server_output(&output))
        }
        StartFailure::Exited { port, output } => Outcome::error(format!(
            "your server exited ({}) before listening on 127.0.0.1:{port}",
            output.describe_exit()
        ))
        .with(server_output(&output)),
        StartFailure::Ipv6Only { port, output } => Outcome::error(format!(
            "your server listens on [::1]:{port}, the IPv6 loopback, only; the checks connect to 127.0.0.1:{port}, where nothing listens"
        ))
        .with(Detail::Text {
            text: "`localhost` can mean ::1 as well as 127.0.0.1, and a client that picks the other address finds nobody. \
                   Bind 127.0.0.1 (or 0.0.0.0 for every address): `TcpListener::bind((\"127.0.0.1\", port))`."
                .into(),
        })
        .with(server_output(&output)),
    }
}

/// The request as it went out, headers and body.
pub fn request_detail(sent: &Sent, port: u16) -> Detail {
    let (text, truncated_bytes) = match sent {
        Sent::Client(request) => {
            let mut text = format!("{} {} HTTP/1.1\n", request.method, request.path);
            for (name, value) in wire_headers(request, port) {
                text.push_str(&format!("{name}: {value}\n"));
            }
            let mut cut = 0;
            if let Some(body) = &request.body {
                let (shown, rest) = capped(body);
                text.push('\n');
                text.push_str(&shown);
                cut = rest;
            }
            (text, cut)
        }
        Sent::Raw { bytes } => capped_escaped(bytes),
        Sent::Connect => ("(a connection opened; nothing sent)".to_string(), 0),
    };
    Detail::Output {
        title: match sent {
            Sent::Client(_) => "request sent".into(),
            Sent::Raw { .. } => "bytes sent on the connection (\\r and \\n shown)".into(),
            Sent::Connect => "connection".into(),
        },
        text,
        truncated_bytes,
    }
}

/// The response as it came back.
pub fn response_detail(response: &Response) -> Detail {
    if let Some(raw) = &response.raw {
        let (text, truncated_bytes) = capped_escaped(raw);
        return Detail::Output {
            title: "response received (\\r and \\n shown)".into(),
            text,
            truncated_bytes,
        };
    }
    let mut text = format!("{} {}\n", response.version, response.status_line());
    for (name, value) in &response.headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    let (body, truncated_bytes) = capped(&response.body);
    if !body.is_empty() {
        text.push('\n');
        text.push_str(&body);
    }
    Detail::Output {
        title: "response received".into(),
        text,
        truncated_bytes,
    }
}

/// Bytes that came back without forming a complete response.
pub fn partial_detail(bytes: &[u8]) -> Detail {
    let (text, truncated_bytes) = if bytes.is_empty() {
        ("(nothing)".to_string(), 0)
    } else {
        capped_escaped(bytes)
    };
    Detail::Output {
        title: "bytes received (\\r and \\n shown)".into(),
        text,
        truncated_bytes,
    }
}

fn unmet_detail(unmet: &Unmet) -> Detail {
    Detail::Mismatch {
        what: unmet.what.clone(),
        expected: unmet.expected.clone(),
        found: unmet.found.clone(),
    }
}

/// How to start the server by hand on the same port, and send the request
/// again; for a concurrency failure, clients that take turns the same way.
pub fn reproduce(
    sent: &Sent,
    port: u16,
    program: &str,
    replay: &Replay,
    concurrency: Option<(Pattern, usize)>,
) -> Vec<Detail> {
    let start = start_line(port, program, replay);
    let (title, command) = match (sent, concurrency) {
        (Sent::Raw { bytes }, Some((pattern, n))) => concurrent_replay(bytes, port, pattern, n),
        (Sent::Client(_), _) => (
            "then, in another terminal, send the same request".into(),
            curl_line(sent, port),
        ),
        (Sent::Raw { bytes }, None) => (
            "then, in another terminal, send the same request".into(),
            raw_replay(bytes, port),
        ),
        (Sent::Connect, _) => (
            "then, in another terminal, connect to it".into(),
            format!("curl -sS --max-time 2 telnet://127.0.0.1:{port} </dev/null"),
        ),
    };
    vec![
        Detail::Command {
            title: "try it yourself: start your server (in the exercises folder)".into(),
            command: start,
        },
        Detail::Command { title, command },
    ]
}

/// `PORT=… cargo run --quiet --bin NAME -- ARGS`, with the exercise's
/// environment; the check's folder, removed by now, becomes a new one.
fn start_line(port: u16, program: &str, replay: &Replay) -> String {
    let mut uses_dir = false;
    let mut word = |text: &str| {
        if replay.temp_dir.is_empty() || !text.contains(&replay.temp_dir) {
            return shell_quote(text);
        }
        uses_dir = true;
        text.split(replay.temp_dir.as_str())
            .map(|part| {
                if part.is_empty() {
                    String::new()
                } else {
                    shell_quote(part)
                }
            })
            .collect::<Vec<_>>()
            .join("\"$DIR\"")
    };
    let mut line = String::new();
    for (key, value) in &replay.launch.env {
        line.push_str(&format!("{key}={} ", word(value)));
    }
    line.push_str(&format!("PORT={port} cargo run --quiet --bin {program}"));
    if !replay.launch.args.is_empty() {
        line.push_str(" --");
        for arg in &replay.launch.args {
            line.push(' ');
            line.push_str(&word(arg));
        }
    }
    if uses_dir {
        line = format!("DIR=$(mktemp -d); {line}");
    }
    line
}

/// Shell clients that take turns as the check's connections did: the ones
/// that hold a connection open run in the background, and the last client
/// shows whether the server still answers.
fn concurrent_replay(bytes: &[u8], port: u16, pattern: Pattern, n: usize) -> (String, String) {
    let request = printf_format(bytes);
    let cut = printf_format(&bytes[..bytes.len().saturating_sub(1)]);
    let url = format!("telnet://127.0.0.1:{port}");
    let holders = n.saturating_sub(1).max(1);
    let hold = |format: &str| {
        format!(
            "(printf {}; sleep 5) | curl -sS --max-time 6 {url} &",
            shell_quote(format)
        )
    };
    let last = format!("printf {} | curl -sS --max-time 3 {url}", shell_quote(&request));
    let (title, holding) = match pattern {
        Pattern::Interleaved => (
            "then, in another terminal: one client sends all but the last byte of its request and waits; a second sends a whole request. If the second gets no answer, your server is stuck on the first",
            vec![hold(&cut); holders],
        ),
        Pattern::AtOnce => (
            "then, in another terminal: clients send whole requests at once and keep their connections open. If the last gets no answer, your server serves one connection at a time",
            vec![hold(&request); holders],
        ),
        Pattern::Rounds => (
            "then, in another terminal: one client sends a request and keeps its connection open; a second sends a request. If the second gets no answer, your server serves one kept-open connection at a time",
            vec![hold(&request); holders],
        ),
    };
    let mut command = holding.join(" ");
    command.push_str(&format!(" sleep 1; {last}; wait"));
    (title.to_string(), command)
}

/// `curl -i -X POST 'http://127.0.0.1:PORT/path' -H '…' --data-raw '…'`
pub fn curl_line(sent: &Sent, port: u16) -> String {
    let Sent::Client(request) = sent else {
        return String::new();
    };
    let mut parts = vec!["curl".to_string(), "-i".to_string()];
    match request.method.as_str() {
        // `-X HEAD` makes curl wait for a body that never comes.
        "HEAD" => parts.push("--head".into()),
        "GET" => {}
        method => {
            parts.push("-X".into());
            parts.push(method.into());
        }
    }
    parts.push(shell_quote(&format!("http://127.0.0.1:{port}{}", request.path)));
    for (name, value) in &request.headers {
        parts.push("-H".into());
        parts.push(shell_quote(&format!("{name}: {value}")));
    }
    if let Some(body) = &request.body {
        if request.header("content-type").is_none() {
            // curl would add a form Content-Type that the check did not send.
            parts.push("-H".into());
            parts.push(shell_quote("Content-Type:"));
        }
        parts.push("--data-raw".into());
        parts.push(shell_quote(&String::from_utf8_lossy(body)));
    }
    parts.join(" ")
}

/// Exact bytes over TCP: printf writes them, curl's telnet mode sends them
/// unchanged and prints what comes back.
pub fn raw_replay(bytes: &[u8], port: u16) -> String {
    format!(
        "printf {} | curl -sS --max-time 5 telnet://127.0.0.1:{port}",
        shell_quote(&printf_format(bytes))
    )
}

/// A printf format that writes exactly `bytes`.
fn printf_format(bytes: &[u8]) -> String {
    let mut format = String::new();
    for &b in bytes {
        match b {
            b'\r' => format.push_str("\\r"),
            b'\n' => format.push_str("\\n"),
            b'\t' => format.push_str("\\t"),
            b'\\' => format.push_str("\\\\"),
            b'%' => format.push_str("%%"),
            b' '..=b'~' => format.push(b as char),
            other => format.push_str(&format!("\\{other:03o}")),
        }
    }
    format
}

/// Quote for a POSIX shell: bare when safe, else in single quotes.
pub fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if safe {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The server's stdout and stderr, interleaved as a terminal would show them.
pub fn server_output(output: &Finished) -> Detail {
    let text = output.stdout.text();
    Detail::Output {
        title: "your server's output (stdout and stderr)".into(),
        text: if text.trim().is_empty() {
            "(it printed nothing)".into()
        } else {
            text
        },
        truncated_bytes: output.stdout.truncated_bytes,
    }
}

fn capped(bytes: &[u8]) -> (String, u64) {
    let shown = &bytes[..bytes.len().min(BODY_SHOWN)];
    (
        String::from_utf8_lossy(shown).into_owned(),
        (bytes.len() - shown.len()) as u64,
    )
}

fn capped_escaped(bytes: &[u8]) -> (String, u64) {
    let shown = &bytes[..bytes.len().min(BODY_SHOWN)];
    (escape_bytes(shown), (bytes.len() - shown.len()) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::http::message::ClientRequest;

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("abc/d-1"), "abc/d-1");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }

    #[test]
    fn curl_reproduces_method_headers_and_body() {
        let sent = Sent::Client(ClientRequest {
            method: "POST".into(),
            path: "/notes?x=1&y=2".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(br#"{"title":"it's"}"#.to_vec()),
        });
        assert_eq!(
            curl_line(&sent, 4000),
            r#"curl -i -X POST 'http://127.0.0.1:4000/notes?x=1&y=2' -H 'Content-Type: application/json' --data-raw '{"title":"it'\''s"}'"#
        );
        let head = Sent::Client(ClientRequest {
            method: "HEAD".into(),
            path: "/".into(),
            headers: vec![],
            body: None,
        });
        assert_eq!(curl_line(&head, 1), "curl -i --head http://127.0.0.1:1/");
    }

    #[test]
    fn raw_replay_keeps_every_byte() {
        assert_eq!(
            raw_replay(b"GET /100% HTTP/1.1\r\nX: it's\\\x01\r\n\r\n", 9),
            r"printf 'GET /100%% HTTP/1.1\r\nX: it'\''s\\\001\r\n\r\n' | curl -sS --max-time 5 telnet://127.0.0.1:9"
        );
    }
}
