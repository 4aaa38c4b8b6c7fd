//! Puts the terminal back the way the learner had it: raw mode off, cursor
//! shown. Used by the watcher's guard, the error path and the Ctrl-C handler.

use std::io::Write;

/// Undo what watch mode did to the terminal. Safe to call more than once and
/// when nothing was changed.
pub fn restore_terminal() {
    let _ = crossterm::terminal::disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(out, crossterm::cursor::Show);
    let _ = out.flush();
}

/// Raw mode for as long as this lives, restored on drop — also on an early
/// return or a panic, which a flag reset by hand would miss.
pub struct RawModeGuard(());

impl RawModeGuard {
    pub fn enter() -> std::io::Result<Self> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawModeGuard(()))
    }
}

impl Drop for RawModeGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}
