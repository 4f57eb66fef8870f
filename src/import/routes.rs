//! Routers and Traefik services as spec routes: the rule kept as written unless seisei prints
//! the same rule from `hosts` and a path prefix, the router's name kept, a service of its own
//! only when it has settings beyond the port, and the container a dynamic file's server URL
//! names. Input: neutral routers and services; output: spec routes and load balancers.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::labels::{LbService, Router};
use super::source::Source;
use crate::spec::{self};

/// `port`: it has settings beyond the port.
/// Whether a Traefik service needs its own entry (`traefik_services`) rather than a route's
pub(crate) fn needs_named(lb: &LbService) -> bool {
    lb.sticky.is_some() || lb.scheme.is_some() || lb.pass_host_header.is_some()
}

pub(crate) fn load_balancer(lb: &LbService, port: Option<u16>) -> spec::LoadBalancer {
    let mut m = Mapping::new();
    if let Some(port) = port {
        m.insert("port".into(), port.into());
    } else {
        let servers: Vec<Value> = lb
            .servers
            .iter()
            .map(|u| {
                let mut s = Mapping::new();
                s.insert("url".into(), u.clone().into());
                Value::Mapping(s)
            })
            .collect();
        m.insert("servers".into(), Value::Sequence(servers));
    }
    if let Some(scheme) = &lb.scheme {
        m.insert("scheme".into(), scheme.clone().into());
    }
    if let Some(p) = lb.pass_host_header {
        m.insert("passHostHeader".into(), p.into());
    }
    if let Some(sticky) = &lb.sticky {
        let mut cookie = Mapping::new();
        for (k, v) in sticky {
            let value: Value = match k.as_str() {
                "secure" | "httpOnly" => v.eq_ignore_ascii_case("true").into(),
                "maxAge" => v
                    .parse::<i64>()
                    .map_or_else(|_| v.clone().into(), Into::into),
                _ => v.clone().into(),
            };
            cookie.insert(k.clone().into(), value);
        }
        let mut s = Mapping::new();
        s.insert("cookie".into(), Value::Mapping(cookie));
        m.insert("sticky".into(), Value::Mapping(s));
    }
    serde_yaml::from_value(Value::Mapping(m)).unwrap_or_default()
}

/// A spec route for a router: `hosts` (and a path prefix) when seisei prints that back as the
/// same rule, else the rule as written.
pub(crate) fn route_of(
    router: &Router,
    version: &str,
    file: bool,
    qualify: &dyn Fn(&str, bool) -> String,
) -> spec::Route {
    let mut route = spec::Route {
        name: None,
        router: Some(router.name.clone()),
        service: None,
        tls_options: None,
        hosts: Vec::new(),
        path_prefix: None,
        path: None,
        methods: Vec::new(),
        headers: BTreeMap::new(),
        rule: Some(super::defects::v3_rule(&router.rule).unwrap_or_else(|| router.rule.clone())),
        port: None,
        priority: router.priority,
        entrypoints: (!router.entrypoints.is_empty()).then(|| router.entrypoints.clone()),
        middlewares: router
            .middlewares
            .iter()
            .map(|m| qualify(m, file))
            .collect(),
        tls_domains: Vec::new(),
        tls: false,
        cert_resolver: router.cert_resolver.clone(),
        provider: None,
        note: None,
        overrides: Vec::new(),
    };
    let hosts = hosts_of(&router.rule);
    if let Some(v) = crate::traefik::Version::parse(version) {
        for prefix in [None, path_prefix_of(&router.rule)] {
            let printed = crate::traefik::write_rule(
                &crate::traefik::RouteMatch {
                    hosts: &hosts,
                    path_prefix: prefix.as_deref(),
                    ..Default::default()
                },
                v,
            );
            if !hosts.is_empty() && printed == router.rule {
                route.hosts.clone_from(&hosts);
                route.path_prefix = prefix;
                route.rule = None;
                break;
            }
        }
    }
    route
}

/// Whether a TLS router needs the route's own `tls: true`: none of the entry points it will
/// be on is a TLS one in the static configuration (TLS from the default certificate, a file
/// TLS store, or a resolver, on a plain entry point).
pub(crate) fn own_tls(router: &Router, source: &Source) -> bool {
    let entrypoints = source
        .traefik
        .as_ref()
        .map(|t| &t.config.entrypoints)
        .cloned()
        .unwrap_or_default();
    let is_tls = |name: &String| entrypoints.get(name).is_some_and(|e| e.tls);
    // Without entry points the route takes the spec's defaults: the TLS ones, if any.
    let on_tls = if router.entrypoints.is_empty() {
        entrypoints.keys().any(is_tls)
    } else {
        router.entrypoints.iter().any(is_tls)
    };
    router.tls && !on_tls
}

/// The `Host` values of a rule, in order.
pub fn hosts_of(rule: &str) -> Vec<String> {
    matcher_values(rule, "Host(`")
}

pub(crate) fn path_prefix_of(rule: &str) -> Option<String> {
    matcher_values(rule, "PathPrefix(`").into_iter().next()
}

pub(crate) fn matcher_values(rule: &str, open: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(start) = rest.find(open) {
        // `HostRegexp(` also contains `Host(`? No: the backtick follows `Host(` directly.
        let before = &rest[..start];
        let after = &rest[start + open.len()..];
        let Some(end) = after.find('`') else { break };
        if !before.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            out.push(after[..end].to_owned());
        }
        rest = &after[end..];
    }
    out
}

pub(crate) fn find_container(source: &Source, host: &str) -> Option<(usize, String)> {
    for (i, stack) in source.stacks.iter().enumerate() {
        for (name, svc) in &stack.project.services {
            if svc.get("container_name").and_then(Value::as_str) == Some(host) {
                return Some((i, name.clone()));
            }
        }
    }
    for (i, stack) in source.stacks.iter().enumerate() {
        if stack.project.services.iter().any(|(n, _)| n == host) {
            return Some((i, host.to_owned()));
        }
    }
    None
}
