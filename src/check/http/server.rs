//! The learner's server as a child process: a free loopback port, a bounded
//! wait until it listens, and a stop that always happens (dropping [`Server`]
//! kills its process group, whatever path the check took).
//!
//! Ports: the system picks a free one (bind 127.0.0.1:0), and a lock file per
//! port keeps two checks — in this process or another backlings — from handing
//! out the same port before either server has bound it. A server that still
//! loses the race (another program took the port) exits with "address in use";
//! the start is then retried on a new port.
//!
//! Readiness: on Linux the runner looks for a listening socket owned by the
//! server in /proc, without connecting. An empty probe connection would crash
//! the first server most learners write (it unwraps the request line).
//! Elsewhere it falls back to a connect probe.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::process::{Captured, Cmd, Finished, Running};

/// What the server may print before the runner stops keeping it.
const OUTPUT_CAP: usize = 64 * 1024;
/// Starts retried when the port was taken between choosing it and binding it.
const START_ATTEMPTS: usize = 3;
/// `BACKLINGS_HTTP_PORTS=LOW-HIGH`: choose servers' ports from this range
/// (a firewall that allows only some ports; tests that force a clash).
pub const PORT_RANGE_VAR: &str = "BACKLINGS_HTTP_PORTS";

pub struct Server {
    running: Running,
    pub port: u16,
    _lock: Option<PortLock>,
}

/// Why the server is not ready to take requests.
pub enum StartFailure {
    /// It ran, but no socket listened on the port in time.
    NotListening {
        port: u16,
        waited: Duration,
        /// Loopback or wildcard addresses it listens on instead (a hard-coded port).
        elsewhere: Vec<SocketAddr>,
        output: Box<Finished>,
    },
    /// It exited before listening.
    Exited { port: u16, output: Box<Finished> },
    /// It listens on the port, but on the IPv6 loopback `[::1]` only, where
    /// the checks (and curl's `127.0.0.1`) do not reach it.
    Ipv6Only { port: u16, output: Box<Finished> },
}

/// What the server is started with, for the port it is given.
pub struct Launch {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// The exercise's memory limit for the server (`memory_mb`).
    pub memory: u64,
}

/// How long a server seen on `[::1]` only may take to bind 127.0.0.1 too
/// (a framework binding every address of `localhost`, one after the other).
const IPV4_GRACE: Duration = Duration::from_millis(200);

