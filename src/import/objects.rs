//! The Compose objects a project declares beside its services, mapped onto the spec: the
//! top-level `secrets` and `configs` (from a file, a variable, inline content, or external),
//! networks with their address plans (`ipam.config`) and the stack that creates a named one,
//! and volumes several stacks share, which become the platform's shared volumes with the
//! stack that creates them as owner. Input: a project's top-level mappings; output: spec
//! objects and report entries.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::compose::scalar_text;
use super::lines;
use super::report::{Outcome, Report};
use crate::spec;

/// Where the project is, for lines.
pub struct Place<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl Place<'_> {
    fn purpose(&self, path: &[&str]) -> String {
        let comments = lines::comments_above(self.text, lines::find(self.text, path));
        if comments.is_empty() {
            format!("Imported from {}", self.file)
        } else {
            comments.join(" ")
        }
    }
}

/// The top-level `secrets` (or `configs`, when `configs`) of a project into `stack`.
pub fn secrets_or_configs(
    at: &Place<'_>,
    top: &str,
    value: &Value,
    stack: &mut spec::Stack,
    report: &mut Report,
) {
    for (name, def) in value.as_mapping().into_iter().flatten() {
        let name = scalar_text(name).unwrap_or_default();
        let line = lines::find(at.text, &[top, &name]);
        let mut fields = Mapping::new();
        fields.insert("purpose".into(), at.purpose(&[top, &name]).into());
        let mut problem = None;
        for (k, v) in def.as_mapping().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default();
            match (k, v) {
                ("file" | "environment" | "name", v) if v.is_string() => {
                    fields.insert(k.into(), v.clone());
                }
                ("content", v) if top == "configs" && v.is_string() => {
                    fields.insert(k.into(), v.clone());
                }
                ("external", Value::Bool(b)) => {
                    fields.insert(k.into(), (*b).into());
                }
                _ => {
                    problem = Some(format!("the {top} key `{k}` is not in the spec"));
                }
            }
        }
        let parsed = match (&problem, top) {
            (Some(why), _) => Err(why.clone()),
            (None, "secrets") => serde_yaml::from_value::<spec::Secret>(Value::Mapping(fields))
                .map(|s| {
                    stack.secrets.insert(name.clone(), s);
                })
                .map_err(|e| e.to_string()),
            (None, _) => serde_yaml::from_value::<spec::Config>(Value::Mapping(fields))
                .map(|c| {
                    stack.configs.insert(name.clone(), c);
                })
                .map_err(|e| e.to_string()),
        };
        let outcome = match parsed {
            Ok(()) => Outcome::FirstClass,
            Err(why) => Outcome::NotImported(why),
        };
        report.push(at.file, line, format!("{top}.{name}"), outcome);
    }
}

/// A top-level network of stack `stack`: external, internal, the address plan, and the
/// stack as owner when it creates the network under its own name.
pub fn network(
    at: &Place<'_>,
    stack: &str,
    key: &str,
    value: &Value,
    report: &mut Report,
) -> spec::Network {
    let map = value.as_mapping().cloned().unwrap_or_default();
    let mut network = spec::Network {
        purpose: at.purpose(&["networks", key]),
        external: false,
        internal: false,
        owner: None,
        subnets: Vec::new(),
    };
    let external = map
        .get("external")
        .is_some_and(|v| v.as_bool() != Some(false));
    for (k, v) in &map {
        let k = k.as_str().unwrap_or_default();
        let line = lines::find(at.text, &["networks", key, k]);
        let path = format!("networks.{key}.{k}");
        let mut outcome = Outcome::FirstClass;
        match k {
            "external" => network.external = v.as_bool().unwrap_or(true),
            "internal" => network.internal = v.as_bool().unwrap_or(false),
            "driver" if v.as_str() == Some("bridge") => {}
            "name" if v.as_str() == Some(key) => {
                if !external {
                    network.owner = Some(stack.to_owned());
                }
            }
            "ipam" => match subnets(v) {
                Ok(s) => network.subnets = s,
                Err(why) => outcome = Outcome::NotImported(why),
            },
            _ => outcome = Outcome::NotImported("this network option is not in the spec".into()),
        }
        // The keys the spec always holds are counted with the network itself.
        if outcome != Outcome::FirstClass || k == "ipam" {
            report.push(at.file, line, path, outcome);
        }
    }
    network
}

fn subnets(ipam: &Value) -> Result<Vec<spec::Subnet>, String> {
    let mut out = Vec::new();
    for (k, v) in ipam.as_mapping().into_iter().flatten() {
        match k.as_str().unwrap_or_default() {
            "driver" if v.as_str() == Some("default") => {}
            "config" => {
                for item in v.as_sequence().into_iter().flatten() {
                    let value = serde_yaml::from_value::<spec::Subnet>(item.clone())
                        .map_err(|e| format!("an `ipam.config` item the spec cannot hold: {e}"))?;
                    out.push(value);
                }
            }
            other => return Err(format!("`ipam.{other}` is not in the spec")),
        }
    }
    Ok(out)
}

/// Two declarations of the same shared network: the one that creates it (an owner) wins over
/// an external one; `None` when they disagree otherwise.
pub fn join(existing: &spec::Network, new: spec::Network) -> Option<spec::Network> {
    let same = |a: &spec::Network, b: &spec::Network| {
        a.internal == b.internal && a.subnets.len() == b.subnets.len()
    };
    match (&existing.owner, &new.owner) {
        (None, Some(_)) if existing.external => Some(new),
        (Some(_), None) if new.external => Some(existing.clone()),
        _ if existing.external == new.external
            && existing.owner == new.owner
            && same(existing, &new) =>
        {
            Some(existing.clone())
        }
        _ => None,
    }
}

/// Volumes declared by several stacks under one Docker name, created by exactly one of them
/// (`name: KEY`) and external in the others: moved out of the stacks into the platform's
/// shared volumes, owned by the stack that creates them.
pub fn share_volumes(
    stacks: &mut BTreeMap<String, spec::Stack>,
) -> BTreeMap<String, spec::SharedVolume> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (stack, s) in stacks.iter() {
        for (key, v) in &s.volumes {
            if v.name.as_deref().is_none_or(|n| n == key) {
                by_name.entry(key.clone()).or_default().push(stack.clone());
            }
        }
    }
    let mut shared = BTreeMap::new();
    for (key, users) in by_name {
        if users.len() < 2 {
            continue;
        }
        let owners: Vec<&String> = users
            .iter()
            .filter(|s| {
                stacks[*s]
                    .volumes
                    .get(&key)
                    .is_some_and(|v| !v.external && v.name.as_deref() == Some(key.as_str()))
            })
            .collect();
        let externals = users
            .iter()
            .filter(|s| stacks[*s].volumes.get(&key).is_some_and(|v| v.external))
            .count();
        let owner = match owners.as_slice() {
            [one] if externals + 1 == users.len() => Some((*one).clone()),
            [] if externals == users.len() => None,
            _ => continue,
        };
        let first = owner.clone().unwrap_or_else(|| users[0].clone());
        let declared = stacks[&first].volumes[&key].clone();
        for user in &users {
            if let Some(s) = stacks.get_mut(user) {
                s.volumes.remove(&key);
            }
        }
        shared.insert(
            key,
            spec::SharedVolume {
                purpose: declared.purpose,
                external: owner.is_none(),
                owner,
                driver: declared.driver,
                driver_opts: declared.driver_opts,
            },
        );
    }
    shared
}
