//! End to end: `kerasfix fix --target` is what makes a model saved by one Keras load in the other.
//!
//! Copies of every `testdata/keras2/` model (`.h5`, `.fixedlen.h5`, `.keras`) are loaded by
//! Keras 3 and every `testdata/keras3/` model by tf-keras, the exact errors are compared with a
//! committed snapshot, `kerasfix fix --target keras3` / `--target tf-keras` runs over the copies,
//! and then each fixed copy must load in the other library and predict exactly like its
//! reference, except the few listed in [`STILL_REFUSED`] with the reason. Unzipped `.keras`
//! directories are left out: tf-keras cannot load an unzipped archive at all (it takes a
//! directory for a SavedModel: "SavedModel file does not exist at: ...").
//!
//! Regenerate the snapshot with `KERASFIX_UPDATE_SNAPSHOTS=1 cargo test --test compat_e2e`.

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

const SNAPSHOT: &str = "tests/snapshots/compat_before.txt";

/// Fixed copies that still cannot load, as `(path under testdata/, why)`. The test asserts
/// that each is still refused, so the list cannot go stale silently.
const STILL_REFUSED: &[(&str, &str)] = &[
    (
        "keras3/functional_mha.keras",
        "the weights, not the config: Keras 3 stores MultiHeadAttention's variables under its own sub-layer layout in model.weights.h5 and tf-keras finds none for `value` (\"Layer 'value' expected 2 variables, but received 0\")",
    ),
    (
        "keras3/unicode_names.fixedlen.h5",
        "tf-keras cannot build any layer with a non-ASCII name (\"'嵌入/' is not a valid root scope name\"); renaming would detach the weights, which are stored by name",
    ),
    ("keras3/unicode_names.h5", "non-ASCII layer names, as above"),
    ("keras3/unicode_names.keras", "non-ASCII layer names, as above"),
];

/// `(saved by, target, loaded by)`.
const DIRECTIONS: [(&str, &str, &str); 2] =
    [("keras2", "keras3", "keras3"), ("keras3", "tf-keras", "tf-keras")];

/// One `keras_verify.py --many --json` process for all `(model, reference)` pairs; returns
/// `(status, error, cause)` for each, in order.
fn verify_many(flavor: &str, pairs: &[(PathBuf, PathBuf)]) -> Vec<(String, String, String)> {
    let input: String = pairs.iter().map(|(m, r)| format!("{}\t{}\n", m.display(), r.display())).collect();
    let out = run_with_stdin(
        Command::new(python())
            .arg(root().join("scripts/keras_verify.py"))
            .args(["--flavor", flavor, "--many", "--json"])
            .env("TF_CPP_MIN_LOG_LEVEL", "3"),
        input.as_bytes(),
    );
    let text = stdout(&out);
    assert!(matches!(out.status.code(), Some(0 | 1)), "keras_verify crashed: {}", stderr(&out));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), pairs.len(), "one line per model:\n{text}\n{}", stderr(&out));
    lines
        .iter()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("keras_verify --json line");
            let field = |k: &str| value[k].as_str().unwrap_or_default().to_owned();
            (field("status"), field("error"), field("cause"))
        })
        .collect()
}

/// The models of one flavour that the other library can be asked to load.
fn models_of(flavour: &str) -> Vec<PathBuf> {
    models()
        .into_iter()
        .filter(|m| m.parent().and_then(Path::file_name) == Some(OsStr::new(flavour)) && !m.is_dir())
        .collect()
}

#[test]
fn fix_with_a_target_makes_the_other_library_load_and_predict() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let tmp_path = tmp.path().canonicalize().expect("canonical tmp");
    let mut snapshot = String::new();
    let mut summary = Vec::new();
    // Both directions at once: each uses its own Python process before and after.
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = DIRECTIONS
            .iter()
            .map(|&(saved_by, target, flavor)| {
                let tmp_path = &tmp_path;
                scope.spawn(move || run_direction(tmp_path, saved_by, target, flavor))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("direction")).collect()
    });
    let mut failures = Vec::new();
    for (lines, counts, bad) in results {
        snapshot.push_str(&lines);
        summary.push(counts);
        failures.extend(bad);
    }
    eprintln!("{}", summary.join("\n"));
    let path = root().join(SNAPSHOT);
    if std::env::var_os("KERASFIX_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &snapshot).expect("write snapshot");
    } else {
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (KERASFIX_UPDATE_SNAPSHOTS=1 writes it)", path.display()));
        assert_eq!(want, snapshot, "the libraries refused the unfixed copies differently from {SNAPSHOT}");
    }
    assert!(failures.is_empty(), "after `kerasfix fix --target`:\n{}", failures.join("\n"));
}

/// Copies, verifies, fixes and verifies again one direction; returns the snapshot lines, a
/// summary line and the failures.
fn run_direction(tmp: &Path, saved_by: &str, target: &str, flavor: &str) -> (String, String, Vec<String>) {
    let models = models_of(saved_by);
    assert!(models.len() >= 20, "{saved_by}: expected the shipped models");
    let before_dir = tmp.join("before").join(saved_by);
    let fixed_dir = tmp.join("fixed").join(saved_by);
    for dir in [&before_dir, &fixed_dir] {
        std::fs::create_dir_all(dir).expect("mkdir");
        for model in &models {
            copy_model(model, dir);
        }
    }
    let name = |m: &Path| m.file_name().expect("name").to_owned();
    let pairs = |dir: &Path| -> Vec<(PathBuf, PathBuf)> {
        models.iter().map(|m| (dir.join(name(m)), reference_for(m))).collect()
    };
    let before = verify_many(flavor, &pairs(&before_dir));

    let out =
        kerasfix([OsStr::new("fix"), OsStr::new("--target"), OsStr::new(target), fixed_dir.as_os_str()]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "fix --target {target}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("fixed "),
        "fix --target {target} fixed nothing:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    let after = verify_many(flavor, &pairs(&fixed_dir));

    let mut lines = String::new();
    let mut failures = Vec::new();
    for ((model, (status, error, cause)), (after_status, after_error, after_cause)) in
        models.iter().zip(&before).zip(&after)
    {
        let rel = format!("{saved_by}/{}", name(model).to_string_lossy());
        let text = format!("{error} | cause: {cause}").replace(&tmp.display().to_string(), "<tmp>");
        lines.push_str(&format!("{flavor} loads {rel}: {status} {text}\n"));
        let listed = STILL_REFUSED.iter().find(|(r, _)| *r == rel);
        match (listed, after_status.as_str()) {
            (None, "OK") | (Some(_), "LOAD-ERROR") => {}
            (None, _) => failures.push(format!("{rel}: {after_status} {after_error} | cause: {after_cause}")),
            (Some((_, why)), _) => {
                failures.push(format!("{rel}: listed as still refused ({why}) but: {after_status}"))
            }
        }
    }
    let refused = before.iter().filter(|b| b.0 != "OK").count();
    let loads = after.iter().filter(|a| a.0 == "OK").count();
    let counts = format!(
        "{flavor} loading {saved_by}/: {} of {} before, {loads} of {} after `fix --target {target}` ({refused} refused before)",
        models.len() - refused,
        models.len(),
        models.len()
    );
    (lines, counts, failures)
}
