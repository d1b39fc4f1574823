//! Crash-safe replacement of a model file.
//!
//! A model is often the only copy of weeks of training, so a write never touches the original:
//! the new content goes to a temporary file in the same directory (same filesystem, so the final
//! rename is atomic), is synced, re-opened and verified by the caller, and only then renamed over
//! the original, after which the directory is synced so the rename itself is durable. Until that
//! rename, a crash leaves the original as it was plus a temporary whose name says what it is.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// Marks every temporary this tool creates, so a later run can recognise and report leftovers.
pub const TEMP_MARKER: &str = ".kerasfix-tmp-";

/// What the user asked of a write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Keep the original under `<name><suffix>` (for example `.bak`).
    pub backup_suffix: Option<String>,
}

/// What a write did.
#[derive(Debug, Clone, Default)]
pub struct WriteReport {
    pub written: bool,
    pub backup: Option<PathBuf>,
}

/// Identity of a file's content at the moment it was read: if any of these differ at rename
/// time, another program changed the file and the tool must not overwrite its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The file's size when stamped.
    pub fn size(&self) -> u64 {
        self.len
    }

    pub fn of(path: &Path) -> io::Result<Stamp> {
        Ok(Stamp::from_metadata(&fs::metadata(path)?))
    }

    /// The stamp of a file whose metadata is already at hand (one `stat` per model, not three).
    pub fn from_metadata(meta: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: if meta.is_dir() { 0 } else { meta.len() },
            modified: meta.modified().ok(),
            inode: meta.ino(),
            device: meta.dev(),
        }
    }
}

/// An advisory lock (`flock`) held from before a model is read until its replacement is renamed
/// into place, so two kerasfix runs over the same tree never both fix one file from the same
/// original (the second waits, then reads the first one's result).
///
/// The lock is on the directory that holds the model (an unzipped archive: the archive
/// directory itself), not on the model file: libhdf5 takes its own `flock` on every file it
/// opens, and a lock of ours on the same file would make our own read of it fail. Directories
/// are never replaced by a rename, so the lock always guards the live name.
#[derive(Debug)]
pub struct ModelLock {
    _dir: File,
}

/// Takes the lock for the model at `path`, waiting for another kerasfix that holds it.
pub fn lock_model(path: &Path) -> io::Result<ModelLock> {
    lock_dir(&lock_dir_of(path)?)
}

/// The directory whose lock guards the model at `path`: the archive directory itself for an
/// unzipped archive, else the directory holding the (symlink-resolved) file.
pub fn lock_dir_of(path: &Path) -> io::Result<PathBuf> {
    // Canonical, so that two runs naming the same directory differently sort it the same way.
    fs::canonicalize(lock_dir_spelling(path)?)
}

/// The directory [`lock_dir_of`] locks, as spelled from `path` (not canonical): a batch
/// canonicalizes each distinct spelling once rather than once per model.
pub fn lock_dir_spelling(path: &Path) -> io::Result<PathBuf> {
    let (real, meta) = resolve(path)?;
    Ok(if meta.is_dir() { real } else { parent_dir(&real) })
}

/// Takes the lock of one directory if no one holds it; `None` when another run does.
pub fn try_lock_dir(dir: &Path) -> io::Result<Option<ModelLock>> {
    use std::os::fd::AsRawFd;
    let handle = File::open(dir)?;
    loop {
        // SAFETY: a valid open descriptor; flock only takes an advisory lock on it.
        if unsafe { libc::flock(handle.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(Some(ModelLock { _dir: handle }));
        }
        let error = io::Error::last_os_error();
        match error.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Ok(None),
            _ => return Err(error),
        }
    }
}

