//! Leaf validation: the checks Traefik makes when it builds each matcher (arity, paths,
//! hosts, IP ranges, regexes as Go's RE2 would take them).

use std::net::IpAddr;
use std::ops::Range;

use super::lint::{segment_for, v2_templates, v2_to_regex};
use super::{Arg, Expr, Kind, Matcher, RuleError, parse};
use crate::traefik::goregex;

// Leaf validation: the checks Traefik makes when it builds each matcher.

pub(super) fn validate_call(
    matcher: Matcher,
    args: &[Arg],
    span: &Range<usize>,
) -> Result<(), RuleError> {
    // `CheckRule` in `pkg/rules/parser.go` runs before the matcher functions see the values.
    if args.is_empty() {
        return Err(
            RuleError::new(format!("no value for matcher `{matcher}`"), span.clone())
                .help(format!("write `{}`", matcher.example())),
        );
    }
    if let Some(empty) = args.iter().find(|arg| arg.value.is_empty()) {
        return Err(RuleError::new(
            format!("empty value for matcher `{matcher}`"),
            empty.span.clone(),
        ));
    }
    check_arity(matcher, args, span)?;
    check_values(matcher, args)
}

fn check_arity(matcher: Matcher, args: &[Arg], span: &Range<usize>) -> Result<(), RuleError> {
    let allowed = matcher.arities();
    let got = args.len();
    if allowed.contains(&got) {
        return Ok(());
    }
    // Same wording as Traefik's `expectNParameters`, which prints the Go slice `[1 2]`.
    let expected: Vec<String> = allowed.iter().map(ToString::to_string).collect();
    let message = format!(
        "unexpected number of parameters for `{matcher}`; got {got}, expected one of [{}]",
        expected.join(" ")
    );
    let max = allowed[allowed.len() - 1];
    if got < max {
        return Err(RuleError::new(message, span.clone()).help(format!(
            "`{matcher}` takes a name and a value, such as `{}`",
            matcher.example()
        )));
    }
    let quote = |arg: &Arg| format!("`{}`", arg.value);
    let (help, calls): (String, Vec<String>) = if matcher.is_keyed() {
        let key = quote(&args[0]);
        (
            format!("in Traefik v3 `{matcher}` takes one name and one value: write"),
            args[1..]
                .iter()
                .map(|value| format!("{matcher}({key}, {})", quote(value)))
                .collect(),
        )
    } else {
        (
            "in Traefik v3 each matcher takes one value: write".to_owned(),
            args.iter()
                .map(|value| format!("{matcher}({})", quote(value)))
                .collect(),
        )
    };
    Err(
        RuleError::new(message, args[max].span.start..args[got - 1].span.end)
            .help(format!("{help} `{}`", calls.join(" || "))),
    )
}

fn check_values(matcher: Matcher, args: &[Arg]) -> Result<(), RuleError> {
    let first = &args[0];
    let value = first.value.as_str();
    let span = first.span.clone();
    match matcher {
        // `IsASCII` checks in `host` and `hostRegexp` (`pkg/muxer/http/matcher.go`).
        Matcher::Host | Matcher::HostRegexp if !value.is_ascii() => {
            return Err(
                RuleError::new(format!("non-ASCII characters in `{matcher}` value"), span).help(
                    "hosts must be ASCII: write internationalised names in punycode (`xn--...`)",
                ),
            );
        }
        Matcher::Path | Matcher::PathPrefix if !value.starts_with('/') => {
            return Err(
                RuleError::new(format!("`{matcher}` value must start with `/`"), span)
                    .help(format!("write `{matcher}(`/{value}`)`")),
            );
        }
        Matcher::ClientIp if parse_ip_range(value).is_none() => {
            return Err(RuleError::new(
                format!("invalid IP address or CIDR range `{value}` for `ClientIP`"),
                span,
            )
            .help("write an address such as `192.168.1.7` or `2001:db8::1`, or a range such as `10.0.0.0/8`"));
        }
        Matcher::HostSni if !is_valid_host_sni(value) => {
            return Err(
                RuleError::new(format!("invalid `HostSNI` value `{value}`"), span).help(
                    "write a domain name, an IP address, a `*.` wildcard domain or `*` alone",
                ),
            );
        }
        // Traefik keeps this protocol for the TLS-ALPN-01 challenge (`pkg/muxer/tcp/matcher.go`).
        Matcher::Alpn if value == "acme-tls/1" => {
            return Err(
                RuleError::new("`acme-tls/1` cannot be used with `ALPN`", span)
                    .help("it is reserved for the ACME TLS-ALPN-01 challenge"),
            );
        }
        _ => {}
    }
    match matcher.regex_arg().and_then(|index| args.get(index)) {
        Some(pattern) => check_regex(matcher, args, pattern),
        None => Ok(()),
    }
}

