//! Checks shared by the round-trip, property and schema tests: each compares one kind of
//! output with the model, reading it as its consumer does.

use std::collections::BTreeSet;

use seisei::Compiled;
use seisei::model::{Model, Router, Service, ServiceKind, Stack};
use seisei::spec::Provider;
use serde_yaml::{Mapping, Value};

use crate::support::findings::*;
use crate::support::readers::*;

/// Every stack's `docker-compose.yml`: the keys seisei writes and nothing else, each value
/// as the model holds it. Compose interpolates `$` in every value, so a literal one (image,
/// container name, label, volume) is doubled, while `environment` and `command` are already
/// in Compose syntax and come back verbatim.
pub(crate) fn check_compose(compiled: &Compiled, findings: &mut Findings) {
    let model = &compiled.model;
    for stack in &model.stacks {
        let path = stack.compose_path();
        let Some(doc) = yaml_artifact(compiled, &path, false, findings) else {
            continue;
        };
        let mut top = set(["name", "services"]);
        if !stack.networks.is_empty() {
            top.insert("networks".into());
        }
        if !stack.volumes.is_empty() {
            top.insert("volumes".into());
        }
        for key in ["secrets", "configs"] {
            let objects = stack.objects_of(key);
            if !objects.is_empty() {
                top.insert(key.into());
                let actual = doc.get(key).unwrap_or(&Value::Null);
                for object in objects {
                    findings.same(
                        format!("{path}: {key}.{}", object.name),
                        actual.get(&object.name),
                        Some(&object.compose_value),
                    );
                }
            }
        }
        findings.same(format!("{path}: top-level keys"), keys(&doc), top);
        findings.same(
            format!("{path}: name"),
            doc.get("name"),
            Some(&s(&stack.name)),
        );
        let services = doc.get("services").unwrap_or(&Value::Null);
        findings.same(
            format!("{path}: services"),
            keys(services),
            stack.services.iter().map(|s| s.name.clone()).collect(),
        );
        for service in &stack.services {
            let Some(actual) = services.get(&service.name) else {
                continue;
            };
            let at = format!("{path}: services.{}", service.name);
            let expected = expected_service(model, service);
            findings.same(
                format!("{at}: keys"),
                keys(actual),
                expected.iter().map(|(k, _)| k.clone()).collect(),
            );
            for (key, value) in &expected {
                findings.same(format!("{at}.{key}"), actual.get(key), Some(value));
            }
        }
        check_docker_labels(model, stack, services, &path, findings);
        let networks = doc.get("networks").unwrap_or(&Value::Null);
        findings.same(
            format!("{path}: networks"),
            keys(networks),
            stack.networks.iter().cloned().collect(),
        );
        for network in model
            .networks
            .iter()
            .filter(|n| stack.networks.contains(&n.name))
        {
            let actual = networks.get(&network.name).and_then(|n| n.get("external"));
            let expected = network
                .external_in(&stack.name)
                .then_some(Value::Bool(true));
            findings.same(
                format!("{path}: networks.{}.external", network.name),
                actual,
                expected.as_ref(),
            );
        }
        let volumes = doc.get("volumes").unwrap_or(&Value::Null);
        findings.same(
            format!("{path}: volumes"),
            keys(volumes),
            stack.volumes.iter().map(|v| v.name.clone()).collect(),
        );
        for volume in &stack.volumes {
            let actual = volumes.get(&volume.name).and_then(|v| v.get("name"));
            let expected = volume.docker_name.as_deref().map(|n| s(&literal(n)));
            findings.same(
                format!("{path}: volumes.{}.name", volume.name),
                actual,
                expected.as_ref(),
            );
        }
    }
}

