//! Raft's settings (`"raft": {...}` in a scenario). Defaults are in `scenario::defaults`.

use std::fmt;

/// A deliberate bug, for teaching what each rule of Raft protects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mutation {
    /// A leader commits entries of earlier terms once a majority stores them (Figure 8).
    CommitOldTerms,
    /// A voter grants its vote without the log up-to-date check (§5.4.1).
    VoteIgnoresLog,
    /// The vote is not kept across a crash.
    ForgetVote,
    /// Every election timeout is the range's lower bound (no randomization).
    FixedTimeouts,
}

impl Mutation {
    /// Every mutation, in the order the page lists them.
    pub const ALL: [Mutation; 4] = [
        Mutation::CommitOldTerms,
        Mutation::VoteIgnoresLog,
        Mutation::ForgetVote,
        Mutation::FixedTimeouts,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Mutation::CommitOldTerms => "commit_old_terms",
            Mutation::VoteIgnoresLog => "vote_ignores_log",
            Mutation::ForgetVote => "forget_vote",
            Mutation::FixedTimeouts => "fixed_timeouts",
        }
    }

    /// The mutation with this scenario name.
    pub fn from_name(name: &str) -> Option<Mutation> {
        Mutation::ALL.into_iter().find(|m| m.name() == name)
    }

    /// One line on the rule it removes, for the page.
    pub fn removes(self) -> &'static str {
        match self {
            Mutation::CommitOldTerms => {
                "Leaders may commit entries from earlier terms by counting replicas (Figure 8)."
            }
            Mutation::VoteIgnoresLog => {
                "Voters skip the check that the candidate's log is at least as up-to-date (§5.4.1)."
            }
            Mutation::ForgetVote => "A node forgets whom it voted for when it crashes.",
            Mutation::FixedTimeouts => "Election timeouts are not randomized (§5.2).",
        }
    }
}

impl fmt::Display for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Raft's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftSettings {
    /// Inclusive range for election timeouts, drawn on every reset; `None`: timers never
    /// fire by themselves (elections only by `timeout` actions).
    pub election_timeout_ms: Option<(u64, u64)>,
    /// The leader's AppendEntries interval.
    pub heartbeat_ms: u64,
    /// A new leader appends a no-op entry at the start of its term.
    pub leader_noop: bool,
    /// Pre-vote (thesis §9.6): a candidate first asks whether it could win.
    pub pre_vote: bool,
    /// Check-quorum (thesis §6.2): a leader steps down without a majority's replies.
    pub check_quorum: bool,
    /// Deliberate bugs, sorted, without repeats.
    pub mutations: Vec<Mutation>,
}

impl RaftSettings {
    /// True when `m` is switched on.
    pub fn has(&self, m: Mutation) -> bool {
        self.mutations.contains(&m)
    }
}
