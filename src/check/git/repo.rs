//! What the checks read from a sandbox, each fact fetched once per check run
//! with as few git processes as possible (one `status` for the branch and
//! the index, one `for-each-ref` for every ref, one `log` per revision).
//!
//! Every call is read-only, and runs with GIT_OPTIONAL_LOCKS=0 so that
//! `git status` does not refresh the index: a check must not write into the
//! `.git` the watcher is watching, or it would trigger itself.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::rc::Rc;

use anyhow::{Result, bail};

use super::sandbox::{self, Sandbox};
use crate::process::{Cmd, Finished};

/// Where HEAD is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    Branch(String),
    /// A branch with no commit yet (a fresh `git init`).
    Unborn(String),
    Detached(String),
}

/// One entry of `git status --porcelain=v2`.
#[derive(Debug, Clone)]
pub struct Change {
    /// Index status (`.` = unchanged), work-tree status; `?` untracked; `U` unmerged.
    pub staged: char,
    pub unstaged: char,
    pub unmerged: bool,
    pub path: String,
    /// Where a renamed or copied path came from.
    pub from: Option<String>,
}

impl Change {
    pub fn describe(&self) -> String {
        let what = if self.unmerged {
            "unmerged"
        } else if self.staged == '?' {
            "untracked"
        } else {
            match (self.staged, self.unstaged) {
                ('A', _) => "added",
                ('D', _) | (_, 'D') => "deleted",
                ('R', _) => "renamed",
                _ => "modified",
            }
        };
        format!("{what} {}", self.path)
    }

    pub fn is_staged(&self) -> bool {
        self.unmerged || !matches!(self.staged, '.' | '?')
    }

    /// The line `git status --short` prints for this change: `XY path`
    /// (`XY from -> path` for a rename), untracked files as `?? path`.
    pub fn short(&self) -> String {
        let code = |c: char| if c == '.' { ' ' } else { c };
        let xy = format!("{}{}", code(self.staged), code(self.unstaged));
        match &self.from {
            Some(from) => format!("{xy} {from} -> {}", self.path),
            None => format!("{xy} {}", self.path),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Status {
    pub head: Head,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone)]
pub struct Ref {
    pub hash: String,
    /// `commit`, `tag` (an annotated tag object), …
    pub object_type: String,
    /// For an annotated tag, the commit it points at.
    pub peeled: Option<String>,
    /// `origin/main` for a branch that tracks one.
    pub upstream: Option<String>,
}

impl Ref {
    pub fn commit(&self) -> &str {
        self.peeled.as_deref().unwrap_or(&self.hash)
    }
}

/// Full ref name (`refs/heads/main`) → ref.
pub type Refs = BTreeMap<String, Ref>;

#[derive(Debug, Clone)]
pub struct Commit {
    pub hash: String,
    pub parents: Vec<String>,
    pub author_name: String,
    pub author_email: String,
    pub committer_name: String,
    pub committer_email: String,
    pub subject: String,
    /// The message after its subject line, as `%b` gives it.
    pub body: String,
}

/// Why a revision has no commits to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// The branch HEAD is on has no commit yet.
    NoCommits,
    /// The revision names nothing (a deleted branch, a typo).
    Unknown,
}

pub type Log = Result<Rc<Vec<Commit>>, Missing>;

/// One fact about the repository, fetched by one git process.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    Status,
    Refs,
    OriginRefs,
    /// `git log REV`.
    Log(String),
    /// The commit a revision names.
    Resolve(String),
    Tracked,
    Stashes,
    ConflictMarkers,
    /// Which of the paths the checks ask about are ignored (one call for all).
    Ignored,
    /// A file at a revision: (revision, path).
    FileAt(String, String),
    /// A file's staged content (`:path`).
    Staged(String),
    /// The paths the commit at a revision changes, against its first parent.
    Changes(String),
    /// Every file of the tree at a revision.
    Tree(String),
    /// An annotated tag's message, by tag name.
    TagMessage(String),
    /// HEAD's reflog.
    Reflog,
}

