//! Signals while the output tree is written. SIGINT and SIGTERM (Ctrl-C, `timeout`, a
//! cancelled CI job) only set a flag, which the writer checks between files: the run then
//! stops at a file boundary, its temporary file and the lock are removed, and it exits with
//! 128 + the signal (130, 143). A second signal of either kind ends the process at once, for
//! a run stuck somewhere no flag is checked; what it leaves, the next `gen` removes.
//! SIGXFSZ gets a handler too, so a write past the file-size limit (`ulimit -f`) fails with
//! EFBIG and is reported, instead of the signal's default of killing the process.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};

static CAUGHT: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicUsize = AtomicUsize::new(0);
static FILE_TOO_LARGE: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// Installs the handlers; later calls do nothing. A handler that cannot be installed leaves
/// that signal's default, which is how seisei behaved before.
pub fn install() {
    INSTALL.call_once(|| {
        for signal in [SIGINT, SIGTERM] {
            // Registered first, so it runs before the flag below is set: it ends the process
            // only when an earlier signal already set it.
            let _ = signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, &CAUGHT);
            let _ = signal_hook::flag::register_usize(
                signal,
                &SIGNAL,
                usize::try_from(signal).unwrap_or(0),
            );
            let _ = signal_hook::flag::register(signal, &CAUGHT);
        }
        let _ = signal_hook::flag::register(SIGXFSZ, &FILE_TOO_LARGE);
    });
}

/// The signal that asked the run to stop, if one did.
pub fn caught() -> Option<Stop> {
    if !CAUGHT.load(Ordering::SeqCst) {
        return None;
    }
    let signal = i32::try_from(SIGNAL.load(Ordering::SeqCst)).unwrap_or(SIGTERM);
    Some(Stop { signal })
}

/// Fails with [`std::io::ErrorKind::Interrupted`] once a signal was caught: the check made
/// before every file operation.
pub fn check() -> std::io::Result<()> {
    match caught() {
        Some(stop) => Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            format!("interrupted by {}", stop.name()),
        )),
        None => Ok(()),
    }
}

/// A stop request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub signal: i32,
}

impl Stop {
    pub fn name(self) -> &'static str {
        if self.signal == SIGINT {
            "SIGINT"
        } else {
            "SIGTERM"
        }
    }

    /// The shell's convention: 128 + the signal number.
    pub fn exit_code(self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(143)
    }
}
