//! Global heap collections, where variable-length strings live.
//!
//! Spec: "III.E. Disk Format: Level 1E - Global Heap"
//! (<https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html#GlobalHeap>); libhdf5:
//! `H5HG__hdr_deserialize` and `H5HG__cache_heap_deserialize` in `src/H5HGcache.c`, `H5HG_read`
//! and `H5HG_get_obj_size` in `src/H5HG.c`, `H5VL__native_blob_get` in
//! `src/H5VLnative_blob.c`. A collection is read whole, as libhdf5 reads it, and parsed with
//! the same rules, so an object is returned exactly when libhdf5 would return it.

use std::borrow::Cow;

use super::io::{Cursor, Sizes, Source, to_usize};
use super::{Fallback, R, fallback};
use crate::container::MAX_JSON_BYTES;

/// `H5HG_MINSIZE`: no collection is smaller.
const MIN_SIZE: u64 = 4096;
/// Largest collection read: one object of the largest JSON part kerasfix accepts, plus room.
pub(super) const MAX_SIZE: u64 = MAX_JSON_BYTES + (1 << 20);

/// (index, start of data, size) of one object.
type Object = (u16, usize, usize);

/// One parsed collection.
pub(super) struct Collection<'s> {
    pub(super) addr: u64,
    image: Cow<'s, [u8]>,
    /// (index, start of data, size) of every object, in file order (a later duplicate index
    /// replaces an earlier one, as in libhdf5's object table).
    objects: Vec<Object>,
    /// One past the largest index seen (`nused`).
    used: u32,
}

/// Reads and parses the collection at `addr` (relative).
/// `H5HG_SIZEOF_HDR` and `H5HG_SIZEOF_OBJHDR`: 8 bytes and a length, padded to a multiple of
/// 8 (so 16 bytes for lengths of 2, 4 and 8 bytes).
fn header_len(sizes: Sizes) -> usize {
    (8 + usize::from(sizes.len)).next_multiple_of(8)
}

pub(super) fn read(source: &Source, sizes: Sizes, addr: u64) -> R<Collection<'_>> {
    let head = source.read(addr, header_len(sizes) as u64)?;
    let mut c = Cursor::new(&head);
    if c.take(4)? != b"GCOL" {
        return fallback("bad global heap collection signature");
    }
    if c.u8()? != 1 {
        return fallback("global heap version");
    }
    c.skip(3)?;
    let size = c.length(sizes)?;
    if size < MIN_SIZE {
        return fallback("global heap collection too small");
    }
    if size > MAX_SIZE {
        return fallback("global heap collection larger than kerasfix reads");
    }
    drop(head);
    let image = source.read(addr, size)?;
    let (objects, used) = parse(&image, sizes)?;
    Ok(Collection { addr, image, objects, used })
}

/// `H5HG__cache_heap_deserialize`'s walk over the objects.
fn parse(image: &[u8], sizes: Sizes) -> R<(Vec<Object>, u32)> {
    let object_header = header_len(sizes);
    let end = image.len();
    let mut pos = header_len(sizes);
    let mut objects = Vec::new();
    let mut free_space: Option<usize> = None;
    let mut max_index = 0u16;
    while pos < end {
        if pos + object_header > end {
            // Too little left for an object header: the tail is free space.
            if free_space.is_some() {
                return fallback("global heap: object 0 set twice");
            }
            free_space = Some(end - pos);
            pos = end;
            continue;
        }
        let mut c = Cursor::new(image.get(pos..).ok_or(Fallback("global heap object"))?);
        let index = c.u16()?;
        c.skip(2 + 4)?; // reference count, reserved
        let size = to_usize(c.length(sizes)?)?;
        let need = if index > 0 {
            max_index = max_index.max(index);
            objects.push((index, pos + object_header, size));
            size.checked_next_multiple_of(8).and_then(|padded| padded.checked_add(object_header))
        } else {
            free_space = Some(size);
            Some(size)
        };
        let need = need.ok_or(Fallback("global heap object size overflow"))?;
        // A zero-sized free-space object makes libhdf5 loop forever: the file is refused.
        if need == 0 {
            return Err(Fallback::LIBHDF5_WOULD_HANG);
        }
        if pos.checked_add(need).is_none_or(|stop| stop > end) {
            return fallback("global heap object runs past its collection");
        }
        pos += need;
    }
    if free_space.is_some_and(|size| size % 8 != 0) {
        return fallback("global heap free space not aligned");
    }
    Ok((objects, u32::from(max_index) + 1))
}

impl Collection<'_> {
    pub(super) fn len(&self) -> usize {
        self.image.len()
    }

    /// The bytes of object `index`, as `H5HG_read` returns them.
    pub(super) fn object(&self, index: u32) -> R<&[u8]> {
        if index == 0 || index >= self.used {
            return fallback("bad global heap index");
        }
        let &(_, start, size) = self
            .objects
            .iter()
            .rev()
            .find(|(i, _, _)| u32::from(*i) == index)
            .ok_or(Fallback("no such global heap object"))?;
        let stop = start.checked_add(size).ok_or(Fallback("global heap object size"))?;
        self.image.get(start..stop).ok_or(Fallback("global heap object outside its collection"))
    }
}
