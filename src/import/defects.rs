//! The defects a hand-kept platform has, found while importing it and reported at the source
//! file and line: Traefik labels while the Docker provider is off (they do nothing), v2 rule
//! syntax on a v3 Traefik (with the v3 rewrite, which the imported spec uses), dynamic-file
//! servers that name no container or a port it does not listen on, unanchored regular
//! expressions, and one host claimed by two routers. Input: the source as read; output:
//! warnings. Everything `validate` checks is checked again on the imported spec afterwards.

use std::path::PathBuf;

use serde_yaml::Value;

use super::build::{Source, hosts_of};
use super::compose::as_map;
use super::labels::Router;
use super::lines;
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::spec::Spec;

/// One router with where it is written.
struct Place {
    file: PathBuf,
    line: usize,
    router: Router,
}

/// Every defect of `source`.
pub fn find(source: &Source, _spec: &Spec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let docker = source.traefik.as_ref().is_some_and(|t| t.config.docker);
    let mut places: Vec<Place> = Vec::new();
    for stack in &source.stacks {
        let text = &stack.project.text;
        for (name, svc) in &stack.project.services {
            let Some(labels) = svc.get("labels") else {
                continue;
            };
            let parsed = super::labels::parse(&as_map(labels));
            let labels_line = lines::find(text, &["services", name, "labels"]);
            if !parsed.routers.is_empty() && !docker && source.traefik.is_some() {
                out.push(
                    Diagnostic::new(Code::ImportDeadLabels, &stack.project.path, Some(Span::point(labels_line, 1)),
                        format!("service `{name}` has Traefik router labels, but the static configuration does not enable the Docker provider, so Traefik ignores them"))
                        .with_help("the imported spec keeps these routes on the Docker provider, so `seisei gen` enables it and they start to answer: check that this is what you want, or move them to the file provider"),
                );
            }
            for router in parsed.routers {
                let line = lines::find_text(text, labels_line, &router.key);
                places.push(Place {
                    file: stack.project.path.clone(),
                    line,
                    router,
                });
            }
        }
    }
    if let Some(t) = &source.traefik {
        for (path, text, file) in &t.dynamic {
            for router in &file.routers {
                let line = lines::find(text, &["http", "routers", &router.name]);
                places.push(Place {
                    file: path.clone(),
                    line,
                    router: router.clone(),
                });
            }
            for service in &file.services {
                let line = lines::find(text, &["http", "services", &service.name]);
                for url in &service.servers {
                    let Some((host, port)) = super::dynamic::host_port(url) else {
                        continue;
                    };
                    if host.parse::<std::net::IpAddr>().is_ok() || host.contains('.') {
                        continue;
                    }
                    match listening(source, &host) {
                        None => out.push(
                            Diagnostic::new(Code::ImportUnknownBackend, path, Some(Span::point(line, 1)),
                                format!("service `{}` sends traffic to `{url}`, but no container is named `{host}`", service.name))
                                .with_help("name the container (its `container_name` or service name), or remove the stale service; the spec keeps it as a backend"),
                        ),
                        Some(ports) if !ports.is_empty() && !ports.contains(&port) => out.push(
                            Diagnostic::new(Code::ImportUnknownBackend, path, Some(Span::point(line, 1)),
                                format!("service `{}` sends traffic to port {port} of `{host}`, which exposes only {}", service.name, ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")))
                                .with_help("use one of the container's ports, or add the port to its `expose`"),
                        ),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    for place in &places {
        if let Some(rewrite) = v3_rule(&place.router.rule) {
            out.push(
                Diagnostic::new(Code::ImportV2Rule, &place.file, Some(Span::point(place.line, 1)),
                    format!("router `{}` uses Traefik v2 rule syntax (`{}`), which v3 reads differently: a `{{name:regexp}}` is matched literally", place.router.name, place.router.rule))
                    .with_help(format!("the imported spec uses the v3 rule `{rewrite}`")),
            );
        } else {
            for regexp in unanchored(&place.router.rule) {
                out.push(
                    Diagnostic::new(Code::ImportUnanchored, &place.file, Some(Span::point(place.line, 1)),
                        format!("router `{}` matches the regular expression `{regexp}` anywhere in the value, not the whole value", place.router.name))
                        .with_help(format!("anchor it: `^{}$`", regexp.trim_start_matches('^').trim_end_matches('$'))),
                );
            }
        }
    }
    // One host in two routers whose rules say nothing else: one of them never answers.
    for (i, a) in places.iter().enumerate() {
        for b in &places[i + 1..] {
            let (ha, hb) = (hosts_of(&a.router.rule), hosts_of(&b.router.rule));
            if !only_hosts(&a.router.rule) || !only_hosts(&b.router.rule) {
                continue;
            }
            if let Some(host) = ha.iter().find(|h| hb.contains(h)) {
                out.push(
                    Diagnostic::new(Code::ImportSharedHost, &b.file, Some(Span::point(b.line, 1)),
                        format!("routers `{}` and `{}` both claim host `{host}` with nothing else in their rules", a.router.name, b.router.name))
                        .with_help(format!("give one of them a path or another host; `{}` is written at {}:{}", a.router.name, a.file.display(), a.line)),
                );
            }
        }
    }
    out
}

/// The ports a container listens on (`expose`, `ports`), or `None` when no container has
/// that name.
fn listening(source: &Source, host: &str) -> Option<Vec<u16>> {
    for stack in &source.stacks {
        for (name, svc) in &stack.project.services {
            let named =
                svc.get("container_name").and_then(Value::as_str) == Some(host) || name == host;
            if !named {
                continue;
            }
            let mut ports = Vec::new();
            for key in ["expose", "ports"] {
                for item in svc
                    .get(key)
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    let text = super::compose::scalar_text(item).unwrap_or_default();
                    let container = text
                        .split('/')
                        .next()
                        .unwrap_or_default()
                        .rsplit(':')
                        .next()
                        .unwrap_or_default();
                    if let Ok(p) = container.parse() {
                        ports.push(p);
                    }
                }
            }
            return Some(ports);
        }
    }
    None
}

fn only_hosts(rule: &str) -> bool {
    let stripped = rule
        .replace("Host(`", "")
        .replace("`)", "")
        .replace("||", "");
    !stripped.contains('(') && !stripped.contains("&&")
}

/// The v3 rule for a rule in v2 syntax (`HostRegexp(`{sub:[a-z]+}.example.com`)`): each
/// `{name:regexp}` replaced by its regexp, the literal parts escaped, the whole anchored.
/// `None` when the rule has no v2 placeholder.
pub fn v3_rule(rule: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = rule;
    let mut changed = false;
    while let Some(start) = rest.find("Regexp(`") {
        let open = start + "Regexp(`".len();
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(end) = after.find('`') else { break };
        let pattern = &after[..end];
        if pattern.contains('{') && pattern.contains(':') {
            changed = true;
            let host = rest[..start].ends_with("Host");
            out.push_str(&rewrite(pattern, host));
        } else {
            out.push_str(pattern);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn rewrite(pattern: &str, host: bool) -> String {
    let mut out = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            let mut inner = String::new();
            let mut depth = 1;
            for d in chars.by_ref() {
                match d {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                inner.push(d);
            }
            let regexp = inner
                .split_once(':')
                .map_or(if host { "[^.]+" } else { "[^/]+" }, |(_, r)| r);
            out.push_str(regexp);
        } else if ".+*?()|[]^$\\".contains(c) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out.push('$');
    out
}

/// The regexps of a rule that are not anchored at both ends.
fn unanchored(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(start) = rest.find("Regexp(`") {
        let after = &rest[start + "Regexp(`".len()..];
        let Some(end) = after.find('`') else { break };
        let pattern = &after[..end];
        // HeaderRegexp and QueryRegexp take the key first: the regexp is the last literal.
        let anchored = pattern.starts_with('^') && pattern.ends_with('$');
        if !anchored && !rest[..start].ends_with("Header") && !rest[..start].ends_with("Query") {
            out.push(pattern.to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_v2_placeholders_into_anchored_regexps() {
        assert_eq!(
            v3_rule("HostRegexp(`{sub:[a-z]+}.example.com`)").as_deref(),
            Some(r"HostRegexp(`^[a-z]+\.example\.com$`)")
        );
        assert_eq!(v3_rule("HostRegexp(`^[a-z]+\\.example\\.com$`)"), None);
        assert_eq!(
            unanchored("HostRegexp(`[a-z]+.example.com`)"),
            vec!["[a-z]+.example.com".to_owned()]
        );
        assert!(unanchored("HostRegexp(`^a$`)").is_empty());
    }
}
