//! The `[exercises.http]` table: what to send to the learner's server and what
//! to expect back, validated when the pack loads so that an author's mistake
//! points at its line in info.toml instead of surfacing as a learner's failure.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::template;
use crate::pack::SpecContext;

/// How long a server has to start listening, unless the exercise says otherwise.
pub const DEFAULT_STARTUP: Duration = Duration::from_secs(5);
/// How long one request may wait for its response, unless the exercise says otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
const MAX_SECS: f64 = 60.0;
const MAX_REPEAT: u32 = 1000;
const MAX_CONCURRENT: u32 = 16;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {
    /// Seconds the server has to start listening on its port.
    pub startup_secs: Option<Spanned<f64>>,
    /// Seconds each request may wait for its response.
    pub request_timeout_secs: Option<Spanned<f64>>,
    /// Extra environment for the server (PORT is always set by the runner);
    /// values may use built-in variables (`{temp_dir}`, `{port}`).
    #[serde(default)]
    pub env: BTreeMap<String, Spanned<String>>,
    /// Command-line arguments for the server, e.g. `["--directory", "{temp_dir}"]`.
    #[serde(default)]
    pub args: Vec<Spanned<String>>,
    /// Files written into `{temp_dir}` before the server starts: relative
    /// path → content (both may use built-in variables).
    #[serde(default)]
    pub temp_files: BTreeMap<String, Spanned<String>>,
    /// Data files the server reads (a static site, say), relative to the
    /// pack root: part of the exercise for `dev check`, never edited by the
    /// learner, so not shown as files to edit.
    #[serde(default)]
    pub assets: Vec<Spanned<String>>,
    /// Run in order against one server; state carries from one to the next.
    pub exchanges: Spanned<Vec<Spanned<Exchange>>>,
}

/// One step: a request sent by an HTTP client (`path`), or bytes written to a
/// TCP connection (`raw`); then the expectations on what came back.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// Shown in messages instead of `METHOD /path`.
    pub name: Option<String>,
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<String>>,
    pub body: Option<Spanned<String>>,
    pub json: Option<Spanned<toml::Value>>,
    pub raw: Option<Spanned<String>>,
    /// Raw steps naming the same connection share one TCP connection (keep-alive).
    pub connection: Option<Spanned<String>>,
    /// Open this many connections at once (raw steps); see `raw::concurrent`.
    pub concurrent: Option<Spanned<u32>>,
    /// How the `concurrent` connections take turns; see [`Pattern`].
    pub pattern: Option<Spanned<String>>,
    /// Only open a TCP connection (and see the server accept it); with
    /// `connection`, keep it open under that name for later raw exchanges.
    pub connect: Option<Spanned<bool>>,
    /// Seconds this exchange's response may take (default: the exercise's).
    pub request_timeout_secs: Option<Spanned<f64>>,
    /// Send the same request this many times; each response must meet `expect`.
    pub repeat: Option<Spanned<u32>>,
    /// Variables read from the response, for later steps: `name = "json:/id"`.
    pub capture: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    pub expect: Option<Spanned<Expect>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub status: Option<Spanned<u16>>,
    /// The status line's version, `HTTP/1.1`.
    pub version: Option<Spanned<String>>,
    /// Raw steps: the status line's reason phrase, exactly (`OK`, `Not Found`).
    pub reason: Option<Spanned<String>>,
    /// Header name → value, compared as the RFC compares that header (media
    /// types and tokens without regard to case); others exactly.
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<String>>,
    /// Header name → value, byte for byte (after trimming).
    #[serde(default)]
    pub headers_exact: BTreeMap<String, Spanned<String>>,
    /// Header name → a regex its value must match.
    #[serde(default)]
    pub headers_regex: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub headers_present: Vec<Spanned<String>>,
    #[serde(default)]
    pub headers_absent: Vec<Spanned<String>>,
    pub body: Option<Spanned<String>>,
    pub body_regex: Option<Spanned<String>>,
    pub json: Option<Spanned<toml::Value>>,
    pub json_subset: Option<Spanned<toml::Value>>,
    /// Raw steps: the exact bytes of the whole response.
    pub raw: Option<Spanned<String>>,
    /// Raw steps: the server closes the connection after this response (or keeps it open).
    pub closes: Option<Spanned<bool>>,
    /// Files in `{temp_dir}` once the response has come back.
    #[serde(default)]
    pub files: Vec<Spanned<FileExpect>>,
}

