//! Fuzz target: bytes as `platform.yaml` through load, model and render (see the harness in
//! `src/lib.rs`). Under cargo-fuzz (`--cfg fuzzing`) libFuzzer drives it; built any other
//! way it is a program that replays files or directories of inputs and reports each panic
//! and each slow input, so the corpus can be checked on stable.

#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| seisei_fuzz::run(bytes));

#[cfg(not(fuzzing))]
fn main() -> std::process::ExitCode {
    replay::main()
}

#[cfg(not(fuzzing))]
mod replay {
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::{Duration, Instant};

    /// An input slower than this counts as a hang, as libFuzzer's `-timeout` would.
    const SLOW: Duration = Duration::from_secs(10);

    pub fn main() -> ExitCode {
        let mut verbose = false;
        let mut roots = Vec::new();
        for arg in std::env::args_os().skip(1) {
            if arg == "-v" || arg == "--verbose" {
                verbose = true;
            } else {
                roots.push(PathBuf::from(arg));
            }
        }
        if roots.is_empty() {
            eprintln!(
                "usage: spec_pipeline [-v] FILE_OR_DIRECTORY...\n\
                 replays each file as platform.yaml; -v names each input before it runs, \
                 which shows the culprit when one aborts the process"
            );
            return ExitCode::from(2);
        }
        let mut inputs = Vec::new();
        for root in &roots {
            collect(root, &mut inputs);
        }
        inputs.sort();
        // The harness's panics are reported per input, not as a crash of the replay.
        std::panic::set_hook(Box::new(|_| {}));
        let mut failures = Vec::new();
        let mut slowest = (Duration::ZERO, PathBuf::new());
        for input in &inputs {
            if verbose {
                eprintln!("{}", input.display());
            }
            let Ok(bytes) = std::fs::read(input) else {
                failures.push(format!("{}: unreadable", input.display()));
                continue;
            };
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(|| seisei_fuzz::run(&bytes));
            let elapsed = started.elapsed();
            if let Err(payload) = outcome {
                let message = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                failures.push(format!("{}: panicked: {message}", input.display()));
            }
            if elapsed > SLOW {
                failures.push(format!("{}: took {elapsed:.1?}", input.display()));
            }
            if elapsed > slowest.0 {
                slowest = (elapsed, input.clone());
            }
        }
        println!(
            "{} inputs replayed, {} problem(s); slowest {:.1?} ({})",
            inputs.len(),
            failures.len(),
            slowest.0,
            slowest.1.display()
        );
        for failure in &failures {
            println!("  {failure}");
        }
        if failures.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }

    /// Every file under `path`, or `path` itself.
    fn collect(path: &Path, out: &mut Vec<PathBuf>) {
        match std::fs::read_dir(path) {
            Ok(entries) => {
                for entry in entries.filter_map(Result::ok) {
                    collect(&entry.path(), out);
                }
            }
            Err(_) => out.push(path.to_path_buf()),
        }
    }
}
