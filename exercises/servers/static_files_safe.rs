// Static files: the right Content-Type, and never a byte from outside the folder.
//
// Serving a folder looks like one line: join the URL's path to the folder and
// read the file. That line is one of the oldest vulnerabilities on the web,
// path traversal: `GET /../../Cargo.toml` climbs out of the folder, and the same
// request with more `../` reads `/etc/passwd`, the `.env` beside your binary,
// your TLS key. Variants get past naive checks: `%2e%2e` is `..` once decoded,
// and in Rust `Path::new("public").join("/etc/passwd")` is `/etc/passwd` — an
// absolute path replaces the folder (`GET //etc/passwd`).
//
// The Content-Type matters as much as the bytes: browsers refuse a stylesheet
// that is not `text/css`, and refuse to run a script of the wrong type when the
// response says `X-Content-Type-Options: nosniff`, as it should.
//
// Serve the files of `servers/public/` (in the exercises folder; `PUBLIC_DIR`
// says where): `GET /` is `index.html`, `GET /docs/guide.txt` is
// `docs/guide.txt`. Make `serve_file`:
//
// - send the Content-Type of the file's extension:
//     .html  text/html; charset=utf-8        .css  text/css; charset=utf-8
//     .js    text/javascript; charset=utf-8  .txt  text/plain; charset=utf-8
//     .svg   image/svg+xml                   anything else: application/octet-stream
// - answer 404 for a file that does not exist, AND for any path that would leave
//   the folder — `..` segments, before or after decoding `%2e`-style escapes,
//   backslashes, absolute paths — without ever opening a file outside it.
//   (404 rather than 403: a refusal should not tell a scanner what exists.)

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;

/// The folder to serve, relative to where the server starts (the exercises folder).
fn public_dir() -> PathBuf {
    PathBuf::from(std::env::var("PUBLIC_DIR").unwrap_or_else(|_| "servers/public".to_string()))
}

struct Response {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

fn not_found() -> Response {
    Response {
        status: "404 Not Found",
        content_type: "text/plain; charset=utf-8",
        body: b"not found".to_vec(),
    }
}

/// Answers `GET path`; `path` is the request's path as sent (still percent-encoded), without its query.
fn serve_file(path: &str) -> Response {
    let relative = if path == "/" { "index.html" } else { &path[1..] };
    let file = public_dir().join(relative);
    match fs::read(&file) {
        Ok(body) => Response {
            status: "200 OK",
            content_type: "text/plain; charset=utf-8",
            body,
        },
        Err(_) => not_found(),
    }
}

// ---- the server: one request per connection (nothing to change below) ----

fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "7878".to_string());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).expect("cannot listen on the port");
    println!("serving {} on http://127.0.0.1:{port}", public_dir().display());
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
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    let response = match request_line.split(' ').collect::<Vec<_>>()[..] {
        ["GET", target, _version] if target.starts_with('/') => {
            // `?v=3` (cache busting) names the same file.
            serve_file(target.split('?').next().unwrap_or(target))
        }
        _ => Response {
            status: "400 Bad Request",
            content_type: "text/plain; charset=utf-8",
            body: b"only GET /path here".to_vec(),
        },
    };
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)
}
