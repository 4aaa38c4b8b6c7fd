//! Watch mode: file events and key presses → "check this exercise" → redraw.
//!
//! The decisions live in [`machine`], a pure transition function with unit
//! tests for each transition. This module is its runtime: it turns terminal
//! keys, file events, the checker thread's verdicts and the first build's
//! progress into [`machine::Event`]s, and carries out the [`machine::Effect`]s
//! the machine returns (start or cancel a check, save progress, draw).

mod editor;
mod files;
mod fingerprint;
mod keys;
mod warmup;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::KeyEvent;

use crate::check::batch::{self, Job, Manifest, Options};
use crate::check::{self, Target};
use crate::outcome::Outcome;
use crate::pack::Pack;
use crate::session::Session;
use crate::terminal_guard::RawModeGuard;
use crate::watch_machine::{self as machine, BuildProgress, Effect, Event, Model};
use files::{Change, FileWatcher, WatchSet};

const NOT_A_TERMINAL: &str = "watch mode needs an interactive terminal.\n  \
    help: `backlings run` checks the current exercise once, `backlings check` checks them all, \
    `backlings list` shows where you are";

/// How the watcher was asked to run.
pub struct WatchOptions {
    pub poll: bool,
    pub edit_cmd: Option<String>,
}

/// What the runtime's threads send to the loop.
pub enum AppEvent {
    Key(KeyEvent),
    Resize,
    FileChanged {
        exercise: usize,
        change: Change,
    },
    /// A watched folder went away or a missing one came: watch again.
    Rearm {
        exercise: usize,
    },
    WatchError(String),
    CheckDone {
        ticket: u64,
        outcome: Outcome,
        judged: machine::Fingerprint,
        after: machine::Fingerprint,
    },
    CheckAllProgress {
        phase: String,
        done: usize,
        total: usize,
    },
    CheckAllDone(Vec<(String, bool)>),
    Build(BuildProgress),
    BuildDone(Result<(), String>),
}

enum CheckRequest {
    One { ticket: u64, exercise: usize },
    All,
}

struct Runtime {
    pack: Arc<Pack>,
    watcher: FileWatcher,
    checks: Sender<CheckRequest>,
    keys: keys::KeyReader,
    editor: Option<Vec<String>>,
    hyperlinks: bool,
    /// A change waits for quiet until then (an editor's save dance, a git
    /// command's burst of writes).
    deferred: Option<(usize, Instant)>,
    /// The missing file's moment of grace was given.
    missing_waited: bool,
}

pub fn run(session: Session, options: WatchOptions) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!("{NOT_A_TERMINAL}");
        return Ok(ExitCode::from(crate::EXIT_BAD_INPUT));
    }
    let Session { pack, state } = session;
    let pack = Arc::new(pack);
    let (events_tx, events) = mpsc::channel();

    let on_slow_fs = std::fs::read_to_string("/proc/self/mountinfo")
        .ok()
        .and_then(|info| files::fs_type_of(&info, &pack.root))
        .filter(|fs| files::needs_polling(fs));
    let (watcher, watch_note) = FileWatcher::start(events_tx.clone(), options.poll || on_slow_fs.is_some())?;
    let checks = start_checker(Arc::clone(&pack), events_tx.clone());
    let building = warmup::needed(&pack);
    if building {
        warmup::start(&pack, events_tx.clone());
    }

    // A learner's very first start: greet them with the pack's welcome.
    let first_start = state.current().is_none() && state.done_count() == 0;
    let welcome = pack.welcome.clone().filter(|_| first_start);
    let mut model = Model::new(Arc::clone(&pack), state, building);
    model.watch_note = watch_note
        .or_else(|| {
            on_slow_fs.map(|fs| {
                format!(
                    "watching by polling: the pack is on a {fs} file system, where inotify sees no changes"
                )
            })
        })
        .or_else(|| {
            options
                .poll
                .then(|| "watching by polling (--poll): saves show within a second".to_string())
        });

    let _raw = RawModeGuard::enter()?;
    let mut runtime = Runtime {
        pack: Arc::clone(&pack),
        watcher,
        checks,
        keys: keys::KeyReader::start(events_tx.clone())?,
        editor: editor::command(options.edit_cmd.as_deref()),
        hyperlinks: editor::hyperlinks_supported(),
        deferred: None,
        missing_waited: false,
    };
    let effects = model.start(Instant::now());
    let mut quit = runtime.carry_out(&mut model, effects);
    if let Some(welcome) = welcome {
        model.note = Some(machine::Note {
            exercise: Some(model.current),
            text: welcome.trim().to_string(),
            tone: machine::Tone::Good,
        });
    }
    let result = if quit {
        Ok(())
    } else {
        runtime.draw(&mut model)?;
        event_loop(&mut model, &mut runtime, &events, &mut quit)
    };
    crate::process::kill_all();
    let _ = model.state.save();
    drop(_raw);
    // Leave the last screen in place and put the prompt below it.
    println!();
    println!(
        "Progress saved: {} of {} exercises done.",
        model.state.done_count(),
        model.pack.exercises.len()
    );
    result.map(|()| ExitCode::SUCCESS)
}

