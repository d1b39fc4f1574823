//! Settings that reach the rules only through the batch driver: `--target` and `target` in
//! kerasfix.toml enable the cross-version rules, and `allowed-modules` turns a foreign-module
//! error into a custom-object note. Each is checked end to end through the binary.

mod common;

use common::*;
use std::ffi::OsStr;

fn codes(out: &std::process::Output) -> Vec<String> {
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON output");
    records.iter().map(|r| r["code"].as_str().expect("code").to_string()).collect()
}

#[test]
fn target_from_the_command_line_and_from_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras2/conv.h5"), dir.path());
    let check = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![OsStr::new("check"), OsStr::new("--format"), OsStr::new("json")];
        args.extend(extra.iter().map(OsStr::new));
        args.push(model.as_os_str());
        kerasfix(args)
    };
    let plain = check(&[]);
    assert_eq!(plain.status.code(), Some(0), "no target, no cross-version finding: {}", stdout(&plain));
    let cli = check(&["--target", "keras3"]);
    assert_eq!(cli.status.code(), Some(1), "{}", stderr(&cli));
    assert!(codes(&cli).contains(&"K301".to_string()), "{:?}", codes(&cli));
    std::fs::write(dir.path().join("kerasfix.toml"), "target = \"keras3\"\n").expect("write config");
    let configured = check(&[]);
    assert_eq!(codes(&configured), codes(&cli), "target in kerasfix.toml acts like --target");
}

#[test]
fn allowed_modules_from_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), dir.path());
    let set = kerasfix([
        OsStr::new("set"),
        model.as_os_str(),
        OsStr::new("/config/layers/1/module"),
        OsStr::new("\"my_company.layers\""),
    ]);
    assert!(set.status.success(), "{}", stderr(&set));
    let check = || {
        kerasfix([
            OsStr::new("check"),
            OsStr::new("--select"),
            OsStr::new("SEC"),
            OsStr::new("--format"),
            OsStr::new("json"),
            model.as_os_str(),
        ])
    };
    let before = check();
    assert!(codes(&before).contains(&"SEC003".to_string()), "{:?}", codes(&before));
    std::fs::write(dir.path().join("kerasfix.toml"), "allowed-modules = [\"my_company\"]\n")
        .expect("write config");
    let after = check();
    assert!(!codes(&after).contains(&"SEC003".to_string()), "{:?}", codes(&after));
    assert!(codes(&after).contains(&"SEC005".to_string()), "{:?}", codes(&after));
}

#[test]
fn fail_on_sets_the_lowest_failing_severity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), dir.path());
    let set = kerasfix([
        OsStr::new("set"),
        model.as_os_str(),
        OsStr::new("/config/layers/1/module"),
        OsStr::new("\"my_company.layers\""),
    ]);
    assert!(set.status.success(), "{}", stderr(&set));
    std::fs::write(dir.path().join("kerasfix.toml"), "allowed-modules = [\"my_company\"]\n")
        .expect("write config");
    // Only an info finding (SEC005) remains: it fails the default gate, not `--fail-on warning`.
    let run = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![OsStr::new("check"), OsStr::new("--select"), OsStr::new("SEC")];
        args.extend(extra.iter().map(OsStr::new));
        args.push(model.as_os_str());
        kerasfix(args).status.code()
    };
    assert_eq!(run(&[]), Some(1));
    assert_eq!(run(&["--fail-on", "info"]), Some(1));
    assert_eq!(run(&["--fail-on", "warning"]), Some(0));
}
