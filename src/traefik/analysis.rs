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

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};

// hashbrown's default hasher (foldhash): the pair memo and host buckets hash millions of small
// keys at 10,000 stacks, where SipHash took a tenth of the analysis.
use hashbrown::{HashMap, HashSet};
use std::fmt;

use regex::Regex;

use super::Version;
use super::rule::{self, Arg, Expr, HostSet, Kind, Matcher, Request};
use crate::diagnostics::Severity;

/// Priority of the router an entry point's `http.redirections` adds: `math.MaxInt - 1` unless
/// `redirections.entryPoint.priority` overrides it (`RedirectEntryPoint.SetDefaults` in
/// `pkg/config/static/entrypoints.go`). It beats every user router on that entry point.
pub const REDIRECT_PRIORITY: i64 = i64::MAX - 1;

/// Priority of the ACME HTTP-01 challenge router, `math.MaxInt` (`acme` in
/// `pkg/provider/traefik/internal.go`): it wins even over the redirect router.
pub const ACME_PRIORITY: i64 = i64::MAX;

/// Rule of the redirect router. It matches any non-empty host, so requests without a `Host`
/// header are not redirected (`redirection` in `pkg/provider/traefik/internal.go`).
pub const REDIRECT_RULE: &str = "HostRegexp(`^.+$`)";

/// Rule of the ACME HTTP-01 challenge router.
pub const ACME_RULE: &str = "PathPrefix(`/.well-known/acme-challenge/`)";

/// Default `providers.precedence` of Traefik v3.7, first wins a tie; providers not listed,
/// `internal` among them, lose to every listed one (`providerNames` in
/// `pkg/config/static/static_config.go`). seisei does not set `providers.precedence`.
pub const PROVIDER_PRECEDENCE: [&str; 17] = [
    "kubernetesgateway",
    "kubernetescrd",
    "kubernetes",
    "kubernetesingressnginx",
    "swarm",
    "docker",
    "file",
    "redis",
    "knative",
    "consul",
    "consulcatalog",
    "nomad",
    "etcd",
    "ecs",
    "http",
    "zookeeper",
    "rest",
];

/// A router as Traefik mounts it, independent of how seisei models it.
///
/// `entrypoints` are the effective ones (defaults already applied). A router whose TLS-ness
/// differs per entry point, because an entry point's `http.tls` fills it in (`applyModel` in
/// `pkg/server/aggregator.go`), is passed once per entry point, as Traefik renames it
/// `<ep>-<name>@provider`.
#[derive(Clone, Copy, Debug)]
pub struct RouterInput<'a> {
    /// Qualified name, such as `crm-api-crm-api@docker`.
    pub name: &'a str,
    pub rule: &'a str,
    /// The effective priority: the explicit one, or the rule's length.
    pub priority: i64,
    pub entrypoints: &'a [String],
    pub tls: bool,
    /// `file`, `docker` or `internal`.
    pub provider: &'a str,
}

/// An owned [`RouterInput`], for routers built here rather than borrowed from the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedRouterInput {
    pub name: String,
    pub rule: String,
    pub priority: i64,
    pub entrypoints: Vec<String>,
    pub tls: bool,
    pub provider: String,
}

/// One routing table: an entry point and a TLS-ness.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Table {
    pub entrypoint: String,
    pub tls: bool,
}

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

impl OwnedRouterInput {
    pub fn as_input(&self) -> RouterInput<'_> {
        RouterInput {
            name: &self.name,
            rule: &self.rule,
            priority: self.priority,
            entrypoints: &self.entrypoints,
            tls: self.tls,
            provider: &self.provider,
        }
    }
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

/// Finds ambiguous, tie-broken, shadowed and never-matching routers, table by table.
///
/// Only routers that may match a common host are compared: routers are indexed by the exact
/// hosts and `*.` wildcard suffixes their rules require, and routers that require no host
/// (such as the redirect router) are compared with their whole table.
pub fn analyze(routers: &[RouterInput<'_>], version: Version) -> Analysis {
    let prepared: Vec<Prepared> = routers.iter().map(|r| prepare(r, version)).collect();

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
        for (first, second) in candidate_pairs(members, &prepared) {
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
    for (router, prepared) in routers.iter().zip(&prepared) {
        if prepared.terms.as_ref().is_some_and(Vec::is_empty) {
            findings.push(Finding::NeverMatches {
                router: router.name.to_owned(),
            });
        }
    }
    findings.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));

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
        comparisons: relations.len(),
    }
}

/// The routers Traefik adds by itself on the given entry points: one redirect router per
/// redirecting entry point (`<ep>-to-<to>@internal`) and the ACME HTTP-01 challenge router
/// (`acme-http@internal`) on the challenge entry points.
///
/// `entrypoints` holds `(name, redirect_to, tls)`; an internal router takes the TLS-ness of its
/// entry point because `applyModel` fills `tls` from the entry point's `http.tls` for every
/// router on it, internal ones included. The dashboard router is an ordinary `@file` router that
/// the caller passes with the others.
pub fn internal_routers(
    entrypoints: &[(String, Option<String>, bool)],
    acme_http_entrypoints: &[String],
) -> Vec<OwnedRouterInput> {
    let tls_of = |name: &str| {
        entrypoints
            .iter()
            .any(|(entrypoint, _, tls)| entrypoint == name && *tls)
    };
    let mut routers = Vec::new();
    for (name, redirect_to, tls) in entrypoints {
        let Some(to) = redirect_to else {
            continue;
        };
        routers.push(OwnedRouterInput {
            name: format!("{}@internal", normalize_name(&format!("{name}-to-{to}"))),
            rule: REDIRECT_RULE.to_owned(),
            priority: REDIRECT_PRIORITY,
            entrypoints: vec![name.clone()],
            tls: *tls,
            provider: "internal".to_owned(),
        });
    }

    // Traefik makes one challenge router for all challenge entry points, each listed once.
    let mut challenge: Vec<&String> = Vec::new();
    for entrypoint in acme_http_entrypoints {
        if !challenge.contains(&entrypoint) {
            challenge.push(entrypoint);
        }
    }
    let (secure, plain): (Vec<&String>, Vec<&String>) =
        challenge.iter().partition(|entrypoint| tls_of(entrypoint));
    let acme = |name: String, entrypoints: Vec<String>, tls: bool| OwnedRouterInput {
        name,
        rule: ACME_RULE.to_owned(),
        priority: ACME_PRIORITY,
        entrypoints,
        tls,
        provider: "internal".to_owned(),
    };
    if !plain.is_empty() {
        let entrypoints = plain.into_iter().cloned().collect();
        routers.push(acme("acme-http@internal".to_owned(), entrypoints, false));
    }
    // On a TLS entry point `applyModel` copies the router per entry point and prefixes its
    // name when it lists several.
    for entrypoint in secure {
        let name = if challenge.len() > 1 {
            format!("{entrypoint}-acme-http@internal")
        } else {
            "acme-http@internal".to_owned()
        };
        routers.push(acme(name, vec![entrypoint.clone()], true));
    }
    routers
}

