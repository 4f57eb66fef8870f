//! The Swarm target of the model: which files the platform is generated for, the Swarm
//! provider's connection, and every service's `deploy` settings resolved (platform
//! defaults, then the stack's, then the service's), ready for `render/swarm.rs` to print.
//! Input: the spec and the resolved stacks; output: a [`Swarm`].

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::edge::DOCKER_SOCKET;
use super::extends::Resolved;
use crate::spec::{
    EndpointMode, PublishMode, RestartPolicy, Source, SwarmDeploy, SwarmMode, Target, UpdateConfig,
};

/// The constraint that keeps a service on manager nodes, whose socket answers the Swarm API.
pub const ON_MANAGERS: &str = "node.role == manager";

/// The platform's Swarm side.
#[derive(Debug, Clone)]
pub struct Swarm {
    pub target: Target,
    /// Whose Traefik the routing table is built for: the Swarm target's on a Swarm-only
    /// platform, the Compose target's otherwise, or the one `seisei routes --target` names
    /// ([`show_target`]).
    pub table_for_swarm: bool,
    /// `providers.swarm.endpoint`: `swarm.endpoint`, else the Docker provider's, else the
    /// manager's socket.
    pub endpoint: String,
    pub refresh_seconds: Option<u32>,
    /// The rest of `providers.swarm`: the Docker provider's options (both providers share
    /// them in Traefik v3: `exposedByDefault`, `network`, `constraints`, `watch`, …), then
    /// `refreshSeconds`, which only the Swarm provider has.
    pub provider: Value,
    /// Every service's settings, by stack and service name.
    pub deploys: BTreeMap<(String, String), Deploy>,
}

impl Swarm {
    /// The name Traefik gives the provider that reads the labels: `swarm` when the table is
    /// the Swarm target's, `docker` when it is the Compose target's.
    pub fn label_provider(&self) -> &'static str {
        if self.table_for_swarm {
            "swarm"
        } else {
            "docker"
        }
    }

    /// Whether the Swarm provider reads the manager's socket (so Traefik must run on one).
    pub fn on_socket(&self) -> bool {
        self.endpoint == DOCKER_SOCKET
    }

    pub fn deploy(&self, stack: &str, service: &str) -> Option<&Deploy> {
        self.deploys.get(&(stack.to_owned(), service.to_owned()))
    }
}

/// How Swarm runs one service's tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    pub global: bool,
    /// Tasks of a replicated service.
    pub replicas: u32,
    pub constraints: Vec<String>,
    pub spread: Vec<String>,
    pub max_replicas_per_node: Option<u32>,
    pub update_config: Option<UpdateConfig>,
    pub rollback_config: Option<UpdateConfig>,
    pub restart_policy: Option<RestartPolicy>,
    pub endpoint_mode: Option<EndpointMode>,
    pub publish_mode: PublishMode,
    /// Swarm's load balancer behind Traefik (`traefik.swarm.lbswarm`).
    pub lb_swarm: bool,
}

impl Deploy {
    /// `3 replicas`, `global`, for the inventory.
    pub fn scale(&self) -> String {
        match (self.global, self.replicas) {
            (true, _) => "global".to_owned(),
            (false, 1) => "1 replica".to_owned(),
            (false, n) => format!("{n} replicas"),
        }
    }

    /// Constraints and spread preferences in words, for the inventory.
    pub fn placement(&self) -> String {
        let mut parts: Vec<String> = self.constraints.clone();
        parts.extend(self.spread.iter().map(|s| format!("spread over {s}")));
        if let Some(n) = self.max_replicas_per_node {
            parts.push(format!("at most {n} per node"));
        }
        if parts.is_empty() {
            "any node".to_owned()
        } else {
            parts.join("; ")
        }
    }

