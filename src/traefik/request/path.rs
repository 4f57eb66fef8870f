//! The request path as Traefik's HTTP routers see it: Go's parse of the request target
//! (`net/url` `setPath`, `EscapedPath`), Traefik's `normalizePath` and `sanitizePath`
//! (`pkg/server/server_entrypoint_tcp.go`) and the routing path of `withRoutingPath`
//! (`pkg/muxer/http/mux.go`), which `Path`, `PathPrefix` and `PathRegexp` match against.

use super::Rejection;

/// The path after every step Traefik takes before routing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutedPath {
    /// `EscapedPath()` after `sanitizePath`: what a redirect's `Location` carries.
    pub escaped: String,
    /// The routing path as bytes: every escape decoded except the reserved set.
    pub routing: Vec<u8>,
}

/// The reserved characters `withRoutingPath` keeps encoded (RFC 3986 gen-delims and sub-delims,
/// plus `%`), as upper-case escapes.
const RESERVED: [&str; 19] = [
    "%3A", "%2F", "%3F", "%23", "%5B", "%5D", "%40", "%21", "%24", "%26", "%27", "%28", "%29",
    "%2A", "%2B", "%2C", "%3B", "%3D", "%25",
];

/// Every step from the raw path of the request target (before any `?`) to the routing path.
/// `sanitize` is the entry point's `http.sanitizePath` (true unless written otherwise).
///
/// # Errors
///
/// The requests Go's server or Traefik answer 400 before any router: a `%` without two hex
/// digits, a control byte, a raw `#` in the path.
pub fn route_path(raw: &[u8], sanitize: bool) -> Result<RoutedPath, Rejection> {
    if let Some(byte) = raw.iter().find(|b| **b < 0x20 || **b == 0x7f) {
        return Err(Rejection::new(format!(
            "the request target holds the control byte 0x{byte:02X}, which Go's server refuses"
        )));
    }
    let path = unescape(raw).ok_or_else(|| {
        Rejection::new(
            "the path holds a `%` not followed by two hex digits, which Go's server refuses",
        )
    })?;
    let (path, mut raw_path) = set_path(raw, path);
    if raw_path.contains(&b'#') {
        return Err(Rejection::new(
            "the path holds a raw `#`, which Traefik refuses (`denyFragment`)",
        ));
    }
    if !raw_path.is_empty() {
        raw_path = normalize(&raw_path);
    }
    let mut escaped = escaped_path(&path, &raw_path);
    if sanitize {
        let joined = join_path(&escaped);
        // `setPath` on the joined text, then `EscapedPath()` again.
        let decoded = unescape(&joined).unwrap_or_default();
        let (path, raw_path) = set_path(&joined, decoded);
        escaped = escaped_path(&path, &raw_path);
    }
    let routing = routing_path(&escaped);
    Ok(RoutedPath {
        escaped: String::from_utf8_lossy(&escaped).into_owned(),
        routing,
    })
}

/// Go's `unescape` in path mode: `%XX` becomes its byte; `None` on a malformed escape.
pub(super) fn unescape(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'%' {
            let high = hex(*text.get(i + 1)?)?;
            let low = hex(*text.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    Some(out)
}

pub(super) fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// `setPath`: the decoded path, and the spelling as sent only when it differs from Go's own
/// encoding of the decoded path.
fn set_path(raw: &[u8], path: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let raw_path = if escape(&path) == raw {
        Vec::new()
    } else {
        raw.to_vec()
    };
    (path, raw_path)
}

/// `shouldEscape(c, encodePath)`.
fn should_escape(byte: u8) -> bool {
    !(byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'_'
                | b'.'
                | b'~'
                | b'$'
                | b'&'
                | b'+'
                | b','
                | b'/'
                | b':'
                | b';'
                | b'='
                | b'@'
        ))
}

/// `escape(s, encodePath)`, upper-case hex.
fn escape(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len());
    for &byte in path {
        if should_escape(byte) {
            out.extend_from_slice(format!("%{byte:02X}").as_bytes());
        } else {
            out.push(byte);
        }
    }
    out
}

