//! Quorum arithmetic, once for every protocol: how many of `n` make a majority, and
//! whether read and write quorums must overlap.

/// The smallest number of `n` nodes that is more than half of them.
pub fn majority(n: u32) -> u32 {
    n / 2 + 1
}

/// True when `count` of `n` nodes are a majority.
pub fn is_majority(count: u32, n: u32) -> bool {
    count >= majority(n)
}

/// True when every set of `w` of `n` replicas meets every set of `r` of them
/// (`w + r > n`): a read quorum then always includes a replica of the latest write.
pub fn quorums_intersect(w: u32, r: u32, n: u32) -> bool {
    w + r > n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_majority_is_more_than_half() {
        assert_eq!(
            (1..=9).map(majority).collect::<Vec<_>>(),
            [1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert!(is_majority(3, 5));
        assert!(!is_majority(2, 4));
    }

    #[test]
    fn quorums_meet_when_w_plus_r_exceeds_n() {
        assert!(quorums_intersect(2, 2, 3));
        assert!(!quorums_intersect(1, 2, 3));
    }
}
