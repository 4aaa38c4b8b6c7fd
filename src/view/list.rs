//! `backlings list`: stages with progress bars, and every exercise's status.

use console::style;

use super::terminal::progress_bar;
use crate::pack::{Exercise, Pack};
use crate::state::State;

pub fn render(pack: &Pack, state: &State, width: usize) -> String {
    let current = state.start_index(pack);
    let mut out = String::new();
    out.push_str(&format!(
        "{} {}\n",
        style("Progress").bold(),
        progress_bar(state.done_count(), pack.exercises.len(), width.saturating_sub(20))
    ));
    for stage in &pack.stages {
        let members: Vec<(usize, &Exercise)> = pack
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
