//! Source positions for every node of a YAML document, keyed by its path from the root
//! (`stacks / crm-api / services / crm-api / image`). `serde_yaml` keeps no positions, so the
//! loader walks the document a second time with an event parser; semantic checks then point
//! at the value they are about instead of the top of the file.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, Span as YamlSpan, SpannedEventReceiver};

use crate::diagnostics::Span;

/// Where one node sits: the key that names it (for mapping values) and the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePosition {
    pub key: Option<Span>,
    pub value: Span,
}

/// Positions of all nodes of one document.
#[derive(Debug, Default)]
pub struct Positions {
    nodes: HashMap<String, NodePosition>,
    /// Keys that appear twice in one mapping: (path of the second one, its span).
    pub duplicate_keys: Vec<(String, Span)>,
    /// Scalars that look like real credentials, outside `example` fields: (path, what they
    /// look like). Found while indexing, so no second pass over the document is needed.
    pub credentials: Vec<(String, &'static str)>,
}

/// A YAML syntax error with its position.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// Separates path segments; a control character cannot appear in a valid name, so two
/// different paths never join to the same key.
pub const SEPARATOR: char = '\u{1f}';

pub fn key(segments: &[&str]) -> String {
    segments.join(&SEPARATOR.to_string())
}

/// Human-readable form of a path key, for messages: `stacks.crm-api.image`.
pub fn display(path: &str) -> String {
    path.replace(SEPARATOR, ".")
}

impl Positions {
    pub fn index(source: &str) -> Result<Positions, SyntaxError> {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(source);
        parser.load(&mut builder, false).map_err(|e| SyntaxError {
            message: e.info().to_owned(),
            span: Span::point(e.marker().line(), e.marker().col() + 1),
        })?;
        Ok(builder.positions)
    }

    /// The node at `segments`, if the document has it.
    pub fn get(&self, segments: &[&str]) -> Option<NodePosition> {
        self.nodes.get(&key(segments)).copied()
    }

    /// The last line taken by the node at `segments` and everything below it.
    pub fn last_line(&self, segments: &[&str]) -> Option<usize> {
        let path = key(segments);
        let prefix = format!("{path}{SEPARATOR}");
        self.nodes
            .iter()
            .filter(|(k, _)| **k == path || k.starts_with(&prefix))
            .map(|(_, n)| n.value.end_line.max(n.value.line))
            .max()
    }

    /// The value's span at `segments`, or the nearest ancestor that exists, so a problem
    /// with a defaulted field still points at the mapping that lacks it.
    pub fn value_or_parent(&self, segments: &[&str]) -> Option<Span> {
        (0..=segments.len())
            .rev()
            .find_map(|n| self.get(&segments[..n]).map(|p| p.value))
    }

    /// The key's span at `segments` (falls back like `value_or_parent`).
    pub fn key_or_parent(&self, segments: &[&str]) -> Option<Span> {
        (0..=segments.len())
            .rev()
            .find_map(|n| self.get(&segments[..n]).map(|p| p.key.unwrap_or(p.value)))
    }
}

enum Frame {
    Mapping {
        path: String,
        pending_key: Option<(String, Span)>,
        seen: HashSet<String>,
        start: Span,
    },
    Sequence {
        path: String,
        next: usize,
        start: Span,
    },
}

#[derive(Default)]
struct Builder {
    positions: Positions,
    stack: Vec<Frame>,
}

fn convert(span: YamlSpan) -> Span {
    Span {
        line: span.start.line(),
        column: span.start.col() + 1,
        end_line: span.end.line(),
        end_column: span.end.col() + 1,
    }
}

impl Builder {
    /// Path of the node that starts now, and the key span when it is a mapping value.
    /// Returns `None` when the node is a mapping key (recorded as pending instead).
    fn next_node(
        &mut self,
        scalar_key: Option<&str>,
        span: Span,
    ) -> Option<(String, Option<Span>)> {
        match self.stack.last_mut() {
            None => Some((String::new(), None)),
            Some(Frame::Sequence { path, next, .. }) => {
                let child = join(path, &next.to_string());
                *next += 1;
                Some((child, None))
            }
            Some(Frame::Mapping {
                path,
                pending_key,
                seen,
                ..
            }) => {
                if let Some((key, key_span)) = pending_key.take() {
                    return Some((join(path, &key), Some(key_span)));
                }
                // This node is a key. Complex (non-scalar) keys get a placeholder name.
                let name = scalar_key.unwrap_or("?").to_owned();
                if !seen.insert(name.clone()) {
                    let dup = join(path, &name);
                    self.positions.duplicate_keys.push((dup, span));
                }
                *pending_key = Some((name, span));
                None
            }
        }
    }

