//! Go regular expressions (RE2 syntax, `regexp/syntax/parse.go`) translated into an equivalent
//! Rust `regex`, or refused with Go's reason, so that validation, `route` and the overlap
//! analysis all give the answer Traefik's `regexp.Compile` and `MatchString` give.
//!
//! Where the two differ (Go's `\d \w \s \b` are ASCII and its `\s` has no `\v`; `\Q…\E`, octal
//! escapes, `\<` as a literal, a `{` that is no repeat as a literal, `&&` and `[` inside a class
//! as literals; repeat counts above 1000 and stacked repeats refused; only the flags `imsU`),
//! the translation writes Go's meaning in explicit Rust syntax. Unicode class names are checked
//! against Go's categories and scripts as far as a name tells: long script names are passed to
//! Rust, four-letter script codes and binary properties are refused.

use std::fmt::Write as _;

use regex::{Regex, RegexBuilder};

mod cache;
mod evident;

pub use evident::{EVIDENT, Reach, reach};

/// Go's `maxRepeat`.
const MAX_REPEAT: u32 = 1000;

/// A Go pattern compiled for matching with Go's meaning.
///
/// # Errors
///
/// Go's reason when Go refuses the pattern, or the regex crate's when the translation is too
/// large for it.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    cache::get_or_compile(pattern, compile_uncached)
}

/// Whether Go accepts `pattern`, with its reason when it does not: the [`EVIDENT`] patterns
/// are valid without compiling them, the others are compiled (and cached) as [`compile`]
/// does.
///
/// # Errors
///
/// As [`compile`].
pub fn validate(pattern: &str) -> Result<(), String> {
    if reach(pattern).is_some() {
        return Ok(());
    }
    compile(pattern).map(|_| ())
}

/// [`compile`] without the cache.
fn compile_uncached(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated)
        .nest_limit(1000)
        .size_limit(1 << 27)
        .build()
        .map_err(|error| match error {
            regex::Error::CompiledTooBig(limit) => {
                format!("the compiled pattern exceeds {limit} bytes")
            }
            other => other.to_string(),
        })
}

/// One repeat in the pattern, with the repeats inside it, for Go's `repeatIsValid`.
#[derive(Clone, Debug)]
struct Repeat {
    /// The counted maximum (its minimum for `{n,}`); 0 for `*`, `+` and `?`, which Go does not
    /// count.
    count: u32,
    inner: Vec<Repeat>,
}

/// The open group: what it emitted so far and what the next repeat applies to.
#[derive(Default)]
struct Frame {
    /// Output offset of the group's `(`.
    open_at: usize,
    repeats: Vec<Repeat>,
    /// Output offset where the last atom starts, and the repeats inside it.
    last: Option<(usize, Vec<Repeat>)>,
    /// The last item was a repeat: another one right after it is Go's "invalid nested
    /// repetition operator".
    repeated: bool,
}

