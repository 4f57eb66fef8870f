//! Generators of hostile text, credentials and placeholders, shared by the property families.

use proptest::prelude::*;
use proptest::sample::select;
use seisei::model::secrets::credential_kind;

// ---------------------------------------------------------------------------------------
// Hostile text.
// ---------------------------------------------------------------------------------------

/// Pieces that a naive writer of YAML, dotenv, Go templates or Markdown gets wrong.
pub(super) const TRAPS: &[&str] = &[
    "'",
    "\"",
    "''",
    ": ",
    " #",
    "#",
    ":",
    "\n",
    "\t",
    "\r\n",
    "\r",
    " ",
    "  ",
    "ü",
    "日本語",
    "🚀",
    "👩\u{200d}💻",
    "\u{a0}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{7f}",
    "\u{1b}[0m",
    "\u{7}",
    "\u{fffe}",
    "*",
    "&",
    "!",
    "%",
    "@",
    "|",
    ">",
    "`",
    "```",
    "?",
    "- ",
    "-",
    ",",
    "[",
    "]",
    "{",
    "}",
    "<<",
    "=",
    "~",
    "\\",
    "\\n",
    "\\\"",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "true",
    "False",
    "null",
    "NULL",
    "0755",
    "0x1F",
    "0o17",
    "0b101",
    "1e3",
    ".5",
    "1_000",
    "+1",
    "-1",
    ".inf",
    ".NaN",
    "1.0",
    "22:22",
    "1:30:00",
    "2001-12-14",
    "---",
    "...",
    "{{",
    "}}",
    "{{ .Env.HOME }}",
    "{{\"{{\"}}",
    "<br>",
    "<script>",
    "&amp;",
    "_x_",
    "*x*",
    "[a](b)",
];

/// `$` as a literal character, for text that seisei writes literally.
pub(super) const LITERAL_DOLLARS: &[&str] = &["$", "$HOME", "${HOME}", "$$", "a$", "${"];

/// `$` in Compose's interpolation syntax: escaped, or a variable every stack declares.
pub(super) const COMPOSE_DOLLARS: &[&str] = &[
    "$$",
    "$${NOT_A_VARIABLE}",
    "${V_REF}",
    "${V_REF:-x}",
    "$$$$",
];

/// Any string at all, trap-heavy: for the escapers, which must take every string.
pub(super) fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        3 => text_from(select(LITERAL_DOLLARS.to_vec())),
    ]
}

/// Hostile text with `$` as a literal.
pub(super) fn literal_text() -> impl Strategy<Value = String> {
    text_from(select(LITERAL_DOLLARS.to_vec()))
        .prop_filter("looks like a credential", |t| is_clean(t))
}

/// Hostile text in Compose's syntax: `$` only as `$$` or a declared variable.
pub(super) fn compose_text() -> impl Strategy<Value = String> {
    text_from(select(COMPOSE_DOLLARS.to_vec()))
        .prop_filter("looks like a credential", |t| is_clean(t))
}

/// Concatenated traps, words and random characters; `$` comes only from `dollars`.
pub(super) fn text_from(
    dollars: impl Strategy<Value = &'static str> + 'static,
) -> BoxedStrategy<String> {
    let piece = prop_oneof![
        6 => select(TRAPS.to_vec()).prop_map(str::to_owned),
        3 => pattern("[a-zA-Z0-9 ._/-]{1,8}"),
        // Any character but `$`, which only `dollars` may bring.
        2 => any::<char>().prop_map(|c| if c == '$' { '¤' } else { c }.to_string()),
        1 => dollars.prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..5)
        .prop_map(|pieces| printable(&writable(pieces.concat())))
        .boxed()
}

/// seisei refuses control characters other than tab and line feed in names and free text
/// (issue 12), and these texts go into both; `any_text` keeps them for the escapers.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect()
}

/// `serde_yaml` 0.9 (libyaml's emitter) writes a string holding a line feed or carriage
/// return and U+2028 or U+2029 as a block scalar whose LS/PS lines are not indented, which
/// YAML 1.2 readers and libyaml itself refuse. The spec is written with `serde_yaml`, so such
/// text gets NEL instead; the escaper properties above take those strings as they are.
pub(super) fn writable(text: String) -> String {
    if text.contains(['\n', '\r']) {
        text.replace(['\u{2028}', '\u{2029}'], "\u{85}")
    } else {
        text
    }
}

