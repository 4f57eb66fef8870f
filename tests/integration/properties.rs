//! Property tests. Random valid platforms, whose free-text fields hold strings that naive
//! YAML, dotenv, Go template and Markdown writers get wrong, are written with `serde_yaml`,
//! compiled with `seisei::compile`, and every output is read back the way its consumer
//! reads it: each randomized value must come back exactly, each YAML file must satisfy its
//! JSON Schema (from `SEISEI_SCHEMAS_DIR`), and no real-looking credential may appear. The
//! escapers and the credential detector are held to their promises on their own too.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use jsonschema::Validator;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError};
use seisei::Compiled;
use seisei::model::secrets::credential_kind;
use seisei::model::{SECRET_PLACEHOLDER, is_placeholder};
use seisei::render::escape::{
    env_value, go_template_literal, markdown_code, markdown_text, yaml_scalar,
};
use serde_json::{Map, Value, json};

use crate::roundtrip::{
    Findings, check_compose, check_dynamic, check_env, check_static, read_dotenv,
    render_go_template, yaml_1_1_disagreements,
};
use crate::schemas::{Kind, errors, schemas_dir, validator};

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

/// Traefik 3.7, routes in the file provider unless a stack or route says `docker`.
#[test]
fn random_platforms_read_back_as_written() {
    check_random_platforms("3.7", false);
}

/// Traefik 3.6 (wildcards as `HostRegexp`), routes as Docker labels unless a stack or route
/// says `file`. A test of its own so the two halves of the cases run in parallel.
#[test]
fn random_platforms_with_docker_labels_read_back_as_written() {
    check_random_platforms("3.6", true);
}