fn check_regex(matcher: Matcher, args: &[Arg], pattern: &Arg) -> Result<(), RuleError> {
    let value = pattern.value.as_str();
    // v2 wrote `{name:re}` gorilla/mux templates; Go compiles them with literal braces, so a
    // migrated rule silently stops matching (reference §7.2). Rust's regex rejects them anyway.
    if let Some(template) = v2_templates(value).first() {
        let rewritten = v2_to_regex(value, segment_for(matcher), true);
        let call = if matcher.is_keyed() {
            format!("{matcher}(`{}`, `{rewritten}`)", args[0].value)
        } else {
            format!("{matcher}(`{rewritten}`)")
        };
        return Err(RuleError::new(
            format!(
                "v2 template `{}` is not Traefik v3 syntax",
                &value[template.range.clone()]
            ),
            pattern.span.clone(),
        )
        .help(format!(
            "in Traefik v3 this is a plain Go regular expression: write `{call}`"
        )));
    }
    // Go's syntax, translated (or refused with Go's reason) by `goregex`.
    match goregex::validate(value) {
        Ok(()) => Ok(()),
        Err(reason) => {
            let error = RuleError::new(
                format!("invalid regular expression in `{matcher}`: {reason}"),
                pattern.span.clone(),
            );
            Err(if reason.contains("Perl syntax") {
                error.help("the only flags of Go regular expressions are `i`, `m`, `s` and `U`")
            } else {
                error
            })
        }
    }
}

pub(super) fn parse_ip_range(value: &str) -> Option<(IpAddr, u32)> {
    let Some((address, prefix)) = value.split_once('/') else {
        let address: IpAddr = value.parse().ok()?;
        return Some((address, max_prefix(address)));
    };
    let address: IpAddr = address.parse().ok()?;
    // Go's `net.ParseCIDR` reads the length with `dtoi`: decimal digits, leading zeros allowed.
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u32 = prefix.parse().ok()?;
    (prefix <= max_prefix(address)).then_some((address, prefix))
}

fn max_prefix(address: IpAddr) -> u32 {
    match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `hostOrIP` in `pkg/muxer/tcp/matcher.go`: `^(\*\.)?[[:word:]\.\-\:]+$`, or `*` alone.
fn is_valid_host_sni(value: &str) -> bool {
    if value == "*" {
        return true;
    }
    let name = value.strip_prefix("*.").unwrap_or(value);
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'))
}

pub(super) fn is_tcp_catch_all(rule: &str) -> bool {
    let Ok(mut expr) = parse(rule, Kind::Tcp) else {
        return false;
    };
    // Traefik inspects the built tree, where a negation is only a flag on the leaf, so even
    // `!HostSNI(`*`)` counts as the catch-all there.
    while let Expr::Not(inner) = expr {
        expr = *inner;
    }
    matches!(
        &expr,
        Expr::Match { matcher: Matcher::HostSni, args, .. } if args.len() == 1 && args[0].value == "*"
    )
}
