//! HTTP middlewares as `platform.yaml` declares them: one variant per Traefik v3 middleware,
//! with Traefik's own option names and nesting (the file provider's), so that a block copied
//! from Traefik's documentation reads as it is. The generated dynamic file is this tree,
//! serialised in field order; values are checked in `model::validate::middleware`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Traefik HTTP middleware: one key, the middleware's kind, with its options under it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub enum Middleware {
    /// Add a prefix to the request path.
    #[serde(rename = "addPrefix")]
    AddPrefix(AddPrefix),
    /// HTTP basic authentication.
    #[serde(rename = "basicAuth")]
    BasicAuth(UserAuth),
    /// Read whole requests (and responses) before passing them on, with size limits.
    #[serde(rename = "buffering")]
    Buffering(Buffering),
    /// Several middlewares in order, under one name.
    #[serde(rename = "chain")]
    Chain(Chain),
    /// Stop calling a failing backend for a while.
    #[serde(rename = "circuitBreaker")]
    CircuitBreaker(CircuitBreaker),
    /// Compress responses.
    #[serde(rename = "compress")]
    Compress(Compress),
    /// Whether to guess a missing `Content-Type`.
    #[serde(rename = "contentType")]
    ContentType(ContentType),
    /// HTTP digest authentication.
    #[serde(rename = "digestAuth")]
    DigestAuth(UserAuth),
    /// Answer error statuses with pages from another service.
    #[serde(rename = "errors")]
    Errors(Errors),
    /// Delegate authentication to an external service (single sign-on).
    #[serde(rename = "forwardAuth")]
    ForwardAuth(ForwardAuth),
    /// Translate gRPC-Web to HTTP/2 gRPC.
    #[serde(rename = "grpcWeb")]
    GrpcWeb(GrpcWeb),
    /// Custom request and response headers, CORS and security headers.
    #[serde(rename = "headers")]
    Headers(Box<Headers>),
    /// Only let these source ranges through.
    #[serde(rename = "ipAllowList")]
    IpAllowList(IpAllowList),
    /// Limit the number of requests being served at once.
    #[serde(rename = "inFlightReq")]
    InFlightReq(InFlightReq),
    /// Pass the client certificate, or parts of it, in a header.
    #[serde(rename = "passTLSClientCert")]
    PassTlsClientCert(PassTlsClientCert),
    /// A plugin middleware: `{ PLUGIN: { options } }`, where PLUGIN is declared under
    /// `traefik.experimental.plugins`. The options are the plugin's own.
    #[serde(rename = "plugin")]
    #[schemars(with = "BTreeMap<String, BTreeMap<String, serde_json::Value>>")]
    Plugin(BTreeMap<String, BTreeMap<String, serde_yaml::Value>>),
    /// Limit the request rate per source.
    #[serde(rename = "rateLimit")]
    RateLimit(RateLimit),
    /// Redirect by rewriting the URL with a regular expression.
    #[serde(rename = "redirectRegex")]
    RedirectRegex(RedirectRegex),
    /// Redirect to another scheme (and port).
    #[serde(rename = "redirectScheme")]
    RedirectScheme(RedirectScheme),
    /// Replace the request path.
    #[serde(rename = "replacePath")]
    ReplacePath(ReplacePath),
    /// Replace the request path with a regular expression.
    #[serde(rename = "replacePathRegex")]
    ReplacePathRegex(ReplacePathRegex),
    /// Retry a failed request on another server.
    #[serde(rename = "retry")]
    Retry(Retry),
    /// Remove path prefixes before forwarding.
    #[serde(rename = "stripPrefix")]
    StripPrefix(StripPrefix),
    /// Remove path prefixes matched by regular expressions before forwarding.
    #[serde(rename = "stripPrefixRegex")]
    StripPrefixRegex(StripPrefixRegex),
}

