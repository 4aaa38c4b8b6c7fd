//! Unit tests of the git kind: the scenario format's errors, the fresh
//! sandboxes of `dev check` (starter and solution), setup failures.
//! The learner's flow is tested through the binary in `tests/git.rs`.

use std::path::{Path, PathBuf};

use super::*;
use crate::outcome::Status;
use crate::pack::Problem;

/// A copy of a git fixture pack, loaded.
fn pack(name: &str) -> (tempfile::TempDir, Pack) {
    crate::test_support::loaded_copy(&format!("git/{name}"))
}

fn spec_of(exercise: &Exercise) -> &GitSpec {
    crate::check::spec_of(exercise)
}

/// Problems of a scenario text, as `line:col: message (help)`.
fn problems(source: &str, files: &[&str]) -> Vec<String> {
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    match spec::parse(Path::new("x.scenario.toml"), source, &files) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .iter()
            .map(|p: &Problem| {
                format!(
                    "{}:{}: {} ({})",
                    p.line,
                    p.col,
                    p.message,
                    p.help.clone().unwrap_or_default()
                )
            })
            .collect(),
    }
}

fn assert_problem(source: &str, files: &[&str], expected: &[&str]) {
    let found = problems(source, files);
    assert_eq!(found.len(), 1, "expected one problem, found {found:#?}");
    for part in expected {
        assert!(found[0].contains(part), "{:?} should contain {part:?}", found[0]);
    }
}

const ONE_COMMIT: &str = "[[step]]\ncommit = \"Start\"\nfiles = { \"a.txt\" = \"a\\n\" }\nid = \"start\"\n";

#[test]
fn a_good_scenario_parses() {
    let source = format!("{ONE_COMMIT}\n[[check]]\non_branch = \"main\"\n");
    assert_eq!(problems(&source, &[]), Vec::<String>::new());
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\non_brnch = \"main\"\n"),
        &[],
        &["7:1: unknown check key `on_brnch`", "did you mean on_branch"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nclean = true\nreason = \"x\"\n"),
        &[],
        &["8:1: unknown check key `reason`", "check keys are:"],
    );
    assert_problem(
        "[[step]]\ncommmit = \"x\"\n[[check]]\nclean = true\n",
        &[],
        &["2:1: unknown step key `commmit`", "did you mean commit"],
    );
    assert_problem(
        "[[steps]]\ncommit = \"x\"\n[[check]]\nclean = true\n",
        &[],
        &["1:", "unknown field `steps`", "[[step]]"],
    );
}

#[test]
fn a_check_tests_exactly_one_thing() {
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nclean = true\nstashes = 0\n"),
        &[],
        &[
            "8:1: a check tests one thing; this one has `clean` and `stashes`",
            "split it",
        ],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nwhy = \"x\"\n"),
        &[],
        &["this check tests nothing", "on_branch"],
    );
}

#[test]
fn modifiers_only_go_where_they_mean_something() {
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nclean = true\nat = \"main\"\n"),
        &[],
        &["8:1: `at` does not apply to `clean`"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\ncontent = \"a\"\n"),
        &[],
        &["7:1: `content` needs the file it is about", "file = "],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\non_branch = \"main\"\nregex = true\n"),
        &[],
        &["`regex` does not apply to `on_branch`"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nmessage = \"(unclosed\"\nregex = true\n"),
        &[],
        &["7:11: not a valid regular expression"],
    );
    assert_problem(
        "[[step]]\ncommit = \"x\"\nat = \"main\"\n[[check]]\nclean = true\n",
        &[],
        &["3:1: `at` does not apply to this step"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nno_conflict_markers = false\n"),
        &[],
        &["asks for nothing", "in_progress"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nin_progress = \"rebasing\"\n"),
        &[],
        &["`rebasing` is not an operation", "rebase"],
    );
}

#[test]
fn ids_must_be_declared_and_earlier_for_steps() {
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nreachable = \"@fix\"\n"),
        &[],
        &["7:13: no step has `id = \"fix\"`"],
    );
    assert_problem(
        "[[step]]\nreset = \"@later\"\n[[step]]\ncommit = \"x\"\nid = \"later\"\n[[check]]\nclean = true\n",
        &[],
        &["2:9: no step has `id = \"later\"`", "made before it"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}[[step]]\ncommit = \"again\"\nid = \"start\"\n[[check]]\nclean = true\n"),
        &[],
        &["two steps have `id = \"start\"`"],
    );
}

