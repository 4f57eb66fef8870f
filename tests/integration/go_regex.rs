//! Go's regular expressions as Traefik compiles them, through `seisei::traefik::goregex`:
//! random Go-syntax patterns built with a plain-Rust twin of the same meaning match the same
//! inputs, and a table of cases where Go and Rust's `regex` disagree gives Go's answer. Rules
//! are validated with Go's verdict too.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use seisei::traefik::goregex;
use seisei::traefik::rule::{Kind, parse};

/// One piece of pattern: its Go spelling and a Rust spelling of Go's meaning written without
/// any construct where the two differ.
fn atom() -> impl Strategy<Value = (String, String)> {
    let fixed = |go: &str, rust: &str| Just((go.to_owned(), rust.to_owned()));
    prop_oneof![
        fixed(r"\d", "[0-9]"),
        fixed(r"\D", "[^0-9]"),
        fixed(r"\w", "[0-9A-Za-z_]"),
        fixed(r"\W", "[^0-9A-Za-z_]"),
        fixed(r"\s", r"[\t\n\x0C\r ]"),
        fixed(r"\S", r"[^\t\n\x0C\r ]"),
        fixed(r"[\d.]", r"[0-9.]"),
        fixed(r"\Qa.b\E", r"a\.b"),
        fixed(r"\012", r"\n"),
        fixed(r"\<", "<"),
        fixed(r"\>", ">"),
        fixed("a{,2}", r"a\{,2\}"),
        fixed("a{01}", r"a\{01\}"),
        fixed("x{}", r"x\{\}"),
        fixed("[a&&b]", "[a&b]"),
        fixed("[a~~b]", "[a~b]"),
        fixed("[a[b]", r"[a\[b]"),
        fixed(".", "."),
        fixed("a", "a"),
        fixed("é", "é"),
        fixed("[^a]", "[^a]"),
        fixed(r"\x{E9}", "é"),
    ]
}

fn pattern() -> impl Strategy<Value = (String, String)> {
    let leaf = atom();
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(|((g1, r1), (g2, r2))| (format!("{g1}{g2}"), format!("{r1}{r2}"))),
            (inner.clone(), inner.clone()).prop_map(|((g1, r1), (g2, r2))| (
                format!("(?:{g1}|{g2})"),
                format!("(?:{r1}|{r2})")
            )),
            (inner.clone(), 0..4_usize).prop_map(|((g, r), op)| {
                let op = ["*", "+", "?", "{1,2}"][op];
                (format!("(?:{g}){op}"), format!("(?:{r}){op}"))
            }),
            inner.prop_map(|(g, r)| (format!("^{g}$"), format!("^{r}$"))),
        ]
    })
}

/// Inputs over an alphabet that tells the two meanings apart: non-ASCII digits and letters,
/// `\v`, and the literal characters of the Go-only spellings.
fn input() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(vec![
            'a', 'b', 'x', '0', '7', '٣', 'é', 'K', '_', ' ', '\t', '\x0B', '\n', '.', '<', '>',
            '{', '}', ',', '1', '2', '&', '~', '[', '-',
        ]),
        0..8,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

#[test]
fn go_patterns_match_like_their_plain_twin() {
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(
        &(pattern(), proptest::collection::vec(input(), 8)),
        |((go, rust), inputs)| {
            let translated = goregex::compile(&go).map_err(|e| {
                TestCaseError::fail(format!("`{go}` is valid Go and was refused: {e}"))
            })?;
            let reference = regex::Regex::new(&rust).expect("the twin is valid Rust");
            for text in &inputs {
                prop_assert_eq!(
                    translated.is_match(text),
                    reference.is_match(text),
                    "`{}` (Rust twin `{}`) on {:?}",
                    go,
                    rust,
                    text
                );
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Go's answers where Rust's `regex` alone would give another (issue 16; docs/traefik.md).
#[test]
fn go_answers_where_rust_differs() {
    let matches = [
        (r"^\d$", "٣", false),
        (r"^\w$", "é", false),
        (r"^\s$", "\x0B", false),
        (r"^[[:space:]]$", "\x0B", true),
        (r"a\b", "aé", true),
        (r"^\Qa.b$", "a.b$", true),
        (r"^a{,5}$", "a{,5}", true),
        (r"^a{ 1}$", "a{ 1}", true),
        (r"^[a&&b]$", "&", true),
        (r"^\<x\>$", "<x>", true),
        (r"^(?P<1>a)(?P<1>b)$", "ab", true),
        (r"^\0$", "\0", true),
    ];
    for (pattern, text, want) in matches {
        let regex = goregex::compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        assert_eq!(regex.is_match(text), want, "`{pattern}` on {text:?}");
    }
    for refused in [
        "x{1001}",
        "(a{100}){100}",
        "(x{3}){334}",
        "a**",
        "(?x)a",
        r"\p{Alphabetic}",
        r"\Z",
    ] {
        assert!(goregex::compile(refused).is_err(), "Go refuses `{refused}`");
        let rule = format!("PathRegexp(`{refused}`)");
        assert!(parse(&rule, Kind::Http).is_err(), "`{rule}` is refused too");
    }
    assert!(parse(r"PathRegexp(`^/\Qa.b\E$`)", Kind::Http).is_ok());
}