/// The Rust pattern with Go's meaning.
///
/// # Errors
///
/// Go's reason when Go's `regexp.Compile` refuses the pattern.
pub fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut stack: Vec<Frame> = vec![Frame::default()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = out.len();
        let frame = stack.last_mut().ok_or("unbalanced `)`")?;
        match c {
            '(' => {
                let (open, next) = group_open(&chars, i)?;
                i = next;
                match open {
                    Group::Flags(flags) => {
                        out.push_str(&flags);
                        frame.last = None;
                        frame.repeated = false;
                    }
                    Group::Open(text) => {
                        out.push_str(&text);
                        stack.push(Frame {
                            open_at: start,
                            ..Frame::default()
                        });
                    }
                }
                continue;
            }
            ')' => {
                if stack.len() == 1 {
                    return Err(format!("unexpected ): `{pattern}`"));
                }
                let closed = stack.pop().unwrap_or_default();
                out.push(')');
                let parent = stack.last_mut().ok_or("unbalanced `)`")?;
                parent.last = Some((closed.open_at, closed.repeats));
                parent.repeated = false;
                i += 1;
                continue;
            }
            '|' => {
                out.push('|');
                frame.last = None;
                frame.repeated = false;
            }
            '*' | '+' | '?' => {
                let lazy = chars.get(i + 1) == Some(&'?');
                let op: String = if lazy { format!("{c}?") } else { c.to_string() };
                repeat(frame, &mut out, &op, 0, false, pattern)?;
                i += op.chars().count();
                continue;
            }
            '{' => {
                if let Some((min, max, next)) = repeat_count(&chars, i) {
                    let lazy = chars.get(next) == Some(&'?');
                    let text: String = chars[i..next].iter().collect();
                    let op = if lazy { format!("{text}?") } else { text };
                    let too_big = min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT);
                    if too_big || max.is_some_and(|m| m < min) {
                        return Err(format!("invalid repeat count: `{op}`"));
                    }
                    let counted = min >= 2 || max.is_some_and(|m| m >= 2);
                    repeat(frame, &mut out, &op, max.unwrap_or(min), counted, pattern)?;
                    i = next + usize::from(lazy);
                    continue;
                }
                out.push_str(r"\{");
                frame.last = Some((start, Vec::new()));
                frame.repeated = false;
            }
            '[' => {
                let next = class(&chars, i, &mut out)?;
                frame.last = Some((start, Vec::new()));
                frame.repeated = false;
                i = next;
                continue;
            }
            '\\' => {
                let next = escape(&chars, i, &mut out)?;
                // `\Q\E` emits nothing, and a repeat after it has nothing to repeat in Go.
                frame.last = (out.len() > start).then(|| (start, Vec::new()));
                frame.repeated = false;
                i = next;
                continue;
            }
            '^' | '$' | '.' => {
                out.push(c);
                frame.last = Some((start, Vec::new()));
                frame.repeated = false;
            }
            other => {
                out.push_str(&regex::escape(other.encode_utf8(&mut [0; 4])));
                frame.last = Some((start, Vec::new()));
                frame.repeated = false;
            }
        }
        i += 1;
    }
    if stack.len() > 1 {
        return Err(format!("missing closing ): `{pattern}`"));
    }
    Ok(out)
}

enum Group {
    /// `(?flags)`: changes the flags of the enclosing group.
    Flags(String),
    /// Any group that opens: `(`, `(?:`, `(?flags:`, a named group (written unnamed).
    Open(String),
}

/// Reads `(` and what follows it, as Go's `parsePerlFlags`.
fn group_open(chars: &[char], at: usize) -> Result<(Group, usize), String> {
    if chars.get(at + 1) != Some(&'?') {
        return Ok((Group::Open("(".into()), at + 1));
    }
    let rest: String = chars[at..].iter().collect();
    for prefix in ["(?P<", "(?<"] {
        if let Some(after) = rest.strip_prefix(prefix) {
            let end = after
                .find('>')
                .ok_or_else(|| format!("invalid named capture: `{rest}`"))?;
            let name = &after[..end];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!(
                    "invalid named capture: `{}`",
                    &rest[..=prefix.len() + end]
                ));
            }
            // Only whether the pattern matches counts, so the name goes: Go accepts names that
            // start with a digit and repeated names, Rust does not.
            let used = prefix.chars().count() + name.chars().count() + 1;
            return Ok((Group::Open("(".into()), at + used));
        }
    }
    if rest.starts_with("(?P") {
        return Err(format!(
            "invalid or unsupported Perl syntax: `{}`",
            &rest[..3]
        ));
    }
    let mut flags = String::new();
    let mut negated = false;
    let mut saw_flag = false;
    for (offset, c) in chars[at + 2..].iter().enumerate() {
        match c {
            'i' | 'm' | 's' | 'U' => {
                flags.push(*c);
                saw_flag = true;
            }
            '-' if !negated => {
                flags.push('-');
                negated = true;
                saw_flag = false;
            }
            ':' | ')' if !negated || saw_flag => {
                let next = at + 2 + offset + 1;
                let group = match (c, flags.is_empty()) {
                    (')', true) => Group::Flags(String::new()),
                    (')', false) => Group::Flags(format!("(?{flags})")),
                    (_, true) => Group::Open("(?:".into()),
                    (_, false) => Group::Open(format!("(?{flags}:")),
                };
                return Ok((group, next));
            }
            _ => break,
        }
    }
    let shown: String = chars[at..chars.len().min(at + 2 + flags.len() + 1)]
        .iter()
        .collect();
    Err(format!("invalid or unsupported Perl syntax: `{shown}`"))
}

