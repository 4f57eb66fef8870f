//! Traefik v3 router rules: parse, validate, prioritise, lint and evaluate.
//!
//! Input is a rule string exactly as Traefik receives it (after YAML or label decoding). Output is an
//! [`Expr`] tree whose leaves carry byte spans into that string, or a [`RuleError`] pointing at the
//! offending bytes. Traefik parses a rule as a Go expression (`vulcand/predicate` on top of
//! `go/parser`) and then checks each leaf in `pkg/rules/parser.go` and in the matcher functions of
//! `pkg/muxer/http/matcher.go` and `pkg/muxer/tcp/matcher.go`. This module implements the subset of
//! Go syntax that can form a valid rule and aims to accept exactly what Traefik accepts, with known
//! gaps: v2 `{name:re}` templates in regex matchers are rejected on purpose (Go compiles them, but
//! they never match what their author meant), Go comments are not supported, and regexes are checked
//! with the Rust `regex` crate, which is close to Go's RE2 but not identical.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use regex::Regex;

/// Highest priority a user router may have: Traefik reserves the top 1000 values for its internal
/// routers and refuses to mount a user router above this (`maxUserPriority` in
/// `pkg/server/router/router.go`).
pub const MAX_USER_PRIORITY: i64 = i64::MAX - 1000;

/// The router family a rule belongs to; each family has its own matcher set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Http,
    Tcp,
}

/// A matcher function: the leaf of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Matcher {
    Host,
    HostRegexp,
    Path,
    PathPrefix,
    PathRegexp,
    Method,
    Header,
    HeaderRegexp,
    Query,
    QueryRegexp,
    ClientIp,
    HostSni,
    HostSniRegexp,
    Alpn,
}

/// One argument of a matcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The decoded value: backtick strings verbatim (minus carriage returns, as in Go), double-quoted
    /// strings with their Go escapes applied.
    pub value: String,
    /// Byte span of the literal, quotes included, in the rule.
    pub span: Range<usize>,
}

/// A parsed rule. Parentheses leave no node: they only shape the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Match {
        matcher: Matcher,
        args: Vec<Arg>,
        /// From the first byte of the matcher name to its closing parenthesis.
        span: Range<usize>,
    },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A problem in a rule: a parse error from [`parse`] or a warning from [`lints`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub message: String,
    /// Byte span in the rule; empty at the end of the rule when the rule stops too early.
    pub span: Range<usize>,
    pub help: Option<String>,
}

/// Which hosts a rule can match, for indexing routers by host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostSet {
    /// Any host, as far as the rule's `Host` matchers tell.
    Any,
    /// Only these hosts: lowercased, without a trailing dot, `*.` wildcard patterns kept as written.
    Exact(BTreeSet<String>),
}

/// The parts of a request that rules look at, for `seisei route URL`.
///
/// `host` is the request host without its port; `path` is the routing path Traefik matches
/// (sanitised, unreserved escapes decoded); `query` holds decoded key/value pairs, with an empty
/// value for a bare `?key`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    pub host: &'a str,
    pub path: &'a str,
    pub method: &'a str,
    pub headers: &'a [(String, String)],
    pub query: &'a [(String, String)],
    pub client_ip: Option<IpAddr>,
}

impl Matcher {
    const ALL: [Matcher; 14] = [
        Matcher::Host,
        Matcher::HostRegexp,
        Matcher::Path,
        Matcher::PathPrefix,
        Matcher::PathRegexp,
        Matcher::Method,
        Matcher::Header,
        Matcher::HeaderRegexp,
        Matcher::Query,
        Matcher::QueryRegexp,
        Matcher::ClientIp,
        Matcher::HostSni,
        Matcher::HostSniRegexp,
        Matcher::Alpn,
    ];

