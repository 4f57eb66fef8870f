//! The proof of an import: the compose model and the Traefik routers of the original files,
//! compared with those of the files the imported spec generates, stack by stack, naming every
//! difference. Compose models are normalised the way `docker compose config` normalises them
//! (short syntax expanded, environment lists and maps alike, Docker's healthcheck defaults
//! filled in, variables left as written, `traefik.` labels compared as routers instead);
//! routers by name, parsed rule, effective priority, entry points, TLS and resolver,
//! middlewares in order, and backend. Input: the source as read and the generated
//! artifacts; output: the differences, each either documented (with the reason) or not.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value as Json, json};
use serde_yaml::{Mapping, Value};

use super::build::Source;
use super::compose::{as_map, scalar_text};
use super::labels::Router;
use super::service::{split_words, unguard};
use crate::render::Artifact;
use crate::spec::Spec;

/// One difference between an original and its regenerated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub stack: String,
    pub what: String,
    /// Why the difference is expected, when it is (a documented change of import).
    pub documented: Option<String>,
}

/// What was compared.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    pub stacks: usize,
    pub services: usize,
    pub routers: usize,
    pub differences: Vec<Difference>,
}

impl Verified {
    /// Differences that nothing documents: the import lost or changed something.
    pub fn unexplained(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.documented.is_none())
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for d in &self.differences {
            match &d.documented {
                Some(why) => {
                    let _ = writeln!(out, "verify: {}: {} (expected: {why})", d.stack, d.what);
                }
                None => {
                    let _ = writeln!(out, "verify: {}: {}", d.stack, d.what);
                }
            }
        }
        let _ = writeln!(
            out,
            "verify: {} stacks, {} services, {} routers compared; {} differences, {} unexplained",
            self.stacks,
            self.services,
            self.routers,
            self.differences.len(),
            self.unexplained().count()
        );
        out
    }
}

