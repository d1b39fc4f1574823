//! The superblock: where the root group is and how large addresses are.
//!
//! Spec: "II.A. Disk Format: Level 0A - Format Signature and Superblock"
//! (<https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html#Superblock>); libhdf5:
//! `H5F__cache_superblock_deserialize` and `H5F__superblock_prefix_decode` in
//! `src/H5Fsuper_cache.c`, `H5F__super_read` in `src/H5Fsuper.c`, `H5G_ent_decode` in
//! `src/H5Gent.c`. Every check libhdf5 makes while opening is made here too, so a superblock
//! libhdf5 refuses is never read natively.

use super::io::{Cursor, Sizes, Source};
use super::{Fallback, R, checksum, fallback};

const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

/// What the rest of the reader needs from the superblock.
pub(super) struct Superblock {
    pub(super) sizes: Sizes,
    /// Root group object header, relative to the base address.
    pub(super) root: u64,
}

/// Finds and decodes the superblock, then narrows `source` to the file's address window.
pub(super) fn read(source: &mut Source) -> R<Superblock> {
    let at = locate(source)?;
    // 9 fixed bytes, then at most 100 more for 8-byte sizes (version 1 is the longest).
    let image = source.read_abs(at, (source.len() - at).min(128))?.into_owned();
    let mut c = Cursor::new(&image);
    c.skip(8)?;
    let version = c.u8()?;
    match version {
        0 | 1 => old_format(&mut c, version, at, source),
        2 | 3 => new_format(&mut c, &image, version, at, source),
        _ => fallback("superblock version"),
    }
}

/// libhdf5 looks at 0, 512, 1024, 2048, ... (`H5FD_locate_signature`), as `detect` does.
fn locate(source: &Source) -> R<u64> {
    let mut offset = 0u64;
    while offset.checked_add(8).is_some_and(|stop| stop <= source.len()) {
        if *source.read_abs(offset, 8)? == SIGNATURE[..] {
            return Ok(offset);
        }
        offset = if offset == 0 { 512 } else { offset.checked_mul(2).ok_or(Fallback("no signature"))? };
    }
    fallback("no signature")
}

/// Versions 0 and 1 (h5py's default, `libver='earliest'`).
fn old_format(c: &mut Cursor, version: u8, at: u64, source: &mut Source) -> R<Superblock> {
    // Free-space, root group symbol table entry and shared header versions are hard-wired 0.
    let free_space = c.u8()?;
    let root_entry = c.u8()?;
    c.skip(1)?;
    let shared_header = c.u8()?;
    if free_space != 0 || root_entry != 0 || shared_header != 0 {
        return fallback("superblock sub-version");
    }
    let sizes = Sizes::new(c.u8()?, c.u8()?)?;
    c.skip(1)?;
    if c.u16()? == 0 || c.u16()? == 0 {
        return fallback("B-tree rank 0");
    }
    let status = c.u32()?;
    if status > 0xff || status & !0x07 != 0 {
        return fallback("superblock status flags");
    }
    if version == 1 {
        c.skip(4)?; // indexed storage B-tree K, reserved
    }
    let base = c.addr(sizes)?.ok_or(Fallback("undefined base address"))?;
    let extension = c.addr(sizes)?;
    let eof = c.addr(sizes)?.ok_or(Fallback("undefined end of file"))?;
    let driver = c.addr(sizes)?;
    if eof == 0 || base >= eof {
        return fallback("bad end-of-file address");
    }
    // A driver information block (family, multi) or a superblock extension is beyond this
    // reader; libhdf5 also refuses an extension with a version 0/1 superblock.
    if driver.is_some() || extension.is_some() {
        return fallback("driver info block or superblock extension");
    }
    // Root group symbol table entry: link name offset, object header address, cache type,
    // reserved, 16-byte scratch pad (spec "III.C. Symbol Table Entry").
    c.length(sizes)?;
    let root = c.addr(sizes)?.ok_or(Fallback("undefined root group address"))?;
    let cache_type = c.u32()?;
    if cache_type > 2 {
        return fallback("unknown symbol table entry cache type");
    }
    c.skip(4 + 16)?;
    window(source, at, base, eof)?;
    Ok(Superblock { sizes, root })
}

/// Versions 2 and 3 (`libver='latest'`), with a lookup3 checksum.
fn new_format(c: &mut Cursor, image: &[u8], version: u8, at: u64, source: &mut Source) -> R<Superblock> {
    let sizes = Sizes::new(c.u8()?, c.u8()?)?;
    let status = c.u8()?;
    if status & !0x07 != 0 {
        return fallback("superblock status flags");
    }
    // A version 3 superblock marked open for writing is refused by a read-only open
    // (`H5F_open`: "file is already open for write").
    if version == 3 && status & 0x05 != 0 {
        return fallback("file marked open for writing");
    }
    let base = c.addr(sizes)?.ok_or(Fallback("undefined base address"))?;
    let extension = c.addr(sizes)?;
    let eof = c.addr(sizes)?.ok_or(Fallback("undefined end of file"))?;
    let root = c.addr(sizes)?.ok_or(Fallback("undefined root group address"))?;
    if eof == 0 || root == 0 || base >= eof || root >= eof - base {
        return fallback("address beyond the end of file");
    }
    let covered = c.pos();
    let stored = c.u32()?;
    let body = image.get(..covered).ok_or(Fallback("superblock truncated"))?;
    if checksum::metadata(body) != stored {
        return fallback("superblock checksum mismatch");
    }
    // An extension can hold shared-message tables, file-space settings, driver info.
    if extension.is_some() {
        return fallback("superblock extension");
    }
    window(source, at, base, eof)?;
    Ok(Superblock { sizes, root })
}

/// Applies `H5F__super_read`'s rules: the signature's position is the base address (a stored
/// base that differs moves the end-of-file address with it), and a file shorter than its
/// stored end of file is truncated, which libhdf5 refuses.
fn window(source: &mut Source, at: u64, base: u64, eof: u64) -> R<()> {
    let eof = if at == base { eof } else { eof.wrapping_sub(base.wrapping_sub(at)) };
    if source.len() < eof {
        return fallback("truncated file (stored end of file past the real end)");
    }
    source.set_window(at, eof)
}
