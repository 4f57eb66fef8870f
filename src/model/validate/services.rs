//! Traefik services and names: each container's named services and the routes that pick one,
//! the stacks' backends (servers outside Docker, weighted, mirroring) and what they name, and
//! every router and service name against what both of Traefik's providers accept.

use std::collections::{BTreeMap, HashMap};

use super::{Checker, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::model::{Model, ProxyService, Router, ServiceKind};
use crate::spec::{self, Provider};

/// Why `name` cannot be a router, service or transport name in both providers, if it cannot.
/// Docker labels split keys on `.` (a name with one drops the whole container's labels), `@`
/// qualifies a name with its provider, `,` separates label lists, and `[` `]` are list
/// indexes (traefik-facts §6).
pub(super) fn traefik_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.contains('.') {
        Some("Docker labels split keys on `.`, so Traefik would drop every label of the container")
    } else if name.contains('@') {
        Some("`@` names a provider (`name@file`), so Traefik would look the name up elsewhere")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some("only ASCII letters, digits, `-` and `_` work in both providers")
    } else {
        None
    }
}

/// Whether Traefik reads `text` as a duration: whole seconds (`10`) or a Go duration
/// (`1m30s`, `500ms`), as its `ptypes.Duration` does.
pub(super) fn is_duration(text: &str) -> bool {
    if text.parse::<u64>().is_ok() {
        return true;
    }
    let mut rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    if rest == "0" {
        return true;
    }
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let number = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let digits = &rest[..number];
        if digits.is_empty() || digits == "." || digits.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[number..];
        let Some(unit) = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len())
        else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

