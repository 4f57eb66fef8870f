//! The Traefik services of the model: each container's named load balancers, the service of
//! every route that names none, and the stacks' backends (servers outside Docker, weighted
//! canaries, mirrors). Input: the resolved stacks and their routers; output: one
//! [`ProxyService`] per Traefik service, with its definition as both providers write it.

use serde_yaml::{Mapping, Value};

use super::Router;
use crate::spec::{self, Provider, Scheme};

/// One Traefik service.
#[derive(Debug, Clone)]
pub struct ProxyService {
    /// Unique across the platform.
    pub name: String,
    pub stack: String,
    /// The compose service it reaches, for a container's service.
    pub container: Option<String>,
    pub provider: Provider,
    pub kind: ServiceKind,
}

/// What a Traefik service does.
#[derive(Debug, Clone)]
pub enum ServiceKind {
    /// Round robin over servers: a container's port, or servers outside Docker.
    LoadBalancer {
        servers: Vec<ServerUrl>,
        /// The container port, for a container's service.
        port: Option<u16>,
        scheme: Scheme,
        /// Traefik's fields after `servers`, in the order written (`sticky`, `healthCheck`, …).
        options: Vec<(String, Value)>,
    },
    /// Weighted round robin over other services.
    Weighted {
        /// Names as the file provider resolves them (`name@docker` for a Docker service).
        services: Vec<(String, i64)>,
        options: Vec<(String, Value)>,
    },
    /// One service answers, mirrors get a copy.
    Mirroring {
        service: String,
        mirrors: Vec<(String, i64)>,
        options: Vec<(String, Value)>,
    },
}

#[derive(Debug, Clone)]
pub struct ServerUrl {
    pub url: String,
    pub weight: Option<i64>,
}

impl ProxyService {
    /// What the inventory and `seisei route` show as the backend.
    pub fn backend(&self) -> String {
        match &self.kind {
            ServiceKind::LoadBalancer { servers, .. } => servers
                .iter()
                .map(|s| s.url.clone())
                .collect::<Vec<_>>()
                .join(", "),
            ServiceKind::Weighted { services, .. } => {
                let parts: Vec<String> = services
                    .iter()
                    .map(|(name, weight)| format!("{name}×{weight}"))
                    .collect();
                format!("weighted: {}", parts.join(", "))
            }
            ServiceKind::Mirroring {
                service, mirrors, ..
            } => {
                let parts: Vec<String> = mirrors
                    .iter()
                    .map(|(name, percent)| format!("{name} {percent}%"))
                    .collect();
                format!("{service}, mirrored to {}", parts.join(", "))
            }
        }
    }

    /// Docker labels for a container's service, sorted by key by the caller.
    pub fn labels(&self) -> Vec<(String, String)> {
        let ServiceKind::LoadBalancer {
            port,
            scheme,
            options,
            ..
        } = &self.kind
        else {
            return Vec::new();
        };
        let prefix = format!("traefik.http.services.{}.loadbalancer", self.name);
        let mut labels = vec![(
            format!("{prefix}.server.port"),
            port.unwrap_or_default().to_string(),
        )];
        if *scheme != Scheme::Http {
            labels.push((
                format!("{prefix}.server.scheme"),
                scheme.as_str().to_owned(),
            ));
        }
        for (key, value) in options {
            flatten(
                &format!("{prefix}.{}", key.to_ascii_lowercase()),
                value,
                &mut labels,
            );
        }
        labels
    }
}

/// `a.b.c=value` for every scalar of `value`. Traefik's option names are lower-cased as its
/// label documentation writes them; header names (map keys under `headers`) keep theirs.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(map) => {
            let headers = prefix.ends_with(".headers");
            for (key, item) in map {
                let key = key.as_str().unwrap_or_default();
                let key = if headers {
                    key.to_owned()
                } else {
                    key.to_ascii_lowercase()
                };
                flatten(&format!("{prefix}.{key}"), item, out);
            }
        }
        Value::Sequence(items) => {
            let parts: Vec<String> = items.iter().map(scalar_text).collect();
            out.push((prefix.to_owned(), parts.join(",")));
        }
        scalar => out.push((prefix.to_owned(), scalar_text(scalar))),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Traefik's fields of a load balancer after `servers`, as the file provider writes them.
fn load_balancer_options(
    lb: &spec::LoadBalancer,
    transport_provider: Provider,
) -> Vec<(String, Value)> {
    let mut options = Vec::new();
    if let Some(sticky) = &lb.sticky {
        options.push(("sticky".to_owned(), to_value(sticky)));
    }
    if let Some(check) = &lb.health_check {
        options.push(("healthCheck".to_owned(), to_value(check)));
    }
    if let Some(pass) = lb.pass_host_header {
        options.push(("passHostHeader".to_owned(), Value::Bool(pass)));
    }
    if let Some(transport) = &lb.servers_transport {
        // Servers transports live in the file provider; a Docker service names it there.
        let name = if transport_provider == Provider::File {
            transport.clone()
        } else {
            format!("{transport}@file")
        };
        options.push(("serversTransport".to_owned(), Value::String(name)));
    }
    options
}