fn event_loop(
    model: &mut Model,
    runtime: &mut Runtime,
    events: &Receiver<AppEvent>,
    quit: &mut bool,
) -> Result<()> {
    while !*quit {
        let busy = model.running.is_some() || model.build.is_some() || model.check_all.is_some();
        let timeout = match (runtime.deferred, busy) {
            (Some((_, at)), _) => at.saturating_duration_since(Instant::now()),
            // While something runs, redraw each second to show it is alive.
            (None, true) => Duration::from_secs(1),
            (None, false) => Duration::from_secs(3600),
        };
        let event = match events.recv_timeout(timeout) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        let mut effects = Vec::new();
        if let Some((exercise, at)) = runtime.deferred
            && Instant::now() >= at
        {
            runtime.deferred = None;
            if let Some(saved) = runtime.saved(exercise) {
                effects.extend(model.update(saved, Instant::now()));
            }
        }
        let event = match event {
            None => Some(Event::Tick),
            Some(event) => runtime.translate(model, event),
        };
        if let Some(event) = event {
            effects.extend(model.update(event, Instant::now()));
        }
        *quit = runtime.carry_out(model, effects);
        if !*quit {
            runtime.draw(model)?;
        }
    }
    Ok(())
}

impl Runtime {
    /// A runtime event as the machine sees it (`None`: nothing for it yet).
    fn translate(&mut self, model: &mut Model, event: AppEvent) -> Option<Event> {
        Some(match event {
            AppEvent::Key(key) => Event::Key(key),
            AppEvent::Resize => Event::Resize,
            AppEvent::FileChanged { exercise, change } => {
                if exercise != model.current {
                    return None;
                }
                match change {
                    Change::Complete => {
                        self.deferred = None;
                        return self.saved(exercise);
                    }
                    Change::InProgress => {
                        // Trailing: a burst waits for its end.
                        self.deferred = Some((exercise, Instant::now() + files::QUIET_PERIOD));
                        return None;
                    }
                }
            }
            AppEvent::Rearm { exercise } => {
                if exercise == model.current {
                    self.follow(model, exercise);
                    // What was written before the new watch began is seen now.
                    self.deferred = Some((exercise, Instant::now() + files::QUIET_PERIOD));
                }
                return None;
            }
            AppEvent::WatchError(err) => {
                // inotify lost events or its queue overflowed: poll from now on.
                if !self.watcher.is_polling() && self.watcher.switch_to_polling().is_ok() {
                    self.follow(model, model.current);
                    Event::WatchTrouble(files::polling_note(&format!("inotify: {err}")))
                } else {
                    Event::WatchTrouble(format!(
                        "file watching failed: {err} — press r to re-check by hand"
                    ))
                }
            }
            AppEvent::CheckDone {
                ticket,
                outcome,
                judged,
                after,
            } => {
                // A pass moves on to the next unfinished exercise: know what
                // another terminal finished meanwhile before choosing it. (A
                // failing save, the common case, reads nothing from disk.)
                if outcome.status.passed() {
                    model.state.refresh();
                }
                Event::CheckDone {
                    ticket,
                    outcome,
                    judged,
                    after,
                }
            }
            AppEvent::CheckAllProgress { phase, done, total } => {
                Event::CheckAllProgress { phase, done, total }
            }
            AppEvent::CheckAllDone(results) => Event::CheckAllDone(results),
            AppEvent::Build(progress) => Event::BuildProgress(progress),
            AppEvent::BuildDone(result) => Event::BuildDone(result),
        })
    }

