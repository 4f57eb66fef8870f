//! Cases for the Traefik v3 rule grammar in `seisei::traefik::rule`: valid rules with the tree they
//! parse to, invalid rules with the exact error span and part of the message, then hints, request
//! matching, host sets, default priorities and lints.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::ops::Range;

use seisei::traefik::rule::{self, Expr, HostSet, Kind, MAX_USER_PRIORITY, Request, RuleError};

/// Prints a tree fully parenthesised with values in Rust debug quoting, so a case shows the
/// grouping and the decoded values at a glance.
fn shape(expr: &Expr) -> String {
    match expr {
        Expr::Match { matcher, args, .. } => {
            let values: Vec<String> = args.iter().map(|arg| format!("{:?}", arg.value)).collect();
            format!("{}({})", matcher.name(), values.join(", "))
        }
        Expr::Not(inner) => format!("!{}", shape(inner)),
        Expr::And(left, right) => format!("({} && {})", shape(left), shape(right)),
        Expr::Or(left, right) => format!("({} || {})", shape(left), shape(right)),
    }
}

/// Spans must frame what they claim to: a call from its name to its `)`, an argument with its
/// quotes.
fn check_spans(rule: &str, expr: &Expr) {
    match expr {
        Expr::Match {
            matcher,
            args,
            span,
        } => {
            let call = &rule[span.clone()];
            assert!(
                call.to_ascii_lowercase()
                    .starts_with(&matcher.name().to_ascii_lowercase()),
                "call span {span:?} of {rule:?} is {call:?}"
            );
            assert!(
                call.ends_with(')'),
                "call span {span:?} of {rule:?} is {call:?}"
            );
            for arg in args {
                let literal = &rule[arg.span.clone()];
                let quote = &literal[..1];
                assert!(
                    quote == "`" || quote == "\"",
                    "arg span {literal:?} in {rule:?}"
                );
                assert!(
                    literal.len() >= 2 && literal.ends_with(quote),
                    "arg span {literal:?}"
                );
            }
        }
        Expr::Not(inner) => check_spans(rule, inner),
        Expr::And(left, right) | Expr::Or(left, right) => {
            check_spans(rule, left);
            check_spans(rule, right);
        }
    }
}

fn check_valid(kind: Kind, rule: &str, expected: &str) {
    match rule::parse(rule, kind) {
        Ok(expr) => {
            assert_eq!(shape(&expr), expected, "rule {rule:?}");
            check_spans(rule, &expr);
        }
        Err(error) => panic!("rule {rule:?} should parse, got {error:?}"),
    }
}

fn check_invalid(kind: Kind, rule: &str, span: Range<usize>, message: &str) {
    let error = match rule::parse(rule, kind) {
        Ok(expr) => panic!("rule {rule:?} should fail, parsed as {}", shape(&expr)),
        Err(error) => error,
    };
    assert_eq!(error.span, span, "span of {error:?} in {rule:?}");
    assert!(
        error.message.contains(message),
        "message of {error:?}, wanted {message:?}"
    );
    assert_house_style(&error);
}

/// Lowercase, no trailing period (STYLE.md, "Errors").
fn assert_house_style(error: &RuleError) {
    assert!(!error.message.starts_with(char::is_uppercase), "{error:?}");
    assert!(!error.message.ends_with('.'), "{error:?}");
    if let Some(help) = &error.help {
        assert!(!help.starts_with(char::is_uppercase), "{error:?}");
        assert!(!help.ends_with('.'), "{error:?}");
    }
}

fn parse_http(rule: &str) -> Expr {
    rule::parse(rule, Kind::Http).unwrap_or_else(|error| panic!("{rule:?}: {error:?}"))
}

fn error_of(rule: &str, kind: Kind) -> RuleError {
    rule::parse(rule, kind).expect_err(rule)
}

