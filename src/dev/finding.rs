//! A problem `dev check` found, sorted by what it is about.

use serde::Serialize;

use crate::pack::Problem;

/// What a finding is about; also its `category` in `--json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// info.toml as the loader reads it (schema, references, names, stages, hints).
    Info,
    /// A file under exercises/ or solutions/ that no exercise uses.
    StrayFile,
    /// exercises/Cargo.toml against info.toml.
    Package,
    /// A starter that already passes: the learner would have nothing to do.
    StarterPasses,
    /// A starter that cannot be judged (an error, not a failure): the pack's
    /// problem, e.g. a git scenario whose setup is not deterministic.
    StarterErrors,
    /// A reference solution that does not pass (rust: or is not clippy-clean).
    SolutionFails,
}

impl Category {
    /// Problems of info.toml itself make the pack unusable for learners.
    pub fn blocks_loading(self) -> bool {
        self == Category::Info
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub category: Category,
    /// The exercise it concerns, when there is one.
    pub exercise: Option<String>,
    pub file: String,
    /// 1-based; 0 when the finding has no position in the file.
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    pub fn new(category: Category, exercise: Option<String>, problem: Problem) -> Self {
        Finding {
            category,
            exercise,
            file: problem.file.display().to_string(),
            line: problem.line,
            col: problem.col,
            message: problem.message,
            help: problem.help,
        }
    }

    /// `info.toml:12:9` (or just the file when there is no position).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.col)
        }
    }
}
