//! Where secret values are written: the `example` and `default` of every mapping that says
//! `secret: true`, recorded while the document is built so that diagnostics quoting those
//! lines can mask them.

use super::{Builder, Kind, NONE, narrow};

impl Builder {
    /// Records where secrets are written: the `example` and `default` values of each
    /// mapping that says `secret: true` (through an alias, the anchored value too).
    pub(super) fn find_secret_values(&mut self) {
        let doc = &self.doc;
        let mut found = Vec::new();
        for (id, node) in doc.nodes.iter().enumerate() {
            if node.key == NONE || !matches!(doc.scalar_text(node.key), Some("example" | "default"))
            {
                continue;
            }
            let secret = doc.lookup(node.parent, "secret").is_some_and(|flag| {
                matches!(
                    doc.kind(doc.resolve(flag)),
                    Kind::Scalar { plain: true, .. }
                ) && doc.scalar_text(doc.resolve(flag)) == Some("true")
            });
            if !secret {
                continue;
            }
            let id = narrow(id);
            found.push(doc.span(id));
            if doc.resolve(id) != id {
                found.push(doc.span(doc.resolve(id)));
            }
        }
        self.doc.sensitive.extend(found);
    }
}
