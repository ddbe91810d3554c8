//! An ordered map from ids to values, kept in one sorted ring buffer.
//!
//! The world keeps every message in flight and every client packet on the wire by id;
//! Multi-Paxos keeps its slots by number. Ids only grow, so entries arrive at the back,
//! and the network delivers roughly in sending order, so they mostly leave near the
//! front: a sorted [`VecDeque`] does both in constant time and finds an id by binary
//! search. It replaces `BTreeMap`, whose code is compiled anew for every value type (one
//! per protocol's message type, 6–7 KB of the page each, where this map's is a fraction
//! of that). Iteration is in id order, as a `BTreeMap`'s, so traces and hashes are
//! unchanged.

use std::collections::VecDeque;

/// Values by id, in increasing id order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdMap<V> {
    entries: VecDeque<(u64, V)>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap::new()
    }
}

impl<V> IdMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        IdMap {
            entries: VecDeque::new(),
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `id` is (`Ok`) or would go (`Err`). A new id is usually the largest yet, so
    /// that case is answered without a search.
    fn find(&self, id: u64) -> Result<usize, usize> {
        match self.entries.back() {
            Some(&(last, _)) if last < id => Err(self.entries.len()),
            None => Err(0),
            _ => self.entries.binary_search_by(|(k, _)| k.cmp(&id)),
        }
    }

    /// The value of `id`.
    pub fn get(&self, id: &u64) -> Option<&V> {
        let i = self.find(*id).ok()?;
        Some(&self.entries[i].1)
    }

    /// The value of `id`, to change.
    pub fn get_mut(&mut self, id: &u64) -> Option<&mut V> {
        let i = self.find(*id).ok()?;
        Some(&mut self.entries[i].1)
    }

    /// True when `id` has a value.
    pub fn contains_key(&self, id: &u64) -> bool {
        self.find(*id).is_ok()
    }

    /// Sets the value of `id`, returning the one it replaces.
    pub fn insert(&mut self, id: u64, value: V) -> Option<V> {
        match self.find(id) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) if i == self.entries.len() => {
                self.entries.push_back((id, value));
                None
            }
            Err(i) => {
                self.entries.insert(i, (id, value));
                None
            }
        }
    }

    /// Takes the value of `id` out.
    pub fn remove(&mut self, id: &u64) -> Option<V> {
        let i = self.find(*id).ok()?;
        self.entries.remove(i).map(|(_, v)| v)
    }

    /// The value of `id`, inserted as the default value if there was none.
    pub fn get_or_default(&mut self, id: u64) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(id) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (id, V::default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&u64, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Every (id, value) from id `first` on, in id order.
    pub fn range_from(&self, first: u64) -> impl DoubleEndedIterator<Item = (&u64, &V)> {
        let start = self.find(first).unwrap_or_else(|i| i);
        self.entries.range(start..).map(|(k, v)| (k, v))
    }

    /// Every (id, value), the values to change, in id order.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&u64, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Every (id, value), in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&u64, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Every id, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &u64> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Every value, in id order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<V> std::ops::Index<&u64> for IdMap<V> {
    type Output = V;

    /// The value of `id`; panics if there is none, as a `BTreeMap` does.
    fn index(&self, id: &u64) -> &V {
        self.get(id).expect("no entry for this id")
    }
}

impl<'a, V> IntoIterator for &'a IdMap<V> {
    type Item = (&'a u64, &'a V);
    type IntoIter = std::iter::Map<
        std::collections::vec_deque::Iter<'a, (u64, V)>,
        fn(&'a (u64, V)) -> (&'a u64, &'a V),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, V> IntoIterator for &'a mut IdMap<V> {
    type Item = (&'a u64, &'a mut V);
    type IntoIter = std::iter::Map<
        std::collections::vec_deque::IterMut<'a, (u64, V)>,
        fn(&'a mut (u64, V)) -> (&'a u64, &'a mut V),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sim::rng::Rng;

    /// Random inserts (mostly new largest ids, some anywhere, some repeated) and removals
    /// (mostly near the front), compared step by step with a `BTreeMap`.
    #[test]
    fn behaves_as_an_ordered_map() {
        let mut rng = Rng::new(11, 0);
        let mut ours = IdMap::new();
        let mut theirs = BTreeMap::new();
        let mut next = 1;
        for step in 0..5_000u64 {
            match rng.range_inclusive(0, 9) {
                0..=4 => {
                    next += rng.range_inclusive(1, 3);
                    assert_eq!(ours.insert(next, step), theirs.insert(next, step));
                }
                5 => {
                    let id = rng.range_inclusive(0, next + 2);
                    assert_eq!(ours.insert(id, step), theirs.insert(id, step));
                }
                _ => {
                    let id = match theirs.keys().nth(rng.range_inclusive(0, 2) as usize) {
                        Some(&id) => id,
                        None => rng.range_inclusive(0, next),
                    };
                    assert_eq!(ours.remove(&id), theirs.remove(&id));
                }
            }
            let probe = rng.range_inclusive(0, next + 1);
            assert_eq!(ours.get(&probe), theirs.get(&probe));
            assert_eq!(ours.contains_key(&probe), theirs.contains_key(&probe));
            assert_eq!(ours.len(), theirs.len());
        }
        assert!(ours.iter().eq(theirs.iter()));
        let middle = next / 2;
        assert!(ours.range_from(middle).eq(theirs.range(middle..)));
        ours.retain(|id, _| id % 3 != 0);
        theirs.retain(|id, _| id % 3 != 0);
        assert!(ours.iter().eq(theirs.iter()));
        *ours.get_or_default(next + 5) += 1;
        *theirs.entry(next + 5).or_default() += 1;
        assert!(ours.iter().eq(theirs.iter()));
        assert!(ours.keys().rev().eq(theirs.keys().rev()));
    }
}