/// Compares `source` with `artifacts`, the output of `spec`.
pub fn compare(source: &Source, spec: &Spec, artifacts: &[Artifact]) -> Verified {
    let mut out = Verified::default();
    let find = |path: &str| {
        artifacts
            .iter()
            .find(|a| a.path == path)
            .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
    };
    let secrets: Vec<(String, String)> = spec
        .stacks
        .iter()
        .flat_map(|(name, s)| {
            s.env
                .iter()
                .filter(|(_, v)| v.description.starts_with("Was a literal in"))
                .map(move |(k, _)| (name.clone(), k.clone()))
        })
        .collect();
    let mut original_routers = Vec::new();
    let mut generated_routers = Vec::new();
    let entrypoints: Vec<String> = spec.traefik.entrypoints.keys().cloned().collect();
    let tls_entrypoints: Vec<String> = spec
        .traefik
        .entrypoints
        .iter()
        .filter(|(_, e)| e.tls)
        .map(|(n, _)| n.clone())
        .collect();
    for stack in &source.stacks {
        let Some(spec_stack) = spec.stacks.get(&stack.name) else {
            continue;
        };
        let folder = spec_stack.path.clone().unwrap_or_default();
        let path = format!("{folder}/docker-compose.yml");
        let mut push = |what: String, documented: Option<String>| {
            out.differences.push(Difference {
                stack: stack.name.clone(),
                what,
                documented,
            });
        };
        let Some(text) = find(&path) else {
            push(format!("{path} is not generated"), None);
            continue;
        };
        let generated: Value = serde_yaml::from_str(&text).unwrap_or(Value::Null);
        let original = Value::Mapping({
            let mut m = Mapping::new();
            m.insert(
                "services".into(),
                Value::Mapping(
                    stack
                        .project
                        .services
                        .iter()
                        .map(|(k, v)| (k.clone().into(), Value::Mapping(v.clone())))
                        .collect(),
                ),
            );
            m.insert(
                "volumes".into(),
                Value::Mapping(stack.project.volumes.clone()),
            );
            m.insert(
                "networks".into(),
                Value::Mapping(stack.project.networks.clone()),
            );
            m
        });
        let a = normalise(&original);
        let b = normalise(&generated);
        out.stacks += 1;
        out.services += stack.project.services.len();
        for what in diff("", &a, &b) {
            let documented = explain(&stack.name, &what, &secrets, source, stack);
            push(what, documented);
        }
        for (name, svc) in &stack.project.services {
            routers_of(
                svc,
                name,
                &entrypoints,
                &tls_entrypoints,
                &mut original_routers,
            );
        }
        for (name, svc) in generated
            .get("services")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
        {
            if let (Some(name), Some(svc)) = (name.as_str(), svc.as_mapping()) {
                routers_of(
                    svc,
                    name,
                    &entrypoints,
                    &tls_entrypoints,
                    &mut generated_routers,
                );
            }
        }
    }
    if let Some(t) = &source.traefik {
        for (_, _, file) in &t.dynamic {
            file_routers(file, &entrypoints, &tls_entrypoints, &mut original_routers);
        }
        if let Some(edge) = spec.stacks.get(&spec.traefik.stack) {
            let prefix = format!("{}/dynamic/", edge.path.clone().unwrap_or_default());
            for artifact in artifacts.iter().filter(|a| a.path.starts_with(&prefix)) {
                let root: Value = serde_yaml::from_slice(&artifact.bytes).unwrap_or(Value::Null);
                let file = super::dynamic::parse(&root);
                file_routers(
                    &file,
                    &entrypoints,
                    &tls_entrypoints,
                    &mut generated_routers,
                );
            }
        }
    }
    // The dashboard router's name and rule are seisei's own: it is compared by what it
    // serves and where, not by name.
    let dashboards = |routers: &mut Vec<(String, Json)>| -> Vec<Json> {
        let (dash, rest): (Vec<_>, Vec<_>) = std::mem::take(routers)
            .into_iter()
            .partition(|(_, r)| r["backend"] == "api@internal");
        *routers = rest;
        let mut eps: Vec<Json> = dash
            .into_iter()
            .map(|(_, r)| r["entrypoints"].clone())
            .collect();
        eps.sort_by_key(Json::to_string);
        eps
    };
    let (a, b) = (
        dashboards(&mut original_routers),
        dashboards(&mut generated_routers),
    );
    if a != b {
        out.differences.push(Difference {
            stack: "traefik".into(),
            what: format!("dashboard entry points: original {a:?}, generated {b:?}"),
            documented: None,
        });
    }
    let generated: BTreeMap<String, Json> = generated_routers.into_iter().collect();
    for (name, router) in &original_routers {
        out.routers += 1;
        match generated.get(name) {
            None => out.differences.push(Difference {
                stack: "traefik".into(),
                what: format!("router `{name}` is not generated"),
                documented: None,
            }),
            Some(g) if g != router => {
                for what in diff(&format!("router {name}"), router, g) {
                    out.differences.push(Difference {
                        stack: "traefik".into(),
                        what,
                        documented: None,
                    });
                }
            }
            Some(_) => {}
        }
    }
    for name in generated.keys() {
        if !original_routers.iter().any(|(n, _)| n == name) {
            out.differences.push(Difference {
                stack: "traefik".into(),
                what: format!("router `{name}` is generated but not in the original"),
                documented: None,
            });
        }
    }
    out
}

/// Why a compose difference is expected, if it is.
fn explain(
    stack: &str,
    what: &str,
    secrets: &[(String, String)],
    source: &Source,
    _s: &super::build::StackSource,
) -> Option<String> {
    if secrets
        .iter()
        .any(|(s, k)| s == stack && what.contains(&format!(".environment.{k}:")))
    {
        return Some("a literal that looked like a credential is now a secret variable".into());
    }
    if what.contains(".expose:") && what.contains("generated [") {
        return Some("a port Traefik routes to is declared, as seisei requires; Traefik reached it undeclared".into());
    }
    if what.contains("/var/run/docker.sock")
        && source.traefik.as_ref().is_some_and(|t| !t.config.docker)
    {
        return Some("the Docker provider is enabled for the routes written as labels, so seisei mounts the socket".into());
    }
    None
}

