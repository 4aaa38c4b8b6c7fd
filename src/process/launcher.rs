//! `backlings __exec --mem BYTES -- PROGRAM ARGS…`: the runner's own binary
//! as a tiny launcher that sets a learner program's limits and then becomes
//! that program (exec: same pid, group, pipes and environment).
//!
//! Why a launcher: a limit must be set in the child between fork and exec, and
//! std offers that only through `pre_exec`, which is `unsafe`. Setting it in a
//! process of our own and exec'ing is safe code throughout.
//!
//! The limit is RLIMIT_DATA (private writable memory: heap, `mmap`ed buffers,
//! thread stacks), not RLIMIT_AS: glibc reserves 64 MiB of address space per
//! malloc arena, so a program with a dozen threads reaches 1 GiB of address
//! space while using a few megabytes, and would be refused for nothing.

use std::ffi::{OsStr, OsString};
use std::os::unix::process::CommandExt;
use std::process::ExitCode;

/// The hidden subcommand. Dispatched by `main` before anything else runs.
pub const SUBCOMMAND: &str = "__exec";

/// The launcher's command line for `program args` under `memory` bytes.
pub fn wrap(program: &OsStr, args: &[OsString], memory: u64) -> (OsString, Vec<OsString>) {
    let mut wrapped: Vec<OsString> = vec![
        SUBCOMMAND.into(),
        "--mem".into(),
        memory.to_string().into(),
        "--".into(),
        program.to_owned(),
    ];
    wrapped.extend(args.iter().cloned());
    (own_binary(), wrapped)
}

/// The runner's binary. `/proc/self/exe` (read in the child, where it still
/// names the runner's image) keeps working after a rebuild replaced the file
/// on disk, as `cargo build` does while a watcher runs.
fn own_binary() -> OsString {
    if cfg!(target_os = "linux") {
        return "/proc/self/exe".into();
    }
    std::env::current_exe().map_or_else(|_| "backlings".into(), Into::into)
}

/// Run the launcher when the command line asks for it; `None` otherwise.
pub fn run_if_asked() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() != Some(OsStr::new(SUBCOMMAND)) {
        return None;
    }
    let args: Vec<OsString> = args.collect();
    Some(match launch(&args) {
        Ok(never) => match never {},
        Err(message) => {
            eprintln!("backlings {SUBCOMMAND}: {message}");
            // 127: what a shell answers for a program it cannot start.
            ExitCode::from(127)
        }
    })
}

enum Never {}

fn launch(args: &[OsString]) -> Result<Never, String> {
    let usage = || format!("usage: backlings {SUBCOMMAND} --mem BYTES -- PROGRAM [ARGS…]");
    let [flag, bytes, dashes, program, rest @ ..] = args else {
        return Err(usage());
    };
    if flag != "--mem" || dashes != "--" {
        return Err(usage());
    }
    let bytes: u64 = bytes
        .to_str()
        .and_then(|b| b.parse().ok())
        .ok_or_else(|| format!("--mem wants a number of bytes, not {}", bytes.to_string_lossy()))?;
    limit_memory(bytes).map_err(|e| format!("could not set the memory limit: {e}"))?;
    let err = std::process::Command::new(program).args(rest).exec();
    Err(format!("could not start `{}`: {err}", program.to_string_lossy()))
}

fn limit_memory(bytes: u64) -> std::io::Result<()> {
    let limit = rustix::process::Rlimit {
        current: Some(bytes),
        maximum: Some(bytes),
    };
    rustix::process::setrlimit(rustix::process::Resource::Data, limit).map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_the_program_and_its_arguments() {
        let (program, args) = wrap(OsStr::new("prog"), &["-x".into(), "y z".into()], 1024);
        assert!(!program.is_empty());
        let args: Vec<&str> = args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(args, ["__exec", "--mem", "1024", "--", "prog", "-x", "y z"]);
    }

    #[test]
    fn refuses_a_malformed_command_line() {
        assert!(launch(&["--mem".into(), "lots".into(), "--".into(), "x".into()]).is_err());
        assert!(launch(&["prog".into()]).is_err());
    }
}
