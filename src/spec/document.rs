//! The YAML document of a spec file, parsed once into a compact tree: every node with its
//! source span, mapping values findable by their path (`stacks / crm-api / image`). The typed
//! spec is deserialized from this tree (`spec::de`), and later stages point diagnostics at the
//! node they are about, so the text is read by one parser, once.
//!
//! The builder refuses, before anything is deserialized, what would make a small file take a
//! lot of memory or time: nesting deeper than [`MAX_DEPTH`], aliases that copy more than
//! [`MAX_ALIAS_NODES`] nodes (a "billion laughs"), an alias inside the node it names.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan};

use crate::diagnostics::Span;

pub(super) mod checks;
pub(super) mod pieces;
mod secret_spans;
use checks::{
    FREE_TEXT, MAX_CONTROL_FINDINGS, Tagged, check_characters, check_version, forbidden_control,
    harmless_collection, tag_text, tagged_scalar,
};

/// Deepest nesting of collections seisei reads; serde and the tree walkers recurse once per
/// level. Real specs stay under 10.
pub const MAX_DEPTH: usize = 128;

/// Most nodes all aliases of a document may copy together. Counting copies, not aliases,
/// catches the quadratic and exponential bombs: an alias to a list of a thousand aliases
/// copies a million nodes.
pub const MAX_ALIAS_NODES: u64 = 1_000_000;

/// Index of a node in [`Document::nodes`].
pub type NodeId = u32;

const NONE: NodeId = NodeId::MAX;

/// A span with 32-bit fields: a tree of millions of nodes keeps four of them per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CompactSpan {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

impl CompactSpan {
    fn expand(self) -> Span {
        Span {
            line: self.line as usize,
            column: self.column as usize,
            end_line: self.end_line as usize,
            end_column: self.end_column as usize,
        }
    }
}

fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a node is. Children and scalar text live in the document's arenas; a node holds
/// ranges into them, so building the tree allocates per document, not per node.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `plain` is true for an unquoted scalar: only those resolve to null, booleans and
    /// numbers. `typed` is true for a scalar with a core tag other than `!!str` (`!!int 5`):
    /// it is a value of that type only, never read as a string.
    Scalar {
        start: u32,
        len: u32,
        plain: bool,
        typed: bool,
    },
    /// Items at `children[start..start + len]`.
    Sequence { start: u32, len: u32 },
    /// Key and value ids alternate at `children[start..start + 2 * len]`.
    Mapping { start: u32, len: u32 },
    /// `*name`: stands for the anchored node `target`, which is never itself an alias.
    Alias { target: NodeId },
}

#[derive(Debug, Clone, Copy)]
struct Node {
    span: CompactSpan,
    /// The collection that holds this node (`NONE` for the root).
    parent: NodeId,
    /// For a mapping value: the key node.
    key: NodeId,
    kind: Kind,
}

/// Where one node sits: the key that names it (for mapping values) and the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePosition {
    pub key: Option<Span>,
    pub value: Span,
}

/// Why a document cannot be read at all.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
}

/// A problem found while building that does not stop the build, so all of them are reported
/// in one run.
#[derive(Debug)]
pub enum Finding {
    /// A key written twice in one mapping: the path of the second one.
    DuplicateKey { path: String, first: Span },
    /// A tag (`!!binary`, `!custom`); seisei honours only the core schema's.
    Tag { tag: String },
    /// A core-schema tag on a scalar that is not of that type (`!!int abc`).
    TagMismatch { tag: String },
    /// A control character (other than tab and line feed) in a name or in free text: the
    /// path of the key or text, and the character.
    Control { path: String, character: char },
}

