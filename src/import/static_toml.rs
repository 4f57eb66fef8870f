//! A `traefik.toml` static configuration read into the same YAML tree a `traefik.yml` gives
//! (tables as mappings, arrays of tables as lists), so that [`super::static_config`] and
//! everything after it read both alike. Input: the file; output: its text and the tree, or
//! its syntax error at its line and column.

// Diagnostics are returned by value, as the other readers of `import` do (see compose.rs).
#![allow(clippy::result_large_err)]

use std::path::Path;

use serde_yaml::{Mapping, Number, Value};
use toml_edit::{Document, Item, Table, Value as TomlValue};

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::fsread;

/// Reads and converts one TOML file.
pub fn read(path: &Path) -> Result<(String, Value), Diagnostic> {
    let text = fsread::read_text(path, super::MAX_FILE_BYTES).map_err(|e| {
        Diagnostic::new(Code::Io, path, None, format!("cannot read the file: {e}"))
            .with_help("make it a readable UTF-8 file")
    })?;
    let document = Document::parse(text.as_str()).map_err(|e| {
        let span = e.span().map(|range| point(&text, range.start));
        Diagnostic::new(
            Code::InvalidOption,
            path,
            span,
            format!("invalid TOML: {}", e.message().trim_end()),
        )
        .with_help("fix the TOML (Traefik refuses this file as well), or convert it to traefik.yml")
    })?;
    let root = table(document.as_table());
    Ok((text, root))
}

/// The 1-based line and column of a byte offset.
fn point(text: &str, offset: usize) -> Span {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Span::point(line, column)
}

fn table(table: &Table) -> Value {
    let mut out = Mapping::new();
    for (key, item) in table {
        if let Some(value) = item_value(item) {
            out.insert(Value::String(key.to_owned()), value);
        }
    }
    Value::Mapping(out)
}

fn item_value(item: &Item) -> Option<Value> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value(v)),
        Item::Table(t) => Some(table(t)),
        Item::ArrayOfTables(tables) => Some(Value::Sequence(tables.iter().map(table).collect())),
    }
}

fn value(value: &TomlValue) -> Value {
    match value {
        TomlValue::String(s) => Value::String(s.value().clone()),
        TomlValue::Integer(i) => Value::Number(Number::from(*i.value())),
        TomlValue::Float(f) => Value::Number(Number::from(*f.value())),
        TomlValue::Boolean(b) => Value::Bool(*b.value()),
        TomlValue::Datetime(d) => Value::String(d.value().to_string()),
        TomlValue::Array(items) => Value::Sequence(items.iter().map(self::value).collect()),
        TomlValue::InlineTable(t) => {
            let mut out = Mapping::new();
            for (key, v) in t {
                out.insert(Value::String(key.to_owned()), self::value(v));
            }
            Value::Mapping(out)
        }
    }
}

/// The line where a dotted key path starts in TOML text: a table header (`[a.b]`,
/// `[[a.b]]`) or a `key = value` line whose full path (under the header above it) begins
/// with `segments`, compared case-insensitively as Traefik compares keys.
pub fn line_of(text: &str, segments: &[&str]) -> Option<usize> {
    let split = |dotted: &str| -> Vec<String> {
        dotted
            .split('.')
            .map(|p| p.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
            .collect()
    };
    let wanted: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let mut table: Vec<String> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        let path = if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_start_matches('[');
            let header = header.split(']').next().unwrap_or_default();
            table = split(header);
            table.clone()
        } else if let Some((key, _)) = line.split_once('=').filter(|_| !line.starts_with('#')) {
            let mut path = table.clone();
            path.extend(split(key));
            path
        } else {
            continue;
        };
        if path.starts_with(&wanted) {
            return Some(index + 1);
        }
    }
    None
}
