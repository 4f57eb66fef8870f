//! Middlewares: every option value as Traefik would take it (Go durations, Go regular
//! expressions, status ranges, CIDR ranges, URLs), every reference (chain members, external
//! `name@provider` names, plugins, the errors service), chain cycles, users files and
//! certificates on a Traefik mount, and forwardAuth addresses that point into the platform.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::Checker;
use crate::diagnostics::{Code, did_you_mean, name_list};
use crate::model::Model;
use crate::spec::{Middleware, TcpMiddleware};

/// Provider names Traefik knows (`providers.precedence` accepts these); `internal` is
/// Traefik's own (`noop@internal`, `api@internal`).
const PROVIDERS: &[&str] = &[
    "file",
    "docker",
    "swarm",
    "kubernetescrd",
    "kubernetes",
    "kubernetesgateway",
    "consulcatalog",
    "nomad",
    "ecs",
    "http",
    "redis",
    "etcd",
    "consul",
    "zookeeper",
    "rest",
    "internal",
    "plugin",
];

impl Checker<'_> {
    pub(super) fn middlewares(&mut self, model: &Model) {
        let t = &self.source.spec.traefik;
        for (i, external) in t.external_middlewares.iter().enumerate() {
            let at = ["traefik", "external_middlewares", &i.to_string()];
            match external.split_once('@') {
                Some((name, provider))
                    if is_name(name) && PROVIDERS.contains(&provider) && !provider.is_empty() =>
                {
                    if provider == "file" && t.middlewares.contains_key(name) {
                        self.push(
                            self.source
                                .at(Code::UnknownMiddleware, &at, format!("`{external}` is also a middleware of the platform, which seisei writes to the file provider"))
                                .with_help(format!("rename one of them, or drop `{external}` from `external_middlewares`")),
                        );
                    }
                }
                _ => self.push(
                    self.source
                        .at(
                            Code::InvalidOption,
                            &at,
                            format!("external middleware `{external}` is not `name@provider`"),
                        )
                        .with_help(format!(
                            "write the name Traefik shows, e.g. `auth@file`; providers: {}",
                            PROVIDERS.join(", ")
                        )),
                ),
            }
        }
        for (name, m) in &t.middlewares {
            self.middleware_values(model, name, m);
        }
        for (name, m) in &t.tcp_middlewares {
            let base = ["traefik", "tcp_middlewares", name.as_str()];
            if let TcpMiddleware::IpAllowList(allow) = m {
                for (i, range) in allow.source_range.iter().enumerate() {
                    let at = [
                        base[0],
                        base[1],
                        base[2],
                        "ipAllowList",
                        "sourceRange",
                        &i.to_string(),
                    ];
                    self.cidr(&at, range);
                }
            }
        }
        self.chain_cycles();
    }

    fn middleware_values(&mut self, model: &Model, name: &str, m: &Middleware) {
        let kind = m.kind();
        let at = |field: &str| -> Vec<String> {
            ["traefik", "middlewares", name, kind]
                .iter()
                .map(|s| (*s).to_owned())
                .chain(
                    field
                        .split('.')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                )
                .collect()
        };
        macro_rules! at {
            ($field:expr) => {
                &at($field).iter().map(String::as_str).collect::<Vec<_>>()
            };
        }
        match m {
            Middleware::AddPrefix(p) => self.path_value(at!("prefix"), &p.prefix),
            Middleware::ReplacePath(p) => self.path_value(at!("path"), &p.path),
            Middleware::StripPrefix(p) => {
                for (i, prefix) in p.prefixes.iter().enumerate() {
                    self.path_value(at!(&format!("prefixes.{i}")), prefix);
                }
            }
            Middleware::StripPrefixRegex(p) => {
                for (i, re) in p.regex.iter().enumerate() {
                    self.go_regex(at!(&format!("regex.{i}")), re);
                }
            }
            Middleware::ReplacePathRegex(p) => self.go_regex(at!("regex"), &p.regex),
            Middleware::RedirectRegex(p) => self.go_regex(at!("regex"), &p.regex),
            Middleware::RedirectScheme(p) => {
                if !matches!(p.scheme.as_str(), "http" | "https") {
                    self.invalid(
                        at!("scheme"),
                        format!("scheme `{}` is neither `http` nor `https`", p.scheme),
                        "write `https` (or `http`)",
                    );
                }
                if let Some(port) = &p.port
                    && port.parse::<u16>().is_err()
                {
                    self.invalid(
                        at!("port"),
                        format!("port `{port}` is not a port number"),
                        "write the port as a quoted number, e.g. \"8443\"",
                    );
                }
            }
            Middleware::BasicAuth(a) | Middleware::DigestAuth(a) => {
                if a.users.is_empty() && a.users_file.is_none() {
                    self.invalid(
                        at!(""),
                        format!("`{kind}` has neither `users` nor `usersFile`"),
                        "list `users` (`name:hash`) or give a `usersFile` on a Traefik mount",
                    );
                }
                let parts = if kind == "digestAuth" { 3 } else { 2 };
                for (i, user) in a.users.iter().enumerate() {
                    if user.split(':').count() < parts || user.starts_with(':') {
                        let shape = if parts == 3 {
                            "user:realm:hash"
                        } else {
                            "user:hash"
                        };
                        self.invalid(at!(&format!("users.{i}")), format!("user entry is not `{shape}`"), "generate it with `htpasswd -nB USER` (basicAuth) or `htdigest` (digestAuth)");
                    }
                }
                if let Some(file) = &a.users_file {
                    self.on_mount(model, at!("usersFile"), file, "users file");
                }
            }
            Middleware::ForwardAuth(f) => {
                self.forward_auth_address(model, at!("address"), &f.address);
                if let Some(re) = &f.auth_response_headers_regex {
                    self.go_regex(at!("authResponseHeadersRegex"), re);
                }
                if let Some(tls) = &f.tls {
                    for (field, path) in [("ca", &tls.ca), ("cert", &tls.cert), ("key", &tls.key)] {
                        if let Some(path) = path {
                            self.on_mount(
                                model,
                                at!(&format!("tls.{field}")),
                                path,
                                "certificate file",
                            );
                        }
                    }
                    if tls.cert.is_some() != tls.key.is_some() {
                        self.invalid(
                            at!("tls"),
                            "`tls` has a `cert` without a `key`, or a `key` without a `cert`"
                                .into(),
                            "give both",
                        );
                    }
                }
            }
            Middleware::Headers(h) => {
                for (i, re) in h.access_control_allow_origin_list_regex.iter().enumerate() {
                    self.go_regex(at!(&format!("accessControlAllowOriginListRegex.{i}")), re);
                }
                for (field, headers) in [
                    ("customRequestHeaders", &h.custom_request_headers),
                    ("customResponseHeaders", &h.custom_response_headers),
                ] {
                    for header in headers.keys() {
                        if !is_token(header) {
                            self.invalid(
                                at!(&format!("{field}.{header}")),
                                format!("`{header}` is not a valid header name"),
                                "header names are letters, digits and `!#$%&'*+-.^_`|~`",
                            );
                        }
                    }
                }
            }
            Middleware::IpAllowList(allow) => {
                for (i, range) in allow.source_range.iter().enumerate() {
                    self.cidr(at!(&format!("sourceRange.{i}")), range);
                }
                if let Some(strategy) = &allow.ip_strategy {
                    for (i, range) in strategy.excluded_ips.iter().enumerate() {
                        self.cidr(at!(&format!("ipStrategy.excludedIPs.{i}")), range);
                    }
                }
                if let Some(code) = allow.reject_status_code {
                    self.status_code(at!("rejectStatusCode"), code);
                }
            }
            Middleware::RateLimit(r) => {
                if let Some(period) = &r.period {
                    self.middleware_duration(at!("period"), period);
                }
                if let Some(c) = &r.source_criterion {
                    self.source_criterion(at!("sourceCriterion"), c);
                }
            }
            Middleware::InFlightReq(r) => {
                if r.amount == 0 {
                    self.invalid(
                        at!("amount"),
                        "`amount` is 0, which refuses every request".into(),
                        "allow at least 1 request at once",
                    );
                }
                if let Some(c) = &r.source_criterion {
                    self.source_criterion(at!("sourceCriterion"), c);
                }
            }
            Middleware::Retry(r) => {
                if r.attempts == 0 {
                    self.invalid(
                        at!("attempts"),
                        "`attempts` is 0".into(),
                        "Traefik needs at least 1 attempt",
                    );
                }
                if let Some(interval) = &r.initial_interval {
                    self.middleware_duration(at!("initialInterval"), interval);
                }
            }
            Middleware::CircuitBreaker(c) => {
                if c.expression.trim().is_empty() {
                    self.invalid(
                        at!("expression"),
                        "empty circuit-breaker expression".into(),
                        "write e.g. `NetworkErrorRatio() > 0.30`",
                    );
                }
                for (field, value) in [
                    ("checkPeriod", &c.check_period),
                    ("fallbackDuration", &c.fallback_duration),
                    ("recoveryDuration", &c.recovery_duration),
                ] {
                    if let Some(value) = value {
                        self.middleware_duration(at!(field), value);
                    }
                }
                if let Some(code) = c.response_code {
                    self.status_code(at!("responseCode"), code);
                }
            }
            Middleware::Compress(c) => {
                for (i, encoding) in c.encodings.iter().enumerate() {
                    if !matches!(encoding.as_str(), "zstd" | "br" | "gzip") {
                        self.invalid(
                            at!(&format!("encodings.{i}")),
                            format!("unknown encoding `{encoding}`"),
                            "Traefik compresses with `zstd`, `br` and `gzip`",
                        );
                    }
                }
                if let Some(encoding) = &c.default_encoding
                    && !matches!(encoding.as_str(), "zstd" | "br" | "gzip" | "identity")
                {
                    self.invalid(
                        at!("defaultEncoding"),
                        format!("unknown encoding `{encoding}`"),
                        "use `zstd`, `br`, `gzip` or `identity`",
                    );
                }
            }
            Middleware::Errors(e) => {
                for (i, status) in e.status.iter().enumerate() {
                    if !is_status_range(status) {
                        self.invalid(
                            at!(&format!("status.{i}")),
                            format!("`{status}` is not a status or a range of statuses"),
                            "write a status such as `404` or a range such as `500-599`",
                        );
                    }
                }
                self.errors_service(model, at!("service"), &e.service);
            }
            Middleware::Buffering(b) => {
                if let Some(expression) = &b.retry_expression
                    && expression.trim().is_empty()
                {
                    self.invalid(
                        at!("retryExpression"),
                        "empty retry expression".into(),
                        "write e.g. `IsNetworkError() && Attempts() < 2`, or drop the key",
                    );
                }
            }
            Middleware::Plugin(plugins) => {
                let declared: Vec<&str> = self
                    .source
                    .spec
                    .traefik
                    .experimental
                    .iter()
                    .flat_map(|e| e.plugins.keys())
                    .map(String::as_str)
                    .collect();
                if plugins.len() != 1 {
                    self.invalid(at!(""), format!("`plugin` names {} plugins", plugins.len()), "a plugin middleware uses exactly one plugin: `plugin: { NAME: { options } }`");
                }
                for plugin in plugins.keys() {
                    if !declared.contains(&plugin.as_str()) {
                        let d = self.source.at(
                            Code::UnknownMiddleware,
                            at!(plugin),
                            format!("unknown plugin `{plugin}`"),
                        );
                        let help = did_you_mean(plugin, declared.iter().copied()).unwrap_or_else(|| format!("declare it under `traefik.experimental.plugins.{plugin}` with its `moduleName` and `version`"));
                        self.push(d.with_help(help));
                    }
                }
            }
            Middleware::Chain(c) => {
                for (i, member) in c.middlewares.iter().enumerate() {
                    let path = at(&format!("middlewares.{i}"));
                    let path: Vec<&str> = path.iter().map(String::as_str).collect();
                    self.middleware_ref(&path, member, None);
                }
            }
            Middleware::ContentType(_)
            | Middleware::GrpcWeb(_)
            | Middleware::PassTlsClientCert(_) => {}
        }
    }

    fn invalid(&mut self, at: &[&str], message: String, help: &str) {
        self.push(
            self.source
                .at(Code::InvalidOption, at, message)
                .with_help(help),
        );
    }

    fn path_value(&mut self, at: &[&str], path: &str) {
        if !path.starts_with('/') {
            self.invalid(
                at,
                format!("`{path}` does not start with `/`"),
                "write the path from its first `/`",
            );
        }
    }

    fn go_regex(&mut self, at: &[&str], pattern: &str) {
        if let Some(problem) = go_regex_problem(pattern) {
            self.invalid(at, format!("invalid regular expression: {problem}"), "Traefik compiles it with Go's regexp (RE2 syntax): no look-around, no backreferences");
        }
    }

    fn middleware_duration(&mut self, at: &[&str], value: &str) {
        if !is_go_duration(value) {
            self.invalid(
                at,
                format!("`{value}` is not a duration"),
                "write a Go duration such as `10s`, `1m30s` or `250ms` (a bare number is seconds)",
            );
        }
    }

    fn status_code(&mut self, at: &[&str], code: u16) {
        if !(100..=599).contains(&code) {
            self.invalid(
                at,
                format!("{code} is not an HTTP status"),
                "use a status from 100 to 599",
            );
        }
    }

    fn cidr(&mut self, at: &[&str], value: &str) {
        if !is_ip_range(value) {
            self.invalid(
                at,
                format!("`{value}` is neither an IP address nor a CIDR range"),
                "write e.g. `192.168.1.7`, `10.0.0.0/8` or `2001:db8::/32`",
            );
        }
    }

    fn source_criterion(&mut self, at: &[&str], c: &crate::spec::SourceCriterion) {
        let set = usize::from(c.ip_strategy.is_some())
            + usize::from(c.request_header_name.is_some())
            + usize::from(c.request_host == Some(true));
        if set > 1 {
            self.invalid(
                at,
                "`sourceCriterion` sets more than one criterion".into(),
                "keep one of `ipStrategy`, `requestHeaderName`, `requestHost`",
            );
        }
        if let Some(strategy) = &c.ip_strategy {
            for (i, range) in strategy.excluded_ips.iter().enumerate() {
                let index = i.to_string();
                let path: Vec<&str> = at
                    .iter()
                    .copied()
                    .chain(["ipStrategy", "excludedIPs", index.as_str()])
                    .collect();
                self.cidr(&path, range);
            }
        }
    }

    /// A users file or certificate is read inside the Traefik container: it must be on one of
    /// its mounts, or Traefik disables the middleware and every router that uses it.
    pub(super) fn on_mount(&mut self, model: &Model, at: &[&str], path: &str, what: &str) {
        let Some(proxy) = proxy_service(model) else {
            return;
        };
        let mounted = proxy.mounts.iter().any(|m| {
            let target = m.target.trim_end_matches('/');
            path == target
                || path
                    .strip_prefix(target)
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        if !mounted {
            let targets = name_list(proxy.mounts.iter().map(|m| m.target.as_str()), 8);
            self.push(
                self.source
                    .at(Code::NotOnMount, at, format!("{what} `{path}` is not on a mount of the Traefik container"))
                    .with_help(format!("mount it into `{}` (add a `bind` under its `mounts`), or move it under a mounted folder ({targets})", proxy.name)),
            );
        }
    }

    /// `http://NAME:PORT/…` with a bare NAME points inside the platform: NAME must be a
    /// container (or Compose service) that shares a network with Traefik, listening on PORT.
    fn forward_auth_address(&mut self, model: &Model, at: &[&str], address: &str) {
        let Some((scheme, host, port)) = split_url(address) else {
            self.invalid(at, format!("`{address}` is not an http:// or https:// URL"), "write the authentication server's URL, e.g. `http://authelia:9091/api/authz/forward-auth`");
            return;
        };
        let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
        self.platform_target(model, at, host, port, "forwardAuth address");
    }

    /// `NAME:PORT` that a Traefik setting dials. A bare NAME (no dot, not an IP address)
    /// points inside the platform: it must be a container (or Compose service) that shares a
    /// network with Traefik and listens on PORT.
    pub(super) fn platform_target(
        &mut self,
        model: &Model,
        at: &[&str],
        host: &str,
        port: u16,
        what: &str,
    ) {
        if host.contains('.')
            || host.parse::<IpAddr>().is_ok()
            || host.starts_with('[')
            || host == "localhost"
        {
            return;
        }
        let traefik = &self.source.spec.traefik;
        let proxy_networks: Vec<String> = proxy_service(model)
            .map(|p| p.networks.clone())
            .unwrap_or_default();
        let mut names: Vec<&str> = Vec::new();
        let mut found = None;
        for stack in &model.stacks {
            for service in &stack.services {
                names.push(&service.container_name);
                if service.container_name == host || service.name == host {
                    found = Some((stack, service));
                }
            }
        }
        match found {
            None => {
                let help = did_you_mean(host, names.iter().copied()).unwrap_or_else(|| "name a container of the platform (its `container_name`), or a full host name for a server outside it".into());
                self.push(
                    self.source
                        .at(
                            Code::UnknownTarget,
                            at,
                            format!("{what} names `{host}`, which is no container of the platform"),
                        )
                        .with_help(help),
                );
            }
            Some((stack, service)) => {
                if !service.ports.iter().any(|p| p.container == port) {
                    let listening = name_list(
                        service
                            .ports
                            .iter()
                            .map(|p| p.container.to_string())
                            .collect::<Vec<_>>()
                            .iter()
                            .map(String::as_str),
                        8,
                    );
                    self.push(self.source.at(Code::UnknownTarget, at, format!("{what} uses port {port}, on which `{host}` does not listen")).with_help(format!("use one of its ports ({listening}), or add {port} to `stacks.{}.services.{}.ports`", stack.name, service.name)));
                } else if !service.networks.iter().any(|n| proxy_networks.contains(n)) {
                    self.push(
                        self.source
                            .at(
                                Code::UnknownTarget,
                                at,
                                format!("Traefik cannot reach `{host}`: they share no network"),
                            )
                            .with_help(format!(
                                "put `{}` on a network of the Traefik service, e.g. `{}`",
                                service.name, traefik.network
                            )),
                    );
                }
            }
        }
    }

    fn errors_service(&mut self, model: &Model, at: &[&str], service: &str) {
        let services: Vec<&str> = model
            .routers
            .iter()
            .filter(|r| r.provider == crate::spec::Provider::File)
            .map(|r| r.name.as_str())
            .collect();
        let ok = match service.split_once('@') {
            Some((name, "file")) => services.contains(&name),
            Some((_, provider)) => PROVIDERS.contains(&provider),
            None => services.contains(&service),
        };
        if !ok {
            let help = did_you_mean(service, services.iter().copied()).unwrap_or_else(|| "name the router of a file-provider route (its service has the same name), or `name@provider` for a service defined elsewhere".into());
            self.push(
                self.source
                    .at(
                        Code::UnknownService,
                        at,
                        format!("unknown Traefik service `{service}`"),
                    )
                    .with_help(help),
            );
        }
    }

    /// Chains that contain themselves: Traefik refuses every router that uses them.
    fn chain_cycles(&mut self) {
        let middlewares = &self.source.spec.traefik.middlewares;
        let members: BTreeMap<&str, Vec<&str>> = middlewares
            .iter()
            .filter_map(|(name, m)| match m {
                Middleware::Chain(c) => Some((
                    name.as_str(),
                    c.middlewares.iter().map(String::as_str).collect(),
                )),
                _ => None,
            })
            .collect();
        let mut reported: Vec<Vec<&str>> = Vec::new();
        for start in members.keys() {
            let mut path = vec![*start];
            if let Some(cycle) = find_cycle(&members, &mut path)
                && !reported.iter().any(|r| same_cycle(r, &cycle))
            {
                self.push(
                    self.source
                        .at(Code::MiddlewareCycle, &["traefik", "middlewares", cycle[0], "chain", "middlewares"], format!("chain `{}` contains itself: {}", cycle[0], cycle.join(" -> ")))
                        .with_help("remove one of these members; a chain's members must not lead back to it"),
                );
                reported.push(cycle);
            }
        }
    }

    /// Whether a middleware (declared) authenticates, by itself or as a chain member.
    pub(super) fn authenticates(&self, name: &str, depth: usize) -> bool {
        let name = name.strip_suffix("@file").unwrap_or(name);
        match self.source.spec.traefik.middlewares.get(name) {
            Some(Middleware::Chain(c)) if depth < 16 => c
                .middlewares
                .iter()
                .any(|m| self.authenticates(m, depth + 1)),
            Some(m) => m.authenticates(),
            None => false,
        }
    }
}

fn find_cycle<'a>(
    members: &BTreeMap<&'a str, Vec<&'a str>>,
    path: &mut Vec<&'a str>,
) -> Option<Vec<&'a str>> {
    let last = *path.last()?;
    for next in members.get(last).into_iter().flatten() {
        if *next == path[0] {
            let mut cycle = path.clone();
            cycle.push(next);
            return Some(cycle);
        }
        if !path.contains(next) && members.contains_key(next) {
            path.push(next);
            if let Some(cycle) = find_cycle(members, path) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}

fn same_cycle(a: &[&str], b: &[&str]) -> bool {
    let mut a: Vec<&str> = a[1..].to_vec();
    let mut b: Vec<&str> = b[1..].to_vec();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

fn proxy_service(model: &Model) -> Option<&crate::model::Service> {
    model
        .stacks
        .iter()
        .find(|s| s.name == model.traefik.stack)?
        .services
        .iter()
        .find(|s| s.name == model.traefik.service)
}

/// A middleware or router name Traefik accepts in both providers.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// An HTTP header name (RFC 9110 token).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Go's `time.ParseDuration`, plus the bare integer seconds Traefik's duration type accepts.
pub(super) fn is_go_duration(value: &str) -> bool {
    if value.parse::<i64>().is_ok() {
        return true;
    }
    let mut rest = value.strip_prefix(['+', '-']).unwrap_or(value);
    if rest == "0" {
        return true;
    }
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_end];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..unit_end],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return false;
        }
        rest = &rest[unit_end..];
    }
    true
}

