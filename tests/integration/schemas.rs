//! Validates generated files against the upstream JSON Schemas vendored in `shared/schemas`
//! (see its `SOURCES.md`): every `docker-compose.yml` against the Compose Specification, every
//! Traefik dynamic file against the file-provider schema of `SchemaStore`, every `traefik.yml`
//! against its static-configuration schema. Input: the directory named by
//! `SEISEI_SCHEMAS_DIR`; a build without it reports these tests `ignored` (see `build.rs`).

use std::path::{Path, PathBuf};

use jsonschema::Validator;
use seisei::Compiled;
use serde_json::Value;

use crate::support::hostile_platform::write_hostile_platform;
use crate::support::readers::render_go_template;
use crate::{all_specs, compile, repo_root};

const COMPOSE: &str = "compose-spec.json";
const FILE_PROVIDER: &str = "traefik-v3-file-provider.json";
const STATIC: &str = "traefik-v3-static.json";

const HINT: &str = "point it at shared/schemas to validate generated files";

#[test]
#[cfg_attr(
    not(seisei_schemas),
    ignore = "needs SEISEI_SCHEMAS_DIR (the JSON Schemas in ../shared/schemas): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn compose_files_match_the_compose_specification() {
    let dir = required_schemas_dir();
    let validator = validator(&dir, COMPOSE);
    check_every_spec(&validator, Kind::Compose);
}

#[test]
#[cfg_attr(
    not(seisei_schemas),
    ignore = "needs SEISEI_SCHEMAS_DIR (the JSON Schemas in ../shared/schemas): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn dynamic_files_match_the_traefik_file_provider_schema() {
    let dir = required_schemas_dir();
    let validator = validator(&dir, FILE_PROVIDER);
    check_every_spec(&validator, Kind::Dynamic);
}

#[test]
#[cfg_attr(
    not(seisei_schemas),
    ignore = "needs SEISEI_SCHEMAS_DIR (the JSON Schemas in ../shared/schemas): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn static_files_match_the_traefik_static_schema() {
    let dir = required_schemas_dir();
    let validator = validator(&dir, STATIC);
    check_every_spec(&validator, Kind::Static);
}

/// Each validator must reject a file one mistake away from a generated one; otherwise a
/// schema that failed to load its `$ref`s or an unknown draft could accept anything and
/// the tests above would pass for nothing.
#[test]
#[cfg_attr(
    not(seisei_schemas),
    ignore = "needs SEISEI_SCHEMAS_DIR (the JSON Schemas in ../shared/schemas): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn validators_reject_what_the_schemas_forbid() {
    let dir = required_schemas_dir();
    let compiled = compile(&repo_root().join("platform.yaml"));
    let cases = [
        (
            Kind::Compose,
            &["services", "*", "not_a_compose_key"][..],
            Value::String("x".into()),
        ),
        // `restart` is a string in the specification.
        (
            Kind::Compose,
            &["services", "*", "restart"][..],
            Value::Array(Vec::new()),
        ),
        (
            Kind::Dynamic,
            &["http", "routers", "*", "rules"][..],
            Value::String("Host(`a`)".into()),
        ),
        (
            Kind::Static,
            &["entryPoints", "*", "adress"][..],
            Value::String(":80".into()),
        ),
    ];
    for (kind, path, value) in cases {
        let validator = validator(&dir, kind.schema());
        let artifact = compiled
            .artifacts
            .iter()
            .find(|a| kind.selects(&a.path) && !a.path.ends_with("/_platform.yml"))
            .unwrap_or_else(|| panic!("the repository generates a {kind:?} file"));
        let mut document = json_of(kind, &artifact.path, &artifact.bytes);
        assert!(
            errors(&validator, &document).is_empty(),
            "{} must be valid before the change",
            artifact.path
        );
        let pointer = insert(&mut document, path, value.clone());
        let found = errors(&validator, &document);
        // An unknown key is reported at the mapping that holds it, a wrong type at the value.
        let parent = &pointer[..pointer.rfind('/').unwrap_or(0)];
        assert!(
            found
                .iter()
                .any(|e| e.starts_with(&format!("{pointer}: "))
                    || e.starts_with(&format!("{parent}: "))),
            "{}: setting {pointer} to {value} must fail {}, got {found:?}",
            artifact.path,
            kind.schema()
        );
        eprintln!("{} rejects {pointer}: {found:?}", kind.schema());
    }
}

/// Which generated files a schema covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Compose,
    Dynamic,
    Static,
}

impl Kind {
    pub(crate) fn schema(self) -> &'static str {
        match self {
            Kind::Compose => COMPOSE,
            Kind::Dynamic => FILE_PROVIDER,
            Kind::Static => STATIC,
        }
    }

    pub(crate) fn selects(self, path: &str) -> bool {
        match self {
            // The Swarm target's stack files are Compose files too.
            Kind::Compose => path.ends_with("docker-compose.yml") || path.ends_with("/stack.yml"),
            Kind::Dynamic => {
                path.contains("/dynamic/")
                    && Path::new(path)
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("yml"))
            }
            Kind::Static => {
                path == "traefik.yml"
                    || path.ends_with("/traefik.yml")
                    || path.ends_with("/traefik.swarm.yml")
            }
        }
    }

    /// How many files of this kind a platform must produce: one compose file per stack;
    /// `_platform.yml`, `_transport.yml` when there are servers transports or TLS
    /// definitions, and one file per stack with file-provider routers or services; one
    /// `traefik.yml`; stack files and `traefik.swarm.yml` count with them on the Swarm target.
    fn expected(self, compiled: &Compiled) -> usize {
        let model = &compiled.model;
        // A file per target: the Compose one, the Swarm one, or both.
        let targets =
            usize::from(model.swarm.target.compose()) + usize::from(model.swarm.target.swarm());
        let file = seisei::spec::Provider::File;
        let traefik = &model.traefik;
        let transport = !(traefik.servers_transports.is_empty()
            && traefik.tls_options.is_empty()
            && traefik.tls_stores.is_empty());
        match self {
            Kind::Compose => model.stacks.len() * targets,
            Kind::Dynamic => {
                1 + usize::from(transport)
                    + model
                        .stacks
                        .iter()
                        .filter(|s| {
                            model
                                .routers
                                .iter()
                                .any(|r| r.stack == s.name && r.provider == file)
                                || model
                                    .services
                                    .iter()
                                    .any(|v| v.stack == s.name && v.provider == file)
                                || model
                                    .l4_routers
                                    .iter()
                                    .any(|r| r.stack == s.name && r.provider == file)
                        })
                        .count()
            }
            Kind::Static => targets,
        }
    }
}

