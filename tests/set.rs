//! `kerasfix set` on every container kind: exactly one value's bytes change, everything else in
//! the file is as it was (h5py's and zipfile's view), and real Keras loads the result and
//! predicts the same outputs.

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::PathBuf;

/// Loads each model in its own library (one Python process per flavour, since importing
/// TensorFlow takes seconds) and asserts it predicts its reference outputs.
fn verify_with_keras(models: &[(PathBuf, PathBuf)]) {
    for flavor in ["keras3", "tf-keras"] {
        let pairs: String = models
            .iter()
            .filter(|(model, _)| flavor_for(model) == flavor)
            .map(|(model, reference)| format!("{}\t{}\n", model.display(), reference.display()))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let mut child = std::process::Command::new(python())
            .arg(root().join("scripts/keras_verify.py"))
            .args(["--flavor", flavor, "--many"])
            .env("TF_CPP_MIN_LOG_LEVEL", "3")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python");
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(pairs.as_bytes()).expect("write pairs");
        let out = child.wait_with_output().expect("wait");
        let text = stdout(&out);
        assert!(out.status.success(), "{flavor}: {text}{}", stderr(&out));
        let ok = text.lines().filter(|l| l.starts_with("OK")).count();
        assert_eq!(ok, pairs.lines().count(), "{flavor}: {text}");
    }
}

const CONTAINERS: [(&str, &str); 7] = [
    ("keras3/dense_seq.h5", "model_config"),
    ("keras3/dense_seq.fixedlen.h5", "model_config"),
    ("keras3/dense_seq.keras", "config.json"),
    ("keras3/dense_seq.unzipped", "config.json"),
    ("keras2/dense_seq.h5", "model_config"),
    ("keras2/dense_seq.fixedlen.h5", "model_config"),
    ("keras2/dense_seq.keras", "config.json"),
];

#[test]
fn set_changes_exactly_one_value_in_every_container_kind() {
    let scratches: Vec<tempfile::TempDir> =
        CONTAINERS.iter().map(|_| tempfile::tempdir().expect("tempdir")).collect();
    let mut written = Vec::new();
    for ((relative, part), scratch) in CONTAINERS.into_iter().zip(&scratches) {
        let original = testdata().join(relative);
        let model = copy_model(&original, scratch.path());
        let pointer = format!("{}/config/rate", layer_pointer(&model, "Dropout"));
        let old_value = show_raw(&model, &pointer);
        let before_text = show_raw(&model, "");
        let before_print = fingerprint(&model, part);

        let out = kerasfix([OsStr::new("set"), model.as_os_str(), OsStr::new(&pointer), OsStr::new("0.25")]);
        assert!(out.status.success(), "{relative}: {}", stderr(&out));

        let after_text = show_raw(&model, "");
        let (removed, inserted) = differing_middles(&before_text, &after_text);
        // The differing bytes are inside the old value's spelling (e.g. `0.1` -> `0.25`).
        assert!(
            contains(&old_value, removed) && contains(b"0.25", inserted),
            "{relative}: more than the value changed: -{:?} +{:?}",
            String::from_utf8_lossy(removed),
            String::from_utf8_lossy(inserted)
        );
        assert_eq!(show_raw(&model, &pointer), b"0.25", "{relative}");
        assert_eq!(fingerprint(&model, part), before_print, "{relative}: something besides {part} changed");
        written.push((model, reference_for(&original)));
    }
    verify_with_keras(&written);
}

