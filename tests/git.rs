//! The git kind, through the real binary, over copies of the fixture packs in
//! `tests/fixtures/git/`. Every run gets a HOME holding a `.gitconfig` that
//! would change git's behaviour if it were read (default branch `trunk`,
//! signing on, colours forced) and must come out byte-for-byte unchanged.
//!
//! The learner's side (git commands typed in the sandbox) is played by the
//! tests with the plain `git` and that same HOME, as a learner's terminal.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const HOSTILE_GITCONFIG: &str = "\
[user]
\tname = Real Person
\temail = real.person@example.org
[init]
\tdefaultBranch = trunk
[commit]
\tgpgSign = true
[tag]
\tgpgSign = true
[color]
\tui = always
[status]
\tshowUntrackedFiles = no
[log]
\tdecorate = full
[format]
\tpretty = oneline
[core]
\thooksPath = /nonexistent-hooks
";

struct Env {
    pack: TempDir,
    home: TempDir,
}

impl Env {
    fn new(fixture: &str) -> Env {
        Env::with_home(fixture, HOSTILE_GITCONFIG)
    }

    fn with_home(fixture: &str, gitconfig: &str) -> Env {
        let pack = tempfile::tempdir().unwrap();
        common::copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/git")
                .join(fixture),
            pack.path(),
        );
        let home = tempfile::tempdir().unwrap();
        fs::write(home.path().join(".gitconfig"), gitconfig).unwrap();
        Env { pack, home }
    }

    fn backlings(&self) -> Command {
        // The learner's own HOME (with a hostile .gitconfig): the runner
        // must isolate its git from it.
        let mut cmd = common::runner();
        cmd.arg("--pack")
            .arg(self.pack.path())
            .env("HOME", self.home.path())
            .env_remove("XDG_CONFIG_HOME");
        cmd
    }

    /// `backlings run NAME --json`: the outcome's JSON and the exit code.
    fn run(&self, name: &str) -> (Value, i32) {
        let out = self.backlings().args(["run", name, "--json"]).output().unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "run {name}: no JSON ({e}); stdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (json["exercises"][0].clone(), out.status.code().unwrap())
    }

    fn work(&self, name: &str) -> PathBuf {
        self.pack
            .path()
            .join(".backlings/sandboxes")
            .join(name)
            .join("work")
    }

    /// A git command typed by the learner in the sandbox, in their own
    /// environment (their HOME and its .gitconfig).
    fn learner_git(&self, name: &str, args: &[&str]) -> String {
        let out = StdCommand::new("git")
            .args(args)
            .current_dir(self.work(name))
            .env("HOME", self.home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A git command typed by the learner that may fail: (success, stdout
    /// and stderr).
    fn try_git(&self, dir: &Path, args: &[&str]) -> (bool, String) {
        let out = StdCommand::new("git")
            .args(args)
            .current_dir(dir)
            .env("HOME", self.home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_CEILING_DIRECTORIES")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_EDITOR", "true")
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    /// Write a file in a sandbox's work tree, as the learner's editor would.
    fn write(&self, name: &str, path: &str, text: &str) {
        fs::write(self.work(name).join(path), text).unwrap();
    }

    /// Every ref of a sandbox and its commit, read without any config.
    fn refs(&self, name: &str) -> String {
        let out = StdCommand::new("git")
            .args(["for-each-ref", "--format=%(refname) %(objectname)"])
            .current_dir(self.work(name))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Run a solution script in the learner's sandbox, as the learner would.
    fn solve(&self, name: &str, answer_file: Option<&Path>) {
        let script = ["version_control", "probes"]
            .iter()
            .map(|stage| {
                self.pack
                    .path()
                    .join("solutions")
                    .join(stage)
                    .join(format!("{name}.sh"))
            })
            .find(|path| path.is_file())
            .unwrap_or_else(|| panic!("no solution script for {name}"));
        let mut cmd = StdCommand::new("sh");
        cmd.arg("-e")
            .arg(&script)
            .current_dir(self.work(name))
            .env("HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("XDG_CONFIG_HOME");
        if let Some(file) = answer_file {
            cmd.env("ANSWER_FILE", file);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{name}.sh failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Every file under HOME and its bytes.
    fn home_snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        snapshot(self.home.path(), self.home.path(), &mut files);
        files
    }
}

fn snapshot(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            snapshot(root, &path, files);
        } else {
            files.insert(
                path.strip_prefix(root).unwrap().to_path_buf(),
                fs::read(&path).unwrap(),
            );
        }
    }
}

/// The ✓/✗ lines of a failing outcome's checklist, as
/// `✓ what: expected` and `✗ what: expected — found found`.
fn checklist(outcome: &Value) -> Vec<String> {
    let detail = details_of(outcome, "checklist")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("a checklist: {outcome:#}"));
    detail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let (what, expected) = (item["what"].as_str().unwrap(), item["expected"].as_str().unwrap());
            if item["passed"].as_bool().unwrap() {
                format!("✓ {what}: {expected}")
            } else {
                format!("✗ {what}: {expected} — found {}", item["found"].as_str().unwrap())
            }
        })
        .collect()
}

/// The details of an outcome of one type, in order.
fn details_of(outcome: &Value, kind: &str) -> Vec<Value> {
    outcome["details"]
        .as_array()
        .map(|all| all.iter().filter(|d| d["type"] == kind).cloned().collect())
        .unwrap_or_default()
}

/// Where a detail of `kind` whose text or command contains `needle` sits
/// among the outcome's details.
fn position_of(outcome: &Value, kind: &str, needle: &str) -> Option<usize> {
    outcome["details"]
        .as_array()?
        .iter()
        .position(|d| d["type"] == kind && (d.to_string().contains(needle) || needle.is_empty()))
}

#[test]
fn setup_is_deterministic_whatever_the_learners_config() {
    let first = Env::new("examples");
    let second = Env::with_home("examples", "");
    for env in [&first, &second] {
        for name in ["publish_feature", "find_the_bug"] {
            let (outcome, code) = env.run(name);
            assert_eq!((outcome["status"].as_str(), code), (Some("fail"), 1), "{outcome}");
        }
    }
    for name in ["publish_feature", "find_the_bug"] {
        let refs = first.refs(name);
        assert!(
            refs.contains("refs/heads/main "),
            "the default branch is main, not the learner's: {refs}"
        );
        assert_eq!(refs, second.refs(name), "two packs, two HOMEs: the same commits");
    }
    // And once more after a rebuild.
    let before = first.refs("publish_feature");
    first
        .backlings()
        .args(["reset", "publish_feature"])
        .assert()
        .success();
    assert_eq!(first.refs("publish_feature"), before);
}

#[test]
fn every_check_passes_on_a_scenario_that_satisfies_it() {
    let env = Env::new("checks");
    let (outcome, code) = env.run("all_pass");
    assert_eq!(code, 0, "{outcome:#}");
    assert_eq!(
        outcome["message"],
        "the repository is as the exercise asks: all 39 checks pass"
    );
}

#[test]
fn every_check_fails_saying_what_was_expected_and_what_was_found() {
    let env = Env::new("checks");
    let (outcome, code) = env.run("all_fail");
    assert_eq!(code, 1, "{outcome:#}");
    let lines = checklist(&outcome);
    // One line per check, in the scenario's order (the order of AUTHORING.md).
    let expected = [
        "✗ current branch: `feature` — found `main`",
        "✗ branch `topic`: it exists — found no such branch",
        "✗ branch `feature`: it is deleted — found it exists, at ",
        "✗ local branches: \"feature\", \"main\" — found \"clash\", \"feature\", \"main\"",
        "✗ tag `light`: an annotated tag — found a lightweight tag on ",
        "✗ tag `v0.1`: no such tag — found an annotated tag on ",
        "✗ tags: \"v0.1\" — found \"light\", \"v0.1\"",
        "✗ message of tag `v0.1`: \"Second tag\" — found \"First tag\"",
        "✗ commits on `main`: 4 — found 5",
        "✗ message of `HEAD`: \"Merge branch 'feature'\" — found \"Retitle\"",
        "✗ newest 2 messages on `HEAD`, newest first: \"Work on main\", \"Add feature\" — found \"Retitle\", \"Merge branch 'feature'\"",
        "✗ commits on `HEAD`: one with message /^Add tests/ — found none (newest: \"Retitle\"",
        "✗ commits on `HEAD`: none with message \"Work on main\" — found ",
        "✗ message body of `HEAD` (below its first line): \"Why it changed\" — found no body (only a subject line)",
        "✗ paths changed by `HEAD`: \"main.txt\" — found M README.md",
        ": \"README.md\" — found \".gitignore\", \"README.md\"",
        "✗ `README.md` at `v0.1`: \"# Wrong\" — found line 1 differs: expected \"# Wrong\", found \"# Demo\"",
        "✗ `feature.txt` in the work tree: text containing \"nothing like this\" — found no such text",
        "✗ `detour.txt` in the work tree: it exists — found no such file",
        "✗ work tree: nothing to commit, no untracked files — found 2 changes: added staged.txt, unmerged README.md",
        "✗ staged changes: none — found 2 changes: added staged.txt, unmerged README.md",
        "✗ `staged.txt` in the index (staged): \"other\" — found line 1 differs: expected \"other\", found \"staged\"",
        "✗ `git status --short`: \"A  staged.txt\" — found \"A  staged.txt\", \"UU README.md\"",
        "✗ `main.txt` in the index: not tracked — found tracked",
        "✗ parents of `HEAD`: 2 (a merge commit) — found 1: ",
        "✗ history of `main`: linear, no merge commits — found merge commit ",
        "reachable from `main` — found not reachable from `main`",
        "not reachable from `main` — found reachable from `main`",
        "✗ `main`: at `",
        "✗ stash entries: 0 — found 1",
        "✗ `main` on origin: ",
        "✗ upstream of `feature`: `origin/main` — found `origin/feature`",
        "✗ conflicts: all resolved — found 3 changes: README.md is unmerged, a conflict marker in README.md:1",
        "✗ operation in progress: nothing — found a merge (resolve the conflicts, `git add` the files and `git commit`; or `git merge --abort` to go back)",
        "✗ `README.md`: ignored by git — found not ignored",
        "✗ `app.log`: not ignored — found ignored by `*.log` (.gitignore:1)",
        "✗ author of `",
        "✗ committer of `",
        "✗ your answer in `exercises/checks/all_fail.txt`: the hash of the right commit (7 characters or more) — found no answer",
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, part) in lines.iter().zip(expected) {
        assert!(line.contains(part), "{line:?} should contain {part:?}");
    }
    assert!(lines[36].ends_with(": \"Sam Rivera\" — found \"Ada Lovelace <ada@example.com>\""));
    // The merge left half done is said first, with its way out, before
    // the checklist.
    assert_eq!(
        outcome["message"],
        "a merge is in progress: finish it or abort it first (39 of 39 checks failing)"
    );
    let abort = position_of(&outcome, "command", "git merge --abort").expect("the abort command");
    let list = position_of(&outcome, "checklist", "").unwrap();
    assert!(abort < list, "{outcome:#}");
    // After the checklist: the first failing check in full.
    let next = &outcome["details"][list + 1];
    assert_eq!(next["type"], "mismatch");
    assert_eq!(next["what"], "next: current branch");
    assert_eq!(
        (next["expected"].as_str(), next["found"].as_str()),
        (Some("`feature`"), Some("`main`"))
    );
}

#[test]
fn a_solution_script_passes_its_exercise() {
    let env = Env::new("examples");
    let (outcome, _) = env.run("publish_feature");
    assert_eq!(outcome["status"], "fail");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .starts_with("parents of `main`: expected 2 (a merge commit)"),
        "{outcome:#}"
    );
    env.solve("publish_feature", None);
    let (outcome, code) = env.run("publish_feature");
    assert_eq!(
        (outcome["status"].as_str(), code),
        (Some("pass"), 0),
        "{outcome:#}"
    );

    let (outcome, _) = env.run("find_the_bug");
    assert_eq!(
        outcome["message"],
        "your answer in `exercises/version_control/find_the_bug.txt`: no answer yet (write it on a line of its own)"
    );
    let answer = env.pack.path().join("exercises/version_control/find_the_bug.txt");
    env.solve("find_the_bug", Some(&answer));
    let (outcome, code) = env.run("find_the_bug");
    assert_eq!(
        (outcome["status"].as_str(), code),
        (Some("pass"), 0),
        "{outcome:#}"
    );
}

