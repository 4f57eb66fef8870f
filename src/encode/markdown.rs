//! Markdown: inline text and code spans that cannot break a table cell, and GitHub's heading
//! anchors.

/// Markdown inline text: characters with inline meaning are backslash-escaped, `|` cannot
/// end a table cell, and a line break becomes `<br>` so a cell stays on one line.
pub fn markdown_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Only an `&` that could start an entity (`&amp;`, `&#38;`) is escaped, and with
            // a backslash: `&&` in a note reads as typed in the file, not `&amp;&amp;`.
            '&' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
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

/// Free text written by people (purposes, descriptions, notes): a code span they typed with
/// backticks stays a code span, with its content re-fenced by [`markdown_code`] (inside a
/// table cell, `in_cell`, its `|` escaped as GitHub's table parser needs); everything else is
/// [`markdown_text`]. A backtick run with no closing run of the same length is plain text, as
/// in the `CommonMark` spec, so it is escaped and cannot open a span that swallows what follows.
pub fn markdown_prose(value: &str, in_cell: bool) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut text_start = 0;
    let mut i = 0;
    let bytes = value.as_bytes();
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let body_start = i + run;
        let Some(close) = closing_run(value, body_start, run) else {
            i = body_start;
            continue;
        };
        out.push_str(&markdown_text(&value[text_start..i]));
        out.push_str(&code_span(&value[body_start..close], in_cell));
        i = close + run;
        text_start = i;
    }
    out.push_str(&markdown_text(&value[text_start..]));
    out
}

/// The start of the next run of exactly `run` backticks from `from`.
fn closing_run(value: &str, from: usize, run: usize) -> Option<usize> {
    let bytes = value.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// A typed code span's content as `CommonMark` reads it (line breaks are spaces, one space
/// stripped from each side when both have one), fenced again so nothing can end it early.
fn code_span(content: &str, in_cell: bool) -> String {
    let content = content.replace("\r\n", " ").replace(['\n', '\r'], " ");
    let padded = content.len() >= 2
        && content.starts_with(' ')
        && content.ends_with(' ')
        && !content.trim().is_empty();
    let content = if padded {
        content[1..content.len() - 1].to_owned()
    } else {
        content
    };
    if in_cell {
        markdown_code(&content)
    } else {
        // Outside a table a `\|` in a code span would show its backslash.
        markdown_code(&content).replace("\\|", "|")
    }
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
        assert_eq!(markdown_text("a && b &amp;"), "a && b \\&amp;");
        assert_eq!(
            markdown_prose("run `make && up` *now* ``a`b``", true),
            "run `make && up` \\*now\\* ``a`b``"
        );
        assert_eq!(markdown_prose("one ` tick", false), "one \\` tick");
        assert_eq!(markdown_prose("`a|b`", true), "`a\\|b`");
        assert_eq!(markdown_prose("`a|b`", false), "`a|b`");
    }
}
