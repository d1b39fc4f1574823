//! The native HDF5 root-attribute reader (`src/container/h5native*`) against libhdf5.
//!
//! 1. Agreement: every `.h5` under testdata/ and a set of files generated here with h5py
//!    (latest format, user blocks, continuation chunks, large and fixed-length strings, arrays,
//!    creation order, dense storage) read natively exactly as libhdf5 reads them, or fall back
//!    where the reader is meant to.
//! 2. Hostile: one-byte mutations of every metadata byte, seeded random mutations and
//!    truncations of real files: the native reader never panics, and whenever it returns data
//!    that libhdf5 can also read, the two agree. Outcome counts are printed
//!    (`cargo test --release --test h5native -- --nocapture`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{python, stderr, testdata};
use kerasfix::container::h5::{self, RootAttrs};
use kerasfix::container::{ContainerError, Fallback};

fn native(path: &Path) -> Result<RootAttrs, Fallback> {
    h5::read_root_native(path)
}

fn libhdf5(path: &Path) -> Result<RootAttrs, ContainerError> {
    h5::read_root_libhdf5(path)
}

fn h5_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "h5"))
        .map(|e| e.path().to_path_buf())
        .collect();
    found.sort();
    found
}

#[test]
fn every_shipped_h5_file_reads_natively_exactly_as_libhdf5_reads_it() {
    let files = h5_files_under(&testdata());
    assert!(files.len() >= 30, "expected the shipped .h5 files, found {}", files.len());
    let mut weights_only = 0;
    for file in &files {
        let reference = libhdf5(file).unwrap_or_else(|e| panic!("{}: libhdf5: {e}", file.display()));
        // All of them were written by h5py with default settings: none may fall back.
        let read = native(file).unwrap_or_else(|why| panic!("{}: fell back: {why:?}", file.display()));
        assert_eq!(read, reference, "{}", file.display());
        weights_only += usize::from(read.model_config.is_none());
    }
    assert!(weights_only >= 4, "the *.weights.h5 files are weights-only ({weights_only})");
    println!("{} shipped .h5 files agree ({weights_only} weights-only)", files.len());
}

