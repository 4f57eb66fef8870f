//! The TCP and UDP side of the routing table: one row per TCP or UDP router, and which router
//! takes a connection or a datagram on an entry point. Input: the model; output: rows for
//! `seisei routes` and verdicts for `seisei route tcp://…`, `tls://…` and `udp://…`.

use super::{L4Router, Model, routing};
use crate::traefik::analysis::connection::{self, Connection, ConnectionVerdict, L4RouterInput};

/// One TCP or UDP router as Traefik sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L4Row {
    /// `name@provider`.
    pub name: String,
    /// `tcp` or `udp`.
    pub protocol: &'static str,
    pub provider: String,
    pub entrypoints: Vec<String>,
    /// `passthrough`, `terminated` or `none`.
    pub tls: &'static str,
    /// The TCP rule; UDP routers have none.
    pub rule: Option<String>,
    pub priority: i64,
    /// `name@provider` of its service, named after the router.
    pub service: String,
    /// `container:port`.
    pub backend: String,
}

impl L4Row {
    fn from_router(router: &L4Router, labels: &str) -> L4Row {
        // The labels are read by the Swarm provider when the table is the Swarm target's.
        let provider = match router.provider {
            crate::spec::Provider::Docker => labels,
            crate::spec::Provider::File => router.provider_name(),
        };
        L4Row {
            name: format!("{}@{provider}", router.name),
            protocol: router.section(),
            provider: provider.to_owned(),
            entrypoints: router.entrypoints.clone(),
            tls: match &router.tls {
                Some(tls) if tls.passthrough => "passthrough",
                Some(_) => "terminated",
                None => "none",
            },
            rule: router.rule.clone(),
            priority: router.effective_priority,
            service: format!("{}@{provider}", router.name),
            backend: router.address.clone(),
        }
    }

    /// The router as the TCP analysis takes it; `None` for a UDP router.
    pub fn as_input(&self) -> Option<L4RouterInput<'_>> {
        Some(L4RouterInput {
            name: &self.name,
            rule: self.rule.as_deref()?,
            priority: self.priority,
            entrypoints: &self.entrypoints,
            tls: self.tls != "none",
        })
    }
}

/// Every TCP router, then every UDP router, each sorted by name.
pub fn table(model: &Model) -> Vec<L4Row> {
    let mut rows: Vec<L4Row> = model
        .l4_routers
        .iter()
        .filter(|r| !r.name.is_empty())
        .map(|r| L4Row::from_router(r, model.swarm.label_provider()))
        .collect();
    rows.sort_by(|a, b| (a.protocol, &a.name).cmp(&(b.protocol, &b.name)));
    rows
}

/// Which router takes a TCP connection on its entry point.
pub fn take(model: &Model, connection: &Connection) -> ConnectionVerdict {
    let rows = table(model);
    let tcp: Vec<L4RouterInput<'_>> = rows.iter().filter_map(L4Row::as_input).collect();
    let http_rows = routing::table(model);
    let http: Vec<_> = http_rows.iter().map(routing::RouterRow::as_input).collect();
    connection::take(&tcp, &http, connection)
}

/// The UDP routers of an entry point: Traefik forwards every datagram to its one UDP router.
pub fn udp_routers(model: &Model, entrypoint: &str) -> Vec<L4Row> {
    table(model)
        .into_iter()
        .filter(|r| r.protocol == "udp" && r.entrypoints.iter().any(|e| e == entrypoint))
        .collect()
}

/// The UDP (`udp`) or TCP entry points that listen on `port`, by the port of their address.
pub fn entrypoints_on(model: &Model, port: u16, udp: bool) -> Vec<String> {
    model
        .traefik
        .entrypoints
        .iter()
        .filter(|e| e.address.ends_with("/udp") == udp)
        .filter(|e| {
            e.address
                .trim_end_matches("/udp")
                .trim_end_matches("/tcp")
                .rsplit(':')
                .next()
                .and_then(|p| p.parse::<u16>().ok())
                == Some(port)
        })
        .map(|e| e.name.clone())
        .collect()
}
