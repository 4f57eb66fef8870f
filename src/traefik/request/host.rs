//! The request host as Traefik's `Host` and `HostRegexp` see it: Go's checks on the `Host`
//! header (`net/http` `conn.readRequest`, `httpguts.ValidHostHeader`), then `parseHost` and
//! `CanonicalDomain` (`pkg/middlewares/requestdecorator/request_decorator.go`,
//! `pkg/types/domains.go`): port dropped, brackets removed, trimmed, lowercased, trailing dot
//! kept. Also the client side of `seisei route URL`: the `Host` header a client such as curl
//! sends for a URL's authority (user info dropped, names in punycode, default port omitted).

use super::Rejection;

/// `httpguts.ValidHostHeader`: alphanumerics and ``!$%&'()*+,-.:;=[]_~``.
pub fn check_host_header(value: &str) -> Result<(), Rejection> {
    match value
        .bytes()
        .find(|b| !(b.is_ascii_alphanumeric() || b"!$%&'()*+,-.:;=[]_~".contains(b)))
    {
        Some(byte) => Err(Rejection::new(format!(
            "the Host header holds the byte `{}`, which Go's server refuses",
            char::from(byte).escape_default()
        ))),
        None => Ok(()),
    }
}

/// `CanonicalDomain(parseHost(host))`.
pub fn canonical_host(host: &str) -> String {
    parse_host(host).trim().to_lowercase()
}

fn parse_host(addr: &str) -> &str {
    if !addr.contains(':') {
        return addr;
    }
    match split_host_port(addr) {
        Some(host) => host,
        None if addr.len() > 2 && addr.starts_with('[') && addr.ends_with(']') => {
            &addr[1..addr.len() - 1]
        }
        None => addr,
    }
}

/// `net.SplitHostPort`'s host, `None` where it fails.
fn split_host_port(hostport: &str) -> Option<&str> {
    let colon = hostport.rfind(':')?;
    let (host, after_open, after_close) = if hostport.starts_with('[') {
        let end = hostport.find(']')?;
        if end + 1 != colon {
            return None;
        }
        (&hostport[1..end], 1, end + 1)
    } else {
        let host = &hostport[..colon];
        if host.contains(':') {
            return None;
        }
        (host, 0, 0)
    };
    if hostport[after_open..].contains('[') || hostport[after_close..].contains(']') {
        return None;
    }
    Some(host)
}

/// The `Host` header a client sends for a URL authority `[user@]host[:port]`, with the port
/// omitted when it is the scheme's default, and the port the connection goes to.
///
/// # Errors
///
/// An authority with no host, a port that is not a number, an unclosed `[`, or a name that
/// cannot be written in punycode.
pub fn client_host(authority: &str, default_port: u16) -> Result<(String, u16), String> {
    // curl turns user info into an `Authorization` header; it never reaches `Host`.
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inner, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("`[{rest}` has no closing `]`"))?;
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| format!("`{after}` after `[{inner}]` is not `:port`"))?,
            ),
        };
        (format!("[{inner}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (idna(host)?, Some(port)),
            None => (idna(authority)?, None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err("the URL has no host".to_owned());
    }
    let port = match port {
        None | Some("") => default_port,
        Some(text) => text
            .parse::<u16>()
            .map_err(|_| format!("`{text}` is not a port"))?,
    };
    let header = if port == default_port {
        host
    } else {
        format!("{host}:{port}")
    };
    Ok((header, port))
}

/// A host name with every non-ASCII label in punycode (`xn--`), after lowercasing, as curl
/// and browsers send it. This is the core of IDNA (UTS 46) without its mapping table, which
/// covers lowercase and already-normalised names.
fn idna(host: &str) -> Result<String, String> {
    if host.is_ascii() {
        return Ok(host.to_owned());
    }
    let labels: Result<Vec<String>, String> = host
        .to_lowercase()
        .split('.')
        .map(|label| {
            if label.is_ascii() {
                Ok(label.to_owned())
            } else {
                punycode(label)
                    .map(|code| format!("xn--{code}"))
                    .ok_or_else(|| format!("`{label}` cannot be written in punycode"))
            }
        })
        .collect();
    labels.map(|labels| labels.join("."))
}

/// RFC 3492 encoding of one label.
fn punycode(label: &str) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let digit = |value: u32| -> char {
        let value = u8::try_from(value).unwrap_or(0);
        char::from(if value < 26 {
            b'a' + value
        } else {
            b'0' + (value - 26)
        })
    };
    let adapt = |mut delta: u32, points: u32, first: bool| -> u32 {
        delta /= if first { 700 } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + 38)
    };
    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut output: String = label.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(output.len()).ok()?;
    if basic > 0 {
        output.push('-');
    }
    let (mut code, mut delta, mut bias, mut handled) = (128_u32, 0_u32, 72_u32, basic);
    let total = u32::try_from(input.len()).ok()?;
    while handled < total {
        let next = *input.iter().filter(|&&c| c >= code).min()?;
        delta = delta.checked_add((next - code).checked_mul(handled + 1)?)?;
        code = next;
        for &c in &input {
            if c < code {
                delta = delta.checked_add(1)?;
            }
            if c == code {
                let mut rest = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if rest < t {
                        break;
                    }
                    output.push(digit(t + (rest - t) % (BASE - t)));
                    rest = (rest - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(rest));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        code += 1;
    }
    Some(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traefik_parse_host() {
        for (host, want) in [
            ("A.com", "a.com"),
            ("a.com:8080", "a.com"),
            ("a.com:xyz", "a.com"),
            ("a.com.", "a.com."),
            ("[::1]", "::1"),
            ("[::1]:8080", "::1"),
            ("::1", "::1"),
            ("a:1:2", "a:1:2"),
        ] {
            assert_eq!(canonical_host(host), want, "{host}");
        }
    }

    #[test]
    fn client_side_hosts() {
        assert_eq!(
            client_host("user:pw@a.com", 443).unwrap(),
            ("a.com".into(), 443)
        );
        assert_eq!(client_host("[::1]", 80).unwrap(), ("[::1]".into(), 80));
        assert_eq!(
            client_host("[::1]:8080", 80).unwrap(),
            ("[::1]:8080".into(), 8080)
        );
        assert_eq!(
            client_host("a.com:443", 443).unwrap(),
            ("a.com".into(), 443)
        );
        assert_eq!(
            client_host("bücher.example", 443).unwrap().0,
            "xn--bcher-kva.example"
        );
        assert_eq!(
            client_host("例え.テスト", 443).unwrap().0,
            "xn--r8jz45g.xn--zckzah"
        );
        assert!(client_host("a.com:x", 443).is_err());
    }
}
