//! The validated platform: defaults applied, `extends` resolved, every reference checked,
//! and every value the templates print computed here. Input: a [`Source`]; output: a
//! [`Model`], or the full list of problems found (all of them, in one run).

mod extends;
pub mod hosts;
pub mod routing;
/// The credential detector, kept with the spec reader that runs it on every scalar.
pub use crate::spec::secrets;
mod output_paths;
pub use crate::spec::secrets::is_placeholder;
mod proxy;
mod validate;

pub use validate::{folder_problem, name_problem};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{self, Code, Diagnostic};
use crate::spec::{self, Protocol, Provider, Source, Status};
use crate::traefik::Version;

use proxy::{docker_labels, traefik_model};

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
    pub purpose: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CertResolver {
    pub name: String,
    pub email: String,
    pub storage: String,
    pub http_challenge_entrypoint: Option<String>,
    pub dns_challenge_provider: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Middleware {
    pub name: String,
    pub kind: spec::Middleware,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub name: String,
    pub purpose: String,
    pub external: bool,
    pub internal: bool,
    /// Stacks with at least one service on it, sorted.
    pub stacks: Vec<String>,
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
}

impl Stack {
    pub fn compose_path(&self) -> String {
        format!("{}/docker-compose.yml", self.dir)
    }

    pub fn env_path(&self) -> String {
        format!("{}/.env.example", self.dir)
    }

    pub fn has_ports(&self) -> bool {
        self.services.iter().any(|s| !s.ports.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub container_name: String,
    pub image: String,
    pub role: Option<String>,
    pub command: Option<Vec<String>>,
    pub restart: String,
    pub networks: Vec<String>,
    pub ports: Vec<Port>,
    /// Entries in Compose syntax, sorted by key: `${VAR:?…}` references for stack
    /// variables, the spec's own text for `environment`.
    pub environment: Vec<(String, String)>,
    pub mounts: Vec<Mount>,
    /// Dependency and the condition Compose waits for.
    pub depends_on: Vec<(String, &'static str)>,
    pub healthcheck: Option<spec::Healthcheck>,
    /// Docker provider labels, sorted by key; values are literal (the template escapes `$`).
    pub labels: Vec<(String, String)>,
    /// Escape-hatch keys, sorted, merged into the generated service.
    pub extra: Vec<(String, serde_yaml::Value)>,
}

impl Service {
    /// Ports published on the host (`ports:`).
    pub fn published_ports(&self) -> Vec<&Port> {
        self.ports.iter().filter(|p| p.publish).collect()
    }

    /// Ports only other containers reach (`expose:`).
    pub fn exposed_ports(&self) -> Vec<&Port> {
        self.ports.iter().filter(|p| !p.publish).collect()
    }
}

#[derive(Debug, Clone)]
pub struct Port {
    pub container: u16,
    pub publish: bool,
    pub host: u16,
    pub host_ip: Option<String>,
    pub protocol: Protocol,
    pub note: Option<String>,
}

impl Port {
    /// Compose short syntax: `127.0.0.1:8888:8888/tcp`, or `3001/tcp` for `expose`.
    pub fn compose(&self) -> String {
        let protocol = match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        };
        if !self.publish {
            return format!("{}/{protocol}", self.container);
        }
        match &self.host_ip {
            Some(ip) if ip.contains(':') => {
                format!("[{ip}]:{}:{}/{protocol}", self.host, self.container)
            }
            Some(ip) => format!("{ip}:{}:{}/{protocol}", self.host, self.container),
            None => format!("{}:{}/{protocol}", self.host, self.container),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Mount {
    /// Volume name or host path.
    pub source: String,
    pub target: String,
    pub read_only: bool,
    pub is_volume: bool,
}

impl Mount {
    /// Compose short syntax, `source:target[:ro]`.
    pub fn compose(&self) -> String {
        let mode = if self.read_only { ":ro" } else { "" };
        format!("{}:{}{mode}", self.source, self.target)
    }
}

#[derive(Debug, Clone)]
pub struct Volume {
    pub name: String,
    pub purpose: String,
    pub external: bool,
    pub docker_name: Option<String>,
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
}

/// Placeholder written for a secret variable instead of a value.
pub const SECRET_PLACEHOLDER: &str = "change-me";

#[derive(Debug, Clone)]
pub struct Router {
    /// Unique across the platform; also the Traefik service name.
    pub name: String,
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
    let resolved = extends::resolve(source, &mut problems);
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
        let mut stacks = Vec::new();
        let mut routers = Vec::new();
        for (name, stack) in &self.resolved.stacks {
            stacks.push(self.stack(name, stack, version, &mut routers));
        }
        routers.sort_by(|a, b| a.name.cmp(&b.name));
        // Docker labels need the router list, which is complete only now. Indexed by service
        // so a platform of thousands of stacks is not scanned once per service.
        let mut by_service: HashMap<(&str, &str), Vec<&Router>> = HashMap::new();
        for router in &routers {
            by_service
                .entry((router.stack.as_str(), router.service.as_str()))
                .or_default()
                .push(router);
        }
        for stack in &mut stacks {
            for service in &mut stack.services {
                let own = by_service.get(&(stack.name.as_str(), service.name.as_str()));
                service.labels = docker_labels(
                    &spec.traefik,
                    own.into_iter().flatten().copied(),
                    &service.networks,
                );
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
                stacks: stacks_on.remove(name.as_str()).unwrap_or_default(),
            })
            .collect();
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
            traefik: traefik_model(&spec.traefik, &routers),
            networks,
            stacks,
            routers,
        }
    }

    fn stack(
        &mut self,
        name: &str,
        stack: &spec::Stack,
        version: Version,
        routers: &mut Vec<Router>,
    ) -> Stack {
        let platform = &self.source.spec.platform;
        let dir = stack
            .path
            .as_deref()
            // `infra/stacks/crm-api/` is the folder `infra/stacks/crm-api`: compared and
            // written in one spelling, so a trailing `/` cannot dodge the collision checks.
            .map_or_else(
                || format!("{}/{name}", platform.stacks_dir.trim_end_matches('/')),
                output_paths::normalise,
            );
        let stack_networks = stack.networks.clone().unwrap_or_default();
        let mut services = Vec::new();
        for (service_name, service) in &stack.services {
            services.push(self.service(name, stack, service_name, service, &stack_networks));
            for (index, route) in service.routes.iter().flatten().enumerate() {
                if let Some(router) =
                    self.router(name, stack, service_name, service, index, route, version)
                {
                    routers.push(router);
                }
            }
        }
        // A dependency with a healthcheck is waited for until healthy, not just started.
        let healthy: BTreeSet<String> = services
            .iter()
            .filter(|s| s.healthcheck.is_some())
            .map(|s| s.name.clone())
            .collect();
        for (service_name, service) in &stack.services {
            let deps = service.depends_on.iter().flatten().map(|d| {
                let condition = if healthy.contains(d) {
                    "service_healthy"
                } else {
                    "service_started"
                };
                (d.clone(), condition)
            });
            if let Some(model) = services.iter_mut().find(|s| &s.name == service_name) {
                model.depends_on = deps.collect();
            }
        }
        let networks: Vec<String> = services
            .iter()
            .flat_map(|s| s.networks.iter().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let volumes = stack
            .volumes
            .iter()
            .map(|(volume_name, v)| Volume {
                name: volume_name.clone(),
                purpose: v.purpose.clone(),
                external: v.external,
                docker_name: v.name.clone(),
                mounted_at: services
                    .iter()
                    .flat_map(|s| {
                        s.mounts
                            .iter()
                            .filter(|m| m.is_volume && &m.source == volume_name)
                            .map(move |m| m.target.clone())
                    })
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            })
            .collect();
        let variables = stack
            .env
            .iter()
            .map(|(var, v)| Variable {
                name: var.clone(),
                description: v.description.clone(),
                required: v.required,
                secret: v.secret,
                example: example_for(v),
                default: v.default.clone(),
            })
            .collect();
        Stack {
            name: name.to_owned(),
            purpose: stack.purpose.clone().unwrap_or_default(),
            status: stack.status.unwrap_or(Status::Production),
            dir,
            extends: stack.extends.as_ref().map(|e| e.stack.clone()),
            services,
            networks,
            volumes,
            variables,
            dependencies: stack.dependencies.clone().unwrap_or_default(),
            config_files: stack.config_files.clone().unwrap_or_default(),
            notes: stack.notes.clone().unwrap_or_default(),
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
        let mut environment: BTreeMap<String, String> =
            service.environment.clone().into_iter().collect();
        for var in service.env.iter().flatten() {
            let reference = match stack.env.get(var) {
                Some(v) => variable_reference(var, v),
                None => format!("${{{var}}}"),
            };
            environment.insert(var.clone(), reference);
        }
        let mut mounts: Vec<Mount> = service
            .mounts
            .iter()
            .flatten()
            .map(|m| Mount {
                source: m
                    .volume
                    .clone()
                    .or_else(|| m.bind.clone())
                    .unwrap_or_default(),
                target: m.target.clone(),
                read_only: m.read_only,
                is_volume: m.volume.is_some(),
            })
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
            });
            mounts.push(Mount {
                source: "./dynamic".into(),
                target: format!("{config_dir}/dynamic"),
                read_only: true,
                is_volume: false,
            });
            if uses_docker_provider(self.source) {
                mounts.push(Mount {
                    source: "/var/run/docker.sock".into(),
                    target: "/var/run/docker.sock".into(),
                    read_only: true,
                    is_volume: false,
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
            })
            .collect();
        ports.sort_by_key(|p| (p.container, p.protocol, p.host));
        Service {
            name: name.to_owned(),
            container_name: service
                .container_name
                .clone()
                .unwrap_or_else(|| format!("{stack_name}-{name}")),
            image: service.image.clone().unwrap_or_default(),
            role: service.role.clone(),
            command: service.command.clone(),
            restart: service
                .restart
                .clone()
                .unwrap_or_else(|| "unless-stopped".into()),
            networks: {
                let mut n = service
                    .networks
                    .clone()
                    .unwrap_or_else(|| stack_networks.to_vec());
                n.sort();
                n.dedup();
                n
            },
            ports,
            environment: environment.into_iter().collect(),
            mounts,
            depends_on: Vec::new(),
            healthcheck: service.healthcheck.clone(),
            labels: Vec::new(),
            extra: service
                .compose
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// A diagnostic at `segments` inside stack `stack`, looking through the `extends` chain
    /// for the stack that actually wrote the value.
    fn locate(&self, stack: &str, segments: &[&str], code: Code, message: String) -> Diagnostic {
        locate(self.source, self.resolved, stack, segments, code, message)
    }
}

/// See [`Builder::locate`].
pub(crate) fn locate(
    source: &Source,
    resolved: &extends::Resolved<'_>,
    stack: &str,
    segments: &[&str],
    code: Code,
    message: String,
) -> Diagnostic {
    if let Some(chain) = resolved.chains.get(stack) {
        for owner in chain {
            let mut path: Vec<&str> = segments.to_vec();
            if path.len() > 1 && path[0] == "stacks" {
                path[1] = owner;
            }
            if source.has(&path) {
                return source.at(code, &path, message);
            }
        }
    }
    source.at(code, segments, message)
}

fn uses_docker_provider(source: &Source) -> bool {
    let spec = &source.spec;
    spec.traefik.default_provider == Provider::Docker
        || spec.stacks.values().any(|s| {
            s.provider == Some(Provider::Docker)
                || s.services
                    .values()
                    .flat_map(|svc| svc.routes.iter().flatten())
                    .any(|r| r.provider == Some(Provider::Docker))
        })
}

/// `${VAR:?…}` for a required variable, so Compose refuses to start without it;
/// `${VAR:-default}` for an optional one.
fn variable_reference(name: &str, variable: &spec::Variable) -> String {
    match (&variable.default, variable.required) {
        (Some(default), _) => format!(
            "${{{name}:-{}}}",
            default.replace('$', "$$").replace('}', "")
        ),
        (None, true) => format!("${{{name}:?set {name} in .env}}"),
        (None, false) => format!("${{{name}:-}}"),
    }
}

fn example_for(variable: &spec::Variable) -> String {
    let example = variable
        .example
        .clone()
        .or_else(|| variable.default.clone())
        .unwrap_or_default();
    if variable.secret && !is_placeholder(&example) {
        SECRET_PLACEHOLDER.to_owned()
    } else {
        example
    }
}