fn check_random_platforms(version: &'static str, docker_by_default: bool) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let schemas = schema_validators();
    if schemas.is_none() {
        eprintln!("random platforms: the schema part was skipped; the round trip ran");
    }
    let mut runner = proptest::test_runner::TestRunner::new(config(PLATFORM_CASES));
    let result = runner.run(&platform_plan(version, docker_by_default), |plan| {
        let spec = plan.to_json();
        let text = spec_text(&spec);
        std::fs::write(&spec_path, &text).expect("write the spec");
        let document = seisei::spec::Document::parse(&text).expect("the spec parses");
        let root = document.root().expect("the spec has a root");
        let read: Value = seisei::spec::de::from_node(&document, root).expect("the spec reads");
        prop_assert_eq!(&read, &spec, "seisei must read the spec that was meant");
        let compiled = compile(&spec_path, &text)?;
        check_outputs(&plan, &compiled, schemas)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A secret variable whose example or default looks real stops the whole run (E0502), so
/// its value reaches no file.
#[test]
fn real_looking_secret_examples_stop_the_run() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let strategy = (credential(), any::<bool>(), any::<bool>());
    proptest!(config(SECRET_CASES), |((secret, as_default, required) in strategy)| {
        let field = if as_default { "default" } else { "example" };
        let mut variable = json!({ "description": "API token", "secret": true, "required": required });
        variable[field] = json!(secret);
        let spec = small_platform(&variable);
        let text = spec_text(&spec);
        std::fs::write(&spec_path, &text).expect("write the spec");
        match seisei::compile(&spec_path) {
            Ok(compiled) => {
                let leaked: Vec<&str> = compiled
                    .artifacts
                    .iter()
                    .filter(|a| String::from_utf8_lossy(&a.bytes).contains(secret.as_str()))
                    .map(|a| a.path.as_str())
                    .collect();
                prop_assert!(false, "a secret {field} that looks real compiled; it is in {leaked:?}");
            }
            Err((_, problems)) => {
                prop_assert!(
                    problems.iter().any(|d| d.code == seisei::diagnostics::Code::SecretValue),
                    "no E0502 among {:?}",
                    problems.iter().map(|d| d.code.id()).collect::<Vec<_>>()
                );
            }
        }
    });
}

/// A secret's placeholder example is what `.env.example` shows, byte for byte.
#[test]
fn placeholder_secret_examples_are_written_as_they_are() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    proptest!(config(SECRET_CASES), |(placeholder in placeholder())| {
        let variable = json!({ "description": "API token", "secret": true, "example": placeholder });
        let spec = small_platform(&variable);
        let text = spec_text(&spec);
        std::fs::write(&spec_path, &text).expect("write the spec");
        let compiled = compile(&spec_path, &text)?;
        let env = compiled
            .artifacts
            .iter()
            .find(|a| a.path.ends_with("app/.env.example"))
            .expect("the app's .env.example");
        let entries = read_dotenv(&String::from_utf8_lossy(&env.bytes));
        prop_assert_eq!(entries, Ok(vec![("TOKEN".to_owned(), placeholder.clone())]));
    });
}

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

/// Traefik documents 1 as the lowest router priority (0 means "from the rule's length"),
/// and the file-provider schema says `minimum: 0`: `priority: -1` is refused, where it once
/// landed in the dynamic file and in the labels.
#[test]
fn a_negative_priority_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let mut spec = small_platform(&json!({ "description": "API token", "example": "x" }));
    spec["stacks"]["app"]["services"]["web"]["routes"][0]["priority"] = json!(-1);
    let Err((_, problems)) = write_and_compile(&spec_path, &spec) else {
        panic!("priority -1 compiled");
    };
    assert!(
        problems
            .iter()
            .any(|d| d.message.starts_with("priority -1 ")),
        "{problems:?}"
    );
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
/// `literal` (src/traefik/mod.rs) writes such a value as a double-quoted Go string, which the
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

// ---------------------------------------------------------------------------------------
// The credential detector.
// ---------------------------------------------------------------------------------------

#[test]
fn the_credential_detector_catches_real_looking_keys() {
    let fixed = [
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
        "ghp_Zx81kQ0pL2mN4vB7cR9tY3wE6uI5oA1sD2fG",
        "sk-live4f8Kq2LmN9pR3sT6vW1xY5zA7bC0dE",
        "AKIAZ7Q4M2N8P5R1T6W3",
        "xoxb-2048-1234567890-AbCdEfGhIjKl",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVlLXRoYXQtaXMtbG9uZw",
        "9fQz2LkX7vB4nR8mW3tY6pH1sJ5dG0cA",
    ];
    for sample in fixed {
        assert!(
            credential_kind(sample).is_some(),
            "{sample:?} must be caught"
        );
    }
    proptest!(config(FUNCTION_CASES), |(secret in credential(), wrapper in 0..5_usize)| {
        // Credentials are pasted alone, into URLs, assignments and headers.
        let pasted = match wrapper {
            0 => secret.clone(),
            1 => format!("postgres://app:{secret}@db:5432/app"),
            2 => format!("TOKEN={secret}"),
            3 => format!("Authorization: Bearer {secret}"),
            _ => format!("  {secret}\n"),
        };
        prop_assert!(credential_kind(&pasted).is_some(), "{pasted:?} was not caught");
    });
}

#[test]
fn the_credential_detector_leaves_placeholders_alone() {
    let fixed = [
        "change-me",
        "changeme",
        "CHANGE_ME",
        "replace-me",
        "<your-api-token>",
        "your-token-here",
        "xxxxxxxxxxxxxxxx",
        "postgres://crm:change-me@crm-db:5432/crm",
        "${GITHUB_TOKEN}",
        "sk-...",
        "ghp_...",
        "AKIA...",
        "ghcr.io/seisei/crm-api:1.4.2",
        "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
        "/var/lib/postgresql/data/pgdata",
        "PostgreSQL connection string for the CRM",
    ];
    for sample in fixed {
        assert_eq!(credential_kind(sample), None, "{sample:?}");
    }
    proptest!(config(FUNCTION_CASES), |(text in placeholder())| {
        prop_assert_eq!(credential_kind(&text), None, "{:?}", text);
    });
    proptest!(config(FUNCTION_CASES), |(text in ordinary_value())| {
        prop_assert_eq!(credential_kind(&text), None, "{:?}", text);
    });
}

// ---------------------------------------------------------------------------------------
// The escapers on their own.
// ---------------------------------------------------------------------------------------

#[test]
fn yaml_scalars_read_back_as_the_string() {
    proptest!(config(FUNCTION_CASES), |(s in any_text())| {
        let scalar = yaml_scalar(&s);
        for document in [
            format!("key: {scalar}\n"),
            format!("- {scalar}\n"),
            format!("outer:\n  inner: {scalar}\n"),
        ] {
            let value: serde_yaml::Value = serde_yaml::from_str(&document)
                .map_err(|e| TestCaseError::fail(format!("{document:?}: {e}")))?;
            let read = match &value {
                serde_yaml::Value::Sequence(items) => items.first(),
                other => other.get("key").or_else(|| other.get("outer").and_then(|o| o.get("inner"))),
            };
            prop_assert_eq!(read, Some(&serde_yaml::Value::String(s.clone())), "{:?}", document);
            // libyaml is lenient where YAML 1.2 is not; the other half of Compose's and
            // Traefik's readers (go-yaml) is not.
            let strict = saphyr_parser::Parser::new_from_str(&document).find(Result::is_err);
            prop_assert!(strict.is_none(), "{:?} is not YAML 1.2: {:?}", document, strict);
            let disagreements = yaml_1_1_disagreements(&document);
            prop_assert!(disagreements.is_empty(), "{:?}: {:?}", document, disagreements);
        }
    });
}

#[test]
fn go_template_literals_render_back_to_the_text() {
    proptest!(config(FUNCTION_CASES), |(s in any_text())| {
        prop_assert_eq!(render_go_template(&go_template_literal(&s)), Ok(s.clone()));
        // What Traefik's dynamic files hold: the YAML scalar, then the template escape.
        let document = format!("key: {}\n", go_template_literal(&yaml_scalar(&s)));
        let rendered = render_go_template(&document).map_err(TestCaseError::fail)?;
        let value: serde_yaml::Value = serde_yaml::from_str(&rendered)
            .map_err(|e| TestCaseError::fail(format!("{rendered:?}: {e}")))?;
        prop_assert_eq!(value.get("key"), Some(&serde_yaml::Value::String(s.clone())));
    });
}

/// Values that Compose's dotenv reader can hold. A value that ends in a backslash and needs
/// quotes cannot be written at all (compose-go takes `\'` and `\"` for escaped quotes), so it
/// has a test of its own below.
#[test]
fn env_values_read_back_through_the_dotenv_reader() {
    let strategy = any_text().prop_filter("ends in a backslash", |s| !s.ends_with('\\'));
    proptest!(config(FUNCTION_CASES), |(s in strategy)| {
        let line = format!("KEY={}\n", env_value(&s));
        prop_assert_eq!(read_dotenv(&line), Ok(vec![("KEY".to_owned(), s.clone())]), "{:?}", line);
    });
}

/// compose-go ends a quoted value at the first quote that does not follow a backslash, in
/// both quote styles (see `read_dotenv` in roundtrip.rs), so a value that ends in a backslash can only be written
/// bare. An example that cannot go bare (a leading blank or quote, a line break, ` #`) once
/// landed in `.env.example` as `" x\\"`, which reads on into the next line; now every such
/// example is refused with its own diagnostic, and every one that can go bare compiles and
/// reads back.
#[test]
fn env_values_ending_in_a_backslash_read_back_or_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let strategy = (
        any_text(),
        select(vec!["", "", "", " ", "\n", " #", "\t", "'", "\""]),
    )
        .prop_map(|(s, trap)| format!("{trap}{s}\\"));
    let (refused, written) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    proptest!(config(FUNCTION_CASES), |(s in strategy)| {
        // Written with `yaml_scalar`: `serde_yaml` writes U+2028 raw, which reads as a line
        // break and changes the value.
        let variable = json!({ "description": "A Windows folder", "example": "EXAMPLE" });
        let text = serde_yaml::to_string(&small_platform(&variable)).expect("the spec serializes");
        prop_assert!(text.contains("example: EXAMPLE\n"));
        let text = text.replace("example: EXAMPLE\n", &format!("example: {}\n", yaml_scalar(&s)));
        std::fs::write(&spec_path, &text).expect("write the spec");
        // The only spelling left: bare, with `$` doubled. `env_value` also keeps out of bare
        // values what would be fragile there though `read_dotenv` takes it: control and
        // non-characters a reader may drop or break lines at, and a leading `#`, which older
        // compose-go took for a comment.
        let bare = read_dotenv(&format!("TOKEN={}\n", s.replace('$', "$$")));
        let fragile = s.starts_with('#')
            || s.chars().any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'));
        let can_go_bare = bare == Ok(vec![("TOKEN".to_owned(), s.clone())]) && !fragile;
        match seisei::compile(&spec_path) {
            Ok(compiled) => {
                written.set(written.get() + 1);
                let env = compiled
                    .artifacts
                    .iter()
                    .find(|a| a.path.ends_with("app/.env.example"))
                    .expect("the app's .env.example");
                let entries = read_dotenv(&String::from_utf8_lossy(&env.bytes));
                prop_assert_eq!(entries, Ok(vec![("TOKEN".to_owned(), s.clone())]));
            }
            Err((_, problems)) => {
                refused.set(refused.get() + 1);
                prop_assert!(!can_go_bare, "{:?} can be written bare but was refused", s);
                let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
                prop_assert!(
                    messages.iter().all(|m| m.contains("cannot be written to `.env.example`")),
                    "{:?} was refused for {:?}", s, messages
                );
            }
        }
    });
    // Both outcomes were exercised, so neither branch holds vacuously.
    let (refused, written) = (refused.get(), written.get());
    assert!(
        refused > 0 && written > 0,
        "{refused} refused, {written} written"
    );
}

