//! The http kind, end to end: the real binary checks real servers (small
//! std::net programs in tests/fixtures/http) over loopback.

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

mod common;

use regex::Regex;
use serde_json::Value;
use tempfile::TempDir;

fn fixture() -> PathBuf {
    common::fixture("http")
}

/// A private copy of the fixture pack: the runner writes `.backlings/` and a
/// target dir into it, and some tests edit the learner's files. Its
/// `bad_spec/` is a pack of its own, for the load-time tests.
fn pack_copy() -> TempDir {
    let dir = common::pack_copy("http");
    std::fs::remove_dir_all(dir.path().join("bad_spec")).unwrap();
    dir
}

fn backlings(pack: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(backlings_std(pack));
    cmd.timeout(Duration::from_secs(300));
    cmd
}

/// The same command, to start without waiting for it.
fn backlings_std(pack: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("backlings"));
    common::scrub(&mut cmd)
        .arg("--pack")
        .arg(pack)
        .env("RUST_BACKTRACE", "0");
    cmd
}

/// `backlings run NAME --json`: the exercise's entry, and the exit code.
fn run(pack: &Path, name: &str) -> (Value, i32) {
    let out = backlings(pack).args(["run", name, "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON from `run {name}` ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc["exercises"][0].clone(), out.status.code().unwrap_or(-1))
}

fn status(entry: &Value) -> &str {
    entry["status"].as_str().unwrap()
}

fn message(entry: &Value) -> &str {
    entry["message"].as_str().unwrap()
}

/// The text of the first detail whose title (or `what`) starts with `title`.
fn detail<'a>(entry: &'a Value, title: &str) -> &'a Value {
    entry["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["title"]
                .as_str()
                .or(d["what"].as_str())
                .is_some_and(|t| t.starts_with(title))
        })
        .unwrap_or_else(|| panic!("no detail `{title}` in {entry:#}"))
}

fn text<'a>(entry: &'a Value, title: &str) -> &'a str {
    let d = detail(entry, title);
    d["text"].as_str().or(d["command"].as_str()).unwrap()
}

/// The prose details (explanations, the exchanges that passed before).
fn prose(entry: &Value) -> String {
    entry["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["type"] == "text")
        .map(|d| d["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_matches(pattern: &str, text: &str) {
    assert!(
        Regex::new(pattern).unwrap().is_match(text),
        "/{pattern}/ does not match:\n{text}"
    );
}

fn use_solution(pack: &Path, exercise: &str, solution: &str) {
    std::fs::copy(pack.join(solution), pack.join(exercise)).unwrap();
}

fn edit(pack: &Path, file: &str, from: &str, to: &str) {
    let path = pack.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

// ---- one passing server, and the same server with one fault each ----

#[test]
fn a_correct_server_passes() {
    let pack = pack_copy();
    let (entry, code) = run(pack.path(), "items_ok");
    assert_eq!(
        (status(&entry), message(&entry), code),
        ("pass", "all 3 exchanges passed", 0)
    );
}

#[test]
fn a_wrong_status_is_shown_with_the_request_the_response_and_a_curl_line() {
    let pack = pack_copy();
    let (entry, code) = run(pack.path(), "wrong_status");
    assert_eq!((status(&entry), code), ("fail", 1));
    assert_eq!(
        message(&entry),
        "create an item (POST /items): expected status 201 Created, got 200 OK"
    );
    let status_detail = detail(&entry, "status");
    assert_eq!(
        (
            status_detail["expected"].as_str(),
            status_detail["found"].as_str()
        ),
        (Some("201 Created"), Some("200 OK"))
    );
    assert_matches(
        r#"(?m)^POST /items HTTP/1.1\ncontent-length: 19\n(.+\n)*content-type: application/json\n\n\{"name":"[a-z]{8}"\}$"#,
        text(&entry, "request sent"),
    );
    assert_matches(
        r#"(?s)^HTTP/1.1 200 OK\n.*\n\n\{"id":1,"name":"[a-z]{8}"\}$"#,
        text(&entry, "response received"),
    );
    assert!(text(&entry, "your server's output").contains("items service listening on 127.0.0.1:"));
    assert!(prose(&entry).contains("Before this, as expected:\n  1. GET /health → 200 OK"));
    let curl = text(&entry, "then, in another terminal");
    assert_matches(
        r#"^curl -i -X POST http://127\.0\.0\.1:\d+/items -H 'Content-Type: application/json' --data-raw '\{"name":"[a-z]{8}"\}'$"#,
        curl,
    );
    reproduce_with_curl(pack.path(), "wrong_status", curl);
}

/// The curl lines a failure prints are replayed with the real curl: without
/// it these tests would prove nothing, so they fail rather than skip.
fn require_curl() {
    let found = Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        found,
        "curl is not installed: these tests replay the curl lines a failure prints (apt-get install curl)"
    );
}

/// Start the server by hand on the port the curl line names and run the line:
/// it must get the same wrong answer.
fn reproduce_with_curl(pack: &Path, program: &str, curl: &str) {
    require_curl();
    let port = Regex::new(r"127\.0\.0\.1:(\d+)").unwrap().captures(curl).unwrap()[1].to_string();
    let mut server = Command::new(pack.join("exercises/target/debug").join(program))
        .env("PORT", &port)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).is_err() {
        assert!(
            Instant::now() < deadline,
            "the server did not start for the curl replay"
        );
        thread::sleep(Duration::from_millis(20));
    }
    let out = Command::new("sh").args(["-c", curl]).output().unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    let answer = String::from_utf8_lossy(&out.stdout);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "curl got: {answer}");
    assert_matches(r#"\{"id":1,"name":"[a-z]{8}"\}$"#, &answer);
}

#[test]
fn a_missing_header_is_named() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "missing_header");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "fetch it (GET /items/1): the response has no `etag` header"
    );
    assert_eq!(detail(&entry, "header etag")["found"], "(no such header)");
    assert_eq!(
        text(&entry, "then, in another terminal")
            .split(' ')
            .take(2)
            .collect::<Vec<_>>(),
        ["curl", "-i"]
    );
}

