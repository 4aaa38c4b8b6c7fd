//! A comparison put into words and tables: the message says why in one line,
//! the tables show where, capped to a screenful with a count of the rest.

use crate::outcome::{Detail, Outcome, RowMark, TableCell, TableRow};

use super::compare::{Comparison, Line, Misorder, RowDiff};
use super::spec::{ColumnNames, Order, Rules};
use super::value::{ResultSet, Value};

/// Rows shown in one table: a screenful, with the diff's changes first.
pub const MAX_SHOWN_ROWS: usize = 20;
/// Rows shown of a whole result, when columns do not even line up.
const MAX_PREVIEW_ROWS: usize = 5;

/// What was compared.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    /// The result of the learner's query.
    Query {
        /// Whether the statement that gave the answer says ORDER BY.
        has_order_by: bool,
    },
    /// A table's content after the learner's statements.
    Table(&'a str),
}

pub struct Judged<'a> {
    pub subject: Subject<'a>,
    /// Compared on the hidden fixture.
    pub hidden: bool,
    pub rules: &'a Rules,
}

impl Judged<'_> {
    fn yours(&self) -> String {
        match self.subject {
            Subject::Query { .. } => "your result".into(),
            Subject::Table(name) => format!("`{name}` after your statements"),
        }
    }

    /// "" or "table `orders`: " or "on the hidden data set, table `orders`: ".
    fn prefix(&self) -> String {
        match (self.hidden, self.subject) {
            (false, Subject::Query { .. }) => String::new(),
            (true, Subject::Query { .. }) => "on the hidden data set: ".into(),
            (false, Subject::Table(name)) => format!("table `{name}`: "),
            (true, Subject::Table(name)) => format!("on the hidden data set, table `{name}`: "),
        }
    }
}

/// The failing outcome for a comparison that is not equal.
pub fn mismatch(cmp: &Comparison, expected: &ResultSet, found: &ResultSet, judged: &Judged<'_>) -> Outcome {
    let mut outcome = Outcome::fail(format!(
        "{}{}",
        judged.prefix(),
        headline(cmp, expected, found, judged)
    ));
    if let Some((want, got)) = cmp.column_count {
        // With names ignored, the reference's names are its expressions
        // (`SUM(i.quantity * p.price)`): showing them would give the answer away.
        let names_matter = judged.rules.names != ColumnNames::Ignore;
        let describe = |n: usize, names: &[String], show: bool| {
            let count = plural(n, "column");
            if show {
                format!("{count}: {}", names.join(", "))
            } else {
                count
            }
        };
        outcome.push(Detail::Mismatch {
            what: "columns".into(),
            expected: describe(want, &expected.columns, names_matter),
            found: describe(got, &found.columns, true),
        });
        let mut shape = expected.clone();
        if !names_matter {
            shape.columns = (1..=want).map(|i| format!("#{i}")).collect();
        }
        outcome.push(preview("the expected result", &shape));
    } else {
        if !cmp.misnamed.is_empty() {
            outcome.push(Detail::Mismatch {
                what: match judged.rules.names {
                    ColumnNames::CaseInsensitive => "column names (compared without regard to case)".into(),
                    _ => "column names".into(),
                },
                expected: expected.columns.join(", "),
                found: found.columns.join(", "),
            });
        }
        if let Some(rows) = &cmp.rows {
            outcome.push(diff_table(rows, expected, found, judged));
            outcome.push(Detail::Text { text: legend(rows) });
            notes_on_cells(rows, expected, found, judged.rules, &mut outcome);
        }
        if let Some(order) = &cmp.order {
            outcome.push(order_table(order, found, judged));
            outcome.push(Detail::Text {
                text: order_advice(order, found, judged),
            });
        }
    }
    if judged.hidden {
        outcome.push(Detail::Text {
            text: "This matches on the rows you can see but not on the hidden data set (same tables, \
                   other rows), so it depends on the visible data: look for values copied from it \
                   (ids, names, counts, dates) where a condition or a join should decide."
                .into(),
        });
    }
    outcome
}

