//! The static side of the edge proxy: entry point addresses and the ports the Traefik
//! container publishes for them, entry-point options, `ping`, `metrics`, `accessLog`, `log`,
//! ACME options, the Docker endpoint, plugins, and the dashboard (its host, path and, on a
//! public entry point, its authentication).

use super::Checker;
use super::middleware::{is_go_duration, is_ip_range, is_status_range};
use crate::diagnostics::{Code, did_you_mean, name_list};
use crate::model::Model;
use crate::spec::Protocol;

/// An entry point address: its host part (empty for all addresses), port and protocol.
pub(super) fn parse_address(address: &str) -> Option<(&str, u16, Protocol)> {
    let (rest, protocol) = match address.rsplit_once('/') {
        Some((rest, "udp")) => (rest, Protocol::Udp),
        Some((rest, "tcp")) => (rest, Protocol::Tcp),
        Some(_) => return None,
        None => (address, Protocol::Tcp),
    };
    let (host, port) = rest.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((host, port.parse().ok()?, protocol))
}

impl Checker<'_> {
    pub(super) fn edge(&mut self, model: &Model) {
        let t = &self.source.spec.traefik;
        let proxy = model
            .stacks
            .iter()
            .find(|s| s.name == t.stack)
            .and_then(|s| s.services.iter().find(|svc| svc.name == t.service));
        let entrypoints: Vec<&str> = t.entrypoints.keys().map(String::as_str).collect();
        for (name, e) in &t.entrypoints {
            let at = ["traefik", "entrypoints", name.as_str()];
            let Some((_, port, protocol)) = parse_address(&e.address) else {
                self.push(
                    self.source
                        .at(
                            Code::InvalidOption,
                            &[at[0], at[1], at[2], "address"],
                            format!(
                                "entry point address `{}` is not `[HOST]:PORT[/tcp|/udp]`",
                                e.address
                            ),
                        )
                        .with_help("write e.g. `:443`, `127.0.0.1:8080` or `:51820/udp`"),
                );
                continue;
            };
            let mut needed = vec![(port, protocol)];
            if e.http3.is_some() {
                // HTTP/3 listens on the same port number over UDP.
                needed.push((port, Protocol::Udp));
            }
            if let Some(proxy) = proxy {
                for (port, protocol) in needed {
                    if !proxy
                        .ports
                        .iter()
                        .any(|p| p.container == port && p.protocol == protocol)
                    {
                        let proto = if protocol == Protocol::Udp {
                            "udp"
                        } else {
                            "tcp"
                        };
                        let why = if e.http3.is_some() && protocol == Protocol::Udp {
                            " (HTTP/3 runs over UDP on the same port)"
                        } else {
                            ""
                        };
                        self.push(
                            self.source
                                .at(Code::UnpublishedEntrypoint, &[at[0], at[1], at[2], "address"], format!("entry point `{name}` listens on {port}/{proto}, which the Traefik container `{}` neither publishes nor exposes{why}", proxy.container_name))
                                .with_help(format!("add `{{ container: {port}, publish: true{} }}` to the `ports` of `stacks.{}.services.{}`", if protocol == Protocol::Udp { ", protocol: udp" } else { "" }, t.stack, t.service)),
                        );
                    }
                }
            }
            if let Some(resolver) = &e.cert_resolver {
                self.resolver_ref(&[at[0], at[1], at[2], "cert_resolver"], resolver, None);
            }
            if !e.tls && (e.cert_resolver.is_some() || !e.tls_domains.is_empty()) {
                self.push(
                    self.source
                        .at(
                            Code::InvalidOption,
                            &at,
                            format!("entry point `{name}` sets TLS defaults but not `tls: true`"),
                        )
                        .with_help("add `tls: true`, or drop `cert_resolver` and `tls_domains`"),
                );
            }
            let trusted = [
                (
                    "proxyProtocol",
                    e.proxy_protocol.as_ref().map(|p| &p.trusted_ips),
                ),
                (
                    "forwardedHeaders",
                    e.forwarded_headers.as_ref().map(|p| &p.trusted_ips),
                ),
            ];
            for (block, ranges) in trusted {
                for (i, range) in ranges.into_iter().flatten().enumerate() {
                    if !is_ip_range(range) {
                        let index = i.to_string();
                        self.push(
                            self.source
                                .at(
                                    Code::InvalidOption,
                                    &[at[0], at[1], at[2], block, "trustedIPs", &index],
                                    format!("`{range}` is neither an IP address nor a CIDR range"),
                                )
                                .with_help("write e.g. `10.0.0.0/8` or `192.168.1.7`"),
                        );
                    }
                }
            }
            let mut durations: Vec<(Vec<&str>, &String)> = Vec::new();
            if let Some(transport) = &e.transport {
                if let Some(r) = &transport.responding_timeouts {
                    for (field, value) in [
                        ("readTimeout", &r.read_timeout),
                        ("writeTimeout", &r.write_timeout),
                        ("idleTimeout", &r.idle_timeout),
                    ] {
                        if let Some(value) = value {
                            durations.push((vec!["transport", "respondingTimeouts", field], value));
                        }
                    }
                }
                if let Some(l) = &transport.life_cycle {
                    for (field, value) in [
                        ("graceTimeOut", &l.grace_time_out),
                        ("requestAcceptGraceTimeout", &l.request_accept_grace_timeout),
                    ] {
                        if let Some(value) = value {
                            durations.push((vec!["transport", "lifeCycle", field], value));
                        }
                    }
                }
                if let Some(value) = &transport.keep_alive_max_time {
                    durations.push((vec!["transport", "keepAliveMaxTime"], value));
                }
            }
            if let Some(value) = e.udp.as_ref().and_then(|u| u.timeout.as_ref()) {
                if protocol != Protocol::Udp {
                    self.push(
                        self.source
                            .at(
                                Code::InvalidOption,
                                &[at[0], at[1], at[2], "udp"],
                                format!("entry point `{name}` is not a UDP one"),
                            )
                            .with_help("end its address with `/udp`, or drop `udp`"),
                    );
                }
                durations.push((vec!["udp", "timeout"], value));
            }
            for (rest, value) in durations {
                let path: Vec<&str> = at.iter().copied().chain(rest).collect();
                self.duration_at(&path, value);
            }
        }

        let ping_at = t
            .ping
            .as_ref()
            .map(|p| (vec!["traefik", "ping", "entryPoint"], p.entry_point.clone()));
        let metrics_at = t
            .metrics
            .as_ref()
            .and_then(|m| m.prometheus.as_ref())
            .map(|p| {
                (
                    vec!["traefik", "metrics", "prometheus", "entryPoint"],
                    p.entry_point.clone(),
                )
            });
        for (path, entry_point) in ping_at.into_iter().chain(metrics_at) {
            match entry_point {
                None => self.push(
                    self.source
                        .at(Code::UnknownEntrypoint, &path[..path.len() - 1], "no `entryPoint`: Traefik would open an entry point `traefik` on :8080 that seisei does not know")
                        .with_help(format!("name one of the entry points ({})", name_list(entrypoints.iter().copied(), 10))),
                ),
                Some(name) if !t.entrypoints.contains_key(&name) => self.push(
                    self.source
                        .at(Code::UnknownEntrypoint, &path, format!("unknown entry point `{name}`"))
                        .with_help(did_you_mean(&name, entrypoints.iter().copied()).unwrap_or_else(|| "define it under `traefik.entrypoints`".into())),
                ),
                Some(_) => {}
            }
        }
        if let Some(buckets) = t
            .metrics
            .as_ref()
            .and_then(|m| m.prometheus.as_ref())
            .map(|p| &p.buckets)
            && buckets.windows(2).any(|w| w[0] >= w[1])
        {
            self.push(
                self.source
                    .at(
                        Code::InvalidOption,
                        &["traefik", "metrics", "prometheus", "buckets"],
                        "Prometheus buckets are not increasing",
                    )
                    .with_help("list the bucket bounds in seconds, smallest first"),
            );
        }

        if let Some(log) = &t.log {
            if log.level.is_some() && t.log_level.is_some() {
                self.push(
                    self.source
                        .at(
                            Code::InvalidOption,
                            &["traefik", "log_level"],
                            "`log_level` and `log.level` are both set",
                        )
                        .with_help("keep `log.level`"),
                );
            }
            self.one_of(
                &["traefik", "log", "format"],
                log.format.as_deref(),
                &["common", "json"],
            );
        }
        let level = t
            .log
            .as_ref()
            .and_then(|l| l.level.as_deref())
            .or(t.log_level.as_deref());
        let level_at: &[&str] = if t.log.as_ref().is_some_and(|l| l.level.is_some()) {
            &["traefik", "log", "level"]
        } else {
            &["traefik", "log_level"]
        };
        self.one_of(
            level_at,
            level,
            &["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "PANIC"],
        );
        if let Some(access) = &t.access_log {
            self.one_of(
                &["traefik", "accessLog", "format"],
                access.format.as_deref(),
                &["common", "json", "genericCLF"],
            );
            if let Some(filters) = &access.filters {
                for (i, status) in filters.status_codes.iter().enumerate() {
                    if !is_status_range(status) {
                        let index = i.to_string();
                        self.push(
                            self.source
                                .at(
                                    Code::InvalidOption,
                                    &["traefik", "accessLog", "filters", "statusCodes", &index],
                                    format!("`{status}` is not a status or a range of statuses"),
                                )
                                .with_help("write e.g. `404` or `400-599`"),
                        );
                    }
                }
                if let Some(d) = &filters.min_duration {
                    self.duration_at(&["traefik", "accessLog", "filters", "minDuration"], d);
                }
            }
            if let Some(fields) = &access.fields {
                let field_modes = ["keep", "drop", "redact"];
                self.one_of(
                    &["traefik", "accessLog", "fields", "defaultMode"],
                    fields.default_mode.as_deref(),
                    &field_modes,
                );
                for (field, mode) in &fields.names {
                    self.one_of(
                        &["traefik", "accessLog", "fields", "names", field],
                        Some(mode),
                        &field_modes,
                    );
                }
                if let Some(headers) = &fields.headers {
                    self.one_of(
                        &["traefik", "accessLog", "fields", "headers", "defaultMode"],
                        headers.default_mode.as_deref(),
                        &field_modes,
                    );
                    for (header, mode) in &headers.names {
                        self.one_of(
                            &["traefik", "accessLog", "fields", "headers", "names", header],
                            Some(mode),
                            &field_modes,
                        );
                    }
                }
            }
        }

        for (name, r) in &t.cert_resolvers {
            let at = ["traefik", "cert_resolvers", name.as_str()];
            self.one_of(
                &[at[0], at[1], at[2], "keyType"],
                r.key_type.as_deref(),
                &["EC256", "EC384", "RSA2048", "RSA4096", "RSA8192"],
            );
            if let Some(server) = &r.ca_server
                && !server.starts_with("https://")
            {
                self.push(self.source.at(Code::InvalidOption, &[at[0], at[1], at[2], "caServer"], format!("`{server}` is not an https:// URL")).with_help("write the ACME directory URL, e.g. `https://acme-staging-v02.api.letsencrypt.org/directory`"));
            }
            if let Some(dns) = &r.dns_challenge {
                if r.dns_challenge_provider.is_some() {
                    self.push(
                        self.source
                            .at(
                                Code::InvalidShape,
                                &[at[0], at[1], at[2], "dnsChallenge"],
                                "both `dns_challenge_provider` and `dnsChallenge` are set",
                            )
                            .with_help("keep `dnsChallenge` and move the provider into it"),
                    );
                }
                if let Some(d) = &dns.delay_before_check {
                    self.duration_at(
                        &[at[0], at[1], at[2], "dnsChallenge", "delayBeforeCheck"],
                        d,
                    );
                }
                if let Some(d) = dns
                    .propagation
                    .as_ref()
                    .and_then(|p| p.delay_before_checks.as_ref())
                {
                    self.duration_at(
                        &[
                            at[0],
                            at[1],
                            at[2],
                            "dnsChallenge",
                            "propagation",
                            "delayBeforeChecks",
                        ],
                        d,
                    );
                }
                for (i, resolver) in dns.resolvers.iter().enumerate() {
                    if resolver
                        .rsplit_once(':')
                        .is_none_or(|(h, p)| h.is_empty() || p.parse::<u16>().is_err())
                    {
                        let index = i.to_string();
                        self.push(
                            self.source
                                .at(
                                    Code::InvalidOption,
                                    &[at[0], at[1], at[2], "dnsChallenge", "resolvers", &index],
                                    format!("DNS resolver `{resolver}` is not `HOST:PORT`"),
                                )
                                .with_help("write e.g. `1.1.1.1:53`"),
                        );
                    }
                }
            }
        }

        if let Some(endpoint) = t
            .providers
            .as_ref()
            .and_then(|p| p.docker.as_ref())
            .and_then(|d| d.endpoint.as_ref())
            && !(endpoint.starts_with("unix:///")
                || endpoint.starts_with("tcp://")
                || endpoint.starts_with("ssh://")
                || endpoint.starts_with("npipe://"))
        {
            self.push(self.source.at(Code::InvalidOption, &["traefik", "providers", "docker", "endpoint"], format!("Docker endpoint `{endpoint}` is not `unix://`, `tcp://`, `ssh://` or `npipe://`")).with_help("write `unix:///var/run/docker.sock` or a socket proxy such as `tcp://socket-proxy:2375`"));
        }
        if let Some(target) = t
            .providers
            .as_ref()
            .and_then(|p| p.docker.as_ref())
            .and_then(|d| d.endpoint.as_ref())
            .and_then(|e| e.strip_prefix("tcp://"))
            && let Some((host, port)) = target.trim_end_matches('/').rsplit_once(':')
            && let Ok(port) = port.parse::<u16>()
        {
            let at = ["traefik", "providers", "docker", "endpoint"];
            self.platform_target(model, &at, host, port, "Docker endpoint");
        }
        if let Some(timeout) = t
            .providers
            .as_ref()
            .and_then(|p| p.docker.as_ref())
            .and_then(|d| d.http_client_timeout.as_ref())
        {
            self.duration_at(
                &["traefik", "providers", "docker", "httpClientTimeout"],
                timeout,
            );
        }
        for (name, plugin) in t.experimental.iter().flat_map(|e| &e.plugins) {
            if !plugin.version.starts_with('v') {
                self.push(
                    self.source
                        .at(
                            Code::InvalidOption,
                            &["traefik", "experimental", "plugins", name, "version"],
                            format!("plugin version `{}` is not a tag", plugin.version),
                        )
                        .with_help("write the module's version tag, e.g. `v1.4.2`"),
                );
            }
        }

        self.dashboard(model);
    }

    fn dashboard(&mut self, model: &Model) {
        let t = &self.source.spec.traefik;
        let Some(d) = &t.dashboard else { return };
        for (i, m) in d.middlewares.iter().enumerate() {
            self.middleware_ref(
                &["traefik", "dashboard", "middlewares", &i.to_string()],
                m,
                None,
            );
        }
        if let Some(prefix) = &d.path_prefix
            && (!prefix.starts_with('/') || prefix.len() < 2)
        {
            self.push(self.source.at(Code::InvalidOption, &["traefik", "dashboard", "path_prefix"], format!("dashboard path `{prefix}` does not start with `/` or is only `/`")).with_help("write e.g. `/traefik`, or drop it to serve `/dashboard/` and `/api` at the root"));
        }
        if let Some(host) = &d.host
            && (host.is_empty()
                || !host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
        {
            self.push(
                self.source
                    .at(
                        Code::InvalidOption,
                        &["traefik", "dashboard", "host"],
                        format!("`{host}` is not a host name"),
                    )
                    .with_help("write the dashboard's own host, e.g. `traefik.example.com`"),
            );
        }
        let Some(entrypoint) = t.entrypoints.get(&d.entrypoint) else {
            return;
        };
        let Some((host, port, _)) = parse_address(&entrypoint.address) else {
            return;
        };
        let proxy = model
            .stacks
            .iter()
            .find(|s| s.name == t.stack)
            .and_then(|s| s.services.iter().find(|svc| svc.name == t.service));
        let loopback = |ip: &str| {
            ip == "localhost"
                || ip
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|a| a.is_loopback())
        };
        let public = !loopback(host)
            && proxy.is_some_and(|p| {
                p.ports.iter().any(|p| {
                    p.container == port && p.publish && !p.host_ip.as_deref().is_some_and(loopback)
                })
            });
        let guarded = d
            .middlewares
            .iter()
            .chain(&entrypoint.middlewares)
            .any(|m| self.authenticates(m, 0));
        if public && !guarded {
            self.push(
                self.source
                    .at(Code::PublicDashboard, &["traefik", "dashboard"], format!("the dashboard is on `{}`, which the Traefik container publishes on every address, and nothing authenticates it", d.entrypoint))
                    .with_help("add an auth middleware of the platform (basicAuth, digestAuth, forwardAuth, or a chain holding one) to `dashboard.middlewares`, or serve it on an entry point published on 127.0.0.1 only"),
            );
        }
    }

    fn duration_at(&mut self, at: &[&str], value: &str) {
        if !is_go_duration(value) {
            self.push(
                self.source
                    .at(
                        Code::InvalidOption,
                        at,
                        format!("`{value}` is not a duration"),
                    )
                    .with_help("write a Go duration such as `60s`, `1m30s` or `250ms`"),
            );
        }
    }

    fn one_of(&mut self, at: &[&str], value: Option<&str>, allowed: &[&str]) {
        let Some(value) = value else { return };
        if !allowed.contains(&value) {
            let help = did_you_mean(value, allowed.iter().copied())
                .unwrap_or_else(|| format!("use one of: {}", allowed.join(", ")));
            self.push(
                self.source
                    .at(
                        Code::InvalidOption,
                        at,
                        format!("`{value}` is not one of {}", allowed.join(", ")),
                    )
                    .with_help(help),
            );
        }
    }
}
