//! The matcher algebra: a rule rewritten as an OR of AND-terms of matcher leaves, and the
//! conservative reasoning on them: when two rules may overlap, when one covers another.
//! Leaves it cannot reason about (some regexes, headers, queries, client addresses) may always
//! overlap and never prove coverage.

use std::sync::OnceLock;

use regex::Regex;

use crate::traefik::Version;
use crate::traefik::goregex::{self, Reach};
use crate::traefik::rule::{Arg, Expr, Matcher};

/// Most AND-terms a rule may expand to before it counts as too large to reason about; real
/// rules have a handful, and the product of `||` groups under `&&` grows fast.
const TERM_LIMIT: usize = 64;

/// An AND of leaves.
pub(super) type Term = Vec<Leaf>;

/// A matcher leaf, possibly negated.
#[derive(Clone, Debug)]
pub(super) struct Leaf {
    pub(super) negated: bool,
    pub(super) test: Test,
}

/// What a leaf tests, with values normalised the way Traefik compares them.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Test {
    Host(HostPattern),
    HostRegexp(Pattern),
    Path(String),
    PathPrefix(String),
    PathRegexp(Pattern),
    /// Upper-cased, as Traefik upper-cases the argument.
    Method(String),
    /// Headers, queries and client addresses: only identity is known.
    Opaque(Matcher, Vec<String>),
}

/// A `Host` value: lowercased, one trailing dot removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HostPattern {
    Exact(String),
    /// `*.suffix` from v3.7 on: exactly one more label (`DomainMatchHostExpression` in
    /// `pkg/muxer/muxer.go`).
    Wildcard(String),
    /// `*` from v3.7 on. It matched single-label hosts only in v3.7.0 to v3.7.6 and everything
    /// from v3.7.7, and the version here has no patch number, so only identity is known.
    Star,
}

/// A regex leaf's pattern, compiled once so implications against exact values can be decided.
#[derive(Clone, Debug)]
pub(super) struct Pattern {
    source: String,
    /// Compiled when first needed: most patterns are never compared with a value, and the
    /// redirect router's `^.+$` alone was 4% of a small platform's `check`.
    regex: OnceLock<Option<Regex>>,
    /// What it matches, when that is known without compiling it.
    reach: Option<Reach>,
    /// For a `HostRegexp` that `write_rule` emits for a wildcard before v3.7, such as
    /// `^[a-z0-9-]+\.erp\.seisei\.tokyo$`, the suffix it matches one label under.
    pub(super) suffix: Option<String>,
    /// The literal text every match starts with, for a pattern anchored at the start with no
    /// alternation: `^/api/v[0-9]` gives `/api/v`.
    prefix: Option<String>,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.source == other.source
    }
}

impl Pattern {
    fn new(source: &str, host: bool) -> Pattern {
        Pattern {
            source: source.to_owned(),
            regex: OnceLock::new(),
            reach: goregex::reach(source),
            suffix: if host {
                emulated_wildcard(source)
            } else {
                None
            },
            prefix: anchored_prefix(source),
        }
    }

    /// The compiled pattern; `None` when Go refuses it or it is too large to compile.
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| goregex::compile(&self.source).ok())
            .as_ref()
    }

    /// Whether the pattern matches `text`, when its reach tells without compiling it.
    fn known(&self, text: &str) -> Option<bool> {
        self.reach.and_then(|reach| reach.matches(text))
    }

    /// Whether the pattern matches `text`; false when that cannot be told.
    fn accepts(&self, text: &str) -> bool {
        self.known(text)
            .or_else(|| self.regex().map(|regex| regex.is_match(text)))
            .unwrap_or(false)
    }

    /// Whether the pattern provably does not match `text`.
    fn rejects(&self, text: &str) -> bool {
        self.known(text)
            .or_else(|| self.regex().map(|regex| regex.is_match(text)))
            .is_some_and(|matches| !matches)
    }
}

/// The literal start of every match of `^literal...`: the characters after `^` up to the first
/// one that is syntax, less the last if a repeat follows it. `None` with any `|` (an
/// alternative would not be anchored) or anything before `^` (flags could make it `(?m)`).
fn anchored_prefix(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix('^')?;
    if pattern.contains('|') {
        return None;
    }
    let mut prefix = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        let literal = match c {
            '\\' => match chars.peek() {
                Some(&next) if next.is_ascii_punctuation() => {
                    chars.next();
                    next
                }
                _ => break,
            },
            c if c.is_alphanumeric() || "/-_~%=,;:@!'&\"<> ".contains(c) => c,
            _ => break,
        };
        if matches!(chars.peek(), Some('?' | '*' | '{')) {
            break;
        }
        prefix.push(literal);
    }
    Some(prefix)
}

/// Whether two literal prefixes exclude each other: neither starts the other.
fn prefixes_differ(a: &str, b: &str) -> bool {
    !a.starts_with(b) && !b.starts_with(a)
}

