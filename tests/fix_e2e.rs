//! End to end: `kerasfix fix` is what makes damaged models load again in the real library.
//!
//! Every shipped test model (all containers, both flavours) is damaged the way real tools damage
//! models (`scripts/damage.py`, in each mode), the real library (Keras 3 for `keras3/`, tf-keras
//! for `keras2/`) is asked to load and run each damaged copy (most are refused; which ones is a
//! committed snapshot), then one `kerasfix fix` over the whole tree repairs them, and every fixed
//! copy must hold byte for byte the original's embedded JSON and predict exactly like the
//! reference outputs.
//!
//! Regenerate the snapshot with `KERASFIX_UPDATE_SNAPSHOTS=1 cargo test --test fix_e2e`.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const MODES: [&str; 3] = ["floats", "strings", "sequences"];

/// Damaged copies that `fix` is not yet asked to repair, because of a known product bug:
/// `(mode, model name, the bug)`; the name matches every container of that model in both
/// flavours. They are still damaged and loaded for the snapshot; they are left out of the
/// fixed tree and of every assertion after it. Remove an entry once its bug is fixed.
/// Damaged copies left out of the fix, with the reason. Empty: the last entry (ZeroPadding2D's
/// nested stringified tuples) was a bug in the schema's tuple expansion, fixed.
const EXCLUDED: &[(&str, &str, &str)] = &[];

fn excluded(mode: &str, model: &Path) -> Option<&'static str> {
    let name = model.file_name()?.to_str()?;
    let stem = name.split('.').next()?;
    EXCLUDED.iter().find(|(m, n, _)| *m == mode && *n == stem).map(|(_, _, bug)| *bug)
}

const SNAPSHOT: &str = "tests/snapshots/refused_before_fix.txt";

/// One damaged copy of one model.
struct Case {
    mode: &'static str,
    /// The undamaged model under testdata/.
    original: PathBuf,
    /// Its path relative to testdata/, e.g. `keras3/dense_seq.h5`.
    rel: String,
    /// The damaged copy, kept as damaged.
    damaged: PathBuf,
    /// A copy of the damaged copy, which `kerasfix fix` repairs.
    fixed: PathBuf,
    /// How many values damage.py changed (0 when the mode finds nothing to damage).
    changed: usize,
    /// Left out of the fix because of this known bug (see `EXCLUDED`).
    excluded: Option<&'static str>,
}

/// Damages `(mode, src, dst)` triples in one Python process; returns the number of values
/// changed in each, in order.
fn damage_many(jobs: &[(&str, &Path, &Path)]) -> Vec<usize> {
    let mut input = String::new();
    for (mode, src, dst) in jobs {
        input.push_str(&format!("{mode}\t{}\t{}\n", src.display(), dst.display()));
    }
    let out = run_with_stdin(
        Command::new(python()).arg(py_helper("e2e_damage_many.py")).env("TF_CPP_MIN_LOG_LEVEL", "3"),
        input.as_bytes(),
    );
    let text = stdout(&out);
    assert!(out.status.success(), "damage failed:\n{text}\n{}", stderr(&out));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), jobs.len(), "one result per job:\n{text}");
    lines
        .iter()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields[0], "ok", "{line}");
            fields[1].parse().expect("count")
        })
        .collect()
}

/// Verifies every case's `pick`ed copy, one keras_verify process per flavour, both flavours in
/// parallel; returns the result lines in case order.
fn verify_cases(cases: &[&Case], pick: fn(&Case) -> &Path) -> Vec<String> {
    let mut results = vec![String::new(); cases.len()];
    std::thread::scope(|scope| {
        let handles: Vec<_> = ["keras3", "tf-keras"]
            .into_iter()
            .map(|flavor| {
                let picked: Vec<usize> =
                    (0..cases.len()).filter(|&i| flavor_for(&cases[i].original) == flavor).collect();
                let pairs: Vec<(PathBuf, PathBuf)> = picked
                    .iter()
                    .map(|&i| (pick(cases[i]).to_path_buf(), reference_for(&cases[i].original)))
                    .collect();
                (picked, scope.spawn(move || verify_many(flavor, &pairs)))
            })
            .collect();
        for (picked, handle) in handles {
            for (i, line) in picked.into_iter().zip(handle.join().expect("verify thread")) {
                results[i] = line;
            }
        }
    });
    results
}

