//! Round trip: every generated file is read back the way its consumer reads it (YAML with
//! `serde_yaml`, Traefik's dynamic files through the Go template step first, `.env.example` with
//! a reader that follows Compose's dotenv parser) and each value must be the one the model,
//! and so the spec, holds. Runs on the repository's platforms and on a platform made of
//! hostile strings, which is also what the schema tests validate.

use std::collections::BTreeSet;
use std::fmt::{Debug, Display};
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, ScalarStyle};
use seisei::Compiled;
use seisei::model::{Router, Service, Stack};
use seisei::spec::{Middleware, Provider};
use serde_json::json;
use serde_yaml::{Mapping, Value};

use crate::{all_specs, compile};

#[test]
fn compose_files_read_back_as_the_model() {
    for spec in all_specs() {
        let compiled = compile(&spec);
        let mut findings = Findings::default();
        check_compose(&compiled, &mut findings);
        findings.assert_none(&spec);
    }
}

#[test]
fn traefik_files_read_back_as_the_model() {
    for spec in all_specs() {
        let compiled = compile(&spec);
        let mut findings = Findings::default();
        check_dynamic(&compiled, &mut findings);
        check_static(&compiled, &mut findings);
        findings.assert_none(&spec);
    }
}

#[test]
fn env_examples_read_back_as_the_model() {
    for spec in all_specs() {
        let compiled = compile(&spec);
        let mut findings = Findings::default();
        check_env(&compiled, &mut findings);
        findings.assert_none(&spec);
    }
}

#[test]
fn inventory_tables_keep_one_row_per_line() {
    for spec in all_specs() {
        let compiled = compile(&spec);
        let mut findings = Findings::default();
        check_inventory(&compiled, &mut findings);
        findings.assert_none(&spec);
    }
}

/// The whole chain on hostile input: the strings we meant, written into platform.yaml, must
/// come back out of every generated file unchanged, and no file may gain a key or a line.
#[test]
fn hostile_strings_survive_every_output() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = write_hostile_platform(dir.path());
    let compiled = compile(&spec);
    let mut findings = Findings::default();
    check_hostile_spec_was_read_as_meant(&compiled, &mut findings);
    check_compose(&compiled, &mut findings);
    check_dynamic(&compiled, &mut findings);
    check_static(&compiled, &mut findings);
    check_env(&compiled, &mut findings);
    check_inventory(&compiled, &mut findings);
    check_hostile_values(&compiled, &mut findings);
    findings.assert_none(&spec);
}

// Escaping rules found broken while these tests were written. Each test below holds one
// filter or template to the rule it states, with the smallest platform that shows it.

/// YAML ends a comment at CR, NEL, LS and PS as well as LF (YAML 1.1 and libyaml, which
/// go-yaml, used by Compose and Traefik, ports), and refuses control characters, a BOM inside
/// a document and U+FFFE/U+FFFF anywhere. A stack purpose, written as a `#` comment at the
/// top of the compose file, must neither inject keys nor make the file unreadable.
#[test]
fn yaml_comments_hold_any_purpose() {
    let purposes = [
        "first line\rinjected: true",
        "first line\u{85}injected: true",
        "first line\u{2028}injected: true",
        "first line\u{2029}injected: true",
        "bell\u{7}",
        "escape\u{1b}[0m",
        "del\u{7f}",
        "csi\u{9b}",
        "byte order mark\u{feff}",
        "noncharacter\u{fffe}",
    ];
    let mut stacks = serde_json::Map::new();
    for (i, purpose) in purposes.iter().enumerate() {
        stacks.insert(format!("purpose{i}"), small_stack(i, purpose, &json!({})));
    }
    let (_dir, compiled) = compile_platform(&platform(stacks, &json!({})));
    let mut findings = Findings::default();
    check_compose(&compiled, &mut findings);
    findings.assert_none(Path::new("purposes that YAML comments cannot hold raw"));
}

/// The escape hatch writes its value with `serde_yaml`, which puts a string with a line break
/// in a `|-` block whose lines must be indented under the key; otherwise the lines land in
/// the enclosing mapping, as a parse error or as keys of their own.
#[test]
fn escape_hatch_strings_keep_their_lines() {
    let hatches = [
        json!({ "x-lines": "line one\nline two\n", "x-nested": { "list": ["one\ntwo"] } }),
        // Read back as a service of its own, next to `app`.
        json!({ "x-note": "evil:\n    image: attacker/image:1\n    privileged: true" }),
    ];
    let mut stacks = serde_json::Map::new();
    for (i, hatch) in hatches.into_iter().enumerate() {
        stacks.insert(
            format!("hatch{i}"),
            json!({
                "purpose": "Escape-hatch strings with line breaks",
                "status": "testing",
                "networks": ["edge"],
                "services": { "app": {
                    "image": format!("registry.example.test/hatch{i}:1.0"),
                    "compose": hatch,
                }},
            }),
        );
    }
    let (_dir, compiled) = compile_platform(&platform(stacks, &json!({})));
    let mut findings = Findings::default();
    check_compose(&compiled, &mut findings);
    findings.assert_none(Path::new("escape-hatch strings with line breaks"));
}