impl Server {
    /// Start `executable` with `PORT` set and wait, at most `startup`, until it listens.
    pub fn start(
        executable: &Path,
        cwd: &Path,
        launch: &dyn Fn(u16) -> Launch,
        startup: Duration,
    ) -> Result<std::result::Result<Server, StartFailure>> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (port, lock) = reserve_port()?;
            let mut cmd = Cmd::new(executable)
                .cwd(cwd)
                .env("PORT", port.to_string())
                .env("BACKLINGS_SEED", crate::check::seed().to_string())
                .output_cap(OUTPUT_CAP)
                .merge_stderr();
            let launch = launch(port);
            cmd = cmd.memory_limit(launch.memory);
            cmd = cmd.args(launch.args);
            for (key, value) in launch.env {
                cmd = cmd.env(key, value);
            }
            let running = cmd.spawn()?;
            let server = Server {
                running,
                port,
                _lock: lock,
            };
            match server.wait_until_listening(startup) {
                Err(StartFailure::Exited { output, .. })
                    if attempt < START_ATTEMPTS && says_address_in_use(&output.stdout) =>
                {
                    continue;
                }
                result => return Ok(result),
            }
        }
    }

    fn wait_until_listening(mut self, startup: Duration) -> std::result::Result<Server, StartFailure> {
        let started = Instant::now();
        let deadline = started + startup;
        let mut nap = Duration::from_millis(2);
        let mut ipv6_only_since: Option<Instant> = None;
        loop {
            if self.running.try_exit().is_some() {
                let port = self.port;
                return Err(StartFailure::Exited {
                    port,
                    output: Box::new(self.stop()),
                });
            }
            match self.listening() {
                Listening::Yes => return Ok(self),
                Listening::Ipv6Only => {
                    let since = *ipv6_only_since.get_or_insert_with(Instant::now);
                    if since.elapsed() >= IPV4_GRACE {
                        let port = self.port;
                        return Err(StartFailure::Ipv6Only {
                            port,
                            output: Box::new(self.stop()),
                        });
                    }
                }
                Listening::No => {}
            }
            if Instant::now() >= deadline {
                let elsewhere = listening_addrs(self.running.pid())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| a.port() != self.port && (a.ip().is_loopback() || a.ip().is_unspecified()))
                    .collect();
                let port = self.port;
                return Err(StartFailure::NotListening {
                    port,
                    waited: startup,
                    elsewhere,
                    output: Box::new(self.stop()),
                });
            }
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(25));
        }
    }

    fn listening(&self) -> Listening {
        match listening_addrs(self.running.pid()) {
            Some(addrs) => reachability(&addrs, self.port),
            None => {
                let reached = std::net::TcpStream::connect_timeout(
                    &SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.port),
                    Duration::from_millis(100),
                )
                .is_ok();
                if reached { Listening::Yes } else { Listening::No }
            }
        }
    }

    /// The exit status, if the server has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.running.try_exit()
    }

    /// Give a server that is going down a moment to finish dying, so that a
    /// dropped connection can be told apart from a crash.
    pub fn exited_within(&mut self, wait: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(status) = self.running.try_exit() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Has the server accepted the connection whose client end is on
    /// `client_port`? It has once it holds that connection's socket (seen in
    /// /proc, where a connection still queued belongs to no process), or once
    /// `closed` says it closed the connection. Waits at most `within`.
    /// Where /proc cannot tell, a connection that was made counts.
    pub fn accepts(&mut self, client_port: u16, mut closed: impl FnMut() -> bool, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let mut nap = Duration::from_millis(1);
        loop {
            match holds_connection(self.running.pid(), self.port, client_port) {
                None | Some(true) => return true,
                Some(false) => {}
            }
            if closed() {
                return true;
            }
            if Instant::now() >= deadline || self.running.try_exit().is_some() {
                return false;
            }
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        }
    }

    /// Kill the server's process group and collect what it printed.
    pub fn stop(self) -> Finished {
        self.running.stop()
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Listening {
    /// On 127.0.0.1, 0.0.0.0, or `[::]` (which takes IPv4 too, Linux's default).
    Yes,
    /// On `[::1]` and nowhere the checks connect.
    Ipv6Only,
    No,
}

/// Whether a client of 127.0.0.1:`port` reaches one of these listening sockets.
fn reachability(addrs: &[SocketAddr], port: u16) -> Listening {
    let on_port = || addrs.iter().filter(|a| a.port() == port);
    let reached = on_port().any(|a| match a.ip() {
        IpAddr::V4(ip) => ip.is_loopback() || ip.is_unspecified(),
        IpAddr::V6(ip) => ip.is_unspecified(),
    });
    if reached {
        Listening::Yes
    } else if on_port().any(|a| a.ip() == IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)) {
        Listening::Ipv6Only
    } else {
        Listening::No
    }
}

fn says_address_in_use(output: &Captured) -> bool {
    let text = output.text();
    text.contains("Address already in use") || text.contains("os error 98") || text.contains("os error 48")
}

/// A port nobody listens on, locked against other checks until dropped.
fn reserve_port() -> Result<(u16, Option<PortLock>)> {
    if let Some(range) = std::env::var_os(PORT_RANGE_VAR) {
        let range = range.to_string_lossy().into_owned();
        let (low, high) = parse_range(&range)
            .with_context(|| format!("{PORT_RANGE_VAR}={range}: expected LOW-HIGH, e.g. 41000-41100"))?;
        return reserve_in_range(low, high)
            .map(|(port, lock)| (port, Some(lock)))
            .with_context(|| {
                format!("no free port in {PORT_RANGE_VAR}={range}: widen the range, or unset it")
            });
    }
    for _ in 0..50 {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0 to find a free port")?;
        let port = listener.local_addr()?.port();
        match PortLock::try_new(port) {
            Some(lock) => return Ok((port, Some(lock))),
            // No lock directory (read-only temp dir): the retry on "address in use" still holds.
            None if !PortLock::available() => return Ok((port, None)),
            None => continue,
        }
    }
    anyhow::bail!("could not find a free port on 127.0.0.1 that no other check holds")
}

/// The first port of the range that no check holds and nothing listens on.
fn reserve_in_range(low: u16, high: u16) -> Option<(u16, PortLock)> {
    (low..=high).find_map(|port| {
        let lock = PortLock::try_new(port)?;
        TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .is_ok()
            .then_some((port, lock))
    })
}

fn parse_range(text: &str) -> Option<(u16, u16)> {
    let (low, high) = text.split_once('-')?;
    let (low, high): (u16, u16) = (low.trim().parse().ok()?, high.trim().parse().ok()?);
    (low > 0 && low <= high).then_some((low, high))
}

/// An exclusive `flock` on `<tmp>/backlings-ports-<uid>/<port>`, released when
/// dropped (or when the process dies, so a crash leaves no stale lock). The
/// files are never deleted: removing a lock file races with its next user.
struct PortLock {
    _lock: crate::fsutil::FileLock,
}

impl PortLock {
    fn dir() -> PathBuf {
        let uid = rustix::process::getuid().as_raw();
        std::env::temp_dir().join(format!("backlings-ports-{uid}"))
    }

    fn available() -> bool {
        std::fs::create_dir_all(Self::dir()).is_ok()
    }

    fn try_new(port: u16) -> Option<PortLock> {
        let dir = Self::dir();
        std::fs::create_dir_all(&dir).ok()?;
        let lock = crate::fsutil::try_lock(&dir.join(port.to_string())).ok()??;
        Some(PortLock { _lock: lock })
    }
}

/// Addresses on which process `pid` has a listening TCP socket; `None` where
/// /proc cannot tell (not Linux).
fn listening_addrs(pid: u32) -> Option<Vec<SocketAddr>> {
    const LISTEN: &str = "0A";
    Some(
        owned_sockets(pid)?
            .into_iter()
            .filter(|s| s.state == LISTEN)
            .map(|s| s.local)
            .collect(),
    )
}

/// Does process `pid` hold the connection from `client_port` to its `port`?
fn holds_connection(pid: u32, port: u16, client_port: u16) -> Option<bool> {
    Some(
        owned_sockets(pid)?
            .iter()
            .any(|s| s.local.port() == port && s.remote.port() == client_port),
    )
}

/// The TCP sockets process `pid` has open, from /proc.
fn owned_sockets(pid: u32) -> Option<Vec<Socket>> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let inodes: Vec<u64> = fds
        .filter_map(|fd| {
            let link = std::fs::read_link(fd.ok()?.path()).ok()?;
            let link = link.to_str()?;
            link.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect();
    if inodes.is_empty() {
        return Some(Vec::new());
    }
    let mut sockets = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        sockets.extend(
            parse_sockets(&text)
                .into_iter()
                .filter(|s| inodes.contains(&s.inode)),
        );
    }
    Some(sockets)
}

/// One line of a /proc/net/tcp{,6} table.
#[derive(Debug, PartialEq, Eq)]
struct Socket {
    local: SocketAddr,
    remote: SocketAddr,
    /// The kernel's state code in hex: `0A` listen, `01` established…
    state: String,
    inode: u64,
}

fn parse_sockets(table: &str) -> Vec<Socket> {
    let addr = |field: &str| -> Option<SocketAddr> {
        let (ip, port) = field.split_once(':')?;
        Some(SocketAddr::new(
            parse_proc_ip(ip)?,
            u16::from_str_radix(port, 16).ok()?,
        ))
    };
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 10 {
                return None;
            }
            Some(Socket {
                local: addr(fields[1])?,
                remote: addr(fields[2])?,
                state: fields[3].to_string(),
                inode: fields[9].parse().ok()?,
            })
        })
        .collect()
}

