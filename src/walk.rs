//! Expanding the paths a user gives into the models to look at.
//!
//! Directories are walked recursively; a directory holding `config.json` is an unzipped archive
//! and is a model itself, not descended into. Symlinks to directories are not followed (no loops);
//! FIFOs, sockets and devices are never opened. An unreadable entry is reported and the walk goes
//! on, as ripgrep does.

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::container::atomic::TEMP_MARKER;

/// Extensions of model files picked up when walking a directory (explicit files are always taken).
pub const MODEL_EXTENSIONS: [&str; 3] = ["h5", "hdf5", "keras"];

/// What the walk found: a model to open, or a path it could not look at.
#[derive(Debug)]
pub enum Found {
    Model(PathBuf),
    /// A temporary left by an interrupted kerasfix run (named with the temp marker).
    Leftover(PathBuf),
    Error {
        path: PathBuf,
        message: String,
    },
}

/// Glob patterns of paths to leave out (`exclude` in the configuration).
#[derive(Debug, Default, Clone)]
pub struct Excludes {
    set: Option<GlobSet>,
}

impl Excludes {
    pub fn new(patterns: &[String]) -> Result<Excludes, globset::Error> {
        if patterns.is_empty() {
            return Ok(Excludes::default());
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            builder.add(Glob::new(pattern)?);
        }
        Ok(Excludes { set: Some(builder.build()?) })
    }

    /// A pattern matches the whole path or the file name alone (ruff's `exclude` semantics).
    pub fn matches(&self, path: &Path) -> bool {
        let Some(set) = &self.set else { return false };
        set.is_match(path) || path.file_name().is_some_and(|name| set.is_match(name))
    }
}

/// Walks `roots` in order, calling `found` for each model, leftover temporary or error.
pub fn walk(roots: &[PathBuf], excludes: &dyn Fn(&Path) -> bool, found: &mut dyn FnMut(Found)) {
    for root in roots {
        match std::fs::metadata(root) {
            Err(e) => found(Found::Error { path: root.clone(), message: e.to_string() }),
            Ok(meta) if meta.is_dir() && !root.join("config.json").is_file() => {
                walk_dir(root, excludes, found)
            }
            Ok(_) => match archive_dir_of_member(root) {
                // `config.json` (or a vocabulary asset) named on its own, as pre-commit passes
                // changed files, stands for the unzipped archive it belongs to.
                Some(dir) => found(Found::Model(dir)),
                // An explicitly named file or archive directory is taken whatever its name.
                None => found(Found::Model(root.clone())),
            },
        }
    }
}

/// The unzipped archive directory that `path` is the `config.json` or `metadata.json` of, or
/// whose `assets/.../vocabulary.txt` it is.
fn archive_dir_of_member(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let dir = match name {
        "config.json" | "metadata.json" => parent_or_dot(path),
        // Keras writes assets under `assets/<object path>/`; the archive holds `assets/`.
        "vocabulary.txt" => {
            let assets = path.ancestors().skip(1).find(|a| a.file_name().is_some_and(|n| n == "assets"))?;
            parent_or_dot(assets)
        }
        _ => return None,
    };
    is_archive_dir(&dir).then_some(dir)
}

fn parent_or_dot(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An unzipped `.keras` archive: `config.json` beside `metadata.json` or a weights file. A
/// directory with only some other tool's `config.json` is not taken for a model.
pub fn is_archive_dir(dir: &Path) -> bool {
    dir.join("config.json").is_file()
        && ["metadata.json", "model.weights.h5", "model.weights.npz"].iter().any(|f| dir.join(f).is_file())
}

fn walk_dir(root: &Path, excludes: &dyn Fn(&Path) -> bool, found: &mut dyn FnMut(Found)) {
    let mut entries = walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                found(Found::Error { path, message: e.to_string() });
                continue;
            }
        };
        let path = entry.path();
        if entry.depth() > 0 && excludes(path) {
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            continue;
        }
        let file_type = entry.file_type();
        if file_type.is_dir() {
            if entry.depth() > 0 && is_archive_dir(path) {
                found(Found::Model(path.to_path_buf()));
                entries.skip_current_dir();
            } else if has_model_extension(path) && !path.join("config.json").is_file() {
                // `x.keras/` looks like an unzipped archive but cannot be one.
                found(Found::Error {
                    path: path.to_path_buf(),
                    message: "directory named like a model has no config.json".into(),
                });
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.contains(TEMP_MARKER) {
            found(Found::Leftover(path.to_path_buf()));
            continue;
        }
        if !has_model_extension(path) {
            continue;
        }
        // Only regular files, or symlinks to them; never FIFOs, sockets or devices.
        let is_regular = if file_type.is_symlink() {
            std::fs::metadata(path).map(|m| m.is_file()).unwrap_or(false)
        } else {
            file_type.is_file()
        };
        if is_regular {
            found(Found::Model(path.to_path_buf()));
        }
    }
}

fn has_model_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MODEL_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(e)))
}

/// Reads a list of paths from a file or standard input (`-`): NUL-separated when the text holds
/// a NUL (as `find -print0` writes), else one per line.
pub fn read_path_list(source: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut bytes = Vec::new();
    if source == Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(source)?.read_to_end(&mut bytes)?;
    }
    let separator = if bytes.contains(&0) { b'\0' } else { b'\n' };
    let mut paths = Vec::new();
    for item in bytes.split(|&b| b == separator) {
        let item = if separator == b'\n' { item.strip_suffix(b"\r").unwrap_or(item) } else { item };
        if item.is_empty() {
            continue;
        }
        use std::os::unix::ffi::OsStrExt;
        paths.push(PathBuf::from(std::ffi::OsStr::from_bytes(item)));
    }
    Ok(paths)
}

/// Drops models named twice (a directory and a file in it, or a path and a symlink to it),
/// keeping the first naming. Identity is the file's device and inode (one `stat`) rather than
/// its canonical path (a `readlink` per component), except for a file with several hard links:
/// each of its names is a model of its own, since a fix replaces one name and not the others.
pub fn dedupe(models: &mut Vec<PathBuf>) {
    use std::os::unix::fs::MetadataExt;
    #[derive(Hash, PartialEq, Eq)]
    enum Identity {
        Inode(u64, u64),
        Path(PathBuf),
    }
    let mut seen = std::collections::HashSet::new();
    models.retain(|p| {
        let identity = match std::fs::metadata(p) {
            Ok(meta) if meta.is_dir() || meta.nlink() == 1 => Identity::Inode(meta.dev(), meta.ino()),
            Ok(_) => Identity::Path(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())),
            // Unreadable: kept (its own processing reports why), once per spelling.
            Err(_) => Identity::Path(p.clone()),
        };
        seen.insert(identity)
    });
}

#[cfg(test)]
mod dedupe_tests {
    use super::dedupe;

    #[test]
    fn a_symlink_and_a_repeat_collapse_but_hard_links_stay_separate_models() {
        let dir = tempfile::tempdir().expect("temp dir");
        let original = dir.path().join("a.h5");
        std::fs::write(&original, b"x").expect("write");
        let link = dir.path().join("link.h5");
        std::os::unix::fs::symlink(&original, &link).expect("symlink");
        let hard = dir.path().join("hard.h5");
        std::fs::hard_link(&original, &hard).expect("hard link");
        let missing = dir.path().join("missing.h5");
        let mut models =
            vec![original.clone(), link, hard.clone(), original.clone(), missing.clone(), missing.clone()];
        dedupe(&mut models);
        // A fix replaces the name it was given, so each hard link is fixed under its own name.
        assert_eq!(models, vec![original, hard, missing]);
    }
}