/// Columns beside an aggregate, neither grouped nor aggregated: the verdict
/// when the result matched anyway (`alone`), else a note for a mismatch.
pub fn bare_columns(bare: &[String], alone: bool) -> Option<Outcome> {
    let first = bare.first()?;
    let named = bare
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let verb = if bare.len() == 1 { "is" } else { "are" };
    let mut outcome = Outcome::fail(format!(
        "{named} {verb} neither grouped nor aggregated: SQLite picks some row for {}; other databases refuse this query",
        if bare.len() == 1 { "it" } else { "them" }
    ));
    if !alone {
        outcome.push(Detail::Text {
            text: format!(
                "{}.",
                outcome.message.replacen(&named, &format!("Also, {named}"), 1)
            ),
        });
    }
    outcome.push(Detail::Text {
        text: format!(
            "Beside an aggregate (max, count, sum, …) every column must be in GROUP BY or inside an \
             aggregate. SQLite alone accepts `{first}` there and takes it from one row of the group: with \
             max or min a row that holds the extreme, and on a tie any of them. To get the row with the \
             largest value, find the value first (`WHERE x = (SELECT max(x) FROM t)`) or sort \
             (`ORDER BY x DESC LIMIT 1`); to show a column per group, add it to GROUP BY."
        ),
    });
    Some(outcome)
}

/// The rows matched in order, but the query has no outermost ORDER BY.
pub fn order_by_chance(judged: &Judged<'_>) -> Outcome {
    Outcome::fail(format!(
        "{}the rows are in the right order only by chance: your query has no ORDER BY",
        judged.prefix()
    ))
    .with(Detail::Text {
        text: "Only an ORDER BY in the outermost SELECT fixes the order of a result. Without it a \
               database returns rows in whatever order is cheapest: SQLite's happens to match here, but \
               an index, a GROUP BY, more rows or another database (PostgreSQL) give another one."
            .into(),
    })
}

/// The rows matched in order, but two of them tie on the query's ORDER BY.
pub fn unbroken_tie(row: usize, keys: &str, judged: &Judged<'_>) -> Outcome {
    Outcome::fail(format!(
        "{}rows {} and {} tie on your ORDER BY ({keys}): their order is left to chance",
        judged.prefix(),
        row + 1,
        row + 2
    ))
    .with(Detail::Text {
        text: "They came in the right order this time because SQLite read them in that order; another \
               plan or another database may swap them. Add a column to the ORDER BY that breaks the tie \
               (a name, an id), so that every row has exactly one place."
            .into(),
    })
}

/// The rows matched, but not when SQLite read the tables the other way
/// round: the query leaves part of the order (or which rows a LIMIT keeps)
/// to chance.
pub fn order_left_open(
    cmp: &Comparison,
    expected: &ResultSet,
    again: &ResultSet,
    judged: &Judged<'_>,
) -> Outcome {
    let mut outcome = mismatch(cmp, expected, again, judged);
    let what = headline(cmp, expected, again, judged);
    outcome.message = format!(
        "{}your query leaves the order to chance: run again with SQLite reading the tables the other \
         way round, {what}",
        judged.prefix()
    );
    outcome.details.insert(
        0,
        Detail::Text {
            text: "The check runs an ordered query twice, the second time with `PRAGMA \
                   reverse_unordered_selects = ON`, which reverses every order the query does not fix. \
                   Rows that tie on your ORDER BY columns came out differently: add a column that breaks \
                   the tie (a name, an id), so that every row has exactly one place."
                .into(),
        },
    );
    outcome
}

fn headline(cmp: &Comparison, expected: &ResultSet, found: &ResultSet, judged: &Judged<'_>) -> String {
    if let Some((want, got)) = cmp.column_count {
        return match judged.subject {
            Subject::Query { .. } => format!(
                "your query returns {} where the answer has {}",
                plural(got, "column"),
                want
            ),
            Subject::Table(_) => format!("{} where it should have {want}", plural(got, "column")),
        };
    }
    let mut parts = Vec::new();
    if let Some(rows) = &cmp.rows {
        parts.push(rows_headline(rows, expected, found, judged));
    }
    if let Some(order) = &cmp.order {
        parts.push(if order.reversed {
            "the rows are right but in reverse order".to_string()
        } else {
            format!(
                "the rows are right but {} of {} are out of order",
                order.misplaced,
                found.rows.len()
            )
        });
    }
    if !cmp.misnamed.is_empty() {
        let names = cmp
            .misnamed
            .iter()
            .map(|&i| format!("`{}` should be `{}`", found.columns[i], expected.columns[i]))
            .collect::<Vec<_>>()
            .join(", ");
        parts.push(format!("column names differ: {names}"));
    }
    parts.join("; ")
}

