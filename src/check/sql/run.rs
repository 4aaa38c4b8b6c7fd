//! SQL run on a fresh in-memory database: a fixture loaded, then a file run
//! the way an application runs it — statement by statement, stopping at the
//! first error — all under the check's deadline.
//!
//! Nothing here touches a file: the database lives in memory, temporary
//! tables and sorts too, and it is gone when the check ends. That is what
//! makes a learner's DROP TABLE harmless and the next check clean. The
//! authorizer (`authorize`) refuses what SQL could otherwise reach on disk.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode};

use regex::Regex;

use super::authorize::{Refusals, authorizer};
use super::engine::{Db, DbError, Engine, Index, Plan, ReadError};
use super::script::Script;
use super::value::{ResultSet, Value};
use super::watchdog::Watchdog;

/// Rows read from one statement before it is called a runaway: far above any
/// exercise's answer, far below what fills the memory.
pub const MAX_ROWS: usize = 100_000;
/// Bytes of cell data read from one statement, for the same reason.
const MAX_RESULT_BYTES: usize = 64 << 20;
/// SQLite's own memory, process-wide: a runaway string or sort hits this
/// instead of the machine's memory.
const HEAP_LIMIT_BYTES: u64 = 512 << 20;

/// When the whole check must be over.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    pub limit: Duration,
    at: Instant,
}

impl Deadline {
    pub fn starting_now(limit: Duration) -> Deadline {
        Deadline {
            limit,
            at: Instant::now() + limit,
        }
    }

    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }
}

/// Why a file (or a statement of it) did not run to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// SQLite refused or failed statement `statement`; `offset` is the byte
    /// in the file it points at (the bad token, or the statement's start).
    Sql {
        statement: usize,
        offset: usize,
        message: String,
        /// A constraint said no (NOT NULL, UNIQUE, CHECK, FOREIGN KEY, RAISE).
        constraint: bool,
    },
    /// The deadline passed while statement `statement` ran.
    Interrupted { statement: usize },
    /// Statement `statement` returned more than a check reads.
    Oversized { statement: usize, rows_read: usize },
}

impl Failure {
    pub fn statement(&self) -> usize {
        match self {
            Failure::Sql { statement, .. }
            | Failure::Interrupted { statement }
            | Failure::Oversized { statement, .. } => *statement,
        }
    }
}

/// The result that counts as a file's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Index of the statement that produced it: the last one returning rows.
    pub statement: usize,
    pub result: ResultSet,
}

/// What a file did when it ran to its end.
#[derive(Debug, Default)]
pub struct Finished {
    pub answer: Option<Answer>,
    /// It began a transaction it never ended; closing the connection rolled
    /// it back (and so did the check, to see what an application would keep).
    pub rolled_back_open_transaction: bool,
}

pub struct Database {
    conn: Connection,
    fired: Arc<AtomicBool>,
    refusals: Refusals,
    _watchdog: Watchdog,
}

/// How rows come out of a query whose order nothing fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scan {
    /// SQLite's usual, incidental order.
    Usual,
    /// `PRAGMA reverse_unordered_selects`: every order the query leaves open
    /// comes out reversed, so a result that depended on it changes.
    Reversed,
}

impl Database {
    /// A fresh, empty in-memory database watched by the check's deadline.
    #[cfg(test)]
    pub fn open(deadline: Deadline) -> rusqlite::Result<Database> {
        Database::open_with(deadline, Scan::Usual)
    }

