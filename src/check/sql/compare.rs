//! Comparing a result with the reference's, the way a teacher reads it:
//! columns by position, NULL apart from '' and 0, numbers within a tolerance,
//! rows as a multiset, then the order the exercise asks for. The outcome is a
//! description of every difference; `report` turns it into words and tables.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use super::spec::{ColumnNames, Order, Rules};
use super::value::{ResultSet, Value};

type Row = Vec<Value>;

/// Beyond this many (expected × found) row pairs, the slow matching passes
/// (numbers within tolerance, pairing near-misses) are skipped: a result that
/// far off is shown as missing and extra rows, and the check stays fast.
const MAX_PAIR_WORK: usize = 4_000_000;

/// Everything that differs between an expected and a found result.
#[derive(Debug, Default)]
pub struct Comparison {
    /// (expected, found) column counts, when they differ; nothing else is
    /// compared then, since columns are matched by position.
    pub column_count: Option<(usize, usize)>,
    /// Positions (0-based) whose names differ under the name rule.
    pub misnamed: Vec<usize>,
    /// The rows differ (as a multiset).
    pub rows: Option<RowDiff>,
    /// The rows are right, their order is not.
    pub order: Option<Misorder>,
}

impl Comparison {
    pub fn is_equal(&self) -> bool {
        self.column_count.is_none() && self.misnamed.is_empty() && self.rows.is_none() && self.order.is_none()
    }
}

/// One row of a diff, in the order it is best shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Same {
        expected: usize,
        found: usize,
    },
    /// The found row that most resembles the expected one; `wrong` marks cells.
    Changed {
        expected: usize,
        found: usize,
        wrong: Vec<bool>,
    },
    Missing {
        expected: usize,
    },
    Extra {
        found: usize,
    },
}

#[derive(Debug, Default)]
pub struct RowDiff {
    pub lines: Vec<Line>,
    pub missing: usize,
    pub extra: usize,
    pub changed: usize,
    /// Columns (0-based) holding a wrong cell in some changed row.
    pub wrong_columns: Vec<usize>,
}

/// Right rows, wrong order.
#[derive(Debug)]
pub struct Misorder {
    /// For each found row, in found order: the expected positions it may
    /// take (a range when rows tie on the order key), and whether it is out of place.
    pub placements: Vec<(Range<usize>, bool)>,
    pub misplaced: usize,
    /// The found order is the expected one backwards (ASC for DESC).
    pub reversed: bool,
}

pub fn compare(expected: &ResultSet, found: &ResultSet, rules: &Rules) -> Comparison {
    let width = expected.columns.len();
    if found.columns.len() != width {
        return Comparison {
            column_count: Some((width, found.columns.len())),
            ..Comparison::default()
        };
    }
    let mut comparison = Comparison {
        misnamed: misnamed(&expected.columns, &found.columns, rules.names),
        ..Comparison::default()
    };
    let (exp, got) = (&expected.rows, &found.rows);
    if exp.len() == got.len() && exp.iter().zip(got).all(|(e, f)| rows_equal(e, f, rules)) {
        return comparison;
    }
    let matched = match_rows(exp, got, rules);
    if matched.iter().any(Option::is_none) || exp.len() != got.len() {
        comparison.rows = Some(diff(exp, got, &matched, rules));
        return comparison;
    }
    comparison.order = match &rules.order {
        Order::Unordered => None,
        Order::Ordered => misorder(exp, got, &matched, &[], rules),
        Order::By(columns) => {
            let key: Vec<usize> = columns.iter().map(|c| c - 1).filter(|&c| c < width).collect();
            misorder(exp, got, &matched, &key, rules)
        }
    };
    comparison
}

