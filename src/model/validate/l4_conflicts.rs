//! Conflicts between TCP routers, as Traefik's TCP muxers order them (see
//! `traefik::analysis::connection`): two routers that may take one connection with the same
//! priority on one entry point, a router that another of higher priority always beats, a rule
//! that never matches. The sharing of an entry point with HTTP routers is checked in `l4`.

use super::{Checker, seg};
use crate::diagnostics::Code;
use crate::model::Model;
use crate::model::routing_l4::{self, L4Row};
use crate::traefik::Version;
use crate::traefik::analysis::Finding;
use crate::traefik::analysis::connection::{self, L4RouterInput};

impl Checker<'_> {
    pub(super) fn tcp_routing_table(&mut self, model: &Model) {
        let Some(version) = Version::parse(&model.traefik.version) else {
            return;
        };
        let rows = routing_l4::table(model);
        let inputs: Vec<L4RouterInput<'_>> = rows.iter().filter_map(L4Row::as_input).collect();
        // Where the spec writes a TCP router: its `tcp_routes` entry's rule.
        let route_of = |name: &str| {
            let router = model
                .l4_routers
                .iter()
                .find(|r| format!("{}@{}", r.name, r.provider_name()) == name)?;
            let at: Vec<String> = [
                "stacks",
                &router.stack,
                "services",
                &router.service,
                router.field(),
                &router.index.to_string(),
                "rule",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
            Some((router.stack.clone(), at))
        };
        let muxer = |entrypoint: &str, tls: bool| {
            let kind = if tls { "TLS" } else { "plain" };
            format!("the {kind} TCP routers of entry point `{entrypoint}`")
        };
        for finding in connection::conflicts(&inputs, version) {
            let (code, subject, other, message, help) = match &finding {
                Finding::Ambiguous {
                    a,
                    b,
                    entrypoint,
                    tls,
                    priority,
                } => (
                    Code::RouteConflict,
                    b,
                    Some(a),
                    format!(
                        "TCP routers `{a}` and `{b}` can take the same connection with the same priority {priority} among {}, and Traefik's order between them is undefined",
                        muxer(entrypoint, *tls)
                    ),
                    format!(
                        "give `{a}` or `{b}` an explicit `priority`, or make their rules exclusive"
                    ),
                ),
                Finding::Shadowed {
                    router,
                    by,
                    entrypoint,
                    tls,
                } => (
                    Code::ShadowedRoute,
                    router,
                    Some(by),
                    format!(
                        "TCP router `{router}` never gets a connection among {}: `{by}` has a higher priority and matches every connection it matches",
                        muxer(entrypoint, *tls)
                    ),
                    format!(
                        "give `{router}` a priority above `{by}`, or narrow the rule of `{by}`"
                    ),
                ),
                Finding::NeverMatches { router } => (
                    Code::UnreachableRoute,
                    router,
                    None,
                    format!(
                        "the rule of TCP router `{router}` never matches: its conditions exclude each other"
                    ),
                    "join alternatives with `||`, not `&&`".to_owned(),
                ),
                // The TCP analysis gives every router one provider: no tie is broken by it.
                Finding::TieBrokenByProvider { .. } => continue,
            };
            let Some((stack, at)) = route_of(subject) else {
                continue;
            };
            let diagnostic = self.at(&stack, &seg(&at), code, message);
            let related = other.and_then(|name| {
                let (stack, at) = route_of(name)?;
                self.related(&stack, &seg(&at), format!("`{name}` is declared here"))
            });
            self.push(diagnostic.with_help(help).with_related(related));
        }
    }
}
