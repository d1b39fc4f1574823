//! The directory locks a writing batch holds, carried from one chunk of models to the next.
//!
//! `fix` commits each chunk while it already processes the next one, so two chunks' locks are
//! held at once. An `flock` belongs to one open file description: a directory both chunks
//! write in must share the lock already held (opening it again would wait on ourselves).
//! Deadlock with another kerasfix run is avoided by global order, as when one chunk at a time
//! was locked: this process only *waits* for a directory when every directory it holds sorts
//! before it. Any other directory is only tried; if another run holds it, the caller finishes
//! the previous chunk, lets its locks go, and takes the new chunk's locks afresh, in order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::container::ModelLock;
use crate::container::atomic::{lock_dir, lock_dir_spelling, try_lock_dir};

/// Locks on a sorted set of directories.
#[derive(Debug, Default)]
pub struct DirLocks {
    held: Vec<(PathBuf, Arc<ModelLock>)>,
}

/// The canonical, sorted, distinct directories whose locks guard `models`.
pub fn lock_dirs_of(models: &[PathBuf]) -> Vec<PathBuf> {
    // Many models share a directory: canonicalize (a `readlink` per component) each once.
    let mut spellings: Vec<PathBuf> = models.iter().filter_map(|p| lock_dir_spelling(p).ok()).collect();
    spellings.sort();
    spellings.dedup();
    let mut dirs: Vec<PathBuf> = spellings.iter().filter_map(|d| std::fs::canonicalize(d).ok()).collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

impl DirLocks {
    /// Locks `dirs` (sorted), waiting for each in turn; the caller holds no other lock. A
    /// directory that cannot be locked is left to the model's own processing to report.
    pub fn acquire(dirs: &[PathBuf]) -> DirLocks {
        DirLocks {
            held: dirs.iter().filter_map(|dir| Some((dir.clone(), Arc::new(lock_dir(dir).ok()?)))).collect(),
        }
    }

    /// Locks `dirs` (sorted) while `self` is still held: sharing the locks `self` has, waiting
    /// only where the order allows, trying elsewhere. `None` when a tried directory is busy;
    /// nothing new is held then.
    pub fn extend(&self, dirs: &[PathBuf]) -> Option<DirLocks> {
        let mut held = Vec::with_capacity(dirs.len());
        for dir in dirs {
            if let Some(shared) = self.get(dir) {
                held.push((dir.clone(), shared));
                continue;
            }
            // Every lock held so far by either set sorts before `dir`: waiting keeps the order.
            let in_order = self.held.last().is_none_or(|(last, _)| last < dir);
            let lock = if in_order {
                lock_dir(dir).ok()
            } else {
                match try_lock_dir(dir) {
                    Ok(Some(lock)) => Some(lock),
                    Ok(None) => return None,
                    Err(_) => None,
                }
            };
            if let Some(lock) = lock {
                held.push((dir.clone(), Arc::new(lock)));
            }
        }
        Some(DirLocks { held })
    }

    fn get(&self, dir: &Path) -> Option<Arc<ModelLock>> {
        let at = self.held.binary_search_by(|(held, _)| held.as_path().cmp(dir)).ok()?;
        self.held.get(at).map(|(_, lock)| lock.clone())
    }
}
