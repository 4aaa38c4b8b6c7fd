// Path and query parameters: let the extractor parse them, and let it refuse.
//
// `/users/42` names one resource; `/users?limit=20&offset=40` asks for a slice
// of a collection. Both arrive as text. Parse them by hand and the mistakes
// pile up: an id echoed back as the string "42" where clients expect a number
// (a typed client in another team then fails to deserialize every user), or
// `/users/abc` answered with 404 "no such user" — which sends people hunting
// for a missing record when the request itself was malformed.
//
// axum's extractors do the parsing for you: `Path<u64>` only lets numbers
// through and answers anything else with 400 Bad Request on its own, and
// `Query<T>` deserializes the query string into a struct whose fields can have
// defaults. A handler that receives a `u64` never has to think about "abc".
//
// The directory is pretend: user N exists for every N from 1 to 100 000 and is
// named `user_N`. The runner sends:
//
//   GET /users/42            → 200 {"id": 42, "username": "user_42"}  (id a number)
//   GET /users/0             → 404 {"error": "no user with id 0"}  (same past 100 000)
//   GET /users/abc, /users/-5 → 400 (axum's own rejection is fine)
//   GET /users?limit=2&offset=40
//                            → 200 {"limit": 2, "offset": 40,
//                                   "users": [{"id": 41, …}, {"id": 42, …}]}
//   GET /users               → limit defaults to 10, offset to 0
//   GET /users?limit=ten     → 400
//   A limit above 100 is served as 100; the list stops at user 100 000.
//
// Change `get_user` to extract a `Path<u64>` and `list_users` to extract a
// `Query<ListParams>` (write that struct, with defaults).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

const USER_COUNT: u64 = 100_000;
const MAX_LIMIT: u64 = 100;

#[derive(Serialize)]
struct User {
    id: u64,
    username: String,
}

fn find_user(id: u64) -> Option<User> {
    (1..=USER_COUNT).contains(&id).then(|| User {
        id,
        username: format!("user_{id}"),
    })
}

/// `?limit=&offset=`; a missing parameter takes its default, a malformed one
/// makes `Query` reject the request with 400 before the handler runs.
#[derive(Deserialize)]
struct ListParams {
    #[serde(default = "default_limit")]
    limit: u64,
    #[serde(default)]
    offset: u64,
}

fn default_limit() -> u64 {
    10
}

fn app() -> Router {
    Router::new()
        .route("/users", get(list_users))
        .route("/users/{id}", get(get_user))
}

async fn get_user(Path(id): Path<u64>) -> Response {
    match find_user(id) {
        Some(user) => Json(user).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no user with id {id}") })),
        )
            .into_response(),
    }
}

async fn list_users(Query(params): Query<ListParams>) -> Json<serde_json::Value> {
    // Capped so one request cannot ask for the whole table.
    let limit = params.limit.min(MAX_LIMIT);
    let first = params.offset.saturating_add(1);
    let users: Vec<User> = (first..first.saturating_add(limit))
        .map_while(find_user)
        .collect();
    Json(json!({ "limit": limit, "offset": params.offset, "users": users }))
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
