//! The watch screen, rendered from the app's state as a list of lines that fits
//! the terminal. Drawing is done by overwriting from the top-left corner, so a
//! redraw does not flicker and never scrolls.

use console::style;

use super::{App, Mode};
use crate::outcome::Status;
use crate::view::terminal::{Layout, progress_bar, render_detail, status_label, wrap};

/// The terminal's size, with sane fallbacks (a size of 0 happens under some
/// CI terminals and must not panic anything).
pub fn terminal_size() -> (usize, usize) {
    match crossterm::terminal::size() {
        Ok((cols, rows)) if cols > 0 && rows > 0 => (cols as usize, rows as usize),
        _ => (80, 24),
    }
}

pub fn render(app: &App, width: usize, height: usize) -> Vec<String> {
    match &app.mode {
        Mode::List { selected } => render_list(app, *selected, width, height),
        _ => render_main(app, width, height),
    }
}

fn render_main(app: &App, width: usize, height: usize) -> Vec<String> {
    let pack = &app.pack;
    let exercise = &pack.exercises[app.current];
    let stage = pack.stage(&exercise.stage);
    let mut top = String::new();

    let stage_members: Vec<&crate::pack::Exercise> = pack
        .exercises
        .iter()
        .filter(|e| e.stage == exercise.stage)
        .collect();
    let stage_done = stage_members
        .iter()
        .filter(|e| app.state.is_done(&e.name))
        .count();
    let bar_width = (width.saturating_sub(40) / 2).clamp(4, 30);
    top.push_str(&format!(
        "{} {}  {}   {} {}\n",
        style("backlings").bold().cyan(),
        style("overall").dim(),
        progress_bar(app.state.done_count(), pack.exercises.len(), bar_width),
        style(stage.map_or(exercise.stage.as_str(), |s| s.title.as_str())).dim(),
        progress_bar(stage_done, stage_members.len(), bar_width),
    ));
    if let Some(passed) = &app.just_passed {
        top.push_str(&format!(
            "{} {} passed — its reference solution: {}\n",
            style("✓").green().bold(),
            style(&passed.name).green(),
            passed.solution
        ));
    }
    top.push('\n');
    top.push_str(&format!(
        "{} {}  {}\n",
        style(format!(
            "{} ›",
            stage.map_or(exercise.stage.as_str(), |s| s.title.as_str())
        ))
        .dim(),
        style(&exercise.name).bold(),
        style(format!("[{}]", exercise.kind.as_str())).dim()
    ));
    let intro = &app.intro;
    if !intro.is_empty() {
        top.push_str(&style(wrap(intro, width, "  ")).dim().to_string());
        top.push('\n');
    }
    top.push('\n');
    match &app.workspace_hint {
        Some(hint) => top.push_str(&format!("{} {}\n", style("Work in:").bold(), style(hint).cyan())),
        None => {
            let files: Vec<String> = exercise.files.iter().map(|f| f.display().to_string()).collect();
            top.push_str(&format!(
                "{} {}\n",
                style("Edit:").bold(),
                style(files.join(", ")).cyan()
            ));
        }
    }
    top.push('\n');

    let mut verdict = String::new();
    if let Some(note) = &app.background {
        verdict.push_str(&format!("{}\n", style(format!("⏳ {note}")).yellow()));
    }
    if app.checking {
        let waited = app.check_started.map(|t| t.elapsed().as_secs()).unwrap_or(0);
        let extra = if waited >= 2 {
            format!(" {waited} s")
        } else {
            String::new()
        };
        verdict.push_str(&format!("{}\n", style(format!("… checking{extra}")).yellow()));
    }
    let mut details_budget = 0;
    if let Some(outcome) = &app.outcome {
        verdict.push_str(&format!(
            "{} {}\n",
            status_label(outcome.status),
            wrap(&outcome.message, width.saturating_sub(8), "").replace('\n', "\n        ")
        ));
        if outcome.status == Status::Pass {
            if app.state.is_done(&exercise.name) {
                verdict.push_str(&format!(
                    "{}\n",
                    style(format!(
                        "Solution: {} · press n for the next exercise",
                        exercise.solution.display()
                    ))
                    .green()
                ));
            }
        } else {
            details_budget = 1;
        }
    }

    let mut bottom = String::new();
    let shown_hints = app.state.hints_shown(&exercise.name);
    if shown_hints > 0 {
        bottom.push('\n');
        bottom.push_str(&crate::view::hints::render_hints(
            &exercise.hints,
            shown_hints,
            width,
        ));
        bottom.push('\n');
    }
    if let Some(message) = &app.message {
        bottom.push('\n');
        bottom.push_str(&style(message).yellow().to_string());
        bottom.push('\n');
    }
    bottom.push('\n');
    bottom.push_str(&match app.mode {
        Mode::ConfirmReset => style(format!(
            "Reset {} to its starter? Your version is kept in .backlings/replaced/. y = yes, any other key = no",
            exercise.name
        ))
        .red()
        .bold()
        .to_string(),
        _ => key_help(width),
    });

    let mut lines: Vec<String> = Vec::new();
    lines.extend(top.lines().map(str::to_string));
    lines.extend(verdict.lines().map(str::to_string));
    let tail: Vec<String> = bottom.lines().map(str::to_string).collect();
    if details_budget > 0
        && let Some(outcome) = &app.outcome
    {
        let room = height.saturating_sub(lines.len() + tail.len() + 2);
        let mut details: Vec<String> = Vec::new();
        for detail in &outcome.details {
            let text = render_detail(
                detail,
                Layout {
                    width,
                    max_output_lines: Some(room.max(3)),
                },
            );
            details.push(String::new());
            details.extend(text.lines().map(str::to_string));
        }
        if details.len() > room {
            let cut = details.len() - room.saturating_sub(1);
            details.truncate(room.saturating_sub(1));
            details.push(
                style(format!(
                    "… {cut} more lines: `backlings run {}` prints everything",
                    exercise.name
                ))
                .dim()
                .to_string(),
            );
        }
        lines.extend(details);
    }
    lines.extend(tail);
    fit(lines, width, height)
}

