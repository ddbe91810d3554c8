//! The protocol-agnostic deterministic simulator.
//!
//! Simulated time, one seeded generator with a stream per node, an event queue ordered by
//! (due time, sequence number), the network (per-direction links, latency, loss,
//! duplication, manual delivery), crash and restart, the trace and its hash, and the hook
//! that runs a protocol's invariant checks after every event. Nothing here names a
//! protocol: protocols plug in through [`protocol::Node`].

pub mod action;
pub mod client;
pub mod clocks;
pub mod digest;
pub mod history;
pub mod id_map;
pub mod network;
pub mod protocol;
pub mod quorum;
pub mod rng;
pub mod settings;
pub mod shiviz;
pub mod trace;
pub mod world;

pub use action::{Action, Command, ScriptEntry};
pub use history::History;
pub use network::{InFlight, LinkState, Links};
pub use protocol::{CheckEnv, Checker, Ctx, InvariantSpec, MarkKind, Message, Node, Topic};
pub use settings::{NetworkMode, NetworkSettings};
pub use trace::{Event, LossReason, Mark, Record, Trace};
pub use world::{Host, Packet, PacketKind, Setup, TimerSlot, Violation, World};

/// A node id: `1..=n`.
pub type NodeId = u32;
/// A message id: `1, 2, 3, …` in the order messages are sent.
pub type MessageId = u64;
/// Simulated time in milliseconds.
pub type Time = u64;

/// A simulated time for people: "850 ms", "2.350 s".
pub fn format_ms(ms: Time) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else {
        format!("{}.{:03} s", ms / 1_000, ms % 1_000)
    }
}
