//! The watch screen, laid out with a fixed priority so that what the learner
//! acts on is on screen at every size down to 40x12: the progress header, the
//! exercise's title, the file to edit (or sandbox, and a git exercise's answer
//! file), the verdict line, the hint when asked for, the status line and the
//! key bar always; the explanation and the verdict's details share the rest
//! and scroll, with a "↓ N more lines" marker.
//!
//! Lines that hold a count or a path are built from variants, longest first:
//! a narrow screen loses words and bars, never the count or the path's end.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use console::{measure_text_width, style};

use super::prose::reflow;
use super::terminal::{Layout, render_detail, status_label};
use crate::outcome::{Detail, Status};
use crate::watch_machine::{Mode, Model, Tone};

/// What to draw, and what the loop needs to know about it.
pub struct Frame {
    pub lines: Vec<String>,
    /// How far the body can scroll down.
    pub max_scroll: usize,
    /// The body's height: a PgDn's worth.
    pub page: usize,
    /// Paths shown on screen (their text, the file), for terminal hyperlinks.
    pub links: Vec<(String, PathBuf)>,
}

pub fn render(model: &Model, width: usize, height: usize, now: Instant) -> Frame {
    let width = width.max(1);
    let height = height.max(1);
    match &model.mode {
        Mode::List { selected } => render_list(model, *selected, width, height),
        Mode::End => render_end(model, width, height),
        Mode::Exercise | Mode::ConfirmReset => render_exercise(model, width, height, now),
    }
}

fn render_exercise(model: &Model, width: usize, height: usize, now: Instant) -> Frame {
    let pack = &model.pack;
    let exercise = model.exercise();
    let mut links = Vec::new();

    let mut top = vec![header(model, width)];
    let stage_title = pack
        .stage(&exercise.stage)
        .map_or(exercise.stage.as_str(), |s| s.title.as_str());
    top.push(first_fitting(
        &[
            format!(
                "{} {}  {}",
                style(format!("{stage_title} ›")).dim(),
                style(&exercise.name).bold(),
                style(format!("[{}]", exercise.kind.as_str())).dim()
            ),
            format!(
                "{}  {}",
                style(&exercise.name).bold(),
                style(format!("[{}]", exercise.kind.as_str())).dim()
            ),
        ],
        width,
    ));
    let files: Vec<String> = exercise.files.iter().map(|f| f.display().to_string()).collect();
    for file in &exercise.files {
        links.push((file.display().to_string(), pack.path(file)));
    }
    match &model.workspace {
        Some(workspace) => {
            // The kind may add where the answer goes: said on its own line here.
            let cd = workspace.split("  ·  ").next().unwrap_or(workspace);
            top.push(labelled("Work in:", "In:", cd, width));
            if !files.is_empty() {
                top.push(labelled("Answer file:", "Answer:", &files.join(", "), width));
            }
        }
        None => top.push(labelled("Edit:", "Edit:", &files.join(", "), width)),
    }

    // The bottom block, from the key bar up.
    let keys = match model.mode {
        Mode::ConfirmReset => reset_prompt(model, width),
        _ => key_bar(width),
    };
    let verdict = verdict_lines(model, width, now);
    let mut statuses = status_lines(model, width);
    let hint = hint_lines(model, width);

    // Fixed rows: header, title, file(s), verdict, status (one at least), keys.
    let fixed = top.len() + verdict.len() + 1 + 1;
    let hint_room = height.saturating_sub(fixed).max(1);
    let hint = cap_lines(hint, hint_room, width, "… `backlings hint` prints all of it");
    // Extra status lines only while the body keeps a few rows; the others
    // lead the body.
    let mut extra_status = Vec::new();
    let status_line = if statuses.is_empty() {
        String::new()
    } else {
        statuses.remove(0)
    };
    let mut used = fixed + hint.len();
    let mut kept_status = vec![status_line];
    for line in statuses {
        if height > used + 4 {
            kept_status.push(line);
            used += 1;
        } else {
            extra_status.push(line);
        }
    }

    // The body: what scrolls.
    let mut body: Vec<String> = extra_status;
    body.extend(note_overflow(model, width));
    body.extend(message_overflow(model, width));
    body.extend(after_pass_lines(model, width));
    if let Some(stage_intro) = &model.stage_intro {
        body.push(style(format!("── {stage_title}")).bold().to_string());
        body.extend(reflow(stage_intro, width, ""));
        body.push(String::new());
    }
    let details = detail_lines(model, width);
    let intro = reflow(&model.intro, width, if width >= 60 { "  " } else { "" })
        .into_iter()
        .map(|l| style(l).dim().to_string())
        .collect::<Vec<_>>();
    if model.saved_this_visit && !details.is_empty() {
        body.extend(details);
        if !intro.is_empty() {
            body.push(String::new());
            body.push(style("── about this exercise").dim().to_string());
            body.extend(intro);
        }
    } else {
        body.extend(intro);
        if !details.is_empty() {
            body.push(String::new());
            body.extend(details);
        }
    }

    let body_room = height.saturating_sub(used);
    let (shown_body, max_scroll) = scroll_window(&body, model.scroll, body_room);

    let mut lines = top;
    if body_room > 0 {
        lines.extend(shown_body);
    }
    lines.extend(verdict);
    lines.extend(hint);
    lines.extend(kept_status);
    lines.push(keys);
    Frame {
        lines: fit(lines, width, height),
        max_scroll,
        page: body_room.saturating_sub(1).max(1),
        links,
    }
}

