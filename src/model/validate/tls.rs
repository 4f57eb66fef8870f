//! TLS definitions: servers transports, TLS options and stores, the routes that name TLS
//! options, and routers of one host that would need different TLS options.

use std::collections::BTreeMap;

use super::services::{route_path, traefik_name_problem};
use super::{Checker, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::model::{Model, Router};
use crate::spec;

/// Traefik's cipher suite names (Go's `crypto/tls`, as Traefik's `CipherSuites` map reads them).
const CIPHER_SUITES: [&str; 27] = [
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

impl Checker<'_> {
    /// Servers transports, TLS options and stores, and the routes that name TLS options.
    pub(super) fn tls_definitions(&mut self) {
        let traefik = &self.source.spec.traefik;
        for (name, transport) in &traefik.servers_transports {
            let at = ["traefik", "servers_transports", name.as_str()];
            if let Some(why) = traefik_name_problem(name) {
                self.push(
                    self.source
                        .at_key(
                            Code::InvalidName,
                            &at,
                            format!("servers transport name `{name}` is invalid: {why}"),
                        )
                        .with_help("use ASCII letters, digits, `-` and `_`"),
                );
            }
            for (i, ca) in transport.root_cas.iter().enumerate() {
                if !ca.starts_with('/') {
                    self.push(
                        self.source
                            .at(Code::InvalidRoute, &["traefik", "servers_transports", name, "rootCAs", &i.to_string()], format!("root CA `{ca}` is not an absolute path"))
                            .with_help("give the file's path inside the Traefik container, e.g. `/etc/traefik/certs/lan-ca.pem`"),
                    );
                }
            }
            if let Some(t) = &transport.forwarding_timeouts {
                for (field, value) in [
                    ("dialTimeout", &t.dial_timeout),
                    ("responseHeaderTimeout", &t.response_header_timeout),
                    ("idleConnTimeout", &t.idle_conn_timeout),
                ] {
                    self.duration(
                        "",
                        &[
                            "traefik",
                            "servers_transports",
                            name,
                            "forwardingTimeouts",
                            field,
                        ],
                        value.as_deref(),
                    );
                }
            }
        }
        for (name, options) in &traefik.tls_options {
            if let Some(why) = traefik_name_problem(name) {
                self.push(
                    self.source
                        .at_key(
                            Code::InvalidName,
                            &["traefik", "tls_options", name],
                            format!("TLS options name `{name}` is invalid: {why}"),
                        )
                        .with_help("use ASCII letters, digits, `-` and `_`"),
                );
            }
            for (field, value) in [
                ("minVersion", &options.min_version),
                ("maxVersion", &options.max_version),
            ] {
                if let Some(value) = value
                    && !spec::TLS_VERSIONS.contains(&value.as_str())
                {
                    self.push(
                        self.source
                            .at(
                                Code::InvalidRoute,
                                &["traefik", "tls_options", name, field],
                                format!("`{value}` is not a TLS version Traefik knows"),
                            )
                            .with_help(did_you_mean(value, spec::TLS_VERSIONS).unwrap_or_else(
                                || format!("use one of: {}", spec::TLS_VERSIONS.join(", ")),
                            )),
                    );
                }
            }
            for (i, suite) in options.cipher_suites.iter().enumerate() {
                if !CIPHER_SUITES.contains(&suite.as_str()) {
                    self.push(
                        self.source
                            .at(
                                Code::InvalidRoute,
                                &[
                                    "traefik",
                                    "tls_options",
                                    name,
                                    "cipherSuites",
                                    &i.to_string(),
                                ],
                                format!("`{suite}` is not a cipher suite Traefik knows"),
                            )
                            .with_help(did_you_mean(suite, CIPHER_SUITES).unwrap_or_else(|| {
                                "use Go's names, e.g. `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`"
                                    .into()
                            })),
                    );
                }
            }
            for (i, protocol) in options.alpn_protocols.iter().enumerate() {
                if protocol.is_empty() || protocol == "acme-tls/1" {
                    self.push(
                        self.source
                            .at(Code::InvalidRoute, &["traefik", "tls_options", name, "alpnProtocols", &i.to_string()], format!("`{protocol}` cannot be offered as an ALPN protocol"))
                            .with_help("offer application protocols such as `h2` and `http/1.1`; Traefik handles `acme-tls/1` itself"),
                    );
                }
            }
        }
        for name in traefik.tls_stores.keys() {
            if name != "default" {
                self.push(
                    self.source
                        .at_key(Code::InvalidRoute, &["traefik", "tls_stores", name], format!("TLS store `{name}` would be ignored: Traefik uses only the store named `default`"))
                        .with_help("rename it `default`"),
                );
            }
        }
        for (stack_name, stack) in &self.resolved.stacks {
            let owners = stack
                .services
                .iter()
                .map(|(n, s)| ("services", n, s.routes.as_deref().unwrap_or_default()))
                .chain(
                    stack
                        .backends
                        .iter()
                        .map(|(n, b)| ("backends", n, b.routes.as_slice())),
                );
            for (section, owner, routes) in owners {
                for (i, route) in routes.iter().enumerate() {
                    let Some(options) = &route.tls_options else {
                        continue;
                    };
                    let index = i.to_string();
                    let at = [
                        "stacks",
                        stack_name,
                        section,
                        owner,
                        "routes",
                        index.as_str(),
                        "tls_options",
                    ];
                    if !traefik.tls_options.contains_key(options) {
                        self.push(
                            self.at(
                                stack_name,
                                &at,
                                Code::UnknownTraefikObject,
                                format!("unknown TLS options `{options}`"),
                            )
                            .with_help(
                                did_you_mean(
                                    options,
                                    traefik.tls_options.keys().map(String::as_str),
                                )
                                .unwrap_or_else(|| {
                                    "define them under `traefik.tls_options`".into()
                                }),
                            ),
                        );
                    }
                    let entrypoints = route
                        .entrypoints
                        .as_ref()
                        .unwrap_or(&traefik.default_entrypoints);
                    let tls = entrypoints
                        .iter()
                        .any(|e| traefik.entrypoints.get(e).is_some_and(|e| e.tls));
                    if !tls {
                        self.push(
                            self.at(
                                stack_name,
                                &at,
                                Code::InvalidRoute,
                                "TLS options on a route that is not on a TLS entry point".into(),
                            )
                            .with_help("route on a TLS entry point, or remove `tls_options`"),
                        );
                    }
                }
            }
        }
    }

    /// Traefik picks TLS options from the SNI before any router runs: two routers for one host
    /// with different options conflict, and Traefik falls back to the default options for that
    /// host (answering 421 to the router whose options it did not use).
    pub(super) fn tls_option_conflicts(&mut self, model: &Model) {
        let mut by_host: BTreeMap<&str, &Router> = BTreeMap::new();
        for router in model.routers.iter().filter(|r| r.tls) {
            for host in &router.hosts {
                let Some(other) = by_host.get(host.as_str()).copied() else {
                    by_host.insert(host, router);
                    continue;
                };
                let bare = |o: &Option<String>| {
                    o.as_deref().map(|o| o.trim_end_matches("@file").to_owned())
                };
                if bare(&other.tls_options) != bare(&router.tls_options) {
                    let show = |o: &Option<String>| {
                        o.clone()
                            .map_or_else(|| "the default options".to_owned(), |o| format!("`{o}`"))
                    };
                    self.push(
                        self.at(&router.stack, &seg(&route_path(router)), Code::InvalidRoute, format!("router `{}` uses {} for `{host}`, router `{}` uses {}", router.name, show(&router.tls_options), other.name, show(&other.tls_options)))
                            .with_help("Traefik chooses TLS options by host name before routing: give every router of a host the same `tls_options`"),
                    );
                }
            }
        }
    }
}
