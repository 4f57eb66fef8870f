//! Compiled patterns kept for the rest of the run: a rule's pattern is compiled by the lints
//! and by the overlap analysis, and routers share patterns, so each is compiled once. Only
//! short patterns without counted repeats are kept, so the cache holds a few kilobytes
//! whatever the spec writes; a `Regex` clone shares its program.

use std::sync::Mutex;

use regex::Regex;

/// Patterns compiled so far in this process, see [`get_or_compile`].
static COMPILED: Mutex<Vec<(String, Result<Regex, String>)>> = Mutex::new(Vec::new());
const MAX_CACHED: usize = 32;
const MAX_CACHED_LEN: usize = 128;

/// The cached result for `pattern`, or `compile(pattern)`, kept when it may be.
pub(super) fn get_or_compile(
    pattern: &str,
    compile: impl FnOnce(&str) -> Result<Regex, String>,
) -> Result<Regex, String> {
    let cacheable = pattern.len() <= MAX_CACHED_LEN && !pattern.contains('{');
    if cacheable
        && let Ok(cache) = COMPILED.lock()
        && let Some((_, hit)) = cache.iter().find(|(p, _)| p == pattern)
    {
        return hit.clone();
    }
    let compiled = compile(pattern);
    if cacheable
        && let Ok(mut cache) = COMPILED.lock()
        && cache.len() < MAX_CACHED
    {
        cache.push((pattern.to_owned(), compiled.clone()));
    }
    compiled
}

#[cfg(test)]
mod tests {
    use super::{COMPILED, MAX_CACHED, MAX_CACHED_LEN};
    use crate::traefik::goregex::{compile, compile_uncached};

    /// The cache gives what compiling gives, refusals included, and keeps only what it
    /// promises to keep. (Other tests of this process fill it too, so what it holds is not
    /// asserted.)
    #[test]
    fn cached_patterns_compile_as_uncached_ones() {
        for pattern in [r"^.+$", r"^[a-z]+\.example\.com$", r"(?P<x", r"a{2}", r"\C"] {
            let fresh = compile_uncached(pattern).map(|re| re.as_str().to_owned());
            for _ in 0..3 {
                assert_eq!(
                    compile(pattern).map(|re| re.as_str().to_owned()),
                    fresh,
                    "{pattern}"
                );
            }
        }
        let cache = COMPILED.lock().unwrap();
        assert!(cache.len() <= MAX_CACHED);
        assert!(
            cache
                .iter()
                .all(|(p, _)| p.len() <= MAX_CACHED_LEN && !p.contains('{'))
        );
    }
}