/// A path a commit changes: `A`dded, `M`odified, `D`eleted, `T`ype changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub status: char,
    pub path: String,
}

/// Why a path is ignored (or explicitly not), as `git check-ignore -v` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRule {
    /// `.gitignore`, `logs/.gitignore`, `.git/info/exclude`, …
    pub source: String,
    pub line: usize,
    pub pattern: String,
}

impl IgnoreRule {
    /// A `!pattern` matched: the path is explicitly not ignored.
    pub fn negated(&self) -> bool {
        self.pattern.starts_with('!')
    }
}

/// One entry of HEAD's reflog, newest first.
#[derive(Debug, Clone)]
pub struct ReflogEntry {
    /// Where HEAD was after the action.
    pub hash: String,
    /// Who moved it (the sandbox's identity for the learner's commands).
    pub email: String,
    /// `commit (amend): Fix typo`, `reset: moving to HEAD~1`, …
    pub action: String,
}

/// An annotated tag's message, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagMessage {
    Annotated(String),
    Lightweight,
    NoSuchTag,
}

pub struct Repo<'a> {
    sandbox: &'a Sandbox,
    status: Option<Rc<Status>>,
    refs: Option<Rc<Refs>>,
    /// `Some(None)`: there is no origin repository.
    origin_refs: Option<Option<Rc<Refs>>>,
    tracked: Option<Rc<HashSet<String>>>,
    stash_count: Option<usize>,
    markers: Option<Rc<Vec<(String, usize)>>>,
    logs: HashMap<String, Log>,
    resolved: HashMap<String, Option<String>>,
    files_at: HashMap<(String, String), Option<String>>,
    staged_files: HashMap<String, Option<String>>,
    changes: HashMap<String, Option<Rc<Vec<Changed>>>>,
    trees: HashMap<String, Option<Rc<Vec<String>>>>,
    tag_messages: HashMap<String, TagMessage>,
    reflog: Option<Rc<Vec<ReflogEntry>>>,
    /// Paths for `check-ignore`, all asked in one call.
    ignore_queries: Vec<String>,
    /// Path → the rule that matched it (negated rules included).
    ignored: Option<Rc<HashMap<String, IgnoreRule>>>,
}

impl<'a> Repo<'a> {
    pub fn new(sandbox: &'a Sandbox, ignore_queries: Vec<String>) -> Self {
        Repo {
            sandbox,
            status: None,
            refs: None,
            origin_refs: None,
            tracked: None,
            stash_count: None,
            markers: None,
            logs: HashMap::new(),
            resolved: HashMap::new(),
            files_at: HashMap::new(),
            staged_files: HashMap::new(),
            changes: HashMap::new(),
            trees: HashMap::new(),
            tag_messages: HashMap::new(),
            reflog: None,
            ignore_queries,
            ignored: None,
        }
    }

    pub fn work(&self) -> std::path::PathBuf {
        self.sandbox.work()
    }

    pub fn sandbox(&self) -> &Sandbox {
        self.sandbox
    }

    fn git(&self) -> Cmd {
        self.sandbox
            .git()
            .env("GIT_OPTIONAL_LOCKS", "0")
            // The learner may set anything in the sandbox's local config; these
            // would change what the runner parses.
            .args([
                "-c",
                "color.ui=never",
                "-c",
                "core.quotePath=false",
                "-c",
                "log.showSignature=false",
                "-c",
                "log.showRoot=true",
            ])
    }

