//! Why a query's result differs from the answer, for the common mistakes:
//! columns in the wrong order, duplicate rows, an inner join that dropped
//! unmatched rows, a boundary of a filter, the wrong aggregate, numbers off
//! by a factor, a comparison with NULL. Each note is derived from the diff
//! and the query — and where a one-change variant of the query (`trials`)
//! gives exactly the answer, from that evidence.

use super::compare::{Comparison, cells_equal, compare};
use super::shape::Shape;
use super::spec::{Order, Rules};
use super::trials::{Change, variants};
use super::value::{ResultSet, Value};

/// What the notes are derived from.
pub struct Evidence<'a> {
    pub cmp: &'a Comparison,
    pub expected: &'a ResultSet,
    pub found: &'a ResultSet,
    pub rules: &'a Rules,
    /// The statement that gave the answer, and what the parser read of it.
    pub statement: &'a str,
    pub shape: Option<&'a Shape>,
    /// Run a query on the learner's database; None when it fails.
    pub trial: &'a dyn Fn(&str) -> Option<ResultSet>,
}

/// The notes for this mismatch, most telling first.
pub fn notes(e: &Evidence<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(shape) = e.shape {
        for comparison in &shape.null_comparisons {
            notes.push(format!(
                "`{comparison}` is never true: NULL is no value, equal to nothing, not even to NULL. \
                 Write `IS NULL` (or `IS NOT NULL`)."
            ));
        }
    }
    if e.cmp.column_count.is_some() {
        return notes;
    }
    if let Some(note) = column_order(e) {
        notes.insert(0, note);
        return notes;
    }
    let Some(rows) = &e.cmp.rows else { return notes };
    if let Some(note) = duplicates(e, rows.missing, rows.extra, rows.changed) {
        notes.insert(0, note);
        return notes;
    }
    // A join that repeats rows multiplies sums: that is the cause even when
    // avg (which the repetition does not change) would also match.
    let joins = e
        .shape
        .is_some_and(|s| !s.inner_joined.is_empty() || !s.outer_joined.is_empty());
    if rows.changed > 0
        && joins
        && let Some(note) = factor(e)
    {
        notes.insert(0, note);
        return notes;
    }
    if let Some(note) = one_change_away(e, rows.missing, rows.extra, rows.changed) {
        notes.insert(0, note);
        return notes;
    }
    if rows.changed > 0
        && let Some(note) = factor(e)
    {
        notes.insert(0, note);
    }
    notes
}

/// The same values in another column order.
fn column_order(e: &Evidence<'_>) -> Option<String> {
    let width = e.expected.columns.len();
    if !(2..=8).contains(&width) || e.expected.rows.is_empty() {
        return None;
    }
    let column = |set: &ResultSet, c: usize| ResultSet {
        columns: vec![String::new()],
        rows: set.rows.iter().map(|r| vec![r[c].clone()]).collect(),
    };
    let any_order = Rules {
        order: Order::Unordered,
        ..e.rules.clone()
    };
    let mut taken = vec![false; width];
    let mut permutation = Vec::with_capacity(width);
    for want in 0..width {
        let expected = column(e.expected, want);
        let k = (0..width)
            .find(|&k| !taken[k] && compare(&expected, &column(e.found, k), &any_order).is_equal())?;
        taken[k] = true;
        permutation.push(k);
    }
    if permutation.iter().enumerate().all(|(i, &k)| i == k) {
        return None;
    }
    let reordered = ResultSet {
        columns: permutation.iter().map(|&k| e.found.columns[k].clone()).collect(),
        rows: e
            .found
            .rows
            .iter()
            .map(|r| permutation.iter().map(|&k| r[k].clone()).collect())
            .collect(),
    };
    if !compare(e.expected, &reordered, e.rules).is_equal() {
        return None;
    }
    let order = permutation
        .iter()
        .map(|&k| format!("`{}`", e.found.columns[k]))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "The values are right but the columns are in another order: the answer's order is {order}. \
         Columns are compared by position; list them in the SELECT in that order."
    ))
}

fn row_in(row: &[Value], set: &ResultSet, rules: &Rules) -> bool {
    set.rows
        .iter()
        .any(|r| r.len() == row.len() && r.iter().zip(row).all(|(a, b)| cells_equal(a, b, rules)))
}

