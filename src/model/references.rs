//! Compose's interpolation syntax, read in one place: `$$` is a literal `$`; `$NAME` and
//! `${NAME}` refer to NAME; `${NAME:-x}`, `${NAME-x}`, `${NAME:?e}`, `${NAME?e}`,
//! `${NAME:+x}` and `${NAME+x}` too, with their operand interpolated again. Guarding
//! references (`interpolate`) and finding them (validation) both walk this scanner, so the
//! two cannot read a string differently.

use std::ops::Range;

/// Compose's operators, longest first where one is the start of another.
const OPERATORS: [&str; 6] = [":-", ":?", ":+", "-", "?", "+"];

/// One reference in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference<'a> {
    /// Bytes of the whole reference: `$NAME` or `${…}`.
    pub span: Range<usize>,
    pub name: &'a str,
    pub form: Form<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Form<'a> {
    /// `$NAME` or `${NAME}`.
    Bare,
    /// `${NAME<op><operand>}`.
    Operator { op: &'static str, operand: &'a str },
}

/// What Compose refuses, with the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// `${` with no closing `}`: the scan stops there.
    Unclosed,
    /// `${…}` whose name is not a variable name; the inner text.
    InvalidName(String),
    /// `${NAME…}` followed by something that is no operator; the inner text.
    UnknownOperator(String),
    /// A `$` that starts neither a name nor `${`.
    LoneDollar,
}

impl Problem {
    /// The message validation prints for it, `text` being the whole string.
    pub(crate) fn message(&self, text: &str) -> String {
        match self {
            Problem::Unclosed => format!("`${{` without a closing `}}` in `{text}`"),
            Problem::InvalidName(inner) => format!("`${{{inner}}}` is not a valid interpolation"),
            Problem::UnknownOperator(inner) => {
                format!("`${{{inner}}}` uses an operator Compose does not support")
            }
            Problem::LoneDollar => {
                format!("a lone `$` in `{text}` is not valid Compose interpolation")
            }
        }
    }
}

/// Environment variable names as Compose interpolates them: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_variable_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The references of `text`, left to right, and what Compose would refuse. Nothing follows
/// an unclosed `${`.
pub(crate) fn scan(text: &str) -> Scan<'_> {
    Scan { text, at: 0 }
}

pub(crate) struct Scan<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Scan<'a> {
    type Item = Result<Reference<'a>, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        loop {
            let i = self.at + bytes.get(self.at..)?.iter().position(|b| *b == b'$')?;
            match bytes.get(i + 1) {
                Some(b'$') => self.at = i + 2,
                Some(b'{') => {
                    let start = i + 2;
                    let mut depth = 1;
                    let mut j = start;
                    while j < bytes.len() && depth > 0 {
                        match bytes[j] {
                            b'{' => depth += 1,
                            b'}' => depth -= 1,
                            _ => {}
                        }
                        j += 1;
                    }
                    if depth > 0 {
                        self.at = bytes.len();
                        return Some(Err(Problem::Unclosed));
                    }
                    self.at = j;
                    let inner = &text[start..j - 1];
                    let name_end = inner
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(inner.len());
                    let (name, rest) = inner.split_at(name_end);
                    if !is_variable_name(name) {
                        return Some(Err(Problem::InvalidName(inner.to_owned())));
                    }
                    let form = if rest.is_empty() {
                        Form::Bare
                    } else {
                        match OPERATORS.iter().find(|op| rest.starts_with(**op)) {
                            Some(op) => Form::Operator {
                                op,
                                operand: &rest[op.len()..],
                            },
                            None => return Some(Err(Problem::UnknownOperator(inner.to_owned()))),
                        }
                    };
                    return Some(Ok(Reference {
                        span: i..j,
                        name,
                        form,
                    }));
                }
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                    let end = text[i + 1..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .map_or(text.len(), |e| i + 1 + e);
                    self.at = end;
                    return Some(Ok(Reference {
                        span: i..end,
                        name: &text[i + 1..end],
                        form: Form::Bare,
                    }));
                }
                _ => {
                    self.at = i + 1;
                    return Some(Err(Problem::LoneDollar));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<Result<(&str, Option<&str>), Problem>> {
        scan(text)
            .map(|r| {
                r.map(|r| match r.form {
                    Form::Bare => (r.name, None),
                    Form::Operator { op, .. } => (r.name, Some(op)),
                })
            })
            .collect()
    }

    #[test]
    fn reads_every_form_compose_reads() {
        assert_eq!(
            names("$A ${B} ${C:-x} ${D-x} ${E:?e} ${F?e} ${G:+x} ${H+x} $$I"),
            vec![
                Ok(("A", None)),
                Ok(("B", None)),
                Ok(("C", Some(":-"))),
                Ok(("D", Some("-"))),
                Ok(("E", Some(":?"))),
                Ok(("F", Some("?"))),
                Ok(("G", Some(":+"))),
                Ok(("H", Some("+"))),
            ]
        );
    }

    #[test]
    fn spans_cover_the_reference_and_operands_nest() {
        let text = "x${A:-${B}}y";
        let r = scan(text).next().unwrap().unwrap();
        assert_eq!(&text[r.span.clone()], "${A:-${B}}");
        assert_eq!(
            r.form,
            Form::Operator {
                op: ":-",
                operand: "${B}"
            }
        );
    }

    #[test]
    fn names_what_compose_refuses() {
        assert_eq!(names("a $ b"), vec![Err(Problem::LoneDollar)]);
        assert_eq!(names("${1x}"), vec![Err(Problem::InvalidName("1x".into()))]);
        assert_eq!(
            names("${A!x}"),
            vec![Err(Problem::UnknownOperator("A!x".into()))]
        );
        assert_eq!(names("${A $B"), vec![Err(Problem::Unclosed)]);
    }
}
