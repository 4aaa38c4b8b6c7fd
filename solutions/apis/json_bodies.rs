// JSON bodies: create a resource, say where it lives, give it back.
//
// A POST that creates something should answer like the rest of the web expects:
// status 201 Created (not 200: caches, proxies, SDK generators and monitoring
// all treat "created" differently from "here is some data"), a `Location`
// header with the new resource's URL, and the resource itself — with the id
// the server gave it — in the body, so the client does not need a second round
// trip to learn its own id. Clients that retry on anything but 201 create
// duplicates; clients that read `Location` break when it is missing.
//
// In axum, `Json<T>` as the last handler argument deserializes the request
// body into `T`; a handler can return a tuple such as
// `(StatusCode, [(header::LOCATION, String)], Json<T>)`, and axum builds the
// response from its parts.
//
// The runner sends:
//
//   POST /notes {"title": "…", "body": "…"}
//                 → 201, `Location: /notes/<id>`, {"id": <id>, "title": "…", "body": "…"}
//   GET  /notes/<id>  → 200 with the same note
//   GET  /notes/<unknown id> → 404 {"error": "no note with id <id>"}
//
// Ids are numbers, 1 for the first note, then 2, …
// Make `create_note` answer 201 with a Location header, and add GET /notes/{id}.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Deserialize)]
struct NewNote {
    title: String,
    body: String,
}

#[derive(Clone, Serialize)]
struct Note {
    id: u64,
    title: String,
    body: String,
}

#[derive(Default)]
struct Store {
    last_id: u64,
    notes: HashMap<u64, Note>,
}

type Shared = Arc<Mutex<Store>>;

fn app() -> Router {
    Router::new()
        .route("/notes", post(create_note))
        .route("/notes/{id}", get(get_note))
        .with_state(Shared::default())
}

async fn create_note(State(store): State<Shared>, Json(new): Json<NewNote>) -> impl IntoResponse {
    let mut store = store.lock().expect("store lock poisoned");
    store.last_id += 1;
    let note = Note {
        id: store.last_id,
        title: new.title,
        body: new.body,
    };
    store.notes.insert(note.id, note.clone());
    let location = format!("/notes/{}", note.id);
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(note))
}

async fn get_note(State(store): State<Shared>, Path(id): Path<u64>) -> Response {
    // Clone out of the lock: the guard must not live while the response is built.
    let note = store.lock().expect("store lock poisoned").notes.get(&id).cloned();
    match note {
        Some(note) => Json(note).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no note with id {id}") })),
        )
            .into_response(),
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
