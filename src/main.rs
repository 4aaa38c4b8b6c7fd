//! backlings: rustlings for backend engineering.
//!
//! Data flows one way: pack → check (the kinds) → outcome → view. `session`
//! is the learner's pack and progress; `commands/` holds one file per
//! subcommand; `watch/` is the interactive mode. `main` owns the process-wide
//! policy: signals, the terminal, exit statuses.

mod check;
mod cli;
mod commands;
mod dev;
mod error;
mod exercise_package;
mod fsutil;
mod outcome;
mod pack;
mod pristine;
mod process;
mod session;
mod state;
mod terminal_guard;
#[cfg(test)]
mod test_support;
mod view;
mod watch;
mod watch_machine;

use std::process::ExitCode;

use clap::Parser;

pub use error::{EXIT_BAD_INPUT, EXIT_FAILED};

fn main() -> ExitCode {
    // `backlings __exec`: the launcher of a learner program under limits;
    // none of the runner's set-up below applies to it.
    if let Some(code) = process::run_launcher_if_asked() {
        return code;
    }
    process::become_subreaper();
    quiet_on_closed_stdout();
    view::terminal::respect_no_color();
    install_signal_handler();
    let json = std::env::args().any(|a| a == "--json");
    let args = match cli::Args::try_parse() {
        Ok(args) => args,
        // A `--json` reader gets one JSON document whatever went wrong.
        Err(err) if json && err.use_stderr() => {
            view::json::print_error(
                EXIT_BAD_INPUT,
                error::status_name(EXIT_BAD_INPUT),
                &err.to_string(),
            );
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        Err(err) => err.exit(),
    };
    let code = match commands::dispatch(args) {
        Ok(code) => code,
        Err(err) => {
            // Only the watcher changes the terminal, and only a terminal needs
            // putting back: a pipe must not receive escape codes.
            if console::Term::stdout().is_term() {
                terminal_guard::restore_terminal();
            }
            let code = error::exit_status(&err);
            if json {
                view::json::print_error(code, error::status_name(code), &format!("{err:#}"));
            } else {
                eprintln!("{} {err:#}", console::style("error:").red().bold());
            }
            ExitCode::from(code)
        }
    };
    // The PostgreSQL server a session started ends with it (a fast
    // shutdown: the next start needs no recovery).
    check::sql::postgres::stop_servers();
    report_peak_memory();
    code
}

/// On Ctrl-C or SIGTERM: kill the children (they do not get the terminal's
/// signal themselves, being in groups of their own), put the terminal back,
/// then exit.
fn install_signal_handler() {
    let _ = ctrlc::set_handler(|| {
        process::kill_all();
        if console::Term::stdout().is_term() {
            terminal_guard::restore_terminal();
        }
        std::process::exit(130);
    });
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
