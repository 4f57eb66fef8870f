//! The escape hatch, checked: each key left in a service's `compose:` must be a key of the
//! Compose specification's service model (compose-go's, which the real Compose loads), with
//! a value of a kind that key takes; `x-` extension keys pass. References inside it to other
//! services (`links`, `volumes_from`) are resolved here, and to the stack's secrets and
//! configs (`secrets`, `configs`) in `compose_objects.rs`.

use super::{Checker, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::spec::Stack;

/// Compose service keys with the kinds of value each takes: `S` string, `N` number,
/// `B` boolean, `L` sequence, `M` mapping. From compose-go's schema (v2.13.0); a string is
/// accepted wherever Compose interpolates one into another type.
const SERVICE_KEYS: &[(&str, &str)] = &[
    ("annotations", "LM"),
    ("attach", "BS"),
    ("blkio_config", "M"),
    ("build", "MS"),
    ("cap_add", "L"),
    ("cap_drop", "L"),
    ("cgroup", "S"),
    ("cgroup_parent", "S"),
    ("command", "LS"),
    ("configs", "L"),
    ("container_name", "S"),
    ("cpu_count", "NS"),
    ("cpu_percent", "NS"),
    ("cpu_period", "NS"),
    ("cpu_quota", "NS"),
    ("cpu_rt_period", "NS"),
    ("cpu_rt_runtime", "NS"),
    ("cpu_shares", "NS"),
    ("cpus", "NS"),
    ("cpuset", "S"),
    ("credential_spec", "M"),
    ("depends_on", "LM"),
    ("deploy", "M"),
    ("develop", "M"),
    ("device_cgroup_rules", "L"),
    ("devices", "L"),
    ("dns", "LS"),
    ("dns_opt", "L"),
    ("dns_search", "LS"),
    ("domainname", "S"),
    ("entrypoint", "LS"),
    ("env_file", "LS"),
    ("environment", "LM"),
    ("expose", "L"),
    ("extends", "MS"),
    ("external_links", "L"),
    ("extra_hosts", "LM"),
    ("gpus", "LS"),
    ("group_add", "L"),
    ("healthcheck", "M"),
    ("hostname", "S"),
    ("image", "S"),
    ("init", "BS"),
    ("ipc", "S"),
    ("isolation", "S"),
    ("label_file", "LS"),
    ("labels", "LM"),
    ("links", "L"),
    ("logging", "M"),
    ("mac_address", "S"),
    ("mem_limit", "NS"),
    ("mem_reservation", "NS"),
    ("mem_swappiness", "NS"),
    ("memswap_limit", "NS"),
    ("models", "LM"),
    ("network_mode", "S"),
    ("networks", "LM"),
    ("oom_kill_disable", "BS"),
    ("oom_score_adj", "NS"),
    ("pid", "S"),
    ("pids_limit", "NS"),
    ("platform", "S"),
    ("ports", "L"),
    ("post_start", "L"),
    ("pre_start", "L"),
    ("pre_stop", "L"),
    ("privileged", "BS"),
    ("profiles", "L"),
    ("provider", "M"),
    ("pull_policy", "S"),
    ("pull_refresh_after", "S"),
    ("read_only", "BS"),
    ("restart", "S"),
    ("runtime", "S"),
    ("scale", "NS"),
    ("secrets", "L"),
    ("security_opt", "L"),
    ("shm_size", "NS"),
    ("stdin_open", "BS"),
    ("stop_grace_period", "S"),
    ("stop_signal", "S"),
    ("storage_opt", "M"),
    ("sysctls", "LM"),
    ("tmpfs", "LS"),
    ("tty", "BS"),
    ("ulimits", "M"),
    ("use_api_socket", "B"),
    ("user", "S"),
    ("userns_mode", "S"),
    ("uts", "S"),
    ("volumes", "L"),
    ("volumes_from", "L"),
    ("working_dir", "S"),
];

/// Whether `key` is a key of Compose's service model, as the escape hatch accepts it
/// (`x-` extension keys included): `seisei import` asks before it moves a key there.
pub fn is_service_key(key: &str) -> bool {
    key.starts_with("x-") || SERVICE_KEYS.iter().any(|(k, _)| *k == key)
}

impl Checker<'_> {
    pub(super) fn escape_hatch(&mut self, name: &str, stack: &Stack) {
        for (service_name, service) in &stack.services {
            for (key, value) in &service.compose {
                let path = [
                    "stacks",
                    name,
                    "services",
                    service_name.as_str(),
                    "compose",
                    key.as_str(),
                ];
                // Where the key is written is found only to report it (`self.owner` below): a
                // position costs a second parse of the spec (spec/tree.rs).
                if key.starts_with("x-") {
                    continue;
                }
                let Some((_, kinds)) = SERVICE_KEYS.iter().find(|(k, _)| k == key) else {
                    self.push(
                        self.source
                            .at_key(Code::InvalidShape, &seg(&self.owner(name, &path)), format!("`compose.{key}` is not a key of a Compose service"))
                            .with_help(did_you_mean(key, SERVICE_KEYS.iter().map(|(k, _)| *k)).unwrap_or_else(|| "see the Compose specification's service keys, or use an `x-` key for an extension".into())),
                    );
                    continue;
                };
                let kind = match value {
                    serde_yaml::Value::String(_) => 'S',
                    serde_yaml::Value::Number(_) => 'N',
                    serde_yaml::Value::Bool(_) => 'B',
                    serde_yaml::Value::Sequence(_) => 'L',
                    serde_yaml::Value::Mapping(_) => 'M',
                    _ => '?',
                };
                if !kinds.contains(kind) {
                    self.push(
                        self.source
                            .at(
                                Code::InvalidShape,
                                &seg(&self.owner(name, &path)),
                                format!(
                                    "`compose.{key}` takes {}, not {}",
                                    describe(kinds),
                                    describe(&kind.to_string())
                                ),
                            )
                            .with_help("write the value as the Compose specification gives it"),
                    );
                    continue;
                }
                match key.as_str() {
                    // `secrets` and `configs` are resolved with the typed grants
                    // (`compose_objects.rs`).
                    "links" | "volumes_from" => {
                        for item in super::stack::strings_in(value) {
                            let target = item.split(':').next().unwrap_or_default();
                            let target = target.strip_prefix("service:").unwrap_or(target);
                            if key == "volumes_from" && item.starts_with("container:") {
                                continue;
                            }
                            if !stack.services.contains_key(target) || target == service_name {
                                self.push(
                                    self.source
                                        .at(Code::UnknownService, &seg(&self.owner(name, &path)), format!("`compose.{key}` names `{target}`, which is not another service of stack `{name}`"))
                                        .with_help(did_you_mean(target, stack.services.keys().map(String::as_str)).unwrap_or_else(|| "name a service of the same stack".into())),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn describe(kinds: &str) -> String {
    kinds
        .chars()
        .map(|k| match k {
            'S' => "a string",
            'N' => "a number",
            'B' => "a boolean",
            'L' => "a list",
            'M' => "a mapping",
            _ => "null",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}
