//! Check many exercises at once: `check` (the learner's versions) and `dev
//! check` (starters and solutions).
//!
//! One cargo process per exercise would serialise on cargo's build-directory
//! lock (60 small targets: 2.2 s as 60 calls against 0.18 s as one). So the
//! targets the jobs need are built at once — each in the one form its check
//! runs (a learner's check builds no solution, and no target both as a test
//! harness and as a program unless its check runs both), going on past the
//! ones that do not compile — and then the checks run on a pool of threads
//! bounded by the core count, each one running its executable directly
//! (rust) or doing its own kind's work (sql, git, http).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Needs, Prebuilt, Target, check_prebuilt, needs};
use crate::exercise_package::{BuildReport, ExercisePackage, Form, LintReport};
use crate::outcome::Outcome;
use crate::pack::{Exercise, Pack};

/// One check to make.
#[derive(Clone, Copy, Debug)]
pub struct Job<'p> {
    pub exercise: &'p Exercise,
    pub target: Target,
}

impl<'p> Job<'p> {
    /// The learner's version of every exercise of the pack, in pack order.
    pub fn every_learner_exercise(pack: &'p Pack) -> Vec<Job<'p>> {
        pack.exercises
            .iter()
            .map(|exercise| Job {
                exercise,
                target: Target::Learner,
            })
            .collect()
    }
}

/// Where the batch's cargo calls find the exercise package.
#[derive(Clone, Debug)]
pub struct Manifest(pub ExercisePackage);

impl Manifest {
    pub fn of(pack: &Pack) -> Manifest {
        Manifest(ExercisePackage::in_pack(&pack.root))
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    pub manifest: Manifest,
}

/// What a batch tells the one showing its progress. Called from the worker
/// threads, in the order checks finish.
pub trait Observer: Sync {
    /// A shared step started (a cargo build).
    fn step(&self, what: &str);
    /// The checks start; `total` of them.
    fn checking(&self, total: usize);
    fn finished(&self, job: &Job<'_>, outcome: &Outcome);
}

/// Every job's outcome, in the order of `jobs`.
pub fn run(pack: &Pack, jobs: &[Job<'_>], options: &Options, observer: &dyn Observer) -> Vec<Outcome> {
    let wanted = jobs
        .iter()
        .map(|job| needs(job.exercise, job.target))
        .fold(Needs::default(), Needs::union);
    let prebuilt = prebuild(&wanted, &options.manifest.0, observer);
    observer.checking(jobs.len());
    run_pool(jobs, worker_count(jobs.len()), |job| {
        let outcome = check_prebuilt(pack, job.exercise, job.target, &prebuilt);
        observer.finished(job, &outcome);
        outcome
    })
}

/// The builds the jobs need, one cargo call each, one after the other (they
/// share a target dir, which cargo locks).
fn prebuild(wanted: &Needs, package: &ExercisePackage, observer: &dyn Observer) -> Prebuilt {
    let build = |form: Form, names| {
        package
            .build_many(names, form)
            .unwrap_or_else(|err| BuildReport::not_started(format!("{err:#}")))
    };
    let count = |n: usize| format!("{n} target{}", if n == 1 { "" } else { "s" });
    let mut prebuilt = Prebuilt::default();
    if !wanted.harnesses.is_empty() {
        observer.step(&format!(
            "building the tests of {} (cargo build --tests)",
            count(wanted.harnesses.len())
        ));
        prebuilt.tests = Some(build(Form::Harness, &wanted.harnesses));
    }
    if !wanted.programs.is_empty() {
        observer.step(&format!(
            "building the programs of {} (cargo build --bin …)",
            count(wanted.programs.len())
        ));
        prebuilt.programs = Some(build(Form::Program, &wanted.programs));
    }
    if !wanted.lints.is_empty() {
        observer.step(&format!("linting {} (cargo clippy)", count(wanted.lints.len())));
        prebuilt.lints = Some(
            package
                .clippy(wanted.lints.iter().map(String::as_str))
                .unwrap_or_else(|err| LintReport::not_run(format!("cargo clippy could not run: {err:#}"))),
        );
    }
    prebuilt
}

/// As many workers as cores, never more than there are jobs.
fn worker_count(jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    cores.min(jobs).max(1)
}

/// Run `work` on every item with `workers` threads; results in item order.
fn run_pool<T: Sync, R: Send>(items: &[T], workers: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let result = work(item);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[index] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(|r| r.expect("every item is taken by exactly one worker"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::time::{Duration, Instant};

    #[test]
    fn pool_keeps_item_order_and_runs_each_item_once() {
        let items: Vec<u64> = (0..50).collect();
        let seen = Mutex::new(Vec::new());
        let results = run_pool(&items, 4, |&i| {
            // Later items finish first: order must come from the index, not the finish.
            std::thread::sleep(Duration::from_micros(50 * (50 - i)));
            seen.lock().unwrap().push(i);
            i * 2
        });
        assert_eq!(results, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.len(), 50);
        assert_eq!(seen.into_iter().collect::<BTreeSet<_>>().len(), 50);
    }

    #[test]
    fn pool_runs_items_side_by_side() {
        // Each item waits (boundedly) for all four to have started: a pool that
        // ran them one at a time would see only itself.
        let started = AtomicUsize::new(0);
        let items = [(); 4];
        let saw_all = run_pool(&items, 4, |_| {
            started.fetch_add(1, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(10);
            while started.load(Ordering::SeqCst) < 4 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            started.load(Ordering::SeqCst) == 4
        });
        assert_eq!(saw_all, vec![true; 4]);
    }

    #[test]
    fn workers_are_bounded_by_jobs() {
        assert_eq!(worker_count(1), 1);
        assert_eq!(worker_count(0), 1);
        assert!(worker_count(1000) <= std::thread::available_parallelism().unwrap().get());
    }
}
