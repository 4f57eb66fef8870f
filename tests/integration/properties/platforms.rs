//! Random valid platforms, written, compiled, and every output read back as its consumer reads
//! it: each randomized value comes back exactly, and each YAML file satisfies its JSON Schema.

use std::path::Path;
use std::sync::OnceLock;

use jsonschema::Validator;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use seisei::Compiled;
use seisei::model::secrets::credential_kind;
use seisei::model::{SECRET_PLACEHOLDER, is_placeholder};
use serde_json::Value;

use super::files::*;
use super::plan::*;
use super::*;
use crate::schemas::{Kind, errors, schemas_dir, validator};
use crate::support::checks::{check_compose, check_dynamic, check_env, check_static};
use crate::support::findings::Findings;
use crate::support::readers::yaml_1_1_disagreements;

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

pub(super) fn check_random_platforms(version: &'static str, docker_by_default: bool) {
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
        // The reading with no tree gives the tree's spec, or gives up (on a value that looks
        // like a credential, which the tree reports).
        if let Some(streamed) = seisei::spec::stream::spec(&text) {
            let typed: seisei::spec::Spec =
                seisei::spec::de::from_node(&document, root).expect("the spec reads");
            prop_assert_eq!(format!("{streamed:?}"), format!("{typed:?}"));
        }
        let compiled = compile(&spec_path, &text)?;
        check_outputs(&plan, &compiled, schemas)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

pub(super) fn check_outputs(
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
                    // `providers.precedence` came with Traefik 3.7, after the vendored static
                    // schema (see schemas.rs); the real-Traefik test starts 3.7.15 with it.
                    let mut document = document.clone();
                    if kind == Kind::Static
                        && let Some(providers) = document
                            .get_mut("providers")
                            .and_then(serde_json::Value::as_object_mut)
                    {
                        providers.remove("precedence");
                    }
                    for error in errors(validator, &document) {
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
pub(super) fn check_tables(path: &str, files: &Files, problems: &mut Vec<String>) {
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

pub(super) fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a check panicked".to_owned())
}

// ---------------------------------------------------------------------------------------
// Schemas, compiled once for every case.
// ---------------------------------------------------------------------------------------

pub(super) struct Validators {
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

pub(super) fn schema_validators() -> Option<&'static Validators> {
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
