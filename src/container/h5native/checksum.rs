//! Jenkins' lookup3 `hashlittle`, the checksum of version 2 superblocks and object headers
//! (`H5_checksum_lookup3` in libhdf5's `src/H5checksum.c`; `H5_checksum_metadata` calls it
//! with an initial value of 0).

/// The checksum libhdf5 stores after version 2+ metadata (`H5F_get_checksums`).
pub(super) fn metadata(data: &[u8]) -> u32 {
    lookup3(data, 0)
}

fn lookup3(key: &[u8], initval: u32) -> u32 {
    let mut a = 0xdead_beef_u32.wrapping_add(key.len() as u32).wrapping_add(initval);
    let mut b = a;
    let mut c = a;
    let mut rest = key;
    // All but the last block (which may be a full 12 bytes) mix into the state.
    while rest.len() > 12 {
        let (block, tail) = rest.split_at(12);
        a = a.wrapping_add(word_at(block, 0));
        b = b.wrapping_add(word_at(block, 4));
        c = c.wrapping_add(word_at(block, 8));
        mix(&mut a, &mut b, &mut c);
        rest = tail;
    }
    if rest.is_empty() {
        return c;
    }
    // The last block: bytes past its end count as zero (the C switch's fall-through cases).
    a = a.wrapping_add(word_at(rest, 0));
    b = b.wrapping_add(word_at(rest, 4));
    c = c.wrapping_add(word_at(rest, 8));
    finish(&mut a, &mut b, &mut c);
    c
}

/// The little-endian word at `from`, bytes past the end of `bytes` counting as zero.
fn word_at(bytes: &[u8], from: usize) -> u32 {
    let word = bytes.get(from..bytes.len().min(from + 4)).unwrap_or(&[]);
    word.iter().enumerate().fold(0u32, |acc, (i, &byte)| acc.wrapping_add(u32::from(byte) << (8 * i)))
}

fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(4);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(6);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(8);
    *b = b.wrapping_add(*a);
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(16);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(19);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(4);
    *b = b.wrapping_add(*a);
}

fn finish(a: &mut u32, b: &mut u32, c: &mut u32) {
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(14));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(11));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(25));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(16));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(4));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(14));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(24));
}

#[cfg(test)]
mod tests {
    use super::lookup3;

    #[test]
    fn matches_bob_jenkins_reference_values() {
        // From the self-test (driver5) in Jenkins' lookup3.c.
        assert_eq!(lookup3(b"", 0), 0xdead_beef);
        assert_eq!(lookup3(b"Four score and seven years ago", 0), 0x1777_0551);
        assert_eq!(lookup3(b"Four score and seven years ago", 1), 0xcd62_8161);
    }
}
