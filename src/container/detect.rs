//! Telling the container kinds apart by content, from the bytes the reader needs anyway.
//!
//! Extensions lie: HDF5 files named `.keras` exist in the wild, and an unzipped archive is a
//! directory with any name. So the first bytes decide, as `file(1)` would. The file is opened
//! once: the bytes read to decide (the head of an archive or of an HDF5 file) and the open file
//! go on to the reader, which never opens the path again.

use std::fs::File;
use std::path::Path;

use super::ContainerError;
use super::archive;
use super::h5native::{self, Fallback};
use super::pread;

/// HDF5's signature; it may sit at 0 or after a user block of 512, 1024, 2048, ... bytes.
const HDF5_SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";
const ZIP_LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const ZIP_EMPTY_ARCHIVE: &[u8; 4] = b"PK\x05\x06";

/// A model file, open, with the bytes read so far.
pub(crate) struct Opened {
    pub(crate) file: File,
    /// The file's size when it was looked at.
    pub(crate) len: u64,
    /// The file's leading bytes: its first [`h5native::HEAD_BYTES`] when the name says HDF5,
    /// else its first [`archive::HEAD_WINDOW`] (all of it when shorter).
    pub(crate) bytes: Vec<u8>,
    /// The shared lock libhdf5 would take, when taken before `bytes` were read (a name that
    /// says HDF5); `None` when not taken yet.
    pub(crate) hdf5_lock: Option<Result<(), Fallback>>,
}

/// What [`open`] found at a path.
pub(crate) enum Found {
    Hdf5(Opened),
    Zip(Opened),
    /// An unzipped archive directory.
    Dir,
}

/// The format of the model at `path` (a resolved, existing path), given its metadata (symlinks
/// followed), which the caller already has; a file is opened and its first bytes read.
pub(crate) fn open(path: &Path, meta: &std::fs::Metadata) -> Result<Found, ContainerError> {
    if meta.is_dir() {
        return if path.join("config.json").is_file() {
            Ok(Found::Dir)
        } else {
            Err(ContainerError::NotAModel(
                "directory has no config.json (an unzipped .keras archive holds config.json and metadata.json)".into(),
            ))
        };
    }
    if !meta.is_file() {
        return Err(ContainerError::NotAModel("not a regular file".into()));
    }
    read_head(path, File::open(path)?, meta.len())
}

/// [`open`] for a regular file already open, `len` bytes long when it was looked at.
pub(crate) fn read_head(path: &Path, file: File, len: u64) -> Result<Found, ContainerError> {
    if len == 0 {
        return Err(ContainerError::NotAModel("empty file".into()));
    }
    let named_hdf5 = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("h5") || e.eq_ignore_ascii_case("hdf5"));
    // The lock goes before the read that the native reader parses, as libhdf5 takes it.
    let hdf5_lock = named_hdf5.then(|| h5native::lock_shared(&file));
    let want = if named_hdf5 { h5native::HEAD_BYTES } else { archive::HEAD_WINDOW };
    let bytes = pread::read_at_most(&file, 0, len.min(want))?;
    let mut opened = Opened { file, len, bytes, hdf5_lock };
    let head = opened.bytes.get(..4);
    if head == Some(ZIP_LOCAL_HEADER) || head == Some(ZIP_EMPTY_ARCHIVE) {
        return Ok(Found::Zip(opened));
    }
    if has_hdf5_signature(&opened.file, &opened.bytes, len)? {
        if opened.hdf5_lock.is_none() {
            // Read before the lock (a writer may have held it then): read the head again under it.
            opened.hdf5_lock = Some(h5native::lock_shared(&opened.file));
            opened.bytes = pread::read_at_most(&opened.file, 0, len.min(h5native::HEAD_BYTES))?;
        }
        return Ok(Found::Hdf5(opened));
    }
    Err(ContainerError::NotAModel("neither HDF5 nor a zip archive (unrecognised leading bytes)".into()))
}

fn has_hdf5_signature(file: &File, bytes: &[u8], len: u64) -> std::io::Result<bool> {
    let mut offset = 0u64;
    while offset + 8 <= len {
        let sig = match usize::try_from(offset).ok().and_then(|o| bytes.get(o..o + 8)) {
            Some(sig) => sig.to_vec(),
            None => pread::read_at_most(file, offset, 8)?,
        };
        if sig == HDF5_SIGNATURE {
            return Ok(true);
        }
        offset = if offset == 0 { 512 } else { offset * 2 };
    }
    Ok(false)
}
