//! Go text: string literals for Traefik rules, which Traefik reads with Go's scanner, and the
//! escaped template delimiter for Traefik's dynamic files, which it renders as Go templates.

use std::fmt::Write as _;

/// A Go raw string literal when it carries the value exactly, else an interpreted one.
/// Traefik parses rules with Go's scanner (`go/parser` via `vulcand/predicate`), whose raw
/// strings cannot hold a backtick, silently drop carriage returns (Go spec, "String
/// literals"), and, like all Go source, may not hold NUL or a byte order mark.
pub fn string_literal(value: &str) -> String {
    if !value.contains(['`', '\r', '\0', '\u{feff}']) {
        return format!("`{value}`");
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `\u` rather than `\x`: in Go, `\x80` is one byte, not the character U+0080.
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes a Go template's left delimiter. Runs on the final YAML text, after quoting, so
/// the action's own quotes are never touched by YAML escaping.
pub fn go_template_literal(text: &str) -> String {
    text.replace("{{", "{{\"{{\"}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_go_template_delimiters() {
        assert_eq!(go_template_literal("'a{{b'"), "'a{{\"{{\"}}b'");
    }
}
