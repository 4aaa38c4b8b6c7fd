//! Requests sent the way a real client sends them: through ureq, one fresh
//! connection per request (no pool: a server that closes after each response
//! is correct, and curl, which reproduces a failure, does the same), no
//! redirects followed (a 302 is something to check), no proxy (the traffic
//! must stay on loopback whatever the environment says), every status returned.

use std::io::{self, Read};
use std::time::Duration;

use ureq::http;

use super::message::{ClientRequest, Response};
use super::raw::UNFRAMED_QUIET;

/// Most a response body may hold before the check gives up on it.
const BODY_LIMIT: u64 = 4 * 1024 * 1024;

/// Why no response came back.
#[derive(Debug)]
pub enum ClientError {
    /// Nothing (or not all of it) within the time limit.
    Timeout,
    /// The connection was refused, reset or closed before a full response.
    Dropped(String),
    /// What came back is not HTTP, or is cut short in a way HTTP forbids.
    Invalid(String),
    /// The request could not be built (a path that is not a valid URI…).
    Request(String),
    /// A body with no length on a connection the server keeps open.
    Unframed,
}

/// ureq's User-Agent, named so that a server's logs show who is asking.
const USER_AGENT: &str = "backlings";

/// The header lines as ureq writes them (names lower-cased, in its order), so
/// that the report shows what was really sent; a test holds this to the wire.
pub fn wire_headers(request: &ClientRequest, port: u16) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    if let Some(body) = &request.body {
        lines.push(("content-length".to_string(), body.len().to_string()));
    }
    if request.header("user-agent").is_none() {
        lines.push(("user-agent".to_string(), USER_AGENT.to_string()));
    }
    if request.header("accept").is_none() {
        lines.push(("accept".to_string(), "*/*".to_string()));
    }
    if request.header("host").is_none() {
        lines.push(("host".to_string(), format!("127.0.0.1:{port}")));
    }
    for (name, value) in &request.headers {
        lines.push((name.to_ascii_lowercase(), value.clone()));
    }
    lines
}

/// A response whose status line and headers have arrived, its body not yet read.
pub struct Pending {
    /// The head; `body` empty.
    pub head: Response,
    body: ureq::Body,
    /// The body has neither Content-Length nor chunked encoding: it ends
    /// when the server closes the connection, if ever.
    ends_at_close: bool,
}

impl Pending {
    /// Read the body. On failure, the response holds what arrived of it. A
    /// body that ends only at the close is read on a thread of its own, so
    /// that a server that sends nothing more for [`UNFRAMED_QUIET`] while
    /// keeping the connection open is judged then, as in raw mode, instead
    /// of after the whole request timeout.
    pub fn finish(self) -> Result<Response, Box<(ClientError, Response)>> {
        if !self.ends_at_close {
            return self.read_all();
        }
        let mut head = self.head.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut body = self.body;
        std::thread::spawn(move || {
            let mut reader = body.with_config().limit(BODY_LIMIT).reader();
            let mut chunk = [0u8; 16 * 1024];
            loop {
                let read = match reader.read(&mut chunk) {
                    Ok(n) => Ok(chunk[..n].to_vec()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(classify(ureq::Error::from(e))),
                };
                let done = !matches!(&read, Ok(bytes) if !bytes.is_empty());
                if tx.send(read).is_err() || done {
                    return;
                }
            }
        });
        loop {
            match rx.recv_timeout(UNFRAMED_QUIET) {
                Ok(Ok(bytes)) if bytes.is_empty() => return Ok(head),
                Ok(Ok(bytes)) => head.body.extend_from_slice(&bytes),
                Ok(Err(error)) => return Err(Box::new((error, head))),
                Err(_) => return Err(Box::new((ClientError::Unframed, head))),
            }
        }
    }

    fn read_all(mut self) -> Result<Response, Box<(ClientError, Response)>> {
        let mut reader = self.body.with_config().limit(BODY_LIMIT).reader();
        let mut body = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.head.body = body;
                    return Err(Box::new((classify(ureq::Error::from(e)), self.head)));
                }
            }
        }
        self.head.body = body;
        Ok(self.head)
    }
}

impl Pending {
    /// The response with as much of its body as arrives within `wait`: the
    /// head already failed, and the body is only evidence. The read goes on
    /// in a thread of its own that ends when the connection does (at the
    /// latest when the server is stopped).
    pub fn glimpse(self, wait: Duration) -> Response {
        let head = self.head.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(self.finish().unwrap_or_else(|failed| failed.1));
        });
        rx.recv_timeout(wait).unwrap_or(head)
    }
}

/// Send the request and read the whole response.
#[cfg(test)]
pub fn send(port: u16, request: &ClientRequest, timeout: Duration) -> Result<Response, ClientError> {
    send_for_head(port, request, timeout)?
        .finish()
        .map_err(|failed| failed.0)
}