fn rows_headline(rows: &RowDiff, expected: &ResultSet, found: &ResultSet, judged: &Judged<'_>) -> String {
    let none = match judged.subject {
        Subject::Query { .. } => "your query returns no rows",
        Subject::Table(_) => "it is empty",
    };
    if found.rows.is_empty() {
        return format!("{none}; the answer has {}", plural(expected.rows.len(), "row"));
    }
    if expected.rows.is_empty() {
        return format!("it should be empty but has {}", plural(found.rows.len(), "row"));
    }
    let mut parts = Vec::new();
    if rows.missing > 0 {
        parts.push(format!("{} missing", plural(rows.missing, "row")));
    }
    if rows.extra > 0 {
        parts.push(format!(
            "{} extra {}",
            rows.extra,
            if rows.extra == 1 { "row" } else { "rows" }
        ));
    }
    if rows.changed > 0 {
        let columns = rows
            .wrong_columns
            .iter()
            .map(|&c| format!("`{}`", found.columns[c]))
            .collect::<Vec<_>>()
            .join(", ");
        parts.push(format!(
            "{} with a wrong value in {columns}",
            plural(rows.changed, "row")
        ));
    }
    let mut line = parts.join(", ");
    if expected.rows.len() != found.rows.len() {
        line.push_str(&format!(
            " ({} instead of {})",
            plural(found.rows.len(), "row"),
            expected.rows.len()
        ));
    }
    line
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A result's first rows, as they are: what the answer looks like.
fn preview(title: &str, set: &ResultSet) -> Detail {
    let rows = set
        .rows
        .iter()
        .take(MAX_PREVIEW_ROWS)
        .map(|row| TableRow {
            mark: RowMark::Same,
            cells: row.iter().map(|v| TableCell::plain(v.display())).collect(),
        })
        .collect();
    Detail::Table {
        title: title.to_string(),
        columns: set.columns.clone(),
        rows,
        omitted_rows: set.rows.len().saturating_sub(MAX_PREVIEW_ROWS),
    }
}

fn diff_table(rows: &RowDiff, expected: &ResultSet, found: &ResultSet, judged: &Judged<'_>) -> Detail {
    let (shown, omitted) = cap(&rows.lines, |l| matches!(l, Line::Same { .. }));
    let cells = |row: &[Value]| row.iter().map(|v| TableCell::plain(v.display())).collect();
    let table_rows = shown
        .into_iter()
        .map(|line| match line {
            Line::Same { found: f, .. } => TableRow {
                mark: RowMark::Same,
                cells: cells(&found.rows[*f]),
            },
            Line::Missing { expected: e } => TableRow {
                mark: RowMark::Missing,
                cells: cells(&expected.rows[*e]),
            },
            Line::Extra { found: f } => TableRow {
                mark: RowMark::Extra,
                cells: cells(&found.rows[*f]),
            },
            Line::Changed {
                expected: e,
                found: f,
                wrong,
            } => TableRow {
                mark: RowMark::Changed,
                cells: found.rows[*f]
                    .iter()
                    .zip(&expected.rows[*e])
                    .zip(wrong)
                    .map(|((got, want), &wrong)| {
                        if wrong {
                            let (mut got_text, mut want_text) = (got.display(), want.display());
                            if got_text == want_text {
                                (got_text, want_text) = (got.display_exact(), want.display_exact());
                            }
                            TableCell {
                                text: format!("{got_text} (expected {want_text})"),
                                wrong: true,
                            }
                        } else {
                            TableCell::plain(got.display())
                        }
                    })
                    .collect(),
            },
        })
        .collect();
    Detail::Table {
        title: format!("{} compared with the answer", judged.yours()),
        // The learner's names: the reference's may give its expressions away.
        columns: found.columns.clone(),
        rows: table_rows,
        omitted_rows: omitted,
    }
}

/// The lines to show: every change first, then unchanged rows while room
/// remains; in their original order.
fn cap<T>(lines: &[T], unchanged: impl Fn(&T) -> bool) -> (Vec<&T>, usize) {
    let changes = lines.iter().filter(|l| !unchanged(l)).count();
    let mut room_for_same = MAX_SHOWN_ROWS.saturating_sub(changes);
    let mut room_for_changes = MAX_SHOWN_ROWS;
    let mut shown = Vec::new();
    for line in lines {
        let room = if unchanged(line) {
            &mut room_for_same
        } else {
            &mut room_for_changes
        };
        if *room > 0 {
            *room -= 1;
            shown.push(line);
        }
    }
    let omitted = lines.len() - shown.len();
    (shown, omitted)
}

fn legend(rows: &RowDiff) -> String {
    let mut parts = Vec::new();
    if rows.missing > 0 {
        parts.push("`-` a row the answer has and yours lacks");
    }
    if rows.extra > 0 {
        parts.push("`+` a row yours has and the answer lacks");
    }
    if rows.changed > 0 {
        parts.push("`~` a row with a wrong value, shown as yours (expected …)");
    }
    parts.join("; ")
}

/// Teacher's notes on the kinds of wrong cells found.
fn notes_on_cells(
    rows: &RowDiff,
    expected: &ResultSet,
    found: &ResultSet,
    rules: &Rules,
    outcome: &mut Outcome,
) {
    let mut null_confusion = false;
    let mut type_only = false;
    // (column, expected, found) of the first cell that is a number on one
    // side and the same number as text on the other.
    let mut text_vs_number: Option<(usize, &Value, &Value)> = None;
    for line in &rows.lines {
        let Line::Changed {
            expected: e,
            found: f,
            wrong,
        } = line
        else {
            continue;
        };
        for (c, _) in wrong.iter().enumerate().filter(|(_, w)| **w) {
            let (want, got) = (&expected.rows[*e][c], &found.rows[*f][c]);
            null_confusion |= is_null_look_alike(want, got) || is_null_look_alike(got, want);
            type_only |= rules.exact_types && numerically_equal(want, got);
            if text_vs_number.is_none() && same_number_as_text(want, got) {
                text_vs_number = Some((c, want, got));
            }
        }
    }
    if let Some((c, want, got)) = text_vs_number {
        let column = found.columns.get(c).map_or("?", String::as_str);
        let text = if matches!(got, Value::Text(_)) {
            format!(
                "Text versus number: your `{column}` holds the text {} where the answer has the number {}. \
                 strftime, substr and printf return text, and text never equals a number: CAST(… AS INTEGER) \
                 or CAST(… AS REAL) turns it into one (e.g. CAST(strftime('%d', d) AS INTEGER)).",
                got.display(),
                want.display()
            )
        } else {
            format!(
                "Text versus number: your `{column}` holds the number {} where the answer has the text {}. \
                 round(x, 2) returns a number, and a number keeps no trailing zeros (660.00 is 660.0): \
                 printf('%.2f', x) gives the text with its two decimals.",
                got.display(),
                want.display()
            )
        };
        outcome.push(Detail::Text { text });
    }
    if null_confusion {
        outcome.push(Detail::Text {
            text: "NULL means “no value”: it is neither '' nor 0. COALESCE(x, '') turns a NULL into ''; \
                   NULLIF(x, '') turns '' into NULL; and `x = NULL` is never true — write `x IS NULL`."
                .into(),
        });
    }
    if type_only {
        outcome.push(Detail::Text {
            text: "This exercise compares types exactly: 1 (INTEGER) is not 1.0 (REAL). Integer division \
                   (7 / 2 is 3), a REAL column or a CAST decide which one you get."
                .into(),
        });
    }
}

fn is_null_look_alike(a: &Value, b: &Value) -> bool {
    matches!(a, Value::Null)
        && match b {
            Value::Text(t) => t.is_empty(),
            Value::Integer(0) => true,
            Value::Real(r) => *r == 0.0,
            _ => false,
        }
}

/// One side text, the other a number, and the text reads as that number.
fn same_number_as_text(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    };
    let text = |v: &Value| match v {
        Value::Text(t) => t.trim().parse::<f64>().ok(),
        _ => None,
    };
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * 1f64.max(x.abs()).max(y.abs());
    match (number(a), text(b), text(a), number(b)) {
        (Some(n), Some(t), _, _) | (_, _, Some(t), Some(n)) => close(n, t),
        _ => false,
    }
}

