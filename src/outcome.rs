//! What a check found, as data. Checkers build an [`Outcome`]; views render it.
//! Nothing in here prints.

use serde::Serialize;
use std::time::Duration;

/// The verdict of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    /// The learner's answer is wrong (tests fail, rows differ, …).
    Fail,
    /// The answer could not be judged: it does not compile, the server did not
    /// start, the sandbox is gone, the runner itself hit a problem.
    Error,
    /// The learner's code ran past the exercise's time limit and was stopped.
    Timeout,
    /// The exercise needs what this machine lacks (PostgreSQL); the message
    /// names it and how to get it. Never counts as passed.
    Skipped,
}

impl Status {
    pub fn passed(self) -> bool {
        self == Status::Pass
    }
}

/// One check's result: a verdict, a one-line reason, and the evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub status: Status,
    /// One line that says why (or, on a pass, what was proven).
    pub message: String,
    /// Evidence, in the order it should be shown.
    pub details: Vec<Detail>,
    #[serde(skip)]
    pub duration: Duration,
}

impl Outcome {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Outcome {
            status,
            message: message.into(),
            details: Vec::new(),
            duration: Duration::ZERO,
        }
    }

    pub fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, message)
    }

    pub fn fail(message: impl Into<String>) -> Self {
        Self::new(Status::Fail, message)
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Status::Error, message)
    }

    pub fn timeout(limit: Duration) -> Self {
        Self::new(
            Status::Timeout,
            format!(
                "stopped after the time limit of {} — look for an endless loop, a query without end or a blocking read",
                human_duration(limit)
            ),
        )
    }

    pub fn with(mut self, detail: Detail) -> Self {
        self.details.push(detail);
        self
    }

    pub fn push(&mut self, detail: Detail) {
        self.details.push(detail);
    }
}

/// A piece of evidence. Kept generic so that every kind of check can be shown by
/// one terminal view and one JSON view.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Detail {
    /// Prose: an explanation or a suggestion.
    Text { text: String },
    /// Output captured from a program, shown verbatim (it may hold ANSI colour).
    Output {
        title: String,
        text: String,
        /// Bytes that were cut by the output cap and are not in `text`.
        truncated_bytes: u64,
    },
    /// Something expected next to what was found.
    Mismatch {
        what: String,
        expected: String,
        found: String,
    },
    /// A table of rows, some of them marked (a SQL result, a diff of two results).
    Table {
        title: String,
        columns: Vec<String>,
        rows: Vec<TableRow>,
        /// Rows left out to keep the table to a screenful.
        omitted_rows: usize,
    },
    /// A command the learner can paste to reproduce or inspect something.
    Command { title: String, command: String },
    /// A list of checks, each passed or not (a git exercise's assertions, an
    /// HTTP exchange's expectations). Views draw ✓/✗; JSON readers get the data.
    Checklist { title: String, items: Vec<CheckItem> },
    /// A place in a source file, with the line's text and a caret under the
    /// column (a SQL syntax error, a leftover `todo!()`).
    Excerpt(Excerpt),
}

/// One check of a [`Detail::Checklist`].
#[derive(Clone, Debug, Serialize)]
pub struct CheckItem {
    /// What is checked, in the learner's words ("branch feature exists").
    pub what: String,
    pub passed: bool,
    /// What the check wanted, when it is not said by `what`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was there instead (only on a failed check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

impl CheckItem {
    pub fn passed(what: impl Into<String>) -> Self {
        CheckItem {
            what: what.into(),
            passed: true,
            expected: None,
            found: None,
        }
    }

    pub fn failed(what: impl Into<String>, expected: Option<String>, found: Option<String>) -> Self {
        CheckItem {
            what: what.into(),
            passed: false,
            expected,
            found,
        }
    }
}

/// A place in a file, shown as the line with a caret under `column`.
#[derive(Clone, Debug, Serialize)]
pub struct Excerpt {
    /// The file, relative to where the learner stands (the pack root).
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The text of that line, as written.
    pub text: String,
    /// What is wrong there.
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableRow {
    pub mark: RowMark,
    pub cells: Vec<TableCell>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowMark {
    Same,
    /// Expected but not found.
    Missing,
    /// Found but not expected.
    Extra,
    /// Present, with some cells that differ.
    Changed,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableCell {
    pub text: String,
    /// This cell is the one that differs.
    pub wrong: bool,
}

impl TableCell {
    pub fn plain(text: impl Into<String>) -> Self {
        TableCell {
            text: text.into(),
            wrong: false,
        }
    }
}

/// Text without terminal codes: ANSI colours, charset switches (`ESC ( B`) and
/// shift-in/out bytes that terminfo-driven programs such as libtest emit.
pub fn plain_text(text: &str) -> String {
    console::strip_ansi_codes(&text.replace("\x1b(B", ""))
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// "250 ms", "10 s", "1.5 s": short and exact enough for a message.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_every_terminal_code() {
        let libtest = "test a ... \x1b[32mok\x1b(B\x1b[m\x0f\r\n";
        assert_eq!(plain_text(libtest), "test a ... ok\n");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(human_duration(Duration::from_secs(10)), "10 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn json_names_the_status_and_detail_types() {
        let outcome = Outcome::fail("2 rows missing").with(Detail::Text { text: "x".into() });
        let json = serde_json::to_value(&outcome).unwrap();
        assert_eq!(json["status"], "fail");
        assert_eq!(json["details"][0]["type"], "text");
    }
}