    /// The rolling update in words, for the inventory.
    pub fn rollout(&self) -> String {
        self.update_config.as_ref().map_or_else(
            || "Swarm's default (one task at a time, stop first)".to_owned(),
            |u| {
                let mut parts = vec![format!("{} at a time", u.parallelism.unwrap_or(1))];
                if let Some(order) = u.order {
                    parts.push(order.as_str().to_owned());
                }
                if let Some(delay) = &u.delay {
                    parts.push(format!("{delay} apart"));
                }
                if let Some(action) = u.failure_action {
                    parts.push(format!("on failure {}", action.as_str()));
                }
                parts.join(", ")
            },
        )
    }

    /// The `deploy` mapping of the stack file, with the service labels (Traefik's) and the
    /// resources the Compose side writes under `deploy.resources`.
    pub fn tree(&self, labels: &[(String, String)], resources: Option<&Value>) -> Value {
        let mut map = Mapping::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key.into(), value);
        };
        if self.global {
            put("mode", "global".into());
        } else {
            put("mode", "replicated".into());
            put("replicas", self.replicas.into());
        }
        if let Some(mode) = self.endpoint_mode {
            put(
                "endpoint_mode",
                match mode {
                    EndpointMode::Vip => "vip",
                    EndpointMode::Dnsrr => "dnsrr",
                }
                .into(),
            );
        }
        if !labels.is_empty() {
            put(
                "labels",
                Value::Mapping(
                    labels
                        .iter()
                        .map(|(k, v)| (k.clone().into(), v.clone().into()))
                        .collect(),
                ),
            );
        }
        if !(self.constraints.is_empty()
            && self.spread.is_empty()
            && self.max_replicas_per_node.is_none())
        {
            let mut placement = Mapping::new();
            if !self.constraints.is_empty() {
                placement.insert(
                    "constraints".into(),
                    self.constraints.iter().cloned().map(Value::from).collect(),
                );
            }
            if !self.spread.is_empty() {
                placement.insert(
                    "preferences".into(),
                    self.spread
                        .iter()
                        .map(|s| {
                            let mut one = Mapping::new();
                            one.insert("spread".into(), s.clone().into());
                            Value::Mapping(one)
                        })
                        .collect(),
                );
            }
            if let Some(n) = self.max_replicas_per_node {
                placement.insert("max_replicas_per_node".into(), n.into());
            }
            put("placement", Value::Mapping(placement));
        }
        if let Some(resources) = resources {
            put("resources", resources.clone());
        }
        if let Some(policy) = &self.restart_policy {
            let mut m = Mapping::new();
            if let Some(c) = policy.condition {
                m.insert("condition".into(), c.as_str().into());
            }
            if let Some(d) = &policy.delay {
                m.insert("delay".into(), d.clone().into());
            }
            if let Some(n) = policy.max_attempts {
                m.insert("max_attempts".into(), n.into());
            }
            if let Some(w) = &policy.window {
                m.insert("window".into(), w.clone().into());
            }
            put("restart_policy", Value::Mapping(m));
        }
        if let Some(update) = &self.update_config {
            put("update_config", update_tree(update));
        }
        if let Some(rollback) = &self.rollback_config {
            put("rollback_config", update_tree(rollback));
        }
        Value::Mapping(map)
    }
}

fn update_tree(config: &UpdateConfig) -> Value {
    let mut m = Mapping::new();
    if let Some(p) = config.parallelism {
        m.insert("parallelism".into(), p.into());
    }
    if let Some(d) = &config.delay {
        m.insert("delay".into(), d.clone().into());
    }
    if let Some(a) = config.failure_action {
        m.insert("failure_action".into(), a.as_str().into());
    }
    if let Some(d) = &config.monitor {
        m.insert("monitor".into(), d.clone().into());
    }
    if let Some(r) = config.max_failure_ratio {
        m.insert("max_failure_ratio".into(), r.into());
    }
    if let Some(o) = config.order {
        m.insert("order".into(), o.as_str().into());
    }
    Value::Mapping(m)
}

