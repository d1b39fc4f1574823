//! End to end for INT007: the IntegerLookup vocabularies an adapted layer keeps in
//! `assets/.../vocabulary.txt`. Damaged copies of the shipped `vocab_assets` model (`.keras` zip
//! and unzipped directory, Keras 3 and tf-keras) are refused by the real library, and after
//! `kerasfix fix` they load and predict like the reference, with the asset bytes of the
//! original and every other entry or file exactly as it was. The StringLookup beside them,
//! whose vocabulary is numeric strings, is never read as integers.

mod common;

use common::*;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The integer vocabulary assets Keras wrote for `vocab_assets` (both libraries name them the
/// same): `integer_lookup_1` is the layer with an inline vocabulary, which writes none.
const INTEGER_ASSETS: [&str; 3] = [
    "assets/layers/integer_lookup/vocabulary.txt",
    "assets/layers/functional/layers/integer_lookup/vocabulary.txt",
    "assets/layers/integer_lookup_2/vocabulary.txt",
];
const STRING_ASSET: &str = "assets/layers/string_lookup/vocabulary.txt";

fn originals() -> Vec<PathBuf> {
    ["keras3/vocab_assets.keras", "keras3/vocab_assets.unzipped", "keras2/vocab_assets.keras"]
        .iter()
        .map(|rel| testdata().join(rel))
        .collect()
}

/// `scripts/damage.py --part vocabulary --mode MODE SRC DST`; the number of lines changed.
fn damage(mode: &str, src: &Path, dst: &Path) -> usize {
    let out = py(
        &root().join("scripts/damage.py"),
        &[
            OsStr::new("--part"),
            OsStr::new("vocabulary"),
            OsStr::new("--mode"),
            OsStr::new(mode),
            src.as_os_str(),
            dst.as_os_str(),
        ],
    );
    assert!(out.status.success(), "damage.py {mode} {}: {}", src.display(), stderr(&out));
    let text = stdout(&out);
    let count = text.strip_prefix("changed ").and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok());
    count.unwrap_or_else(|| panic!("damage.py said {text}"))
}

/// `keras_verify.py --many` in the model's own library on `(copy, original)` pairs, against the
/// original's reference outputs; one result line per copy.
fn verify(flavor: &str, models: &[(&Path, &Path)]) -> Vec<String> {
    let pairs: Vec<(PathBuf, PathBuf)> =
        models.iter().map(|(copy, original)| (copy.to_path_buf(), reference_for(original))).collect();
    verify_many(flavor, &pairs)
}

/// Every entry (zip) or file (directory) of a model: name and bytes. For a zip the bytes are
/// the entry's stored (compressed) data with its CRC, method and timestamp, so an entry copied
/// verbatim compares equal and a rewritten one does not.
fn entries(model: &Path) -> Vec<(String, Vec<u8>)> {
    if model.is_dir() {
        return walkdir::WalkDir::new(model)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("walk"))
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let name = e.path().strip_prefix(model).expect("inside").to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).expect("read"))
            })
            .collect();
    }
    let mut archive = zip::ZipArchive::new(std::fs::File::open(model).expect("open")).expect("zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index_raw(i).expect("entry");
            let mut bytes = format!(
                "{:08x} {:?} {:?} {:o}|",
                entry.crc32(),
                entry.compression(),
                entry.last_modified(),
                entry.unix_mode().unwrap_or(0)
            )
            .into_bytes();
            entry.read_to_end(&mut bytes).expect("read raw");
            (entry.name().expect("entry name").into_owned(), bytes)
        })
        .collect()
}

/// The decompressed text of one asset of a model.
fn asset(model: &Path, name: &str) -> Vec<u8> {
    if model.is_dir() {
        return std::fs::read(model.join(name)).expect("read asset");
    }
    let mut archive = zip::ZipArchive::new(std::fs::File::open(model).expect("open")).expect("zip");
    let mut text = Vec::new();
    archive.by_name(name).expect("asset entry").read_to_end(&mut text).expect("read");
    text
}

