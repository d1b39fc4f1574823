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

/// `kerasfix show --raw --pointer POINTER MODEL`: the stored bytes of one value.
pub fn show_raw(model: &Path, pointer: &str) -> Vec<u8> {
    show_raw_part(model, "config", pointer)
}

/// The same for another part (`config`, `training`, `metadata`).
pub fn show_raw_part(model: &Path, part: &str, pointer: &str) -> Vec<u8> {
    let out = kerasfix([
        std::ffi::OsStr::new("show"),
        std::ffi::OsStr::new("--raw"),
        std::ffi::OsStr::new("--part"),
        std::ffi::OsStr::new(part),
        std::ffi::OsStr::new("--pointer"),
        std::ffi::OsStr::new(pointer),
        model.as_os_str(),
    ]);
    assert!(out.status.success(), "{}: {}", model.display(), stderr(&out));
    out.stdout
}

/// tests/py/fingerprint.py: everything in the model but `skip`, as h5py / zipfile see it.
pub fn fingerprint(model: &Path, skip: &str) -> String {
    let args = [model.as_os_str(), std::ffi::OsStr::new("--skip"), std::ffi::OsStr::new(skip)];
    let out = py(&py_helper("fingerprint.py"), &args);
    assert!(out.status.success(), "fingerprint {}: {}", model.display(), stderr(&out));
    stdout(&out)
}

/// Every byte of a model file or directory (with the directory's file names), to prove that a
/// refused or failed command wrote nothing.
pub fn snapshot(path: &Path) -> Vec<u8> {
    if path.is_dir() {
        let mut all = Vec::new();
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.expect("walk");
            all.extend(entry.path().to_string_lossy().as_bytes());
            if entry.file_type().is_file() {
                all.extend(std::fs::read(entry.path()).expect("read"));
            }
        }
        all
    } else {
        std::fs::read(path).unwrap_or_default()
    }
}

/// Runs `command` with `input` on its stdin and collects its output.
pub fn run_with_stdin(command: &mut Command, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {command:?}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // Write from a thread so a child that fills its stdout pipe first cannot deadlock us.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer thread").expect("write stdin");
    out
}

/// The pointer of the first layer of `class` in a Sequential model's config.
pub fn layer_pointer(model: &Path, class: &str) -> String {
    let layers: serde_json::Value =
        serde_json::from_slice(&show_raw(model, "/config/layers")).expect("layers JSON");
    let index = layers
        .as_array()
        .expect("layers")
        .iter()
        .position(|l| l["class_name"] == class)
        .unwrap_or_else(|| panic!("no {class} layer in {}", model.display()));
    format!("/config/layers/{index}")
}

/// Whether `needle` occurs in `haystack` (an empty needle always does).
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Splits `before` and `after` into their common prefix and suffix and returns the differing
/// middles: what an edit removed and what it inserted.
pub fn differing_middles<'a>(before: &'a [u8], after: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let max_suffix = before.len().min(after.len()) - prefix;
    let suffix =
        before.iter().rev().zip(after.iter().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    (&before[prefix..before.len() - suffix], &after[prefix..after.len() - suffix])
}

/// Loads each `(model, reference)` with the real library of `flavor` in ONE process
/// (`keras_verify.py --many`); returns its result line for each (`OK`, `LOAD-ERROR: ...`,
/// `MISMATCH: ...`), in order.
pub fn verify_many(flavor: &str, pairs: &[(PathBuf, PathBuf)]) -> Vec<String> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let mut input = String::new();
    for (model, reference) in pairs {
        input.push_str(&format!("{}\t{}\n", model.display(), reference.display()));
    }
    let out = run_with_stdin(
        Command::new(python())
            .arg(root().join("scripts/keras_verify.py"))
            .args(["--flavor", flavor, "--many"])
            .env("TF_CPP_MIN_LOG_LEVEL", "3"),
        input.as_bytes(),
    );
    let text = stdout(&out);
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(
        lines.len(),
        pairs.len(),
        "keras_verify --flavor {flavor} --many: one line per model expected\nstdout:\n{text}\nstderr:\n{}",
        stderr(&out)
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "keras_verify crashed: {}", stderr(&out));
    lines
}
