// Parsing a request: the request line, the query string, the headers.
//
// Every route, every auth check and every log line starts from the same few
// fields: the method, the path, the query, the version and the headers. Get the
// parse wrong and everything built on it is wrong in ways that are hard to see:
// a path that still carries its `?query` matches no route, and a header looked
// up as `User-Agent` is missed when the client sends `user-agent` (HTTP/2 and
// many HTTP/1.1 clients send names in lower case: names are case-insensitive).
//
// The request line is `METHOD TARGET VERSION`, separated by single spaces, and
// the target is a path with an optional `?query`: `GET /echo?msg=hi HTTP/1.1`.
// Each header line is `Name: value`.
//
// Fill in `parse_request` and `Request::query_param`, then make `route` answer:
//
//   GET /               200 `Welcome!` (already there)
//   GET /echo?msg=WORD  200 with WORD as the body; 400 when there is no `msg`
//                       (decoding `%20`-style escapes is a bonus: the check sends plain words)
//   GET /whoami         200 with the value of the User-Agent header as the body
//   anything else       404
//   another method on one of these paths: 405 Method Not Allowed, with `Allow: GET`
//
// A request whose version is not HTTP/1.x is answered with 505 (already there).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

/// Most header lines one request may have; beyond it the request is refused.
const MAX_HEADER_LINES: usize = 100;

/// One parsed request head.
#[derive(Debug)]
struct Request {
    method: String,
    /// The path, without the query string: `/echo`.
    path: String,
    /// What follows the first `?` of the target, if there is one: `msg=hi&lang=en`.
    query: Option<String>,
    /// `HTTP/1.1`.
    version: String,
    /// `(name, value)` in the order received: the name as sent, the value trimmed.
    headers: Vec<(String, String)>,
}

impl Request {
    /// The value of the first header called `name`, whatever the case of either.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` in the query string: `msg` in `lang=en&msg=hi` is `hi`.
    fn query_param(&self, key: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            // A bare `flag` (no `=`) is a key with an empty value.
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name == key).then(|| percent_decode(value))
        })
    }
}

/// Parses the request line and the header lines (given without their \r\n).
/// `None` when the request line is not `METHOD TARGET VERSION` or a header line has no `:`.
fn parse_request(lines: &[String]) -> Option<Request> {
    let (request_line, header_lines) = lines.split_first()?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (target, None),
    };
    let headers = header_lines
        .iter()
        .map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.to_string(), value.trim().to_string()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Request {
        method: method.to_string(),
        path: path.to_string(),
        query,
        version: version.to_string(),
        headers,
    })
}

/// `%41` → `A`, `+` → space (as HTML forms encode it); a broken escape is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(request: &Request) -> Response {
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/") => Response::text(200, "OK", "Welcome!"),
        ("GET", "/echo") => match request.query_param("msg") {
            Some(msg) => Response::text(200, "OK", &msg),
            None => Response::text(400, "Bad Request", "add ?msg=… to the path"),
        },
        ("GET", "/whoami") => Response::text(200, "OK", request.header("user-agent").unwrap_or("")),
        // The path exists, the method does not: 405 says so, and `Allow` says what would work.
        (_, "/" | "/echo" | "/whoami") => {
            Response::text(405, "Method Not Allowed", "only GET here").with_header("Allow", "GET")
        }
        _ => Response::text(404, "Not Found", "no such page"),
    }
}

// ---- the server: reads a request head, answers, closes (nothing to change below) ----

struct Response {
    status: u16,
    reason: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Response {
    fn text(status: u16, reason: &'static str, body: &str) -> Self {
        Response {
            status,
            reason,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".to_string())],
            body: body.to_string(),
        }
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
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

fn handle(mut stream: TcpStream) -> io::Result<()> {
    let Some(lines) = read_head(&mut BufReader::new(&stream))? else {
        return Ok(());
    };
    let response = match parse_request(&lines) {
        None => Response::text(400, "Bad Request", "malformed request"),
        Some(request) if !request.version.starts_with("HTTP/1.") => Response::text(
            505,
            "HTTP Version Not Supported",
            &format!(
                "this server speaks HTTP/1.x, and the request's version is `{}`",
                request.version
            ),
        ),
        Some(request) => route(&request),
    };
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, response.reason);
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(response.body.as_bytes())
}

/// The lines of a request head without their line ends, up to the empty line.
/// `None` if the client closed the connection before sending a whole head.
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Vec<String>>> {
    let mut lines = Vec::new();
    loop {
        if lines.len() > MAX_HEADER_LINES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "too many header lines",
            ));
        }
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return Ok(Some(lines));
        }
        lines.push(line.to_string());
    }
}