/// What `kerasfix show --raw` gave: its exit code and the stored bytes.
type Raw = (Option<i32>, Vec<u8>);

/// `kerasfix show --raw --part PART MODEL`: exit code and the stored bytes.
fn raw_part(model: &Path, part: &str) -> Raw {
    let out = kerasfix([
        OsStr::new("show"),
        OsStr::new("--raw"),
        OsStr::new("--part"),
        OsStr::new(part),
        model.as_os_str(),
    ]);
    (out.status.code(), out.stdout)
}

/// Runs `f` over `items` on a few threads (kerasfix calls are independent processes).
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    let chunk = items.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    })
}

/// The undamaged models (`testdata/keras3/`, `testdata/keras2/`); `testdata/damaged/` holds
/// demo copies that are damaged on purpose.
fn undamaged_models() -> Vec<PathBuf> {
    let flavours = [testdata().join("keras3"), testdata().join("keras2")];
    let found: Vec<PathBuf> =
        models().into_iter().filter(|m| flavours.iter().any(|f| m.starts_with(f))).collect();
    assert!(found.len() >= 40, "expected the shipped models in {flavours:?}, found {found:?}");
    found
}

fn rel_to_testdata(model: &Path) -> String {
    model.strip_prefix(testdata()).expect("model under testdata").to_string_lossy().into_owned()
}

/// The snapshot line of one damaged copy: temporary paths are replaced by `<tmp>` and memory
/// addresses by `0x…`, so the text is the same on every run.
fn snapshot_line(case: &Case, result: &str, tmp: &Path) -> String {
    let mut text = result.replace(&tmp.display().to_string(), "<tmp>");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex >= 6 {
            out.push('…');
            rest = &rest[hex..];
        }
    }
    out.push_str(rest);
    text = out;
    format!("{} {}: {text}", case.mode, case.rel)
}

