//! A scenario: the repository a git exercise starts from, built step by step
//! with the real git CLI. Setup is deterministic — fixed identities, dates
//! from the scenario, the runner's own configuration — so every learner and
//! every test gets the same hashes.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::assertions::Check;
use super::clock::{GitDate, STEP_SECONDS};
use super::sandbox::{self, LEARNER_EMAIL, LEARNER_NAME, Marker, Sandbox};
use crate::process::Cmd;

/// Who made the setup commits when the scenario does not say.
pub const DEFAULT_AUTHOR: (&str, &str) = ("Sam Rivera", "sam@example.com");

#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario file, relative to the pack root (for messages).
    pub file: PathBuf,
    /// Digest of the file's text: a sandbox built from other text is stale.
    pub digest: String,
    pub author: Identity,
    pub start: GitDate,
    /// An `origin`: a bare repository beside the sandbox.
    pub remote: bool,
    /// Whether setup makes the work tree a repository (`init = false`: the
    /// learner's `git init` is the lesson).
    pub init: bool,
    /// Extra settings for the sandbox's `.git/config`.
    pub config: Vec<(String, String)>,
    pub steps: Vec<Step>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

impl Identity {
    /// `Ada Lovelace <ada@example.com>`
    pub fn parse(text: &str) -> Option<Identity> {
        let (name, rest) = text.trim().split_once('<')?;
        let email = rest.strip_suffix('>')?.trim();
        let name = name.trim();
        (!name.is_empty() && email.contains('@') && !email.contains(['<', '>']) && !name.contains('>')).then(
            || Identity {
                name: name.to_string(),
                email: email.to_string(),
            },
        )
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    /// Line of the `[[step]]` in the scenario file.
    pub line: usize,
    pub edits: Edits,
    pub action: Action,
    /// Name for the commit HEAD is at after this step: `@id` in revisions.
    pub id: Option<String>,
    pub author: Option<Identity>,
    pub date: Option<GitDate>,
}

/// Changes to the work tree, made before the step's action.
#[derive(Debug, Clone, Default)]
pub struct Edits {
    pub write: Vec<(String, String)>,
    pub delete: Vec<String>,
    pub executable: Vec<String>,
}

impl Edits {
    fn paths(&self) -> Vec<&str> {
        self.write
            .iter()
            .map(|(p, _)| p.as_str())
            .chain(self.delete.iter().map(String::as_str))
            .chain(self.executable.iter().map(String::as_str))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    /// Only the edits: they stay in the work tree, uncommitted.
    None,
    /// Stage the step's own edits and commit.
    Commit {
        message: String,
    },
    Branch {
        name: String,
        at: Option<String>,
    },
    Switch {
        branch: String,
    },
    Detach {
        rev: String,
    },
    Tag {
        name: String,
        at: Option<String>,
        message: Option<String>,
    },
    Merge {
        branch: String,
        message: Option<String>,
        no_ff: bool,
        conflict: bool,
    },
    Stash {
        message: String,
    },
    Add {
        paths: Vec<String>,
    },
    Push {
        name: String,
    },
    Reset {
        rev: String,
    },
    Git {
        args: Vec<String>,
    },
}

impl Action {
    pub fn key(&self) -> &'static str {
        match self {
            Action::None => "files",
            Action::Commit { .. } => "commit",
            Action::Branch { .. } => "branch",
            Action::Switch { .. } => "switch",
            Action::Detach { .. } => "detach",
            Action::Tag { .. } => "tag",
            Action::Merge { .. } => "merge",
            Action::Stash { .. } => "stash",
            Action::Add { .. } => "add",
            Action::Push { .. } => "push",
            Action::Reset { .. } => "reset",
            Action::Git { .. } => "git",
        }
    }
}

impl Scenario {
    /// The date of each step, in order, and the date after the last one.
    pub fn dates(&self) -> (Vec<GitDate>, GitDate) {
        let mut clock = self.start;
        let mut dates = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            if let Some(date) = step.date {
                clock = date;
            }
            dates.push(clock);
            clock = clock.plus_seconds(STEP_SECONDS);
        }
        (dates, clock)
    }
}

/// Build `sandbox` from scratch. On failure the half-built sandbox is
/// removed and the error names the step (file:line) and what git said.
pub fn build(sandbox: &Sandbox, scenario: &Scenario) -> Result<Marker> {
    sandbox.clear()?;
    let result = build_steps(sandbox, scenario);
    if result.is_err() {
        let _ = sandbox.remove();
    }
    let marker = result?;
    sandbox.write_marker(&marker)?;
    Ok(marker)
}

