//! The Swarm target's checks, run when `platform.target` is `swarm` or `both`: what
//! `docker stack deploy` ignores or refuses (`container_name`, `build`, `restart`, start
//! conditions, profiles, host-only options, addresses on published ports, relative bind
//! mounts), each with the Swarm way to say it; `deploy` settings that contradict each other;
//! node-local volumes on services Swarm may move; secrets and configs in `swarm_objects.rs`.
//! Runs on the effective services.

use super::{Checker, seg};
use crate::diagnostics::Code;
use crate::model::Model;
use crate::spec::{Dependency, EndpointMode, PublishMode, Service, Stack, SwarmDeploy};

/// Service keys `docker stack deploy` ignores (`Ignoring unsupported options` in the docker
/// CLI's stack loader), with the Swarm alternative for each.
const IGNORED: &[(&str, &str)] = &[
    (
        "devices",
        "Swarm services cannot map host devices: run this one with Compose on the host that has the device",
    ),
    (
        "privileged",
        "Swarm services cannot be privileged: grant the capabilities it needs with `cap_add`",
    ),
    (
        "ipc",
        "Swarm services get their own IPC namespace: remove `ipc`",
    ),
    (
        "pid",
        "Swarm services get their own PID namespace: remove `pid`",
    ),
    (
        "shm_size",
        "Swarm ignores `shm_size`: mount a tmpfs at `/dev/shm` with `tmpfs: [/dev/shm]`",
    ),
    (
        "security_opt",
        "Swarm ignores `security_opt`: drop it, or keep the service on Compose",
    ),
];

/// Escape-hatch keys the Swarm loader's schema refuses (`Additional property … is not
/// allowed` from `docker stack config` 28.2, tried key by key over the Compose service keys).
const LOADER_REFUSES: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "cgroup",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpus",
    "develop",
    "device_cgroup_rules",
    "dns_opt",
    "gpus",
    "group_add",
    "label_file",
    "mem_reservation",
    "mem_swappiness",
    "models",
    "oom_kill_disable",
    "pids_limit",
    "platform",
    "post_start",
    "pre_start",
    "pre_stop",
    "profiles",
    "provider",
    "pull_policy",
    "pull_refresh_after",
    "runtime",
    "scale",
    "storage_opt",
    "use_api_socket",
    "uts",
];

/// Escape-hatch keys the loader takes and `docker stack deploy` then ignores
/// (`Ignoring unsupported options`, and the deprecated `container_name` and `expose`).
const DEPLOY_IGNORES: &[&str] = &[
    "build",
    "cgroup_parent",
    "cgroupns_mode",
    "container_name",
    "devices",
    "domainname",
    "expose",
    "external_links",
    "ipc",
    "links",
    "mac_address",
    "network_mode",
    "pid",
    "privileged",
    "restart",
    "security_opt",
    "shm_size",
    "userns_mode",
];

