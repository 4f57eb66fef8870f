//! The TCP and UDP side of `seisei routes` and `seisei route`: the TCP and UDP routers as a
//! table, and which router takes a connection, asked as `tls://HOST:PORT` (a TLS client
//! sending server name HOST, as `openssl s_client -servername HOST` does), `tcp://HOST:PORT`
//! (a plain connection: HOST only says where to connect) or `udp://HOST:PORT` (a datagram).
//! Input: the model; output: text or JSON for the terminal.

use std::fmt::Write as _;
use std::net::IpAddr;

use super::{columns, priority_text};
use crate::model::Model;
use crate::model::routing_l4::{self, L4Row};
use crate::traefik::analysis::connection::{Connection, Taker};
use crate::traefik::request;

/// The TCP and UDP routers, sorted as `seisei routes --sort` asks.
pub(super) fn rows(model: &Model, sort: &str) -> Vec<L4Row> {
    let mut rows = routing_l4::table(model);
    match sort {
        "priority" => rows.sort_by(|a, b| {
            (a.protocol, b.priority, &a.name).cmp(&(b.protocol, a.priority, &b.name))
        }),
        "host" => {
            rows.sort_by(|a, b| {
                (a.protocol, &a.rule, &a.name).cmp(&(b.protocol, &b.rule, &b.name))
            });
        }
        _ => {}
    }
    rows
}

/// The TCP and UDP routers as a table under the HTTP one.
pub(super) fn table(rows: &[L4Row]) -> String {
    let header = [
        "TCP/UDP ROUTER",
        "PROTOCOL",
        "ENTRYPOINTS",
        "TLS",
        "PRIORITY",
        "RULE",
        "SERVICE",
        "BACKEND",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.protocol.to_owned(),
                r.entrypoints.join(","),
                r.tls.to_owned(),
                if r.protocol == "udp" {
                    "-".to_owned()
                } else {
                    priority_text(r.priority)
                },
                r.rule.clone().unwrap_or_else(|| "-".to_owned()),
                r.service.clone(),
                r.backend.clone(),
            ]
        })
        .collect();
    columns(&header, &cells)
}

/// What kind of client `seisei route` is asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Client {
    Plain,
    Tls,
    Udp,
}

/// A TCP or UDP question: who takes a connection (or datagram) to `port`.
#[derive(Clone, Debug)]
pub(super) struct Question {
    client: Client,
    /// The server name a TLS client sends; where a plain or UDP client connects.
    host: String,
    port: u16,
}

/// Reads `tcp://`, `tls://` and `udp://` URLs; `None` for any other scheme (HTTP's, read by
/// the caller).
///
/// # Errors
///
/// A TCP or UDP URL without a port, or with a path.
pub(super) fn parse(url: &str) -> Result<Option<Question>, String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Ok(None);
    };
    let client = match scheme.to_ascii_lowercase().as_str() {
        "tcp" => Client::Plain,
        "tls" => Client::Tls,
        "udp" => Client::Udp,
        _ => return Ok(None),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return Err(format!(
            "`{url}` has a path: a {scheme}:// question is `{scheme}://HOST:PORT`"
        ));
    }
    let (host, port) = request::client_host(authority, 0)?;
    if port == 0 {
        return Err(format!(
            "`{url}` has no port: write `{scheme}://{host}:PORT` with the entry point's port"
        ));
    }
    // `client_host` writes the port into the `Host` value it returns unless it is the default.
    let host = host
        .strip_suffix(&format!(":{port}"))
        .unwrap_or(&host)
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    Ok(Some(Question { client, host, port }))
}