/// A file the server should have written (or removed) by the time it answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileExpect {
    /// Relative to `{temp_dir}`.
    pub path: Spanned<String>,
    /// `false`: the file must not be there. Default `true`.
    pub exists: Option<Spanned<bool>>,
    /// The file's whole content, exactly.
    pub content: Option<Spanned<String>>,
}

impl FileExpect {
    pub fn exists(&self) -> bool {
        self.exists.as_ref().is_none_or(|e| *e.get_ref())
    }
}

/// How the connections of `concurrent = N` take turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Each writes its request but the last byte; then they are finished from
    /// the last opened to the first, each answered while the others wait.
    Interleaved,
    /// Each writes its whole request, all before any answer is read; the
    /// answers are then read from the last opened to the first.
    AtOnce,
    /// One request on each connection in turn, all kept open; then a second
    /// round on the same connections.
    Rounds,
}

impl Pattern {
    pub const NAMES: &'static str = "\"interleaved\", \"at_once\" or \"rounds\"";

    pub fn parse(text: &str) -> Option<Pattern> {
        match text {
            "interleaved" => Some(Pattern::Interleaved),
            "at_once" => Some(Pattern::AtOnce),
            "rounds" => Some(Pattern::Rounds),
            _ => None,
        }
    }
}

/// Where a captured variable comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureSource {
    /// A JSON pointer into the body (`json:/items/0/id`).
    Json(String),
    Header(String),
    /// The value of one cookie set by `Set-Cookie`.
    Cookie(String),
    /// The whole body, as text.
    Body,
}

impl CaptureSource {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "body" {
            return Ok(CaptureSource::Body);
        }
        let Some((kind, rest)) = text.split_once(':') else {
            return Err(format!("`{text}` is not a capture source"));
        };
        match kind {
            "json" if rest.is_empty() || rest.starts_with('/') => Ok(CaptureSource::Json(rest.to_string())),
            "json" => Err(format!("`{rest}` is not a JSON pointer (they start with `/`)")),
            "header" if is_header_name(rest) => Ok(CaptureSource::Header(rest.to_string())),
            "cookie" if !rest.is_empty() && !rest.contains([';', '=', ' ']) => {
                Ok(CaptureSource::Cookie(rest.to_string()))
            }
            "header" | "cookie" => Err(format!("`{rest}` is not a valid {kind} name")),
            _ => Err(format!("`{kind}:` is not a capture source")),
        }
    }
}

impl HttpSpec {
    pub fn startup(&self) -> Duration {
        secs_or(&self.startup_secs, DEFAULT_STARTUP)
    }

    pub fn request_timeout(&self) -> Duration {
        secs_or(&self.request_timeout_secs, DEFAULT_REQUEST_TIMEOUT)
    }

    /// Every template the server is started with: `env` values, `args`, and
    /// the paths and contents of `temp_files`; only built-ins are known then.
    fn launch_templates(&self) -> Vec<(String, Range<usize>)> {
        let mut out: Vec<(String, Range<usize>)> = Vec::new();
        for value in self.env.values().chain(&self.args) {
            out.push((value.get_ref().clone(), value.span()));
        }
        for (path, content) in &self.temp_files {
            out.push((path.clone(), content.span()));
            out.push((content.get_ref().clone(), content.span()));
        }
        out
    }

    pub fn validate(&self, ctx: &mut SpecContext<'_>) {
        for asset in &self.assets {
            ctx.existing_path(asset);
        }
        check_secs(ctx, "startup_secs", &self.startup_secs);
        check_secs(ctx, "request_timeout_secs", &self.request_timeout_secs);
        for (text, span) in self.launch_templates() {
            for name in template::placeholders(&text, template::Context::Text) {
                if !template::is_builtin(name) {
                    ctx.problem(
                        span.clone(),
                        format!("`{{{name}}}` is not known when the server starts"),
                        "`env`, `args` and `temp_files` may use built-ins only: {temp_dir}, {port}, {random_word}, {random_int}",
                    );
                }
            }
        }
        for (path, content) in &self.temp_files {
            if let Err(why) = relative_path(path) {
                ctx.problem(
                    content.span(),
                    why,
                    "write a path inside {temp_dir}, e.g. `uploads/a.txt`",
                );
            }
        }
        if self.env.contains_key("PORT") {
            ctx.problem(
                self.exchanges.span(),
                "`env` sets PORT, which the runner chooses",
                "remove PORT from `env`: the server reads the port the runner gives it",
            );
        }
        if self.exchanges.get_ref().is_empty() {
            ctx.problem(
                self.exchanges.span(),
                "the http exercise has no exchanges",
                "add `[[exercises.http.exchanges]]` entries with a `path` (or `raw`) and an `expect` table",
            );
        }
        let mut known: BTreeSet<String> = BTreeSet::new();
        for exchange in self.exchanges.get_ref() {
            exchange.get_ref().validate(exchange.span(), ctx, &known);
            if let Some(capture) = &exchange.get_ref().capture {
                known.extend(capture.get_ref().keys().cloned());
            }
        }
    }
}

