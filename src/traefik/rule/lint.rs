//! Lints for rules that parse but do not do what they look like (`{id}` placeholders, unanchored
//! `HostRegexp`), and the v2 `{name:re}` templates behind them, rewritten as the v3 regex.

use std::ops::Range;

use super::regex_syntax::regex_syntax;
use super::{Arg, Matcher, RuleError};
use crate::traefik::goregex;
use crate::traefik::request::canonical_header_key;

// Lints

pub(super) fn lint_leaf(matcher: Matcher, args: &[Arg]) -> Option<RuleError> {
    let first = args.first()?;
    let value = first.value.as_str();
    match matcher {
        Matcher::Path | Matcher::PathPrefix => {
            let template = v2_templates(value).into_iter().next()?;
            let regex = v2_to_regex(value, "[^/]+", matcher == Matcher::Path);
            Some(
                RuleError::new(
                    format!(
                        "`{matcher}` does not expand `{}` in Traefik v3: it only matches that literal text",
                        &value[template.range]
                    ),
                    first.span.clone(),
                )
                .help(format!("use a regular expression: `PathRegexp(`{regex}`)`")),
            )
        }
        // Go's server moves `Host` out of the header map (`conn.readRequest`), so no request
        // has a `Host` header by the time the router looks.
        Matcher::Header | Matcher::HeaderRegexp
            if canonical_header_key(value) == "Host" =>
        {
            let replacement = if matcher == Matcher::Header {
                "Host"
            } else {
                "HostRegexp"
            };
            let wanted = args.get(1).map_or("", |arg| arg.value.as_str());
            Some(
                RuleError::new(
                    format!("`{matcher}(`{value}`, ...)` never matches: Traefik does not see `Host` among the request headers"),
                    first.span.clone(),
                )
                .help(format!("match the host with `{replacement}(`{wanted}`)`")),
            )
        }
        // Traefik also tests `HostRegexp` on the CNAME-flattened name, which is empty when
        // flattening is off (`hostRegexp` in `pkg/muxer/http/matcher.go`).
        Matcher::HostRegexp if goregex::compile(value).is_ok_and(|re| re.is_match("")) => Some(
            RuleError::new(
                format!("`HostRegexp` pattern `{value}` matches the empty string, so it matches every request: Traefik also tests it on an empty name"),
                first.span.clone(),
            )
            .help("require at least one character, such as `^[a-z0-9-]+\\.example\\.com$`"),
        ),
        Matcher::HostRegexp | Matcher::HostSniRegexp if !is_anchored(value) => {
            // Anchor each alternative: `^` binds tighter than `|`.
            let anchored: Vec<String> = split_alternatives(value)
                .into_iter()
                .map(|alternative| {
                    let start = if starts_anchored(alternative) {
                        ""
                    } else {
                        "^"
                    };
                    let end = if ends_anchored(alternative) { "" } else { "$" };
                    format!("{start}{alternative}{end}")
                })
                .collect();
            let anchored = anchored.join("|");
            Some(
                RuleError::new(
                    format!("`{matcher}` pattern `{value}` is not anchored, so it also matches hosts that merely contain a match"),
                    first.span.clone(),
                )
                .help(format!("anchor it: `{matcher}(`{anchored}`)`")),
            )
        }
        _ => None,
    }
}

/// Whether every alternative of the pattern is pinned to both ends of the input.
fn is_anchored(pattern: &str) -> bool {
    let pattern = strip_flag_groups(pattern);
    let alternatives = split_alternatives(pattern);
    if alternatives.len() > 1 {
        return alternatives.into_iter().all(is_anchored);
    }
    starts_anchored(pattern) && ends_anchored(pattern)
}

fn starts_anchored(pattern: &str) -> bool {
    let pattern = strip_flag_groups(pattern);
    pattern.starts_with('^') || pattern.starts_with("\\A")
}

fn ends_anchored(pattern: &str) -> bool {
    let Some(rest) = pattern
        .strip_suffix('$')
        .or_else(|| pattern.strip_suffix("\\z"))
    else {
        return false;
    };
    // An odd run of backslashes escapes the anchor: `\$` is a literal dollar, `\\$` is not.
    let backslashes = rest.len() - rest.trim_end_matches('\\').len();
    backslashes % 2 == 0
}

/// Removes leading flag-only groups such as `(?i)`.
fn strip_flag_groups(mut pattern: &str) -> &str {
    while let Some(rest) = pattern.strip_prefix("(?") {
        match rest.find(')') {
            Some(end) if end > 0 && rest[..end].chars().all(|c| "imsuxUR-".contains(c)) => {
                pattern = &rest[end + 1..];
            }
            _ => break,
        }
    }
    pattern
}

fn split_alternatives(pattern: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for syntax in regex_syntax(pattern) {
        if syntax.ch == '|' && syntax.depth == 0 {
            parts.push(&pattern[start..syntax.index]);
            start = syntax.index + 1;
        }
    }
    parts.push(&pattern[start..]);
    parts
}

// ---------------------------------------------------------------------------------------------
// v2 templates

/// A gorilla/mux `{name}` or `{name:pattern}` template inside a value.
pub(super) struct Template<'v> {
    pub(super) range: Range<usize>,
    pattern: Option<&'v str>,
}

pub(super) fn v2_templates(value: &str) -> Vec<Template<'_>> {
    let mut templates = Vec::new();
    let mut skip_until = 0;
    for syntax in regex_syntax(value) {
        if syntax.ch != '{' || syntax.index < skip_until {
            continue;
        }
        if let Some(template) = template_at(value, syntax.index) {
            skip_until = template.range.end;
            templates.push(template);
        }
    }
    templates
}

/// Reads a template starting at the `{` at `start`; gorilla/mux balances braces in the pattern.
fn template_at(value: &str, start: usize) -> Option<Template<'_>> {
    let rest = &value[start + 1..];
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let after_name = &rest[name_len..];
    if after_name.starts_with('}') {
        return Some(Template {
            range: start..start + 1 + name_len + 1,
            pattern: None,
        });
    }
    let pattern = after_name.strip_prefix(':')?;
    let mut depth = 0_usize;
    for (offset, c) in pattern.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                let end = start + 1 + name_len + 1 + offset + 1;
                return Some(Template {
                    range: start..end,
                    pattern: Some(&pattern[..offset]),
                });
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

pub(super) fn segment_for(matcher: Matcher) -> &'static str {
    if matches!(matcher, Matcher::HostRegexp | Matcher::HostSniRegexp) {
        "[^.]+"
    } else {
        "[^/]+"
    }
}

/// Rewrites a v2 template value as the equivalent v3 regex: gorilla/mux quoted the text between
/// templates and anchored the whole.
pub(super) fn v2_to_regex(value: &str, segment: &str, anchor_end: bool) -> String {
    let mut regex = String::from("^");
    let mut last = 0;
    for template in v2_templates(value) {
        regex.push_str(&escape_literal(&value[last..template.range.start]));
        let pattern = template.pattern.unwrap_or(segment);
        // An alternation would swallow its neighbours without a group around it.
        if pattern.contains('|') {
            regex.push_str("(?:");
            regex.push_str(pattern);
            regex.push(')');
        } else {
            regex.push_str(pattern);
        }
        last = template.range.end;
    }
    regex.push_str(&escape_literal(&value[last..]));
    if anchor_end {
        regex.push('$');
    }
    regex
}

/// Escapes only what a reader would expect escaped (unlike `regex::escape`, which also escapes
/// `-`), so hints stay readable.
fn escape_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
