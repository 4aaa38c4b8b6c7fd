//! info.toml read into a [`Survey`]: the document parsed once with its places
//! kept, each kind's table handed to its kind, everything else read here, by
//! family — stages, the exercise's files, its hints, its limits, its kind table.
//! Every problem is collected, not only the first.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, Deserializer};

use super::kind::{Kind, KindReader, KindTable, SpecContext};
use super::{
    DEFAULT_TIMEOUT, Exercise, FORMAT_VERSION, INFO_FILE, MAX_HINTS, Pack, Problem, Stage, Survey,
    is_identifier, line_col, printable, reserved_name, resolve_inside, toml_help,
};
use crate::pack::PackError;

// ---- raw form, as written in info.toml ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    format_version: Spanned<u32>,
    welcome: Option<String>,
    farewell: Option<String>,
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
    intro: Option<Spanned<String>>,
}

/// An exercise entry without its kind table, which its kind reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    name: Spanned<String>,
    stage: Spanned<String>,
    kind: Spanned<String>,
    files: Option<Spanned<Vec<Spanned<String>>>>,
    solution: Option<Spanned<String>>,
    hints: Spanned<Vec<Spanned<String>>>,
    timeout_secs: Option<Spanned<f64>>,
    memory_mb: Option<Spanned<i64>>,
    intro: Option<String>,
    after: Option<String>,
    link: Option<Spanned<String>>,
    starter_passes: Option<bool>,
}

/// Where problems of info.toml itself are filed.
struct Places<'a> {
    path: PathBuf,
    source: &'a str,
}

impl Places<'_> {
    fn at(&self, span: Range<usize>, message: impl Into<String>, help: &str) -> Problem {
        Problem::at(&self.path, self.source, Some(span), message).help(help.to_string())
    }
}

pub(super) fn parse(root: &Path, source: &str, kinds: &[&dyn KindReader]) -> Result<Survey, PackError> {
    let places = Places {
        path: PathBuf::from(INFO_FILE),
        source,
    };
    let syntax_error = |e: toml::de::Error| PackError {
        problems: vec![
            Problem::at(&places.path, source, e.span(), e.message().trim_end().to_string())
                .help(toml_help(e.message())),
        ],
    };
    let mut document = DeTable::parse(source).map_err(syntax_error)?;
    let mut kind_tables = take_kind_tables(document.get_mut(), kinds);
    let raw = RawInfo::deserialize(Deserializer::from(document)).map_err(syntax_error)?;

    let mut problems = Vec::new();
    let mut deleted_by_learner = Vec::new();
    if *raw.format_version.get_ref() != FORMAT_VERSION {
        problems.push(places.at(
            raw.format_version.span(),
            format!("format_version {} is not supported", raw.format_version.get_ref()),
            &format!("this backlings reads format_version = {FORMAT_VERSION}; update backlings or the pack"),
        ));
    }
    let stages = read_stages(root, &places, raw.stages, &mut problems);

    let mut exercises = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new(); // name → byte offset
    for (index, spanned) in raw.exercises.into_iter().enumerate() {
        let tables = kind_tables.get_mut(index).map(std::mem::take).unwrap_or_default();
        let read = ExerciseReader {
            root,
            places: &places,
            stages: &stages,
            kinds,
            names: &mut names,
            problems: &mut problems,
            deleted_by_learner: &mut deleted_by_learner,
        };
        if let Some(exercise) = read.exercise(spanned, tables) {
            exercises.push(exercise);
        }
    }
    if exercises.is_empty() && problems.is_empty() {
        problems.push(
            Problem::in_file(&places.path, "the pack has no exercises").help(
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
            welcome: raw.welcome.as_deref().map(printable),
            farewell: raw.farewell.as_deref().map(printable),
            stages,
            exercises,
        },
        problems,
        deleted_by_learner,
    })
}

