//! Watch mode, driven through the real binary in a pseudo-terminal: a save
//! turns the screen to passed, a save made during a running check cancels it
//! and is checked instead (made deterministic by a gate the test opens), and
//! q gives the terminal back as it was. Every session gets the harness's
//! scrubbed environment.

mod common;

use std::fs;
use std::num::NonZero;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{pack_copy, solve};
use expectrl::{Expect, Regex, Session};

const SCREEN_TIMEOUT: Duration = Duration::from_secs(120);

fn start_watch(pack: &Path, shell_tail: &str) -> expectrl::session::OsSession {
    // Through `sh` so the test can see what the terminal looks like afterwards.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "'{}' --pack '{}'; {shell_tail}",
            env!("CARGO_BIN_EXE_backlings"),
            pack.display()
        ))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    common::scrub(&mut cmd);
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.get_process_mut().set_window_size(120, 50).unwrap();
    session.set_expect_timeout(Some(SCREEN_TIMEOUT));
    session
}

fn set_current(pack: &Path, name: &str) {
    fs::create_dir_all(pack.join(".backlings")).unwrap();
    fs::write(
        pack.join(".backlings/state.toml"),
        format!("version = 1\ncurrent = \"{name}\"\n"),
    )
    .unwrap();
}

#[test]
fn saving_the_solution_turns_the_screen_to_passed_and_moves_on() {
    let pack = pack_copy("core");
    let mut term = start_watch(pack.path(), "true");
    term.expect("1 of 2 tests failed").unwrap();
    solve(pack.path(), "exercises/basics/add.rs");
    term.expect(Regex(
        "add passed .* its reference solution: solutions/basics/add.rs",
    ))
    .unwrap();
    // It advanced by itself to the next unfinished exercise.
    term.expect("Basics › greet").unwrap();
    term.send("q").unwrap();
    term.expect("Progress saved: 1 of 5 exercises done.").unwrap();
}

#[test]
fn quitting_restores_the_terminal() {
    let pack = pack_copy("core");
    let mut cmd = Command::new("sh");
    // `stty -g` prints the terminal's settings in a form that can be compared.
    cmd.arg("-c")
        .arg(format!(
            "echo BEFORE $(stty -g); '{}' --pack '{}'; echo AFTER $(stty -g) END",
            env!("CARGO_BIN_EXE_backlings"),
            pack.path().display()
        ))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    common::scrub(&mut cmd);
    let mut term = Session::spawn(cmd).unwrap();
    term.get_process_mut().set_window_size(120, 50).unwrap();
    term.set_expect_timeout(Some(SCREEN_TIMEOUT));
    let before = term.expect(Regex("BEFORE ([0-9a-f:]+)")).unwrap();
    let before = String::from_utf8_lossy(&before[1]).into_owned();
    term.expect("1 of 2 tests failed").unwrap();
    term.send("h").unwrap();
    term.expect("Hint 1 of 3").unwrap();
    term.send("q").unwrap();
    term.expect("Progress saved").unwrap();
    let after = term.expect(Regex("AFTER ([0-9a-f:]+) END")).unwrap();
    let after = String::from_utf8_lossy(&after[1]).into_owned();
    assert_eq!(before, after, "the terminal's settings changed across watch mode");
}

// ---- The screen, read through a terminal emulator (vt100) at real sizes, on
// the watch fixture: `gate` (rust: its test logs each check's MARK to
// $WATCH_GATE_DIR/runs.log and, when WAIT, holds until the test creates
// `open-MARK`), `count_rows` and `last_query` (sql).

struct Screen {
    session: expectrl::session::OsSession,
    parser: vt100::Parser,
    gate: tempfile::TempDir,
}