fn build_steps(sandbox: &Sandbox, scenario: &Scenario) -> Result<Marker> {
    fs::create_dir_all(sandbox.dir()).with_context(|| format!("creating {}", sandbox.dir().display()))?;
    sandbox.write_guard()?;
    sandbox.ensure_home()?;
    if scenario.remote {
        sandbox::run_ok(
            &sandbox
                .isolated("git")
                .cwd(sandbox.dir())
                .args(["init", "--quiet", "--bare"])
                .arg(sandbox.origin()),
        )?;
    }
    if !scenario.init {
        // A plain folder: only file edits (the parser allows nothing else).
        fs::create_dir_all(sandbox.work())
            .with_context(|| format!("creating {}", sandbox.work().display()))?;
        for step in &scenario.steps {
            apply_edits(&sandbox.work(), &step.edits)?;
        }
        return Ok(Marker {
            scenario: scenario.digest.clone(),
            commits: BTreeMap::new(),
            setup_reflog: 0,
        });
    }
    sandbox::run_ok(
        &sandbox
            .isolated("git")
            .cwd(sandbox.dir())
            .args(["init", "--quiet"])
            .arg(sandbox.work()),
    )?;
    // The learner's own terminal has none of the runner's environment: the
    // repository's local config gives their commits an identity and turns off
    // signing that their global config may ask for.
    let mut local = vec![
        ("user.name".to_string(), LEARNER_NAME.to_string()),
        ("user.email".to_string(), LEARNER_EMAIL.to_string()),
        ("commit.gpgSign".to_string(), "false".to_string()),
        ("tag.gpgSign".to_string(), "false".to_string()),
    ];
    local.extend(scenario.config.iter().cloned());
    for (key, value) in &local {
        sandbox::run_ok(&sandbox.git().args(["config", key.as_str(), value.as_str()]))?;
    }
    if scenario.remote {
        // Absolute: a relative URL would break for a learner in a subfolder.
        sandbox::run_ok(
            &sandbox
                .git()
                .args(["remote", "add", "origin"])
                .arg(sandbox.origin()),
        )?;
    }

    let (dates, _) = scenario.dates();
    let mut commits = BTreeMap::new();
    for (step, date) in scenario.steps.iter().zip(dates) {
        let author = step.author.as_ref().unwrap_or(&scenario.author);
        run_step(sandbox, step, author, date, &commits).with_context(|| {
            format!(
                "{}:{}: the scenario's `{}` step failed",
                scenario.file.display(),
                step.line,
                step.action.key()
            )
        })?;
        if let Some(id) = &step.id {
            let hash = sandbox::run_ok(&sandbox.git().args(["rev-parse", "--verify", "HEAD"]))?;
            commits.insert(id.clone(), hash.trim().to_string());
        }
    }
    // A scenario without commits has no reflog yet: 0 entries.
    let reflog = sandbox::run(
        &sandbox
            .git()
            .args(["log", "--walk-reflogs", "--format=%H", "HEAD", "--"]),
    )?;
    let setup_reflog = if reflog.success() {
        reflog.stdout.text().lines().count()
    } else {
        0
    };
    Ok(Marker {
        scenario: scenario.digest.clone(),
        commits,
        setup_reflog,
    })
}

