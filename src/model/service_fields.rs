//! The typed service fields beyond the core ones (`build`, `profiles`, `entrypoint`, `user`,
//! `ulimits`, `logging`, `deploy.resources`, …) as the Compose keys and values they are
//! written as, every string guarded like any other interpolated text. The template writes
//! them with the same YAML encoder as the escape hatch, sorted by key.

use serde_yaml::{Mapping, Value};

use super::interpolate::{Lookup, guard};
use crate::spec::{self, ResourceSet, Ulimit};

/// The Compose keys of `service`'s typed fields with their values, sorted by key.
pub(crate) fn compose_fields(service: &spec::Service, lookup: &Lookup<'_>) -> Vec<(String, Value)> {
    let text = |s: &String| Value::String(guard(s, lookup));
    let list = |items: &Vec<String>| Value::Sequence(items.iter().map(text).collect());
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut push = |key: &str, value: Value| out.push((key.to_owned(), value));
    if let Some(build) = &service.build {
        let mut map = Mapping::new();
        map.insert("context".into(), text(&build.context));
        if let Some(dockerfile) = &build.dockerfile {
            map.insert("dockerfile".into(), text(dockerfile));
        }
        if !build.args.is_empty() {
            map.insert(
                "args".into(),
                Value::Mapping(
                    build
                        .args
                        .iter()
                        .map(|(k, v)| (Value::String(k.clone()), text(v)))
                        .collect(),
                ),
            );
        }
        if let Some(target) = &build.target {
            map.insert("target".into(), text(target));
        }
        push("build", Value::Mapping(map));
    }
    let lists = [
        ("cap_add", &service.cap_add),
        ("cap_drop", &service.cap_drop),
        ("devices", &service.devices),
        ("dns", &service.dns),
        ("entrypoint", &service.entrypoint),
        ("extra_hosts", &service.extra_hosts),
        ("profiles", &service.profiles),
        ("security_opt", &service.security_opt),
        ("tmpfs", &service.tmpfs),
    ];
    for (key, items) in lists {
        if let Some(items) = items {
            push(key, list(items));
        }
    }
    let scalars = [
        ("hostname", &service.hostname),
        ("ipc", &service.ipc),
        ("network_mode", &service.network_mode),
        ("pid", &service.pid),
        ("shm_size", &service.shm_size),
        ("stop_grace_period", &service.stop_grace_period),
        ("user", &service.user),
        ("working_dir", &service.working_dir),
    ];
    for (key, value) in scalars {
        if let Some(value) = value {
            push(key, text(value));
        }
    }
    let flags = [
        ("init", service.init),
        ("privileged", service.privileged),
        ("read_only", service.read_only),
    ];
    for (key, value) in flags {
        if let Some(value) = value {
            push(key, Value::Bool(value));
        }
    }
    if let Some(logging) = &service.logging {
        let mut map = Mapping::new();
        map.insert("driver".into(), text(&logging.driver));
        if !logging.options.is_empty() {
            map.insert(
                "options".into(),
                Value::Mapping(
                    logging
                        .options
                        .iter()
                        .map(|(k, v)| (Value::String(k.clone()), text(v)))
                        .collect(),
                ),
            );
        }
        push("logging", Value::Mapping(map));
    }
    if let Some(resources) = &service.resources {
        let mut map = Mapping::new();
        for (key, set) in [
            ("limits", &resources.limits),
            ("reservations", &resources.reservations),
        ] {
            if let Some(set) = set {
                map.insert(key.into(), resource_set(set));
            }
        }
        let mut deploy = Mapping::new();
        deploy.insert("resources".into(), Value::Mapping(map));
        push("deploy", Value::Mapping(deploy));
    }
    for (key, grants) in [("configs", &service.configs), ("secrets", &service.secrets)] {
        if !grants.is_empty() {
            push(key, super::compose_objects::grants_value(grants, lookup));
        }
    }
    if !service.sysctls.is_empty() {
        push(
            "sysctls",
            Value::Mapping(
                service
                    .sysctls
                    .iter()
                    .map(|(k, v)| (Value::String(k.clone()), text(v)))
                    .collect(),
            ),
        );
    }
    if !service.ulimits.is_empty() {
        let map = service
            .ulimits
            .iter()
            .map(|(name, limit)| {
                let value = match limit {
                    Ulimit::Both(n) => Value::Number((*n).into()),
                    Ulimit::Apart { soft, hard } => {
                        let mut m = Mapping::new();
                        m.insert("soft".into(), Value::Number((*soft).into()));
                        m.insert("hard".into(), Value::Number((*hard).into()));
                        Value::Mapping(m)
                    }
                };
                (Value::String(name.clone()), value)
            })
            .collect();
        push("ulimits", Value::Mapping(map));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn resource_set(set: &ResourceSet) -> Value {
    let mut map = Mapping::new();
    if let Some(cpus) = set.cpus {
        // Compose reads `cpus` as a number or a string; a string keeps `0.5` exactly.
        map.insert("cpus".into(), Value::String(format_cpus(cpus)));
    }
    if let Some(memory) = &set.memory {
        map.insert("memory".into(), Value::String(memory.clone()));
    }
    if let Some(pids) = set.pids {
        map.insert("pids".into(), Value::Number(pids.into()));
    }
    Value::Mapping(map)
}

/// `0.5`, `2`: the shortest decimal that reads back as the same number.
pub(crate) fn format_cpus(cpus: f64) -> String {
    format!("{cpus}")
}

/// Every string of the typed fields, with the Compose key it is under, for the variable
/// checks.
pub(crate) fn interpolated_fields(service: &spec::Service) -> Vec<(String, String)> {
    let none = |_: &str| None;
    let mut out = Vec::new();
    for (key, value) in compose_fields(service, &none) {
        for text in super::validate::strings_in(&value) {
            out.push((key.clone(), text));
        }
    }
    out
}

/// Every string of the typed fields and the labels, as Compose interpolates them.
pub(crate) fn interpolated(service: &spec::Service) -> Vec<String> {
    let mut out: Vec<String> = service.labels.values().cloned().collect();
    out.extend(
        interpolated_fields(service)
            .into_iter()
            .map(|(_, text)| text),
    );
    out
}

/// Summaries of the effective settings (defaults merged) for the inventory.
impl super::Service {
    fn field(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `json-file (max-file=3, max-size=10m)`, or empty.
    pub fn logging_summary(&self) -> String {
        let Some(logging) = self.field("logging") else {
            return String::new();
        };
        let driver = logging.get("driver").and_then(Value::as_str).unwrap_or("");
        let options: Vec<String> = logging
            .get("options")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{}={}", k.as_str().unwrap_or(""), v.as_str().unwrap_or("")))
            .collect();
        if options.is_empty() {
            driver.to_owned()
        } else {
            format!("{driver} ({})", options.join(", "))
        }
    }

    /// `limits cpus 1, memory 256m; reservations memory 512m`, or empty.
    pub fn resources_summary(&self) -> String {
        let Some(resources) = self.field("deploy").and_then(|d| d.get("resources")) else {
            return String::new();
        };
        let mut parts = Vec::new();
        for kind in ["limits", "reservations"] {
            if let Some(Value::Mapping(set)) = resources.get(kind) {
                let values: Vec<String> = set
                    .iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s.clone(),
                            Value::Number(n) => n.to_string(),
                            _ => String::new(),
                        };
                        format!("{} {v}", k.as_str().unwrap_or(""))
                    })
                    .collect();
                parts.push(format!("{kind} {}", values.join(", ")));
            }
        }
        parts.join("; ")
    }

    /// The spec's own labels as `key=value`, comma-separated.
    pub fn labels_summary(&self) -> String {
        self.user_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the image is built from source (`image` may then be left out).
    pub fn builds(&self) -> bool {
        self.field("build").is_some()
    }

    /// Any typed setting worth a row in the inventory.
    pub fn has_settings(&self) -> bool {
        !self.fields.is_empty() || !self.user_labels.is_empty()
    }
}

impl super::Stack {
    /// Whether any service has typed settings for the inventory's settings table.
    pub fn has_settings(&self) -> bool {
        self.services.iter().any(super::Service::has_settings)
    }
}
