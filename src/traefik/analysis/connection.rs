//! Which router takes a TCP connection, or a UDP datagram, on one entry point, and the
//! conflicts between TCP routers: the TCP side of the routing analysis.
//!
//! Input is the TCP routers ([`L4RouterInput`]), the HTTP routers of the same entry points
//! ([`RouterInput`]) and one connection ([`Connection`]: its entry point, whether the client
//! opens it with TLS, the server name it sends). Output is a [`ConnectionVerdict`].
//!
//! It follows Traefik's `ServeTCP` (`pkg/server/router/tcp/router.go`): an entry point has one
//! muxer of plain TCP routers (no `tls`), one of TLS TCP routers (terminated or passed
//! through), and one made of its HTTPS routers, each HTTPS router standing for
//! ``HostSNI(`host`)`` of its `Host` values, or for ``HostSNI(`*`)`` when it has none. Each muxer
//! is sorted by priority (explicit, else the rule's length, -1 for a rule that is exactly
//! ``HostSNI(`*`)``: `AddRoute` in `pkg/muxer/tcp/mux.go`) and the first matching router wins;
//! its order between equal priorities is Go's unstable `sort.Sort`, so a tie is undefined (no
//! provider precedence on the TCP side). Then:
//! - a plain TCP router on an entry point with no TLS router of either kind takes the
//!   connection before a byte is read (server-first protocols such as SSH);
//! - otherwise a plain connection goes to the plain TCP routers, then to the HTTP routers;
//! - a TLS connection goes to an HTTPS router whose host is its server name, then to a TLS TCP
//!   router that is not the catch-all, then to a catch-all HTTPS router, then to a catch-all TLS
//!   TCP router, and finally to the HTTPS routers, which answer 404.

use std::net::IpAddr;

use super::table::RouterInput;
use super::{Finding, findings};
use crate::traefik::Version;
use crate::traefik::rule::{self, Expr, Kind, Matcher, Request};

/// A TCP router as Traefik mounts it.
#[derive(Clone, Copy, Debug)]
pub struct L4RouterInput<'a> {
    /// Qualified name, such as `db@file`.
    pub name: &'a str,
    pub rule: &'a str,
    /// Effective priority: explicit, else the rule's length (-1 for ``HostSNI(`*`)``).
    pub priority: i64,
    pub entrypoints: &'a [String],
    /// Whether the router has a `tls` section (terminated or passed through).
    pub tls: bool,
}

/// One client connection to an entry point.
#[derive(Clone, Debug, Default)]
pub struct Connection {
    pub entrypoint: String,
    /// Whether the client starts with a TLS `ClientHello`.
    pub tls: bool,
    /// The server name of the `ClientHello`; none for a plain connection.
    pub sni: Option<String>,
    /// The client's address, which `ClientIP` reads; unknown when `None`.
    pub client_ip: Option<IpAddr>,
}

/// Who takes a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Taker {
    /// A TCP router.
    Tcp(String),
    /// The entry point's HTTP side: the HTTP routers for a plain connection, the HTTPS
    /// routers (after the TLS handshake) for a TLS one; `router` names the HTTPS router whose
    /// host picked it, when one did.
    Http { tls: bool, router: Option<String> },
}

/// What Traefik does with one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionVerdict {
    pub taker: Taker,
    /// Why: which step of `ServeTCP` decided.
    pub reason: String,
    /// Other TCP routers of the deciding muxer that match with the same priority: Traefik may
    /// give the connection to any of them.
    pub tied: Vec<String>,
    /// TCP routers that match too but come later (lower priority, or another muxer).
    pub also_matched: Vec<String>,
}

/// Whether the rule is exactly one ``HostSNI(`*`)``, Traefik's TCP catch-all.
#[must_use]
pub fn is_catch_all(rule: &str) -> bool {
    matches!(
        rule::parse(rule, Kind::Tcp),
        Ok(Expr::Match { matcher: Matcher::HostSni, ref args, .. }) if args.len() == 1 && args[0].value == "*"
    )
}

/// The first matching router of a muxer, with the routers tied with it.
struct MuxMatch<'a> {
    winner: &'a L4RouterInput<'a>,
    tied: Vec<String>,
    later: Vec<String>,
}

