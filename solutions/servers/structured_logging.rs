// Structured logging: one JSON object per line, and no secrets in it.
//
// During an incident nobody reads logs: they query them. Log platforms (Loki,
// Elasticsearch, Datadog, CloudWatch) index the fields of JSON lines, so
// `status >= 500 AND path = "/checkout"` finds the failing requests in seconds,
// and a `request_id` follows one request through every service it touched.
// Free-form lines need fragile regexes that break on the first value with a
// space or a quote — and a newline in a path lets anyone forge a log line.
//
// Logs also leak: they are copied to more places, kept longer and read by more
// people than any database. An `Authorization` header, a session cookie or a
// password-reset token in a log line is a credential leak, and exactly what a
// security audit looks for.
//
// Make `serve_logged` write, for each request, ONE line of JSON to `log`
// (ending with \n), with these fields and no others:
//
//   ts           when the request arrived, formatted by `utc_timestamp`
//   level        "error" for a 5xx status, "warn" for a 4xx, "info" otherwise
//   request_id   the request's `X-Request-Id` header if it has one (a proxy in
//                front set it), else a new one from `ids.next_id()`
//   method       "GET"
//   path         the path WITHOUT its query string (queries carry tokens)
//   status       the response's status, as a number
//   duration_ms  how long the handler took, in milliseconds, as a number
//
// Build the line with serde_json (`json!`, then `to_string`), never with
// `format!`: serde_json escapes quotes and newlines, so one request stays one line.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

pub struct Request {
    pub method: String,
    /// The path and the query, as in the request line: `/search?q=rust`.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The value of the first header called `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Response {
    pub status: u16,
    pub body: String,
}

/// Runs `handler` for `request`, then writes one log line about it to `log`.
pub fn serve_logged(
    request: &Request,
    handler: impl FnOnce(&Request) -> Response,
    ids: &RequestIds,
    log: &mut impl Write,
) -> Response {
    let ts = utc_timestamp(SystemTime::now());
    let started = Instant::now();
    let response = handler(request);
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    // A proxy's id ties this line to the proxy's own logs; otherwise start one here.
    let request_id = match request.header("x-request-id") {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => ids.next_id(),
    };
    let level = match response.status {
        500.. => "error",
        400..=499 => "warn",
        _ => "info",
    };
    // The path only: the query string may hold a token, and the headers hold
    // credentials, so neither is logged.
    let path = request.target.split('?').next().unwrap_or_default();
    // serde_json escapes quotes and control characters: one request, one line, whatever it holds.
    let line = json!({
        "ts": ts,
        "level": level,
        "request_id": request_id,
        "method": request.method,
        "path": path,
        "status": response.status,
        "duration_ms": duration_ms,
    });
    // A full disk must not turn every request into an error: report, and carry on.
    if let Err(err) = writeln!(log, "{line}") {
        eprintln!("could not write a log line: {err}");
    }
    response
}

// ---- given: request ids and timestamps ----

/// Hands out request ids unique to this process: `req-<start time>-<counter>`.
pub struct RequestIds {
    prefix: String,
    counter: AtomicU64,
}

impl RequestIds {
    pub fn new() -> Self {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        RequestIds {
            prefix: format!("req-{:x}", started.as_millis()),
            counter: AtomicU64::new(0),
        }
    }

    pub fn next_id(&self) -> String {
        format!(
            "{}-{}",
            self.prefix,
            self.counter.fetch_add(1, Ordering::Relaxed) + 1
        )
    }
}

impl Default for RequestIds {
    fn default() -> Self {
        Self::new()
    }
}

/// `2026-03-02T10:04:05.123Z`: RFC 3339 in UTC with milliseconds. Strings in
/// this one format sort in time order, which log tools rely on.
pub fn utc_timestamp(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (hour, minute, second) = (seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{:03}Z",
        since_epoch.subsec_millis()
    )
}