/// A table cell stays one cell on one line: no raw line break, and every `|` escaped. GitHub
/// splits cells before it parses inlines, at each `|` that does not follow a backslash
/// (cmark-gfm `ext_scanners.re`, `table_cell`), code spans included.
#[test]
fn markdown_cells_hold_any_text() {
    proptest!(config(FUNCTION_CASES), |(s in any_text())| {
        for (escaper, out) in [("markdown_text", markdown_text(&s)), ("markdown_code", markdown_code(&s))] {
            prop_assert!(!out.contains(['\n', '\r']), "{}({:?}) = {:?}", escaper, s, out);
            let bytes = out.as_bytes();
            let bare = (0..bytes.len()).find(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'));
            prop_assert!(bare.is_none(), "{}({:?}) = {:?} has a bare `|`", escaper, s, out);
        }
    });
}

// ---------------------------------------------------------------------------------------
// Checks of one compiled platform.
// ---------------------------------------------------------------------------------------

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

fn check_outputs(
    plan: &PlatformPlan,
    compiled: &Compiled,
    schemas: Option<&Validators>,
) -> Result<(), TestCaseError> {
    // The round-trip tests' readers, against the model.
    let mut findings = Findings::default();
    check_compose(compiled, &mut findings);
    check_dynamic(compiled, &mut findings);
    check_static(compiled, &mut findings);
    check_env(compiled, &mut findings);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        findings.assert_none(Path::new("a random platform"));
    }))
    .map_err(|e| TestCaseError::fail(panic_text(&e)))?;

    // Against the spec itself, for every field the plan randomized.
    let mut problems = Vec::new();
    let files = Files::read(compiled, &mut problems);
    plan.check(&files, &mut problems);
    for (path, document) in &files.yaml {
        for problem in yaml_1_1_disagreements(&files.text[path]) {
            problems.push(format!("{path}: {problem}"));
        }
        if let Some(schemas) = schemas {
            for (kind, validator) in schemas.all() {
                if kind.selects(path) {
                    for error in errors(validator, document) {
                        problems.push(format!("{path}: {}: {error}", kind.schema()));
                    }
                }
            }
        }
    }
    check_tables(&compiled.model.inventory, &files, &mut problems);
    // The schema file is the same for every platform and large: it is not scanned.
    for (path, text) in files
        .raw
        .iter()
        .filter(|(p, _)| !has_extension(p, &["json"]))
    {
        for (number, line) in text.lines().enumerate() {
            if let Some(kind) = credential_kind(line) {
                problems.push(format!(
                    "{path}:{}: looks like {kind}: {line:?}",
                    number + 1
                ));
            }
        }
    }
    for stack in &compiled.model.stacks {
        for variable in stack.variables.iter().filter(|v| v.secret) {
            if !is_placeholder(&variable.example) && variable.example != SECRET_PLACEHOLDER {
                problems.push(format!(
                    "{}: secret `{}` shows {:?}",
                    stack.env_path(),
                    variable.name,
                    variable.example
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(TestCaseError::fail(problems.join("\n")))
    }
}

/// Every row of every table in the inventory has the header's number of cells, as GitHub
/// splits them: at each `|` that does not follow a backslash (cmark-gfm's `table_cell`
/// scanner; markdown-it's `escapedSplit` agrees). The round-trip tests' own table check
/// counts backslashes before a `|` by parity, which takes `` `a\\|b` ``, the code span of
/// `a\|b`, for two cells, so it is not used here.
fn check_tables(path: &str, files: &Files, problems: &mut Vec<String>) {
    let Some(text) = files.raw.get(path) else {
        problems.push(format!("{path}: not generated"));
        return;
    };
    let cells = |line: &str| {
        let bytes = line.as_bytes();
        (0..bytes.len())
            .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
            .count()
    };
    let mut header: Option<usize> = None;
    for (number, line) in text.lines().enumerate() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let bare_end = line.ends_with('|') && !line.ends_with("\\|");
        let count = cells(line);
        match header {
            _ if !bare_end => problems.push(format!(
                "{path}:{}: the row does not end with a bare `|`: {line:?}",
                number + 1
            )),
            None => header = Some(count),
            Some(expected) if expected != count => problems.push(format!(
                "{path}:{}: {count} cell borders where the header has {expected}: {line:?}",
                number + 1
            )),
            Some(_) => {}
        }
    }
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a check panicked".to_owned())
}

/// The generated files, as text and as the YAML their consumers see.
struct Files {
    raw: BTreeMap<String, String>,
    /// YAML files after Traefik's Go template step.
    text: BTreeMap<String, String>,
    yaml: BTreeMap<String, Value>,
}

impl Files {
    fn read(compiled: &Compiled, problems: &mut Vec<String>) -> Files {
        let mut files = Files {
            raw: BTreeMap::new(),
            text: BTreeMap::new(),
            yaml: BTreeMap::new(),
        };
        for artifact in &compiled.artifacts {
            let Ok(raw) = String::from_utf8(artifact.bytes.clone()) else {
                problems.push(format!("{}: not UTF-8", artifact.path));
                continue;
            };
            let path = artifact.path.clone();
            let is_yaml = has_extension(&path, &["yml", "yaml"]);
            files.raw.insert(path.clone(), raw.clone());
            if !is_yaml {
                continue;
            }
            let text = if path.contains("/dynamic/") {
                match render_go_template(&raw) {
                    Ok(text) => text,
                    Err(e) => {
                        problems.push(format!("{path}: {e}"));
                        continue;
                    }
                }
            } else {
                raw
            };
            match serde_yaml::from_str::<Value>(&text) {
                Ok(document) => {
                    files.yaml.insert(path.clone(), document);
                }
                Err(e) => problems.push(format!("{path}: does not parse: {e}\n{text}")),
            }
            files.text.insert(path, text);
        }
        files
    }

    /// The value at `keys` in the YAML file `path`; a number indexes a sequence.
    fn get(&self, path: &str, keys: &[&str]) -> Option<&Value> {
        keys.iter()
            .try_fold(self.yaml.get(path)?, |value, key| match value {
                Value::Array(items) => items.get(key.parse::<usize>().ok()?),
                _ => value.get(*key),
            })
    }
}

fn has_extension(path: &str, extensions: &[&str]) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Records a mismatch between a generated value and the spec's.
fn expect(problems: &mut Vec<String>, files: &Files, path: &str, keys: &[&str], expected: &Value) {
    let actual = files.get(path, keys);
    if actual != Some(expected) {
        problems.push(format!(
            "{path}: {}:\n      found    {actual:?}\n      expected {expected:?}",
            keys.join(".")
        ));
    }
}

/// A literal in a Compose file: Compose interpolates `$`, so seisei doubles it.
fn literal(text: &str) -> Value {
    Value::String(text.replace('$', "$$"))
}

// ---------------------------------------------------------------------------------------
// Schemas, compiled once for every case.
// ---------------------------------------------------------------------------------------

struct Validators {
    compose: Validator,
    dynamic: Validator,
    static_config: Validator,
}

impl Validators {
    fn all(&self) -> [(Kind, &Validator); 3] {
        [
            (Kind::Compose, &self.compose),
            (Kind::Dynamic, &self.dynamic),
            (Kind::Static, &self.static_config),
        ]
    }
}

fn schema_validators() -> Option<&'static Validators> {
    static VALIDATORS: OnceLock<Option<Validators>> = OnceLock::new();
    VALIDATORS
        .get_or_init(|| {
            let dir = schemas_dir()?;
            Some(Validators {
                compose: validator(&dir, Kind::Compose.schema()),
                dynamic: validator(&dir, Kind::Dynamic.schema()),
                static_config: validator(&dir, Kind::Static.schema()),
            })
        })
        .as_ref()
}

// ---------------------------------------------------------------------------------------
// Hostile text.
// ---------------------------------------------------------------------------------------

/// Pieces that a naive writer of YAML, dotenv, Go templates or Markdown gets wrong.
const TRAPS: &[&str] = &[
    "'",
    "\"",
    "''",
    ": ",
    " #",
    "#",
    ":",
    "\n",
    "\t",
    "\r\n",
    "\r",
    " ",
    "  ",
    "ü",
    "日本語",
    "🚀",
    "👩\u{200d}💻",
    "\u{a0}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{7f}",
    "\u{1b}[0m",
    "\u{7}",
    "\u{fffe}",
    "*",
    "&",
    "!",
    "%",
    "@",
    "|",
    ">",
    "`",
    "```",
    "?",
    "- ",
    "-",
    ",",
    "[",
    "]",
    "{",
    "}",
    "<<",
    "=",
    "~",
    "\\",
    "\\n",
    "\\\"",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "true",
    "False",
    "null",
    "NULL",
    "0755",
    "0x1F",
    "0o17",
    "0b101",
    "1e3",
    ".5",
    "1_000",
    "+1",
    "-1",
    ".inf",
    ".NaN",
    "1.0",
    "22:22",
    "1:30:00",
    "2001-12-14",
    "---",
    "...",
    "{{",
    "}}",
    "{{ .Env.HOME }}",
    "{{\"{{\"}}",
    "<br>",
    "<script>",
    "&amp;",
    "_x_",
    "*x*",
    "[a](b)",
];

/// `$` as a literal character, for text that seisei writes literally.
const LITERAL_DOLLARS: &[&str] = &["$", "$HOME", "${HOME}", "$$", "a$", "${"];

/// `$` in Compose's interpolation syntax: escaped, or a variable every stack declares.
const COMPOSE_DOLLARS: &[&str] = &[
    "$$",
    "$${NOT_A_VARIABLE}",
    "${V_REF}",
    "${V_REF:-x}",
    "$$$$",
];

/// Any string at all, trap-heavy: for the escapers, which must take every string.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        3 => text_from(select(LITERAL_DOLLARS.to_vec())),
    ]
}