/// What the compose file must hold for one service, key by key.
pub(crate) fn expected_service(model: &Model, service: &Service) -> Vec<(String, Value)> {
    let mut out = vec![
        (
            "container_name".to_owned(),
            s(&literal(&service.container_name)),
        ),
        ("restart".to_owned(), s(&literal(&service.restart))),
    ];
    // The image is Compose text: a variable in it is interpolated (and guarded).
    if !service.image.is_empty() || !service.builds() {
        out.push(("image".to_owned(), s(&service.image)));
    }
    let mut push = |key: &str, value: Value| out.push((key.to_owned(), value));
    if let Some(command) = &service.command {
        push("command", strings(command));
    }
    if !service.environment.is_empty() {
        push(
            "environment",
            mapping(service.environment.iter().map(|(k, v)| (k.clone(), s(v)))),
        );
    }
    let published: Vec<String> = service
        .published_ports()
        .iter()
        .map(|p| p.compose())
        .collect();
    if !published.is_empty() {
        push("ports", strings(&published));
    }
    let exposed: Vec<String> = service
        .exposed_ports()
        .iter()
        .map(|p| p.compose())
        .collect();
    if !exposed.is_empty() {
        push("expose", strings(&exposed));
    }
    if !service.networks.is_empty() && service.attachments.is_empty() {
        push("networks", strings(&service.networks));
    } else if !service.networks.is_empty() {
        // With aliases or addresses, the networks are a mapping: settings or an empty map.
        push(
            "networks",
            mapping(service.networks.iter().map(|n| {
                let settings = service
                    .attachment(n)
                    .cloned()
                    .unwrap_or_else(|| Value::Mapping(serde_yaml::Mapping::new()));
                (n.clone(), settings)
            })),
        );
    }
    if !service.mounts.is_empty() {
        let mounts: Vec<Value> = service
            .mounts
            .iter()
            .map(|m| m.long.clone().unwrap_or_else(|| s(&literal(&m.compose()))))
            .collect();
        push("volumes", Value::Sequence(mounts));
    }
    if !service.depends_on.is_empty() {
        push(
            "depends_on",
            mapping(service.depends_on.iter().map(|dependency| {
                let mut fields = vec![("condition".to_owned(), s(dependency.condition))];
                if dependency.restart {
                    fields.push(("restart".to_owned(), Value::Bool(true)));
                }
                (dependency.service.clone(), mapping(fields))
            })),
        );
    }
    if let Some(check) = &service.healthcheck {
        let mut fields = vec![
            ("test".to_owned(), strings(&check.test)),
            ("interval".to_owned(), s(&check.interval)),
            ("timeout".to_owned(), s(&check.timeout)),
            ("retries".to_owned(), Value::Number(check.retries.into())),
        ];
        if let Some(start) = &check.start_period {
            fields.push(("start_period".to_owned(), s(start)));
        }
        push("healthcheck", mapping(fields));
    }
    let docker = model.docker_labels(service);
    if !docker.is_empty() || !service.user_labels.is_empty() {
        let traefik = docker.iter().map(|(k, v)| (k.clone(), s(&literal(v))));
        let own = service.user_labels.iter().map(|(k, v)| (k.clone(), s(v)));
        push("labels", mapping(traefik.chain(own)));
    }
    for (key, value) in &service.fields {
        push(key, value.clone());
    }
    for (key, value) in &service.extra {
        push(key, value.clone());
    }
    out
}

/// Docker-provider routers, read from the labels Compose will hand to Traefik, against the
/// router itself rather than the model's label list, so a label built from the wrong field
/// is caught too.
pub(crate) fn check_docker_labels(
    model: &seisei::model::Model,
    stack: &Stack,
    services: &Value,
    path: &str,
    findings: &mut Findings,
) {
    let routers = model
        .routers
        .iter()
        .filter(|r| r.stack == stack.name && r.provider == Provider::Docker);
    for router in routers {
        let labels = services
            .get(&router.service)
            .and_then(|s| s.get("labels"))
            .unwrap_or(&Value::Null);
        let prefix = format!("traefik.http.routers.{}", router.name);
        let expected = [
            (format!("{prefix}.rule"), router.rule.clone()),
            (
                format!("{prefix}.entrypoints"),
                router.entrypoints.join(","),
            ),
            (format!("{prefix}.service"), router.service_name.clone()),
        ];
        let mut expected = expected.to_vec();
        // The router's service carries the port when Docker labels declare it too.
        let service = model
            .services
            .iter()
            .find(|s| s.name == router.service_name);
        if let Some(ServiceKind::LoadBalancer {
            port: Some(port), ..
        }) = service
            .filter(|s| s.provider == Provider::Docker)
            .map(|s| &s.kind)
        {
            expected.push((
                format!(
                    "traefik.http.services.{}.loadbalancer.server.port",
                    router.service_name
                ),
                port.to_string(),
            ));
        }
        for (label, value) in expected {
            findings.same(
                format!("{path}: services.{}.labels.{label}", router.service),
                labels.get(&label),
                Some(&s(&literal(&value))),
            );
        }
    }
}

