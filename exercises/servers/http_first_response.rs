// Your first HTTP response: a status line, headers, and a Content-Length that tells the truth.
//
// HTTP/1.1 is text over TCP. A request is a request line (`GET /path HTTP/1.1`),
// header lines and an empty line. A response is a status line, header lines, an
// empty line, then the body; every line ends with \r\n.
//
// Nothing marks the end of a body. On a connection that stays open (the HTTP/1.1
// default) the client learns where it ends only from `Content-Length`: the size
// of the body in BYTES. Announce too many and the client waits for bytes that
// never come — the page spins until a timeout. Announce too few and the client
// cuts the body short, then reads the rest as the start of the next response:
// garbled pages, and "invalid status line" errors in the proxy in front of you.
//
// This server used to answer with a constant "Hello, world!", and someone typed
// its length by hand. The page now says which path was asked for; the length
// stayed. Make `GET /anything` come back as exactly these bytes:
//
//     HTTP/1.1 200 OK\r\n
//     Content-Type: text/plain; charset=utf-8\r\n
//     Content-Length: <the body's length in bytes>\r\n
//     \r\n
//     You asked for /anything\n
//
// Try it yourself: `cargo run --bin http_first_response` in exercises/, then
// `curl -v http://127.0.0.1:7878/anything`.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

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
    let path = read_request_path(&stream)?;
    let body = format!("You asked for {path}\n");
    // The length of "Hello, world!", back when the page never changed.
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\n{body}"
    );
    stream.write_all(response.as_bytes())
}

/// Reads the request line and the header lines, up to the empty line that ends
/// them, and returns the path of the request line (`/` if there is none).
fn read_request_path(stream: &TcpStream) -> io::Result<String> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line.split(' ').nth(1).unwrap_or("/").to_string();
    loop {
        let mut header = String::new();
        // 0 bytes: the client closed the connection; an empty line: the end of the headers.
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            return Ok(path);
        }
    }
}
