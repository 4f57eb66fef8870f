//! The typed spec read with no tree (`spec::stream`) is the one the tree gives, and it is
//! never read from a text the tree refuses: every spec and broken file of the repository,
//! and synthetic platforms large enough to be read in two pieces.

use std::path::Path;

use seisei::spec::{Document, Spec, de, stream};

use crate::kill_loop::synth_spec;
use crate::{all_specs, repo_root};

/// The spec the tree reads from `text`, or `None` when it reports any problem: a syntax
/// error, a finding (duplicate key, tag, control character), a type error.
fn through_the_tree(text: &str) -> Option<Spec> {
    let document = Document::parse(text).ok()?;
    if !document.findings.is_empty() {
        return None;
    }
    de::from_node(&document, document.root()?).ok()
}

/// `stream` agrees with the tree on `text`: the same spec, or nothing where the tree finds
/// a problem. Answers whether `stream` read it.
fn agrees(name: &str, text: &str) -> bool {
    let streamed = stream::spec(text);
    let tree = through_the_tree(text);
    match (&streamed, &tree) {
        (Some(streamed), Some(tree)) => {
            assert_eq!(format!("{streamed:?}"), format!("{tree:?}"), "{name}");
        }
        (Some(_), None) => panic!("{name}: read with no tree, though the tree refuses it"),
        _ => {}
    }
    streamed.is_some()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn every_spec_of_the_repository_reads_as_the_tree_reads_it() {
    let mut streamed = 0;
    for spec in all_specs() {
        streamed += usize::from(agrees(&spec.display().to_string(), &read(&spec)));
    }
    // Most fixtures are clean; those with a credential-like value are read through the tree.
    assert!(
        streamed * 2 > all_specs().len(),
        "{streamed} of {}",
        all_specs().len()
    );
    assert!(stream::spec(&read(&repo_root().join("platform.yaml"))).is_some());
}

#[test]
fn no_broken_file_is_read_with_no_tree() {
    let dir = repo_root().join("tests/broken");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files += 1;
            agrees(&path.display().to_string(), &read(&path));
        }
    }
    assert!(files > 100, "{files} broken files");
}

/// 700 stacks are past the size read in two pieces on two cores; 300 are read in one.
#[test]
fn synthetic_platforms_read_with_no_tree_in_one_piece_and_in_two() {
    for stacks in [300, 700] {
        let (text, _) = synth_spec(stacks);
        assert!(
            agrees(&format!("{stacks} stacks"), &text),
            "{stacks} stacks read with no tree"
        );
    }
}

/// What only the tree reads or reports, each in a spec that is otherwise the synthetic one,
/// beside a harmless change of the same place: the reading gives up on the first and reads
/// the second, whichever piece it is in.
#[test]
fn what_only_the_tree_reads_makes_the_reading_give_up() {
    let (text, _) = synth_spec(700);
    let late = text.len() * 3 / 4;
    let at = late + text[late..].find("\n    purpose: ").unwrap();
    let (head, tail) = text.split_at(at);
    // The first `purpose` line of a piece, replaced by `to`.
    let replaced = |piece: &str, to: &str| {
        let start = piece.find("\n    purpose: ").unwrap() + 1;
        let end = start + piece[start..].find('\n').unwrap();
        format!("{}{to}{}", &piece[..start], &piece[end..])
    };
    for (what, bad, fine) in [
        ("an anchor", "    purpose: &p x", "    purpose: x"),
        ("a tag", "    purpose: !!str x", "    purpose: x!!str"),
        (
            "a duplicate key",
            "    purpose: x\n    purpose: y",
            "    purpose: y",
        ),
        (
            "a control character",
            r#"    purpose: "\u0007""#,
            r#"    purpose: "\u0041""#,
        ),
    ] {
        for (piece, early) in [("first", true), ("second", false)] {
            let with = |to: &str| {
                if early {
                    replaced(&text, to)
                } else {
                    format!("{head}{}", replaced(tail, to))
                }
            };
            assert!(
                stream::spec(&with(bad)).is_none(),
                "{what} in the {piece} piece"
            );
            assert!(
                stream::spec(&with(fine)).is_some(),
                "beside {what}, in the {piece} piece"
            );
        }
    }
}
