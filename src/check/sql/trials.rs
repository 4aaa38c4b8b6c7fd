//! Variants of the learner's query, each one change away from it: an inner
//! join made LEFT, a boundary comparison with or without `=`, a timestamp
//! compared by its date, one aggregate swapped for its usual mix-up. When a
//! variant returns exactly the answer, that change names the mistake's
//! cause — evidence from the data, not a guess from the text.
//!
//! Variants are built on the parsed query (sqlparser) and printed back; one
//! that does not print as valid SQLite simply fails to run and proves nothing.

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, JoinConstraint, JoinOperator,
    Query, Select, SelectItem, SetExpr, Statement, TableFactor, Value,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

/// At most this many variants are tried: each is one more query run.
const MAX_VARIANTS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `JOIN table` became `LEFT JOIN table`.
    LeftJoin { table: String },
    /// A comparison with a limit gained or lost its `=`.
    Boundary { written: String, instead: String },
    /// `column OP 'YYYY-MM-DD'` became `date(column) OP …`.
    DateOnly { column: String, written: String },
    /// One aggregate call swapped for another.
    Aggregate { written: String, instead: String },
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub change: Change,
    pub sql: String,
}

/// The variants of `sql` worth a run, most telling first.
pub fn variants(sql: &str) -> Vec<Variant> {
    let Some(query) = parse(sql) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    left_joins(&query, &mut out);
    boundaries(&query, &mut out);
    aggregates(&query, &mut out);
    out.truncate(MAX_VARIANTS);
    out
}

fn parse(sql: &str) -> Option<Query> {
    let mut statements = Parser::parse_sql(&SQLiteDialect {}, sql).ok()?;
    match statements.pop() {
        Some(Statement::Query(query)) if statements.is_empty() => Some(*query),
        _ => None,
    }
}

fn parse_expr(text: &str) -> Option<Expr> {
    Parser::new(&SQLiteDialect {})
        .try_with_sql(text)
        .ok()?
        .parse_expr()
        .ok()
}

fn outer_select(query: &mut Query) -> Option<&mut Select> {
    match query.body.as_mut() {
        SetExpr::Select(select) => Some(select),
        _ => None,
    }
}

fn left_joins(query: &Query, out: &mut Vec<Variant>) {
    let mut probe = query.clone();
    let Some(select) = outer_select(&mut probe) else {
        return;
    };
    let count: usize = select.from.iter().map(|f| f.joins.len()).sum();
    for target in 0..count {
        let mut variant = query.clone();
        let Some(select) = outer_select(&mut variant) else {
            return;
        };
        let Some(join) = select
            .from
            .iter_mut()
            .flat_map(|f| f.joins.iter_mut())
            .nth(target)
        else {
            continue;
        };
        let constraint = match &join.join_operator {
            JoinOperator::Join(c) | JoinOperator::Inner(c) if !matches!(c, JoinConstraint::None) => c.clone(),
            _ => continue,
        };
        let TableFactor::Table { name, .. } = &join.relation else {
            continue;
        };
        let table = name.to_string();
        join.join_operator = JoinOperator::Left(constraint);
        out.push(Variant {
            change: Change::LeftJoin { table },
            sql: variant.to_string(),
        });
    }
}

/// `a < b` and friends whose one side is a literal.
fn is_limit_comparison(expr: &Expr) -> bool {
    matches!(expr, Expr::BinaryOp { left, op, right }
        if matches!(op, BinaryOperator::Lt | BinaryOperator::LtEq | BinaryOperator::Gt | BinaryOperator::GtEq | BinaryOperator::Eq)
            && (matches!(left.as_ref(), Expr::Value(_)) || matches!(right.as_ref(), Expr::Value(_))))
}

fn is_date_literal(expr: &Expr) -> Option<&str> {
    let Expr::Value(v) = expr else { return None };
    let Value::SingleQuotedString(text) = &v.value else {
        return None;
    };
    let bytes = text.as_bytes();
    let date_shape = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    date_shape.then_some(text.as_str())
}

