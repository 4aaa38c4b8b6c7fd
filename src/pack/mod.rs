//! The pack: `info.toml` read, validated and resolved into stages and exercises.
//!
//! Every problem is collected (not only the first) and points at
//! file:line:col with what to write instead. Paths never leave the pack root.

mod intro;
mod paths;
mod problem;

pub use paths::resolve_inside;
pub use problem::{PackError, Problem, line_col};

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::check::git::GitSpec;
use crate::check::http::HttpSpec;
use crate::check::rust::RustSpec;
use crate::check::sql::SqlSpec;

pub const INFO_FILE: &str = "info.toml";
pub const FORMAT_VERSION: u32 = 1;
/// Time limit for running the learner's code, when an exercise sets none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HINTS: usize = 3;

#[derive(Debug)]
pub struct Pack {
    /// Absolute path of the folder holding info.toml.
    pub root: PathBuf,
    pub welcome: Option<String>,
    pub stages: Vec<Stage>,
    pub exercises: Vec<Exercise>,
}

/// A pack read as far as it goes, and what is wrong with it.
#[derive(Debug)]
pub struct Survey {
    pub pack: Pack,
    pub problems: Vec<Problem>,
    /// Learner files that are missing although the runner once saw them (it
    /// kept a pristine copy): the learner deleted them. Not a defect of the
    /// pack — `reset` restores them — so `load` lets the pack open.
    pub deleted_by_learner: Vec<Problem>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub title: String,
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Rust,
    Sql,
    Git,
    Http,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rust => "rust",
            Kind::Sql => "sql",
            Kind::Git => "git",
            Kind::Http => "http",
        }
    }

    /// Rust and http exercises are targets of the exercise package.
    pub fn is_cargo_target(self) -> bool {
        matches!(self, Kind::Rust | Kind::Http)
    }
}

/// Settings only one kind understands, from the `[exercises.KIND]` table.
#[derive(Debug, Clone)]
pub enum KindSpec {
    Rust(RustSpec),
    Sql(SqlSpec),
    Git(GitSpec),
    Http(HttpSpec),
}

#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    pub stage: String,
    pub kind: Kind,
    /// What the learner edits, relative to the pack root; the first is the main one.
    pub files: Vec<PathBuf>,
    /// The reference solution, relative to the pack root.
    pub solution: PathBuf,
    pub hints: Vec<String>,
    pub timeout: Duration,
    /// Explanation shown above the exercise; when info.toml has none, the
    /// leading comment of the main file is used.
    pub intro: Option<String>,
    pub spec: KindSpec,
}

impl Pack {
    /// Find the pack: `--pack DIR` if given, else the current folder or the
    /// nearest parent holding info.toml.
    pub fn locate(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
        if let Some(dir) = explicit {
            if !dir.join(INFO_FILE).is_file() {
                anyhow::bail!(
                    "{}: no {INFO_FILE} here\n  help: `--pack` takes the folder that holds the pack's {INFO_FILE}",
                    dir.display()
                );
            }
            return Ok(dir.to_path_buf());
        }
        let cwd = std::env::current_dir()?;
        for dir in cwd.ancestors() {
            if dir.join(INFO_FILE).is_file() {
                return Ok(dir.to_path_buf());
            }
        }
        anyhow::bail!(
            "no {INFO_FILE} in {} or any folder above it\n  help: run backlings inside a pack (the cloned repository), or pass `--pack DIR`",
            cwd.display()
        )
    }

    /// Load a pack that learners can use: any problem refuses it.
    pub fn load(root: &Path) -> Result<Pack, PackError> {
        let mut survey = Pack::survey(root)?;
        survey.problems.retain(|p| !survey.deleted_by_learner.contains(p));
        if survey.problems.is_empty() {
            Ok(survey.pack)
        } else {
            Err(PackError {
                problems: survey.problems,
            })
        }
    }

