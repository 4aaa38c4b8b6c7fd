//! Outcomes rendered for a terminal: colour when allowed, wrapped to the width,
//! no panic at width 0.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use console::{Style, style};

use crate::outcome::{CheckItem, Detail, Excerpt, Outcome, RowMark, Status};

/// Width for output that goes to a pipe or a file: no line is wrapped (a
/// table wrapped at 80 columns is unreadable in a log; a pager wraps itself).
pub const UNWRAPPED_WIDTH: usize = u16::MAX as usize;

/// Width to lay text out for; a terminal that reports 0 (or none) gets 80,
/// output that is not a terminal is not wrapped.
pub fn terminal_width() -> usize {
    let stdout = console::Term::stdout();
    if !stdout.is_term() {
        return UNWRAPPED_WIDTH;
    }
    match stdout.size_checked() {
        Some((_, cols)) if cols >= 20 => cols as usize,
        Some((_, cols)) if cols > 0 => 20,
        _ => 80,
    }
}

/// Turn colours off when NO_COLOR is set (https://no-color.org), whatever the terminal.
pub fn respect_no_color() {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        console::set_colors_enabled(false);
        console::set_colors_enabled_stderr(false);
    }
}

pub fn status_label(status: Status) -> String {
    match status {
        Status::Pass => style("PASS").green().bold().to_string(),
        Status::Fail => style("FAIL").red().bold().to_string(),
        Status::Error => style("ERROR").red().bold().to_string(),
        Status::Timeout => style("TIMEOUT").yellow().bold().to_string(),
        Status::Skipped => style("SKIPPED").yellow().bold().to_string(),
    }
}

/// Options for how much of an outcome to show.
#[derive(Clone, Copy)]
pub struct Layout {
    pub width: usize,
    /// Cap on the lines of one captured output (a screenful in watch mode).
    pub max_output_lines: Option<usize>,
}

impl Layout {
    pub fn full(width: usize) -> Self {
        Layout {
            width,
            max_output_lines: None,
        }
    }
}

/// "PASS select_where — 5 rows match" plus the details.
pub fn render_outcome(name: &str, outcome: &Outcome, layout: Layout) -> String {
    let mut out = String::new();
    let head = format!(
        "{} {} {}",
        status_label(outcome.status),
        style(name).bold(),
        style(format!("({})", crate::outcome::human_duration(outcome.duration))).dim()
    );
    out.push_str(&head);
    out.push('\n');
    out.push_str(&wrap(&outcome.message, layout.width, "  "));
    out.push('\n');
    for detail in &outcome.details {
        // On a pass, the evidence is noise (test output, the matching rows).
        if outcome.status == Status::Pass && !matches!(detail, Detail::Text { .. } | Detail::Command { .. }) {
            continue;
        }
        out.push('\n');
        out.push_str(&render_detail(detail, layout));
    }
    out
}

pub fn render_detail(detail: &Detail, layout: Layout) -> String {
    let mut out = String::new();
    match detail {
        Detail::Text { text } => {
            out.push_str(&wrap(text, layout.width, ""));
            out.push('\n');
        }
        Detail::Output {
            title,
            text,
            truncated_bytes,
        } => {
            out.push_str(&section(title));
            let text = if console::colors_enabled() {
                text.clone()
            } else {
                crate::outcome::plain_text(text)
            };
            let lines: Vec<&str> = text.trim_end().lines().collect();
            let shown = layout
                .max_output_lines
                .map_or(lines.len(), |m| m.min(lines.len()));
            for line in &lines[..shown] {
                out.push_str(line);
                out.push('\n');
            }
            if shown < lines.len() {
                out.push_str(
                    &style(format!(
                        "… {} more lines (`backlings run` shows them all)",
                        lines.len() - shown
                    ))
                    .dim()
                    .to_string(),
                );
                out.push('\n');
            }
            if *truncated_bytes > 0 {
                out.push_str(
                    &style(format!(
                        "… output cut: {truncated_bytes} more bytes were not kept"
                    ))
                    .yellow()
                    .to_string(),
                );
                out.push('\n');
            }
        }
        Detail::Mismatch {
            what,
            expected,
            found,
        } => {
            out.push_str(&section(what));
            out.push_str(&format!(
                "  {} {}\n",
                style("expected:").green(),
                indent_rest(expected)
            ));
            out.push_str(&format!(
                "  {}    {}\n",
                style("found:").red(),
                indent_rest(found)
            ));
        }
        Detail::Table {
            title,
            columns,
            rows,
            omitted_rows,
        } => {
            out.push_str(&section(title));
            out.push_str(&render_table(columns, rows, layout.width));
            out.push('\n');
            if *omitted_rows > 0 {
                out.push_str(
                    &style(format!("… {omitted_rows} more rows not shown"))
                        .dim()
                        .to_string(),
                );
                out.push('\n');
            }
        }
        Detail::Command { title, command } => {
            out.push_str(&section(title));
            out.push_str(&format!("  {}\n", style(command).cyan()));
        }
        Detail::Checklist { title, items } => {
            out.push_str(&section(title));
            for item in items {
                out.push_str(&render_check_item(item, layout.width));
            }
        }
        Detail::Excerpt(excerpt) => out.push_str(&render_excerpt(excerpt)),
    }
    out
}

