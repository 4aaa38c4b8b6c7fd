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
// Add the /version route and a fallback to `app`.

use axum::Router;
use axum::routing::get;

fn app() -> Router {
    Router::new().route("/", get(index))
}

async fn index() -> &'static str {
    "backlings notes API"
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
