//! The `postgres` engine: a check's SQL runs on a real PostgreSQL server
//! (`server`), in a fresh database cloned from a template that holds the
//! fixture, dropped when the check is done.
//!
//! Statements run one at a time, like SQLite's, so that an error points at
//! the learner's line. Each is described first (its columns' types) and then
//! run through the simple query protocol, which hands every value over as
//! PostgreSQL prints it: timestamps, intervals, arrays and JSONB read as in
//! psql, with no decoder per type. Numbers become numbers, so that the same
//! tolerance rules apply as on SQLite.
//!
//! The deadline is enforced twice: `statement_timeout` on the connection,
//! and a watchdog that cancels the running statement when the check's time
//! is up (a learner's `SET statement_timeout = 0` cannot escape it).

pub mod server;
mod sessions;

use std::cell::{RefCell, RefMut};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use postgres::error::{ErrorPosition, SqlState};
use postgres::types::Type;
use postgres::{Client, NoTls, SimpleQueryMessage};

use super::engine::{Db, DbError, Engine, Index, Plan, ReadError, Session, SessionsRun};
use super::run::{Answer, Deadline, Failure, Finished, MAX_ROWS};
use super::script::Script;
use super::value::{ResultSet, Value};
use super::watchdog::Watchdog;
use crate::outcome::{Detail, Outcome, Status};
use server::{Server, Unavailable, quote};

/// Roll back a transaction the learner's SQL left open on `client`; true
/// when there was one.
///
/// The client does not expose the session's transaction state. In
/// autocommit a simple query's transaction starts with its statement, so the
/// two clocks agree; inside BEGIN they differ, and in a failed transaction
/// the query itself fails. (Through the extended protocol they would differ
/// in autocommit too: Parse and Execute are two messages with a clock
/// reading each.)
fn roll_back_open_transaction(client: &mut Client) -> bool {
    let open = match client.simple_query("SELECT transaction_timestamp() <> statement_timestamp()") {
        Ok(messages) => messages
            .iter()
            .any(|m| matches!(m, SimpleQueryMessage::Row(row) if row.get(0) == Some("t"))),
        Err(_) => true,
    };
    if open {
        let _ = client.batch_execute("ROLLBACK");
    }
    open
}

/// Bytes of cell text read from one statement (as for SQLite).
const MAX_RESULT_BYTES: usize = 64 << 20;

/// Why a database for a check could not be had.
pub enum OpenError {
    /// The fixture failed to load: the pack's problem, shown at its line.
    Fixture(Failure),
    /// No server: the outcome says why and what to do.
    Unavailable(Box<Outcome>),
}

/// Hold off the server's background work for one whole check (see
/// `server::Gate`); None when there is no server (the check then says why).
pub fn check_in_progress(root: &Path) -> Option<server::Busy> {
    server::for_pack(root).ok().map(|server| server.busy())
}

/// Stop the servers this runner started; for the runner's exit.
pub fn stop_servers() {
    server::stop_all();
}

/// The outcome of a PostgreSQL exercise on a machine without PostgreSQL:
/// skipped, with how to install it.
pub fn not_installed() -> Outcome {
    Outcome::new(
        Status::Skipped,
        "this exercise runs on PostgreSQL, which is not installed here",
    )
    .with(Detail::Text {
        text: server::INSTALL_ADVICE.into(),
    })
    .with(Detail::Text {
        text: "Until then, skip it: in watch mode `n` moves past the PostgreSQL stage to the next \
               unfinished exercise (the SQLite exercises need nothing installed), and `l` opens the \
               list; these exercises wait for you."
            .into(),
    })
}

/// One check's database on the server.
pub struct Database {
    server: Arc<Server>,
    name: String,
    /// None once the session is ended.
    client: RefCell<Option<Client>>,
    fired: Arc<AtomicBool>,
    watchdog: RefCell<Option<Watchdog>>,
    deadline: Deadline,
}

