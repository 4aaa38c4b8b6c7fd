//! A response held against an exchange's expectations; the first that fails
//! becomes one line saying why, with the expected and found values beside it.

use regex::Regex;
use serde_json::Value;

use super::encoding::{self, DecodeError};
use super::headers;
use super::message::{Response, standard_reason, status_with_reason};
use super::spec::{CaptureSource, Expect, to_json};
use super::template::Vars;

/// The first expectation a response does not meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmet {
    /// One line: why.
    pub message: String,
    /// What was compared (`status`, `header etag`, `JSON body at /title`).
    pub what: String,
    pub expected: String,
    pub found: String,
}

impl Unmet {
    fn new(message: String, what: impl Into<String>, expected: String, found: String) -> Self {
        Unmet {
            message,
            what: what.into(),
            expected,
            found,
        }
    }
}

/// Check everything `expect` asks for except `closes` (which needs the
/// connection) and `files` (which need the check's folder).
pub fn check(expect: &Expect, response: &Response, vars: &Vars) -> Result<(), Unmet> {
    check_head(expect, response, vars)?;
    check_body(expect, response, vars)
}

/// What the status line and headers alone decide: checked as soon as they
/// arrive, so a wrong answer fails at once instead of waiting for a body
/// that may never end.
pub fn check_head(expect: &Expect, response: &Response, vars: &Vars) -> Result<(), Unmet> {
    if let Some(status) = &expect.status {
        let want = *status.get_ref();
        if response.status != want {
            let expected = status_with_reason(want, "");
            let found = response.status_line();
            return Err(Unmet::new(
                format!("expected status {expected}, got {found}"),
                "status",
                expected,
                found,
            ));
        }
    }
    if let Some(version) = &expect.version {
        let want = vars.text(version.get_ref());
        if response.version != want {
            return Err(Unmet::new(
                format!(
                    "the status line says {}, expected {want}",
                    if response.version.is_empty() {
                        "no version"
                    } else {
                        &response.version
                    }
                ),
                "status line version",
                want,
                response.version.clone(),
            ));
        }
    }
    if let Some(reason) = &expect.reason {
        let want = vars.text(reason.get_ref());
        if response.reason != want {
            return Err(Unmet::new(
                format!(
                    "the status line's reason phrase is `{}`, expected `{want}`",
                    response.reason
                ),
                "reason phrase",
                want,
                response.reason.clone(),
            ));
        }
    }
    check_headers(expect, response, vars)
}

/// Everything about the body, once it has been read.
pub fn check_body(expect: &Expect, response: &Response, vars: &Vars) -> Result<(), Unmet> {
    let wants_content = expect.body.is_some()
        || expect.body_regex.is_some()
        || expect.json.is_some()
        || expect.json_subset.is_some();
    let body = if wants_content {
        decoded_body(expect, response, vars)?
    } else {
        Vec::new()
    };
    let body_text = || String::from_utf8_lossy(&body).into_owned();
    if let Some(want) = &expect.body {
        let want = vars.text(want.get_ref());
        if body != want.as_bytes() {
            return Err(Unmet::new(
                format!(
                    "the body differs from the expected text {}{}",
                    first_difference(want.as_bytes(), &body),
                    undeclared_gzip(response)
                ),
                "body",
                want,
                shown_body(response, &body),
            ));
        }
    }
    if let Some(pattern) = &expect.body_regex {
        let pattern = vars.regex(pattern.get_ref());
        let found = body_text();
        if !matches(&pattern, &found) {
            return Err(Unmet::new(
                format!("the body does not match /{pattern}/{}", undeclared_gzip(response)),
                "body",
                format!("text matching /{pattern}/"),
                shown_body(response, &body),
            ));
        }
    }
    for (subset, json) in [(false, &expect.json), (true, &expect.json_subset)] {
        let Some(json) = json else { continue };
        let Ok(want) = to_json(json.get_ref()) else {
            continue;
        };
        let want = vars.json(&want);
        let found: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return Err(Unmet::new(
                    format!(
                        "expected a JSON body, but the body is not JSON ({e}){}",
                        undeclared_gzip(response)
                    ),
                    "body",
                    pretty(&want),
                    shown_body(response, &body),
                ));
            }
        };
        if let Some(diff) = json_difference(&want, &found, subset, "") {
            let what = if subset {
                "JSON body (these fields)"
            } else {
                "JSON body"
            };
            return Err(Unmet::new(
                format!("the JSON body differs {diff}"),
                what,
                pretty(&want),
                pretty(&found),
            ));
        }
    }
    if let Some(raw) = &expect.raw {
        let want = vars.text(raw.get_ref());
        let found = response.raw.as_deref().unwrap_or_default();
        if found != want.as_bytes() {
            return Err(Unmet::new(
                format!(
                    "the response's bytes differ from the expected ones {}",
                    first_difference(want.as_bytes(), found)
                ),
                "response bytes (escaped)",
                escape_bytes(want.as_bytes()),
                escape_bytes(found),
            ));
        }
    }
    Ok(())
}

