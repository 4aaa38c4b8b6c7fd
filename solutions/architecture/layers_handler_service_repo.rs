// Layers: handler → service → repository.
//
// The handler translates HTTP to a call and a result back to HTTP; the service
// owns every business rule (what a valid name is, that emails are unique in any
// case, who becomes admin); the repository stores and fetches exactly what it is
// given. Each rule now lives in one place, and the service can be tested, and
// reused by a CLI or a queue consumer, without any HTTP around it.

/// Storage only: no validation, no normalisation, no policy.
mod repository {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct User {
        pub id: u64,
        pub name: String,
        pub email: String,
        pub is_admin: bool,
    }

    /// The UNIQUE constraint's violation, as the database driver reports it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct DuplicateEmail;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct NewUser {
        pub name: String,
        pub email: String,
        pub is_admin: bool,
    }

    /// In memory here; in production, the `users` table behind the same methods.
    #[derive(Debug, Default)]
    pub struct UserRepository {
        users: Vec<User>,
    }

    impl UserRepository {
        /// Store `new` as given; ids count up from 1 like an autoincrement key.
        /// A second row with the same email is refused, exactly as
        /// `UNIQUE (email)` refuses it: the invariant the schema declares.
        pub fn insert(&mut self, new: NewUser) -> Result<User, DuplicateEmail> {
            if self.users.iter().any(|u| u.email == new.email) {
                return Err(DuplicateEmail);
            }
            let user = User {
                id: self.users.len() as u64 + 1,
                name: new.name,
                email: new.email,
                is_admin: new.is_admin,
            };
            self.users.push(user.clone());
            Ok(user)
        }

        /// Exact match, like `WHERE email = ?`.
        pub fn find_by_email(&self, email: &str) -> Option<&User> {
            self.users.iter().find(|u| u.email == email)
        }

        pub fn count(&self) -> usize {
            self.users.len()
        }
    }
}

/// The business rules of registration, whatever the caller is.
mod service {
    use super::repository::{DuplicateEmail, NewUser, User, UserRepository};
    use std::fmt;

    pub const MAX_NAME_CHARS: usize = 50;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum RegisterError {
        NameRequired,
        NameTooLong,
        InvalidEmail,
        EmailTaken,
    }

    impl fmt::Display for RegisterError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                RegisterError::NameRequired => "name is required",
                RegisterError::NameTooLong => "name is too long",
                RegisterError::InvalidEmail => "email is invalid",
                RegisterError::EmailTaken => "email is already registered",
            })
        }
    }

    impl std::error::Error for RegisterError {}

    pub struct UserService {
        repo: UserRepository,
    }

    impl UserService {
        pub fn new(repo: UserRepository) -> Self {
            UserService { repo }
        }

        pub fn repository(&self) -> &UserRepository {
            &self.repo
        }

        /// Register a user: the name is trimmed and at most 50 characters, the
        /// email trimmed, lower-cased (local part too: this product's choice) and
        /// unique; the first user becomes admin.
        pub fn register(&mut self, name: &str, email: &str) -> Result<User, RegisterError> {
            let name = name.trim();
            if name.is_empty() {
                return Err(RegisterError::NameRequired);
            }
            if name.chars().count() > MAX_NAME_CHARS {
                return Err(RegisterError::NameTooLong);
            }
            // Lower-casing the whole address is this product's rule (RFC 5321
            // lets the local part differ by case; almost no provider does).
            // Normalised before the insert, the index's exact comparison is a
            // case-insensitive uniqueness check.
            let email = email.trim().to_lowercase();
            match email.split_once('@') {
                Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {}
                _ => return Err(RegisterError::InvalidEmail),
            }
            let is_admin = self.repo.count() == 0;
            // No "is it taken?" lookup first: that check-then-act races with a
            // concurrent sign-up. The unique index decides, atomically, and its
            // violation becomes the domain's error.
            self.repo
                .insert(NewUser {
                    name: name.to_string(),
                    email,
                    is_admin,
                })
                .map_err(|DuplicateEmail| RegisterError::EmailTaken)
        }
    }
}

/// HTTP in, HTTP out: no rule lives here.
mod handler {
    use super::service::{RegisterError, UserService};

    pub struct RegisterForm {
        pub name: String,
        pub email: String,
    }

    #[derive(Debug, PartialEq, Eq)]
    pub struct Response {
        pub status: u16,
        pub body: String,
    }

    /// `POST /users`
    pub fn register(service: &mut UserService, form: &RegisterForm) -> Response {
        match service.register(&form.name, &form.email) {
            Ok(user) => Response {
                status: 201,
                body: format!("created user {}", user.id),
            },
            Err(err) => {
                let status = match err {
                    RegisterError::EmailTaken => 409,
                    RegisterError::NameRequired
                    | RegisterError::NameTooLong
                    | RegisterError::InvalidEmail => 422,
                };
                Response {
                    status,
                    body: err.to_string(),
                }
            }
        }
    }
}

use handler::RegisterForm;
use repository::UserRepository;
use service::UserService;

fn main() {
    let mut service = UserService::new(UserRepository::default());
    for (name, email) in [
        ("Ada", "ada@example.com"),
        ("Bob", "ADA@example.com"),
        ("", "x@y"),
    ] {
        let form = RegisterForm {
            name: name.into(),
            email: email.into(),
        };
        let response = handler::register(&mut service, &form);
        println!("POST /users {email:<16} → {} {}", response.status, response.body);
    }
    println!("{} user(s) registered", service.repository().count());
    let ada = service.repository().find_by_email("ada@example.com");
    println!("ada@example.com is user {:?}", ada.map(|user| user.id));
}