/// Hostile text with `$` as a literal.
fn literal_text() -> impl Strategy<Value = String> {
    text_from(select(LITERAL_DOLLARS.to_vec()))
        .prop_filter("looks like a credential", |t| is_clean(t))
}

/// Hostile text in Compose's syntax: `$` only as `$$` or a declared variable.
fn compose_text() -> impl Strategy<Value = String> {
    text_from(select(COMPOSE_DOLLARS.to_vec()))
        .prop_filter("looks like a credential", |t| is_clean(t))
}

/// Concatenated traps, words and random characters; `$` comes only from `dollars`.
fn text_from(dollars: impl Strategy<Value = &'static str> + 'static) -> BoxedStrategy<String> {
    let piece = prop_oneof![
        6 => select(TRAPS.to_vec()).prop_map(str::to_owned),
        3 => pattern("[a-zA-Z0-9 ._/-]{1,8}"),
        // Any character but `$`, which only `dollars` may bring.
        2 => any::<char>().prop_map(|c| if c == '$' { '¤' } else { c }.to_string()),
        1 => dollars.prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..5)
        .prop_map(|pieces| writable(pieces.concat()))
        .boxed()
}

/// `serde_yaml` 0.9 (libyaml's emitter) writes a string holding a line feed or carriage
/// return and U+2028 or U+2029 as a block scalar whose LS/PS lines are not indented, which
/// YAML 1.2 readers and libyaml itself refuse. The spec is written with `serde_yaml`, so such
/// text gets NEL instead; the escaper properties above take those strings as they are.
fn writable(text: String) -> String {
    if text.contains(['\n', '\r']) {
        text.replace(['\u{2028}', '\u{2029}'], "\u{85}")
    } else {
        text
    }
}

/// A string strategy from a regular expression, parsed once: a `&str` strategy parses its
/// pattern again for every value, which is most of the cost of generating a platform.
fn pattern(regex: &str) -> proptest::string::RegexGeneratorStrategy<String> {
    proptest::string::string_regex(regex).expect("a valid pattern")
}

/// A credential-looking string would be refused (E0505), which is right, but not this test.
fn is_clean(text: &str) -> bool {
    credential_kind(text).is_none()
}

/// Hostile text that never contains `needle`.
fn text_without(needle: char) -> impl Strategy<Value = String> {
    literal_text().prop_map(move |t| t.replace(needle, ""))
}

/// A lower-case name part without `-`, so `<stack>-<service>` names never collide.
fn name_part() -> impl Strategy<Value = String> {
    pattern("[a-z][a-z0-9_]{0,8}")
}

// ---------------------------------------------------------------------------------------
// Credentials and placeholders.
// ---------------------------------------------------------------------------------------

/// A string that looks like one of the credentials the detector knows.
fn credential() -> impl Strategy<Value = String> {
    let mixed = "[A-Za-z0-9]{40,64}".prop_filter("upper, lower and digit", |s: &String| {
        s.chars().any(|c| c.is_ascii_uppercase())
            && s.chars().any(|c| c.is_ascii_lowercase())
            && s.chars().any(|c| c.is_ascii_digit())
    });
    prop_oneof![
        ("(RSA |EC |OPENSSH |DSA |)", "[A-Za-z0-9+/]{20,64}").prop_map(|(kind, body)| format!(
            "-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"
        )),
        ("gh[pousr]_", "[A-Za-z0-9]{36}").prop_map(|(p, t)| format!("{p}{t}")),
        "github_pat_[A-Za-z0-9_]{40,82}",
        "sk-[A-Za-z0-9]{20,48}",
        "AKIA[A-Z0-9]{16}",
        "xox[bpars]-[0-9]{10,12}-[A-Za-z0-9]{10,24}",
        (
            "[A-Za-z0-9_-]{10,40}",
            "[A-Za-z0-9_-]{10,60}",
            "[A-Za-z0-9_-]{10,60}"
        )
            .prop_map(|(h, p, s)| format!("eyJ{h}.eyJ{p}.{s}")),
        mixed,
    ]
}

/// What people write where a secret will go.
fn placeholder() -> impl Strategy<Value = String> {
    let word = "[a-z]{1,10}";
    prop_oneof![
        Just("change-me".to_owned()),
        word.prop_map(|w| format!("change-me-{w}")),
        word.prop_map(|w| format!("<your-{w}>")),
        word.prop_map(|w| format!("replace-me-with-the-{w}")),
        word.prop_map(|w| format!("postgres://app:change-me@{w}:5432/app")),
        "x{4,40}",
    ]
}

/// Values that are long or odd but plainly not secrets.
fn ordinary_value() -> impl Strategy<Value = String> {
    let word = select(vec![
        "postgres",
        "redis",
        "crm",
        "api",
        "data",
        "var",
        "lib",
        "ghcr",
        "io",
        "seisei",
        "backend",
        "connection",
        "string",
        "for",
        "the",
        "service",
        "https",
        "example",
    ]);
    (
        prop::collection::vec(word, 1..12),
        select(vec!["-", "_", "/", ".", " "]),
    )
        .prop_map(|(words, separator)| words.join(separator))
}

// ---------------------------------------------------------------------------------------
// Random platforms.
// ---------------------------------------------------------------------------------------

