//! The spec's document tree is dropped once the typed spec is read (`spec/tree.rs`): a run
//! that reports nothing must not parse the text a second time, and a diagnostic made after
//! the drop still points at its line.

use crate::all_specs;

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
    eprintln!("clean: {clean:?}");
    assert!(
        clean.len() >= 5,
        "too few clean fixtures to mean anything: {clean:?}"
    );
}
