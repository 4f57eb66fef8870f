//! Variables in a compose file and an env file: every `${NAME}` reference with the default its
//! operator gives, the names whose values are credentials whatever they look like, and the
//! spec variable an env file entry becomes. Input: strings; output: names and variables.

use serde_yaml::Value;

use super::envfile::EnvVar;
use crate::spec::{self};
/// Names whose values are credentials even when they do not look random (`DB_PASSWORD`).
pub fn secret_name(name: &str) -> bool {
    name.to_ascii_uppercase()
        .split(['_', '-', '.'])
        .any(|part| {
            matches!(
                part,
                "PASSWORD" | "PASSWD" | "PASS" | "PWD" | "SECRET" | "TOKEN" | "KEY" | "APIKEY"
            )
        })
}

/// Every `${NAME…}` and `$NAME` in `text` with the default its operator gives, if any, read
/// with the scanner validation uses (`model::references`).
pub fn references(text: &str) -> Vec<(String, Option<String>)> {
    use crate::model::references::{Form, scan};
    scan(text)
        .filter_map(Result::ok)
        .map(|r| {
            let default = match r.form {
                Form::Operator {
                    op: ":-" | "-",
                    operand,
                } => Some(operand.to_owned()),
                _ => None,
            };
            (r.name.to_owned(), default)
        })
        .collect()
}

pub(crate) fn strings_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|v| strings_in(v, out)),
        Value::Mapping(m) => m.iter().for_each(|(k, v)| {
            strings_in(k, out);
            strings_in(v, out);
        }),
        Value::Tagged(t) => strings_in(&t.value, out),
        _ => {}
    }
}

pub(crate) fn continue_insert(stack: &mut spec::Stack, var: &EnvVar, v: spec::Variable) {
    stack.env.insert(var.name.clone(), v);
}

pub(crate) fn variable(
    var: &EnvVar,
    file: &str,
    references: &[(String, Option<String>)],
) -> spec::Variable {
    let default = references
        .iter()
        .find(|(n, d)| *n == var.name && d.is_some())
        .and_then(|(_, d)| d.clone());
    spec::Variable {
        description: var
            .description
            .clone()
            .unwrap_or_else(|| format!("Imported from {file}")),
        required: default.is_none(),
        secret: false,
        // `.env.example` shows the default when there is no example; saying so keeps a
        // second import of the generated file the same.
        example: var
            .value
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| default.clone()),
        default,
    }
}