/// Rows repeated where the answer has them once, or merged where it keeps
/// them apart.
fn duplicates(e: &Evidence<'_>, missing: usize, extra: usize, changed: usize) -> Option<String> {
    if changed > 0 || (missing > 0) == (extra > 0) {
        return None;
    }
    let shape = e.shape;
    if extra > 0 {
        // Every row of the answer is there; the extra ones repeat some of them.
        let repeated = e
            .found
            .rows
            .iter()
            .filter(|r| row_in(r, e.expected, e.rules))
            .count()
            == e.found.rows.len();
        if !repeated {
            return None;
        }
        let cause = match shape {
            Some(s) if s.union_all == Some(true) => {
                "UNION ALL keeps a row each time a side returns it; UNION keeps one of each".to_string()
            }
            Some(s) if !s.inner_joined.is_empty() || !s.outer_joined.is_empty() => format!(
                "a join repeats a row once per matching row of the other table ({}): add DISTINCT, or test \
                 for a match with EXISTS (…) instead of joining",
                s.inner_joined
                    .iter()
                    .chain(&s.outer_joined)
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => "SELECT returns a row per matching row: SELECT DISTINCT keeps one of each".to_string(),
        };
        return Some(format!(
            "{extra} of your rows are duplicates of rows the answer has once: {cause}."
        ));
    }
    let merged = e
        .expected
        .rows
        .iter()
        .filter(|r| row_in(r, e.found, e.rules))
        .count()
        == e.expected.rows.len();
    if !merged {
        return None;
    }
    let cause = match shape {
        Some(s) if s.union_all == Some(false) => "UNION removes duplicate rows; UNION ALL keeps them",
        Some(s) if s.distinct => "DISTINCT merges rows that are alike; the answer keeps one per source row",
        _ => "the answer keeps a row for each source row (GROUP BY or DISTINCT merges them)",
    };
    Some(format!(
        "The answer has some of your rows more than once ({missing} more in all): {cause}."
    ))
}

/// A variant of the query, one change away, that gives exactly the answer.
fn one_change_away(e: &Evidence<'_>, missing: usize, extra: usize, changed: usize) -> Option<String> {
    let wanted = |change: &Change| match change {
        Change::LeftJoin { .. } => missing > 0 && extra == 0,
        Change::Boundary { .. } | Change::DateOnly { .. } => changed == 0 && (missing > 0 || extra > 0),
        Change::Aggregate { .. } => changed > 0 || missing > 0,
    };
    for variant in variants(e.statement).into_iter().filter(|v| wanted(&v.change)) {
        let Some(result) = (e.trial)(&variant.sql) else {
            continue;
        };
        if !compare(e.expected, &result, e.rules).is_equal() {
            continue;
        }
        return Some(match variant.change {
            Change::LeftJoin { table } => format!(
                "{} no match in `{table}`: JOIN drops a row without a partner, LEFT JOIN keeps it \
                 (with NULL in `{table}`'s columns).",
                if missing == 1 {
                    "The missing row has".to_string()
                } else {
                    format!("The {missing} missing rows have")
                }
            ),
            Change::Boundary { written, instead } => format!(
                "The rows differ at the boundary of `{written}`: {} the rows equal to the limit; with \
                 `{instead}` the result is the answer. Check whether the limit itself belongs in.",
                if written.contains('=') {
                    "it keeps"
                } else {
                    "it leaves out"
                }
            ),
            Change::DateOnly { column, written } => format!(
                "`{column}` holds a date and a time, compared here as text with a bare date: \
                 '2012-09-01 08:00:00' is greater than '2012-09-01', so `{written}` puts that day's rows on \
                 the wrong side. Compare date({column}), or the next day with `<`."
            ),
            Change::Aggregate { written, instead } => format!(
                "With `{instead}` instead of `{written}` the values match. {}",
                aggregate_difference(&written, &instead)
            ),
        });
    }
    None
}

fn aggregate_difference(written: &str, instead: &str) -> &'static str {
    let name = |s: &str| s.split('(').next().unwrap_or("").to_lowercase();
    match (name(written).as_str(), name(instead).as_str()) {
        ("avg", "sum") | ("sum" | "total", "avg") => "avg is the mean of the values, sum their total.",
        ("min", "max") | ("max", "min") => "min takes the smallest value, max the largest.",
        ("sum" | "total", "count") => "count counts the rows, sum adds their values up.",
        ("count", "count") if instead.contains('*') => {
            "count(column) counts only the rows where the column is not NULL; count(*) counts every row."
        }
        ("count", "count") if instead.to_lowercase().contains("distinct") => {
            "count(x) counts every row, count(DISTINCT x) each value once."
        }
        ("count", "count") => {
            "count(*) counts every row, also the rows a LEFT JOIN adds without a match; count(column of the \
             joined table) counts only the matches, as its column is NULL elsewhere."
        }
        _ => "",
    }
}

