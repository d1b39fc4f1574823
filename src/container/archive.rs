//! Keras v3 `.keras` archives: a zip of `metadata.json`, `config.json`, the weights and assets.
//!
//! Only the JSON entries and the candidate integer vocabularies (see `assets`) are read. Write-back
//! builds a new archive beside the original by splicing bytes (see `zipsplice`): every entry
//! except the rewritten ones is copied verbatim, headers included, a rewritten entry keeps its
//! own header fields (method, timestamp, attributes) with new CRC and sizes, and the order and
//! archive comment are kept. The `zip` crate reads and verifies the result.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use zip::ZipArchive;
use zip::result::ZipError;

use super::atomic::{self, Pending, Temp, WriteOptions};
use super::detect::Opened;
use super::{
    ContainerError, Format, MAX_JSON_BYTES, MAX_MODEL_BYTES, Model, ModelKind, Part, PartKind, PartStorage,
};
use super::{assets, zipsplice};

/// The JSON entries of an archive and what each holds.
pub(crate) const JSON_ENTRIES: [(&str, PartKind); 2] =
    [("config.json", PartKind::Config), ("metadata.json", PartKind::Metadata)];

/// Weight entries Keras writes (`.npz` since Keras 3.4 for some backends).
pub(crate) const WEIGHT_ENTRIES: [&str; 2] = ["model.weights.h5", "model.weights.npz"];

fn zip_error(err: ZipError) -> ContainerError {
    ContainerError::Zip(err.to_string())
}

/// How much of an archive's start is read up front: Keras writes `metadata.json` and then
/// `config.json` before the weights (keras/src/saving/saving_lib.py `_save_model_to_fileobj`),
/// and the config of a model of a hundred-odd small layers fits.
pub(crate) const HEAD_WINDOW: u64 = 16 * 1024;
/// How much of its end: the end-of-central-directory record and the central directory, about
/// 70 bytes an entry.
const TAIL_WINDOW: u64 = 4 * 1024;

/// The bytes of an archive as the zip reader asks for them. Its head and its tail are read once
/// up front, which for nearly every archive is all the reader needs: two `pread`s, whatever the
/// archive's size (through a buffered file, the reader's seeks cost a dozen system calls a
/// model), and the weights between never pass through memory. Anything else (a config larger
/// than the head window, assets) is read from the file where it is asked for.
pub(crate) struct ArchiveSource {
    file: File,
    /// The archive's size when it was looked at.
    len: u64,
    /// Bytes `0..head.len()`.
    head: Vec<u8>,
    /// Bytes `len - tail.len()..len`.
    tail: Vec<u8>,
    pos: u64,
}

impl ArchiveSource {
    /// The source of `file`, `len` bytes long, whose first bytes `head` are already read.
    fn new(file: File, len: u64, head: Vec<u8>) -> std::io::Result<ArchiveSource> {
        let tail_len = TAIL_WINDOW.min(len.saturating_sub(head.len() as u64));
        let tail = super::pread::read_at_most(&file, len - tail_len, tail_len)?;
        if tail.len() as u64 != tail_len {
            return Err(std::io::Error::other("the file changed while it was read"));
        }
        Ok(ArchiveSource { file, len, head, tail, pos: 0 })
    }

    fn of_file(file: File) -> std::io::Result<ArchiveSource> {
        let len = file.metadata()?.len();
        let head = super::pread::read_at_most(&file, 0, len.min(HEAD_WINDOW))?;
        ArchiveSource::new(file, len, head)
    }
}

/// `window` from offset `at` on, if `at` is inside it or at its end.
fn held(window: &[u8], at: u64) -> Option<&[u8]> {
    window.get(usize::try_from(at).ok()?..)
}

impl Read for ArchiveSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let tail_start = self.len - self.tail.len() as u64;
        let in_memory = if self.pos < self.head.len() as u64 {
            held(&self.head, self.pos)
        } else if self.pos >= tail_start {
            // At or past the end: nothing left.
            Some(held(&self.tail, self.pos - tail_start).unwrap_or_default())
        } else {
            None
        };
        let read = match in_memory {
            Some(from) => {
                let n = from.len().min(buf.len());
                buf[..n].copy_from_slice(&from[..n]);
                n
            }
            None => {
                // Between the windows: from the file, never past the tail (already in memory).
                let gap = usize::try_from(tail_start - self.pos).unwrap_or(usize::MAX);
                let want = buf.len().min(gap);
                std::os::unix::fs::FileExt::read_at(&self.file, &mut buf[..want], self.pos)?
            }
        };
        self.pos += read as u64;
        Ok(read)
    }
}

impl Seek for ArchiveSource {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.pos.checked_add_signed(delta),
        };
        self.pos = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start of the archive")
        })?;
        Ok(self.pos)
    }
}

fn open_archive(path: &Path) -> Result<ZipArchive<ArchiveSource>, ContainerError> {
    ZipArchive::new(ArchiveSource::of_file(File::open(path)?)?).map_err(zip_error)
}

