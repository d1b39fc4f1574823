//! A small, read-only reader of the root attributes of HDF5 files, used by [`super::h5::open`]
//! before libhdf5.
//!
//! Why it exists: `check` reads four small string attributes from each `.h5` model, and opening
//! a file with libhdf5 costs ~90 µs of CPU (half of it `H5C_create` zeroing a ~1 MB metadata
//! cache on every `H5Fopen`), with every libhdf5 call serialized process-wide by hdf5-metno's
//! lock, so `.h5` models cannot use a second core. Reading the same attributes natively is a
//! handful of positional reads and a few microseconds.
//!
//! libhdf5 stays the authority. This reader understands exactly the structures h5py writes for
//! a root group's string attributes (superblock versions 0-3, optionally after a user block;
//! version 1 and 2 object headers with continuation chunks; compact attribute messages of
//! versions 1-3; fixed- and variable-length strings, scalar or 1-D; global heap collections)
//! and repeats the checks libhdf5 makes while reading them. Anything else, anything
//! inconsistent, and anything libhdf5 would refuse comes back as [`Fallback`], and the caller
//! asks libhdf5, so error messages for damaged files stay libhdf5's. Writes, and the
//! verification of every written file, always go through libhdf5.
//!
//! Bounded on hostile input: positional reads of just the needed ranges, each inside the file
//! and its stored end of file; at most 64 object header chunks and 16 MiB of header; global
//! heap collections of at most 65 MiB and no attribute over `MAX_JSON_BYTES`; no panics.

mod attr;
mod checksum;
mod gheap;
mod io;
mod ohdr;
mod superblock;

pub(crate) use io::{HEAD_BYTES, lock_shared};

use std::path::Path;

use super::MAX_JSON_BYTES;
use super::detect::Opened;
use super::h5attr::{StringAttr, StringStorage, strip_padding};
use attr::StringKind;

/// Why the native reader declined a file: libhdf5 must read it. Falling back is always
/// correct, only slower, except for [`Fallback::LIBHDF5_WOULD_HANG`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fallback(pub &'static str);

impl Fallback {
    /// A structure libhdf5 never finishes reading: `H5HG__cache_heap_deserialize` steps over a
    /// global heap's free-space object by its stored size, so a size of 0 never advances
    /// (`src/H5HGcache.c`; the bundled libhdf5 loops forever on it). Such a file is refused,
    /// never handed to libhdf5.
    pub const LIBHDF5_WOULD_HANG: Fallback =
        Fallback("a global heap free-space object of size 0 (libhdf5 would never finish reading it)");

    /// Whether libhdf5 must not be asked either.
    pub fn hangs_libhdf5(self) -> bool {
        self == Fallback::LIBHDF5_WOULD_HANG
    }
}

type R<T> = Result<T, Fallback>;

fn fallback<T>(why: &'static str) -> R<T> {
    Err(Fallback(why))
}

/// Total bytes of global heap read for one file.
const MAX_HEAP_BYTES: u64 = 2 * gheap::MAX_SIZE;

/// Reads the root group's attributes `names`: for each, `None` when the root has no such
/// attribute, or its value and storage exactly as [`super::h5attr::read`] returns them through
/// libhdf5.
pub fn read_root_attributes(path: &Path, names: &[&str]) -> Result<Vec<Option<StringAttr>>, Fallback> {
    read_from(io::Source::open(path)?, names)
}

/// [`read_root_attributes`] of a file `detect` opened, locked and read the head of.
pub(crate) fn read_root_attributes_opened(
    opened: Opened,
    names: &[&str],
) -> Result<Vec<Option<StringAttr>>, Fallback> {
    opened.hdf5_lock.unwrap_or(Err(Fallback("not locked")))?;
    read_from(io::Source::with_head(opened.file, opened.len, opened.bytes), names)
}

