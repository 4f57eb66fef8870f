//! Property tests. Random valid platforms, whose free-text fields hold strings that naive
//! YAML, dotenv, Go template and Markdown writers get wrong, are written with `serde_yaml`,
//! compiled with `seisei::compile`, and every output is read back the way its consumer
//! reads it: each randomized value must come back exactly, each YAML file must satisfy its
//! JSON Schema (from `SEISEI_SCHEMAS_DIR`), and no real-looking credential may appear. The
//! escapers and the credential detector are held to their promises on their own too.
//!
//! One file per property family: [`platforms`] (random platforms read back), [`secrets`],
//! [`regressions`] (one rule each, found by the random platforms), [`escapers`], [`scalars`];
//! the generators live in [`strategies`] and [`plan`], the parsed outputs in [`files`].

use std::path::Path;

use proptest::test_runner::{Config, TestCaseError};
use seisei::Compiled;
use serde_json::{Value, json};

mod escapers;
mod files;
mod plan;
mod platforms;
mod regressions;
mod scalars;
mod secrets;
mod strategies;

/// Cases of each of the two platform properties: 2,000 platforms in all, as issue 6 asks.
const PLATFORM_CASES: u32 = 1_000;
/// Cases of each property on one function, which costs microseconds.
const FUNCTION_CASES: u32 = 2_000;
/// Cases of each property on the secrets of a small platform.
const SECRET_CASES: u32 = 200;

/// The runner's configuration: `cases`, or `PROPTEST_CASES` when set (to run many more
/// locally), no regressions file written into the tree, and the cheaper random generator
/// (`ChaCha`, the default, costs a noticeable share of a case in a debug build).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..Config::default()
    }
}

/// Writes `spec` to `path` as seisei reads it, and compiles it.
fn write_and_compile(
    path: &Path,
    spec: &Value,
) -> Result<Compiled, (Option<String>, Vec<seisei::diagnostics::Diagnostic>)> {
    std::fs::write(path, spec_text(spec)).expect("write the spec");
    seisei::compile(path)
}

/// Compiles the spec, failing the case with the rendered diagnostics when it does not.
fn compile(path: &Path, text: &str) -> Result<Compiled, TestCaseError> {
    seisei::compile(path).map_err(|(source, problems)| {
        let rendered: String = problems
            .iter()
            .map(|d| d.render(source.as_deref().or(Some(text))))
            .collect();
        TestCaseError::fail(format!(
            "a valid platform did not compile:\n{rendered}\nthe spec:\n{text}"
        ))
    })
}

/// A valid platform with one routed app whose `TOKEN` variable is `variable`.
fn small_platform(variable: &Value) -> Value {
    json!({
        "platform": { "name": "Secrets", "domain": "example.test", "output": "out" },
        "traefik": {
            "version": "3.7", "stack": "edge", "service": "proxy", "network": "edge",
            "entrypoints": { "web": { "address": ":80" } },
            "default_entrypoints": ["web"],
        },
        "networks": { "edge": { "purpose": "Traefik and the apps", "external": true } },
        "stacks": {
            "edge": {
                "purpose": "Edge proxy", "status": "production", "networks": ["edge"],
                "services": { "proxy": { "image": "traefik:v3.7.1",
                                         "ports": [{ "container": 80, "publish": true }] } },
            },
            "app": {
                "purpose": "An app with a secret", "status": "testing", "networks": ["edge"],
                "services": { "web": {
                    "image": "registry.example.test/app:1.0",
                    "ports": [{ "container": 8080 }],
                    "env": ["TOKEN"],
                    "routes": [{ "hosts": ["app.example.test"] }],
                }},
                "env": { "TOKEN": variable },
            },
        },
    })
}

/// The spec as text that seisei reads back to `spec`: JSON, which YAML 1.2 reads as written.
/// `serde_yaml`'s writer is libyaml's YAML 1.1, which treats U+2028, U+2029 and U+0085 as line
/// breaks inside quoted scalars and indents after them; in YAML 1.2, which seisei reads, they
/// are ordinary characters, so the indentation would become part of the value.
///
/// `serde_json` leaves DEL, the C1 controls and U+FFFE/U+FFFF raw, which YAML does not allow
/// in a file; they can only occur inside strings, where `\u` escapes mean the same in both.
fn spec_text(spec: &Value) -> String {
    use std::fmt::Write as _;
    let json = serde_json::to_string_pretty(spec).expect("the spec serializes");
    let mut text = String::with_capacity(json.len());
    for c in json.chars() {
        if matches!(
            c,
            '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
        ) {
            let _ = write!(text, "\\u{:04x}", u32::from(c));
        } else {
            text.push(c);
        }
    }
    text
}
