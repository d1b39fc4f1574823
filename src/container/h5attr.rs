//! String attributes of HDF5 objects, read and written as raw bytes through the C API.
//!
//! Keras stores its JSON and version strings as HDF5 string attributes, but in several storage
//! kinds: h5py 3 writes variable-length strings (ASCII for Python `bytes`, UTF-8 for `str`),
//! h5py 2 wrote fixed-length NULLPAD strings, and any of them may be tagged ASCII while holding
//! UTF-8 bytes. hdf5-metno's typed readers refuse some of these and `FixedAscii<N>` truncates,
//! so this module talks to libhdf5 directly with a memory type derived from the file's own type:
//! no character-set conversion, no truncation, and a rewrite keeps the storage kind.

use std::ffi::{CString, c_char, c_void};
use std::ptr;

use hdf5_metno::sync::sync;
use hdf5_sys::h5::{H5free_memory, hsize_t};
use hdf5_sys::h5a::{H5Aclose, H5Acreate2, H5Adelete, H5Aexists, H5Aget_space, H5Aget_type};
use hdf5_sys::h5a::{H5Aopen, H5Aread, H5Awrite};
use hdf5_sys::h5i::hid_t;
use hdf5_sys::h5p::H5P_DEFAULT;
use hdf5_sys::h5s::{H5S_class_t, H5Sclose, H5Screate, H5Screate_simple};
use hdf5_sys::h5s::{H5Sget_simple_extent_npoints, H5Sget_simple_extent_type};
use hdf5_sys::h5t::{H5T_class_t, H5T_cset_t, H5T_str_t, H5Tclose, H5Tcopy};
use hdf5_sys::h5t::{H5Tget_class, H5Tget_cset, H5Tget_size, H5Tget_strpad, H5Tis_variable_str};
use hdf5_sys::h5t::{H5Tset_cset, H5Tset_size, H5Tset_strpad};

/// How a string attribute is stored in the file; a rewrite keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringStorage {
    /// Variable-length strings (h5py 3).
    Variable { utf8: bool },
    /// Fixed-length strings of `size` bytes each (h5py 2, numpy `S<n>`).
    Fixed { size: usize, pad: Padding, utf8: bool },
}

/// Padding of a fixed-length string, as HDF5 records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    NullTerm,
    NullPad,
    SpacePad,
}

impl std::fmt::Display for StringStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cset = |utf8: bool| if utf8 { "UTF-8" } else { "ASCII" };
        match self {
            StringStorage::Variable { utf8 } => write!(f, "variable-length {}", cset(*utf8)),
            StringStorage::Fixed { size, pad, utf8 } => {
                write!(f, "fixed-length {size} bytes {pad:?} {}", cset(*utf8))
            }
        }
    }
}

/// A string attribute's values (one for a scalar, several for a list) and its storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringAttr {
    pub storage: StringStorage,
    /// True when the dataspace is scalar; false for a 1-D array of strings.
    pub scalar: bool,
    pub values: Vec<Vec<u8>>,
}

/// Why an attribute could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AttrError {
    #[error("attribute `{0}` is not a string")]
    NotString(String),
    #[error("attribute `{name}`: HDF5 refused to {action}")]
    Hdf5 { name: String, action: &'static str },
    #[error("attribute `{0}` has a name HDF5 cannot hold (NUL byte)")]
    BadName(String),
    #[error(
        "attribute `{name}` would grow to {size} bytes as a fixed-length string, which this file's \
         object header cannot hold (HDF5 limit 64 KB); the file was left unchanged"
    )]
    TooLarge { name: String, size: usize },
    #[error("attribute `{name}` holds {size} bytes, more than {} MiB, kerasfix's limit for a JSON part", super::MAX_JSON_BYTES >> 20)]
    Oversized { name: String, size: u64 },
}

/// Closes an HDF5 identifier when dropped, so every early return releases what it opened.
struct Owned(hid_t, unsafe extern "C" fn(hid_t) -> i32);

impl Drop for Owned {
    fn drop(&mut self) {
        if self.0 >= 0 {
            // SAFETY: the id was returned valid by the matching open/create call.
            unsafe { (self.1)(self.0) };
        }
    }
}

fn owned(
    id: hid_t,
    close: unsafe extern "C" fn(hid_t) -> i32,
    name: &str,
    action: &'static str,
) -> Result<Owned, AttrError> {
    if id < 0 { Err(AttrError::Hdf5 { name: name.to_string(), action }) } else { Ok(Owned(id, close)) }
}

fn c_name(name: &str) -> Result<CString, AttrError> {
    CString::new(name).map_err(|_| AttrError::BadName(name.to_string()))
}

