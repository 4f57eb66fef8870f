//! `seisei routes` and `seisei route URL`: the routing table as text or JSON, and which
//! router answers a request. Input: the model; output: text for the terminal.

use std::fmt::Write as _;

use crate::model::Model;
use crate::model::routing::{self, RouterRow};
use crate::traefik::Version;
use crate::traefik::analysis::{self, LossReason, RequestInput};

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
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name, "provider": r.provider, "entrypoints": r.entrypoints, "tls": r.tls,
                    "rule": r.rule, "priority": r.priority, "service": r.service,
                    "middlewares": r.middlewares, "backend": r.backend,
                })
            })
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
    let mut widths = header.map(str::len);
    for row in &cells {
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
    for row in &cells {
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

/// A request parsed from a URL.
#[derive(Debug)]
pub struct Request {
    pub tls: bool,
    pub port: u16,
    pub host: String,
    pub path: String,
    pub query: Vec<(String, String)>,
}

/// Parses `scheme://host[:port][/path][?query]`; the fragment is ignored.
pub fn parse_url(url: &str) -> Result<Request, String> {
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
    let rest = rest.split('#').next().unwrap_or_default();
    let (authority, path_and_query) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let path = if path.is_empty() { "/" } else { path };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => (
            host,
            port.parse::<u16>()
                .map_err(|_| format!("`{port}` is not a port"))?,
        ),
        _ => (authority, if tls { 443 } else { 80 }),
    };
    if host.is_empty() {
        return Err(format!("`{url}` has no host"));
    }
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Ok(Request {
        tls,
        port,
        host: host.trim_matches(['[', ']']).to_ascii_lowercase(),
        path: path.to_owned(),
        query,
    })
}

/// Which router answers `url`, as text, and whether one does.
pub fn route(
    model: &Model,
    url: &str,
    method: &str,
    headers: &[(String, String)],
) -> Result<(String, bool), String> {
    let request = parse_url(url)?;
    let version =
        Version::parse(&model.traefik.version).ok_or("the spec's Traefik version is invalid")?;
    let entrypoints: Vec<String> = model
        .traefik
        .entrypoints
        .iter()
        .filter(|e| {
            e.address
                .rsplit(':')
                .next()
                .and_then(|p| p.parse::<u16>().ok())
                == Some(request.port)
        })
        .map(|e| e.name.clone())
        .collect();
    let mut out = format!("{} {url}\n", method.to_ascii_uppercase());
    if entrypoints.is_empty() {
        let _ = writeln!(
            out,
            "no entry point listens on port {}: the connection is refused",
            request.port
        );
        return Ok((out, false));
    }
    let rows = routing::table(model);
    let inputs: Vec<_> = rows.iter().map(RouterRow::as_input).collect();
    let input = RequestInput {
        scheme_tls: request.tls,
        entrypoint: None,
        host: request.host.clone(),
        path: request.path.clone(),
        method: method.to_ascii_uppercase(),
        headers: headers.to_vec(),
        query: request.query.clone(),
    };
    let explanation = analysis::explain(&inputs, &input, &entrypoints, version);
    let mut answered = false;
    for verdict in &explanation.verdicts {
        let tls = if verdict.tls { "TLS" } else { "plain HTTP" };
        let _ = writeln!(out, "entry point `{}` ({tls})", verdict.entrypoint);
        let Some(winner) = &verdict.winner else {
            let _ = writeln!(out, "  no router matches: Traefik answers 404");
            continue;
        };
        answered = true;
        let row = rows.iter().find(|r| r.name == winner.name);
        let _ = writeln!(
            out,
            "  answered by `{}` (priority {})",
            winner.name,
            priority_text(winner.priority)
        );
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
        if verdict.ambiguous() {
            let _ = writeln!(
                out,
                "  warning: another router ties with it; Traefik may pick either"
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
    }
    Ok((out, answered))
}
