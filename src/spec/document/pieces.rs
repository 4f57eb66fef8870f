//! A large spec read on two cores: the text is cut between two entries of its top-level
//! `stacks` mapping, each piece is parsed into a tree of its own on its own thread, and the
//! second tree is grafted into the first under `stacks`. The result is the tree the whole
//! text gives on one thread, node for node; whatever this reading is not sure of (an error,
//! a finding, an alias across the cut, a key after `stacks`) makes it give up, and the caller
//! reads the whole text on one thread, so every error and finding is the one-thread parse's.

use std::hash::BuildHasher as _;
use std::sync::atomic::{AtomicBool, Ordering};

use hashbrown::{DefaultHashBuilder, HashTable};
use saphyr_parser::{Event, Parser};

use super::{
    Builder, CompactSpan, Document, Kind, MAX_ALIAS_NODES, MAX_DEPTH, NONE, Node, NodeId, convert,
    narrow,
};

/// Below this size the text is read on one thread: a second thread, two trees and the graft
/// cost more than they save (the Seisei platform's spec is 20 KB; 1,000 stacks are 1.6 MB).
pub(super) const MIN_SPLIT_BYTES: usize = 1 << 20;

/// Where the text is cut, and how many lines come before the cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cut {
    pub byte: usize,
    pub lines: u32,
    /// The spaces before the entries' keys.
    pub indent: u32,
}

/// The tree of `source` read in two pieces, or `None` when the text is small, the machine
/// has one core, or the text is not cut that way safely: the caller then reads it on one
/// thread.
pub(super) fn parse(source: &str) -> Option<Document> {
    if !worth_splitting(source) {
        return None;
    }
    split(source)
}

/// Whether a second core is there and the text is big enough to pay for it: the one
/// condition under which both readings, the tree's and the events', cut the text.
fn worth_splitting(source: &str) -> bool {
    source.len() >= MIN_SPLIT_BYTES && crate::parallel::spread(source.len())
}

/// Where the typed spec is cut to be read on two cores straight from the parser's events
/// (`spec::stream`): where [`parse`] cuts it, under the same conditions.
pub(in crate::spec) fn cut_for_two_cores(source: &str) -> Option<usize> {
    if !worth_splitting(source) {
        return None;
    }
    cut(source).map(|cut| cut.byte)
}

/// [`parse`] whatever the size of the text.
fn split(source: &str) -> Option<Document> {
    let cut = cut(source)?;
    let (head, tail) = source.split_at(cut.byte);
    // Both builders are made here, on the calling thread, with room for what they will
    // hold. With glibc's allocator that mattered: made on the worker, the second tree's
    // freed memory stayed resident in the worker's heap (30 MB at 10,000 stacks). With
    // jemalloc, the binary's allocator, where it is made makes no difference (967 against
    // 979 ms, 245 against 244 MB). The first gets room for both trees' nodes, so the graft
    // does not move its arenas; its index holds only its own piece's values.
    let first = Builder::with_room(source.len(), head.len());
    let second = Builder::with_room(tail.len(), tail.len());
    // A piece that gives up stops the other at once: the whole text is read again anyway.
    let stop = AtomicBool::new(false);
    let (first, second) = crate::parallel::join(
        true,
        || run(first, head, 0, closes_stacks, &stop),
        || run(second, tail, cut.lines, closes_root, &stop),
    );
    let (mut first, first_held) = first?;
    let (mut second, second_held) = second?;
    // The first piece ends where its text does, at the start of the cut line; in the whole
    // text the scanner reads on to the next key before it ends a block scalar, so a node
    // that ends at the cut ends after the key's indentation.
    let (line, column) = (cut.lines + 1, 1);
    for node in &mut first.doc.nodes {
        if (node.span.end_line, node.span.end_column) == (line, column) {
            node.span.end_column = cut.indent + 1;
        }
        if (node.span.line, node.span.column) == (line, column) {
            node.span.column = cut.indent + 1;
        }
    }
    if !is_head(&first, &first_held) || !is_tail(&second, &second_held) {
        return None;
    }
    let mut builder = graft(first, &mut second)?;
    drop(second);
    for (event, span) in first_held {
        builder.event(event, span).ok()?;
    }
    Some(builder.finish())
}