/// A parsed document.
#[derive(Debug, Default)]
pub struct Document {
    nodes: Vec<Node>,
    children: Vec<NodeId>,
    scalars: String,
    /// Mapping values by (mapping, key text), for path lookups in constant time; a second
    /// piece's values are in `grafted`'s ([`pieces::Grafted`]).
    index: HashTable<NodeId>,
    hasher: DefaultHashBuilder,
    grafted: Option<Box<pieces::Grafted>>,
    /// Problems found while building, with the span they are about, in document order.
    pub findings: Vec<(Finding, Span)>,
    /// Scalars that look like real credentials, outside `example` fields: (path, what they
    /// look like). Found while building, so no second pass over the document is needed.
    pub credentials: Vec<(String, &'static str)>,
    /// Where secrets are written: the `example` and `default` of every mapping with
    /// `secret: true`, and every scalar that looks like a credential. A diagnostic that
    /// quotes one of these lines masks them. Sorted; see [`Document::sensitive_on`].
    pub sensitive: Vec<Span>,
    /// The spans of `sensitive` that take more than one line (block scalars), which a
    /// lookup by first line would miss.
    sensitive_blocks: Vec<Span>,
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

/// What a node stands for once aliases are followed: how many nodes, how many levels.
#[derive(Debug, Clone, Copy)]
struct Extent {
    size: u64,
    height: usize,
}

/// A collection being built.
struct Frame {
    node: NodeId,
    mapping: bool,
    /// Where this frame's children start in `Builder::pending`.
    first_child: usize,
    /// Nodes this collection stands for, counting what its aliases copy.
    size: u64,
    /// Levels below it, counting what its aliases nest.
    height: usize,
    anchor: usize,
}

struct Builder {
    doc: Document,
    stack: Vec<Frame>,
    /// Children of the open collections, innermost last.
    pending: Vec<NodeId>,
    /// Anchor id → (node, its extent once complete). saphyr numbers anchors from 1.
    anchors: Vec<(NodeId, Option<Extent>)>,
    copied: u64,
    documents: usize,
    /// Values whose key repeats an earlier one, in document order.
    duplicates: Vec<NodeId>,
    /// Scalars that look like credentials, with what they look like.
    credential_nodes: Vec<(NodeId, &'static str)>,
    /// Scalars that hold a forbidden control character, with the first one.
    control_nodes: Vec<(NodeId, char)>,
}

fn convert(span: YamlSpan) -> CompactSpan {
    CompactSpan {
        line: narrow(span.start.line()),
        column: narrow(span.start.col() + 1),
        end_line: narrow(span.end.line()),
        end_column: narrow(span.end.col() + 1),
    }
}

fn fatal(message: impl Into<String>, help: Option<&str>, span: CompactSpan) -> ParseError {
    ParseError {
        message: message.into(),
        help: help.map(str::to_owned),
        span: span.expand(),
    }
}

/// Nesting past [`MAX_DEPTH`], found by the builder or by saphyr's own limit on flow
/// collections.
fn nested_too_deeply(span: Span) -> ParseError {
    ParseError {
        message: "the document is nested too deeply".to_owned(),
        help: Some(format!(
            "seisei reads at most {MAX_DEPTH} levels of nesting"
        )),
        span,
    }
}

impl Builder {
    fn new(capacity: usize) -> Self {
        Builder {
            doc: Document {
                nodes: Vec::with_capacity(capacity),
                index: HashTable::with_capacity(capacity / 2),
                ..Document::default()
            },
            stack: Vec::new(),
            pending: Vec::new(),
            anchors: vec![(NONE, None)],
            copied: 0,
            documents: 0,
            duplicates: Vec::new(),
            credential_nodes: Vec::new(),
            control_nodes: Vec::new(),
        }
    }

    /// Adds a node under the innermost open collection and returns its id.
    fn push(&mut self, span: CompactSpan, kind: Kind, extent: Extent) -> NodeId {
        let id = narrow(self.doc.nodes.len());
        let (parent, key) = match self.stack.last() {
            None => (NONE, NONE),
            Some(frame) => {
                let written = self.pending.len() - frame.first_child;
                let key = if frame.mapping && written % 2 == 1 {
                    self.pending[self.pending.len() - 1]
                } else {
                    NONE
                };
                (frame.node, key)
            }
        };
        self.doc.nodes.push(Node {
            span,
            parent,
            key,
            kind,
        });
        if let Some(frame) = self.stack.last_mut() {
            frame.size = frame.size.saturating_add(extent.size);
            frame.height = frame.height.max(extent.height);
            self.pending.push(id);
            if key != NONE {
                self.index_value(parent, key, id);
            }
        }
        id
    }

    /// Makes `value` findable under its mapping, or records its key as a duplicate.
    fn index_value(&mut self, mapping: NodeId, key: NodeId, value: NodeId) {
        let doc = &mut self.doc;
        let Some(name) = doc.scalar_text(key) else {
            return; // A collection used as a key has no path.
        };
        let hash = doc.hasher.hash_one((mapping, name));
        let (nodes, scalars) = (&doc.nodes, &doc.scalars);
        let same = |&candidate: &NodeId| {
            let node = &nodes[candidate as usize];
            node.parent == mapping && key_text(nodes, scalars, node.key) == Some(name)
        };
        if let Some(&earlier) = doc.index.find(hash, same) {
            let span = doc.nodes[key as usize].span.expand();
            let first = doc.nodes[doc.nodes[earlier as usize].key as usize]
                .span
                .expand();
            // The path is filled in after the build, when every parent is complete.
            doc.findings.push((
                Finding::DuplicateKey {
                    path: String::new(),
                    first,
                },
                span,
            ));
            self.duplicates.push(value);
            return;
        }
        let hasher = &doc.hasher;
        doc.index.insert_unique(hash, value, |&v| {
            let node = &nodes[v as usize];
            hasher.hash_one((
                node.parent,
                key_text(nodes, scalars, node.key).unwrap_or(""),
            ))
        });
    }

    fn on_scalar(
        &mut self,
        value: &str,
        (plain, typed): (bool, bool),
        anchor: usize,
        span: CompactSpan,
    ) -> NodeId {
        let start = narrow(self.doc.scalars.len());
        self.doc.scalars.push_str(value);
        let kind = Kind::Scalar {
            start,
            len: narrow(value.len()),
            plain,
            typed,
        };
        let extent = Extent { size: 1, height: 0 };
        let id = self.push(span, kind, extent);
        if anchor != 0 {
            self.set_anchor(anchor, id, Some(extent));
        }
        if let Some(kind) = super::secrets::credential_kind(value) {
            self.credential_nodes.push((id, kind));
        }
        self.check_control(id, value);
        id
    }

    /// Records `id` when it is a name (a mapping key) or free text and `text` holds a
    /// forbidden control character. Decided as the node is added, so only such nodes count
    /// towards [`MAX_CONTROL_FINDINGS`]: a hundred commands with escapes cannot hide the
    /// purpose after them.
    fn check_control(&mut self, id: NodeId, text: &str) {
        if self.control_nodes.len() >= MAX_CONTROL_FINDINGS {
            return;
        }
        let Some(c) = text.chars().find(|c| forbidden_control(*c)) else {
            return;
        };
        let key = self.doc.nodes[id as usize].key;
        let relevant = if key == NONE {
            self.stack.last().is_some_and(|f| f.mapping)
        } else {
            self.doc
                .scalar_text(key)
                .is_some_and(|k| FREE_TEXT.contains(&k))
        };
        if relevant {
            self.control_nodes.push((id, c));
        }
    }

    fn set_anchor(&mut self, anchor: usize, node: NodeId, extent: Option<Extent>) {
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, (NONE, None));
        }
        self.anchors[anchor] = (node, extent);
    }

    fn on_alias(&mut self, anchor: usize, span: CompactSpan) -> Result<(), ParseError> {
        let Some(&(target, extent)) = self.anchors.get(anchor).filter(|a| a.0 != NONE) else {
            return Err(fatal("an alias names no anchor", None, span));
        };
        let Some(extent) = extent else {
            return Err(fatal(
                "this alias is inside the collection it names, which would repeat forever",
                Some("write the value out instead of the alias"),
                span,
            ));
        };
        if self.stack.len() + extent.height > MAX_DEPTH {
            return Err(fatal(
                "through its aliases, the document is nested too deeply",
                Some(&format!(
                    "seisei reads at most {MAX_DEPTH} levels of nesting; write the values out"
                )),
                span,
            ));
        }
        self.copied = self.copied.saturating_add(extent.size);
        if self.copied > MAX_ALIAS_NODES {
            return Err(fatal(
                format!("aliases copy more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"),
                Some("write the repeated values out, or share them with `extends`"),
                span,
            ));
        }
        let id = self.push(span, Kind::Alias { target }, extent);
        // `purpose: *text` takes the anchored text, wherever it was written.
        if let Some(text) = self.doc.scalar_text(target)
            && text.chars().any(forbidden_control)
        {
            let text = text.to_owned();
            self.check_control(id, &text);
        }
        Ok(())
    }

    fn open(&mut self, mapping: bool, anchor: usize, span: CompactSpan) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(nested_too_deeply(span.expand()));
        }
        let kind = if mapping {
            Kind::Mapping { start: 0, len: 0 }
        } else {
            Kind::Sequence { start: 0, len: 0 }
        };
        // The frame's size is added to its parent when it closes.
        let node = self.push(span, kind, Extent { size: 0, height: 0 });
        if anchor != 0 {
            self.set_anchor(anchor, node, None);
        }
        self.stack.push(Frame {
            node,
            mapping,
            first_child: self.pending.len(),
            size: 1,
            height: 0,
            anchor,
        });
        Ok(())
    }

    fn close(&mut self, end: CompactSpan) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let start = narrow(self.doc.children.len());
        self.doc
            .children
            .extend(self.pending.drain(frame.first_child..));
        let count = narrow(self.doc.children.len()) - start;
        let node = &mut self.doc.nodes[frame.node as usize];
        node.kind = if frame.mapping {
            Kind::Mapping {
                start,
                len: count / 2,
            }
        } else {
            Kind::Sequence { start, len: count }
        };
        // Widen the span of a collection to where it ends, so the caret covers a flow
        // collection; a multi-line one is underlined on its first line only.
        let open = node.span;
        let end_line = end.line.max(open.line);
        node.span = if end_line == open.line {
            CompactSpan {
                end_line,
                end_column: end.column,
                ..open
            }
        } else {
            CompactSpan {
                end_line: open.line,
                end_column: open.column + 1,
                ..open
            }
        };
        let extent = Extent {
            size: frame.size,
            height: frame.height + 1,
        };
        if frame.anchor != 0 {
            self.set_anchor(frame.anchor, frame.node, Some(extent));
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.size = parent.size.saturating_add(extent.size);
            parent.height = parent.height.max(extent.height);
        }
    }

    fn event(&mut self, event: Event<'_>, span: CompactSpan) -> Result<(), ParseError> {
        let mapping = matches!(event, Event::MappingStart(..));
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(fatal(
                        "the file holds more than one YAML document",
                        Some(
                            "keep one document: remove the `---` line and what follows it, or merge them",
                        ),
                        span,
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let mut plain = style == ScalarStyle::Plain;
                let mut typed = false;
                if let Some(tag) = tag {
                    match tagged_scalar(&tag, &value) {
                        Tagged::Plain(as_plain) => {
                            plain = as_plain;
                            typed = as_plain;
                        }
                        Tagged::Unsupported => self.doc.findings.push((
                            Finding::Tag {
                                tag: tag_text(&tag),
                            },
                            span.expand(),
                        )),
                        Tagged::Mismatch => self.doc.findings.push((
                            Finding::TagMismatch {
                                tag: tag_text(&tag),
                            },
                            span.expand(),
                        )),
                    }
                }
                self.on_scalar(&value, (plain, typed), anchor, span);
            }
            Event::Alias(anchor) => self.on_alias(anchor, span)?,
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if let Some(tag) = tag.filter(|t| !harmless_collection(t, mapping)) {
                    self.doc.findings.push((
                        Finding::Tag {
                            tag: tag_text(&tag),
                        },
                        span.expand(),
                    ));
                }
                self.open(mapping, anchor, span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn finish(mut self) -> Document {
        // Paths of duplicates and credential hits need complete parents, so they are
        // computed now; both are rare.
        for &(node, _) in &self.credential_nodes {
            let span = self.doc.span(node);
            self.doc.sensitive.push(span);
        }
        self.find_secret_values();
        self.doc.sensitive.sort_unstable();
        self.doc.sensitive.dedup();
        self.doc.sensitive_blocks = (self.doc.sensitive.iter())
            .filter(|m| m.end_line > m.line)
            .copied()
            .collect();
        for (node, character) in std::mem::take(&mut self.control_nodes) {
            let doc = &self.doc;
            let (path, span) = if doc.is_key(node) {
                // A key: the path of its mapping, then the key itself.
                let parent = doc.nodes[node as usize].parent;
                let mut path = doc.path_of(parent);
                if !path.is_empty() {
                    path.push(SEPARATOR);
                }
                path.push_str(doc.scalar_text(node).unwrap_or("?"));
                (path, doc.span(node))
            } else if doc.key_name(node).is_some_and(|k| FREE_TEXT.contains(&k)) {
                (doc.path_of(node), doc.span(node))
            } else {
                continue;
            };
            self.doc
                .findings
                .push((Finding::Control { path, character }, span));
        }
        for (node, kind) in std::mem::take(&mut self.credential_nodes) {
            // Keys are names, not values; `example` fields have their own placeholder check.
            if self.doc.is_key(node) || self.doc.key_name(node) == Some("example") {
                continue;
            }
            let path = self.doc.path_of(node);
            self.doc.credentials.push((path, kind));
        }
        let paths: Vec<String> = (self.duplicates.iter())
            .map(|&value| self.doc.path_of(value))
            .collect();
        let mut paths = paths.into_iter();
        for (finding, _) in &mut self.doc.findings {
            if let Finding::DuplicateKey { path, .. } = finding
                && let Some(found) = paths.next()
            {
                *path = found;
            }
        }
        self.doc
    }
}

fn key_text<'a>(nodes: &[Node], scalars: &'a str, key: NodeId) -> Option<&'a str> {
    match nodes.get(key as usize)?.kind {
        Kind::Scalar { start, len, .. } => scalars.get(start as usize..(start + len) as usize),
        _ => None,
    }
}

