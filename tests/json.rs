//! The `--json` document is an interface (docs/json.md): this pins it on a
//! fixture pack with a pass, a wrong answer, a syntax error and untouched
//! starters. When a change to it is intended, regenerate the snapshot with
//! `BACKLINGS_BLESS=1 cargo test --test json` and review the diff.

mod common;

use std::fs;
use std::path::Path;

use common::{backlings, pack_copy, solve};
use serde_json::Value;

const SNAPSHOT: &str = "tests/snapshots/check_sql.json";

#[test]
fn check_json_is_the_documented_document() {
    let pack = pack_copy("sql");
    solve(pack.path(), "exercises/databases/count_products.sql");
    fs::write(
        pack.path().join("exercises/databases/products_by_price.sql"),
        "SELECT name, price FROM products ORDER BY price;\n",
    )
    .unwrap();
    fs::write(
        pack.path().join("exercises/databases/big_spenders.sql"),
        "SELECT name FROM customers WHERE;\n",
    )
    .unwrap();
    let out = backlings(pack.path()).args(["check", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "something failed: exit 1");
    let mut doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    // Durations are the machine's, not the document's.
    for entry in doc["exercises"].as_array_mut().unwrap() {
        assert!(entry["duration_ms"].is_u64(), "{entry}");
        entry["duration_ms"] = Value::from(0);
    }
    let actual = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    if std::env::var_os("BACKLINGS_BLESS").is_some() {
        fs::write(&path, &actual).unwrap();
        eprintln!("wrote {SNAPSHOT}");
        return;
    }
    let expected =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{SNAPSHOT}: {e} (BACKLINGS_BLESS=1 writes it)"));
    if actual != expected {
        let diff = changed_lines(&expected, &actual);
        panic!(
            "`check --json` differs from {SNAPSHOT} (BACKLINGS_BLESS=1 rewrites it after review):\n{diff}"
        );
    }
}

#[test]
fn every_entry_has_the_documented_fields() {
    let pack = pack_copy("sql");
    let out = backlings(pack.path()).args(["check", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    for entry in doc["exercises"].as_array().unwrap() {
        for field in [
            "name",
            "stage",
            "kind",
            "status",
            "duration_ms",
            "message",
            "details",
        ] {
            assert!(entry.get(field).is_some(), "`{field}` missing in {entry}");
        }
        let status = entry["status"].as_str().unwrap();
        assert!(["pass", "fail", "error", "timeout"].contains(&status), "{status}");
    }
    let summary = &doc["summary"];
    assert_eq!(
        summary["total"].as_u64().unwrap(),
        summary["passed"].as_u64().unwrap() + summary["failed"].as_u64().unwrap()
    );
}

/// The lines that differ, marked `-` (snapshot) and `+` (now).
fn changed_lines(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for i in 0..expected.len().max(actual.len()) {
        let (e, a) = (expected.get(i), actual.get(i));
        if e != a {
            if let Some(e) = e {
                out.push_str(&format!("{:>4} - {e}\n", i + 1));
            }
            if let Some(a) = a {
                out.push_str(&format!("{:>4} + {a}\n", i + 1));
            }
        }
    }
    out
}
