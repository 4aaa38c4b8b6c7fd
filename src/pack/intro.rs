//! The explanation shown above an exercise: info.toml's `intro`, or else the
//! leading comment block of the exercise's main file (`//`, `--` or `#`).

use super::{Exercise, Pack, pristine_copy_in};

impl Exercise {
    pub fn intro_text(&self, pack: &Pack) -> String {
        if let Some(intro) = &self.intro {
            return intro.trim().to_string(); // made printable by the loader
        }
        // A git exercise may have no file of its own (or only an answer
        // file): its scenario explains it.
        let main = match self.spec.explained_in(&pack.root) {
            Some(file) => file,
            None => match self.files.first() {
                Some(main) => main.clone(),
                None => return String::new(),
            },
        };
        let main = &main;
        // The pristine copy first: the learner may have edited the comment away.
        let text = std::fs::read_to_string(pristine_copy_in(&pack.root, main))
            .ok()
            .or_else(|| std::fs::read_to_string(pack.path(main)).ok())
            .unwrap_or_default();
        super::printable(&leading_comment(&text))
    }
}

/// The comment lines at the top of a file, markers removed, blank comment
/// lines kept as paragraph breaks.
pub fn leading_comment(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let body = ["//!", "///", "//", "--", "#"]
            .iter()
            .find_map(|marker| trimmed.strip_prefix(marker));
        match body {
            // `#[...]` and `#!` are Rust attributes and shebangs, not comments.
            Some(rest) if !(trimmed.starts_with("#[") || trimmed.starts_with("#!")) => {
                lines.push(rest.strip_prefix(' ').unwrap_or(rest).trim_end().to_string());
            }
            _ if trimmed.is_empty() && lines.is_empty() => continue,
            _ => break,
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_comment_style() {
        assert_eq!(leading_comment("// a\n//\n// b\nfn main() {}"), "a\n\nb");
        assert_eq!(leading_comment("-- Pick rows.\nSELECT 1;"), "Pick rows.");
        assert_eq!(leading_comment("\n# setup\n[x]\n"), "setup");
        assert_eq!(leading_comment("#![allow(x)]\n// no"), "");
        assert_eq!(leading_comment("fn main() {}"), "");
    }
}
