//! The declarative extra checks of `[[exercises.sql.expect]]` that look at
//! one database: indexes, query plans, statements a constraint must reject or
//! accept. (`no_partial_write` needs runs of its own; it lives with them.)

use crate::outcome::{Detail, Outcome};

use super::engine::{Db, DbError, Engine};
use super::run::Failure;
use super::script::{Script, one_line};
use super::spec::Expect;

/// Judge `expect` on the database the learner's file left behind. `Err`
/// holds the outcome that ends the check.
pub fn judge(expect: &Expect, db: &dyn Db, timeout: &dyn Fn() -> Outcome) -> Result<(), Outcome> {
    match expect {
        Expect::IndexExists(name) => {
            let indexes = db.indexes().map_err(|e| internal(&e, timeout))?;
            if indexes
                .iter()
                .any(|(index, _, _)| index.eq_ignore_ascii_case(name))
            {
                return Ok(());
            }
            Err(Outcome::fail(format!("there is no index named `{name}`")).with(index_list(&indexes)))
        }
        Expect::IndexOn { table, columns } => {
            let indexes = db.indexes().map_err(|e| internal(&e, timeout))?;
            let covers = |(_, on, cols): &(String, String, Vec<String>)| {
                on.eq_ignore_ascii_case(table)
                    && cols.len() >= columns.len()
                    && cols.iter().zip(columns).all(|(a, b)| a.eq_ignore_ascii_case(b))
            };
            if indexes.iter().any(covers) {
                return Ok(());
            }
            Err(Outcome::fail(format!(
                "no index on `{table}` starts with ({})",
                columns.join(", ")
            ))
            .with(index_list(&indexes))
            .with(Detail::Text {
                text: "An index serves the columns it starts with: an index on (a, b) helps a search \
                       on a, not one on b alone."
                    .into(),
            }))
        }
        Expect::PlanUsesIndex {
            query,
            index,
            no_temp_sort,
        } => plan_uses_index(db, query, index.as_deref(), *no_temp_sort, timeout),
        Expect::Rejects(sql) => match try_sql(db, sql, timeout)? {
            Ok(()) => Err(Outcome::fail(format!(
                "`{}` was accepted; a constraint should reject it",
                one_line(sql)
            ))
            .with(Detail::Text {
                text: format!(
                    "A NOT NULL, UNIQUE, CHECK or FOREIGN KEY constraint in the table's definition \
                     makes {} refuse a row that breaks the rule, whoever writes it.",
                    db.engine().product()
                ),
            })),
            Err(Failure::Sql { constraint: true, .. }) => Ok(()),
            Err(failure) => Err(Outcome::fail(format!(
                "`{}` fails, but not on a constraint: {}",
                one_line(sql),
                describe(&failure)
            ))),
        },
        Expect::Accepts(sql) => match try_sql(db, sql, timeout)? {
            Ok(()) => Ok(()),
            Err(failure) => Err(Outcome::fail(format!(
                "`{}` should be accepted, but fails: {}",
                one_line(sql),
                describe(&failure)
            ))
            .with(Detail::Text {
                text: "A constraint that also refuses valid rows is too strict.".into(),
            })),
        },
        Expect::NoPartialWrite { .. } => unreachable!("no_partial_write is judged with runs of its own"),
    }
}

