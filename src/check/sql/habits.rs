//! PostgreSQL and MySQL habits in SQL that SQLite refused, each with the
//! SQLite way: SQLite's own message (`unrecognized token: ":"`, `near "on":
//! syntax error`) names a token, not the habit behind it.
//!
//! Read from tokens rather than with the SQL parser: the statement failed,
//! and each habit is one or two tokens in a row (`::`, `DISTINCT ON`,
//! `date_trunc(`), which the tokenizer finds in any SQL, parseable or not.
//! AUTHORING.md keeps the same table for exercise writers.

use super::script::{TokenKind, tokens};

/// A habit: what it looks like, and how SQLite says it.
pub struct Habit {
    pub construct: &'static str,
    pub sqlite_way: &'static str,
}

/// What a token sequence must look like.
enum Pattern {
    /// This word (any case).
    Word(&'static str),
    /// This word followed by `(`: a function call.
    Call(&'static str),
    /// This word followed by that word.
    Words(&'static str, &'static str),
    /// This punctuation, one character or two in a row.
    Punct(&'static str),
}

const HABITS: &[(Pattern, Habit)] = &[
    (
        Pattern::Punct("::"),
        Habit {
            construct: "`x::type` (a PostgreSQL cast)",
            sqlite_way: "CAST(x AS INTEGER) (or REAL, TEXT); a date is text in SQLite: date(x) gives 'YYYY-MM-DD'",
        },
    ),
    (
        Pattern::Word("ilike"),
        Habit {
            construct: "ILIKE",
            sqlite_way: "LIKE, which ignores the case of ASCII letters in SQLite; or lower(x) LIKE lower(pattern)",
        },
    ),
    (
        Pattern::Words("distinct", "on"),
        Habit {
            construct: "DISTINCT ON (…)",
            sqlite_way: "number the rows of each group and keep the first: SELECT … FROM (SELECT …, row_number() OVER \
                         (PARTITION BY key ORDER BY …) AS n FROM t) WHERE n = 1",
        },
    ),
    (
        Pattern::Call("date_trunc"),
        Habit {
            construct: "date_trunc('month', d)",
            sqlite_way: "date(d, 'start of month') or strftime('%Y-%m-01', d); for a day, date(d)",
        },
    ),
    (
        Pattern::Call("extract"),
        Habit {
            construct: "EXTRACT(YEAR FROM d)",
            sqlite_way: "CAST(strftime('%Y', d) AS INTEGER) (%m month, %d day, %H hour; strftime returns text)",
        },
    ),
    (
        Pattern::Call("generate_series"),
        Habit {
            construct: "generate_series(a, b)",
            sqlite_way: "a recursive CTE: WITH RECURSIVE n(i) AS (SELECT a UNION ALL SELECT i + 1 FROM n WHERE i < b) \
                         SELECT i FROM n",
        },
    ),
    (
        Pattern::Punct("~"),
        Habit {
            construct: "`~` (a PostgreSQL regular expression match)",
            sqlite_way: "LIKE ('%' any text, '_' one character) or GLOB ('*', '?', [abc], case-sensitive)",
        },
    ),
    (
        Pattern::Call("now"),
        Habit {
            construct: "now()",
            sqlite_way: "datetime('now') (or CURRENT_TIMESTAMP, CURRENT_DATE), in UTC",
        },
    ),
    (
        Pattern::Call("to_char"),
        Habit {
            construct: "to_char(d, 'YYYY-MM')",
            sqlite_way: "strftime('%Y-%m', d); for numbers, printf('%.2f', x)",
        },
    ),
    (
        Pattern::Call("date_format"),
        Habit {
            construct: "DATE_FORMAT(d, '%Y-%m') (MySQL)",
            sqlite_way: "strftime('%Y-%m', d)",
        },
    ),
    (
        Pattern::Word("interval"),
        Habit {
            construct: "INTERVAL '1 day'",
            sqlite_way: "a modifier of the date functions: date(d, '+1 day'), datetime(d, '-3 hours', '+1 month')",
        },
    ),
    (
        Pattern::Call("year"),
        Habit {
            construct: "YEAR(d) (MySQL)",
            sqlite_way: "CAST(strftime('%Y', d) AS INTEGER)",
        },
    ),
    (
        Pattern::Call("datediff"),
        Habit {
            construct: "DATEDIFF(a, b) (MySQL)",
            sqlite_way: "julianday(a) - julianday(b) (days, with a fraction)",
        },
    ),
    (
        Pattern::Words("select", "top"),
        Habit {
            construct: "SELECT TOP n (SQL Server)",
            sqlite_way: "LIMIT n at the end of the query",
        },
    ),
];

/// The habits in `sql`, each once, in the table's order.
pub fn habits_in(sql: &str) -> Vec<&'static Habit> {
    let toks: Vec<(TokenKind, &str)> = tokens(sql)
        .filter(|t| t.kind != TokenKind::Comment)
        .map(|t| (t.kind, &sql[t.range.clone()]))
        .collect();
    let word = |i: usize, w: &str| {
        toks.get(i)
            .is_some_and(|(k, t)| *k == TokenKind::Word && t.eq_ignore_ascii_case(w))
    };
    let punct = |i: usize, p: &str| {
        toks.get(i)
            .is_some_and(|(k, t)| *k == TokenKind::Other && *t == p)
    };
    HABITS
        .iter()
        .filter(|(pattern, _)| {
            (0..toks.len()).any(|i| match pattern {
                Pattern::Word(w) => word(i, w),
                Pattern::Call(w) => word(i, w) && punct(i + 1, "("),
                Pattern::Words(a, b) => word(i, a) && word(i + 1, b),
                // `~x` is SQLite's bitwise NOT; only `a ~ b` is the regex habit.
                Pattern::Punct("~") => punct(i, "~") && i > 0 && is_operand(toks[i - 1]),
                Pattern::Punct(p) => {
                    let mut chars = p.chars();
                    let first = chars.next().map(String::from).unwrap_or_default();
                    punct(i, &first)
                        && chars.all(|c| {
                            let next = c.to_string();
                            punct(i + 1, &next)
                        })
                }
            })
        })
        .map(|(_, habit)| habit)
        .collect()
}

/// A token that ends an operand: a name, a string, a number, `)`.
fn is_operand((kind, text): (TokenKind, &str)) -> bool {
    matches!(kind, TokenKind::Word | TokenKind::Quoted)
        || text == ")"
        || text.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constructs(sql: &str) -> Vec<&'static str> {
        habits_in(sql).into_iter().map(|h| h.construct).collect()
    }

    #[test]
    fn habits_are_recognised_by_their_tokens() {
        assert_eq!(
            constructs("SELECT joindate::date FROM members"),
            ["`x::type` (a PostgreSQL cast)"]
        );
        assert_eq!(
            constructs("SELECT * FROM t WHERE name ILIKE '%tennis%'"),
            ["ILIKE"]
        );
        assert_eq!(
            constructs("SELECT DISTINCT ON (memid) * FROM b"),
            ["DISTINCT ON (…)"]
        );
        assert_eq!(
            constructs("SELECT date_trunc('month', d), EXTRACT(YEAR FROM d) FROM t"),
            ["date_trunc('month', d)", "EXTRACT(YEAR FROM d)"]
        );
        assert_eq!(
            constructs("SELECT * FROM generate_series(1, 3)"),
            ["generate_series(a, b)"]
        );
        assert_eq!(
            constructs("SELECT * FROM t WHERE name ~ '^T'"),
            ["`~` (a PostgreSQL regular expression match)"]
        );
        assert_eq!(constructs("SELECT TOP 3 * FROM t"), ["SELECT TOP n (SQL Server)"]);
    }

    #[test]
    fn look_alikes_in_strings_and_plain_sqlite_are_not_habits() {
        assert!(constructs("SELECT 'a::b', \"ilike\" FROM t WHERE x = ':' -- now()").is_empty());
        assert!(constructs("SELECT DISTINCT name, year FROM t JOIN u ON u.id = t.id").is_empty());
        assert!(
            constructs("SELECT ~5, now FROM t").len() == 1,
            "unary ~ looks the same; the note is only given on an error"
        );
    }
}
