//! The Traefik side of the model: a router per route (rule, priority, entry points, TLS,
//! middlewares, backend), the Docker labels that declare them, and the proxy's own settings.

use std::collections::BTreeMap;

use super::l4::L4Router;
use super::{
    Builder, CertResolver, Entrypoint, LabelSource, Middleware, Model, Router, Service, Traefik,
};

/// What a route belongs to: a container, or a backend that is not one.
#[derive(Clone, Copy)]
pub(super) enum Owner<'a> {
    Container(&'a spec::Service),
    Backend(&'a spec::Backend),
}
use crate::diagnostics::Code;
use crate::spec::{self, Provider};
use crate::traefik::{self, RouteMatch, Version};

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn router(
        &mut self,
        stack_name: &str,
        stack: &spec::Stack,
        service_name: &str,
        owner: Owner<'_>,
        index: usize,
        route: &spec::Route,
        version: Version,
    ) -> Option<Router> {
        let spec = &self.source.spec;
        let (section, routes_len) = match owner {
            Owner::Container(service) => (
                "services",
                service.routes.as_deref().unwrap_or_default().len(),
            ),
            Owner::Backend(backend) => ("backends", backend.routes.len()),
        };
        let name = match (&route.router, &route.name, routes_len) {
            (Some(chosen), _, _) => chosen.clone(),
            (None, Some(suffix), _) => format!("{stack_name}-{service_name}-{suffix}"),
            (None, None, 1) => format!("{stack_name}-{service_name}"),
            (None, None, _) => {
                let at = [
                    "stacks",
                    stack_name,
                    section,
                    service_name,
                    "routes",
                    &index.to_string(),
                ];
                self.problems.push(
                    self.locate(stack_name, &at, Code::InvalidRoute, format!("service `{service_name}` has several routes, and this one has no `name`"))
                        .with_help("give each route a `name:`, which makes its router name unique"),
                );
                return None;
            }
        };
        let rule = match &route.rule {
            Some(rule) => rule.clone(),
            None => traefik::write_rule(
                &RouteMatch {
                    hosts: &route.hosts,
                    path_prefix: route.path_prefix.as_deref(),
                    path: route.path.as_deref(),
                    methods: &route.methods,
                    headers: &route
                        .headers
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<Vec<_>>(),
                },
                version,
            ),
        };
        let entrypoints = route
            .entrypoints
            .clone()
            .unwrap_or_else(|| spec.traefik.default_entrypoints.clone());
        let tls = route.tls
            || entrypoints
                .iter()
                .any(|e| spec.traefik.entrypoints.get(e).is_some_and(|e| e.tls));
        // A backend that is not a container exists only in the file provider (validation
        // refuses `provider: docker` on its routes).
        let provider = match owner {
            Owner::Backend(_) => Provider::File,
            Owner::Container(_) => route
                .provider
                .or(stack.provider)
                .unwrap_or(spec.traefik.default_provider),
        };
        let (port, service_ref, implicit_service) = match owner {
            Owner::Container(service) => {
                let listening: Vec<u16> = service
                    .ports
                    .iter()
                    .flatten()
                    .map(|p| p.container)
                    .collect();
                let only = (listening.len() == 1).then(|| listening[0]);
                match route.service.as_ref() {
                    Some(chosen) => (
                        service
                            .traefik_services
                            .get(chosen)
                            .and_then(|lb| lb.port)
                            .or(only)
                            .unwrap_or(0),
                        chosen.clone(),
                        false,
                    ),
                    None => (route.port.or(only).unwrap_or(0), name.clone(), true),
                }
            }
            Owner::Backend(_) => (0, service_name.to_owned(), false),
        };
        // External middlewares are written `name@provider` already.
        let qualify = |m: &String| {
            if provider == Provider::File || m.contains('@') {
                m.clone()
            } else {
                format!("{m}@file")
            }
        };
        Some(Router {
            service_name: service_ref,
            implicit_service,
            on_backend: matches!(owner, Owner::Backend(_)),
            tls_options: if tls {
                route.tls_options.as_ref().map(qualify)
            } else {
                None
            },
            name,
            stack: stack_name.to_owned(),
            service: service_name.to_owned(),
            provider,
            effective_priority: traefik::effective_priority(&rule, route.priority),
            rule,
            priority: route.priority.filter(|p| *p != 0),
            entrypoints,
            middlewares: route.middlewares.iter().map(qualify).collect(),
            tls,
            cert_resolver: if tls {
                route
                    .cert_resolver
                    .clone()
                    .or_else(|| spec.traefik.default_cert_resolver.clone())
            } else {
                None
            },
            // Filled in from the router's service once the stack's services are known.
            url: String::new(),
            port,
            hosts: route.hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
            path_prefix: route.path_prefix.clone(),
            path: route.path.clone(),
            note: route.note.clone(),
            route_index: index,
            tls_domains: if tls {
                route.tls_domains.clone()
            } else {
                Vec::new()
            },
        })
    }
}