#[test]
fn fix_makes_every_damaged_model_load_and_predict_like_the_original() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().expect("tempdir");
    let tmp_path = tmp.path().canonicalize().expect("canonical tmp");
    let models = undamaged_models();

    // 1. Damaged copies of every model in every mode, in one Python process.
    let mut cases = Vec::new();
    for mode in MODES {
        for model in &models {
            let rel = rel_to_testdata(model);
            cases.push(Case {
                excluded: excluded(mode, model),
                mode,
                original: model.clone(),
                damaged: tmp_path.join("damaged").join(mode).join(&rel),
                fixed: tmp_path.join("fixed").join(mode).join(&rel),
                rel,
                changed: 0,
            });
        }
    }
    let jobs: Vec<(&str, &Path, &Path)> =
        cases.iter().map(|c| (c.mode, c.original.as_path(), c.damaged.as_path())).collect();
    let counts = damage_many(&jobs);
    for (case, n) in cases.iter_mut().zip(counts) {
        case.changed = n;
        if case.excluded.is_some() {
            continue;
        }
        std::fs::create_dir_all(case.fixed.parent().expect("parent")).expect("mkdir");
        copy_model(&case.damaged, case.fixed.parent().expect("parent"));
    }
    let damaged_at = started.elapsed();
    let all: Vec<&Case> = cases.iter().collect();
    let fixing: Vec<&Case> = cases.iter().filter(|c| c.excluded.is_none()).collect();
    for case in cases.iter().filter(|c| c.excluded.is_some()) {
        eprintln!("NOT FIXED (known bug): {} {}", case.mode, case.rel);
    }

    // 2. The real library on the damaged copies (in the background), while kerasfix works on
    // the other copy of the tree.
    std::thread::scope(|scope| {
        let before = scope.spawn(|| verify_cases(&all, |c| &c.damaged));

        // `check` sees every damaged value; one `fix` over the whole tree repairs them all.
        let changed: usize = fixing.iter().map(|c| c.changed).sum();
        let damaged_files = fixing.iter().filter(|c| c.changed > 0).count();
        assert!(changed > 0 && damaged_files > fixing.len() / 2, "damage.py damaged too little");
        let out =
            kerasfix([OsStr::new("check"), OsStr::new("--quiet"), tmp_path.join("damaged").as_os_str()]);
        assert_eq!(out.status.code(), Some(1), "check on the damaged tree: {}{}", stdout(&out), stderr(&out));

        let out = kerasfix([OsStr::new("fix"), tmp_path.join("fixed").as_os_str()]);
        let (text, errors) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(0), "fix on the damaged tree:\n{text}\n{errors}");
        let summary = text.lines().last().unwrap_or_default();
        assert_eq!(
            summary,
            format!("fixed {changed} fields in {damaged_files} files"),
            "every value damage.py changed is fixed, once; full output:\n{text}\n{errors}"
        );

        // Fixed again: nothing left, nothing to do.
        let out = kerasfix([OsStr::new("check"), tmp_path.join("fixed").as_os_str()]);
        assert_eq!(out.status.code(), Some(0), "check after fix: {}{}", stdout(&out), stderr(&out));

        // 3. Byte for byte the original's embedded JSON: config, and training where present.
        let originals: BTreeMap<&Path, [Raw; 2]> = models
            .iter()
            .map(Path::new)
            .zip(par_map(&models, |m| [raw_part(m, "config"), raw_part(m, "training")]))
            .collect();
        let mismatches: Vec<String> = par_map(&fixing, |case| {
            let want = &originals[case.original.as_path()];
            let mut bad = Vec::new();
            for (i, part) in ["config", "training"].into_iter().enumerate() {
                let got = raw_part(&case.fixed, part);
                if got != want[i] {
                    bad.push(format!(
                        "{} {}: --part {part}: exit {:?} vs original {:?}; fixed:\n{}\noriginal:\n{}",
                        case.mode,
                        case.rel,
                        got.0,
                        want[i].0,
                        String::from_utf8_lossy(&got.1),
                        String::from_utf8_lossy(&want[i].1)
                    ));
                }
            }
            bad
        })
        .into_iter()
        .flatten()
        .collect();
        assert!(
            mismatches.is_empty(),
            "{} parts differ from the original:\n{}",
            mismatches.len(),
            mismatches.join("\n\n")
        );
        assert_eq!(originals.values().filter(|[c, _]| c.0 == Some(0)).count(), models.len());
        assert!(
            originals.values().filter(|[_, t]| t.0 == Some(0)).count() >= 10,
            "compiled models have a training part"
        );
        let fixed_at = started.elapsed();

        // 4. The real library on the damaged copies: the snapshot says which it refuses.
        let results = before.join().expect("verify damaged");
        let lines: Vec<String> =
            cases.iter().zip(&results).map(|(case, result)| snapshot_line(case, result, &tmp_path)).collect();
        let mut text = lines.join("\n");
        text.push('\n');
        let snapshot = root().join(SNAPSHOT);
        if std::env::var_os("KERASFIX_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
            std::fs::create_dir_all(snapshot.parent().expect("parent")).expect("mkdir");
            std::fs::write(&snapshot, &text).expect("write snapshot");
        } else {
            let want = std::fs::read_to_string(&snapshot).unwrap_or_else(|e| {
                panic!("{}: {e} (KERASFIX_UPDATE_SNAPSHOTS=1 writes it)", snapshot.display())
            });
            if want != text {
                let diff = similar_lines(&want, &text);
                panic!(
                    "damaged copies loaded differently from {SNAPSHOT} (rerun with KERASFIX_UPDATE_SNAPSHOTS=1 if intended):\n{diff}"
                );
            }
        }
        // Most damaged copies are refused outright: the damage matters, so the fix does.
        let (mut refused, mut total) = (0, 0);
        for (case, result) in cases.iter().zip(&results) {
            if case.mode != "sequences" {
                total += 1;
                refused += usize::from(result.starts_with("LOAD-ERROR"));
            }
            if case.changed == 0 {
                assert_eq!(result, "OK", "{} {}: undamaged copy must load", case.mode, case.rel);
            }
        }
        assert!(refused * 2 > total, "only {refused} of {total} floats/strings copies refused");
        for mode in MODES {
            let of_mode: Vec<&String> =
                cases.iter().zip(&results).filter(|(c, _)| c.mode == mode).map(|(_, r)| r).collect();
            let count = |prefix: &str| of_mode.iter().filter(|r| r.starts_with(prefix)).count();
            eprintln!(
                "{mode}: {} copies, {} refused (LOAD-ERROR), {} mispredicted (MISMATCH), {} OK",
                of_mode.len(),
                count("LOAD-ERROR"),
                count("MISMATCH"),
                count("OK")
            );
        }

        // 5. The real library on the fixed copies: every one loads and predicts like the reference.
        let after = verify_cases(&fixing, |c| &c.fixed);
        let failures: Vec<String> = fixing
            .iter()
            .zip(&after)
            .filter(|(_, r)| r.as_str() != "OK")
            .map(|(c, r)| format!("{} {}: {r}", c.mode, c.rel))
            .collect();
        assert!(failures.is_empty(), "fixed copies that do not load and predict:\n{}", failures.join("\n"));
        eprintln!(
            "{} damaged copies of {} models: damaged in {:.1?}, fixed and compared by {:.1?}, all verified by {:.1?}",
            cases.len(),
            models.len(),
            damaged_at,
            fixed_at,
            started.elapsed()
        );
    });
}