/// The suffix of `^[a-z0-9-]+\.` + escaped literal labels + `$`, the form `write_rule` gives a
/// wildcard host on targets before v3.7. Any other regex syntax disqualifies it, because the
/// index may file the router under the suffix only if every host it matches is one label under.
pub(super) fn emulated_wildcard(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix(r"^[a-z0-9-]+\.")?.strip_suffix('$')?;
    let labels: Vec<&str> = body.split(r"\.").collect();
    labels
        .iter()
        .all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .then(|| labels.join("."))
}

/// Rewrites `expr` (negated when `negated`) as an OR of AND-terms, dropping terms that provably
/// never match. `None` when there would be more than [`TERM_LIMIT`] terms.
pub(super) fn expand(expr: &Expr, negated: bool, version: Version) -> Option<Vec<Term>> {
    match expr {
        Expr::Match { matcher, args, .. } => {
            let test = test(*matcher, args, version);
            // The negation of a pattern that matches everything matches nothing.
            if negated && always(&test) {
                return Some(Vec::new());
            }
            Some(vec![vec![Leaf { negated, test }]])
        }
        Expr::Not(inner) => expand(inner, !negated, version),
        Expr::And(left, right) | Expr::Or(left, right) => {
            // De Morgan: a negated AND is an OR of negations and the other way round.
            let conjunction = matches!(expr, Expr::And(..)) != negated;
            let mut left = expand(left, negated, version)?;
            let right = expand(right, negated, version)?;
            if !conjunction {
                if left.len() + right.len() > TERM_LIMIT {
                    return None;
                }
                left.extend(right);
                return Some(left);
            }
            if left.len() * right.len() > TERM_LIMIT {
                return None;
            }
            let mut terms = Vec::new();
            for x in &left {
                for y in &right {
                    if compatible(x, y) {
                        terms.push(x.iter().chain(y).cloned().collect());
                    }
                }
            }
            Some(terms)
        }
    }
}

fn test(matcher: Matcher, args: &[Arg], version: Version) -> Test {
    let value = args.first().map_or("", |arg| arg.value.as_str());
    match matcher {
        Matcher::Host => Test::Host(host_pattern(value, version)),
        Matcher::HostRegexp => Test::HostRegexp(Pattern::new(value, true)),
        Matcher::Path => Test::Path(value.to_owned()),
        Matcher::PathPrefix => Test::PathPrefix(value.to_owned()),
        Matcher::PathRegexp => Test::PathRegexp(Pattern::new(value, false)),
        Matcher::Method => Test::Method(value.to_uppercase()),
        other => Test::Opaque(other, args.iter().map(|arg| arg.value.clone()).collect()),
    }
}

fn host_pattern(value: &str, version: Version) -> HostPattern {
    let host = normalize_host(value);
    // Before v3.7 `*` is an ordinary character in `Host` (migration notes, "v3.7.0").
    if !version.has_wildcard_hosts() {
        return HostPattern::Exact(host);
    }
    if host == "*" {
        return HostPattern::Star;
    }
    match host.strip_prefix("*.") {
        Some(suffix) => HostPattern::Wildcard(suffix.to_owned()),
        None => HostPattern::Exact(host),
    }
}

/// Lowercased without one trailing dot, as Traefik compares `Host` values on both sides.
pub(super) fn normalize_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    host.strip_suffix('.').map(str::to_owned).unwrap_or(host)
}

fn one_label_under(host: &str, suffix: &str) -> bool {
    host.strip_suffix(suffix)
        .and_then(|rest| rest.strip_suffix('.'))
        .is_some_and(|label| !label.is_empty() && !label.contains('.'))
}

// ---------------------------------------------------------------------------------------------
// Reasoning on leaves and terms

/// Whether some request may satisfy both terms, each already satisfiable on its own. False only
/// when two leaves provably exclude each other.
fn compatible(x: &[Leaf], y: &[Leaf]) -> bool {
    !x.iter().any(|a| y.iter().any(|b| clash(a, b)))
}

/// Whether no request satisfies both leaves.
fn clash(a: &Leaf, b: &Leaf) -> bool {
    match (a.negated, b.negated) {
        (false, false) => excludes(&a.test, &b.test),
        // `x && !y` is empty when `x` implies `y`: a leaf and its own negation, a `Path` under a
        // negated `PathPrefix`, a host under a negated wildcard.
        (false, true) => implies(&a.test, &b.test),
        (true, false) => implies(&b.test, &a.test),
        (true, true) => false,
    }
}

/// Whether every request matching `x` also matches `y`.
fn implies(x: &Test, y: &Test) -> bool {
    if x == y || always(y) {
        return true;
    }
    match (x, y) {
        (Test::Host(HostPattern::Exact(host)), Test::Host(HostPattern::Wildcard(suffix))) => {
            one_label_under(host, suffix)
        }
        // `HostRegexp` sees the lowercased host with its trailing dot, `Host` tolerates one: the
        // pattern must accept both spellings.
        (Test::Host(HostPattern::Exact(host)), Test::HostRegexp(pattern)) => {
            pattern.accepts(host) && pattern.accepts(&format!("{host}."))
        }
        (Test::Host(HostPattern::Wildcard(_)), Test::HostRegexp(pattern)) => {
            pattern.reach == Some(Reach::NonEmpty)
        }
        (Test::HostRegexp(narrow), Test::HostRegexp(pattern)) => {
            pattern.reach == Some(Reach::NonEmpty) && narrow.rejects("")
        }
        (Test::Path(path) | Test::PathPrefix(path), Test::PathPrefix(prefix)) => {
            path.starts_with(prefix.as_str())
        }
        (Test::Path(path), Test::PathRegexp(pattern)) => pattern.accepts(path),
        _ => false,
    }
}