/// Which router answers `request`, and why every other matching router does not.
///
/// The request is looked up on `request.entrypoint` when set, else on each of `entrypoints`,
/// which the caller picks from the URL (the entry points listening on its port, or those whose
/// TLS-ness matches its scheme). Only routers whose TLS-ness equals `request.scheme_tls` are
/// considered, as Traefik keeps TLS and non-TLS routers in separate tables. Routers Traefik would
/// not mount are skipped, and `ClientIP` matchers see no client address, so they never match.
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
        client_ip: None,
    };
    let matching: Vec<&RouterInput<'_>> = routers
        .iter()
        .filter(|router| router.tls == request.scheme_tls)
        .filter(|router| {
            router
                .entrypoints
                .iter()
                .any(|entrypoint| candidates.contains(&entrypoint.as_str()))
        })
        .filter(|router| {
            mount(router).is_ok_and(|expr| with_version(expr, version).matches(&probe))
        })
        .collect();
    let verdicts = candidates
        .into_iter()
        .map(|entrypoint| {
            let contenders = matching
                .iter()
                .copied()
                .filter(|router| router.entrypoints.iter().any(|e| e == entrypoint))
                .collect();
            verdict(entrypoint, request.scheme_tls, contenders, version)
        })
        .collect();
    Explanation { verdicts }
}

// ---------------------------------------------------------------------------------------------
// Preparation and the host index

/// Most AND-terms a rule may expand to before it counts as too large to reason about; real
/// rules have a handful, and the product of `||` groups under `&&` grows fast.
const TERM_LIMIT: usize = 64;

/// A router's rule, ready for comparison.
struct Prepared {
    /// The rule as an OR of satisfiable AND-terms; `None` when it is too large or not mounted.
    terms: Option<Vec<Term>>,
    /// The hosts every matching request has, for the index; `None` means any host.
    keys: Option<BTreeSet<HostKey>>,
    hosts: HostSet,
    error: Option<String>,
}

/// An AND of leaves.
type Term = Vec<Leaf>;

/// How the index files a router: under an exact host, or under the suffix of a `*.` wildcard.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum HostKey {
    Exact(String),
    Wildcard(String),
}