impl Checker<'_> {
    pub(super) fn swarm(&mut self, model: &Model) {
        if !model.swarm.target.swarm() {
            return;
        }
        if let Some(defaults) = self
            .source
            .spec
            .swarm
            .as_ref()
            .and_then(|s| s.defaults.as_ref())
        {
            // Not a stack's: `locate` finds the platform's own `swarm.defaults`.
            self.swarm_settings("", &["swarm", "defaults"], defaults);
        }
        if model.swarm.target == crate::spec::Target::Both {
            for (service, member) in crate::model::swarm::label_members(&model.services) {
                let stack = model
                    .services
                    .iter()
                    .find(|s| s.name == service)
                    .map_or("", |s| s.stack.as_str());
                let p = ["stacks", stack, "backends", service];
                self.push(
                    self.at(stack, &p, Code::SwarmSetting, format!("service `{service}` names `{member}`, a service of Docker labels, which the Swarm provider calls `@swarm`: one dynamic file cannot serve both targets"))
                        .with_help("declare that route in the file provider (`provider: file`), or generate one target"),
                );
            }
        }
        for external in &self.source.spec.traefik.external_middlewares {
            if external.ends_with("@docker") {
                let bare = external.trim_end_matches("@docker");
                self.push(
                    self.source
                        .at(Code::SwarmSetting, &["traefik", "external_middlewares"], format!("middleware `{external}` comes from Docker labels; on Swarm the Swarm provider declares it, as `{bare}@swarm`"))
                        .with_help(format!("define `{bare}` in `traefik.middlewares` (the file provider serves both targets), or write `{bare}@swarm` on a Swarm-only platform")),
                );
            }
        }
        for (name, stack) in &self.resolved.stacks {
            for (service_name, service) in &stack.services {
                self.swarm_service(model, name, stack, service_name, service);
            }
            if let Some(deploy) = &stack.swarm {
                self.swarm_settings(name, &["stacks", name.as_str(), "swarm"], deploy);
            }
            self.swarm_objects(name, stack);
        }
    }

    fn swarm_service(
        &mut self,
        model: &Model,
        stack_name: &str,
        stack: &Stack,
        name: &str,
        service: &Service,
    ) {
        let base = ["stacks", stack_name, "services", name];
        let at = |rest: &[&str]| -> Vec<String> {
            base.iter().chain(rest).map(|s| (*s).to_owned()).collect()
        };
        let refuse = |checker: &mut Self, rest: &[&str], message: String, help: String| {
            let p = at(rest);
            checker.push(
                checker
                    .at(stack_name, &seg(&p), Code::SwarmUnsupported, message)
                    .with_help(help),
            );
        };
        if service.container_name.is_some() {
            refuse(
                self,
                &["container_name"],
                format!(
                    "Swarm names the containers of service `{name}` itself; `container_name` is ignored by `docker stack deploy`"
                ),
                format!(
                    "remove `container_name`: the service is reached as `{name}` in its stack, as `{stack_name}_{name}` from other stacks, and as `{stack_name}-{name}` on its networks (an alias seisei adds)"
                ),
            );
        }
        if service.build.is_some() {
            refuse(
                self,
                &["build"],
                format!("Swarm deploys images and cannot build service `{name}`"),
                "build and push the image first (`docker build -t IMAGE . && docker push IMAGE`), name it in `image` and remove `build`".to_owned(),
            );
        }
        if let Some(restart) = &service.restart {
            let condition = match restart.as_str() {
                "no" => "none",
                r if r.starts_with("on-failure") => "on-failure",
                _ => "any",
            };
            refuse(
                self,
                &["restart"],
                format!(
                    "Swarm ignores `restart: {restart}`; its restart policy is `deploy.restart_policy`"
                ),
                format!(
                    "write `swarm: {{ restart_policy: {{ condition: {condition} }} }}` instead of `restart`"
                ),
            );
        }
        if service.profiles.is_some() {
            refuse(
                self,
                &["profiles"],
                format!("Swarm has no profiles: `docker stack deploy` runs every service of a stack, `{name}` included"),
                "move the service into a stack of its own and deploy that stack only where it is needed".to_owned(),
            );
        }
        if let Some(mode) = &service.network_mode {
            refuse(
                self,
                &["network_mode"],
                format!("Swarm services join networks; `network_mode: {mode}` is ignored"),
                "remove `network_mode` and list `networks`; for the host's ports, publish them with `swarm: { publish_mode: host }`".to_owned(),
            );
        }
        for (key, help) in IGNORED {
            let set = match *key {
                "devices" => service.devices.is_some(),
                "privileged" => service.privileged.is_some(),
                "ipc" => service.ipc.is_some(),
                "pid" => service.pid.is_some(),
                "shm_size" => service.shm_size.is_some(),
                _ => service.security_opt.is_some(),
            };
            if set {
                refuse(
                    self,
                    &[key],
                    format!("`docker stack deploy` ignores `{key}` of service `{name}`"),
                    (*help).to_owned(),
                );
            }
        }
        for (i, dep) in service.depends_on.iter().flatten().enumerate() {
            if let Dependency::Full(detail) = dep
                && (detail.condition.is_some() || detail.restart)
            {
                let index = i.to_string();
                refuse(
                    self,
                    &["depends_on", &index],
                    format!(
                        "Swarm starts every service at once: it cannot make `{name}` wait for `{}` or restart with it",
                        detail.service
                    ),
                    format!(
                        "write the dependency as the plain name `{}` and let `{name}` retry until it answers; a `healthcheck` on `{}` keeps its tasks out of the load balancer until they are healthy",
                        detail.service, detail.service
                    ),
                );
            }
        }
        for (i, port) in service.ports.iter().flatten().enumerate() {
            if port.publish && port.host_ip.is_some() {
                let index = i.to_string();
                refuse(
                    self,
                    &["ports", &index, "host_ip"],
                    format!("Swarm publishes port {} on every address of every node; `host_ip` is ignored", port.host.unwrap_or(port.container)),
                    "remove `host_ip`; to keep the port private, do not publish it (services on a shared network reach it) or firewall it on the nodes".to_owned(),
                );
            }
        }
        for (i, mount) in service.mounts.iter().flatten().enumerate() {
            if let Some(bind) = &mount.bind
                && !bind.starts_with('/')
            {
                let index = i.to_string();
                refuse(
                    self,
                    &["mounts", &index, "bind"],
                    format!("bind mount `{bind}` is relative: `docker stack deploy` resolves it on the machine it runs on, and the task finds it only on a node that has the same path"),
                    "use an absolute path that exists on the nodes the service is placed on (pin it with `swarm.placement`), or a named volume".to_owned(),
                );
            }
        }
        for key in service.compose.keys() {
            let problem = if key == "deploy" {
                Some((
                    format!("escape-hatch key `deploy` of service `{name}` collides with the `deploy` seisei writes for Swarm"),
                    "move these settings to the service's `swarm:` (and `resources`), which seisei writes as `deploy`".to_owned(),
                ))
            } else if LOADER_REFUSES.contains(&key.as_str()) {
                Some((
                    format!(
                        "the Swarm loader refuses escape-hatch key `{key}` of service `{name}` (`docker stack config`)"
                    ),
                    "drop it, or keep this service on Compose".to_owned(),
                ))
            } else if DEPLOY_IGNORES.contains(&key.as_str()) {
                Some((
                    format!(
                        "`docker stack deploy` ignores escape-hatch key `{key}` of service `{name}`"
                    ),
                    "drop it, or keep this service on Compose".to_owned(),
                ))
            } else {
                None
            };
            if let Some((message, help)) = problem {
                refuse(self, &["compose", key], message, help);
            }
        }
        let Some(deploy) = model.swarm.deploy(stack_name, name) else {
            return;
        };
        if let Some(settings) = &service.swarm {
            self.swarm_settings(
                stack_name,
                &[base.as_slice(), &["swarm"]].concat(),
                settings,
            );
        }
        let published: Vec<u16> = service
            .ports
            .iter()
            .flatten()
            .filter(|p| p.publish)
            .map(|p| p.host.unwrap_or(p.container))
            .collect();
        if let Some(&port) = published.first() {
            let many_per_node =
                !deploy.global && deploy.replicas > 1 && deploy.max_replicas_per_node != Some(1);
            if deploy.publish_mode == PublishMode::Host && many_per_node {
                let p = at(&["swarm"]);
                self.push(
                    self.at(stack_name, &seg(&p), Code::SwarmSetting, format!("service `{name}` publishes port {port} in host mode with {} replicas: two of them on one node cannot both bind it", deploy.replicas))
                        .with_help("run it with `mode: global`, or set `placement: { max_replicas_per_node: 1 }`, or publish through the routing mesh with `publish_mode: ingress`"),
                );
            }
            if deploy.endpoint_mode == Some(EndpointMode::Dnsrr)
                && deploy.publish_mode == PublishMode::Ingress
            {
                let p = at(&["swarm", "endpoint_mode"]);
                self.push(
                    self.at(stack_name, &seg(&p), Code::SwarmSetting, format!("service `{name}` publishes port {port} through the routing mesh, which needs a virtual IP; Swarm refuses it with `endpoint_mode: dnsrr`"))
                        .with_help("publish with `publish_mode: host`, or use `endpoint_mode: vip`"),
                );
            }
        }
        if deploy.lb_swarm && deploy.endpoint_mode == Some(EndpointMode::Dnsrr) {
            let p = at(&["swarm", "lb_swarm"]);
            self.push(
                self.at(stack_name, &seg(&p), Code::SwarmSetting, format!("`lb_swarm` sends Traefik to the virtual IP of service `{name}`, which has none with `endpoint_mode: dnsrr`"))
                    .with_help("use `endpoint_mode: vip`, or remove `lb_swarm` and let Traefik balance over the tasks"),
            );
        }
        let is_proxy = stack_name == self.source.spec.traefik.stack
            && name == self.source.spec.traefik.service;
        let off_managers = deploy.constraints.iter().any(|c| {
            let c: String = c.chars().filter(|c| !c.is_whitespace()).collect();
            c == "node.role==worker" || c == "node.role!=manager"
        });
        if is_proxy && model.swarm.on_socket() && off_managers {
            let p = at(&["swarm", "placement", "constraints"]);
            self.push(
                self.at(stack_name, &seg(&p), Code::SwarmSetting, format!("Traefik's Swarm provider reads the socket of its node, and only a manager's socket lists the services; `{name}` is kept off the managers"))
                    .with_help("place Traefik with `node.role == manager`, or point `swarm.endpoint` at a socket proxy on a manager (`tcp://socket-proxy:2375`)"),
            );
        }
        let pinned = deploy.constraints.iter().any(|c| {
            c.contains("node.hostname") || c.contains("node.id") || c.contains("node.labels")
        });
        for (i, mount) in service.mounts.iter().flatten().enumerate() {
            let Some(volume) = &mount.volume else {
                continue;
            };
            let local = stack.volumes.get(volume).is_some_and(|v| {
                !v.external
                    && v.driver.as_deref().is_none_or(|d| d == "local")
                    && !v.driver_opts.contains_key("type")
            });
            if local && (!pinned || deploy.global) {
                let index = i.to_string();
                let p = at(&["mounts", &index, "volume"]);
                self.push(
                    self.at(stack_name, &seg(&p), Code::SwarmLocalVolume, format!("volume `{volume}` lives on the disk of one node; Swarm may start `{name}` on another, with an empty volume"))
                        .with_help(format!("pin the service to the node that holds the data: `swarm: {{ placement: {{ constraints: [node.hostname == NODE] }} }}`, or give `{volume}` a driver every node reaches (NFS)")),
                );
            }
        }
    }

    /// Settings that contradict each other, wherever they are written.
    fn swarm_settings(&mut self, stack: &str, at: &[&str], settings: &SwarmDeploy) {
        let path = |rest: &[&str]| -> Vec<String> {
            at.iter().chain(rest).map(|s| (*s).to_owned()).collect()
        };
        if settings.mode == Some(crate::spec::SwarmMode::Global) && settings.replicas.is_some() {
            let p = path(&["replicas"]);
            self.push(
                self.at(stack, &seg(&p), Code::SwarmSetting, "a global service runs one task per node; `replicas` applies to replicated services only".to_owned())
                    .with_help("remove `replicas`, or use `mode: replicated`"),
            );
        }
        let placement = settings.placement.clone().unwrap_or_default();
        for (i, constraint) in placement.constraints.iter().enumerate() {
            if let Some(problem) = constraint_problem(constraint) {
                let index = i.to_string();
                let p = path(&["placement", "constraints", &index]);
                self.push(
                    self.at(stack, &seg(&p), Code::SwarmSetting, format!("placement constraint `{constraint}` {problem}"))
                        .with_help("write `ATTRIBUTE == VALUE` or `ATTRIBUTE != VALUE` with `node.id`, `node.hostname`, `node.role` (`manager` or `worker`), `node.platform.os`, `node.platform.arch`, `node.labels.NAME` or `engine.labels.NAME`"),
                );
            }
        }
        let mut durations: Vec<(Vec<String>, &String)> = Vec::new();
        if let Some(policy) = &settings.restart_policy {
            for (key, value) in [("delay", &policy.delay), ("window", &policy.window)] {
                if let Some(value) = value {
                    durations.push((path(&["restart_policy", key]), value));
                }
            }
        }
        for (section, config) in [
            ("update_config", &settings.update_config),
            ("rollback_config", &settings.rollback_config),
        ] {
            if let Some(config) = config {
                for (key, value) in [("delay", &config.delay), ("monitor", &config.monitor)] {
                    if let Some(value) = value {
                        durations.push((path(&[section, key]), value));
                    }
                }
            }
        }
        for (p, value) in durations {
            if !is_go_duration(value) {
                self.push(
                    self.at(stack, &seg(&p), Code::SwarmSetting, format!("`{value}` is not a duration Swarm reads"))
                        .with_help("write a Go duration: a number and a unit (`ns`, `us`, `ms`, `s`, `m`, `h`), e.g. `10s`, `1m30s`"),
                );
            }
        }
        for (key, config) in [
            ("update_config", settings.update_config.as_ref()),
            ("rollback_config", settings.rollback_config.as_ref()),
        ] {
            let Some(config) = config else { continue };
            if let Some(ratio) = config.max_failure_ratio
                && !(0.0..=1.0).contains(&ratio)
            {
                let p = path(&[key, "max_failure_ratio"]);
                self.push(
                    self.at(
                        stack,
                        &seg(&p),
                        Code::SwarmSetting,
                        format!(
                            "`max_failure_ratio` is a share of the tasks, from 0 to 1; got {ratio}"
                        ),
                    )
                    .with_help("write e.g. `0.1` for one task in ten"),
                );
            }
            if key == "rollback_config"
                && config.failure_action == Some(crate::spec::FailureAction::Rollback)
            {
                let p = path(&[key, "failure_action"]);
                self.push(
                    self.at(
                        stack,
                        &seg(&p),
                        Code::SwarmSetting,
                        "a rollback cannot itself roll back".to_owned(),
                    )
                    .with_help("use `failure_action: pause` or `continue`"),
                );
            }
        }
    }
}

