//! `kerasfix edit` driven by fake editors (small shell scripts): an edit of one value in the
//! pretty-printed buffer changes only that value's bytes in the stored compact JSON, invalid
//! JSON re-opens the editor with the error on top, and a failed, cancelled or unchanged edit
//! writes nothing.

mod common;

use common::*;

fn rate_pointer(model: &std::path::Path) -> String {
    format!("{}/config/rate", layer_pointer(model, "Dropout"))
}
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `kerasfix edit MODEL` with `$VISUAL` (or `$EDITOR`) set and temporaries in `tmp`.
fn edit(model: &Path, variable: &str, editor: &str, tmp: &Path) -> Output {
    std::fs::create_dir_all(tmp).expect("mkdir tmp");
    Command::new(env!("CARGO_BIN_EXE_kerasfix"))
        .args([OsStr::new("edit"), model.as_os_str()])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::var_os("HOME").unwrap_or_default())
        .env("TMPDIR", tmp)
        .env(variable, editor)
        .stdin(Stdio::null())
        .output()
        .expect("run kerasfix")
}

/// Writes an executable shell script; `$1` is the file to edit.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\nset -e\n{body}\n")).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

fn assert_no_temporaries(tmp: &Path) {
    let left: Vec<_> = std::fs::read_dir(tmp).expect("tmp").map(|e| e.expect("entry").file_name()).collect();
    assert!(left.is_empty(), "temporaries left behind: {left:?}");
}

#[test]
fn a_sed_edit_changes_only_that_value() {
    for (relative, part) in [
        ("keras3/dense_seq.h5", "model_config"),
        ("keras3/dense_seq.keras", "config.json"),
        ("keras3/dense_seq.unzipped", "config.json"),
    ] {
        let original = testdata().join(relative);
        let scratch = tempfile::tempdir().expect("tempdir");
        let model = copy_model(&original, scratch.path());
        let pointer = rate_pointer(&model);
        let old = String::from_utf8(show_raw(&model, &pointer)).expect("utf8");
        let before = show_raw(&model, "");
        let print =
            py(&py_helper("fingerprint.py"), &[model.as_os_str(), OsStr::new("--skip"), OsStr::new(part)]);
        let editor =
            script(scratch.path(), "ed.sh", &format!("sed -i 's/\"rate\": {old},/\"rate\": 0.125,/' \"$1\""));
        let tmp = scratch.path().join("tmp");

        let out = edit(&model, "VISUAL", &editor.to_string_lossy(), &tmp);
        assert_eq!(out.status.code(), Some(0), "{relative}: {}", stderr(&out));
        assert!(stdout(&out).contains(&format!("{part}: 1 change written")), "{relative}: {}", stdout(&out));
        let after = show_raw(&model, "");
        assert_eq!(show_raw(&model, &pointer), b"0.125", "{relative}");
        // Only the value's bytes differ; the editor's indented layout did not leak in.
        let (removed, inserted) = differing_middles(&before, &after);
        assert!(
            old.contains(std::str::from_utf8(removed).expect("utf8"))
                && "0.125".contains(std::str::from_utf8(inserted).expect("utf8")),
            "{relative}: -{:?} +{:?}",
            String::from_utf8_lossy(removed),
            String::from_utf8_lossy(inserted)
        );
        assert_eq!(after.len() + old.len(), before.len() + "0.125".len(), "{relative}");
        let print_after =
            py(&py_helper("fingerprint.py"), &[model.as_os_str(), OsStr::new("--skip"), OsStr::new(part)]);
        assert_eq!(stdout(&print_after), stdout(&print), "{relative}: something besides {part} changed");
        assert_no_temporaries(&tmp);
        if relative.ends_with(".h5") {
            let verify = py(
                &root().join("scripts/keras_verify.py"),
                &[
                    OsStr::new("--flavor"),
                    OsStr::new("keras3"),
                    model.as_os_str(),
                    OsStr::new("--ref"),
                    reference_for(&original).as_os_str(),
                ],
            );
            assert!(verify.status.success(), "{}{}", stdout(&verify), stderr(&verify));
        }
    }
}