    /// The same, reading rows in `scan` order where the query leaves it open.
    pub fn open_with(deadline: Deadline, scan: Scan) -> rusqlite::Result<Database> {
        let mut conn = Connection::open_in_memory()?;
        // Foreign keys on: exercises teach constraints, and an application
        // turns them on. Temporary data stays in memory: no file is written.
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES};"
        ))?;
        // "Ada" names a column, as in the SQL standard and PostgreSQL; SQLite's
        // legacy reading of it as a string hides the mistake until it bites.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)?;
        if scan == Scan::Reversed {
            conn.execute_batch("PRAGMA reverse_unordered_selects = ON")?;
        }
        // Last, so that the settings above are the check's and stay so.
        let refusals = Refusals::default();
        conn.authorizer(Some(authorizer(refusals.clone())))?;
        let fired = Arc::new(AtomicBool::new(false));
        let handle = conn.get_interrupt_handle();
        let watchdog = Watchdog::start(
            deadline.remaining(),
            Duration::from_millis(5),
            fired.clone(),
            move || {
                handle.interrupt();
            },
        );
        Ok(Database {
            conn,
            fired,
            refusals,
            _watchdog: watchdog,
        })
    }

    pub fn timed_out(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }

    /// Run every statement of `script` in order, stopping at the first that
    /// fails. A transaction still open at the end is rolled back, as closing
    /// the connection would.
    pub fn run(&self, script: &Script) -> Result<Finished, Failure> {
        let mut finished = Finished::default();
        for (index, range) in script.statements.iter().enumerate() {
            if self.timed_out() {
                return Err(Failure::Interrupted { statement: index });
            }
            match self.statement(&script.text[range.clone()]) {
                Ok(Some(result)) => {
                    finished.answer = Some(Answer {
                        statement: index,
                        result,
                    });
                }
                Ok(None) => {}
                Err(err) => return Err(self.failure(index, range.start, err)),
            }
        }
        finished.rolled_back_open_transaction = self.end_open_transaction();
        Ok(finished)
    }

    /// Roll back a transaction the SQL left open; true when there was one.
    pub fn end_open_transaction(&self) -> bool {
        if self.conn.is_autocommit() {
            return false;
        }
        // A failing ROLLBACK (after an interrupt) leaves nothing to keep anyway:
        // the connection is about to close.
        let _ = self.conn.execute_batch("ROLLBACK");
        true
    }

    fn statement(&self, sql: &str) -> Result<Option<ResultSet>, SqliteRead> {
        let mut stmt = match self.conn.prepare(sql) {
            Ok(stmt) => stmt,
            // Nothing to run (the splitter keeps only statements with tokens,
            // but SQLite has the last word).
            Err(rusqlite::Error::Empty) => return Ok(None),
            Err(err) => return Err(SqliteRead::Sqlite(err)),
        };
        let width = stmt.column_count();
        if width == 0 {
            stmt.raw_execute().map_err(SqliteRead::Sqlite)?;
            return Ok(None);
        }
        let columns = stmt.column_names().map(String::from).collect();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        let mut bytes = 0usize;
        while let Some(row) = rows.next().map_err(SqliteRead::Sqlite)? {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                let value = Value::from(row.get_ref(i).map_err(SqliteRead::Sqlite)?);
                bytes += match &value {
                    Value::Text(t) => t.len(),
                    Value::Blob(b) => b.len(),
                    _ => 0,
                } + 16;
                cells.push(value);
            }
            out.push(cells);
            if out.len() > MAX_ROWS || bytes > MAX_RESULT_BYTES {
                return Err(SqliteRead::Oversized(out.len()));
            }
        }
        Ok(Some(ResultSet { columns, rows: out }))
    }

    fn failure(&self, statement: usize, start: usize, err: SqliteRead) -> Failure {
        let err = match err {
            SqliteRead::Oversized(rows_read) => return Failure::Oversized { statement, rows_read },
            SqliteRead::Sqlite(err) => err,
        };
        if self.timed_out() || is_interrupt(&err) {
            return Failure::Interrupted { statement };
        }
        if err.sqlite_error_code() == Some(ErrorCode::AuthorizationForStatementDenied)
            && let Some(reason) = self.refusals.take()
        {
            return Failure::Sql {
                statement,
                offset: start,
                message: reason,
                constraint: false,
            };
        }
        match err {
            rusqlite::Error::SqlInputError { msg, offset, sql, .. } => Failure::Sql {
                statement,
                offset: start + usize::try_from(offset).unwrap_or(0).min(sql.len()),
                message: msg,
                constraint: false,
            },
            rusqlite::Error::SqliteFailure(code, msg) => Failure::Sql {
                statement,
                offset: start,
                message: msg.unwrap_or_else(|| code.to_string()),
                constraint: code.code == ErrorCode::ConstraintViolation,
            },
            other => Failure::Sql {
                statement,
                offset: start,
                message: other.to_string(),
                constraint: false,
            },
        }
    }

    /// A table's columns and rows, in rowid order; None when there is no
    /// such table (or view). `schema.table` looks in that schema; a bare
    /// name is looked up as SQLite resolves it: temp, main, then the
    /// attached schemas.
    pub fn table(&self, name: &str) -> Result<Option<ResultSet>, SqliteRead> {
        let schemas: Vec<String> = match name.split_once('.') {
            Some((schema, _)) => vec![schema.to_string()],
            None => {
                let mut stmt = self
                    .conn
                    .prepare("SELECT name FROM pragma_database_list ORDER BY name <> 'temp', seq")?;
                let names = stmt.query_map([], |row| row.get(0))?;
                names.collect::<rusqlite::Result<_>>()?
            }
        };
        let bare = name.split_once('.').map_or(name, |(_, table)| table);
        for schema in schemas {
            let quoted_schema = format!("\"{}\"", schema.replace('"', "\"\""));
            let found: rusqlite::Result<String> = self.conn.query_row(
                &format!(
                    "SELECT name FROM {quoted_schema}.sqlite_schema WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE"
                ),
                [bare],
                |row| row.get(0),
            );
            let real_name = match found {
                Ok(real_name) => real_name,
                Err(rusqlite::Error::QueryReturnedNoRows) => continue,
                // A schema that is not attached holds no table.
                Err(
                    rusqlite::Error::SqliteFailure(_, Some(msg)) | rusqlite::Error::SqlInputError { msg, .. },
                ) if msg.starts_with("no such table") => {
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let sql = format!(
                "SELECT * FROM {quoted_schema}.\"{}\"",
                real_name.replace('"', "\"\"")
            );
            return self.statement(&sql);
        }
        Ok(None)
    }

    /// The primary key columns of `table` (`schema.table` works), in key
    /// order; empty when it has none or does not exist.
    pub fn primary_key(&self, table: &str) -> Vec<String> {
        let (schema, name) = split_schema(table);
        self.conn
            .prepare("SELECT name FROM pragma_table_info(?1, ?2) WHERE pk > 0 ORDER BY pk")
            .and_then(|mut stmt| {
                stmt.query_map([name, schema], |row| row.get::<_, String>(0))?
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn has_column(&self, table: &str, column: &str) -> bool {
        let (schema, name) = split_schema(table);
        self.conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info(?1, ?2) WHERE name = ?3 COLLATE NOCASE",
                [name, schema, column],
                |row| row.get::<_, i64>(0),
            )
            .is_ok_and(|n| n > 0)
    }

    /// Every index: (name, table, columns in key order).
    pub fn indexes(&self) -> rusqlite::Result<Vec<(String, String, Vec<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT il.name, m.name, ii.name
               FROM sqlite_schema AS m
               JOIN pragma_index_list(m.name) AS il
               JOIN pragma_index_info(il.name) AS ii
              WHERE m.type = 'table'
              ORDER BY il.name, ii.seqno",
        )?;
        let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let index: String = row.get(0)?;
            let table: String = row.get(1)?;
            // An expression in an index has no column name.
            let column: Option<String> = row.get(2)?;
            let column = column.unwrap_or_else(|| "<expression>".into());
            match out.last_mut() {
                Some((name, _, columns)) if *name == index => columns.push(column),
                _ => out.push((index, table, vec![column])),
            }
        }
        Ok(out)
    }

    /// The `detail` lines of EXPLAIN QUERY PLAN for `query`.
    pub fn plan(&self, query: &str) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {query}"))?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(3))?;
        rows.collect()
    }

    /// Run `script` inside a savepoint and undo it, whatever happened:
    /// trying a statement must not change what later checks see.
    pub fn try_and_undo(&self, script: &Script) -> rusqlite::Result<Result<(), Failure>> {
        self.conn.execute_batch("SAVEPOINT backlings_try")?;
        let result = self.run_keeping_transaction(script);
        // `INSERT OR ROLLBACK` and RAISE(ROLLBACK) end the transaction themselves.
        if !self.conn.is_autocommit() {
            self.conn
                .execute_batch("ROLLBACK TO backlings_try; RELEASE backlings_try")?;
        }
        Ok(result)
    }

    fn run_keeping_transaction(&self, script: &Script) -> Result<(), Failure> {
        for (index, range) in script.statements.iter().enumerate() {
            if let Err(err) = self.statement(&script.text[range.clone()]) {
                return Err(self.failure(index, range.start, err));
            }
        }
        Ok(())
    }
}