/// What the exercise just passed says once passed (its `after` note and
/// `link`), on the next exercise's screen beside the "passed" line.
fn after_pass_lines(model: &Model, width: usize) -> Vec<String> {
    let Some(passed) = &model.just_passed else {
        return Vec::new();
    };
    if passed.shown_on != model.current && model.mode != Mode::End {
        return Vec::new();
    }
    let exercise = &model.pack.exercises[passed.exercise];
    let mut lines = Vec::new();
    if let Some(after) = &exercise.after {
        lines.push(style(format!("── after {}", passed.name)).dim().to_string());
        lines.extend(reflow(after, width, ""));
    }
    if let Some(link) = &exercise.link {
        lines.push(format!(
            "{} {}",
            style("Read further:").bold(),
            style(link).cyan()
        ));
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// The body's visible rows from `scroll`, padded to `room`, with a marker
/// for what lies below (and above).
fn scroll_window(body: &[String], scroll: usize, room: usize) -> (Vec<String>, usize) {
    if room == 0 {
        return (Vec::new(), 0);
    }
    if body.len() <= room {
        let mut shown = body.to_vec();
        shown.resize(room, String::new());
        return (shown, 0);
    }
    // One row is the marker.
    let rows = room.saturating_sub(1).max(1);
    let max_scroll = body.len().saturating_sub(rows);
    let scroll = scroll.min(max_scroll);
    let mut shown: Vec<String> = body[scroll..(scroll + rows).min(body.len())].to_vec();
    let below = body.len() - scroll - shown.len();
    let marker = match (scroll, below) {
        (0, below) => format!("↓ {below} more lines · ↓/j, PgDn to scroll"),
        (above, 0) => format!("↑ {above} lines above · ↑/k, PgUp"),
        (above, below) => format!("↓ {below} more lines · ↑ {above} above"),
    };
    if room > 1 {
        shown.push(style(marker).cyan().to_string());
    }
    (shown, max_scroll)
}

fn header(model: &Model, width: usize) -> String {
    let pack = &model.pack;
    let exercise = model.exercise();
    let total = pack.exercises.len();
    let done = model.state.done_count();
    let members: Vec<_> = pack
        .exercises
        .iter()
        .filter(|e| e.stage == exercise.stage)
        .collect();
    let stage_done = members.iter().filter(|e| model.state.is_done(&e.name)).count();
    let stage_title = pack
        .stage(&exercise.stage)
        .map_or(exercise.stage.as_str(), |s| s.title.as_str());
    let name = style("backlings").bold().cyan();
    let bar = |d: usize, t: usize, w: usize| bar_only(d, t, w);
    let counts = |d: usize, t: usize| format!("{d}/{t}");
    first_fitting(
        &[
            format!(
                "{name} {} {}   {} {} {}",
                bar(done, total, 20),
                counts(done, total),
                style(stage_title).dim(),
                bar(stage_done, members.len(), 14),
                counts(stage_done, members.len())
            ),
            format!(
                "{name} {} {}  {} {}",
                bar(done, total, 10),
                counts(done, total),
                style(stage_title).dim(),
                counts(stage_done, members.len())
            ),
            format!(
                "{name} {}  {} {}",
                counts(done, total),
                style(stage_title).dim(),
                counts(stage_done, members.len())
            ),
            format!(
                "{name} {}  stage {}",
                counts(done, total),
                counts(stage_done, members.len())
            ),
            format!(
                "{} · stage {}",
                counts(done, total),
                counts(stage_done, members.len())
            ),
        ],
        width,
    )
}

fn bar_only(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0).min(width);
    format!(
        "{}{}",
        style("█".repeat(filled)).green(),
        style("░".repeat(width - filled)).dim()
    )
}

/// "Edit: path", the path never cut at its end: a narrow screen loses the
/// label first, then the path's start.
fn labelled(label: &str, short: &str, value: &str, width: usize) -> String {
    let long = format!("{} {}", style(label).bold(), style(value).cyan());
    if measure_text_width(&long) <= width {
        return long;
    }
    let room = width.saturating_sub(short.chars().count() + 1);
    format!("{} {}", style(short).bold(), style(cut_front(value, room)).cyan())
}

/// The end of `text` in `width` columns: "…es/basics/add.rs".
pub fn cut_front(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let keep: String = text.chars().skip(count - (width - 1)).collect();
    format!("…{keep}")
}

/// The first variant that fits, else the last one cut.
fn first_fitting(variants: &[String], width: usize) -> String {
    variants
        .iter()
        .find(|v| measure_text_width(v) <= width)
        .or(variants.last())
        .cloned()
        .unwrap_or_default()
}

fn verdict_lines(model: &Model, width: usize, now: Instant) -> Vec<String> {
    let exercise = model.exercise();
    let mut lines = Vec::new();
    if model.waiting_for_build {
        let progress = build_progress_text(model);
        lines.push(first_fitting(
            &[
                style(format!("⏳ waits for the first build: {progress}"))
                    .yellow()
                    .to_string(),
                style(format!("⏳ first build: {progress}")).yellow().to_string(),
                style(format!("⏳ {progress}")).yellow().to_string(),
            ],
            width,
        ));
        return lines;
    }
    if let Some(waited) = model.checking_for(now) {
        let extra = if waited >= Duration::from_secs(2) {
            format!(" {} s", waited.as_secs())
        } else {
            String::new()
        };
        lines.push(style(format!("… checking{extra}")).yellow().to_string());
        return lines;
    }
    let Some(outcome) = &model.outcome else {
        lines.push(style("… checking").yellow().to_string());
        return lines;
    };
    lines.push(format!(
        "{} {}",
        status_label(outcome.status),
        outcome.message.lines().next().unwrap_or("")
    ));
    if outcome.status == Status::Pass && model.state.is_done(&exercise.name) {
        let solution = exercise.solution.display().to_string();
        lines.push(first_fitting(
            &[
                style(format!("Solution: {solution} · n next exercise"))
                    .green()
                    .to_string(),
                style(format!("Solution: {solution}")).green().to_string(),
                style(cut_front(&solution, width)).green().to_string(),
            ],
            width,
        ));
    }
    lines
}

/// The note in full (a reset says what it rebuilt and where it kept your
/// version), when its status line could not hold it.
fn note_overflow(model: &Model, width: usize) -> Vec<String> {
    let Some(note) = &model.note else {
        return Vec::new();
    };
    if note.exercise.is_some_and(|e| e != model.current)
        || (!note.text.contains('\n') && measure_text_width(&note.text) <= width)
    {
        return Vec::new();
    }
    let mut lines: Vec<String> = note
        .text
        .lines()
        .flat_map(|line| reflow(line, width, ""))
        .map(|l| style(l).yellow().to_string())
        .collect();
    lines.push(String::new());
    lines
}

/// The verdict's message in full, when its line on screen could not hold it.
fn message_overflow(model: &Model, width: usize) -> Vec<String> {
    let Some(outcome) = &model.outcome else {
        return Vec::new();
    };
    let label = measure_text_width(&status_label(outcome.status)) + 1;
    if model.checking_for(Instant::now()).is_some()
        || (measure_text_width(&outcome.message) + label <= width && !outcome.message.contains('\n'))
    {
        return Vec::new();
    }
    let mut lines = reflow(&outcome.message, width, "");
    lines.push(String::new());
    lines
}

fn build_progress_text(model: &Model) -> String {
    match &model.build {
        Some(progress) => {
            let left = progress
                .estimate_left()
                .map(|d| format!(", about {} left", human_minutes(d)))
                .unwrap_or_default();
            format!(
                "{} of ~{} units{left} · SQL and git exercises check now (l)",
                progress.done, progress.total
            )
        }
        None => "starting cargo · SQL and git exercises check now (l)".into(),
    }
}

fn human_minutes(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        format!("{} s", secs.max(1))
    } else {
        format!("{} min", secs.div_ceil(60))
    }
}

