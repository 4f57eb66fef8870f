//! Hostile trees through the real binary: links at temporary names, in manifest entries, in
//! documents and in the output directory; stale temporary files of a killed run; signals; a
//! file-size limit; held and dead locks; output paths that collide; secrets in a committed
//! `.env.example`. Each case asserts the exit code, the message, and that the tree, inside
//! the project and in a sibling "other project" folder (see `output_world`), is byte for byte
//! as it should be.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::output_world::{
    BASE, Entry, HEADER, World, assert_code, assert_only_changed, assert_unchanged, changed_spec,
    temp_files,
};

// ---- Temporary files: a link at the name a run would pick ----

#[test]
fn a_link_at_the_old_predictable_temp_name_redirects_nothing() {
    let world = World::new();
    world.gen_ok();
    world.spec(&changed_spec());
    // `exec` keeps the pid: each link sits exactly where the old `.NAME.seisei-tmp-PID` went.
    let before = world.snapshot();
    let out = world.sh(
        "ln -s ../../../../other/victim.yml generated/infra/stacks/app/.docker-compose.yml.seisei-tmp-$$ && \
         ln -s ../other/victim.yml generated/.STACKS.md.seisei-tmp-$$ && exec \"$SEISEI\" gen",
    );
    assert_code(&out, 0, &["written"]);
    assert_only_changed(&world, &before, &["project/generated"]);
    let after = world.snapshot();
    assert_eq!(
        after.get(Path::new("other/victim.yml")),
        before.get(Path::new("other/victim.yml"))
    );
    // The generated files are regular files; only the two planted links are links.
    let links: Vec<_> = after
        .iter()
        .filter(|(_, e)| matches!(e, Entry::Link(_)))
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(links.len(), 2, "{links:?}");
    assert!(
        links
            .iter()
            .all(|p| p.to_string_lossy().contains(".seisei-tmp-"))
    );
    assert_code(&world.run(&["check"]), 0, &[]);
}

