//! A stack's Compose secrets and configs on the Swarm target: `docker stack deploy` creates a
//! Swarm object from a file it reads where it runs, or uses one created beforehand
//! (`external`); a value from a variable or inline text has no Swarm form (the loader refuses
//! `environment` and `content`), so those are refused with the command that creates the
//! object instead. On the Traefik stack, a config may not take the name of one seisei writes
//! for Traefik's own files.

use super::Checker;
use crate::diagnostics::Code;
use crate::spec::Stack;

/// Whether `key` is a config key the Traefik stack's file gives Traefik's own files
/// (`render/swarm.rs`): `traefik_static`, and `dynamic_` followed by a dynamic file's stem.
fn traefik_config_key(key: &str) -> bool {
    key == "traefik_static" || key.starts_with("dynamic_")
}

impl Checker<'_> {
    pub(super) fn swarm_objects(&mut self, name: &str, stack: &Stack) {
        for (key, secret) in &stack.secrets {
            let real = secret
                .name
                .clone()
                .unwrap_or_else(|| format!("{name}_{key}"));
            if let Some(var) = &secret.environment {
                let p = ["stacks", name, "secrets", key.as_str(), "environment"];
                self.push(
                    self.at(name, &p, Code::SwarmUnsupported, format!("Swarm cannot create secret `{key}` from variable `{var}`: `docker stack deploy` makes secrets only from files, or takes ones created beforehand"))
                        .with_help(format!("create it once on a manager, `printf '%s' \"${var}\" | docker secret create {real} -`, then declare it `external: true` with `name: {real}` instead of `environment`")),
                );
            }
        }
        let is_proxy = name == self.source.spec.traefik.stack;
        for (key, config) in &stack.configs {
            let real = config
                .name
                .clone()
                .unwrap_or_else(|| format!("{name}_{key}"));
            let unsupported = [
                (
                    "environment",
                    config
                        .environment
                        .as_ref()
                        .map(|v| format!("variable `{v}`")),
                ),
                (
                    "content",
                    config
                        .content
                        .as_ref()
                        .map(|_| "inline `content`".to_owned()),
                ),
            ];
            for (field, from) in unsupported {
                let Some(from) = from else { continue };
                let p = ["stacks", name, "configs", key.as_str(), field];
                self.push(
                    self.at(name, &p, Code::SwarmUnsupported, format!("Swarm cannot create config `{key}` from {from}: `docker stack deploy` makes configs only from files, or takes ones created beforehand"))
                        .with_help(format!("put the text in a file beside the stack and name it in `file` (`./config/{key}`), or create it once on a manager with `docker config create {real} FILE` and declare it `external: true` with `name: {real}`")),
                );
            }
            if is_proxy && traefik_config_key(key) {
                let p = ["stacks", name, "configs", key.as_str()];
                self.push(
                    self.at(name, &p, Code::SwarmSetting, format!("config `{key}` of the Traefik stack takes a name seisei gives Traefik's own files in `stack.yml` (`traefik_static`, `dynamic_*`)"))
                        .with_help(format!("rename the config, e.g. `app_{key}`, and its grants")),
                );
            }
        }
    }
}
