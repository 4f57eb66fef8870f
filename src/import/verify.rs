//! The proof of an import: the compose model and the Traefik routers of the original files,
//! compared with those of the files the imported spec generates, stack by stack, naming every
//! difference. Compose models are normalised the way `docker compose config` normalises them
//! (short syntax expanded, environment lists and maps alike, Docker's healthcheck defaults
//! filled in, variables left as written, `traefik.` labels compared as routers instead);
//! routers by name, parsed rule, effective priority, entry points, TLS and resolver,
//! middlewares in order, and backend; the HTTP and TCP middlewares by name and definition. Input: the source as read and the generated
//! artifacts; output: the differences, each either documented (with the reason) or not.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value as Json, json};
use serde_yaml::{Mapping, Value};

use super::build::Source;
use super::compose::{as_map, scalar_text};
use super::labels::Router;
pub use super::normalise::normalise;
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
        let main_diffs = diff("", &a, &b);
        for what in &main_diffs {
            let documented = explain(&stack.name, what, &secrets, source, stack);
            push(what.clone(), documented);
        }
        // Each variant, over its main file, against the generated pair: only what the
        // variant adds to the main file's differences.
        for over in &stack.found.variants {
            let Some(name) = super::variants::name_of(over) else {
                continue;
            };
            let generated_path = format!("{folder}/docker-compose.{name}.yml");
            let Some(over_text) = find(&generated_path) else {
                push(format!("{generated_path} is not generated"), None);
                continue;
            };
            let theirs = super::compose::read_yaml(over).map_or(Value::Null, |(_, v)| v);
            let ours: Value = serde_yaml::from_str(&over_text).unwrap_or(Value::Null);
            let a = normalise(&super::variants::merged(&original, &theirs));
            let b = normalise(&super::variants::merged(&generated, &ours));
            for what in diff("", &a, &b) {
                if !main_diffs.contains(&what) {
                    push(format!("with variant `{name}`: {what}"), None);
                }
            }
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
    let (original_middlewares, generated_middlewares) = middlewares(source, spec, artifacts);
    for (name, original) in &original_middlewares {
        let what = match generated_middlewares.get(name) {
            None => format!("middleware `{name}` is not generated"),
            Some(g) if g != original => {
                format!("middleware `{name}`: original {original}, generated {g}")
            }
            Some(_) => continue,
        };
        out.differences.push(Difference {
            stack: "traefik".into(),
            what,
            documented: None,
        });
    }
    for name in generated_middlewares.keys() {
        if !original_middlewares.contains_key(name) {
            out.differences.push(Difference {
                stack: "traefik".into(),
                what: format!("middleware `{name}` is generated but not in the original"),
                documented: None,
            });
        }
    }
    // Middlewares declared in labels are served from seisei's dynamic file now: a router's
    // `NAME@docker` is the generated router's `NAME@file`, HTTP and TCP alike (a TCP
    // router's key starts with `tcp `).
    let mut moved_http = Vec::new();
    let mut moved_tcp = Vec::new();
    for parsed in traefik_labels(source) {
        moved_http.extend(
            parsed
                .middlewares
                .into_iter()
                .map(|(name, _, _)| name)
                .filter(|n| spec.traefik.middlewares.contains_key(n)),
        );
        moved_tcp.extend(
            parsed
                .l4
                .middlewares
                .into_iter()
                .map(|(name, _, _)| name)
                .filter(|n| spec.traefik.tcp_middlewares.contains_key(n)),
        );
    }
    for (key, router) in &mut original_routers {
        let moved = if key.starts_with("tcp ") {
            &moved_tcp
        } else {
            &moved_http
        };
        for m in router
            .get_mut("middlewares")
            .and_then(Json::as_array_mut)
            .into_iter()
            .flatten()
        {
            let bare = m.as_str().and_then(|n| n.strip_suffix("@docker"));
            if let Some(bare) = bare.filter(|b| moved.iter().any(|x| x == b)) {
                *m = Json::String(format!("{bare}@file"));
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

/// The middlewares of the original (dynamic files and labels) and of the generated dynamic
/// files, by `http NAME` or `tcp NAME`, each as JSON with its keys in lower case (Traefik
/// reads them in any case). One kept in a hand-written file (`NAME@file` in
/// `external_middlewares`) is left out: seisei does not write it.
fn middlewares(
    source: &Source,
    spec: &Spec,
    artifacts: &[Artifact],
) -> (BTreeMap<String, Json>, BTreeMap<String, Json>) {
    let mut original = BTreeMap::new();
    let mut generated = BTreeMap::new();
    let Some(t) = &source.traefik else {
        return (original, generated);
    };
    let kept = |name: &str| {
        spec.traefik
            .external_middlewares
            .iter()
            .any(|e| e.strip_suffix("@file") == Some(name))
    };
    let add = |into: &mut BTreeMap<String, Json>, file: &super::dynamic::DynamicFile| {
        for (kind, list) in [("http", &file.middlewares), ("tcp", &file.tcp_middlewares)] {
            for (name, value) in list.iter().filter(|(n, _)| !kept(n)) {
                let json = serde_json::to_value(value).unwrap_or(Json::Null);
                into.insert(format!("{kind} {name}"), lowercase_keys(json));
            }
        }
    };
    for (_, _, file) in &t.dynamic {
        add(&mut original, file);
    }
    for parsed in traefik_labels(source) {
        let read = |kind: &'static str, options: Vec<(String, String, String)>| {
            let mut by_name: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
            for (name, path, value) in options {
                by_name.entry(name).or_default().push((path, value));
            }
            by_name.into_iter().filter_map(move |(name, options)| {
                let json = if kind == "tcp" {
                    super::label_middlewares::read::<crate::spec::TcpMiddleware>(&options)
                        .ok()
                        .and_then(|m| serde_json::to_value(m).ok())
                } else {
                    super::label_middlewares::read::<crate::spec::Middleware>(&options)
                        .ok()
                        .and_then(|m| serde_json::to_value(m).ok())
                }?;
                Some((format!("{kind} {name}"), lowercase_keys(json)))
            })
        };
        original.extend(read("http", parsed.middlewares));
        original.extend(read("tcp", parsed.l4.middlewares));
    }
    if let Some(edge) = spec.stacks.get(&spec.traefik.stack) {
        let prefix = format!("{}/dynamic/", edge.path.clone().unwrap_or_default());
        for artifact in artifacts.iter().filter(|a| a.path.starts_with(&prefix)) {
            let root: Value = serde_yaml::from_slice(&artifact.bytes).unwrap_or(Value::Null);
            add(&mut generated, &super::dynamic::parse(&root));
        }
    }
    (original, generated)
}

/// What the labels of every original container tell Traefik.
fn traefik_labels(source: &Source) -> impl Iterator<Item = super::labels::TraefikLabels> + '_ {
    source
        .stacks
        .iter()
        .flat_map(|s| &s.project.services)
        .filter_map(|(_, svc)| svc.get("labels"))
        .map(|labels| super::labels::parse(&as_map(labels)))
}

/// `value` with every object key in lower case.
fn lowercase_keys(value: Json) -> Json {
    match value {
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), lowercase_keys(v)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.into_iter().map(lowercase_keys).collect()),
        other => other,
    }
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
    for router in &parsed.l4.routers {
        let port = parsed
            .l4
            .service_of(router)
            .and_then(|l| l.port)
            .or_else(|| (exposed.len() == 1).then(|| exposed[0]));
        let backend = format!(
            "{container}:{}",
            port.map_or_else(|| "?".into(), |p| p.to_string())
        );
        out.push(l4_router_json(router, "docker", &backend));
    }
}