    /// The canonical spelling, as Traefik's documentation writes it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Matcher::Host => "Host",
            Matcher::HostRegexp => "HostRegexp",
            Matcher::Path => "Path",
            Matcher::PathPrefix => "PathPrefix",
            Matcher::PathRegexp => "PathRegexp",
            Matcher::Method => "Method",
            Matcher::Header => "Header",
            Matcher::HeaderRegexp => "HeaderRegexp",
            Matcher::Query => "Query",
            Matcher::QueryRegexp => "QueryRegexp",
            Matcher::ClientIp => "ClientIP",
            Matcher::HostSni => "HostSNI",
            Matcher::HostSniRegexp => "HostSNIRegexp",
            Matcher::Alpn => "ALPN",
        }
    }

    /// Whether a rule of `kind` may use this matcher; `ClientIP` exists in both families.
    #[must_use]
    pub fn allowed_in(self, kind: Kind) -> bool {
        match self {
            Matcher::ClientIp => true,
            Matcher::HostSni | Matcher::HostSniRegexp | Matcher::Alpn => kind == Kind::Tcp,
            _ => kind == Kind::Http,
        }
    }

    /// Accepted argument counts, as Traefik's `expectNParameters` wrappers declare them.
    fn arities(self) -> &'static [usize] {
        match self {
            Matcher::Header | Matcher::HeaderRegexp => &[2],
            Matcher::Query | Matcher::QueryRegexp => &[1, 2],
            _ => &[1],
        }
    }

    /// Whether the first argument names a header or query key and the second is its value.
    fn is_keyed(self) -> bool {
        self.arities() != [1]
    }

    /// Index of the argument that is a regular expression, if any.
    fn regex_arg(self) -> Option<usize> {
        match self {
            Matcher::HostRegexp | Matcher::PathRegexp | Matcher::HostSniRegexp => Some(0),
            Matcher::HeaderRegexp | Matcher::QueryRegexp => Some(1),
            _ => None,
        }
    }

    /// A well-formed call, shown in hints.
    fn example(self) -> &'static str {
        match self {
            Matcher::Host => "Host(`example.com`)",
            Matcher::HostRegexp => r"HostRegexp(`^[a-z]+\.example\.com$`)",
            Matcher::Path => "Path(`/products`)",
            Matcher::PathPrefix => "PathPrefix(`/api`)",
            Matcher::PathRegexp => "PathRegexp(`^/products/[0-9]+$`)",
            Matcher::Method => "Method(`GET`)",
            Matcher::Header => "Header(`Content-Type`, `application/json`)",
            Matcher::HeaderRegexp => "HeaderRegexp(`Content-Type`, `^application/(json|yaml)$`)",
            Matcher::Query => "Query(`mobile`, `true`)",
            Matcher::QueryRegexp => "QueryRegexp(`mobile`, `^(true|yes)$`)",
            Matcher::ClientIp => "ClientIP(`10.0.0.0/8`)",
            Matcher::HostSni => "HostSNI(`example.com`)",
            Matcher::HostSniRegexp => r"HostSNIRegexp(`^.+\.example\.com$`)",
            Matcher::Alpn => "ALPN(`h2`)",
        }
    }

    /// Looks a name up the way Traefik registers it: the declared spelling, all-lower, ALL-UPPER
    /// and Title-of-lower (`pkg/rules/parser.go`), so `Pathprefix` works but `pathPrefix` does not.
    fn from_spelling(word: &str) -> Option<Matcher> {
        Matcher::ALL.into_iter().find(|matcher| {
            let declared = matcher.name();
            let lower = declared.to_ascii_lowercase();
            let mut title = lower.clone();
            title[..1].make_ascii_uppercase();
            word == declared
                || word == lower
                || word == declared.to_ascii_uppercase()
                || word == title
        })
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Http => "HTTP",
            Kind::Tcp => "TCP",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::Http => Matcher::Host.example(),
            Kind::Tcp => Matcher::HostSni.example(),
        }
    }
}

