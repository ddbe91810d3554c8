//! Fast, deterministic hashing for the search's memo table: no random seed (the same
//! history takes the same steps everywhere) and no SipHash cost on every step.

use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash of rustc: a multiply and a rotate per word.
#[derive(Clone, Copy, Default)]
pub struct Fx(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(SEED);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`Fx`] hashers for `HashMap`s and `HashSet`s that are only looked up, never
/// iterated (iteration order must never leak into results).
pub type FxBuild = BuildHasherDefault<Fx>;

/// A well-mixed 64-bit value for `i` (splitmix64's finalizer): the Zobrist key of
/// operation `i`, so a set of operations hashes as the XOR of its members' keys and
/// adding or removing one costs one XOR.
#[inline]
pub fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
