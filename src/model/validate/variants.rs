//! A stack's variants: a name that makes a file name, services of the stack, declared
//! variables in every interpolated value, and mounts of declared volumes.

use super::variables::variables_in;
use super::{Checker, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::spec::Stack;

impl Checker<'_> {
    pub(super) fn variants(&mut self, name: &str, stack: &Stack) {
        for (variant, v) in &stack.variants {
            let path = ["stacks", name, "variants", variant.as_str()];
            let valid = !variant.is_empty()
                && variant
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !variant.starts_with('-');
            if !valid {
                self.push(
                    self.source
                        .at_key(Code::InvalidName, &seg(&self.owner(name, &path)), format!("variant `{variant}` cannot name a file `docker-compose.{variant}.yml`"))
                        .with_help("use lowercase letters, digits and `-`, such as `bind` or `debug`"),
                );
            }
            for (service, s) in &v.services {
                let at = |rest: &[&str]| -> Vec<String> {
                    path.iter()
                        .copied()
                        .chain(["services", service.as_str()])
                        .chain(rest.iter().copied())
                        .map(str::to_owned)
                        .collect()
                };
                if !stack.services.contains_key(service) {
                    let p = at(&[]);
                    self.push(
                        self.source
                            .at_key(Code::UnknownService, &seg(&self.owner(name, &seg(&p))), format!("variant `{variant}` changes `{service}`, which is not a service of stack `{name}`"))
                            .with_help(did_you_mean(service, stack.services.keys().map(String::as_str)).unwrap_or_else(|| "name a service of the stack".into())),
                    );
                    continue;
                }
                let mut texts: Vec<(Vec<String>, &String)> = Vec::new();
                if let Some(image) = &s.image {
                    texts.push((at(&["image"]), image));
                }
                for (i, c) in s.command.iter().flatten().enumerate() {
                    texts.push((at(&["command", &i.to_string()]), c));
                }
                for (k, value) in &s.environment {
                    texts.push((at(&["environment", k]), value));
                }
                for (k, value) in &s.labels {
                    texts.push((at(&["labels", k]), value));
                    if k.starts_with("traefik.") {
                        let p = at(&["labels", k]);
                        self.push(
                            self.source
                                .at_key(
                                    Code::TraefikLabel,
                                    &seg(&p),
                                    format!(
                                        "label `{k}` is in Traefik's namespace, which routes own"
                                    ),
                                )
                                .with_help("set it through the service's `routes`"),
                        );
                    }
                }
                for (p, text) in texts {
                    match variables_in(text) {
                        Ok(vars) => {
                            let unknown: Vec<String> = vars
                                .into_iter()
                                .filter(|v| !self.declared(stack, v))
                                .collect();
                            for var in unknown {
                                self.push(
                                    self.at(name, &seg(&p), Code::UnknownVariable, format!("`${{{var}}}` refers to a variable not declared in stack `{name}`"))
                                        .with_help(format!("declare `{var}` under `stacks.{name}.env` (or the platform's `env`), or write `$$` for a literal `$`")),
                                );
                            }
                        }
                        Err(problem) => self.push(
                            self.at(name, &seg(&p), Code::UnknownVariable, problem)
                                .with_help("write `$$` for a literal `$`"),
                        ),
                    }
                }
                for (i, m) in s.mounts.iter().enumerate() {
                    let sources = usize::from(m.volume.is_some())
                        + usize::from(m.bind.is_some())
                        + usize::from(m.tmpfs.is_some());
                    let p = at(&["mounts", &i.to_string()]);
                    if sources != 1 {
                        self.push(
                            self.at(name, &seg(&p), Code::InvalidShape, "a mount needs exactly one of `volume`, `bind` and `tmpfs`".into())
                                .with_help("use `volume:` for a named volume, `bind:` for a host path or `tmpfs: {}` for an in-memory file system"),
                        );
                    }
                    if let Some(volume) = &m.volume
                        && !stack.volumes.contains_key(volume)
                        && !self.source.spec.volumes.contains_key(volume)
                    {
                        let p = at(&["mounts", &i.to_string(), "volume"]);
                        self.push(
                            self.at(
                                name,
                                &seg(&p),
                                Code::UnknownVolume,
                                format!("unknown volume `{volume}`"),
                            )
                            .with_help(
                                did_you_mean(volume, stack.volumes.keys().map(String::as_str))
                                    .unwrap_or_else(|| {
                                        format!("declare it under `stacks.{name}.volumes`")
                                    }),
                            ),
                        );
                    }
                }
            }
        }
    }
}