/// A platform as random choices; [`PlatformPlan::to_json`] turns it into a valid spec.
#[derive(Debug, Clone)]
struct PlatformPlan {
    name: String,
    description: Option<String>,
    version: &'static str,
    log_level: String,
    config_dir: String,
    docker_by_default: bool,
    purposes: [String; 3],
    email: String,
    storage: String,
    dns_provider: String,
    headers: BTreeMap<String, String>,
    prefixes: Vec<String>,
    users_file: String,
    source_ranges: Vec<String>,
    scheme: String,
    networks: Vec<(String, bool)>,
    stacks: Vec<StackPlan>,
}

#[derive(Debug, Clone)]
struct StackPlan {
    name: String,
    purpose: String,
    status: &'static str,
    provider: Option<&'static str>,
    /// Which of the platform's extra networks the stack joins.
    networks: Vec<bool>,
    services: Vec<ServicePlan>,
    volumes: Vec<(String, bool, Option<String>)>,
    variables: Vec<VariablePlan>,
    dependencies: Vec<String>,
    notes: Vec<String>,
    config_files: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
struct ServicePlan {
    name: String,
    image: String,
    restart: Option<String>,
    role: Option<String>,
    command: Option<Vec<String>>,
    environment: BTreeMap<String, String>,
    /// Container port, published, udp, note.
    ports: Vec<(u16, bool, bool, Option<String>)>,
    routes: Vec<RoutePlan>,
    /// Which of the stack's variables the service takes under their own name.
    takes: Vec<bool>,
    /// Volume index or bind path, target, read-only.
    mounts: Vec<(Result<usize, String>, String, bool)>,
    depends_on_previous: bool,
    healthcheck: Option<(Vec<String>, u32)>,
    compose: BTreeMap<String, Value>,
}

#[derive(Debug, Clone)]
struct RoutePlan {
    label: String,
    wildcard: bool,
    path_prefix: Option<String>,
    path: Option<String>,
    priority: Option<i64>,
    tls: bool,
    middlewares: Vec<bool>,
    provider: Option<&'static str>,
    note: Option<String>,
}

#[derive(Debug, Clone)]
struct VariablePlan {
    name: String,
    description: String,
    required: bool,
    secret: bool,
    example: Option<String>,
    default: Option<String>,
}

const MIDDLEWARES: [&str; 5] = ["headers", "strip", "auth", "allow", "https"];

fn platform_plan(
    version: &'static str,
    docker_by_default: bool,
) -> impl Strategy<Value = PlatformPlan> {
    let texts = (
        literal_text(),
        prop::option::of(literal_text()),
        Just(version),
        literal_text(),
        text_without(':'),
        Just(docker_by_default),
        [literal_text(), literal_text(), literal_text()],
        literal_text(),
        literal_text(),
        literal_text(),
    );
    let middlewares = (
        prop::collection::btree_map(literal_text(), literal_text(), 0..4),
        prop::collection::vec(literal_text(), 1..3),
        literal_text(),
        prop::collection::vec(literal_text(), 1..3),
        literal_text(),
    );
    let networks = prop::collection::vec((literal_text(), any::<bool>()), 0..3);
    let stacks = prop::collection::vec(stack_plan(), 1..3);
    (texts, middlewares, networks, stacks).prop_map(
        |(
            (
                name,
                description,
                version,
                log_level,
                config_dir,
                docker,
                purposes,
                email,
                storage,
                dns,
            ),
            (headers, prefixes, users_file, source_ranges, scheme),
            networks,
            stacks,
        )| PlatformPlan {
            name,
            description,
            version,
            log_level,
            config_dir: format!("/{config_dir}"),
            docker_by_default: docker,
            purposes,
            email,
            storage,
            dns_provider: dns,
            headers,
            prefixes,
            users_file,
            source_ranges,
            scheme,
            networks,
            stacks,
        },
    )
}

fn stack_plan() -> impl Strategy<Value = StackPlan> {
    let head = (
        name_part(),
        literal_text(),
        select(vec!["production", "testing", "deprecated"]),
        select(vec![None, Some("file"), Some("docker")]),
        prop::collection::vec(any::<bool>(), 3),
    );
    let body = (
        prop::collection::vec(service_plan(), 1..3),
        prop::collection::vec(
            (
                literal_text(),
                any::<bool>(),
                prop::option::of(literal_text()),
            ),
            0..3,
        ),
        prop::collection::vec(variable_plan(), 0..3),
    );
    let inventory = (
        prop::collection::vec(literal_text(), 0..3),
        prop::collection::vec(literal_text(), 0..3),
        prop::collection::vec((literal_text(), literal_text()), 0..3),
    );
    (head, body, inventory).prop_map(
        |(
            (name, purpose, status, provider, networks),
            (services, volumes, variables),
            (dependencies, notes, config_files),
        )| StackPlan {
            name,
            purpose,
            status,
            provider,
            networks,
            services,
            volumes,
            variables,
            dependencies,
            notes,
            config_files,
        },
    )
}

fn service_plan() -> impl Strategy<Value = ServicePlan> {
    let head = (
        name_part(),
        literal_text(),
        prop::option::of(literal_text()),
        prop::option::of(literal_text()),
        // An empty command has a test of its own.
        prop::option::of(prop::collection::vec(compose_text(), 1..4)),
        prop::collection::btree_map(pattern("E_[A-Z0-9_]{0,6}"), compose_text(), 0..4),
    );
    let ports = prop::collection::vec(
        (
            1..=u16::MAX,
            any::<bool>(),
            any::<bool>(),
            prop::option::of(literal_text()),
        ),
        0..3,
    );
    let mount = (
        prop_oneof![
            (0..3_usize).prop_map(Ok),
            text_without(':').prop_map(|t| Err(format!("./{t}")))
        ],
        text_without(':'),
        any::<bool>(),
    );
    let body = (
        ports,
        prop::collection::vec(route_plan(), 0..3),
        prop::collection::vec(any::<bool>(), 4),
        prop::collection::vec(mount, 0..3),
        any::<bool>(),
        prop::option::of((prop::collection::vec(compose_text(), 0..3), 0..10_u32)),
        prop::collection::btree_map(pattern("x-[a-z]{1,6}"), escape_hatch_value(), 0..3),
    );
    (head, body).prop_map(
        |(
            (name, image, restart, role, command, environment),
            (ports, routes, takes, mounts, depends_on_previous, healthcheck, compose),
        )| ServicePlan {
            name,
            image,
            restart,
            role,
            command,
            environment,
            ports,
            routes,
            takes,
            mounts,
            depends_on_previous,
            healthcheck,
            compose,
        },
    )
}

/// A value of the escape hatch: Compose text, numbers, booleans, lists and maps of them.
fn escape_hatch_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        4 => compose_text().prop_map(Value::String),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(literal_text(), inner, 0..3)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn route_plan() -> impl Strategy<Value = RoutePlan> {
    (
        pattern("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?"),
        any::<bool>(),
        prop::option::of(literal_text()),
        prop::option::of(literal_text()),
        // A negative priority has a test of its own.
        prop::option::of(0..1000_i64),
        any::<bool>(),
        prop::collection::vec(any::<bool>(), MIDDLEWARES.len()),
        select(vec![None, Some("file"), Some("docker")]),
        prop::option::of(literal_text()),
    )
        .prop_map(
            |(label, wildcard, path_prefix, path, priority, tls, middlewares, provider, note)| {
                RoutePlan {
                    label,
                    wildcard,
                    // A carriage return in a path has a test of its own.
                    path_prefix: path_prefix.map(|p| format!("/{}", p.replace('\r', ""))),
                    path: path.map(|p| format!("/{}", p.replace('\r', ""))),
                    priority,
                    tls,
                    middlewares,
                    provider,
                    note,
                }
            },
        )
}

fn variable_plan() -> impl Strategy<Value = VariablePlan> {
    (
        pattern("[A-Z][A-Z0-9_]{0,8}"),
        literal_text(),
        any::<bool>(),
        any::<bool>(),
        // Examples ending in a backslash have a test of their own.
        prop::option::of(literal_text().prop_map(|t| t.trim_end_matches('\\').to_owned())),
        prop::option::of(text_without('}').prop_map(|t| t.trim_end_matches('\\').to_owned())),
        placeholder(),
    )
        .prop_map(
            |(name, description, required, secret, example, default, placeholder)| VariablePlan {
                name: format!("V_{name}"),
                description,
                required,
                secret,
                // A secret's example and default must be placeholders (E0502).
                example: if secret { Some(placeholder) } else { example },
                default: if secret { None } else { default },
            },
        )
}

impl PlatformPlan {
    fn stack_name(&self, index: usize) -> String {
        format!("{}-{index}", self.stacks[index].name)
    }

