//! Watch mode: file events and key presses → "check this exercise" → redraw.
//!
//! One loop owns the app's state; everything else talks to it through a
//! channel: the key reader, the file watcher, the checker thread, the
//! background build. A save that arrives while a check runs queues exactly one
//! more check, so the verdict on screen is always for the latest save.

mod files;
mod screen;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::{
    self as term_event, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};

use crate::check::batch::{self, Job, Manifest, Options};
use crate::check::{self, Target};
use crate::outcome::Outcome;
use crate::pack::Pack;
use crate::process::Cmd;
use crate::session::Session;
use crate::state::State;
use crate::terminal_guard::RawModeGuard;
use files::{Change, FileWatcher, WatchSet};

const NOT_A_TERMINAL: &str = "watch mode needs an interactive terminal.\n  \
    help: `backlings run` checks the current exercise once, `backlings check` checks them all, \
    `backlings list` shows where you are";

/// Everything the loop reacts to.
pub enum AppEvent {
    Key(KeyEvent),
    Resize,
    FileChanged(Change),
    WatchError(String),
    CheckDone { generation: u64, outcome: Outcome },
    CheckAllProgress { done: usize, total: usize },
    CheckAllDone(Vec<(String, bool)>),
    BackgroundDone(Result<(), String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Main,
    List { selected: usize },
    ConfirmReset,
}

pub struct JustPassed {
    pub name: String,
    pub solution: String,
}

/// What the screen shows, and what the loop needs to decide.
pub struct App {
    pub pack: Arc<Pack>,
    pub state: State,
    pub current: usize,
    pub mode: Mode,
    pub outcome: Option<Outcome>,
    pub checking: bool,
    pub check_started: Option<Instant>,
    /// A save arrived during the running check: check once more when it ends.
    pub pending: bool,
    pub just_passed: Option<JustPassed>,
    pub workspace_hint: Option<String>,
    /// The current exercise's explanation, read once on arrival rather than
    /// from disk on every redraw.
    pub intro: String,
    /// A transient line (an answer to a key press).
    pub message: Option<String>,
    /// Work going on in the background (the first build of the exercise package).
    pub background: Option<String>,
    /// Bumped whenever the exercise changes, so a late verdict for the previous
    /// exercise is not shown on the new one.
    generation: u64,
    /// Files' content at the last check, to skip events that changed nothing.
    last_checked_content: Option<u64>,
    checks: Sender<CheckRequest>,
}

enum CheckRequest {
    One { generation: u64, index: usize },
    All,
}

pub fn run(session: Session, poll: bool) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!("{NOT_A_TERMINAL}");
        return Ok(ExitCode::from(crate::EXIT_BAD_INPUT));
    }
    let Session { pack, mut state } = session;
    let pack = Arc::new(pack);
    let (events_tx, events) = mpsc::channel();

    let mut watcher = FileWatcher::start(events_tx.clone(), poll)?;
    let checks = start_checker(Arc::clone(&pack), events_tx.clone());
    let background = start_first_build(&pack, events_tx.clone());

    // A learner's very first start: greet them with the pack's welcome.
    let first_start = state.current().is_none() && state.done_count() == 0;
    let welcome = pack.welcome.clone().filter(|_| first_start);
    let current = state.start_index(&pack);
    state.set_current(&pack.exercises[current].name);
    let mut app = App {
        pack,
        state,
        current,
        mode: Mode::Main,
        outcome: None,
        checking: false,
        check_started: None,
        pending: false,
        just_passed: None,
        workspace_hint: None,
        intro: String::new(),
        message: None,
        background,
        generation: 0,
        last_checked_content: None,
        checks,
    };

    let _raw = RawModeGuard::enter()?;
    start_key_reader(events_tx.clone());
    app.arrive(&mut watcher);
    if let Some(welcome) = welcome {
        app.message = Some(welcome.trim().to_string());
    }
    draw(&app)?;
    let result = event_loop(&mut app, &mut watcher, &events);
    crate::process::kill_all();
    let _ = app.state.save();
    drop(_raw);
    // Leave the last screen in place and put the prompt below it.
    println!();
    println!(
        "Progress saved: {} of {} exercises done.",
        app.state.done_count(),
        app.pack.exercises.len()
    );
    result.map(|()| ExitCode::SUCCESS)
}

