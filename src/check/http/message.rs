//! HTTP messages as the checks see them: what was sent and what came back,
//! the same for the HTTP client and for raw TCP.

/// A request as sent: by the client (method, path, headers, body) or as exact bytes.
#[derive(Debug, Clone)]
pub enum Sent {
    Client(ClientRequest),
    Raw {
        /// Everything written on this connection so far (keep-alive replays all of it).
        bytes: Vec<u8>,
    },
    /// A connection opened, nothing written.
    Connect,
}

#[derive(Debug, Clone)]
pub struct ClientRequest {
    pub method: String,
    /// Path and query, variables already in place.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl ClientRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response, parsed.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// `HTTP/1.1`
    pub version: String,
    pub status: u16,
    pub reason: String,
    /// In the order received; names as received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Raw mode: the exact bytes of the whole response.
    pub raw: Option<Vec<u8>>,
}

impl Response {
    /// Every value of a header (names are case-insensitive; Set-Cookie comes several times).
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `200 OK`, or just `200` when the reason is missing.
    pub fn status_line(&self) -> String {
        status_with_reason(self.status, &self.reason)
    }
}

/// `404 Not Found`: the code with the reason the server gave, or the standard one.
pub fn status_with_reason(status: u16, reason: &str) -> String {
    let reason = if reason.is_empty() {
        standard_reason(status).unwrap_or("")
    } else {
        reason
    };
    if reason.is_empty() {
        status.to_string()
    } else {
        format!("{status} {reason}")
    }
}

pub fn standard_reason(status: u16) -> Option<&'static str> {
    ureq::http::StatusCode::from_u16(status).ok()?.canonical_reason()
}
