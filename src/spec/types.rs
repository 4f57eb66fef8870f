//! The shape of `platform.yaml`: serde and schemars types that mirror the file one to one.
//! Nothing here is validated beyond its type; the `model` stage resolves and checks it.
//! Doc comments become the descriptions of the JSON Schema that editors use.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::map::Map;
use super::service_fields::{
    Build, Dependency, HealthTest, Logging, Resources, ServiceDefaults, Ulimit,
};
use super::{
    AccessLog, DnsChallenge, Experimental, ForwardedHeaders, Http3, Log, Metrics, Middleware, Ping,
    Providers, ProxyProtocol, Route, TcpMiddleware, TlsDomain, Transport, UdpOptions,
};

/// The whole platform: every stack behind one Traefik edge proxy.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Platform-wide settings.
    pub platform: Platform,
    /// The edge proxy: entry points, certificate resolvers, middlewares.
    pub traefik: Traefik,
    /// Networks that stacks may join, by name.
    #[serde(default)]
    pub networks: Map<Network>,
    /// Every stack of the platform, by name. The name is the Compose project name.
    #[serde(default)]
    pub stacks: Map<Stack>,
    /// Stack files to add, as paths or `*` patterns relative to this file
    /// (`stacks/*.yaml`), one stack per file: `NAME:` with the stack's fields under it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Variables shared by several stacks, declared once: each stack that uses one lists it
    /// in its own `.env.example`. A stack's `env` entry of the same name takes precedence.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub env: Map<Variable>,
    /// Values every service of the platform starts from (a stack's `defaults`, then the
    /// service's own value, win).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<ServiceDefaults>,
    /// The Docker Swarm cluster, for `platform.target: swarm` or `both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swarm: Option<crate::spec::SwarmPlatform>,
    /// Volumes several stacks mount, by name: created by their `owner` under this name (or
    /// `external`), used as external by every other stack that mounts them.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub volumes: Map<super::SharedVolume>,
}

/// Platform-wide settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// Short name of the platform, used in document titles.
    pub name: String,
    /// The apex domain most routes live under.
    pub domain: String,
    /// One paragraph that opens the generated inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Directory that receives every generated file, relative to this file.
    #[serde(default = "default_output")]
    pub output: String,
    /// Allow `output` to leave this file's folder (`..`, an absolute path, a symbolic link).
    /// Off by default, so a typo cannot make seisei write elsewhere on the machine.
    #[serde(default)]
    pub allow_external_output: bool,
    /// Directory, inside `output`, that holds one folder per stack unless the stack sets `path`.
    #[serde(default = "default_stacks_dir")]
    pub stacks_dir: String,
    /// Hand-written Markdown files, relative to this file, in which seisei fills the regions
    /// between `<!-- seisei:begin NAME -->` and `<!-- seisei:end NAME -->` (NAME: `inventory`,
    /// `routes`, `volumes`, `networks`, `topology`, `stack:STACK`) and leaves the rest alone.
    #[serde(default)]
    pub docs: Vec<String>,
    /// File name of the generated inventory, inside `output`.
    #[serde(default = "default_inventory")]
    pub inventory: String,
    /// What the platform is generated for: `compose` (one host, the default), `swarm` (a
    /// Docker Swarm cluster: `stack.yml` files) or `both`, side by side.
    #[serde(default)]
    pub target: crate::spec::Target,
}

fn default_output() -> String {
    "generated".to_owned()
}

fn default_stacks_dir() -> String {
    "infra/stacks".to_owned()
}

fn default_inventory() -> String {
    "STACKS.md".to_owned()
}

