//! Header values compared as HTTP compares them: media types and their
//! parameter names (and `charset` values) without regard to case, so a
//! server that sends `Text/Plain; Charset=UTF-8` where `text/plain;
//! charset=utf-8` is asked passes (RFC 9110 §8.3.1); comma-separated token
//! lists whose tokens are case-insensitive (`Connection: Close`,
//! `Transfer-Encoding: Chunked`, `Vary`…) token by token; every other header
//! exactly (after trimming), as `headers_exact` compares all of them.
//! Hand-written: the comparison is a few lines over the header grammar, and
//! the HTTP crates at hand parse requests and responses, not these values.

/// Headers whose value is a comma-separated list of case-insensitive tokens
/// or directives (RFC 9110/9111/9112).
const TOKEN_LISTS: &[&str] = &[
    "connection",
    "transfer-encoding",
    "content-encoding",
    "accept-encoding",
    "te",
    "trailer",
    "vary",
    "cache-control",
];

/// Headers whose value is one media type.
const MEDIA_TYPES: &[&str] = &["content-type"];

/// How a header's value is compared, for a message that says so.
pub fn comparison(name: &str) -> &'static str {
    let name = name.to_ascii_lowercase();
    if MEDIA_TYPES.contains(&name.as_str()) {
        "a media type: type, subtype, parameter names and charset without regard to case"
    } else if TOKEN_LISTS.contains(&name.as_str()) {
        "a list of tokens, without regard to case"
    } else {
        "exactly"
    }
}

/// Does `found` say what `want` says, for a header called `name`?
pub fn equivalent(name: &str, want: &str, found: &str) -> bool {
    let (want, found) = (want.trim(), found.trim());
    if want == found {
        return true;
    }
    let name = name.to_ascii_lowercase();
    if MEDIA_TYPES.contains(&name.as_str()) {
        return media_type(want).is_some_and(|w| media_type(found).is_some_and(|f| w == f));
    }
    if TOKEN_LISTS.contains(&name.as_str()) {
        return token_list(want) == token_list(found);
    }
    false
}

/// `type/subtype` lower-cased and the parameters as (lower-case name, value
/// unquoted; lower-cased for `charset`), sorted: their order means nothing.
fn media_type(value: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut parts = value.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    if !essence.contains('/') {
        return None;
    }
    let mut params = Vec::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, value) = part.split_once('=')?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        let value = if name == "charset" {
            value.to_ascii_lowercase()
        } else {
            value.to_string()
        };
        params.push((name, value));
    }
    params.sort();
    Some((essence, params))
}

fn token_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|t| t.split_whitespace().collect::<String>().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_ignore_case_and_parameter_order() {
        assert!(equivalent("Content-Type", "text/plain", "Text/Plain"));
        assert!(equivalent(
            "content-type",
            "text/plain; charset=utf-8",
            "TEXT/plain;Charset=\"UTF-8\""
        ));
        assert!(equivalent(
            "content-type",
            "multipart/form-data; a=1; boundary=x",
            "multipart/form-data; boundary=x; a=1"
        ));
        assert!(!equivalent("content-type", "text/plain", "text/html"));
        assert!(!equivalent(
            "content-type",
            "text/plain; charset=utf-8",
            "text/plain"
        ));
        // Other parameter values keep their case (a boundary is case-sensitive).
        assert!(!equivalent(
            "content-type",
            "multipart/form-data; boundary=AbC",
            "multipart/form-data; boundary=abc"
        ));
    }

    #[test]
    fn token_lists_ignore_case_and_spaces() {
        assert!(equivalent("connection", "close", "Close"));
        assert!(equivalent("Transfer-Encoding", "chunked", "CHUNKED"));
        assert!(equivalent(
            "vary",
            "Accept-Encoding, Origin",
            "accept-encoding,origin"
        ));
        assert!(!equivalent("connection", "close", "keep-alive"));
    }

    #[test]
    fn other_headers_are_exact() {
        assert!(equivalent("etag", " \"v1\" ", "\"v1\""));
        assert!(!equivalent("etag", "\"V1\"", "\"v1\""));
        assert!(!equivalent("allow", "GET", "get"));
    }
}
