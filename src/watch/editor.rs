//! `e`: open the current exercise's file (or a git exercise's sandbox) in the
//! learner's editor: `--edit-cmd`, else `$VISUAL`, else `$EDITOR`.
//!
//! A terminal editor needs the terminal (stdin, the foreground), which
//! `process::Cmd` takes away from every child by design: it is started with
//! `process::run_in_terminal`, and the watcher hands the terminal over and
//! waits for the editor to exit.

use std::path::Path;

use anyhow::{Context, Result, bail};

pub const NO_EDITOR: &str =
    "no editor set: start with `--edit-cmd code` (or any editor), or set $VISUAL or $EDITOR";

/// The editor's command words, if one is set.
pub fn command(explicit: Option<&str>) -> Option<Vec<String>> {
    let chosen = explicit
        .map(str::to_string)
        .or_else(|| std::env::var("VISUAL").ok())
        .or_else(|| std::env::var("EDITOR").ok())?;
    let words: Vec<String> = chosen.split_whitespace().map(str::to_string).collect();
    (!words.is_empty()).then_some(words)
}

/// Run the editor on `target` and wait for it (a GUI editor returns at once).
pub fn open(words: &[String], target: &Path) -> Result<()> {
    let Some((program, args)) = words.split_first() else {
        bail!("{NO_EDITOR}");
    };
    let status = crate::process::run_in_terminal(program, args, target)
        .with_context(|| format!("could not start the editor `{}`", words.join(" ")))?;
    if !status.success() {
        bail!("the editor `{}` ended with {status}", words.join(" "));
    }
    Ok(())
}

/// OSC 8 hyperlinks: only where the terminal is known to draw them (others
/// may print the escape's bytes). `BACKLINGS_HYPERLINKS=0|1` decides.
pub fn hyperlinks_supported() -> bool {
    let var = |name: &str| std::env::var(name).ok();
    if let Some(choice) = var("BACKLINGS_HYPERLINKS") {
        return choice == "1";
    }
    if var("TMUX").is_some() || var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    let program = var("TERM_PROGRAM").unwrap_or_default();
    matches!(
        program.as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper"
    ) || var("VTE_VERSION")
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|v| v >= 5000)
        || var("KITTY_WINDOW_ID").is_some()
        || var("WT_SESSION").is_some()
        || var("TERM").is_some_and(|t| t.contains("kitty") || t.contains("foot") || t.contains("alacritty"))
}

/// `text` as a link to the file at `target`.
pub fn hyperlink(text: &str, target: &Path) -> String {
    let mut url = String::from("file://");
    for byte in target.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char);
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_explicit_editor_wins_and_is_split_into_words() {
        assert_eq!(
            command(Some("code --wait")),
            Some(vec!["code".to_string(), "--wait".to_string()])
        );
        assert_eq!(command(Some("   ")), None);
    }

    #[test]
    fn a_link_escapes_its_path() {
        let link = hyperlink("a b.rs", Path::new("/p/a b.rs"));
        assert_eq!(link, "\x1b]8;;file:///p/a%20b.rs\x1b\\a b.rs\x1b]8;;\x1b\\");
    }

    #[test]
    fn a_failing_editor_is_reported() {
        let err = open(&["false".to_string()], Path::new("/nonexistent")).unwrap_err();
        assert!(err.to_string().contains("ended with"), "{err}");
        let err = open(&["no-such-editor-here".to_string()], Path::new("/x")).unwrap_err();
        assert!(err.to_string().contains("could not start the editor"), "{err}");
    }
}
