//! A stack's secrets and configs as the compose file declares them (top-level `secrets:` and
//! `configs:`) and as services are granted them, ready to print; plus the variables they read,
//! so that `.env.example` lists a variable delivered as a secret file.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};

use super::interpolate::{Lookup, guard};
use crate::spec::{self, Grant};

/// Which kind of object: a secret (`/run/secrets/NAME`) or a config (`/NAME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Secret,
    Config,
}

impl Kind {
    /// The Compose key, `secrets` or `configs`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Secret => "secrets",
            Kind::Config => "configs",
        }
    }

    /// `secret` or `config`, for the inventory.
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Config => "config",
        }
    }

    /// Where the file appears in the container when a grant names no target.
    pub fn default_target(self, name: &str) -> String {
        match self {
            Kind::Secret => format!("/run/secrets/{name}"),
            Kind::Config => format!("/{name}"),
        }
    }
}

/// Where an object's value comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A host file, guarded like any interpolated text.
    File(String),
    /// A variable of the `.env`, by name.
    Environment(String),
    /// Inline text (configs only), guarded.
    Content(String),
    /// Created outside Compose.
    External,
}

/// One secret or config of a stack.
#[derive(Debug, Clone)]
pub struct ComposeObject {
    pub name: String,
    pub kind: Kind,
    pub purpose: String,
    pub origin: Origin,
    /// The real name, when it is not `<stack>_<name>`.
    pub docker_name: Option<String>,
    /// `service:/target` for every grant, sorted.
    pub granted_to: Vec<String>,
    /// The top-level entry, as the compose file writes it ([`ComposeObject::compose`]).
    pub compose_value: Value,
}

impl ComposeObject {
    /// The top-level entry, as the compose file writes it.
    pub fn compose(&self) -> Value {
        let mut map = Mapping::new();
        match &self.origin {
            Origin::File(path) => {
                map.insert("file".into(), path.clone().into());
            }
            Origin::Environment(var) => {
                map.insert("environment".into(), var.clone().into());
            }
            Origin::Content(text) => {
                map.insert("content".into(), text.clone().into());
            }
            Origin::External => {
                map.insert("external".into(), true.into());
            }
        }
        if let Some(name) = &self.docker_name {
            map.insert("name".into(), name.clone().into());
        }
        Value::Mapping(map)
    }

    /// Where the value comes from, in words, for the inventory and `.env.example`.
    pub fn origin_summary(&self) -> String {
        match &self.origin {
            Origin::File(path) => format!("file {path}"),
            Origin::Environment(var) => format!("variable {var}"),
            Origin::Content(_) => "inline content".to_owned(),
            Origin::External => format!(
                "external {}",
                self.docker_name.as_deref().unwrap_or(&self.name)
            ),
        }
    }
}

/// The stack's secrets and configs, sorted by name, with the services they are granted to.
pub(crate) fn objects(stack: &spec::Stack, lookup: &Lookup<'_>) -> Vec<ComposeObject> {
    let mut out = Vec::new();
    for (name, s) in &stack.secrets {
        out.push(object(
            stack,
            Kind::Secret,
            name,
            &s.purpose,
            origin(s.file.as_ref(), s.environment.as_ref(), None, lookup),
            s.name.clone(),
        ));
    }
    for (name, c) in &stack.configs {
        out.push(object(
            stack,
            Kind::Config,
            name,
            &c.purpose,
            origin(
                c.file.as_ref(),
                c.environment.as_ref(),
                c.content.as_ref(),
                lookup,
            ),
            c.name.clone(),
        ));
    }
    out
}

fn origin(
    file: Option<&String>,
    environment: Option<&String>,
    content: Option<&String>,
    lookup: &Lookup<'_>,
) -> Origin {
    if let Some(file) = file {
        Origin::File(guard(file, lookup))
    } else if let Some(var) = environment {
        Origin::Environment(var.clone())
    } else if let Some(text) = content {
        Origin::Content(guard(text, lookup))
    } else {
        Origin::External
    }
}

