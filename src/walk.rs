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

/// What the walk already knows of a model it found, which spares a `stat` of it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Known {
    /// An (unzipped archive) directory, not a file; symlinks followed.
    pub is_dir: bool,
    /// Listed as itself in a directory the walk read: not named by the user, not a symlink.
    pub listed: bool,
}

/// Walks `roots` in order, calling `found` for each model, leftover temporary or error.
pub fn walk(roots: &[PathBuf], excludes: &dyn Fn(&Path) -> bool, found: &mut dyn FnMut(Found)) {
    walk_known(roots, excludes, &mut |f, _| found(f));
}

/// [`walk`], with what the walk knows of each model ([`Known::default`] for anything else).
pub fn walk_known(roots: &[PathBuf], excludes: &dyn Fn(&Path) -> bool, found: &mut dyn FnMut(Found, Known)) {
    for root in roots {
        match std::fs::metadata(root) {
            Err(e) => found(Found::Error { path: root.clone(), message: e.to_string() }, Known::default()),
            Ok(meta) if meta.is_dir() && !root.join("config.json").is_file() => {
                walk_dir(root, excludes, found)
            }
            Ok(meta) => match archive_dir_of_member(root) {
                // `config.json` (or a vocabulary asset) named on its own, as pre-commit passes
                // changed files, stands for the unzipped archive it belongs to.
                Some(dir) => found(Found::Model(dir), Known { is_dir: true, listed: false }),
                // An explicitly named file or archive directory is taken whatever its name.
                None => found(Found::Model(root.clone()), Known { is_dir: meta.is_dir(), listed: false }),
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

fn walk_dir(root: &Path, excludes: &dyn Fn(&Path) -> bool, found: &mut dyn FnMut(Found, Known)) {
    // Siblings share their parent's path, so comparing whole paths as bytes orders them exactly
    // as their names would (`sort_by_file_name`), without re-parsing each path into
    // components on every comparison (the main thread's largest cost, before any model opens).
    let mut entries = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                found(Found::Error { path, message: e.to_string() }, Known::default());
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
                found(Found::Model(path.to_path_buf()), Known { is_dir: true, listed: true });
                entries.skip_current_dir();
            } else if has_model_extension(path) && !path.join("config.json").is_file() {
                // `x.keras/` looks like an unzipped archive but cannot be one.
                found(
                    Found::Error {
                        path: path.to_path_buf(),
                        message: "directory named like a model has no config.json".into(),
                    },
                    Known::default(),
                );
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.contains(TEMP_MARKER) {
            found(Found::Leftover(path.to_path_buf()), Known::default());
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
            found(Found::Model(path.to_path_buf()), Known { is_dir: false, listed: !file_type.is_symlink() });
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
    let mut seen = std::collections::HashSet::new();
    models.retain(|p| seen.insert(Identity::of(p)));
}

/// [`dedupe`] for the models of one or more walks, with what each walk knows of them. When one
/// walk found every model listed as itself in a directory it read, no model can be named twice
/// unless the walk read one directory under two names (a bind mount): one `stat` per directory
/// rules that out and spares the `stat` per model.
pub fn dedupe_known(models: &mut Vec<(PathBuf, Known)>, one_walk: bool) {
    if one_walk && models.iter().all(|(_, known)| known.listed) && directories_distinct(models) {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    models.retain(|(p, _)| seen.insert(Identity::of(p)));
}

/// Whether the directories holding `models` are distinct directories (device and inode), not
/// one directory reached under two names.
fn directories_distinct(models: &[(PathBuf, Known)]) -> bool {
    use std::os::unix::fs::MetadataExt;
    let mut named = std::collections::HashSet::new();
    let mut identities = std::collections::HashSet::new();
    let mut last: Option<&Path> = None;
    for (path, _) in models {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if last == Some(dir) || !named.insert(dir) {
            last = Some(dir);
            continue;
        }
        last = Some(dir);
        match std::fs::metadata(dir) {
            Ok(meta) if identities.insert((meta.dev(), meta.ino())) => {}
            _ => return false,
        }
    }
    true
}

/// What [`dedupe`] takes for the same model.
#[derive(Hash, PartialEq, Eq)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

impl Identity {
    fn of(p: &Path) -> Identity {
        use std::os::unix::fs::MetadataExt;
        match std::fs::metadata(p) {
            Ok(meta) if meta.is_dir() || meta.nlink() == 1 => Identity::Inode(meta.dev(), meta.ino()),
            Ok(_) => Identity::Path(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())),
            // Unreadable: kept (its own processing reports why), once per spelling.
            Err(_) => Identity::Path(p.to_path_buf()),
        }
    }
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

#[cfg(test)]
mod dedupe_known_tests {
    use super::{Known, dedupe_known};

    const LISTED: Known = Known { is_dir: false, listed: true };

    #[test]
    fn one_walk_of_distinct_directories_keeps_every_model() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        let (a, b) = (dir.path().join("a.h5"), sub.join("b.h5"));
        std::fs::write(&a, b"x").expect("write");
        std::fs::hard_link(&a, sub.join("c.h5")).expect("hard link");
        let mut models = vec![(a.clone(), LISTED), (sub.join("c.h5"), LISTED), (b.clone(), LISTED)];
        let expected = models.clone();
        dedupe_known(&mut models, true);
        assert_eq!(models, expected);
    }

    #[test]
    fn a_directory_under_two_names_or_two_walks_fall_back_to_identity() {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = dir.path().join("real");
        std::fs::create_dir(&real).expect("mkdir");
        std::fs::write(real.join("a.h5"), b"x").expect("write");
        // A second name for the directory, as a bind mount would give it.
        let alias = dir.path().join("alias");
        std::os::unix::fs::symlink(&real, &alias).expect("symlink");
        let mut models = vec![(real.join("a.h5"), LISTED), (alias.join("a.h5"), LISTED)];
        dedupe_known(&mut models, true);
        assert_eq!(models, vec![(real.join("a.h5"), LISTED)]);
        // Two walks (overlapping roots) may list one file twice under the same name.
        let mut models = vec![(real.join("a.h5"), LISTED), (real.join("a.h5"), LISTED)];
        dedupe_known(&mut models, false);
        assert_eq!(models, vec![(real.join("a.h5"), LISTED)]);
        // A model not listed by the walk (named, or a symlink) is looked at.
        let named = Known { is_dir: false, listed: false };
        let mut models = vec![(real.join("a.h5"), LISTED), (alias.join("a.h5"), named)];
        dedupe_known(&mut models, true);
        assert_eq!(models, vec![(real.join("a.h5"), LISTED)]);
    }
}

#[cfg(test)]
mod order_tests {
    use super::{Found, walk};

    /// Models come out depth-first, each directory's entries in byte order of their names, as
    /// walkdir's `sort_by_file_name` gives them (the walk compares sibling paths instead).
    #[test]
    fn models_come_out_depth_first_in_name_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let names = [
            "a.h5",
            "a-b.h5",
            "a/x.h5",
            "a/B.keras",
            "A.h5",
            "b/c/d.h5",
            "b.h5",
            "\u{e9}.h5",
            "a0.h5",
            "a/.h5x",
        ];
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
            std::fs::write(&path, b"x").expect("write");
        }
        let mut found = Vec::new();
        walk(&[dir.path().to_path_buf()], &|_| false, &mut |f| {
            if let Found::Model(path) = f {
                found.push(path.strip_prefix(dir.path()).expect("under root").to_string_lossy().into_owned());
            }
        });
        let expected =
            ["A.h5", "a/B.keras", "a/x.h5", "a-b.h5", "a.h5", "a0.h5", "b/c/d.h5", "b.h5", "\u{e9}.h5"];
        assert_eq!(found, expected);
    }
}
