// Newtypes: a `UserId` is not an `OrderId`, and an `Email` is always valid.
//
// The fields are private to `mod ids`, so `new`, `parse` and `try_from` are the
// only ways to make a value: every `UserId` in the program is non-zero and every
// `Email` is normalised, and functions that take them never check again. The
// text form (`usr_42`) carries the kind of id, so a pasted order id fails at the
// edge instead of deleting someone else's data.

mod ids {
    use std::fmt;
    use std::str::FromStr;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum IdError {
        /// The text is some other kind of id (or none at all).
        WrongPrefix { expected: &'static str },
        /// What follows the prefix is not a plain decimal number.
        NotANumber,
        /// Ids start at 1; 0 is what an unset field looks like.
        Zero,
    }

    impl fmt::Display for IdError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                IdError::WrongPrefix { expected } => write!(f, "expected an id starting with {expected:?}"),
                IdError::NotANumber => write!(f, "an id is a prefix followed by digits"),
                IdError::Zero => write!(f, "ids start at 1"),
            }
        }
    }

    impl std::error::Error for IdError {}

    /// The number in `text` after `prefix`: digits only (`str::parse` would
    /// also take a `+` sign), not zero.
    fn parse_prefixed(text: &str, prefix: &'static str) -> Result<u64, IdError> {
        let digits = text
            .strip_prefix(prefix)
            .ok_or(IdError::WrongPrefix { expected: prefix })?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::NotANumber);
        }
        // All digits, so the only way to fail is overflow.
        match digits.parse::<u64>() {
            Ok(0) => Err(IdError::Zero),
            Ok(n) => Ok(n),
            Err(_) => Err(IdError::NotANumber),
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct UserId(u64);

    impl UserId {
        pub const PREFIX: &'static str = "usr_";

        pub fn new(raw: u64) -> Option<UserId> {
            (raw != 0).then_some(UserId(raw))
        }

        pub fn get(self) -> u64 {
            self.0
        }
    }

    impl fmt::Display for UserId {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}{}", Self::PREFIX, self.0)
        }
    }

    impl FromStr for UserId {
        type Err = IdError;

        fn from_str(text: &str) -> Result<Self, Self::Err> {
            parse_prefixed(text, Self::PREFIX).map(UserId)
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct OrderId(u64);

    impl OrderId {
        pub const PREFIX: &'static str = "ord_";

        pub fn new(raw: u64) -> Option<OrderId> {
            (raw != 0).then_some(OrderId(raw))
        }

        pub fn get(self) -> u64 {
            self.0
        }
    }

    impl fmt::Display for OrderId {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}{}", Self::PREFIX, self.0)
        }
    }

    impl FromStr for OrderId {
        type Err = IdError;

        fn from_str(text: &str) -> Result<Self, Self::Err> {
            parse_prefixed(text, Self::PREFIX).map(OrderId)
        }
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum EmailError {
        MissingAt,
        EmptyLocalPart,
        InvalidDomain,
    }

    impl fmt::Display for EmailError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let reason = match self {
                EmailError::MissingAt => "an email address needs an @",
                EmailError::EmptyLocalPart => "nothing before the @",
                EmailError::InvalidDomain => "the part after the @ is not a domain name",
            };
            f.write_str(reason)
        }
    }

    impl std::error::Error for EmailError {}

    /// A syntactically plausible address, trimmed, its domain lower-cased, so
    /// that two spellings of one address compare (and index) equal: something
    /// before the @, kept as written, and after it a domain name — labels of
    /// letters, digits and `-`, separated by dots, at least two of them.
    ///
    /// Domains ignore case (RFC 4343); the local part may not (RFC 5321 leaves
    /// it to the receiving server). Folding `Ada@` and `ada@` into one account
    /// is a product decision — nearly every provider treats them alike, so
    /// most sign-up flows do it — made where accounts are matched, not in the
    /// type that says what an address is.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    pub struct Email(String);

    impl Email {
        pub fn as_str(&self) -> &str {
            &self.0
        }
    }

    fn is_domain(domain: &str) -> bool {
        let labels_ok = domain
            .split('.')
            .all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        domain.contains('.') && labels_ok
    }

    impl TryFrom<&str> for Email {
        type Error = EmailError;

        fn try_from(text: &str) -> Result<Self, Self::Error> {
            let (local, domain) = text.trim().split_once('@').ok_or(EmailError::MissingAt)?;
            if local.is_empty() {
                return Err(EmailError::EmptyLocalPart);
            }
            if !is_domain(domain) {
                return Err(EmailError::InvalidDomain);
            }
            Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
        }
    }

    impl fmt::Display for Email {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }
}

use std::collections::HashMap;

pub use ids::{Email, EmailError, IdError, OrderId, UserId};

/// Who placed which order. The signatures are the point: swapping the two
/// arguments of `can_cancel` is a compile error, not a security incident.
#[derive(Debug, Default)]
pub struct Orders {
    owners: HashMap<OrderId, UserId>,
}

