//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::pack::Kind;

#[derive(Parser, Debug)]
#[command(
    name = "backlings",
    version,
    about = "Backend engineering exercises, checked for real: SQL, HTTP, auth, Git.",
    long_about = "Backend engineering exercises, checked for real: SQL on an embedded SQLite, \
                  HTTP servers over real sockets, hashing and auth in Rust, Git in a sandbox.\n\n\
                  Without a subcommand: watch mode. It resumes at the exercise you were on; \
                  if that one is done, at the next unfinished one; with everything done, \
                  on the end screen."
)]
pub struct Args {
    /// The pack to use: the folder holding its info.toml (default: this folder or a parent).
    #[arg(long, global = true, value_name = "DIR")]
    pub pack: Option<PathBuf>,

    /// The database for SQL exercises that run on both engines: `sqlite`
    /// (embedded, the default) or `postgres` (a PostgreSQL server the runner
    /// starts; see also `.backlings/sql-engine`).
    #[arg(long, global = true, value_name = "ENGINE", value_parser = ["sqlite", "postgres"])]
    pub sql_engine: Option<String>,

    /// Watch files by polling instead of inotify (WSL on /mnt, network drives).
    #[arg(long)]
    pub poll: bool,

    /// The editor that `e` opens in watch mode (default: $VISUAL, then $EDITOR), e.g. `code`.
    #[arg(long, value_name = "CMD")]
    pub edit_cmd: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Stages with their progress, and every exercise's status.
    List,
    /// Check one exercise (default: the current one) and print the verdict.
    Run {
        name: Option<String>,
        /// One JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Show the next hint of an exercise (default: the current one).
    Hint { name: Option<String> },
    /// Restore an exercise's starter (a git exercise: rebuild its sandbox).
    Reset { name: String },
    /// Check every exercise and update the progress.
    Check {
        /// One JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Print the reference solution of an exercise you have passed.
    Solution { name: String },
    /// Tools for instructors who write packs.
    #[command(subcommand)]
    Dev(DevCommand),
}

#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Add an exercise: starter, solution and the info.toml entry.
    New {
        name: String,
        #[arg(long, value_parser = kind_arg)]
        kind: Kind,
        #[arg(long)]
        stage: String,
    },
    /// Prove the pack sound: every file, every starter fails, every solution passes.
    Check {
        /// One JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Start a pack of your own in DIR (new or empty): info.toml, the exercise
    /// package, a .gitignore and a sample exercise of each kind.
    Init {
        dir: PathBuf,
        /// Only samples of these kinds (repeat the flag; default: every kind).
        #[arg(long, value_parser = kind_arg)]
        kind: Vec<Kind>,
    },
}

/// `--kind NAME`: one of the registered kinds.
fn kind_arg(name: &str) -> Result<Kind, String> {
    crate::check::kind_named(name).ok_or_else(|| {
        let known: Vec<&str> = crate::check::KINDS.iter().map(|k| k.name()).collect();
        format!("no kind `{name}`; the kinds are {}", known.join(", "))
    })
}
