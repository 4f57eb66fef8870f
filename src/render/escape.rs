//! Escaping for every output format, so a value can only ever land as the value it is.
//! The escapers are wired by template extension in `askama.toml`; the filters cover the
//! contexts an escaper cannot see (a literal `$` for Compose, a comment line, a code span).

use std::fmt::{self, Write};

use askama::filters::{Escaper, Safe};

/// YAML scalars: written plain only when every YAML 1.1 and 1.2 reader takes them for the
/// same string; otherwise single-quoted, or double-quoted when they hold control characters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Yaml;

impl Escaper for Yaml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&yaml_scalar(string))
    }
}

/// YAML for Traefik's dynamic files, which Traefik renders as Go templates before it reads
/// them as YAML: a literal `{{` is written as the template action `{{"{{"}}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraefikYaml;

impl Escaper for TraefikYaml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&go_template_literal(&yaml_scalar(string)))
    }
}

/// Values in a `.env` file as Compose's dotenv reader parses them.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvValue;

impl Escaper for EnvValue {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&env_value(string))
    }
}

/// Inline Markdown text, safe inside a table cell.
#[derive(Debug, Clone, Copy, Default)]
pub struct Markdown;

impl Escaper for Markdown {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&markdown_text(string))
    }
}

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

/// Escapes a Go template's left delimiter. Runs on the final YAML text, after quoting, so
/// the action's own quotes are never touched by YAML escaping.
pub fn go_template_literal(text: &str) -> String {
    text.replace("{{", "{{\"{{\"}}")
}

