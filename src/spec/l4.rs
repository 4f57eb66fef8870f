//! The spec's TCP and UDP routes: a container port behind a TCP router (`HostSNI`,
//! `HostSNIRegexp`, `ClientIP`, `ALPN`; TLS terminated by Traefik or passed through) or a UDP
//! router (no rule: a UDP entry point forwards every datagram).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Provider, TlsDomain};

/// A Traefik TCP route to a container port.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TcpRoute {
    /// Suffix that makes the router name unique when a service has several TCP routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The router's whole name, instead of `<stack>-<service>[-<name>]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router: Option<String>,
    /// A Traefik v3 TCP rule: ``HostSNI(`db.example.com`)`` (needs `tls`), ``HostSNI(`*`)``
    /// (every connection), `HostSNIRegexp`, `ClientIP`, `ALPN`.
    pub rule: String,
    /// Container port to forward to; defaults to the service's only TCP port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Entry points the router listens on (TCP ones).
    pub entrypoints: Vec<String>,
    /// TLS: terminated by Traefik, or passed through to the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TcpTls>,
    /// TCP middlewares, in order: names of `traefik.tcp_middlewares` (`ipAllowList`,
    /// `inFlightConn`), or `name@provider` ones declared in `traefik.external_middlewares`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<String>,
    /// Explicit router priority; Traefik uses the rule's length when absent (-1 for
    /// ``HostSNI(`*`)``).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Which provider declares the route; the stack's or the platform's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// What the route is for, shown in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// TLS of a TCP router, with Traefik's field names.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TcpTls {
    /// Hand the TLS connection to the container unopened (it holds the certificate).
    #[serde(default)]
    pub passthrough: bool,
    /// Certificate resolver, when Traefik terminates TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_resolver: Option<String>,
    /// Name of a `traefik.tls_options` entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    /// Domains of the certificate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<TlsDomain>,
}

/// A Traefik UDP route to a container port.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UdpRoute {
    /// Suffix that makes the router name unique when a service has several UDP routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The router's whole name, instead of `<stack>-<service>[-<name>]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router: Option<String>,
    /// Container port to forward to; defaults to the service's only UDP port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// UDP entry points (`address: ":51820/udp"`).
    pub entrypoints: Vec<String>,
    /// Which provider declares the route; the stack's or the platform's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// What the route is for, shown in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