fn check_secs(ctx: &mut SpecContext<'_>, key: &str, secs: &Option<Spanned<f64>>) {
    let Some(secs) = secs else { return };
    let value = *secs.get_ref();
    if !(value > 0.0 && value <= MAX_SECS) {
        ctx.problem(
            secs.span(),
            format!("{key} = {value} is out of range"),
            format!("use a number of seconds above 0 and at most {MAX_SECS}, e.g. 5"),
        );
    }
}

/// A path that stays inside the folder it is relative to (variables allowed).
pub fn relative_path(path: &str) -> Result<(), String> {
    let p = std::path::Path::new(path);
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(format!(
            "the path `{path}` leaves {{temp_dir}} (it is absolute, or has `.` or `..` in it)"
        ));
    }
    Ok(())
}

fn secs_or(secs: &Option<Spanned<f64>>, default: Duration) -> Duration {
    match secs {
        Some(s) if *s.get_ref() > 0.0 && *s.get_ref() <= MAX_SECS => Duration::from_secs_f64(*s.get_ref()),
        _ => default,
    }
}

impl Exchange {
    pub fn is_raw(&self) -> bool {
        self.raw.is_some()
    }

    pub fn is_connect(&self) -> bool {
        self.connect.as_ref().is_some_and(|c| *c.get_ref())
    }

    pub fn pattern(&self) -> Pattern {
        self.pattern
            .as_ref()
            .and_then(|p| Pattern::parse(p.get_ref()))
            .unwrap_or(Pattern::Interleaved)
    }

    /// This exchange's own limit on each response, if it sets one.
    pub fn request_timeout(&self) -> Option<Duration> {
        self.request_timeout_secs
            .as_ref()
            .map(|_| secs_or(&self.request_timeout_secs, DEFAULT_REQUEST_TIMEOUT))
    }

    pub fn method(&self) -> &str {
        self.method.as_ref().map_or("GET", |m| m.get_ref().as_str())
    }

    pub fn repeat(&self) -> u32 {
        self.repeat.as_ref().map_or(1, |r| *r.get_ref())
    }

    pub fn expect(&self) -> Expect {
        self.expect
            .as_ref()
            .map(|e| e.get_ref().clone())
            .unwrap_or_default()
    }

    pub fn captures(&self) -> Vec<(String, CaptureSource)> {
        let Some(capture) = &self.capture else {
            return Vec::new();
        };
        capture
            .get_ref()
            .iter()
            .filter_map(|(name, source)| Some((name.clone(), CaptureSource::parse(source.get_ref()).ok()?)))
            .collect()
    }

    fn validate(&self, span: Range<usize>, ctx: &mut SpecContext<'_>, known: &BTreeSet<String>) {
        check_secs(ctx, "request_timeout_secs", &self.request_timeout_secs);
        if let Some(connect) = &self.connect {
            self.validate_connect(connect, ctx);
            return;
        }
        self.validate_form(span, ctx);
        self.validate_request(ctx, known);
        self.validate_concurrency(ctx);
        self.validate_captures(ctx);
        self.validate_expect(ctx);
    }