/// The file provider's files: exactly one per stack with file routes plus `_platform.yml`,
/// each router and middleware as the model holds it once Traefik has run the Go template.
pub(crate) fn check_dynamic(compiled: &Compiled, findings: &mut Findings) {
    let model = &compiled.model;
    let Some(proxy) = model.stacks.iter().find(|s| s.name == model.traefik.stack) else {
        findings.fail(format!("no stack `{}` runs Traefik", model.traefik.stack));
        return;
    };
    let dir = format!("{}/dynamic/", proxy.dir);
    let file_routers = |stack: &str| -> Vec<&Router> {
        model
            .routers
            .iter()
            .filter(|r| r.stack == stack && r.provider == Provider::File)
            .collect()
    };
    let file_services = |stack: &str| -> Vec<&seisei::model::ProxyService> {
        model
            .services
            .iter()
            .filter(|s| s.stack == stack && s.provider == Provider::File)
            .collect()
    };
    let file_l4 = |stack: &str| -> Vec<&seisei::model::L4Router> {
        model
            .l4_routers
            .iter()
            .filter(|r| r.stack == stack && r.provider == Provider::File)
            .collect()
    };
    let mut expected_files = set(["_platform.yml"]);
    let traefik = &model.traefik;
    if !(traefik.servers_transports.is_empty()
        && traefik.tls_options.is_empty()
        && traefik.tls_stores.is_empty())
    {
        expected_files.insert("_transport.yml".to_owned());
    }
    for stack in &model.stacks {
        if !file_routers(&stack.name).is_empty()
            || !file_services(&stack.name).is_empty()
            || !file_l4(&stack.name).is_empty()
        {
            expected_files.insert(format!("{}.yml", stack.name));
        }
    }
    let actual_files: BTreeSet<String> = compiled
        .artifacts
        .iter()
        .filter_map(|a| a.path.strip_prefix(&dir).map(str::to_owned))
        .collect();
    findings.same(format!("files in {dir}"), actual_files, expected_files);

    for stack in &model.stacks {
        let routers = file_routers(&stack.name);
        let services = file_services(&stack.name);
        let l4 = file_l4(&stack.name);
        if routers.is_empty() && services.is_empty() && l4.is_empty() {
            continue;
        }
        let path = format!("{dir}{}.yml", stack.name);
        let Some(doc) = yaml_artifact(compiled, &path, true, findings) else {
            continue;
        };
        let mut top = BTreeSet::new();
        if !routers.is_empty() || !services.is_empty() {
            top.insert("http".to_owned());
        }
        for r in &l4 {
            top.insert(r.section().to_owned());
            let at = format!("{path}: {}.routers.{}", r.section(), r.name);
            let actual = doc
                .get(r.section())
                .and_then(|d| d.get("routers"))
                .and_then(|d| d.get(&r.name));
            findings.same(
                format!("{at}.rule"),
                actual.and_then(|a| a.get("rule")).cloned(),
                r.rule.as_deref().map(s),
            );
            let address = doc
                .get(r.section())
                .and_then(|d| d.get("services"))
                .and_then(|d| d.get(&r.name))
                .and_then(|d| d.get("loadBalancer"))
                .and_then(|d| d.get("servers"));
            findings.same(
                format!("{at}: servers"),
                address.cloned(),
                Some(Value::Sequence(vec![mapping([(
                    "address".to_owned(),
                    s(&r.address),
                )])])),
            );
        }
        findings.same(format!("{path}: top-level keys"), keys(&doc), top);
        if routers.is_empty() && services.is_empty() {
            continue;
        }
        let http = doc.get("http").unwrap_or(&Value::Null);
        let mut sections = BTreeSet::new();
        if !routers.is_empty() {
            sections.insert("routers".to_owned());
        }
        if !services.is_empty() {
            sections.insert("services".to_owned());
        }
        findings.same(format!("{path}: http"), keys(http), sections);
        let names: BTreeSet<String> = routers.iter().map(|r| r.name.clone()).collect();
        let actual_routers = http.get("routers").unwrap_or(&Value::Null);
        let actual_services = http.get("services").unwrap_or(&Value::Null);
        findings.same(format!("{path}: routers"), keys(actual_routers), names);
        findings.same(
            format!("{path}: services"),
            keys(actual_services),
            services.iter().map(|s| s.name.clone()).collect(),
        );
        for service in &services {
            let ServiceKind::LoadBalancer { servers, .. } = &service.kind else {
                continue;
            };
            let expected_servers = Value::Sequence(
                servers
                    .iter()
                    .map(|server| {
                        let mut entry = vec![("url".to_owned(), s(&server.url))];
                        if let Some(weight) = server.weight {
                            entry.push(("weight".to_owned(), Value::Number(weight.into())));
                        }
                        mapping(entry)
                    })
                    .collect(),
            );
            findings.same(
                format!(
                    "{path}: http.services.{}.loadBalancer.servers",
                    service.name
                ),
                actual_services
                    .get(&service.name)
                    .and_then(|s| s.get("loadBalancer"))
                    .and_then(|l| l.get("servers")),
                Some(&expected_servers),
            );
        }
        for router in routers {
            let at = format!("{path}: http.routers.{}", router.name);
            let actual = actual_routers.get(&router.name).unwrap_or(&Value::Null);
            let expected = expected_router(router);
            findings.same(
                format!("{at}: keys"),
                keys(actual),
                expected.iter().map(|(k, _)| k.clone()).collect(),
            );
            for (key, value) in &expected {
                findings.same(format!("{at}.{key}"), actual.get(key), Some(value));
            }
        }
    }

    let path = format!("{dir}_platform.yml");
    let Some(doc) = yaml_artifact(compiled, &path, true, findings) else {
        return;
    };
    let traefik = &model.traefik;
    let mut http = Vec::new();
    if let Some(router) = &traefik.edge.dashboard {
        let mut dashboard = vec![
            ("rule".to_owned(), s(&router.rule)),
            ("entryPoints".to_owned(), strings([&router.entrypoint])),
            ("service".to_owned(), s("api@internal")),
        ];
        if !router.middlewares.is_empty() {
            dashboard.push(("middlewares".to_owned(), strings(&router.middlewares)));
        }
        let dashboard = mapping(dashboard);
        http.push((
            "routers".to_owned(),
            mapping([("dashboard".to_owned(), dashboard)]),
        ));
    }
    if !traefik.middlewares.is_empty() {
        http.push((
            "middlewares".to_owned(),
            mapping(
                traefik
                    .middlewares
                    .iter()
                    .map(|m| (m.name.clone(), expected_middleware(&m.kind))),
            ),
        ));
    }
    let mut sections = Vec::new();
    if !http.is_empty() {
        sections.push(("http".to_owned(), mapping(http)));
    }
    let spec_tcp = &compiled.source.spec.traefik.tcp_middlewares;
    if !spec_tcp.is_empty() {
        let tcp = spec_tcp
            .iter()
            .map(|(name, m)| (name.clone(), expected_middleware(m)));
        sections.push((
            "tcp".to_owned(),
            mapping([("middlewares".to_owned(), mapping(tcp))]),
        ));
    }
    let expected = if sections.is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        mapping(sections)
    };
    findings.same(format!("{path}: content"), doc, expected);
}

