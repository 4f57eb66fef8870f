//! The hostile platform: every free-text field holds text that a naive YAML, dotenv, Go
//! template or Markdown writer gets wrong, and the small platforms the escaping tests build.

use std::path::{Path, PathBuf};

use seisei::Compiled;
use serde_json::json;
use serde_yaml::Value;

use crate::compile;
use crate::support::findings::*;
use crate::support::readers::*;

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
pub(crate) const HOSTILE_RULE: &str =
    "Host(`rule.example.test`) && Header(`X-Token`, `it's \"{{x}}\" #: $$`)";

/// The image of hostile stack `index`, in Compose's syntax like every interpolated field
/// (a variable may pin the tag): the first holds a literal `$`, written `$$`.
pub(crate) fn hostile_image(index: usize) -> String {
    if index == 0 {
        "registry.example.test/h00:1.0-$$literal".to_owned()
    } else {
        format!("registry.example.test/h{index:02}:1.0.{index}")
    }
}

/// Writes the hostile platform into `dir` and returns its path. Serialized with `serde_yaml`,
/// so the spec holds exactly the strings above; the test checks it read them back so.
/// `text` without the control characters seisei refuses in names and free text: all but
/// tab and line feed.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect()
}

pub(crate) fn write_hostile_platform(dir: &Path) -> PathBuf {
    let mut stacks = serde_json::Map::new();
    let mut headers = serde_json::Map::new();
    for (i, value) in HOSTILE.iter().enumerate() {
        headers.insert(format!("X-Hostile-{i:02}"), json!(value));
        // Names and free text (purposes, descriptions, notes, roles) may hold no control
        // character but tab and line feed (issue 12); values keep every trap.
        let text = &printable(value);
        let mut service = json!({
            "image": hostile_image(i),
            "role": text,
            "command": ["printf", "%s", value],
            "ports": [{ "container": 8080, "note": text }],
            "env": ["EXAMPLE"],
            "environment": { "HOSTILE": value },
            "healthcheck": { "test": ["CMD-SHELL", value] },
            "routes": [{ "hosts": [format!("h{i:02}.example.test")], "note": text }],
            "compose": {},
        });
        if i == 0 {
            // Typed YAML 1.1 traps in the escape hatch; once is enough.
            service["compose"] = json!({ "stop_signal": "yes", "user": "1000:1000" });
        }
        service["compose"]["x-hostile"] = json!(value);
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
                "env": { "EXAMPLE": { "description": text, "example": value } },
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
                "stsSeconds": 60, "frameDeny": true,
                "customResponseHeaders": headers,
            }},
            "strip": { "stripPrefix": { "prefixes": ["/it's", "/{{x}}", "/a #b"] } },
            "allow": { "ipAllowList": { "sourceRange": ["192.0.2.0/24", "2001:db8::/32"] } },
        }),
    );
    let path = dir.join("platform.yaml");
    let text = serde_yaml::to_string(&spec).expect("the spec serializes");
    std::fs::write(&path, text).expect("the spec is written");
    path
}

/// A platform with an `edge` proxy stack plus `stacks`, and `middlewares` on the proxy.
pub(crate) fn platform(
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
pub(crate) fn small_stack(
    index: usize,
    purpose: &str,
    variable: &serde_json::Value,
) -> serde_json::Value {
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
pub(crate) fn compile_platform(spec: &serde_json::Value) -> (tempfile::TempDir, Compiled) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("platform.yaml");
    let text = serde_yaml::to_string(spec).expect("the spec serializes");
    std::fs::write(&path, text).expect("the spec is written");
    let compiled = compile(&path);
    (dir, compiled)
}

/// The `platform.yaml` written by `serde_yaml` must hold the strings we meant; otherwise the
/// comparisons below would check a different input than the one intended.
pub(crate) fn check_hostile_spec_was_read_as_meant(compiled: &Compiled, findings: &mut Findings) {
    let spec = &compiled.source.spec;
    for (i, text) in HOSTILE.iter().enumerate() {
        let name = format!("h{i:02}");
        let Some(stack) = spec.stacks.get(&name) else {
            findings.fail(format!("spec: stack `{name}` is missing"));
            continue;
        };
        let app = &stack.services["app"];
        let free = printable(text);
        findings.same(
            format!("spec: {name}.purpose"),
            stack.purpose.as_deref(),
            Some(free.as_str()),
        );
        findings.same(
            format!("spec: {name}.app.role"),
            app.role.as_deref(),
            Some(free.as_str()),
        );
        findings.same(
            format!("spec: {name}.env.EXAMPLE.example"),
            stack.env["EXAMPLE"].example.as_deref(),
            Some(*text),
        );
    }
}

/// The hostile strings against the generated files directly, not through the model.
pub(crate) fn check_hostile_values(compiled: &Compiled, findings: &mut Findings) {
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
                ("image", s(&hostile_image(i))),
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
