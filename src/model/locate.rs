//! Where a value of a stack is written: the stack itself, or the one of its `extends` chain
//! that actually wrote it, as the place of a diagnostic or its second place.

use super::extends;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::spec::Source;

/// See [`Builder::locate`].
pub(crate) fn locate(
    source: &Source,
    resolved: &extends::Resolved<'_>,
    stack: &str,
    segments: &[&str],
    code: Code,
    message: String,
) -> Diagnostic {
    if let Some(chain) = resolved.chains.get(stack) {
        for owner in chain {
            let mut path: Vec<&str> = segments.to_vec();
            if path.len() > 1 && path[0] == "stacks" {
                path[1] = owner;
            }
            if source.has(&path) {
                return source.at(code, &path, message);
            }
        }
    }
    source.at(code, segments, message)
}

/// The place [`locate`] would point at, as the second place of another diagnostic.
pub(crate) fn locate_related(
    source: &Source,
    resolved: &extends::Resolved<'_>,
    stack: &str,
    segments: &[&str],
    label: String,
) -> Option<diagnostics::Related> {
    if let Some(chain) = resolved.chains.get(stack) {
        for owner in chain {
            let mut path: Vec<&str> = segments.to_vec();
            if path.len() > 1 && path[0] == "stacks" {
                path[1] = owner;
            }
            if source.has(&path) {
                return source.related_at(&path, label);
            }
        }
    }
    source.related_at(segments, label)
}
