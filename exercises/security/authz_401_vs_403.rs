// Authentication vs authorization: 401 and 403 are different answers.
//
//   401 Unauthorized — "I don't know who you are": no credentials, or ones
//       that are not valid (expired, revoked, made up). It must carry a
//       `WWW-Authenticate` header naming the scheme to use (RFC 9110), here
//       `WWW-Authenticate: Bearer`, plus `error="invalid_token"` when a token
//       was sent but is no good (RFC 6750). Clients react by logging in again
//       or refreshing the token.
//   403 Forbidden — "I know exactly who you are, and no": a valid token
//       without the right role. Logging in again changes nothing, so a client
//       must NOT loop on a refresh.
//
// Mixing them up costs real time: a 403 for an expired token makes the mobile
// app show "you do not have access" instead of refreshing the session, and a
// 401 for a missing role sends it into an endless log-in loop. And check who
// someone is BEFORE what they may do: an anonymous request to an admin route
// is a 401, not a 403.
//
// Tokens (a fixed table for the exercise): `tok_ada_4f9c` is ada, an admin;
// `tok_bob_7d21` is bob, no roles. The runner sends:
//
//   GET /me           no token, or a Basic credential → 401, `WWW-Authenticate: Bearer`
//                     an unknown token → 401, `WWW-Authenticate: Bearer error="invalid_token"`
//                     a valid token → 200 {"user": "bob", "roles": []}
//   GET /admin/users  bob → 403 {"error": "admin role required"}
//                     ada → 200 {"users": ["ada", "bob"]}
//                     no token → 401 (who first, then what)
//
// Fix the rejections of the `AuthUser` extractor, and keep 403 for the role check.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

#[derive(Clone, Copy)]
struct AuthUser {
    name: &'static str,
    roles: &'static [&'static str],
}

impl AuthUser {
    fn is_admin(&self) -> bool {
        self.roles.contains(&"admin")
    }
}

/// Issued tokens. In production, store a hash of each token instead: a leaked
/// table then lets nobody in.
const TOKENS: [(&str, AuthUser); 2] = [
    (
        "tok_ada_4f9c",
        AuthUser {
            name: "ada",
            roles: &["admin"],
        },
    ),
    (
        "tok_bob_7d21",
        AuthUser {
            name: "bob",
            roles: &[],
        },
    ),
];

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// An extractor: a handler that takes an `AuthUser` argument only runs for
/// requests with a valid token; for the others, axum answers the rejection.
impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        let user = token.and_then(|token| TOKENS.iter().find(|(t, _)| *t == token).map(|(_, user)| *user));
        user.ok_or_else(|| error(StatusCode::FORBIDDEN, "access denied"))
    }
}

async fn me(user: AuthUser) -> Json<Value> {
    Json(json!({ "user": user.name, "roles": user.roles }))
}

async fn list_users(user: AuthUser) -> Response {
    if !user.is_admin() {
        return error(StatusCode::FORBIDDEN, "admin role required");
    }
    let names: Vec<&str> = TOKENS.iter().map(|(_, user)| user.name).collect();
    Json(json!({ "users": names })).into_response()
}

fn app() -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/admin/users", get(list_users))
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
