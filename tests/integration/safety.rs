//! What seisei must never do to a tree: leave a half-written file after a failure, write
//! outside its output directory, overwrite a file it does not own, or let two runs
//! interleave. Failures are injected at every file operation in turn.

use std::fs;
use std::path::Path;
use std::process::Command;

use seisei::output;

fn fixture(dir: &Path, name: &str) {
    let spec = crate::repo_root()
        .join("tests/fixtures")
        .join(name)
        .join("platform.yaml");
    fs::copy(spec, dir.join("platform.yaml")).expect("copy fixture");
}

fn seisei(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read dir").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((relative, fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_failure_at_any_write_leaves_each_file_old_or_new_and_the_next_gen_repairs() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "extends-escape-hatch");
    assert_eq!(seisei(dir.path(), &["gen"]).0, 0);
    let old = files(dir.path());
    // A spec change that rewrites, adds and removes files: every kind of operation.
    let spec = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    let changed = spec
        .replace(
            "purpose: Storefront and API",
            "purpose: Storefront, API and more",
        )
        .split("  shop-staging:")
        .next()
        .unwrap()
        .to_owned()
        + "  blog:\n    purpose: Blog\n    status: testing\n    networks: [edge]\n    services:\n      web:\n        image: ghost:5.96.0\n";
    fs::write(dir.path().join("platform.yaml"), &changed).unwrap();
    let compiled = crate::compile(&dir.path().join("platform.yaml"));
    let fresh = output::plan(&compiled.output_dir, &compiled.artifacts, "platform.yaml").unwrap();
    // Every call of the hook is a moment a run can stop at: before staging each file, before
    // each rename, before each removal and before the manifest. Count them on a copy.
    let operations = {
        let count_dir = tempfile::tempdir().unwrap();
        for (path, bytes) in &old {
            let target = count_dir.path().join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
        fs::write(count_dir.path().join("platform.yaml"), &changed).unwrap();
        let compiled = crate::compile(&count_dir.path().join("platform.yaml"));
        let plan =
            output::plan(&compiled.output_dir, &compiled.artifacts, "platform.yaml").unwrap();
        let mut calls = 0;
        output::write_with(&compiled.output_dir, &plan, false, &mut |_| {
            calls += 1;
            Ok(())
        })
        .unwrap();
        calls
    };
    assert!(operations > fresh.changes.len(), "renames are moments too");
    assert!(
        operations >= 6,
        "the change touches several files ({operations})"
    );
    let pristine = tempfile::tempdir().unwrap();
    for (path, bytes) in &old {
        let target = pristine.path().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
    let new_tree = {
        let scratch = tempfile::tempdir().unwrap();
        fs::write(scratch.path().join("platform.yaml"), &changed).unwrap();
        assert_eq!(seisei(scratch.path(), &["gen"]).0, 0);
        files(scratch.path())
    };
    for fail_at in 0..operations {
        // Start from the old tree each time.
        let work = tempfile::tempdir().unwrap();
        for (path, bytes) in &old {
            let target = work.path().join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
        fs::write(work.path().join("platform.yaml"), &changed).unwrap();
        let compiled = crate::compile(&work.path().join("platform.yaml"));
        let plan =
            output::plan(&compiled.output_dir, &compiled.artifacts, "platform.yaml").unwrap();
        let mut count = 0;
        let result = output::write_with(&compiled.output_dir, &plan, false, &mut |_| {
            count += 1;
            if count > fail_at {
                Err(std::io::Error::other("injected failure"))
            } else {
                Ok(())
            }
        });
        assert!(result.is_err(), "failure {fail_at} was injected");
        for (path, bytes) in files(work.path()) {
            let was = old.iter().find(|(p, _)| *p == path).map(|(_, b)| b);
            let will = new_tree.iter().find(|(p, _)| *p == path).map(|(_, b)| b);
            assert!(
                was == Some(&bytes) || will == Some(&bytes),
                "after failure {fail_at}: {path} is neither old nor new"
            );
            assert!(
                !path.contains("seisei-tmp"),
                "after failure {fail_at}: temporary file {path} left behind"
            );
        }
        let (code, stderr) = seisei(work.path(), &["gen"]);
        assert_eq!(code, 0, "after failure {fail_at}: {stderr}");
        assert_eq!(
            files(work.path()),
            new_tree,
            "after failure {fail_at}, the next gen repairs the tree"
        );
        assert_eq!(seisei(work.path(), &["check"]).0, 0);
    }
}

#[test]
fn a_running_gen_holds_the_lock_and_a_stale_lock_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "minimal");
    // This test process holds the advisory lock, as a running gen would.
    let held = fs::File::create(dir.path().join(".seisei.lock")).unwrap();
    held.try_lock().unwrap();
    fs::write(
        dir.path().join(".seisei.lock"),
        format!("{}\n", std::process::id()),
    )
    .unwrap();
    let before = files(dir.path());
    let (code, stderr) = seisei(dir.path(), &["gen"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!(
            "another `seisei gen` is running on this spec (pid {})",
            std::process::id()
        )),
        "{stderr}"
    );
    assert_eq!(files(dir.path()), before);
    // The holder is gone: its pid is still in the file, but the kernel released the lock.
    drop(held);
    let (code, stderr) = seisei(dir.path(), &["gen"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !dir.path().join(".seisei.lock").exists(),
        "the lock is released"
    );
}

#[test]
fn concurrent_gens_never_interleave() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "extends-escape-hatch");
    for round in 0..8 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_seisei"))
                .arg("gen")
                .current_dir(dir.path())
                .output()
                .unwrap()
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(spawn);
            let b = s.spawn(spawn);
            (a.join().unwrap(), b.join().unwrap())
        });
        for run in [&a, &b] {
            let stderr = String::from_utf8_lossy(&run.stderr);
            let code = run.status.code().unwrap();
            assert!(
                code == 0 || code == 2 && stderr.contains("another `seisei gen` is running"),
                "round {round}: {code} {stderr}"
            );
        }
        assert_eq!(
            seisei(dir.path(), &["check"]).0,
            0,
            "round {round}: the tree is complete"
        );
    }
}

