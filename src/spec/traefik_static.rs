//! Traefik's static settings beyond entry points and resolvers, as `platform.yaml` declares
//! them: `ping`, `metrics`, `accessLog`, `log`, the providers' options, plugins, and the
//! entry-point and ACME blocks. Keys are Traefik's own (its static configuration reference),
//! so a block copied from Traefik's documentation reads as it is; seisei writes each block to
//! `traefik.yml` in this order and checks its values in `model::validate::static_config`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `entryPoints.<name>.proxyProtocol`: accept the PROXY protocol header from these senders.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProxyProtocol {
    /// Addresses or CIDR ranges of the load balancers allowed to send it.
    #[serde(rename = "trustedIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_ips: Vec<String>,
    /// Trust every sender (testing only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure: Option<bool>,
}

/// `entryPoints.<name>.forwardedHeaders`: whose `X-Forwarded-*` headers are kept.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForwardedHeaders {
    /// Addresses or CIDR ranges of the proxies whose headers are trusted.
    #[serde(rename = "trustedIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_ips: Vec<String>,
    /// Trust every sender's headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure: Option<bool>,
}

/// `entryPoints.<name>.transport`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Transport {
    /// Timeouts of client connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responding_timeouts: Option<RespondingTimeouts>,
    /// Shutdown behaviour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub life_cycle: Option<LifeCycle>,
    /// Requests served on one connection before it is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_alive_max_requests: Option<u32>,
    /// How long one connection is kept (a Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_alive_max_time: Option<String>,
}

/// `transport.respondingTimeouts`; Go durations (`60s`), `0s` for none.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RespondingTimeouts {
    /// Time to read the whole request, body included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_timeout: Option<String>,
    /// Time to write the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_timeout: Option<String>,
    /// Time an idle keep-alive connection stays open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<String>,
}

/// `transport.lifeCycle`; Go durations.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LifeCycle {
    /// Time requests in flight get to finish at shutdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_time_out: Option<String>,
    /// Time new requests are still accepted at shutdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_accept_grace_timeout: Option<String>,
}

/// `entryPoints.<name>.http3`: HTTP/3 on the same port, over UDP (publish it as `udp` too).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Http3 {
    /// Port advertised in `Alt-Svc`, when the published port differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advertised_port: Option<u16>,
}

/// `entryPoints.<name>.udp`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UdpOptions {
    /// How long an idle UDP session is kept (a Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
}

/// `ping`: a health-check endpoint.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ping {
    /// Entry point that answers `/ping`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<String>,
    /// Status answered while Traefik shuts down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminating_status_code: Option<u16>,
}

/// `metrics`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metrics {
    /// Count Traefik's own routers (API, ping, dashboard) too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_internals: Option<bool>,
    /// Prometheus metrics, served on `/metrics`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
}

/// `metrics.prometheus`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Prometheus {
    /// Entry point that serves `/metrics`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<String>,
    /// Latency histogram buckets, in seconds, increasing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<f64>,
    /// Label metrics with the entry point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_entry_points_labels: Option<bool>,
    /// Label metrics with the router.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_routers_labels: Option<bool>,
    /// Label metrics with the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_services_labels: Option<bool>,
    /// Extra labels taken from request headers: label name to header name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header_labels: BTreeMap<String, String>,
}

/// `accessLog`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessLog {
    /// File inside the Traefik container; standard output when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
    /// `common` or `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Lines kept in memory before writing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffering_size: Option<u64>,
    /// Log Traefik's own routers too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_internals: Option<bool>,
    /// Which requests are logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<AccessLogFilters>,
    /// Which fields are kept, dropped or redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<AccessLogFields>,
}

/// `accessLog.filters`: a request is logged when any filter keeps it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessLogFilters {
    /// Statuses or ranges, e.g. `400-599`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_codes: Vec<String>,
    /// Requests that were retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_attempts: Option<bool>,
    /// Requests slower than this (a Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_duration: Option<String>,
}

/// `accessLog.fields`: `keep`, `drop` or `redact`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessLogFields {
    /// Mode of fields not named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_mode: Option<String>,
    /// Mode by field name, e.g. `ClientUsername: drop`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    /// Request headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<AccessLogHeaders>,
}

/// `accessLog.fields.headers`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessLogHeaders {
    /// Mode of headers not named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_mode: Option<String>,
    /// Mode by header name, e.g. `Authorization: redact`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
}

/// `log`: Traefik's own log.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Log {
    /// `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL` or `PANIC`; `INFO` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// `common` or `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// File inside the Traefik container; standard output when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
    /// No colours in the `common` format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_color: Option<bool>,
    /// Size in megabytes at which the file is rotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u32>,
    /// Days rotated files are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
    /// Rotated files kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_backups: Option<u32>,
    /// Compress rotated files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
}

/// `providers`: options of the providers seisei writes to.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Providers {
    /// The Docker provider (used when a route is declared with Docker labels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<DockerProvider>,
}

/// `providers.docker`. Its `network` is `traefik.network`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DockerProvider {
    /// Docker API endpoint: `unix:///var/run/docker.sock` (the default, the socket must be
    /// mounted) or a socket proxy such as `tcp://socket-proxy:2375`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Route containers without `traefik.enable=true` too (`false` by default here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposed_by_default: Option<bool>,
    /// Follow container events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch: Option<bool>,
    /// Use the host port a container publishes instead of its own address.
    #[serde(
        rename = "useBindPortIP",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub use_bind_port_ip: Option<bool>,
    /// Keep services whose containers are all unhealthy (answering 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_empty_services: Option<bool>,
    /// Only containers matching this expression, e.g. ``Label(`team`, `ops`)``.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<String>,
    /// Timeout of the Docker API client (a Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_client_timeout: Option<String>,
}

/// `experimental`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Experimental {
    /// Plugins from the plugin catalog, by the name middlewares use them under.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub plugins: BTreeMap<String, Plugin>,
}

/// One plugin.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Plugin {
    /// Go module, e.g. `github.com/maxlerebourg/crowdsec-bouncer-traefik-plugin`.
    pub module_name: String,
    /// Version tag, e.g. `v1.4.2`.
    pub version: String,
}

/// `certificatesResolvers.<name>.acme.dnsChallenge`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DnsChallenge {
    /// DNS provider (lego name, e.g. `cloudflare`); credentials come from the Traefik
    /// container's environment.
    pub provider: String,
    /// DNS servers asked to check propagation, `host:port`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolvers: Vec<String>,
    /// Wait before checking propagation (a Go duration). Traefik deprecates it in favour of
    /// `propagation.delayBeforeChecks`; both are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_before_check: Option<String>,
    /// Propagation checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation: Option<Propagation>,
}

/// `dnsChallenge.propagation`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Propagation {
    /// Wait before checking (a Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_before_checks: Option<String>,
    /// Skip the checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_checks: Option<bool>,
    /// Skip the authoritative name servers' check.
    #[serde(
        rename = "disableANSChecks",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub disable_ans_checks: Option<bool>,
    /// Require every recursive name server to answer.
    #[serde(
        rename = "requireAllRNS",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub require_all_rns: Option<bool>,
}
