//! STACKS.md prose (purposes, descriptions, notes): code spans typed with backticks stay code,
//! `&&` reads as typed, everything else is escaped; and no text can inject Markdown or HTML,
//! proved by decoding the output as `CommonMark` inlines and getting the typed text back.

use std::fs;

use proptest::prelude::*;
use seisei::encode::markdown::markdown_prose;

/// Through the binary: a note and a variable description with code, `&&`, HTML, links and
/// emphasis, as STACKS.md prints them.
#[test]
fn typed_code_spans_render_as_code_and_the_rest_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fs::read_to_string(crate::repo_root().join("tests/fixtures/minimal/platform.yaml"))
        .unwrap()
        .replace("output: expected", "output: generated")
        .replace(
            "    purpose: Hello world\n",
            "    purpose: Hello `world` <b>x</b>\n    notes:\n      - \"run `make build && make up`, then `a|b` && [click](http://x) *now* &amp; one ` tick\"\n",
        );
    fs::write(dir.path().join("platform.yaml"), spec).unwrap();
    let (code, _, stderr) = crate::support::cli::seisei_in(dir.path(), &["gen"]);
    assert_eq!(code, 0, "{stderr}");
    let inventory = fs::read_to_string(dir.path().join("generated/STACKS.md")).unwrap();
    let note = "- run `make build && make up`, then `a|b` && \\[click\\](http://x) \\*now\\* \\&amp; one \\` tick\n";
    assert!(inventory.contains(note), "{inventory}");
    // In a table cell GitHub splits at `|` before it reads code spans.
    assert!(
        inventory.contains("| Hello `world` \\<b\\>x\\</b\\> |"),
        "{inventory}"
    );
    assert!(
        inventory.contains("**Purpose:** Hello `world` \\<b\\>x\\</b\\>"),
        "{inventory}"
    );
    assert!(!inventory.contains("&amp;&amp;"), "{inventory}");
}

/// One inline piece of Markdown as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Code(String),
}

/// What the typed text means: `CommonMark` code spans (a backtick run closed by the next run of
/// the same length; line breaks read as spaces, one space stripped from each side when both
/// have one), and text, where a carriage return is dropped.
fn meaning(typed: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let chars: Vec<char> = typed.chars().collect();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = run_at(&chars, i);
            if let Some(close) = closing(&chars, i + run, run) {
                push_text(&mut pieces, &mut text);
                let body: String = chars[i + run..close].iter().collect();
                pieces.push(Piece::Code(normalize_code(
                    &body.replace("\r\n", " ").replace(['\n', '\r'], " "),
                )));
                i = close + run;
                continue;
            }
            text.extend(std::iter::repeat_n('`', run));
            i += run;
            continue;
        }
        if chars[i] != '\r' {
            text.push(chars[i]);
        }
        i += 1;
    }
    push_text(&mut pieces, &mut text);
    pieces
}

/// Reads `rendered` as a GitHub table cell's inlines would be read; `Err` names anything
/// that would be markup: an unescaped emphasis, link, heading or strike character, a raw
/// `<` other than the `<br>` line break, an entity, a bare `|`, a line break.
fn decode(rendered: &str) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = rendered.chars().collect();
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                text.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let run = run_at(&chars, i);
                let close = closing(&chars, i + run, run)
                    .ok_or_else(|| format!("an unclosed code fence at {i}"))?;
                push_text(&mut pieces, &mut text);
                let body: String = chars[i + run..close].iter().collect();
                pieces.push(Piece::Code(normalize_code(&body).replace("\\|", "|")));
                i = close + run;
            }
            '<' if chars[i..].starts_with(&['<', 'b', 'r', '>']) => {
                text.push('\n');
                i += 4;
            }
            '&' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                return Err(format!("an entity at {i}"));
            }
            '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '|' | '\\' | '\n' | '\r' => {
                return Err(format!("a bare {c:?} at {i}"));
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    push_text(&mut pieces, &mut text);
    Ok(pieces)
}

fn run_at(chars: &[char], at: usize) -> usize {
    chars[at..].iter().take_while(|&&c| c == '`').count()
}

fn closing(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let len = run_at(chars, i);
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

fn normalize_code(body: &str) -> String {
    let padded =
        body.len() >= 2 && body.starts_with(' ') && body.ends_with(' ') && !body.trim().is_empty();
    if padded {
        body[1..body.len() - 1].to_owned()
    } else {
        body.to_owned()
    }
}

/// Adjacent text is one piece, and empty text is none, so both sides compare alike.
fn push_text(pieces: &mut Vec<Piece>, text: &mut String) {
    if text.is_empty() {
        return;
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        last.push_str(text);
    } else {
        pieces.push(Piece::Text(text.clone()));
    }
    text.clear();
}

/// Text built from the characters that mean something in Markdown and HTML, plus anything.
fn markdownish() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        6 => proptest::sample::select(vec![
            "`", "``", "```", " ", "&", "&&", "&amp;", "&#38;", "|", "\\", "*", "_", "[", "]", "(",
            ")", "<", ">", "<br>", "#", "~", "\n", "\r\n", "a", "make && up", "x|y", "<script>",
        ]).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    proptest::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever is typed, the cell reads back as exactly the typed text and code spans, and
    /// nothing in it is markup.
    #[test]
    fn prose_cells_read_back_as_typed(typed in markdownish()) {
        let rendered = markdown_prose(&typed, true);
        let decoded = decode(&rendered).map_err(|e| TestCaseError::fail(format!("{e} in {rendered:?} from {typed:?}")))?;
        prop_assert_eq!(decoded, meaning(&typed), "{:?} from {:?}", rendered, typed);
    }
}
