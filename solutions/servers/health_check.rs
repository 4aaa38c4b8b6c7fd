// Health checks: liveness says "restart me", readiness says "no traffic for me yet".
//
// Orchestrators (Kubernetes), load balancers and monitors poll two endpoints,
// and confusing them causes outages of their own:
//
// - Liveness, `GET /health`: can the process still answer at all? If not, it is
//   restarted. It must NOT check dependencies: when the database has a
//   30-second blip, a liveness probe that pings it gets every replica restarted
//   at once — cold caches, a stampede of reconnections, and the blip becomes an
//   outage.
// - Readiness, `GET /ready`: can this instance do useful work right now? If not
//   (the database is not reachable yet, caches are warming up, shutdown has
//   begun), the load balancer stops sending it requests, without killing it. A
//   service that says "ready" too early receives traffic it can only answer
//   with errors, on every deploy.
//
// `Database::ping` stands in for a database that is still booting: its first
// two pings fail. Make the server answer, as `application/json`:
//
//   GET /health  200 {"status": "ok", "uptime_seconds": N} — N whole seconds
//                since the server started; never touches the database
//   GET /ready   503 {"status": "starting"} while `db.ping()` fails,
//                200 {"status": "ready"} when it succeeds

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use serde_json::{Value, json};

struct App {
    started: Instant,
    db: Database,
}

fn route(app: &App, path: &str) -> (u16, Value) {
    match path {
        // Liveness: answering at all is the proof. No dependency is consulted.
        "/health" => (
            200,
            json!({ "status": "ok", "uptime_seconds": app.started.elapsed().as_secs() }),
        ),
        // Readiness: ready only when what the requests need is there. The reason
        // helps whoever reads the probe's log (the endpoint is internal).
        "/ready" => match app.db.ping() {
            Ok(()) => (200, json!({ "status": "ready" })),
            Err(err) => (503, json!({ "status": "starting", "error": err })),
        },
        _ => (404, json!({ "error": "no such endpoint" })),
    }
}

// ---- the simulated database and the server (nothing to change below) ----

/// A database that is still booting: its first `BOOT_PINGS` pings fail.
struct Database {
    pings: AtomicU32,
}

impl Database {
    const BOOT_PINGS: u32 = 2;

    fn ping(&self) -> Result<(), String> {
        let ping = self.pings.fetch_add(1, Ordering::SeqCst) + 1;
        if ping <= Self::BOOT_PINGS {
            Err(format!(
                "connection refused (ping {ping}: the database is still starting)"
            ))
        } else {
            Ok(())
        }
    }
}

fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "7878".to_string());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).expect("cannot listen on the port");
    println!("listening on http://127.0.0.1:{port}");
    let app = App {
        started: Instant::now(),
        db: Database {
            pings: AtomicU32::new(0),
        },
    };
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                if let Err(err) = handle(&app, stream) {
                    eprintln!("connection ended: {err}");
                }
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
}

fn handle(app: &App, mut stream: TcpStream) -> io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    let (status, body) = match request_line.split(' ').collect::<Vec<_>>()[..] {
        ["GET", path, _version] => route(app, path),
        _ => (405, json!({ "error": "only GET here" })),
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())
}