/// Which router takes the connection on each entry point listening on its port, as text or
/// JSON, and whether a TCP or UDP router (or an HTTPS router, by its host) takes it.
pub(super) fn route(
    model: &Model,
    question: &Question,
    client_ip: Option<IpAddr>,
    json: bool,
) -> (String, bool) {
    let udp = question.client == Client::Udp;
    let entrypoints = routing_l4::entrypoints_on(model, question.port, udp);
    let mut out = match question.client {
        Client::Tls => format!(
            "TLS connection to port {} with server name `{}`\n",
            question.port, question.host
        ),
        Client::Plain => format!("plain TCP connection to port {}\n", question.port),
        Client::Udp => format!("UDP datagram to port {}\n", question.port),
    };
    if entrypoints.is_empty() {
        let what = if udp {
            "UDP entry point (`address: \":PORT/udp\"`)"
        } else {
            "TCP entry point"
        };
        let _ = writeln!(
            out,
            "no {what} listens on port {}: nothing takes it",
            question.port
        );
    }
    let rows = routing_l4::table(model);
    let mut answered = false;
    let mut answers = Vec::new();
    for entrypoint in &entrypoints {
        let _ = writeln!(out, "entry point `{entrypoint}`");
        if question.client == Client::Udp {
            answered |= udp_answer(model, entrypoint, &mut out, &mut answers);
            continue;
        }
        let connection = Connection {
            entrypoint: entrypoint.clone(),
            tls: question.client == Client::Tls,
            sni: (question.client == Client::Tls).then(|| question.host.clone()),
            client_ip,
        };
        let verdict = routing_l4::take(model, &connection);
        let (kind, router) = match &verdict.taker {
            Taker::Tcp(name) => {
                let row = rows.iter().find(|r| &r.name == name);
                let priority = row.map_or(0, |r| r.priority);
                let _ = writeln!(
                    out,
                    "  taken by TCP router `{name}` (priority {})",
                    priority_text(priority)
                );
                if let Some(row) = row {
                    let _ = writeln!(
                        out,
                        "    rule:        {}",
                        row.rule.as_deref().unwrap_or("-")
                    );
                    let _ = writeln!(out, "    tls:         {}", row.tls);
                    let _ = writeln!(out, "    service:     {}", row.service);
                    let _ = writeln!(out, "    backend:     {}", row.backend);
                }
                answered = true;
                ("tcp", Some(name.clone()))
            }
            Taker::Http {
                tls: true,
                router: Some(name),
            } => {
                let _ = writeln!(
                    out,
                    "  taken by the HTTPS routers: `{name}` has this host; ask about a request with `seisei route https://{}:{}/`",
                    question.host, question.port
                );
                answered = true;
                ("https", Some(name.clone()))
            }
            Taker::Http { tls, router: _ } => {
                let (scheme, kind) = if *tls {
                    ("https", "HTTPS")
                } else {
                    ("http", "HTTP")
                };
                let _ = writeln!(
                    out,
                    "  no TCP router takes it: it goes to the {kind} routers; ask about a request with `seisei route {scheme}://HOST:{}/`",
                    question.port
                );
                (scheme, None)
            }
        };
        let _ = writeln!(out, "  why: {}", verdict.reason);
        if !verdict.tied.is_empty() {
            let _ = writeln!(
                out,
                "  warning: the pick is undefined: `{}` match with the same priority, and Traefik may give the connection to either (E0405)",
                std::iter::once(router.clone().unwrap_or_default())
                    .chain(verdict.tied.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("` and `")
            );
        }
        for other in &verdict.also_matched {
            let _ = writeln!(out, "  also matched `{other}`, which comes later");
        }
        answers.push(serde_json::json!({
            "entrypoint": entrypoint, "kind": kind, "router": router, "reason": verdict.reason,
            "undefined_pick": !verdict.tied.is_empty(), "tied": verdict.tied,
            "also_matched": verdict.also_matched,
        }));
    }
    if json {
        let value = serde_json::json!({
            "protocol": if udp { "udp" } else { "tcp" },
            "tls": question.client == Client::Tls,
            "server_name": (question.client == Client::Tls).then_some(&question.host),
            "port": question.port,
            "entrypoints": answers,
        });
        return (
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n",
            answered,
        );
    }
    (out, answered)
}

/// The UDP router of an entry point, which takes every datagram.
fn udp_answer(
    model: &Model,
    entrypoint: &str,
    out: &mut String,
    answers: &mut Vec<serde_json::Value>,
) -> bool {
    let routers = routing_l4::udp_routers(model, entrypoint);
    let Some(first) = routers.first() else {
        let _ = writeln!(
            out,
            "  no UDP router listens here: Traefik drops the datagram"
        );
        answers.push(serde_json::json!({"entrypoint": entrypoint, "kind": null, "router": null}));
        return false;
    };
    let _ = writeln!(out, "  taken by UDP router `{}`", first.name);
    let _ = writeln!(out, "    service:     {}", first.service);
    let _ = writeln!(out, "    backend:     {}", first.backend);
    let names: Vec<&str> = routers.iter().map(|r| r.name.as_str()).collect();
    if names.len() > 1 {
        let _ = writeln!(
            out,
            "  warning: `{}` all listen here; a UDP entry point forwards to one router, and which one is undefined",
            names.join("`, `")
        );
    }
    answers.push(serde_json::json!({
        "entrypoint": entrypoint, "kind": "udp", "router": first.name,
        "undefined_pick": names.len() > 1, "tied": names[1..],
    }));
    true
}
