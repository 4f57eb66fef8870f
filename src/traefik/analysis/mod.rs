//! Routing analysis: which router answers a request, and which routers can never answer.
//!
//! Input is a neutral list of routers ([`RouterInput`]: qualified name, rule, effective priority,
//! entry points, TLS-ness, provider) and the Traefik version. Output is an [`Analysis`] listing
//! conflicts between routers ([`Finding`]), or for one request an [`Explanation`] naming the
//! router that answers it and why the other matching routers lose. Nothing here does I/O.
//!
//! The model follows Traefik's muxer: one routing table per entry point and TLS-ness, holding the
//! routers of every provider (`BuildHandlers` in `pkg/server/routerfactory.go`,
//! `GetRoutersByEntryPoints` in `pkg/config/runtime/runtime_http.go`); the table is sorted by
//! priority and the first router whose rule matches answers, none means 404 (`Muxer.ServeHTTP`);
//! equal priorities are undefined before v3.7 (traefik/traefik#2856) and broken by provider
//! precedence from v3.7 on (`providerPriority` in `pkg/muxer/http/mux.go`, traefik/traefik#12895).
//!
//! Conflicts are decided on the rule trees, conservatively: a rule is rewritten as an OR of ANDs of
//! matcher leaves (negations kept as a flag on the leaf, as Traefik itself does in
//! `pkg/rules/parser.go`), two rules overlap unless every pair of their AND-terms provably excludes
//! each other, and one rule covers another only when every term of the other provably implies one
//! of its terms. Leaves this module cannot reason about (regexes it cannot evaluate, headers,
//! queries, client addresses) may always overlap and never prove coverage, so every reported
//! shadowing is real and no ambiguity goes unreported. This assumes `hostResolver.cnameFlattening`
//! is off, as seisei leaves it: with it on, `Host` also matches the flattened name and two
//! different `Host` values could match one request.

//!
//! One file per concern: [`table`] holds the routers and tables as Traefik builds them,
//! [`algebra`] the reasoning on rules, [`index`] pairs the routers worth comparing, this file
//! turns the comparisons into findings, [`request`] explains one request, and [`connection`]
//! does both for TCP connections.

mod algebra;
pub mod connection;
mod index;
mod request;
mod table;
#[cfg(test)]
mod tests;

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

// hashbrown's default hasher (foldhash): the pair memo and host buckets hash millions of small
// keys at 10,000 stacks, where SipHash took a tenth of the analysis.
use hashbrown::HashMap;

pub use request::{Contender, Explanation, Loss, LossReason, RequestInput, Verdict, explain};
pub use table::{
    ACME_PRIORITY, ACME_RULE, OwnedRouterInput, PROVIDER_PRECEDENCE, REDIRECT_PRIORITY,
    REDIRECT_RULE, RouterInput, Table, internal_routers,
};

use crate::diagnostics::Severity;
use crate::traefik::Version;
use crate::traefik::rule::HostSet;
use algebra::{covers, overlaps};
use index::{Prepared, candidate_pairs, prepare};
use table::{breaks_ties, provider_rank, table_label};

/// What [`analyze`] found.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// One entry per input router, in input order.
    pub routers: Vec<AnalyzedRouter>,
    /// Sorted by entry point, TLS-ness, then router names; each finding appears once.
    pub findings: Vec<Finding>,
    /// Pairs of routers whose rules were compared; the host index keeps it near-linear.
    pub comparisons: usize,
}

/// How [`analyze`] saw one router.
#[derive(Clone, Debug)]
pub struct AnalyzedRouter {
    pub name: String,
    pub provider: String,
    pub priority: i64,
    /// The tables the router is mounted in, sorted; empty when it is not mounted.
    pub tables: Vec<Table>,
    /// The hosts its rule can match ([`Expr::hosts`]); [`HostSet::Any`] when it is not mounted.
    pub hosts: HostSet,
    /// False when the router is not mounted or its rule was too large to reason about exactly;
    /// such a rule is assumed to overlap every router sharing a host with it, and never to cover
    /// one.
    pub precise: bool,
    /// Why Traefik would not mount the router (its rule fails to parse, or its priority is in the
    /// range reserved for internal routers); such a router can win nothing.
    pub error: Option<String>,
}

/// A conflict between routers of one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Two routers can match the same request with the same priority and Traefik's order between
    /// them is undefined: the same provider, or a target before v3.7. An error.
    Ambiguous {
        a: String,
        b: String,
        entrypoint: String,
        tls: bool,
        priority: i64,
    },
    /// Two routers can match the same request with the same priority and Traefik v3.7+ picks
    /// `winner` by provider precedence. A warning: deterministic, but easy to miss.
    TieBrokenByProvider {
        winner: String,
        loser: String,
        entrypoint: String,
        tls: bool,
        priority: i64,
    },
    /// `by` has a strictly higher priority and matches every request `router` matches, so
    /// `router` never answers in this table. A warning.
    Shadowed {
        router: String,
        by: String,
        entrypoint: String,
        tls: bool,
    },
    /// The rule's conditions exclude each other, such as two different `Host` values joined by
    /// `&&`: the router never answers anywhere. A warning.
    NeverMatches { router: String },
}