/// The normalised compose model of a file's root mapping.
pub fn normalise(root: &Value) -> Json {
    let mut services = serde_json::Map::new();
    for (name, svc) in root
        .get("services")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(svc)) = (name.as_str(), svc.as_mapping()) else {
            continue;
        };
        services.insert(name.to_owned(), service(svc));
    }
    let mut networks = serde_json::Map::new();
    for (name, n) in root
        .get("networks")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let name = name.as_str().unwrap_or_default().to_owned();
        let mut entry = serde_json::Map::new();
        for (k, v) in n.as_mapping().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default();
            match k {
                "driver" if v.as_str() == Some("bridge") => {}
                "name" if v.as_str() == Some(name.as_str()) => {}
                _ => {
                    entry.insert(k.to_owned(), yaml_json(v));
                }
            }
        }
        networks.insert(name, Json::Object(entry));
    }
    let mut volumes = serde_json::Map::new();
    for (name, v) in root
        .get("volumes")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let mut entry = serde_json::Map::new();
        for (k, val) in v.as_mapping().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default();
            if !(k == "driver" && val.as_str() == Some("local")) {
                entry.insert(k.to_owned(), yaml_json(val));
            }
        }
        volumes.insert(
            name.as_str().unwrap_or_default().to_owned(),
            Json::Object(entry),
        );
    }
    json!({"services": services, "networks": networks, "volumes": volumes})
}

fn yaml_json(v: &Value) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn text_json(v: &Value) -> Json {
    scalar_text(v).map_or(Json::Null, |s| Json::String(unguard(&s)))
}

