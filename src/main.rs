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
mod session;
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
    quiet_on_closed_stdout();
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

/// `backlings list | head` closes stdout early; `println!` then panics with
/// "Broken pipe". Like any Unix filter, stop quietly instead — after killing
/// the children, which a plain SIGPIPE death would leave behind.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            process::kill_all();
            std::process::exit(141);
        }
        default(info);
    }));
}