fn prepare(router: &RouterInput<'_>, version: Version) -> Prepared {
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
fn mount(router: &RouterInput<'_>) -> Result<Expr, String> {
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
fn candidate_pairs(members: &[usize], prepared: &[Prepared]) -> Vec<(usize, usize)> {
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

/// From v3.7 on equal priorities are ordered by provider precedence.
fn breaks_ties(version: Version) -> bool {
    version >= Version { major: 3, minor: 7 }
}

/// Position in [`PROVIDER_PRECEDENCE`]; unlisted providers share the last place. Provider names
/// compare case-insensitively, as in `providers.precedence`.
fn provider_rank(provider: &str) -> usize {
    PROVIDER_PRECEDENCE
        .iter()
        .position(|name| name.eq_ignore_ascii_case(provider))
        .unwrap_or(PROVIDER_PRECEDENCE.len())
}

/// Traefik's `provider.Normalize`: runs of characters other than letters and digits become one
/// `-`, so a redirect to `:443` yields `web-to-443`.
fn normalize_name(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn table_label(entrypoint: &str, tls: bool) -> String {
    let kind = if tls { "TLS" } else { "non-TLS" };
    format!("entry point `{entrypoint}` ({kind})")
}

// ---------------------------------------------------------------------------------------------
// Rules as OR of AND-terms

/// A matcher leaf, possibly negated.
#[derive(Clone, Debug)]
struct Leaf {
    negated: bool,
    test: Test,
}

/// What a leaf tests, with values normalised the way Traefik compares them.
#[derive(Clone, Debug, PartialEq)]
enum Test {
    Host(HostPattern),
    HostRegexp(Pattern),
    Path(String),
    PathPrefix(String),
    PathRegexp(Pattern),
    /// Upper-cased, as Traefik upper-cases the argument.
    Method(String),
    /// Headers, queries and client addresses: only identity is known.
    Opaque(Matcher, Vec<String>),
}

/// A `Host` value: lowercased, one trailing dot removed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HostPattern {
    Exact(String),
    /// `*.suffix` from v3.7 on: exactly one more label (`DomainMatchHostExpression` in
    /// `pkg/muxer/muxer.go`).
    Wildcard(String),
    /// `*` from v3.7 on. It matched single-label hosts only in v3.7.0 to v3.7.6 and everything
    /// from v3.7.7, and the version here has no patch number, so only identity is known.
    Star,
}

/// A regex leaf's pattern, compiled once so implications against exact values can be decided.
#[derive(Clone, Debug)]
struct Pattern {
    source: String,
    regex: Option<Regex>,
    reach: Reach,
    /// For a `HostRegexp` that `write_rule` emits for a wildcard before v3.7, such as
    /// `^[a-z0-9-]+\.erp\.seisei\.tokyo$`, the suffix it matches one label under.
    suffix: Option<String>,
}

/// What a regex is known to match without looking at the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// Every input, even an empty one.
    Everything,
    /// Every non-empty input without a line break. Go's server rejects hosts with control
    /// characters (`httpguts.ValidHostHeader`), so for hosts this means every non-empty host.
    NonEmpty,
    Unknown,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.source == other.source
    }
}

impl Pattern {
    fn new(source: &str, host: bool) -> Pattern {
        let reach = match source {
            ".*" | "^.*" | ".*$" | "^.*$" | "^" | "$" => Reach::Everything,
            "." | ".+" | "^.+" | ".+$" | "^.+$" => Reach::NonEmpty,
            _ => Reach::Unknown,
        };
        Pattern {
            source: source.to_owned(),
            regex: Regex::new(source).ok(),
            reach,
            suffix: if host {
                emulated_wildcard(source)
            } else {
                None
            },
        }
    }

    /// Whether the pattern matches `text`; false when that cannot be told.
    fn accepts(&self, text: &str) -> bool {
        self.regex
            .as_ref()
            .is_some_and(|regex| regex.is_match(text))
    }

    /// Whether the pattern provably does not match `text`.
    fn rejects(&self, text: &str) -> bool {
        self.regex
            .as_ref()
            .is_some_and(|regex| !regex.is_match(text))
    }
}

/// The suffix of `^[a-z0-9-]+\.` + escaped literal labels + `$`, the form `write_rule` gives a
/// wildcard host on targets before v3.7. Any other regex syntax disqualifies it, because the
/// index may file the router under the suffix only if every host it matches is one label under.
fn emulated_wildcard(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix(r"^[a-z0-9-]+\.")?.strip_suffix('$')?;
    let labels: Vec<&str> = body.split(r"\.").collect();
    labels
        .iter()
        .all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .then(|| labels.join("."))
}

/// Rewrites `expr` (negated when `negated`) as an OR of AND-terms, dropping terms that provably
/// never match. `None` when there would be more than [`TERM_LIMIT`] terms.
fn expand(expr: &Expr, negated: bool, version: Version) -> Option<Vec<Term>> {
    match expr {
        Expr::Match { matcher, args, .. } => {
            let test = test(*matcher, args, version);
            // The negation of a pattern that matches everything matches nothing.
            if negated && always(&test) {
                return Some(Vec::new());
            }
            Some(vec![vec![Leaf { negated, test }]])
        }
        Expr::Not(inner) => expand(inner, !negated, version),
        Expr::And(left, right) | Expr::Or(left, right) => {
            // De Morgan: a negated AND is an OR of negations and the other way round.
            let conjunction = matches!(expr, Expr::And(..)) != negated;
            let mut left = expand(left, negated, version)?;
            let right = expand(right, negated, version)?;
            if !conjunction {
                if left.len() + right.len() > TERM_LIMIT {
                    return None;
                }
                left.extend(right);
                return Some(left);
            }
            if left.len() * right.len() > TERM_LIMIT {
                return None;
            }
            let mut terms = Vec::new();
            for x in &left {
                for y in &right {
                    if compatible(x, y) {
                        terms.push(x.iter().chain(y).cloned().collect());
                    }
                }
            }
            Some(terms)
        }
    }
}

fn test(matcher: Matcher, args: &[Arg], version: Version) -> Test {
    let value = args.first().map_or("", |arg| arg.value.as_str());
    match matcher {
        Matcher::Host => Test::Host(host_pattern(value, version)),
        Matcher::HostRegexp => Test::HostRegexp(Pattern::new(value, true)),
        Matcher::Path => Test::Path(value.to_owned()),
        Matcher::PathPrefix => Test::PathPrefix(value.to_owned()),
        Matcher::PathRegexp => Test::PathRegexp(Pattern::new(value, false)),
        Matcher::Method => Test::Method(value.to_uppercase()),
        other => Test::Opaque(other, args.iter().map(|arg| arg.value.clone()).collect()),
    }
}

fn host_pattern(value: &str, version: Version) -> HostPattern {
    let host = normalize_host(value);
    // Before v3.7 `*` is an ordinary character in `Host` (migration notes, "v3.7.0").
    if !version.has_wildcard_hosts() {
        return HostPattern::Exact(host);
    }
    if host == "*" {
        return HostPattern::Star;
    }
    match host.strip_prefix("*.") {
        Some(suffix) => HostPattern::Wildcard(suffix.to_owned()),
        None => HostPattern::Exact(host),
    }
}

/// Lowercased without one trailing dot, as Traefik compares `Host` values on both sides.
fn normalize_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    host.strip_suffix('.').map(str::to_owned).unwrap_or(host)
}

fn one_label_under(host: &str, suffix: &str) -> bool {
    host.strip_suffix(suffix)
        .and_then(|rest| rest.strip_suffix('.'))
        .is_some_and(|label| !label.is_empty() && !label.contains('.'))
}

// ---------------------------------------------------------------------------------------------
// Reasoning on leaves and terms

/// Whether some request may satisfy both terms, each already satisfiable on its own. False only
/// when two leaves provably exclude each other.
fn compatible(x: &[Leaf], y: &[Leaf]) -> bool {
    !x.iter().any(|a| y.iter().any(|b| clash(a, b)))
}

/// Whether no request satisfies both leaves.
fn clash(a: &Leaf, b: &Leaf) -> bool {
    match (a.negated, b.negated) {
        (false, false) => excludes(&a.test, &b.test),
        // `x && !y` is empty when `x` implies `y`: a leaf and its own negation, a `Path` under a
        // negated `PathPrefix`, a host under a negated wildcard.
        (false, true) => implies(&a.test, &b.test),
        (true, false) => implies(&b.test, &a.test),
        (true, true) => false,
    }
}

/// Whether every request matching `x` also matches `y`.
fn implies(x: &Test, y: &Test) -> bool {
    if x == y || always(y) {
        return true;
    }
    match (x, y) {
        (Test::Host(HostPattern::Exact(host)), Test::Host(HostPattern::Wildcard(suffix))) => {
            one_label_under(host, suffix)
        }
        // `HostRegexp` sees the lowercased host with its trailing dot, `Host` tolerates one: the
        // pattern must accept both spellings.
        (Test::Host(HostPattern::Exact(host)), Test::HostRegexp(pattern)) => {
            pattern.accepts(host) && pattern.accepts(&format!("{host}."))
        }
        (Test::Host(HostPattern::Wildcard(_)), Test::HostRegexp(pattern)) => {
            pattern.reach == Reach::NonEmpty
        }
        (Test::HostRegexp(narrow), Test::HostRegexp(pattern)) => {
            pattern.reach == Reach::NonEmpty
                && narrow
                    .regex
                    .as_ref()
                    .is_some_and(|regex| !regex.is_match(""))
        }
        (Test::Path(path) | Test::PathPrefix(path), Test::PathPrefix(prefix)) => {
            path.starts_with(prefix.as_str())
        }
        (Test::Path(path), Test::PathRegexp(pattern)) => pattern.accepts(path),
        _ => false,
    }
}