/// Compose's dotenv parser treats a quote right after a backslash as escaped, in single and
/// double quotes alike (compose-go `dotenv/parser.go`, "skip escaped quote symbol"), so a
/// value that ends in a backslash must not be written as `'...\'` or `"...\\"`.
#[test]
fn env_examples_ending_in_a_backslash_read_back() {
    let mut stacks = serde_json::Map::new();
    for (i, example) in ["C:\\Users\\", "it's C:\\", "\\"].iter().enumerate() {
        stacks.insert(
            format!("backslash{i}"),
            small_stack(
                i,
                "Example ending in a backslash",
                &json!({ "description": "Ends in a backslash", "example": example }),
            ),
        );
    }
    let (_dir, compiled) = compile_platform(&platform(stacks, &json!({})));
    let mut findings = Findings::default();
    check_env(&compiled, &mut findings);
    findings.assert_none(Path::new("examples ending in a backslash"));
}

/// U+FFFE and U+FFFF are outside YAML's printable set: libyaml and go-yaml refuse a file
/// holding them raw, quoted or not, so they must be written as `\u` escapes.
#[test]
fn yaml_noncharacters_are_escaped() {
    let mut stacks = serde_json::Map::new();
    stacks.insert(
        "noncharacter".into(),
        json!({
            "purpose": "Values with Unicode noncharacters",
            "status": "testing",
            "networks": ["edge"],
            "services": { "app": {
                "image": "registry.example.test/app:1.0",
                "environment": { "A": "a\u{FFFE}b", "B": "\u{FFFF}" },
            }},
        }),
    );
    let (_dir, compiled) = compile_platform(&platform(stacks, &json!({})));
    let mut findings = Findings::default();
    check_compose(&compiled, &mut findings);
    findings.assert_none(Path::new("noncharacters"));
}

/// Middlewares of an entry point apply to every router on it; they must reach
/// `traefik.yml` whether or not the entry point redirects or terminates TLS.
#[test]
fn entry_point_middlewares_reach_traefik_yml_without_tls() {
    let mut spec = platform(
        serde_json::Map::new(),
        &json!({
            "allow": { "ip_allow_list": { "source_range": ["192.0.2.0/24"] } },
        }),
    );
    spec["traefik"]["entrypoints"]["dashboard"]["middlewares"] = json!(["allow"]);
    let (_dir, compiled) = compile_platform(&spec);
    let mut findings = Findings::default();
    check_static(&compiled, &mut findings);
    findings.assert_none(Path::new("entry point middlewares"));
}

/// `yaml_scalar` promises that a plain scalar means the same to YAML 1.1 readers (`PyYAML`,
/// yamllint, older tools) and YAML 1.2 ones (`yes` is a boolean in 1.1, `0755` octal,
/// `22:22` a base-60 integer). Every plain scalar of every generated file is checked.
#[test]
fn plain_scalars_read_the_same_in_yaml_1_1_and_1_2() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut specs = all_specs();
    specs.push(write_hostile_platform(dir.path()));
    let mut findings = Findings::default();
    for spec in &specs {
        let compiled = compile(spec);
        let mut checked = 0;
        for artifact in compiled.artifacts.iter().filter(|a| is_yaml(&a.path)) {
            let text = std::str::from_utf8(&artifact.bytes).expect("UTF-8");
            let text = if artifact.path.contains("/dynamic/") {
                render_go_template(text).unwrap_or_else(|e| panic!("{}: {e}", artifact.path))
            } else {
                text.to_owned()
            };
            for problem in yaml_1_1_disagreements(&text) {
                findings.fail(format!("{}: {}: {problem}", spec.display(), artifact.path));
            }
            checked += 1;
        }
        // A compose file per stack, `traefik.yml` and `_platform.yml` at least.
        let expected = compiled.model.stacks.len() + 2;
        assert!(
            checked >= expected,
            "{}: {checked} YAML files checked, expected {expected} or more",
            spec.display()
        );
    }
    findings.assert_none(Path::new("YAML 1.1 readings"));
}