    /// Read a pack as far as it goes, for `dev check`: the exercises that could
    /// be read, beside every problem found. Fails only when info.toml cannot be
    /// read or parsed at all.
    pub fn survey(root: &Path) -> Result<Survey, PackError> {
        let root = root.canonicalize().map_err(|e| PackError {
            problems: vec![Problem::in_file(
                root,
                format!("cannot open the pack folder: {e}"),
            )],
        })?;
        let info_path = root.join(INFO_FILE);
        let source = std::fs::read_to_string(&info_path).map_err(|e| PackError {
            problems: vec![Problem::in_file(&info_path, format!("cannot read: {e}"))],
        })?;
        parse(&root, &source)
    }

    #[cfg(test)]
    pub fn exercise(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.name == name)
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn path(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }

    /// The exercise package's manifest (rust and http exercises are its targets).
    pub fn exercise_manifest(&self) -> PathBuf {
        crate::exercise_package::manifest_path(&self.root)
    }

    /// The runner's own folder inside the pack (git-ignored): progress,
    /// pristine copies of the starters, git sandboxes.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".backlings")
    }

    /// A suggestion for a name that is not in the pack.
    pub fn unknown_exercise(&self, name: &str) -> anyhow::Error {
        let close = close_names(self.exercises.iter().map(|e| e.name.as_str()), name);
        let help = if close.is_empty() {
            "`backlings list` shows every exercise".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        anyhow::anyhow!("no exercise named `{name}` in this pack\n  help: {help}")
    }
}

/// Up to three of `known` that look like a misspelt `wanted`, for "did you mean".
pub fn close_names<'a>(known: impl IntoIterator<Item = &'a str>, wanted: &str) -> Vec<&'a str> {
    known
        .into_iter()
        .filter(|k| k.contains(wanted) || wanted.contains(k) || edit_distance(k, wanted) <= 2)
        .take(3)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---- raw form, as written in info.toml ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    format_version: Spanned<u32>,
    welcome: Option<String>,
    #[serde(default)]
    stages: Vec<RawStage>,
    #[serde(default)]
    exercises: Vec<Spanned<RawExercise>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    id: Spanned<String>,
    title: String,
    summary: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    name: Spanned<String>,
    stage: Spanned<String>,
    kind: Spanned<Kind>,
    files: Option<Spanned<Vec<Spanned<String>>>>,
    solution: Option<Spanned<String>>,
    hints: Spanned<Vec<Spanned<String>>>,
    timeout_secs: Option<Spanned<f64>>,
    intro: Option<String>,
    rust: Option<Spanned<RustSpec>>,
    sql: Option<Spanned<SqlSpec>>,
    git: Option<Spanned<GitSpec>>,
    http: Option<Spanned<HttpSpec>>,
}

/// What a kind's spec needs to validate itself and point at its own lines.
pub struct SpecContext<'a> {
    pub root: &'a Path,
    pub info_path: &'a Path,
    pub source: &'a str,
    problems: Vec<Problem>,
}

impl SpecContext<'_> {
    pub fn problem(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        let p = Problem::at(self.info_path, self.source, Some(span), message).help(help);
        self.problems.push(p);
    }

    /// A problem found in another file the spec names (a git scenario).
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Resolve a path from the spec; it must stay inside the pack and exist.
    pub fn existing_path(&mut self, path: &Spanned<String>) -> Option<PathBuf> {
        let resolved = self.inside_path(path)?;
        if !self.root.join(&resolved).exists() {
            self.problem(
                path.span(),
                format!("`{}` does not exist", path.get_ref()),
                "create the file, or fix the path (relative to the folder holding info.toml)",
            );
            return None;
        }
        Some(resolved)
    }

    /// Resolve a path from the spec; it must stay inside the pack.
    pub fn inside_path(&mut self, path: &Spanned<String>) -> Option<PathBuf> {
        match resolve_inside(self.root, path.get_ref()) {
            Ok(p) => Some(p),
            Err(refusal) => {
                self.problem(
                    path.span(),
                    format!("path `{}` refused: {}", path.get_ref(), refusal.explain()),
                    "use a path relative to the pack root, inside it",
                );
                None
            }
        }
    }
}

