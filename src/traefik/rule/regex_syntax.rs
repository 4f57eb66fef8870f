//! A byte-level view of regex syntax: which characters are syntax where they stand, skipping
//! escapes and character classes, for the lints and the leaf checks.

// A byte-level view of regex syntax

/// A character that is syntax where it stands, not part of an escape or a character class.
pub(super) struct SyntaxChar {
    pub(super) index: usize,
    pub(super) ch: char,
    /// Group nesting around it; a `(` reports the depth outside it, a `)` the depth after it.
    pub(super) depth: usize,
}

/// The syntax characters of a regex, skipping escapes and character classes whole: just enough
/// structure for the lints and the v2-template check, which must not mistake `\{`, `\p{L}` or
/// `[|]` for syntax, without a full regex parser.
pub(super) fn regex_syntax(pattern: &str) -> Vec<SyntaxChar> {
    let mut syntax = Vec::new();
    let mut depth = 0_usize;
    // Where the open character class's items start; a `]` there is a literal.
    let mut class: Option<usize> = None;
    let mut pos = 0;
    while let Some(ch) = pattern[pos..].chars().next() {
        let rest = &pattern[pos..];
        let mut next = pos + ch.len_utf8();
        match (ch, class) {
            ('\\', _) => {
                // `\p{Greek}` and `\x{263a}`: the braces belong to the escape.
                let braced = matches!(rest.get(1..3), Some("p{" | "P{" | "x{"));
                next = match rest.find('}') {
                    Some(close) if braced => pos + close + 1,
                    _ => next + rest[1..].chars().next().map_or(0, char::len_utf8),
                };
            }
            ('[', Some(_)) if rest.starts_with("[:") => {
                next = rest.find(":]").map_or(next, |end| pos + end + 2);
            }
            (']', Some(first)) if pos != first => class = None,
            (_, Some(_)) => {}
            ('[', None) => class = Some(next + usize::from(rest[1..].starts_with('^'))),
            (_, None) => {
                if ch == ')' {
                    depth = depth.saturating_sub(1);
                }
                syntax.push(SyntaxChar {
                    index: pos,
                    ch,
                    depth,
                });
                if ch == '(' {
                    depth += 1;
                }
            }
        }
        pos = next;
    }
    syntax
}
