//! Collisions across the platform: container names, router names, host ports on overlapping
//! addresses, stack folders, and database ports facing every address.

use std::collections::{BTreeMap, HashMap};

use super::Checker;
use super::names::folder_problem;
use crate::diagnostics::Code;
use crate::model::Model;
use crate::spec::Protocol;

/// Ports of databases that must never face the internet.
pub(super) const DATABASE_PORTS: [(u16, &str); 4] = [
    (5432, "PostgreSQL"),
    (3306, "MySQL"),
    (6379, "Redis"),
    (27017, "MongoDB"),
];

/// Who publishes a host port: (host address, stack, service).
type Publisher<'a> = (Option<&'a str>, &'a str, &'a str);

impl Checker<'_> {
    pub(super) fn platform_paths(&mut self) {
        let platform = &self.source.spec.platform;
        if let Some(why) = crate::model::hosts::host_problem(&platform.domain, false) {
            self.push(
                self.source
                    .at(
                        Code::InvalidShape,
                        &["platform", "domain"],
                        format!("`{}` is not a valid domain: it {why}", platform.domain),
                    )
                    .with_help("write the platform's base domain, such as `example.com`"),
            );
        }
        for (field, value) in [
            ("stacks_dir", &platform.stacks_dir),
            ("inventory", &platform.inventory),
        ] {
            if let Some(problem) = folder_problem(value) {
                self.push(
                    self.source
                        .at(
                            Code::OutputPath,
                            &["platform", field],
                            format!("`{value}` {problem}"),
                        )
                        .with_help("write a relative path inside the output directory"),
                );
            }
        }
    }

    pub(super) fn collisions(&mut self, model: &Model) {
        let mut containers: HashMap<&str, (&str, &str)> = HashMap::new();
        let mut dirs: HashMap<&str, &str> = HashMap::new();
        // (protocol, host port) -> published addresses, to find overlaps in one pass.
        let mut published: BTreeMap<(Protocol, u16), Vec<Publisher>> = BTreeMap::new();
        for stack in &model.stacks {
            if let Some(other) = dirs.insert(&stack.dir, &stack.name) {
                let first = self.related(
                    other,
                    &["stacks", other, "path"],
                    format!("`{other}` lives there too"),
                );
                self.push(
                    self.at(
                        &stack.name,
                        &["stacks", &stack.name, "path"],
                        Code::DuplicatePath,
                        format!(
                            "stacks `{other}` and `{}` both live in `{}`",
                            stack.name, stack.dir
                        ),
                    )
                    .with_help("give one of them another `path`")
                    .with_related(first),
                );
            }
            for service in &stack.services {
                if let Some((other_stack, other_service)) =
                    containers.insert(&service.container_name, (&stack.name, &service.name))
                {
                    let at = [
                        "stacks",
                        stack.name.as_str(),
                        "services",
                        service.name.as_str(),
                        "container_name",
                    ];
                    let first = self.related(
                        other_stack,
                        &[
                            "stacks",
                            other_stack,
                            "services",
                            other_service,
                            "container_name",
                        ],
                        format!("first used by `{other_stack}.{other_service}`"),
                    );
                    self.push(
                        self.at(&stack.name, &at, Code::DuplicateContainerName, format!("container name `{}` is also used by `{other_stack}.{other_service}`", service.container_name))
                            .with_help("container names are global on a Docker host: choose another `container_name`")
                            .with_related(first),
                    );
                }
                for port in service.ports.iter().filter(|p| p.publish) {
                    for (host, _) in port.pairs() {
                        published.entry((port.protocol, host)).or_default().push((
                            port.host_ip.as_deref(),
                            &stack.name,
                            &service.name,
                        ));
                    }
                }
            }
        }
        for ((protocol, port), users) in &published {
            for (i, (ip, stack, service)) in users.iter().enumerate() {
                for (other_ip, other_stack, other_service) in &users[..i] {
                    let overlaps = match (ip, other_ip) {
                        (Some(a), Some(b)) => a == b || is_any(a) || is_any(b),
                        _ => true,
                    };
                    if overlaps {
                        let at = ["stacks", *stack, "services", *service, "ports"];
                        let first = self.related(
                            other_stack,
                            &["stacks", other_stack, "services", other_service, "ports"],
                            format!("also published by `{other_stack}.{other_service}`"),
                        );
                        let proto = if *protocol == Protocol::Tcp {
                            "tcp"
                        } else {
                            "udp"
                        };
                        self.push(
                            self.at(stack, &at, Code::HostPortCollision, format!("host port {port}/{proto} of `{stack}.{service}` is also published by `{other_stack}.{other_service}`"))
                                .with_help("publish on another host port, or bind the two to different `host_ip` addresses")
                                .with_related(first),
                        );
                    }
                }
            }
        }
        let mut routers: HashMap<&str, &crate::model::Router> = HashMap::new();
        for router in &model.routers {
            if let Some(first) = routers.insert(&router.name, router) {
                let other = &first.stack;
                let mut first_at = super::services::route_path(first);
                first_at.pop();
                let first = self.related(
                    other,
                    &super::seg(&first_at),
                    format!("`{}` is first defined here", router.name),
                );
                let mut at = super::services::route_path(router);
                at.pop();
                self.push(
                    self.at(
                        &router.stack,
                        &super::seg(&at),
                        Code::DuplicateRouter,
                        format!(
                            "router `{}` is also defined by stack `{other}`",
                            router.name
                        ),
                    )
                    .with_help("give the route another `name`")
                    .with_related(first),
                );
            }
        }
    }

    pub(super) fn published_databases(&mut self, model: &Model) {
        for stack in &model.stacks {
            for service in &stack.services {
                for port in &service.ports {
                    let public = port.host_ip.as_deref().is_none_or(is_any);
                    let database = DATABASE_PORTS
                        .iter()
                        .find(|(p, _)| *p == port.container || *p == port.host);
                    if let (true, true, Some((_, engine))) = (port.publish, public, database) {
                        let at = [
                            "stacks",
                            stack.name.as_str(),
                            "services",
                            service.name.as_str(),
                            "ports",
                        ];
                        self.push(
                            self.at(&stack.name, &at, Code::PublishedDatabase, format!("{engine} port {} of `{}` is published on every host address", port.container, service.name))
                                .with_help("keep it internal (`publish: false`), or bind it to `host_ip: 127.0.0.1`"),
                        );
                    }
                }
            }
        }
    }
}

pub(super) fn is_any(ip: &str) -> bool {
    ip == "0.0.0.0" || ip == "::" || ip == "[::]"
}

/// `", or VERB one of: 80, 443"`, or nothing when there is no port to offer: a message never
/// ends in an empty list.
pub(super) fn or_one_of(verb: &str, ports: &[u16]) -> String {
    if ports.is_empty() {
        String::new()
    } else {
        format!(", or {verb} one of: {}", join_ports(ports))
    }
}

pub(super) fn join_ports(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
