//! `kerasfix check --select SEC` as a deploy gate, end to end on the real models in
//! testdata/security: exit codes, `--fail-on` thresholds, the JSON report's `code` and
//! `severity`, `kerasfix rule`, and that checking a CVE-2025-1550-shaped model runs nothing.

mod common;

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{kerasfix, stderr, stdout, testdata};

fn security(name: &str) -> PathBuf {
    testdata().join("security").join(name)
}

fn check(extra: &[&str], model: &str) -> std::process::Output {
    let path = security(model);
    let mut args: Vec<&OsStr> = vec![OsStr::new("check"), OsStr::new("--select"), OsStr::new("SEC")];
    args.extend(extra.iter().map(OsStr::new));
    args.push(path.as_os_str());
    kerasfix(args)
}

/// (code, severity) of every finding in a `--format json` report.
fn json_findings(model: &str, extra: &[&str]) -> Vec<(String, String, String)> {
    let mut args = vec!["--format", "json", "--quiet"];
    args.extend_from_slice(extra);
    let out = check(&args, model);
    let records: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{model}: not JSON ({e}): {}{}", stdout(&out), stderr(&out)));
    records
        .iter()
        .map(|r| {
            let field =
                |k: &str| r[k].as_str().unwrap_or_else(|| panic!("{model}: no {k} in {r}")).to_owned();
            assert_eq!(r["fixable"], serde_json::Value::Bool(false), "{model}: {r}");
            (field("code"), field("severity"), field("pointer"))
        })
        .collect()
}

fn code(out: &std::process::Output) -> i32 {
    out.status.code().expect("exit code")
}

#[test]
fn json_report_carries_code_and_severity_per_finding() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("lambda_nested.keras", &[("SEC001", "error")]),
        ("lambda_nested.h5", &[("SEC001", "error")]),
        ("k2_lambda.h5", &[("SEC001", "error")]),
        ("lambda_named.keras", &[("SEC002", "warning"), ("SEC005", "info")]),
        ("cve_initializer.keras", &[("SEC003", "error")]),
        ("cve_initializer.h5", &[("SEC003", "error")]),
        ("foreign_nested.keras", &[("SEC003", "error"), ("SEC003", "error")]),
        ("tfop.h5", &[("SEC004", "warning")]),
        ("tfop.keras", &[("SEC004", "warning")]),
        ("custom_layer.keras", &[("SEC005", "info"), ("SEC005", "info")]),
        ("custom_layer.h5", &[("SEC005", "info"), ("SEC005", "info")]),
    ];
    for (model, expected) in cases {
        let got: Vec<(String, String)> =
            json_findings(model, &[]).into_iter().map(|(c, s, _)| (c, s)).collect();
        let expected: Vec<(String, String)> =
            expected.iter().map(|(c, s)| (c.to_string(), s.to_string())).collect();
        assert_eq!(got, expected, "{model}");
    }
    let cve = json_findings("cve_initializer.keras", &[]);
    assert_eq!(cve[0].2, "/config/layers/1/config/kernel_initializer/module");
}

#[test]
fn fail_on_decides_the_exit_code_by_severity() {
    // (model, exit with --fail-on error, with --fail-on warning, with --fail-on info)
    let cases = [
        ("cve_initializer.keras", 1, 1, 1),
        ("foreign_nested.keras", 1, 1, 1),
        ("lambda_nested.keras", 1, 1, 1),
        ("tfop.h5", 0, 1, 1),
        ("lambda_named.keras", 0, 1, 1),
        ("custom_layer.keras", 0, 0, 1),
    ];
    for (model, on_error, on_warning, on_info) in cases {
        for (level, expected) in [("error", on_error), ("warning", on_warning), ("info", on_info)] {
            let out = check(&["--fail-on", level], model);
            assert_eq!(code(&out), expected, "{model} --fail-on {level}: {}{}", stdout(&out), stderr(&out));
        }
        // Without --fail-on every finding fails the gate.
        assert_eq!(code(&check(&[], model)), 1, "{model}");
    }
}

#[test]
fn clean_models_pass_the_strictest_gate() {
    let out = kerasfix([
        OsStr::new("check"),
        OsStr::new("--select"),
        OsStr::new("SEC"),
        OsStr::new("--fail-on"),
        OsStr::new("info"),
        testdata().join("keras3").as_os_str(),
        testdata().join("keras2").as_os_str(),
    ]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn whole_directory_gate_reports_every_model() {
    let out = kerasfix([
        OsStr::new("check"),
        OsStr::new("--select"),
        OsStr::new("SEC"),
        OsStr::new("--format"),
        OsStr::new("concise"),
        security("").as_os_str(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    for name in
        ["lambda_nested.keras", "cve_initializer.h5", "foreign_nested.keras", "tfop.keras", "custom_layer.h5"]
    {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
}

#[test]
fn rule_command_documents_each_code() {
    for (code, name, severity) in [
        ("SEC001", "lambda-bytecode", "error"),
        ("SEC002", "lambda-layer", "warning"),
        ("SEC003", "foreign-module", "error"),
        ("SEC004", "tf-op-layer", "warning"),
        ("SEC005", "custom-object", "info"),
    ] {
        let out = kerasfix(["rule", code]);
        assert!(out.status.success(), "{code}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(name) && text.contains(severity), "{code}:\n{text}");
        assert!(text.contains("## Why is this bad?"), "{code}:\n{text}");
    }
}

/// The payload the CVE-shaped models carry (scripts/make_security_testdata.py).
const PAYLOAD: &str = "touch kerasfix_pwned";
const CANARY: &str = "kerasfix_pwned";

#[test]
fn checking_the_cve_shaped_models_runs_nothing() {
    // The canary is live: running the payload for real in a scratch directory creates it.
    let proof = tempfile::tempdir().expect("tempdir");
    let status = Command::new("sh").args(["-c", PAYLOAD]).current_dir(proof.path()).status().expect("sh");
    assert!(status.success() && proof.path().join(CANARY).exists(), "the canary must be observable");

    for model in ["cve_initializer.keras", "cve_initializer.h5", "foreign_nested.keras"] {
        let scratch = tempfile::tempdir().expect("tempdir");
        let model_path = security(model);
        let before = std::fs::read(&model_path).expect("read model");
        for format in ["full", "json"] {
            let out = Command::new(env!("CARGO_BIN_EXE_kerasfix"))
                .args(["check", "--format", format])
                .arg(&model_path)
                .current_dir(scratch.path())
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", scratch.path())
                .stdin(Stdio::null())
                .output()
                .expect("run kerasfix");
            // Exit 1 (findings), never 2 (error) and never a crash: it read the file and finished.
            assert_eq!(out.status.code(), Some(1), "{model} {format}: {}{}", stdout(&out), stderr(&out));
            assert!(stdout(&out).contains("SEC003"), "{model} {format}: {}", stdout(&out));
        }
        assert!(!scratch.path().join(CANARY).exists(), "{model}: the payload ran");
        let left: Vec<_> = std::fs::read_dir(scratch.path()).expect("read scratch").collect();
        assert!(left.is_empty(), "{model}: kerasfix left files in its working directory: {left:?}");
        assert_eq!(
            std::fs::read(&model_path).expect("read model"),
            before,
            "{model}: check changed the file"
        );
    }
}