    /// The git command that answers `query`; `None` when no process is needed.
    fn command(&self, query: &Query) -> Option<Cmd> {
        let git = self.git();
        Some(match query {
            Query::Status => git.args([
                "status",
                "--porcelain=v2",
                "--branch",
                "-z",
                "--untracked-files=all",
            ]),
            Query::Refs => git.args(["for-each-ref", REF_FORMAT]),
            Query::OriginRefs => {
                if !self.sandbox.origin().join("HEAD").is_file() {
                    return None;
                }
                self.sandbox.git_origin().args(["for-each-ref", REF_FORMAT])
            }
            Query::Log(rev) => git.args([
                "log",
                "-z",
                "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%s%x1f%b",
                rev.as_str(),
                "--",
            ]),
            Query::Resolve(rev) => {
                if is_full_hash(rev) {
                    return None;
                }
                git.args(["rev-parse", "--verify", "--quiet"])
                    .arg(format!("{rev}^{{commit}}"))
            }
            Query::Tracked => git.args(["ls-files", "-z"]),
            Query::Stashes => git.args(["log", "--walk-reflogs", "--format=%H", "refs/stash", "--"]),
            Query::ConflictMarkers => {
                git.args(["grep", "-z", "-n", "-I", "-E", "-e", "^(<<<<<<<|>>>>>>>)( |$)"])
            }
            // (`-z` needs `--stdin`, and the runner's children get no stdin;
            // paths are unquoted by core.quotePath=false.) `-v` names the
            // rule, and also reports paths a `!pattern` keeps.
            Query::Ignored => git.args(["check-ignore", "-v", "--"]).args(&self.ignore_queries),
            Query::FileAt(rev, path) => git.args(["cat-file", "blob"]).arg(format!("{rev}:{path}")),
            Query::Staged(path) => git.args(["cat-file", "blob"]).arg(format!(":{path}")),
            // `-m --first-parent`: a merge commit's changes against the branch
            // it was made on, as a learner reads them; no rename detection, so
            // a rename shows both paths.
            Query::Changes(rev) => git.args([
                "log",
                "-1",
                "-m",
                "--first-parent",
                "--no-renames",
                "--format=",
                "--name-status",
                "-z",
                rev.as_str(),
                "--",
            ]),
            Query::Tree(rev) => git
                .args(["ls-tree", "-r", "-z", "--name-only"])
                .arg(format!("{rev}^{{tree}}")),
            Query::TagMessage(name) => git
                .args(["for-each-ref", "--format=%(objecttype)%00%(contents)"])
                .arg(format!("refs/tags/{name}")),
            Query::Reflog => git.args([
                "log",
                "--walk-reflogs",
                "-z",
                "--format=%H%x1f%ge%x1f%gs",
                "HEAD",
                "--",
            ]),
        })
    }

    fn is_known(&self, query: &Query) -> bool {
        match query {
            Query::Status => self.status.is_some(),
            Query::Refs => self.refs.is_some(),
            Query::OriginRefs => self.origin_refs.is_some(),
            Query::Log(rev) => self.logs.contains_key(rev),
            Query::Resolve(rev) => self.resolved.contains_key(rev),
            Query::Tracked => self.tracked.is_some(),
            Query::Stashes => self.stash_count.is_some(),
            Query::ConflictMarkers => self.markers.is_some(),
            Query::Ignored => self.ignored.is_some(),
            Query::FileAt(rev, path) => self.files_at.contains_key(&(rev.clone(), path.clone())),
            Query::Staged(path) => self.staged_files.contains_key(path),
            Query::Changes(rev) => self.changes.contains_key(rev),
            Query::Tree(rev) => self.trees.contains_key(rev),
            Query::TagMessage(name) => self.tag_messages.contains_key(name),
            Query::Reflog => self.reflog.is_some(),
        }
    }