impl Orders {
    pub fn place(&mut self, order: OrderId, owner: UserId) {
        self.owners.insert(order, owner);
    }

    /// Only the user who placed an order may cancel it.
    pub fn can_cancel(&self, user: UserId, order: OrderId) -> bool {
        self.owners.get(&order) == Some(&user)
    }
}

fn main() {
    let user: UserId = "usr_7".parse().expect("a user id");
    let order: OrderId = "ord_42".parse().expect("an order id");
    let mut orders = Orders::default();
    orders.place(order, user);
    println!("{user} may cancel {order}: {}", orders.can_cancel(user, order));
    // orders.can_cancel(order, user); // does not compile: expected `UserId`, found `OrderId`
    match "ord_42".parse::<UserId>() {
        Ok(id) => println!("parsed {id}"),
        Err(err) => println!("\"ord_42\" as a user id: {err}"),
    }
    match Email::try_from("  Ada@Example.COM ") {
        Ok(email) => println!("normalised: {email}"),
        Err(err) => println!("rejected: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn user(raw: u64) -> UserId {
        UserId::new(raw).expect("a non-zero id")
    }

    fn order(raw: u64) -> OrderId {
        OrderId::new(raw).expect("a non-zero id")
    }

    #[test]
    fn ids_round_trip_through_their_text_form() {
        assert_eq!("usr_42".parse::<UserId>(), Ok(user(42)));
        assert_eq!(user(42).to_string(), "usr_42");
        assert_eq!("ord_7".parse::<OrderId>(), Ok(order(7)));
        assert_eq!(order(7).to_string(), "ord_7");
        assert_eq!(user(42).get(), 42);
    }

    #[test]
    fn an_order_id_is_not_a_user_id() {
        assert_eq!(
            "ord_42".parse::<UserId>(),
            Err(IdError::WrongPrefix { expected: "usr_" })
        );
        assert_eq!(
            "usr_42".parse::<OrderId>(),
            Err(IdError::WrongPrefix { expected: "ord_" })
        );
        assert_eq!(
            "42".parse::<UserId>(),
            Err(IdError::WrongPrefix { expected: "usr_" })
        );
    }

    #[test]
    fn ids_are_positive_decimal_numbers() {
        assert_eq!(UserId::new(0), None);
        assert_eq!(OrderId::new(0), None);
        assert_eq!("usr_0".parse::<UserId>(), Err(IdError::Zero));
        for bad in [
            "usr_",
            "usr_4x",
            "usr_+4",
            "usr_-4",
            "usr_ 4",
            "usr_99999999999999999999",
        ] {
            assert_eq!(bad.parse::<UserId>(), Err(IdError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn emails_are_trimmed_and_their_domain_lower_cased() {
        let email = Email::try_from("  Ada.Lovelace@Example.COM \n").expect("a valid address");
        assert_eq!(email.as_str(), "Ada.Lovelace@example.com");
        assert_eq!(email.to_string(), "Ada.Lovelace@example.com");
    }

    #[test]
    fn two_spellings_of_one_address_are_one_email() {
        let emails: HashSet<Email> = ["ada@example.com", "ada@Example.COM", " ada@EXAMPLE.com"]
            .into_iter()
            .map(|e| Email::try_from(e).expect("valid"))
            .collect();
        assert_eq!(emails.len(), 1);
        assert_ne!(
            Email::try_from("ada@example.com"),
            Email::try_from("ADA@example.com"),
            "the local part keeps its case: folding it is the product's call"
        );
    }

    #[test]
    fn invalid_emails_are_rejected_with_a_reason() {
        assert_eq!(Email::try_from("ada.example.com"), Err(EmailError::MissingAt));
        assert_eq!(Email::try_from("@example.com"), Err(EmailError::EmptyLocalPart));
        for bad in [
            "ada@",
            "ada@localhost",
            "ada@example.",
            "ada@.com",
            "ada@exa mple.com",
            "a@b@c.com",
        ] {
            assert_eq!(Email::try_from(bad), Err(EmailError::InvalidDomain), "{bad:?}");
        }
    }

    #[test]
    fn only_the_owner_can_cancel() {
        let mut orders = Orders::default();
        orders.place(
            "ord_42".parse().expect("order id"),
            "usr_7".parse().expect("user id"),
        );
        assert!(orders.can_cancel(user(7), order(42)));
        assert!(!orders.can_cancel(user(8), order(42)));
        assert!(!orders.can_cancel(user(7), order(43)));
    }

    #[test]
    fn random_ids_round_trip() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        for _ in 0..200 {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let raw = (z ^ (z >> 31)) >> (z % 60); // small and large numbers alike
            let Some(id) = UserId::new(raw) else {
                assert_eq!(format!("usr_{raw}").parse::<UserId>(), Err(IdError::Zero));
                continue;
            };
            assert_eq!(id.to_string(), format!("usr_{raw}"));
            assert_eq!(id.to_string().parse::<UserId>(), Ok(id));
            assert_eq!(format!("ord_{raw}").parse::<OrderId>().map(OrderId::get), Ok(raw));
        }
    }
}
