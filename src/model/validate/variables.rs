//! Variables and credentials: `${VAR}` references found with Compose's rules, and values that
//! look like real secrets anywhere outside an `example`.

use super::names::is_variable_name;
use super::{Checker, seg};
use crate::diagnostics::Code;

/// Variables a Compose-interpolated string refers to, following Compose's rules: `$$` is a
/// literal `$`; `$VAR` and `${VAR}` refer to VAR; `${VAR:-x}`, `${VAR-x}`, `${VAR:?e}`,
/// `${VAR?e}`, `${VAR:+x}` and `${VAR+x}` too, and their inner text is interpolated again.
pub fn variables_in(text: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let start = i + 2;
                let mut depth = 1;
                let mut j = start;
                while j < bytes.len() && depth > 0 {
                    match bytes[j] {
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth > 0 {
                    return Err(format!("`${{` without a closing `}}` in `{text}`"));
                }
                let inner = &text[start..j - 1];
                let name_end = inner
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                let name = &inner[..name_end];
                if !is_variable_name(name) {
                    return Err(format!("`${{{inner}}}` is not a valid interpolation"));
                }
                let rest = &inner[name_end..];
                let operand = ["-", ":-", "?", ":?", "+", ":+"]
                    .iter()
                    .filter(|op| rest.starts_with(**op))
                    .max_by_key(|op| op.len())
                    .map(|op| &rest[op.len()..]);
                match operand {
                    Some(operand) => found.extend(variables_in(operand)?),
                    None if rest.is_empty() => {}
                    None => {
                        return Err(format!(
                            "`${{{inner}}}` uses an operator Compose does not support"
                        ));
                    }
                }
                found.push(name.to_owned());
                i = j;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                found.push(text[start..j].to_owned());
                i = j;
            }
            // compose-go refuses a `$` that starts neither a name nor `${`.
            _ => {
                return Err(format!(
                    "a lone `$` in `{text}` is not valid Compose interpolation"
                ));
            }
        }
    }
    Ok(found)
}

impl Checker<'_> {
    /// Any string of the spec that looks like a real credential, outside `example` fields
    /// (secret examples have their own placeholder check).
    pub(super) fn credentials(&mut self) {
        // The spec, then each included stack file, whose root is `stacks.NAME`.
        let mut found: Vec<(Vec<String>, &'static str)> = Vec::new();
        for (path, kind) in &self.source.document.credentials {
            found.push((
                path.split(crate::spec::PATH_SEPARATOR)
                    .map(str::to_owned)
                    .collect(),
                kind,
            ));
        }
        for file in &self.source.included {
            for (path, kind) in &file.document.credentials {
                let mut segments = vec!["stacks".to_owned()];
                segments.extend(path.split(crate::spec::PATH_SEPARATOR).map(str::to_owned));
                found.push((segments, kind));
            }
        }
        for (path, kind) in found {
            self.push(
                self.source
                    .at(Code::Credential, &seg(&path), format!("this looks like {kind}; a real credential must not be in the spec"))
                    .with_help("declare a secret variable under the stack's `env`, reference it as `${VAR}`, and keep the value in the deployed `.env` only"),
            );
        }
    }
}
