//! Each router's rule prepared for comparison (mounted, expanded into terms, its hosts known),
//! and the host index that pairs only routers that may share a host, which keeps the
//! analysis near-linear in the number of routers.

use hashbrown::{HashMap, HashSet};

use super::algebra::{HostPattern, Leaf, Term, Test, expand};
use super::table::RouterInput;
use crate::traefik::Version;
use crate::traefik::rule::{self, Expr, HostSet, Kind};

/// A router's rule, ready for comparison.
pub(super) struct Prepared {
    /// The rule as an OR of satisfiable AND-terms; `None` when it is too large or not mounted.
    pub(super) terms: Option<Vec<Term>>,
    /// The hosts every matching request has, for the index, sorted, each once; `None` means
    /// any host. A vector, not a set: a router has one or two, and a B-tree leaf keeps room
    /// for eleven (10 MB of the analysis at 10,000 routers).
    keys: Option<Vec<HostKey>>,
    /// A literal start of the path of every matching request, one per term, sorted; `None`
    /// when some term does not require one. Within a host, two routers whose starts are
    /// unrelated (neither is a prefix of the other) can neither overlap nor cover each other.
    paths: Option<Vec<String>>,
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
                paths: None,
                hosts: HostSet::Any,
                error: Some(error),
            };
        }
    };
    let terms = expand(&expr, false, version);
    let mut keys: Option<Vec<HostKey>> = match &terms {
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
    if let Some(keys) = &mut keys {
        keys.sort_unstable();
        keys.dedup();
    }
    let paths = terms.as_ref().and_then(|terms| {
        let mut paths = terms
            .iter()
            .map(|term| term_path(term).map(str::to_owned))
            .collect::<Option<Vec<String>>>()?;
        paths.sort_unstable();
        paths.dedup();
        Some(paths)
    });
    Prepared {
        terms,
        keys,
        paths,
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

/// The longest literal path start one AND-term requires: the value of a positive `Path` or
/// `PathPrefix` leaf. Every request the term matches has a path starting with it.
///
/// Why unrelated starts decide a pair: a `Path` or `PathPrefix` leaf excludes another whose
/// value neither starts nor is started by its own ([`super::algebra`]'s `excludes`), so two
/// terms with unrelated starts never overlap; and a term implies a `PathPrefix` leaf only
/// through a positive path leaf starting with its value, which within one satisfiable term
/// would be related to the term's own start, so neither covers the other.
fn term_path(term: &[Leaf]) -> Option<&str> {
    term.iter()
        .filter(|leaf| !leaf.negated)
        .filter_map(|leaf| match &leaf.test {
            Test::Path(path) | Test::PathPrefix(path) => Some(path.as_str()),
            _ => None,
        })
        .max_by_key(|path| path.len())
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
        path_related(bucket, None, prepared, &mut add);
    }
    for (host, hosts) in &exact {
        let Some((_, parent)) = host.split_once('.') else {
            continue;
        };
        if let Some(wildcards) = wildcard.get(parent) {
            path_related(hosts, Some(wildcards), prepared, &mut add);
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

/// Feeds `add` the pairs of `xs` (or, with `ys`, the pairs of one router of `xs` and one of
/// `ys`) whose path starts are related, and every pair with a router that requires no path
/// start. Sorted by start, a start's prefixes come before it and everything between a prefix
/// and it shares that prefix, so one pass with a stack of the prefixes of the current start
/// finds the related pairs in time linear in the routers plus the pairs found: thousands of
/// routers on one host, each under its own prefix, are not compared pairwise.
fn path_related(
    xs: &[usize],
    ys: Option<&[usize]>,
    prepared: &[Prepared],
    add: &mut impl FnMut(usize, usize),
) {
    // Each entry carries its side; with one list every side is 0 and every pair counts.
    let sides = [xs, ys.unwrap_or(&[])];
    let counts = |a: u8, b: u8| ys.is_none() || a != b;
    let mut starts: Vec<(&str, u8, usize)> = Vec::new();
    for (side, members) in (0u8..).zip(sides) {
        for &member in members {
            if let Some(paths) = &prepared[member].paths {
                starts.extend(paths.iter().map(|p| (p.as_str(), side, member)));
                continue;
            }
            // No path start: compared with the whole other side, as before the index.
            let others = if ys.is_none() {
                xs
            } else {
                sides[1 - usize::from(side)]
            };
            for &other in others {
                add(member, other);
            }
        }
    }
    starts.sort_unstable();
    let mut stack: Vec<(&str, u8, usize)> = Vec::new();
    for &(start, side, member) in &starts {
        while stack
            .last()
            .is_some_and(|&(top, ..)| !start.starts_with(top))
        {
            stack.pop();
        }
        for &(_, other_side, other) in &stack {
            if counts(side, other_side) {
                add(member, other);
            }
        }
        stack.push((start, side, member));
    }
}
