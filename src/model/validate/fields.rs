//! The typed service fields and the platform's shared variables: a key set by both `env` and
//! `environment`, `traefik.` labels outside routes, dependency conditions the dependency
//! cannot meet, restart policies, `network_mode` beside networks, limits, and shared
//! variables no stack uses. Runs on the effective services (defaults merged).

use std::collections::BTreeSet;

use super::names::is_variable_name;
use super::{Checker, seg};
use crate::diagnostics::{Code, Diagnostic};
use crate::spec::{Condition, Dependency, ServiceDefaults, Stack, Ulimit};

impl Checker<'_> {
    /// Whether `var` is declared for `stack`: by the stack itself or by the platform.
    pub(super) fn declared(&self, stack: &Stack, var: &str) -> bool {
        stack.env.contains_key(var) || self.source.spec.env.contains_key(var)
    }

    pub(super) fn service_fields(&mut self, name: &str, stack: &Stack) {
        if let Some(defaults) = &stack.defaults {
            let base = ["stacks", name, "defaults"];
            self.defaults(&base, defaults, Some(name));
        }
        for (service_name, service) in &stack.services {
            let base = ["stacks", name, "services", service_name.as_str()];
            let at = |rest: &[&str]| -> Vec<String> {
                base.iter().chain(rest).map(|s| (*s).to_owned()).collect()
            };
            for var in service.env.iter().flatten() {
                if service.environment.contains_key(var) {
                    let p = at(&["environment", var]);
                    self.push(
                        self.source
                            .at_key(Code::DuplicateEnvironment, &seg(&self.owner(name, &seg(&p))), format!("`{var}` is set both by `env` (the variable of that name) and by `environment` of service `{service_name}`"))
                            .with_help(format!("keep one: `env: [{var}]` passes the declared variable, `environment: {{{var}: …}}` sets another value")),
                    );
                }
            }
            // Only a label in the `traefik.` namespace is reported, and only then is its place
            // looked up: a position costs a second parse of the spec (spec/tree.rs).
            for key in service.labels.keys().filter(|k| is_traefik_label(k)) {
                let p = at(&["labels", key]);
                let owner = self.owner(name, &seg(&p));
                // A label the defaults gave is reported once, at the defaults.
                if self.source.has(&seg(&owner)) {
                    self.traefik_label(&owner, key);
                }
            }
            if let Some(restart) = &service.restart
                && let Some(problem) = restart_problem(restart)
            {
                let p = at(&["restart"]);
                self.push(
                    self.at(name, &seg(&p), Code::InvalidShape, problem)
                        .with_help(
                            "use `no`, `always`, `on-failure`, `on-failure:N` or `unless-stopped`",
                        ),
                );
            }
            for (i, dep) in service.depends_on.iter().flatten().enumerate() {
                if let Dependency::Full(detail) = dep
                    && detail.condition == Some(Condition::ServiceHealthy)
                    && stack
                        .services
                        .get(&detail.service)
                        .is_some_and(|d| d.healthcheck.is_none())
                {
                    let p = at(&["depends_on", &i.to_string(), "condition"]);
                    self.push(
                        self.at(name, &seg(&p), Code::InvalidShape, format!("`{service_name}` waits for `{}` to be healthy, but `{}` has no healthcheck", detail.service, detail.service))
                            .with_help("give the dependency a `healthcheck`, or wait for `service_started`"),
                    );
                }
            }
            if service.network_mode.is_some() && service.networks.is_some() {
                let p = at(&["network_mode"]);
                self.push(
                    self.at(name, &seg(&p), Code::InvalidShape, format!("service `{service_name}` sets both `network_mode` and `networks`; Compose refuses the pair"))
                        .with_help("drop `networks` (the container uses the network mode's stack) or drop `network_mode`"),
                );
            }
            for (limit, value) in &service.ulimits {
                if let Ulimit::Apart { soft, hard } = value
                    && soft > hard
                {
                    let p = at(&["ulimits", limit]);
                    self.push(
                        self.at(
                            name,
                            &seg(&p),
                            Code::InvalidShape,
                            format!("ulimit `{limit}` has a soft limit {soft} above its hard limit {hard}"),
                        )
                        .with_help("the soft limit must not exceed the hard one"),
                    );
                }
            }
            if let Some(resources) = &service.resources {
                let problems = resource_problems(resources);
                // Looked up only when there is something to report, as for labels above.
                if !problems.is_empty() {
                    let owner = self.owner(name, &seg(&at(&["resources"])));
                    if self.source.has(&seg(&owner)) {
                        self.resources(&owner, problems);
                    }
                }
            }
            // A typed field and the escape hatch would write the same key twice.
            let none = |_: &str| None;
            let typed = crate::model::service_fields::compose_fields(service, &none);
            for key in service.compose.keys() {
                if typed.iter().any(|(k, _)| k == key) {
                    let field = if key == "deploy" {
                        "resources"
                    } else {
                        key.as_str()
                    };
                    let p = at(&["compose", key]);
                    self.push(
                        self.source
                            .at_key(Code::EscapeHatchCollision, &seg(&self.owner(name, &seg(&p))), format!("`compose.{key}` collides with the typed `{field}` of service `{service_name}`"))
                            .with_help(format!("keep one: the typed `{field}` is checked, `compose.{key}` is not")),
                    );
                }
            }
            for (i, profile) in service.profiles.iter().flatten().enumerate() {
                if !is_profile_name(profile) {
                    let p = at(&["profiles", &i.to_string()]);
                    self.push(
                        self.at(
                            name,
                            &seg(&p),
                            Code::InvalidName,
                            format!("`{profile}` is not a Compose profile name"),
                        )
                        .with_help(
                            "start with a letter or digit, then letters, digits, `_`, `.` or `-`",
                        ),
                    );
                }
            }
        }
    }

    /// The platform's `defaults` and `env`; called once per platform.
    pub(super) fn shared_variables(&mut self) {
        if let Some(defaults) = &self.source.spec.defaults {
            self.defaults(&["defaults"], defaults, None);
        }
        let shared = &self.source.spec.env;
        if shared.is_empty() {
            return;
        }
        let mut used: BTreeSet<String> = BTreeSet::new();
        for stack in self.resolved.stacks.values() {
            for service in stack.services.values() {
                used.extend(crate::model::interpolate::referenced(service));
            }
            used.extend(crate::model::compose_objects::referenced(stack));
        }
        for var in shared.keys() {
            if !is_variable_name(var) {
                self.push(
                    self.source
                        .at_key(
                            Code::InvalidName,
                            &["env", var],
                            format!("`{var}` is not a variable name"),
                        )
                        .with_help("use letters, digits and `_`, not starting with a digit"),
                );
            }
            if !used.contains(var) {
                self.push(
                    self.source
                        .at_key(
                            Code::UnusedVariable,
                            &["env", var],
                            format!("shared variable `{var}` is declared but no stack uses it"),
                        )
                        .with_help(
                            "list it in a service's `env`, reference it as `${VAR}`, or remove it",
                        ),
                );
            }
        }
    }

    fn defaults(&mut self, base: &[&str], defaults: &ServiceDefaults, _stack: Option<&str>) {
        let at = |rest: &[&str]| -> Vec<String> {
            base.iter().chain(rest).map(|s| (*s).to_owned()).collect()
        };
        for key in defaults.labels.keys().filter(|k| is_traefik_label(k)) {
            let p = at(&["labels", key]);
            self.traefik_label(&p, key);
        }
        if let Some(restart) = &defaults.restart
            && let Some(problem) = restart_problem(restart)
        {
            let p = at(&["restart"]);
            self.push(
                self.source
                    .at(Code::InvalidShape, &seg(&p), problem)
                    .with_help(
                        "use `no`, `always`, `on-failure`, `on-failure:N` or `unless-stopped`",
                    ),
            );
        }
        if let Some(resources) = &defaults.resources {
            self.resources(&at(&["resources"]), resource_problems(resources));
        }
    }

    fn traefik_label(&mut self, path: &[String], key: &str) {
        self.push(
            self.source
                .at_key(Code::TraefikLabel, &seg(path), format!("label `{key}` is in the `traefik.` namespace, which seisei writes from `routes`"))
                .with_help(traefik_help(key)),
        );
    }

    /// Reports the problems of the `resources` at `path`.
    fn resources(&mut self, path: &[String], problems: Vec<ResourceProblem>) {
        for problem in problems {
            let mut at = path.to_vec();
            at.extend([problem.set.to_owned(), problem.field.to_owned()]);
            self.push(self.problem(&at, problem.message, problem.help));
        }
    }

    fn problem(&self, path: &[String], message: String, help: &str) -> Diagnostic {
        self.source
            .at(Code::InvalidShape, &seg(path), message)
            .with_help(help)
    }
}

