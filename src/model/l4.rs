//! TCP and UDP routers of the model: one router and one service per `tcp_routes` or
//! `udp_routes` entry, with the Docker labels that declare them. Input: the resolved stacks;
//! output: [`L4Router`]s sorted by protocol and name.

use super::{Builder, provider_name};
use crate::spec::{self, Protocol, Provider};
use crate::traefik::rule::{self, Kind};

/// A TCP or UDP router and its service (named after it).
#[derive(Debug, Clone)]
pub struct L4Router {
    pub protocol: Protocol,
    pub name: String,
    pub stack: String,
    pub service: String,
    pub provider: Provider,
    /// The TCP rule; UDP routers have none.
    pub rule: Option<String>,
    pub priority: Option<i64>,
    /// Explicit, or the rule's length (-1 for ``HostSNI(`*`)``).
    pub effective_priority: i64,
    pub entrypoints: Vec<String>,
    /// TLS with `options` qualified (`name@file`) outside the file provider.
    pub tls: Option<spec::TcpTls>,
    /// TCP middlewares, qualified (`name@file`) when the router is not in the file provider.
    pub middlewares: Vec<String>,
    pub port: u16,
    /// `container:port`.
    pub address: String,
    pub note: Option<String>,
    /// Position in its service's `tcp_routes` or `udp_routes`, for diagnostics.
    pub index: usize,
}

impl L4Router {
    pub fn provider_name(&self) -> &'static str {
        provider_name(self.provider)
    }

    /// `tcp` or `udp`, as Traefik's sections and labels spell it.
    pub fn section(&self) -> &'static str {
        match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }

    /// `tcp_routes` or `udp_routes`, the spec field it comes from.
    pub fn field(&self) -> &'static str {
        match self.protocol {
            Protocol::Tcp => "tcp_routes",
            Protocol::Udp => "udp_routes",
        }
    }

    /// The Docker labels that declare the router and its service.
    pub fn labels(&self) -> Vec<(String, String)> {
        let section = self.section();
        let prefix = format!("traefik.{section}.routers.{}", self.name);
        let mut labels = vec![
            (format!("{prefix}.entrypoints"), self.entrypoints.join(",")),
            (format!("{prefix}.service"), self.name.clone()),
            (
                format!(
                    "traefik.{section}.services.{}.loadbalancer.server.port",
                    self.name
                ),
                self.port.to_string(),
            ),
        ];
        if let Some(rule) = &self.rule {
            labels.push((format!("{prefix}.rule"), rule.clone()));
        }
        if let Some(priority) = self.priority {
            labels.push((format!("{prefix}.priority"), priority.to_string()));
        }
        if !self.middlewares.is_empty() {
            labels.push((format!("{prefix}.middlewares"), self.middlewares.join(",")));
        }
        if let Some(tls) = &self.tls {
            labels.push((format!("{prefix}.tls"), "true".into()));
            if tls.passthrough {
                labels.push((format!("{prefix}.tls.passthrough"), "true".into()));
            }
            if let Some(resolver) = &tls.cert_resolver {
                labels.push((format!("{prefix}.tls.certresolver"), resolver.clone()));
            }
            if let Some(options) = &tls.options {
                labels.push((format!("{prefix}.tls.options"), options.clone()));
            }
            for (i, domain) in tls.domains.iter().enumerate() {
                labels.push((
                    format!("{prefix}.tls.domains[{i}].main"),
                    domain.main.clone(),
                ));
                if !domain.sans.is_empty() {
                    labels.push((
                        format!("{prefix}.tls.domains[{i}].sans"),
                        domain.sans.join(","),
                    ));
                }
            }
        }
        labels
    }
}

impl Builder<'_> {
    /// Every TCP and UDP router of the platform.
    pub(super) fn l4_routers(&mut self) -> Vec<L4Router> {
        let spec = &self.source.spec;
        let mut routers = Vec::new();
        for (stack_name, stack) in &self.resolved.stacks {
            for (service_name, service) in &stack.services {
                let container = service
                    .container_name
                    .clone()
                    .unwrap_or_else(|| super::service::default_name(stack_name, service_name));
                let only = |protocol: Protocol| {
                    let ports: Vec<u16> = service
                        .ports
                        .iter()
                        .flatten()
                        .filter(|p| p.protocol == protocol)
                        .map(|p| p.container)
                        .collect();
                    if ports.len() == 1 { ports[0] } else { 0 }
                };
                let name = |router: &Option<String>, suffix: &Option<String>, count: usize| {
                    match (router, suffix) {
                        (Some(chosen), _) => chosen.clone(),
                        (None, Some(suffix)) => format!("{stack_name}-{service_name}-{suffix}"),
                        // Several unnamed routes get their position; validation asks for names.
                        (None, None) if count > 1 => String::new(),
                        (None, None) => format!("{stack_name}-{service_name}"),
                    }
                };
                let provider_of = |route: Option<Provider>| {
                    route
                        .or(stack.provider)
                        .unwrap_or(spec.traefik.default_provider)
                };
                for (index, route) in service.tcp_routes.iter().enumerate() {
                    let provider = provider_of(route.provider);
                    let port = route.port.unwrap_or_else(|| only(Protocol::Tcp));
                    let tls = route.tls.clone().map(|mut tls| {
                        if provider != Provider::File {
                            tls.options = tls.options.map(|o| format!("{o}@file"));
                        }
                        tls
                    });
                    routers.push(L4Router {
                        protocol: Protocol::Tcp,
                        name: name(&route.router, &route.name, service.tcp_routes.len()),
                        stack: stack_name.clone(),
                        service: service_name.clone(),
                        provider,
                        effective_priority: route
                            .priority
                            .filter(|p| *p != 0)
                            .unwrap_or_else(|| rule::default_priority(&route.rule, Kind::Tcp)),
                        rule: Some(route.rule.clone()),
                        priority: route.priority.filter(|p| *p != 0),
                        entrypoints: route.entrypoints.clone(),
                        tls,
                        middlewares: route
                            .middlewares
                            .iter()
                            .map(|m| {
                                if provider == Provider::File || m.contains('@') {
                                    m.clone()
                                } else {
                                    format!("{m}@file")
                                }
                            })
                            .collect(),
                        port,
                        address: format!("{container}:{port}"),
                        note: route.note.clone(),
                        index,
                    });
                }
                for (index, route) in service.udp_routes.iter().enumerate() {
                    let port = route.port.unwrap_or_else(|| only(Protocol::Udp));
                    routers.push(L4Router {
                        protocol: Protocol::Udp,
                        name: name(&route.router, &route.name, service.udp_routes.len()),
                        stack: stack_name.clone(),
                        service: service_name.clone(),
                        provider: provider_of(route.provider),
                        rule: None,
                        priority: None,
                        effective_priority: 0,
                        entrypoints: route.entrypoints.clone(),
                        tls: None,
                        middlewares: Vec::new(),
                        port,
                        address: format!("{container}:{port}"),
                        note: route.note.clone(),
                        index,
                    });
                }
            }
        }
        routers.sort_by(|a, b| (a.protocol, &a.name).cmp(&(b.protocol, &b.name)));
        routers
    }
}
