//! The query as Traefik's `Query` and `QueryRegexp` read it: `http.AllowQuerySemicolons`
//! turns every `;` into `&` (`newHTTPServer` in `pkg/server/server_entrypoint_tcp.go`), then
//! Go's `URL.Query()` (`net/url` `parseQuery`) splits and decodes the pairs.

use super::path::hex;

/// The decoded pairs of a raw query, in order; the value of a bare `key` is empty.
pub fn parse_query(raw: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let rewritten: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b';' { b'&' } else { b })
        .collect();
    let mut pairs = Vec::new();
    for piece in rewritten.split(|b| *b == b'&') {
        if piece.is_empty() {
            continue;
        }
        let (key, value) = match piece.iter().position(|b| *b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &b""[..]),
        };
        // A pair with a malformed escape is dropped; the others stay (`parseQuery` records
        // the error and goes on, and `Query()` ignores it).
        if let (Some(key), Some(value)) = (query_unescape(key), query_unescape(value)) {
            pairs.push((key, value));
        }
    }
    pairs
}

/// `QueryUnescape`: `+` is a space, `%XX` any byte.
fn query_unescape(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'%' => {
                let high = hex(*text.get(i + 1)?)?;
                let low = hex(*text.get(i + 2)?)?;
                out.push(high << 4 | low);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &str) -> Vec<(String, String)> {
        parse_query(raw.as_bytes())
            .into_iter()
            .map(|(k, v)| (String::from_utf8(k).unwrap(), String::from_utf8(v).unwrap()))
            .collect()
    }

    #[test]
    fn go_query_rules() {
        let p = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(pairs("a=1;b=2"), [p("a", "1"), p("b", "2")]);
        assert_eq!(pairs("x;y"), [p("x", ""), p("y", "")]);
        assert_eq!(pairs("a==b&&c"), [p("a", "=b"), p("c", "")]);
        assert_eq!(pairs("a+b=%41+"), [p("a b", "A ")]);
        assert_eq!(pairs("bad=%zz&ok=1"), [p("ok", "1")]);
        assert_eq!(pairs("k=%3B"), [p("k", ";")]);
    }
}
