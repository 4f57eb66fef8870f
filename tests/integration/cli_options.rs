//! The command line as documented: global options work before or after the subcommand, and
//! every man page the main page refers to exists.

use std::fs;
use std::process::Command;

fn seisei(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(args)
        .current_dir(dir)
        .env_remove("SEISEI_SPEC")
        .output()
        .unwrap()
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let spec = crate::repo_root().join("tests/fixtures/minimal/platform.yaml");
    let spec = spec.to_str().unwrap();
    for args in [
        &["--spec", spec, "validate"][..],
        &["validate", "--spec", spec],
        &["--quiet", "--spec", spec, "routes"],
        &["routes", "--color", "never", "--spec", spec],
    ] {
        let out = seisei(dir.path(), args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = seisei(dir.path(), &["validate"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "without --spec there is no platform here"
    );
}

#[test]
fn every_man_page_the_main_page_names_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = seisei(dir.path(), &["man", "--dir", "pages"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let main = fs::read_to_string(dir.path().join("pages/seisei.1")).unwrap();
    let printed = String::from_utf8(seisei(dir.path(), &["man"]).stdout).unwrap();
    assert_eq!(main, printed, "`seisei man` prints the main page");
    let named: Vec<String> = regex::Regex::new(r"seisei\\-([a-z\\-]+)\(1\)")
        .unwrap()
        .captures_iter(&main)
        .map(|c| c[1].replace("\\-", "-"))
        .collect();
    assert!(
        named.len() >= 10,
        "the main page names the subcommands' pages: {named:?}"
    );
    for name in named {
        let page = dir.path().join(format!("pages/seisei-{name}.1"));
        assert!(
            page.is_file(),
            "seisei.1 refers to seisei-{name}(1), which is not written"
        );
    }
}

#[test]
fn show_prints_a_stacks_generated_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        crate::repo_root().join("platform.yaml"),
        dir.path().join("platform.yaml"),
    )
    .unwrap();
    let out = seisei(dir.path(), &["show", "crm-api"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = crate::repo_root().join("generated/infra/stacks/crm-api");
    let expected = format!(
        "==> generated/infra/stacks/crm-api/.env.example <==\n{}\n==> generated/infra/stacks/crm-api/docker-compose.yml <==\n{}",
        fs::read_to_string(generated.join(".env.example")).unwrap(),
        fs::read_to_string(generated.join("docker-compose.yml")).unwrap()
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written"
    );
    let unknown = seisei(dir.path(), &["show", "crm-apx"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(unknown.stderr).unwrap(),
        "seisei: there is no stack `crm-apx`; did you mean `crm-api`?\n"
    );
}