/// Whether no request matches both positive tests.
fn excludes(x: &Test, y: &Test) -> bool {
    match (x, y) {
        (Test::Host(a), Test::Host(b)) => match (a, b) {
            // Two wildcards put one label before their suffixes, so equal hosts need equal
            // suffixes.
            (HostPattern::Exact(a), HostPattern::Exact(b))
            | (HostPattern::Wildcard(a), HostPattern::Wildcard(b)) => a != b,
            (HostPattern::Exact(host), HostPattern::Wildcard(suffix))
            | (HostPattern::Wildcard(suffix), HostPattern::Exact(host)) => {
                !one_label_under(host, suffix)
            }
            _ => false,
        },
        (Test::Host(HostPattern::Exact(host)), Test::HostRegexp(pattern))
        | (Test::HostRegexp(pattern), Test::Host(HostPattern::Exact(host))) => {
            pattern.rejects(host) && pattern.rejects(&format!("{host}."))
        }
        (Test::Path(a), Test::Path(b)) | (Test::Method(a), Test::Method(b)) => a != b,
        (Test::Path(path), Test::PathPrefix(prefix))
        | (Test::PathPrefix(prefix), Test::Path(path)) => !path.starts_with(prefix.as_str()),
        (Test::PathPrefix(a), Test::PathPrefix(b)) => {
            !a.starts_with(b.as_str()) && !b.starts_with(a.as_str())
        }
        (Test::Path(path), Test::PathRegexp(pattern))
        | (Test::PathRegexp(pattern), Test::Path(path)) => pattern.rejects(path),
        _ => false,
    }
}

/// Whether every request satisfying `term` satisfies `leaf`.
fn term_implies(term: &[Leaf], leaf: &Leaf) -> bool {
    if leaf.negated {
        // `!x` follows from a `y` that excludes `x`, or from a `!y` where `x` implies `y`.
        term.iter().any(|other| {
            if other.negated {
                implies(&leaf.test, &other.test)
            } else {
                excludes(&other.test, &leaf.test)
            }
        })
    } else {
        always(&leaf.test)
            || term
                .iter()
                .any(|other| !other.negated && implies(&other.test, &leaf.test))
    }
}

/// Whether every request matches the test: a regex known to match any input.
fn always(test: &Test) -> bool {
    matches!(
        test,
        Test::HostRegexp(pattern) | Test::PathRegexp(pattern) if pattern.reach == Reach::Everything
    )
}

/// Whether every request matching `narrow` matches `broad`: each term of `narrow` implies all
/// leaves of some term of `broad`.
fn covers(broad: &[Term], narrow: &[Term]) -> bool {
    narrow.iter().all(|term| {
        broad
            .iter()
            .any(|candidate| candidate.iter().all(|leaf| term_implies(term, leaf)))
    })
}

fn overlaps(x: &[Term], y: &[Term]) -> bool {
    x.iter().any(|a| y.iter().any(|b| compatible(a, b)))
}

// ---------------------------------------------------------------------------------------------
// Explaining one request

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

#[cfg(test)]
mod tests {
    use super::*;

    const V37: Version = Version { major: 3, minor: 7 };
    const V36: Version = Version { major: 3, minor: 6 };

    /// A router; the provider is the part of the name after `@`, and priority 0 means the
    /// rule's length, as in Traefik.
    fn router(
        name: &str,
        rule: &str,
        priority: i64,
        entrypoints: &[&str],
        tls: bool,
    ) -> OwnedRouterInput {
        let provider = name
            .rsplit_once('@')
            .map_or("file", |(_, provider)| provider);
        OwnedRouterInput {
            name: name.to_owned(),
            rule: rule.to_owned(),
            priority: if priority == 0 {
                rule::default_priority(rule, Kind::Http)
            } else {
                priority
            },
            entrypoints: entrypoints.iter().map(|&e| e.to_owned()).collect(),
            tls,
            provider: provider.to_owned(),
        }
    }

    fn run(routers: &[OwnedRouterInput], version: Version) -> Analysis {
        let inputs: Vec<RouterInput<'_>> = routers.iter().map(OwnedRouterInput::as_input).collect();
        analyze(&inputs, version)
    }

    fn edge() -> Vec<OwnedRouterInput> {
        internal_routers(
            &[
                ("web".to_owned(), Some("websecure".to_owned()), false),
                ("websecure".to_owned(), None, true),
            ],
            &["web".to_owned()],
        )
    }

    fn request(tls: bool, host: &str, path: &str) -> RequestInput {
        RequestInput {
            scheme_tls: tls,
            entrypoint: None,
            host: host.to_owned(),
            path: path.to_owned(),
            method: "GET".to_owned(),
            ..RequestInput::default()
        }
    }

    fn route(
        routers: &[OwnedRouterInput],
        request: &RequestInput,
        entrypoint: &str,
        version: Version,
    ) -> Verdict {
        let inputs: Vec<RouterInput<'_>> = routers.iter().map(OwnedRouterInput::as_input).collect();
        let mut explanation = explain(&inputs, request, &[entrypoint.to_owned()], version);
        assert_eq!(explanation.verdicts.len(), 1);
        explanation.verdicts.remove(0)
    }

    fn terms(rule: &str, version: Version) -> Vec<Term> {
        expand(&rule::parse(rule, Kind::Http).unwrap(), false, version).unwrap()
    }

    fn shadowed(router: &str, by: &str, entrypoint: &str, tls: bool) -> Finding {
        Finding::Shadowed {
            router: router.to_owned(),
            by: by.to_owned(),
            entrypoint: entrypoint.to_owned(),
            tls,
        }
    }

