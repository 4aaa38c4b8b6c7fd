//! Variables in exchanges: `{name}` in a path, header, body or expectation is
//! replaced by a value captured from an earlier response, the server's port, or
//! a random value. Random values are derived from the check's seed, the
//! exercise and the variable's name, so a run is repeatable and a server that
//! answers with hard-coded text fails.

use serde_json::Value;
use std::collections::HashMap;

/// Where a template's text goes: in a regex, braces that belong to the regex
/// itself (`\x{FFFD}`, `\u{7F}`, `\p{Greek}`, `\P{L}`) are never variables.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Context {
    Text,
    Regex,
}

/// One piece of a template: literal text, or a variable's name.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Literal(&'a str),
    Variable(&'a str),
}

/// Split a template into literal text and `{name}` variables. A name is a
/// lower-case identifier (captured names and built-ins are), so JSON text
/// (`{"a": 1}`), counted repetitions (`a{2,3}`) and upper-case regex classes
/// never read as variables; `{{` is a literal `{` wherever a variable-looking
/// text must stay as written. Hand-written rather than a regex: the escape and
/// the regex context need to look behind and ahead one character.
fn pieces(text: &str, context: Context) -> Vec<Piece<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'{') {
            out.push(Piece::Literal(&text[literal_start..=i]));
            i += 2;
            literal_start = i;
            continue;
        }
        if context == Context::Regex && follows_regex_escape(bytes, i) {
            i += 1;
            continue;
        }
        let name_len = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        let name = &text[i + 1..i + 1 + name_len];
        let starts_well = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
        if starts_well && bytes.get(i + 1 + name_len) == Some(&b'}') {
            if literal_start < i {
                out.push(Piece::Literal(&text[literal_start..i]));
            }
            out.push(Piece::Variable(name));
            i += name_len + 2;
            literal_start = i;
        } else {
            i += 1;
        }
    }
    if literal_start < text.len() {
        out.push(Piece::Literal(&text[literal_start..]));
    }
    out
}

/// Is the `{` at `at` escaped (`\{`), or the brace of `\x{…}`, `\u{…}`, `\U{…}`, `\p{…}` or
/// `\P{…}`? Only when the letter is escaped, i.e. preceded by an odd number
/// of backslashes (`\\p{x}` is a backslash, `p`, then a variable).
fn follows_regex_escape(bytes: &[u8], at: usize) -> bool {
    let odd_backslashes_before =
        |end: usize| bytes[..end].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1;
    // `\{` is a literal brace in a regex, not the start of a variable.
    if odd_backslashes_before(at) {
        return true;
    }
    at >= 2 && matches!(bytes[at - 1], b'x' | b'u' | b'U' | b'p' | b'P') && odd_backslashes_before(at - 1)
}

/// The variable names used in `text`, in order.
pub fn placeholders(text: &str, context: Context) -> Vec<&str> {
    pieces(text, context)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Variable(name) => Some(name),
            Piece::Literal(_) => None,
        })
        .collect()
}

/// Replace every `{name}` with what `value` gives for it, and `{{` with `{`.
pub fn replace_all(text: &str, context: Context, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text, context) {
        match piece {
            Piece::Literal(literal) => out.push_str(literal),
            Piece::Variable(name) => out.push_str(&value(name)),
        }
    }
    out
}

/// The variable's name when `text` is that one variable and nothing else.
pub fn whole_variable(text: &str) -> Option<&str> {
    match pieces(text, Context::Text).as_slice() {
        [Piece::Variable(name)] => Some(name),
        _ => None,
    }
}

pub const PORT: &str = "port";
/// A fresh, empty folder made for each check and removed after it.
pub const TEMP_DIR: &str = "temp_dir";

/// Names the runner provides without a capture.
pub fn is_builtin(name: &str) -> bool {
    name == PORT || name == TEMP_DIR || random_kind(name).is_some()
}

#[derive(Clone, Copy)]
enum RandomKind {
    Word,
    Int,
}

/// `random_word`, `random_word_2`, `random_int_price`, …: each name its own value.
fn random_kind(name: &str) -> Option<RandomKind> {
    let suffix_ok = |rest: &str| rest.is_empty() || (rest.len() > 1 && rest.starts_with('_'));
    if let Some(rest) = name.strip_prefix("random_word") {
        return suffix_ok(rest).then_some(RandomKind::Word);
    }
    if let Some(rest) = name.strip_prefix("random_int") {
        return suffix_ok(rest).then_some(RandomKind::Int);
    }
    None
}

/// The values available to one check.
#[derive(Clone)]
pub struct Vars {
    seed: u64,
    exercise: String,
    port: u16,
    temp_dir: Option<String>,
    captured: HashMap<String, Value>,
}

impl Vars {
    pub fn new(seed: u64, exercise: &str, port: u16) -> Self {
        Vars {
            seed,
            exercise: exercise.to_string(),
            port,
            temp_dir: None,
            captured: HashMap::new(),
        }
    }

    /// The port is known only once the server is started on it.
    pub fn set_port(&mut self, port: u16) {
        self.port = port;
    }

    pub fn set_temp_dir(&mut self, dir: &str) {
        self.temp_dir = Some(dir.to_string());
    }

