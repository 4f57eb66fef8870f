//! Order-preserving parallel map over a slice, with scoped threads: comparing the generated
//! files with the tree on disk is independent per file, and a platform team's
//! laptop or CI runner has more than one core. Small inputs stay on the calling thread,
//! where starting threads would cost more than it saves.

use std::num::NonZeroUsize;
use std::thread;

/// Below this many items, work stays on the calling thread.
const MIN_PARALLEL: usize = 256;

/// `items.iter().map(f).collect()`, computed on up to one thread per core, with a scratch
/// state per thread made by `init` (a cache, a buffer). The results are in the order of
/// `items` whatever thread computed them.
pub fn map_with<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let threads = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    if threads < 2 || items.len() < MIN_PARALLEL {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let (f, init) = (&f, &init);
    thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut state = init();
                    part.iter()
                        .map(|item| f(&mut state, item))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(results) => results,
                // A panic in a worker is a bug; let it surface as it would have inline.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_input() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = super::map_with(&items, || 2, |factor, n| n * *factor);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(super::map_with(&[] as &[u32], || (), |(), n| *n).is_empty());
    }
}
