//! Unit tests of routing analysis: shared builders, then one file per concern.

use super::algebra::{Term, emulated_wildcard, expand};
use super::table::normalize_name;
use super::*;
use crate::traefik::rule::{self, Kind};

const V37: Version = Version { major: 3, minor: 7 };
const V36: Version = Version { major: 3, minor: 6 };

/// A router; the provider is the part of the name after `@`, and priority 0 means the
/// rule's length, as in Traefik.
fn router(
    name: &str,
    rule: &str,
    priority: i64,
    entrypoints: &[&str],
    tls: bool,
) -> OwnedRouterInput {
    let provider = name
        .rsplit_once('@')
        .map_or("file", |(_, provider)| provider);
    OwnedRouterInput {
        name: name.to_owned(),
        rule: rule.to_owned(),
        priority: if priority == 0 {
            rule::default_priority(rule, Kind::Http)
        } else {
            priority
        },
        entrypoints: entrypoints.iter().map(|&e| e.to_owned()).collect(),
        tls,
        provider: provider.to_owned(),
    }
}

/// The analysis of `routers`. Every test that runs one also holds [`findings`], what
/// validation calls, to the same findings.
fn run(routers: &[OwnedRouterInput], version: Version) -> Analysis {
    let inputs: Vec<RouterInput<'_>> = routers.iter().map(OwnedRouterInput::as_input).collect();
    let analysis = analyze(&inputs, version);
    assert_eq!(findings(&inputs, version), analysis.findings);
    analysis
}

fn edge() -> Vec<OwnedRouterInput> {
    internal_routers(
        &[
            ("web".to_owned(), Some("websecure".to_owned()), false),
            ("websecure".to_owned(), None, true),
        ],
        &["web".to_owned()],
    )
}

fn request(tls: bool, host: &str, path: &str) -> RequestInput {
    RequestInput {
        scheme_tls: tls,
        entrypoint: None,
        host: host.to_owned(),
        path: path.to_owned(),
        method: "GET".to_owned(),
        ..RequestInput::default()
    }
}

fn route(
    routers: &[OwnedRouterInput],
    request: &RequestInput,
    entrypoint: &str,
    version: Version,
) -> Verdict {
    let inputs: Vec<RouterInput<'_>> = routers.iter().map(OwnedRouterInput::as_input).collect();
    let mut explanation = explain(&inputs, request, &[entrypoint.to_owned()], version);
    assert_eq!(explanation.verdicts.len(), 1);
    explanation.verdicts.remove(0)
}

fn terms(rule: &str, version: Version) -> Vec<Term> {
    expand(&rule::parse(rule, Kind::Http).unwrap(), false, version).unwrap()
}

fn shadowed(router: &str, by: &str, entrypoint: &str, tls: bool) -> Finding {
    Finding::Shadowed {
        router: router.to_owned(),
        by: by.to_owned(),
        entrypoint: entrypoint.to_owned(),
        tls,
    }
}

mod conflicts;
mod path_index;
mod request;
