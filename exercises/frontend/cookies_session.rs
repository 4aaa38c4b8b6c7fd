// Session cookies: HttpOnly, SameSite, and a logout that really logs out.
//
// After a login the server hands the browser a random session id in a cookie,
// and the browser sends it back with every request. Whoever holds that id is
// the user, so the cookie's attributes are security settings:
//
// - `HttpOnly`: page scripts cannot read the cookie, so an XSS bug cannot steal
//   the session and use it from elsewhere;
// - `SameSite=Lax`: the browser leaves it off requests that other sites trigger
//   (a hidden form posting to your /transfer), which stops most CSRF;
// - `Path=/`: sent for the whole site, and the path a later deletion must name;
// - `Secure` in production, where the site is HTTPS-only (left out here: the
//   check talks plain HTTP).
//
// A logout must end the session ON THE SERVER. Clearing the cookie only asks
// the browser to forget it: a copy taken earlier (a shared computer, malware,
// a leaked log) keeps working for as long as the server accepts it. For the
// same reason a server-side session expires on its own, twice over: an IDLE
// timeout (say 30 minutes without a request) and an ABSOLUTE one (say 12
// hours after login, however active), after which the user logs in again.
// Production cookies also take the `__Host-` name prefix (`__Host-session`):
// the browser then only accepts it with `Secure`, `Path=/` and no `Domain`,
// so a sibling subdomain cannot plant or overwrite it. (Both are left out
// here to keep the exchange readable over plain HTTP.)
//
// Make the server answer:
//
//   POST /login {"user": "ada", "password": "lovelace"}
//       204, with exactly `Set-Cookie: session=<id>; HttpOnly; SameSite=Lax; Path=/`
//   GET /me     with the session's cookie: 200 {"user": "ada"}; otherwise 401
//   POST /logout
//       204, with exactly `Set-Cookie: session=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/`
//       (Max-Age=0 tells the browser to drop it now); and the session is gone:
//       its id gets a 401 from then on

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

#[derive(Default)]
struct AppState {
    /// Session id → user name.
    sessions: Mutex<HashMap<String, String>>,
}

type Shared = Arc<AppState>;

#[derive(Deserialize)]
struct Credentials {
    user: String,
    password: String,
}

async fn login(State(state): State<Shared>, Json(credentials): Json<Credentials>) -> Response {
    // One demo account; a real service checks a password hash (see the security stage).
    if credentials.user != "ada" || credentials.password != "lovelace" {
        return unauthorized("wrong user or password");
    }
    let id = new_session_id();
    state
        .sessions
        .lock()
        .unwrap()
        .insert(id.clone(), credentials.user);
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, format!("session={id}; Path=/"))],
    )
        .into_response()
}

async fn me(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let user = cookie(&headers, "session").and_then(|id| state.sessions.lock().unwrap().get(id).cloned());
    match user {
        Some(user) => Json(json!({ "user": user })).into_response(),
        None => unauthorized("log in first"),
    }
}

async fn logout() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

// ---- helpers (nothing to change below) ----

fn unauthorized(why: &str) -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({ "error": why }))).into_response()
}

/// 128 random bits from the operating system's CSPRNG (`getrandom`), as hex:
/// a session id nobody can guess or predict from earlier ones. Never a
/// counter, a timestamp, a hash of the user name, or a fast non-cryptographic
/// generator: whoever can guess an id is that user.
fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random generator");
    hex::encode(bytes)
}

/// The value of cookie `name` in the request's `Cookie` headers (`a=1; session=…`).
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

fn app() -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/logout", post(logout))
        .with_state(Shared::default())
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
