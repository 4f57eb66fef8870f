//! The Swarm target's files: each stack's `stack.yml` for `docker stack deploy -c`, and
//! Traefik's static configuration with the Swarm provider (`traefik.swarm.yml`). Input: the
//! model and Traefik's rendered dynamic files (the Traefik stack's file names its
//! configuration files as Swarm configs, named after their content); output: more files.

use askama::Template;
use serde_yaml::{Mapping, Value};

use super::escape::filters;
use super::{Artifact, Header, artifact};
use crate::model::{self, Model, Port, Service, Stack};
use crate::spec::{Protocol, PublishMode};

/// The Swarm static configuration's file name, in the Traefik stack's folder.
pub const STATIC_FILE: &str = "traefik.swarm.yml";

/// Traefik's Swarm static file and the Swarm configs of the Traefik stack: that file and the
/// dynamic files in `rendered`, each named after its content. `None` without a Traefik stack.
pub fn traefik_files(
    header: Header<'_>,
    model: &Model,
    rendered: &[Artifact],
) -> Result<Option<(Artifact, Vec<Config>)>, askama::Error> {
    let Some(proxy) = model.stacks.iter().find(|s| s.name == model.traefik.stack) else {
        return Ok(None);
    };
    let mut configs = Vec::new();
    let static_file = artifact(
        format!("{}/{STATIC_FILE}", proxy.dir),
        &StaticSwarmView {
            header,
            model,
            precedence: model
                .traefik
                .edge
                .precedence
                .iter()
                .map(|p| {
                    if p == "docker" {
                        "swarm".into()
                    } else {
                        p.clone()
                    }
                })
                .collect(),
            swarm: true,
        },
    )?;
    configs.push(config(
        proxy,
        "traefik_static",
        &static_file,
        format!("{}/traefik.yml", model.traefik.config_dir),
    ));
    let dynamic = format!("{}/dynamic/", proxy.dir);
    for file in rendered.iter().filter(|a| a.path.starts_with(&dynamic)) {
        let stem = file.path[dynamic.len()..].trim_end_matches(".yml");
        let key = format!("dynamic_{}", stem.trim_start_matches('_').replace('-', "_"));
        configs.push(config(
            proxy,
            &key,
            file,
            format!(
                "{}/{}",
                model.traefik.dynamic_dir,
                &file.path[dynamic.len()..]
            ),
        ));
    }
    Ok(Some((static_file, configs)))
}

/// A stack's `stack.yml`, written into `out`; `configs` are the Traefik stack's files
/// ([`traefik_files`]), mounted only when `stack` is the Traefik stack.
pub fn stack_file_into(
    header: Header<'_>,
    model: &Model,
    stack: &Stack,
    configs: &[Config],
    out: &mut impl std::fmt::Write,
) -> Result<(), askama::Error> {
    let configs = if stack.name == model.traefik.stack {
        configs
    } else {
        &[]
    };
    StackFileView::new(header, model, stack, configs).render_into(out)
}

/// A file of the Traefik stack mounted as a Swarm config. Configs cannot change in place, so
/// the name carries a hash of the content: a changed file is a new config, and
/// `docker stack deploy` rolls Traefik over to it.
pub struct Config {
    pub key: String,
    pub name: String,
    /// Relative to the stack's folder.
    pub file: String,
    pub target: String,
}

fn config(stack: &Stack, key: &str, file: &Artifact, target: String) -> Config {
    Config {
        key: key.to_owned(),
        name: format!("{}_{key}_{}", stack.name, content_hash(&file.bytes)),
        file: format!("./{}", &file.path[stack.dir.len() + 1..]),
        target,
    }
}

/// FNV-1a, 64 bits, first ten hex digits: enough to tell two versions of a file apart, and
/// the same on every machine.
fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")[..10].to_owned()
}

/// The Compose-target text of a required variable says where its value comes from there
/// (`.env`); a stack file is read by `docker stack deploy`, which reads only its environment.
fn for_swarm(text: &str) -> String {
    text.replace(" in .env}", " before docker stack deploy}")
}

#[derive(Template)]
#[template(path = "traefik/static.yaml")]
struct StaticSwarmView<'a> {
    header: Header<'a>,
    model: &'a Model,
    precedence: Vec<String>,
    swarm: bool,
}