fn misnamed(expected: &[String], found: &[String], rule: ColumnNames) -> Vec<usize> {
    let same = |a: &String, b: &String| match rule {
        ColumnNames::Ignore => true,
        ColumnNames::CaseInsensitive => a.to_lowercase() == b.to_lowercase(),
        ColumnNames::Exact => a == b,
    };
    (0..expected.len())
        .filter(|&i| !same(&expected[i], &found[i]))
        .collect()
}

/// Whether two cells hold the same answer.
pub fn cells_equal(a: &Value, b: &Value, rules: &Rules) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Integer(x), Value::Integer(y)) => x == y,
        (Value::Real(x), Value::Real(y)) => close(*x, *y, rules.tolerance),
        (Value::Integer(i), Value::Real(r)) | (Value::Real(r), Value::Integer(i)) => {
            !rules.exact_types && close(*i as f64, *r, rules.tolerance)
        }
        (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Blob(x), Value::Blob(y)) => x == y,
        // NULL is neither '' nor 0; the number 7 is not the text '7'.
        _ => false,
    }
}

/// Relative tolerance, with 1 as the smallest scale so that values near zero
/// (0 and 1e-17 from a different summation order) compare equal too.
fn close(a: f64, b: f64, tolerance: f64) -> bool {
    a == b || (a - b).abs() <= tolerance * 1f64.max(a.abs()).max(b.abs())
}

fn rows_equal(a: &Row, b: &Row, rules: &Rules) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| cells_equal(x, y, rules))
}

/// A cell as a hash key: equal keys imply equal cells. Reals that hold an
/// integer meet integers, unless types must match exactly.
#[derive(Hash, PartialEq, Eq)]
enum Key<'a> {
    Null,
    Int(i64),
    Real(u64),
    Text(&'a str),
    Blob(&'a [u8]),
}

fn key(value: &Value, exact_types: bool) -> Key<'_> {
    match value {
        Value::Null => Key::Null,
        Value::Integer(i) => Key::Int(*i),
        Value::Real(r) if !exact_types && r.fract() == 0.0 && r.abs() < 9.0e18 => Key::Int(*r as i64),
        // -0.0 and 0.0 are one number.
        Value::Real(r) => Key::Real(if *r == 0.0 { 0 } else { r.to_bits() }),
        Value::Text(t) => Key::Text(t),
        Value::Blob(b) => Key::Blob(b),
    }
}

/// For each expected row, the found row it matches; every found row used at
/// most once, so duplicates count. Earliest found rows are taken first, which
/// keeps a right order recognisable.
fn match_rows(expected: &[Row], found: &[Row], rules: &Rules) -> Vec<Option<usize>> {
    let mut buckets: HashMap<Vec<Key<'_>>, VecDeque<usize>> = HashMap::new();
    for (i, row) in found.iter().enumerate() {
        let k = row.iter().map(|v| key(v, rules.exact_types)).collect();
        buckets.entry(k).or_default().push_back(i);
    }
    let mut matched: Vec<Option<usize>> = expected
        .iter()
        .map(|row| {
            let k: Vec<Key<'_>> = row.iter().map(|v| key(v, rules.exact_types)).collect();
            buckets.get_mut(&k).and_then(VecDeque::pop_front)
        })
        .collect();
    // Numbers equal within the tolerance but not bit for bit: a slower pass
    // over what is left, usually nothing.
    let mut left: Vec<usize> = buckets.into_values().flatten().collect();
    left.sort_unstable();
    let unmatched = matched.iter().filter(|m| m.is_none()).count();
    if unmatched * left.len() <= MAX_PAIR_WORK {
        for (e, slot) in matched.iter_mut().enumerate().filter(|(_, m)| m.is_none()) {
            if let Some(pos) = left
                .iter()
                .position(|&f| rows_equal(&expected[e], &found[f], rules))
            {
                *slot = Some(left.remove(pos));
            }
        }
    }
    matched
}

