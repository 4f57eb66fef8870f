//! One stack at a time: its services, ports, mounts, networks, variables and escape hatch.

use std::collections::BTreeSet;

use super::names::{folder_problem, is_container_name};
use super::variables::variables_in;
use super::{Checker, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::encode::dotenv::env_value_reads_back;

/// Compose keys seisei writes itself; the escape hatch may not set them.
pub(super) const GENERATED_SERVICE_KEYS: &[&str] = &[
    "image",
    "container_name",
    "command",
    "restart",
    "environment",
    "expose",
    "ports",
    "networks",
    "volumes",
    "depends_on",
    "healthcheck",
    "labels",
];

/// Whether seisei writes the Compose service key `key` itself (so the escape hatch may not).
pub fn is_generated_service_key(key: &str) -> bool {
    GENERATED_SERVICE_KEYS.contains(&key)
}

impl Checker<'_> {
    #[allow(clippy::too_many_lines)]
    pub(super) fn stack(&mut self, name: &str, stack: &crate::spec::Stack) {
        if stack.purpose.is_none() {
            self.push(
                self.at(
                    name,
                    &["stacks", name],
                    Code::InvalidShape,
                    format!("stack `{name}` has no `purpose`"),
                )
                .with_help("say in a few words what the stack is for"),
            );
        }
        if stack.status.is_none() {
            self.push(
                self.at(
                    name,
                    &["stacks", name],
                    Code::InvalidShape,
                    format!("stack `{name}` has no `status`"),
                )
                .with_help("set `status: production`, `testing` or `deprecated`"),
            );
        }
        if let Some(path) = &stack.path
            && let Some(problem) = folder_problem(path)
        {
            self.push(
                self.at(name, &["stacks", name, "path"], Code::OutputPath, format!("`{path}` {problem}"))
                    .with_help("write a relative folder inside the output directory, such as `infra/stacks/NAME`"),
            );
        }
        let stack_networks = stack.networks.clone().unwrap_or_default();
        for (i, n) in stack_networks.iter().enumerate() {
            self.network_ref(name, &["stacks", name, "networks", &i.to_string()], n);
        }
        let mut used_variables: BTreeSet<String> = BTreeSet::new();
        for (service_name, service) in &stack.services {
            let base = ["stacks", name, "services", service_name.as_str()];
            let at = |rest: &[&str]| -> Vec<String> {
                base.iter()
                    .chain(rest.iter())
                    .map(|s| (*s).to_owned())
                    .collect()
            };
            if let Some(container) = &service.container_name
                && !is_container_name(container)
            {
                let p = at(&["container_name"]);
                self.push(
                    self.at(
                        name,
                        &seg(&p),
                        Code::InvalidName,
                        format!("container name `{container}` is not one Docker accepts"),
                    )
                    .with_help(
                        "use letters, digits, `_`, `.` and `-`, starting with a letter or digit",
                    ),
                );
            }
            match &service.image {
                // A built image needs no name: Compose names it after the project and service.
                None if service.build.is_some() => {}
                None => self.push(
                    self.at(
                        name,
                        &base,
                        Code::InvalidShape,
                        format!("service `{service_name}` has no `image`"),
                    )
                    .with_help("set `image:` to a pinned reference such as `postgres:15.8-alpine`, or `build:` to build it"),
                ),
                // The tag or digest comes from the deployed `.env`, pinned there.
                Some(image) if image.contains('$') => {}
                Some(image) => {
                    let last = image.rsplit('/').next().unwrap_or(image);
                    if !last.contains(':') && !image.contains('@') || last.ends_with(":latest") {
                        let p = at(&["image"]);
                        self.push(
                            self.at(
                                name,
                                &seg(&p),
                                Code::UnpinnedImage,
                                format!("image `{image}` is not pinned to a version"),
                            )
                            .with_help(
                                "add a version tag (or a digest) so every host runs the same image",
                            ),
                        );
                    }
                }
            }
            if let Some(networks) = &service.networks {
                for (i, n) in networks.iter().enumerate() {
                    let p = at(&["networks", &i.to_string()]);
                    self.network_ref(name, &seg(&p), n);
                }
            }
            let mut targets = BTreeSet::new();
            for (i, m) in service.mounts.iter().flatten().enumerate() {
                let p = at(&["mounts", &i.to_string()]);
                // Compose's short syntax splits on `:`; a colon would change the mount.
                for (field, value) in [("target", Some(&m.target)), ("bind", m.bind.as_ref())] {
                    if let Some(value) = value
                        && value.contains(':')
                    {
                        let f = at(&["mounts", &i.to_string(), field]);
                        self.push(
                            self.at(
                                name,
                                &seg(&f),
                                Code::InvalidShape,
                                format!("mount path `{value}` contains `:`"),
                            )
                            .with_help(
                                "Compose reads `source:target:mode`; use a path without `:`",
                            ),
                        );
                    }
                }
                if !targets.insert(m.target.clone()) {
                    let f = at(&["mounts", &i.to_string(), "target"]);
                    self.push(
                        self.at(
                            name,
                            &seg(&f),
                            Code::InvalidShape,
                            format!("two mounts of `{service_name}` target `{}`", m.target),
                        )
                        .with_help("mount each container path once"),
                    );
                }
                match (&m.volume, &m.bind, &m.tmpfs) {
                    (Some(v), None, None) => {
                        // A volume of the stack, or one of the platform's shared volumes.
                        if !stack.volumes.contains_key(v)
                            && !self.source.spec.volumes.contains_key(v)
                        {
                            let p = at(&["mounts", &i.to_string(), "volume"]);
                            self.push(
                                self.at(
                                    name,
                                    &seg(&p),
                                    Code::UnknownVolume,
                                    format!("unknown volume `{v}`"),
                                )
                                .with_help(
                                    did_you_mean(
                                        v,
                                        stack
                                            .volumes
                                            .keys()
                                            .chain(self.source.spec.volumes.keys())
                                            .map(String::as_str),
                                    )
                                    .unwrap_or_else(|| {
                                        format!("declare it under `stacks.{name}.volumes`, or under the top-level `volumes` to share it")
                                    }),
                                ),
                            );
                        }
                    }
                    (None, Some(_), None) | (None, None, Some(_)) => {}
                    _ => self.push(
                        self.at(
                            name,
                            &seg(&p),
                            Code::InvalidShape,
                            "a mount needs exactly one of `volume`, `bind` and `tmpfs`".into(),
                        )
                        .with_help("use `volume:` for a named volume, `bind:` for a host path or `tmpfs: {}` for an in-memory file system"),
                    ),
                }
            }
            for (i, d) in service.depends_on.iter().flatten().enumerate() {
                let d = &d.service().to_owned();
                if !stack.services.contains_key(d) || d == service_name {
                    let p = at(&["depends_on", &i.to_string()]);
                    self.push(
                        self.at(
                            name,
                            &seg(&p),
                            Code::UnknownService,
                            format!("`{service_name}` depends on unknown service `{d}`"),
                        )
                        .with_help(
                            did_you_mean(
                                d,
                                stack
                                    .services
                                    .keys()
                                    .filter(|s| *s != service_name)
                                    .map(String::as_str),
                            )
                            .unwrap_or_else(|| "name another service of the same stack".into()),
                        ),
                    );
                }
            }
            for (i, var) in service.env.iter().flatten().enumerate() {
                used_variables.insert(var.clone());
                if !self.declared(stack, var) {
                    let p = at(&["env", &i.to_string()]);
                    self.push(
                        self.at(
                            name,
                            &seg(&p),
                            Code::UnknownVariable,
                            format!("variable `{var}` is not declared in stack `{name}`"),
                        )
                        .with_help(
                            did_you_mean(var, stack.env.keys().map(String::as_str)).unwrap_or_else(
                                || {
                                    format!(
                                        "declare it under `stacks.{name}.env` with a description"
                                    )
                                },
                            ),
                        ),
                    );
                }
            }
            let mut interpolated: Vec<(Vec<String>, String)> = Vec::new();
            if let Some(image) = &service.image {
                interpolated.push((at(&["image"]), image.clone()));
            }
            for (k, v) in &service.environment {
                interpolated.push((at(&["environment", k]), v.clone()));
            }
            for (k, v) in &service.labels {
                interpolated.push((at(&["labels", k]), v.clone()));
            }
            for (field, text) in crate::model::service_fields::interpolated_fields(service) {
                let field = if field == "deploy" {
                    "resources"
                } else {
                    field.as_str()
                };
                interpolated.push((at(&[field]), text));
            }
            if let Some(check) = &service.healthcheck {
                match &check.test {
                    crate::spec::HealthTest::Shell(t) => {
                        interpolated.push((at(&["healthcheck", "test"]), t.clone()));
                    }
                    crate::spec::HealthTest::Exec(parts) => {
                        for (i, t) in parts.iter().enumerate() {
                            interpolated
                                .push((at(&["healthcheck", "test", &i.to_string()]), t.clone()));
                        }
                    }
                }
                let durations = [
                    ("interval", Some(&check.interval)),
                    ("timeout", Some(&check.timeout)),
                    ("start_period", check.start_period.as_ref()),
                ];
                for (field, value) in durations {
                    if let Some(value) = value {
                        interpolated.push((at(&["healthcheck", field]), value.clone()));
                    }
                }
            }
            for (i, c) in service.command.iter().flatten().enumerate() {
                interpolated.push((at(&["command", &i.to_string()]), c.clone()));
            }
            for (k, v) in &service.compose {
                for text in strings_in(v) {
                    interpolated.push((at(&["compose", k]), text));
                }
                if has_collection_key(v) {
                    let p = at(&["compose", k]);
                    self.push(
                        self.at(name, &seg(&p), Code::InvalidShape, "keys in `compose` must be strings, numbers or booleans; a mapping or sequence key cannot be written to a compose file".to_owned())
                            .with_help(format!("quote the key under `compose.{k}` if it is meant as text, such as `'{{a: b}}': value`")),
                    );
                }
                if GENERATED_SERVICE_KEYS.contains(&k.as_str()) {
                    let p = at(&["compose", k]);
                    self.push(
                        self.source
                            .at_key(Code::EscapeHatchCollision, &seg(&p), format!("`compose.{k}` collides with the `{k}` key seisei generates for service `{service_name}`"))
                            .with_help(format!("set it through the typed field instead (`{}`), or remove it from `compose`", typed_field(k))),
                    );
                }
            }
            for (path, text) in interpolated {
                match variables_in(&text) {
                    Ok(vars) => {
                        for var in vars {
                            used_variables.insert(var.clone());
                            if !self.declared(stack, &var) {
                                self.push(
                                    self.at(name, &seg(&path), Code::UnknownVariable, format!("`${{{var}}}` refers to a variable not declared in stack `{name}`"))
                                        .with_help(did_you_mean(&var, stack.env.keys().map(String::as_str)).unwrap_or_else(|| format!("declare `{var}` under `stacks.{name}.env` (or the platform's `env`), or write `$$` for a literal `$`"))),
                                );
                            }
                        }
                    }
                    Err(problem) => self.push(
                        self.at(name, &seg(&path), Code::UnknownVariable, problem)
                            .with_help("write `$$` for a literal `$`"),
                    ),
                }
            }
            for (i, port) in service.ports.iter().flatten().enumerate() {
                if let Some(ip) = &port.host_ip
                    && let Some(why) = crate::model::hosts::address_problem(ip)
                {
                    let f = at(&["ports", &i.to_string(), "host_ip"]);
                    self.push(
                        self.at(name, &seg(&f), Code::InvalidShape, format!("`host_ip` `{ip}` {why}"))
                            .with_help("write the address to publish on, such as `127.0.0.1` or `::1`; leave `host_ip` out to publish on every address"),
                    );
                }
                if port.container == 0 || port.host == Some(0) {
                    let f = at(&["ports", &i.to_string()]);
                    self.push(
                        self.at(
                            name,
                            &seg(&f),
                            Code::InvalidShape,
                            "port 0 is not a port a service can listen on or publish".to_owned(),
                        )
                        .with_help("use a port from 1 to 65535"),
                    );
                }
            }
            let listening: Vec<u16> = service
                .ports
                .iter()
                .flatten()
                .map(|p| p.container)
                .collect();
            let service_networks = service
                .networks
                .clone()
                .unwrap_or_else(|| stack_networks.clone());
            for (i, route) in service.routes.iter().flatten().enumerate() {
                let r = at(&["routes", &i.to_string()]);
                self.route(
                    name,
                    service_name,
                    &seg(&r),
                    route,
                    &listening,
                    &service_networks,
                    true,
                );
            }
        }
        used_variables.extend(crate::model::compose_objects::referenced(stack));
        for (var, v) in &stack.env {
            let path = ["stacks", name, "env", var.as_str()];
            if let Some(default) = &v.default
                && default.contains('}')
            {
                let p = ["stacks", name, "env", var.as_str(), "default"];
                self.push(
                    self.at(name, &p, Code::InvalidShape, format!("the default of `{var}` contains `}}`, which ends Compose's `${{{var}:-…}}` early"))
                        .with_help("choose a default without `}`, or make the variable required and set it in `.env`"),
                );
            }
            // `.env.example` shows the example, else the default; some values ending in `\`
            // have no spelling there that Compose reads back.
            let shown = crate::model::example_for(v);
            if !env_value_reads_back(&shown) {
                let field = if v.example.is_some() {
                    "example"
                } else {
                    "default"
                };
                let p = ["stacks", name, "env", var.as_str(), field];
                self.push(
                    self.at(name, &p, Code::InvalidShape, format!("the {field} of `{var}` cannot be written to `.env.example`: it needs quotes and ends in `\\`, and Compose reads `\\\"` and `\\'` as escaped quotes"))
                        .with_help("drop the trailing `\\`, or what makes the value need quotes (a leading blank, quote or `#`, a control character such as a line break, or ` #`)"),
                );
            }
            if !used_variables.contains(var) {
                let owner = self.owner(name, &path);
                self.push(
                    self.source
                        .at_key(
                            Code::UnusedVariable,
                            &seg(&owner),
                            format!("variable `{var}` is declared but no service of stack `{name}` uses it"),
                        )
                    .with_help(
                        "list it in a service's `env`, reference it as `${VAR}`, or remove it",
                    ),
                );
            }
            if v.secret {
                for (field, value) in [("example", &v.example), ("default", &v.default)] {
                    if let Some(value) = value
                        && !crate::model::is_placeholder(value)
                    {
                        let p = ["stacks", name, "env", var.as_str(), field];
                        self.push(
                            self.at(name, &p, Code::SecretValue, format!("secret variable `{var}` has {} {field} that is not a placeholder", if field == "example" { "an" } else { "a" }))
                                .with_help(format!("{}; write one such as `{}` and keep the real value in the deployed `.env` only", crate::spec::secrets::PLACEHOLDER_RULE, crate::model::SECRET_PLACEHOLDER)),
                        );
                    }
                }
            }
        }
    }

    /// `name` must be a declared network. The names are collected only for the message of a
    /// missing one, so checking thousands of references stays linear.
    pub(super) fn network_ref(&mut self, stack: &str, path: &[&str], name: &str) {
        let networks = &self.source.spec.networks;
        if networks.contains_key(name) {
            return;
        }
        let known: Vec<&str> = networks.keys().map(String::as_str).collect();
        let help = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
            format!(
                "declare it under `networks` (known here: {})",
                crate::diagnostics::name_list(known.iter().copied(), 10)
            )
        });
        self.push(
            self.at(
                stack,
                path,
                Code::UnknownNetwork,
                format!("unknown network `{name}`"),
            )
            .with_help(help),
        );
    }
}