impl Database {
    /// A fresh database holding `fixture`, for the pack at `root`.
    pub fn open(root: &Path, fixture: &Script, deadline: Deadline) -> Result<Database, OpenError> {
        let server = server::for_pack(root).map_err(|why| {
            OpenError::Unavailable(Box::new(match why {
                Unavailable::NotInstalled => not_installed(),
                Unavailable::Broken(message) => {
                    Outcome::error(format!("PostgreSQL is not usable: {message}")).with(Detail::Text {
                        text: server::INSTALL_ADVICE.into(),
                    })
                }
            }))
        })?;
        let broken = |e: &dyn std::fmt::Display| {
            OpenError::Unavailable(Box::new(Outcome::error(format!(
                "the PostgreSQL server failed to prepare the check's database: {e}"
            ))))
        };
        let template = template(&server, fixture, deadline)?;
        let name = server.clone_of(&template).map_err(|e| broken(&e))?;
        Database::connect(server, name, deadline).map_err(|e| broken(&e))
    }

    fn connect(server: Arc<Server>, name: String, deadline: Deadline) -> Result<Database, postgres::Error> {
        let config = server.check_config(&name, deadline.remaining());
        let client = match config.connect(NoTls) {
            Ok(client) => client,
            Err(e) => {
                drop_database(&server, &name);
                return Err(e);
            }
        };
        let fired = Arc::new(AtomicBool::new(false));
        let token = client.cancel_token();
        let watchdog = Watchdog::start(
            deadline.remaining(),
            Duration::from_millis(50),
            fired.clone(),
            move || {
                let _ = token.cancel_query(NoTls);
            },
        );
        Ok(Database {
            server,
            name,
            client: RefCell::new(Some(client)),
            fired,
            watchdog: RefCell::new(Some(watchdog)),
            deadline,
        })
    }