#[test]
fn a_link_at_a_documents_temp_name_redirects_nothing() {
    let world = World::new();
    fs::write(
        world.path("README.md"),
        "# Ops\n<!-- seisei:begin inventory -->\n<!-- seisei:end inventory -->\n",
    )
    .unwrap();
    world.spec(&BASE.replace(
        "  output: generated",
        "  output: generated\n  docs: [README.md]",
    ));
    let before = world.snapshot();
    let out =
        world.sh("ln -s ../other/docs/README.md .README.md.seisei-tmp-$$ && exec \"$SEISEI\" gen");
    assert_code(&out, 0, &[]);
    assert_only_changed(&world, &before, &["project"]);
    let readme = fs::read_to_string(world.path("README.md")).unwrap();
    assert!(readme.contains("| "), "the region was filled: {readme}");
    assert!(
        !fs::symlink_metadata(world.path("README.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_link_at_a_generated_file_is_refused() {
    let world = World::new();
    world.gen_ok();
    fs::remove_file(world.path("generated/STACKS.md")).unwrap();
    symlink("../../other/victim.yml", world.path("generated/STACKS.md")).unwrap();
    world.spec(&changed_spec());
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(
        &out,
        2,
        &["refusing to write through the symbolic link", "STACKS.md"],
    );
    assert_unchanged(&world, &before);
    assert_code(&world.run(&["check"]), 2, &["symbolic link"]);
}

#[test]
fn a_linked_folder_in_the_output_directory_is_refused() {
    let world = World::new();
    fs::create_dir_all(world.path("generated/infra")).unwrap();
    fs::create_dir_all(world.other().join("stacks")).unwrap();
    symlink("../../other", world.path("generated/infra/stacks")).unwrap();
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(
        &out,
        2,
        &[
            "refusing to write through the symbolic link",
            "infra/stacks",
        ],
    );
    assert_unchanged(&world, &before);
}

#[test]
fn a_document_that_is_a_link_is_refused() {
    let world = World::new();
    symlink("../other/docs/README.md", world.path("README.md")).unwrap();
    world.spec(&BASE.replace(
        "  output: generated",
        "  output: generated\n  docs: [README.md]",
    ));
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(&out, 2, &["symbolic link", "README.md"]);
    assert_unchanged(&world, &before);
}

#[test]
fn a_document_in_a_linked_folder_is_refused() {
    let world = World::new();
    symlink("../other/docs", world.path("docs")).unwrap();
    world.spec(&BASE.replace(
        "  output: generated",
        "  output: generated\n  docs: [docs/README.md]",
    ));
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(&out, 2, &["symbolic link", "docs"]);
    assert_unchanged(&world, &before);
}

#[test]
fn a_document_that_is_a_fifo_is_refused_without_blocking() {
    let world = World::new();
    assert!(
        Command::new("mkfifo")
            .arg(world.path("README.md"))
            .status()
            .unwrap()
            .success()
    );
    world.spec(&BASE.replace(
        "  output: generated",
        "  output: generated\n  docs: [README.md]",
    ));
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(&out, 2, &["not a regular file", "README.md"]);
    assert_unchanged(&world, &before);
}

#[test]
fn a_generated_file_that_is_a_fifo_is_refused_without_blocking() {
    let world = World::new();
    world.gen_ok();
    fs::remove_file(world.path("generated/STACKS.md")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(world.path("generated/STACKS.md"))
            .status()
            .unwrap()
            .success()
    );
    let before = world.snapshot();
    assert_code(
        &world.run(&["check"]),
        2,
        &["not a regular file", "STACKS.md"],
    );
    assert_code(
        &world.run(&["gen"]),
        2,
        &["not a regular file", "STACKS.md"],
    );
    assert_unchanged(&world, &before);
}

#[test]
fn a_manifest_that_is_a_link_is_refused() {
    let world = World::new();
    world.gen_ok();
    fs::remove_file(world.path("generated/.seisei-manifest")).unwrap();
    fs::write(
        world.other().join("manifest"),
        "../other/victim.yml\nvictim.yml\n",
    )
    .unwrap();
    symlink(
        "../../other/manifest",
        world.path("generated/.seisei-manifest"),
    )
    .unwrap();
    let before = world.snapshot();
    assert_code(
        &world.run(&["gen"]),
        2,
        &["symbolic link", ".seisei-manifest"],
    );
    assert_unchanged(&world, &before);
}

// ---- Orphan removal: manifest entries that lead out of the tree ----

fn tamper_manifest(world: &World, extra: &str) {
    let manifest = world.path("generated/.seisei-manifest");
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str(extra);
    fs::write(manifest, text).unwrap();
}

#[test]
fn a_manifest_entry_through_a_linked_folder_removes_nothing() {
    let world = World::new();
    world.gen_ok();
    symlink("../../other/generated/ext", world.path("generated/ext")).unwrap();
    tamper_manifest(&world, "ext/victim.yml\n");
    let before = world.snapshot();
    let out = world.run(&["check"]);
    assert_code(
        &out,
        1,
        &[
            "warning[W0604/manifest-entry]",
            "manifest entry `ext/victim.yml` goes through the symbolic link",
            "it is not removed",
        ],
    );
    assert_unchanged(&world, &before);
    let out = world.run(&["gen"]);
    assert_code(
        &out,
        0,
        &["manifest entry `ext/victim.yml` goes through the symbolic link"],
    );
    // Only the manifest was rewritten (without the entry); the other project is intact.
    assert_only_changed(&world, &before, &["project/generated/.seisei-manifest"]);
    assert!(world.other().join("generated/ext/victim.yml").exists());
    assert_code(&world.run(&["check"]), 0, &[]);
}

#[test]
fn a_manifest_entry_that_is_a_link_to_another_projects_file_removes_nothing() {
    let world = World::new();
    world.gen_ok();
    symlink("../../other/victim.yml", world.path("generated/old.yml")).unwrap();
    tamper_manifest(&world, "old.yml\n");
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(
        &out,
        0,
        &["manifest entry `old.yml` goes through the symbolic link"],
    );
    assert_only_changed(&world, &before, &["project/generated/.seisei-manifest"]);
    assert_eq!(
        fs::read_link(world.path("generated/old.yml")).unwrap(),
        Path::new("../../other/victim.yml")
    );
}

#[test]
fn absolute_parent_and_unnormalised_manifest_entries_are_refused() {
    let world = World::new();
    world.gen_ok();
    let victim = world.other().join("victim.yml");
    fs::create_dir_all(world.path("generated/infra/x")).unwrap();
    fs::write(
        world.path("generated/infra/x/y.yml"),
        format!("{HEADER}x\n"),
    )
    .unwrap();
    tamper_manifest(
        &world,
        &format!(
            "{}\n../../other/victim.yml\ninfra/../../../other/victim.yml\ninfra//x/y.yml\n./infra/x/y.yml\ninfra/x/y.yml/\n",
            victim.display()
        ),
    );
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(
        &out,
        0,
        &[
            "is an absolute path; it is left alone",
            "leaves the output directory through `..`; it is left alone",
            "manifest entry `infra//x/y.yml` is not a normalised path",
            "manifest entry `./infra/x/y.yml` is not a normalised path",
            "manifest entry `infra/x/y.yml/` is not a normalised path",
        ],
    );
    assert_eq!(
        out.stderr.matches("warning[W0604/manifest-entry]").count(),
        6,
        "{}",
        out.stderr
    );
    assert_only_changed(&world, &before, &["project/generated/.seisei-manifest"]);
    assert!(victim.exists() && world.path("generated/infra/x/y.yml").exists());
}

#[test]
fn a_manifest_entry_that_is_a_folder_is_left_alone() {
    let world = World::new();
    world.gen_ok();
    fs::create_dir_all(world.path("generated/keep/inner")).unwrap();
    fs::write(world.path("generated/keep/inner/f"), "mine\n").unwrap();
    tamper_manifest(&world, "keep/inner\n");
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(
        &out,
        0,
        &["manifest entry `keep/inner` is not a regular file"],
    );
    assert_only_changed(&world, &before, &["project/generated/.seisei-manifest"]);
}

// ---- A killed run: leftovers ----

#[test]
fn stale_temp_files_fail_check_and_the_next_gen_removes_them() {
    let world = World::new();
    world.gen_ok();
    let old_style = world.path("generated/infra/stacks/app/.docker-compose.yml.seisei-tmp-4242");
    let new_style = world.path("generated/.STACKS.md.seisei-tmp-0123456789abcdef");
    fs::write(&old_style, "half a file").unwrap();
    fs::write(&new_style, "half a file").unwrap();
    // Only a killed run leaves temporary files, and a killed run leaves its lock file too: no
    // lock file, no walk of the output tree looking for them.
    assert_code(&world.run(&["check"]), 0, &[]);
    fs::write(world.path(".seisei.lock"), "4242\n").unwrap();
    let before = world.snapshot();
    let out = world.run(&["check"]);
    assert_code(
        &out,
        1,
        &[
            "generated/.STACKS.md.seisei-tmp-0123456789abcdef (leftover temporary file)",
            "generated/infra/stacks/app/.docker-compose.yml.seisei-tmp-4242 (leftover temporary file)",
            "it removes leftover temporary files of a killed run",
        ],
    );
    assert_unchanged(&world, &before);
    let out = world.run(&["check", "--format", "json"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains(r#""status": "leftover""#),
        "{}",
        out.stdout
    );
    let out = world.run(&["gen"]);
    assert_code(&out, 0, &["2 leftover temporary file(s) removed"]);
    assert!(!old_style.exists() && !new_style.exists());
    assert!(!world.path(".seisei.lock").exists());
    assert_only_changed(
        &world,
        &before,
        &["project/generated", "project/.seisei.lock"],
    );
    assert_code(&world.run(&["check"]), 0, &[]);
}

#[test]
fn the_temp_files_of_a_running_gen_are_not_leftovers_until_it_dies() {
    let world = World::new();
    world.gen_ok();
    let temp = "generated/.STACKS.md.seisei-tmp-0123456789abcdef";
    fs::write(world.path(temp), "being written").unwrap();
    // This test process holds the lock, as a `gen` writing that file would.
    let lock = fs::File::create(world.path(".seisei.lock")).unwrap();
    lock.try_lock().unwrap();
    assert_code(&world.run(&["check"]), 0, &[]);
    // Its holder dies without removing the lock file: a killed run.
    drop(lock);
    assert_code(
        &world.run(&["check"]),
        1,
        &[&format!("{temp} (leftover temporary file)")],
    );
}

#[test]
fn a_stale_temp_name_that_is_a_link_or_a_folder_is_never_followed_or_removed() {
    let world = World::new();
    world.gen_ok();
    symlink(
        "../../other/victim.yml",
        world.path("generated/.STACKS.md.seisei-tmp-77"),
    )
    .unwrap();
    fs::create_dir_all(world.path("generated/.x.seisei-tmp-88")).unwrap();
    fs::write(world.path("generated/.x.seisei-tmp-88/keep"), "keep\n").unwrap();
    let before = world.snapshot();
    assert_code(&world.run(&["check"]), 0, &[]);
    assert_code(&world.run(&["gen"]), 0, &["0 written"]);
    assert_unchanged(&world, &before);
}

#[test]
fn a_stale_temp_file_beside_a_document_is_removed() {
    let world = World::new();
    fs::write(
        world.path("README.md"),
        "# Ops\n<!-- seisei:begin inventory -->\n<!-- seisei:end inventory -->\n",
    )
    .unwrap();
    world.spec(&BASE.replace(
        "  output: generated",
        "  output: generated\n  docs: [README.md]",
    ));
    world.gen_ok();
    fs::write(world.path(".README.md.seisei-tmp-31337"), "half").unwrap();
    let before = world.snapshot();
    assert_code(
        &world.run(&["check"]),
        1,
        &[".README.md.seisei-tmp-31337 (leftover temporary file)"],
    );
    assert_unchanged(&world, &before);
    assert_code(
        &world.run(&["gen"]),
        0,
        &["1 leftover temporary file(s) removed"],
    );
    assert!(!world.path(".README.md.seisei-tmp-31337").exists());
    assert_code(&world.run(&["check"]), 0, &[]);
}

#[test]
fn the_folder_of_an_orphan_removed_by_a_killed_run_is_removed_by_the_next() {
    let world = World::new();
    world.gen_ok();
    // A run killed after removing an orphan's last file, before removing its folder.
    fs::create_dir_all(world.path("generated/infra/stacks/gone")).unwrap();
    tamper_manifest(&world, "infra/stacks/gone/docker-compose.yml\n");
    let before = world.snapshot();
    assert_code(
        &world.run(&["check"]),
        1,
        &["generated/.seisei-manifest (stale)"],
    );
    assert_unchanged(&world, &before);
    world.gen_ok();
    assert!(!world.path("generated/infra/stacks/gone").exists());
    assert!(world.path("generated/infra/stacks/app").exists());
    assert_only_changed(&world, &before, &["project/generated"]);
    assert_code(&world.run(&["check"]), 0, &[]);
}

// ---- Signals and limits ----

/// A project of `stacks` synthetic stacks, generated once, then changed so the next `gen`
/// rewrites every file.
fn big_world(stacks: usize) -> World {
    let (text, _) = crate::kill_loop::synth_spec(stacks);
    let world = World::with_spec(&text);
    world.gen_ok();
    let (next, _) = crate::kill_loop::synth_spec(stacks - 10);
    world.spec(&next);
    world
}

fn interrupted(signal: &str, code: i32) {
    let world = big_world(200);
    let mut child = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .arg("gen")
        .current_dir(world.project())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run holds the lock (its handlers are installed by then), then signal.
    while !world.path(".seisei.lock").exists() {
        std::thread::yield_now();
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    let exit = child.wait().unwrap();
    // A rewrite of 200 stacks takes over a second; the signal lands within it.
    assert_eq!(exit.code(), Some(code), "{stderr}");
    assert!(stderr.contains("stopped by"), "{stderr}");
    assert!(temp_files(&world.project()).is_empty());
    assert!(!world.path(".seisei.lock").exists(), "the lock is removed");
    assert_code(&world.run(&["gen"]), 0, &[]);
    assert_code(&world.run(&["check"]), 0, &[]);
}

#[test]
fn sigterm_during_gen_removes_temp_files_and_the_lock_and_exits_143() {
    interrupted("-TERM", 143);
}

#[test]
fn sigint_during_gen_removes_temp_files_and_the_lock_and_exits_130() {
    interrupted("-INT", 130);
}

#[test]
fn a_file_size_limit_is_an_error_naming_the_file() {
    let world = World::new();
    let before = world.snapshot();
    // 4 blocks of 512 bytes (dash) or 1 KiB (bash): below the 33 KB schema.
    let out = world.sh("ulimit -f 4 && exec \"$SEISEI\" gen");
    assert_code(&out, 2, &["cannot write", "File too large", "`ulimit -f`"]);
    assert!(
        out.stderr.contains("platform.schema.json") || out.stderr.contains("STACKS.md"),
        "{}",
        out.stderr
    );
    assert!(temp_files(&world.project()).is_empty());
    assert!(!world.path(".seisei.lock").exists());
    assert_only_changed(&world, &before, &["project/generated"]);
    world.gen_ok();
    assert_code(&world.run(&["check"]), 0, &[]);
}

// ---- The lock ----

#[test]
fn a_held_lock_names_its_holder_and_changes_nothing() {
    let world = World::new();
    let lock = fs::File::create(world.path(".seisei.lock")).unwrap();
    lock.try_lock().unwrap();
    fs::write(world.path(".seisei.lock"), "777\n").unwrap();
    let before = world.snapshot();
    assert_code(
        &world.run(&["gen"]),
        2,
        &[
            "another `seisei gen` is running on this spec (pid 777)",
            "released the moment that process ends",
        ],
    );
    assert_unchanged(&world, &before);
    drop(lock);
    world.gen_ok();
}

#[test]
fn a_lock_left_by_a_dead_process_blocks_nothing() {
    let world = World::new();
    let mut dead = Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    // As a `gen` killed as pid 1 of a container leaves it: the file, with a pid that may
    // even be alive again. Nobody holds the lock.
    fs::write(world.path(".seisei.lock"), format!("{pid}\n")).unwrap();
    world.gen_ok();
    fs::write(world.path(".seisei.lock"), "1\n").unwrap();
    world.spec(&changed_spec());
    world.gen_ok();
    assert!(!world.path(".seisei.lock").exists());
}

#[test]
fn a_lock_that_is_a_link_is_refused() {
    let world = World::new();
    symlink("../other/credentials", world.path(".seisei.lock")).unwrap();
    let before = world.snapshot();
    assert_code(
        &world.run(&["gen"]),
        2,
        &["is not a regular file", ".seisei.lock"],
    );
    assert_unchanged(&world, &before);
}

// ---- Collisions, found before anything is written ----

#[track_caller]
fn refused_spec(spec: &str, needles: &[&str]) {
    let world = World::new();
    world.gen_ok();
    world.spec(spec);
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(&out, 2, needles);
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_unchanged(&world, &before);
}

#[test]
fn a_trailing_slash_does_not_dodge_the_stack_path_collision() {
    refused_spec(
        &BASE.replace(
            "    purpose: Hello world",
            "    purpose: Hello world\n    path: infra/stacks/proxy/",
        ),
        &[
            "error[E0305/duplicate-path]: stacks `app` and `proxy` both live in `infra/stacks/proxy`",
        ],
    );
}

#[test]
fn an_inventory_at_a_compose_file_is_refused_with_both_places() {
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: generated\n  inventory: infra/stacks/app/docker-compose.yml",
        ),
        &[
            "`infra/stacks/app/docker-compose.yml` is both the inventory and the compose file of stack `app`",
            "platform.yaml:5:14",
            "(platform.yaml:33:3)",
            "--> platform.yaml:5:14",
        ],
    );
}

#[test]
fn an_inventory_at_the_manifest_or_the_schema_is_refused() {
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: generated\n  inventory: .seisei-manifest",
        ),
        &["the inventory `.seisei-manifest` uses `.seisei-manifest`"],
    );
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: generated\n  inventory: platform.schema.json",
        ),
        &["`platform.schema.json` is both the JSON Schema seisei writes and the inventory"],
    );
}