#[test]
fn a_json_mismatch_names_the_field_and_catches_a_hard_coded_answer() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "json_mismatch");
    assert_eq!(status(&entry), "fail");
    assert_matches(
        r#"^fetch it \(GET /items/1\): the JSON body differs at /name: expected "[a-z]{8}", found "widget"$"#,
        message(&entry),
    );
    let json = detail(&entry, "JSON body");
    assert!(json["found"].as_str().unwrap().contains("\"widget\""));
}

#[test]
fn random_inputs_follow_the_seed() {
    let pack = pack_copy();
    let word = |seed: &str| {
        let out = backlings(pack.path())
            .env("BACKLINGS_SEED", seed)
            .args(["run", "json_mismatch", "--json"])
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let message = doc["exercises"][0]["message"].as_str().unwrap().to_string();
        Regex::new(r#"expected "([a-z]+)""#)
            .unwrap()
            .captures(&message)
            .unwrap()[1]
            .to_string()
    };
    assert_eq!(word("1"), word("1"), "one seed, one word: a run is repeatable");
    assert_ne!(word("1"), word("2"));
}

// ---- servers that do not start, crash, or hang ----

#[test]
fn a_server_that_never_binds_is_reported_with_its_output() {
    let pack = pack_copy();
    let started = Instant::now();
    let (entry, code) = run(pack.path(), "never_binds");
    assert_eq!((status(&entry), code), ("error", 1));
    assert_matches(
        r"^your server did not start listening on 127\.0\.0\.1:\d+ within 5 s$",
        message(&entry),
    );
    assert!(text(&entry, "your server's output").contains("warming up the cache"));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_server_on_the_wrong_port_is_told_where_it_listens() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "ignores_port");
    assert_eq!(status(&entry), "error");
    assert_matches(r"within 1 s$", message(&entry));
    let help = prose(&entry);
    assert_matches(
        r#"^It listens on 127\.0\.0\.1:\d+ instead\. Read the port from the PORT environment variable"#,
        &help,
    );
}

#[test]
fn a_server_that_crashes_on_the_first_request() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "crashes");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "your server crashed (exit code 101) while answering GET /health"
    );
    assert!(text(&entry, "your server's output").contains("panicked"));
    assert!(text(&entry, "request sent").starts_with("GET /health HTTP/1.1\n"));
}

