//! The comments written between a container's Traefik labels (`# websocket router` above a
//! group of labels), kept on the spec key each label became: a router's first label on its
//! route, a later one on the route's field (`priority`, `middlewares`…), a load balancer's on
//! its `traefik_services` entry (or the route's `port`), a middleware's on the middleware.
//! They are comments of `platform.yaml`, as the source's were, not values: a route's `note`
//! would reach the generated inventory, which the original never did, and would not come
//! back from the generated labels, which carry no comments. Input: the compose file's text,
//! the container's labels and its imported spec service; output: [`Comment`]s that `emit`
//! writes above their keys.

use super::labels::TraefikLabels;
use crate::spec;

/// One step of a path into the emitted spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Item(usize),
}

/// Comment lines to write above the key at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// `None`: `path` starts at the spec's root (`traefik`); else at this stack's mapping.
    pub stack: Option<String>,
    pub path: Vec<Seg>,
    pub lines: Vec<String>,
}

/// The comments above the labels of service `name` of `stack`, whose `labels:` key is on
/// 1-based line `labels_line` of `text`, placed on what `svc` made of them.
pub fn collect(
    text: &str,
    labels_line: usize,
    stack: &str,
    name: &str,
    svc: &spec::Service,
    labels: &TraefikLabels,
) -> Vec<Comment> {
    let mut out: Vec<Comment> = Vec::new();
    for (key, lines) in annotated(text, labels_line) {
        let (root, path) = place(&key, name, svc, labels);
        let comment = Comment {
            stack: (!root).then(|| stack.to_owned()),
            path,
            lines,
        };
        match out
            .iter_mut()
            .find(|c| c.stack == comment.stack && c.path == comment.path)
        {
            Some(same) => same.lines.extend(comment.lines),
            None => out.push(comment),
        }
    }
    out
}