    /// Which form the exchange takes (a client's request or raw bytes) and
    /// the keys that belong to the other form; a pattern needs `concurrent`.
    fn validate_form(&self, span: Range<usize>, ctx: &mut SpecContext<'_>) {
        if let Some(pattern) = &self.pattern {
            if Pattern::parse(pattern.get_ref()).is_none() {
                ctx.problem(
                    pattern.span(),
                    format!(
                        "`{}` is not a pattern of concurrent connections",
                        pattern.get_ref()
                    ),
                    format!("use {}", Pattern::NAMES),
                );
            } else if self.concurrent.is_none() {
                ctx.problem(
                    pattern.span(),
                    "`pattern` says how `concurrent` connections take turns, and this exchange has no `concurrent`",
                    "add `concurrent = 2` (or more), or remove `pattern`",
                );
            }
        }
        match (&self.path, &self.raw) {
            (None, None) => ctx.problem(
                span.clone(),
                "this exchange has neither `path` nor `raw`",
                "add `path = \"/…\"` for a request sent by an HTTP client, `raw = \"GET / HTTP/1.1\\r\\n…\"` for bytes sent over TCP, or `connect = true` to only connect",
            ),
            (Some(path), Some(_)) => ctx.problem(
                path.span(),
                "this exchange has both `path` and `raw`",
                "keep `path` (an HTTP client's request) or `raw` (exact bytes), not both",
            ),
            _ => {}
        }
        if self.is_raw() {
            let client_only = [
                ("method", self.method.as_ref().map(Spanned::span)),
                ("body", self.body.as_ref().map(Spanned::span)),
                ("json", self.json.as_ref().map(Spanned::span)),
                ("headers", self.headers.values().next().map(Spanned::span)),
            ];
            for (key, at) in client_only {
                if let Some(at) = at {
                    ctx.problem(
                        at,
                        format!("`{key}` has no meaning in a raw exchange"),
                        "write the whole request, headers and body included, in `raw`",
                    );
                }
            }
        } else {
            let raw_only = [
                ("connection", self.connection.as_ref().map(Spanned::span)),
                ("concurrent", self.concurrent.as_ref().map(Spanned::span)),
            ];
            for (key, at) in raw_only {
                if let Some(at) = at {
                    ctx.problem(
                        at,
                        format!("`{key}` is only for raw exchanges"),
                        "use `raw = \"…\"` instead of `path` to control the connection",
                    );
                }
            }
        }
    }

    /// The request a client sends: method, path, variables, body, headers.
    fn validate_request(&self, ctx: &mut SpecContext<'_>, known: &BTreeSet<String>) {
        if let Some(method) = &self.method
            && !is_method(method.get_ref())
        {
            ctx.problem(
                method.span(),
                format!("`{}` is not an HTTP method", method.get_ref()),
                "use an upper-case method such as GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS",
            );
        }
        // A path may also start with a captured variable: `path = "{location}"`
        // follows a Location header or a `next` link.
        if let Some(path) = &self.path
            && !path.get_ref().starts_with('/')
            && !path.get_ref().starts_with('{')
        {
            ctx.problem(
                path.span(),
                format!("the path `{}` does not start with `/`", path.get_ref()),
                "write the path and query only, e.g. `/notes?limit=2` (or a captured link, `{location}`); the runner adds http://127.0.0.1:PORT",
            );
        }
        self.check_placeholders(ctx, known);
        if let (Some(body), Some(_)) = (&self.body, &self.json) {
            ctx.problem(
                body.span(),
                "this exchange has both `body` and `json`",
                "keep one: `json` sends a JSON body (with Content-Type: application/json), `body` sends text as written",
            );
        }
        for (name, value) in &self.headers {
            check_header_name(ctx, name, value.span());
        }
        if let Some(json) = &self.json {
            check_json(ctx, json);
        }
    }

    /// Variables captured from the response: their names and sources.
    fn validate_captures(&self, ctx: &mut SpecContext<'_>) {
        if let Some(capture) = &self.capture {
            for (name, source) in capture.get_ref() {
                if !is_identifier(name) || template::is_builtin(name) {
                    ctx.problem(
                        source.span(),
                        format!("`{name}` cannot be the name of a captured variable"),
                        "use a lower-case identifier (letters, digits, `_`) other than port, random_word… and random_int…",
                    );
                }
                if let Err(why) = CaptureSource::parse(source.get_ref()) {
                    ctx.problem(
                        source.span(),
                        why,
                        "capture from `json:/pointer`, `header:NAME`, `cookie:NAME` or `body`",
                    );
                }
            }
        }
    }