/// Each exercise's kind tables (`[exercises.sql]`, …), taken out of the
/// document so that the common fields can be read strictly and each table
/// handed, places intact, to the kind that understands it. A table named after
/// no registered kind stays, and is refused as an unknown key.
fn take_kind_tables<'i>(
    document: &mut DeTable<'i>,
    kinds: &[&dyn KindReader],
) -> Vec<Vec<(&'static str, Spanned<DeValue<'i>>)>> {
    let Some(exercises) = document.get_mut("exercises") else {
        return Vec::new();
    };
    let DeValue::Array(entries) = exercises.get_mut() else {
        return Vec::new();
    };
    entries
        .iter_mut()
        .map(|entry| match entry.get_mut() {
            DeValue::Table(table) => kinds
                .iter()
                .filter_map(|kind| Some((kind.name(), table.remove(kind.name())?)))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn read_stages(
    root: &Path,
    places: &Places<'_>,
    raw: Vec<RawStage>,
    problems: &mut Vec<Problem>,
) -> Vec<Stage> {
    let mut stages = Vec::new();
    let mut ids = BTreeSet::new();
    for stage in raw {
        let id = stage.id.get_ref().clone();
        if !is_identifier(&id) {
            problems.push(places.at(
                stage.id.span(),
                format!("stage id `{id}` is not a simple identifier"),
                "use lowercase letters, digits and `_`, e.g. `databases`",
            ));
        }
        if !ids.insert(id.clone()) {
            problems.push(places.at(
                stage.id.span(),
                format!("stage `{id}` is declared twice"),
                "give each stage its own id",
            ));
        }
        let intro = stage
            .intro
            .as_ref()
            .and_then(|path| existing_file(root, places, path, "the stage introduction", problems));
        stages.push(Stage {
            id,
            title: printable(&stage.title),
            summary: printable(&stage.summary),
            intro,
        });
    }
    if stages.is_empty() {
        problems.push(
            Problem::in_file(&places.path, "the pack declares no stages")
                .help("add at least one `[[stages]]` table with id, title and summary"),
        );
    }
    stages
}

/// A path from info.toml that must stay inside the pack and name a file.
fn existing_file(
    root: &Path,
    places: &Places<'_>,
    path: &Spanned<String>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<PathBuf> {
    match resolve_inside(root, path.get_ref()) {
        Ok(p) if root.join(&p).is_file() => Some(p),
        Ok(p) => {
            problems.push(places.at(
                path.span(),
                not_a_file(root, &p, what, path.get_ref()),
                MISSING_HELP,
            ));
            None
        }
        Err(refusal) => {
            problems.push(places.at(
                path.span(),
                format!("path `{}` refused: {}", path.get_ref(), refusal.explain()),
                "use a path relative to the pack root, inside it",
            ));
            None
        }
    }
}

const MISSING_HELP: &str = "create the file, or fix the path (relative to the folder holding info.toml)";

/// "does not exist", or what is there instead of a file.
fn not_a_file(root: &Path, relative: &Path, what: &str, written: &str) -> String {
    if root.join(relative).is_dir() {
        format!("{what} `{written}` is a folder, not a file")
    } else {
        format!("{what} `{written}` does not exist")
    }
}

/// Reads one `[[exercises]]` entry; what it finds wrong goes to `problems`.
struct ExerciseReader<'r, 'a> {
    // 'r: what the reader borrows for one entry; 'a: info.toml's text.
    root: &'r Path,
    places: &'r Places<'a>,
    stages: &'r [Stage],
    kinds: &'r [&'r dyn KindReader],
    names: &'r mut HashMap<String, usize>,
    problems: &'r mut Vec<Problem>,
    deleted_by_learner: &'r mut Vec<Problem>,
}

impl<'r> ExerciseReader<'r, '_> {
    fn exercise(
        mut self,
        spanned: Spanned<RawExercise>,
        tables: Vec<(&'static str, Spanned<DeValue<'_>>)>,
    ) -> Option<Exercise> {
        let entry_span = spanned.span();
        let raw = spanned.into_inner();
        let name = raw.name.get_ref().clone();
        self.name(&raw.name, entry_span.start);
        self.stage(&raw.stage);
        let reader = self.kind(&raw.kind)?;
        let kind = Kind::of(reader);
        let files = self.files(reader, &name, raw.files.as_ref(), &entry_span);
        let solution = self.solution(reader, &raw, &name, &files);
        let hints = self.hints(&raw.hints, &name);
        let timeout = self.timeout(raw.timeout_secs.as_ref());
        let memory_limit = self.memory(raw.memory_mb.as_ref());
        self.link(raw.link.as_ref());
        let spec = self.kind_table(reader, tables, &files, &name, entry_span)?;
        Some(Exercise {
            name,
            stage: raw.stage.into_inner(),
            kind,
            files,
            solution,
            hints,
            timeout,
            memory_limit,
            intro: raw.intro.as_deref().map(printable),
            after: raw.after.map(|a| printable(a.trim())),
            link: raw.link.map(|l| printable(l.get_ref())),
            starter_passes: raw.starter_passes.unwrap_or(false),
            spec,
        })
    }

    fn at(&mut self, span: Range<usize>, message: impl Into<String>, help: &str) {
        self.problems.push(self.places.at(span, message, help));
    }

    fn name(&mut self, name: &Spanned<String>, entry_start: usize) {
        let text = name.get_ref();
        if !is_identifier(text) {
            self.at(
                name.span(),
                format!("exercise name `{text}` is not a simple identifier"),
                "use lowercase letters, digits and `_` (it is also a cargo target name), e.g. `select_where`",
            );
        }
        if let Some(reserved) = reserved_name(text) {
            self.at(
                name.span(),
                format!("exercise name `{text}` is reserved: {reserved}"),
                "pick another name",
            );
        }
        // Positions, not lines: counting lines for every entry would be quadratic.
        if let Some(first_at) = self.names.insert(text.clone(), entry_start) {
            let first_line = line_col(self.places.source, first_at).0;
            self.at(
                name.span(),
                format!("exercise `{text}` is declared twice (first at line {first_line})"),
                "exercise names must be unique: rename one of them",
            );
        }
    }

    fn stage(&mut self, stage: &Spanned<String>) {
        if self.stages.iter().any(|s| &s.id == stage.get_ref()) {
            return;
        }
        let known: Vec<&str> = self.stages.iter().map(|s| s.id.as_str()).collect();
        self.at(
            stage.span(),
            format!("unknown stage `{}`", stage.get_ref()),
            &format!("use one of the declared stages: {}", known.join(", ")),
        );
    }

    fn kind(&mut self, kind: &Spanned<String>) -> Option<&'r dyn KindReader> {
        let kinds = self.kinds;
        let found = kinds.iter().copied().find(|k| k.name() == kind.get_ref());
        if found.is_none() {
            let known: Vec<String> = kinds.iter().map(|k| format!("`{}`", k.name())).collect();
            self.at(
                kind.span(),
                format!("unknown kind `{}`", kind.get_ref()),
                &format!("use one of {}", known.join(", ")),
            );
        }
        found
    }

    fn files(
        &mut self,
        reader: &dyn KindReader,
        name: &str,
        raw: Option<&Spanned<Vec<Spanned<String>>>>,
        entry_span: &Range<usize>,
    ) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for file in raw.map(|f| f.get_ref().as_slice()).unwrap_or_default() {
            match super::paths::resolve_learner_file(self.root, file.get_ref()) {
                Ok(p) => {
                    if !self.root.join(&p).is_file() {
                        let problem = self.places.at(
                            file.span(),
                            not_a_file(self.root, &p, "", file.get_ref())
                                .trim_start()
                                .to_string(),
                            MISSING_HELP,
                        );
                        // The learner's doing, not the pack's: a file the runner once
                        // saw (it kept a pristine copy) is gone, or something that is not
                        // a regular file stands where the pack names one (an author's slip
                        // leaves nothing there). The exercise's check says what to do;
                        // `dev check` still reports it.
                        let something_else_there = !matches!(
                            super::learner_file_problem(self.root, &p),
                            None | Some(super::paths::LearnerFileProblem::Missing)
                        );
                        if something_else_there || super::pristine_copy_in(self.root, &p).is_file() {
                            self.deleted_by_learner.push(problem.clone());
                        }
                        self.problems.push(problem);
                    }
                    files.push(p);
                }
                Err(refusal) => self.at(
                    file.span(),
                    format!("path `{}` refused: {}", file.get_ref(), refusal.explain()),
                    "use a path relative to the pack root, inside it, e.g. `exercises/databases/select.sql`",
                ),
            }
        }
        if files.is_empty() && reader.has_files() {
            let span = raw.map_or(entry_span.clone(), Spanned::span);
            self.at(
                span,
                format!("exercise `{name}` names no file for the learner"),
                "add `files = [\"exercises/STAGE/NAME.EXT\"]`",
            );
        }
        files
    }

    fn solution(
        &mut self,
        reader: &dyn KindReader,
        raw: &RawExercise,
        name: &str,
        files: &[PathBuf],
    ) -> PathBuf {
        let solution = match &raw.solution {
            Some(sol) => match resolve_inside(self.root, sol.get_ref()) {
                Ok(p) => Some(p),
                Err(refusal) => {
                    self.at(
                        sol.span(),
                        format!("path `{}` refused: {}", sol.get_ref(), refusal.explain()),
                        "use a path relative to the pack root, inside it",
                    );
                    None
                }
            },
            None => reader.default_solution(raw.stage.get_ref(), name, files),
        };
        let solution = solution.unwrap_or_default();
        if !solution.as_os_str().is_empty() && !self.root.join(&solution).is_file() {
            let span = raw.solution.as_ref().map_or(raw.name.span(), Spanned::span);
            self.at(
                span,
                not_a_file(self.root, &solution, "the solution", &solution.display().to_string()),
                "write the reference solution there (solutions/ mirrors exercises/), or set `solution = \"…\"`",
            );
        }
        solution
    }

    fn hints(&mut self, raw: &Spanned<Vec<Spanned<String>>>, name: &str) -> Vec<String> {
        let hints: Vec<String> = raw
            .get_ref()
            .iter()
            .map(|h| printable(h.get_ref().trim()))
            .collect();
        if hints.is_empty() || hints.len() > MAX_HINTS {
            self.at(
                raw.span(),
                format!("exercise `{name}` has {} hints", hints.len()),
                "give 1 to 3 hints, from a nudge to nearly the answer",
            );
        }
        for hint in raw.get_ref() {
            if hint.get_ref().trim().is_empty() {
                self.at(
                    hint.span(),
                    "a hint is empty",
                    "write the hint, or remove the empty string",
                );
            }
        }
        hints
    }

    fn timeout(&mut self, raw: Option<&Spanned<f64>>) -> Duration {
        match raw {
            None => DEFAULT_TIMEOUT,
            Some(t) if *t.get_ref() > 0.0 && *t.get_ref() <= 600.0 => Duration::from_secs_f64(*t.get_ref()),
            Some(t) => {
                self.at(
                    t.span(),
                    format!("timeout_secs = {} is out of range", t.get_ref()),
                    "use a number of seconds above 0 and at most 600, e.g. `timeout_secs = 20`",
                );
                DEFAULT_TIMEOUT
            }
        }
    }

    fn memory(&mut self, raw: Option<&Spanned<i64>>) -> u64 {
        const MB: u64 = 1024 * 1024;
        match raw {
            None => crate::process::DEFAULT_MEMORY_LIMIT,
            Some(m) if (16..=65_536).contains(m.get_ref()) => *m.get_ref() as u64 * MB,
            Some(m) => {
                self.at(
                    m.span(),
                    format!("memory_mb = {} is out of range", m.get_ref()),
                    "give the learner's programs 16 to 65536 MiB, e.g. `memory_mb = 2048`",
                );
                crate::process::DEFAULT_MEMORY_LIMIT
            }
        }
    }

    fn link(&mut self, link: Option<&Spanned<String>>) {
        if let Some(link) = link
            && !(link.get_ref().starts_with("https://") || link.get_ref().starts_with("http://"))
        {
            self.at(
                link.span(),
                format!("link `{}` is not a web address", link.get_ref()),
                "give one address that starts with https://, e.g. `link = \"https://www.rfc-editor.org/rfc/rfc9110\"`",
            );
        }
    }

    /// The exercise's kind table goes to its kind; a table of another kind is refused.
    fn kind_table(
        &mut self,
        reader: &dyn KindReader,
        tables: Vec<(&'static str, Spanned<DeValue<'_>>)>,
        files: &[PathBuf],
        name: &str,
        entry_span: Range<usize>,
    ) -> Option<std::sync::Arc<dyn super::Spec>> {
        let mut own = None;
        for (table_kind, table) in tables {
            if table_kind == reader.name() {
                own = Some(KindTable::new(table));
                continue;
            }
            self.at(
                table.span(),
                format!(
                    "exercise `{name}` is of kind `{}` but has an `[exercises.{table_kind}]` table",
                    reader.name()
                ),
                &format!(
                    "rename the table to `[exercises.{}]`, or change `kind`",
                    reader.name()
                ),
            );
        }
        let mut ctx = SpecContext {
            root: self.root,
            info_path: &self.places.path,
            source: self.places.source,
            entry_span,
            name,
            problems: Vec::new(),
        };
        let spec = reader.read(own, files, &mut ctx);
        self.problems.append(&mut ctx.problems);
        spec
    }
}
