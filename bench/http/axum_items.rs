// The items service of tests/fixtures/http, on axum + tokio: the benchmark's
// "axum server" (same exchanges as the std::net `items_ok`).
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

type Items = Arc<Mutex<Vec<String>>>;

#[derive(Deserialize)]
struct NewItem {
    name: String,
}

#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("PORT").expect("PORT").parse().expect("a port number");
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/items", post(create))
        .route("/items/{id}", get(fetch))
        .with_state(Items::default());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}

async fn create(State(items): State<Items>, Json(new): Json<NewItem>) -> impl IntoResponse {
    let mut items = items.lock().unwrap();
    items.push(new.name.clone());
    let id = items.len();
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/items/{id}"))],
        Json(json!({ "id": id, "name": new.name })),
    )
}

async fn fetch(State(items): State<Items>, Path(id): Path<usize>) -> impl IntoResponse {
    let items = items.lock().unwrap();
    match id.checked_sub(1).and_then(|i| items.get(i)) {
        Some(name) => (
            StatusCode::OK,
            [(header::ETAG, format!("\"item-{id}\""))],
            Json(json!({ "id": id, "name": name })),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({ "error": "no such item" }))).into_response(),
    }
}
