//! Traefik's middlewares and static options as the spec declares them (issue 14): every
//! middleware kind of Traefik v3 can be declared and the selfhosted-edge fixture uses each;
//! each option value is checked the way Traefik reads it, through the real binary, with the
//! place and the fix in the message.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::repo_root;

/// Traefik v3's HTTP middlewares (its documentation's list, and the file-provider schema's
/// `httpMiddleware`), without the deprecated `ipWhiteList`.
const HTTP_KINDS: [&str; 24] = [
    "addPrefix",
    "basicAuth",
    "buffering",
    "chain",
    "circuitBreaker",
    "compress",
    "contentType",
    "digestAuth",
    "errors",
    "forwardAuth",
    "grpcWeb",
    "headers",
    "inFlightReq",
    "ipAllowList",
    "passTLSClientCert",
    "plugin",
    "rateLimit",
    "redirectRegex",
    "redirectScheme",
    "replacePath",
    "replacePathRegex",
    "retry",
    "stripPrefix",
    "stripPrefixRegex",
];

/// The one-key kinds a `oneOf` of the generated JSON Schema allows.
fn schema_kinds(definition: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo_root().join("generated/platform.schema.json"))
        .expect("the generated schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    schema["$defs"][definition]["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("{definition} is a oneOf"))
        .iter()
        .map(|variant| variant["required"][0].as_str().expect("a kind").to_owned())
        .collect()
}

