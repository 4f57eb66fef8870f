//! Markdown: inline text and code spans that cannot break a table cell, and GitHub's heading
//! anchors.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_tables() {
        assert_eq!(markdown_text("a|b\nc"), "a\\|b<br>c");
        assert_eq!(markdown_code("a`b|c"), "``a`b\\|c``");
        assert_eq!(markdown_anchor("odoo18-prod"), "odoo18-prod");
    }
}
