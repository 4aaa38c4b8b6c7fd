// Fakes in tests: an in-memory `Mailer` that records what it is asked to send.
//
// A signup service that sends a welcome email has a side effect its return value
// does not show. Test it against the real SMTP server and the tests are slow,
// flaky and spam a mailbox; test it with a mailer that does nothing and you can
// never notice when it sends two welcomes, or none. A fake is a small, real
// implementation of the trait for tests: this one keeps every mail in memory so
// a test can assert "exactly one welcome, to this address" — and it can be told
// to fail, to check what happens during a mail outage.
//
// The `RecordingMailer` in the tests module does not record anything yet, and
// `failing()` is missing. Make it work (note that `send` only gets `&self`).
// Once the fake records, a test will catch a real bug in `sign_up`: fix that too.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailError(pub String);

pub trait Mailer {
    fn send(&self, mail: Mail) -> Result<(), MailError>;
}

/// A borrowed mailer is a mailer: the service can use one the caller still holds.
impl<M: Mailer + ?Sized> Mailer for &M {
    fn send(&self, mail: Mail) -> Result<(), MailError> {
        (**self).send(mail)
    }
}

/// Production would speak SMTP here; the demo prints.
pub struct ConsoleMailer;

impl Mailer for ConsoleMailer {
    fn send(&self, mail: Mail) -> Result<(), MailError> {
        println!("to: {}\nsubject: {}\n\n{}\n", mail.to, mail.subject, mail.body);
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupError {
    AlreadyRegistered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signup {
    pub email: String,
    /// `false` when the mailer failed; a background job retries later.
    pub welcome_sent: bool,
}

pub fn welcome_mail(email: &str, name: &str) -> Mail {
    Mail {
        to: email.to_string(),
        subject: format!("Welcome, {name}!"),
        body: format!("Hi {name}, thanks for signing up with {email}."),
    }
}

pub struct SignupService<M> {
    mailer: M,
    members: Vec<String>,
}

impl<M: Mailer> SignupService<M> {
    pub fn new(mailer: M) -> Self {
        SignupService {
            mailer,
            members: Vec::new(),
        }
    }

    /// Register `email` and welcome its owner, once. A mail outage does not
    /// lose the signup.
    pub fn sign_up(&mut self, email: &str, name: &str) -> Result<Signup, SignupError> {
        // Folding the local part's case too is this product's choice (RFC 5321
        // lets it differ by case; see newtype_ids).
        let email = email.trim().to_lowercase();
        let welcome_sent = self.mailer.send(welcome_mail(&email, name)).is_ok();
        if self.members.contains(&email) {
            return Err(SignupError::AlreadyRegistered);
        }
        self.members.push(email.clone());
        Ok(Signup { email, welcome_sent })
    }
}

fn main() {
    let mut service = SignupService::new(ConsoleMailer);
    println!("{:?}", service.sign_up("ada@example.com", "Ada"));
    println!("{:?}", service.sign_up("ADA@example.com", "Ada"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mailer for tests: remembers every mail instead of sending it, or
    /// refuses them all like an SMTP server that is down.
    #[derive(Default)]
    struct RecordingMailer {
        // TODO: somewhere to keep the mails, and whether to fail.
    }

    impl RecordingMailer {
        fn failing() -> Self {
            todo!("a RecordingMailer whose every `send` returns an Err")
        }

        /// Every mail accepted so far, oldest first.
        fn sent(&self) -> Vec<Mail> {
            Vec::new()
        }
    }

    impl Mailer for RecordingMailer {
        fn send(&self, _mail: Mail) -> Result<(), MailError> {
            Ok(())
        }
    }

    fn mail(to: &str) -> Mail {
        Mail {
            to: to.into(),
            subject: "s".into(),
            body: "b".into(),
        }
    }

    #[test]
    fn fake_records_what_it_is_sent() {
        let mailer = RecordingMailer::default();
        mailer.send(mail("a@x.org")).expect("the fake accepts mail");
        mailer.send(mail("b@x.org")).expect("the fake accepts mail");
        assert_eq!(mailer.sent(), [mail("a@x.org"), mail("b@x.org")]);
    }

    #[test]
    fn failing_fake_refuses_and_records_nothing() {
        let mailer = RecordingMailer::failing();
        assert!(
            mailer.send(mail("a@x.org")).is_err(),
            "a failing mailer returns Err"
        );
        assert_eq!(mailer.sent(), []);
    }

    #[test]
    fn sign_up_sends_exactly_one_welcome_email() {
        let mailer = RecordingMailer::default();
        let mut service = SignupService::new(&mailer);
        let signup = service.sign_up(" Ada@Example.com", "Ada").expect("a new member");
        assert!(signup.welcome_sent);
        assert_eq!(
            mailer.sent(),
            [welcome_mail("ada@example.com", "Ada")],
            "exactly one welcome email, to the normalised address"
        );
    }

    #[test]
    fn duplicate_sign_up_sends_no_second_email() {
        let mailer = RecordingMailer::default();
        let mut service = SignupService::new(&mailer);
        service.sign_up("ada@example.com", "Ada").expect("a new member");
        assert_eq!(
            service.sign_up("ADA@example.com", "Ada"),
            Err(SignupError::AlreadyRegistered)
        );
        assert_eq!(
            mailer.sent().len(),
            1,
            "a double-clicked signup must not welcome twice: {:?}",
            mailer.sent()
        );
    }

    #[test]
    fn mail_outage_does_not_lose_the_signup() {
        let mailer = RecordingMailer::failing();
        let mut service = SignupService::new(&mailer);
        assert_eq!(
            service.sign_up("ada@example.com", "Ada"),
            Ok(Signup {
                email: "ada@example.com".into(),
                welcome_sent: false
            })
        );
        assert_eq!(
            service.sign_up("ada@example.com", "Ada"),
            Err(SignupError::AlreadyRegistered)
        );
    }

    #[test]
    fn random_signups_welcome_each_new_member_once() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        let mailer = RecordingMailer::default();
        let mut service = SignupService::new(&mailer);
        let mut expected: Vec<String> = Vec::new();
        for _ in 0..50 {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let email = format!("member{}@example.com", (z ^ (z >> 31)) % 15);
            let result = service.sign_up(&email, "Member");
            if expected.contains(&email) {
                assert_eq!(result, Err(SignupError::AlreadyRegistered), "{email}");
            } else {
                assert!(result.is_ok(), "{email}: {result:?}");
                expected.push(email);
            }
        }
        let recipients: Vec<String> = mailer.sent().into_iter().map(|m| m.to).collect();
        assert_eq!(
            recipients, expected,
            "one welcome per new member, in signup order"
        );
    }
}
