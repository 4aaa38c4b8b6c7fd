// Keep-alive: many requests on one connection, many connections at once.
//
// A new TCP connection costs a round trip before the first byte of a request
// (TLS adds more), so HTTP/1.1 keeps a connection open after each response, by
// default, for the client's next request: a page with 30 images reuses a few
// connections instead of paying 30 handshakes. A server that closes after every
// response works, slowly. A server that keeps connections open but serves them
// one at a time is worse: the first client that keeps its connection open and
// goes quiet blocks everyone behind it. And connections left open forever pile
// up until the server runs out of threads or file descriptors.
//
// The parsing and the answers are done (`GET /path` answers 200 with the path as
// its body). Make `serve_connection` and `main`:
//
// - answer request after request on the same connection, until the client
//   closes it or sends `Connection: close` — answer that one with a
//   `Connection: close` header, then close the connection;
// - serve each connection on its own thread, so that no client waits for another;
// - close a connection that stays idle for `IDLE_TIMEOUT` (1 second here, so the
//   check is quick; Node waits 5 s, nginx 75 s).
//
// (HTTP/1.0 is the other way round: the connection closes after the response
// unless the request says `Connection: keep-alive`. Not checked here.)

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// How long a kept connection may stay silent before the server closes it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(1);

fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "7878".to_string());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).expect("cannot listen on the port");
    println!("listening on http://127.0.0.1:{port}");
    for stream in listener.incoming() {
        match stream {
            // A thread per connection: a kept connection waits on its own thread, blocking nobody.
            // (Unbounded: enough here; a production server caps them, or uses async tasks.)
            Ok(stream) => {
                thread::spawn(move || {
                    if let Err(err) = serve_connection(stream) {
                        eprintln!("connection ended: {err}");
                    }
                });
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
}

/// Serves the requests that arrive on one connection.
fn serve_connection(stream: TcpStream) -> io::Result<()> {
    // Every read waits at most this long: an idle kept connection ends here instead of holding its thread.
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    // One reader for the whole connection: its buffer may already hold the start of the next request.
    let mut reader = BufReader::new(&stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Incoming::Request(request)) => request,
            Ok(Incoming::Malformed) => return respond(&stream, "400 Bad Request", "malformed request", true),
            Ok(Incoming::Closed) => return Ok(()),
            Err(err) if matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Ok(());
            }
            Err(err) => return Err(err),
        };
        let close = wants_close(&request);
        respond(&stream, "200 OK", &request.path, close)?;
        if close {
            return Ok(());
        }
    }
}

/// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 closes it unless told `keep-alive`.
/// The header is a comma-separated list of options, compared without regard to case.
fn wants_close(request: &Request) -> bool {
    let says = |option: &str| {
        request
            .header("connection")
            .is_some_and(|value| value.split(',').any(|o| o.trim().eq_ignore_ascii_case(option)))
    };
    if request.version == "HTTP/1.0" {
        !says("keep-alive")
    } else {
        says("close")
    }
}

// ---- reading requests and writing responses (nothing to change below) ----

struct Request {
    version: String,
    path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// The value of the first header called `name`, whatever its case.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

enum Incoming {
    Request(Request),
    Malformed,
    /// The client closed the connection before sending another request.
    Closed,
}

/// Reads one request head (these requests have no body). A read that times out
/// comes back as an error of kind `WouldBlock` or `TimedOut`, depending on the OS.
fn read_request(reader: &mut impl BufRead) -> io::Result<Incoming> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(Incoming::Closed);
    }
    let parts: Vec<&str> = request_line.trim_end().split(' ').collect();
    let [_method, path, version] = parts[..] else {
        return Ok(Incoming::Malformed);
    };
    let (path, version) = (path.to_string(), version.to_string());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(Incoming::Closed);
        }
        let line = line.trim_end();
        if line.is_empty() {
            return Ok(Incoming::Request(Request {
                version,
                path,
                headers,
            }));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Ok(Incoming::Malformed);
        };
        headers.push((name.to_string(), value.trim().to_string()));
    }
}

/// Writes one response; `close` adds `Connection: close` (the caller then closes the connection).
fn respond(mut stream: &TcpStream, status: &str, body: &str, close: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n",
        body.len()
    );
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())
}
