//! Evaluating a rule against a request with Traefik's matching semantics, for `seisei route
//! URL`: `Host` case-insensitive with one wildcard label, regexes unanchored as in Go, header
//! names canonicalised, client addresses by CIDR.

use std::net::IpAddr;

use super::check::parse_ip_range;
use super::{Arg, Expr, Matcher, Request};
use crate::traefik::goregex;
use crate::traefik::request::canonical_header_key;

impl Expr {
    /// Evaluates the rule against a request with Traefik's matching semantics.
    ///
    /// TCP matchers see `host` as the TLS server name; `ALPN` never matches because a request
    /// carries no protocol list.
    #[must_use]
    pub fn matches(&self, req: &Request) -> bool {
        match self {
            Expr::Match { matcher, args, .. } => leaf_matches(*matcher, args, req),
            Expr::Not(inner) => !inner.matches(req),
            Expr::And(left, right) => left.matches(req) && right.matches(req),
            Expr::Or(left, right) => left.matches(req) || right.matches(req),
        }
    }
}

// Matching

fn leaf_matches(matcher: Matcher, args: &[Arg], req: &Request) -> bool {
    let value = |index: usize| args.get(index).map_or("", |arg| arg.value.as_str());
    match matcher {
        Matcher::Host | Matcher::HostSni => host_matches(value(0), req.host),
        // With CNAME flattening off (what seisei writes) Traefik also tests the pattern on the
        // flattened name, which is then empty (`hostRegexp` in `pkg/muxer/http/matcher.go`):
        // a pattern that matches "" matches every request.
        Matcher::HostRegexp => goregex::compile(value(0))
            .is_ok_and(|re| re.is_match(&canonical_host(req.host)) || re.is_match("")),
        Matcher::HostSniRegexp => regex_matches(value(0), &canonical_host(req.host)),
        Matcher::Path => req.path == value(0),
        Matcher::PathPrefix => req.path.starts_with(value(0)),
        Matcher::PathRegexp => regex_matches(value(0), req.path),
        // Traefik upper-cases the argument, not the request method.
        Matcher::Method => req.method == value(0).to_uppercase(),
        Matcher::Header => any_value(req.headers, value(0), true, |v| v == value(1)),
        Matcher::HeaderRegexp => goregex::compile(value(1))
            .is_ok_and(|re| any_value(req.headers, value(0), true, |v| re.is_match(v))),
        // The one-value form matches a key with an empty value, not "key present".
        Matcher::Query | Matcher::QueryRegexp if args.len() == 1 => {
            any_value(req.query, value(0), false, str::is_empty)
        }
        Matcher::Query => any_value(req.query, value(0), false, |v| v == value(1)),
        Matcher::QueryRegexp => goregex::compile(value(1))
            .is_ok_and(|re| any_value(req.query, value(0), false, |v| re.is_match(v))),
        Matcher::ClientIp => match (req.client_ip, parse_ip_range(value(0))) {
            (Some(client), Some((network, prefix))) => ip_in_range(client, network, prefix),
            _ => false,
        },
        Matcher::Alpn => false,
    }
}

/// The request host as Traefik compares it: trimmed, IPv6 brackets removed, lowercased.
fn canonical_host(host: &str) -> String {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    host.to_ascii_lowercase()
}

pub(super) fn normalize_host(host: &str) -> String {
    let mut host = host.to_ascii_lowercase();
    if host.ends_with('.') {
        host.pop();
    }
    host
}

/// `Host` semantics (`host` in `pkg/muxer/http/matcher.go`): `*` matches everything, even an
/// empty host (v3.7.7); otherwise the lowercased host equals the value, with `*.x` standing for
/// any first label (`DomainMatchHostExpression` in `pkg/muxer/muxer.go`), or equals it once
/// one trailing dot is taken off the value, or once one is taken off the host.
fn host_matches(pattern: &str, request_host: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let host = canonical_host(request_host);
    if host.is_empty() {
        return false;
    }
    let pattern = pattern.to_ascii_lowercase();
    domain_match(&host, &pattern)
        || pattern
            .strip_suffix('.')
            .is_some_and(|pattern| domain_match(&host, pattern))
        || host
            .strip_suffix('.')
            .is_some_and(|host| domain_match(host, &pattern))
}

/// `DomainMatchHostExpression`: a `*.` pattern replaces the host's first label.
fn domain_match(host: &str, pattern: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => host.split_once('.').is_some_and(|(_, rest)| rest == suffix),
        None => host == pattern,
    }
}

fn regex_matches(pattern: &str, text: &str) -> bool {
    goregex::compile(pattern).is_ok_and(|re| re.is_match(text))
}

/// Whether any value under `key` passes `accept`. Header names compare in Go's canonical
/// spelling (`http.CanonicalHeaderKey`), so a name Go cannot canonicalise matches only itself;
/// query keys compare exactly.
fn any_value(
    pairs: &[(String, String)],
    key: &str,
    ignore_case: bool,
    accept: impl Fn(&str) -> bool,
) -> bool {
    pairs.iter().any(|(k, v)| {
        let same_key = if ignore_case {
            canonical_header_key(k) == canonical_header_key(key)
        } else {
            k == key
        };
        same_key && accept(v)
    })
}

/// CIDR containment; an IPv4 client also matches IPv4-mapped IPv6 ranges, as in Go's `IPNet`.
fn ip_in_range(client: IpAddr, network: IpAddr, prefix: u32) -> bool {
    let (client, network, width) = match (client.to_canonical(), network) {
        (IpAddr::V4(client), IpAddr::V4(network)) => (
            u128::from(u32::from(client)),
            u128::from(u32::from(network)),
            32,
        ),
        (IpAddr::V4(client), IpAddr::V6(network)) => (
            u128::from(client.to_ipv6_mapped()),
            u128::from(network),
            128,
        ),
        (IpAddr::V6(client), IpAddr::V6(network)) => (u128::from(client), u128::from(network), 128),
        (IpAddr::V6(_), IpAddr::V4(_)) => return false,
    };
    if prefix == 0 {
        return true;
    }
    let shift = width - prefix;
    client >> shift == network >> shift
}