fn run_step(
    sandbox: &Sandbox,
    step: &Step,
    author: &Identity,
    date: GitDate,
    commits: &BTreeMap<String, String>,
) -> Result<()> {
    apply_edits(&sandbox.work(), &step.edits)?;
    let date = date.to_string();
    let git = || {
        sandbox
            .git()
            .env("GIT_AUTHOR_NAME", &author.name)
            .env("GIT_AUTHOR_EMAIL", &author.email)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_NAME", &author.name)
            .env("GIT_COMMITTER_EMAIL", &author.email)
            .env("GIT_COMMITTER_DATE", &date)
    };
    let rev = |r: &str| super::assertions::expand_ids(r, commits);
    match &step.action {
        Action::None => {}
        Action::Commit { message } => {
            let paths = step.edits.paths();
            if !paths.is_empty() {
                sandbox::run_ok(&git().args(["add", "--all", "--"]).args(paths))?;
            }
            sandbox::run_ok(&git().args([
                "commit",
                "--quiet",
                "--allow-empty",
                "--no-verify",
                "-m",
                message,
            ]))?;
        }
        Action::Branch { name, at } => {
            sandbox::run_ok(&git().args(["branch", name.as_str()]).args(at.as_deref().map(rev)))?;
        }
        Action::Switch { branch } => {
            sandbox::run_ok(&git().args(["switch", "--quiet", branch.as_str()]))?;
        }
        Action::Detach { rev: r } => {
            sandbox::run_ok(&git().args(["switch", "--quiet", "--detach"]).arg(rev(r)))?;
        }
        Action::Tag { name, at, message } => {
            let mut cmd = git().arg("tag");
            if let Some(message) = message {
                cmd = cmd.args(["--annotate", "-m", message.as_str()]);
            }
            sandbox::run_ok(&cmd.arg(name).args(at.as_deref().map(rev)))?;
        }
        Action::Merge {
            branch,
            message,
            no_ff,
            conflict,
        } => merge(
            sandbox,
            git(),
            &rev(branch),
            message.as_deref(),
            *no_ff,
            *conflict,
        )?,
        Action::Stash { message } => {
            let out = sandbox::run_ok(&git().args(["stash", "push", "--include-untracked", "-m", message]))?;
            if out.contains("No local changes to save") {
                bail!("there was nothing to stash: give the step `files` (changes to stash)");
            }
        }
        Action::Add { paths } => {
            sandbox::run_ok(&git().args(["add", "--"]).args(paths))?;
        }
        Action::Push { name } => {
            let is_branch = sandbox::run(
                &git()
                    .args(["show-ref", "--verify", "--quiet"])
                    .arg(format!("refs/heads/{name}")),
            )?
            .success();
            let cmd = git().args(["push", "--quiet"]);
            let cmd = if is_branch { cmd.arg("--set-upstream") } else { cmd };
            sandbox::run_ok(&cmd.args(["origin", name.as_str()]))?;
        }
        Action::Reset { rev: r } => {
            sandbox::run_ok(&git().args(["reset", "--quiet", "--hard"]).arg(rev(r)))?;
        }
        Action::Git { args } => {
            // `@id` in a raw command names a scenario commit, as everywhere else.
            sandbox::run_ok(&git().args(args.iter().map(|a| rev(a))))?;
        }
    }
    Ok(())
}

fn merge(
    sandbox: &Sandbox,
    cmd: Cmd,
    branch: &str,
    message: Option<&str>,
    no_ff: bool,
    conflict: bool,
) -> Result<()> {
    let mut cmd = cmd.args(["merge", "--quiet", "--no-edit"]);
    if no_ff {
        cmd = cmd.arg("--no-ff");
    }
    if let Some(message) = message {
        cmd = cmd.args(["-m", message]);
    }
    let done = sandbox::run(&cmd.arg(branch))?;
    let unmerged = sandbox::run_ok(&sandbox.git().args(["ls-files", "--unmerged"]))?;
    match (conflict, done.success(), unmerged.is_empty()) {
        (false, true, _) => Ok(()),
        (true, false, false) => Ok(()),
        (true, true, _) => bail!(
            "the merge of `{branch}` succeeded, but the step says `conflict = true`: make both sides change the same lines"
        ),
        (false, false, false) => bail!(
            "the merge of `{branch}` stopped on a conflict; if that is the point, add `conflict = true` to the step"
        ),
        (_, false, true) => bail!(
            "`git merge {branch}` failed ({}): {}",
            done.describe_exit(),
            done.stderr.text().trim()
        ),
    }
}

fn apply_edits(work: &Path, edits: &Edits) -> Result<()> {
    for (path, content) in &edits.write {
        let target = work.join(path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        fs::write(&target, content).with_context(|| format!("writing {}", target.display()))?;
    }
    for path in &edits.delete {
        let target = work.join(path);
        let removed = if target.is_dir() {
            fs::remove_dir_all(&target)
        } else {
            fs::remove_file(&target)
        };
        removed.with_context(|| format!("deleting `{path}` (is it there at this step?)"))?;
    }
    for path in &edits.executable {
        let target = work.join(path);
        let mut permissions = fs::metadata(&target)
            .with_context(|| format!("making `{path}` executable (is it there at this step?)"))?
            .permissions();
        permissions.set_mode(permissions.mode() | 0o111);
        fs::set_permissions(&target, permissions)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities() {
        assert_eq!(
            Identity::parse(" Ada Lovelace <ada@example.com> "),
            Some(Identity {
                name: "Ada Lovelace".into(),
                email: "ada@example.com".into()
            })
        );
        assert_eq!(Identity::parse("Ada"), None);
        assert_eq!(Identity::parse("<ada@example.com>"), None);
        assert_eq!(Identity::parse("Ada <not an email>"), None);
    }
}