/// Whether `location` (a file, group or dataset id) has an attribute called `name`.
pub fn exists(location: hid_t, name: &str) -> Result<bool, AttrError> {
    let cname = c_name(name)?;
    // SAFETY: valid id and NUL-terminated name.
    let found = sync(|| unsafe { H5Aexists(location, cname.as_ptr()) });
    if found < 0 {
        return Err(AttrError::Hdf5 { name: name.to_string(), action: "look up the attribute" });
    }
    Ok(found > 0)
}

/// Reads a string attribute as raw bytes; `Ok(None)` when there is no such attribute.
pub fn read(location: hid_t, name: &str) -> Result<Option<StringAttr>, AttrError> {
    if !exists(location, name)? {
        return Ok(None);
    }
    let cname = c_name(name)?;
    sync(|| {
        // SAFETY: every id is checked before use and closed by `Owned`.
        unsafe {
            let attr = owned(H5Aopen(location, cname.as_ptr(), H5P_DEFAULT), H5Aclose, name, "open")?;
            let file_type = owned(H5Aget_type(attr.0), H5Tclose, name, "read the type")?;
            if H5Tget_class(file_type.0) != H5T_class_t::H5T_STRING {
                return Err(AttrError::NotString(name.to_string()));
            }
            let space = owned(H5Aget_space(attr.0), H5Sclose, name, "read the dataspace")?;
            let scalar = H5Sget_simple_extent_type(space.0) == H5S_class_t::H5S_SCALAR;
            let count = usize::try_from(H5Sget_simple_extent_npoints(space.0))
                .map_err(|_| AttrError::Hdf5 { name: name.to_string(), action: "count the values" })?;
            let utf8 = H5Tget_cset(file_type.0) == H5T_cset_t::H5T_CSET_UTF8;
            // The memory type is a copy of the file type, so HDF5 converts nothing.
            let mem_type = owned(H5Tcopy(file_type.0), H5Tclose, name, "copy the type")?;
            if H5Tis_variable_str(file_type.0) > 0 {
                let mut pointers: Vec<*mut c_char> = vec![ptr::null_mut(); count];
                if H5Aread(attr.0, mem_type.0, pointers.as_mut_ptr().cast::<c_void>()) < 0 {
                    return Err(AttrError::Hdf5 { name: name.to_string(), action: "read" });
                }
                let values = pointers
                    .iter()
                    .map(|&p| {
                        if p.is_null() {
                            Vec::new()
                        } else {
                            let bytes = std::ffi::CStr::from_ptr(p).to_bytes().to_vec();
                            H5free_memory(p.cast::<c_void>());
                            bytes
                        }
                    })
                    .collect();
                Ok(Some(StringAttr { storage: StringStorage::Variable { utf8 }, scalar, values }))
            } else {
                let size = H5Tget_size(file_type.0);
                let pad = match H5Tget_strpad(file_type.0) {
                    H5T_str_t::H5T_STR_NULLTERM => Padding::NullTerm,
                    H5T_str_t::H5T_STR_SPACEPAD => Padding::SpacePad,
                    _ => Padding::NullPad,
                };
                let total = size
                    .checked_mul(count)
                    .ok_or_else(|| AttrError::Hdf5 { name: name.to_string(), action: "size the buffer" })?;
                // Refuse before allocating: a hostile file may declare a huge fixed-length type.
                if total as u64 > super::MAX_JSON_BYTES {
                    return Err(AttrError::Oversized { name: name.to_string(), size: total as u64 });
                }
                let mut buffer = vec![0u8; total];
                if total > 0 && H5Aread(attr.0, mem_type.0, buffer.as_mut_ptr().cast::<c_void>()) < 0 {
                    return Err(AttrError::Hdf5 { name: name.to_string(), action: "read" });
                }
                let values = if size == 0 {
                    vec![Vec::new(); count]
                } else {
                    buffer.chunks(size).map(|chunk| strip_padding(chunk, pad)).collect()
                };
                Ok(Some(StringAttr { storage: StringStorage::Fixed { size, pad, utf8 }, scalar, values }))
            }
        }
    })
}

/// One fixed-length element's value, as h5py reads it (also used by the native reader).
pub(super) fn strip_padding(chunk: &[u8], pad: Padding) -> Vec<u8> {
    let end = match pad {
        // A NUL ends the string for both NUL paddings (h5py stops at the first NUL too).
        Padding::NullTerm | Padding::NullPad => memchr::memchr(0, chunk).unwrap_or(chunk.len()),
        Padding::SpacePad => chunk.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1),
    };
    chunk[..end].to_vec()
}

