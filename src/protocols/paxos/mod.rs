//! Paxos (Lamport, "Paxos Made Simple", 2001): single-decree Paxos as in §2.2–2.3, where
//! every node is proposer, acceptor and learner, and Multi-Paxos as §3 sketches it (a
//! leader runs phase 1 once for every slot, then one phase 2 per command), with four
//! deliberate bugs for teaching.

pub mod ballot;
pub mod invariants;
pub mod message;
pub mod node;
pub mod note;
pub mod settings;
pub mod spec;
pub mod view;

pub use ballot::{Ballot, Slot, Value, DECREE};
pub use invariants::PaxosChecker;
pub use message::{PaxosMessage, PaxosSummary};
pub use node::{PaxosNode, SlotState};
pub use note::{PaxosNote, PaxosTimer, Phase};
pub use settings::{Mutation, PaxosSettings};
pub use spec::{request, timeout, SPEC};

/// A simulated Paxos cluster.
pub type PaxosWorld = crate::sim::World<PaxosNode>;

/// The Paxos world a scenario describes, at time 0.
pub fn world(scenario: &crate::scenario::Scenario) -> PaxosWorld {
    PaxosWorld::new(scenario.setup(PaxosSettings::of(scenario)))
}

/// Multi-Paxos: the running leader of the highest ballot, if any node leads (a leader cut
/// off from the others may still believe it leads; the one of the higher ballot is the
/// real one).
pub fn leader(world: &PaxosWorld) -> Option<crate::sim::NodeId> {
    world
        .hosts()
        .iter()
        .filter(|h| h.up)
        .filter_map(|h| h.node.leading().map(|b| (b, h.id)))
        .max()
        .map(|(_, id)| id)
}
