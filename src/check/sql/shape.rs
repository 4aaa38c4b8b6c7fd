//! What one statement of the learner says, read with a real SQL parser
//! (sqlparser, SQLite dialect): whether its outermost query fixes an order,
//! which columns stand beside an aggregate ungrouped, which tables it joins
//! and how, where it compares with NULL. These feed verdicts that SQLite's
//! leniency would miss and notes that name a mistake's cause.
//!
//! A statement the parser does not read (SQLite accepts some syntax it does
//! not know) has no shape: the checks that need one are then skipped, never
//! guessed.

use sqlparser::ast::{
    BinaryOperator, Distinct, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, InTarget,
    JoinOperator, Query, Select, SelectItem, SetExpr, SetOperator, SetQuantifier, Statement, TableFactor,
    TableWithJoins, Value,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

/// Functions that fold many rows into one (without OVER).
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "total",
    "group_concat",
    "string_agg",
];

#[derive(Default, Clone)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub struct Shape {
    /// The outermost query ends with ORDER BY: the only clause that fixes
    /// the order of a result.
    pub ordered: bool,
    /// Columns shown beside an aggregate that are neither grouped nor
    /// aggregated, per SELECT; filtered later for functional dependence.
    pub ungrouped: Vec<Ungrouped>,
    /// Tables joined so that a row without a match is dropped (JOIN, INNER
    /// JOIN, a comma), by name as written.
    pub inner_joined: Vec<String>,
    /// Tables joined so that unmatched rows are kept (LEFT, RIGHT, FULL).
    pub outer_joined: Vec<String>,
    /// `x = NULL`, `x <> NULL`, as written.
    pub null_comparisons: Vec<String>,
    /// A UNION (false) or UNION ALL (true) in the outermost query.
    pub union_all: Option<bool>,
    /// SELECT DISTINCT in the outermost query.
    pub distinct: bool,
    /// Aggregate functions called anywhere in a select list, lowercased.
    pub aggregates: Vec<String>,
    /// The parsed query, for what depends on its result (`order_keys`).
    query: Option<Box<Query>>,
}

/// One SELECT's ungrouped columns and what could make them grouped after
/// all: a grouped primary key of their table (as PostgreSQL accepts).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Ungrouped {
    /// (qualifier, column, as written)
    pub columns: Vec<(Option<String>, String, String)>,
    /// (alias or name, table name) of the FROM clause.
    pub tables: Vec<(String, String)>,
    /// Grouped plain columns: (qualifier, column).
    pub grouped: Vec<(Option<String>, String)>,
}

impl Shape {
    /// The shape of one statement, when the parser reads it.
    pub fn of(sql: &str) -> Option<Shape> {
        let statements = Parser::parse_sql(&SQLiteDialect {}, sql).ok()?;
        let [Statement::Query(query)] = statements.as_slice() else {
            return None;
        };
        let mut shape = Shape {
            ordered: query.order_by.is_some(),
            query: Some(query.clone()),
            ..Shape::default()
        };
        match query.body.as_ref() {
            SetExpr::SetOperation {
                op: SetOperator::Union,
                set_quantifier,
                ..
            } => {
                shape.union_all = Some(matches!(set_quantifier, SetQuantifier::All));
            }
            SetExpr::Select(select) => shape.distinct = matches!(select.distinct, Some(Distinct::Distinct)),
            _ => {}
        }
        shape.query(query);
        Some(shape)
    }

    /// The columns that are neither grouped nor aggregated nor, through a
    /// grouped primary key, determined by the group. `table_key(name)` gives
    /// a table's primary key columns and `has_column(table, column)` whether
    /// it has that column.
    pub fn bare_columns(
        &self,
        table_key: &dyn Fn(&str) -> Vec<String>,
        has_column: &dyn Fn(&str, &str) -> bool,
    ) -> Vec<String> {
        let mut bare = Vec::new();
        for select in &self.ungrouped {
            // Tables whose whole key is grouped: their every column is determined.
            let determined: Vec<&(String, String)> = select
                .tables
                .iter()
                .filter(|(alias, table)| {
                    let key = table_key(table);
                    !key.is_empty()
                        && key.iter().all(|k| {
                            select.grouped.iter().any(|(q, c)| {
                                c.eq_ignore_ascii_case(k)
                                    && q.as_ref().is_none_or(|q| q.eq_ignore_ascii_case(alias))
                            })
                        })
                })
                .collect();
            for (qualifier, column, written) in &select.columns {
                let covered = determined.iter().any(|(alias, table)| match qualifier {
                    Some(q) => q.eq_ignore_ascii_case(alias),
                    None => has_column(table, column),
                });
                if !covered && !bare.contains(written) {
                    bare.push(written.clone());
                }
            }
        }
        bare
    }

