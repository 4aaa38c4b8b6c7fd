//! A SQL file cut into statements, each with its place in the file.
//!
//! Statements run one at a time so that an error points at the learner's line,
//! and so that a runaway statement can be named. SQLite's own tokenizer would
//! find the ends, but rusqlite does not hand out the offsets (its `Batch`
//! silently skips empty statements), so this small lexer follows SQLite's
//! rules: `--` and `/* */` comments, '…' strings, "…", `…` and […] identifiers,
//! and `;` inside a CREATE TRIGGER body only ending it after END (as the
//! sqlite3 shell's `sqlite3_complete` does).

use std::ops::Range;

use crate::pack::line_col;

/// Characters shown on each side of an error's column in a long line.
const EXCERPT_CONTEXT_CHARS: usize = 60;
/// Lines of a statement shown when it is named (a runaway query).
const PREVIEW_LINES: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword or unquoted identifier.
    Word,
    Semicolon,
    Comment,
    /// A string literal or a quoted identifier.
    Quoted,
    /// Numbers and punctuation.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: Range<usize>,
}

/// The tokens of `text`, whitespace left out. Never fails: an unterminated
/// string or comment runs to the end (SQLite then reports it).
pub fn tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < bytes.len() && (bytes[pos] as char).is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let rest = &bytes[pos..];
        let kind = match rest[0] {
            b'-' if rest.get(1) == Some(&b'-') => {
                pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                TokenKind::Comment
            }
            b'/' if rest.get(1) == Some(&b'*') => {
                pos += rest[2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(rest.len(), |i| i + 4);
                TokenKind::Comment
            }
            quote @ (b'\'' | b'"' | b'`') => {
                pos += quoted_len(rest, quote);
                TokenKind::Quoted
            }
            b'[' => {
                pos += rest.iter().position(|&b| b == b']').map_or(rest.len(), |i| i + 1);
                TokenKind::Quoted
            }
            b';' => {
                pos += 1;
                TokenKind::Semicolon
            }
            b if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
                pos += rest
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80))
                    .unwrap_or(rest.len());
                TokenKind::Word
            }
            b if b.is_ascii_digit() => {
                pos += rest
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b == b'.'))
                    .unwrap_or(rest.len());
                TokenKind::Other
            }
            _ => {
                // One character, whole (a stray non-ASCII byte never starts here:
                // it is part of a word).
                pos += 1;
                TokenKind::Other
            }
        };
        Some(Token {
            kind,
            range: start..pos,
        })
    })
}

