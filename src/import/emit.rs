//! Writes the imported spec as YAML a person would write: fields left at their defaults
//! (empty lists, `false` flags) are omitted, and each stack opens with the comment header of
//! the compose file it came from. With `--split` each stack goes to `stacks/NAME.yaml`,
//! included from the spec. Input: the spec and the source; output: (relative path, text).

use std::path::PathBuf;

use serde_yaml::{Mapping, Value};

use super::Options;
use super::build::Source;
use super::lines;
use crate::spec::Spec;

/// Flags omitted when `false` (their default).
const FALSE_BY_DEFAULT: &[&str] = &[
    "publish",
    "read_only",
    "secret",
    "external",
    "internal",
    "tls",
    "allow_external_output",
    "restart",
];

/// Keys whose values are written as given: Traefik's and Compose's own options, where an
/// empty mapping (`compress: {}`) or `false` means something.
const VERBATIM: &[&str] = &["middlewares", "tcp_middlewares", "compose"];

/// The files to write, the spec first.
pub fn files(spec: &Spec, source: &Source, options: &Options) -> Vec<(PathBuf, String)> {
    let mut value = serde_yaml::to_value(spec).unwrap_or(Value::Null);
    prune(&mut value);
    let header = format!(
        "# Imported by `seisei import` from {}. Edit this file, run `seisei gen`, commit both.\n",
        super::build::relative_path(
            options.out.parent().unwrap_or(std::path::Path::new(".")),
            &source.dir
        )
    );
    let comments = |name: &str, indent: &str| -> String {
        let Some(stack) = source.stacks.iter().find(|s| s.name == name) else {
            return String::new();
        };
        lines::header(&stack.project.text)
            .iter()
            .map(|l| format!("{indent}# {l}\n").replace("# \n", "#\n"))
            .collect()
    };
    if !options.split {
        let text = serde_yaml::to_string(&value).unwrap_or_default();
        let mut out = header;
        let mut in_stacks = false;
        for line in text.lines() {
            if !line.starts_with(' ') {
                in_stacks = line == "stacks:";
            } else if in_stacks && line.len() > 2 && !line[2..].starts_with(' ') {
                let name = line.trim().trim_end_matches(':');
                out.push_str(&comments(name, "  "));
            }
            out.push_str(line);
            out.push('\n');
        }
        return vec![(file_name(options), out)];
    }
    let mut files = Vec::new();
    let stacks = value
        .as_mapping_mut()
        .and_then(|m| m.remove("stacks"))
        .and_then(|s| s.as_mapping().cloned())
        .unwrap_or_default();
    if let Some(root) = value.as_mapping_mut() {
        root.insert(
            "include".into(),
            Value::Sequence(vec!["stacks/*.yaml".into()]),
        );
    }
    let main = header + &serde_yaml::to_string(&value).unwrap_or_default();
    files.push((file_name(options), main));
    for (name, stack) in stacks {
        let name = name.as_str().unwrap_or_default().to_owned();
        let mut one = Mapping::new();
        one.insert(name.clone().into(), stack);
        let text =
            comments(&name, "") + &serde_yaml::to_string(&Value::Mapping(one)).unwrap_or_default();
        files.push((PathBuf::from("stacks").join(format!("{name}.yaml")), text));
    }
    files
}

fn file_name(options: &Options) -> PathBuf {
    PathBuf::from(
        options
            .out
            .file_name()
            .unwrap_or_else(|| "platform.yaml".as_ref()),
    )
}

/// Drops defaults: nulls, empty lists and mappings, and `false` flags that default to false.
fn prune(value: &mut Value) {
    let Value::Mapping(map) = value else {
        if let Value::Sequence(items) = value {
            items.iter_mut().for_each(prune);
        }
        return;
    };
    let keys: Vec<Value> = map.keys().cloned().collect();
    for key in keys {
        let name = key.as_str().unwrap_or_default().to_owned();
        let Some(item) = map.get_mut(&key) else {
            continue;
        };
        let verbatim = VERBATIM.contains(&name.as_str()) && item.is_mapping();
        if !verbatim {
            prune(item);
        }
        let empty = match item {
            Value::Null => true,
            Value::Sequence(s) => s.is_empty(),
            // `tmpfs: {}` is a tmpfs mount without options, not a default.
            Value::Mapping(m) => m.is_empty() && name != "tmpfs",
            Value::Bool(false) => FALSE_BY_DEFAULT.contains(&name.as_str()),
            Value::String(s) => name == "protocol" && s == "tcp",
            _ => false,
        };
        if empty {
            map.remove(&key);
        }
    }
}