/// What is wrong with a placement constraint, as Swarm's scheduler parses them
/// (`ATTRIBUTE ==|!= VALUE`, `swarmkit/manager/constraint`).
fn constraint_problem(constraint: &str) -> Option<String> {
    let (attribute, value) = match (constraint.split_once("=="), constraint.split_once("!=")) {
        (Some((a, v)), None) | (None, Some((a, v))) => (a.trim(), v.trim()),
        _ => return Some("needs exactly one `==` or `!=`".to_owned()),
    };
    if value.is_empty() {
        return Some("has no value".to_owned());
    }
    let known = [
        "node.id",
        "node.hostname",
        "node.role",
        "node.platform.os",
        "node.platform.arch",
    ];
    let labelled = ["node.labels.", "engine.labels."].iter().any(|p| {
        attribute
            .strip_prefix(p)
            .is_some_and(|rest| !rest.is_empty())
    });
    if !known.contains(&attribute) && !labelled {
        return Some(format!("names `{attribute}`, which is no node attribute"));
    }
    if attribute == "node.role" && !["manager", "worker"].contains(&value) {
        return Some(format!(
            "compares `node.role` with `{value}`; a node is a `manager` or a `worker`"
        ));
    }
    None
}

/// A Go duration as `time.ParseDuration` reads it, without a sign: `10s`, `1m30s`, `1.5h`.
fn is_go_duration(text: &str) -> bool {
    if text == "0" {
        return true;
    }
    if text.is_empty() {
        return false;
    }
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if digits == 0 || number.matches('.').count() > 1 || number == "." {
            return false;
        }
        rest = &rest[digits..];
        // Longer units first, so `ms` is not read as `m`.
        let unit = ["ns", "us", "\u{b5}s", "ms", "s", "m", "h"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        let Some(unit) = unit else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{constraint_problem, is_go_duration};

    #[test]
    fn durations_are_read_as_go_reads_them() {
        for ok in ["0", "10s", "1m30s", "1.5h", "500ms", "2m", "3\u{b5}s"] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "10", "s", "1.2.3s", "ten seconds", "10 s", "-5s"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }

    #[test]
    fn constraints_are_read_as_the_scheduler_reads_them() {
        assert!(constraint_problem("node.role == manager").is_none());
        assert!(constraint_problem("node.labels.zone != b").is_none());
        assert!(constraint_problem("engine.labels.gpu==true").is_none());
        assert!(constraint_problem("node.role == leader").is_some());
        assert!(constraint_problem("node.name == db-1").is_some());
        assert!(constraint_problem("node.hostname = db-1").is_some());
        assert!(constraint_problem("node.labels. == x").is_some());
        assert!(constraint_problem("node.hostname ==").is_some());
    }
}
