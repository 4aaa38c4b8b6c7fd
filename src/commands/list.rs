//! `backlings list`: stages with progress bars, and every exercise's status.

use std::process::ExitCode;

use anyhow::Result;
use console::style;

use crate::session::Session;
use crate::view::terminal::{progress_bar, terminal_width};

pub fn run(session: &Session) -> Result<ExitCode> {
    print!("{}", render(session, terminal_width()));
    Ok(ExitCode::SUCCESS)
}

pub fn render(session: &Session, width: usize) -> String {
    let pack = &session.pack;
    let state = &session.state;
    let current = state.start_index(pack);
    let mut out = String::new();
    out.push_str(&format!(
        "{} {}\n",
        style("Progress").bold(),
        progress_bar(state.done_count(), pack.exercises.len(), width.saturating_sub(20))
    ));
    for stage in &pack.stages {
        let members: Vec<(usize, &crate::pack::Exercise)> = pack
            .exercises
            .iter()
            .enumerate()
            .filter(|(_, e)| e.stage == stage.id)
            .collect();
        if members.is_empty() {
            continue;
        }
        let done = members.iter().filter(|(_, e)| state.is_done(&e.name)).count();
        out.push_str(&format!(
            "\n{}  {}\n  {}\n",
            style(&stage.title).bold().underlined(),
            progress_bar(done, members.len(), 20),
            style(&stage.summary).dim()
        ));
        for (i, exercise) in members {
            let mark = if state.is_done(&exercise.name) {
                style("✓ done   ").green()
            } else {
                style("· pending").dim()
            };
            let pointer = if i == current {
                style("▶").cyan().bold().to_string()
            } else {
                " ".into()
            };
            out.push_str(&format!(
                "{pointer} {mark}  {:<4} {}\n",
                exercise.kind.as_str(),
                exercise.name
            ));
        }
    }
    if pack.exercises.iter().all(|e| state.is_done(&e.name)) {
        out.push_str(&format!(
            "\n{}\n",
            style(pack.farewell.as_deref().unwrap_or(crate::pack::DEFAULT_FAREWELL)).green()
        ));
    }
    out
}
