//! A stack's secrets and configs: each has one source (a file, a declared variable, inline
//! content for configs, or external); each grant names a declared one (a dangling name is an
//! error pointing at the grant and at the stack's declarations), with an absolute target, a
//! numeric owner and an octal mode; the escape hatch's `secrets`/`configs` resolve the same way.

use std::collections::BTreeSet;

use super::variables::variables_in;
use super::{Checker, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::model::compose_objects::{Kind, grants_of, target};
use crate::spec::{Grant, Stack};

impl Checker<'_> {
    pub(super) fn compose_objects(&mut self, name: &str, stack: &Stack) {
        for (key, s) in &stack.secrets {
            let sources = [
                ("file", s.file.is_some()),
                ("environment", s.environment.is_some()),
                ("external", s.external),
            ];
            self.object(
                name,
                stack,
                Kind::Secret,
                key,
                &sources,
                s.environment.as_ref(),
            );
        }
        for (key, c) in &stack.configs {
            let sources = [
                ("file", c.file.is_some()),
                ("environment", c.environment.is_some()),
                ("content", c.content.is_some()),
                ("external", c.external),
            ];
            self.object(
                name,
                stack,
                Kind::Config,
                key,
                &sources,
                c.environment.as_ref(),
            );
        }
        // `file` and `content` are interpolated by Compose: their variables must be declared.
        let texts = stack
            .secrets
            .iter()
            .filter_map(|(k, s)| Some((Kind::Secret, k, "file", s.file.as_ref()?)))
            .chain(stack.configs.iter().flat_map(|(k, c)| {
                [("file", c.file.as_ref()), ("content", c.content.as_ref())]
                    .into_iter()
                    .filter_map(move |(f, t)| Some((Kind::Config, k, f, t?)))
            }));
        let mut problems = Vec::new();
        for (kind, key, field, text) in texts {
            let path = ["stacks", name, kind.key(), key.as_str(), field];
            match variables_in(text) {
                Ok(vars) => {
                    for var in vars.into_iter().filter(|v| !self.declared(stack, v)) {
                        problems.push(
                            self.at(name, &path, Code::UnknownVariable, format!("`${{{var}}}` refers to a variable not declared in stack `{name}`"))
                                .with_help(format!("declare `{var}` under `stacks.{name}.env` (or the platform's `env`), or write `$$` for a literal `$`")),
                        );
                    }
                }
                Err(problem) => problems.push(
                    self.at(name, &path, Code::UnknownVariable, problem)
                        .with_help("write `$$` for a literal `$`"),
                ),
            }
        }
        for problem in problems {
            self.push(problem);
        }
        for (service_name, service) in &stack.services {
            for kind in [Kind::Secret, Kind::Config] {
                let mut targets = BTreeSet::new();
                for (i, grant) in grants_of(service, kind).iter().enumerate() {
                    let index = i.to_string();
                    let path = [
                        "stacks",
                        name,
                        "services",
                        service_name.as_str(),
                        kind.key(),
                        index.as_str(),
                    ];
                    match grant {
                        Grant::Name(source) => self.reference(name, stack, kind, &path, source),
                        Grant::Full(detail) => {
                            let mut at_source = path.to_vec();
                            at_source.push("source");
                            self.reference(name, stack, kind, &at_source, &detail.source);
                        }
                    }
                    let at_field = |field: &'static str| -> Vec<String> {
                        let mut p: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
                        p.push(field.to_owned());
                        p
                    };
                    if let Grant::Full(detail) = grant {
                        self.grant_detail(name, &at_field, detail);
                    }
                    let target = target(grant, kind);
                    if !targets.insert(target.clone()) {
                        self.push(
                            self.at(
                                name,
                                &path,
                                Code::InvalidShape,
                                format!(
                                    "service `{service_name}` is granted two {} at `{target}`",
                                    kind.key()
                                ),
                            )
                            .with_help("give one of them another `target`"),
                        );
                    }
                }
            }
            // What the escape hatch grants must be declared too.
            for kind in [Kind::Secret, Kind::Config] {
                let Some(value) = service.compose.get(kind.key()) else {
                    continue;
                };
                let path = [
                    "stacks",
                    name,
                    "services",
                    service_name.as_str(),
                    "compose",
                    kind.key(),
                ];
                for item in value.as_sequence().into_iter().flatten() {
                    let source = match item {
                        serde_yaml::Value::String(s) => Some(s.as_str()),
                        serde_yaml::Value::Mapping(m) => m.get("source").and_then(|s| s.as_str()),
                        _ => None,
                    };
                    match source {
                        Some(source) => self.reference(name, stack, kind, &path, source),
                        None => self.push(
                            self.at(name, &path, Code::InvalidShape, format!("an entry of `compose.{}` names no `source`", kind.key()))
                                .with_help("write the name of a declared one, or `{ source: NAME, target: /path }`"),
                        ),
                    }
                }
            }
        }
    }

    /// One declaration: exactly one source; an `environment` source is a declared variable.
    fn object(
        &mut self,
        name: &str,
        stack: &Stack,
        kind: Kind,
        key: &str,
        sources: &[(&str, bool)],
        environment: Option<&String>,
    ) {
        let path = ["stacks", name, kind.key(), key];
        if !is_object_name(key) {
            self.push(
                self.source
                    .at_key(
                        Code::InvalidName,
                        &seg(&self.owner(name, &path)),
                        format!(
                            "`{key}` is not a name Compose accepts for one of its {}",
                            kind.key()
                        ),
                    )
                    .with_help("use letters, digits, `.`, `_` and `-`"),
            );
        }
        let set: Vec<&str> = sources
            .iter()
            .filter(|(_, on)| *on)
            .map(|(f, _)| *f)
            .collect();
        let all: Vec<String> = sources.iter().map(|(f, _)| format!("`{f}`")).collect();
        if set.len() != 1 {
            self.push(
                self.source
                    .at_key(
                        Code::InvalidShape,
                        &seg(&self.owner(name, &path)),
                        if set.is_empty() {
                            format!(
                                "{} `{key}` says nowhere where its value comes from",
                                singular(kind)
                            )
                        } else {
                            format!(
                                "{} `{key}` sets {}; Compose reads one",
                                singular(kind),
                                set.iter()
                                    .map(|f| format!("`{f}`"))
                                    .collect::<Vec<_>>()
                                    .join(" and ")
                            )
                        },
                    )
                    .with_help(format!("set exactly one of {}", all.join(", "))),
            );
        }
        if let Some(var) = environment
            && !self.declared(stack, var)
        {
            let p = ["stacks", name, kind.key(), key, "environment"];
            let known = stack
                .env
                .keys()
                .chain(self.source.spec.env.keys())
                .map(String::as_str);
            self.push(
                self.at(name, &p, Code::UnknownVariable, format!("{} `{key}` reads variable `{var}`, which is declared neither in stack `{name}` nor in the platform's `env`", singular(kind)))
                    .with_help(did_you_mean(var, known).unwrap_or_else(|| format!("declare `{var}` under `stacks.{name}.env` (with `secret: true` for a credential)"))),
            );
        }
    }

    /// `source` must be one of the stack's declarations of `kind`; the diagnostic points at
    /// the reference and at where the stack declares them.
    fn reference(&mut self, name: &str, stack: &Stack, kind: Kind, path: &[&str], source: &str) {
        let declared: Vec<&str> = match kind {
            Kind::Secret => stack.secrets.keys().map(String::as_str).collect(),
            Kind::Config => stack.configs.keys().map(String::as_str).collect(),
        };
        if declared.contains(&source) {
            return;
        }
        let code = match kind {
            Kind::Secret => Code::UnknownSecret,
            Kind::Config => Code::UnknownConfig,
        };
        let related = if declared.is_empty() {
            self.related(
                name,
                &["stacks", name],
                format!("stack `{name}` declares no {}", kind.key()),
            )
        } else {
            self.related(
                name,
                &["stacks", name, kind.key()],
                format!("the {} of stack `{name}`", kind.key()),
            )
        };
        self.push(
            self.at(name, path, code, format!("{} `{source}` is not declared in stack `{name}`", singular(kind)))
                .with_help(did_you_mean(source, declared.iter().copied()).unwrap_or_else(|| format!("declare it under `stacks.{name}.{}` with its `purpose` and a `file`, `environment` or `external: true`", kind.key())))
                .with_related(related),
        );
    }

    fn grant_detail(
        &mut self,
        name: &str,
        at: &dyn Fn(&'static str) -> Vec<String>,
        detail: &crate::spec::GrantDetail,
    ) {
        if let Some(t) = &detail.target
            && !t.starts_with('/')
            && !t.starts_with('$')
        {
            self.push(
                self.at(
                    name,
                    &seg(&at("target")),
                    Code::InvalidShape,
                    format!("target `{t}` is not an absolute path in the container"),
                )
                .with_help("write a path starting with `/`, such as `/run/secrets/db_password`"),
            );
        }
        for (field, value) in [("uid", &detail.uid), ("gid", &detail.gid)] {
            if let Some(v) = value
                && !(v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty() || v.starts_with('$'))
            {
                self.push(
                    self.at(
                        name,
                        &seg(&at(field)),
                        Code::InvalidShape,
                        format!("`{field}` `{v}` is not a numeric id"),
                    )
                    .with_help(format!(
                        "write the numeric {} id, such as `\"1000\"`",
                        if field == "uid" { "user" } else { "group" }
                    )),
                );
            }
        }
        if let Some(mode) = &detail.mode
            && !is_octal_mode(mode)
        {
            self.push(
                self.at(name, &seg(&at("mode")), Code::InvalidShape, format!("mode `{mode}` is not an octal file mode"))
                    .with_help("write it in octal, as a string: `\"0400\"` (owner reads) or `\"0440\"` (owner and group read)"),
            );
        }
    }
}

fn singular(kind: Kind) -> &'static str {
    match kind {
        Kind::Secret => "secret",
        Kind::Config => "config",
    }
}

/// Compose's rule for the keys of its top-level maps.
fn is_object_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `440`, `0440`, `0o440`-free octal: three or four octal digits.
pub(super) fn is_octal_mode(mode: &str) -> bool {
    (3..=4).contains(&mode.len()) && mode.chars().all(|c| ('0'..='7').contains(&c))
}
