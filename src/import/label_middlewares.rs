//! Middlewares declared in container labels (`traefik.http.middlewares.NAME.TYPE.OPTION`, and
//! `traefik.tcp.middlewares.…` for TCP routers) read into the spec's `middlewares` and
//! `tcp_middlewares`, which seisei then serves from its dynamic file. Traefik
//! reads label paths case-insensitively and every value as text converted to the option's
//! type (a list from comma-separated items), so the path is matched against the spec type's
//! JSON Schema, which gives each segment its spelling and each value its type. Input: the
//! labels under one middleware name; output: the middleware, or why it cannot be read.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::report::{Outcome, Report};
use super::{compose, lines, relative};
use crate::spec;

/// The names of the middlewares that labels declared and import now serves from seisei's
/// dynamic file, by kind.
#[derive(Debug, Default)]
pub struct FromLabels {
    pub http: Vec<String>,
    pub tcp: Vec<String>,
}

/// Reads the label middlewares of every container of `source` into `middlewares` and
/// `tcp_middlewares` (unless a dynamic file already defines one of that name and kind).
pub fn collect(
    source: &super::build::Source,
    middlewares: &mut BTreeMap<String, spec::Middleware>,
    tcp_middlewares: &mut BTreeMap<String, spec::TcpMiddleware>,
    report: &mut Report,
) -> FromLabels {
    let mut names = FromLabels::default();
    for stack in &source.stacks {
        let at = At {
            file: relative(&source.dir, &stack.project.path),
            text: &stack.project.text,
        };
        for (service, raw) in &stack.project.services {
            let Some(labels) = raw.get("labels") else {
                continue;
            };
            let parsed = super::labels::parse(&compose::as_map(labels));
            let from = lines::find(at.text, &["services", service, "labels"]);
            let kinds = Kind {
                service,
                from,
                protocol: "http",
            };
            kinds.take(
                &at,
                parsed.middlewares,
                middlewares,
                &mut names.http,
                report,
            );
            let kinds = Kind {
                protocol: "tcp",
                ..kinds
            };
            kinds.take(
                &at,
                parsed.l4.middlewares,
                tcp_middlewares,
                &mut names.tcp,
                report,
            );
        }
    }
    names
}

/// The compose file being read.
struct At<'a> {
    file: String,
    text: &'a str,
}

/// One container's middlewares of one kind (`http` or `tcp`).
#[derive(Clone, Copy)]
struct Kind<'a> {
    service: &'a str,
    /// The line of the container's `labels:`.
    from: usize,
    protocol: &'static str,
}

impl Kind<'_> {
    /// Reads `options` (middleware, path below its name, value) into `into`, naming each
    /// one imported in `names` and reporting each at its first label.
    fn take<T: schemars::JsonSchema + serde::de::DeserializeOwned>(
        self,
        at: &At<'_>,
        options: Vec<(String, String, String)>,
        into: &mut BTreeMap<String, T>,
        names: &mut Vec<String>,
        report: &mut Report,
    ) {
        let mut by_name: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (name, path, value) in options {
            by_name.entry(name).or_default().push((path, value));
        }
        let (kind, service) = (self.protocol, self.service);
        for (name, options) in by_name {
            let key = format!("traefik.{kind}.middlewares.{name}.");
            let line = lines::find_text(at.text, self.from, &key);
            let field = format!("services.{service}.labels.traefik.{kind}.middlewares.{name}");
            if into.contains_key(&name) || names.contains(&name) {
                report.push(&at.file, line, field, Outcome::NotImported("another middleware of this name is already imported (a dynamic file's or another container's); rename one".into()));
                continue;
            }
            match read::<T>(&options) {
                Ok(m) => {
                    into.insert(name.clone(), m);
                    names.push(name);
                    report.push(&at.file, line, field, Outcome::FirstClass);
                }
                Err(why) => report.push(
                    &at.file,
                    line,
                    field,
                    Outcome::NotImported(format!(
                        "not a middleware the spec can hold ({why}); move it to a dynamic file"
                    )),
                ),
            }
        }
    }
}

