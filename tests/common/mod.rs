//! Shared helpers for the integration tests: the built binary, the project's Python (real
//! Keras, h5py), the shipped test models, and scratch copies of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn testdata() -> PathBuf {
    root().join("testdata")
}

/// The project's virtualenv Python, which `scripts/test` installs. Its absence is a failure,
/// never a skip: these tests exist to run real Keras.
pub fn python() -> PathBuf {
    let python = root().join(".venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/test (it installs .venv)", python.display());
    python
}

/// Runs the kerasfix binary with a cleared environment (but PATH and HOME).
pub fn kerasfix<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_kerasfix"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::var_os("HOME").unwrap_or_default())
        .stdin(Stdio::null())
        .output()
        .expect("run kerasfix")
}

/// Runs a Python helper script from `tests/py/` (or `scripts/`) and returns its output.
pub fn py(script: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(python())
        .arg(script)
        .args(args)
        .env("TF_CPP_MIN_LOG_LEVEL", "3")
        .stdin(Stdio::null())
        .output()
        .expect("run python")
}

pub fn py_helper(name: &str) -> PathBuf {
    root().join("tests/py").join(name)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every model under testdata (files by extension, unzipped archives by their config.json),
/// weights-only files excluded.
pub fn models() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(testdata()).sort_by_file_name() {
        let entry = entry.expect("walk testdata");
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let archive_dir = entry.file_type().is_dir() && path.join("config.json").is_file();
        let model_file = entry.file_type().is_file()
            && (name.ends_with(".h5") || name.ends_with(".keras"))
            && !name.ends_with(".weights.h5")
            && !path.ancestors().any(|a| a.join("config.json").is_file() && a != path);
        if archive_dir || model_file {
            found.push(path.to_path_buf());
        }
    }
    assert!(found.len() >= 10, "expected the shipped test models under {}", testdata().display());
    found
}

/// Copies a model file or directory into `dir`, returning the copy's path.
pub fn copy_model(model: &Path, dir: &Path) -> PathBuf {
    let dest = dir.join(model.file_name().expect("model has a name"));
    if model.is_dir() {
        copy_dir(model, &dest);
    } else {
        std::fs::copy(model, &dest).expect("copy model");
    }
    dest
}

fn copy_dir(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).expect("mkdir");
    for entry in std::fs::read_dir(src).expect("read dir") {
        let entry = entry.expect("entry");
        let target = dest.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The reference inputs/outputs file written beside a model by scripts/make_testdata.py.
pub fn reference_for(model: &Path) -> PathBuf {
    let name = model.file_name().and_then(|n| n.to_str()).expect("name");
    let stem = name.split('.').next().expect("stem");
    model.with_file_name(format!("{stem}.ref.npz"))
}

/// Which library must load a model: tf-keras for files saved by Keras 2.
pub fn flavor_for(model: &Path) -> &'static str {
    if model.components().any(|c| c.as_os_str() == "keras2") { "tf-keras" } else { "keras3" }
}
