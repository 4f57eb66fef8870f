//! Networks several stacks join: an owner must be a stack that joins the network (else no
//! stack creates it), and Traefik's network, when neither external nor owned, would be split
//! into one private `<stack>_<name>` per stack, so Traefik would reach none of the others;
//! and volumes whose driver would be ignored because they are external.

use super::{Checker, Model};
use crate::diagnostics::{Code, did_you_mean};

impl Checker<'_> {
    pub(super) fn shared_networks(&mut self, model: &Model) {
        let spec = &self.source.spec;
        for network in &model.networks {
            let path = ["networks", network.name.as_str()];
            if let Some(owner) = &network.owner {
                let at = ["networks", network.name.as_str(), "owner"];
                if network.external {
                    self.push(
                        self.source
                            .at(Code::InvalidShape, &at, format!("network `{}` is `external` and has an `owner`; it is created either outside Compose or by its owner", network.name))
                            .with_help("drop `owner` (create it with `docker network create`), or drop `external: true`"),
                    );
                } else if !spec.stacks.contains_key(owner) {
                    self.push(
                        self.source
                            .at(
                                Code::UnknownStack,
                                &at,
                                format!(
                                    "network `{}` is owned by unknown stack `{owner}`",
                                    network.name
                                ),
                            )
                            .with_help(
                                did_you_mean(owner, spec.stacks.keys().map(String::as_str))
                                    .unwrap_or_else(|| "name a stack under `stacks`".into()),
                            ),
                    );
                } else if !network.stacks.contains(owner) {
                    self.push(
                        self.source
                            .at(Code::InvalidShape, &at, format!("network `{}` is owned by stack `{owner}`, but no service of `{owner}` joins it, so no stack creates it", network.name))
                            .with_help(format!("add `{}` to the networks of a service of `{owner}`, or name the stack that does", network.name)),
                    );
                }
                continue;
            }
            if !network.external && network.name == spec.traefik.network && network.stacks.len() > 1
            {
                self.push(
                    self.source
                        .at_key(Code::SplitNetwork, &path, format!("Traefik's network `{}` is joined by {} stacks ({}) but is neither external nor owned, so Compose creates one private `<stack>_{}` per stack and Traefik reaches only its own", network.name, network.stacks.len(), network.stacks.join(", "), network.name))
                        .with_help(format!("set `owner: {}` (that stack creates it; the others use it as external) or `external: true` (create it with `docker network create {}`)", spec.traefik.stack, network.name)),
                );
            }
        }
    }
}

impl Checker<'_> {
    /// An external volume is created elsewhere: a driver of its own would be ignored.
    pub(super) fn volume_drivers(&mut self, name: &str, stack: &crate::spec::Stack) {
        for (volume, v) in &stack.volumes {
            if v.external && (v.driver.is_some() || !v.driver_opts.is_empty()) {
                let field = if v.driver.is_some() {
                    "driver"
                } else {
                    "driver_opts"
                };
                let p = ["stacks", name, "volumes", volume.as_str(), field];
                self.push(
                    self.at(
                        name,
                        &p,
                        Code::InvalidShape,
                        format!("volume `{volume}` is external, so its `{field}` would be ignored"),
                    )
                    .with_help(
                        "set the driver where the volume is created, or drop `external: true`",
                    ),
                );
            }
        }
    }
}
