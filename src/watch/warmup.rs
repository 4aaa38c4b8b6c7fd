//! The first build of the exercise package, in the background, with real
//! progress: cargo's JSON messages counted as they come (one per unit built,
//! fresh or not) against the number of units the dependency graph holds.
//!
//! `process::Cmd` hands a child's output over only when it ends, so cargo's
//! stdout goes to a file under the target dir that this module reads as it
//! grows.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::AppEvent;
use crate::exercise_package::ExercisePackage;
use crate::pack::Pack;
use crate::process::Cmd;
use crate::watch_machine::BuildProgress;

const REFRESH: Duration = Duration::from_millis(250);

/// The pack's target dir, the one its checks build in.
fn target_dir(pack: &Pack) -> PathBuf {
    ExercisePackage::in_pack(&pack.root).target_dir
}

/// Written when a warm-up ends: a build stopped halfway (the learner quit)
/// leaves a target dir, but not this.
const DONE_MARKER: &str = "backlings-warm-up.done";

/// Does this pack need a first build? (A Rust exercise package whose
/// warm-up never finished.)
pub fn needed(pack: &Pack) -> bool {
    pack.exercise_manifest().is_file() && !target_dir(pack).join(DONE_MARKER).exists()
}

/// Start the build on a thread; it reports [`AppEvent::Build`] and
/// [`AppEvent::BuildDone`].
pub fn start(pack: &Pack, events: Sender<AppEvent>) {
    let package = ExercisePackage::in_pack(&pack.root);
    let target = package.target_dir.clone();
    let log = target.join("backlings-warm-up.jsonl");
    let command = package.warm_up_command(&log);
    thread::spawn(move || {
        let started = Instant::now();
        let total = estimate_units(&package).unwrap_or(0);
        let _ = events.send(AppEvent::Build(BuildProgress {
            done: 0,
            total,
            elapsed: started.elapsed(),
        }));
        let result = run(command, &target, &log, total, started, &events);
        let _ = events.send(AppEvent::BuildDone(result));
    });
}

fn run(
    command: Cmd,
    target: &Path,
    log: &Path,
    total: usize,
    started: Instant,
    events: &Sender<AppEvent>,
) -> Result<(), String> {
    std::fs::create_dir_all(target).map_err(|e| format!("could not create {}: {e}", target.display()))?;
    let mut running = command.spawn().map_err(|e| format!("{e:#}"))?;
    let mut reader = LogReader::new(log.to_path_buf());
    let mut counter = UnitCounter::default();
    let exit_status = loop {
        let exit_status = running.try_exit();
        let exited = exit_status.is_some();
        counter.feed(&reader.read_new());
        let _ = events.send(AppEvent::Build(BuildProgress {
            done: counter.done,
            total: total.max(counter.done + usize::from(!exited)),
            elapsed: started.elapsed(),
        }));
        if let Some(status) = exit_status {
            break status;
        }
        if started.elapsed() > crate::exercise_package::BUILD_TIMEOUT {
            running.stop();
            return Err("the first build ran past its time limit and was stopped".into());
        }
        thread::sleep(REFRESH);
    };
    let finished = running
        .wait(Some(Duration::from_secs(5)))
        .map_err(|e| format!("{e:#}"))?;
    let _ = std::fs::remove_file(log);
    // Ended by itself (starters that do not compile give a non-zero code),
    // not stopped by a signal: the next start needs no warm-up.
    if exit_status.code().is_some() {
        let _ = std::fs::write(target.join(DONE_MARKER), "");
    }
    let stderr = finished.stderr.text();
    // Starters do not compile until they are solved: only a cargo that could
    // not run at all (no network for the first download) is an error.
    if stderr.contains("failed to download") || stderr.contains("failed to get") {
        return Err("cargo could not download the dependencies (no network?)".into());
    }
    if counter.done == 0 && !finished.success() {
        let first = stderr
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("cargo failed");
        return Err(first.trim().to_string());
    }
    Ok(())
}

/// Reads what was appended to a file since the last call, whole lines only.
struct LogReader {
    path: PathBuf,
    offset: u64,
    partial: String,
}

impl LogReader {
    fn new(path: PathBuf) -> Self {
        LogReader {
            path,
            offset: 0,
            partial: String::new(),
        }
    }

    fn read_new(&mut self) -> Vec<String> {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return Vec::new();
        };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let mut bytes = Vec::new();
        let Ok(read) = file.read_to_end(&mut bytes) else {
            return Vec::new();
        };
        self.offset += read as u64;
        self.partial.push_str(&String::from_utf8_lossy(&bytes));
        let mut lines: Vec<String> = self.partial.split('\n').map(str::to_string).collect();
        self.partial = lines.pop().unwrap_or_default();
        lines
    }
}

