//! The rule lexer: Go tokens as `go/scanner` reads them (identifiers, raw and interpreted
//! strings with Go escapes, `&&`, `||`, `!`, parentheses, commas), each with its byte span and
//! whether a line break precedes it.

use std::ops::Range;

use super::RuleError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum TokenKind {
    /// A Go identifier or number: `Host`, `and`, `42`.
    Word,
    /// A string literal, decoded.
    Str(String),
    LParen,
    RParen,
    Comma,
    AndAnd,
    OrOr,
    Bang,
    /// Any other character, such as a lone `&` or a `/` where a value should be quoted.
    Other,
    Eof,
}

#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    pub(super) span: Range<usize>,
    /// Whether the whitespace before this token holds a line break, which matters because Go
    /// inserts a semicolon there after `)`, a literal or a name.
    pub(super) after_newline: bool,
}

const ESCAPE_HELP: &str = "inside double quotes a backslash starts a Go escape: write `\\\\` for \
                           a literal backslash, or quote the value with backticks";

pub(super) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lexer { src, pos: 0 }
    }

    pub(super) fn next_token(&mut self) -> Result<Token, RuleError> {
        let after_newline = self.skip_whitespace();
        let start = self.pos;
        let rest = &self.src[start..];
        let Some(first) = rest.chars().next() else {
            return Ok(Token {
                kind: TokenKind::Eof,
                span: start..start,
                after_newline,
            });
        };
        let punctuation = [
            ("&&", TokenKind::AndAnd),
            ("||", TokenKind::OrOr),
            ("(", TokenKind::LParen),
            (")", TokenKind::RParen),
            (",", TokenKind::Comma),
            ("!", TokenKind::Bang),
        ];
        let kind = if let Some((text, kind)) = punctuation
            .into_iter()
            .find(|(text, _)| rest.starts_with(text))
        {
            self.pos += text.len();
            kind
        } else {
            match first {
                '`' => self.raw_string()?,
                '"' => self.interpreted_string()?,
                '\'' => return Err(self.single_quoted()),
                c if is_word_char(c) => {
                    self.pos += rest.find(|c| !is_word_char(c)).unwrap_or(rest.len());
                    TokenKind::Word
                }
                c => {
                    self.pos += c.len_utf8();
                    TokenKind::Other
                }
            }
        };
        Ok(Token {
            kind,
            span: start..self.pos,
            after_newline,
        })
    }

    /// Skips Go whitespace (exactly space, tab, CR and LF) and reports whether it held a line break.
    fn skip_whitespace(&mut self) -> bool {
        let rest = &self.src[self.pos..];
        let len = rest
            .find(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
            .unwrap_or(rest.len());
        self.pos += len;
        rest[..len].contains('\n')
    }

    fn raw_string(&mut self) -> Result<TokenKind, RuleError> {
        let start = self.pos;
        let body = &self.src[start + 1..];
        let Some(len) = body.find('`') else {
            return Err(
                RuleError::new("unterminated raw string literal", start..self.src.len())
                    .help("close the value with a backtick"),
            );
        };
        self.pos = start + 1 + len + 1;
        // Go drops carriage returns from raw strings (spec, "String literals").
        Ok(TokenKind::Str(body[..len].replace('\r', "")))
    }

    fn interpreted_string(&mut self) -> Result<TokenKind, RuleError> {
        let start = self.pos;
        self.pos += 1;
        // Go strings are bytes: `\xNN` and octal escapes may build UTF-8 sequences byte by byte.
        let mut bytes = Vec::new();
        loop {
            match self.src[self.pos..].chars().next() {
                Some('"') => break,
                None | Some('\n') => return Err(unterminated_string(start, self.pos)),
                Some('\\') => self.escape(&mut bytes, start)?,
                Some(c) => {
                    bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    self.pos += c.len_utf8();
                }
            }
        }
        self.pos += 1;
        String::from_utf8(bytes).map(TokenKind::Str).map_err(|_| {
            RuleError::new(
                "string literal is not valid UTF-8 once its escapes are decoded",
                start..self.pos,
            )
            .help("write non-ASCII characters as they are or as `\\u` escapes")
        })
    }

    /// Decodes one Go escape sequence; `self.pos` is at the backslash.
    fn escape(&mut self, out: &mut Vec<u8>, literal_start: usize) -> Result<(), RuleError> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.src[self.pos..].chars().next() else {
            return Err(unterminated_string(literal_start, self.pos));
        };
        let simple = match c {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' => Some(b'\\'),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(byte) = simple {
            self.pos += 1;
            out.push(byte);
            return Ok(());
        }
        match c {
            '0'..='7' | 'x' => {
                let value = if c == 'x' {
                    self.pos += 1;
                    self.escape_digits(start, 2, 16)?
                } else {
                    self.escape_digits(start, 3, 8)?
                };
                let byte = u8::try_from(value).map_err(|_| {
                    let text = &self.src[start..self.pos];
                    RuleError::new(
                        format!("octal escape `{text}` is above 255"),
                        start..self.pos,
                    )
                    .help(ESCAPE_HELP)
                })?;
                out.push(byte);
            }
            'u' | 'U' => {
                self.pos += 1;
                let digits = if c == 'u' { 4 } else { 8 };
                let value = self.escape_digits(start, digits, 16)?;
                let decoded = char::from_u32(value).ok_or_else(|| {
                    let text = &self.src[start..self.pos];
                    RuleError::new(
                        format!("escape sequence `{text}` is not a valid Unicode code point"),
                        start..self.pos,
                    )
                })?;
                out.extend_from_slice(decoded.encode_utf8(&mut [0; 4]).as_bytes());
            }
            '\n' => return Err(unterminated_string(literal_start, self.pos)),
            _ => {
                let end = self.pos + c.len_utf8();
                let text = &self.src[start..end];
                return Err(RuleError::new(
                    format!("unknown escape sequence `{text}`"),
                    start..end,
                )
                .help(ESCAPE_HELP));
            }
        }
        Ok(())
    }

    /// Reads exactly `count` digits of `radix`; an escape cut short is an error, as in Go.
    fn escape_digits(&mut self, start: usize, count: usize, radix: u32) -> Result<u32, RuleError> {
        let mut value = 0;
        for _ in 0..count {
            let next = self.src[self.pos..].chars().next();
            if let Some(digit) = next.and_then(|c| c.to_digit(radix)) {
                value = value * radix + digit;
                self.pos += 1;
                continue;
            }
            // Point at the offending character, unless it is what ends the literal.
            let end = match next {
                Some(c) if c != '"' && c != '\n' => self.pos + c.len_utf8(),
                _ => self.pos,
            };
            let text = &self.src[start..end];
            return Err(
                RuleError::new(format!("invalid escape sequence `{text}`"), start..end)
                    .help(ESCAPE_HELP),
            );
        }
        Ok(value)
    }

    /// Go reads `'x'` as a character literal, which predicate rejects as an argument type.
    fn single_quoted(&self) -> RuleError {
        let start = self.pos;
        let line_end = self.src[start..]
            .find('\n')
            .map_or(self.src.len(), |len| start + len);
        let end = self.src[start + 1..line_end]
            .find('\'')
            .map_or(line_end, |len| start + 1 + len + 1);
        RuleError::new("single quotes are not allowed around values", start..end).help(
            "quote values with backticks or double quotes: Go reads single quotes as a character",
        )
    }
}

fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn unterminated_string(start: usize, end: usize) -> RuleError {
    RuleError::new("unterminated string literal", start..end)
        .help("close the value with `\"` on the same line, or use backticks")
}
