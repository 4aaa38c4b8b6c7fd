//! Whose move an error was, and the exit status it gives (docs/json.md, "Exit
//! statuses"): 0 all passed, 1 something failed, 2 bad input, 3 the runner
//! itself could not do its work (a disk write, a tool that would not start).
//!
//! Errors are `anyhow` all the way up, with context; the few that are the
//! caller's to fix are marked [`BadInput`] where they are raised, and `main`
//! reads the mark. Anything unmarked is the runner's failure, never blamed on
//! the learner's input.

/// Something failed: a check did not pass, a pack is not sound.
pub const EXIT_FAILED: u8 = 1;
/// The input is wrong: the pack, the arguments, an exercise name.
pub const EXIT_BAD_INPUT: u8 = 2;
/// The runner could not do its own work: I/O, a missing tool, a bug.
pub const EXIT_INTERNAL: u8 = 3;

/// An error the caller can fix: a bad pack, a wrong argument, an unknown name.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// `bad_input!("no exercise named `{name}`")`: an `anyhow::Error` marked as bad input.
macro_rules! bad_input {
    ($($arg:tt)*) => {
        anyhow::Error::new($crate::error::BadInput(format!($($arg)*)))
    };
}
pub(crate) use bad_input;

/// The exit status an error gives.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    // A pack's problems reach here marked too: the session wraps them in
    // `bad_input!` where the pack is loaded, so this module knows no pack.
    if err.chain().any(<dyn std::error::Error>::is::<BadInput>) {
        EXIT_BAD_INPUT
    } else {
        EXIT_INTERNAL
    }
}

/// What kind of failure a status is, for the JSON error document.
pub fn status_name(code: u8) -> &'static str {
    match code {
        EXIT_BAD_INPUT => "bad_input",
        _ => "internal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn marked_errors_are_bad_input_even_with_context() {
        let err = Err::<(), _>(bad_input!("no exercise named `x`"))
            .context("running x")
            .unwrap_err();
        assert_eq!(exit_status(&err), EXIT_BAD_INPUT);
    }

    #[test]
    fn anything_else_is_the_runner_s_own_failure() {
        let io = std::io::Error::other("disk full");
        let err = anyhow::Error::new(io).context("writing progress");
        assert_eq!(exit_status(&err), EXIT_INTERNAL);
    }
}