    fn query(&mut self, query: &Query) {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.query(&cte.query);
            }
        }
        self.set_expr(&query.body);
    }

    fn set_expr(&mut self, body: &SetExpr) {
        match body {
            SetExpr::Select(select) => self.select(select),
            SetExpr::Query(query) => self.query(query),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left);
                self.set_expr(right);
            }
            _ => {}
        }
    }

    fn select(&mut self, select: &Select) {
        let mut tables = Vec::new();
        for (i, from) in select.from.iter().enumerate() {
            self.from(from, i > 0, &mut tables);
        }
        let items: Vec<&Expr> = select
            .projection
            .iter()
            .filter_map(|item| match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
                _ => None,
            })
            .collect();
        let mut conditions: Vec<&Expr> = select.selection.iter().collect();
        conditions.extend(select.having.iter());
        for from in &select.from {
            for join in &from.joins {
                if let Some(on) = join_condition(&join.join_operator) {
                    conditions.push(on);
                }
            }
        }
        for condition in conditions {
            self.expr(condition);
        }
        let mut aggregated = false;
        for item in &items {
            aggregated |= has_aggregate(item);
            self.expr(item);
        }
        let group_exprs: &[Expr] = match &select.group_by {
            GroupByExpr::Expressions(exprs, _) => exprs,
            GroupByExpr::All(_) => return,
        };
        if !aggregated && group_exprs.is_empty() {
            return;
        }
        // GROUP BY may name a select-list alias or a position.
        let aliases: Vec<(String, &Expr)> = select
            .projection
            .iter()
            .filter_map(|item| match item {
                SelectItem::ExprWithAlias { expr, alias } => Some((alias.value.to_lowercase(), expr)),
                _ => None,
            })
            .collect();
        let mut grouped_text: Vec<String> = Vec::new();
        let mut grouped_columns = Vec::new();
        for g in group_exprs {
            let resolved = match g {
                Expr::Identifier(id) => aliases
                    .iter()
                    .find(|(a, _)| *a == id.value.to_lowercase())
                    .map(|(_, e)| *e),
                Expr::Value(v) => match &v.value {
                    Value::Number(n, _) => n
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| items.get(i.wrapping_sub(1)).copied()),
                    _ => None,
                },
                _ => None,
            };
            let g = resolved.unwrap_or(g);
            grouped_text.push(normal(g));
            if let Some(column) = column_ref(g) {
                grouped_columns.push(column);
            }
        }
        let mut columns = Vec::new();
        for item in &items {
            ungrouped_columns(item, &grouped_text, &mut columns);
        }
        if !columns.is_empty() {
            self.ungrouped.push(Ungrouped {
                columns,
                tables,
                grouped: grouped_columns,
            });
        }
    }

    fn from(&mut self, from: &TableWithJoins, comma_joined: bool, tables: &mut Vec<(String, String)>) {
        let first = self.factor(&from.relation, tables);
        if comma_joined && let Some(name) = first {
            self.inner_joined.push(name);
        }
        for join in &from.joins {
            let name = self.factor(&join.relation, tables);
            let Some(name) = name else { continue };
            match &join.join_operator {
                JoinOperator::Join(_) | JoinOperator::Inner(_) | JoinOperator::CrossJoin(_) => {
                    self.inner_joined.push(name);
                }
                JoinOperator::Left(_)
                | JoinOperator::LeftOuter(_)
                | JoinOperator::Right(_)
                | JoinOperator::RightOuter(_)
                | JoinOperator::FullOuter(_) => self.outer_joined.push(name),
                _ => {}
            }
        }
    }

    /// A FROM item: its table name (for a named table), after reading any
    /// subquery inside it.
    fn factor(&mut self, factor: &TableFactor, tables: &mut Vec<(String, String)>) -> Option<String> {
        match factor {
            TableFactor::Table { name, alias, .. } => {
                let table = name
                    .0
                    .iter()
                    .filter_map(|p| p.as_ident())
                    .map(|i| i.value.clone())
                    .collect::<Vec<_>>()
                    .join(".");
                let alias = alias.as_ref().map_or_else(
                    || table.rsplit('.').next().unwrap_or(&table).to_string(),
                    |a| a.name.value.clone(),
                );
                tables.push((alias, table.clone()));
                Some(table)
            }
            TableFactor::Derived { subquery, .. } => {
                self.query(subquery);
                None
            }
            TableFactor::NestedJoin { table_with_joins, .. } => {
                self.from(table_with_joins, false, tables);
                None
            }
            _ => None,
        }
    }

    /// Read an expression for NULL comparisons and subqueries.
    fn expr(&mut self, expr: &Expr) {
        if let Expr::BinaryOp { left, op, right } = expr
            && matches!(op, BinaryOperator::Eq | BinaryOperator::NotEq)
            && (is_null(left) || is_null(right))
        {
            self.null_comparisons.push(expr.to_string());
        }
        if let Expr::Function(f) = expr
            && f.over.is_none()
        {
            let name = function_name(f);
            if AGGREGATES.contains(&name.as_str()) && !self.aggregates.contains(&name) {
                self.aggregates.push(name);
            }
        }
        match expr {
            Expr::Subquery(q) | Expr::Exists { subquery: q, .. } => self.query(q),
            Expr::In {
                expr,
                target: InTarget::Subquery(q),
                ..
            } => {
                self.expr(expr);
                self.query(q);
            }
            other => children(other).into_iter().for_each(|c| self.expr(c)),
        }
    }
}