#[test]
fn steps_do_one_thing_and_something() {
    assert_problem(
        "[[step]]\ncommit = \"x\"\ntag = \"v1\"\n[[check]]\nclean = true\n",
        &[],
        &["3:1: a step does one thing; this one has `commit` and `tag`"],
    );
    assert_problem(
        "[[step]]\nid = \"x\"\n[[check]]\nclean = true\n",
        &[],
        &["this step does nothing"],
    );
    assert_problem(
        "[[step]]\npush = \"main\"\n[[check]]\nclean = true\n",
        &[],
        &[
            "2:8: this step pushes, but the scenario has no remote",
            "remote = true",
        ],
    );
    assert_problem(
        "[[step]]\ncommit = \"x\"\nfiles = { \"../escape\" = \"x\" }\n[[check]]\nclean = true\n",
        &[],
        &["`../escape` is not a path inside the repository"],
    );
    assert_problem(
        "[[step]]\nbranch = \"two words\"\n[[check]]\nclean = true\n",
        &[],
        &["`two words` is not a valid branch or tag name"],
    );
}

#[test]
fn settings_are_validated() {
    assert_problem(
        "author = \"Nobody\"\n[[check]]\nclean = true\n",
        &[],
        &["1:10: `Nobody` is not a name and an email"],
    );
    assert_problem(
        "start = \"yesterday\"\n[[check]]\nclean = true\n",
        &[],
        &["1:9: `yesterday` is not a date"],
    );
    assert_problem(
        "[config]\nrebase = \"true\"\n[[check]]\nclean = true\n",
        &[],
        &["2:1: `rebase` is not a git configuration key"],
    );
    assert_problem(
        "[[step]]\ncommit = \"x\"\n",
        &[],
        &["the scenario declares no checks"],
    );
}

#[test]
fn answers_read_one_of_the_exercise_files() {
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nanswer = \"@start\"\n"),
        &[],
        &["`answer` reads an answer file, but the exercise has no `files`"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nanswer = \"42\"\nfile = \"elsewhere.txt\"\n"),
        &["exercises/a.txt"],
        &["`elsewhere.txt` is neither one of the exercise's `files` nor a file a step writes in the sandbox"],
    );
    let source = format!("{ONE_COMMIT}\n[[check]]\nanswer = \"@start\"\n");
    let scenario = spec::parse(Path::new("x"), &source, &[PathBuf::from("exercises/a.txt")]).unwrap();
    assert_eq!(scenario.checks[0].file.as_deref(), Some("exercises/a.txt"));
}

#[test]
fn every_check_is_documented_with_its_example() {
    let authoring = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("AUTHORING.md")).unwrap();
    let section = authoring
        .split("## The git kind")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("AUTHORING.md has a git section");
    for (key, example) in spec::check_examples() {
        assert!(
            section.contains(&format!("`{key}`")),
            "AUTHORING.md does not document `{key}`"
        );
        assert!(
            section.contains(example),
            "AUTHORING.md lacks the example `{example}`"
        );
    }
}

#[test]
fn the_coverage_fixtures_use_every_check_once() {
    let (_dir, pack) = pack("checks");
    let all: Vec<&str> = spec::check_examples().into_iter().map(|(key, _)| key).collect();
    for name in ["all_pass", "all_fail"] {
        let exercise = pack.exercise(name).unwrap();
        let scenario = spec_of(exercise).load(&pack.root, &exercise.files).unwrap();
        let keys: Vec<&str> = scenario.checks.iter().map(|c| c.key).collect();
        assert_eq!(
            keys, all,
            "{name} must hold each check once, in the documented order"
        );
    }
}

#[test]
fn starters_fail_and_solutions_pass_in_fresh_sandboxes() {
    for fixture in ["examples", "probes"] {
        let (_dir, pack) = pack(fixture);
        for exercise in &pack.exercises {
            let starter = crate::check::check(&pack, exercise, Target::Starter);
            assert_eq!(starter.status, Status::Fail, "{}: {starter:#?}", exercise.name);
            let solution = crate::check::check(&pack, exercise, Target::Solution);
            assert_eq!(solution.status, Status::Pass, "{}: {solution:#?}", exercise.name);
        }
        assert!(
            !pack.state_dir().join("sandboxes").exists(),
            "fresh sandboxes live in temp dirs, never in the learner's"
        );
    }
}

