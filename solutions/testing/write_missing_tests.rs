// Write the missing tests.
//
// One test per rule, each on the input that sits right at the rule: a name of
// only spaces, 41 characters and exactly 40, an address without '@', and values
// that need cleaning. Each asserts the status AND the body, so a handler that
// answers the right code with the wrong message — or cleans nothing — fails.

use serde_json::json;

#[derive(Debug, Clone)]
pub struct CreateUser {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

pub const MAX_NAME_CHARS: usize = 40;

fn created(name: &str, email: &str) -> Response {
    Response {
        status: 201,
        body: json!({ "name": name, "email": email }).to_string(),
    }
}

fn bad_request(message: &str) -> Response {
    Response {
        status: 400,
        body: json!({ "error": message }).to_string(),
    }
}

/// `POST /users`.
///
/// - 201 `{"name": …, "email": …}`: the name trimmed, the email trimmed and
///   lower-cased;
/// - 400 `{"error": "name is required"}` when the name is blank;
/// - 400 `{"error": "name is too long"}` when the trimmed name has more than
///   40 characters;
/// - 400 `{"error": "email is invalid"}` when the email has no '@'.
///
/// The name is checked before the email.
pub fn create_user(req: &CreateUser) -> Response {
    let name = req.name.trim();
    if name.is_empty() {
        return bad_request("name is required");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return bad_request("name is too long");
    }
    // The whole address, local part too: this product's choice (RFC 5321 lets
    // the local part differ by case; see newtype_ids).
    let email = req.email.trim().to_lowercase();
    if !email.contains('@') {
        return bad_request("email is invalid");
    }
    created(name, &email)
}

fn main() {
    let req = CreateUser {
        name: " Ada ".into(),
        email: "Ada@Example.com".into(),
    };
    let response = create_user(&req);
    println!("{} {}", response.status, response.body);
}

#[cfg(test)]
mod tests {
    use super::{CreateUser, Response};
    use serde_json::{Value, json};

    fn request(name: &str, email: &str) -> CreateUser {
        CreateUser {
            name: name.into(),
            email: email.into(),
        }
    }

    fn body(response: &Response) -> Value {
        serde_json::from_str(&response.body).expect("the body is JSON")
    }

    // The worked example: call the handler, assert the status, assert the body.
    #[test]
    fn creates_a_user_from_a_valid_request() {
        let response = create_user(&request("Ada", "ada@example.com"));
        assert_eq!(response.status, 201);
        assert_eq!(
            body(&response),
            json!({ "name": "Ada", "email": "ada@example.com" })
        );
    }

    #[test]
    fn rejects_a_blank_name() {
        let response = create_user(&request("   ", "ada@example.com"));
        assert_eq!(response.status, 400);
        assert_eq!(body(&response), json!({ "error": "name is required" }));
    }

    #[test]
    fn rejects_a_name_longer_than_40_characters() {
        let response = create_user(&request(&"a".repeat(41), "ada@example.com"));
        assert_eq!(response.status, 400);
        assert_eq!(body(&response), json!({ "error": "name is too long" }));
    }

    #[test]
    fn accepts_a_name_of_exactly_40_characters() {
        let name = "a".repeat(40);
        let response = create_user(&request(&name, "ada@example.com"));
        assert_eq!(response.status, 201);
        assert_eq!(body(&response)["name"], json!(name));
    }

    #[test]
    fn rejects_an_email_without_an_at() {
        let response = create_user(&request("Ada", "ada.example.com"));
        assert_eq!(response.status, 400);
        assert_eq!(body(&response), json!({ "error": "email is invalid" }));
    }

    #[test]
    fn trims_the_name_and_lower_cases_the_email() {
        let response = create_user(&request("  Ada Lovelace ", " ADA@Example.com "));
        assert_eq!(response.status, 201);
        assert_eq!(
            body(&response),
            json!({ "name": "Ada Lovelace", "email": "ada@example.com" })
        );
    }

    // ---- The check of your tests. Leave everything below as it is. ----
    //
    // Mutation testing in miniature: each test above is run against the real
    // handler (it must pass) and against handlers with one planted bug each (it
    // must fail). A test that passes against a broken handler checks too little.

    use std::cell::Cell;
    use std::panic;
    use std::sync::Once;

    type Handler = fn(&CreateUser) -> Response;

    thread_local! {
        static HANDLER: Cell<Handler> = const { Cell::new(super::create_user) };
        static QUIET: Cell<bool> = const { Cell::new(false) };
    }

    /// What the tests above call: the real handler, unless the check swapped it.
    fn create_user(req: &CreateUser) -> Response {
        HANDLER.with(Cell::get)(req)
    }

    fn answers_200(req: &CreateUser) -> Response {
        let mut response = super::create_user(req);
        if response.status == 201 {
            response.status = 200;
        }
        response
    }

    fn accepts_blank_names(req: &CreateUser) -> Response {
        if req.name.trim().is_empty() && req.email.contains('@') {
            return super::created("", &req.email.trim().to_lowercase());
        }
        super::create_user(req)
    }

