//! The database engines a `sql` exercise runs on, behind one interface.
//!
//! The judge (`mod.rs`), the extra checks (`expect`) and the notes (`why`)
//! only talk to a [`Db`]: SQLite (`run`, embedded, the default) and
//! PostgreSQL (`postgres`, a throw-away server the runner starts) are one
//! module each. What differs between them — how a plan names its indexes,
//! whether rows can be read in reverse — is answered here, not by the judge
//! guessing from the engine's name.

use std::fmt;

use serde::Deserialize;

use super::run::{Failure, Finished};
use super::script::Script;
use super::value::ResultSet;

/// Which database runs an exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub const ALL: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

    /// The engine's own name, for messages: "SQLite would not use …".
    pub fn product(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }

    /// The key's spelling: `engine = "postgres"`, `--sql-engine postgres`.
    pub fn key(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }

    pub fn from_key(key: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.key() == key.trim())
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A read the check itself makes (a table's rows, a plan) that failed.
#[derive(Debug, Clone)]
pub struct DbError {
    pub message: String,
    /// The deadline stopped it: the verdict is a timeout, not an error.
    pub interrupted: bool,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why rows could not be read.
#[derive(Debug)]
pub enum ReadError {
    Db(DbError),
    /// More rows (or bytes) than a check reads; this many were read.
    Oversized(usize),
}

impl From<DbError> for ReadError {
    fn from(err: DbError) -> Self {
        ReadError::Db(err)
    }
}

/// An index: (name, table, columns in key order).
pub type Index = (String, String, Vec<String>);

/// A query plan as `plan_uses_index` reads it.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The plan as the engine words it, one step a line, for the learner.
    pub lines: Vec<String>,
    /// The indexes it reads, in plan order.
    pub indexes: Vec<String>,
    /// A sort step the plan adds after reading (SQLite's `USE TEMP B-TREE`,
    /// PostgreSQL's Sort node): the index does not deliver the order.
    pub extra_sort: Option<String>,
    /// The heading of the plan's output, e.g. "EXPLAIN QUERY PLAN".
    pub title: &'static str,
}

/// One of the two sessions of a two-session exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Session {
    A,
    B,
}

impl Session {
    pub fn index(self) -> usize {
        match self {
            Session::A => 0,
            Session::B => 1,
        }
    }

    pub fn from_key(key: &str) -> Option<Session> {
        match key {
            "A" => Some(Session::A),
            "B" => Some(Session::B),
            _ => None,
        }
    }
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Session::A => "A",
            Session::B => "B",
        })
    }
}

/// What two interleaved sessions did: the errors that stopped them (a
/// deadlock's victim, a learner's typo), by session.
#[derive(Debug, Default)]
pub struct SessionsRun {
    pub failures: Vec<(Session, Failure)>,
}

/// One fresh database with a fixture loaded, as a check uses it. Every
/// method answers under the check's deadline.
pub trait Db {
    fn engine(&self) -> Engine;

    /// Run every statement of `script` in order, stopping at the first that
    /// fails; a transaction still open at the end is rolled back.
    fn run(&self, script: &Script) -> Result<Finished, Failure>;

    /// Roll back a transaction the SQL left open; true when there was one.
    fn end_open_transaction(&self) -> bool;

    /// The deadline has passed.
    fn timed_out(&self) -> bool;

    /// A table's columns and rows; None when there is no such table.
    fn table(&self, name: &str) -> Result<Option<ResultSet>, ReadError>;

    /// The primary key columns of `table`, in key order (empty: none).
    fn primary_key(&self, table: &str) -> Vec<String>;

    fn has_column(&self, table: &str, column: &str) -> bool;

    fn indexes(&self) -> Result<Vec<Index>, DbError>;

    fn plan(&self, query: &str) -> Result<Plan, DbError>;

    /// Run `script` and undo it, whatever happened.
    fn try_and_undo(&self, script: &Script) -> Result<Result<(), Failure>, DbError>;

    /// Run `script` in two sessions interleaved by `order` (PostgreSQL only:
    /// the loader refuses `sessions` on another engine). `Err` only when
    /// the deadline passed.
    fn run_sessions(&self, script: &Script, order: &[Session]) -> Result<SessionsRun, Failure> {
        let _ = order;
        Err(Failure::Sql {
            statement: 0,
            offset: script.statements.first().map_or(0, |s| s.start),
            message: format!(
                "{} runs one session: two-session exercises need PostgreSQL",
                self.engine().product()
            ),
            constraint: false,
        })
    }
}