fn boundaries(query: &Query, out: &mut Vec<Variant>) {
    let mut probe = query.clone();
    let Some(select) = outer_select(&mut probe) else {
        return;
    };
    let Some(condition) = select.selection.as_mut() else {
        return;
    };
    let mut found = Vec::new();
    collect(condition, &is_limit_comparison, &mut found);
    for (index, written) in found.into_iter().enumerate() {
        let Some(Expr::BinaryOp { left, op, right }) = parse_expr(&written) else {
            continue;
        };
        let flipped = match op {
            BinaryOperator::Lt => Some(BinaryOperator::LtEq),
            BinaryOperator::LtEq => Some(BinaryOperator::Lt),
            BinaryOperator::Gt => Some(BinaryOperator::GtEq),
            BinaryOperator::GtEq => Some(BinaryOperator::Gt),
            _ => None,
        };
        if let Some(op) = flipped {
            let instead = Expr::BinaryOp {
                left: left.clone(),
                op,
                right: right.clone(),
            };
            push_replaced(
                query,
                index,
                &instead,
                Change::Boundary {
                    written: written.clone(),
                    instead: instead.to_string(),
                },
                out,
            );
        }
        // A timestamp column compared with a bare date.
        let (column, literal_on_right) = match (is_date_literal(&left), is_date_literal(&right)) {
            (None, Some(_)) => (left.as_ref(), true),
            (Some(_), None) => (right.as_ref(), false),
            _ => continue,
        };
        if !matches!(column, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
            continue;
        }
        let Some(dated) = parse_expr(&format!("date({column})")) else {
            continue;
        };
        let instead = if literal_on_right {
            Expr::BinaryOp {
                left: Box::new(dated),
                op: op.clone(),
                right: right.clone(),
            }
        } else {
            Expr::BinaryOp {
                left: left.clone(),
                op: op.clone(),
                right: Box::new(dated),
            }
        };
        push_replaced(
            query,
            index,
            &instead,
            Change::DateOnly {
                column: column.to_string(),
                written,
            },
            out,
        );
    }
}

/// `query` with the `index`-th limit comparison of its WHERE replaced.
fn push_replaced(query: &Query, index: usize, instead: &Expr, change: Change, out: &mut Vec<Variant>) {
    let mut variant = query.clone();
    let Some(select) = outer_select(&mut variant) else {
        return;
    };
    let Some(condition) = select.selection.as_mut() else {
        return;
    };
    let mut seen = 0;
    if replace_nth(condition, &is_limit_comparison, &mut seen, index, instead) {
        out.push(Variant {
            change,
            sql: variant.to_string(),
        });
    }
}

fn is_aggregate(expr: &Expr) -> bool {
    let Expr::Function(f) = expr else { return false };
    f.over.is_none()
        && matches!(
            f.name.to_string().to_lowercase().as_str(),
            "count" | "sum" | "avg" | "min" | "max" | "total"
        )
}

fn aggregates(query: &Query, out: &mut Vec<Variant>) {
    let mut probe = query.clone();
    let Some(select) = outer_select(&mut probe) else {
        return;
    };
    // Columns of the join conditions: after a LEFT JOIN, count(*) counts the
    // unmatched rows too, and count(their column) does not.
    let mut join_columns = Vec::new();
    for join in select.from.iter().flat_map(|f| &f.joins) {
        if let JoinOperator::Left(JoinConstraint::On(on)) | JoinOperator::LeftOuter(JoinConstraint::On(on)) =
            &join.join_operator
        {
            collect(
                &mut on.clone(),
                &|e| matches!(e, Expr::CompoundIdentifier(_)),
                &mut join_columns,
            );
        }
    }
    let mut calls = Vec::new();
    for item in &mut select.projection {
        if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item {
            collect(e, &is_aggregate, &mut calls);
        }
    }
    for (index, written) in calls.into_iter().enumerate() {
        let Some(Expr::Function(f)) = parse_expr(&written) else {
            continue;
        };
        let name = f.name.to_string().to_lowercase();
        let (args, distinct, star) = match &f.args {
            FunctionArguments::List(list) => (
                list.args
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                list.duplicate_treatment.is_some(),
                matches!(
                    list.args.as_slice(),
                    [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)]
                ),
            ),
            _ => continue,
        };
        let mut instead: Vec<String> = match name.as_str() {
            "avg" => vec![format!("sum({args})")],
            "sum" | "total" => vec![format!("avg({args})"), format!("count({args})")],
            "min" => vec![format!("max({args})")],
            "max" => vec![format!("min({args})")],
            "count" if star => join_columns.iter().map(|c| format!("count({c})")).collect(),
            "count" if distinct => vec![format!("count({})", args.trim_start_matches("DISTINCT "))],
            "count" => vec!["count(*)".to_string(), format!("count(DISTINCT {args})")],
            _ => Vec::new(),
        };
        instead.dedup();
        for text in instead {
            let Some(expr) = parse_expr(&text) else { continue };
            let mut variant = query.clone();
            let Some(select) = outer_select(&mut variant) else {
                return;
            };
            let mut seen = 0;
            let replaced = select.projection.iter_mut().any(|item| match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    replace_nth(e, &is_aggregate, &mut seen, index, &expr)
                }
                _ => false,
            });
            if replaced {
                out.push(Variant {
                    change: Change::Aggregate {
                        written: written.clone(),
                        instead: expr.to_string(),
                    },
                    sql: variant.to_string(),
                });
            }
        }
    }
}

