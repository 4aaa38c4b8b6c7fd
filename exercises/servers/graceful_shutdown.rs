// Graceful shutdown: stop accepting, finish what is in flight, then return.
//
// Every deploy stops the old version of a service: the orchestrator sends
// SIGTERM, waits a grace period (30 s on Kubernetes), then SIGKILL. A server
// that dies on the spot cuts requests off halfway: a payment recorded but never
// confirmed, a 502 for every user who was mid-request — on every deploy. A
// graceful server stops accepting new connections (the load balancer is already
// sending them elsewhere), lets the requests in flight finish, and only then
// returns, so that `main` can exit.
//
// `serve` runs the accept loop; in production a SIGTERM handler would set the
// `shutdown` flag (the signal-hook crate, or tokio::signal in async code). Make
// `serve`:
//
// - look at `shutdown` between connections, and return once it is true (a
//   blocking `accept()` never gets the chance: std cannot interrupt it);
// - before returning, wait for the connections already accepted to be
//   answered — but not forever. A client that connected and never sent a byte
//   (or a handler stuck on a dead dependency) would hold the process up until
//   the orchestrator's SIGKILL, which is exactly the abrupt stop this was
//   meant to avoid. Drain with a deadline, DRAIN_DEADLINE, shorter than the
//   grace period; what is still running then is abandoned (and logged).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

/// How long `serve` waits, after the shutdown signal, for the connections in
/// flight: well under Kubernetes' 30 s grace period in production; short here
/// so that the tests stay quick.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(1);

/// Accepts connections on `listener` and answers each on its own thread with
/// `handler(path)`, until `shutdown` becomes true; then returns once every
/// accepted connection has been answered, or DRAIN_DEADLINE after the signal,
/// whichever comes first. Dropping `listener` closes the port.
pub fn serve<H>(listener: TcpListener, shutdown: &AtomicBool, handler: H) -> io::Result<()>
where
    H: Fn(&str) -> String + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    for stream in listener.incoming() {
        let stream = stream?;
        let handler = Arc::clone(&handler);
        thread::spawn(move || {
            if let Err(err) = handle_connection(stream, &*handler) {
                eprintln!("connection ended: {err}");
            }
        });
    }
    Ok(())
}

/// Reads one request head, answers `200 OK` with `handler(path)`, closes.
fn handle_connection(stream: TcpStream, handler: &dyn Fn(&str) -> String) -> io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    let path = request_line.split(' ').nth(1).unwrap_or("/");
    let body = handler(path);
    let mut stream = &stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown);
    let server = thread::spawn(move || serve(listener, &flag, |path| format!("you asked for {path}\n")));
    let mut client = TcpStream::connect(addr)?;
    client.write_all(b"GET /demo HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
    let mut response = String::new();
    io::Read::read_to_string(&mut client, &mut response)?;
    println!("{response}");
    shutdown.store(true, Ordering::SeqCst);
    server.join().expect("the server thread panicked")?;
    println!("the server stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::SocketAddr;
    use std::sync::mpsc::{self, Receiver};
    use std::time::Duration;

    /// How long any step of a test may take before it counts as stuck.
    // Generous: a loaded CI machine must not fail a correct server (the drain deadline is 1 s).
    const LIMIT: Duration = Duration::from_secs(5);

    /// A server on its own thread; `done` receives what `serve` returned.
    struct Running {
        addr: SocketAddr,
        shutdown: Arc<AtomicBool>,
        done: Receiver<io::Result<()>>,
    }

    impl Running {
        fn stop_and_wait(&self, what: &str) {
            self.shutdown.store(true, Ordering::SeqCst);
            match self.done.recv_timeout(LIMIT) {
                Ok(result) => result.expect("serve() should return Ok(())"),
                Err(_) => panic!(
                    "{what}: serve() was still running {LIMIT:?} after the shutdown signal. A blocking \
                     accept() never looks at the flag: make the listener non-blocking and check the flag \
                     between attempts."
                ),
            }
        }
    }

    fn start<H>(handler: H) -> Running
    where
        H: Fn(&str) -> String + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&shutdown);
        let (sender, done) = mpsc::channel();
        thread::spawn(move || {
            let _ = sender.send(serve(listener, &flag, handler));
        });
        Running { addr, shutdown, done }
    }

    /// Sends `GET path` and reads the whole response (the server closes after it).
    fn get(addr: SocketAddr, path: &str) -> io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, LIMIT)?;
        stream.set_read_timeout(Some(LIMIT))?;
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    }

    /// A path that differs from seed to seed, so that no answer can be written in advance.
    fn seeded_path() -> String {
        let seed: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7);
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let word: String = (0..8)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from(b'a' + ((state >> 33) % 26) as u8)
            })
            .collect();
        format!("/{word}")
    }

    #[test]
    fn serves_requests_before_the_signal() {
        let server = start(|path| format!("you asked for {path}"));
        let path = seeded_path();
        let response = get(server.addr, &path).expect("the server should answer");
        assert!(
            response.starts_with("HTTP/1.1 200 OK\r\n")
                && response.ends_with(&format!("you asked for {path}")),
            "unexpected response to GET {path}: {response:?}"
        );
        server.stop_and_wait("after one request");
    }

    #[test]
    fn stops_accepting_and_returns_soon_after_the_signal() {
        let server = start(|_| "ok".to_string());
        server.stop_and_wait("with no request at all");
        assert!(
            TcpStream::connect_timeout(&server.addr, LIMIT).is_err(),
            "the port still accepts connections after serve() returned: the listener must be closed (dropped)"
        );
    }

    #[test]
    fn an_idle_client_does_not_hold_the_shutdown_past_the_deadline() {
        let server = start(|path| format!("you asked for {path}"));
        // Connects, then never sends a byte: its thread waits on a read.
        let _idle = TcpStream::connect_timeout(&server.addr, LIMIT).expect("connect");
        // Connections are accepted in order: once this one is answered, the
        // idle one has been accepted too.
        let path = seeded_path();
        let response = get(server.addr, &path).expect("the server should answer");
        assert!(
            response.ends_with(&format!("you asked for {path}")),
            "{response:?}"
        );
        let signalled = std::time::Instant::now();
        server.stop_and_wait("with an idle client connected");
        assert!(
            signalled.elapsed() >= DRAIN_DEADLINE.mul_f32(0.9),
            "serve() returned at once: it should give the idle connection until DRAIN_DEADLINE"
        );
    }

    #[test]
    fn finishes_the_request_in_flight_before_returning() {
        let (started_sender, started) = mpsc::channel();
        let finished = Arc::new(AtomicBool::new(false));
        let finished_in_handler = Arc::clone(&finished);
        let server = start(move |_| {
            let _ = started_sender.send(());
            thread::sleep(Duration::from_millis(300));
            finished_in_handler.store(true, Ordering::SeqCst);
            "slow but complete".to_string()
        });
        let addr = server.addr;
        let client = thread::spawn(move || get(addr, "/slow"));
        started
            .recv_timeout(LIMIT)
            .expect("the request should have reached the handler");
        server.stop_and_wait("with one slow request in flight");
        assert!(
            finished.load(Ordering::SeqCst),
            "serve() returned while a request was still being handled: main() would now exit and cut it \
             off. Wait for the connections already accepted (join their threads) before returning."
        );
        let response = client
            .join()
            .unwrap()
            .expect("the client in flight should get its response");
        assert!(
            response.ends_with("slow but complete"),
            "the request in flight got a cut-off response: {response:?}"
        );
    }
}