#[test]
fn invalid_json_reopens_the_editor_with_the_error() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.keras"), scratch.path());
    let pointer = rate_pointer(&model);
    let old = String::from_utf8(show_raw(&model, &pointer)).expect("utf8");
    let dir = scratch.path().display().to_string();
    // First call: break the JSON. Second call: keep what it was given, then repair it.
    let body = format!(
        "n=$(cat '{dir}/count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{dir}/count'\n\
         cp \"$1\" '{dir}/buffer'$n\n\
         if [ $n = 1 ]; then sed -i 's/\"rate\": {old},/\"rate\": 0.5,,/' \"$1\"; \
         else sed -i 's/\"rate\": 0.5,,/\"rate\": 0.5,/' \"$1\"; fi"
    );
    let editor = script(scratch.path(), "ed.sh", &body);
    let tmp = scratch.path().join("tmp");
    // With arguments in the variable, as `VISUAL="code --wait"` would be.
    let out = edit(&model, "EDITOR", &format!("sh {}", editor.display()), &tmp);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(scratch.path().join("count")).expect("count").trim(), "2");
    let second = std::fs::read_to_string(scratch.path().join("buffer2")).expect("second buffer");
    assert!(
        second.starts_with("# kerasfix: the edited JSON cannot be used: JSON syntax error at line "),
        "{second}"
    );
    assert!(second.contains("\"rate\": 0.5,,"), "the user's text was not kept: {second}");
    assert_eq!(show_raw(&model, &pointer), b"0.5");
    assert_no_temporaries(&tmp);
}

#[test]
fn a_failing_editor_writes_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.h5"), scratch.path());
    let before = snapshot(&model);
    let editor =
        script(scratch.path(), "ed.sh", "sed -i 's/\"rate\": [0-9.]*/\"rate\": 0.9/' \"$1\"\nexit 1");
    let tmp = scratch.path().join("tmp");
    let out = edit(&model, "VISUAL", &editor.to_string_lossy(), &tmp);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("exited with status 1") && message.contains("nothing written"), "{message}");
    assert_eq!(snapshot(&model), before, "the model changed");
    assert_no_temporaries(&tmp);
}

#[test]
fn unchanged_or_emptied_saves_write_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/dense_seq.unzipped"), scratch.path());
    let before = snapshot(&model);
    let config = model.join("config.json");
    let stamp = std::fs::metadata(&config).expect("meta").modified().expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let tmp = scratch.path().join("tmp");
    for (name, body) in [
        ("touch.sh", "touch \"$1\""),
        ("empty.sh", ": > \"$1\""),
        ("comments.sh", "echo '# nothing' > \"$1\""),
    ] {
        let editor = script(scratch.path(), name, body);
        let out = edit(&model, "VISUAL", &editor.to_string_lossy(), &tmp);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains("edit cancelled, nothing written"), "{name}: {}", stdout(&out));
        assert_eq!(snapshot(&model), before, "{name}: the model changed");
        assert_eq!(std::fs::metadata(&config).expect("meta").modified().expect("mtime"), stamp, "{name}");
    }
    assert_no_temporaries(&tmp);
}

#[test]
fn a_new_member_goes_in_compact_and_in_place() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras2/dense_seq.keras"), scratch.path());
    let before = show_raw(&model, "");
    // Insert a member before `"name": "dense_seq"` in the pretty buffer.
    let editor = script(
        scratch.path(),
        "ed.sh",
        "sed -i '0,/\"name\": \"dense_seq\"/s//\"kerasfix_note\": [\"\\\\u00e9\", 1.0],\\n    \"name\": \"dense_seq\"/' \"$1\"",
    );
    let tmp = scratch.path().join("tmp");
    let out = edit(&model, "VISUAL", &editor.to_string_lossy(), &tmp);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = show_raw(&model, "");
    let expected = String::from_utf8(before).expect("utf8").replacen(
        r#"{"name": "dense_seq""#,
        r#"{"kerasfix_note": ["\u00e9", 1.0], "name": "dense_seq""#,
        1,
    );
    assert_eq!(String::from_utf8_lossy(&after), expected);
    assert_eq!(show_raw(&model, "/config/kerasfix_note"), br#"["\u00e9", 1.0]"#);
}