/// Where each key of a query's outermost ORDER BY is found in its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    /// A column of the result (0-based).
    Column(usize),
    /// Not in the result: column `n` (0-based) of `OrderKeys::rewritten`.
    Extra(usize),
}

/// The outermost ORDER BY of a query, located in its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKeys {
    pub keys: Vec<SortKey>,
    /// Each key as written.
    pub written: Vec<String>,
    /// The query with the keys that are not in its result appended to its
    /// select list, when there are any.
    pub rewritten: Option<String>,
}

/// The ORDER BY keys of `sql`, given the names of its result's columns.
/// None when it has no ORDER BY, or a key cannot be located.
#[cfg(test)]
pub fn order_keys(sql: &str, columns: &[String]) -> Option<OrderKeys> {
    Shape::of(sql)?.order_keys(columns)
}

impl Shape {
    /// The outermost ORDER BY, located in a result with these columns.
    pub fn order_keys(&self, columns: &[String]) -> Option<OrderKeys> {
        order_keys_of(self.query.as_ref()?, columns)
    }
}

fn order_keys_of(query: &Query, columns: &[String]) -> Option<OrderKeys> {
    let sqlparser::ast::OrderByKind::Expressions(order) = &query.order_by.as_ref()?.kind else {
        return None;
    };
    let select = match query.body.as_ref() {
        SetExpr::Select(select) => Some(select.as_ref()),
        _ => None,
    };
    // Positions of the select list's expressions, when no `*` shifts them.
    let items: Option<Vec<&Expr>> = select.and_then(|s| {
        s.projection
            .iter()
            .map(|item| match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
                _ => None,
            })
            .collect()
    });
    let mut keys = Vec::new();
    let mut extras = Vec::new();
    for item in order {
        let expr = &item.expr;
        let by_position = match expr {
            Expr::Value(v) => match &v.value {
                Value::Number(n, _) => n.parse::<usize>().ok().filter(|&n| n >= 1 && n <= columns.len()),
                _ => None,
            },
            _ => None,
        };
        let by_name = match expr {
            Expr::Identifier(id) => columns.iter().position(|c| c.eq_ignore_ascii_case(&id.value)),
            _ => None,
        };
        let by_text = items
            .as_ref()
            .and_then(|items| items.iter().position(|e| normal(e) == normal(expr)));
        let key = match (by_position, by_name, by_text) {
            (Some(n), _, _) => SortKey::Column(n - 1),
            (None, Some(i), _) | (None, None, Some(i)) => SortKey::Column(i),
            (None, None, None) => {
                select?;
                extras.push(expr.clone());
                SortKey::Extra(columns.len() + extras.len() - 1)
            }
        };
        keys.push(key);
    }
    let rewritten = if extras.is_empty() {
        None
    } else {
        let mut query = query.clone();
        let SetExpr::Select(select) = query.body.as_mut() else {
            return None;
        };
        select
            .projection
            .extend(extras.into_iter().map(SelectItem::UnnamedExpr));
        Some(query.to_string())
    };
    Some(OrderKeys {
        keys,
        written: order.iter().map(|o| o.expr.to_string()).collect(),
        rewritten,
    })
}

