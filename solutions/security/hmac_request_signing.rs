// Request signing: HMAC-SHA256 over what matters, and a replay window.
//
// One function builds the MAC for a request so signing and verifying can never
// disagree on what is covered. Verification checks the cheap things first (is
// the tag hex, is the timestamp inside the window) and lets `verify_slice`
// compare the tag in constant time. The window bounds replays to a few
// minutes; a receiver that must never act twice also remembers the ids of
// requests it has handled within that window.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far a request's timestamp may be from our clock, either way.
pub const MAX_SKEW_SECS: u64 = 300;

#[derive(Debug, Clone)]
pub struct SignedRequest {
    pub method: String,
    pub path: String,
    /// Unix seconds, set by the sender.
    pub timestamp: u64,
    pub body: String,
    /// Hex-encoded tag.
    pub signature: String,
}

#[derive(Debug, PartialEq)]
pub enum VerifyError {
    /// The signature is not hex at all.
    Malformed,
    /// Signed too long ago (or too far in the future): possibly a replay.
    Stale,
    /// The tag does not match: wrong secret, or the request was altered.
    BadSignature,
}

/// The bytes that get signed: one field per line, the body last (it may
/// itself contain newlines).
pub fn canonical_string(method: &str, path: &str, timestamp: u64, body: &str) -> String {
    format!("{method}\n{path}\n{timestamp}\n{body}")
}

/// The MAC of a request, before finalisation.
fn request_mac(secret: &[u8], method: &str, path: &str, timestamp: u64, body: &str) -> HmacSha256 {
    // HMAC is defined for keys of any length (long ones are hashed first).
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts a key of any length");
    mac.update(canonical_string(method, path, timestamp, body).as_bytes());
    mac
}

/// The hex-encoded signature of a request.
pub fn sign(secret: &[u8], method: &str, path: &str, timestamp: u64, body: &str) -> String {
    hex::encode(
        request_mac(secret, method, path, timestamp, body)
            .finalize()
            .into_bytes(),
    )
}

/// Accepts `request` if it was signed with `secret` within the replay window
/// around `now` (unix seconds).
pub fn verify(secret: &[u8], request: &SignedRequest, now: u64) -> Result<(), VerifyError> {
    let tag = hex::decode(&request.signature).map_err(|_| VerifyError::Malformed)?;
    if now.abs_diff(request.timestamp) > MAX_SKEW_SECS {
        return Err(VerifyError::Stale);
    }
    request_mac(
        secret,
        &request.method,
        &request.path,
        request.timestamp,
        &request.body,
    )
    .verify_slice(&tag)
    .map_err(|_| VerifyError::BadSignature)
}

