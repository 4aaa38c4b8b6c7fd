// CORS: which other sites' pages may read your API's responses.
//
// Browsers keep a page from reading responses from another origin (scheme,
// host and port): otherwise any site you visit could call your bank's API with
// your cookies and read the answer. CORS is how an API lifts that rule for the
// front ends it trusts.
//
// Not every cross-origin request is asked about first. A "simple" request —
// GET, HEAD or POST, with only safelisted headers (Accept, Accept-Language,
// Content-Language, Content-Type) and a Content-Type of
// application/x-www-form-urlencoded, multipart/form-data or text/plain — goes
// straight out, cookies and all, exactly as a plain HTML form could send it;
// CORS only decides whether the page may READ the answer. So a form POST that
// changes state reaches your server without any preflight: that is CSRF's
// territory (SameSite cookies, CSRF tokens), not CORS's. Anything else — PUT,
// DELETE or PATCH, an Authorization or X-… header, a JSON Content-Type — makes
// the browser send a preflight first: `OPTIONS` with `Origin`,
// `Access-Control-Request-Method` and `Access-Control-Request-Headers`, and the
// real request only if the answer allows it. Then it lets the page read the
// real response only if that carries `Access-Control-Allow-Origin` with the
// page's origin.
//
// The fix everyone copies — `Access-Control-Allow-Origin: *` on everything —
// lets every site read your API. Loose matching is as bad:
// `starts_with("https://app.example.com")` lets in `https://app.example.com.evil.net`.
// Compare the whole origin with a list. And CORS is not access control: the
// server still runs every request it gets; curl ignores CORS entirely.
//
// Make the `cors` middleware (it wraps every route) answer:
//
// - a preflight (OPTIONS with an `Access-Control-Request-Method` header) from an
//   origin in ALLOWED_ORIGINS: 204 No Content, without running the route, with
//       Access-Control-Allow-Origin: <that origin>
//       Access-Control-Allow-Methods: GET, POST, PUT, DELETE
//       Access-Control-Allow-Headers: Content-Type, Authorization
//       Access-Control-Max-Age: 600        (the browser may reuse the answer for 10 minutes)
// - a preflight from any other origin: 204 with no Access-Control-* header;
// - any other request: the route's response, with `Access-Control-Allow-Origin:
//   <origin>` when the origin is allowed;
// - and on every response, `Vary: Origin`: the answer depends on the Origin, so
//   a cache must not hand one origin's answer to another.

use axum::extract::{Path, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::{Value, json};

/// The front ends allowed to call this API from a browser: whole origins, compared exactly.
const ALLOWED_ORIGINS: [&str; 2] = ["https://app.example.com", "http://localhost:5173"];

async fn cors(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

async fn list_items() -> Json<Value> {
    Json(json!([{ "id": 1, "name": "kettle" }, { "id": 2, "name": "teapot" }]))
}

async fn update_item(Path(id): Path<u64>, Json(item): Json<Value>) -> Json<Value> {
    Json(json!({ "id": id, "name": item["name"] }))
}

fn app() -> Router {
    Router::new()
        .route("/api/items", get(list_items))
        .route("/api/items/{id}", put(update_item))
        .layer(middleware::from_fn(cors))
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
