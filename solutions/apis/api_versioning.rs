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
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

const SUPPORTED_VERSIONS: [&str; 2] = ["v1", "v2"];
/// 2026-01-01T00:00:00Z, the day v2 shipped.
const V1_DEPRECATED_AT: &str = "@1767225600";
const V1_SUNSET: &str = "Fri, 31 Dec 2027 23:59:59 GMT";

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
    // Each version is its own router: v1's code is frozen, and the deprecation
    // headers are a layer on v1 alone, so no v1 route can forget them.
    let v1 = Router::new()
        .route("/users/{id}", get(get_user_v1))
        .layer(map_response(announce_sunset));
    let v2 = Router::new().route("/users/{id}", get(get_user_v2));
    Router::new()
        .nest("/v1", v1)
        .nest("/v2", v2)
        .fallback(unknown_version)
}

/// v1, exactly as its clients were promised: one `name`.
async fn get_user_v1(Path(id): Path<u64>) -> Response {
    match find_user(id) {
        Some(user) => {
            let name = format!("{} {}", user.first_name, user.last_name);
            Json(json!({ "id": user.id, "name": name })).into_response()
        }
        None => no_user(id),
    }
}

async fn get_user_v2(Path(id): Path<u64>) -> Response {
    match find_user(id) {
        Some(user) => {
            Json(json!({ "id": user.id, "first_name": user.first_name, "last_name": user.last_name }))
                .into_response()
        }
        None => no_user(id),
    }
}

/// Inside `nest("/v1", …)` the `Uri` has the prefix stripped: `/users/1`.
async fn announce_sunset(uri: Uri, mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert("deprecation", HeaderValue::from_static(V1_DEPRECATED_AT));
    headers.insert("sunset", HeaderValue::from_static(V1_SUNSET));
    let successor = format!("</v2{}>; rel=\"successor-version\"", uri.path());
    if let Ok(link) = HeaderValue::from_str(&successor) {
        headers.insert(header::LINK, link);
    }
    response
}

async fn unknown_version(uri: Uri) -> Response {
    let first_segment = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let body = if SUPPORTED_VERSIONS.contains(&first_segment) {
        json!({ "error": format!("no route for {}", uri.path()) })
    } else {
        json!({
            "error": format!("unknown API version {first_segment}"),
            "supported": SUPPORTED_VERSIONS,
        })
    };
    (StatusCode::NOT_FOUND, Json(body)).into_response()
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
