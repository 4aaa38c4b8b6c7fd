//! `backlings dev init DIR`: start a pack of one's own — info.toml with one
//! stage, the exercise package, a .gitignore, and a sample exercise of each
//! kind (the same templates as `dev new`, with their solutions written, so
//! the new pack passes `dev check` as it is).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use console::style;

use super::new;
use super::templates::Solution;
use crate::fsutil::write_atomic;
use crate::pack::{INFO_FILE, Kind};

const STAGE: &str = "basics";

const INFO: &str = r#"# A backlings pack: stages in learning order, then the exercises.
# `backlings dev new NAME --kind rust|sql|git|http --stage STAGE` adds one;
# `backlings dev check` proves the pack sound (every starter fails, every
# solution passes). AUTHORING.md in the backlings repository lists every key.
format_version = 1
welcome = """
Welcome! Edit the file shown below: every save is checked. Press h for a hint."""

[[stages]]
id = "basics"
title = "Basics"
summary = "TODO(author): what this stage covers, in one line."
"#;

const MANIFEST: &str = r#"# The exercise package: every rust and http exercise is a bin target here, and
# its reference solution a bin named `<exercise>_sol`. One package, one target
# dir (exercises/target): one cargo call builds them all. `backlings dev new`
# adds the [[bin]] targets at the end of this file. `test = false` marks the
# bins a learner's `backlings check` builds no test harness for (solutions,
# exercises of mode "run").

[package]
name = "exercises"
version = "0.0.0"
edition = "2024"
publish = false

# Its own workspace, so no workspace above the pack claims it.
[workspace]

[dependencies]
# Crates the exercises may use, e.g. serde = { version = "1", features = ["derive"] }

[profile.dev]
# Line tables only: a much smaller target dir, and faster builds.
debug = "line-tables-only"

# Dependencies optimised: hashing and parsing crates run fast in tests.
[profile.dev.package."*"]
opt-level = 3
"#;

const GITIGNORE: &str = "# The learner's progress and the runner's copies.\n/.backlings\n# cargo's build folder of the exercise package.\n/exercises/target\n";

pub fn run(dir: &Path, kinds: &[Kind]) -> Result<ExitCode> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if entries.next().is_some() {
            return Err(crate::error::bad_input!(
                "{} is not empty\n  help: `dev init` starts a pack in a new or empty folder; give it another path",
                dir.display()
            ));
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_atomic(&dir.join(INFO_FILE), INFO.as_bytes())?;
    write_atomic(&crate::exercise_package::manifest_path(dir), MANIFEST.as_bytes())?;
    write_atomic(&dir.join(".gitignore"), GITIGNORE.as_bytes())?;
    std::fs::create_dir_all(dir.join("solutions").join(STAGE))?;

    let kinds = if kinds.is_empty() {
        crate::check::KINDS.iter().map(|&k| Kind::of(k)).collect()
    } else {
        kinds.to_vec()
    };
    let mut samples = Vec::new();
    for kind in kinds {
        let name = format!("sample_{}", kind.as_str());
        if samples.contains(&name) {
            continue;
        }
        new::add(dir, &name, kind, STAGE, Solution::Written)?;
        samples.push(name);
    }

    println!(
        "{} a pack in {}, with stage `{STAGE}` and the samples {}.",
        style("Started").green().bold(),
        dir.display(),
        samples.join(", ")
    );
    println!("\nNext:");
    println!("  backlings --pack {} dev check", dir.display());
    println!(
        "  backlings --pack {} dev new NAME --kind rust --stage {STAGE}",
        dir.display()
    );
    println!(
        "  backlings --pack {}        (try it as a learner)",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