pub(crate) fn expected_router(router: &Router) -> Vec<(String, Value)> {
    let mut out = vec![
        ("rule".to_owned(), s(&router.rule)),
        ("entryPoints".to_owned(), strings(&router.entrypoints)),
        ("service".to_owned(), s(&router.service_name)),
    ];
    if let Some(priority) = router.priority {
        out.push(("priority".to_owned(), Value::Number(priority.into())));
    }
    if !router.middlewares.is_empty() {
        out.push(("middlewares".to_owned(), strings(&router.middlewares)));
    }
    if router.tls {
        let mut entries: Vec<(String, Value)> = router
            .cert_resolver
            .iter()
            .map(|r| ("certResolver".to_owned(), s(r)))
            .collect();
        if let Some(options) = &router.tls_options {
            entries.push(("options".to_owned(), s(options)));
        }
        if !router.tls_domains.is_empty() {
            let domains = router.tls_domains.iter().map(|d| {
                let mut domain = vec![("main".to_owned(), s(&d.main))];
                if !d.sans.is_empty() {
                    domain.push(("sans".to_owned(), strings(&d.sans)));
                }
                mapping(domain)
            });
            entries.push(("domains".to_owned(), Value::Sequence(domains.collect())));
        }
        out.push(("tls".to_owned(), mapping(entries)));
    }
    out
}