impl Screen {
    fn start(pack: &Path, cols: u16, rows: u16) -> Screen {
        let gate = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlings"));
        cmd.arg("--pack")
            .arg(pack)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("WATCH_GATE_DIR", gate.path())
            .env_remove("VISUAL")
            .env_remove("EDITOR");
        common::scrub(&mut cmd);
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        session.get_process_mut().set_window_size(cols, rows).unwrap();
        Screen {
            session,
            parser: vt100::Parser::new(NonZero::new(rows).unwrap(), NonZero::new(cols).unwrap(), 0),
            gate,
        }
    }

    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Read the terminal until `wanted` is on screen; fail if any of
    /// `never` is ever on screen meanwhile.
    fn wait_never(&mut self, wanted: &str, never: &[&str]) -> String {
        let deadline = std::time::Instant::now() + SCREEN_TIMEOUT;
        let mut buf = [0u8; 8192];
        // The bytes as written, not only the screen they leave: a frame drawn
        // and overwritten within one read never shows on the emulated screen.
        // The end of the previous read is kept so a word cut between two
        // reads is still seen.
        let mut written: Vec<u8> = Vec::new();
        loop {
            let screen = self.text();
            for bad in never {
                assert!(!screen.contains(bad), "{bad:?} was on screen:\n{screen}");
            }
            if screen.contains(wanted) {
                // The watcher writes a frame in one piece: take in what has
                // already arrived, so the screen returned is the whole frame.
                if self.drain() {
                    continue;
                }
                return screen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{wanted:?} never came on screen:\n{screen}"
            );
            match self.session.try_read(&mut buf) {
                Ok(0) => panic!("the watcher ended; screen:\n{screen}"),
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    let keep = written.len().saturating_sub(256);
                    written.drain(..keep);
                    written.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&written);
                    for bad in never {
                        assert!(
                            !text.contains(bad),
                            "{bad:?} was written to the terminal:\n{text}"
                        );
                    }
                }
                // Nothing yet: the pty is polled until the deadline.
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }

