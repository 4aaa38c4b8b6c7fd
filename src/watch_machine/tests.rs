//! One test per transition of the watch loop, on the watch fixture pack
//! (gate: rust; count_rows, last_query: sql).

use super::*;
use crate::outcome::Status;

const GATE: usize = 0;
const COUNT_ROWS: usize = 1;
const LAST_QUERY: usize = 2;

struct Fixture {
    _dir: tempfile::TempDir,
    model: Model,
    now: Instant,
}

fn fixture_with(done: &[&str], current: Option<&str>, building: bool) -> Fixture {
    let (dir, pack) = crate::test_support::loaded_copy("watch");
    let pack = Arc::new(pack);
    let mut state = State::load(&pack);
    for name in done {
        state.set_done(name, true);
    }
    if let Some(name) = current {
        state.set_current(name);
    }
    Fixture {
        _dir: dir,
        model: Model::new(pack, state, building),
        now: Instant::now(),
    }
}

/// A watcher started on `current`, its arrival check running as ticket 1.
fn started_at(current: &str) -> Fixture {
    let mut f = fixture_with(&[], Some(current), false);
    let effects = f.model.start(f.now);
    assert!(effects.contains(&Effect::StartCheck {
        ticket: 1,
        exercise: f.model.current
    }));
    f
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn done(ticket: u64, status: Status, judged: Fingerprint) -> Event {
    Event::CheckDone {
        ticket,
        outcome: Outcome::new(status, format!("{status:?}")),
        judged,
        after: judged,
    }
}

fn saved(exercise: usize, content: u64) -> Event {
    Event::Saved {
        exercise,
        fingerprint: Some(content),
    }
}

fn arrives(effects: &[Effect], index: usize) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::Arrive { exercise, .. } if *exercise == index))
}

impl Fixture {
    fn send(&mut self, event: Event) -> Vec<Effect> {
        self.model.update(event, self.now)
    }
}

#[test]
fn start_resumes_the_unfinished_exercise_last_visited() {
    let mut f = fixture_with(&[], Some("count_rows"), false);
    let effects = f.model.start(f.now);
    assert_eq!(f.model.current, COUNT_ROWS);
    assert!(matches!(
        effects[0],
        Effect::Arrive {
            exercise: COUNT_ROWS,
            from: None
        }
    ));
}

#[test]
fn start_skips_a_finished_exercise_to_the_next_unfinished() {
    let mut f = fixture_with(&["count_rows"], Some("count_rows"), false);
    f.model.start(f.now);
    assert_eq!(f.model.current, LAST_QUERY);
}

#[test]
fn start_with_everything_done_shows_the_end() {
    let mut f = fixture_with(&["gate", "count_rows", "last_query"], Some("gate"), false);
    let effects = f.model.start(f.now);
    assert_eq!(f.model.mode, Mode::End);
    assert!(effects.is_empty(), "nothing to check: {effects:?}");
}

#[test]
fn a_save_when_idle_starts_a_check() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    let effects = f.send(saved(COUNT_ROWS, 2));
    assert_eq!(
        effects,
        vec![Effect::StartCheck {
            ticket: 2,
            exercise: COUNT_ROWS
        }]
    );
}

#[test]
fn a_save_of_the_content_already_judged_starts_nothing() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    // The rename-over, backup-then-write dance: several events, one content.
    assert!(f.send(saved(COUNT_ROWS, 1)).is_empty());
    assert_eq!(f.send(saved(COUNT_ROWS, 2)).len(), 1);
    assert!(f.send(saved(COUNT_ROWS, 2)).is_empty());
}

#[test]
fn a_save_during_a_check_cancels_it_and_its_verdict_is_never_shown() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    f.send(saved(COUNT_ROWS, 2)); // ticket 2: a passing version
    assert_eq!(f.send(saved(COUNT_ROWS, 3)), vec![Effect::CancelCheck]);
    // The cancelled check reports; its pass is for content no longer on disk.
    let effects = f.send(done(2, Status::Pass, Some(2)));
    assert_eq!(
        effects,
        vec![Effect::StartCheck {
            ticket: 3,
            exercise: COUNT_ROWS
        }]
    );
    assert!(
        f.model.outcome.is_none(),
        "a verdict for content no longer on disk is shown"
    );
    assert!(
        !f.model.state.is_done("count_rows"),
        "a pass for older content was recorded"
    );
    f.send(done(3, Status::Fail, Some(3)));
    assert_eq!(f.model.outcome.as_ref().unwrap().message, "Fail");
}