#[test]
fn a_server_that_hangs_times_out_and_leaves_no_process_behind() {
    let pack = pack_copy();
    let (entry, code) = run(pack.path(), "hangs");
    assert_eq!((status(&entry), code), ("timeout", 1));
    assert_eq!(message(&entry), "GET /health: no response within 1 s");
    let pids = std::fs::read_to_string(pack.path().join("exercises/hangs.pids")).unwrap();
    let pids: Vec<&str> = pids.split_whitespace().collect();
    assert_eq!(pids.len(), 2, "the server and the child it started");
    for pid in pids {
        assert!(!running(pid), "process {pid} is still running after the check");
    }
}

/// Alive and not a zombie. The server is reaped by the runner; its child,
/// orphaned by the kill, is reaped by init, which may take a moment.
fn running(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        let state = stat.rsplit(')').next().unwrap_or("").split_whitespace().next();
        if state == Some("Z") || Instant::now() > deadline {
            return state != Some("Z");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

// ---- two checks at once ----

#[test]
fn two_checks_at_once_never_share_a_port() {
    let (a, b) = (pack_copy(), pack_copy());
    // Build both first (sequentially, cheaply), so the two timed runs overlap.
    for pack in [&a, &b] {
        let (entry, _) = run(pack.path(), "slow_items");
        assert_eq!(status(&entry), "pass", "{entry:#}");
        std::fs::remove_file(pack.path().join("exercises/served.log")).unwrap();
    }
    // Both choose from one small range, lowest port first: without the port
    // locks, both would pick the same free port.
    let free = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let range = format!("{}-{}", free.min(65_000), free.min(65_000) + 30);
    let spawn = |pack: &Path| {
        backlings_std(pack)
            .env("BACKLINGS_HTTP_PORTS", &range)
            .args(["run", "slow_items", "--json"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (mut first, mut second) = (spawn(a.path()), spawn(b.path()));
    for child in [&mut first, &mut second] {
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        assert!(child.wait().unwrap().success(), "{out}");
    }
    // Each copy's own server answered each of its own check's requests.
    let servers: Vec<(String, String)> = [&a, &b]
        .iter()
        .map(|pack| {
            let log = std::fs::read_to_string(pack.path().join("exercises/served.log")).unwrap();
            let lines: Vec<Vec<&str>> = log.lines().map(|l| l.split(' ').collect()).collect();
            assert_eq!(lines.len(), 2, "{log}");
            assert!(
                lines.iter().all(|l| l[..2] == lines[0][..2]),
                "one server answered: {log}"
            );
            (lines[0][0].to_string(), lines[0][1].to_string())
        })
        .collect();
    assert_ne!(servers[0].1, servers[1].1, "the two servers had different ports");
}

#[test]
fn a_port_taken_before_the_server_binds_it_is_retried() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "slow_items");
    assert_eq!(status(&entry), "pass", "{entry:#}");
    std::fs::remove_file(pack.path().join("exercises/served.log")).unwrap();

    let mut check = backlings_std(pack.path())
        .args(["run", "slow_items", "--json"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The server waits 500 ms before binding: take its port in that gap.
    let server = pack.path().join("exercises/target/debug/slow_items");
    let taken_port = server_port(&server, Duration::from_secs(60));
    let _taken = TcpListener::bind((Ipv4Addr::LOCALHOST, taken_port)).unwrap();
    let mut out = String::new();
    check.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(check.wait().unwrap().success(), "{out}");
    let log = std::fs::read_to_string(pack.path().join("exercises/served.log")).unwrap();
    let served_port = log.lines().next().unwrap().split(' ').nth(1).unwrap();
    assert_ne!(served_port, taken_port.to_string(), "{log}");
}

/// The PORT of the first running process of `executable`, found in /proc.
fn server_port(executable: &Path, within: Duration) -> u16 {
    let executable = executable.canonicalize().unwrap();
    let deadline = Instant::now() + within;
    loop {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let dir = entry.path();
            if std::fs::read_link(dir.join("exe")).ok().as_deref() != Some(executable.as_path()) {
                continue;
            }
            let environ = std::fs::read(dir.join("environ")).unwrap_or_default();
            let port = environ
                .split(|b| *b == 0)
                .find_map(|var| var.strip_prefix(b"PORT="))
                .and_then(|p| std::str::from_utf8(p).ok()?.parse().ok());
            if let Some(port) = port {
                return port;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{} never started",
            executable.display()
        );
        thread::sleep(Duration::from_millis(5));
    }
}

// ---- the two complete examples ----

#[test]
fn raw_example_starter_fails_and_solution_passes() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "hello_raw");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "the exact bytes of a response (raw `GET / HTTP/1.1`): the server closed the connection before a complete response"
    );
    assert_matches(
        r"^printf 'GET / HTTP/1\.1\\r\\nHost: localhost\\r\\n\\r\\n' \| curl -sS --max-time 5 telnet://127\.0\.0\.1:\d+$",
        text(&entry, "then, in another terminal"),
    );
    use_solution(
        pack.path(),
        "exercises/servers/hello_raw.rs",
        "solutions/servers/hello_raw.rs",
    );
    let (entry, code) = run(pack.path(), "hello_raw");
    assert_eq!(
        (status(&entry), message(&entry), code),
        ("pass", "all 7 exchanges passed", 0)
    );
}

#[test]
fn raw_mode_catches_a_server_that_serves_one_connection_at_a_time() {
    let pack = pack_copy();
    use_solution(
        pack.path(),
        "exercises/servers/hello_raw.rs",
        "solutions/servers/hello_raw.rs",
    );
    edit(
        pack.path(),
        "exercises/servers/hello_raw.rs",
        "thread::spawn(move || {",
        "std::convert::identity({",
    );
    let (entry, _) = run(pack.path(), "hello_raw");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "two connections at once (raw `GET / HTTP/1.1`): with 2 connections open, connection 2 got no response within 2 s while connection 1 had not finished sending its request"
    );
}

#[test]
fn raw_mode_catches_a_server_without_keep_alive() {
    let pack = pack_copy();
    use_solution(
        pack.path(),
        "exercises/servers/hello_raw.rs",
        "solutions/servers/hello_raw.rs",
    );
    edit(
        pack.path(),
        "exercises/servers/hello_raw.rs",
        "if close {\n            return Ok(());",
        "if true {\n            return Ok(());",
    );
    let (entry, _) = run(pack.path(), "hello_raw");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "keep-alive, first request (raw `GET / HTTP/1.1`): the server closed the connection after the response; it should keep it open for the next request"
    );
}

