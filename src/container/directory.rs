//! Keras v3 archives saved unzipped (`model.save(path, zipped=False)`): a directory holding
//! `config.json`, `metadata.json`, the weights file and `assets/`.
//!
//! Only a changed file is replaced, atomically, exactly as a single file would be; the weights
//! and every asset but the candidate integer vocabularies (see `assets`) are never opened.

use std::fs::File;
use std::path::Path;

use super::archive::{JSON_ENTRIES, PartBudget, WEIGHT_ENTRIES, metadata_fields, read_capped};
use super::assets;
use super::atomic::{self, Pending, Stamp, Temp, WriteOptions};
use super::{ContainerError, Format, Model, ModelKind, Part, PartKind, PartStorage};

/// Reads the JSON files and candidate vocabulary assets of an unzipped archive.
pub fn open(dir: &Path) -> Result<Model, ContainerError> {
    let mut parts = Vec::new();
    let mut budget = PartBudget::new();
    for (name, kind) in JSON_ENTRIES {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        if !path.is_file() {
            return Err(ContainerError::NotAModel(format!("`{name}` is not a regular file")));
        }
        parts.push(read_part(dir, name.into(), kind, &mut budget)?);
    }
    if !parts.iter().any(|p| p.kind == PartKind::Config) {
        return Err(ContainerError::NotAModel("directory has no config.json".into()));
    }
    for name in assets::candidates_in_dir(dir)? {
        parts.push(read_part(dir, name.into(), PartKind::Vocabulary, &mut budget)?);
    }
    let weights_entry = WEIGHT_ENTRIES.iter().find(|w| dir.join(w).is_file()).map(|w| w.to_string());
    let (keras_version, date_saved) = metadata_fields(&parts);
    Ok(Model {
        path: dir.to_path_buf(),
        real_path: dir.to_path_buf(),
        format: Format::KerasDir,
        kind: ModelKind::Full,
        parts,
        keras_version,
        backend: None,
        date_saved,
        weights_entry,
        stamp: Stamp::default(),
    })
}

/// One file of the directory, with its stamp when read.
fn read_part(
    dir: &Path,
    name: std::borrow::Cow<'static, str>,
    kind: PartKind,
    budget: &mut PartBudget,
) -> Result<Part, ContainerError> {
    let path = dir.join(&*name);
    let stamp = Stamp::of(&path)?;
    let text = read_capped(&mut File::open(&path)?, &name, stamp.size(), budget)?;
    Ok(Part { name, kind, text, storage: PartStorage::DirFile { stamp } })
}

/// Writes each changed file to its own verified temporary beside it.
pub fn prepare(
    model: &Model,
    changed: &[(usize, &[u8])],
    options: &WriteOptions,
) -> Result<Vec<Pending>, ContainerError> {
    let mut pending = Vec::new();
    for &(index, text) in changed {
        let part = &model.parts[index];
        let PartStorage::DirFile { stamp } = part.storage else {
            return Err(ContainerError::Refused(format!(
                "part {} is not a file of the directory",
                part.name
            )));
        };
        let target = model.real_path.join(&*part.name);
        let temp = Temp::beside(&target)?;
        std::fs::write(temp.path(), text)?;
        atomic::copy_permissions(&target, temp.path())?;
        if std::fs::read(temp.path())? != text {
            return Err(ContainerError::Refused(format!(
                "verification failed: `{}` did not read back as written; the original is untouched",
                part.name
            )));
        }
        pending.push(temp.pending(&target, stamp, options));
    }
    Ok(pending)
}