/// Applies a repeat to the last atom of `frame`, with Go's checks.
fn repeat(
    frame: &mut Frame,
    out: &mut String,
    op: &str,
    count: u32,
    counted: bool,
    pattern: &str,
) -> Result<(), String> {
    if frame.repeated {
        return Err(format!("invalid nested repetition operator: `{op}`"));
    }
    let Some((start, inner)) = frame.last.take() else {
        return Err(format!(
            "missing argument to repetition operator: `{op}` in `{pattern}`"
        ));
    };
    // Wrapping keeps `^*` and `\x{41}{2}` valid for Rust and means the same.
    let atom = out.split_off(start);
    let _ = write!(out, "(?:{atom}){op}");
    let node = Repeat { count, inner };
    if counted && !repeat_is_valid(&node, MAX_REPEAT) {
        return Err(format!("invalid repeat count: `{op}`"));
    }
    frame.repeats.push(node);
    frame.repeated = true;
    Ok(())
}

/// Go's `repeatIsValid`: along every path, the product of counted repeats stays within `n`
/// (with integer division, so `(x{3}){334}` is refused).
fn repeat_is_valid(node: &Repeat, mut n: u32) -> bool {
    let m = node.count;
    if m > 0 {
        if m > n {
            return false;
        }
        n /= m;
    }
    node.inner.iter().all(|inner| repeat_is_valid(inner, n))
}

/// Go's `parseRepeat` from a `{`: `(min, max, next)` with `max` `None` for `{n,}`; `None` when
/// the text is no repeat, which makes the `{` a literal.
fn repeat_count(chars: &[char], at: usize) -> Option<(u32, Option<u32>, usize)> {
    let mut i = at + 1;
    let min = go_int(chars, &mut i)?;
    let max = if chars.get(i) == Some(&',') {
        i += 1;
        if chars.get(i) == Some(&'}') {
            None
        } else {
            Some(go_int(chars, &mut i)?)
        }
    } else {
        Some(min)
    };
    (chars.get(i) == Some(&'}')).then_some((min, max, i + 1))
}

/// Go's `parseInt`: decimal digits without a leading zero (except `0` itself); above 10^8 it
/// fails.
fn go_int(chars: &[char], i: &mut usize) -> Option<u32> {
    let start = *i;
    while chars.get(*i).is_some_and(char::is_ascii_digit) {
        *i += 1;
    }
    let digits: String = chars[start..*i].iter().collect();
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) || digits.len() > 8 {
        return None;
    }
    digits.parse().ok()
}

/// A Perl class escape (`\d`), as an explicit ASCII class body for Rust.
fn perl_class(c: char) -> Option<(&'static str, bool)> {
    match c {
        'd' => Some(("0-9", false)),
        'D' => Some(("0-9", true)),
        'w' => Some(("0-9A-Za-z_", false)),
        'W' => Some(("0-9A-Za-z_", true)),
        // Go's `\s` is `[\t\n\f\r ]`: no `\v`, unlike Rust's ASCII `\s`.
        's' => Some((r"\t\n\x0C\r ", false)),
        'S' => Some((r"\t\n\x0C\r ", true)),
        _ => None,
    }
}

