//! The `[exercises.sql]` table: what to load, what to compare, and how.
//! AUTHORING.md ("The sql kind") documents every key for exercise writers.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use toml::Spanned;

use super::engine::{Engine, Session};
use super::script::created_tables;
use crate::pack::{KindReader, SpecContext, resolve_inside};

/// Relative tolerance for numbers when an exercise sets none: enough to
/// absorb a different summation order, far below any rounding a learner does.
pub const DEFAULT_TOLERANCE: f64 = 1e-9;

/// The table, boxed: it is much larger than the other kinds' specs, and every
/// exercise of every kind carries its kind's spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct SqlSpec(Box<SqlTable>);

impl std::ops::Deref for SqlSpec {
    type Target = SqlTable;
    fn deref(&self) -> &SqlTable {
        &self.0
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlTable {
    /// The engines the exercise runs on: `"sqlite"` (the default),
    /// `"postgres"`, or a list of both, the first being the pack's choice
    /// when the learner makes none.
    pub engine: Option<Spanned<EngineKey>>,
    /// The reference solution on PostgreSQL, for an exercise that runs on
    /// both engines where the dialects differ (default: the one solution).
    pub solution_postgres: Option<Spanned<String>>,
    /// Schema and data loaded into a fresh in-memory database before every run.
    pub fixture: Spanned<String>,
    /// Same schema, other rows: the answer must match there too.
    pub hidden_fixture: Option<Spanned<String>>,
    pub mode: Option<Spanned<Mode>>,
    /// Row order rule for query results (default: unordered).
    pub order: Option<Spanned<Order>>,
    /// Column name rule (default: ignore in query mode, case-insensitive in
    /// statements mode).
    pub columns: Option<ColumnNames>,
    #[serde(default)]
    pub exact_types: bool,
    pub tolerance: Option<Spanned<f64>>,
    /// Statements mode: the tables whose content is compared afterwards.
    pub tables: Option<Spanned<Vec<Spanned<String>>>>,
    /// Extra checks on the database the learner's file leaves behind.
    #[serde(default)]
    pub expect: Vec<Spanned<Expect>>,
    /// Two-session exercises (PostgreSQL, statements mode): the file runs in
    /// sessions "A" and "B", each entry letting its session run one more
    /// statement.
    pub sessions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `engine = "postgres"` or `engine = ["sqlite", "postgres"]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = r#""sqlite", "postgres" or a list of them, e.g. ["sqlite", "postgres"]"#
)]
pub enum EngineKey {
    One(Engine),
    Many(Vec<Engine>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The answer is the result of the file's last row-returning statement.
    Query,
    /// The answer is the content of `tables` after the file ran.
    Statements,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// Rows in exactly the reference's order.
    Ordered,
    /// Any order; rows compared as a multiset (a duplicate row counts).
    Unordered,
    /// Ordered by these 1-based column positions (like `ORDER BY 2, 1`);
    /// rows that tie on them may come in any order.
    By(Vec<usize>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnNames {
    Ignore,
    CaseInsensitive,
    Exact,
}

/// One extra check, written as a table with a single key.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Expect {
    /// An index of this name exists.
    IndexExists(String),
    /// Some index (any name, a UNIQUE constraint's too) starts with these columns.
    IndexOn { table: String, columns: Vec<String> },
    /// EXPLAIN QUERY PLAN of `query` uses `index` (or any index when unnamed);
    /// with `no_temp_sort`, the index must also deliver the ORDER BY (no
    /// `USE TEMP B-TREE` step in the plan).
    PlanUsesIndex {
        query: String,
        index: Option<String>,
        #[serde(default)]
        no_temp_sort: bool,
    },
    /// This SQL fails on a constraint (NOT NULL, UNIQUE, CHECK, FOREIGN KEY, RAISE).
    Rejects(String),
    /// This SQL runs without error (so that a constraint is not simply "reject all").
    Accepts(String),
    /// After `setup`, a statement of the learner's file fails; the `tables`
    /// must then be exactly as they were before the file ran.
    NoPartialWrite { setup: String, tables: Vec<String> },
}

impl<'de> Deserialize<'de> for Order {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderVisitor;
        impl<'de> Visitor<'de> for OrderVisitor {
            type Value = Order;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#""ordered", "unordered" or { by = [COLUMN, ...] }"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Order, E> {
                match v {
                    "ordered" => Ok(Order::Ordered),
                    "unordered" => Ok(Order::Unordered),
                    other => Err(E::unknown_variant(
                        other,
                        &["ordered", "unordered", "{ by = [1] }"],
                    )),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Order, A::Error> {
                let mut by: Option<Vec<usize>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "by" {
                        return Err(de::Error::unknown_field(&key, &["by"]));
                    }
                    by = Some(map.next_value()?);
                }
                by.map(Order::By).ok_or_else(|| de::Error::missing_field("by"))
            }
        }
        deserializer.deserialize_any(OrderVisitor)
    }
}

/// The comparison rules, defaults applied.
#[derive(Debug, Clone)]
pub struct Rules {
    pub order: Order,
    pub names: ColumnNames,
    pub exact_types: bool,
    pub tolerance: f64,
}

impl SqlTable {
    /// The engines the exercise runs on, the pack's preferred first.
    pub fn engines(&self) -> Vec<Engine> {
        match self.engine.as_ref().map(Spanned::get_ref) {
            None => vec![Engine::Sqlite],
            Some(EngineKey::One(engine)) => vec![*engine],
            Some(EngineKey::Many(list)) if list.is_empty() => vec![Engine::Sqlite],
            Some(EngineKey::Many(list)) => list.clone(),
        }
    }

    /// The engine a check runs on: the learner's choice when the exercise
    /// supports it, else the exercise's first.
    pub fn engine_for(&self, chosen: Option<Engine>) -> Engine {
        let engines = self.engines();
        chosen.filter(|c| engines.contains(c)).unwrap_or(engines[0])
    }

    /// The interleaving of a two-session exercise.
    pub fn sessions(&self) -> Option<Vec<Session>> {
        self.sessions.as_ref().map(|order| {
            order
                .get_ref()
                .iter()
                .filter_map(|s| Session::from_key(s.get_ref()))
                .collect()
        })
    }

    pub fn mode(&self) -> Mode {
        self.mode.as_ref().map_or(Mode::Query, |m| *m.get_ref())
    }

    /// Rules for query results.
    pub fn query_rules(&self) -> Rules {
        Rules {
            order: self
                .order
                .as_ref()
                .map_or(Order::Unordered, |o| o.get_ref().clone()),
            // Names are ignored unless asked for: `count(*)` and `COUNT(*)`
            // and `n` are all right answers to a question that names no column.
            names: self.columns.unwrap_or(ColumnNames::Ignore),
            exact_types: self.exact_types,
            tolerance: self.tolerance(),
        }
    }

    /// Rules for a table's content: a table has no row order, and its
    /// column names are part of the schema (a DDL exercise gets them right).
    pub fn table_rules(&self) -> Rules {
        Rules {
            order: Order::Unordered,
            names: self.columns.unwrap_or(ColumnNames::CaseInsensitive),
            exact_types: self.exact_types,
            tolerance: self.tolerance(),
        }
    }

    fn tolerance(&self) -> f64 {
        self.tolerance
            .as_ref()
            .map_or(DEFAULT_TOLERANCE, |t| *t.get_ref())
    }

    pub fn tables(&self) -> Vec<String> {
        self.tables
            .as_ref()
            .map(|t| t.get_ref().iter().map(|s| s.get_ref().clone()).collect())
            .unwrap_or_default()
    }

    /// The fixture files, resolved: (main, hidden).
    pub fn fixture_paths(&self, root: &Path) -> anyhow::Result<(PathBuf, Option<PathBuf>)> {
        let resolve = |path: &Spanned<String>| {
            resolve_inside(root, path.get_ref())
                .map_err(|refusal| anyhow::anyhow!("fixture `{}`: {}", path.get_ref(), refusal.explain()))
        };
        let main = resolve(&self.fixture)?;
        let hidden = self.hidden_fixture.as_ref().map(resolve).transpose()?;
        Ok((main, hidden))
    }

    pub fn validate(&self, ctx: &mut SpecContext<'_>, files: &[PathBuf]) {
        self.check_engines(ctx);
        self.check_sessions(ctx);
        let main = self.check_fixture(ctx, &self.fixture);
        if let Some(hidden) = &self.hidden_fixture {
            let hidden_path = self.check_fixture(ctx, hidden);
            if main.is_some() && main == hidden_path {
                ctx.problem(
                    hidden.span(),
                    "the hidden fixture is the fixture itself",
                    "give it the same schema with other rows, so that an answer copied from the visible rows fails",
                );
            }
        }
        if let Some(tolerance) = &self.tolerance {
            let t = *tolerance.get_ref();
            if !(t.is_finite() && (0.0..1.0).contains(&t)) {
                ctx.problem(
                    tolerance.span(),
                    format!("tolerance = {t} is out of range"),
                    "use a relative tolerance from 0 (exact) to below 1, e.g. `tolerance = 1e-6`",
                );
            }
        }
        if let Some(order) = &self.order {
            if let Order::By(columns) = order.get_ref() {
                let distinct: BTreeSet<_> = columns.iter().collect();
                if columns.is_empty() || columns.contains(&0) || distinct.len() != columns.len() {
                    ctx.problem(
                        order.span(),
                        "`order.by` needs distinct column positions, counted from 1",
                        "list the key columns like SQL's positional ORDER BY, e.g. `order = { by = [2, 1] }`",
                    );
                }
            }
            if self.mode() == Mode::Statements {
                ctx.problem(
                    order.span(),
                    "`order` has no meaning in statements mode",
                    "remove it: a table's rows have no order, so tables are compared as sets of rows",
                );
            }
        }
        let tables = self.tables.as_ref();
        match self.mode() {
            Mode::Query => {
                if let Some(tables) = tables {
                    ctx.problem(
                        tables.span(),
                        "`tables` is only read in statements mode",
                        "add `mode = \"statements\"` to compare these tables after the learner's statements, or remove `tables`",
                    );
                }
            }
            Mode::Statements => {
                if let Some(mode) = &self.mode
                    && tables.is_none_or(|t| t.get_ref().is_empty())
                    && self.expect.is_empty()
                {
                    ctx.problem(
                        mode.span(),
                        "a statements exercise must compare some tables or have an `expect`",
                        "add `tables = [\"orders\"]` (their content is compared with the solution's) or `[[exercises.sql.expect]]` checks",
                    );
                }
            }
        }
        for table in tables.map(|t| t.get_ref().as_slice()).unwrap_or_default() {
            if table.get_ref().trim().is_empty() {
                ctx.problem(
                    table.span(),
                    "a table name is empty",
                    "write the table's name, e.g. \"orders\"",
                );
            }
        }
        if self.mode() == Mode::Statements
            && let Some(fixture) = &main
        {
            self.check_tables_exist(ctx, fixture, files);
        }
        for expect in &self.expect {
            if let Some(problem) = expect.get_ref().problem() {
                ctx.problem(expect.span(), problem.0, problem.1);
            }
        }
    }

    /// Every `tables` entry must name a table the fixture or the solution
    /// creates: one that exists nowhere makes every answer pass.
    fn check_tables_exist(&self, ctx: &mut SpecContext<'_>, fixture: &Path, files: &[PathBuf]) {
        let Some(tables) = &self.tables else { return };
        // A solution set elsewhere (`solution = …`) is not known here; the
        // check at run time covers it.
        let Some(solution) = super::kind::SqlKind.default_solution("", "", files) else {
            return;
        };
        let read = |path: &Path| std::fs::read(ctx.root.join(path)).ok();
        let (Some(fixture_text), Some(solution_text)) = (read(fixture), read(&solution)) else {
            return;
        };
        let mut created = created_tables(&String::from_utf8_lossy(&fixture_text));
        created.extend(created_tables(&String::from_utf8_lossy(&solution_text)));
        for table in tables.get_ref() {
            let wanted = table.get_ref().trim();
            if wanted.is_empty() || created.iter().any(|c| c.answers(wanted)) {
                continue;
            }
            let near = created
                .iter()
                .map(|c| match &c.schema {
                    Some(schema) if schema != "temp" => format!("`{schema}.{}`", c.name),
                    _ => format!("`{}`", c.name),
                })
                .collect::<Vec<_>>();
            ctx.problem(
                table.span(),
                format!(
                    "`tables` names `{wanted}`, which neither the fixture nor the solution creates: every answer would pass"
                ),
                if near.is_empty() {
                    "name a table the fixture or the solution creates".to_string()
                } else {
                    format!(
                        "name one of the tables there are: {}; a table in an attached schema is written `schema.table`",
                        near.join(", ")
                    )
                },
            );
        }
    }

    fn check_sessions(&self, ctx: &mut SpecContext<'_>) {
        let Some(order) = &self.sessions else { return };
        if self.engines() != [Engine::Postgres] {
            ctx.problem(
                order.span(),
                "two sessions need PostgreSQL: SQLite runs one connection at a time",
                "add `engine = \"postgres\"` (alone: the exercise cannot run on SQLite)",
            );
        }
        if self.mode() != Mode::Statements || !self.expect.is_empty() {
            ctx.problem(
                order.span(),
                "a two-session exercise is judged by its tables only",
                "set `mode = \"statements\"` and `tables = [...]`, without `expect` entries",
            );
        }
        if order.get_ref().is_empty() {
            ctx.problem(
                order.span(),
                "`sessions` is empty",
                "list the turns, e.g. `sessions = [\"A\", \"B\", \"A\", \"B\"]`: each lets that session run one more statement",
            );
        }
        for entry in order.get_ref() {
            if Session::from_key(entry.get_ref()).is_none() {
                ctx.problem(
                    entry.span(),
                    format!("`{}` is not a session", entry.get_ref()),
                    "the sessions are \"A\" and \"B\"",
                );
            }
        }
    }

    fn check_engines(&self, ctx: &mut SpecContext<'_>) {
        if let Some(engine) = &self.engine
            && let EngineKey::Many(list) = engine.get_ref()
        {
            let distinct: BTreeSet<_> = list.iter().collect();
            if list.is_empty() || distinct.len() != list.len() {
                ctx.problem(
                    engine.span(),
                    "`engine` lists no engine, or one twice",
                    "write `engine = \"postgres\"`, or `engine = [\"sqlite\", \"postgres\"]` for an exercise that runs on both",
                );
            }
        }
        if let Some(solution) = &self.solution_postgres {
            if !self.engines().contains(&Engine::Postgres) {
                ctx.problem(
                    solution.span(),
                    "`solution_postgres` is set, but the exercise does not run on PostgreSQL",
                    "add `engine = [\"sqlite\", \"postgres\"]`, or remove `solution_postgres`",
                );
            } else if let Some(resolved) = ctx.existing_path(solution)
                && !ctx.root.join(&resolved).is_file()
            {
                ctx.problem(
                    solution.span(),
                    format!("`{}` is not a file", solution.get_ref()),
                    "point at the .sql file of the PostgreSQL reference solution",
                );
            }
        }
    }

    /// The reference solution on PostgreSQL, when the exercise names one.
    pub fn postgres_solution(&self, root: &Path) -> anyhow::Result<Option<PathBuf>> {
        self.solution_postgres
            .as_ref()
            .map(|path| {
                resolve_inside(root, path.get_ref()).map_err(|refusal| {
                    anyhow::anyhow!("solution_postgres `{}`: {}", path.get_ref(), refusal.explain())
                })
            })
            .transpose()
    }

    fn check_fixture(&self, ctx: &mut SpecContext<'_>, path: &Spanned<String>) -> Option<PathBuf> {
        let resolved = ctx.existing_path(path)?;
        if !ctx.root.join(&resolved).is_file() {
            ctx.problem(
                path.span(),
                format!("`{}` is not a file", path.get_ref()),
                "point at a .sql file holding the schema and the rows",
            );
            return None;
        }
        Some(resolved)
    }
}

