//! What SQL may do inside a check: anything to the in-memory database,
//! nothing to a file. SQLite asks the authorizer about every action of a
//! statement while preparing it; a refusal fails the statement, and the
//! reason is kept so that the learner reads it instead of SQLite's bare
//! "not authorized".
//!
//! Refused: ATTACH of anything but `:memory:` (a path creates or changes a
//! file; '' and URIs do too), VACUUM INTO (SQLite runs it as an ATTACH of the
//! target file, so the same rule catches it), and the pragmas that would move
//! temporary data to disk or undo the check's own settings.

use std::sync::{Arc, Mutex};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};

/// Pragmas a checked file must not set: temporary files on disk, the memory
/// cap, and the order probe the judge runs (a file that set it back would
/// hide an incidental order).
const REFUSED_PRAGMAS: &[&str] = &[
    "temp_store",
    "temp_store_directory",
    "data_store_directory",
    "hard_heap_limit",
    "soft_heap_limit",
    "reverse_unordered_selects",
];

/// The last refusal, read when the statement's error is reported.
#[derive(Clone, Default)]
pub struct Refusals(Arc<Mutex<Option<String>>>);

impl Refusals {
    /// The reason of the latest refusal, taken (so a later, unrelated error
    /// is not blamed on it).
    pub fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut last| last.take())
    }

    fn record(&self, reason: String) {
        if let Ok(mut last) = self.0.lock() {
            *last = Some(reason);
        }
    }
}

/// The authorizer callback; refusals are written to `refusals`.
pub fn authorizer(
    refusals: Refusals,
) -> impl for<'r> FnMut(AuthContext<'r>) -> Authorization + Send + 'static {
    move |ctx: AuthContext<'_>| match refusal(&ctx.action) {
        Some(reason) => {
            refusals.record(reason);
            Authorization::Deny
        }
        None => Authorization::Allow,
    }
}

/// Why `action` is refused, or None when it is allowed.
fn refusal(action: &AuthAction<'_>) -> Option<String> {
    match action {
        AuthAction::Attach { filename } if *filename == ":memory:" => None,
        AuthAction::Attach { filename } => Some(format!(
            "ATTACH of '{filename}' is refused: a check never writes a file. `ATTACH ':memory:' AS name` \
             adds an in-memory schema (and VACUUM INTO, which writes a copy to a file, is refused too)"
        )),
        // An ATTACH whose file name is an expression, not a literal: SQLite
        // does not say which file, so it cannot be `:memory:` for sure.
        AuthAction::Unknown {
            code: rusqlite::ffi::SQLITE_ATTACH,
            ..
        } => Some(
            "ATTACH with a computed file name is refused: a check never writes a file; \
             write `ATTACH ':memory:' AS name`"
                .to_string(),
        ),
        AuthAction::Pragma {
            pragma_name,
            pragma_value: Some(_),
        } if REFUSED_PRAGMAS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(pragma_name)) =>
        {
            Some(format!(
                "PRAGMA {pragma_name} cannot be set here: the check keeps everything in memory and fixes \
             this setting itself"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_in_memory_attachments_are_allowed() {
        assert_eq!(refusal(&AuthAction::Attach { filename: ":memory:" }), None);
        for file in ["/tmp/x.db", "", "file:x.db?mode=rwc", "file::memory:"] {
            let reason = refusal(&AuthAction::Attach { filename: file }).unwrap();
            assert!(reason.contains("never writes a file"), "{reason}");
        }
    }

    #[test]
    fn file_pragmas_are_refused_and_reading_them_is_not() {
        let set = |name| AuthAction::Pragma {
            pragma_name: name,
            pragma_value: Some("1"),
        };
        assert!(refusal(&set("temp_store")).is_some());
        assert!(refusal(&set("REVERSE_UNORDERED_SELECTS")).is_some());
        assert_eq!(refusal(&set("foreign_keys")), None);
        let read = AuthAction::Pragma {
            pragma_name: "temp_store",
            pragma_value: None,
        };
        assert_eq!(refusal(&read), None);
    }
}
