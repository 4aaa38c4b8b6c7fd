//! Raw TCP: exact bytes to the server, and its response read and parsed here,
//! strictly, because the from-scratch stage is about getting those bytes right
//! (the CRLFs, the Content-Length, keeping the connection open or closing it).

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::encoding;
use super::message::Response;
use super::spec::Pattern;

/// Most a response's status line and headers may take.
const MAX_HEAD: usize = 64 * 1024;
/// The commonest from-scratch mistake, explained.
const LF_ALONE: &str = "its lines end with \\n alone; HTTP ends each line with \\r\\n, and the headers with an empty line (\\r\\n\\r\\n)";
/// Most a response body may take.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// How long a server that has stopped sending gets to close the connection
/// when the verdict hangs on that close: a body with no length (kept open:
/// it fails), and a response announcing `Connection: close` (read to the
/// close, to count any bytes past its Content-Length). A server that ends a
/// response by closing closes right after its last write; waiting out the
/// whole request timeout would only make the learner wait for the same verdict.
pub const UNFRAMED_QUIET: Duration = Duration::from_millis(250);

/// Why a raw response could not be read.
#[derive(Debug)]
pub enum RawError {
    /// Nothing more arrived within the time limit.
    Timeout { partial: Vec<u8> },
    /// The connection closed before a complete response.
    Closed { partial: Vec<u8> },
    /// Bytes arrived that do not form an HTTP response; says what is wrong.
    Malformed { why: String, partial: Vec<u8> },
    /// A body with neither Content-Length nor chunked encoding, on a
    /// connection the server keeps open: nobody can tell where it ends.
    Unframed { partial: Vec<u8> },
    /// The socket failed (connect refused, reset…).
    Io(String),
}

impl RawError {
    pub fn partial(&self) -> &[u8] {
        match self {
            RawError::Timeout { partial }
            | RawError::Closed { partial }
            | RawError::Unframed { partial }
            | RawError::Malformed { partial, .. } => partial,
            RawError::Io(_) => &[],
        }
    }
}

/// One TCP connection to the server, with what was sent on it and what was
/// read past the end of the last response (a pipelined or early next one).
pub struct RawConn {
    stream: TcpStream,
    buf: Vec<u8>,
    pub sent: Vec<u8>,
}

enum Stop {
    Eof,
    Timeout,
    Io(io::Error),
}

