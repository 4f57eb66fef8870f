//! Source lines under a diagnostic: finding line N, cutting a long line to a window around
//! the caret, masking secrets on it and escaping control characters. Input: a file's text
//! and a span; output: the line as printed and where its carets go.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Span;

/// Where each line of a text starts, built in one pass so that finding line N is a lookup.
/// Lines are those YAML sees: split at `\n`, `\r\n` or a lone `\r` (old Mac files), the
/// break dropped, as [`lines`] splits them.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = Vec::new();
        if !text.is_empty() {
            starts.push(0);
        }
        let bytes = text.as_bytes();
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| {
                    (b == b'\n' || b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                        && i + 1 < text.len()
                })
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// Line `number` (1-based) without its line break, or `None` past the end.
    pub fn line(&self, number: usize) -> Option<&'a str> {
        let start = *self.starts.get(number.checked_sub(1)?)?;
        let end = self.starts.get(number).copied().unwrap_or(self.text.len());
        let line = &self.text[start..end];
        Some(match line.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => line.strip_suffix('\r').unwrap_or(line),
        })
    }
}

/// The lines of `text` as YAML reads them: split at `\n`, `\r\n` or a lone `\r`, the
/// breaks dropped; like [`str::lines`], a final break ends the last line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let text = rest?;
        let Some(at) = text.find(['\n', '\r']) else {
            rest = None;
            return Some(text);
        };
        let width = if text[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = Some(&text[at + width..]).filter(|t| !t.is_empty());
        Some(&text[..at])
    })
}

/// The 1-based line and column just after `before`, counting lines as [`lines`] does and
/// columns in characters.
pub fn line_column(before: &str) -> (usize, usize) {
    let bytes = before.as_bytes();
    let mut line = 1;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            line += 1;
            start = i + 1;
        }
    }
    (line, before[start..].chars().count() + 1)
}

/// `text` with every control character written as a Rust escape (`\u{1b}`), so text taken
/// from a spec (a stack name, a message quoting a value) cannot move the cursor, clear the
/// screen or start a hyperlink on the terminal that shows a diagnostic.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// No character further than this from the caret is ever shown in a snippet: masks beyond
/// it need not be kept with a diagnostic.
pub const SHOWN_AROUND_CARET: usize = LONG_LINE + REGION;

/// What a masked secret looks like in a quoted source line.
pub const MASK: &str = "****";

/// Lines longer than this many characters are shown as a window around the caret: a
/// minified or generated line of megabytes would otherwise fill the terminal.
const LONG_LINE: usize = 200;
/// Characters shown before the caret in a window.
const WINDOW_BEFORE: usize = 40;
/// Characters shown in a window in all.
const WINDOW: usize = 120;

/// The source line as printed under a diagnostic, with where its carets go.
pub(super) struct Snippet {
    pub(super) text: String,
    /// Columns before the first caret.
    pub(super) indent: usize,
    /// Number of carets.
    pub(super) width: usize,
}

impl Snippet {
    pub(super) fn new(line: &str, span: Span, masked: &[Span]) -> Snippet {
        // A long line is cut to a region around the caret before anything else, so each
        // diagnostic on a line of megabytes costs the window, not the line.
        let (skipped, region, more) = region(line, span.column.saturating_sub(1));
        let shift = |m: &Span| {
            let on_line = |l: usize| l == span.line;
            Span {
                column: if on_line(m.line) {
                    m.column.saturating_sub(skipped).max(1)
                } else {
                    m.column
                },
                end_column: if on_line(m.end_line) {
                    m.end_column.saturating_sub(skipped).max(1)
                } else {
                    m.end_column
                },
                ..*m
            }
        };
        let masked: Vec<Span> = masked.iter().map(shift).collect();
        // Tabs become one space each, so a caret column is a character count. Control
        // characters (a raw `\r` of a mixed-ending file) become `?` for the same reason.
        let chars: Vec<char> = region
            .chars()
            .map(|c| match c {
                '\t' => ' ',
                c if c.is_control() => '?',
                c => c,
            })
            .collect();
        let (chars, span) = mask(chars, shift(&span), &masked);
        let caret = span.column.saturating_sub(1);
        let width = if span.end_line == span.line {
            span.end_column.saturating_sub(span.column).max(1)
        } else {
            chars.len().saturating_sub(caret).max(1)
        };
        if skipped == 0 && !more && chars.len() <= LONG_LINE {
            return Snippet {
                text: chars.into_iter().collect(),
                indent: caret,
                width,
            };
        }
        // A window around the caret, full width even when the caret is near either end.
        let end = (caret.saturating_sub(WINDOW_BEFORE) + WINDOW).min(chars.len());
        let start = end
            .saturating_sub(WINDOW)
            .min(caret.saturating_sub(WINDOW_BEFORE));
        let mut text = String::new();
        let mut indent = caret - start;
        if start > 0 || skipped > 0 {
            text.push('…');
            indent += 1;
        }
        text.extend(&chars[start..end]);
        if end < chars.len() || more {
            text.push('…');
        }
        // Carets stop at the window's edge; one stays even for a caret past the line's end.
        let width = width.min(end.saturating_sub(caret)).max(1);
        Snippet {
            text,
            indent,
            width,
        }
    }
}

