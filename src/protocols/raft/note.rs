//! Raft's roles, timers and the protocol events it records in the trace.

use std::fmt;

use serde::Serialize;

use crate::sim::client::OpId;
use crate::sim::digest::{Digest, TraceHasher};
use crate::sim::NodeId;

/// A server's role (§5.1), plus pre-vote's pre-candidate (thesis §9.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Passive: answers leaders and candidates.
    Follower,
    /// Asking whether it could win an election, without raising its term.
    #[serde(rename = "precandidate")]
    PreCandidate,
    /// Campaigning for votes in a new term.
    Candidate,
    /// Handles client requests and replicates the log.
    Leader,
}

impl Role {
    /// The name used in JSON and `data-role`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "precandidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::PreCandidate => "pre-candidate",
            r => r.name(),
        })
    }
}

/// Raft's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RaftTimer {
    /// A follower or candidate starts an election when it fires.
    Election,
    /// The leader sends AppendEntries to everyone when it fires.
    Heartbeat,
    /// The leader checks it heard from a majority (check-quorum).
    CheckQuorum,
}

impl fmt::Display for RaftTimer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RaftTimer::Election => "election timer",
            RaftTimer::Heartbeat => "heartbeat timer",
            RaftTimer::CheckQuorum => "check-quorum timer",
        })
    }
}

impl Digest for RaftTimer {
    fn digest(&self, h: &mut TraceHasher) {
        h.word(*self as u64)
    }
}

/// Why a vote was denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Denial {
    /// The candidate's term is older than the voter's (§5.1).
    StaleTerm,
    /// The voter already voted for someone else this term (§5.2).
    AlreadyVoted { for_node: NodeId },
    /// The candidate's log is less up-to-date than the voter's (§5.4.1).
    LogBehind,
    /// The voter heard from a leader recently (pre-vote, thesis §9.6).
    LeaderActive,
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Denial::StaleTerm => f.write_str("its term is stale"),
            Denial::AlreadyVoted { for_node } => write!(f, "already voted for S{for_node}"),
            Denial::LogBehind => f.write_str("its log is less up-to-date"),
            Denial::LeaderActive => f.write_str("a leader is active"),
        }
    }
}

/// Why a node became a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepDown {
    /// It saw a higher term (§5.1).
    HigherTerm,
    /// It heard from the leader of its term (§5.2: a candidate steps down).
    LeaderOfTerm,
    /// Check-quorum: it did not hear from a majority within an election timeout.
    LostQuorum,
}

impl fmt::Display for StepDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StepDown::HigherTerm => "saw a higher term",
            StepDown::LeaderOfTerm => "heard from the leader of its term",
            StepDown::LostQuorum => "did not hear from a majority (check-quorum)",
        })
    }
}

/// How a read was answered (thesis §6.4), or which deliberate bug answered it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadPath {
    /// Its log entry was applied (`"reads": "log"`).
    Log,
    /// The leader confirmed its leadership with a heartbeat round (ReadIndex).
    ReadIndex,
    /// The leader held a lease.
    Lease,
    /// A leader answered without checking (`leader_reads_unchecked`).
    Unchecked,
    /// Any server answered from its own state machine (`stale_reads`).
    Local,
}

impl fmt::Display for ReadPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReadPath::Log => "once its log entry was applied",
            ReadPath::ReadIndex => "after a majority confirmed it still leads (ReadIndex)",
            ReadPath::Lease => "under its lease",
            ReadPath::Unchecked => {
                "without checking that it still leads (mutation leader_reads_unchecked)"
            }
            ReadPath::Local => "from its own state machine, unchecked (mutation stale_reads)",
        })
    }
}

