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

mod compare;
mod expect;
pub mod kind;
mod report;
mod run;
mod script;
mod spec;
mod value;

pub use spec::SqlSpec;

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Target;
use crate::outcome::{Detail, Outcome};
use crate::pack::{Exercise, Pack};
use compare::compare;
use report::{Judged, Subject};
use run::{Database, Deadline, Failure, Finished, ReadError};
use script::{Script, one_line};
use spec::{Expect, Mode, Order};
use value::ResultSet;

pub fn check(pack: &Pack, exercise: &Exercise, spec: &SqlSpec, target: Target) -> Result<Outcome> {
    let reference = Source::read(pack, &exercise.solution)?;
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
    let judge = Judge {
        spec,
        deadline: Deadline::starting_now(exercise.timeout),
        reference,
        answer,
        fixtures,
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
    spec: &'a SqlSpec,
    deadline: Deadline,
    reference: Source,
    /// The learner's file; None when the reference itself is checked.
    answer: Option<Source>,
    fixtures: Vec<Fixture>,
}

type Step<T> = std::result::Result<T, Outcome>;

impl Judge<'_> {
    /// The file being judged: the learner's, or the reference.
    fn judged(&self) -> &Source {
        self.answer.as_ref().unwrap_or(&self.reference)
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
    fn load(&self, fixture: &Fixture) -> Step<Database> {
        let db = Database::open(self.deadline)
            .map_err(|e| Outcome::error(format!("cannot open an in-memory SQLite database: {e}")))?;
        if let Err(failure) = db.run(&fixture.source.script) {
            return Err(self.pack_failure("the fixture", &fixture.source, &failure, "does not load"));
        }
        Ok(db)
    }

    /// Run the reference on a loaded database; its failures are the pack's.
    fn run_reference(&self, db: &Database, fixture: &Fixture) -> Step<Finished> {
        db.run(&self.reference.script).map_err(|failure| {
            let on = format!("fails on {}", fixture.source.path.display());
            self.pack_failure("the reference solution", &self.reference, &failure, &on)
        })
    }

    /// Run the judged file on a loaded database; its failures are the verdict.
    fn run_judged(&self, db: &Database, fixture: &Fixture) -> Step<Finished> {
        if self.answer.is_none() {
            return self.run_reference(db, fixture);
        }
        db.run(&self.judged().script)
            .map_err(|f| self.learner_failure(&f))
    }

    fn compare_query(&self, fixture: &Fixture) -> Step<usize> {
        let db = self.load(fixture)?;
        let Some(expected) = self.run_reference(&db, fixture)?.answer else {
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
            return Ok(expected.result.rows.len());
        }
        let db = self.load(fixture)?;
        let finished = self.run_judged(&db, fixture)?;
        let Some(found) = finished.answer else {
            return Err(Outcome::fail(
                "none of your statements returns rows: the answer is the result of the last SELECT in your file",
            ));
        };
        let cmp = compare(&expected.result, &found.result, &rules);
        if cmp.is_equal() {
            return Ok(found.result.rows.len());
        }
        let judged = Judged {
            subject: Subject::Query {
                has_order_by: self.judged().script.has_order_by(found.statement),
            },
            hidden: fixture.hidden,
            rules: &rules,
        };
        Err(report::mismatch(&cmp, &expected.result, &found.result, &judged))
    }

    fn compare_tables(&self, fixture: &Fixture) -> Step<()> {
        let tables = self.spec.tables();
        let db = self.load(fixture)?;
        self.run_reference(&db, fixture)?;
        let expected = self.snapshot(&db, &tables)?;
        if self.answer.is_none() {
            return Ok(());
        }
        let db = self.load(fixture)?;
        let finished = self.run_judged(&db, fixture)?;
        let found = self.snapshot(&db, &tables)?;
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
        let Some(first) = problems.first() else {
            return Ok(());
        };
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
        Err(outcome)
    }

    /// The content of `tables`, each None when it does not exist.
    fn snapshot(&self, db: &Database, tables: &[String]) -> Step<Vec<(String, Option<ResultSet>)>> {
        tables
            .iter()
            .map(|name| match db.table(name) {
                Ok(set) => Ok((name.clone(), set)),
                Err(ReadError::Sqlite(e)) if run::is_interrupt(&e) || db.timed_out() => {
                    Err(self.timeout(None))
                }
                Err(ReadError::Sqlite(e)) => {
                    Err(Outcome::error(format!("reading table `{name}` failed: {e}")))
                }
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
        self.run_judged(&db, main)?;
        let timeout = || self.timeout(None);
        for expect in &self.spec.expect {
            match expect.get_ref() {
                Expect::NoPartialWrite { setup, tables } => self.no_partial_write(main, setup, tables)?,
                other => expect::judge(other, &db, &timeout)?,
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
        let before = self.snapshot(&db, tables)?;
        let failure = db.run(&self.judged().script).err();
        if let Some(f @ Failure::Interrupted { .. }) = &failure {
            return Err(self.timeout(Some(f.statement())));
        }
        db.end_open_transaction();
        let after = self.snapshot(&db, tables)?;
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
                let mut outcome =
                    Outcome::fail(format!("{}: {message}", source.locate(*offset))).with(Detail::Output {
                        title: "SQLite stops here".into(),
                        text: source.script.excerpt(*offset),
                        truncated_bytes: 0,
                    });
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
                text: source
                    .script
                    .statement(index)
                    .lines()
                    .take(12)
                    .collect::<Vec<_>>()
                    .join("\n"),
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
    use crate::outcome::Status;

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