#[test]
fn a_failing_solution_script_is_an_error_that_shows_its_output() {
    let (dir, pack) = pack("examples");
    fs::write(
        dir.path().join("solutions/version_control/publish_feature.sh"),
        "git merge --no-ff no-such-branch\ngit push origin main\n",
    )
    .unwrap();
    let exercise = pack.exercise("publish_feature").unwrap();
    let outcome = crate::check::check(&pack, exercise, Target::Solution);
    assert_eq!(outcome.status, Status::Error, "{outcome:#?}");
    assert!(
        outcome.message.contains("publish_feature.sh failed"),
        "{}",
        outcome.message
    );
    let output = format!("{:?}", outcome.details);
    assert!(output.contains("no-such-branch"), "{output}");
}

#[test]
fn a_scenario_that_cannot_be_built_names_the_step() {
    let source = "[[step]]\ncommit = \"Start\"\nfiles = { \"a.txt\" = \"base\\n\" }\n\
                  [[step]]\nbranch = \"other\"\n[[step]]\nswitch = \"other\"\n\
                  [[step]]\ncommit = \"Theirs\"\nfiles = { \"a.txt\" = \"theirs\\n\" }\n\
                  [[step]]\nswitch = \"main\"\n\
                  [[step]]\ncommit = \"Ours\"\nfiles = { \"a.txt\" = \"ours\\n\" }\n\
                  [[step]]\nmerge = \"other\"\n\
                  [[check]]\nclean = true\n";
    let scenario = spec::parse(Path::new("x.scenario.toml"), source, &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::inside(dir.path());
    let err = format!("{:#}", scenario::build(&sandbox, &scenario).unwrap_err());
    assert!(
        err.contains("x.scenario.toml:16: the scenario's `merge` step failed"),
        "{err}"
    );
    assert!(err.contains("add `conflict = true`"), "{err}");
    assert!(!sandbox.dir().exists(), "a half-built sandbox is removed");
    assert!(sandbox.read_marker().is_none());
}

#[test]
fn the_scenario_comment_explains_the_exercise() {
    let (_dir, pack) = pack("examples");
    let exercise = pack.exercise("find_the_bug").unwrap();
    let intro = exercise.intro_text(&pack);
    assert!(
        intro.starts_with("Find the commit that broke the prices\n\n"),
        "{intro}"
    );
    assert!(intro.contains("git bisect"));
    assert!(!intro.contains("author ="));
}

#[test]
fn the_watcher_watches_the_work_tree_and_the_answer_file() {
    let (_dir, pack) = pack("examples");
    let exercise = pack.exercise("find_the_bug").unwrap();
    let spec = spec_of(exercise);
    let sandbox = pack.state_dir().join("sandboxes/find_the_bug");
    assert_eq!(
        watched_paths(&pack, exercise, spec),
        vec![
            (sandbox.join("work"), true),
            (sandbox.clone(), false),
            (
                pack.root.join("exercises/version_control/find_the_bug.txt"),
                false
            )
        ]
    );
}

#[test]
fn paths_are_quoted_for_the_shell_when_needed() {
    assert_eq!(shell_quote(Path::new("/a/b_c-1.2/work")), "/a/b_c-1.2/work");
    assert_eq!(shell_quote(Path::new("/my packs/it's")), r"'/my packs/it'\''s'");
}

#[test]
fn a_repository_without_commits_is_judged_not_broken() {
    let source = "[[check]]\non_branch = \"main\"\n[[check]]\ncommit_count = 0\n\
                  [[check]]\nmessage = \"Start\"\n[[check]]\nclean = true\n";
    let scenario = spec::parse(Path::new("x.scenario.toml"), source, &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::inside(dir.path());
    let marker = scenario::build(&sandbox, &scenario).unwrap();
    let outcome = judge(&sandbox, &scenario, &marker, &BTreeMap::new()).unwrap();
    assert_eq!(outcome.status, Status::Fail, "{outcome:#?}");
    assert_eq!(
        outcome.message,
        "message of `HEAD`: expected \"Start\", found no commits yet"
    );
}

#[test]
fn a_second_build_must_give_the_same_commits() {
    let (_dir, pack) = pack("examples");
    let exercise = pack.exercise("publish_feature").unwrap();
    let scenario = spec_of(exercise).load(&pack.root, &exercise.files).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let first = Sandbox::inside(tmp.path());
    scenario::build(&first, &scenario).unwrap();
    assert!(
        nondeterministic(&first, &scenario).unwrap().is_none(),
        "the fixture is deterministic"
    );
    // A build that drifted (here: one more commit) is caught and named.
    sandbox::run_ok(&first.git().args(["commit", "--allow-empty", "-q", "-m", "drift"])).unwrap();
    let drift = nondeterministic(&first, &scenario)
        .unwrap()
        .expect("the drift is seen");
    assert_eq!(drift.status, Status::Error);
    assert!(drift.message.contains("not deterministic"), "{}", drift.message);
    assert!(
        serde_json::to_string(&drift.details)
            .unwrap()
            .contains("refs/heads/main")
    );
}

#[test]
fn the_watcher_is_given_everything_that_can_change_a_verdict() {
    let (_dir, pack) = pack("examples");
    let publish = pack.exercise("publish_feature").unwrap();
    let sandbox = pack.state_dir().join("sandboxes/publish_feature");
    let paths = watched_paths(&pack, publish, spec_of(publish));
    // The work tree with its `.git` (removals included), the sandbox's
    // folder (a deleted `work`), and the remote a push changes.
    assert!(paths.contains(&(sandbox.join("work"), true)), "{paths:?}");
    assert!(paths.contains(&(sandbox.clone(), false)), "{paths:?}");
    assert!(paths.contains(&(sandbox.join("origin.git"), true)), "{paths:?}");

    let bisect = pack.exercise("find_the_bug").unwrap();
    let paths = watched_paths(&pack, bisect, spec_of(bisect));
    assert!(
        !paths.iter().any(|(p, _)| p.ends_with("origin.git")),
        "no remote, no origin to watch: {paths:?}"
    );
    assert!(paths.contains(&(pack.path(&bisect.files[0]), false)), "{paths:?}");
}

#[test]
fn a_quiz_shows_its_answer_file_where_the_learner_works() {
    let (_dir, pack) = pack("examples");
    let bisect = pack.exercise("find_the_bug").unwrap();
    let hint = workspace_hint(&pack, bisect, spec_of(bisect)).unwrap();
    assert!(hint.starts_with("cd "), "{hint}");
    assert!(
        hint.ends_with("write your answer in exercises/version_control/find_the_bug.txt"),
        "{hint}"
    );
    let publish = pack.exercise("publish_feature").unwrap();
    let hint = workspace_hint(&pack, publish, spec_of(publish)).unwrap();
    assert!(!hint.contains("answer"), "{hint}");
}

#[test]
fn the_new_vocabulary_is_refused_where_it_does_not_fit() {
    assert_problem(
        &format!("init = false\n{ONE_COMMIT}\n[[check]]\non_branch = \"main\"\n"),
        &[],
        &["`commit` needs a repository, but the scenario says `init = false`"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nstatus = [\"M app.conf\"]\n"),
        &[],
        &["is not a line of `git status --short`"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nignored = \"a.log\"\nfrom = \"ignore.txt\"\n"),
        &[],
        &["`ignore.txt` is not a file ignore rules come from"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nnot_ignored = \"a.log\"\nfrom = \".gitignore\"\n"),
        &[],
        &["`from` does not apply to `not_ignored`"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\ntag_message = \"Release\"\n"),
        &[],
        &["`tag_message` needs the tag it is about"],
    );
    assert_problem(
        &format!("{ONE_COMMIT}\n[[check]]\nanswer = \"x\"\nfile = \"ANSWER.txt\"\n"),
        &["exercises/q.txt"],
        &["neither one of the exercise's `files` nor a file a step writes"],
    );
    let inside = format!(
        "{ONE_COMMIT}\n[[step]]\nfiles = {{ \"ANSWER.txt\" = \"\" }}\n\n[[check]]\nanswer = \"x\"\nfile = \"ANSWER.txt\"\n"
    );
    assert_eq!(problems(&inside, &[]), Vec::<String>::new());
}
