//! The one place that starts child processes.
//!
//! Every child gets: no stdin, its own process group (so the whole tree it starts
//! can be killed at once), output read on threads into capped buffers (a child
//! printing 100 MB costs the runner at most the cap), a time limit after which
//! the group is killed, and optionally a memory limit (see `launcher`). Live
//! children are registered so that quitting the watcher or a Ctrl-C kills them
//! too. When a child exits, what it left running is stopped — also processes
//! that left its group (see `tree`) — and counted, so a check can tell the
//! learner; the output is then read for at most [`LEAK_GRACE`] more.

mod launcher;
mod tree;

pub use launcher::run_if_asked as run_launcher_if_asked;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Default cap on what is kept of a child's stdout and of its stderr.
pub const DEFAULT_OUTPUT_CAP: usize = 1024 * 1024;

/// The time limit of a command that names none: every child ends.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The memory a learner program may use unless its exercise says otherwise.
pub const DEFAULT_MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;

/// How long the output is still read after the child exited and its tree was
/// stopped. Everything the child wrote is in the pipe by then; only a process
/// the runner could not find (one that also cleared its environment) can
/// still hold it open. nextest's leak timeout is 100 ms; this allows for a
/// loaded 2-core machine.
pub const LEAK_GRACE: Duration = Duration::from_millis(200);

/// A command to run, with the runner's safety rules attached.
#[derive(Clone, Debug)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, Option<OsString>)>,
    clear_env: bool,
    timeout: Duration,
    output_cap: usize,
    merge_stderr: bool,
    memory_limit: Option<u64>,
    user: Option<(u32, u32)>,
}

