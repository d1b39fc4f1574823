//! FNV-1a, a small non-cryptographic hash for the class-name index, whose keys are the
//! tables' own constants: SipHash's resistance to chosen keys buys nothing there and its cost
//! shows on every serialized object a walk visits.

use std::hash::Hasher;

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a as a [`Hasher`], for `HashMap`s via `BuildHasherDefault<Fnv>`.
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(OFFSET_BASIS)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
}
