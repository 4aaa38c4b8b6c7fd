//! The exercise package (exercises/Cargo.toml) against info.toml: every rust
//! and http exercise is a `[[bin]]` named after it, its solution a bin named
//! `<name>_sol`, each at the right path, and nothing else.
//!
//! A `[[bin]]` whose file is missing makes cargo refuse the whole package, which
//! would hide every other target's verdict. Then `dev check` builds a stand-in
//! manifest (the same package without those bins) into the same target dir.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use toml::Spanned;

use crate::check::batch::Manifest;
use crate::exercise_package::{self, DIR, ExercisePackage, MANIFEST, bin_path};
use crate::pack::{Exercise, Pack, Problem, resolve_inside};
use crate::view::dev_report::{Category, Finding};

/// What the exercise package offers to `dev check`.
#[derive(Debug, Default)]
pub struct PackageReport {
    pub findings: Vec<Finding>,
    /// Cargo target names that exist and point at the file info.toml expects.
    pub sound_targets: HashSet<String>,
    /// Some `[[bin]]` cargo would refuse (a missing file, a name used twice):
    /// build from a stand-in manifest without them.
    pub needs_stand_in: bool,
    /// The manifest could not be read at all: no cargo build is possible.
    pub unusable: bool,
}

#[derive(Deserialize)]
struct RawManifest {
    #[serde(default)]
    bin: Vec<Spanned<RawBin>>,
}

#[derive(Deserialize)]
struct RawBin {
    name: Spanned<String>,
    path: Option<Spanned<String>>,
}

/// The bins a pack's exercises need: target name → (exercise, file it builds).
fn expected_bins<'p>(exercises: &[&'p Exercise]) -> BTreeMap<String, (&'p Exercise, PathBuf)> {
    let mut expected = BTreeMap::new();
    for exercise in exercises.iter().filter(|e| e.kind.is_cargo_target()) {
        if let Some(main) = exercise.files.first() {
            expected.insert(exercise.name.clone(), (*exercise, main.clone()));
        }
        if !exercise.solution.as_os_str().is_empty() {
            expected.insert(
                exercise_package::solution_target(&exercise.name),
                (*exercise, exercise.solution.clone()),
            );
        }
    }
    expected
}

/// Compare the package's bins with the exercises (the first of each name).
pub fn inspect(pack: &Pack, exercises: &[&Exercise]) -> PackageReport {
    let mut report = PackageReport::default();
    let expected = expected_bins(exercises);
    let manifest_path = pack.exercise_manifest();
    let display = Path::new(MANIFEST);
    let source = match std::fs::read_to_string(&manifest_path) {
        Ok(source) => source,
        Err(_) if expected.is_empty() => return report,
        Err(e) => {
            report.unusable = true;
            report.findings.push(Finding::new(
                Category::Package,
                None,
                Problem::in_file(display, format!("cannot read the exercise package's manifest: {e}"))
                    .help("rust and http exercises are bins of exercises/Cargo.toml; `backlings dev init` shows one"),
            ));
            return report;
        }
    };
    let raw: RawManifest = match toml::from_str(&source) {
        Ok(raw) => raw,
        Err(e) => {
            report.unusable = true;
            report.findings.push(Finding::new(
                Category::Package,
                None,
                Problem::at(display, &source, e.span(), e.message().trim().to_string())
                    .help("fix the manifest; cargo cannot build any exercise until then"),
            ));
            return report;
        }
    };

    let mut seen: HashMap<String, usize> = HashMap::new();
    for spanned in &raw.bin {
        let bin = spanned.get_ref();
        let name = bin.name.get_ref();
        let at = |span: std::ops::Range<usize>, message: String| {
            Problem::at(display, &source, Some(span), message)
        };
        let line = crate::pack::line_col(&source, spanned.span().start).0;
        if let Some(first) = seen.insert(name.clone(), line) {
            report.needs_stand_in = true;
            report.findings.push(Finding::new(
                Category::Package,
                None,
                at(
                    bin.name.span(),
                    format!("[[bin]] `{name}` is declared twice (first at line {first})"),
                )
                .help("cargo refuses a package with two targets of one name: remove one"),
            ));
            continue;
        }
        let Some(path) = &bin.path else {
            report.findings.push(Finding::new(
                Category::Package,
                None,
                at(bin.name.span(), format!("[[bin]] `{name}` has no `path`"))
                    .help("give it `path = \"STAGE/NAME.rs\"` (relative to exercises/)"),
            ));
            continue;
        };
        let resolved = resolve_inside(&pack.root, &format!("{DIR}/{}", path.get_ref())).ok();
        let exists = resolved.as_ref().is_some_and(|p| pack.path(p).is_file());
        if !exists {
            report.needs_stand_in = true;
        }
        match expected.get(name) {
            None => report.findings.push(Finding::new(
                Category::Package,
                None,
                at(
                    spanned.span(),
                    format!("[[bin]] `{name}` belongs to no rust or http exercise of info.toml"),
                )
                .help("remove it, or add the exercise it belongs to (solutions are named `<exercise>_sol`)"),
            )),
            Some((exercise, file)) if resolved.as_ref() != Some(file) => {
                report.findings.push(Finding::new(
                    Category::Package,
                    Some(exercise.name.clone()),
                    at(
                        path.span(),
                        format!(
                            "[[bin]] `{name}` builds `{}`, but info.toml gives `{}` the file `{}`",
                            path.get_ref(),
                            exercise.name,
                            file.display()
                        ),
                    )
                    .help(format!("set `path = \"{}\"`", bin_path(file))),
                ));
            }
            // A missing file is reported by the pack's loader already.
            Some(_) if exists => {
                report.sound_targets.insert(name.clone());
            }
            Some(_) => {}
        }
    }
    for (name, (exercise, file)) in &expected {
        if !seen.contains_key(name) {
            report.findings.push(Finding::new(
                Category::Package,
                Some(exercise.name.clone()),
                Problem::in_file(
                    display,
                    format!(
                        "{} exercise `{}` has no [[bin]] named `{name}`",
                        exercise.kind.as_str(),
                        exercise.name
                    ),
                )
                .help(format!(
                    "add\n\n[[bin]]\nname = \"{name}\"\npath = \"{}\"\n",
                    bin_path(file)
                )),
            ));
        }
    }
    report
}

