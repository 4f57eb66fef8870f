//! TCP and UDP routes: names, rules (Traefik's TCP matchers), entry points of the right
//! protocol, ports, TLS, and how they share an entry point with HTTP routers (Traefik tries a
//! plain TCP router before any HTTP one, and an HTTPS `Host` before a TLS `HostSNI`).

use std::collections::HashMap;

use super::services::traefik_name_problem;
use super::{Checker, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::model::{L4Router, Model};
use crate::spec::Protocol;
use crate::traefik::rule::{self, Expr, Kind, Matcher};

/// The values of every `HostSNI` leaf of `expr`, in rule order, negated ones included (Traefik
/// looks at the leaves, where a negation is a flag).
fn host_sni_values(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Match {
            matcher: Matcher::HostSni,
            args,
            ..
        } => {
            out.extend(args.iter().map(|a| a.value.to_ascii_lowercase()));
        }
        Expr::Match { .. } => {}
        Expr::Not(inner) => host_sni_values(inner, out),
        Expr::And(a, b) | Expr::Or(a, b) => {
            host_sni_values(a, out);
            host_sni_values(b, out);
        }
    }
}

impl Checker<'_> {
    pub(super) fn l4_routes(&mut self, model: &Model) {
        let traefik = &self.source.spec.traefik;
        let mut seen: HashMap<(Protocol, String), &L4Router> = HashMap::new();
        for router in &model.l4_routers {
            let index = router.index.to_string();
            let at: Vec<String> = [
                "stacks",
                &router.stack,
                "services",
                &router.service,
                router.field(),
                &index,
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
            let here = |field: &str| -> Vec<String> {
                let mut p = at.clone();
                p.push(field.to_owned());
                p
            };
            let what = if router.protocol == Protocol::Tcp {
                "TCP"
            } else {
                "UDP"
            };
            if router.name.is_empty() {
                self.push(
                    self.at(
                        &router.stack,
                        &seg(&at),
                        Code::InvalidRoute,
                        format!(
                            "service `{}` has several {what} routes, and this one has no `name`",
                            router.service
                        ),
                    )
                    .with_help("give each route a `name:` (or a whole `router:` name)"),
                );
                continue;
            }
            for (i, name) in router.middlewares.iter().enumerate() {
                let known = match name.split_once('@') {
                    None => traefik.tcp_middlewares.contains_key(name),
                    Some((base, "file")) if traefik.tcp_middlewares.contains_key(base) => true,
                    Some(_) => traefik.external_middlewares.iter().any(|e| e == name),
                };
                if known {
                    continue;
                }
                let mut path = here("middlewares");
                path.push(i.to_string());
                let help = did_you_mean(
                    name.trim_end_matches("@file"),
                    traefik.tcp_middlewares.keys().map(String::as_str),
                )
                .unwrap_or_else(|| {
                    if traefik.middlewares.contains_key(name.trim_end_matches("@file")) {
                        "that is an HTTP middleware: a TCP router takes only `traefik.tcp_middlewares` (ipAllowList, inFlightConn)".into()
                    } else {
                        "define it under `traefik.tcp_middlewares`, or declare a `name@provider` one in `traefik.external_middlewares`".into()
                    }
                });
                self.push(
                    self.at(
                        &router.stack,
                        &seg(&path),
                        Code::UnknownMiddleware,
                        format!("unknown TCP middleware `{name}`"),
                    )
                    .with_help(help),
                );
            }
            if let Some(why) = traefik_name_problem(&router.name) {
                self.push(
                    self.at(
                        &router.stack,
                        &seg(&at),
                        Code::InvalidName,
                        format!("{what} router name `{}` is invalid: {why}", router.name),
                    )
                    .with_help("use ASCII letters, digits, `-` and `_`"),
                );
            }
            if let Some(other) =
                seen.insert((router.protocol, router.name.to_ascii_lowercase()), router)
            {
                self.push(
                    self.at(
                        &router.stack,
                        &seg(&at),
                        Code::DuplicateRouter,
                        format!(
                            "{what} router `{}` is also defined by stack `{}`",
                            router.name, other.stack
                        ),
                    )
                    .with_help("give the route another `name` or `router`"),
                );
            }
            // Entry points: known, of the router's protocol.
            if router.entrypoints.is_empty() {
                self.push(
                    self.at(
                        &router.stack,
                        &seg(&here("entrypoints")),
                        Code::InvalidRoute,
                        format!("the {what} route lists no entry point"),
                    )
                    .with_help(format!("name the {what} entry point it listens on")),
                );
            }
            for (i, name) in router.entrypoints.iter().enumerate() {
                let mut p = here("entrypoints");
                p.push(i.to_string());
                match traefik.entrypoints.get(name) {
                    None => self.push(
                        self.at(
                            &router.stack,
                            &seg(&p),
                            Code::UnknownEntrypoint,
                            format!("unknown entry point `{name}`"),
                        )
                        .with_help(
                            did_you_mean(name, traefik.entrypoints.keys().map(String::as_str))
                                .unwrap_or_else(|| "define it under `traefik.entrypoints`".into()),
                        ),
                    ),
                    Some(e)
                        if e.address.ends_with("/udp") != (router.protocol == Protocol::Udp) =>
                    {
                        let want = if router.protocol == Protocol::Udp {
                            "a UDP entry point (`address: \":51820/udp\"`)"
                        } else {
                            "a TCP entry point (an address without `/udp`)"
                        };
                        self.push(
                            self.at(
                                &router.stack,
                                &seg(&p),
                                Code::InvalidRoute,
                                format!(
                                    "entry point `{name}` (`{}`) cannot carry a {what} router",
                                    e.address
                                ),
                            )
                            .with_help(format!("route on {want}")),
                        );
                    }
                    Some(_) => {}
                }
            }
            // The port: one the container listens on, with this protocol.
            let stack = &self.resolved.stacks[&router.stack];
            let service = &stack.services[&router.service];
            let listening: Vec<u16> = service
                .ports
                .iter()
                .flatten()
                .filter(|p| p.protocol == router.protocol)
                .map(|p| p.container)
                .collect();
            if router.port == 0 || !listening.contains(&router.port) {
                let message = if router.port == 0 {
                    format!(
                        "the {what} route cannot tell which {what} port of `{}` to use",
                        router.service
                    )
                } else {
                    format!(
                        "{what} port {} is not a {what} port `{}` listens on",
                        router.port, router.service
                    )
                };
                self.push(
                    self.at(&router.stack, &seg(&here("port")), Code::RoutePort, message)
                        .with_help(format!(
                            "declare it in `ports` (with `protocol: {}`){}",
                            router.section(),
                            super::collisions::or_one_of("use", &listening)
                        )),
                );
            }
            let networks = service
                .networks
                .clone()
                .or_else(|| stack.networks.clone())
                .unwrap_or_default();
            if !networks.contains(&traefik.network) {
                self.push(
                    self.at(
                        &router.stack,
                        &seg(&at),
                        Code::RouteNetwork,
                        format!(
                            "`{}` is routed but not on Traefik's network `{}`",
                            router.service, traefik.network
                        ),
                    )
                    .with_help(format!(
                        "add `{}` to the service's or the stack's `networks`",
                        traefik.network
                    )),
                );
            }
            let Some(text) = &router.rule else { continue };
            self.rule_of_kind(&router.stack, &seg(&here("rule")), text, Kind::Tcp);
            let Ok(expr) = rule::parse(text, Kind::Tcp) else {
                continue;
            };
            let mut snis = Vec::new();
            host_sni_values(&expr, &mut snis);
            match &router.tls {
                None if snis.first().is_some_and(|v| v != "*") => self.push(
                    self.at(&router.stack, &seg(&here("rule")), Code::InvalidRoute, "`HostSNI` with a host name needs TLS: a plain TCP connection carries no server name".into())
                        .with_help("add `tls: { passthrough: true }` (the container speaks TLS) or `tls: {}` (Traefik terminates it), or match every connection with ``HostSNI(`*`)``"),
                ),
                Some(tls) => {
                    if tls.passthrough && tls.cert_resolver.is_some() {
                        self.push(
                            self.at(&router.stack, &seg(&here("tls")), Code::InvalidRoute, "a passthrough router with a certificate resolver".into())
                                .with_help("with `passthrough` the container holds the certificate: remove `certResolver`, or terminate TLS in Traefik without `passthrough`"),
                        );
                    }
                    if let Some(resolver) = &tls.cert_resolver {
                        let mut p = here("tls");
                        p.push("certResolver".into());
                        self.resolver_ref(&seg(&p), resolver, Some(&router.stack));
                    }
                    if let Some(options) = &tls.options {
                        let bare = options.trim_end_matches("@file");
                        if !traefik.tls_options.contains_key(bare) {
                            let mut p = here("tls");
                            p.push("options".into());
                            self.push(
                                self.at(&router.stack, &seg(&p), Code::UnknownTraefikObject, format!("unknown TLS options `{bare}`"))
                                    .with_help(did_you_mean(bare, traefik.tls_options.keys().map(String::as_str)).unwrap_or_else(|| "define them under `traefik.tls_options`".into())),
                            );
                        }
                    }
                }
                None => {}
            }
            self.shared_entrypoints(model, router, &snis, &here("rule"));
        }
    }

    /// Traefik's order on an entry point shared with HTTP routers (traefik-facts §8.3): a plain
    /// TCP router is tried before every HTTP router, so ``HostSNI(`*`)`` there takes all HTTP
    /// traffic; and an HTTPS router's `Host` beats a TLS TCP router's `HostSNI` of that name.
    fn shared_entrypoints(
        &mut self,
        model: &Model,
        router: &L4Router,
        snis: &[String],
        at: &[String],
    ) {
        for entrypoint in &router.entrypoints {
            let http: Vec<_> = model
                .routers
                .iter()
                .filter(|r| r.entrypoints.contains(entrypoint))
                .collect();
            if http.is_empty() {
                continue;
            }
            if router.tls.is_none() && snis.first().is_some_and(|v| v == "*") {
                self.push(
                    self.at(&router.stack, &seg(at), Code::RouteConflict, format!("TCP router `{}` takes every plain connection on `{entrypoint}`, where HTTP router `{}` never answers", router.name, http[0].name))
                        .with_help("Traefik tries plain TCP routers before HTTP ones: give the TCP service an entry point of its own"),
                );
            }
            if router.tls.is_some() {
                for sni in snis.iter().filter(|v| *v != "*") {
                    if let Some(https) = http
                        .iter()
                        .find(|r| r.tls && r.hosts.iter().any(|h| h == sni))
                    {
                        self.push(
                            self.at(&router.stack, &seg(at), Code::ShadowedRoute, format!("TLS router `{}` never receives `{sni}` on `{entrypoint}`: HTTPS router `{}` has that host", router.name, https.name))
                                .with_help("Traefik matches HTTPS `Host` names before TCP `HostSNI`: use another host name or another entry point"),
                        );
                    }
                }
            }
        }
    }
}
