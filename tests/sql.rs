//! The sql kind, end to end: the real binary over the fixture pack in
//! tests/fixtures/sql (copied to a temporary folder for each test, through
//! the shared harness in tests/common). For each comparison rule and each
//! point of issues 13 and 11.6, a passing and a failing answer.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

struct Pack {
    dir: TempDir,
}

/// A table cell as JSON shows it: (text, wrong).
type Cell = (String, bool);
/// A table row: (mark, cells).
type Row = (String, Vec<Cell>);

/// One exercise's verdict from `run NAME --json`, and the exit code.
struct Verdict {
    code: i32,
    entry: Value,
}

impl Verdict {
    fn status(&self) -> &str {
        self.entry["status"].as_str().unwrap()
    }

    fn message(&self) -> &str {
        self.entry["message"].as_str().unwrap()
    }

    fn details(&self) -> String {
        self.entry["details"].to_string()
    }

    fn assert_pass(&self) {
        assert_eq!(
            (self.status(), self.code),
            ("pass", 0),
            "{}: {}",
            self.message(),
            self.details()
        );
    }

    fn assert_fail(&self) {
        assert_eq!((self.status(), self.code), ("fail", 1), "{}", self.message());
    }

    /// The first table detail: (columns, rows as (mark, [(text, wrong)])).
    fn table(&self) -> (Vec<String>, Vec<Row>) {
        let table = self.entry["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["type"] == "table")
            .unwrap_or_else(|| panic!("no table in {}", self.details()));
        let columns = table["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        let rows = table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                let cells = row["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        (
                            c["text"].as_str().unwrap().to_string(),
                            c["wrong"].as_bool().unwrap(),
                        )
                    })
                    .collect();
                (row["mark"].as_str().unwrap().to_string(), cells)
            })
            .collect();
        (columns, rows)
    }
}

impl Pack {
    fn new() -> Pack {
        Pack {
            dir: common::pack_copy("sql"),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn answer(&self, exercise: &str, sql: &str) -> &Self {
        fs::write(self.path(&format!("exercises/databases/{exercise}.sql")), sql).unwrap();
        self
    }

    fn solution(&self, exercise: &str) -> String {
        fs::read_to_string(self.path(&format!("solutions/databases/{exercise}.sql"))).unwrap()
    }

    fn command(&self) -> Command {
        common::backlings(self.dir.path())
    }

    fn run(&self, exercise: &str) -> Verdict {
        let output = self.command().args(["run", exercise, "--json"]).output().unwrap();
        let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        Verdict {
            code: output.status.code().unwrap(),
            entry: json["exercises"][0].clone(),
        }
    }

    /// `run NAME` as a learner sees it.
    fn run_text(&self, exercise: &str) -> String {
        let output = self.command().args(["run", exercise]).output().unwrap();
        String::from_utf8(output.stdout).unwrap()
    }

    fn run_solution(&self, exercise: &str) -> Verdict {
        self.answer(exercise, &self.solution(exercise));
        self.run(exercise)
    }
}

// ---- ordering rules

#[test]
fn ordered_fails_without_order_by_and_passes_with_it() {
    let pack = Pack::new();
    let verdict = pack
        .answer("products_by_price", "SELECT name, price FROM products;")
        .run("products_by_price");
    verdict.assert_fail();
    assert!(
        verdict.message().contains("the rows are right but"),
        "{}",
        verdict.message()
    );
    assert!(verdict.details().contains("has no ORDER BY"));
    let (columns, rows) = verdict.table();
    assert_eq!(columns[..2], ["#", "belongs at"]);
    // The first row found is the Keyboard, whose place is third.
    assert_eq!(rows[0].1[1], ("3".to_string(), true));

    let reversed = pack
        .answer(
            "products_by_price",
            "SELECT name, price FROM products ORDER BY price ASC, name DESC;",
        )
        .run("products_by_price");
    reversed.assert_fail();
    assert!(
        reversed.message().contains("reverse order"),
        "{}",
        reversed.message()
    );

    pack.run_solution("products_by_price").assert_pass();
}

#[test]
fn unordered_takes_any_order_but_counts_duplicates() {
    let pack = Pack::new();
    let any_order = pack
        .answer(
            "customer_per_order",
            "SELECT c.name FROM orders AS o JOIN customers AS c ON c.id = o.customer_id ORDER BY c.name DESC;",
        )
        .run("customer_per_order");
    any_order.assert_pass();

    let distinct = pack
        .answer(
            "customer_per_order",
            "SELECT DISTINCT c.name FROM orders AS o JOIN customers AS c ON c.id = o.customer_id;",
        )
        .run("customer_per_order");
    distinct.assert_fail();
    assert_eq!(distinct.message(), "2 rows missing (5 rows instead of 7)");
    let (_, rows) = distinct.table();
    let missing: Vec<&str> = rows
        .iter()
        .filter(|(mark, _)| mark == "missing")
        .map(|(_, cells)| cells[0].0.as_str())
        .collect();
    assert_eq!(missing, ["Ada", "Grace"]);
}

#[test]
fn key_order_lets_ties_come_in_any_order() {
    let pack = Pack::new();
    // The reference sorts by city only; sorting ties by name, backwards, is fine.
    pack.answer(
        "customers_by_city",
        "SELECT city, name FROM customers ORDER BY city, name DESC;",
    )
    .run("customers_by_city")
    .assert_pass();

    let by_name = pack
        .answer(
            "customers_by_city",
            "SELECT city, name FROM customers ORDER BY name;",
        )
        .run("customers_by_city");
    by_name.assert_fail();
    assert!(
        by_name.message().contains("out of order"),
        "{}",
        by_name.message()
    );
    assert!(by_name.details().contains("sorted by column 1 (`city`)"));
    // Ada lives in London, whose two customers take places 4 and 5.
    let (_, rows) = by_name.table();
    assert_eq!(rows[0].1[1], ("4–5".to_string(), true));
    assert_eq!(rows[0].1[3].0, "Ada");
}

// ---- cell rules

#[test]
fn null_is_not_empty_text() {
    let pack = Pack::new();
    let verdict = pack
        .answer("phone_book", "SELECT name, phone FROM customers;")
        .run("phone_book");
    verdict.assert_fail();
    assert_eq!(verdict.message(), "1 row with a wrong value in `phone`");
    let (_, rows) = verdict.table();
    let changed: Vec<_> = rows.iter().filter(|(mark, _)| mark == "changed").collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].1[0], ("Linus".to_string(), false));
    assert_eq!(changed[0].1[1], ("'' (expected NULL)".to_string(), true));
    assert!(verdict.details().contains("neither '' nor 0"));