fn main() {
    let secret = b"whsec_demo";
    let now = 1_700_000_000;
    let body = r#"{"event":"invoice.paid"}"#;
    let request = SignedRequest {
        method: "POST".into(),
        path: "/webhooks/billing".into(),
        timestamp: now,
        body: body.into(),
        signature: sign(secret, "POST", "/webhooks/billing", now, body),
    };
    println!("signature: {}", request.signature);
    println!("verified:  {:?}", verify(secret, &request, now + 5));
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_key";
    const NOW: u64 = 1_700_000_000;
    const ORDER: &str = r#"{"sku":"A-42","qty":2}"#;

    fn signed(method: &str, path: &str, timestamp: u64, body: &str) -> SignedRequest {
        SignedRequest {
            method: method.into(),
            path: path.into(),
            timestamp,
            body: body.into(),
            signature: sign(SECRET, method, path, timestamp, body),
        }
    }

    #[test]
    fn signature_is_hmac_sha256_of_the_canonical_string() {
        assert_eq!(
            sign(SECRET, "POST", "/v1/orders", NOW, ORDER),
            "287399388b3ad2f548b0be22c9deba559b66d411fd943f9dbbe96cfa84b6dd80"
        );
        assert_eq!(
            sign(SECRET, "GET", "/v1/orders/7", NOW + 300, ""),
            "790e9fd40b8fe15761b234fa323b71f1a650909088a6902cf4ef872fec1164ed"
        );
    }

    #[test]
    fn fresh_signed_request_is_accepted() {
        let request = signed("POST", "/v1/orders", NOW, ORDER);
        assert_eq!(verify(SECRET, &request, NOW), Ok(()));
        assert_eq!(
            verify(SECRET, &request, NOW + 30),
            Ok(()),
            "30 s of network and clock drift are fine"
        );
    }

    #[test]
    fn tampered_body_is_rejected() {
        let mut request = signed("POST", "/v1/orders", NOW, ORDER);
        request.body = r#"{"sku":"A-42","qty":200}"#.into();
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::BadSignature));
    }

    #[test]
    fn tampered_method_or_path_is_rejected() {
        let mut request = signed("GET", "/v1/orders/7", NOW, "");
        request.method = "DELETE".into();
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::BadSignature));
        let mut request = signed("GET", "/v1/orders/7", NOW, "");
        request.path = "/v1/orders/8".into();
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::BadSignature));
    }

    #[test]
    fn signature_made_with_another_secret_is_rejected() {
        let mut request = signed("POST", "/v1/orders", NOW, ORDER);
        request.signature = sign(b"someone else's key", "POST", "/v1/orders", NOW, ORDER);
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::BadSignature));
    }

    #[test]
    fn truncated_signature_is_rejected() {
        let mut request = signed("POST", "/v1/orders", NOW, ORDER);
        request.signature.truncate(32);
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::BadSignature));
    }

    #[test]
    fn replayed_request_is_rejected_as_stale() {
        let request = signed("POST", "/v1/orders", NOW, ORDER);
        assert_eq!(
            verify(SECRET, &request, NOW + MAX_SKEW_SECS),
            Ok(()),
            "the window's edge still counts"
        );
        assert_eq!(
            verify(SECRET, &request, NOW + MAX_SKEW_SECS + 1),
            Err(VerifyError::Stale),
            "a valid request captured 5 minutes ago is being replayed"
        );
        assert_eq!(verify(SECRET, &request, NOW + 86_400), Err(VerifyError::Stale));
    }

    #[test]
    fn timestamp_far_in_the_future_is_rejected() {
        let request = signed("POST", "/v1/orders", NOW + MAX_SKEW_SECS + 1, ORDER);
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::Stale));
    }

    #[test]
    fn refreshing_the_timestamp_breaks_the_signature() {
        let mut request = signed("POST", "/v1/orders", NOW - 3_600, ORDER);
        request.timestamp = NOW;
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::BadSignature));
    }

    #[test]
    fn signature_that_is_not_hex_is_malformed() {
        let mut request = signed("POST", "/v1/orders", NOW, ORDER);
        request.signature = "not-a-signature".into();
        assert_eq!(verify(SECRET, &request, NOW), Err(VerifyError::Malformed));
        request.signature = "abc".into();
        assert_eq!(
            verify(SECRET, &request, NOW),
            Err(VerifyError::Malformed),
            "odd number of hex digits"
        );
    }

    /// Bodies drawn from a seed: each verifies, and changing any one byte breaks it.
    #[test]
    fn seeded_bodies_verify_and_any_changed_byte_is_caught() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(9);
        let mut next = move |below: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % below
        };
        for _ in 0..20 {
            let body: String = (0..1 + next(60))
                .map(|_| (b' ' + next(95) as u8) as char)
                .collect();
            let request = signed("PUT", "/v1/items", NOW, &body);
            assert_eq!(verify(SECRET, &request, NOW), Ok(()), "body {body:?}");
            let mut bytes = body.clone().into_bytes();
            let at = next(bytes.len());
            bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
            let altered = SignedRequest {
                body: String::from_utf8(bytes).unwrap(),
                ..request
            };
            assert_eq!(
                verify(SECRET, &altered, NOW),
                Err(VerifyError::BadSignature),
                "altered {body:?}"
            );
        }
    }
}