/// A middleware as Traefik's file provider spells it: the spec's own tree, since the spec
/// carries Traefik's names. `serde_json` writes an enum as a one-key map without the help of
/// the `singleton_map` adapter seisei uses, so the two paths are independent.
pub(crate) fn expected_middleware(kind: &impl serde::Serialize) -> Value {
    let json = serde_json::to_value(kind).expect("a middleware serialises");
    serde_yaml::to_value(json).expect("JSON is YAML")
}

/// `traefik.yml`: the values that come from the spec (addresses, resolvers, paths).
pub(crate) fn check_static(compiled: &Compiled, findings: &mut Findings) {
    let model = &compiled.model;
    let traefik = &model.traefik;
    let Some(proxy) = model.stacks.iter().find(|s| s.name == traefik.stack) else {
        findings.fail(format!("no stack `{}` runs Traefik", traefik.stack));
        return;
    };
    let path = format!("{}/traefik.yml", proxy.dir);
    let Some(doc) = yaml_artifact(compiled, &path, false, findings) else {
        return;
    };
    let at = |keys: &[&str]| -> Option<Value> {
        keys.iter()
            .try_fold(&doc, |v, k| v.get(*k))
            .filter(|v| !v.is_null())
            .cloned()
    };
    findings.same(
        format!("{path}: log.level"),
        at(&["log", "level"]),
        Some(s(&traefik.log_level)),
    );
    findings.same(
        format!("{path}: providers.file.directory"),
        at(&["providers", "file", "directory"]),
        Some(s(&traefik.dynamic_dir)),
    );
    findings.same(
        format!("{path}: providers.docker.network"),
        at(&["providers", "docker", "network"]),
        traefik.uses_docker_provider.then(|| s(&traefik.network)),
    );
    findings.same(
        format!("{path}: entryPoints"),
        keys(&at(&["entryPoints"]).unwrap_or(Value::Null)),
        traefik.entrypoints.iter().map(|e| e.name.clone()).collect(),
    );
    for e in &traefik.entrypoints {
        let name = e.name.as_str();
        let field = |rest: &[&str]| {
            let mut keys = vec!["entryPoints", name];
            keys.extend_from_slice(rest);
            at(&keys)
        };
        findings.same(
            format!("{path}: entryPoints.{name}.address"),
            field(&["address"]),
            Some(s(&e.address)),
        );
        findings.same(
            format!("{path}: entryPoints.{name} redirect"),
            field(&["http", "redirections", "entryPoint", "to"]),
            e.redirect_to.as_deref().map(s),
        );
        findings.same(
            format!("{path}: entryPoints.{name} certResolver"),
            field(&["http", "tls", "certResolver"]),
            e.cert_resolver.as_deref().filter(|_| e.tls).map(s),
        );
        findings.same(
            format!("{path}: entryPoints.{name}.http.middlewares"),
            field(&["http", "middlewares"]),
            (!e.middlewares.is_empty()).then(|| strings(&e.middlewares)),
        );
    }
    findings.same(
        format!("{path}: certificatesResolvers"),
        keys(&at(&["certificatesResolvers"]).unwrap_or(Value::Null)),
        traefik
            .cert_resolvers
            .iter()
            .map(|r| r.name.clone())
            .collect(),
    );
    for r in &traefik.cert_resolvers {
        let name = r.name.as_str();
        let acme = |rest: &[&str]| {
            let mut keys = vec!["certificatesResolvers", name, "acme"];
            keys.extend_from_slice(rest);
            at(&keys)
        };
        let fields = [
            (&["email"][..], Some(s(&r.email))),
            (&["storage"][..], Some(s(&r.storage))),
            (
                &["httpChallenge", "entryPoint"][..],
                r.http_challenge_entrypoint.as_deref().map(s),
            ),
            (
                &["dnsChallenge", "provider"][..],
                r.dns_challenge_provider.as_deref().map(s),
            ),
        ];
        for (keys, expected) in fields {
            findings.same(
                format!(
                    "{path}: certificatesResolvers.{name}.acme.{}",
                    keys.join(".")
                ),
                acme(keys),
                expected,
            );
        }
    }
}