#[test]
fn the_check_follows_the_learners_git_commands() {
    let env = Env::new("examples");
    env.run("publish_feature");
    // A fast-forward merge: the feature is in, but there is no merge commit.
    env.learner_git("publish_feature", &["merge", "search"]);
    let (outcome, _) = env.run("publish_feature");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .starts_with("parents of `main`: expected 2 (a merge commit), found 1"),
        "{outcome:#}"
    );
    assert!(
        outcome["details"][2]["text"]
            .as_str()
            .unwrap()
            .contains("git merge --no-ff search"),
        "the failing check's `why` follows it: {outcome:#}"
    );
    // Undo, merge properly: what is left is to publish and tidy up.
    env.learner_git("publish_feature", &["reset", "--hard", "ORIG_HEAD"]);
    env.learner_git("publish_feature", &["merge", "--no-ff", "--no-edit", "search"]);
    let (outcome, _) = env.run("publish_feature");
    let failing: Vec<String> = checklist(&outcome)
        .into_iter()
        .filter(|l| l.starts_with('✗'))
        .collect();
    assert_eq!(failing.len(), 2, "{failing:#?}");
    assert!(failing[0].starts_with("✗ `main` on origin: "), "{failing:#?}");
    assert!(
        failing[1].starts_with("✗ branch `search`: it is deleted"),
        "{failing:#?}"
    );
    let last = outcome["details"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["command"],
        format!("cd {}", env.work("publish_feature").display()),
        "the outcome says where to type"
    );
}

