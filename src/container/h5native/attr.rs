//! Attribute messages and the datatype and dataspace messages inside them.
//!
//! Spec: "IV.A.2.m. Attribute Message", "IV.A.2.d. Datatype Message", "IV.A.2.b. Dataspace
//! Message", "IV.A.2.v. Attribute Info Message"
//! (<https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html#AttributeMessage>); libhdf5:
//! `H5O__attr_decode` (`src/H5Oattr.c`), `H5O__dtype_decode_helper` (`src/H5Odtype.c`),
//! `H5O__sdspace_decode` (`src/H5Osdspace.c`), `H5O__ainfo_decode` (`src/H5Oainfo.c`).
//!
//! Only string attributes are understood: fixed-length strings (class 3) and variable-length
//! strings (class 9, type 1, over 1-byte characters), scalar or 1-D. Any other attribute on the
//! root group (libhdf5 decodes every attribute message it passes while looking one up) makes
//! the caller fall back.

use super::io::{Cursor, Sizes, to_usize};
use super::{Fallback, R, fallback};
use crate::container::Padding;

/// A decoded attribute message.
pub(super) struct Attribute<'a> {
    /// The name, without its terminating NUL.
    pub(super) name: &'a [u8],
    pub(super) kind: StringKind,
    pub(super) scalar: bool,
    pub(super) count: usize,
    /// `count` elements of the stored datatype's size.
    pub(super) data: &'a [u8],
}

#[derive(Debug, Clone, Copy)]
pub(super) enum StringKind {
    Fixed {
        size: usize,
        pad: Padding,
        utf8: bool,
    },
    /// Each element is a global heap reference: length (4), collection address, index (4).
    Variable {
        utf8: bool,
    },
}

/// `H5O__attr_decode`, with the parts shared (committed datatype, shared dataspace or shared
/// message) left to libhdf5.
pub(super) fn decode(body: &[u8], sizes: Sizes) -> R<Attribute<'_>> {
    let mut c = Cursor::new(body);
    let version = c.u8()?;
    if !(1..=3).contains(&version) {
        return fallback("attribute message version");
    }
    let flags = c.u8()?; // reserved in version 1
    if version >= 2 && flags != 0 {
        // 0x01 / 0x02: shared datatype / dataspace; anything else libhdf5 refuses.
        return fallback("shared datatype or dataspace in an attribute");
    }
    let name_len = usize::from(c.u16()?);
    let type_len = usize::from(c.u16()?);
    let space_len = usize::from(c.u16()?);
    if name_len <= 1 {
        return fallback("attribute name length");
    }
    if version >= 3 {
        c.skip(1)?; // character set of the name
    }
    // Version 1 pads the name, datatype and dataspace to multiples of 8 bytes.
    let padded = |n: usize| if version == 1 { n.div_ceil(8) * 8 } else { n };
    let name_field = c.take(padded(name_len))?;
    let name = name_field.get(..name_len - 1).ok_or(Fallback("attribute name"))?;
    // libhdf5 keeps the first name_len - 1 bytes and checks they hold no NUL (HDFFV-10588).
    if name.contains(&0) {
        return fallback("attribute name has a different length than stored");
    }
    let type_field = c.take(padded(type_len))?;
    let (kind, element_size) = datatype(type_field.get(..type_len).ok_or(Fallback("datatype"))?, sizes)?;
    let space_field = c.take(padded(space_len))?;
    let (scalar, count) = dataspace(space_field.get(..space_len).ok_or(Fallback("dataspace"))?, sizes)?;
    let data_len = count.checked_mul(element_size).ok_or(Fallback("attribute data size overflow"))?;
    let data = c.take(data_len)?;
    Ok(Attribute { name, kind, scalar, count, data })
}

