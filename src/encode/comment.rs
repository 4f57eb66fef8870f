//! Free text as `#` comment lines, which YAML and dotenv files share: a line break cannot end
//! the comment, and characters their readers refuse are written escaped.

use std::fmt::Write as _;

use super::yaml::is_yaml_printable;

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