#[test]
fn fix_makes_damaged_vocabularies_load_and_restores_their_bytes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (damaged_root, fixed_root) = (tmp.path().join("damaged"), tmp.path().join("fixed"));
    std::fs::create_dir_all(&damaged_root).expect("mkdir");
    std::fs::create_dir_all(&fixed_root).expect("mkdir");
    // (original, damaged copy, fixed copy, lines damaged)
    let mut cases: Vec<(PathBuf, PathBuf, PathBuf, usize)> = Vec::new();
    for mode in ["floats", "savetxt"] {
        for original in originals() {
            let flavour = original.parent().and_then(Path::file_name).expect("flavour dir");
            let name = format!(
                "{}-{mode}-{}",
                flavour.to_string_lossy(),
                original.file_name().expect("name").to_string_lossy()
            );
            let damaged = damaged_root.join(&name);
            let lines = damage(mode, &original, &damaged);
            assert!(lines >= 10, "{name}: only {lines} lines damaged");
            let fixed = copy_model(&damaged, &fixed_root);
            cases.push((original, damaged, fixed, lines));
        }
    }

    // The real library refuses every damaged copy, because of the vocabulary: tf-keras says
    // `int()` refused a line, Keras 3 that the IntegerLookup objects could not be loaded.
    for flavor in ["keras3", "tf-keras"] {
        let picked: Vec<&(PathBuf, PathBuf, PathBuf, usize)> =
            cases.iter().filter(|c| flavor_for(&c.0) == flavor).collect();
        let damaged: Vec<(&Path, &Path)> = picked.iter().map(|c| (c.1.as_path(), c.0.as_path())).collect();
        for (case, result) in picked.iter().zip(verify(flavor, &damaged)) {
            let why = if flavor == "keras3" {
                "objects could not be loaded. Example error message for object <IntegerLookup"
            } else {
                "invalid literal for int() with base 10"
            };
            assert!(
                result.starts_with("LOAD-ERROR") && result.contains(why),
                "{}: not refused for its vocabulary: {result}",
                case.1.display()
            );
        }
    }

    // check sees every damaged line; one fix repairs them all.
    let total: usize = cases.iter().map(|c| c.3).sum();
    let out = kerasfix([
        OsStr::new("check"),
        OsStr::new("--format"),
        OsStr::new("concise"),
        damaged_root.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: Vec<String> =
        stdout(&out).lines().filter(|l| l.contains(" INT007 ")).map(str::to_owned).collect();
    assert_eq!(findings.len(), total, "{}", stdout(&out));
    assert!(findings.iter().all(|l| !l.contains(STRING_ASSET)), "a string vocabulary was judged");
    let out = kerasfix([OsStr::new("fix"), fixed_root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out).trim(), format!("fixed {total} fields in {} files", cases.len()));

    for (original, damaged, fixed, _) in &cases {
        // The integer assets are the original's, byte for byte; everything else is the
        // damaged copy's, untouched (the string vocabulary included).
        let (before, after) = (entries(damaged), entries(fixed));
        let names = |list: &[(String, Vec<u8>)]| list.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&before), names(&after), "{}: entries or files changed", fixed.display());
        for ((name, was), (_, now)) in before.iter().zip(&after) {
            if INTEGER_ASSETS.contains(&name.as_str()) {
                assert_eq!(asset(fixed, name), asset(original, name), "{}: {name}", fixed.display());
                assert_ne!(
                    asset(damaged, name),
                    asset(original, name),
                    "{}: {name} was not damaged",
                    damaged.display()
                );
            } else {
                assert!(was == now, "{}: {name} changed", fixed.display());
            }
        }
        assert_eq!(asset(fixed, STRING_ASSET), asset(original, STRING_ASSET));
    }

    // And the real library loads every fixed copy and predicts like the reference.
    for flavor in ["keras3", "tf-keras"] {
        let fixed: Vec<(&Path, &Path)> = cases
            .iter()
            .filter(|c| flavor_for(&c.0) == flavor)
            .map(|c| (c.2.as_path(), c.0.as_path()))
            .collect();
        for ((model, _), result) in fixed.iter().zip(verify(flavor, &fixed)) {
            assert_eq!(result, "OK", "{}", model.display());
        }
    }
}