#[test]
fn raw_mode_holds_the_bytes_exactly() {
    let pack = pack_copy();
    use_solution(
        pack.path(),
        "exercises/servers/hello_raw.rs",
        "solutions/servers/hello_raw.rs",
    );
    edit(
        pack.path(),
        "exercises/servers/hello_raw.rs",
        "\"HTTP/1.1 {status}\\r\\n",
        "\"HTTP/1.1 {status}\\n",
    );
    let (entry, _) = run(pack.path(), "hello_raw");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "the exact bytes of a response (raw `GET / HTTP/1.1`): the response is not valid HTTP: its lines end with \\n alone; HTTP ends each line with \\r\\n, and the headers with an empty line (\\r\\n\\r\\n)"
    );
}

#[test]
fn json_api_example_needs_its_unit_tests_and_its_exchanges_to_pass() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "notes_api");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "unit tests: 1 of 2 tests failed: tests::escapes_json_strings"
    );

    use_solution(
        pack.path(),
        "exercises/apis/notes_api.rs",
        "solutions/apis/notes_api.rs",
    );
    let (entry, code) = run(pack.path(), "notes_api");
    assert_eq!(
        (status(&entry), message(&entry), code),
        (
            "pass",
            "all 12 exchanges passed (14 requests); unit tests: 2 tests passed",
            0
        )
    );

    // Its unit tests still pass; an exchange does not.
    edit(
        pack.path(),
        "exercises/apis/notes_api.rs",
        "Some(_) => Response::error(\"403 Forbidden\"",
        "Some(_) => Response::error(\"401 Unauthorized\"",
    );
    let (entry, _) = run(pack.path(), "notes_api");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "delete without being an admin (DELETE /notes/1): expected status 403 Forbidden, got 401 Unauthorized"
    );
    let request = text(&entry, "request sent");
    assert_matches(r"(?m)^authorization: Bearer tok-[0-9a-f]+$", request);
    assert!(prose(&entry).contains("7. a note that does not exist (GET /notes/"));
}