/// Length of a quoted token starting at `rest[0]`, a doubled quote being an
/// escaped one.
fn quoted_len(rest: &[u8], quote: u8) -> usize {
    let mut i = 1;
    while i < rest.len() {
        if rest[i] == quote {
            if rest.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    rest.len()
}

/// Where the start of a statement is, to know whether `;` ends it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Head {
    Start,
    AfterCreate,
    Trigger,
    Plain,
}

/// A SQL file and its statements.
#[derive(Debug)]
pub struct Script {
    pub text: String,
    /// Byte ranges of the statements in `text`, from their first token to
    /// their `;` (included). Comments before a statement are left out, so a
    /// statement's start is the line the learner sees it on.
    pub statements: Vec<Range<usize>>,
}

impl Script {
    pub fn new(text: impl Into<String>) -> Script {
        let text = text.into();
        let statements = split(&text);
        Script { text, statements }
    }

    /// No statement at all: an empty file, or only comments (a starter).
    pub fn is_blank(&self) -> bool {
        self.statements.is_empty()
    }

    pub fn statement(&self, index: usize) -> &str {
        &self.text[self.statements[index].clone()]
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }

    /// The line holding `offset` for an excerpt with a caret: (line, column,
    /// text), the column counted in `text`. A long line (a minified file, a
    /// pasted dump) is cut to a window around the column, so a failure report
    /// stays a screenful; then the column is the window's.
    pub fn excerpt_line(&self, offset: usize) -> (usize, usize, String) {
        let (line, col) = self.line_col(offset);
        let text = self.text.lines().nth(line - 1).unwrap_or("");
        let start = col.saturating_sub(1 + EXCERPT_CONTEXT_CHARS);
        let chars = text.chars().count();
        if chars <= 2 * EXCERPT_CONTEXT_CHARS {
            return (line, col, text.to_string());
        }
        let mut window: String = text.chars().skip(start).take(2 * EXCERPT_CONTEXT_CHARS).collect();
        let mut window_col = col - start;
        if start > 0 {
            window.insert(0, '…');
            window_col += 1;
        }
        if start + 2 * EXCERPT_CONTEXT_CHARS < chars {
            window.push('…');
        }
        (line, window_col, window)
    }

    /// The first lines of statement `index`, each cut to a screen's width:
    /// enough to recognise it, never a whole dump.
    pub fn statement_preview(&self, index: usize) -> String {
        let lines: Vec<&str> = self.statement(index).lines().collect();
        let mut preview: Vec<String> = lines
            .iter()
            .take(PREVIEW_LINES)
            .map(|l| shorten(l, 2 * EXCERPT_CONTEXT_CHARS))
            .collect();
        if lines.len() > PREVIEW_LINES {
            preview.push(format!("… {} more lines", lines.len() - PREVIEW_LINES));
        }
        preview.join("\n")
    }

    /// Whether statement `index` says ORDER BY anywhere (a window or a
    /// subquery counts too: this only feeds a hint).
    pub fn has_order_by(&self, index: usize) -> bool {
        let statement = self.statement(index);
        let mut previous_was_order = false;
        for token in tokens(statement).filter(|t| t.kind != TokenKind::Comment) {
            let word = &statement[token.range];
            if previous_was_order && token.kind == TokenKind::Word && word.eq_ignore_ascii_case("by") {
                return true;
            }
            previous_was_order = token.kind == TokenKind::Word && word.eq_ignore_ascii_case("order");
        }
        false
    }
}

impl Script {
    /// Whether statement `index` may group rows: it calls an aggregate
    /// function or says GROUP BY (a cheap look before parsing it).
    pub fn may_aggregate(&self, index: usize) -> bool {
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
        let statement = self.statement(index);
        let words: Vec<(TokenKind, &str)> = tokens(statement)
            .filter(|t| t.kind != TokenKind::Comment)
            .map(|t| (t.kind, &statement[t.range]))
            .collect();
        words.windows(2).any(|pair| {
            let [(kind, word), (_, next)] = pair else {
                return false;
            };
            *kind == TokenKind::Word
                && ((*next == "(" && AGGREGATES.iter().any(|a| word.eq_ignore_ascii_case(a)))
                    || (word.eq_ignore_ascii_case("group") && next.eq_ignore_ascii_case("by")))
        })
    }
}

/// Statement ranges of `text`; empty statements (`;;`, comments) left out.
fn split(text: &str) -> Vec<Range<usize>> {
    let mut statements = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut head = Head::Start;
    let mut last_word_is_end = false;
    for token in tokens(text) {
        let word = &text[token.range.clone()];
        match token.kind {
            TokenKind::Comment => continue,
            TokenKind::Semicolon => {
                let Some(first) = start else { continue };
                if head == Head::Trigger && !last_word_is_end {
                    end = token.range.end;
                    last_word_is_end = false;
                    continue;
                }
                statements.push(first..token.range.end);
                start = None;
                head = Head::Start;
                last_word_is_end = false;
            }
            kind => {
                start.get_or_insert(token.range.start);
                end = token.range.end;
                let is_word = kind == TokenKind::Word;
                let is = |keyword: &str| is_word && word.eq_ignore_ascii_case(keyword);
                head = match head {
                    Head::Start if is("explain") || is("query") || is("plan") => Head::Start,
                    Head::Start if is("create") => Head::AfterCreate,
                    Head::AfterCreate if is("temp") || is("temporary") => Head::AfterCreate,
                    Head::AfterCreate if is("trigger") => Head::Trigger,
                    Head::Trigger => Head::Trigger,
                    _ => Head::Plain,
                };
                last_word_is_end = is("end");
            }
        }
    }
    if let Some(first) = start {
        statements.push(first..end);
    }
    statements
}

/// A table (or view) a SQL text creates: (schema as written, name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub schema: Option<String>,
    pub name: String,
}

impl Created {
    /// Whether `wanted` (`name` or `schema.name`, any case) can mean this
    /// table: a bare name finds a table in any schema, as SQLite resolves it.
    pub fn answers(&self, wanted: &str) -> bool {
        match wanted.split_once('.') {
            Some((schema, name)) => {
                name.eq_ignore_ascii_case(&self.name)
                    && self
                        .schema
                        .as_deref()
                        .unwrap_or("main")
                        .eq_ignore_ascii_case(schema)
            }
            None => wanted.eq_ignore_ascii_case(&self.name),
        }
    }
}

