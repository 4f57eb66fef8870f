//! Stack inheritance: a stack that `extends` another starts from a copy of it and overlays
//! what it sets itself. The merge works on YAML values so that every field of the spec
//! takes part without a hand-written list: mappings merge key by key, everything else is
//! replaced by the child's value.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::diagnostics::{Code, Diagnostic, did_you_mean, reset_suggestion_budget};
use crate::spec::{Source, Stack};

/// Every stack with its `extends` chain applied, plus the chain itself (the stack first,
/// then the stack it extends, and so on) so diagnostics can find inherited values.
pub struct Resolved<'a> {
    /// Borrowed from the spec when the stack extends nothing, which is most of them.
    pub stacks: BTreeMap<String, Effective<'a>>,
    pub chains: BTreeMap<String, Vec<String>>,
}

/// A stack as the model reads it: the spec's own when nothing changes it, else a merged
/// copy. Boxed, not a `Cow`: a B-tree leaf holds room for eleven entries and a `Stack` is
/// about 930 bytes, so a `Cow` map of 10,000 stacks held 20 MB of empty slots.
#[derive(Debug)]
pub enum Effective<'a> {
    Spec(&'a Stack),
    Changed(Box<Stack>),
}

impl Effective<'_> {
    /// The stack to change, copied from the spec on the first change.
    pub fn to_mut(&mut self) -> &mut Stack {
        if let Effective::Spec(stack) = *self {
            *self = Effective::Changed(Box::new(stack.clone()));
        }
        match self {
            Effective::Changed(stack) => stack,
            Effective::Spec(_) => unreachable!("copied just above"),
        }
    }
}

impl std::ops::Deref for Effective<'_> {
    type Target = Stack;
    fn deref(&self) -> &Stack {
        match self {
            Effective::Spec(stack) => stack,
            Effective::Changed(stack) => stack,
        }
    }
}

/// Resolves every stack's chain. At scale the stacks are resolved in two fixed halves, on two
/// threads when there are two cores (a merge is a round trip through YAML values: 65 ms of
/// serial work at 10,000 stacks, a tenth of them extending). Each half starts with the whole
/// "did you mean" budget and collects its own problems, joined in the order of the stacks, so
/// the result is the one a single pass gives on any number of cores; the calling thread's
/// budget is whole again afterwards, whichever half it ran.
pub fn resolve<'a>(source: &'a Source, diagnostics: &mut Vec<Diagnostic>) -> Resolved<'a> {
    let names: Vec<&String> = source.spec.stacks.keys().collect();
    let each = crate::parallel::map_halves(crate::parallel::spread(names.len()), &names, |half| {
        reset_suggestion_budget();
        half.iter().map(|name| resolve_one(source, name)).collect()
    });
    reset_suggestion_budget();
    let mut resolved = Resolved {
        stacks: BTreeMap::new(),
        chains: BTreeMap::new(),
    };
    for (name, stack, chain, problems) in each {
        diagnostics.extend(problems);
        resolved.stacks.insert(name.clone(), stack);
        resolved.chains.insert(name.clone(), chain);
    }
    resolved
}

