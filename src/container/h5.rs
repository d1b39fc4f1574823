//! Legacy HDF5 models (`model.save("m.h5")`).
//!
//! Keras keeps the architecture in the root attribute `model_config` and the compile settings in
//! `training_config`, beside `keras_version` and `backend`; the weights live in `model_weights`
//! and are never read here. Reads take the native fast path ([`super::h5native`]) when it
//! understands the file, and libhdf5 otherwise. Write-back copies the file (the kernel copies
//! the weights, they never pass through this process's memory), rewrites just the changed
//! attributes in the copy with libhdf5, verifies them by re-reading the copy (natively, or with
//! libhdf5 when the native reader declines), and renames the copy over the original.

use std::path::Path;

use hdf5_metno::File;
use hdf5_sys::h5i::hid_t;

use super::atomic::{self, Pending, Temp, WriteOptions};
use super::detect::Opened;
use super::h5attr::{self, StringAttr};
use super::h5native::{self, Fallback};
use super::{ContainerError, Format, MAX_JSON_BYTES, Model, ModelKind, Part, PartKind, PartStorage};

fn hdf5_error(err: hdf5_metno::Error) -> ContainerError {
    // libhdf5's messages carry a stack of calls; the first line says what went wrong.
    let text = err.to_string();
    let first = text.lines().next().unwrap_or("unreadable").trim().to_string();
    ContainerError::Hdf5(first)
}

pub(crate) fn open_file(path: &Path) -> Result<File, ContainerError> {
    let (name, _held) = hdf5_name(path, false)?;
    File::open(name).map_err(hdf5_error)
}

/// A name libhdf5 can open for `path`. hdf5-metno only takes UTF-8 file names, but Unix names
/// are bytes: for any other name the file is opened here and handed to libhdf5 as
/// `/proc/self/fd/N`, which it re-opens as the same file. The returned handle must outlive
/// libhdf5's open call (it may be dropped right after).
fn hdf5_name(path: &Path, write: bool) -> Result<(String, Option<std::fs::File>), ContainerError> {
    use std::os::fd::AsRawFd;
    match path.to_str() {
        Some(name) => Ok((name.to_string(), None)),
        None => {
            let handle = std::fs::OpenOptions::new().read(true).write(write).open(path)?;
            Ok((format!("/proc/self/fd/{}", handle.as_raw_fd()), Some(handle)))
        }
    }
}

/// The root attributes a model is built from, however they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootAttrs {
    pub model_config: Option<StringAttr>,
    pub training_config: Option<StringAttr>,
    pub keras_version: Option<String>,
    pub backend: Option<String>,
}

/// Every root attribute `open` reads, in the order [`RootAttrs`] holds them.
const ROOT_ATTRS: [&str; 4] = ["model_config", "training_config", "keras_version", "backend"];

/// Reads the JSON parts and version attributes of an HDF5 model: natively when the file is
/// made of structures the native reader fully understands, else through libhdf5.
pub fn open(path: &Path) -> Result<Model, ContainerError> {
    from_attrs(path, read_root_native(path))
}

/// [`open`] of a file `detect` opened; libhdf5 opens `path` again when needed.
pub(crate) fn open_opened(path: &Path, opened: Opened) -> Result<Model, ContainerError> {
    from_attrs(path, root_attrs(h5native::read_root_attributes_opened(opened, &ROOT_ATTRS)))
}

fn from_attrs(path: &Path, native: Result<RootAttrs, Fallback>) -> Result<Model, ContainerError> {
    let attrs = match native {
        Ok(attrs) => attrs,
        Err(declined) if declined.hangs_libhdf5() => {
            return Err(ContainerError::Hdf5(declined.0.to_string()));
        }
        Err(_) => read_root_libhdf5(path)?,
    };
    model_from(path, attrs)
}

/// The root attributes as the native reader sees them, or why it leaves the file to libhdf5.
pub fn read_root_native(path: &Path) -> Result<RootAttrs, Fallback> {
    root_attrs(h5native::read_root_attributes(path, &ROOT_ATTRS))
}

fn root_attrs(read: Result<Vec<Option<StringAttr>>, Fallback>) -> Result<RootAttrs, Fallback> {
    let [model_config, training_config, keras_version, backend] =
        <[_; 4]>::try_from(read?).map_err(|_| Fallback("attribute count"))?;
    Ok(RootAttrs {
        model_config,
        training_config,
        keras_version: text(keras_version),
        backend: text(backend),
    })
}