/// `404` or `500-599`, as the errors middleware and access-log filters read them.
pub(super) fn is_status_range(value: &str) -> bool {
    let code = |s: &str| s.len() == 3 && s.parse::<u16>().is_ok_and(|c| (100..=599).contains(&c));
    match value.split_once('-') {
        Some((a, b)) => code(a) && code(b) && a <= b,
        None => code(value),
    }
}

/// An IP address or a CIDR range, as Go's `net.ParseIP` / `net.ParseCIDR` take them.
pub(super) fn is_ip_range(value: &str) -> bool {
    match value.split_once('/') {
        None => value.parse::<IpAddr>().is_ok(),
        Some((address, prefix)) => {
            let Ok(address) = address.parse::<IpAddr>() else {
                return false;
            };
            let max = if address.is_ipv4() { 32 } else { 128 };
            !prefix.is_empty()
                && prefix.bytes().all(|b| b.is_ascii_digit())
                && prefix.parse::<u32>().is_ok_and(|p| p <= max)
        }
    }
}

/// Scheme, host and port of an `http://` or `https://` URL.
fn split_url(url: &str) -> Option<(&str, &str, Option<u16>)> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6.split_once(']')?;
        (&authority[..inside.len() + 2], after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    (!host.is_empty()).then_some((scheme, host, port))
}

