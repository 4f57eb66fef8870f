//! The spec's `traefik:` block from what was read: entry points, resolvers and the dashboard
//! from the static configuration, the middlewares imported from dynamic files, the version
//! from the image tag, the network from the container; plus the platform's apex domain and
//! the path from the spec to the import folder. Input: the source; output: spec values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use super::report::{Outcome, Report};
use super::source::Source;
use super::{lines, relative};
use crate::fsread;
use crate::spec::{self};
/// `MAJOR.MINOR` of a Traefik image tag (`traefik:v3.7.9` is `3.7`); 3.7 when the tag says
/// nothing usable.
pub(crate) fn version_of(image: &str) -> String {
    let tag = image
        .rsplit_once(':')
        .map_or("", |(_, t)| t)
        .trim_start_matches('v');
    let mut parts = tag.split('.');
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor))
            if major.parse::<u32>().is_ok() && minor.parse::<u32>().is_ok() =>
        {
            format!("{major}.{minor}")
        }
        _ => "3.7".to_owned(),
    }
}

/// The domain most hosts end in (the last two labels), for `platform.domain`.
pub(crate) fn apex(hosts: &[String]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for host in hosts {
        let labels: Vec<&str> = host.rsplit('.').take(2).collect();
        if labels.len() == 2 {
            *counts
                .entry(format!("{}.{}", labels[1], labels[0]))
                .or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or_else(|| "example.com".to_owned(), |(d, _)| d)
}

/// The path from `from` to `to`, both as given (made absolute against each other's common
/// prefix), with `..` where `to` is outside `from`.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let absolute = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        }
    };
    let clean = |p: PathBuf| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
                _ => {}
            }
        }
        parts
    };
    let from = clean(absolute(from));
    let to = clean(absolute(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to[common..].iter().cloned());
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

#[allow(clippy::too_many_arguments)] // the parts of `traefik:` that the builder found elsewhere
pub(crate) fn traefik_spec(
    docker_routes: bool,
    source: &Source,
    version: &str,
    middlewares: BTreeMap<String, spec::Middleware>,
    tcp_middlewares: BTreeMap<String, spec::TcpMiddleware>,
    mut external: Vec<String>,
    dashboard: Option<spec::Dashboard>,
    report: &mut Report,
) -> spec::Traefik {
    let t = source.traefik.clone().unwrap_or_default();
    let stack = source.stacks.get(t.stack);
    let static_rel = t.static_file.as_ref().map(|p| relative(&source.dir, p));
    if let (Some(rel), Some(path)) = (&static_rel, &t.static_file) {
        let text = fsread::read_text(path, super::MAX_FILE_BYTES).unwrap_or_default();
        let toml = path.extension().is_some_and(|e| e == "toml");
        let line = |segments: &[&str]| {
            if toml {
                super::static_toml::line_of(&text, segments).unwrap_or(1)
            } else {
                lines::find(&text, segments)
            }
        };
        for other in &t.config.other {
            let segments: Vec<&str> = other.split('.').collect();
            report.push(rel, line(&segments), other.clone(), Outcome::NotImported("this static setting is not read by import; set it in the spec's `traefik:` by hand".into()));
        }
        for key in [
            "entryPoints",
            "certificatesResolvers",
            "providers",
            "log",
            "api",
        ] {
            let present = if toml {
                super::static_toml::line_of(&text, &[key]).is_some()
            } else {
                text.contains(&format!("{key}:"))
            };
            if present {
                report.push(rel, line(&[key]), key, Outcome::FirstClass);
            }
        }
    }
    let mut entrypoints = t.config.entrypoints.clone();
    for ep in entrypoints.values_mut() {
        ep.middlewares = ep
            .middlewares
            .iter()
            .map(|m| {
                let base = m.strip_suffix("@file").unwrap_or(m);
                if middlewares.contains_key(base) {
                    base.to_owned()
                } else {
                    m.clone()
                }
            })
            .collect();
    }
    let mut defaults: Vec<String> = entrypoints
        .iter()
        .filter(|(_, e)| e.tls)
        .map(|(n, _)| n.clone())
        .collect();
    if defaults.is_empty() {
        defaults = entrypoints
            .iter()
            .filter(|(_, e)| e.redirect_to.is_none())
            .map(|(n, _)| n.clone())
            .collect();
    }
    // Every `name@provider` an entry point uses that the spec does not define (the routes'
    // come in `external` already).
    let used: Vec<String> = entrypoints
        .values()
        .flat_map(|e| e.middlewares.clone())
        .collect();
    external.extend(used.into_iter().filter(|m| m.contains('@')));
    external.sort();
    external.dedup();
    let network = stack
        .and_then(|s| s.project.services.iter().find(|(n, _)| *n == t.service))
        .and_then(|(_, svc)| svc.get("networks"))
        .and_then(|n| match n {
            Value::Sequence(items) => items.first().and_then(Value::as_str).map(str::to_owned),
            Value::Mapping(m) => m.keys().next().and_then(Value::as_str).map(str::to_owned),
            _ => None,
        })
        .unwrap_or_else(|| "default".to_owned());
    spec::Traefik {
        version: version.to_owned(),
        stack: stack.map(|s| s.name.clone()).unwrap_or_default(),
        service: t.service.clone(),
        config_dir: t.config_dir.clone(),
        network,
        entrypoints,
        default_entrypoints: defaults,
        cert_resolvers: t.config.resolvers.clone(),
        default_cert_resolver: None,
        // Labels mean the Docker provider, whether or not the static file enabled it (the
        // defect is reported); seisei enables it for them either way.
        default_provider: if t.config.docker || docker_routes {
            spec::Provider::Docker
        } else {
            spec::Provider::File
        },
        middlewares,
        external_middlewares: external,
        tcp_middlewares,
        dashboard,
        servers_transports: BTreeMap::new(),
        tls_options: BTreeMap::new(),
        tls_stores: BTreeMap::new(),
        log_level: t.config.log_level.clone(),
        log: None,
        access_log: None,
        ping: None,
        metrics: None,
        providers: None,
        experimental: None,
    }
}
