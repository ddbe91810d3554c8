//! Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm",
//! 2014), §5 in full, with pre-vote and check-quorum from Ongaro's thesis, a linearizable
//! key-value store on top (thesis §6.4: writes through the log, reads through the log, by
//! ReadIndex or under a lease), and deliberate bugs for teaching.

pub mod invariants;
pub mod kv;
pub mod log;
pub mod message;
pub mod node;
pub mod note;
pub mod settings;
pub mod spec;
pub mod view;

pub use invariants::RaftChecker;
pub use kv::Store;
pub use log::{Entry, Log, Payload};
pub use message::{RaftMessage, RaftSummary};
pub use node::RaftNode;
pub use note::{Denial, RaftNote, RaftTimer, ReadPath, Role, StepDown};
pub use settings::{Mutation, RaftConfig, RaftSettings, Reads};
pub use spec::{request, timeout, SPEC};

/// A simulated Raft cluster.
pub type RaftWorld = crate::sim::World<RaftNode>;

/// The Raft world a scenario describes, at time 0.
pub fn world(scenario: &crate::scenario::Scenario) -> RaftWorld {
    RaftWorld::new(scenario.setup(RaftConfig::of(scenario)))
}

/// The running leader of the highest term, if any node leads (after a partition two
/// nodes may both believe they lead; the one of the higher term is the real one).
pub fn leader(world: &RaftWorld) -> Option<crate::sim::NodeId> {
    world
        .hosts()
        .iter()
        .filter(|h| h.up && h.node.role() == Role::Leader)
        .max_by_key(|h| h.node.current_term())
        .map(|h| h.id)
}
