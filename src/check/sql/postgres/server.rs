//! The PostgreSQL server the checks run on: the runner's own throw-away
//! cluster, or the learner's server named by `BACKLINGS_POSTGRES_URL`.
//!
//! The own cluster lives in `.backlings/postgres/` (initdb runs once), is
//! started on the first PostgreSQL check of a session through `process::Cmd`
//! (so quit, Ctrl-C and `kill_all` stop it with every other child), listens
//! on a Unix socket only, with fsync off (the data is throw-away), and is
//! shut down when the runner exits ([`stop_all`]). A cluster a crashed run
//! left running is stopped on the next start.
//!
//! Both kinds of server hold one template database per fixture content; a
//! check clones it (`CREATE DATABASE … TEMPLATE …`) and drops the clone.
//! A clone costs ~45 ms here (the copy of the catalogue, whatever the
//! strategy), and a check with a hidden fixture needs four: so a worker
//! thread clones ahead, keeping a few clones of the last templates used
//! ready ([`Pool`]), and drops used ones after the verdict. A check then
//! only connects.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use std::sync::mpsc;
use std::thread;

use anyhow::{Context, Result, anyhow, bail};
use postgres::{Client, Config, NoTls};

use crate::process::{Cmd, Running};

/// The variable that points the checks at a server of the learner's own.
pub const URL_VAR: &str = "BACKLINGS_POSTGRES_URL";
/// The variable that names the folder of the server binaries, for a machine
/// with several versions; when set, no other folder is searched.
pub const BIN_VAR: &str = "BACKLINGS_POSTGRES_BIN";

/// The port only names the socket file (`.s.PGSQL.5432`): nothing listens on TCP.
const PORT: u16 = 5432;
/// The superuser of the own cluster; it creates and drops the databases.
const ADMIN: &str = "backlings";
/// The role the learner's SQL runs as in the own cluster: owner of its
/// database, not a superuser, so `COPY … TO '/file'` and `COPY … PROGRAM`
/// (which would act on the machine as the server's user) are refused.
const LEARNER: &str = "learner";
/// A Unix socket path holds at most 107 bytes (sun_path, with its NUL).
const MAX_SOCKET_PATH: usize = 107;
/// initdb of a cluster: measured ~1 s here; a loaded machine gets room.
const INITDB_LIMIT: Duration = Duration::from_secs(120);
/// From start to accepting connections (a crash-stopped cluster replays its WAL first).
const READY_LIMIT: Duration = Duration::from_secs(60);
/// The server lives as long as the session; the limit only ensures that
/// even a server the runner forgets to stop ends one day.
const SESSION_LIMIT: Duration = Duration::from_secs(7 * 24 * 3600);
/// Creating, cloning and dropping databases.
const ADMIN_STATEMENT_LIMIT: Duration = Duration::from_secs(60);

/// How to install the server binaries, for the message of a machine without them.
pub const INSTALL_ADVICE: &str = "Install the PostgreSQL server (Debian/Ubuntu: `sudo apt-get install postgresql`; \
     Fedora: `sudo dnf install postgresql-server`; macOS: `brew install postgresql`); backlings finds its \
     binaries on PATH, through `pg_config --bindir`, under /usr/lib/postgresql/*/bin, or in the folder \
     BACKLINGS_POSTGRES_BIN names. Or point \
     BACKLINGS_POSTGRES_URL at a server of your own (a user that may create databases), e.g. \
     `postgres://me@localhost/postgres`.";

/// Why no server could be had.
#[derive(Debug, Clone)]
pub enum Unavailable {
    /// No server binaries on this machine (and no URL): the PostgreSQL
    /// exercises are skipped, not failed.
    NotInstalled,
    /// There are binaries or a URL, but the server could not be used.
    Broken(String),
}

/// A server ready for checks.
pub struct Server {
    /// How the runner connects to create and drop databases.
    admin_config: Config,
    admin: Mutex<Client>,
    /// The role checks connect as (the own cluster's `learner`; the URL's user).
    check_user: String,
    /// Templates known to exist, by name.
    templates: Mutex<BTreeSet<String>>,
    next: Arc<AtomicU64>,
    pool: Pool,
    /// The server process, when this runner started it.
    owned: Option<Owned>,
}