impl Model {
    /// A container's Docker provider labels, sorted by key; values are literal (the compose
    /// file escapes `$`). Written from the items its `label_sources` name when the file is
    /// rendered, and dropped with it.
    pub fn docker_labels(&self, service: &Service) -> Vec<(String, String)> {
        let mut labels = BTreeMap::new();
        // Each kind writes keys of its own (`traefik.tcp.…`, `traefik.http.services.…`,
        // `traefik.http.routers.…`), so the order of the sources does not matter.
        for source in &service.label_sources {
            match *source {
                LabelSource::L4Router(index) => labels.extend(self.l4_routers[index].labels()),
                LabelSource::Service(index) => labels.extend(self.services[index].labels()),
                LabelSource::Router(index) => router_labels(&self.routers[index], &mut labels),
            }
        }
        if !labels.is_empty() {
            labels.insert("traefik.enable".into(), "true".into());
            // Traefik dials the first network Docker lists unless told which one it shares
            // with the container (reference pitfall 9: 504 Gateway Timeout).
            if service.networks.len() > 1 {
                labels.insert(
                    "traefik.docker.network".into(),
                    self.traefik.network.clone(),
                );
            }
        }
        labels.into_iter().collect()
    }

    /// Every label of a container as the compose file writes it, sorted by key: Traefik's
    /// with `$` doubled (they are literal), the spec's own as written (Compose interpolates
    /// them).
    pub fn compose_labels(&self, service: &Service) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .docker_labels(service)
            .into_iter()
            .map(|(k, v)| (k, v.replace('$', "$$")))
            .chain(service.user_labels.iter().cloned())
            .collect();
        all.sort();
        all
    }
}

/// The labels that declare an HTTP router to the Docker provider.
fn router_labels(router: &Router, labels: &mut BTreeMap<String, String>) {
    let prefix = format!("traefik.http.routers.{}", router.name);
    labels.insert(format!("{prefix}.rule"), router.rule.clone());
    labels.insert(
        format!("{prefix}.entrypoints"),
        router.entrypoints.join(","),
    );
    labels.insert(format!("{prefix}.service"), router.service_name.clone());
    if let Some(priority) = router.priority {
        labels.insert(format!("{prefix}.priority"), priority.to_string());
    }
    if !router.middlewares.is_empty() {
        labels.insert(
            format!("{prefix}.middlewares"),
            router.middlewares.join(","),
        );
    }
    if router.tls {
        labels.insert(format!("{prefix}.tls"), "true".into());
        if let Some(resolver) = &router.cert_resolver {
            labels.insert(format!("{prefix}.tls.certresolver"), resolver.clone());
        }
        if let Some(options) = &router.tls_options {
            labels.insert(format!("{prefix}.tls.options"), options.clone());
        }
        for (i, domain) in router.tls_domains.iter().enumerate() {
            labels.insert(
                format!("{prefix}.tls.domains[{i}].main"),
                domain.main.clone(),
            );
            if !domain.sans.is_empty() {
                labels.insert(
                    format!("{prefix}.tls.domains[{i}].sans"),
                    domain.sans.join(","),
                );
            }
        }
    }
}

