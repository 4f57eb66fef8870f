//! Round trip: every generated file is read back the way its consumer reads it (YAML with
//! `serde_yaml`, Traefik's dynamic files through the Go template step first, `.env.example` with
//! a reader that follows Compose's dotenv parser) and each value must be the one the model,
//! and so the spec, holds. Runs on the repository's platforms and on a platform made of
//! hostile strings, which is also what the schema tests validate.

use std::path::Path;

use serde_json::json;

use crate::support::checks::*;
use crate::support::findings::*;
use crate::support::hostile_platform::*;
use crate::support::readers::*;
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
/// top of the compose file, must neither inject keys nor make the file unreadable. Control
/// characters (CR, NEL, BEL, ESC, DEL, CSI) never get that far: a purpose holding one is
/// refused (issue 12), which the second half checks.
#[test]
fn yaml_comments_hold_any_purpose() {
    let purposes = [
        "first line\u{2028}injected: true",
        "first line\u{2029}injected: true",
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
    for (i, purpose) in [
        "first line\rinjected: true",
        "first line\u{85}injected: true",
        "bell\u{7}",
        "escape\u{1b}[0m",
        "del\u{7f}",
        "csi\u{9b}",
    ]
    .iter()
    .enumerate()
    {
        let mut stacks = serde_json::Map::new();
        stacks.insert(format!("purpose{i}"), small_stack(i, purpose, &json!({})));
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("platform.yaml");
        let text = serde_yaml::to_string(&platform(stacks, &json!({}))).expect("serializes");
        std::fs::write(&path, text).expect("the spec is written");
        let Err((_, problems)) = seisei::compile(&path) else {
            panic!("{purpose:?} was taken as a purpose");
        };
        assert!(
            problems
                .iter()
                .any(|d| d.message.contains("holds a control character")),
            "{purpose:?}: {problems:?}"
        );
    }
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
            "allow": { "ipAllowList": { "sourceRange": ["192.0.2.0/24"] } },
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
