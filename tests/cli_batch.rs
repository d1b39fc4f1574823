//! The batch CLI contract of `check` and `fix`: machine-readable output formats, path lists,
//! bad files in a batch, configuration discovery and its settings, the rule listing, and odd
//! directory entries (non-UTF-8 names, FIFOs) in walked trees.

mod common;

use common::*;
use serde::Deserialize;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One finding of `--format json`, as a consumer would decode it.
#[derive(Debug, Deserialize, PartialEq)]
struct Finding {
    path: String,
    part: String,
    pointer: String,
    code: String,
    name: String,
    message: String,
    fixable: bool,
    old: String,
    new: Option<String>,
    /// Only from `fix`.
    #[serde(default)]
    applied: Option<bool>,
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

fn run(args: &[&str], paths: &[&Path]) -> Output {
    let mut argv = os(args);
    argv.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    kerasfix(argv)
}

/// Runs kerasfix in `dir` with `input` on standard input.
fn kerasfix_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kerasfix"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kerasfix");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn report(out: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}--- stderr\n{}", out.status.code(), stdout(out), stderr(out))
}

/// A damaged copy of a testdata model (`rel` under testdata/) at `dst`.
fn damaged(mode: &str, rel: &str, dst: &Path) -> PathBuf {
    if let Some(parent) = dst.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    let out = py(
        &root().join("scripts/damage.py"),
        &[OsStr::new("--mode"), OsStr::new(mode), testdata().join(rel).as_os_str(), dst.as_os_str()],
    );
    assert!(out.status.success(), "damage.py {rel}: {}", report(&out));
    dst.to_path_buf()
}

fn raw_config(model: &Path) -> Vec<u8> {
    let out = run(&["show", "--raw"], &[model]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    out.stdout
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn findings(out: &Output) -> Vec<Finding> {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not a JSON array of findings: {e}\n{}", report(out)))
}

/// The expected findings of `damage.py --mode floats` on keras3/dense_seq.h5.
fn dense_seq_floats(path: &str, applied: Option<bool>) -> Vec<Finding> {
    [
        ("/config/layers/0/config/batch_shape/1", "InputLayer.batch_shape", "8"),
        ("/config/layers/1/config/units", "Dense.units", "16"),
        ("/config/layers/2/config/seed", "Dropout.seed", "7"),
        ("/config/layers/3/config/units", "Dense.units", "4"),
        ("/config/build_input_shape/1", "Sequential.build_input_shape", "8"),
    ]
    .into_iter()
    .map(|(pointer, field, value)| Finding {
        path: path.to_owned(),
        part: "model_config".into(),
        pointer: pointer.into(),
        code: "INT001".into(),
        name: "integral-float".into(),
        message: format!("`{field}` is an integer field; found the float `{value}.0`"),
        fixable: true,
        old: format!("{value}.0"),
        new: Some(value.into()),
        applied,
    })
    .collect()
}

#[test]
fn json_format_is_the_documented_machine_contract() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let model = damaged("floats", "keras3/dense_seq.h5", &tmp.path().join("dense.h5"));
    let shown = model.display().to_string();
    let before = bytes(&model);

    let out = run(&["check", "--format", "json"], &[&model]);
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
    assert_eq!(findings(&out), dense_seq_floats(&shown, None));
    // The summary goes to stderr, so stdout stays parseable.
    assert!(stderr(&out).contains("Found 5 problems in 1 of 1 models."), "{}", report(&out));

    let out = run(&["fix", "--dry-run", "--format", "json"], &[&model]);
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
    assert_eq!(findings(&out), dense_seq_floats(&shown, Some(false)));
    assert_eq!(bytes(&model), before, "--dry-run wrote");

    let out = run(&["fix", "--format", "json"], &[&model]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    assert_eq!(findings(&out), dense_seq_floats(&shown, Some(true)));
    assert!(stderr(&out).contains("fixed 5 fields in 1 files"), "{}", report(&out));
    assert_eq!(raw_config(&model), raw_config(&testdata().join("keras3/dense_seq.h5")));

    let out = run(&["check", "--format", "json"], &[&model]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    assert_eq!(findings(&out), vec![]);
}

#[test]
fn github_format_is_workflow_commands_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let model = damaged("strings", "keras3/conv.keras", &tmp.path().join("conv.keras"));
    let out = run(&["check", "--format", "github"], &[&model]);
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
    let text = stdout(&out);
    assert!(text.lines().count() > 5, "{text}");
    for line in text.lines() {
        assert!(line.starts_with("::"), "not a workflow command: {line}");
    }
    let file = format!("file={}", model.display().to_string().replace(':', "%3A").replace(',', "%2C"));
    assert!(
        text.lines().any(|l| l.starts_with("::warning ")
            && l.contains(&file)
            && l.contains("title=kerasfix INT002 (numeric-string)::config.json:/config/")),
        "{text}"
    );
    assert!(stderr(&out).contains("Found "), "summary on stderr: {}", report(&out));
}

/// Three damaged models in `dir`: `a.h5`, `b.keras` and the unzipped `c.unzipped`.
fn three_models(dir: &Path) -> [PathBuf; 3] {
    [
        damaged("floats", "keras3/dense_seq.h5", &dir.join("a.h5")),
        damaged("strings", "keras2/lookup.keras", &dir.join("b.keras")),
        damaged("floats", "keras3/nested.unzipped", &dir.join("c.unzipped")),
    ]
}

/// Which of `names` the concise output reports findings for.
fn reported<'a>(out: &Output, names: &[&'a str]) -> Vec<&'a str> {
    let text = stdout(out);
    names.iter().copied().filter(|n| text.lines().any(|l| l.contains(&format!("{n}:")))).collect()
}

