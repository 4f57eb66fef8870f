//! The validated platform: defaults applied, `extends` resolved, every reference checked,
//! and every value the templates print computed here. Input: a [`Source`]; output: a
//! [`Model`], or the full list of problems found (all of them, in one run).

mod addresses;
pub mod compose_objects;
mod defaults;
pub mod edge;
mod extends;
pub mod hosts;
pub mod routing;
pub mod routing_l4;
/// The credential detector, kept with the spec reader that runs it on every scalar.
pub use crate::spec::secrets;
mod interpolate;
mod output_paths;
pub use crate::spec::secrets::is_placeholder;
mod l4;
mod locate;
mod proxy;
pub(crate) mod references;
mod service;
mod service_fields;
mod services;
mod stacks;
mod storage;
pub mod swarm;
mod validate;
mod variables;
pub mod variant;

pub(crate) use locate::{locate, locate_related};
pub use service::{Dependency, Healthcheck, LabelSource, Mount, Port, Service};
use variables::{example_for, variable_reference};

pub use l4::L4Router;
pub use services::{ProxyService, ServerUrl, ServiceKind};

pub use validate::{folder_problem, is_generated_service_key, is_service_key, name_problem};

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::{self, Code, Diagnostic};
use crate::spec::{self, Provider, Source, Status};
use crate::traefik::Version;

use proxy::traefik_model;

/// The whole platform, ready to render.
#[derive(Debug, Clone)]
pub struct Model {
    /// File name of the spec, quoted in every generated header.
    pub spec_name: String,
    pub name: String,
    pub domain: String,
    pub description: Option<String>,
    /// Output directory, relative to the spec's directory.
    pub output: String,
    pub inventory: String,
    pub traefik: Traefik,
    pub networks: Vec<Network>,
    pub stacks: Vec<Stack>,
    /// Every router of the platform, sorted by name.
    pub routers: Vec<Router>,
    /// Every Traefik service of the platform, sorted by name.
    pub services: Vec<ProxyService>,
    /// Every TCP and UDP router (each with its service), sorted by protocol and name.
    pub l4_routers: Vec<L4Router>,
    /// The target (Compose, Swarm or both) and every service's Swarm `deploy` settings.
    pub swarm: swarm::Swarm,
}

#[derive(Debug, Clone)]
pub struct Traefik {
    pub version: String,
    pub stack: String,
    pub service: String,
    pub config_dir: String,
    /// Directory of the file provider inside the Traefik container.
    pub dynamic_dir: String,
    pub network: String,
    pub log_level: String,
    pub entrypoints: Vec<Entrypoint>,
    pub cert_resolvers: Vec<CertResolver>,
    pub middlewares: Vec<Middleware>,
    /// Entry point of the dashboard router, when the dashboard is on.
    pub dashboard: Option<String>,
    pub uses_docker_provider: bool,
    /// Servers transports, TLS options and TLS stores by name, as the file provider writes
    /// them (Traefik's field names).
    pub servers_transports: Vec<(String, serde_yaml::Value)>,
    pub tls_options: Vec<(String, serde_yaml::Value)>,
    pub tls_stores: Vec<(String, serde_yaml::Value)>,
    /// The static blocks and the dashboard router (`edge.rs`).
    pub edge: edge::Edge,
}