    #[test]
    fn tenant_wildcard_does_not_reach_a_sibling_host() {
        // `testodoo.seisei.tokyo` is not one label under `erp.seisei.tokyo`.
        let routers = [
            router(
                "tenants@file",
                "Host(`*.erp.seisei.tokyo`)",
                100,
                &["websecure"],
                true,
            ),
            router(
                "testodoo@file",
                "Host(`testodoo.seisei.tokyo`)",
                100,
                &["websecure"],
                true,
            ),
        ];
        let analysis = run(&routers, V37);
        assert_eq!(analysis.findings, []);
        assert_eq!(analysis.comparisons, 0, "the index keeps them apart");
        let wildcard = terms("Host(`*.erp.seisei.tokyo`)", V37);
        let sibling = terms("Host(`testodoo.seisei.tokyo`)", V37);
        assert!(!overlaps(&wildcard, &sibling));
        assert!(!overlaps(
            &wildcard,
            &terms("Host(`a.b.erp.seisei.tokyo`)", V37)
        ));
        assert!(!overlaps(
            &wildcard,
            &terms("Host(`erp.seisei.tokyo`)", V37)
        ));
    }

    #[test]
    fn tenant_wildcard_overlaps_a_host_one_label_under() {
        let routers = [
            router(
                "tenants@file",
                "Host(`*.erp.seisei.tokyo`)",
                100,
                &["websecure"],
                true,
            ),
            router(
                "acme@file",
                "Host(`ACME.erp.seisei.tokyo.`)",
                100,
                &["websecure"],
                true,
            ),
        ];
        let analysis = run(&routers, V37);
        assert_eq!(
            analysis.findings,
            [Finding::Ambiguous {
                a: "acme@file".to_owned(),
                b: "tenants@file".to_owned(),
                entrypoint: "websecure".to_owned(),
                tls: true,
                priority: 100,
            }]
        );
        assert_eq!(analysis.findings[0].severity(), Severity::Error);
        // Before v3.7 the `*` is literal and the two hosts differ.
        assert_eq!(run(&routers, V36).findings, []);
    }

    #[test]
    fn catch_all_host_is_not_shadowed_by_a_prefix_router() {
        let routers = [
            router(
                "crm@docker",
                "Host(`api.seisei.tokyo`) && PathPrefix(`/crm`)",
                0,
                &["websecure"],
                true,
            ),
            router(
                "api@docker",
                "Host(`api.seisei.tokyo`)",
                0,
                &["websecure"],
                true,
            ),
        ];
        let analysis = run(&routers, V37);
        assert!(routers[0].priority > routers[1].priority);
        // `api` still serves `/other`.
        assert_eq!(analysis.findings, []);
        assert_eq!(analysis.comparisons, 1);
    }

    #[test]
    fn longer_prefix_with_lower_priority_is_shadowed() {
        let routers = [
            router(
                "crm@docker",
                "Host(`api.seisei.tokyo`) && PathPrefix(`/crm`)",
                100,
                &["websecure"],
                true,
            ),
            router(
                "crm-x@docker",
                "Host(`api.seisei.tokyo`) && PathPrefix(`/crm/x`)",
                50,
                &["websecure"],
                true,
            ),
            router(
                "crm-path@docker",
                "Host(`api.seisei.tokyo`) && Path(`/crm/y`) && Method(`get`)",
                40,
                &["websecure"],
                true,
            ),
        ];
        let analysis = run(&routers, V37);
        assert_eq!(
            analysis.findings,
            [
                shadowed("crm-path@docker", "crm@docker", "websecure", true),
                shadowed("crm-x@docker", "crm@docker", "websecure", true),
            ]
        );
        assert_eq!(analysis.findings[0].severity(), Severity::Warning);
        assert_eq!(
            analysis.findings[1].to_string(),
            "router `crm-x@docker` never answers on entry point `websecure` (TLS): `crm@docker` \
             has a higher priority and matches every request it matches"
        );
    }

    #[test]
    fn same_rule_and_priority_is_ambiguous() {
        let routers = [
            router(
                "b@docker",
                "Host(`erp.seisei.tokyo`)",
                0,
                &["websecure"],
                true,
            ),
            router(
                "a@docker",
                "Host(`erp.seisei.tokyo`)",
                0,
                &["websecure"],
                true,
            ),
        ];
        let analysis = run(&routers, V37);
        let finding = Finding::Ambiguous {
            a: "a@docker".to_owned(),
            b: "b@docker".to_owned(),
            entrypoint: "websecure".to_owned(),
            tls: true,
            priority: 24,
        };
        assert_eq!(analysis.findings, [finding]);
        assert_eq!(
            analysis.findings[0].to_string(),
            "routers `a@docker` and `b@docker` can match the same request with the same priority \
             24 on entry point `websecure` (TLS), and Traefik's order between them is undefined"
        );
    }

    #[test]
    fn provider_precedence_breaks_ties_from_3_7() {
        let routers = [
            router(
                "site@file",
                "Host(`seisei.tokyo`)",
                10,
                &["websecure"],
                true,
            ),
            router(
                "site@docker",
                "Host(`seisei.tokyo`)",
                10,
                &["websecure"],
                true,
            ),
        ];
        let broken = Finding::TieBrokenByProvider {
            winner: "site@docker".to_owned(),
            loser: "site@file".to_owned(),
            entrypoint: "websecure".to_owned(),
            tls: true,
            priority: 10,
        };
        assert_eq!(broken.severity(), Severity::Warning);
        assert_eq!(run(&routers, V37).findings, [broken]);
        let ambiguous = Finding::Ambiguous {
            a: "site@docker".to_owned(),
            b: "site@file".to_owned(),
            entrypoint: "websecure".to_owned(),
            tls: true,
            priority: 10,
        };
        assert_eq!(run(&routers, V36).findings, [ambiguous]);
    }

