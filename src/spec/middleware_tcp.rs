//! TCP middlewares as `platform.yaml` declares them, with Traefik's option names. TCP routers
//! refer to them by name; seisei writes them to the file provider's `tcp.middlewares`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Traefik TCP middleware: one key, the kind, with its options under it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub enum TcpMiddleware {
    /// Only accept connections from these source ranges.
    #[serde(rename = "ipAllowList")]
    IpAllowList(TcpIpAllowList),
    /// Limit the connections open at once per client address.
    #[serde(rename = "inFlightConn")]
    InFlightConn(InFlightConn),
}

/// TCP `ipAllowList`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TcpIpAllowList {
    /// Addresses or CIDR ranges allowed.
    pub source_range: Vec<String>,
}

/// TCP `inFlightConn`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InFlightConn {
    /// Connections open at once per client address.
    pub amount: u64,
}