#[test]
fn more_saves_during_a_cancelled_check_queue_one_check() {
    let mut f = started_at("count_rows");
    f.send(saved(COUNT_ROWS, 2));
    assert!(
        f.send(saved(COUNT_ROWS, 3)).is_empty(),
        "cancelled once is enough"
    );
    let effects = f.send(done(1, Status::Fail, Some(1)));
    assert_eq!(effects.len(), 1);
}

#[test]
fn a_check_whose_files_changed_under_it_is_not_believed() {
    let mut f = started_at("count_rows");
    let effects = f.send(Event::CheckDone {
        ticket: 1,
        outcome: Outcome::pass("pass"),
        judged: Some(1),
        after: Some(2),
    });
    assert_eq!(
        effects,
        vec![Effect::StartCheck {
            ticket: 2,
            exercise: COUNT_ROWS
        }]
    );
    assert!(f.model.outcome.is_none());
    assert!(!f.model.state.is_done("count_rows"));
    // The event for that change arrives late: the content is being judged already.
    assert!(f.send(saved(COUNT_ROWS, 2)).is_empty());
}

#[test]
fn a_save_of_another_exercises_file_is_ignored() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    assert!(f.send(saved(GATE, 9)).is_empty());
}

#[test]
fn a_late_verdict_for_an_exercise_left_is_dropped() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    f.send(key(KeyCode::Char('l')));
    let effects = f.send(key(KeyCode::Enter)); // back to count_rows: ticket 2
    assert!(effects.contains(&Effect::StartCheck {
        ticket: 2,
        exercise: COUNT_ROWS
    }));
    assert!(f.send(done(1, Status::Pass, Some(1))).is_empty());
    assert!(f.model.outcome.is_none());
}

#[test]
fn a_pass_records_and_moves_on_with_a_line_about_it() {
    let mut f = started_at("count_rows");
    let effects = f.send(done(1, Status::Pass, Some(1)));
    assert!(f.model.state.is_done("count_rows"));
    assert_eq!(f.model.current, LAST_QUERY);
    assert_eq!(effects[0], Effect::SaveState);
    assert!(arrives(&effects, LAST_QUERY), "{effects:?}");
    let passed = f.model.just_passed.clone().unwrap();
    assert_eq!(passed.name, "count_rows");
    assert_eq!(passed.shown_on, LAST_QUERY);
}

#[test]
fn the_last_pass_shows_the_end_screen() {
    let mut f = fixture_with(&["gate", "count_rows"], Some("last_query"), false);
    f.model.start(f.now);
    f.send(done(1, Status::Pass, Some(1)));
    assert_eq!(f.model.mode, Mode::End);
    // n does not wrap around to the first exercise.
    f.send(key(KeyCode::Char('n')));
    assert_eq!(f.model.mode, Mode::End);
    f.send(key(KeyCode::Char('l')));
    assert!(matches!(f.model.mode, Mode::List { .. }));
}

#[test]
fn a_pass_of_a_finished_exercise_stays() {
    let mut f = fixture_with(&["count_rows"], None, false);
    f.model.start(f.now);
    f.send(key(KeyCode::Char('l')));
    f.send(key(KeyCode::Down)); // gate -> count_rows
    f.send(key(KeyCode::Enter));
    assert_eq!(f.model.current, COUNT_ROWS);
    let ticket = f.model.running.as_ref().unwrap().ticket;
    f.send(done(ticket, Status::Pass, Some(1)));
    assert_eq!(f.model.current, COUNT_ROWS);
    assert_eq!(f.model.mode, Mode::Exercise);
}

#[test]
fn n_needs_a_pass_then_moves_to_the_next_unfinished() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    assert!(f.send(key(KeyCode::Char('n'))).is_empty());
    assert_eq!(f.model.note.as_ref().unwrap().text, FINISH_FIRST);
    f.model.state.set_done("count_rows", true);
    let effects = f.send(key(KeyCode::Char('n')));
    assert!(arrives(&effects, LAST_QUERY), "{effects:?}");
}

#[test]
fn n_on_an_exercise_that_cannot_run_here_moves_past_its_stage() {
    // count_rows and last_query share a stage; gate is in another.
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Skipped, Some(1)));
    let effects = f.send(key(KeyCode::Char('n')));
    assert!(arrives(&effects, GATE), "{effects:?}");
    assert!(!arrives(&effects, LAST_QUERY), "{effects:?}");
    assert!(!f.model.state.is_done("count_rows"), "skipped is not passed");
}