fn mux_match<'a>(routers: &[&'a L4RouterInput<'a>], request: &Request<'_>) -> Option<MuxMatch<'a>> {
    let mut matching: Vec<&L4RouterInput<'_>> = routers
        .iter()
        .copied()
        .filter(|r| rule::parse(r.rule, Kind::Tcp).is_ok_and(|e| e.matches(request)))
        .collect();
    matching.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.name.cmp(b.name)));
    let winner = *matching.first()?;
    let (tied, later): (Vec<&L4RouterInput<'_>>, Vec<&L4RouterInput<'_>>) = matching[1..]
        .iter()
        .partition(|r| r.priority == winner.priority);
    Some(MuxMatch {
        winner,
        tied: tied.iter().map(|r| r.name.to_owned()).collect(),
        later: later.iter().map(|r| r.name.to_owned()).collect(),
    })
}

/// The `Host` values of an HTTPS rule, as Traefik's `ParseDomains` reads them for the HTTPS
/// muxer; empty means the router stands for ``HostSNI(`*`)``.
fn https_hosts(rule: &str) -> Vec<String> {
    fn walk(expr: &Expr, out: &mut Vec<String>) {
        match expr {
            Expr::Match {
                matcher: Matcher::Host,
                args,
                ..
            } => out.extend(args.iter().map(|a| a.value.to_ascii_lowercase())),
            Expr::Match { .. } | Expr::Not(_) => {}
            Expr::And(a, b) | Expr::Or(a, b) => {
                walk(a, out);
                walk(b, out);
            }
        }
    }
    let mut hosts = Vec::new();
    if let Ok(expr) = rule::parse(rule, Kind::Http) {
        walk(&expr, &mut hosts);
    }
    hosts
}