#[test]
fn fixed_length_attribute_stays_fixed_length_at_the_new_size() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.fixedlen.h5"), scratch.path());
    let pointer = format!("{}/config/name", layer_pointer(&model, "Dropout"));
    let out = kerasfix([
        OsStr::new("set"),
        model.as_os_str(),
        OsStr::new(&pointer),
        OsStr::new("\"a_much_longer_dropout_name\""),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let print: serde_json::Value =
        serde_json::from_str(&fingerprint(&model, "model_config")).expect("fingerprint JSON");
    let info = &print["/"]["attr:model_config"];
    assert_eq!(info["vlen"], false, "{info}");
    let summary = stdout(&kerasfix([OsStr::new("show"), model.as_os_str()]));
    assert!(summary.contains("fixed-length"), "{summary}");
}

#[test]
fn nothing_to_change_writes_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.h5"), scratch.path());
    let pointer = format!("{}/config/rate", layer_pointer(&model, "Dropout"));
    let value = String::from_utf8(show_raw(&model, &pointer)).expect("utf8");
    let before = std::fs::metadata(&model).expect("meta").modified().expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = kerasfix([OsStr::new("set"), model.as_os_str(), OsStr::new(&pointer), OsStr::new(&value)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("nothing written"), "{}", stdout(&out));
    assert_eq!(std::fs::metadata(&model).expect("meta").modified().expect("mtime"), before);
}

#[test]
fn permissions_kept_and_symlink_target_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), scratch.path());
    std::fs::set_permissions(&model, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let link: PathBuf = scratch.path().join("link.keras");
    std::os::unix::fs::symlink(&model, &link).expect("symlink");
    let pointer = format!("{}/config/rate", layer_pointer(&model, "Dropout"));
    let out = kerasfix([OsStr::new("set"), link.as_os_str(), OsStr::new(&pointer), OsStr::new("0.5")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(),
        "the link was replaced"
    );
    assert_eq!(std::fs::metadata(&model).expect("meta").permissions().mode() & 0o777, 0o640);
    assert_eq!(show_raw(&model, &pointer), b"0.5");
}

#[test]
fn backup_keeps_the_original_bytes() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras2/dense_seq.h5"), scratch.path());
    let original = std::fs::read(&model).expect("read");
    let pointer = format!("{}/config/rate", layer_pointer(&model, "Dropout"));
    let out = kerasfix([
        OsStr::new("set"),
        OsStr::new("--backup"),
        model.as_os_str(),
        OsStr::new(&pointer),
        OsStr::new("0.3"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let backup = scratch.path().join("dense_seq.h5.bak");
    assert_eq!(std::fs::read(&backup).expect("backup exists"), original);
    assert_ne!(std::fs::read(&model).expect("read"), original);
}

#[test]
fn remove_and_add_members_are_byte_minimal() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), scratch.path());
    let before = show_raw(&model, "");
    let layer = layer_pointer(&model, "Dropout");
    let added = format!("{layer}/config/kerasfix_note");
    let out = kerasfix([OsStr::new("set"), model.as_os_str(), OsStr::new(&added), OsStr::new("\"x\"")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = show_raw(&model, "");
    let (removed, inserted) = differing_middles(&before, &after);
    assert!(removed.is_empty(), "add removed bytes: {:?}", String::from_utf8_lossy(removed));
    assert!(
        String::from_utf8_lossy(inserted).contains("\"kerasfix_note\": \"x\""),
        "{:?}",
        String::from_utf8_lossy(inserted)
    );
    let out = kerasfix([OsStr::new("set"), OsStr::new("--remove"), model.as_os_str(), OsStr::new(&added)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(show_raw(&model, ""), before, "add then remove did not give back the original bytes");
}

#[test]
fn fixed_length_growth_past_64kb_fails_and_leaves_the_file() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = scratch.path().join("old_format.h5");
    let make = py(&py_helper("make_fixed_big.py"), &[model.as_os_str()]);
    assert!(make.status.success(), "{}", stderr(&make));
    let before = std::fs::read(&model).expect("read");
    let big = format!("\"{}\"", "x".repeat(20_000));
    let out = kerasfix([OsStr::new("set"), model.as_os_str(), OsStr::new("/config/name"), OsStr::new(&big)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("old_format.h5") && message.contains("64 KB"), "{message}");
    assert_eq!(std::fs::read(&model).expect("read"), before, "the file changed");
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "a temporary was left behind");
}
