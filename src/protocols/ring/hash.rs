//! The one 64-bit hash every scheme places keys and nodes by.
//!
//! `hash64(bytes)` is FNV-1a over the bytes (offset basis `0xcbf29ce484222325`, prime
//! `0x100000001b3`), then the finalizer of splitmix64 (Steele, Lea and Flood, *Fast
//! Splittable Pseudorandom Number Generators*, 2014: shifts 30, 27, 31 and multipliers
//! `0xbf58476d1ce4e5b9`, `0x94d049bb133111eb`). FNV alone is portable and simple but
//! mixes its last bytes poorly: `key-1`, `key-2`, … land close together on the ring. The
//! finalizer spreads every input bit over the whole word. Only wrapping integer arithmetic
//! is used, so the value is the same on every platform, natively and in the browser.

/// FNV-1a's 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a's 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The hash of `bytes` (see the module doc).
pub fn hash64(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    mix(h)
}

/// splitmix64's finalizer: every bit of `z` affects every bit of the result.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `h` as a number strictly between 0 and 1 (its top 52 bits, offset by half a step), for
/// weighted rendezvous scores. Not 53 bits: `1 − 2^-54` is not a double and would round
/// to 1, whose logarithm is 0.
pub fn unit(h: u64) -> f64 {
    ((h >> 12) as f64 + 0.5) / (1u64 << 52) as f64
}

/// The natural logarithm of `x > 0`, computed with `+`, `*` and `/` only.
///
/// IEEE 754 makes those exact to the last bit on every platform, while `f64::ln` comes
/// from the platform's maths library (the system's natively, a Rust port in the
/// browser) and may differ in the last bit: a weighted rendezvous placement would then
/// differ between the CLI and the page on a near tie. `x = m · 2^e` with `m` in
/// [√½, √2), and `ln m = 2 atanh(s)` with `s = (m − 1)/(m + 1)`, `|s| < 0.172`, whose
/// series has converged to double precision after 13 odd terms.
pub fn ln(x: f64) -> f64 {
    debug_assert!(x > 0.0);
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..13 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    2.0 * sum + e as f64 * std::f64::consts::LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fixed_and_spreads_similar_names() {
        // FNV-1a of the empty input is its offset basis; the finalizer then mixes it.
        assert_eq!(hash64(b""), mix(FNV_OFFSET));
        assert_ne!(hash64(b"key-1"), hash64(b"key-2"));
        // Neighbouring names differ in about half of their bits.
        let d = (hash64(b"key-1") ^ hash64(b"key-2")).count_ones();
        assert!((16..=48).contains(&d), "{d} bits differ");
    }

    #[test]
    fn ln_agrees_with_the_maths_library() {
        for &x in &[
            1e-300, 1e-9, 0.001, 0.3, 0.5, 0.999_999, 1.0, 2.0, 7.5, 1e12,
        ] {
            let (ours, libm) = (ln(x), x.ln());
            assert!(
                (ours - libm).abs() <= 1e-15 * libm.abs().max(1.0),
                "{x}: {ours} vs {libm}"
            );
        }
        assert!(unit(0) > 0.0 && unit(u64::MAX) < 1.0);
    }
}