impl Document {
    /// Parses `source`, which holds at most one YAML document.
    pub fn parse(source: &str) -> Result<Document, ParseError> {
        check_characters(source)?;
        check_version(source)?;
        // A large spec is read on two cores when its text allows it safely (`pieces`).
        pieces::parse(source).map_or_else(|| Self::parse_whole(source), Ok)
    }

    /// [`Document::parse`] on one thread, once the characters and the version are checked.
    fn parse_whole(source: &str) -> Result<Document, ParseError> {
        // About one node per ten bytes in a typical spec.
        let mut builder = Builder::new(source.len() / 10);
        for item in Parser::new_from_str(source) {
            let (event, span) = item.map_err(|e| {
                let span = Span::point(e.marker().line(), e.marker().col() + 1);
                // saphyr stops flow collections at its own depth limit; say it as we do.
                if e.info().contains("recursion limit") {
                    return nested_too_deeply(span);
                }
                ParseError {
                    message: format!("invalid YAML: {}", e.info()),
                    help: None,
                    span,
                }
            })?;
            builder.event(event, convert(span))?;
        }
        Ok(builder.finish())
    }

    /// The root node, if the document has one.
    pub fn root(&self) -> Option<NodeId> {
        (!self.nodes.is_empty()).then_some(0)
    }