#[test]
fn every_traefik_middleware_is_declarable_and_the_edge_fixture_uses_each() {
    let http: BTreeSet<String> = HTTP_KINDS.iter().map(|k| (*k).to_owned()).collect();
    assert_eq!(schema_kinds("Middleware"), http);
    let tcp: BTreeSet<String> = ["inFlightConn", "ipAllowList"]
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    assert_eq!(schema_kinds("TcpMiddleware"), tcp);

    let text =
        std::fs::read_to_string(repo_root().join("tests/fixtures/selfhosted-edge/platform.yaml"))
            .expect("the fixture");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let used = |section: &str| -> BTreeSet<String> {
        spec["traefik"][section]
            .as_mapping()
            .expect("a mapping")
            .values()
            .filter_map(|m| m.as_mapping()?.keys().next()?.as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(used("middlewares"), http);
    assert_eq!(used("tcp_middlewares"), tcp);
}

/// The base of every case below: a valid platform with one routed app, and the middleware
/// and static blocks a case replaces.
fn platform(middlewares: &str, extra_traefik: &str) -> String {
    format!(
        r#"platform: {{ name: Case, domain: example.test }}
traefik:
  version: "3.7"
  stack: edge
  service: traefik
  network: edge
  entrypoints:
    web: {{ address: ":80" }}
  default_entrypoints: [web]
{extra_traefik}
  middlewares:
{middlewares}
networks:
  edge: {{ purpose: Shared, external: true }}
stacks:
  edge:
    purpose: Proxy
    status: production
    networks: [edge]
    services:
      traefik:
        image: traefik:v3.7.15
        ports: [{{ container: 80, publish: true }}]
  app:
    purpose: App
    status: production
    networks: [edge]
    services:
      web:
        image: registry.example.test/web:1.0.0
        ports: [{{ container: 8080 }}]
        routes:
          - hosts: [app.example.test]
            middlewares: [m]
"#
    )
}

/// Runs `seisei validate` on `text`; returns the exit code and stderr.
fn validate(dir: &Path, text: &str) -> (Option<i32>, String) {
    std::fs::write(dir.join("platform.yaml"), text).expect("write the spec");
    let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .arg("validate")
        .current_dir(dir)
        .output()
        .expect("run seisei");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn bad_option_values_are_refused_where_they_are_written() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cases: &[(&str, &str, &str)] = &[
        (
            "    m: { rateLimit: { average: 10, period: 10 seconds } }",
            "E0110",
            "`10 seconds` is not a duration",
        ),
        (
            r#"    m: { replacePathRegex: { regex: "(?<=a)b", replacement: /x } }"#,
            "E0110",
            "invalid regular expression",
        ),
        (
            r#"    m: { errors: { status: ["5xx"], service: app-web } }"#,
            "E0110",
            "`5xx` is not a status or a range of statuses",
        ),
        (
            "    m: { ipAllowList: { sourceRange: [10.0.0.0/33] } }",
            "E0110",
            "neither an IP address nor a CIDR range",
        ),
        (
            "    m: { forwardAuth: { address: ftp://sso.example.test } }",
            "E0110",
            "is not an http:// or https:// URL",
        ),
        (
            "    m: { forwardAuth: { address: http://app-web:9091/verify } }",
            "E0422",
            "uses port 9091, on which `app-web` does not listen",
        ),
        (
            "    m: { chain: { middlewares: [auth@docker] } }",
            "E0207",
            "add `auth@docker` to `traefik.external_middlewares`",
        ),
        (
            "    m: { redirectScheme: { scheme: htps } }",
            "E0110",
            "scheme `htps` is neither `http` nor `https`",
        ),
        (
            "    m: { basicAuth: { realm: x } }",
            "E0110",
            "has neither `users` nor `usersFile`",
        ),
        (
            "    m: { plugin: { bouncer: { enabled: true } } }",
            "E0207",
            "declare it under `traefik.experimental.plugins.bouncer`",
        ),
        (
            "    m: { errors: { status: [\"404\"], service: pages } }",
            "E0205",
            "unknown Traefik service `pages`",
        ),
    ];
    let mut failures = Vec::new();
    for (middleware, code, text) in cases {
        let (status, stderr) = validate(dir.path(), &platform(middleware, ""));
        if status != Some(2) || !stderr.contains(code) || !stderr.contains(text) {
            failures.push(format!(
                "{middleware}\n  exit {status:?}, wanted {code} with `{text}`:\n{stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The same platform with a valid middleware passes: the cases fail for their value only.
    let (status, stderr) = validate(
        dir.path(),
        &platform("    m: { rateLimit: { average: 10, period: 1m } }", ""),
    );
    assert_eq!(status, Some(0), "{stderr}");
}

#[test]
fn static_options_are_checked() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ok = "    m: { compress: {} }";
    let cases: &[(&str, &str, &str)] = &[
        (
            "  ping: { entryPoint: ops }",
            "E0208",
            "unknown entry point `ops`",
        ),
        (
            "  ping: {}",
            "E0208",
            "Traefik would open an entry point `traefik`",
        ),
        (
            "  log: { level: VERBOSE }",
            "E0110",
            "`VERBOSE` is not one of TRACE",
        ),
        (
            "  accessLog: { filters: { statusCodes: [\"600-700\"] } }",
            "E0110",
            "`600-700` is not a status",
        ),
        (
            "  providers: { docker: { endpoint: \"http://socket-proxy:2375\" } }",
            "E0110",
            "is not `unix://`, `tcp://`",
        ),
        (
            "  metrics: { prometheus: { entryPoint: web, buckets: [1.0, 0.5] } }",
            "E0110",
            "Prometheus buckets are not increasing",
        ),
    ];
    let mut failures = Vec::new();
    for (extra, code, text) in cases {
        let (status, stderr) = validate(dir.path(), &platform(ok, extra));
        if status != Some(2) || !stderr.contains(code) || !stderr.contains(text) {
            failures.push(format!(
                "{extra}\n  exit {status:?}, wanted {code} with `{text}`:\n{stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_socket_proxy_replaces_the_socket_mount_and_precedence_is_written() {
    let compiled =
        crate::compile(&repo_root().join("tests/fixtures/selfhosted-edge/platform.yaml"));
    let edge = compiled
        .model
        .stacks
        .iter()
        .find(|s| s.name == "edge")
        .expect("the edge stack");
    let traefik = edge.services.iter().find(|s| s.name == "traefik").unwrap();
    assert!(
        traefik
            .mounts
            .iter()
            .all(|m| m.target != "/var/run/docker.sock"),
        "a socket proxy endpoint must not mount the socket"
    );
    let static_file = compiled
        .artifacts
        .iter()
        .find(|a| a.path.ends_with("edge/traefik.yml"))
        .expect("traefik.yml");
    let doc: serde_yaml::Value = serde_yaml::from_slice(&static_file.bytes).expect("YAML");
    assert_eq!(
        doc["providers"]["docker"]["endpoint"].as_str(),
        Some("tcp://socket-proxy:2375")
    );
    let precedence: Vec<&str> = doc["providers"]["precedence"]
        .as_sequence()
        .expect("precedence is written when two providers are on")
        .iter()
        .filter_map(serde_yaml::Value::as_str)
        .collect();
    assert_eq!(precedence, ["docker", "file"]);
}
