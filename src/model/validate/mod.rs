//! Checks that need the whole platform: names, references, collisions, variables and
//! routing. Every check appends to its group's list, and the lists are joined, so a run
//! reports every problem at once.

mod collisions;
mod compose_objects;
mod crosschecks;
mod edge;
mod escape_hatch;
mod fields;
mod l4;
mod l4_conflicts;
mod middleware;
mod names;
mod networks;
mod placeholder;
mod routes;
mod services;
mod stack;
mod storage;
mod swarm;
mod swarm_objects;
mod tls;
mod tls_files;
mod traefik;
mod variables;
mod variants;

use super::extends::Resolved;
use super::{Model, locate, locate_related};
use crate::diagnostics::{Code, Diagnostic, Related};
use crate::spec::Source;

pub use escape_hatch::is_service_key;
pub use names::{folder_problem, name_problem};
pub use stack::is_generated_service_key;
pub(crate) use stack::strings_in;
pub(crate) use variables::variables_in;

/// Runs every check. At scale the checks run in two fixed groups, on two threads when there
/// are two cores: the split is the same whatever the machine, so the output is too.
///
/// - The groups are a prefix and a suffix of one fixed order, each collecting into its own
///   list, and the second list is appended to the first: the diagnostics come in the order a
///   single pass would push them, before the sort.
/// - "Did you mean" spends a per-thread budget ([`crate::diagnostics::SUGGESTION_CELLS`]);
///   each group starts with the whole of it, on whichever thread runs it, so a suggestion
///   never depends on what the other group spent or on the number of cores. Nothing after
///   validation suggests, so the calling thread's budget needs no restoring.
/// - With one core, or under [`MIN_PARALLEL`](crate::parallel::MIN_PARALLEL) stacks, both
///   groups run on the calling thread, one after the other.
///
/// At 10,000 stacks the groups take about as long: 200 and 209 profile samples of `check`
/// (`BENCHMARKS.md`, eleventh pass; 114 and 295 before the services' checks moved).
pub fn platform(
    source: &Source,
    resolved: &Resolved<'_>,
    model: &Model,
    problems: &mut Vec<Diagnostic>,
) {
    let (first, second) = crate::parallel::join(
        crate::parallel::spread(resolved.stacks.len()),
        || definitions(source, resolved, model),
        || platform_wide(source, resolved, model),
    );
    problems.extend(first);
    problems.extend(second);
}

/// The Traefik and edge settings, the names, every stack on its own, shared variables,
/// collisions and the services' routes.
fn definitions(source: &Source, resolved: &Resolved<'_>, model: &Model) -> Vec<Diagnostic> {
    group(source, resolved, |check| {
        check.traefik(model);
        check.middlewares(model);
        check.edge(model);
        check.platform_paths();
        check.names();
        for (name, stack) in &resolved.stacks {
            check.stack(name, stack);
            check.placeholder_purpose(name, stack);
            check.service_fields(name, stack);
            check.escape_hatch(name, stack);
            check.compose_objects(name, stack);
            check.storage(name, stack);
            check.variants(name, stack);
            check.volume_drivers(name, stack);
        }
        check.shared_variables();
        check.collisions(model);
        // Last of this group, so the two lists joined keep the order of one pass: it was
        // the first check of the other group, whose routing analysis alone takes longer than
        // this group without it (at 10,000 stacks, 143 and 86 against 114 samples).
        check.services(model);
    })
}

/// What needs the whole routing table and every stack at once: routing, networks, volumes,
/// Swarm and the output paths.
fn platform_wide(source: &Source, resolved: &Resolved<'_>, model: &Model) -> Vec<Diagnostic> {
    group(source, resolved, |check| {
        check.l4_routes(model);
        check.tcp_routing_table(model);
        check.tls_files(model);
        check.shared_networks(model);
        check.shared_volumes(model);
        check.address_plans(model);
        check.cross_checks(model);
        check.credentials();
        check.routing_table(model);
        check.published_databases(model);
        check.swarm(model);
        super::output_paths::check(source, resolved, model, check.problems);
    })
}

/// One group of checks, with the whole suggestion budget and a list of its own.
fn group(
    source: &Source,
    resolved: &Resolved<'_>,
    checks: impl FnOnce(&mut Checker<'_>),
) -> Vec<Diagnostic> {
    crate::diagnostics::reset_suggestion_budget();
    let mut problems = Vec::new();
    checks(&mut Checker {
        source,
        resolved,
        problems: &mut problems,
    });
    problems
}

struct Checker<'a> {
    source: &'a Source,
    resolved: &'a Resolved<'a>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    pub(super) fn push(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    pub(super) fn at(
        &self,
        stack: &str,
        segments: &[&str],
        code: Code,
        message: String,
    ) -> Diagnostic {
        locate(self.source, self.resolved, stack, segments, code, message)
    }

    /// The second place of a diagnostic, found like [`Checker::at`] finds the first.
    pub(super) fn related(&self, stack: &str, segments: &[&str], label: String) -> Option<Related> {
        locate_related(self.source, self.resolved, stack, segments, label)
    }

    /// The path of the value at `segments` in the stack of the `extends` chain that wrote it.
    pub(super) fn owner(&self, stack: &str, segments: &[&str]) -> Vec<String> {
        let mut path: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
        for owner in self.resolved.chains.get(stack).into_iter().flatten() {
            path[1].clone_from(owner);
            let view: Vec<&str> = path.iter().map(String::as_str).collect();
            if self.source.has(&view) {
                return path;
            }
        }
        segments.iter().map(|s| (*s).to_owned()).collect()
    }
}

pub(super) fn seg(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

pub(super) fn child<'a>(path: &[&'a str], rest: &'a str) -> Vec<&'a str> {
    path.iter().copied().chain(std::iter::once(rest)).collect()
}

#[cfg(test)]
mod tests {
    use super::names::name_problem;
    use super::variables::variables_in;

    #[test]
    fn finds_variables_with_compose_rules() {
        assert_eq!(
            variables_in("a ${A} $B $$C ${D:-x} ${E:?need ${F}}").unwrap(),
            ["A", "B", "D", "F", "E"]
        );
        assert!(variables_in("${A").is_err());
        assert!(variables_in("${A/x/y}").is_err());
        assert!(variables_in("cost: 5$ ").is_err());
        assert_eq!(variables_in("cost: 5$$").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn names_follow_compose_rules() {
        assert!(name_problem("odoo18-prod").is_none());
        assert!(name_problem("../x").is_some());
        assert!(name_problem("Odoo").is_some());
        assert!(name_problem(".hidden").is_some());
        assert!(name_problem(&"a".repeat(64)).is_some());
    }
}
