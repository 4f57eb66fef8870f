//! Placeholders left in a spec: the purpose text earlier versions of `seisei new stack`
//! wrote when none was given. Input: one stack; output: an error at its `purpose` until it
//! says what the stack is for, since the inventory and the compose file print it.

use super::Checker;
use crate::diagnostics::Code;

/// The purpose `seisei new stack` wrote before `--purpose` was required.
pub const PLACEHOLDER_PURPOSE: &str = "Describe what this stack is for";

impl Checker<'_> {
    pub(super) fn placeholder_purpose(&mut self, name: &str, stack: &crate::spec::Stack) {
        let Some(purpose) = &stack.purpose else {
            return;
        };
        if purpose.trim().eq_ignore_ascii_case(PLACEHOLDER_PURPOSE) {
            self.push(
                self.at(
                    name,
                    &["stacks", name, "purpose"],
                    Code::InvalidShape,
                    format!("stack `{name}` still has the placeholder purpose `{PLACEHOLDER_PURPOSE}`"),
                )
                .with_help("say in a few words what the stack is for: STACKS.md and the compose file's header print it"),
            );
        }
    }
}
