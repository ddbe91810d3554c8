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
    /// Every server, followers too, answers reads at once from its own state machine.
    StaleReads,
    /// A leader answers reads at once, with neither ReadIndex nor a valid lease.
    LeaderReadsUnchecked,
}

impl Mutation {
    /// Every mutation, in the order the page lists them.
    pub const ALL: [Mutation; 6] = [
        Mutation::CommitOldTerms,
        Mutation::VoteIgnoresLog,
        Mutation::ForgetVote,
        Mutation::FixedTimeouts,
        Mutation::StaleReads,
        Mutation::LeaderReadsUnchecked,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Mutation::CommitOldTerms => "commit_old_terms",
            Mutation::VoteIgnoresLog => "vote_ignores_log",
            Mutation::ForgetVote => "forget_vote",
            Mutation::FixedTimeouts => "fixed_timeouts",
            Mutation::StaleReads => "stale_reads",
            Mutation::LeaderReadsUnchecked => "leader_reads_unchecked",
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
            Mutation::StaleReads => {
                "Any server, followers too, answers reads from its own state machine (thesis §6.4)."
            }
            Mutation::LeaderReadsUnchecked => {
                "A leader answers reads locally without confirming it still leads (thesis §6.4)."
            }
        }
    }
}

impl fmt::Display for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a leader serves reads (`raft.reads`, thesis §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reads {
    /// A read is an entry of the log, answered when it is applied: simple and slow.
    Log,
    /// §6.4: the leader records its commit index as the read index once an entry of its
    /// own term is committed, confirms with a round of heartbeats that a majority still
    /// follows it, and answers once it has applied up to the read index.
    #[default]
    ReadIndex,
    /// §6.4.1: while a majority acknowledged heartbeats it sent within the last minimum
    /// election timeout, the leader answers at once. Followers then refuse to vote for
    /// another candidate within that time of hearing from a leader (§4.2.3), which is
    /// what makes the lease hold.
    Lease,
}

impl Reads {
    /// The name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Reads::Log => "log",
            Reads::ReadIndex => "read_index",
            Reads::Lease => "lease",
        }
    }
}

impl fmt::Display for Reads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The whole `raft` block as the nodes use it: the consensus settings of the first
/// release and how the key-value store serves reads, which came with clients.
///
/// `reads` sits beside [`RaftSettings`] rather than in it so that code building
/// `RaftSettings` field by field keeps compiling; [`RaftConfig::reads_in_effect`] is the
/// mode the nodes run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftConfig {
    /// Elections and replication.
    pub consensus: RaftSettings,
    /// `raft.reads` as written.
    pub reads: Reads,
}

impl RaftConfig {
    /// The read mode the nodes run: a lease lasts the minimum election timeout, so with
    /// manual elections (`election_timeout_ms: null`) there is no lease to hold and
    /// `lease` falls back to `read_index` (the spec's warnings say so).
    pub fn reads_in_effect(&self) -> Reads {
        match (self.reads, self.consensus.election_timeout_ms) {
            (Reads::Lease, None) => Reads::ReadIndex,
            (r, _) => r,
        }
    }

    /// Reads and checks the `raft` block's JSON text (`None`: every default).
    pub fn parse(text: Option<&str>) -> Result<RaftConfig, ScenarioError> {
        let raw: RawRaft = match text {
            None => RawRaft::default(),
            Some(text) => parse_block("raft", text)?,
        };
        let reads = raw.reads.unwrap_or_default();
        Ok(RaftConfig {
            consensus: RaftSettings::from_raw(raw)?,
            reads,
        })
    }

    /// The block with every field written out, except `reads` at its default: so the
    /// block of every scenario written before reads existed (and of
    /// [`RaftSettings::to_value`]) stays exactly what it was.
    pub fn to_value(&self) -> Value {
        let mut v = self.consensus.to_value();
        if self.reads != Reads::default() {
            v["reads"] = Value::from(self.reads.name());
        }
        v
    }

    /// The configuration of a Raft scenario (its block was checked when it was read).
    pub fn of(scenario: &Scenario) -> RaftConfig {
        RaftConfig::parse(Some(&scenario.settings.to_string()))
            .expect("a scenario's settings block was checked when it was read")
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reads: Option<Reads>,
}

impl RaftSettings {
    /// Reads and checks the `raft` block's JSON text (`None`: every default).
    /// (`raft.reads` is checked too, and left to [`RaftConfig`].)
    pub fn parse(text: Option<&str>) -> Result<RaftSettings, ScenarioError> {
        RaftConfig::parse(text).map(|c| c.consensus)
    }

    fn from_raw(raw: RawRaft) -> Result<RaftSettings, ScenarioError> {
        let d = RaftSettings::default();
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

    /// The block with every field but `reads` written out (the block of the first
    /// release; [`RaftConfig::to_value`] writes the whole block).
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
            reads: None,
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
    RaftConfig::parse(text).map(|c| c.to_value())
}

/// The spec's `warnings`: a heartbeat at or above the election timeout, and lease reads
/// with manual elections (no lease without an election timeout).
pub(super) fn warnings(block: &Value) -> Vec<(&'static str, String)> {
    let Ok(c) = RaftConfig::parse(Some(&block.to_string())) else {
        return Vec::new();
    };
    let s = &c.consensus;
    let mut out = Vec::new();
    if let Some((lo, _)) = s.election_timeout_ms {
        if s.heartbeat_ms >= lo {
            out.push((
                "heartbeat_ms",
                "At or above the election timeout: followers will time out between heartbeats \
                 and call elections under a working leader."
                    .to_string(),
            ));
        }
    }
    if c.reads == Reads::Lease && s.election_timeout_ms.is_none() {
        // Beside the form's field that causes it: `reads` has no field of its own.
        out.push((
            "election_timeout_ms",
            "Lease reads need an election timeout (a lease lasts the shortest one): with \
             manual elections, reads use ReadIndex instead."
                .to_string(),
        ));
    }
    out
}
