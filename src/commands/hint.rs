//! `backlings hint [NAME]`: one more hint on each call, from a nudge to
//! nearly the answer.

use std::process::ExitCode;

use anyhow::Result;
use console::style;

use super::Session;
use crate::view::terminal::{terminal_width, wrap};

pub fn run(mut session: Session, name: Option<&str>) -> Result<ExitCode> {
    let index = session.pick(name)?;
    let exercise = &session.pack.exercises[index];
    let total = exercise.hints.len();
    let shown = session.state.reveal_hint(&exercise.name, total);
    session.state.save()?;
    println!("{}", render_hints(&exercise.hints, shown, terminal_width()));
    if shown < total {
        println!("{}", style("Run `backlings hint` again for the next one.").dim());
    }
    Ok(ExitCode::SUCCESS)
}

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