    pub fn set(&mut self, name: &str, value: Value) {
        self.captured.insert(name.to_string(), value);
    }

    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some(value) = self.captured.get(name) {
            return Some(value.clone());
        }
        if name == PORT {
            return Some(Value::from(self.port));
        }
        if name == TEMP_DIR {
            return self.temp_dir.clone().map(Value::String);
        }
        let kind = random_kind(name)?;
        let mut rng =
            SplitMix64(self.seed ^ fnv1a(self.exercise.as_bytes()) ^ fnv1a(name.as_bytes()).rotate_left(17));
        Some(match kind {
            RandomKind::Word => Value::String(random_word(&mut rng)),
            RandomKind::Int => Value::from(100 + rng.next() % 99_900),
        })
    }

    /// Text with each variable's value in place (strings without quotes, other
    /// JSON values as JSON). Unknown names stay as written; loading the pack
    /// has already reported them.
    pub fn text(&self, template: &str) -> String {
        replace_all(template, Context::Text, |name| match self.get(name) {
            Some(value) => as_text(&value),
            None => format!("{{{name}}}"),
        })
    }

    /// A regex with each variable's value in place, matched literally.
    pub fn regex(&self, template: &str) -> String {
        replace_all(template, Context::Regex, |name| match self.get(name) {
            Some(value) => regex::escape(&as_text(&value)),
            None => regex::escape(&format!("{{{name}}}")),
        })
    }

    /// A JSON value with variables replaced inside its strings. A string that
    /// is exactly one variable takes the variable's own type, so
    /// `{ id = "{id}" }` compares a captured number as a number.
    pub fn json(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => {
                if let Some(name) = whole_variable(s)
                    && let Some(v) = self.get(name)
                {
                    return v;
                }
                Value::String(self.text(s))
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.json(v)).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), self.json(v))).collect()),
            other => other.clone(),
        }
    }
}

pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Pronounceable, so that it reads well in a failure message: "bodaniru".
fn random_word(rng: &mut SplitMix64) -> String {
    const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
    const VOWELS: &[u8] = b"aeiou";
    let mut word = String::new();
    for _ in 0..4 {
        word.push(CONSONANTS[(rng.next() % CONSONANTS.len() as u64) as usize] as char);
        word.push(VOWELS[(rng.next() % VOWELS.len() as u64) as usize] as char);
    }
    word
}

/// Stable across Rust versions (unlike `DefaultHasher`), so a seed means the same values everywhere.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_placeholders_but_not_json_braces() {
        let names = placeholders(r#"{"title": "{random_word}"} /items/{id} a{2,3}"#, Context::Text);
        assert_eq!(names, vec!["random_word", "id"]);
    }

    #[test]
    fn regex_braces_are_not_variables() {
        let pattern = r"^\x{FFFD}\x{fffd}\u{7f}\p{L}\p{greek}\P{Lu}\{id\} {id}$";
        assert_eq!(placeholders(pattern, Context::Regex), vec!["id"]);
        // An escaped backslash before the letter: the brace is a variable again.
        assert_eq!(placeholders(r"\\p{id}", Context::Regex), vec!["id"]);
        // In plain text the same braces would be variables where lower case.
        assert_eq!(placeholders(r"\p{greek}", Context::Text), vec!["greek"]);
        let mut vars = Vars::new(1, "ex", 80);
        vars.set("id", json!("a.b"));
        assert_eq!(
            vars.regex(pattern),
            r"^\x{FFFD}\x{fffd}\u{7f}\p{L}\p{greek}\P{Lu}\{id\} a\.b$"
        );
    }

    #[test]
    fn doubled_braces_are_literal() {
        let mut vars = Vars::new(1, "ex", 80);
        vars.set("id", json!(7));
        assert_eq!(placeholders("{{id} {id}", Context::Text), vec!["id"]);
        assert_eq!(vars.text("{{id} is {id}; {{{id}}"), "{id} is 7; {7}");
        assert_eq!(vars.text("{{"), "{");
    }

    #[test]
    fn builtins() {
        assert!(is_builtin("port"));
        assert!(is_builtin("temp_dir"));
        assert!(is_builtin("random_word"));
        assert!(is_builtin("random_word_2"));
        assert!(is_builtin("random_int_price"));
        assert!(!is_builtin("random_words"));
        assert!(!is_builtin("random_int_"));
        assert!(!is_builtin("token"));
    }

    #[test]
    fn random_values_are_repeatable_and_distinct_per_name() {
        let a = Vars::new(7, "ex", 8080);
        let b = Vars::new(7, "ex", 8080);
        assert_eq!(a.get("random_word"), b.get("random_word"));
        assert_ne!(a.get("random_word"), a.get("random_word_2"));
        assert_ne!(a.get("random_word"), Vars::new(8, "ex", 8080).get("random_word"));
        assert_ne!(
            a.get("random_word"),
            Vars::new(7, "other", 8080).get("random_word")
        );
        let n = a.get("random_int").unwrap().as_u64().unwrap();
        assert!((100..100_000).contains(&n));
        let word = a.get("random_word").unwrap();
        assert!(word.as_str().unwrap().chars().all(|c| c.is_ascii_lowercase()));
    }

    #[test]
    fn substitutes_text_regex_and_typed_json() {
        let mut vars = Vars::new(1, "ex", 4000);
        vars.set("id", json!(42));
        vars.set("tag", json!("a.b"));
        assert_eq!(
            vars.text("/items/{id}?t={tag}&p={port}"),
            "/items/42?t=a.b&p=4000"
        );
        assert_eq!(vars.regex("^{tag}$"), r"^a\.b$");
        assert_eq!(
            vars.json(&json!({"id": "{id}", "label": "#{id}", "list": ["{tag}"]})),
            json!({"id": 42, "label": "#42", "list": ["a.b"]})
        );
        assert_eq!(vars.text("{unknown}"), "{unknown}");
    }
}
