// Structs, enums and match: model a request, route it exhaustively.
//
// The method is an enum, so the router's `match` is checked for completeness;
// `Other(String)` keeps the unknown word for the error message. Matching on a
// (method, path) tuple puts the whole routing table in one readable place.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
    /// Any other method, as the client wrote it.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    fn new(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            body: body.into(),
        }
    }
}

impl Method {
    /// "GET", "POST" and "DELETE" (method names are case-sensitive); anything
    /// else is `Other` holding the text.
    pub fn parse(text: &str) -> Method {
        match text {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            other => Method::Other(other.to_string()),
        }
    }

    fn name(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Other(name) => name,
        }
    }
}

/// The routing table:
///   GET /health        → 200 "ok"
///   GET /notes         → 200 "all notes"
///   POST /notes        → 201 "created"
///   DELETE /notes      → 204 ""
///   another method on /health or /notes → 405 "method X not allowed"
///   any other path     → 404 "no page at /the/path"
pub fn route(request: &Request) -> Response {
    match (&request.method, request.path.as_str()) {
        (Method::Get, "/health") => Response::new(200, "ok"),
        (Method::Get, "/notes") => Response::new(200, "all notes"),
        (Method::Post, "/notes") => Response::new(201, "created"),
        (Method::Delete, "/notes") => Response::new(204, ""),
        (method, "/health" | "/notes") => Response::new(405, format!("method {} not allowed", method.name())),
        (_, path) => Response::new(404, format!("no page at {path}")),
    }
}

fn main() {
    for (method, path) in [("GET", "/health"), ("POST", "/notes"), ("PATCH", "/notes")] {
        let request = Request {
            method: Method::parse(method),
            path: path.to_string(),
        };
        let response = route(&request);
        println!("{method} {path} → {} {}", response.status, response.body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runner's seed: every run checks other values, and a failure can be replayed.
    fn seed() -> u64 {
        std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED)
    }

    /// splitmix64: a tiny deterministic generator.
    fn random(state: &mut u64, below: u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }

    /// A pronounceable word drawn from the seed: "bodaniru".
    fn word(state: &mut u64) -> String {
        let consonants = b"bdfgklmnprstvz";
        let vowels = b"aeiou";
        (0..4)
            .flat_map(|_| {
                let c = consonants[random(state, consonants.len() as u64) as usize];
                let v = vowels[random(state, vowels.len() as u64) as usize];
                [c as char, v as char]
            })
            .collect()
    }

    fn request(method: &str, path: &str) -> Response {
        route(&Request {
            method: Method::parse(method),
            path: path.to_string(),
        })
    }

    #[test]
    fn parses_the_three_known_methods() {
        assert_eq!(Method::parse("GET"), Method::Get);
        assert_eq!(Method::parse("POST"), Method::Post);
        assert_eq!(Method::parse("DELETE"), Method::Delete);
    }

    #[test]
    fn keeps_any_other_method_as_written() {
        let mut state = seed();
        let invented = word(&mut state).to_uppercase();
        for text in ["get", "PATCH", "", invented.as_str()] {
            assert_eq!(Method::parse(text), Method::Other(text.to_string()), "{text:?}");
        }
    }

    #[test]
    fn routes_each_known_method_and_path() {
        assert_eq!(request("GET", "/health"), Response::new(200, "ok"));
        assert_eq!(request("GET", "/notes"), Response::new(200, "all notes"));
        assert_eq!(request("POST", "/notes"), Response::new(201, "created"));
        assert_eq!(request("DELETE", "/notes"), Response::new(204, ""));
    }

    #[test]
    fn a_known_path_with_another_method_is_a_405_naming_it() {
        let mut state = seed();
        let invented = word(&mut state).to_uppercase();
        assert_eq!(
            request("POST", "/health"),
            Response::new(405, "method POST not allowed")
        );
        assert_eq!(
            request(&invented, "/notes"),
            Response::new(405, format!("method {invented} not allowed"))
        );
    }

    #[test]
    fn any_other_path_is_a_404_naming_it() {
        let mut state = seed();
        let path = format!("/{}/{}", word(&mut state), word(&mut state));
        assert_eq!(
            request("GET", &path),
            Response::new(404, format!("no page at {path}"))
        );
        assert_eq!(request("DELETE", "/"), Response::new(404, "no page at /"));
    }
}
