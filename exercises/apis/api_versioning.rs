// API versioning: change the shape for new clients without breaking old ones.
//
// You cannot redeploy your clients. The mobile app released last spring is
// still on thousands of phones, and a partner's nightly job was written
// against your API two years ago. Change the shape of a response in place —
// split `name` into `first_name` and `last_name`, say — and every one of them
// breaks the minute you deploy. So a breaking change ships as a NEW version
// (`/v2/…`) while the old one (`/v1/…`) keeps answering exactly as before,
// and tells its callers it is going away, in headers that client libraries
// and API gateways can log and alert on:
//   - `Deprecation: @<unix time>` — deprecated since then (RFC 9745; older
//     services send `Deprecation: true`, from the draft before it);
//   - `Sunset: <HTTP date>` — when it will stop answering (RFC 8594), e.g.
//     `Sunset: Fri, 31 Dec 2027 23:59:59 GMT`;
//   - `Link: </v2/users/1>; rel="successor-version"` — where to go instead.
//
// Someone already "upgraded" v1 in place: both versions now answer the new
// shape. The runner expects:
//
//   GET /v1/users/1 → 200 {"id": 1, "name": "Ada Lovelace"} + the three headers above
//   GET /v2/users/1 → 200 {"id": 1, "first_name": "Ada", "last_name": "Lovelace"},
//                     without Deprecation or Sunset
//   an unknown user, either version → 404 {"error": "no user with id <id>"}
//   GET /v7/users/1 → 404 {"error": "unknown API version v7", "supported": ["v1", "v2"]}
//
// Give v1 back its own handler and headers, and answer unknown versions.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

struct User {
    id: u64,
    first_name: &'static str,
    last_name: &'static str,
}

const fn user(id: u64, first_name: &'static str, last_name: &'static str) -> User {
    User {
        id,
        first_name,
        last_name,
    }
}

const USERS: [User; 3] = [
    user(1, "Ada", "Lovelace"),
    user(2, "Grace", "Hopper"),
    user(3, "Alan", "Turing"),
];

fn find_user(id: u64) -> Option<&'static User> {
    USERS.iter().find(|user| user.id == id)
}

fn no_user(id: u64) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": format!("no user with id {id}") })),
    )
        .into_response()
}

fn app() -> Router {
    Router::new()
        .route("/v1/users/{id}", get(get_user))
        .route("/v2/users/{id}", get(get_user))
}

async fn get_user(Path(id): Path<u64>) -> Response {
    match find_user(id) {
        Some(user) => {
            Json(json!({ "id": user.id, "first_name": user.first_name, "last_name": user.last_name }))
                .into_response()
        }
        None => no_user(id),
    }
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
