// Rate limiting as middleware: one noisy client must not starve the others.
//
// A partner's retry loop goes wild at 3 a.m. and sends 2 000 requests a
// second. Without a limit, your database melts and every customer sees
// errors. With ONE global limit, you stay up — but the runaway client uses the
// whole budget, and every well-behaved customer gets 429s instead. Limits are
// per client: each has its own token bucket, and the one over its budget is
// the only one refused.
//
// A refusal must also tell the client what to do: 429 Too Many Requests with
// `Retry-After: <seconds>` (an integer; never 0, or clients hammer you in a
// tight loop) and a JSON body saying why. Well-written SDKs sleep for exactly
// that long instead of guessing, which is what turns a retry storm back into
// a trickle.
//
// The limit is a layer around the API routes (axum's `middleware::from_fn`),
// so no handler can forget it — and /health stays outside it, so the load
// balancer's checks are never throttled. Each bucket holds 5 tokens and
// regains one every 12 seconds.
//
// Whose bucket? Never a value the client picks for itself: a header anyone
// can set lets a flood rotate ids and never be limited. Key on the
// AUTHENTICATED identity (the API key or user your auth layer verified), or,
// for anonymous traffic, on the peer address — the socket's, or the one your
// own trusted proxy appended to X-Forwarded-For, never the client's part of
// it. Here the API gateway in front of this service has authenticated the
// caller, strips any X-Client-Id the client sent, and puts the verified
// caller's id in it: that is what makes this header a key you may trust.
//
//   GET /health                          → 200 "ok", never limited, no header needed
//   GET /api/data with X-Client-Id: c1   → 200 {"client": "c1", "data": […]}, 5 times
//   … the 6th from c1                    → 429, `Retry-After: <seconds until a token>`,
//                                          {"error": "rate limit exceeded", "retry_after": <same>}
//   … from c2 meanwhile                  → 200: c2 has its own 5 tokens
//   GET /api/data without X-Client-Id    → 400 {"error": "an X-Client-Id header is required"}
//
// The bucket is written. Fix the `rate_limit` middleware.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

const CAPACITY: u32 = 5;
const REFILL_EVERY: Duration = Duration::from_secs(12);

/// A bucket of `CAPACITY` tokens, one more every `REFILL_EVERY`.
struct TokenBucket {
    tokens: u32,
    last_refill: Instant,
}

impl TokenBucket {
    fn full(now: Instant) -> Self {
        TokenBucket {
            tokens: CAPACITY,
            last_refill: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last_refill);
        let earned = u32::try_from(elapsed.as_nanos() / REFILL_EVERY.as_nanos()).unwrap_or(u32::MAX);
        if self.tokens.saturating_add(earned) >= CAPACITY {
            self.tokens = CAPACITY;
            self.last_refill = now;
        } else {
            self.tokens += earned;
            // Keep the time already spent towards the next token.
            self.last_refill += REFILL_EVERY * earned;
        }
    }

    /// Takes a token, or says how long until the next one.
    fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        self.refill(now);
        if self.tokens > 0 {
            self.tokens -= 1;
            Ok(())
        } else {
            Err(REFILL_EVERY - now.saturating_duration_since(self.last_refill))
        }
    }
}

type Limiter = Arc<Mutex<TokenBucket>>;

async fn rate_limit(State(limiter): State<Limiter>, request: Request, next: Next) -> Response {
    let verdict = limiter
        .lock()
        .expect("limiter lock poisoned")
        .try_take(Instant::now());
    match verdict {
        Ok(()) => next.run(request).await,
        Err(_wait) => StatusCode::TOO_MANY_REQUESTS.into_response(),
    }
}

async fn health() -> &'static str {
    "ok"
}

async fn data(headers: HeaderMap) -> Json<Value> {
    let client = headers
        .get("x-client-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Json(json!({ "client": client, "data": [1, 2, 3] }))
}

fn app() -> Router {
    let limiter = Limiter::new(Mutex::new(TokenBucket::full(Instant::now())));
    let api = Router::new()
        .route("/api/data", get(data))
        .route_layer(middleware::from_fn_with_state(limiter, rate_limit));
    Router::new().route("/health", get(health)).merge(api)
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