fn numerically_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(i), Value::Real(r)) | (Value::Real(r), Value::Integer(i)) => *i as f64 == *r,
        _ => false,
    }
}

fn order_table(order: &Misorder, found: &ResultSet, judged: &Judged<'_>) -> Detail {
    let numbered: Vec<(usize, &(std::ops::Range<usize>, bool))> =
        order.placements.iter().enumerate().collect();
    let (shown, omitted) = cap(&numbered, |(_, (_, misplaced))| !misplaced);
    let rows = shown
        .into_iter()
        .map(|(i, (belongs, misplaced))| {
            let place = if belongs.len() > 1 {
                format!("{}–{}", belongs.start + 1, belongs.end)
            } else {
                (belongs.start + 1).to_string()
            };
            let mut cells = vec![
                TableCell::plain((i + 1).to_string()),
                TableCell {
                    text: place,
                    wrong: *misplaced,
                },
            ];
            cells.extend(found.rows[*i].iter().map(|v| TableCell::plain(v.display())));
            TableRow {
                mark: if *misplaced {
                    RowMark::Changed
                } else {
                    RowMark::Same
                },
                cells,
            }
        })
        .collect();
    let mut columns = vec!["#".to_string(), "belongs at".to_string()];
    columns.extend(found.columns.iter().cloned());
    Detail::Table {
        title: format!("{}, in your order", judged.yours()),
        columns,
        rows,
        omitted_rows: omitted,
    }
}