    /// Keep what a finished command says about `query`. `done` is `None`
    /// when no command was needed.
    fn store(&mut self, query: Query, done: Option<Finished>) -> Result<()> {
        let Some(done) = done else {
            match query {
                Query::OriginRefs => self.origin_refs = Some(None),
                Query::Resolve(rev) => {
                    self.resolved.insert(rev.clone(), Some(rev));
                }
                _ => {}
            }
            return Ok(());
        };
        if done.timed_out() {
            bail!(
                "git took longer than {} s to answer ({query:?})",
                sandbox::GIT_TIMEOUT.as_secs()
            );
        }
        let code = done.status.and_then(|s| s.code());
        let out = done.stdout.text();
        let err = done.stderr.text();
        let asked = format!("{query:?}");
        let failed = || anyhow::anyhow!("git failed ({}) on {asked}: {}", done.describe_exit(), err.trim());
        match query {
            Query::Status => self.status = Some(Rc::new(parse_status(&ok(code, &out).ok_or_else(failed)?)?)),
            Query::Refs => self.refs = Some(Rc::new(parse_refs(&ok(code, &out).ok_or_else(failed)?)?)),
            Query::OriginRefs => {
                self.origin_refs = Some(Some(Rc::new(parse_refs(&ok(code, &out).ok_or_else(failed)?)?)));
            }
            Query::Log(rev) => {
                let log = if code == Some(0) {
                    Ok(Rc::new(parse_log(&out)?))
                } else if err.contains("does not have any commits yet")
                    || (rev == "HEAD" && err.contains("bad revision 'HEAD'"))
                {
                    // HEAD always exists; when it names nothing, its branch is unborn.
                    Err(Missing::NoCommits)
                } else if err.contains("unknown revision")
                    || err.contains("bad revision")
                    || err.contains("bad object")
                {
                    Err(Missing::Unknown)
                } else {
                    return Err(failed());
                };
                self.logs.insert(rev, log);
            }
            Query::Resolve(rev) => {
                let hash = (code == Some(0)).then(|| out.trim().to_string());
                self.resolved.insert(rev, hash);
            }
            Query::Tracked => {
                let out = ok(code, &out).ok_or_else(failed)?;
                self.tracked = Some(Rc::new(
                    out.split('\0')
                        .filter(|p| !p.is_empty())
                        .map(String::from)
                        .collect(),
                ));
            }
            Query::Stashes => {
                // No refs/stash at all: no stash entries.
                let count = match code {
                    Some(0) => out.lines().filter(|l| !l.is_empty()).count(),
                    _ if err.contains("unknown revision") || err.contains("bad revision") => 0,
                    _ => return Err(failed()),
                };
                self.stash_count = Some(count);
            }
            Query::ConflictMarkers => {
                // grep: 0 found, 1 nothing found.
                let markers = match code {
                    Some(0) => parse_grep(&out),
                    Some(1) => Vec::new(),
                    _ => return Err(failed()),
                };
                self.markers = Some(Rc::new(markers));
            }
            Query::Ignored => {
                // check-ignore: 0 some matched, 1 none matched.
                if !matches!(code, Some(0 | 1)) {
                    return Err(failed());
                }
                // git names `.git/info/exclude` by its absolute path (GIT_DIR
                // is absolute): show it as the learner sees it.
                let mut rules = parse_check_ignore(&out);
                let work = format!("{}/", self.sandbox.work().display());
                for rule in rules.values_mut() {
                    if let Some(inside) = rule.source.strip_prefix(&work) {
                        rule.source = inside.to_string();
                    }
                }
                self.ignored = Some(Rc::new(rules));
            }
            Query::FileAt(rev, path) => {
                self.files_at
                    .insert((rev, path), (code == Some(0)).then_some(out));
            }
            Query::Staged(path) => {
                self.staged_files.insert(path, (code == Some(0)).then_some(out));
            }
            Query::Changes(rev) => {
                let changes = (code == Some(0)).then(|| Rc::new(parse_name_status(&out)));
                self.changes.insert(rev, changes);
            }
            Query::Tree(rev) => {
                let tree = (code == Some(0)).then(|| {
                    Rc::new(
                        out.split('\0')
                            .filter(|p| !p.is_empty())
                            .map(String::from)
                            .collect(),
                    )
                });
                self.trees.insert(rev, tree);
            }
            Query::TagMessage(name) => {
                let out = ok(code, &out).ok_or_else(failed)?;
                let message = match out.split_once('\0') {
                    None => TagMessage::NoSuchTag,
                    Some(("tag", text)) => TagMessage::Annotated(text.trim_end().to_string()),
                    Some(_) => TagMessage::Lightweight,
                };
                self.tag_messages.insert(name, message);
            }
            Query::Reflog => {
                // A repository without commits has no reflog yet.
                let entries = if code == Some(0) {
                    parse_reflog(&out)
                } else {
                    Vec::new()
                };
                self.reflog = Some(Rc::new(entries));
            }
        }
        Ok(())
    }

