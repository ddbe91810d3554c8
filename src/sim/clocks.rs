//! Logical clocks of a run: Lamport's scalar clocks ("Time, Clocks, and the Ordering of
//! Events in a Distributed System", 1978) and Mattern's and Fidge's vector clocks (1988),
//! kept for every node of any protocol by watching the trace go by.
//!
//! The tracker works from plain facts ([`Happening`]: which node, which message, what
//! kind of event), not from a protocol's types, so it is compiled once for the whole lab
//! rather than once per protocol. The simulator's trace says what happened; this module
//! only says what each node's clocks read afterwards. Nothing here is hashed: clocks are
//! an observer's view of the run and change no event, no hash and no other output.
//!
//! Which records are events at a node (the rules of `SCENARIO.md`, `qlab trace --clocks`):
//! - a message **sent** is an event at its sender, a message **delivered** one at its
//!   receiver; a message lost, dropped or cut off is no event at the receiver;
//! - a **timer** firing is an event at its node, and so is an **action handled** by one
//!   node: a protocol command (`timeout`, `request`, …), a crash and a restart;
//! - the network **duplicating** a message is no event at any node: the copy carries the
//!   original's clocks;
//! - a protocol's **note** is part of the event whose handler wrote it: it carries the
//!   node's clocks as they stand, without a tick of its own.
//!
//! Clients are not nodes: their requests and replies are not messages between nodes and
//! have no entry in the vector (a node's handling of a request shows only through the
//! messages it sends). A crashed node keeps its clocks: they are the observer's, not part
//! of the node's state, so a node's events stay ordered across its crash.

use super::id_map::IdMap;
use super::{MessageId, NodeId};

/// What a trace record means for the clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happening {
    /// Node `node` sent message `message`: one tick; the message carries the clocks.
    Send { node: NodeId, message: MessageId },
    /// The network copied message `of` as message `message`: no event, the copy carries
    /// the original's clocks.
    Copy { message: MessageId, of: MessageId },
    /// Message `message` reached node `node`: merge with its clocks, then one tick.
    Deliver { node: NodeId, message: MessageId },
    /// Message `message` will never arrive: no event; its clocks are forgotten.
    Lose { message: MessageId },
    /// Any other event at node `node` (a timer, a handled action): one tick.
    Local { node: NodeId },
    /// Something written down during node `node`'s current event (a note): no tick.
    During { node: NodeId },
}

impl Happening {
    /// The node it happens at, if one.
    pub fn node(self) -> Option<NodeId> {
        match self {
            Happening::Send { node, .. }
            | Happening::Deliver { node, .. }
            | Happening::Local { node }
            | Happening::During { node } => Some(node),
            Happening::Copy { .. } | Happening::Lose { .. } => None,
        }
    }
}

/// A node's clocks after one of its events.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// Lamport's clock `C_i`.
    pub lamport: u64,
    /// The vector clock: entry `i` is how many events of node `i + 1` this event has
    /// seen (its own included).
    pub vector: Vec<u64>,
}

impl Stamp {
    /// Merges `other` into `self`: Lamport's IR2(b) takes the larger counter, a vector
    /// clock the element-wise maximum.
    fn merge(&mut self, other: &Stamp) {
        self.lamport = self.lamport.max(other.lamport);
        for (mine, theirs) in self.vector.iter_mut().zip(&other.vector) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// One event at node `node`: IR1, the counter goes up by one, and so does the
    /// node's own entry.
    fn tick(&mut self, node: NodeId) {
        self.lamport += 1;
        self.vector[(node - 1) as usize] += 1;
    }
}

/// Vector clock order: `a ≤ b` entry by entry. `happened_before(a, b)` (a → b) holds
/// exactly when `a ≤ b` and `a ≠ b` — the theorem that vector clocks characterise
/// causality.
pub fn happened_before(a: &[u64], b: &[u64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x <= y) && a != b
}

/// Every node's clocks, and the clocks each message in flight carries.
#[derive(Clone, Debug)]
pub struct Clocks {
    nodes: Vec<Stamp>,
    in_flight: IdMap<Stamp>,
}

impl Clocks {
    /// The clocks of `n` nodes before any event: all zero.
    pub fn new(n: u32) -> Self {
        let zero = Stamp {
            lamport: 0,
            vector: vec![0; n as usize],
        };
        Clocks {
            nodes: vec![zero; n as usize],
            in_flight: IdMap::new(),
        }
    }

    /// Node `node`'s clocks now.
    pub fn of(&self, node: NodeId) -> &Stamp {
        &self.nodes[(node - 1) as usize]
    }

    /// Takes one happening into account. Returns the node's clocks after it when it
    /// happened at a node (the clocks its record carries), `None` otherwise.
    pub fn observe(&mut self, happening: Happening) -> Option<&Stamp> {
        let node = match happening {
            Happening::Send { node, message } => {
                self.nodes[(node - 1) as usize].tick(node);
                let carried = self.nodes[(node - 1) as usize].clone();
                self.in_flight.insert(message, carried);
                node
            }
            Happening::Copy { message, of } => {
                if let Some(carried) = self.in_flight.get(&of).cloned() {
                    self.in_flight.insert(message, carried);
                }
                return None;
            }
            Happening::Deliver { node, message } => {
                let stamp = &mut self.nodes[(node - 1) as usize];
                // A message always has clocks once sent; a missing entry would be the
                // trace's bug, and the receiver then just ticks.
                if let Some(carried) = self.in_flight.remove(&message) {
                    stamp.merge(&carried);
                }
                stamp.tick(node);
                node
            }
            Happening::Lose { message } => {
                self.in_flight.remove(&message);
                return None;
            }
            Happening::Local { node } => {
                self.nodes[(node - 1) as usize].tick(node);
                node
            }
            Happening::During { node } => node,
        };
        Some(self.of(node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_takes_the_maximum_then_ticks() {
        let mut c = Clocks::new(3);
        c.observe(Happening::Local { node: 2 });
        c.observe(Happening::Local { node: 2 });
        c.observe(Happening::Send {
            node: 1,
            message: 1,
        });
        let got = c.observe(Happening::Deliver {
            node: 2,
            message: 1,
        });
        // Lamport: max(2, 1) + 1; vector: max([0,2,0], [1,0,0]) with S2's entry + 1.
        assert_eq!(
            got,
            Some(&Stamp {
                lamport: 3,
                vector: vec![1, 3, 0]
            })
        );
    }

    #[test]
    fn a_copy_carries_its_originals_clocks_and_notes_do_not_tick() {
        let mut c = Clocks::new(2);
        c.observe(Happening::Send {
            node: 1,
            message: 1,
        });
        assert_eq!(c.observe(Happening::Copy { message: 2, of: 1 }), None);
        c.observe(Happening::Local { node: 1 });
        c.observe(Happening::Deliver {
            node: 2,
            message: 2,
        });
        assert_eq!(c.of(2).vector, vec![1, 1]);
        let note = c.observe(Happening::During { node: 2 }).cloned();
        assert_eq!(note.as_ref(), Some(c.of(2)));
        assert_eq!(c.of(2).lamport, 2);
    }

    #[test]
    fn happened_before_is_the_strict_vector_order() {
        assert!(happened_before(&[1, 0], &[1, 1]));
        assert!(!happened_before(&[1, 0], &[1, 0]));
        assert!(!happened_before(&[1, 0], &[0, 1]));
        assert!(!happened_before(&[0, 1], &[1, 0]));
    }
}