    fn client(&self) -> RefMut<'_, Client> {
        RefMut::map(self.client.borrow_mut(), |c| {
            c.as_mut().expect("the session is open while checks run")
        })
    }

    /// Close the session (the database stays until the drop).
    fn end_session(&self) {
        if let Some(watchdog) = self.watchdog.borrow_mut().take() {
            drop(watchdog);
        }
        if let Some(client) = self.client.borrow_mut().take() {
            let _ = client.close();
        }
    }

    fn statement(&self, sql: &str) -> Result<Option<ResultSet>, Read> {
        execute(&mut self.client(), sql)
    }

    fn failure(&self, statement: usize, start: usize, sql: &str, err: Read) -> Failure {
        to_failure(self.timed_out(), statement, start, sql, err)
    }

    /// A catalogue query of the check's own, with parameters.
    fn query(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, DbError> {
        self.client().query(sql, params).map_err(|e| self.db_error(&e))
    }

    fn db_error(&self, err: &postgres::Error) -> DbError {
        DbError {
            interrupted: self.timed_out()
                || err
                    .as_db_error()
                    .is_some_and(|db| *db.code() == SqlState::QUERY_CANCELED),
            message: err
                .as_db_error()
                .map_or_else(|| err.to_string(), |db| db.message().to_string()),
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.end_session();
        drop_database(&self.server, &self.name);
    }
}

fn drop_database(server: &Server, name: &str) {
    server.discard(name);
}

enum Read {
    Pg(postgres::Error),
    Oversized(usize),
}

/// Run one statement: described first (its columns' types), then run
/// through the simple protocol; rows come back as PostgreSQL prints them.
fn execute(client: &mut Client, sql: &str) -> Result<Option<ResultSet>, Read> {
    let described = client.prepare(sql).map_err(Read::Pg)?;
    if described.columns().is_empty() {
        client.batch_execute(sql).map_err(Read::Pg)?;
        return Ok(None);
    }
    let types: Vec<Type> = described.columns().iter().map(|c| c.type_().clone()).collect();
    let columns = described.columns().iter().map(|c| c.name().to_string()).collect();
    drop(described);
    let mut rows = Vec::new();
    let mut bytes = 0usize;
    for message in client.simple_query(sql).map_err(Read::Pg)? {
        let SimpleQueryMessage::Row(row) = message else {
            continue;
        };
        let cells: Vec<Value> = types
            .iter()
            .enumerate()
            .map(|(i, ty)| {
                let text = row.get(i);
                bytes += text.map_or(0, str::len) + 16;
                value_of(ty, text)
            })
            .collect();
        rows.push(cells);
        if rows.len() > MAX_ROWS || bytes > MAX_RESULT_BYTES {
            return Err(Read::Oversized(rows.len()));
        }
    }
    Ok(Some(ResultSet { columns, rows }))
}

/// Why `sql` (statement `statement`, at byte `start` of its file) failed.
fn to_failure(timed_out: bool, statement: usize, start: usize, sql: &str, err: Read) -> Failure {
    let err = match err {
        Read::Oversized(rows_read) => return Failure::Oversized { statement, rows_read },
        Read::Pg(err) => err,
    };
    let Some(db) = err.as_db_error() else {
        if timed_out {
            return Failure::Interrupted { statement };
        }
        return Failure::Sql {
            statement,
            offset: start,
            message: err.to_string(),
            constraint: false,
        };
    };
    if *db.code() == SqlState::QUERY_CANCELED {
        return Failure::Interrupted { statement };
    }
    let offset = match db.position() {
        Some(ErrorPosition::Original(position)) => {
            // A 1-based count of characters into the statement.
            let chars = (*position as usize).saturating_sub(1);
            start + sql.char_indices().nth(chars).map_or(sql.len(), |(byte, _)| byte)
        }
        _ => start,
    };
    let mut message = db.message().to_string();
    // A deadlock's detail names server process ids, different on every
    // run, and its hint points at a log the learner does not see.
    if *db.code() == SqlState::T_R_DEADLOCK_DETECTED {
        return Failure::Sql {
            statement,
            offset,
            message,
            constraint: false,
        };
    }
    if let Some(detail) = db.detail() {
        message = format!("{message} ({detail})");
    }
    if let Some(hint) = db.hint() {
        message = format!("{message}; hint: {hint}");
    }
    Failure::Sql {
        statement,
        offset,
        message,
        // Class 23: integrity constraint violation (NOT NULL, UNIQUE,
        // CHECK, FOREIGN KEY, EXCLUDE).
        constraint: db.code().code().starts_with("23"),
    }
}

/// The template database holding `fixture`, loaded the first time this
/// content is seen (on this server, by any session: its name is the
/// content's hash). Loaded under another name and renamed when complete,
/// so a half-loaded template is never cloned.
fn template(server: &Arc<Server>, fixture: &Script, deadline: Deadline) -> Result<String, OpenError> {
    let name = format!("backlings_tmpl_{:016x}", fnv1a(fixture.text.as_bytes()));
    if server.template_known(&name) {
        return Ok(name);
    }
    let broken = |e: &dyn std::fmt::Display| {
        OpenError::Unavailable(Box::new(Outcome::error(format!(
            "the PostgreSQL server failed to load the fixture: {e}"
        ))))
    };
    let exists = server
        .admin()
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .map_err(|e| broken(&e))?
        .is_some();
    if exists {
        server.remember_template(&name);
        return Ok(name);
    }
    let loading = server.fresh_name("load");
    server
        .admin()
        .batch_execute(&format!(
            "CREATE DATABASE {} OWNER {}",
            quote(&loading),
            quote(server.owner())
        ))
        .map_err(|e| broken(&e))?;
    let db = Database::connect(server.clone(), loading.clone(), deadline).map_err(|e| broken(&e))?;
    let loaded = db.run(fixture);
    // A database with a session can be neither renamed nor cloned (the
    // server waits a few seconds for a closing session to go).
    db.end_session();
    if let Err(failure) = loaded {
        return Err(OpenError::Fixture(failure));
    }
    let renamed = server.admin().batch_execute(&format!(
        "ALTER DATABASE {} RENAME TO {}",
        quote(&loading),
        quote(&name)
    ));
    match renamed {
        Ok(()) => {}
        // Another runner loaded the same fixture meanwhile: use theirs.
        Err(e) if e.code() == Some(&SqlState::DUPLICATE_DATABASE) => {}
        Err(e) => return Err(broken(&e)),
    }
    // `db` now names a database that no longer exists (renamed) or is
    // redundant (a duplicate): its drop removes only the latter.
    drop(db);
    server.remember_template(&name);
    Ok(name)
}

/// FNV-1a: a hash that stays the same across Rust versions, as template
/// names outlive a session.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A value as PostgreSQL printed it, typed enough for the comparison rules:
/// integers and floating or exact numbers become numbers (a numeric without
/// a fraction is an integer, as `sum(bigint)` is), booleans read true and
/// false, bytea becomes bytes, everything else is kept as PostgreSQL prints it.
fn value_of(ty: &Type, text: Option<&str>) -> Value {
    let Some(text) = text else {
        return Value::Null;
    };
    let as_text = || Value::Text(text.to_string());
    match *ty {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => {
            text.parse().map_or_else(|_| as_text(), Value::Integer)
        }
        Type::NUMERIC if !text.contains(['.', 'e', 'E', 'N', 'I']) => text
            .parse()
            .map_or_else(|_| numeric_as_real(text), Value::Integer),
        Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => numeric_as_real(text),
        Type::BOOL => Value::Text(if text == "t" { "true" } else { "false" }.into()),
        Type::BYTEA => text
            .strip_prefix("\\x")
            .and_then(|hex| {
                (0..hex.len())
                    .step_by(2)
                    .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                    .collect::<Option<Vec<u8>>>()
            })
            .map_or_else(as_text, Value::Blob),
        _ => as_text(),
    }
}

fn numeric_as_real(text: &str) -> Value {
    text.parse()
        .map_or_else(|_| Value::Text(text.to_string()), Value::Real)
}

impl Db for Database {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    fn run(&self, script: &Script) -> Result<Finished, Failure> {
        let mut finished = Finished::default();
        for (index, range) in script.statements.iter().enumerate() {
            if self.timed_out() {
                return Err(Failure::Interrupted { statement: index });
            }
            let sql = &script.text[range.clone()];
            match self.statement(sql) {
                Ok(Some(result)) => {
                    finished.answer = Some(Answer {
                        statement: index,
                        result,
                    });
                }
                Ok(None) => {}
                Err(err) => return Err(self.failure(index, range.start, sql, err)),
            }
        }
        finished.rolled_back_open_transaction = self.end_open_transaction();
        Ok(finished)
    }

    fn end_open_transaction(&self) -> bool {
        roll_back_open_transaction(&mut self.client())
    }

    fn timed_out(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }

    fn table(&self, name: &str) -> Result<Option<ResultSet>, ReadError> {
        let found = self.query("SELECT to_regclass($1)::text", &[&name]);
        // A name that is not even an identifier names no table.
        let Ok(rows) = found else {
            return Ok(None);
        };
        let Some(real) = rows.first().and_then(|row| row.get::<_, Option<String>>(0)) else {
            return Ok(None);
        };
        self.statement(&format!("SELECT * FROM {real}"))
            .map_err(|e| match e {
                Read::Oversized(rows) => ReadError::Oversized(rows),
                Read::Pg(e) => ReadError::Db(self.db_error(&e)),
            })
    }

    fn primary_key(&self, table: &str) -> Vec<String> {
        self.query(
            "SELECT a.attname::text FROM pg_index i \
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) \
              WHERE i.indrelid = to_regclass($1) AND i.indisprimary \
              ORDER BY array_position(i.indkey::int2[], a.attnum)",
            &[&table],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default()
    }

    fn has_column(&self, table: &str, column: &str) -> bool {
        self.query(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 \
               AND NOT attisdropped AND lower(attname) = lower($2)",
            &[&table, &column],
        )
        .is_ok_and(|rows| rows.first().is_some_and(|r| r.get::<_, i64>(0) > 0))
    }

    fn indexes(&self) -> Result<Vec<Index>, DbError> {
        let rows = self.query(
            "SELECT i.relname::text, t.relname::text,
                    array_agg(coalesce(a.attname::text, '<expression>') ORDER BY k.ord)
               FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid
               JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_namespace n ON n.oid = t.relnamespace
               CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
                AND k.ord <= x.indnkeyatts
              GROUP BY i.relname, t.relname
              ORDER BY 1",
            &[],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    /// The plan is read with sequential scans discouraged: a fixture of a
    /// dozen rows would otherwise always be scanned whole, and the question
    /// is whether an index *can* serve the query, not whether it pays on
    /// twelve rows.
    fn plan(&self, query: &str) -> Result<Plan, DbError> {
        let mut client = self.client();
        let explained = (|| {
            client.batch_execute("BEGIN; SET LOCAL enable_seqscan = off")?;
            let messages = client.simple_query(&format!("EXPLAIN (FORMAT JSON) {query}"));
            let _ = client.batch_execute("ROLLBACK");
            messages
        })();
        let messages = explained.map_err(|e| self.db_error(&e))?;
        let text = messages
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(row) => row.get(0).map(str::to_string),
                _ => None,
            })
            .unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| DbError {
            message: format!("unreadable plan: {e}"),
            interrupted: false,
        })?;
        let mut plan = Plan {
            title: "EXPLAIN (plan nodes)",
            ..Plan::default()
        };
        if let Some(root) = json.get(0).and_then(|p| p.get("Plan")) {
            walk_plan(root, 0, &mut plan);
        }
        Ok(plan)
    }

    fn run_sessions(&self, script: &Script, order: &[Session]) -> Result<SessionsRun, Failure> {
        sessions::run(&self.server, &self.name, script, order, self.deadline)
    }

    fn try_and_undo(&self, script: &Script) -> Result<Result<(), Failure>, DbError> {
        self.client()
            .batch_execute("BEGIN")
            .map_err(|e| self.db_error(&e))?;
        let mut result = Ok(());
        for (index, range) in script.statements.iter().enumerate() {
            let sql = &script.text[range.clone()];
            if let Err(err) = self.statement(sql) {
                result = Err(self.failure(index, range.start, sql, err));
                break;
            }
        }
        let _ = self.client().batch_execute("ROLLBACK");
        Ok(result)
    }
}

/// One line per plan node, indented by depth: "Index Scan using idx_x on orders".
fn walk_plan(node: &serde_json::Value, depth: usize, plan: &mut Plan) {
    let field = |key: &str| node.get(key).and_then(serde_json::Value::as_str);
    let kind = field("Node Type").unwrap_or("?");
    let mut line = format!("{}{kind}", "  ".repeat(depth));
    if let Some(index) = field("Index Name") {
        line.push_str(&format!(" using {index}"));
        plan.indexes.push(index.to_string());
    }
    if let Some(relation) = field("Relation Name") {
        line.push_str(&format!(" on {relation}"));
    }
    if matches!(kind, "Sort" | "Incremental Sort") {
        let keys = node
            .get("Sort Key")
            .and_then(serde_json::Value::as_array)
            .map(|keys| {
                keys.iter()
                    .filter_map(serde_json::Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        line.push_str(&format!(" (by {keys})"));
        if plan.extra_sort.is_none() {
            plan.extra_sort = Some(line.trim().to_string());
        }
    }
    plan.lines.push(line);
    for child in node
        .get("Plans")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        walk_plan(child, depth + 1, plan);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_for_the_comparison_and_read_as_postgresql_prints_them() {
        assert_eq!(value_of(&Type::INT8, Some("42")), Value::Integer(42));
        assert_eq!(value_of(&Type::NUMERIC, Some("9100")), Value::Integer(9100));
        assert_eq!(value_of(&Type::NUMERIC, Some("4.50")), Value::Real(4.5));
        assert_eq!(value_of(&Type::FLOAT8, Some("0.1")), Value::Real(0.1));
        assert_eq!(value_of(&Type::BOOL, Some("t")), Value::Text("true".into()));
        assert_eq!(value_of(&Type::BYTEA, Some("\\x00ff")), Value::Blob(vec![0, 255]));
        assert_eq!(
            value_of(&Type::INTERVAL, Some("4 days 20:00:00")),
            Value::Text("4 days 20:00:00".into())
        );
        assert_eq!(
            value_of(&Type::JSONB, Some("{\"a\": 1}")),
            Value::Text("{\"a\": 1}".into())
        );
        assert_eq!(value_of(&Type::TEXT, None), Value::Null);
        // A numeric too big for an i64 is still a number.
        assert_eq!(
            value_of(&Type::NUMERIC, Some("123456789012345678901234")),
            Value::Real(1.2345678901234568e23)
        );
    }

    #[test]
    fn a_json_plan_names_its_indexes_and_its_sort() {
        let json: serde_json::Value = serde_json::from_str(
            r#"[{"Plan": {"Node Type": "Sort", "Sort Key": ["created_at"], "Plans": [
                {"Node Type": "Bitmap Heap Scan", "Relation Name": "events", "Plans": [
                  {"Node Type": "Bitmap Index Scan", "Index Name": "idx_events_tags"}]}]}}]"#,
        )
        .unwrap();
        let mut plan = Plan::default();
        walk_plan(&json[0]["Plan"], 0, &mut plan);
        assert_eq!(plan.indexes, ["idx_events_tags"]);
        assert_eq!(plan.extra_sort.as_deref(), Some("Sort (by created_at)"));
        assert_eq!(
            plan.lines,
            [
                "Sort (by created_at)",
                "  Bitmap Heap Scan on events",
                "    Bitmap Index Scan using idx_events_tags"
            ]
        );
    }

    #[test]
    fn template_names_follow_the_fixtures_content() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(b"CREATE TABLE a(x int);"), fnv1a(b"CREATE TABLE b(x int);"));
    }
}