    #[test]
    fn redirect_shadows_a_plain_http_router() {
        // Reference pitfall 7: a router without `tls` on the redirecting entry point.
        let mut routers = edge();
        routers.push(router(
            "app@docker",
            "Host(`app.seisei.tokyo`)",
            0,
            &["web"],
            false,
        ));
        routers.push(router(
            "app-secure@docker",
            "Host(`app.seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ));
        // Requests without a host are not redirected, so a host-less rule is still reachable.
        routers.push(router(
            "probe@file",
            "PathPrefix(`/probe`)",
            0,
            &["web"],
            false,
        ));
        // The emulated wildcard of a v3.6 target requires a host too.
        routers.push(router(
            "tenants@file",
            r"HostRegexp(`^[a-z0-9-]+\.erp\.seisei\.tokyo$`)",
            0,
            &["web"],
            false,
        ));
        let analysis = run(&routers, V36);
        assert_eq!(
            analysis.findings,
            [
                shadowed("app@docker", "web-to-websecure@internal", "web", false),
                shadowed("tenants@file", "web-to-websecure@internal", "web", false),
            ]
        );
        assert!(analysis.findings[0].help().contains("with `tls`"));
    }

    #[test]
    fn acme_challenge_router_shadows_a_user_challenge_route() {
        let mut routers = edge();
        routers.push(router(
            "challenge@file",
            "PathPrefix(`/.well-known/acme-challenge/`)",
            0,
            &["web"],
            false,
        ));
        routers.push(router(
            "token@file",
            "Host(`seisei.tokyo`) && PathPrefix(`/.well-known/acme-challenge/x`)",
            0,
            &["web"],
            false,
        ));
        let analysis = run(&routers, V37);
        // The ACME router outranks the redirect, so it is the one named for `token` too.
        assert_eq!(
            analysis.findings,
            [
                shadowed("challenge@file", "acme-http@internal", "web", false),
                shadowed("token@file", "acme-http@internal", "web", false),
            ]
        );
        assert!(analysis.findings[0].help().contains("ACME HTTP-01"));
    }

    #[test]
    fn internal_routers_follow_traefik_names() {
        let routers = internal_routers(
            &[
                ("web".to_owned(), Some(":443".to_owned()), false),
                ("alt".to_owned(), Some("websecure".to_owned()), false),
                ("websecure".to_owned(), None, true),
            ],
            &["web".to_owned(), "alt".to_owned(), "web".to_owned()],
        );
        let names: Vec<&str> = routers.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "web-to-443@internal",
                "alt-to-websecure@internal",
                "acme-http@internal"
            ]
        );
        assert_eq!(routers[0].rule, REDIRECT_RULE);
        assert_eq!(routers[0].priority, i64::MAX - 1);
        assert!(!routers[0].tls);
        assert_eq!(routers[2].rule, ACME_RULE);
        assert_eq!(routers[2].priority, i64::MAX);
        assert_eq!(routers[2].entrypoints, ["web", "alt"]);
        assert!(routers.iter().all(|r| r.provider == "internal"));
        // Internal routers may use the reserved range.
        assert!(run(&routers, V37).routers.iter().all(|r| r.error.is_none()));
    }

    #[test]
    fn tls_and_plain_routers_live_in_separate_tables() {
        let routers = [
            router(
                "a@file",
                "Host(`seisei.tokyo`)",
                0,
                &["web", "websecure"],
                false,
            ),
            router("b@file", "Host(`seisei.tokyo`)", 0, &["websecure"], true),
        ];
        let analysis = run(&routers, V37);
        assert_eq!(analysis.findings, []);
        assert_eq!(
            analysis.routers[0].tables,
            [
                Table {
                    entrypoint: "web".to_owned(),
                    tls: false
                },
                Table {
                    entrypoint: "websecure".to_owned(),
                    tls: false
                },
            ]
        );
    }

    #[test]
    fn distinct_paths_methods_and_negations_do_not_overlap() {
        let exclusive = [
            ("Path(`/a`)", "Path(`/b`)"),
            ("PathPrefix(`/a`)", "PathPrefix(`/b`)"),
            ("Path(`/x`)", "PathPrefix(`/a`)"),
            ("Method(`GET`)", "Method(`post`)"),
            ("PathPrefix(`/x`)", "!PathPrefix(`/x`)"),
            ("Path(`/x/y`)", "!PathPrefix(`/x`)"),
            ("Host(`a.seisei.tokyo`)", "!Host(`*.seisei.tokyo`)"),
            ("Path(`/a`)", "PathRegexp(`^/b`)"),
            ("Host(`a.seisei.tokyo`)", r"HostRegexp(`^b\.`)"),
        ];
        for (x, y) in exclusive {
            assert!(!overlaps(&terms(x, V37), &terms(y, V37)), "{x} vs {y}");
        }
        let routers = [
            router(
                "x@file",
                "Host(`a.seisei.tokyo`) && !PathPrefix(`/x`)",
                9,
                &["web"],
                false,
            ),
            router(
                "y@file",
                "Host(`a.seisei.tokyo`) && PathPrefix(`/x`)",
                9,
                &["web"],
                false,
            ),
        ];
        assert_eq!(run(&routers, V37).findings, []);
    }

    #[test]
    fn headers_queries_and_regexes_may_overlap() {
        let overlapping = [
            ("Header(`X`, `1`)", "Header(`X`, `2`)"),
            ("Query(`a`, `1`)", "Query(`a`, `2`)"),
            ("ClientIP(`10.0.0.1`)", "ClientIP(`10.0.0.2`)"),
            ("PathRegexp(`^/a`)", "PathRegexp(`^/b`)"),
            ("PathPrefix(`/a`)", "PathPrefix(`/a/b`)"),
            ("Host(`a.seisei.tokyo`)", "!Host(`b.seisei.tokyo`)"),
        ];
        for (x, y) in overlapping {
            assert!(overlaps(&terms(x, V37), &terms(y, V37)), "{x} vs {y}");
        }
        // Unknown leaves never prove coverage unless they are identical.
        let broad = terms("Host(`a.b`) && Header(`X`, `1`)", V37);
        assert!(!covers(
            &broad,
            &terms("Host(`a.b`) && Header(`X`, `2`)", V37)
        ));
        assert!(covers(
            &broad,
            &terms("Host(`a.b`) && Header(`X`, `1`) && Path(`/`)", V37)
        ));
    }

    #[test]
    fn alternatives_are_covered_one_by_one() {
        let broad = terms("Host(`a.b`) && (PathPrefix(`/x`) || PathPrefix(`/y`))", V37);
        assert_eq!(broad.len(), 2);
        assert!(covers(
            &broad,
            &terms("Host(`a.b`) && (Path(`/x/1`) || PathPrefix(`/y/2`))", V37)
        ));
        assert!(!covers(
            &broad,
            &terms("Host(`a.b`) && (Path(`/x/1`) || PathPrefix(`/z`))", V37)
        ));
        // `!(A && B)` is `!A || !B`.
        assert_eq!(terms("!(Path(`/a`) && Method(`GET`))", V37).len(), 2);
    }

