//! Stops a runaway statement at the exercise's deadline, for either engine:
//! when the deadline passes it sets `fired` and calls the engine's stop
//! (SQLite's interrupt, PostgreSQL's cancel request), and calls it again
//! every `every` until dropped — a stop that lands between two statements is
//! lost, and the run loop sees `fired` before the next one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

pub struct Watchdog {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    pub fn start(
        remaining: Duration,
        every: Duration,
        fired: Arc<AtomicBool>,
        mut stop_statement: impl FnMut() + Send + 'static,
    ) -> Watchdog {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            if stopped.recv_timeout(remaining) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            fired.store(true, Ordering::SeqCst);
            loop {
                stop_statement();
                if stopped.recv_timeout(every) != Err(RecvTimeoutError::Timeout) {
                    return;
                }
            }
        });
        Watchdog {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_at_the_deadline_and_again_until_dropped() {
        let fired = Arc::new(AtomicBool::new(false));
        let (calls, counted) = mpsc::channel();
        let dog = Watchdog::start(
            Duration::ZERO,
            Duration::from_millis(1),
            fired.clone(),
            move || {
                let _ = calls.send(());
            },
        );
        counted.recv().unwrap();
        counted.recv().unwrap();
        drop(dog);
        assert!(fired.load(Ordering::SeqCst));
        let quiet = Arc::new(AtomicBool::new(false));
        drop(Watchdog::start(
            Duration::from_secs(60),
            Duration::from_millis(1),
            quiet.clone(),
            || {},
        ));
        assert!(!quiet.load(Ordering::SeqCst), "dropped before its deadline");
    }
}
