//! Fuzz target: the native HDF5 root-attribute reader (`container::h5::read_root_native`) on
//! arbitrary bytes. It must return attributes or a fall back, never panic, loop or allocate
//! without bound; and whatever it returns must be exactly what libhdf5 reads from the same file
//! whenever libhdf5 reads it too (libhdf5 is only asked about files the native reader accepted,
//! whose structures have passed the same checks).
#![no_main]

use kerasfix::container::h5;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("m.h5");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(native) = h5::read_root_native(&path) else { return };
    if let Ok(reference) = h5::read_root_libhdf5(&path) {
        assert_eq!(native, reference, "native and libhdf5 disagree");
    }
});