/// Names in the file provider that point at a label-declared service (`name@docker`, members
/// of weighted and mirroring services): on a Swarm-only platform the Swarm provider declares
/// them, as `name@swarm`.
pub(super) fn requalify(services: &mut [super::ProxyService]) {
    let swap = |name: &mut String| {
        if let Some(bare) = name.strip_suffix("@docker") {
            *name = format!("{bare}@swarm");
        }
    };
    for service in services {
        match &mut service.kind {
            super::ServiceKind::Weighted { services, .. } => {
                for (n, _) in services.iter_mut() {
                    swap(n);
                }
            }
            super::ServiceKind::Mirroring {
                service, mirrors, ..
            } => {
                swap(service);
                for (n, _) in mirrors.iter_mut() {
                    swap(n);
                }
            }
            super::ServiceKind::LoadBalancer { .. } => {}
        }
    }
}

/// The model as the Traefik of one target builds its routing table (`swarm`: the Swarm
/// target's, where the labels' routers and services are `@swarm`; else the Compose
/// target's, `@docker`), for `seisei routes --target` and `seisei route --target`. A target
/// the platform is not generated for is refused: its files do not exist, and the checks of
/// that target have not run.
pub fn show_target(model: &mut super::Model, swarm: bool) -> Result<(), String> {
    let target = model.swarm.target;
    let (wanted, generated) = if swarm {
        ("swarm", target.swarm())
    } else {
        ("compose", target.compose())
    };
    if !generated {
        let own = if target == Target::Swarm {
            "swarm"
        } else {
            "compose"
        };
        return Err(format!(
            "the platform is generated for `{own}` only (`platform.target: {own}`), so there is no `{wanted}` target to show; set `platform.target: both` to generate both"
        ));
    }
    if swarm && !model.swarm.table_for_swarm {
        requalify(&mut model.services);
    }
    model.swarm.table_for_swarm = swarm;
    Ok(())
}

/// Every name in the file provider that points at a label-declared service, which differs
/// between the two targets (`@docker`, `@swarm`).
pub fn label_members(services: &[super::ProxyService]) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    for service in services {
        let members: Vec<&String> = match &service.kind {
            super::ServiceKind::Weighted { services, .. } => {
                services.iter().map(|(n, _)| n).collect()
            }
            super::ServiceKind::Mirroring {
                service, mirrors, ..
            } => std::iter::once(service)
                .chain(mirrors.iter().map(|(n, _)| n))
                .collect(),
            super::ServiceKind::LoadBalancer { .. } => Vec::new(),
        };
        for member in members.into_iter().filter(|m| m.ends_with("@docker")) {
            found.push((service.name.as_str(), member.as_str()));
        }
    }
    found
}