fn service(svc: &Mapping) -> Json {
    let mut out = serde_json::Map::new();
    for (key, value) in svc {
        let Some(key) = key.as_str() else { continue };
        let normal = match key {
            "environment" => Json::Object(
                as_map(value)
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), text_json(v)))
                    .collect(),
            ),
            "labels" => {
                let map: serde_json::Map<String, Json> = as_map(value)
                    .iter()
                    .filter(|(k, _)| {
                        !k.as_str()
                            .unwrap_or_default()
                            .to_ascii_lowercase()
                            .starts_with("traefik.")
                    })
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), text_json(v)))
                    .collect();
                if map.is_empty() {
                    continue;
                }
                Json::Object(map)
            }
            "ports" | "expose" => {
                let mut items: Vec<String> = value
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(scalar_text)
                    .map(|s| {
                        if s.contains('/') {
                            s
                        } else {
                            format!("{s}/tcp")
                        }
                    })
                    .collect();
                items.sort();
                json!(items)
            }
            "volumes" => {
                let mut items: Vec<String> = value
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(scalar_text)
                    .map(|s| {
                        let parts: Vec<&str> = s.split(':').collect();
                        let source = parts[0]
                            .strip_prefix("./")
                            .map_or_else(|| parts[0].to_owned(), |p| format!("./{p}"));
                        let mode = parts.get(2).copied().unwrap_or("rw");
                        format!("{source}:{}:{mode}", parts.get(1).unwrap_or(&""))
                    })
                    .collect();
                items.sort();
                json!(items)
            }
            "networks" => {
                let mut names: Vec<String> = match value {
                    Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
                    Value::Mapping(m) => m.keys().filter_map(scalar_text).collect(),
                    _ => Vec::new(),
                };
                names.sort();
                json!(names)
            }
            "depends_on" => match value {
                Value::Sequence(items) => Json::Object(
                    items
                        .iter()
                        .filter_map(scalar_text)
                        .map(|n| (n, json!({"condition": "service_started"})))
                        .collect(),
                ),
                Value::Mapping(m) => Json::Object(
                    m.iter()
                        .map(|(k, v)| {
                            let condition = v
                                .get("condition")
                                .and_then(Value::as_str)
                                .unwrap_or("service_started");
                            let mut d = json!({"condition": condition});
                            if let Some(r) =
                                v.get("restart").and_then(Value::as_bool).filter(|r| *r)
                            {
                                d["restart"] = json!(r);
                            }
                            (k.as_str().unwrap_or_default().to_owned(), d)
                        })
                        .collect(),
                ),
                _ => Json::Null,
            },
            "command" | "entrypoint" => match value {
                Value::String(s) => json!(
                    split_words(s)
                        .iter()
                        .map(|w| unguard(w))
                        .collect::<Vec<_>>()
                ),
                Value::Sequence(items) => json!(
                    items
                        .iter()
                        .filter_map(scalar_text)
                        .map(|w| unguard(&w))
                        .collect::<Vec<_>>()
                ),
                _ => Json::Null,
            },
            "healthcheck" => {
                let mut h = serde_json::Map::new();
                h.insert("interval".into(), json!("30s"));
                h.insert("timeout".into(), json!("30s"));
                h.insert("retries".into(), json!(3));
                for (k, v) in value.as_mapping().into_iter().flatten() {
                    let k = k.as_str().unwrap_or_default().to_owned();
                    let v = match (&*k, v) {
                        ("test", Value::String(s)) => json!(["CMD-SHELL", s]),
                        ("retries", v) => json!(scalar_text(v).and_then(|s| s.parse::<u64>().ok())),
                        (_, v) => text_json(v)
                            .as_str()
                            .map_or_else(|| yaml_json(v), |s| json!(s)),
                    };
                    h.insert(k, v);
                }
                Json::Object(h)
            }
            "deploy" => {
                let mut d = yaml_json(value);
                for set in ["limits", "reservations"] {
                    if let Some(cpus) = d.pointer_mut(&format!("/resources/{set}/cpus")) {
                        let n: f64 = cpus.as_str().map_or_else(
                            || cpus.as_f64().unwrap_or(0.0),
                            |s| s.parse().unwrap_or(0.0),
                        );
                        *cpus = json!(n.to_string());
                    }
                }
                d
            }
            "image" | "container_name" | "restart" | "user" | "shm_size" | "stop_grace_period" => {
                text_json(value)
            }
            k if k.starts_with("x-") => continue,
            _ => yaml_json(value),
        };
        out.insert(key.to_owned(), normal);
    }
    out.entry("restart").or_insert_with(|| json!("no"));
    Json::Object(out)
}

/// The differences between two JSON trees, as `path: original X, generated Y`.
#[allow(clippy::many_single_char_names)] // two trees and their parts, side by side
fn diff(path: &str, a: &Json, b: &Json) -> Vec<String> {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let mut out = Vec::new();
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(a), Some(b)) => out.extend(diff(&p, a, b)),
                    (Some(a), None) => out.push(format!("{p}: original {a}, generated nothing")),
                    (None, Some(b)) => out.push(format!("{p}: original nothing, generated {b}")),
                    (None, None) => {}
                }
            }
            out
        }
        (a, b) if a == b => Vec::new(),
        (a, b) => vec![format!(
            "{path}: original {}, generated {}",
            masked(a),
            masked(b)
        )],
    }
}

/// A value as a difference shows it: a credential is never printed, not even the original.
fn masked(value: &Json) -> String {
    match value {
        Json::String(s) if crate::spec::secrets::credential_kind(s).is_some() => {
            "\"****\"".to_owned()
        }
        other => other.to_string(),
    }
}

