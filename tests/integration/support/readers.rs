//! Readers: how Traefik (its Go template step), Compose (its dotenv parser) and YAML 1.1 tools
//! see the generated text.

use std::fmt::Debug;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Runs a dynamic file through Go's `text/template` the way Traefik's file provider does,
/// for the only action seisei may write: `{{"{{"}}`, which prints `{{`. Any other `{{` would
/// start an action Traefik executes, so it is an error. Go's lexer, like this loop, takes
/// the leftmost `{{` first.
pub(crate) fn render_go_template(text: &str) -> Result<String, String> {
    const LITERAL: &str = "{{\"{{\"}}";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let action = &rest[at..];
        if !action.starts_with(LITERAL) {
            let line = text[..text.len() - action.len()].lines().count().max(1);
            let snippet: String = action.chars().take(40).collect();
            return Err(format!(
                "line {line}: `{snippet}` starts a Go template action Traefik would execute"
            ));
        }
        out.push_str("{{");
        rest = &action[LITERAL.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Reads a `.env` file as Compose does (compose-go `dotenv/parser.go` and `template`), and
/// refuses whatever Compose would read differently from what a generator meant:
/// - `#` lines are comments up to the next LF; blank space between statements is skipped.
/// - `KEY=value`; spaces after `=` are dropped.
/// - Unquoted: up to the end of the line, cut at ` #`, trailing space trimmed, interpolated.
/// - `'...'`: literal up to the next `'` that does not follow a backslash.
/// - `"..."`: up to the next `"` that does not follow a backslash; then `\n \r \t \\ \" \$`
///   are unescaped and the result is interpolated.
/// - Interpolation: `$$` is `$`; any other `$` would read a variable or fail, so it is refused.
pub(crate) fn read_dotenv(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut entries = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(entries);
        }
        if rest.starts_with('#') {
            rest = rest.find('\n').map_or("", |end| &rest[end..]);
            continue;
        }
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let Some(eq) = rest[..line_end].find('=') else {
            return Err(format!(
                "`{}` has no `=`: Compose would read it as a variable taken from the shell",
                &rest[..line_end]
            ));
        };
        let key = rest[..eq].trim_end();
        let valid_key = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_key {
            return Err(format!("`{key}` is not a variable name"));
        }
        rest = rest[eq + 1..].trim_start_matches(is_dotenv_space);
        let value = if let Some(&quote @ (b'\'' | b'"')) = rest.as_bytes().first() {
            let bytes = rest.as_bytes();
            let close = (1..bytes.len())
                .find(|&i| bytes[i] == quote && bytes[i - 1] != b'\\')
                .ok_or_else(|| format!("`{key}`: unterminated quoted value"))?;
            let inner = &rest[1..close];
            rest = &rest[close + 1..];
            let line_end = rest.find('\n').unwrap_or(rest.len());
            if !rest[..line_end].trim_matches(is_dotenv_space).is_empty() {
                return Err(format!(
                    "`{key}`: `{}` after the closing quote",
                    &rest[..line_end]
                ));
            }
            if quote == b'"' {
                interpolate(&unescape_double_quoted(inner)?)?
            } else {
                inner.to_owned()
            }
        } else {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let line = &rest[..line_end];
            rest = &rest[line_end..];
            interpolate(line.split(" #").next().unwrap_or_default().trim_end())?
        };
        entries.push((key.to_owned(), value));
    }
}

/// compose-go's `isSpace`: blanks that are not line breaks.
pub(crate) fn is_dotenv_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

pub(crate) fn unescape_double_quoted(inner: &str) -> Result<String, String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            // `\$` is Compose's other spelling of `$$`.
            Some('$') => out.push_str("$$"),
            other => return Err(format!("unexpected escape `\\{}`", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

pub(crate) fn interpolate(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('$') => out.push('$'),
            _ => {
                return Err(format!(
                    "`{text}` has a `$` Compose would interpolate or reject"
                ));
            }
        }
    }
    Ok(out)
}

/// How a plain scalar resolves, to compare YAML 1.1 with YAML 1.2's core schema.
#[derive(Debug, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    /// The value's bits, or `None` when the text cannot be read as a number at all.
    Float(Option<u64>),
    Timestamp,
    Str,
}

/// Plain scalars (keys and values) whose YAML 1.1 reading differs from the YAML 1.2 one.
pub(crate) fn yaml_1_1_disagreements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(e) => {
                out.push(format!("does not parse: {e}"));
                break;
            }
        };
        if let Event::Scalar(value, ScalarStyle::Plain, _, None) = event {
            let (old, new) = (resolve_1_1(&value), resolve_1_2(&value));
            if old != new {
                out.push(format!(
                    "line {}: plain `{value}` is {old:?} in YAML 1.1 but {new:?} in YAML 1.2",
                    span.start.line()
                ));
            }
        }
    }
    out
}

