//! A route of `platform.yaml`: the Traefik HTTP router a service (or backend) gets, as the
//! spec writes it, and the certificate domains routes and entry points name.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Provider;

/// A Traefik HTTP route to a service. Give `hosts` (and optionally a path), or a raw `rule`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Suffix that makes the router name unique when a service has several routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The router's whole name, instead of `<stack>-<service>[-<name>]` (an imported platform
    /// keeps the names its dashboards and logs know).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router: Option<String>,
    /// One of the container's `traefik_services`, instead of a service of the route's own
    /// (named after the router, on `port`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Name of a `traefik.tls_options` entry for this router (TLS routes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_options: Option<String>,
    /// Host names; `*.example.com` matches exactly one extra label.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Path prefix, starting with `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Exact path, starting with `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// HTTP methods the route answers (any of them); all when empty.
    #[serde(default)]
    pub methods: Vec<String>,
    /// Request headers that must all be present with exactly these values.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A raw Traefik v3 rule, instead of `hosts` and paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Container port to forward to; defaults to the service's only port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Explicit router priority; Traefik uses the rule's length when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Entry points; the platform's defaults when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoints: Option<Vec<String>>,
    /// Middlewares, by name of the platform's middlewares.
    #[serde(default)]
    pub middlewares: Vec<String>,
    /// Domains of the certificate, e.g. `{ main: erp.seisei.tokyo, sans: ["*.erp.seisei.tokyo"] }`;
    /// Traefik derives them from the rule's `Host` values when absent.
    #[serde(default)]
    pub tls_domains: Vec<TlsDomain>,
    /// Terminate TLS on this router although its entry points are plain (Traefik's router
    /// `tls`), with the certificate of `cert_resolver` (or `traefik.default_cert_resolver`),
    /// or else the default TLS store's. Routes on a TLS entry point are TLS routers without it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tls: bool,
    /// Certificate resolver; the platform's default when absent on a TLS route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_resolver: Option<String>,
    /// Which provider declares the route; the stack's or the platform's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// What the route is for, shown in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Routers of other stacks this route is meant to take over: they match the same
    /// requests at the same priority through the other provider, and this one wins by
    /// `providers.precedence`. Without it, such a claim is an error (E0409).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
}

/// One certificate: its main domain and alternative names.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsDomain {
    /// Main domain.
    pub main: String,
    /// Subject alternative names, such as a wildcard.
    #[serde(default)]
    pub sans: Vec<String>,
}