#[test]
fn the_learners_home_is_never_read_nor_changed() {
    let env = Env::new("examples");
    let before = env.home_snapshot();
    env.run("publish_feature");
    env.run("find_the_bug");
    env.backlings().args(["check", "--json"]).assert().failure();
    env.backlings()
        .args(["reset", "publish_feature"])
        .assert()
        .success();
    env.backlings().args(["reset", "find_the_bug"]).assert().success();
    env.run("publish_feature");
    assert_eq!(
        env.home_snapshot(),
        before,
        "HOME must be byte-for-byte unchanged"
    );
    // The learner's own commits in the sandbox use the sandbox's identity and
    // no signing, whatever their global config says.
    env.learner_git("publish_feature", &["commit", "--allow-empty", "-m", "Mine"]);
    let author = env.learner_git("publish_feature", &["log", "-1", "--format=%an <%ae>"]);
    assert_eq!(author.trim(), "Backlings Learner <learner@backlings.invalid>");
    assert_eq!(env.home_snapshot(), before);
}

#[test]
fn a_deleted_sandbox_gets_the_hint_to_reset_and_the_packs_repository_is_untouched() {
    let env = Env::new("examples");
    // The pack is itself a git repository, as a cloned pack is.
    let pack_git = |args: &[&str]| {
        let out = StdCommand::new("git")
            .args(args)
            .current_dir(env.pack.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Pack")
            .env("GIT_AUTHOR_EMAIL", "pack@example.com")
            .env("GIT_COMMITTER_NAME", "Pack")
            .env("GIT_COMMITTER_EMAIL", "pack@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    pack_git(&["init", "--quiet", "-b", "main"]);
    fs::write(env.pack.path().join(".gitignore"), "/.backlings\n").unwrap();
    pack_git(&["add", "-A"]);
    pack_git(&["commit", "--quiet", "-m", "The pack"]);
    let pack_state = || (pack_git(&["for-each-ref"]), pack_git(&["status", "--porcelain"]));
    let pack_before = pack_state();

    env.run("publish_feature");
    fs::remove_file(env.work("publish_feature").join(".git/HEAD")).unwrap();
    let (outcome, code) = env.run("publish_feature");
    assert_eq!(
        (outcome["status"].as_str(), code),
        (Some("error"), 1),
        "{outcome:#}"
    );
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .starts_with("git could not read the sandbox"),
        "{outcome:#}"
    );
    assert_eq!(
        outcome["details"][1]["command"], "backlings reset publish_feature",
        "{outcome:#}"
    );

    fs::remove_dir_all(env.work("publish_feature").join(".git")).unwrap();
    let (outcome, code) = env.run("publish_feature");
    assert_eq!(
        (outcome["status"].as_str(), code),
        (Some("error"), 1),
        "{outcome:#}"
    );
    let message = outcome["message"].as_str().unwrap();
    assert!(message.contains("has no .git folder any more"), "{message}");
    assert!(message.contains("`backlings reset publish_feature`"), "{message}");

    fs::remove_dir_all(env.pack.path().join(".backlings/sandboxes/publish_feature")).unwrap();
    let (outcome, code) = env.run("publish_feature");
    assert_eq!(
        (outcome["status"].as_str(), code),
        (Some("error"), 1),
        "{outcome:#}"
    );
    let message = outcome["message"].as_str().unwrap();
    assert!(
        message.contains("is gone: run `backlings reset publish_feature`"),
        "{message}"
    );
    assert_eq!(
        pack_state(),
        pack_before,
        "the pack's own repository is never touched"
    );

    env.backlings()
        .args(["reset", "publish_feature"])
        .assert()
        .success()
        .stdout(predicates::str::contains("rebuilt the sandbox from scratch"));
    let (outcome, _) = env.run("publish_feature");
    assert_eq!(
        outcome["status"], "fail",
        "a rebuilt sandbox is checked again: {outcome:#}"
    );
    assert_eq!(pack_state(), pack_before);
}

#[test]
fn reset_rebuilds_the_sandbox_and_the_answer_file() {
    let env = Env::new("examples");
    env.run("find_the_bug");
    let refs = env.refs("find_the_bug");
    let folder = || std::os::unix::fs::MetadataExt::ino(&fs::metadata(env.work("find_the_bug")).unwrap());
    let folder_before = folder();
    let answer = env.pack.path().join("exercises/version_control/find_the_bug.txt");
    let starter = fs::read_to_string(&answer).unwrap();
    env.learner_git("find_the_bug", &["switch", "--quiet", "--detach", "HEAD~3"]);
    env.learner_git("find_the_bug", &["branch", "--quiet", "scratch"]);
    fs::write(&answer, "abcdef0\n").unwrap();
    let (outcome, _) = env.run("find_the_bug");
    assert!(
        checklist(&outcome)
            .iter()
            .any(|l| l.contains("found abcdef0, another commit")),
        "{outcome:#}"
    );

    env.backlings().args(["reset", "find_the_bug"]).assert().success();
    assert_eq!(env.refs("find_the_bug"), refs);
    assert_eq!(
        folder(),
        folder_before,
        "a terminal sitting in the sandbox stays in it"
    );
    assert!(
        !env.pack
            .path()
            .join(".backlings/sandboxes/find_the_bug/work/.git/refs/heads/scratch")
            .exists(),
        "nothing of the old sandbox is left"
    );
    assert_eq!(fs::read_to_string(&answer).unwrap(), starter);
}

#[test]
fn without_git_the_exercise_says_so() {
    let env = Env::new("examples");
    let empty = tempfile::tempdir().unwrap();
    env.backlings()
        .env("PATH", empty.path())
        .args(["run", "publish_feature"])
        .assert()
        // A tool the runner needs is missing: not the learner's input (docs/json.md).
        .code(3)
        .stderr(predicates::str::contains("git is not installed"));
    let out = env
        .backlings()
        .env("PATH", empty.path())
        .args(["check", "--json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["exercises"][0]["status"], "error");
    assert!(
        json["exercises"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("git is not installed")
    );

    // Built while git was there, checked after it went away.
    env.backlings().args(["run", "publish_feature"]).assert().code(1);
    let out = env
        .backlings()
        .env("PATH", empty.path())
        .args(["run", "publish_feature", "--json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let outcome = &json["exercises"][0];
    assert_eq!(outcome["status"], "error", "{outcome:#}");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .starts_with("git is not installed"),
        "{outcome:#}"
    );
    assert!(
        !outcome.to_string().contains("backlings reset"),
        "the sandbox is fine: {outcome:#}"
    );
}

#[test]
fn a_sandbox_not_built_yet_is_not_a_crash() {
    let env = Env::new("examples");
    let out = env.backlings().args(["check", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    for exercise in json["exercises"].as_array().unwrap() {
        assert_eq!(exercise["status"], "error");
        assert!(
            exercise["message"].as_str().unwrap().contains("not built yet"),
            "{exercise}"
        );
    }
}

#[test]
fn scenario_mistakes_are_reported_at_file_line_col() {
    let env = Env::new("examples");
    let scenario = env
        .pack
        .path()
        .join("exercises/version_control/publish_feature.scenario.toml");
    let text = fs::read_to_string(&scenario).unwrap();
    let line = text.lines().position(|l| l == "on_branch = \"main\"").unwrap() + 1;
    fs::write(
        &scenario,
        text.replace("on_branch = \"main\"", "on_brnch = \"main\""),
    )
    .unwrap();
    env.backlings().arg("list").assert().code(2).stderr(predicates::str::contains(format!(
        "exercises/version_control/publish_feature.scenario.toml:{line}:1: unknown check key `on_brnch`\n  help: did you mean on_branch? e.g. `on_branch = \"main\"`"
    )));
}

#[test]
fn the_learners_local_config_does_not_change_what_the_checks_read() {
    let env = Env::new("examples");
    let (before, _) = env.run("publish_feature");
    for (key, value) in [
        ("color.ui", "always"),
        ("log.showSignature", "true"),
        ("status.showUntrackedFiles", "no"),
        ("core.quotePath", "true"),
        ("format.pretty", "oneline"),
    ] {
        env.learner_git("publish_feature", &["config", key, value]);
    }
    fs::write(env.work("publish_feature").join("notes é.txt"), "mine\n").unwrap();
    let (after, _) = env.run("publish_feature");
    let lines = checklist(&after);
    assert!(
        lines.contains(
            &"✗ work tree: nothing to commit, no untracked files — found 1 change: untracked notes é.txt"
                .to_string()
        ),
        "{lines:#?}"
    );
    // Everything else reads as before the learner's settings.
    let without_work_tree = |lines: Vec<String>| -> Vec<String> {
        lines.into_iter().filter(|l| !l.contains("work tree:")).collect()
    };
    assert_eq!(without_work_tree(lines), without_work_tree(checklist(&before)));
}

// ---- issue 14: checks that see the whole repository ----

fn message(outcome: &Value) -> String {
    outcome["message"].as_str().unwrap_or_default().to_string()
}

fn failing(outcome: &Value) -> Vec<String> {
    checklist(outcome)
        .into_iter()
        .filter(|l| l.starts_with('✗'))
        .collect()
}

#[test]
fn exact_paths_catch_commit_all_and_add_everything() {
    // `commit -a` takes b.txt too.
    let env = Env::new("probes");
    env.run("stage_one");
    env.learner_git(
        "stage_one",
        &["commit", "-q", "-a", "-m", "Update a", "-m", "Because a changed."],
    );
    let (outcome, code) = env.run("stage_one");
    assert_eq!(code, 1, "{outcome:#}");
    let lines = failing(&outcome);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("✗ paths changed by `HEAD`: \"a.txt\" — found M a.txt, M b.txt")),
        "{lines:#?}"
    );
    assert!(
        message(&outcome).contains("not expected \"b.txt\""),
        "{outcome:#}"
    );

    // `git add .` takes the secret too.
    let env = Env::new("probes");
    env.run("stage_one");
    env.learner_git("stage_one", &["add", "."]);
    env.learner_git(
        "stage_one",
        &["commit", "-q", "-m", "Update a", "-m", "Because a changed."],
    );
    let (outcome, _) = env.run("stage_one");
    let lines = failing(&outcome);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("files in `HEAD`") && l.contains("\"secret.env\"")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("✗ `git status --short`")),
        "{lines:#?}"
    );

    // An extra branch, an extra tag.
    let env = Env::new("probes");
    env.run("stage_one");
    env.solve("stage_one", None);
    assert_eq!(env.run("stage_one").1, 0);
    env.learner_git("stage_one", &["branch", "spare"]);
    env.learner_git("stage_one", &["tag", "oops"]);
    let (outcome, _) = env.run("stage_one");
    let lines = failing(&outcome);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("✗ local branches: \"main\" — found \"main\", \"spare\"")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("✗ tags: none — found \"oops\"")),
        "{lines:#?}"
    );
    env.learner_git("stage_one", &["branch", "-D", "spare"]);
    env.learner_git("stage_one", &["tag", "-d", "oops"]);
    let (outcome, code) = env.run("stage_one");
    assert_eq!(code, 0, "only the one path: {outcome:#}");
}

#[test]
fn the_index_is_seen_path_by_path() {
    // The right version staged, then edited again in the work tree.
    let env = Env::new("probes");
    env.run("index");
    env.learner_git("index", &["add", "app.conf"]);
    env.write("index", "app.conf", "name=demo\nport=9090\n");
    let (outcome, _) = env.run("index");
    let lines = failing(&outcome);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("✗ `git status --short app.conf`: \"M  app.conf\" — found \"MM app.conf\""),
        "{lines:#?}"
    );

    // The wrong version staged: a line diff says which line.
    let env = Env::new("probes");
    env.run("index");
    env.write("index", "app.conf", "name=demo\nport=9090\n");
    env.learner_git("index", &["add", "app.conf"]);
    let (outcome, _) = env.run("index");
    assert!(
        message(&outcome).starts_with(
            "`app.conf` in the index (staged): line 2 differs: expected \"port=8080\", found \"port=9090\""
        ),
        "{outcome:#}"
    );
    let diff = details_of(&outcome, "output");
    let text = diff[0]["text"].as_str().unwrap();
    assert!(
        text.contains("-port=8080\n+port=9090\n") && text.contains(" name=demo\n"),
        "{text}"
    );

    let env = Env::new("probes");
    env.run("index");
    env.solve("index", None);
    let (outcome, code) = env.run("index");
    assert_eq!(code, 0, "{outcome:#}");
}

#[test]
fn tag_messages_and_kinds_are_checked() {
    let env = Env::new("probes");
    env.run("release");
    env.learner_git("release", &["tag", "-a", "v1.0", "-m", "Release 1.0 beta"]);
    let (outcome, _) = env.run("release");
    assert_eq!(
        message(&outcome),
        "message of tag `v1.0`: expected \"Release 1.0\", found \"Release 1.0 beta\""
    );
    env.learner_git("release", &["tag", "-d", "v1.0"]);
    env.learner_git("release", &["tag", "v1.0"]);
    let (outcome, _) = env.run("release");
    assert!(
        failing(&outcome)
            .iter()
            .any(|l| l.contains("a lightweight tag, which has no message")),
        "{outcome:#}"
    );
    env.learner_git("release", &["tag", "-d", "v1.0"]);
    env.solve("release", None);
    assert_eq!(env.run("release").1, 0);

    // A missing body fails; the right one passes (stage_one's `body`).
    let env = Env::new("probes");
    env.run("stage_one");
    env.learner_git("stage_one", &["add", "a.txt"]);
    env.learner_git("stage_one", &["commit", "-q", "-m", "Update a"]);
    let (outcome, _) = env.run("stage_one");
    assert_eq!(
        failing(&outcome),
        [
            "✗ message body of `HEAD` (below its first line): \"Because a changed.\" — found no body (only a subject line)"
        ]
    );
}

#[test]
fn where_an_ignore_rule_comes_from_is_checked() {
    let env = Env::new("probes");
    env.run("ignore_logs");
    let exclude = env.work("ignore_logs").join(".git/info/exclude");
    let mut text = fs::read_to_string(&exclude).unwrap_or_default();
    text.push_str("*.log\n");
    fs::write(&exclude, text).unwrap();
    let (outcome, code) = env.run("ignore_logs");
    assert_eq!(code, 1, "{outcome:#}");
    assert!(
        message(&outcome).contains(
            "expected ignored by a rule in `.gitignore`, found ignored by `*.log` (.git/info/exclude:"
        ),
        "{outcome:#}"
    );
    env.solve("ignore_logs", None);
    let (outcome, code) = env.run("ignore_logs");
    assert_eq!(code, 0, "{outcome:#}");
}

#[test]
fn an_answer_file_can_live_in_the_sandbox() {
    let env = Env::new("probes");
    env.run("quiz_inside");
    env.write(
        "quiz_inside",
        "ANSWER.txt",
        "# The author's name, below:\nSam Rivera\n",
    );
    let (outcome, _) = env.run("quiz_inside");
    assert_eq!(
        message(&outcome),
        "your answer in `ANSWER.txt`: expected the right answer, found \"Sam Rivera\""
    );
    env.write("quiz_inside", "ANSWER.txt", "# The author's name, below:\n");
    env.solve("quiz_inside", None);
    assert_eq!(env.run("quiz_inside").1, 0);
}

#[test]
fn an_operation_in_progress_is_said_first_with_its_way_out() {
    let env = Env::new("probes");
    env.run("rebase_feature");
    let (ok, _) = env.try_git(&env.work("rebase_feature"), &["rebase", "main"]);
    assert!(!ok, "the rebase stops on the conflict");
    let (outcome, _) = env.run("rebase_feature");
    assert!(
        message(&outcome).starts_with("a rebase is in progress: finish it or abort it first"),
        "not \"detached HEAD\" first: {outcome:#}"
    );
    let list = position_of(&outcome, "checklist", "").unwrap();
    for command in ["git rebase --continue", "git rebase --abort"] {
        let at =
            position_of(&outcome, "command", command).unwrap_or_else(|| panic!("{command}: {outcome:#}"));
        assert!(at < list, "{outcome:#}");
    }
    assert!(
        !outcome.to_string().contains("HEAD is detached"),
        "a rebase detaches HEAD: {outcome:#}"
    );
    // Finished as the advice says: passes, nothing left to diagnose.
    env.write("rebase_feature", "notes.txt", "start\nmain\nfeature\n");
    env.learner_git("rebase_feature", &["add", "notes.txt"]);
    let (ok, out) = env.try_git(&env.work("rebase_feature"), &["rebase", "--continue"]);
    assert!(ok, "{out}");
    let (outcome, code) = env.run("rebase_feature");
    assert_eq!(code, 0, "{outcome:#}");
}

#[test]
fn a_cherry_pick_a_revert_and_a_bisect_in_progress_are_each_said_first() {
    // On `feature`, whose note conflicts with main's: picking main's tip, or
    // reverting the first commit (which created the note), stops on a
    // conflict; a bisect needs none.
    let cases: [(&str, &[&str], &[&str]); 3] = [
        (
            "cherry-pick",
            &["cherry-pick", "main"],
            &["git cherry-pick --continue", "git cherry-pick --abort"],
        ),
        (
            "revert",
            &["revert", "--no-edit", "HEAD~1"],
            &["git revert --continue", "git revert --abort"],
        ),
        ("bisect", &["bisect", "start"], &["git bisect reset"]),
    ];
    for (op, start, ways_out) in cases {
        let env = Env::new("probes");
        env.run("rebase_feature");
        let _ = env.try_git(&env.work("rebase_feature"), start);
        let (outcome, code) = env.run("rebase_feature");
        assert_ne!(code, 0, "{op}: {outcome:#}");
        assert!(
            message(&outcome).starts_with(&format!("a {op} is in progress: finish it or abort it first")),
            "{op}: {outcome:#}"
        );
        let list = position_of(&outcome, "checklist", "").unwrap();
        for command in ways_out {
            let at = position_of(&outcome, "command", command)
                .unwrap_or_else(|| panic!("{op}: {command}: {outcome:#}"));
            assert!(at < list, "{op}: {outcome:#}");
        }
    }
}

#[test]
fn a_detached_head_is_said_first_with_the_way_back() {
    let env = Env::new("probes");
    env.run("stage_one");
    env.solve("stage_one", None);
    env.learner_git("stage_one", &["switch", "-q", "--detach", "HEAD"]);
    let (outcome, _) = env.run("stage_one");
    assert!(
        message(&outcome).starts_with("HEAD is detached at "),
        "{outcome:#}"
    );
    let back = position_of(&outcome, "command", "git switch main").expect("the way back");
    assert!(back < position_of(&outcome, "checklist", "").unwrap());
    env.learner_git("stage_one", &["switch", "-q", "main"]);
    assert_eq!(env.run("stage_one").1, 0);
}

#[test]
fn an_amend_by_mistake_gets_the_reflog_way_back() {
    let env = Env::new("probes");
    env.run("add_commit");
    env.learner_git("add_commit", &["add", "b.txt"]);
    env.learner_git("add_commit", &["commit", "-q", "--amend", "-m", "Add b"]);
    let (outcome, _) = env.run("add_commit");
    assert!(
        message(&outcome).starts_with("your `git commit --amend` replaced commit "),
        "not just \"expected 3, found 2\": {outcome:#}"
    );
    let undo = details_of(&outcome, "command");
    assert!(
        undo.iter().any(|c| c["command"] == "git reset --soft HEAD@{1}"),
        "{outcome:#}"
    );
    // The advice works: undo the amend, commit on top.
    env.learner_git("add_commit", &["reset", "--soft", "HEAD@{1}"]);
    env.learner_git("add_commit", &["commit", "-q", "-m", "Add b"]);
    let (outcome, code) = env.run("add_commit");
    assert_eq!(code, 0, "{outcome:#}");
}

#[test]
fn committed_conflict_markers_get_edit_then_amend() {
    let env = Env::new("probes");
    env.run("finish_merge");
    env.learner_git("finish_merge", &["commit", "-q", "-a", "--no-edit"]);
    let (outcome, _) = env.run("finish_merge");
    assert!(
        message(&outcome).starts_with("conflict markers were committed: README.md:1"),
        "{outcome:#}"
    );
    assert!(
        details_of(&outcome, "command")
            .iter()
            .any(|c| c["command"] == "git add README.md && git commit --amend --no-edit"),
        "{outcome:#}"
    );
    env.write("finish_merge", "README.md", "main\ntopic\n");
    env.learner_git("finish_merge", &["add", "README.md"]);
    env.learner_git("finish_merge", &["commit", "-q", "--amend", "--no-edit"]);
    let (outcome, code) = env.run("finish_merge");
    assert_eq!(code, 0, "{outcome:#}");
}

#[test]
fn a_nondeterministic_setup_makes_the_pack_unsound() {
    let env = Env::new("probes");
    let scenario = env.pack.path().join("exercises/probes/release.scenario.toml");
    let text = fs::read_to_string(&scenario).unwrap();
    // A commit message read from a file that differs at every read: each
    // build gets other hashes.
    let step =
        "[[step]]\ngit = [\"commit\", \"--allow-empty\", \"-F\", \"/proc/sys/kernel/random/uuid\"]\n\n";
    fs::write(
        &scenario,
        text.replacen("[[check]]", &format!("{step}[[check]]"), 1),
    )
    .unwrap();
    let out = env.backlings().args(["dev", "check", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert!(doc.to_string().contains("starter_errors"), "{doc:#}");
    assert!(doc.to_string().contains("not deterministic"), "{doc:#}");
}

#[test]
fn a_recreated_repository_is_explained_and_reset_is_offered() {
    let env = Env::new("probes");
    env.run("stage_one");
    fs::remove_dir_all(env.work("stage_one").join(".git")).unwrap();
    env.learner_git("stage_one", &["init", "-q"]);
    // The learner's own config applies now: signing on, and no key.
    let (ok, said) = env.try_git(
        &env.work("stage_one"),
        &["commit", "-q", "--allow-empty", "-m", "x"],
    );
    assert!(!ok, "{said}");
    let (outcome, code) = env.run("stage_one");
    assert_eq!(code, 1, "{outcome:#}");
    assert!(
        message(&outcome).starts_with("this sandbox's repository was made again with `git init`"),
        "not just \"no commits yet\": {outcome:#}"
    );
    assert!(outcome.to_string().contains("gpg failed to sign"), "{outcome:#}");
    assert_eq!(
        details_of(&outcome, "command")[0]["command"],
        "backlings reset stage_one"
    );
    env.backlings().args(["reset", "stage_one"]).assert().success();
    let (outcome, _) = env.run("stage_one");
    assert!(!message(&outcome).contains("made again"), "{outcome:#}");
}

// ---- issue 11: the pack's own repository, links out of the pack ----

/// Make the pack a git repository, as a cloned pack is; its state, read.
fn make_pack_a_repository(env: &Env) -> impl Fn() -> String + '_ {
    let pack_git = move |args: &[&str]| {
        let out = StdCommand::new("git")
            .args(args)
            .current_dir(env.pack.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Pack")
            .env("GIT_AUTHOR_EMAIL", "pack@example.com")
            .env("GIT_COMMITTER_NAME", "Pack")
            .env("GIT_COMMITTER_EMAIL", "pack@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    pack_git(&["init", "--quiet", "-b", "main"]);
    fs::write(env.pack.path().join(".gitignore"), "/.backlings\n").unwrap();
    pack_git(&["add", "-A"]);
    pack_git(&["commit", "--quiet", "-m", "The pack"]);
    move || {
        pack_git(&["for-each-ref"])
            + &pack_git(&["status", "--porcelain"])
            + &pack_git(&["log", "--format=%H"])
    }
}

#[test]
fn no_git_command_in_a_sandbox_reaches_the_packs_repository() {
    let env = Env::new("probes");
    let pack_state = make_pack_a_repository(&env);
    let before = pack_state();
    env.run("stage_one");
    let work = env.work("stage_one");
    let sandbox = work.parent().unwrap().to_path_buf();
    fs::remove_dir_all(work.join(".git")).unwrap();
    let pack = env.pack.path().display().to_string();
    let probe = |dir: &Path| {
        for args in [
            &["rev-parse", "--show-toplevel"][..],
            &["status"],
            &["add", "-A"],
            &["commit", "-q", "--allow-empty", "-m", "Into the pack?"],
        ] {
            let (ok, said) = env.try_git(dir, args);
            assert!(!ok, "git {args:?} in {} worked: {said}", dir.display());
            assert!(said.contains("not a git repository"), "{said}");
            assert!(!said.contains(&format!("{pack}\n")), "{said}");
        }
    };
    probe(&work);
    probe(&sandbox);
    probe(&sandbox.join("home"));
    // The guard deleted too: the next check puts it back.
    fs::remove_file(sandbox.join(".git")).unwrap();
    env.run("stage_one");
    probe(&work);
    assert_eq!(pack_state(), before, "the pack's repository is untouched");
    // And `git init` there makes the learner's own repository, not one
    // inside the pack's.
    env.learner_git("stage_one", &["init", "-q"]);
    let top = env.learner_git("stage_one", &["rev-parse", "--show-toplevel"]);
    assert_eq!(Path::new(top.trim()), fs::canonicalize(&work).unwrap());
}

#[test]
fn a_symlinked_sandboxes_folder_is_refused_and_named() {
    let env = Env::new("probes");
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(outside.path().join("stage_one/work")).unwrap();
    fs::write(outside.path().join("stage_one/work/precious.txt"), "mine\n").unwrap();
    fs::create_dir_all(env.pack.path().join(".backlings")).unwrap();
    let link = env.pack.path().join(".backlings/sandboxes");
    std::os::unix::fs::symlink(outside.path(), &link).unwrap();
    for args in [&["reset", "stage_one"][..], &["run", "stage_one"]] {
        let out = env.backlings().args(args).output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{args:?}: {said}");
        assert!(
            said.contains(&format!("{} is a symbolic link", link.display())),
            "{args:?}: {said}"
        );
    }
    assert_eq!(
        fs::read_to_string(outside.path().join("stage_one/work/precious.txt")).unwrap(),
        "mine\n"
    );
    assert_eq!(
        fs::read_dir(outside.path()).unwrap().count(),
        1,
        "nothing written outside"
    );
}

// ---- issue 19: a reset keeps the learner's repository ----

#[test]
fn a_reset_keeps_the_learners_repository_where_it_says() {
    let env = Env::new("probes");
    env.run("add_commit");
    env.learner_git("add_commit", &["add", "b.txt"]);
    env.learner_git("add_commit", &["commit", "-q", "-m", "My own work"]);
    env.write("add_commit", "draft.txt", "not committed\n");
    let kept_at = |stdout: &str| -> PathBuf {
        let line = stdout
            .lines()
            .find(|l| l.contains("your repository as it was is kept in "))
            .unwrap_or_else(|| panic!("{stdout}"));
        let rest = line.split("kept in ").nth(1).unwrap();
        PathBuf::from(rest.split(" (cd ").next().unwrap())
    };
    let out = env.backlings().args(["reset", "add_commit"]).output().unwrap();
    assert!(out.status.success());
    let first = kept_at(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        first,
        env.pack.path().join(".backlings/replaced/sandboxes/add_commit.1")
    );
    let (ok, log) = env.try_git(&first.join("work"), &["log", "-1", "--format=%s"]);
    assert!(ok && log.trim() == "My own work", "{log}");
    assert_eq!(
        fs::read_to_string(first.join("work/draft.txt")).unwrap(),
        "not committed\n"
    );
    // The sandbox itself is the scenario's again.
    let (outcome, _) = env.run("add_commit");
    assert!(message(&outcome).starts_with("newest 3 messages"), "{outcome:#}");
    // A second reset keeps a second copy, the first one untouched.
    let out = env.backlings().args(["reset", "add_commit"]).output().unwrap();
    let second = kept_at(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        second,
        env.pack.path().join(".backlings/replaced/sandboxes/add_commit.2")
    );
    let (_, log) = env.try_git(&first.join("work"), &["log", "-1", "--format=%s"]);
    assert_eq!(log.trim(), "My own work");
}

#[test]
fn a_scenario_can_start_without_a_repository() {
    let env = Env::new("probes");
    let (outcome, code) = env.run("start_repo");
    assert_eq!(code, 1, "{outcome:#}");
    assert_eq!(
        message(&outcome),
        "the sandbox is not a repository yet: `git init` makes one"
    );
    let (ok, said) = env.try_git(&env.work("start_repo"), &["status"]);
    assert!(!ok && said.contains("not a git repository"), "{said}");
    env.learner_git("start_repo", &["init", "-q", "-b", "main"]);
    env.learner_git("start_repo", &["add", "README.md"]);
    let (outcome, _) = env.run("start_repo");
    assert_eq!(failing(&outcome).len(), 2, "{outcome:#}");
    assert!(
        !message(&outcome).contains("made again"),
        "git init is the lesson here: {outcome:#}"
    );
    env.learner_git(
        "start_repo",
        &["-c", "commit.gpgSign=false", "commit", "-q", "-m", "First commit"],
    );
    let (outcome, code) = env.run("start_repo");
    assert_eq!(code, 0, "{outcome:#}");
}

#[test]
fn files_the_learners_global_ignore_hides_are_named() {
    let home = tempfile::tempdir().unwrap();
    let ignore = home.path().join("global-ignore");
    fs::write(&ignore, "*.env\n").unwrap();
    let config = format!(
        "{HOSTILE_GITCONFIG}[core]\n\texcludesFile = {}\n",
        ignore.display()
    );
    let env = Env::with_home("probes", &config);
    let (outcome, _) = env.run("stage_one");
    assert!(
        message(&outcome).starts_with("your own git configuration hides secret.env from your `git status`"),
        "{outcome:#}"
    );
    // The learner's config was only read, by git: HOME is unchanged.
    assert_eq!(
        fs::read_to_string(env.home.path().join(".gitconfig")).unwrap(),
        config
    );
    // Without such a rule, nothing is said.
    let plain = Env::new("probes");
    let (outcome, _) = plain.run("stage_one");
    assert!(!outcome.to_string().contains("hides"), "{outcome:#}");
}

#[test]
fn the_setups_own_resets_are_not_blamed_on_the_learner() {
    let env = Env::new("probes");
    let scenario = env.pack.path().join("exercises/probes/add_commit.scenario.toml");
    let text = fs::read_to_string(&scenario).unwrap();
    // Setup made as the learner's identity, with a hard reset of its own.
    let text = format!("author = \"Backlings Learner <learner@backlings.invalid>\"\n{text}").replacen(
        "[[step]]\nfiles = { \"b.txt\"",
        "[[step]]\ncommit = \"Dropped\"\nfiles = { \"x.txt\" = \"x\\n\" }\n\n[[step]]\nreset = \"HEAD~1\"\n\n[[step]]\nfiles = { \"b.txt\"",
        1,
    );
    fs::write(&scenario, text).unwrap();
    let (outcome, _) = env.run("add_commit");
    assert!(message(&outcome).starts_with("newest 3 messages"), "{outcome:#}");
    // The learner's own reset is named.
    env.learner_git("add_commit", &["reset", "-q", "--hard", "HEAD~1"]);
    let (outcome, _) = env.run("add_commit");
    assert!(
        message(&outcome).starts_with("your `git reset` moved the branch"),
        "{outcome:#}"
    );
}