    /// `repeat` and `concurrent` in range, and what concurrent connections
    /// cannot do (capture, share a named connection).
    fn validate_concurrency(&self, ctx: &mut SpecContext<'_>) {
        for (key, count, max) in [
            ("repeat", &self.repeat, MAX_REPEAT),
            ("concurrent", &self.concurrent, MAX_CONCURRENT),
        ] {
            let Some(count) = count else { continue };
            let min = if key == "concurrent" { 2 } else { 1 };
            if !(min..=max).contains(count.get_ref()) {
                ctx.problem(
                    count.span(),
                    format!("{key} = {} is out of range", count.get_ref()),
                    format!("use a number from {min} to {max}"),
                );
            }
        }
        if let (Some(concurrent), Some(_)) = (&self.concurrent, &self.capture) {
            ctx.problem(
                concurrent.span(),
                "variables are not captured from concurrent connections",
                "capture in an exchange of its own, before or after this one",
            );
        }
        if let (Some(concurrent), Some(_)) = (&self.concurrent, &self.connection) {
            ctx.problem(
                concurrent.span(),
                "`concurrent` opens its own connections and cannot share a named `connection`",
                "remove `connection` from this exchange",
            );
        }
    }

    /// The expectations, and those not checked on concurrent connections.
    fn validate_expect(&self, ctx: &mut SpecContext<'_>) {
        if let Some(expect) = &self.expect {
            expect.get_ref().validate(ctx, self.is_raw());
            if let (Some(file), Some(_)) = (expect.get_ref().files.first(), &self.concurrent) {
                ctx.problem(
                    file.span(),
                    "`expect.files` is not checked on concurrent connections",
                    "check the files in an exchange of its own, after this one",
                );
            }
            if let (Some(closes), Some(_)) = (&expect.get_ref().closes, &self.concurrent) {
                ctx.problem(
                    closes.span(),
                    "`expect.closes` is not checked on concurrent connections",
                    "check the connection's end in a raw exchange of its own",
                );
            }
        }
    }

    /// A connect-only exchange: a connection, maybe named, and nothing sent.
    fn validate_connect(&self, connect: &Spanned<bool>, ctx: &mut SpecContext<'_>) {
        if !*connect.get_ref() {
            ctx.problem(
                connect.span(),
                "`connect = false` says nothing",
                "remove it, or write `connect = true` for an exchange that only connects",
            );
        }
        let others = [
            ("path", self.path.as_ref().map(Spanned::span)),
            ("raw", self.raw.as_ref().map(Spanned::span)),
            ("method", self.method.as_ref().map(Spanned::span)),
            ("body", self.body.as_ref().map(Spanned::span)),
            ("json", self.json.as_ref().map(Spanned::span)),
            ("headers", self.headers.values().next().map(Spanned::span)),
            ("concurrent", self.concurrent.as_ref().map(Spanned::span)),
            ("pattern", self.pattern.as_ref().map(Spanned::span)),
            ("repeat", self.repeat.as_ref().map(Spanned::span)),
            ("capture", self.capture.as_ref().map(Spanned::span)),
            ("expect", self.expect.as_ref().map(Spanned::span)),
        ];
        for (key, at) in others {
            if let Some(at) = at {
                ctx.problem(
                    at,
                    format!("`{key}` has no meaning in an exchange that only connects"),
                    "a `connect = true` exchange sends nothing and reads nothing; give it at most a `name` and a `connection` to keep it open for later raw exchanges",
                );
            }
        }
    }