/// Whether a label is in the namespace seisei writes from `routes`.
fn is_traefik_label(key: &str) -> bool {
    key.get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("traefik."))
}

/// A value of `resources` Compose would refuse: under `set` (`limits`, `reservations`),
/// field `field`.
struct ResourceProblem {
    set: &'static str,
    field: &'static str,
    message: String,
    help: &'static str,
}

/// Every value of `resources` Compose would refuse, in field order.
fn resource_problems(resources: &crate::spec::Resources) -> Vec<ResourceProblem> {
    let mut found = Vec::new();
    for (set_name, set) in [
        ("limits", &resources.limits),
        ("reservations", &resources.reservations),
    ] {
        let Some(set) = set else { continue };
        if let Some(cpus) = set.cpus
            && !(cpus > 0.0 && cpus.is_finite())
        {
            found.push(ResourceProblem {
                set: set_name,
                field: "cpus",
                message: format!("`cpus: {cpus}` is not a positive number of CPUs"),
                help: "write a number such as `0.5` or `2`",
            });
        }
        if let Some(memory) = &set.memory
            && !is_byte_size(memory)
        {
            found.push(ResourceProblem {
                set: set_name,
                field: "memory",
                message: format!("`{memory}` is not a size Compose reads"),
                help: "write a number of bytes with an optional unit: `512m`, `2g`, `1048576`",
            });
        }
    }
    found
}

