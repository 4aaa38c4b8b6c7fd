//! Values read out of SQLite, and how they are shown to a learner.

use rusqlite::types::ValueRef;

/// One cell, owned, in SQLite's five storage classes.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<ValueRef<'_>> for Value {
    fn from(value: ValueRef<'_>) -> Self {
        match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(r) => Value::Real(r),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

/// Longest cell text shown; a screenful matters more than a long string's tail.
const MAX_CELL_CHARS: usize = 80;
const MAX_BLOB_BYTES: usize = 16;

impl Value {
    /// How the cell reads in a table. NULL, '' and 0 must never look alike,
    /// nor 1 and 1.0, nor the number 7 and the text '7': text is quoted
    /// whenever it could be mistaken for something else.
    pub fn display(&self) -> String {
        match self {
            Value::Null => "NULL".to_string(),
            Value::Integer(i) => i.to_string(),
            // 15 significant digits, as the sqlite3 shell shows them (94.4,
            // not 94.39999999999999); Debug keeps the `.0` of integral reals.
            Value::Real(r) => {
                let rounded: f64 = format!("{r:.14e}").parse().unwrap_or(*r);
                format!("{rounded:?}")
            }
            Value::Text(t) => {
                let ambiguous = t.is_empty()
                    || t.eq_ignore_ascii_case("null")
                    || t.trim() != t
                    || t.parse::<f64>().is_ok();
                let shown = if ambiguous {
                    format!("'{}'", t.replace('\'', "''"))
                } else {
                    t.clone()
                };
                super::script::shorten(&shown, MAX_CELL_CHARS)
            }
            Value::Blob(b) => {
                let hex: String = b
                    .iter()
                    .take(MAX_BLOB_BYTES)
                    .map(|x| format!("{x:02X}"))
                    .collect();
                let more = if b.len() > MAX_BLOB_BYTES { "…" } else { "" };
                format!("x'{hex}{more}'")
            }
        }
    }

    /// Every digit: for two reals that differ beyond what `display` shows.
    pub fn display_exact(&self) -> String {
        match self {
            Value::Real(r) => format!("{r:?}"),
            other => other.display(),
        }
    }
}

/// Rows with named columns: a query's result, or a table's content.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultSet {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_empty_text_and_zero_look_different() {
        let shown: Vec<String> = [
            Value::Null,
            Value::Text(String::new()),
            Value::Integer(0),
            Value::Text("0".into()),
            Value::Text("NULL".into()),
            Value::Real(1.0),
            Value::Integer(1),
        ]
        .iter()
        .map(Value::display)
        .collect();
        assert_eq!(shown, ["NULL", "''", "0", "'0'", "'NULL'", "1.0", "1"]);
    }

    #[test]
    fn reals_read_like_the_sqlite_shell_unless_every_digit_counts() {
        let sum = Value::Real(0.1 + 0.2);
        assert_eq!(sum.display(), "0.3");
        assert_eq!(sum.display_exact(), "0.30000000000000004");
        assert_eq!(Value::Real(1e-20).display(), "1e-20");
    }

    #[test]
    fn plain_text_is_not_quoted_and_long_values_are_cut() {
        assert_eq!(Value::Text("Alice".into()).display(), "Alice");
        assert_eq!(Value::Text(" Alice".into()).display(), "' Alice'");
        assert_eq!(
            Value::Text("x".repeat(200)).display().chars().count(),
            MAX_CELL_CHARS
        );
        assert_eq!(
            Value::Blob(vec![0xAB; 20]).display(),
            format!("x'{}…'", "AB".repeat(16))
        );
    }
}