#[test]
fn a_rate_limit_reports_which_repetition_failed() {
    let pack = pack_copy();
    use_solution(
        pack.path(),
        "exercises/apis/notes_api.rs",
        "solutions/apis/notes_api.rs",
    );
    edit(
        pack.path(),
        "exercises/apis/notes_api.rs",
        "const QUOTA: usize = 3;",
        "const QUOTA: usize = 2;",
    );
    let (entry, _) = run(pack.path(), "notes_api");
    assert_eq!(
        message(&entry),
        "within the quota (GET /quota), request 3 of 3: expected status 200 OK, got 429 Too Many Requests"
    );
}

// ---- the spec is checked when the pack loads ----

#[test]
fn spec_mistakes_point_at_their_lines() {
    let pack = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture().join("bad_spec"), pack.path());
    let out = backlings(pack.path()).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "info.toml:18:16: startup_secs = 0 is out of range",
        "info.toml:19:18: `{token}` is not known when the server starts",
        "info.toml:22:10: `post` is not an HTTP method",
        "info.toml:23:8: the path `notes` does not start with `/`",
        "info.toml:24:21: 999 is not an HTTP status",
        "info.toml:27:8: `{tokn}` is not a variable here",
        "info.toml:28:21: `jsn:` is not a capture source",
        "info.toml:29:37: invalid regex",
        "info.toml:29:57: `expect.closes` is only for raw exchanges",
        "info.toml:33:10: `method` has no meaning in a raw exchange",
        "info.toml:35:1: this exchange has neither `path` nor `raw`",
        "info.toml:40:8: `path` has no meaning in an exchange that only connects",
        "info.toml:44:11: `pattern` says how `concurrent` connections take turns, and this exchange has no `concurrent`",
        "info.toml:45:21: `expect.reason` is only for raw exchanges",
        "info.toml:45:37: `HTTP/2` is not an HTTP/1 version",
        "info.toml:45:65: the path `../out.txt` leaves {temp_dir}",
        // `\p{L}` in a regex is the regex's; `{unknown}` beside it is a variable.
        "info.toml:49:25: `{unknown}` is not a variable here",
        "info.toml:54:21: `expect.files` is not checked on concurrent connections",
    ] {
        assert!(stderr.contains(expected), "missing `{expected}` in:\n{stderr}");
    }
    assert!(stderr.contains("help: capture it in an earlier exchange"));
}

// ---- the wire: status line, encodings, media types, framing, timing ----
// Each fixture server is correct as info.toml starts it; a test switches one
// fault on by editing its fault variable there.

fn with_fault(pack: &Path, from: &str, to: &str) {
    edit(pack, "info.toml", from, to);
}

#[test]
fn a_correct_wire_server_passes_every_new_check() {
    let pack = pack_copy();
    let (entry, code) = run(pack.path(), "wire");
    assert_eq!(
        (status(&entry), message(&entry), code),
        ("pass", "all 6 exchanges passed", 0),
        "{entry:#}"
    );
    assert!(
        !prose(&entry).contains("reason phrase"),
        "no note for a standard status line"
    );
}

#[test]
fn the_status_line_version_is_checked() {
    let pack = pack_copy();
    with_fault(pack.path(), r#"WIRE_FAULT = "none""#, r#"WIRE_FAULT = "http10""#);
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "the status line (raw `GET /hello HTTP/1.1`): the status line says HTTP/1.0, expected HTTP/1.1"
    );
}

#[test]
fn a_non_standard_reason_phrase_gets_a_note_and_fails_where_asked() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "reason_case""#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "pass", "{entry:#}");
    assert!(
        prose(&entry).contains("the status line says `200 Ok`; the standard reason phrase for 200 is `OK`"),
        "{entry:#}"
    );
    edit(
        pack.path(),
        "info.toml",
        r#"version = "HTTP/1.1","#,
        r#"version = "HTTP/1.1", reason = "OK","#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "the status line (raw `GET /hello HTTP/1.1`): the status line's reason phrase is `Ok`, expected `OK`"
    );
    assert_eq!(detail(&entry, "reason phrase")["found"], "Ok");
}

#[test]
fn an_encoded_body_is_compared_once_decoded() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "gzip_wrong_text""#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_matches(
        r"^a gzip body, through a client \(GET /gzip/[a-z]{8}\): the body differs from the expected text \(first difference at byte 0: expected [a-z], found w\)$",
        message(&entry),
    );
    let found = detail(&entry, "body")["found"].as_str().unwrap();
    assert!(
        found.starts_with("wrongwrong")
            && found.contains("(after undoing Content-Encoding: gzip; 63 bytes were sent)"),
        "{found}"
    );
}