/// Generated with h5py: (file name, whether the native reader must read it, Python body that
/// writes `path`). `S` is a helper writing a fixed-length string attribute with explicit pad
/// and character set, bypassing h5py's own conversions.
const GENERATED: &[(&str, bool, &str)] = &[
    ("latest.h5", true, "with h5py.File(path, 'w', libver='latest') as f:\n    base(f)"),
    ("v110.h5", true, "with h5py.File(path, 'w', libver=('v110', 'latest')) as f:\n    base(f)"),
    ("userblock.h5", true, "with h5py.File(path, 'w', userblock_size=512) as f:\n    base(f)"),
    (
        "userblock_4k_latest.h5",
        true,
        "with h5py.File(path, 'w', userblock_size=4096, libver='latest') as f:\n    base(f)",
    ),
    (
        "continuations.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    base(f)\n    for i in range(60):\n        f.attrs[f'extra{i}'] = 'x' * (500 + i)\n    f.attrs['training_config'] = '{\"loss\": \"mse\"}'",
    ),
    (
        "continuations_latest.h5",
        true,
        // Datasets allocated between the attributes keep chunk 0 from growing in place, so
        // libhdf5 adds "OCHK" continuation chunks (6 of them).
        "with h5py.File(path, 'w', libver='latest') as f:\n    f.attrs['keras_version'] = '3.1'\n    for i in range(6):\n        f.attrs[f'extra{i}'] = 'y' * 3000\n        f.create_dataset(f'd{i}', data=np.ones(100))\n    f.attrs['model_config'] = CONFIG",
    ),
    (
        "track_order_latest.h5",
        true,
        "with h5py.File(path, 'w', libver='latest', track_order=True) as f:\n    base(f)",
    ),
    (
        "large_vlen.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    base(f)\n    f.attrs['model_config'] = '{\"pad\": \"' + 'z' * 300000 + '\"}'",
    ),
    (
        "large_vlen_latest.h5",
        true,
        "with h5py.File(path, 'w', libver='latest') as f:\n    base(f)\n    f.attrs['model_config'] = '{\"pad\": \"' + 'z' * 100000 + '\"}'",
    ),
    (
        "bytes_ascii.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    f.attrs['model_config'] = CONFIG.encode()\n    f.attrs['keras_version'] = b'2.21.0'\n    f.attrs['backend'] = b'tensorflow'",
    ),
    (
        "fixed_paddings.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    S(f, 'model_config', CONFIG.encode(), 'NULLPAD', 'ASCII')\n    S(f, 'training_config', b'{\"a\": 1}  ', 'SPACEPAD', 'UTF8')\n    S(f, 'keras_version', b'2.21', 'NULLTERM', 'ASCII', size=4)\n    S(f, 'backend', 'caf\\u00e9'.encode(), 'NULLTERM', 'UTF8', size=12)",
    ),
    (
        "fixed_paddings_latest.h5",
        true,
        "with h5py.File(path, 'w', libver='latest') as f:\n    S(f, 'model_config', CONFIG.encode(), 'SPACEPAD', 'ASCII', size=len(CONFIG) + 9)\n    S(f, 'training_config', b'{}\\x00junk', 'NULLPAD', 'UTF8')\n    S(f, 'keras_version', b'3', 'NULLTERM', 'UTF8', size=1)",
    ),
    (
        "fixed_large.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    base(f)\n    S(f, 'model_config', ('{\"pad\": \"' + 'q' * 60000 + '\"}').encode(), 'NULLPAD', 'ASCII')",
    ),
    (
        "two_strings.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    base(f)\n    f.attrs.create('model_config', ['{}', '{\"b\": 2}'], dtype=h5py.string_dtype())\n    f.attrs.create('training_config', np.array([b'ab', b'c'], dtype='S2'))",
    ),
    (
        "empty_strings.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    f.attrs['model_config'] = ''\n    f.attrs['backend'] = b''\n    f.attrs.create('training_config', ['', 'x', ''], dtype=h5py.string_dtype('ascii'))",
    ),
    (
        "weights_only.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    f.create_dataset('w/kernel', data=np.ones((3, 4), 'f4'))",
    ),
    (
        "layer_names.h5",
        true,
        "with h5py.File(path, 'w') as f:\n    base(f)\n    f.attrs['layer_names'] = np.array([b'dense', b'dense_1'], dtype='S7')",
    ),
    ("sizes_4_4.h5", true, "SIZES(path, 4, 4)"),
    ("sizes_2_2.h5", true, "SIZES(path, 2, 2)"),
    ("sizes_8_4.h5", true, "SIZES(path, 8, 4)"),
    ("sizes_4_8.h5", true, "SIZES(path, 4, 8)"),
    (
        "dense_attributes.h5",
        false,
        "with h5py.File(path, 'w', libver='latest') as f:\n    base(f)\n    for i in range(12):\n        f.attrs[f'extra{i}'] = i",
    ),
    (
        "dense_track_order.h5",
        false,
        "with h5py.File(path, 'w', libver='latest', track_order=True) as f:\n    for i in range(12):\n        f.attrs[f'extra{i}'] = str(i)\n    base(f)",
    ),
    (
        "int_version.h5",
        false,
        "with h5py.File(path, 'w') as f:\n    f.attrs['model_config'] = CONFIG\n    f.attrs['keras_version'] = np.int64(3)",
    ),
    (
        "null_dataspace.h5",
        false,
        "with h5py.File(path, 'w') as f:\n    base(f)\n    f.attrs['training_config'] = h5py.Empty('S10')",
    ),
    (
        "matrix_attribute.h5",
        false,
        "with h5py.File(path, 'w') as f:\n    base(f)\n    f.attrs['grid'] = np.array([[b'a', b'b'], [b'c', b'd']])",
    ),
];

