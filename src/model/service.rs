//! One container of a stack as the compose file writes it: its ports, mounts, dependencies,
//! healthcheck and labels, each ready to print.

use crate::spec::Protocol;

/// The default name of a service's container: `<stack>-<service>`, or the stack's name alone
/// when the service has it too (a stack `grafana` with one service `grafana`, as `seisei new
/// stack` writes it, runs container `grafana`, not `grafana-grafana`). Router names keep
/// `<stack>-<service>`: they are unique per provider, not on the Docker host, and scripts
/// already address them.
pub fn default_name(stack: &str, service: &str) -> String {
    if stack == service {
        stack.to_owned()
    } else {
        format!("{stack}-{service}")
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
    /// Dependencies and what Compose waits for, sorted by name.
    pub depends_on: Vec<Dependency>,
    pub healthcheck: Option<Healthcheck>,
    /// What this service's Docker provider labels are made of, in the model's lists: its
    /// Docker routers, Traefik services and TCP and UDP routers. The labels themselves are
    /// written when the file that holds them is rendered ([`Model::docker_labels`]): held for
    /// every service at once, they were 13.5 MB of the model at 10,000 stacks.
    ///
    /// [`Model::docker_labels`]: crate::model::Model::docker_labels
    pub label_sources: Vec<LabelSource>,
    /// The spec's own labels (defaults merged), sorted, in Compose syntax (guarded).
    pub user_labels: Vec<(String, String)>,
    /// Typed fields beyond the core ones, as Compose keys and values, sorted by key.
    pub fields: Vec<(String, serde_yaml::Value)>,
    /// Compose profiles (also in `fields`), for the inventory.
    pub profiles: Vec<String>,
    /// Aliases and static addresses by network (`network_settings`), sorted by network.
    pub attachments: Vec<(String, serde_yaml::Value)>,
    /// Escape-hatch keys, sorted, merged into the generated service.
    pub extra: Vec<(String, serde_yaml::Value)>,
}

/// One `depends_on` entry.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub service: String,
    pub condition: &'static str,
    /// Restart this service when Compose restarts the dependency.
    pub restart: bool,
}

/// A healthcheck with its test in exec form (a string test is `["CMD-SHELL", text]`).
#[derive(Debug, Clone)]
pub struct Healthcheck {
    pub test: Vec<String>,
    pub interval: String,
    pub timeout: String,
    pub retries: u32,
    pub start_period: Option<String>,
}

/// One item of the model, on the Docker provider, that gives a service Docker labels: its
/// index in the model's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSource {
    /// In `Model::routers`.
    Router(usize),
    /// In `Model::services`.
    Service(usize),
    /// In `Model::l4_routers`.
    L4Router(usize),
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
    /// How many ports from `container` (and `host`) on: more than 1 for a range.
    pub count: u16,
}

impl Port {
    /// Compose short syntax: `127.0.0.1:8888:8888/tcp`, or `3001/tcp` for `expose`; a
    /// range is `60000-60010:60000-60010/udp`.
    pub fn compose(&self) -> String {
        let protocol = match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        };
        let span = |first: u16| {
            if self.count > 1 {
                format!("{first}-{}", first.saturating_add(self.count - 1))
            } else {
                first.to_string()
            }
        };
        let (host, container) = (span(self.host), span(self.container));
        if !self.publish {
            return format!("{container}/{protocol}");
        }
        match &self.host_ip {
            Some(ip) if ip.contains(':') => format!("[{ip}]:{host}:{container}/{protocol}"),
            Some(ip) => format!("{ip}:{host}:{container}/{protocol}"),
            None => format!("{host}:{container}/{protocol}"),
        }
    }

    /// Every (host, container) pair of the port or range.
    pub fn pairs(&self) -> impl Iterator<Item = (u16, u16)> + '_ {
        (0..self.count).map(|i| {
            (
                self.host.saturating_add(i),
                self.container.saturating_add(i),
            )
        })
    }
}

#[derive(Debug, Clone)]
pub struct Mount {
    /// Volume name or host path.
    pub source: String,
    pub target: String,
    pub read_only: bool,
    pub is_volume: bool,
    /// The long syntax (`type`, `source`, `target` and options), when a mount needs options
    /// the short one cannot say, or is a tmpfs.
    pub long: Option<serde_yaml::Value>,
}

impl Mount {
    /// Compose short syntax, `source:target[:ro]`.
    pub fn compose(&self) -> String {
        let mode = if self.read_only { ":ro" } else { "" };
        format!("{}:{}{mode}", self.source, self.target)
    }
}
