//! The two providers describe the same routers and services: the selfhosted-apps platform
//! compiled once with every container route in the file provider and once with every one on
//! Docker labels must give, router by router and service by service, the same tree (labels
//! split on dots as Traefik reads them, case-insensitively, against the dynamic file), sticky
//! cookies, health checks, servers transports, TLS options and domains included.

use std::collections::BTreeMap;

use serde_yaml::Value;

type Flat = BTreeMap<String, String>;

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// A file-provider object flattened to label form: `tls.domains[0].main`, lists of scalars
/// joined with `,`, keys lower-cased (Traefik reads label keys case-insensitively).
fn flatten(prefix: &str, value: &Value, out: &mut Flat) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_ascii_lowercase()
        } else {
            format!("{prefix}.{}", key.to_ascii_lowercase())
        }
    };
    match value {
        Value::Mapping(map) => {
            for (key, item) in map {
                flatten(&join(key.as_str().expect("string keys")), item, out);
            }
        }
        Value::Sequence(items) if items.iter().all(|i| !i.is_mapping()) => {
            let parts: Vec<String> = items.iter().map(scalar).collect();
            out.insert(prefix.to_owned(), parts.join(","));
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), item, out);
            }
        }
        scalar_value => {
            out.insert(prefix.to_owned(), scalar(scalar_value));
        }
    }
}

/// The file provider's service in label form: the server URL becomes the port (and the
/// scheme, when not plain HTTP) that labels give, since Docker supplies the address.
fn file_service(service: &Value) -> Flat {
    let mut flat = Flat::new();
    flatten("", service, &mut flat);
    // TCP and UDP servers have an `address` (`host:port`) instead of a URL.
    if let Some(address) = flat.remove("loadbalancer.servers[0].address") {
        let port = address.rsplit_once(':').expect("a port").1;
        flat.insert("loadbalancer.server.port".into(), port.to_owned());
        return flat;
    }
    let url = flat
        .remove("loadbalancer.servers[0].url")
        .expect("a container service has one server");
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let port = rest.rsplit_once(':').expect("a port").1;
    flat.insert("loadbalancer.server.port".into(), port.to_owned());
    if scheme != "http" {
        flat.insert("loadbalancer.server.scheme".into(), scheme.to_owned());
    }
    flat
}

/// One container's labels, grouped by `routers.NAME` and `services.NAME`, in the same form.
/// References to the file provider (`name@file`) are the same objects the file provider
/// names without a suffix.
fn label_objects(labels: &BTreeMap<String, String>) -> BTreeMap<(String, String), Flat> {
    let mut objects: BTreeMap<(String, String), Flat> = BTreeMap::new();
    for (key, value) in labels {
        let key = key.to_ascii_lowercase();
        let Some(rest) = key.strip_prefix("traefik.") else {
            continue;
        };
        let mut parts = rest.splitn(4, '.');
        let (protocol, kind, name) = (
            parts.next().unwrap(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let Some(field) = parts.next() else { continue };
        if !matches!(protocol, "http" | "tcp" | "udp") {
            continue;
        }
        let kind = format!("{protocol}.{kind}");
        // Compose doubles `$` in label values; Traefik sees one.
        let value = value
            .replace("$$", "$")
            .split(',')
            .map(|v| v.trim_end_matches("@file"))
            .collect::<Vec<_>>()
            .join(",");
        objects
            .entry((kind, name.to_owned()))
            .or_default()
            .insert(field.to_owned(), value);
    }
    // `tls: "true"` beside `tls.certresolver` is implied by the children in the file form.
    for flat in objects.values_mut() {
        if flat.keys().any(|k| k.starts_with("tls.")) {
            flat.remove("tls");
        }
    }
    objects
}

#[test]
fn docker_labels_and_the_file_provider_describe_the_same_routers_and_services() {
    let original = std::fs::read_to_string(
        crate::repo_root().join("tests/fixtures/selfhosted-apps/platform.yaml"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Every container route in the file provider, then every one on labels (backends stay in
    // the file provider, where they must be).
    let file_spec = original
        .replace("    provider: docker\n", "")
        .replace("output: expected", "output: out-file");
    let docker_spec = file_spec
        .replace(
            "  default_entrypoints:",
            "  default_provider: docker\n  default_entrypoints:",
        )
        .replace("output: out-file", "output: out-docker");
    for (name, text) in [("file.yaml", &file_spec), ("docker.yaml", &docker_spec)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let file = crate::compile(&dir.path().join("file.yaml"));
    let docker = crate::compile(&dir.path().join("docker.yaml"));

    let mut from_file: BTreeMap<(String, String), Value> = BTreeMap::new();
    for artifact in file
        .artifacts
        .iter()
        .filter(|a| a.path.contains("/dynamic/"))
    {
        let doc: Value = serde_yaml::from_slice(&artifact.bytes).unwrap();
        for protocol in ["http", "tcp", "udp"] {
            for kind in ["routers", "services"] {
                if let Some(Value::Mapping(map)) = doc.get(protocol).and_then(|h| h.get(kind)) {
                    for (name, object) in map {
                        let name = name.as_str().unwrap().to_ascii_lowercase();
                        from_file.insert((format!("{protocol}.{kind}"), name), object.clone());
                    }
                }
            }
        }
    }

    let (mut routers, mut services, mut fields) = (0, 0, std::collections::BTreeSet::new());
    for stack in &docker.model.stacks {
        let compose: Value = serde_yaml::from_slice(
            &docker
                .artifacts
                .iter()
                .find(|a| a.path == stack.compose_path())
                .unwrap()
                .bytes,
        )
        .unwrap();
        for service in &stack.services {
            let labels: BTreeMap<String, String> = compose["services"][service.name.as_str()]
                .get("labels")
                .map(|l| serde_yaml::from_value(l.clone()).unwrap())
                .unwrap_or_default();
            for ((kind, name), from_labels) in label_objects(&labels) {
                let object = from_file
                    .get(&(kind.clone(), name.clone()))
                    .unwrap_or_else(|| panic!("{kind} {name} is in labels only"));
                let expected = if kind.ends_with(".routers") {
                    routers += 1;
                    let mut flat = Flat::new();
                    flatten("", object, &mut flat);
                    flat
                } else {
                    services += 1;
                    file_service(object)
                };
                fields.extend(from_labels.keys().map(|k| format!("{kind}.{k}")));
                assert_eq!(
                    from_labels, expected,
                    "{kind} {name} in stack {}",
                    stack.name
                );
            }
        }
    }
    assert!(routers >= 15, "routers compared: {routers}");
    assert!(services >= 12, "services compared: {services}");
    // The comparison covered the new fields, not only rules and ports.
    for field in [
        "http.services.loadbalancer.sticky.cookie.httponly",
        "http.services.loadbalancer.sticky.cookie.samesite",
        "http.services.loadbalancer.sticky.cookie.maxage",
        "http.services.loadbalancer.healthcheck.path",
        "http.services.loadbalancer.healthcheck.interval",
        "http.services.loadbalancer.passhostheader",
        "http.services.loadbalancer.serverstransport",
        "http.services.loadbalancer.server.scheme",
        "http.routers.tls.options",
        "http.routers.tls.domains[0].sans",
        "tcp.routers.rule",
        "tcp.routers.tls.passthrough",
        "tcp.routers.tls.options",
        "tcp.services.loadbalancer.server.port",
        "udp.routers.entrypoints",
        "udp.services.loadbalancer.server.port",
    ] {
        assert!(
            fields.contains(field),
            "{field} was never compared: {fields:?}"
        );
    }
}
