//! Keeps secrets out of what `check` and `diff` print. A `.env.example` line is shown with its
//! value only when the spec declares its key as a variable that is not secret and the value
//! does not look like a credential; every other assignment reads `KEY=<secret, differs>` on
//! an added or removed line and `KEY=<secret>` on a context line. A hand-edited
//! `.env.example` that holds a real password, or one left by a stack that is gone, so never
//! reaches a terminal or a CI log. Input: a unified diff and the keys that may be shown;
//! output: the diff to print.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::model::Model;
use crate::spec::secrets::credential_kind;

/// The name of the files whose values are masked.
pub const ENV_FILE: &str = ".env.example";

/// For each `.env.example` of the spec, the keys whose values may be printed.
#[derive(Debug, Default)]
pub struct Visible {
    by_path: HashMap<String, HashSet<String>>,
}

impl Visible {
    pub fn new(model: &Model) -> Visible {
        let by_path = model
            .stacks
            .iter()
            .map(|stack| {
                let keys = stack
                    .variables
                    .iter()
                    .filter(|v| !v.secret)
                    .map(|v| v.name.clone())
                    .collect();
                (stack.env_path(), keys)
            })
            .collect();
        Visible { by_path }
    }

    /// `diff`, the unified diff of the file at `path` (relative to the output directory),
    /// with secret values masked. Files other than `.env.example` come back as they are.
    pub fn mask<'a>(&self, path: &str, diff: &'a str) -> Cow<'a, str> {
        if path.rsplit('/').next() != Some(ENV_FILE) {
            return Cow::Borrowed(diff);
        }
        let none = HashSet::new();
        let shown = self.by_path.get(path).unwrap_or(&none);
        let mut out = String::with_capacity(diff.len());
        let mut in_hunk = false;
        for line in diff.split_inclusive('\n') {
            if line.starts_with("@@") {
                in_hunk = true;
                out.push_str(line);
                continue;
            }
            if !in_hunk {
                // The `---` and `+++` header lines.
                out.push_str(line);
                continue;
            }
            let (marker, rest) = line.split_at(line.len().min(1));
            let body = rest.trim_end_matches(['\n', '\r']);
            let ending = &rest[body.len()..];
            match masked(body, shown, marker != " ") {
                Some(text) => {
                    out.push_str(marker);
                    out.push_str(&text);
                    out.push_str(ending);
                }
                None => out.push_str(line),
            }
        }
        Cow::Owned(out)
    }
}

/// The line with its value masked, or `None` when it may be printed as it is.
fn masked(line: &str, shown: &HashSet<String>, changed: bool) -> Option<String> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    let (key_part, value) = trimmed.split_once('=')?;
    let key = key_part.trim().trim_start_matches("export ").trim();
    if value.is_empty() || shown.contains(key) && credential_kind(value).is_none() {
        return None;
    }
    let indent = &line[..line.len() - trimmed.len()];
    let token = if changed {
        "<secret, differs>"
    } else {
        "<secret>"
    };
    Some(format!("{indent}{key_part}={token}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_declared_plain_values_are_shown() {
        let visible = Visible {
            by_path: HashMap::from([(
                "s/.env.example".to_owned(),
                HashSet::from(["PLAIN".to_owned()]),
            )]),
        };
        let diff = "--- a/s/.env.example\n+++ b/s/.env.example\n@@ -1,3 +1,3 @@\n # comment\n-PASSWORD=hunter2\n+PASSWORD=change-me\n PLAIN=visible\n-PLAIN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n+export UNKNOWN=x\n";
        assert_eq!(
            visible.mask("s/.env.example", diff),
            "--- a/s/.env.example\n+++ b/s/.env.example\n@@ -1,3 +1,3 @@\n # comment\n-PASSWORD=<secret, differs>\n+PASSWORD=<secret, differs>\n PLAIN=visible\n-PLAIN=<secret, differs>\n+export UNKNOWN=<secret, differs>\n"
        );
        assert_eq!(visible.mask("s/docker-compose.yml", diff), diff);
    }
}