/// The tables and views `text` creates (CREATE [TEMP] TABLE|VIEW [IF NOT
/// EXISTS] [schema.]name, ALTER TABLE … RENAME TO name), read without
/// running it: the loader checks `tables` on every start, where running the
/// fixture and the solution would cost more than the check itself. Only the
/// few tokens after each CREATE and ALTER are read (a fixture is mostly
/// INSERTs), so a CREATE written in a comment counts too; a table this
/// wrongly believes in is caught when `dev check` runs the solution.
pub fn created_tables(text: &str) -> Vec<Created> {
    let lower = text.to_ascii_lowercase();
    let starts = lower
        .match_indices("create")
        .chain(lower.match_indices("alter"))
        .map(|(i, _)| i)
        .filter(|&i| {
            i == 0 || {
                let before = lower.as_bytes()[i - 1];
                !(before.is_ascii_alphanumeric() || before == b'_' || before >= 0x80)
            }
        });
    starts
        .filter_map(|start| {
            let rest = &text[start..];
            let words: Vec<(TokenKind, &str)> = tokens(rest)
                .filter(|t| t.kind != TokenKind::Comment)
                .take(12)
                .map(|t| (t.kind, &rest[t.range]))
                .collect();
            created_by(&words)
        })
        .collect()
}

/// The table a statement starting with `words` creates, if any.
fn created_by(words: &[(TokenKind, &str)]) -> Option<Created> {
    let is = |i: usize, keyword: &str| {
        words
            .get(i)
            .is_some_and(|(k, w)| *k == TokenKind::Word && w.eq_ignore_ascii_case(keyword))
    };
    let name_at = |i: usize| -> Option<String> {
        let (kind, word) = words.get(i)?;
        match kind {
            TokenKind::Word => Some(word.to_string()),
            TokenKind::Quoted => Some(unquote(word)),
            _ => None,
        }
    };
    // [schema.]name at `i`: (schema, name)
    let qualified_at = |i: usize| -> Option<(Option<String>, String)> {
        let first = name_at(i)?;
        if words.get(i + 1).is_some_and(|(_, w)| *w == ".") {
            Some((Some(first), name_at(i + 2)?))
        } else {
            Some((None, first))
        }
    };
    if is(0, "create") {
        let mut j = 1;
        let temp = is(j, "temp") || is(j, "temporary");
        if temp {
            j += 1;
        }
        if !(is(j, "table") || is(j, "view")) {
            return None;
        }
        j += 1;
        if is(j, "if") && is(j + 1, "not") && is(j + 2, "exists") {
            j += 3;
        }
        let (schema, name) = qualified_at(j)?;
        let schema = schema.or(temp.then(|| "temp".to_string()));
        return Some(Created { schema, name });
    }
    if is(0, "alter") && is(1, "table") {
        let (schema, _) = qualified_at(2)?;
        let k = (3..words.len()).find(|&k| is(k, "rename") && is(k + 1, "to"))?;
        return Some(Created {
            schema,
            name: name_at(k + 2)?,
        });
    }
    None
}

/// "name", `name`, [name] or 'name' without its quotes.
fn unquote(token: &str) -> String {
    let inner = token.get(1..token.len().saturating_sub(1)).unwrap_or("");
    match token.as_bytes().first() {
        Some(b'"') => inner.replace("\"\"", "\""),
        Some(b'`') => inner.replace("``", "`"),
        Some(b'\'') => inner.replace("''", "'"),
        _ => inner.to_string(),
    }
}

