//! The consistency models a scenario's `check` list may name, each with its one-line
//! definition and source, as the page's consistency panel and the scenario format list
//! them.

use crate::sim::InvariantSpec;

/// Every model, strongest first.
pub const MODELS: &[InvariantSpec] = &[
    InvariantSpec {
        name: "linearizable",
        title: "Linearizable",
        rule: "Every operation takes effect at one instant between its invocation and its \
               completion, and reads return the latest write in that order.",
        source: "Herlihy & Wing, 1990",
    },
    InvariantSpec {
        name: "sequential",
        title: "Sequential",
        rule: "Some single order of all operations explains every read and keeps each \
               client's own order (real time across clients may be ignored).",
        source: "Lamport, 1979",
    },
    InvariantSpec {
        name: "read_your_writes",
        title: "Read your writes",
        rule: "A client's read never returns something older than a write it made earlier.",
        source: "Terry et al., Session Guarantees, 1994",
    },
    InvariantSpec {
        name: "monotonic_reads",
        title: "Monotonic reads",
        rule: "A client's reads of a key never go back to an older value.",
        source: "Terry et al., Session Guarantees, 1994",
    },
    InvariantSpec {
        name: "monotonic_writes",
        title: "Monotonic writes",
        rule: "A client's writes to a key are seen by everyone in the order it made them.",
        source: "Terry et al., Session Guarantees, 1994",
    },
    InvariantSpec {
        name: "writes_follow_reads",
        title: "Writes follow reads",
        rule: "A write made after reading a value is ordered after that value everywhere.",
        source: "Terry et al., Session Guarantees, 1994",
    },
    InvariantSpec {
        name: "convergence",
        title: "Convergence",
        rule: "Once writes stop, every client's last read of a key returns the same value.",
        source: "Eventual consistency (Vogels, 2009)",
    },
];

/// The model with this name.
pub fn model(name: &str) -> Option<&'static InvariantSpec> {
    MODELS.iter().find(|m| m.name == name)
}
