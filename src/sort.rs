//! Stable sorting through one compiled routine, for the page's download.
//!
//! The standard library's sorts are generic: every element type and comparator sorted
//! gets its own copy of driftsort or ipnsort, a few kilobytes each, and the page sorted
//! in a dozen places (about 66 KB of its code before this module). In the page every
//! sort here goes through [`permutation`], which is compiled once: it merge-sorts
//! indexes with a comparator behind `dyn`, and only the small loop that moves the
//! elements into place is generic. Natively, where size does not matter and the
//! checker's sorts are hot, the same functions call the standard stable sort.
//!
//! Both are stable, so they give the same order for every input: a run sorts alike in
//! the page and in the CLI, which keeps the trace hashes equal.

use std::cmp::Ordering;

/// Sorts `v` stably with the comparator `cmp`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(target_arch = "wasm32")]
    {
        let order = permutation(v.len(), &mut |i, j| cmp(&v[i], &v[j]));
        apply(v, order);
    }
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(&mut cmp);
}

/// Sorts `v` stably by the key `key` gives each element.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order (stably, though equal elements of an `Ord` type that
/// a caller could tell apart are rare).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The stable sorted order of `n` elements that `cmp` compares by index: `order[k]` is
/// the index of the element that belongs at position `k`. A bottom-up merge sort:
/// O(n log n) comparisons, and equal elements keep their order because a merge takes
/// from the left run unless the right one is strictly smaller.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn permutation(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut spare = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut spare[start..end] {
                let take_left =
                    j >= end || (i < mid && cmp(order[i], order[j]) != Ordering::Greater);
                if take_left {
                    *slot = order[i];
                    i += 1;
                } else {
                    *slot = order[j];
                    j += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut spare);
        width *= 2;
    }
    order
}

/// Rearranges `v` so that position `k` holds what was at `order[k]`, by swapping along
/// the permutation's cycles (no element is cloned or moved out).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn apply<T>(v: &mut [T], order: Vec<usize>) {
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Rng;

    /// The page's routine against the standard stable sort, on random inputs with many
    /// ties (so stability shows), of every small length and some larger ones.
    #[test]
    fn the_compact_sort_orders_as_the_standard_stable_sort() {
        let mut rng = Rng::new(7, 0);
        for len in (0..70).chain([127, 128, 129, 1000]) {
            let v: Vec<(u64, usize)> = (0..len).map(|i| (rng.range_inclusive(0, 9), i)).collect();
            let mut expected = v.clone();
            expected.sort_by_key(|e| e.0);
            let mut got = v.clone();
            let order = permutation(got.len(), &mut |i, j| v[i].0.cmp(&v[j].0));
            apply(&mut got, order);
            assert_eq!(got, expected, "length {len}");
        }
    }

    #[test]
    fn sort_by_key_is_stable() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        sort_by_key(&mut v, |e| e.0);
        assert_eq!(v, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }
}
