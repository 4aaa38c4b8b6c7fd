//! Requests sent the way a real client sends them: through ureq, one fresh
//! connection per request (no pool: a server that closes after each response
//! is correct, and curl, which reproduces a failure, does the same), no
//! redirects followed (a 302 is something to check), no proxy (the traffic
//! must stay on loopback whatever the environment says), every status returned.

use std::io;
use std::time::Duration;

use ureq::http;

use super::message::{ClientRequest, Response};

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
}

pub fn send(port: u16, request: &ClientRequest, timeout: Duration) -> Result<Response, ClientError> {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .max_idle_connections(0)
        .max_idle_connections_per_host(0)
        .allow_non_standard_methods(true)
        .user_agent("backlings")
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
    let mut response = result?;
    let body = response
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_vec()
        .map_err(classify)?;
    Ok(Response {
        version: format!("{:?}", response.version()),
        status: response.status().as_u16(),
        reason: response
            .status()
            .canonical_reason()
            .unwrap_or_default()
            .to_string(),
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        raw: None,
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
