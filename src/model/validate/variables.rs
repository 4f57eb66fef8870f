//! Variables and credentials: `${VAR}` references found with Compose's rules, and values that
//! look like real secrets anywhere outside an `example`.

use super::{Checker, seg};
use crate::diagnostics::Code;
use crate::model::references::{Form, scan};

/// Variables a Compose-interpolated string refers to, operands included, or the first thing
/// Compose would refuse in it.
pub fn variables_in(text: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for reference in scan(text) {
        let reference = reference.map_err(|problem| problem.message(text))?;
        if let Form::Operator { operand, .. } = reference.form {
            found.extend(variables_in(operand)?);
        }
        found.push(reference.name.to_owned());
    }
    Ok(found)
}

impl Checker<'_> {
    /// Any string of the spec that looks like a real credential, outside `example` fields
    /// (secret examples have their own placeholder check).
    pub(super) fn credentials(&mut self) {
        // The spec, then each included stack file, whose root is `stacks.NAME`.
        let mut found: Vec<(Vec<String>, &'static str)> = Vec::new();
        for (path, kind) in &self.source.credentials {
            found.push((
                path.split(crate::spec::PATH_SEPARATOR)
                    .map(str::to_owned)
                    .collect(),
                kind,
            ));
        }
        for file in &self.source.included {
            for (path, kind) in &file.credentials {
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