/// The body with its Content-Encoding undone, or why that fails, with the
/// layer to blame: the framing (a Content-Length that does not count the
/// bytes sent) or the encoding itself.
fn decoded_body(expect: &Expect, response: &Response, vars: &Vars) -> Result<Vec<u8>, Unmet> {
    let codings = encoding::codings(&response.header_values("content-encoding"));
    if codings.is_empty() {
        return Ok(response.body.clone());
    }
    encoding::decode(&codings, &response.body).map_err(|error| {
        let mut message = error.describe();
        let length = response
            .header_values("content-length")
            .first()
            .and_then(|l| l.trim().parse::<usize>().ok());
        let want_len = expect.body.as_ref().map(|b| vars.text(b.get_ref()).len());
        if let (DecodeError::Truncated { .. }, Some(length), Some(want_len)) = (&error, length, want_len)
            && length == want_len
        {
            message.push_str(&format!(
                ": Content-Length is {length}, the size of the text before compression; it must count the bytes sent, the compressed ones"
            ));
        }
        Unmet::new(
            message,
            "body (encoding)",
            codings.join(", ") + " data",
            escape_bytes(&response.body[..response.body.len().min(256)]),
        )
    })
}

/// A note for a mismatch where the body is gzip data the headers do not announce.
fn undeclared_gzip(response: &Response) -> &'static str {
    if encoding::looks_gzipped(&response.body) && response.header_values("content-encoding").is_empty() {
        " (the body is gzip data, but the response has no `Content-Encoding: gzip` header)"
    } else {
        ""
    }
}

/// The body as the learner should see it: decoded, and marked so when it was.
fn shown_body(response: &Response, decoded: &[u8]) -> String {
    let text = String::from_utf8_lossy(decoded).into_owned();
    let codings = encoding::codings(&response.header_values("content-encoding"));
    if codings.is_empty() {
        text
    } else {
        format!(
            "{text}\n(after undoing Content-Encoding: {}; {} bytes were sent)",
            codings.join(", "),
            response.body.len()
        )
    }
}

/// A note for a raw response whose reason phrase is not the standard one for
/// its code: clients ignore the phrase, so it passes, but it is not what
/// the RFC's table (and most tests of a course) say.
pub fn reason_note(response: &Response) -> Option<String> {
    response.raw.as_ref()?;
    let standard = standard_reason(response.status)?;
    if response.reason.is_empty() || response.reason == standard {
        return None;
    }
    Some(format!(
        "Note: the status line says `{} {}`; the standard reason phrase for {} is `{standard}`. Clients ignore it, but write it as the RFC does.",
        response.status, response.reason, response.status
    ))
}

