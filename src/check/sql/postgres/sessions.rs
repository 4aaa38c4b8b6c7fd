//! Two-session exercises: the learner's SQL runs in two connections, A and
//! B, interleaved by the exercise's script (`sessions = ["A", "B", …]`), so
//! that locks, lost updates and deadlocks happen for real.
//!
//! Each entry of the script lets its session run one more statement. After
//! each entry the runner waits until nothing moves: every session is idle,
//! or waits for a lock the other one holds (`pg_blocking_pids`). A session
//! that waits keeps the entries it is given and runs them as soon as its
//! lock comes. When the script ends, both sessions run what is left of their
//! statements. A session stops at its first error (a deadlock victim among
//! them); what it left open is rolled back, as closing its connection would.
//!
//! The file says which statement belongs to which session with comment
//! lines `-- session A` and `-- session B`; without them, both sessions run
//! the whole file (two requests running the same code).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use postgres::{CancelToken, Client, NoTls};

use super::super::engine::{Session, SessionsRun};
use super::super::run::{Deadline, Failure};
use super::super::script::Script;
use super::server::Server;
use super::{execute, to_failure};

/// How often the runner looks whether a session waits for a lock: the
/// waits it looks for last until the other session moves, so this only
/// bounds the latency of seeing one.
const POLL: Duration = Duration::from_millis(2);

/// The statements (indices into the file's statements) each session runs.
pub fn split(script: &Script) -> [Vec<usize>; 2] {
    let marker = |text: &str| -> Option<Session> {
        let line = text.trim().strip_prefix("--")?.trim();
        let rest = line.strip_prefix("session")?.trim();
        match rest.split(|c: char| !c.is_ascii_alphanumeric()).next()? {
            "A" => Some(Session::A),
            "B" => Some(Session::B),
            _ => None,
        }
    };
    // Markers, by their byte offset in the file.
    let mut markers: Vec<(usize, Session)> = Vec::new();
    let mut offset = 0;
    for line in script.text.split_inclusive('\n') {
        if let Some(session) = marker(line) {
            markers.push((offset, session));
        }
        offset += line.len();
    }
    let mut parts: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (index, range) in script.statements.iter().enumerate() {
        match markers.iter().rev().find(|(at, _)| *at <= range.start) {
            Some((_, session)) => parts[session.index()].push(index),
            // No markers, or before the first one: both sessions run it.
            None => {
                parts[0].push(index);
                parts[1].push(index);
            }
        }
    }
    parts
}

#[derive(Default)]
struct State {
    /// Statements it may still start.
    credits: usize,
    /// The statement it runs now.
    running: Option<usize>,
    /// Out of statements, or stopped at an error.
    done: bool,
    failure: Option<Failure>,
    /// Told to stop (the deadline passed, or the run is over).
    stop: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Runner {
    shared: Arc<Shared>,
    pid: i32,
    cancel: CancelToken,
    thread: Option<thread::JoinHandle<Client>>,
}

impl Runner {
    fn start(
        mut client: Client,
        script: Arc<Script>,
        statements: Vec<usize>,
    ) -> Result<Runner, postgres::Error> {
        let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[])?.get(0);
        let cancel = client.cancel_token();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let mine = shared.clone();
        let thread = thread::spawn(move || {
            for index in statements {
                {
                    let mut state = lock(&mine);
                    while state.credits == 0 && !state.stop {
                        state = mine.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                    }
                    if state.stop {
                        break;
                    }
                    state.credits -= 1;
                    state.running = Some(index);
                }
                let range = script.statements[index].clone();
                let sql = &script.text[range.clone()];
                let result = execute(&mut client, sql);
                let mut state = lock(&mine);
                state.running = None;
                if let Err(err) = result {
                    state.failure = Some(to_failure(false, index, range.start, sql, err));
                    break;
                }
                mine.changed.notify_all();
            }
            lock(&mine).done = true;
            mine.changed.notify_all();
            client
        });
        Ok(Runner {
            shared,
            pid,
            cancel,
            thread: Some(thread),
        })
    }