fn status_lines(model: &Model, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(note) = &model.note
        && note.exercise.is_none_or(|e| e == model.current)
    {
        let text = note.text.lines().next().unwrap_or("");
        let styled = match note.tone {
            Tone::Info => style(text).yellow(),
            Tone::Warning => style(text).red(),
            Tone::Good => style(text).green(),
        };
        lines.push(cut_keeping_path(&styled.to_string(), width));
    }
    if let Some(passed) = &model.just_passed
        && passed.shown_on == model.current
    {
        lines.push(first_fitting(
            &[
                format!(
                    "{} {} passed — its reference solution: {}",
                    style("✓").green().bold(),
                    style(&passed.name).green(),
                    passed.solution
                ),
                format!(
                    "{} {} passed: {}",
                    style("✓").green().bold(),
                    style(&passed.name).green(),
                    passed.solution
                ),
                format!(
                    "{} {}",
                    style("✓").green().bold(),
                    cut_front(&passed.solution, width.saturating_sub(2))
                ),
            ],
            width,
        ));
    }
    if let Some(watch) = &model.watch_note {
        lines.push(style(watch).yellow().to_string());
    }
    if !model.waiting_for_build && model.build.is_some() {
        lines.push(
            style(format!(
                "⏳ exercise package building: {}",
                build_progress_short(model)
            ))
            .dim()
            .to_string(),
        );
    }
    if let Some(all) = &model.check_all {
        let text = if all.total > 0 && all.phase == "checking" {
            format!("check all: {} of {} checked", all.done, all.total)
        } else {
            format!(
                "check all: {} ({} s)",
                all.phase,
                Instant::now().saturating_duration_since(all.since).as_secs()
            )
        };
        lines.push(style(text).yellow().to_string());
    }
    lines
}

