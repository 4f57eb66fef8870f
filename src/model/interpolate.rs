//! Every `${VAR}` seisei writes carries the spec's meaning for VAR: a reference the spec wrote
//! bare (`${VAR}` or `$VAR`) to a declared variable becomes `${VAR:?…}` when it is required,
//! `${VAR:-default}` when it has a default and `${VAR:-}` when it is optional, wherever it
//! appears (environment, command, image, labels, healthcheck, the escape hatch). Compose
//! reads a bare reference to an unset variable as a blank string, which would start a
//! database with an empty password while `.env.example` says "required".

use std::collections::BTreeSet;

use super::references::{Form, scan};
use super::validate::variables_in;
use super::variable_reference;
use crate::spec;

/// The variable a name refers to in one stack: the stack's own, else the platform's.
pub(crate) type Lookup<'a> = dyn Fn(&str) -> Option<&'a spec::Variable> + 'a;

/// `text` with each bare reference to a declared variable guarded. References that already
/// carry an operator keep it (the spec chose it), with their operand guarded in turn; `$$`
/// and undeclared names are copied as written (validation reports the latter).
pub(crate) fn guard(text: &str, lookup: &Lookup<'_>) -> String {
    if !text.contains('$') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for reference in scan(text).filter_map(Result::ok) {
        let replacement = match reference.form {
            Form::Bare => lookup(reference.name).map(|v| variable_reference(reference.name, v)),
            Form::Operator { op, operand } => Some(format!(
                "${{{}{op}{}}}",
                reference.name,
                guard(operand, lookup)
            )),
        };
        if let Some(replacement) = replacement {
            out.push_str(&text[copied..reference.span.start]);
            out.push_str(&replacement);
            copied = reference.span.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// [`guard`] applied to every string inside an escape-hatch value. Keys are left alone:
/// Compose does not interpolate them.
pub(crate) fn guard_value(value: &serde_yaml::Value, lookup: &Lookup<'_>) -> serde_yaml::Value {
    use serde_yaml::Value;
    match value {
        Value::String(s) => Value::String(guard(s, lookup)),
        Value::Sequence(items) => {
            Value::Sequence(items.iter().map(|v| guard_value(v, lookup)).collect())
        }
        Value::Mapping(map) => Value::Mapping(
            map.iter()
                .map(|(k, v)| (k.clone(), guard_value(v, lookup)))
                .collect(),
        ),
        Value::Tagged(tagged) => Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: tagged.tag.clone(),
            value: guard_value(&tagged.value, lookup),
        })),
        other => other.clone(),
    }
}

/// Every variable name a service refers to: its `env` list and every reference in a
/// string Compose interpolates. Strings that do not parse are skipped (validation reports
/// them).
pub(crate) fn referenced(service: &spec::Service) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = service.env.iter().flatten().cloned().collect();
    for text in interpolated_strings(service) {
        if let Ok(found) = variables_in(&text) {
            names.extend(found);
        }
    }
    names
}

/// The strings of a service that Compose interpolates, whatever field they are in.
pub(crate) fn interpolated_strings(service: &spec::Service) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(service.image.iter().cloned());
    out.extend(service.environment.values().cloned());
    out.extend(service.command.iter().flatten().cloned());
    if let Some(check) = &service.healthcheck {
        out.extend(check.test.parts());
    }
    for value in service.compose.values() {
        out.extend(super::validate::strings_in(value));
    }
    out.extend(super::service_fields::interpolated(service));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(required: bool, default: Option<&str>) -> spec::Variable {
        spec::Variable {
            description: "x".into(),
            required,
            secret: false,
            example: None,
            default: default.map(str::to_owned),
        }
    }

    #[test]
    fn bare_references_take_the_declared_meaning() {
        let req = var(true, None);
        let opt = var(false, None);
        let def = var(false, Some("UTC"));
        let lookup = |name: &str| match name {
            "PW" => Some(&req),
            "OPT" => Some(&opt),
            "TZ" => Some(&def),
            _ => None,
        };
        let lookup: &Lookup<'_> = &lookup;
        assert_eq!(guard("${PW}", lookup), "${PW:?set PW in .env}");
        assert_eq!(guard("a $PW b", lookup), "a ${PW:?set PW in .env} b");
        assert_eq!(guard("${OPT}/${TZ}", lookup), "${OPT:-}/${TZ:-UTC}");
        assert_eq!(guard("$$PW ${PW:-x}", lookup), "$$PW ${PW:-x}");
        assert_eq!(guard("${X:-${PW}}", lookup), "${X:-${PW:?set PW in .env}}");
        assert_eq!(guard("${UNDECLARED} $", lookup), "${UNDECLARED} $");
    }
}
