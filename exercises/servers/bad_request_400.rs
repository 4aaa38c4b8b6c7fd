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

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

/// The most bytes a request line and its headers may take. Small, so that the check stays small.
const MAX_HEAD_BYTES: u64 = 1024;

struct Request {
    method: String,
    path: String,
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
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut parts = request_line.trim_end().split(' ');
    let method = parts.next().unwrap().to_string();
    let path = parts.next().unwrap().to_string();
    let _version = parts.next().unwrap();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (_name, _value) = line.split_once(':').unwrap();
    }
    let request = Request { method, path };
    let (status, body) = route(&request);
    respond(&stream, status, body)
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