fn build_progress_short(model: &Model) -> String {
    match &model.build {
        Some(p) => format!("{} of ~{} units", p.done, p.total),
        None => String::new(),
    }
}

/// A message cut to the width; if it names a path (`.backlings/…`,
/// `exercises/…`), the words before the path go first.
fn cut_keeping_path(text: &str, width: usize) -> String {
    if measure_text_width(text) <= width {
        return text.to_string();
    }
    let plain = console::strip_ansi_codes(text).into_owned();
    let path_at = plain
        .split(' ')
        .scan(0, |at, word| {
            let start = *at;
            *at += word.len() + 1;
            Some((start, word))
        })
        .find(|(_, word)| word.contains('/'))
        .map(|(start, _)| start);
    if let Some(at) = path_at {
        let path_and_rest = &plain[at..];
        let rest_width = path_and_rest.chars().count();
        if rest_width + 2 <= width {
            let head = console::truncate_str(&plain[..at], width - rest_width, "… ");
            return format!("{head}{path_and_rest}");
        }
        return cut_front(path_and_rest, width);
    }
    console::truncate_str(text, width, "…").into_owned()
}

fn hint_lines(model: &Model, width: usize) -> Vec<String> {
    let exercise = model.exercise();
    let shown = model.state.hints_shown(&exercise.name);
    if !model.hint_open || shown == 0 {
        return Vec::new();
    }
    let Some(text) = exercise.hints.get(shown - 1) else {
        return Vec::new();
    };
    let more = if shown < exercise.hints.len() {
        " · h: next"
    } else {
        ""
    };
    let mut lines = vec![
        style(format!("Hint {shown} of {}{more}", exercise.hints.len()))
            .cyan()
            .bold()
            .to_string(),
    ];
    lines.extend(reflow(text, width, if width >= 60 { "  " } else { "" }));
    lines
}