/// The labels of the block below `labels:` (1-based line `labels_line`) that have comment
/// lines right above them, with those lines (without `#`), list and map form alike.
pub fn annotated(text: &str, labels_line: usize) -> Vec<(String, Vec<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(head) = lines.get(labels_line.wrapping_sub(1)) else {
        return Vec::new();
    };
    let parent = indent(head);
    let mut out = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for line in lines.iter().skip(labels_line) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            pending.clear();
            continue;
        }
        // A list may stand at its key's indentation (`labels:` then `- a=b` below it).
        let item_at_parent = indent(line) == parent && trimmed.starts_with("- ");
        let comment_at_parent = indent(line) == parent && trimmed.starts_with('#');
        if indent(line) < parent
            || (indent(line) == parent && !item_at_parent && !comment_at_parent)
        {
            break;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            pending.push(comment.trim().to_owned());
            continue;
        }
        if pending.is_empty() {
            continue;
        }
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let item = item.trim_matches(|c| c == '"' || c == '\'');
        let key = match (item.find('='), item.find(':')) {
            (Some(e), Some(c)) => &item[..e.min(c)],
            (Some(i), None) | (None, Some(i)) => &item[..i],
            (None, None) => item,
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        out.push((key.to_owned(), std::mem::take(&mut pending)));
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Where a label's comment goes: (from the root, path). What no key holds (`traefik.enable`,
/// a label import does not read) goes on the service's `routes`.
fn place(key: &str, name: &str, svc: &spec::Service, labels: &TraefikLabels) -> (bool, Vec<Seg>) {
    let k = |s: &str| Seg::Key(s.to_owned());
    let service = vec![k("services"), k(name)];
    let parts: Vec<&str> = key.splitn(5, '.').collect();
    let (kind, section, item, attribute) = match parts.as_slice() {
        [_, kind, section, item, attribute] => (
            kind.to_ascii_lowercase(),
            section.to_ascii_lowercase(),
            *item,
            attribute.to_ascii_lowercase(),
        ),
        _ => Default::default(),
    };
    let http_routes = svc.routes.as_deref().unwrap_or_default();
    let with = |mut path: Vec<Seg>, more: &[Seg]| {
        path.extend_from_slice(more);
        path
    };
    match (kind.as_str(), section.as_str()) {
        (kind @ ("http" | "tcp"), "middlewares") => {
            let table = if kind == "http" {
                "middlewares"
            } else {
                "tcp_middlewares"
            };
            return (true, vec![k("traefik"), k(table), k(item)]);
        }
        ("http", "routers") => {
            if let Some(i) = http_routes
                .iter()
                .position(|r| r.router.as_deref() == Some(item))
            {
                let first = labels
                    .routers
                    .iter()
                    .any(|r| r.name == item && r.key == key);
                let field = field_of(&attribute, &http_routes[i]).filter(|_| !first);
                let mut path = with(service, &[k("routes"), Seg::Item(i)]);
                path.extend(field.map(k));
                return (false, path);
            }
        }
        ("http", "services") => {
            if svc.traefik_services.contains_key(item) {
                return (false, with(service, &[k("traefik_services"), k(item)]));
            }
            // A load balancer with only a port became the `port` of the route using it.
            let router = labels.routers.iter().find(|r| match &r.service {
                Some(s) => s == item,
                None => labels.services.len() == 1,
            });
            if let Some(i) = router.and_then(|r| {
                http_routes
                    .iter()
                    .position(|x| x.router.as_deref() == Some(r.name.as_str()))
            }) {
                let port = http_routes[i].port.is_some().then(|| k("port"));
                let mut path = with(service, &[k("routes"), Seg::Item(i)]);
                path.extend(port);
                return (false, path);
            }
        }
        (kind @ ("tcp" | "udp"), "routers" | "services") => {
            let list = if kind == "tcp" {
                svc.tcp_routes
                    .iter()
                    .map(|r| r.router.as_deref())
                    .collect::<Vec<_>>()
            } else {
                svc.udp_routes.iter().map(|r| r.router.as_deref()).collect()
            };
            // A service's labels name its router's load balancer, which has the same name
            // when the router does not say otherwise.
            let router = if section == "routers" {
                Some(item.to_owned())
            } else {
                labels
                    .l4
                    .routers
                    .iter()
                    .find(|r| {
                        r.udp == (kind == "udp") && r.service.as_deref().unwrap_or(&r.name) == item
                    })
                    .map(|r| r.name.clone())
            };
            if let Some(i) = router.and_then(|r| list.iter().position(|x| *x == Some(r.as_str()))) {
                return (
                    false,
                    with(service, &[k(&format!("{kind}_routes")), Seg::Item(i)]),
                );
            }
        }
        _ => {}
    }
    let holder = if http_routes.is_empty() && !svc.tcp_routes.is_empty() {
        "tcp_routes"
    } else {
        "routes"
    };
    (false, with(service, &[k(holder)]))
}

/// The route field a router label became, when the route writes it.
fn field_of(attribute: &str, route: &spec::Route) -> Option<&'static str> {
    Some(match attribute {
        "rule" if route.rule.is_some() => "rule",
        "rule" => "hosts",
        "entrypoints" if route.entrypoints.is_some() => "entrypoints",
        "priority" if route.priority.is_some() => "priority",
        "middlewares" if !route.middlewares.is_empty() => "middlewares",
        "service" if route.service.is_some() => "service",
        "tls" if route.tls => "tls",
        "tls.certresolver" if route.cert_resolver.is_some() => "cert_resolver",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_above_labels_in_list_and_map_form() {
        let list = "services:\n  web:\n    labels:\n    # the app\n    - \"traefik.http.routers.app.rule=Host(`a`)\"\n    - traefik.enable=true\n    # its port\n    - traefik.http.services.app.loadbalancer.server.port=80\n    # not a label\n    networks: [edge]\n";
        assert_eq!(
            annotated(list, 3),
            [
                (
                    "traefik.http.routers.app.rule".to_owned(),
                    vec!["the app".to_owned()]
                ),
                (
                    "traefik.http.services.app.loadbalancer.server.port".to_owned(),
                    vec!["its port".to_owned()]
                ),
            ]
        );
        let map = "services:\n  web:\n    labels:\n      # the app\n      traefik.http.routers.app.rule: Host(`a`)\n\n      # after a blank line, still its label's\n      'traefik.enable': \"true\"\n";
        assert_eq!(
            annotated(map, 3),
            [
                (
                    "traefik.http.routers.app.rule".to_owned(),
                    vec!["the app".to_owned()]
                ),
                (
                    "traefik.enable".to_owned(),
                    vec!["after a blank line, still its label's".to_owned()]
                ),
            ]
        );
    }
}
