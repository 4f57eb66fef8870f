//! Checks that need the whole platform: names, references, collisions, variables and
//! routing. Every check appends to one list so a run reports every problem at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::extends::Resolved;
use super::{Model, locate};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::render::escape::env_value_reads_back;
use crate::spec::{Protocol, Source};
use crate::traefik::rule;

/// Compose keys seisei writes itself; the escape hatch may not set them.
const GENERATED_SERVICE_KEYS: &[&str] = &[
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

pub fn platform(
    source: &Source,
    resolved: &Resolved<'_>,
    model: &Model,
    problems: &mut Vec<Diagnostic>,
) {
    let mut check = Checker {
        source,
        resolved,
        problems,
    };
    check.traefik(model);
    check.platform_paths();
    check.names();
    for (name, stack) in &resolved.stacks {
        check.stack(name, stack);
    }
    check.collisions(model);
    check.credentials();
    check.routing_table(model);
    check.published_databases(model);
}

/// Ports of databases that must never face the internet.
const DATABASE_PORTS: [(u16, &str); 4] = [
    (5432, "PostgreSQL"),
    (3306, "MySQL"),
    (6379, "Redis"),
    (27017, "MongoDB"),
];

struct Checker<'a> {
    source: &'a Source,
    resolved: &'a Resolved<'a>,
    problems: &'a mut Vec<Diagnostic>,
}

/// Compose project, service, volume and network names: lower-case letters, digits, `-`
/// and `_`, starting with a letter or digit. The same rule keeps them safe as path
/// components and as Traefik label segments (which cannot hold dots).
pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 63 {
        Some("it is longer than 63 characters")
    } else if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        Some("it must start with a lower-case letter or a digit")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        Some("only lower-case letters, digits, `-` and `_` are allowed")
    } else {
        None
    }
}

/// Why a folder inside the output directory is not one seisei may write to.
pub(crate) fn folder_problem(folder: &str) -> Option<&'static str> {
    if folder.starts_with('/') || folder.contains('\\') {
        Some("is not a relative path with `/` separators")
    } else if folder.split('/').any(|c| c == ".." || c == ".") {
        Some("may not contain `..` or `.`")
    } else if folder.trim_end_matches('/').split('/').any(str::is_empty) {
        Some("has an empty path component")
    } else {
        None
    }
}