/// At most `room` lines; the last one says what was cut.
fn cap_lines(mut lines: Vec<String>, room: usize, width: usize, cut: &str) -> Vec<String> {
    if lines.len() <= room {
        return lines;
    }
    lines.truncate(room.saturating_sub(1));
    lines.push(console::truncate_str(&style(cut).dim().to_string(), width, "…").into_owned());
    lines
}

fn detail_lines(model: &Model, width: usize) -> Vec<String> {
    let Some(outcome) = &model.outcome else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for detail in &outcome.details {
        // On a pass, the evidence is noise.
        if outcome.status == Status::Pass && !matches!(detail, Detail::Text { .. } | Detail::Command { .. }) {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        let text = render_detail(detail, Layout::full(width));
        lines.extend(text.lines().map(str::to_string));
    }
    lines
}

const KEYS: [(&str, &str); 8] = [
    ("n", "next"),
    ("h", "hint"),
    ("l", "list"),
    ("r", "re-run"),
    ("e", "edit"),
    ("x", "reset"),
    ("c", "check all"),
    ("q", "quit"),
];

fn key_bar(width: usize) -> String {
    let words = KEYS
        .iter()
        .map(|(k, what)| format!("{} {what}", style(k).bold().cyan()))
        .collect::<Vec<_>>();
    let letters = KEYS
        .iter()
        .map(|(k, _)| style(k).bold().cyan().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    first_fitting(
        &[
            format!(
                "{} · {} scroll",
                words.join(&style(" · ").dim().to_string()),
                style("↑↓").bold().cyan()
            ),
            words.join(&style(" · ").dim().to_string()),
            words.join(" "),
            format!("{letters} · {} scroll", style("↑↓").bold().cyan()),
            letters,
        ],
        width,
    )
}

fn reset_prompt(model: &Model, width: usize) -> String {
    let exercise = model.exercise();
    let name = &exercise.name;
    let variants = if model.workspace.is_some() {
        vec![
            format!(
                "Rebuild the sandbox of {name}? Your repository is kept in .backlings/replaced/sandboxes/ · y = yes, any other key = no"
            ),
            format!("Rebuild {name}'s sandbox? Yours is kept in .backlings/replaced/sandboxes/ · y/n"),
            "Rebuild the sandbox? Your repository goes to .backlings/replaced/sandboxes/ · y/n".to_string(),
            "Rebuild? Yours goes to .backlings/replaced/sandboxes/ · y/n".to_string(),
            "Rebuild? Yours goes to .backlings/replaced/ · y/n".to_string(),
            "Rebuild the sandbox? y/n".to_string(),
        ]
    } else {
        vec![
            format!(
                "Reset {name} to its starter? Your version is kept in .backlings/replaced/ · y = yes, any other key = no"
            ),
            format!("Reset {name}? Yours is kept in .backlings/replaced/ · y/n"),
            "Reset? Yours goes to .backlings/replaced/ · y/n".to_string(),
            "Reset? y/n".to_string(),
        ]
    };
    style(first_fitting(&variants, width)).red().bold().to_string()
}

fn render_end(model: &Model, width: usize, height: usize) -> Frame {
    let pack = &model.pack;
    let total = pack.exercises.len();
    let done = model.state.done_count();
    let mut top = vec![first_fitting(
        &[
            format!(
                "{} {} {done}/{total} · every exercise done",
                style("backlings").bold().cyan(),
                bar_only(done, total, 20)
            ),
            format!("{} {done}/{total} · all done", style("backlings").bold().cyan()),
            format!("{done}/{total} all done"),
        ],
        width,
    )];
    top.push(
        // The pack's farewell (or the default one) follows in the body.
        style(format!("Every exercise is done: {done} of {total}."))
            .green()
            .bold()
            .to_string(),
    );
    let mut body = Vec::new();
    if let Some(passed) = &model.just_passed {
        body.push(first_fitting(
            &[
                format!(
                    "{} {} passed — its reference solution: {}",
                    style("✓").green().bold(),
                    passed.name,
                    passed.solution
                ),
                format!("✓ {}", cut_front(&passed.solution, width.saturating_sub(2))),
            ],
            width,
        ));
        body.push(String::new());
    }
    let farewell = pack.farewell.as_deref().unwrap_or(crate::pack::DEFAULT_FAREWELL);
    body.extend(reflow(farewell, width, ""));
    body.push(String::new());
    body.push(style("By stage").bold().to_string());
    let title_width = pack
        .stages
        .iter()
        .map(|s| s.title.chars().count())
        .max()
        .unwrap_or(0)
        .min(width.saturating_sub(12));
    for stage in &pack.stages {
        let members: Vec<_> = pack.exercises.iter().filter(|e| e.stage == stage.id).collect();
        if members.is_empty() {
            continue;
        }
        let stage_done = members.iter().filter(|e| model.state.is_done(&e.name)).count();
        let title = console::truncate_str(&stage.title, title_width, "…");
        body.push(format!("  {title:<title_width$} {stage_done}/{}", members.len()));
    }
    body.push(String::new());
    body.push(style("Next steps").bold().to_string());
    for step in NEXT_STEPS {
        body.extend(reflow(&format!("- {step}"), width, ""));
    }
    let keys = first_fitting(
        &[
            format!(
                "{} list, to revisit an exercise · {} check all · {} quit",
                style("l").bold().cyan(),
                style("c").bold().cyan(),
                style("q").bold().cyan()
            ),
            format!(
                "{} list · {} check all · {} quit",
                style("l").bold().cyan(),
                style("c").bold().cyan(),
                style("q").bold().cyan()
            ),
        ],
        width,
    );
    let status = status_lines(model, width).into_iter().next().unwrap_or_default();
    let room = height.saturating_sub(top.len() + 2);
    let (shown, max_scroll) = scroll_window(&body, model.scroll, room);
    let mut lines = top;
    lines.extend(shown);
    lines.push(status);
    lines.push(keys);
    Frame {
        lines: fit(lines, width, height),
        max_scroll,
        page: room.saturating_sub(1).max(1),
        links: Vec::new(),
    }
}

const NEXT_STEPS: [&str; 4] = [
    "Build something end to end: a small service with a database, auth and tests, deployed somewhere real.",
    "Go deeper: \"Zero To Production In Rust\" (a Rust API to production), \"Designing Data-Intensive Applications\" (databases and distributed systems), roadmap.sh/backend (what comes next).",
    "Other packs: `backlings --pack DIR` runs any pack; `backlings dev init DIR` starts one of your own.",
    "Revisit: l opens the list (an exercise done stays done); `backlings reset NAME` starts one over, keeping your version.",
];

fn render_list(model: &Model, selected: usize, width: usize, height: usize) -> Frame {
    let pack = &model.pack;
    let done = model.state.done_count();
    let total = pack.exercises.len();
    let mut lines = vec![
        first_fitting(
            &[
                format!(
                    "{}  {} {done}/{total}",
                    style("All exercises").bold(),
                    bar_only(done, total, 30)
                ),
                format!("{} {done}/{total}", style("All exercises").bold()),
                format!("{done}/{total}"),
            ],
            width,
        ),
        String::new(),
    ];
    let rows_room = height.saturating_sub(4).max(1);
    let first = selected
        .saturating_sub(rows_room / 2)
        .min(total.saturating_sub(rows_room));
    // The name comes first and keeps its room; the stage takes what is left.
    let name_width = pack
        .exercises
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(width.saturating_sub(11).max(6));
    let mut last_stage: Option<&str> = None;
    if first > 0 {
        last_stage = Some(pack.exercises[first - 1].stage.as_str());
    }
    for (i, exercise) in pack.exercises.iter().enumerate().skip(first).take(rows_room) {
        let stage = if last_stage != Some(exercise.stage.as_str()) || i == first {
            last_stage = Some(exercise.stage.as_str());
            pack.stage(&exercise.stage)
                .map_or(exercise.stage.clone(), |s| s.title.clone())
        } else {
            String::new()
        };
        let status = if model.state.is_done(&exercise.name) {
            style("✓").green().to_string()
        } else {
            style("·").dim().to_string()
        };
        let current = if i == model.current { "▶" } else { " " };
        let name = console::truncate_str(&exercise.name, name_width, "…");
        let line = format!(
            "{current} {status} {name:<name_width$} {:<4} {}",
            exercise.kind.as_str(),
            style(stage).dim()
        );
        lines.push(if i == selected {
            style(console::strip_ansi_codes(&line).into_owned())
                .reverse()
                .to_string()
        } else {
            line
        });
    }
    lines.push(String::new());
    lines.push(first_fitting(
        &[
            format!(
                "{} move · {} open · {} back",
                style("↑↓/j k").bold().cyan(),
                style("enter").bold().cyan(),
                style("esc/q").bold().cyan()
            ),
            "↑↓ enter esc".to_string(),
        ],
        width,
    ));
    Frame {
        lines: fit(lines, width, height),
        max_scroll: 0,
        page: rows_room,
        links: Vec::new(),
    }
}

/// Cut lines to the width and the list to the height: the screen never scrolls.
fn fit(lines: Vec<String>, width: usize, height: usize) -> Vec<String> {
    let mut out: Vec<String> = lines
        .into_iter()
        .flat_map(|l| l.split('\n').map(str::to_string).collect::<Vec<_>>())
        .map(|l| console::truncate_str(&l, width, "…").into_owned())
        .collect();
    if out.len() > height {
        // The key bar and the lines above it matter most: cut the middle.
        let keep_tail = (height / 2).min(out.len());
        let tail: Vec<String> = out.split_off(out.len() - keep_tail);
        out.truncate(height - keep_tail);
        out.extend(tail);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_cut_at_its_start() {
        assert_eq!(cut_front("exercises/basics/add.rs", 12), "…sics/add.rs");
        assert_eq!(cut_front("short", 12), "short");
        assert_eq!(cut_front("abc", 0), "");
    }

    #[test]
    fn a_message_loses_its_words_before_its_path() {
        let text = "Reset done: your version is kept in .backlings/replaced/add.rs.1";
        let cut = cut_keeping_path(text, 50);
        assert!(cut.ends_with(".backlings/replaced/add.rs.1"), "{cut}");
        assert!(measure_text_width(&cut) <= 50, "{cut}");
    }

    #[test]
    fn the_body_scrolls_with_a_marker() {
        let body: Vec<String> = (0..10).map(|i| format!("line {i}")).collect();
        let (shown, max) = scroll_window(&body, 0, 4);
        assert_eq!(shown.len(), 4);
        assert_eq!(shown[0], "line 0");
        assert!(console::strip_ansi_codes(&shown[3]).contains("↓ 7 more lines"));
        assert_eq!(max, 7);
        let (shown, _) = scroll_window(&body, 100, 4);
        assert_eq!(shown[2], "line 9");
        assert!(console::strip_ansi_codes(&shown[3]).contains("↑ 7 lines above"));
        let (shown, max) = scroll_window(&body[..2], 0, 4);
        assert_eq!((shown.len(), max), (4, 0));
    }

    #[test]
    fn the_key_bar_fits_every_width() {
        for width in [40, 60, 80, 120] {
            assert!(measure_text_width(&key_bar(width)) <= width, "{width}");
        }
    }
}