    /// Fetch every fact in `queries` not known yet, all git processes
    /// running at once: a dozen checks cost about as much as the slowest
    /// call, not the sum of them.
    pub fn prefetch(&mut self, queries: impl IntoIterator<Item = Query>) -> Result<()> {
        let mut seen = HashSet::new();
        let mut running = Vec::new();
        for query in queries {
            if self.is_known(&query) || !seen.insert(query.clone()) {
                continue;
            }
            match self.command(&query) {
                Some(cmd) => running.push((query, sandbox::spawn(&cmd)?)),
                None => self.store(query, None)?,
            }
        }
        for (query, child) in running {
            let done = child.wait(Some(sandbox::GIT_TIMEOUT))?;
            self.store(query, Some(done))?;
        }
        Ok(())
    }

    fn ensure(&mut self, query: Query) -> Result<()> {
        if !self.is_known(&query) {
            let done = match self.command(&query) {
                Some(cmd) => Some(sandbox::run(&cmd)?),
                None => None,
            };
            self.store(query, done)?;
        }
        Ok(())
    }

    pub fn status(&mut self) -> Result<Rc<Status>> {
        self.ensure(Query::Status)?;
        Ok(Rc::clone(self.status.as_ref().expect("stored")))
    }

    pub fn refs(&mut self) -> Result<Rc<Refs>> {
        self.ensure(Query::Refs)?;
        Ok(Rc::clone(self.refs.as_ref().expect("stored")))
    }

    /// The refs of the bare `origin` beside the sandbox; `None` when it is gone.
    pub fn origin_refs(&mut self) -> Result<Option<Rc<Refs>>> {
        self.ensure(Query::OriginRefs)?;
        Ok(self.origin_refs.clone().flatten())
    }

    /// Commits `git log REV` lists, newest first (`rev` may be a range).
    pub fn log(&mut self, rev: &str) -> Result<Log> {
        self.ensure(Query::Log(rev.to_string()))?;
        Ok(self.logs[rev].clone())
    }

    /// The commit `rev` names, if any. A full hash (an `@id`) is taken as is.
    pub fn resolve(&mut self, rev: &str) -> Result<Option<String>> {
        self.ensure(Query::Resolve(rev.to_string()))?;
        Ok(self.resolved[rev].clone())
    }

    pub fn tracked(&mut self) -> Result<Rc<HashSet<String>>> {
        self.ensure(Query::Tracked)?;
        Ok(Rc::clone(self.tracked.as_ref().expect("stored")))
    }

    pub fn stash_count(&mut self) -> Result<usize> {
        self.ensure(Query::Stashes)?;
        Ok(self.stash_count.expect("stored"))
    }

    /// The rule that decides whether `path` is ignored (`None`: no rule
    /// matches, it is not ignored). Every path the checks ask about goes in
    /// one call.
    pub fn ignore_rule(&mut self, path: &str) -> Result<Option<IgnoreRule>> {
        if !self.ignore_queries.iter().any(|q| q == path) {
            self.ignore_queries.push(path.to_string());
            self.ignored = None;
        }
        self.ensure(Query::Ignored)?;
        Ok(self.ignored.as_ref().and_then(|rules| rules.get(path).cloned()))
    }