impl RuleError {
    fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        RuleError {
            message: message.into(),
            span,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}

/// Parses and validates a rule the way Traefik does when it mounts a router of `kind`.
///
/// # Errors
///
/// Returns the first problem in reading order: a syntax error, an unknown matcher or one of the
/// other family, a wrong number of values, or a value the matcher rejects (bad regex, bad IP,
/// non-ASCII host, path without a leading `/`, ...).
pub fn parse(rule: &str, kind: Kind) -> Result<Expr, RuleError> {
    let mut parser = Parser::new(rule, kind);
    if parser.peek()?.kind == TokenKind::Eof {
        let end = rule.len();
        return Err(RuleError::new("empty rule", end..end).help(format!(
            "write at least one matcher, such as `{}`",
            kind.example()
        )));
    }
    let expr = parser.or_expr()?;
    let token = parser.bump()?;
    if token.kind != TokenKind::Eof {
        return Err(parser.unexpected(&token, "end of rule"));
    }
    Ok(expr)
}

/// The priority Traefik gives a router whose `priority` is unset or 0: the byte length of the rule
/// as stored (`GetRulePriority` in `pkg/muxer/http/mux.go`). A TCP rule that is a single
/// `HostSNI(`*`)` gets -1 so that the catch-all is tried last (`pkg/muxer/tcp/mux.go`).
#[must_use]
pub fn default_priority(rule: &str, kind: Kind) -> i64 {
    if kind == Kind::Tcp && is_tcp_catch_all(rule) {
        return -1;
    }
    i64::try_from(rule.len()).unwrap_or(i64::MAX)
}

/// Warnings for rules that parse but do not do what they look like: `{id}` placeholders in `Path`
/// and `PathPrefix` (v3 matches them literally, traefik/traefik#12409) and unanchored `HostRegexp`
/// patterns (Go's `MatchString` finds a match anywhere in the host).
#[must_use]
pub fn lints(expr: &Expr) -> Vec<RuleError> {
    let mut warnings = Vec::new();
    expr.for_each_leaf(&mut |matcher, args| {
        if let Some(warning) = lint_leaf(matcher, args) {
            warnings.push(warning);
        }
    });
    warnings
}

impl Expr {
    /// Evaluates the rule against a request with Traefik's matching semantics.
    ///
    /// TCP matchers see `host` as the TLS server name; `ALPN` never matches because a request
    /// carries no protocol list.
    #[must_use]
    pub fn matches(&self, req: &Request) -> bool {
        match self {
            Expr::Match { matcher, args, .. } => leaf_matches(*matcher, args, req),
            Expr::Not(inner) => !inner.matches(req),
            Expr::And(left, right) => left.matches(req) && right.matches(req),
            Expr::Or(left, right) => left.matches(req) || right.matches(req),
        }
    }

    /// A conservative description of the hosts this rule can match: [`HostSet::Exact`] only when
    /// every way to satisfy the rule goes through one of the listed `Host` (or `HostSNI`) values.
    #[must_use]
    pub fn hosts(&self) -> HostSet {
        match self {
            Expr::Match {
                matcher: Matcher::Host | Matcher::HostSni,
                args,
                ..
            } => match args.first().map(|arg| normalize_host(&arg.value)) {
                Some(host) if host != "*" => HostSet::Exact(BTreeSet::from([host])),
                _ => HostSet::Any,
            },
            Expr::Match { .. } => HostSet::Any,
            // A negated `Host` says which host is excluded, never which are required; only a
            // double negation gives the constraint back.
            Expr::Not(inner) => match inner.as_ref() {
                Expr::Not(twice) => twice.hosts(),
                _ => HostSet::Any,
            },
            // Both sides must hold, so either side's set bounds the result; the smaller one is the
            // tighter bound. A true intersection would have to reason about wildcards.
            Expr::And(left, right) => match (left.hosts(), right.hosts()) {
                (HostSet::Exact(a), HostSet::Exact(b)) => {
                    HostSet::Exact(if b.len() < a.len() { b } else { a })
                }
                (HostSet::Exact(set), HostSet::Any) | (HostSet::Any, HostSet::Exact(set)) => {
                    HostSet::Exact(set)
                }
                (HostSet::Any, HostSet::Any) => HostSet::Any,
            },
            Expr::Or(left, right) => match (left.hosts(), right.hosts()) {
                (HostSet::Exact(mut a), HostSet::Exact(b)) => {
                    a.extend(b);
                    HostSet::Exact(a)
                }
                _ => HostSet::Any,
            },
        }
    }