impl Finding {
    pub fn severity(&self) -> Severity {
        match self {
            Finding::Ambiguous { .. } => Severity::Error,
            Finding::TieBrokenByProvider { .. }
            | Finding::Shadowed { .. }
            | Finding::NeverMatches { .. } => Severity::Warning,
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            Finding::Ambiguous { a, b, .. } => {
                format!("give `{a}` or `{b}` an explicit `priority`, or make their rules exclusive")
            }
            Finding::TieBrokenByProvider { loser, .. } => {
                format!("give `{loser}` a higher `priority` if it should answer instead")
            }
            Finding::Shadowed { router, by, .. } if by.contains("acme-http") => format!(
                "paths under `/.well-known/acme-challenge/` on this entry point belong to Traefik's \
                 ACME HTTP-01 challenge: drop that part of `{router}`"
            ),
            Finding::Shadowed { router, by, .. } if by.ends_with("@internal") => format!(
                "`{by}` is added by Traefik and outranks every user router: serve `{router}` on the \
                 entry point it redirects to, with `tls`"
            ),
            Finding::Shadowed { router, by, .. } => {
                format!("give `{router}` a priority above `{by}`, or narrow the rule of `{by}`")
            }
            Finding::NeverMatches { .. } => "join alternatives with `||`, not `&&`".to_owned(),
        }
    }

    fn sort_key(&self) -> (&str, bool, &str, &str, u8) {
        match self {
            Finding::Ambiguous {
                a,
                b,
                entrypoint,
                tls,
                ..
            } => (entrypoint, *tls, a, b, 0),
            Finding::TieBrokenByProvider {
                winner,
                loser,
                entrypoint,
                tls,
                ..
            } => (entrypoint, *tls, winner, loser, 1),
            Finding::Shadowed {
                router,
                by,
                entrypoint,
                tls,
            } => (entrypoint, *tls, router, by, 2),
            Finding::NeverMatches { router } => ("", false, router, "", 3),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Ambiguous {
                a,
                b,
                entrypoint,
                tls,
                priority,
            } => write!(
                f,
                "routers `{a}` and `{b}` can match the same request with the same priority \
                 {priority} on {}, and Traefik's order between them is undefined",
                table_label(entrypoint, *tls)
            ),
            Finding::TieBrokenByProvider {
                winner,
                loser,
                entrypoint,
                tls,
                priority,
            } => write!(
                f,
                "routers `{winner}` and `{loser}` can match the same request with the same \
                 priority {priority} on {}; `{winner}` wins by provider precedence",
                table_label(entrypoint, *tls)
            ),
            Finding::Shadowed {
                router,
                by,
                entrypoint,
                tls,
            } => write!(
                f,
                "router `{router}` never answers on {}: `{by}` has a higher priority and matches \
                 every request it matches",
                table_label(entrypoint, *tls)
            ),
            Finding::NeverMatches { router } => write!(
                f,
                "the rule of router `{router}` never matches: its conditions exclude each other"
            ),
        }
    }
}

