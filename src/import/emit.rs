//! Writes the imported spec as YAML a person would write: fields left at their defaults
//! (empty lists, `false` flags) are omitted, each stack opens with the comment header of
//! the compose file it came from, and the comments between its labels stand above the keys
//! the labels became. With `--split` each stack goes to `stacks/NAME.yaml`, included from
//! the spec. Input: the spec, the comments and the source; output: (relative path, text).

use std::path::PathBuf;

use serde_yaml::{Mapping, Value};

use super::Options;
use super::build::Source;
use super::label_comments::{Comment, Seg};
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
pub fn files(
    spec: &Spec,
    notes: &[Comment],
    source: &Source,
    options: &Options,
) -> Vec<(PathBuf, String)> {
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
        let placed = notes.iter().map(|c| {
            let mut path = match &c.stack {
                Some(stack) => vec![Seg::Key("stacks".into()), Seg::Key(stack.clone())],
                None => Vec::new(),
            };
            path.extend(c.path.iter().cloned());
            (path, &c.lines)
        });
        return vec![(file_name(options), annotate(&out, placed))];
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
    let root = notes.iter().filter(|c| c.stack.is_none());
    let main = annotate(&main, root.map(|c| (c.path.clone(), &c.lines)));
    files.push((file_name(options), main));
    for (name, stack) in stacks {
        let name = name.as_str().unwrap_or_default().to_owned();
        let mut one = Mapping::new();
        one.insert(name.clone().into(), stack);
        let text =
            comments(&name, "") + &serde_yaml::to_string(&Value::Mapping(one)).unwrap_or_default();
        let mine = notes.iter().filter(|c| c.stack.as_ref() == Some(&name));
        let text = annotate(
            &text,
            mine.map(|c| {
                let mut path = vec![Seg::Key(name.clone())];
                path.extend(c.path.iter().cloned());
                (path, &c.lines)
            }),
        );
        files.push((PathBuf::from("stacks").join(format!("{name}.yaml")), text));
    }
    files
}

/// `text` with each comment's lines written above the key its path names (in this writer's
/// own layout: two spaces a level, a list's `- ` at its key's indentation); a path not found
/// leaves its comment out rather than misplace it.
fn annotate<'a>(text: &str, comments: impl Iterator<Item = (Vec<Seg>, &'a Vec<String>)>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut above: Vec<(usize, String)> = Vec::new();
    for (path, comment) in comments {
        if let Some((line, indent)) = locate(&lines, &path) {
            let pad = " ".repeat(indent);
            for l in comment {
                above.push((line, format!("{pad}# {l}").trim_end().to_owned()));
            }
        }
    }
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        for (_, comment) in above.iter().filter(|(at, _)| *at == i) {
            out.push_str(comment);
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The 0-based line of the key or list item at `path` in text this writer emitted, with the
/// indentation a comment above it takes.
fn locate(lines: &[&str], path: &[Seg]) -> Option<(usize, usize)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    // Comment and blank lines do not count: they are not part of the structure.
    let real = |i: &usize| {
        let t = lines[*i].trim_start();
        !t.is_empty() && !t.starts_with('#')
    };
    let (mut lo, mut hi, mut level) = (0, lines.len(), 0);
    // The line of the list item being entered, whose first key is written on it.
    let mut inline: Option<usize> = None;
    let mut found = None;
    for seg in path {
        let line = match seg {
            Seg::Key(key) => {
                let head = format!("{key}:");
                (lo..hi).filter(real).find(|i| {
                    let l = lines[*i];
                    (indent(l) == level && l.trim_start().starts_with(&head))
                        || (inline == Some(*i)
                            && l.trim_start().trim_start_matches("- ").starts_with(&head))
                })?
            }
            Seg::Item(n) => (lo..hi)
                .filter(real)
                .filter(|i| indent(lines[*i]) == level && lines[*i].trim_start().starts_with("- "))
                .nth(*n)?,
        };
        let own = if inline == Some(line) {
            level - 2
        } else {
            indent(lines[line])
        };
        let key_indent = match seg {
            Seg::Key(_) => level,
            Seg::Item(_) => own,
        };
        found = Some((line, own));
        let next = (line + 1..hi).find(|i| real(i));
        let end = |stop: &dyn Fn(&str) -> bool| {
            (line + 1..hi)
                .filter(|i| real(i))
                .find(|i| stop(lines[*i]))
                .unwrap_or(hi)
        };
        match seg {
            Seg::Item(_) => {
                hi = end(&|l| indent(l) <= key_indent);
                lo = line;
                level = key_indent + 2;
                inline = Some(line);
            }
            Seg::Key(_) => {
                let list = next.is_some_and(|i| {
                    indent(lines[i]) == key_indent && lines[i].trim_start().starts_with("- ")
                });
                if list {
                    hi = end(&|l| {
                        indent(l) < key_indent
                            || (indent(l) == key_indent && !l.trim_start().starts_with("- "))
                    });
                    level = key_indent;
                } else {
                    hi = end(&|l| indent(l) <= key_indent);
                    level = key_indent + 2;
                }
                lo = line + 1;
                inline = None;
            }
        }
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_land_above_items_and_their_fields() {
        let text = "stacks:\n  app:\n    services:\n      web:\n        routes:\n        - router: a\n          priority: 1\n        - router: b\n          priority: 2\n          middlewares:\n          - x\n        ports:\n        - container: 80\ntraefik:\n  middlewares:\n    x: {}\n";
        let key = |k: &str| Seg::Key(k.to_owned());
        let route = |i: usize| {
            vec![
                key("stacks"),
                key("app"),
                key("services"),
                key("web"),
                key("routes"),
                Seg::Item(i),
            ]
        };
        let lines = |l: &str| vec![l.to_owned()];
        let (second, first_router, priority) = (lines("second"), lines("router"), lines("two"));
        let (middleware, missing) = (lines("mw"), lines("lost"));
        let mut priority_path = route(1);
        priority_path.push(key("priority"));
        let mut router_path = route(0);
        router_path.push(key("router"));
        let notes = vec![
            (route(1), &second),
            (router_path, &first_router),
            (priority_path, &priority),
            (
                vec![key("traefik"), key("middlewares"), key("x")],
                &middleware,
            ),
            (route(2), &missing),
        ];
        let out = annotate(text, notes.into_iter());
        assert_eq!(
            out,
            "stacks:\n  app:\n    services:\n      web:\n        routes:\n        # router\n        - router: a\n          priority: 1\n        # second\n        - router: b\n          # two\n          priority: 2\n          middlewares:\n          - x\n        ports:\n        - container: 80\ntraefik:\n  middlewares:\n    # mw\n    x: {}\n"
        );
    }
}