/// Reads one escape outside a class and writes its Rust form; returns the next index.
fn escape(chars: &[char], at: usize, out: &mut String) -> Result<usize, String> {
    let Some(&c) = chars.get(at + 1) else {
        return Err("trailing backslash at end of expression".into());
    };
    if let Some((body, negated)) = perl_class(c) {
        let _ = write!(out, "[{}{body}]", if negated { "^" } else { "" });
        return Ok(at + 2);
    }
    match c {
        'b' => out.push_str(r"(?-u:\b)"),
        'B' => out.push_str(r"(?-u:\B)"),
        'A' => out.push_str(r"\A"),
        'z' => out.push_str(r"\z"),
        'Q' => {
            let rest: String = chars[at + 2..].iter().collect();
            let (literal, used) = match rest.find(r"\E") {
                Some(end) => (&rest[..end], rest[..end].chars().count() + 2),
                None => (rest.as_str(), rest.chars().count()),
            };
            for ch in literal.chars() {
                out.push_str(&regex::escape(ch.encode_utf8(&mut [0; 4])));
            }
            return Ok(at + 2 + used);
        }
        'p' | 'P' => return unicode_class(chars, at, out),
        _ => {
            let (ch, next) = escaped_char(chars, at)?;
            let _ = write!(out, r"\x{{{:X}}}", u32::from(ch));
            return Ok(next);
        }
    }
    Ok(at + 2)
}