#[cfg(test)]
mod tests {
    use super::handler::{RegisterForm, Response};
    use super::repository::{DuplicateEmail, NewUser, User, UserRepository};
    use super::service::{RegisterError, UserService};
    use super::*;

    fn service() -> UserService {
        UserService::new(UserRepository::default())
    }

    #[test]
    fn service_registers_a_user_with_a_normalised_email() {
        let mut service = service();
        assert_eq!(
            service.register("  Ada Lovelace ", " Ada@Example.COM "),
            Ok(User {
                id: 1,
                name: "Ada Lovelace".into(),
                email: "ada@example.com".into(),
                is_admin: true,
            })
        );
    }

    #[test]
    fn service_rejects_a_blank_name() {
        assert_eq!(
            service().register("   ", "ada@example.com"),
            Err(RegisterError::NameRequired)
        );
    }

    #[test]
    fn service_rejects_a_name_over_50_characters() {
        let mut service = service();
        assert_eq!(
            service.register(&"é".repeat(51), "a@x.org"),
            Err(RegisterError::NameTooLong)
        );
        assert!(
            service.register(&"é".repeat(50), "a@x.org").is_ok(),
            "50 characters is allowed"
        );
    }

    #[test]
    fn service_rejects_an_invalid_email() {
        let mut service = service();
        for email in ["ada.example.com", "@example.com", "ada@", ""] {
            assert_eq!(
                service.register("Ada", email),
                Err(RegisterError::InvalidEmail),
                "{email:?}"
            );
        }
    }

    #[test]
    fn service_rejects_a_taken_email_in_any_case() {
        let mut service = service();
        service
            .register("Ada", "ada@example.com")
            .expect("first registration");
        assert_eq!(
            service.register("Imposter", "ADA@Example.com"),
            Err(RegisterError::EmailTaken)
        );
        assert_eq!(service.repository().count(), 1);
    }

    #[test]
    fn only_the_first_user_becomes_admin() {
        let mut service = service();
        let first = service.register("Ada", "ada@example.com").expect("valid");
        let second = service.register("Bob", "bob@example.com").expect("valid");
        assert!(first.is_admin, "the first user administers the instance");
        assert!(!second.is_admin, "later users are not admins");
    }

    #[test]
    fn repository_stores_exactly_what_it_is_given() {
        let mut repo = UserRepository::default();
        let stored = repo
            .insert(NewUser {
                name: "Bob".into(),
                email: "Bob@Example.com".into(),
                is_admin: false,
            })
            .expect("a new email");
        assert_eq!(
            stored,
            User {
                id: 1,
                name: "Bob".into(),
                email: "Bob@Example.com".into(),
                is_admin: false,
            },
            "the repository must not decide anything (who is admin, how emails are spelt)"
        );
        assert!(repo.find_by_email("Bob@Example.com").is_some());
        assert_eq!(
            repo.find_by_email("bob@example.com"),
            None,
            "lookups are exact: normalising emails is the service's rule"
        );
    }

    #[test]
    fn repository_refuses_the_same_email_like_a_unique_index() {
        let mut repo = UserRepository::default();
        let new = |email: &str| NewUser {
            name: "Bob".into(),
            email: email.into(),
            is_admin: false,
        };
        repo.insert(new("bob@example.com")).expect("a new email");
        assert_eq!(repo.insert(new("bob@example.com")), Err(DuplicateEmail));
        assert!(
            repo.insert(new("Bob@example.com")).is_ok(),
            "the index compares exactly: folding case is the service's rule"
        );
    }

    #[test]
    fn handler_maps_results_to_status_codes() {
        let mut service = service();
        let mut post = |name: &str, email: &str| {
            let form = RegisterForm {
                name: name.into(),
                email: email.into(),
            };
            handler::register(&mut service, &form)
        };
        let response = |status, body: &str| Response {
            status,
            body: body.into(),
        };
        assert_eq!(post("Ada", "ada@example.com"), response(201, "created user 1"));
        assert_eq!(
            post("Ada", "ADA@example.com"),
            response(409, "email is already registered")
        );
        assert_eq!(post(" ", "bob@example.com"), response(422, "name is required"));
        assert_eq!(post("Bob", "bob"), response(422, "email is invalid"));
        assert_eq!(post("Bob", "bob@example.com"), response(201, "created user 2"));
    }

    #[test]
    fn random_signups_keep_emails_unique() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        let mut random = move |below: u64| {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % below
        };
        let mut service = service();
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..60 {
            let base = format!("user{}@example.com", random(12));
            // The same address, with random letters upper-cased.
            let email: String = base
                .chars()
                .map(|c| if random(2) == 1 { c.to_ascii_uppercase() } else { c })
                .collect();
            let result = service.register("Someone", &email);
            if seen.contains(&base) {
                assert_eq!(
                    result,
                    Err(RegisterError::EmailTaken),
                    "{email} was registered before as {base}"
                );
            } else {
                seen.push(base.clone());
                let user = result.unwrap_or_else(|e| panic!("{email}: {e}"));
                assert_eq!((user.id, user.email.as_str()), (seen.len() as u64, base.as_str()));
                assert_eq!(user.is_admin, seen.len() == 1);
            }
        }
    }
}