    /// Every `{name}` must be a built-in or captured by an earlier exchange.
    fn check_placeholders(&self, ctx: &mut SpecContext<'_>, known: &BTreeSet<String>) {
        let mut texts: Vec<(&Spanned<String>, template::Context)> = [&self.path, &self.body, &self.raw]
            .into_iter()
            .flatten()
            .chain(self.headers.values())
            .map(|t| (t, template::Context::Text))
            .collect();
        if let Some(expect) = &self.expect {
            let e = expect.get_ref();
            let text = [&e.body, &e.raw, &e.version, &e.reason]
                .into_iter()
                .flatten()
                .chain(e.headers.values())
                .chain(e.headers_exact.values())
                .chain(e.files.iter().flat_map(|f| {
                    let f = f.get_ref();
                    std::iter::once(&f.path).chain(f.content.as_ref())
                }));
            texts.extend(text.map(|t| (t, template::Context::Text)));
            let regexes = e.body_regex.iter().chain(e.headers_regex.values());
            texts.extend(regexes.map(|t| (t, template::Context::Regex)));
        }
        let mut json_strings: Vec<(String, Range<usize>)> = Vec::new();
        let expect = self.expect.as_ref().map(Spanned::get_ref);
        let json_values = [
            self.json.as_ref(),
            expect.and_then(|e| e.json.as_ref()),
            expect.and_then(|e| e.json_subset.as_ref()),
        ];
        for json in json_values.into_iter().flatten() {
            for s in toml_strings(json.get_ref()) {
                json_strings.push((s, json.span()));
            }
        }
        let all = texts
            .into_iter()
            .map(|(s, context)| (s.get_ref().clone(), s.span(), context))
            .chain(
                json_strings
                    .into_iter()
                    .map(|(s, span)| (s, span, template::Context::Text)),
            );
        for (text, span, context) in all {
            for name in template::placeholders(&text, context) {
                if !template::is_builtin(name) && !known.contains(name) {
                    ctx.problem(
                        span.clone(),
                        format!("`{{{name}}}` is not a variable here"),
                        format!(
                            "capture it in an earlier exchange (`capture = {{ {name} = \"json:/{name}\" }}`), or use a built-in: {{port}}, {{temp_dir}}, {{random_word}}, {{random_int}}; write `{{{{` for a literal `{{`"
                        ),
                    );
                }
            }
        }
    }
}

impl Expect {
    fn validate(&self, ctx: &mut SpecContext<'_>, raw: bool) {
        if let Some(status) = &self.status
            && !(100..=599).contains(status.get_ref())
        {
            ctx.problem(
                status.span(),
                format!("{} is not an HTTP status", status.get_ref()),
                "use a status code from 100 to 599, e.g. 200 or 404",
            );
        }
        let names = self
            .headers
            .iter()
            .chain(&self.headers_exact)
            .chain(&self.headers_regex)
            .map(|(name, value)| (name.as_str(), value.span()))
            .chain(
                self.headers_present
                    .iter()
                    .chain(&self.headers_absent)
                    .map(|n| (n.get_ref().as_str(), n.span())),
            )
            .collect::<Vec<_>>();
        for (name, span) in names {
            check_header_name(ctx, name, span);
        }
        let regexes = self
            .headers_regex
            .values()
            .chain(self.body_regex.as_ref())
            .collect::<Vec<_>>();
        for pattern in regexes {
            // Variables stand for literal text; any text will do to check the syntax.
            let probe =
                template::replace_all(pattern.get_ref(), template::Context::Regex, |_| "x".to_string());
            // Parsed, not compiled: the syntax is what a pack can get wrong,
            // and compiling every pattern cost most of each command's start.
            // The check compiles the one it uses.
            if let Err(err) = regex_syntax::Parser::new().parse(&probe) {
                ctx.problem(
                    pattern.span(),
                    format!("invalid regex: {}", one_line(&err.to_string())),
                    "fix the pattern (Rust `regex` syntax; in a TOML literal string '…' backslashes stay as written)",
                );
            }
        }
        for json in [&self.json, &self.json_subset].into_iter().flatten() {
            check_json(ctx, json);
        }
        if !raw {
            for (key, at) in [
                ("raw", self.raw.as_ref().map(Spanned::span)),
                ("closes", self.closes.as_ref().map(Spanned::span)),
                ("reason", self.reason.as_ref().map(Spanned::span)),
            ] {
                if let Some(at) = at {
                    ctx.problem(
                        at,
                        format!("`expect.{key}` is only for raw exchanges"),
                        "use `raw = \"…\"` instead of `path` to see the response's exact bytes and the connection (the HTTP client does not report the reason phrase)",
                    );
                }
            }
        }
        if let Some(version) = &self.version
            && !matches!(version.get_ref().as_str(), "HTTP/1.0" | "HTTP/1.1")
        {
            ctx.problem(
                version.span(),
                format!("`{}` is not an HTTP/1 version", version.get_ref()),
                "use \"HTTP/1.1\" (or \"HTTP/1.0\")",
            );
        }
        for name in self.headers_exact.keys() {
            if self.headers.contains_key(name) {
                ctx.problem(
                    self.headers_exact[name].span(),
                    format!("`{name}` is in both `headers` and `headers_exact`"),
                    "keep one: `headers` compares as the RFC does (media types and tokens without regard to case), `headers_exact` byte for byte",
                );
            }
        }
        for file in &self.files {
            let file = file.get_ref();
            if let Err(why) = relative_path(file.path.get_ref()) {
                ctx.problem(
                    file.path.span(),
                    why,
                    "write a path inside {temp_dir}, e.g. `uploads/a.txt`",
                );
            }
            if let (false, Some(content)) = (file.exists(), &file.content) {
                ctx.problem(
                    content.span(),
                    "a file expected absent (`exists = false`) cannot have a `content`",
                    "remove `content`, or `exists = false`",
                );
            }
        }
    }
}

