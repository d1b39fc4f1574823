//! Saved Keras models as containers of JSON parts (and of the few text assets whose integers
//! kerasfix checks).
//!
//! Every command stands on two operations: [`open`] a model file or directory and get its
//! embedded JSON exactly as stored, and [`write_back`] edited parts without disturbing any other
//! byte of the model. The three container kinds (legacy HDF5, `.keras` zip, unzipped `.keras`
//! directory) live in their own modules; this one detects which is which by content, never by
//! extension, and holds the types the rest of the tool sees.

pub mod archive;
mod assets;
pub mod atomic;
pub mod detect;
pub mod directory;
pub mod h5;
mod h5attr;
mod h5native;
mod pread;
mod zipsplice;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

pub use atomic::{ModelLock, WriteOptions, WriteReport, lock_model};
pub use h5attr::{Padding, StringAttr, StringStorage};
pub use h5native::Fallback;

/// Largest part the tool will read (after decompression), so a zip bomb or a runaway attribute
/// cannot exhaust memory (the lossless tree costs several times the text). Real configs are
/// kilobytes to a few megabytes; vocabulary assets are held to the same cap.
pub const MAX_JSON_BYTES: u64 = 64 * 1024 * 1024;

/// Largest total of the parts read from one model. Each part is held to [`MAX_JSON_BYTES`], but
/// an archive may hold any number of vocabulary assets: a few hundred kilobytes of compressed
/// assets would otherwise fill memory one allowed part at a time.
pub const MAX_MODEL_BYTES: u64 = 2 * MAX_JSON_BYTES;

/// The three ways Keras saves a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Legacy HDF5 (`model.save("m.h5")`, or any `.keras` that is really HDF5).
    Hdf5,
    /// Keras v3 zip archive (`model.save("m.keras")`).
    KerasZip,
    /// Keras v3 archive saved unzipped (`model.save(path, zipped=False)`).
    KerasDir,
}

impl Format {
    /// Stable short name used in machine-readable output.
    pub fn slug(self) -> &'static str {
        match self {
            Format::Hdf5 => "hdf5",
            Format::KerasZip => "keras-zip",
            Format::KerasDir => "keras-dir",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Hdf5 => "HDF5 (legacy Keras .h5)",
            Format::KerasZip => "Keras v3 archive (.keras zip)",
            Format::KerasDir => "Keras v3 archive, unzipped (directory)",
        })
    }
}

/// What an embedded part holds, whatever the container calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// The model architecture: HDF5 `model_config`, or `config.json`.
    Config,
    /// HDF5 `training_config` (in `.keras` the same lives at `config.json#/compile_config`).
    Training,
    /// `metadata.json` of a `.keras` archive.
    Metadata,
    /// Not JSON: an `assets/.../integer_lookup[_N]/vocabulary.txt` text file of a `.keras`
    /// archive, where an adapted IntegerLookup keeps its vocabulary one integer a line. Which
    /// of them Keras really reads as integers is decided against `config.json` by the rules.
    Vocabulary,
}

impl PartKind {
    /// Whether the part is a JSON document (every kind but the text assets).
    pub fn is_json(self) -> bool {
        self != PartKind::Vocabulary
    }
}

/// One embedded part, exactly as stored.
#[derive(Debug, Clone)]
pub struct Part {
    /// The name the container gives it: `model_config`, `training_config`, `config.json`, or
    /// an asset's path in the archive (`assets/layers/integer_lookup/vocabulary.txt`).
    pub name: Cow<'static, str>,
    pub kind: PartKind,
    pub text: Vec<u8>,
    pub(crate) storage: PartStorage,
}

#[derive(Debug, Clone)]
pub(crate) enum PartStorage {
    /// A root attribute of an HDF5 file, with how it is stored.
    H5Attr { storage: StringStorage, scalar: bool },
    /// An entry of a zip archive.
    ZipEntry,
    /// A file inside an unzipped archive directory, with its stamp when read (the directory's
    /// own stamp changes with every rename inside it, so each file is checked on its own).
    DirFile { stamp: atomic::Stamp },
}

/// Whether the file holds a whole model or only weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    Full,
    /// `*.weights.h5` or HDF5 without `model_config`: nothing to check, never an error.
    WeightsOnly,
}

/// A saved model opened for reading, with everything the tool needs to write it back.
#[derive(Debug, Clone)]
pub struct Model {
    /// The path as the user gave it.
    pub path: PathBuf,
    /// Where the bytes really live (symlinks followed); write-back replaces this.
    pub real_path: PathBuf,
    pub format: Format,
    pub kind: ModelKind,
    pub parts: Vec<Part>,
    pub keras_version: Option<String>,
    pub backend: Option<String>,
    pub date_saved: Option<String>,
    /// Name of the weights entry in an archive (`model.weights.h5` or `.npz`).
    pub weights_entry: Option<String>,
    pub(crate) stamp: atomic::Stamp,
}

impl Model {
    /// The first part of the given kind, if the model has one.
    pub fn part(&self, kind: PartKind) -> Option<&Part> {
        self.parts.iter().find(|p| p.kind == kind)
    }
}