/// [`open_archive`] of a file `detect` opened and read the first bytes of.
fn open_archive_opened(opened: Opened) -> Result<ZipArchive<ArchiveSource>, ContainerError> {
    ZipArchive::new(ArchiveSource::new(opened.file, opened.len, opened.bytes)?).map_err(zip_error)
}

/// Reads the JSON entries and candidate vocabulary assets of a `.keras` archive.
pub fn open(path: &Path) -> Result<Model, ContainerError> {
    from_archive(path, open_archive(path)?)
}

/// [`open`] of a file `detect` opened.
pub(crate) fn open_opened(path: &Path, opened: Opened) -> Result<Model, ContainerError> {
    from_archive(path, open_archive_opened(opened)?)
}

fn from_archive(path: &Path, mut archive: ZipArchive<ArchiveSource>) -> Result<Model, ContainerError> {
    // The zip crate indexes entries by name and keeps only one of a repeated name, so the check
    // below could not see a second `config.json`; Python's zipfile reads the last one. Which
    // one Keras would load is a guess, and a rewrite by name would touch both: refuse.
    if archive.has_duplicate_names() {
        return Err(ContainerError::Zip(
            "two entries share a name; refusing to guess which one Keras reads".into(),
        ));
    }
    let mut parts: Vec<Part> = Vec::new();
    let mut budget = PartBudget::new();
    let mut weights_entry = None;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(zip_error)?;
        let name = entry.name().map_err(zip_error)?.into_owned();
        let declared_size = entry.size();
        if let Some(&(part_name, kind)) = JSON_ENTRIES.iter().find(|(n, _)| *n == name) {
            if parts.iter().any(|p| p.name == part_name) {
                return Err(ContainerError::Zip(format!(
                    "two `{part_name}` entries; refusing to guess which Keras reads"
                )));
            }
            let text = read_capped(&mut entry, part_name, declared_size, &mut budget)?;
            parts.push(Part { name: part_name.into(), kind, text, storage: PartStorage::ZipEntry });
        } else if assets::is_vocabulary_candidate(&name) {
            let text = read_capped(&mut entry, &name, declared_size, &mut budget)?;
            parts.push(Part {
                name: name.into(),
                kind: PartKind::Vocabulary,
                text,
                storage: PartStorage::ZipEntry,
            });
        } else if WEIGHT_ENTRIES.contains(&name.as_str()) {
            weights_entry = Some(name);
        }
    }
    if !parts.iter().any(|p| p.kind == PartKind::Config) {
        return Err(ContainerError::NotAModel("zip archive has no config.json".into()));
    }
    let (keras_version, date_saved) = metadata_fields(&parts);
    Ok(Model {
        path: path.to_path_buf(),
        real_path: path.to_path_buf(),
        format: Format::KerasZip,
        kind: ModelKind::Full,
        parts,
        keras_version,
        backend: None,
        date_saved,
        weights_entry,
        stamp: atomic::Stamp::default(),
    })
}

/// What is left of [`MAX_MODEL_BYTES`] for the parts of one model still to be read.
pub(crate) struct PartBudget {
    left: u64,
}

impl PartBudget {
    pub(crate) fn new() -> PartBudget {
        PartBudget { left: MAX_MODEL_BYTES }
    }
}

/// Reads one part, refusing more than [`MAX_JSON_BYTES`] whatever the header claims, or more
/// than is left of the model's `budget`, so a zip bomb stops at the cap instead of filling
/// memory. `size_hint` (the size the zip header or
/// the file's metadata declares, up to 1 MiB) only sizes the first buffer, one byte larger so
/// that the read proving the end needs no growth; the buffer then grows by doubling but never past the
/// cap plus that byte (`read_to_end` would double a full 64 MiB buffer to 128 MiB for the one
/// byte that proves the part too large), so refusing a bomb needs about 96 MiB of address
/// space at most. Bytes are read straight into the buffer: each is zeroed once, not through a
/// fixed 64 KiB scratch chunk per part.
pub(crate) fn read_capped(
    reader: &mut impl Read,
    name: &str,
    size_hint: u64,
    budget: &mut PartBudget,
) -> Result<Vec<u8>, ContainerError> {
    let io_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::InvalidData => ContainerError::Zip(format!("`{name}`: {e}")),
        _ => ContainerError::Io(e),
    };
    let model_bound = budget.left < MAX_JSON_BYTES;
    let too_large = || {
        ContainerError::Refused(if model_bound {
            format!(
                "the parts read from this model exceed {} MiB in total at `{name}`, kerasfix's limit for one model",
                MAX_MODEL_BYTES >> 20
            )
        } else {
            format!(
                "`{name}` is larger than {} MiB, kerasfix's limit for a part it reads",
                MAX_JSON_BYTES >> 20
            )
        })
    };
    let limit = usize::try_from(MAX_JSON_BYTES.min(budget.left)).unwrap_or(usize::MAX);
    // A header may lie: trust it for the first buffer only up to 1 MiB (a real config's size),
    // so a tiny entry that declares 64 MiB costs no 64 MiB buffer.
    let first = usize::try_from(size_hint).unwrap_or(usize::MAX).min(limit.min(1 << 20)).saturating_add(1);
    let mut text: Vec<u8> = Vec::new();
    let mut filled = 0;
    loop {
        if filled == text.len() {
            if filled > limit {
                return Err(too_large());
            }
            // A header that understates the size costs doublings, not a byte at a time.
            let grown =
                if filled == 0 { first } else { (filled * 2).max(8 * 1024).min(limit.saturating_add(1)) };
            text.try_reserve_exact(grown - text.len())
                .map_err(|_| io_error(std::io::ErrorKind::OutOfMemory.into()))?;
            text.resize(grown, 0);
        }
        match reader.read(text.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        }
    }
    if filled > limit {
        return Err(too_large());
    }
    text.truncate(filled);
    budget.left -= filled as u64;
    // Parts are kept for the whole model: give back room a doubling left unused.
    if text.capacity() - filled > filled / 8 + 4096 {
        text.shrink_to_fit();
    }
    Ok(text)
}