/// Clones ready per template: a query check with a hidden fixture takes two
/// of each fixture's, a statements check with `expect`s a few more.
const POOL_SIZE: usize = 4;
/// Templates whose clones are kept: the current exercise's fixture and
/// hidden fixture. Older ones' clones are dropped, so that a session that
/// walks through the pack does not pile up databases.
const POOL_TEMPLATES: usize = 2;

/// The clones made ahead, and the worker that makes and drops them.
struct Pool {
    gate: Arc<Gate>,
    ready: Arc<Mutex<Ready>>,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    worker: Mutex<Option<thread::JoinHandle<()>>>,
}

#[derive(Default)]
struct Ready {
    /// Templates in the order they were last used, the latest last, with
    /// their ready clones.
    by_template: Vec<(String, Vec<String>)>,
}

enum Job {
    Fill(String),
    Drop(String),
}

/// Runs one check at a time on a server, and the worker only between
/// checks. A CREATE or DROP DATABASE holds a transaction open for tens of
/// milliseconds; a learner's CREATE INDEX that runs meanwhile finds the rows
/// its UPDATE replaced not yet removable, and PostgreSQL then marks the new
/// index unusable to transactions older than it (`indcheckxmin`), which a
/// plan read while such a transaction runs is: `plan_uses_index` saw a Seq
/// Scan one run in two, with the worker or a parallel check (`dev check`)
/// creating a database. So a check waits for the one in progress (and for
/// the worker's statement in flight), and the worker waits for checks.
#[derive(Default)]
pub struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    checks: usize,
    worker_busy: bool,
}

/// A check in progress on a server: the worker waits until it ends.
pub struct Busy {
    gate: Arc<Gate>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        lock(&self.gate.state).checks -= 1;
        self.gate.changed.notify_all();
    }
}

