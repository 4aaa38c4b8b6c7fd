// Signed tokens: verify the signature first, then believe the payload.
//
// Session tokens, password-reset links and JWTs share one shape: a payload the
// client can read, plus a MAC only the server can compute:
//     base64url(payload JSON) "." base64url(HMAC-SHA256 of the first part)
// The payload is NOT secret and NOT trusted: anyone can decode it, edit
// `"sub":"ada"` into `"sub":"admin"`, push `exp` ten years ahead and encode it
// again. Only the signature makes it trustworthy, so a verifier must:
// 1. split the token and check the MAC over the payload text exactly as
//    received — before parsing or looking at anything inside it;
// 2. only then parse the claims and check the expiry.
// Real incidents came from skipping step 1 for one code path (JWT libraries
// that accepted `"alg":"none"`), or from acting on claims before it.
// The errors stay distinct (Malformed, BadSignature, Expired) so logs and
// clients can tell an attacker from a user whose session simply ran out.
//
// Make the tests pass: fix `verify`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Who the token is about.
    pub sub: String,
    /// Unix seconds; the token is valid while `now < exp`.
    pub exp: u64,
}

#[derive(Debug, PartialEq)]
pub enum TokenError {
    /// Not two base64url parts, or a payload that is not our JSON.
    Malformed,
    /// The MAC does not match: forged, altered, or another secret.
    BadSignature,
    /// Authentic, but past its `exp`.
    Expired,
}

/// The MAC over the token's first part, as text.
fn token_mac(secret: &[u8], payload_part: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts a key of any length");
    mac.update(payload_part.as_bytes());
    mac
}

/// A token for `sub`, valid for `ttl_secs` from `now`.
pub fn issue(secret: &[u8], sub: &str, now: u64, ttl_secs: u64) -> String {
    let claims = Claims {
        sub: sub.to_string(),
        exp: now + ttl_secs,
    };
    let json = serde_json::to_vec(&claims).expect("claims always serialize");
    let payload_part = URL_SAFE_NO_PAD.encode(json);
    let tag = token_mac(secret, &payload_part).finalize().into_bytes();
    format!("{payload_part}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// The claims of `token` if it is authentic and unexpired at `now`.
pub fn verify(secret: &[u8], token: &str, now: u64) -> Result<Claims, TokenError> {
    let (payload_part, _signature_part) = token.split_once('.').ok_or(TokenError::Malformed)?;
    let json = URL_SAFE_NO_PAD
        .decode(payload_part)
        .map_err(|_| TokenError::Malformed)?;
    let claims: Claims = serde_json::from_slice(&json).map_err(|_| TokenError::Malformed)?;
    if now >= claims.exp {
        return Err(TokenError::Expired);
    }
    // The signature part is never looked at.
    Ok(claims)
}

fn main() {
    let secret = b"server-side secret";
    let token = issue(secret, "ada", 1_700_000_000, 3_600);
    println!("token:  {token}");
    println!("verify: {:?}", verify(secret, &token, 1_700_000_100));
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test secret, 32 bytes or more....";
    const NOW: u64 = 1_700_000_000;
    const HOUR: u64 = 3_600;

    /// The same token with its payload replaced (signature kept), as an attacker would.
    fn with_payload(token: &str, json: &str) -> String {
        let (_, signature_part) = token.split_once('.').unwrap();
        format!("{}.{signature_part}", URL_SAFE_NO_PAD.encode(json))
    }

    #[test]
    fn fresh_token_verifies_and_returns_its_claims() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        assert_eq!(
            verify(SECRET, &token, NOW + 10),
            Ok(Claims {
                sub: "ada".into(),
                exp: NOW + HOUR
            })
        );
    }

    #[test]
    fn token_is_two_base64url_parts() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        let (payload_part, signature_part) = token.split_once('.').unwrap();
        let json = URL_SAFE_NO_PAD.decode(payload_part).unwrap();
        assert_eq!(
            String::from_utf8(json).unwrap(),
            format!(r#"{{"sub":"ada","exp":{}}}"#, NOW + HOUR)
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(signature_part).unwrap().len(), 32);
    }

    #[test]
    fn tampered_subject_is_rejected() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        let forged = with_payload(&token, &format!(r#"{{"sub":"admin","exp":{}}}"#, NOW + HOUR));
        assert_eq!(
            verify(SECRET, &forged, NOW),
            Err(TokenError::BadSignature),
            "anyone could become admin"
        );
    }

    #[test]
    fn extended_expiry_is_rejected() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        let forged = with_payload(
            &token,
            &format!(r#"{{"sub":"ada","exp":{}}}"#, NOW + 10 * 365 * 86_400),
        );
        assert_eq!(verify(SECRET, &forged, NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn token_signed_with_another_secret_is_rejected() {
        let token = issue(b"a different secret", "ada", NOW, HOUR);
        assert_eq!(verify(SECRET, &token, NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn expired_token_is_rejected() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        assert!(
            verify(SECRET, &token, NOW + HOUR - 1).is_ok(),
            "one second before exp it is still valid"
        );
        assert_eq!(verify(SECRET, &token, NOW + HOUR), Err(TokenError::Expired));
    }

    #[test]
    fn signature_is_checked_before_expiry() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        let forged = with_payload(&token, r#"{"sub":"admin","exp":5}"#);
        assert_eq!(
            verify(SECRET, &forged, NOW),
            Err(TokenError::BadSignature),
            "a forged token must be reported as forged, whatever its claims say"
        );
    }

    #[test]
    fn garbage_is_malformed() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        let (payload_part, _) = token.split_once('.').unwrap();
        for garbage in [
            String::new(),
            "no-dot-at-all".to_string(),
            format!("{payload_part}.not base64!"),
            format!("{payload_part}.{}", "A".repeat(43) + "."),
        ] {
            assert_eq!(
                verify(SECRET, &garbage, NOW),
                Err(TokenError::Malformed),
                "token {garbage:?}"
            );
        }
    }

    #[test]
    fn wrong_signature_bytes_are_rejected() {
        let token = issue(SECRET, "ada", NOW, HOUR);
        let (payload_part, _) = token.split_once('.').unwrap();
        let wrong = format!("{payload_part}.{}", URL_SAFE_NO_PAD.encode([0u8; 32]));
        assert_eq!(verify(SECRET, &wrong, NOW), Err(TokenError::BadSignature));
    }

    /// Subjects drawn from a seed: each token verifies; changing one character of
    /// its payload part breaks it.
    #[test]
    fn seeded_tokens_round_trip_and_resist_edits() {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(13);
        let mut next = move |below: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % below
        };
        for _ in 0..20 {
            let sub: String = (0..1 + next(12)).map(|_| ALPHABET[next(62)] as char).collect();
            let token = issue(SECRET, &sub, NOW, HOUR);
            assert_eq!(verify(SECRET, &token, NOW).map(|c| c.sub), Ok(sub.clone()));
            let dot = token.find('.').unwrap();
            let mut edited = token.clone().into_bytes();
            let at = next(dot);
            let replacement = ALPHABET.iter().copied().find(|c| *c != edited[at]).unwrap();
            edited[at] = replacement;
            let edited = String::from_utf8(edited).unwrap();
            assert_eq!(
                verify(SECRET, &edited, NOW),
                Err(TokenError::BadSignature),
                "edited {edited}"
            );
        }
    }
}