    fn blank_name_gets_a_vague_message(req: &CreateUser) -> Response {
        if req.name.trim().is_empty() {
            return super::bad_request("invalid request");
        }
        super::create_user(req)
    }

    fn has_no_length_limit(req: &CreateUser) -> Response {
        let name = req.name.trim();
        if name.chars().count() > super::MAX_NAME_CHARS && req.email.contains('@') {
            return super::created(name, &req.email.trim().to_lowercase());
        }
        super::create_user(req)
    }

    fn allows_50_characters(req: &CreateUser) -> Response {
        let name = req.name.trim();
        if (41..=50).contains(&name.chars().count()) && req.email.contains('@') {
            return super::created(name, &req.email.trim().to_lowercase());
        }
        super::create_user(req)
    }

    fn long_name_gets_the_wrong_message(req: &CreateUser) -> Response {
        if req.name.trim().chars().count() > super::MAX_NAME_CHARS {
            return super::bad_request("name is required");
        }
        super::create_user(req)
    }

    fn rejects_40_characters(req: &CreateUser) -> Response {
        if req.name.trim().chars().count() == super::MAX_NAME_CHARS {
            return super::bad_request("name is too long");
        }
        super::create_user(req)
    }

    fn accepts_any_email(req: &CreateUser) -> Response {
        let name = req.name.trim();
        let name_ok = !name.is_empty() && name.chars().count() <= super::MAX_NAME_CHARS;
        if name_ok && !req.email.contains('@') {
            return super::created(name, &req.email.trim().to_lowercase());
        }
        super::create_user(req)
    }

    fn bad_email_gets_a_vague_message(req: &CreateUser) -> Response {
        let response = super::create_user(req);
        if response == super::bad_request("email is invalid") {
            return super::bad_request("invalid request");
        }
        response
    }

    fn does_not_trim_the_name(req: &CreateUser) -> Response {
        let response = super::create_user(req);
        if response.status == 201 {
            return super::created(&req.name, &req.email.trim().to_lowercase());
        }
        response
    }

    fn does_not_lower_case_the_email(req: &CreateUser) -> Response {
        let response = super::create_user(req);
        if response.status == 201 {
            return super::created(req.name.trim(), req.email.trim());
        }
        response
    }

    /// A test by name, the test itself, a broken handler, and what is broken.
    type Mutant = (&'static str, fn(), Handler, &'static str);

    /// `test: broken handler, "what is broken about it";`
    macro_rules! mutants {
        ($($test:ident: $broken:ident, $what:literal;)*) => {
            &[$((stringify!($test), $test as fn(), $broken as Handler, $what)),*]
        };
    }

    const MUTANTS: &[Mutant] = mutants! {
        creates_a_user_from_a_valid_request: answers_200, "answers 200 instead of 201";
        rejects_a_blank_name: accepts_blank_names, "accepts a blank name";
        rejects_a_blank_name: blank_name_gets_a_vague_message,
            "answers a blank name with {\"error\": \"invalid request\"}";
        rejects_a_name_longer_than_40_characters: has_no_length_limit, "has no length limit";
        rejects_a_name_longer_than_40_characters: allows_50_characters,
            "allows up to 50 characters (test right at the limit: 41)";
        rejects_a_name_longer_than_40_characters: long_name_gets_the_wrong_message,
            "says \"name is required\" for a long name";
        accepts_a_name_of_exactly_40_characters: rejects_40_characters,
            "rejects a name of exactly 40 characters";
        rejects_an_email_without_an_at: accepts_any_email, "accepts an email without '@'";
        rejects_an_email_without_an_at: bad_email_gets_a_vague_message,
            "answers a bad email with {\"error\": \"invalid request\"}";
        trims_the_name_and_lower_cases_the_email: does_not_trim_the_name,
            "does not trim the name (give it spaces around the name)";
        trims_the_name_and_lower_cases_the_email: does_not_lower_case_the_email,
            "does not lower-case the email (give it capitals)";
    };

    /// Run `test` against `handler`; the panic message if it failed. The panic
    /// is expected here, so the default hook's report of it is silenced.
    fn run_against(handler: Handler, test: fn()) -> Option<String> {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let default = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                if !QUIET.with(Cell::get) {
                    default(info);
                }
            }));
        });
        HANDLER.with(|h| h.set(handler));
        QUIET.with(|q| q.set(true));
        let result = panic::catch_unwind(test);
        QUIET.with(|q| q.set(false));
        HANDLER.with(|h| h.set(super::create_user));
        let payload = result.err()?;
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Some(message)
    }

    #[test]
    fn each_test_catches_its_bug() {
        for &(name, test, broken, what) in MUTANTS {
            if let Some(message) = run_against(super::create_user, test) {
                panic!("`{name}` fails against the correct handler: {message}");
            }
            assert!(
                run_against(broken, test).is_some(),
                "`{name}` still passes when the handler {what}: a test that cannot see this bug checks too little"
            );
        }
    }
}