/// Validates the files of `kind` for the repository's platforms and the hostile one from
/// the round-trip tests, and reports every error of every file at once.
fn check_every_spec(validator: &Validator, kind: Kind) {
    let hostile = tempfile::tempdir().expect("a temporary directory");
    let mut specs = all_specs();
    specs.push(write_hostile_platform(hostile.path()));
    let mut problems = Vec::new();
    let mut validated = 0;
    for spec in &specs {
        let compiled = compile(spec);
        let files: Vec<_> = compiled
            .artifacts
            .iter()
            .filter(|a| kind.selects(&a.path))
            .collect();
        // Fewer files than the model calls for would let a missing file pass unvalidated.
        assert_eq!(
            files.len(),
            kind.expected(&compiled),
            "{}: {kind:?} files generated: {:?}",
            spec.display(),
            files.iter().map(|a| &a.path).collect::<Vec<_>>()
        );
        for artifact in files {
            let document = json_of(kind, &artifact.path, &artifact.bytes);
            for error in errors(validator, &document) {
                problems.push(format!("{}: {}: {error}", spec.display(), artifact.path));
            }
            validated += 1;
        }
    }
    eprintln!(
        "validated {validated} {kind:?} files from {} platforms against {}",
        specs.len(),
        kind.schema()
    );
    assert!(
        problems.is_empty(),
        "{} schema error(s) against {}:\n  - {}",
        problems.len(),
        kind.schema(),
        problems.join("\n  - ")
    );
}

/// The schema directory, which the build was told exists: a missing or incomplete one fails.
fn required_schemas_dir() -> PathBuf {
    schemas_dir().unwrap_or_else(|| {
        panic!(
            "SEISEI_SCHEMAS_DIR does not name the schemas: run `{}`",
            crate::support::SETUP
        )
    })
}

/// The schema directory, or `None` after saying on stderr why the test is skipped. A
/// relative path is taken from the repository root, where `cargo test` runs.
pub(crate) fn schemas_dir() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("SEISEI_SCHEMAS_DIR").filter(|d| !d.is_empty()) else {
        eprintln!("skipped: SEISEI_SCHEMAS_DIR is not set ({HINT})");
        return None;
    };
    let dir = repo_root().join(dir);
    if let Some(missing) = [COMPOSE, FILE_PROVIDER, STATIC]
        .iter()
        .find(|f| !dir.join(f).is_file())
    {
        eprintln!(
            "skipped: SEISEI_SCHEMAS_DIR ({}) has no {missing} ({HINT})",
            dir.display()
        );
        return None;
    }
    Some(dir)
}

/// Compiles one schema. A schema that does not load is a failure, not a skip.
pub(crate) fn validator(dir: &Path, file: &str) -> Validator {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{} is not a usable schema: {e}", path.display()))
}

/// Every error, as `instance path: message (schema path)`.
pub(crate) fn errors(validator: &Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            format!("{at}: {e} (schema {})", e.schema_path())
        })
        .collect()
}

/// A generated file as the JSON value its consumer sees. Dynamic files go through
/// Traefik's Go template step first, which turns seisei's `{{"{{"}}` back into `{{`.
fn json_of(kind: Kind, path: &str, bytes: &[u8]) -> Value {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = if kind == Kind::Dynamic {
        render_go_template(text).unwrap_or_else(|e| panic!("{path}: {e}"))
    } else {
        text.to_owned()
    };
    let mut document: Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{path} does not parse as YAML: {e}"));
    if kind == Kind::Static
        && let Some(providers) = document.get_mut("providers").and_then(Value::as_object_mut)
    {
        // `providers.precedence` came with Traefik 3.7 (traefik/traefik#12895), after the
        // vendored schema; the real-Traefik test starts 3.7.15 with it.
        providers.remove("precedence");
    }
    document
}

/// Sets `value` at `path` in `document`, `*` standing for the first key of a mapping, and
/// returns the JSON pointer of the new value.
fn insert(document: &mut Value, path: &[&str], value: Value) -> String {
    let mut node = document;
    let mut pointer = String::new();
    for (i, segment) in path.iter().enumerate() {
        let map = node
            .as_object_mut()
            .unwrap_or_else(|| panic!("{pointer} is not a mapping"));
        let key = if *segment == "*" {
            map.keys()
                .next()
                .unwrap_or_else(|| panic!("{pointer} is empty"))
                .clone()
        } else {
            (*segment).to_owned()
        };
        pointer.push('/');
        pointer.push_str(&key);
        if i + 1 == path.len() {
            map.insert(key, value);
            return pointer;
        }
        node = map.get_mut(&key).expect("the key exists");
    }
    pointer
}
