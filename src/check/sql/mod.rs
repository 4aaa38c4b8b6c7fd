//! The `sql` kind: the learner's .sql file runs on an embedded SQLite, a fresh
//! in-memory database loaded from the exercise's fixture for every run, and
//! its answer is compared with the reference solution's on the same data —
//! then again on a hidden fixture, so that an answer copied from the visible
//! rows fails.
//!
//! - query mode: the answer is the result of the file's last statement that
//!   returns rows (a SELECT, VALUES, a RETURNING clause), even an empty one;
//! - statements mode: the answer is the content of the named tables afterwards;
//! - `expect` entries add checks on the database left behind.
//!
//! Files run like an application runs them: statement by statement, stopping
//! at the first error; a transaction still open at the end is rolled back.
//!
//! `spec` reads info.toml, `script` cuts files into statements, `run` talks
//! to SQLite, `compare` finds differences, `report` words them, `expect`
//! holds the extra checks.

mod authorize;
mod compare;
pub mod engine;
mod expect;
mod habits;
pub mod kind;
pub mod postgres;
mod report;
mod run;
mod script;
mod shape;
mod spec;
mod trials;
mod value;
mod watchdog;
mod why;

pub use spec::SqlSpec;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Result;

use super::Target;
use crate::outcome::{Detail, Excerpt, Outcome, Status};
use crate::pack::{Exercise, Pack};
use compare::compare;
use engine::{Db, Engine, ReadError};
use report::{Judged, Subject};
use run::{Answer, Database, Deadline, Failure, Finished, Scan};
use script::{Script, one_line, shorten};
use shape::Shape;
use spec::{Expect, Mode, Order, Rules};
use value::{ResultSet, Value};

/// The engine the learner chose (`--sql-engine`), for the exercises that
/// run on it; the others keep their own.
static CHOSEN_ENGINE: OnceLock<Engine> = OnceLock::new();

pub fn choose_engine(engine: Engine) {
    let _ = CHOSEN_ENGINE.set(engine);
}

/// The learner's setting kept in the pack: `.backlings/sql-engine` holds
/// `sqlite` or `postgres`; `--sql-engine` wins over it.
pub const ENGINE_SETTING: &str = ".backlings/sql-engine";

fn chosen_engine(pack: &Pack) -> Result<Option<Engine>> {
    if let Some(engine) = CHOSEN_ENGINE.get() {
        return Ok(Some(*engine));
    }
    let Ok(text) = std::fs::read_to_string(pack.root.join(ENGINE_SETTING)) else {
        return Ok(None);
    };
    match Engine::from_key(&text) {
        Some(engine) => Ok(Some(engine)),
        None => anyhow::bail!(
            "{ENGINE_SETTING} says `{}`: write `sqlite` or `postgres` in it, or delete it",
            text.trim()
        ),
    }
}

pub fn check(pack: &Pack, exercise: &Exercise, spec: &SqlSpec, target: Target) -> Result<Outcome> {
    let engines = spec.engines();
    if target == Target::Learner {
        return check_on(
            pack,
            exercise,
            spec,
            target,
            spec.engine_for(chosen_engine(pack)?),
        );
    }
    if engines.len() == 1 {
        return check_on(pack, exercise, spec, target, engines[0]);
    }
    // `dev check`: an exercise must hold on every engine it runs on. The
    // first telling outcome (a solution that does not pass, a starter that
    // does not fail) is the verdict. An engine this machine lacks is named,
    // and the others decide; skipped only when none could run.
    let mut ran = Vec::new();
    let mut skipped = Vec::new();
    for engine in engines {
        let outcome = check_on(pack, exercise, spec, target, engine)?;
        if outcome.status == Status::Skipped {
            skipped.push(outcome);
        } else {
            ran.push((engine, outcome));
        }
    }
    let telling = |outcome: &Outcome| match target {
        Target::Solution => outcome.status != Status::Pass,
        _ => outcome.status != Status::Fail,
    };
    let chosen = ran.iter().position(|(_, o)| telling(o)).unwrap_or(0);
    let Some((engine, mut outcome)) = ran.into_iter().nth(chosen) else {
        return Ok(skipped.remove(0));
    };
    outcome.message = format!("on {}: {}", engine.product(), outcome.message);
    if !skipped.is_empty() {
        outcome.message = format!("{} (PostgreSQL skipped: not installed)", outcome.message);
    }
    Ok(outcome)
}