/// Which router takes `connection`; see the module documentation for Traefik's order.
#[must_use]
pub fn take(
    tcp: &[L4RouterInput<'_>],
    http: &[RouterInput<'_>],
    connection: &Connection,
) -> ConnectionVerdict {
    let on = |entrypoints: &[String]| entrypoints.contains(&connection.entrypoint);
    let plain: Vec<&L4RouterInput<'_>> =
        tcp.iter().filter(|r| on(r.entrypoints) && !r.tls).collect();
    let secure: Vec<&L4RouterInput<'_>> =
        tcp.iter().filter(|r| on(r.entrypoints) && r.tls).collect();
    let https: Vec<&RouterInput<'_>> = http.iter().filter(|r| on(r.entrypoints) && r.tls).collect();
    let sni = connection.sni.clone().unwrap_or_default();
    let empty = Request {
        client_ip: connection.client_ip,
        ..Request::default()
    };
    let named = Request {
        host: &sni,
        client_ip: connection.client_ip,
        ..Request::default()
    };
    let tcp_verdict = |m: MuxMatch<'_>, reason: &str, also: Vec<String>| ConnectionVerdict {
        taker: Taker::Tcp(m.winner.name.to_owned()),
        reason: reason.to_owned(),
        tied: m.tied,
        also_matched: m.later.into_iter().chain(also).collect(),
    };
    if !plain.is_empty()
        && secure.is_empty()
        && https.is_empty()
        && let Some(m) = mux_match(&plain, &empty)
    {
        return tcp_verdict(
            m,
            "no TLS router listens here, so Traefik hands the connection to its plain TCP routers before reading a byte",
            Vec::new(),
        );
    }
    if !connection.tls {
        if let Some(m) = mux_match(&plain, &empty) {
            return tcp_verdict(
                m,
                "a plain connection goes to the plain TCP routers before the HTTP ones",
                Vec::new(),
            );
        }
        return ConnectionVerdict {
            taker: Taker::Http {
                tls: false,
                router: None,
            },
            reason: "no plain TCP router matches: the HTTP routers answer (404 when none matches)"
                .to_owned(),
            tied: Vec::new(),
            also_matched: Vec::new(),
        };
    }
    let host_pick = https.iter().find_map(|r| {
        let hosts = https_hosts(r.rule);
        let hit = hosts.iter().any(|h| {
            let sni_rule = format!("HostSNI(`{h}`)");
            rule::parse(&sni_rule, Kind::Tcp).is_ok_and(|e| e.matches(&named))
        });
        hit.then(|| r.name.to_owned())
    });
    let catch_all_https = https.iter().any(|r| https_hosts(r.rule).is_empty());
    let secure_match = mux_match(&secure, &named);
    let also = |m: &Option<MuxMatch<'_>>| {
        m.as_ref()
            .map(|m| {
                std::iter::once(m.winner.name.to_owned())
                    .chain(m.tied.iter().cloned())
                    .chain(m.later.iter().cloned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let http_verdict =
        |router: Option<String>, reason: &str, also_matched: Vec<String>| ConnectionVerdict {
            taker: Taker::Http { tls: true, router },
            reason: reason.to_owned(),
            tied: Vec::new(),
            also_matched,
        };
    if let Some(router) = host_pick {
        return http_verdict(
            Some(router),
            "an HTTPS router has this host, and Traefik tries HTTPS hosts before TLS TCP routers",
            also(&secure_match),
        );
    }
    match secure_match {
        Some(m) if !is_catch_all(m.winner.rule) => tcp_verdict(
            m,
            "the first TLS TCP router whose rule matches the server name",
            Vec::new(),
        ),
        m if catch_all_https => http_verdict(
            None,
            "an HTTPS router without a host takes it before a catch-all TLS TCP router",
            also(&m),
        ),
        Some(m) => tcp_verdict(
            m,
            "the catch-all TLS TCP router, since no HTTPS router or other TLS router matches",
            Vec::new(),
        ),
        None => http_verdict(
            None,
            "no TLS TCP router matches: the HTTPS routers answer (404 when none matches)",
            Vec::new(),
        ),
    }
}

/// A TCP rule written with HTTP matchers that the rule algebra reasons about the same way:
/// `HostSNI` as `Host` (``HostSNI(`*`)``, which matches every connection, as
/// ``PathRegexp(`.*`)``, which matches every request), `HostSNIRegexp` as `HostRegexp`,
/// `ClientIP` as itself and `ALPN` as a header the algebra cannot see into.
fn as_http_rule(expr: &Expr) -> String {
    fn quote(value: &str) -> String {
        if value.contains('`') {
            format!("{value:?}")
        } else {
            format!("`{value}`")
        }
    }
    match expr {
        Expr::Match { matcher, args, .. } => {
            let value = args.first().map_or("", |a| a.value.as_str());
            match matcher {
                Matcher::HostSni if value == "*" => "PathRegexp(`.*`)".to_owned(),
                Matcher::HostSni => format!("Host({})", quote(value)),
                Matcher::HostSniRegexp => format!("HostRegexp({})", quote(value)),
                Matcher::Alpn => format!("Header(`X-Tls-Alpn`, {})", quote(value)),
                other => format!("{}({})", other.name(), quote(value)),
            }
        }
        Expr::Not(inner) => format!("!({})", as_http_rule(inner)),
        Expr::And(a, b) => format!("({}) && ({})", as_http_rule(a), as_http_rule(b)),
        Expr::Or(a, b) => format!("({}) || ({})", as_http_rule(a), as_http_rule(b)),
    }
}

/// Conflicts between TCP routers, muxer by muxer (entry point, and plain or TLS): two that
/// may take one connection with the same priority (always [`Finding::Ambiguous`]: the TCP
/// muxer has no provider precedence), one that never gets a connection because another of
/// higher priority matches all of its own, and rules that never match.
#[must_use]
pub fn conflicts(routers: &[L4RouterInput<'_>], version: Version) -> Vec<Finding> {
    let rules: Vec<Option<String>> = routers
        .iter()
        .map(|r| {
            rule::parse(r.rule, Kind::Tcp)
                .ok()
                .map(|e| as_http_rule(&e))
        })
        .collect();
    let inputs: Vec<RouterInput<'_>> = routers
        .iter()
        .zip(&rules)
        .filter_map(|(r, rule)| {
            Some(RouterInput {
                name: r.name,
                rule: rule.as_deref()?,
                priority: r.priority,
                entrypoints: r.entrypoints,
                tls: r.tls,
                // One provider for all: equal priorities are never ordered by provider.
                provider: "tcp",
            })
        })
        .collect();
    findings(&inputs, version)
}
