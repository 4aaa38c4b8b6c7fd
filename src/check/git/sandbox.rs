//! Where a sandbox lives, and the environment every git process of the runner
//! gets in it.
//!
//! Layout of one sandbox (`<pack>/.backlings/sandboxes/NAME/`, or a temp dir
//! for `dev check`):
//!
//! ```text
//! NAME/work/         the learner's repository
//! NAME/origin.git/   its `origin`, a bare repository (when the scenario has one)
//! NAME/home/         HOME of the runner's git processes, holding their .gitconfig
//! NAME/.git          a guard file naming no repository (see `write_guard`)
//! NAME.built         written last when setup succeeded: a later missing sandbox
//!                    was deleted, not never built; records the named commits
//! ```
//!
//! Isolation: the runner's git never reads the learner's configuration (HOME
//! and GIT_CONFIG_GLOBAL point into the sandbox, GIT_CONFIG_NOSYSTEM) and
//! never finds a repository the runner did not name: GIT_DIR and GIT_WORK_TREE
//! are always explicit, and GIT_CEILING_DIRECTORIES stops any discovery at the
//! sandbox, so a deleted `.git` can never make git fall through to the pack's
//! own repository. The learner's own git, which has none of this
//! environment, is stopped by the guard file.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::process::{Cmd, Finished, Running};

/// One git command in a sandbox of a few dozen commits takes milliseconds;
/// this only stops one that hangs.
pub const GIT_TIMEOUT: Duration = Duration::from_secs(20);

/// The identity the sandbox's own `.git/config` gives the learner's commits.
pub const LEARNER_NAME: &str = "Backlings Learner";
pub const LEARNER_EMAIL: &str = "learner@backlings.invalid";

/// init.defaultBranch arrived in git 2.28; older gits would start on `master`.
const MIN_GIT: (u32, u32) = (2, 28);

/// Where the guard `.git` file points: nowhere, in words a learner reads in
/// git's "fatal: not a git repository: …".
const GUARD_TARGET: &str = "no repository here - git init makes one; backlings reset rebuilds the sandbox";

/// The global configuration of the runner's git processes. Fixed, so that
/// nothing about the machine or the learner changes what setup produces.
const RUNNER_GITCONFIG: &str = "\
# Written by backlings: the configuration of its own git commands in this sandbox.
# Your ~/.gitconfig is neither read nor changed by backlings.
[user]
\tname = Backlings Learner
\temail = learner@backlings.invalid
[init]
\tdefaultBranch = main
[core]
\t# Commands that would open an editor keep the message git proposes.
\teditor = true
\tpager = cat
\tautocrlf = false
\tquotePath = false
\t# A sandbox is rebuilt on demand: durability would only slow setup down.
\tfsync = none
[commit]
\tgpgSign = false
[tag]
\tgpgSign = false
[merge]
\tconflictStyle = merge
[pull]
\trebase = false
[gc]
\tauto = 0
[maintenance]
\tauto = false
[color]
\tui = false
[advice]
\tdetachedHead = false
\tskippedCherryPicks = false
\tdefaultBranchName = false
";

#[derive(Clone, Debug)]
pub struct Sandbox {
    dir: PathBuf,
    marker: PathBuf,
}

/// What setup recorded beside a sandbox.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    /// Digest of the scenario file the sandbox was built from.
    pub scenario: String,
    /// `id` of a step → the commit HEAD was at after it.
    #[serde(default)]
    pub commits: BTreeMap<String, String>,
    /// How many entries HEAD's reflog had when setup ended: the newer ones
    /// are the learner's (setup may use the learner's identity too).
    #[serde(default)]
    pub setup_reflog: usize,
}

impl Sandbox {
    /// The learner's sandbox of an exercise, in the pack's state folder.
    pub fn for_learner(state_dir: &Path, exercise: &str) -> Sandbox {
        let parent = state_dir.join("sandboxes");
        Sandbox {
            dir: parent.join(exercise),
            marker: parent.join(format!("{exercise}.built")),
        }
    }