fn check_headers(expect: &Expect, response: &Response, vars: &Vars) -> Result<(), Unmet> {
    let show = |values: &[&str]| match values {
        [] => "(no such header)".to_string(),
        _ => values.join("\n"),
    };
    for name in &expect.headers_present {
        let name = name.get_ref();
        if response.header_values(name).is_empty() {
            return Err(Unmet::new(
                format!("the response has no `{name}` header"),
                format!("header {name}"),
                "present".into(),
                "(no such header)".into(),
            ));
        }
    }
    for name in &expect.headers_absent {
        let name = name.get_ref();
        let values = response.header_values(name);
        if !values.is_empty() {
            return Err(Unmet::new(
                format!("the response has a `{name}` header, which it should not send"),
                format!("header {name}"),
                "(no such header)".into(),
                show(&values),
            ));
        }
    }
    let compared = expect
        .headers
        .iter()
        .map(|(name, value)| (name, value, false))
        .chain(
            expect
                .headers_exact
                .iter()
                .map(|(name, value)| (name, value, true)),
        );
    for (name, value, exact) in compared {
        let want = vars.text(value.get_ref());
        let values = response.header_values(name);
        let same = |found: &&str| {
            if exact {
                found.trim() == want.trim()
            } else {
                headers::equivalent(name, &want, found)
            }
        };
        if !values.iter().any(same) {
            let how = if exact {
                "exactly"
            } else {
                headers::comparison(name)
            };
            let compared_as = if how == "exactly" {
                String::new()
            } else {
                format!(" (compared as {how})")
            };
            let message = match values.as_slice() {
                [] => format!("the response has no `{name}` header (expected `{name}: {want}`)"),
                [one] => format!("header `{name}` is `{one}`, expected `{want}`{compared_as}"),
                _ => format!("no `{name}` header is `{want}`{compared_as}"),
            };
            return Err(Unmet::new(message, format!("header {name}"), want, show(&values)));
        }
    }
    for (name, pattern) in &expect.headers_regex {
        let pattern = vars.regex(pattern.get_ref());
        let values = response.header_values(name);
        if !values.iter().any(|v| matches(&pattern, v)) {
            let message = match values.as_slice() {
                [] => format!("the response has no `{name}` header (expected one matching /{pattern}/)"),
                [one] => format!("header `{name}` is `{one}`, which does not match /{pattern}/"),
                _ => format!("no `{name}` header matches /{pattern}/"),
            };
            return Err(Unmet::new(
                message,
                format!("header {name}"),
                format!("a value matching /{pattern}/"),
                show(&values),
            ));
        }
    }
    Ok(())
}

fn matches(pattern: &str, text: &str) -> bool {
    // Validated when the pack loaded; a variable's value is escaped in.
    Regex::new(pattern).is_ok_and(|re| re.is_match(text))
}