fn event_loop(app: &mut App, watcher: &mut FileWatcher, events: &Receiver<AppEvent>) -> Result<()> {
    // A bare "modified" waits this long for the close-after-write that usually follows.
    let mut deferred_change: Option<Instant> = None;
    loop {
        let timeout = match (deferred_change, app.checking || app.background.is_some()) {
            (Some(at), _) => at.saturating_duration_since(Instant::now()),
            // While something runs, redraw each second to show it is alive.
            (None, true) => Duration::from_secs(1),
            (None, false) => Duration::from_secs(3600),
        };
        let event = match events.recv_timeout(timeout) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        if deferred_change.is_some_and(|at| Instant::now() >= at) {
            deferred_change = None;
            app.file_changed();
        }
        match event {
            None => {}
            Some(AppEvent::Key(key)) if app.on_key(key, watcher) == Flow::Quit => return Ok(()),
            Some(AppEvent::Key(_)) => {}
            Some(AppEvent::Resize) => {}
            Some(AppEvent::FileChanged(Change::Complete)) => {
                deferred_change = None;
                app.file_changed();
            }
            Some(AppEvent::FileChanged(Change::InProgress)) => {
                deferred_change.get_or_insert_with(|| Instant::now() + files::QUIET_PERIOD);
            }
            Some(AppEvent::WatchError(err)) => {
                app.message = Some(format!(
                    "file watching failed: {err} — press r to re-check by hand, or restart with `backlings --poll`"
                ));
            }
            Some(AppEvent::CheckDone { generation, outcome }) => app.check_done(generation, outcome, watcher),
            Some(AppEvent::CheckAllProgress { done, total }) => {
                app.message = Some(format!("checking all exercises… {done}/{total}"));
            }
            Some(AppEvent::CheckAllDone(results)) => app.check_all_done(results),
            Some(AppEvent::BackgroundDone(result)) => {
                app.background = None;
                if let Err(err) = result {
                    app.message = Some(format!("the background build failed: {err}"));
                }
            }
        }
        draw(app)?;
    }
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

impl App {
    fn exercise(&self) -> &crate::pack::Exercise {
        &self.pack.exercises[self.current]
    }

    /// The learner arrives at `self.current`: set it up, watch it, check it.
    fn arrive(&mut self, watcher: &mut FileWatcher) {
        self.generation += 1;
        self.outcome = None;
        self.pending = false;
        self.checking = false;
        self.last_checked_content = None;
        self.mode = Mode::Main;
        let pack = Arc::clone(&self.pack);
        let exercise = &pack.exercises[self.current];
        self.state.set_current(&exercise.name);
        let _ = self.state.save();
        if let Err(err) = check::prepare(&pack, exercise) {
            self.message = Some(format!("could not prepare {}: {err:#}", exercise.name));
        }
        self.workspace_hint = check::workspace_hint(&pack, exercise);
        self.intro = exercise.intro_text(&pack);
        if let Err(err) = watcher.follow(WatchSet::new(check::watched_paths(&pack, exercise))) {
            self.message = Some(format!("{err:#}"));
        }
        self.start_check();
    }

    fn start_check(&mut self) {
        if self.checking {
            self.pending = true;
            return;
        }
        self.checking = true;
        self.check_started = Some(Instant::now());
        self.last_checked_content = self.content_fingerprint();
        let _ = self.checks.send(CheckRequest::One {
            generation: self.generation,
            index: self.current,
        });
    }

    fn file_changed(&mut self) {
        if self.checking {
            self.pending = true;
            return;
        }
        // Editors often write twice per save, or touch without changing: only
        // a change of content deserves a new verdict.
        let now = self.content_fingerprint();
        if now.is_some() && now == self.last_checked_content && self.outcome.is_some() {
            return;
        }
        self.start_check();
    }

    /// A hash of the exercise's files (None for kinds without files, whose
    /// state lives elsewhere: always re-check those).
    fn content_fingerprint(&self) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let exercise = self.exercise();
        if self.workspace_hint.is_some() || exercise.files.is_empty() {
            return None;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for file in &exercise.files {
            std::fs::read(self.pack.path(file)).ok().hash(&mut hasher);
        }
        Some(hasher.finish())
    }

    fn check_done(&mut self, generation: u64, outcome: Outcome, watcher: &mut FileWatcher) {
        if generation != self.generation {
            return;
        }
        self.checking = false;
        if self.pending {
            // The verdict is for an older save: show it, but check again.
            self.pending = false;
            self.outcome = Some(outcome);
            self.start_check();
            return;
        }
        let name = self.exercise().name.clone();
        let passed = outcome.status.passed();
        let was_done = self.state.is_done(&name);
        self.outcome = Some(outcome);
        if !passed {
            return;
        }
        self.state.set_done(&name, true);
        let _ = self.state.save();
        if was_done {
            return;
        }
        // A first pass: move on by itself, keeping a line about what passed.
        self.just_passed = Some(JustPassed {
            name: name.clone(),
            solution: self.exercise().solution.display().to_string(),
        });
        match self.state.next_unfinished(&self.pack, self.current + 1) {
            Some(next) => {
                self.current = next;
                self.arrive(watcher);
            }
            None => {
                self.message = Some(
                    "Every exercise is done. Well played — that is a backend roadmap behind you.".into(),
                );
            }
        }
    }

    fn check_all_done(&mut self, results: Vec<(String, bool)>) {
        let passed = results.iter().filter(|(_, ok)| *ok).count();
        for (name, ok) in &results {
            self.state.set_done(name, *ok);
        }
        let _ = self.state.save();
        self.message = Some(format!(
            "check all: {passed} of {} exercises pass (`backlings check` shows the details)",
            results.len()
        ));
    }

    fn on_key(&mut self, key: KeyEvent, watcher: &mut FileWatcher) -> Flow {
        if key.kind != KeyEventKind::Press {
            return Flow::Continue;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'd')) {
            return Flow::Quit;
        }
        match self.mode.clone() {
            Mode::ConfirmReset => {
                self.mode = Mode::Main;
                if key.code == KeyCode::Char('y') {
                    let pack = Arc::clone(&self.pack);
                    let exercise = &pack.exercises[self.current];
                    match check::reset(&pack, exercise) {
                        Ok(what) => {
                            self.state.set_done(&exercise.name, false);
                            let _ = self.state.save();
                            self.message = Some(what);
                            self.arrive(watcher);
                        }
                        Err(err) => self.message = Some(format!("reset failed: {err:#}")),
                    }
                } else {
                    self.message = Some("reset cancelled".into());
                }
                Flow::Continue
            }
            Mode::List { selected } => {
                let last = self.pack.exercises.len().saturating_sub(1);
                match key.code {
                    KeyCode::Up | KeyCode::Char('k') => {
                        self.mode = Mode::List {
                            selected: selected.saturating_sub(1),
                        }
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.mode = Mode::List {
                            selected: (selected + 1).min(last),
                        }
                    }
                    KeyCode::PageUp => {
                        self.mode = Mode::List {
                            selected: selected.saturating_sub(10),
                        }
                    }
                    KeyCode::PageDown => {
                        self.mode = Mode::List {
                            selected: (selected + 10).min(last),
                        }
                    }
                    KeyCode::Home => self.mode = Mode::List { selected: 0 },
                    KeyCode::End => self.mode = Mode::List { selected: last },
                    KeyCode::Enter => {
                        self.just_passed = None;
                        self.message = None;
                        self.current = selected;
                        self.arrive(watcher);
                    }
                    KeyCode::Esc | KeyCode::Char('q' | 'l') => self.mode = Mode::Main,
                    _ => {}
                }
                Flow::Continue
            }
            Mode::Main => {
                self.message = None;
                match key.code {
                    KeyCode::Char('q') | KeyCode::Esc => return Flow::Quit,
                    KeyCode::Char('n') => self.next(watcher),
                    KeyCode::Char('h') => {
                        let exercise = self.exercise();
                        let (name, total) = (exercise.name.clone(), exercise.hints.len());
                        let before = self.state.hints_shown(&name);
                        let shown = self.state.reveal_hint(&name, total);
                        let _ = self.state.save();
                        if shown == before {
                            self.message = Some("That was the last hint.".into());
                        }
                    }
                    KeyCode::Char('l') => {
                        self.mode = Mode::List {
                            selected: self.current,
                        }
                    }
                    KeyCode::Char('r') => {
                        self.last_checked_content = None;
                        self.start_check();
                    }
                    KeyCode::Char('x') => self.mode = Mode::ConfirmReset,
                    KeyCode::Char('c') => {
                        self.message = Some("checking all exercises…".into());
                        let _ = self.checks.send(CheckRequest::All);
                    }
                    _ => {}
                }
                Flow::Continue
            }
        }
    }

    fn next(&mut self, watcher: &mut FileWatcher) {
        let name = self.exercise().name.clone();
        let passed_now = self.outcome.as_ref().is_some_and(|o| o.status.passed());
        if !passed_now && !self.state.is_done(&name) {
            self.message = Some("Finish this exercise first (or press l to pick another one).".into());
            return;
        }
        let next = self
            .state
            .next_unfinished(&self.pack, self.current + 1)
            .filter(|&i| i != self.current)
            .unwrap_or((self.current + 1) % self.pack.exercises.len());
        self.just_passed = None;
        self.current = next;
        self.arrive(watcher);
    }
}

