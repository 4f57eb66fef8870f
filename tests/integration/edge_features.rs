//! The selfhosted-edge fixture is issue 14's platform: it must keep using every Traefik feature
//! the issue lists. Each is asserted on what seisei generates for it (the static file, the
//! file-provider documents and the Docker labels read as the same tree), not on the spec, so
//! a change that stops writing one fails here.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::repo_root;
use crate::schemas::Kind;
use crate::support::traefik::labels_as_file_document;

/// The fixture's generated Traefik configuration: the static file, and every dynamic
/// document (Docker labels included).
fn generated() -> (Value, Vec<Value>) {
    let compiled =
        crate::compile(&repo_root().join("tests/fixtures/selfhosted-edge/platform.yaml"));
    let yaml = |bytes: &[u8]| -> Value { serde_yaml::from_slice(bytes).expect("YAML") };
    let static_file = compiled
        .artifacts
        .iter()
        .find(|a| Kind::Static.selects(&a.path))
        .map(|a| yaml(&a.bytes))
        .expect("a static file");
    let mut dynamic: Vec<Value> = compiled
        .artifacts
        .iter()
        .filter(|a| Kind::Dynamic.selects(&a.path))
        .map(|a| yaml(&a.bytes))
        .collect();
    for stack in &compiled.model.stacks {
        for service in &stack.services {
            dynamic.extend(labels_as_file_document(
                &compiled.model.docker_labels(service),
            ));
        }
    }
    (static_file, dynamic)
}

/// Every `(name, object)` of one section (`http.routers`, `tcp.services`, …), keys of
/// either spelling (`loadBalancer`, Docker's `loadbalancer`) left as they are.
fn section<'a>(docs: &'a [Value], protocol: &str, kind: &str) -> Vec<(&'a str, &'a Value)> {
    docs.iter()
        .filter_map(|d| d.get(protocol)?.get(kind)?.as_object())
        .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
        .collect()
}

