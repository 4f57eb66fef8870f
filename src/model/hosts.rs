//! What a host name and a host address may be. Input: one string from the spec; output: why
//! it is not one, or nothing. Pure functions: `validate` places the diagnostics.
//!
//! Host names follow the DNS label rules (RFC 1035 §2.3.1 as relaxed by RFC 1123 §2.1): each
//! label is 1 to 63 letters, digits and `-`, with no `-` at either end, and the whole name is
//! at most 253 characters. A name that breaks them is refused by Traefik at run time or never
//! resolves, so it is refused here, before anything is written.

use std::net::IpAddr;

/// Longest host name, without a trailing dot (RFC 1035 §3.1: 255 octets on the wire).
pub const MAX_HOST: usize = 253;
/// Longest label of a host name.
pub const MAX_LABEL: usize = 63;

/// Why `host` is not a host name, or `None`. With `wildcard`, a leading `*.` is allowed (a
/// name such as `*.erp.example.com`), and the rest must be a host name.
pub fn host_problem(host: &str, wildcard: bool) -> Option<String> {
    let body = match host.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        _ => host,
    };
    if body.is_empty() {
        return Some("is empty".to_owned());
    }
    if host.len() > MAX_HOST {
        return Some(format!(
            "is {} characters long, over {MAX_HOST}",
            host.len()
        ));
    }
    for label in body.split('.') {
        if label.is_empty() {
            return Some("has an empty label (two dots, or a dot at either end)".to_owned());
        }
        if label.len() > MAX_LABEL {
            return Some(format!(
                "has a label of {} characters, over {MAX_LABEL}",
                label.len()
            ));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(
                "holds a character other than ASCII letters, digits, `-` and `.`".to_owned(),
            );
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "has the label `{label}`, which starts or ends with `-`"
            ));
        }
    }
    None
}

/// Why `ip` is not an IPv4 or IPv6 address, or `None`.
pub fn address_problem(ip: &str) -> Option<&'static str> {
    match ip.parse::<IpAddr>() {
        Ok(_) => None,
        Err(_) => Some("is not an IPv4 or IPv6 address"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_follow_the_label_rules() {
        for good in [
            "example.com",
            "a-b.c",
            "xn--bcher-kva.example",
            "127.0.0.1",
            "localhost",
        ] {
            assert_eq!(host_problem(good, false), None, "{good}");
        }
        assert_eq!(host_problem("*.erp.example.com", true), None);
        let long_label = format!("{}.com", "a".repeat(64));
        let long_name = vec!["abcdefghi"; 26].join(".");
        for bad in [
            "-a.com",
            "a-.com",
            "a..com",
            "a.com.",
            "a_b.com",
            "*.a.com",
            "",
            long_label.as_str(),
            long_name.as_str(),
        ] {
            assert!(host_problem(bad, false).is_some(), "{bad}");
        }
        assert!(host_problem(&"a".repeat(63), false).is_none());
    }

    #[test]
    fn addresses_are_ip_addresses() {
        for good in ["127.0.0.1", "0.0.0.0", "::1", "2001:db8::1"] {
            assert_eq!(address_problem(good), None, "{good}");
        }
        for bad in [
            "localhost",
            "127.0.0.256",
            "1.2.3",
            "::g",
            " 127.0.0.1",
            "127.0.0.1:80",
        ] {
            assert!(address_problem(bad).is_some(), "{bad}");
        }
    }
}