impl Middleware {
    /// Traefik's name of the middleware's kind, as written in the spec and the dynamic file.
    pub fn kind(&self) -> &'static str {
        match self {
            Middleware::AddPrefix(_) => "addPrefix",
            Middleware::BasicAuth(_) => "basicAuth",
            Middleware::Buffering(_) => "buffering",
            Middleware::Chain(_) => "chain",
            Middleware::CircuitBreaker(_) => "circuitBreaker",
            Middleware::Compress(_) => "compress",
            Middleware::ContentType(_) => "contentType",
            Middleware::DigestAuth(_) => "digestAuth",
            Middleware::Errors(_) => "errors",
            Middleware::ForwardAuth(_) => "forwardAuth",
            Middleware::GrpcWeb(_) => "grpcWeb",
            Middleware::Headers(_) => "headers",
            Middleware::IpAllowList(_) => "ipAllowList",
            Middleware::InFlightReq(_) => "inFlightReq",
            Middleware::PassTlsClientCert(_) => "passTLSClientCert",
            Middleware::Plugin(_) => "plugin",
            Middleware::RateLimit(_) => "rateLimit",
            Middleware::RedirectRegex(_) => "redirectRegex",
            Middleware::RedirectScheme(_) => "redirectScheme",
            Middleware::ReplacePath(_) => "replacePath",
            Middleware::ReplacePathRegex(_) => "replacePathRegex",
            Middleware::Retry(_) => "retry",
            Middleware::StripPrefix(_) => "stripPrefix",
            Middleware::StripPrefixRegex(_) => "stripPrefixRegex",
        }
    }

    /// Whether the middleware authenticates the client by itself.
    pub fn authenticates(&self) -> bool {
        matches!(
            self,
            Middleware::BasicAuth(_) | Middleware::DigestAuth(_) | Middleware::ForwardAuth(_)
        )
    }
}

/// `addPrefix`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddPrefix {
    /// The prefix, starting with `/`.
    pub prefix: String,
}

/// `basicAuth` and `digestAuth`: users inline, from a file, or both.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserAuth {
    /// `user:hash` entries (htpasswd for basicAuth, htdigest `user:realm:hash` for digestAuth).
    /// A hash's `$` is written as is: seisei escapes what Traefik's template engine needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Path of the users file inside the Traefik container; it must be on a Traefik mount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_file: Option<String>,
    /// Realm shown by the browser's prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    /// Request header that receives the authenticated user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_field: Option<String>,
    /// Remove the `Authorization` header before forwarding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_header: Option<bool>,
}

/// `buffering`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Buffering {
    /// Largest request body, in bytes (413 above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_request_body_bytes: Option<u64>,
    /// Request body kept in memory, in bytes; the rest goes to disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_request_body_bytes: Option<u64>,
    /// Largest response body, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_body_bytes: Option<u64>,
    /// Response body kept in memory, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_response_body_bytes: Option<u64>,
    /// When to replay the request, e.g. `IsNetworkError() && Attempts() < 2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_expression: Option<String>,
}

/// `chain`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Chain {
    /// Members, in order: middlewares of the platform or declared external ones.
    pub middlewares: Vec<String>,
}

/// `circuitBreaker`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CircuitBreaker {
    /// When to open, e.g. `NetworkErrorRatio() > 0.30`.
    pub expression: String,
    /// How often the expression is evaluated (a Go duration, e.g. `100ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_period: Option<String>,
    /// How long the breaker stays open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_duration: Option<String>,
    /// How long the recovery phase lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_duration: Option<String>,
    /// Status answered while open (100 to 599).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<u16>,
}

/// `compress`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Compress {
    /// Content types never compressed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_content_types: Vec<String>,
    /// Content types compressed (the only ones, when set).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub included_content_types: Vec<String>,
    /// Smallest body compressed, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_response_body_bytes: Option<u64>,
    /// Encoding used when the client states no preference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_encoding: Option<String>,
    /// Encodings offered, in order of preference: `zstd`, `br`, `gzip`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encodings: Vec<String>,
}

/// `contentType`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContentType {
    /// Guess the `Content-Type` when the backend sends none.
    pub auto_detect: bool,
}