/// Takes the lock of one directory, waiting for it. A batch takes the locks of all the
/// directories it is about to write in sorted order and holds them only until it commits, so
/// two runs waiting for each other's locks cannot deadlock.
pub fn lock_dir(dir: &Path) -> io::Result<ModelLock> {
    use std::os::fd::AsRawFd;
    let handle = File::open(dir)?;
    loop {
        // SAFETY: a valid open descriptor; flock only takes an advisory lock on it.
        if unsafe { libc::flock(handle.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(ModelLock { _dir: handle });
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// The real location of `path`, following symlinks, so that writing replaces the link's target
/// and leaves the link itself in place.
///
/// Only the last component matters: a rename replaces the directory entry it names, so a model
/// that is a symlink must be resolved to its target, while symlinks among its parents are
/// followed by the kernel alike for the temporary beside it and for the rename. Resolving only
/// then spares a `readlink` per path component on every model of a sweep. Returns the path
/// with the target's metadata.
pub fn resolve(path: &Path) -> io::Result<(PathBuf, fs::Metadata)> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        let real = fs::canonicalize(path)?;
        let meta = fs::metadata(&real)?;
        Ok((real, meta))
    } else {
        Ok((path.to_path_buf(), meta))
    }
}

/// A temporary file beside its target; removed on drop unless it was renamed into place.
#[derive(Debug)]
pub struct Temp {
    path: PathBuf,
    armed: bool,
}

impl Temp {
    /// Reserves a fresh temporary path beside `target` (the file is created by the caller).
    pub fn beside(target: &Path) -> io::Result<Temp> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = parent_dir(target);
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let serial = COUNTER.fetch_add(1, Ordering::Relaxed);
        // glibc no longer caches the pid: ask the kernel once per process, not per temporary.
        static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        let pid = *PID.get_or_init(std::process::id);
        let path = dir.join(format!(".{name}{TEMP_MARKER}{pid}-{serial}"));
        Ok(Temp { path, armed: true })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the temporary's content to stable storage.
    fn sync(&self) -> io::Result<()> {
        File::open(&self.path)?.sync_all()
    }

    /// Turns the written, verified temporary into a pending replacement of `target`, to be
    /// made durable and renamed by [`commit_all`].
    pub fn pending(self, target: &Path, expected: Stamp, options: &WriteOptions) -> Pending {
        Pending { temp: self, target: target.to_path_buf(), expected, options: options.clone() }
    }
}

/// A verified temporary waiting to replace its target.
#[derive(Debug)]
pub struct Pending {
    temp: Temp,
    target: PathBuf,
    expected: Stamp,
    options: WriteOptions,
}

impl Pending {
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the temporary over the target after checking that the target is still the file
    /// that was read, keeping a backup first if asked. The caller syncs data before and the
    /// directory after.
    fn rename_into_place(mut self) -> io::Result<WriteReport> {
        let now = Stamp::of(&self.target)?;
        if now != self.expected {
            return Err(io::Error::other(
                "the file changed on disk since kerasfix read it (size, time or inode differ); not overwritten",
            ));
        }
        let mut backup = None;
        if let Some(suffix) = &self.options.backup_suffix {
            let mut name = self.target.as_os_str().to_owned();
            name.push(suffix);
            let backup_path = PathBuf::from(name);
            // A hard link keeps the original bytes under the backup name at no cost; the rename
            // below then only moves the main name to the new file.
            let _ = fs::remove_file(&backup_path);
            if fs::hard_link(&self.target, &backup_path).is_err() {
                fs::copy(&self.target, &backup_path)?;
                File::open(&backup_path)?.sync_all()?;
            }
            backup = Some(backup_path);
        }
        fs::rename(&self.temp.path, &self.target)?;
        self.temp.armed = false;
        Ok(WriteReport { written: true, backup })
    }
}

/// Makes every pending temporary durable, renames each over its target, and syncs each
/// directory once. One `syncfs` covers a whole batch, so a thousand small fixes cost one flush
/// rather than a thousand, while no rename ever happens before its data is on disk.
/// Results come back in the order given; a failed rename leaves that target untouched.
pub fn commit_all(pending: Vec<Pending>) -> Vec<io::Result<WriteReport>> {
    let synced = match pending.as_slice() {
        [] => Ok(()),
        [one] => one.temp.sync(),
        many => sync_filesystems(many.iter().map(|p| &p.temp.path)),
    };
    if let Err(e) = synced {
        let message = e.to_string();
        return pending
            .into_iter()
            .map(|_| Err(io::Error::other(format!("syncing the new file failed: {message}"))))
            .collect();
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    let results: Vec<io::Result<WriteReport>> = pending
        .into_iter()
        .map(|p| {
            let dir = parent_dir(&p.target);
            let result = p.rename_into_place();
            if result.is_ok() && !dirs.contains(&dir) {
                dirs.push(dir);
            }
            result
        })
        .collect();
    let dir_synced = dirs.iter().try_for_each(|d| sync_dir(d));
    match dir_synced {
        Ok(()) => results,
        Err(e) => {
            let message = e.to_string();
            results
                .into_iter()
                .map(|r| {
                    r.and_then(|_| Err(io::Error::other(format!("syncing the directory failed: {message}"))))
                })
                .collect()
        }
    }
}

/// `syncfs` once per filesystem holding any of `paths`.
fn sync_filesystems<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::MetadataExt;
    let mut devices = Vec::new();
    for path in paths {
        let file = File::open(path)?;
        let device = file.metadata()?.dev();
        if devices.contains(&device) {
            continue;
        }
        devices.push(device);
        // SAFETY: a valid open descriptor; syncfs only flushes.
        if unsafe { libc::syncfs(file.as_raw_fd()) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

impl Drop for Temp {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a rename in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Gives `dest` the permission bits of `source`.
pub fn copy_permissions(source: &Path, dest: &Path) -> io::Result<()> {
    let perms = fs::metadata(source)?.permissions();
    fs::set_permissions(dest, perms)
}