/// `cd.facilities` → ("cd", "facilities"); a bare name is in `main`.
pub fn split_schema(table: &str) -> (&str, &str) {
    table.split_once('.').unwrap_or(("main", table))
}

/// Why rows could not be read, with SQLite's own error kept so that a
/// failure can point at its token; [`ReadError`] is what leaves this module.
#[derive(Debug)]
pub enum SqliteRead {
    Sqlite(rusqlite::Error),
    /// More rows (or bytes) than a check reads; this many were read.
    Oversized(usize),
}

impl From<rusqlite::Error> for SqliteRead {
    fn from(err: rusqlite::Error) -> Self {
        SqliteRead::Sqlite(err)
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        DbError {
            interrupted: is_interrupt(&err),
            message: err.to_string(),
        }
    }
}

impl From<SqliteRead> for ReadError {
    fn from(err: SqliteRead) -> Self {
        match err {
            SqliteRead::Sqlite(err) => ReadError::Db(err.into()),
            SqliteRead::Oversized(rows) => ReadError::Oversized(rows),
        }
    }
}

/// The pattern of an index in a line of SQLite's EXPLAIN QUERY PLAN.
fn index_in_plan_line() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"(?i)\bUSING (?:COVERING )?INDEX ([^\s(]+)").expect("a valid pattern"))
}