    #[test]
    fn oversized_rules_may_overlap_but_never_shadow() {
        // Seven `||` pairs under `&&` expand to 128 terms, over the limit.
        let groups: Vec<String> = (0..7)
            .map(|i| format!("(Header(`h{i}`, `a`) || Header(`h{i}`, `b`))"))
            .collect();
        let big = format!("Host(`a.seisei.tokyo`) && {}", groups.join(" && "));
        let routers = [
            router("big@file", &big, 50, &["web"], false),
            router("catch@file", "Host(`a.seisei.tokyo`)", 80, &["web"], false),
            router(
                "narrow@file",
                "Host(`a.seisei.tokyo`) && Path(`/`)",
                10,
                &["web"],
                false,
            ),
            router(
                "twin@file",
                "Host(`a.seisei.tokyo`) && Path(`/x`)",
                50,
                &["web"],
                false,
            ),
        ];
        let analysis = run(&routers, V37);
        assert!(!analysis.routers[0].precise);
        assert!(analysis.routers[1].precise);
        // `big` may overlap `twin`, and `catch` covers `twin` and `narrow`; `big` proves
        // nothing about `narrow` and is not proved shadowed by `catch`.
        assert_eq!(
            analysis.findings,
            [
                Finding::Ambiguous {
                    a: "big@file".to_owned(),
                    b: "twin@file".to_owned(),
                    entrypoint: "web".to_owned(),
                    tls: false,
                    priority: 50,
                },
                shadowed("narrow@file", "catch@file", "web", false),
                shadowed("twin@file", "catch@file", "web", false),
            ]
        );
    }

    #[test]
    fn contradictory_rule_never_matches() {
        let routers = [
            router(
                "both@file",
                "Host(`a.seisei.tokyo`) && Host(`b.seisei.tokyo`)",
                0,
                &["web"],
                false,
            ),
            router("a@file", "Host(`a.seisei.tokyo`)", 0, &["web"], false),
        ];
        let analysis = run(&routers, V37);
        assert_eq!(
            analysis.findings,
            [Finding::NeverMatches {
                router: "both@file".to_owned()
            }]
        );
        assert_eq!(analysis.comparisons, 0);
        assert_eq!(
            analysis.findings[0].to_string(),
            "the rule of router `both@file` never matches: its conditions exclude each other"
        );
    }

    #[test]
    fn unmountable_routers_take_no_part() {
        let routers = [
            router("bad@file", "Host(`a.b`, `c.d`)", 10, &["web"], false),
            router("high@file", "Host(`a.b`)", i64::MAX - 5, &["web"], false),
            router("ok@file", "Host(`a.b`)", 10, &["web"], false),
        ];
        let analysis = run(&routers, V37);
        assert_eq!(analysis.findings, []);
        let error = analysis.routers[0].error.as_deref().unwrap();
        assert!(error.starts_with("rule does not parse: "), "{error}");
        assert!(analysis.routers[0].tables.is_empty());
        assert!(
            analysis.routers[1]
                .error
                .as_deref()
                .unwrap()
                .contains("highest")
        );
        assert_eq!(analysis.routers[2].error, None);
    }

    #[test]
    fn findings_are_sorted_by_table_then_names() {
        let mut routers = edge();
        for name in ["z@docker", "m@docker"] {
            routers.push(router(name, "Host(`x.y`)", 0, &["web", "websecure"], false));
        }
        let analysis = run(&routers, V37);
        let keys: Vec<(String, String)> = analysis
            .findings
            .iter()
            .map(|finding| match finding {
                Finding::Ambiguous { a, entrypoint, .. } => (entrypoint.clone(), a.clone()),
                Finding::Shadowed {
                    router, entrypoint, ..
                } => (entrypoint.clone(), router.clone()),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("web".to_owned(), "m@docker".to_owned()),
                ("web".to_owned(), "m@docker".to_owned()),
                ("web".to_owned(), "z@docker".to_owned()),
                ("websecure".to_owned(), "m@docker".to_owned()),
            ]
        );
        // Second names break the tie: `web-to-websecure@internal` sorts before `z@docker`.
        assert!(matches!(analysis.findings[0], Finding::Shadowed { .. }));
        assert!(matches!(analysis.findings[1], Finding::Ambiguous { .. }));
    }

    #[test]
    fn comparisons_stay_linear_in_the_number_of_routers() {
        let mut routers = edge();
        let extras = [
            ("root", String::new()),
            ("api", " && PathPrefix(`/api`)".to_owned()),
            ("v2", " && PathPrefix(`/api/v2`)".to_owned()),
            ("health", " && Path(`/health`)".to_owned()),
            ("post", " && Method(`POST`)".to_owned()),
        ];
        for tenant in 0..2000 {
            let (entrypoint, tls) = if tenant % 2 == 0 {
                ("web", false)
            } else {
                ("websecure", true)
            };
            for (kind, extra) in &extras {
                routers.push(router(
                    &format!("{kind}-{tenant}@docker"),
                    &format!("Host(`t{tenant}.example.com`){extra}"),
                    0,
                    &[entrypoint],
                    tls,
                ));
            }
        }
        routers.push(router(
            "tenants@file",
            "Host(`*.example.com`)",
            0,
            &["websecure"],
            true,
        ));
        let analysis = run(&routers, V37);
        assert_eq!(routers.len(), 10_003);
        assert!(
            analysis.comparisons < 20 * routers.len(),
            "{} comparisons for {} routers",
            analysis.comparisons,
            routers.len()
        );
        // Every router on the redirecting entry point requires a host, so the redirect shadows
        // all 5,000 of them; nothing else conflicts.
        assert_eq!(analysis.findings.len(), 5000);
        assert!(analysis.findings.iter().all(|finding| matches!(
            finding,
            Finding::Shadowed { by, .. } if by == "web-to-websecure@internal"
        )));
    }

