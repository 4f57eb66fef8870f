//! The spec's document tree is dropped once the typed spec is read (`spec/tree.rs`): a run
//! that reports nothing must not parse the text a second time, and a diagnostic made after
//! the drop still points at its line.

use crate::{all_specs, repo_root};

/// Every platform of the repository that builds without a diagnostic, built and rendered:
/// nothing on the way may ask for a position (that would parse the spec again, 0.4 s at
/// 10,000 stacks).
#[test]
fn a_clean_build_never_parses_the_spec_again() {
    let mut clean = Vec::new();
    for spec in all_specs() {
        let source = seisei::spec::load(&spec).expect("the fixture loads");
        let (model, problems) = seisei::model::build_with_problems(&source);
        seisei::render::generate(&model).expect("the fixture renders");
        if problems.is_empty() {
            assert!(
                !source.reparsed(),
                "{}: a build without diagnostics parsed the spec again",
                spec.display()
            );
            clean.push(spec);
        }
    }
    assert!(
        clean.len() >= 5,
        "too few clean fixtures to mean anything: {clean:?}"
    );
}

/// A problem found after the drop (a variable no service uses, found by the model) parses
/// the spec again and points at the key that declares it, line and column.
#[test]
fn a_diagnostic_after_the_drop_points_at_its_key() {
    let path = repo_root().join("tests/fixtures/minimal/platform.yaml");
    let mut text = std::fs::read_to_string(&path).expect("the fixture reads");
    assert!(text.ends_with('\n'));
    text.push_str(
        "    env:\n      UNUSED_VAR:\n        description: Used by nothing\n        example: x\n",
    );
    let line = text
        .lines()
        .position(|l| l == "      UNUSED_VAR:")
        .expect("appended")
        + 1;
    let source = seisei::spec::parse(&path, text).expect("the edited fixture loads");
    assert!(
        !source.reparsed(),
        "the tree is dropped once the spec is read"
    );
    let (_, problems) = seisei::model::build_with_problems(&source);
    let unused = problems
        .iter()
        .find(|d| d.message.contains("`UNUSED_VAR`"))
        .unwrap_or_else(|| panic!("no diagnostic about UNUSED_VAR: {problems:?}"));
    let span = unused.span.expect("the diagnostic has a position");
    assert_eq!((span.line, span.column), (line, 7), "{unused:?}");
    assert!(source.reparsed());
}