fn key_help(width: usize) -> String {
    let keys = [
        ("n", "next"),
        ("h", "hint"),
        ("l", "list"),
        ("r", "re-run"),
        ("x", "reset"),
        ("c", "check all"),
        ("q", "quit"),
    ];
    let text = keys
        .iter()
        .map(|(k, what)| format!("{} {what}", style(k).bold().cyan()))
        .collect::<Vec<_>>()
        .join(&style(" · ").dim().to_string());
    if console::measure_text_width(&text) <= width {
        text
    } else {
        keys.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(" ")
    }
}

fn render_list(app: &App, selected: usize, width: usize, height: usize) -> Vec<String> {
    let pack = &app.pack;
    let mut lines = vec![
        format!(
            "{}  {}",
            style("All exercises").bold(),
            progress_bar(app.state.done_count(), pack.exercises.len(), 30)
        ),
        String::new(),
    ];
    let rows_room = height.saturating_sub(4).max(1);
    // Keep the selection in view: a window of the list around it.
    let first = selected
        .saturating_sub(rows_room / 2)
        .min(pack.exercises.len().saturating_sub(rows_room));
    let mut last_stage = None;
    for (i, exercise) in pack.exercises.iter().enumerate().skip(first).take(rows_room) {
        let stage_label = if last_stage != Some(&exercise.stage) {
            last_stage = Some(&exercise.stage);
            pack.stage(&exercise.stage)
                .map_or(exercise.stage.clone(), |s| s.title.clone())
        } else {
            String::new()
        };
        let status = if app.state.is_done(&exercise.name) {
            style("✓").green().to_string()
        } else {
            style("·").dim().to_string()
        };
        let current = if i == app.current { "▶" } else { " " };
        let line = format!(
            "{current} {status} {:<22} {:<5} {}",
            truncate(&stage_label, 22),
            exercise.kind.as_str(),
            exercise.name
        );
        lines.push(if i == selected {
            style(line).reverse().to_string()
        } else {
            line
        });
    }
    lines.push(String::new());
    lines.push(format!(
        "{} move · {} open · {} back",
        style("↑↓/j k").bold().cyan(),
        style("enter").bold().cyan(),
        style("esc/q").bold().cyan()
    ));
    fit(lines, width, height)
}

fn truncate(s: &str, width: usize) -> String {
    console::truncate_str(s, width, "…").into_owned()
}

/// Cut lines to the width and the list to the height: the screen never scrolls.
fn fit(lines: Vec<String>, width: usize, height: usize) -> Vec<String> {
    let mut out: Vec<String> = lines
        .into_iter()
        .flat_map(|l| l.split('\n').map(str::to_string).collect::<Vec<_>>())
        .map(|l| console::truncate_str(&l, width.max(1), "…").into_owned())
        .collect();
    if out.len() > height {
        // Keep the bottom (the keys) and cut from the middle.
        let keep_tail = 2.min(height);
        let tail: Vec<String> = out.split_off(out.len() - keep_tail);
        out.truncate(height - keep_tail);
        out.extend(tail);
    }
    out
}
