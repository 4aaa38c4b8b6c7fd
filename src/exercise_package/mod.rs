//! The exercise package: the one cargo package under `exercises/` whose bins
//! are the pack's rust and http exercises (`<name>`) and their reference
//! solutions (`<name>_sol`). This module alone knows its manifest, its target
//! dir, the naming of its targets, how a `[[bin]]` is declared, and every
//! cargo command line run on it: the checks' builds, clippy, the batch builds
//! and the watcher's warm-up. The kinds, `dev` and `watch` ask it.
//!
//! Each target is built in the one form its check needs: the test harness
//! (`Form::Harness`) or the program (`Form::Program`). A batch build must go
//! on past a target that does not compile (`--keep-going`), which cargo
//! offers for `cargo build --tests` (every bin whose `test` is not false) and
//! `cargo build --bin …`, but not for `cargo test --no-run`. So the manifest
//! marks with `test = false` the bins whose harness a learner never needs
//! (reference solutions, run-mode exercises): `cargo build --tests` then
//! builds exactly the learners' test harnesses. A harness the manifest marks
//! `test = false` (a solution in `dev check`) is built by name with
//! `cargo test --no-run`, again for those a failure left unbuilt.

mod build;
mod lint;
mod paths;

pub use build::BuildReport;
pub use lint::LintReport;
pub use paths::Relocate;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::process::Cmd;

/// The package's folder, relative to the pack root.
pub const DIR: &str = "exercises";
/// Its manifest, relative to the pack root.
pub const MANIFEST: &str = "exercises/Cargo.toml";
/// Its build folder, relative to the pack root.
pub const TARGET_DIR: &str = "exercises/target";
const SOLUTION_SUFFIX: &str = "_sol";
/// The package's own files (its manifest, lock, formatting and lint
/// settings) and cargo's build folder, relative to the pack root: no
/// exercise lists them, and none is stray.
pub const OWN_FILES: [&str; 6] = [
    MANIFEST,
    "exercises/Cargo.lock",
    TARGET_DIR,
    "exercises/rustfmt.toml",
    "exercises/.rustfmt.toml",
    "exercises/clippy.toml",
];

/// A cold build of the exercise package's dependencies can take minutes on a
/// small machine; this only stops a cargo that hangs.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// Cargo's JSON messages of a batch build of a hundred targets are a few
/// megabytes; a cap far above that still bounds a runaway.
const BUILD_OUTPUT_CAP: usize = 64 * 1024 * 1024;

/// `cargo test --no-run --bin …` stops at the first target that does not
/// compile; each round builds what the failures left. Solutions compile, so
/// one round is the rule; the bound stops a cargo that makes no progress.
const MAX_HARNESS_ROUNDS: usize = 8;

/// The manifest of the pack at `root`.
pub fn manifest_path(root: &Path) -> PathBuf {
    root.join(MANIFEST)
}

/// The cargo target of an exercise's reference solution.
pub fn solution_target(exercise: &str) -> String {
    format!("{exercise}{SOLUTION_SUFFIX}")
}

/// Whether `name` is the form of a solution's target (exercise names may not be).
pub fn is_solution_target(name: &str) -> bool {
    name.ends_with(SOLUTION_SUFFIX)
}

/// The exercise a target belongs to.
pub fn exercise_of(target: &str) -> &str {
    target.strip_suffix(SOLUTION_SUFFIX).unwrap_or(target)
}

/// `path = "…"` for a `[[bin]]` building `file` (relative to the pack root).
pub fn bin_path(file: &Path) -> String {
    match file.strip_prefix(DIR) {
        Ok(inside) => inside.display().to_string(),
        Err(_) => Path::new("..").join(file).display().to_string(),
    }
}

/// The `[[bin]]` entries of one exercise and its solution. `harness`: the
/// learner's check runs the exercise's tests; without it (a run-mode
/// exercise) no harness is built for it. A solution's harness is built by
/// `dev check` alone, by name.
pub fn bin_entries(name: &str, file: &Path, solution: &Path, harness: bool) -> String {
    let no_harness = "test = false  # no test harness in a learner's `backlings check`\n";
    format!(
        "[[bin]]\nname = \"{name}\"\npath = \"{}\"\n{}\n[[bin]]\nname = \"{}\"\npath = \"{}\"\n{no_harness}",
        bin_path(file),
        if harness { "" } else { no_harness },
        solution_target(name),
        bin_path(solution),
    )
}

/// The form a target is built in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// The test harness (`cargo test --no-run`): runs the file's `#[test]`s.
    Harness,
    /// The program (`cargo build`): runs `main`.
    Program,
}

/// Where the package is and where it builds.
#[derive(Clone, Debug)]
pub struct ExercisePackage {
    /// The manifest cargo reads (`exercises/Cargo.toml`, or `dev check`'s
    /// stand-in for a package cargo would refuse).
    pub manifest: PathBuf,
    /// `exercises/`: the programs' working dir, and where cargo's paths start.
    pub dir: PathBuf,
    /// Always the pack's own, whatever `CARGO_TARGET_DIR` the learner's shell
    /// sets, so two packs (or a pack and a test's fixture) never share
    /// executables of one name.
    pub target_dir: PathBuf,
}