    /// A throwaway sandbox inside `dir` (a temp dir).
    pub fn inside(dir: &Path) -> Sandbox {
        Sandbox {
            dir: dir.join("sandbox"),
            marker: dir.join("sandbox.built"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn work(&self) -> PathBuf {
        self.dir.join("work")
    }

    pub fn git_dir(&self) -> PathBuf {
        self.work().join(".git")
    }

    pub fn origin(&self) -> PathBuf {
        self.dir.join("origin.git")
    }

    pub fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    pub fn read_marker(&self) -> Option<Marker> {
        let text = fs::read_to_string(&self.marker).ok()?;
        toml::from_str(&text).ok()
    }

    pub fn write_marker(&self, marker: &Marker) -> Result<()> {
        let text = format!(
            "# backlings built the sandbox beside this file from this scenario.\n{}",
            toml::to_string(marker)?
        );
        crate::fsutil::write_replacing(&self.marker, text.as_bytes())
    }

    /// Remove the sandbox and its marker, to build it again. The `work`
    /// folder itself is kept, emptied: a learner's terminal is likely sitting
    /// in it, and their shell's folder stays valid across a reset.
    /// Only ever called on paths the runner computed itself; symlinks are
    /// removed, never followed.
    pub fn clear(&self) -> Result<()> {
        remove_path(&self.marker)?;
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Ok(());
        };
        for entry in entries {
            let path = entry?.path();
            let is_work_dir = path == self.work() && fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            if is_work_dir {
                for inner in fs::read_dir(&path)? {
                    remove_path(&inner?.path())?;
                }
            } else {
                remove_path(&path)?;
            }
        }
        Ok(())
    }

    /// Refuse a sandbox reached through a symbolic link: the runner writes
    /// and deletes in it, and a link (a cloned pack can ship one) would
    /// take those writes out of the pack. Every folder from `root` down to
    /// the sandbox's own parts is looked at, never followed.
    pub fn refuse_links(&self, root: &Path) -> Result<()> {
        let mut paths: Vec<PathBuf> = self
            .dir
            .ancestors()
            .take_while(|p| p.starts_with(root) && *p != root)
            .map(Path::to_path_buf)
            .collect();
        paths.extend([self.work(), self.home(), self.origin(), self.marker.clone()]);
        for path in paths {
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                let target = fs::read_link(&path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                bail!(
                    "{} is a symbolic link (to {target}): backlings builds and deletes git sandboxes there, and never through a link that can lead out of the pack\n  help: remove the link (`rm {}`); backlings then makes a real folder",
                    path.display(),
                    path.display()
                );
            }
        }
        Ok(())
    }

    /// Write the guard that stops a learner's git from looking further up
    /// than the sandbox: a `.git` file in the sandbox's folder that names no
    /// repository. Their git, in a work tree whose `.git` they deleted,
    /// then stops there with "not a git repository: …" instead of finding
    /// the pack's own repository above (a cloned pack is one). A ceiling
    /// variable would only protect the runner's own git, not their shell.
    pub fn write_guard(&self) -> Result<()> {
        let guard = self.dir.join(".git");
        let text = format!("gitdir: {GUARD_TARGET}\n");
        if fs::read_to_string(&guard).is_ok_and(|t| t == text) {
            return Ok(());
        }
        crate::fsutil::write_replacing(&guard, text.as_bytes())
    }

    /// Move the learner's repository (its work tree with `.git`, and its
    /// origin) into `dest`, emptying the work folder but keeping it (a
    /// terminal sits in it). Renames, not copies: instant, and nothing of
    /// theirs is lost. `dest` gets a guard too.
    pub fn keep_in(&self, dest: &Path) -> Result<()> {
        let kept = Sandbox {
            dir: dest.to_path_buf(),
            marker: dest.with_extension("built"),
        };
        fs::create_dir_all(kept.work()).with_context(|| format!("creating {}", kept.work().display()))?;
        for entry in
            fs::read_dir(self.work()).with_context(|| format!("reading {}", self.work().display()))?
        {
            let entry = entry?;
            let to = kept.work().join(entry.file_name());
            fs::rename(entry.path(), &to)
                .with_context(|| format!("moving {} to {}", entry.path().display(), to.display()))?;
        }
        if fs::symlink_metadata(self.origin()).is_ok() {
            fs::rename(self.origin(), kept.origin()).with_context(|| {
                format!(
                    "moving {} to {}",
                    self.origin().display(),
                    kept.origin().display()
                )
            })?;
        }
        kept.write_guard()
    }

    /// Is there anything of the learner's in the work folder?
    pub fn has_work(&self) -> bool {
        fs::read_dir(self.work()).is_ok_and(|mut entries| entries.next().is_some())
    }

    /// The sandbox's repository is not the one backlings built: its local
    /// config has none of the settings setup wrote (the learner deleted
    /// `.git` and ran `git init`), so their own global config applies.
    pub fn reinitialised(&self) -> bool {
        match fs::read_to_string(self.git_dir().join("config")) {
            Ok(config) => {
                !config.contains(LEARNER_EMAIL) && !config.to_ascii_lowercase().contains("gpgsign = false")
            }
            Err(_) => false,
        }
    }

    /// Remove the sandbox and its marker entirely.
    pub fn remove(&self) -> Result<()> {
        remove_path(&self.marker)?;
        remove_path(&self.dir)
    }

    /// Write the runner's global git configuration into the sandbox's HOME
    /// (again, if a learner removed it).
    pub fn ensure_home(&self) -> Result<()> {
        let config = self.home().join(".gitconfig");
        if fs::read_to_string(&config).is_ok_and(|t| t == RUNNER_GITCONFIG) {
            return Ok(());
        }
        crate::fsutil::write_replacing(&config, RUNNER_GITCONFIG.as_bytes())
    }

    /// A process with the sandbox's isolated environment, and nothing of the
    /// runner's own environment but PATH (a stray GIT_DIR from a hook, say,
    /// must not leak in).
    pub fn isolated(&self, program: &str) -> Cmd {
        let home = self.home();
        let mut cmd = Cmd::new(program)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_else(default_path))
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            // Older gits ignore GIT_CONFIG_GLOBAL and read $HOME/.gitconfig:
            // the same file, so they are isolated too.
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", &self.dir)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .timeout(GIT_TIMEOUT);
        if let Some(tmp) = std::env::var_os("TMPDIR") {
            cmd = cmd.env("TMPDIR", tmp);
        }
        cmd
    }

    /// git, on the learner's repository, named explicitly.
    pub fn git(&self) -> Cmd {
        self.isolated("git")
            .env("GIT_DIR", self.git_dir())
            .env("GIT_WORK_TREE", self.work())
            .cwd(self.work())
    }

    /// git, on the bare `origin` repository.
    pub fn git_origin(&self) -> Cmd {
        self.isolated("git").env("GIT_DIR", self.origin()).cwd(&self.dir)
    }
}

/// Remove a file, a symlink (not what it points to) or a folder; a path
/// already gone is fine.
fn remove_path(path: &Path) -> Result<()> {
    let result = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn default_path() -> OsString {
    OsString::from("/usr/local/bin:/usr/bin:/bin")
}

/// git is not installed: the one error that is neither the learner's nor
/// the sandbox's doing, told apart so it is never reported as either.
#[derive(Debug)]
pub struct GitMissing;

impl std::fmt::Display for GitMissing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "git is not installed (no `git` on PATH): git exercises practise the real git command line\n  \
             help: install git (https://git-scm.com/downloads, or your system's package manager), then run backlings again",
        )
    }
}