/// Finds ambiguous, tie-broken, shadowed and never-matching routers, table by table.
///
/// Only routers that may match a common host are compared: routers are indexed by the exact
/// hosts and `*.` wildcard suffixes their rules require, and routers that require no host
/// (such as the redirect router) are compared with their whole table.
pub fn analyze(routers: &[RouterInput<'_>], version: Version) -> Analysis {
    let prepared: Vec<Prepared> = routers.iter().map(|r| prepare(r, version)).collect();
    let Conflicts {
        tables,
        findings,
        comparisons,
    } = conflicts(routers, &prepared, version);
    let mut memberships: Vec<Vec<Table>> = vec![Vec::new(); routers.len()];
    for (table, members) in &tables {
        for &member in members {
            memberships[member].push(table.clone());
        }
    }
    let analyzed = routers
        .iter()
        .zip(prepared)
        .zip(memberships)
        .map(|((router, prepared), tables)| AnalyzedRouter {
            name: router.name.to_owned(),
            provider: router.provider.to_owned(),
            priority: router.priority,
            tables,
            hosts: prepared.hosts,
            precise: prepared.error.is_none() && prepared.terms.is_some(),
            error: prepared.error,
        })
        .collect();
    Analysis {
        routers: analyzed,
        findings,
        comparisons,
    }
}

/// [`analyze`]'s findings alone, which is all validation asks: the view of every router is
/// not made (at 10,000 stacks it was 10.5 MB, made only to be dropped at validation's peak).
pub fn findings(routers: &[RouterInput<'_>], version: Version) -> Vec<Finding> {
    let prepared: Vec<Prepared> = routers.iter().map(|r| prepare(r, version)).collect();
    conflicts(routers, &prepared, version).findings
}

/// The routing tables, and the conflicts found in them, sorted.
struct Conflicts {
    tables: BTreeMap<Table, Vec<usize>>,
    findings: Vec<Finding>,
    /// Pairs of routers compared.
    comparisons: usize,
}

fn conflicts(routers: &[RouterInput<'_>], prepared: &[Prepared], version: Version) -> Conflicts {
    let mut tables: BTreeMap<Table, Vec<usize>> = BTreeMap::new();
    for (index, router) in routers.iter().enumerate() {
        if prepared[index].error.is_some() {
            continue;
        }
        let entrypoints: BTreeSet<&String> = router.entrypoints.iter().collect();
        for entrypoint in entrypoints {
            let table = Table {
                entrypoint: entrypoint.clone(),
                tls: router.tls,
            };
            tables.entry(table).or_default().push(index);
        }
    }

    // A pair of routers relates the same way in every table they share, so each pair is
    // compared once: overlap when their priorities are equal, coverage otherwise.
    let mut relations: HashMap<(usize, usize), bool> = HashMap::new();
    let mut findings = Vec::new();
    for (table, members) in &tables {
        let mut shadowers: BTreeMap<usize, usize> = BTreeMap::new();
        for (first, second) in candidate_pairs(members, prepared) {
            let (x, y) = (&routers[first], &routers[second]);
            let order = x.priority.cmp(&y.priority);
            let related = *relations
                .entry((first, second))
                .or_insert_with(|| match order {
                    Ordering::Equal => may_overlap(&prepared[first], &prepared[second]),
                    Ordering::Greater => shadows(&prepared[first], &prepared[second]),
                    Ordering::Less => shadows(&prepared[second], &prepared[first]),
                });
            if !related {
                continue;
            }
            match order {
                Ordering::Equal => findings.push(tie(x, y, table, version)),
                Ordering::Greater => keep_strongest(&mut shadowers, second, first, routers),
                Ordering::Less => keep_strongest(&mut shadowers, first, second, routers),
            }
        }
        for (router, by) in shadowers {
            findings.push(Finding::Shadowed {
                router: routers[router].name.to_owned(),
                by: routers[by].name.to_owned(),
                entrypoint: table.entrypoint.clone(),
                tls: table.tls,
            });
        }
    }
    for (router, prepared) in routers.iter().zip(prepared) {
        if prepared.terms.as_ref().is_some_and(Vec::is_empty) {
            findings.push(Finding::NeverMatches {
                router: router.name.to_owned(),
            });
        }
    }
    findings.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
    Conflicts {
        tables,
        findings,
        comparisons: relations.len(),
    }
}

/// Whether two routers of equal priority may match one request. A rule too large to expand
/// may overlap anything it shares a host with, unless the other rule never matches.
fn may_overlap(x: &Prepared, y: &Prepared) -> bool {
    match (&x.terms, &y.terms) {
        (Some(a), Some(b)) => overlaps(a, b),
        (Some(terms), None) | (None, Some(terms)) => !terms.is_empty(),
        (None, None) => true,
    }
}

/// Whether `higher` matches every request `lower` matches. A rule too large to expand proves
/// nothing, and a rule that never matches is reported as such rather than as shadowed.
fn shadows(higher: &Prepared, lower: &Prepared) -> bool {
    match (&higher.terms, &lower.terms) {
        (Some(broad), Some(narrow)) => !narrow.is_empty() && covers(broad, narrow),
        _ => false,
    }
}

fn tie(x: &RouterInput<'_>, y: &RouterInput<'_>, table: &Table, version: Version) -> Finding {
    let (x_rank, y_rank) = (provider_rank(x.provider), provider_rank(y.provider));
    if breaks_ties(version) && x_rank != y_rank {
        let (winner, loser) = if x_rank < y_rank { (x, y) } else { (y, x) };
        Finding::TieBrokenByProvider {
            winner: winner.name.to_owned(),
            loser: loser.name.to_owned(),
            entrypoint: table.entrypoint.clone(),
            tls: table.tls,
            priority: x.priority,
        }
    } else {
        let (a, b) = if x.name <= y.name { (x, y) } else { (y, x) };
        Finding::Ambiguous {
            a: a.name.to_owned(),
            b: b.name.to_owned(),
            entrypoint: table.entrypoint.clone(),
            tls: table.tls,
            priority: x.priority,
        }
    }
}

/// Records `by` as the router shadowing `router` unless a stronger one is already recorded:
/// the highest priority, then the first name, so the report names the router that really
/// answers where several would.
fn keep_strongest(
    shadowers: &mut BTreeMap<usize, usize>,
    router: usize,
    by: usize,
    routers: &[RouterInput<'_>],
) {
    let strength = |index: usize| (routers[index].priority, Reverse(routers[index].name));
    shadowers
        .entry(router)
        .and_modify(|current| {
            if strength(by) > strength(*current) {
                *current = by;
            }
        })
        .or_insert(by);
}