fn parse(root: &Path, source: &str) -> Result<Survey, PackError> {
    let display_path = PathBuf::from(INFO_FILE);
    let raw: RawInfo = toml::from_str(source).map_err(|e| PackError {
        problems: vec![
            Problem::at(
                &display_path,
                source,
                e.span(),
                e.message().trim_end().to_string(),
            )
            .help(toml_help(e.message())),
        ],
    })?;
    let mut problems = Vec::new();
    let mut deleted_by_learner = Vec::new();
    let at = |span: Range<usize>, msg: String, help: &str| {
        Problem::at(&display_path, source, Some(span), msg).help(help.to_string())
    };

    if *raw.format_version.get_ref() != FORMAT_VERSION {
        problems.push(at(
            raw.format_version.span(),
            format!("format_version {} is not supported", raw.format_version.get_ref()),
            &format!("this backlings reads format_version = {FORMAT_VERSION}; update backlings or the pack"),
        ));
    }

    let mut stages = Vec::new();
    let mut stage_ids = BTreeSet::new();
    for stage in raw.stages {
        let id = stage.id.get_ref().clone();
        if !is_identifier(&id) {
            problems.push(at(
                stage.id.span(),
                format!("stage id `{id}` is not a simple identifier"),
                "use lowercase letters, digits and `_`, e.g. `databases`",
            ));
        }
        if !stage_ids.insert(id.clone()) {
            problems.push(at(
                stage.id.span(),
                format!("stage `{id}` is declared twice"),
                "give each stage its own id",
            ));
        }
        stages.push(Stage {
            id,
            title: stage.title,
            summary: stage.summary,
        });
    }
    if stages.is_empty() {
        problems.push(
            Problem::in_file(&display_path, "the pack declares no stages")
                .help("add at least one `[[stages]]` table with id, title and summary"),
        );
    }

    let mut exercises = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new(); // name → byte offset
    let known_stages = stages
        .iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    for spanned in raw.exercises {
        let entry_span = spanned.span();
        let raw = spanned.into_inner();
        let name = raw.name.get_ref().clone();
        if !is_identifier(&name) {
            problems.push(at(
                raw.name.span(),
                format!("exercise name `{name}` is not a simple identifier"),
                "use lowercase letters, digits and `_` (it is also a cargo target name), e.g. `select_where`",
            ));
        }
        // Positions, not lines: counting lines for every entry would be quadratic.
        if let Some(first_at) = names.insert(name.clone(), entry_span.start) {
            let first_line = line_col(source, first_at).0;
            problems.push(at(
                raw.name.span(),
                format!("exercise `{name}` is declared twice (first at line {first_line})"),
                "exercise names must be unique: rename one of them",
            ));
        }
        if !stage_ids.contains(raw.stage.get_ref()) {
            problems.push(at(
                raw.stage.span(),
                format!("unknown stage `{}`", raw.stage.get_ref()),
                &format!("use one of the declared stages: {known_stages}"),
            ));
        }
        let kind = *raw.kind.get_ref();

        let files_span = raw.files.as_ref().map_or(entry_span.clone(), |f| f.span());
        let raw_files = raw.files.map(Spanned::into_inner).unwrap_or_default();
        let mut files = Vec::new();
        for file in &raw_files {
            match resolve_inside(root, file.get_ref()) {
                Ok(p) => {
                    if !root.join(&p).is_file() {
                        let problem = at(
                            file.span(),
                            format!("`{}` does not exist", file.get_ref()),
                            "create the file, or fix the path (relative to the folder holding info.toml)",
                        );
                        if crate::pristine::copy_path_in(root, &p).is_file() {
                            deleted_by_learner.push(problem.clone());
                        }
                        problems.push(problem);
                    }
                    files.push(p);
                }
                Err(refusal) => problems.push(at(
                    file.span(),
                    format!("path `{}` refused: {}", file.get_ref(), refusal.explain()),
                    "use a path relative to the pack root, inside it, e.g. `exercises/databases/select.sql`",
                )),
            }
        }
        if files.is_empty() && kind != Kind::Git {
            problems.push(at(
                files_span,
                format!("exercise `{name}` names no file for the learner"),
                "add `files = [\"exercises/STAGE/NAME.EXT\"]`",
            ));
        }

        let solution = match &raw.solution {
            Some(sol) => match resolve_inside(root, sol.get_ref()) {
                Ok(p) => Some(p),
                Err(refusal) => {
                    problems.push(at(
                        sol.span(),
                        format!("path `{}` refused: {}", sol.get_ref(), refusal.explain()),
                        "use a path relative to the pack root, inside it",
                    ));
                    None
                }
            },
            None => default_solution(&files, raw.stage.get_ref(), &name, kind),
        };
        let solution = solution.unwrap_or_default();
        if !solution.as_os_str().is_empty() && !root.join(&solution).is_file() {
            let span = raw.solution.as_ref().map_or(raw.name.span(), |s| s.span());
            problems.push(at(
                span,
                format!("the solution `{}` does not exist", solution.display()),
                "write the reference solution there (solutions/ mirrors exercises/), or set `solution = \"…\"`",
            ));
        }

        let hints: Vec<String> = raw
            .hints
            .get_ref()
            .iter()
            .map(|h| h.get_ref().trim().to_string())
            .collect();
        if hints.is_empty() || hints.len() > MAX_HINTS {
            problems.push(at(
                raw.hints.span(),
                format!("exercise `{name}` has {} hints", hints.len()),
                "give 1 to 3 hints, from a nudge to nearly the answer",
            ));
        }
        for hint in raw.hints.get_ref() {
            if hint.get_ref().trim().is_empty() {
                problems.push(at(
                    hint.span(),
                    "a hint is empty".into(),
                    "write the hint, or remove the empty string",
                ));
            }
        }

        let timeout = match &raw.timeout_secs {
            None => DEFAULT_TIMEOUT,
            Some(t) if *t.get_ref() > 0.0 && *t.get_ref() <= 600.0 => Duration::from_secs_f64(*t.get_ref()),
            Some(t) => {
                problems.push(at(
                    t.span(),
                    format!("timeout_secs = {} is out of range", t.get_ref()),
                    "use a number of seconds above 0 and at most 600, e.g. `timeout_secs = 20`",
                ));
                DEFAULT_TIMEOUT
            }
        };

        // The kind-specific table must match the kind.
        let tables = [
            (Kind::Rust, raw.rust.as_ref().map(|s| s.span())),
            (Kind::Sql, raw.sql.as_ref().map(|s| s.span())),
            (Kind::Git, raw.git.as_ref().map(|s| s.span())),
            (Kind::Http, raw.http.as_ref().map(|s| s.span())),
        ];
        for (table_kind, span) in tables {
            if let Some(span) = span
                && table_kind != kind
            {
                problems.push(at(
                    span,
                    format!(
                        "exercise `{name}` is of kind `{}` but has an `[exercises.{}]` table",
                        kind.as_str(),
                        table_kind.as_str()
                    ),
                    &format!(
                        "rename the table to `[exercises.{}]`, or change `kind`",
                        kind.as_str()
                    ),
                ));
            }
        }
        let mut ctx = SpecContext {
            root,
            info_path: &display_path,
            source,
            problems: Vec::new(),
        };
        let spec = match kind {
            Kind::Rust => {
                let spec = raw.rust.map(Spanned::into_inner).unwrap_or_default();
                spec.validate(&mut ctx);
                Some(KindSpec::Rust(spec))
            }
            Kind::Sql => match raw.sql {
                Some(spec) => {
                    spec.get_ref().validate(&mut ctx, &files);
                    Some(KindSpec::Sql(spec.into_inner()))
                }
                None => {
                    ctx.problem(
                        entry_span.clone(),
                        format!("sql exercise `{name}` has no `[exercises.sql]` table"),
                        "add one with at least `fixture = \"exercises/databases/NAME.fixture.sql\"`",
                    );
                    None
                }
            },
            Kind::Git => match raw.git {
                Some(spec) => {
                    spec.get_ref().validate(&mut ctx, &files);
                    Some(KindSpec::Git(spec.into_inner()))
                }
                None => {
                    ctx.problem(
                        entry_span.clone(),
                        format!("git exercise `{name}` has no `[exercises.git]` table"),
                        "add one naming the scenario file: `scenario = \"exercises/STAGE/NAME.scenario.toml\"`",
                    );
                    None
                }
            },
            Kind::Http => match raw.http {
                Some(spec) => {
                    spec.get_ref().validate(&mut ctx);
                    Some(KindSpec::Http(spec.into_inner()))
                }
                None => {
                    ctx.problem(
                        entry_span.clone(),
                        format!("http exercise `{name}` has no `[exercises.http]` table"),
                        "add one with the exchanges to run against the server",
                    );
                    None
                }
            },
        };
        problems.append(&mut ctx.problems);
        if let Some(spec) = spec {
            exercises.push(Exercise {
                name,
                stage: raw.stage.into_inner(),
                kind,
                files,
                solution,
                hints,
                timeout,
                intro: raw.intro,
                spec,
            });
        }
    }
    if exercises.is_empty() && problems.is_empty() {
        problems.push(
            Problem::in_file(&display_path, "the pack has no exercises").help(
                "add `[[exercises]]` entries, or run `backlings dev new NAME --kind rust --stage STAGE`",
            ),
        );
    }

    // Learning order: stages in their declared order, exercises in file order
    // within a stage. An instructor can append an exercise anywhere in the file.
    let stage_rank = |id: &str| stages.iter().position(|s| s.id == id).unwrap_or(usize::MAX);
    exercises.sort_by_key(|e| stage_rank(&e.stage));

    Ok(Survey {
        pack: Pack {
            root: root.to_path_buf(),
            welcome: raw.welcome,
            stages,
            exercises,
        },
        problems,
        deleted_by_learner,
    })
}

