// Idempotency keys: a retried POST must not charge the card twice.
//
// Networks drop responses, not just requests. A client sends "pay 40 EUR",
// the payment goes through, the response is lost to a timeout — and the client
// (or its HTTP library, or a queue redelivering the job) retries. Without
// protection the customer pays twice, and support refunds it by hand.
//
// The fix used by Stripe, Adyen and most payment APIs: the client sends an
// `Idempotency-Key` header, a unique value per logical operation, and reuses
// it on every retry. The server remembers, per key, the request and the
// response it gave:
//   - a new key: do the work, store (key → request, response), answer 201;
//   - a known key with the same request: do NOTHING, answer the stored
//     response again (same status, same body, same id), with the header
//     `Idempotent-Replayed: true`;
//   - a known key with a different request: a client bug — 422, do nothing;
//   - no key at all: 400, since a retry could not be recognised.
//
//   POST /payments {"amount": 4000, "to": "…"} with `Idempotency-Key: …`
//        → 201 {"id": <n>, "amount": 4000, "to": "…"}
//        no key → 400 {"error": "an Idempotency-Key header is required"}
//        key reused with another body → 422
//            {"error": "this Idempotency-Key was used with a different request"}
//   GET  /payments → 200 {"payments": [ every payment made, oldest first ]}
//
// Make `create_payment` honour the key (the header reaches a handler through
// a `HeaderMap` argument, before the `Json` one).

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Deserialize)]
struct NewPayment {
    /// In cents: money is never a float.
    amount: u64,
    to: String,
}

#[derive(Clone, Serialize)]
struct Payment {
    id: u64,
    amount: u64,
    to: String,
}

#[derive(Default)]
struct Store {
    payments: Vec<Payment>,
}

type Shared = Arc<Mutex<Store>>;

fn app() -> Router {
    Router::new()
        .route("/payments", post(create_payment).get(list_payments))
        .with_state(Shared::default())
}

async fn create_payment(State(store): State<Shared>, Json(new): Json<NewPayment>) -> Response {
    let mut store = store.lock().expect("store lock poisoned");
    let payment = Payment {
        id: store.payments.len() as u64 + 1,
        amount: new.amount,
        to: new.to,
    };
    store.payments.push(payment.clone());
    (StatusCode::CREATED, Json(payment)).into_response()
}

async fn list_payments(State(store): State<Shared>) -> Json<serde_json::Value> {
    let store = store.lock().expect("store lock poisoned");
    Json(json!({ "payments": store.payments }))
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