    /// The files of `exercise` changed: hash them for the machine. A file
    /// that is gone may be an editor's save in progress: it gets a moment to
    /// come back before the check says it is missing.
    fn saved(&mut self, exercise: usize) -> Option<Event> {
        let pack = Arc::clone(&self.pack);
        let ex = &pack.exercises[exercise];
        if fingerprint::file_missing(&pack, ex) && !self.missing_waited {
            self.missing_waited = true;
            self.deferred = Some((exercise, Instant::now() + files::MISSING_GRACE));
            return None;
        }
        self.missing_waited = false;
        Some(Event::Saved {
            exercise,
            fingerprint: fingerprint::of(&pack, ex),
        })
    }

    fn follow(&mut self, model: &mut Model, exercise: usize) {
        let pack = Arc::clone(&self.pack);
        let set = WatchSet::new(check::watched_paths(&pack, &pack.exercises[exercise]));
        match self.watcher.follow(exercise, set) {
            Ok(Some(note)) => model.watch_note = Some(note),
            Ok(None) => {}
            Err(err) => {
                model.update(
                    Event::WatchTrouble(format!("{err:#} — press r to re-check by hand")),
                    Instant::now(),
                );
            }
        }
    }

    /// Do what the machine asked; returns true to quit.
    fn carry_out(&mut self, model: &mut Model, effects: Vec<Effect>) -> bool {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Arrive {
                    exercise: index,
                    from,
                } => {
                    let pack = Arc::clone(&self.pack);
                    let exercise = &pack.exercises[index];
                    // Entering a stage (not a move within one): its introduction.
                    let stage_intro = from
                        .is_none_or(|from| pack.exercises[from].stage != exercise.stage)
                        .then(|| pack.stage(&exercise.stage).and_then(|s| s.intro_text(&pack)))
                        .flatten();
                    let problem = check::prepare(&pack, exercise)
                        .err()
                        .map(|err| format!("could not prepare {}: {err:#}", exercise.name));
                    self.deferred = None;
                    self.follow(model, index);
                    let more = model.update(
                        Event::Arrived {
                            exercise: index,
                            intro: exercise.intro_text(&pack),
                            stage_intro,
                            workspace: check::workspace_hint(&pack, exercise),
                            problem,
                        },
                        Instant::now(),
                    );
                    queue.extend(more);
                }
                Effect::StartCheck { ticket, exercise } => {
                    let _ = self.checks.send(CheckRequest::One { ticket, exercise });
                }
                // Safe: the machine asks only when the check is all that runs.
                Effect::CancelCheck => crate::process::kill_all(),
                Effect::CheckAll => {
                    let _ = self.checks.send(CheckRequest::All);
                }
                Effect::Reset(index) => {
                    let pack = Arc::clone(&self.pack);
                    let result = check::reset(&pack, &pack.exercises[index]).map_err(|e| format!("{e:#}"));
                    queue.extend(model.update(
                        Event::ResetDone {
                            exercise: index,
                            result,
                        },
                        Instant::now(),
                    ));
                }
                Effect::SaveState => {
                    if let Err(err) = model.state.save() {
                        model.note = Some(machine::Note {
                            exercise: None,
                            text: format!("progress could not be saved: {err:#}"),
                            tone: machine::Tone::Warning,
                        });
                    }
                }
                Effect::OpenEditor(index) => self.open_editor(model, index),
                Effect::Suspend => self.suspend(),
                Effect::Quit => return true,
            }
        }
        false
    }

    fn open_editor(&mut self, model: &mut Model, index: usize) {
        let Some(words) = self.editor.clone() else {
            model.note = Some(machine::Note {
                exercise: Some(index),
                text: editor::NO_EDITOR.into(),
                tone: machine::Tone::Info,
            });
            return;
        };
        let pack = Arc::clone(&self.pack);
        let exercise = &pack.exercises[index];
        // The file to edit; a git exercise without one: its sandbox.
        let target = exercise.files.first().map(|f| pack.path(f)).or_else(|| {
            check::watched_paths(&pack, exercise)
                .into_iter()
                .find(|(_, recursive)| *recursive)
                .map(|(p, _)| p)
        });
        let Some(target) = target else { return };
        let result = self.with_terminal_handed_over(|| editor::open(&words, &target));
        if let Err(err) = result {
            model.note = Some(machine::Note {
                exercise: Some(index),
                text: format!("{err:#}"),
                tone: machine::Tone::Warning,
            });
        }
    }

    /// Ctrl-Z: give the terminal back and stop, as any program does; `fg`
    /// resumes here and the screen is drawn again.
    fn suspend(&mut self) {
        self.with_terminal_handed_over(|| {
            let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
        });
    }

    /// Stop reading keys, leave raw mode, run `f`, then take the terminal back.
    fn with_terminal_handed_over<T>(&mut self, f: impl FnOnce() -> T) -> T {
        self.keys.pause();
        crate::terminal_guard::restore_terminal();
        let mut out = std::io::stdout();
        let _ = write!(out, "\x1b[H\x1b[2J");
        let _ = out.flush();
        let result = f();
        let _ = crossterm::terminal::enable_raw_mode();
        let _ = write!(out, "\x1b[2J");
        self.keys.resume();
        result
    }

    fn draw(&mut self, model: &mut Model) -> Result<()> {
        let (width, height) = terminal_size();
        let frame = crate::view::screen::render(model, width, height, Instant::now());
        model.update(
            Event::Drawn {
                max_scroll: frame.max_scroll,
                page: frame.page,
            },
            Instant::now(),
        );
        // Overwrite from the top-left corner, clearing each line's rest and what is
        // below the last line: no flicker, no scrolling. The frame goes out in one
        // write, so a terminal (or a test reading the pty) never shows half of it
        // (stdout's line buffering would send it line by line).
        let mut buffer = String::from("\x1b[H");
        for (i, line) in frame.lines.iter().enumerate() {
            if i > 0 {
                buffer.push_str("\r\n");
            }
            if self.hyperlinks {
                buffer.push_str(&link_paths(line, &frame.links));
            } else {
                buffer.push_str(line);
            }
            buffer.push_str("\x1b[K");
        }
        buffer.push_str("\x1b[J");
        let mut out = std::io::stdout().lock();
        out.write_all(buffer.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

fn link_paths(line: &str, links: &[(String, std::path::PathBuf)]) -> String {
    let mut line = line.to_string();
    for (text, target) in links {
        if line.contains(text.as_str()) {
            line = line.replacen(text.as_str(), &editor::hyperlink(text, target), 1);
        }
    }
    line
}

/// The terminal's size, with sane fallbacks (a size of 0 happens under some
/// CI terminals and must not panic anything).
fn terminal_size() -> (usize, usize) {
    match crossterm::terminal::size() {
        Ok((cols, rows)) if cols > 0 && rows > 0 => (cols as usize, rows as usize),
        _ => (80, 24),
    }
}

/// The checker thread: one check at a time, in the order asked. Each verdict
/// carries the hash of the files before and after its check, so the loop
/// can tell whether it still judges what is on disk.
fn start_checker(pack: Arc<Pack>, events: Sender<AppEvent>) -> Sender<CheckRequest> {
    let (tx, rx) = mpsc::channel::<CheckRequest>();
    thread::spawn(move || {
        for request in rx {
            let event = match request {
                CheckRequest::One { ticket, exercise } => {
                    let exercise = &pack.exercises[exercise];
                    let judged = fingerprint::of(&pack, exercise);
                    let outcome = check::check(&pack, exercise, Target::Learner);
                    let after = fingerprint::of(&pack, exercise);
                    AppEvent::CheckDone {
                        ticket,
                        outcome,
                        judged,
                        after,
                    }
                }
                CheckRequest::All => {
                    // The batch engine: one cargo build for every rust and
                    // http exercise, then the checks side by side.
                    let jobs = Job::every_learner_exercise(&pack);
                    let options = Options {
                        manifest: Manifest::of(&pack),
                    };
                    let observer = WatchObserver {
                        events: Mutex::new(events.clone()),
                        done: AtomicUsize::new(0),
                        total: AtomicUsize::new(jobs.len()),
                    };
                    let outcomes = batch::run(&pack, &jobs, &options, &observer);
                    let results = jobs
                        .iter()
                        .zip(&outcomes)
                        .map(|(job, outcome)| (job.exercise.name.clone(), outcome.status.passed()))
                        .collect();
                    AppEvent::CheckAllDone(results)
                }
            };
            if events.send(event).is_err() {
                break;
            }
        }
    });
    tx
}

/// Turns a batch's progress into events for the screen.
struct WatchObserver {
    events: Mutex<Sender<AppEvent>>,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl WatchObserver {
    fn send(&self, phase: &str) {
        let total = self.total.load(Ordering::Relaxed);
        let done = self.done.load(Ordering::Relaxed);
        let events = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = events.send(AppEvent::CheckAllProgress {
            phase: phase.to_string(),
            done,
            total,
        });
    }
}

impl batch::Observer for WatchObserver {
    fn step(&self, what: &str) {
        self.send(what);
    }

    fn checking(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.send("checking");
    }

    fn finished(&self, _job: &Job<'_>, _outcome: &Outcome) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.send("checking");
    }
}
