//! Explaining one request: which router of each candidate table answers it, and why every
//! other matching router loses (lower priority, provider precedence, or an undefined tie).

use std::fmt;
use std::net::IpAddr;

use super::algebra::normalize_host;
use super::index::mount;
use super::table::{RouterInput, breaks_ties, provider_rank};
use crate::traefik::Version;
use crate::traefik::rule::{self, Arg, Expr, HostSet, Matcher, Request};

/// A request for [`explain`], as `seisei route URL` reads it from the URL and its flags.
#[derive(Clone, Debug, Default)]
pub struct RequestInput {
    /// Whether the request arrives over TLS (`https`): only TLS routers see it.
    pub scheme_tls: bool,
    /// The entry point it arrives on, when the caller knows it.
    pub entrypoint: Option<String>,
    /// Host without port.
    pub host: String,
    /// The routing path: sanitised, unreserved escapes decoded.
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    /// Decoded pairs; a bare `?key` has an empty value.
    pub query: Vec<(String, String)>,
    /// The TCP peer address `ClientIP` reads; `None` when the caller does not know it.
    pub client_ip: Option<IpAddr>,
}

/// What [`explain`] found: one verdict per entry point the request may arrive on.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub verdicts: Vec<Verdict>,
}

/// Who answers a request in one table.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub entrypoint: String,
    pub tls: bool,
    /// The router that answers; `None` means Traefik answers 404.
    pub winner: Option<Contender>,
    /// Every other router whose rule matches, best first, with why it loses. Routers whose rule
    /// does not match are not listed.
    pub losers: Vec<Loss>,
    /// Routers of this table whose `Host` values match the request but whose rule as a whole
    /// does not (the path, method or a header differs): what a 404 most likely missed.
    pub near_misses: Vec<String>,
    /// Routers of this table whose rule reads the client address while the request gave none:
    /// their `ClientIP` matchers were taken as false.
    pub client_ip_unknown: Vec<String>,
}

/// A router that matches the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contender {
    pub name: String,
    pub priority: i64,
    pub provider: String,
}

/// A matching router that does not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub router: Contender,
    pub reason: LossReason,
}

/// Why a matching router does not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LossReason {
    /// Its priority is lower than the winner's.
    LowerPriority { priority: i64, winner_priority: i64 },
    /// Same priority; Traefik v3.7+ prefers the winner's provider.
    ProviderPrecedence {
        provider: String,
        winner_provider: String,
    },
    /// Same priority and no rule decides: Traefik may pick this router instead of the winner.
    Tie,
}

impl Verdict {
    /// Whether another router may answer instead of [`Verdict::winner`].
    pub fn ambiguous(&self) -> bool {
        self.losers
            .iter()
            .any(|loss| loss.reason == LossReason::Tie)
    }
}

impl fmt::Display for LossReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LossReason::LowerPriority {
                priority,
                winner_priority,
            } => write!(f, "lower priority: {priority} < {winner_priority}"),
            LossReason::ProviderPrecedence {
                provider,
                winner_provider,
            } => write!(
                f,
                "same priority, lost on provider precedence: `{winner_provider}` before `{provider}`"
            ),
            LossReason::Tie => f.write_str(
                "same priority as the winner and Traefik's order between them is undefined, so it \
                 may answer instead",
            ),
        }
    }
}