/// Why a model could not be opened or written; every message is about the file, whose path the
/// caller prints in front of it.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not a Keras model: {0}")]
    NotAModel(String),
    #[error("corrupt HDF5 file: {0}")]
    Hdf5(String),
    #[error("corrupt zip archive: {0}")]
    Zip(String),
    #[error(transparent)]
    Attr(#[from] h5attr::AttrError),
    #[error("{0}")]
    Refused(String),
}

impl ContainerError {
    /// Whether the file system ran out of space or quota (not a file-size limit, which no
    /// retry can help).
    pub fn is_out_of_space(&self) -> bool {
        matches!(self, ContainerError::Io(e) if matches!(e.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT)))
    }
}

/// Opens a model file or unzipped-archive directory, detecting its format from its content.
pub fn open(path: &Path) -> Result<Model, ContainerError> {
    let (real_path, meta) = atomic::resolve(path)?;
    let found = detect::open(&real_path, &meta)?;
    from_found(path, real_path, &meta, found)
}

/// The model behind what [`detect`] found at `real_path` (where `path` leads).
fn from_found(
    path: &Path,
    real_path: PathBuf,
    meta: &std::fs::Metadata,
    found: detect::Found,
) -> Result<Model, ContainerError> {
    let mut model = match found {
        detect::Found::Hdf5(opened) => h5::open_opened(&real_path, opened)?,
        detect::Found::Zip(opened) => archive::open_opened(&real_path, opened)?,
        detect::Found::Dir => directory::open(&real_path)?,
    };
    model.path = path.to_path_buf();
    model.real_path = real_path;
    model.stamp = atomic::Stamp::from_metadata(meta);
    Ok(model)
}

/// [`open`] for a path the walk listed as a regular file, not a symlink: opened without
/// following a symlink and looked at through the open descriptor, which spares the path lookup
/// of an `lstat` per model in a sweep. Whatever else the path turns out to be by now (a symlink,
/// a directory) goes through [`open`], which decides as for any named path.
pub fn open_listed(path: &Path) -> Result<Model, ContainerError> {
    use std::os::unix::fs::OpenOptionsExt;
    // The walk saw a regular file; a FIFO put in its place since then could block this open,
    // as it could between `open`'s `lstat` and its open.
    let opened = std::fs::File::options().read(true).custom_flags(libc::O_NOFOLLOW).open(path);
    let file = match opened {
        Ok(file) => file,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return open(path),
        Err(e) => return Err(e.into()),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        drop(file);
        return open(path);
    }
    let found = detect::read_head(path, file, meta.len())?;
    from_found(path, path.to_path_buf(), &meta, found)
}

/// Replaces the given parts' text (by index into `model.parts`) and leaves every other byte of
/// the model as it was. Atomic: the original is replaced only by a complete, verified, synced
/// copy. Nothing to change means nothing written.
pub fn write_back(
    model: &Model,
    updates: &[(usize, Vec<u8>)],
    options: &WriteOptions,
) -> Result<WriteReport, ContainerError> {
    let prepared = prepare(model, updates, options)?;
    commit(vec![prepared]).pop().unwrap_or(Ok(WriteReport::default()))
}

/// A model's verified replacement, written beside it but not yet in place.
#[derive(Debug, Default)]
pub struct Prepared {
    pending: Vec<atomic::Pending>,
}

impl Prepared {
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// First half of [`write_back`]: writes and verifies the new content beside the original.
/// Batches call this for many models, then [`commit`] once, so durability costs one flush.
pub fn prepare(
    model: &Model,
    updates: &[(usize, Vec<u8>)],
    options: &WriteOptions,
) -> Result<Prepared, ContainerError> {
    let changed: Vec<(usize, &[u8])> = updates
        .iter()
        .filter(|(index, text)| model.parts.get(*index).is_some_and(|p| p.text != *text))
        .map(|(index, text)| (*index, text.as_slice()))
        .collect();
    if changed.is_empty() {
        return Ok(Prepared::default());
    }
    let pending = match model.format {
        Format::Hdf5 => h5::prepare(model, &changed, options)?,
        Format::KerasZip => archive::prepare(model, &changed, options)?,
        Format::KerasDir => directory::prepare(model, &changed, options)?,
    };
    Ok(Prepared { pending })
}

/// Second half of [`write_back`]: makes every prepared replacement durable, renames each into
/// place and syncs the directories. One result per model, in order.
pub fn commit(models: Vec<Prepared>) -> Vec<Result<WriteReport, ContainerError>> {
    let sizes: Vec<usize> = models.iter().map(|m| m.pending.len()).collect();
    let mut results = atomic::commit_all(models.into_iter().flat_map(|m| m.pending).collect()).into_iter();
    sizes
        .into_iter()
        .map(|count| {
            let mut report = WriteReport::default();
            for _ in 0..count {
                match results.next() {
                    Some(Ok(one)) => {
                        report.written |= one.written;
                        report.backup = report.backup.or(one.backup);
                    }
                    Some(Err(e)) => return Err(ContainerError::Io(e)),
                    None => break,
                }
            }
            Ok(report)
        })
        .collect()
}
