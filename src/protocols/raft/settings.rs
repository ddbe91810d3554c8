//! Raft's settings (`"raft": {...}` in a scenario): their defaults, how the block is read
//! and checked, and how it is written back with every field.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::scenario::check::{self, parse_block, present};
use crate::scenario::{limits, Scenario, ScenarioError};

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
    pub const fn removes(self) -> &'static str {
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

/// `raft.election_timeout_ms`.
pub const ELECTION_TIMEOUT_MS: Option<(u64, u64)> = Some((150, 300));
/// `raft.heartbeat_ms`.
pub const HEARTBEAT_MS: u64 = 50;

impl Default for RaftSettings {
    /// SCENARIO.md's example values.
    fn default() -> Self {
        RaftSettings {
            election_timeout_ms: ELECTION_TIMEOUT_MS,
            heartbeat_ms: HEARTBEAT_MS,
            leader_noop: false,
            pre_vote: false,
            check_quorum: false,
            mutations: Vec::new(),
        }
    }
}

/// The block as written: every field optional, unknown fields rejected.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRaft {
    /// Missing: the default range; `null`: manual elections.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    election_timeout_ms: Option<Option<[u64; 2]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heartbeat_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    leader_noop: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pre_vote: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    check_quorum: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mutations: Option<Vec<String>>,
}

impl RaftSettings {
    /// Reads and checks the `raft` block's JSON text (`None`: every default).
    pub fn parse(text: Option<&str>) -> Result<RaftSettings, ScenarioError> {
        let d = RaftSettings::default();
        let Some(text) = text else { return Ok(d) };
        let raw: RawRaft = parse_block("raft", text)?;
        let election_timeout_ms = match raw.election_timeout_ms {
            None => d.election_timeout_ms,
            Some(None) => None,
            Some(Some(v)) => Some(check::range(
                "raft.election_timeout_ms",
                v,
                1,
                limits::MAX_TIMER_MS,
            )?),
        };
        let heartbeat_ms = check::timer_ms(
            "raft.heartbeat_ms",
            raw.heartbeat_ms.unwrap_or(d.heartbeat_ms),
        )?;
        let names: Vec<&str> = Mutation::ALL.iter().map(|m| m.name()).collect();
        let mutations = check::mutations("raft", &raw.mutations.unwrap_or_default(), &names)?
            .into_iter()
            .filter_map(Mutation::from_name)
            .collect();
        Ok(RaftSettings {
            election_timeout_ms,
            heartbeat_ms,
            leader_noop: raw.leader_noop.unwrap_or(d.leader_noop),
            pre_vote: raw.pre_vote.unwrap_or(d.pre_vote),
            check_quorum: raw.check_quorum.unwrap_or(d.check_quorum),
            mutations,
        })
    }

    /// The block with every field written out.
    pub fn to_value(&self) -> Value {
        let raw = RawRaft {
            election_timeout_ms: Some(self.election_timeout_ms.map(|(a, b)| [a, b])),
            heartbeat_ms: Some(self.heartbeat_ms),
            leader_noop: Some(self.leader_noop),
            pre_vote: Some(self.pre_vote),
            check_quorum: Some(self.check_quorum),
            mutations: Some(
                self.mutations
                    .iter()
                    .map(|m| m.name().to_string())
                    .collect(),
            ),
        };
        serde_json::to_value(raw).expect("settings serialize")
    }

    /// The settings of a Raft scenario (its block was checked when it was read).
    pub fn of(scenario: &Scenario) -> RaftSettings {
        RaftSettings::parse(Some(&scenario.settings.to_string()))
            .expect("a scenario's settings block was checked when it was read")
    }
}

/// The spec's `settings`: checks the block and writes it back with every field.
pub(super) fn canonical(text: Option<&str>) -> Result<Value, ScenarioError> {
    RaftSettings::parse(text).map(|s| s.to_value())
}

/// The spec's `warnings`: a heartbeat at or above the election timeout.
pub(super) fn warnings(block: &Value) -> Vec<(&'static str, String)> {
    let Ok(s) = RaftSettings::parse(Some(&block.to_string())) else {
        return Vec::new();
    };
    match s.election_timeout_ms {
        Some((lo, _)) if s.heartbeat_ms >= lo => vec![(
            "heartbeat_ms",
            "At or above the election timeout: followers will time out between heartbeats \
             and call elections under a working leader."
                .to_string(),
        )],
        _ => Vec::new(),
    }
}
