//! Object headers: the root group's messages, across continuation chunks.
//!
//! Spec: "IV.A.1.a. Version 1 Data Object Header Prefix", "IV.A.1.b. Version 2 Data Object
//! Header Prefix" and "IV.A.2.q. Object Header Continuation Message"
//! (<https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html#ObjectHeader>); libhdf5:
//! `H5O__prefix_deserialize` and `H5O__chunk_deserialize` in `src/H5Ocache.c`, `H5O_protect` in
//! `src/H5Oint.c`, `H5O__cont_decode` in `src/H5Ocont.c`. The checks libhdf5 makes while
//! loading a header are repeated here (message alignment, flag combinations, gaps, the chunk
//! size adding up, lookup3 checksums for version 2) so that a header it refuses is never read.

use std::borrow::Cow;

use super::io::{Cursor, Sizes, Source, to_usize};
use super::{Fallback, R, checksum, fallback};

/// Continuation chunks followed before giving up (libhdf5 has no cap; real root groups have
/// one or two).
const MAX_CHUNKS: usize = 64;
/// Bytes of object header read in all, across chunks (a message is at most 64 KiB).
const MAX_HEADER_BYTES: u64 = 16 << 20;
/// libhdf5's speculative first read of an object header (`H5O_SPEC_READ_SIZE`).
const SPECULATIVE_READ: u64 = 512;

pub(super) const NULL: u16 = 0x00;
pub(super) const ATTRIBUTE: u16 = 0x0c;
const CONTINUATION: u16 = 0x10;
const MTIME: u16 = 0x0e;
const MTIME_NEW: u16 = 0x12;
pub(super) const ATTRIBUTE_INFO: u16 = 0x15;
const REFCOUNT: u16 = 0x16;
/// `H5O_UNKNOWN_ID`: ids from here up are unknown to libhdf5, as is 0x09 (test-only "bogus").
const FIRST_UNKNOWN: u16 = 0x19;

// Message flags (`H5O_MSG_FLAG_*` in src/H5Oprivate.h).
pub(super) const FLAG_SHARED: u8 = 0x02;
const FLAG_DONT_SHARE: u8 = 0x04;
const FLAG_FAIL_IF_UNKNOWN_WRITE: u8 = 0x08;
const FLAG_MARK_IF_UNKNOWN: u8 = 0x10;
const FLAG_WAS_UNKNOWN: u8 = 0x20;
const FLAG_SHAREABLE: u8 = 0x40;
const FLAG_FAIL_IF_UNKNOWN_ALWAYS: u8 = 0x80;

// Version 2 header flags (`H5O_HDR_*` in src/H5Opublic.h).
const HDR_CHUNK0_SIZE: u8 = 0x03;
const HDR_CRT_ORDER_TRACKED: u8 = 0x04;
const HDR_PHASE_CHANGE: u8 = 0x10;
const HDR_TIMES: u8 = 0x20;
const HDR_ALL: u8 = 0x3f;

/// One message: its type, flags and body (a range of one chunk).
pub(super) struct Message {
    pub(super) kind: u16,
    pub(super) flags: u8,
    chunk: usize,
    start: usize,
    len: usize,
}

/// A loaded object header.
pub(super) struct Header<'s> {
    pub(super) version: u8,
    /// Addresses of the header and of each continuation chunk (libhdf5 caches each under its
    /// address; a second structure at the same address is an error there).
    pub(super) addresses: Vec<u64>,
    chunks: Vec<Cow<'s, [u8]>>,
    pub(super) messages: Vec<Message>,
}

impl Header<'_> {
    pub(super) fn body(&self, message: &Message) -> R<&[u8]> {
        let chunk = self.chunks.get(message.chunk).ok_or(Fallback("message chunk"))?;
        let stop = message.start.checked_add(message.len).ok_or(Fallback("message size"))?;
        chunk.get(message.start..stop).ok_or(Fallback("message outside its chunk"))
    }
}

