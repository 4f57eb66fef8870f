//! The `tcp:` and `udp:` sections of a Traefik dynamic file, read into the same routers and
//! load balancers as TCP and UDP labels ([`super::labels_l4`]), and placed as the spec's
//! `tcp_routes` / `udp_routes` on the service their server address names. Input: a section's
//! YAML, then the whole [`Source`]; output: the routes by (stack, service), with the report.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::dynamic::{DynamicFile, get};
use super::labels_l4::{L4Labels, L4Router, L4Service, router_attribute, routes_of};
use super::report::{Outcome, Report};
use super::routes::find_container;
use super::source::Source;
use super::{lines, relative};
use crate::spec;

/// Reads `tcp:` (`udp` false) or `udp:` of a dynamic file into `out.l4`, and the TCP
/// middlewares as written into `out.tcp_middlewares`; other sections (`serversTransports`)
/// go to `out.other`.
pub fn section(out: &mut DynamicFile, udp: bool, value: &Value) {
    let kind = if udp { "udp" } else { "tcp" };
    let Some(map) = value.as_mapping() else {
        return;
    };
    for (section, items) in map {
        let section = section.as_str().unwrap_or_default().to_ascii_lowercase();
        let Some(items) = items
            .as_mapping()
            .filter(|_| !(udp && section == "middlewares"))
        else {
            out.other.push(format!("{kind}.{section}"));
            continue;
        };
        for (name, item) in items {
            let name = name.as_str().unwrap_or_default().to_owned();
            let path = format!("{kind}.{section}.{name}");
            let Some(item) = item.as_mapping() else {
                continue;
            };
            match section.as_str() {
                "routers" => out.l4.routers.push(router(udp, &name, &path, item)),
                "services" => out.l4.services.push(service(udp, &name, &path, item)),
                "middlewares" => out
                    .tcp_middlewares
                    .push((name, Value::Mapping(item.clone()))),
                _ => out.other.push(path),
            }
        }
    }
}

/// A list as labels write it (`a,b`), so the label reader takes it as is.
fn joined(value: &Value) -> String {
    match value {
        Value::Sequence(items) => items
            .iter()
            .filter_map(super::compose::scalar_text)
            .collect::<Vec<_>>()
            .join(","),
        other => super::compose::scalar_text(other).unwrap_or_default(),
    }
}

fn router(udp: bool, name: &str, path: &str, item: &Mapping) -> L4Router {
    let mut router = L4Router {
        udp,
        name: name.to_owned(),
        key: path.to_owned(),
        ..L4Router::default()
    };
    for (key, value) in item {
        let key = key.as_str().unwrap_or_default();
        let attribute = key.to_ascii_lowercase();
        if attribute == "tls" {
            // `tls: {}` turns TLS on; its keys are the labels' `tls.*`.
            router_attribute(&mut router, "tls", "true");
            for (k, v) in value.as_mapping().into_iter().flatten() {
                let k = k.as_str().unwrap_or_default();
                let sub = format!("tls.{}", k.to_ascii_lowercase());
                if !router_attribute(&mut router, &sub, &joined(v)) {
                    router.other.push(format!("{path}.tls.{k}"));
                }
            }
        } else if !router_attribute(&mut router, &attribute, &joined(value)) {
            router.other.push(format!("{path}.{key}"));
        }
    }
    router
}

fn service(udp: bool, name: &str, path: &str, item: &Mapping) -> L4Service {
    let mut service = L4Service {
        udp,
        name: name.to_owned(),
        key: path.to_owned(),
        ..L4Service::default()
    };
    for (key, value) in item {
        let key = key.as_str().unwrap_or_default();
        let Some(lb) = value
            .as_mapping()
            .filter(|_| key.eq_ignore_ascii_case("loadbalancer"))
        else {
            service.other.push(format!("{path}.{key}"));
            continue;
        };
        for (k, v) in lb {
            let k = k.as_str().unwrap_or_default();
            if !k.eq_ignore_ascii_case("servers") {
                service.other.push(format!("{path}.loadBalancer.{k}"));
                continue;
            }
            for server in v.as_sequence().into_iter().flatten() {
                if let Some(address) = server
                    .as_mapping()
                    .and_then(|s| get(s, "address"))
                    .and_then(Value::as_str)
                {
                    service.servers.push(address.to_owned());
                }
            }
        }
    }
    service.port = match service.servers.as_slice() {
        [one] => address(one).map(|(_, port)| port),
        _ => None,
    };
    service
}

/// `host:port` split in two.
pub fn address(text: &str) -> Option<(&str, u16)> {
    let (host, port) = text.rsplit_once(':')?;
    Some((host, port.parse().ok()?))
}

/// The TCP and UDP routes of every dynamic file, by the (stack, service) their only server
/// names, with the ports they forward to.
#[derive(Default)]
pub struct Placed {
    pub tcp: Vec<spec::TcpRoute>,
    pub udp: Vec<spec::UdpRoute>,
    pub ports: Vec<(u16, spec::Protocol)>,
}

/// Places every dynamic file's TCP and UDP routers, reporting each at its line.
pub fn collect(source: &Source, report: &mut Report) -> BTreeMap<(usize, String), Placed> {
    let mut out: BTreeMap<(usize, String), Placed> = BTreeMap::new();
    let Some(t) = &source.traefik else {
        return out;
    };
    for (path, text, file) in &t.dynamic {
        let rel = relative(&source.dir, path);
        for router in &file.l4.routers {
            let kind = if router.udp { "udp" } else { "tcp" };
            let line = lines::find(text, &[kind, "routers", &router.name]);
            let field = format!("{kind}.routers.{}", router.name);
            for other in &router.other {
                report.push(
                    &rel,
                    line,
                    other.clone(),
                    Outcome::NotImported(format!("this {kind} router option is not in the spec")),
                );
            }
            let lb = file.l4.service_of(router);
            let owner = lb
                .filter(|lb| lb.servers.len() == 1)
                .and_then(|lb| address(&lb.servers[0]))
                .and_then(|(host, _)| find_container(source, host));
            let Some(owner) = owner else {
                report.push(
                    &rel,
                    line,
                    field,
                    Outcome::NotImported(
                        "its service is not one load balancer of this file whose one server address names a container here".into(),
                    ),
                );
                continue;
            };
            let one = L4Labels {
                routers: vec![router.clone()],
                services: lb.cloned().into_iter().collect(),
                middlewares: Vec::new(),
            };
            let (tcp, udp, ports) = routes_of(&one, spec::Provider::File);
            let placed = out.entry(owner).or_default();
            placed.tcp.extend(tcp);
            placed.udp.extend(udp);
            placed.ports.extend(ports);
            report.push(&rel, line, field, Outcome::FirstClass);
        }
        for lb in &file.l4.services {
            let kind = if lb.udp { "udp" } else { "tcp" };
            let line = lines::find(text, &[kind, "services", &lb.name]);
            for other in &lb.other {
                report.push(
                    &rel,
                    line,
                    other.clone(),
                    Outcome::NotImported(format!("this {kind} service option is not in the spec")),
                );
            }
        }
    }
    out
}
