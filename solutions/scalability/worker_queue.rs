// Worker queues: bounded, and shut down gracefully.
//
// The queue's closing is the shutdown signal: `shutdown` drops the only
// sender, and a worker's `recv` keeps returning the jobs still queued and
// fails only once the queue is closed AND empty. So workers drain the queue
// and then leave their loop by themselves; `shutdown` joins them all before
// reading the results, which are therefore complete.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

pub type JobId = u64;

#[derive(Debug, PartialEq)]
pub enum SubmitError {
    /// The queue is at capacity: push back on the caller.
    Full,
}

pub struct WorkerPool {
    jobs: SyncSender<(JobId, u64)>,
    results: Receiver<(JobId, u64)>,
    workers: Vec<JoinHandle<()>>,
    next_id: JobId,
}

impl WorkerPool {
    /// `workers` threads running `work`, behind a queue holding at most
    /// `capacity` jobs that no worker has taken yet.
    pub fn new<F>(workers: usize, capacity: usize, work: F) -> Self
    where
        F: Fn(u64) -> u64 + Send + Sync + 'static,
    {
        assert!(
            workers > 0 && capacity > 0,
            "a pool needs workers and room in its queue"
        );
        let (jobs, queue) = mpsc::sync_channel::<(JobId, u64)>(capacity);
        let (done, results) = mpsc::channel();
        // One receiver shared by every worker: whoever locks it takes the next job.
        let queue = Arc::new(Mutex::new(queue));
        let work = Arc::new(work);
        let workers = (0..workers)
            .map(|_| {
                let (queue, work, done) = (Arc::clone(&queue), Arc::clone(&work), done.clone());
                thread::spawn(move || {
                    loop {
                        // Its own statement, so the lock is released before the job
                        // runs (in `while let`, the guard would live through the body).
                        let next = queue.lock().expect("queue lock").recv();
                        let Ok((id, input)) = next else { break };
                        let _ = done.send((id, work(input)));
                    }
                })
            })
            .collect();
        WorkerPool {
            jobs,
            results,
            workers,
            next_id: 0,
        }
    }

    /// Queues a job, waiting while the queue is full.
    pub fn submit(&mut self, input: u64) -> JobId {
        let id = self.next_id;
        self.jobs.send((id, input)).expect("workers outlive the pool");
        self.next_id += 1;
        id
    }

    /// Queues a job, or refuses at once if the queue is full.
    pub fn try_submit(&mut self, input: u64) -> Result<JobId, SubmitError> {
        let id = self.next_id;
        match self.jobs.try_send((id, input)) {
            Ok(()) => {
                self.next_id += 1;
                Ok(id)
            }
            Err(TrySendError::Full(_)) => Err(SubmitError::Full),
            Err(TrySendError::Disconnected(_)) => panic!("workers outlive the pool"),
        }
    }

    /// Stops accepting jobs, finishes the queued ones, joins every worker and
    /// returns all results by job id.
    pub fn shutdown(self) -> Vec<(JobId, u64)> {
        // Closing the queue: workers finish what is queued, then their `recv` fails.
        drop(self.jobs);
        for worker in self.workers {
            worker.join().expect("a worker panicked");
        }
        let mut results: Vec<(JobId, u64)> = self.results.try_iter().collect();
        results.sort_by_key(|(id, _)| *id);
        results
    }
}