impl ExercisePackage {
    /// The package of the pack at `root`.
    pub fn in_pack(root: &Path) -> Self {
        ExercisePackage {
            manifest: manifest_path(root),
            dir: root.join(DIR),
            target_dir: root.join(TARGET_DIR),
        }
    }

    /// The same package read from another manifest, built into the same dir
    /// (so the dependencies are not built twice).
    pub fn with_manifest(&self, manifest: PathBuf) -> Self {
        ExercisePackage {
            manifest,
            ..self.clone()
        }
    }

    /// Whether anything was ever built (the watcher warms a cold package up).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the watcher's warm-up moves onto this module next")
    )]
    pub fn has_been_built(&self) -> bool {
        self.target_dir.join("debug").exists()
    }

    /// Cargo's paths (relative to `exercises/`) rewritten for the learner.
    pub fn relocate(&self) -> Relocate {
        Relocate::for_package(&self.dir)
    }

    /// `cargo SUBCOMMAND` on this package: its manifest, its target dir,
    /// rendered diagnostics inside JSON messages.
    fn cargo(&self, subcommand: &str) -> Cmd {
        Cmd::new("cargo")
            .arg(subcommand)
            .arg("--manifest-path")
            .arg(&self.manifest)
            .args(["--message-format=json-diagnostic-rendered-ansi", "--quiet"])
            .env("CARGO_TERM_COLOR", "always")
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .timeout(BUILD_TIMEOUT)
            .output_cap(BUILD_OUTPUT_CAP)
    }

    /// The command that builds one target in one form (a check of one exercise).
    pub fn build_one_command(&self, name: &str, form: Form) -> Cmd {
        match form {
            Form::Harness => self.cargo("test").args(["--no-run", "--bin", name]),
            Form::Program => self.cargo("build").args(["--bin", name]),
        }
    }

    /// Build one target in one form.
    pub fn build_one(&self, name: &str, form: Form) -> Result<BuildReport> {
        let done = self.build_one_command(name, form).run()?;
        Ok(BuildReport::parse(&done, form, &self.relocate()))
    }

    /// Build `names` in `form`, going on past the ones that do not compile.
    pub fn build_many(&self, names: &BTreeSet<String>, form: Form) -> Result<BuildReport> {
        match form {
            Form::Program => {
                let mut cmd = self.cargo("build").arg("--keep-going");
                for name in names {
                    cmd = cmd.arg("--bin").arg(name);
                }
                Ok(BuildReport::parse(&cmd.run()?, form, &self.relocate()))
            }
            Form::Harness => self.build_harnesses(names),
        }
    }

    /// The harnesses of `names`: `cargo build --tests --keep-going` for the
    /// bins the manifest lets it build, then the others by name.
    fn build_harnesses(&self, names: &BTreeSet<String>) -> Result<BuildReport> {
        let relocate = self.relocate();
        let with_harness = self.bins_with_harness();
        let mut report = BuildReport::default();
        if with_harness.as_ref().is_none_or(|bins| !bins.is_disjoint(names)) {
            let done = self.cargo("build").args(["--tests", "--keep-going"]).run()?;
            report = BuildReport::parse(&done, Form::Harness, &relocate);
        }
        for _ in 0..MAX_HARNESS_ROUNDS {
            let left: Vec<&String> = names.iter().filter(|n| !report.settled(n)).collect();
            if left.is_empty() || report.timed_out {
                break;
            }
            let mut cmd = self.cargo("test").arg("--no-run");
            for name in &left {
                cmd = cmd.arg("--bin").arg(name);
            }
            let round = BuildReport::parse(&cmd.run()?, Form::Harness, &relocate);
            let progressed = left.iter().any(|n| round.settled(n));
            report.absorb(round);
            if !progressed {
                break;
            }
        }
        Ok(report)
    }

    /// The bins `cargo build --tests` builds (their `test` is not false);
    /// `None` when the manifest cannot be read (cargo will say why).
    fn bins_with_harness(&self) -> Option<BTreeSet<String>> {
        #[derive(serde::Deserialize)]
        struct Manifest {
            #[serde(default)]
            bin: Vec<Bin>,
        }
        #[derive(serde::Deserialize)]
        struct Bin {
            name: String,
            test: Option<bool>,
        }
        let source = std::fs::read_to_string(&self.manifest).ok()?;
        let manifest: Manifest = toml::from_str(&source).ok()?;
        Some(
            manifest
                .bin
                .into_iter()
                .filter(|b| b.test != Some(false))
                .map(|b| b.name)
                .collect(),
        )
    }

    /// `cargo clippy` over `names`, at its default (warning) levels: one
    /// command line for every use, so its results stay cached between a
    /// strict exercise's check (where any warning fails) and a hint on a
    /// failing one (where they are shown).
    pub fn clippy_command<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Cmd {
        let mut cmd = self.cargo("clippy").arg("--keep-going");
        for name in names {
            cmd = cmd.arg("--bin").arg(name);
        }
        cmd
    }

    /// Lint `names` with clippy.
    pub fn clippy<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Result<LintReport> {
        let done = self.clippy_command(names).run()?;
        Ok(LintReport::parse(&done, &self.relocate()))
    }

    /// cargo's arguments for the watcher's first-start build, in the
    /// background: every learner target's test harness (what most checks
    /// need), which builds every dependency on the way. Starters that do not
    /// compile yet are expected. JSON messages (`compiler-artifact` per
    /// finished unit) let the watcher show cargo's progress; `--quiet` keeps
    /// cargo's own lines off stderr. The watcher runs them with stdout in a
    /// file it reads as cargo goes (`watch::warmup`), in [`Self::target_dir`].
    pub fn warm_up_args(&self) -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = [
            "build",
            "--tests",
            "--keep-going",
            "--message-format=json",
            "--quiet",
            "--manifest-path",
        ]
        .into_iter()
        .map(Into::into)
        .collect();
        args.push(self.manifest.clone().into_os_string());
        args
    }

    /// The warm-up: `sh -c 'exec "$@" >"$0"' LOG cargo ARGS…`, cargo with its
    /// stdout in a file the watcher reads while it runs (`exec`: still one
    /// process), in this package's target dir whatever the learner's shell
    /// exports.
    pub fn warm_up_command(&self, log: &Path) -> Cmd {
        Cmd::new("sh")
            .args(["-c", "exec \"$@\" > \"$0\""])
            .arg(log)
            .arg("cargo")
            .args(self.warm_up_args())
            .env("CARGO_TERM_COLOR", "always")
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .timeout(BUILD_TIMEOUT)
            .output_cap(64 * 1024)
    }

    /// `cargo metadata` of this package for one platform: the dependency graph
    /// the warm-up's unit estimate is counted from.
    pub fn metadata_command(&self, host: &str) -> Cmd {
        Cmd::new("cargo")
            .args(["metadata", "--format-version", "1", "--filter-platform", host])
            .arg("--manifest-path")
            .arg(&self.manifest)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .timeout(Duration::from_secs(120))
            .output_cap(64 * 1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_paths_are_relative_to_the_package() {
        assert_eq!(bin_path(Path::new("exercises/basics/a.rs")), "basics/a.rs");
        assert_eq!(
            bin_path(Path::new("solutions/basics/a.rs")),
            "../solutions/basics/a.rs"
        );
    }

    #[test]
    fn solution_targets_round_trip() {
        assert_eq!(solution_target("add"), "add_sol");
        assert!(is_solution_target("add_sol"));
        assert_eq!(exercise_of("add_sol"), "add");
        assert_eq!(exercise_of("add"), "add");
    }

    #[test]
    fn only_test_mode_exercises_get_a_harness_in_a_learners_check() {
        let test_mode = bin_entries(
            "a",
            Path::new("exercises/s/a.rs"),
            Path::new("solutions/s/a.rs"),
            true,
        );
        let manifest: toml::Table = toml::from_str(&test_mode).unwrap();
        let bins = manifest["bin"].as_array().unwrap();
        assert_eq!(bins[0].get("test"), None);
        assert_eq!(bins[1]["name"].as_str(), Some("a_sol"));
        assert_eq!(bins[1]["test"].as_bool(), Some(false));
        let run_mode = bin_entries(
            "a",
            Path::new("exercises/s/a.rs"),
            Path::new("solutions/s/a.rs"),
            false,
        );
        let manifest: toml::Table = toml::from_str(&run_mode).unwrap();
        assert_eq!(manifest["bin"][0]["test"].as_bool(), Some(false));
    }

    #[test]
    fn every_command_names_the_packs_manifest() {
        let package = ExercisePackage::in_pack(Path::new("/p"));
        let names = ["a"];
        for cmd in [
            package.build_one_command("a", Form::Harness),
            package.build_one_command("a", Form::Program),
            package.clippy_command(names),
            Cmd::new("cargo").args(package.warm_up_args()),
        ] {
            let shown = cmd.display();
            assert!(
                shown.contains("--manifest-path /p/exercises/Cargo.toml"),
                "{shown}"
            );
        }
        assert!(
            Cmd::new("cargo")
                .args(package.warm_up_args())
                .display()
                .contains("--message-format=json")
        );
    }

    #[test]
    fn a_package_never_built_is_cold() {
        let pack = tempfile::tempdir().unwrap();
        let package = ExercisePackage::in_pack(pack.path());
        assert!(!package.has_been_built());
        std::fs::create_dir_all(pack.path().join("exercises/target/debug")).unwrap();
        assert!(package.has_been_built());
    }
}