fn object(
    stack: &spec::Stack,
    kind: Kind,
    name: &str,
    purpose: &str,
    origin: Origin,
    docker_name: Option<String>,
) -> ComposeObject {
    let mut granted_to: Vec<String> = stack
        .services
        .iter()
        .flat_map(|(service, s)| {
            grants_of(s, kind)
                .iter()
                .filter(|g| g.source() == name)
                .map(move |g| format!("{service}:{}", target(g, kind)))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    granted_to.sort();
    let mut object = ComposeObject {
        name: name.to_owned(),
        kind,
        purpose: purpose.to_owned(),
        origin,
        docker_name,
        granted_to,
        compose_value: Value::Null,
    };
    object.compose_value = object.compose();
    object
}

/// A service's grants of one kind.
pub(crate) fn grants_of(service: &spec::Service, kind: Kind) -> &[Grant] {
    match kind {
        Kind::Secret => &service.secrets,
        Kind::Config => &service.configs,
    }
}

/// The path a grant puts the file at.
pub(crate) fn target(grant: &Grant, kind: Kind) -> String {
    match grant {
        Grant::Full(detail) if detail.target.is_some() => detail.target.clone().unwrap_or_default(),
        _ => kind.default_target(grant.source()),
    }
}

/// A service's `secrets:` or `configs:` list as the compose file writes it: the short form
/// for a bare name, the long form otherwise.
pub(crate) fn grants_value(grants: &[Grant], lookup: &Lookup<'_>) -> Value {
    let text = |s: &String| Value::String(guard(s, lookup));
    Value::Sequence(
        grants
            .iter()
            .map(|g| match g {
                Grant::Name(name) => Value::String(name.clone()),
                Grant::Full(detail) => {
                    let mut map = Mapping::new();
                    map.insert("source".into(), detail.source.clone().into());
                    for (key, value) in [
                        ("target", &detail.target),
                        ("uid", &detail.uid),
                        ("gid", &detail.gid),
                    ] {
                        if let Some(value) = value {
                            map.insert(key.into(), text(value));
                        }
                    }
                    // A number, which Compose and `docker stack` both read (Swarm's schema
                    // refuses a string); the spec writes it in octal.
                    if let Some(mode) = &detail.mode {
                        let value = u32::from_str_radix(mode, 8)
                            .map_or_else(|_| text(mode), |m| Value::Number(m.into()));
                        map.insert("mode".into(), value);
                    }
                    Value::Mapping(map)
                }
            })
            .collect(),
    )
}

/// The variables a stack's secrets and configs read: `environment` sources, and references
/// in `file` and `content`. Strings that do not parse are skipped (validation reports them).
pub(crate) fn referenced(stack: &spec::Stack) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut texts: Vec<&String> = Vec::new();
    for s in stack.secrets.values() {
        names.extend(s.environment.iter().cloned());
        texts.extend(s.file.iter());
    }
    for c in stack.configs.values() {
        names.extend(c.environment.iter().cloned());
        texts.extend(c.file.iter().chain(c.content.iter()));
    }
    for text in texts {
        if let Ok(found) = super::validate::variables_in(text) {
            names.extend(found);
        }
    }
    names
}

/// The secrets that deliver `var` (by their `environment` source), sorted.
pub(crate) fn delivering(stack: &spec::Stack, var: &str) -> Vec<String> {
    stack
        .secrets
        .iter()
        .filter(|(_, s)| s.environment.as_deref() == Some(var))
        .map(|(name, _)| name.clone())
        .collect()
}

impl super::Stack {
    /// The stack's secrets (`"secrets"`) or configs (`"configs"`).
    pub fn objects_of(&self, key: &str) -> Vec<&ComposeObject> {
        self.objects
            .iter()
            .filter(|o| o.kind.key() == key)
            .collect()
    }
}
