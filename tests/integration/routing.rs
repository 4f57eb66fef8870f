//! Traefik routing of the Seisei platform seen from outside: `seisei route` answers for real
//! requests, `seisei routes` lists the table, and the two providers describe the same
//! routers (labels read back into Traefik's key structure equal the file-provider form).

use std::collections::BTreeMap;
use std::process::Command;

use serde_yaml::Value;

fn seisei(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(args)
        .current_dir(crate::repo_root())
        .output()
        .expect("run");
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn route_explains_requests_to_the_seisei_platform() {
    let cases = [
        (
            "https://acme.erp.seisei.tokyo/web/login",
            0,
            "answered by `odoo18-prod-router@file` (priority 26)",
            "backend:     http://seisei-odoo-router:80",
        ),
        (
            "https://testodoo.seisei.tokyo/web",
            0,
            "answered by `odoo18-test-web@file` (priority 29)",
            "backend:     http://odoo18-test:8069",
        ),
        (
            "https://api.seisei.tokyo/crm/x",
            0,
            "answered by `crm-api-crm-api@docker` (priority 46)",
            "middlewares: secure-headers@file",
        ),
        (
            "https://api.seisei.tokyo/other",
            1,
            "no router matches: Traefik answers 404",
            "",
        ),
        (
            "https://www.seisei.tokyo/",
            0,
            "answered by `web-seisei-web-seisei@docker`",
            "backend:     http://web-seisei:80",
        ),
        (
            "https://unknown.example.com/",
            1,
            "no router matches: Traefik answers 404",
            "",
        ),
        (
            "http://biznexus.seisei.tokyo/login",
            0,
            "answered by `web-to-websecure@internal`",
            "middlewares: redirect-web-to-websecure@internal",
        ),
        (
            "http://biznexus.seisei.tokyo/.well-known/acme-challenge/token",
            0,
            "answered by `acme-http@internal` (priority max)",
            "also matched `web-to-websecure@internal`: lower priority (max-1 < max)",
        ),
    ];
    for (url, code, winner, detail) in cases {
        let (status, stdout) = seisei(&["route", url]);
        assert_eq!(status, code, "{url}:\n{stdout}");
        assert!(
            stdout.contains(winner),
            "{url}: expected `{winner}` in\n{stdout}"
        );
        assert!(
            stdout.contains(detail),
            "{url}: expected `{detail}` in\n{stdout}"
        );
    }
    // A tenant name is exactly one label under erp.seisei.tokyo: a deeper name is not one.
    let (status, stdout) = seisei(&["route", "https://a.b.erp.seisei.tokyo/"]);
    assert_eq!(status, 1, "{stdout}");
}

#[test]
fn routes_lists_the_whole_table_as_json() {
    let (status, stdout) = seisei(&["routes", "--format", "json", "--sort", "priority"]);
    assert_eq!(status, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("a JSON array");
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(
        names[0], "acme-http@internal",
        "highest priority first: {names:?}"
    );
    for expected in [
        "odoo18-prod-router@file",
        "crm-api-crm-api@docker",
        "web-to-websecure@internal",
        "dashboard@file",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let crm = rows
        .iter()
        .find(|r| r["name"] == "crm-api-crm-api@docker")
        .unwrap();
    // A string: priorities are 64-bit (tests/integration/cli_conventions.rs).
    assert_eq!(crm["priority"], "46");
    assert_eq!(
        crm["rule"],
        "Host(`api.seisei.tokyo`) && PathPrefix(`/crm`)"
    );
    assert_eq!(crm["tls"], true);
    let priorities: Vec<i64> = rows
        .iter()
        .map(|r| r["priority"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        priorities.windows(2).all(|w| w[0] >= w[1]),
        "{priorities:?}"
    );
}

/// Docker labels as Traefik reads them: keys split on dots into a tree, case-insensitive.
fn labels_to_routers(
    labels: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut routers: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (key, value) in labels {
        let key = key.to_ascii_lowercase();
        let Some(rest) = key.strip_prefix("traefik.http.routers.") else {
            continue;
        };
        let (router, field) = rest.split_once('.').expect("router.field");
        // Compose doubles `$` in label values; Traefik sees one.
        routers
            .entry(router.to_owned())
            .or_default()
            .insert(field.to_owned(), value.replace("$$", "$"));
    }
    routers
}

/// The file provider's router, flattened the same way.
fn file_router(router: &Value) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    let get = |k: &str| router.get(k);
    flat.insert(
        "rule".into(),
        get("rule").unwrap().as_str().unwrap().to_owned(),
    );
    flat.insert(
        "service".into(),
        get("service").unwrap().as_str().unwrap().to_owned(),
    );
    let list = |v: &Value| {
        v.as_sequence()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(",")
    };
    flat.insert("entrypoints".into(), list(get("entryPoints").unwrap()));
    if let Some(m) = get("middlewares") {
        // Same-provider references in the file provider; qualified ones in labels.
        flat.insert(
            "middlewares".into(),
            list(m)
                .split(',')
                .map(|m| format!("{m}@file"))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    if let Some(p) = get("priority") {
        flat.insert("priority".into(), p.as_i64().unwrap().to_string());
    }
    if let Some(tls) = get("tls") {
        flat.insert("tls".into(), "true".into());
        if let Some(resolver) = tls.get("certResolver") {
            flat.insert(
                "tls.certresolver".into(),
                resolver.as_str().unwrap().to_owned(),
            );
        }
        let domains = tls.get("domains").and_then(Value::as_sequence);
        for (i, domain) in domains.into_iter().flatten().enumerate() {
            flat.insert(
                format!("tls.domains[{i}].main"),
                domain["main"].as_str().unwrap().to_owned(),
            );
            if let Some(sans) = domain.get("sans") {
                flat.insert(format!("tls.domains[{i}].sans"), list(sans));
            }
        }
    }
    flat
}

#[test]
fn docker_labels_and_the_file_provider_describe_the_same_routers() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(
        crate::repo_root().join("tests/fixtures/extends-escape-hatch/platform.yaml"),
    )
    .unwrap();
    let mut compared = 0;
    for (name, from, to) in [
        ("docker", "provider: file", "provider: docker"),
        ("file", "provider: docker", "provider: file"),
    ] {
        // The same platform with every route on one provider, then on the other.
        let spec = original.replace(from, to);
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(
            &path,
            spec.replace("output: expected", &format!("output: out-{name}")),
        )
        .unwrap();
    }
    let docker = crate::compile(&dir.path().join("docker.yaml"));
    let file = crate::compile(&dir.path().join("file.yaml"));
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
        let dynamic = file
            .artifacts
            .iter()
            .find(|a| a.path.ends_with(&format!("/dynamic/{}.yml", stack.name)));
        let dynamic: Option<Value> = dynamic.map(|a| serde_yaml::from_slice(&a.bytes).unwrap());
        for service in &stack.services {
            let labels: BTreeMap<String, String> = compose["services"][service.name.as_str()]
                .get("labels")
                .map(|l| serde_yaml::from_value(l.clone()).unwrap())
                .unwrap_or_default();
            for (router, from_labels) in labels_to_routers(&labels) {
                let from_file = file_router(
                    &dynamic.as_ref().expect("file form")["http"]["routers"][router.as_str()],
                );
                assert_eq!(from_labels, from_file, "router {router}");
                let port =
                    &labels[&format!("traefik.http.services.{router}.loadbalancer.server.port")];
                let url =
                    dynamic.as_ref().unwrap()["http"]["services"][router.as_str()]["loadBalancer"]
                        ["servers"][0]["url"]
                        .as_str()
                        .unwrap();
                assert!(
                    url.ends_with(&format!(":{port}")),
                    "{router}: {url} vs port {port}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 3, "several routers compared ({compared})");
}
