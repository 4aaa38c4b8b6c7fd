// HTML escaping: what a user typed is text, never markup.
//
// A page built by pasting input into HTML runs whatever that input contains.
// Send someone a link to `/greet?name=<script>…</script>` and the script runs
// in their browser, on your domain, with their cookies and their session: it
// can read their messages, or act as them. That is cross-site scripting (XSS),
// still one of the most common vulnerabilities found on the web (OWASP's
// injection category). The fix is old and simple: before input goes into a
// page, replace every character that HTML gives a meaning to by its entity, so
// the browser shows it instead of obeying it. Template engines (askama, tera,
// React) do it by default; code that builds HTML with `format!` must do it by hand.
//
// `GET /greet?name=…` renders a page with the name twice: in the heading, and
// in the form's input, inside a quoted attribute. Write `escape_html`:
//
//     &  →  &amp;     (first, or the other entities get escaped again)
//     <  →  &lt;      >  →  &gt;
//     "  →  &quot;    '  →  &#x27;
//
// and make `render_page` use it on every piece of input it puts in the page.

use axum::Router;
use axum::extract::Query;
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

#[derive(Deserialize)]
struct GreetParams {
    name: Option<String>,
}

/// `text` made safe to put in HTML, between tags or inside a quoted attribute.
fn escape_html(text: &str) -> String {
    // TODO: replace & < > " and ' by their entities.
    text.to_string()
}

fn render_page(name: &str) -> String {
    let heading = escape_html(name);
    format!(
        "<!doctype html>\n\
         <html lang=\"en\">\n\
         <title>Greeting</title>\n\
         <h1>Hello, {heading}!</h1>\n\
         <form action=\"/greet\"><input name=\"name\" value=\"{name}\"> <button>Greet</button></form>\n\
         </html>\n"
    )
}

async fn greet(Query(params): Query<GreetParams>) -> Html<String> {
    // The query string arrives percent-decoded: `%3C` is already `<` here.
    Html(render_page(params.name.as_deref().unwrap_or("stranger")))
}

fn app() -> Router {
    Router::new().route("/greet", get(greet))
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