#[test]
fn a_content_length_of_the_uncompressed_text_is_blamed_on_the_length() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "gzip_length_uncompressed""#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_matches(
        r"^a gzip body, through a client \(GET /gzip/[a-z]{8}\): the body is marked `Content-Encoding: gzip` but its gzip data stops before the end of the compressed stream: Content-Length is 64, the size of the text before compression; it must count the bytes sent, the compressed ones$",
        message(&entry),
    );
    assert!(detail(&entry, "body (encoding)")["expected"] == "gzip data");
}

#[test]
fn a_body_short_of_its_content_length_is_a_framing_failure() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "gzip_short""#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_matches(
        r"^a gzip body, through a client \(GET /gzip/[a-z]{8}\): Content-Length says 97 bytes, but the connection closed after 87$",
        message(&entry),
    );
}

#[test]
fn media_types_compare_without_case_unless_asked_exactly() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "type_case""#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(
        status(&entry),
        "pass",
        "`Text/Plain; Charset=UTF-8` is text/plain; charset=utf-8: {entry:#}"
    );
    edit(
        pack.path(),
        "info.toml",
        r#"expect = { headers = { content-type = "text/plain; charset=utf-8" } }"#,
        r#"expect = { headers_exact = { content-type = "text/plain; charset=utf-8" } }"#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "a media type (GET /hello): header `content-type` is `Text/Plain; Charset=UTF-8`, expected `text/plain; charset=utf-8`"
    );
}

#[test]
fn a_body_without_length_on_a_kept_connection_says_why_it_fails() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "unframed""#,
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "the status line (raw `GET /hello HTTP/1.1`): the response has no Content-Length (nor chunked encoding), so its body ends only when the connection closes — and the server kept it open"
    );
    assert!(
        prose(&entry).contains("a client cannot know where a body with no length ends")
            && prose(&entry).contains("Send `Content-Length: N`")
            && prose(&entry).contains("close the connection after the response"),
        "{entry:#}"
    );
}

#[test]
fn the_http_client_judges_a_body_without_length_as_raw_mode_does() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "unframed""#,
    );
    edit(
        pack.path(),
        "info.toml",
        "raw = \"GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n\"\nexpect = { status = 200, version",
        "path = \"/hello\"\nexpect = { status = 200, version",
    );
    // A minute to wait for the body: the verdict comes from the silence, not the timeout.
    edit(
        pack.path(),
        "info.toml",
        "request_timeout_secs = 0.5\nenv = { WIRE",
        "request_timeout_secs = 60\nenv = { WIRE",
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "the status line (GET /hello): the response has no Content-Length (nor chunked encoding), so its body ends only when the connection closes — and the server kept it open"
    );
    assert!(prose(&entry).contains("a client cannot know where a body with no length ends"));
    assert!(entry["duration_ms"].as_u64().unwrap() < 60_000);
}

#[test]
fn a_wrong_status_fails_at_once_whatever_the_body_does() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"WIRE_FAULT = "none""#,
        r#"WIRE_FAULT = "wrong_status_unframed""#,
    );
    // With a minute to wait for the body, a check that read the body first
    // would report its missing length after that minute; this one reports
    // the status, which the head alone decides.
    edit(
        pack.path(),
        "info.toml",
        "request_timeout_secs = 0.5\nenv = { WIRE",
        "request_timeout_secs = 60\nenv = { WIRE",
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "the status line (raw `GET /hello HTTP/1.1`): expected status 200 OK, got 404 Not Found"
    );
    assert!(entry["duration_ms"].as_u64().unwrap() < 60_000);
    // What arrived of the body is still shown.
    assert!(text(&entry, "response received").ends_with("no hello here"));
}

#[test]
fn an_exchange_may_set_its_own_request_timeout() {
    let pack = pack_copy();
    // The passing run: /slow takes 700 ms, over the exercise's 500 ms, within its own 3 s.
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "pass", "{entry:#}");
    edit(
        pack.path(),
        "info.toml",
        "path = \"/slow\"\nrequest_timeout_secs = 3",
        "path = \"/slow\"\nrequest_timeout_secs = 0.2",
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "timeout");
    assert_eq!(
        message(&entry),
        "a slow answer, with a limit of its own (GET /slow): no response within 200 ms"
    );
}