fn plan_uses_index(
    db: &dyn Db,
    query: &str,
    index: Option<&str>,
    no_temp_sort: bool,
    timeout: &dyn Fn() -> Outcome,
) -> Result<(), Outcome> {
    let product = db.engine().product();
    let plan = match db.plan(query) {
        Ok(plan) => plan,
        Err(e) if e.interrupted || db.timed_out() => return Err(timeout()),
        Err(e) => {
            return Err(Outcome::fail(format!(
                "{product} cannot plan `{}`: {e}",
                one_line(query)
            )));
        }
    };
    let used = &plan.indexes;
    let ok = match index {
        Some(name) => used.iter().any(|u| u.eq_ignore_ascii_case(name)),
        None => !used.is_empty(),
    };
    let shown = || Detail::Output {
        title: plan.title.into(),
        text: plan.lines.join("\n"),
        truncated_bytes: 0,
    };
    if ok
        && no_temp_sort
        && let Some(step) = &plan.extra_sort
    {
        return Err(Outcome::fail(format!(
            "{product} uses the index for `{}`, but still sorts the rows afterwards ({})",
            one_line(query),
            step.trim()
        ))
        .with(shown())
        .with(Detail::Text {
            text: "An index hands rows over in its own order. When the columns compared with `=` come \
                   first and the ORDER BY column right after them, the rows come out already sorted and \
                   the extra sort step disappears."
                .into(),
        }));
    }
    if ok {
        return Ok(());
    }
    let wanted = index.map_or("an index".to_string(), |n| format!("index `{n}`"));
    let instead = match used.first() {
        Some(other) => format!("it uses `{other}`"),
        None => plan.lines.first().map_or("it plans nothing".to_string(), |l| {
            format!("its plan: {}", l.trim())
        }),
    };
    let advice = match db.engine() {
        Engine::Sqlite => {
            "SCAN reads the whole table; SEARCH … USING INDEX lets the index narrow it down. An index \
             helps when its first column is one the WHERE clause compares with `=` (or a range)."
        }
        Engine::Postgres => {
            "Seq Scan reads the whole table; Index Scan, Index Only Scan and Bitmap Index Scan let an \
             index narrow it down. A B-tree serves `=`, ranges and ORDER BY on its leading columns; \
             containment on JSONB or arrays (`@>`, `?`) needs a GIN index."
        }
    };
    Err(Outcome::fail(format!(
        "{product} would not use {wanted} for `{}`: {instead}",
        one_line(query)
    ))
    .with(shown())
    .with(Detail::Text { text: advice.into() }))
}

fn try_sql(db: &dyn Db, sql: &str, timeout: &dyn Fn() -> Outcome) -> Result<Result<(), Failure>, Outcome> {
    match db.try_and_undo(&Script::new(sql)) {
        Ok(Err(Failure::Interrupted { .. })) => Err(timeout()),
        Ok(result) => Ok(result),
        Err(e) => Err(internal(&e, timeout)),
    }
}

fn internal(err: &DbError, timeout: &dyn Fn() -> Outcome) -> Outcome {
    if err.interrupted {
        return timeout();
    }
    Outcome::error(format!("reading the database failed: {err}"))
}

fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Sql { message, .. } => message.clone(),
        Failure::Interrupted { .. } => "it ran past the time limit".into(),
        Failure::Oversized { rows_read, .. } => format!("it returned more than {rows_read} rows"),
    }
}

