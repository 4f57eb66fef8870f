//! The spec's Traefik services: a container's named load balancers, backends that are not
//! containers (servers on the LAN, weighted canaries, mirrors) and the servers transports
//! HTTPS backends use. Fields inside these blocks keep Traefik's own names (`healthCheck`,
//! `passHostHeader`, …), so a block can be copied from Traefik's documentation.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Traefik load-balancer service. On a container (`traefik_services`) it reaches one of the
/// container's ports; on a backend it lists its `servers`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoadBalancer {
    /// Container port (container services only); defaults to the container's only port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Scheme Traefik speaks to the container: `http` (default), `https` or `h2c`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// Servers outside Docker (backends only), e.g. `[{ url: http://192.168.10.5:5000 }]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<Server>,
    /// Sticky sessions: a client keeps the server it first reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<Sticky>,
    /// Active health check of each server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheck>,
    /// Forward the client's `Host` header (Traefik's default, true) or the server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_host_header: Option<bool>,
    /// Name of a `traefik.servers_transports` entry (TLS settings and timeouts to the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers_transport: Option<String>,
}

/// How Traefik talks to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Http,
    Https,
    H2c,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
            Scheme::H2c => "h2c",
        }
    }
}

/// One server of a backend outside Docker.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// `http://192.168.10.5:5000` or `https://nas.lan:5001`.
    pub url: String,
    /// Share of the traffic among the servers (Traefik's default: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
}

/// Sticky sessions through a cookie.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sticky {
    /// The cookie that pins a client to a server.
    pub cookie: Cookie,
}

/// The sticky-session cookie.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cookie {
    /// Cookie name; Traefik derives one from the service name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Send the cookie over HTTPS only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure: Option<bool>,
    /// Hide the cookie from scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_only: Option<bool>,
    /// `none`, `lax` or `strict`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<SameSite>,
    /// Lifetime in seconds; 0 (the default) makes a session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i64>,
    /// Cookie path (Traefik's default: `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The cookie's `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SameSite {
    None,
    Lax,
    Strict,
}

impl SameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::None => "none",
            SameSite::Lax => "lax",
            SameSite::Strict => "strict",
        }
    }
}

/// An active health check: Traefik stops sending traffic to a server that fails it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HealthCheck {
    /// Path requested, starting with `/`.
    pub path: String,
    /// Time between checks, a Go duration such as `10s` (Traefik's default: 30s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Time one check may take (Traefik's default: 5s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Scheme of the check, when it differs from the server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// `Host` header of the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Port of the check, when it differs from the server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Extra request headers of the check.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// A Traefik service that is not one container: written to the file provider only, since
/// Docker labels can only describe the container they are on.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Backend {
    /// What the backend is, shown in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Servers outside Docker (a NAS on the LAN). Set exactly one of `loadBalancer`,
    /// `weighted` and `mirroring`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancer>,
    /// Traffic split between services by weight (a canary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted: Option<Weighted>,
    /// Traffic sent to one service and copied to others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirroring: Option<Mirroring>,
    /// Routes to this backend; they use the file provider.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<crate::spec::Route>,
}

/// A weighted round robin between services.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Weighted {
    /// The services and their weights.
    pub services: Vec<WeightedService>,
    /// Keep a client on the service it first reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<Sticky>,
}

/// One service of a weighted service.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightedService {
    /// A Traefik service of the platform.
    pub name: String,
    /// Its share, a positive integer.
    pub weight: i64,
}

/// A service whose requests are also copied to mirrors.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Mirroring {
    /// The service that answers.
    pub service: String,
    /// Services that receive a copy.
    pub mirrors: Vec<Mirror>,
    /// Copy request bodies too (Traefik's default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror_body: Option<bool>,
    /// Largest body copied, in bytes (Traefik's default: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body_size: Option<i64>,
}

/// One mirror.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mirror {
    /// A Traefik service of the platform.
    pub name: String,
    /// Share of the requests copied, 0 to 100.
    pub percent: i64,
}

/// How Traefik connects to servers: TLS verification and timeouts.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServersTransport {
    /// Name sent as SNI and checked in the server's certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// Accept any server certificate (a self-signed NAS). Prefer `rootCAs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_skip_verify: Option<bool>,
    /// CA certificate files inside the Traefik container that sign the servers' certificates.
    #[serde(default, rename = "rootCAs", skip_serializing_if = "Vec::is_empty")]
    pub root_cas: Vec<String>,
    /// Idle connections kept per server (Traefik's default: 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_idle_conns_per_host: Option<i64>,
    /// Timeouts towards the servers, Go durations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding_timeouts: Option<ForwardingTimeouts>,
}

/// Timeouts towards the servers.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForwardingTimeouts {
    /// Time to establish a connection (Traefik's default: 30s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial_timeout: Option<String>,
    /// Time to wait for the response headers after the request (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_header_timeout: Option<String>,
    /// Time an idle connection is kept (default: 90s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_conn_timeout: Option<String>,
}