/// solutions/ mirrors exercises/; an exercise without files (git) gets a
/// script named after it.
fn default_solution(files: &[PathBuf], stage: &str, name: &str, kind: Kind) -> Option<PathBuf> {
    if kind == Kind::Git {
        return Some(PathBuf::from("solutions").join(stage).join(format!("{name}.sh")));
    }
    let first = files.first()?;
    let mut parts = first.components();
    match parts.next() {
        Some(std::path::Component::Normal(top)) if top == "exercises" => {
            Some(Path::new("solutions").join(parts.as_path()))
        }
        _ => Some(Path::new("solutions").join(first)),
    }
}

pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

fn toml_help(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the key or fix its spelling; AUTHORING.md lists every key".to_string()
    } else if message.contains("missing field") {
        "add the key; AUTHORING.md lists what each table needs".to_string()
    } else if message.contains("invalid type") {
        "give the value the type shown (strings in quotes, lists in [ ])".to_string()
    } else if message.contains("unknown variant") {
        "use one of the values listed".to_string()
    } else {
        "fix the TOML syntax at that place".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solution_mirrors_the_exercise_path() {
        let files = vec![PathBuf::from("exercises/databases/select.sql")];
        assert_eq!(
            default_solution(&files, "databases", "select", Kind::Sql).unwrap(),
            PathBuf::from("solutions/databases/select.sql")
        );
        assert_eq!(
            default_solution(&[], "version_control", "amend", Kind::Git).unwrap(),
            PathBuf::from("solutions/version_control/amend.sh")
        );
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("select_where2"));
        assert!(!is_identifier("Select"));
        assert!(!is_identifier("2fast"));
        assert!(!is_identifier("a-b"));
    }

    #[test]
    fn close_names() {
        assert_eq!(edit_distance("select", "selcet"), 2);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
