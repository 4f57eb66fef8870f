//! `gen` killed with SIGKILL at random moments of a large rewrite: after each kill every
//! file is old or new (or a leftover temporary file), the next `gen` finishes the job and
//! removes the leftovers, and `check` is then clean. 300 stacks and 20 kills here;
//! `benches/kill.sh` runs the same at 2,000 stacks on the release binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::output_world::{Entry, snapshot};

// The benchmarks' generator: the same platforms at every size.
#[path = "../../examples/synth.rs"]
#[allow(dead_code)]
mod synth;

/// The synthetic platform of `stacks` stacks, as text.
pub fn synth_spec(stacks: usize) -> (String, synth::Summary) {
    synth::platform_yaml(stacks, synth::default_hosts(stacks))
}

fn seisei(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The tree `gen` makes of `spec`, in a scratch folder.
fn tree_of(spec: &str) -> BTreeMap<PathBuf, Entry> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), spec).unwrap();
    let (code, stderr) = seisei(dir.path(), &["gen"]);
    assert_eq!(code, Some(0), "{stderr}");
    snapshot(dir.path())
}

#[test]
fn gen_killed_at_twenty_random_moments_leaves_every_file_old_or_new() {
    let specs = [synth_spec(300).0, synth_spec(280).0];
    let trees = [tree_of(&specs[0]), tree_of(&specs[1])];
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    std::fs::write(dir.join("platform.yaml"), &specs[0]).unwrap();
    let started = Instant::now();
    assert_eq!(seisei(dir, &["gen"]).0, Some(0));
    // The kill moments spread over a whole run's length, measured once here.
    let span = started.elapsed().max(Duration::from_millis(50));
    let mut seed = u64::from(std::process::id()) | 1;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut killed_mid_run = 0;
    for round in 0..20 {
        let (from, to) = (round % 2, (round + 1) % 2);
        std::fs::write(dir.join("platform.yaml"), &specs[to]).unwrap();
        let delay = span * u32::try_from(random() % 1000).unwrap() / 1000;
        let mut child = Command::new(env!("CARGO_BIN_EXE_seisei"))
            .arg("gen")
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed_mid_run += 1;
        }
        // Every file is the old spec's, the new spec's, or a temporary file, and `check`
        // names every temporary file: the killed run's lock file tells it to look.
        let (_, report) = seisei(dir, &["check"]);
        for (path, entry) in snapshot(dir) {
            let name = path.to_string_lossy();
            if name == "platform.yaml" || name == ".seisei.lock" {
                continue;
            }
            let old = trees[from].get(&path);
            let new = trees[to].get(&path);
            assert!(
                old == Some(&entry) || new == Some(&entry) || name.contains(".seisei-tmp-"),
                "round {round} (killed after {delay:?}): {name} is neither old nor new"
            );
            if name.contains(".seisei-tmp-") {
                assert!(
                    report.contains(&format!("{name} (leftover temporary file)")),
                    "round {round}: check does not name the leftover {name}: {report}"
                );
            }
        }
        let (code, stderr) = seisei(dir, &["gen"]);
        assert_eq!(
            code,
            Some(0),
            "round {round}: the lock of the killed run does not block: {stderr}"
        );
        let mut now = snapshot(dir);
        now.remove(Path::new("platform.yaml"));
        let mut expected = trees[to].clone();
        expected.remove(Path::new("platform.yaml"));
        assert!(
            now == expected,
            "round {round}: after the next gen the tree is the new spec's, without leftovers: {:?}",
            crate::output_world::changed(&now, &expected)
        );
        let (code, stderr) = seisei(dir, &["check"]);
        assert_eq!(code, Some(0), "round {round}: {stderr}");
    }
    assert!(killed_mid_run > 0, "at least one kill landed during a run");
}