/// Characters kept on either side of the caret when a long line is cut to a region: more
/// than a window, so the window is the same as on the whole line.
const REGION: usize = WINDOW + 8;

/// The part of `line` around character `caret`: how many characters were skipped before it,
/// the part, and whether characters follow it. A line short enough to show whole is kept.
fn region(line: &str, caret: usize) -> (usize, &str, bool) {
    let ascii = line.is_ascii();
    if line.len() <= LONG_LINE || !ascii && line.chars().nth(LONG_LINE).is_none() {
        return (0, line, false);
    }
    let first = caret.saturating_sub(REGION);
    let last = caret + REGION;
    // Byte offsets of characters `first` and `last`: direct for ASCII, counted otherwise.
    let (start, end) = if ascii {
        (first.min(line.len()), last.min(line.len()))
    } else {
        let mut offsets = line.char_indices().map(|(i, _)| i).chain([line.len()]);
        let start = offsets.by_ref().nth(first).unwrap_or(line.len());
        let end = offsets.nth(last - first - 1).unwrap_or(line.len());
        (start, end)
    };
    let skipped = if ascii || start < line.len() {
        first.min(start)
    } else {
        line.chars().count()
    };
    if skipped == 0 && end == line.len() {
        return (0, line, false);
    }
    (skipped, &line[start..end], end < line.len())
}