    pack.run_solution("phone_book").assert_pass();
}

#[test]
fn numbers_are_equal_within_the_tolerance() {
    let pack = Pack::new();
    pack.answer(
        "average_price",
        "SELECT category, AVG(price) + 1e-12 FROM products GROUP BY category;",
    )
    .run("average_price")
    .assert_pass();

    let rounded = pack
        .answer(
            "average_price",
            "SELECT category, ROUND(AVG(price), 2) AS avg FROM products GROUP BY category;",
        )
        .run("average_price");
    rounded.assert_fail();
    assert_eq!(rounded.message(), "1 row with a wrong value in `avg`");
    let (_, rows) = rounded.table();
    let hardware = rows.iter().find(|(_, cells)| cells[0].0 == "hardware").unwrap();
    assert_eq!(hardware.0, "changed");
    assert!(hardware.1[1].1);
    assert!(
        hardware.1[1].0.ends_with("(expected 77.175)"),
        "{:?}",
        hardware.1[1]
    );
}

#[test]
fn integer_equals_real_unless_types_are_exact() {
    let pack = Pack::new();
    pack.answer("count_products", "SELECT count(*) * 1.0 FROM products;")
        .run("count_products")
        .assert_pass();

    let total = pack
        .answer(
            "units_per_order",
            "SELECT order_id, TOTAL(quantity) FROM order_items GROUP BY order_id;",
        )
        .run("units_per_order");
    total.assert_fail();
    assert!(total.details().contains("compares types exactly"));
    let (_, rows) = total.table();
    assert_eq!(rows[0].1[1], ("2.0 (expected 2)".to_string(), true));
    pack.run_solution("units_per_order").assert_pass();
}

// ---- column rules

#[test]
fn column_names_count_only_when_the_exercise_says_so() {
    let pack = Pack::new();
    let unnamed = pack
        .answer("customer_contacts", "SELECT name, email FROM customers;")
        .run("customer_contacts");
    unnamed.assert_fail();
    assert_eq!(
        unnamed.message(),
        "column names differ: `name` should be `customer`, `email` should be `contact`"
    );
    pack.answer(
        "customer_contacts",
        "SELECT name AS Customer, email AS CONTACT FROM customers;",
    )
    .run("customer_contacts")
    .assert_pass();

    // Names are ignored by default.
    pack.answer("count_products", "SELECT count(*) AS how_many FROM products;")
        .run("count_products")
        .assert_pass();
}

#[test]
fn a_wrong_column_count_names_both_shapes_without_giving_the_answer_away() {
    let pack = Pack::new();
    let star = pack
        .answer("big_spenders", "SELECT * FROM customers;")
        .run("big_spenders");
    star.assert_fail();
    assert_eq!(
        star.message(),
        "your query returns 5 columns where the answer has 2"
    );
    let details = star.details();
    assert!(details.contains("\"expected\":\"2 columns\""), "{details}");
    assert!(
        details.contains("5 columns: id, name, email, city, phone"),
        "{details}"
    );
    assert!(!details.contains("SUM("), "{details}");
}

// ---- the hidden fixture

#[test]
fn a_hard_coded_answer_is_caught_by_the_hidden_fixture() {
    let pack = Pack::new();
    let copied = pack
        .answer(
            "big_spenders",
            "-- copied from what the shop shows\nSELECT 'Grace', 268.7 UNION ALL SELECT 'Ada', 94.4 UNION ALL SELECT 'Linus', 69.7 ORDER BY 2 DESC;",
        )
        .run("big_spenders");
    copied.assert_fail();
    assert!(
        copied
            .message()
            .starts_with("on the hidden data set: 3 rows missing, 3 extra rows"),
        "{}",
        copied.message()
    );
    assert!(copied.details().contains("depends on the visible data"));

    let solved = pack.run_solution("big_spenders");
    solved.assert_pass();
    assert_eq!(
        solved.message(),
        "3 rows match the answer, in order, on the hidden data set too"
    );
}