/// Where two JSON values first differ, as "at /path: expected …, found …".
/// With `subset`, objects in `found` may have more keys than `want`.
pub fn json_difference(want: &Value, found: &Value, subset: bool, at: &str) -> Option<String> {
    let place = if at.is_empty() {
        "/".to_string()
    } else {
        at.to_string()
    };
    match (want, found) {
        (Value::Object(w), Value::Object(f)) => {
            for (key, wv) in w {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match f.get(key) {
                    None => return Some(format!("at {place}: the key \"{key}\" is missing")),
                    Some(fv) => {
                        if let Some(d) = json_difference(wv, fv, subset, &path) {
                            return Some(d);
                        }
                    }
                }
            }
            if !subset && let Some(extra) = f.keys().find(|k| !w.contains_key(*k)) {
                return Some(format!("at {place}: the key \"{extra}\" is not expected"));
            }
            None
        }
        (Value::Array(w), Value::Array(f)) => {
            if w.len() != f.len() {
                return Some(format!(
                    "at {place}: expected an array of {} item{}, found {}",
                    w.len(),
                    if w.len() == 1 { "" } else { "s" },
                    f.len()
                ));
            }
            w.iter()
                .zip(f)
                .enumerate()
                .find_map(|(i, (wv, fv))| json_difference(wv, fv, subset, &format!("{at}/{i}")))
        }
        (Value::Number(w), Value::Number(f)) if w.as_f64() == f.as_f64() => None,
        (w, f) if w == f => None,
        (w, f) => Some(format!("at {place}: expected {}, found {}", short(w), short(f))),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// "(first difference at byte 17: expected '\r', found '\n')".
fn first_difference(want: &[u8], found: &[u8]) -> String {
    let at = want.iter().zip(found).position(|(a, b)| a != b);
    match at {
        Some(i) => format!(
            "(first difference at byte {i}: expected {}, found {})",
            escape_inline(&want[i..=i]),
            escape_inline(&found[i..=i])
        ),
        None if found.len() < want.len() => format!(
            "(it stops after {} bytes, before {})",
            found.len(),
            escape_inline(&want[found.len()..(found.len() + 20).min(want.len())])
        ),
        None => format!(
            "(after the expected {} bytes come {} more)",
            want.len(),
            found.len() - want.len()
        ),
    }
}

/// Bytes as a string literal would show them, one line of output per line of input.
pub fn escape_bytes(bytes: &[u8]) -> String {
    escape(bytes, true)
}

/// Bytes as a string literal would show them, on one line (for a message).
fn escape_inline(bytes: &[u8]) -> String {
    escape(bytes, false)
}

fn escape(bytes: &[u8], break_lines: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => out.push_str("\\r"),
                '\n' if break_lines => out.push_str("\\n\n"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Read a variable's value from a response.
pub fn capture(source: &CaptureSource, response: &Response) -> Result<Value, String> {
    let body = || {
        let codings = encoding::codings(&response.header_values("content-encoding"));
        encoding::decode(&codings, &response.body).map_err(|e| e.describe())
    };
    match source {
        CaptureSource::Body => Ok(Value::String(String::from_utf8_lossy(&body()?).into_owned())),
        CaptureSource::Header(name) => response
            .header_values(name)
            .first()
            .map(|v| Value::String(v.trim().to_string()))
            .ok_or_else(|| format!("the response has no `{name}` header")),
        CaptureSource::Cookie(name) => response
            .header_values("set-cookie")
            .iter()
            .find_map(|cookie| {
                let pair = cookie.split(';').next()?;
                let (n, v) = pair.split_once('=')?;
                (n.trim() == name).then(|| Value::String(v.trim().trim_matches('"').to_string()))
            })
            .ok_or_else(|| format!("the response sets no cookie named `{name}`")),
        CaptureSource::Json(pointer) => {
            let json: Value = serde_json::from_slice(&body()?)
                .map_err(|e| format!("the body is not JSON ({e}), so `{pointer}` cannot be read from it"))?;
            json.pointer(pointer).cloned().ok_or_else(|| {
                format!(
                    "the JSON body has nothing at `{}`",
                    if pointer.is_empty() { "/" } else { pointer }
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            version: "HTTP/1.1".into(),
            status,
            reason: String::new(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            raw: None,
        }
    }

    fn expect(toml_text: &str) -> Expect {
        toml::from_str(toml_text).unwrap()
    }

    fn vars() -> Vars {
        Vars::new(1, "ex", 8080)
    }

    #[test]
    fn status_mismatch_names_both_statuses() {
        let err = check(&expect("status = 201"), &response(200, &[], ""), &vars()).unwrap_err();
        assert_eq!(err.message, "expected status 201 Created, got 200 OK");
    }

    #[test]
    fn header_rules_ignore_name_case() {
        let r = response(
            200,
            &[
                ("ETag", "\"v1\""),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "sid=xyz; HttpOnly"),
            ],
            "",
        );
        let ok = expect(
            "headers_present = ['etag']\nheaders_absent = ['x-powered-by']\nheaders = { etag = '\"v1\"' }\nheaders_regex = { set-cookie = 'HttpOnly' }",
        );
        assert_eq!(check(&ok, &r, &vars()), Ok(()));
        let missing = check(&expect("headers_present = ['Retry-After']"), &r, &vars()).unwrap_err();
        assert_eq!(missing.message, "the response has no `Retry-After` header");
        let wrong = check(&expect("headers = { ETag = 'v2' }"), &r, &vars()).unwrap_err();
        assert_eq!(wrong.message, "header `ETag` is `\"v1\"`, expected `v2`");
        let absent = check(&expect("headers_absent = ['etag']"), &r, &vars()).unwrap_err();
        assert!(absent.message.contains("should not send"));
    }

    #[test]
    fn json_equality_and_subset() {
        let r = response(
            200,
            &[],
            r#"{"id": 7, "title": "milk", "tags": ["a"], "price": 2.0}"#,
        );
        assert_eq!(
            check(
                &expect("json_subset = { title = 'milk', price = 2 }"),
                &r,
                &vars()
            ),
            Ok(())
        );
        let err = check(&expect("json_subset = { title = 'Milk' }"), &r, &vars()).unwrap_err();
        assert_eq!(
            err.message,
            "the JSON body differs at /title: expected \"Milk\", found \"milk\""
        );
        let err = check(
            &expect("json = { id = 7, title = 'milk', tags = ['a'] }"),
            &r,
            &vars(),
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "the JSON body differs at /: the key \"price\" is not expected"
        );
        let err = check(&expect("json_subset = { tags = ['a', 'b'] }"), &r, &vars()).unwrap_err();
        assert!(
            err.message
                .contains("at /tags: expected an array of 2 items, found 1")
        );
        let err = check(&expect("json = '{}'"), &response(200, &[], "nope"), &vars()).unwrap_err();
        assert!(
            err.message
                .starts_with("expected a JSON body, but the body is not JSON")
        );
    }

    #[test]
    fn variables_in_expectations() {
        let mut v = vars();
        v.set("id", json!(7));
        let r = response(200, &[("Location", "/notes/7")], r#"{"id": 7}"#);
        assert_eq!(
            check(
                &expect("json = { id = '{id}' }\nheaders = { location = '/notes/{id}' }"),
                &r,
                &v
            ),
            Ok(())
        );
    }

    #[test]
    fn bodies_and_raw_bytes_show_the_first_difference() {
        let err = check(&expect("body = 'hello'"), &response(200, &[], "help"), &vars()).unwrap_err();
        assert!(
            err.message.contains("byte 3: expected l, found p"),
            "{}",
            err.message
        );
        let mut r = response(200, &[], "");
        r.raw = Some(b"HTTP/1.1 200 OK\n".to_vec());
        let err = check(&expect("raw = \"HTTP/1.1 200 OK\\r\\n\""), &r, &vars()).unwrap_err();
        assert!(err.message.contains("expected \\r, found \\n"), "{}", err.message);
        let err = check(
            &expect("body_regex = '^\\d+$'"),
            &response(200, &[], "x1"),
            &vars(),
        )
        .unwrap_err();
        assert!(err.message.contains("does not match"));
    }

    #[test]
    fn status_line_version_and_reason() {
        let mut r = response(200, &[], "");
        r.version = "HTTP/1.0".into();
        r.reason = "Ok".into();
        let err = check(&expect("version = 'HTTP/1.1'"), &r, &vars()).unwrap_err();
        assert_eq!(err.message, "the status line says HTTP/1.0, expected HTTP/1.1");
        let err = check(&expect("reason = 'OK'"), &r, &vars()).unwrap_err();
        assert_eq!(
            err.message,
            "the status line's reason phrase is `Ok`, expected `OK`"
        );
        assert_eq!(
            reason_note(&r),
            None,
            "the client's reason is not the server's own"
        );
        r.raw = Some(Vec::new());
        assert!(
            reason_note(&r)
                .unwrap()
                .contains("the standard reason phrase for 200 is `OK`")
        );
        r.reason = "OK".into();
        assert_eq!(reason_note(&r), None);
    }

    #[test]
    fn headers_as_the_rfc_compares_them_or_exactly() {
        let r = response(
            200,
            &[
                ("Content-Type", "Text/HTML; Charset=UTF-8"),
                ("Connection", "Close"),
            ],
            "",
        );
        let loose = expect("headers = { content-type = 'text/html; charset=utf-8', connection = 'close' }");
        assert_eq!(check(&loose, &r, &vars()), Ok(()));
        let err = check(&expect("headers_exact = { connection = 'close' }"), &r, &vars()).unwrap_err();
        assert_eq!(err.message, "header `connection` is `Close`, expected `close`");
        let err = check(&expect("headers = { content-type = 'text/plain' }"), &r, &vars()).unwrap_err();
        assert!(err.message.ends_with("(compared as a media type: type, subtype, parameter names and charset without regard to case)"), "{}", err.message);
    }

    #[test]
    fn a_gzip_body_without_its_header_is_pointed_out() {
        let mut r = response(200, &[], "");
        r.body = vec![0x1f, 0x8b, 8, 0];
        let err = check(&expect("body = 'hello'"), &r, &vars()).unwrap_err();
        assert!(
            err.message.ends_with(
                "(the body is gzip data, but the response has no `Content-Encoding: gzip` header)"
            ),
            "{}",
            err.message
        );
        r.headers.push(("Content-Encoding".into(), "br".into()));
        let err = check(&expect("body = 'hello'"), &r, &vars()).unwrap_err();
        assert!(
            err.message.contains("`br`, which this check cannot decode"),
            "{}",
            err.message
        );
    }

    #[test]
    fn captures() {
        let r = response(
            200,
            &[
                ("ETag", "\"abc\""),
                ("Set-Cookie", "sid=s3cr3t; Path=/; HttpOnly"),
            ],
            r#"{"token": "t0k", "items": [{"id": 4}]}"#,
        );
        let get = |s: &str| capture(&CaptureSource::parse(s).unwrap(), &r);
        assert_eq!(get("json:/token"), Ok(json!("t0k")));
        assert_eq!(get("json:/items/0/id"), Ok(json!(4)));
        assert_eq!(get("header:etag"), Ok(json!("\"abc\"")));
        assert_eq!(get("cookie:sid"), Ok(json!("s3cr3t")));
        assert!(get("json:/nope").unwrap_err().contains("nothing at `/nope`"));
        assert!(get("cookie:other").is_err());
    }
}
