//! The one place that starts child processes.
//!
//! Every child gets: no stdin, its own process group (so the whole tree it starts
//! can be killed at once), output read on threads into capped buffers (a child
//! printing 100 MB costs the runner at most the cap), and an optional time limit
//! after which the group is killed. Live groups are registered so that quitting
//! the watcher or a Ctrl-C kills them too: nothing is left behind.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Default cap on what is kept of a child's stdout and of its stderr.
pub const DEFAULT_OUTPUT_CAP: usize = 1024 * 1024;

/// A command to run, with the runner's safety rules attached.
#[derive(Clone, Debug)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, Option<OsString>)>,
    clear_env: bool,
    timeout: Option<Duration>,
    output_cap: usize,
    merge_stderr: bool,
}

impl Cmd {
    pub fn new(program: impl Into<OsString>) -> Self {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            clear_env: false,
            timeout: None,
            output_cap: DEFAULT_OUTPUT_CAP,
            merge_stderr: false,
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    /// Start from an empty environment (then add what the child needs).
    pub fn env_clear(mut self) -> Self {
        self.clear_env = true;
        self
    }

    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    pub fn output_cap(mut self, bytes: usize) -> Self {
        self.output_cap = bytes;
        self
    }

    /// Send stderr into the stdout pipe, so the two interleave as on a terminal.
    pub fn merge_stderr(mut self) -> Self {
        self.merge_stderr = true;
        self
    }

    /// The command as a shell would show it, for messages.
    pub fn display(&self) -> String {
        std::iter::once(&self.program)
            .chain(&self.args)
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn to_std(&self) -> io::Result<(std::process::Command, Option<io::PipeReader>)> {
        let mut cmd = std::process::Command::new(&self.program);
        cmd.args(&self.args).stdin(Stdio::null()).process_group(0);
        let merged = if self.merge_stderr {
            let (reader, writer) = io::pipe()?;
            cmd.stdout(writer.try_clone()?).stderr(writer);
            Some(reader)
        } else {
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            None
        };
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        if self.clear_env {
            cmd.env_clear();
        }
        for (key, value) in &self.env {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        Ok((cmd, merged))
    }

    /// Start the child and return at once; see [`Running`].
    pub fn spawn(&self) -> Result<Running> {
        let context = || format!("could not start `{}`", self.display());
        let (mut cmd, merged) = self.to_std().with_context(context)?;
        let mut child = cmd.spawn().with_context(context)?;
        // The parent's copies of the pipe's write end went with `cmd`: drop it so
        // the reader sees EOF when the child's group is gone.
        drop(cmd);
        let pgid = child.id() as i32;
        let guard = GroupGuard::register(pgid);
        let (stdout, stderr) = match merged {
            Some(reader) => (
                Collector::start(reader, self.output_cap),
                Collector::start(io::empty(), 0),
            ),
            None => (
                Collector::start(child.stdout.take().expect("piped"), self.output_cap),
                Collector::start(child.stderr.take().expect("piped"), self.output_cap),
            ),
        };
        Ok(Running {
            child,
            guard,
            stdout,
            stderr,
            started: Instant::now(),
            reaped: false,
        })
    }

    /// Run to the end (or to the time limit) and collect what it printed.
    pub fn run(&self) -> Result<Finished> {
        let running = self.spawn()?;
        running.wait(self.timeout)
    }
}

/// What a finished (or stopped) child left.
#[derive(Debug)]
pub struct Finished {
    /// `None` when the time limit was reached and the group killed.
    pub status: Option<ExitStatus>,
    pub stdout: Captured,
    pub stderr: Captured,
}

impl Finished {
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// "exit code 3", "killed by signal 9", "timed out".
    pub fn describe_exit(&self) -> String {
        match self.status {
            None => "timed out".to_string(),
            Some(s) => describe_status(s),
        }
    }
}

pub fn describe_status(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => "an unknown exit status".to_string(),
    }
}

/// Output kept from one stream, and how much was cut.
#[derive(Debug, Default, Clone)]
pub struct Captured {
    pub bytes: Vec<u8>,
    pub truncated_bytes: u64,
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// A child that is running. Dropping it kills its whole process group.
pub struct Running {
    child: Child,
    guard: GroupGuard,
    stdout: Collector,
    stderr: Collector,
    started: Instant,
    reaped: bool,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Has the child exited already? (Its output is still being read.)
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        if self.reaped {
            return None;
        }
        self.child.try_wait().ok().flatten()
    }

    /// Wait for the child to exit, up to `limit`. The process group is killed in
    /// every case, so grandchildren that kept the pipes open cannot hang us.
    pub fn wait(mut self, limit: Option<Duration>) -> Result<Finished> {
        let status = match limit {
            None => Some(self.child.wait().context("waiting for a child process")?),
            Some(limit) => self.wait_until(self.started + limit)?,
        };
        self.guard.kill();
        Ok(self.finish(status))
    }

    /// Block (no polling: the verdict comes the moment the child exits) until
    /// the child exits or the deadline passes; at the deadline, kill the group.
    fn wait_until(&mut self, deadline: Instant) -> Result<Option<ExitStatus>> {
        if let Some(status) = self.child.try_wait().context("waiting for a child process")? {
            return Ok(Some(status));
        }
        let pid = self.child.id() as libc::pid_t;
        let (tx, rx) = mpsc::channel();
        // Reap on a thread so this one can wait with a timeout. `waitpid` on
        // the pid, not `Child::wait`, because the child stays owned here.
        let waiter = thread::spawn(move || {
            let mut raw = 0;
            // SAFETY: waitpid on our own child's pid; the status is an out-param.
            let r = unsafe { libc::waitpid(pid, &mut raw, 0) };
            let _ = tx.send((r == pid).then(|| ExitStatus::from_raw(raw)));
        });
        let timeout = deadline.saturating_duration_since(Instant::now());
        let status = match rx.recv_timeout(timeout) {
            Ok(status) => status,
            Err(_) => {
                self.guard.kill();
                let _ = rx.recv();
                None
            }
        };
        let _ = waiter.join();
        // std's `Child` must not wait for this pid again: it could by then
        // belong to another process.
        self.reaped = true;
        Ok(status)
    }

    /// Stop the child now (kill the group) and collect its output.
    pub fn stop(mut self) -> Finished {
        self.guard.kill();
        let status = if self.reaped { None } else { self.child.wait().ok() };
        self.finish(status)
    }

    fn finish(&mut self, status: Option<ExitStatus>) -> Finished {
        Finished {
            status,
            stdout: self.stdout.finish(),
            stderr: self.stderr.finish(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.guard.kill();
        if !self.reaped {
            let _ = self.child.try_wait();
        }
    }
}

/// Reads one stream to its end on a thread, keeping at most `cap` bytes and
/// counting the rest. The stream is always drained so the child never blocks.
struct Collector {
    shared: Arc<Mutex<Captured>>,
    thread: Option<JoinHandle<()>>,
}

impl Collector {
    fn start(mut stream: impl Read + Send + 'static, cap: usize) -> Self {
        let shared = Arc::new(Mutex::new(Captured::default()));
        let sink = Arc::clone(&shared);
        let thread = thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut out = sink.lock().unwrap_or_else(|e| e.into_inner());
                        let room = cap.saturating_sub(out.bytes.len());
                        let keep = room.min(n);
                        out.bytes.extend_from_slice(&buf[..keep]);
                        out.truncated_bytes += (n - keep) as u64;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
        });
        Collector {
            shared,
            thread: Some(thread),
        }
    }

    fn finish(&mut self) -> Captured {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        std::mem::take(&mut *self.shared.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Registry of live process groups, so that quit and Ctrl-C can kill them all.
fn live_groups() -> &'static Mutex<BTreeMap<u64, i32>> {
    static GROUPS: OnceLock<Mutex<BTreeMap<u64, i32>>> = OnceLock::new();
    GROUPS.get_or_init(|| Mutex::new(BTreeMap::new()))
}

struct GroupGuard {
    id: u64,
    pgid: i32,
    killed: bool,
}

impl GroupGuard {
    fn register(pgid: i32) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        live_groups()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, pgid);
        GroupGuard {
            id,
            pgid,
            killed: false,
        }
    }

    fn kill(&mut self) {
        if self.killed {
            return;
        }
        self.killed = true;
        kill_group(self.pgid);
        live_groups()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; a group that is already gone gives ESRCH.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Kill every child the runner has started and not yet reaped. Called when the
/// watcher quits and from the Ctrl-C handler.
pub fn kill_all() {
    let groups = live_groups().lock().unwrap_or_else(|e| e.into_inner());
    for pgid in groups.values() {
        kill_group(*pgid);
    }
}

/// On Ctrl-C or SIGTERM: kill the children's groups (they do not get the
/// terminal's signal themselves, being in groups of their own), then exit.
pub fn install_signal_handler() {
    let _ = ctrlc::set_handler(|| {
        kill_all();
        crate::terminal_guard::restore_terminal();
        std::process::exit(130);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_output_and_exit_code() {
        let done = Cmd::new("sh")
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .run()
            .unwrap();
        assert_eq!(done.stdout.text(), "out\n");
        assert_eq!(done.stderr.text(), "err\n");
        assert_eq!(done.status.unwrap().code(), Some(3));
        assert_eq!(done.describe_exit(), "exit code 3");
    }

    #[test]
    fn caps_output_and_counts_the_rest() {
        let done = Cmd::new("sh")
            .args(["-c", "head -c 100000 /dev/zero"])
            .output_cap(1000)
            .run()
            .unwrap();
        assert_eq!(done.stdout.bytes.len(), 1000);
        assert_eq!(done.stdout.truncated_bytes, 99_000);
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        let started = Instant::now();
        let done = Cmd::new("sh")
            .args(["-c", "sleep 30 & sleep 30; echo never"])
            .timeout(Duration::from_millis(200))
            .run()
            .unwrap();
        assert!(done.timed_out());
        // The grandchild `sleep 30` held stdout open; had it survived, collecting
        // the output would have waited for it.
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(!done.stdout.text().contains("never"));
    }

    #[test]
    fn merged_streams_interleave() {
        let done = Cmd::new("sh")
            .args(["-c", "echo one; echo two >&2; echo three"])
            .merge_stderr()
            .run()
            .unwrap();
        assert_eq!(done.stdout.text(), "one\ntwo\nthree\n");
        assert!(done.stderr.bytes.is_empty());
    }

    #[test]
    fn stdin_is_closed() {
        let done = Cmd::new("cat").timeout(Duration::from_secs(5)).run().unwrap();
        assert!(done.success(), "cat must see EOF at once");
    }
}
