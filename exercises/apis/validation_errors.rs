// Validation errors: 400, 415 and 422 — and every problem at once.
//
// Three different things can be wrong with a POST, and clients need to tell
// them apart:
//   - 415 Unsupported Media Type: the body is not JSON at all (a form post);
//   - 400 Bad Request: it claims to be JSON but does not parse;
//   - 422 Unprocessable Content: valid JSON, but the values break your rules.
// axum's `Json` extractor produces the first two (and a 422 for a value of the
// wrong type) by itself — as PLAIN TEXT, which a client expecting your JSON
// error format cannot parse. Your own rules are yours to check, and a signup
// form that reports one mistake per round trip ("title empty"… fix… "email
// invalid"… fix…) is how users give up. Report every invalid field at once.
//
// One error shape for the whole API, so clients parse it once: here
// `{"errors": {field: message}}` for invalid fields and `{"error": message}`
// for a request that could not be read at all. RFC 9457 ("Problem Details for
// HTTP APIs") standardises such an envelope — `Content-Type:
// application/problem+json` with `type`, `title`, `status`, `detail`, and
// extension members like this `errors` map — and a public API does well to
// adopt it rather than invent its own.
//
// POST /talks {"title": "…", "email": "…"} — the runner expects:
//
//   valid                 → 201 {"id": <n>, "title": "…", "email": "…"}
//   invalid values        → 422 {"errors": {"title": "…", "email": "…"}} with EVERY
//                           invalid field, messages exactly:
//        title empty or only spaces (or missing) → "must not be empty"
//        title over 80 characters (characters, not bytes) → "must be at most 80 characters"
//        email (or missing) that `looks_like_email` refuses → "must be an email address"
//                           (the helper is written: email syntax is newtype_ids' lesson)
//   not JSON, broken JSON, a value of the wrong type
//                         → axum's status (415, 400, 422) with a JSON body
//                           {"error": "<axum's message>"}
//
// Make `create_talk` answer axum's rejections in the API's JSON shape, make
// `validate` collect every error, and fix the title rules.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

const MAX_TITLE_CHARS: usize = 80;

#[derive(Deserialize)]
struct NewTalk {
    title: String,
    email: String,
}

#[derive(Serialize)]
struct Talk {
    id: u64,
    title: String,
    email: String,
}

/// Field name → what is wrong with it.
type FieldErrors = BTreeMap<&'static str, &'static str>;

fn validate(talk: &NewTalk) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if talk.title.is_empty() {
        errors.insert("title", "must not be empty");
    } else if talk.title.len() > MAX_TITLE_CHARS {
        errors.insert("title", "must be at most 80 characters");
    } else if !looks_like_email(&talk.email) {
        errors.insert("email", "must be an email address");
    }
    errors
}

/// Catches typos, nothing more: only a confirmation mail proves an address works.
fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && !text.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty())
}

static LAST_ID: AtomicU64 = AtomicU64::new(0);

async fn create_talk(Json(input): Json<NewTalk>) -> Response {
    let errors = validate(&input);
    if !errors.is_empty() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "errors": errors })),
        )
            .into_response();
    }
    let talk = Talk {
        id: LAST_ID.fetch_add(1, Ordering::Relaxed) + 1,
        title: input.title,
        email: input.email,
    };
    (StatusCode::CREATED, Json(talk)).into_response()
}

fn app() -> Router {
    Router::new().route("/talks", post(create_talk))
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
