//! Traefik's static configuration, from `traefik.yml` or from the `command:` flags of the
//! Traefik container (`--entrypoints.web.address=:80`, which this reader turns into the same
//! tree), read into the spec's entry points and certificate resolvers. Keys are compared
//! case-insensitively, as Traefik compares them. Input: the YAML tree; output:
//! [`StaticConfig`], with the dotted path of everything it does not read.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::dynamic::get;
use crate::spec::{CertResolver, Entrypoint};

/// What the static configuration says, in the spec's terms.
#[derive(Debug, Clone, Default)]
pub struct StaticConfig {
    pub entrypoints: BTreeMap<String, Entrypoint>,
    pub resolvers: BTreeMap<String, CertResolver>,
    pub log_level: Option<String>,
    /// `providers.docker` is present.
    pub docker: bool,
    /// `providers.file.directory` / `filename`, as container paths.
    pub file_directory: Option<String>,
    pub file_filename: Option<String>,
    /// `api.dashboard` is on.
    pub dashboard: bool,
    /// Dotted paths not read.
    pub other: Vec<String>,
}

/// The tree the `command:` flags of a Traefik container describe (`--a.b.c=v` is `a: {b:
/// {c: v}}`; a flag without `=` is `true`).
pub fn from_flags(flags: &[String]) -> Value {
    let mut root = Mapping::new();
    for flag in flags {
        let Some(flag) = flag.strip_prefix("--") else {
            continue;
        };
        let (path, value) = flag.split_once('=').unwrap_or((flag, "true"));
        let parts: Vec<&str> = path.split('.').collect();
        let mut node = &mut root;
        for (i, part) in parts.iter().enumerate() {
            let key = Value::String((*part).to_owned());
            if i + 1 == parts.len() {
                node.insert(key, Value::String(value.to_owned()));
            } else {
                if !matches!(node.get(&key), Some(Value::Mapping(_))) {
                    node.insert(key.clone(), Value::Mapping(Mapping::new()));
                }
                node = node
                    .get_mut(&key)
                    .and_then(Value::as_mapping_mut)
                    .expect("just inserted");
            }
        }
    }
    Value::Mapping(root)
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(super::compose::scalar_text)
}

fn truthy(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        Some(Value::Mapping(_) | Value::Null) => true,
        _ => false,
    }
}

/// Reads the static configuration's tree.
pub fn parse(root: &Value) -> StaticConfig {
    let mut out = StaticConfig::default();
    let Some(root) = root.as_mapping() else {
        return out;
    };
    for (key, value) in root {
        let key = key.as_str().unwrap_or_default();
        let map = value.as_mapping();
        match key.to_ascii_lowercase().as_str() {
            "entrypoints" => {
                for (name, ep) in map.into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default().to_owned();
                    let ep = ep.as_mapping().cloned().unwrap_or_default();
                    let entrypoint = entrypoint(&name, &ep, &mut out.other);
                    out.entrypoints.insert(name, entrypoint);
                }
            }
            "certificatesresolvers" => {
                for (name, resolver) in map.into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default().to_owned();
                    let path = format!("certificatesResolvers.{name}");
                    let acme = resolver
                        .as_mapping()
                        .and_then(|r| get(r, "acme"))
                        .and_then(Value::as_mapping);
                    match acme {
                        Some(acme) => {
                            out.resolvers
                                .insert(name, resolver_of(&path, acme, &mut out.other));
                        }
                        None => out.other.push(path),
                    }
                }
            }
            "log" => {
                for (k, v) in map.into_iter().flatten() {
                    let k = k.as_str().unwrap_or_default();
                    if k.eq_ignore_ascii_case("level") {
                        out.log_level = text(Some(v));
                    } else {
                        out.other.push(format!("log.{k}"));
                    }
                }
            }
            "api" => {
                for (k, v) in map.into_iter().flatten() {
                    let k = k.as_str().unwrap_or_default();
                    if k.eq_ignore_ascii_case("dashboard") {
                        out.dashboard = truthy(Some(v));
                    } else {
                        out.other.push(format!("api.{k}"));
                    }
                }
            }
            "providers" => {
                for (k, v) in map.into_iter().flatten() {
                    let k = k.as_str().unwrap_or_default();
                    match k.to_ascii_lowercase().as_str() {
                        "docker" => out.docker = true,
                        "file" => {
                            for (fk, fv) in v.as_mapping().into_iter().flatten() {
                                let fk = fk.as_str().unwrap_or_default();
                                match fk.to_ascii_lowercase().as_str() {
                                    "directory" => out.file_directory = text(Some(fv)),
                                    "filename" => out.file_filename = text(Some(fv)),
                                    // seisei's provider watches its folder too.
                                    "watch" => {}
                                    _ => out.other.push(format!("providers.file.{fk}")),
                                }
                            }
                        }
                        _ => out.other.push(format!("providers.{k}")),
                    }
                }
            }
            _ => out.other.push(key.to_owned()),
        }
    }
    out
}

