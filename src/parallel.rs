//! Work shared over the cores with scoped threads, results in input order: a map over a
//! slice in as many parts as there are cores (comparing generated files with the tree), and
//! two fixed halves (`join`, `map_halves`) for work whose result must not depend on the
//! number of cores (the model and its validation, which reset the "did you mean" budget per
//! half). Small inputs stay on the calling thread, where starting threads would cost more
//! than it saves.

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
    if !spread(items.len()) {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    let threads = thread::available_parallelism().map_or(1, NonZeroUsize::get);
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

/// Whether work over `items` items is worth a second thread: more than one core, and at
/// least [`MIN_PARALLEL`] items.
pub fn spread(items: usize) -> bool {
    items >= MIN_PARALLEL && thread::available_parallelism().map_or(1, NonZeroUsize::get) > 1
}

/// `(a(), b())`, with `b` on a second thread when `parallel`, else one after the other on
/// the calling thread.
pub fn join<RA: Send, RB: Send>(
    parallel: bool,
    a: impl FnOnce() -> RA + Send,
    b: impl FnOnce() -> RB + Send,
) -> (RA, RB) {
    if !parallel {
        let first = a();
        return (first, b());
    }
    thread::scope(|scope| {
        let second = scope.spawn(b);
        let first = a();
        match second.join() {
            Ok(second) => (first, second),
            // A panic in a worker is a bug; let it surface as it would have inline.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// `f` on the first and on the second half of `items`, its results joined in that order:
/// `items.iter().map(g).collect()` when `f` maps each item with `g`.
pub fn map_halves<T: Sync, R: Send>(
    parallel: bool,
    items: &[T],
    f: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let (first, second) = items.split_at(items.len() / 2);
    let (mut results, rest) = join(parallel, || f(first), || f(second));
    results.extend(rest);
    results
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

    #[test]
    fn keeps_the_order_on_one_thread_or_two() {
        let items: Vec<u32> = (0..1_001).collect();
        for parallel in [false, true] {
            let doubled = super::map_halves(parallel, &items, |part| {
                part.iter().map(|n| n * 2).collect()
            });
            assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
            assert!(super::map_halves(parallel, &[] as &[u32], <[u32]>::to_vec).is_empty());
            assert_eq!(super::join(parallel, || 1, || "two"), (1, "two"));
        }
    }
}
