//! One rule each, found broken by the random platforms and kept with the smallest platform
//! that shows it: empty commands, negative priorities, carriage returns in paths, mount paths.

use serde_json::{Value, json};

use super::files::*;
use super::*;

/// `command: []` (run the image with no arguments) stays `[]`: a bare `command:`, as it was
/// once written, reads as null, which Compose takes for the image's own command.
#[test]
fn an_empty_command_stays_an_empty_list() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let mut spec = small_platform(&json!({ "description": "API token", "example": "x" }));
    spec["stacks"]["app"]["services"]["web"]["command"] = json!([]);
    let text = spec_text(&spec);
    std::fs::write(&spec_path, &text).expect("write the spec");
    let compiled = compile(&spec_path, &text).expect("the platform compiles");
    let mut problems = Vec::new();
    let files = Files::read(&compiled, &mut problems);
    expect(
        &mut problems,
        &files,
        "infra/stacks/app/docker-compose.yml",
        &["services", "web", "command"],
        &json!([]),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Traefik takes a negative priority as it is (no lower bound anywhere on its path, issue 16),
/// so seisei writes it too; it once was refused.
#[test]
fn a_negative_priority_is_accepted() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let mut spec = small_platform(&json!({ "description": "API token", "example": "x" }));
    spec["stacks"]["app"]["services"]["web"]["routes"][0]["priority"] = json!(-1);
    let compiled = write_and_compile(&spec_path, &spec).expect("priority -1 compiles");
    let written = compiled
        .artifacts
        .iter()
        .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
        .any(|text| text.contains("priority: -1") || text.contains("priority=-1"));
    assert!(written, "priority -1 is in no output");
    // 0 keeps its meaning, "computed from the rule's length", and 1 is the lowest explicit one.
    for priority in [0, 1] {
        spec["stacks"]["app"]["services"]["web"]["routes"][0]["priority"] = json!(priority);
        assert!(
            write_and_compile(&spec_path, &spec).is_ok(),
            "priority {priority} was refused"
        );
    }
}

/// Go drops carriage returns from raw string literals, and Traefik reads rules with Go's
/// rules: `path_prefix: "/a\r\nb"` written in backticks would reach Traefik as `/a\nb`, so
/// `string_literal` (src/encode/go.rs) writes such a value as a double-quoted Go string, which the
/// rule parser must read back to the value.
#[test]
fn a_carriage_return_in_a_path_reaches_traefik() {
    use seisei::traefik::rule::{Expr, Kind, parse};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let mut spec = small_platform(&json!({ "description": "API token", "example": "x" }));
    spec["stacks"]["app"]["services"]["web"]["routes"][0]["path_prefix"] = json!("/a\r\nb");
    let text = spec_text(&spec);
    std::fs::write(&spec_path, &text).expect("write the spec");
    let compiled = compile(&spec_path, &text).expect("the platform compiles");
    let rule = &compiled.model.routers[0].rule;
    let prefix = match parse(rule, Kind::Http).expect("the rule parses") {
        Expr::And(_, prefix) => match *prefix {
            Expr::Match { args, .. } => args[0].value.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(prefix, "/a\r\nb", "in {rule:?}");
}

/// Compose splits a short volume entry at `:` into source, target and mode, so a `:` in a
/// bind path or a target would change the mount: `target: /data:ro` with `read_only: false`
/// would become the read-only mount `vol:/data:ro`, and `bind: ./a:b` would mount `./a` at
/// `b`. Such a path must be refused, or written so that Compose reads it as meant.
#[test]
fn mount_paths_with_a_colon_keep_their_meaning() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let mounts = [
        ("volume", "data", "/data:ro", false),
        ("bind", "./a:b", "/config", true),
        ("bind", "./conf", "/etc/app:z", false),
    ];
    let mut refused = Vec::new();
    let mut misread = Vec::new();
    for (kind, source, target, read_only) in mounts {
        let mut spec = small_platform(&json!({ "description": "API token", "example": "x" }));
        spec["stacks"]["app"]["volumes"] = json!({ "data": { "purpose": "Data" } });
        spec["stacks"]["app"]["services"]["web"]["mounts"] =
            json!([{ kind: source, "target": target, "read_only": read_only }]);
        let Ok(compiled) = write_and_compile(&spec_path, &spec) else {
            refused.push(target);
            continue;
        };
        let mut problems = Vec::new();
        let files = Files::read(&compiled, &mut problems);
        let entry = files.get(
            "infra/stacks/app/docker-compose.yml",
            &["services", "web", "volumes", "0"],
        );
        // The short syntax as Compose reads it: `SOURCE:TARGET[:MODE]`.
        let read = entry.and_then(Value::as_str).map(|text| {
            let parts: Vec<&str> = text.split(':').collect();
            (
                parts.len(),
                parts.get(1).copied(),
                parts.get(2) == Some(&"ro"),
            )
        });
        if entry.is_some_and(Value::is_string)
            && read != Some((2 + usize::from(read_only), Some(target), read_only))
        {
            misread.push(format!("{kind} {source} at {target}: written {entry:?}"));
        }
    }
    assert!(
        misread.is_empty(),
        "refused {refused:?}; misread:\n{}",
        misread.join("\n")
    );
}

/// Docker refuses a container with two mounts at one path ("Duplicate mount point"), and
/// the Compose schema refuses two identical entries: seisei must refuse them first.
#[test]
fn two_mounts_at_one_target_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let mut spec = small_platform(&json!({ "description": "API token", "example": "x" }));
    spec["stacks"]["app"]["volumes"] = json!({ "data": { "purpose": "Data" } });
    spec["stacks"]["app"]["services"]["web"]["mounts"] = json!([
        { "volume": "data", "target": "/data" },
        { "bind": "./data", "target": "/data" },
    ]);
    assert!(
        write_and_compile(&spec_path, &spec).is_err(),
        "two mounts at /data compiled"
    );
}