    pub fn kind(&self, node: NodeId) -> Kind {
        self.nodes[node as usize].kind
    }

    pub fn span(&self, node: NodeId) -> Span {
        self.nodes[node as usize].span.expand()
    }

    /// The node itself, or the anchored node it stands for.
    pub fn resolve(&self, node: NodeId) -> NodeId {
        match self.kind(node) {
            Kind::Alias { target } => target,
            _ => node,
        }
    }

    /// The text of a scalar node.
    pub fn scalar_text(&self, node: NodeId) -> Option<&str> {
        key_text(&self.nodes, &self.scalars, node)
    }

    pub fn children(&self, start: u32, count: u32) -> &[NodeId] {
        &self.children[start as usize..(start + count) as usize]
    }

    /// The (key, value) pairs of a mapping node, in file order; empty for other nodes.
    pub fn entries(&self, node: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        let pairs = match self.kind(node) {
            Kind::Mapping { start, len } => self.children(start, len * 2),
            _ => &[],
        };
        pairs.chunks_exact(2).map(|pair| (pair[0], pair[1]))
    }

    /// The name of the key a mapping value sits under.
    fn key_name(&self, node: NodeId) -> Option<&str> {
        self.scalar_text(self.nodes[node as usize].key)
    }

    /// Whether the node is a mapping key (mapping values know their key; keys do not).
    fn is_key(&self, node: NodeId) -> bool {
        let node = &self.nodes[node as usize];
        node.key == NONE
            && node.parent != NONE
            && matches!(self.nodes[node.parent as usize].kind, Kind::Mapping { .. })
    }