impl Expect {
    /// What is wrong with this entry and what to write instead.
    fn problem(&self) -> Option<(&'static str, &'static str)> {
        let blank = |s: &str| s.trim().is_empty();
        match self {
            Expect::IndexExists(name) if blank(name) => Some((
                "`index_exists` names no index",
                "write the index's name, e.g. `index_exists = \"idx_orders_customer\"`",
            )),
            Expect::IndexOn { table, columns }
                if blank(table) || columns.is_empty() || columns.iter().any(|c| blank(c)) =>
            {
                Some((
                    "`index_on` needs a table and its leading columns",
                    "e.g. `index_on = { table = \"orders\", columns = [\"customer_id\"] }`",
                ))
            }
            Expect::PlanUsesIndex { query, index, .. }
                if blank(query) || index.as_deref().is_some_and(blank) =>
            {
                Some((
                    "`plan_uses_index` needs the query to plan",
                    "e.g. `plan_uses_index = { query = \"SELECT * FROM orders WHERE customer_id = 7\", index = \"idx_orders_customer\" }`",
                ))
            }
            Expect::Rejects(sql) | Expect::Accepts(sql) if blank(sql) => Some((
                "the statement to try is empty",
                "write the SQL, e.g. `rejects = \"INSERT INTO users (email) VALUES (NULL)\"`",
            )),
            Expect::NoPartialWrite { setup, tables }
                if blank(setup) || tables.is_empty() || tables.iter().any(|t| blank(t)) =>
            {
                Some((
                    "`no_partial_write` needs a `setup` that makes the learner's file fail, and the `tables` that must stay untouched",
                    "e.g. `no_partial_write = { setup = \"UPDATE accounts SET balance = 0 WHERE id = 2\", tables = [\"accounts\"] }`",
                ))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        sql: SqlSpec,
    }

    fn parse(body: &str) -> Result<SqlSpec, toml::de::Error> {
        toml::from_str::<Holder>(&format!("[sql]\nfixture = \"f.sql\"\n{body}")).map(|h| h.sql)
    }

    #[test]
    fn defaults_are_unordered_names_ignored_and_a_tiny_tolerance() {
        let spec = parse("").unwrap();
        let rules = spec.query_rules();
        assert_eq!(rules.order, Order::Unordered);
        assert_eq!(rules.names, ColumnNames::Ignore);
        assert!(!rules.exact_types);
        assert_eq!(rules.tolerance, DEFAULT_TOLERANCE);
        assert_eq!(spec.table_rules().names, ColumnNames::CaseInsensitive);
        assert_eq!(spec.mode(), Mode::Query);
    }

    #[test]
    fn order_reads_words_and_key_columns() {
        assert_eq!(
            parse("order = \"ordered\"").unwrap().query_rules().order,
            Order::Ordered
        );
        assert_eq!(
            parse("order = { by = [2, 1] }").unwrap().query_rules().order,
            Order::By(vec![2, 1])
        );
        let err = parse("order = \"sorted\"").unwrap_err().to_string();
        assert!(err.contains("sorted"), "{err}");
        let err = parse("order = { key = 2 }").unwrap_err().to_string();
        assert!(err.contains("key"), "{err}");
    }

    #[test]
    fn expects_are_one_key_tables() {
        let spec = parse(
            "mode = \"statements\"\n\
             [[sql.expect]]\nindex_exists = \"idx_a\"\n\
             [[sql.expect]]\nplan_uses_index = { query = \"SELECT 1\" }\n\
             [[sql.expect]]\nno_partial_write = { setup = \"DELETE FROM a\", tables = [\"a\"] }\n",
        )
        .unwrap();
        assert_eq!(spec.mode(), Mode::Statements);
        assert!(matches!(spec.expect[0].get_ref(), Expect::IndexExists(n) if n == "idx_a"));
        assert!(matches!(
            spec.expect[1].get_ref(),
            Expect::PlanUsesIndex { index: None, .. }
        ));
        assert!(matches!(spec.expect[2].get_ref(), Expect::NoPartialWrite { .. }));
        assert!(parse("[[sql.expect]]\nindex_exist = \"x\"\n").is_err());
    }

    #[test]
    fn blank_expects_are_problems() {
        assert!(Expect::IndexExists(" ".into()).problem().is_some());
        assert!(Expect::Rejects(String::new()).problem().is_some());
        assert!(
            Expect::NoPartialWrite {
                setup: "x".into(),
                tables: vec![]
            }
            .problem()
            .is_some()
        );
        assert!(
            Expect::Accepts("INSERT INTO t VALUES (1)".into())
                .problem()
                .is_none()
        );
    }
}
