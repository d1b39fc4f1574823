//! Bounded positional reads and a checked little-endian cursor.
//!
//! Every read names its range up front and is refused when the range leaves the file (or, once
//! the superblock is known, the file's end-of-allocation address, as libhdf5's `H5FD_read`
//! refuses it with "addr overflow"). Nothing here can panic or allocate more than the caller
//! asked for, and callers cap what they ask for.

use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

use super::{Fallback, R, fallback};

/// How many leading bytes are read at once: the superblock and, in files h5py writes, the
/// root group's object header sit in the first few hundred bytes.
pub(crate) const HEAD_BYTES: u64 = 4096;

/// An open HDF5 file, read with `pread` only.
pub(super) struct Source {
    file: File,
    len: u64,
    head: Vec<u8>,
    /// Absolute offset that relative addresses start from (the superblock's position).
    base: u64,
    /// Absolute end of the readable range: the file size until the superblock gives its
    /// end-of-file address.
    end: u64,
}

impl Source {
    pub(super) fn open(path: &Path) -> R<Source> {
        let file = File::open(path).map_err(|_| Fallback("cannot open"))?;
        lock_shared(&file)?;
        let len = file.metadata().map_err(|_| Fallback("cannot stat"))?.len();
        let mut source = Source { file, len, head: Vec::new(), base: 0, end: len };
        let head_len = len.min(HEAD_BYTES);
        source.head = source.pread(0, head_len)?;
        Ok(source)
    }

    /// A file already open and locked, `len` bytes long, whose first bytes were read: `head`
    /// holds at least its first `min(len, HEAD_BYTES)` bytes (all of them, or the reads past it
    /// fail and the file is left to libhdf5 like any other file that ends early).
    pub(super) fn with_head(file: File, len: u64, head: Vec<u8>) -> Source {
        Source { file, len, head, base: 0, end: len }
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// From now on, addresses are relative to `base` and reads stop at `end` (both absolute).
    pub(super) fn set_window(&mut self, base: u64, end: u64) -> R<()> {
        if base >= end || end > self.len {
            return fallback("address window outside the file");
        }
        self.base = base;
        self.end = end;
        Ok(())
    }

    /// `len` bytes at absolute `offset`, inside the current window's end.
    pub(super) fn read_abs(&self, offset: u64, len: u64) -> R<Cow<'_, [u8]>> {
        let stop = offset.checked_add(len).ok_or(Fallback("address overflow"))?;
        if stop > self.end {
            return fallback("read past the end of the file's allocated space");
        }
        if stop <= self.head.len() as u64 {
            // Both bounds are at most head.len(), which is a usize.
            return match self.head.get(offset as usize..stop as usize) {
                Some(slice) => Ok(Cow::Borrowed(slice)),
                None => fallback("read past the head buffer"),
            };
        }
        self.pread(offset, len).map(Cow::Owned)
    }

    /// `len` bytes at `addr`, relative to the base address.
    pub(super) fn read(&self, addr: u64, len: u64) -> R<Cow<'_, [u8]>> {
        let offset = self.base.checked_add(addr).ok_or(Fallback("address overflow"))?;
        self.read_abs(offset, len)
    }

    /// Bytes from `addr` (relative) up to `len`, or fewer when the window ends first: the
    /// speculative read libhdf5 also makes before it knows a structure's size.
    pub(super) fn read_up_to(&self, addr: u64, len: u64) -> R<Cow<'_, [u8]>> {
        let offset = self.base.checked_add(addr).ok_or(Fallback("address overflow"))?;
        let available = self.end.checked_sub(offset).ok_or(Fallback("address past the end"))?;
        self.read_abs(offset, len.min(available))
    }

    fn pread(&self, offset: u64, len: u64) -> R<Vec<u8>> {
        // The range lies inside the file (checked by every caller against `end` <= `len`), so
        // the allocation is backed by the file's own size.
        if offset.checked_add(len).is_none_or(|stop| stop > self.len) {
            return fallback("read past the end of the file");
        }
        let buf = crate::container::pread::read_at_most(&self.file, offset, len)
            .map_err(|_| Fallback("read failed"))?;
        if buf.len() as u64 != len {
            return fallback("the file ended early");
        }
        Ok(buf)
    }
}

/// Takes the shared `flock` libhdf5 takes on a read-only open (`H5FD_sec2_lock`), so a file
/// another HDF5 program holds open for writing is left to libhdf5, which refuses it.
pub(crate) fn lock_shared(file: &File) -> R<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a valid, owned descriptor; the lock is released when `file` closes.
    let status = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) };
    if status != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EWOULDBLOCK) {
        return fallback("file is locked by a writer");
    }
    Ok(())
}

/// Sizes of addresses ("offsets") and lengths, from the superblock. Only 2, 4 and 8 bytes are
/// read natively; libhdf5 also allows 16 and 32.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sizes {
    pub(super) addr: u8,
    pub(super) len: u8,
}

impl Sizes {
    pub(super) fn new(addr: u8, len: u8) -> R<Sizes> {
        let ok = |n: u8| matches!(n, 2 | 4 | 8);
        if ok(addr) && ok(len) {
            Ok(Sizes { addr, len })
        } else {
            fallback("unusual size of offsets or lengths")
        }
    }
}

/// A checked reader over one decoded structure.
pub(super) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Cursor<'a> {
        Cursor { buf, pos: 0 }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    pub(super) fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let stop = self.pos.checked_add(n).ok_or(Fallback("length overflow"))?;
        let slice = self.buf.get(self.pos..stop).ok_or(Fallback("structure runs past its buffer"))?;
        self.pos = stop;
        Ok(slice)
    }

    pub(super) fn skip(&mut self, n: usize) -> R<()> {
        self.take(n).map(|_| ())
    }

    pub(super) fn u8(&mut self) -> R<u8> {
        Ok(self.uint(1)? as u8)
    }

    pub(super) fn u16(&mut self) -> R<u16> {
        Ok(self.uint(2)? as u16)
    }

    pub(super) fn u32(&mut self) -> R<u32> {
        Ok(self.uint(4)? as u32)
    }

    /// A little-endian unsigned integer of `size` (at most 8) bytes.
    pub(super) fn uint(&mut self, size: u8) -> R<u64> {
        let bytes = self.take(usize::from(size))?;
        if bytes.len() > 8 {
            return fallback("integer wider than 64 bits");
        }
        Ok(bytes.iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// A file address; `None` is HDF5's "undefined address" (all bits set, `H5F_addr_decode`).
    pub(super) fn addr(&mut self, sizes: Sizes) -> R<Option<u64>> {
        let bytes = self.take(usize::from(sizes.addr))?;
        if bytes.iter().all(|&b| b == 0xff) {
            return Ok(None);
        }
        Ok(Some(bytes.iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))))
    }

    /// A length field (`H5F_DECODE_LENGTH`): no undefined value.
    pub(super) fn length(&mut self, sizes: Sizes) -> R<u64> {
        self.uint(sizes.len)
    }
}

/// `len` as usize, for a value already bounded by a buffer or cap.
pub(super) fn to_usize(n: u64) -> R<usize> {
    usize::try_from(n).map_err(|_| Fallback("value too large"))
}