/// A string strategy from a regular expression, parsed once: a `&str` strategy parses its
/// pattern again for every value, which is most of the cost of generating a platform.
pub(super) fn pattern(regex: &str) -> proptest::string::RegexGeneratorStrategy<String> {
    proptest::string::string_regex(regex).expect("a valid pattern")
}

/// A credential-looking string would be refused (E0505), which is right, but not this test.
pub(super) fn is_clean(text: &str) -> bool {
    credential_kind(text).is_none()
}

/// Hostile text that never contains `needle`.
pub(super) fn text_without(needle: char) -> impl Strategy<Value = String> {
    literal_text().prop_map(move |t| t.replace(needle, ""))
}

/// A lower-case name part without `-`, so `<stack>-<service>` names never collide.
pub(super) fn name_part() -> impl Strategy<Value = String> {
    pattern("[a-z][a-z0-9_]{0,8}")
}

// ---------------------------------------------------------------------------------------
// Credentials and placeholders.
// ---------------------------------------------------------------------------------------

/// A string that looks like one of the credentials the detector knows.
pub(super) fn credential() -> impl Strategy<Value = String> {
    // Each character drawn uniformly, as a key generator draws them (proptest's regex
    // strings favour some characters of a class), and at least 48 of them: the detector's
    // entropy rule (4.2 bits a character) misses a uniform key of 32 characters 0.8% of the
    // time and one of 40 once in 15,000, but none of a million of 48 (measured; the fixed
    // samples above cover a shorter key).
    let alphabet: Vec<char> = ('A'..='Z').chain('a'..='z').chain('0'..='9').collect();
    let uniform = proptest::collection::vec(proptest::sample::select(alphabet), 48..=64)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    let mixed = uniform.prop_filter("upper, lower and digit", |s: &String| {
        s.chars().any(|c| c.is_ascii_uppercase())
            && s.chars().any(|c| c.is_ascii_lowercase())
            && s.chars().any(|c| c.is_ascii_digit())
    });
    prop_oneof![
        ("(RSA |EC |OPENSSH |DSA |)", "[A-Za-z0-9+/]{20,64}").prop_map(|(kind, body)| format!(
            "-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"
        )),
        ("gh[pousr]_", "[A-Za-z0-9]{36}").prop_map(|(p, t)| format!("{p}{t}")),
        "github_pat_[A-Za-z0-9_]{40,82}",
        "sk-[A-Za-z0-9]{20,48}",
        "AKIA[A-Z0-9]{16}",
        "xox[bpars]-[0-9]{10,12}-[A-Za-z0-9]{10,24}",
        (
            "[A-Za-z0-9_-]{10,40}",
            "[A-Za-z0-9_-]{10,60}",
            "[A-Za-z0-9_-]{10,60}"
        )
            .prop_map(|(h, p, s)| format!("eyJ{h}.eyJ{p}.{s}")),
        mixed,
    ]
}

/// What people write where a secret will go.
pub(super) fn placeholder() -> impl Strategy<Value = String> {
    let word = "[a-z]{1,10}";
    prop_oneof![
        Just("change-me".to_owned()),
        word.prop_map(|w| format!("change-me-{w}")),
        word.prop_map(|w| format!("<your-{w}>")),
        word.prop_map(|w| format!("replace-me-with-the-{w}")),
        word.prop_map(|w| format!("postgres://app:change-me@{w}:5432/app")),
        "x{4,40}",
    ]
}

/// Values that are long or odd but plainly not secrets.
pub(super) fn ordinary_value() -> impl Strategy<Value = String> {
    let word = select(vec![
        "postgres",
        "redis",
        "crm",
        "api",
        "data",
        "var",
        "lib",
        "ghcr",
        "io",
        "seisei",
        "backend",
        "connection",
        "string",
        "for",
        "the",
        "service",
        "https",
        "example",
    ]);
    (
        prop::collection::vec(word, 1..12),
        select(vec!["-", "_", "/", ".", " "]),
    )
        .prop_map(|(words, separator)| words.join(separator))
}
