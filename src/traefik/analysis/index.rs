//! Each router's rule prepared for comparison (mounted, expanded into terms, its hosts known),
//! and the host index that pairs only routers that may share a host, which keeps the
//! analysis near-linear in the number of routers.

use std::collections::BTreeSet;

use hashbrown::{HashMap, HashSet};

use super::algebra::{HostPattern, Leaf, Term, Test, expand};
use super::table::RouterInput;
use crate::traefik::Version;
use crate::traefik::rule::{self, Expr, HostSet, Kind};

/// A router's rule, ready for comparison.
pub(super) struct Prepared {
    /// The rule as an OR of satisfiable AND-terms; `None` when it is too large or not mounted.
    pub(super) terms: Option<Vec<Term>>,
    /// The hosts every matching request has, for the index; `None` means any host.
    keys: Option<BTreeSet<HostKey>>,
    pub(super) hosts: HostSet,
    pub(super) error: Option<String>,
}

/// How the index files a router: under an exact host, or under the suffix of a `*.` wildcard.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum HostKey {
    Exact(String),
    Wildcard(String),
}

pub(super) fn prepare(router: &RouterInput<'_>, version: Version) -> Prepared {
    let expr = match mount(router) {
        Ok(expr) => expr,
        Err(error) => {
            return Prepared {
                terms: None,
                keys: None,
                hosts: HostSet::Any,
                error: Some(error),
            };
        }
    };
    let terms = expand(&expr, false, version);
    let keys = match &terms {
        // An empty expansion never matches: no keys, so it is never compared.
        Some(terms) => terms.iter().map(|term| term_key(term)).collect(),
        None => match expr.hosts() {
            HostSet::Exact(hosts) => Some(
                hosts
                    .into_iter()
                    .map(|host| match host.strip_prefix("*.") {
                        Some(suffix) if version.has_wildcard_hosts() => {
                            HostKey::Wildcard(suffix.to_owned())
                        }
                        _ => HostKey::Exact(host),
                    })
                    .collect(),
            ),
            HostSet::Any => None,
        },
    };
    Prepared {
        terms,
        keys,
        hosts: expr.hosts(),
        error: None,
    }
}

/// The parsed rule of a router Traefik would mount, or why it would not.
pub(super) fn mount(router: &RouterInput<'_>) -> Result<Expr, String> {
    // Traefik refuses user routers in the range it keeps for its own (`maxUserPriority` in
    // `pkg/server/router/router.go`); it tells them apart by the `@internal` suffix.
    if router.priority > rule::MAX_USER_PRIORITY && !router.name.ends_with("@internal") {
        return Err(format!(
            "priority {} is above {}, the highest a user router may have",
            router.priority,
            rule::MAX_USER_PRIORITY
        ));
    }
    rule::parse(router.rule, Kind::Http).map_err(|error| format!("rule does not parse: {error}"))
}

/// The key of one AND-term: a required exact host, else a required wildcard suffix. A term
/// without either may match any host.
fn term_key(term: &[Leaf]) -> Option<HostKey> {
    let mut wildcard = None;
    for leaf in term.iter().filter(|leaf| !leaf.negated) {
        match &leaf.test {
            Test::Host(HostPattern::Exact(host)) => return Some(HostKey::Exact(host.clone())),
            Test::Host(HostPattern::Wildcard(suffix)) => wildcard = Some(suffix.clone()),
            Test::HostRegexp(pattern) if wildcard.is_none() => {
                wildcard.clone_from(&pattern.suffix);
            }
            _ => {}
        }
    }
    wildcard.map(HostKey::Wildcard)
}

/// Pairs of table members that may share a host, each as `(lower index, higher index)`: members
/// filed under the same exact host or wildcard suffix, an exact host and the wildcard one label
/// above it, and any member paired with every router that requires no particular host.
pub(super) fn candidate_pairs(members: &[usize], prepared: &[Prepared]) -> Vec<(usize, usize)> {
    let mut exact: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut wildcard: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut any = Vec::new();
    for &member in members {
        match &prepared[member].keys {
            None => any.push(member),
            Some(keys) => {
                for key in keys {
                    match key {
                        HostKey::Exact(host) => exact.entry(host).or_default().push(member),
                        HostKey::Wildcard(suffix) => {
                            wildcard.entry(suffix).or_default().push(member);
                        }
                    }
                }
            }
        }
    }
    let mut pairs = HashSet::new();
    let mut add = |x: usize, y: usize| {
        if x != y {
            pairs.insert((x.min(y), x.max(y)));
        }
    };
    for bucket in exact.values().chain(wildcard.values()) {
        for (position, &x) in bucket.iter().enumerate() {
            for &y in &bucket[position + 1..] {
                add(x, y);
            }
        }
    }
    for (host, hosts) in &exact {
        let Some((_, parent)) = host.split_once('.') else {
            continue;
        };
        if let Some(wildcards) = wildcard.get(parent) {
            for &x in hosts {
                for &y in wildcards {
                    add(x, y);
                }
            }
        }
    }
    for &x in &any {
        for &y in members {
            add(x, y);
        }
    }
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}