    fn network_name(index: usize) -> String {
        format!("net-{index}")
    }

    /// The spec. Names get an index so they are unique; published host ports are numbered
    /// so they never collide; every routed service listens on a port and names it.
    fn to_json(&self) -> Value {
        let mut networks = Map::new();
        networks.insert(
            "edge".into(),
            json!({ "purpose": self.purposes[0], "external": true }),
        );
        for (i, (purpose, internal)) in self.networks.iter().enumerate() {
            networks.insert(
                Self::network_name(i),
                json!({ "purpose": purpose, "internal": internal }),
            );
        }
        let mut stacks = Map::new();
        stacks.insert("edge".into(), self.edge_stack());
        let mut host_port = 20_000_u16;
        for index in 0..self.stacks.len() {
            stacks.insert(
                self.stack_name(index),
                self.stack_json(index, &mut host_port),
            );
        }
        let mut platform = json!({
            "name": self.name,
            "domain": "example.test",
            "output": "out",
        });
        if let Some(description) = &self.description {
            platform["description"] = json!(description);
        }
        json!({
            "platform": platform,
            "traefik": {
                "version": self.version,
                "stack": "edge",
                "service": "proxy",
                "config_dir": self.config_dir,
                "network": "edge",
                "entrypoints": {
                    "web": { "address": ":80", "purpose": self.purposes[1] },
                    "websecure": { "address": ":443", "tls": true, "purpose": self.purposes[2],
                                   "middlewares": ["headers"] },
                },
                "default_entrypoints": ["websecure"],
                "cert_resolvers": {
                    "le": { "email": self.email, "storage": self.storage,
                            "http_challenge_entrypoint": "web" },
                    "dns": { "email": self.email, "storage": self.storage,
                             "dns_challenge_provider": self.dns_provider },
                },
                "default_cert_resolver": "le",
                "default_provider": if self.docker_by_default { "docker" } else { "file" },
                "middlewares": {
                    "headers": { "headers": { "sts_seconds": 60,
                                              "custom_response_headers": self.headers } },
                    "strip": { "strip_prefix": { "prefixes": self.prefixes } },
                    "auth": { "basic_auth": { "users_file": self.users_file } },
                    "allow": { "ip_allow_list": { "source_range": self.source_ranges } },
                    "https": { "redirect_scheme": { "scheme": self.scheme, "permanent": true } },
                },
                "log_level": self.log_level,
            },
            "networks": networks,
            "stacks": stacks,
        })
    }

    fn edge_stack(&self) -> Value {
        json!({
            "purpose": self.purposes[0],
            "status": "production",
            "networks": ["edge"],
            "services": { "proxy": {
                "image": "traefik:v3.7.1",
                "ports": [
                    { "container": 80, "publish": true },
                    { "container": 443, "publish": true },
                ],
            }},
        })
    }