fn to_value(value: &impl serde::Serialize) -> Value {
    serde_yaml::to_value(value).unwrap_or(Value::Mapping(Mapping::new()))
}

/// The Traefik services of one stack, given the routers built from its routes.
pub(super) fn stack_services(
    stack_name: &str,
    stack: &spec::Stack,
    routers: &[Router],
) -> Vec<ProxyService> {
    let mut services = Vec::new();
    for (service_name, service) in &stack.services {
        let container = service
            .container_name
            .clone()
            .unwrap_or_else(|| super::service::default_name(stack_name, service_name));
        let listening: Vec<u16> = service
            .ports
            .iter()
            .flatten()
            .map(|p| p.container)
            .collect();
        let only_port = (listening.len() == 1).then(|| listening[0]);
        for (name, lb) in &service.traefik_services {
            // The provider of the routes that use it; validation refuses a mix. One that no
            // route of its container uses (a weighted backend's member) goes to the file
            // provider: Docker labels with a service and no router make Traefik invent a
            // router from its `defaultRule` (`Host(`<container>`)`).
            let provider = routers
                .iter()
                .find(|r| r.service == *service_name && !r.on_backend && r.service_name == *name)
                .map_or(Provider::File, |r| r.provider);
            let port = lb.port.or(only_port).unwrap_or(0);
            services.push(container_service(
                name,
                stack_name,
                service_name,
                &container,
                provider,
                port,
                lb,
            ));
        }
        for router in routers
            .iter()
            .filter(|r| r.service == *service_name && !r.on_backend && r.implicit_service)
        {
            services.push(container_service(
                &router.name,
                stack_name,
                service_name,
                &container,
                router.provider,
                router.port,
                &spec::LoadBalancer::default(),
            ));
        }
    }
    for (name, backend) in &stack.backends {
        let kind = if let Some(weighted) = &backend.weighted {
            let mut options = Vec::new();
            if let Some(sticky) = &weighted.sticky {
                options.push(("sticky".to_owned(), to_value(sticky)));
            }
            ServiceKind::Weighted {
                services: weighted
                    .services
                    .iter()
                    .map(|s| (s.name.clone(), s.weight))
                    .collect(),
                options,
            }
        } else if let Some(mirroring) = &backend.mirroring {
            let mut options = Vec::new();
            if let Some(body) = mirroring.mirror_body {
                options.push(("mirrorBody".to_owned(), Value::Bool(body)));
            }
            if let Some(size) = mirroring.max_body_size {
                options.push(("maxBodySize".to_owned(), Value::Number(size.into())));
            }
            ServiceKind::Mirroring {
                service: mirroring.service.clone(),
                mirrors: mirroring
                    .mirrors
                    .iter()
                    .map(|m| (m.name.clone(), m.percent))
                    .collect(),
                options,
            }
        } else {
            let lb = backend.load_balancer.clone().unwrap_or_default();
            ServiceKind::LoadBalancer {
                servers: lb
                    .servers
                    .iter()
                    .map(|s| ServerUrl {
                        url: s.url.clone(),
                        weight: s.weight,
                    })
                    .collect(),
                port: None,
                scheme: Scheme::Http,
                options: load_balancer_options(&lb, Provider::File),
            }
        };
        services.push(ProxyService {
            name: name.clone(),
            stack: stack_name.to_owned(),
            container: None,
            provider: Provider::File,
            kind,
        });
    }
    services
}

fn container_service(
    name: &str,
    stack: &str,
    service: &str,
    container: &str,
    provider: Provider,
    port: u16,
    lb: &spec::LoadBalancer,
) -> ProxyService {
    let scheme = lb.scheme.unwrap_or(Scheme::Http);
    // h2c is HTTP/2 without TLS: the URL says so with its own scheme, as Traefik reads it.
    ProxyService {
        name: name.to_owned(),
        stack: stack.to_owned(),
        container: Some(service.to_owned()),
        provider,
        kind: ServiceKind::LoadBalancer {
            servers: vec![ServerUrl {
                url: format!("{}://{container}:{port}", scheme.as_str()),
                weight: None,
            }],
            port: Some(port),
            scheme,
            options: load_balancer_options(lb, provider),
        },
    }
}

/// Qualifies the members of weighted and mirroring services (all in the file provider) that
/// are Docker services, once every service of the platform is known.
pub(super) fn qualify_members(services: &mut [ProxyService]) {
    let docker: std::collections::HashSet<String> = services
        .iter()
        .filter(|s| s.provider == Provider::Docker)
        .map(|s| s.name.clone())
        .collect();
    let qualify = |name: &mut String| {
        if docker.contains(name.as_str()) {
            name.push_str("@docker");
        }
    };
    for service in services {
        match &mut service.kind {
            ServiceKind::Weighted { services, .. } => {
                for (n, _) in services.iter_mut() {
                    qualify(n);
                }
            }
            ServiceKind::Mirroring {
                service, mirrors, ..
            } => {
                qualify(service);
                for (n, _) in mirrors.iter_mut() {
                    qualify(n);
                }
            }
            ServiceKind::LoadBalancer { .. } => {}
        }
    }
}
