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

use std::collections::BTreeMap;
use std::fs::File;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::os::fd::AsRawFd;
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
}

impl Server {
    /// Start `executable` with `PORT` set and wait, at most `startup`, until it listens.
    pub fn start(
        executable: &Path,
        cwd: &Path,
        env: &BTreeMap<String, String>,
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
                .memory_limit(crate::process::DEFAULT_MEMORY_LIMIT)
                .merge_stderr();
            for (key, value) in env {
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
        loop {
            if self.running.try_exit().is_some() {
                let port = self.port;
                return Err(StartFailure::Exited {
                    port,
                    output: Box::new(self.stop()),
                });
            }
            if self.is_listening() {
                return Ok(self);
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

    fn is_listening(&self) -> bool {
        match listening_addrs(self.running.pid()) {
            Some(addrs) => addrs
                .iter()
                .any(|a| a.port() == self.port && (a.ip().is_loopback() || a.ip().is_unspecified())),
            None => std::net::TcpStream::connect_timeout(
                &SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.port),
                Duration::from_millis(100),
            )
            .is_ok(),
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

    /// Kill the server's process group and collect what it printed.
    pub fn stop(self) -> Finished {
        self.running.stop()
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
    _file: File,
}

impl PortLock {
    fn dir() -> PathBuf {
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        std::env::temp_dir().join(format!("backlings-ports-{uid}"))
    }

    fn available() -> bool {
        std::fs::create_dir_all(Self::dir()).is_ok()
    }

    fn try_new(port: u16) -> Option<PortLock> {
        let dir = Self::dir();
        std::fs::create_dir_all(&dir).ok()?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(port.to_string()))
            .ok()?;
        // SAFETY: flock on a descriptor we own; it does not touch memory.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        locked.then_some(PortLock { _file: file })
    }
}

/// Addresses on which process `pid` has a listening TCP socket; `None` where
/// /proc cannot tell (not Linux).
fn listening_addrs(pid: u32) -> Option<Vec<SocketAddr>> {
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
    let mut addrs = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        addrs.extend(
            parse_listeners(&text)
                .into_iter()
                .filter(|(_, inode)| inodes.contains(inode))
                .map(|(addr, _)| addr),
        );
    }
    Some(addrs)
}

/// (local address, inode) of each socket in LISTEN state in a /proc/net/tcp{,6} table.
fn parse_listeners(table: &str) -> Vec<(SocketAddr, u64)> {
    const LISTEN: &str = "0A";
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 10 || fields[3] != LISTEN {
                return None;
            }
            let (ip, port) = fields[1].split_once(':')?;
            let port = u16::from_str_radix(port, 16).ok()?;
            let ip = parse_proc_ip(ip)?;
            Some((SocketAddr::new(ip, port), fields[9].parse().ok()?))
        })
        .collect()
}

/// /proc prints addresses as the kernel's 32-bit words in host byte order.
fn parse_proc_ip(hex: &str) -> Option<IpAddr> {
    let words: Option<Vec<u32>> = (0..hex.len() / 8)
        .map(|i| u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect();
    let bytes: Vec<u8> = words?.into_iter().flat_map(|w| w.to_ne_bytes()).collect();
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
    fn port_ranges() {
        assert_eq!(parse_range("41000-41010"), Some((41000, 41010)));
        assert_eq!(parse_range("5-4"), None);
        assert_eq!(parse_range("x"), None);
    }
}