#[derive(Deserialize)]
struct Message {
    reason: String,
}

/// Units done, from cargo's messages: a `compiler-artifact` per unit
/// compiled (or found fresh), a `build-script-executed` per build script run.
#[derive(Default)]
struct UnitCounter {
    done: usize,
}

impl UnitCounter {
    fn feed(&mut self, lines: &[String]) {
        for line in lines {
            // Compiler messages are big and many: look before parsing.
            if !line.contains("\"compiler-artifact\"") && !line.contains("\"build-script-executed\"") {
                continue;
            }
            if let Ok(message) = serde_json::from_str::<Message>(line)
                && matches!(
                    message.reason.as_str(),
                    "compiler-artifact" | "build-script-executed"
                )
            {
                self.done += 1;
            }
        }
    }
}

/// How many units the build will have: cargo does not say beforehand (its
/// unit graph is unstable), so count them from `cargo metadata` for this
/// host: a unit per package, two more per build script (built, then run),
/// and the exercise package's own test targets.
fn estimate_units(package: &ExercisePackage) -> Option<usize> {
    let host = Cmd::new("rustc")
        .arg("-vV")
        .timeout(Duration::from_secs(30))
        .run()
        .ok()?;
    let host = host
        .stdout
        .text()
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))?;
    let metadata = package.metadata_command(&host).run().ok()?;
    if !metadata.success() {
        return None;
    }
    count_units(&metadata.stdout.text())
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    resolve: Option<Resolve>,
    workspace_members: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    id: String,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    kind: Vec<String>,
    #[serde(default)]
    test: bool,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
}

fn count_units(json: &str) -> Option<usize> {
    let metadata: Metadata = serde_json::from_str(json).ok()?;
    let resolved = metadata.resolve?.nodes;
    let mut units = 0;
    for node in &resolved {
        let Some(package) = metadata.packages.iter().find(|p| p.id == node.id) else {
            continue;
        };
        let build_script = package
            .targets
            .iter()
            .any(|t| t.kind.iter().any(|k| k == "custom-build"));
        if metadata.workspace_members.contains(&node.id) {
            units += package
                .targets
                .iter()
                .filter(|t| t.test && !t.kind.iter().any(|k| k == "custom-build"))
                .count();
        } else {
            units += 1;
        }
        if build_script {
            units += 2;
        }
    }
    Some(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_artifacts_and_build_script_runs() {
        let mut counter = UnitCounter::default();
        counter.feed(&[
            r#"{"reason":"compiler-artifact","package_id":"a","fresh":true}"#.into(),
            r#"{"reason":"build-script-executed","package_id":"b"}"#.into(),
            r#"{"reason":"compiler-message","message":{"rendered":"compiler-artifact"}}"#.into(),
            r#"{"reason":"build-finished","success":false}"#.into(),
            "not json".into(),
        ]);
        assert_eq!(counter.done, 2);
    }

    #[test]
    fn the_log_is_read_in_whole_lines_as_it_grows() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let mut reader = LogReader::new(path.clone());
        assert!(reader.read_new().is_empty(), "no file yet");
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(b"one\ntw").unwrap();
        assert_eq!(reader.read_new(), vec!["one"]);
        file.write_all(b"o\nthree\n").unwrap();
        assert_eq!(reader.read_new(), vec!["two", "three"]);
    }

    #[test]
    fn units_are_counted_from_the_resolved_graph() {
        let json = r#"{
          "workspace_members": ["ex"],
          "packages": [
            {"id": "ex", "targets": [{"kind": ["bin"], "test": true}, {"kind": ["bin"], "test": true}]},
            {"id": "serde", "targets": [{"kind": ["lib"], "test": true}, {"kind": ["custom-build"], "test": false}]},
            {"id": "itoa", "targets": [{"kind": ["lib"], "test": true}]},
            {"id": "winapi", "targets": [{"kind": ["lib"], "test": true}]}
          ],
          "resolve": {"nodes": [{"id": "ex"}, {"id": "serde"}, {"id": "itoa"}]}
        }"#;
        // ex: 2 test targets; serde: lib + build script built + run; itoa: 1;
        // winapi is not resolved for this host.
        assert_eq!(count_units(json), Some(6));
    }

    #[test]
    fn the_warm_up_builds_tests_with_json_messages() {
        let pack = Pack::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/watch"),
            &crate::check::readers(),
        )
        .unwrap();
        let args: Vec<String> = ExercisePackage::in_pack(&pack.root)
            .warm_up_args()
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args[..3], ["build", "--tests", "--keep-going"]);
        assert!(args.contains(&"--message-format=json".to_string()));
    }
}