/// The Traefik edge proxy and its static configuration.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Traefik {
    /// Traefik version the output targets, as `MAJOR.MINOR` (e.g. `3.7`). Wildcard hosts are
    /// written as `Host` rules from 3.7 on and as anchored `HostRegexp` rules before.
    pub version: String,
    /// The stack that runs Traefik; its folder receives `traefik.yml` and `dynamic/`.
    pub stack: String,
    /// The service of that stack that is the Traefik container.
    pub service: String,
    /// Directory inside the Traefik container that holds `traefik.yml` and `dynamic/`.
    #[serde(default = "default_config_dir")]
    pub config_dir: String,
    /// The Docker network Traefik reaches routed containers on.
    pub network: String,
    /// Entry points by name.
    pub entrypoints: BTreeMap<String, Entrypoint>,
    /// Entry points a route uses when it names none.
    pub default_entrypoints: Vec<String>,
    /// ACME certificate resolvers by name.
    #[serde(default)]
    pub cert_resolvers: BTreeMap<String, CertResolver>,
    /// Resolver a TLS route uses when it names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_cert_resolver: Option<String>,
    /// Where routes are declared when neither the route nor its stack says.
    #[serde(default)]
    pub default_provider: Provider,
    /// Middlewares, written to the file provider and usable from both providers.
    // serde_yaml reads enums as YAML tags (`!headers`); a one-key map reads better.
    #[serde(default, with = "serde_yaml::with::singleton_map_recursive")]
    #[schemars(with = "BTreeMap<String, Middleware>")]
    pub middlewares: BTreeMap<String, Middleware>,
    /// Middlewares defined outside seisei that routes, entry points and chains may use, as
    /// `name@provider`: `auth@file` from a hand-written file in the dynamic folder,
    /// `crowdsec@docker` from a container's labels. Any other `@` reference is refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_middlewares: Vec<String>,
    /// TCP middlewares, written to the file provider.
    #[serde(default, with = "serde_yaml::with::singleton_map_recursive")]
    #[schemars(with = "BTreeMap<String, TcpMiddleware>")]
    pub tcp_middlewares: BTreeMap<String, TcpMiddleware>,
    /// The dashboard and API, on an entry point and host of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard: Option<Dashboard>,
    /// How Traefik connects to HTTPS servers (TLS verification, timeouts), by name; services
    /// name one in `serversTransport`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub servers_transports: BTreeMap<String, crate::spec::ServersTransport>,
    /// TLS options by name; routers pick one with `tls_options`, and `default` applies to
    /// every other router.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tls_options: BTreeMap<String, crate::spec::TlsOptions>,
    /// Certificate stores by name; Traefik uses only `default`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tls_stores: BTreeMap<String, crate::spec::TlsStore>,
    /// Traefik's own log level; the same as `log.level`, which wins when both are set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    /// Traefik's own log (`log` in the static configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<Log>,
    /// The access log (`accessLog`).
    #[serde(rename = "accessLog", default, skip_serializing_if = "Option::is_none")]
    pub access_log: Option<AccessLog>,
    /// The `/ping` health check (`ping`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping: Option<Ping>,
    /// Metrics (`metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// Options of the providers (`providers`); `providers.precedence` is written by seisei.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Providers>,
    /// Plugins (`experimental`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Experimental>,
}

fn default_config_dir() -> String {
    "/etc/traefik".to_owned()
}

/// One Traefik entry point.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entrypoint {
    /// Listen address, e.g. `:443`.
    pub address: String,
    /// Redirect every request to this entry point (HTTP to HTTPS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_to: Option<String>,
    /// Routers on this entry point are TLS routers.
    #[serde(default)]
    pub tls: bool,
    /// Middlewares prepended to every router on this entry point.
    #[serde(default)]
    pub middlewares: Vec<String>,
    /// Certificate resolver of the entry point's TLS default; the platform's default when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_resolver: Option<String>,
    /// Certificate domains of the entry point's TLS default, e.g. one wildcard certificate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls_domains: Vec<TlsDomain>,
    /// Accept the PROXY protocol (`proxyProtocol`).
    #[serde(
        rename = "proxyProtocol",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub proxy_protocol: Option<ProxyProtocol>,
    /// Whose `X-Forwarded-*` headers to trust (`forwardedHeaders`).
    #[serde(
        rename = "forwardedHeaders",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub forwarded_headers: Option<ForwardedHeaders>,
    /// Timeouts and connection life cycle (`transport`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    /// HTTP/3 (`http3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http3: Option<Http3>,
    /// UDP options of a `/udp` entry point (`udp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udp: Option<UdpOptions>,
    /// What the entry point is for, shown in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// An ACME certificate resolver.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertResolver {
    /// Account e-mail at the ACME server.
    pub email: String,
    /// Path of the ACME storage file inside the Traefik container.
    pub storage: String,
    /// Entry point that answers the HTTP-01 challenge. Set this or `dns_challenge_provider`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_challenge_entrypoint: Option<String>,
    /// DNS provider (lego name, e.g. `cloudflare`) for the DNS-01 challenge, which wildcard
    /// certificates need. Its credentials come from the Traefik container's environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_challenge_provider: Option<String>,
    /// The DNS-01 challenge with its options (`dnsChallenge`), instead of
    /// `dns_challenge_provider`.
    #[serde(
        rename = "dnsChallenge",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub dns_challenge: Option<DnsChallenge>,
    /// ACME directory (`caServer`), e.g. Let's Encrypt's staging
    /// `https://acme-staging-v02.api.letsencrypt.org/directory`.
    #[serde(rename = "caServer", default, skip_serializing_if = "Option::is_none")]
    pub ca_server: Option<String>,
    /// Key type (`keyType`): `EC256`, `EC384`, `RSA2048`, `RSA4096` or `RSA8192`.
    #[serde(rename = "keyType", default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
}