    fn wait_until(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + SCREEN_TIMEOUT;
        loop {
            let screen = self.text();
            if done(&screen) {
                return screen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what} never came:\n{screen}"
            );
            self.pump();
        }
    }

    /// Process every byte already waiting on the pty; whether there were any.
    fn drain(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        let mut any = false;
        while let Ok(n) = self.session.try_read(&mut buf) {
            if n == 0 {
                break;
            }
            self.parser.process(&buf[..n]);
            any = true;
        }
        any
    }

    fn wait(&mut self, wanted: &str) -> String {
        self.wait_never(wanted, &[])
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
    }

    fn runs(&self) -> Vec<String> {
        fs::read_to_string(self.gate.path().join("runs.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Wait until the gate's check for `mark` has started.
    fn wait_run(&mut self, mark: &str) {
        let deadline = std::time::Instant::now() + SCREEN_TIMEOUT;
        while !self.runs().iter().any(|r| r == mark) {
            assert!(
                std::time::Instant::now() < deadline,
                "the check of {mark} never started"
            );
            self.pump();
        }
    }

    fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        match self.session.try_read(&mut buf) {
            Ok(n) if n > 0 => self.parser.process(&buf[..n]),
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    }

    fn open_gate(&self, mark: &str) {
        fs::write(self.gate.path().join(format!("open-{mark}")), "").unwrap();
    }

    fn quit(mut self) {
        self.send("q");
        self.wait("Progress saved");
    }
}

/// A version of gate.rs: its check logs `mark`, holds when `wait`, passes
/// when `answer` is 42.
fn gate_version(mark: &str, wait: bool, answer: u32) -> String {
    let starter = fs::read_to_string(common::fixture("watch").join("exercises/basics/gate.rs")).unwrap();
    starter
        .replace(
            "const MARK: &str = \"starter\";",
            &format!("const MARK: &str = \"{mark}\";"),
        )
        .replace(
            "const WAIT: bool = false;",
            &format!("const WAIT: bool = {wait};"),
        )
        .replace(
            "const ANSWER: u32 = 0;",
            &format!("const ANSWER: u32 = {answer};"),
        )
}

fn gate_file(pack: &Path) -> std::path::PathBuf {
    pack.join("exercises/basics/gate.rs")
}

fn failing_save_hint_and_scrolling_at(cols: u16, rows: u16) {
    let pack = pack_copy("watch");
    let mut screen = Screen::start(pack.path(), cols, rows);
    let first = screen.wait("FAIL");
    assert!(
        first.contains("gate.rs"),
        "the file to edit is not on screen:\n{first}"
    );
    assert!(first.contains("more lines"), "no scroll marker:\n{first}");
    assert!(!first.contains("END-OF-EXPLANATION"));

    fs::write(gate_file(pack.path()), gate_version("v1", false, 7)).unwrap();
    screen.wait_run("v1");
    let failed = screen.wait_until("the verdict for v1", |s| {
        s.contains("FAIL") && !s.contains("checking")
    });
    assert!(failed.contains("gate.rs"), "{failed}");
    // The key bar is always there.
    assert!(failed.lines().last().unwrap().contains('q'), "{failed}");

    screen.send("h");
    let hinted = screen.wait("HINT-ONE");
    assert!(
        hinted.contains("FAIL"),
        "the hint pushed the verdict away:\n{hinted}"
    );
    screen.send("h");
    screen.wait("HINT-TWO");

    // Scrolling reveals the end of the explanation.
    screen.send("\x1b[F"); // End
    let bottom = screen.wait("END-OF-EXPLANATION");
    assert!(bottom.contains("lines above"), "{bottom}");
    assert!(bottom.contains("FAIL") && bottom.contains("gate.rs"), "{bottom}");
    for line in bottom.lines() {
        assert!(
            line.chars().count() <= cols as usize,
            "{line:?} is wider than {cols}"
        );
    }
    screen.quit();
}

#[test]
fn at_80x24_a_failing_save_shows_fail_the_file_the_hint_and_scrolls() {
    failing_save_hint_and_scrolling_at(80, 24);
}

#[test]
fn at_40x12_a_failing_save_shows_fail_the_file_the_hint_and_scrolls() {
    failing_save_hint_and_scrolling_at(40, 12);
}

#[test]
fn a_save_during_a_check_cancels_it_and_its_verdict_never_shows() {
    let pack = pack_copy("watch");
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    fs::write(gate_file(pack.path()), gate_version("held", true, 0)).unwrap();
    screen.wait_run("held");
    // While `held` is checked (and held), the right answer is saved.
    fs::write(gate_file(pack.path()), gate_version("right", false, 42)).unwrap();
    screen.wait_never("gate passed", &["MARK-held", "TIMEOUT"]);
    screen.quit();
}

#[test]
fn a_pass_then_a_fail_never_records_the_pass() {
    let pack = pack_copy("watch");
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    fs::write(gate_file(pack.path()), gate_version("pass", true, 42)).unwrap();
    screen.wait_run("pass");
    fs::write(gate_file(pack.path()), gate_version("fail", false, 1)).unwrap();
    screen.wait_never("MARK-fail", &["passed"]);
    // Were the passing check still alive, opening its gate would let it pass.
    screen.open_gate("pass");
    screen.send("r");
    let deadline = std::time::Instant::now() + SCREEN_TIMEOUT;
    while screen.runs().iter().filter(|r| *r == "fail").count() < 2 {
        assert!(std::time::Instant::now() < deadline, "r did not re-check");
        screen.pump();
    }
    screen.wait_never("MARK-fail", &["passed", "PASS"]);
    screen.quit();
    let state = fs::read_to_string(pack.path().join(".backlings/state.toml")).unwrap();
    assert!(
        !state
            .lines()
            .any(|l| l.starts_with("done") && l.contains("\"gate\"")),
        "a pass for content no longer on disk was recorded:\n{state}"
    );
}

#[test]
fn a_rename_save_and_a_backup_then_write_save_run_one_check_each() {
    let pack = pack_copy("watch");
    let file = gate_file(pack.path());
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    // Most editors: write a temp file, rename it over the original.
    let temp = pack.path().join("exercises/basics/.gate.rs.tmp");
    fs::write(&temp, gate_version("renamed", false, 1)).unwrap();
    fs::rename(&temp, &file).unwrap();
    screen.wait("MARK-renamed");
    // vim: move the original to a backup, write a new file, drop the backup.
    let backup = pack.path().join("exercises/basics/gate.rs~");
    fs::rename(&file, &backup).unwrap();
    fs::write(&file, gate_version("vim", false, 1)).unwrap();
    fs::remove_file(&backup).unwrap();
    screen.wait("MARK-vim");
    // An in-place save closes the series: the checker is serial, so every
    // check the earlier saves caused has run before this one.
    fs::write(&file, gate_version("last", false, 1)).unwrap();
    screen.wait("MARK-last");
    assert_eq!(screen.runs(), ["starter", "renamed", "vim", "last"]);
    screen.quit();
}

#[test]
fn a_deleted_file_is_checked_and_a_folder_deleted_and_created_again_is_watched_again() {
    let pack = pack_copy("watch");
    set_current(pack.path(), "count_rows");
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    let folder = pack.path().join("exercises/queries");
    fs::remove_dir_all(&folder).unwrap();
    screen.wait("count_rows.sql is missing");
    fs::create_dir(&folder).unwrap();
    solve(pack.path(), "exercises/queries/count_rows.sql");
    screen.wait("count_rows passed");
    screen.quit();
}

#[test]
fn the_last_pass_shows_the_end_screen_and_a_restart_shows_it_again() {
    let pack = pack_copy("watch");
    fs::create_dir_all(pack.path().join(".backlings")).unwrap();
    fs::write(
        pack.path().join(".backlings/state.toml"),
        "version = 1\ncurrent = \"last_query\"\ndone = [\"gate\", \"count_rows\"]\n",
    )
    .unwrap();
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    solve(pack.path(), "exercises/queries/last_query.sql");
    // The frame is drawn in pieces: wait for all of it, not its first line.
    screen.wait_until("the end screen with its summary and the pack's farewell", |end| {
        end.contains("Every exercise is done")
            && end.contains("By stage")
            && end.contains("Queries")
            && end.contains("FAREWELL-TEXT")
    });
    // n does not wrap around to the first exercise.
    screen.send("n");
    screen.send("l");
    screen.wait("All exercises");
    screen.send("\x1b");
    screen.wait("Every exercise is done");
    screen.quit();

    let mut again = Screen::start(pack.path(), 80, 24);
    again.wait_until("the end screen on a restart, with next steps", |end| {
        end.contains("Every exercise is done") && end.contains("Next steps")
    });
    again.quit();
}

#[test]
fn ctrl_z_suspends_and_fg_restores_the_screen() {
    let pack = pack_copy("watch");
    set_current(pack.path(), "count_rows");
    let mut cmd = Command::new("bash");
    cmd.args(["--norc", "--noprofile", "-i"])
        .env("PS1", "PROMPT$ ")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    common::scrub(&mut cmd);
    let mut term = Session::spawn(cmd).unwrap();
    term.get_process_mut().set_window_size(80, 24).unwrap();
    term.set_expect_timeout(Some(SCREEN_TIMEOUT));
    term.expect("PROMPT$ ").unwrap();
    term.send_line(format!(
        "'{}' --pack '{}'",
        env!("CARGO_BIN_EXE_backlings"),
        pack.path().display()
    ))
    .unwrap();
    term.expect("FAIL").unwrap();
    term.send("\x1a").unwrap(); // Ctrl-Z
    term.expect("Stopped").unwrap();
    term.expect("PROMPT$ ").unwrap();
    term.send_line("fg").unwrap();
    // The screen is drawn again and keys work.
    term.expect("Edit: exercises/queries/count_rows.sql").unwrap();
    term.send("q").unwrap();
    term.expect("Progress saved").unwrap();
    term.send_line("exit").unwrap();
}

/// A git command typed in the sandbox, as the learner would.
fn git_in(sandbox: &Path, args: &[&str]) {
    let status = common::scrub(&mut Command::new("git"))
        .args(args)
        .current_dir(sandbox)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", sandbox)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

#[test]
fn a_git_command_that_only_deletes_a_file_is_checked() {
    let pack = pack_copy("watch_git");
    let mut screen = Screen::start(pack.path(), 80, 24);
    let first = screen.wait("FAIL");
    assert!(first.contains("Work in:"), "{first}");
    let sandbox = pack.path().join(".backlings/sandboxes/reset_hard_discard/work");
    git_in(&sandbox, &["reset", "--hard", "origin/main"]);
    screen.wait("untracked");
    // `git clean -f` writes nothing in .git: only the removal says it ran.
    git_in(&sandbox, &["clean", "-f"]);
    screen.wait("reset_hard_discard passed");
    screen.quit();
}

#[test]
fn a_push_that_changes_only_the_remote_is_checked() {
    let pack = pack_copy("watch_git");
    set_current(pack.path(), "tag_release");
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    let sandbox = pack.path().join(".backlings/sandboxes/tag_release/work");
    git_in(
        &sandbox,
        &["tag", "-a", "v1.2.0", "-m", "Release 1.2.0", "HEAD~1"],
    );
    screen.wait("8 of 9 checks pass");
    // The push writes into the remote's repository only.
    git_in(&sandbox, &["push", "origin", "v1.2.0"]);
    screen.wait("tag_release passed");
    screen.quit();
}

#[test]
fn deleting_the_sandboxs_git_folder_is_checked() {
    let pack = pack_copy("watch_git");
    set_current(pack.path(), "tag_release");
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    let sandbox = pack.path().join(".backlings/sandboxes/tag_release/work");
    fs::remove_dir_all(sandbox.join(".git")).unwrap();
    let after = screen.wait("backlings reset tag_release");
    assert!(after.contains("ERROR") || after.contains("FAIL"), "{after}");
    screen.quit();
}

#[test]
fn entering_a_stage_shows_its_intro_and_a_pass_its_after_note() {
    let pack = pack_copy("watch");
    set_current(pack.path(), "count_rows");
    let mut screen = Screen::start(pack.path(), 80, 24);
    let first = screen.wait("FAIL");
    assert!(first.contains("STAGE-INTRO"), "{first}");
    solve(pack.path(), "exercises/queries/count_rows.sql");
    let next = screen.wait("count_rows passed");
    let next = if next.contains("last_query") {
        next
    } else {
        screen.wait("last_query")
    };
    assert!(
        next.contains("AFTER-NOTE") && next.contains("Read further"),
        "{next}"
    );
    assert!(
        !next.contains("STAGE-INTRO"),
        "a move within a stage shows its intro again:\n{next}"
    );
    screen.quit();
}

#[test]
fn e_opens_the_exercise_file_in_the_editor_chosen_and_the_screen_comes_back() {
    use std::os::unix::fs::PermissionsExt;
    let pack = pack_copy("watch");
    set_current(pack.path(), "count_rows");
    let tools = tempfile::tempdir().unwrap();
    let editor = tools.path().join("editor");
    let opened = tools.path().join("opened");
    fs::write(
        &editor,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlings"));
    cmd.arg("--pack")
        .arg(pack.path())
        .arg("--edit-cmd")
        .arg(&editor)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    common::scrub(&mut cmd);
    let mut term = Session::spawn(cmd).unwrap();
    term.get_process_mut().set_window_size(80, 24).unwrap();
    term.set_expect_timeout(Some(SCREEN_TIMEOUT));
    term.expect("FAIL").unwrap();
    term.send("e").unwrap();
    // The screen is drawn again after the editor exits.
    term.expect("Edit: exercises/queries/count_rows.sql").unwrap();
    let target = fs::read_to_string(&opened).expect("the editor was not started");
    assert_eq!(
        Path::new(target.trim()),
        pack.path().join("exercises/queries/count_rows.sql")
    );
    term.send("q").unwrap();
    term.expect("Progress saved").unwrap();
}

#[test]
fn help_says_where_the_watcher_starts() {
    let output = Command::new(env!("CARGO_BIN_EXE_backlings"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout).replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("resumes at the exercise you were on") && help.contains("end screen"),
        "{help}"
    );
}

#[test]
fn a_git_exercise_shows_its_sandbox_and_its_answer_file_at_every_size() {
    for (cols, rows, label) in [
        (80, 24, "Answer file: exercises/checks/all_fail.txt"),
        (40, 12, "all_fail.txt"),
    ] {
        let pack = pack_copy("git/checks");
        set_current(pack.path(), "all_fail");
        let mut screen = Screen::start(pack.path(), cols, rows);
        let shown = screen.wait("FAIL");
        assert!(shown.contains(label), "{cols}x{rows}:\n{shown}");
        assert!(
            shown
                .lines()
                .any(|l| l.starts_with("Work in: ") || l.starts_with("In: ")),
            "{cols}x{rows}: the sandbox is not on screen:\n{shown}"
        );
        screen.quit();
    }
}

#[test]
fn a_git_reset_says_where_the_learners_repository_is_kept() {
    let pack = pack_copy("watch_git");
    let mut screen = Screen::start(pack.path(), 80, 24);
    screen.wait("FAIL");
    screen.send("x");
    screen.wait("goes to .backlings/replaced/sandboxes/");
    screen.send("y");
    let kept = ".backlings/replaced/sandboxes/reset_hard_discard.1";
    let shown = screen.wait(kept);
    assert!(shown.contains("rebuilt the sandbox"), "{shown}");
    assert!(
        pack.path().join(kept).join("work/.git").is_dir(),
        "the screen names a place where the repository is not"
    );
    screen.quit();
}

#[test]
fn with_poll_saves_and_removals_are_seen_and_the_screen_says_so() {
    let pack = pack_copy("watch");
    set_current(pack.path(), "count_rows");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlings"));
    cmd.arg("--pack")
        .arg(pack.path())
        .arg("--poll")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    common::scrub(&mut cmd);
    let mut term = Session::spawn(cmd).unwrap();
    term.get_process_mut().set_window_size(80, 24).unwrap();
    term.set_expect_timeout(Some(SCREEN_TIMEOUT));
    term.expect("watching by polling").unwrap();
    let file = pack.path().join("exercises/queries/count_rows.sql");
    fs::remove_file(&file).unwrap();
    term.expect("count_rows.sql is missing").unwrap();
    solve(pack.path(), "exercises/queries/count_rows.sql");
    term.expect("count_rows passed").unwrap();
    term.send("q").unwrap();
    term.expect("Progress saved").unwrap();
}