// ---- a clean database for every check

#[test]
fn drop_table_then_a_clean_next_check() {
    let pack = Pack::new();
    let fixture = fs::read(pack.path("data/shop.sql")).unwrap();
    let dropped = pack
        .answer("restock", "DROP TABLE order_items;\nDROP TABLE products;")
        .run("restock");
    dropped.assert_fail();
    assert_eq!(
        dropped.message(),
        "table `products` no longer exists after your statements"
    );

    let deleted = pack
        .answer("restock", "DELETE FROM order_items; DELETE FROM products;")
        .run("restock");
    deleted.assert_fail();
    assert!(
        deleted.message().starts_with("table `products`: it is empty"),
        "{}",
        deleted.message()
    );

    pack.run_solution("restock").assert_pass();
    assert_eq!(
        fs::read(pack.path("data/shop.sql")).unwrap(),
        fixture,
        "the fixture was changed"
    );
}

#[test]
fn statements_are_judged_by_the_tables_they_leave() {
    let pack = Pack::new();
    let everything = pack
        .answer("restock", "UPDATE products SET stock = stock + 10;")
        .run("restock");
    everything.assert_fail();
    assert_eq!(
        everything.message(),
        "table `products`: 4 rows with a wrong value in `stock`"
    );
    let (columns, rows) = everything.table();
    assert_eq!(columns, ["id", "name", "category", "price", "stock"]);
    let keyboard = rows.iter().find(|(_, cells)| cells[1].0 == "Keyboard").unwrap();
    assert_eq!(keyboard.1[4], ("22 (expected 12)".to_string(), true));

    let by_id = pack
        .answer(
            "restock",
            "UPDATE products SET stock = stock + 10 WHERE id IN (2, 3, 5, 7);",
        )
        .run("restock");
    by_id.assert_fail();
    assert!(
        by_id
            .message()
            .starts_with("on the hidden data set, table `products`:"),
        "{}",
        by_id.message()
    );

    let uncommitted = pack
        .answer(
            "restock",
            "BEGIN;\nUPDATE products SET stock = stock + 10 WHERE stock < 5;",
        )
        .run("restock");
    uncommitted.assert_fail();
    assert!(uncommitted.details().contains("never ends"));
}

// ---- runaways, errors, files

#[test]
fn a_runaway_query_is_stopped_at_the_time_limit_and_the_next_check_works() {
    let pack = Pack::new();
    let endless = pack
        .answer(
            "count_products",
            "-- count forever\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)\nSELECT count(*) FROM n;",
        )
        .run("count_products");
    assert_eq!(
        (endless.status(), endless.code),
        ("timeout", 1),
        "{}",
        endless.message()
    );
    assert!(
        endless.message().starts_with(
            "exercises/databases/count_products.sql:2:1: still running at the time limit of 500 ms"
        ),
        "{}",
        endless.message()
    );
    assert!(endless.details().contains("WITH RECURSIVE n(i)"));

    pack.run_solution("count_products").assert_pass();
}

#[test]
fn a_join_that_explodes_is_cut_off() {
    let pack = Pack::new();
    let cross = pack
        .answer(
            "count_products",
            "SELECT * FROM products a, products b, products c, products d, products e, products f;",
        )
        .run("count_products");
    assert_ne!(cross.status(), "pass");
    assert_eq!(cross.code, 1);
    let stopped = cross.message().contains("returns too much") || cross.status() == "timeout";
    assert!(stopped, "{}", cross.message());
}