    /// The path of a node from the root, joined with [`SEPARATOR`].
    fn path_of(&self, node: NodeId) -> String {
        let mut segments = Vec::new();
        let mut at = node;
        while let Some(n) = self.nodes.get(at as usize)
            && n.parent != NONE
        {
            match self.nodes[n.parent as usize].kind {
                Kind::Sequence { start, len } => {
                    let index = self.children(start, len).iter().position(|c| *c == at);
                    segments.push(index.map_or_else(|| "?".to_owned(), |i| i.to_string()));
                }
                _ => segments.push(self.key_name(at).unwrap_or("?").to_owned()),
            }
            at = n.parent;
        }
        segments.reverse();
        segments.join(&SEPARATOR.to_string())
    }

    /// The secrets written on line `line`: a binary search, so each diagnostic of a spec with
    /// many secrets costs a lookup.
    pub fn sensitive_on(&self, line: usize) -> impl Iterator<Item = &Span> {
        let all = &self.sensitive;
        let from = all.partition_point(|m| m.line < line);
        let to = all.partition_point(|m| m.line <= line);
        all[from..to].iter().chain(
            self.sensitive_blocks
                .iter()
                .filter(move |m| m.line < line && line <= m.end_line),
        )
    }

    /// The value node under `mapping` at `name`.
    pub fn lookup(&self, mapping: NodeId, name: &str) -> Option<NodeId> {
        let hash = self.hasher.hash_one((mapping, name));
        self.index
            .find(hash, |&candidate| {
                let node = &self.nodes[candidate as usize];
                node.parent == mapping && self.scalar_text(node.key) == Some(name)
            })
            .copied()
            .or_else(|| pieces::lookup_grafted(self, mapping, name))
    }