#[test]
fn a_note_belongs_to_its_exercise() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    f.send(Event::Arrived {
        exercise: COUNT_ROWS,
        intro: String::new(),
        stage_intro: None,
        workspace: Some("cd somewhere".into()),
        problem: Some("could not prepare".into()),
    });
    assert!(f.model.note.is_some());
    f.model.state.set_done("count_rows", true);
    f.send(key(KeyCode::Char('n')));
    assert!(f.model.note.is_none(), "a note about count_rows rode along");
    assert!(f.model.workspace.is_none());
}

#[test]
fn h_opens_the_first_hint_then_reveals_the_next_and_says_when_none_is_left() {
    let mut f = started_at("gate");
    assert_eq!(f.send(key(KeyCode::Char('h'))), vec![Effect::SaveState]);
    assert!(f.model.hint_open);
    assert_eq!(f.model.state.hints_shown("gate"), 1);
    f.send(key(KeyCode::Char('h')));
    f.send(key(KeyCode::Char('h')));
    assert_eq!(f.model.state.hints_shown("gate"), 3);
    assert!(f.model.note.is_none());
    f.send(key(KeyCode::Char('h')));
    assert_eq!(f.model.note.as_ref().unwrap().text, LAST_HINT);
}

#[test]
fn a_hint_seen_before_is_shown_again_without_revealing_more() {
    let mut f = fixture_with(&[], Some("gate"), false);
    f.model.state.reveal_hint("gate", 3);
    f.model.start(f.now);
    f.send(key(KeyCode::Char('h')));
    assert_eq!(f.model.state.hints_shown("gate"), 1);
    assert!(f.model.hint_open);
}

#[test]
fn the_last_hint_message_does_not_ride_along() {
    let mut f = started_at("count_rows");
    f.send(key(KeyCode::Char('h')));
    f.send(key(KeyCode::Char('h')));
    assert_eq!(f.model.note.as_ref().unwrap().text, LAST_HINT);
    f.model.state.set_done("count_rows", true);
    f.send(key(KeyCode::Char('n')));
    assert!(f.model.note.is_none());
    assert!(!f.model.hint_open);
}

#[test]
fn reset_asks_first_and_only_y_resets() {
    let mut f = started_at("count_rows");
    f.send(key(KeyCode::Char('x')));
    assert_eq!(f.model.mode, Mode::ConfirmReset);
    assert!(f.send(key(KeyCode::Char('n'))).is_empty());
    assert_eq!(f.model.mode, Mode::Exercise);
    f.send(key(KeyCode::Char('x')));
    assert_eq!(f.send(key(KeyCode::Char('y'))), vec![Effect::Reset(COUNT_ROWS)]);
}

#[test]
fn a_reset_undoes_the_pass_and_its_line() {
    let mut f = fixture_with(&["count_rows"], Some("count_rows"), false);
    f.model.just_passed = Some(JustPassed {
        shown_on: COUNT_ROWS,
        name: "count_rows".into(),
        solution: "s".into(),
        exercise: COUNT_ROWS,
    });
    f.model.current = COUNT_ROWS;
    let effects = f.send(Event::ResetDone {
        exercise: COUNT_ROWS,
        result: Ok("kept your version in X".into()),
    });
    assert!(!f.model.state.is_done("count_rows"));
    assert!(f.model.just_passed.is_none());
    assert_eq!(f.model.note.as_ref().unwrap().text, "kept your version in X");
    assert!(effects.contains(&Effect::SaveState));
    assert!(arrives(&effects, COUNT_ROWS), "{effects:?}");
}

#[test]
fn a_failed_reset_says_so() {
    let mut f = started_at("count_rows");
    let effects = f.send(Event::ResetDone {
        exercise: COUNT_ROWS,
        result: Err("disk full".into()),
    });
    assert!(effects.is_empty());
    assert!(f.model.note.as_ref().unwrap().text.contains("disk full"));
}

#[test]
fn rust_checks_wait_for_the_first_build_sql_checks_do_not() {
    let mut f = fixture_with(&[], Some("gate"), true);
    let effects = f.model.start(f.now);
    assert!(!effects.iter().any(|e| matches!(e, Effect::StartCheck { .. })));
    assert!(f.model.waiting_for_build);
    // A save meanwhile queues nothing more.
    assert!(f.send(saved(GATE, 5)).is_empty());
    let effects = f.send(Event::BuildDone(Ok(())));
    assert_eq!(
        effects,
        vec![Effect::StartCheck {
            ticket: 1,
            exercise: GATE
        }]
    );

    let mut f = fixture_with(&[], Some("count_rows"), true);
    let effects = f.model.start(f.now);
    assert!(effects.iter().any(|e| matches!(e, Effect::StartCheck { .. })));
}

