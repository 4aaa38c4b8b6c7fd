// Bad requests: answer 400 and close — never panic, never wait forever.
//
// Everything that reaches a port is untrusted: scanners, fuzzers, broken
// clients, someone typing into telnet. A server that `unwrap()`s its way
// through the request line dies on the first one that is malformed, and every
// request in flight dies with it. A server that reads header lines for as long
// as the client sends them lets anyone make it hold megabytes per connection.
// Real servers cap the request head (nginx and Node allow 8–16 KiB) and answer
// anything they cannot parse with `400 Bad Request`, then close the connection:
// after a parse error they cannot know where the next request would start.
//
// Keep the answers to well-formed requests, and answer each of these with
// `400 Bad Request`, a `Connection: close` header, then close the connection:
//
// - a request line that is not `METHOD /path VERSION`: three parts separated by
//   single spaces, a method of upper-case letters, a path that starts with `/`,
//   and a version of `HTTP/1.0` or `HTTP/1.1`;
// - a header line without a `:`;
// - an HTTP/1.1 request without a `Host` header (HTTP/1.1 requires one; HTTP/1.0 may leave it out);
// - a request head (request line and headers) longer than `MAX_HEAD_BYTES`: stop
//   reading at the limit, even when the line has not ended.
//   (431 Request Header Fields Too Large is the precise status; 400 is what nginx sends, and what is checked here.)

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

/// The most bytes a request line and its headers may take. Small, so that the check stays small.
const MAX_HEAD_BYTES: u64 = 1024;
/// A client that stops sending mid-request must not hold this one-at-a-time server forever.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long, at most, to read what a refused client still sends before closing (see `close_after_refusal`).
const LINGER: Duration = Duration::from_millis(100);

struct Request {
    method: String,
    path: String,
}

/// What came in on a connection.
enum Incoming {
    Request(Request),
    /// Refused with 400; the reason goes in the response body, for the client's developer.
    Bad(&'static str),
    /// The client closed the connection before sending a whole request.
    Closed,
}

/// One line of the head, read within what is left of the head's byte budget.
enum Line {
    /// Without its line end.
    Complete(String),
    /// The budget ran out before the line ended.
    TooLong,
    /// The client closed the connection.
    Eof,
}

fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "7878".to_string());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).expect("cannot listen on the port");
    println!("listening on http://127.0.0.1:{port}");
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                if let Err(err) = handle(stream) {
                    eprintln!("connection ended: {err}");
                }
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
}

fn handle(stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut reader = BufReader::new(&stream);
    match read_request(&mut reader)? {
        Incoming::Closed => Ok(()),
        Incoming::Bad(why) => {
            respond(&stream, "400 Bad Request", why)?;
            close_after_refusal(&stream, &mut reader);
            Ok(())
        }
        Incoming::Request(request) => {
            let (status, body) = route(&request);
            respond(&stream, status, body)
        }
    }
}

fn read_request(reader: &mut impl BufRead) -> io::Result<Incoming> {
    let mut budget = MAX_HEAD_BYTES;
    let request_line = match read_line(reader, &mut budget)? {
        Line::Complete(line) => line,
        Line::TooLong => return Ok(Incoming::Bad("the request head is too large")),
        Line::Eof => return Ok(Incoming::Closed),
    };
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, path, version] = parts[..] else {
        return Ok(Incoming::Bad("the request line is not `METHOD /path VERSION`"));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Ok(Incoming::Bad("the method is not a word in upper case"));
    }
    if !path.starts_with('/') {
        return Ok(Incoming::Bad("the path does not start with /"));
    }
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Ok(Incoming::Bad("the version is not HTTP/1.0 or HTTP/1.1"));
    }
    let mut has_host = false;
    loop {
        let line = match read_line(reader, &mut budget)? {
            Line::Complete(line) => line,
            Line::TooLong => return Ok(Incoming::Bad("the request head is too large")),
            Line::Eof => return Ok(Incoming::Closed),
        };
        if line.is_empty() {
            break;
        }
        let Some((name, _)) = line.split_once(':') else {
            return Ok(Incoming::Bad("a header line has no `:`"));
        };
        // `Host : x` is forbidden: a space before the colon has been used to smuggle requests past proxies.
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Ok(Incoming::Bad("a header name is empty or has spaces"));
        }
        has_host |= name.eq_ignore_ascii_case("host");
    }
    if version == "HTTP/1.1" && !has_host {
        return Ok(Incoming::Bad("an HTTP/1.1 request needs a Host header"));
    }
    Ok(Incoming::Request(Request {
        method: method.to_string(),
        path: path.to_string(),
    }))
}

/// Reads one line, but never more than `budget` bytes: a line that does not end
/// within them is `TooLong`, however much more the client would send.
fn read_line(reader: &mut impl BufRead, budget: &mut u64) -> io::Result<Line> {
    let mut bytes = Vec::new();
    let read = reader.take(*budget).read_until(b'\n', &mut bytes)?;
    *budget -= read as u64;
    if !bytes.ends_with(b"\n") {
        return Ok(if *budget == 0 { Line::TooLong } else { Line::Eof });
    }
    let line = String::from_utf8_lossy(&bytes);
    Ok(Line::Complete(line.trim_end_matches(['\r', '\n']).to_string()))
}

fn route(request: &Request) -> (&'static str, &'static str) {
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/") => ("200 OK", "hello"),
        _ => ("404 Not Found", "no such page"),
    }
}

/// Writes a complete response that announces it closes the connection; dropping the stream closes it.
fn respond(mut stream: &TcpStream, status: &str, body: &str) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())
}

/// Closing a socket that still holds unread bytes makes the kernel send a reset,
/// and a reset can destroy the 400 before the client has read it. So: say we are
/// done writing, then read and drop what the client is still sending, briefly.
fn close_after_refusal(stream: &TcpStream, reader: &mut impl Read) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(LINGER));
    let _ = io::copy(&mut reader.take(64 * 1024), &mut io::sink());
}
