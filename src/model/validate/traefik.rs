//! The edge proxy's own settings and the routing table as a whole: entry points, certificate
//! resolvers, middleware references, and the conflicts and shadowing the analysis finds.

use super::Checker;
use crate::diagnostics::{Code, did_you_mean};
use crate::model::Model;

impl Checker<'_> {
    pub(super) fn traefik(&mut self, model: &Model) {
        let spec = &self.source.spec;
        let t = &spec.traefik;
        let entrypoints: Vec<&str> = t.entrypoints.keys().map(String::as_str).collect();
        let mut entrypoint_refs: Vec<(Vec<String>, String)> = Vec::new();
        for (i, e) in t.default_entrypoints.iter().enumerate() {
            entrypoint_refs.push((
                vec![
                    "traefik".into(),
                    "default_entrypoints".into(),
                    i.to_string(),
                ],
                e.clone(),
            ));
        }
        for (name, e) in &t.entrypoints {
            if let Some(to) = &e.redirect_to {
                entrypoint_refs.push((
                    vec![
                        "traefik".into(),
                        "entrypoints".into(),
                        name.clone(),
                        "redirect_to".into(),
                    ],
                    to.clone(),
                ));
            }
            for (i, m) in e.middlewares.iter().enumerate() {
                self.middleware_ref(
                    &[
                        "traefik",
                        "entrypoints",
                        name,
                        "middlewares",
                        &i.to_string(),
                    ],
                    m,
                    None,
                );
            }
        }
        if let Some(d) = &t.dashboard {
            entrypoint_refs.push((
                vec!["traefik".into(), "dashboard".into(), "entrypoint".into()],
                d.entrypoint.clone(),
            ));
        }
        for (name, r) in &t.cert_resolvers {
            let dns = r
                .dns_challenge_provider
                .as_ref()
                .or(r.dns_challenge.as_ref().map(|d| &d.provider));
            match (&r.http_challenge_entrypoint, dns) {
                (Some(entrypoint), None) => entrypoint_refs.push((
                    vec!["traefik".into(), "cert_resolvers".into(), name.clone(), "http_challenge_entrypoint".into()],
                    entrypoint.clone(),
                )),
                (None, Some(_)) => {}
                _ => self.push(
                    self.source
                        .at(Code::InvalidShape, &["traefik", "cert_resolvers", name], format!("certificate resolver `{name}` needs exactly one challenge"))
                        .with_help("set `http_challenge_entrypoint` (one host per certificate) or `dns_challenge_provider` (needed for wildcard hosts)"),
                ),
            }
        }
        for (path, name) in entrypoint_refs {
            if !t.entrypoints.contains_key(&name) {
                let segments: Vec<&str> = path.iter().map(String::as_str).collect();
                self.push(
                    self.source
                        .at(
                            Code::UnknownEntrypoint,
                            &segments,
                            format!("unknown entry point `{name}`"),
                        )
                        .with_help(
                            did_you_mean(&name, entrypoints.iter().copied()).unwrap_or_else(|| {
                                format!(
                                    "define it under `traefik.entrypoints` (known: {})",
                                    crate::diagnostics::name_list(entrypoints.iter().copied(), 10)
                                )
                            }),
                        ),
                );
            }
        }
        if let Some(resolver) = &t.default_cert_resolver {
            self.resolver_ref(&["traefik", "default_cert_resolver"], resolver, None);
        }
        if !spec.networks.contains_key(&t.network) {
            self.push(
                self.source
                    .at(
                        Code::UnknownNetwork,
                        &["traefik", "network"],
                        format!("unknown network `{}`", t.network),
                    )
                    .with_help(
                        did_you_mean(&t.network, spec.networks.keys().map(String::as_str))
                            .unwrap_or_else(|| {
                                "declare it under `networks` with `external: true`".into()
                            }),
                    ),
            );
        }
        match self.resolved.stacks.get(&t.stack) {
            None => self.push(
                self.source
                    .at(
                        Code::UnknownStack,
                        &["traefik", "stack"],
                        format!("unknown stack `{}`", t.stack),
                    )
                    .with_help(
                        did_you_mean(&t.stack, spec.stacks.keys().map(String::as_str))
                            .unwrap_or_else(|| "name the stack that runs Traefik".into()),
                    ),
            ),
            Some(stack) if !stack.services.contains_key(&t.service) => self.push(
                self.source
                    .at(
                        Code::UnknownService,
                        &["traefik", "service"],
                        format!("stack `{}` has no service `{}`", t.stack, t.service),
                    )
                    .with_help(
                        did_you_mean(&t.service, stack.services.keys().map(String::as_str))
                            .unwrap_or_else(|| "name the Traefik service of that stack".into()),
                    ),
            ),
            Some(_) => {
                let proxy = model
                    .stacks
                    .iter()
                    .find(|s| s.name == t.stack)
                    .and_then(|s| s.services.iter().find(|svc| svc.name == t.service));
                if let Some(proxy) = proxy
                    && !proxy.networks.contains(&t.network)
                {
                    let at = ["stacks", t.stack.as_str(), "services", t.service.as_str()];
                    self.push(
                        self.at(
                            &t.stack,
                            &at,
                            Code::RouteNetwork,
                            format!("the Traefik service is not on its network `{}`", t.network),
                        )
                        .with_help(format!(
                            "add `{}` to the service's or the stack's `networks`",
                            t.network
                        )),
                    );
                }
            }
        }
    }

    /// A reference to a middleware: one of the platform's, or a declared external one
    /// (`name@provider`). A platform middleware may also be written `name@file`.
    pub(super) fn middleware_ref(&mut self, path: &[&str], name: &str, stack: Option<&str>) {
        let t = &self.source.spec.traefik;
        let known = match name.split_once('@') {
            None => t.middlewares.contains_key(name),
            Some((base, "file")) if t.middlewares.contains_key(base) => true,
            Some(_) => t.external_middlewares.iter().any(|e| e == name),
        };
        if !known {
            let message = if name.contains('@') {
                format!("middleware `{name}` is not declared in `traefik.external_middlewares`")
            } else {
                format!("unknown middleware `{name}`")
            };
            let d = match stack {
                Some(stack) => self.at(stack, path, Code::UnknownMiddleware, message),
                None => self.source.at(Code::UnknownMiddleware, path, message),
            };
            let candidates = t
                .middlewares
                .keys()
                .map(String::as_str)
                .chain(t.external_middlewares.iter().map(String::as_str));
            let help = did_you_mean(name, candidates).unwrap_or_else(|| {
                if name.contains('@') {
                    format!("a middleware defined outside seisei must be declared: add `{name}` to `traefik.external_middlewares`")
                } else {
                    "define it under `traefik.middlewares`".into()
                }
            });
            self.push(d.with_help(help));
        }
    }

    pub(super) fn resolver_ref(&mut self, path: &[&str], name: &str, stack: Option<&str>) {
        let resolvers = &self.source.spec.traefik.cert_resolvers;
        if !resolvers.contains_key(name) {
            let message = format!("unknown certificate resolver `{name}`");
            let d = match stack {
                Some(stack) => self.at(stack, path, Code::UnknownCertResolver, message),
                None => self.source.at(Code::UnknownCertResolver, path, message),
            };
            self.push(
                d.with_help(
                    did_you_mean(name, resolvers.keys().map(String::as_str))
                        .unwrap_or_else(|| "define it under `traefik.cert_resolvers`".into()),
                ),
            );
        }
    }

    /// Conflicts of the whole routing table, as Traefik will build it: routers that tie,
    /// routers that can never win, rules that can never match.
    pub(super) fn routing_table(&mut self, model: &Model) {
        use crate::traefik::analysis::{self, Finding};
        let Some(version) = crate::traefik::Version::parse(&model.traefik.version) else {
            return;
        };
        let rows = crate::model::routing::table(model);
        let inputs: Vec<_> = rows
            .iter()
            .map(crate::model::routing::RouterRow::as_input)
            .collect();
        for finding in &analysis::findings(&inputs, version) {
            let (code, subject) = match finding {
                Finding::Ambiguous { b, .. } => (Code::RouteConflict, b),
                Finding::TieBrokenByProvider { loser, .. } => (Code::ProviderTie, loser),
                Finding::Shadowed { router, .. } => (Code::ShadowedRoute, router),
                Finding::NeverMatches { router } => (Code::UnreachableRoute, router),
            };
            // Where the spec writes a router: its route, or nothing for Traefik's own routers.
            let route_of = |name: &str| {
                let row = rows.iter().find(|r| r.name == name)?;
                let router = crate::model::routing::router_of(model, row)?;
                Some((router.stack.clone(), super::services::route_path(router)))
            };
            // Two stacks claiming one host through different providers: one silently takes
            // the other's traffic, so it must say it means to (`overrides`).
            let mut help = finding.help();
            let code = match finding {
                Finding::TieBrokenByProvider { winner, loser, .. } => {
                    match self.unintended_claim(model, &rows, winner, loser) {
                        Some(fix) => {
                            help = fix;
                            Code::ProviderClaim
                        }
                        None => code,
                    }
                }
                _ => code,
            };
            let diagnostic = match route_of(subject) {
                Some((stack, at)) => self.at(&stack, &super::seg(&at), code, finding.to_string()),
                None => self.source.at(code, &["traefik"], finding.to_string()),
            };
            // The other router of a tie, shown with its own snippet.
            let other = match finding {
                Finding::Ambiguous { a, .. } => Some(a),
                Finding::TieBrokenByProvider { winner, .. } => Some(winner),
                Finding::Shadowed { by, .. } => Some(by),
                Finding::NeverMatches { .. } => None,
            };
            let related = other.and_then(|name| {
                let (stack, at) = route_of(name)?;
                let at: Vec<&str> = at.iter().map(String::as_str).collect();
                let label = format!("`{name}` is declared here");
                self.related(&stack, &at, label)
            });
            self.push(diagnostic.with_help(help).with_related(related));
        }
        self.overrides(model);
    }

    /// When `winner` (of one stack) takes `loser`'s requests (of another) by provider
    /// precedence and its route does not list `loser` under `overrides`: the fix to print.
    fn unintended_claim(
        &self,
        model: &Model,
        rows: &[crate::model::routing::RouterRow],
        winner: &str,
        loser: &str,
    ) -> Option<String> {
        let router = |name: &str| {
            let row = rows.iter().find(|r| r.name == name)?;
            crate::model::routing::router_of(model, row)
        };
        let (w, l) = (router(winner)?, router(loser)?);
        if w.stack == l.stack {
            return None;
        }
        let route = self.route_of(w)?;
        if route.overrides.contains(&l.name) {
            return None;
        }
        Some(format!(
            "if `{}` (stack `{}`) is meant to take these requests from `{}` (stack `{}`), write \
             `overrides: [{}]` on its route; otherwise give one of them a higher `priority` or \
             another host",
            w.name, w.stack, l.name, l.stack, l.name
        ))
    }

    /// Every name under a route's `overrides` is a router of the platform.
    fn overrides(&mut self, model: &Model) {
        for router in &model.routers {
            let Some(overrides) = self.route_of(router).map(|r| r.overrides.clone()) else {
                continue;
            };
            for (i, name) in overrides.iter().enumerate() {
                if model
                    .routers
                    .iter()
                    .any(|r| &r.name == name && r.name != router.name)
                {
                    continue;
                }
                let mut at = super::services::route_path(router);
                at.extend(["overrides".to_owned(), i.to_string()]);
                let d = self.at(
                    &router.stack,
                    &super::seg(&at),
                    Code::UnknownTraefikObject,
                    format!("`overrides` names no other router: `{name}`"),
                );
                let help = did_you_mean(name, model.routers.iter().map(|r| r.name.as_str()))
                    .unwrap_or_else(|| {
                        "name the router of another stack that this route takes over".into()
                    });
                self.push(d.with_help(help));
            }
        }
    }
}
