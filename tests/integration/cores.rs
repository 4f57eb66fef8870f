//! The same spec gives the same result on one core and on two. At scale seisei reads the
//! document in two pieces, resolves `extends`, builds the model and validates in two fixed
//! halves, each with its own "did you mean" budget, and renders on every core; a spec large
//! enough for all of that, with mistakes in both halves, is run here as it is and pinned to
//! one core (`taskset`, which `available_parallelism` honours), and the two answers compared.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::kill_loop::synth_spec;
use crate::output_world::snapshot;

/// Past the size at which the document is read in two pieces (1 MiB), so every stage that
/// splits its work splits it.
const STACKS: usize = 700;

/// `seisei ARGS` in `dir`, on one core when `one_core`.
fn run(dir: &Path, args: &[&str], one_core: bool) -> Output {
    let mut command = if one_core {
        let mut taskset = Command::new("taskset");
        taskset.args(["--cpu-list", "0", env!("CARGO_BIN_EXE_seisei")]);
        taskset
    } else {
        Command::new(env!("CARGO_BIN_EXE_seisei"))
    };
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SEISEI_SPEC")
        .env("NO_COLOR", "1")
        .output()
        .expect("run seisei (and taskset, from util-linux)")
}

/// Without a second core both runs take the one-thread path and compare nothing.
fn assert_two_cores() {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    assert!(
        cores > 1,
        "this test compares one core with several and needs a machine with two or more"
    );
}

/// `text` with the first `from` after byte `after` replaced by `to`.
fn replace_after(text: &str, after: usize, from: &str, to: &str) -> String {
    let at = after
        + text[after..]
            .find(from)
            .unwrap_or_else(|| panic!("`{from}` in the spec"));
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

/// `seisei validate` of `spec` on two cores and on one: the stderr, after checking that both
/// runs failed alike.
fn validate_on_both(spec: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("platform.yaml"), spec).unwrap();
    let two = run(dir.path(), &["validate"], false);
    let one = run(dir.path(), &["validate"], true);
    let stderr = String::from_utf8(two.stderr).unwrap();
    assert_eq!(two.status.code(), Some(2), "{stderr}");
    assert_eq!(one.status.code(), two.status.code());
    assert_eq!(String::from_utf8(one.stderr).unwrap(), stderr);
    stderr
}

fn assert_found(stderr: &str, expected: &[(&str, usize)]) {
    for (text, times) in expected {
        assert_eq!(
            stderr.matches(text).count(),
            *times,
            "`{text}` in:\n{stderr}"
        );
    }
}

#[test]
fn shape_mistakes_in_both_pieces_read_the_same_on_one_core_and_two() {
    assert_two_cores();
    let (spec, _) = synth_spec(STACKS);
    assert!(spec.len() > 1 << 20, "the spec is read in two pieces");
    let spec = spec.replacen("\n    purpose: ", "\n    purpse: ", 1);
    let spec = replace_after(
        &spec,
        spec.len() * 3 / 4,
        "\n    purpose: ",
        "\n    purpse: ",
    );
    let stderr = validate_on_both(&spec);
    assert_found(
        &stderr,
        &[
            ("unknown field `purpse`", 2),
            ("did you mean `purpose`?", 2),
        ],
    );
}

#[test]
fn model_mistakes_in_both_halves_read_the_same_on_one_core_and_two() {
    assert_two_cores();
    let (spec, _) = synth_spec(STACKS);
    let late = spec.len() * 3 / 4;
    // `extends` and a reference, each wrong in the first half of the stacks and in the last.
    let spec = spec.replacen(
        "    extends:\n      stack: ",
        "    extends:\n      stack: x",
        1,
    );
    let spec = replace_after(
        &spec,
        late,
        "      services: [app]\n",
        "      services: [app, ap]\n",
    );
    let spec = spec.replacen(
        "        depends_on: [db]\n",
        "        depends_on: [dbx]\n",
        1,
    );
    let spec = replace_after(
        &spec,
        late,
        "        depends_on: [db]\n",
        "        depends_on: [dbx]\n",
    );
    let stderr = validate_on_both(&spec);
    // Each mistake was found once, with its suggestion. (Diagnostics are sorted by place
    // before printing, so this compares what was found and where, not the order the halves
    // finished in; `generated_files_...` below catches a mixed-up order.)
    assert_found(
        &stderr,
        &[
            ("extends unknown stack `x", 1),
            ("has no service `ap` to inherit", 1),
            ("did you mean `app`?", 1),
            ("`dbx`", 2),
        ],
    );
}

#[test]
fn generated_files_are_the_same_on_one_core_and_two() {
    assert_two_cores();
    let (spec, _) = synth_spec(STACKS);
    let trees = [false, true].map(|one_core| {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("platform.yaml"), &spec).unwrap();
        let out = run(dir.path(), &["gen"], one_core);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let checked = run(dir.path(), &["check"], !one_core);
        assert_eq!(
            checked.status.code(),
            Some(0),
            "check on the other core count"
        );
        snapshot(dir.path())
    });
    assert!(trees[0].len() > STACKS, "a file per stack at least");
    assert!(trees[0] == trees[1], "the trees differ");
}