/// JSON written in TOML: a table, array, number or boolean is the JSON value
/// itself; a string is JSON text (so that `null` and top-level strings can be written).
pub fn to_json(value: &toml::Value) -> Result<serde_json::Value, String> {
    match value {
        toml::Value::String(text) => serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}")),
        toml::Value::Datetime(_) => Err("a TOML date has no JSON form".to_string()),
        other => {
            if toml_has_datetime(other) {
                return Err("a TOML date has no JSON form".to_string());
            }
            serde_json::to_value(other).map_err(|e| e.to_string())
        }
    }
}

fn toml_has_datetime(value: &toml::Value) -> bool {
    match value {
        toml::Value::Datetime(_) => true,
        toml::Value::Array(items) => items.iter().any(toml_has_datetime),
        toml::Value::Table(table) => table.values().any(toml_has_datetime),
        _ => false,
    }
}

fn check_json(ctx: &mut SpecContext<'_>, json: &Spanned<toml::Value>) {
    if let Err(why) = to_json(json.get_ref()) {
        ctx.problem(
            json.span(),
            format!("this JSON value is unusable: {why}"),
            "write a TOML table/array/number/boolean, or JSON text in a string: '{\"id\": 1, \"note\": null}'",
        );
    }
}

/// The strings inside a JSON value written in TOML, where variables may appear.
fn toml_strings(value: &toml::Value) -> Vec<String> {
    match to_json(value) {
        Ok(json) => {
            let mut out = Vec::new();
            json_strings(&json, &mut out);
            out
        }
        Err(_) => Vec::new(),
    }
}

fn json_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

fn check_header_name(ctx: &mut SpecContext<'_>, name: &str, span: Range<usize>) {
    if !is_header_name(name) {
        ctx.problem(
            span,
            format!("`{name}` is not a valid header name"),
            "header names are letters, digits and `-`, e.g. `Content-Type`",
        );
    }
}

fn is_header_name(name: &str) -> bool {
    is_token(name)
}

/// An HTTP token (RFC 9110): method names and header names.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Methods are case-sensitive; the standard ones, and any an author invents, are upper case.
fn is_method(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_sources() {
        assert_eq!(
            CaptureSource::parse("json:/a/0"),
            Ok(CaptureSource::Json("/a/0".into()))
        );
        assert_eq!(
            CaptureSource::parse("json:"),
            Ok(CaptureSource::Json(String::new()))
        );
        assert_eq!(
            CaptureSource::parse("header:ETag"),
            Ok(CaptureSource::Header("ETag".into()))
        );
        assert_eq!(
            CaptureSource::parse("cookie:sid"),
            Ok(CaptureSource::Cookie("sid".into()))
        );
        assert_eq!(CaptureSource::parse("body"), Ok(CaptureSource::Body));
        assert!(CaptureSource::parse("json:token").is_err());
        assert!(CaptureSource::parse("header:").is_err());
        assert!(CaptureSource::parse("query:x").is_err());
        assert!(CaptureSource::parse("token").is_err());
    }

    #[test]
    fn json_from_toml() {
        let table: toml::Value = toml::from_str("v = { a = 1, b = [true, 'x'] }").unwrap();
        assert_eq!(
            to_json(&table["v"]).unwrap(),
            serde_json::json!({"a": 1, "b": [true, "x"]})
        );
        let text = toml::Value::String(r#"{"gone": null}"#.into());
        assert_eq!(to_json(&text).unwrap(), serde_json::json!({"gone": null}));
        assert!(to_json(&toml::Value::String("{oops".into())).is_err());
    }

    #[test]
    fn tokens() {
        assert!(is_token("GET"));
        assert!(is_token("If-None-Match"));
        assert!(!is_token("Content Type"));
        assert!(!is_token(""));
    }
}
