//! Links and messages in flight.

use super::id_map::IdMap;

use super::{MessageId, NodeId, Time};

/// The state of one direction of a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Messages pass.
    Up,
    /// Messages due while cut are lost.
    Cut,
}

/// Per-direction link states of a cluster of `n` nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    n: u32,
    state: Vec<LinkState>,
}

impl Links {
    /// All links of an `n`-node cluster, working.
    pub fn new(n: u32) -> Self {
        Links {
            n,
            state: vec![LinkState::Up; (n * n) as usize],
        }
    }

    fn index(&self, from: NodeId, to: NodeId) -> usize {
        ((from - 1) * self.n + (to - 1)) as usize
    }

    /// The state of the one-way link `from → to`.
    pub fn get(&self, from: NodeId, to: NodeId) -> LinkState {
        self.state[self.index(from, to)]
    }

    /// Sets the one-way link `from → to`.
    pub fn set(&mut self, from: NodeId, to: NodeId, state: LinkState) {
        let i = self.index(from, to);
        self.state[i] = state;
    }

    /// True when `from → to` passes messages.
    pub fn is_up(&self, from: NodeId, to: NodeId) -> bool {
        self.get(from, to) == LinkState::Up
    }

    /// Every link works again.
    pub fn heal(&mut self) {
        self.state.fill(LinkState::Up);
    }

    /// Cuts every link between different groups, both ways; the rest work. Nodes in no
    /// group form one more group together.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let mut group_of = vec![groups.len(); self.n as usize];
        for (g, members) in groups.iter().enumerate() {
            for &m in members {
                group_of[(m - 1) as usize] = g;
            }
        }
        for from in 1..=self.n {
            for to in 1..=self.n {
                let same = group_of[(from - 1) as usize] == group_of[(to - 1) as usize];
                self.set(from, to, if same { LinkState::Up } else { LinkState::Cut });
            }
        }
    }

    /// True when every link works.
    pub fn all_up(&self) -> bool {
        self.state.iter().all(|s| *s == LinkState::Up)
    }
}

/// A message on the wire.
#[derive(Clone, Debug)]
pub struct InFlight<M> {
    /// Its id: messages are numbered 1, 2, 3, … in the order they are sent.
    pub id: MessageId,
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// When it was sent.
    pub sent_at: Time,
    /// When it would arrive (None in manual mode: it waits for the user).
    pub arrives_at: Option<Time>,
    /// When the network loses it on the way, if it does (drawn from the seed at sending).
    pub lost_at: Option<Time>,
    /// The message.
    pub msg: M,
}

impl<M> InFlight<M> {
    /// When the simulator next has to look at it: its loss or its arrival.
    pub fn due(&self) -> Option<Time> {
        self.lost_at.or(self.arrives_at)
    }
}

/// The messages in flight, by id (ordered, so iteration is deterministic).
pub type InFlightMap<M> = IdMap<InFlight<M>>;