pub(crate) fn resolve_1_2(text: &str) -> Resolved {
    let unsigned = text.trim_start_matches(['-', '+']);
    let signs = text.len() - unsigned.len();
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        _ if signs <= 1 && digits(unsigned, 10) => int(text, 10),
        _ if digits(text.strip_prefix("0o").unwrap_or_default(), 8) => int(&text[2..], 8),
        _ if digits(text.strip_prefix("0x").unwrap_or_default(), 16) => int(&text[2..], 16),
        _ if signs <= 1 && matches!(unsigned, ".inf" | ".Inf" | ".INF") => float(
            &text
                .replace(".inf", "inf")
                .replace(".Inf", "inf")
                .replace(".INF", "inf"),
        ),
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(Some(f64::NAN.to_bits())),
        _ if signs <= 1 && is_core_float(unsigned) => float(text),
        _ => Resolved::Str,
    }
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
pub(crate) fn is_core_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() && !frac.is_empty() || !int.is_empty())
                && int.chars().all(|c| c.is_ascii_digit())
                && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// The YAML 1.1 types (yaml.org/type): bool, null, int, float and timestamp.
pub(crate) fn resolve_1_1(text: &str) -> Resolved {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    let is = |s: &str, allowed: &dyn Fn(char) -> bool| !s.is_empty() && s.chars().all(allowed);
    let signed = |value: i128| Resolved::Int(if negative { -value } else { value });
    let parse = |s: &str, radix: u32| i128::from_str_radix(&s.replace('_', ""), radix).ok();
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(Some(f64::NAN.to_bits())),
        _ => {}
    }
    if let Some(bits) = unsigned.strip_prefix("0b")
        && is(bits, &|c| matches!(c, '0' | '1' | '_'))
    {
        return parse(bits, 2).map_or(Resolved::Float(None), signed);
    }
    if let Some(hex) = unsigned.strip_prefix("0x")
        && is(hex, &|c| c.is_ascii_hexdigit() || c == '_')
    {
        return parse(hex, 16).map_or(Resolved::Float(None), signed);
    }
    if unsigned.len() > 1
        && unsigned.starts_with('0')
        && is(unsigned, &|c| matches!(c, '0'..='7' | '_'))
    {
        return parse(unsigned, 8).map_or(Resolved::Float(None), signed);
    }
    if unsigned == "0"
        || unsigned.starts_with(|c: char| matches!(c, '1'..='9'))
            && is(unsigned, &|c| c.is_ascii_digit() || c == '_')
    {
        return parse(unsigned, 10).map_or(Resolved::Float(None), signed);
    }
    if let Some(value) = sexagesimal(unsigned) {
        return signed(value);
    }
    // `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, base-60 floats.
    if let Some((whole, fraction)) = unsigned.split_once('.')
        && let Some(value) = sexagesimal(whole)
        && fraction.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        #[allow(clippy::cast_precision_loss)]
        let value = value as f64 + float_fraction(fraction);
        return Resolved::Float(Some(if negative { -value } else { value }.to_bits()));
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return float(&format!("{}inf", if negative { "-" } else { "" }));
    }
    // `[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?`
    if let Some((int_part, rest)) = unsigned.split_once('.') {
        let int_ok = int_part.is_empty()
            || int_part.starts_with(|c: char| c.is_ascii_digit())
                && is(int_part, &|c| c.is_ascii_digit() || c == '_');
        let (fraction, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let fraction_ok = fraction.chars().all(|c| c.is_ascii_digit() || c == '.');
        let exponent_ok = exponent
            .is_none_or(|e| e.starts_with(['-', '+']) && is(&e[1..], &|c| c.is_ascii_digit()));
        if int_ok && fraction_ok && exponent_ok {
            return float(&text.replace('_', ""));
        }
    }
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        range
            .clone()
            .all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    if b.len() >= 8 && digits(0..4) && b[4] == b'-' && digits(5..6) {
        return Resolved::Timestamp;
    }
    Resolved::Str
}

/// `[1-9][0-9_]*(:[0-5]?[0-9])+`, YAML 1.1's base-60 integers.
pub(crate) fn sexagesimal(text: &str) -> Option<i128> {
    let mut parts = text.split(':');
    let first = parts.next()?;
    if !first.starts_with(|c: char| matches!(c, '1'..='9'))
        || !first.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let mut value: i128 = first.replace('_', "").parse().ok()?;
    let mut groups = 0;
    for part in parts {
        let ok = matches!(part.len(), 1 | 2)
            && part.chars().all(|c| c.is_ascii_digit())
            && (part.len() == 1 || part.as_bytes()[0] <= b'5');
        if !ok {
            return None;
        }
        value = value * 60 + part.parse::<i128>().ok()?;
        groups += 1;
    }
    (groups > 0).then_some(value)
}

pub(crate) fn float_fraction(digits: &str) -> f64 {
    format!("0.{}", digits.replace('_', ""))
        .parse()
        .unwrap_or(0.0)
}

pub(crate) fn int(text: &str, radix: u32) -> Resolved {
    i128::from_str_radix(text, radix).map_or(Resolved::Float(None), Resolved::Int)
}

pub(crate) fn float(text: &str) -> Resolved {
    Resolved::Float(text.parse::<f64>().ok().map(f64::to_bits))
}