fn index_list(indexes: &[(String, String, Vec<String>)]) -> Detail {
    let text = if indexes.is_empty() {
        "There is no index yet: `CREATE INDEX name ON table (column, …)` makes one.".to_string()
    } else {
        let list = indexes
            .iter()
            .map(|(name, table, cols)| format!("{name} on {table} ({})", cols.join(", ")))
            .collect::<Vec<_>>()
            .join("; ");
        format!("Indexes now: {list}.")
    };
    Detail::Text { text }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::check::sql::run::{Database, Deadline};
    use crate::outcome::Status;

    fn db(sql: &str) -> Database {
        let db = Database::open(Deadline::starting_now(Duration::from_secs(10))).unwrap();
        db.run(&Script::new(sql)).unwrap();
        db
    }

    fn no_timeout() -> Outcome {
        Outcome::timeout(Duration::from_secs(10))
    }

    const SHOP: &str = "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INT NOT NULL, total REAL CHECK (total >= 0));";

    #[test]
    fn index_checks_name_the_indexes_there_are() {
        let bare = db(SHOP);
        let missing = judge(
            &Expect::IndexExists("idx_orders_customer".into()),
            &bare,
            &no_timeout,
        )
        .unwrap_err();
        assert_eq!(missing.message, "there is no index named `idx_orders_customer`");
        let indexed = db(&format!(
            "{SHOP} CREATE INDEX idx_orders_customer ON orders(customer_id, total);"
        ));
        assert!(
            judge(
                &Expect::IndexExists("IDX_orders_customer".into()),
                &indexed,
                &no_timeout
            )
            .is_ok()
        );
        let on = |cols: &[&str]| Expect::IndexOn {
            table: "orders".into(),
            columns: cols.iter().map(ToString::to_string).collect(),
        };
        assert!(judge(&on(&["customer_id"]), &indexed, &no_timeout).is_ok());
        let wrong = judge(&on(&["total"]), &indexed, &no_timeout).unwrap_err();
        assert!(
            serde_json::to_string(&wrong.details)
                .unwrap()
                .contains("idx_orders_customer on orders")
        );
    }

    #[test]
    fn plan_must_use_the_index() {
        let query = "SELECT * FROM orders WHERE customer_id = 7";
        let expect = Expect::PlanUsesIndex {
            query: query.into(),
            index: Some("idx_orders_customer".into()),
            no_temp_sort: false,
        };
        let scan = judge(&expect, &db(SHOP), &no_timeout).unwrap_err();
        assert!(scan.message.contains("its plan: SCAN orders"), "{}", scan.message);
        let indexed = db(&format!(
            "{SHOP} CREATE INDEX idx_orders_customer ON orders(customer_id);"
        ));
        assert!(judge(&expect, &indexed, &no_timeout).is_ok());
        let gone = judge(
            &Expect::PlanUsesIndex {
                query: "SELECT * FROM nowhere".into(),
                index: None,
                no_temp_sort: false,
            },
            &indexed,
            &no_timeout,
        )
        .unwrap_err();
        assert!(gone.message.contains("no such table"), "{}", gone.message);
    }

    #[test]
    fn no_temp_sort_wants_the_index_to_deliver_the_order() {
        let expect = Expect::PlanUsesIndex {
            query: "SELECT * FROM orders WHERE customer_id = 7 ORDER BY total".into(),
            index: None,
            no_temp_sort: true,
        };
        let half = db(&format!("{SHOP} CREATE INDEX idx_c ON orders(customer_id);"));
        let sorts = judge(&expect, &half, &no_timeout).unwrap_err();
        assert!(
            sorts.message.contains("still sorts the rows"),
            "{}",
            sorts.message
        );
        let full = db(&format!(
            "{SHOP} CREATE INDEX idx_ct ON orders(customer_id, total);"
        ));
        assert!(judge(&expect, &full, &no_timeout).is_ok());
    }

    #[test]
    fn rejects_needs_a_constraint_and_accepts_needs_success() {
        let shop = db(SHOP);
        let negative = Expect::Rejects("INSERT INTO orders (customer_id, total) VALUES (1, -5)".into());
        assert!(judge(&negative, &shop, &no_timeout).is_ok());
        let fine = Expect::Rejects("INSERT INTO orders (customer_id, total) VALUES (1, 5)".into());
        let accepted = judge(&fine, &shop, &no_timeout).unwrap_err();
        assert_eq!(accepted.status, Status::Fail);
        assert!(accepted.message.contains("was accepted"));
        let typo = Expect::Rejects("INSERT INTO order (customer_id) VALUES (1)".into());
        assert!(
            judge(&typo, &shop, &no_timeout)
                .unwrap_err()
                .message
                .contains("not on a constraint")
        );
        let accepts = Expect::Accepts("INSERT INTO orders (customer_id, total) VALUES (1, 5)".into());
        assert!(judge(&accepts, &shop, &no_timeout).is_ok());
        // Trying left nothing behind.
        assert!(shop.table("orders").unwrap().unwrap().rows.is_empty());
    }
}