impl RawConn {
    pub fn open(port: u16, timeout: Duration) -> Result<RawConn, RawError> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| RawError::Io(describe_io(&e)))?;
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(timeout));
        Ok(RawConn {
            stream,
            buf: Vec::new(),
            sent: Vec::new(),
        })
    }

    /// The client side's port: how the server's end of this connection is found in /proc.
    pub fn local_port(&self) -> u16 {
        self.stream.local_addr().map_or(0, |a| a.port())
    }

    /// Has the server closed (or reset) this connection? Does not wait.
    pub fn peer_closed(&mut self) -> bool {
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut chunk = [0u8; 4096];
        let closed = loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => break true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break e.kind() != io::ErrorKind::WouldBlock,
            }
        };
        let _ = self.stream.set_nonblocking(false);
        closed
    }

    pub fn send(&mut self, bytes: &[u8]) -> Result<(), RawError> {
        self.sent.extend_from_slice(bytes);
        self.stream
            .write_all(bytes)
            .and_then(|()| self.stream.flush())
            .map_err(|e| RawError::Io(describe_io(&e)))
    }

    fn read_more(&mut self, deadline: Instant) -> Result<usize, Stop> {
        let now = Instant::now();
        if now >= deadline {
            return Err(Stop::Timeout);
        }
        self.stream
            .set_read_timeout(Some(deadline - now))
            .map_err(Stop::Io)?;
        let mut chunk = [0u8; 16 * 1024];
        loop {
            return match self.stream.read(&mut chunk) {
                Ok(0) => Err(Stop::Eof),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    Ok(n)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    Err(Stop::Timeout)
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
                    ) =>
                {
                    Err(Stop::Eof)
                }
                Err(e) => Err(Stop::Io(e)),
            };
        }
    }

    /// Read until `buf` holds at least `len` bytes.
    fn fill(&mut self, len: usize, deadline: Instant) -> Result<(), Stop> {
        while self.buf.len() < len {
            self.read_more(deadline)?;
        }
        Ok(())
    }

    /// Read one complete response. `head` says the request was HEAD (no body follows).
    pub fn read_response(&mut self, deadline: Instant, head: bool) -> Result<Response, RawError> {
        let (response, head_end) = self.read_head(deadline)?;
        self.read_body(response, head_end, deadline, head)
    }

    /// Read the status line and headers; the body is left for [`read_body`].
    /// Returns the response so far (its `raw`: every byte received yet) and
    /// where its head ends.
    pub fn read_head(&mut self, deadline: Instant) -> Result<(Response, usize), RawError> {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(self.malformed(format!(
                    "the status line and headers run past {} KiB without the blank line that ends them",
                    MAX_HEAD / 1024
                )));
            }
            match self.read_more(deadline) {
                Ok(_) => {}
                Err(stop) => return Err(self.stopped_in_head(stop)),
            }
        };
        let mut response = parse_head(&self.buf[..head_end - 4]).map_err(|why| self.malformed(why))?;
        response.raw = Some(self.buf.clone());
        Ok((response, head_end))
    }

    /// The response with as much of its body as arrives within `wait` (its
    /// head already failed; the body is only evidence).
    pub fn glimpse(
        &mut self,
        head: Response,
        head_end: usize,
        wait: Duration,
        head_request: bool,
    ) -> Response {
        let fallback = head.clone();
        match self.read_body(head, head_end, Instant::now() + wait, head_request) {
            Ok(response) => response,
            Err(error) if !error.partial().is_empty() => Response {
                raw: Some(error.partial().to_vec()),
                ..fallback
            },
            Err(_) => fallback,
        }
    }

    /// Read the body of the response whose head [`read_head`] returned.
    pub fn read_body(
        &mut self,
        mut response: Response,
        head_end: usize,
        deadline: Instant,
        head: bool,
    ) -> Result<Response, RawError> {
        let no_body = head || (100..200).contains(&response.status) || matches!(response.status, 204 | 304);
        let chunked = response
            .header_values("transfer-encoding")
            .iter()
            .any(|v| v.to_ascii_lowercase().contains("chunked"));
        let lengths = response.header_values("content-length");
        let end = if no_body {
            head_end
        } else if chunked {
            let (body, end) = self.read_chunked(head_end, deadline)?;
            response.body = body;
            end
        } else if let Some(length) = lengths.first() {
            let Ok(length) = length.trim().parse::<usize>() else {
                return Err(self.malformed(format!("Content-Length `{length}` is not a number of bytes")));
            };
            if lengths.iter().any(|l| l.trim() != lengths[0].trim()) {
                return Err(self.malformed("the response has two different Content-Length headers".into()));
            }
            if length > MAX_BODY {
                return Err(self.malformed(format!("Content-Length {length} is more than a check reads")));
            }
            let codings = encoding::codings(&response.header_values("content-encoding"));
            match self.fill(head_end + length, deadline) {
                Ok(()) => {}
                Err(Stop::Io(e)) => return Err(RawError::Io(describe_io(&e))),
                Err(stop) => {
                    let got = self.buf.len() - head_end;
                    let mut why = format!(
                        "Content-Length says {length} bytes, but {} after {got}",
                        match stop {
                            Stop::Eof => "the connection closed",
                            _ => "nothing more arrived",
                        }
                    );
                    if let Some(layer) =
                        encoding::length_counts_decoded(&codings, &self.buf[head_end..], length)
                    {
                        why = format!("{why}: {layer}");
                    }
                    return Err(self.malformed(why));
                }
            }
            // More body than announced: whatever already came after the
            // announced bytes, or comes before the close the response
            // announces (a next response, if the request pipelined one,
            // starts with its status line).
            let announces_close = response
                .header_values("connection")
                .iter()
                .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")));
            if announces_close {
                self.read_until_close(deadline.min(Instant::now() + UNFRAMED_QUIET));
            } else {
                self.take_available();
            }
            let extra = &self.buf[head_end + length..];
            if !extra.is_empty() && !extra.starts_with(b"HTTP/") {
                let sent = &self.buf[head_end..];
                let mut why = format!(
                    "Content-Length says {length} bytes, but the server sent {} bytes of body",
                    sent.len()
                );
                match encoding::decode(&codings, sent) {
                    Ok(decoded) if !codings.is_empty() => why.push_str(&format!(
                        " ({} data that decodes to {} bytes): Content-Length must count the bytes sent, after compression",
                        codings.join(", "),
                        decoded.len()
                    )),
                    _ => why.push_str(": Content-Length must count every byte of the body as sent"),
                }
                return Err(self.malformed(why));
            }
            response.body = self.buf[head_end..head_end + length].to_vec();
            head_end + length
        } else {
            // No length: the body is whatever comes until the server closes.
            loop {
                if self.buf.len() - head_end > MAX_BODY {
                    return Err(self.malformed("the body is larger than a check reads".into()));
                }
                match self.read_more(deadline.min(Instant::now() + UNFRAMED_QUIET)) {
                    Ok(_) => {}
                    Err(Stop::Eof) => break,
                    Err(Stop::Timeout) => {
                        return Err(RawError::Unframed {
                            partial: self.buf.clone(),
                        });
                    }
                    Err(Stop::Io(e)) => return Err(RawError::Io(describe_io(&e))),
                }
            }
            response.body = self.buf[head_end..].to_vec();
            self.buf.len()
        };
        response.raw = Some(self.buf[..end].to_vec());
        self.buf.drain(..end);
        Ok(response)
    }

    fn read_chunked(&mut self, start: usize, deadline: Instant) -> Result<(Vec<u8>, usize), RawError> {
        let mut body = Vec::new();
        let mut at = start;
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf[at..], b"\r\n") {
                    break at + i;
                }
                self.read_more(deadline).map_err(|s| self.stopped_in_body(s))?;
            };
            let line = String::from_utf8_lossy(&self.buf[at..line_end]).into_owned();
            let size_text = line.split(';').next().unwrap_or("").trim().to_string();
            let Ok(size) = usize::from_str_radix(&size_text, 16) else {
                return Err(self.malformed(format!("`{line}` is not a chunk size (hexadecimal)")));
            };
            at = line_end + 2;
            if size == 0 {
                // Trailers, if any, end with an empty line.
                loop {
                    if self.buf[at..].starts_with(b"\r\n") {
                        return Ok((body, at + 2));
                    }
                    if let Some(i) = find(&self.buf[at..], b"\r\n") {
                        at += i + 2;
                        continue;
                    }
                    self.read_more(deadline).map_err(|s| self.stopped_in_body(s))?;
                }
            }
            if body.len().saturating_add(size) > MAX_BODY {
                return Err(self.malformed("the body is larger than a check reads".into()));
            }
            self.fill(at + size + 2, deadline)
                .map_err(|s| self.stopped_in_body(s))?;
            body.extend_from_slice(&self.buf[at..at + size]);
            if &self.buf[at + size..at + size + 2] != b"\r\n" {
                return Err(self.malformed(format!("a chunk of {size} bytes is not followed by CRLF")));
            }
            at += size + 2;
        }
    }

    /// Read until the server closes the connection, at most until `deadline`.
    fn read_until_close(&mut self, deadline: Instant) {
        while self.buf.len() <= MAX_BODY && self.read_more(deadline).is_ok() {}
    }

    /// Read, without waiting, whatever has already arrived.
    fn take_available(&mut self) {
        if self.stream.set_nonblocking(true).is_err() {
            return;
        }
        let mut chunk = [0u8; 16 * 1024];
        while self.buf.len() <= MAX_BODY {
            match self.stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
        let _ = self.stream.set_nonblocking(false);
    }

    fn malformed(&self, why: String) -> RawError {
        RawError::Malformed {
            why,
            partial: self.buf.clone(),
        }
    }

    fn stopped_in_head(&self, stop: Stop) -> RawError {
        let partial = self.buf.clone();
        // The commonest from-scratch mistake: "\n" line ends, which HTTP does not allow.
        if !partial.is_empty() && find(&partial, b"\r\n").is_none() && find(&partial, b"\n").is_some() {
            return RawError::Malformed {
                why: LF_ALONE.into(),
                partial,
            };
        }
        match stop {
            Stop::Eof => RawError::Closed { partial },
            Stop::Timeout if !partial.is_empty() => RawError::Malformed {
                why: "the status line and headers never ended: they end with an empty line (\\r\\n\\r\\n)"
                    .into(),
                partial,
            },
            Stop::Timeout => RawError::Timeout { partial },
            Stop::Io(e) => RawError::Io(describe_io(&e)),
        }
    }

    fn stopped_in_body(&self, stop: Stop) -> RawError {
        match stop {
            Stop::Eof => RawError::Closed {
                partial: self.buf.clone(),
            },
            Stop::Timeout => {
                self.malformed("the chunked body never ended (it ends with a chunk of size 0)".into())
            }
            Stop::Io(e) => RawError::Io(describe_io(&e)),
        }
    }

    /// Does the server close the connection within `wait`? Bytes that arrive
    /// instead are kept for the next response.
    pub fn closes_within(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            match self.read_more(deadline) {
                Ok(_) => continue,
                Err(Stop::Eof) => return true,
                Err(Stop::Timeout) => return false,
                Err(Stop::Io(_)) => return true,
            }
        }
    }
}

