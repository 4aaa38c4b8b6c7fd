// An axum handler and its extractors: let the types parse the request.
//
// Each handler names what it needs in its arguments and gets it already
// parsed: `Path<u64>`, `Query<Search>` with a serde default for `limit`,
// `Json<Message>`. Every malformed request is refused by axum before a
// handler runs, with the status that says why (400, 415, 422).

use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

/// What `GET /search` accepts.
#[derive(Deserialize)]
struct Search {
    q: String,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    10
}

/// What `POST /echo` accepts.
#[derive(Deserialize)]
struct Message {
    text: String,
}

/// `GET /users/{id}`: axum answers 400 itself when the segment is not a u64.
async fn get_user(Path(id): Path<u64>) -> Json<Value> {
    Json(json!({ "id": id, "name": format!("user {id}") }))
}

/// `GET /search`: a missing `q` (or a `limit` that is not a number) is a 400.
async fn search(Query(search): Query<Search>) -> Json<Value> {
    Json(json!({ "q": search.q, "limit": search.limit }))
}

/// `POST /echo`: a body without `Content-Type: application/json` is a 415.
async fn echo(Json(message): Json<Message>) -> Json<Value> {
    // Characters, not bytes: "é" is one character and two bytes.
    let length = message.text.chars().count();
    Json(json!({ "text": message.text, "length": length }))
}

fn app() -> Router {
    Router::new()
        .route("/users/{id}", get(get_user))
        .route("/search", get(search))
        .route("/echo", post(echo))
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