#[test]
fn regex_classes_are_not_variables_and_doubled_braces_are_literal() {
    let pack = pack_copy();
    // `\p{L}` and `{{id}` are in the passing run's expectations; a class
    // that does not match fails as a regex, not as an unknown variable.
    edit(
        pack.path(),
        "info.toml",
        r"body_regex = '^\p{L}+$'",
        r"body_regex = '^\P{L}+$'",
    );
    let (entry, _) = run(pack.path(), "wire");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        r"the status line (raw `GET /hello HTTP/1.1`): the body does not match /^\P{L}+$/"
    );
}

// ---- the server's side effects, in a folder of the check's own ----

#[test]
fn files_the_server_writes_are_checked_in_a_fresh_folder_given_as_an_argument() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "files");
    assert_eq!(
        (status(&entry), message(&entry)),
        ("pass", "all 3 exchanges passed"),
        "{entry:#}"
    );
    // The folder went to the server as `--directory DIR` and in `env`, and is gone now.
    let output = text(&entry, "your server's output");
    let caps = Regex::new(r"serving (\S+) \(SCRATCH=(\S+)\)")
        .unwrap()
        .captures(output)
        .unwrap();
    assert_eq!(&caps[1], &caps[2]);
    assert!(caps[1].contains("backlings-http-"), "{output}");
    assert!(
        !Path::new(&caps[1]).exists(),
        "the check's folder is removed after it"
    );

    // The same seeded names again, from a server that never writes: a file a
    // previous run wrote cannot make it pass.
    with_fault(
        pack.path(),
        r#"FILES_FAULT = "none""#,
        r#"FILES_FAULT = "no_write""#,
    );
    let (entry, _) = run(pack.path(), "files");
    assert_eq!(status(&entry), "fail");
    assert_matches(
        r"^upload a file \(POST /files/[a-z]{8}\.txt\): the server did not write \{temp_dir\}/[a-z]{8}\.txt \(no such file\)$",
        message(&entry),
    );
    let files = detail(&entry, "files in the check's temporary folder");
    assert_eq!(files["type"], "checklist");
    let items = files["items"].as_array().unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| i["passed"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        [false, true]
    );
    assert_matches(
        r#"^DIR=\$\(mktemp -d\); FILES_FAULT=no_write SCRATCH="\$DIR" PORT=\d+ cargo run --quiet --bin files -- --directory "\$DIR"$"#,
        text(&entry, "try it yourself"),
    );
}

#[test]
fn a_file_expected_gone_must_be_gone() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"FILES_FAULT = "none""#,
        r#"FILES_FAULT = "no_delete""#,
    );
    let (entry, _) = run(pack.path(), "files");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "delete a file (DELETE /files/greeting.txt): the file {temp_dir}/greeting.txt is there; it should not be"
    );
}

// ---- connections: bind and accept, connections opened up front, turns ----

#[test]
fn a_connect_only_exchange_sees_the_server_accept() {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "listen");
    assert_eq!(
        (status(&entry), message(&entry)),
        ("pass", "all 5 exchanges passed"),
        "{entry:#}"
    );
    with_fault(
        pack.path(),
        r#"LISTEN_MODE = "accept""#,
        r#"LISTEN_MODE = "never_accept""#,
    );
    let (entry, _) = run(pack.path(), "listen");
    assert_eq!(status(&entry), "fail");
    assert_eq!(
        message(&entry),
        "bind and accept (connect): the server listens, but did not accept the connection within 500 ms"
    );
    assert!(prose(&entry).contains("call `listener.accept()`"));
}

#[test]
fn a_server_on_ipv6_loopback_only_is_told_so() {
    let pack = pack_copy();
    with_fault(
        pack.path(),
        r#"LISTEN_MODE = "accept""#,
        r#"LISTEN_MODE = "ipv6_only""#,
    );
    let (entry, _) = run(pack.path(), "listen");
    assert_eq!(status(&entry), "error");
    assert_matches(
        r"^your server listens on \[::1\]:(\d+), the IPv6 loopback, only; the checks connect to 127\.0\.0\.1:\d+, where nothing listens$",
        message(&entry),
    );
    assert!(prose(&entry).contains("Bind 127.0.0.1"));
}