impl Gate {
    fn enter_check(self: &Arc<Gate>) -> Busy {
        let mut state = lock(&self.state);
        while state.worker_busy || state.checks > 0 {
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        state.checks += 1;
        Busy { gate: self.clone() }
    }

    /// Run one statement of the worker's when no check runs.
    fn worker<T>(&self, work: impl FnOnce() -> T) -> T {
        let mut state = lock(&self.state);
        while state.checks > 0 {
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        state.worker_busy = true;
        drop(state);
        let result = work();
        lock(&self.state).worker_busy = false;
        self.changed.notify_all();
        result
    }
}

struct Owned {
    running: Mutex<Option<Running>>,
    data_dir: PathBuf,
    bindir: PathBuf,
    user: Option<(u32, u32)>,
    /// The short socket folder under the temp dir, when the pack's path is
    /// too long for a socket path; removed at exit.
    temp_socket_dir: Option<tempfile::TempDir>,
}

/// Servers of this process, by pack root.
fn servers() -> MutexGuard<'static, BTreeMap<PathBuf, Arc<Server>>> {
    static SERVERS: OnceLock<Mutex<BTreeMap<PathBuf, Arc<Server>>>> = OnceLock::new();
    SERVERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The server for the pack at `root`, started on first use. A server this
/// runner started and something killed (the watcher's cancel kills every
/// child) is started again.
pub fn for_pack(root: &Path) -> Result<Arc<Server>, Unavailable> {
    let mut servers = servers();
    if let Some(server) = servers.get(root) {
        if server.alive() {
            return Ok(server.clone());
        }
        let dead = servers.remove(root).expect("just found");
        dead.stop();
    }
    let server = Arc::new(start(root)?);
    servers.insert(root.to_path_buf(), server.clone());
    Ok(server)
}

/// Stop every server this runner started: a fast shutdown, so the next
/// start needs no recovery. Called when the runner exits.
pub fn stop_all() {
    let all: Vec<Arc<Server>> = std::mem::take(&mut *servers()).into_values().collect();
    for server in all {
        server.stop();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn create_sql(name: &str, template: &str, owner: &str) -> String {
    format!(
        "CREATE DATABASE {} TEMPLATE {} OWNER {}",
        quote(name),
        quote(template),
        quote(owner)
    )
}

/// FORCE ends a session still open on it: a drop never waits.
fn drop_sql(name: &str) -> String {
    format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(name))
}

/// A database name no other check of any runner uses: the pid keeps
/// runners sharing a server apart, and lets a later start tell a dead
/// runner's leftovers from a live one's.
fn fresh_name(next: &AtomicU64, what: &str) -> String {
    format!(
        "backlings_{what}_{}_{}",
        std::process::id(),
        next.fetch_add(1, Ordering::Relaxed)
    )
}

impl Ready {
    /// Mark `template` as the latest used; returns the clones of templates
    /// that fall out of the kept ones.
    fn touch(&mut self, template: &str) -> Vec<String> {
        let entry = match self.by_template.iter().position(|(t, _)| t == template) {
            Some(i) => self.by_template.remove(i),
            None => (template.to_string(), Vec::new()),
        };
        self.by_template.push(entry);
        let excess = self.by_template.len().saturating_sub(POOL_TEMPLATES);
        self.by_template
            .drain(..excess)
            .flat_map(|(_, names)| names)
            .collect()
    }

    fn clones(&mut self, template: &str) -> Option<&mut Vec<String>> {
        self.by_template
            .iter_mut()
            .find(|(t, _)| t == template)
            .map(|(_, names)| names)
    }
}

impl Pool {
    fn start(config: &Config, owner: String, next: Arc<AtomicU64>) -> Result<Pool> {
        let mut client = connect(config, ADMIN_STATEMENT_LIMIT)?;
        let ready = Arc::new(Mutex::new(Ready::default()));
        let shared = ready.clone();
        let gate = Arc::new(Gate::default());
        let worker_gate = gate.clone();
        let (jobs, received) = mpsc::channel::<Job>();
        let worker = thread::spawn(move || {
            for job in received {
                match job {
                    Job::Drop(name) => {
                        let _ = worker_gate.worker(|| client.batch_execute(&drop_sql(&name)));
                    }
                    Job::Fill(template) => loop {
                        let missing = lock(&shared)
                            .clones(&template)
                            .map_or(0, |names| POOL_SIZE.saturating_sub(names.len()));
                        if missing == 0 {
                            break;
                        }
                        let name = fresh_name(&next, "check");
                        let made = worker_gate
                            .worker(|| client.batch_execute(&create_sql(&name, &template, &owner)));
                        if made.is_err() {
                            break;
                        }
                        // The template may have fallen out meanwhile.
                        let kept = lock(&shared)
                            .clones(&template)
                            .map(|names| names.push(name.clone()));
                        if kept.is_none() {
                            let _ = client.batch_execute(&drop_sql(&name));
                            break;
                        }
                    },
                }
            }
            // The session ends: what was made ahead goes.
            let left = std::mem::take(&mut lock(&shared).by_template);
            for name in left.into_iter().flat_map(|(_, names)| names) {
                let _ = client.batch_execute(&drop_sql(&name));
            }
        });
        Ok(Pool {
            gate,
            ready,
            jobs: Mutex::new(Some(jobs)),
            worker: Mutex::new(Some(worker)),
        })
    }

    /// A ready clone of `template`, if there is one; either way the worker
    /// then tops the pool up.
    fn take(&self, template: &str) -> Option<String> {
        let mut ready = lock(&self.ready);
        let evicted = ready.touch(template);
        let taken = ready.clones(template).and_then(Vec::pop);
        drop(ready);
        for name in evicted {
            self.send(Job::Drop(name));
        }
        self.send(Job::Fill(template.to_string()));
        taken
    }

    fn send(&self, job: Job) -> bool {
        lock(&self.jobs)
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok())
    }

    /// Let the worker finish the drops asked for; returns the clones made
    /// ahead, for the caller to drop (taking them out first also stops any
    /// fill under way: its template is no longer kept).
    fn stop(&self) -> Vec<String> {
        let left = std::mem::take(&mut lock(&self.ready).by_template);
        lock(&self.jobs).take();
        if let Some(worker) = lock(&self.worker).take() {
            let _ = worker.join();
        }
        left.into_iter().flat_map(|(_, names)| names).collect()
    }
}

fn start(root: &Path) -> Result<Server, Unavailable> {
    if let Some(url) = std::env::var_os(URL_VAR) {
        let url = url.to_string_lossy().into_owned();
        return Server::of_url(&url).map_err(|e| Unavailable::Broken(format!("{URL_VAR}: {e:#}")));
    }
    let bindir = binaries().ok_or(Unavailable::NotInstalled)?;
    Server::own(root, &bindir).map_err(|e| Unavailable::Broken(format!("{e:#}")))
}

impl Server {
    fn of_url(url: &str) -> Result<Server> {
        let config: Config = url.parse().context("not a PostgreSQL connection string")?;
        let admin = connect(&config, ADMIN_STATEMENT_LIMIT)?;
        let check_user = config
            .get_user()
            .map(str::to_string)
            .unwrap_or_else(|| std::env::var("USER").unwrap_or_default());
        let server = Server::new(config, admin, check_user, None)?;
        server.drop_stale_checks(false)?;
        Ok(server)
    }

    fn own(root: &Path, bindir: &Path) -> Result<Server> {
        let user = server_user();
        let data_dir = cluster_dir(root, user);
        ensure_cluster(root, &data_dir, bindir, user)?;
        stop_leftover(&data_dir, bindir, user)?;
        let (socket_dir, temp_socket_dir) = socket_dir(&data_dir, user)?;
        let running = Cmd::new(bindir.join("postgres"))
            .arg("-D")
            .arg(&data_dir)
            .arg("-k")
            .arg(&socket_dir)
            .arg("-p")
            .arg(PORT.to_string())
            .args(SERVER_SETTINGS.iter().flat_map(|s| ["-c", s]))
            .env_clear()
            .env("LC_ALL", "C")
            .cwd("/")
            .timeout(SESSION_LIMIT)
            .output_cap(64 * 1024)
            .with_user(user)
            .spawn()
            .context("could not start the PostgreSQL server")?;
        let mut owned = Owned {
            running: Mutex::new(Some(running)),
            data_dir,
            bindir: bindir.to_path_buf(),
            user,
            temp_socket_dir,
        };
        let mut config = Config::new();
        config
            .host_path(&socket_dir)
            .port(PORT)
            .user(ADMIN)
            .dbname("postgres");
        let admin = match owned.wait_ready(&config) {
            Ok(admin) => admin,
            Err(err) => {
                owned.stop();
                return Err(err);
            }
        };
        // The learner's role is made on the first start of a cluster
        // (initdb makes only the superuser).
        let mut admin = admin;
        admin
            .batch_execute(&format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LEARNER}') THEN \
                 CREATE ROLE {LEARNER} LOGIN; END IF; END $$"
            ))
            .context("cannot create the learner's role")?;
        let server = Server::new(config, admin, LEARNER.to_string(), Some(owned))?;
        server.drop_stale_checks(true)?;
        Ok(server)
    }