pub(super) fn typed_field(key: &str) -> &'static str {
    match key {
        "volumes" => "mounts",
        "expose" | "ports" => "ports",
        "environment" => "environment` or `env",
        "labels" => "routes",
        _ => "the key of the same name",
    }
}

/// Whether a mapping anywhere in `value` has a mapping or sequence for a key (`? {a: b}`):
/// YAML allows it, but a Compose file is JSON-shaped (its schema is a JSON Schema), so its
/// keys are strings, and numbers or booleans read as strings.
pub(super) fn has_collection_key(value: &serde_yaml::Value) -> bool {
    use serde_yaml::Value;
    fn is_collection(value: &Value) -> bool {
        match value {
            Value::Mapping(_) | Value::Sequence(_) => true,
            Value::Tagged(tagged) => is_collection(&tagged.value),
            _ => false,
        }
    }
    match value {
        Value::Mapping(map) => map
            .iter()
            .any(|(key, item)| is_collection(key) || has_collection_key(item)),
        Value::Sequence(items) => items.iter().any(has_collection_key),
        Value::Tagged(tagged) => has_collection_key(&tagged.value),
        _ => false,
    }
}

/// Every string inside an escape-hatch value.
pub(crate) fn strings_in(value: &serde_yaml::Value) -> Vec<String> {
    match value {
        serde_yaml::Value::String(s) => vec![s.clone()],
        serde_yaml::Value::Sequence(items) => items.iter().flat_map(strings_in).collect(),
        serde_yaml::Value::Mapping(map) => map.values().flat_map(strings_in).collect(),
        serde_yaml::Value::Tagged(tagged) => strings_in(&tagged.value),
        _ => Vec::new(),
    }
}