impl Cmd {
    pub fn new(program: impl Into<OsString>) -> Self {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            clear_env: false,
            timeout: DEFAULT_TIMEOUT,
            output_cap: DEFAULT_OUTPUT_CAP,
            merge_stderr: false,
            memory_limit: None,
            user: None,
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

    /// The time limit (default [`DEFAULT_TIMEOUT`]), counted from the start;
    /// for a spawned child too: `Running::wait` never waits past it.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
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

    /// Limit the private memory (heap, buffers, stacks) the program may take,
    /// for learner programs ([`DEFAULT_MEMORY_LIMIT`]). An allocation past it
    /// fails; [`Finished::out_of_memory`] recognises the crash that follows.
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Run the child as this user and group (uid, gid), for programs that
    /// refuse to run as root (PostgreSQL's server); std drops the
    /// supplementary groups when it switches. Only root may switch.
    pub fn user(mut self, uid: u32, gid: u32) -> Self {
        self.user = Some((uid, gid));
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

    fn to_std(&self, marker: &str) -> io::Result<(std::process::Command, Option<io::PipeReader>)> {
        let mut cmd = match self.memory_limit {
            Some(bytes) => {
                let (launcher, args) = launcher::wrap(&self.program, &self.args, bytes);
                let mut cmd = std::process::Command::new(launcher);
                cmd.args(args);
                cmd
            }
            None => {
                let mut cmd = std::process::Command::new(&self.program);
                cmd.args(&self.args);
                cmd
            }
        };
        cmd.stdin(Stdio::null()).process_group(0);
        if let Some((uid, gid)) = self.user {
            cmd.uid(uid).gid(gid);
        }
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
        cmd.env(tree::MARKER_VAR, marker);
        Ok((cmd, merged))
    }

    /// Start the child and return at once; see [`Running`].
    pub fn spawn(&self) -> Result<Running> {
        let context = || format!("could not start `{}`", self.display());
        let id = next_id();
        let marker = tree::marker(id);
        let (mut cmd, merged) = self.to_std(&marker).with_context(context)?;
        // Registered under the lock it is started under: the reaper of adopted
        // orphans must never take a child of ours for one.
        let mut children = live_children();
        let mut child = cmd.spawn().with_context(context)?;
        let pid = child.id() as i32;
        children.insert(id, (pid, marker.clone()));
        drop(children);
        // The parent's copies of the pipe's write end went with `cmd`: drop it so
        // the reader sees EOF when the child's group is gone.
        drop(cmd);
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
        let started = Instant::now();
        Ok(Running {
            child,
            id,
            pid,
            marker,
            start_ticks: tree::start_ticks(pid),
            deadline: started + self.timeout,
            started,
            stdout: Some(stdout),
            stderr: Some(stderr),
            memory_limit: self.memory_limit,
            done: false,
        })
    }

    /// Run to the end (or to the time limit) and collect what it printed.
    pub fn run(&self) -> Result<Finished> {
        self.spawn()?.wait(None)
    }
}

/// What a finished (or stopped) child left.
#[derive(Debug)]
pub struct Finished {
    /// `None` when the time limit was reached and the group killed.
    pub status: Option<ExitStatus>,
    pub stdout: Captured,
    pub stderr: Captured,
    /// Processes the child left running when it ended (in its group or
    /// escaped from it), which the runner then stopped.
    pub leftovers: usize,
    /// The memory limit the child ran under, if any.
    pub memory_limit: Option<u64>,
}

impl Finished {
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// A program under a memory limit that crashed because an allocation was
    /// refused. Rust's allocator prints "memory allocation of N bytes failed"
    /// and aborts; that is the one sign an rlimit leaves.
    pub fn out_of_memory(&self) -> bool {
        let aborted = self.status.and_then(|s| s.signal()) == Some(rustix::process::Signal::ABORT.as_raw());
        let said_so = |c: &Captured| {
            let text = String::from_utf8_lossy(&c.bytes);
            text.contains("memory allocation of ") && text.contains(" failed")
        };
        self.memory_limit.is_some() && aborted && (said_so(&self.stdout) || said_so(&self.stderr))
    }

    /// "exit code 3", "killed by signal 9", "timed out", "ran out of its
    /// memory limit of 1 GiB".
    pub fn describe_exit(&self) -> String {
        match (self.status, self.memory_limit) {
            (None, _) => "timed out".to_string(),
            (Some(_), Some(limit)) if self.out_of_memory() => {
                format!("ran out of its memory limit of {}", describe_bytes(limit))
            }
            (Some(s), _) => describe_status(s),
        }
    }

    /// "your program left 3 processes running; they were stopped", for a
    /// check to show when there were any.
    pub fn leftovers_message(&self) -> Option<String> {
        match self.leftovers {
            0 => None,
            1 => Some("your program left 1 process running; it was stopped".to_string()),
            n => Some(format!(
                "your program left {n} processes running; they were stopped"
            )),
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

/// "1 GiB", "512 MiB", "1000 bytes".
pub fn describe_bytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= 1024 * MIB && bytes.is_multiple_of(1024 * MIB) {
        format!("{} GiB", bytes / (1024 * MIB))
    } else if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
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

/// A child that is running. Dropping it kills its whole tree and reaps it.
pub struct Running {
    child: Child,
    id: u64,
    pid: i32,
    marker: String,
    start_ticks: u64,
    started: Instant,
    deadline: Instant,
    stdout: Option<Collector>,
    stderr: Option<Collector>,
    memory_limit: Option<u64>,
    /// Reaped and unregistered: nothing left to do on drop.
    done: bool,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Has the child exited already? (Its output is still being read.) The
    /// child is not reaped, so its group id stays its own until the group is
    /// signalled.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        if self.done {
            return None;
        }
        peek_exit(self.pid, false)
    }

    /// Wait for the child to exit, up to `limit` (and never past the command's
    /// own time limit), then stop what it left running.
    pub fn wait(mut self, limit: Option<Duration>) -> Result<Finished> {
        let deadline = limit.map_or(self.deadline, |l| (self.started + l).min(self.deadline));
        let exited = self.wait_until(deadline);
        Ok(self.finish(exited, exited))
    }

    /// Block (no polling: the verdict comes the moment the child exits) until
    /// the child exits or the deadline passes; at the deadline, kill the group.
    /// Returns whether it exited by itself. It is not reaped either way.
    fn wait_until(&mut self, deadline: Instant) -> bool {
        if peek_exit(self.pid, false).is_some() {
            return true;
        }
        let pid = self.pid;
        let (tx, rx) = mpsc::channel();
        // Wait on a thread so this one can wait with a timeout.
        let waiter = thread::spawn(move || {
            let _ = tx.send(peek_exit(pid, true));
        });
        let timeout = deadline.saturating_duration_since(Instant::now());
        let exited = match rx.recv_timeout(timeout) {
            Ok(_) => true,
            Err(_) => {
                tree::kill_group(self.pid);
                let _ = rx.recv();
                false
            }
        };
        let _ = waiter.join();
        exited
    }

    /// Stop the child now (kill its tree) and collect its output.
    pub fn stop(mut self) -> Finished {
        let exited = peek_exit(self.pid, false).is_some();
        if !exited {
            tree::kill_group(self.pid);
            let _ = peek_exit(self.pid, true);
        }
        self.finish(exited, true)
    }

    /// The child has exited (or was killed) and is not yet reaped: signal
    /// what is left of its tree, then reap it, then read the rest of its
    /// output for at most [`LEAK_GRACE`]. `exited_by_itself`: what is still
    /// in its group was left behind (and is counted); `keep_status`: report
    /// the exit status (a timeout reports none).
    fn finish(&mut self, exited_by_itself: bool, keep_status: bool) -> Finished {
        let leftovers = self.stop_tree(exited_by_itself);
        let status = self.child.wait().ok();
        self.unregister();
        let grace = Instant::now() + LEAK_GRACE;
        let stdout = self.stdout.take().map(|c| c.finish(grace)).unwrap_or_default();
        let stderr = self.stderr.take().map(|c| c.finish(grace)).unwrap_or_default();
        Finished {
            status: status.filter(|_| keep_status),
            stdout,
            stderr,
            leftovers,
            memory_limit: self.memory_limit,
        }
    }

    fn stop_tree(&self, count_group: bool) -> usize {
        tree::stop_tree(self.pid, &self.marker, self.start_ticks, count_group)
    }

    fn unregister(&mut self) {
        self.done = true;
        let mut children = live_children();
        children.remove(&self.id);
        let own: BTreeSet<i32> = children.values().map(|(pid, _)| *pid).collect();
        tree::reap_adopted(&own);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        tree::kill_group(self.pid);
        let _ = peek_exit(self.pid, true);
        self.stop_tree(false);
        // SIGKILLed: the wait is short, and no zombie is left behind.
        let _ = self.child.wait();
        self.unregister();
    }
}

/// The exit status of our child `pid` if it has exited, leaving it waitable
/// (WNOWAIT): its pid, and so its group id, stay reserved until it is reaped.
/// `block` waits for the exit.
fn peek_exit(pid: i32, block: bool) -> Option<ExitStatus> {
    use rustix::process::{WaitId, WaitIdOptions};
    let pid = rustix::process::Pid::from_raw(pid)?;
    let mut options = WaitIdOptions::EXITED | WaitIdOptions::NOWAIT;
    if !block {
        options |= WaitIdOptions::NOHANG;
    }
    loop {
        match rustix::process::waitid(WaitId::Pid(pid), options) {
            Ok(Some(status)) => {
                // Rebuild the wait(2) status word std's ExitStatus decodes.
                let raw = match (status.exit_status(), status.terminating_signal()) {
                    (Some(code), _) => (code & 0xff) << 8,
                    (None, Some(sig)) => sig | if status.dumped() { 0x80 } else { 0 },
                    (None, None) => return None,
                };
                return Some(ExitStatus::from_raw(raw));
            }
            Ok(None) => return None,
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return None,
        }
    }
}

/// Reads one stream to its end on a thread, keeping at most `cap` bytes and
/// counting the rest. The stream is always drained so the child never blocks.
struct Collector {
    shared: Arc<Mutex<Captured>>,
    finished: mpsc::Receiver<()>,
}

impl Collector {
    fn start(mut stream: impl Read + Send + 'static, cap: usize) -> Self {
        let shared = Arc::new(Mutex::new(Captured::default()));
        let sink = Arc::clone(&shared);
        let (tx, finished) = mpsc::channel();
        thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut out = sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        let room = cap.saturating_sub(out.bytes.len());
                        let keep = room.min(n);
                        out.bytes.extend_from_slice(&buf[..keep]);
                        out.truncated_bytes += (n - keep) as u64;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = tx.send(());
        });
        Collector { shared, finished }
    }

    /// What was read by EOF or by `grace`, whichever comes first. Past the
    /// grace the thread is left to end with the pipe: a process the runner
    /// could not find holds it, and the verdict does not wait for it.
    fn finish(self, grace: Instant) -> Captured {
        let _ = self
            .finished
            .recv_timeout(grace.saturating_duration_since(Instant::now()));
        std::mem::take(
            &mut *self
                .shared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The live children: id -> (pid, which is also the group id; tree marker).
/// Lets quit and Ctrl-C kill them all, and tells adopted orphans apart from
/// our own children.
fn live_children() -> MutexGuard<'static, BTreeMap<u64, (i32, String)>> {
    static CHILDREN: OnceLock<Mutex<BTreeMap<u64, (i32, String)>>> = OnceLock::new();
    CHILDREN
        .get_or_init(|| Mutex::new(BTreeMap::new()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Make the runner the reaper of its children's orphans (Linux), so that
/// what they leave behind can be found, stopped and reaped. Call once at start.
pub fn become_subreaper() {
    // Without it (another OS, an old kernel) escaped processes are still
    // found by their marker and killed; only their zombies go to init.
    let _ = tree::become_subreaper();
}

/// Run a program that needs the learner's terminal (their editor): it gets
/// stdin and the foreground, which [`Cmd`] withholds from every other child by
/// design, and the caller waits for it. No time limit: the learner decides
/// when they are done editing. The one child not started through [`Cmd`].
pub fn run_in_terminal(program: &str, args: &[String], target: &Path) -> io::Result<ExitStatus> {
    std::process::Command::new(program)
        .args(args)
        .arg(target)
        .status()
}

/// Kill every child the runner has started and not yet reaped, with
/// everything they started. For quitting the watcher and for main's signal
/// handler. Touches nothing but processes (no terminal state).
pub fn kill_all() {
    let children = live_children();
    for (pid, marker) in children.values() {
        tree::stop_tree(*pid, marker, 0, false);
    }
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
        assert_eq!(done.leftovers, 0);
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

    #[test]
    fn every_command_has_a_time_limit() {
        let cmd = Cmd::new("true");
        assert_eq!(cmd.timeout, DEFAULT_TIMEOUT);
        let running = Cmd::new("sleep")
            .arg("30")
            .timeout(Duration::from_millis(100))
            .spawn()
            .unwrap();
        // No limit asked of `wait`: the command's own applies.
        let done = running.wait(None).unwrap();
        assert!(done.timed_out());
    }

    /// A process alive with `token` in its environment (zombies have none).
    #[cfg(target_os = "linux")]
    fn alive_with(token: &str) -> Vec<i32> {
        let entry = format!("FAULT_TOKEN={token}").into_bytes();
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.split(|&b| b == 0).any(|e| e == entry))
            })
            .collect()
    }

    #[cfg(target_os = "linux")]
    fn token(name: &str) -> String {
        format!("{name}-{}-{}", std::process::id(), next_id())
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_escaped_process_neither_hangs_the_verdict_nor_survives() {
        become_subreaper();
        let token = token("escape");
        let started = Instant::now();
        let done = Cmd::new("sh")
            .args(["-c", "setsid sleep 300 & setsid sleep 301 & echo started"])
            .env("FAULT_TOKEN", &token)
            .timeout(Duration::from_secs(60))
            .run()
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        assert!(done.success());
        assert_eq!(done.stdout.text(), "started\n");
        assert_eq!(done.leftovers, 2);
        assert_eq!(
            done.leftovers_message().unwrap(),
            "your program left 2 processes running; they were stopped"
        );
        assert!(alive_with(&token).is_empty(), "escaped sleeps survived");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_group_is_signalled_before_its_leader_is_reaped() {
        // The leader exits at once, leaving a member of its group: had the
        // leader been reaped first, the kill would go to a group id that may
        // be someone else's; here it must reach the member.
        let token = token("member");
        let done = Cmd::new("sh")
            .args(["-c", "sleep 300 & exit 0"])
            .env("FAULT_TOKEN", &token)
            .run()
            .unwrap();
        assert!(done.success());
        assert_eq!(done.leftovers, 1);
        assert!(alive_with(&token).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_dropped_child_leaves_no_zombie() {
        let running = Cmd::new("sleep").arg("300").spawn().unwrap();
        let pid = running.pid();
        drop(running);
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
        assert!(stat.is_err(), "pid {pid} is still there: {stat:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stopping_a_child_stops_what_escaped_from_it() {
        become_subreaper();
        let token = token("stop");
        let mut running = Cmd::new("sh")
            .args(["-c", "setsid sleep 300 & echo up; exec sleep 300"])
            .env("FAULT_TOKEN", &token)
            .spawn()
            .unwrap();
        // Wait until the escape happened: a process of the tree in a group
        // of its own.
        let leader = running.pid() as i32;
        let escaped = || {
            alive_with(&token)
                .iter()
                .filter_map(|&pid| tree::imp::stat(pid))
                .any(|p| p.pgrp != leader)
        };
        while !escaped() {
            assert!(running.try_exit().is_none());
            thread::yield_now();
        }
        let done = running.stop();
        assert_eq!(done.leftovers, 1);
        assert!(alive_with(&token).is_empty());
    }

    #[test]
    fn describes_sizes() {
        assert_eq!(describe_bytes(DEFAULT_MEMORY_LIMIT), "1 GiB");
        assert_eq!(describe_bytes(512 * 1024 * 1024), "512 MiB");
        assert_eq!(describe_bytes(1000), "1000 bytes");
    }
}
