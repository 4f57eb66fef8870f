//! YAML: a string as a scalar every YAML 1.1 and 1.2 reader takes for that same string, and an
//! arbitrary escape-hatch value as block YAML at an indent.

use std::fmt::Write as _;

/// The YAML form of a string scalar.
pub fn yaml_scalar(value: &str) -> String {
    if is_plain_safe(value) {
        value.to_owned()
    } else if value.chars().all(|c| {
        is_yaml_printable(c)
            && !c.is_control()
            && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
    }) {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\u{85}' => out.push_str("\\N"),
                '\u{2028}' => out.push_str("\\L"),
                '\u{2029}' => out.push_str("\\P"),
                c if c.is_control() || c == '\u{feff}' || !is_yaml_printable(c) => {
                    // Every character outside the printable set is in the BMP.
                    let _ = write!(out, "\\u{:04X}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// Plain scalars are limited to a small alphabet and must not read as anything but a string
/// in YAML 1.1 (`yes`, `off`, `0755`, `1_000`, `22:22`) or 1.2 (`true`, `null`, `1e3`).
fn is_plain_safe(value: &str) -> bool {
    const RESERVED: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    let Some(first) = value.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if !value.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '@' | ',' | '+' | '=')
    }) {
        return false;
    }
    !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(value))
}

/// YAML 1.2's printable set (`c-printable`): what a YAML file may hold unescaped. The dotenv
/// and comment encoders use it too: their text lands in files YAML tools also read.
pub fn is_yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Writes `value` as YAML at `indent` spaces, for the escape hatch: scalars after a space on
/// the current line, collections as blocks on the following lines.
pub fn yaml_value(value: &serde_yaml::Value, indent: usize, out: &mut String) {
    use serde_yaml::Value;
    let pad = " ".repeat(indent);
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            for (key, item) in map {
                out.push('\n');
                out.push_str(&pad);
                if is_collection(key) {
                    // Validation refuses collection keys in `compose`; should one get here,
                    // it is written as an explicit `? key` in flow style, which reads back.
                    out.push_str("? ");
                    out.push_str(&flow(key));
                    out.push('\n');
                    out.push_str(&pad);
                } else {
                    out.push_str(&yaml_key(key));
                }
                out.push(':');
                yaml_value(item, indent + 2, out);
            }
        }
        Value::Sequence(items) if !items.is_empty() => {
            for item in items {
                out.push('\n');
                out.push_str(&pad);
                out.push('-');
                // A collection inside a list item starts on the next line, indented.
                yaml_value(item, indent + 2, out);
            }
        }
        Value::Mapping(_) => out.push_str(" {}"),
        Value::Sequence(_) => out.push_str(" []"),
        Value::Tagged(tagged) => {
            let _ = write!(out, " {}", tagged.tag);
            yaml_value(&tagged.value, indent, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&yaml_key(scalar));
        }
    }
}

/// A scalar (or a key) in YAML: strings quoted as needed, other scalars as YAML writes them.
/// A collection, which only a key reached past validation could be, is written in flow
/// style on one line.
fn yaml_key(value: &serde_yaml::Value) -> String {
    use serde_yaml::Value;
    match value {
        Value::String(s) => yaml_scalar(s),
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, yaml_key(&tagged.value)),
        collection => flow(collection),
    }
}

/// Whether `value`, tags aside, is a mapping or a sequence.
fn is_collection(value: &serde_yaml::Value) -> bool {
    use serde_yaml::Value;
    match value {
        Value::Mapping(_) | Value::Sequence(_) => true,
        Value::Tagged(tagged) => is_collection(&tagged.value),
        _ => false,
    }
}

/// `value` in YAML's flow style, on one line: `{a: b, c: [1, 2]}`. Plain scalars with a
/// comma are quoted, since a comma ends an entry in flow style.
fn flow(value: &serde_yaml::Value) -> String {
    use serde_yaml::Value;
    match value {
        Value::Mapping(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", flow(k), flow(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, flow(&tagged.value)),
        Value::String(s) if is_plain_safe(s) && s.contains(',') => {
            format!("'{s}'")
        }
        scalar => yaml_key(scalar),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_yaml_would_misread() {
        for tricky in [
            "yes", "No", "ON", "~", "0755", "1e3", "22:22", "", " x", "a: b", "a #b", "*x", "&x",
            "!x", "%x", "@x", "`x", "-", "null", ".5", "1_000", "0x1F",
        ] {
            assert_ne!(yaml_scalar(tricky), tricky, "{tricky:?} must be quoted");
        }
        for plain in [
            "edge",
            "postgres",
            "ghcr.io/seisei/crm-api",
            "/var/lib/odoo",
            "unless-stopped",
        ] {
            assert_eq!(yaml_scalar(plain), plain);
        }
        assert_eq!(yaml_scalar("it's"), "'it''s'");
        assert_eq!(yaml_scalar("a\nb"), "\"a\\nb\"");
    }

    /// Collection keys, which validation refuses in `compose`, still come out as YAML that
    /// reads back to the same value, never as a block flattened onto one line.
    #[test]
    fn collection_keys_read_back() {
        for text in [
            "? {a: b, c: d}\n: v\n",
            "? [1, [2, 3]]\n: w\n",
            "? {a: 'x,y', '': [true, null]}\n: {k: v}\n",
            "? !tag [a]\n: [1, 2]\n",
            "plain: {? {nested: key} : value}\n",
            "? []\n: {}\n",
        ] {
            let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
            let mut body = String::new();
            yaml_value(&value, 2, &mut body);
            let document = format!("x-key:{body}\n");
            let read: serde_yaml::Value =
                serde_yaml::from_str(&document).unwrap_or_else(|e| panic!("{document}: {e}"));
            assert_eq!(read.get("x-key"), Some(&value), "{document}");
            let strict = saphyr_parser::Parser::new_from_str(&document).find(Result::is_err);
            assert!(strict.is_none(), "{document}: {strict:?}");
        }
    }
}