    fn new(admin_config: Config, admin: Client, check_user: String, owned: Option<Owned>) -> Result<Server> {
        let next = Arc::new(AtomicU64::new(0));
        let pool = Pool::start(&admin_config, check_user.clone(), next.clone())?;
        Ok(Server {
            admin_config,
            admin: Mutex::new(admin),
            check_user,
            templates: Mutex::default(),
            next,
            pool,
            owned,
        })
    }

    /// Mark a check as running until the guard drops (see [`Gate`]).
    pub fn busy(&self) -> Busy {
        self.pool.gate.enter_check()
    }

    /// A fresh clone of `template` for one check: one made ahead, or made now.
    pub fn clone_of(&self, template: &str) -> Result<String, postgres::Error> {
        if let Some(name) = self.pool.take(template) {
            return Ok(name);
        }
        let name = self.fresh_name("check");
        self.admin()
            .batch_execute(&create_sql(&name, template, &self.check_user))?;
        Ok(name)
    }

    /// Drop a check's database, after the verdict (by the worker).
    pub fn discard(&self, name: &str) {
        if !self.pool.send(Job::Drop(name.to_string())) {
            let _ = self.admin().batch_execute(&drop_sql(name));
        }
    }

    fn alive(&self) -> bool {
        let Some(owned) = &self.owned else {
            return true;
        };
        let mut running = owned.running.lock().unwrap_or_else(PoisonError::into_inner);
        running.as_mut().is_some_and(|r| r.try_exit().is_none())
    }

