//! Transparent huge pages for the runs that gain from them: on when the spec is a mebibyte
//! or more, off otherwise, so a platform of a few stacks does not pay for them.
//!
//! jemalloc is built to ask for huge pages in its regions (`thp:always`, set in
//! `.cargo/config.toml`); the kernel grants them there when
//! `/sys/kernel/mm/transparent_hugepage/enabled` is `always` or `madvise`. Each one costs a
//! 2 MiB clear, and under the kernel's default `defrag` policy a compaction when none is
//! free: 0.7 ms of the Seisei platform's 5.2 ms `check`. At 10,000 stacks they save 88,000 of
//! 94,000 page faults and an eighth of the run, 1.53 to 1.34 s (docs/decisions.md, "Huge
//! pages, for large specs only").

use std::path::Path;

/// The spec size from which a run asks for huge pages, the size from which `spec` reads a
/// spec on two cores. A small spec that includes large stack files stays below it, and runs
/// as it would without huge pages.
const LARGE_SPEC: u64 = 1 << 20;

/// Turns huge pages off for the process before the allocator starts, until [`allow_for`]
/// finds the spec large. jemalloc sets itself up in a constructor of its own, before `main`,
/// and touches two of its regions at once; were huge pages still on, each would be a 2 MiB
/// page cleared whole (4 MiB more memory for every small run, and a third of its system
/// time). The numbered constructors run before the unnumbered ones, jemalloc's among them
/// (the order GNU ld and lld both give `.init_array`); 100 is the first number C leaves to
/// programs, and the standard library's 99 only records the arguments. The one unsafe
/// attribute of the crate: a placement the linker honours, with nothing else unsafe about it
/// (docs/decisions.md, "Huge pages, for large specs only").
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static OFF_BEFORE_THE_ALLOCATOR: extern "C" fn() = off;

/// The constructor: one system call, which allocates nothing and cannot panic.
#[cfg(target_os = "linux")]
extern "C" fn off() {
    set(false);
}

/// Turns huge pages on if the spec at `spec` is large; a spec that cannot be read is left
/// to the loader to report.
pub fn allow_for(spec: &Path) {
    if std::fs::metadata(spec).is_ok_and(|m| m.len() >= LARGE_SPEC) {
        set(true);
    }
}

#[cfg(target_os = "linux")]
fn set(on: bool) {
    // `prctl(PR_SET_THP_DISABLE)`, read by the kernel at each page fault. It is inherited by
    // the programs seisei starts (git, for `check --staged`), which only lose huge pages.
    // A kernel that refuses it leaves the setting as it was: a matter of speed, not of output.
    let _ = rustix::thread::disable_transparent_huge_pages(!on);
}

#[cfg(not(target_os = "linux"))]
fn set(_on: bool) {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The test binary carries the same constructor: by the time a test runs, huge pages are
    /// off, and only a large spec turns them on again. Fails if the constructor is dropped,
    /// mis-placed or runs after the allocator's setup without taking effect.
    #[test]
    fn huge_pages_are_off_from_before_main() {
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            Some(true)
        );
    }
}