/// `errors`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Errors {
    /// Statuses to replace: codes or ranges, e.g. `500-599`.
    pub status: Vec<String>,
    /// The Traefik service that serves the error pages: a router's service of the platform,
    /// or `name@provider` declared in `traefik.external_services`.
    pub service: String,
    /// Path asked from that service; `{status}` and `{url}` are replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

/// `forwardAuth`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForwardAuth {
    /// The authentication server's URL, e.g. `http://authelia:9091/api/authz/forward-auth`.
    pub address: String,
    /// TLS to the authentication server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ClientTls>,
    /// Trust the client's `X-Forwarded-*` headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_forward_header: Option<bool>,
    /// Headers of the authentication answer copied to the request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_response_headers: Vec<String>,
    /// The same, as a regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_response_headers_regex: Option<String>,
    /// Request headers sent to the authentication server (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_request_headers: Vec<String>,
    /// Cookies of the authentication answer added to the response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_auth_cookies_to_response: Vec<String>,
    /// Send the request body to the authentication server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_body: Option<bool>,
    /// Largest body forwarded, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body_size: Option<i64>,
    /// Largest authentication answer read, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_body_size: Option<i64>,
    /// Request header that receives the authenticated user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_field: Option<String>,
    /// Keep a relative `Location` of the authentication answer as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_location_header: Option<bool>,
    /// Ask the authentication server with the request's method instead of GET.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_request_method: Option<bool>,
}

/// Client TLS settings: paths inside the Traefik container.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClientTls {
    /// CA certificate that signs the server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<String>,
    /// Client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
    /// Client key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Accept any server certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_skip_verify: Option<bool>,
}

/// `grpcWeb`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrpcWeb {
    /// Origins allowed (`*` for any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_origins: Vec<String>,
}

/// `headers`. Fields are written in this order: security headers, CORS, custom headers.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Headers {
    /// `Strict-Transport-Security` max-age, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts_seconds: Option<u64>,
    /// Add `includeSubDomains` to the STS header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts_include_subdomains: Option<bool>,
    /// Add `preload` to the STS header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts_preload: Option<bool>,
    /// Send the STS header over plain HTTP too.
    #[serde(
        default,
        rename = "forceSTSHeader",
        skip_serializing_if = "Option::is_none"
    )]
    pub force_sts_header: Option<bool>,
    /// Send `X-Frame-Options: DENY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_deny: Option<bool>,
    /// `X-Frame-Options` value, e.g. `SAMEORIGIN` (overrides `frameDeny`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_frame_options_value: Option<String>,
    /// Send `X-Content-Type-Options: nosniff`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type_nosniff: Option<bool>,
    /// Send `X-XSS-Protection: 1; mode=block`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_xss_filter: Option<bool>,
    /// `X-XSS-Protection` value (overrides `browserXssFilter`).
    #[serde(
        default,
        rename = "customBrowserXSSValue",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_browser_xss_value: Option<String>,
    /// `Content-Security-Policy` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_security_policy: Option<String>,
    /// `Content-Security-Policy-Report-Only` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_security_policy_report_only: Option<String>,
    /// `Public-Key-Pins` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// `Referrer-Policy` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_policy: Option<String>,
    /// `Permissions-Policy` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_policy: Option<String>,
    /// Host names allowed (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
    /// Headers that may hold the proxied host name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts_proxy_headers: Vec<String>,
    /// Header and value pairs that mean the request came over HTTPS.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ssl_proxy_headers: BTreeMap<String, String>,
    /// Turn off `allowedHosts`, the STS header and public key pinning (for development).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_development: Option<bool>,
    /// CORS: `Access-Control-Allow-Credentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control_allow_credentials: Option<bool>,
    /// CORS: `Access-Control-Allow-Headers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_headers: Vec<String>,
    /// CORS: `Access-Control-Allow-Methods`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_methods: Vec<String>,
    /// CORS: origins allowed (`*` for any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_origin_list: Vec<String>,
    /// CORS: origins allowed, as regular expressions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_allow_origin_list_regex: Vec<String>,
    /// CORS: `Access-Control-Expose-Headers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_control_expose_headers: Vec<String>,
    /// CORS: `Access-Control-Max-Age`, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control_max_age: Option<i64>,
    /// Add `Vary: Origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_vary_header: Option<bool>,
    /// Request headers to set; an empty value removes the header.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_request_headers: BTreeMap<String, String>,
    /// Response headers to set; an empty value removes the header.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_response_headers: BTreeMap<String, String>,
}