    fn stop(&self) {
        let left = self.pool.stop();
        if !self.alive() {
            return;
        }
        let mut admin = self.admin();
        for name in left {
            let _ = admin.batch_execute(&drop_sql(&name));
        }
        drop(admin);
        if let Some(owned) = &self.owned {
            owned.stop();
        }
    }

    pub fn admin(&self) -> MutexGuard<'_, Client> {
        self.admin.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How a check connects to database `dbname`, its statements limited to `limit`.
    pub fn check_config(&self, dbname: &str, limit: Duration) -> Config {
        let mut config = self.admin_config.clone();
        config
            .user(&self.check_user)
            .dbname(dbname)
            // The same readings on any server (a learner's own may default
            // to another zone or date style): UTC, ISO dates, psql's intervals.
            .options(&format!(
                "-c statement_timeout={} -c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres",
                limit.as_millis().max(1)
            ));
        config
    }

    /// A database name no other check of any runner uses: the pid keeps
    /// runners sharing a server apart, and lets a later start tell a dead
    /// runner's leftovers from a live one's.
    pub fn fresh_name(&self, what: &str) -> String {
        fresh_name(&self.next, what)
    }

    pub fn owner(&self) -> &str {
        &self.check_user
    }

    pub fn template_known(&self, name: &str) -> bool {
        self.templates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(name)
    }

    pub fn remember_template(&self, name: &str) {
        self.templates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_string());
    }

    /// Drop the check databases of runners that are gone (all of them in
    /// the own cluster, which no other runner uses right after its start).
    fn drop_stale_checks(&self, all: bool) -> Result<()> {
        let mut admin = self.admin();
        let names: Vec<String> = admin
            .query(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'backlings\\_check\\_%' \
                    OR datname LIKE 'backlings\\_load\\_%'",
                &[],
            )?
            .iter()
            .map(|row| row.get(0))
            .collect();
        for name in names {
            let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
            let gone = all || pid.is_none_or(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if gone {
                admin.batch_execute(&drop_sql(&name))?;
            }
        }
        Ok(())
    }
}

/// The own cluster's settings. Throw-away data: no fsync, no full-page
/// writes, no waiting for the WAL on commit. Timestamps read the same on
/// every machine (UTC). Logs go to the captured stderr, quietly.
const SERVER_SETTINGS: &[&str] = &[
    "listen_addresses=",
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "timezone=UTC",
    "log_timezone=UTC",
    "max_connections=40",
    "shared_buffers=16MB",
    "log_min_messages=fatal",
    "log_min_error_statement=panic",
    "logging_collector=off",
    "autovacuum=off",
    // A two-session exercise's deadlock is found in 0.1 s instead of 1 s.
    "deadlock_timeout=100ms",
];

