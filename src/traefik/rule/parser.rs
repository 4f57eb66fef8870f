//! The rule parser: the Go expression subset a rule may be, matcher names resolved for the
//! router family, each leaf validated as it is built. The grammar:
//!
//! ```text
//! or := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '!' unary | primary ;
//! primary := '(' or ')' | name '(' [string (',' string)* [',']] ')'
//! ```

use std::ops::Range;

use super::check::validate_call;
use super::lexer::{Lexer, Token, TokenKind};
use super::{Arg, Expr, Kind, Matcher, RuleError};

// Parser: or := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '!' unary | primary ;
// primary := '(' or ')' | name '(' [string (',' string)* [',']] ')'

pub(super) struct Parser<'a> {
    src: &'a str,
    kind: Kind,
    lexer: Lexer<'a>,
    peeked: Option<Token>,
    /// Whether the last consumed token is one after which Go inserts a semicolon at a line break.
    ends_line: bool,
    /// Open parentheses around the current position.
    depth: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str, kind: Kind) -> Self {
        Parser {
            src,
            kind,
            lexer: Lexer::new(src),
            peeked: None,
            ends_line: false,
            depth: 0,
        }
    }

    /// Looks at the next token. Tokens are lexed on demand so that errors come in reading order.
    pub(super) fn peek(&mut self) -> Result<&Token, RuleError> {
        let token = match self.peeked.take() {
            Some(token) => token,
            None => self.lex()?,
        };
        Ok(self.peeked.insert(token))
    }

    pub(super) fn bump(&mut self) -> Result<Token, RuleError> {
        let token = match self.peeked.take() {
            Some(token) => token,
            None => self.lex()?,
        };
        self.ends_line = matches!(
            token.kind,
            TokenKind::Word | TokenKind::Str(_) | TokenKind::RParen
        );
        Ok(token)
    }

    fn lex(&mut self) -> Result<Token, RuleError> {
        let token = self.lexer.next_token()?;
        // A trailing line break is fine: `go/parser.ParseExpr` swallows the inserted semicolon
        // before it expects the end of input.
        if token.after_newline && self.ends_line && token.kind != TokenKind::Eof {
            return Err(self.line_break(&token));
        }
        Ok(token)
    }

    pub(super) fn or_expr(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.and_expr()?;
        while self.peek()?.kind == TokenKind::OrOr {
            self.bump()?;
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.unary()?;
        while self.peek()?.kind == TokenKind::AndAnd {
            self.bump()?;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.peek()?.kind == TokenKind::Bang {
            self.bump()?;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let token = self.bump()?;
        match token.kind {
            TokenKind::LParen => {
                self.depth += 1;
                let inner = self.or_expr()?;
                let close = self.bump()?;
                if close.kind != TokenKind::RParen {
                    return Err(self.unexpected(&close, "`)`"));
                }
                self.depth -= 1;
                Ok(inner)
            }
            TokenKind::Word
                if !self.src[token.span.clone()].starts_with(|c: char| c.is_numeric()) =>
            {
                self.call(token.span)
            }
            _ => Err(self.unexpected(&token, "a matcher")),
        }
    }

    fn call(&mut self, name_span: Range<usize>) -> Result<Expr, RuleError> {
        let src = self.src;
        let name = &src[name_span.clone()];
        let matcher = resolve_matcher(name, name_span.clone(), self.kind)?;
        let open = self.bump()?;
        if open.kind != TokenKind::LParen {
            return Err(self.unexpected(&open, &format!("`(` after `{name}`")));
        }
        let mut args = Vec::new();
        let end = loop {
            let token = self.bump()?;
            match token.kind {
                TokenKind::RParen => break token.span.end,
                TokenKind::Str(value) => args.push(Arg {
                    value,
                    span: token.span,
                }),
                _ => return Err(self.expected_value(&token, matcher)),
            }
            // Go allows a trailing comma in a call, which matters for one value per line.
            let separator = self.bump()?;
            match separator.kind {
                TokenKind::Comma => {}
                TokenKind::RParen => break separator.span.end,
                _ => return Err(self.unexpected(&separator, "`,` or `)`")),
            }
        };
        let span = name_span.start..end;
        validate_call(matcher, &args, &span)?;
        Ok(Expr::Match {
            matcher,
            args,
            span,
        })
    }

    fn describe(&self, token: &Token) -> String {
        match token.kind {
            TokenKind::Eof => "end of rule".to_owned(),
            TokenKind::Str(_) => "a string literal".to_owned(),
            _ => format!("`{}`", &self.src[token.span.clone()]),
        }
    }

    pub(super) fn unexpected(&self, token: &Token, expected: &str) -> RuleError {
        let text = &self.src[token.span.clone()];
        let error = RuleError::new(
            format!("expected {expected}, found {}", self.describe(token)),
            token.span.clone(),
        );
        let help = match (&token.kind, text.to_ascii_lowercase().as_str()) {
            (TokenKind::Other, "&") => "combine matchers with `&&`",
            (TokenKind::Other, "|") => "combine matchers with `||`",
            (TokenKind::Word, "and") => "write `&&` instead of `and`",
            (TokenKind::Word, "or") => "write `||` instead of `or`",
            (TokenKind::RParen, _) if self.depth == 0 => "this `)` has no matching `(`",
            (TokenKind::Eof, _) if expected == "`)`" => "close the open `(`",
            (TokenKind::Eof, _) if expected == "`,` or `)`" => "close the matcher with `)`",
            (TokenKind::Word | TokenKind::Str(_) | TokenKind::LParen | TokenKind::Bang, _)
                if expected == "end of rule" =>
            {
                "join matchers with `&&` or `||`"
            }
            _ => return error,
        };
        error.help(help)
    }

    /// A value that is not a string literal: show the whole bare word, such as `example.com`.
    fn expected_value(&self, token: &Token, matcher: Matcher) -> RuleError {
        if !matches!(token.kind, TokenKind::Word | TokenKind::Other) {
            return self.unexpected(token, "a string literal");
        }
        let start = token.span.start;
        let len = self.src[start..]
            .find(|c: char| c.is_whitespace() || "(),`\"'".contains(c))
            .unwrap_or(self.src.len() - start);
        let span = start..start + len;
        let word = &self.src[span.clone()];
        let nested = token.kind == TokenKind::Word && self.src[span.end..].starts_with('(');
        let help = if nested {
            "matchers cannot be nested: combine them with `&&` or `||`".to_owned()
        } else {
            format!("quote the value with backticks: `{matcher}(`{word}`)`")
        };
        RuleError::new(format!("expected a string literal, found `{word}`"), span).help(help)
    }

    fn line_break(&self, token: &Token) -> RuleError {
        let found = self.describe(token);
        if self.depth == 0 && matches!(token.kind, TokenKind::AndAnd | TokenKind::OrOr) {
            return RuleError::new(format!("expected end of rule, found {found}"), token.span.clone())
                .help(format!(
                    "a line break after `)` ends the rule (Go inserts a semicolon there): move {found} to the end of the previous line"
                ));
        }
        RuleError::new(format!("unexpected line break before {found}"), token.span.clone()).help(
            "a line break after `)`, a value or a name ends the rule in Go: break lines after an operator, `(` or `,` instead",
        )
    }
}

fn resolve_matcher(name: &str, span: Range<usize>, kind: Kind) -> Result<Matcher, RuleError> {
    let Some(matcher) = Matcher::from_spelling(name) else {
        return Err(unknown_matcher(name, span, kind));
    };
    if matcher.allowed_in(kind) {
        return Ok(matcher);
    }
    let (own, other) = match kind {
        Kind::Http => ("a TCP", "an HTTP"),
        Kind::Tcp => ("an HTTP", "a TCP"),
    };
    let error = RuleError::new(
        format!("`{matcher}` is {own} matcher and cannot be used in {other} rule"),
        span,
    );
    // Point from the HTTP host matchers to their TCP twins and back.
    let twin = match matcher {
        Matcher::Host => Some(Matcher::HostSni),
        Matcher::HostRegexp => Some(Matcher::HostSniRegexp),
        Matcher::HostSni => Some(Matcher::Host),
        Matcher::HostSniRegexp => Some(Matcher::HostRegexp),
        _ => None,
    };
    Err(match twin {
        Some(twin) => error.help(format!(
            "use `{twin}` in {} rules, such as `{}`",
            kind.label(),
            twin.example()
        )),
        None => error.help(matcher_list(kind)),
    })
}

fn unknown_matcher(name: &str, span: Range<usize>, kind: Kind) -> RuleError {
    let error = RuleError::new(format!("unknown matcher `{name}`"), span);
    let lower = name.to_ascii_lowercase();
    let candidates = Matcher::ALL.into_iter().filter(|m| m.allowed_in(kind));
    if let Some(matcher) = candidates
        .clone()
        .find(|m| m.name().eq_ignore_ascii_case(name))
    {
        return error.help(format!(
            "matcher names are case-sensitive: write `{matcher}` (or `{}`)",
            matcher.name().to_ascii_lowercase()
        ));
    }
    // Names carried over from Traefik v2 (MIG "New V3 Syntax Notable Changes") or from other
    // languages' boolean operators.
    let help = match lower.as_str() {
        "headers" => "`Headers` was renamed `Header` in Traefik v3".to_owned(),
        "headersregexp" => "`HeadersRegexp` was renamed `HeaderRegexp` in Traefik v3".to_owned(),
        "hostheader" => "`HostHeader` was removed in Traefik v3: use `Host`".to_owned(),
        "not" => "write `!` to negate a matcher".to_owned(),
        "and" => "write `&&` instead of `and`".to_owned(),
        "or" => "write `||` instead of `or`".to_owned(),
        _ => match candidates
            .map(|m| (edit_distance(&lower, &m.name().to_ascii_lowercase()), m))
            .filter(|&(distance, _)| distance <= 2)
            .min_by_key(|&(distance, _)| distance)
        {
            Some((_, matcher)) => format!("did you mean `{matcher}`?"),
            None => matcher_list(kind),
        },
    };
    error.help(help)
}

fn matcher_list(kind: Kind) -> String {
    let names: Vec<String> = Matcher::ALL
        .into_iter()
        .filter(|m| m.allowed_in(kind))
        .map(|m| format!("`{m}`"))
        .collect();
    format!("the {} matchers are {}", kind.label(), names.join(", "))
}

/// Levenshtein distance, for "did you mean" hints on short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