    fn for_each_leaf(&self, visit: &mut impl FnMut(Matcher, &[Arg])) {
        match self {
            Expr::Match { matcher, args, .. } => visit(*matcher, args),
            Expr::Not(inner) => inner.for_each_leaf(visit),
            Expr::And(left, right) | Expr::Or(left, right) => {
                left.for_each_leaf(visit);
                right.for_each_leaf(visit);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq, Eq)]
enum TokenKind {
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
struct Token {
    kind: TokenKind,
    span: Range<usize>,
    /// Whether the whitespace before this token holds a line break, which matters because Go
    /// inserts a semicolon there after `)`, a literal or a name.
    after_newline: bool,
}

const ESCAPE_HELP: &str = "inside double quotes a backslash starts a Go escape: write `\\\\` for \
                           a literal backslash, or quote the value with backticks";

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn next_token(&mut self) -> Result<Token, RuleError> {
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

// ---------------------------------------------------------------------------------------------
// Parser: or := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '!' unary | primary ;
// primary := '(' or ')' | name '(' [string (',' string)* [',']] ')'

struct Parser<'a> {
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
    fn new(src: &'a str, kind: Kind) -> Self {
        Parser {
            src,
            kind,
            lexer: Lexer { src, pos: 0 },
            peeked: None,
            ends_line: false,
            depth: 0,
        }
    }

    /// Looks at the next token. Tokens are lexed on demand so that errors come in reading order.
    fn peek(&mut self) -> Result<&Token, RuleError> {
        let token = match self.peeked.take() {
            Some(token) => token,
            None => self.lex()?,
        };
        Ok(self.peeked.insert(token))
    }

    fn bump(&mut self) -> Result<Token, RuleError> {
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

    fn or_expr(&mut self) -> Result<Expr, RuleError> {
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

    fn unexpected(&self, token: &Token, expected: &str) -> RuleError {
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

// ---------------------------------------------------------------------------------------------
// Leaf validation: the checks Traefik makes when it builds each matcher.

fn validate_call(matcher: Matcher, args: &[Arg], span: &Range<usize>) -> Result<(), RuleError> {
    // `CheckRule` in `pkg/rules/parser.go` runs before the matcher functions see the values.
    if args.is_empty() {
        return Err(
            RuleError::new(format!("no value for matcher `{matcher}`"), span.clone())
                .help(format!("write `{}`", matcher.example())),
        );
    }
    if let Some(empty) = args.iter().find(|arg| arg.value.is_empty()) {
        return Err(RuleError::new(
            format!("empty value for matcher `{matcher}`"),
            empty.span.clone(),
        ));
    }
    check_arity(matcher, args, span)?;
    check_values(matcher, args)
}

fn check_arity(matcher: Matcher, args: &[Arg], span: &Range<usize>) -> Result<(), RuleError> {
    let allowed = matcher.arities();
    let got = args.len();
    if allowed.contains(&got) {
        return Ok(());
    }
    // Same wording as Traefik's `expectNParameters`, which prints the Go slice `[1 2]`.
    let expected: Vec<String> = allowed.iter().map(ToString::to_string).collect();
    let message = format!(
        "unexpected number of parameters for `{matcher}`; got {got}, expected one of [{}]",
        expected.join(" ")
    );
    let max = allowed[allowed.len() - 1];
    if got < max {
        return Err(RuleError::new(message, span.clone()).help(format!(
            "`{matcher}` takes a name and a value, such as `{}`",
            matcher.example()
        )));
    }
    let quote = |arg: &Arg| format!("`{}`", arg.value);
    let (help, calls): (String, Vec<String>) = if matcher.is_keyed() {
        let key = quote(&args[0]);
        (
            format!("in Traefik v3 `{matcher}` takes one name and one value: write"),
            args[1..]
                .iter()
                .map(|value| format!("{matcher}({key}, {})", quote(value)))
                .collect(),
        )
    } else {
        (
            "in Traefik v3 each matcher takes one value: write".to_owned(),
            args.iter()
                .map(|value| format!("{matcher}({})", quote(value)))
                .collect(),
        )
    };
    Err(
        RuleError::new(message, args[max].span.start..args[got - 1].span.end)
            .help(format!("{help} `{}`", calls.join(" || "))),
    )
}

fn check_values(matcher: Matcher, args: &[Arg]) -> Result<(), RuleError> {
    let first = &args[0];
    let value = first.value.as_str();
    let span = first.span.clone();
    match matcher {
        // `IsASCII` checks in `host` and `hostRegexp` (`pkg/muxer/http/matcher.go`).
        Matcher::Host | Matcher::HostRegexp if !value.is_ascii() => {
            return Err(
                RuleError::new(format!("non-ASCII characters in `{matcher}` value"), span).help(
                    "hosts must be ASCII: write internationalised names in punycode (`xn--...`)",
                ),
            );
        }
        Matcher::Path | Matcher::PathPrefix if !value.starts_with('/') => {
            return Err(
                RuleError::new(format!("`{matcher}` value must start with `/`"), span)
                    .help(format!("write `{matcher}(`/{value}`)`")),
            );
        }
        Matcher::ClientIp if parse_ip_range(value).is_none() => {
            return Err(RuleError::new(
                format!("invalid IP address or CIDR range `{value}` for `ClientIP`"),
                span,
            )
            .help("write an address such as `192.168.1.7` or `2001:db8::1`, or a range such as `10.0.0.0/8`"));
        }
        Matcher::HostSni if !is_valid_host_sni(value) => {
            return Err(
                RuleError::new(format!("invalid `HostSNI` value `{value}`"), span).help(
                    "write a domain name, an IP address, a `*.` wildcard domain or `*` alone",
                ),
            );
        }
        // Traefik keeps this protocol for the TLS-ALPN-01 challenge (`pkg/muxer/tcp/matcher.go`).
        Matcher::Alpn if value == "acme-tls/1" => {
            return Err(
                RuleError::new("`acme-tls/1` cannot be used with `ALPN`", span)
                    .help("it is reserved for the ACME TLS-ALPN-01 challenge"),
            );
        }
        _ => {}
    }
    match matcher.regex_arg().and_then(|index| args.get(index)) {
        Some(pattern) => check_regex(matcher, args, pattern),
        None => Ok(()),
    }
}

fn check_regex(matcher: Matcher, args: &[Arg], pattern: &Arg) -> Result<(), RuleError> {
    let value = pattern.value.as_str();
    // v2 wrote `{name:re}` gorilla/mux templates; Go compiles them with literal braces, so a
    // migrated rule silently stops matching (reference §7.2). Rust's regex rejects them anyway.
    if let Some(template) = v2_templates(value).first() {
        let rewritten = v2_to_regex(value, segment_for(matcher), true);
        let call = if matcher.is_keyed() {
            format!("{matcher}(`{}`, `{rewritten}`)", args[0].value)
        } else {
            format!("{matcher}(`{rewritten}`)")
        };
        return Err(RuleError::new(
            format!(
                "v2 template `{}` is not Traefik v3 syntax",
                &value[template.range.clone()]
            ),
            pattern.span.clone(),
        )
        .help(format!(
            "in Traefik v3 this is a plain Go regular expression: write `{call}`"
        )));
    }
    if let Some(flag) = unsupported_go_flag(value) {
        return Err(RuleError::new(
            format!(
                "invalid regular expression in `{matcher}`: flag `{flag}` is not supported by Go"
            ),
            pattern.span.clone(),
        )
        .help("the only flags of Go regular expressions are `i`, `m`, `s` and `U`"));
    }
    match Regex::new(value) {
        Ok(_) => Ok(()),
        Err(error) => Err(RuleError::new(
            format!(
                "invalid regular expression in `{matcher}`: {}",
                regex_error_detail(&error)
            ),
            pattern.span.clone(),
        )),
    }
}

/// The one-line reason inside the regex crate's multi-line error, which draws its own caret.
fn regex_error_detail(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => text
            .lines()
            .find_map(|line| line.strip_prefix("error: "))
            .unwrap_or(text)
            .to_owned(),
        regex::Error::CompiledTooBig(limit) => {
            format!("the compiled pattern exceeds {limit} bytes")
        }
        other => other.to_string(),
    }
}

/// Go's RE2 knows only the flags `imsU`; Rust also takes `x`, `u` and `R`, so a pattern using them
/// would pass here and still fail in Traefik.
fn unsupported_go_flag(pattern: &str) -> Option<char> {
    regex_syntax(pattern)
        .into_iter()
        .filter(|syntax| syntax.ch == '(')
        .filter_map(|syntax| pattern[syntax.index + 1..].strip_prefix('?'))
        .filter(|flags| !flags.starts_with(['P', '<', ':']))
        .find_map(|flags| {
            let end = flags.find([')', ':']).unwrap_or(flags.len());
            flags[..end].chars().find(|c| !"imsU-".contains(*c))
        })
}

fn parse_ip_range(value: &str) -> Option<(IpAddr, u32)> {
    let Some((address, prefix)) = value.split_once('/') else {
        let address: IpAddr = value.parse().ok()?;
        return Some((address, max_prefix(address)));
    };
    let address: IpAddr = address.parse().ok()?;
    // Go's `net.ParseCIDR` reads the length with `dtoi`: decimal digits, leading zeros allowed.
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u32 = prefix.parse().ok()?;
    (prefix <= max_prefix(address)).then_some((address, prefix))
}

fn max_prefix(address: IpAddr) -> u32 {
    match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `hostOrIP` in `pkg/muxer/tcp/matcher.go`: `^(\*\.)?[[:word:]\.\-\:]+$`, or `*` alone.
fn is_valid_host_sni(value: &str) -> bool {
    if value == "*" {
        return true;
    }
    let name = value.strip_prefix("*.").unwrap_or(value);
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'))
}

fn is_tcp_catch_all(rule: &str) -> bool {
    let Ok(mut expr) = parse(rule, Kind::Tcp) else {
        return false;
    };
    // Traefik inspects the built tree, where a negation is only a flag on the leaf, so even
    // `!HostSNI(`*`)` counts as the catch-all there.
    while let Expr::Not(inner) = expr {
        expr = *inner;
    }
    matches!(
        &expr,
        Expr::Match { matcher: Matcher::HostSni, args, .. } if args.len() == 1 && args[0].value == "*"
    )
}

// ---------------------------------------------------------------------------------------------
// Lints

fn lint_leaf(matcher: Matcher, args: &[Arg]) -> Option<RuleError> {
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
struct Template<'v> {
    range: Range<usize>,
    pattern: Option<&'v str>,
}

fn v2_templates(value: &str) -> Vec<Template<'_>> {
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

fn segment_for(matcher: Matcher) -> &'static str {
    if matches!(matcher, Matcher::HostRegexp | Matcher::HostSniRegexp) {
        "[^.]+"
    } else {
        "[^/]+"
    }
}

/// Rewrites a v2 template value as the equivalent v3 regex: gorilla/mux quoted the text between
/// templates and anchored the whole.
fn v2_to_regex(value: &str, segment: &str, anchor_end: bool) -> String {
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

// ---------------------------------------------------------------------------------------------
// A byte-level view of regex syntax

/// A character that is syntax where it stands, not part of an escape or a character class.
struct SyntaxChar {
    index: usize,
    ch: char,
    /// Group nesting around it; a `(` reports the depth outside it, a `)` the depth after it.
    depth: usize,
}

/// The syntax characters of a regex, skipping escapes and character classes whole: just enough
/// structure for the lints and the v2-template check, which must not mistake `\{`, `\p{L}` or
/// `[|]` for syntax, without a full regex parser.
fn regex_syntax(pattern: &str) -> Vec<SyntaxChar> {
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

// ---------------------------------------------------------------------------------------------
// Matching

fn leaf_matches(matcher: Matcher, args: &[Arg], req: &Request) -> bool {
    let value = |index: usize| args.get(index).map_or("", |arg| arg.value.as_str());
    match matcher {
        Matcher::Host | Matcher::HostSni => host_matches(value(0), req.host),
        Matcher::HostRegexp | Matcher::HostSniRegexp => {
            regex_matches(value(0), &canonical_host(req.host))
        }
        Matcher::Path => req.path == value(0),
        Matcher::PathPrefix => req.path.starts_with(value(0)),
        Matcher::PathRegexp => regex_matches(value(0), req.path),
        // Traefik upper-cases the argument, not the request method.
        Matcher::Method => req.method == value(0).to_uppercase(),
        Matcher::Header => any_value(req.headers, value(0), true, |v| v == value(1)),
        Matcher::HeaderRegexp => Regex::new(value(1))
            .is_ok_and(|re| any_value(req.headers, value(0), true, |v| re.is_match(v))),
        // The one-value form matches a key with an empty value, not "key present".
        Matcher::Query | Matcher::QueryRegexp if args.len() == 1 => {
            any_value(req.query, value(0), false, str::is_empty)
        }
        Matcher::Query => any_value(req.query, value(0), false, |v| v == value(1)),
        Matcher::QueryRegexp => Regex::new(value(1))
            .is_ok_and(|re| any_value(req.query, value(0), false, |v| re.is_match(v))),
        Matcher::ClientIp => match (req.client_ip, parse_ip_range(value(0))) {
            (Some(client), Some((network, prefix))) => ip_in_range(client, network, prefix),
            _ => false,
        },
        Matcher::Alpn => false,
    }
}

/// The request host as Traefik compares it: trimmed, IPv6 brackets removed, lowercased.
fn canonical_host(host: &str) -> String {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    host.to_ascii_lowercase()
}

fn normalize_host(host: &str) -> String {
    let mut host = host.to_ascii_lowercase();
    if host.ends_with('.') {
        host.pop();
    }
    host
}

/// `Host` semantics: case-insensitive, a trailing dot on either side tolerated, `*.x` covering
/// exactly one more label and `*` everything, even an empty host (v3.7.7,
/// `DomainMatchHostExpression` in `pkg/muxer/muxer.go`).
fn host_matches(pattern: &str, request_host: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let host = normalize_host(&canonical_host(request_host));
    if host.is_empty() {
        return false;
    }
    let pattern = normalize_host(pattern);
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .strip_suffix(suffix)
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        None => host == pattern,
    }
}

fn regex_matches(pattern: &str, text: &str) -> bool {
    Regex::new(pattern).is_ok_and(|re| re.is_match(text))
}

/// Whether any value under `key` passes `accept`. Header names compare case-insensitively
/// (Go canonicalises them); query keys compare exactly.
fn any_value(
    pairs: &[(String, String)],
    key: &str,
    ignore_case: bool,
    accept: impl Fn(&str) -> bool,
) -> bool {
    pairs.iter().any(|(k, v)| {
        let same_key = if ignore_case {
            k.eq_ignore_ascii_case(key)
        } else {
            k == key
        };
        same_key && accept(v)
    })
}

/// CIDR containment; an IPv4 client also matches IPv4-mapped IPv6 ranges, as in Go's `IPNet`.
fn ip_in_range(client: IpAddr, network: IpAddr, prefix: u32) -> bool {
    let (client, network, width) = match (client.to_canonical(), network) {
        (IpAddr::V4(client), IpAddr::V4(network)) => (
            u128::from(u32::from(client)),
            u128::from(u32::from(network)),
            32,
        ),
        (IpAddr::V4(client), IpAddr::V6(network)) => (
            u128::from(client.to_ipv6_mapped()),
            u128::from(network),
            128,
        ),
        (IpAddr::V6(client), IpAddr::V6(network)) => (u128::from(client), u128::from(network), 128),
        (IpAddr::V6(_), IpAddr::V4(_)) => return false,
    };
    if prefix == 0 {
        return true;
    }
    let shift = width - prefix;
    client >> shift == network >> shift
}
