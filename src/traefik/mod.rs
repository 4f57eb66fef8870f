//! Traefik knowledge as pure functions, no I/O: the rule grammar ([`rule`]: lexer, parser,
//! leaf checks, lints, evaluation, printer, priorities), routing analysis ([`analysis`]: the
//! tables, the matcher algebra, conflicts and shadowing, explaining one request), and the
//! version rules that change what may be written. Facts follow Traefik v3's source
//! (`pkg/muxer/http/mux.go`, `pkg/muxer/muxer.go`).

pub mod analysis;
pub mod goregex;
pub mod request;
pub mod rule;
mod version;

pub use rule::{RouteMatch, effective_priority, write_rule};
pub use version::Version;

/// A middleware or service reference as Traefik resolves it from a router of `provider`: a
/// name without `@provider` is the declaring provider's.
pub fn qualify(name: &str, provider: &str) -> String {
    if name.contains('@') {
        name.to_owned()
    } else {
        format!("{name}@{provider}")
    }
}
