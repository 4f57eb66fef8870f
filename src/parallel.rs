//! Work shared over the cores with scoped threads, results in input order: a map over a
//! slice whose items the threads take a batch at a time (rendering files and comparing them
//! with the tree), and two fixed halves (`join`, `map_halves`) for work whose result must not
//! depend on the number of cores (the model and its validation, which reset the "did you
//! mean" budget per half). Small inputs stay on the calling thread, where starting threads
//! would cost more than it saves.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Below this many items, work stays on the calling thread.
const MIN_PARALLEL: usize = 256;

/// `items.iter().map(f).collect()`, computed on up to one thread per core, with a scratch
/// state per thread made by `init` (a cache, a buffer). The results are in the order of
/// `items` whatever thread computed them.
///
/// The threads take the items a batch at a time, as each finishes its last, instead of a
/// fixed share each: the items are not alike (the inventory of 10,000 stacks takes as long
/// as a few thousand Compose files), and with fixed halves one core sat idle for the last
/// 120 ms of `check`'s 330 ms comparison. `f` must not depend on what `state` saw before,
/// only use it to save work, so the result is the same on any number of cores.
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
    let next = AtomicUsize::new(0);
    // One thread's share: (index, result) pairs, in the order it took them.
    let work = || {
        let mut state = init();
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            if start >= items.len() {
                return done;
            }
            let batch = &items[start..items.len().min(start + BATCH)];
            done.extend((start..).zip(batch.iter().map(|item| f(&mut state, item))));
        }
    };
    let shares = thread::scope(|scope| {
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut shares = vec![work()];
        for worker in workers {
            match worker.join() {
                Ok(share) => shares.push(share),
                // A panic in a worker is a bug; let it surface as it would have inline.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        shares
    });
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (index, result) in shares.into_iter().flatten() {
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.expect("every item is taken by exactly one thread"))
        .collect()
}

/// Items a thread takes at once in [`map_with`]: enough that taking them costs nothing next
/// to rendering them, few enough that the threads end together.
const BATCH: usize = 16;

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

    /// However the threads share the items out, each is mapped once and lands in its place;
    /// the items here differ in cost by a factor of a thousand, as the files of `check` do.
    #[test]
    fn takes_every_item_once_whatever_its_cost() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let items: Vec<u64> = (0..5_000).collect();
        let calls = AtomicUsize::new(0);
        let states = AtomicUsize::new(0);
        let cost = |n: u64| if n.is_multiple_of(997) { 100_000 } else { 100 };
        let results = super::map_with(
            &items,
            || states.fetch_add(1, Ordering::Relaxed),
            |_, &n| {
                calls.fetch_add(1, Ordering::Relaxed);
                (0..cost(n)).for_each(|i| {
                    std::hint::black_box(i);
                });
                n
            },
        );
        assert_eq!(results, items);
        assert_eq!(calls.into_inner(), items.len());
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        assert!((1..=threads).contains(&states.into_inner()));
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
