//! Reads one compose project the way Compose resolves it before it looks at the fields: YAML
//! anchors and aliases expanded, `<<` merge keys applied, top-level `x-` fields dropped (they
//! exist to be referenced), `extends` resolved (in the same file or another one), and the
//! override file merged over the main one. Input: the main file and its overrides; output: a
//! [`Project`] whose services are plain mappings, with the text kept for line numbers.
//!
//! The merge follows the Compose specification's "Merge and override" rules for the keys
//! hand-written files use: mappings merge key by key, `environment` and `labels` merge as
//! maps whatever their syntax, `ports`, `expose`, `dns` and friends append, `volumes` merge by
//! target, and every other value is replaced.

// One diagnostic is the error of a read that failed; reading a few files is no hot path.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::fsread;

/// How deep `extends` may chain before it is taken for a cycle.
const MAX_EXTENDS: usize = 8;

/// One compose project, resolved.
#[derive(Debug, Clone)]
pub struct Project {
    /// The main file.
    pub path: PathBuf,
    /// Its text, for lines and comments.
    pub text: String,
    /// `name:` when the file sets one.
    pub name: Option<String>,
    /// Services in file order, each resolved.
    pub services: Vec<(String, Mapping)>,
    pub volumes: Mapping,
    pub networks: Mapping,
    /// Other top-level keys (`secrets`, `configs`, `include`, `version`), with their lines.
    pub other: Vec<(String, Value)>,
    /// Top-level `x-` fields that were resolved into the services.
    pub extensions: Vec<String>,
    /// Override files merged in.
    pub overrides: Vec<PathBuf>,
}

/// Reads `main` and merges `overrides` over it.
pub fn load(main: &Path, overrides: &[PathBuf]) -> Result<Project, Diagnostic> {
    let (text, root) = read_yaml(main)?;
    let mut project = project_of(main, text, &root)?;
    for path in overrides {
        let (text, root) = read_yaml(path)?;
        let over = project_of(path, text, &root)?;
        for (name, service) in over.services {
            match project.services.iter_mut().find(|(n, _)| *n == name) {
                Some((_, base)) => *base = merge_service(base.clone(), service),
                None => project.services.push((name, service)),
            }
        }
        merge_mapping(&mut project.volumes, over.volumes);
        merge_mapping(&mut project.networks, over.networks);
        project.overrides.push(path.clone());
    }
    Ok(project)
}

/// The YAML of one file with anchors, aliases and merge keys resolved.
pub fn read_yaml(path: &Path) -> Result<(String, Value), Diagnostic> {
    let text = fsread::read_text(path, super::MAX_FILE_BYTES).map_err(|e| {
        Diagnostic::new(Code::Io, path, None, format!("cannot read the file: {e}"))
            .with_help("make it a readable UTF-8 file")
    })?;
    let mut value: Value = serde_yaml::from_str(&text).map_err(|e| {
        let span = e.location().map(|l| Span::point(l.line(), l.column()));
        Diagnostic::new(Code::InvalidYaml, path, span, format!("invalid YAML: {e}"))
            .with_help("fix the YAML; `docker compose config` shows what Compose makes of it")
    })?;
    value.apply_merge().map_err(|e| {
        Diagnostic::new(
            Code::InvalidYaml,
            path,
            None,
            format!("a merge key (`<<`) cannot be applied: {e}"),
        )
        .with_help("merge a mapping, or a list of mappings, with `<<: *anchor`")
    })?;
    Ok((text, value))
}

fn project_of(path: &Path, text: String, root: &Value) -> Result<Project, Diagnostic> {
    let empty = Mapping::new();
    let top = match root {
        Value::Mapping(m) => m,
        Value::Null => &empty,
        _ => {
            return Err(Diagnostic::new(
                Code::InvalidShape,
                path,
                Some(Span::point(1, 1)),
                "a compose file is a mapping of `services`, `volumes`, `networks`",
            )
            .with_help("start the file with `services:`"));
        }
    };
    let mut project = Project {
        path: path.to_path_buf(),
        text,
        name: None,
        services: Vec::new(),
        volumes: Mapping::new(),
        networks: Mapping::new(),
        other: Vec::new(),
        extensions: Vec::new(),
        overrides: Vec::new(),
    };
    let raw_services = top
        .get("services")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    for (key, value) in top {
        let Some(key) = key.as_str() else { continue };
        match key {
            "services" => {}
            "name" => project.name = value.as_str().map(str::to_owned),
            "volumes" => project.volumes = value.as_mapping().cloned().unwrap_or_default(),
            "networks" => project.networks = value.as_mapping().cloned().unwrap_or_default(),
            k if k.starts_with("x-") => project.extensions.push(k.to_owned()),
            k => project.other.push((k.to_owned(), value.clone())),
        }
    }
    for (name, _) in &raw_services {
        let Some(name) = name.as_str() else { continue };
        let service = resolve(path, &raw_services, name, 0)?;
        project.services.push((name.to_owned(), service));
    }
    Ok(project)
}