const PRELUDE: &str = r#"
import sys
import h5py
import numpy as np

CONFIG = '{"class_name": "Sequential", "config": {"name": "s\u00e9q", "layers": []}}'

def base(f):
    f.attrs['model_config'] = CONFIG
    f.attrs['training_config'] = '{"loss": "mse"}'
    f.attrs['keras_version'] = '3.15.1'
    f.attrs['backend'] = 'tensorflow'

def S(f, name, value, pad, cset, size=None):
    size = size or max(len(value), 1)
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(getattr(h5py.h5t, 'STR_' + pad))
    tid.set_cset(getattr(h5py.h5t, 'CSET_' + cset))
    if name in f.attrs:
        del f.attrs[name]
    attr = h5py.h5a.create(f.id, name.encode(), tid, h5py.h5s.create(h5py.h5s.SCALAR))
    attr.write(np.array(value.ljust(size, b'\0')[:size], dtype=f'S{size}'), mtype=tid)

def SIZES(path, addr, length):
    # Addresses and lengths of 2, 4 or 8 bytes (h5py's default is 8 and 8).
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_sizes(addr, length)
    with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl)) as f:
        base(f)
        f.attrs['layer_names'] = np.array([b'a', b'bc'], dtype='S2')

path = sys.argv[1]
"#;

fn generate(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(format!("{PRELUDE}\n{body}\n"))
        .arg(&path)
        .output()
        .expect("run python");
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    path
}

#[test]
fn generated_layouts_agree_or_fall_back_where_expected() {
    let dir = tempfile::tempdir().expect("tempdir");
    for &(name, readable, body) in GENERATED {
        let path = generate(dir.path(), name, body);
        if name == "continuations_latest.h5" {
            let bytes = std::fs::read(&path).expect("read");
            assert!(bytes.windows(4).any(|w| w == b"OCHK"), "{name} has no continuation chunk");
        }
        let reference = libhdf5(&path);
        match native(&path) {
            Ok(read) => {
                assert!(readable, "{name}: expected a fall back, read {read:?}");
                let reference = reference.unwrap_or_else(|e| panic!("{name}: libhdf5: {e}"));
                assert_eq!(read, reference, "{name}");
                println!("{name}: native, agrees");
            }
            Err(why) => {
                assert!(!readable, "{name}: fell back: {why:?}");
                println!("{name}: falls back ({})", why.0);
            }
        }
    }
}

#[test]
fn whole_model_is_the_same_whichever_path_read_it() {
    // What `show --json` and `check` see: the model built from either reader.
    for file in h5_files_under(&testdata()) {
        let model = kerasfix::container::open(&file).expect("open");
        let reference = libhdf5(&file).expect("libhdf5");
        let config = model.part(kerasfix::container::PartKind::Config).map(|p| p.text.clone());
        let expected = reference.model_config.map(|a| a.values.concat());
        assert_eq!(config, expected, "{}", file.display());
        assert_eq!(model.keras_version, reference.keras_version, "{}", file.display());
        assert_eq!(model.backend, reference.backend, "{}", file.display());
    }
}

/// Deterministic xorshift64*, so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Default)]
struct Tally {
    mutations: usize,
    native_read: usize,
    agreed: usize,
    libhdf5_refused: usize,
    fallbacks: BTreeMap<&'static str, usize>,
}

impl Tally {
    /// Runs both readers on `bytes` and checks the property: no panic (a panic fails the test),
    /// and native data equals libhdf5's whenever libhdf5 reads the file too.
    fn run(&mut self, scratch: &Path, bytes: &[u8], what: &str) {
        std::fs::write(scratch, bytes).expect("write mutation");
        self.mutations += 1;
        match native(scratch) {
            Ok(read) => {
                self.native_read += 1;
                // Only files the native reader accepted go to libhdf5 here: every structure
                // libhdf5 then parses has passed the same checks, so it cannot loop on them.
                match libhdf5(scratch) {
                    Ok(reference) => {
                        assert_eq!(read, reference, "{what}: native and libhdf5 disagree");
                        self.agreed += 1;
                    }
                    Err(_) => self.libhdf5_refused += 1,
                }
            }
            Err(why) => *self.fallbacks.entry(why.0).or_default() += 1,
        }
    }