fn entrypoint(name: &str, ep: &Mapping, other: &mut Vec<String>) -> Entrypoint {
    let mut entrypoint = Entrypoint {
        address: String::new(),
        redirect_to: None,
        tls: false,
        middlewares: Vec::new(),
        cert_resolver: None,
        tls_domains: Vec::new(),
        proxy_protocol: None,
        forwarded_headers: None,
        transport: None,
        http3: None,
        udp: None,
        purpose: None,
    };
    let path = format!("entryPoints.{name}");
    for (key, value) in ep {
        let key = key.as_str().unwrap_or_default();
        match key.to_ascii_lowercase().as_str() {
            "address" => entrypoint.address = text(Some(value)).unwrap_or_default(),
            "http" => {
                for (hk, hv) in value.as_mapping().into_iter().flatten() {
                    let hk = hk.as_str().unwrap_or_default();
                    match hk.to_ascii_lowercase().as_str() {
                        "redirections" => {
                            let to = hv
                                .as_mapping()
                                .and_then(|r| get(r, "entryPoint"))
                                .and_then(Value::as_mapping)
                                .and_then(|e| get(e, "to"));
                            entrypoint.redirect_to = text(to);
                        }
                        "tls" => {
                            entrypoint.tls = truthy(Some(hv));
                            if let Some(tls) = hv.as_mapping() {
                                entrypoint.cert_resolver = text(get(tls, "certResolver"));
                            }
                        }
                        "middlewares" => {
                            entrypoint.middlewares = match hv {
                                Value::Sequence(items) => items
                                    .iter()
                                    .filter_map(super::compose::scalar_text)
                                    .collect(),
                                Value::String(s) => super::labels::list(s),
                                _ => Vec::new(),
                            };
                        }
                        _ => other.push(format!("{path}.http.{hk}")),
                    }
                }
            }
            _ => other.push(format!("{path}.{key}")),
        }
    }
    entrypoint
}

fn resolver_of(path: &str, acme: &Mapping, other: &mut Vec<String>) -> CertResolver {
    let mut resolver = CertResolver {
        email: String::new(),
        storage: String::new(),
        http_challenge_entrypoint: None,
        dns_challenge_provider: None,
        dns_challenge: None,
        ca_server: None,
        key_type: None,
    };
    for (key, value) in acme {
        let key = key.as_str().unwrap_or_default();
        match key.to_ascii_lowercase().as_str() {
            "email" => resolver.email = text(Some(value)).unwrap_or_default(),
            "storage" => resolver.storage = text(Some(value)).unwrap_or_default(),
            "caserver" => resolver.ca_server = text(Some(value)),
            "keytype" => resolver.key_type = text(Some(value)),
            "httpchallenge" => {
                resolver.http_challenge_entrypoint =
                    text(value.as_mapping().and_then(|m| get(m, "entryPoint")));
            }
            "dnschallenge" => {
                for (dk, dv) in value.as_mapping().into_iter().flatten() {
                    let dk = dk.as_str().unwrap_or_default();
                    if dk.eq_ignore_ascii_case("provider") {
                        resolver.dns_challenge_provider = text(Some(dv));
                    } else {
                        other.push(format!("{path}.acme.dnsChallenge.{dk}"));
                    }
                }
            }
            _ => other.push(format!("{path}.acme.{key}")),
        }
    }
    resolver
}
