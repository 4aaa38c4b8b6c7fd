// An axum handler and its extractors: let the types parse the request.
//
// Read: The Rust Book, chapter 17 ("async" and ".await", which every handler
// uses: https://doc.rust-lang.org/book/ch17-00-async-await.html), then axum's
// guide to extractors (https://docs.rs/axum/latest/axum/extract/index.html).
//
// An axum handler is an `async fn` whose ARGUMENTS say what it needs from the
// request: `Path<u64>` a path segment as a number, `Query<T>` the query string
// as a struct, `Json<T>` the body as a struct (any type that derives
// `Deserialize`). axum parses before your code runs and answers on its own
// when it cannot — 400 for `/users/abc` when the id is a `u64`, 415 when a
// `Json` body is not sent as JSON — so the handler only ever sees valid,
// typed values. What it returns (`Json(value)`, a string, a status) becomes
// the response. Taking `String`s and parsing them by hand is how "abc" ends
// up in a database query.
//
// The runner starts this server with PORT set and expects:
//
//   GET /users/42           → 200 {"id": 42, "name": "user 42"}   (id a JSON number)
//   GET /users/abc          → 400 (axum's rejection: the id is not a number)
//   GET /search?q=tea&limit=3 → 200 {"q": "tea", "limit": 3}
//   GET /search?q=tea       → 200 {"q": "tea", "limit": 10}        (limit defaults to 10)
//   GET /search             → 400 (q is required)
//   POST /echo {"text": "héllo"} → 200 {"text": "héllo", "length": 5}  (length in characters)
//   POST /echo with a body that is not JSON → 415
//
// Change the three handlers' arguments to the right extractors.

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

/// What `GET /search` accepts.
#[derive(Deserialize)]
#[allow(dead_code)] // until a handler extracts it
struct Search {
    q: String,
    limit: u32,
}

/// What `POST /echo` accepts.
#[derive(Deserialize)]
#[allow(dead_code)] // until a handler extracts it
struct Message {
    text: String,
}

/// `GET /users/{id}`: the id arrives as text, whatever it is.
async fn get_user(Path(id): Path<String>) -> Json<Value> {
    Json(json!({ "id": id, "name": format!("user {id}") }))
}

/// `GET /search`: never looks at the query string.
async fn search() -> Json<Value> {
    Json(json!({ "q": "", "limit": 10 }))
}

/// `POST /echo`: the raw body, JSON or not.
async fn echo(body: String) -> Json<Value> {
    Json(json!({ "text": body, "length": body.len() }))
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
