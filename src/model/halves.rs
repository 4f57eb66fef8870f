//! Two fixed halves of the model's work, on two threads when the machine has two cores and
//! the platform is large. Input: two closures, or a slice and what to do with a part of it;
//! output: both results, in order, the same whatever the number of cores.
//!
//! The split never depends on the machine: a slice is cut in the middle, validation in two
//! fixed groups (`validate::platform`). With one core, or under [`MIN_PARALLEL`] stacks, both
//! halves run on the calling thread, one after the other, and give the same bytes.
//!
//! `model` may not import the crate's `parallel` module (ARCHITECTURE.md and the layer table
//! of `tests/integration/architecture.rs`), hence these few lines of `std::thread::scope`.

use std::num::NonZeroUsize;
use std::thread;

/// Below this many stacks the model is built and checked on the calling thread, where
/// starting a thread would cost more than it saves (the same threshold as `parallel.rs`).
pub const MIN_PARALLEL: usize = 256;

/// Whether work over `stacks` stacks is worth a second thread: more than one core, and at
/// least [`MIN_PARALLEL`] stacks.
pub fn spread(stacks: usize) -> bool {
    stacks >= MIN_PARALLEL && thread::available_parallelism().map_or(1, NonZeroUsize::get) > 1
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
