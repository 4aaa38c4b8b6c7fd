// Content types: answer in the format the client asks for, accept only the one you parse.
//
// One resource, several representations. A browser asks for a page
// (`Accept: text/html,…`), a script asks for data (`Accept: application/json`),
// and the same URL can serve both: that is content negotiation. Three details
// decide whether it works in production:
//
// - `Accept` lists media ranges with weights: `application/json;q=0.5, text/html`
//   prefers HTML — the q value decides, not the order. `*/*` means "anything".
//   A client that accepts nothing you have gets 406 Not Acceptable.
// - `Vary: Accept` on every negotiated answer. Without it a cache (a CDN, the
//   browser's) may hand the JSON it stored to the next visitor who asked for a
//   page, and your home page turns into raw JSON for everyone.
// - Text needs its charset: without `charset=utf-8` a browser may read the page
//   as Windows-1252, and "años" comes out as "aÃ±os".
//
// In the other direction, a POST whose `Content-Type` is not JSON is refused
// with 415 Unsupported Media Type, rather than parsed in hope: a form or a text
// body that happens to parse is a request nobody meant to make (that hope is
// what lets a plain HTML form on another site post to a JSON API).
//
// Make the server answer:
//
//   GET /books/ID   by the request's Accept header:
//                   JSON  200 {"id": …, "title": "…"} as application/json (the default, and for */*)
//                   HTML  200 a page with `<h1>TITLE</h1>`, as `text/html; charset=utf-8`
//                   neither acceptable: 406
//                   always with `Vary: Accept`
//   POST /books     `Content-Type: application/json` (parameters such as
//                   `; charset=utf-8` allowed): 201 as now; any other type: 415

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

#[derive(Default)]
struct AppState {
    /// Book `n` has the title at index `n - 1`.
    titles: Mutex<Vec<String>>,
}

type Shared = Arc<AppState>;

#[derive(Deserialize)]
struct NewBook {
    title: String,
}

async fn create_book(State(state): State<Shared>, body: String) -> Response {
    let Ok(book) = serde_json::from_str::<NewBook>(&body) else {
        return (StatusCode::BAD_REQUEST, "the body is not a JSON book").into_response();
    };
    let id = {
        let mut titles = state.titles.lock().unwrap();
        titles.push(book.title.clone());
        titles.len()
    };
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/books/{id}"))],
        Json(json!({ "id": id, "title": book.title })),
    )
        .into_response()
}

async fn get_book(State(state): State<Shared>, Path(id): Path<usize>) -> Response {
    let Some(title) = find_title(&state, id) else {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": "no such book" }))).into_response();
    };
    Json(json!({ "id": id, "title": title })).into_response()
}

// ---- helpers (nothing to change below) ----

fn find_title(state: &AppState, id: usize) -> Option<String> {
    state.titles.lock().unwrap().get(id.checked_sub(1)?).cloned()
}

/// The book as a page; `title` is escaped, being input.
fn render_book(title: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;");
    format!("<!doctype html>\n<html lang=\"en\">\n<title>{title}</title>\n<h1>{title}</h1>\n</html>\n")
}

fn app() -> Router {
    Router::new()
        .route("/books", post(create_book))
        .route("/books/{id}", get(get_book))
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