/// A line near the middle of `source` that starts an entry of the top-level `stacks`
/// mapping, when that mapping is written in block style and is the document's last top-level
/// key. A line indented as the entries are, outside a quoted scalar or flow collection, is
/// one of its keys: a block scalar's lines are indented deeper than its key, and a quoted
/// scalar or flow collection that spans the cut leaves the first piece unreadable.
pub(super) fn cut(source: &str) -> Option<Cut> {
    let mut byte = 0;
    let mut lines = 0u32;
    let mut in_stacks = false;
    let mut indent = None;
    let mut found = None;
    for line in source.split_inclusive('\n') {
        let start = byte;
        byte += line.len();
        lines += 1;
        let text = line.trim_end_matches(['\n', '\r']);
        let trimmed = text.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let spaces = text.len() - trimmed.len();
        if !in_stacks {
            if spaces == 0 && is_stacks_key(text) {
                in_stacks = true;
            }
            continue;
        }
        // Anything at the first column after `stacks` (a key, `---`, `...`) ends the mapping.
        if spaces == 0 {
            return None;
        }
        let entries = *indent.get_or_insert(spaces);
        if found.is_none()
            && spaces == entries
            && start >= source.len() / 2
            && !trimmed.starts_with(['-', '?', '[', '{', '\t', ':', '&', '*', '!', '|', '>'])
        {
            found = Some(Cut {
                byte: start,
                lines: lines - 1,
                indent: narrow(spaces),
            });
        }
    }
    found
}

/// `stacks:`, alone on its line but for a comment (which YAML starts after a space).
fn is_stacks_key(line: &str) -> bool {
    line.strip_prefix("stacks:").is_some_and(|rest| {
        let after = rest.trim_start_matches([' ', '\t']);
        rest.is_empty()
            || (after.len() < rest.len() && (after.is_empty() || after.starts_with('#')))
    })
}

/// Whether a `MappingEnd` now closes the first piece's `stacks` mapping.
fn closes_stacks(builder: &Builder) -> bool {
    let doc = &builder.doc;
    builder.stack.len() == 2
        && doc.scalar_text(doc.nodes[builder.stack[1].node as usize].key) == Some("stacks")
}

/// Whether a `MappingEnd` now closes the second piece's root mapping.
fn closes_root(builder: &Builder) -> bool {
    builder.stack.len() == 1
}

/// One piece read into a builder, with the events from the `MappingEnd` that `closes` says
/// ends the piece's part of `stacks` on held back, unapplied: the graft goes where they
/// would have closed it.
fn run<'a>(
    builder: Builder,
    text: &'a str,
    line_offset: u32,
    closes: fn(&Builder) -> bool,
    stop: &AtomicBool,
) -> Option<(Builder, Vec<Held<'a>>)> {
    let read = read_piece(builder, text, line_offset, closes, stop);
    if read.is_none() {
        stop.store(true, Ordering::Relaxed);
    }
    read
}

/// [`run`], giving up at the first error or finding, or once `stop` is set.
fn read_piece<'a>(
    mut builder: Builder,
    text: &'a str,
    line_offset: u32,
    closes: fn(&Builder) -> bool,
    stop: &AtomicBool,
) -> Option<(Builder, Vec<Held<'a>>)> {
    let mut held = Vec::new();
    for item in Parser::new_from_str(text) {
        if stop.load(Ordering::Relaxed) || !plain_so_far(&builder) {
            return None;
        }
        let (event, span) = item.ok()?;
        let mut span = convert(span);
        span.line += line_offset;
        span.end_line += line_offset;
        if !held.is_empty() || matches!(event, Event::MappingEnd) && closes(&builder) {
            held.push((event, span));
            continue;
        }
        builder.event(event, span).ok()?;
    }
    Some((builder, held))
}

