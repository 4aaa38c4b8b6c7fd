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
// The price of a per-username lock: anyone who knows a username can lock its
// owner out, on purpose, forever, by failing five times every 15 minutes —
// a denial of service against your own users (and your support desk). Real
// systems soften it: lock for minutes that grow with each round rather than
// for good; throttle per source address as well, so one attacker cannot lock
// thousands of accounts; let a device that logged in successfully before keep
// trying (a signed "known device" cookie); ask for a CAPTCHA instead of
// refusing; alert the owner and offer a reset link. And against password
// spraying (one common password tried on every account, under any per-user
// threshold) only per-source limits, breached-password checks and MFA help.
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
use std::sync::Arc;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

const USERS: [(&str, &str); 2] = [
    ("ada", "correct horse battery staple"),
    ("grace", "amazing grace 1906"),
];

struct AppState {
    /// username → argon2 PHC string
    credentials: HashMap<String, String>,
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

async fn login(State(state): State<Arc<AppState>>, Json(request): Json<LoginRequest>) -> Response {
    let Some(phc) = state.credentials.get(&request.username) else {
        return error(StatusCode::NOT_FOUND, "no such user");
    };
    if !verify(request.password, phc.clone()).await {
        return error(StatusCode::UNAUTHORIZED, "wrong password");
    }
    Json(json!({ "user": request.username })).into_response()
}

fn app() -> Router {
    let credentials = USERS
        .iter()
        .map(|(user, password)| (user.to_string(), hash(password)))
        .collect();
    Router::new()
        .route("/login", post(login))
        .with_state(Arc::new(AppState { credentials }))
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