fn order_advice(order: &Misorder, found: &ResultSet, judged: &Judged<'_>) -> String {
    let rule = match &judged.rules.order {
        Order::By(columns) => {
            let names = columns
                .iter()
                .map(|c| match found.columns.get(c - 1) {
                    Some(name) => format!("{c} (`{name}`)"),
                    None => c.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "The rows must be sorted by column {names}; rows that tie on {} may come in any order. ",
                if columns.len() == 1 { "it" } else { "them" }
            )
        }
        _ => String::new(),
    };
    let advice = match judged.subject {
        Subject::Query { has_order_by: false } => {
            "Your query has no ORDER BY: without one, SQLite returns rows in whatever order is \
             cheapest to produce, and that order can change with the data."
        }
        _ if order.reversed => "ASC sorts the smallest first, DESC the largest first.",
        _ => "Check the ORDER BY: the columns, their sequence, and ASC or DESC for each.",
    };
    format!("{rule}{advice}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::sql::compare::compare;
    use crate::outcome::Status;

    fn rules(order: Order) -> Rules {
        Rules {
            order,
            names: ColumnNames::Ignore,
            exact_types: false,
            tolerance: 1e-9,
        }
    }

    fn set(columns: &[&str], rows: Vec<Vec<Value>>) -> ResultSet {
        ResultSet {
            columns: columns.iter().map(ToString::to_string).collect(),
            rows,
        }
    }

    fn text(outcome: &Outcome) -> String {
        serde_json::to_string(&outcome.details).unwrap()
    }

    #[test]
    fn a_wrong_cell_is_named_and_marked() {
        let r = rules(Order::Unordered);
        let expected = set(
            &["name", "total"],
            vec![vec![Value::Text("Ann".into()), Value::Real(12.5)]],
        );
        let found = set(
            &["name", "total"],
            vec![vec![Value::Text("Ann".into()), Value::Null]],
        );
        let cmp = compare(&expected, &found, &r);
        let judged = Judged {
            subject: Subject::Query { has_order_by: false },
            hidden: false,
            rules: &r,
        };
        let outcome = mismatch(&cmp, &expected, &found, &judged);
        assert_eq!(outcome.status, Status::Fail);
        assert_eq!(outcome.message, "1 row with a wrong value in `total`");
        let Detail::Table { rows, .. } = &outcome.details[0] else {
            panic!("a table first")
        };
        assert_eq!(rows[0].mark, RowMark::Changed);
        assert!(rows[0].cells[1].wrong);
        assert_eq!(rows[0].cells[1].text, "NULL (expected 12.5)");
        assert!(!rows[0].cells[0].wrong);
    }

    #[test]
    fn tables_are_capped_with_a_count_of_the_rest() {
        let r = rules(Order::Unordered);
        let expected = set(&["n"], (0..50).map(|i| vec![Value::Integer(i)]).collect());
        let found = set(&["n"], (0..50).map(|i| vec![Value::Integer(i + 10)]).collect());
        let cmp = compare(&expected, &found, &r);
        let judged = Judged {
            subject: Subject::Table("t"),
            hidden: true,
            rules: &r,
        };
        let outcome = mismatch(&cmp, &expected, &found, &judged);
        assert_eq!(
            outcome.message,
            "on the hidden data set, table `t`: 10 rows missing, 10 extra rows"
        );
        let Detail::Table {
            rows, omitted_rows, ..
        } = &outcome.details[0]
        else {
            panic!("a table first")
        };
        assert_eq!(rows.len(), MAX_SHOWN_ROWS);
        assert_eq!(omitted_rows + rows.len(), 60);
        assert!(rows.iter().all(|r| r.mark != RowMark::Same));
        assert!(text(&outcome).contains("hidden data set"));
    }

    #[test]
    fn an_order_problem_says_where_rows_belong() {
        let r = rules(Order::Ordered);
        let expected = set(&["n"], vec![vec![Value::Integer(1)], vec![Value::Integer(2)]]);
        let found = set(&["n"], vec![vec![Value::Integer(2)], vec![Value::Integer(1)]]);
        let cmp = compare(&expected, &found, &r);
        let judged = Judged {
            subject: Subject::Query { has_order_by: false },
            hidden: false,
            rules: &r,
        };
        let outcome = mismatch(&cmp, &expected, &found, &judged);
        assert_eq!(outcome.message, "the rows are right but in reverse order");
        assert!(text(&outcome).contains("has no ORDER BY"));
    }

    #[test]
    fn reals_that_look_alike_are_shown_with_every_digit() {
        let mut r = rules(Order::Unordered);
        r.tolerance = 0.0;
        let expected = set(&["k", "x"], vec![vec![Value::Integer(1), Value::Real(0.3)]]);
        let found = set(&["k", "x"], vec![vec![Value::Integer(1), Value::Real(0.1 + 0.2)]]);
        let cmp = compare(&expected, &found, &r);
        let judged = Judged {
            subject: Subject::Query { has_order_by: false },
            hidden: false,
            rules: &r,
        };
        let outcome = mismatch(&cmp, &expected, &found, &judged);
        let Detail::Table { rows, .. } = &outcome.details[0] else {
            panic!("a table first")
        };
        assert_eq!(rows[0].cells[1].text, "0.30000000000000004 (expected 0.3)");
    }

    #[test]
    fn column_count_names_the_shapes_and_previews_the_answer() {
        let r = rules(Order::Unordered);
        let expected = set(&["a", "b"], vec![vec![Value::Integer(1), Value::Integer(2)]]);
        let found = set(&["a"], vec![vec![Value::Integer(1)]]);
        let cmp = compare(&expected, &found, &r);
        let judged = Judged {
            subject: Subject::Query { has_order_by: true },
            hidden: false,
            rules: &r,
        };
        let outcome = mismatch(&cmp, &expected, &found, &judged);
        assert_eq!(
            outcome.message,
            "your query returns 1 column where the answer has 2"
        );
        assert_eq!(outcome.details.len(), 2);
        let Detail::Mismatch { expected: want, .. } = &outcome.details[0] else {
            panic!("the columns first")
        };
        assert_eq!(want, "2 columns");
        let Detail::Table { columns, .. } = &outcome.details[1] else {
            panic!("then the expected result")
        };
        assert_eq!(columns, &["#1", "#2"]);
    }
}