#[test]
fn a_stack_folder_at_the_inventory_is_refused_before_the_inventory_is_written() {
    let world = World::new();
    world.spec(&BASE.replace(
        "    purpose: Hello world",
        "    purpose: Hello world\n    path: STACKS.md",
    ));
    let before = world.snapshot();
    let out = world.run(&["gen"]);
    assert_code(
        &out,
        2,
        &[
            "`STACKS.md` is both the inventory and the folder of stack `app`",
            "(`platform.inventory` is `STACKS.md` by default)",
            "platform.yaml:34:11",
        ],
    );
    assert_unchanged(&world, &before);
    assert!(!world.path("generated").exists(), "nothing was written");
}

#[test]
fn a_stack_inside_traefiks_dynamic_folder_is_refused() {
    refused_spec(
        &BASE.replace(
            "    purpose: Hello world",
            "    purpose: Hello world\n    path: infra/stacks/proxy/dynamic/app",
        ),
        &[
            "the folder of stack `app` `infra/stacks/proxy/dynamic/app` is inside Traefik's dynamic configuration folder",
        ],
    );
}

#[test]
fn a_document_at_a_generated_file_is_refused() {
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: generated\n  docs: [generated//STACKS.md]",
        ),
        &["has an empty path component"],
    );
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: generated\n  docs: [generated/STACKS.md]",
        ),
        &["`generated/STACKS.md` is both the inventory and a document of `platform.docs`"],
    );
}

