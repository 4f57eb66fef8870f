//! `seisei routes` and `seisei route URL`: the routing table as text or JSON, and which
//! router answers a request (TCP and UDP questions in [`l4`]). Input: the model; output: text
//! for the terminal.

mod l4;

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::model::Model;
use crate::model::routing::{self, RouterRow};
use crate::traefik::Version;
use crate::traefik::analysis::{self, LossReason, RequestInput, Verdict};
use crate::traefik::request::{self, RoutedRequest, WireRequest};

/// The routing table, sorted by `sort` (`name`, `priority` highest first, or `host`).
pub fn routes(model: &Model, sort: &str, json: bool) -> String {
    let mut rows = routing::table(model);
    match sort {
        "priority" => rows.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then_with(|| a.name.cmp(&b.name))
        }),
        "host" => {
            rows.sort_by(|a, b| (host_key(model, a), &a.name).cmp(&(host_key(model, b), &b.name)));
        }
        _ => {}
    }
    if json {
        // One document, as every `--format json`; priorities are 64-bit, so strings: a JSON
        // reader with doubles (jq, JavaScript) rounds integers above 2^53.
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name, "protocol": "http", "provider": r.provider, "entrypoints": r.entrypoints, "tls": r.tls,
                    "rule": r.rule, "priority": r.priority.to_string(), "service": r.service,
                    "middlewares": r.middlewares, "backend": r.backend,
                })
            })
            .chain(l4::rows(model, sort).iter().map(|r| {
                serde_json::json!({
                    "name": r.name, "protocol": r.protocol, "provider": r.provider,
                    "entrypoints": r.entrypoints, "tls": r.tls, "rule": r.rule,
                    "priority": r.priority.to_string(), "service": r.service, "backend": r.backend,
                })
            }))
            .collect();
        return serde_json::to_string_pretty(&list).unwrap_or_default() + "\n";
    }
    let header = [
        "ROUTER",
        "ENTRYPOINTS",
        "TLS",
        "PRIORITY",
        "RULE",
        "SERVICE",
        "MIDDLEWARES",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.entrypoints.join(","),
                if r.tls { "yes".into() } else { "no".into() },
                priority_text(r.priority),
                r.rule.clone(),
                r.service.clone(),
                if r.middlewares.is_empty() {
                    "-".into()
                } else {
                    r.middlewares.join(",")
                },
            ]
        })
        .collect();
    let mut out = columns(&header, &cells);
    let l4 = l4::rows(model, sort);
    if !l4.is_empty() {
        out.push('\n');
        out.push_str(&l4::table(&l4));
    }
    out
}

/// Cells under a header, each column as wide as its widest cell, two spaces apart.
fn columns<const N: usize>(header: &[&str; N], cells: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for row in cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in cells {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

/// Internal priorities are `MaxInt` and close to it; printed by name, they read better.
fn priority_text(priority: i64) -> String {
    match priority {
        i64::MAX => "max".into(),
        p if p > analysis::REDIRECT_PRIORITY - 10 => format!("max-{}", i64::MAX - p),
        p => p.to_string(),
    }
}

fn host_key(model: &Model, row: &RouterRow) -> String {
    routing::router_of(model, row)
        .and_then(|r| r.hosts.first())
        .map_or_else(|| "~".to_owned(), |h| h.trim_start_matches("*.").to_owned())
}

/// What `seisei route` was asked: a URL and what the client adds to it.
#[derive(Clone, Debug, Default)]
pub struct RouteQuery {
    pub url: String,
    /// As sent: Traefik compares it case-sensitively, so `get` matches no `Method(`GET`)`.
    pub method: String,
    pub headers: Vec<(String, String)>,
    /// The TCP peer address, which `ClientIP` reads.
    pub client_ip: Option<IpAddr>,
}

/// A request as a client sends it for a URL, and the port it connects to.
#[derive(Clone, Debug)]
pub struct ClientRequest {
    pub port: u16,
    pub wire: WireRequest,
}

/// What Traefik does with one request on one entry point.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Go's server or Traefik answer 400 before any router runs.
    Rejected(String),
    /// The request reached the routers; the verdict says which answers.
    Routed {
        request: Box<RoutedRequest>,
        verdict: Verdict,
    },
}

/// Reads `scheme://[user@]host[:port][/path][?query][#fragment]` the way a client sends it: the
/// path and query byte for byte (as `curl --path-as-is`: dot segments and escapes are Traefik's
/// to clean), the fragment dropped, user info dropped, the host in punycode and the port in
/// the `Host` header only when it is not the scheme's default.
///
/// # Errors
///
/// A URL without an HTTP scheme or host, with a bad port, or with a space.
pub fn parse_url(query: &RouteQuery) -> Result<ClientRequest, String> {
    let url = query.url.as_str();
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("`{url}` has no scheme; write `https://{url}`"))?;
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        other => {
            return Err(format!(
                "scheme `{other}` is not HTTP; use `http://` or `https://`"
            ));
        }
    };
    if rest.contains([' ', '\t']) {
        return Err(format!("`{url}` holds a space; write it as `%20`"));
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let target = if target.starts_with('?') {
        format!("/{target}")
    } else {
        target.to_owned()
    };
    let (host, port) = request::client_host(authority, if tls { 443 } else { 80 })?;
    let mut headers = query.headers.clone();
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        headers.insert(0, ("Host".to_owned(), host));
    }
    Ok(ClientRequest {
        port,
        wire: WireRequest {
            method: query.method.clone(),
            target: target.into_bytes(),
            headers,
            tls,
            client_ip: query.client_ip,
        },
    })
}