/// Which Traefik provider declares a route.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// The generated dynamic configuration (`dynamic/<stack>.yml`).
    #[default]
    File,
    /// Labels on the service's container.
    Docker,
}

/// The Traefik dashboard and API.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// Entry point that serves the dashboard. On a public one it needs an auth middleware.
    pub entrypoint: String,
    /// Host the dashboard answers on, e.g. `traefik.example.com`; any host when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Path the dashboard and API live under, e.g. `/traefik` (Traefik's `api.basePath`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Middlewares of the dashboard router: an auth middleware (basicAuth, digestAuth,
    /// forwardAuth, or a chain holding one) on a public entry point.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<String>,
}

/// A network stacks can join.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// What the network is for.
    pub purpose: String,
    /// Created outside Compose (`docker network create`) and shared by several stacks.
    #[serde(default)]
    pub external: bool,
    /// Containers on it cannot reach the outside world.
    #[serde(default)]
    pub internal: bool,
    /// The stack that creates the network, under its own name; every other stack that joins
    /// it uses it as external. Without an owner (or `external`), each stack that joins the
    /// network gets a private copy, `<stack>_<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Address ranges (`ipam.config`), which static addresses of services must fall in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<super::Subnet>,
}

/// Lifecycle status of a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Serves real users.
    Production,
    /// A staging or test instance.
    Testing,
    /// Being retired.
    Deprecated,
}

/// One Docker Compose stack (project).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// Start from another stack: its services, volumes, variables and notes, overridden by
    /// what this stack sets. Maps merge key by key; lists and scalars are replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<Extends>,
    /// What the stack is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Lifecycle status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Folder of the stack inside the output directory; defaults to `<stacks_dir>/<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Networks the stack's services join unless a service lists its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub networks: Option<Vec<String>>,
    /// Provider for this stack's routes unless a route says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// Services by name.
    // Boxed: a B-tree leaf holds room for eleven values, and a `Service` is about 1.6 kB, so
    // a stack of one service carried 18 kB of empty slots (at 10,000 stacks, 80 MB of
    // `check`'s peak; BENCHMARKS.md).
    #[serde(default)]
    pub services: Map<Box<Service>>,
    /// Named volumes by name.
    #[serde(default)]
    pub volumes: Map<Volume>,
    /// Traefik services that are not one container (servers on the LAN, weighted canaries,
    /// mirrors), by Traefik service name; file provider only.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub backends: Map<crate::spec::Backend>,
    /// Variables read from the stack's `.env`, by name.
    #[serde(default)]
    pub env: Map<Variable>,
    /// What the stack needs outside itself, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Vec<String>>,
    /// Configuration files that belong to the stack but are not generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_files: Option<Vec<ConfigFile>>,
    /// Free-form notes for the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
    /// Values every service of this stack starts from, over the platform's `defaults`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Boxed, as `swarm` below: few stacks write them, and inline they were 560 of a stack's
    // 928 bytes.
    pub defaults: Option<Box<ServiceDefaults>>,
    /// Swarm `deploy` settings this stack's services start from (Swarm target only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swarm: Option<Box<crate::spec::SwarmDeploy>>,
    /// Compose secrets by name, granted to services with their `secrets`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub secrets: Map<super::Secret>,
    /// Compose configs by name, granted to services with their `configs`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub configs: Map<super::Config>,
    /// Override files beside the compose file, by name: `bind` is written to
    /// `docker-compose.bind.yml`, used with `-f docker-compose.yml -f docker-compose.bind.yml`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub variants: Map<super::Variant>,
}