/// Which router answers `request`, and why every other matching router does not.
///
/// The request is looked up on `request.entrypoint` when set, else on each of `entrypoints`,
/// which the caller picks from the URL (the entry points listening on its port, or those whose
/// TLS-ness matches its scheme). Only routers whose TLS-ness equals `request.scheme_tls` are
/// considered, as Traefik keeps TLS and non-TLS routers in separate tables. Routers Traefik would
/// not mount are skipped; without `request.client_ip`, `ClientIP` matchers never match and the
/// verdict names the routers that read it.
/// Include [`internal_routers`] in `routers` to see redirects and ACME challenges win.
pub fn explain(
    routers: &[RouterInput<'_>],
    request: &RequestInput,
    entrypoints: &[String],
    version: Version,
) -> Explanation {
    let mut candidates: Vec<&str> = Vec::new();
    match &request.entrypoint {
        Some(entrypoint) => candidates.push(entrypoint),
        None => {
            for entrypoint in entrypoints {
                if !candidates.contains(&entrypoint.as_str()) {
                    candidates.push(entrypoint);
                }
            }
        }
    }
    let probe = Request {
        host: &request.host,
        path: &request.path,
        method: &request.method,
        headers: &request.headers,
        query: &request.query,
        client_ip: request.client_ip,
    };
    let mounted: Vec<(&RouterInput<'_>, Expr)> = routers
        .iter()
        .filter(|router| router.tls == request.scheme_tls)
        .filter(|router| {
            router
                .entrypoints
                .iter()
                .any(|entrypoint| candidates.contains(&entrypoint.as_str()))
        })
        .filter_map(|router| {
            mount(router)
                .ok()
                .map(|expr| (router, with_version(expr, version)))
        })
        .collect();
    let matching: Vec<&RouterInput<'_>> = mounted
        .iter()
        .filter(|(_, expr)| expr.matches(&probe))
        .map(|(router, _)| *router)
        .collect();
    let host_probe = Request {
        host: &request.host,
        ..Request::default()
    };
    let near: Vec<&RouterInput<'_>> = mounted
        .iter()
        .filter(|(_, expr)| !expr.matches(&probe))
        .filter(|(_, expr)| match expr.hosts() {
            HostSet::Exact(hosts) => hosts.iter().any(|host| {
                rule::parse(&format!("Host(`{host}`)"), rule::Kind::Http)
                    .is_ok_and(|leaf| with_version(leaf, version).matches(&host_probe))
            }),
            HostSet::Any => false,
        })
        .map(|(router, _)| *router)
        .collect();
    let reads_ip: Vec<&RouterInput<'_>> = if request.client_ip.is_some() {
        Vec::new()
    } else {
        mounted
            .iter()
            .filter(|(_, expr)| expr.uses(Matcher::ClientIp))
            .map(|(router, _)| *router)
            .collect()
    };
    let verdicts = candidates
        .into_iter()
        .map(|entrypoint| {
            let contenders = matching
                .iter()
                .copied()
                .filter(|router| router.entrypoints.iter().any(|e| e == entrypoint))
                .collect();
            let on = |list: &[&RouterInput<'_>]| -> Vec<String> {
                list.iter()
                    .filter(|router| router.entrypoints.iter().any(|e| e == entrypoint))
                    .map(|router| router.name.to_owned())
                    .collect()
            };
            let mut verdict = verdict(entrypoint, request.scheme_tls, contenders, version);
            verdict.near_misses = on(&near);
            verdict.client_ip_unknown = on(&reads_ip);
            verdict
        })
        .collect();
    Explanation { verdicts }
}

fn verdict(
    entrypoint: &str,
    tls: bool,
    mut contenders: Vec<&RouterInput<'_>>,
    version: Version,
) -> Verdict {
    let ties = breaks_ties(version);
    let rank = |router: &RouterInput<'_>| {
        if ties {
            provider_rank(router.provider)
        } else {
            0
        }
    };
    contenders.sort_by(|x, y| {
        y.priority
            .cmp(&x.priority)
            .then_with(|| rank(x).cmp(&rank(y)))
            .then_with(|| x.name.cmp(y.name))
    });
    let contender = |router: &RouterInput<'_>| Contender {
        name: router.name.to_owned(),
        priority: router.priority,
        provider: router.provider.to_owned(),
    };
    let Some((first, rest)) = contenders.split_first() else {
        return Verdict {
            entrypoint: entrypoint.to_owned(),
            tls,
            winner: None,
            losers: Vec::new(),
            near_misses: Vec::new(),
            client_ip_unknown: Vec::new(),
        };
    };
    let losers = rest
        .iter()
        .map(|router| {
            let reason = if router.priority < first.priority {
                LossReason::LowerPriority {
                    priority: router.priority,
                    winner_priority: first.priority,
                }
            } else if rank(router) > rank(first) {
                LossReason::ProviderPrecedence {
                    provider: router.provider.to_owned(),
                    winner_provider: first.provider.to_owned(),
                }
            } else {
                LossReason::Tie
            };
            Loss {
                router: contender(router),
                reason,
            }
        })
        .collect();
    Verdict {
        entrypoint: entrypoint.to_owned(),
        tls,
        winner: Some(contender(first)),
        losers,
        near_misses: Vec::new(),
        client_ip_unknown: Vec::new(),
    }
}

/// Adapts a rule to the target: `Expr::matches` reads `*` in `Host` as a wildcard, which it is
/// only from v3.7 on, so before that such a `Host` becomes an anchored literal `HostRegexp`.
/// The regex sees the lowercased host with its trailing dot, which `Host` would tolerate.
fn with_version(expr: Expr, version: Version) -> Expr {
    if version.has_wildcard_hosts() {
        return expr;
    }
    match expr {
        Expr::Match {
            matcher: Matcher::Host,
            args,
            span,
        } if args.first().is_some_and(|arg| arg.value.contains('*')) => {
            let literal = regex::escape(&normalize_host(&args[0].value));
            Expr::Match {
                matcher: Matcher::HostRegexp,
                args: vec![Arg {
                    value: format!(r"^{literal}\.?$"),
                    span: args[0].span.clone(),
                }],
                span,
            }
        }
        Expr::Not(inner) => Expr::Not(Box::new(with_version(*inner, version))),
        Expr::And(left, right) => Expr::And(
            Box::new(with_version(*left, version)),
            Box::new(with_version(*right, version)),
        ),
        Expr::Or(left, right) => Expr::Or(
            Box::new(with_version(*left, version)),
            Box::new(with_version(*right, version)),
        ),
        leaf @ Expr::Match { .. } => leaf,
    }
}