/// Every wrong number in a column is the answer's times one factor.
fn factor(e: &Evidence<'_>) -> Option<String> {
    let rows = e.cmp.rows.as_ref()?;
    let number = |v: &Value| match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    };
    for &c in &rows.wrong_columns {
        let mut ratios = Vec::new();
        for line in &rows.lines {
            let super::compare::Line::Changed {
                expected: ei,
                found: fi,
                wrong,
            } = line
            else {
                continue;
            };
            if !wrong[c] {
                continue;
            }
            let (Some(want), Some(got)) = (number(&e.expected.rows[*ei][c]), number(&e.found.rows[*fi][c]))
            else {
                return None;
            };
            if want == 0.0 {
                return None;
            }
            ratios.push(got / want);
        }
        let Some(&first) = ratios.first() else { continue };
        let same = ratios
            .iter()
            .all(|r| (r - first).abs() <= 1e-6 * first.abs().max(1.0));
        let column = &e.found.columns[c];
        let joins = e
            .shape
            .is_some_and(|s| !s.inner_joined.is_empty() || !s.outer_joined.is_empty());
        if same && first != 1.0 {
            let shown = Value::Real(first).display();
            let shown = shown.strip_suffix(".0").unwrap_or(&shown);
            let hint = if (first - 100.0).abs() < 1e-9 || (first - 0.01).abs() < 1e-12 {
                " A percentage where a fraction is asked for (or the other way round)?"
            } else if first.fract() == 0.0 && joins {
                " A join that repeats each row multiplies what a sum or a count adds up."
            } else {
                " Look for a factor in the expression, or a join that repeats rows."
            };
            return Some(format!(
                "Every wrong value in `{column}` is {shown} times the answer's.{hint}"
            ));
        }
        if joins && ratios.iter().all(|r| r.fract() == 0.0 && *r >= 2.0) {
            return Some(format!(
                "The wrong values in `{column}` are whole multiples of the answer's (×{}): a join repeats \
                 each row once per match, and a sum or count over the joined rows counts it that often. \
                 Aggregate before joining, or count DISTINCT.",
                ratios
                    .iter()
                    .map(|r| Value::Real(*r).display().trim_end_matches(".0").to_string())
                    .collect::<Vec<_>>()
                    .join(", ×")
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::check::sql::run::{Database, Deadline};
    use crate::check::sql::script::Script;
    use crate::check::sql::spec::ColumnNames;

    fn notes_for(setup: &str, answer: &str, query: &str) -> Vec<String> {
        let db = Database::open(Deadline::starting_now(Duration::from_secs(10))).unwrap();
        db.run(&Script::new(setup)).unwrap();
        let run = |sql: &str| db.run(&Script::new(sql)).ok()?.answer.map(|a| a.result);
        let (expected, found) = (run(answer).unwrap(), run(query).unwrap());
        let rules = Rules {
            order: Order::Unordered,
            names: ColumnNames::Ignore,
            exact_types: false,
            tolerance: 1e-9,
        };
        let cmp = compare(&expected, &found, &rules);
        let shape = Shape::of(query);
        notes(&Evidence {
            cmp: &cmp,
            expected: &expected,
            found: &found,
            rules: &rules,
            statement: query,
            shape: shape.as_ref(),
            trial: &run,
        })
    }

    const BOOKINGS: &str = "CREATE TABLE b(id INT, starttime TEXT, slots INT);\
        INSERT INTO b VALUES (1, '2012-09-01 08:00:00', 2), (2, '2012-09-01 17:30:00', 1), (3, '2012-09-02 09:00:00', 3);";

    #[test]
    fn a_timestamp_compared_with_a_bare_date_is_explained() {
        let notes = notes_for(
            BOOKINGS,
            "SELECT id FROM b WHERE date(starttime) = '2012-09-01'",
            "SELECT id FROM b WHERE starttime = '2012-09-01'",
        );
        assert!(
            notes[0].starts_with("`starttime` holds a date and a time"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_sum_multiplied_by_a_join_is_explained() {
        let setup = format!(
            "{BOOKINGS} CREATE TABLE tag(id INT, t TEXT); INSERT INTO tag VALUES (1, 'a'), (1, 'b'), (3, 'c'), (3, 'd'), (3, 'e');"
        );
        let notes = notes_for(
            &setup,
            "SELECT b.id, b.slots FROM b WHERE b.id IN (SELECT id FROM tag)",
            "SELECT b.id, sum(b.slots) FROM b JOIN tag ON tag.id = b.id GROUP BY b.id",
        );
        assert!(
            notes[0].contains("whole multiples of the answer's (×2, ×3)"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_difference_with_no_known_cause_gets_no_note() {
        let notes = notes_for(
            BOOKINGS,
            "SELECT id, slots FROM b",
            "SELECT id, slots + id FROM b",
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}
