//! A file's document tree, held while the typed spec is read from it and dropped after it: at
//! 10,000 stacks the tree is 125 MB, and nothing after reading needs it unless a diagnostic is
//! made. A clean spec is read with no tree at all (`spec::stream`). A diagnostic asks for its
//! position and the tree is parsed from the text, once, the same way.

use std::sync::OnceLock;

use super::document::Document;

/// The tree of one file, or nothing until it is asked for again.
#[derive(Debug, Default)]
pub struct Tree(OnceLock<Document>);

impl Tree {
    pub(super) fn new(document: Document) -> Tree {
        Tree(OnceLock::from(document))
    }

    /// Drops the tree; the next [`Tree::get`] parses the text again.
    pub(super) fn release(&mut self) {
        self.0 = OnceLock::new();
    }

    /// The tree of `text`, the text it was first parsed from. That parse succeeded and
    /// parsing is deterministic, so parsing again gives the same tree; were it to fail, the
    /// empty tree only takes the positions off diagnostics.
    pub(super) fn get(&self, text: &str) -> &Document {
        self.0
            .get_or_init(|| Document::parse(text).unwrap_or_default())
    }

    /// Whether the tree is in memory: after [`Tree::release`], only once a diagnostic asked.
    pub(super) fn is_held(&self) -> bool {
        self.0.get().is_some()
    }
}