type Held<'a> = (Event<'a>, CompactSpan);

impl Builder {
    /// A builder with room for the tree of `bytes` bytes of a typical spec (a node per eight
    /// bytes, half the text in scalars), and an index for the values of `indexed` of them.
    fn with_room(bytes: usize, indexed: usize) -> Builder {
        let mut builder = Builder::new(0);
        builder.doc.nodes.reserve(bytes / 8);
        builder.doc.index = HashTable::with_capacity(indexed / 16);
        builder.doc.children.reserve(bytes / 8);
        builder.doc.scalars.reserve(bytes / 2);
        builder
    }
}

/// Nothing the graft would have to renumber or re-decide: no finding, no duplicate, no
/// control character, one document.
fn plain(builder: &Builder) -> bool {
    plain_so_far(builder) && builder.documents == 1
}

fn plain_so_far(builder: &Builder) -> bool {
    builder.doc.findings.is_empty()
        && builder.duplicates.is_empty()
        && builder.control_nodes.is_empty()
        && builder.documents <= 1
}

fn held_are(held: &[Held<'_>], expected: &[fn(&Event<'_>) -> bool]) -> bool {
    held.len() == expected.len() && held.iter().zip(expected).all(|((e, _), is)| is(e))
}

/// The first piece stopped inside the root mapping's `stacks` mapping, which only its held
/// events close.
fn is_head(builder: &Builder, held: &[Held<'_>]) -> bool {
    let [root, stacks] = builder.stack.as_slice() else {
        return false;
    };
    let doc = &builder.doc;
    plain(builder)
        && root.mapping
        && root.node == 0
        && stacks.mapping
        && doc.nodes[stacks.node as usize].parent == 0
        && doc.scalar_text(doc.nodes[stacks.node as usize].key) == Some("stacks")
        && held_are(
            held,
            &[
                |e| matches!(e, Event::MappingEnd),
                |e| matches!(e, Event::MappingEnd),
                |e| matches!(e, Event::DocumentEnd),
                |e| matches!(e, Event::StreamEnd),
            ],
        )
}

/// The second piece is one mapping (the rest of `stacks`), still open, shallow enough that
/// the depth limits, checked here one level higher than in the whole text, are far.
fn is_tail(builder: &Builder, held: &[Held<'_>]) -> bool {
    let [root] = builder.stack.as_slice() else {
        return false;
    };
    plain(builder)
        && root.mapping
        && root.node == 0
        && root.first_child == 0
        && root.height + 4 < MAX_DEPTH
        && held_are(
            held,
            &[
                |e| matches!(e, Event::MappingEnd),
                |e| matches!(e, Event::DocumentEnd),
                |e| matches!(e, Event::StreamEnd),
            ],
        )
}

/// The index of the second piece, kept as its builder made it (by the piece's own node
/// numbers) instead of re-keyed into the first's: hashing and inserting every value of the
/// second piece again took 60 ms of a 10,000-stack spec's read, on one thread.
#[derive(Debug)]
pub(super) struct Grafted {
    index: HashTable<NodeId>,
    hasher: DefaultHashBuilder,
    /// The piece's node `n` is the document's node `n + offset`, but for its root.
    offset: NodeId,
    /// The document's `stacks` mapping, which the piece's root became.
    stacks: NodeId,
}

/// [`Document::lookup`] among the values of the grafted piece: those of a mapping the piece
/// holds, and the stacks it added to `stacks`.
pub(super) fn lookup_grafted(doc: &Document, mapping: NodeId, name: &str) -> Option<NodeId> {
    let grafted = doc.grafted.as_deref()?;
    let local = if mapping == grafted.stacks {
        0
    } else if mapping > grafted.offset {
        mapping - grafted.offset
    } else {
        return None;
    };
    let hash = grafted.hasher.hash_one((local, name));
    let found = grafted.index.find(hash, |&candidate| {
        let node = &doc.nodes[(candidate + grafted.offset) as usize];
        node.parent == mapping && doc.scalar_text(node.key) == Some(name)
    })?;
    Some(found + grafted.offset)
}

/// `first` with the nodes of `second` appended after its own, in file order: the second
/// piece's root mapping is dropped and its entries become entries of `stacks`; its index
/// moves over as it is ([`Grafted`]). `None` when a stack name of the second piece repeats
/// one of the first (the one-thread parse reports it) or the aliases of both copy too much
/// together.
fn graft(mut first: Builder, second: &mut Builder) -> Option<Builder> {
    let stacks = first.stack[1].node;
    let offset = narrow(first.doc.nodes.len()) - 1;
    let map = |id: NodeId| match id {
        NONE => NONE,
        0 => stacks,
        id => id + offset,
    };
    let scalars = narrow(first.doc.scalars.len());
    let children = narrow(first.doc.children.len());
    let doc = &mut first.doc;
    doc.scalars.push_str(&second.doc.scalars);
    doc.children
        .extend(second.doc.children.iter().map(|&c| map(c)));
    doc.nodes.reserve(second.doc.nodes.len());
    doc.nodes
        .extend(second.doc.nodes[1..].iter().map(|node| Node {
            span: node.span,
            parent: map(node.parent),
            key: map(node.key),
            kind: match node.kind {
                Kind::Scalar {
                    start,
                    len,
                    plain,
                    typed,
                } => Kind::Scalar {
                    start: start + scalars,
                    len,
                    plain,
                    typed,
                },
                Kind::Sequence { start, len } => Kind::Sequence {
                    start: start + children,
                    len,
                },
                Kind::Mapping { start, len } => Kind::Mapping {
                    start: start + children,
                    len,
                },
                Kind::Alias { target } => Kind::Alias {
                    target: map(target),
                },
            },
        }));
    // A stack named in both pieces is a duplicate key, which the one-thread parse reports.
    let names = &second.doc;
    let repeated = (names.nodes.iter().skip(1))
        .filter(|node| node.parent == 0)
        .filter_map(|node| names.scalar_text(node.key))
        .any(|name| doc.lookup(stacks, name).is_some());
    if repeated {
        return None;
    }
    doc.grafted = Some(Box::new(Grafted {
        index: std::mem::take(&mut second.doc.index),
        hasher: std::mem::take(&mut second.doc.hasher),
        offset,
        stacks,
    }));
    let tail = &second.stack[0];
    first
        .pending
        .extend(second.pending[tail.first_child..].iter().map(|&c| map(c)));
    let frame = &mut first.stack[1];
    frame.size = frame.size.saturating_add(tail.size - 1);
    frame.height = frame.height.max(tail.height);
    first.copied = first.copied.saturating_add(second.copied);
    if first.copied > MAX_ALIAS_NODES {
        return None;
    }
    (first.credential_nodes)
        .extend((second.credential_nodes.iter()).map(|&(node, kind)| (map(node), kind)));
    Some(first)
}

// The benchmarks' generator, for a test spec of the size the two-piece reading is for.
#[cfg(test)]
#[path = "../../../examples/synth.rs"]
#[allow(dead_code)]
mod synth;

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// Everything a reader of the tree can see, in a form two trees can be compared by: the
    /// nodes, the arenas, what was found, and every value's lookup by its key.
    fn observable(doc: &Document) -> String {
        let mut out = format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n",
            doc.nodes,
            doc.children,
            doc.scalars,
            doc.findings,
            doc.credentials,
            doc.sensitive,
            doc.sensitive_blocks
        );
        for (id, node) in doc.nodes.iter().enumerate() {
            if let Some(name) = doc.scalar_text(node.key) {
                let found = doc.lookup(node.parent, name);
                let _ = writeln!(out, "{id} {name} {found:?}");
            }
        }
        out
    }

    fn serial(source: &str) -> Document {
        Document::parse_whole(source).unwrap()
    }

    /// A spec of `n` stacks with the shapes a real one has: nested mappings, sequences,
    /// block and quoted scalars, comments, anchors used within a stack, secrets.
    fn spec(n: usize) -> String {
        let mut text = String::from(
            "# the platform\nplatform:\n  name: demo\n  output: generated\ntraefik:\n  version: \"3.7\"\nstacks:\n",
        );
        for i in 0..n {
            let _ = write!(
                text,
                "  app{i}:\n    # a comment\n    description: |\n      Stack {i}\n      second line\n    services:\n      web:\n        image: &img \"nginx:1.{i}\"\n        command: [\"a\", 'b c']\n        ports:\n          - 80\n        again: *img\n    variables:\n      TOKEN:\n        secret: true\n        example: change-me\n#  a comment at the first column\n\n"
            );
        }
        text
    }

    #[test]
    fn two_pieces_give_the_tree_of_one() {
        for n in [2, 3, 10, 101] {
            let text = spec(n);
            let cut = cut(&text).expect("a cut");
            assert!(text[cut.byte..].starts_with("  app"), "{n}");
            let pieces = split(&text).expect("read in two pieces");
            assert_eq!(
                observable(&pieces),
                observable(&serial(&text)),
                "{n} stacks"
            );
        }
    }

    #[test]
    fn a_synthetic_platform_above_the_threshold_reads_the_same_in_two_pieces() {
        let (text, _) = synth::platform_yaml(1_000, synth::default_hosts(1_000));
        assert!(text.len() >= MIN_SPLIT_BYTES, "{} bytes", text.len());
        let pieces = split(&text).expect("read in two pieces");
        assert_eq!(observable(&pieces), observable(&serial(&text)));
    }

    #[test]
    fn the_repository_platform_reads_the_same_in_two_pieces() {
        let text = include_str!("../../../platform.yaml");
        let whole = serial(text);
        match split(text) {
            Some(pieces) => assert_eq!(observable(&pieces), observable(&whole)),
            // Its `stacks` is not the last top-level key: nothing to compare.
            None => assert!(cut(text).is_none()),
        }
    }

    #[test]
    fn the_credentials_of_the_second_piece_keep_their_paths() {
        let mut text = spec(10);
        text.push_str("  late:\n    token: ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
        let pieces = split(&text).expect("read in two pieces");
        let whole = serial(&text);
        assert!(!whole.credentials.is_empty());
        assert_eq!(observable(&pieces), observable(&whole));
    }

    #[test]
    fn gives_up_where_the_one_thread_parse_must_decide() {
        let base = spec(10);
        let cases = [
            // A top-level key after `stacks`.
            format!("{base}traefik_extra: 1\n"),
            // A stack name written on both sides of the cut.
            format!("{base}  app0:\n    image: x\n"),
            // An alias in the second piece to an anchor of the first.
            base.replace("platform:\n  name: demo", "platform:\n  name: &n demo")
                + "  late:\n    name: *n\n",
            // A quoted scalar that spans the cut.
            {
                let cut = cut(&base).unwrap().byte;
                format!("{}    note: \"open\n{}\"\n", &base[..cut], &base[cut..])
            },
            // A second document.
            format!("{base}---\nb: 1\n"),
            // A duplicate key inside the second piece: a finding, decided by the whole.
            format!("{base}  late:\n    image: a\n    image: b\n"),
        ];
        for (i, text) in cases.iter().enumerate() {
            assert!(split(text).is_none(), "case {i} was read in pieces");
            // And the caller's one-thread parse is what the user sees either way.
            let whole = Document::parse_whole(text).map(|d| observable(&d));
            let parsed = Document::parse(text).map(|d| observable(&d));
            assert_eq!(format!("{whole:?}"), format!("{parsed:?}"), "case {i}");
        }
    }

    /// Lines a stack entry may hold, the awkward ones among them: what spans lines (quoted
    /// scalars, flow collections, block scalars), anchors and aliases, comments at any
    /// column, tags, repeated names, complex keys, blank lines and CRLF.
    const FRAGMENTS: &[&str] = &[
        // Read in two pieces when nothing else in the text stops it.
        "    image: nginx\n",
        "    note: \"two\n      lines\"\n",
        "    note2: 'single\n\n      quoted'\n",
        "    list: [a,\n      b]\n",
        "    text: |\n      block\n\n      more\n",
        "    text2: >-\n        folded\n",
        "    text3: |+\n      kept\n\n",
        "# first column\n",
        "  # the entries' column\n",
        "\n",
        "    tagged: !!str 5\n",
        "    secret: true\n    example: hunter2\n",
        "    token: ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
        "    crlf: x\r\n",
        "    empty:\n",
        "    seq:\n      - x\n      -\n",
        "    flow: []\n",
        "    quoted: \"\"\n",
        "    anchored: &b {x: 1}\n    aliased: *b\n",
        // What makes one piece or the other give up, or the whole text invalid.
        "    map: {a: 1,\n  b: 2}\n",
        "    aliased: *a\n",
        "    odd: !custom x\n",
        "    ? complex\n    : key\n",
        "    image: twice\n",
        "  - item\n",
        "top: level\n",
        "    plain: words\n  continued\n",
        "    \tindented: by a tab\n",
    ];

    /// How many of [`FRAGMENTS`] come first and read in two pieces.
    const EASY: usize = 19;

    proptest::proptest! {
        /// Whatever the text, a tree read in two pieces is the tree of the one-thread parse,
        /// which must then succeed too: the pieces only ever give up, never differ.
        #[test]
        fn two_pieces_never_differ_from_one(
            entries in proptest::collection::vec(
                (
                    "[a-c]{1,2}",
                    // Mostly lines that read in pieces, so that most cases are compared.
                    proptest::collection::vec(
                        proptest::prop_oneof![12 => 0..EASY, 1 => EASY..FRAGMENTS.len()],
                        0..5,
                    ),
                ),
                1..12,
            ),
        ) {
            let mut text = String::from("platform:\n  name: &a demo\nstacks:\n");
            for (i, (name, lines)) in entries.iter().enumerate() {
                // A name or key written twice is a finding, which the pieces leave to the
                // one-thread parse: mostly distinct ones, so that most cases are compared.
                let name = if i % 5 == 4 { name.clone() } else { format!("{name}{i}") };
                let _ = writeln!(text, "  {name}:");
                let mut used = Vec::new();
                for &line in lines {
                    if !used.contains(&line) {
                        used.push(line);
                        text.push_str(FRAGMENTS[line]);
                    }
                }
            }
            if let Some(pieces) = split(&text) {
                let whole = Document::parse_whole(&text);
                proptest::prop_assert!(whole.is_ok(), "one thread refuses what two read: {text:?}");
                proptest::prop_assert_eq!(observable(&pieces), observable(&whole.unwrap()), "{:?}", text);
            }
        }
    }

    #[test]
    fn no_cut_without_a_block_stacks_mapping_last() {
        assert_eq!(cut("stacks: {a: 1}\n"), None);
        assert_eq!(cut("stacks:\n  a: 1\nplatform: {}\n"), None);
        assert_eq!(cut("stacks: &s\n  a: 1\n  b: 2\n"), None);
        assert_eq!(cut("platform:\n  stacks:\n    a: 1\n    b: 2\n"), None);
        assert!(cut("stacks:  # the stacks\n  a: 1\n  b: 2\n").is_some());
        assert!(cut("stacks:\n  a: 1\n  b: 2\n").is_some());
    }
}
