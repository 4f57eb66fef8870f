//! A request as Traefik's HTTP routers see it. Input: the request as a client sends it
//! (method, raw target, headers, TLS-ness, client address); output: the canonical host, the
//! routing path, the decoded query and the headers after Traefik's rewrite, or the 400 that
//! Go's server or Traefik answer before any router runs. One file per part: [`path`],
//! [`query`], [`host`]; this file holds the headers and puts the parts together.

mod host;
mod path;
mod query;

use std::fmt;
use std::net::IpAddr;

pub use host::{canonical_host, client_host};
pub use path::{RoutedPath, route_path};
pub use query::parse_query;

/// A request as it reaches Traefik's entry point.
#[derive(Clone, Debug, Default)]
pub struct WireRequest {
    /// As sent: Go does not change its case, and `get` matches no `Method` rule.
    pub method: String,
    /// The request target of the request line, byte for byte (`/a/../b?x=1`).
    pub target: Vec<u8>,
    /// Headers as sent, `Host` included.
    pub headers: Vec<(String, String)>,
    pub tls: bool,
    /// The TCP peer address, which `ClientIP` reads; unknown when `None`.
    pub client_ip: Option<IpAddr>,
}

/// What Traefik's routers see of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutedRequest {
    pub method: String,
    /// `req.Host` as sent, port included: what a redirect reuses.
    pub host_header: String,
    /// Canonical: port and brackets removed, lowercased, trailing dot kept.
    pub host: String,
    pub path: RoutedPath,
    /// The routing path as text, each byte that is not UTF-8 read as U+FFFD, as Go's regexp
    /// reads it.
    pub routing_path: String,
    pub raw_query: String,
    /// Decoded pairs, as text the same way.
    pub query: Vec<(String, String)>,
    /// Canonical names (`X-Real-Ip`), after the `X-Forwarded-*` rewrite, without `Host`.
    pub headers: Vec<(String, String)>,
    pub client_ip: Option<IpAddr>,
}

/// Why a request gets 400 before any router sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
}

impl Rejection {
    fn new(reason: impl Into<String>) -> Rejection {
        Rejection {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// The request X headers Traefik manages (`xHeaders` in
/// `pkg/middlewares/forwardedheaders/forwarded_header.go`): an untrusted client's are deleted.
const MANAGED_HEADERS: [&str; 11] = [
    "X-Forwarded-Proto",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Port",
    "X-Forwarded-Server",
    "X-Forwarded-Uri",
    "X-Forwarded-Method",
    "X-Forwarded-Prefix",
    "X-Forwarded-Tls-Client-Cert",
    "X-Forwarded-Tls-Client-Cert-Info",
    "X-Real-Ip",
];

/// Every step Traefik takes on a request before routing, on an entry point with
/// `sanitizePath` as given and no trusted forwarders (what seisei writes).
///
/// # Errors
///
/// The requests answered 400 before routing: no or two `Host` headers, a `Host` Go refuses,
/// a target that is neither `/path`, `*` nor absolute, a malformed `%` escape, a control byte,
/// a raw `#` in the path.
pub fn route_request(request: &WireRequest, sanitize: bool) -> Result<RoutedRequest, Rejection> {
    let hosts: Vec<&str> = request
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim())
        .collect();
    let mut host_header = match hosts.as_slice() {
        [] => return Err(Rejection::new("an HTTP/1.1 request without a Host header")),
        [one] => (*one).to_owned(),
        _ => return Err(Rejection::new("two Host headers")),
    };
    host::check_host_header(&host_header)?;
    let target = request.target.as_slice();
    // A space ends the target in the request line; what follows is no HTTP version.
    if target.contains(&b' ') {
        return Err(Rejection::new(
            "the request target holds a space: the request line does not parse",
        ));
    }
    let (before_query, raw_query) = match target.iter().position(|b| *b == b'?') {
        Some(at) => (&target[..at], &target[at + 1..]),
        None => (target, &b""[..]),
    };
    let raw_path = if before_query.starts_with(b"/") || before_query == b"*" {
        before_query
    } else {
        // Absolute form: Go takes the host from the target, not from the header.
        let text = std::str::from_utf8(before_query).unwrap_or_default();
        let rest = text
            .split_once("://")
            .filter(|(scheme, _)| {
                scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
            })
            .map(|(_, rest)| rest)
            .ok_or_else(|| {
                Rejection::new("the request target is neither `/path`, `*` nor `http://host/path`")
            })?;
        let at = rest.find('/').unwrap_or(rest.len());
        let authority = &rest[..at];
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        check_authority(authority)?;
        if !authority.is_empty() {
            authority.clone_into(&mut host_header);
        }
        &before_query[before_query.len() - (rest.len() - at)..]
    };
    if let Some(byte) = raw_query.iter().find(|b| **b < 0x20 || **b == 0x7f) {
        return Err(Rejection::new(format!(
            "the request target holds the control byte 0x{byte:02X}, which Go's server refuses"
        )));
    }
    let path = route_path(raw_path, sanitize)?;
    let query = parse_query(raw_query)
        .into_iter()
        .map(|(k, v)| (go_string(&k), go_string(&v)))
        .collect();
    Ok(RoutedRequest {
        method: request.method.clone(),
        host: canonical_host(&host_header),
        routing_path: go_string(&path.routing),
        path,
        raw_query: String::from_utf8_lossy(raw_query).into_owned(),
        query,
        headers: rewrite_headers(request, &host_header),
        host_header,
        client_ip: request.client_ip,
    })
}

/// Go's `parseHost` on the authority of an absolute-form target: a port of digits only, and
/// host bytes from the set `net/url` leaves unescaped in hosts; an escape other than `%25` in
/// the ASCII range is refused.
fn check_authority(authority: &str) -> Result<(), Rejection> {
    let refuse = || {
        Rejection::new(format!(
            "Go cannot parse the host `{authority}` of the request target"
        ))
    };
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inner, after) = rest.split_once(']').ok_or_else(refuse)?;
        (inner, after.strip_prefix(':').map_or(after, |p| p))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, port),
            None => (authority, ""),
        }
    };
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse());
    }
    let bytes = host.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let escape_ok = b != b'%'
            || bytes.get(i + 1..i + 3) == Some(b"25")
            || bytes
                .get(i + 1)
                .is_some_and(|h| path::hex(*h).is_some_and(|v| v >= 8));
        let plain_ok =
            b >= 0x80 || b.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:[]<>\"%".contains(&b);
        if !escape_ok || !plain_ok {
            return Err(refuse());
        }
    }
    Ok(())
}

