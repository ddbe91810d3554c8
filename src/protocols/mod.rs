//! The protocols, and the registry that is the only place naming them.
//!
//! Each protocol is a folder here holding everything it is: a pure state machine
//! implementing [`crate::sim::Node`], its settings, invariants and mutations, its presets
//! and its view as data ([`run::Look`]), described by one static [`spec::Spec`]. The
//! registry below lists them, one line each; the scenario format, the CLI and the page
//! reach every protocol through it and never name one.
//!
//! Adding a protocol: write its folder (with a `pub static SPEC: Spec`) and add its name
//! to the list.

pub mod run;
pub mod spec;
pub mod view;
pub mod workload;

#[cfg(not(target_arch = "wasm32"))]
pub use run::PlainRecord;
pub use run::{Look, Rewind, Run};
pub use spec::Spec;

use crate::scenario::Scenario;

/// Declares each protocol's module and lists its spec, in the order the page offers them
/// (the first one's default scenario is the page's).
macro_rules! registry {
    ($($name:ident),+ $(,)?) => {
        $(pub mod $name;)+
        /// Every registered protocol.
        pub static PROTOCOLS: &[&Spec] = &[$(&$name::SPEC),+];
    };
}

registry! {
    raft,
    paxos,
}

// Not yet one of the page's protocols: the CLI's `qlab ring` and the tests use it.
pub mod ring;

/// The registered protocol with this name.
pub fn find(name: &str) -> Option<&'static Spec> {
    PROTOCOLS.iter().copied().find(|p| p.name == name)
}

/// The run a scenario describes, at time 0.
pub fn build(scenario: &Scenario) -> Box<dyn Run> {
    (scenario.protocol.build)(scenario)
}