impl Db for Database {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    fn run(&self, script: &Script) -> Result<Finished, Failure> {
        Database::run(self, script)
    }

    fn end_open_transaction(&self) -> bool {
        Database::end_open_transaction(self)
    }

    fn timed_out(&self) -> bool {
        Database::timed_out(self)
    }

    fn table(&self, name: &str) -> Result<Option<ResultSet>, ReadError> {
        Database::table(self, name).map_err(ReadError::from)
    }

    fn primary_key(&self, table: &str) -> Vec<String> {
        Database::primary_key(self, table)
    }

    fn has_column(&self, table: &str, column: &str) -> bool {
        Database::has_column(self, table, column)
    }

    fn indexes(&self) -> Result<Vec<Index>, DbError> {
        Database::indexes(self).map_err(DbError::from)
    }

    fn plan(&self, query: &str) -> Result<Plan, DbError> {
        let lines = Database::plan(self, query)?;
        let indexes = lines
            .iter()
            .filter_map(|line| index_in_plan_line().captures(line))
            .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
            .collect();
        let extra_sort = lines
            .iter()
            .find(|line| line.contains("USE TEMP B-TREE"))
            .cloned();
        Ok(Plan {
            lines,
            indexes,
            extra_sort,
            title: "EXPLAIN QUERY PLAN",
        })
    }

