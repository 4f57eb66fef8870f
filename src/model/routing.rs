//! The routing table Traefik will build from the platform: the generated routers, the
//! dashboard router, and the routers Traefik adds itself (HTTP→HTTPS redirects, the ACME
//! HTTP-01 challenge). Input: the model; output: rows for `seisei routes`, `seisei route`
//! and the conflict analysis.

use super::{Entrypoint, Model, Router};
use crate::traefik::analysis::{self, OwnedRouterInput, RouterInput};
use crate::traefik::rule::{self, Kind};

/// One router as Traefik sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterRow {
    /// `name@provider`.
    pub name: String,
    pub provider: String,
    pub entrypoints: Vec<String>,
    pub tls: bool,
    pub rule: String,
    /// Effective priority: explicit, or the rule's length.
    pub priority: i64,
    /// `name@provider` of the Traefik service, or an internal one.
    pub service: String,
    /// Entry-point middlewares first, as Traefik prepends them, then the router's own.
    pub middlewares: Vec<String>,
    /// `http://container:port`, for routers to a container.
    pub backend: Option<String>,
    /// Index in `Model::routers` for generated routers.
    pub router: Option<usize>,
}

impl RouterRow {
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

/// Every router of the platform's routing table, sorted by name.
pub fn table(model: &Model) -> Vec<RouterRow> {
    let mut rows: Vec<RouterRow> = Vec::new();
    for (index, r) in model.routers.iter().enumerate() {
        // The labels are read by the Swarm provider on a Swarm-only platform.
        let provider = match r.provider {
            crate::spec::Provider::Docker => model.swarm.label_provider(),
            crate::spec::Provider::File => r.provider_name(),
        };
        for built in as_traefik_builds(r, &model.traefik.entrypoints) {
            rows.push(RouterRow {
                name: format!("{}@{provider}", built.name),
                provider: provider.to_owned(),
                entrypoints: built.entrypoints,
                tls: built.tls,
                rule: r.rule.clone(),
                priority: r.effective_priority,
                service: crate::traefik::qualify(&r.service_name, provider),
                middlewares: built
                    .middlewares
                    .iter()
                    .map(|m| crate::traefik::qualify(m, provider))
                    .collect(),
                backend: Some(r.url.clone()),
                router: Some(index),
            });
        }
    }
    rows.extend(dashboard_row(model));
    let entrypoints: Vec<(String, Option<String>, bool)> = model
        .traefik
        .entrypoints
        .iter()
        .map(|e| (e.name.clone(), e.redirect_to.clone(), e.tls))
        .collect();
    let challenges: Vec<String> = model
        .traefik
        .cert_resolvers
        .iter()
        .filter_map(|r| r.http_challenge_entrypoint.clone())
        .collect();
    for internal in analysis::internal_routers(&entrypoints, &challenges) {
        rows.push(internal_row(internal));
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// The dashboard's router (`dashboard@file`, to `api@internal`), when the dashboard is on.
pub fn dashboard_row(model: &Model) -> Option<RouterRow> {
    let dashboard = model.traefik.edge.dashboard.as_ref()?;
    let entrypoint = &dashboard.entrypoint;
    let rule = dashboard.rule.clone();
    let entrypoints = vec![entrypoint.clone()];
    Some(RouterRow {
        name: "dashboard@file".into(),
        provider: "file".into(),
        tls: model
            .traefik
            .entrypoints
            .iter()
            .any(|e| &e.name == entrypoint && e.tls),
        priority: rule::default_priority(&rule, Kind::Http),
        middlewares: {
            let mut all = entrypoint_middlewares(model, &entrypoints);
            all.extend(
                dashboard
                    .middlewares
                    .iter()
                    .map(|m| crate::traefik::qualify(m, "file")),
            );
            all
        },
        entrypoints,
        rule,
        service: "api@internal".into(),
        backend: None,
        router: None,
    })
}

/// The middlewares of the named entry points, each once, in entry-point order.
fn entrypoint_middlewares(model: &Model, entrypoints: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for e in model
        .traefik
        .entrypoints
        .iter()
        .filter(|e| entrypoints.contains(&e.name))
    {
        for m in &e.middlewares {
            if !found.contains(m) {
                found.push(m.clone());
            }
        }
    }
    found
}

fn internal_row(router: OwnedRouterInput) -> RouterRow {
    let redirect = router.rule == analysis::REDIRECT_RULE;
    let middlewares = if redirect {
        vec![format!("redirect-{}", router.name)]
    } else {
        Vec::new()
    };
    RouterRow {
        name: router.name,
        provider: router.provider,
        entrypoints: router.entrypoints,
        tls: router.tls,
        rule: router.rule,
        priority: router.priority,
        service: if redirect {
            "noop@internal".into()
        } else {
            "acme-http@internal".into()
        },
        middlewares,
        backend: None,
        router: None,
    }
}

/// A router as Traefik builds it on some of its entry points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// Without the provider: the router's own name, or `<entrypoint>-<name>`.
    pub name: String,
    pub entrypoints: Vec<String>,
    pub tls: bool,
    /// The entry point's middlewares first, then the router's own, as written.
    pub middlewares: Vec<String>,
}

/// What Traefik makes of `router` (`applyModel` in `pkg/server/aggregator.go`): an entry
/// point whose static configuration has `http.middlewares` or `http.tls` is a "model", and
/// the router gets a copy of its own there, with the model's middlewares prepended and the
/// model's TLS when the router has none. A router on several entry points has that copy
/// renamed `<entrypoint>-<name>`; on the entry points without a model it keeps its name.
pub fn as_traefik_builds(router: &Router, entrypoints: &[Entrypoint]) -> Vec<Built> {
    let model_of = |name: &String| {
        entrypoints
            .iter()
            .find(|e| &e.name == name)
            .filter(|e| e.tls || !e.middlewares.is_empty())
    };
    let several = router.entrypoints.len() > 1;
    let mut built = Vec::new();
    let mut plain = Vec::new();
    for name in &router.entrypoints {
        match model_of(name) {
            Some(model) => built.push(Built {
                name: if several {
                    format!("{name}-{}", router.name)
                } else {
                    router.name.clone()
                },
                entrypoints: vec![name.clone()],
                tls: router.tls || model.tls,
                middlewares: model
                    .middlewares
                    .iter()
                    .chain(&router.middlewares)
                    .cloned()
                    .collect(),
            }),
            None => plain.push(name.clone()),
        }
    }
    if !plain.is_empty() {
        built.push(Built {
            name: router.name.clone(),
            entrypoints: plain,
            tls: router.tls,
            middlewares: router.middlewares.clone(),
        });
    }
    built.sort_by(|a, b| a.name.cmp(&b.name));
    built
}

/// The generated router behind a row, if any.
pub fn router_of<'a>(model: &'a Model, row: &RouterRow) -> Option<&'a Router> {
    row.router.map(|i| &model.routers[i])
}