#[derive(Debug, Clone)]
pub struct Entrypoint {
    pub name: String,
    pub address: String,
    pub redirect_to: Option<String>,
    pub tls: bool,
    pub cert_resolver: Option<String>,
    /// Qualified with `@file`: entry-point middlewares apply to routers of every provider.
    pub middlewares: Vec<String>,
    pub tls_domains: Vec<spec::TlsDomain>,
    /// `proxyProtocol`, `forwardedHeaders`, `transport`, `http3`, `udp`, as written.
    pub options: Option<serde_yaml::Value>,
    pub purpose: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CertResolver {
    pub name: String,
    pub email: String,
    pub storage: String,
    pub http_challenge_entrypoint: Option<String>,
    pub dns_challenge_provider: Option<String>,
    /// `dnsChallenge`, from `dns_challenge_provider` or written whole.
    pub dns_challenge: Option<serde_yaml::Value>,
    pub ca_server: Option<String>,
    pub key_type: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Middleware {
    pub name: String,
    pub kind: spec::Middleware,
    /// `{ kind: { options } }`, as the dynamic file holds it.
    pub tree: serde_yaml::Value,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub name: String,
    pub purpose: String,
    pub external: bool,
    pub internal: bool,
    /// The stack that creates it under its real name, when it is shared that way.
    pub owner: Option<String>,
    /// Stacks with at least one service on it, sorted.
    pub stacks: Vec<String>,
    /// `ipam:` when the network has subnets.
    pub ipam: Option<serde_yaml::Value>,
}

impl Network {
    /// Whether `stack` uses the network as created elsewhere (external, or another stack's).
    pub fn external_in(&self, stack: &str) -> bool {
        self.external || self.owner.as_deref().is_some_and(|o| o != stack)
    }

    /// Whether the network keeps its own name in `stack` instead of `<stack>_<name>`.
    pub fn named(&self) -> bool {
        self.external || self.owner.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    pub purpose: String,
    pub status: Status,
    /// Folder inside the output directory, `/`-separated.
    pub dir: String,
    pub extends: Option<String>,
    pub services: Vec<Service>,
    /// Networks any service of the stack joins, sorted.
    pub networks: Vec<String>,
    pub volumes: Vec<Volume>,
    pub variables: Vec<Variable>,
    pub dependencies: Vec<String>,
    pub config_files: Vec<spec::ConfigFile>,
    pub notes: Vec<String>,
    /// Secrets, then configs, each sorted by name.
    pub objects: Vec<compose_objects::ComposeObject>,
    /// Override files, sorted by name.
    pub variants: Vec<variant::Variant>,
}

impl Stack {
    pub fn compose_path(&self) -> String {
        format!("{}/docker-compose.yml", self.dir)
    }

    /// The Swarm target's stack file, beside or instead of the compose file.
    pub fn stack_file_path(&self) -> String {
        format!("{}/stack.yml", self.dir)
    }

    pub fn env_path(&self) -> String {
        format!("{}/.env.example", self.dir)
    }

    pub fn has_ports(&self) -> bool {
        self.services.iter().any(|s| !s.ports.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct Volume {
    pub name: String,
    pub purpose: String,
    pub external: bool,
    pub docker_name: Option<String>,
    pub driver: Option<String>,
    /// Driver options, sorted by key.
    pub driver_opts: Vec<(String, String)>,
    /// Container paths it is mounted at, as `service:/path`, sorted.
    pub mounted_at: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub description: String,
    pub required: bool,
    pub secret: bool,
    /// What `.env.example` shows: the example, or a placeholder for a secret whose
    /// example is not one.
    pub example: String,
    pub default: Option<String>,
    /// The stack's secrets that deliver it as a file, instead of an environment variable.
    pub delivered_as: Vec<String>,
}

/// Placeholder written for a secret variable instead of a value.
pub const SECRET_PLACEHOLDER: &str = "change-me";

#[derive(Debug, Clone)]
pub struct Router {
    /// Unique across the platform.
    pub name: String,
    /// The Traefik service it sends to, as its `service` field says.
    pub service_name: String,
    /// Whether that service is the router's own (named after it), not a named one.
    pub implicit_service: bool,
    /// A route of a stack's backend (`backends`), not of a container; `service` is then the
    /// backend's name.
    pub on_backend: bool,
    /// Name of the TLS options, qualified (`name@file`) when the router is not in the file
    /// provider.
    pub tls_options: Option<String>,
    pub stack: String,
    pub service: String,
    pub provider: Provider,
    pub rule: String,
    pub priority: Option<i64>,
    pub effective_priority: i64,
    pub entrypoints: Vec<String>,
    /// Qualified (`name@file`) when the router is not in the file provider.
    pub middlewares: Vec<String>,
    pub tls: bool,
    pub cert_resolver: Option<String>,
    pub tls_domains: Vec<spec::TlsDomain>,
    /// `http://container:port`.
    pub url: String,
    pub port: u16,
    pub hosts: Vec<String>,
    pub path_prefix: Option<String>,
    pub path: Option<String>,
    pub note: Option<String>,
    /// Position of the route in its service's `routes`, for diagnostics.
    pub route_index: usize,
}

impl Router {
    pub fn provider_name(&self) -> &'static str {
        provider_name(self.provider)
    }
}

pub fn provider_name(provider: Provider) -> &'static str {
    match provider {
        Provider::File => "file",
        Provider::Docker => "docker",
    }
}

/// Builds the model, or returns every problem found. Warnings come back with the model.
pub fn build(source: &Source) -> Result<(Model, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (model, problems) = build_with_problems(source);
    if diagnostics::has_errors(&problems) {
        Err(problems)
    } else {
        Ok((model, problems))
    }
}

/// The model even when validation found errors, with every problem, sorted.
pub fn build_with_problems(source: &Source) -> (Model, Vec<Diagnostic>) {
    diagnostics::reset_suggestion_budget();
    let mut problems = Vec::new();
    let mut resolved = extends::resolve(source, &mut problems);
    defaults::apply(source, &mut resolved);
    let mut builder = Builder {
        source,
        resolved: &resolved,
        problems,
    };
    let model = builder.model();
    let mut problems = builder.problems;
    validate::platform(source, &resolved, &model, &mut problems);
    // No diagnostic may show a secret on the source line it quotes.
    source.mask(&mut problems);
    diagnostics::sort(&mut problems);
    // A stack that `extends` another one inherits its mistakes: the same problem at the same
    // place is one problem, reported once.
    problems.dedup_by(|a, b| {
        (&a.file, a.span, a.code, &a.message) == (&b.file, b.span, b.code, &b.message)
    });
    (model, problems)
}

struct Builder<'a> {
    source: &'a Source,
    resolved: &'a extends::Resolved<'a>,
    problems: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn model(&mut self) -> Model {
        let spec = &self.source.spec;
        let version = Version::parse(&spec.traefik.version).unwrap_or_else(|| {
            self.problems.push(
                self.source
                    .at(
                        Code::InvalidShape,
                        &["traefik", "version"],
                        format!("`{}` is not a Traefik v3 version", spec.traefik.version),
                    )
                    .with_help("write the target release as `3.MINOR`, e.g. `3.7`"),
            );
            Version { major: 3, minor: 7 }
        });
        let (mut stacks, mut routers, mut proxy_services) = self.stacks(version);
        routers.sort_by(|a, b| a.name.cmp(&b.name));
        services::qualify_members(&mut proxy_services);
        proxy_services.sort_by(|a, b| a.name.cmp(&b.name));
        let l4_routers = self.l4_routers();
        // What each container's Docker labels are made of: its Docker routers, Traefik
        // services and TCP and UDP routers, by index in the sorted lists. The labels are
        // written from these when a file that holds them (compose file, Swarm stack file)
        // is rendered. Indexed by service so a platform of thousands of stacks is not
        // scanned once per service.
        let docker = |provider: Provider| provider == Provider::Docker;
        let l4 = l4_routers
            .iter()
            .enumerate()
            .filter(|(_, r)| docker(r.provider));
        let containers = proxy_services.iter().enumerate().filter_map(|(index, s)| {
            let container = s.container.as_deref().filter(|_| docker(s.provider))?;
            Some(((s.stack.as_str(), container), LabelSource::Service(index)))
        });
        let http = routers
            .iter()
            .enumerate()
            .filter(|(_, r)| docker(r.provider));
        let mut label_sources: HashMap<(&str, &str), Vec<LabelSource>> = HashMap::new();
        for (key, source) in l4
            .map(|(index, r)| {
                let key = (r.stack.as_str(), r.service.as_str());
                (key, LabelSource::L4Router(index))
            })
            .chain(containers)
            .chain(http.map(|(index, r)| {
                let key = (r.stack.as_str(), r.service.as_str());
                (key, LabelSource::Router(index))
            }))
        {
            label_sources.entry(key).or_default().push(source);
        }
        for stack in &mut stacks {
            for service in &mut stack.services {
                if let Some(sources) =
                    label_sources.remove(&(stack.name.as_str(), service.name.as_str()))
                {
                    service.label_sources = sources;
                }
            }
        }
        let mut stacks_on: HashMap<&str, Vec<String>> = HashMap::new();
        for stack in &stacks {
            for network in &stack.networks {
                stacks_on
                    .entry(network.as_str())
                    .or_default()
                    .push(stack.name.clone());
            }
        }
        let networks = spec
            .networks
            .iter()
            .map(|(name, n)| Network {
                name: name.clone(),
                purpose: n.purpose.clone(),
                external: n.external,
                internal: n.internal,
                owner: n.owner.clone(),
                stacks: stacks_on.remove(name.as_str()).unwrap_or_default(),
                ipam: addresses::ipam(n),
            })
            .collect();
        let swarm = swarm::build(self.source, self.resolved);
        if swarm.target == spec::Target::Swarm {
            swarm::requalify(&mut proxy_services);
        }
        Model {
            spec_name: self.source.path.file_name().map_or_else(
                || "platform.yaml".into(),
                |n| n.to_string_lossy().into_owned(),
            ),
            name: spec.platform.name.clone(),
            domain: spec.platform.domain.clone(),
            description: spec.platform.description.clone(),
            output: spec.platform.output.clone(),
            inventory: spec.platform.inventory.clone(),
            traefik: traefik_model(&spec.traefik, &routers, &l4_routers),
            networks,
            stacks,
            routers,
            services: proxy_services,
            l4_routers,
            swarm,
        }
    }

    fn service(
        &mut self,
        stack_name: &str,
        stack: &spec::Stack,
        name: &str,
        service: &spec::Service,
        stack_networks: &[String],
    ) -> Service {
        let traefik = &self.source.spec.traefik;
        let shared = &self.source.spec.env;
        let lookup = |var: &str| stack.env.get(var).or_else(|| shared.get(var));
        let lookup: &interpolate::Lookup<'_> = &lookup;
        let mut environment: BTreeMap<String, String> = service
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), interpolate::guard(v, lookup)))
            .collect();
        for var in service.env.iter().flatten() {
            let reference = match lookup(var) {
                Some(v) => variable_reference(var, v),
                None => format!("${{{var}}}"),
            };
            environment.insert(var.clone(), reference);
        }
        let mut mounts: Vec<Mount> = service
            .mounts
            .iter()
            .flatten()
            .map(storage::mount)
            .collect();
        if stack_name == traefik.stack && name == traefik.service {
            // The proxy's own configuration is mounted by construction, so the paths in
            // `traefik.yml` and the compose file cannot drift apart.
            let config_dir = traefik.config_dir.trim_end_matches('/');
            mounts.push(Mount {
                source: "./traefik.yml".into(),
                target: format!("{config_dir}/traefik.yml"),
                read_only: true,
                is_volume: false,
                long: None,
            });
            mounts.push(Mount {
                source: "./dynamic".into(),
                target: format!("{config_dir}/dynamic"),
                read_only: true,
                is_volume: false,
                long: None,
            });
            let endpoint = traefik
                .providers
                .as_ref()
                .and_then(|p| p.docker.as_ref())
                .and_then(|d| d.endpoint.as_deref())
                .unwrap_or(edge::DOCKER_SOCKET);
            // A socket proxy (`tcp://socket-proxy:2375`) replaces the socket mount.
            if uses_docker_provider(self.source) && endpoint == edge::DOCKER_SOCKET {
                mounts.push(Mount {
                    source: "/var/run/docker.sock".into(),
                    target: "/var/run/docker.sock".into(),
                    read_only: true,
                    is_volume: false,
                    long: None,
                });
            }
        }
        mounts.sort_by(|a, b| a.target.cmp(&b.target));
        let mut ports: Vec<Port> = service
            .ports
            .iter()
            .flatten()
            .map(|p| Port {
                container: p.container,
                publish: p.publish,
                host: p.host.unwrap_or(p.container),
                host_ip: p.host_ip.clone(),
                protocol: p.protocol,
                note: p.note.clone(),
                count: p
                    .container_end
                    .map_or(1, |end| end.saturating_sub(p.container).saturating_add(1)),
            })
            .collect();
        ports.sort_by_key(|p| (p.container, p.protocol, p.host));
        Service {
            name: name.to_owned(),
            container_name: service
                .container_name
                .clone()
                .unwrap_or_else(|| service::default_name(stack_name, name)),
            image: service
                .image
                .as_deref()
                .map(|i| interpolate::guard(i, lookup))
                .unwrap_or_default(),
            role: service.role.clone(),
            command: service
                .command
                .as_ref()
                .map(|c| c.iter().map(|a| interpolate::guard(a, lookup)).collect()),
            restart: service
                .restart
                .clone()
                .unwrap_or_else(|| "unless-stopped".into()),
            networks: {
                // `network_mode` replaces networks: Compose refuses a service with both.
                let mut n = if service.network_mode.is_some() {
                    Vec::new()
                } else {
                    service
                        .networks
                        .clone()
                        .unwrap_or_else(|| stack_networks.to_vec())
                };
                n.sort();
                n.dedup();
                n
            },
            ports,
            environment: environment.into_iter().collect(),
            mounts,
            depends_on: Vec::new(),
            healthcheck: service.healthcheck.as_ref().map(|h| Healthcheck {
                test: h
                    .test
                    .parts()
                    .iter()
                    .map(|t| interpolate::guard(t, lookup))
                    .collect(),
                interval: h.interval.clone(),
                timeout: h.timeout.clone(),
                retries: h.retries,
                start_period: h.start_period.clone(),
            }),
            label_sources: Vec::new(),
            user_labels: service
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), interpolate::guard(v, lookup)))
                .collect(),
            fields: service_fields::compose_fields(service, lookup),
            profiles: service.profiles.clone().unwrap_or_default(),
            attachments: if service.network_mode.is_some() {
                Vec::new()
            } else {
                addresses::attachments(service)
            },
            extra: service
                .compose
                .iter()
                .map(|(k, v)| (k.clone(), interpolate::guard_value(v, lookup)))
                .collect(),
        }
    }

    /// A diagnostic at `segments` inside stack `stack`, looking through the `extends` chain
    /// for the stack that actually wrote the value.
    fn locate(&self, stack: &str, segments: &[&str], code: Code, message: String) -> Diagnostic {
        locate(self.source, self.resolved, stack, segments, code, message)
    }
}

fn uses_docker_provider(source: &Source) -> bool {
    let spec = &source.spec;
    spec.traefik.default_provider == Provider::Docker
        || spec.stacks.values().any(|s| {
            s.provider == Some(Provider::Docker)
                || s.services.values().any(|svc| {
                    svc.routes
                        .iter()
                        .flatten()
                        .map(|r| r.provider)
                        .chain(svc.tcp_routes.iter().map(|r| r.provider))
                        .chain(svc.udp_routes.iter().map(|r| r.provider))
                        .any(|p| p == Some(Provider::Docker))
                })
        })
}