/// The middleware (an HTTP [`spec::Middleware`] or a [`spec::TcpMiddleware`]) that `options`
/// (path below the name, value) declare.
pub fn read<T: schemars::JsonSchema + serde::de::DeserializeOwned>(
    options: &[(String, String)],
) -> Result<T, String> {
    let schema = serde_json::to_value(schemars::schema_for!(T)).map_err(|e| e.to_string())?;
    let mut tree = Json::Object(Map::new());
    for (path, value) in options {
        let mut node_schema = schema.clone();
        let mut node = &mut tree;
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let (name, child) = property(&schema, &node_schema, segment)
                .unwrap_or_else(|| ((*segment).to_owned(), Json::Null));
            let last = i + 1 == segments.len();
            let Json::Object(map) = node else {
                return Err(format!("`{path}` sets an option inside a value"));
            };
            if last {
                // `compress=true`: a middleware without options.
                let leaf = if i == 0 && value.eq_ignore_ascii_case("true") {
                    Json::Object(Map::new())
                } else {
                    typed(&schema, &child, value)
                };
                map.insert(name, leaf);
                break;
            }
            node = map.entry(name).or_insert_with(|| Json::Object(Map::new()));
            node_schema = child;
        }
    }
    let yaml: serde_yaml::Value = serde_yaml::to_value(&tree).map_err(|e| e.to_string())?;
    serde_yaml::with::singleton_map_recursive::deserialize(yaml).map_err(|e| e.to_string())
}

/// Follows `$ref`s to the schema they name.
fn resolve<'a>(root: &'a Json, schema: &'a Json) -> &'a Json {
    let mut at = schema;
    for _ in 0..8 {
        match at.get("$ref").and_then(Json::as_str) {
            Some(r) => {
                let pointer = r.trim_start_matches('#');
                match root.pointer(pointer) {
                    Some(next) => at = next,
                    None => return at,
                }
            }
            None => return at,
        }
    }
    at
}

/// The property of `schema` spelled like `segment` in any case, with its schema; a map's
/// key (`additionalProperties`) keeps its spelling.
fn property(root: &Json, schema: &Json, segment: &str) -> Option<(String, Json)> {
    let schema = resolve(root, schema);
    if let Some((name, child)) = schema
        .get("properties")
        .and_then(Json::as_object)
        .and_then(|props| props.iter().find(|(k, _)| k.eq_ignore_ascii_case(segment)))
    {
        return Some((name.clone(), child.clone()));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(found) = property(root, branch, segment) {
                return Some(found);
            }
        }
    }
    schema
        .get("additionalProperties")
        .filter(|a| a.is_object())
        .map(|a| (segment.to_owned(), a.clone()))
}

/// The JSON types a schema allows.
fn types(root: &Json, schema: &Json) -> Vec<String> {
    let schema = resolve(root, schema);
    let mut out: Vec<String> = match schema.get("type") {
        Some(Json::String(t)) => vec![t.clone()],
        Some(Json::Array(ts)) => ts
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    for key in ["oneOf", "anyOf"] {
        for branch in schema
            .get(key)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(types(root, branch));
        }
    }
    out
}

/// A label's text as the value the schema wants: a boolean, a number, a list of
/// comma-separated items, or the text.
fn typed(root: &Json, schema: &Json, value: &str) -> Json {
    let kinds = types(root, schema);
    let has = |k: &str| kinds.iter().any(|t| t == k);
    if has("boolean") && (value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"))
    {
        return Json::Bool(value.eq_ignore_ascii_case("true"));
    }
    if let (true, Ok(n)) = (has("integer"), value.parse::<i64>()) {
        return Json::from(n);
    }
    if let (true, Ok(n)) = (has("number"), value.parse::<f64>()) {
        return Json::from(n);
    }
    if has("array") && !has("string") {
        let items = resolve(root, schema)
            .get("items")
            .cloned()
            .unwrap_or(Json::Null);
        return Json::Array(
            super::labels::list(value)
                .iter()
                .map(|v| typed(root, &items, v))
                .collect(),
        );
    }
    Json::String(value.to_owned())
}
