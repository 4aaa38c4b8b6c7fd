//! Keys and resizes from the terminal, on a thread of their own, which can be
//! paused while the terminal belongs to someone else (the learner's editor,
//! the shell after Ctrl-Z): a paused reader must not take their keystrokes.
//!
//! The thread sleeps in one `mio` poll on stdin, SIGWINCH and a waker, so an
//! idle watcher makes no wake-ups, and a pause is answered at once.

use std::os::fd::AsRawFd;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{self as term_event, Event as TermEvent};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token, Waker};
use signal_hook_mio::v1_0::Signals;

use super::AppEvent;

const STDIN: Token = Token(0);
const WAKE: Token = Token(1);
const SIGNALS: Token = Token(2);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Control {
    Run,
    PauseAsked,
    Paused,
}

pub struct KeyReader {
    waker: Arc<Waker>,
    control: Arc<(Mutex<Control>, Condvar)>,
}

impl KeyReader {
    pub fn start(events: std::sync::mpsc::Sender<AppEvent>) -> Result<Self> {
        let poll = Poll::new().context("could not start the key reader")?;
        let stdin = std::io::stdin().as_raw_fd();
        poll.registry()
            .register(&mut SourceFd(&stdin), STDIN, Interest::READABLE)
            .context("could not watch the terminal for keys")?;
        let mut signals =
            Signals::new([signal_hook::consts::SIGWINCH]).context("could not watch for resizes")?;
        poll.registry()
            .register(&mut signals, SIGNALS, Interest::READABLE)
            .context("could not watch for resizes")?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKE).context("could not start the key reader")?);
        let control = Arc::new((Mutex::new(Control::Run), Condvar::new()));
        let shared = Arc::clone(&control);
        thread::spawn(move || read_keys(poll, signals, &events, &shared));
        Ok(KeyReader { waker, control })
    }

    /// Stop reading until [`KeyReader::resume`]; returns once the reader is idle.
    pub fn pause(&self) {
        let (lock, turn) = &*self.control;
        let mut control = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *control = Control::PauseAsked;
        let _ = self.waker.wake();
        // Bounded: a reader thread that died must not hang the watcher.
        let _ = turn.wait_timeout_while(control, Duration::from_secs(2), |c| *c != Control::Paused);
    }

    pub fn resume(&self) {
        let (lock, turn) = &*self.control;
        *lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Control::Run;
        turn.notify_all();
    }
}

fn read_keys(
    mut poll: Poll,
    mut signals: Signals,
    events: &std::sync::mpsc::Sender<AppEvent>,
    control: &(Mutex<Control>, Condvar),
) {
    let mut ready = Events::with_capacity(8);
    loop {
        if let Err(err) = poll.poll(&mut ready, None)
            && err.kind() != std::io::ErrorKind::Interrupted
        {
            return;
        }
        for event in &ready {
            match event.token() {
                STDIN if !paused(control) => {
                    // Everything that is there (crossterm may hold several).
                    while term_event::poll(Duration::ZERO).unwrap_or(false) {
                        let sent = match term_event::read() {
                            Ok(TermEvent::Key(key)) => events.send(AppEvent::Key(key)),
                            Ok(TermEvent::Resize(..)) => events.send(AppEvent::Resize),
                            Ok(_) => Ok(()),
                            Err(_) => return,
                        };
                        if sent.is_err() {
                            return;
                        }
                    }
                }
                SIGNALS if signals.pending().count() > 0 && events.send(AppEvent::Resize).is_err() => return,
                _ => {}
            }
        }
        let (lock, turn) = control;
        let mut state = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *state == Control::PauseAsked {
            *state = Control::Paused;
            turn.notify_all();
            while *state != Control::Run {
                state = turn
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        }
    }
}

fn paused(control: &(Mutex<Control>, Condvar)) -> bool {
    *control
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        != Control::Run
}
