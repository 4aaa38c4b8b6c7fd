// GraphQL: resolve exactly the fields the client asked for.
//
// A REST endpoint decides what a response holds; a GraphQL client does. It
// sends a query naming every field it wants, and the server answers with
// those fields and NO others:
//
//   { user(id: 2) { name email } }
//   → {"data": {"user": {"name": "Grace Hopper", "email": "grace@example.com"}}}
//
// That is the whole contract, and the bugs that break it are expensive: a
// resolver that serializes the whole row "to be safe" ships fields nobody
// asked for — including the ones nobody should ever see, like a password hash
// (this has leaked real user data, from APIs whose schema looked fine); and a
// resolver that fetches posts for every user, asked or not, does the slow work
// on every request. Resolve field by field, from the selection.
//
// The parser below is done (a small subset of GraphQL: one `user(id: N)` root
// field, selections, an optional nested `posts { … }`). The runner POSTs
// {"query": "…"} to /graphql and expects, always with status 200:
//
//   User fields: id, name, email, posts (a list of Post); Post fields: id, title.
//   { user(id: 1) { name posts { title } } }
//       → {"data": {"user": {"name": "Ada Lovelace", "posts": [{"title": "…"}, …]}}}
//   a user that does not exist → {"data": {"user": null}}
//   a field the type does not have → {"errors": [{"message":
//       "Cannot query field \"password_hash\" on type \"User\"."}]}   (or "Post")
//   `posts` without `{ … }` → {"errors": [{"message":
//       "Field \"posts\" of type \"[Post]\" must have a selection of subfields."}]}
//   `name { … }` (a scalar with a selection) → {"errors": [{"message":
//       "Field \"name\" must not have a selection since type \"String\" has no subfields."}]}
//   (the scalar types: id is "ID", name, email and title are "String"; an
//   ID goes over the wire as a JSON string, "2", even when it looks like a
//   number: the spec says so, and clients treat it as opaque)
//   a syntax error → {"errors": [{"message": "Syntax Error: …"}]}
//
// Write `resolve_user` (and a `resolve_post` for the nested posts) so that each
// response holds exactly the selected fields.

use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------- the resolver (yours)

/// The fields of `user` named in `selection` — those and no others. `posts`
/// resolves each post with its own sub-selection; a field the type does not
/// have is an error (see the messages at the top of this file).
fn resolve_user(user: &User, selection: &[Field]) -> Result<Value, String> {
    let _ = selection;
    // Everything we have on the user, whatever was asked.
    serde_json::to_value(user).map_err(|err| err.to_string())
}

// ---------------------------------------------------------------- the data

#[derive(Serialize)]
struct Post {
    id: u64,
    title: &'static str,
}

#[derive(Serialize)]
struct User {
    id: u64,
    name: &'static str,
    email: &'static str,
    /// Internal: the login code reads it; the GraphQL schema must never expose it.
    #[allow(dead_code)]
    password_hash: &'static str,
    posts: &'static [Post],
}

const USERS: &[User] = &[
    User {
        id: 1,
        name: "Ada Lovelace",
        email: "ada@example.com",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ",
        posts: &[
            Post {
                id: 11,
                title: "Notes on the Analytical Engine",
            },
            Post {
                id: 12,
                title: "On Bernoulli numbers",
            },
        ],
    },
    User {
        id: 2,
        name: "Grace Hopper",
        email: "grace@example.com",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$cGVwcGVyMTI$Vq0mZ8oX4tJwqQ3Yh8uTnS0kWbZ3sA6cLr1eD2fG5hI",
        posts: &[Post {
            id: 21,
            title: "The first actual bug",
        }],
    },
    User {
        id: 3,
        name: "Alan Turing",
        email: "alan@example.com",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dHVyaW5nMTI$Zx7pQ2wL9mN4bV6cX1sD8fG3hJ5kL0qW2eR4tY6uI8o",
        posts: &[],
    },
];

fn find_user(id: i64) -> Option<&'static User> {
    USERS.iter().find(|user| i64::try_from(user.id) == Ok(id))
}

// ---------------------------------------------------------------- the parser (done)

/// One field of a selection: `name(arg: value) { sub fields }`.
#[derive(Debug)]
struct Field {
    name: String,
    arguments: Vec<(String, ArgValue)>,
    /// Empty when the field has no `{ … }`.
    selection: Vec<Field>,
}

#[derive(Debug, PartialEq)]
enum ArgValue {
    Int(i64),
    Str(String),
}

impl Field {
    fn argument(&self, name: &str) -> Option<&ArgValue> {
        self.arguments
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value)
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Punct(char),
    Name(String),
    Int(i64),
    Str(String),
}

fn describe(token: Option<&Token>) -> String {
    match token {
        None => "<EOF>".to_string(),
        Some(Token::Punct(c)) => format!("\"{c}\""),
        Some(Token::Name(name)) => format!("Name \"{name}\""),
        Some(Token::Int(n)) => format!("Int \"{n}\""),
        Some(Token::Str(s)) => format!("String {s:?}"),
    }
}

fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = source.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            // Commas are insignificant in GraphQL, like white space.
            c if c.is_whitespace() || c == ',' => {
                chars.next();
            }
            '#' => while chars.next().is_some_and(|c| c != '\n') {},
            '{' | '}' | '(' | ')' | ':' => {
                tokens.push(Token::Punct(c));
                chars.next();
            }
            '"' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => text.push(chars.next().ok_or("Syntax Error: Unterminated string.")?),
                        Some(c) => text.push(c),
                        None => return Err("Syntax Error: Unterminated string.".to_string()),
                    }
                }
                tokens.push(Token::Str(text));
            }
            c if c == '-' || c.is_ascii_digit() => {
                let mut text = String::new();
                while let Some(&d) = chars.peek()
                    && (d.is_ascii_digit() || (d == '-' && text.is_empty()))
                {
                    text.push(d);
                    chars.next();
                }
                let n = text
                    .parse()
                    .map_err(|_| format!("Syntax Error: Invalid number \"{text}\"."))?;
                tokens.push(Token::Int(n));
            }
            c if c == '_' || c.is_ascii_alphabetic() => {
                let mut name = String::new();
                while let Some(&d) = chars.peek()
                    && (d == '_' || d.is_ascii_alphanumeric())
                {
                    name.push(d);
                    chars.next();
                }
                tokens.push(Token::Name(name));
            }
            other => return Err(format!("Syntax Error: Unexpected character {other:?}.")),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn unexpected(&self, expected: &str) -> String {
        format!(
            "Syntax Error: Expected {expected}, found {}.",
            describe(self.peek())
        )
    }

    fn eat_punct(&mut self, punct: char) -> bool {
        let found = self.peek() == Some(&Token::Punct(punct));
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_punct(&mut self, punct: char) -> Result<(), String> {
        if self.eat_punct(punct) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("\"{punct}\"")))
        }
    }

    fn name(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(Token::Name(name)) => {
                let name = name.clone();
                self.pos += 1;
                Ok(name)
            }
            _ => Err(self.unexpected("Name")),
        }
    }

    /// `{ field field … }`, at least one field.
    fn selection_set(&mut self) -> Result<Vec<Field>, String> {
        self.expect_punct('{')?;
        let mut fields = vec![self.field()?];
        while !self.eat_punct('}') {
            fields.push(self.field()?);
        }
        Ok(fields)
    }

    fn field(&mut self) -> Result<Field, String> {
        let name = self.name()?;
        let mut arguments = Vec::new();
        if self.eat_punct('(') {
            while !self.eat_punct(')') {
                let arg = self.name()?;
                self.expect_punct(':')?;
                let value = match self.tokens.get(self.pos) {
                    Some(Token::Int(n)) => ArgValue::Int(*n),
                    Some(Token::Str(s)) => ArgValue::Str(s.clone()),
                    _ => return Err(self.unexpected("a value")),
                };
                self.pos += 1;
                arguments.push((arg, value));
            }
        }
        let selection = if self.peek() == Some(&Token::Punct('{')) {
            self.selection_set()?
        } else {
            Vec::new()
        };
        Ok(Field {
            name,
            arguments,
            selection,
        })
    }
}

/// `[query [Name]] { fields }` → the root fields.
fn parse_query(source: &str) -> Result<Vec<Field>, String> {
    let mut parser = Parser {
        tokens: tokenize(source)?,
        pos: 0,
    };
    if parser.peek() == Some(&Token::Name("query".to_string())) {
        parser.pos += 1;
        if let Some(Token::Name(_)) = parser.peek() {
            parser.pos += 1;
        }
    }
    let root = parser.selection_set()?;
    if parser.peek().is_some() {
        return Err(parser.unexpected("<EOF>"));
    }
    Ok(root)
}

// ---------------------------------------------------------------- execution

fn errors(message: String) -> Value {
    json!({ "errors": [{ "message": message }] })
}

fn execute(query: &str) -> Value {
    let root = match parse_query(query) {
        Ok(root) => root,
        Err(message) => return errors(message),
    };
    let mut data = Map::new();
    for field in &root {
        if field.name != "user" {
            return errors(format!(
                "Cannot query field \"{}\" on type \"Query\".",
                field.name
            ));
        }
        let id = match field.argument("id") {
            Some(ArgValue::Int(id)) => *id,
            Some(_) => return errors("Argument \"id\" of field \"user\" must be an Int.".to_string()),
            None => return errors("Field \"user\" argument \"id\" of type \"Int\" is required.".to_string()),
        };
        if field.selection.is_empty() {
            return errors("Field \"user\" of type \"User\" must have a selection of subfields.".to_string());
        }
        let value = match find_user(id) {
            Some(user) => match resolve_user(user, &field.selection) {
                Ok(value) => value,
                Err(message) => return errors(message),
            },
            None => Value::Null,
        };
        data.insert(field.name.clone(), value);
    }
    json!({ "data": data })
}

#[derive(Deserialize)]
struct GraphQlRequest {
    query: String,
}

async fn graphql(Json(request): Json<GraphQlRequest>) -> Json<Value> {
    Json(execute(&request.query))
}

fn app() -> Router {
    Router::new().route("/graphql", post(graphql))
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