    /// The node at `segments` from the root, without following aliases: a path through an
    /// alias is not written in the file, so it has no position of its own.
    pub fn node(&self, segments: &[&str]) -> Option<NodeId> {
        let mut at = self.root()?;
        for segment in segments {
            at = match self.kind(at) {
                Kind::Mapping { .. } => self.lookup(at, segment)?,
                Kind::Sequence { start, len } => {
                    let index: u32 = segment.parse().ok()?;
                    *self.children(start, len).get(index as usize)?
                }
                _ => return None,
            };
        }
        Some(at)
    }

    /// The position of the node at `segments`, if the document has it.
    pub fn get(&self, segments: &[&str]) -> Option<NodePosition> {
        let node = &self.nodes[self.node(segments)? as usize];
        Some(NodePosition {
            key: (node.key != NONE).then(|| self.nodes[node.key as usize].span.expand()),
            value: node.span.expand(),
        })
    }

    /// The last line taken by the node at `segments` and everything below it.
    pub fn last_line(&self, segments: &[&str]) -> Option<usize> {
        let mut last = 0;
        let mut todo = vec![self.node(segments)?];
        while let Some(node) = todo.pop() {
            let span = self.nodes[node as usize].span;
            last = last.max(span.end_line.max(span.line));
            match self.kind(node) {
                Kind::Sequence { start, len } => todo.extend(self.children(start, len)),
                Kind::Mapping { start, len } => todo.extend(self.children(start, len * 2)),
                _ => {}
            }
        }
        Some(last as usize)
    }

