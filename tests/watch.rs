//! Watch mode, driven through the real binary in a pseudo-terminal: a save
//! turns the screen to passed, a save made during a running check is checked
//! afterwards, and q gives the terminal back as it was.

mod common;

use std::fs;
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
fn a_save_during_a_running_check_is_checked_afterwards() {
    let pack = pack_copy("core");
    set_current(pack.path(), "slow");
    let file = pack.path().join("exercises/basics/slow.rs");
    let mut term = start_watch(pack.path(), "true");
    term.expect("READY is still false").unwrap();

    // First save: still wrong. Its check sleeps 1.5 s in the test.
    let starter = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{starter}\n// thinking…\n")).unwrap();
    term.expect("checking").unwrap();
    // Second save, while that check runs: the right answer.
    std::thread::sleep(Duration::from_millis(300));
    solve(pack.path(), "exercises/basics/slow.rs");
    // Had the second save been dropped, the screen would stay on FAIL.
    term.expect("slow passed").unwrap();
    term.send("q").unwrap();
    term.expect("Progress saved").unwrap();
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
