//! The routing tables Traefik builds: routers as it mounts them, one table per entry point and
//! TLS-ness, the routers it adds by itself (redirects, the ACME challenge) and how it orders
//! equal priorities (provider precedence from v3.7 on).

use crate::traefik::Version;

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
/// `pkg/config/static/static_config.go`). Traefik applies it only when written, so seisei
/// writes `providers.precedence` in this order whenever Docker labels are used (`model::edge`).
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

/// From v3.7 on equal priorities are ordered by provider precedence.
pub(super) fn breaks_ties(version: Version) -> bool {
    version >= Version { major: 3, minor: 7 }
}

/// Position in [`PROVIDER_PRECEDENCE`]; unlisted providers share the last place. Provider names
/// compare case-insensitively, as in `providers.precedence`.
pub(super) fn provider_rank(provider: &str) -> usize {
    PROVIDER_PRECEDENCE
        .iter()
        .position(|name| name.eq_ignore_ascii_case(provider))
        .unwrap_or(PROVIDER_PRECEDENCE.len())
}

/// Traefik's `provider.Normalize`: runs of characters other than letters and digits become one
/// `-`, so a redirect to `:443` yields `web-to-443`.
pub(super) fn normalize_name(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

pub(super) fn table_label(entrypoint: &str, tls: bool) -> String {
    let kind = if tls { "TLS" } else { "non-TLS" };
    format!("entry point `{entrypoint}` ({kind})")
}