#[test]
fn a_syntax_error_shows_sqlites_message_and_the_line() {
    let pack = Pack::new();
    let verdict = pack
        .answer(
            "count_products",
            "-- How many?\n\nSELECT 1;\nSELECT count(*) FROM products WHERE;\n",
        )
        .run("count_products");
    verdict.assert_fail();
    assert_eq!(
        verdict.message(),
        "exercises/databases/count_products.sql:4:36: near \";\": syntax error"
    );
    let excerpt = verdict.entry["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["type"] == "excerpt")
        .unwrap_or_else(|| panic!("no excerpt in {}", verdict.details()));
    assert_eq!(excerpt["text"], "SELECT count(*) FROM products WHERE;");
    assert_eq!(
        (excerpt["line"].as_u64(), excerpt["column"].as_u64()),
        (Some(4), Some(36))
    );
    let text = pack.run_text("count_products");
    assert!(
        text.contains("4 │ SELECT count(*) FROM products WHERE;"),
        "{text}"
    );
    assert!(text.contains("                                   ^"), "{text}");

    let shell = pack
        .answer("count_products", ".tables\nSELECT count(*) FROM products;")
        .run("count_products");
    shell.assert_fail();
    assert!(
        shell
            .message()
            .starts_with("exercises/databases/count_products.sql:1:1: "),
        "{}",
        shell.message()
    );
    assert!(shell.details().contains("sqlite3 shell"));
}

#[test]
fn a_runtime_error_points_at_its_statement() {
    let pack = Pack::new();
    let verdict = pack
        .answer(
            "restock",
            "UPDATE products SET stock = stock + 10 WHERE stock < 5;\nUPDATE products SET price = -1;",
        )
        .run("restock");
    verdict.assert_fail();
    assert_eq!(
        verdict.message(),
        "exercises/databases/restock.sql:2:1: CHECK constraint failed: price >= 0"
    );
}

#[test]
fn an_empty_file_or_the_starter_comment_reads_as_not_started() {
    let pack = Pack::new();
    let starter = pack.run("big_spenders");
    starter.assert_fail();
    assert_eq!(
        starter.message(),
        "not started: exercises/databases/big_spenders.sql holds no SQL statement yet"
    );
    let empty = pack.answer("big_spenders", "").run("big_spenders");
    empty.assert_fail();
    assert!(empty.message().starts_with("not started"));
}

#[test]
fn several_statements_and_comments_in_one_file() {
    let pack = Pack::new();
    pack.answer(
        "count_products",
        "-- count through a view; the last SELECT is the answer\n\
         CREATE TEMP VIEW v AS SELECT * FROM products; /* a comment; with a semicolon */\n\
         SELECT 'not the answer';\n\
         SELECT count(*) FROM v -- no semicolon at the end",
    )
    .run("count_products")
    .assert_pass();

    let no_select = pack
        .answer("count_products", "CREATE TEMP VIEW v AS SELECT * FROM products;")
        .run("count_products");
    no_select.assert_fail();
    assert!(
        no_select
            .message()
            .starts_with("none of your statements returns rows")
    );
}

// ---- expects

#[test]
fn index_and_plan_checks() {
    let pack = Pack::new();
    let wrong_column = pack
        .answer(
            "orders_index",
            "CREATE INDEX idx_orders_customer ON orders (placed_on);",
        )
        .run("orders_index");
    wrong_column.assert_fail();
    assert!(
        wrong_column
            .message()
            .starts_with("SQLite would not use index `idx_orders_customer`"),
        "{}",
        wrong_column.message()
    );
    assert!(wrong_column.details().contains("SCAN orders"));

    let unnamed = pack
        .answer(
            "orders_index",
            "CREATE INDEX by_customer ON orders (customer_id);",
        )
        .run("orders_index");
    unnamed.assert_fail();
    assert_eq!(unnamed.message(), "there is no index named `idx_orders_customer`");
    assert!(unnamed.details().contains("by_customer on orders (customer_id)"));

    let solved = pack.run_solution("orders_index");
    solved.assert_pass();
    assert_eq!(solved.message(), "2 checks pass");
}

#[test]
fn constraint_checks_reject_bad_rows_and_accept_good_ones() {
    let pack = Pack::new();
    let lax = pack
        .answer(
            "users_table",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);",
        )
        .run("users_table");
    lax.assert_fail();
    assert!(
        lax.message().ends_with(
            "('ada@example.com'), ('ada@example.com')` was accepted; a constraint should reject it"
        ),
        "{}",
        lax.message()
    );

    let strict = pack
        .answer(
            "users_table",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE CHECK (email LIKE '%@nowhere'));",
        )
        .run("users_table");
    strict.assert_fail();
    assert!(
        strict.message().contains("should be accepted"),
        "{}",
        strict.message()
    );

    let renamed = pack
        .answer(
            "users_table",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT NOT NULL UNIQUE);",
        )
        .run("users_table");
    renamed.assert_fail();
    assert!(
        renamed.message().contains("`mail` should be `email`"),
        "{}",
        renamed.message()
    );

    pack.run_solution("users_table").assert_pass();
}

#[test]
fn a_transfer_must_leave_no_partial_write() {
    let pack = Pack::new();
    let bare = pack
        .answer(
            "transfer",
            "UPDATE accounts SET balance = balance - 100 WHERE id = 1;\nUPDATE accounts SET balance = balance + 100 WHERE id = 2;",
        )
        .run("transfer");
    bare.assert_fail();
    assert_eq!(
        bare.message(),
        "when line 2 fails (account 2 is frozen), your statements leave a partial write in `accounts`"
    );
    let (_, rows) = bare.table();
    let ada = rows.iter().find(|(_, cells)| cells[1].0 == "Ada").unwrap();
    assert_eq!(ada.1[2], ("400 (expected 500)".to_string(), true));

    pack.run_solution("transfer").assert_pass();
}

// ---- the pack's own mistakes