/// Which stack to extend and which of its services to take.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extends {
    /// The stack to start from.
    pub stack: String,
    /// Services to take from it; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<String>>,
}

/// One service of a stack: one container.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Image reference with a tag, e.g. `postgres:15.8-alpine`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Container name; defaults to `<stack>-<service>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// What the container does, shown in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Command, in Compose's interpolation syntax (`${VAR}`, `$$` for a literal `$`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// Restart policy; defaults to `unless-stopped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<String>,
    /// Networks this service joins; defaults to the stack's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub networks: Option<Vec<String>>,
    /// Ports the container listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<Port>>,
    /// Traefik routes to this service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Vec<Route>>,
    /// Named Traefik services of this container, one port each, with their load-balancer
    /// settings; routes pick one with `service`, and several routes may share one.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub traefik_services: Map<crate::spec::LoadBalancer>,
    /// Traefik TCP routes to this service (databases, TLS passthrough).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcp_routes: Vec<crate::spec::TcpRoute>,
    /// Traefik UDP routes to this service (VPN, DNS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub udp_routes: Vec<crate::spec::UdpRoute>,
    /// Stack variables passed to the container under their own name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<String>>,
    /// Other environment entries, in Compose's interpolation syntax.
    #[serde(default)]
    pub environment: Map<String>,
    /// Volumes and bind mounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mounts: Option<Vec<Mount>>,
    /// Services of the same stack that must start first: a name (a dependency with a
    /// healthcheck must be healthy, else started) or `{ service, condition, restart }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<Dependency>>,
    /// Container healthcheck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Box<Healthcheck>>,
    /// Container labels outside `traefik.` (which routes own), over the defaults' labels.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub labels: Map<String>,
    /// Build the image from source; `image` then names the result and is optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<Box<Build>>,
    /// Compose profiles the service belongs to; it starts only when one is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles: Option<Vec<String>>,
    /// Entrypoint, in Compose's interpolation syntax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    /// User (and group) the process runs as, e.g. `1000:1000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Working directory inside the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Host name inside the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Extra `/etc/hosts` entries as `host:address` (`host.docker.internal:host-gateway`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_hosts: Option<Vec<String>>,
    /// DNS servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Vec<String>>,
    /// Resource limits by name (`nofile`, `nproc`, `memlock`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub ulimits: Map<Ulimit>,
    /// Kernel parameters, e.g. `net.core.somaxconn: "1024"`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub sysctls: Map<String>,
    /// Linux capabilities to add, e.g. `NET_ADMIN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_add: Option<Vec<String>>,
    /// Linux capabilities to drop, e.g. `ALL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_drop: Option<Vec<String>>,
    /// Host devices, as `host-path:container-path[:permissions]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<Vec<String>>,
    /// Run with every privilege of the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// Mount the container's root file system read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Run an init process that reaps zombies and forwards signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<bool>,
    /// Paths mounted as in-memory file systems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tmpfs: Option<Vec<String>>,
    /// Size of `/dev/shm`, e.g. `256m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shm_size: Option<String>,
    /// PID namespace mode, e.g. `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    /// IPC namespace mode, e.g. `host` or `shareable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipc: Option<String>,
    /// Network mode (`host`, `none`, `service:NAME`); the service then joins no network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    /// Log driver and options, over the defaults' `logging`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Box<Logging>>,
    /// Security options, over the defaults'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_opt: Option<Vec<String>>,
    /// Time Compose waits after SIGTERM before it kills the container, e.g. `30s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_grace_period: Option<String>,
    /// CPU and memory limits and reservations (`deploy.resources`), over the defaults'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Box<Resources>>,
    /// The stack's secrets this service reads, as files in `/run/secrets/` unless a
    /// `target` says otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<super::Grant>,
    /// The stack's configs this service reads, as files at `/<name>` unless a `target`
    /// says otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<super::Grant>,
    /// Aliases and static addresses on the networks this service joins, by network.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub network_settings: Map<super::Attachment>,
    /// Compose service keys the typed model does not cover, merged into the generated
    /// service. A key seisei generates itself cannot be set here.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub compose: Map<serde_yaml::Value>,
    /// How Swarm runs this service's tasks (Swarm target only): replicas or global mode,
    /// placement, rolling updates, restart policy, endpoint mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swarm: Option<Box<crate::spec::SwarmDeploy>>,
}