fn main() {
    let ids = RequestIds::new();
    let request = Request {
        method: "GET".to_string(),
        target: "/orders?page=2".to_string(),
        headers: vec![("Authorization".to_string(), "Bearer do-not-log-me".to_string())],
    };
    let mut log = io::stdout();
    let response = serve_logged(
        &request,
        |_| Response {
            status: 200,
            body: "[]".to_string(),
        },
        &ids,
        &mut log,
    );
    println!("answered {} with {} bytes", response.status, response.body.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};
    use std::thread;
    use std::time::Duration;

    const FIELDS: [&str; 7] = [
        "ts",
        "level",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
    ];

    /// Letters that differ from seed to seed, so that no log line can be written in advance.
    fn seeded_words(count: usize) -> Vec<String> {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(11);
        let mut letter = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from(b'a' + ((state >> 33) % 26) as u8)
        };
        (0..count).map(|_| (0..10).map(|_| letter()).collect()).collect()
    }

    fn request(target: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: "GET".to_string(),
            target: target.to_string(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Serves each request with a handler answering `status`, and returns the log's text.
    fn log_of(requests: &[(Request, u16)], ids: &RequestIds) -> String {
        let mut log = Vec::new();
        for (request, status) in requests {
            let status = *status;
            let response = serve_logged(
                request,
                |_| Response {
                    status,
                    body: "body".to_string(),
                },
                ids,
                &mut log,
            );
            assert_eq!(
                response.status, status,
                "serve_logged must return the handler's response"
            );
        }
        String::from_utf8(log).expect("the log is UTF-8")
    }

    /// Each line of `log` as a JSON object, with a message that shows the line when it is not one.
    fn entries(log: &str) -> Vec<Map<String, Value>> {
        assert!(
            log.ends_with('\n'),
            "every log line must end with \\n; the log was {log:?}"
        );
        log.lines()
            .map(|line| match serde_json::from_str::<Value>(line) {
                Ok(Value::Object(entry)) => entry,
                Ok(other) => panic!("a log line must be a JSON object, not {other}"),
                Err(err) => panic!("this log line is not JSON ({err}):\n  {line}"),
            })
            .collect()
    }

    fn one_entry(request: Request, status: u16) -> (Map<String, Value>, String) {
        let log = log_of(&[(request, status)], &RequestIds::new());
        let mut all = entries(&log);
        assert_eq!(
            all.len(),
            1,
            "one request must give exactly one log line; the log was:\n{log}"
        );
        (all.remove(0), log)
    }

    #[test]
    fn writes_one_json_line_per_request() {
        let words = seeded_words(3);
        let requests: Vec<(Request, u16)> = words
            .iter()
            .map(|w| (request(&format!("/{w}"), &[]), 200))
            .collect();
        let log = log_of(&requests, &RequestIds::new());
        let all = entries(&log);
        assert_eq!(
            all.len(),
            3,
            "3 requests must give 3 log lines; the log was:\n{log}"
        );
        for (entry, word) in all.iter().zip(&words) {
            assert_eq!(
                entry.get("path"),
                Some(&Value::from(format!("/{word}"))),
                "in {entry:?}"
            );
        }
    }

    #[test]
    fn logs_every_field_and_nothing_else() {
        let word = &seeded_words(1)[0];
        let before = utc_timestamp(SystemTime::now());
        let (entry, _) = one_entry(request(&format!("/orders/{word}"), &[]), 201);
        let after = utc_timestamp(SystemTime::now());
        let mut keys: Vec<&str> = entry.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected = FIELDS;
        expected.sort_unstable();
        assert_eq!(keys, expected, "the fields of the log line");
        assert_eq!(entry["method"], "GET");
        assert_eq!(entry["path"], Value::from(format!("/orders/{word}")));
        assert_eq!(entry["status"], 201, "status must be the number 201");
        assert!(
            entry["duration_ms"].is_number(),
            "duration_ms must be a number, not {}",
            entry["duration_ms"]
        );
        let ts = entry["ts"]
            .as_str()
            .unwrap_or_else(|| panic!("ts must be a string, not {}", entry["ts"]));
        assert!(
            ts.len() == before.len() && before.as_str() <= ts && ts <= after.as_str(),
            "ts must be the time of the request as `utc_timestamp` formats it (between {before} and {after}), not {ts}"
        );
    }

    #[test]
    fn level_follows_the_status() {
        for (status, level) in [
            (200, "info"),
            (302, "info"),
            (404, "warn"),
            (422, "warn"),
            (500, "error"),
            (503, "error"),
        ] {
            let (entry, _) = one_entry(request("/", &[]), status);
            assert_eq!(entry["level"], level, "the level of a {status} response");
        }
    }

    #[test]
    fn measures_how_long_the_handler_took() {
        let mut log = Vec::new();
        serve_logged(
            &request("/slow", &[]),
            |_| {
                thread::sleep(Duration::from_millis(30));
                Response {
                    status: 200,
                    body: String::new(),
                }
            },
            &RequestIds::new(),
            &mut log,
        );
        let entry = &entries(&String::from_utf8(log).unwrap())[0];
        let duration = entry["duration_ms"].as_f64().unwrap_or(-1.0);
        assert!(
            (30.0..2000.0).contains(&duration),
            "the handler slept 30 ms, so duration_ms should be at least 30; it is {}",
            entry["duration_ms"]
        );
    }

    #[test]
    fn keeps_the_request_id_a_proxy_set() {
        let id = format!("lb-{}", seeded_words(1)[0]);
        let (entry, _) = one_entry(request("/", &[("x-request-id", id.as_str())]), 200);
        assert_eq!(
            entry["request_id"],
            Value::from(id),
            "the X-Request-Id header's value"
        );
    }

    #[test]
    fn gives_each_request_its_own_id() {
        let requests = vec![
            (request("/a", &[]), 200),
            (request("/b", &[]), 200),
            (request("/c", &[]), 200),
        ];
        let all = entries(&log_of(&requests, &RequestIds::new()));
        let ids: Vec<&str> = all.iter().filter_map(|e| e.get("request_id")?.as_str()).collect();
        assert_eq!(ids.len(), 3, "each line needs a request_id string: {all:?}");
        assert!(
            ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2] && ids.iter().all(|id| !id.is_empty()),
            "request ids must be distinct and non-empty: {ids:?}"
        );
    }

    #[test]
    fn never_logs_credentials_or_query_strings() {
        let secrets = seeded_words(3);
        let bearer = format!("Bearer {}", secrets[0]);
        let cookie = format!("session={}", secrets[1]);
        let target = format!("/reset?token={}", secrets[2]);
        let (entry, log) = one_entry(
            request(
                &target,
                &[("Authorization", bearer.as_str()), ("Cookie", cookie.as_str())],
            ),
            200,
        );
        for secret in &secrets {
            assert!(
                !log.contains(secret.as_str()),
                "the secret `{secret}` is in the log line:\n{log}"
            );
        }
        assert_eq!(entry["path"], "/reset", "the path, without its query string");
    }

    #[test]
    fn a_newline_in_the_path_cannot_forge_a_log_line() {
        let forged = "/x\n{\"level\":\"info\",\"path\":\"/admin\",\"status\":200}";
        let (entry, log) = one_entry(request(forged, &[]), 404);
        assert_eq!(
            entry["path"], forged,
            "the path, exactly as received, in one line:\n{log}"
        );
    }

    #[test]
    fn utc_timestamp_formats_a_known_instant() {
        let instant = UNIX_EPOCH + Duration::from_millis(1_772_445_845_123);
        assert_eq!(utc_timestamp(instant), "2026-03-02T10:04:05.123Z");
    }
}