    fn try_and_undo(&self, script: &Script) -> Result<Result<(), Failure>, DbError> {
        Database::try_and_undo(self, script).map_err(DbError::from)
    }
}

pub fn is_interrupt(err: &rusqlite::Error) -> bool {
    err.sqlite_error_code() == Some(ErrorCode::OperationInterrupted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Database {
        Database::open(Deadline::starting_now(Duration::from_secs(10))).unwrap()
    }

    #[test]
    fn the_answer_is_the_last_statement_that_returns_rows() {
        let db = db();
        let script = Script::new(
            "CREATE TABLE t(a);\nINSERT INTO t VALUES (1), (2);\nSELECT a FROM t;\nSELECT count(*) AS n FROM t WHERE a > 5;\nDELETE FROM t WHERE a = 1;",
        );
        let finished = db.run(&script).unwrap();
        let answer = finished.answer.unwrap();
        assert_eq!(answer.statement, 3);
        assert_eq!(answer.result.columns, ["n"]);
        assert_eq!(answer.result.rows, [[Value::Integer(0)]]);
        assert_eq!(db.table("T").unwrap().unwrap().rows, [[Value::Integer(2)]]);
        assert_eq!(db.table("nope").unwrap(), None);
    }

    #[test]
    fn tables_are_found_in_attached_schemas() {
        let db = db();
        db.run(&Script::new(
            "ATTACH ':memory:' AS cd; CREATE TABLE cd.facilities(id); INSERT INTO cd.facilities VALUES (7);\n\
             CREATE TEMP TABLE scratch(a);",
        ))
        .unwrap();
        let seven = [[Value::Integer(7)]];
        assert_eq!(db.table("cd.facilities").unwrap().unwrap().rows, seven);
        assert_eq!(db.table("CD.Facilities").unwrap().unwrap().rows, seven);
        assert_eq!(db.table("facilities").unwrap().unwrap().rows, seven);
        assert!(db.table("scratch").unwrap().is_some());
        assert_eq!(db.table("main.facilities").unwrap(), None);
        assert_eq!(db.table("nowhere.facilities").unwrap(), None);
    }

    #[test]
    fn a_syntax_error_points_at_its_token_in_the_file() {
        let db = db();
        let script = Script::new("-- intro\nSELECT 1;\nSELECT a\n  FORM t;");
        let Err(Failure::Sql {
            statement, offset, ..
        }) = db.run(&script)
        else {
            panic!("expected a syntax error");
        };
        assert_eq!(statement, 1);
        assert_eq!(script.line_col(offset).0, 4);
    }

    #[test]
    fn double_quotes_name_columns_not_strings() {
        let db = db();
        let script = Script::new("CREATE TABLE t(name TEXT);\nSELECT name FROM t WHERE name = \"Ada\";");
        let Err(Failure::Sql { offset, message, .. }) = db.run(&script) else {
            panic!("expected an error");
        };
        assert_eq!(
            message,
            "no such column: \"Ada\" - should this be a string literal in single-quotes?"
        );
        assert!(script.text[offset..].starts_with("\"Ada\""));
    }

    #[test]
    fn constraint_failures_are_recognised() {
        let db = db();
        let script = Script::new("CREATE TABLE u(email TEXT NOT NULL);\nINSERT INTO u VALUES (NULL);");
        let Err(Failure::Sql {
            statement,
            constraint,
            message,
            ..
        }) = db.run(&script)
        else {
            panic!("expected a constraint failure");
        };
        assert_eq!(statement, 1);
        assert!(constraint, "{message}");
    }

    #[test]
    fn an_open_transaction_is_rolled_back_at_the_end() {
        let db = db();
        db.run(&Script::new("CREATE TABLE t(a);")).unwrap();
        let finished = db.run(&Script::new("BEGIN; INSERT INTO t VALUES (1);")).unwrap();
        assert!(finished.rolled_back_open_transaction);
        assert!(db.table("t").unwrap().unwrap().rows.is_empty());
    }

    #[test]
    fn trying_a_statement_leaves_no_trace() {
        let db = db();
        db.run(&Script::new(
            "CREATE TABLE t(a UNIQUE); INSERT INTO t VALUES (1);",
        ))
        .unwrap();
        let accepted = db.try_and_undo(&Script::new("INSERT INTO t VALUES (2)")).unwrap();
        assert_eq!(accepted, Ok(()));
        let rejected = db
            .try_and_undo(&Script::new("INSERT OR ROLLBACK INTO t VALUES (1)"))
            .unwrap();
        assert!(matches!(rejected, Err(Failure::Sql { constraint: true, .. })));
        assert_eq!(db.table("t").unwrap().unwrap().rows.len(), 1);
    }

    #[test]
    fn a_runaway_query_is_interrupted_at_the_deadline() {
        let db = Database::open(Deadline::starting_now(Duration::from_millis(300))).unwrap();
        let script = Script::new(
            "SELECT 1;\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;",
        );
        assert_eq!(
            db.run(&script).unwrap_err(),
            Failure::Interrupted { statement: 1 }
        );
    }

    #[test]
    fn a_flood_of_rows_is_cut() {
        let db = db();
        let script =
            Script::new("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n;");
        assert!(matches!(
            db.run(&script),
            Err(Failure::Oversized { statement: 0, .. })
        ));
    }

    #[test]
    fn no_file_is_attached_or_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.db");
        let db = db();
        for sql in [
            format!("ATTACH DATABASE '{}' AS x;", target.display()),
            format!("ATTACH '{}' || '' AS x;", target.display()),
            "ATTACH '' AS x;".to_string(),
            format!("VACUUM INTO '{}';", target.display()),
            "PRAGMA temp_store = FILE;".to_string(),
        ] {
            let Err(Failure::Sql { message, .. }) = db.run(&Script::new(sql.as_str())) else {
                panic!("{sql} ran");
            };
            assert!(
                message.contains("refused") || message.contains("cannot be set"),
                "{sql}: {message}"
            );
        }
        assert!(!target.exists(), "a file was written");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        db.run(&Script::new(
            "ATTACH ':memory:' AS cd; CREATE TABLE cd.t(a); INSERT INTO cd.t VALUES (1);",
        ))
        .unwrap();
    }

    #[test]
    fn a_reversed_scan_turns_incidental_order_around() {
        let script = Script::new("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3); SELECT a FROM t;");
        let usual = db().run(&script).unwrap().answer.unwrap().result.rows;
        let reversed = Database::open_with(Deadline::starting_now(Duration::from_secs(10)), Scan::Reversed)
            .unwrap()
            .run(&script)
            .unwrap()
            .answer
            .unwrap()
            .result
            .rows;
        assert_eq!(
            usual,
            [[Value::Integer(1)], [Value::Integer(2)], [Value::Integer(3)]]
        );
        assert_eq!(
            reversed,
            [[Value::Integer(3)], [Value::Integer(2)], [Value::Integer(1)]]
        );
    }

    #[test]
    fn indexes_and_plans() {
        let db = db();
        db.run(&Script::new(
            "CREATE TABLE o(id INTEGER PRIMARY KEY, c INT, d TEXT UNIQUE); CREATE INDEX idx_o_c ON o(c, id);",
        ))
        .unwrap();
        let indexes = db.indexes().unwrap();
        assert!(indexes.contains(&("idx_o_c".into(), "o".into(), vec!["c".into(), "id".into()])));
        assert!(indexes.iter().any(|(_, _, cols)| cols == &["d"]));
        let plan = db.plan("SELECT * FROM o WHERE c = 3").unwrap().join("\n");
        assert!(plan.contains("USING INDEX idx_o_c"), "{plan}");
    }
}