fn get<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |v, key| {
        v.get(*key).or_else(|| v.get(key.to_ascii_lowercase()))
    })
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(list)) => list.split(',').map(|s| s.trim().to_owned()).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_edge_fixture_uses_every_feature_of_issue_14() {
    let (static_file, docs) = generated();
    let mut missing: Vec<&str> = Vec::new();
    let mut need = |ok: bool, feature: &'static str| {
        if !ok {
            missing.push(feature);
        }
    };

    // Middlewares, by kind; a router's middlewares with chains unfolded.
    let middlewares = section(&docs, "http", "middlewares");
    let kind_of = |name: &str| -> Option<String> {
        let bare = name.split('@').next().unwrap_or(name);
        let (_, m) = middlewares.iter().find(|(n, _)| *n == bare)?;
        m.as_object()?.keys().next().map(|k| k.to_ascii_lowercase())
    };
    let unfold = |names: Vec<String>| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = names;
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let bare = name.split('@').next().unwrap_or(&name).to_owned();
            if let Some((_, m)) = middlewares.iter().find(|(n, _)| *n == bare) {
                todo.extend(strings(get(m, &["chain", "middlewares"])));
            }
        }
        seen
    };
    let routers = section(&docs, "http", "routers");
    let kinds_of_router = |router: &Value| -> (BTreeSet<String>, BTreeSet<String>) {
        let direct = strings(get(router, &["middlewares"]));
        let direct_kinds = direct.iter().filter_map(|n| kind_of(n)).collect();
        let all = unfold(direct).iter().filter_map(|n| kind_of(n)).collect();
        (direct_kinds, all)
    };
    let behind_forward_auth = routers
        .iter()
        .filter(|(_, r)| kinds_of_router(r).1.contains("forwardauth"))
        .count();
    need(
        behind_forward_auth >= 3,
        "forward auth in front of several apps",
    );
    need(
        routers
            .iter()
            .any(|(_, r)| kinds_of_router(r).0.contains("chain")),
        "a chain on a router",
    );
    need(
        routers
            .iter()
            .any(|(_, r)| kinds_of_router(r).1.contains("redirectregex")),
        "redirectRegex on a router",
    );

    // TCP and UDP routers.
    let tcp_routers = section(&docs, "tcp", "routers");
    let tcp_services = section(&docs, "tcp", "services");
    let address_of = |service: &str| -> String {
        tcp_services
            .iter()
            .find(|(n, _)| *n == service)
            .and_then(|(_, s)| {
                let lb = get(s, &["loadBalancer"])?;
                let servers = lb.get("servers")?.as_array()?;
                Some(servers.first()?.get("address")?.as_str()?.to_owned())
            })
            .unwrap_or_default()
    };
    let sni_rule = |r: &Value| {
        get(r, &["rule"])
            .and_then(Value::as_str)
            .is_some_and(|rule| rule.starts_with("HostSNI(`") && !rule.contains("HostSNI(`*`)"))
    };
    let passthrough = |r: &Value| {
        get(r, &["tls", "passthrough"]).is_some_and(|p| p == &Value::Bool(true) || p == "true")
    };
    need(
        tcp_routers.iter().any(|(_, r)| {
            let service = get(r, &["service"]).and_then(Value::as_str).unwrap_or("");
            sni_rule(r)
                && get(r, &["tls"]).is_some()
                && !passthrough(r)
                && address_of(service).ends_with(":5432")
        }),
        "a TCP router with HostSNI over TLS to a PostgreSQL database",
    );
    need(
        tcp_routers
            .iter()
            .any(|(_, r)| sni_rule(r) && passthrough(r)),
        "a TCP router with TLS passthrough",
    );
    need(!section(&docs, "udp", "routers").is_empty(), "a UDP router");

    // Services.
    let services = section(&docs, "http", "services");
    let url_of = |name: &str| -> Option<String> {
        let (_, s) = services.iter().find(|(n, _)| *n == name)?;
        let lb = get(s, &["loadBalancer"])?;
        Some(
            lb.get("servers")?
                .as_array()?
                .first()?
                .get("url")?
                .as_str()?
                .to_owned(),
        )
    };
    let routed: Vec<String> = routers
        .iter()
        .filter_map(|(_, r)| url_of(get(r, &["service"])?.as_str()?))
        .collect();
    let two_ports = routed.iter().any(|a| {
        let (host, port) = a.rsplit_once(':').unwrap_or((a, ""));
        routed.iter().any(|b| {
            let (other_host, other_port) = b.rsplit_once(':').unwrap_or((b, ""));
            host == other_host && port != other_port
        })
    });
    need(two_ports, "two routed ports on one container");
    need(
        services
            .iter()
            .any(|(_, s)| get(s, &["loadBalancer", "sticky", "cookie", "name"]).is_some()),
        "sticky sessions with a named cookie",
    );
    let transports: BTreeSet<&str> = docs
        .iter()
        .filter_map(|d| d.get("http")?.get("serversTransports")?.as_object())
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    need(
        services.iter().any(|(name, s)| {
            url_of(name).is_some_and(|u| u.starts_with("https://"))
                && get(s, &["loadBalancer", "serversTransport"])
                    .and_then(Value::as_str)
                    .is_some_and(|t| transports.contains(t.split('@').next().unwrap_or(t)))
        }),
        "an HTTPS backend with a servers transport",
    );
    need(
        services.iter().any(|(name, _)| {
            url_of(name).is_some_and(|u| {
                let host = u.split("://").nth(1).unwrap_or("").split([':', '/']).next();
                host.is_some_and(|h| h.parse::<std::net::IpAddr>().is_ok())
            })
        }),
        "a backend outside Docker (an address on the LAN)",
    );
    let routed_services: BTreeSet<&str> = routers
        .iter()
        .filter_map(|(_, r)| get(r, &["service"])?.as_str())
        .collect();
    need(
        services.iter().any(|(name, s)| {
            let weights: BTreeSet<i64> = get(s, &["weighted", "services"])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|w| w.get("weight")?.as_i64())
                .collect();
            routed_services.contains(name) && weights.len() >= 2
        }),
        "a canary with weights",
    );

    // Static settings.
    let entry_points: Vec<&Value> = static_file["entryPoints"]
        .as_object()
        .expect("entry points")
        .values()
        .collect();
    let any_entry_point = |keys: &[&str]| entry_points.iter().any(|e| get(e, keys).is_some());
    need(
        entry_points
            .iter()
            .any(|e| e["address"].as_str().is_some_and(|a| a.ends_with("/udp"))),
        "a /udp entry point",
    );
    for (keys, feature) in [
        (&["proxyProtocol", "trustedIPs"][..], "proxyProtocol"),
        (
            &["forwardedHeaders", "trustedIPs"][..],
            "forwardedHeaders.trustedIPs",
        ),
        (
            &["transport", "respondingTimeouts"][..],
            "transport.respondingTimeouts",
        ),
        (&["http3"][..], "http3"),
        (&["http", "middlewares"][..], "entry-point middlewares"),
        (&["http", "tls"][..], "entry-point TLS defaults"),
    ] {
        need(any_entry_point(keys), feature);
    }
    let acme: Vec<&Value> = static_file["certificatesResolvers"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(|r| r.get("acme"))
        .collect();
    let any_acme = |keys: &[&str]| acme.iter().any(|a| get(a, keys).is_some());
    for (keys, feature) in [
        (&["ping"][..], "ping"),
        (&["metrics", "prometheus"][..], "Prometheus metrics"),
        (&["accessLog", "format"][..], "accessLog.format"),
        (&["accessLog", "fields"][..], "accessLog.fields"),
        (&["accessLog", "filters"][..], "accessLog.filters"),
        (&["log", "level"][..], "log.level"),
        (&["log", "format"][..], "log.format"),
        (&["log", "filePath"][..], "log.filePath"),
        (&["experimental", "plugins"][..], "plugins"),
    ] {
        need(get(&static_file, keys).is_some(), feature);
    }
    need(any_acme(&["caServer"]), "ACME caServer");
    need(any_acme(&["keyType"]), "ACME keyType");
    need(any_acme(&["dnsChallenge", "resolvers"]), "DNS-01 resolvers");
    need(
        any_acme(&["dnsChallenge", "delayBeforeCheck"]),
        "DNS-01 delayBeforeCheck",
    );
    need(
        get(&static_file, &["providers", "docker", "endpoint"])
            .and_then(Value::as_str)
            .is_some_and(|e| e.starts_with("tcp://")),
        "the Docker provider through a socket proxy",
    );

    assert!(
        missing.is_empty(),
        "the selfhosted-edge fixture no longer uses: {missing:?}"
    );
    let compiled =
        crate::compile(&repo_root().join("tests/fixtures/selfhosted-edge/platform.yaml"));
    assert!(
        compiled.model.stacks.len() >= 15,
        "issue 14 asks for at least 15 stacks, the fixture has {}",
        compiled.model.stacks.len()
    );
}
