//! Hostile and broken inputs: whatever a model file holds, kerasfix reports it in one line that
//! names the file (exit 2), never panics, finishes in bounded time and memory (every run here is
//! under `timeout` and `prlimit --as`), writes nothing to the bad file, and goes on to fix the
//! good model given after it in the same batch.
//!
//! Decisions recorded here: duplicate JSON keys are a refusal (exit 2, nothing written), not a
//! finding, because Python keeps the last value and a fix of the first would edit bytes Keras
//! never reads; a zip with two entries of one name is refused for the same reason; `../` entry
//! names are never extracted (the archive is only spliced), so they are just not `config.json`.

mod common;

use common::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Address-space limit for every run: a JSON part is capped at 64 MiB, so a hostile file must
/// not need more than a few hundred MiB whatever it claims.
const MEMORY_LIMIT: u64 = 768 << 20;
/// Wall-clock limit for every run (debug build, 200 MB inputs included).
const TIME_LIMIT_SECS: u64 = 60;

/// Runs kerasfix under `timeout -s KILL` and `prlimit --as`, so a hang or a runaway allocation
/// fails the test instead of the machine.
fn bounded(args: &[&OsStr]) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new("timeout")
        .args(["-s", "KILL", &TIME_LIMIT_SECS.to_string()])
        .arg("prlimit")
        .arg(format!("--as={MEMORY_LIMIT}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_kerasfix"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .output()
        .expect("run kerasfix under timeout and prlimit");
    (out, start.elapsed())
}

fn hash(path: &Path) -> Vec<u8> {
    // Whole-file comparison; the files here are at most a few hundred MB and read once.
    std::fs::read(path).unwrap_or_default()
}

/// A damaged model (31 fixable floats) to give after the hostile input.
fn good_model(dir: &Path) -> PathBuf {
    let good = dir.join("zz_good.h5");
    std::fs::copy(testdata().join("damaged/conv.floats.h5"), &good).expect("copy good model");
    good
}

fn make(kind: &str, path: &Path) {
    let out = py(&py_helper("hostile_make.py"), &[OsStr::new(kind), path.as_os_str()]);
    assert!(out.status.success(), "hostile_make.py {kind}: {}", stderr(&out));
}

/// The contract for one hostile input, under both `check` and `fix`: exit 2, exactly one
/// `error:` line, naming the file and containing `expected`, no panic, the bad file unchanged,
/// and the good model after it checked (and then fixed).
fn assert_hostile(bad: &Path, expected: &str) {
    let dir = bad.parent().expect("parent");
    let name = bad.file_name().expect("name").to_string_lossy().into_owned();
    let before = hash(bad);
    for command in ["check", "fix"] {
        let good = good_model(dir);
        let (out, took) = bounded(&[OsStr::new(command), bad.as_os_str(), good.as_os_str()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{command} {name}: {err} (took {took:?})");
        assert!(!err.contains("panicked"), "{err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{command} {name}: expected one error line: {err}");
        assert!(errors[0].contains(&name), "error does not name {name}: {err}");
        assert!(errors[0].contains(expected), "expected `{expected}` in: {err}");
        assert_eq!(hash(bad), before, "{command} modified {name}");
        if command == "check" {
            assert!(stdout(&out).contains("zz_good.h5:model_config:"), "batch stopped: {}", stdout(&out));
        } else {
            assert!(stdout(&out).contains("fixed 31 fields in 1 files"), "batch stopped: {}", stdout(&out));
            let again = kerasfix([OsStr::new("check"), good.as_os_str()]);
            assert_eq!(again.status.code(), Some(0), "good model not fixed: {}", stdout(&again));
        }
    }
}

/// `kerasfix check PATH` with 256 MiB of address space.
fn check_within_256_mib(path: &Path) -> Output {
    Command::new("prlimit")
        .arg(format!("--as={}", 256u64 << 20))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_kerasfix"))
        .args([OsStr::new("check"), path.as_os_str()])
        .output()
        .expect("run kerasfix under prlimit")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn empty_and_random_files() {
    let dir = tempdir();
    let empty = dir.path().join("empty.h5");
    std::fs::write(&empty, b"").expect("write");
    assert_hostile(&empty, "empty file");
    // Deterministic noise (xorshift) that starts with neither signature.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let noise: Vec<u8> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    for name in ["noise.h5", "noise.keras"] {
        let path = dir.path().join(name);
        std::fs::write(&path, &noise[1..]).expect("write");
        assert_hostile(&path, "not a Keras model");
    }
    // Noise behind each signature: the detector says HDF5 or zip, the parser must then refuse.
    let h5 = dir.path().join("noise_sig.h5");
    std::fs::write(&h5, [b"\x89HDF\r\n\x1a\n".as_slice(), &noise].concat()).expect("write");
    assert_hostile(&h5, "HDF5");
    let zip = dir.path().join("noise_sig.keras");
    std::fs::write(&zip, [b"PK\x03\x04".as_slice(), &noise].concat()).expect("write");
    assert_hostile(&zip, "zip");
}

#[test]
fn truncated_models_at_many_lengths() {
    let dir = tempdir();
    for (source, expected) in [("keras3/conv.h5", "HDF5"), ("keras3/conv.keras", "zip")] {
        let full = std::fs::read(testdata().join(source)).expect("read");
        for fraction in [1, 10, 50, 90, 99] {
            let len = full.len() * fraction / 100;
            let ext = Path::new(source).extension().and_then(OsStr::to_str).expect("ext");
            let path = dir.path().join(format!("cut{fraction}.{ext}"));
            std::fs::write(&path, &full[..len]).expect("write");
            assert_hostile(&path, expected);
        }
    }
}

#[test]
fn hdf5_without_model_config_is_weights_only_not_an_error() {
    let dir = tempdir();
    let weights = dir.path().join("weights.h5");
    make("h5-weights-only", &weights);
    let before = hash(&weights);
    let good = good_model(dir.path());
    let (out, _) = bounded(&[OsStr::new("fix"), weights.as_os_str(), good.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error:"), "{}", stderr(&out));
    assert_eq!(hash(&weights), before);
    assert!(stdout(&out).contains("fixed 31 fields in 1 files"), "{}", stdout(&out));
}

#[test]
fn model_config_not_json_not_utf8_deep_or_odd_types() {
    let dir = tempdir();
    let cases = [
        ("h5-not-utf8", "not_utf8.h5", "invalid UTF-8"),
        ("h5-deep", "deep.h5", "nesting deeper than 1000 levels"),
        ("zip-deep", "deep.keras", "nesting deeper than 1000 levels"),
        ("h5-two-strings", "two_strings.h5", "holds 2 strings"),
        ("h5-int-attr", "int_attr.h5", "is not a string"),
        // libhdf5 loops forever on it: refused by the native reader, never handed over.
        ("h5-heap-free-0", "heap_free_0.h5", "corrupt HDF5 file: a global heap free-space object of size 0"),
    ];
    for (kind, name, _) in cases {
        make(kind, &dir.path().join(name));
    }
    for (_, name, expected) in cases {
        assert_hostile(&dir.path().join(name), expected);
    }
    // Not JSON at all, in both containers (make_bad.py, shared with tests/bad_input.rs).
    for (kind, name) in [("h5-bad-json", "bad_json.h5"), ("zip-bad-json", "bad_json.keras")] {
        let path = dir.path().join(name);
        let out = py(&py_helper("make_bad.py"), &[OsStr::new(kind), path.as_os_str()]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_hostile(&path, "JSON syntax error");
    }
}

#[test]
fn json_part_of_200_mb_is_refused_at_the_64_mib_limit() {
    let dir = tempdir();
    let zip = dir.path().join("huge.keras");
    make("zip-huge", &zip);
    assert_hostile(&zip, "larger than 64 MiB");
    // Fixed-length (h5py 2 style, dense attribute storage): refused before the buffer is made.
    let fixed = dir.path().join("huge_fixed.h5");
    make("h5-huge-fixed", &fixed);
    assert_hostile(&fixed, "more than 64 MiB");
}

#[test]
fn variable_length_model_config_of_200_mb_is_refused() {
    // libhdf5 reads a variable-length string whole before kerasfix can see its length. Under the
    // address-space limit the read fails cleanly; with more memory the text is read and refused
    // at the 64 MiB limit (a debug build of the bundled libhdf5 instead stops on an internal
    // assertion for heap objects over 32 MiB: see the reliability notes).
    let dir = tempdir();
    let vlen = dir.path().join("huge_vlen.h5");
    make("h5-huge", &vlen);
    assert_hostile(&vlen, "attribute `model_config`");
}

#[test]
fn duplicate_json_keys_are_refused_not_guessed() {
    let dir = tempdir();
    let path = dir.path().join("dup.h5");
    make("h5-dup-keys", &path);
    assert_hostile(&path, "duplicate key `units` in the object at /config/layers/1/config");
}

#[test]
fn hostile_zips() {
    let dir = tempdir();
    let cases = [
        ("zip-bad-crc", "bad_crc.keras", "checksum"),
        ("zip-two-configs", "two_configs.keras", "two entries share a name"),
        ("zip-bomb", "bomb.keras", "larger than 64 MiB"),
        ("zip-dotdot", "dotdot.keras", "no config.json"),
    ];
    for (kind, name, _) in cases {
        make(kind, &dir.path().join(name));
    }
    for (_, name, expected) in cases {
        assert_hostile(&dir.path().join(name), expected);
    }
    // Nothing was written outside the directory by the `../` names.
    assert!(!dir.path().parent().expect("parent").join("config.json").exists());
}

#[test]
fn zip_bomb_stops_at_the_cap_quickly_and_in_little_memory() {
    let dir = tempdir();
    let bomb = dir.path().join("bomb.keras");
    make("zip-bomb", &bomb);
    let compressed = std::fs::metadata(&bomb).expect("stat").len();
    assert!(compressed < 1 << 20, "the bomb is small on disk: {compressed}");
    // 100 MiB inflated from ~100 KB; refused at 64 MiB within 256 MiB of address space.
    let out = check_within_256_mib(&bomb);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("larger than 64 MiB"), "{}", stderr(&out));
}

/// Zip headers that claim far more than an entry holds size no buffer: twelve vocabulary assets
/// claiming 60 MiB each (a few bytes each in truth) are read within 256 MiB of address space.
#[test]
fn zip_entries_claiming_huge_sizes_cost_no_memory() {
    let dir = tempdir();
    let lying = dir.path().join("lying.keras");
    make("zip-lying-sizes", &lying);
    let out = check_within_256_mib(&lying);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("no problems in 1 models"), "{}", stdout(&out));
}

/// Many assets, each within the per-part cap, cannot add up past the per-model one: eight
/// vocabulary assets of 50 MiB each (400 KB compressed) are refused at 128 MiB in total, within
/// 256 MiB of address space, with one line naming the model, and the batch goes on.
#[test]
fn many_assets_stop_at_the_per_model_cap() {
    let dir = tempdir();
    let many = dir.path().join("many.keras");
    make("zip-many-assets", &many);
    let compressed = std::fs::metadata(&many).expect("stat").len();
    assert!(compressed < 1 << 20, "small on disk: {compressed}");
    let out = check_within_256_mib(&many);
    assert_eq!(out.status.code(), Some(2), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains("many.keras") && errors[0].contains("128 MiB in total"), "{}", errors[0]);
    // The summary counts the model among those that could not be read, not among the clean.
    assert_eq!(stdout(&out).trim(), "No problems in 0 models; 1 could not be read (see errors above).");
    assert_hostile(&many, "128 MiB in total");
}

/// A walked tree holding everything a walker can trip on, and one damaged model.
#[test]
fn walked_tree_with_loops_special_files_and_odd_names() {
    let dir = tempdir();
    let root = dir.path().join("tree");
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    // Symlink loops: a directory link back to the root, a self-referencing link named .h5,
    // and two links pointing at each other.
    std::os::unix::fs::symlink(&root, root.join("sub/back")).expect("symlink");
    std::os::unix::fs::symlink("self.h5", root.join("self.h5")).expect("symlink");
    std::os::unix::fs::symlink("b.keras", root.join("a.keras")).expect("symlink");
    std::os::unix::fs::symlink("a.keras", root.join("b.keras")).expect("symlink");
    // A FIFO and a socket named like models: opening the FIFO would block forever.
    let fifo = root.join("pipe.h5");
    let fifo_c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).expect("c path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo_c.as_ptr(), 0o644) }, 0, "mkfifo");
    let _socket = std::os::unix::net::UnixListener::bind(root.join("sock.keras")).expect("bind");
    // A character device named like a model: mknod as root, else a symlink to /dev/zero
    // (either way a walker that opened it would read forever).
    let device = root.join("zero.h5");
    let device_c = std::ffi::CString::new(device.as_os_str().as_bytes()).expect("c path");
    // SAFETY: a valid path; makedev(1, 5) is /dev/zero.
    let made = unsafe { libc::mknod(device_c.as_ptr(), libc::S_IFCHR | 0o644, libc::makedev(1, 5)) };
    if made != 0 {
        std::os::unix::fs::symlink("/dev/zero", &device).expect("symlink to /dev/zero");
    }
    std::os::unix::fs::symlink("/dev/zero", root.join("sub/zero_link.keras")).expect("symlink");
    // A directory named like a model without config.json, and a non-UTF-8 file name.
    std::fs::create_dir(root.join("x.keras")).expect("mkdir");
    let odd = root.join(OsStr::from_bytes(b"caf\xe9-\xff.h5"));
    std::fs::copy(testdata().join("damaged/conv.floats.h5"), &odd).expect("copy");

    let (out, took) = bounded(&[OsStr::new("fix"), root.as_os_str()]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(took < Duration::from_secs(30), "walk took {took:?}");
    // The only error is the x.keras directory; the damaged model with the odd name is fixed.
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains("x.keras") && errors[0].contains("no config.json"), "{err}");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(stdout(&out).contains("fixed 31 fields in 1 files"), "{}", stdout(&out));
    let again = kerasfix([OsStr::new("check"), odd.as_os_str()]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));

    // Named explicitly, special files are refused by type, never opened; loops by the OS error.
    for (name, expected) in [
        ("pipe.h5", "not a regular file"),
        ("sock.keras", "not a regular file"),
        ("zero.h5", "not a regular file"),
        ("self.h5", "symbolic links"),
        ("a.keras", "symbolic links"),
    ] {
        let path = root.join(name);
        let good = good_model(dir.path());
        let (out, took) = bounded(&[OsStr::new("fix"), path.as_os_str(), good.as_os_str()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(took < Duration::from_secs(30), "{name} took {took:?}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{name}: {err}");
        assert!(errors[0].contains(name) && errors[0].contains(expected), "{name}: {err}");
        assert!(stdout(&out).contains("fixed 31 fields in 1 files"), "{}", stdout(&out));
    }
}

#[test]
fn directory_named_keras_without_config_json() {
    let dir = tempdir();
    let model = dir.path().join("x.keras");
    std::fs::create_dir(&model).expect("mkdir");
    // Named explicitly it is walked like any directory: the error for it, and its weights file
    // is a weights-only model (not an error).
    std::fs::copy(testdata().join("keras3/dense_seq.weights.h5"), model.join("model.weights.h5"))
        .expect("copy");
    assert_hostile(&model, "no config.json");
}