fn check_on(
    pack: &Pack,
    exercise: &Exercise,
    spec: &SqlSpec,
    target: Target,
    engine: Engine,
) -> Result<Outcome> {
    let solution = match engine {
        Engine::Postgres => spec.postgres_solution(&pack.root)?,
        Engine::Sqlite => None,
    };
    let reference = Source::read(pack, solution.as_deref().unwrap_or(&exercise.solution))?;
    let answer = match target {
        Target::Solution => None,
        Target::Learner | Target::Starter => {
            let file = &exercise.files[0];
            if !pack.path(file).is_file() {
                return Ok(
                    Outcome::error(format!("{} is missing", file.display())).with(Detail::Text {
                        text: format!("`backlings reset {}` puts the starter back.", exercise.name),
                    }),
                );
            }
            Some(Source::read(pack, file)?)
        }
    };
    let (fixture, hidden_fixture) = spec.fixture_paths(&pack.root)?;
    let mut fixtures = vec![Fixture {
        source: Source::read(pack, &fixture)?,
        hidden: false,
    }];
    if let Some(hidden) = hidden_fixture {
        fixtures.push(Fixture {
            source: Source::read(pack, &hidden)?,
            hidden: true,
        });
    }
    let _busy = match engine {
        Engine::Postgres => postgres::check_in_progress(&pack.root),
        Engine::Sqlite => None,
    };
    let judge = Judge {
        engine,
        pack_root: &pack.root,
        spec,
        deadline: Deadline::starting_now(exercise.timeout),
        reference,
        answer,
        fixtures,
        shape: std::cell::OnceCell::new(),
        bare: std::cell::OnceCell::new(),
    };
    Ok(judge.verdict().unwrap_or_else(|stop| stop))
}

/// A SQL file of the pack and its statements.
struct Source {
    /// Relative to the pack root, for messages.
    path: PathBuf,
    script: Script,
}

impl Source {
    fn read(pack: &Pack, relative: &Path) -> Result<Source> {
        let path = pack.path(relative);
        let bytes =
            std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", relative.display()))?;
        // A stray byte that is not UTF-8 should end up in SQLite's error
        // message at its line, not stop the check.
        Ok(Source {
            path: relative.to_path_buf(),
            script: Script::new(String::from_utf8_lossy(&bytes).into_owned()),
        })
    }

    /// `exercises/databases/x.sql:3:14`
    fn locate(&self, offset: usize) -> String {
        let (line, col) = self.script.line_col(offset);
        format!("{}:{line}:{col}", self.path.display())
    }

    fn statement_start(&self, index: usize) -> usize {
        self.script.statements[index].start
    }
}

struct Fixture {
    source: Source,
    hidden: bool,
}

/// One check of one exercise. Its steps return `Err(outcome)` to end the
/// check with that verdict.
struct Judge<'a> {
    engine: Engine,
    /// For places in info.toml.
    pack_root: &'a Path,
    spec: &'a SqlSpec,
    deadline: Deadline,
    reference: Source,
    /// The learner's file; None when the reference itself is checked.
    answer: Option<Source>,
    fixtures: Vec<Fixture>,
    /// What the parser reads of the judged file's answer statement (by its
    /// index): parsed once for both fixtures, as parsing is a good part of
    /// a check in a debug build.
    shape: std::cell::OnceCell<(usize, Option<Shape>)>,
    /// Its columns beside an aggregate, neither grouped nor determined.
    bare: std::cell::OnceCell<Vec<String>>,
}

type Step<T> = std::result::Result<T, Outcome>;

