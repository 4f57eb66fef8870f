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
pub(in crate::spec) fn forbidden_control(c: char) -> bool {
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

/// Whether `source` passes the checks made before it is parsed: its characters and version.
pub(in crate::spec) fn readable(source: &str) -> bool {
    check_characters(source).is_ok() && check_version(source).is_ok()
}

/// Bytes `check_characters` tests at once.
const CHECK_BLOCK: usize = 64;

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
    // Most blocks hold none of the bytes `bad` looks at twice: a branch-free test of a whole
    // block (which the compiler vectorizes) skips them, so a spec of megabytes is checked
    // at memory speed before the parser starts.
    let candidate =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) | matches!(b, 0x7f | 0xc2 | 0xef);
    let found = bytes
        .chunks(CHECK_BLOCK)
        .enumerate()
        .find_map(|(n, block)| {
            if !block.iter().fold(false, |any, &b| any | candidate(b)) {
                return None;
            }
            let start = n * CHECK_BLOCK;
            (start..start + block.len()).find(|&i| bad(i))
        });
    let Some(offset) = found else {
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
    // `contains` searches with SIMD; almost no spec names a version at all.
    if !source.contains("%YAML") {
        return Ok(());
    }
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

#[cfg(test)]
mod tests {
    use super::{CHECK_BLOCK, check_characters};

    /// The block test must not miss a character at either edge of a block, nor one whose
    /// bytes straddle two blocks, and must still let through what only looks suspicious.
    #[test]
    fn finds_control_characters_at_every_block_edge() {
        for at in [
            0,
            1,
            CHECK_BLOCK - 2,
            CHECK_BLOCK - 1,
            CHECK_BLOCK,
            2 * CHECK_BLOCK - 1,
        ] {
            for bad in ["\u{7}", "\u{7f}", "\u{85}\u{9b}", "\u{fffe}"] {
                let mut text = "a".repeat(at);
                text.push_str(bad);
                text.push_str(&"b".repeat(3 * CHECK_BLOCK));
                let error = check_characters(&text).expect_err(&format!("{bad:?} at {at}"));
                let column =
                    text[..at].chars().count() + usize::from(bad.starts_with('\u{85}')) + 1;
                assert_eq!(error.span.column, column, "{bad:?} at {at}");
            }
        }
        let fine = format!("{}©\u{85}\u{feff}é\t\r\n", "x".repeat(CHECK_BLOCK - 1));
        assert!(check_characters(&fine).is_ok());
    }
}