fn main() {
    let mut pool = WorkerPool::new(3, 8, |n| {
        thread::sleep(std::time::Duration::from_millis(20));
        n * n
    });
    for n in 1..=10 {
        pool.submit(n);
    }
    println!("{:?}", pool.shutdown());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Condvar;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    fn seeded_inputs(n: usize) -> Vec<u64> {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(41);
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 33) % 1_000_000
            })
            .collect()
    }

    #[test]
    fn every_job_runs_exactly_once() {
        let runs: Arc<Vec<AtomicUsize>> = Arc::new((0..200).map(|_| AtomicUsize::new(0)).collect());
        let counter = Arc::clone(&runs);
        let mut pool = WorkerPool::new(4, 16, move |n| {
            counter[n as usize].fetch_add(1, Ordering::SeqCst);
            n
        });
        for n in 0..200 {
            pool.submit(n);
        }
        let results = pool.shutdown();
        assert_eq!(
            results.len(),
            200,
            "{} of 200 jobs produced a result",
            results.len()
        );
        for (n, count) in runs.iter().enumerate() {
            assert_eq!(count.load(Ordering::SeqCst), 1, "job {n} ran {count:?} times");
        }
    }

    #[test]
    fn results_come_back_in_job_id_order() {
        let inputs = seeded_inputs(100);
        let mut pool = WorkerPool::new(3, 10, |n| n * 3 + 1);
        let ids: Vec<JobId> = inputs.iter().map(|n| pool.submit(*n)).collect();
        let results = pool.shutdown();
        let expected: Vec<(JobId, u64)> = ids.into_iter().zip(inputs.iter().map(|n| n * 3 + 1)).collect();
        assert_eq!(results, expected);
    }

    #[test]
    fn shutdown_finishes_the_jobs_still_in_the_queue() {
        let mut pool = WorkerPool::new(2, 20, |n| {
            thread::sleep(Duration::from_millis(10));
            n + 1
        });
        for n in 0..20 {
            pool.submit(n);
        }
        // Most jobs are still queued at this point.
        let results = pool.shutdown();
        assert_eq!(
            results.len(),
            20,
            "{} of 20 jobs ran: shutdown dropped the jobs that were still queued",
            results.len()
        );
    }

    #[test]
    fn shutdown_waits_for_every_worker() {
        // Every worker holds a clone of the job closure, and with it of `alive`.
        let alive = Arc::new(());
        let token = Arc::clone(&alive);
        let mut pool = WorkerPool::new(4, 8, move |n| {
            let _keep = &token;
            thread::sleep(Duration::from_millis(5));
            n
        });
        for n in 0..8 {
            pool.submit(n);
        }
        pool.shutdown();
        assert_eq!(
            Arc::strong_count(&alive),
            1,
            "shutdown returned while worker threads were still alive"
        );
    }

    #[test]
    fn workers_run_jobs_at_the_same_time() {
        // Each job waits (up to a second) until all four are running at once.
        let running = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&running);
        let mut pool = WorkerPool::new(4, 4, move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(1);
            while seen.load(Ordering::SeqCst) < 4 && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
            seen.load(Ordering::SeqCst) as u64
        });
        for n in 0..4 {
            pool.submit(n);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while running.load(Ordering::SeqCst) < 4 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(1));
        }
        let most_at_once = pool.shutdown().iter().map(|(_, running)| *running).min();
        assert_eq!(
            most_at_once,
            Some(4),
            "the jobs ran one after another: is a lock held while a job runs?"
        );
    }

    #[test]
    fn a_full_queue_refuses_new_jobs() {
        // The job blocks until the gate opens, so the single worker stays busy.
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let started = Arc::new(AtomicUsize::new(0));
        let (job_gate, job_started) = (Arc::clone(&gate), Arc::clone(&started));
        let mut pool = WorkerPool::new(1, 2, move |n| {
            job_started.fetch_add(1, Ordering::SeqCst);
            let (open, opened) = &*job_gate;
            let mut open = open.lock().unwrap();
            while !*open {
                open = opened.wait(open).unwrap();
            }
            n
        });
        pool.submit(1);
        let deadline = Instant::now() + Duration::from_secs(5);
        while started.load(Ordering::SeqCst) == 0 {
            assert!(
                Instant::now() < deadline,
                "the worker never started the first job"
            );
            thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(pool.try_submit(2), Ok(1));
        assert_eq!(pool.try_submit(3), Ok(2));
        assert_eq!(
            pool.try_submit(4),
            Err(SubmitError::Full),
            "one job running and two queued: the queue is full"
        );
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        assert_eq!(pool.shutdown(), [(0, 1), (1, 2), (2, 3)]);
    }
}
