//! `kerasfix patch` on every container kind and on a fleet: a JSON Patch changes exactly the
//! bytes of the values it names, everything else in the file stays as it was (h5py's and
//! zipfile's view), the model still loads and predicts in real Keras, and a model whose patch
//! fails anywhere is left byte for byte as it was.

mod common;

use common::*;
use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn write_patch(dir: &Path, name: &str, ops: &serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, ops.to_string()).expect("write patch");
    path
}

/// `kerasfix patch --patch PATCH [extra...] PATHS...`
fn patch(patch: &Path, extra: &[&str], paths: &[&Path]) -> Output {
    let mut args: Vec<&OsStr> = vec![OsStr::new("patch"), OsStr::new("--patch"), patch.as_os_str()];
    args.extend(extra.iter().map(OsStr::new));
    args.extend(paths.iter().map(|p| p.as_os_str()));
    kerasfix(args)
}

fn verify_with_keras(model: &Path, reference: &Path) {
    let out = py(
        &root().join("scripts/keras_verify.py"),
        &[
            OsStr::new("--flavor"),
            OsStr::new(flavor_for(model)),
            model.as_os_str(),
            OsStr::new("--ref"),
            reference.as_os_str(),
        ],
    );
    assert!(out.status.success(), "{} after patch: {}{}", model.display(), stdout(&out), stderr(&out));
}

const CONTAINERS: [(&str, &str); 5] = [
    ("keras3/dense_seq.h5", "model_config"),
    ("keras3/dense_seq.fixedlen.h5", "model_config"),
    ("keras3/dense_seq.keras", "config.json"),
    ("keras3/dense_seq.unzipped", "config.json"),
    ("keras2/dense_seq.keras", "config.json"),
];

#[test]
fn patch_changes_only_the_patched_values_in_every_container_kind() {
    for (relative, part) in CONTAINERS {
        let original = testdata().join(relative);
        let scratch = tempfile::tempdir().expect("tempdir");
        let model = copy_model(&original, scratch.path());
        let dropout = layer_pointer(&model, "Dropout");
        let rate = format!("{dropout}/config/rate");
        let old_rate: serde_json::Value = serde_json::from_slice(&show_raw(&model, &rate)).expect("rate");
        let before_text = show_raw(&model, "");
        let before_print = fingerprint(&model, part);
        // A member added and removed again, then the rate replaced: only the rate's bytes change.
        let ops = serde_json::json!([
            {"op": "test", "path": rate, "value": old_rate},
            {"op": "add", "path": format!("{dropout}/config/kerasfix_note"), "value": "x"},
            {"op": "remove", "path": format!("{dropout}/config/kerasfix_note")},
            {"op": "replace", "path": rate, "value": 0.375},
        ]);
        let patch_file = write_patch(scratch.path(), "fix.json", &ops);

        let out = patch(&patch_file, &[], &[&model]);
        assert_eq!(out.status.code(), Some(0), "{relative}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("{part}: 4 operations applied")),
            "{relative}: {}",
            stdout(&out)
        );

        let after_text = show_raw(&model, "");
        let (removed, inserted) = differing_middles(&before_text, &after_text);
        assert!(
            contains(old_rate.to_string().as_bytes(), removed) && contains(b"0.375", inserted),
            "{relative}: more than the rate changed: -{:?} +{:?}",
            String::from_utf8_lossy(removed),
            String::from_utf8_lossy(inserted)
        );
        assert_eq!(show_raw(&model, &rate), b"0.375", "{relative}");
        assert_eq!(fingerprint(&model, part), before_print, "{relative}: something besides {part} changed");
        verify_with_keras(&model, &reference_for(&original));

        // A member added for good is inserted, in the document's own style, and nothing else moves.
        let ops = serde_json::json!([{"op": "add", "path": format!("{dropout}/kerasfix_note"), "value": ["\u{e9}", 1.0]}]);
        let out = patch(&write_patch(scratch.path(), "add.json", &ops), &[], &[&model]);
        assert_eq!(out.status.code(), Some(0), "{relative}: {}", stderr(&out));
        let added = show_raw(&model, "");
        let (removed, inserted) = differing_middles(&after_text, &added);
        assert!(removed.is_empty(), "{relative}: add removed {:?}", String::from_utf8_lossy(removed));
        assert_eq!(
            String::from_utf8_lossy(inserted),
            r#", "kerasfix_note": ["\u00e9", 1.0]"#,
            "{relative}: the added member is not in Keras's style"
        );
    }
}