    fn stack_json(&self, index: usize, host_port: &mut u16) -> Value {
        let plan = &self.stacks[index];
        let stack_name = self.stack_name(index);
        let mut networks = vec!["edge".to_owned()];
        for (i, joins) in plan.networks.iter().enumerate() {
            if *joins && i < self.networks.len() {
                networks.push(Self::network_name(i));
            }
        }
        let mut variables = Map::new();
        // Compose text may refer to `${V_REF}`; every stack declares it.
        variables.insert(
            "V_REF".into(),
            json!({ "description": "Referred to from Compose text", "required": false }),
        );
        for variable in &plan.variables {
            let mut v = json!({
                "description": variable.description,
                "required": variable.required,
                "secret": variable.secret,
            });
            if let Some(example) = &variable.example {
                v["example"] = json!(example);
            }
            if let Some(default) = &variable.default {
                v["default"] = json!(default);
            }
            variables.insert(variable.name.clone(), v);
        }
        let variable_names: Vec<String> = variables.keys().cloned().collect();
        let mut volumes = Map::new();
        for (i, (purpose, external, name)) in plan.volumes.iter().enumerate() {
            let mut volume = json!({ "purpose": purpose, "external": external });
            if let Some(name) = name {
                volume["name"] = json!(name);
            }
            volumes.insert(format!("vol-{i}"), volume);
        }
        let mut services = Map::new();
        let mut previous: Option<String> = None;
        for (service_index, service) in plan.services.iter().enumerate() {
            let service_name = format!("{}-{service_index}", service.name);
            let mut s = json!({ "image": service.image });
            if let Some(restart) = &service.restart {
                s["restart"] = json!(restart);
            }
            if let Some(role) = &service.role {
                s["role"] = json!(role);
            }
            if let Some(command) = &service.command {
                s["command"] = json!(command);
            }
            if !service.environment.is_empty() {
                s["environment"] = json!(service.environment);
            }
            let mut ports: Vec<Value> = Vec::new();
            let mut seen = Vec::new();
            for (container, publish, udp, note) in &service.ports {
                if seen.contains(container) {
                    continue;
                }
                seen.push(*container);
                let mut port =
                    json!({ "container": container, "protocol": if *udp { "udp" } else { "tcp" } });
                if *publish {
                    port["publish"] = json!(true);
                    port["host"] = json!(*host_port);
                    port["host_ip"] = json!("127.0.0.1");
                    *host_port += 1;
                }
                if let Some(note) = note {
                    port["note"] = json!(note);
                }
                ports.push(port);
            }
            if !service.routes.is_empty() && ports.is_empty() {
                ports.push(json!({ "container": 8080 }));
            }
            let first_port = ports.first().map(|p| p["container"].clone());
            if !ports.is_empty() {
                s["ports"] = Value::Array(ports);
            }
            let routes: Vec<Value> = service
                .routes
                .iter()
                .enumerate()
                .map(|(route_index, route)| {
                    let host = format!(
                        "{}{}.r{route_index}.{service_name}.{stack_name}.example.test",
                        if route.wildcard { "*." } else { "" },
                        route.label
                    )
                    .replace('_', "u");
                    let mut r = json!({
                        "name": format!("r{route_index}"),
                        "hosts": [host],
                        "port": first_port,
                        "entrypoints": [if route.tls { "websecure" } else { "web" }],
                    });
                    if let Some(prefix) = &route.path_prefix {
                        r["path_prefix"] = json!(prefix);
                    }
                    if let Some(path) = &route.path {
                        r["path"] = json!(path);
                    }
                    if let Some(priority) = route.priority {
                        r["priority"] = json!(priority);
                    }
                    let middlewares: Vec<&str> = MIDDLEWARES
                        .iter()
                        .zip(&route.middlewares)
                        .filter(|(_, on)| **on)
                        .map(|(m, _)| *m)
                        .collect();
                    r["middlewares"] = json!(middlewares);
                    if let Some(provider) = route.provider {
                        r["provider"] = json!(provider);
                    }
                    if route.wildcard && route.tls {
                        // A wildcard certificate needs the DNS challenge.
                        r["cert_resolver"] = json!("dns");
                    }
                    if let Some(note) = &route.note {
                        r["note"] = json!(note);
                    }
                    r
                })
                .collect();
            if !routes.is_empty() {
                s["routes"] = Value::Array(routes);
            }
            let takes: Vec<&String> = variable_names
                .iter()
                .zip(service.takes.iter().chain(std::iter::repeat(&false)))
                .filter(|(name, on)| **on && *name != "V_REF")
                .map(|(name, _)| name)
                .collect();
            if !takes.is_empty() {
                s["env"] = json!(takes);
            }
            let mounts: Vec<Value> = service
                .mounts
                .iter()
                .enumerate()
                .filter_map(|(i, (source, target, read_only))| {
                    // Two mounts at one target are refused by Docker; see the test below.
                    let mut m =
                        json!({ "target": format!("/m{i}/{target}"), "read_only": read_only });
                    match source {
                        Ok(i) if *i < plan.volumes.len() => m["volume"] = json!(format!("vol-{i}")),
                        Ok(_) => return None,
                        Err(path) => m["bind"] = json!(path),
                    }
                    Some(m)
                })
                .collect();
            if !mounts.is_empty() {
                s["mounts"] = Value::Array(mounts);
            }
            if let (true, Some(previous)) = (service.depends_on_previous, &previous) {
                s["depends_on"] = json!([previous]);
            }
            if let Some((test, retries)) = &service.healthcheck {
                let mut check = vec![json!("CMD-SHELL")];
                check.extend(test.iter().map(|t| json!(t)));
                s["healthcheck"] = json!({ "test": check, "retries": retries });
            }
            if !service.compose.is_empty() {
                s["compose"] = json!(service.compose);
            }
            previous = Some(service_name.clone());
            services.insert(service_name, s);
        }
        let mut stack = json!({
            "purpose": plan.purpose,
            "status": plan.status,
            "networks": networks,
            "services": services,
            "env": variables,
        });
        if !volumes.is_empty() {
            stack["volumes"] = Value::Object(volumes);
        }
        if let Some(provider) = plan.provider {
            stack["provider"] = json!(provider);
        }
        if !plan.dependencies.is_empty() {
            stack["dependencies"] = json!(plan.dependencies);
        }
        if !plan.notes.is_empty() {
            stack["notes"] = json!(plan.notes);
        }
        if !plan.config_files.is_empty() {
            let files: Vec<Value> = plan
                .config_files
                .iter()
                .map(|(path, purpose)| json!({ "path": path, "purpose": purpose }))
                .collect();
            stack["config_files"] = Value::Array(files);
        }
        stack
    }

