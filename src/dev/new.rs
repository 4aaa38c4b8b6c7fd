//! `backlings dev new NAME --kind K --stage S`: write the starter, the
//! solution (and the kind's fixture), the info.toml entry and, for rust and
//! http, the exercise package's `[[bin]]`s; then say what is left to write.
//!
//! Everything is prepared in memory and checked before the first write, so a
//! refused name or stage leaves the pack untouched.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use console::style;

use super::edit;
use super::templates::{Solution, Template, template};
use crate::exercise_package::{self, MANIFEST};
use crate::fsutil::write_atomic;
use crate::pack::{INFO_FILE, Kind, Pack, is_identifier, reserved_name};

pub fn run(pack_dir: Option<&Path>, name: &str, kind: Kind, stage: &str) -> Result<ExitCode> {
    let root = Pack::locate(pack_dir)?;
    let created = add(&root, name, kind, stage, Solution::LeftToAuthor)?;
    print!("{}", created.describe(name, kind, stage));
    Ok(ExitCode::SUCCESS)
}

/// What [`add`] wrote, relative to the pack root.
pub struct Created {
    pub files: Vec<PathBuf>,
    pub entry_line: usize,
    pub bins: bool,
    pub left_to_fill: Vec<String>,
}

impl Created {
    fn describe(&self, name: &str, kind: Kind, stage: &str) -> String {
        let mut out = format!(
            "{} exercise `{name}` ({}, stage {stage}):\n",
            style("Added").green().bold(),
            kind.as_str()
        );
        for file in &self.files {
            out.push_str(&format!("  {}\n", file.display()));
        }
        out.push_str(&format!(
            "  {INFO_FILE}:{}  the [[exercises]] entry\n",
            self.entry_line
        ));
        if self.bins {
            out.push_str(&format!(
                "  {MANIFEST}  [[bin]] `{name}` and `{}`\n",
                exercise_package::solution_target(name)
            ));
        }
        out.push_str(&format!("\n{}\n", style("Left to write:").bold()));
        for item in &self.left_to_fill {
            out.push_str(&format!("  - {item}\n"));
        }
        out.push_str(&format!(
            "  - {INFO_FILE}:{}: the hints (1 to 3: a nudge, a pointer, nearly the answer)\n",
            self.entry_line
        ));
        out.push_str(&format!(
            "\nThe spots are marked `{}`. Then `backlings dev check` proves the starter fails and the solution passes.\n",
            super::templates::TODO
        ));
        out
    }
}

/// Add exercise `name` to the pack at `root`. Refuses (writing nothing) a
/// name that is not a snake_case identifier or is taken, a stage that is not
/// declared, and any file that exists already.
pub fn add(root: &Path, name: &str, kind: Kind, stage: &str, solution: Solution) -> Result<Created> {
    let info_path = root.join(INFO_FILE);
    let info =
        std::fs::read_to_string(&info_path).with_context(|| format!("reading {}", info_path.display()))?;
    let doc: toml::Table = toml::from_str(&info).map_err(|e| {
        crate::error::bad_input!(
            "{INFO_FILE} is not valid TOML: {}\n  help: `backlings dev check` shows where",
            e.message().trim()
        )
    })?;
    let stages = ids(&doc, "stages", "id");
    let names = ids(&doc, "exercises", "name");
    check_name(name, &names)?;
    if !stages.iter().any(|s| s == stage) {
        let known = if stages.is_empty() {
            "none yet".to_string()
        } else {
            stages.join(", ")
        };
        return Err(crate::error::bad_input!(
            "no stage `{stage}` in {INFO_FILE} (its stages: {known})\n  help: pick one of them, or declare it first:\n\n[[stages]]\nid = \"{stage}\"\ntitle = \"…\"\nsummary = \"…\""
        ));
    }

    let Some(t) = template(kind.as_str(), name, stage, solution) else {
        bail!(
            "`dev new` has no template for the kind `{}`\n  help: write the exercise's files and its info.toml entry by hand (AUTHORING.md)",
            kind.as_str()
        );
    };
    let mut writes: Vec<(PathBuf, String)> = t
        .starters
        .iter()
        .chain(std::iter::once(&t.solution))
        .chain(&t.extras)
        .cloned()
        .collect();
    for (file, _) in &writes {
        if root.join(file).exists() {
            return Err(crate::error::bad_input!(
                "{} exists already\n  help: pick another name, or move the file away if it is a leftover",
                file.display()
            ));
        }
    }
    let new_info = edit::add_exercise(&info, &t.entry, stage, &stages)?;
    // The result must still be a pack the loader can read.
    toml::from_str::<toml::Table>(&new_info).context("the edited info.toml would not parse")?;
    let entry_line = edit::line_of(&new_info, &format!("name = \"{name}\"")).unwrap_or(0);
    let bins = kind.is_cargo_target();
    let files: Vec<PathBuf> = writes.iter().map(|(f, _)| f.clone()).collect();
    if bins {
        let manifest_path = exercise_package::manifest_path(root);
        let manifest = std::fs::read_to_string(&manifest_path).with_context(|| {
            format!(
                "reading {} (rust and http exercises are its bins; `backlings dev init` writes one)",
                manifest_path.display()
            )
        })?;
        writes.push((
            PathBuf::from(MANIFEST),
            edit::add_bins(&manifest, &bin_entries(name, &t), stage)?,
        ));
    }
    writes.push((PathBuf::from(INFO_FILE), new_info));

    for (file, text) in &writes {
        write_atomic(&root.join(file), text.as_bytes())?;
    }
    Ok(Created {
        files,
        entry_line,
        bins,
        left_to_fill: t.left_to_fill,
    })
}

/// `[[bin]]` tables for an exercise and its solution. Both templates' checks
/// run tests (a rust exercise in test mode, an http server's unit tests).
fn bin_entries(name: &str, t: &Template) -> String {
    let main = t.starters.first().map(|(f, _)| f.clone()).unwrap_or_default();
    exercise_package::bin_entries(name, &main, &t.solution.0, true)
}

/// The string values of `key` in each table of the array `array`.
fn ids(doc: &toml::Table, array: &str, key: &str) -> Vec<String> {
    doc.get(array)
        .and_then(|a| a.as_array())
        .map(|tables| {
            tables
                .iter()
                .filter_map(|t| t.get(key).and_then(|v| v.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn check_name(name: &str, taken: &[String]) -> Result<()> {
    if !is_identifier(name) {
        return Err(crate::error::bad_input!(
            "`{name}` is not a valid exercise name\n  help: use snake_case: lowercase letters, digits and `_`, starting with a letter (it is also a cargo target name), e.g. `select_where`"
        ));
    }
    if let Some(why) = reserved_name(name) {
        return Err(crate::error::bad_input!(
            "`{name}` is reserved: {why}\n  help: pick another name, e.g. `{name}_step`"
        ));
    }
    if taken.iter().any(|t| t == name) {
        return Err(crate::error::bad_input!(
            "an exercise named `{name}` exists already\n  help: exercise names are unique: pick another"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_fresh_snake_case() {
        let taken = vec!["select_where".to_string()];
        assert!(check_name("join_tables", &taken).is_ok());
        for bad in [
            "JoinTables",
            "join-tables",
            "2join",
            "",
            "select_where",
            "join_sol",
            "deps",
        ] {
            assert!(check_name(bad, &taken).is_err(), "{bad}");
        }
    }
}
