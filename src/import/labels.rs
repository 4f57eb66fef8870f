//! Traefik's Docker labels of one container, read as Traefik's Docker provider reads them
//! (`traefik.http.routers.NAME.*`, `traefik.http.services.NAME.loadbalancer.*`, attribute
//! names case-insensitive), into neutral routers and services that both import and verify
//! use. Input: the container's labels as a map; output: [`TraefikLabels`], with every label
//! this reader does not know kept aside so that the report can list it.

use serde_yaml::{Mapping, Value};

/// A router, from labels or a dynamic file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Router {
    pub name: String,
    pub rule: String,
    pub entrypoints: Vec<String>,
    pub priority: Option<i64>,
    pub tls: bool,
    pub cert_resolver: Option<String>,
    pub middlewares: Vec<String>,
    pub service: Option<String>,
    /// The label key or YAML path of the router, for lines.
    pub key: String,
    /// Attributes not read, as their label keys.
    pub other: Vec<String>,
}

/// A Traefik service: a load balancer with a port (labels) or server URLs (dynamic files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LbService {
    pub name: String,
    pub port: Option<u16>,
    pub servers: Vec<String>,
    /// Sticky cookie attributes (`name`, `secure`, `httpOnly`, `sameSite`, `maxAge`, `path`);
    /// `Some` with no attribute when stickiness is on with Traefik's defaults.
    pub sticky: Option<Vec<(String, String)>>,
    pub pass_host_header: Option<bool>,
    pub scheme: Option<String>,
    pub key: String,
    pub other: Vec<String>,
}

/// What a container's labels tell Traefik.
#[derive(Debug, Clone, Default)]
pub struct TraefikLabels {
    pub enable: Option<bool>,
    pub network: Option<String>,
    pub routers: Vec<Router>,
    pub services: Vec<LbService>,
    /// `traefik.` labels outside routers and services, and those this reader does not read.
    pub other: Vec<String>,
    /// Whether any `traefik.` label is present.
    pub any: bool,
    /// TCP and UDP routers and services.
    pub l4: super::labels_l4::L4Labels,
    /// HTTP middleware options: (middleware, path below its name, value).
    pub middlewares: Vec<(String, String, String)>,
}

/// Reads the `traefik.` labels of `labels` (a map, as [`super::compose::as_map`] gives).
pub fn parse(labels: &Mapping) -> TraefikLabels {
    let mut out = TraefikLabels::default();
    for (key, value) in labels {
        let (Some(key), value) = (key.as_str(), value.as_str().unwrap_or_default()) else {
            continue;
        };
        let lower = key.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("traefik.") else {
            continue;
        };
        out.any = true;
        let parts: Vec<&str> = key.splitn(5, '.').collect();
        match rest {
            "enable" => out.enable = Some(value.eq_ignore_ascii_case("true")),
            "docker.network" => out.network = Some(value.to_owned()),
            _ if lower.starts_with("traefik.http.routers.") && parts.len() == 5 => {
                let router = router_named(&mut out.routers, parts[3]);
                if !router_attribute(router, &parts[4].to_ascii_lowercase(), value) {
                    router.other.push(key.to_owned());
                }
                if router.key.is_empty() {
                    key.clone_into(&mut router.key);
                }
            }
            _ if lower.starts_with("traefik.http.services.") && parts.len() == 5 => {
                let service = service_named(&mut out.services, parts[3]);
                if !service_attribute(service, &parts[4].to_ascii_lowercase(), value) {
                    service.other.push(key.to_owned());
                }
                if service.key.is_empty() {
                    key.clone_into(&mut service.key);
                }
            }
            _ if lower.starts_with("traefik.http.middlewares.") && parts.len() == 5 => {
                out.middlewares
                    .push((parts[3].to_owned(), parts[4].to_owned(), value.to_owned()));
            }
            _ if (lower.starts_with("traefik.tcp.") || lower.starts_with("traefik.udp."))
                && super::labels_l4::label(&mut out.l4, key, value) => {}
            _ => out.other.push(key.to_owned()),
        }
    }
    out
}

fn router_named<'a>(routers: &'a mut Vec<Router>, name: &str) -> &'a mut Router {
    named(
        routers,
        |r| r.name == name,
        || Router {
            name: name.to_owned(),
            ..Router::default()
        },
    )
}

fn service_named<'a>(services: &'a mut Vec<LbService>, name: &str) -> &'a mut LbService {
    named(
        services,
        |s| s.name == name,
        || LbService {
            name: name.to_owned(),
            ..LbService::default()
        },
    )
}

/// The item of `items` that `is` picks, added with `new` when there is none: labels name a
/// router (or service) on each of its labels, in any order.
pub(crate) fn named<T>(
    items: &mut Vec<T>,
    is: impl Fn(&T) -> bool,
    new: impl FnOnce() -> T,
) -> &mut T {
    let index = items.iter().position(is).unwrap_or_else(|| {
        items.push(new());
        items.len() - 1
    });
    &mut items[index]
}

/// A comma-separated label list, as Traefik splits it.
pub fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn router_attribute(router: &mut Router, attribute: &str, value: &str) -> bool {
    match attribute {
        "rule" => value.clone_into(&mut router.rule),
        "entrypoints" => router.entrypoints = list(value),
        "priority" => match value.parse() {
            Ok(p) => router.priority = Some(p),
            Err(_) => return false,
        },
        "tls" => router.tls = value.eq_ignore_ascii_case("true"),
        "tls.certresolver" => {
            router.tls = true;
            router.cert_resolver = Some(value.to_owned());
        }
        "middlewares" => router.middlewares = list(value),
        "service" => router.service = Some(value.to_owned()),
        _ => return false,
    }
    true
}

fn service_attribute(service: &mut LbService, attribute: &str, value: &str) -> bool {
    let Some(attribute) = attribute.strip_prefix("loadbalancer.") else {
        return false;
    };
    match attribute {
        "server.port" => match value.parse() {
            Ok(p) => service.port = Some(p),
            Err(_) => return false,
        },
        "server.scheme" => service.scheme = Some(value.to_owned()),
        "passhostheader" => service.pass_host_header = Some(value.eq_ignore_ascii_case("true")),
        "sticky.cookie" => {
            if value.eq_ignore_ascii_case("true") {
                service.sticky.get_or_insert_with(Vec::new);
            } else {
                return false;
            }
        }
        _ => {
            let Some(cookie) = attribute.strip_prefix("sticky.cookie.") else {
                return false;
            };
            let name = match cookie {
                "name" => "name",
                "secure" => "secure",
                "httponly" => "httpOnly",
                "samesite" => "sameSite",
                "maxage" => "maxAge",
                "path" => "path",
                _ => return false,
            };
            service
                .sticky
                .get_or_insert_with(Vec::new)
                .push((name.to_owned(), value.to_owned()));
        }
    }
    true
}

/// The value of a label key in a map, for tests and verify.
pub fn get<'a>(labels: &'a Mapping, key: &str) -> Option<&'a str> {
    labels
        .get(Value::String(key.to_owned()))
        .and_then(Value::as_str)
}
