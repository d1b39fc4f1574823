//! A rewritten `config.json` changes length, which shifts every entry after it. Behind a big
//! entry (the weights) kerasfix pads the rewritten entry's local header (extra field 0xD935, as
//! Android's `zipalign` does) so the weights keep their offset modulo 4096: the kernel copies
//! page-aligned ranges about twice as fast. Python's zipfile (which Keras loads with) must read
//! every entry, CRCs checked, and a second edit must replace the padding, not add to it.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Per entry (name, data offset modulo 4096, local extra-field length, CRC), and zipfile's
/// `testzip()` verdict, from Python.
const INSPECT: &str = r#"
import struct, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z, open(path, "rb") as f:
    for info in z.infolist():
        f.seek(info.header_offset)
        header = f.read(30)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        data = info.header_offset + 30 + name_len + extra_len
        print(info.filename, data % 4096, extra_len, info.CRC)
    print("testzip", z.testzip())
"#;

fn inspect(model: &Path) -> Vec<String> {
    let out = Command::new(python()).arg("-c").arg(INSPECT).arg(model).output().expect("run python");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_owned).collect()
}

fn entry<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
    lines
        .iter()
        .find(|l| l.starts_with(&format!("{name} ")))
        .map(|l| l.split(' ').collect())
        .unwrap_or_else(|| panic!("no {name} in {lines:?}"))
}

#[test]
fn entries_behind_a_rewritten_config_keep_their_page_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("big.keras");
    // A real archive's JSON entries in Keras's order, then 20 MiB of weights-sized data.
    let make = r#"
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z:
    meta, config = z.read("metadata.json"), z.read("config.json")
with zipfile.ZipFile(dst, "w") as z:
    z.writestr("metadata.json", meta)
    z.writestr("config.json", config)
    z.writestr("model.weights.h5", os.urandom(20 << 20))
"#;
    let source = testdata().join("keras3/dense_seq.keras");
    let out = Command::new(python()).arg("-c").arg(make).arg(&source).arg(&model).output().expect("python");
    assert!(out.status.success(), "{}", stderr(&out));
    let before = inspect(&model);
    assert_eq!(before.last().map(String::as_str), Some("testzip None"));

    for (round, name) in ["\"a_model_name_longer_than_the_original_one\"", "\"m\""].iter().enumerate() {
        let out = kerasfix([
            std::ffi::OsStr::new("set"),
            model.as_os_str(),
            "/config/name".as_ref(),
            name.as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(0), "round {round}: {}", stderr(&out));
        let after = inspect(&model);
        assert_eq!(after.last().map(String::as_str), Some("testzip None"), "round {round}: {after:?}");
        let (weights_before, weights_after) =
            (entry(&before, "model.weights.h5"), entry(&after, "model.weights.h5"));
        // Same CRC, same offset modulo 4096, its own header untouched.
        assert_eq!(weights_after, weights_before, "round {round}: {after:?}");
        assert_eq!(entry(&after, "metadata.json"), entry(&before, "metadata.json"), "round {round}");
        let config_extra: usize = entry(&after, "config.json")[2].parse().expect("extra length");
        assert!(
            (4..4100).contains(&config_extra),
            "round {round}: one padding record, not an accumulation: {config_extra} bytes ({after:?})"
        );
        assert_eq!(show_raw(&model, "/config/name"), name.as_bytes(), "round {round}");
    }
}

#[test]
fn small_archives_are_spliced_without_padding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), dir.path());
    let before = inspect(&model);
    let out = kerasfix([
        std::ffi::OsStr::new("set"),
        model.as_os_str(),
        "/config/name".as_ref(),
        "\"renamed\"".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = inspect(&model);
    assert_eq!(entry(&after, "config.json")[2], entry(&before, "config.json")[2], "no extra field added");
    assert_eq!(after.last().map(String::as_str), Some("testzip None"));
}