fn join_condition(op: &JoinOperator) -> Option<&Expr> {
    use sqlparser::ast::JoinConstraint::On;
    match op {
        JoinOperator::Join(On(e))
        | JoinOperator::Inner(On(e))
        | JoinOperator::Left(On(e))
        | JoinOperator::LeftOuter(On(e))
        | JoinOperator::Right(On(e))
        | JoinOperator::RightOuter(On(e))
        | JoinOperator::FullOuter(On(e)) => Some(e),
        _ => None,
    }
}

fn is_null(expr: &Expr) -> bool {
    matches!(expr, Expr::Value(v) if v.value == Value::Null)
}

fn function_name(f: &sqlparser::ast::Function) -> String {
    f.name.to_string().to_lowercase()
}

/// A call that folds rows: an aggregate without OVER (SQLite's two-argument
/// min and max are scalar functions).
fn is_aggregate_call(expr: &Expr) -> bool {
    let Expr::Function(f) = expr else { return false };
    if f.over.is_some() {
        return false;
    }
    let name = function_name(f);
    let args = match &f.args {
        FunctionArguments::List(list) => list.args.len(),
        _ => 0,
    };
    AGGREGATES.contains(&name.as_str()) && !(matches!(name.as_str(), "min" | "max") && args > 1)
}

fn has_aggregate(expr: &Expr) -> bool {
    is_aggregate_call(expr)
        || !matches!(expr, Expr::Subquery(_) | Expr::Exists { .. })
            && children(expr).into_iter().any(has_aggregate)
}

/// An expression as text for comparing a select item with a GROUP BY
/// entry: case and quotes aside.
fn normal(expr: &Expr) -> String {
    expr.to_string().to_lowercase().replace(['"', '`'], "")
}

/// (qualifier, column) of a plain column reference.
fn column_ref(expr: &Expr) -> Option<(Option<String>, String)> {
    match expr {
        Expr::Identifier(id) => Some((None, id.value.clone())),
        Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
            let column = parts[parts.len() - 1].value.clone();
            Some((Some(parts[parts.len() - 2].value.clone()), column))
        }
        Expr::Nested(inner) => column_ref(inner),
        _ => None,
    }
}

/// Column references in `expr` outside aggregates and grouped expressions.
fn ungrouped_columns(expr: &Expr, grouped: &[String], out: &mut Vec<(Option<String>, String, String)>) {
    if is_aggregate_call(expr) || grouped.contains(&normal(expr)) {
        return;
    }
    if let Some((qualifier, column)) = column_ref(expr) {
        out.push((qualifier, column, expr.to_string()));
        return;
    }
    if matches!(expr, Expr::Subquery(_) | Expr::Exists { .. }) {
        return;
    }
    for child in children(expr) {
        ungrouped_columns(child, grouped, out);
    }
}

