//! Where a key is in a hand-written YAML file, for report entries and diagnostics: the line of
//! `services.web.deploy` found by walking the block structure by indentation, and the comment
//! lines above a line. Input: the file's text and a key path; output: a 1-based line. Flow
//! style and keys that only an alias or merge key brings in fall back to the nearest parent
//! found, which is still the right place to look.

/// The 1-based line of the key at `path` (`["services", "web", "image"]`), or of the deepest
/// parent found; 1 when not even the first key is found. A segment that is a number picks
/// that item of a block sequence.
pub fn find(text: &str, path: &[&str]) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    let mut parent_indent: Option<usize> = None;
    let mut found = 1;
    'segments: for segment in path {
        let mut index = start;
        let mut item = 0usize;
        let mut child_indent: Option<usize> = None;
        while index < lines.len() {
            let line = lines[index];
            let trimmed = line.trim_start();
            index += 1;
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if parent_indent.is_some_and(|p| indent <= p) && index - 1 > start {
                // Left the parent's block: the segment is not written here.
                break 'segments;
            }
            // Only the block's direct children: a deeper key of the same name is another key.
            if *child_indent.get_or_insert(indent) != indent {
                continue;
            }
            if let Ok(wanted) = segment.parse::<usize>() {
                if trimmed.starts_with("- ") || trimmed == "-" {
                    if item == wanted {
                        found = index;
                        start = index - 1;
                        parent_indent = Some(indent);
                        continue 'segments;
                    }
                    item += 1;
                }
                continue;
            }
            let key = trimmed.trim_start_matches("- ");
            let matches = [
                format!("{segment}:"),
                format!("\"{segment}\":"),
                format!("'{segment}':"),
            ]
            .iter()
            .any(|k| key.starts_with(k.as_str()));
            if matches {
                found = index;
                start = index;
                parent_indent = Some(indent + (trimmed.len() - key.len()));
                continue 'segments;
            }
        }
        break;
    }
    found
}

/// The 1-based line holding `needle` at or after line `from`, for a list item such as a label
/// (`traefik.http.routers.app.rule=…`); `from` when it is not found.
pub fn find_text(text: &str, from: usize, needle: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map_or(from, |(i, _)| i + 1)
}

/// The comment lines right above 1-based line `line` (no blank line between), without `#`,
/// in order, with rule lines (`#####`, `# -----`) left out.
pub fn comments_above(text: &str, line: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut index = line.saturating_sub(1);
    while index > 0 {
        let trimmed = lines[index - 1].trim();
        let Some(comment) = trimmed.strip_prefix('#') else {
            break;
        };
        out.push(comment.trim().to_owned());
        index -= 1;
    }
    out.reverse();
    out.retain(|c| !is_rule(c));
    out
}

/// The comment block that opens a file (before its first key), rule lines left out.
pub fn header(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        let Some(comment) = trimmed.strip_prefix('#') else {
            break;
        };
        out.push(comment.trim().to_owned());
    }
    out.retain(|c| !is_rule(c));
    out
}

/// A line drawn with one repeated character (`-----`, `=====`, `#####`), or nothing.
fn is_rule(comment: &str) -> bool {
    let mut chars = comment.chars().filter(|c| !c.is_whitespace());
    match chars.next() {
        None => true,
        Some(first) => !first.is_alphanumeric() && chars.all(|c| c == first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# head\nservices:\n  web:\n    image: x\n    # the port\n    ports:\n      - \"80:80\"\n      - \"443:443\"\n  db:\n    image: y\n";

    #[test]
    fn finds_nested_keys_and_items() {
        assert_eq!(find(TEXT, &["services", "web", "image"]), 4);
        assert_eq!(find(TEXT, &["services", "web", "ports", "1"]), 8);
        assert_eq!(find(TEXT, &["services", "db", "image"]), 10);
        // A key the web block does not have is not taken from the next service.
        assert_eq!(find(TEXT, &["services", "web", "command"]), 3);
        assert_eq!(comments_above(TEXT, 6), vec!["the port".to_owned()]);
        assert_eq!(header(TEXT), vec!["head".to_owned()]);
    }
}