/// A string datatype and its stored element size (`H5O__dtype_decode_helper`).
fn datatype(field: &[u8], sizes: Sizes) -> R<(StringKind, usize)> {
    let mut c = Cursor::new(field);
    let (class, version, flags) = class_and_flags(&mut c)?;
    let size = to_usize(u64::from(c.u32()?))?;
    if size == 0 {
        return fallback("datatype size 0");
    }
    let pad = |bits: u32| match bits & 0x0f {
        0 => Padding::NullTerm,
        2 => Padding::SpacePad,
        // libhdf5 keeps the raw value; kerasfix reads 1 and the reserved ones as NULLPAD.
        _ => Padding::NullPad,
    };
    match class {
        3 => {
            let utf8 = (flags >> 4) & 0x0f == 1;
            Ok((StringKind::Fixed { size, pad: pad(flags), utf8 }, size))
        }
        9 => {
            // Bits 0-3: 0 sequence, 1 string; 4-7 padding; 8-11 character set.
            match flags & 0x0f {
                1 => {}
                0 => return fallback("variable-length sequence, not a string"),
                _ => return fallback("invalid variable-length type"),
            }
            let utf8 = (flags >> 8) & 0x0f == 1;
            character(&mut c, version)?;
            // libhdf5 sizes the data with the stored size, then reads elements of
            // 4 + address + 4 bytes; they must agree.
            if size != 4 + usize::from(sizes.addr) + 4 {
                return fallback("variable-length element size");
            }
            Ok((StringKind::Variable { utf8 }, size))
        }
        _ => fallback("attribute is not a string"),
    }
}

/// The 4-byte class, version and class bit field.
fn class_and_flags(c: &mut Cursor) -> R<(u32, u32, u32)> {
    let word = c.u32()?;
    let version = (word >> 4) & 0x0f;
    if !(1..=5).contains(&version) {
        return fallback("datatype version");
    }
    Ok((word & 0x0f, version, word >> 8))
}

/// The base type of a variable-length string: one-byte characters, as h5py writes (an 8-bit
/// integer at offset 0). Anything else is left to libhdf5.
fn character(c: &mut Cursor, string_version: u32) -> R<()> {
    let (class, version, flags) = class_and_flags(c)?;
    // A base type newer than its string type is "upgraded" or refused depending on how
    // libhdf5 was built (H5_STRICT_FORMAT_CHECKS).
    if version > string_version {
        return fallback("variable-length base type newer than the string type");
    }
    let size = c.u32()?;
    let offset = c.u16()?;
    let precision = c.u16()?;
    if class != 0 || size != 1 || offset != 0 || precision != 8 || flags & !0x0f != 0 {
        return fallback("variable-length string of unusual characters");
    }
    Ok(())
}

/// Scalar or 1-D simple dataspace: (scalar, number of elements) (`H5O__sdspace_decode`).
fn dataspace(field: &[u8], sizes: Sizes) -> R<(bool, usize)> {
    let mut c = Cursor::new(field);
    let version = c.u8()?;
    let rank = c.u8()?;
    let flags = c.u8()?;
    if rank > 32 {
        return fallback("dataspace rank");
    }
    let scalar = match version {
        1 => {
            c.skip(1 + 4)?;
            rank == 0
        }
        2 => match c.u8()? {
            0 if rank == 0 => true,
            1 => false,
            2 => return fallback("null dataspace"),
            _ => return fallback("dataspace class"),
        },
        _ => return fallback("dataspace version"),
    };
    if scalar {
        return Ok((true, 1));
    }
    if rank != 1 {
        return fallback("attribute of rank other than 0 or 1");
    }
    let dim = c.length(sizes)?;
    if flags & 0x01 != 0 && dim > c.length(sizes)? {
        return fallback("dataspace size greater than its maximum");
    }
    Ok((false, to_usize(dim)?))
}

/// Whether an attribute info message points at dense storage (a fractal heap).
pub(super) fn has_dense_storage(body: &[u8], sizes: Sizes) -> R<bool> {
    let mut c = Cursor::new(body);
    if c.u8()? != 0 {
        return fallback("attribute info version");
    }
    let flags = c.u8()?;
    if flags & !0x03 != 0 {
        return fallback("attribute info flags");
    }
    if flags & 0x01 != 0 {
        c.skip(2)?; // maximum creation index
    }
    let heap = c.addr(sizes)?;
    c.addr(sizes)?; // name index B-tree
    if flags & 0x02 != 0 {
        c.addr(sizes)?; // creation order index B-tree
    }
    Ok(heap.is_some())
}