/// Missing, extra and changed rows, laid out in the expected order with each
/// extra row shown after the row it follows in the found result.
fn diff(expected: &[Row], found: &[Row], matched: &[Option<usize>], rules: &Rules) -> RowDiff {
    let missing: Vec<usize> = (0..expected.len()).filter(|&e| matched[e].is_none()).collect();
    let mut used = vec![false; found.len()];
    for f in matched.iter().flatten() {
        used[*f] = true;
    }
    let extra: Vec<usize> = (0..found.len()).filter(|&f| !used[f]).collect();
    let pairs = pair_near_misses(expected, found, &missing, &extra, rules);

    // expected row of each found row, to place the extra rows
    let mut owner: Vec<Option<usize>> = vec![None; found.len()];
    for (e, f) in matched.iter().enumerate() {
        if let Some(f) = f {
            owner[*f] = Some(e);
        }
    }
    for &(e, f) in &pairs {
        owner[f] = Some(e);
    }

    let mut placed: Vec<((isize, u8, usize), Line)> = Vec::new();
    let mut wrong_columns = vec![false; expected.first().map_or(0, Vec::len)];
    for (e, m) in matched.iter().enumerate() {
        let line = match m {
            Some(f) => Line::Same {
                expected: e,
                found: *f,
            },
            None => match pairs.iter().find(|(pe, _)| *pe == e) {
                Some(&(_, f)) => {
                    let wrong: Vec<bool> = expected[e]
                        .iter()
                        .zip(&found[f])
                        .map(|(a, b)| !cells_equal(a, b, rules))
                        .collect();
                    for (i, w) in wrong.iter().enumerate() {
                        wrong_columns[i] |= *w;
                    }
                    Line::Changed {
                        expected: e,
                        found: f,
                        wrong,
                    }
                }
                None => Line::Missing { expected: e },
            },
        };
        placed.push(((e as isize, 0, 0), line));
    }
    let mut anchor: isize = -1;
    for (f, o) in owner.iter().enumerate() {
        match o {
            Some(e) => anchor = anchor.max(*e as isize),
            None => placed.push(((anchor, 1, f), Line::Extra { found: f })),
        }
    }
    placed.sort_by_key(|(k, _)| *k);
    RowDiff {
        lines: placed.into_iter().map(|(_, l)| l).collect(),
        missing: missing.len() - pairs.len(),
        extra: extra.len() - pairs.len(),
        changed: pairs.len(),
        wrong_columns: (0..wrong_columns.len()).filter(|&i| wrong_columns[i]).collect(),
    }
}

/// Pair each missing row with the extra row that shares most of its cells
/// (at least half, and not in a one-column result), so a wrong value shows as
/// one changed row with the cell marked rather than a row gone and a row new.
fn pair_near_misses(
    expected: &[Row],
    found: &[Row],
    missing: &[usize],
    extra: &[usize],
    rules: &Rules,
) -> Vec<(usize, usize)> {
    let width = expected.first().map_or(0, Vec::len);
    if width < 2 || missing.len() * extra.len() * width > MAX_PAIR_WORK {
        return Vec::new();
    }
    let mut taken = vec![false; extra.len()];
    let mut pairs = Vec::new();
    for &e in missing {
        let best = extra
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken[*i])
            .map(|(i, &f)| {
                let same = expected[e]
                    .iter()
                    .zip(&found[f])
                    .filter(|(a, b)| cells_equal(a, b, rules))
                    .count();
                (i, f, same)
            })
            .filter(|&(_, _, same)| same * 2 >= width)
            // most cells in common, then the nearest position
            .max_by_key(|&(_, f, same)| (same, std::cmp::Reverse(f.abs_diff(e))));
        if let Some((i, f, _)) = best {
            taken[i] = true;
            pairs.push((e, f));
        }
    }
    pairs
}