/// A service with its `extends` chain applied.
fn resolve(
    path: &Path,
    services: &Mapping,
    name: &str,
    depth: usize,
) -> Result<Mapping, Diagnostic> {
    let problem = |message: String| {
        let line = {
            let text = fsread::read_text(path, super::MAX_FILE_BYTES).unwrap_or_default();
            super::lines::find(&text, &["services", name, "extends"])
        };
        Diagnostic::new(
            Code::InvalidShape,
            path,
            Some(Span::point(line, 1)),
            message,
        )
    };
    if depth > MAX_EXTENDS {
        return Err(problem(format!(
            "`extends` of service `{name}` chains more than {MAX_EXTENDS} deep (a cycle?)"
        ))
        .with_help("make the chain end in a service that extends nothing"));
    }
    let Some(Value::Mapping(service)) = services.get(name) else {
        return Ok(Mapping::new());
    };
    let mut service = service.clone();
    let Some(extends) = service.remove("extends") else {
        return Ok(service);
    };
    let (file, base_name) = match &extends {
        Value::String(s) => (None, s.clone()),
        Value::Mapping(m) => (
            m.get("file").and_then(Value::as_str).map(str::to_owned),
            m.get("service")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        _ => {
            return Err(problem(format!(
                "`extends` of service `{name}` is neither a name nor `{{ file, service }}`"
            )));
        }
    };
    let base = match file {
        None => {
            if !services.contains_key(base_name.as_str()) {
                return Err(problem(format!(
                    "service `{name}` extends `{base_name}`, which this file does not define"
                )));
            }
            resolve(path, services, &base_name, depth + 1)?
        }
        Some(file) => {
            let other = path.parent().unwrap_or(Path::new(".")).join(&file);
            let (_, root) = read_yaml(&other)?;
            let theirs = root
                .get("services")
                .and_then(Value::as_mapping)
                .cloned()
                .unwrap_or_default();
            if !theirs.contains_key(base_name.as_str()) {
                return Err(problem(format!(
                    "service `{name}` extends `{base_name}` of `{file}`, which that file does not define"
                )));
            }
            resolve(&other, &theirs, &base_name, depth + 1)?
        }
    };
    Ok(merge_service(base, service))
}

/// Keys whose sequences append instead of replacing (Compose's merge rules).
const APPENDED: &[&str] = &[
    "ports",
    "expose",
    "external_links",
    "dns",
    "dns_search",
    "tmpfs",
    "cap_add",
    "cap_drop",
    "devices",
    "security_opt",
    "extra_hosts",
    "group_add",
    "env_file",
    "secrets",
    "configs",
];

/// `over` merged onto `base` as Compose merges a service.
pub fn merge_service(mut base: Mapping, over: Mapping) -> Mapping {
    for (key, value) in over {
        let name = key.as_str().unwrap_or_default().to_owned();
        let merged = match (base.remove(&key), value) {
            (Some(old), new) if matches!(name.as_str(), "environment" | "labels") => {
                let mut map = as_map(&old);
                for (k, v) in as_map(&new) {
                    map.insert(k, v);
                }
                Value::Mapping(map)
            }
            (Some(Value::Sequence(mut old)), Value::Sequence(new)) if name == "volumes" => {
                for item in new {
                    let target = mount_target(&item);
                    old.retain(|o| mount_target(o) != target);
                    old.push(item);
                }
                Value::Sequence(old)
            }
            (Some(Value::Sequence(mut old)), Value::Sequence(new))
                if APPENDED.contains(&name.as_str()) || name == "networks" =>
            {
                for item in new {
                    if !old.contains(&item) {
                        old.push(item);
                    }
                }
                Value::Sequence(old)
            }
            (Some(Value::Mapping(mut old)), Value::Mapping(new)) if name != "command" => {
                merge_mapping(&mut old, new);
                Value::Mapping(old)
            }
            (_, new) => new,
        };
        base.insert(key, merged);
    }
    base
}

fn merge_mapping(base: &mut Mapping, over: Mapping) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Mapping(old)), Value::Mapping(new)) => merge_mapping(old, new),
            (_, new) => {
                base.insert(key, new);
            }
        }
    }
}

/// `environment` or `labels` as a map, from either syntax: `KEY=value` items, or a mapping
/// whose values are written as strings. A list item without `=` maps to null (Compose then
/// takes the value from the shell).
pub fn as_map(value: &Value) -> Mapping {
    let mut map = Mapping::new();
    match value {
        Value::Sequence(items) => {
            for item in items {
                let text = scalar_text(item).unwrap_or_default();
                match text.split_once('=') {
                    Some((k, v)) => {
                        map.insert(Value::String(k.to_owned()), Value::String(v.to_owned()))
                    }
                    None => map.insert(Value::String(text), Value::Null),
                };
            }
        }
        Value::Mapping(m) => {
            for (k, v) in m {
                let key = scalar_text(k).unwrap_or_default();
                let value = scalar_text(v).map_or(Value::Null, Value::String);
                map.insert(Value::String(key), value);
            }
        }
        _ => {}
    }
    map
}

/// A scalar as Compose reads it into a string field: `true`, `8080`, `1.5` as written.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The container path of a `volumes` item, short or long syntax.
pub fn mount_target(item: &Value) -> String {
    match item {
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            match parts.len() {
                1 => parts[0].to_owned(),
                _ => parts[1].to_owned(),
            }
        }
        Value::Mapping(m) => m
            .get("target")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}
