//! `kerasfix show` on every shipped model: `--raw` is byte-exact and `--json` is the same JSON
//! that h5py / zipfile read, for every container kind.

mod common;

use common::*;
use std::ffi::OsStr;

/// The parts of every model as h5py / zipfile read them, from one tests/py/parts.py run.
fn parts_by_python(models: &[std::path::PathBuf]) -> Vec<(std::path::PathBuf, String, Vec<u8>)> {
    let args: Vec<&OsStr> = models.iter().map(|m| m.as_os_str()).collect();
    let out = py(&py_helper("parts.py"), &args);
    assert!(out.status.success(), "parts.py failed: {}", stderr(&out));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("parts.py JSON");
    let mut found = Vec::new();
    for model in models {
        let parts = map[&model.to_string_lossy().into_owned()].as_object().expect("parts of a model");
        for (name, b64) in parts {
            found.push((model.clone(), name.clone(), base64_decode(b64.as_str().expect("string"))));
        }
    }
    found
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for byte in text.bytes().filter(|&b| b != b'=') {
        let value = ALPHABET.iter().position(|&a| a == byte).expect("base64") as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn part_arg(name: &str) -> &'static str {
    match name {
        "model_config" | "config.json" => "config",
        "training_config" => "training",
        _ => "metadata",
    }
}

#[test]
fn raw_prints_exactly_the_stored_bytes_for_every_model() {
    let all = parts_by_python(&models());
    for (model, name, stored) in &all {
        let out = kerasfix([
            OsStr::new("show"),
            OsStr::new("--raw"),
            OsStr::new("--part"),
            OsStr::new(part_arg(name)),
            model.as_os_str(),
        ]);
        assert!(out.status.success(), "{} {name}: {}", model.display(), stderr(&out));
        assert_eq!(&out.stdout, stored, "{} {name}: --raw differs from the stored bytes", model.display());
    }
    assert!(all.len() >= 60, "only {} parts checked", all.len());
}

#[test]
fn json_output_equals_what_python_reads_for_every_model() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut manifest = String::new();
    let all = parts_by_python(&models());
    for (index, (model, name, _)) in all.iter().enumerate() {
        let out = kerasfix([
            OsStr::new("show"),
            OsStr::new("--json"),
            OsStr::new("--part"),
            OsStr::new(part_arg(name)),
            model.as_os_str(),
        ]);
        assert!(out.status.success(), "{} {name}: {}", model.display(), stderr(&out));
        let pretty = scratch.path().join(format!("{index}.json"));
        std::fs::write(&pretty, &out.stdout).expect("write");
        manifest.push_str(&format!("{}\t{name}\t{}\n", model.display(), pretty.display()));
    }
    let mut child = std::process::Command::new(python())
        .arg(py_helper("json_equal.py"))
        .arg("--many")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python");
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(manifest.as_bytes()).expect("write manifest");
    let cmp = child.wait_with_output().expect("wait");
    assert!(cmp.status.success(), "--json differs from Python's reading:\n{}", stdout(&cmp));
    assert!(all.len() >= 60, "only {} parts checked", all.len());
}

#[test]
fn pointer_selects_a_subtree() {
    let model = testdata().join("keras3/dense_seq.keras");
    let out = kerasfix([
        OsStr::new("show"),
        OsStr::new("--raw"),
        OsStr::new("--pointer"),
        OsStr::new("/class_name"),
        model.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "\"Sequential\"");
}

#[test]
fn summary_names_format_version_and_layers() {
    for (model, format, layer) in [
        ("keras3/dense_seq.h5", "HDF5", "Dense"),
        ("keras3/dense_seq.keras", "Keras v3 archive (.keras zip)", "Dense"),
        ("keras2/conv.h5", "HDF5", "DepthwiseConv2D"),
        ("keras3/unicode_names.keras", "Keras v3 archive", "嵌入"),
    ] {
        let out = kerasfix([OsStr::new("show"), testdata().join(model).as_os_str()]);
        assert!(out.status.success(), "{model}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(format), "{model}: no format line in\n{text}");
        assert!(text.contains("keras_version:  "), "{model}:\n{text}");
        assert!(text.contains(layer), "{model}: no `{layer}` in\n{text}");
    }
}

#[test]
fn weights_lists_datasets_without_reading_them() {
    for model in ["keras3/dense_seq.h5", "keras3/dense_seq.keras", "keras2/dense_seq.h5"] {
        let out = kerasfix([OsStr::new("show"), OsStr::new("--weights"), testdata().join(model).as_os_str()]);
        assert!(out.status.success(), "{model}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("float32"), "{model}: no dtype in\n{text}");
        assert!(text.lines().count() >= 4, "{model}: too few datasets in\n{text}");
    }
}

#[test]
fn weights_only_files_are_recognised_not_errors() {
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(testdata()) {
        let entry = entry.expect("walk");
        if entry.file_name().to_string_lossy().ends_with(".weights.h5") {
            let out = kerasfix([OsStr::new("show"), entry.path().as_os_str()]);
            assert!(out.status.success(), "{}: {}", entry.path().display(), stderr(&out));
            assert!(stdout(&out).contains("weights only"), "{}", stdout(&out));
            seen += 1;
        }
    }
    assert!(seen >= 2, "expected weights-only files in testdata");
}
