//! Telling the container kinds apart by content.
//!
//! Extensions lie: HDF5 files named `.keras` exist in the wild, and an unzipped archive is a
//! directory with any name. So the first bytes decide, as `file(1)` would.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::{ContainerError, Format};

/// HDF5's signature; it may sit at 0 or after a user block of 512, 1024, 2048, ... bytes.
const HDF5_SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";
const ZIP_LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const ZIP_EMPTY_ARCHIVE: &[u8; 4] = b"PK\x05\x06";

/// The format of the model at `path` (a resolved, existing path), given its metadata (symlinks
/// followed), which the caller already has.
pub fn detect(path: &Path, meta: &std::fs::Metadata) -> Result<Format, ContainerError> {
    if meta.is_dir() {
        return if path.join("config.json").is_file() {
            Ok(Format::KerasDir)
        } else {
            Err(ContainerError::NotAModel(
                "directory has no config.json (an unzipped .keras archive holds config.json and metadata.json)".into(),
            ))
        };
    }
    if !meta.is_file() {
        return Err(ContainerError::NotAModel("not a regular file".into()));
    }
    if meta.len() == 0 {
        return Err(ContainerError::NotAModel("empty file".into()));
    }
    let mut file = File::open(path)?;
    let mut head = [0u8; 8];
    let read = read_up_to(&mut file, &mut head)?;
    if read >= 4 && (&head[..4] == ZIP_LOCAL_HEADER || &head[..4] == ZIP_EMPTY_ARCHIVE) {
        return Ok(Format::KerasZip);
    }
    if has_hdf5_signature(&mut file, meta.len())? {
        return Ok(Format::Hdf5);
    }
    Err(ContainerError::NotAModel("neither HDF5 nor a zip archive (unrecognised leading bytes)".into()))
}

fn has_hdf5_signature(file: &mut File, len: u64) -> std::io::Result<bool> {
    let mut offset = 0u64;
    while offset + 8 <= len {
        file.seek(SeekFrom::Start(offset))?;
        let mut sig = [0u8; 8];
        if read_up_to(file, &mut sig)? == 8 && &sig == HDF5_SIGNATURE {
            return Ok(true);
        }
        offset = if offset == 0 { 512 } else { offset * 2 };
    }
    Ok(false)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