/// The `.env` form of a value: bare when it is plain, single-quoted (literal, no
/// interpolation) when possible, else double-quoted with escapes and `$$` for `$`.
/// A value for which [`env_value_reads_back`] is false has no spelling at all; validation
/// refuses such examples, so they never reach this function.
pub fn env_value(value: &str) -> String {
    let plain = value.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '.' | '/' | '-' | ':' | '@' | ',' | '+' | '=')
    });
    if plain {
        value.to_owned()
    } else if !value.contains('\'')
        && !value.ends_with('\\')
        && !value.chars().any(char::is_control)
    {
        format!("'{value}'")
    } else if value.ends_with('\\') && can_go_unquoted(value) {
        // Unquoted values are interpolated: `$$` is a literal `$`.
        value.replace('$', "$$")
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '$' => out.push_str("$$"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// Whether [`env_value`] can write `value` so that Compose reads it back. compose-go ends a
/// quoted value at the first quote that does not follow a backslash, in both quote styles
/// (`dotenv/parser.go`, "skip escaped quote symbol"), so a quoted value cannot end in `\`:
/// one that ends in `\` must go unquoted, and one that cannot (a leading blank or quote, a
/// line break, ` #`) has no spelling that reads back.
pub fn env_value_reads_back(value: &str) -> bool {
    !value.ends_with('\\') || can_go_unquoted(value)
}

/// Whether `value` reads back unquoted: compose-go skips its `isSpace` blanks after `=`,
/// trims `unicode.IsSpace` at the end, ends the value at a line break, cuts it at ` #`, and
/// takes a leading quote for the start of a quoted value.
fn can_go_unquoted(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with(['\t', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}'])
        && value.trim_end() == value
        && !value.starts_with(['\'', '"', '#'])
        && !value.contains(" #")
        && !value
            .chars()
            .any(|c| c.is_control() || !is_yaml_printable(c))
}

/// Markdown inline text: characters with inline meaning are backslash-escaped, `|` cannot
/// end a table cell, and a line break becomes `<br>` so a cell stays on one line.
pub fn markdown_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span that survives any content: the fence is longer than any run of
/// backticks inside, and `|` is escaped because GitHub splits table cells before it parses
/// code spans.
pub fn markdown_code(value: &str) -> String {
    let longest_run = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let body = value.replace(['\n', '\r'], " ").replace('|', "\\|");
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// The anchor GitHub gives a heading: lower-cased, punctuation dropped, spaces to `-`.
pub fn markdown_anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

/// Filters used by the templates. Each returns text for one context; the escaper of the
/// template then quotes the result as a whole, unless the filter marks it [`Safe`].
// The `filter_fn` macro marks its generated glue `#[inline(always)]`.
#[allow(clippy::inline_always)]
pub mod filters {
    use std::fmt::Display;

    use super::Safe;

    /// A literal value in a Compose file: Compose interpolates `$`, so a literal one is `$$`.
    #[askama::filter_fn]
    pub fn compose_literal(
        value: impl Display,
        _env: &dyn askama::Values,
    ) -> askama::Result<String> {
        Ok(value.to_string().replace('$', "$$"))
    }

    /// A YAML integer, unquoted. Anything that does not read back as an integer fails the
    /// render instead of landing unquoted.
    #[askama::filter_fn]
    pub fn int(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<i128>> {
        value
            .to_string()
            .parse::<i128>()
            .map(Safe)
            .map_err(|e| askama::Error::Custom(Box::new(e)))
    }

    /// A YAML boolean, unquoted; anything but `true` or `false` fails the render.
    #[askama::filter_fn]
    pub fn boolean(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<bool>> {
        value
            .to_string()
            .parse::<bool>()
            .map(Safe)
            .map_err(|e| askama::Error::Custom(Box::new(e)))
    }

    /// Free text continued as `#` comment lines, so a newline cannot end the comment.
    #[askama::filter_fn]
    pub fn comment(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(super::comment_text(&value.to_string())))
    }

    /// A Markdown code span.
    #[askama::filter_fn]
    pub fn code(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(super::markdown_code(&value.to_string())))
    }

    /// The GitHub anchor of a heading.
    #[askama::filter_fn]
    pub fn anchor(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(super::markdown_anchor(&value.to_string())))
    }

    /// An arbitrary YAML value (the escape hatch) at `indent` spaces: ` scalar` on the same
    /// line, or a block on the following lines. Strings go through the same quoting as every
    /// other scalar, so the escape hatch cannot smuggle in a key or a YAML 1.1 boolean.
    #[askama::filter_fn]
    pub fn yaml_value(
        value: &serde_yaml::Value,
        _env: &dyn askama::Values,
        indent: usize,
    ) -> askama::Result<Safe<String>> {
        let mut out = String::new();
        super::emit_yaml(value, indent, &mut out);
        Ok(Safe(out))
    }
}

/// Free text as the body of `#` comment lines: every kind of line break starts a new comment
/// line, and characters a YAML or dotenv reader refuses are written as `\u{…}`.
pub fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str("\n# "),
            '\t' => out.push(' '),
            c if !is_yaml_printable(c) || c == '\u{feff}' => {
                let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// YAML 1.2's printable set (`c-printable`): what a YAML file may hold unescaped.
fn is_yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Writes `value` as YAML at `indent` spaces, for the escape hatch: scalars after a space on
/// the current line, collections as blocks on the following lines.
fn emit_yaml(value: &serde_yaml::Value, indent: usize, out: &mut String) {
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
                emit_yaml(item, indent + 2, out);
            }
        }
        Value::Sequence(items) if !items.is_empty() => {
            for item in items {
                out.push('\n');
                out.push_str(&pad);
                out.push('-');
                // A collection inside a list item starts on the next line, indented.
                emit_yaml(item, indent + 2, out);
            }
        }
        Value::Mapping(_) => out.push_str(" {}"),
        Value::Sequence(_) => out.push_str(" []"),
        Value::Tagged(tagged) => {
            let _ = write!(out, " {}", tagged.tag);
            emit_yaml(&tagged.value, indent, out);
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
            emit_yaml(&value, 2, &mut body);
            let document = format!("x-key:{body}\n");
            let read: serde_yaml::Value =
                serde_yaml::from_str(&document).unwrap_or_else(|e| panic!("{document}: {e}"));
            assert_eq!(read.get("x-key"), Some(&value), "{document}");
            let strict = saphyr_parser::Parser::new_from_str(&document).find(Result::is_err);
            assert!(strict.is_none(), "{document}: {strict:?}");
        }
    }

    #[test]
    fn escapes_go_template_delimiters() {
        assert_eq!(go_template_literal("'a{{b'"), "'a{{\"{{\"}}b'");
    }

    #[test]
    fn env_values_are_quoted_for_dotenv() {
        assert_eq!(
            env_value("postgres://a:b@h:5432/db"),
            "postgres://a:b@h:5432/db"
        );
        assert_eq!(env_value("a b"), "'a b'");
        assert_eq!(env_value("it's $HOME"), "\"it's $$HOME\"");
        // A trailing backslash goes unquoted where it can; elsewhere it cannot be written.
        assert_eq!(env_value("C:\\dir $x\\"), "C:\\dir $$x\\");
        assert!(env_value_reads_back("C:\\dir\\"));
        assert!(env_value_reads_back(" a\\b"));
        // compose-go skips only its own blanks after `=`, not every Unicode space.
        assert_eq!(env_value("\u{2028}a\\"), "\u{2028}a\\");
        for unwritable in [" a\\", "'a\\", "\"a\\", "a\nb\\", "a #b\\", "#a\\"] {
            assert!(!env_value_reads_back(unwritable), "{unwritable:?}");
        }
    }

    #[test]
    fn markdown_cells_cannot_break_tables() {
        assert_eq!(markdown_text("a|b\nc"), "a\\|b<br>c");
        assert_eq!(markdown_code("a`b|c"), "``a`b\\|c``");
        assert_eq!(markdown_anchor("odoo18-prod"), "odoo18-prod");
    }
}
