//! The Docker Swarm side of `platform.yaml`: which target the platform is generated for
//! (`platform.target`), the Swarm provider's connection (`swarm:` at the top), and the
//! `deploy` settings of a stack's or a service's tasks (`swarm:` on either). Shape only; the
//! model resolves them and `model/validate/swarm.rs` checks them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the platform is generated for.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// One Docker host: each stack's `docker-compose.yml`, Traefik's Docker provider.
    #[default]
    Compose,
    /// A Docker Swarm cluster: each stack's `stack.yml` for `docker stack deploy`, Traefik's
    /// Swarm provider (`traefik.swarm.yml`).
    Swarm,
    /// Both, side by side, for a platform moving from one host to a cluster.
    Both,
}

impl Target {
    pub fn compose(self) -> bool {
        matches!(self, Target::Compose | Target::Both)
    }

    pub fn swarm(self) -> bool {
        matches!(self, Target::Swarm | Target::Both)
    }
}

/// The cluster as Traefik's Swarm provider reaches it, and the `deploy` settings every
/// service starts from.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwarmPlatform {
    /// Docker API the Swarm provider reads services from: the socket of a manager node
    /// (`unix:///var/run/docker.sock`, the default, which then puts Traefik on managers) or a
    /// socket proxy (`tcp://socket-proxy:2375`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Seconds between two polls of the Swarm API (Traefik's `refreshSeconds`, written as a
    /// duration; 15 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_seconds: Option<u32>,
    /// `deploy` settings every service starts from; a stack's `swarm`, then the service's,
    /// win field by field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<SwarmDeploy>,
}

/// How Swarm runs a service's tasks (`deploy` in the stack file). On a stack, the values its
/// services start from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwarmDeploy {
    /// `replicated` (a number of tasks, `replicas`) or `global` (one task on every node that
    /// the placement allows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<SwarmMode>,
    /// Tasks of a replicated service; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Which nodes may run the tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// How a new version rolls out (`deploy.update_config`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_config: Option<UpdateConfig>,
    /// How a failed update rolls back (`deploy.rollback_config`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_config: Option<UpdateConfig>,
    /// When Swarm restarts a task; it replaces the service's `restart`, which Swarm ignores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
    /// How other services reach it: `vip` (one virtual address, the default) or `dnsrr`
    /// (DNS round robin over the tasks; no ingress-published ports then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_mode: Option<EndpointMode>,
    /// How published ports are published: `ingress` (on every node, through the routing
    /// mesh, the default) or `host` (on the node that runs the task, with the client's real
    /// address: a global service, or one task per node).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_mode: Option<PublishMode>,
    /// Traefik sends a routed service's requests to its virtual IP and Swarm spreads them over
    /// the tasks (the Swarm provider's label `traefik.swarm.lbswarm`), instead of Traefik
    /// balancing over the tasks' own addresses. Traefik then sees one server: its sticky
    /// sessions and health checks no longer tell the tasks apart. Needs `endpoint_mode: vip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lb_swarm: Option<bool>,
}

/// `replicated` or `global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SwarmMode {
    Replicated,
    Global,
}

/// Placement constraints and preferences.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// Constraints every node must meet, e.g. `node.role == manager`,
    /// `node.hostname == db-1`, `node.labels.storage == ssd`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// Node labels or attributes to spread the tasks over, e.g. `node.labels.zone`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<String>,
    /// Most tasks of the service on one node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas_per_node: Option<u32>,
}

/// A rolling update or rollback.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConfig {
    /// Tasks changed at once (0: all at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// Wait between two groups of tasks, e.g. `10s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<String>,
    /// What a failed task does to the rollout: `continue`, `pause` or `rollback` (updates
    /// only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_action: Option<FailureAction>,
    /// How long a new task is watched for failure, e.g. `30s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<String>,
    /// Share of failed tasks tolerated, from 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failure_ratio: Option<f64>,
    /// `stop-first` (the old task stops before the new one starts) or `start-first` (they
    /// overlap, so the service never has fewer tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<UpdateOrder>,
}

/// What a failed task does to a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailureAction {
    Continue,
    Pause,
    Rollback,
}

impl FailureAction {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureAction::Continue => "continue",
            FailureAction::Pause => "pause",
            FailureAction::Rollback => "rollback",
        }
    }
}

/// Order of stopping and starting during a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateOrder {
    StopFirst,
    StartFirst,
}

impl UpdateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateOrder::StopFirst => "stop-first",
            UpdateOrder::StartFirst => "start-first",
        }
    }
}

/// When Swarm restarts a task.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestartPolicy {
    /// `any` (Swarm's default), `on-failure` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<RestartCondition>,
    /// Wait before a restart, e.g. `5s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<String>,
    /// Restarts before Swarm gives up (unlimited when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// How long a restart must stay up to count as a success, e.g. `2m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
}

/// `any`, `on-failure` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RestartCondition {
    Any,
    OnFailure,
    None,
}

impl RestartCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            RestartCondition::Any => "any",
            RestartCondition::OnFailure => "on-failure",
            RestartCondition::None => "none",
        }
    }
}

/// `vip` or `dnsrr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EndpointMode {
    Vip,
    Dnsrr,
}

/// `ingress` or `host`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PublishMode {
    Ingress,
    Host,
}

impl SwarmDeploy {
    /// `self` over `base`, field by field (a placement or update config is taken whole).
    #[must_use]
    pub fn over(&self, base: &SwarmDeploy) -> SwarmDeploy {
        SwarmDeploy {
            mode: self.mode.or(base.mode),
            replicas: self.replicas.or(base.replicas),
            placement: self.placement.clone().or_else(|| base.placement.clone()),
            update_config: self
                .update_config
                .clone()
                .or_else(|| base.update_config.clone()),
            rollback_config: self
                .rollback_config
                .clone()
                .or_else(|| base.rollback_config.clone()),
            restart_policy: self
                .restart_policy
                .clone()
                .or_else(|| base.restart_policy.clone()),
            endpoint_mode: self.endpoint_mode.or(base.endpoint_mode),
            publish_mode: self.publish_mode.or(base.publish_mode),
            lb_swarm: self.lb_swarm.or(base.lb_swarm),
        }
    }
}