/// Send the request and wait for the head of its response only.
pub fn send_for_head(port: u16, request: &ClientRequest, timeout: Duration) -> Result<Pending, ClientError> {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .max_idle_connections(0)
        .max_idle_connections_per_host(0)
        .allow_non_standard_methods(true)
        .user_agent(USER_AGENT)
        .timeout_global(Some(timeout))
        .build()
        .new_agent();
    let mut builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(format!("http://127.0.0.1:{port}{}", request.path));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let result = match &request.body {
        Some(body) => builder
            .body(body.clone())
            .map_err(|e| ClientError::Request(e.to_string()))
            .and_then(|r| agent.run(r).map_err(classify)),
        None => builder
            .body(())
            .map_err(|e| ClientError::Request(e.to_string()))
            .and_then(|r| agent.run(r).map_err(classify)),
    };
    let (parts, body) = result?.into_parts();
    let status = parts.status.as_u16();
    let has_body = request.method != "HEAD" && !(100..200).contains(&status) && !matches!(status, 204 | 304);
    let framed = ["content-length", "transfer-encoding"]
        .iter()
        .any(|name| parts.headers.contains_key(*name));
    let head = Response {
        version: format!("{:?}", parts.version),
        status: parts.status.as_u16(),
        reason: parts.status.canonical_reason().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: Vec::new(),
        raw: None,
    };
    Ok(Pending {
        head,
        body,
        ends_at_close: has_body && !framed,
    })
}

fn classify(err: ureq::Error) -> ClientError {
    match err {
        ureq::Error::Timeout(_) => ClientError::Timeout,
        ureq::Error::Io(e) => match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ClientError::Timeout,
            io::ErrorKind::ConnectionRefused => ClientError::Dropped(
                "the connection was refused: nothing listens on the port any more".into(),
            ),
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
                ClientError::Dropped("the server reset the connection".into())
            }
            io::ErrorKind::UnexpectedEof => ClientError::Dropped(
                "the server closed the connection before the response was complete".into(),
            ),
            _ => ClientError::Dropped(e.to_string()),
        },
        ureq::Error::ConnectionFailed => ClientError::Dropped("the connection failed".into()),
        ureq::Error::Protocol(e) => ClientError::Invalid(e.to_string()),
        ureq::Error::BodyExceedsLimit(limit) => ClientError::Invalid(format!(
            "the response body is larger than the {limit} bytes a check reads"
        )),
        ureq::Error::BadUri(e) => ClientError::Request(format!("invalid URI: {e}")),
        ureq::Error::Http(e) => ClientError::Request(e.to_string()),
        other => ClientError::Invalid(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{Ipv4Addr, TcpListener};
    use std::sync::mpsc;
    use std::thread;

    /// Answers one request with `reply` and hands back the request's bytes.
    fn capture_server(reply: &'static [u8]) -> (u16, mpsc::Receiver<Vec<u8>>) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = stream.read(&mut buf).unwrap_or(0);
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length: usize = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .map_or(0, |l| l.trim().parse().unwrap());
                    if n == 0 || seen.len() >= end + 4 + length {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            stream.write_all(reply).unwrap();
            tx.send(seen).unwrap();
        });
        (port, rx)
    }

    #[test]
    fn sends_what_the_report_shows() {
        let (port, seen) =
            capture_server(b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n");
        let request = ClientRequest {
            method: "POST".into(),
            path: "/notes?x=1".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(b"{}".to_vec()),
        };
        let response = send(port, &request, Duration::from_secs(5)).unwrap();
        assert_eq!(response.status, 302, "redirects are not followed");
        assert_eq!(response.header_values("location"), vec!["/elsewhere"]);
        let wire = String::from_utf8(seen.recv().unwrap()).unwrap();
        let mut expected = "POST /notes?x=1 HTTP/1.1\r\n".to_string();
        for (name, value) in wire_headers(&request, port) {
            expected.push_str(&format!("{name}: {value}\r\n"));
        }
        expected.push_str("\r\n{}");
        assert_eq!(wire, expected);
    }

    #[test]
    fn a_given_accept_or_user_agent_replaces_the_default() {
        let (port, seen) = capture_server(b"HTTP/1.1 204 No Content\r\n\r\n");
        let request = ClientRequest {
            method: "GET".into(),
            path: "/".into(),
            headers: vec![
                ("Accept".into(), "text/html".into()),
                ("User-Agent".into(), "curl/8".into()),
            ],
            body: None,
        };
        send(port, &request, Duration::from_secs(5)).unwrap();
        let wire = String::from_utf8(seen.recv().unwrap()).unwrap();
        let mut sent: Vec<&str> = wire.trim_end().split("\r\n").skip(1).collect();
        let shown = wire_headers(&request, port)
            .into_iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect::<Vec<_>>();
        let mut shown: Vec<&str> = shown.iter().map(String::as_str).collect();
        sent.sort();
        shown.sort();
        assert_eq!(sent, shown);
    }

    #[test]
    fn error_statuses_are_responses() {
        let (port, _seen) =
            capture_server(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
        let request = ClientRequest {
            method: "GET".into(),
            path: "/".into(),
            headers: vec![],
            body: None,
        };
        let response = send(port, &request, Duration::from_secs(5)).unwrap();
        assert_eq!((response.status, response.body.as_slice()), (503, &b"busy"[..]));
    }
}
