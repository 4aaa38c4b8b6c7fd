//! What a child leaves behind: finding and stopping every process it started,
//! also those that left its process group (`setsid`, as a daemon does).
//!
//! Killing the group is not enough: a process in a session of its own keeps
//! the output pipe open (waiting for EOF would hang) and lives on after the
//! check. Two tools close the gap on Linux:
//! - every child gets an environment marker naming it (`BACKLINGS_TREE`),
//!   which its descendants inherit; `/proc/PID/environ` finds them wherever
//!   they moved;
//! - the runner is a child subreaper (`PR_SET_CHILD_SUBREAPER`): orphans of
//!   its children are re-parented to it instead of to init, so their zombies
//!   are the runner's to reap, and none outlives a check as a zombie.
//!
//! A descendant that also cleared its environment is not found; the bounded
//! read of the output (see `process::LEAK_GRACE`) keeps it from hanging a
//! check, and the runner's exit takes it down if it is still adopted.

use std::collections::BTreeSet;

/// The environment variable that names the child a process descends from.
pub const MARKER_VAR: &str = "BACKLINGS_TREE";

/// The marker value for the runner's child number `id`.
pub fn marker(id: u64) -> String {
    format!("{}:{id}", std::process::id())
}

#[cfg(target_os = "linux")]
pub mod imp {
    use std::collections::BTreeSet;
    use std::fs;

    use rustix::process::{Pid, Signal, WaitOptions};

    /// One line of `/proc/PID/stat`, the fields used here.
    pub struct ProcStat {
        pub pid: i32,
        pub state: u8,
        pub ppid: i32,
        pub pgrp: i32,
        /// The kernel's PF_* flags (stat(5) field 9).
        pub flags: u64,
        /// Clock ticks after boot at which the process started. With the pid,
        /// it names one process for good: a reused pid has a later start.
        pub start: u64,
    }

    /// A kernel thread (PF_KTHREAD): never one of ours, and its environ is
    /// always empty.
    const PF_KTHREAD: u64 = 0x0020_0000;