/// (local address, inode) of each socket in LISTEN state in a /proc/net/tcp{,6} table.
#[cfg(test)]
fn parse_listeners(table: &str) -> Vec<(SocketAddr, u64)> {
    parse_sockets(table)
        .into_iter()
        .filter(|s| s.state == "0A")
        .map(|s| (s.local, s.inode))
        .collect()
}

/// /proc prints addresses as the kernel's 32-bit words in host byte order.
fn parse_proc_ip(hex: &str) -> Option<IpAddr> {
    let words: Option<Vec<u32>> = (0..hex.len() / 8)
        .map(|i| u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect();
    let bytes: Vec<u8> = words?.into_iter().flat_map(u32::to_ne_bytes).collect();
    match bytes.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => {
            let v6 = std::net::Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?);
            Some(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_net_tcp() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:A2B4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 12346 1 0000000000000000 100 0 0 10 0\n";
        let found = parse_listeners(table);
        if cfg!(target_endian = "little") {
            assert_eq!(found, vec![("127.0.0.1:8080".parse().unwrap(), 12345)]);
        }
        let v6 = "header\n 0: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 77 1\n";
        if cfg!(target_endian = "little") {
            assert_eq!(parse_listeners(v6), vec![("[::1]:3000".parse().unwrap(), 77)]);
        }
    }

    #[test]
    fn sees_its_own_listener() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        if let Some(addrs) = listening_addrs(std::process::id()) {
            assert!(addrs.iter().any(|a| a.port() == port), "{addrs:?} lacks {port}");
            drop(listener);
            let addrs = listening_addrs(std::process::id()).unwrap();
            assert!(!addrs.iter().any(|a| a.port() == port));
        }
    }

    #[test]
    fn sees_its_own_accepted_connection() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        let client_port = client.local_addr().unwrap().port();
        let me = std::process::id();
        if holds_connection(me, port, client_port).is_some() {
            // Queued, not accepted: the connection is made, but nobody holds it yet.
            assert_eq!(holds_connection(me, port, client_port), Some(false));
            let (_accepted, _) = listener.accept().unwrap();
            assert_eq!(holds_connection(me, port, client_port), Some(true));
        }
    }

    #[test]
    fn a_held_port_is_not_handed_out_twice() {
        // Nothing listens on a reserved port until its server starts, so only
        // the lock keeps a second check from choosing it too.
        let free = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (low, high) = (free.min(65_000), free.min(65_000) + 20);
        let (first, first_lock) = reserve_in_range(low, high).unwrap();
        let (second, second_lock) = reserve_in_range(low, high).unwrap();
        assert_ne!(first, second);
        drop(first_lock);
        let (again, _lock) = reserve_in_range(low, high).unwrap();
        assert_eq!(again, first, "a released port can be used again");
        drop(second_lock);
    }

    #[test]
    fn only_addresses_a_client_of_127_0_0_1_reaches_count() {
        let at = |addr: &str| vec![addr.parse::<SocketAddr>().unwrap()];
        assert_eq!(reachability(&at("127.0.0.1:80"), 80), Listening::Yes);
        assert_eq!(reachability(&at("0.0.0.0:80"), 80), Listening::Yes);
        assert_eq!(reachability(&at("[::]:80"), 80), Listening::Yes);
        assert_eq!(reachability(&at("[::1]:80"), 80), Listening::Ipv6Only);
        assert_eq!(reachability(&at("127.0.0.1:81"), 80), Listening::No);
        let both = ["[::1]:80".parse().unwrap(), "127.0.0.1:80".parse().unwrap()];
        assert_eq!(reachability(&both, 80), Listening::Yes);
    }

    #[test]
    fn port_ranges() {
        assert_eq!(parse_range("41000-41010"), Some((41000, 41010)));
        assert_eq!(parse_range("5-4"), None);
        assert_eq!(parse_range("x"), None);
    }
}
