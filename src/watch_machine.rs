//! The watch loop's logic as one pure transition: [`Model::update`] takes an
//! event and returns the effects to carry out. Nothing in here touches the
//! disk, the terminal or a process; `watch::run` does what the effects say and
//! feeds what happened back in as events. Every transition has a unit test.
//!
//! It is a module of its own, beside `watch` rather than inside it, because
//! two others read it: `watch` drives it and `view::screen` draws its model.
//! Inside `watch`, the screen would import the loop that calls the screen.
//!
//! The rules it keeps:
//! - a verdict belongs to the content it judged: it is shown (and a pass
//!   recorded) only if nothing was saved since its check started and the
//!   files hashed after the check are the ones hashed before;
//! - a newer save cancels the running check and starts the next one;
//! - one check per save: a file event whose content is the one already judged
//!   (or being judged) starts nothing;
//! - lines on screen belong to the exercise they were said about.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::outcome::Outcome;
use crate::pack::Pack;
use crate::state::State;

/// What the screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Exercise,
    List {
        selected: usize,
    },
    ConfirmReset,
    /// Every exercise is done.
    End,
}

/// A hash of an exercise's files as they are on disk (`None`: a kind whose
/// work is not in files, like a git sandbox, or a file that cannot be read).
pub type Fingerprint = Option<u64>;

/// Everything that can happen to the loop.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    /// The learner's files (or sandbox) of exercise `exercise` changed; their
    /// content now hashes to `fingerprint`.
    Saved {
        exercise: usize,
        fingerprint: Fingerprint,
    },
    /// The check `ticket` finished. `judged` hashes the files when it started,
    /// `after` when it ended.
    CheckDone {
        ticket: u64,
        outcome: Outcome,
        judged: Fingerprint,
        after: Fingerprint,
    },
    /// The exercise the learner arrived at is set up.
    Arrived {
        exercise: usize,
        intro: String,
        /// The stage's introduction, when this exercise begins a stage the
        /// learner was not in.
        stage_intro: Option<String>,
        workspace: Option<String>,
        problem: Option<String>,
    },
    ResetDone {
        exercise: usize,
        result: Result<String, String>,
    },
    /// The first build of the exercise package made progress.
    BuildProgress(BuildProgress),
    BuildDone(Result<(), String>),
    CheckAllProgress {
        phase: String,
        done: usize,
        total: usize,
    },
    CheckAllDone(Vec<(String, bool)>),
    /// File events cannot be received; the text says why and what happens now.
    WatchTrouble(String),
    /// The screen was drawn: how far the body can scroll, and a page's height.
    Drawn {
        max_scroll: usize,
        page: usize,
    },
    /// Time passed (a redraw of elapsed times).
    Tick,
    Resize,
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Set the exercise up (prepare, read its explanation, follow its files),
    /// then answer with [`Event::Arrived`].
    Arrive {
        exercise: usize,
        from: Option<usize>,
    },
    StartCheck {
        ticket: u64,
        exercise: usize,
    },
    /// Stop the running check: kill its process groups.
    CancelCheck,
    CheckAll,
    Reset(usize),
    SaveState,
    OpenEditor(usize),
    Suspend,
    Quit,
}

/// The first build's progress, from cargo's JSON messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildProgress {
    pub done: usize,
    /// Estimated: cargo does not announce its unit count.
    pub total: usize,
    pub elapsed: Duration,
}