/// The routers a container's labels declare, as comparable JSON.
fn routers_of(
    svc: &Mapping,
    name: &str,
    all: &[String],
    tls: &[String],
    out: &mut Vec<(String, Json)>,
) {
    let Some(labels) = svc.get("labels") else {
        return;
    };
    let parsed = super::labels::parse(&as_map(labels));
    let container = svc
        .get("container_name")
        .and_then(Value::as_str)
        .unwrap_or(name)
        .to_owned();
    let exposed: Vec<u16> = ["expose", "ports"]
        .iter()
        .flat_map(|k| {
            svc.get(*k)
                .and_then(Value::as_sequence)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|p| scalar_text(&p))
        .filter_map(|p| {
            p.split('/')
                .next()
                .and_then(|p| p.rsplit(':').next())
                .and_then(|p| p.parse().ok())
        })
        .collect();
    for router in &parsed.routers {
        let lb = match &router.service {
            Some(s) => parsed.services.iter().find(|l| &l.name == s),
            None if parsed.services.len() == 1 => parsed.services.first(),
            None => None,
        };
        let port = lb
            .and_then(|l| l.port)
            .or_else(|| (exposed.len() == 1).then(|| exposed[0]));
        let sticky = lb.and_then(|l| l.sticky.clone());
        out.push((
            router.name.clone(),
            router_json(
                router,
                "docker",
                &format!(
                    "{container}:{}",
                    port.map_or_else(|| "?".into(), |p| p.to_string())
                ),
                sticky,
                all,
                tls,
            ),
        ));
    }
}

fn file_routers(
    file: &super::dynamic::DynamicFile,
    all: &[String],
    tls: &[String],
    out: &mut Vec<(String, Json)>,
) {
    for router in &file.routers {
        let target = router.service.clone().unwrap_or_default();
        let base = target.strip_suffix("@file").unwrap_or(&target);
        let lb = file.services.iter().find(|s| s.name == base);
        let backend = lb.map_or_else(
            || target.clone(),
            |l| {
                l.servers
                    .iter()
                    .filter_map(|u| super::dynamic::host_port(u))
                    .map(|(h, p)| format!("{h}:{p}"))
                    .collect::<Vec<_>>()
                    .join(",")
            },
        );
        let sticky = lb.and_then(|l| l.sticky.clone());
        out.push((
            router.name.clone(),
            router_json(router, "file", &backend, sticky, all, tls),
        ));
    }
}

fn router_json(
    router: &Router,
    provider: &str,
    backend: &str,
    sticky: Option<Vec<(String, String)>>,
    all: &[String],
    tls_eps: &[String],
) -> Json {
    let rule = super::defects::v3_rule(&router.rule).unwrap_or_else(|| router.rule.clone());
    let tree = crate::traefik::rule::parse(&rule, crate::traefik::rule::Kind::Http)
        .map_or_else(|e| format!("unparsed: {}", e.message), |t| tree(&t));
    let mut entrypoints = if router.entrypoints.is_empty() {
        all.to_vec()
    } else {
        router.entrypoints.clone()
    };
    entrypoints.sort();
    let tls = router.tls || entrypoints.iter().any(|e| tls_eps.contains(e));
    let middlewares: Vec<String> = router
        .middlewares
        .iter()
        .map(|m| {
            if m.contains('@') {
                m.clone()
            } else {
                format!("{m}@{provider}")
            }
        })
        .collect();
    let mut sticky = sticky.map(|mut s| {
        s.sort();
        s
    });
    if let Some(s) = &mut sticky {
        for (_, v) in s.iter_mut() {
            *v = v.to_ascii_lowercase();
        }
    }
    json!({
        "rule": tree,
        "priority": crate::traefik::rule::effective_priority(&rule, router.priority),
        "entrypoints": entrypoints,
        "tls": tls,
        "cert_resolver": router.cert_resolver,
        "middlewares": middlewares,
        "backend": backend,
        "sticky": sticky,
    })
}

/// A parsed rule as a canonical string: matchers with their values, `&&`, `||` and `!`
/// grouped with parentheses, so that spacing and redundant parentheses do not count.
fn tree(expr: &crate::traefik::rule::Expr) -> String {
    use crate::traefik::rule::Expr;
    match expr {
        Expr::Match { matcher, args, .. } => format!(
            "{matcher:?}({})",
            args.iter()
                .map(|a| format!("{:?}", a.value))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Expr::Not(e) => format!("!({})", tree(e)),
        Expr::And(a, b) => format!("({} && {})", tree(a), tree(b)),
        Expr::Or(a, b) => format!("({} || {})", tree(a), tree(b)),
    }
}
