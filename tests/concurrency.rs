//! Concurrent runs over one tree: two `fix` runs at once lose no edit and corrupt nothing, and a
//! `check` looping beside `fix` never sees a half-written model.
//!
//! The per-directory `flock` held from read to rename serializes the two fixers per model; the
//! temp-and-rename write means a reader sees either the old file or the new one.

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// 9 copies of testdata/damaged (7 files, one of them with damaged vocabulary assets, and 1
/// unzipped archive each): 72 damaged models, some sharing a directory, some alone.
fn damaged_tree(root: &Path) -> Vec<PathBuf> {
    damaged_groups(root, 9)
}

/// `groups` copies of testdata/damaged, one directory each.
fn damaged_groups(root: &Path, groups: usize) -> Vec<PathBuf> {
    let mut models = Vec::new();
    for i in 0..groups {
        let dir = root.join(format!("group{i}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for entry in std::fs::read_dir(testdata().join("damaged")).expect("list") {
            let path = entry.expect("entry").path();
            models.push(copy_model(&path, &dir));
        }
    }
    models.sort();
    models
}

fn spawn(args: &[&OsStr]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kerasfix"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kerasfix")
}

/// Every byte of a model (for a directory: each file's name and bytes, in order).
fn content(path: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.expect("walk");
        all.extend(entry.path().strip_prefix(path).expect("prefix").to_string_lossy().as_bytes());
        if entry.file_type().is_file() {
            all.extend(std::fs::read(entry.path()).expect("read"));
        }
    }
    all
}

#[test]
fn two_fix_runs_over_the_same_tree_lose_nothing() {
    let (reference, expected) = fixed_once(9);
    for round in 0..3 {
        // The second run walks the tree in the other order half of the time (files listed).
        race(9, round % 2 == 1, &expected, &format!("round {round}"));
    }
    // The fixed models open in h5py / zipfile (every zip CRC checked) and the tree is clean.
    let files: Vec<&OsStr> = expected.iter().filter(|m| m.is_file()).map(|m| m.as_os_str()).collect();
    let mut args = vec![OsStr::new("--state")];
    args.extend(files);
    let opened = py(&py_helper("hostile_big.py"), &args);
    assert!(opened.status.success(), "{}", stderr(&opened));
    let check = kerasfix([OsStr::new("check"), reference.path().as_os_str()]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

/// A batch of more than 256 models is committed in chunks, each while the next is processed,
/// so two chunks' directory locks overlap; a second run taking the directories in the opposite
/// order must neither deadlock nor lose an edit.
#[test]
fn two_fix_runs_over_several_chunks_in_opposite_orders_lose_nothing() {
    let (_reference, expected) = fixed_once(90);
    assert!(expected.len() > 256, "{} models: not more than one chunk", expected.len());
    race(90, true, &expected, "several chunks");
}

/// One uninterrupted run over its own copy of `groups` groups: the expected result.
fn fixed_once(groups: usize) -> (tempfile::TempDir, Vec<PathBuf>) {
    let reference = tempfile::tempdir().expect("tempdir");
    let expected = damaged_groups(reference.path(), groups);
    let out = kerasfix([OsStr::new("fix"), reference.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (reference, expected)
}

/// Two `fix` runs at once over a fresh damaged tree; every model must end byte-identical to
/// `expected`, with no error and no temporary left.
fn race(groups: usize, reversed: bool, expected: &[PathBuf], label: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let models = damaged_groups(dir.path(), groups);
    assert!(models.len() >= 50);
    let first = spawn(&[OsStr::new("fix"), dir.path().as_os_str()]);
    let second = if reversed {
        let mut args: Vec<&OsStr> = vec![OsStr::new("fix")];
        args.extend(models.iter().rev().map(|m| m.as_os_str()));
        spawn(&args)
    } else {
        spawn(&[OsStr::new("fix"), dir.path().as_os_str()])
    };
    let (first, second) = (first.wait_with_output().expect("wait"), second.wait_with_output().expect("wait"));
    for out in [&first, &second] {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(0), "{label}: {err}");
        assert!(!err.contains("error:") && !err.contains("panicked"), "{label}: {err}");
    }
    // Every edit landed exactly once: each model is byte-identical to the single run's.
    for (model, reference_model) in models.iter().zip(expected) {
        assert_eq!(content(model), content(reference_model), "{label}: {} differs", model.display());
    }
    let leftovers: Vec<_> = walkdir::WalkDir::new(dir.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".kerasfix-tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{label}: temporaries left: {leftovers:?}");
}

#[test]
fn check_beside_fix_never_sees_a_half_written_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = tempfile::tempdir().expect("tempdir");
    let originals = damaged_tree(source.path());
    let models = damaged_tree(dir.path());
    let deadline = Instant::now() + Duration::from_secs(8);
    let (mut fixes, mut checks) = (0, 0);
    let mut fixer = spawn(&[OsStr::new("fix"), OsStr::new("-q"), dir.path().as_os_str()]);
    while Instant::now() < deadline || fixes < 2 {
        let out = kerasfix([OsStr::new("check"), OsStr::new("-q"), dir.path().as_os_str()]);
        checks += 1;
        let err = stderr(&out);
        assert!(
            !err.contains("error:") && !err.contains("panicked") && out.status.code() != Some(2),
            "check {checks} (during fix {fixes}) saw a broken model: {err}"
        );
        if let Some(status) = fixer.try_wait().expect("poll") {
            assert!(status.success(), "fix {fixes} failed");
            fixes += 1;
            // Damage the tree again (atomically, by rename, as any careful tool would) and
            // start the next fix.
            for (model, original) in models.iter().zip(&originals) {
                if model.is_file() {
                    let staged = model.with_extension("staged");
                    std::fs::copy(original, &staged).expect("copy");
                    std::fs::rename(&staged, model).expect("rename");
                }
            }
            fixer = spawn(&[OsStr::new("fix"), OsStr::new("-q"), dir.path().as_os_str()]);
        }
    }
    let _ = fixer.wait();
    eprintln!("{checks} checks ran beside {fixes} complete fixes of {} models", models.len());
    assert!(checks >= 5, "too few checks overlapped the fixes: {checks}");
}
