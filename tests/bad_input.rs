//! Bad input: exit code 2, one line naming the file and what is wrong, no panic, and the file
//! exactly as it was.

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Runs `args` (the model path last) and asserts the bad-input contract.
fn assert_refused(model: &Path, args: &[&str], expected: &str) {
    let before = snapshot(model);
    let mut argv: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    argv.push(model.as_os_str());
    if args.first() == Some(&"set") {
        // `set MODEL POINTER VALUE`: the model goes second.
        argv.pop();
        argv.insert(1, model.as_os_str());
    }
    let out = kerasfix(&argv);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}: {args:?}: {message}", model.display());
    assert_eq!(message.lines().count(), 1, "not one line: {message}");
    assert!(!message.contains("panicked"), "{message}");
    let name = model.file_name().and_then(|n| n.to_str()).expect("name");
    assert!(message.contains(name), "message does not name the file: {message}");
    assert!(message.contains(expected), "expected `{expected}` in: {message}");
    assert_eq!(snapshot(model), before, "{} was modified", model.display());
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

const SHOW: &[&str] = &["show"];
const SET: &[&str] = &["set", "/config/name", "\"x\""];

#[test]
fn not_a_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = write(dir.path(), "notes.h5", b"these are not the weights you are looking for\n");
    assert_refused(&model, SHOW, "not a Keras model");
    assert_refused(&model, SET, "not a Keras model");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = write(dir.path(), "empty.keras", b"");
    assert_refused(&model, SHOW, "empty file");
    assert_refused(&model, SET, "empty file");
}

#[test]
fn truncated_hdf5() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = std::fs::read(testdata().join("keras3/conv.h5")).expect("read");
    let model = write(dir.path(), "truncated.h5", &full[..full.len() / 3]);
    assert_refused(&model, SHOW, "HDF5");
    assert_refused(&model, SET, "HDF5");
}

#[test]
fn corrupt_zip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = std::fs::read(testdata().join("keras3/conv.keras")).expect("read");
    let model = write(dir.path(), "corrupt.keras", &full[..full.len() / 2]);
    assert_refused(&model, SHOW, "zip");
    assert_refused(&model, SET, "zip");
}

#[test]
fn zip_without_config_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("noconfig.keras");
    let make = py(&py_helper("make_bad.py"), &[OsStr::new("zip-no-config"), model.as_os_str()]);
    assert!(make.status.success(), "{}", stderr(&make));
    assert_refused(&model, SHOW, "no config.json");
    assert_refused(&model, SET, "no config.json");
}

#[test]
fn directory_without_config_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("x.keras");
    std::fs::create_dir(&model).expect("mkdir");
    std::fs::write(model.join("metadata.json"), b"{}").expect("write");
    assert_refused(&model, SHOW, "no config.json");
    assert_refused(&model, SET, "no config.json");
}

#[test]
fn json_syntax_error_in_hdf5_and_zip() {
    let dir = tempfile::tempdir().expect("tempdir");
    for kind in ["h5-bad-json", "zip-bad-json"] {
        let model =
            dir.path().join(format!("{kind}.{}", if kind.starts_with("h5") { "h5" } else { "keras" }));
        let make = py(&py_helper("make_bad.py"), &[OsStr::new(kind), model.as_os_str()]);
        assert!(make.status.success(), "{}", stderr(&make));
        assert_refused(&model, &["show", "--json"], "JSON syntax error");
        assert_refused(&model, SET, "JSON syntax error");
    }
}

#[test]
fn unknown_pointer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), dir.path());
    assert_refused(&model, &["show", "--pointer", "/config/no_such_key"], "no value at JSON Pointer");
    assert_refused(&model, &["set", "/config/no/such/path", "1"], "no value at JSON Pointer");
    assert_refused(&model, &["set", "config/layers", "1"], "bad JSON Pointer");
}

#[test]
fn value_that_is_not_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.h5"), dir.path());
    assert_refused(&model, &["set", "/config/name", "not json"], "VALUE is not JSON");
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = kerasfix([OsStr::new("show"), dir.path().join("absent.h5").as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("absent.h5"), "{}", stderr(&out));
}
