//! Positional reads into fresh capacity, for every reader of model files (format detection,
//! the archive windows, the native HDF5 reader): the bytes go straight from the kernel into a
//! buffer that was never zeroed, and no read moves a file offset that another may share.

use std::fs::File;

/// Up to `len` bytes at `offset`, fewer only at the end of the file. Read into fresh capacity
/// without zeroing it first: `vec![0; n]` cost as much as the read itself for a small model.
pub(crate) fn read_at_most(file: &File, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(len).map_err(std::io::Error::other)?);
    while bytes.len() < bytes.capacity() {
        let at =
            offset.checked_add(bytes.len() as u64).ok_or_else(|| std::io::Error::other("offset overflow"))?;
        if pread_into_spare(file, &mut bytes, at)? == 0 {
            break;
        }
    }
    Ok(bytes)
}

/// One `pread` at `offset` into `buf`'s spare capacity, which it then counts as filled;
/// retried when interrupted. How many bytes it read (0 at the end of the file).
fn pread_into_spare(file: &File, buf: &mut Vec<u8>, offset: u64) -> std::io::Result<usize> {
    use std::os::fd::AsRawFd;
    let offset = libc::off_t::try_from(offset).map_err(std::io::Error::other)?;
    loop {
        let spare = buf.spare_capacity_mut();
        // SAFETY: `pread` writes at most `spare.len()` bytes into `spare`, memory `buf` owns,
        // through a descriptor `file` keeps open.
        let read = unsafe { libc::pread(file.as_raw_fd(), spare.as_mut_ptr().cast(), spare.len(), offset) };
        match usize::try_from(read) {
            Ok(read) => {
                // SAFETY: the kernel initialized exactly `read` bytes after the current length.
                unsafe { buf.set_len(buf.len() + read) };
                return Ok(read);
            }
            Err(_) => {
                let error = std::io::Error::last_os_error();
                if error.kind() != std::io::ErrorKind::Interrupted {
                    return Err(error);
                }
            }
        }
    }
}