/// `XForwarded.ServeHTTP` for an untrusted client: managed X headers deleted (underscore
/// spellings too), then set from the connection; hop-by-hop headers named in `Connection`
/// removed, and `Connection` itself unless the request is an upgrade.
fn rewrite_headers(request: &WireRequest, host_header: &str) -> Vec<(String, String)> {
    let managed = |name: &str| {
        let dashed = name.replace('_', "-");
        MANAGED_HEADERS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(&dashed))
    };
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("host") && !managed(name))
        .map(|(name, value)| (canonical_header_key(name), value.trim().to_owned()))
        .collect();
    let values = |headers: &[(String, String)], name: &str| -> Vec<String> {
        headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let connection = values(&headers, "Connection");
    let upgrade = connection
        .iter()
        .flat_map(|v| v.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"));
    let websocket = upgrade
        && values(&headers, "Upgrade")
            .iter()
            .any(|v| v.to_ascii_lowercase().contains("websocket"));
    let hop_by_hop: Vec<String> = connection
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|token| !token.is_empty() && !MANAGED_HEADERS.contains(token))
        .map(canonical_header_key)
        .collect();
    headers.retain(|(name, _)| !hop_by_hop.contains(name) && name != "Connection");
    if upgrade {
        headers.push(("Connection".into(), "Upgrade".into()));
    }
    let proto = match (request.tls, websocket) {
        (true, true) => "wss",
        (true, false) => "https",
        (false, true) => "ws",
        (false, false) => "http",
    };
    if let Some(ip) = request.client_ip {
        headers.push(("X-Real-Ip".into(), ip.to_string()));
    }
    headers.push(("X-Forwarded-Proto".into(), proto.into()));
    let port = host_header
        .rsplit_once(':')
        .filter(|(host, port)| !port.is_empty() && (!host.contains(':') || host.ends_with(']')))
        .map_or_else(
            || if request.tls { "443" } else { "80" }.to_owned(),
            |(_, port)| port.to_owned(),
        );
    headers.push(("X-Forwarded-Port".into(), port));
    if !host_header.is_empty() {
        headers.push(("X-Forwarded-Host".into(), host_header.to_owned()));
    }
    headers
}

/// Go's `http.CanonicalHeaderKey`: a name with a byte that is not a token character stays as it
/// is; otherwise each letter is upper-case at the start and after `-`, lower-case elsewhere.
pub fn canonical_header_key(name: &str) -> String {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if !name.bytes().all(token) {
        return name.to_owned();
    }
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

/// Bytes as Go's regexp reads them: valid UTF-8 kept, each other byte one U+FFFD.
pub fn go_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                rest = &after[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(target: &str, headers: &[(&str, &str)]) -> WireRequest {
        WireRequest {
            method: "GET".into(),
            target: target.as_bytes().to_vec(),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            tls: false,
            client_ip: None,
        }
    }

    #[test]
    fn headers_are_rewritten() {
        let routed = route_request(
            &wire(
                "/",
                &[
                    ("Host", "A.com:8080"),
                    ("x_forwarded_for", "1.2.3.4"),
                    ("X-Forwarded-Proto", "https"),
                    ("Connection", "x-drop"),
                    ("X-Drop", "1"),
                    ("accept", "a, b"),
                ],
            ),
            true,
        )
        .unwrap();
        assert_eq!(routed.host, "a.com");
        assert_eq!(
            routed.headers,
            [
                ("Accept".to_owned(), "a, b".to_owned()),
                ("X-Forwarded-Proto".into(), "http".into()),
                ("X-Forwarded-Port".into(), "8080".into()),
                ("X-Forwarded-Host".into(), "A.com:8080".into()),
            ]
        );
    }

    #[test]
    fn host_header_rejections() {
        assert!(route_request(&wire("/", &[]), true).is_err());
        assert!(route_request(&wire("/", &[("Host", "a"), ("host", "b")]), true).is_err());
        assert!(route_request(&wire("/", &[("Host", "a b")]), true).is_err());
        assert!(route_request(&wire("/", &[("Host", "u@a")]), true).is_err());
    }

    #[test]
    fn go_reads_each_invalid_byte_as_one_replacement() {
        assert_eq!(go_string(b"a\xe2\x82b\xff"), "a\u{FFFD}\u{FFFD}b\u{FFFD}");
    }
}