impl std::error::Error for GitMissing {}

fn name_missing_git(err: anyhow::Error) -> anyhow::Error {
    if is_not_found(&err) {
        GitMissing.into()
    } else {
        err
    }
}

/// Run a git command; a git that is not installed becomes [`GitMissing`].
pub fn run(cmd: &Cmd) -> Result<Finished> {
    cmd.run().map_err(name_missing_git)
}

/// Start a git command and return at once (see `Running::wait`).
pub fn spawn(cmd: &Cmd) -> Result<Running> {
    cmd.spawn().map_err(name_missing_git)
}

/// Run a git command that must succeed; its stdout.
pub fn run_ok(cmd: &Cmd) -> Result<String> {
    let done = run(cmd)?;
    if done.timed_out() {
        bail!(
            "`{}` did not finish within {} s",
            cmd.display(),
            GIT_TIMEOUT.as_secs()
        );
    }
    if !done.success() {
        bail!(
            "`{}` failed ({}): {}",
            cmd.display(),
            done.describe_exit(),
            done.stderr.text().trim()
        );
    }
    Ok(done.stdout.text())
}

fn is_not_found(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::NotFound)
    })
}

/// Fail early, with what to do, when git is missing or too old. Asked once
/// per run.
pub fn require_git() -> Result<()> {
    static FOUND: OnceLock<Result<(), String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let done = Cmd::new("git")
                .arg("--version")
                .timeout(GIT_TIMEOUT)
                .run()
                .map_err(|err| {
                    if is_not_found(&err) {
                        GitMissing.to_string()
                    } else {
                        format!("could not run `git --version`: {err:#}")
                    }
                })?;
            let text = done.stdout.text();
            match parse_version(&text) {
                Some(version) if version >= MIN_GIT => Ok(()),
                Some((major, minor)) => Err(format!(
                    "git {major}.{minor} is too old for git exercises: they need git {}.{} or newer\n  help: update git (https://git-scm.com/downloads)",
                    MIN_GIT.0, MIN_GIT.1
                )),
                // An unusual build that prints something else: let it try.
                None => Ok(()),
            }
        })
        .clone()
        .map_err(|message| anyhow::anyhow!(message))
}

/// `git version 2.47.3` → (2, 47); also `git version 2.39.5 (Apple Git-154)`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let number = text
        .trim()
        .strip_prefix("git version ")?
        .split_whitespace()
        .next()?;
    let mut parts = number.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// A short hash for messages.
pub fn short(hash: &str) -> &str {
    &hash[..hash.len().min(7)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_git_versions() {
        assert_eq!(parse_version("git version 2.47.3\n"), Some((2, 47)));
        assert_eq!(parse_version("git version 2.39.5 (Apple Git-154)"), Some((2, 39)));
        assert_eq!(parse_version("git version 2.28.0.windows.1"), Some((2, 28)));
        assert_eq!(parse_version("hub version 2.14"), None);
    }

    #[test]
    fn a_missing_program_is_named() {
        let err = run(&Cmd::new("git-that-does-not-exist-anywhere")).unwrap_err();
        assert!(err.to_string().contains("git is not installed"), "{err:#}");
    }

    #[test]
    fn the_environment_keeps_nothing_of_the_callers() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::inside(dir.path());
        let done = sandbox.isolated("env").run().unwrap();
        let env = done.stdout.text();
        assert!(env.contains("GIT_CONFIG_NOSYSTEM=1"));
        assert!(env.contains(&format!("HOME={}", sandbox.home().display())));
        assert!(env.contains(&format!("GIT_CEILING_DIRECTORIES={}", sandbox.dir().display())));
        assert!(!env.lines().any(|l| l.starts_with("GIT_DIR=")));
    }
}