#[derive(Template)]
#[template(path = "swarm/stack.yaml")]
struct StackFileView<'a> {
    header: Header<'a>,
    stack: &'a Stack,
    services: Vec<ServiceView<'a>>,
    networks: Vec<NetworkView<'a>>,
    /// Top-level `secrets` and `configs`: the stack's own, then (on the Traefik stack)
    /// Traefik's files.
    objects: Vec<(&'static str, Vec<(String, Value)>)>,
}

struct ServiceView<'a> {
    service: &'a Service,
    image: String,
    command: Option<Vec<String>>,
    environment: Vec<(String, String)>,
    ports: Vec<PortView>,
    /// Each network with the aliases the service has on it.
    networks: Vec<(String, Vec<String>)>,
    mounts: Vec<String>,
    healthcheck: Option<Vec<String>>,
    labels: Vec<(String, String)>,
    fields: Vec<(&'a str, &'a Value)>,
    deploy: Value,
    /// The Traefik service's `configs`: its own grants, then Traefik's files.
    configs: Vec<GrantView>,
}

/// One entry of a service's `configs` list, in the long form: the source, then `target`,
/// `uid`, `gid`, `mode` as they are set, each already Compose text.
struct GrantView {
    source: String,
    rest: Vec<(String, Value)>,
}

struct PortView {
    target: u16,
    published: u16,
    protocol: &'static str,
    mode: &'static str,
}

struct NetworkView<'a> {
    network: &'a model::Network,
    /// Created by another stack, or outside the platform.
    external: bool,
    attachable: bool,
}

/// Typed fields the stack file does not take from the Compose side: `deploy` is written whole
/// from the Swarm settings, and the rest are refused on the Swarm target before rendering.
const NOT_IN_STACK_FILES: &[&str] = &["build", "deploy", "profiles", "network_mode"];