/// `keras_version` and `date_saved` from `metadata.json`, when it parses.
pub(crate) fn metadata_fields(parts: &[Part]) -> (Option<String>, Option<String>) {
    let Some(meta) = parts.iter().find(|p| p.kind == PartKind::Metadata) else {
        return (None, None);
    };
    // The tool's own parser, which reads what Python's `json` reads (`NaN` too), and spares
    // building a serde_json map for two strings.
    let Ok(value) = crate::json::parse(&meta.text) else {
        return (None, None);
    };
    let field = |key: &str| value.get(key).and_then(crate::json::Node::as_str).map(str::to_string);
    (field("keras_version"), field("date_saved"))
}

/// Writes a new archive with the changed JSON entries beside the original, and verifies it.
pub fn prepare(
    model: &Model,
    changed: &[(usize, &[u8])],
    options: &WriteOptions,
) -> Result<Vec<Pending>, ContainerError> {
    let temp = Temp::beside(&model.real_path)?;
    let mut out = File::create_new(temp.path())?;
    atomic::copy_permissions(&model.real_path, temp.path())?;
    let replacements: Vec<(&str, &[u8])> =
        changed.iter().map(|&(i, text)| (&*model.parts[i].name, text)).collect();
    zipsplice::splice(&mut File::open(&model.real_path)?, &mut out, &replacements)
        .map_err(|e| ContainerError::Zip(format!("cannot rewrite: {e}; the original is untouched")))?;
    drop(out);
    let mut source = open_archive(&model.real_path)?;
    verify(temp.path(), model, changed, &mut source)?;
    Ok(vec![temp.pending(&model.real_path, model.stamp, options)])
}

/// Re-reads the new archive: the parts must read back as intended and every other entry must
/// have the same name, CRC and sizes as before.
fn verify(
    path: &Path,
    model: &Model,
    changed: &[(usize, &[u8])],
    source: &mut ZipArchive<ArchiveSource>,
) -> Result<(), ContainerError> {
    let reopened = open(path)?;
    for (index, part) in model.parts.iter().enumerate() {
        let expected = changed.iter().find(|(i, _)| *i == index).map_or(part.text.as_slice(), |(_, t)| *t);
        if reopened.parts.iter().find(|p| p.name == part.name).map(|p| p.text.as_slice()) != Some(expected) {
            return Err(ContainerError::Refused(format!(
                "verification failed: `{}` did not read back as written; the original is untouched",
                part.name
            )));
        }
    }
    let mut written = open_archive(path)?;
    if written.len() != source.len() {
        return Err(ContainerError::Refused("verification failed: entry count changed".into()));
    }
    for index in 0..source.len() {
        let before = source.by_index_raw(index).map_err(zip_error)?;
        let after = written.by_index_raw(index).map_err(zip_error)?;
        let same_name = before.name_raw() == after.name_raw();
        let rewritten = changed.iter().any(|(i, _)| model.parts[*i].name.as_bytes() == before.name_raw());
        let same_data = rewritten
            || (before.crc32() == after.crc32() && before.compressed_size() == after.compressed_size());
        if !same_name || !same_data {
            return Err(ContainerError::Refused(format!(
                "verification failed: entry {index} differs after copying; the original is untouched"
            )));
        }
    }
    Ok(())
}

/// Copies the archive's weights entry out to `dest` (streamed, constant memory) so HDF5 can open
/// it for `show --weights`.
pub fn extract_entry(path: &Path, name: &str, dest: &Path) -> Result<(), ContainerError> {
    let mut archive = open_archive(path)?;
    let mut entry = archive.by_name(name).map_err(zip_error)?;
    let mut out = File::create_new(dest)?;
    std::io::copy(&mut entry, &mut out)?;
    Ok(())
}