/// Loads the object header at `addr` (relative) with all its continuation chunks.
pub(super) fn read<'s>(source: &'s Source, sizes: Sizes, addr: u64) -> R<Header<'s>> {
    let first = source.read_up_to(addr, SPECULATIVE_READ)?;
    let prefix = Prefix::decode(&first)?;
    let total = prefix.len.checked_add(prefix.chunk0).ok_or(Fallback("chunk size overflow"))?;
    if total > MAX_HEADER_BYTES {
        return fallback("object header too large");
    }
    let image =
        if total <= first.len() as u64 { cut(first, to_usize(total)?) } else { source.read(addr, total)? };
    let mut header = Header {
        version: prefix.version,
        addresses: vec![0, addr],
        chunks: Vec::new(),
        messages: Vec::new(),
    };
    let mut read_bytes = total;
    let mut pending = Vec::new();
    header.chunk(image, to_usize(prefix.len)? - prefix.checksum_len(), prefix, sizes, &mut pending)?;
    let mut next = 0;
    while let Some(&(chunk_addr, size)) = pending.get(next) {
        next += 1;
        if header.chunks.len() >= MAX_CHUNKS {
            return fallback("too many object header continuation chunks");
        }
        // libhdf5 finds the same address already cached (as the superblock, the header or an
        // earlier chunk) and fails ("incorrect cache entry type" / "incorrect chunk number").
        if header.addresses.contains(&chunk_addr) {
            return fallback("continuation chunk at an address already used");
        }
        read_bytes = read_bytes.checked_add(size).ok_or(Fallback("chunk size overflow"))?;
        if read_bytes > MAX_HEADER_BYTES {
            return fallback("object header too large");
        }
        header.addresses.push(chunk_addr);
        let image = source.read(chunk_addr, size)?;
        let skip = if prefix.version == 1 {
            0
        } else {
            // "OCHK" signature, then messages (spec IV.A.1.b, continuation block).
            if image.get(..4) != Some(b"OCHK".as_slice()) {
                return fallback("bad continuation chunk signature");
            }
            4
        };
        header.chunk(image, skip, prefix, sizes, &mut pending)?;
    }
    Ok(header)
}