/// Go's `parseEscape`: a single character written with a backslash (`\n`, `\x41`, `\012`,
/// `\.`); surrogates, which Go accepts and never match, are refused here.
fn escaped_char(chars: &[char], at: usize) -> Result<(char, usize), String> {
    let c = chars[at + 1];
    let bad = |len: usize| {
        let text: String = chars[at..chars.len().min(at + len)].iter().collect();
        format!("invalid escape sequence: `{text}`")
    };
    let simple = match c {
        'a' => Some('\x07'),
        'f' => Some('\x0C'),
        't' => Some('\t'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        'v' => Some('\x0B'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Ok((ch, at + 2));
    }
    let octal = |i: usize| chars.get(i).is_some_and(|d| ('0'..='7').contains(d));
    if c == '0' || (('1'..='7').contains(&c) && octal(at + 2)) {
        let mut value = c.to_digit(8).unwrap_or(0);
        let mut i = at + 2;
        while i < at + 4 && octal(i) {
            value = value * 8 + chars[i].to_digit(8).unwrap_or(0);
            i += 1;
        }
        return char::from_u32(value)
            .map(|ch| (ch, i))
            .ok_or_else(|| bad(i - at));
    }
    if c == 'x' {
        if chars.get(at + 2) == Some(&'{') {
            let close = chars[at + 3..]
                .iter()
                .position(|d| *d == '}')
                .ok_or_else(|| bad(3))?;
            let digits: String = chars[at + 3..at + 3 + close].iter().collect();
            let value = (!digits.is_empty() && digits.chars().all(|d| d.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(&digits, 16).ok())
                .flatten()
                .filter(|v| *v <= 0x0010_FFFF)
                .ok_or_else(|| bad(close + 4))?;
            let ch = char::from_u32(value).ok_or_else(|| {
                format!("`\\x{{{digits}}}` is a surrogate, which Go accepts but never matches: leave it out")
            })?;
            return Ok((ch, at + 4 + close));
        }
        let digits: String = chars
            .get(at + 2..at + 4)
            .map(|d| d.iter().collect())
            .unwrap_or_default();
        if digits.len() == 2 && digits.chars().all(|d| d.is_ascii_hexdigit()) {
            let value = u32::from_str_radix(&digits, 16).unwrap_or(0);
            return Ok((char::from_u32(value).unwrap_or('\0'), at + 4));
        }
        return Err(bad(4));
    }
    // Any escaped ASCII punctuation is itself, `\<` and `\>` included.
    if c.is_ascii() && !c.is_ascii_alphanumeric() {
        return Ok((c, at + 2));
    }
    Err(bad(2))
}

/// `\pL`, `\p{Greek}`, `\P{^Lu}`: checked against Go's names and written for Rust.
fn unicode_class(chars: &[char], at: usize, out: &mut String) -> Result<usize, String> {
    let mut negated = chars[at + 1] == 'P';
    let (name, next) = match chars.get(at + 2) {
        Some('{') => {
            let close = chars[at + 3..]
                .iter()
                .position(|d| *d == '}')
                .ok_or_else(|| "invalid character class range: missing `}`".to_owned())?;
            let name: String = chars[at + 3..at + 3 + close].iter().collect();
            (name, at + 4 + close)
        }
        Some(letter) => (letter.to_string(), at + 3),
        None => return Err("invalid character class range: `\\p`".into()),
    };
    let name = match name.strip_prefix('^') {
        Some(rest) => {
            negated = !negated;
            rest.to_owned()
        }
        None => name,
    };
    if !go_knows_class(&name) {
        return Err(format!("invalid character class range: `\\p{{{name}}}`"));
    }
    let _ = write!(out, r"\{}{{{name}}}", if negated { 'P' } else { 'p' });
    Ok(next)
}

/// Go's Unicode class names: `unicode.Categories` (and the Go 1.25 long aliases),
/// `unicode.Scripts`, `Any`, `ASCII`, `Assigned`; matched loosely as Go does. Scripts are
/// recognised by Rust knowing the name as a script and it not being a four-letter code.
fn go_knows_class(name: &str) -> bool {
    const CATEGORIES: &[&str] = &[
        "c",
        "cc",
        "cf",
        "co",
        "cs",
        "l",
        "lc",
        "ll",
        "lm",
        "lo",
        "lt",
        "lu",
        "m",
        "mc",
        "me",
        "mn",
        "n",
        "nd",
        "nl",
        "no",
        "p",
        "pc",
        "pd",
        "pe",
        "pf",
        "pi",
        "po",
        "ps",
        "s",
        "sc",
        "sk",
        "sm",
        "so",
        "z",
        "zl",
        "zp",
        "zs",
        "any",
        "ascii",
        "assigned",
        "other",
        "control",
        "format",
        "privateuse",
        "surrogate",
        "letter",
        "casedletter",
        "lowercaseletter",
        "modifierletter",
        "otherletter",
        "titlecaseletter",
        "uppercaseletter",
        "mark",
        "combiningmark",
        "spacingmark",
        "enclosingmark",
        "nonspacingmark",
        "number",
        "decimalnumber",
        "digit",
        "letternumber",
        "othernumber",
        "punctuation",
        "punct",
        "connectorpunctuation",
        "dashpunctuation",
        "closepunctuation",
        "finalpunctuation",
        "initialpunctuation",
        "otherpunctuation",
        "openpunctuation",
        "symbol",
        "currencysymbol",
        "modifiersymbol",
        "mathsymbol",
        "othersymbol",
        "separator",
        "lineseparator",
        "paragraphseparator",
        "spaceseparator",
        "cntrl",
    ];
    let loose: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    if CATEGORIES.contains(&loose.as_str()) {
        return true;
    }
    if name.contains(['=', ':'])
        || loose.len() == 4 && !FOUR_LETTER_SCRIPTS.contains(&loose.as_str())
    {
        return false;
    }
    Regex::new(&format!(r"\p{{Script={name}}}")).is_ok()
}

/// Script names that are four letters long in full, not codes.
const FOUR_LETTER_SCRIPTS: &[&str] = &[
    "cham", "lisu", "modi", "thai", "toto", "takri", "adlm", "ahom", "nkoo",
];

/// Go's (and Rust's) ASCII class names.
const POSIX: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Reads a class from its `[` and writes it for Rust, every member explicit; returns the next
/// index. Inside a Go class `[` (unless `[:`), `&&`, `--` and `~~` are plain characters.
fn class(chars: &[char], at: usize, out: &mut String) -> Result<usize, String> {
    let mut i = at + 1;
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            let text: String = chars[at..].iter().collect();
            return Err(format!("missing closing ]: `{text}`"));
        };
        if c == ']' && !first {
            out.push(']');
            return Ok(i + 1);
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars[i..].iter().collect();
            if let Some(end) = rest[2..].find(":]") {
                let name = &rest[2..2 + end];
                let bare = name.strip_prefix('^').unwrap_or(name);
                if !POSIX.contains(&bare) {
                    return Err(format!("invalid character class range: `[:{name}:]`"));
                }
                let _ = write!(out, "[:{name}:]");
                i += name.chars().count() + 4;
                continue;
            }
        }
        if c == '\\' {
            match chars.get(i + 1) {
                Some('p' | 'P') => {
                    i = unicode_class(chars, i, out)?;
                    continue;
                }
                Some(&d) if perl_class(d).is_some() => {
                    let (body, negated) = perl_class(d).unwrap_or(("", false));
                    let _ = write!(out, "[{}{body}]", if negated { "^" } else { "" });
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        let (lo, next) = class_char(chars, i)?;
        i = next;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|d| *d != ']') {
            let (end, next) = class_char(chars, i + 1)?;
            if end < lo {
                return Err(format!("invalid character class range: `{lo}-{end}`"));
            }
            hi = end;
            i = next;
        }
        let _ = write!(out, r"\x{{{:X}}}", u32::from(lo));
        if hi != lo {
            let _ = write!(out, r"-\x{{{:X}}}", u32::from(hi));
        }
    }
}

/// One character of a class: plain, or an escape as Go's `parseClassChar` reads it.
fn class_char(chars: &[char], at: usize) -> Result<(char, usize), String> {
    match chars.get(at) {
        None => Err("missing closing ]".into()),
        Some('\\') => {
            if chars.get(at + 1).is_none() {
                return Err("trailing backslash at end of expression".into());
            }
            escaped_char(chars, at)
        }
        Some(&c) => Ok((c, at + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go_matches(pattern: &str, text: &str) -> bool {
        compile(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .is_match(text)
    }

    #[test]
    fn go_meaning() {
        for (pattern, text, want) in [
            (r"^\d$", "٣", false),
            (r"^\w$", "é", false),
            (r"^\s$", "\x0B", false),
            (r"^[[:space:]]$", "\x0B", true),
            (r"a\b", "aé", true),
            (r"\bé", "é", false),
            (r"^\Qa.b\E$", "a.b", true),
            (r"^\Qa.b\E$", "axb", false),
            (r"^\Qa.b$", "a.b$", true),
            (r"^\012$", "\n", true),
            (r"^\0$", "\0", true),
            (r"^a{,5}$", "a{,5}", true),
            (r"^a{ 1}$", "a{ 1}", true),
            (r"^a{01}$", "a{01}", true),
            (r"^x{}$", "x{}", true),
            (r"^{x}$", "{x}", true),
            (r"^a{2}$", "aa", true),
            (r"^[a&&b]$", "&", true),
            (r"^[a~~b]$", "~", true),
            (r"^[+--]$", ",", true),
            (r"^[a[b]$", "[", true),
            (r"^\<a\>$", "<a>", true),
            (r"^(?P<1x>a)(?P<1x>b)$", "ab", true),
            (r"^(?)a$", "a", true),
            (r"^*", "", true),
            (r"(?i)^\w$", "K", true),
            (r"^\pL+$", "héllo", true),
            (r"^\p{Greek}$", "α", true),
            (r"^\p{^Greek}$", "a", true),
            (r"^[^a]$", "\n", true),
        ] {
            assert_eq!(go_matches(pattern, text), want, "{pattern} on {text:?}");
        }
    }

    #[test]
    fn go_refuses() {
        for pattern in [
            "x{1001}",
            "x{0,1001}",
            "(a{100}){100}",
            "(x{3}){334}",
            "a**",
            "a+*",
            "a{2}{3}",
            "a*{2}",
            "(?x)a",
            "(?u)a",
            r"\u0041",
            r"\e",
            r"\Z",
            r"\8",
            r"\1",
            r"\p{Alphabetic}",
            r"\p{sc=Greek}",
            r"\p{Grek}",
            "*a",
            "(?i-)a",
            "a{2,1}",
            "[z-a]",
            "(a",
            "a)",
            "[[:foo:]]",
        ] {
            assert!(translate(pattern).is_err(), "{pattern} should be refused");
        }
        // Within limits.
        for pattern in [
            "(x{3}){333}",
            "a{1000}",
            "((a{10}){10}){10}",
            "a*?",
            "(a*)*",
        ] {
            assert!(compile(pattern).is_ok(), "{pattern} should compile");
        }
    }
}
