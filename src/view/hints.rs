//! An exercise's hints, as many as the learner has asked for.

use console::style;

use super::terminal::wrap;

/// Hints 1..=shown, numbered "hint 2 of 3".
pub fn render_hints(hints: &[String], shown: usize, width: usize) -> String {
    let mut out = String::new();
    for (i, hint) in hints.iter().take(shown).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}\n",
            style(format!("Hint {} of {}", i + 1, hints.len())).cyan().bold()
        ));
        out.push_str(&wrap(hint, width, "  "));
        out.push('\n');
    }
    out.trim_end().to_string()
}