/// The root attributes as libhdf5 reads them (the reference, and the path for every file the
/// native reader declines).
pub fn read_root_libhdf5(path: &Path) -> Result<RootAttrs, ContainerError> {
    let file = open_file(path)?;
    let root = file.id();
    let model_config = h5attr::read(root, "model_config")?;
    let training_config = h5attr::read(root, "training_config")?;
    let keras_version = read_text(root, "keras_version")?;
    let backend = read_text(root, "backend")?;
    Ok(RootAttrs { model_config, training_config, keras_version, backend })
}

/// Builds the model from its root attributes, with the checks both readers share.
fn model_from(path: &Path, attrs: RootAttrs) -> Result<Model, ContainerError> {
    let mut parts = Vec::new();
    for (name, kind, attr) in [
        ("model_config", PartKind::Config, attrs.model_config),
        ("training_config", PartKind::Training, attrs.training_config),
    ] {
        if let Some(attr) = attr {
            let text = single_value(name, attr.values)?;
            if text.len() as u64 > MAX_JSON_BYTES {
                return Err(ContainerError::Refused(format!(
                    "attribute `{name}` is larger than {} MiB, kerasfix's limit for a JSON part",
                    MAX_JSON_BYTES >> 20
                )));
            }
            parts.push(Part {
                name: name.into(),
                kind,
                text,
                storage: PartStorage::H5Attr { storage: attr.storage, scalar: attr.scalar },
            });
        }
    }
    let kind = if parts.iter().any(|p| p.kind == PartKind::Config) {
        ModelKind::Full
    } else {
        ModelKind::WeightsOnly
    };
    Ok(Model {
        path: path.to_path_buf(),
        real_path: path.to_path_buf(),
        format: Format::Hdf5,
        kind,
        parts,
        keras_version: attrs.keras_version,
        backend: attrs.backend,
        date_saved: None,
        weights_entry: None,
        stamp: atomic::Stamp::default(),
    })
}

fn single_value(name: &str, mut values: Vec<Vec<u8>>) -> Result<Vec<u8>, ContainerError> {
    if values.len() == 1 {
        Ok(values.remove(0))
    } else {
        Err(ContainerError::Refused(format!(
            "attribute `{name}` holds {} strings; Keras writes exactly one",
            values.len()
        )))
    }
}

/// A version attribute's text: its first value, lossily decoded.
fn text(attr: Option<StringAttr>) -> Option<String> {
    attr.and_then(|a| a.values.first().map(|v| String::from_utf8_lossy(v).into_owned()))
}

