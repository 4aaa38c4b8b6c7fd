//! The sql kind's `postgres` engine, end to end: the real binary over the
//! fixture pack tests/fixtures/postgres (copied for each test through the
//! shared harness), on the machine's installed PostgreSQL server, which the
//! runner starts itself.
//!
//! Without PostgreSQL these tests stop at [`require_postgres`]: loudly under
//! `CI=true` (CI has the server binaries; their absence is a broken image),
//! with a note elsewhere. The test of the no-PostgreSQL path points the
//! runner at an empty folder instead, so it runs everywhere.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{backlings, json_of, pack_copy, solve, stdout_of};
use expectrl::{Expect, Session};
use serde_json::Value;

/// The folder of the server binaries, as the runner looks for them.
fn server_binaries() -> Option<PathBuf> {
    let complete = |dir: &Path| {
        ["postgres", "initdb", "pg_ctl"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    }
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        candidates.extend(entries.flatten().map(|e| e.path().join("bin")));
    }
    candidates.into_iter().find(|d| complete(d))
}

/// True when the tests can run; under `CI=true` a missing PostgreSQL is a
/// failure, never a silent skip.
fn require_postgres() -> bool {
    if server_binaries().is_some() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but no PostgreSQL server binaries were found (PATH, pg_config --bindir, \
         /usr/lib/postgresql/*/bin): install the `postgresql` package on the CI image"
    );
    eprintln!("note: PostgreSQL is not installed here; the postgres engine's tests did not run");
    false
}

/// `run NAME --json`: (exit code, the exercise's entry).
fn run(pack: &Path, name: &str) -> (i32, Value) {
    let out = backlings(pack).args(["run", name, "--json"]).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let doc = json_of(&out);
    (code, doc["exercises"][0].clone())
}

fn status(entry: &Value) -> &str {
    entry["status"].as_str().unwrap()
}

fn message(entry: &Value) -> &str {
    entry["message"].as_str().unwrap()
}

/// Postgres processes working in `dir`: the server and its backends all
/// change into their data folder (their command lines do not show it: a
/// backend retitles itself).
fn postgres_processes_of(dir: &Path) -> Vec<u32> {
    let dir = dir.canonicalize().unwrap();
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let comm = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let cwd = fs::read_link(format!("/proc/{pid}/cwd")).unwrap_or_default();
        if comm.starts_with("postgres") && cwd.starts_with(&dir) {
            found.push(pid);
        }
    }
    found
}

#[test]
fn a_query_is_judged_with_readable_values_and_a_diff() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    let (code, entry) = run(pack.path(), "late_orders");
    assert_eq!((status(&entry), code), ("fail", 1), "{entry}");
    assert_eq!(message(&entry), "1 extra row (3 rows instead of 2)");
    let details = entry["details"].to_string();
    // Interval, boolean and JSONB as PostgreSQL prints them.
    for shown in [
        "1 day 01:30:00",
        "5 days 00:01:00",
        "\"true\"",
        "{\\\"gift\\\": true}",
    ] {
        assert!(details.contains(shown), "{shown} not in {details}");
    }
    solve(pack.path(), "exercises/postgresql/late_orders.sql");
    let (code, entry) = run(pack.path(), "late_orders");
    assert_eq!((status(&entry), code), ("pass", 0), "{entry}");
    assert_eq!(
        message(&entry),
        "2 rows match the answer, in order, on the hidden data set too"
    );
}

#[test]
fn an_answer_copied_from_the_visible_rows_fails_on_the_hidden_fixture() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    fs::write(
        pack.path().join("exercises/postgresql/late_orders.sql"),
        "SELECT * FROM (VALUES (4, interval '5 days 00:01:00', true, '{}'::jsonb), \
         (2, interval '4 days 20:00:00', false, '{}'::jsonb)) AS copied(id, took, paid, extra) ORDER BY took DESC;\n",
    )
    .unwrap();
    let (_, entry) = run(pack.path(), "late_orders");
    assert_eq!(status(&entry), "fail", "{entry}");
    assert!(entry["details"].to_string().contains("hidden"), "{entry}");
}

#[test]
fn a_syntax_error_points_at_its_line_and_column() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    fs::write(
        pack.path().join("exercises/postgresql/late_orders.sql"),
        "-- an intro\nSELECT id\n  FORM orders;\n",
    )
    .unwrap();
    let (_, entry) = run(pack.path(), "late_orders");
    assert_eq!(status(&entry), "fail", "{entry}");
    assert!(
        message(&entry).starts_with("exercises/postgresql/late_orders.sql:3:8: syntax error at or near"),
        "{}",
        message(&entry)
    );
}

#[test]
fn statements_and_expects_are_judged_on_postgres() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    // The starter indexes with a B-tree, which cannot serve `@>`.
    let (_, entry) = run(pack.path(), "raise_prices");
    assert_eq!(status(&entry), "fail", "{entry}");
    assert!(
        message(&entry).starts_with("PostgreSQL would not use index `idx_products_tags`"),
        "{}",
        message(&entry)
    );
    // With the GIN index but without the transaction, the setup's spoon makes
    // the INSERT fail after the UPDATE was kept: a partial write.
    fs::write(
        pack.path().join("exercises/postgresql/raise_prices.sql"),
        "UPDATE products SET price = round(price * 1.1, 2) WHERE 'tea' = ANY (tags);\n\
         INSERT INTO products (name, price, tags) VALUES ('spoon', 0.50, '{}');\n\
         CREATE INDEX idx_products_tags ON products USING gin (tags);\n",
    )
    .unwrap();
    let (_, entry) = run(pack.path(), "raise_prices");
    assert_eq!(status(&entry), "fail", "{entry}");
    assert!(
        message(&entry).contains("partial write in `products`"),
        "{}",
        message(&entry)
    );
    // A wrong table with no transaction left open gets no note about one;
    // a BEGIN never committed does.
    fs::write(
        pack.path().join("exercises/postgresql/raise_prices.sql"),
        "UPDATE products SET price = 1;\nCREATE INDEX idx_products_tags ON products USING gin (tags);\n",
    )
    .unwrap();
    let (_, entry) = run(pack.path(), "raise_prices");
    assert_eq!(status(&entry), "fail", "{entry}");
    assert!(!entry["details"].to_string().contains("never ends"), "{entry}");
    fs::write(
        pack.path().join("exercises/postgresql/raise_prices.sql"),
        "BEGIN;\nUPDATE products SET price = 1;\n",
    )
    .unwrap();
    let (_, entry) = run(pack.path(), "raise_prices");
    assert!(entry["details"].to_string().contains("never ends"), "{entry}");
    solve(pack.path(), "exercises/postgresql/raise_prices.sql");
    let (code, entry) = run(pack.path(), "raise_prices");
    assert_eq!((status(&entry), code), ("pass", 0), "{entry}");
    assert!(message(&entry).ends_with("5 checks pass"), "{}", message(&entry));
}

#[test]
fn a_runaway_query_is_stopped_and_reported_as_a_timeout() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    let (code, entry) = run(pack.path(), "runaway");
    assert_eq!((status(&entry), code), ("timeout", 1), "{entry}");
    assert!(
        message(&entry)
            .starts_with("exercises/postgresql/runaway.sql:2:1: still running at the time limit of 1 s"),
        "{}",
        message(&entry)
    );
    // The same, with the learner's SQL turning statement_timeout off: the
    // watchdog's cancel still stops it.
    fs::write(
        pack.path().join("exercises/postgresql/runaway.sql"),
        "SET statement_timeout = 0;\nSELECT count(*) FROM products, generate_series(1, 100000000);\n",
    )
    .unwrap();
    let (_, entry) = run(pack.path(), "runaway");
    assert_eq!(status(&entry), "timeout", "{entry}");
    assert!(postgres_processes_of(pack.path()).is_empty());
}

#[test]
fn the_engine_follows_the_learners_choice_where_the_exercise_offers_both() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    // `::` casts are PostgreSQL's: on SQLite (the exercise's first engine) they fail.
    fs::write(
        pack.path().join("exercises/postgresql/both_engines.sql"),
        "SELECT name || ' (' || id::text || ')' AS label FROM products;\n",
    )
    .unwrap();
    let (_, entry) = run(pack.path(), "both_engines");
    assert_eq!(status(&entry), "fail", "{entry}");
    let out = backlings(pack.path())
        .args(["--sql-engine", "postgres", "run", "both_engines", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        json_of(&out)["exercises"][0]["status"],
        "pass",
        "{}",
        stdout_of(&out)
    );
    // The setting kept in .backlings/ does the same.
    fs::write(pack.path().join(".backlings/sql-engine"), "postgres\n").unwrap();
    let (_, entry) = run(pack.path(), "both_engines");
    assert_eq!(status(&entry), "pass", "{entry}");
}

#[test]
fn dev_check_holds_every_engine_and_no_server_is_left() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    let out = backlings(pack.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{doc}");
    assert_eq!(doc["summary"]["checks"], 12);
    assert_eq!(doc["summary"]["skipped"], 0);
    assert!(pack.path().join(".backlings/postgres/PG_VERSION").is_file());
    assert_eq!(postgres_processes_of(pack.path()), Vec::<u32>::new());
}

#[test]
fn without_postgres_the_exercises_are_skipped_with_the_reason() {
    let pack = pack_copy("postgres");
    let empty = tempfile::tempdir().unwrap();
    let out = backlings(pack.path())
        .env("BACKLINGS_POSTGRES_BIN", empty.path())
        .args(["dev", "check", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{doc}");
    // both_engines runs on SQLite too; the other five (starter and solution) are skipped.
    assert_eq!(doc["summary"]["skipped"], 10, "{doc}");
    let both = &doc["exercises"][6];
    assert_eq!(both["name"], "both_engines");
    assert_eq!(
        both["message"],
        "on SQLite: 2 rows missing, 2 extra rows (PostgreSQL skipped: not installed)"
    );
    let skipped: Vec<&Value> = doc["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 10);
    assert!(skipped.iter().all(|e| e["sound"] == false));
    let text = backlings(pack.path())
        .env("BACKLINGS_POSTGRES_BIN", empty.path())
        .args(["dev", "check"])
        .output()
        .unwrap();
    let text = stdout_of(&text);
    assert!(text.contains("skipped: 10 checks did not run"), "{text}");
    assert!(!text.contains("every solution passes"), "{text}");
    let run = backlings(pack.path())
        .env("BACKLINGS_POSTGRES_BIN", empty.path())
        .args(["run", "late_orders"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let shown = stdout_of(&run);
    assert!(shown.contains("SKIPPED"), "{shown}");
    assert!(shown.contains("apt-get install postgresql"), "{shown}");
    assert!(!pack.path().join(".backlings/postgres").exists());
}

#[test]
fn a_server_left_by_a_crashed_run_is_stopped_on_the_next_start() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    solve(pack.path(), "exercises/postgresql/late_orders.sql");
    assert_eq!(status(&run(pack.path(), "late_orders").1), "pass");
    // A crashed run's server: started on the cluster, its parent not a backlings.
    let data = pack.path().join(".backlings/postgres");
    let bin = server_binaries().unwrap();
    let user = if rustix_is_root() { Some("postgres") } else { None };
    let mut start = match user {
        Some(user) => {
            let mut c = Command::new("su");
            c.args([user, "-s", "/bin/sh", "-c"]).arg(format!(
                "exec '{}' -D '{}' -k '{}' -c listen_addresses= -c fsync=off",
                bin.join("postgres").display(),
                data.display(),
                data.display()
            ));
            c
        }
        None => {
            let mut c = Command::new(bin.join("postgres"));
            c.arg("-D")
                .arg(&data)
                .arg("-k")
                .arg(&data)
                .args(["-c", "listen_addresses="]);
            c
        }
    };
    let mut leftover = start
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Running once its pid file names a live postgres whose socket exists.
    let socket = data.join(".s.PGSQL.5432");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !socket.exists() || postgres_processes_of(pack.path()).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the stand-in leftover did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let (_, entry) = run(pack.path(), "late_orders");
    assert_eq!(status(&entry), "pass", "{entry}");
    let _ = leftover.wait();
    assert_eq!(postgres_processes_of(pack.path()), Vec::<u32>::new());
}

fn rustix_is_root() -> bool {
    // The test has no rustix: read the effective uid from /proc.
    fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2).map(|uid| uid == "0"))
        .unwrap_or(false)
}

#[test]
fn quitting_the_watcher_leaves_no_postgres_process() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlings"));
    cmd.arg("--pack").arg(pack.path());
    common::scrub(&mut cmd).env("TERM", "xterm");
    let mut term = Session::spawn(cmd).expect("spawn in a pty");
    term.get_process_mut().set_window_size(120, 50).unwrap();
    term.set_expect_timeout(Some(Duration::from_secs(120)));
    term.expect("1 extra row").unwrap();
    assert!(
        !postgres_processes_of(pack.path()).is_empty(),
        "the watcher's server should run while it watches"
    );
    term.send("q").unwrap();
    term.expect("Progress saved").unwrap();
    term.expect(expectrl::Eof).unwrap();
    assert_eq!(postgres_processes_of(pack.path()), Vec::<u32>::new());
}

#[test]
fn two_sessions_show_the_lost_update_and_the_row_lock_that_prevents_it() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    // Both sessions read 10000, both write 10000 - 3000: one withdrawal is lost.
    let (code, entry) = run(pack.path(), "withdraw");
    assert_eq!((status(&entry), code), ("fail", 1), "{entry}");
    let details = entry["details"].to_string();
    assert!(details.contains("7000 (expected 4000)"), "{details}");
    assert!(
        details.contains("taking turns as the exercise says (A, B, A, B"),
        "{details}"
    );
    // FOR UPDATE: session B waits at its read until A commits, then reads 7000.
    solve(pack.path(), "exercises/postgresql/withdraw.sql");
    let (code, entry) = run(pack.path(), "withdraw");
    assert_eq!((status(&entry), code), ("pass", 0), "{entry}");
}

#[test]
fn two_sessions_locking_rows_in_opposite_orders_deadlock() {
    if !require_postgres() {
        return;
    }
    let pack = pack_copy("postgres");
    let (_, entry) = run(pack.path(), "transfer");
    assert_eq!(status(&entry), "fail", "{entry}");
    let message = message(&entry);
    assert!(
        message.starts_with("session ") && message.ends_with("deadlock detected"),
        "{message}"
    );
    assert!(
        entry["details"].to_string().contains("in the same order"),
        "{entry}"
    );
    solve(pack.path(), "exercises/postgresql/transfer.sql");
    let (code, entry) = run(pack.path(), "transfer");
    assert_eq!((status(&entry), code), ("pass", 0), "{entry}");
    assert_eq!(postgres_processes_of(pack.path()), Vec::<u32>::new());
}

#[test]
fn sessions_are_refused_where_they_cannot_run_with_their_place_in_info_toml() {
    let pack = pack_copy("postgres");
    let info = pack.path().join("info.toml");
    let text = fs::read_to_string(&info).unwrap();
    // The withdraw exercise on SQLite, with a third session.
    let broken = text.replacen(
        "engine = \"postgres\"\nfixture = \"data/bank.sql\"",
        "fixture = \"data/bank.sql\"",
        1,
    );
    let broken = broken.replacen(
        "sessions = [\"A\", \"B\", \"A\", \"B\", \"A\", \"B\", \"A\", \"B\"]",
        "sessions = [\"A\", \"C\"]",
        1,
    );
    assert_ne!(broken, text);
    fs::write(&info, broken).unwrap();
    let out = backlings(pack.path()).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr_of(&out);
    assert!(
        err.contains("two sessions need PostgreSQL: SQLite runs one connection at a time"),
        "{err}"
    );
    assert!(err.contains("`C` is not a session"), "{err}");
    assert!(err.contains("info.toml:"), "{err}");
}