impl Judge<'_> {
    /// Can the engine read rows in reverse where a query leaves the order
    /// open? SQLite can (`reverse_unordered_selects`); PostgreSQL has no such
    /// switch, so there only the parsed ORDER BY keys give evidence.
    fn engine_reverses_scans(&self) -> bool {
        self.engine == Engine::Sqlite
    }

    /// The file being judged: the learner's, or the reference.
    fn judged(&self) -> &Source {
        self.answer.as_ref().unwrap_or(&self.reference)
    }

    fn learner_shape(&self, statement: usize) -> Option<&Shape> {
        let (index, shape) = self
            .shape
            .get_or_init(|| (statement, Shape::of(self.judged().script.statement(statement))));
        if *index == statement { shape.as_ref() } else { None }
    }

    fn verdict(&self) -> Step<Outcome> {
        if self.reference.script.is_blank() {
            return Err(Outcome::error(format!(
                "the reference solution {} holds no SQL statement",
                self.reference.path.display()
            )));
        }
        if self.judged().script.is_blank() {
            let path = self.judged().path.display();
            return Err(
                Outcome::fail(format!("not started: {path} holds no SQL statement yet")).with(Detail::Text {
                    text: format!("Write your SQL in {path}, below the explanation; every save is checked."),
                }),
            );
        }
        let mut rows = 0;
        for fixture in &self.fixtures {
            match self.spec.mode() {
                Mode::Query => {
                    let found = self.compare_query(fixture)?;
                    if !fixture.hidden {
                        rows = found;
                    }
                }
                Mode::Statements => self.compare_tables(fixture)?,
            }
        }
        let checks = self.expects()?;
        let mut outcome = Outcome::pass(self.summary(rows, checks));
        if self.answer.is_none() && self.fixtures.len() < 2 {
            outcome.push(Detail::Text {
                text: "note: this exercise has no `hidden_fixture`, so an answer that copies the visible \
                       rows would pass too; add one (same schema, other rows)."
                    .into(),
            });
        }
        Ok(outcome)
    }

    fn summary(&self, rows: usize, checks: usize) -> String {
        let hidden = if self.fixtures.len() > 1 {
            ", on the hidden data set too"
        } else {
            ""
        };
        let mut line = match self.spec.mode() {
            Mode::Query => {
                let what = match rows {
                    0 => "the result is empty, as expected".to_string(),
                    1 => "1 row matches the answer".to_string(),
                    n => format!("{n} rows match the answer"),
                };
                let in_order = match self.spec.query_rules().order {
                    Order::Unordered => "",
                    _ => ", in order",
                };
                format!("{what}{in_order}{hidden}")
            }
            Mode::Statements => {
                let tables = self.spec.tables();
                match tables.len() {
                    0 => String::new(),
                    1 => format!("`{}` holds the expected rows{hidden}", tables[0]),
                    _ => format!(
                        "{} hold the expected rows{hidden}",
                        tables
                            .iter()
                            .map(|t| format!("`{t}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            }
        };
        if checks > 0 {
            let checks = if checks == 1 {
                "1 check passes".to_string()
            } else {
                format!("{checks} checks pass")
            };
            line = if line.is_empty() {
                checks
            } else {
                format!("{line}; {checks}")
            };
        }
        line
    }

    /// A fresh database with `fixture` loaded.
    fn load(&self, fixture: &Fixture) -> Step<Box<dyn Db>> {
        self.load_with(fixture, Scan::Usual)
    }

    fn load_with(&self, fixture: &Fixture, scan: Scan) -> Step<Box<dyn Db>> {
        let loaded =
            |failure: Failure| self.pack_failure("the fixture", &fixture.source, &failure, "does not load");
        match self.engine {
            Engine::Sqlite => {
                let db = Database::open_with(self.deadline, scan)
                    .map_err(|e| Outcome::error(format!("cannot open an in-memory SQLite database: {e}")))?;
                db.run(&fixture.source.script).map_err(loaded)?;
                Ok(Box::new(db))
            }
            Engine::Postgres => {
                match postgres::Database::open(self.pack_root, &fixture.source.script, self.deadline) {
                    Ok(db) => Ok(Box::new(db)),
                    Err(postgres::OpenError::Fixture(failure)) => Err(loaded(failure)),
                    Err(postgres::OpenError::Unavailable(outcome)) => Err(*outcome),
                }
            }
        }
    }

    /// Run the reference on a loaded database; its failures are the pack's.
    fn run_reference(&self, db: &dyn Db, fixture: &Fixture) -> Step<Finished> {
        db.run(&self.reference.script).map_err(|failure| {
            let on = format!("fails on {}", fixture.source.path.display());
            self.pack_failure("the reference solution", &self.reference, &failure, &on)
        })
    }

    /// Run the judged file on a loaded database; its failures are the verdict.
    fn run_judged(&self, db: &dyn Db, fixture: &Fixture) -> Step<Finished> {
        if self.answer.is_none() {
            return self.run_reference(db, fixture);
        }
        db.run(&self.judged().script).map_err(|failure| {
            let mut outcome = self.learner_failure(&failure);
            if fixture.hidden && matches!(failure, Failure::Sql { .. } | Failure::Oversized { .. }) {
                // It ran on the visible rows (they come first), so the data decides.
                outcome.message = format!("on the hidden data set only: {}", outcome.message);
                outcome.push(Detail::Text {
                    text: "Your SQL runs on the rows you can see but fails on the hidden data set (same \
                           tables, other rows). Look for what other rows can hold: a NULL, a duplicate that \
                           breaks a UNIQUE constraint, a zero you divide by, more rows than a subquery may \
                           return, text where you expect a number."
                        .into(),
                });
            }
            outcome
        })
    }

    fn compare_query(&self, fixture: &Fixture) -> Step<usize> {
        let db = self.load(fixture)?;
        let Some(expected) = self.run_reference(&*db, fixture)?.answer else {
            return Err(Outcome::error(format!(
                "the reference solution {} returns no rows: in query mode its last SELECT is the answer \
                 (or set `mode = \"statements\"`)",
                self.reference.path.display()
            )));
        };
        let rules = self.spec.query_rules();
        if let Order::By(columns) = &rules.order
            && let Some(beyond) = columns.iter().find(|&&c| c > expected.result.columns.len())
        {
            return Err(Outcome::error(format!(
                "`order = {{ by = [...] }}` names column {beyond}, but the reference result has {} columns",
                expected.result.columns.len()
            )));
        }
        if self.answer.is_none() {
            self.reference_order_is_fixed(&*db, fixture, &expected, &rules)?;
            return Ok(expected.result.rows.len());
        }
        let db = self.load(fixture)?;
        let finished = self.run_judged(&*db, fixture)?;
        let Some(found) = finished.answer else {
            return Err(Outcome::fail(
                "none of your statements returns rows: the answer is the result of the last SELECT in your file",
            ));
        };
        let statement = self.judged().script.statement(found.statement);
        let cmp = compare(&expected.result, &found.result, &rules);
        // Parsing is a good part of a check in a debug build: a right,
        // unordered answer without an aggregate has nothing to parse for.
        let shape = if cmp.is_equal()
            && rules.order == Order::Unordered
            && !self.judged().script.may_aggregate(found.statement)
        {
            None
        } else {
            self.learner_shape(found.statement)
        };
        // The hidden fixture has the same schema: the same keys decide.
        let bare = self
            .bare
            .get_or_init(|| shape.map(|s| bare_columns(&*db, s)).unwrap_or_default());
        let judged = Judged {
            subject: Subject::Query {
                has_order_by: shape.map_or_else(
                    || self.judged().script.has_order_by(found.statement),
                    |s| s.ordered,
                ),
            },
            hidden: fixture.hidden,
            rules: &rules,
        };
        if cmp.is_equal() {
            if let Some(outcome) = report::bare_columns(bare, true) {
                return Err(outcome);
            }
            self.order_is_fixed(&*db, fixture, &expected.result, &found, shape, &judged)?;
            return Ok(found.result.rows.len());
        }
        let mut outcome = report::mismatch(&cmp, &expected.result, &found.result, &judged);
        let trial = |sql: &str| db.run(&Script::new(sql)).ok()?.answer.map(|a| a.result);
        let evidence = why::Evidence {
            cmp: &cmp,
            expected: &expected.result,
            found: &found.result,
            rules: &rules,
            statement,
            shape,
            trial: &trial,
        };
        for text in why::notes(&evidence) {
            outcome.push(Detail::Text { text });
        }
        if let Some(note) = report::bare_columns(bare, false) {
            outcome.details.extend(note.details);
        }
        Err(outcome)
    }

    /// The learner's rows came in the right order: was it the query's doing?
    /// An order needs the outermost ORDER BY, whose keys break every tie the
    /// exercise cares about; SQL the parser does not read must give the same
    /// result with SQLite reading the tables the other way round.
    fn order_is_fixed(
        &self,
        db: &dyn Db,
        fixture: &Fixture,
        expected: &ResultSet,
        found: &Answer,
        shape: Option<&Shape>,
        judged: &Judged<'_>,
    ) -> Step<()> {
        if judged.rules.order == Order::Unordered || found.result.rows.len() < 2 {
            return Ok(());
        }
        if shape.is_some_and(|s| !s.ordered) {
            return Err(report::order_by_chance(judged));
        }
        match unbroken_tie(db, shape, &found.result, judged.rules) {
            Ties::Unbroken(row, keys) => return Err(report::unbroken_tie(row, &keys, judged)),
            // SQLite ignores the reversal under an outermost ORDER BY, so
            // once the keys are known to break every tie a second run adds
            // nothing (and costs a third of the check).
            Ties::Broken => return Ok(()),
            Ties::Unknown => {}
        }
        if !self.engine_reverses_scans() {
            return Ok(());
        }
        // SQL the parser could not read: let SQLite show an incidental order.
        let db = self.load_with(fixture, Scan::Reversed)?;
        let Some(again) = self.run_judged(&*db, fixture)?.answer else {
            return Ok(());
        };
        let cmp = compare(expected, &again.result, judged.rules);
        if cmp.is_equal() {
            return Ok(());
        }
        Err(report::order_left_open(&cmp, expected, &again.result, judged))
    }

    /// `dev check`: an ordered exercise's reference must fix its order, or
    /// learners are held to an order SQLite happened to produce.
    fn reference_order_is_fixed(
        &self,
        db: &dyn Db,
        fixture: &Fixture,
        expected: &Answer,
        rules: &Rules,
    ) -> Step<()> {
        if rules.order == Order::Unordered || expected.result.rows.len() < 2 {
            return Ok(());
        }
        let shape = Shape::of(self.reference.script.statement(expected.statement));
        match unbroken_tie(db, shape.as_ref(), &expected.result, rules) {
            Ties::Broken => return Ok(()),
            Ties::Unknown => {}
            Ties::Unbroken(row, keys) => {
                let message = format!(
                    "the reference solution {} leaves rows {} and {} of its result on {} in either order: \
                     they tie on its ORDER BY ({keys})",
                    self.reference.path.display(),
                    row + 1,
                    row + 2,
                    fixture.source.path.display()
                );
                return Err(Outcome::error(message).with(reference_order_advice()));
            }
        }
        if !self.engine_reverses_scans() {
            return Ok(());
        }
        let expected = &expected.result;
        let db = self.load_with(fixture, Scan::Reversed)?;
        let Some(again) = self.run_reference(&*db, fixture)?.answer else {
            return Ok(());
        };
        if compare(expected, &again.result, rules).is_equal() {
            return Ok(());
        }
        Err(Outcome::error(format!(
            "the reference solution {} does not fix its order on {}: run again with SQLite's reading \
             order reversed (PRAGMA reverse_unordered_selects), it returns the rows in another order",
            self.reference.path.display(),
            fixture.source.path.display()
        ))
        .with(reference_order_advice()))
    }

    fn compare_tables(&self, fixture: &Fixture) -> Step<()> {
        let tables = self.spec.tables();
        let db = self.load(fixture)?;
        match self.spec.sessions() {
            Some(order) => self.reference_sessions(&*db, fixture, &order)?,
            None => drop(self.run_reference(&*db, fixture)?),
        }
        let expected = self.snapshot(&*db, &tables)?;
        if expected.iter().any(|(_, set)| set.is_none()) {
            self.tables_exist_somewhere(fixture, &expected)?;
        }
        if self.answer.is_none() {
            return Ok(());
        }
        let db = self.load(fixture)?;
        let (finished, stopped) = match self.spec.sessions() {
            Some(order) => match db.run_sessions(&self.judged().script, &order) {
                Ok(run) => (Finished::default(), run.failures),
                Err(failure) => return Err(self.learner_failure(&failure)),
            },
            None => (self.run_judged(&*db, fixture)?, Vec::new()),
        };
        let found = self.snapshot(&*db, &tables)?;
        let rules = self.spec.table_rules();
        let mut problems: Vec<Outcome> = Vec::new();
        for ((name, want), (_, got)) in expected.iter().zip(&found) {
            let where_ = if fixture.hidden {
                format!("on the hidden data set, table `{name}`")
            } else {
                format!("table `{name}`")
            };
            match (want, got) {
                (Some(want), Some(got)) => {
                    let cmp = compare(want, got, &rules);
                    if !cmp.is_equal() {
                        let judged = Judged {
                            subject: Subject::Table(name),
                            hidden: fixture.hidden,
                            rules: &rules,
                        };
                        problems.push(report::mismatch(&cmp, want, got, &judged));
                    }
                }
                (Some(_), None) => problems.push(Outcome::fail(format!(
                    "{where_} no longer exists after your statements"
                ))),
                (None, Some(_)) => problems.push(Outcome::fail(format!(
                    "{where_} still exists; after your statements it should be gone"
                ))),
                (None, None) => {}
            }
        }
        if let Some(outcome) = self.stopped_session(&stopped, problems.as_slice()) {
            return Err(outcome);
        }
        if problems.is_empty() {
            return Ok(());
        }
        let sessions_note = self.spec.sessions.as_ref().map(|order| {
            let turns: Vec<&str> = order.get_ref().iter().map(|s| s.get_ref().as_str()).collect();
            Detail::Text {
                text: format!(
                    "Your statements ran in two sessions, A and B, taking turns as the exercise says ({}): \
                     each turn lets that session run its next statement, and a session that waits for a \
                     lock goes on once the other one releases it. A value one session read before the \
                     other committed is stale when it writes it back.",
                    turns.join(", ")
                ),
            }
        });
        let first = &problems[0];
        let mut outcome = Outcome::fail(match problems.len() {
            1 => first.message.clone(),
            n => format!(
                "{} (and {} more table{} differ)",
                first.message,
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        });
        for detail in problems.into_iter().flat_map(|p| p.details) {
            // The same note (the hidden data set, a legend) once, not per table.
            let repeated = matches!(&detail, Detail::Text { text } if outcome.details.iter().any(
                |d| matches!(d, Detail::Text { text: seen } if seen == text)));
            if !repeated {
                outcome.push(detail);
            }
        }
        if finished.rolled_back_open_transaction {
            outcome.push(open_transaction_note());
        }
        if let Some(note) = sessions_note {
            outcome.push(note);
        }
        Err(outcome)
    }

    /// The reference of a two-session exercise runs through both sessions
    /// without an error (a deadlock in the reference is the pack's problem).
    fn reference_sessions(&self, db: &dyn Db, fixture: &Fixture, order: &[engine::Session]) -> Step<()> {
        let on = format!("fails on {}", fixture.source.path.display());
        match db.run_sessions(&self.reference.script, order) {
            Ok(run) => match run.failures.first() {
                None => Ok(()),
                Some((session, failure)) => Err(self.pack_failure(
                    &format!("the reference solution (session {session})"),
                    &self.reference,
                    failure,
                    &on,
                )),
            },
            Err(failure) => Err(self.pack_failure("the reference solution", &self.reference, &failure, &on)),
        }
    }

    /// A session of the learner's stopped at an error: the verdict names it,
    /// with the tables' differences it caused.
    fn stopped_session(
        &self,
        stopped: &[(engine::Session, Failure)],
        problems: &[Outcome],
    ) -> Option<Outcome> {
        let (session, failure) = stopped.first()?;
        let mut outcome = self.learner_failure(failure);
        outcome.message = format!("session {session} stopped: {}", outcome.message);
        if let Failure::Sql { message, .. } = failure
            && message.contains("deadlock")
        {
            outcome.push(Detail::Text {
                text: format!(
                    "Each session held a row lock the other one waited for, so PostgreSQL ended one of \
                     them (session {session}) and rolled its transaction back. Two transactions that lock \
                     the same rows in the same order (the lower id first, say) wait for each other instead \
                     of deadlocking."
                ),
            });
        }
        for (other, failure) in stopped.iter().skip(1) {
            outcome.push(Detail::Text {
                text: format!(
                    "Session {other} stopped too: {}",
                    self.learner_failure(failure).message
                ),
            });
        }
        for problem in problems {
            outcome.details.extend(problem.details.iter().cloned());
        }
        Some(outcome)
    }

    /// A table the reference leaves absent must at least be in the fixture
    /// (the exercise is to drop it): one that is nowhere makes every answer
    /// pass, so it is the pack's error.
    fn tables_exist_somewhere(
        &self,
        fixture: &Fixture,
        after_reference: &[(String, Option<ResultSet>)],
    ) -> Step<()> {
        let db = self.load(fixture)?;
        let names: Vec<String> = after_reference.iter().map(|(name, _)| name.clone()).collect();
        let before = self.snapshot(&*db, &names)?;
        let Some(index) = (0..names.len()).find(|&i| after_reference[i].1.is_none() && before[i].1.is_none())
        else {
            return Ok(());
        };
        let entry = self
            .spec
            .tables
            .as_ref()
            .and_then(|t| t.get_ref().get(index))
            .map(toml::Spanned::span);
        Err(Outcome::error(format!(
            "{}: `tables` names `{}`, which exists neither in {} nor after the reference solution {}: every answer would pass",
            self.info_place(entry),
            names[index],
            fixture.source.path.display(),
            self.reference.path.display()
        ))
        .with(Detail::Text {
            text: "This is a problem of the exercise pack, not of your answer: check the table's name; a \
                   table in an attached schema is written `schema.table`."
                .into(),
        }))
    }

    /// `info.toml:LINE:COL` of a span in the pack's info.toml.
    fn info_place(&self, span: Option<std::ops::Range<usize>>) -> String {
        let source = std::fs::read_to_string(self.pack_root.join(crate::pack::INFO_FILE)).unwrap_or_default();
        match span {
            Some(span) if !source.is_empty() => {
                let (line, col) = crate::pack::line_col(&source, span.start);
                format!("{}:{line}:{col}", crate::pack::INFO_FILE)
            }
            _ => crate::pack::INFO_FILE.to_string(),
        }
    }

    /// The content of `tables`, each None when it does not exist.
    fn snapshot(&self, db: &dyn Db, tables: &[String]) -> Step<Vec<(String, Option<ResultSet>)>> {
        tables
            .iter()
            .map(|name| match db.table(name) {
                Ok(set) => Ok((name.clone(), set)),
                Err(ReadError::Db(e)) if e.interrupted || db.timed_out() => Err(self.timeout(None)),
                Err(ReadError::Db(e)) => Err(Outcome::error(format!("reading table `{name}` failed: {e}"))),
                Err(ReadError::Oversized(rows)) => Err(Outcome::fail(format!(
                    "table `{name}` holds more than {rows} rows, more than a check reads"
                ))),
            })
            .collect()
    }

    /// Run the `expect` checks on the main fixture; returns how many passed.
    fn expects(&self) -> Step<usize> {
        if self.spec.expect.is_empty() {
            return Ok(0);
        }
        let main = &self.fixtures[0];
        let db = self.load(main)?;
        self.run_judged(&*db, main)?;
        let timeout = || self.timeout(None);
        for expect in &self.spec.expect {
            match expect.get_ref() {
                Expect::NoPartialWrite { setup, tables } => self.no_partial_write(main, setup, tables)?,
                other => expect::judge(other, &*db, &timeout)?,
            }
        }
        Ok(self.spec.expect.len())
    }

    /// After `setup`, the judged file fails somewhere; stopped there and its
    /// open transaction rolled back (as an application would), it must have
    /// left `tables` exactly as they were.
    fn no_partial_write(&self, fixture: &Fixture, setup: &str, tables: &[String]) -> Step<()> {
        let db = self.load(fixture)?;
        let setup_source = Source {
            path: PathBuf::from("no_partial_write.setup"),
            script: Script::new(setup),
        };
        if let Err(failure) = db.run(&setup_source.script) {
            return Err(self.pack_failure(
                "the setup of `no_partial_write`",
                &setup_source,
                &failure,
                "fails",
            ));
        }
        let before = self.snapshot(&*db, tables)?;
        let failure = db.run(&self.judged().script).err();
        if let Some(f @ Failure::Interrupted { .. }) = &failure {
            return Err(self.timeout(Some(f.statement())));
        }
        db.end_open_transaction();
        let after = self.snapshot(&*db, tables)?;
        let rules = self.spec.table_rules();
        for ((name, want), (_, got)) in before.iter().zip(&after) {
            let (Some(want), Some(got)) = (want, got) else {
                if want.is_some() != got.is_some() {
                    return Err(Outcome::fail(format!(
                        "after `{}`, your statements drop or create table `{name}`; it must stay as it was",
                        one_line(setup)
                    )));
                }
                continue;
            };
            let cmp = compare(want, got, &rules);
            if cmp.is_equal() {
                continue;
            }
            let source = self.judged();
            let why = match &failure {
                Some(Failure::Sql {
                    statement, message, ..
                }) => format!(
                    "when line {} fails ({message}), your statements leave a partial write in `{name}`",
                    source.script.line_col(source.statement_start(*statement)).0
                ),
                _ => format!(
                    "after `{}`, your statements must leave `{name}` as it was, but they change it",
                    one_line(setup)
                ),
            };
            let judged = Judged {
                subject: Subject::Table(name),
                hidden: false,
                rules: &rules,
            };
            let mut outcome = report::mismatch(&cmp, want, got, &judged);
            outcome.message = why;
            outcome.push(Detail::Text {
                text: format!(
                    "The check applied `{}` first, so that a statement of yours fails. Outside a \
                     transaction each statement is kept as soon as it runs, so a failure halfway keeps \
                     the first half. Inside BEGIN … COMMIT, the application stops at the error and the \
                     open transaction is rolled back: all or nothing.",
                    one_line(setup)
                ),
            });
            return Err(outcome);
        }
        Ok(())
    }

    /// The learner's file stopped early: say where and why.
    fn learner_failure(&self, failure: &Failure) -> Outcome {
        let source = self.judged();
        match failure {
            Failure::Sql {
                statement,
                offset,
                message,
                ..
            } => {
                let (line, column, text) = source.script.excerpt_line(*offset);
                let mut outcome = Outcome::fail(format!("{}: {message}", source.locate(*offset))).with(
                    Detail::Excerpt(Excerpt {
                        file: source.path.display().to_string(),
                        line,
                        column,
                        text,
                        message: if column == source.script.line_col(*offset).1 {
                            shorten(message, 200)
                        } else {
                            // A window of a long line: its column is not the file's.
                            format!(
                                "{} (column {} of a long line, shown around it)",
                                shorten(message, 200),
                                source.script.line_col(*offset).1
                            )
                        },
                    }),
                );
                let habits = match self.engine {
                    Engine::Sqlite => habits::habits_in(source.script.statement(*statement)),
                    Engine::Postgres => Vec::new(),
                };
                for habit in habits {
                    outcome.push(Detail::Text {
                        text: format!(
                            "SQLite does not know {}; the SQLite way: {}.",
                            habit.construct, habit.sqlite_way
                        ),
                    });
                }
                if source.script.statement(*statement).starts_with('.') {
                    outcome.push(Detail::Text {
                        text: "Commands that start with a dot (.tables, .schema, .mode) belong to the \
                               sqlite3 shell, not to SQL: the check runs SQL only."
                            .into(),
                    });
                }
                outcome
            }
            Failure::Interrupted { statement } => self.timeout(Some(*statement)),
            Failure::Oversized { statement, rows_read } => Outcome::fail(format!(
                "{}: this statement returns too much; the check stopped reading after {rows_read} rows",
                source.locate(source.statement_start(*statement))
            ))
            .with(runaway_advice()),
        }
    }

    fn timeout(&self, statement: Option<usize>) -> Outcome {
        let mut outcome = Outcome::timeout(self.deadline.limit);
        if let Some(index) = statement {
            let source = self.judged();
            outcome.message = format!(
                "{}: still running at the time limit of {}, so it was stopped",
                source.locate(source.statement_start(index)),
                crate::outcome::human_duration(self.deadline.limit)
            );
            outcome.push(Detail::Output {
                title: "the statement that was running".into(),
                text: source.script.statement_preview(index),
                truncated_bytes: 0,
            });
        }
        outcome.with(runaway_advice())
    }

    /// A fixture, the reference or a setup failed: the pack's problem, not the learner's.
    fn pack_failure(&self, what: &str, source: &Source, failure: &Failure, verb: &str) -> Outcome {
        let text = match failure {
            Failure::Sql { offset, message, .. } => format!("{}: {message}", source.locate(*offset)),
            Failure::Interrupted { statement } => format!(
                "{}: ran past the time limit of {}",
                source.locate(source.statement_start(*statement)),
                crate::outcome::human_duration(self.deadline.limit)
            ),
            Failure::Oversized { statement, rows_read } => format!(
                "{}: returned more than {rows_read} rows",
                source.locate(source.statement_start(*statement))
            ),
        };
        Outcome::error(format!("{what} {verb}: {text}")).with(Detail::Text {
            text: "This is a problem of the exercise pack, not of your answer: `backlings dev check` \
                   shows it to the pack's author."
                .into(),
        })
    }
}

/// The columns of `shape` that stand beside an aggregate ungrouped, with
/// the database's primary keys to tell a determined column from a bare one.
fn bare_columns(db: &dyn Db, shape: &Shape) -> Vec<String> {
    shape.bare_columns(&|table| db.primary_key(table), &|table, column| {
        db.has_column(table, column)
    })
}

fn reference_order_advice() -> Detail {
    Detail::Text {
        text: "Give its ORDER BY a tiebreaker (a name, an id) so that every row has one place, or let \
               ties come in any order with `order = { by = [COLUMN, ...] }`."
            .into(),
    }
}

/// What the ORDER BY keys of a result show.
enum Ties {
    /// Every pair of neighbouring rows the exercise places apart differs on
    /// the keys: the query fixes the order.
    Broken,
    /// Rows `.0` and `.0 + 1` tie on every key (`.1`: the keys and their
    /// shared values) although the exercise gives them distinct places.
    /// SQLite keeps tied rows in the order it read them, so theirs is chance.
    Unbroken(usize, String),
    /// The keys could not be located (SQL the parser does not read).
    Unknown,
}

fn unbroken_tie(db: &dyn Db, shape: Option<&Shape>, result: &ResultSet, rules: &Rules) -> Ties {
    shape
        .and_then(|shape| ties(db, shape, result, rules))
        .unwrap_or(Ties::Unknown)
}

fn ties(db: &dyn Db, shape: &Shape, result: &ResultSet, rules: &Rules) -> Option<Ties> {
    let keys = shape.order_keys(&result.columns)?;
    let with_keys;
    let rows = match &keys.rewritten {
        None => &result.rows,
        Some(sql) => {
            with_keys = db.run(&Script::new(sql.as_str())).ok()?.answer?.result.rows;
            // The keys must belong to the same rows in the same order.
            let same = with_keys.len() == result.rows.len()
                && with_keys.iter().zip(&result.rows).all(|(k, r)| {
                    k.len() > r.len() && r.iter().zip(k).all(|(a, b)| compare::cells_equal(a, b, rules))
                });
            if !same {
                return None;
            }
            &with_keys
        }
    };
    let key_of = |row: &[Value]| -> Option<Vec<Value>> {
        keys.keys
            .iter()
            .map(|k| match k {
                shape::SortKey::Column(i) | shape::SortKey::Extra(i) => row.get(*i).cloned(),
            })
            .collect()
    };
    let width = result.columns.len();
    for i in 0..rows.len().saturating_sub(1) {
        let (a, b) = (&rows[i], &rows[i + 1]);
        let (ka, kb) = (key_of(a)?, key_of(b)?);
        if !ka.iter().zip(&kb).all(|(x, y)| compare::cells_equal(x, y, rules)) {
            continue;
        }
        let placed_apart = match &rules.order {
            Order::By(columns) => columns
                .iter()
                .any(|&c| c <= width && !compare::cells_equal(&a[c - 1], &b[c - 1], rules)),
            _ => (0..width).any(|c| !compare::cells_equal(&a[c], &b[c], rules)),
        };
        if placed_apart {
            let shown = keys
                .written
                .iter()
                .zip(&ka)
                .map(|(k, v)| format!("`{k}` = {}", v.display()))
                .collect::<Vec<_>>()
                .join(", ");
            return Some(Ties::Unbroken(i, shown));
        }
    }
    Some(Ties::Broken)
}

fn runaway_advice() -> Detail {
    Detail::Text {
        text: "A recursive CTE needs a condition that ends it (`WHERE n < 10`); a join without an ON \
               condition pairs every row with every row of the other table."
            .into(),
    }
}

fn open_transaction_note() -> Detail {
    Detail::Text {
        text: "Your file begins a transaction it never ends. Closing the connection rolls it back, so \
               none of its changes are kept: end it with COMMIT."
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_pack() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sql")
    }

    fn spec(exercise: &Exercise) -> &SqlSpec {
        crate::check::spec_of(exercise)
    }

    /// What `dev check` will demand: every starter fails, every solution passes.
    #[test]
    fn in_the_fixture_pack_starters_fail_and_solutions_pass() {
        let pack = Pack::load(&fixture_pack(), &crate::check::readers()).unwrap();
        for exercise in &pack.exercises {
            let starter = check(&pack, exercise, spec(exercise), Target::Starter).unwrap();
            assert_eq!(
                starter.status,
                Status::Fail,
                "{}: {}",
                exercise.name,
                starter.message
            );
            let solution = check(&pack, exercise, spec(exercise), Target::Solution).unwrap();
            assert_eq!(
                solution.status,
                Status::Pass,
                "{}: {}",
                exercise.name,
                solution.message
            );
        }
    }

    #[test]
    fn a_solution_without_hidden_fixture_gets_a_note() {
        let pack = Pack::load(&fixture_pack(), &crate::check::readers()).unwrap();
        let exercise = pack.exercises.iter().find(|e| e.name == "orders_index").unwrap();
        let outcome = check(&pack, exercise, spec(exercise), Target::Solution).unwrap();
        let notes = serde_json::to_string(&outcome.details).unwrap();
        assert!(notes.contains("no `hidden_fixture`"), "{notes}");
        let exercise = pack.exercises.iter().find(|e| e.name == "big_spenders").unwrap();
        let outcome = check(&pack, exercise, spec(exercise), Target::Solution).unwrap();
        assert!(outcome.details.is_empty());
    }

    #[test]
    fn a_file_deleted_after_loading_is_an_error_with_a_way_back() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["data", "exercises/databases", "solutions/databases"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for entry in std::fs::read_dir(fixture_pack().join(sub)).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), dir.path().join(sub).join(entry.file_name())).unwrap();
            }
        }
        std::fs::copy(fixture_pack().join("info.toml"), dir.path().join("info.toml")).unwrap();
        let pack = Pack::load(dir.path(), &crate::check::readers()).unwrap();
        let exercise = &pack.exercises[0];
        std::fs::remove_file(pack.path(&exercise.files[0])).unwrap();
        let outcome = check(&pack, exercise, spec(exercise), Target::Learner).unwrap();
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.message.ends_with("is missing"), "{}", outcome.message);
    }
}