impl Owned {
    /// Wait until the server accepts connections, or say why it did not.
    /// The server signals readiness only by accepting, so this polls, as
    /// `pg_ctl start -w` does, every 10 ms.
    fn wait_ready(&mut self, config: &Config) -> Result<Client> {
        let started = Instant::now();
        loop {
            match connect(config, ADMIN_STATEMENT_LIMIT) {
                Ok(client) => return Ok(client),
                Err(err) => {
                    let exited = {
                        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
                        running.as_mut().and_then(Running::try_exit)
                    };
                    if exited.is_some() || started.elapsed() > READY_LIMIT {
                        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner).take();
                        let log = running.map(|r| r.stop().stderr.text()).unwrap_or_default();
                        bail!(
                            "the PostgreSQL server in {} did not start ({err}); its log:\n{}",
                            self.data_dir.display(),
                            log.trim()
                        );
                    }
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    fn stop(&self) {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(mut running) = running {
            if running.try_exit().is_none() {
                // A fast shutdown ends the sessions and writes a checkpoint,
                // so the next start needs no recovery.
                let _ = Cmd::new(self.bindir.join("pg_ctl"))
                    .args(["stop", "-m", "fast", "-w", "-t", "10", "-D"])
                    .arg(&self.data_dir)
                    .env_clear()
                    .env("LC_ALL", "C")
                    .cwd("/")
                    .timeout(Duration::from_secs(15))
                    .with_user(self.user)
                    .run();
            }
            let _ = running.wait(Some(Duration::from_secs(5)));
        }
        if let Some(dir) = &self.temp_socket_dir {
            let _ = std::fs::remove_dir_all(dir.path());
        }
    }
}

/// Connect, with a bound on how long the connection attempt may take.
fn connect(config: &Config, statement_limit: Duration) -> Result<Client> {
    let mut config = config.clone();
    config
        .connect_timeout(Duration::from_secs(10))
        .options(&format!("-c statement_timeout={}", statement_limit.as_millis()));
    Ok(config.connect(NoTls)?)
}

/// `"name"` as an SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The folder of the server binaries: the one BACKLINGS_POSTGRES_BIN names;
/// else where `postgres` and `initdb` are on PATH, then what `pg_config
/// --bindir` says, then the usual install folders (Debian's
/// /usr/lib/postgresql/VERSION/bin, the newest first). Looked up once per
/// process.
pub fn binaries() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND.get_or_init(find_binaries).clone()
}

fn find_binaries() -> Option<PathBuf> {
    let complete = |dir: &Path| {
        ["postgres", "initdb", "pg_ctl"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(dir) = std::env::var_os(BIN_VAR) {
        let dir = PathBuf::from(dir);
        return complete(&dir).then_some(dir);
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(dir) = on_path.iter().find(|d| complete(d)) {
        return Some(dir.clone());
    }
    if let Some(pg_config) = on_path.iter().map(|d| d.join("pg_config")).find(|p| p.is_file())
        && let Ok(done) = Cmd::new(pg_config)
            .arg("--bindir")
            .timeout(Duration::from_secs(10))
            .run()
        && done.success()
    {
        let dir = PathBuf::from(done.stdout.text().trim());
        if complete(&dir) {
            return Some(dir);
        }
    }
    let mut candidates: Vec<(u32, PathBuf)> = Vec::new();
    for parent in [
        "/usr/lib/postgresql",
        "/usr/local/pgsql",
        "/opt/homebrew/opt",
        "/usr/local/opt",
    ] {
        let Ok(entries) = std::fs::read_dir(parent) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version: u32 = name
                .trim_start_matches("postgresql@")
                .trim_start_matches("postgresql")
                .split('.')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            candidates.push((version, entry.path().join("bin")));
        }
    }
    candidates.push((0, PathBuf::from("/usr/local/pgsql/bin")));
    candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
    candidates.into_iter().map(|(_, dir)| dir).find(|d| complete(d))
}

/// initdb and postgres refuse to run as root: when the runner is root (a
/// container, CI), they run as the `postgres` user, else as `nobody`.
fn server_user() -> Option<(u32, u32)> {
    if !rustix::process::geteuid().is_root() {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let entry = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() > 3 && fields[0] == name {
                Some((fields[2].parse().ok()?, fields[3].parse().ok()?))
            } else {
                None
            }
        })
    };
    entry("postgres")
        .or_else(|| entry("nobody"))
        .or(Some((65534, 65534)))
}

trait WithUser {
    fn with_user(self, user: Option<(u32, u32)>) -> Self;
}

impl WithUser for Cmd {
    fn with_user(self, user: Option<(u32, u32)>) -> Self {
        match user {
            Some((uid, gid)) => self.user(uid, gid),
            None => self,
        }
    }
}

/// Make sure `data_dir` holds a cluster: initdb into a fresh folder beside
/// it, then rename, so that an interrupted initdb never leaves half a
/// cluster where the next start would look.
fn ensure_cluster(root: &Path, data_dir: &Path, bindir: &Path, user: Option<(u32, u32)>) -> Result<()> {
    if data_dir.join("PG_VERSION").is_file() {
        return Ok(());
    }
    let state = data_dir
        .parent()
        .expect("inside .backlings or its own temp folder");
    std::fs::create_dir_all(state).with_context(|| format!("cannot create {}", state.display()))?;
    if let Some((uid, _)) = user {
        // A cluster in its own temp folder: only that folder is ours to open.
        let owner = if state.starts_with(root) { root } else { state };
        traversable_by(owner, state, uid)?;
    }
    if data_dir.exists() {
        // No PG_VERSION: not a cluster, a leftover of a failed attempt.
        std::fs::remove_dir_all(data_dir).with_context(|| format!("cannot remove {}", data_dir.display()))?;
    }
    let fresh = state.join("postgres.initdb");
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh).with_context(|| format!("cannot remove {}", fresh.display()))?;
    }
    std::fs::create_dir(&fresh).with_context(|| format!("cannot create {}", fresh.display()))?;
    if let Some((uid, gid)) = user {
        std::os::unix::fs::chown(&fresh, Some(uid), Some(gid))
            .with_context(|| format!("cannot hand {} to the server's user", fresh.display()))?;
    }
    let done = Cmd::new(bindir.join("initdb"))
        .arg("-D")
        .arg(&fresh)
        .args([
            "-U",
            ADMIN,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ])
        .env_clear()
        .env("LC_ALL", "C")
        .cwd("/")
        .timeout(INITDB_LIMIT)
        .merge_stderr()
        .with_user(user)
        .run()?;
    if !done.success() {
        bail!(
            "initdb into {} failed ({}):\n{}",
            fresh.display(),
            done.describe_exit(),
            done.stdout.text().trim()
        );
    }
    std::fs::rename(&fresh, data_dir).with_context(|| format!("cannot rename {}", fresh.display()))?;
    Ok(())
}

