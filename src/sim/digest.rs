//! The trace hash: a portable 64-bit digest of every event in order.
//!
//! Values are fed as explicit little-endian words, never through `std::hash::Hash`
//! (whose `usize` is 4 bytes in WebAssembly and 8 natively), so the same run hashes the
//! same in the CLI and in the page.

/// Accumulates the trace hash.
#[derive(Clone, Debug)]
pub struct TraceHasher {
    state: u64,
}

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher {
            state: 0x243f_6a88_85a3_08d3,
        }
    }
}

impl TraceHasher {
    /// Mixes one 64-bit word in (a multiply–xorshift round, as in wyhash/murmur finalisers).
    #[inline]
    pub fn word(&mut self, v: u64) {
        let x = (self.state ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.state = (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (x >> 32);
    }

    /// Mixes a string in: its length, then its bytes eight at a time.
    pub fn str(&mut self, s: &str) {
        self.word(s.len() as u64);
        for chunk in s.as_bytes().chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(buf));
        }
    }

    /// The digest so far as a number.
    pub fn finish(&self) -> u64 {
        self.state
    }

    /// The digest so far, as 16 lowercase hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.state)
    }
}

/// Something that contributes to the trace hash.
pub trait Digest {
    /// Feeds every field that matters to `h`, in a fixed order.
    fn digest(&self, h: &mut TraceHasher);
}

macro_rules! digest_as_word {
    ($($t:ty),*) => {$(
        impl Digest for $t {
            #[inline]
            fn digest(&self, h: &mut TraceHasher) { h.word(*self as u64) }
        }
    )*};
}
digest_as_word!(u8, u16, u32, u64, bool);

impl Digest for str {
    fn digest(&self, h: &mut TraceHasher) {
        h.str(self)
    }
}

impl Digest for String {
    fn digest(&self, h: &mut TraceHasher) {
        h.str(self)
    }
}

impl<T: Digest> Digest for Option<T> {
    fn digest(&self, h: &mut TraceHasher) {
        match self {
            None => h.word(0),
            Some(v) => {
                h.word(1);
                v.digest(h);
            }
        }
    }
}

impl<T: Digest> Digest for [T] {
    fn digest(&self, h: &mut TraceHasher) {
        h.word(self.len() as u64);
        for v in self {
            v.digest(h);
        }
    }
}

impl<T: Digest> Digest for Vec<T> {
    fn digest(&self, h: &mut TraceHasher) {
        self.as_slice().digest(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_content_matter() {
        let mut a = TraceHasher::default();
        a.word(1);
        a.word(2);
        let mut b = TraceHasher::default();
        b.word(2);
        b.word(1);
        assert_ne!(a.hex(), b.hex());
        let mut c = TraceHasher::default();
        c.str("ab");
        let mut d = TraceHasher::default();
        d.str("ab\0");
        assert_ne!(c.hex(), d.hex());
    }
}