pub(super) fn traefik_model(
    spec: &spec::Traefik,
    routers: &[Router],
    l4_routers: &[L4Router],
) -> Traefik {
    let uses_docker_provider = spec.default_provider == Provider::Docker
        || routers.iter().any(|r| r.provider == Provider::Docker)
        || l4_routers.iter().any(|r| r.provider == Provider::Docker);
    Traefik {
        version: spec.version.clone(),
        stack: spec.stack.clone(),
        service: spec.service.clone(),
        config_dir: spec.config_dir.trim_end_matches('/').to_owned(),
        dynamic_dir: format!("{}/dynamic", spec.config_dir.trim_end_matches('/')),
        network: spec.network.clone(),
        log_level: spec
            .log
            .as_ref()
            .and_then(|l| l.level.clone())
            .or_else(|| spec.log_level.clone())
            .unwrap_or_else(|| "INFO".to_owned()),
        entrypoints: spec
            .entrypoints
            .iter()
            .map(|(name, e)| Entrypoint {
                name: name.clone(),
                address: e.address.clone(),
                redirect_to: e.redirect_to.clone(),
                tls: e.tls,
                cert_resolver: if e.tls {
                    e.cert_resolver
                        .clone()
                        .or_else(|| spec.default_cert_resolver.clone())
                } else {
                    None
                },
                middlewares: e
                    .middlewares
                    .iter()
                    .map(|m| crate::traefik::qualify(m, "file"))
                    .collect(),
                tls_domains: if e.tls {
                    e.tls_domains.clone()
                } else {
                    Vec::new()
                },
                options: super::edge::entrypoint_options(e),
                purpose: e.purpose.clone(),
            })
            .collect(),
        cert_resolvers: spec
            .cert_resolvers
            .iter()
            .map(|(name, r)| CertResolver {
                name: name.clone(),
                email: r.email.clone(),
                storage: r.storage.clone(),
                http_challenge_entrypoint: r.http_challenge_entrypoint.clone(),
                dns_challenge_provider: r
                    .dns_challenge_provider
                    .clone()
                    .or_else(|| r.dns_challenge.as_ref().map(|d| d.provider.clone())),
                dns_challenge: match (&r.dns_challenge, &r.dns_challenge_provider) {
                    (Some(d), _) => Some(super::edge::tree(d)),
                    (None, Some(provider)) => Some(super::edge::tree(&spec::DnsChallenge {
                        provider: provider.clone(),
                        resolvers: Vec::new(),
                        delay_before_check: None,
                        propagation: None,
                    })),
                    (None, None) => None,
                },
                ca_server: r.ca_server.clone(),
                key_type: r.key_type.clone(),
            })
            .collect(),
        middlewares: spec
            .middlewares
            .iter()
            .map(|(name, kind)| Middleware {
                name: name.clone(),
                kind: kind.clone(),
                tree: super::edge::tree(kind),
            })
            .collect(),
        dashboard: spec.dashboard.as_ref().map(|d| d.entrypoint.clone()),
        servers_transports: named_values(&spec.servers_transports),
        tls_options: named_values(&spec.tls_options),
        tls_stores: named_values(&spec.tls_stores),
        uses_docker_provider,
        edge: super::edge::edge(spec, uses_docker_provider),
    }
}

/// Named definitions as the file provider writes them: serde gives Traefik's field names.
fn named_values<T: serde::Serialize>(
    definitions: &BTreeMap<String, T>,
) -> Vec<(String, serde_yaml::Value)> {
    definitions
        .iter()
        .map(|(name, d)| {
            let value = serde_yaml::to_value(d)
                .unwrap_or(serde_yaml::Value::Mapping(serde_yaml::Mapping::new()));
            (name.clone(), value)
        })
        .collect()
}