/// Where the cluster lives: `.backlings/postgres` in the pack. When the
/// server runs as another user (the runner is root) and a folder above the
/// pack does not let that user pass (a pack under root's 0700 home), the
/// runner would have to change a folder that is not the pack's to use it;
/// instead the cluster goes to a folder of its own under the system temp dir,
/// named after the pack's path so that each pack keeps one cluster across
/// runs, as the socket does when the pack's path is too long for one.
fn cluster_dir(root: &Path, user: Option<(u32, u32)>) -> PathBuf {
    let in_pack = root.join(".backlings").join("postgres");
    let Some((uid, _)) = user else {
        return in_pack;
    };
    if passable_above(root, uid) {
        return in_pack;
    }
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    std::env::temp_dir()
        .join(format!("backlings-postgres-{:016x}", hasher.finish()))
        .join("postgres")
}

/// Can `uid` pass every folder above `root` (search permission)?
fn passable_above(root: &Path, uid: u32) -> bool {
    root.ancestors()
        .skip(1)
        .all(|dir| std::fs::metadata(dir).is_ok_and(|meta| passable_by(&meta, uid)))
}

/// May `uid` pass through this folder? Its owner, or anyone when others have
/// the search bit (the server's user is in no group of the runner's).
fn passable_by(meta: &std::fs::Metadata, uid: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.uid() == uid || meta.mode() & 0o001 != 0
}

/// The server's user must reach the data folder: every folder from the
/// pack's root down gets the search bit for others when it lacks it (only
/// search: no one can list them); a folder above the root that it cannot
/// pass is reported, never changed.
fn traversable_by(root: &Path, state: &Path, uid: u32) -> Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    for dir in state.ancestors() {
        let meta = std::fs::metadata(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if passable_by(&meta, uid) {
            continue;
        }
        if dir.starts_with(root) {
            let mut perms = meta.permissions();
            perms.set_mode(meta.mode() | 0o001);
            std::fs::set_permissions(dir, perms)
                .with_context(|| format!("cannot let the PostgreSQL server's user pass {}", dir.display()))?;
        } else {
            return Err(anyhow!(
                "PostgreSQL runs as another user (the runner is root), and that user cannot pass {}: \
                 `chmod o+x {}`, or move the pack, or set {URL_VAR}",
                dir.display(),
                dir.display()
            ));
        }
    }
    Ok(())
}