/// Status line and header lines, strictly: what a from-scratch server must get right.
fn parse_head(head: &[u8]) -> Result<Response, String> {
    let text = String::from_utf8_lossy(head);
    if text.replace("\r\n", "").contains('\n') {
        return Err(LF_ALONE.to_string());
    }
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let code = parts.next().unwrap_or("");
    let reason = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(format!(
            "the first line `{status_line}` is not a status line such as `HTTP/1.1 200 OK`"
        ));
    }
    let status = match code.parse::<u16>() {
        Ok(s) if code.len() == 3 && (100..=599).contains(&s) => s,
        _ => {
            return Err(format!(
                "`{code}` in the status line `{status_line}` is not a three-digit status code"
            ));
        }
    };
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("the header line `{line}` has no `Name: value` form"));
        };
        if name.is_empty() || name.ends_with([' ', '\t']) || name.contains(char::is_whitespace) {
            return Err(format!("the header name in `{line}` is empty or has spaces"));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok(Response {
        version: version.to_string(),
        status,
        reason: reason.to_string(),
        headers,
        body: Vec::new(),
        raw: None,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "the connection was refused: nothing listens on the port".into(),
        io::ErrorKind::ConnectionReset => "the server reset the connection".into(),
        io::ErrorKind::BrokenPipe => {
            "the server closed the connection while the request was being sent".into()
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "the connection timed out".into(),
        _ => err.to_string(),
    }
}

/// Why `concurrent` stopped.
pub enum ConcurrentError {
    /// Connection `index` (0-based) got no answer, in `round` (0-based),
    /// while other connections were open and unfinished.
    Blocked { index: usize, round: usize },
    /// Connection `index` failed otherwise; `reused`: on a request after its first.
    Failed {
        index: usize,
        error: RawError,
        reused: bool,
    },
}

/// `n` connections at once, taking turns as `pattern` says; every response
/// with the bytes sent on its connection. A server that handles one
/// connection at a time gets stuck on one and never answers another.
pub fn concurrent(
    port: u16,
    request: &[u8],
    n: usize,
    timeout: Duration,
    pattern: Pattern,
) -> Result<Vec<(Response, Vec<u8>)>, ConcurrentError> {
    match pattern {
        Pattern::Interleaved => interleaved(port, request, n, timeout),
        Pattern::AtOnce => at_once(port, request, n, timeout),
        Pattern::Rounds => rounds(port, request, n, timeout),
    }
}

fn open_all(port: u16, n: usize, timeout: Duration) -> Result<Vec<RawConn>, ConcurrentError> {
    (0..n)
        .map(|index| {
            RawConn::open(port, timeout).map_err(|error| ConcurrentError::Failed {
                index,
                error,
                reused: false,
            })
        })
        .collect()
}

/// Write all of `request` but its last byte on each connection, then finish
/// them last-opened first; each must be answered while the connections
/// opened before it are still waiting for their last byte.
fn interleaved(
    port: u16,
    request: &[u8],
    n: usize,
    timeout: Duration,
) -> Result<Vec<(Response, Vec<u8>)>, ConcurrentError> {
    let split = request.len().saturating_sub(1);
    let mut conns = Vec::with_capacity(n);
    for index in 0..n {
        let mut conn = RawConn::open(port, timeout).map_err(|error| ConcurrentError::Failed {
            index,
            error,
            reused: false,
        })?;
        conn.send(&request[..split])
            .map_err(|error| ConcurrentError::Failed {
                index,
                error,
                reused: false,
            })?;
        conns.push(conn);
    }
    let head = request.starts_with(b"HEAD ");
    let mut responses = Vec::with_capacity(n);
    for (index, conn) in conns.iter_mut().enumerate().rev() {
        conn.send(&request[split..])
            .map_err(|error| ConcurrentError::Failed {
                index,
                error,
                reused: false,
            })?;
        match conn.read_response(Instant::now() + timeout, head) {
            Ok(response) => responses.push((response, conn.sent.clone())),
            Err(RawError::Timeout { .. }) if index > 0 => {
                return Err(ConcurrentError::Blocked { index, round: 0 });
            }
            Err(error) => {
                return Err(ConcurrentError::Failed {
                    index,
                    error,
                    reused: false,
                });
            }
        }
    }
    responses.reverse();
    Ok(responses)
}

/// Write the whole request on every connection before reading any answer,
/// then read them last-opened first. A server that serves one connection at
/// a time and keeps it open (waiting for its next request) never reads the
/// others.
fn at_once(
    port: u16,
    request: &[u8],
    n: usize,
    timeout: Duration,
) -> Result<Vec<(Response, Vec<u8>)>, ConcurrentError> {
    let mut conns = open_all(port, n, timeout)?;
    for (index, conn) in conns.iter_mut().enumerate() {
        conn.send(request).map_err(|error| ConcurrentError::Failed {
            index,
            error,
            reused: false,
        })?;
    }
    let head = request.starts_with(b"HEAD ");
    let deadline = Instant::now() + timeout;
    let mut responses = Vec::with_capacity(n);
    for (index, conn) in conns.iter_mut().enumerate().rev() {
        match conn.read_response(deadline, head) {
            Ok(response) => responses.push((response, conn.sent.clone())),
            Err(RawError::Timeout { .. }) if index > 0 => {
                return Err(ConcurrentError::Blocked { index, round: 0 });
            }
            Err(error) => {
                return Err(ConcurrentError::Failed {
                    index,
                    error,
                    reused: false,
                });
            }
        }
    }
    responses.reverse();
    Ok(responses)
}

/// One request on each connection in turn, every connection kept open; then
/// a second round on the same connections.
fn rounds(
    port: u16,
    request: &[u8],
    n: usize,
    timeout: Duration,
) -> Result<Vec<(Response, Vec<u8>)>, ConcurrentError> {
    let mut conns = open_all(port, n, timeout)?;
    let head = request.starts_with(b"HEAD ");
    let mut responses = Vec::with_capacity(2 * n);
    for round in 0..2 {
        let reused = round > 0;
        for (index, conn) in conns.iter_mut().enumerate() {
            conn.send(request)
                .map_err(|error| ConcurrentError::Failed { index, error, reused })?;
            match conn.read_response(Instant::now() + timeout, head) {
                Ok(response) => responses.push((response, conn.sent.clone())),
                Err(RawError::Timeout { .. }) if index > 0 || round > 0 => {
                    return Err(ConcurrentError::Blocked { index, round });
                }
                Err(error) => return Err(ConcurrentError::Failed { index, error, reused }),
            }
        }
    }
    Ok(responses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    /// A one-shot server on a thread: reads until the request's blank line, then writes `reply`.
    fn serve(reply: &'static [u8], close: bool) -> u16 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 1024];
            while find(&seen, b"\r\n\r\n").is_none() {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            stream.write_all(reply).unwrap();
            if !close {
                thread::sleep(Duration::from_secs(3));
            }
        });
        port
    }

    fn exchange(reply: &'static [u8], close: bool) -> Result<Response, RawError> {
        let port = serve(reply, close);
        let mut conn = RawConn::open(port, Duration::from_secs(2)).unwrap();
        conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        conn.read_response(Instant::now() + Duration::from_millis(500), false)
    }

    #[test]
    fn reads_a_response_by_content_length() {
        const REPLY: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello";
        let r = exchange(REPLY, false).unwrap();
        assert_eq!(
            (r.status, r.reason.as_str(), r.body.as_slice()),
            (200, "OK", &b"hello"[..])
        );
        assert_eq!(r.header_values("x-a"), vec!["b"]);
        assert_eq!(r.raw.unwrap(), REPLY);
    }

    #[test]
    fn reads_chunked_and_close_delimited_bodies() {
        let r = exchange(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
            false,
        )
        .unwrap();
        assert_eq!(r.body, b"abcde");
        let r = exchange(b"HTTP/1.1 200 OK\r\n\r\nuntil close", true).unwrap();
        assert_eq!(r.body, b"until close");
    }

    #[test]
    fn explains_malformed_responses() {
        let why = |reply: &'static [u8], close: bool| match exchange(reply, close) {
            Err(RawError::Malformed { why, .. }) => why,
            other => panic!("expected malformed, got {other:?}"),
        };
        assert!(why(b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", false).contains("\\r\\n"));
        assert_eq!(
            why(b"HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", false),
            LF_ALONE
        );
        assert!(why(b"200 OK\r\n\r\n", true).contains("not a status line"));
        assert!(why(b"HTTP/1.1 2000 OK\r\n\r\n", true).contains("three-digit"));
        assert!(why(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true).contains("says 10 bytes"));
        assert!(matches!(
            exchange(b"HTTP/1.1 200 OK\r\n\r\nbody", false),
            Err(RawError::Unframed { .. })
        ));
        assert!(
            why(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\ntoo long", true)
                .contains("sent 8 bytes of body")
        );
        assert!(why(b"HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n", true).contains("spaces"));
        let huge_chunk = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
        assert!(why(huge_chunk, true).contains("larger than a check reads"));
    }

    #[test]
    fn a_content_length_short_of_a_gzip_body_says_which_layer_is_wrong() {
        use std::io::Write as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
        gz.write_all(b"abc").unwrap();
        let zipped = gz.finish().unwrap();
        let mut reply =
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nConnection: close\r\nContent-Length: 3\r\n\r\n"
                .to_vec();
        reply.extend_from_slice(&zipped);
        let reply: &'static [u8] = Box::leak(reply.into_boxed_slice());
        match exchange(reply, true) {
            Err(RawError::Malformed { why, .. }) => assert_eq!(
                why,
                format!(
                    "Content-Length says 3 bytes, but the server sent {} bytes of body (gzip data that decodes to 3 bytes): Content-Length must count the bytes sent, after compression",
                    zipped.len()
                )
            ),
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn tells_a_close_without_answer_from_silence() {
        assert!(matches!(exchange(b"", true), Err(RawError::Closed { .. })));
        assert!(matches!(exchange(b"", false), Err(RawError::Timeout { .. })));
    }
}