impl Checker<'_> {
    pub(super) fn services(&mut self, model: &Model) {
        self.traefik_names(model);
        for (stack_name, stack) in &self.resolved.stacks {
            self.container_services(stack_name, stack, model);
            self.backends(stack_name, stack, model);
        }
        self.service_references(model);
        self.tls_definitions();
        self.tls_option_conflicts(model);
    }

    /// Router and service names: valid in both providers, unique (case-insensitively: Docker
    /// labels merge keys that differ only by case).
    fn traefik_names(&mut self, model: &Model) {
        let mut seen: HashMap<String, &Router> = HashMap::new();
        for router in &model.routers {
            let route = route_path(router);
            // Stack and service names are checked with the other names; what the route adds
            // (a whole name, or a suffix) is checked here.
            let written = self.route_of(router).and_then(|r| {
                r.router
                    .as_ref()
                    .map(|n| ("router", n))
                    .or_else(|| r.name.as_ref().map(|n| ("name", n)))
            });
            if let Some((field, written)) = written
                && let Some(why) = traefik_name_problem(written)
            {
                let mut at = route.clone();
                at.push(field.to_owned());
                self.push(
                    self.at(
                        &router.stack,
                        &seg(&at),
                        Code::InvalidName,
                        format!("router name `{}` is invalid: {why}", router.name),
                    )
                    .with_help("use ASCII letters, digits, `-` and `_`"),
                );
            }
            let key = router.name.to_ascii_lowercase();
            match seen.get(&key) {
                // An exact repeat is reported with the other collisions.
                Some(other) if other.name != router.name => {
                    self.push(
                        self.at(&router.stack, &seg(&route), Code::DuplicateRouter, format!("router `{}` is also defined as `{}` by stack `{}`; Traefik merges Docker labels that differ only by case", router.name, other.name, other.stack))
                            .with_help("give the route another `router` or `name`"),
                    );
                }
                _ => {
                    seen.insert(key, router);
                }
            }
        }
        let mut services: HashMap<String, &ProxyService> = HashMap::new();
        // The router whose own service each implicit service is, found by key: a scan of the
        // routers per service made validation quadratic (15,000 of each at 10,000 stacks).
        let mut implicit: HashMap<(&str, &str), &Router> = HashMap::new();
        for router in model.routers.iter().filter(|r| r.implicit_service) {
            implicit
                .entry((router.stack.as_str(), router.name.as_str()))
                .or_insert(router);
        }
        for service in &model.services {
            let own = implicit
                .get(&(service.stack.as_str(), service.name.as_str()))
                .copied();
            let path = Self::service_path(service, own);
            if service.container.is_some() && own.is_none() {
                if let Some(why) = traefik_name_problem(&service.name) {
                    self.push(
                        self.source
                            .at_key(
                                Code::InvalidName,
                                &seg(&self.owner(&service.stack, &seg(&path))),
                                format!("service name `{}` is invalid: {why}", service.name),
                            )
                            .with_help("use ASCII letters, digits, `-` and `_`"),
                    );
                }
            } else if service.container.is_none()
                && let Some(why) = traefik_name_problem(&service.name)
            {
                self.push(
                    self.source
                        .at_key(
                            Code::InvalidName,
                            &seg(&path),
                            format!("backend name `{}` is invalid: {why}", service.name),
                        )
                        .with_help("use ASCII letters, digits, `-` and `_`"),
                );
            }
            if let Some(other) = services.insert(service.name.to_ascii_lowercase(), service) {
                self.push(
                    self.at(&service.stack, &seg(&path), Code::DuplicateRouter, format!("Traefik service `{}` is also defined by stack `{}` (`{}`)", service.name, other.stack, other.name))
                        .with_help("Traefik service names are shared by the whole platform (case-insensitively, as Docker labels are read): rename one; a route without `service` gets a service named after its router"),
                );
            }
        }
    }

    /// Where a service is declared: its `traefik_services` key, its backend, or the route
    /// whose own service it is (`own`, the router of an implicit service).
    fn service_path(service: &ProxyService, own: Option<&Router>) -> Vec<String> {
        let base = vec!["stacks".to_owned(), service.stack.clone()];
        match &service.container {
            None => [base, vec!["backends".into(), service.name.clone()]].concat(),
            Some(container) => match own {
                Some(router) => route_path(router),
                None => [
                    base,
                    vec![
                        "services".into(),
                        container.clone(),
                        "traefik_services".into(),
                        service.name.clone(),
                    ],
                ]
                .concat(),
            },
        }
    }

    pub(super) fn route_of(&self, router: &Router) -> Option<&spec::Route> {
        let stack = self.resolved.stacks.get(&router.stack)?;
        if router.on_backend {
            stack
                .backends
                .get(&router.service)?
                .routes
                .get(router.route_index)
        } else {
            stack
                .services
                .get(&router.service)?
                .routes
                .as_ref()?
                .get(router.route_index)
        }
    }

    fn container_services(&mut self, stack_name: &str, stack: &spec::Stack, model: &Model) {
        for (service_name, service) in &stack.services {
            let base = ["stacks", stack_name, "services", service_name.as_str()];
            let listening: Vec<u16> = service
                .ports
                .iter()
                .flatten()
                .map(|p| p.container)
                .collect();
            for (name, lb) in &service.traefik_services {
                let at: Vec<&str> = [&base[..], &["traefik_services", name.as_str()]].concat();
                if !lb.servers.is_empty() {
                    self.push(
                        self.at(stack_name, &[&at[..], &["servers"]].concat(), Code::InvalidRoute, format!("service `{name}` of container `{service_name}` lists `servers`"))
                            .with_help("a container's service reaches the container itself on `port`; declare servers outside Docker as a backend (`stacks.<stack>.backends.<name>.loadBalancer.servers`)"),
                    );
                }
                match lb.port {
                    Some(port) if !listening.contains(&port) => self.push(
                        self.at(stack_name, &[&at[..], &["port"]].concat(), Code::RoutePort, format!("service `{name}` uses port {port}, which `{service_name}` does not listen on"))
                            .with_help(format!("add `{{ container: {port} }}` to the service's `ports`{}", super::collisions::or_one_of("use", &listening))),
                    ),
                    None if listening.len() != 1 => self.push(
                        self.at(stack_name, &at, Code::RoutePort, format!("service `{name}` cannot tell which port of `{service_name}` to use"))
                            .with_help(if listening.is_empty() { "declare the port the container listens on under the service's `ports`".to_owned() } else { format!("set `port:` to one of: {}", super::collisions::join_ports(&listening)) }),
                    ),
                    _ => {}
                }
                self.load_balancer(stack_name, &at, lb);
                let providers: std::collections::BTreeSet<Provider> = model
                    .routers
                    .iter()
                    .filter(|r| {
                        r.stack == stack_name
                            && r.service == *service_name
                            && !r.on_backend
                            && r.service_name == *name
                    })
                    .map(|r| r.provider)
                    .collect();
                if providers.len() > 1 {
                    self.push(
                        self.at(stack_name, &at, Code::InvalidRoute, format!("service `{name}` is used by routes of both providers"))
                            .with_help("a Traefik service lives in one provider: give the routes that share it the same `provider`"),
                    );
                }
            }
            for (i, route) in service.routes.iter().flatten().enumerate() {
                let index = i.to_string();
                let at: Vec<&str> = [&base[..], &["routes", index.as_str()]].concat();
                let Some(chosen) = &route.service else {
                    continue;
                };
                if !service.traefik_services.contains_key(chosen) {
                    let known = service.traefik_services.keys().map(String::as_str);
                    self.push(
                        self.at(stack_name, &[&at[..], &["service"]].concat(), Code::UnknownService, format!("`{service_name}` has no Traefik service `{chosen}`"))
                            .with_help(did_you_mean(chosen, known).unwrap_or_else(|| format!("declare it under `traefik_services` of `{service_name}` (with its `port`), or leave `service` out for a service of the route's own"))),
                    );
                }
                if route.port.is_some() {
                    self.push(
                        self.at(stack_name, &[&at[..], &["port"]].concat(), Code::InvalidRoute, format!("the route names service `{chosen}` and a `port`"))
                            .with_help("the port belongs to the service: set it in `traefik_services`, and remove it here"),
                    );
                }
            }
        }
    }

    /// Sticky cookie, health check and servers transport of a load balancer at `at`.
    fn load_balancer(&mut self, stack: &str, at: &[&str], lb: &spec::LoadBalancer) {
        if let Some(cookie) = lb.sticky.as_ref().map(|s| &s.cookie) {
            self.cookie(stack, &[at, &["sticky", "cookie"]].concat(), cookie);
        }
        if let Some(check) = &lb.health_check {
            let here: Vec<&str> = [at, &["healthCheck"]].concat();
            if !check.path.starts_with('/') {
                self.push(
                    self.at(
                        stack,
                        &[&here[..], &["path"]].concat(),
                        Code::InvalidRoute,
                        format!("health check path `{}` does not start with `/`", check.path),
                    )
                    .with_help(format!("write `/{}`", check.path)),
                );
            }
            for (field, value) in [("interval", &check.interval), ("timeout", &check.timeout)] {
                self.duration(stack, &[&here[..], &[field]].concat(), value.as_deref());
            }
            for name in check.headers.keys() {
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-^_`|~".contains(c))
                {
                    self.push(
                        self.source
                            .at_key(Code::InvalidRoute, &seg(&self.owner(stack, &[&here[..], &["headers", name.as_str()]].concat())), format!("`{name}` is not a header name Docker labels and HTTP both accept"))
                            .with_help("use letters, digits and `-` (e.g. `X-Health-Check`)"),
                    );
                }
            }
        }
        if let Some(transport) = &lb.servers_transport {
            let known = &self.source.spec.traefik.servers_transports;
            if !known.contains_key(transport) {
                self.push(
                    self.at(
                        stack,
                        &[at, &["serversTransport"]].concat(),
                        Code::UnknownTraefikObject,
                        format!("unknown servers transport `{transport}`"),
                    )
                    .with_help(
                        did_you_mean(transport, known.keys().map(String::as_str)).unwrap_or_else(
                            || "define it under `traefik.servers_transports`".into(),
                        ),
                    ),
                );
            }
        }
    }

    fn cookie(&mut self, stack: &str, at: &[&str], cookie: &spec::Cookie) {
        if let Some(name) = &cookie.name
            && (name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)))
        {
            self.push(
                self.at(
                    stack,
                    &[at, &["name"]].concat(),
                    Code::InvalidRoute,
                    format!("`{name}` is not a cookie name"),
                )
                .with_help("use letters, digits and `-_.` (RFC 6265 token characters)"),
            );
        }
        if let Some(age) = cookie.max_age
            && age < 0
        {
            self.push(
                self.at(stack, &[at, &["maxAge"]].concat(), Code::InvalidRoute, format!("cookie `maxAge` {age} is negative"))
                    .with_help("use seconds, or 0 (the default) for a cookie that ends with the browser session"),
            );
        }
        if cookie.same_site == Some(spec::SameSite::None) && cookie.secure != Some(true) {
            self.push(
                self.at(stack, &[at, &["sameSite"]].concat(), Code::InvalidRoute, "a `sameSite: none` cookie without `secure: true`".into())
                    .with_help("browsers drop `SameSite=None` cookies that are not `Secure`: add `secure: true`"),
            );
        }
    }

    pub(super) fn duration(&mut self, stack: &str, at: &[&str], value: Option<&str>) {
        if let Some(value) = value
            && !is_duration(value)
        {
            self.push(
                self.at(
                    stack,
                    at,
                    Code::InvalidRoute,
                    format!("`{value}` is not a duration"),
                )
                .with_help(
                    "write a Go duration such as `10s`, `1m30s` or `500ms`, or whole seconds",
                ),
            );
        }
    }

    fn backends(&mut self, stack_name: &str, stack: &spec::Stack, model: &Model) {
        for (name, backend) in &stack.backends {
            let at = ["stacks", stack_name, "backends", name.as_str()];
            let kinds = [
                backend.load_balancer.is_some(),
                backend.weighted.is_some(),
                backend.mirroring.is_some(),
            ];
            if kinds.iter().filter(|k| **k).count() != 1 {
                self.push(
                    self.at(stack_name, &at, Code::InvalidRoute, format!("backend `{name}` must set exactly one of `loadBalancer`, `weighted` and `mirroring`"))
                        .with_help("`loadBalancer: { servers: [{ url: http://192.168.10.5:5000 }] }` for servers outside Docker, `weighted` for a canary, `mirroring` to copy traffic"),
                );
            }
            if let Some(lb) = &backend.load_balancer {
                let here: Vec<&str> = [&at[..], &["loadBalancer"]].concat();
                if lb.servers.is_empty() {
                    self.push(
                        self.at(
                            stack_name,
                            &here,
                            Code::InvalidRoute,
                            format!("backend `{name}` has no `servers`"),
                        )
                        .with_help("add `servers: [{ url: http://192.168.10.5:5000 }]`"),
                    );
                }
                for (field, set) in [("port", lb.port.is_some()), ("scheme", lb.scheme.is_some())] {
                    if set {
                        self.push(
                            self.at(stack_name, &[&here[..], &[field]].concat(), Code::InvalidRoute, format!("`{field}` is for a container's service; backend `{name}` has its servers' URLs"))
                                .with_help("put the scheme and port in each server's `url` (`https://nas.lan:5001`)"),
                        );
                    }
                }
                for (i, server) in lb.servers.iter().enumerate() {
                    let index = i.to_string();
                    if let Some(why) = url_problem(&server.url) {
                        self.push(
                            self.at(stack_name, &[&here[..], &["servers", index.as_str(), "url"]].concat(), Code::InvalidRoute, format!("server URL `{}` {why}", server.url))
                                .with_help("write `http://HOST:PORT` or `https://HOST:PORT`, e.g. `http://192.168.10.5:5000`"),
                        );
                    }
                    if server.weight.is_some_and(|w| w < 0) {
                        self.push(
                            self.at(
                                stack_name,
                                &[&here[..], &["servers", index.as_str(), "weight"]].concat(),
                                Code::InvalidRoute,
                                "a server weight is negative".into(),
                            )
                            .with_help("use 0 (no traffic) or a positive share"),
                        );
                    }
                }
                self.load_balancer(stack_name, &here, lb);
            }
            if let Some(weighted) = &backend.weighted {
                let here: Vec<&str> = [&at[..], &["weighted"]].concat();
                if weighted.services.is_empty() {
                    self.push(
                        self.at(stack_name, &here, Code::InvalidRoute, format!("weighted backend `{name}` has no services"))
                            .with_help("list `services: [{ name: app-stable, weight: 9 }, { name: app-next, weight: 1 }]`"),
                    );
                }
                for (i, member) in weighted.services.iter().enumerate() {
                    let index = i.to_string();
                    if member.weight <= 0 {
                        self.push(
                            self.at(
                                stack_name,
                                &[&here[..], &["services", index.as_str(), "weight"]].concat(),
                                Code::InvalidRoute,
                                format!(
                                    "weight {} of `{}` is not positive",
                                    member.weight, member.name
                                ),
                            )
                            .with_help(
                                "use a positive integer; remove the service to send it nothing",
                            ),
                        );
                    }
                }
                if let Some(cookie) = weighted.sticky.as_ref().map(|s| &s.cookie) {
                    self.cookie(
                        stack_name,
                        &[&here[..], &["sticky", "cookie"]].concat(),
                        cookie,
                    );
                }
            }
            if let Some(mirroring) = &backend.mirroring {
                let here: Vec<&str> = [&at[..], &["mirroring"]].concat();
                for (i, mirror) in mirroring.mirrors.iter().enumerate() {
                    let index = i.to_string();
                    if !(0..=100).contains(&mirror.percent) {
                        self.push(
                            self.at(
                                stack_name,
                                &[&here[..], &["mirrors", index.as_str(), "percent"]].concat(),
                                Code::InvalidRoute,
                                format!(
                                    "mirror percent {} is not between 0 and 100",
                                    mirror.percent
                                ),
                            )
                            .with_help("give the share of requests copied, 0 to 100"),
                        );
                    }
                }
                if mirroring.max_body_size.is_some_and(|s| s < -1) {
                    self.push(
                        self.at(
                            stack_name,
                            &[&here[..], &["maxBodySize"]].concat(),
                            Code::InvalidRoute,
                            "`maxBodySize` is below -1".into(),
                        )
                        .with_help("give a size in bytes, or -1 for no limit"),
                    );
                }
            }
            for (i, route) in backend.routes.iter().enumerate() {
                let index = i.to_string();
                let here: Vec<&str> = [&at[..], &["routes", index.as_str()]].concat();
                if route.provider == Some(Provider::Docker)
                    || (route.provider.is_none() && stack.provider == Some(Provider::Docker))
                {
                    let field = if route.provider.is_some() {
                        vec!["provider"]
                    } else {
                        vec![]
                    };
                    self.push(
                        self.at(stack_name, &[&here[..], &field[..]].concat(), Code::InvalidRoute, format!("backend `{name}` is not a container, so no Docker labels can declare its route"))
                            .with_help("write `provider: file` on the route: seisei writes backends and their routes to the file provider (Docker routes can still name the backend as `name@file`)"),
                    );
                }
                for (field, set) in [
                    ("service", route.service.is_some()),
                    ("port", route.port.is_some()),
                ] {
                    if set {
                        self.push(
                            self.at(
                                stack_name,
                                &[&here[..], &[field]].concat(),
                                Code::InvalidRoute,
                                format!("a route of backend `{name}` sets `{field}`"),
                            )
                            .with_help("a backend's routes go to the backend itself: remove it"),
                        );
                    }
                }
                self.route(stack_name, name, &here, route, &[], &[], false);
            }
        }
        let _ = model;
    }

    /// The services that weighted and mirroring backends name: known, and no cycle.
    fn service_references(&mut self, model: &Model) {
        let names: BTreeMap<&str, &ProxyService> = model
            .services
            .iter()
            .map(|s| (s.name.as_str(), s))
            .collect();
        for (stack_name, stack) in &self.resolved.stacks {
            for (name, backend) in &stack.backends {
                let mut refs: Vec<(Vec<String>, &str)> = Vec::new();
                let base = |rest: &[&str]| -> Vec<String> {
                    ["stacks", stack_name, "backends", name.as_str()]
                        .iter()
                        .chain(rest)
                        .map(|s| (*s).to_owned())
                        .collect()
                };
                if let Some(weighted) = &backend.weighted {
                    for (i, member) in weighted.services.iter().enumerate() {
                        refs.push((
                            base(&["weighted", "services", &i.to_string(), "name"]),
                            &member.name,
                        ));
                    }
                }
                if let Some(mirroring) = &backend.mirroring {
                    refs.push((base(&["mirroring", "service"]), &mirroring.service));
                    for (i, mirror) in mirroring.mirrors.iter().enumerate() {
                        refs.push((
                            base(&["mirroring", "mirrors", &i.to_string(), "name"]),
                            &mirror.name,
                        ));
                    }
                }
                for (path, target) in refs {
                    if target == name {
                        self.push(
                            self.at(
                                stack_name,
                                &seg(&path),
                                Code::UnknownTraefikObject,
                                format!("backend `{name}` names itself"),
                            )
                            .with_help("name the services it sends traffic to"),
                        );
                    } else if !names.contains_key(target) {
                        self.push(
                            self.at(stack_name, &seg(&path), Code::UnknownService, format!("no Traefik service `{target}`"))
                                .with_help(did_you_mean(target, names.keys().copied()).unwrap_or_else(|| "name a service of the platform: a container's `traefik_services`, a backend, or a route's own service (its router name)".into())),
                        );
                    } else if reaches(&names, target, name) {
                        self.push(
                            self.at(stack_name, &seg(&path), Code::UnknownTraefikObject, format!("backend `{name}` reaches itself through `{target}`"))
                                .with_help("weighted and mirroring services must not form a cycle: Traefik refuses them"),
                        );
                    }
                }
            }
        }
    }
}

/// Whether following weighted and mirroring members from `from` reaches `target`.
fn reaches(services: &BTreeMap<&str, &ProxyService>, from: &str, target: &str) -> bool {
    let mut stack = vec![from.to_owned()];
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = stack.pop() {
        let bare = name.trim_end_matches("@docker");
        if bare == target {
            return true;
        }
        if !seen.insert(bare.to_owned()) {
            continue;
        }
        match services.get(bare).map(|s| &s.kind) {
            Some(ServiceKind::Weighted {
                services: members, ..
            }) => {
                stack.extend(members.iter().map(|(n, _)| n.clone()));
            }
            Some(ServiceKind::Mirroring {
                service, mirrors, ..
            }) => {
                stack.push(service.clone());
                stack.extend(mirrors.iter().map(|(n, _)| n.clone()));
            }
            _ => {}
        }
    }
    false
}

/// Why a backend server URL is not one Traefik can dial, if it is not.
fn url_problem(url: &str) -> Option<&'static str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some("has no scheme");
    };
    if !matches!(scheme, "http" | "https" | "h2c") {
        return Some("does not start with `http://`, `https://` or `h2c://`");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Some("has no host");
    }
    if authority.contains('@') {
        return Some("carries credentials, which would be written in clear text");
    }
    None
}

/// Path of the route a router comes from.
pub(super) fn route_path(router: &Router) -> Vec<String> {
    let section = if router.on_backend {
        "backends"
    } else {
        "services"
    };
    vec![
        "stacks".into(),
        router.stack.clone(),
        section.into(),
        router.service.clone(),
        "routes".into(),
        router.route_index.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::{is_duration, traefik_name_problem};

    #[test]
    fn durations_follow_go_and_traefik() {
        for ok in ["10s", "1m30s", "500ms", "0", "30", "1.5h", "2h45m"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["", "s", "10 s", "1d", "ten", "1..5s"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn names_must_survive_both_providers() {
        assert!(traefik_name_problem("odoo-web_2").is_none());
        assert!(traefik_name_problem("app.v2").is_some());
        assert!(traefik_name_problem("x@file").is_some());
        assert!(traefik_name_problem("a,b").is_some());
        assert!(traefik_name_problem("").is_some());
    }
}
