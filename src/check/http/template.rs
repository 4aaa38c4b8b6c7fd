//! Variables in exchanges: `{name}` in a path, header, body or expectation is
//! replaced by a value captured from an earlier response, the server's port, or
//! a random value. Random values are derived from the check's seed, the
//! exercise and the variable's name, so a run is repeatable and a server that
//! answers with hard-coded text fails.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{([A-Za-z_][A-Za-z0-9_]*)\}").expect("valid regex"))
}

/// The variable names used in `text`, in order.
pub fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    placeholder_re()
        .captures_iter(text)
        .map(|c| c.get(1).expect("group 1").as_str())
}

/// Replace every `{name}` with what `value` gives for it.
pub fn replace_all(text: &str, mut value: impl FnMut(&str) -> String) -> String {
    placeholder_re()
        .replace_all(text, |c: &regex::Captures<'_>| value(&c[1]))
        .into_owned()
}

/// Names the runner provides without a capture.
pub fn is_builtin(name: &str) -> bool {
    name == "port" || random_kind(name).is_some()
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
pub struct Vars {
    seed: u64,
    exercise: String,
    port: u16,
    captured: HashMap<String, Value>,
}

impl Vars {
    pub fn new(seed: u64, exercise: &str, port: u16) -> Self {
        Vars {
            seed,
            exercise: exercise.to_string(),
            port,
            captured: HashMap::new(),
        }
    }

    pub fn set(&mut self, name: &str, value: Value) {
        self.captured.insert(name.to_string(), value);
    }

    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some(value) = self.captured.get(name) {
            return Some(value.clone());
        }
        if name == "port" {
            return Some(Value::from(self.port));
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
        replace_all(template, |name| match self.get(name) {
            Some(value) => as_text(&value),
            None => format!("{{{name}}}"),
        })
    }

    /// A regex with each variable's value in place, matched literally.
    pub fn regex(&self, template: &str) -> String {
        replace_all(template, |name| match self.get(name) {
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
                if let Some(c) = placeholder_re().captures(s)
                    && c.get(0).is_some_and(|m| m.as_str().len() == s.len())
                    && let Some(v) = self.get(&c[1])
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
        let names: Vec<&str> = placeholders(r#"{"title": "{random_word}"} /items/{id} a{2,3}"#).collect();
        assert_eq!(names, vec!["random_word", "id"]);
    }

    #[test]
    fn builtins() {
        assert!(is_builtin("port"));
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
