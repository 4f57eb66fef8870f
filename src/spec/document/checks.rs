//! Checks of the document builder that read no tree: the characters a file may hold, its
//! `%YAML` version, what a tag makes of a node, and which characters a name or a text may not
//! hold. Input: the source or one event's parts; output: a verdict.

use saphyr_parser::Tag;

use super::ParseError;
use crate::diagnostics::Span;

/// Fields whose text is printed or written to Markdown as it is: a control character in one
/// would reach a terminal or a rendered page. Every key is a name and is checked too.
pub(super) const FREE_TEXT: [&str; 5] = ["purpose", "description", "note", "name", "role"];

/// Control findings recorded at most; the first ones say what to fix.
pub(super) const MAX_CONTROL_FINDINGS: usize = 100;

/// A control character that may not stand in a name or free text: all but tab and line feed.
pub(super) fn forbidden_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// What a tag makes of a scalar: the core schema's tags are honoured (`!!str 3001` is the
/// string `3001`, `!!int "5"` the number 5) when the value is of that type; any other tag,
/// or a core tag on a value of another type, is a finding at its position.
pub(super) enum Tagged {
    /// Read as plain (`true`) or as a quoted string (`false`).
    Plain(bool),
    Unsupported,
    Mismatch,
}

pub(super) fn tagged_scalar(tag: &Tag, value: &str) -> Tagged {
    if !tag.is_yaml_core_schema() {
        return Tagged::Unsupported;
    }
    let resolved = crate::spec::de::core_type(value);
    let fits = match tag.suffix.as_str() {
        "str" => return Tagged::Plain(false),
        "int" => resolved == "int",
        "float" => matches!(resolved, "int" | "float"),
        "bool" => resolved == "bool",
        "null" => resolved == "null",
        _ => return Tagged::Unsupported,
    };
    if fits {
        Tagged::Plain(true)
    } else {
        Tagged::Mismatch
    }
}

/// `!!seq` on a sequence and `!!map` on a mapping say what the node already is.
pub(super) fn harmless_collection(tag: &Tag, mapping: bool) -> bool {
    tag.is_yaml_core_schema() && tag.suffix == if mapping { "map" } else { "seq" }
}

pub(super) fn tag_text(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// YAML 1.2 allows tab, line feed and carriage return of the C0 controls, NEL of the C1
/// ones, and neither DEL nor U+FFFE/U+FFFF; libyaml refuses the rest, and an escape sequence
/// in a name or a description would reach a terminal from every generated file.
pub(super) fn check_characters(source: &str) -> Result<(), ParseError> {
    // Byte by byte: the forbidden characters are ASCII, or start with a lead byte (0xC2 for
    // C1, 0xEF for U+FFFE/U+FFFF) that never occurs inside another character.
    let bytes = source.as_bytes();
    let bad = |i: usize| match bytes[i] {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => bytes
            .get(i + 1)
            .is_some_and(|&n| (0x80..=0x9f).contains(&n) && n != 0x85),
        0xef => bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)),
        _ => false,
    };
    let Some(offset) = (0..bytes.len()).find(|&i| bad(i)) else {
        return Ok(());
    };
    let c = source[offset..].chars().next().unwrap_or('\0');
    let (line, column) = crate::diagnostics::line_column(&source[..offset]);
    Err(ParseError {
        message: format!(
            "the file contains control characters (U+{:04X} here)",
            u32::from(c)
        ),
        help: Some(format!(
            "remove it; if it is meant, write it as `\\u{:04X}` inside double quotes",
            u32::from(c)
        )),
        span: Span::point(line, column),
    })
}

/// A `%YAML` directive for a version other than 1.x: the file may mean something else.
pub(super) fn check_version(source: &str) -> Result<(), ParseError> {
    for (i, line) in crate::diagnostics::lines(source).enumerate() {
        if line.starts_with("---") {
            break;
        }
        let Some(version) = line.strip_prefix("%YAML") else {
            continue;
        };
        let version = version.split('#').next().unwrap_or("").trim();
        if !version.starts_with("1.") {
            return Err(ParseError {
                message: format!("incompatible YAML document: version `{version}`"),
                help: Some("seisei reads YAML 1.2; remove the `%YAML` line".to_owned()),
                span: Span::point(i + 1, 1),
            });
        }
    }
    Ok(())
}
