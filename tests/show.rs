//! `kerasfix show` on every shipped model: `--raw` is byte-exact and `--json` is the same JSON
//! that h5py / zipfile read, for every container kind.

mod common;

use common::*;
use std::ffi::OsStr;

/// The parts of `model` as h5py / zipfile read them, decoded from tests/py/parts.py.
fn parts_by_python(model: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let out = py(&py_helper("parts.py"), &[model.as_os_str()]);
    assert!(out.status.success(), "parts.py failed on {}: {}", model.display(), stderr(&out));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("parts.py JSON");
    map.into_iter().map(|(name, b64)| (name, base64_decode(b64.as_str().expect("string")))).collect()
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
    let mut checked = 0;
    for model in models() {
        for (name, stored) in parts_by_python(&model) {
            let out = kerasfix([
                OsStr::new("show"),
                OsStr::new("--raw"),
                OsStr::new("--part"),
                OsStr::new(part_arg(&name)),
                model.as_os_str(),
            ]);
            assert!(out.status.success(), "{} {name}: {}", model.display(), stderr(&out));
            assert_eq!(out.stdout, stored, "{} {name}: --raw differs from the stored bytes", model.display());
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} parts checked");
}

#[test]
fn json_output_equals_what_python_reads_for_every_model() {
    let script = py_helper("json_equal.py");
    let mut checked = 0;
    for model in models() {
        for (name, _) in parts_by_python(&model) {
            let out = kerasfix([
                OsStr::new("show"),
                OsStr::new("--json"),
                OsStr::new("--part"),
                OsStr::new(part_arg(&name)),
                model.as_os_str(),
            ]);
            assert!(out.status.success(), "{} {name}: {}", model.display(), stderr(&out));
            let pretty =
                std::env::temp_dir().join(format!("kerasfix-show-{}-{checked}.json", std::process::id()));
            std::fs::write(&pretty, &out.stdout).expect("write");
            let cmp = py(&script, &[model.as_os_str(), OsStr::new(&name), pretty.as_os_str()]);
            let _ = std::fs::remove_file(&pretty);
            assert!(
                cmp.status.success(),
                "{} {name}: --json differs: {}{}",
                model.display(),
                stdout(&cmp),
                stderr(&cmp)
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} parts checked");
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