    /// A file's content in the index; `None` when it is not in the index.
    pub fn staged_file(&mut self, path: &str) -> Result<Option<String>> {
        self.ensure(Query::Staged(path.to_string()))?;
        Ok(self.staged_files[path].clone())
    }

    /// The paths the commit at `rev` changes; `None` when `rev` names nothing.
    pub fn changes(&mut self, rev: &str) -> Result<Option<Rc<Vec<Changed>>>> {
        self.ensure(Query::Changes(rev.to_string()))?;
        Ok(self.changes[rev].clone())
    }

    /// Every file of the tree at `rev`; `None` when `rev` names nothing.
    pub fn tree(&mut self, rev: &str) -> Result<Option<Rc<Vec<String>>>> {
        self.ensure(Query::Tree(rev.to_string()))?;
        Ok(self.trees[rev].clone())
    }

    pub fn tag_message(&mut self, name: &str) -> Result<TagMessage> {
        self.ensure(Query::TagMessage(name.to_string()))?;
        Ok(self.tag_messages[name].clone())
    }

    /// HEAD's reflog, newest first.
    pub fn reflog(&mut self) -> Result<Rc<Vec<ReflogEntry>>> {
        self.ensure(Query::Reflog)?;
        Ok(Rc::clone(self.reflog.as_ref().expect("stored")))
    }

    /// Lines that look like conflict markers in tracked files: (path, line).
    pub fn conflict_markers(&mut self) -> Result<Rc<Vec<(String, usize)>>> {
        self.ensure(Query::ConflictMarkers)?;
        Ok(Rc::clone(self.markers.as_ref().expect("stored")))
    }

    /// A file at a revision: `None` when the revision has no such file.
    pub fn file_at(&mut self, rev: &str, path: &str) -> Result<Option<String>> {
        let key = (rev.to_string(), path.to_string());
        self.ensure(Query::FileAt(key.0.clone(), key.1.clone()))?;
        Ok(self.files_at[&key].clone())
    }

    /// The operation a learner left half done, read from the files git keeps
    /// for it (no process needed).
    pub fn in_progress(&self) -> Option<&'static str> {
        let git_dir = self.sandbox.git_dir();
        let has = |name: &str| git_dir.join(name).exists();
        if has("rebase-merge") || has("rebase-apply") {
            Some("rebase")
        } else if has("MERGE_HEAD") {
            Some("merge")
        } else if has("CHERRY_PICK_HEAD") {
            Some("cherry-pick")
        } else if has("REVERT_HEAD") {
            Some("revert")
        } else if has("BISECT_LOG") {
            Some("bisect")
        } else {
            None
        }
    }
}

const REF_FORMAT: &str =
    "--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)%00%(upstream:short)";

/// The output of a command that exited 0.
fn ok(code: Option<i32>, out: &str) -> Option<String> {
    (code == Some(0)).then(|| out.to_string())
}