#[test]
fn spec_mistakes_point_at_info_toml() {
    let pack = Pack::new();
    let info = fs::read_to_string(pack.path("info.toml")).unwrap();
    let broken = info
        .replacen("order = { by = [2] }", "order = { by = [0] }", 1)
        .replacen(
            "fixture = \"data/shop.sql\"\nhidden_fixture",
            "fixture = \"data/nope.sql\"\nhidden_fixture",
            1,
        )
        .replacen(
            "order = \"unordered\"",
            "order = \"unordered\"\ntables = [\"orders\"]",
            1,
        );
    fs::write(pack.path("info.toml"), broken).unwrap();
    let output = pack.command().arg("list").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("`data/nope.sql` does not exist"), "{stderr}");
    assert!(
        stderr.contains("`order.by` needs distinct column positions"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`tables` is only read in statements mode"),
        "{stderr}"
    );
    assert!(stderr.contains("info.toml:"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");

    fs::write(
        pack.path("info.toml"),
        info.replacen("exact_types = true", "exact_type = true", 1),
    )
    .unwrap();
    let output = pack.command().arg("list").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("exact_type"), "{stderr}");
}

// ---- nothing is written to disk (issue 11, point 6)

#[test]
fn attach_of_a_file_and_vacuum_into_are_refused_and_write_nothing() {
    let pack = Pack::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("leak.db");
    for sql in [
        format!(
            "ATTACH DATABASE '{}' AS leak;\nSELECT count(*) FROM products;",
            target.display()
        ),
        "ATTACH 'relative.db' AS leak;\nSELECT count(*) FROM products;".to_string(),
        format!(
            "VACUUM INTO '{}';\nSELECT count(*) FROM products;",
            target.display()
        ),
    ] {
        let verdict = pack.answer("count_products", &sql).run("count_products");
        verdict.assert_fail();
        assert!(
            verdict
                .message()
                .contains("is refused: a check never writes a file"),
            "{sql}: {}",
            verdict.message()
        );
    }
    assert!(
        !target.exists(),
        "ATTACH or VACUUM INTO wrote {}",
        target.display()
    );
    assert!(!pack.path("relative.db").exists());
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("relative.db").exists());

    // An in-memory schema is fine.
    pack.answer(
        "count_products",
        "ATTACH ':memory:' AS scratch;\nCREATE TABLE scratch.n AS SELECT count(*) AS n FROM products;\nSELECT n FROM scratch.n;",
    )
    .run("count_products")
    .assert_pass();
}

#[test]
fn a_huge_line_is_not_echoed_whole() {
    let pack = Pack::new();
    let huge = format!(
        "SELECT count(*) FROM products WHERE name IN ('{}') FORM;",
        "x".repeat(2_000_000)
    );
    let verdict = pack.answer("count_products", &huge).run("count_products");
    verdict.assert_fail();
    let details = verdict.details();
    assert!(details.len() < 4_000, "{} bytes of details", details.len());
    assert!(details.contains("FORM"), "{details}");
    let text = pack.run_text("count_products");
    assert!(text.len() < 4_000, "{} bytes printed", text.len());

    let slow = format!(
        "-- {}\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)\nSELECT count(*) FROM n WHERE '{}' <> '';",
        "c".repeat(100),
        "y".repeat(1_000_000)
    );
    let endless = pack.answer("count_products", &slow).run("count_products");
    assert_eq!(endless.status(), "timeout", "{}", endless.message());
    assert!(
        endless.details().len() < 4_000,
        "{} bytes",
        endless.details().len()
    );
}

// ---- an order must be the query's doing (issue 13, point 1)

#[test]
fn an_order_that_only_happens_to_match_fails() {
    let pack = Pack::new();
    // Keyboard and Webcam cost the same: SQLite's reading order puts them
    // in the answer's order, the query does not.
    let ties = pack
        .answer(
            "products_by_price",
            "SELECT name, price FROM products ORDER BY price DESC;",
        )
        .run("products_by_price");
    ties.assert_fail();
    assert_eq!(
        ties.message(),
        "rows 3 and 4 tie on your ORDER BY (`price` = 49.9): their order is left to chance"
    );
    assert!(ties.details().contains("breaks the tie"), "{}", ties.details());
    // A key outside the select list is looked up too.
    let by_stock = pack
        .answer(
            "products_by_price",
            "SELECT name, price FROM products ORDER BY price DESC, stock > 100;",
        )
        .run("products_by_price");
    by_stock.assert_fail();
    assert!(
        by_stock.message().contains("`stock > 100` = 0"),
        "{}",
        by_stock.message()
    );

    let nested = pack
        .answer(
            "products_by_price",
            "SELECT * FROM (SELECT name, price FROM products ORDER BY price DESC, name);",
        )
        .run("products_by_price");
    nested.assert_fail();
    assert_eq!(
        nested.message(),
        "the rows are in the right order only by chance: your query has no ORDER BY"
    );

    // SQL the parser does not read (postfix ISNULL) is still run a second
    // time with SQLite's reading order reversed.
    let copied = pack
        .answer(
            "products_by_price",
            "CREATE TEMP TABLE sorted AS SELECT name, price FROM products ORDER BY price DESC, name;\n\
             SELECT name, price FROM sorted WHERE NOT name ISNULL;",
        )
        .run("products_by_price");
    copied.assert_fail();
    assert!(
        copied
            .message()
            .starts_with("your query leaves the order to chance"),
        "{}",
        copied.message()
    );
    assert!(
        copied.details().contains("reverse_unordered_selects"),
        "{}",
        copied.details()
    );

    // Any ORDER BY that fixes the order passes, however it is written.
    pack.answer(
        "products_by_price",
        "SELECT name, price FROM products ORDER BY 2 DESC, 1 ASC;",
    )
    .run("products_by_price")
    .assert_pass();
    // Unordered exercises take any order.
    pack.answer("count_products", "SELECT count(*) FROM products;")
        .run("count_products")
        .assert_pass();
}