/// The Swarm side of the platform, every service's settings resolved.
pub(super) fn build(source: &Source, resolved: &Resolved<'_>) -> Swarm {
    let spec = &source.spec;
    let platform = spec.swarm.clone().unwrap_or_default();
    let base = platform.defaults.clone().unwrap_or_default();
    let docker = spec
        .traefik
        .providers
        .as_ref()
        .and_then(|p| p.docker.as_ref());
    let endpoint = platform
        .endpoint
        .clone()
        .or_else(|| docker.and_then(|d| d.endpoint.clone()))
        .unwrap_or_else(|| DOCKER_SOCKET.to_owned());
    // The Docker provider's options as `traefik.yml` writes them (seisei's defaults filled
    // in), so that both targets' Traefik read the labels alike.
    let mut provider = match super::edge::edge(&spec.traefik, true).docker {
        Value::Mapping(map) => map,
        _ => Mapping::new(),
    };
    if let Some(seconds) = platform.refresh_seconds {
        provider.insert("refreshSeconds".into(), format!("{seconds}s").into());
    }
    let mut deploys = BTreeMap::new();
    // Only the Swarm target reads a service's deploy settings (stack files, the Swarm checks,
    // STACKS.md's placement): a Compose-only platform skips them, which at 10,000 stacks is
    // 15 MB of `check`'s peak memory.
    let wanted = spec.platform.target.swarm();
    for (stack_name, stack) in resolved.stacks.iter().filter(|_| wanted) {
        let stack_base = stack
            .swarm
            .as_ref()
            .map_or_else(|| base.clone(), |s| s.over(&base));
        for (service_name, service) in &stack.services {
            let settings = service
                .swarm
                .as_ref()
                .map_or_else(|| stack_base.clone(), |s| s.over(&stack_base));
            let is_proxy =
                stack_name == &spec.traefik.stack && service_name == &spec.traefik.service;
            deploys.insert(
                (stack_name.clone(), service_name.clone()),
                deploy(&settings, is_proxy && endpoint == DOCKER_SOCKET),
            );
        }
    }
    Swarm {
        target: spec.platform.target,
        table_for_swarm: spec.platform.target == Target::Swarm,
        endpoint,
        refresh_seconds: platform.refresh_seconds,
        provider: Value::Mapping(provider),
        deploys,
    }
}

fn deploy(settings: &SwarmDeploy, needs_manager: bool) -> Deploy {
    let placement = settings.placement.clone().unwrap_or_default();
    let mut constraints = placement.constraints;
    // The Swarm provider reads services from the socket it mounts, and only a manager's
    // socket lists them (Traefik's Swarm provider documentation): a Traefik not told where to
    // run is kept on managers rather than left to fail on a worker.
    if needs_manager && !constraints.iter().any(|c| c.contains("node.role")) {
        constraints.push(ON_MANAGERS.to_owned());
    }
    Deploy {
        global: settings.mode == Some(SwarmMode::Global),
        replicas: settings.replicas.unwrap_or(1),
        constraints,
        spread: placement.spread,
        max_replicas_per_node: placement.max_replicas_per_node,
        update_config: settings.update_config.clone(),
        rollback_config: settings.rollback_config.clone(),
        restart_policy: settings.restart_policy.clone(),
        endpoint_mode: settings.endpoint_mode,
        publish_mode: settings.publish_mode.unwrap_or(PublishMode::Ingress),
        lb_swarm: settings.lb_swarm.unwrap_or(false),
    }
}

impl super::compose_objects::ComposeObject {
    /// How the object reaches a Swarm cluster, in words, for `.env.example` and the
    /// inventory, and the command that creates it when the operator must run one:
    /// `docker stack deploy` creates it from its file, or it was created beforehand.
    pub fn swarm_delivery(&self, stack: &str) -> (String, Option<String>) {
        use super::compose_objects::{Kind, Origin};
        let real = self
            .docker_name
            .clone()
            .unwrap_or_else(|| format!("{stack}_{}", self.name));
        let kind = self.kind.singular();
        let kept = match self.kind {
            Kind::Secret => "encrypted on the managers",
            Kind::Config => "kept on the managers",
        };
        match &self.origin {
            Origin::File(path) => (
                format!(
                    "read by docker stack deploy from {path}{} on the machine it runs on, and stored in the cluster as {kind} {real}, {kept}; Swarm cannot change a {kind} in place: to change the value, give it a new name (such as {real}_v2) and deploy again",
                    if path.starts_with('/') {
                        ""
                    } else {
                        " (beside stack.yml)"
                    }
                ),
                None,
            ),
            Origin::External => (
                "created beforehand on a manager (the stack only refers to it), with".to_owned(),
                Some(format!("docker {kind} create {real} FILE")),
            ),
            // Refused on the Swarm target before anything is written.
            Origin::Environment(_) | Origin::Content(_) => (
                "not deliverable to Swarm as declared; create it beforehand, with".to_owned(),
                Some(format!("docker {kind} create {real} FILE")),
            ),
        }
    }
}
