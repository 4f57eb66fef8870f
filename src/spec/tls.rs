//! The spec's TLS definitions: named TLS options (protocol versions, ciphers, SNI strictness,
//! ALPN) that routers pick, and the certificate store's default certificate. Traefik's own
//! field names, so a block can be copied from its documentation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A named set of TLS options; the name `default` applies to every router without its own.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TlsOptions {
    /// Lowest protocol version: `VersionTLS10` … `VersionTLS13`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<String>,
    /// Highest protocol version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_version: Option<String>,
    /// Cipher suites for TLS 1.2 and below, by Go name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cipher_suites: Vec<String>,
    /// Key-exchange curves by Go name (`X25519`, `CurveP256`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub curve_preferences: Vec<String>,
    /// Refuse handshakes whose SNI matches no certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni_strict: Option<bool>,
    /// ALPN protocols offered, e.g. `[h2, http/1.1]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alpn_protocols: Vec<String>,
}

/// A certificate store. Traefik uses only the store named `default`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TlsStore {
    /// Certificate served when no other matches the SNI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_certificate: Option<Certificate>,
}

/// A certificate and its key, as files inside the Traefik container.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Certificate {
    /// PEM certificate file.
    pub cert_file: String,
    /// PEM key file.
    pub key_file: String,
}

/// The TLS versions Traefik's `minVersion` and `maxVersion` accept.
pub const TLS_VERSIONS: [&str; 4] = [
    "VersionTLS10",
    "VersionTLS11",
    "VersionTLS12",
    "VersionTLS13",
];