#[test]
fn files_from_reads_newline_and_nul_separated_lists_and_stdin() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    three_models(dir);
    let names = ["a.h5", "b.keras", "c.unzipped"];

    // Newline-separated, relative to the working directory, CRLF tolerated, blank lines skipped.
    std::fs::write(dir.join("list.txt"), "a.h5\r\n\nc.unzipped/config.json\n").expect("write");
    let out = kerasfix_stdin(dir, &["check", "--format", "concise", "--files-from", "list.txt"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
    assert_eq!(reported(&out, &names), ["a.h5", "c.unzipped"], "{}", report(&out));

    // NUL-separated (find -print0), which also carries a name with a newline in it.
    let odd = dir.join("odd\nname.h5");
    std::fs::copy(dir.join("a.h5"), &odd).expect("copy");
    std::fs::write(dir.join("list0"), b"b.keras\0odd\nname.h5\0").expect("write");
    let out = kerasfix_stdin(dir, &["check", "--format", "json", "--files-from", "list0"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
    let paths: std::collections::BTreeSet<String> = findings(&out).into_iter().map(|f| f.path).collect();
    // The newline is shown escaped (paths::display), so a name cannot forge output lines.
    assert_eq!(paths.into_iter().collect::<Vec<_>>(), ["b.keras", "odd\\x0aname.h5"], "{}", report(&out));

    // `-` is standard input; `fix` works from lists too.
    let out = kerasfix_stdin(dir, &["fix", "--files-from", "-"], b"b.keras\nc.unzipped\n");
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    assert!(stdout(&out).contains(" in 2 files"), "{}", report(&out));
    let out = kerasfix_stdin(
        dir,
        &["check", "--format", "concise", "--files-from", "-"],
        b"a.h5\nb.keras\nc.unzipped\n",
    );
    assert_eq!(reported(&out, &names), ["a.h5"], "only a.h5 is still damaged: {}", report(&out));
    assert_eq!(raw_config(&dir.join("b.keras")), raw_config(&testdata().join("keras2/lookup.keras")));

    // Paths from the list and on the command line add up.
    let out =
        kerasfix_stdin(dir, &["check", "--format", "concise", "--files-from", "-", "a.h5"], b"b.keras\n");
    assert_eq!(reported(&out, &names), ["a.h5"], "{}", report(&out));
    assert!(stdout(&out).contains("in 1 of 2 models"), "{}", report(&out));

    // A list that cannot be read is an error naming it.
    let out = kerasfix_stdin(dir, &["check", "--files-from", "missing.txt"], b"");
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(stderr(&out).contains("missing.txt"), "{}", report(&out));
}

#[test]
fn a_bad_file_is_reported_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let [a, b, c] = three_models(dir);
    // Random bytes named like a model, and an empty archive, sorted between the good ones.
    let mut noise = Vec::with_capacity(4096);
    let mut x: u32 = 0x1234_5678;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push(x as u8);
    }
    let random = dir.join("aa_random.h5");
    std::fs::write(&random, &noise).expect("write");
    let empty = dir.join("b_empty.keras");
    std::fs::write(&empty, b"").expect("write");

    let out = run(&["fix"], &[dir]);
    let errors = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(!errors.contains("panicked"), "{errors}");
    for bad in [&random, &empty] {
        let name = bad.file_name().expect("name").to_string_lossy();
        assert!(
            errors.lines().any(|l| l.starts_with("error: ") && l.contains(&*name)),
            "{name} not reported: {errors}"
        );
    }
    assert!(stdout(&out).contains("fixed ") && stdout(&out).contains(" in 3 files"), "{}", report(&out));
    assert!(stdout(&out).contains("2 could not be read"), "{}", report(&out));
    assert_eq!(bytes(&random), noise, "the random file was changed");
    assert_eq!(bytes(&empty), b"", "the empty file was changed");
    for (model, original) in
        [(&a, "keras3/dense_seq.h5"), (&b, "keras2/lookup.keras"), (&c, "keras3/nested.unzipped")]
    {
        assert_eq!(
            raw_config(model),
            raw_config(&testdata().join(original)),
            "{} not fixed",
            model.display()
        );
    }

    // check the same way: exit 2 (an error beats findings), every file named.
    let out = run(&["check", "--format", "concise"], &[&random, &a, &empty]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert_eq!(stderr(&out).lines().filter(|l| l.starts_with("error: ")).count(), 2, "{}", report(&out));
}

/// A floats-damaged and a strings-damaged model in `dir/sub/deeper/`.
fn nested_models(dir: &Path) -> (PathBuf, PathBuf) {
    let deeper = dir.join("sub/deeper");
    (
        damaged("floats", "keras3/dense_seq.h5", &deeper.join("floats.h5")),
        damaged("strings", "keras3/dense_seq.keras", &deeper.join("strings.keras")),
    )
}

fn codes(out: &Output) -> std::collections::BTreeSet<String> {
    findings(out).into_iter().map(|f| f.code).collect()
}

#[test]
fn configuration_is_found_by_walking_up_from_the_model() {
    for (file, text) in [
        ("kerasfix.toml", "ignore = [\"INT001\"]\n"),
        (".kerasfix.toml", "ignore = [\"INT001\"]\n"),
        ("pyproject.toml", "[project]\nname = \"demo\"\n\n[tool.kerasfix]\nignore = [\"INT001\"]\n"),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (floats, strings) = nested_models(tmp.path());
        let out = run(&["check", "--format", "json"], &[&floats, &strings]);
        assert_eq!(codes(&out), ["INT001".to_owned(), "INT002".to_owned()].into(), "without {file}");

        std::fs::write(tmp.path().join(file), text).expect("write config");
        // Named one by one, or found by walking the tree: the same configuration applies.
        for out in [
            run(&["check", "--format", "json"], &[&floats, &strings]),
            run(&["check", "--format", "json"], &[tmp.path()]),
        ] {
            assert_eq!(out.status.code(), Some(1), "{file}: {}", report(&out));
            assert_eq!(codes(&out), ["INT002".to_owned()].into(), "{file} ignores INT001: {}", report(&out));
        }
        let out = run(&["check"], &[&floats]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", report(&out));
        // The command line adds to it.
        let out = run(&["check", "--ignore", "INT002"], &[&strings]);
        assert_eq!(out.status.code(), Some(0), "{file} + --ignore INT002: {}", report(&out));
        // And --config names one explicitly, overriding discovery.
        let other = tmp.path().join("other.toml");
        std::fs::write(&other, "select = [\"INT001\"]\n").expect("write");
        let out = run(
            &["check", "--format", "json", "--config", other.to_str().expect("utf-8")],
            &[&floats, &strings],
        );
        assert_eq!(codes(&out), ["INT001".to_owned()].into(), "--config: {}", report(&out));
    }
}

#[test]
fn pyproject_without_a_kerasfix_table_does_not_stop_the_search() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (floats, _) = nested_models(tmp.path());
    std::fs::write(tmp.path().join("kerasfix.toml"), "ignore = [\"INT001\"]\n").expect("write");
    std::fs::write(tmp.path().join("sub/pyproject.toml"), "[project]\nname = \"x\"\n").expect("write");
    let out = run(&["check"], &[&floats]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
}

#[test]
fn extend_integer_fields_covers_a_custom_layer() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let model = tmp.path().join("moe.h5");
    std::fs::copy(testdata().join("keras3/dense_seq.h5"), &model).expect("copy");
    let layer = r#"{"module": "my_project.layers", "class_name": "MyLayer", "config": {"name": "moe", "num_experts": 4.0, "capacity": 2.0}, "registered_name": "MyProject>MyLayer"}"#;
    let mut argv = os(&["set"]);
    argv.extend([model.as_os_str().to_owned(), "/config/layers/-".into(), layer.into()]);
    let out = kerasfix(argv);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    let with_layer = bytes(&model);

    let select = ["check", "--select", "INT", "--format", "json"];
    let out = run(&select, &[&model]);
    assert_eq!(out.status.code(), Some(0), "an unknown class's fields are not guessed at: {}", report(&out));

    std::fs::write(tmp.path().join("kerasfix.toml"), "extend-integer-fields = [\"MyLayer.num_experts\"]\n")
        .expect("write");
    let out = run(&select, &[&model]);
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
    let found = findings(&out);
    assert_eq!(found.len(), 1, "only num_experts, not capacity: {found:#?}");
    assert_eq!(
        (found[0].pointer.as_str(), found[0].code.as_str(), found[0].old.as_str(), found[0].new.as_deref()),
        ("/config/layers/4/config/num_experts", "INT001", "4.0", Some("4"))
    );
    assert!(found[0].message.contains("MyLayer.num_experts"), "{}", found[0].message);

    let out = run(&["fix", "--select", "INT"], &[&model]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    let config = String::from_utf8(raw_config(&model)).expect("utf-8");
    assert!(config.contains(r#""num_experts": 4, "capacity": 2.0}"#), "{config}");
    assert_ne!(bytes(&model), with_layer);

    // A bad entry is an error naming the file.
    std::fs::write(tmp.path().join("kerasfix.toml"), "extend-integer-fields = [\"num_experts\"]\n")
        .expect("write");
    let out = run(&["check"], &[&model]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        stderr(&out).contains("kerasfix.toml") && stderr(&out).contains("num_experts"),
        "{}",
        report(&out)
    );
}

#[test]
fn unknown_configuration_key_is_an_error_naming_file_and_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (floats, _) = nested_models(tmp.path());
    let before = bytes(&floats);
    for (file, text, key) in [
        ("kerasfix.toml", "selct = [\"INT001\"]\n", "selct"),
        (
            "pyproject.toml",
            "[tool.kerasfix]\nignore = []\nextend-integer-feilds = []\n",
            "extend-integer-feilds",
        ),
    ] {
        let config = tmp.path().join("sub").join(file);
        std::fs::write(&config, text).expect("write");
        for command in ["check", "fix"] {
            let out = run(&[command], &[&floats]);
            assert_eq!(out.status.code(), Some(2), "{file}: {}", report(&out));
            let message = stderr(&out);
            assert!(message.contains(&config.display().to_string()), "{file} not named: {message}");
            assert!(message.contains(key), "{key} not named: {message}");
            assert!(!message.contains("panicked"), "{message}");
        }
        assert_eq!(bytes(&floats), before, "fix with a bad configuration wrote");
        std::fs::remove_file(&config).expect("rm");
    }
}

#[test]
fn exclude_leaves_matching_files_out_of_walks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let keep = damaged("floats", "keras3/dense_seq.h5", &dir.join("models/keep.h5"));
    let skipped = damaged("floats", "keras3/dense_seq.h5", &dir.join("models/skipme_old.h5"));
    let skipped_dir = damaged("floats", "keras3/dense_seq.unzipped", &dir.join("models/skipme.unzipped"));
    let skipped_bytes = (bytes(&skipped), bytes(&skipped_dir.join("config.json")));
    std::fs::write(dir.join("kerasfix.toml"), "exclude = [\"skipme*\"]\n").expect("write");

    let out = run(&["check", "--format", "concise"], &[dir]);
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
    assert_eq!(
        reported(&out, &["keep.h5", "skipme_old.h5", "skipme.unzipped"]),
        ["keep.h5"],
        "{}",
        report(&out)
    );
    assert!(stdout(&out).contains("in 1 of 1 models"), "{}", report(&out));

    let out = run(&["fix"], &[dir]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    assert_eq!(raw_config(&keep), raw_config(&testdata().join("keras3/dense_seq.h5")));
    assert_eq!(
        (bytes(&skipped), bytes(&skipped_dir.join("config.json"))),
        skipped_bytes,
        "excluded files changed"
    );
}

#[test]
fn rules_lists_every_rule_and_rule_explains_one() {
    let out = kerasfix(["rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    let text = stdout(&out);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.starts_with("code") && header.contains("name") && header.contains("fix"), "{text}");
    let int_rules: Vec<&str> = text.lines().filter(|l| l.starts_with("INT")).collect();
    let expected = [
        ("INT001", "integral-float", "always"),
        ("INT002", "numeric-string", "always"),
        ("INT003", "stringified-sequence", "sometimes"),
        ("INT004", "non-integral-number", "never"),
        ("INT005", "integer-out-of-range", "never"),
        ("INT006", "elided-numpy-repr", "never"),
        ("INT007", "vocabulary-asset-line", "sometimes"),
    ];
    assert_eq!(int_rules.len(), expected.len(), "{text}");
    for (line, (code, name, fix)) in int_rules.iter().zip(expected) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(&words[..2], [code, name], "{line}");
        assert!(words.contains(&fix), "{line}: fix {fix}");
    }

    let out = kerasfix(["rule", "INT001"]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    let doc = stdout(&out);
    assert!(doc.starts_with("# integral-float (INT001)"), "{doc}");
    for section in ["## What it does", "## Why is this bad?", "64.0"] {
        assert!(doc.contains(section), "no `{section}` in:\n{doc}");
    }
    let by_name = kerasfix(["rule", "integral-float"]);
    assert_eq!(stdout(&by_name), doc, "by name and by code alike");

    let out = kerasfix(["rule", "INT999"]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(stderr(&out).contains("INT999"), "{}", report(&out));
}

#[test]
fn non_utf8_file_name_in_a_walked_tree_does_not_panic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("tree");
    let good = damaged("floats", "keras3/dense_seq.keras", &dir.join("good.keras"));
    let odd_h5 = dir.join(OsStr::from_bytes(b"m\xff.h5"));
    let odd_keras = dir.join(OsStr::from_bytes(b"n\xfe.keras"));
    damaged("floats", "keras3/dense_seq.h5", &odd_h5);
    std::fs::copy(&good, &odd_keras).expect("copy");
    let before = (bytes(&odd_h5), bytes(&odd_keras));

    // check: each odd name is either checked (findings naming it, lossily shown) or reported
    // as an error naming it; never silently dropped, never a panic.
    let out = run(&["check", "--format", "concise"], &[&dir]);
    let (text, errors) = (stdout(&out), stderr(&out));
    assert!(!errors.contains("panicked"), "{}", report(&out));
    assert!(matches!(out.status.code(), Some(1 | 2)), "{}", report(&out));
    assert!(text.contains("good.keras:"), "{}", report(&out));
    let mut unreadable = Vec::new();
    for (odd, shown) in [(&odd_h5, "m\u{FFFD}.h5"), (&odd_keras, "n\u{FFFD}.keras")] {
        let checked = text.lines().any(|l| l.contains(&format!("{shown}:")) && l.contains("INT001"));
        let refused = errors.lines().any(|l| l.starts_with("error: ") && l.contains(shown));
        assert!(checked ^ refused, "{shown}: checked {checked}, reported {refused}: {}", report(&out));
        if refused {
            unreadable.push(odd);
        }
    }

    // fix: what was checked is fixed to the original; what could not be read is unchanged.
    let out = run(&["fix"], &[&dir]);
    assert!(!stderr(&out).contains("panicked"), "{}", report(&out));
    let expected = if unreadable.is_empty() { 0 } else { 2 };
    assert_eq!(out.status.code(), Some(expected), "{}", report(&out));
    assert!(stdout(&out).contains(&format!(" in {} files", 3 - unreadable.len())), "{}", report(&out));
    for (odd, before, original) in
        [(&odd_h5, &before.0, "keras3/dense_seq.h5"), (&odd_keras, &before.1, "keras3/dense_seq.keras")]
    {
        if unreadable.contains(&odd) {
            assert_eq!(&bytes(odd), before, "{} changed", odd.display());
        } else {
            assert_eq!(raw_config(odd), raw_config(&testdata().join(original)), "{}", odd.display());
        }
    }
    assert_eq!(raw_config(&good), raw_config(&testdata().join("keras3/dense_seq.keras")));
}

#[test]
fn fifo_in_a_walked_tree_is_not_opened() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::copy(testdata().join("keras3/dense_seq.h5"), dir.join("clean.h5")).expect("copy");
    for name in ["pipe.h5", "pipe.keras"] {
        let status = Command::new("mkfifo").arg(dir.join(name)).status().expect("run mkfifo");
        assert!(status.success(), "mkfifo {name}");
    }
    // Opening a FIFO for reading blocks until a writer comes: a run that opens one never ends.
    // Bounded wait, so a regression fails instead of hanging the suite.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kerasfix"))
        .args([OsStr::new("check"), dir.as_os_str()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            child.kill().expect("kill");
            panic!("kerasfix check blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    assert_eq!(stdout(&out).trim(), "All checked: no problems in 1 models.", "{}", report(&out));
}
