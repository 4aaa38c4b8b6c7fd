// HTML forms: Post/Redirect/Get, and an invalid form sent back as it was typed.
//
// A browser posts a form as `application/x-www-form-urlencoded`
// (`name=Ada&email=ada%40example.com`). Two things separate a form that works
// from one that annoys, or double-charges:
//
// - Post/Redirect/Get. Answer a successful POST with a page, and the browser's
//   Reload (or Back, then Forward) sends the POST again: a second account, a
//   second order, a second payment — behind a "Confirm Form Resubmission"
//   dialog nobody reads. Answer it instead with `303 See Other` and a
//   `Location`: the browser then GETs that page, and reloading it is harmless.
// - An invalid form comes back with `400 Bad Request`, the errors, and every
//   field as the visitor typed it: nobody types a long form twice. Those
//   values go back into `value="…"` attributes, so they are escaped like any
//   other input (`escape_html` is below), or the error page is an XSS hole.
//
// Make `POST /signup` answer:
//   - a valid form (a name, and an email with an `@`): 303 See Other with
//     `Location: /members/<id>`, the page of the new member (numbered from 1);
//   - an invalid one: 400 with the form, its errors, and both fields filled in
//     with what was sent, escaped.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

struct Member {
    name: String,
    email: String,
}

#[derive(Default)]
struct AppState {
    /// Member `n` is at index `n - 1`.
    members: Mutex<Vec<Member>>,
}

type Shared = Arc<AppState>;

/// The fields of the form; one the browser did not send is empty.
#[derive(Deserialize)]
struct SignupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

async fn signup(State(state): State<Shared>, Form(form): Form<SignupForm>) -> Response {
    let errors = validate(&form);
    if !errors.is_empty() {
        return (StatusCode::BAD_REQUEST, Html(render_form("", "", &errors))).into_response();
    }
    let member = Member {
        name: form.name.trim().to_string(),
        email: form.email.trim().to_string(),
    };
    let page = render_member(&member);
    state.members.lock().unwrap().push(member);
    Html(page).into_response()
}

fn render_form(name: &str, email: &str, errors: &[&str]) -> String {
    let errors: String = errors
        .iter()
        .map(|e| format!("<p class=\"error\">{e}</p>\n"))
        .collect();
    format!(
        "<!doctype html>\n\
         <html lang=\"en\">\n\
         <title>Sign up</title>\n\
         <h1>Sign up</h1>\n\
         {errors}\
         <form method=\"post\" action=\"/signup\">\n\
         <label>Name <input name=\"name\" value=\"{name}\"></label>\n\
         <label>Email <input name=\"email\" type=\"email\" value=\"{email}\"></label>\n\
         <button>Sign up</button>\n\
         </form>\n\
         </html>\n"
    )
}

// ---- the rest works (nothing to change below) ----

/// What is wrong with the form, as sentences for the visitor; empty when it is valid.
fn validate(form: &SignupForm) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if form.name.trim().is_empty() {
        errors.push("Please tell us your name.");
    }
    let email = form.email.trim();
    let plausible = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !email.contains(' '));
    if !plausible {
        errors.push("That email address does not look right.");
    }
    errors
}

fn render_member(member: &Member) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<title>Welcome</title>\n<h1>Welcome, {}!</h1>\n<p>We will write to {}.</p>\n</html>\n",
        escape_html(&member.name),
        escape_html(&member.email)
    )
}

async fn show_form() -> Html<String> {
    Html(render_form("", "", &[]))
}

async fn show_member(State(state): State<Shared>, Path(id): Path<usize>) -> Response {
    let members = state.members.lock().unwrap();
    match id.checked_sub(1).and_then(|index| members.get(index)) {
        Some(member) => Html(render_member(member)).into_response(),
        None => (StatusCode::NOT_FOUND, Html("<p>No such member.</p>".to_string())).into_response(),
    }
}

/// `text` made safe to put in HTML, between tags or inside a quoted attribute.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn app() -> Router {
    Router::new()
        .route("/signup", get(show_form).post(signup))
        .route("/members/{id}", get(show_member))
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
