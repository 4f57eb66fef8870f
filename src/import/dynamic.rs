//! A Traefik dynamic file (the file provider's YAML) read into the neutral routers and
//! services of [`super::labels`], plus its middlewares as written. Traefik reads the keys of
//! this file case-insensitively, and so does this reader. Input: the file's YAML; output:
//! [`DynamicFile`], with every key it does not read kept aside for the report.

use serde_yaml::{Mapping, Value};

use super::labels::{LbService, Router};
use super::labels_l4::L4Labels;

/// What one dynamic file declares.
#[derive(Debug, Clone, Default)]
pub struct DynamicFile {
    pub routers: Vec<Router>,
    pub services: Vec<LbService>,
    /// Middlewares by name, their definitions as written (`{ headers: {…} }`).
    pub middlewares: Vec<(String, Value)>,
    /// TCP middlewares by name, their definitions as written (`{ ipAllowList: {…} }`).
    pub tcp_middlewares: Vec<(String, Value)>,
    /// TCP and UDP routers and services ([`super::dynamic_l4`]).
    pub l4: L4Labels,
    /// Dotted paths of what is not read (`tls.certificates`, a weighted service).
    pub other: Vec<String>,
}

/// The value under `key` of `map`, compared case-insensitively as Traefik's file provider
/// compares keys.
pub fn get<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key)))
        .map(|(_, v)| v)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(super::compose::scalar_text)
            .collect(),
        Some(Value::String(s)) => super::labels::list(s),
        _ => Vec::new(),
    }
}

/// Reads a dynamic file's root mapping.
pub fn parse(root: &Value) -> DynamicFile {
    let mut out = DynamicFile::default();
    let Some(root) = root.as_mapping() else {
        return out;
    };
    for (key, value) in root {
        let key = key.as_str().unwrap_or_default();
        if key.eq_ignore_ascii_case("tcp") || key.eq_ignore_ascii_case("udp") {
            super::dynamic_l4::section(&mut out, key.eq_ignore_ascii_case("udp"), value);
            continue;
        }
        if !key.eq_ignore_ascii_case("http") {
            out.other.push(key.to_owned());
            continue;
        }
        let Some(http) = value.as_mapping() else {
            continue;
        };
        for (section, items) in http {
            let section = section.as_str().unwrap_or_default().to_ascii_lowercase();
            let Some(items) = items.as_mapping() else {
                continue;
            };
            for (name, item) in items {
                let name = name.as_str().unwrap_or_default().to_owned();
                let path = format!("http.{section}.{name}");
                let Some(item) = item.as_mapping() else {
                    continue;
                };
                match section.as_str() {
                    "routers" => out.routers.push(router(&name, &path, item)),
                    "services" => out.services.push(service(&name, &path, item)),
                    "middlewares" => out.middlewares.push((name, Value::Mapping(item.clone()))),
                    _ => out.other.push(path),
                }
            }
        }
    }
    out
}

fn router(name: &str, path: &str, item: &Mapping) -> Router {
    let mut router = Router {
        name: name.to_owned(),
        key: path.to_owned(),
        ..Router::default()
    };
    for (key, value) in item {
        let key = key.as_str().unwrap_or_default();
        match key.to_ascii_lowercase().as_str() {
            "rule" => value
                .as_str()
                .unwrap_or_default()
                .clone_into(&mut router.rule),
            "entrypoints" => router.entrypoints = strings(Some(value)),
            "middlewares" => router.middlewares = strings(Some(value)),
            "service" => router.service = value.as_str().map(str::to_owned),
            "priority" => router.priority = value.as_i64(),
            "tls" => {
                router.tls = true;
                if let Some(tls) = value.as_mapping() {
                    for (k, v) in tls {
                        let k = k.as_str().unwrap_or_default();
                        if k.eq_ignore_ascii_case("certresolver") {
                            router.cert_resolver = v.as_str().map(str::to_owned);
                        } else {
                            router.other.push(format!("{path}.tls.{k}"));
                        }
                    }
                }
            }
            _ => router.other.push(format!("{path}.{key}")),
        }
    }
    router
}

fn service(name: &str, path: &str, item: &Mapping) -> LbService {
    let mut service = LbService {
        name: name.to_owned(),
        key: path.to_owned(),
        ..LbService::default()
    };
    for (key, value) in item {
        let key = key.as_str().unwrap_or_default();
        if !key.eq_ignore_ascii_case("loadbalancer") {
            service.other.push(format!("{path}.{key}"));
            continue;
        }
        let Some(lb) = value.as_mapping() else {
            continue;
        };
        for (k, v) in lb {
            let k = k.as_str().unwrap_or_default();
            match k.to_ascii_lowercase().as_str() {
                "servers" => {
                    for server in v.as_sequence().into_iter().flatten() {
                        if let Some(url) = server.as_mapping().and_then(|s| get(s, "url")) {
                            service
                                .servers
                                .push(url.as_str().unwrap_or_default().to_owned());
                        }
                    }
                }
                "passhostheader" => service.pass_host_header = v.as_bool(),
                "sticky" => {
                    let cookie = v.as_mapping().and_then(|s| get(s, "cookie"));
                    let mut attributes = Vec::new();
                    if let Some(Value::Mapping(cookie)) = cookie {
                        for (ck, cv) in cookie {
                            if let (Some(ck), Some(cv)) =
                                (ck.as_str(), super::compose::scalar_text(cv))
                            {
                                attributes.push((ck.to_owned(), cv));
                            }
                        }
                    }
                    service.sticky = Some(attributes);
                }
                _ => service.other.push(format!("{path}.loadBalancer.{k}")),
            }
        }
    }
    service
}

/// `http://NAME:PORT` (or `https://`) split into the host and the port, the port defaulting
/// to the scheme's.
pub fn host_port(url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?;
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host.to_owned(), port.parse().ok()?)),
        None => Some((
            authority.to_owned(),
            if scheme == "https" { 443 } else { 80 },
        )),
    }
}