/// The sub-expressions of the variants a learner's query uses; others
/// report none, so that what is not understood is never flagged.
fn children(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::BinaryOp { left, right, .. } => vec![left, right],
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::Cast { expr, .. }
        | Expr::Collate { expr, .. }
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr)
        | Expr::IsTrue(expr)
        | Expr::IsFalse(expr)
        | Expr::IsNotTrue(expr)
        | Expr::IsNotFalse(expr) => vec![expr],
        Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => vec![a, b],
        Expr::Between { expr, low, high, .. } => vec![expr, low, high],
        Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => vec![expr, pattern],
        Expr::In {
            expr,
            target: InTarget::List(list),
            ..
        } => std::iter::once(expr.as_ref()).chain(list).collect(),
        Expr::In { expr, .. } => vec![expr],
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => operand
            .iter()
            .map(AsRef::as_ref)
            .chain(conditions.iter().flat_map(|c| [&c.condition, &c.result]))
            .chain(else_result.iter().map(AsRef::as_ref))
            .collect(),
        Expr::Function(f) => match &f.args {
            FunctionArguments::List(list) => list
                .args
                .iter()
                .filter_map(|arg| match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                    | FunctionArg::Named {
                        arg: FunctionArgExpr::Expr(e),
                        ..
                    } => Some(e),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        Expr::Tuple(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(sql: &str) -> Vec<String> {
        // `members` is keyed by memid; `bookings` by (facid, starttime).
        let key = |t: &str| match t {
            "members" => vec!["memid".to_string()],
            "bookings" => vec!["facid".to_string(), "starttime".to_string()],
            _ => Vec::new(),
        };
        let has = |t: &str, c: &str| t == "members" && ["memid", "firstname", "surname"].contains(&c);
        Shape::of(sql).unwrap().bare_columns(&key, &has)
    }

    #[test]
    fn only_the_outermost_order_by_orders() {
        assert!(Shape::of("SELECT a FROM t ORDER BY a").unwrap().ordered);
        assert!(
            !Shape::of("SELECT a FROM (SELECT a FROM t ORDER BY a)")
                .unwrap()
                .ordered
        );
        assert!(
            Shape::of("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1")
                .unwrap()
                .ordered
        );
        assert!(
            !Shape::of("SELECT a, row_number() OVER (ORDER BY a) FROM t")
                .unwrap()
                .ordered
        );
        assert_eq!(Shape::of("SELECT FROM WHERE"), None);
    }

    #[test]
    fn columns_beside_an_aggregate_must_be_grouped_or_determined() {
        assert_eq!(
            bare("select firstname, surname, max(joindate) from members"),
            ["firstname", "surname"]
        );
        assert!(bare("SELECT count(*), max(joindate) FROM members").is_empty());
        assert!(bare("SELECT surname, count(*) FROM members GROUP BY surname").is_empty());
        assert!(bare("SELECT upper(surname) AS s, count(*) FROM members GROUP BY s").is_empty());
        assert!(bare("SELECT surname, count(*) FROM members GROUP BY 1").is_empty());
        assert_eq!(
            bare("SELECT surname, firstname, count(*) FROM members GROUP BY surname"),
            ["firstname"]
        );
        // Grouped by the key, the other columns of the row are determined (PostgreSQL agrees).
        assert!(bare("SELECT m.surname, count(*) FROM members m JOIN bookings b ON b.memid = m.memid GROUP BY m.memid").is_empty());
        assert_eq!(
            bare(
                "SELECT m.surname, b.slots, count(*) FROM members m JOIN bookings b ON b.memid = m.memid GROUP BY m.memid"
            ),
            ["b.slots"]
        );
        // Without an aggregate or GROUP BY nothing is grouped; a window is not an aggregate.
        assert!(bare("SELECT surname, max(joindate) OVER () FROM members").is_empty());
        assert!(bare("SELECT max(a, b), c FROM t").is_empty());
        // A subquery is a scope of its own.
        assert_eq!(
            bare("SELECT x FROM (SELECT surname AS x, min(memid) FROM members)"),
            ["surname"]
        );
    }

    #[test]
    fn order_keys_are_found_in_the_result_or_added_to_it() {
        let columns = ["name".to_string(), "p".to_string()];
        let keys = order_keys(
            "SELECT name, price AS p FROM t ORDER BY p DESC, 1, lower(name), id",
            &columns,
        )
        .unwrap();
        assert_eq!(
            keys.keys,
            [
                SortKey::Column(1),
                SortKey::Column(0),
                SortKey::Extra(2),
                SortKey::Extra(3)
            ]
        );
        assert_eq!(keys.written[2], "lower(name)");
        assert_eq!(
            keys.rewritten.as_deref(),
            Some("SELECT name, price AS p, lower(name), id FROM t ORDER BY p DESC, 1, lower(name), id")
        );
        let same = order_keys(
            "SELECT name, price FROM t ORDER BY price",
            &["name".into(), "price".into()],
        )
        .unwrap();
        assert_eq!((same.keys, same.rewritten), (vec![SortKey::Column(1)], None));
        assert_eq!(order_keys("SELECT a FROM t", &["a".into()]), None);
        assert_eq!(
            order_keys("SELECT a FROM t UNION SELECT b FROM u ORDER BY c", &["a".into()]),
            None
        );
    }

    #[test]
    fn joins_nulls_and_duplicates_are_read() {
        let shape = Shape::of(
            "SELECT DISTINCT m.surname FROM members m JOIN bookings b ON b.memid = m.memid LEFT JOIN facilities f ON f.id = b.facid, extra WHERE m.phone = NULL",
        )
        .unwrap();
        assert_eq!(shape.inner_joined, ["bookings", "extra"]);
        assert_eq!(shape.outer_joined, ["facilities"]);
        assert_eq!(shape.null_comparisons, ["m.phone = NULL"]);
        assert!(shape.distinct);
        let union = Shape::of("SELECT a FROM t UNION ALL SELECT a FROM u").unwrap();
        assert_eq!(union.union_all, Some(true));
        let sums = Shape::of("SELECT avg(x), count(*) FROM t").unwrap();
        assert_eq!(sums.aggregates, ["avg", "count"]);
    }
}
