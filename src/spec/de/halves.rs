//! The typed spec of a large platform, read on two cores: the stacks, which are nearly all
//! of it, in two halves on two threads, the other sections beside them. The result is the
//! one [`super::from_node`] gives; a spec whose reading meets any error is read again on one
//! thread, so the error reported is the one that reading meets first.

use serde::Deserialize;
use serde::de::{self, Visitor};

use super::{Entries, Node, Result, from_node};
use crate::spec::document::{Document, Kind, NodeId};
use crate::spec::{Map, Spec, Stack};

/// The spec at `root`; with enough stacks and a second core, read as the module says.
pub fn spec_on_two_threads(doc: &Document, root: NodeId) -> Result<Spec> {
    match stacks_mapping(doc, root) {
        Some((stacks, count)) if crate::parallel::spread(count) => {
            read_split(doc, root, stacks, true)
        }
        _ => from_node(doc, root),
    }
}

/// The spec at `root` with its stacks (the mapping `stacks`) read in two halves, the second
/// on another thread when `parallel`.
fn read_split(doc: &Document, root: NodeId, stacks: NodeId, parallel: bool) -> Result<Spec> {
    let Kind::Mapping { start, len } = doc.kind(stacks) else {
        return from_node(doc, root);
    };
    let pairs = doc.children(start, len * 2);
    // Split between two entries: the pairs are key, value, key, value.
    let (first, second) = pairs.split_at(pairs.len() / 4 * 2);
    let (head, tail) = crate::parallel::join(
        parallel,
        || {
            let rest = Without::read::<Spec>(doc, root, stacks);
            (rest, read_entries::<Stack>(doc, first))
        },
        || read_entries::<Stack>(doc, second),
    );
    match (head, tail) {
        ((Ok(mut spec), Ok(mut entries)), Ok(more)) => {
            entries.extend(more);
            spec.stacks = Map::from_entries(entries);
            Ok(spec)
        }
        _ => from_node(doc, root),
    }
}

/// The value of the root's one `stacks` entry and its number of entries, when it is a mapping
/// written in place (not an alias, which the one-thread reading resolves as it always does).
fn stacks_mapping(doc: &Document, root: NodeId) -> Option<(NodeId, usize)> {
    if !matches!(doc.kind(root), Kind::Mapping { .. }) {
        return None;
    }
    let mut found = doc
        .entries(root)
        .filter(|&(key, _)| doc.scalar_text(key) == Some("stacks"));
    let (_, value) = found.next()?;
    match doc.kind(value) {
        Kind::Mapping { len, .. } if found.next().is_none() => Some((value, len as usize)),
        _ => None,
    }
}

/// `(name, value)` for each key and value of `pairs`, read as a [`Map`]'s entries are.
fn read_entries<'a, V: Deserialize<'a>>(
    doc: &'a Document,
    pairs: &[NodeId],
) -> Result<Vec<(String, V)>> {
    pairs
        .chunks_exact(2)
        .map(|pair| {
            let key = Node::new(doc, pair[0]);
            let name = key.placed(|| String::deserialize(key))?;
            Ok((name, V::deserialize(Node::new(doc, pair[1]))?))
        })
        .collect()
}

/// A mapping read as though the entry whose value is `hidden` were not written.
struct Without<'a, 'i> {
    node: Node<'a>,
    /// The mapping's other keys and values, alternating.
    ids: &'i [NodeId],
}

impl Without<'_, '_> {
    fn read<'a, T: Deserialize<'a>>(
        doc: &'a Document,
        mapping: NodeId,
        hidden: NodeId,
    ) -> Result<T> {
        let ids: Vec<NodeId> = doc
            .entries(mapping)
            .filter(|&(_, value)| value != hidden)
            .flat_map(|(key, value)| [key, value])
            .collect();
        T::deserialize(Without {
            node: Node::new(doc, mapping),
            ids: &ids,
        })
    }
}

impl<'a> de::Deserializer<'a> for Without<'a, '_> {
    type Error = super::Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let (node, ids) = (self.node, self.ids);
        node.placed(|| {
            visitor.visit_map(Entries {
                doc: node.doc,
                ids: ids.iter(),
                value: None,
            })
        })
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled platform with `count` copies of its stacks under new names: a spec of real
    /// stacks, large enough to be split.
    fn large_spec(count: usize) -> String {
        let text = include_str!("../../../platform.yaml");
        let document = Document::parse(text).expect("the bundled spec parses");
        let spec: Spec = from_node(&document, document.root().unwrap()).expect("and reads");
        let mut value = serde_yaml::to_value(&spec).expect("a spec serializes");
        let stacks = value["stacks"].as_mapping_mut().unwrap();
        let originals: Vec<serde_yaml::Value> = stacks.values().cloned().collect();
        for n in 0..count {
            let copy = originals[n % originals.len()].clone();
            stacks.insert(format!("copy-{n:04}").into(), copy);
        }
        serde_yaml::to_string(&value).unwrap()
    }

    fn both_ways(text: &str) -> (Result<String>, Vec<Result<String>>) {
        let document = Document::parse(text).expect("the test spec parses");
        let root = document.root().unwrap();
        let (stacks, _) = stacks_mapping(&document, root).expect("a stacks mapping");
        let show = |spec: Result<Spec>| spec.map(|s| format!("{s:?}"));
        let split = [false, true]
            .map(|parallel| show(read_split(&document, root, stacks, parallel)))
            .to_vec();
        (show(from_node(&document, root)), split)
    }

    /// Read in halves, the spec is the one read in one go: every stack, in order, and every
    /// other section (which the first half reads with `stacks` hidden).
    #[test]
    fn reads_the_spec_one_reading_reads() {
        let text = large_spec(300);
        let (whole, split) = both_ways(&text);
        assert!(whole.is_ok(), "{whole:?}");
        // The split reading succeeded on its own, not by falling back to the whole one.
        let document = Document::parse(&text).unwrap();
        let root = document.root().unwrap();
        let (stacks, count) = stacks_mapping(&document, root).unwrap();
        let rest: Spec = Without::read(&document, root, stacks).expect("the other sections");
        assert!(rest.stacks.is_empty());
        let Kind::Mapping { start, len } = document.kind(stacks) else {
            unreachable!()
        };
        let entries = read_entries::<Stack>(&document, document.children(start, len * 2));
        assert_eq!(entries.expect("every stack").len(), count);
        assert!(whole.as_ref().unwrap().contains("copy-0299"));
        for halves in split {
            assert_eq!(halves, whole);
        }
    }

    /// A mistake in either half, or outside the stacks, is reported as the one-thread reading
    /// reports it, position included.
    #[test]
    fn reports_the_error_one_reading_reports() {
        let text = large_spec(300);
        let mistakes = [
            text.replacen("  copy-0010:\n", "  copy-0010:\n    bogus: 1\n", 1),
            text.replacen("  copy-0290:\n", "  copy-0290:\n    bogus: 1\n", 1),
            text.replacen("platform:\n", "platform:\n  bogus: 1\n", 1),
        ];
        for mistake in mistakes {
            assert_ne!(mistake, text, "the test must change the spec");
            let (whole, split) = both_ways(&mistake);
            assert!(whole.is_err(), "{whole:?}");
            for halves in split {
                assert_eq!(halves, whole);
            }
        }
    }
}