fn cut(image: Cow<'_, [u8]>, len: usize) -> Cow<'_, [u8]> {
    match image {
        Cow::Borrowed(slice) => Cow::Borrowed(slice.get(..len).unwrap_or(slice)),
        Cow::Owned(mut vec) => {
            vec.truncate(len);
            Cow::Owned(vec)
        }
    }
}

/// The header prefix (`H5O__prefix_deserialize`).
#[derive(Clone, Copy)]
struct Prefix {
    version: u8,
    flags: u8,
    /// Bytes of prefix in chunk 0, checksum included for version 2 (`H5O_SIZEOF_HDR`).
    len: u64,
    chunk0: u64,
}

impl Prefix {
    fn decode(image: &[u8]) -> R<Prefix> {
        let mut c = Cursor::new(image);
        if image.get(..4) == Some(b"OHDR".as_slice()) {
            c.skip(4)?;
            if c.u8()? != 2 {
                return fallback("object header version");
            }
            let flags = c.u8()?;
            if flags & !HDR_ALL != 0 {
                return fallback("unknown object header flags");
            }
            if flags & HDR_TIMES != 0 {
                c.skip(16)?;
            }
            if flags & HDR_PHASE_CHANGE != 0 {
                let max_compact = c.u16()?;
                let min_dense = c.u16()?;
                if max_compact < min_dense {
                    return fallback("bad attribute phase change values");
                }
            }
            let chunk0 = c.uint(1 << (flags & HDR_CHUNK0_SIZE))?;
            let prefix = Prefix { version: 2, flags, len: c.pos() as u64 + 4, chunk0 };
            if chunk0 > 0 && chunk0 < prefix.message_header_len() as u64 {
                return fallback("bad object header chunk size");
            }
            Ok(prefix)
        } else {
            if c.u8()? != 1 {
                return fallback("object header version");
            }
            c.skip(1)?;
            let messages = c.u16()?;
            c.skip(4)?; // link count
            let chunk0 = u64::from(c.u32()?);
            if (messages > 0 && chunk0 < 8) || (messages == 0 && chunk0 > 0) {
                return fallback("bad object header chunk size");
            }
            c.skip(4)?; // reserved, pads the prefix to 16 bytes
            Ok(Prefix { version: 1, flags: 0, len: 16, chunk0 })
        }
    }

    fn checksum_len(&self) -> usize {
        if self.version == 1 { 0 } else { 4 }
    }

    /// `H5O_SIZEOF_MSGHDR_OH`: type, size, flags (+ reserved / creation order).
    fn message_header_len(&self) -> usize {
        match (self.version, self.flags & HDR_CRT_ORDER_TRACKED != 0) {
            (1, _) => 8,
            (_, true) => 6,
            (_, false) => 4,
        }
    }
}

impl<'s> Header<'s> {
    /// Decodes one chunk's messages (`H5O__chunk_deserialize`); `skip` is where they start.
    fn chunk(
        &mut self,
        image: Cow<'s, [u8]>,
        skip: usize,
        prefix: Prefix,
        sizes: Sizes,
        pending: &mut Vec<(u64, u64)>,
    ) -> R<()> {
        if prefix.version == 2 {
            let covered = image.len().checked_sub(4).ok_or(Fallback("chunk shorter than its checksum"))?;
            let body = image.get(..covered).ok_or(Fallback("chunk"))?;
            let stored = Cursor::new(image.get(covered..).unwrap_or(&[])).u32()?;
            if checksum::metadata(body) != stored {
                return fallback("object header checksum mismatch");
            }
        }
        let chunk = self.chunks.len();
        let end = image.len() - prefix.checksum_len();
        let header_len = prefix.message_header_len();
        let mut c = Cursor::new(image.get(..end).ok_or(Fallback("chunk"))?);
        c.skip(skip)?;
        let mut nulls = 0;
        while c.remaining() > 0 {
            let kind = if prefix.version == 1 { c.u16()? } else { u16::from(c.u8()?) };
            let size = usize::from(c.u16()?);
            if prefix.version == 1 && size % 8 != 0 {
                return fallback("message not aligned");
            }
            let flags = c.u8()?;
            check_flags(kind, flags)?;
            c.skip(if prefix.version == 1 {
                3
            } else if header_len == 6 {
                2
            } else {
                0
            })?;
            let start = c.pos();
            c.skip(size)?;
            if kind == NULL {
                nulls += 1;
            }
            let message = Message { kind, flags, chunk, start, len: size };
            let body = image.get(start..start + size).ok_or(Fallback("message"))?;
            match kind {
                CONTINUATION => {
                    let mut m = Cursor::new(body);
                    let addr = m.addr(sizes)?.ok_or(Fallback("undefined continuation address"))?;
                    let len = m.length(sizes)?;
                    if len == 0 {
                        return fallback("empty continuation chunk");
                    }
                    pending.push((addr, len));
                }
                // libhdf5 decodes these while loading; they are rare in a root group.
                REFCOUNT | MTIME | MTIME_NEW => return fallback("reference count or time message"),
                _ => {}
            }
            self.messages.push(message);
            // Fewer bytes left than a message header: a gap, allowed only in version 2
            // chunks without null messages.
            if c.remaining() > 0 && c.remaining() < header_len {
                if prefix.version == 1 || nulls != 0 {
                    return fallback("gap in object header chunk");
                }
                c.skip(c.remaining())?;
            }
        }
        self.chunks.push(image);
        Ok(())
    }
}

/// The flag checks of `H5O__chunk_deserialize`.
fn check_flags(kind: u16, flags: u8) -> R<()> {
    if (flags & FLAG_SHARED != 0 && flags & FLAG_DONT_SHARE != 0)
        || (flags & FLAG_WAS_UNKNOWN != 0 && flags & FLAG_FAIL_IF_UNKNOWN_WRITE != 0)
        || (flags & FLAG_WAS_UNKNOWN != 0 && flags & FLAG_MARK_IF_UNKNOWN == 0)
    {
        return fallback("bad message flag combination");
    }
    let unknown = kind >= FIRST_UNKNOWN || kind == 0x09;
    if unknown {
        if flags & FLAG_FAIL_IF_UNKNOWN_ALWAYS != 0 {
            return fallback("unknown message marked fail-if-unknown");
        }
        return Ok(());
    }
    // Dataspace, datatype, fill values, filter pipeline and attributes may be shared.
    let shareable = matches!(kind, 0x01 | 0x03 | 0x04 | 0x05 | 0x0b | 0x0c);
    if flags & (FLAG_SHARED | FLAG_SHAREABLE) != 0 && !shareable {
        return fallback("unshareable message flagged shareable");
    }
    Ok(())
}