/// One stack with its chain applied, its chain, and the problems of the chain.
fn resolve_one<'a>(
    source: &'a Source,
    name: &'a String,
) -> (&'a String, Effective<'a>, Vec<String>, Vec<Diagnostic>) {
    let declared = &source.spec.stacks;
    let mut diagnostics = Vec::new();
    let mut chain = vec![name.clone()];
    let mut current = name;
    let mut broken = false;
    while let Some(extends) = &declared[current].extends {
        let base = &extends.stack;
        if !declared.contains_key(base) {
            if current == name {
                diagnostics.push(
                    source
                        .at(
                            Code::UnknownStack,
                            &["stacks", current, "extends", "stack"],
                            format!("stack `{current}` extends unknown stack `{base}`"),
                        )
                        .with_help(
                            did_you_mean(base, declared.keys().map(String::as_str))
                                .unwrap_or_else(|| "name a stack defined under `stacks`".into()),
                        ),
                );
            }
            broken = true;
            break;
        }
        if chain.contains(base) {
            if current == name || base == name {
                let cycle = chain
                    .iter()
                    .chain(std::iter::once(base))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("` -> `");
                diagnostics.push(
                    source
                        .at(
                            Code::ExtendsCycle,
                            &["stacks", name, "extends", "stack"],
                            format!("stack `{name}` extends itself through `{cycle}`"),
                        )
                        .with_help("remove one `extends` of the cycle"),
                );
            }
            broken = true;
            break;
        }
        chain.push(base.clone());
        current = base;
    }
    // Most stacks extend nothing: borrowed, not a round trip through YAML values.
    let stack = if broken || chain.len() == 1 {
        Effective::Spec(&declared[name])
    } else {
        Effective::Changed(Box::new(merge_chain(source, &chain, &mut diagnostics)))
    };
    (name, stack, chain, diagnostics)
}

/// Applies the chain from the root base down to the stack itself.
fn merge_chain(source: &Source, chain: &[String], diagnostics: &mut Vec<Diagnostic>) -> Stack {
    let declared = &source.spec.stacks;
    let mut merged = to_value(&declared[chain.last().expect("chain holds the stack itself")]);
    for pair in chain.windows(2).rev() {
        let (child_name, base_name) = (&pair[0], &pair[1]);
        let child = &declared[child_name];
        let mut base = merged;
        if let Value::Mapping(map) = &mut base {
            // Where a stack lives and what it extends are its own; never inherited.
            map.remove("path");
            map.remove("extends");
            if let Some(wanted) = child.extends.as_ref().and_then(|e| e.services.as_ref())
                && let Some(Value::Mapping(services)) = map.get_mut("services")
            {
                for (index, service) in wanted.iter().enumerate() {
                    if !services.contains_key(service.as_str()) {
                        let available: Vec<&str> =
                            services.keys().filter_map(Value::as_str).collect();
                        diagnostics.push(
                            source
                                .at(
                                    Code::UnknownService,
                                    &[
                                        "stacks",
                                        child_name,
                                        "extends",
                                        "services",
                                        &index.to_string(),
                                    ],
                                    format!(
                                        "stack `{base_name}` has no service `{service}` to inherit"
                                    ),
                                )
                                .with_help(did_you_mean(service, available).unwrap_or_else(|| {
                                    "list services the extended stack defines".into()
                                })),
                        );
                    }
                }
                services.retain(|k, _| k.as_str().is_some_and(|k| wanted.iter().any(|w| w == k)));
            }
        }
        merged = overlay(base, to_value(child));
    }
    // The merged value came from valid stacks, so it deserializes; fall back defensively.
    serde_yaml::from_value(merged).unwrap_or_else(|_| declared[&chain[0]].clone())
}

fn to_value(stack: &Stack) -> Value {
    serde_yaml::to_value(stack).unwrap_or(Value::Null)
}

/// `child` over `base`: mappings merge recursively, anything else is replaced.
fn overlay(base: Value, child: Value) -> Value {
    match (base, child) {
        (Value::Mapping(mut base), Value::Mapping(child)) => {
            for (key, value) in child {
                let merged = match base.remove(&key) {
                    Some(existing) => overlay(existing, value),
                    None => value,
                };
                base.insert(key, merged);
            }
            Value::Mapping(base)
        }
        (_, child) => child,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_merges_maps_and_replaces_lists() {
        let base: Value = serde_yaml::from_str("a: {x: 1, y: 2}\nl: [1, 2]\n").unwrap();
        let child: Value = serde_yaml::from_str("a: {y: 3}\nl: [9]\n").unwrap();
        let merged = overlay(base, child);
        let expected: Value = serde_yaml::from_str("a: {x: 1, y: 3}\nl: [9]\n").unwrap();
        assert_eq!(merged, expected);
    }
}