/// The sub-expressions matching `pred`, as text, outermost first (a match
/// is not searched inside).
fn collect(expr: &mut Expr, pred: &dyn Fn(&Expr) -> bool, out: &mut Vec<String>) {
    if pred(expr) {
        out.push(expr.to_string());
        return;
    }
    for child in children_mut(expr) {
        collect(child, pred, out);
    }
}

/// Replace the `target`-th match of `pred` (counted as `collect` does).
fn replace_nth(
    expr: &mut Expr,
    pred: &dyn Fn(&Expr) -> bool,
    seen: &mut usize,
    target: usize,
    with: &Expr,
) -> bool {
    if pred(expr) {
        *seen += 1;
        if *seen - 1 == target {
            *expr = with.clone();
            return true;
        }
        return false;
    }
    children_mut(expr)
        .into_iter()
        .any(|child| replace_nth(child, pred, seen, target, with))
}

/// The sub-expressions a condition or a select item is built of (the
/// mutable twin of `shape::children`, for the variants used here).
fn children_mut(expr: &mut Expr) -> Vec<&mut Expr> {
    match expr {
        Expr::BinaryOp { left, right, .. } => vec![left.as_mut(), right.as_mut()],
        Expr::UnaryOp { expr, .. } | Expr::Nested(expr) | Expr::Cast { expr, .. } => vec![expr.as_mut()],
        Expr::Between { expr, low, high, .. } => vec![expr.as_mut(), low.as_mut(), high.as_mut()],
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => operand
            .iter_mut()
            .map(AsMut::as_mut)
            .chain(
                conditions
                    .iter_mut()
                    .flat_map(|c| [&mut c.condition, &mut c.result]),
            )
            .chain(else_result.iter_mut().map(AsMut::as_mut))
            .collect(),
        Expr::Function(f) => match &mut f.args {
            FunctionArguments::List(list) => list
                .args
                .iter_mut()
                .filter_map(|arg| match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(sql: &str) -> Vec<(Change, String)> {
        variants(sql).into_iter().map(|v| (v.change, v.sql)).collect()
    }

    #[test]
    fn an_inner_join_becomes_left_one_at_a_time() {
        let found = changes(
            "SELECT f.name, b.slots FROM facilities f JOIN bookings b ON b.facid = f.facid, members m",
        );
        assert_eq!(
            found[0].0,
            Change::LeftJoin {
                table: "bookings".into()
            }
        );
        assert!(found[0].1.contains("LEFT JOIN bookings"), "{}", found[0].1);
        // A comma join has no condition to keep: it stays as it is.
        assert_eq!(
            found
                .iter()
                .filter(|(c, _)| matches!(c, Change::LeftJoin { .. }))
                .count(),
            1
        );
    }

    #[test]
    fn boundaries_gain_or_lose_their_equals_and_dates_compare_by_day() {
        let found = changes("SELECT * FROM b WHERE starttime >= '2012-09-01' AND slots < 5");
        let kinds: Vec<&Change> = found.iter().map(|(c, _)| c).collect();
        assert_eq!(
            kinds,
            [
                &Change::Boundary {
                    written: "starttime >= '2012-09-01'".into(),
                    instead: "starttime > '2012-09-01'".into()
                },
                &Change::DateOnly {
                    column: "starttime".into(),
                    written: "starttime >= '2012-09-01'".into()
                },
                &Change::Boundary {
                    written: "slots < 5".into(),
                    instead: "slots <= 5".into()
                },
            ]
        );
        assert_eq!(
            found[1].1,
            "SELECT * FROM b WHERE date(starttime) >= '2012-09-01' AND slots < 5"
        );
    }

    #[test]
    fn aggregates_are_swapped_for_their_usual_mix_ups() {
        let found = changes(
            "SELECT f.name, avg(slots), count(*) FROM f LEFT JOIN b ON b.facid = f.facid GROUP BY f.name",
        );
        let instead: Vec<String> = found
            .iter()
            .filter_map(|(c, _)| match c {
                Change::Aggregate { instead, .. } => Some(instead.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(instead, ["sum(slots)", "count(b.facid)", "count(f.facid)"]);
        assert!(found.iter().any(|(_, sql)| sql == "SELECT f.name, sum(slots), count(*) FROM f LEFT JOIN b ON b.facid = f.facid GROUP BY f.name"));
        assert!(variants("SELECT FROM").is_empty());
    }
}