/// Whether no request matches both positive tests.
fn excludes(x: &Test, y: &Test) -> bool {
    match (x, y) {
        (Test::Host(a), Test::Host(b)) => match (a, b) {
            // Two wildcards put one label before their suffixes, so equal hosts need equal
            // suffixes.
            (HostPattern::Exact(a), HostPattern::Exact(b))
            | (HostPattern::Wildcard(a), HostPattern::Wildcard(b)) => a != b,
            (HostPattern::Exact(host), HostPattern::Wildcard(suffix))
            | (HostPattern::Wildcard(suffix), HostPattern::Exact(host)) => {
                !one_label_under(host, suffix)
            }
            _ => false,
        },
        (Test::Host(HostPattern::Exact(host)), Test::HostRegexp(pattern))
        | (Test::HostRegexp(pattern), Test::Host(HostPattern::Exact(host))) => {
            pattern.rejects(host) && pattern.rejects(&format!("{host}."))
        }
        (Test::Path(a), Test::Path(b)) | (Test::Method(a), Test::Method(b)) => a != b,
        (Test::Path(path), Test::PathPrefix(prefix))
        | (Test::PathPrefix(prefix), Test::Path(path)) => !path.starts_with(prefix.as_str()),
        (Test::PathPrefix(a), Test::PathPrefix(b)) => {
            !a.starts_with(b.as_str()) && !b.starts_with(a.as_str())
        }
        (Test::Path(path), Test::PathRegexp(pattern))
        | (Test::PathRegexp(pattern), Test::Path(path)) => pattern.rejects(path),
        // Anchored literal prefixes decide exactly: `^/a` and `^/b` share no path.
        (Test::PathRegexp(a), Test::PathRegexp(b)) => a
            .prefix
            .as_deref()
            .zip(b.prefix.as_deref())
            .is_some_and(|(a, b)| prefixes_differ(a, b)),
        (Test::PathPrefix(prefix), Test::PathRegexp(pattern))
        | (Test::PathRegexp(pattern), Test::PathPrefix(prefix)) => pattern
            .prefix
            .as_deref()
            .is_some_and(|start| prefixes_differ(start, prefix)),
        _ => false,
    }
}

/// Whether every request satisfying `term` satisfies `leaf`.
fn term_implies(term: &[Leaf], leaf: &Leaf) -> bool {
    if leaf.negated {
        // `!x` follows from a `y` that excludes `x`, or from a `!y` where `x` implies `y`.
        term.iter().any(|other| {
            if other.negated {
                implies(&leaf.test, &other.test)
            } else {
                excludes(&other.test, &leaf.test)
            }
        })
    } else {
        always(&leaf.test)
            || term
                .iter()
                .any(|other| !other.negated && implies(&other.test, &leaf.test))
    }
}

/// Whether every request matches the test: a regex known to match any input.
fn always(test: &Test) -> bool {
    matches!(
        test,
        Test::HostRegexp(pattern) | Test::PathRegexp(pattern) if pattern.reach == Some(Reach::Everything)
    )
}

/// Whether every request matching `narrow` matches `broad`: each term of `narrow` implies all
/// leaves of some term of `broad`.
pub(super) fn covers(broad: &[Term], narrow: &[Term]) -> bool {
    narrow.iter().all(|term| {
        broad
            .iter()
            .any(|candidate| candidate.iter().all(|leaf| term_implies(term, leaf)))
    })
}

pub(super) fn overlaps(x: &[Term], y: &[Term]) -> bool {
    x.iter().any(|a| y.iter().any(|b| compatible(a, b)))
}

#[cfg(test)]
mod tests {
    use super::Pattern;
    use crate::traefik::goregex::{self, EVIDENT};

    /// A pattern answers for an evident pattern from its reach, and for the rest (a text
    /// with a line break) from the compiled pattern: either way, what compiling says.
    #[test]
    fn evident_patterns_answer_as_compiled() {
        let texts = ["", "a", "é", "a\rb", "a\nb", "\n", "x\n"];
        for (source, reach) in EVIDENT {
            let pattern = Pattern::new(source, true);
            assert_eq!(pattern.reach, Some(reach), "{source}");
            let regex = goregex::compile(source).unwrap();
            for text in texts {
                let expected = regex.is_match(text);
                assert_eq!(pattern.accepts(text), expected, "{source} on {text:?}");
                assert_eq!(pattern.rejects(text), !expected, "{source} on {text:?}");
            }
        }
    }
}
