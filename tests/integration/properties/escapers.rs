//! The escapers on their own: YAML scalars, Go template literals, dotenv values and Markdown
//! cells each read back as the text they were given.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use seisei::encode::dotenv::env_value;
use seisei::encode::go::go_template_literal;
use seisei::encode::markdown::{markdown_code, markdown_text};
use seisei::encode::yaml::yaml_scalar;
use serde_json::json;

use super::strategies::*;
use super::*;
use crate::support::readers::{read_dotenv, render_go_template, yaml_1_1_disagreements};

// ---------------------------------------------------------------------------------------
// The escapers on their own.
// ---------------------------------------------------------------------------------------

#[test]
fn yaml_scalars_read_back_as_the_string() {
    proptest!(config(FUNCTION_CASES), |(s in any_text())| {
        let scalar = yaml_scalar(&s);
        for document in [
            format!("key: {scalar}\n"),
            format!("- {scalar}\n"),
            format!("outer:\n  inner: {scalar}\n"),
        ] {
            let value: serde_yaml::Value = serde_yaml::from_str(&document)
                .map_err(|e| TestCaseError::fail(format!("{document:?}: {e}")))?;
            let read = match &value {
                serde_yaml::Value::Sequence(items) => items.first(),
                other => other.get("key").or_else(|| other.get("outer").and_then(|o| o.get("inner"))),
            };
            prop_assert_eq!(read, Some(&serde_yaml::Value::String(s.clone())), "{:?}", document);
            // libyaml is lenient where YAML 1.2 is not; the other half of Compose's and
            // Traefik's readers (go-yaml) is not.
            let strict = saphyr_parser::Parser::new_from_str(&document).find(Result::is_err);
            prop_assert!(strict.is_none(), "{:?} is not YAML 1.2: {:?}", document, strict);
            let disagreements = yaml_1_1_disagreements(&document);
            prop_assert!(disagreements.is_empty(), "{:?}: {:?}", document, disagreements);
        }
    });
}

#[test]
fn go_template_literals_render_back_to_the_text() {
    proptest!(config(FUNCTION_CASES), |(s in any_text())| {
        prop_assert_eq!(render_go_template(&go_template_literal(&s)), Ok(s.clone()));
        // What Traefik's dynamic files hold: the YAML scalar, then the template escape.
        let document = format!("key: {}\n", go_template_literal(&yaml_scalar(&s)));
        let rendered = render_go_template(&document).map_err(TestCaseError::fail)?;
        let value: serde_yaml::Value = serde_yaml::from_str(&rendered)
            .map_err(|e| TestCaseError::fail(format!("{rendered:?}: {e}")))?;
        prop_assert_eq!(value.get("key"), Some(&serde_yaml::Value::String(s.clone())));
    });
}

/// Values that Compose's dotenv reader can hold. A value that ends in a backslash and needs
/// quotes cannot be written at all (compose-go takes `\'` and `\"` for escaped quotes), so it
/// has a test of its own below.
#[test]
fn env_values_read_back_through_the_dotenv_reader() {
    let strategy = any_text().prop_filter("ends in a backslash", |s| !s.ends_with('\\'));
    proptest!(config(FUNCTION_CASES), |(s in strategy)| {
        let line = format!("KEY={}\n", env_value(&s));
        prop_assert_eq!(read_dotenv(&line), Ok(vec![("KEY".to_owned(), s.clone())]), "{:?}", line);
    });
}

/// compose-go ends a quoted value at the first quote that does not follow a backslash, in
/// both quote styles (see `read_dotenv` in roundtrip.rs), so a value that ends in a backslash can only be written
/// bare. An example that cannot go bare (a leading blank or quote, a line break, ` #`) once
/// landed in `.env.example` as `" x\\"`, which reads on into the next line; now every such
/// example is refused with its own diagnostic, and every one that can go bare compiles and
/// reads back.
#[test]
fn env_values_ending_in_a_backslash_read_back_or_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let strategy = (
        any_text(),
        select(vec!["", "", "", " ", "\n", " #", "\t", "'", "\""]),
    )
        .prop_map(|(s, trap)| format!("{trap}{s}\\"));
    let (refused, written) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    proptest!(config(FUNCTION_CASES), |(s in strategy)| {
        // Written with `yaml_scalar`: `serde_yaml` writes U+2028 raw, which reads as a line
        // break and changes the value.
        let variable = json!({ "description": "A Windows folder", "example": "EXAMPLE" });
        let text = serde_yaml::to_string(&small_platform(&variable)).expect("the spec serializes");
        prop_assert!(text.contains("example: EXAMPLE\n"));
        let text = text.replace("example: EXAMPLE\n", &format!("example: {}\n", yaml_scalar(&s)));
        std::fs::write(&spec_path, &text).expect("write the spec");
        // The only spelling left: bare, with `$` doubled. `env_value` also keeps out of bare
        // values what would be fragile there though `read_dotenv` takes it: control and
        // non-characters a reader may drop or break lines at, and a leading `#`, which older
        // compose-go took for a comment.
        let bare = read_dotenv(&format!("TOKEN={}\n", s.replace('$', "$$")));
        let fragile = s.starts_with('#')
            || s.chars().any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'));
        let can_go_bare = bare == Ok(vec![("TOKEN".to_owned(), s.clone())]) && !fragile;
        match seisei::compile(&spec_path) {
            Ok(compiled) => {
                written.set(written.get() + 1);
                let env = compiled
                    .artifacts
                    .iter()
                    .find(|a| a.path.ends_with("app/.env.example"))
                    .expect("the app's .env.example");
                let entries = read_dotenv(&String::from_utf8_lossy(&env.bytes));
                prop_assert_eq!(entries, Ok(vec![("TOKEN".to_owned(), s.clone())]));
            }
            Err((_, problems)) => {
                refused.set(refused.get() + 1);
                prop_assert!(!can_go_bare, "{:?} can be written bare but was refused", s);
                let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
                prop_assert!(
                    messages.iter().all(|m| m.contains("cannot be written to `.env.example`")),
                    "{:?} was refused for {:?}", s, messages
                );
            }
        }
    });
    // Both outcomes were exercised, so neither branch holds vacuously.
    let (refused, written) = (refused.get(), written.get());
    assert!(
        refused > 0 && written > 0,
        "{refused} refused, {written} written"
    );
}

/// A table cell stays one cell on one line: no raw line break, and every `|` escaped. GitHub
/// splits cells before it parses inlines, at each `|` that does not follow a backslash
/// (cmark-gfm `ext_scanners.re`, `table_cell`), code spans included.
#[test]
fn markdown_cells_hold_any_text() {
    proptest!(config(FUNCTION_CASES), |(s in any_text())| {
        for (escaper, out) in [("markdown_text", markdown_text(&s)), ("markdown_code", markdown_code(&s))] {
            prop_assert!(!out.contains(['\n', '\r']), "{}({:?}) = {:?}", escaper, s, out);
            let bytes = out.as_bytes();
            let bare = (0..bytes.len()).find(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'));
            prop_assert!(bare.is_none(), "{}({:?}) = {:?} has a bare `|`", escaper, s, out);
        }
    });
}
