// Status codes: the first thing every client, proxy and dashboard reads.
//
// An API that answers 200 to everything and puts {"error": …} in the body
// forces every client to parse every body to find out whether it worked. Retry
// logic, caches, load-balancer health checks, SDKs and your own error-rate
// alerts look only at the status: with "200 + error" a wave of failed payments
// shows as a perfectly healthy graph. Say what happened in the status line:
//
//   201 Created     a POST made something (with `Location` pointing at it)
//   200 OK          here is what you asked for
//   204 No Content  done, nothing to send back (a DELETE) — and no body at all
//   404 Not Found   no such resource (also for deleting one twice)
//   409 Conflict    it clashes with what exists: a username already taken
//   405 Method Not Allowed  the path exists but not with this method; axum
//                   sends it, with an `Allow` header, for any path you routed
//
// The runner sends:
//   POST   /accounts {"username": "…"} → 201 {"id": <n>, "username": "…"}, Location /accounts/<n>
//                                      taken → 409 {"error": "username <name> is already taken"}
//   GET    /accounts/<id>              → 200 the account, or 404 {"error": "no account with id <id>"}
//   DELETE /accounts/<id>              → 204 and an empty body, or the same 404;
//                                        the username is then free again
//   PUT    /accounts/<id>              → 405
//
// Change each handler so its status says what happened; keep the JSON bodies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Deserialize)]
struct NewAccount {
    username: String,
}

#[derive(Clone, Serialize)]
struct Account {
    id: u64,
    username: String,
}

#[derive(Default)]
struct Store {
    last_id: u64,
    accounts: HashMap<u64, Account>,
    /// username → id: the UNIQUE index.
    by_username: HashMap<String, u64>,
}

type Shared = Arc<Mutex<Store>>;

fn app() -> Router {
    Router::new()
        .route("/accounts", post(create_account))
        .route("/accounts/{id}", get(get_account).delete(delete_account))
        .with_state(Shared::default())
}

async fn create_account(State(store): State<Shared>, Json(new): Json<NewAccount>) -> Json<Value> {
    let mut store = store.lock().expect("store lock poisoned");
    if store.by_username.contains_key(&new.username) {
        return Json(json!({ "error": format!("username {} is already taken", new.username) }));
    }
    store.last_id += 1;
    let account = Account {
        id: store.last_id,
        username: new.username,
    };
    store.by_username.insert(account.username.clone(), account.id);
    store.accounts.insert(account.id, account.clone());
    Json(json!(account))
}

async fn get_account(State(store): State<Shared>, Path(id): Path<u64>) -> Json<Value> {
    match store.lock().expect("store lock poisoned").accounts.get(&id) {
        Some(account) => Json(json!(account)),
        None => Json(json!({ "error": format!("no account with id {id}") })),
    }
}

async fn delete_account(State(store): State<Shared>, Path(id): Path<u64>) -> Json<Value> {
    let mut store = store.lock().expect("store lock poisoned");
    match store.accounts.remove(&id) {
        Some(account) => {
            store.by_username.remove(&account.username);
            Json(json!({ "deleted": id }))
        }
        None => Json(json!({ "error": format!("no account with id {id}") })),
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
