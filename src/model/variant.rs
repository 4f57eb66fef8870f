//! A stack's variants as the override files write them: per service, only the keys the
//! variant changes, each value guarded and in the compose file's own syntax, so that Compose
//! merges them over the main file by its override rules.

use serde_yaml::{Mapping, Value};

use super::interpolate::{Lookup, guard};
use crate::spec;

/// One override file of a stack.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub purpose: String,
    /// Services it changes, sorted, each with its Compose keys and values, sorted by key.
    pub services: Vec<(String, Vec<(String, Value)>)>,
}

impl super::Stack {
    /// `<dir>/docker-compose.<variant>.yml`.
    pub fn variant_path(&self, variant: &str) -> String {
        format!("{}/docker-compose.{variant}.yml", self.dir)
    }
}

pub(crate) fn variants(stack: &spec::Stack, lookup: &Lookup<'_>) -> Vec<Variant> {
    stack
        .variants
        .iter()
        .map(|(name, v)| Variant {
            name: name.clone(),
            purpose: v.purpose.clone(),
            services: v
                .services
                .iter()
                .map(|(service, s)| (service.clone(), fields(s, lookup)))
                .collect(),
        })
        .collect()
}

fn fields(s: &spec::VariantService, lookup: &Lookup<'_>) -> Vec<(String, Value)> {
    let text = |t: &String| Value::String(guard(t, lookup));
    let map = |m: &std::collections::BTreeMap<String, String>| {
        Value::Mapping(
            m.iter()
                .map(|(k, v)| (Value::String(k.clone()), text(v)))
                .collect::<Mapping>(),
        )
    };
    let mut out = Vec::new();
    if let Some(image) = &s.image {
        out.push(("image".to_owned(), text(image)));
    }
    if let Some(command) = &s.command {
        out.push((
            "command".to_owned(),
            Value::Sequence(command.iter().map(text).collect()),
        ));
    }
    if !s.environment.is_empty() {
        out.push(("environment".to_owned(), map(&s.environment)));
    }
    if !s.labels.is_empty() {
        out.push(("labels".to_owned(), map(&s.labels)));
    }
    let (published, exposed): (Vec<_>, Vec<_>) = s.ports.iter().partition(|p| p.publish);
    for (key, ports) in [("expose", exposed), ("ports", published)] {
        if !ports.is_empty() {
            let items = ports
                .iter()
                .map(|p| {
                    Value::String(
                        super::Port {
                            container: p.container,
                            publish: p.publish,
                            host: p.host.unwrap_or(p.container),
                            host_ip: p.host_ip.clone(),
                            protocol: p.protocol,
                            note: p.note.clone(),
                            count: p
                                .container_end
                                .map_or(1, |end| end.saturating_sub(p.container).saturating_add(1)),
                        }
                        .compose(),
                    )
                })
                .collect();
            out.push((key.to_owned(), Value::Sequence(items)));
        }
    }
    if !s.mounts.is_empty() {
        let items = s
            .mounts
            .iter()
            .map(|m| {
                let mount = super::storage::mount(m);
                mount
                    .long
                    .clone()
                    .unwrap_or_else(|| Value::String(mount.compose()))
            })
            .collect();
        out.push(("volumes".to_owned(), Value::Sequence(items)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