/// `validEncoded(s, encodePath)`: every byte is one `escape` keeps, a sub-delim, `[`, `]` or `%`.
fn valid_encoded(text: &[u8]) -> bool {
    text.iter().all(|&byte| {
        matches!(
            byte,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(byte)
    })
}

/// `EscapedPath()`: the spelling as sent while it is valid and decodes to the path, else Go's
/// encoding of the path.
fn escaped_path(path: &[u8], raw_path: &[u8]) -> Vec<u8> {
    if !raw_path.is_empty()
        && valid_encoded(raw_path)
        && unescape(raw_path).as_deref() == Some(path)
    {
        return raw_path.to_vec();
    }
    if path == b"*" {
        return path.to_vec();
    }
    escape(path)
}

/// `normalizePath`: escapes upper-cased, the 66 unreserved characters decoded.
fn normalize(raw_path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw_path.len());
    let mut i = 0;
    while i < raw_path.len() {
        let escape = (raw_path[i] == b'%')
            .then(|| Some((hex(*raw_path.get(i + 1)?)?, hex(*raw_path.get(i + 2)?)?)))
            .flatten();
        if let Some((high, low)) = escape {
            let byte = high << 4 | low;
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                out.push(byte);
            } else {
                out.extend_from_slice(format!("%{byte:02X}").as_bytes());
            }
            i += 3;
        } else {
            out.push(raw_path[i]);
            i += 1;
        }
    }
    out
}

/// `URL.JoinPath()` with no elements: `path.Join` on the escaped path (so `%2F` is no
/// separator), keeping one trailing slash if there was one.
fn join_path(escaped: &[u8]) -> Vec<u8> {
    let rooted = escaped.starts_with(b"/");
    let mut segments: Vec<&[u8]> = Vec::new();
    for segment in escaped.split(|b| *b == b'/') {
        match segment {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut joined = b"/".to_vec();
    joined.extend_from_slice(&segments.join(&b'/'));
    if !rooted {
        // A relative input (`*`, or the empty path of an absolute-form target) was joined as
        // `"/" + input` and loses that slash again.
        joined.remove(0);
    }
    if escaped.ends_with(b"/") && !joined.ends_with(b"/") {
        joined.push(b'/');
    }
    joined
}

/// `withRoutingPath`: every escape decoded except the reserved ones.
fn routing_path(escaped: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(escaped.len());
    let mut i = 0;
    while i < escaped.len() {
        let triple = escaped.get(i..i + 3);
        match triple {
            Some(t) if t[0] == b'%' && !RESERVED.iter().any(|r| r.as_bytes() == t) => {
                match (hex(t[1]), hex(t[2])) {
                    (Some(high), Some(low)) => out.push(high << 4 | low),
                    _ => out.extend_from_slice(t),
                }
                i += 3;
            }
            Some(t) if t[0] == b'%' => {
                out.extend_from_slice(t);
                i += 3;
            }
            _ => {
                out.push(escaped[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routed(raw: &str) -> String {
        String::from_utf8_lossy(&route_path(raw.as_bytes(), true).unwrap().routing).into_owned()
    }

    #[test]
    fn traefik_sanitize_path_table() {
        // From `TestSanitizePath` and the examples of the facts file.
        for (raw, want) in [
            ("/a/b/", "/a/b/"),
            ("/a/b/../", "/a/"),
            ("/a//", "/a/"),
            ("/a/b/..", "/a"),
            ("/a/.", "/a"),
            ("/.", "/"),
            ("/..", "/"),
            ("/../../b", "/b"),
            ("//crm", "/crm"),
            ("/..///b///", "/b/"),
            ("/a%2Fb/../c", "/c"),
            ("/%63rm/contacts", "/crm/contacts"),
            ("/x/%2e%2e/crm", "/crm"),
            ("/a%2fb", "/a%2Fb"),
            ("/foo%20bar", "/foo bar"),
            ("/100%25", "/100%25"),
            ("/a\\..\\b", "/a\\..\\b"),
            ("/a!b", "/a!b"),
            ("/a%21b", "/a%21b"),
            ("*", "*"),
        ] {
            assert_eq!(routed(raw), want, "{raw}");
        }
    }

    #[test]
    fn whole_path_reencoding_when_one_byte_is_invalid() {
        // A raw `"` makes Go re-encode the whole path, so a raw `!` becomes `%21`.
        assert_eq!(routed("/a!b/\""), "/a%21b/\"");
    }

    #[test]
    fn rejections() {
        for raw in ["/%zz", "/%4", "/a%", "/a#b", "/a\x01"] {
            assert!(route_path(raw.as_bytes(), true).is_err(), "{raw}");
        }
    }
}