/// Lines only in `want` (`-`) or only in `got` (`+`), in order.
fn similar_lines(want: &str, got: &str) -> String {
    let want_set: std::collections::HashSet<&str> = want.lines().collect();
    let got_set: std::collections::HashSet<&str> = got.lines().collect();
    let mut out = String::new();
    for line in want.lines().filter(|l| !got_set.contains(l)) {
        out.push_str(&format!("- {line}\n"));
    }
    for line in got.lines().filter(|l| !want_set.contains(l)) {
        out.push_str(&format!("+ {line}\n"));
    }
    out
}

/// Every byte of a model: a file's content, or each file (and its relative name) of a directory.
fn all_bytes(path: &Path) -> Vec<(String, Vec<u8>)> {
    if path.is_dir() {
        walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("walk"))
            .map(|e| {
                let name = e.path().strip_prefix(path).expect("inside").to_string_lossy().into_owned();
                let bytes =
                    if e.file_type().is_file() { std::fs::read(e.path()).expect("read") } else { Vec::new() };
                (name, bytes)
            })
            .collect()
    } else {
        vec![(String::new(), std::fs::read(path).expect("read"))]
    }
}

fn dir_listing(dir: &Path) -> Vec<String> {
    all_bytes(dir).into_iter().map(|(name, _)| name).collect()
}

/// Floats-damaged copies of one `.h5`, one fixed-length `.h5`, one `.keras` and one unzipped
/// archive, made in `dir`.
fn damaged_sample(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let picks = [
        "keras3/dense_seq.h5",
        "keras2/embedding_lstm.fixedlen.h5",
        "keras3/conv.keras",
        "keras3/functional_mha.unzipped",
    ];
    let pairs: Vec<(PathBuf, PathBuf)> = picks
        .iter()
        .map(|rel| {
            let original = testdata().join(rel);
            assert!(original.exists(), "{} is missing", original.display());
            (original, dir.join(rel.replace('/', "-")))
        })
        .collect();
    let jobs: Vec<(&str, &Path, &Path)> =
        pairs.iter().map(|(o, d)| ("floats", o.as_path(), d.as_path())).collect();
    for (n, (original, _)) in damage_many(&jobs).into_iter().zip(&pairs) {
        assert!(n > 0, "{}: nothing damaged", original.display());
    }
    pairs
}