    /// The first key, in file order, of the mapping at `segments`.
    pub fn first_key(&self, segments: &[&str]) -> Option<&str> {
        let (key, _) = self.entries(self.node(segments)?).next()?;
        self.scalar_text(key)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_nested_values_and_keys() {
        let source = "stacks:\n  crm:\n    networks: [edge, db]\n    image: x\n";
        let doc = Document::parse(source).unwrap();
        let image = doc.get(&["stacks", "crm", "image"]).unwrap();
        assert_eq!((image.value.line, image.value.column), (4, 12));
        assert_eq!(image.key.map(|k| (k.line, k.column)), Some((4, 5)));
        let db = doc.get(&["stacks", "crm", "networks", "1"]).unwrap();
        assert_eq!(
            (db.value.line, db.value.column, db.value.end_column),
            (3, 22, 24)
        );
        assert_eq!(doc.last_line(&["stacks", "crm"]), Some(4));
        assert_eq!(doc.first_key(&["stacks"]), Some("crm"));
        assert!(doc.get(&["stacks", "nope"]).is_none());
    }

    #[test]
    fn finds_duplicate_keys_with_their_path() {
        let doc = Document::parse("a: 1\nb: {c: 2, c: 3}\na: 3\n").unwrap();
        let found: Vec<(String, usize)> = doc
            .findings
            .iter()
            .map(|(f, span)| match f {
                Finding::DuplicateKey { path, .. } => (display(path), span.line),
                other => (format!("{other:?}"), span.line),
            })
            .collect();
        assert_eq!(found, [("b.c".to_owned(), 2), ("a".to_owned(), 3)]);
    }

    #[test]
    fn collection_keys_are_not_duplicates_of_each_other() {
        let doc = Document::parse("? [a]\n: 1\n? [b]\n: 2\n").unwrap();
        assert!(doc.findings.is_empty(), "{:?}", doc.findings);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let error = Document::parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(error.span.line >= 1);
    }

    #[test]
    fn refuses_alias_bombs_before_expanding_them() {
        // Each level names the one before ten times: 10^7 nodes from 8 short lines.
        let mut lines = vec![format!("l0: &l0 [{}]", ["x"; 10].join(", "))];
        for level in 1..8 {
            let refs = vec![format!("*l{}", level - 1); 10].join(", ");
            lines.push(format!("l{level}: &l{level} [{refs}]"));
        }
        let text = lines.join("\n");
        let error = Document::parse(&text).unwrap_err();
        assert!(error.message.contains("alias"), "{}", error.message);
        assert_eq!(error.span.line, 6, "the first alias over the budget");
        // Below the budget, the same shape is fine.
        let small = lines[..5].join("\n");
        assert!(Document::parse(&small).is_ok());
    }

    #[test]
    fn refuses_an_alias_inside_what_it_names() {
        let error = Document::parse("a: &a [1, *a]\n").unwrap_err();
        assert!(error.message.contains("inside"), "{}", error.message);
    }

    #[test]
    fn honours_core_tags_and_records_the_others() {
        let doc = Document::parse(
            "a: !!str 5\nb: !!binary aGk=\nc: !x {}\nd: !!int \"5\"\ne: !!int abc\nf: !!map {}\n",
        )
        .unwrap();
        let tags: Vec<String> = doc
            .findings
            .iter()
            .map(|(f, span)| match f {
                Finding::Tag { tag } => format!("{tag} {}", span.line),
                Finding::TagMismatch { tag } => format!("mismatch {tag} {}", span.line),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(tags, ["!!binary 2", "!x 3", "mismatch !!int 5"]);
        let plain = |path: &str| match doc.kind(doc.node(&[path]).unwrap()) {
            Kind::Scalar { plain, .. } => plain,
            _ => panic!("{path} is a scalar"),
        };
        assert!(!plain("a"), "!!str makes a string");
        assert!(plain("d"), "!!int makes a number");
    }

    #[test]
    fn finds_control_characters_in_names_and_free_text_only() {
        let doc = Document::parse(
            "\"k\\e\": 1\ns:\n  purpose: \"a\\0b\"\n  command: \"x\\ey\"\n  note: \"two\\nlines\"\n",
        )
        .unwrap();
        let found: Vec<String> = doc
            .findings
            .iter()
            .map(|(f, span)| match f {
                Finding::Control { path, character } => {
                    format!("{} {:?} {}", display(path), character, span.line)
                }
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(found, ["k\u{1b} '\\u{1b}' 1", "s.purpose '\\0' 3"]);
    }

    #[test]
    fn finds_control_characters_through_aliases_and_past_many_values() {
        let mut text = String::from("x: &t \"a\\eb\"\ncommands:\n");
        for _ in 0..200 {
            text.push_str("  - \"\\e[0m\"\n");
        }
        text.push_str("s:\n  purpose: *t\n  note: \"\\0\"\n");
        let doc = Document::parse(&text).unwrap();
        let paths: Vec<String> = doc
            .findings
            .iter()
            .filter_map(|(f, _)| match f {
                Finding::Control { path, .. } => Some(display(path)),
                _ => None,
            })
            .collect();
        assert_eq!(paths, ["s.purpose", "s.note"]);
    }

    #[test]
    fn marks_where_secrets_are_written() {
        let doc = Document::parse(
            "A:\n  secret: true\n  example: hunter2\nB:\n  secret: false\n  example: plain\n",
        )
        .unwrap();
        assert_eq!(doc.sensitive.len(), 1);
        assert_eq!(doc.sensitive[0].line, 3);
    }

    #[test]
    fn refuses_control_characters_where_they_are() {
        for (text, code, column) in [
            ("a: b\u{1}\n", 1, 5),
            ("a: é\u{7f}\n", 0x7f, 5),
            ("a: x\u{9b}\n", 0x9b, 5),
            ("a: \u{fffe}\n", 0xfffe, 4),
        ] {
            let error = Document::parse(&format!("ok: 1\n{text}")).unwrap_err();
            assert!(
                error.message.contains(&format!("U+{code:04X}")),
                "{}",
                error.message
            );
            assert_eq!(
                (error.span.line, error.span.column),
                (2, column),
                "{text:?}"
            );
        }
        assert!(
            Document::parse("a: \"\u{85}\u{a0}\tb\"\r\n").is_ok(),
            "NEL, NBSP, tab, CRLF"
        );
    }

    #[test]
    fn refuses_a_second_document() {
        let error = Document::parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(error.span.line, 2);
    }

    #[test]
    fn finds_credentials_with_their_path_but_not_in_examples() {
        let key = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
        let doc = Document::parse(&format!("a:\n  - {key}\n  - example: {key}\n")).unwrap();
        let paths: Vec<String> = doc.credentials.iter().map(|(p, _)| display(p)).collect();
        assert_eq!(paths, ["a.0"]);
    }
}
