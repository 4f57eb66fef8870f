//! The rule printer: the v3 rule for a structured route, hosts lowercased, wildcards written for
//! the target version, every value a Go string literal that reads back as the value.

use crate::encode::go::string_literal;
use crate::traefik::Version;

/// What a structured route matches.
#[derive(Debug, Clone, Default)]
pub struct RouteMatch<'a> {
    pub hosts: &'a [String],
    pub path_prefix: Option<&'a str>,
    pub path: Option<&'a str>,
    /// Any of these methods.
    pub methods: &'a [String],
    /// Every one of these headers, with exactly this value.
    pub headers: &'a [(String, String)],
}

/// Writes the v3 rule for a structured route. Host values are lowercased because Traefik
/// compares lowercased hosts; a wildcard host becomes an anchored `HostRegexp` on targets
/// that predate wildcard support.
pub fn write_rule(route: &RouteMatch<'_>, version: Version) -> String {
    let hosts: Vec<String> = route
        .hosts
        .iter()
        .map(|h| host_matcher(&h.to_ascii_lowercase(), version))
        .collect();
    let has_path = route.path.is_some()
        || route.path_prefix.is_some()
        || !route.methods.is_empty()
        || !route.headers.is_empty();
    let mut parts = Vec::new();
    match hosts.len() {
        0 => {}
        1 => parts.push(hosts[0].clone()),
        // `&&` binds tighter than `||`: the alternatives need parentheses before a path.
        _ if has_path => parts.push(format!("({})", hosts.join(" || "))),
        _ => parts.push(hosts.join(" || ")),
    }
    if let Some(path) = route.path {
        parts.push(format!("Path({})", string_literal(path)));
    }
    if let Some(prefix) = route.path_prefix {
        parts.push(format!("PathPrefix({})", string_literal(prefix)));
    }
    let methods: Vec<String> = route
        .methods
        .iter()
        .map(|m| format!("Method({})", string_literal(&m.to_ascii_uppercase())))
        .collect();
    match methods.len() {
        0 => {}
        1 => parts.push(methods[0].clone()),
        _ => parts.push(format!("({})", methods.join(" || "))),
    }
    for (name, value) in route.headers {
        parts.push(format!(
            "Header({}, {})",
            string_literal(name),
            string_literal(value)
        ));
    }
    parts.join(" && ")
}

fn host_matcher(host: &str, version: Version) -> String {
    match host.strip_prefix("*.") {
        Some(rest) if !version.has_wildcard_hosts() => {
            // One DNS label, then the rest literally, anchored: HostRegexp is unanchored.
            let mut pattern = String::from("^[a-z0-9-]+");
            for c in format!(".{rest}").chars() {
                if c == '.' {
                    pattern.push_str("\\.");
                } else {
                    pattern.push(c);
                }
            }
            pattern.push('$');
            format!("HostRegexp({})", string_literal(&pattern))
        }
        _ => format!("Host({})", string_literal(host)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traefik::rule;

    const V37: Version = Version { major: 3, minor: 7 };
    const V36: Version = Version { major: 3, minor: 6 };

    #[test]
    fn writes_host_and_prefix() {
        let hosts = vec!["api.seisei.tokyo".to_owned()];
        let rule = write_rule(
            &RouteMatch {
                hosts: &hosts,
                path_prefix: Some("/crm"),
                ..Default::default()
            },
            V37,
        );
        assert_eq!(rule, "Host(`api.seisei.tokyo`) && PathPrefix(`/crm`)");
        assert_eq!(rule::effective_priority(&rule, None), 46);
    }

    #[test]
    fn groups_several_hosts() {
        let hosts = vec!["seisei.tokyo".to_owned(), "www.seisei.tokyo".to_owned()];
        let rule = write_rule(
            &RouteMatch {
                hosts: &hosts,
                ..Default::default()
            },
            V37,
        );
        assert_eq!(rule, "Host(`seisei.tokyo`) || Host(`www.seisei.tokyo`)");
        let rule = write_rule(
            &RouteMatch {
                hosts: &hosts,
                path_prefix: Some("/a"),
                ..Default::default()
            },
            V37,
        );
        assert_eq!(
            rule,
            "(Host(`seisei.tokyo`) || Host(`www.seisei.tokyo`)) && PathPrefix(`/a`)"
        );
    }

    #[test]
    fn adds_methods_and_headers() {
        let hosts = vec!["api.example.test".to_owned()];
        let methods = vec!["get".to_owned(), "HEAD".to_owned()];
        let headers = vec![("X-Tenant".to_owned(), "acme".to_owned())];
        let rule = write_rule(
            &RouteMatch {
                hosts: &hosts,
                methods: &methods,
                headers: &headers,
                ..Default::default()
            },
            V37,
        );
        assert_eq!(
            rule,
            "Host(`api.example.test`) && (Method(`GET`) || Method(`HEAD`)) && Header(`X-Tenant`, `acme`)"
        );
        assert!(rule::parse(&rule, rule::Kind::Http).is_ok());
    }

    #[test]
    fn wildcard_depends_on_version() {
        let hosts = vec!["*.erp.seisei.tokyo".to_owned()];
        let m = RouteMatch {
            hosts: &hosts,
            ..Default::default()
        };
        assert_eq!(write_rule(&m, V37), "Host(`*.erp.seisei.tokyo`)");
        assert_eq!(
            write_rule(&m, V36),
            "HostRegexp(`^[a-z0-9-]+\\.erp\\.seisei\\.tokyo$`)"
        );
    }

    /// Every value comes back from the rule parser as it was: raw strings where Go keeps them
    /// exact, interpreted ones for backticks, carriage returns, NUL and the byte order mark.
    #[test]
    fn literals_read_back_as_the_value() {
        for value in [
            "/plain",
            "/a\nb\tc",
            "/a`b",
            "/a\r\nb",
            "/quote\"and\\slash`",
            "/\0nul",
            "/\u{feff}bom",
            "/c1\u{85}\u{9f}\u{7f}\u{1b}",
            "/日本`語\r",
        ] {
            let rule = format!("PathPrefix({})", string_literal(value));
            let Ok(rule::Expr::Match { args, .. }) = rule::parse(&rule, rule::Kind::Http) else {
                panic!("{rule:?} does not parse");
            };
            assert_eq!(args[0].value, value, "{rule:?}");
        }
        assert_eq!(string_literal("/a"), "`/a`");
        assert_eq!(string_literal("/a\r"), "\"/a\\r\"");
    }
}