fn read_from(mut source: io::Source, names: &[&str]) -> Result<Vec<Option<StringAttr>>, Fallback> {
    let superblock = superblock::read(&mut source)?;
    let sizes = superblock.sizes;
    if superblock.root == 0 {
        return fallback("root group at address 0");
    }
    let header = ohdr::read(&source, sizes, superblock.root)?;
    let mut found: Vec<Option<attr::Attribute>> = names.iter().map(|_| None).collect();
    for message in &header.messages {
        let body = header.body(message)?;
        match message.kind {
            // Version 2 headers consult it and switch to dense storage (a fractal heap and
            // B-tree) when it names a heap; version 1 headers ignore it. Leave both to libhdf5.
            ohdr::ATTRIBUTE_INFO if header.version == 1 || attr::has_dense_storage(body, sizes)? => {
                return fallback("dense attribute storage");
            }
            ohdr::ATTRIBUTE => {
                if message.flags & ohdr::FLAG_SHARED != 0 {
                    return fallback("shared attribute message");
                }
                // libhdf5 decodes every attribute message it passes, so all must decode.
                let attribute = attr::decode(body, sizes)?;
                if let Some(slot) = names.iter().position(|n| n.as_bytes() == attribute.name) {
                    match found.get_mut(slot) {
                        Some(place @ None) => *place = Some(attribute),
                        _ => return fallback("two attributes with the same name"),
                    }
                }
            }
            _ => {}
        }
    }
    let mut heaps: Vec<gheap::Collection> = Vec::new();
    let mut heap_bytes = 0u64;
    found
        .into_iter()
        .map(|attribute| {
            attribute
                .map(|a| values(&source, sizes, &header.addresses, &mut heaps, &mut heap_bytes, a))
                .transpose()
        })
        .collect()
}

/// An attribute's values, as `h5attr::read` builds them from `H5Aread`.
fn values<'s>(
    source: &'s io::Source,
    sizes: io::Sizes,
    header_addresses: &[u64],
    heaps: &mut Vec<gheap::Collection<'s>>,
    heap_bytes: &mut u64,
    attribute: attr::Attribute,
) -> R<StringAttr> {
    let scalar = attribute.scalar;
    match attribute.kind {
        StringKind::Fixed { size, pad, utf8 } => {
            let values = attribute.data.chunks(size).map(|chunk| strip_padding(chunk, pad)).collect();
            Ok(StringAttr { storage: StringStorage::Fixed { size, pad, utf8 }, scalar, values })
        }
        StringKind::Variable { utf8 } => {
            let element = 4 + usize::from(sizes.addr) + 4;
            let mut values = Vec::with_capacity(attribute.count);
            let mut total = 0u64;
            for reference in attribute.data.chunks(element) {
                let mut c = io::Cursor::new(reference);
                let length = c.u32()?;
                let addr = c.addr(sizes)?;
                let index = c.u32()?;
                // Address 0 is a null string (`H5VL_BLOB_ISNULL`); h5attr reads it as empty.
                let Some(addr) = addr else { return fallback("undefined global heap address") };
                if addr == 0 {
                    values.push(Vec::new());
                    continue;
                }
                total += u64::from(length);
                if total > MAX_JSON_BYTES {
                    return fallback("variable-length attribute over the JSON limit");
                }
                let heap = collection(source, sizes, header_addresses, heaps, heap_bytes, addr)?;
                let object = heap.object(index)?;
                // `H5VL__native_blob_get`: the object must be exactly the stored length.
                if object.len() as u64 != u64::from(length) {
                    return fallback("global heap object size differs from the string length");
                }
                // libhdf5 hands back a C string: it ends at the first NUL.
                let end = memchr::memchr(0, object).unwrap_or(object.len());
                values.push(object.get(..end).unwrap_or_default().to_vec());
            }
            Ok(StringAttr { storage: StringStorage::Variable { utf8 }, scalar, values })
        }
    }
}

/// The collection at `addr`, read once per file.
fn collection<'h, 's>(
    source: &'s io::Source,
    sizes: io::Sizes,
    header_addresses: &[u64],
    heaps: &'h mut Vec<gheap::Collection<'s>>,
    heap_bytes: &mut u64,
    addr: u64,
) -> R<&'h gheap::Collection<'s>> {
    if let Some(position) = heaps.iter().position(|h| h.addr == addr) {
        return heaps.get(position).ok_or(Fallback("global heap cache"));
    }
    // libhdf5 caches metadata by address: a collection where the superblock or an object
    // header chunk already is fails there ("incorrect cache entry type").
    if header_addresses.contains(&addr) {
        return fallback("global heap at the address of other metadata");
    }
    let heap = gheap::read(source, sizes, addr)?;
    *heap_bytes += heap.len() as u64;
    if *heap_bytes > MAX_HEAP_BYTES {
        return fallback("global heap reads over the limit");
    }
    heaps.push(heap);
    heaps.last().ok_or(Fallback("global heap cache"))
}