/// What to write instead of a `traefik.` label.
fn traefik_help(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    let field = if lower.contains(".rule") {
        "`routes: [{ hosts: [...], path_prefix: ... }]` (or `rule:`)"
    } else if lower.contains(".middlewares") {
        "`middlewares:` of the route"
    } else if lower.contains(".entrypoints") {
        "`entrypoints:` of the route"
    } else if lower.contains(".priority") {
        "`priority:` of the route"
    } else if lower.contains(".tls") {
        "`cert_resolver:` or `tls_domains:` of the route"
    } else if lower.contains(".port") {
        "`port:` of the route"
    } else {
        "the service's `routes:`"
    };
    format!("routes own every `traefik.` label; use {field} instead")
}

/// Why `restart` is not a policy Compose knows, if it is not.
fn restart_problem(restart: &str) -> Option<String> {
    let ok = matches!(restart, "no" | "always" | "unless-stopped" | "on-failure")
        || restart
            .strip_prefix("on-failure:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    (!ok).then(|| format!("`{restart}` is not a restart policy"))
}

/// Compose's profile names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
fn is_profile_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A byte size as Compose reads it: digits, an optional fraction, an optional unit.
pub(super) fn is_byte_size(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &lower[digits.len()..];
    !digits.is_empty()
        && digits.parse::<f64>().is_ok_and(|n| n >= 0.0)
        && matches!(
            unit,
            "" | "b" | "k" | "kb" | "m" | "mb" | "g" | "gb" | "t" | "tb"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_policies_and_sizes() {
        assert!(restart_problem("on-failure:3").is_none());
        assert!(restart_problem("unless_stopped").is_some());
        assert!(is_byte_size("512m") && is_byte_size("1.5g") && is_byte_size("1048576"));
        assert!(!is_byte_size("lots") && !is_byte_size("5q"));
        assert!(is_profile_name("debug") && !is_profile_name("-x"));
    }
}
