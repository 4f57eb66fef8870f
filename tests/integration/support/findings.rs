//! Small helpers: the mismatches of one test reported together, and YAML values to compare.

use std::collections::BTreeSet;
use std::fmt::{Debug, Display};
use std::path::Path;

use saphyr_parser::Parser;
use seisei::Compiled;
use serde_yaml::Value;

use crate::support::readers::*;

/// Every mismatch of one test, reported together.
#[derive(Default)]
pub(crate) struct Findings(Vec<String>);

impl Findings {
    // Callers compare temporaries (parsed values, built expectations) as often as borrowed
    // data; taking both by value keeps each call site one line.
    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn same<T: PartialEq + Debug>(
        &mut self,
        what: impl Display,
        actual: T,
        expected: T,
    ) {
        if actual != expected {
            self.0.push(format!(
                "{what}:\n      found    {actual:?}\n      expected {expected:?}"
            ));
        }
    }

    pub(crate) fn fail(&mut self, message: String) {
        self.0.push(message);
    }

    #[track_caller]
    pub(crate) fn assert_none(self, spec: &Path) {
        assert!(
            self.0.is_empty(),
            "{}: {} problem(s)\n  - {}",
            spec.display(),
            self.0.len(),
            self.0.join("\n  - ")
        );
    }
}

pub(crate) fn artifact_text<'a>(compiled: &'a Compiled, path: &str) -> Option<&'a str> {
    compiled
        .artifacts
        .iter()
        .find(|a| a.path == path)
        .map(|a| std::str::from_utf8(&a.bytes).expect("generated files are UTF-8"))
}

/// Parses a generated YAML file, after Traefik's Go template step when `templated`.
pub(crate) fn yaml_artifact(
    compiled: &Compiled,
    path: &str,
    templated: bool,
    findings: &mut Findings,
) -> Option<Value> {
    let Some(text) = artifact_text(compiled, path) else {
        findings.fail(format!("{path}: not generated"));
        return None;
    };
    let text = if templated {
        match render_go_template(text) {
            Ok(text) => text,
            Err(e) => {
                findings.fail(format!("{path}: {e}"));
                return None;
            }
        }
    } else {
        text.to_owned()
    };
    // libyaml (serde_yaml) is lenient where YAML 1.2 is not, e.g. a BOM inside a document:
    // the file must read with a YAML 1.2 parser as well.
    if let Some(Err(e)) = Parser::new_from_str(&text).find(Result::is_err) {
        findings.fail(format!("{path}: is not valid YAML 1.2: {e}\n{text}"));
        return None;
    }
    match serde_yaml::from_str(&text) {
        Ok(value) => Some(value),
        Err(e) => {
            findings.fail(format!("{path}: does not parse as YAML: {e}\n{text}"));
            None
        }
    }
}

pub(crate) fn is_yaml(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

/// A literal value as Compose must see it: `$` doubled, since Compose interpolates `$`.
pub(crate) fn literal(text: &str) -> String {
    text.replace('$', "$$")
}

pub(crate) fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

pub(crate) fn strings<I>(items: I) -> Value
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    Value::Sequence(items.into_iter().map(|i| s(i.as_ref())).collect())
}

pub(crate) fn mapping(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::Mapping(
        entries
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect(),
    )
}

pub(crate) fn set<const N: usize>(items: [&str; N]) -> BTreeSet<String> {
    items.iter().map(|&i| i.to_owned()).collect()
}

/// The keys of a mapping, or nothing for any other value.
pub(crate) fn keys(value: &Value) -> BTreeSet<String> {
    match value {
        Value::Mapping(map) => map
            .keys()
            .map(|k| match k {
                Value::String(k) => k.clone(),
                other => format!("{other:?}"),
            })
            .collect(),
        _ => BTreeSet::new(),
    }
}