/// The rows are the same multiset; is their order the one asked for? `key`
/// holds the 0-based order key columns, empty for a full order.
fn misorder(
    expected: &[Row],
    found: &[Row],
    matched: &[Option<usize>],
    key: &[usize],
    rules: &Rules,
) -> Option<Misorder> {
    let n = expected.len();
    let same_place = |e: &Row, f: &Row| {
        if key.is_empty() {
            rows_equal(e, f, rules)
        } else {
            key.iter().all(|&c| cells_equal(&e[c], &f[c], rules))
        }
    };
    // Runs of expected rows that tie on the key: any order inside a run.
    let mut runs: Vec<Range<usize>> = Vec::new();
    for i in 0..n {
        match runs.last_mut() {
            Some(run) if !key.is_empty() && same_place(&expected[run.start], &expected[i]) => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    let mut out_of_place: Vec<bool> = (0..n).map(|i| !same_place(&expected[i], &found[i])).collect();
    // Same keys in the same places, but a run may still hold other rows when
    // the reference is not grouped by its key.
    for run in &runs {
        let inner = match_rows(&expected[run.clone()], &found[run.clone()], rules);
        if inner.iter().any(Option::is_none) {
            out_of_place[run.clone()].iter_mut().for_each(|w| *w = true);
        }
    }
    let misplaced = out_of_place.iter().filter(|w| **w).count();
    if misplaced == 0 {
        return None;
    }
    let mut belongs = vec![0..0; n];
    for (e, f) in matched.iter().enumerate() {
        if let Some(f) = f {
            let run = runs.iter().find(|r| r.contains(&e)).cloned().unwrap_or(e..e + 1);
            belongs[*f] = run;
        }
    }
    let reversed = n >= 2 && (0..n).all(|i| same_place(&expected[i], &found[n - 1 - i]));
    Some(Misorder {
        placements: belongs.into_iter().zip(out_of_place).collect(),
        misplaced,
        reversed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Value::{Integer as I, Null, Real as R};

    fn t(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    fn set(rows: Vec<Vec<Value>>) -> ResultSet {
        let width = rows.first().map_or(2, Vec::len);
        ResultSet {
            columns: (0..width).map(|i| format!("c{i}")).collect(),
            rows,
        }
    }

    fn rules(order: Order) -> Rules {
        Rules {
            order,
            names: ColumnNames::Ignore,
            exact_types: false,
            tolerance: 1e-9,
        }
    }

    #[test]
    fn null_is_neither_empty_text_nor_zero() {
        let r = rules(Order::Unordered);
        assert!(cells_equal(&Null, &Null, &r));
        assert!(!cells_equal(&Null, &t(""), &r));
        assert!(!cells_equal(&Null, &I(0), &r));
        assert!(!cells_equal(&t("7"), &I(7), &r));
    }

    #[test]
    fn numbers_within_tolerance_and_types_only_when_asked() {
        let mut r = rules(Order::Unordered);
        assert!(cells_equal(&R(0.1 + 0.2), &R(0.3), &r));
        assert!(cells_equal(&R(1e-17), &I(0), &r));
        assert!(!cells_equal(&R(10.01), &R(10.0), &r));
        assert!(cells_equal(&I(1), &R(1.0), &r));
        r.exact_types = true;
        assert!(!cells_equal(&I(1), &R(1.0), &r));
        r.tolerance = 0.01;
        assert!(cells_equal(&R(10.05), &R(10.0), &r));
    }

    #[test]
    fn unordered_counts_duplicates() {
        let r = rules(Order::Unordered);
        let expected = set(vec![vec![t("a"), I(1)], vec![t("a"), I(1)], vec![t("b"), I(2)]]);
        let shuffled = set(vec![vec![t("b"), I(2)], vec![t("a"), I(1)], vec![t("a"), I(1)]]);
        assert!(compare(&expected, &shuffled, &r).is_equal());
        let deduplicated = set(vec![vec![t("a"), I(1)], vec![t("b"), I(2)]]);
        let rows = compare(&expected, &deduplicated, &r).rows.unwrap();
        assert_eq!((rows.missing, rows.extra, rows.changed), (1, 0, 0));
    }

    #[test]
    fn ordered_reports_misplaced_rows_and_reversal() {
        let r = rules(Order::Ordered);
        let expected = set(vec![vec![t("a"), I(1)], vec![t("b"), I(2)], vec![t("c"), I(3)]]);
        let backwards = set(vec![vec![t("c"), I(3)], vec![t("b"), I(2)], vec![t("a"), I(1)]]);
        let cmp = compare(&expected, &backwards, &r);
        assert!(cmp.rows.is_none());
        let order = cmp.order.unwrap();
        assert!(order.reversed);
        assert_eq!(order.misplaced, 2);
        assert_eq!(order.placements[0], (2..3, true));
        assert_eq!(order.placements[1], (1..2, false));
        assert!(compare(&expected, &backwards, &rules(Order::Unordered)).is_equal());
    }

    #[test]
    fn key_order_lets_ties_come_in_any_order() {
        let r = rules(Order::By(vec![2]));
        let expected = set(vec![vec![t("a"), I(3)], vec![t("b"), I(3)], vec![t("c"), I(1)]]);
        let ties_swapped = set(vec![vec![t("b"), I(3)], vec![t("a"), I(3)], vec![t("c"), I(1)]]);
        assert!(compare(&expected, &ties_swapped, &r).is_equal());
        let key_wrong = set(vec![vec![t("c"), I(1)], vec![t("a"), I(3)], vec![t("b"), I(3)]]);
        let order = compare(&expected, &key_wrong, &r).order.unwrap();
        assert_eq!(order.placements[0], (2..3, true));
        assert_eq!(order.placements[1], (0..2, true));
        assert!(
            compare(&expected, &ties_swapped, &rules(Order::Ordered))
                .order
                .is_some()
        );
    }

    #[test]
    fn a_wrong_cell_pairs_the_rows_and_extras_follow_their_neighbour() {
        let r = rules(Order::Unordered);
        let expected = set(vec![vec![t("a"), I(1)], vec![t("b"), I(2)]]);
        let found = set(vec![vec![t("a"), I(1)], vec![t("z"), I(9)], vec![t("b"), I(5)]]);
        let rows = compare(&expected, &found, &r).rows.unwrap();
        assert_eq!((rows.missing, rows.extra, rows.changed), (0, 1, 1));
        assert_eq!(rows.wrong_columns, vec![1]);
        assert_eq!(
            rows.lines,
            vec![
                Line::Same {
                    expected: 0,
                    found: 0
                },
                Line::Extra { found: 1 },
                Line::Changed {
                    expected: 1,
                    found: 2,
                    wrong: vec![false, true]
                },
            ]
        );
    }

    #[test]
    fn column_counts_and_names() {
        let expected = set(vec![vec![I(1), I(2)]]);
        let narrow = ResultSet {
            columns: vec!["x".into()],
            rows: vec![vec![I(1)]],
        };
        assert_eq!(
            compare(&expected, &narrow, &rules(Order::Unordered)).column_count,
            Some((2, 1))
        );
        let mut renamed = expected.clone();
        renamed.columns = vec!["C0".into(), "total".into()];
        let mut r = rules(Order::Unordered);
        assert!(compare(&expected, &renamed, &r).is_equal());
        r.names = ColumnNames::CaseInsensitive;
        assert_eq!(compare(&expected, &renamed, &r).misnamed, vec![1]);
        r.names = ColumnNames::Exact;
        assert_eq!(compare(&expected, &renamed, &r).misnamed, vec![0, 1]);
    }

    #[test]
    fn tolerance_pass_matches_rows_that_hash_apart() {
        let r = rules(Order::Unordered);
        let expected = set(vec![vec![t("a"), R(0.3)]]);
        let found = set(vec![vec![t("a"), R(0.1 + 0.2)]]);
        assert!(compare(&expected, &found, &r).is_equal());
    }
}
