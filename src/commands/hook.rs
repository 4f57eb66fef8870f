//! `seisei hook install|uninstall`: the plain git pre-commit hook. Input: the spec's path;
//! output: `.git/hooks/pre-commit` written or removed, never a hook seisei did not write.
//!
//! The hook runs `seisei check --staged`, so it judges what the commit will hold. It calls
//! seisei by the absolute path it was installed from: git runs hooks with its own `PATH`
//! (GUI clients and IDEs often without `~/.cargo/bin`), and a hook that cannot find its
//! program would fail every commit for a reason the user cannot see.

use std::path::{Path, PathBuf};

use seisei::{EXIT_ERROR, EXIT_OK};

/// The most seisei reads of a git hook: a few lines, though it may be a link to anything.
const HOOK_BYTES: u64 = 1024 * 1024;

/// First line of the hook seisei writes; `uninstall` removes only a hook that has it.
const HOOK_MARKER: &str = "# Installed by `seisei hook install`.";

/// The pre-commit hook's path and the repository's top folder, as git itself resolves them:
/// a worktree shares its main repository's hooks, and `core.hooksPath` moves them.
fn hook_path(spec: &Path) -> Result<(PathBuf, PathBuf), String> {
    let dir = spec
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let ask = |args: &[&str]| {
        super::staged::git(dir, args, None)
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out).trim_end_matches('\n')))
    };
    let no_repo = |e: String| {
        format!(
            "no git repository holds {} ({e}); run `git init` first",
            spec.display()
        )
    };
    let top = ask(&["rev-parse", "--show-toplevel"]).map_err(no_repo)?;
    let hook = ask(&["rev-parse", "--git-path", "hooks/pre-commit"]).map_err(no_repo)?;
    Ok((dir.join(hook), top))
}

pub fn install(spec: &Path, force: bool) -> u8 {
    let (hook, repo) = match hook_path(spec) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("seisei: {message}");
            return EXIT_ERROR;
        }
    };
    // A hook that cannot be read (a link to a device, a folder, a huge file) is not one seisei
    // wrote either: refuse it like any other.
    let ours =
        || seisei::fsread::read_text(&hook, HOOK_BYTES).is_ok_and(|t| t.contains(HOOK_MARKER));
    if hook.symlink_metadata().is_ok() && !force && !ours() {
        eprintln!(
            "seisei: {} already exists and seisei did not write it; keep it, or pass --force to replace it",
            hook.display()
        );
        return EXIT_ERROR;
    }
    let spec_abs = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    let relative = spec_abs
        .strip_prefix(std::fs::canonicalize(repo).unwrap_or_default())
        .map_or_else(|_| spec_abs.clone(), Path::to_path_buf);
    let Some(program) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok())
    else {
        eprintln!(
            "seisei: cannot tell where this seisei program is, so the hook could not call it"
        );
        return EXIT_ERROR;
    };
    let script = hook_script(&program, &relative);
    if let Err(e) = std::fs::create_dir_all(hook.parent().unwrap_or(Path::new(".")))
        .and_then(|()| std::fs::write(&hook, script))
    {
        eprintln!("seisei: cannot write {}: {e}", hook.display());
        return EXIT_ERROR;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755));
    }
    println!("installed {}", hook.display());
    EXIT_OK
}

pub fn uninstall(spec: &Path) -> u8 {
    let hook = match hook_path(spec) {
        Ok((hook, _)) => hook,
        Err(message) => {
            eprintln!("seisei: {message}");
            return EXIT_ERROR;
        }
    };
    match seisei::fsread::read_text(&hook, HOOK_BYTES) {
        Ok(text) if text.contains(HOOK_MARKER) => match std::fs::remove_file(&hook) {
            Ok(()) => {
                println!("removed {}", hook.display());
                EXIT_OK
            }
            Err(e) => {
                eprintln!("seisei: cannot remove {}: {e}", hook.display());
                EXIT_ERROR
            }
        },
        Ok(_) => {
            eprintln!(
                "seisei: {} was not written by seisei; leaving it alone",
                hook.display()
            );
            EXIT_ERROR
        }
        Err(_) => {
            println!("no pre-commit hook to remove");
            EXIT_OK
        }
    }
}

/// The hook: seisei at the path it was installed from, else the one on `PATH`, else a message
/// saying how to repair it.
fn hook_script(program: &Path, spec: &Path) -> String {
    let program = shell_quote(&program.display().to_string());
    let spec = shell_quote(&spec.display().to_string());
    format!(
        "#!/bin/sh\n{HOOK_MARKER}\n\
         # Fails the commit when the generated files it holds do not match the spec it holds;\n\
         # `seisei gen` and `git add` fix it.\n\
         cd \"$(git rev-parse --show-toplevel)\" || exit 1\n\
         seisei={program}\n\
         if [ ! -x \"$seisei\" ]; then\n\
         \x20 seisei=$(command -v seisei) || {{\n\
         \x20   echo \"seisei: the pre-commit hook cannot find seisei (installed from $seisei, not on PATH); run \\`seisei hook install --force\\` again\" >&2\n\
         \x20   exit 1\n\
         \x20 }}\n\
         fi\n\
         exec \"$seisei\" check --staged --spec {spec}\n"
    )
}

/// `text` as one single-quoted shell word.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
