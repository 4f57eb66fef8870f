//! Traefik's TCP and UDP labels of one container (`traefik.tcp.routers.NAME.*`,
//! `traefik.tcp.services.NAME.loadbalancer.server.port`, and the same under `traefik.udp.`),
//! read as the Docker provider reads them, and mapped onto the spec's `tcp_routes` and
//! `udp_routes`, each keeping its router name. Input: one label at a time; output:
//! [`L4Labels`], then the spec's routes with the ports they forward to.

use super::labels::named;
use crate::spec;

/// A TCP or UDP router from labels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct L4Router {
    pub udp: bool,
    pub name: String,
    pub rule: String,
    pub entrypoints: Vec<String>,
    pub priority: Option<i64>,
    pub tls: bool,
    pub passthrough: bool,
    pub cert_resolver: Option<String>,
    pub tls_options: Option<String>,
    pub middlewares: Vec<String>,
    pub service: Option<String>,
    /// The first label key of the router, for lines.
    pub key: String,
    /// Attributes not read, as their label keys.
    pub other: Vec<String>,
}

/// A TCP or UDP load balancer from labels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct L4Service {
    pub udp: bool,
    pub name: String,
    pub port: Option<u16>,
    /// `host:port` addresses of a dynamic file's `loadBalancer.servers` (labels have none).
    pub servers: Vec<String>,
    pub key: String,
    pub other: Vec<String>,
}

/// The TCP and UDP side of a container's labels.
#[derive(Debug, Clone, Default)]
pub struct L4Labels {
    pub routers: Vec<L4Router>,
    pub services: Vec<L4Service>,
    /// TCP middleware options from labels: (middleware, path below its name, value).
    pub middlewares: Vec<(String, String, String)>,
}

/// Reads one label; `false` when it is not a `traefik.tcp.` or `traefik.udp.` router or
/// service label.
pub fn label(out: &mut L4Labels, key: &str, value: &str) -> bool {
    let parts: Vec<&str> = key.splitn(5, '.').collect();
    let [_, kind, section, name, attribute] = parts.as_slice() else {
        return false;
    };
    let udp = match kind.to_ascii_lowercase().as_str() {
        "tcp" => false,
        "udp" => true,
        _ => return false,
    };
    let attribute = attribute.to_ascii_lowercase();
    match section.to_ascii_lowercase().as_str() {
        "routers" => {
            let router = named(
                &mut out.routers,
                |r| r.udp == udp && r.name == *name,
                || L4Router {
                    udp,
                    name: (*name).to_owned(),
                    key: key.to_owned(),
                    ..L4Router::default()
                },
            );
            if !router_attribute(router, &attribute, value) {
                router.other.push(key.to_owned());
            }
            true
        }
        "services" => {
            let service = named(
                &mut out.services,
                |s| s.udp == udp && s.name == *name,
                || L4Service {
                    udp,
                    name: (*name).to_owned(),
                    key: key.to_owned(),
                    ..L4Service::default()
                },
            );
            match (attribute.as_str(), value.parse::<u16>()) {
                ("loadbalancer.server.port", Ok(port)) => service.port = Some(port),
                _ => service.other.push(key.to_owned()),
            }
            true
        }
        // Traefik has TCP middlewares only (`ipAllowList`, `inFlightConn`); the path below
        // the name keeps its spelling for the schema-led reader.
        "middlewares" if !udp => {
            let rest = key.splitn(5, '.').nth(4).unwrap_or_default();
            out.middlewares
                .push(((*name).to_owned(), rest.to_owned(), value.to_owned()));
            true
        }
        _ => false,
    }
}

/// Reads one router attribute in label form (`tls.certresolver`); dynamic files are read
/// through it as well, so both sources agree on what a router means.
pub fn router_attribute(router: &mut L4Router, attribute: &str, value: &str) -> bool {
    let yes = value.eq_ignore_ascii_case("true");
    match (router.udp, attribute) {
        (_, "entrypoints") => router.entrypoints = super::labels::list(value),
        (_, "service") => router.service = Some(value.to_owned()),
        (false, "rule") => value.clone_into(&mut router.rule),
        (false, "priority") => match value.parse() {
            Ok(p) => router.priority = Some(p),
            Err(_) => return false,
        },
        (false, "tls") => router.tls = yes,
        (false, "tls.passthrough") => {
            router.tls |= yes;
            router.passthrough = yes;
        }
        (false, "tls.certresolver") => {
            router.tls = true;
            router.cert_resolver = Some(value.to_owned());
        }
        (false, "tls.options") => {
            router.tls = true;
            router.tls_options = Some(value.to_owned());
        }
        (false, "middlewares") => router.middlewares = super::labels::list(value),
        _ => return false,
    }
    true
}

impl L4Labels {
    /// The load balancer a router sends to: the one it names, or the container's only one
    /// of its kind (as Traefik picks it).
    pub fn service_of(&self, router: &L4Router) -> Option<&L4Service> {
        let same: Vec<&L4Service> = self
            .services
            .iter()
            .filter(|s| s.udp == router.udp)
            .collect();
        match &router.service {
            Some(name) => same.into_iter().find(|s| &s.name == name),
            None if same.len() == 1 => same.first().copied(),
            None => None,
        }
    }
}

/// The routes the labels declare, in the spec's terms, and the ports they forward to (which
/// the service must declare).
pub fn routes(
    l4: &L4Labels,
) -> (
    Vec<spec::TcpRoute>,
    Vec<spec::UdpRoute>,
    Vec<(u16, spec::Protocol)>,
) {
    routes_of(l4, spec::Provider::Docker)
}

/// The routes of one provider's routers: a middleware named without `@provider` is that
/// provider's.
pub fn routes_of(
    l4: &L4Labels,
    provider: spec::Provider,
) -> (
    Vec<spec::TcpRoute>,
    Vec<spec::UdpRoute>,
    Vec<(u16, spec::Protocol)>,
) {
    let provider_name = match provider {
        spec::Provider::File => "file",
        spec::Provider::Docker => "docker",
    };
    let mut tcp = Vec::new();
    let mut udp = Vec::new();
    let mut ports = Vec::new();
    for router in &l4.routers {
        let port = l4.service_of(router).and_then(|s| s.port);
        if let Some(port) = port {
            let protocol = if router.udp {
                spec::Protocol::Udp
            } else {
                spec::Protocol::Tcp
            };
            ports.push((port, protocol));
        }
        if router.udp {
            udp.push(spec::UdpRoute {
                name: None,
                router: Some(router.name.clone()),
                port,
                entrypoints: router.entrypoints.clone(),
                provider: Some(provider),
                note: None,
            });
            continue;
        }
        let tls = router.tls.then(|| spec::TcpTls {
            passthrough: router.passthrough,
            cert_resolver: router.cert_resolver.clone(),
            options: router.tls_options.clone(),
            domains: Vec::new(),
        });
        tcp.push(spec::TcpRoute {
            name: None,
            router: Some(router.name.clone()),
            rule: router.rule.clone(),
            port,
            entrypoints: router.entrypoints.clone(),
            tls,
            // A middleware without a provider is the declaring provider's.
            middlewares: router
                .middlewares
                .iter()
                .map(|m| crate::traefik::qualify(m, provider_name))
                .collect(),
            priority: router.priority,
            provider: Some(provider),
            note: None,
        });
    }
    (tcp, udp, ports)
}