/// `chars` (line `span.line`) with each masked range on it replaced by [`MASK`], and `span`
/// moved to match: a caret after a mask shifts with it, one inside it covers the mask.
fn mask(chars: Vec<char>, span: Span, masked: &[Span]) -> (Vec<char>, Span) {
    let (line, len) = (span.line, chars.len());
    // The masked ranges on this line, as 0-based half-open character ranges, merged.
    let mut ranges: Vec<(usize, usize)> = masked
        .iter()
        .filter(|m| m.line <= line && line <= m.end_line.max(m.line))
        .map(|m| {
            let start = if m.line == line {
                m.column.max(1) - 1
            } else {
                0
            };
            let end = if m.end_line == line {
                m.end_column.max(1) - 1
            } else {
                len
            };
            (start.min(len), end.min(len))
        })
        .filter(|(start, end)| start < end)
        .collect();
    if ranges.is_empty() {
        return (chars, span);
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    // `map[i]`: where old character `i` (or the mask that covers it) starts in the new line.
    let mut out = Vec::with_capacity(len);
    let mut map = vec![0usize; len + 1];
    let mut i = 0;
    for &(start, end) in &merged {
        while i < start {
            map[i] = out.len();
            out.push(chars[i]);
            i += 1;
        }
        let at = out.len();
        out.extend(MASK.chars());
        map[start..end].fill(at);
        i = end;
    }
    while i < len {
        map[i] = out.len();
        out.push(chars[i]);
        i += 1;
    }
    map[len] = out.len();
    // A 0-based boundary in the old line → the new line; past the end stays past the end.
    let boundary = |old: usize| {
        if old > len {
            return out.len() + (old - len);
        }
        match merged.iter().find(|&&(s, e)| s < old && old < e) {
            Some(&(s, _)) => map[s] + MASK.chars().count(),
            None => map[old],
        }
    };
    let column = map[span.column.saturating_sub(1).min(len)]
        + 1
        + span.column.saturating_sub(1).saturating_sub(len);
    let end_column = if span.end_line == span.line {
        (boundary(span.end_column.saturating_sub(1)) + 1).max(column + 1)
    } else {
        span.end_column
    };
    (
        out,
        Span {
            column,
            end_column,
            ..span
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Diagnostic};
    use std::path::Path;

    /// The index finds the lines `str::lines` finds when no lone `\r` is in the text, line
    /// breaks of either kind included.
    #[test]
    fn line_index_agrees_with_lines() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\n\nc",
            "x\r\n\r\n",
        ] {
            let index = LineIndex::new(text);
            let lines: Vec<&str> = text.lines().collect();
            for number in 0..=lines.len() + 1 {
                let expected = number.checked_sub(1).and_then(|i| lines.get(i).copied());
                assert_eq!(index.line(number), expected, "{text:?} line {number}");
            }
        }
    }

    /// A lone `\r` ends a line, as it does for the YAML parser (old Mac files).
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let index = LineIndex::new("a\rb\r\nc\rd\r");
        let found: Vec<_> = (1..=5).map(|n| index.line(n)).collect();
        assert_eq!(found, [Some("a"), Some("b"), Some("c"), Some("d"), None]);
        assert_eq!(lines("a\rb\n\rc").collect::<Vec<_>>(), ["a", "b", "", "c"]);
        assert_eq!(line_column("ab\rcd"), (2, 3));
        assert_eq!(line_column("ab\r\ncd"), (2, 3));
    }

    /// A long line is cut to a window around the caret, marked with `…` at each cut, and the
    /// caret stays under the character it points at.
    #[test]
    fn long_lines_show_a_window_around_the_caret() {
        let line = format!("key: {}BAD{}", "x".repeat(300), "y".repeat(300));
        let column = line.find("BAD").unwrap() + 1;
        let d = Diagnostic::new(
            Code::InvalidShape,
            Path::new("platform.yaml"),
            Some(Span {
                line: 1,
                column,
                end_line: 1,
                end_column: column + 3,
            }),
            "bad value",
        );
        let text = d.render(Some(&line));
        let lines: Vec<&str> = text.lines().collect();
        let (source, carets) = (lines[3], lines[4]);
        let source = source.strip_prefix("1 | ").unwrap();
        let carets = carets.strip_prefix("  | ").unwrap();
        assert!(source.starts_with('…') && source.ends_with('…'), "{source}");
        assert_eq!(source.chars().count(), WINDOW + 2);
        let under: String = source
            .chars()
            .skip(carets.find('^').unwrap())
            .take(carets.trim_start().len())
            .collect();
        assert_eq!(under, "BAD", "{text}");
        // Near the start of the line there is nothing to cut before the caret.
        let early = Diagnostic {
            span: Some(Span::point(1, 6)),
            ..d.clone()
        };
        let text = early.render(Some(&line));
        let source = text.lines().nth(3).unwrap().strip_prefix("1 | ").unwrap();
        assert!(
            source.starts_with("key: x") && source.ends_with('…'),
            "{source}"
        );
        assert_eq!(text.lines().nth(4), Some("  |      ^"));
        // A short line is printed whole.
        assert!(d.render(Some("key: BAD")).contains("1 | key: BAD\n"));
    }

    /// A secret on the quoted line is shown as `****`, and the caret still points where it did.
    #[test]
    fn masks_secrets_on_the_quoted_line() {
        let line = "    TOKEN: {secret: true, example: hunter2hunter2, descripton: x}";
        let value = line.find("hunter2").unwrap() + 1;
        let key = line.find("descripton").unwrap() + 1;
        let d = Diagnostic {
            masked: vec![Span {
                line: 1,
                column: value,
                end_line: 1,
                end_column: value + 14,
            }],
            ..Diagnostic::new(
                Code::InvalidShape,
                Path::new("platform.yaml"),
                Some(Span {
                    line: 1,
                    column: key,
                    end_line: 1,
                    end_column: key + 10,
                }),
                "unknown field `descripton`",
            )
        };
        let text = d.render(Some(line));
        assert!(!text.contains("hunter2"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let source = lines[3].strip_prefix("1 | ").unwrap();
        let carets = lines[4].strip_prefix("  | ").unwrap();
        assert!(source.contains("example: ****, descripton"), "{source}");
        let under: String = source
            .chars()
            .skip(carets.find('^').unwrap())
            .take(10)
            .collect();
        assert_eq!(under, "descripton", "{text}");
        // A caret on the secret itself covers the mask.
        let on = Diagnostic {
            span: d.masked.first().copied(),
            ..d.clone()
        };
        let text = on.render(Some(line));
        let carets = text.lines().nth(4).unwrap().strip_prefix("  | ").unwrap();
        assert_eq!(carets.trim(), "^^^^", "{text}");
    }

    /// Control characters in a message or path are shown escaped.
    #[test]
    fn control_characters_are_escaped() {
        let d = Diagnostic::new(
            Code::InvalidName,
            Path::new("a\u{1b}[2J.yaml"),
            None,
            "stack `x\u{1b}[2J`",
        );
        let text = d.render(None);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("stack `x\\u{1b}[2J`"), "{text}");
    }
}