/// What Traefik does with `wire` arriving on `entrypoint`.
///
/// # Errors
///
/// When the spec's Traefik version is invalid.
pub fn answer(model: &Model, wire: &WireRequest, entrypoint: &str) -> Result<Outcome, String> {
    let version =
        Version::parse(&model.traefik.version).ok_or("the spec's Traefik version is invalid")?;
    let routed = match request::route_request(wire, true) {
        Ok(routed) => routed,
        Err(rejection) => return Ok(Outcome::Rejected(rejection.reason)),
    };
    let rows = routing::table(model);
    let inputs: Vec<_> = rows.iter().map(RouterRow::as_input).collect();
    let input = RequestInput {
        scheme_tls: wire.tls,
        entrypoint: Some(entrypoint.to_owned()),
        host: routed.host.clone(),
        path: routed.routing_path.clone(),
        method: routed.method.clone(),
        headers: routed.headers.clone(),
        query: routed.query.clone(),
        client_ip: routed.client_ip,
    };
    let mut explanation = analysis::explain(&inputs, &input, &[], version);
    let verdict = explanation
        .verdicts
        .pop()
        .ok_or("no verdict for the entry point")?;
    Ok(Outcome::Routed {
        request: Box::new(routed),
        verdict,
    })
}

/// Where the redirect router of `entrypoint` sends a request, and with which status
/// (`redirect_scheme.go`: the target entry point's port unless it is the scheme's default,
/// the cleaned path and the raw query; 301 for GET and 308 otherwise, as seisei writes
/// `permanent: true`).
fn redirect(model: &Model, entrypoint: &str, request: &RoutedRequest) -> Option<(u16, String)> {
    let to = model
        .traefik
        .entrypoints
        .iter()
        .find(|e| e.name == entrypoint)?
        .redirect_to
        .as_deref()?;
    let port = model
        .traefik
        .entrypoints
        .iter()
        .find(|e| e.name == to)
        .and_then(|e| e.address.rsplit(':').next()?.parse::<u16>().ok())
        .or_else(|| to.strip_prefix(':')?.parse().ok())?;
    let host = &request.host_header;
    let host = match host.rsplit_once(':') {
        Some((name, _)) if !name.contains(':') || name.ends_with(']') => name,
        _ => host,
    };
    let port = if port == 443 {
        String::new()
    } else {
        format!(":{port}")
    };
    let query = if request.raw_query.is_empty() {
        String::new()
    } else {
        format!("?{}", request.raw_query)
    };
    let status = if request.method == "GET" { 301 } else { 308 };
    Some((
        status,
        format!("https://{host}{port}{}{query}", request.path.escaped),
    ))
}

/// Which router answers the query, as text or JSON, and whether one does.
///
/// # Errors
///
/// A URL that cannot be read, or an invalid Traefik version.
pub fn route(model: &Model, query: &RouteQuery, json: bool) -> Result<(String, bool), String> {
    if let Some(question) = l4::parse(&query.url)? {
        return Ok(l4::route(model, &question, query.client_ip, json));
    }
    let client = parse_url(query)?;
    let entrypoints: Vec<String> = model
        .traefik
        .entrypoints
        .iter()
        .filter(|e| {
            e.address
                .rsplit(':')
                .next()
                .and_then(|p| p.parse::<u16>().ok())
                == Some(client.port)
        })
        .map(|e| e.name.clone())
        .collect();
    let mut out = format!("{} {}\n", query.method, query.url);
    let mut answers = Vec::new();
    if entrypoints.is_empty() {
        let _ = writeln!(
            out,
            "no entry point listens on port {}: the connection is refused",
            client.port
        );
    }
    let mut answered = false;
    for entrypoint in &entrypoints {
        let outcome = answer(model, &client.wire, entrypoint)?;
        answered |= describe(model, entrypoint, &outcome, &mut out, &mut answers);
    }
    if json {
        let value = serde_json::json!({
            "method": query.method, "url": query.url, "entrypoints": answers,
        });
        return Ok((
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n",
            answered,
        ));
    }
    Ok((out, answered))
}

