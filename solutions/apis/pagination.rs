// Pagination: pages a client can walk to the end, and no further.
//
// No list endpoint may return "everything": the table that has 200 rows in
// staging has 20 million in production, and one unbounded request then eats
// the database and the server's memory. So lists come in pages, and the server
// tells the client where the next page is instead of letting it do arithmetic:
//   - `next` in the body: the path of the next page, or null on the last one —
//     clients loop `while next != null`, so a `next` past the end is an
//     endless loop of empty pages;
//   - the same link in a `Link: </items?limit=3&offset=8>; rel="next"` header
//     (RFC 8288, what GitHub's API does), for generic HTTP tooling;
//   - `limit` capped (here at 100): a client cannot ask for the whole table;
//   - `limit=0` refused with 400: its `next` would never move forward.
//
// The catalogue holds 250 items, item N being {"id": N, "name": "item N"}.
//
//   GET /items?limit=3&offset=5 → 200, `Link: </items?limit=3&offset=8>; rel="next"`,
//       {"items": [{"id": 6, …}, {"id": 7, …}, {"id": 8, …}], "total": 250,
//        "next": "/items?limit=3&offset=8"}
//   limit defaults to 20, offset to 0; the last page has "next": null and no Link;
//   limit=1000 is served as limit=100 (and `next` says limit=100);
//   limit=0 → 400 {"error": "limit must be at least 1"}
//
// Fix `list_items`: a correct `next`, the Link header, the cap and the 400.

use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

const TOTAL_ITEMS: u64 = 250;
const MAX_LIMIT: u64 = 100;

#[derive(Serialize)]
struct Item {
    id: u64,
    name: String,
}

fn item(id: u64) -> Item {
    Item {
        id,
        name: format!("item {id}"),
    }
}

#[derive(Deserialize)]
struct PageParams {
    #[serde(default = "default_limit")]
    limit: u64,
    #[serde(default)]
    offset: u64,
}

fn default_limit() -> u64 {
    20
}

fn app() -> Router {
    Router::new().route("/items", get(list_items))
}

async fn list_items(Query(page): Query<PageParams>) -> Response {
    if page.limit == 0 {
        let body = Json(json!({ "error": "limit must be at least 1" }));
        return (StatusCode::BAD_REQUEST, body).into_response();
    }
    // Links carry the limit actually served, so a client that asked for 1000
    // keeps walking in pages of 100 instead of asking again for 1000.
    let limit = page.limit.min(MAX_LIMIT);
    let first = page.offset.saturating_add(1);
    let last = page.offset.saturating_add(limit).min(TOTAL_ITEMS);
    let items: Vec<Item> = (first..=last).map(item).collect();

    // There is a next page only while items remain after this one.
    let next_offset = page.offset.saturating_add(limit);
    let next = (next_offset < TOTAL_ITEMS).then(|| format!("/items?limit={limit}&offset={next_offset}"));

    let body = Json(json!({ "items": items, "total": TOTAL_ITEMS, "next": next }));
    match &next {
        Some(next) => ([(header::LINK, format!("<{next}>; rel=\"next\""))], body).into_response(),
        None => body.into_response(),
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