/// `turns` with `pattern` set, from a server that serves one connection at a time.
fn one_at_a_time(pattern: &str) -> (TempDir, Value) {
    let pack = pack_copy();
    let (entry, _) = run(pack.path(), "turns");
    assert_eq!(status(&entry), "pass", "{entry:#}");
    edit(
        pack.path(),
        "info.toml",
        r#"pattern = "interleaved""#,
        &format!(r#"pattern = "{pattern}""#),
    );
    let (entry, _) = run(pack.path(), "turns");
    assert_eq!(status(&entry), "pass", "{pattern}, threads: {entry:#}");
    with_fault(
        pack.path(),
        r#"TURNS_MODE = "threads""#,
        r#"TURNS_MODE = "one_at_a_time""#,
    );
    let (entry, _) = run(pack.path(), "turns");
    assert_eq!(status(&entry), "fail");
    (pack, entry)
}

#[test]
fn complete_requests_sent_at_once_catch_a_server_of_one_connection_at_a_time() {
    let (pack, entry) = one_at_a_time("at_once");
    assert_eq!(
        message(&entry),
        "clients taking turns (raw `GET /t HTTP/1.1`): 3 complete requests were sent at once, and connection 3 got no response within 500 ms"
    );
    let command = text(
        &entry,
        "then, in another terminal: clients send whole requests at once",
    );
    require_curl();
    for (mode, answered) in [("one_at_a_time", false), ("threads", true)] {
        let out = replay_against_turns(pack.path(), mode, command);
        assert_eq!(out.contains("turn /t"), answered, "{mode}: {out}");
    }
}

#[test]
fn rounds_on_kept_connections_catch_a_server_of_one_connection_at_a_time() {
    let (_pack, entry) = one_at_a_time("rounds");
    assert_eq!(
        message(&entry),
        "clients taking turns (raw `GET /t HTTP/1.1`): connection 2 got no response within 500 ms while connection 1 stayed open"
    );
}

#[test]
fn the_try_it_yourself_line_reproduces_a_concurrency_failure() {
    let (pack, entry) = one_at_a_time("interleaved");
    assert_eq!(
        message(&entry),
        "clients taking turns (raw `GET /t HTTP/1.1`): with 3 connections open, connection 3 got no response within 500 ms while connections 1 to 2 had not finished sending theirs"
    );
    let command = text(
        &entry,
        "then, in another terminal: one client sends all but the last byte",
    );
    require_curl();
    // The same line against the same server started by hand: the last client
    // gets no answer; against a server with a thread per connection, it does.
    for (mode, answered) in [("one_at_a_time", false), ("threads", true)] {
        let out = replay_against_turns(pack.path(), mode, command);
        assert_eq!(out.contains("turn /t"), answered, "{mode}: {out}");
    }
}

fn replay_against_turns(pack: &Path, mode: &str, command: &str) -> String {
    let port = Regex::new(r"127\.0\.0\.1:(\d+)")
        .unwrap()
        .captures(command)
        .unwrap()[1]
        .to_string();
    let mut server = Command::new(pack.join("exercises/target/debug/turns"))
        .env("PORT", &port)
        .env("TURNS_MODE", mode)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    // Wait until it listens, without a connection it would have to serve
    // (a probe would hold the one-at-a-time server): its socket in /proc.
    while !listens_on(server.id(), port.parse().unwrap()) {
        assert!(
            Instant::now() < deadline,
            "the server did not start for the replay"
        );
        thread::sleep(Duration::from_millis(10));
    }
    // Only the last client's answer is kept: the holders' output is discarded.
    let last_only = command.replacen(" & ", " >/dev/null & ", 2);
    let out = Command::new("sh").args(["-c", &last_only]).output().unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Does process `pid` own a listening socket on `port` (from /proc/net/tcp)?
fn listens_on(pid: u32, port: u16) -> bool {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| {
            fds.flatten()
                .filter_map(|fd| {
                    let link = std::fs::read_link(fd.path()).ok()?;
                    Some(
                        link.to_str()?
                            .strip_prefix("socket:[")?
                            .strip_suffix(']')?
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table.lines().skip(1).any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() > 9
            && f[3] == "0A"
            && f[1].ends_with(&format!(":{port:04X}"))
            && inodes.iter().any(|i| i == f[9])
    })
}