    fn report(&self, name: &str) {
        println!(
            "{name}: {} inputs: native read {} (libhdf5 agreed {}, libhdf5 refused {}), fell back {}",
            self.mutations,
            self.native_read,
            self.agreed,
            self.libhdf5_refused,
            self.mutations - self.native_read
        );
        let mut reasons: Vec<_> = self.fallbacks.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        for (why, count) in reasons.iter().take(12) {
            println!("    {count:6}  {why}");
        }
    }
}

fn hostile_sources(dir: &Path) -> Vec<PathBuf> {
    let mut sources = vec![
        testdata().join("keras3/dense_seq.h5"),
        testdata().join("keras2/lookup.fixedlen.h5"),
        testdata().join("keras3/dense_seq.weights.h5"),
    ];
    for &(name, _, body) in GENERATED {
        if matches!(name, "latest.h5" | "userblock.h5" | "continuations_latest.h5" | "track_order_latest.h5")
        {
            sources.push(generate(dir, name, body));
        }
    }
    sources
}

#[test]
fn every_metadata_byte_mutated_never_panics_and_never_disagrees() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scratch = dir.path().join("mutant.h5");
    let mut total = Tally::default();
    for source in hostile_sources(dir.path()) {
        let original = std::fs::read(&source).expect("read");
        let mut tally = Tally::default();
        // Superblock, root object header and (in small files) everything else: each byte on its
        // own, flipped entirely and in its lowest bit.
        for at in 0..original.len().min(6144) {
            for flip in [0xff_u8, 0x01] {
                let mut bytes = original.clone();
                bytes[at] ^= flip;
                tally.run(&scratch, &bytes, &format!("{}: byte {at} ^ {flip:#x}", source.display()));
            }
        }
        tally.report(&source.file_name().expect("name").to_string_lossy());
        total.merge(tally);
    }
    total.report("all byte mutations");
    assert!(total.agreed > 1000, "too few mutations were read by both readers");
}

#[test]
fn seeded_random_mutations_and_truncations_never_panic_and_never_disagree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scratch = dir.path().join("mutant.h5");
    let seed =
        std::env::var("KERASFIX_H5NATIVE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED);
    println!("seed {seed} (KERASFIX_H5NATIVE_SEED replays)");
    let mut rng = Rng(seed | 1);
    let mut total = Tally::default();
    for source in hostile_sources(dir.path()) {
        let original = std::fs::read(&source).expect("read");
        let mut tally = Tally::default();
        for round in 0..3000 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                bytes[at] = match rng.below(4) {
                    0 => 0,
                    1 => 0xff,
                    _ => rng.next() as u8,
                };
            }
            tally.run(&scratch, &bytes, &format!("{}: round {round} seed {seed}", source.display()));
        }
        // Truncations: every length through the first 6 KiB, then every 97th byte.
        let lengths = (0..original.len().min(6144)).chain((6144..original.len()).step_by(97));
        for len in lengths {
            tally.run(&scratch, &original[..len], &format!("{}: truncated to {len}", source.display()));
        }
        tally.report(&source.file_name().expect("name").to_string_lossy());
        total.merge(tally);
    }
    total.report("all random mutations and truncations");
}

const DEFAULT_SEED: u64 = 0x5eed_4835;

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.mutations += other.mutations;
        self.native_read += other.native_read;
        self.agreed += other.agreed;
        self.libhdf5_refused += other.libhdf5_refused;
        for (why, count) in other.fallbacks {
            *self.fallbacks.entry(why).or_default() += count;
        }
    }
}