/// The test's own readers must reject what Compose and Traefik would misread, or the checks
/// above could pass on broken output.
#[test]
fn readers_follow_compose_and_traefik() {
    let ok = |text: &str| read_dotenv(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    // Single quotes end at the next quote: `'it''s'` leaves `'s'` behind, which Compose
    // would read as the start of another statement.
    assert!(read_dotenv("B='it''s'\n").is_err());
    assert_eq!(
        ok("# comment\nA=x #c\nB = 'a\"$b'\nC=\"l1\\nl2\\t\\\\\\\"$$\"\nD=\n"),
        [
            ("A".into(), "x".into()),
            ("B".into(), "a\"$b".into()),
            ("C".into(), "l1\nl2\t\\\"$".into()),
            ("D".into(), String::new()),
        ]
    );
    for bad in [
        "A='x\\'\n",
        "A=\"x\\\\\"\n",
        "A=$B\n",
        "A=\"${B}\"\n",
        "A=\"5$\"\n",
        "A=\"\\q\"\n",
        "A\n",
        "A B=1\n",
        "A='open\n",
    ] {
        assert!(read_dotenv(bad).is_err(), "{bad:?} must be refused");
    }
    assert_eq!(
        render_go_template("a {{\"{{\"}} b {{\"{{\"}}{").as_deref(),
        Ok("a {{ b {{{")
    );
    assert!(render_go_template("a {{ .Env.HOME }}").is_err());
    assert!(render_go_template("{{{\"{{\"}}").is_err());
    assert_eq!(
        yaml_1_1_disagreements("a: yes\nb: 0755\nc: 22:22\nd: 1_000\ne: 1e3\nf: '0755'\n").len(),
        5
    );
    assert!(yaml_1_1_disagreements("a: true\nb: 5\nc: ~\nd: edge\ne: .5\n").is_empty());
}

// ---------------------------------------------------------------------------------------
// Checks shared by every test: each compares one kind of output with the model.
// ---------------------------------------------------------------------------------------

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
            let expected = expected_service(service);
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
            let expected = network.external.then_some(Value::Bool(true));
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
fn expected_service(service: &Service) -> Vec<(String, Value)> {
    let mut out = vec![
        ("image".to_owned(), s(&literal(&service.image))),
        (
            "container_name".to_owned(),
            s(&literal(&service.container_name)),
        ),
        ("restart".to_owned(), s(&literal(&service.restart))),
    ];
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
    if !service.networks.is_empty() {
        push("networks", strings(&service.networks));
    }
    if !service.mounts.is_empty() {
        let mounts: Vec<String> = service
            .mounts
            .iter()
            .map(|m| literal(&m.compose()))
            .collect();
        push("volumes", strings(&mounts));
    }
    if !service.depends_on.is_empty() {
        push(
            "depends_on",
            mapping(service.depends_on.iter().map(|(dependency, condition)| {
                (
                    dependency.clone(),
                    mapping([("condition".to_owned(), s(condition))]),
                )
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
    if !service.labels.is_empty() {
        push(
            "labels",
            mapping(
                service
                    .labels
                    .iter()
                    .map(|(k, v)| (k.clone(), s(&literal(v)))),
            ),
        );
    }
    for (key, value) in &service.extra {
        push(key, value.clone());
    }
    out
}

/// Docker-provider routers, read from the labels Compose will hand to Traefik, against the
/// router itself rather than the model's label list, so a label built from the wrong field
/// is caught too.
fn check_docker_labels(
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
            (format!("{prefix}.service"), router.name.clone()),
            (
                format!(
                    "traefik.http.services.{}.loadbalancer.server.port",
                    router.name
                ),
                router.port.to_string(),
            ),
        ];
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
    let mut expected_files = set(["_platform.yml"]);
    for stack in &model.stacks {
        if !file_routers(&stack.name).is_empty() {
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
        if routers.is_empty() {
            continue;
        }
        let path = format!("{dir}{}.yml", stack.name);
        let Some(doc) = yaml_artifact(compiled, &path, true, findings) else {
            continue;
        };
        findings.same(format!("{path}: top-level keys"), keys(&doc), set(["http"]));
        let http = doc.get("http").unwrap_or(&Value::Null);
        findings.same(
            format!("{path}: http"),
            keys(http),
            set(["routers", "services"]),
        );
        let names: BTreeSet<String> = routers.iter().map(|r| r.name.clone()).collect();
        let actual_routers = http.get("routers").unwrap_or(&Value::Null);
        let actual_services = http.get("services").unwrap_or(&Value::Null);
        findings.same(
            format!("{path}: routers"),
            keys(actual_routers),
            names.clone(),
        );
        findings.same(format!("{path}: services"), keys(actual_services), names);
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
            let servers = actual_services
                .get(&router.name)
                .and_then(|s| s.get("loadBalancer"))
                .and_then(|l| l.get("servers"));
            let expected_servers =
                Value::Sequence(vec![mapping([("url".to_owned(), s(&router.url))])]);
            findings.same(
                format!("{path}: http.services.{}.loadBalancer.servers", router.name),
                servers,
                Some(&expected_servers),
            );
        }
    }

    let path = format!("{dir}_platform.yml");
    let Some(doc) = yaml_artifact(compiled, &path, true, findings) else {
        return;
    };
    let traefik = &model.traefik;
    let mut http = Vec::new();
    if let Some(entrypoint) = &traefik.dashboard {
        let dashboard = mapping([
            (
                "rule".to_owned(),
                s("PathPrefix(`/api`) || PathPrefix(`/dashboard`)"),
            ),
            ("entryPoints".to_owned(), strings([entrypoint])),
            ("service".to_owned(), s("api@internal")),
        ]);
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
    let expected = if http.is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        mapping([("http".to_owned(), mapping(http))])
    };
    findings.same(format!("{path}: content"), doc, expected);
}

fn expected_router(router: &Router) -> Vec<(String, Value)> {
    let mut out = vec![
        ("rule".to_owned(), s(&router.rule)),
        ("entryPoints".to_owned(), strings(&router.entrypoints)),
        ("service".to_owned(), s(&router.name)),
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

/// A middleware as Traefik's file provider spells it.
fn expected_middleware(kind: &Middleware) -> Value {
    let (name, body) = match kind {
        Middleware::RedirectScheme { scheme, permanent } => (
            "redirectScheme",
            mapping([
                ("scheme".to_owned(), s(scheme)),
                ("permanent".to_owned(), Value::Bool(*permanent)),
            ]),
        ),
        Middleware::StripPrefix { prefixes } => (
            "stripPrefix",
            mapping([("prefixes".to_owned(), strings(prefixes))]),
        ),
        Middleware::Headers {
            sts_seconds,
            sts_include_subdomains,
            frame_deny,
            content_type_nosniff,
            custom_response_headers,
        } => {
            let mut fields = Vec::new();
            if let Some(seconds) = sts_seconds {
                fields.push(("stsSeconds".to_owned(), Value::Number((*seconds).into())));
                fields.push((
                    "stsIncludeSubdomains".to_owned(),
                    Value::Bool(*sts_include_subdomains),
                ));
            }
            fields.push(("frameDeny".to_owned(), Value::Bool(*frame_deny)));
            fields.push((
                "contentTypeNosniff".to_owned(),
                Value::Bool(*content_type_nosniff),
            ));
            if !custom_response_headers.is_empty() {
                fields.push((
                    "customResponseHeaders".to_owned(),
                    mapping(
                        custom_response_headers
                            .iter()
                            .map(|(k, v)| (k.clone(), s(v))),
                    ),
                ));
            }
            ("headers", mapping(fields))
        }
        Middleware::BasicAuth { users_file } => (
            "basicAuth",
            mapping([("usersFile".to_owned(), s(users_file))]),
        ),
        Middleware::IpAllowList { source_range } => (
            "ipAllowList",
            mapping([("sourceRange".to_owned(), strings(source_range))]),
        ),
        Middleware::RateLimit { average, burst } => (
            "rateLimit",
            mapping([
                ("average".to_owned(), Value::Number((*average).into())),
                ("burst".to_owned(), Value::Number((*burst).into())),
            ]),
        ),
    };
    mapping([(name.to_owned(), body)])
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
fn ends_with_border(line: &str) -> bool {
    line.strip_suffix('|')
        .is_some_and(|body| (body.len() - body.trim_end_matches('\\').len()) % 2 == 0)
}

fn unescaped_pipes(line: &str) -> usize {
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

// ---------------------------------------------------------------------------------------
// The hostile platform.
// ---------------------------------------------------------------------------------------

/// Text that a naive YAML, dotenv, Go template or Markdown writer gets wrong. `$` only
/// appears doubled: environment values, commands and escape-hatch values are Compose text,
/// where a lone `$` starts a variable. Values ending in a backslash and U+FFFE/U+FFFF have
/// their own tests above.
pub(crate) const HOSTILE: &[&str] = &[
    "plain",
    "it's",
    "say \"hi\"",
    "both 'single' and \"double\"",
    "key: value",
    "value #not a comment",
    "trailing colon:",
    "#leading hash",
    "line one\nline two",
    "trailing newline\n",
    "\nleading newline",
    "tab\tseparated",
    "crlf\r\nline",
    "\r",
    "\u{85}next line, \u{2028}line and \u{2029}paragraph separators",
    "ünïcödé 日本語 emoji 🚀👩‍💻",
    "\u{feff}byte order mark",
    "no\u{a0}break space",
    "bell\u{7} and del\u{7f} and c1\u{9b}",
    "*alias",
    "&anchor",
    "!tag",
    "!!str x",
    "%directive",
    "@at",
    "|literal",
    ">folded",
    "`backtick`",
    "- dash",
    "? question",
    "[flow, sequence]",
    "{flow: mapping}",
    ",comma",
    "'",
    "\"",
    "back\\slash",
    "\\n is not a newline",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "true",
    "False",
    "~",
    "null",
    "NULL",
    "",
    " ",
    " leading space",
    "trailing space ",
    "0755",
    "0x1F",
    "1e3",
    ".5",
    "1_000",
    "+1",
    "-1",
    "0o17",
    "0b101",
    ".inf",
    "-.inf",
    ".NaN",
    "1.0",
    "22:22",
    "1:30:00",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "=",
    "<<",
    "---",
    "...",
    "$$",
    "price: $$5",
    "$${NOT_A_VARIABLE}",
    // Quoted with `"` in a `.env` file (a `'` or a control character), where `$` is `$$`.
    "it's $$HOME",
    "tab\t$${HOME}",
    "{{",
    "}}",
    "{{ .Env.HOME }}",
    "{{\"{{\"}}",
    "{{{",
    "<br>",
    "<script>alert(1)</script>",
    "a | b",
    "a \\| b",
    "&amp;",
    "[link](http://example.test)",
];

/// A rule with every kind of quote, a Go template delimiter, a YAML comment marker and `$`.
const HOSTILE_RULE: &str = "Host(`rule.example.test`) && Header(`X-Token`, `it's \"{{x}}\" #: $$`)";

/// The image of hostile stack `index`; the first holds a literal `$`, which Compose would
/// interpolate unless the compose file doubles it.
fn hostile_image(index: usize) -> String {
    if index == 0 {
        "registry.example.test/h00:1.0-$literal".to_owned()
    } else {
        format!("registry.example.test/h{index:02}:1.0.{index}")
    }
}

/// Writes the hostile platform into `dir` and returns its path. Serialized with `serde_yaml`,
/// so the spec holds exactly the strings above; the test checks it read them back so.
pub(crate) fn write_hostile_platform(dir: &Path) -> PathBuf {
    let mut stacks = serde_json::Map::new();
    let mut headers = serde_json::Map::new();
    for (i, text) in HOSTILE.iter().enumerate() {
        headers.insert(format!("X-Hostile-{i:02}"), json!(text));
        let mut service = json!({
            "image": hostile_image(i),
            "role": text,
            "command": ["printf", "%s", text],
            "ports": [{ "container": 8080, "note": text }],
            "env": ["EXAMPLE"],
            "environment": { "HOSTILE": text },
            "healthcheck": { "test": ["CMD-SHELL", text] },
            "routes": [{ "hosts": [format!("h{i:02}.example.test")], "note": text }],
            "compose": {},
        });
        if i == 0 {
            // Typed YAML 1.1 traps in the escape hatch; once is enough.
            service["compose"] = json!({ "stop_signal": "yes", "user": "1000:1000" });
        }
        service["compose"]["x-hostile"] = json!(text);
        if i == 1 {
            service["container_name"] = json!("H01.odd_name-1");
        }
        stacks.insert(
            format!("h{i:02}"),
            json!({
                "purpose": text,
                "status": "testing",
                "networks": ["edge"],
                "services": { "app": service },
                "env": { "EXAMPLE": { "description": text, "example": text } },
                "dependencies": [text],
                "notes": [text],
                "config_files": [{ "path": format!("config/h{i:02}.conf"), "purpose": text }],
            }),
        );
    }
    stacks.insert(
        "rules-file".into(),
        json!({
            "purpose": "Raw rule and odd paths in the file provider",
            "status": "testing",
            "networks": ["edge"],
            "services": {
                "app": {
                    "image": "registry.example.test/rules:1.0",
                    "ports": [{ "container": 9000 }],
                    "routes": [
                        { "name": "raw", "rule": HOSTILE_RULE, "middlewares": ["hostile-headers"] },
                        { "name": "prefix", "hosts": ["prefix.example.test"],
                          "path_prefix": "/it's \"a\" {{b}} #c: d $$e" },
                    ],
                },
                "tick": {
                    "image": "registry.example.test/tick:1.0",
                    "ports": [{ "container": 9001 }],
                    "routes": [{ "hosts": ["tick.example.test"], "path": "/tick`tock\"\\" }],
                },
            },
        }),
    );
    stacks.insert(
        "rules-docker".into(),
        json!({
            "purpose": "Raw rule in Docker labels",
            "status": "testing",
            "networks": ["edge", "back"],
            "provider": "docker",
            "services": { "app": {
                "image": "registry.example.test/labels:1.0",
                "ports": [{ "container": 9002 }],
                "routes": [{ "rule": HOSTILE_RULE.replace("rule.", "labels."), "priority": 42,
                             "middlewares": ["hostile-headers", "strip"] }],
                "mounts": [{ "volume": "data", "target": "/data/it's {{x}} $$" }],
            }},
            "volumes": { "data": { "purpose": "it's | {{x}}", "name": "data-$-{{x}}" } },
        }),
    );
    let spec = platform(
        stacks,
        &json!({
            "hostile-headers": { "headers": {
                "sts_seconds": 60, "frame_deny": true,
                "custom_response_headers": headers,
            }},
            "strip": { "strip_prefix": { "prefixes": ["/it's", "/{{x}}", "/a #b"] } },
            "allow": { "ip_allow_list": { "source_range": ["192.0.2.0/24", "2001:db8::/32"] } },
        }),
    );
    let path = dir.join("platform.yaml");
    let text = serde_yaml::to_string(&spec).expect("the spec serializes");
    std::fs::write(&path, text).expect("the spec is written");
    path
}

/// A platform with an `edge` proxy stack plus `stacks`, and `middlewares` on the proxy.
fn platform(
    mut stacks: serde_json::Map<String, serde_json::Value>,
    middlewares: &serde_json::Value,
) -> serde_json::Value {
    stacks.insert(
        "edge".into(),
        json!({
            "purpose": "Edge proxy: \"quoted\" #not-a-comment {{x}}",
            "status": "production",
            "networks": ["edge"],
            "services": { "proxy": {
                "image": "traefik:v3.7.9",
                "ports": [
                    { "container": 80, "publish": true },
                    { "container": 443, "publish": true },
                    { "container": 8080, "publish": true, "host_ip": "::1", "note": "it's {{x}}" },
                ],
            }},
        }),
    );
    json!({
        "platform": {
            "name": "Hostile \"platform\" #1 {{x}}",
            "domain": "example.test",
            "description": "Line one | with a pipe\nline two: `code` {{x}} $$",
            "output": "out",
        },
        "traefik": {
            "version": "3.7",
            "stack": "edge",
            "service": "proxy",
            "network": "edge",
            "entrypoints": {
                "web": { "address": ":80", "redirect_to": "websecure", "purpose": "it's | plain" },
                "websecure": { "address": ":443", "tls": true,
                               "middlewares": if middlewares.get("hostile-headers").is_some() {
                                   json!(["hostile-headers"]) } else { json!([]) } },
                "dashboard": { "address": "127.0.0.1:8080" },
            },
            "default_entrypoints": ["websecure"],
            "cert_resolvers": {
                "le": { "email": "ops+it's@example.test", "storage": "/acme/it's {{x}} #1.json",
                        "http_challenge_entrypoint": "web" },
                "dns": { "email": "ops@example.test", "storage": "/acme/dns.json",
                         "dns_challenge_provider": "cloudflare" },
            },
            "default_cert_resolver": "le",
            "middlewares": middlewares,
            "dashboard": { "entrypoint": "dashboard" },
            "log_level": "DEBUG",
        },
        "networks": {
            "edge": { "purpose": "it's \"public\" | {{x}}\nsecond line", "external": true },
            "back": { "purpose": "Private: #1", "internal": true },
        },
        "stacks": stacks,
    })
}

/// A routed stack with one service; `variable` becomes its `EXAMPLE` variable when not empty.
fn small_stack(index: usize, purpose: &str, variable: &serde_json::Value) -> serde_json::Value {
    let mut stack = json!({
        "purpose": purpose,
        "status": "testing",
        "networks": ["edge"],
        "services": { "app": {
            "image": format!("registry.example.test/small{index}:1.0"),
        }},
    });
    if variable.as_object().is_some_and(|v| !v.is_empty()) {
        stack["env"] = json!({ "EXAMPLE": variable });
        stack["services"]["app"]["env"] = json!(["EXAMPLE"]);
    }
    stack
}

/// Writes `spec` into a new temporary directory and compiles it.
fn compile_platform(spec: &serde_json::Value) -> (tempfile::TempDir, Compiled) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("platform.yaml");
    let text = serde_yaml::to_string(spec).expect("the spec serializes");
    std::fs::write(&path, text).expect("the spec is written");
    let compiled = compile(&path);
    (dir, compiled)
}

/// The `platform.yaml` written by `serde_yaml` must hold the strings we meant; otherwise the
/// comparisons below would check a different input than the one intended.
fn check_hostile_spec_was_read_as_meant(compiled: &Compiled, findings: &mut Findings) {
    let spec = &compiled.source.spec;
    for (i, text) in HOSTILE.iter().enumerate() {
        let name = format!("h{i:02}");
        let Some(stack) = spec.stacks.get(&name) else {
            findings.fail(format!("spec: stack `{name}` is missing"));
            continue;
        };
        let app = &stack.services["app"];
        findings.same(
            format!("spec: {name}.purpose"),
            stack.purpose.as_deref(),
            Some(text),
        );
        findings.same(
            format!("spec: {name}.app.role"),
            app.role.as_deref(),
            Some(*text),
        );
        findings.same(
            format!("spec: {name}.env.EXAMPLE.example"),
            stack.env["EXAMPLE"].example.as_deref(),
            Some(*text),
        );
    }
}

/// The hostile strings against the generated files directly, not through the model.
fn check_hostile_values(compiled: &Compiled, findings: &mut Findings) {
    let model = &compiled.model;
    let proxy = model
        .stacks
        .iter()
        .find(|s| s.name == model.traefik.stack)
        .expect("the proxy stack");
    let platform_file = format!("{}/dynamic/_platform.yml", proxy.dir);
    let headers = yaml_artifact(compiled, &platform_file, true, findings)
        .and_then(|doc| {
            doc.get("http")?
                .get("middlewares")?
                .get("hostile-headers")?
                .get("headers")?
                .get("customResponseHeaders")
                .cloned()
        })
        .unwrap_or(Value::Null);
    for (i, text) in HOSTILE.iter().enumerate() {
        let name = format!("h{i:02}");
        let stack = model
            .stacks
            .iter()
            .find(|s| s.name == name)
            .expect("every hostile stack is in the model");
        findings.same(
            format!("{platform_file}: customResponseHeaders.X-Hostile-{i:02}"),
            headers.get(format!("X-Hostile-{i:02}")),
            Some(&s(text)),
        );
        let path = stack.compose_path();
        if let Some(doc) = yaml_artifact(compiled, &path, false, findings) {
            let app = doc
                .get("services")
                .and_then(|s| s.get("app"))
                .unwrap_or(&Value::Null);
            let mut expected = vec![
                ("image", s(&literal(&hostile_image(i)))),
                ("environment.HOSTILE", s(text)),
                ("command", strings(["printf", "%s", text])),
                ("healthcheck.test", strings(["CMD-SHELL", text])),
            ];
            if i == 0 {
                expected.push(("stop_signal", s("yes")));
                expected.push(("user", s("1000:1000")));
            }
            expected.push(("x-hostile", s(text)));
            for (key, value) in expected {
                let actual = key.split('.').try_fold(app, |v, k| v.get(k));
                findings.same(format!("{path}: services.app.{key}"), actual, Some(&value));
            }
        }
        let path = stack.env_path();
        let entries = artifact_text(compiled, &path).map(read_dotenv);
        findings.same(
            format!("{path}: entries"),
            entries,
            Some(Ok(vec![("EXAMPLE".to_owned(), (*text).to_owned())])),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Readers: how Traefik, Compose and YAML 1.1 tools see the generated text.
// ---------------------------------------------------------------------------------------

/// Runs a dynamic file through Go's `text/template` the way Traefik's file provider does,
/// for the only action seisei may write: `{{"{{"}}`, which prints `{{`. Any other `{{` would
/// start an action Traefik executes, so it is an error. Go's lexer, like this loop, takes
/// the leftmost `{{` first.
pub(crate) fn render_go_template(text: &str) -> Result<String, String> {
    const LITERAL: &str = "{{\"{{\"}}";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let action = &rest[at..];
        if !action.starts_with(LITERAL) {
            let line = text[..text.len() - action.len()].lines().count().max(1);
            let snippet: String = action.chars().take(40).collect();
            return Err(format!(
                "line {line}: `{snippet}` starts a Go template action Traefik would execute"
            ));
        }
        out.push_str("{{");
        rest = &action[LITERAL.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Reads a `.env` file as Compose does (compose-go `dotenv/parser.go` and `template`), and
/// refuses whatever Compose would read differently from what a generator meant:
/// - `#` lines are comments up to the next LF; blank space between statements is skipped.
/// - `KEY=value`; spaces after `=` are dropped.
/// - Unquoted: up to the end of the line, cut at ` #`, trailing space trimmed, interpolated.
/// - `'...'`: literal up to the next `'` that does not follow a backslash.
/// - `"..."`: up to the next `"` that does not follow a backslash; then `\n \r \t \\ \" \$`
///   are unescaped and the result is interpolated.
/// - Interpolation: `$$` is `$`; any other `$` would read a variable or fail, so it is refused.
pub(crate) fn read_dotenv(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut entries = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(entries);
        }
        if rest.starts_with('#') {
            rest = rest.find('\n').map_or("", |end| &rest[end..]);
            continue;
        }
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let Some(eq) = rest[..line_end].find('=') else {
            return Err(format!(
                "`{}` has no `=`: Compose would read it as a variable taken from the shell",
                &rest[..line_end]
            ));
        };
        let key = rest[..eq].trim_end();
        let valid_key = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_key {
            return Err(format!("`{key}` is not a variable name"));
        }
        rest = rest[eq + 1..].trim_start_matches(is_dotenv_space);
        let value = if let Some(&quote @ (b'\'' | b'"')) = rest.as_bytes().first() {
            let bytes = rest.as_bytes();
            let close = (1..bytes.len())
                .find(|&i| bytes[i] == quote && bytes[i - 1] != b'\\')
                .ok_or_else(|| format!("`{key}`: unterminated quoted value"))?;
            let inner = &rest[1..close];
            rest = &rest[close + 1..];
            let line_end = rest.find('\n').unwrap_or(rest.len());
            if !rest[..line_end].trim_matches(is_dotenv_space).is_empty() {
                return Err(format!(
                    "`{key}`: `{}` after the closing quote",
                    &rest[..line_end]
                ));
            }
            if quote == b'"' {
                interpolate(&unescape_double_quoted(inner)?)?
            } else {
                inner.to_owned()
            }
        } else {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let line = &rest[..line_end];
            rest = &rest[line_end..];
            interpolate(line.split(" #").next().unwrap_or_default().trim_end())?
        };
        entries.push((key.to_owned(), value));
    }
}

/// compose-go's `isSpace`: blanks that are not line breaks.
fn is_dotenv_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

fn unescape_double_quoted(inner: &str) -> Result<String, String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            // `\$` is Compose's other spelling of `$$`.
            Some('$') => out.push_str("$$"),
            other => return Err(format!("unexpected escape `\\{}`", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

fn interpolate(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('$') => out.push('$'),
            _ => {
                return Err(format!(
                    "`{text}` has a `$` Compose would interpolate or reject"
                ));
            }
        }
    }
    Ok(out)
}

/// How a plain scalar resolves, to compare YAML 1.1 with YAML 1.2's core schema.
#[derive(Debug, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    /// The value's bits, or `None` when the text cannot be read as a number at all.
    Float(Option<u64>),
    Timestamp,
    Str,
}

/// Plain scalars (keys and values) whose YAML 1.1 reading differs from the YAML 1.2 one.
pub(crate) fn yaml_1_1_disagreements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(e) => {
                out.push(format!("does not parse: {e}"));
                break;
            }
        };
        if let Event::Scalar(value, ScalarStyle::Plain, _, None) = event {
            let (old, new) = (resolve_1_1(&value), resolve_1_2(&value));
            if old != new {
                out.push(format!(
                    "line {}: plain `{value}` is {old:?} in YAML 1.1 but {new:?} in YAML 1.2",
                    span.start.line()
                ));
            }
        }
    }
    out
}

fn resolve_1_2(text: &str) -> Resolved {
    let unsigned = text.trim_start_matches(['-', '+']);
    let signs = text.len() - unsigned.len();
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        _ if signs <= 1 && digits(unsigned, 10) => int(text, 10),
        _ if digits(text.strip_prefix("0o").unwrap_or_default(), 8) => int(&text[2..], 8),
        _ if digits(text.strip_prefix("0x").unwrap_or_default(), 16) => int(&text[2..], 16),
        _ if signs <= 1 && matches!(unsigned, ".inf" | ".Inf" | ".INF") => float(
            &text
                .replace(".inf", "inf")
                .replace(".Inf", "inf")
                .replace(".INF", "inf"),
        ),
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(Some(f64::NAN.to_bits())),
        _ if signs <= 1 && is_core_float(unsigned) => float(text),
        _ => Resolved::Str,
    }
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() && !frac.is_empty() || !int.is_empty())
                && int.chars().all(|c| c.is_ascii_digit())
                && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// The YAML 1.1 types (yaml.org/type): bool, null, int, float and timestamp.
fn resolve_1_1(text: &str) -> Resolved {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    let is = |s: &str, allowed: &dyn Fn(char) -> bool| !s.is_empty() && s.chars().all(allowed);
    let signed = |value: i128| Resolved::Int(if negative { -value } else { value });
    let parse = |s: &str, radix: u32| i128::from_str_radix(&s.replace('_', ""), radix).ok();
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(Some(f64::NAN.to_bits())),
        _ => {}
    }
    if let Some(bits) = unsigned.strip_prefix("0b")
        && is(bits, &|c| matches!(c, '0' | '1' | '_'))
    {
        return parse(bits, 2).map_or(Resolved::Float(None), signed);
    }
    if let Some(hex) = unsigned.strip_prefix("0x")
        && is(hex, &|c| c.is_ascii_hexdigit() || c == '_')
    {
        return parse(hex, 16).map_or(Resolved::Float(None), signed);
    }
    if unsigned.len() > 1
        && unsigned.starts_with('0')
        && is(unsigned, &|c| matches!(c, '0'..='7' | '_'))
    {
        return parse(unsigned, 8).map_or(Resolved::Float(None), signed);
    }
    if unsigned == "0"
        || unsigned.starts_with(|c: char| matches!(c, '1'..='9'))
            && is(unsigned, &|c| c.is_ascii_digit() || c == '_')
    {
        return parse(unsigned, 10).map_or(Resolved::Float(None), signed);
    }
    if let Some(value) = sexagesimal(unsigned) {
        return signed(value);
    }
    // `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, base-60 floats.
    if let Some((whole, fraction)) = unsigned.split_once('.')
        && let Some(value) = sexagesimal(whole)
        && fraction.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        #[allow(clippy::cast_precision_loss)]
        let value = value as f64 + float_fraction(fraction);
        return Resolved::Float(Some(if negative { -value } else { value }.to_bits()));
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return float(&format!("{}inf", if negative { "-" } else { "" }));
    }
    // `[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?`
    if let Some((int_part, rest)) = unsigned.split_once('.') {
        let int_ok = int_part.is_empty()
            || int_part.starts_with(|c: char| c.is_ascii_digit())
                && is(int_part, &|c| c.is_ascii_digit() || c == '_');
        let (fraction, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let fraction_ok = fraction.chars().all(|c| c.is_ascii_digit() || c == '.');
        let exponent_ok = exponent
            .is_none_or(|e| e.starts_with(['-', '+']) && is(&e[1..], &|c| c.is_ascii_digit()));
        if int_ok && fraction_ok && exponent_ok {
            return float(&text.replace('_', ""));
        }
    }
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        range
            .clone()
            .all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    if b.len() >= 8 && digits(0..4) && b[4] == b'-' && digits(5..6) {
        return Resolved::Timestamp;
    }
    Resolved::Str
}

/// `[1-9][0-9_]*(:[0-5]?[0-9])+`, YAML 1.1's base-60 integers.
fn sexagesimal(text: &str) -> Option<i128> {
    let mut parts = text.split(':');
    let first = parts.next()?;
    if !first.starts_with(|c: char| matches!(c, '1'..='9'))
        || !first.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let mut value: i128 = first.replace('_', "").parse().ok()?;
    let mut groups = 0;
    for part in parts {
        let ok = matches!(part.len(), 1 | 2)
            && part.chars().all(|c| c.is_ascii_digit())
            && (part.len() == 1 || part.as_bytes()[0] <= b'5');
        if !ok {
            return None;
        }
        value = value * 60 + part.parse::<i128>().ok()?;
        groups += 1;
    }
    (groups > 0).then_some(value)
}

fn float_fraction(digits: &str) -> f64 {
    format!("0.{}", digits.replace('_', ""))
        .parse()
        .unwrap_or(0.0)
}

fn int(text: &str, radix: u32) -> Resolved {
    i128::from_str_radix(text, radix).map_or(Resolved::Float(None), Resolved::Int)
}

fn float(text: &str) -> Resolved {
    Resolved::Float(text.parse::<f64>().ok().map(f64::to_bits))
}

// ---------------------------------------------------------------------------------------
// Small helpers.
// ---------------------------------------------------------------------------------------

/// Every mismatch of one test, reported together.
#[derive(Default)]
pub(crate) struct Findings(Vec<String>);

impl Findings {
    // Callers compare temporaries (parsed values, built expectations) as often as borrowed
    // data; taking both by value keeps each call site one line.
    #[allow(clippy::needless_pass_by_value)]
    fn same<T: PartialEq + Debug>(&mut self, what: impl Display, actual: T, expected: T) {
        if actual != expected {
            self.0.push(format!(
                "{what}:\n      found    {actual:?}\n      expected {expected:?}"
            ));
        }
    }

    fn fail(&mut self, message: String) {
        self.0.push(message);
    }

    #[track_caller]
    pub(crate) fn assert_none(self, spec: &Path) {
        assert!(
            self.0.is_empty(),
            "{}: {} problem(s)\n  - {}",
            spec.display(),
            self.0.len(),
            self.0.join("\n  - ")
        );
    }
}

fn artifact_text<'a>(compiled: &'a Compiled, path: &str) -> Option<&'a str> {
    compiled
        .artifacts
        .iter()
        .find(|a| a.path == path)
        .map(|a| std::str::from_utf8(&a.bytes).expect("generated files are UTF-8"))
}

/// Parses a generated YAML file, after Traefik's Go template step when `templated`.
pub(crate) fn yaml_artifact(
    compiled: &Compiled,
    path: &str,
    templated: bool,
    findings: &mut Findings,
) -> Option<Value> {
    let Some(text) = artifact_text(compiled, path) else {
        findings.fail(format!("{path}: not generated"));
        return None;
    };
    let text = if templated {
        match render_go_template(text) {
            Ok(text) => text,
            Err(e) => {
                findings.fail(format!("{path}: {e}"));
                return None;
            }
        }
    } else {
        text.to_owned()
    };
    // libyaml (serde_yaml) is lenient where YAML 1.2 is not, e.g. a BOM inside a document:
    // the file must read with a YAML 1.2 parser as well.
    if let Some(Err(e)) = Parser::new_from_str(&text).find(Result::is_err) {
        findings.fail(format!("{path}: is not valid YAML 1.2: {e}\n{text}"));
        return None;
    }
    match serde_yaml::from_str(&text) {
        Ok(value) => Some(value),
        Err(e) => {
            findings.fail(format!("{path}: does not parse as YAML: {e}\n{text}"));
            None
        }
    }
}

fn is_yaml(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

/// A literal value as Compose must see it: `$` doubled, since Compose interpolates `$`.
fn literal(text: &str) -> String {
    text.replace('$', "$$")
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn strings<I>(items: I) -> Value
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    Value::Sequence(items.into_iter().map(|i| s(i.as_ref())).collect())
}

fn mapping(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::Mapping(
        entries
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect(),
    )
}

fn set<const N: usize>(items: [&str; N]) -> BTreeSet<String> {
    items.iter().map(|&i| i.to_owned()).collect()
}

/// The keys of a mapping, or nothing for any other value.
fn keys(value: &Value) -> BTreeSet<String> {
    match value {
        Value::Mapping(map) => map
            .keys()
            .map(|k| match k {
                Value::String(k) => k.clone(),
                other => format!("{other:?}"),
            })
            .collect(),
        _ => BTreeSet::new(),
    }
}
