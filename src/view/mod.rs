//! Views: the same outcome feeds the watch screen, `run`, `check`, `dev check`
//! and `--json`.

pub mod dev_report;
pub mod hints;
pub mod json;
pub mod list;
pub mod progress;
pub mod prose;
pub mod screen;
pub mod terminal;