/// Every stack's `.env.example`, read as Compose reads `.env`: the variables in the model's
/// order, each with the example the model shows, and nothing else.
pub(crate) fn check_env(compiled: &Compiled, findings: &mut Findings) {
    for stack in &compiled.model.stacks {
        let path = stack.env_path();
        let Some(text) = artifact_text(compiled, &path) else {
            findings.fail(format!("{path}: not generated"));
            continue;
        };
        match read_dotenv(text) {
            Ok(entries) => findings.same(
                format!("{path}: variables"),
                entries,
                stack
                    .variables
                    .iter()
                    .map(|v| (v.name.clone(), v.example.clone()))
                    .collect(),
            ),
            Err(e) => findings.fail(format!("{path}: Compose cannot read it: {e}\n{text}")),
        }
    }
}

/// The inventory's tables: every row is one line that ends the last cell, with as many
/// unescaped `|` as the header has, and the overview has one row per stack.
pub(crate) fn check_inventory(compiled: &Compiled, findings: &mut Findings) {
    let path = &compiled.model.inventory;
    let Some(text) = artifact_text(compiled, path) else {
        findings.fail(format!("{path}: not generated"));
        return;
    };
    let mut header: Option<usize> = None;
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        if !ends_with_border(line) {
            findings.fail(format!(
                "{path}:{number}: table row does not end with `|`: {line:?}"
            ));
        }
        let pipes = unescaped_pipes(line);
        match header {
            None => header = Some(pipes),
            Some(expected) if expected != pipes => findings.fail(format!(
                "{path}:{number}: {pipes} cell borders where the header has {expected}: {line:?}"
            )),
            Some(_) => {}
        }
    }
    let overview_rows = text
        .split("## Overview")
        .nth(1)
        .map_or(0, |rest| {
            rest.lines()
                .skip_while(|l| !l.starts_with('|'))
                .take_while(|l| l.starts_with('|'))
                .count()
        })
        .saturating_sub(2);
    findings.same(
        format!("{path}: overview rows"),
        overview_rows,
        compiled.model.stacks.len(),
    );
}

/// The line ends with a `|` that no backslash escapes.
pub(crate) fn ends_with_border(line: &str) -> bool {
    line.strip_suffix('|')
        .is_some_and(|body| (body.len() - body.trim_end_matches('\\').len()) % 2 == 0)
}

pub(crate) fn unescaped_pipes(line: &str) -> usize {
    let mut backslashes = 0;
    let mut count = 0;
    for c in line.chars() {
        if c == '|' && backslashes % 2 == 0 {
            count += 1;
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    count
}