#[test]
fn the_output_directory_cannot_escape_the_spec_folder() {
    let outside = tempfile::tempdir().unwrap();
    for (output, why) in [
        ("../out", "leaves the spec's folder through `..`"),
        (outside.path().to_str().unwrap(), "is an absolute path"),
        ("link/generated", "goes through a symbolic link"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path(), "minimal");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let spec = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
        fs::write(
            dir.path().join("platform.yaml"),
            spec.replace("output: expected", &format!("output: '{output}'")),
        )
        .unwrap();
        let before = files(outside.path());
        let (code, stderr) = seisei(dir.path(), &["gen"]);
        assert_eq!(code, 2, "{output}");
        assert!(
            stderr.contains("error[E0601/output-path]") && stderr.contains(why),
            "{output}: {stderr}"
        );
        assert_eq!(
            files(outside.path()),
            before,
            "{output}: nothing written outside"
        );
    }
    // Said explicitly, it is allowed.
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "minimal");
    let spec = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    fs::write(
        dir.path().join("platform.yaml"),
        spec.replace(
            "output: expected",
            "output: ../shared-out\n  allow_external_output: true",
        ),
    )
    .unwrap();
    let (code, stderr) = seisei(dir.path(), &["gen"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("../shared-out/STACKS.md").exists());
    fs::remove_dir_all(dir.path().join("../shared-out")).unwrap();
}

#[test]
fn a_symbolic_link_inside_the_tree_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    fixture(dir.path(), "minimal");
    fs::create_dir_all(dir.path().join("expected")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("expected/infra")).unwrap();
    let (code, stderr) = seisei(dir.path(), &["gen"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("refusing to write through the symbolic link"),
        "{stderr}"
    );
    assert!(files(elsewhere.path()).is_empty());
}

#[test]
fn a_hand_taken_file_needs_force_and_an_unlisted_file_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "minimal");
    assert_eq!(seisei(dir.path(), &["gen"]).0, 0);
    let compose = dir
        .path()
        .join("expected/infra/stacks/app/docker-compose.yml");
    let taken = fs::read_to_string(&compose)
        .unwrap()
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&compose, &taken).unwrap();
    let before = files(dir.path());
    let (code, stderr) = seisei(dir.path(), &["gen"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("whose header was removed by hand") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(files(dir.path()), before);
    let (code, stderr) = seisei(dir.path(), &["gen", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(seisei(dir.path(), &["check"]).0, 0);

    // A file that was never in the manifest stays refused, --force or not.
    let fresh = tempfile::tempdir().unwrap();
    fixture(fresh.path(), "minimal");
    fs::create_dir_all(fresh.path().join("expected/infra/stacks/app")).unwrap();
    fs::write(
        fresh
            .path()
            .join("expected/infra/stacks/app/docker-compose.yml"),
        "services: {}\n",
    )
    .unwrap();
    let (code, stderr) = seisei(fresh.path(), &["gen", "--force"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("refusing to overwrite a file seisei did not generate"),
        "{stderr}"
    );
}

#[test]
fn an_output_directory_that_is_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "minimal");
    fs::write(dir.path().join("expected"), "a file\n").unwrap();
    let (code, stderr) = seisei(dir.path(), &["gen"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the output directory is a file"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("expected")).unwrap(),
        "a file\n"
    );
}