fn draw(app: &App) -> Result<()> {
    let (width, height) = screen::terminal_size();
    let lines = screen::render(app, width, height);
    let mut out = std::io::stdout().lock();
    // Overwrite from the top-left corner, clearing each line's rest and what is
    // below the last line: no flicker, no scrolling.
    write!(out, "\x1b[H")?;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            write!(out, "\r\n")?;
        }
        write!(out, "{line}\x1b[K")?;
    }
    write!(out, "\x1b[J")?;
    out.flush()?;
    Ok(())
}

fn start_key_reader(events: Sender<AppEvent>) {
    thread::spawn(move || {
        loop {
            let event = match term_event::read() {
                Ok(TermEvent::Key(key)) => AppEvent::Key(key),
                Ok(TermEvent::Resize(..)) => AppEvent::Resize,
                Ok(_) => continue,
                Err(_) => break,
            };
            if events.send(event).is_err() {
                break;
            }
        }
    });
}

/// The checker thread: one check at a time, in the order asked.
fn start_checker(pack: Arc<Pack>, events: Sender<AppEvent>) -> Sender<CheckRequest> {
    let (tx, rx) = mpsc::channel::<CheckRequest>();
    thread::spawn(move || {
        for request in rx {
            let event = match request {
                CheckRequest::One { generation, index } => {
                    let outcome = check::check(&pack, &pack.exercises[index], Target::Learner);
                    AppEvent::CheckDone { generation, outcome }
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
    fn send(&self, done: usize) {
        let total = self.total.load(Ordering::Relaxed);
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let _ = events.send(AppEvent::CheckAllProgress { done, total });
    }
}

impl batch::Observer for WatchObserver {
    fn step(&self, _what: &str) {
        self.send(0);
    }

    fn checking(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.send(0);
    }

    fn finished(&self, _job: &Job<'_>, _outcome: &Outcome) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.send(done);
    }
}

/// On the first start (no build of the exercise package yet), build its
/// dependencies in the background so the first Rust exercise does not sit on a
/// cold build. SQL and git checks go on meanwhile; a Rust check simply waits
/// for cargo's lock.
fn start_first_build(pack: &Pack, events: Sender<AppEvent>) -> Option<String> {
    let manifest = pack.exercise_manifest();
    if !manifest.is_file() || pack.root.join("exercises/target/debug").exists() {
        return None;
    }
    thread::spawn(move || {
        let result = Cmd::new("cargo")
            .args(["build", "--tests", "--keep-going", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .timeout(crate::check::rust::BUILD_TIMEOUT)
            .output_cap(256 * 1024)
            .run();
        // Starters do not compile until they are solved: only a cargo that
        // could not run at all (no network for the first download) is an error.
        let outcome = match result {
            Ok(done) if done.stderr.text().contains("failed to download") => {
                Err("cargo could not download the dependencies (no network?)".to_string())
            }
            Ok(_) => Ok(()),
            Err(err) => Err(format!("{err:#}")),
        };
        let _ = events.send(AppEvent::BackgroundDone(outcome));
    });
    Some(
        "building the exercise package's dependencies in the background (first run only, a minute or two)"
            .into(),
    )
}