    #[test]
    fn explain_sends_a_tenant_host_to_the_wildcard_router() {
        let mut routers = edge();
        routers.push(router(
            "tenants@file",
            "Host(`*.erp.seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ));
        routers.push(router(
            "www@file",
            "Host(`seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ));
        let verdict = route(
            &routers,
            &request(true, "Acme.ERP.seisei.tokyo", "/web"),
            "websecure",
            V37,
        );
        assert_eq!(verdict.winner.unwrap().name, "tenants@file");
        assert_eq!(verdict.losers, []);
        // Before v3.7 the same rule is a literal host and nothing answers.
        let verdict = route(
            &routers,
            &request(true, "acme.erp.seisei.tokyo", "/"),
            "websecure",
            V36,
        );
        assert_eq!(verdict.winner, None);
    }

    #[test]
    fn explain_unknown_host_has_no_winner() {
        let mut routers = edge();
        routers.push(router(
            "www@file",
            "Host(`seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ));
        let verdict = route(
            &routers,
            &request(true, "unknown.example", "/"),
            "websecure",
            V37,
        );
        assert_eq!(verdict.winner, None);
        assert_eq!(verdict.losers, []);
        assert!(!verdict.ambiguous());
    }

    #[test]
    fn explain_lists_matching_losers_with_reasons() {
        let routers = [
            router(
                "crm@docker",
                "Host(`api.seisei.tokyo`) && PathPrefix(`/crm`)",
                0,
                &["websecure"],
                true,
            ),
            router(
                "api@docker",
                "Host(`api.seisei.tokyo`)",
                0,
                &["websecure"],
                true,
            ),
            router(
                "api@file",
                "Host(`api.seisei.tokyo`)",
                0,
                &["websecure"],
                true,
            ),
            router(
                "other@file",
                "Host(`other.seisei.tokyo`)",
                0,
                &["websecure"],
                true,
            ),
        ];
        let verdict = route(
            &routers,
            &request(true, "api.seisei.tokyo", "/crm/leads"),
            "websecure",
            V37,
        );
        assert_eq!(verdict.winner.as_ref().unwrap().name, "crm@docker");
        let reasons: Vec<(&str, &LossReason)> = verdict
            .losers
            .iter()
            .map(|loss| (loss.router.name.as_str(), &loss.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "api@docker",
                    &LossReason::LowerPriority {
                        priority: 24,
                        winner_priority: 46
                    }
                ),
                (
                    "api@file",
                    &LossReason::LowerPriority {
                        priority: 24,
                        winner_priority: 46
                    }
                ),
            ]
        );
        let verdict = route(
            &routers,
            &request(true, "api.seisei.tokyo", "/other"),
            "websecure",
            V37,
        );
        assert_eq!(verdict.winner.as_ref().unwrap().name, "api@docker");
        assert_eq!(
            verdict.losers[0].reason,
            LossReason::ProviderPrecedence {
                provider: "file".to_owned(),
                winner_provider: "docker".to_owned()
            }
        );
        assert_eq!(
            verdict.losers[0].reason.to_string(),
            "same priority, lost on provider precedence: `docker` before `file`"
        );
        assert!(!verdict.ambiguous());
        let verdict = route(
            &routers,
            &request(true, "api.seisei.tokyo", "/other"),
            "websecure",
            V36,
        );
        assert_eq!(verdict.losers[0].reason, LossReason::Tie);
        assert!(verdict.ambiguous());
    }

    #[test]
    fn explain_plain_http_hits_the_redirect_and_the_challenge() {
        let mut routers = edge();
        routers.push(router(
            "app@docker",
            "Host(`app.seisei.tokyo`)",
            0,
            &["web", "websecure"],
            false,
        ));
        let verdict = route(
            &routers,
            &request(false, "app.seisei.tokyo", "/"),
            "web",
            V37,
        );
        assert_eq!(verdict.winner.unwrap().name, "web-to-websecure@internal");
        assert_eq!(verdict.losers.len(), 1);
        let verdict = route(
            &routers,
            &request(false, "app.seisei.tokyo", "/.well-known/acme-challenge/t"),
            "web",
            V37,
        );
        assert_eq!(verdict.winner.unwrap().name, "acme-http@internal");
        assert_eq!(verdict.losers.len(), 2);
        // Pitfall 7: the router has no `tls`, so HTTPS finds nothing.
        let verdict = route(
            &routers,
            &request(true, "app.seisei.tokyo", "/"),
            "websecure",
            V37,
        );
        assert_eq!(verdict.winner, None);
    }

    #[test]
    fn explain_uses_the_requested_entry_point_over_the_candidates() {
        let routers = [
            router("a@file", "Host(`a.b`)", 0, &["web"], false),
            router("b@file", "Host(`a.b`)", 0, &["alt"], false),
        ];
        let inputs: Vec<RouterInput<'_>> = routers.iter().map(OwnedRouterInput::as_input).collect();
        let mut probe = request(false, "a.b", "/");
        let candidates = ["web".to_owned(), "alt".to_owned(), "web".to_owned()];
        let explanation = explain(&inputs, &probe, &candidates, V37);
        let winners: Vec<(&str, &str)> = explanation
            .verdicts
            .iter()
            .map(|v| {
                (
                    v.entrypoint.as_str(),
                    v.winner.as_ref().unwrap().name.as_str(),
                )
            })
            .collect();
        assert_eq!(winners, [("web", "a@file"), ("alt", "b@file")]);
        probe.entrypoint = Some("alt".to_owned());
        let explanation = explain(&inputs, &probe, &candidates, V37);
        assert_eq!(explanation.verdicts.len(), 1);
        assert_eq!(explanation.verdicts[0].entrypoint, "alt");
    }

    #[test]
    fn names_normalise_like_traefik() {
        assert_eq!(normalize_name("web-to-:443"), "web-to-443");
        assert_eq!(normalize_name("web_1-to-web.secure"), "web-1-to-web-secure");
        assert_eq!(
            emulated_wildcard(r"^[a-z0-9-]+\.erp\.seisei\.tokyo$").as_deref(),
            Some("erp.seisei.tokyo")
        );
        assert_eq!(emulated_wildcard(r"^[a-z0-9-]+\.erp.seisei\.tokyo$"), None);
        assert_eq!(emulated_wildcard(r"^[a-z0-9-]+\.erp\.seisei\.tokyo"), None);
    }
}
