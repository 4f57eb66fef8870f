//! Routes: hosts, paths, raw rules, ports and networks of each route a service declares.

use std::collections::BTreeSet;

use super::collisions::join_ports;
use super::{Checker, child};
use crate::diagnostics::{Code, did_you_mean};
use crate::traefik::rule;

impl Checker<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn route(
        &mut self,
        stack: &str,
        service: &str,
        path: &[&str],
        route: &crate::spec::Route,
        listening: &[u16],
        networks: &[String],
        container: bool,
    ) {
        let spec = &self.source.spec;
        match (&route.rule, route.hosts.is_empty()) {
            (Some(_), false) => self.push(
                self.at(
                    stack,
                    &child(path, "rule"),
                    Code::InvalidRoute,
                    "a route has both `rule` and `hosts`".into(),
                )
                .with_help("keep `hosts` (seisei writes the rule) or the raw `rule`, not both"),
            ),
            (None, true) => self.push(
                self.at(
                    stack,
                    path,
                    Code::InvalidRoute,
                    format!("a route of `{service}` matches no host"),
                )
                .with_help("add `hosts: [example.com]` or a raw `rule:`"),
            ),
            _ => {}
        }
        if let Some(text) = &route.rule {
            self.raw_rule(stack, &child(path, "rule"), text);
        }
        // Traefik refuses such a router and builds the rest (`BuildHandlers` in
        // `pkg/server/router/router.go` skips it with `continue`), so only this route is lost.
        // A negative priority is accepted as it is: no check in Traefik's path has a lower bound.
        if let Some(priority) = route.priority
            && priority > rule::MAX_USER_PRIORITY
        {
            self.push(
                self.at(
                    stack,
                    &child(path, "priority"),
                    Code::UnreachableRoute,
                    format!("priority {priority} is above Traefik's limit for user routers: Traefik disables this router and routes the others"),
                )
                .with_help(format!(
                    "use at most {}; Traefik keeps the range above for its internal routers",
                    rule::MAX_USER_PRIORITY
                )),
            );
        }
        for (field, value) in [("path_prefix", &route.path_prefix), ("path", &route.path)] {
            if let Some(value) = value
                && !value.starts_with('/')
            {
                self.push(
                    self.at(
                        stack,
                        &child(path, field),
                        Code::InvalidRoute,
                        format!("`{field}` `{value}` does not start with `/`"),
                    )
                    .with_help(format!("write `/{value}`")),
                );
            }
        }
        for (i, host) in route.hosts.iter().enumerate() {
            if let Some(why) = crate::model::hosts::host_problem(host, true) {
                let p = child(path, "hosts");
                let mut p: Vec<&str> = p.clone();
                let index = i.to_string();
                p.push(&index);
                self.push(
                    self.at(stack, &p, Code::InvalidRoute, format!("`{host}` is not a valid host name: it {why}"))
                        .with_help("use ASCII labels of 1 to 63 letters, digits and `-`, no `-` at either end of a label, 253 characters in all (punycode for other scripts); `*.` may only start a name"),
                );
            }
        }
        for (i, domain) in route.tls_domains.iter().enumerate() {
            let index = i.to_string();
            let names = std::iter::once(("main".to_owned(), &domain.main)).chain(
                domain
                    .sans
                    .iter()
                    .enumerate()
                    .map(|(j, n)| (format!("sans.{j}"), n)),
            );
            for (field, name) in names {
                if let Some(why) = crate::model::hosts::host_problem(name, true) {
                    let mut p = child(path, "tls_domains");
                    p.push(&index);
                    p.extend(field.split('.'));
                    self.push(
                        self.at(stack, &p, Code::InvalidRoute, format!("`{name}` is not a valid domain: it {why}"))
                            .with_help("use ASCII labels of 1 to 63 letters, digits and `-`, no `-` at either end of a label, 253 characters in all; `*.` may only start a name"),
                    );
                }
            }
        }
        // A route to a named service takes that service's port (checked with the service);
        // a backend's route has no container at all.
        let own_port = container && route.service.is_none();
        match route.port {
            _ if !own_port => {}
            Some(port) if !listening.contains(&port) => self.push(
                self.at(
                    stack,
                    &child(path, "port"),
                    Code::RoutePort,
                    format!("route port {port} is not a port `{service}` listens on"),
                )
                .with_help(format!(
                    "add `{{ container: {port} }}` to the service's `ports`{}",
                    super::collisions::or_one_of("route to", listening)
                )),
            ),
            None if listening.len() != 1 => self.push(
                self.at(
                    stack,
                    path,
                    Code::RoutePort,
                    format!("the route cannot tell which port of `{service}` to use"),
                )
                .with_help(if listening.is_empty() {
                    "declare the port the service listens on under `ports`".to_owned()
                } else {
                    format!("set `port:` to one of: {}", join_ports(listening))
                }),
            ),
            _ => {}
        }
        if container && !networks.contains(&spec.traefik.network) {
            self.push(
                self.at(
                    stack,
                    path,
                    Code::RouteNetwork,
                    format!(
                        "`{service}` is routed but not on Traefik's network `{}`",
                        spec.traefik.network
                    ),
                )
                .with_help(format!(
                    "add `{}` to the service's or the stack's `networks`",
                    spec.traefik.network
                )),
            );
        }
        let entrypoints = route
            .entrypoints
            .clone()
            .unwrap_or_else(|| spec.traefik.default_entrypoints.clone());
        let mut tls_kinds = BTreeSet::new();
        for (i, e) in entrypoints.iter().enumerate() {
            if let Some(entrypoint) = spec.traefik.entrypoints.get(e) {
                tls_kinds.insert(entrypoint.tls);
            } else {
                {
                    let p = child(path, "entrypoints");
                    let index = i.to_string();
                    let mut p: Vec<&str> = p.clone();
                    p.push(&index);
                    self.push(
                        self.at(
                            stack,
                            &p,
                            Code::UnknownEntrypoint,
                            format!("unknown entry point `{e}`"),
                        )
                        .with_help(
                            did_you_mean(e, spec.traefik.entrypoints.keys().map(String::as_str))
                                .unwrap_or_else(|| "define it under `traefik.entrypoints`".into()),
                        ),
                    );
                }
            }
        }
        // A route's own `tls` makes the router TLS on every entry point it lists.
        if tls_kinds.len() > 1 && !route.tls {
            // A router is TLS or not on every entry point it lists; half of it would 404
            // (reference pitfall 7).
            self.push(
                self.at(
                    stack,
                    &child(path, "entrypoints"),
                    Code::InvalidRoute,
                    "the route mixes TLS and plain entry points".into(),
                )
                .with_help("route on the TLS entry point only; the plain one redirects to it"),
            );
        }
        let plain = !route.tls && !tls_kinds.is_empty() && !tls_kinds.contains(&true);
        let tls_settings = [
            ("cert_resolver", route.cert_resolver.is_some()),
            ("tls_options", route.tls_options.is_some()),
            ("tls_domains", !route.tls_domains.is_empty()),
        ];
        if let Some((field, _)) = tls_settings.iter().find(|(_, set)| *set).filter(|_| plain) {
            // Traefik would take the router as plain HTTP and the setting would do nothing.
            self.push(
                self.at(
                    stack,
                    &child(path, field),
                    Code::InvalidOption,
                    format!("`{field}` on a route whose entry points are all plain: Traefik serves the router without TLS, so it would do nothing"),
                )
                .with_help("add `tls: true` to the route (TLS on these entry points), route it on a TLS entry point, or drop the TLS settings"),
            );
        }
        for (i, m) in route.middlewares.iter().enumerate() {
            let p = child(path, "middlewares");
            let index = i.to_string();
            let mut p: Vec<&str> = p.clone();
            p.push(&index);
            self.middleware_ref(&p, m, Some(stack));
        }
        if let Some(resolver) = &route.cert_resolver {
            self.resolver_ref(&child(path, "cert_resolver"), resolver, Some(stack));
        }
    }

    /// Parses a raw rule as Traefik v3 would, pointing errors at the bad token inside the
    /// rule in platform.yaml.
    pub(super) fn raw_rule(&mut self, stack: &str, path: &[&str], text: &str) {
        self.rule_of_kind(stack, path, text, rule::Kind::Http);
    }

    /// [`Self::raw_rule`] for a rule of `kind` (TCP routers have their own matchers).
    pub(super) fn rule_of_kind(
        &mut self,
        stack: &str,
        path: &[&str],
        text: &str,
        kind: rule::Kind,
    ) {
        // Where the rule is written is found only to report it: a position costs a second
        // parse of the spec (spec/tree.rs).
        let mut report = |error: &rule::RuleError, code: Code| {
            let owner = self.owner(stack, path);
            let segments: Vec<&str> = owner.iter().map(String::as_str).collect();
            let mut d = self.source.at_offset(
                code,
                &segments,
                text,
                error.span.clone(),
                error.message.clone(),
            );
            d.help.clone_from(&error.help);
            self.problems.push(d);
        };
        match rule::parse(text, kind) {
            Err(error) => report(&error, Code::InvalidRoute),
            Ok(expr) => {
                for lint in rule::lints(&expr) {
                    report(&lint, Code::RuleLint);
                }
            }
        }
    }
}