impl<'a> StackFileView<'a> {
    fn new(header: Header<'a>, model: &'a Model, stack: &'a Stack, configs: &'a [Config]) -> Self {
        let traefik = &model.traefik;
        let services = stack
            .services
            .iter()
            .map(|service| {
                let is_proxy = stack.name == traefik.stack && service.name == traefik.service;
                let deploy = model.swarm.deploy(&stack.name, &service.name);
                let mut labels: Vec<(String, String)> = model
                    .docker_labels(service)
                    .into_iter()
                    .filter(|(k, _)| k != "traefik.docker.network")
                    .map(|(k, v)| (k, v.replace('$', "$$")))
                    .collect();
                // The Swarm provider dials a task on the network this label names; written
                // always, since a task's addresses come in no promised order.
                if labels.iter().any(|(k, _)| k == "traefik.enable") {
                    labels.push(("traefik.swarm.network".into(), traefik.network.clone()));
                    if deploy.is_some_and(|d| d.lb_swarm) {
                        labels.push(("traefik.swarm.lbswarm".into(), "true".into()));
                    }
                    labels.sort();
                }
                let resources = service
                    .fields
                    .iter()
                    .find(|(k, _)| k == "deploy")
                    .and_then(|(_, v)| v.get("resources"));
                let deploy = deploy.map_or(Value::Null, |d| d.tree(&labels, resources));
                let mut mounts: Vec<String> = service
                    .mounts
                    .iter()
                    .filter(|m| {
                        !(is_proxy && (m.source == "./traefik.yml" || m.source == "./dynamic"))
                    })
                    .map(|m| for_swarm(&m.compose()))
                    .collect();
                let socket = "/var/run/docker.sock:/var/run/docker.sock:ro".to_owned();
                if is_proxy && model.swarm.on_socket() && !mounts.contains(&socket) {
                    mounts.push(socket);
                }
                let publish_mode = model
                    .swarm
                    .deploy(&stack.name, &service.name)
                    .map_or(PublishMode::Ingress, |d| d.publish_mode);
                ServiceView {
                    service,
                    image: for_swarm(&service.image),
                    command: service
                        .command
                        .as_ref()
                        .map(|c| c.iter().map(|a| for_swarm(a)).collect()),
                    environment: service
                        .environment
                        .iter()
                        .map(|(k, v)| (k.clone(), for_swarm(v)))
                        .collect(),
                    ports: service
                        .published_ports()
                        .into_iter()
                        .flat_map(|p| port_views(p, publish_mode))
                        .collect(),
                    networks: service
                        .networks
                        .iter()
                        .map(|n| {
                            // Swarm has no container names: the name the Compose target
                            // gives the container is an alias on each of its networks, so
                            // the file provider's `http://<container>:<port>` reaches the
                            // service on both targets.
                            let aliases = if service.container_name == service.name {
                                Vec::new()
                            } else {
                                vec![service.container_name.clone()]
                            };
                            (n.clone(), aliases)
                        })
                        .collect(),
                    mounts,
                    healthcheck: service
                        .healthcheck
                        .as_ref()
                        .map(|h| h.test.iter().map(|t| for_swarm(t)).collect()),
                    labels: service
                        .user_labels
                        .iter()
                        .map(|(k, v)| (k.clone(), for_swarm(v)))
                        .collect(),
                    // Traefik's `configs` are written with its files (one key, one list).
                    fields: service
                        .fields
                        .iter()
                        .filter(|(k, _)| !NOT_IN_STACK_FILES.contains(&k.as_str()))
                        .filter(|(k, _)| !(is_proxy && k == "configs"))
                        .chain(service.extra.iter())
                        .map(|(k, v)| (k.as_str(), v))
                        .collect(),
                    deploy,
                    configs: if is_proxy {
                        proxy_grants(service, configs)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        let networks = stack
            .networks
            .iter()
            .filter_map(|name| {
                model
                    .networks
                    .binary_search_by(|n| n.name.cmp(name))
                    .ok()
                    .map(|i| &model.networks[i])
            })
            .map(|n| NetworkView {
                network: n,
                external: n.external_in(&stack.name),
                // Standalone containers (Traefik or a stack still on Compose during the
                // move) can join only an attachable overlay.
                attachable: !n.internal && (n.name == traefik.network || n.owner.is_some()),
            })
            .collect();
        let mut objects = Vec::new();
        for kind in ["secrets", "configs"] {
            let mut entries: Vec<(String, Value)> = stack
                .objects_of(kind)
                .into_iter()
                .map(|o| (o.name.clone(), o.compose_value.clone()))
                .collect();
            if kind == "configs" {
                entries.extend(configs.iter().map(|c| {
                    let mut entry = Mapping::new();
                    entry.insert("name".into(), c.name.clone().into());
                    entry.insert("file".into(), c.file.replace('$', "$$").into());
                    (c.key.clone(), Value::Mapping(entry))
                }));
            }
            if !entries.is_empty() {
                objects.push((kind, entries));
            }
        }
        StackFileView {
            header,
            stack,
            services,
            networks,
            objects,
        }
    }
}

/// The Traefik service's `configs` in the stack file: the grants of its own (from the stack's
/// `configs`), then Traefik's static and dynamic files at the paths Traefik reads them from.
fn proxy_grants(service: &Service, configs: &[Config]) -> Vec<GrantView> {
    let own = service
        .fields
        .iter()
        .find(|(k, _)| k == "configs")
        .and_then(|(_, v)| v.as_sequence())
        .into_iter()
        .flatten()
        .filter_map(|grant| match grant {
            Value::String(name) => Some(GrantView {
                source: name.clone(),
                rest: Vec::new(),
            }),
            Value::Mapping(map) => Some(GrantView {
                source: map.get("source")?.as_str()?.to_owned(),
                rest: map
                    .iter()
                    .filter(|(k, _)| k.as_str() != Some("source"))
                    .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.clone())))
                    .collect(),
            }),
            _ => None,
        });
    own.chain(configs.iter().map(|c| GrantView {
        source: c.key.clone(),
        rest: vec![("target".into(), c.target.replace('$', "$$").into())],
    }))
    .collect()
}

/// One entry per port: the long syntax Swarm reads has no ranges, so a range of `count`
/// ports is written as that many entries.
fn port_views(port: &Port, mode: PublishMode) -> impl Iterator<Item = PortView> + '_ {
    (0..port.count.max(1)).map(move |i| port_view(port, i, mode))
}

fn port_view(port: &Port, offset: u16, mode: PublishMode) -> PortView {
    PortView {
        target: port.container.saturating_add(offset),
        published: port.host.saturating_add(offset),
        protocol: match port.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        },
        mode: match mode {
            PublishMode::Ingress => "ingress",
            PublishMode::Host => "host",
        },
    }
}