/// SQL of the pack on one line, whole (an author's `rejects` is read in
/// full to know which one failed): for messages.
pub fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_on_semicolons_outside_strings_and_comments() {
        let text =
            "-- starter comment\nSELECT 'a;b', \"c;d\" FROM t; /* x; y */\n\nSELECT [e;f], `g;h` -- tail;\n";
        assert_eq!(
            pieces(text),
            vec!["SELECT 'a;b', \"c;d\" FROM t;", "SELECT [e;f], `g;h`"]
        );
    }

    #[test]
    fn comments_and_empty_statements_are_not_statements() {
        assert!(Script::new("").is_blank());
        assert!(Script::new("  \n-- Write your query below.\n/* still nothing */ ;;\n").is_blank());
        assert!(!Script::new("-- hi\nSELECT 1").is_blank());
    }

    #[test]
    fn doubled_quotes_stay_inside_the_string() {
        assert_eq!(
            pieces("SELECT 'it''s; fine'; SELECT 2;"),
            vec!["SELECT 'it''s; fine';", "SELECT 2;"]
        );
    }

    #[test]
    fn a_trigger_body_ends_at_end() {
        let text = "CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  DELETE FROM c;\nEND;\nSELECT 1;";
        let parts = pieces(text);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with("END;"));
        assert_eq!(parts[1], "SELECT 1;");
    }

    #[test]
    fn unterminated_strings_run_to_the_end() {
        assert_eq!(pieces("SELECT 'oops; SELECT 2;"), vec!["SELECT 'oops; SELECT 2;"]);
        assert_eq!(pieces("SELECT 1 /* open"), vec!["SELECT 1"]);
    }

    #[test]
    fn statements_start_at_their_first_token() {
        let script = Script::new("-- intro\n\n  SELECT 1;\nSELECT\n  2;");
        assert_eq!(script.line_col(script.statements[0].start), (3, 3));
        assert_eq!(script.line_col(script.statements[1].start), (4, 1));
    }

    #[test]
    fn excerpt_points_at_the_column() {
        let script = Script::new("SELECT 1;\nSELECT x FORM t;");
        let offset = script.text.find("FORM").unwrap();
        assert_eq!(
            script.excerpt_line(offset),
            (2, 10, "SELECT x FORM t;".to_string())
        );
    }

    #[test]
    fn a_huge_line_is_cut_to_a_window_around_the_column() {
        let text = format!("SELECT '{}' FORM t;{}", "x".repeat(5000), "y".repeat(5000));
        let script = Script::new(text.as_str());
        let offset = script.text.find("FORM").unwrap();
        let (line, col, shown) = script.excerpt_line(offset);
        assert_eq!(line, 1);
        assert!(shown.chars().count() <= 2 * EXCERPT_CONTEXT_CHARS + 2, "{shown}");
        assert!(
            shown
                .chars()
                .skip(col - 1)
                .collect::<String>()
                .starts_with("FORM")
        );
        let long = Script::new(format!("SELECT\n{}\n1;", "a,\n".repeat(100)).replace("a,", &"a".repeat(999)));
        let preview = long.statement_preview(0);
        assert!(preview.len() < 2000, "{}", preview.len());
        assert!(preview.ends_with("more lines"), "{preview}");
    }

    #[test]
    fn order_by_is_found_outside_strings_and_comments() {
        let script = Script::new("SELECT 'order by' FROM t -- order by\n; SELECT a FROM t ORDER\n BY a;");
        assert!(!script.has_order_by(0));
        assert!(script.has_order_by(1));
    }

    #[test]
    fn created_tables_are_read_from_the_text() {
        let text = "ATTACH ':memory:' AS cd;\nCREATE TABLE cd.facilities (id INT);\n\
                    create temp table IF NOT EXISTS \"Scratch\"(a);\nINSERT INTO recreated VALUES ('create index');\n\
                    CREATE VIEW v AS SELECT 1; CREATE INDEX i ON t(a); ALTER TABLE old RENAME TO new;";
        let created = created_tables(text);
        let names: Vec<(Option<&str>, &str)> = created
            .iter()
            .map(|c| (c.schema.as_deref(), c.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (Some("cd"), "facilities"),
                (Some("temp"), "Scratch"),
                (None, "v"),
                (None, "new")
            ]
        );
        assert!(created[0].answers("cd.facilities"));
        assert!(created[0].answers("FACILITIES"));
        assert!(!created[0].answers("main.facilities"));
        assert!(created[2].answers("main.v"));
        assert!(!created[2].answers("cd.v"));
    }

    #[test]
    fn aggregates_are_seen_before_parsing() {
        let script = Script::new(
            "SELECT max(a) FROM t; SELECT a FROM t GROUP BY a; SELECT 'count(' , maximum FROM t; SELECT a -- sum(b)\n FROM t",
        );
        let seen: Vec<bool> = (0..4).map(|i| script.may_aggregate(i)).collect();
        assert_eq!(seen, [true, true, false, false]);
    }

    #[test]
    fn non_ascii_text_is_kept_whole() {
        assert_eq!(
            pieces("SELECT 'é;ü', naïve FROM t; SELECT 2"),
            vec!["SELECT 'é;ü', naïve FROM t;", "SELECT 2"]
        );
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