    /// Every randomized value, where it must land.
    fn check(&self, files: &Files, problems: &mut Vec<String>) {
        let spec = self.to_json();
        let proxy_dir = "infra/stacks/edge";
        let static_file = format!("{proxy_dir}/traefik.yml");
        let platform_file = format!("{proxy_dir}/dynamic/_platform.yml");
        let traefik = &spec["traefik"];
        let mut at = |path: &str, keys: &[&str], expected: &Value| {
            expect(problems, files, path, keys, expected);
        };
        at(&static_file, &["log", "level"], &traefik["log_level"]);
        at(
            &static_file,
            &["providers", "file", "directory"],
            &json!(format!("{}/dynamic", self.config_dir.trim_end_matches('/'))),
        );
        for (resolver, challenge) in [("le", None), ("dns", Some(&self.dns_provider))] {
            let acme = ["certificatesResolvers", resolver, "acme"];
            at(
                &static_file,
                &[&acme[..], &["email"]].concat(),
                &json!(self.email),
            );
            at(
                &static_file,
                &[&acme[..], &["storage"]].concat(),
                &json!(self.storage),
            );
            if let Some(provider) = challenge {
                at(
                    &static_file,
                    &[&acme[..], &["dnsChallenge", "provider"]].concat(),
                    &json!(provider),
                );
            }
        }
        let middlewares = ["http", "middlewares"];
        let mut dynamic = |keys: &[&str], expected: &Value| {
            at(&platform_file, &[&middlewares[..], keys].concat(), expected);
        };
        if !self.headers.is_empty() {
            dynamic(
                &["headers", "headers", "customResponseHeaders"],
                &json!(self.headers),
            );
        }
        dynamic(&["strip", "stripPrefix", "prefixes"], &json!(self.prefixes));
        dynamic(&["auth", "basicAuth", "usersFile"], &json!(self.users_file));
        dynamic(
            &["allow", "ipAllowList", "sourceRange"],
            &json!(self.source_ranges),
        );
        dynamic(&["https", "redirectScheme", "scheme"], &json!(self.scheme));

        for index in 0..self.stacks.len() {
            let name = self.stack_name(index);
            let stack = &spec["stacks"][&name];
            let compose = format!("infra/stacks/{name}/docker-compose.yml");
            let services = stack["services"].as_object().expect("services");
            for (service_name, service) in services {
                let keys = |rest: &[&'static str]| -> Vec<String> {
                    let mut keys = vec!["services".to_owned(), service_name.clone()];
                    keys.extend(rest.iter().map(|k| (*k).to_owned()));
                    keys
                };
                let mut at_service = |rest: &[&'static str], expected: &Value| {
                    let keys = keys(rest);
                    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                    expect(problems, files, &compose, &keys, expected);
                };
                at_service(
                    &["image"],
                    &literal(service["image"].as_str().expect("image")),
                );
                if let Some(restart) = service["restart"].as_str() {
                    at_service(&["restart"], &literal(restart));
                }
                if !service["command"].is_null() {
                    at_service(&["command"], &service["command"]);
                }
                if let Some(test) = service.get("healthcheck") {
                    at_service(&["healthcheck", "test"], &test["test"]);
                }
                let environment = files.get(&compose, &["services", service_name, "environment"]);
                for (key, value) in service["environment"].as_object().into_iter().flatten() {
                    let actual = environment.and_then(|e| e.get(key));
                    if actual != Some(value) {
                        problems.push(format!(
                            "{compose}: services.{service_name}.environment.{key}: found {actual:?}, expected {value:?}"
                        ));
                    }
                }
                for variable in service["env"].as_array().into_iter().flatten() {
                    let variable = variable.as_str().expect("a variable name");
                    let expected = reference(variable, &stack["env"][variable]);
                    let actual = environment.and_then(|e| e.get(variable));
                    if actual != Some(&expected) {
                        problems.push(format!(
                            "{compose}: services.{service_name}.environment.{variable}: found {actual:?}, expected {expected:?}"
                        ));
                    }
                }
                for (key, value) in service["compose"].as_object().into_iter().flatten() {
                    let actual = files.get(&compose, &["services", service_name, key]);
                    if actual != Some(value) {
                        problems.push(format!(
                            "{compose}: services.{service_name}.{key}: found {actual:?}, expected {value:?}"
                        ));
                    }
                }
            }
            for (volume, fields) in stack["volumes"].as_object().into_iter().flatten() {
                if let Some(docker_name) = fields["name"].as_str() {
                    expect(
                        problems,
                        files,
                        &compose,
                        &["volumes", volume, "name"],
                        &literal(docker_name),
                    );
                }
            }
            for (service_name, service) in services {
                for route in service["routes"].as_array().into_iter().flatten() {
                    check_rule(self, files, &name, stack, service_name, route, problems);
                }
            }
            let env_path = format!("infra/stacks/{name}/.env.example");
            let expected: Vec<(String, String)> = stack["env"]
                .as_object()
                .expect("env")
                .iter()
                .map(|(variable, fields)| (variable.clone(), shown_example(fields)))
                .collect();
            match files.raw.get(&env_path).map(|text| read_dotenv(text)) {
                Some(Ok(entries)) if entries == expected => {}
                other => {
                    problems.push(format!("{env_path}: read {other:?}, expected {expected:?}"));
                }
            }
        }
    }
}

/// The rule of a route, as Traefik gets it (from the dynamic file, or from the Docker label
/// once Compose has turned `$$` into `$`), parsed with seisei's model of Traefik's rule
/// parser: its `Path` and `PathPrefix` arguments must be the spec's, whatever they hold.
fn check_rule(
    plan: &PlatformPlan,
    files: &Files,
    stack_name: &str,
    stack: &Value,
    service_name: &str,
    route: &Value,
    problems: &mut Vec<String>,
) {
    use seisei::traefik::rule::{Expr, Kind, Matcher, parse};
    fn paths(expr: &Expr, out: &mut Vec<(Matcher, String)>) {
        match expr {
            Expr::Match { matcher, args, .. }
                if matches!(matcher, Matcher::Path | Matcher::PathPrefix) =>
            {
                out.extend(args.iter().map(|a| (*matcher, a.value.clone())));
            }
            Expr::Match { .. } => {}
            Expr::Not(inner) => paths(inner, out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                paths(a, out);
                paths(b, out);
            }
        }
    }
    let router = format!(
        "{stack_name}-{service_name}-{}",
        route["name"].as_str().expect("a route name")
    );
    let default = if plan.docker_by_default {
        "docker"
    } else {
        "file"
    };
    let provider = route["provider"]
        .as_str()
        .or_else(|| stack["provider"].as_str())
        .unwrap_or(default);
    let rule = if provider == "file" {
        let path = format!("infra/stacks/edge/dynamic/{stack_name}.yml");
        files
            .get(&path, &["http", "routers", &router, "rule"])
            .and_then(Value::as_str)
            .map(str::to_owned)
    } else {
        let path = format!("infra/stacks/{stack_name}/docker-compose.yml");
        let label = format!("traefik.http.routers.{router}.rule");
        files
            .get(&path, &["services", service_name, "labels", &label])
            .and_then(Value::as_str)
            .map(|text| text.replace("$$", "$"))
    };
    let Some(rule) = rule else {
        problems.push(format!("router `{router}` ({provider}): no rule found"));
        return;
    };
    let expr = match parse(&rule, Kind::Http) {
        Ok(expr) => expr,
        Err(e) => {
            problems.push(format!(
                "router `{router}`: {rule:?} does not parse: {}",
                e.message
            ));
            return;
        }
    };
    let mut found = Vec::new();
    paths(&expr, &mut found);
    let mut expected = Vec::new();
    if let Some(path) = route["path"].as_str() {
        expected.push((Matcher::Path, path.to_owned()));
    }
    if let Some(prefix) = route["path_prefix"].as_str() {
        expected.push((Matcher::PathPrefix, prefix.to_owned()));
    }
    found.sort();
    expected.sort();
    if found != expected {
        problems.push(format!(
            "router `{router}`: {rule:?} matches paths {found:?}, expected {expected:?}"
        ));
    }
}

/// The Compose reference seisei writes for a stack variable.
fn reference(name: &str, variable: &Value) -> Value {
    let required = variable["required"].as_bool().unwrap_or(true);
    let text = match variable["default"].as_str() {
        Some(default) => format!("${{{name}:-{}}}", default.replace('$', "$$")),
        None if required => format!("${{{name}:?set {name} in .env}}"),
        None => format!("${{{name}:-}}"),
    };
    Value::String(text)
}

/// What `.env.example` must show for a variable: its example, else its default, else
/// nothing; a placeholder for a secret.
fn shown_example(variable: &Value) -> String {
    let shown = variable["example"]
        .as_str()
        .or_else(|| variable["default"].as_str())
        .unwrap_or_default();
    if variable["secret"].as_bool() == Some(true) && !is_placeholder(shown) {
        SECRET_PLACEHOLDER.to_owned()
    } else {
        shown.to_owned()
    }
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

/// seisei's own deserializer (`spec::de`) resolves an unquoted scalar to null, a boolean, a
/// number or a string by hand-written rules; they must agree with `serde_yaml`'s, which the
/// spec was read with before, so a spec keeps its meaning. The scalars are built to sit on
/// the borders: signs, radix prefixes, leading zeros, underscores, exponents, `.inf`, YAML 1.1
/// words.
#[test]
fn plain_scalars_resolve_as_serde_yaml_resolves_them() {
    let number = "[-+]{0,2}(0x|0o|0b|0)?[0-9a-fA-F_]{0,5}(\\.[0-9]{0,3})?([eE][-+]?[0-9]{1,3})?";
    let special = select(vec![
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "FALSE",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        ".inf",
        "-.inf",
        "+.inf",
        ".Inf",
        ".NaN",
        ".nan",
        "nan",
        "inf",
        "infinity",
        "0",
        "-0",
        "+0",
        "00",
        "0.",
        ".5",
        "1_000",
        "0x",
        "0o8",
        "0b2",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "1e400",
        "-1e400",
        "0755",
        "0x_1F",
    ])
    .prop_map(str::to_owned);
    let strategy = prop_oneof![
        number.prop_map(|s| s),
        special,
        "[a-zA-Z0-9.+_-]{1,8}".prop_map(|s| s),
    ];
    proptest!(config(FUNCTION_CASES), |(scalar in strategy)| {
        let text = format!("- {scalar}\n");
        let theirs: Value = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
            Ok(serde_yaml::Value::Sequence(items)) if items.len() == 1 => {
                serde_json::to_value(&items[0]).expect("a scalar converts")
            }
            // Not a single plain scalar to libyaml (`-`, `- -x`): nothing to compare.
            _ => return Ok(()),
        };
        let document = seisei::spec::Document::parse(&text).expect("saphyr reads what libyaml reads");
        let ours: Vec<Value> = seisei::spec::de::from_node(&document, document.root().expect("a root"))
            .expect("seisei deserializes it");
        prop_assert_eq!(ours.len(), 1);
        prop_assert_eq!(&ours[0], &theirs, "{:?}", scalar);
    });
}