#[test]
fn dev_check_refuses_a_reference_whose_order_is_left_to_chance() {
    let pack = Pack::new();
    let output = pack.command().args(["dev", "check", "--json"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    fs::write(
        pack.path("solutions/databases/products_by_price.sql"),
        "SELECT name, price FROM products ORDER BY price DESC;",
    )
    .unwrap();
    let output = pack.command().args(["dev", "check", "--json"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("leaves rows 3 and 4 of its result on data/shop.sql in either order"),
        "{stdout}"
    );
}

// ---- SQLite's leniency (issue 13, point 3)

#[test]
fn a_column_neither_grouped_nor_aggregated_fails_even_when_the_rows_match() {
    let pack = Pack::new();
    let bare = pack
        .answer(
            "big_spenders",
            "SELECT c.name, SUM(i.quantity * p.price) AS total FROM customers c JOIN orders o ON o.customer_id = c.id \
             JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id \
             GROUP BY o.customer_id HAVING total > 50 ORDER BY total DESC;",
        )
        .run("big_spenders");
    bare.assert_fail();
    assert_eq!(
        bare.message(),
        "`c.name` is neither grouped nor aggregated: SQLite picks some row for it; other databases refuse this query"
    );
    assert!(bare.details().contains("GROUP BY"), "{}", bare.details());

    // Grouped by the customer's key, the name is determined: PostgreSQL accepts it too.
    pack.run_solution("big_spenders").assert_pass();
    pack.answer(
        "big_spenders",
        "SELECT c.name, SUM(i.quantity * p.price) AS total FROM customers c JOIN orders o ON o.customer_id = c.id \
         JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id \
         GROUP BY c.id, c.name HAVING total > 50 ORDER BY total DESC;",
    )
    .run("big_spenders")
    .assert_pass();

    // Beside a wrong result it is a note.
    let wrong = pack
        .answer("average_price", "SELECT category, AVG(price) FROM products;")
        .run("average_price");
    wrong.assert_fail();
    assert!(
        wrong
            .details()
            .contains("Also, `category` is neither grouped nor aggregated"),
        "{}",
        wrong.details()
    );
}

// ---- `tables` must name tables there are (issue 13, point 2)

#[test]
fn a_table_in_an_attached_schema_is_compared() {
    let pack = Pack::new();
    pack.run_solution("club_prices").assert_pass();
    let everywhere = pack
        .answer(
            "club_prices",
            "UPDATE cd.facilities SET membercost = guestcost / 10;",
        )
        .run("club_prices");
    everywhere.assert_fail();
    assert_eq!(
        everywhere.message(),
        "table `cd.facilities`: 2 rows with a wrong value in `membercost`"
    );
    let dropped = pack
        .answer("club_prices", "DROP TABLE cd.facilities;")
        .run("club_prices");
    dropped.assert_fail();
    assert_eq!(
        dropped.message(),
        "table `cd.facilities` no longer exists after your statements"
    );
}

#[test]
fn a_tables_entry_naming_no_table_is_refused_at_its_place() {
    let pack = Pack::new();
    let info = fs::read_to_string(pack.path("info.toml")).unwrap();
    fs::write(
        pack.path("info.toml"),
        info.replacen(
            "tables = [\"cd.facilities\"]",
            "tables = [\"facilities\", \"cd.facilitys\"]",
            1,
        ),
    )
    .unwrap();
    let line = info
        .lines()
        .position(|l| l.starts_with("tables = [\"cd.facilities\"]"))
        .unwrap()
        + 1;
    for args in [&["list"][..], &["dev", "check"][..]] {
        let output = pack.command().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        // `list` refuses to load; `dev check` reports it with the rest, on stdout.
        let stderr = format!(
            "{}{}",
            String::from_utf8(output.stderr).unwrap(),
            String::from_utf8(output.stdout).unwrap()
        );
        assert!(
            stderr.contains(&format!("info.toml:{line}:25:")),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains(
                "`tables` names `cd.facilitys`, which neither the fixture nor the solution creates"
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains("`cd.facilities`"),
            "the help names the tables there are: {stderr}"
        );
        // A bare name finds the table in the attached schema, as SQLite does.
        assert!(!stderr.contains("names `facilities`"), "{stderr}");
    }
}

#[test]
fn a_table_that_exists_nowhere_at_run_time_is_the_packs_error() {
    let pack = Pack::new();
    // The loader sees a CREATE TABLE; only running shows that it is gone again.
    fs::write(
        pack.path("solutions/databases/restock.sql"),
        "UPDATE products SET stock = stock + 10 WHERE stock < 5;\nCREATE TABLE audit (a);\nDROP TABLE audit;",
    )
    .unwrap();
    let info = fs::read_to_string(pack.path("info.toml")).unwrap();
    fs::write(
        pack.path("info.toml"),
        info.replacen("tables = [\"products\"]", "tables = [\"products\", \"audit\"]", 1),
    )
    .unwrap();
    let verdict = pack
        .answer("restock", "DROP TABLE order_items; DROP TABLE products;")
        .run("restock");
    assert_eq!(
        (verdict.status(), verdict.code),
        ("error", 1),
        "{}",
        verdict.message()
    );
    assert!(
        verdict.message().contains(
            "`tables` names `audit`, which exists neither in data/shop.sql nor after the reference solution"
        ),
        "{}",
        verdict.message()
    );
    assert!(
        verdict.message().starts_with("info.toml:"),
        "{}",
        verdict.message()
    );
}

// ---- PostgreSQL and MySQL habits, text versus number (issue 13, point 4)

#[test]
fn postgresql_and_mysql_habits_get_the_sqlite_way() {
    let pack = Pack::new();
    for (sql, construct, way) in [
        (
            "SELECT count(*)::int FROM products;",
            "`x::type`",
            "CAST(x AS INTEGER)",
        ),
        (
            "SELECT count(*) FROM products WHERE name ILIKE '%';",
            "ILIKE",
            "LIKE, which ignores the case",
        ),
        (
            "SELECT DISTINCT ON (category) count(*) FROM products;",
            "DISTINCT ON",
            "row_number() OVER",
        ),
        (
            "SELECT count(*) FROM orders GROUP BY date_trunc('month', placed_on);",
            "date_trunc",
            "start of month",
        ),
        (
            "SELECT count(*) FROM orders WHERE EXTRACT(YEAR FROM placed_on) = 2026;",
            "EXTRACT",
            "strftime('%Y', d)",
        ),
        (
            "SELECT count(*) FROM generate_series(1, 8);",
            "generate_series",
            "WITH RECURSIVE",
        ),
        ("SELECT count(*) FROM products WHERE name ~ '^M';", "`~`", "GLOB"),
    ] {
        let verdict = pack.answer("count_products", sql).run("count_products");
        verdict.assert_fail();
        let details = verdict.details();
        assert!(
            details.contains(&format!("SQLite does not know {construct}")) && details.contains(way),
            "{sql}: {details}"
        );
    }
    // The SQLite ways pass.
    for sql in [
        "SELECT CAST(count(*) AS INTEGER) FROM products;",
        "SELECT count(*) FROM products WHERE name LIKE '%';",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8) SELECT count(*) FROM n \
         JOIN products ON products.id = n.i;",
    ] {
        pack.answer("count_products", sql)
            .run("count_products")
            .assert_pass();
    }
    // A plain syntax error gets no habit note.
    let typo = pack
        .answer("count_products", "SELECT count(*) FORM products;")
        .run("count_products");
    typo.assert_fail();
    assert!(
        !typo.details().contains("SQLite does not know"),
        "{}",
        typo.details()
    );
}

#[test]
fn text_versus_number_is_named_with_the_cast() {
    let pack = Pack::new();
    let text = pack
        .answer(
            "order_month",
            "SELECT id, strftime('%m', placed_on) AS month FROM orders;",
        )
        .run("order_month");
    text.assert_fail();
    assert!(
        text.details().contains(
            "Text versus number: your `month` holds the text '01' where the answer has the number 1"
        ),
        "{}",
        text.details()
    );
    assert!(text.details().contains("CAST(strftime('%d', d) AS INTEGER)"));
    pack.run_solution("order_month").assert_pass();

    let number = pack
        .answer("price_labels", "SELECT name, round(price, 2) FROM products;")
        .run("price_labels");
    number.assert_fail();
    assert!(
        number
            .details()
            .contains("holds the number 49.9 where the answer has the text '49.90'"),
        "{}",
        number.details()
    );
    assert!(number.details().contains("printf('%.2f', x)"));
    pack.run_solution("price_labels").assert_pass();
}

// ---- round 1's notes (issue 13, point 7)

#[test]
fn an_error_only_on_the_hidden_fixture_says_so() {
    let pack = Pack::new();
    // The hidden shop sells two lamps: the second copy breaks the primary key.
    let verdict = pack
        .answer(
            "restock",
            "UPDATE products SET stock = stock + 10 WHERE stock < 5;\n\
             INSERT INTO products (id, name, category, price) SELECT 99, 'copy', category, 1 FROM products WHERE category = 'lighting';\n\
             DELETE FROM products WHERE id = 99;",
        )
        .run("restock");
    verdict.assert_fail();
    assert!(
        verdict.message().starts_with(
            "on the hidden data set only: exercises/databases/restock.sql:2:1: UNIQUE constraint failed"
        ),
        "{}",
        verdict.message()
    );
    assert!(
        verdict.details().contains("runs on the rows you can see"),
        "{}",
        verdict.details()
    );

    // An error on the visible rows is not blamed on the hidden ones.
    let everywhere = pack
        .answer("restock", "UPDATE products SET price = -1;")
        .run("restock");
    everywhere.assert_fail();
    assert!(
        everywhere.message().starts_with("exercises/"),
        "{}",
        everywhere.message()
    );
}

#[test]
fn a_long_rejects_statement_is_quoted_whole() {
    let pack = Pack::new();
    let long = "INSERT INTO users (email) VALUES ('first.long.address@example.com'), ('first.long.address@example.com'), ('third@example.com')";
    assert!(long.len() > 100);
    let info = fs::read_to_string(pack.path("info.toml")).unwrap();
    fs::write(
        pack.path("info.toml"),
        info.replacen(
            "rejects = \"INSERT INTO users (email) VALUES ('ada@example.com'), ('ada@example.com')\"",
            &format!("rejects = \"{long}\""),
            1,
        ),
    )
    .unwrap();
    let lax = pack
        .answer(
            "users_table",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);",
        )
        .run("users_table");
    lax.assert_fail();
    assert_eq!(
        lax.message(),
        format!("`{long}` was accepted; a constraint should reject it")
    );
    pack.run_solution("users_table").assert_pass();
}

// ---- piped output (issue 13, point 6)

#[test]
fn piped_output_keeps_wide_tables_on_one_line() {
    let pack = Pack::new();
    pack.answer(
        "phone_book",
        "SELECT name || ' <' || email || '> lives in ' || city || ', and this row is long' AS name, \
         'a phone column that is wide as well, to pass eighty columns' AS phone FROM customers;",
    );
    let text = pack.run_text("phone_book");
    let row = text
        .lines()
        .find(|l| l.contains("Ada <ada@example.com> lives in London, and this row is long"))
        .unwrap_or_else(|| panic!("the row was wrapped:\n{text}"));
    assert!(
        row.contains("a phone column that is wide as well, to pass eighty columns"),
        "{row}"
    );
    assert!(row.chars().count() > 80, "{row}");
}

// ---- notes that say why (issue 13, point 5)

/// The verdict fails and one of its notes says `why`.
fn assert_note(verdict: &Verdict, why: &str) {
    verdict.assert_fail();
    let details = verdict.details();
    assert!(
        details.contains(why),
        "no note {why:?} in {}: {details}",
        verdict.message()
    );
}

#[test]
fn an_inner_join_that_drops_unmatched_rows_is_named() {
    let pack = Pack::new();
    let inner = pack
        .answer(
            "orders_per_customer",
            "SELECT c.name, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id;",
        )
        .run("orders_per_customer");
    assert_note(
        &inner,
        "The missing row has no match in `orders`: JOIN drops a row without a partner, LEFT JOIN keeps it",
    );

    let star = pack
        .answer(
            "orders_per_customer",
            "SELECT c.name, count(*) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id;",
        )
        .run("orders_per_customer");
    assert_note(
        &star,
        "With `count(o.customer_id)` instead of `count(*)` the values match",
    );
    assert_note(&star, "also the rows a LEFT JOIN adds without a match");
    pack.run_solution("orders_per_customer").assert_pass();
}

#[test]
fn duplicate_rows_are_traced_to_the_join_or_to_distinct() {
    let pack = Pack::new();
    let fanned = pack
        .answer(
            "customers_who_ordered",
            "SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id;",
        )
        .run("customers_who_ordered");
    assert_note(
        &fanned,
        "2 of your rows are duplicates of rows the answer has once: a join repeats a row once per matching row of the other table (`orders`)",
    );
    let union_all = pack
        .answer(
            "customers_who_ordered",
            "SELECT c.name FROM customers c WHERE c.id IN (SELECT customer_id FROM orders WHERE placed_on < '2026-02-01') \
             UNION ALL SELECT c.name FROM customers c WHERE c.id IN (SELECT customer_id FROM orders);",
        )
        .run("customers_who_ordered");
    assert_note(&union_all, "UNION ALL keeps a row each time a side returns it");
    pack.run_solution("customers_who_ordered").assert_pass();

    let merged = pack
        .answer(
            "customer_per_order",
            "SELECT DISTINCT c.name FROM orders AS o JOIN customers AS c ON c.id = o.customer_id;",
        )
        .run("customer_per_order");
    assert_note(&merged, "DISTINCT merges rows that are alike");
}

#[test]
fn a_row_at_the_boundary_of_a_filter_is_explained() {
    let pack = Pack::new();
    let inclusive = pack
        .answer(
            "early_orders",
            "SELECT id FROM orders WHERE placed_on <= '2026-03-01';",
        )
        .run("early_orders");
    assert_note(
        &inclusive,
        "The rows differ at the boundary of `placed_on <= '2026-03-01'`: it keeps the rows equal to the limit",
    );
    pack.run_solution("early_orders").assert_pass();
}

#[test]
fn the_wrong_aggregate_and_a_factor_are_named() {
    let pack = Pack::new();
    let sum = pack
        .answer(
            "average_price",
            "SELECT category, SUM(price) FROM products GROUP BY category;",
        )
        .run("average_price");
    assert_note(
        &sum,
        "With `avg(price)` instead of `SUM(price)` the values match. avg is the mean",
    );
    let percent = pack
        .answer(
            "average_price",
            "SELECT category, AVG(price) * 100 FROM products GROUP BY category;",
        )
        .run("average_price");
    assert_note(
        &percent,
        "Every wrong value in `AVG(price) * 100` is 100 times the answer's. A percentage",
    );
    pack.run_solution("average_price").assert_pass();
}

#[test]
fn null_compared_with_equals_and_columns_in_another_order_are_named() {
    let pack = Pack::new();
    let null = pack
        .answer(
            "count_products",
            "SELECT count(*) FROM products WHERE price <> NULL;",
        )
        .run("count_products");
    assert_note(&null, "`price <> NULL` is never true");
    let swapped = pack
        .answer(
            "customers_by_city",
            "SELECT name, city FROM customers ORDER BY city;",
        )
        .run("customers_by_city");
    assert_note(
        &swapped,
        "the columns are in another order: the answer's order is `city`, `name`",
    );
    pack.answer(
        "customers_by_city",
        "SELECT city, name FROM customers ORDER BY city, name;",
    )
    .run("customers_by_city")
    .assert_pass();
}