impl BuildProgress {
    /// Time left at the rate so far; `None` until enough is known to say.
    pub fn estimate_left(&self) -> Option<Duration> {
        if self.done < 5 || self.elapsed < Duration::from_secs(3) || self.done >= self.total {
            return None;
        }
        let per_unit = self.elapsed.as_secs_f64() / self.done as f64;
        Some(Duration::from_secs_f64(
            per_unit * (self.total - self.done) as f64,
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckAllProgress {
    pub phase: String,
    pub done: usize,
    pub total: usize,
    pub since: Instant,
}

/// A check in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub ticket: u64,
    pub since: Instant,
    /// A save arrived after it started: its verdict is for older content.
    pub outdated: bool,
}

/// A line on screen about one exercise; it goes when the learner leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub exercise: Option<usize>,
    pub text: String,
    pub tone: Tone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Warning,
    Good,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JustPassed {
    /// The exercise whose screen shows the line (the one moved to).
    pub shown_on: usize,
    pub name: String,
    pub solution: String,
    /// The passed exercise's index (its `after` note and `link` are shown).
    pub exercise: usize,
}

pub struct Model {
    pub pack: Arc<Pack>,
    pub state: State,
    pub current: usize,
    pub mode: Mode,
    /// The verdict for what is on disk now (never an older save's).
    pub outcome: Option<Outcome>,
    pub running: Option<Running>,
    /// A check waits for the first build (it would only wait on cargo's lock).
    pub waiting_for_build: bool,
    /// The content of the last check started (to skip saves that change nothing).
    last_started: Fingerprint,
    next_ticket: u64,
    /// The learner has saved on this visit (the failure's details then come first).
    pub saved_this_visit: bool,
    pub just_passed: Option<JustPassed>,
    pub note: Option<Note>,
    /// How file events arrive when not by inotify (polling, and why).
    pub watch_note: Option<String>,
    pub intro: String,
    pub stage_intro: Option<String>,
    pub workspace: Option<String>,
    pub build: Option<BuildProgress>,
    pub build_started: bool,
    pub check_all: Option<CheckAllProgress>,
    /// The hint is shown: the learner asked for it on this visit.
    pub hint_open: bool,
    /// An exercise was arrived at before (the first arrival has no "from").
    arrived: bool,
    /// The list was opened from the end screen: closing it goes back there.
    list_from_end: bool,
    pub scroll: usize,
    max_scroll: usize,
    page: usize,
}

pub const FINISH_FIRST: &str = "Finish this exercise first (or press l to pick another one).";
pub const LAST_HINT: &str = "That was the last hint.";
pub const NO_HINTS: &str = "This exercise has no hints.";

impl Model {
    pub fn new(pack: Arc<Pack>, state: State, building: bool) -> Model {
        Model {
            pack,
            state,
            current: 0,
            mode: Mode::Exercise,
            outcome: None,
            running: None,
            waiting_for_build: false,
            last_started: None,
            next_ticket: 0,
            saved_this_visit: false,
            just_passed: None,
            note: None,
            watch_note: None,
            intro: String::new(),
            stage_intro: None,
            workspace: None,
            build: None,
            build_started: building,
            check_all: None,
            hint_open: false,
            list_from_end: false,
            arrived: false,
            scroll: 0,
            max_scroll: usize::MAX,
            page: 10,
        }
    }

    /// Where a watcher starts: the exercise the learner was on, unless it is
    /// done — then the first unfinished one after it; the end screen when
    /// everything is done.
    pub fn start(&mut self, now: Instant) -> Vec<Effect> {
        let pack = Arc::clone(&self.pack);
        let saved = self.state.current().and_then(|name| pack.index_of(name));
        let from = saved.unwrap_or(0);
        let unfinished = match saved {
            Some(i) if !self.state.is_done(&pack.exercises[i].name) => Some(i),
            _ => self.state.next_unfinished(&pack, from),
        };
        match unfinished {
            Some(index) => self.arrive(index, now),
            None => {
                self.current = from;
                self.mode = Mode::End;
                Vec::new()
            }
        }
    }

    pub fn exercise(&self) -> &crate::pack::Exercise {
        &self.pack.exercises[self.current]
    }

    pub fn update(&mut self, event: Event, now: Instant) -> Vec<Effect> {
        match event {
            Event::Key(key) => self.on_key(key, now),
            Event::Saved {
                exercise,
                fingerprint,
            } => self.on_saved(exercise, fingerprint, now),
            Event::CheckDone {
                ticket,
                outcome,
                judged,
                after,
            } => self.on_check_done(ticket, outcome, judged, after, now),
            Event::Arrived {
                exercise,
                intro,
                stage_intro,
                workspace,
                problem,
            } => {
                if exercise == self.current {
                    self.intro = intro;
                    self.stage_intro = stage_intro;
                    self.workspace = workspace;
                    if let Some(problem) = problem {
                        self.say(problem, Tone::Warning);
                    }
                }
                Vec::new()
            }
            Event::ResetDone { exercise, result } => self.on_reset_done(exercise, result, now),
            Event::BuildProgress(progress) => {
                self.build = Some(progress);
                Vec::new()
            }
            Event::BuildDone(result) => self.on_build_done(result, now),
            Event::CheckAllProgress { phase, done, total } => {
                if let Some(progress) = &mut self.check_all {
                    progress.phase = phase;
                    progress.done = done;
                    progress.total = total;
                }
                Vec::new()
            }
            Event::CheckAllDone(results) => self.on_check_all_done(results),
            Event::WatchTrouble(text) => {
                self.watch_note = Some(text);
                Vec::new()
            }
            Event::Drawn { max_scroll, page } => {
                self.max_scroll = max_scroll;
                self.page = page.max(1);
                self.scroll = self.scroll.min(max_scroll);
                Vec::new()
            }
            Event::Tick | Event::Resize => Vec::new(),
        }
    }

    /// A line about the current exercise.
    fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.note = Some(Note {
            exercise: Some(self.current),
            text: text.into(),
            tone,
        });
    }

    fn arrive(&mut self, index: usize, now: Instant) -> Vec<Effect> {
        let from = self.arrived.then_some(self.current);
        self.arrived = true;
        self.current = index;
        self.mode = Mode::Exercise;
        self.list_from_end = false;
        self.outcome = None;
        self.intro.clear();
        self.stage_intro = None;
        self.workspace = None;
        self.saved_this_visit = false;
        self.hint_open = false;
        self.scroll = 0;
        self.max_scroll = usize::MAX;
        self.last_started = None;
        self.waiting_for_build = false;
        if self.just_passed.as_ref().is_some_and(|p| p.shown_on != index) {
            self.just_passed = None;
        }
        if self
            .note
            .as_ref()
            .is_some_and(|n| n.exercise.is_some_and(|e| e != index))
        {
            self.note = None;
        }
        let name = self.pack.exercises[index].name.clone();
        self.state.set_current(&name);
        let mut effects = vec![
            Effect::Arrive {
                exercise: index,
                from,
            },
            Effect::SaveState,
        ];
        // A check of the exercise left behind is now for nothing.
        if self.running.is_some() && self.may_cancel() {
            effects.push(Effect::CancelCheck);
        }
        self.running = None;
        effects.extend(self.start_check(None, now));
        effects
    }

    /// Killing the running check's processes is safe only when nothing else
    /// runs beside it: the first build and `c` start processes of their own.
    fn may_cancel(&self) -> bool {
        !self.build_started && self.check_all.is_none()
    }

    fn needs_build(&self) -> bool {
        let needs = crate::check::needs(self.exercise(), crate::check::Target::Learner);
        !needs.harnesses.is_empty() || !needs.programs.is_empty()
    }

    fn start_check(&mut self, content: Fingerprint, now: Instant) -> Vec<Effect> {
        if self.build_started && self.needs_build() {
            self.waiting_for_build = true;
            return Vec::new();
        }
        self.next_ticket += 1;
        self.last_started = content;
        self.running = Some(Running {
            ticket: self.next_ticket,
            since: now,
            outdated: false,
        });
        vec![Effect::StartCheck {
            ticket: self.next_ticket,
            exercise: self.current,
        }]
    }

    fn on_saved(&mut self, exercise: usize, fingerprint: Fingerprint, now: Instant) -> Vec<Effect> {
        if exercise != self.current || self.mode == Mode::End {
            return Vec::new();
        }
        // The editor's save dance (rename over, backup then write) sends more
        // than one event for one save: the same content is not judged twice.
        if fingerprint.is_some() && fingerprint == self.last_started {
            return Vec::new();
        }
        self.saved_this_visit = true;
        // The verdict on screen judged other content: it goes.
        self.outcome = None;
        if self.waiting_for_build {
            return Vec::new();
        }
        match &mut self.running {
            Some(running) => {
                if running.outdated {
                    return Vec::new();
                }
                running.outdated = true;
                // The verdict coming is for older content: stop it, the next
                // check starts when it has stopped.
                self.last_started = fingerprint;
                if self.may_cancel() {
                    vec![Effect::CancelCheck]
                } else {
                    Vec::new()
                }
            }
            None => self.start_check(fingerprint, now),
        }
    }

    fn on_check_done(
        &mut self,
        ticket: u64,
        outcome: Outcome,
        judged: Fingerprint,
        after: Fingerprint,
        now: Instant,
    ) -> Vec<Effect> {
        let Some(running) = &self.running else {
            return Vec::new();
        };
        if running.ticket != ticket {
            return Vec::new();
        }
        let outdated = running.outdated || judged != after;
        self.running = None;
        if outdated {
            // Judge what is there now; the old verdict is never shown.
            let content = if judged != after { after } else { self.last_started };
            return self.start_check(content, now);
        }
        self.last_started = judged;
        let passed = outcome.status.passed();
        self.outcome = Some(outcome);
        if !passed {
            return Vec::new();
        }
        let name = self.exercise().name.clone();
        let was_done = self.state.is_done(&name);
        self.state.set_done(&name, true);
        let mut effects = vec![Effect::SaveState];
        if was_done {
            return effects;
        }
        // A first pass: move on by itself, keeping a line about what passed.
        let solution = self.exercise().solution.display().to_string();
        let passed = self.current;
        match self.state.next_unfinished(&self.pack, self.current + 1) {
            Some(next) => {
                self.just_passed = Some(JustPassed {
                    shown_on: next,
                    name,
                    solution,
                    exercise: passed,
                });
                effects.extend(self.arrive(next, now));
            }
            None => {
                self.just_passed = Some(JustPassed {
                    shown_on: self.current,
                    name,
                    solution,
                    exercise: passed,
                });
                self.note = None;
                self.mode = Mode::End;
            }
        }
        effects
    }

    fn on_reset_done(
        &mut self,
        exercise: usize,
        result: Result<String, String>,
        now: Instant,
    ) -> Vec<Effect> {
        match result {
            Ok(what) => {
                let name = self.pack.exercises[exercise].name.clone();
                self.state.set_done(&name, false);
                // "✓ X passed" is no longer true of a reset exercise.
                if self.just_passed.as_ref().is_some_and(|p| p.name == name) {
                    self.just_passed = None;
                }
                let mut effects = self.arrive(exercise, now);
                self.say(what, Tone::Info);
                effects.insert(0, Effect::SaveState);
                effects
            }
            Err(err) => {
                self.say(format!("reset failed: {err}"), Tone::Warning);
                Vec::new()
            }
        }
    }

    fn on_build_done(&mut self, result: Result<(), String>, now: Instant) -> Vec<Effect> {
        self.build = None;
        self.build_started = false;
        if let Err(err) = result {
            self.note = Some(Note {
                exercise: None,
                text: format!("the first build failed: {err}"),
                tone: Tone::Warning,
            });
        }
        if self.waiting_for_build && self.mode != Mode::End {
            self.waiting_for_build = false;
            return self.start_check(None, now);
        }
        Vec::new()
    }

    fn on_check_all_done(&mut self, results: Vec<(String, bool)>) -> Vec<Effect> {
        self.check_all = None;
        let passed = results.iter().filter(|(_, ok)| *ok).count();
        for (name, ok) in &results {
            self.state.set_done(name, *ok);
        }
        self.note = Some(Note {
            exercise: None,
            text: format!(
                "check all: {passed} of {} exercises pass (`backlings check` shows the details)",
                results.len()
            ),
            tone: if passed == results.len() {
                Tone::Good
            } else {
                Tone::Info
            },
        });
        let everything = passed == results.len() && !results.is_empty();
        match self.mode {
            Mode::Exercise if everything => self.mode = Mode::End,
            Mode::End if !everything => self.mode = Mode::Exercise,
            _ => {}
        }
        vec![Effect::SaveState]
    }

    fn on_key(&mut self, key: KeyEvent, now: Instant) -> Vec<Effect> {
        if key.kind != KeyEventKind::Press {
            return Vec::new();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return match key.code {
                KeyCode::Char('c' | 'd') => vec![Effect::Quit],
                KeyCode::Char('z') => vec![Effect::Suspend],
                _ => Vec::new(),
            };
        }
        match self.mode.clone() {
            Mode::ConfirmReset => {
                self.mode = Mode::Exercise;
                if key.code == KeyCode::Char('y') {
                    vec![Effect::Reset(self.current)]
                } else {
                    self.say("reset cancelled", Tone::Info);
                    Vec::new()
                }
            }
            Mode::List { selected } => self.on_list_key(key.code, selected, now),
            Mode::End => match key.code {
                KeyCode::Char('q') | KeyCode::Esc => vec![Effect::Quit],
                KeyCode::Char('l') => {
                    self.list_from_end = true;
                    self.mode = Mode::List {
                        selected: self.current,
                    };
                    Vec::new()
                }
                KeyCode::Char('c') => self.check_all(now),
                _ => Vec::new(),
            },
            Mode::Exercise => self.on_exercise_key(key.code, now),
        }
    }

    fn check_all(&mut self, now: Instant) -> Vec<Effect> {
        if self.check_all.is_some() {
            return Vec::new();
        }
        self.check_all = Some(CheckAllProgress {
            phase: "starting".into(),
            done: 0,
            total: 0,
            since: now,
        });
        vec![Effect::CheckAll]
    }

    fn on_list_key(&mut self, code: KeyCode, selected: usize, now: Instant) -> Vec<Effect> {
        let last = self.pack.exercises.len().saturating_sub(1);
        let page = self.page.max(1);
        let selected = match code {
            KeyCode::Up | KeyCode::Char('k') => selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => (selected + 1).min(last),
            KeyCode::PageUp => selected.saturating_sub(page),
            KeyCode::PageDown => (selected + page).min(last),
            KeyCode::Home => 0,
            KeyCode::End => last,
            KeyCode::Enter => {
                self.just_passed = None;
                return self.arrive(selected, now);
            }
            KeyCode::Esc | KeyCode::Char('q' | 'l') => {
                self.mode = if self.list_from_end && self.all_done() {
                    Mode::End
                } else {
                    Mode::Exercise
                };
                return Vec::new();
            }
            _ => selected,
        };
        self.mode = Mode::List { selected };
        Vec::new()
    }

    fn all_done(&self) -> bool {
        self.pack.exercises.iter().all(|e| self.state.is_done(&e.name))
    }

    fn on_exercise_key(&mut self, code: KeyCode, now: Instant) -> Vec<Effect> {
        // A key answers the last key's message; lines about the exercise stay.
        if self.note.as_ref().is_some_and(|n| n.tone != Tone::Warning) {
            self.note = None;
        }
        match code {
            KeyCode::Char('q') | KeyCode::Esc => vec![Effect::Quit],
            KeyCode::Char('n') => self.next(now),
            KeyCode::Char('h') => self.hint(),
            KeyCode::Char('l') => {
                self.mode = Mode::List {
                    selected: self.current,
                };
                Vec::new()
            }
            KeyCode::Char('r') => {
                if let Some(running) = &mut self.running {
                    running.outdated = true;
                    return if self.may_cancel() {
                        vec![Effect::CancelCheck]
                    } else {
                        Vec::new()
                    };
                }
                self.waiting_for_build = false;
                self.start_check(None, now)
            }
            KeyCode::Char('x') => {
                self.mode = Mode::ConfirmReset;
                Vec::new()
            }
            KeyCode::Char('c') => self.check_all(now),
            KeyCode::Char('e') => vec![Effect::OpenEditor(self.current)],
            KeyCode::Down | KeyCode::Char('j') => self.scroll_by(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll_by(-1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll_by(self.page as isize),
            KeyCode::PageUp => self.scroll_by(-(self.page as isize)),
            KeyCode::Home => self.scroll_by(isize::MIN / 2),
            KeyCode::End => self.scroll_by(isize::MAX / 2),
            _ => Vec::new(),
        }
    }

    fn scroll_by(&mut self, lines: isize) -> Vec<Effect> {
        self.scroll = self.scroll.saturating_add_signed(lines).min(self.max_scroll);
        Vec::new()
    }

    fn hint(&mut self) -> Vec<Effect> {
        let exercise = self.exercise();
        let (name, total) = (exercise.name.clone(), exercise.hints.len());
        if total == 0 {
            self.say(NO_HINTS, Tone::Info);
            return Vec::new();
        }
        let before = self.state.hints_shown(&name);
        if self.hint_open || before == 0 {
            let shown = self.state.reveal_hint(&name, total);
            if shown == before && self.hint_open {
                self.say(LAST_HINT, Tone::Info);
            }
        }
        self.hint_open = true;
        vec![Effect::SaveState]
    }

    fn next(&mut self, now: Instant) -> Vec<Effect> {
        let name = self.exercise().name.clone();
        let passed_now = self.outcome.as_ref().is_some_and(|o| o.status.passed());
        let skipped_now = self
            .outcome
            .as_ref()
            .is_some_and(|o| o.status == crate::outcome::Status::Skipped);
        if skipped_now {
            // It cannot run here (PostgreSQL is not installed), and neither
            // can the rest of its stage: move past the stage, which waits.
            return self.past_the_stage(now);
        }
        if !passed_now && !self.state.is_done(&name) {
            self.say(FINISH_FIRST, Tone::Info);
            return Vec::new();
        }
        match self.state.next_unfinished(&self.pack, self.current + 1) {
            Some(next) if next != self.current => {
                self.just_passed = None;
                self.arrive(next, now)
            }
            _ => {
                self.mode = Mode::End;
                Vec::new()
            }
        }
    }

    /// The next unfinished exercise of another stage than the current one.
    fn past_the_stage(&mut self, now: Instant) -> Vec<Effect> {
        let stage = self.exercise().stage.clone();
        let count = self.pack.exercises.len();
        let next = (1..count).map(|i| (self.current + i) % count).find(|&i| {
            let exercise = &self.pack.exercises[i];
            exercise.stage != stage && !self.state.is_done(&exercise.name)
        });
        match next {
            Some(next) => {
                self.just_passed = None;
                self.arrive(next, now)
            }
            None => {
                self.say(FINISH_FIRST, Tone::Info);
                Vec::new()
            }
        }
    }

    /// How long the running check has run, for the screen.
    pub fn checking_for(&self, now: Instant) -> Option<Duration> {
        self.running
            .as_ref()
            .map(|r| now.saturating_duration_since(r.since))
    }
}

#[cfg(test)]
mod tests;
