//! Indentation mistakes in a spec that does not parse. Input: the text and the line where the
//! YAML parser gave up; output: the line the user must change, how far to indent it, and the
//! likely cause in words, or nothing when the mistake is not one of indentation.
//!
//! The parser notices a wrong indent late: a key indented deeper than its siblings is read
//! as the start of a nested mapping, and the error lands on the next line, with words such
//! as "did not find expected key". Keys of one mapping share one indent, so the odd one out
//! among the keys under the same parent is the line to change.

/// Where and how to fix an indentation mistake.
pub(super) struct Fix {
    /// The line to change (1-based).
    pub line: usize,
    /// Its indent now, in columns.
    pub found: usize,
    pub message: String,
    pub help: String,
}

/// The parser's words for a mistake that is often one of indentation.
pub(super) fn is_indentation_message(message: &str) -> bool {
    [
        "did not find expected key",
        "mapping values are not allowed",
        "tabs disallowed",
        "did not find expected '-' indicator",
        "block sequence entries are not allowed",
        "invalid indentation",
        "while parsing a block",
    ]
    .iter()
    .any(|words| message.contains(words))
}

/// The indentation mistake behind a parse error at `error_line`, when there is one.
pub(super) fn diagnose(text: &str, error_line: usize) -> Option<Fix> {
    let lines: Vec<&str> = text.lines().collect();
    let at = error_line.checked_sub(1).filter(|i| *i < lines.len())?;
    // A tab in the indent: YAML indents with spaces only.
    for index in (at.saturating_sub(1)..=at).rev() {
        let line = lines[index];
        let lead: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if lead.contains('\t') && !line.trim().is_empty() {
            let width =
                sibling_indent(&lines, index).unwrap_or(lead.chars().filter(|c| *c == ' ').count());
            return Some(Fix {
                line: index + 1,
                found: lead.len(),
                message: format!(
                    "invalid YAML: line {} is indented with a tab (YAML allows no tabs in indentation)",
                    index + 1
                ),
                help: format!(
                    "YAML indents with spaces only: replace the tab at the start of line {} with {width} spaces, like the lines around it",
                    index + 1
                ),
            });
        }
    }
    let parent = parent_of(&lines, at)?;
    let level = child_level(&lines, parent)?;
    // The first key between the parent and the error whose indent is not the children's.
    let mut previous = parent;
    for index in parent + 1..=at {
        let line = lines[index];
        if !is_content(line) {
            continue;
        }
        let indent = indent(line);
        let nested = previous != parent
            && lines[previous].trim_end().ends_with(':')
            && indent > self::indent(lines[previous]);
        if is_key(line) && indent != level && !nested && indent > self::indent(lines[parent]) {
            let (what, way) = if indent > level {
                ("deeper", "YAML then reads it as part of the line above")
            } else {
                ("less", "YAML then cannot tell which mapping it belongs to")
            };
            let key = lines[parent].trim().trim_end_matches(':');
            return Some(Fix {
                line: index + 1,
                found: indent,
                message: format!(
                    "invalid YAML: line {} is indented {indent} spaces, {what} than the other keys of `{key}` (line {}), which are at {level}",
                    index + 1,
                    parent + 1
                ),
                help: if index + 1 == error_line {
                    format!(
                        "indent line {} by {level} spaces, like its siblings ({way})",
                        index + 1
                    )
                } else {
                    format!(
                        "indent line {} by {level} spaces, like its siblings ({way}; the parser noticed at line {error_line})",
                        index + 1
                    )
                },
            });
        }
        if indent <= level || is_key(line) {
            previous = index;
        }
    }
    None
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line with YAML content: not blank, not only a comment.
fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

/// A `key:` or `key: value` line (not a sequence item, not a flow collection).
fn is_key(line: &str) -> bool {
    let trimmed = line.trim_start();
    if trimmed.starts_with(['-', '#', '{', '[']) {
        return false;
    }
    let Some((key, rest)) = trimmed.split_once(':') else {
        return false;
    };
    (rest.is_empty() || rest.starts_with(' '))
        && (!key.contains(' ') || key.starts_with(['"', '\'']))
}

/// The nearest line above `at` that opens a block (`key:` with nothing after it) and is
/// indented less than every content line from it to `at`.
fn parent_of(lines: &[&str], at: usize) -> Option<usize> {
    let mut floor = usize::MAX;
    for index in (0..=at).rev() {
        let line = lines[index];
        if !is_content(line) {
            continue;
        }
        let indent = indent(line);
        if index < at && indent < floor && line.trim_end().ends_with(':') {
            return Some(index);
        }
        floor = floor.min(indent);
    }
    None
}

/// The indent of the keys directly under `parent`: the smallest indent that at least two of
/// the keys below it share (one odd key cannot outvote its siblings), else the smallest.
fn child_level(lines: &[&str], parent: usize) -> Option<usize> {
    let base = indent(lines[parent]);
    let mut counts = std::collections::BTreeMap::new();
    for line in lines.iter().skip(parent + 1).filter(|l| is_content(l)) {
        let indent = indent(line);
        if indent <= base {
            break;
        }
        if is_key(line) {
            *counts.entry(indent).or_insert(0usize) += 1;
        }
    }
    counts
        .iter()
        .find(|(_, n)| **n >= 2)
        .or_else(|| counts.iter().next())
        .map(|(indent, _)| *indent)
}

/// The indent a line indented with a tab should have: its previous line's, or, under a
/// `key:` that opens a block, the next line's (else two more).
fn sibling_indent(lines: &[&str], index: usize) -> Option<usize> {
    let spaced = |l: &&&str| is_content(l) && !l.starts_with('\t');
    let previous = lines[..index].iter().rev().find(spaced)?;
    if !previous.trim_end().ends_with(':') {
        return Some(indent(previous));
    }
    let next = lines.iter().skip(index + 1).find(spaced).map(|l| indent(l));
    Some(
        next.filter(|n| *n > indent(previous))
            .unwrap_or(indent(previous) + 2),
    )
}