/// Replaces a scalar string attribute's value, keeping its storage kind.
///
/// A variable-length attribute is rewritten in place (same attribute, same type). A fixed-length
/// one is rewritten in place when the size is unchanged, and otherwise deleted and re-created at
/// the new size with the same padding and character set.
pub fn write_scalar(location: hid_t, name: &str, old: &StringAttr, value: &[u8]) -> Result<(), AttrError> {
    let cname = c_name(name)?;
    let fail = |action| AttrError::Hdf5 { name: name.to_string(), action };
    sync(|| {
        // SAFETY: every id is checked before use and closed by `Owned`; buffers outlive the calls.
        unsafe {
            match old.storage {
                StringStorage::Variable { .. } => {
                    let attr = owned(H5Aopen(location, cname.as_ptr(), H5P_DEFAULT), H5Aclose, name, "open")?;
                    let file_type = owned(H5Aget_type(attr.0), H5Tclose, name, "read the type")?;
                    let mem_type = owned(H5Tcopy(file_type.0), H5Tclose, name, "copy the type")?;
                    // Variable-length strings are C strings: an interior NUL would cut the value.
                    if value.contains(&0) {
                        return Err(fail("store a value containing a NUL byte"));
                    }
                    let text =
                        CString::new(value).map_err(|_| fail("store a value containing a NUL byte"))?;
                    let pointers = [text.as_ptr()];
                    if H5Awrite(attr.0, mem_type.0, pointers.as_ptr().cast::<c_void>()) < 0 {
                        return Err(fail("write"));
                    }
                    Ok(())
                }
                StringStorage::Fixed { size, pad, utf8 } => {
                    let new_size = value.len().max(1);
                    let mut buffer = value.to_vec();
                    buffer.resize(new_size, if pad == Padding::SpacePad { b' ' } else { 0 });
                    if new_size == size {
                        let attr =
                            owned(H5Aopen(location, cname.as_ptr(), H5P_DEFAULT), H5Aclose, name, "open")?;
                        let file_type = owned(H5Aget_type(attr.0), H5Tclose, name, "read the type")?;
                        if H5Awrite(attr.0, file_type.0, buffer.as_ptr().cast::<c_void>()) < 0 {
                            return Err(fail("write"));
                        }
                        return Ok(());
                    }
                    let string_type = {
                        let attr =
                            owned(H5Aopen(location, cname.as_ptr(), H5P_DEFAULT), H5Aclose, name, "open")?;
                        let file_type = owned(H5Aget_type(attr.0), H5Tclose, name, "read the type")?;
                        owned(H5Tcopy(file_type.0), H5Tclose, name, "copy the type")?
                    };
                    if H5Tset_size(string_type.0, new_size) < 0
                        || H5Tset_strpad(string_type.0, pad.into()) < 0
                        || H5Tset_cset(
                            string_type.0,
                            if utf8 { H5T_cset_t::H5T_CSET_UTF8 } else { H5T_cset_t::H5T_CSET_ASCII },
                        ) < 0
                    {
                        return Err(fail("build the new string type"));
                    }
                    let space = if old.scalar {
                        owned(H5Screate(H5S_class_t::H5S_SCALAR), H5Sclose, name, "create a dataspace")?
                    } else {
                        let dims: [hsize_t; 1] = [1];
                        owned(
                            H5Screate_simple(1, dims.as_ptr(), ptr::null()),
                            H5Sclose,
                            name,
                            "create a dataspace",
                        )?
                    };
                    // Create under a temporary name first, so a refusal (object header too
                    // large) leaves the original attribute in place.
                    let staging = format!("{name}.kerasfix-new");
                    let cstaging = c_name(&staging)?;
                    let created = H5Acreate2(
                        location,
                        cstaging.as_ptr(),
                        string_type.0,
                        space.0,
                        H5P_DEFAULT,
                        H5P_DEFAULT,
                    );
                    if created < 0 {
                        // Past ~64 KB the object header of a default-format file cannot hold a
                        // fixed-length attribute; anything smaller failing is some other refusal.
                        return Err(if new_size > 60_000 {
                            AttrError::TooLarge { name: name.to_string(), size: new_size }
                        } else {
                            fail("create the new value")
                        });
                    }
                    let created = Owned(created, H5Aclose);
                    if H5Awrite(created.0, string_type.0, buffer.as_ptr().cast::<c_void>()) < 0 {
                        return Err(fail("write"));
                    }
                    drop(created);
                    if H5Adelete(location, cname.as_ptr()) < 0 {
                        return Err(fail("delete the old value"));
                    }
                    if hdf5_sys::h5a::H5Arename(location, cstaging.as_ptr(), cname.as_ptr()) < 0 {
                        return Err(fail("rename the new value"));
                    }
                    Ok(())
                }
            }
        }
    })
}

impl From<Padding> for H5T_str_t {
    fn from(pad: Padding) -> Self {
        match pad {
            Padding::NullTerm => H5T_str_t::H5T_STR_NULLTERM,
            Padding::NullPad => H5T_str_t::H5T_STR_NULLPAD,
            Padding::SpacePad => H5T_str_t::H5T_STR_SPACEPAD,
        }
    }
}