fn render_check_item(item: &CheckItem, width: usize) -> String {
    let mark = if item.passed {
        style("✓").green().to_string()
    } else {
        style("✗").red().to_string()
    };
    let mut out = format!(
        "  {mark} {}\n",
        wrap(&item.what, width.saturating_sub(4), "    ").trim_start()
    );
    if let Some(expected) = &item.expected {
        out.push_str(&format!(
            "      {} {}\n",
            style("expected:").green(),
            indent_by(expected, 16)
        ));
    }
    if let Some(found) = &item.found {
        out.push_str(&format!(
            "      {}    {}\n",
            style("found:").red(),
            indent_by(found, 16)
        ));
    }
    out
}

/// `file:line:col`, the line, and a caret under the column, then the message.
fn render_excerpt(excerpt: &Excerpt) -> String {
    let place = format!("{}:{}:{}", excerpt.file, excerpt.line, excerpt.column);
    let gutter = excerpt.line.to_string();
    let pad = " ".repeat(gutter.len());
    // The caret sits under the column as the terminal draws it: tabs keep their width.
    let lead: String = excerpt
        .text
        .chars()
        .take(excerpt.column.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!(
        "{} {}\n{pad} {}\n{} {} {}\n{pad} {} {lead}{} {}\n",
        style("──").dim(),
        style(place).bold(),
        style("│").dim(),
        style(&gutter).dim(),
        style("│").dim(),
        excerpt.text,
        style("│").dim(),
        style("^").red().bold(),
        style(&excerpt.message).red(),
    )
}

fn indent_by(text: &str, spaces: usize) -> String {
    text.replace('\n', &format!("\n{}", " ".repeat(spaces)))
}

fn section(title: &str) -> String {
    format!("{}\n", style(format!("── {title}")).dim().bold())
}

fn indent_rest(text: &str) -> String {
    text.replace('\n', "\n            ")
}

fn render_table(columns: &[String], rows: &[crate::outcome::TableRow], width: usize) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width.clamp(20, u16::MAX as usize) as u16);
    if !console::colors_enabled() {
        table.force_no_tty();
    } else {
        table.enforce_styling();
    }
    let has_marks = rows.iter().any(|r| r.mark != RowMark::Same);
    let mut header: Vec<Cell> = Vec::new();
    if has_marks {
        header.push(Cell::new(""));
    }
    header.extend(
        columns
            .iter()
            .map(|c| Cell::new(c).add_attribute(comfy_table::Attribute::Bold)),
    );
    table.set_header(header);
    for row in rows {
        let (marker, color) = match row.mark {
            RowMark::Same => (" ", None),
            RowMark::Missing => ("-", Some(Color::Red)),
            RowMark::Extra => ("+", Some(Color::Yellow)),
            RowMark::Changed => ("~", Some(Color::Magenta)),
        };
        let mut cells = Vec::new();
        if has_marks {
            let mut c = Cell::new(marker);
            if let Some(color) = color {
                c = c.fg(color);
            }
            cells.push(c);
        }
        for cell in &row.cells {
            let mut c = Cell::new(&cell.text);
            if cell.wrong {
                c = c.fg(Color::Red).add_attribute(comfy_table::Attribute::Bold);
                if !console::colors_enabled() {
                    c = Cell::new(format!("*{}*", cell.text));
                }
            } else if let Some(color) = color {
                c = c.fg(color);
            }
            cells.push(c);
        }
        table.add_row(cells);
    }
    table.to_string()
}

/// Wrap prose to the width (at least 20 columns so nothing degenerates).
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let width = width.max(20);
    let options = textwrap::Options::new(width)
        .initial_indent(indent)
        .subsequent_indent(indent);
    text.lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                textwrap::fill(line, &options)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A progress bar as text: `[#####-----] 12/80`.
pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let width = width.clamp(4, 60);
    let filled = (done * width).checked_div(total).unwrap_or(0).min(width);
    format!(
        "{}{} {done}/{total}",
        Style::new().green().apply_to("█".repeat(filled)),
        Style::new().dim().apply_to("░".repeat(width - filled)),
    )
}

/// What an exercise says once it is passed: its note on alternatives and
/// trade-offs, and where to read further. Empty when it has neither.
pub fn render_after_pass(exercise: &crate::pack::Exercise, width: usize) -> String {
    let mut out = String::new();
    if let Some(after) = &exercise.after {
        out.push('\n');
        out.push_str(&section("after the pass"));
        out.push_str(&wrap(after, width, "  "));
        out.push('\n');
    }
    if let Some(link) = &exercise.link {
        out.push_str(&format!(
            "\n{} {}\n",
            style("Read further:").bold(),
            style(link).cyan()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{TableCell, TableRow};

    #[test]
    fn narrow_and_zero_widths_do_not_panic() {
        let outcome = Outcome::fail("a rather long message that has to be wrapped somewhere sensible").with(
            Detail::Table {
                title: "rows".into(),
                columns: vec!["id".into(), "name".into()],
                rows: vec![TableRow {
                    mark: RowMark::Missing,
                    cells: vec![
                        TableCell::plain("1"),
                        TableCell::plain("a very long cell value indeed"),
                    ],
                }],
                omitted_rows: 3,
            },
        );
        for width in [0, 1, 5, 20, 200] {
            let text = render_outcome("x", &outcome, Layout::full(width));
            assert!(text.contains("more rows not shown"));
        }
        assert_eq!(progress_bar(3, 0, 0).matches('░').count(), 4);
    }

    #[test]
    fn output_is_capped_to_a_screenful() {
        let long: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let detail = Detail::Output {
            title: "out".into(),
            text: long,
            truncated_bytes: 0,
        };
        let text = render_detail(
            &detail,
            Layout {
                width: 80,
                max_output_lines: Some(10),
            },
        );
        assert!(text.contains("line 9\n"));
        assert!(!text.contains("line 10\n"));
        assert!(text.contains("90 more lines"));
    }
}