#[test]
fn no_cancel_while_the_first_build_runs() {
    let mut f = fixture_with(&[], Some("count_rows"), true);
    f.model.start(f.now);
    assert!(
        f.send(saved(COUNT_ROWS, 2)).is_empty(),
        "a kill would stop the build too"
    );
    let effects = f.send(done(1, Status::Fail, Some(1)));
    assert_eq!(effects.len(), 1, "the save is checked after: {effects:?}");
}

#[test]
fn a_failed_first_build_is_said() {
    let mut f = fixture_with(&[], Some("count_rows"), true);
    f.model.start(f.now);
    f.send(Event::BuildProgress(BuildProgress {
        done: 3,
        total: 10,
        elapsed: Duration::from_secs(1),
    }));
    assert!(f.model.build.is_some());
    f.send(Event::BuildDone(Err("no network".into())));
    assert!(f.model.build.is_none());
    assert!(f.model.note.as_ref().unwrap().text.contains("no network"));
}

#[test]
fn check_all_reports_and_updates_progress() {
    let mut f = started_at("count_rows");
    f.send(done(1, Status::Fail, Some(1)));
    assert_eq!(f.send(key(KeyCode::Char('c'))), vec![Effect::CheckAll]);
    assert!(f.send(key(KeyCode::Char('c'))).is_empty(), "one at a time");
    f.send(Event::CheckAllProgress {
        phase: "checking".into(),
        done: 1,
        total: 3,
    });
    assert_eq!(f.model.check_all.as_ref().unwrap().done, 1);
    // A save meanwhile does not kill the batch's processes.
    let effects = f.send(saved(COUNT_ROWS, 2));
    assert!(!effects.contains(&Effect::CancelCheck));
    f.send(Event::CheckAllDone(vec![
        ("gate".into(), true),
        ("count_rows".into(), false),
    ]));
    assert!(f.model.state.is_done("gate"));
    assert!(f.model.note.as_ref().unwrap().text.contains("1 of 2"));
    assert!(f.model.check_all.is_none());
}

#[test]
fn check_all_with_everything_passing_shows_the_end() {
    let mut f = started_at("count_rows");
    f.send(key(KeyCode::Char('c')));
    f.send(Event::CheckAllDone(vec![
        ("gate".into(), true),
        ("count_rows".into(), true),
        ("last_query".into(), true),
    ]));
    assert_eq!(f.model.mode, Mode::End);
}

#[test]
fn r_rechecks_and_cancels_a_running_check() {
    let mut f = started_at("count_rows");
    assert_eq!(f.send(key(KeyCode::Char('r'))), vec![Effect::CancelCheck]);
    let effects = f.send(done(1, Status::Fail, Some(1)));
    assert_eq!(effects.len(), 1);
    f.send(done(2, Status::Fail, Some(1)));
    assert_eq!(
        f.send(key(KeyCode::Char('r'))),
        vec![Effect::StartCheck {
            ticket: 3,
            exercise: COUNT_ROWS
        }]
    );
}

#[test]
fn arriving_elsewhere_cancels_the_running_check() {
    let mut f = started_at("count_rows");
    f.send(key(KeyCode::Char('l')));
    f.send(key(KeyCode::Down));
    let effects = f.send(key(KeyCode::Enter));
    assert!(effects.contains(&Effect::CancelCheck));
    assert!(arrives(&effects, LAST_QUERY), "{effects:?}");
}

#[test]
fn list_keys_move_open_and_close() {
    let mut f = started_at("count_rows");
    f.send(key(KeyCode::Char('l')));
    assert_eq!(f.model.mode, Mode::List { selected: COUNT_ROWS });
    f.send(key(KeyCode::Up));
    assert_eq!(f.model.mode, Mode::List { selected: GATE });
    f.send(key(KeyCode::Char('k')));
    assert_eq!(f.model.mode, Mode::List { selected: GATE });
    f.send(key(KeyCode::End));
    assert_eq!(f.model.mode, Mode::List { selected: LAST_QUERY });
    f.send(key(KeyCode::Char('j')));
    assert_eq!(f.model.mode, Mode::List { selected: LAST_QUERY });
    f.send(key(KeyCode::Home));
    assert_eq!(f.model.mode, Mode::List { selected: GATE });
    f.send(key(KeyCode::PageDown));
    assert_eq!(f.model.mode, Mode::List { selected: LAST_QUERY });
    f.send(key(KeyCode::PageUp));
    assert_eq!(f.model.mode, Mode::List { selected: GATE });
    f.send(key(KeyCode::Esc));
    assert_eq!(f.model.mode, Mode::Exercise);
    assert_eq!(f.model.current, COUNT_ROWS);
}