/// A protocol event worth a line in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RaftNote {
    /// Changed to a new term (while staying or becoming a follower).
    NewTerm { term: u64 },
    /// Became a follower.
    BecameFollower { term: u64, why: StepDown },
    /// Timed out and asked for pre-votes for `term`.
    StartedPreVote { term: u64 },
    /// Timed out (or was told to) and started an election for `term`.
    StartedElection { term: u64 },
    /// Won the election for `term`.
    BecameLeader { term: u64 },
    /// Answered a (pre-)vote request.
    Voted {
        candidate: NodeId,
        term: u64,
        pre_vote: bool,
        denied: Option<Denial>,
    },
    /// Accepted a client request as a new entry.
    Accepted {
        index: u64,
        term: u64,
        value: Option<String>,
    },
    /// Refused a client request: not the leader.
    Refused {
        value: String,
        leader: Option<NodeId>,
    },
    /// Removed conflicting entries from `from` on (§5.3).
    Truncated { from: u64, count: u64 },
    /// Stored entries sent by the leader.
    Stored { first: u64, count: u64 },
    /// The commit index advanced to `index` (`by_leader`: the leader counted replicas;
    /// otherwise a follower learned it from the leader).
    Committed { index: u64, by_leader: bool },
    /// Entries `from..=to` were applied to the state machine, in order.
    Applied { from: u64, to: u64 },
    /// Turned a client's operation away: not the leader (§6.2: it names the leader it
    /// knows).
    Referred { op: OpId, leader: Option<NodeId> },
    /// Appended a client's operation as a new entry.
    Logged {
        op: OpId,
        index: u64,
        term: u64,
        what: String,
    },
    /// Holds a read until an entry of its own term is committed (§6.4, step 1).
    AwaitingOwnCommit { op: OpId, term: u64 },
    /// Recorded a read's read index and started a heartbeat round to confirm it leads.
    ReadIndex { op: OpId, index: u64, round: u64 },
    /// Applied a client's write and answered it.
    Written { op: OpId, index: u64 },
    /// Answered a client's read.
    Served {
        op: OpId,
        read: Option<String>,
        via: ReadPath,
    },
    /// Stepped down owing clients: the writes stay unanswered (their entries may still
    /// commit), the reads are failed (a read that was not answered changed nothing).
    Abandoned { writes: u64, reads: u64 },
}

impl fmt::Display for RaftNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RaftNote::NewTerm { term } => write!(f, "moved to term {term}"),
            RaftNote::BecameFollower { term, why } => {
                write!(f, "became follower in term {term} ({why})")
            }
            RaftNote::StartedPreVote { term } => {
                write!(f, "timed out and asked for pre-votes for term {term}")
            }
            RaftNote::StartedElection { term } => {
                write!(f, "timed out and started an election for term {term}")
            }
            RaftNote::BecameLeader { term } => write!(f, "became leader for term {term}"),
            RaftNote::Voted {
                candidate,
                term,
                pre_vote,
                denied,
            } => {
                let what = if *pre_vote { "pre-vote" } else { "vote" };
                match denied {
                    None => write!(f, "granted its {what} to S{candidate} for term {term}"),
                    Some(d) => write!(f, "denied S{candidate} its {what} for term {term}: {d}"),
                }
            }
            RaftNote::Accepted { index, term, value } => match value {
                Some(v) => write!(
                    f,
                    "accepted client request {v:?} as entry {index} (term {term})"
                ),
                None => write!(f, "appended a no-op as entry {index} (term {term})"),
            },
            RaftNote::Refused { value, leader } => match leader {
                Some(l) => write!(
                    f,
                    "refused client request {value:?}: not the leader (try S{l})"
                ),
                None => write!(
                    f,
                    "refused client request {value:?}: not the leader (leader unknown)"
                ),
            },
            RaftNote::Truncated { from, count } => {
                write!(
                    f,
                    "removed {count} conflicting entr{} from index {from}",
                    plural_y(*count)
                )
            }
            RaftNote::Stored { first, count: 1 } => write!(f, "stored entry {first}"),
            RaftNote::Stored { first, count } => {
                write!(f, "stored entries {first}–{}", first + count - 1)
            }
            RaftNote::Committed { index, .. } => write!(f, "committed up to index {index}"),
            RaftNote::Applied { from, to } if from == to => write!(f, "applied entry {from}"),
            RaftNote::Applied { from, to } => write!(f, "applied entries {from}–{to}"),
            RaftNote::Referred { op, leader } => match leader {
                Some(l) => write!(f, "turned op {op} away: not the leader (try S{l})"),
                None => write!(f, "turned op {op} away: not the leader (leader unknown)"),
            },
            RaftNote::Logged {
                op,
                index,
                term,
                what,
            } => write!(f, "appended op {op} ({what}) as entry {index} (term {term})"),
            RaftNote::AwaitingOwnCommit { op, term } => write!(
                f,
                "holds read op {op} until an entry of its term {term} is committed"
            ),
            RaftNote::ReadIndex { op, index, round } => write!(
                f,
                "read op {op}: read index {index}, confirming leadership with heartbeat round {round}"
            ),
            RaftNote::Written { op, index } => {
                write!(f, "applied op {op}'s write (entry {index}) and answered ok")
            }
            RaftNote::Served { op, read, via } => match read {
                Some(v) => write!(f, "answered read op {op} with {v:?} {via}"),
                None => write!(f, "answered read op {op} with nothing (never written) {via}"),
            },
            RaftNote::Abandoned { writes, reads } => write!(
                f,
                "stepped down owing {writes} write{} (left unanswered: they may still commit) \
                 and {reads} read{} (failed)",
                if *writes == 1 { "" } else { "s" },
                if *reads == 1 { "" } else { "s" }
            ),
        }
    }
}