#[test]
fn check_finds_nothing_in_the_undamaged_testdata() {
    let dirs = [testdata().join("keras3"), testdata().join("keras2")];
    let weights_only = dirs
        .iter()
        .flat_map(walkdir::WalkDir::new)
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_name().to_string_lossy().ends_with(".weights.h5"))
        .filter(|e| !e.path().ancestors().skip(1).any(|a| a.join("config.json").is_file()))
        .count();
    let expected = undamaged_models().len() + weights_only;
    let out = kerasfix([OsStr::new("check"), dirs[0].as_os_str(), dirs[1].as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "false positives:\n{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out).trim(), format!("All checked: no problems in {expected} models."));
    assert_eq!(stderr(&out), "");

    let out = kerasfix([
        OsStr::new("check"),
        OsStr::new("--format"),
        OsStr::new("json"),
        dirs[0].as_os_str(),
        dirs[1].as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON array");
    assert_eq!(findings, serde_json::json!([]));

    // Nor does fix --dry-run want to change anything.
    let out =
        kerasfix([OsStr::new("fix"), OsStr::new("--dry-run"), dirs[0].as_os_str(), dirs[1].as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out).trim(), "would fix 0 fields in 0 files");
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let pairs = damaged_sample(tmp.path());
    let before: Vec<_> = pairs.iter().map(|(_, d)| all_bytes(d)).collect();
    let listing = dir_listing(tmp.path());

    let out = kerasfix([OsStr::new("fix"), OsStr::new("--dry-run"), tmp.path().as_os_str()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    let summary = text.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("would fix ") && summary.ends_with(&format!(" fields in {} files", pairs.len())),
        "{text}"
    );
    for (_, damaged) in &pairs {
        let name = damaged.file_name().expect("name").to_string_lossy();
        assert!(text.contains(&*name), "dry run does not list {name}:\n{text}");
    }
    assert!(text.contains("    fix: 8.0 -> 8"), "dry run shows the edits:\n{text}");
    let after: Vec<_> = pairs.iter().map(|(_, d)| all_bytes(d)).collect();
    assert!(before == after, "--dry-run changed a file");
    assert_eq!(dir_listing(tmp.path()), listing, "--dry-run left or removed files");

    // --dry-run --diff prints a unified diff, still writing nothing.
    let out =
        kerasfix([OsStr::new("fix"), OsStr::new("--dry-run"), OsStr::new("--diff"), tmp.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.starts_with("-") && l.contains("8.0")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("+") && !l.starts_with("+++")), "{text}");
    let after: Vec<_> = pairs.iter().map(|(_, d)| all_bytes(d)).collect();
    assert!(before == after, "--dry-run --diff changed a file");
    assert_eq!(dir_listing(tmp.path()), listing);
}

#[test]
fn backup_keeps_the_damaged_original_beside_the_fixed_model() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let pairs: Vec<_> = damaged_sample(tmp.path()).into_iter().filter(|(_, d)| d.is_file()).collect();
    assert_eq!(pairs.len(), 3);
    let before: Vec<Vec<u8>> = pairs.iter().map(|(_, d)| std::fs::read(d).expect("read")).collect();

    let mut args = vec![OsStr::new("fix"), OsStr::new("--backup")];
    args.extend(pairs.iter().map(|(_, d)| d.as_os_str()));
    let out = kerasfix(&args);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    for ((original, damaged), bytes) in pairs.iter().zip(&before) {
        let backup = PathBuf::from(format!("{}.bak", damaged.display()));
        assert_eq!(&std::fs::read(&backup).expect("backup exists"), bytes, "{}", backup.display());
        assert_ne!(&std::fs::read(damaged).expect("read"), bytes, "{} not fixed", damaged.display());
        assert_eq!(raw_part(damaged, "config"), raw_part(original, "config"), "{}", damaged.display());
        assert_eq!(raw_part(damaged, "training"), raw_part(original, "training"), "{}", damaged.display());
    }

    // A custom suffix; and nothing to fix means no backup is made.
    std::fs::create_dir(tmp.path().join("again")).expect("mkdir");
    let copy = copy_model(&pairs[0].1, &tmp.path().join("again"));
    let out = kerasfix([OsStr::new("fix"), OsStr::new("--backup=.orig"), copy.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!PathBuf::from(format!("{}.orig", copy.display())).exists(), "backup of an unchanged model");
    let damaged = tmp.path().join("again").join("second.h5");
    std::fs::write(&damaged, &before[0]).expect("write");
    let out = kerasfix([OsStr::new("fix"), OsStr::new("--backup=.orig"), damaged.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(std::fs::read(format!("{}.orig", damaged.display())).expect(".orig backup"), before[0]);
    assert_eq!(raw_part(&damaged, "config"), raw_part(&pairs[0].0, "config"));
}
