// A login endpoint that gives attackers nothing: no user list, no free guesses.
//
// Two classic leaks of a login form:
//   - User enumeration: "no such user" for one name and "wrong password" for
//     another tells an attacker which accounts exist — the first step of
//     credential stuffing and of targeted phishing. Answer both with the same
//     status and the same body (and the same work: an unknown user still costs
//     one hash verification, or the response time gives it away).
//   - Unlimited guesses: argon2 makes each guess slow for someone holding a
//     stolen hash, but through your API the attacker only needs your server to
//     try passwords for them. After 5 failures for one username within 15
//     minutes, refuse it for 15 minutes with 429 Too Many Requests and `Retry-After`
//     (seconds) — even with the right password, or the lock is an oracle. Count
//     failures for unknown usernames too: a lock that only real accounts get
//     would enumerate them again. A successful login clears the count.
//
// Passwords are stored as argon2 PHC strings (hashed at start-up here).
// Users: ada / "correct horse battery staple", grace / "amazing grace 1906".
//
//   POST /login {"username": "…", "password": "…"}
//     right password               → 200 {"user": "ada"}
//     unknown user, wrong password → 401 {"error": "invalid username or password"}
//     5 failures for that username → 429, `Retry-After: <seconds>`,
//                                    {"error": "too many failed attempts, try again later"}
//
// Make both failures identical, then add the lockout to `login`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

const USERS: [(&str, &str); 2] = [
    ("ada", "correct horse battery staple"),
    ("grace", "amazing grace 1906"),
];
const MAX_FAILURES: u32 = 5;
const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Past this many tracked usernames, forget the ones that are neither locked
/// nor recently failed, so made-up names cannot grow the map without bound.
const MAX_TRACKED: usize = 10_000;

struct Attempts {
    /// Failures since `window_start`; older ones no longer count.
    failures: u32,
    window_start: Instant,
    locked_until: Option<Instant>,
}

impl Attempts {
    fn new(now: Instant) -> Self {
        Attempts {
            failures: 0,
            window_start: now,
            locked_until: None,
        }
    }

    fn is_current(&self, now: Instant) -> bool {
        match self.locked_until {
            Some(until) => until > now,
            None => now.duration_since(self.window_start) < LOCKOUT,
        }
    }
}

struct AppState {
    /// username → argon2 PHC string
    credentials: HashMap<String, String>,
    /// Verified when the username is unknown, so that it costs the same time.
    dummy_phc: String,
    /// username → recent failures. In production: Redis or the database with
    /// a TTL, shared by every instance behind the load balancer.
    attempts: Mutex<HashMap<String, Attempts>>,
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
}

fn hash(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .expect("argon2 hashing failed")
}

/// Argon2 is deliberately slow (tens of milliseconds): run it on the blocking
/// pool, not on the async workers that serve every other request.
async fn verify(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), phc.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

impl AppState {
    /// Counts this attempt as a failure BEFORE the password is checked (a
    /// success clears it afterwards): parallel guesses cannot slip past the
    /// limit while the slow hash runs. Err(wait) while the username is locked.
    fn reserve_attempt(&self, username: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut attempts = self.attempts.lock().expect("attempts lock poisoned");
        if attempts.len() > MAX_TRACKED {
            attempts.retain(|_, a| a.is_current(now));
        }
        let entry = attempts
            .entry(username.to_string())
            .or_insert_with(|| Attempts::new(now));
        if let Some(until) = entry.locked_until.filter(|until| *until > now) {
            return Err(until - now);
        }
        if !entry.is_current(now) {
            // The lock ran out, or the last failures are too old to count.
            *entry = Attempts::new(now);
        }
        entry.failures += 1;
        if entry.failures >= MAX_FAILURES {
            entry.locked_until = Some(now + LOCKOUT);
        }
        Ok(())
    }

    fn clear_attempts(&self, username: &str) {
        self.attempts
            .lock()
            .expect("attempts lock poisoned")
            .remove(username);
    }
}

async fn login(State(state): State<Arc<AppState>>, Json(request): Json<LoginRequest>) -> Response {
    if let Err(wait) = state.reserve_attempt(&request.username) {
        // Rounded up: a client that waits exactly this long is let in.
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let body = Json(json!({ "error": "too many failed attempts, try again later" }));
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.to_string())],
            body,
        )
            .into_response();
    }
    // The same work and the same answer whether or not the user exists.
    let known = state.credentials.get(&request.username);
    let phc = known.unwrap_or(&state.dummy_phc).clone();
    let password_ok = verify(request.password, phc).await;
    if known.is_none() || !password_ok {
        return error(StatusCode::UNAUTHORIZED, "invalid username or password");
    }
    state.clear_attempts(&request.username);
    Json(json!({ "user": request.username })).into_response()
}

fn app() -> Router {
    let credentials = USERS
        .iter()
        .map(|(user, password)| (user.to_string(), hash(password)))
        .collect();
    let state = AppState {
        credentials,
        dummy_phc: hash("no user has this password"),
        attempts: Mutex::default(),
    };
    Router::new()
        .route("/login", post(login))
        .with_state(Arc::new(state))
}

#[tokio::main]
async fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_string());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|err| panic!("cannot listen on 127.0.0.1:{port}: {err}"));
    println!("listening on http://127.0.0.1:{port}");
    axum::serve(listener, app()).await.expect("server error");
}