macro_rules! valid {
    ($($name:ident: $kind:ident, $rule:expr => $shape:expr;)*) => {
        $(#[test] fn $name() { check_valid(Kind::$kind, $rule, $shape); })*
    };
}

macro_rules! invalid {
    ($($name:ident: $kind:ident, $rule:expr, $span:expr => $message:expr;)*) => {
        $(#[test] fn $name() { check_invalid(Kind::$kind, $rule, $span, $message); })*
    };
}

mod valid {
    use super::*;

    valid! {
        host: Http, "Host(`example.com`)" => r#"Host("example.com")"#;
        host_double_quoted: Http, r#"Host("example.com")"# => r#"Host("example.com")"#;
        host_mixed_case_value_kept: Http, "Host(`EXAMPLE.com`)" => r#"Host("EXAMPLE.com")"#;
        host_trailing_dot: Http, "Host(`example.com.`)" => r#"Host("example.com.")"#;
        host_wildcard_v3_7: Http, "Host(`*.example.com`)" => r#"Host("*.example.com")"#;
        host_catch_all_v3_7: Http, "Host(`*`)" => r#"Host("*")"#;
        host_ipv4: Http, "Host(`127.0.0.1`)" => r#"Host("127.0.0.1")"#;
        host_punycode: Http, "Host(`xn--bcher-kva.example`)" => r#"Host("xn--bcher-kva.example")"#;
        hostregexp_anchored_doc: Http, r"HostRegexp(`^[a-z]+\.traefik\.com$`)" => r#"HostRegexp("^[a-z]+\\.traefik\\.com$")"#;
        hostregexp_priority_doc: Http, r"HostRegexp(`[a-z]+\.traefik\.com`)" => r#"HostRegexp("[a-z]+\\.traefik\\.com")"#;
        hostregexp_subdomains: Http, r"HostRegexp(`^.+\.example\.com$`)" => r#"HostRegexp("^.+\\.example\\.com$")"#;
        hostregexp_double_quoted_escapes: Http, r#"HostRegexp("^[a-z]+\\.traefik\\.com$")"# => r#"HostRegexp("^[a-z]+\\.traefik\\.com$")"#;
        hostregexp_case_flag: Http, r"HostRegexp(`(?i)^example\.com$`)" => r#"HostRegexp("(?i)^example\\.com$")"#;
        hostregexp_named_group: Http, r"HostRegexp(`^(?P<sub>[a-z]+)\.example\.com$`)" => r#"HostRegexp("^(?P<sub>[a-z]+)\\.example\\.com$")"#;
        hostregexp_counted_repetition: Http, r"HostRegexp(`^[a-z]{2,5}\.example\.com$`)" => r#"HostRegexp("^[a-z]{2,5}\\.example\\.com$")"#;
        hostregexp_escaped_braces: Http, r"HostRegexp(`^\{host\}$`)" => r#"HostRegexp("^\\{host\\}$")"#;
        path: Http, "Path(`/products`)" => r#"Path("/products")"#;
        path_root: Http, "Path(`/`)" => r#"Path("/")"#;
        path_placeholder_parses: Http, "Path(`/route/{id}`)" => r#"Path("/route/{id}")"#;
        path_non_ascii: Http, "Path(`/café`)" => r#"Path("/café")"#;
        pathprefix_doc: Http, "PathPrefix(`/products/`)" => r#"PathPrefix("/products/")"#;
        pathprefix_api: Http, "PathPrefix(`/api`)" => r#"PathPrefix("/api")"#;
        pathregexp_extensions_doc: Http, r"PathRegexp(`\.(jpeg|jpg|png)$`)" => r#"PathRegexp("\\.(jpeg|jpg|png)$")"#;
        pathregexp_products_doc: Http, "PathRegexp(`^/products/(shoes|socks)/[0-9]+$`)" => r#"PathRegexp("^/products/(shoes|socks)/[0-9]+$")"#;
        pathregexp_without_slash: Http, "PathRegexp(`products`)" => r#"PathRegexp("products")"#;
        pathregexp_unicode_class: Http, r"PathRegexp(`^/\p{L}+$`)" => r#"PathRegexp("^/\\p{L}+$")"#;
        pathregexp_posix_class: Http, "PathRegexp(`^/[[:alpha:]]+$`)" => r#"PathRegexp("^/[[:alpha:]]+$")"#;
        method: Http, "Method(`GET`)" => r#"Method("GET")"#;
        method_lowercase_value: Http, "Method(`post`)" => r#"Method("post")"#;
        method_custom: Http, "Method(`PURGE`)" => r#"Method("PURGE")"#;
        header_doc: Http, "Header(`Content-Type`, `application/json`)" => r#"Header("Content-Type", "application/json")"#;
        header_value_with_comma: Http, "Header(`Accept`, `a, b`)" => r#"Header("Accept", "a, b")"#;
        headerregexp_doc: Http, "HeaderRegexp(`Content-Type`, `^application/(json|yaml)$`)" => r#"HeaderRegexp("Content-Type", "^application/(json|yaml)$")"#;
        query_two_args_doc: Http, "Query(`mobile`, `true`)" => r#"Query("mobile", "true")"#;
        query_one_arg: Http, "Query(`mobile`)" => r#"Query("mobile")"#;
        query_value_with_equals: Http, "Query(`a`, `b=c`)" => r#"Query("a", "b=c")"#;
        queryregexp_two_args_doc: Http, "QueryRegexp(`mobile`, `^(true|yes)$`)" => r#"QueryRegexp("mobile", "^(true|yes)$")"#;
        queryregexp_one_arg: Http, "QueryRegexp(`mobile`)" => r#"QueryRegexp("mobile")"#;
        clientip_ipv4_doc: Http, "ClientIP(`10.76.105.11`)" => r#"ClientIP("10.76.105.11")"#;
        clientip_ipv6_doc: Http, "ClientIP(`::1`)" => r#"ClientIP("::1")"#;
        clientip_cidr_v4_doc: Http, "ClientIP(`192.168.0.0/24`)" => r#"ClientIP("192.168.0.0/24")"#;
        clientip_cidr_v6_doc: Http, "ClientIP(`fe80::/10`)" => r#"ClientIP("fe80::/10")"#;
        clientip_ipv4_mapped: Http, "ClientIP(`::ffff:10.0.0.1`)" => r#"ClientIP("::ffff:10.0.0.1")"#;
        clientip_cidr_with_host_bits: Http, "ClientIP(`10.1.2.3/8`)" => r#"ClientIP("10.1.2.3/8")"#;
        clientip_cidr_everything: Http, "ClientIP(`0.0.0.0/0`)" => r#"ClientIP("0.0.0.0/0")"#;
        clientip_prefix_leading_zero: Http, "ClientIP(`10.0.0.0/08`)" => r#"ClientIP("10.0.0.0/08")"#;
        and_doc: Http, "Host(`example.com`) && PathPrefix(`/api`)" => r#"(Host("example.com") && PathPrefix("/api"))"#;
        or_hosts: Http, "Host(`a.com`) || Host(`b.com`)" => r#"(Host("a.com") || Host("b.com"))"#;
        not_path: Http, "!Path(`/admin`)" => r#"!Path("/admin")"#;
        and_not_doc: Http, "Host(`example.com`) && !PathPrefix(`/admin`)" => r#"(Host("example.com") && !PathPrefix("/admin"))"#;
        parentheses_doc: Http, "Host(`example.com`) && (PathPrefix(`/api`) || PathPrefix(`/admin`))" => r#"(Host("example.com") && (PathPrefix("/api") || PathPrefix("/admin")))"#;
        and_binds_tighter_than_or: Http, "Host(`a`) && Path(`/b`) || Method(`GET`)" => r#"((Host("a") && Path("/b")) || Method("GET"))"#;
        or_then_and: Http, "Host(`a`) || Path(`/b`) && Method(`GET`)" => r#"(Host("a") || (Path("/b") && Method("GET")))"#;
        and_is_left_associative: Http, "Host(`a`) && Path(`/b`) && Method(`GET`)" => r#"((Host("a") && Path("/b")) && Method("GET"))"#;
        or_is_left_associative: Http, "Host(`a`) || Host(`b`) || Host(`c`)" => r#"((Host("a") || Host("b")) || Host("c"))"#;
        not_binds_tighter_than_and: Http, "!Host(`a`) && Path(`/`)" => r#"(!Host("a") && Path("/"))"#;
        not_over_group: Http, "!(Host(`a`) || Host(`b`))" => r#"!(Host("a") || Host("b"))"#;
        double_not: Http, "!!Host(`a`)" => r#"!!Host("a")"#;
        not_with_space: Http, "! Host(`a`)" => r#"!Host("a")"#;
        redundant_parentheses: Http, "((Host(`a`)))" => r#"Host("a")"#;
        group_on_the_left: Http, "(Host(`a`) || Host(`b`)) && Path(`/`)" => r#"((Host("a") || Host("b")) && Path("/"))"#;
        complex_combination: Http, "(Host(`a.com`) || Host(`b.com`)) && PathPrefix(`/api`) && !Method(`DELETE`)" => r#"(((Host("a.com") || Host("b.com")) && PathPrefix("/api")) && !Method("DELETE"))"#;
        no_spaces: Http, "Host(`a`)&&Path(`/`)" => r#"(Host("a") && Path("/"))"#;
        space_before_open_paren: Http, "Host (`a`)" => r#"Host("a")"#;
        spaces_inside_call: Http, "Host( `a` )" => r#"Host("a")"#;
        leading_and_trailing_whitespace: Http, "\n\t Host(`a`) \r\n" => r#"Host("a")"#;
        newline_after_and: Http, "Host(`a`) &&\nPath(`/`)" => r#"(Host("a") && Path("/"))"#;
        newline_after_or: Http, "Host(`a`) ||\n  Host(`b`)" => r#"(Host("a") || Host("b"))"#;
        newline_after_not: Http, "!\nHost(`a`)" => r#"!Host("a")"#;
        newline_after_open_paren: Http, "Host(\n`a`)" => r#"Host("a")"#;
        newline_after_group_paren: Http, "(\nHost(`a`))" => r#"Host("a")"#;
        newline_after_comma: Http, "Header(`X`,\n`y`)" => r#"Header("X", "y")"#;
        trailing_comma: Http, "Host(`a`,)" => r#"Host("a")"#;
        trailing_comma_multiline: Http, "Header(\n  `X-Key`,\n  `v`,\n)" => r#"Header("X-Key", "v")"#;
        spelling_all_lower: Http, "host(`a`)" => r#"Host("a")"#;
        spelling_all_upper: Http, "HOST(`a`)" => r#"Host("a")"#;
        spelling_title_pathprefix: Http, "Pathprefix(`/a`)" => r#"PathPrefix("/a")"#;
        spelling_lower_pathprefix: Http, "pathprefix(`/a`)" => r#"PathPrefix("/a")"#;
        spelling_upper_pathprefix: Http, "PATHPREFIX(`/a`)" => r#"PathPrefix("/a")"#;
        spelling_lower_clientip: Http, "clientip(`::1`)" => r#"ClientIP("::1")"#;
        spelling_title_clientip: Http, "Clientip(`::1`)" => r#"ClientIP("::1")"#;
        spelling_lower_header: Http, "header(`x-forwarded-proto`, `https`)" => r#"Header("x-forwarded-proto", "https")"#;
        raw_string_keeps_newline: Http, "Path(`/a\nb`)" => r#"Path("/a\nb")"#;
        raw_string_drops_carriage_return: Http, "Path(`/a\r\nb`)" => r#"Path("/a\nb")"#;
        raw_string_keeps_backslashes: Http, r"PathRegexp(`^/a\d+$`)" => r#"PathRegexp("^/a\\d+$")"#;
        raw_string_keeps_double_quote: Http, r#"Header(`X`, `say "hi"`)"# => r#"Header("X", "say \"hi\"")"#;
        escape_newline: Http, r#"Path("/a\nb")"# => r#"Path("/a\nb")"#;
        escape_tab: Http, r#"Header("X", "a\tb")"# => r#"Header("X", "a\tb")"#;
        escape_double_quote: Http, r#"Header(`X`, "say \"hi\"")"# => r#"Header("X", "say \"hi\"")"#;
        escape_backslash: Http, r#"PathRegexp("^/a\\d$")"# => r#"PathRegexp("^/a\\d$")"#;
        escape_control_characters: Http, r#"Header(`X`, "\a\b\f\v\r")"# => r#"Header("X", "\u{7}\u{8}\u{c}\u{b}\r")"#;
        escape_hex: Http, r#"Path("/\x41")"# => r#"Path("/A")"#;
        escape_octal: Http, r#"Path("/\101")"# => r#"Path("/A")"#;
        escape_u4: Http, r#"Path("/\u00e9")"# => r#"Path("/é")"#;
        escape_u8: Http, r#"Path("/\U0001F600")"# => r#"Path("/😀")"#;
        escape_hex_bytes_form_utf8: Http, r#"Path("/\xc3\xa9")"# => r#"Path("/é")"#;
        tcp_hostsni: Tcp, "HostSNI(`example.com`)" => r#"HostSNI("example.com")"#;
        tcp_hostsni_catch_all: Tcp, "HostSNI(`*`)" => r#"HostSNI("*")"#;
        tcp_hostsni_wildcard: Tcp, "HostSNI(`*.example.com`)" => r#"HostSNI("*.example.com")"#;
        tcp_hostsni_ip: Tcp, "HostSNI(`10.0.0.1`)" => r#"HostSNI("10.0.0.1")"#;
        tcp_hostsni_underscore_and_colon: Tcp, "HostSNI(`my_host.local:443`)" => r#"HostSNI("my_host.local:443")"#;
        tcp_hostsniregexp: Tcp, r"HostSNIRegexp(`^.+\.example\.com$`)" => r#"HostSNIRegexp("^.+\\.example\\.com$")"#;
        tcp_alpn: Tcp, "ALPN(`h2`)" => r#"ALPN("h2")"#;
        tcp_clientip: Tcp, "ClientIP(`10.0.0.0/8`)" => r#"ClientIP("10.0.0.0/8")"#;
        tcp_or: Tcp, "HostSNI(`a.com`) || HostSNI(`b.com`)" => r#"(HostSNI("a.com") || HostSNI("b.com"))"#;
        tcp_and_alpn: Tcp, "HostSNI(`a.com`) && ALPN(`h2`)" => r#"(HostSNI("a.com") && ALPN("h2"))"#;
        tcp_not_clientip: Tcp, "!ClientIP(`10.0.0.1`) && HostSNI(`*`)" => r#"(!ClientIP("10.0.0.1") && HostSNI("*"))"#;
        tcp_spelling_lower: Tcp, "hostsni(`a`)" => r#"HostSNI("a")"#;
        tcp_spelling_upper: Tcp, "HOSTSNI(`a`)" => r#"HostSNI("a")"#;
        tcp_spelling_title: Tcp, "Hostsni(`a`)" => r#"HostSNI("a")"#;
        tcp_spelling_alpn_title: Tcp, "Alpn(`h2`)" => r#"ALPN("h2")"#;
    }
}

mod invalid {
    use super::*;

    invalid! {
        host_two_values: Http, "Host(`a`, `b`)", 10..13 => "got 2, expected one of [1]";
        host_three_values: Http, "Host(`a`, `b`, `c`)", 10..18 => "got 3, expected one of [1]";
        host_two_values_issue_10697: Http, "Host(`example.com`, `www.example.com`)", 20..37 => "got 2, expected one of [1]";
        host_two_values_double_quoted: Http, r#"Host("a", "b")"#, 10..13 => "unexpected number of parameters";
        hostregexp_two_values: Http, "HostRegexp(`^a$`, `^b$`)", 18..23 => "got 2, expected one of [1]";
        path_two_values: Http, "Path(`/a`, `/b`)", 11..15 => "got 2, expected one of [1]";
        pathprefix_two_values: Http, "PathPrefix(`/a`, `/b`)", 17..21 => "got 2, expected one of [1]";
        pathregexp_two_values: Http, "PathRegexp(`^/a`, `^/b`)", 18..23 => "got 2, expected one of [1]";
        method_two_values: Http, "Method(`GET`, `POST`)", 14..20 => "got 2, expected one of [1]";
        clientip_two_values: Http, "ClientIP(`10.0.0.1`, `10.0.0.2`)", 21..31 => "got 2, expected one of [1]";
        header_one_value: Http, "Header(`X`)", 0..11 => "got 1, expected one of [2]";
        header_three_values: Http, "Header(`X`, `a`, `b`)", 17..20 => "got 3, expected one of [2]";
        headerregexp_one_value: Http, "HeaderRegexp(`X`)", 0..17 => "got 1, expected one of [2]";
        query_three_values: Http, "Query(`k`, `a`, `b`)", 16..19 => "got 3, expected one of [1 2]";
        queryregexp_three_values: Http, "QueryRegexp(`k`, `a`, `b`)", 22..25 => "got 3, expected one of [1 2]";
        tcp_hostsni_two_values: Tcp, "HostSNI(`a.com`, `b.com`)", 17..24 => "got 2, expected one of [1]";
        tcp_hostsniregexp_two_values: Tcp, "HostSNIRegexp(`a`, `b`)", 19..22 => "got 2, expected one of [1]";
        tcp_alpn_two_values: Tcp, "ALPN(`h2`, `http/1.1`)", 11..21 => "got 2, expected one of [1]";
        host_no_value: Http, "Host()", 0..6 => "no value for matcher `Host`";
        query_no_value: Http, "Query( )", 0..8 => "no value for matcher `Query`";
        host_empty_value: Http, "Host(``)", 5..7 => "empty value for matcher `Host`";
        host_empty_double_quoted: Http, r#"Host("")"#, 5..7 => "empty value for matcher `Host`";
        header_empty_value: Http, "Header(`X`, ``)", 12..14 => "empty value for matcher `Header`";
        path_empty_value: Http, "Path(``)", 5..7 => "empty value for matcher `Path`";
        query_empty_key: Http, "Query(``)", 6..8 => "empty value for matcher `Query`";
        empty_value_before_arity: Http, "Host(`a`, ``)", 10..12 => "empty value";
        tcp_hostsni_empty_value: Tcp, "HostSNI(``)", 8..10 => "empty value for matcher `HostSNI`";
        path_without_slash: Http, "Path(`products`)", 5..15 => "`Path` value must start with `/`";
        pathprefix_without_slash: Http, "PathPrefix(`api`)", 11..16 => "`PathPrefix` value must start with `/`";
        path_full_url: Http, "Path(`https://example.com/a`)", 5..28 => "must start with `/`";
        path_without_slash_in_combination: Http, "Host(`a`) && PathPrefix(`api/v1`)", 24..32 => "must start with `/`";
        host_non_ascii: Http, "Host(`bücher.example`)", 5..22 => "non-ASCII characters in `Host` value";
        host_non_ascii_escape: Http, r#"Host("b\u00fccher.example")"#, 5..26 => "non-ASCII";
        hostregexp_non_ascii: Http, r"HostRegexp(`^bücher\.de$`)", 11..26 => "non-ASCII characters in `HostRegexp` value";
        clientip_incomplete_address: Http, "ClientIP(`10.0.0`)", 9..17 => "invalid IP address or CIDR range `10.0.0`";
        clientip_prefix_too_long_v4: Http, "ClientIP(`10.0.0.0/33`)", 9..22 => "invalid IP address or CIDR";
        clientip_prefix_too_long_v6: Http, "ClientIP(`::/129`)", 9..17 => "invalid IP address or CIDR";
        clientip_hostname: Http, "ClientIP(`localhost`)", 9..20 => "invalid IP address or CIDR";
        clientip_leading_zero_octet: Http, "ClientIP(`010.0.0.1`)", 9..20 => "invalid IP address or CIDR";
        clientip_zone: Http, "ClientIP(`fe80::1%eth0`)", 9..23 => "invalid IP address or CIDR";
        clientip_missing_prefix: Http, "ClientIP(`10.0.0.0/`)", 9..20 => "invalid IP address or CIDR";
        clientip_signed_prefix: Http, "ClientIP(`10.0.0.0/+8`)", 9..22 => "invalid IP address or CIDR";
        clientip_netmask_form: Http, "ClientIP(`10.0.0.0/255.0.0.0`)", 9..29 => "invalid IP address or CIDR";
        tcp_hostsni_space: Tcp, "HostSNI(`exa mple.com`)", 8..22 => "invalid `HostSNI` value";
        tcp_hostsni_path: Tcp, "HostSNI(`example.com/path`)", 8..26 => "invalid `HostSNI` value";
        tcp_hostsni_inner_wildcard: Tcp, "HostSNI(`a.*.com`)", 8..17 => "invalid `HostSNI` value";
        tcp_hostsni_wildcard_without_domain: Tcp, "HostSNI(`*.`)", 8..12 => "invalid `HostSNI` value";
        tcp_hostsni_non_ascii: Tcp, "HostSNI(`bücher.de`)", 8..20 => "invalid `HostSNI` value";
        tcp_alpn_acme_tls: Tcp, "ALPN(`acme-tls/1`)", 5..17 => "`acme-tls/1` cannot be used with `ALPN`";
        hostregexp_v2_catch_all_template: Http, "HostRegexp(`{host:.+}`)", 11..22 => "v2 template `{host:.+}` is not Traefik v3 syntax";
        hostregexp_v2_subdomain_template: Http, "HostRegexp(`{subdomain:[a-z]+}.example.com`)", 11..43 => "v2 template `{subdomain:[a-z]+}`";
        hostregexp_v2_traefik_me: Http, "HostRegexp(`app1.{ip:.*}.traefik.me`)", 11..36 => "v2 template `{ip:.*}`";
        hostregexp_v2_template_nested_braces: Http, "HostRegexp(`{id:[0-9]{3}}.example.com`)", 11..38 => "v2 template `{id:[0-9]{3}}`";
        pathregexp_v2_template: Http, "PathRegexp(`/api/{id:[0-9]+}`)", 11..29 => "v2 template `{id:[0-9]+}`";
        pathregexp_v2_placeholder: Http, "PathRegexp(`^/users/{id}$`)", 11..26 => "v2 template `{id}`";
        v2_template_after_valid_matcher: Http, "Host(`a`) && HostRegexp(`{sub:[a-z]+}.a`)", 24..40 => "v2 template";
        hostregexp_unclosed_class: Http, "HostRegexp(`[a-z`)", 11..17 => "missing closing ]: `[a-z`";
        pathregexp_unclosed_group: Http, "PathRegexp(`^/(a|b`)", 11..19 => "missing closing ): `^/(a|b`";
        pathregexp_invalid_in_double_quotes: Http, r#"PathRegexp("(")"#, 11..14 => "invalid regular expression in `PathRegexp`";
        headerregexp_invalid_value_regex: Http, "HeaderRegexp(`X`, `(`)", 18..21 => "invalid regular expression in `HeaderRegexp`";
        queryregexp_invalid_value_regex: Http, "QueryRegexp(`k`, `*a`)", 17..21 => "missing argument to repetition operator";
        hostregexp_x_flag_not_in_go: Http, "HostRegexp(`(?x) ^a$`)", 11..21 => "invalid or unsupported Perl syntax: `(?x`";
        pathregexp_u_flag_group_not_in_go: Http, "PathRegexp(`(?u:^/a)`)", 11..21 => "invalid or unsupported Perl syntax: `(?u`";
        tcp_hostsniregexp_invalid: Tcp, "HostSNIRegexp(`[`)", 14..17 => "invalid regular expression in `HostSNIRegexp`";
        regex_backslash_dot_in_double_quotes: Http, r#"PathRegexp("^/a\.b$")"#, 15..17 => r"unknown escape sequence `\.`";
        single_quoted_value: Http, "Host('example.com')", 5..18 => "single quotes are not allowed";
        single_quoted_char: Http, "Method('G')", 7..10 => "single quotes";
        single_quote_unterminated: Http, "Host('a)", 5..8 => "single quotes";
        single_quote_unterminated_stops_at_line_end: Http, "Host('a)\n&& Path(`/`)", 5..8 => "single quotes";
        identifier_value: Http, "Host(example.com)", 5..16 => "expected a string literal, found `example.com`";
        identifier_single_word: Http, "Method(GET)", 7..10 => "expected a string literal, found `GET`";
        unquoted_path: Http, "PathPrefix(/api)", 11..15 => "expected a string literal, found `/api`";
        number_value: Http, "Method(42)", 7..9 => "expected a string literal, found `42`";
        nested_matcher: Http, "Host(Path(`/`))", 5..9 => "expected a string literal, found `Path`";
        unquoted_second_value: Http, "Header(`X`, yes)", 12..15 => "expected a string literal, found `yes`";
        unknown_matcher: Http, "Foo(`a`)", 0..3 => "unknown matcher `Foo`";
        unknown_matcher_after_operator: Http, "Host(`a`) && Bar(`b`)", 13..16 => "unknown matcher `Bar`";
        bad_casing_pathprefix: Http, "pathPrefix(`/a`)", 0..10 => "unknown matcher `pathPrefix`";
        bad_casing_host: Http, "hOST(`a`)", 0..4 => "unknown matcher `hOST`";
        bad_casing_clientip: Http, "ClientIp(`::1`)", 0..8 => "unknown matcher `ClientIp`";
        bad_casing_hostregexp: Http, "HostRegExp(`^a$`)", 0..10 => "unknown matcher `HostRegExp`";
        tcp_bad_casing_hostsni: Tcp, "HostSni(`a`)", 0..7 => "unknown matcher `HostSni`";
        v2_headers_matcher: Http, "Headers(`X`, `y`)", 0..7 => "unknown matcher `Headers`";
        v2_headersregexp_matcher: Http, "HeadersRegexp(`X`, `y`)", 0..13 => "unknown matcher `HeadersRegexp`";
        v2_hostheader_matcher: Http, "HostHeader(`a`)", 0..10 => "unknown matcher `HostHeader`";
        typo_matcher: Http, "Hots(`a`)", 0..4 => "unknown matcher `Hots`";
        non_ascii_matcher_name: Http, "Hóst(`a`)", 0..5 => "unknown matcher `Hóst`";
        tcp_matcher_in_http_rule: Http, "HostSNI(`a.com`)", 0..7 => "`HostSNI` is a TCP matcher";
        alpn_in_http_rule: Http, "ALPN(`h2`)", 0..4 => "`ALPN` is a TCP matcher";
        http_matcher_in_tcp_rule: Tcp, "Host(`a.com`)", 0..4 => "`Host` is an HTTP matcher";
        path_in_tcp_rule: Tcp, "HostSNI(`a`) && Path(`/`)", 16..20 => "`Path` is an HTTP matcher";
        newline_before_and: Http, "Host(`a`)\n&& Path(`/`)", 10..12 => "expected end of rule, found `&&`";
        newline_before_or: Http, "Host(`a`)\n|| Host(`b`)", 10..12 => "expected end of rule, found `||`";
        crlf_before_and: Http, "Host(`a`)\r\n&& Path(`/`)", 11..13 => "expected end of rule, found `&&`";
        blank_line_and_indent_before_and: Http, "Host(`a`)\n\n    && Path(`/`)", 15..17 => "expected end of rule, found `&&`";
        newline_before_second_and: Http, "Host(`a`) && Path(`/`)\n&& Method(`GET`)", 23..25 => "expected end of rule, found `&&`";
        newline_before_and_inside_group: Http, "(Host(`a`)\n&& Path(`/`))", 11..13 => "unexpected line break before `&&`";
        newline_before_call_close: Http, "Host(`a`\n)", 9..10 => "unexpected line break before `)`";
        newline_before_group_close: Http, "(Host(`a`)\n)", 11..12 => "unexpected line break before `)`";
        newline_before_comma: Http, "Header(`X`\n, `y`)", 11..12 => "unexpected line break before `,`";
        newline_between_name_and_paren: Http, "Host\n(`a`)", 5..6 => "unexpected line break before `(`";
        word_and: Http, "Host(`a`) and Path(`/`)", 10..13 => "expected end of rule, found `and`";
        word_or: Http, "Host(`a`) or Host(`b`)", 10..12 => "expected end of rule, found `or`";
        word_not: Http, "not Host(`a`)", 0..3 => "unknown matcher `not`";
        single_ampersand: Http, "Host(`a`) & Path(`/`)", 10..11 => "expected end of rule, found `&`";
        single_pipe: Http, "Host(`a`) | Host(`b`)", 10..11 => "expected end of rule, found `|`";
        single_ampersand_inside_group: Http, "(Host(`a`) & Path(`/`))", 11..12 => "expected `)`, found `&`";
        missing_operator: Http, "Host(`a`) Path(`/`)", 10..14 => "expected end of rule, found `Path`";
        trailing_and: Http, "Host(`a`) &&", 12..12 => "expected a matcher, found end of rule";
        trailing_or_and_space: Http, "Host(`a`) || ", 13..13 => "expected a matcher, found end of rule";
        leading_and: Http, "&& Host(`a`)", 0..2 => "expected a matcher, found `&&`";
        double_and: Http, "Host(`a`) && && Path(`/`)", 13..15 => "expected a matcher, found `&&`";
        lone_not: Http, "!", 1..1 => "expected a matcher, found end of rule";
        empty_rule: Http, "", 0..0 => "empty rule";
        whitespace_only_rule: Http, "  \n ", 4..4 => "empty rule";
        tcp_empty_rule: Tcp, "", 0..0 => "empty rule";
        empty_parentheses: Http, "()", 1..2 => "expected a matcher, found `)`";
        unclosed_group: Http, "(Host(`a`)", 10..10 => "expected `)`, found end of rule";
        unclosed_nested_group: Http, "((Host(`a`) || Host(`b`))", 25..25 => "expected `)`, found end of rule";
        extra_close_paren: Http, "Host(`a`))", 9..10 => "expected end of rule, found `)`";
        operator_before_close_paren: Http, "(Host(`a`) &&)", 13..14 => "expected a matcher, found `)`";
        unclosed_call: Http, "Host(`a`", 8..8 => "expected `,` or `)`, found end of rule";
        unclosed_call_after_comma: Http, "Header(`a`,", 11..11 => "expected a string literal, found end of rule";
        missing_open_paren: Http, "Host `a`", 5..8 => "expected `(` after `Host`, found a string literal";
        bare_matcher_name: Http, "Host && Path(`/`)", 5..7 => "expected `(` after `Host`, found `&&`";
        bare_matcher_name_at_end: Http, "Host", 4..4 => "expected `(` after `Host`, found end of rule";
        square_brackets: Http, "Host[`a`]", 4..5 => "expected `(` after `Host`, found `[`";
        unterminated_raw_string: Http, "Host(`a)", 5..8 => "unterminated raw string literal";
        unterminated_raw_string_runs_to_end: Http, r#"Path(`/a) && Host("b")"#, 5..22 => "unterminated raw string literal";
        unterminated_double_quoted: Http, r#"Host("a)"#, 5..8 => "unterminated string literal";
        double_quoted_stops_at_newline: Http, "Host(\"a)\n&& Path(`/`)", 5..8 => "unterminated string literal";
        mismatched_quotes: Http, r#"Host("a`)"#, 5..9 => "unterminated string literal";
        escape_unknown_letter: Http, r#"Host("a\qb")"#, 7..9 => r"unknown escape sequence `\q`";
        escape_single_quote_not_allowed_in_strings: Http, r#"Host("it\'s")"#, 8..10 => r"unknown escape sequence `\'`";
        escape_hex_bad_digit: Http, r#"Path("/\x4g")"#, 7..11 => r"invalid escape sequence `\x4g`";
        escape_hex_too_short: Http, r#"Path("/\x4")"#, 7..10 => r"invalid escape sequence `\x4`";
        escape_octal_above_255: Http, r#"Path("/\400")"#, 7..11 => r"octal escape `\400` is above 255";
        escape_octal_too_short: Http, r#"Path("/\12")"#, 7..10 => r"invalid escape sequence `\12`";
        escape_surrogate: Http, r#"Path("/\ud800")"#, 7..13 => "is not a valid Unicode code point";
        escape_beyond_unicode: Http, r#"Path("/\U00110000")"#, 7..17 => "is not a valid Unicode code point";
        escape_invalid_utf8: Http, r#"Path("/\xff")"#, 5..12 => "not valid UTF-8";
        escape_at_end_of_input: Http, r#"Path("/\"#, 5..8 => "unterminated string literal";
        comma_without_value: Http, "Host(,)", 5..6 => "expected a string literal, found `,`";
        double_comma: Http, "Header(`a`,,`b`)", 11..12 => "expected a string literal, found `,`";
        missing_comma: Http, "Header(`a` `b`)", 11..14 => "expected `,` or `)`, found a string literal";
        number_as_matcher: Http, "42", 0..2 => "expected a matcher, found `42`";
        string_as_rule: Http, "`Host(a)`", 0..9 => "expected a matcher, found a string literal";
        equality_operator: Http, "Method(`GET`) == Method(`GET`)", 14..15 => "expected end of rule, found `=`";
        not_equal_operator: Http, "Host(`a`) != Host(`b`)", 10..11 => "expected end of rule, found `!`";
        unicode_operator: Http, "Host(`a`) ∧ Path(`/`)", 10..13 => "expected end of rule, found `∧`";
        semicolon: Http, "Host(`a`);", 9..10 => "expected end of rule, found `;`";
        go_comment: Http, "Host(`a`) // all hosts", 10..11 => "expected end of rule, found `/`";
        non_breaking_space: Http, "Host(`a`)\u{a0}&& Path(`/`)", 9..11 => "expected end of rule, found `\u{a0}`";
    }
}

// ---------------------------------------------------------------------------------------------
// Spans of a valid tree and the hints attached to errors

#[test]
fn spans_of_calls_and_arguments() {
    let Expr::And(left, _) = parse_http(r#"Header(`a`, "b") && Path(`/`)"#) else {
        panic!("expected an `&&` at the top");
    };
    let Expr::Match { args, span, .. } = *left else {
        panic!("expected a call on the left");
    };
    assert_eq!(span, 0..16);
    assert_eq!(args[0].span, 7..10);
    assert_eq!(args[1].span, 12..15);
}

#[test]
fn arity_help_spells_out_the_v3_rewrite() {
    let help = error_of("Host(`a`, `b`, `c`)", Kind::Http).help.unwrap();
    assert!(
        help.contains("Host(`a`) || Host(`b`) || Host(`c`)"),
        "{help}"
    );
    let help = error_of("Query(`k`, `a`, `b`)", Kind::Http).help.unwrap();
    assert!(
        help.contains("Query(`k`, `a`) || Query(`k`, `b`)"),
        "{help}"
    );
}

#[test]
fn v2_template_help_gives_an_anchored_regex() {
    let help = error_of("HostRegexp(`{host:.+}`)", Kind::Http)
        .help
        .unwrap();
    assert!(help.contains("HostRegexp(`^.+$`)"), "{help}");
    let help = error_of("HostRegexp(`app1.{ip:.*}.traefik.me`)", Kind::Http)
        .help
        .unwrap();
    assert!(
        help.contains(r"HostRegexp(`^app1\..*\.traefik\.me$`)"),
        "{help}"
    );
    let help = error_of("HostRegexp(`{sub}.example.com`)", Kind::Http)
        .help
        .unwrap();
    assert!(
        help.contains(r"HostRegexp(`^[^.]+\.example\.com$`)"),
        "{help}"
    );
}

#[test]
fn newline_help_says_where_the_operator_goes() {
    let help = error_of("Host(`a`)\n&& Path(`/`)", Kind::Http)
        .help
        .unwrap();
    assert!(help.contains("end of the previous line"), "{help}");
}

#[test]
fn matcher_name_hints() {
    let hint = |rule: &str, kind| error_of(rule, kind).help.unwrap();
    assert!(hint("pathPrefix(`/a`)", Kind::Http).contains("write `PathPrefix`"));
    assert!(hint("Hots(`a`)", Kind::Http).contains("did you mean `Host`?"));
    assert!(hint("PathPrefx(`/a`)", Kind::Http).contains("did you mean `PathPrefix`?"));
    assert!(hint("Headers(`X`, `y`)", Kind::Http).contains("renamed `Header`"));
    assert!(hint("HostHeader(`a`)", Kind::Http).contains("use `Host`"));
    assert!(hint("HostSNI(`a`)", Kind::Http).contains("use `Host` in HTTP rules"));
    assert!(hint("Host(`a`)", Kind::Tcp).contains("use `HostSNI` in TCP rules"));
    assert!(hint("not Host(`a`)", Kind::Http).contains("`!`"));
    assert!(hint("Host(`a`) and Path(`/`)", Kind::Http).contains("`&&`"));
    assert!(hint("Frobnicate(`a`)", Kind::Http).contains("the HTTP matchers are `Host`"));
}

#[test]
fn value_hints() {
    let hint = |rule: &str| error_of(rule, Kind::Http).help.unwrap();
    assert!(hint("Host(example.com)").contains("Host(`example.com`)"));
    assert!(hint("Host(Path(`/`))").contains("cannot be nested"));
    assert!(hint("Host('a')").contains("backticks"));
    assert!(hint("Path(`api`)").contains("Path(`/api`)"));
    assert!(hint(r#"PathRegexp("\.")"#).contains("backticks"));
    assert!(hint("Host(`bücher.de`)").contains("punycode"));
}

#[test]
fn every_error_follows_house_style() {
    let rules = [
        "",
        "Host(`a`, `b`)",
        "Header(`a`)",
        "Host()",
        "Host(``)",
        "Foo(`a`)",
        "Host('a')",
        "Host(a)",
        "Host(`a`)\n&& Path(`/`)",
        "HostRegexp(`{host:.+}`)",
        "PathRegexp(`(`)",
        "ClientIP(`x`)",
        "Path(`a`)",
        "(Host(`a`)",
        "Host(`a`))",
        r#"Host("\q")"#,
        "HostSNI(`a`)",
        "Host(`a`) & Path(`/`)",
    ];
    for rule in rules {
        assert_house_style(&error_of(rule, Kind::Http));
    }
}

#[test]
fn errors_display_their_message() {
    let error = error_of("Foo(`a`)", Kind::Http);
    assert_eq!(error.to_string(), "unknown matcher `Foo`");
    let _: &dyn std::error::Error = &error;
}

// ---------------------------------------------------------------------------------------------
// Request matching

fn request(host: &str, path: &str) -> Request<'static> {
    Request {
        host: Box::leak(host.to_owned().into_boxed_str()),
        path: Box::leak(path.to_owned().into_boxed_str()),
        method: "GET",
        ..Request::default()
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn matches(rule: &str, req: &Request) -> bool {
    parse_http(rule).matches(req)
}

#[test]
fn host_is_case_insensitive() {
    assert!(matches("Host(`Example.COM`)", &request("example.com", "/")));
    assert!(matches("Host(`example.com`)", &request("EXAMPLE.com", "/")));
    assert!(!matches(
        "Host(`example.com`)",
        &request("example.org", "/")
    ));
}

#[test]
fn host_tolerates_a_trailing_dot_on_either_side() {
    assert!(matches(
        "Host(`example.com`)",
        &request("example.com.", "/")
    ));
    assert!(matches(
        "Host(`example.com.`)",
        &request("example.com", "/")
    ));
}

#[test]
fn host_wildcard_matches_exactly_one_label() {
    let rule = "Host(`*.example.com`)";
    assert!(matches(rule, &request("a.example.com", "/")));
    assert!(!matches(rule, &request("a.b.example.com", "/")));
    assert!(!matches(rule, &request("example.com", "/")));
    assert!(!matches(rule, &request("aexample.com", "/")));
}

#[test]
fn host_star_matches_everything_even_no_host() {
    assert!(matches("Host(`*`)", &request("anything.example", "/")));
    assert!(matches("Host(`*`)", &request("", "/")));
    assert!(!matches("Host(`example.com`)", &request("", "/")));
}

#[test]
fn host_ignores_ipv6_brackets() {
    assert!(matches("Host(`::1`)", &request("[::1]", "/")));
}

#[test]
fn hostregexp_is_unanchored_on_the_lowercased_host() {
    let rule = r"HostRegexp(`[a-z]+\.traefik\.com`)";
    assert!(matches(rule, &request("foobar.traefik.com", "/")));
    assert!(matches(rule, &request("foobar.traefik.com.evil.net", "/")));
    assert!(matches(rule, &request("FOOBAR.traefik.com", "/")));
    // Upper-case literals in the pattern never match: the host is lowercased first.
    assert!(!matches(
        r"HostRegexp(`^FOO\.com$`)",
        &request("FOO.com", "/")
    ));
}

#[test]
fn path_is_exact_and_case_sensitive() {
    assert!(matches("Path(`/products`)", &request("a", "/products")));
    assert!(!matches("Path(`/products`)", &request("a", "/Products")));
    assert!(!matches("Path(`/products`)", &request("a", "/products/")));
    // v3 has no placeholders: this only matches the literal text.
    assert!(!matches("Path(`/route/{id}`)", &request("a", "/route/42")));
    assert!(matches("Path(`/route/{id}`)", &request("a", "/route/{id}")));
}

#[test]
fn pathprefix_is_a_plain_string_prefix() {
    assert!(matches(
        "PathPrefix(`/products`)",
        &request("a", "/products/1")
    ));
    assert!(matches(
        "PathPrefix(`/products`)",
        &request("a", "/products-for-sale")
    ));
    assert!(!matches(
        "PathPrefix(`/products`)",
        &request("a", "/product")
    ));
}

#[test]
fn pathregexp_is_unanchored() {
    assert!(matches(
        r"PathRegexp(`\.(jpeg|jpg|png)$`)",
        &request("a", "/img/cat.png")
    ));
    assert!(matches(
        "PathRegexp(`products`)",
        &request("a", "/shop/products/1")
    ));
    assert!(!matches(
        "PathRegexp(`^/products`)",
        &request("a", "/shop/products")
    ));
}

#[test]
fn method_upper_cases_the_argument_only() {
    let mut req = request("a", "/");
    assert!(matches("Method(`get`)", &req));
    req.method = "get";
    assert!(!matches("Method(`GET`)", &req));
}

#[test]
fn header_name_is_case_insensitive_and_any_value_may_match() {
    let headers = pairs(&[("x-key", "a"), ("X-Key", "b")]);
    let req = Request {
        headers: &headers,
        ..request("a", "/")
    };
    assert!(matches("Header(`X-KEY`, `b`)", &req));
    assert!(matches("Header(`x-key`, `a`)", &req));
    assert!(!matches("Header(`X-Key`, `c`)", &req));
    assert!(!matches("Header(`X-Other`, `a`)", &req));
    assert!(matches("HeaderRegexp(`X-Key`, `^b$`)", &req));
    assert!(!matches("HeaderRegexp(`X-Key`, `^c`)", &req));
}

#[test]
fn query_one_value_form_needs_an_empty_value() {
    let empty = pairs(&[("mobile", "")]);
    let set = pairs(&[("mobile", "1")]);
    let both = pairs(&[("mobile", "1"), ("mobile", "")]);
    let with = |query| Request {
        query,
        ..request("a", "/")
    };
    assert!(matches("Query(`mobile`)", &with(&empty)));
    assert!(!matches("Query(`mobile`)", &with(&set)));
    assert!(matches("Query(`mobile`)", &with(&both)));
    assert!(!matches("Query(`mobile`)", &with(&[])));
    assert!(matches("QueryRegexp(`mobile`)", &with(&empty)));
    assert!(!matches("QueryRegexp(`mobile`)", &with(&set)));
}

#[test]
fn query_two_value_form_compares_keys_exactly() {
    let query = pairs(&[("mobile", "true")]);
    let req = Request {
        query: &query,
        ..request("a", "/")
    };
    assert!(matches("Query(`mobile`, `true`)", &req));
    assert!(!matches("Query(`Mobile`, `true`)", &req));
    assert!(matches("QueryRegexp(`mobile`, `^(true|yes)$`)", &req));
    assert!(!matches("QueryRegexp(`mobile`, `^no$`)", &req));
}

#[test]
fn clientip_addresses_and_ranges() {
    let from = |ip: &str| Request {
        client_ip: Some(ip.parse::<IpAddr>().unwrap()),
        ..request("a", "/")
    };
    assert!(matches("ClientIP(`10.76.105.11`)", &from("10.76.105.11")));
    assert!(!matches("ClientIP(`10.76.105.11`)", &from("10.76.105.12")));
    assert!(matches(
        "ClientIP(`192.168.0.0/24`)",
        &from("192.168.0.200")
    ));
    assert!(!matches("ClientIP(`192.168.0.0/24`)", &from("192.168.1.1")));
    assert!(matches("ClientIP(`10.1.2.3/8`)", &from("10.200.0.1")));
    assert!(matches("ClientIP(`0.0.0.0/0`)", &from("8.8.8.8")));
    assert!(matches("ClientIP(`fe80::/10`)", &from("fe80::1")));
    assert!(!matches("ClientIP(`fe80::/10`)", &from("2001:db8::1")));
    assert!(matches("ClientIP(`::1`)", &from("::1")));
    assert!(matches("ClientIP(`2001:db8::/127`)", &from("2001:db8::1")));
    assert!(!matches("ClientIP(`2001:db8::/128`)", &from("2001:db8::1")));
    // IPv4-mapped addresses count as IPv4, as in Go.
    assert!(matches("ClientIP(`10.0.0.0/8`)", &from("::ffff:10.0.0.5")));
    assert!(matches("ClientIP(`::ffff:0:0/96`)", &from("10.0.0.5")));
    assert!(!matches("ClientIP(`10.0.0.0/8`)", &from("2001:db8::1")));
    assert!(!matches("ClientIP(`::/0`)", &request("a", "/")));
}

#[test]
fn operators_combine_as_written() {
    let rule = "Host(`example.com`) && !PathPrefix(`/admin`)";
    assert!(matches(rule, &request("example.com", "/api")));
    assert!(!matches(rule, &request("example.com", "/admin/users")));
    assert!(!matches(rule, &request("other.com", "/api")));
    let rule = "Host(`a`) && Path(`/b`) || Method(`POST`)";
    let mut post = request("z", "/z");
    post.method = "POST";
    assert!(matches(rule, &post));
    assert!(matches(rule, &request("a", "/b")));
    assert!(!matches(rule, &request("a", "/c")));
}

#[test]
fn tcp_matchers_use_the_host_as_server_name() {
    let tcp = |rule: &str| rule::parse(rule, Kind::Tcp).unwrap();
    assert!(tcp("HostSNI(`*`)").matches(&request("", "")));
    assert!(tcp("HostSNI(`a.com`)").matches(&request("A.com", "")));
    assert!(tcp("HostSNI(`*.a.com`)").matches(&request("x.a.com", "")));
    assert!(tcp(r"HostSNIRegexp(`^.+\.a\.com$`)").matches(&request("x.a.com", "")));
    assert!(!tcp("ALPN(`h2`)").matches(&request("a.com", "")));
}

// ---------------------------------------------------------------------------------------------
// Host sets

fn exact(hosts: &[&str]) -> HostSet {
    HostSet::Exact(
        hosts
            .iter()
            .map(|h| (*h).to_owned())
            .collect::<BTreeSet<_>>(),
    )
}

#[test]
fn host_sets() {
    let hosts = |rule: &str| parse_http(rule).hosts();
    assert_eq!(hosts("Host(`Example.COM.`)"), exact(&["example.com"]));
    assert_eq!(hosts("Host(`a`) || Host(`b`)"), exact(&["a", "b"]));
    assert_eq!(hosts("Host(`a`) && PathPrefix(`/api`)"), exact(&["a"]));
    assert_eq!(hosts("PathPrefix(`/api`) && Host(`a`)"), exact(&["a"]));
    assert_eq!(hosts("PathPrefix(`/api`)"), HostSet::Any);
    assert_eq!(hosts("Host(`a`) || PathPrefix(`/api`)"), HostSet::Any);
    assert_eq!(hosts("!Host(`a`)"), HostSet::Any);
    assert_eq!(hosts("!!Host(`a`)"), exact(&["a"]));
    assert_eq!(hosts("Host(`a`) && !Host(`b`)"), exact(&["a"]));
    assert_eq!(
        hosts("(Host(`a`) || Host(`b`)) && Host(`c`)"),
        exact(&["c"])
    );
    assert_eq!(
        hosts("Host(`*.erp.example.com`)"),
        exact(&["*.erp.example.com"])
    );
    assert_eq!(hosts("Host(`*`)"), HostSet::Any);
    assert_eq!(hosts(r"HostRegexp(`^a\.com$`)"), HostSet::Any);
    assert_eq!(
        hosts("(Host(`a`) && Path(`/x`)) || (Host(`b`) && Method(`GET`))"),
        exact(&["a", "b"])
    );
    let tcp = rule::parse("HostSNI(`a.com`) || HostSNI(`B.com`)", Kind::Tcp).unwrap();
    assert_eq!(tcp.hosts(), exact(&["a.com", "b.com"]));
}

// ---------------------------------------------------------------------------------------------
// Priorities

#[test]
fn default_priority_is_the_byte_length() {
    // The examples of Traefik's "Priority Calculation" section.
    assert_eq!(
        rule::default_priority("Host(`example.com`)", Kind::Http),
        19
    );
    assert_eq!(
        rule::default_priority("Host(`example.com`) && PathPrefix(`/api`)", Kind::Http),
        41
    );
    assert_eq!(
        rule::default_priority(r"HostRegexp(`[a-z]+\.traefik\.com`)", Kind::Http),
        34
    );
    assert_eq!(
        rule::default_priority("Host(`foobar.traefik.com`)", Kind::Http),
        26
    );
    // Bytes, not characters.
    assert_eq!(rule::default_priority("Path(`/café`)", Kind::Http), 14);
    // HTTP has no catch-all special case.
    assert_eq!(rule::default_priority("HostSNI(`*`)", Kind::Http), 12);
}

#[test]
fn tcp_catch_all_priority_is_minus_one() {
    let tcp = |rule: &str| rule::default_priority(rule, Kind::Tcp);
    assert_eq!(tcp("HostSNI(`*`)"), -1);
    assert_eq!(tcp(r#"hostsni("*")"#), -1);
    assert_eq!(tcp(" ( HostSNI(`*`) ) "), -1);
    // Traefik checks the built tree, where a negation is only a flag on the leaf.
    assert_eq!(tcp("!HostSNI(`*`)"), -1);
    assert_eq!(tcp("HostSNI(`*`) || ALPN(`h2`)"), 26);
    assert_eq!(tcp("HostSNI(`a.com`)"), 16);
    assert_eq!(tcp("HostSNI(`*`, `a`)"), 17);
}

#[test]
fn max_user_priority_matches_traefik() {
    assert_eq!(MAX_USER_PRIORITY, 9_223_372_036_854_774_807);
}

// ---------------------------------------------------------------------------------------------
// Lints

fn lint(rule: &str) -> Vec<RuleError> {
    rule::lints(&parse_http(rule))
}

#[test]
fn path_placeholders_are_flagged() {
    let warnings = lint("Path(`/route/{id}`)");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].span, 5..18);
    assert!(warnings[0].message.contains("`{id}`"), "{:?}", warnings[0]);
    assert!(
        warnings[0]
            .help
            .as_ref()
            .unwrap()
            .contains("PathRegexp(`^/route/[^/]+$`)")
    );
    let warnings = lint("PathPrefix(`/api/{version:v[0-9]+}/`)");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .help
            .as_ref()
            .unwrap()
            .contains("PathRegexp(`^/api/v[0-9]+/`)")
    );
    assert!(lint("Path(`/static`)").is_empty());
    warnings.iter().for_each(assert_house_style);
}

#[test]
fn unanchored_hostregexp_is_flagged() {
    let warnings = lint(r"HostRegexp(`[a-z]+\.traefik\.com`)");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].span, 11..33);
    assert!(warnings[0].message.contains("not anchored"));
    assert!(
        warnings[0]
            .help
            .as_ref()
            .unwrap()
            .contains(r"`^[a-z]+\.traefik\.com$`")
    );
    assert_eq!(lint(r"HostRegexp(`^a\.com`)").len(), 1);
    assert_eq!(lint(r"HostRegexp(`a\.com$`)").len(), 1);
    assert_eq!(lint(r"HostRegexp(`^a\.com\$`)").len(), 1);
    let alternatives = lint(r"HostRegexp(`^a\.com|b\.com$`)");
    assert_eq!(alternatives.len(), 1);
    let help = alternatives[0].help.as_ref().unwrap();
    assert!(help.contains(r"`^a\.com$|^b\.com$`"), "{help}");
    warnings.iter().for_each(assert_house_style);
}

#[test]
fn anchored_hostregexp_is_quiet() {
    for rule in [
        r"HostRegexp(`^[a-z]+\.traefik\.com$`)",
        r"HostRegexp(`(?i)^a\.com$`)",
        r"HostRegexp(`^a\.com$|^b\.com$`)",
        r"HostRegexp(`^(a|b)\.com$`)",
        r"HostRegexp(`\Aa\.com\z`)",
        r"HostRegexp(`^a\.com\\$`)",
    ] {
        assert!(lint(rule).is_empty(), "{rule}: {:?}", lint(rule));
    }
}

#[test]
fn lints_walk_the_whole_tree_in_order() {
    let warnings = lint("Host(`a`) && (Path(`/x/{id}`) || !HostRegexp(`a`))");
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0].message.contains("`Path`"));
    assert!(warnings[1].message.contains("`HostRegexp`"));
    let tcp = rule::parse(r"HostSNIRegexp(`.+\.a\.com`)", Kind::Tcp).unwrap();
    assert_eq!(rule::lints(&tcp).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Robustness

/// Rules glued from grammar fragments by a fixed xorshift sequence: parsing, lints, host sets,
/// matching and priorities must never panic, and error spans must stay on character boundaries.
#[test]
fn arbitrary_input_never_panics() {
    const PIECES: [&str; 36] = [
        "Host",
        "PathRegexp",
        "HostRegexp",
        "Header",
        "ClientIP",
        "HostSNI",
        "(",
        ")",
        "`",
        "\"",
        "'",
        "\\",
        "x",
        "é",
        "€",
        "&&",
        "||",
        "&",
        "!",
        ",",
        " ",
        "\n",
        "{id:",
        "}",
        "{",
        "[",
        "]",
        "[:",
        "\\u00e9",
        "\\x",
        "/",
        "*",
        "^",
        "$|",
        "10.0.0.0/8",
        "(?i)",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % 1024).unwrap()
    };
    let req = Request {
        host: "a.example.com",
        path: "/x",
        method: "GET",
        ..Request::default()
    };
    for _ in 0..5_000 {
        let text: String = (0..next() % 14)
            .map(|_| PIECES[next() % PIECES.len()])
            .collect();
        // The same text once as a rule and once inside values, to reach the regex scanner.
        let inner = text.replace('`', "");
        let values = format!("HostRegexp(`{inner}`) || PathPrefix(`/{inner}`)");
        for (rule, kind) in [
            (&text, Kind::Http),
            (&text, Kind::Tcp),
            (&values, Kind::Http),
        ] {
            match rule::parse(rule, kind) {
                Ok(expr) => {
                    check_spans(rule, &expr);
                    let _ = (expr.hosts(), expr.matches(&req));
                    rule::lints(&expr).iter().for_each(assert_house_style);
                }
                Err(error) => {
                    let span = error.span.clone();
                    assert!(span.start <= span.end && span.end <= rule.len(), "{rule:?}");
                    assert!(rule.is_char_boundary(span.start) && rule.is_char_boundary(span.end));
                    assert_house_style(&error);
                }
            }
            let _ = rule::default_priority(rule, kind);
        }
    }
}