fn plural_y(n: u64) -> &'static str {
    if n == 1 {
        "y"
    } else {
        "ies"
    }
}

impl Digest for RaftNote {
    fn digest(&self, h: &mut TraceHasher) {
        match self {
            RaftNote::NewTerm { term } => [1, *term].iter().for_each(|w| h.word(*w)),
            RaftNote::BecameFollower { term, why } => {
                [2, *term, *why as u64].iter().for_each(|w| h.word(*w))
            }
            RaftNote::StartedPreVote { term } => [3, *term].iter().for_each(|w| h.word(*w)),
            RaftNote::StartedElection { term } => [4, *term].iter().for_each(|w| h.word(*w)),
            RaftNote::BecameLeader { term } => [5, *term].iter().for_each(|w| h.word(*w)),
            RaftNote::Voted {
                candidate,
                term,
                pre_vote,
                denied,
            } => {
                let d = match denied {
                    None => 0,
                    Some(Denial::StaleTerm) => 1,
                    Some(Denial::AlreadyVoted { for_node }) => 100 + *for_node as u64,
                    Some(Denial::LogBehind) => 2,
                    Some(Denial::LeaderActive) => 3,
                };
                [6, *candidate as u64, *term, *pre_vote as u64, d]
                    .iter()
                    .for_each(|w| h.word(*w))
            }
            RaftNote::Accepted { index, term, value } => {
                [7, *index, *term].iter().for_each(|w| h.word(*w));
                value.digest(h);
            }
            RaftNote::Refused { value, leader } => {
                h.word(8);
                value.digest(h);
                leader.digest(h);
            }
            RaftNote::Truncated { from, count } => {
                [9, *from, *count].iter().for_each(|w| h.word(*w))
            }
            RaftNote::Stored { first, count } => {
                [10, *first, *count].iter().for_each(|w| h.word(*w))
            }
            RaftNote::Committed { index, by_leader } => [11, *index, *by_leader as u64]
                .iter()
                .for_each(|w| h.word(*w)),
            RaftNote::Applied { from, to } => [12, *from, *to].iter().for_each(|w| h.word(*w)),
            RaftNote::Referred { op, leader } => {
                [13, *op as u64].iter().for_each(|w| h.word(*w));
                leader.digest(h);
            }
            RaftNote::Logged {
                op,
                index,
                term,
                what,
            } => {
                [14, *op as u64, *index, *term]
                    .iter()
                    .for_each(|w| h.word(*w));
                h.str(what);
            }
            RaftNote::AwaitingOwnCommit { op, term } => {
                [15, *op as u64, *term].iter().for_each(|w| h.word(*w))
            }
            RaftNote::ReadIndex { op, index, round } => [16, *op as u64, *index, *round]
                .iter()
                .for_each(|w| h.word(*w)),
            RaftNote::Written { op, index } => {
                [17, *op as u64, *index].iter().for_each(|w| h.word(*w))
            }
            RaftNote::Served { op, read, via } => {
                [18, *op as u64, *via as u64]
                    .iter()
                    .for_each(|w| h.word(*w));
                read.digest(h);
            }
            RaftNote::Abandoned { writes, reads } => {
                [19, *writes, *reads].iter().for_each(|w| h.word(*w))
            }
        }
    }
}