/// One floats-damaged copy of the Keras 3 zip and of the unzipped directory, in `dir`.
fn damaged_pair(dir: &Path) -> [PathBuf; 2] {
    let zip = dir.join("vocab_assets.keras");
    let unzipped = dir.join("vocab_assets.unzipped");
    damage("floats", &testdata().join("keras3/vocab_assets.keras"), &zip);
    damage("floats", &testdata().join("keras3/vocab_assets.unzipped"), &unzipped);
    [zip, unzipped]
}

#[test]
fn json_records_of_asset_findings_carry_the_documented_fields() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let [zip, _] = damaged_pair(tmp.path());
    for (args, applied) in [
        (vec!["check", "--format", "json"], None),
        (vec!["fix", "--dry-run", "--format", "json"], Some(false)),
        (vec!["fix", "--format", "json"], Some(true)),
    ] {
        let mut all: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        all.push(zip.as_os_str());
        let out = kerasfix(&all);
        let records: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON array");
        let records = records.as_array().expect("array");
        // -1, 10, 20, 1000, 40, 30; -1, 4, 3; 0, -1, 7, 6, 5
        assert_eq!(records.len(), 14, "{args:?}: {records:?}");
        let first = &records[0];
        assert_eq!(first["path"], zip.display().to_string());
        assert_eq!(first["part"], "assets/layers/integer_lookup/vocabulary.txt");
        assert_eq!(first["pointer"], "line 1");
        assert_eq!(first["code"], "INT007");
        assert_eq!(first["name"], "vocabulary-asset-line");
        assert_eq!(first["severity"], "error");
        assert!(first["message"].as_str().is_some_and(|m| m.contains("-1.0")), "{first}");
        assert_eq!(first["fixable"], true);
        assert_eq!(first["old"], "-1.0");
        assert_eq!(first["new"], "-1");
        assert_eq!(first.get("applied").and_then(serde_json::Value::as_bool), applied, "{args:?}");
        let parts: std::collections::BTreeSet<&str> =
            records.iter().filter_map(|r| r["part"].as_str()).collect();
        assert_eq!(parts, INTEGER_ASSETS.into_iter().collect(), "{args:?}");
    }
    let out = kerasfix([OsStr::new("check"), zip.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "fixed: {}", stdout(&out));
}

