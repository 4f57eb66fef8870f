//! Checks across fields that Compose accepts but that do not do what the spec says: a port
//! published by a service that is only on `internal` networks (Docker publishes nothing),
//! and a bind mount whose source is a file or folder seisei generates (every `gen` would
//! overwrite it, or the container would write into seisei's output).

use super::{Checker, Model, seg};
use crate::diagnostics::Code;

impl Checker<'_> {
    pub(super) fn cross_checks(&mut self, model: &Model) {
        let internal = |name: &str| model.networks.iter().any(|n| n.name == name && n.internal);
        // Every file seisei writes for a stack, relative to the output directory.
        let mut generated: Vec<String> = Vec::new();
        for stack in &model.stacks {
            generated.push(stack.compose_path());
            generated.push(stack.env_path());
        }
        generated.push(model.inventory.clone());
        if let Some(edge) = model.stacks.iter().find(|s| s.name == model.traefik.stack) {
            generated.push(format!("{}/traefik.yml", edge.dir));
            generated.push(format!("{}/dynamic", edge.dir));
        }
        for stack in &model.stacks {
            let Some(spec_stack) = self.resolved.stacks.get(&stack.name) else {
                continue;
            };
            for service in &stack.services {
                let base = [
                    "stacks",
                    stack.name.as_str(),
                    "services",
                    service.name.as_str(),
                ];
                if !service.published_ports().is_empty()
                    && !service.networks.is_empty()
                    && service.networks.iter().all(|n| internal(n))
                {
                    let p: Vec<String> = base
                        .iter()
                        .map(|s| (*s).to_owned())
                        .chain(["ports".to_owned()])
                        .collect();
                    let owner = self.owner(&stack.name, &seg(&p));
                    self.push(
                        self.source
                            .at_key(Code::InvalidShape, &seg(&owner), format!("service `{}` publishes ports but is only on internal networks ({}), so Docker publishes nothing", service.name, service.networks.join(", ")))
                            .with_help("put the service on a network that is not `internal` as well, or drop `publish: true`"),
                    );
                }
                let Some(spec_service) = spec_stack.services.get(&service.name) else {
                    continue;
                };
                for (i, mount) in spec_service.mounts.iter().flatten().enumerate() {
                    let Some(bind) = &mount.bind else { continue };
                    if bind.starts_with('/') || bind.starts_with('~') {
                        continue;
                    }
                    let Some(resolved) = resolve(&stack.dir, bind) else {
                        continue;
                    };
                    let hit = generated.iter().find(|g| {
                        resolved == **g
                            || g.starts_with(&format!("{resolved}/"))
                            || resolved.starts_with(&format!("{g}/"))
                    });
                    if let Some(hit) = hit {
                        let p: Vec<String> = base
                            .iter()
                            .map(|s| (*s).to_owned())
                            .chain(["mounts".to_owned(), i.to_string(), "bind".to_owned()])
                            .collect();
                        self.push(
                            self.at(&stack.name, &seg(&p), Code::OutputPath, format!("bind mount `{bind}` is `{}` in the output directory, which holds `{hit}` that seisei generates", if resolved.is_empty() { "." } else { &resolved }))
                                .with_help("bind a folder of its own beside the generated files (`./config`), or an absolute host path"),
                        );
                    }
                }
            }
        }
    }
}

/// `bind` relative to the stack folder `dir`, as a path inside the output directory; `None`
/// when it climbs out of it.
fn resolve(dir: &str, bind: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in bind.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn binds_resolve_inside_the_output() {
        assert_eq!(
            super::resolve("infra/stacks/a", "./config").as_deref(),
            Some("infra/stacks/a/config")
        );
        assert_eq!(
            super::resolve("infra/stacks/a", "../b/docker-compose.yml").as_deref(),
            Some("infra/stacks/b/docker-compose.yml")
        );
        assert_eq!(super::resolve("a", "../../x"), None);
    }
}