#[test]
fn temp_names_lock_and_spec_are_reserved() {
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: generated\n  inventory: docs/.STACKS.md.seisei-tmp-1",
        ),
        &["uses `.STACKS.md.seisei-tmp-1`, a name seisei keeps"],
    );
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: .\n  inventory: .seisei.lock",
        ),
        &["uses `.seisei.lock`, a name seisei keeps"],
    );
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: .\n  inventory: platform.yaml",
        ),
        &["`platform.yaml` is both the spec and the inventory"],
    );
    refused_spec(
        &BASE.replace(
            "  output: generated",
            "  output: generated\n  inventory: STACKS.md/",
        ),
        &["`STACKS.md/` ends with `/`, but the inventory is a file"],
    );
}

// ---- Secrets in check and diff ----

#[test]
fn check_and_diff_mask_secret_values_in_env_examples() {
    let world = World::new();
    world.gen_ok();
    let env = world.path("generated/infra/stacks/app/.env.example");
    let text = fs::read_to_string(&env).unwrap();
    fs::write(
        &env,
        text.replace("APP_PASSWORD=change-me", "APP_PASSWORD=Zr8kQ2vLp9Xw4TnB")
            .replace("APP_MODE=production", "APP_MODE=staging")
            + "AWS_SECRET=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n",
    )
    .unwrap();
    let before = world.snapshot();
    for (args, code) in [
        (&["check"][..], 1),
        (&["diff"][..], 0),
        (&["check", "--format", "json"][..], 1),
        (&["--color", "always", "check"][..], 1),
    ] {
        let out = world.run(args);
        assert_eq!(out.code, Some(code), "{args:?}: {}", out.stderr);
        for secret in [
            "Zr8kQ2vLp9Xw4TnB",
            "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
            "change-me",
        ] {
            assert!(
                !out.stdout.contains(secret) && !out.stderr.contains(secret),
                "{args:?} printed `{secret}`:\n{}{}",
                out.stdout,
                out.stderr
            );
        }
        if !args.contains(&"json") {
            assert!(
                out.stdout.contains("APP_PASSWORD=<secret, differs>"),
                "{}",
                out.stdout
            );
            assert!(
                out.stdout.contains("AWS_SECRET=<secret, differs>"),
                "{}",
                out.stdout
            );
            // A variable declared without `secret` is shown as it is.
            assert!(out.stdout.contains("APP_MODE=staging"), "{}", out.stdout);
        }
    }
    assert_unchanged(&world, &before);
}

#[test]
fn an_orphaned_env_example_is_masked_whole() {
    let world = World::new();
    world.gen_ok();
    let env = world.path("generated/infra/stacks/app/.env.example");
    let text = fs::read_to_string(&env).unwrap();
    fs::write(
        &env,
        text.replace("APP_MODE=production", "APP_MODE=hunter2-real"),
    )
    .unwrap();
    // The stack is gone: none of its keys is declared any more.
    let without_app = BASE.split("  app:\n").next().unwrap().to_owned();
    world.spec(&without_app);
    let out = world.run(&["diff"]);
    assert_code(&out, 0, &["orphaned"]);
    assert!(
        out.stdout.contains("-APP_MODE=<secret, differs>"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("hunter2-real"), "{}", out.stdout);
}