fn is_full_hash(rev: &str) -> bool {
    matches!(rev.len(), 40 | 64) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

fn parse_grep(out: &str) -> Vec<(String, usize)> {
    out.lines()
        .filter_map(|line| {
            let mut fields = line.split('\0');
            let path = fields.next()?.to_string();
            let number = fields.next()?.parse().ok()?;
            Some((path, number))
        })
        .collect()
}

/// A work-tree file, at most 1 MiB of it: the learner's sandbox may hold
/// anything, and a check only needs to compare text.
pub fn read_work_file(work: &Path, path: &str) -> Option<String> {
    use std::io::Read;
    let file = fs::File::open(work.join(path)).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(1024 * 1024).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// `git check-ignore -v`: `source:line:pattern<TAB>path` per matched path.
fn parse_check_ignore(out: &str) -> HashMap<String, IgnoreRule> {
    out.lines()
        .filter_map(|line| {
            let (rule, path) = line.rsplit_once('\t')?;
            let mut parts = rule.splitn(3, ':');
            let source = parts.next()?.to_string();
            let line = parts.next()?.parse().ok()?;
            let pattern = parts.next()?.to_string();
            Some((
                path.to_string(),
                IgnoreRule {
                    source,
                    line,
                    pattern,
                },
            ))
        })
        .collect()
}

/// `--name-status -z`: a status letter, then its path, each NUL-ended.
fn parse_name_status(out: &str) -> Vec<Changed> {
    let mut fields = out
        .split('\0')
        .map(|f| f.trim_start_matches('\n'))
        .filter(|f| !f.is_empty());
    let mut changes = Vec::new();
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        changes.push(Changed {
            status: status.chars().next().unwrap_or('M'),
            path: path.to_string(),
        });
    }
    changes
}

fn parse_reflog(out: &str) -> Vec<ReflogEntry> {
    out.split('\0')
        .map(|r| r.trim_start_matches('\n'))
        .filter_map(|record| {
            let mut fields = record.splitn(3, '\x1f');
            Some(ReflogEntry {
                hash: fields.next()?.to_string(),
                email: fields.next()?.to_string(),
                action: fields.next()?.to_string(),
            })
        })
        .collect()
}

fn parse_refs(out: &str) -> Result<Refs> {
    let mut refs = Refs::new();
    for line in out.lines() {
        let fields: Vec<&str> = line.split('\0').collect();
        let [name, hash, object_type, peeled, upstream] = fields[..] else {
            bail!("unexpected `git for-each-ref` line: {line:?}");
        };
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        refs.insert(
            name.to_string(),
            Ref {
                hash: hash.to_string(),
                object_type: object_type.to_string(),
                peeled: some(peeled),
                upstream: some(upstream),
            },
        );
    }
    Ok(refs)
}

fn parse_log(out: &str) -> Result<Vec<Commit>> {
    out.split('\0')
        .map(|r| r.trim_start_matches('\n'))
        .filter(|r| !r.is_empty())
        .map(|record| {
            let fields: Vec<&str> = record.split('\x1f').collect();
            let [
                hash,
                parents,
                author_name,
                author_email,
                committer_name,
                committer_email,
                subject,
                body,
            ] = fields[..]
            else {
                bail!("unexpected `git log` record: {record:?}");
            };
            Ok(Commit {
                hash: hash.to_string(),
                parents: parents.split_whitespace().map(String::from).collect(),
                author_name: author_name.to_string(),
                author_email: author_email.to_string(),
                committer_name: committer_name.to_string(),
                committer_email: committer_email.to_string(),
                subject: subject.to_string(),
                body: body.trim_end().to_string(),
            })
        })
        .collect()
}

/// `git status --porcelain=v2 --branch -z`: headers, then one entry per NUL;
/// a rename carries its original path in the next NUL-separated field.
fn parse_status(out: &str) -> Result<Status> {
    let mut oid = None;
    let mut branch = None;
    let mut changes = Vec::new();
    let mut fields = out.split('\0');
    while let Some(entry) = fields.next() {
        if entry.is_empty() {
            continue;
        }
        if let Some(header) = entry.strip_prefix("# ") {
            if let Some(value) = header.strip_prefix("branch.oid ") {
                oid = Some(value.to_string());
            } else if let Some(value) = header.strip_prefix("branch.head ") {
                branch = Some(value.to_string());
            }
            continue;
        }
        let kind = entry.as_bytes()[0];
        let xy = |e: &str| -> (char, char) {
            let mut c = e.chars().skip(2);
            (c.next().unwrap_or('.'), c.next().unwrap_or('.'))
        };
        // Paths may hold spaces: the path is whatever follows the fixed fields.
        let path_after =
            |e: &str, fixed: usize| e.splitn(fixed + 1, ' ').nth(fixed).unwrap_or("").to_string();
        match kind {
            b'1' => {
                let (staged, unstaged) = xy(entry);
                changes.push(Change {
                    staged,
                    unstaged,
                    unmerged: false,
                    path: path_after(entry, 8),
                    from: None,
                });
            }
            b'2' => {
                let (staged, unstaged) = xy(entry);
                changes.push(Change {
                    staged,
                    unstaged,
                    unmerged: false,
                    path: path_after(entry, 9),
                    from: fields.next().map(String::from),
                });
            }
            b'u' => {
                let (staged, unstaged) = xy(entry);
                changes.push(Change {
                    staged,
                    unstaged,
                    unmerged: true,
                    path: path_after(entry, 10),
                    from: None,
                });
            }
            b'?' => changes.push(Change {
                staged: '?',
                unstaged: '?',
                unmerged: false,
                path: entry[2..].to_string(),
                from: None,
            }),
            _ => {}
        }
    }
    let head = match (oid.as_deref(), branch) {
        (_, None) => bail!("`git status` did not say where HEAD is"),
        (Some("(initial)"), Some(name)) => Head::Unborn(name),
        (Some(oid), Some(name)) if name == "(detached)" => Head::Detached(oid.to_string()),
        (_, Some(name)) => Head::Branch(name),
    };
    Ok(Status { head, changes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_porcelain_v2() {
        let out = "# branch.oid 1234567890abcdef\0# branch.head main\0\
                   1 M. N... 100644 100644 100644 aaa bbb src/a file.rs\0\
                   2 R. N... 100644 100644 100644 aaa bbb R100 new name.txt\0old name.txt\0\
                   u UU N... 100644 100644 100644 100644 a b c both.txt\0\
                   ? notes/todo.txt\0";
        let status = parse_status(out).unwrap();
        assert_eq!(status.head, Head::Branch("main".into()));
        let described: Vec<String> = status.changes.iter().map(Change::describe).collect();
        assert_eq!(
            described,
            [
                "modified src/a file.rs",
                "renamed new name.txt",
                "unmerged both.txt",
                "untracked notes/todo.txt"
            ]
        );
        assert_eq!(status.changes.iter().filter(|c| c.is_staged()).count(), 3);

        let fresh = parse_status("# branch.oid (initial)\0# branch.head main\0").unwrap();
        assert_eq!(fresh.head, Head::Unborn("main".into()));
        let detached = parse_status("# branch.oid abc\0# branch.head (detached)\0").unwrap();
        assert_eq!(detached.head, Head::Detached("abc".into()));
    }

    #[test]
    fn reads_log_records() {
        let out = "aaa\x1fbbb ccc\x1fAda\x1fada@example.com\x1fAda\x1fada@example.com\x1fMerge branch 'x'\x1f\0\nbbb\x1f\x1fSam\x1fsam@example.com\x1fBo\x1fbo@example.com\x1fStart\x1fWhy:\nbecause\n\0";
        let log = parse_log(out).unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].parents, ["bbb", "ccc"]);
        assert!(log[1].parents.is_empty());
        assert_eq!(log[1].subject, "Start");
        assert_eq!(log[1].body, "Why:\nbecause");
        assert_eq!(log[1].committer_name, "Bo");
    }

    #[test]
    fn reads_ignore_rules_names_and_statuses() {
        let rules = parse_check_ignore(
            ".git/info/exclude:2:*.log\tapp.log\nlogs/.gitignore:1:!keep.txt\tlogs/keep.txt\n",
        );
        assert_eq!(rules["app.log"].source, ".git/info/exclude");
        assert_eq!(rules["app.log"].line, 2);
        assert!(rules["logs/keep.txt"].negated());
        let changes = parse_name_status("M\0a.txt\0A\0new dir/b.txt\0");
        assert_eq!(
            changes[1],
            Changed {
                status: 'A',
                path: "new dir/b.txt".into()
            }
        );
        let reflog =
            parse_reflog("abc\x1flearner@x\x1fcommit (amend): Fix\0\ndef\x1fsam@x\x1fcommit: Start\0");
        assert_eq!(reflog.len(), 2);
        assert_eq!(reflog[0].action, "commit (amend): Fix");
    }
}