/// Docker's rule for container names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
fn is_container_name(name: &str) -> bool {
    name.len() >= 2
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Environment variable names as Compose interpolates them: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_variable_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Checker<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    fn at(&self, stack: &str, segments: &[&str], code: Code, message: String) -> Diagnostic {
        locate(self.source, self.resolved, stack, segments, code, message)
    }

    fn names(&mut self) {
        let spec = &self.source.spec;
        let mut checks: Vec<(Vec<String>, &str, &str)> = Vec::new();
        for name in spec.networks.keys() {
            checks.push((vec!["networks".into(), name.clone()], name, "network"));
        }
        for (stack_name, stack) in &spec.stacks {
            checks.push((
                vec!["stacks".into(), stack_name.clone()],
                stack_name,
                "stack",
            ));
            for name in stack.services.keys() {
                checks.push((
                    vec![
                        "stacks".into(),
                        stack_name.clone(),
                        "services".into(),
                        name.clone(),
                    ],
                    name,
                    "service",
                ));
            }
            for name in stack.volumes.keys() {
                checks.push((
                    vec![
                        "stacks".into(),
                        stack_name.clone(),
                        "volumes".into(),
                        name.clone(),
                    ],
                    name,
                    "volume",
                ));
            }
            for name in stack.env.keys() {
                if !is_variable_name(name) {
                    let path = ["stacks", stack_name.as_str(), "env", name.as_str()];
                    self.push(
                        self.source
                            .at_key(Code::InvalidName, &path, format!("`{name}` is not a valid variable name"))
                            .with_help("use letters, digits and `_`, not starting with a digit (e.g. `DATABASE_URL`)"),
                    );
                }
            }
        }
        for (path, name, what) in checks {
            if let Some(problem) = name_problem(name) {
                let segments: Vec<&str> = path.iter().map(String::as_str).collect();
                self.push(
                    self.source
                        .at_key(Code::InvalidName, &segments, format!("{what} name `{name}` is invalid: {problem}"))
                        .with_help("names become Compose identifiers and folder names: use lower-case letters, digits, `-` and `_`"),
                );
            }
        }
    }

    fn traefik(&mut self, model: &Model) {
        let spec = &self.source.spec;
        let t = &spec.traefik;
        let entrypoints: Vec<&str> = t.entrypoints.keys().map(String::as_str).collect();
        let mut entrypoint_refs: Vec<(Vec<String>, String)> = Vec::new();
        for (i, e) in t.default_entrypoints.iter().enumerate() {
            entrypoint_refs.push((
                vec![
                    "traefik".into(),
                    "default_entrypoints".into(),
                    i.to_string(),
                ],
                e.clone(),
            ));
        }
        for (name, e) in &t.entrypoints {
            if let Some(to) = &e.redirect_to {
                entrypoint_refs.push((
                    vec![
                        "traefik".into(),
                        "entrypoints".into(),
                        name.clone(),
                        "redirect_to".into(),
                    ],
                    to.clone(),
                ));
            }
            for (i, m) in e.middlewares.iter().enumerate() {
                self.middleware_ref(
                    &[
                        "traefik",
                        "entrypoints",
                        name,
                        "middlewares",
                        &i.to_string(),
                    ],
                    m,
                    None,
                );
            }
        }
        if let Some(d) = &t.dashboard {
            entrypoint_refs.push((
                vec!["traefik".into(), "dashboard".into(), "entrypoint".into()],
                d.entrypoint.clone(),
            ));
        }
        for (name, r) in &t.cert_resolvers {
            match (&r.http_challenge_entrypoint, &r.dns_challenge_provider) {
                (Some(entrypoint), None) => entrypoint_refs.push((
                    vec!["traefik".into(), "cert_resolvers".into(), name.clone(), "http_challenge_entrypoint".into()],
                    entrypoint.clone(),
                )),
                (None, Some(_)) => {}
                _ => self.push(
                    self.source
                        .at(Code::InvalidShape, &["traefik", "cert_resolvers", name], format!("certificate resolver `{name}` needs exactly one challenge"))
                        .with_help("set `http_challenge_entrypoint` (one host per certificate) or `dns_challenge_provider` (needed for wildcard hosts)"),
                ),
            }
        }
        for (path, name) in entrypoint_refs {
            if !t.entrypoints.contains_key(&name) {
                let segments: Vec<&str> = path.iter().map(String::as_str).collect();
                self.push(
                    self.source
                        .at(
                            Code::UnknownEntrypoint,
                            &segments,
                            format!("unknown entry point `{name}`"),
                        )
                        .with_help(
                            did_you_mean(&name, entrypoints.iter().copied()).unwrap_or_else(|| {
                                format!(
                                    "define it under `traefik.entrypoints` (known: {})",
                                    crate::diagnostics::name_list(entrypoints.iter().copied(), 10)
                                )
                            }),
                        ),
                );
            }
        }
        if let Some(resolver) = &t.default_cert_resolver {
            self.resolver_ref(&["traefik", "default_cert_resolver"], resolver, None);
        }
        if !spec.networks.contains_key(&t.network) {
            self.push(
                self.source
                    .at(
                        Code::UnknownNetwork,
                        &["traefik", "network"],
                        format!("unknown network `{}`", t.network),
                    )
                    .with_help(
                        did_you_mean(&t.network, spec.networks.keys().map(String::as_str))
                            .unwrap_or_else(|| {
                                "declare it under `networks` with `external: true`".into()
                            }),
                    ),
            );
        }
        match self.resolved.stacks.get(&t.stack) {
            None => self.push(
                self.source
                    .at(
                        Code::UnknownStack,
                        &["traefik", "stack"],
                        format!("unknown stack `{}`", t.stack),
                    )
                    .with_help(
                        did_you_mean(&t.stack, spec.stacks.keys().map(String::as_str))
                            .unwrap_or_else(|| "name the stack that runs Traefik".into()),
                    ),
            ),
            Some(stack) if !stack.services.contains_key(&t.service) => self.push(
                self.source
                    .at(
                        Code::UnknownService,
                        &["traefik", "service"],
                        format!("stack `{}` has no service `{}`", t.stack, t.service),
                    )
                    .with_help(
                        did_you_mean(&t.service, stack.services.keys().map(String::as_str))
                            .unwrap_or_else(|| "name the Traefik service of that stack".into()),
                    ),
            ),
            Some(_) => {
                let proxy = model
                    .stacks
                    .iter()
                    .find(|s| s.name == t.stack)
                    .and_then(|s| s.services.iter().find(|svc| svc.name == t.service));
                if let Some(proxy) = proxy
                    && !proxy.networks.contains(&t.network)
                {
                    let at = ["stacks", t.stack.as_str(), "services", t.service.as_str()];
                    self.push(
                        self.at(
                            &t.stack,
                            &at,
                            Code::RouteNetwork,
                            format!("the Traefik service is not on its network `{}`", t.network),
                        )
                        .with_help(format!(
                            "add `{}` to the service's or the stack's `networks`",
                            t.network
                        )),
                    );
                }
            }
        }
    }

    fn platform_paths(&mut self) {
        let platform = &self.source.spec.platform;
        if let Some(why) = super::hosts::host_problem(&platform.domain, false) {
            self.push(
                self.source
                    .at(
                        Code::InvalidShape,
                        &["platform", "domain"],
                        format!("`{}` is not a valid domain: it {why}", platform.domain),
                    )
                    .with_help("write the platform's base domain, such as `example.com`"),
            );
        }
        for (field, value) in [
            ("stacks_dir", &platform.stacks_dir),
            ("inventory", &platform.inventory),
        ] {
            if let Some(problem) = folder_problem(value) {
                self.push(
                    self.source
                        .at(
                            Code::OutputPath,
                            &["platform", field],
                            format!("`{value}` {problem}"),
                        )
                        .with_help("write a relative path inside the output directory"),
                );
            }
        }
    }

    fn middleware_ref(&mut self, path: &[&str], name: &str, stack: Option<&str>) {
        let middlewares = &self.source.spec.traefik.middlewares;
        if !middlewares.contains_key(name) {
            let message = format!("unknown middleware `{name}`");
            let d = match stack {
                Some(stack) => self.at(stack, path, Code::UnknownMiddleware, message),
                None => self.source.at(Code::UnknownMiddleware, path, message),
            };
            self.push(
                d.with_help(
                    did_you_mean(name, middlewares.keys().map(String::as_str))
                        .unwrap_or_else(|| "define it under `traefik.middlewares`".into()),
                ),
            );
        }
    }

    fn resolver_ref(&mut self, path: &[&str], name: &str, stack: Option<&str>) {
        let resolvers = &self.source.spec.traefik.cert_resolvers;
        if !resolvers.contains_key(name) {
            let message = format!("unknown certificate resolver `{name}`");
            let d = match stack {
                Some(stack) => self.at(stack, path, Code::UnknownCertResolver, message),
                None => self.source.at(Code::UnknownCertResolver, path, message),
            };
            self.push(
                d.with_help(
                    did_you_mean(name, resolvers.keys().map(String::as_str))
                        .unwrap_or_else(|| "define it under `traefik.cert_resolvers`".into()),
                ),
            );
        }
    }

    #[allow(clippy::too_many_lines)]
    fn stack(&mut self, name: &str, stack: &crate::spec::Stack) {
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
                None => self.push(
                    self.at(
                        name,
                        &base,
                        Code::InvalidShape,
                        format!("service `{service_name}` has no `image`"),
                    )
                    .with_help("set `image:` to a pinned reference such as `postgres:15.8-alpine`"),
                ),
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
                match (&m.volume, &m.bind) {
                    (Some(v), None) => {
                        if !stack.volumes.contains_key(v) {
                            let p = at(&["mounts", &i.to_string(), "volume"]);
                            self.push(
                                self.at(
                                    name,
                                    &seg(&p),
                                    Code::UnknownVolume,
                                    format!("unknown volume `{v}`"),
                                )
                                .with_help(
                                    did_you_mean(v, stack.volumes.keys().map(String::as_str))
                                        .unwrap_or_else(|| {
                                            format!("declare it under `stacks.{name}.volumes`")
                                        }),
                                ),
                            );
                        }
                    }
                    (None, Some(_)) => {}
                    _ => self.push(
                        self.at(
                            name,
                            &seg(&p),
                            Code::InvalidShape,
                            "a mount needs exactly one of `volume` and `bind`".into(),
                        )
                        .with_help("use `volume:` for a named volume or `bind:` for a host path"),
                    ),
                }
            }
            for (i, d) in service.depends_on.iter().flatten().enumerate() {
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
                if !stack.env.contains_key(var) {
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
            for (k, v) in &service.environment {
                interpolated.push((at(&["environment", k]), v.clone()));
            }
            if let Some(check) = &service.healthcheck {
                for (i, t) in check.test.iter().enumerate() {
                    interpolated.push((at(&["healthcheck", "test", &i.to_string()]), t.clone()));
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
                            if !stack.env.contains_key(&var) {
                                self.push(
                                    self.at(name, &seg(&path), Code::UnknownVariable, format!("`${{{var}}}` refers to a variable not declared in stack `{name}`"))
                                        .with_help(did_you_mean(&var, stack.env.keys().map(String::as_str)).unwrap_or_else(|| format!("declare `{var}` under `stacks.{name}.env`, or write `$$` for a literal `$`"))),
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
                    && let Some(why) = super::hosts::address_problem(ip)
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
                );
            }
        }
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
            let shown = super::example_for(v);
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
                        && !super::is_placeholder(value)
                    {
                        let p = ["stacks", name, "env", var.as_str(), field];
                        self.push(
                            self.at(name, &p, Code::SecretValue, format!("secret variable `{var}` has {} {field} that is not a placeholder", if field == "example" { "an" } else { "a" }))
                                .with_help(format!("{}; write one such as `{}` and keep the real value in the deployed `.env` only", crate::spec::secrets::PLACEHOLDER_RULE, super::SECRET_PLACEHOLDER)),
                        );
                    }
                }
            }
        }
    }

    /// `name` must be a declared network. The names are collected only for the message of a
    /// missing one, so checking thousands of references stays linear.
    fn network_ref(&mut self, stack: &str, path: &[&str], name: &str) {
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

    fn route(
        &mut self,
        stack: &str,
        service: &str,
        path: &[&str],
        route: &crate::spec::Route,
        listening: &[u16],
        networks: &[String],
    ) {
        let spec = &self.source.spec;
        match (&route.rule, route.hosts.is_empty()) {
            (Some(_), false) => self.push(
                self.at(
                    stack,
                    &child(path, "rule"),
                    Code::InvalidRoute,
                    "a route has both `rule` and `hosts`".into(),
                )
                .with_help("keep `hosts` (seisei writes the rule) or the raw `rule`, not both"),
            ),
            (None, true) => self.push(
                self.at(
                    stack,
                    path,
                    Code::InvalidRoute,
                    format!("a route of `{service}` matches no host"),
                )
                .with_help("add `hosts: [example.com]` or a raw `rule:`"),
            ),
            _ => {}
        }
        if let Some(text) = &route.rule {
            self.raw_rule(stack, &child(path, "rule"), text);
        }
        if let Some(priority) = route.priority
            && priority > rule::MAX_USER_PRIORITY
        {
            self.push(
                self.at(
                    stack,
                    &child(path, "priority"),
                    Code::InvalidRoute,
                    format!("priority {priority} is above Traefik's limit for user routers"),
                )
                .with_help(format!(
                    "use at most {}; Traefik keeps the range above for its internal routers",
                    rule::MAX_USER_PRIORITY
                )),
            );
        }
        // Traefik's runtime takes a negative priority, but the file provider's JSON schema
        // (`minimum: 0`), which the dynamic files are checked against, does not; and 0 already
        // means "computed from the rule", so 1 is the lowest explicit priority.
        if let Some(priority) = route.priority
            && priority < 0
        {
            self.push(
                self.at(
                    stack,
                    &child(path, "priority"),
                    Code::InvalidRoute,
                    format!("priority {priority} is below 0, the lowest priority Traefik's file provider schema accepts"),
                )
                .with_help("use 1 for the lowest explicit priority, or leave `priority` out for Traefik's priority from the rule's length (what 0 means too)"),
            );
        }
        for (field, value) in [("path_prefix", &route.path_prefix), ("path", &route.path)] {
            if let Some(value) = value
                && !value.starts_with('/')
            {
                self.push(
                    self.at(
                        stack,
                        &child(path, field),
                        Code::InvalidRoute,
                        format!("`{field}` `{value}` does not start with `/`"),
                    )
                    .with_help(format!("write `/{value}`")),
                );
            }
        }
        for (i, host) in route.hosts.iter().enumerate() {
            if let Some(why) = super::hosts::host_problem(host, true) {
                let p = child(path, "hosts");
                let mut p: Vec<&str> = p.clone();
                let index = i.to_string();
                p.push(&index);
                self.push(
                    self.at(stack, &p, Code::InvalidRoute, format!("`{host}` is not a valid host name: it {why}"))
                        .with_help("use ASCII labels of 1 to 63 letters, digits and `-`, no `-` at either end of a label, 253 characters in all (punycode for other scripts); `*.` may only start a name"),
                );
            }
        }
        for (i, domain) in route.tls_domains.iter().enumerate() {
            let index = i.to_string();
            let names = std::iter::once(("main".to_owned(), &domain.main)).chain(
                domain
                    .sans
                    .iter()
                    .enumerate()
                    .map(|(j, n)| (format!("sans.{j}"), n)),
            );
            for (field, name) in names {
                if let Some(why) = super::hosts::host_problem(name, true) {
                    let mut p = child(path, "tls_domains");
                    p.push(&index);
                    p.extend(field.split('.'));
                    self.push(
                        self.at(stack, &p, Code::InvalidRoute, format!("`{name}` is not a valid domain: it {why}"))
                            .with_help("use ASCII labels of 1 to 63 letters, digits and `-`, no `-` at either end of a label, 253 characters in all; `*.` may only start a name"),
                    );
                }
            }
        }
        match route.port {
            Some(port) if !listening.contains(&port) => self.push(
                self.at(stack, &child(path, "port"), Code::RoutePort, format!("route port {port} is not a port `{service}` listens on"))
                    .with_help(format!("add `{{ container: {port} }}` to the service's `ports`, or route to one of: {}", join_ports(listening))),
            ),
            None if listening.len() != 1 => self.push(
                self.at(stack, path, Code::RoutePort, format!("the route cannot tell which port of `{service}` to use"))
                    .with_help(if listening.is_empty() { "declare the port the service listens on under `ports`".to_owned() } else { format!("set `port:` to one of: {}", join_ports(listening)) }),
            ),
            _ => {}
        }
        if !networks.contains(&spec.traefik.network) {
            self.push(
                self.at(
                    stack,
                    path,
                    Code::RouteNetwork,
                    format!(
                        "`{service}` is routed but not on Traefik's network `{}`",
                        spec.traefik.network
                    ),
                )
                .with_help(format!(
                    "add `{}` to the service's or the stack's `networks`",
                    spec.traefik.network
                )),
            );
        }
        let entrypoints = route
            .entrypoints
            .clone()
            .unwrap_or_else(|| spec.traefik.default_entrypoints.clone());
        let mut tls_kinds = BTreeSet::new();
        for (i, e) in entrypoints.iter().enumerate() {
            if let Some(entrypoint) = spec.traefik.entrypoints.get(e) {
                tls_kinds.insert(entrypoint.tls);
            } else {
                {
                    let p = child(path, "entrypoints");
                    let index = i.to_string();
                    let mut p: Vec<&str> = p.clone();
                    p.push(&index);
                    self.push(
                        self.at(
                            stack,
                            &p,
                            Code::UnknownEntrypoint,
                            format!("unknown entry point `{e}`"),
                        )
                        .with_help(
                            did_you_mean(e, spec.traefik.entrypoints.keys().map(String::as_str))
                                .unwrap_or_else(|| "define it under `traefik.entrypoints`".into()),
                        ),
                    );
                }
            }
        }
        if tls_kinds.len() > 1 {
            // A router is TLS or not on every entry point it lists; half of it would 404
            // (reference pitfall 7).
            self.push(
                self.at(
                    stack,
                    &child(path, "entrypoints"),
                    Code::InvalidRoute,
                    "the route mixes TLS and plain entry points".into(),
                )
                .with_help("route on the TLS entry point only; the plain one redirects to it"),
            );
        }
        for (i, m) in route.middlewares.iter().enumerate() {
            let p = child(path, "middlewares");
            let index = i.to_string();
            let mut p: Vec<&str> = p.clone();
            p.push(&index);
            self.middleware_ref(&p, m, Some(stack));
        }
        if let Some(resolver) = &route.cert_resolver {
            self.resolver_ref(&child(path, "cert_resolver"), resolver, Some(stack));
        }
    }

    /// Parses a raw rule as Traefik v3 would, pointing errors at the bad token inside the
    /// rule in platform.yaml.
    fn raw_rule(&mut self, stack: &str, path: &[&str], text: &str) {
        let owner = self.owner(stack, path);
        let segments: Vec<&str> = owner.iter().map(String::as_str).collect();
        let mut report = |error: &rule::RuleError, code: Code| {
            let mut d = self.source.at_offset(
                code,
                &segments,
                text,
                error.span.clone(),
                error.message.clone(),
            );
            d.help.clone_from(&error.help);
            self.problems.push(d);
        };
        match rule::parse(text, rule::Kind::Http) {
            Err(error) => report(&error, Code::InvalidRoute),
            Ok(expr) => {
                for lint in rule::lints(&expr) {
                    report(&lint, Code::RuleLint);
                }
            }
        }
    }

    /// The path of the value at `segments` in the stack of the `extends` chain that wrote it.
    fn owner(&self, stack: &str, segments: &[&str]) -> Vec<String> {
        let mut path: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
        for owner in self.resolved.chains.get(stack).into_iter().flatten() {
            path[1].clone_from(owner);
            let view: Vec<&str> = path.iter().map(String::as_str).collect();
            if self.source.has(&view) {
                return path;
            }
        }
        segments.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Any string of the spec that looks like a real credential, outside `example` fields
    /// (secret examples have their own placeholder check).
    fn credentials(&mut self) {
        // The spec, then each included stack file, whose root is `stacks.NAME`.
        let mut found: Vec<(Vec<String>, &'static str)> = Vec::new();
        for (path, kind) in &self.source.document.credentials {
            found.push((
                path.split(crate::spec::PATH_SEPARATOR)
                    .map(str::to_owned)
                    .collect(),
                kind,
            ));
        }
        for file in &self.source.included {
            for (path, kind) in &file.document.credentials {
                let mut segments = vec!["stacks".to_owned()];
                segments.extend(path.split(crate::spec::PATH_SEPARATOR).map(str::to_owned));
                found.push((segments, kind));
            }
        }
        for (path, kind) in found {
            self.push(
                self.source
                    .at(Code::Credential, &seg(&path), format!("this looks like {kind}; a real credential must not be in the spec"))
                    .with_help("declare a secret variable under the stack's `env`, reference it as `${VAR}`, and keep the value in the deployed `.env` only"),
            );
        }
    }

    /// Conflicts of the whole routing table, as Traefik will build it: routers that tie,
    /// routers that can never win, rules that can never match.
    fn routing_table(&mut self, model: &Model) {
        use crate::traefik::analysis::{self, Finding};
        let Some(version) = crate::traefik::Version::parse(&model.traefik.version) else {
            return;
        };
        let rows = super::routing::table(model);
        let inputs: Vec<_> = rows
            .iter()
            .map(super::routing::RouterRow::as_input)
            .collect();
        let result = analysis::analyze(&inputs, version);
        for finding in &result.findings {
            let (code, subject) = match finding {
                Finding::Ambiguous { b, .. } => (Code::RouteConflict, b),
                Finding::TieBrokenByProvider { loser, .. } => (Code::ProviderTie, loser),
                Finding::Shadowed { router, .. } => (Code::ShadowedRoute, router),
                Finding::NeverMatches { router } => (Code::UnreachableRoute, router),
            };
            let row = rows.iter().find(|r| &r.name == subject);
            let diagnostic = match row.and_then(|r| super::routing::router_of(model, r)) {
                Some(router) => {
                    let index = router.route_index.to_string();
                    let at = [
                        "stacks",
                        router.stack.as_str(),
                        "services",
                        router.service.as_str(),
                        "routes",
                        index.as_str(),
                    ];
                    self.at(&router.stack, &at, code, finding.to_string())
                }
                None => self.source.at(code, &["traefik"], finding.to_string()),
            };
            self.push(diagnostic.with_help(finding.help()));
        }
    }

    fn published_databases(&mut self, model: &Model) {
        for stack in &model.stacks {
            for service in &stack.services {
                for port in &service.ports {
                    let public = port.host_ip.as_deref().is_none_or(is_any);
                    let database = DATABASE_PORTS
                        .iter()
                        .find(|(p, _)| *p == port.container || *p == port.host);
                    if let (true, true, Some((_, engine))) = (port.publish, public, database) {
                        let at = [
                            "stacks",
                            stack.name.as_str(),
                            "services",
                            service.name.as_str(),
                            "ports",
                        ];
                        self.push(
                            self.at(&stack.name, &at, Code::PublishedDatabase, format!("{engine} port {} of `{}` is published on every host address", port.container, service.name))
                                .with_help("keep it internal (`publish: false`), or bind it to `host_ip: 127.0.0.1`"),
                        );
                    }
                }
            }
        }
    }

    fn collisions(&mut self, model: &Model) {
        let mut containers: HashMap<&str, (&str, &str)> = HashMap::new();
        let mut dirs: HashMap<&str, &str> = HashMap::new();
        // (protocol, host port) -> published addresses, to find overlaps in one pass.
        let mut published: BTreeMap<(Protocol, u16), Vec<Publisher>> = BTreeMap::new();
        for stack in &model.stacks {
            if let Some(other) = dirs.insert(&stack.dir, &stack.name) {
                self.push(
                    self.at(
                        &stack.name,
                        &["stacks", &stack.name, "path"],
                        Code::DuplicatePath,
                        format!(
                            "stacks `{other}` and `{}` both live in `{}`",
                            stack.name, stack.dir
                        ),
                    )
                    .with_help("give one of them another `path`"),
                );
            }
            for service in &stack.services {
                if let Some((other_stack, other_service)) =
                    containers.insert(&service.container_name, (&stack.name, &service.name))
                {
                    let at = [
                        "stacks",
                        stack.name.as_str(),
                        "services",
                        service.name.as_str(),
                        "container_name",
                    ];
                    self.push(
                        self.at(&stack.name, &at, Code::DuplicateContainerName, format!("container name `{}` is also used by `{other_stack}.{other_service}`", service.container_name))
                            .with_help("container names are global on a Docker host: choose another `container_name`"),
                    );
                }
                for port in service.ports.iter().filter(|p| p.publish) {
                    published
                        .entry((port.protocol, port.host))
                        .or_default()
                        .push((port.host_ip.as_deref(), &stack.name, &service.name));
                }
            }
        }
        for ((protocol, port), users) in &published {
            for (i, (ip, stack, service)) in users.iter().enumerate() {
                for (other_ip, other_stack, other_service) in &users[..i] {
                    let overlaps = match (ip, other_ip) {
                        (Some(a), Some(b)) => a == b || is_any(a) || is_any(b),
                        _ => true,
                    };
                    if overlaps {
                        let at = ["stacks", *stack, "services", *service, "ports"];
                        let proto = if *protocol == Protocol::Tcp {
                            "tcp"
                        } else {
                            "udp"
                        };
                        self.push(
                            self.at(stack, &at, Code::HostPortCollision, format!("host port {port}/{proto} of `{stack}.{service}` is also published by `{other_stack}.{other_service}`"))
                                .with_help("publish on another host port, or bind the two to different `host_ip` addresses"),
                        );
                    }
                }
            }
        }
        let mut routers: HashMap<&str, &str> = HashMap::new();
        for router in &model.routers {
            if let Some(other) = routers.insert(&router.name, &router.stack) {
                let at = [
                    "stacks",
                    router.stack.as_str(),
                    "services",
                    router.service.as_str(),
                    "routes",
                ];
                self.push(
                    self.at(
                        &router.stack,
                        &at,
                        Code::DuplicateRouter,
                        format!(
                            "router `{}` is also defined by stack `{other}`",
                            router.name
                        ),
                    )
                    .with_help("give the route another `name`"),
                );
            }
        }
    }
}

/// Who publishes a host port: (host address, stack, service).
type Publisher<'a> = (Option<&'a str>, &'a str, &'a str);

fn seg(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

fn child<'a>(path: &[&'a str], rest: &'a str) -> Vec<&'a str> {
    path.iter().copied().chain(std::iter::once(rest)).collect()
}

fn is_any(ip: &str) -> bool {
    ip == "0.0.0.0" || ip == "::" || ip == "[::]"
}

fn join_ports(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn typed_field(key: &str) -> &'static str {
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
fn has_collection_key(value: &serde_yaml::Value) -> bool {
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
fn strings_in(value: &serde_yaml::Value) -> Vec<String> {
    match value {
        serde_yaml::Value::String(s) => vec![s.clone()],
        serde_yaml::Value::Sequence(items) => items.iter().flat_map(strings_in).collect(),
        serde_yaml::Value::Mapping(map) => map.values().flat_map(strings_in).collect(),
        serde_yaml::Value::Tagged(tagged) => strings_in(&tagged.value),
        _ => Vec::new(),
    }
}

/// Variables a Compose-interpolated string refers to, following Compose's rules: `$$` is a
/// literal `$`; `$VAR` and `${VAR}` refer to VAR; `${VAR:-x}`, `${VAR-x}`, `${VAR:?e}`,
/// `${VAR?e}`, `${VAR:+x}` and `${VAR+x}` too, and their inner text is interpolated again.
pub fn variables_in(text: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let start = i + 2;
                let mut depth = 1;
                let mut j = start;
                while j < bytes.len() && depth > 0 {
                    match bytes[j] {
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth > 0 {
                    return Err(format!("`${{` without a closing `}}` in `{text}`"));
                }
                let inner = &text[start..j - 1];
                let name_end = inner
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                let name = &inner[..name_end];
                if !is_variable_name(name) {
                    return Err(format!("`${{{inner}}}` is not a valid interpolation"));
                }
                let rest = &inner[name_end..];
                let operand = ["-", ":-", "?", ":?", "+", ":+"]
                    .iter()
                    .filter(|op| rest.starts_with(**op))
                    .max_by_key(|op| op.len())
                    .map(|op| &rest[op.len()..]);
                match operand {
                    Some(operand) => found.extend(variables_in(operand)?),
                    None if rest.is_empty() => {}
                    None => {
                        return Err(format!(
                            "`${{{inner}}}` uses an operator Compose does not support"
                        ));
                    }
                }
                found.push(name.to_owned());
                i = j;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                found.push(text[start..j].to_owned());
                i = j;
            }
            // compose-go refuses a `$` that starts neither a name nor `${`.
            _ => {
                return Err(format!(
                    "a lone `$` in `{text}` is not valid Compose interpolation"
                ));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_variables_with_compose_rules() {
        assert_eq!(
            variables_in("a ${A} $B $$C ${D:-x} ${E:?need ${F}}").unwrap(),
            ["A", "B", "D", "F", "E"]
        );
        assert!(variables_in("${A").is_err());
        assert!(variables_in("${A/x/y}").is_err());
        assert!(variables_in("cost: 5$ ").is_err());
        assert_eq!(variables_in("cost: 5$$").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn names_follow_compose_rules() {
        assert!(name_problem("odoo18-prod").is_none());
        assert!(name_problem("../x").is_some());
        assert!(name_problem("Odoo").is_some());
        assert!(name_problem(".hidden").is_some());
        assert!(name_problem(&"a".repeat(64)).is_some());
    }
}