/// A TCP or UDP router as compared, whichever provider declares it: its name is keyed by its
/// kind, and a middleware without `@provider` is the declaring provider's.
fn l4_router_json(
    router: &super::labels_l4::L4Router,
    provider: &str,
    backend: &str,
) -> (String, Json) {
    let kind = if router.udp { "udp" } else { "tcp" };
    let mut entrypoints = router.entrypoints.clone();
    entrypoints.sort();
    let middlewares: Vec<String> = router
        .middlewares
        .iter()
        .map(|m| crate::traefik::qualify(m, provider))
        .collect();
    let rule = (!router.udp).then(|| {
        crate::traefik::rule::parse(&router.rule, crate::traefik::rule::Kind::Tcp)
            .map_or_else(|e| format!("unparsed: {}", e.message), |t| tree(&t))
    });
    (
        format!("{kind} {}", router.name),
        json!({
            "rule": rule,
            "priority": router.priority,
            "entrypoints": entrypoints,
            "tls": router.tls,
            "passthrough": router.passthrough,
            "cert_resolver": router.cert_resolver,
            "options": router.tls_options,
            "middlewares": middlewares,
            "backend": backend,
        }),
    )
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
    for router in &file.l4.routers {
        let backend = file
            .l4
            .service_of(router)
            .map(|l| l.servers.join(","))
            .unwrap_or_default();
        out.push(l4_router_json(router, "file", &backend));
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
        .map(|m| crate::traefik::qualify(m, provider))
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