    fn record(&mut self, path: String, key: Option<Span>, value: Span) {
        self.positions
            .nodes
            .entry(path)
            .or_insert(NodePosition { key, value });
    }
}

fn join(parent: &str, segment: &str) -> String {
    if parent.is_empty() {
        segment.to_owned()
    } else {
        format!("{parent}{SEPARATOR}{segment}")
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder {
    fn on_event(&mut self, event: Event<'input>, span: YamlSpan) {
        let span = convert(span);
        match event {
            Event::Scalar(value, ..) => {
                if let Some((path, key)) = self.next_node(Some(&value), span) {
                    let is_example = path.rsplit(SEPARATOR).next() == Some("example");
                    if !is_example && let Some(kind) = super::secrets::credential_kind(&value) {
                        self.positions.credentials.push((path.clone(), kind));
                    }
                    self.record(path, key, span);
                }
            }
            Event::Alias(_) => {
                if let Some((path, key)) = self.next_node(None, span) {
                    self.record(path, key, span);
                }
            }
            Event::MappingStart(..) => match self.next_node(None, span) {
                Some((path, key)) => {
                    self.record(path.clone(), key, span);
                    self.stack.push(Frame::Mapping {
                        path,
                        pending_key: None,
                        seen: HashSet::new(),
                        start: span,
                    });
                }
                // A mapping used as a key: track it so its events stay balanced.
                None => self.stack.push(Frame::Mapping {
                    path: "?".into(),
                    pending_key: None,
                    seen: HashSet::new(),
                    start: span,
                }),
            },
            Event::SequenceStart(..) => match self.next_node(None, span) {
                Some((path, key)) => {
                    self.record(path.clone(), key, span);
                    self.stack.push(Frame::Sequence {
                        path,
                        next: 0,
                        start: span,
                    });
                }
                None => self.stack.push(Frame::Sequence {
                    path: "?".into(),
                    next: 0,
                    start: span,
                }),
            },
            Event::MappingEnd | Event::SequenceEnd => {
                // Widen the recorded span of a block collection to where it ends, so the
                // caret covers it when a problem is about the whole collection.
                if let Some(frame) = self.stack.pop() {
                    let (path, start) = match frame {
                        Frame::Mapping { path, start, .. }
                        | Frame::Sequence { path, start, .. } => (path, start),
                    };
                    if let Some(node) = self.positions.nodes.get_mut(&path) {
                        node.value = Span {
                            end_line: span.line.max(start.line),
                            end_column: span.column,
                            ..node.value
                        };
                        if node.value.end_line != node.value.line {
                            // Multi-line collections are underlined on their first line only.
                            node.value.end_line = node.value.line;
                            node.value.end_column = node.value.column + 1;
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_nested_values_and_keys() {
        let source = "stacks:\n  crm:\n    networks: [edge, db]\n    image: x\n";
        let positions = Positions::index(source).unwrap();
        let image = positions.get(&["stacks", "crm", "image"]).unwrap();
        assert_eq!((image.value.line, image.value.column), (4, 12));
        assert_eq!(image.key.map(|k| (k.line, k.column)), Some((4, 5)));
        let db = positions.get(&["stacks", "crm", "networks", "1"]).unwrap();
        assert_eq!(
            (db.value.line, db.value.column, db.value.end_column),
            (3, 22, 24)
        );
    }

    #[test]
    fn finds_duplicate_keys() {
        let positions = Positions::index("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(positions.duplicate_keys.len(), 1);
        assert_eq!(positions.duplicate_keys[0].1.line, 3);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let error = Positions::index("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(error.span.line >= 1);
    }
}
