//! `.keras` archives are read through two windows, their head and their tail, with the file
//! read directly for anything between (`container::archive::ArchiveSource`). Keras writes the
//! JSON entries first, but other tools re-zip archives in any order, compress them, add
//! entries or a comment: every layout must read exactly what Python's zipfile reads, and a fix
//! must land in the right entry.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Re-zips a real Keras archive in the layout named by argv[3]; prints nothing.
const MAKE: &str = r#"
import os, sys, zipfile
src, dst, layout = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(src) as z:
    meta, config, weights = z.read("metadata.json"), z.read("config.json"), z.read("model.weights.h5")
# Damage one integer so that check and fix have work to do in every layout.
config = config.replace(b'"units": 16,', b'"units": 16.0,', 1)
assert b'"units": 16.0,' in config
# A config larger than the head window: pad the model's name field with spaces inside JSON.
if layout in ("big-deflated", "weights-first"):
    config = config[:-1] + b', "kerasfix_padding": "' + b"x" * 100_000 + b'"}'
method = zipfile.ZIP_DEFLATED if layout == "big-deflated" else zipfile.ZIP_STORED
with zipfile.ZipFile(dst, "w", method) as z:
    if layout == "weights-first":
        z.writestr("model.weights.h5", weights + os.urandom(300_000))
    z.writestr("metadata.json", meta)
    if layout == "many-entries":
        # Enough entries that the central directory is larger than the tail window.
        for i in range(400):
            z.writestr("assets/notes/file_%03d.txt" % i, b"note %d\n" % i)
    z.writestr("config.json", config)
    if layout != "weights-first":
        z.writestr("model.weights.h5", weights)
    if layout == "long-comment":
        z.comment = b"c" * 60_000
"#;

/// Prints an entry of an archive as stored, as Python reads it.
const READ: &str = r#"
import sys, zipfile
sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))
"#;

fn python_entry(archive: &Path, name: &str) -> Vec<u8> {
    let out = Command::new(python()).arg("-c").arg(READ).arg(archive).arg(name).output().expect("python");
    assert!(out.status.success(), "{}", stderr(&out));
    out.stdout
}

#[test]
fn every_layout_reads_as_python_reads_it_and_fixes_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = testdata().join("keras3/dense_seq.keras");
    for layout in ["keras-order", "weights-first", "big-deflated", "many-entries", "long-comment"] {
        let model = dir.path().join(format!("{layout}.keras"));
        let out = Command::new(python())
            .arg("-c")
            .arg(MAKE)
            .arg(&source)
            .arg(&model)
            .arg(layout)
            .output()
            .expect("python");
        assert!(out.status.success(), "{layout}: {}", stderr(&out));

        for (part, entry) in [("config", "config.json"), ("metadata", "metadata.json")] {
            let shown = kerasfix([
                "show".as_ref(),
                "--raw".as_ref(),
                "--part".as_ref(),
                part.as_ref(),
                model.as_os_str(),
            ]);
            assert!(shown.status.success(), "{layout} {part}: {}", stderr(&shown));
            assert_eq!(shown.stdout, python_entry(&model, entry), "{layout}: {entry} differs from zipfile's");
        }

        let check = kerasfix(["check".as_ref(), "--select".as_ref(), "INT".as_ref(), model.as_os_str()]);
        assert_eq!(check.status.code(), Some(1), "{layout}: {}{}", stdout(&check), stderr(&check));
        assert!(stdout(&check).contains("units"), "{layout}: {}", stdout(&check));

        let fix = kerasfix(["fix".as_ref(), "--select".as_ref(), "INT".as_ref(), model.as_os_str()]);
        assert_eq!(fix.status.code(), Some(0), "{layout}: {}{}", stdout(&fix), stderr(&fix));
        let config = python_entry(&model, "config.json");
        let text = String::from_utf8_lossy(&config);
        assert!(
            text.contains(r#""units": 16,"#) && !text.contains(r#""units": 16.0"#),
            "{layout}: not fixed"
        );
        let again = kerasfix(["check".as_ref(), "--select".as_ref(), "INT".as_ref(), model.as_os_str()]);
        assert_eq!(again.status.code(), Some(0), "{layout}: {}", stdout(&again));
    }
}