#[test]
fn a_failing_operation_leaves_the_file_byte_identical() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), scratch.path());
    let before = snapshot(&model);
    let ops = serde_json::json!([
        {"op": "replace", "path": "/config/name", "value": "renamed"},
        {"op": "add", "path": "/config/kerasfix_note", "value": 1},
        {"op": "test", "path": "/config/name", "value": "something else"},
        {"op": "remove", "path": "/config/layers/0"},
    ]);
    let out = patch(&write_patch(scratch.path(), "fix.json", &ops), &[], &[&model]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "not one error line: {message}");
    assert!(
        message.starts_with("error: ")
            && message.contains("dense_seq.keras")
            && message.contains("patch operation 3 (test /config/name)")
            && message.contains("\"renamed\""),
        "{message}"
    );
    assert_eq!(snapshot(&model), before, "the model changed");
    let leftovers = std::fs::read_dir(scratch.path()).expect("dir").count();
    assert_eq!(leftovers, 2, "a temporary was left behind");
}

#[test]
fn a_fleet_is_patched_model_by_model() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let fleet = scratch.path().join("models");
    std::fs::create_dir_all(fleet.join("nested")).expect("mkdir");
    let source = testdata().join("keras3/dense_seq.h5");
    let copies = [fleet.join("a.h5"), fleet.join("nested/b.h5"), fleet.join("c.h5")];
    for copy in &copies {
        std::fs::copy(&source, copy).expect("copy");
    }
    let seed = format!("{}/config/seed", layer_pointer(&copies[0], "Dropout"));
    // The middle copy lacks the path the patch replaces.
    let out = kerasfix([OsStr::new("set"), OsStr::new("--remove"), copies[1].as_os_str(), OsStr::new(&seed)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lacking = std::fs::read(&copies[1]).expect("read");

    let ops = serde_json::json!([{"op": "replace", "path": seed, "value": 1234}]);
    let out = patch(&write_patch(scratch.path(), "seed.json", &ops), &[], &[&fleet]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("b.h5: patch operation 1 (replace ") && message.contains("no value"),
        "{message}"
    );
    assert_eq!(show_raw(&copies[0], &seed), b"1234");
    assert_eq!(show_raw(&copies[2], &seed), b"1234");
    assert_eq!(std::fs::read(&copies[1]).expect("read"), lacking, "the failing model changed");
    let report = stdout(&out);
    assert!(report.contains("patched 2 of 3 models") && report.contains("1 failed"), "{report}");
}

/// The configuration's `exclude` globs keep a fleet patch off the models they name, as they do
/// for `check` and `fix`; a model named on the command line is patched whatever its name.
#[test]
fn a_fleet_patch_skips_what_the_configuration_excludes() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let fleet = scratch.path().join("models");
    std::fs::create_dir_all(&fleet).expect("mkdir");
    let source = testdata().join("keras3/dense_seq.h5");
    let (kept, skipped) = (fleet.join("keep.h5"), fleet.join("skipme_old.h5"));
    for copy in [&kept, &skipped] {
        std::fs::copy(&source, copy).expect("copy");
    }
    std::fs::write(scratch.path().join("kerasfix.toml"), "exclude = [\"skipme*\"]\n").expect("write");
    let seed = format!("{}/config/seed", layer_pointer(&kept, "Dropout"));
    let ops = serde_json::json!([{"op": "replace", "path": seed, "value": 1234}]);
    let patch_file = write_patch(scratch.path(), "seed.json", &ops);

    let out = patch(&patch_file, &[], &[&fleet]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(show_raw(&kept, &seed), b"1234");
    assert_eq!(
        std::fs::read(&skipped).expect("read"),
        std::fs::read(&source).expect("read"),
        "excluded model changed"
    );

    let out = patch(&patch_file, &[], &[&skipped]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(show_raw(&skipped, &seed), b"1234", "a model named on the command line is patched");
}

#[test]
fn move_copy_and_append() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.unzipped"), scratch.path());
    let before = show_raw(&model, "");
    let dense = format!("{}/config", layer_pointer(&model, "Dense"));
    let list = format!("{dense}/kf");
    let ops = serde_json::json!([
        {"op": "add", "path": list, "value": [1]},
        {"op": "add", "path": format!("{list}/-"), "value": 2},
        {"op": "copy", "from": format!("{dense}/units"), "path": format!("{list}/0")},
        {"op": "move", "from": format!("{list}/2"), "path": format!("{list}/0")},
        {"op": "test", "path": list, "value": [2.0, 16, 1]},
    ]);
    let out = patch(&write_patch(scratch.path(), "ops.json", &ops), &[], &[&model]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&show_raw(&model, &list)), "[2, 16, 1]");
    let after = show_raw(&model, "");
    let (removed, inserted) = differing_middles(&before, &after);
    assert!(removed.is_empty(), "{:?}", String::from_utf8_lossy(removed));
    assert_eq!(String::from_utf8_lossy(inserted), r#", "kf": [2, 16, 1]"#);

    // Moving a value into its own child is an error, and removing what was added gives the
    // original bytes back.
    let bad = serde_json::json!([{"op": "move", "from": list, "path": format!("{list}/0")}]);
    let out = patch(&write_patch(scratch.path(), "bad.json", &bad), &[], &[&model]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("own children"), "{}", stderr(&out));
    let undo = serde_json::json!([{"op": "remove", "path": list}]);
    let out = patch(&write_patch(scratch.path(), "undo.json", &undo), &[], &[&model]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(show_raw(&model, ""), before);
}

#[test]
fn a_bad_patch_document_touches_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.h5"), scratch.path());
    let before = snapshot(&model);
    for (name, text, expected) in [
        ("object.json", r#"{"op": "remove", "path": "/config"}"#, "JSON array"),
        (
            "unknown.json",
            r#"[{"op": "remove", "path": "/config/name"}, {"op": "drop", "path": "/x"}]"#,
            "operation 2",
        ),
        ("broken.json", r#"[{"op": "remove", "path": "#, "not JSON"),
    ] {
        let file = scratch.path().join(name);
        std::fs::write(&file, text).expect("write");
        let out = patch(&file, &[], &[&model]);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {message}");
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(message.contains(name) && message.contains(expected), "{name}: {message}");
        assert_eq!(snapshot(&model), before, "{name}: the model changed");
    }
}

#[test]
fn training_part_paths_are_relative_to_compile_config() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), scratch.path());
    let before = show_raw(&model, "");
    let ops =
        serde_json::json!([{"op": "replace", "path": "/optimizer/config/learning_rate", "value": 0.01}]);
    let out = patch(&write_patch(scratch.path(), "lr.json", &ops), &["--part", "training"], &[&model]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(show_raw_part(&model, "training", "/optimizer/config/learning_rate"), b"0.01");
    let after = show_raw(&model, "");
    let (removed, inserted) = differing_middles(&before, &after);
    assert!(removed.len() <= "0.0010000000474974513".len() && contains(b"0.01", inserted), "{removed:?}");
}

#[test]
fn dry_run_writes_nothing_and_stdin_patches_work() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.fixedlen.h5"), scratch.path());
    let before = snapshot(&model);
    let ops = serde_json::json!([{"op": "replace", "path": "/config/name", "value": "renamed"}]);
    let file = write_patch(scratch.path(), "name.json", &ops);
    let out = patch(&file, &["--dry-run"], &[&model]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("would apply 1 operation"), "{}", stdout(&out));
    assert_eq!(snapshot(&model), before);

    let mut child = Command::new(env!("CARGO_BIN_EXE_kerasfix"))
        .args([OsStr::new("patch"), OsStr::new("--patch"), OsStr::new("-"), model.as_os_str()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kerasfix");
    child.stdin.take().expect("stdin").write_all(ops.to_string().as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(show_raw(&model, "/config/name"), b"\"renamed\"");
    // Patching again changes nothing, so nothing is written.
    let written = std::fs::metadata(&model).expect("meta").modified().expect("mtime");
    let out = patch(&file, &[], &[&model]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("patched 0 of 1 models"), "{}", stdout(&out));
    assert_eq!(std::fs::metadata(&model).expect("meta").modified().expect("mtime"), written);
}