#[test]
fn scrolling_stays_within_what_the_screen_has() {
    let mut f = started_at("gate");
    f.send(Event::Drawn {
        max_scroll: 5,
        page: 3,
    });
    f.send(key(KeyCode::Down));
    f.send(key(KeyCode::Char('j')));
    assert_eq!(f.model.scroll, 2);
    f.send(key(KeyCode::PageDown));
    f.send(key(KeyCode::PageDown));
    assert_eq!(f.model.scroll, 5);
    f.send(key(KeyCode::Char('k')));
    f.send(key(KeyCode::Up));
    assert_eq!(f.model.scroll, 3);
    f.send(key(KeyCode::PageUp));
    f.send(key(KeyCode::PageUp));
    assert_eq!(f.model.scroll, 0);
    f.send(key(KeyCode::End));
    assert_eq!(f.model.scroll, 5);
    f.send(key(KeyCode::Home));
    assert_eq!(f.model.scroll, 0);
    // A narrower screen has less to scroll.
    f.send(key(KeyCode::End));
    f.send(Event::Drawn {
        max_scroll: 2,
        page: 3,
    });
    assert_eq!(f.model.scroll, 2);
}

#[test]
fn quit_suspend_and_editor_keys() {
    let mut f = started_at("gate");
    assert_eq!(f.send(key(KeyCode::Char('q'))), vec![Effect::Quit]);
    assert_eq!(f.send(ctrl('c')), vec![Effect::Quit]);
    assert_eq!(f.send(ctrl('z')), vec![Effect::Suspend]);
    assert_eq!(f.send(key(KeyCode::Char('e'))), vec![Effect::OpenEditor(GATE)]);
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(f.send(Event::Key(release)).is_empty());
}

#[test]
fn end_screen_keys() {
    let mut f = fixture_with(&["gate", "count_rows", "last_query"], None, false);
    f.model.start(f.now);
    assert!(f.send(key(KeyCode::Char('n'))).is_empty());
    assert!(f.send(saved(GATE, 1)).is_empty());
    assert_eq!(f.send(key(KeyCode::Char('c'))), vec![Effect::CheckAll]);
    assert_eq!(f.send(key(KeyCode::Char('q'))), vec![Effect::Quit]);
    f.send(key(KeyCode::Char('l')));
    f.send(key(KeyCode::Esc));
    assert_eq!(f.model.mode, Mode::End);
}

#[test]
fn watcher_trouble_is_kept_on_screen() {
    let mut f = started_at("gate");
    f.send(Event::WatchTrouble("watching by polling".into()));
    f.send(key(KeyCode::Char('h')));
    assert_eq!(f.model.watch_note.as_deref(), Some("watching by polling"));
}

#[test]
fn the_estimate_waits_for_evidence() {
    let mut progress = BuildProgress {
        done: 2,
        total: 100,
        elapsed: Duration::from_secs(10),
    };
    assert_eq!(progress.estimate_left(), None);
    progress.done = 50;
    assert_eq!(progress.estimate_left(), Some(Duration::from_secs(10)));
}

#[test]
fn the_list_opened_from_the_end_closes_back_to_it_after_the_last_pass() {
    let mut f = fixture_with(&["gate", "count_rows"], Some("last_query"), false);
    f.model.start(f.now);
    f.send(done(1, Status::Pass, Some(1)));
    assert_eq!(f.model.mode, Mode::End);
    f.send(key(KeyCode::Char('l')));
    f.send(key(KeyCode::Esc));
    assert_eq!(f.model.mode, Mode::End);
}

#[test]
fn an_arrival_says_where_the_learner_came_from() {
    let mut f = started_at("count_rows");
    f.model.state.set_done("count_rows", true);
    let effects = f.send(key(KeyCode::Char('n')));
    assert!(effects.contains(&Effect::Arrive {
        exercise: LAST_QUERY,
        from: Some(COUNT_ROWS)
    }));
}