/// A port the container listens on.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Port {
    /// Port inside the container; the first of a range when `container_end` is set.
    pub container: u16,
    /// Last container port of a range (`60000` to `60010`); `host` is then the first host
    /// port of a range of the same length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_end: Option<u16>,
    /// Publish on the host (`ports:`); otherwise only other containers reach it (`expose:`).
    #[serde(default)]
    pub publish: bool,
    /// Host port when published; defaults to the container port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<u16>,
    /// Host address to bind when published, e.g. `127.0.0.1`; all addresses when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    /// `tcp` or `udp`.
    #[serde(default)]
    pub protocol: Protocol,
    /// What the port is for, shown in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Transport protocol of a port.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
}

/// An environment variable read from the stack's `.env`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// What the variable holds.
    pub description: String,
    /// Compose refuses to start when a required variable is unset or empty.
    #[serde(default = "default_true")]
    pub required: bool,
    /// A credential: its example must be a placeholder and is never treated as a value.
    #[serde(default)]
    pub secret: bool,
    /// Example value written to `.env.example`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Value Compose uses when the variable is unset or empty (optional variables only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

fn default_true() -> bool {
    true
}

/// A named volume, a bind mount or a tmpfs. Set exactly one of `volume`, `bind` and `tmpfs`;
/// a mount with options is written in Compose's long syntax.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mount {
    /// Named volume of the stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Host path, relative to the stack folder (`./config/x.conf`) or absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    /// Path inside the container.
    pub target: String,
    /// Mount read-only.
    #[serde(default)]
    pub read_only: bool,
    /// An in-memory file system at `target`, instead of `volume` or `bind`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tmpfs: Option<super::TmpfsOptions>,
    /// Bind mounts: mount propagation (`rprivate`, `private`, `rshared`, `shared`,
    /// `rslave`, `slave`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation: Option<String>,
    /// Bind mounts: create the host folder when it is missing (Compose's default), or refuse
    /// to start (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_host_path: Option<bool>,
    /// Bind mounts: `SELinux` relabelling, `z` (shared) or `Z` (private).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selinux: Option<String>,
    /// Volumes: do not copy the image's files into an empty volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nocopy: Option<bool>,
    /// Volumes: mount this folder of the volume instead of its root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subpath: Option<String>,
}

/// A named volume.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// What the volume stores.
    pub purpose: String,
    /// Created outside Compose; `name` is its real name.
    #[serde(default)]
    pub external: bool,
    /// The volume's real Docker name, when it must not be prefixed with the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Volume driver; `local` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// Driver options, e.g. an NFS or CIFS share for `local`:
    /// `{ type: nfs, o: "addr=10.0.0.5,nfsvers=4,rw", device: ":/export/media" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub driver_opts: BTreeMap<String, String>,
}

/// A container healthcheck.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Healthcheck {
    /// Command: a string run by the shell (`pg_isready -U odoo`), or the exec form,
    /// `["CMD", "pg_isready"]` or `["CMD-SHELL", "..."]`.
    pub test: HealthTest,
    /// Time between checks, e.g. `30s`.
    #[serde(default = "default_interval")]
    pub interval: String,
    /// Time one check may take.
    #[serde(default = "default_timeout")]
    pub timeout: String,
    /// Failures before the container is unhealthy.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Grace period after start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<String>,
}

fn default_interval() -> String {
    "30s".to_owned()
}

fn default_timeout() -> String {
    "5s".to_owned()
}

fn default_retries() -> u32 {
    3
}

/// A configuration file that belongs to a stack but that seisei does not generate.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Where it lives: a repository path, or `container:/path` for a file inside a container.
    pub path: String,
    /// What it configures.
    pub purpose: String,
}
