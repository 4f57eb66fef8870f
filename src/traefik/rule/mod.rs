//! Traefik v3 router rules: the syntax tree, and the entry points to parse, prioritise and lint
//! a rule. The work is done by one file per step: [`lexer`] and [`parser`] read the text,
//! [`check`] validates each leaf, [`lint`] warns, [`eval`] matches a request, [`print`] writes a rule.
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

mod check;
mod eval;
mod lexer;
mod lint;
mod parser;
mod print;
mod regex_syntax;

use check::is_tcp_catch_all;
use eval::normalize_host;
use lexer::TokenKind;
use lint::lint_leaf;
use parser::Parser;
pub use print::{RouteMatch, write_rule};

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

/// The priority Traefik computes for a router without an explicit one: the rule's length
/// in bytes (`GetRulePriority`). A zero explicit priority also means "computed".
pub fn effective_priority(rule: &str, explicit: Option<i64>) -> i64 {
    match explicit {
        Some(p) if p != 0 => p,
        _ => i64::try_from(rule.len()).unwrap_or(i64::MAX),
    }
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

    /// Whether some leaf of the rule is `matcher`.
    #[must_use]
    pub fn uses(&self, matcher: Matcher) -> bool {
        let mut found = false;
        self.for_each_leaf(&mut |leaf, _| found |= leaf == matcher);
        found
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_priority_wins_unless_zero() {
        assert_eq!(effective_priority("Host(`a`)", Some(5)), 5);
        assert_eq!(effective_priority("Host(`a`)", Some(0)), 9);
    }
}
