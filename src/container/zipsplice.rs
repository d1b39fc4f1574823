//! Rewriting entries of a zip archive by splicing bytes, so every other byte stays as it was.
//!
//! A general zip writer re-creates every header (version fields, extra fields, flags), so a
//! "raw copy" of an entry still changes bytes around it. A `.keras` archive only ever needs its
//! small JSON entries replaced, so this module copies each untouched entry's region (local header,
//! data and any data descriptor) verbatim, with the kernel doing the copying, writes the replaced
//! entries with their own header fields and only CRC and sizes updated, and patches the one
//! thing that moves in the central directory: each entry's offset. The archive comment, the order
//! and everything else come through unchanged. Reading and validation still go through the `zip`
//! crate; this module only moves bytes whose layout it has checked.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIR: u32 = 0x0605_4b50;
const ZIP64_END: u32 = 0x0606_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const ZIP64_EXTRA: u16 = 0x0001;
const MASK32: u64 = 0xFFFF_FFFF;

/// A malformed or unsupported archive layout.
fn bad(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn u16_at(bytes: &[u8], at: usize) -> io::Result<u16> {
    bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]])).ok_or_else(|| bad("truncated zip header"))
}

fn u32_at(bytes: &[u8], at: usize) -> io::Result<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad("truncated zip header"))
}

