//! The outputs of one compiled platform, as text and as the YAML their consumers see, and the
//! check that one value landed where it must.

use std::collections::BTreeMap;
use std::path::Path;

use seisei::Compiled;
use serde_json::Value;

use crate::support::readers::render_go_template;

/// The generated files, as text and as the YAML their consumers see.
pub(super) struct Files {
    pub(super) raw: BTreeMap<String, String>,
    /// YAML files after Traefik's Go template step.
    pub(super) text: BTreeMap<String, String>,
    pub(super) yaml: BTreeMap<String, Value>,
}

impl Files {
    pub(super) fn read(compiled: &Compiled, problems: &mut Vec<String>) -> Files {
        let mut files = Files {
            raw: BTreeMap::new(),
            text: BTreeMap::new(),
            yaml: BTreeMap::new(),
        };
        for artifact in &compiled.artifacts {
            let Ok(raw) = String::from_utf8(artifact.bytes.clone()) else {
                problems.push(format!("{}: not UTF-8", artifact.path));
                continue;
            };
            let path = artifact.path.clone();
            let is_yaml = has_extension(&path, &["yml", "yaml"]);
            files.raw.insert(path.clone(), raw.clone());
            if !is_yaml {
                continue;
            }
            let text = if path.contains("/dynamic/") {
                match render_go_template(&raw) {
                    Ok(text) => text,
                    Err(e) => {
                        problems.push(format!("{path}: {e}"));
                        continue;
                    }
                }
            } else {
                raw
            };
            match serde_yaml::from_str::<Value>(&text) {
                Ok(document) => {
                    files.yaml.insert(path.clone(), document);
                }
                Err(e) => problems.push(format!("{path}: does not parse: {e}\n{text}")),
            }
            files.text.insert(path, text);
        }
        files
    }

    /// The value at `keys` in the YAML file `path`; a number indexes a sequence.
    pub(super) fn get(&self, path: &str, keys: &[&str]) -> Option<&Value> {
        keys.iter()
            .try_fold(self.yaml.get(path)?, |value, key| match value {
                Value::Array(items) => items.get(key.parse::<usize>().ok()?),
                _ => value.get(*key),
            })
    }
}

pub(super) fn has_extension(path: &str, extensions: &[&str]) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Records a mismatch between a generated value and the spec's.
pub(super) fn expect(
    problems: &mut Vec<String>,
    files: &Files,
    path: &str,
    keys: &[&str],
    expected: &Value,
) {
    let actual = files.get(path, keys);
    if actual != Some(expected) {
        problems.push(format!(
            "{path}: {}:\n      found    {actual:?}\n      expected {expected:?}",
            keys.join(".")
        ));
    }
}

/// A literal in a Compose file: Compose interpolates `$`, so seisei doubles it.
pub(super) fn literal(text: &str) -> Value {
    Value::String(text.replace('$', "$$"))
}