/// The socket's folder: the data folder itself, unless its path is too long
/// for a socket path; then a short private folder under the temp dir.
fn socket_dir(data_dir: &Path, user: Option<(u32, u32)>) -> Result<(PathBuf, Option<tempfile::TempDir>)> {
    let socket = data_dir.join(format!(".s.PGSQL.{PORT}"));
    if socket.as_os_str().len() < MAX_SOCKET_PATH {
        return Ok((data_dir.to_path_buf(), None));
    }
    let dir = tempfile::Builder::new()
        .prefix("backlings-pg-")
        .tempdir()
        .context("cannot create a folder for the PostgreSQL socket")?;
    if let Some((uid, gid)) = user {
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
            .context("cannot hand the socket folder to the server's user")?;
    }
    Ok((dir.path().to_path_buf(), Some(dir)))
}

/// A server a crashed run left behind on this data folder: stop it. One
/// that another live runner started (its parent is a backlings) is left
/// alone, and this start then fails on its lock with a message that says so.
fn stop_leftover(data_dir: &Path, bindir: &Path, user: Option<(u32, u32)>) -> Result<()> {
    let pid_file = data_dir.join("postmaster.pid");
    let Ok(text) = std::fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let pid: Option<u32> = text.lines().next().and_then(|l| l.trim().parse().ok());
    let Some(pid) = pid.filter(|&pid| is_postgres(pid)) else {
        // Its process is gone (or the number now belongs to another program):
        // the file is stale, and postgres would hesitate over a reused pid.
        let _ = std::fs::remove_file(&pid_file);
        return Ok(());
    };
    if let Some(parent) = parent_of(pid)
        && parent != 1
        && command_name(parent).is_some_and(|name| name == "backlings")
    {
        bail!(
            "another backlings (pid {parent}) runs this pack's PostgreSQL server: quit it first, \
             or set {URL_VAR} to share a server"
        );
    }
    let done = Cmd::new(bindir.join("pg_ctl"))
        .args(["stop", "-m", "immediate", "-w", "-t", "20", "-D"])
        .arg(data_dir)
        .env_clear()
        .env("LC_ALL", "C")
        .cwd("/")
        .timeout(Duration::from_secs(30))
        .merge_stderr()
        .with_user(user)
        .run()?;
    if !done.success() && is_postgres(pid) {
        bail!(
            "a PostgreSQL server left running on {} (pid {pid}) did not stop: {}",
            data_dir.display(),
            done.stdout.text().trim()
        );
    }
    Ok(())
}

fn command_name(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim().to_string())
}

fn is_postgres(pid: u32) -> bool {
    command_name(pid).is_some_and(|name| name.starts_with("postgres"))
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_cluster_leaves_the_pack_only_when_its_user_cannot_reach_it() {
        let outer = tempfile::tempdir().unwrap();
        let pack = outer.path().join("pack");
        std::fs::create_dir(&pack).unwrap();
        // Not the owner of the temp dir: the server's user of a root runner.
        let other = (65534, 65534);
        std::fs::set_permissions(outer.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(cluster_dir(&pack, None), pack.join(".backlings/postgres"));
        assert_eq!(cluster_dir(&pack, Some(other)), pack.join(".backlings/postgres"));
        std::fs::set_permissions(outer.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let elsewhere = cluster_dir(&pack, Some(other));
        assert!(
            elsewhere.starts_with(std::env::temp_dir()),
            "{}",
            elsewhere.display()
        );
        assert!(!elsewhere.starts_with(outer.path()), "{}", elsewhere.display());
        assert_eq!(elsewhere, cluster_dir(&pack, Some(other)), "one cluster per pack");
    }
}