fn u64_at(bytes: &[u8], at: usize) -> io::Result<u64> {
    let lo = u64::from(u32_at(bytes, at)?);
    let hi = u64::from(u32_at(bytes, at + 4)?);
    Ok(lo | (hi << 32))
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

/// One central-directory record, kept as its raw bytes.
struct CentralEntry {
    raw: Vec<u8>,
    name: Vec<u8>,
    local_offset: u64,
    /// Where the 8-byte offset sits inside `raw`, when a ZIP64 extra field carries it.
    zip64_offset_at: Option<usize>,
}

/// The archive's trailing structures, as found.
struct Directory {
    entries: Vec<CentralEntry>,
    /// Where the central directory starts in the file, and its size.
    start: u64,
    size: u64,
    /// Everything from the end of the central directory to the end of the file (ZIP64 records,
    /// the end record and the archive comment), as raw bytes.
    tail: Vec<u8>,
    /// Offsets inside `tail` of the fields that hold file offsets.
    tail_fixups: Vec<TailField>,
}

enum TailField {
    /// The end record's 4-byte central-directory offset.
    CdOffset32(usize),
    /// The ZIP64 end record's 8-byte central-directory offset.
    CdOffset64(usize),
    /// The ZIP64 locator's 8-byte offset of the ZIP64 end record (which follows the directory).
    RecordOffset64(usize),
}

fn read_directory(file: &mut File) -> io::Result<Directory> {
    let len = file.metadata()?.len();
    let window = len.min(65_535 + 22 + 20);
    file.seek(SeekFrom::Start(len - window))?;
    let mut end = vec![0u8; usize::try_from(window).map_err(|_| bad("archive end too large"))?];
    file.read_exact(&mut end)?;
    let eocd = (0..end.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(&end, i).ok() == Some(END_OF_CENTRAL_DIR))
        .ok_or_else(|| bad("no end-of-central-directory record"))?;
    let eocd_file = len - window + eocd as u64;
    let mut entry_count = u64::from(u16_at(&end, eocd + 10)?);
    let mut cd_size = u64::from(u32_at(&end, eocd + 12)?);
    let mut cd_start = u64::from(u32_at(&end, eocd + 16)?);
    let mut tail_start = eocd_file;
    let mut tail_fixups_abs: Vec<(u64, u8)> = vec![(eocd_file + 16, 0)];
    if eocd >= 20 && u32_at(&end, eocd - 20)? == ZIP64_LOCATOR {
        let record = u64_at(&end, eocd - 20 + 8)?;
        let mut header = [0u8; 56];
        file.seek(SeekFrom::Start(record))?;
        file.read_exact(&mut header)?;
        if u32_at(&header, 0)? != ZIP64_END {
            return Err(bad("ZIP64 locator points at no ZIP64 end record"));
        }
        entry_count = u64_at(&header, 32)?;
        cd_size = u64_at(&header, 40)?;
        cd_start = u64_at(&header, 48)?;
        tail_start = record;
        tail_fixups_abs = vec![(record + 48, 1), (eocd_file - 20 + 8, 2), (eocd_file + 16, 0)];
    }
    if cd_start + cd_size > tail_start {
        return Err(bad("central directory overlaps the end records"));
    }
    file.seek(SeekFrom::Start(cd_start))?;
    let mut cd = vec![0u8; usize::try_from(cd_size).map_err(|_| bad("central directory too large"))?];
    file.read_exact(&mut cd)?;
    let mut entries = Vec::new();
    let mut at = 0usize;
    while at < cd.len() {
        if u32_at(&cd, at)? != CENTRAL_HEADER {
            return Err(bad("bad central directory record"));
        }
        let name_len = usize::from(u16_at(&cd, at + 28)?);
        let extra_len = usize::from(u16_at(&cd, at + 30)?);
        let comment_len = usize::from(u16_at(&cd, at + 32)?);
        let size = 46 + name_len + extra_len + comment_len;
        let raw = cd.get(at..at + size).ok_or_else(|| bad("truncated central directory"))?.to_vec();
        let name = raw[46..46 + name_len].to_vec();
        let mut local_offset = u64::from(u32_at(&raw, 42)?);
        let mut zip64_offset_at = None;
        if local_offset == MASK32 {
            let at64 = zip64_field(&raw, 46 + name_len, extra_len, 2)?;
            local_offset = u64_at(&raw, at64)?;
            zip64_offset_at = Some(at64);
        }
        entries.push(CentralEntry { raw, name, local_offset, zip64_offset_at });
        at += size;
    }
    if entries.len() as u64 != entry_count {
        return Err(bad("central directory entry count disagrees with the end record"));
    }
    let tail_len = usize::try_from(len - (cd_start + cd_size)).map_err(|_| bad("archive end too large"))?;
    let mut tail = vec![0u8; tail_len];
    file.seek(SeekFrom::Start(cd_start + cd_size))?;
    file.read_exact(&mut tail)?;
    let base = cd_start + cd_size;
    let tail_fixups = tail_fixups_abs
        .into_iter()
        .map(|(abs, kind)| {
            let rel = abs
                .checked_sub(base)
                .and_then(|r| usize::try_from(r).ok())
                .ok_or_else(|| bad("bad end record"))?;
            Ok(match kind {
                0 => TailField::CdOffset32(rel),
                1 => TailField::CdOffset64(rel),
                _ => TailField::RecordOffset64(rel),
            })
        })
        .collect::<io::Result<Vec<_>>>()?;
    Ok(Directory { entries, start: cd_start, size: cd_size, tail, tail_fixups })
}

/// Position inside `raw` of the `index`-th 8-byte value present in the ZIP64 extra field of a
/// central record (0 = uncompressed size, 1 = compressed size, 2 = offset), counting only the
/// values the record marks as present with 0xFFFFFFFF.
fn zip64_field(raw: &[u8], extra_start: usize, extra_len: usize, index: usize) -> io::Result<usize> {
    let present = [u32_at(raw, 24)? == u32::MAX, u32_at(raw, 20)? == u32::MAX, u32_at(raw, 42)? == u32::MAX];
    let mut at = extra_start;
    while at + 4 <= extra_start + extra_len {
        let id = u16_at(raw, at)?;
        let size = usize::from(u16_at(raw, at + 2)?);
        if id == ZIP64_EXTRA {
            let skip = present[..index].iter().filter(|&&p| p).count();
            let field = at + 4 + 8 * skip;
            if field + 8 > at + 4 + size {
                return Err(bad("short ZIP64 extra field"));
            }
            return Ok(field);
        }
        at += 4 + size;
    }
    Err(bad("ZIP64 offset marker without a ZIP64 extra field"))
}

/// Writes to `out` a copy of the archive `source` in which each named entry's content is
/// replaced; returns an error (and writes garbage to `out`, which the caller discards) when the
/// layout is not one this module can splice safely.
pub fn splice(source: &mut File, out: &mut File, replacements: &[(&str, &[u8])]) -> io::Result<()> {
    let directory = read_directory(source)?;
    let mut order: Vec<usize> = (0..directory.entries.len()).collect();
    order.sort_by_key(|&i| directory.entries[i].local_offset);
    let mut new_offsets = vec![0u64; directory.entries.len()];
    let mut new_fields: Vec<Option<(u32, u64, u64)>> = vec![None; directory.entries.len()];

    // Anything before the first entry (a self-extractor stub, say) is kept as is.
    let first = order.first().map_or(directory.start, |&i| directory.entries[i].local_offset);
    copy_range(source, out, 0, first)?;
    let mut written = first;
    for (position, &index) in order.iter().enumerate() {
        let entry = &directory.entries[index];
        let region_end =
            order.get(position + 1).map_or(directory.start, |&next| directory.entries[next].local_offset);
        new_offsets[index] = written;
        let replacement = replacements.iter().find(|(name, _)| name.as_bytes() == entry.name.as_slice());
        match replacement {
            None => {
                copy_range(source, out, entry.local_offset, region_end)?;
                written += region_end - entry.local_offset;
            }
            Some((name, text)) => {
                // Keep what follows at its offset modulo the page size when it is big (the
                // weights): the kernel copies page-aligned ranges about twice as fast.
                let align =
                    (directory.start - region_end >= ALIGN_FOLLOWING).then_some((written, region_end));
                let (bytes, crc, compressed, size) = rewrite_entry(source, entry, name, text, align)?;
                out.write_all(&bytes)?;
                written += bytes.len() as u64;
                new_fields[index] = Some((crc, compressed, size));
            }
        }
    }
    let cd_start = written;
    for (index, entry) in directory.entries.iter().enumerate() {
        let mut raw = entry.raw.clone();
        match entry.zip64_offset_at {
            Some(at) => put_u64(&mut raw, at, new_offsets[index]),
            None => put_u32(
                &mut raw,
                42,
                u32::try_from(new_offsets[index])
                    .map_err(|_| bad("archive grew past 4 GiB without ZIP64"))?,
            ),
        }
        if let Some((crc, compressed, size)) = new_fields[index] {
            put_u32(&mut raw, 16, crc);
            put_u32(&mut raw, 20, u32::try_from(compressed).map_err(|_| bad("entry too large"))?);
            put_u32(&mut raw, 24, u32::try_from(size).map_err(|_| bad("entry too large"))?);
        }
        out.write_all(&raw)?;
        written += raw.len() as u64;
    }
    let cd_end = written;
    let mut tail = directory.tail.clone();
    for field in &directory.tail_fixups {
        match *field {
            TailField::CdOffset32(at) => {
                // In a ZIP64 archive this field may hold the 0xFFFFFFFF marker: leave it so.
                if u32_at(&tail, at)? != u32::MAX {
                    let value =
                        u32::try_from(cd_start).map_err(|_| bad("archive grew past 4 GiB without ZIP64"))?;
                    put_u32(&mut tail, at, value);
                }
            }
            TailField::CdOffset64(at) => put_u64(&mut tail, at, cd_start),
            TailField::RecordOffset64(at) => {
                let old = u64_at(&tail, at)?;
                let after_directory = old
                    .checked_sub(directory.start + directory.size)
                    .ok_or_else(|| bad("ZIP64 end record before the directory"))?;
                put_u64(&mut tail, at, cd_end + after_directory);
            }
        }
    }
    out.write_all(&tail)?;
    Ok(())
}

/// Builds the bytes of a replaced entry: its own local header with CRC and sizes updated, the
/// new content compressed with the entry's own method, and a data descriptor if it had one.
/// With `align = Some((start, next))`, the entry (written at `start`) gets padding in its local
/// header's extra field so that the entry after it starts at `next` modulo [`PAGE`], as
/// Android's `zipalign` does (extra field 0xD935); padding an earlier fix added is replaced.
fn rewrite_entry(
    source: &mut File,
    entry: &CentralEntry,
    name: &str,
    text: &[u8],
    align: Option<(u64, u64)>,
) -> io::Result<(Vec<u8>, u32, u64, u64)> {
    let mut header = [0u8; 30];
    source.seek(SeekFrom::Start(entry.local_offset))?;
    source.read_exact(&mut header)?;
    if u32_at(&header, 0)? != LOCAL_HEADER {
        return Err(bad(format!("`{name}`: bad local header")));
    }
    let flags = u16_at(&header, 6)?;
    let method = u16_at(&header, 8)?;
    let name_len = usize::from(u16_at(&header, 26)?);
    let extra_len = usize::from(u16_at(&header, 28)?);
    if flags & 1 != 0 {
        return Err(bad(format!("`{name}` is encrypted")));
    }
    if u32_at(&header, 18)? == u32::MAX
        || u32_at(&header, 22)? == u32::MAX
        || u32_at(&entry.raw, 20)? == u32::MAX
    {
        return Err(bad(format!("`{name}` uses ZIP64 sizes, which kerasfix does not rewrite")));
    }
    let mut rest = vec![0u8; name_len + extra_len];
    source.read_exact(&mut rest)?;
    let extra = rest.split_off(name_len);
    let mut extra = without_alignment(&extra).unwrap_or(extra);
    let crc = crc32(text);
    let data = match method {
        0 => text.to_vec(),
        8 => {
            let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(text)?;
            encoder.finish()?
        }
        other => {
            return Err(bad(format!(
                "`{name}` uses compression method {other}; kerasfix rewrites stored and deflated entries only"
            )));
        }
    };
    let compressed = data.len() as u64;
    let size = text.len() as u64;
    let with_descriptor = flags & 0x08 != 0;
    if let Some((start, next)) = align {
        let unpadded = 30 + rest.len() + extra.len() + data.len() + if with_descriptor { 16 } else { 0 };
        let end = start + unpadded as u64;
        let mut pad = ((next % PAGE) + PAGE - (end % PAGE)) % PAGE;
        if (1..4).contains(&pad) {
            pad += PAGE; // a record needs its 4-byte header
        }
        if pad > 0 && extra.len() as u64 + pad <= u64::from(u16::MAX) {
            extra.extend_from_slice(&ALIGNMENT_FIELD.to_le_bytes());
            extra.extend_from_slice(&u16::try_from(pad - 4).unwrap_or(0).to_le_bytes());
            extra.extend_from_slice(&u16::try_from(PAGE).unwrap_or(0).to_le_bytes());
            extra.resize(extra.len() + usize::try_from(pad - 6).unwrap_or(0), 0);
        }
    }
    header[28..30]
        .copy_from_slice(&u16::try_from(extra.len()).map_err(|_| bad("extra field too long"))?.to_le_bytes());
    rest.extend_from_slice(&extra);
    let mut bytes = header.to_vec();
    if !with_descriptor {
        put_u32(&mut bytes, 14, crc);
        put_u32(&mut bytes, 18, u32::try_from(compressed).map_err(|_| bad("entry too large"))?);
        put_u32(&mut bytes, 22, u32::try_from(size).map_err(|_| bad("entry too large"))?);
    }
    bytes.extend_from_slice(&rest);
    bytes.extend_from_slice(&data);
    if with_descriptor {
        bytes.extend_from_slice(&DATA_DESCRIPTOR.to_le_bytes());
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes
            .extend_from_slice(&u32::try_from(compressed).map_err(|_| bad("entry too large"))?.to_le_bytes());
        bytes.extend_from_slice(&u32::try_from(size).map_err(|_| bad("entry too large"))?.to_le_bytes());
    }
    Ok((bytes, crc, compressed, size))
}

/// Page size the alignment padding keeps offsets congruent to.
const PAGE: u64 = 4096;
/// Entries following a rewritten one are kept page-aligned only when they are at least this big.
const ALIGN_FOLLOWING: u64 = 16 << 20;
/// The extra-field id Android's `zipalign` uses for alignment padding.
const ALIGNMENT_FIELD: u16 = 0xD935;

/// The extra field without alignment-padding records; `None` when it is not a well-formed
/// sequence of records (then it is kept as it is).
fn without_alignment(extra: &[u8]) -> Option<Vec<u8>> {
    let mut kept = Vec::with_capacity(extra.len());
    let mut at = 0;
    while at < extra.len() {
        let id = u16::from_le_bytes([*extra.get(at)?, *extra.get(at + 1)?]);
        let len = usize::from(u16::from_le_bytes([*extra.get(at + 2)?, *extra.get(at + 3)?]));
        let record = extra.get(at..at + 4 + len)?;
        if id != ALIGNMENT_FIELD {
            kept.extend_from_slice(record);
        }
        at += 4 + len;
    }
    Some(kept)
}

/// Copies `[start, end)` of `source` to the current position of `out`; on Linux `io::copy`
/// between files becomes copy_file_range, so weights never pass through this process.
fn copy_range(source: &mut File, out: &mut File, start: u64, end: u64) -> io::Result<()> {
    source.seek(SeekFrom::Start(start))?;
    // `Take<&File>` is what std's `io::copy` turns into copy_file_range (a `Take<&mut File>`
    // would be copied through a userspace buffer).
    let copied = io::copy(&mut (&*source).take(end - start), out)?;
    if copied != end - start {
        return Err(bad("archive shorter than its directory says"));
    }
    Ok(())
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut hasher = flate2::Crc::new();
    hasher.update(bytes);
    hasher.sum()
}