/// Writes one entry point's outcome as text into `out` and as JSON into `answers`; whether a
/// router answers.
fn describe(
    model: &Model,
    entrypoint: &str,
    outcome: &Outcome,
    out: &mut String,
    answers: &mut Vec<serde_json::Value>,
) -> bool {
    let (request, verdict) = match outcome {
        Outcome::Rejected(reason) => {
            let _ = writeln!(out, "entry point `{entrypoint}`");
            let _ = writeln!(out, "  Traefik answers 400 before routing: {reason}");
            answers.push(serde_json::json!({
                "entrypoint": entrypoint, "status": 400, "router": null, "reason": reason,
            }));
            return false;
        }
        Outcome::Routed { request, verdict } => (request, verdict),
    };
    let tls = if verdict.tls { "TLS" } else { "plain HTTP" };
    let _ = writeln!(out, "entry point `{entrypoint}` ({tls})");
    let _ = writeln!(
        out,
        "  routed as host `{}`, path `{}`",
        request.host, request.routing_path
    );
    for router in &verdict.client_ip_unknown {
        let _ = writeln!(
            out,
            "  note: the rule of `{router}` reads the client address; without --client-ip its ClientIP matchers count as false"
        );
    }
    let losers: Vec<serde_json::Value> = verdict
        .losers
        .iter()
        .map(|loss| {
            serde_json::json!({
                "router": loss.router.name, "priority": loss.router.priority.to_string(),
                "tie": loss.reason == LossReason::Tie,
            })
        })
        .collect();
    let Some(winner) = &verdict.winner else {
        let _ = writeln!(out, "  no router matches: Traefik answers 404");
        if !verdict.near_misses.is_empty() {
            let names: Vec<String> = verdict
                .near_misses
                .iter()
                .map(|n| format!("`{n}`"))
                .collect();
            let _ = writeln!(
                out,
                "  the host matches {}, but the rest of the rule does not",
                names.join(", ")
            );
        }
        answers.push(serde_json::json!({
            "entrypoint": entrypoint, "status": 404, "router": null,
            "path": request.routing_path, "near_misses": verdict.near_misses,
        }));
        return false;
    };
    let rows = routing::table(model);
    let row = rows.iter().find(|r| r.name == winner.name);
    let _ = writeln!(
        out,
        "  answered by `{}` (priority {})",
        winner.name,
        priority_text(winner.priority)
    );
    let redirect = (winner.name.ends_with("@internal")
        && row.is_some_and(|r| r.rule == analysis::REDIRECT_RULE))
    .then(|| redirect(model, entrypoint, request))
    .flatten();
    if let Some((status, location)) = &redirect {
        let _ = writeln!(out, "    redirect:    {status} to {location}");
    }
    if let Some(row) = row {
        let _ = writeln!(out, "    rule:        {}", row.rule);
        let middlewares = if row.middlewares.is_empty() {
            "none".to_owned()
        } else {
            row.middlewares.join(" -> ")
        };
        let _ = writeln!(out, "    middlewares: {middlewares}");
        let _ = writeln!(out, "    service:     {}", row.service);
        if let Some(backend) = &row.backend {
            let _ = writeln!(out, "    backend:     {backend}");
        }
    }
    let tied: Vec<&str> = verdict
        .losers
        .iter()
        .filter(|loss| loss.reason == LossReason::Tie)
        .map(|loss| loss.router.name.as_str())
        .collect();
    if !tied.is_empty() {
        let _ = writeln!(
            out,
            "  warning: the pick is undefined: `{}` and `{}` match with the same priority {}, and Traefik may answer with either (E0405)",
            winner.name,
            tied.join("`, `"),
            priority_text(winner.priority)
        );
    }
    for loss in &verdict.losers {
        let why = match &loss.reason {
            LossReason::LowerPriority {
                priority,
                winner_priority,
            } => {
                format!(
                    "lower priority ({} < {})",
                    priority_text(*priority),
                    priority_text(*winner_priority)
                )
            }
            LossReason::ProviderPrecedence {
                provider,
                winner_provider,
            } => {
                format!("same priority; provider `{winner_provider}` comes before `{provider}`")
            }
            LossReason::Tie => {
                "same priority: Traefik's choice between them is undefined".to_owned()
            }
        };
        let _ = writeln!(out, "  also matched `{}`: {why}", loss.router.name);
    }
    answers.push(serde_json::json!({
        "entrypoint": entrypoint, "router": winner.name,
        // 64-bit priorities do not survive a JSON reader that uses doubles.
        "priority": winner.priority.to_string(),
        "path": request.routing_path, "undefined_pick": !tied.is_empty(),
        "redirect": redirect.as_ref().map(|(status, location)| serde_json::json!({"status": status, "location": location})),
        "losers": losers,
    }));
    true
}