    fn grant(&self, credits: usize) {
        let mut state = lock(&self.shared);
        state.credits = state.credits.saturating_add(credits);
        drop(state);
        self.shared.changed.notify_all();
    }

    /// Idle, done, or (`blocked` says) waiting for a lock.
    fn settled(&self, blocked: &mut dyn FnMut(i32) -> bool) -> bool {
        let state = lock(&self.shared);
        if state.done || (state.credits == 0 && state.running.is_none()) {
            return true;
        }
        let running = state.running.is_some();
        drop(state);
        running && blocked(self.pid)
    }

    fn finish(mut self) -> (Option<Failure>, Option<Client>) {
        lock(&self.shared).stop = true;
        self.shared.changed.notify_all();
        let client = self.thread.take().and_then(|t| t.join().ok());
        let failure = lock(&self.shared).failure.take();
        (failure, client)
    }
}

/// Run `script` in two sessions on database `dbname` of `server`, as
/// `order` interleaves them.
pub fn run(
    server: &Server,
    dbname: &str,
    script: &Script,
    order: &[Session],
    deadline: Deadline,
) -> Result<SessionsRun, Failure> {
    let parts = split(script);
    // The session threads own their copy.
    let script = Arc::new(Script::new(script.text.clone()));
    let first_statement = |session: Session| parts[session.index()].first().copied().unwrap_or(0);
    let mut runners = Vec::new();
    for session in [Session::A, Session::B] {
        let config = server.check_config(dbname, deadline.remaining());
        let started = config
            .connect(NoTls)
            .and_then(|client| Runner::start(client, script.clone(), parts[session.index()].clone()));
        match started {
            Ok(runner) => runners.push(runner),
            Err(err) => {
                return Err(Failure::Sql {
                    statement: first_statement(session),
                    offset: 0,
                    message: format!("session {session} could not connect: {err}"),
                    constraint: false,
                });
            }
        }
    }
    let mut admin = server.admin();
    let mut blocked = |pid: i32| -> bool {
        admin
            .query_one("SELECT cardinality(pg_blocking_pids($1)) > 0", &[&pid])
            .is_ok_and(|row| row.get::<_, bool>(0))
    };
    let started = Instant::now();
    let limit = deadline.remaining();
    let mut settle = |runners: &[Runner], all_done: bool| -> bool {
        loop {
            let settled = if all_done {
                runners.iter().all(|r| lock(&r.shared).done)
            } else {
                runners.iter().all(|r| r.settled(&mut blocked))
            };
            if settled {
                return true;
            }
            if started.elapsed() >= limit {
                return false;
            }
            thread::sleep(POLL);
        }
    };
    let mut in_time = true;
    for session in order {
        runners[session.index()].grant(1);
        if !settle(&runners, false) {
            in_time = false;
            break;
        }
    }
    if in_time {
        for runner in &runners {
            runner.grant(usize::MAX);
        }
        in_time = settle(&runners, true);
    }
    drop(admin);
    if !in_time {
        let running = runners.iter().find_map(|r| lock(&r.shared).running).unwrap_or(0);
        for runner in &runners {
            let _ = runner.cancel.cancel_query(NoTls);
        }
        for runner in runners {
            let _ = runner.finish();
        }
        return Err(Failure::Interrupted { statement: running });
    }
    let mut run = SessionsRun::default();
    for (runner, session) in runners.into_iter().zip([Session::A, Session::B]) {
        let (failure, client) = runner.finish();
        if let Some(mut client) = client {
            super::roll_back_open_transaction(&mut client);
        }
        if let Some(failure) = failure {
            run.failures.push((session, failure));
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_give_each_session_its_statements() {
        let script = Script::new(
            "CREATE TEMP TABLE t(a int);\n-- session A\nSELECT 1;\nSELECT 2;\n-- session B: the other side\nSELECT 3;\n",
        );
        assert_eq!(split(&script), [vec![0, 1, 2], vec![0, 3]]);
        let shared = Script::new("BEGIN;\nSELECT 1;\nCOMMIT;\n");
        assert_eq!(split(&shared), [vec![0, 1, 2], vec![0, 1, 2]]);
    }
}
