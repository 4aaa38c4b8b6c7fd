//! backlings: rustlings for backend engineering.
//!
//! Data flows one way: pack → check → outcome → view. `commands/` holds one
//! file per subcommand; `watch/` is the interactive mode.

mod check;
mod cli;
mod commands;
mod dev;
mod fsutil;
mod outcome;
mod pack;
mod pristine;
mod process;
mod state;
mod terminal_guard;
mod view;
mod watch;

use std::process::ExitCode;

use clap::Parser;

/// Exit statuses of DESIGN.md: 0 all passed, 1 something failed, 2 bad input.
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    view::terminal::respect_no_color();
    process::install_signal_handler();
    let args = cli::Args::parse();
    let code = match commands::dispatch(args) {
        Ok(code) => code,
        Err(err) => {
            terminal_guard::restore_terminal();
            eprintln!("{} {err:#}", console::style("error:").red().bold());
            ExitCode::from(EXIT_BAD_INPUT)
        }
    };
    report_peak_memory();
    code
}

/// `BACKLINGS_REPORT_RSS=1`: print the runner's own peak memory on exit, so
/// tests can prove that a child's flood of output does not grow it.
fn report_peak_memory() {
    if std::env::var_os("BACKLINGS_REPORT_RSS").is_none() {
        return;
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
    {
        eprintln!("backlings-peak-rss: {}", line.trim_start_matches("VmHWM:").trim());
    }
}