/// Write a stand-in for exercises/Cargo.toml without the bins cargo would
/// refuse, every relative path made absolute, building into the pack's own
/// target dir (so the dependencies are not built a second time). It lives in
/// the runner's folder of the pack (.backlings/, git-ignored).
pub fn stand_in(pack: &Pack) -> Result<Manifest> {
    let exercises_dir = pack.root.join(DIR);
    let source = std::fs::read_to_string(pack.exercise_manifest())
        .with_context(|| format!("reading {}", pack.exercise_manifest().display()))?;
    let mut doc: toml_edit::DocumentMut = source.parse().context("parsing exercises/Cargo.toml")?;
    let absolute = |relative: &str| exercises_dir.join(relative).display().to_string();

    if let Some(bins) = doc.get_mut("bin").and_then(|b| b.as_array_of_tables_mut()) {
        let mut names = HashSet::new();
        bins.retain(|bin| {
            let name = bin
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_string();
            let path = bin.get("path").and_then(|p| p.as_str()).unwrap_or_default();
            !path.is_empty() && exercises_dir.join(path).is_file() && names.insert(name)
        });
        for bin in bins.iter_mut() {
            let path = bin.get("path").and_then(|p| p.as_str()).map(absolute);
            if let Some(path) = path {
                bin["path"] = toml_edit::value(path);
            }
        }
    }
    // Everything else the package may point at, relative to its folder.
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = doc.get_mut(section).and_then(|d| d.as_table_like_mut()) {
            for (_, dep) in deps.iter_mut() {
                if let Some(dep) = dep.as_table_like_mut()
                    && let Some(path) = dep.get("path").and_then(|p| p.as_str()).map(absolute)
                {
                    dep.insert("path", toml_edit::value(path));
                }
            }
        }
    }
    if let Some(lib) = doc.get_mut("lib").and_then(|l| l.as_table_like_mut())
        && let Some(path) = lib.get("path").and_then(|p| p.as_str()).map(absolute)
    {
        lib.insert("path", toml_edit::value(path));
    } else if exercises_dir.join("src/lib.rs").is_file() && doc.get("lib").is_none() {
        doc["lib"]["path"] = toml_edit::value(absolute("src/lib.rs"));
    }
    if let Some(package) = doc.get_mut("package").and_then(|p| p.as_table_like_mut()) {
        let build = match package.get("build").and_then(|b| b.as_str()) {
            Some(script) => Some(absolute(script)),
            None if exercises_dir.join("build.rs").is_file() => Some(absolute("build.rs")),
            None => None,
        };
        if let Some(build) = build {
            package.insert("build", toml_edit::value(build));
        }
        // Only the bins listed: the stand-in's folder has no src/ to discover.
        for auto in ["autobins", "autoexamples", "autotests", "autobenches"] {
            package.insert(auto, toml_edit::value(false));
        }
    }
    // Its own workspace root, so cargo does not look for one above it.
    if doc.get("workspace").is_none() {
        doc["workspace"] = toml_edit::table();
    }

    let dir = pack.state_dir().join("dev-check");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let manifest = dir.join("Cargo.toml");
    crate::fsutil::write_atomic(&manifest, doc.to_string().as_bytes())?;
    let lock = exercises_dir.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .with_context(|| format!("copying {}", lock.display()))?;
    }
    Ok(Manifest(
        ExercisePackage::in_pack(&pack.root).with_manifest(manifest),
    ))
}