fn read_text(location: hid_t, name: &str) -> Result<Option<String>, ContainerError> {
    match h5attr::read(location, name) {
        Ok(attr) => Ok(text(attr)),
        // A version attribute of an odd type is informational only; don't refuse the model.
        Err(h5attr::AttrError::NotString(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads a list-of-strings attribute that Keras may split into `name0`, `name1`, ... once it
/// passes HDF5's 64 KB object-header limit (`save_attributes_to_hdf5_group`).
pub(crate) fn read_split_list(location: hid_t, name: &str) -> Result<Vec<Vec<u8>>, ContainerError> {
    match h5attr::read(location, name) {
        Ok(Some(attr)) => return Ok(attr.values),
        // h5py stores an empty Python list as an empty float array: a layer without weights.
        Err(h5attr::AttrError::NotString(_)) => return Ok(Vec::new()),
        Ok(None) => {}
        Err(e) => return Err(e.into()),
    }
    let mut values = Vec::new();
    for chunk in 0.. {
        match h5attr::read(location, &format!("{name}{chunk}"))? {
            Some(attr) => values.extend(attr.values),
            None => break,
        }
    }
    Ok(values)
}

/// Each layer's weight count, from `model_weights` (attributes only, no data). Only `show`
/// wants it, so `open` does not pay for it.
pub fn layer_weights(path: &Path) -> Result<Vec<(String, usize)>, ContainerError> {
    let file = open_file(path)?;
    let Ok(group) = file.group("model_weights") else {
        return Ok(Vec::new());
    };
    let names = read_split_list(group.id(), "layer_names")?;
    let mut out = Vec::with_capacity(names.len());
    for raw in names {
        let name = String::from_utf8_lossy(&raw).into_owned();
        let count = match group.group(&name) {
            Ok(layer) => read_split_list(layer.id(), "weight_names")?.len(),
            Err(_) => 0,
        };
        out.push((name, count));
    }
    Ok(out)
}

/// Writes the changed attributes into a verified copy beside the original.
pub fn prepare(
    model: &Model,
    changed: &[(usize, &[u8])],
    options: &WriteOptions,
) -> Result<Vec<Pending>, ContainerError> {
    let temp = Temp::beside(&model.real_path)?;
    // `fs::copy` uses copy_file_range: the weights are copied by the kernel, not read into
    // memory here, and the permission bits come along.
    std::fs::copy(&model.real_path, temp.path())?;
    // The copy has the original's permission bits; a read-only model (0444) would make the copy
    // read-only too and libhdf5 could not open it for writing. Owner-writable while it is
    // rewritten, then the original's bits again before it is renamed into place.
    let permissions = std::fs::metadata(temp.path())?.permissions();
    let read_only = {
        use std::os::unix::fs::PermissionsExt;
        permissions.mode() & 0o200 == 0
    };
    if read_only {
        use std::os::unix::fs::PermissionsExt;
        let writable = std::fs::Permissions::from_mode(permissions.mode() | 0o200);
        std::fs::set_permissions(temp.path(), writable)?;
    }
    {
        let (name, _held) = hdf5_name(temp.path(), true)?;
        let file = File::open_rw(name).map_err(hdf5_error)?;
        for &(index, text) in changed {
            let part = &model.parts[index];
            let PartStorage::H5Attr { storage, scalar } = part.storage else {
                return Err(ContainerError::Refused(format!("part {} is not an HDF5 attribute", part.name)));
            };
            let old = StringAttr { storage, scalar, values: Vec::new() };
            h5attr::write_scalar(file.id(), &part.name, &old, text)?;
        }
        file.close().map_err(hdf5_error)?;
    }
    if read_only {
        std::fs::set_permissions(temp.path(), permissions)?;
    }
    verify(temp.path(), model, changed)?;
    Ok(vec![temp.pending(&model.real_path, model.stamp, options)])
}

/// Re-opens the written copy and checks every JSON attribute reads back as intended: by the
/// native reader, an implementation independent of the libhdf5 that wrote the copy (it agrees
/// with libhdf5 on every shipped, generated and ~150,000 mutated files, `tests/h5native.rs`),
/// and by libhdf5 for any layout the native reader declines. A second libhdf5 open per model
/// cost as much as the write (`H5Fopen` zeroes a ~1 MB cache) and is serialized process-wide.
fn verify(path: &Path, model: &Model, changed: &[(usize, &[u8])]) -> Result<(), ContainerError> {
    let reopened = open(path)?;
    for (index, part) in model.parts.iter().enumerate() {
        let expected = changed.iter().find(|(i, _)| *i == index).map_or(part.text.as_slice(), |(_, t)| *t);
        let Some(found) = reopened.parts.iter().find(|p| p.name == part.name) else {
            return Err(ContainerError::Refused(format!(
                "verification failed: `{}` missing after write",
                part.name
            )));
        };
        if found.text != expected {
            return Err(ContainerError::Refused(format!(
                "verification failed: `{}` did not read back as written; the original is untouched",
                part.name
            )));
        }
    }
    Ok(())
}

/// Every dataset under the file's root: path, shape and element type, from metadata only.
pub fn list_datasets(path: &Path) -> Result<Vec<WeightInfo>, ContainerError> {
    let file = open_file(path)?;
    let mut out = Vec::new();
    visit(&file, "", &mut out)?;
    Ok(out)
}

/// One weight dataset as `show --weights` prints it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WeightInfo {
    pub path: String,
    pub shape: Vec<usize>,
    pub dtype: String,
}

fn visit(group: &hdf5_metno::Group, prefix: &str, out: &mut Vec<WeightInfo>) -> Result<(), ContainerError> {
    let names = group.member_names().map_err(hdf5_error)?;
    for name in names {
        let path = format!("{prefix}/{name}");
        if let Ok(dataset) = group.dataset(&name) {
            let dtype = dataset
                .dtype()
                .and_then(|t| t.to_descriptor())
                .map_or_else(|_| "unknown".to_string(), |d| d.to_string());
            out.push(WeightInfo { path, shape: dataset.shape(), dtype });
        } else if let Ok(child) = group.group(&name) {
            visit(&child, &path, out)?;
        }
    }
    Ok(())
}