/// `ipAllowList`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IpAllowList {
    /// Addresses or CIDR ranges allowed.
    pub source_range: Vec<String>,
    /// Which address of the request is the client's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_strategy: Option<IpStrategy>,
    /// Status answered to others (403 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_status_code: Option<u16>,
}

/// How the client's address is taken from `X-Forwarded-For`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IpStrategy {
    /// Take the address this many entries from the right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// Addresses or ranges skipped from the right.
    #[serde(rename = "excludedIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_ips: Vec<String>,
}

/// What groups requests for `rateLimit` and `inFlightReq`. Set one.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SourceCriterion {
    /// By client address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_strategy: Option<IpStrategy>,
    /// By the value of this request header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_header_name: Option<String>,
    /// By requested host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_host: Option<bool>,
}

/// `inFlightReq`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InFlightReq {
    /// Requests served at once per source.
    pub amount: u64,
    /// What a source is (the client address by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_criterion: Option<SourceCriterion>,
}

/// `passTLSClientCert`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PassTlsClientCert {
    /// Pass the whole certificate, PEM-encoded, in `X-Forwarded-Tls-Client-Cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pem: Option<bool>,
    /// Pass these parts in `X-Forwarded-Tls-Client-Cert-Info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<CertInfo>,
}

/// The certificate parts `passTLSClientCert` passes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CertInfo {
    /// `NotAfter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<bool>,
    /// `NotBefore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<bool>,
    /// Subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sans: Option<bool>,
    /// Parts of the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<DistinguishedName>,
    /// Parts of the issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<DistinguishedName>,
}

/// Parts of a distinguished name.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DistinguishedName {
    /// `C`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<bool>,
    /// `ST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<bool>,
    /// `L`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<bool>,
    /// `O`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<bool>,
    /// `OU`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizational_unit: Option<bool>,
    /// `CN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<bool>,
    /// Serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<bool>,
    /// `DC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_component: Option<bool>,
}

/// `rateLimit`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests allowed per `period` on average.
    pub average: u64,
    /// The period of `average` (a Go duration, `1s` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Requests allowed at once above the average.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u64>,
    /// What a source is (the client address by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_criterion: Option<SourceCriterion>,
}

/// `redirectRegex`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RedirectRegex {
    /// Regular expression (Go syntax) matched against the whole URL.
    pub regex: String,
    /// Target URL, with `${1}` for the groups.
    pub replacement: String,
    /// Answer 301/308 instead of 302/307.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permanent: Option<bool>,
}

/// `redirectScheme`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RedirectScheme {
    /// Target scheme, e.g. `https`.
    pub scheme: String,
    /// Target port, e.g. `"8443"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Answer 301/308 instead of 302/307.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permanent: Option<bool>,
}

/// `replacePath`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplacePath {
    /// The new path.
    pub path: String,
}

/// `replacePathRegex`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplacePathRegex {
    /// Regular expression (Go syntax) matched against the path.
    pub regex: String,
    /// The new path, with `${1}` for the groups.
    pub replacement: String,
}

/// `retry`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Retry {
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// First wait between attempts (a Go duration), doubled each time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_interval: Option<String>,
}

/// `stripPrefix`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StripPrefix {
    /// Prefixes to remove, each starting with `/`.
    pub prefixes: Vec<String>,
    /// Deprecated by Traefik; kept for copies of older configurations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_slash: Option<bool>,
}

/// `stripPrefixRegex`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StripPrefixRegex {
    /// Regular expressions (Go syntax) of the prefixes to remove.
    pub regex: Vec<String>,
}
