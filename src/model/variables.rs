//! How a declared variable is written: its reference in a compose file, with the meaning the
//! spec gives it, and its example in `.env.example`.

use super::{SECRET_PLACEHOLDER, is_placeholder};
use crate::spec;

/// `${VAR:?…}` for a required variable, so Compose refuses to start without it;
/// `${VAR:-default}` for an optional one.
pub(super) fn variable_reference(name: &str, variable: &spec::Variable) -> String {
    match (&variable.default, variable.required) {
        (Some(default), _) => format!(
            "${{{name}:-{}}}",
            default.replace('$', "$$").replace('}', "")
        ),
        (None, true) => format!("${{{name}:?set {name} in .env}}"),
        (None, false) => format!("${{{name}:-}}"),
    }
}

pub(super) fn example_for(variable: &spec::Variable) -> String {
    let example = variable
        .example
        .clone()
        .or_else(|| variable.default.clone())
        .unwrap_or_default();
    if variable.secret && !is_placeholder(&example) {
        SECRET_PLACEHOLDER.to_owned()
    } else {
        example
    }
}