/// Why Go's regexp would refuse `pattern`, checked the way rules check `PathRegexp`.
pub(super) fn go_regex_problem(pattern: &str) -> Option<String> {
    use crate::traefik::rule::{Kind, parse};
    let rule = format!("PathRegexp({})", crate::encode::go::string_literal(pattern));
    match parse(&rule, Kind::Http) {
        Ok(_) => None,
        Err(e) => Some(
            e.message
                .trim_start_matches("invalid regular expression in `PathRegexp`: ")
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_go() {
        for ok in [
            "10s",
            "1m30s",
            "250ms",
            "1.5h",
            "0",
            "30",
            "-1s",
            "2h45m0.5s",
        ] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "s", "10 s", "1d", "1..5s", "ten"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }

    #[test]
    fn statuses_and_ranges() {
        assert!(is_status_range("404"));
        assert!(is_status_range("500-599"));
        assert!(!is_status_range("599-500"));
        assert!(!is_status_range("5xx"));
        assert!(!is_status_range("600"));
    }

    #[test]
    fn urls_split() {
        assert_eq!(
            split_url("http://authelia:9091/api/verify"),
            Some(("http", "authelia", Some(9091)))
        );
        assert_eq!(
            split_url("https://sso.example.com"),
            Some(("https", "sso.example.com", None))
        );
        assert_eq!(split_url("ftp://x"), None);
        assert_eq!(split_url("http://x:99999"), None);
        assert!(go_regex_problem("^/(a|b)$").is_none());
        assert!(go_regex_problem("(?<=a)b").is_some());
        assert!(is_ip_range("10.0.0.0/8") && !is_ip_range("10.0.0.0/33"));
    }
}