#[test]
fn dry_run_diff_backup_and_selection_behave_as_for_json_rules() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let [zip, unzipped] = damaged_pair(tmp.path());
    let before = [snapshot(&zip), snapshot(&unzipped)];
    let run = |args: &[&str]| {
        let mut all: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        all.push(zip.as_os_str());
        all.push(unzipped.as_os_str());
        kerasfix(&all)
    };

    let out = run(&["check", "--ignore", "INT007"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = run(&["check", "--select", "INT007", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().filter(|l| l.contains(" INT007 ")).count(), 28, "{}", stdout(&out));
    assert!(
        stdout(&out)
            .contains("vocab_assets.unzipped:assets/layers/integer_lookup_2/vocabulary.txt:line 3: INT007")
    );
    let out = run(&["fix", "--ignore", "INT", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let out = run(&["fix", "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("    fix: 1000.0 -> 1000"), "{}", stdout(&out));
    assert_eq!(stdout(&out).lines().last(), Some("would fix 28 fields in 2 files"));
    let out = run(&["fix", "--dry-run", "--diff"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = stdout(&out);
    assert!(
        diff.contains("--- a/") && diff.contains(":assets/layers/integer_lookup/vocabulary.txt"),
        "{diff}"
    );
    assert!(diff.lines().any(|l| l == "-1000.0") && diff.lines().any(|l| l == "+1000"), "{diff}");
    assert_eq!([snapshot(&zip), snapshot(&unzipped)], before, "--dry-run wrote");

    let out = run(&["fix", "--backup"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(std::fs::read(format!("{}.bak", zip.display())).expect("zip backup"), before[0]);
    for name in INTEGER_ASSETS {
        let original = testdata().join("keras3/vocab_assets.unzipped");
        assert_eq!(asset(&zip, name), asset(&original, name), "{name}");
        assert_eq!(asset(&unzipped, name), asset(&original, name), "{name}");
        // A directory keeps each replaced file's original beside it, as for config.json.
        let backup = unzipped.join(format!("{name}.bak"));
        assert_ne!(std::fs::read(backup).expect("asset backup"), asset(&original, name));
    }
}

#[test]
fn only_the_vocabularies_keras_reads_as_integers_are_judged() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/vocab_assets.unzipped"), tmp.path());
    let out = kerasfix([OsStr::new("check"), model.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "undamaged: {}", stdout(&out));
    // Floats in the StringLookup's numeric vocabulary are strings to Keras; a file where the
    // inline-vocabulary IntegerLookup would keep one is never read; neither is a vocabulary
    // of an IntegerLookup held by a custom layer's attribute (path not from a layer list).
    for (name, text) in [
        (STRING_ASSET, "[UNK]\n10.0\n2.0"),
        ("assets/layers/integer_lookup_1/vocabulary.txt", "-1\n7.0"),
        ("assets/layers/integer_lookup_3/vocabulary.txt", "-1\n7.0"),
        ("assets/layers/holder/lookup/vocabulary.txt", "-1\n7.0"),
    ] {
        let path = model.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    let out = kerasfix([OsStr::new("check"), model.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "false positive: {}", stdout(&out));

    // What int() accepts is no finding; what it refuses without an integral value has no fix.
    let vocabulary = model.join(INTEGER_ASSETS[0]);
    std::fs::write(&vocabulary, "-1\n+10\n 20 \n1_000\n040\n30\n").expect("write");
    let out = kerasfix([OsStr::new("check"), model.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "accepted by int(): {}", stdout(&out));
    std::fs::write(&vocabulary, "-1\n10.5\n\n1e30\nten\n30").expect("write");
    let out = kerasfix([OsStr::new("fix"), OsStr::new("--format"), OsStr::new("concise"), model.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    for line in ["line 2", "line 3", "line 4", "line 5"] {
        assert!(text.contains(&format!("vocabulary.txt:{line}: INT007")), "{line} not reported:\n{text}");
    }
    assert!(text.ends_with("fixed 0 fields in 0 files; 4 problems remain with no automatic fix\n"), "{text}");
    assert_eq!(std::fs::read(&vocabulary).expect("read"), b"-1\n10.5\n\n1e30\nten\n30");
}

#[test]
fn show_lists_the_vocabulary_assets() {
    for model in ["keras3/vocab_assets.keras", "keras3/vocab_assets.unzipped", "keras2/vocab_assets.keras"] {
        let out = kerasfix([OsStr::new("show"), testdata().join(model).as_os_str()]);
        assert!(out.status.success(), "{model}: {}", stderr(&out));
        let text = stdout(&out);
        for name in INTEGER_ASSETS {
            assert!(text.contains(&format!("  part:           {name} (")), "{model}: no {name} in\n{text}");
        }
        assert!(!text.contains(STRING_ASSET), "{model}: lists the string vocabulary\n{text}");
    }
}

#[test]
fn an_oversized_vocabulary_is_refused_and_nothing_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let model = copy_model(&testdata().join("keras3/vocab_assets.unzipped"), tmp.path());
    let vocabulary = model.join(INTEGER_ASSETS[0]);
    std::fs::write(&vocabulary, "10.0\n".repeat(14 << 20)).expect("write");
    let before = snapshot(&model);
    let out = kerasfix([OsStr::new("fix"), model.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let errors = stderr(&out);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("vocab_assets.unzipped") && errors.contains("larger than 64 MiB"), "{errors}");
    assert!(snapshot(&model) == before, "a refused model was written");
}
