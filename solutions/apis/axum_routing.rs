// Routing with axum: every path answers on purpose, including the ones you never wrote.
//
// A router maps a method and a path to a handler. What it does with everything
// else matters as much: clients that hit a typo'd URL get axum's default 404
// with an EMPTY body —
// which their JSON parser then chokes on, and your on-call engineer reads
// "unexpected end of input" in someone else's logs instead of "no route".
// A fallback handler gives every unmatched request the same JSON error shape as
// the rest of the API.
//
// The runner starts this server with PORT set and sends:
//
//   GET /            → 200, the text `backlings notes API`
//   GET /version     → 200, {"version": "1.4.2"} (Content-Type: application/json)
//   any other path   → 404, {"error": "no route for METHOD /the/path"},
//                      e.g. {"error": "no route for DELETE /a/b"}
//
// Add the /version route and a fallback to `app`. `Router::route` takes a path
// and a method router (`get(handler)`); `Router::fallback` takes a handler that
// runs when no route matched; `Json(value)` answers with JSON.

use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

fn app() -> Router {
    Router::new()
        .route("/", get(index))
        .route("/version", get(version))
        .fallback(no_route)
}

async fn index() -> &'static str {
    "backlings notes API"
}

async fn version() -> Json<serde_json::Value> {
    Json(json!({ "version": "1.4.2" }))
}

/// Runs for every request no route matched, whatever its method.
async fn no_route(method: Method, uri: Uri) -> impl IntoResponse {
    // The path only: echoing the query string back could leak tokens into logs.
    let message = format!("no route for {method} {}", uri.path());
    (StatusCode::NOT_FOUND, Json(json!({ "error": message })))
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
