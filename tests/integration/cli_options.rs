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