    pub fn stat(pid: i32) -> Option<ProcStat> {
        let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name is in parentheses and may hold spaces or `)`:
        // the fields after it start past the last `)`.
        let rest = &text[text.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split(' ').collect();
        // Field n of stat(5) is fields[n - 3]: the state is field 3.
        Some(ProcStat {
            pid,
            state: *fields.first()?.as_bytes().first()?,
            ppid: fields.get(4 - 3)?.parse().ok()?,
            pgrp: fields.get(5 - 3)?.parse().ok()?,
            flags: fields.get(9 - 3)?.parse().ok()?,
            start: fields.get(22 - 3)?.parse().ok()?,
        })
    }

    /// Every user process (kernel threads left out).
    pub fn all() -> Vec<ProcStat> {
        let Ok(dir) = fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter_map(stat)
            .filter(|p| p.flags & PF_KTHREAD == 0)
            .collect()
    }

    /// Is `process` still the one scanned (same pid, same start) and alive?
    fn still_alive(process: &ProcStat) -> bool {
        stat(process.pid).is_some_and(|now| now.start == process.start && now.state != b'Z')
    }

    /// Does `process` carry the marker `entry`? While a process is in the
    /// middle of an exec (`setsid sleep` turning into `sleep`), its environ
    /// reads empty for a moment: the new image's is not laid out yet. A
    /// marked process read in that window would be missed and live on, so an
    /// empty read of a live process is read again, a bounded number of times
    /// (a process started with an empty environment costs ~10 ms a scan).
    fn has_marker(process: &ProcStat, entry: &[u8]) -> bool {
        for _ in 0..10 {
            match fs::read(format!("/proc/{}/environ", process.pid)) {
                Ok(env) if env.is_empty() && still_alive(process) => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                Ok(env) => return env.split(|&b| b == 0).any(|e| e == entry),
                Err(_) => return false,
            }
        }
        false
    }

    /// SIGKILL a process found by its marker, and reap it if the runner
    /// adopted it. Through a pidfd where the kernel has them, so that a pid
    /// freed and reused since the scan is never signalled: the pidfd's
    /// process must have the scanned start time. The identity is checked by
    /// start time, not by reading the marker again: a process caught in an
    /// exec would read as unmarked and be spared.
    fn kill_found(process: &ProcStat) {
        let Some(target) = Pid::from_raw(process.pid) else {
            return;
        };
        let me = std::process::id() as i32;
        match rustix::process::pidfd_open(target, rustix::process::PidfdFlags::empty()) {
            Ok(fd) => {
                if !still_alive(process) {
                    return;
                }
                let _ = rustix::process::pidfd_send_signal(&fd, Signal::KILL);
                if process.ppid == me {
                    reap_killed(&fd, process.pid);
                }
            }
            // No pidfds (a kernel before 5.3, or a sandbox that forbids
            // them): a plain kill after the identity check; the window for
            // a reused pid is the few microseconds between the two.
            Err(_) => {
                if still_alive(process) {
                    let _ = rustix::process::kill_process(target, Signal::KILL);
                }
            }
        }
    }

    /// Reap an adopted process just sent SIGKILL, waiting for it at most
    /// [`REAP_WAIT`]. Never an unbounded wait: were the signal lost, a
    /// blocking `waitpid` would hang the check for as long as the process
    /// lives. Whatever is not reaped here is reaped by `reap_adopted` later.
    fn reap_killed(fd: &impl rustix::fd::AsFd, pid: i32) {
        use rustix::event::{PollFd, PollFlags, Timespec};
        let timeout = Timespec {
            tv_sec: 0,
            tv_nsec: REAP_WAIT.as_nanos().try_into().unwrap_or(0),
        };
        // A pidfd turns readable when its process exits.
        let mut fds = [PollFd::new(fd, PollFlags::IN)];
        if rustix::event::poll(&mut fds, Some(&timeout)).is_ok_and(|ready| ready > 0) {
            reap(pid, WaitOptions::NOHANG);
        }
    }

    /// How long a killed, adopted process is waited for before moving on.
    const REAP_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

    pub fn kill_group(pgid: i32) {
        if let Some(pgid) = Pid::from_raw(pgid) {
            // A group that is already gone gives ESRCH: nothing to do.
            let _ = rustix::process::kill_process_group(pgid, Signal::KILL);
        }
    }

    /// Live processes of the group `pgid`, but its leader.
    pub fn group_members(pgid: i32) -> BTreeSet<i32> {
        all()
            .iter()
            .filter(|p| p.pgrp == pgid && p.pid != pgid && p.state != b'Z')
            .map(|p| p.pid)
            .collect()
    }

    /// Kill every live process carrying `marker` that is not in the group
    /// `pgid` (the group is signalled as a whole) and started at or after
    /// `since`. Returns their pids.
    pub fn kill_escaped(marker: &str, pgid: i32, since: u64) -> BTreeSet<i32> {
        let entry = format!("{}={marker}", super::MARKER_VAR).into_bytes();
        let mut stopped = BTreeSet::new();
        // A process may fork while the scan runs: scan again until a round
        // finds nothing new (bounded, against a fork bomb).
        for _ in 0..8 {
            let found: Vec<ProcStat> = all()
                .into_iter()
                .filter(|p| p.start >= since && p.pgrp != pgid && p.state != b'Z')
                .filter(|p| !stopped.contains(&p.pid) && has_marker(p, &entry))
                .collect();
            if found.is_empty() {
                break;
            }
            for p in &found {
                kill_found(p);
                stopped.insert(p.pid);
            }
        }
        stopped
    }

    pub fn reap(pid: i32, options: WaitOptions) {
        if let Some(pid) = Pid::from_raw(pid) {
            let _ = rustix::process::waitpid(Some(pid), options);
        }
    }

    /// Reap the zombies of orphans the runner adopted. `own` are the pids of
    /// the children it started itself, whose exit statuses belong to their
    /// `Child`. Every other child is an adopted orphan: `process.rs` is the one
    /// place that starts children (clippy.toml and the working rules).
    pub fn reap_adopted(own: &BTreeSet<i32>) {
        let me = std::process::id() as i32;
        for p in all() {
            if p.ppid == me && p.state == b'Z' && !own.contains(&p.pid) {
                reap(p.pid, WaitOptions::NOHANG);
            }
        }
    }

    pub fn become_subreaper() -> std::io::Result<()> {
        rustix::process::set_child_subreaper(Some(rustix::process::getpid())).map_err(Into::into)
    }

    pub fn start_ticks(pid: i32) -> u64 {
        stat(pid).map_or(0, |s| s.start)
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    //! Elsewhere: the process group only.
    use std::collections::BTreeSet;

    pub fn kill_group(pgid: i32) {
        if let Some(pgid) = rustix::process::Pid::from_raw(pgid) {
            let _ = rustix::process::kill_process_group(pgid, rustix::process::Signal::KILL);
        }
    }
    pub fn group_members(_pgid: i32) -> BTreeSet<i32> {
        BTreeSet::new()
    }
    pub fn kill_escaped(_marker: &str, _pgid: i32, _since: u64) -> BTreeSet<i32> {
        BTreeSet::new()
    }
    pub fn reap_adopted(_own: &BTreeSet<i32>) {}
    pub fn become_subreaper() -> std::io::Result<()> {
        Ok(())
    }
    pub fn start_ticks(_pid: i32) -> u64 {
        0
    }
}

pub use imp::{become_subreaper, kill_group, start_ticks};

/// Stop what is left of a child's tree once its leader has exited (and before
/// it is reaped, so the group id cannot belong to anyone else yet). Returns
/// how many processes were still running: those of the group when
/// `count_group`, and every escaped one.
pub fn stop_tree(pgid: i32, marker: &str, since: u64, count_group: bool) -> usize {
    let mut left = if count_group {
        imp::group_members(pgid)
    } else {
        BTreeSet::new()
    };
    kill_group(pgid);
    // A member may leave the group between the two scans: count it once.
    left.extend(imp::kill_escaped(marker, pgid, since));
    left.len()
}

/// See [`imp::reap_adopted`].
pub fn reap_adopted(own: &BTreeSet<i32>) {
    imp::reap_adopted(own);
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn reads_its_own_stat() {
        let me = imp::stat(std::process::id() as i32).unwrap();
        assert_eq!(me.pid, std::process::id() as i32);
        assert!(me.start > 0);
        assert!(imp::all().iter().any(|p| p.pid == me.pid));
    }
}
