//! Jump consistent hash (Lamping and Veach, *A Fast, Minimal Memory, Consistent Hash
//! Algorithm*, 2014): a key's bucket among `n` numbered buckets with no table at all.
//!
//! Growing from `n` to `n + 1` buckets moves exactly the keys that jump to the new
//! bucket, `1/(n+1)` of them in expectation, and nothing else. Buckets can only be added
//! or removed at the end, so a cluster that loses a node in the middle must renumber.

/// The bucket in `0..buckets` of `key` (the paper's Figure 1, with its linear
/// congruential generator and its floating-point jump). `buckets` must be at least 1.
pub fn jump(mut key: u64, buckets: u32) -> u32 {
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guava's golden values (`HashingTest.testConsistentHash_linearCongruentialGenerator
    /// Compatibility`, checked there against the paper's C++): keys 0..20 in 100 buckets,
    /// three keys in 11 buckets and three in 100,001.
    #[test]
    fn matches_the_published_golden_values() {
        let golden100 = [
            0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83,
        ];
        for (key, want) in golden100.iter().enumerate() {
            assert_eq!(jump(key as u64, 100), *want, "key {key}");
        }
        assert_eq!(jump(10_863_919_174_838_991, 11), 6);
        assert_eq!(jump(2_016_238_256_797_177_309, 11), 3);
        assert_eq!(jump(1_673_758_223_894_951_030, 11), 5);
        assert_eq!(jump(2, 100_001), 80_343);
        assert_eq!(jump(2201, 100_001), 22_152);
        assert_eq!(jump(2202, 100_001), 15_018);
    }

    #[test]
    fn one_bucket_holds_everything_and_growing_only_moves_keys_to_the_new_bucket() {
        for key in 0..2_000u64 {
            assert_eq!(jump(key, 1), 0);
            for n in 1..40 {
                let (before, after) = (jump(key, n), jump(key, n + 1));
                assert!(
                    after == before || after == n,
                    "key {key}: {before} → {after}"
                );
            }
        }
    }
}
