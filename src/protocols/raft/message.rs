//! Raft's RPCs (Figure 2), with pre-vote's variant of RequestVote (thesis §9.6).

use std::fmt;

use serde::Serialize;

use super::log::Entry;
use crate::protocols::view::Label;
use crate::sim::digest::{Digest, TraceHasher};
use crate::sim::{Message, NodeId};

/// RequestVote: a candidate (or, with `pre_vote`, a pre-candidate) asks for a vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestVote {
    /// The candidate's term (for a pre-vote: the term it would campaign in).
    pub term: u64,
    /// Who asks.
    pub candidate_id: NodeId,
    /// Index of the candidate's last log entry (§5.4.1).
    pub last_log_index: u64,
    /// Term of the candidate's last log entry (§5.4.1).
    pub last_log_term: u64,
    /// True for a pre-vote: nobody changes term or records a vote.
    pub pre_vote: bool,
}

/// The answer to a RequestVote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestVoteReply {
    /// The voter's term (for a granted pre-vote: the term asked about).
    pub term: u64,
    /// True if the vote is granted.
    pub vote_granted: bool,
    /// True when answering a pre-vote.
    pub pre_vote: bool,
}

/// AppendEntries: the leader replicates entries and, with none, sends a heartbeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendEntries {
    /// The leader's term.
    pub term: u64,
    /// So followers can redirect clients.
    pub leader_id: NodeId,
    /// Index of the entry just before the new ones.
    pub prev_log_index: u64,
    /// Term of that entry (the consistency check, §5.3).
    pub prev_log_term: u64,
    /// Entries to store (empty for a heartbeat).
    pub entries: Vec<Entry>,
    /// The leader's commit index.
    pub leader_commit: u64,
    /// The leader's latest heartbeat round (thesis §6.4: ReadIndex and leases count who
    /// acknowledged a round). Not part of the trace's summary.
    pub round: u64,
}

/// The answer to an AppendEntries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendEntriesReply {
    /// The follower's term.
    pub term: u64,
    /// True if the follower's log matched at `prev_log_index` and it stored the entries.
    pub success: bool,
    /// On success: the index of the last entry the follower now holds from this request.
    pub match_index: u64,
    /// On failure: where the leader should try next (the conflict-term shortcut): the
    /// first index of the conflicting term, or the follower's log length + 1.
    pub conflict_index: u64,
    /// On failure: the term of the follower's conflicting entry, if it had one there.
    pub conflict_term: Option<u64>,
    /// The round of the AppendEntries it answers, echoed.
    pub round: u64,
}

/// A Raft message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RaftMessage {
    /// A vote request.
    RequestVote(RequestVote),
    /// A vote reply.
    RequestVoteReply(RequestVoteReply),
    /// Replication or heartbeat.
    AppendEntries(AppendEntries),
    /// Replication reply.
    AppendEntriesReply(AppendEntriesReply),
}

impl RaftMessage {
    /// The term the message carries.
    pub fn term(&self) -> u64 {
        match self {
            RaftMessage::RequestVote(m) => m.term,
            RaftMessage::RequestVoteReply(m) => m.term,
            RaftMessage::AppendEntries(m) => m.term,
            RaftMessage::AppendEntriesReply(m) => m.term,
        }
    }
}

/// What the trace and the page keep of a message: small and `Copy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RaftSummary {
    /// A RequestVote (or pre-vote request).
    RequestVote {
        term: u64,
        pre_vote: bool,
        last_log_index: u64,
        last_log_term: u64,
    },
    /// A vote reply.
    Vote {
        term: u64,
        granted: bool,
        pre_vote: bool,
    },
    /// An AppendEntries carrying entries `first..first+count` (none: a heartbeat).
    AppendEntries {
        term: u64,
        prev_log_index: u64,
        prev_log_term: u64,
        first: u64,
        count: u64,
        leader_commit: u64,
    },
    /// An AppendEntries reply.
    AppendReply {
        term: u64,
        success: bool,
        match_index: u64,
        conflict_index: u64,
    },
}

impl RaftSummary {
    /// The short label drawn on a message in flight: "RV t3", "AE 4–5", "HB t3"…
    pub fn label(&self) -> Label {
        match *self {
            RaftSummary::RequestVote {
                term,
                pre_vote: false,
                ..
            } => Label::of(format_args!("RV t{term}")),
            RaftSummary::RequestVote {
                term,
                pre_vote: true,
                ..
            } => Label::of(format_args!("PV t{term}")),
            RaftSummary::Vote {
                granted, pre_vote, ..
            } => {
                let kind = if pre_vote { "pre-vote" } else { "vote" };
                Label::of(format_args!("{kind} {}", if granted { "✓" } else { "✗" }))
            }
            RaftSummary::AppendEntries { count: 0, term, .. } => {
                Label::of(format_args!("HB t{term}"))
            }
            RaftSummary::AppendEntries {
                first, count: 1, ..
            } => Label::of(format_args!("AE {first}")),
            RaftSummary::AppendEntries { first, count, .. } => {
                Label::of(format_args!("AE {first}–{}", first + count - 1))
            }
            RaftSummary::AppendReply {
                success: true,
                match_index,
                ..
            } => Label::of(format_args!("ok {match_index}")),
            RaftSummary::AppendReply { success: false, .. } => Label::of("reject"),
        }
    }

    /// The message type's full name.
    pub fn kind_name(&self) -> &'static str {
        match self {
            RaftSummary::RequestVote {
                pre_vote: false, ..
            } => "RequestVote",
            RaftSummary::RequestVote { pre_vote: true, .. } => "PreVote",
            RaftSummary::Vote {
                pre_vote: false, ..
            } => "RequestVote reply",
            RaftSummary::Vote { pre_vote: true, .. } => "PreVote reply",
            RaftSummary::AppendEntries { count: 0, .. } => "AppendEntries (heartbeat)",
            RaftSummary::AppendEntries { .. } => "AppendEntries",
            RaftSummary::AppendReply { .. } => "AppendEntries reply",
        }
    }
}

impl fmt::Display for RaftSummary {
    /// The message in words, the one way the trace, the event list, the inspector and
    /// the tests say it: "RequestVote (term 2, last log entry 4 of term 1)",
    /// "AppendEntries heartbeat (term 3, commit 4)", "AppendEntries (term 3, entries 4–5)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RaftSummary::RequestVote {
                term,
                last_log_index,
                last_log_term,
                ..
            } => write!(
                f,
                "{} (term {term}, last log entry {last_log_index} of term {last_log_term})",
                self.kind_name()
            ),
            RaftSummary::Vote { term, granted, .. } => write!(
                f,
                "{} (term {term}, {})",
                self.kind_name(),
                if granted { "granted" } else { "denied" }
            ),
            RaftSummary::AppendEntries {
                term,
                count: 0,
                leader_commit,
                ..
            } => write!(
                f,
                "AppendEntries heartbeat (term {term}, commit {leader_commit})"
            ),
            RaftSummary::AppendEntries {
                term, first, count, ..
            } => {
                let last = first + count - 1;
                if count == 1 {
                    write!(f, "AppendEntries (term {term}, entry {first})")
                } else {
                    write!(f, "AppendEntries (term {term}, entries {first}–{last})")
                }
            }
            RaftSummary::AppendReply {
                term,
                success: true,
                match_index,
                ..
            } => {
                write!(
                    f,
                    "AppendEntries reply (term {term}, success, match {match_index})"
                )
            }
            RaftSummary::AppendReply {
                term,
                success: false,
                conflict_index,
                ..
            } => write!(
                f,
                "AppendEntries reply (term {term}, rejected, retry from {conflict_index})"
            ),
        }
    }
}

impl Digest for RaftSummary {
    fn digest(&self, h: &mut TraceHasher) {
        match *self {
            RaftSummary::RequestVote {
                term,
                pre_vote,
                last_log_index,
                last_log_term,
            } => {
                for w in [1, term, pre_vote as u64, last_log_index, last_log_term] {
                    h.word(w);
                }
            }
            RaftSummary::Vote {
                term,
                granted,
                pre_vote,
            } => {
                for w in [2, term, granted as u64, pre_vote as u64] {
                    h.word(w);
                }
            }
            RaftSummary::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                first,
                count,
                leader_commit,
            } => {
                for w in [
                    3,
                    term,
                    prev_log_index,
                    prev_log_term,
                    first,
                    count,
                    leader_commit,
                ] {
                    h.word(w);
                }
            }
            RaftSummary::AppendReply {
                term,
                success,
                match_index,
                conflict_index,
            } => {
                for w in [4, term, success as u64, match_index, conflict_index] {
                    h.word(w);
                }
            }
        }
    }
}

impl Message for RaftMessage {
    type Summary = RaftSummary;

    fn summary(&self) -> RaftSummary {
        match self {
            RaftMessage::RequestVote(m) => RaftSummary::RequestVote {
                term: m.term,
                pre_vote: m.pre_vote,
                last_log_index: m.last_log_index,
                last_log_term: m.last_log_term,
            },
            RaftMessage::RequestVoteReply(m) => RaftSummary::Vote {
                term: m.term,
                granted: m.vote_granted,
                pre_vote: m.pre_vote,
            },
            RaftMessage::AppendEntries(m) => RaftSummary::AppendEntries {
                term: m.term,
                prev_log_index: m.prev_log_index,
                prev_log_term: m.prev_log_term,
                first: m.prev_log_index + 1,
                count: m.entries.len() as u64,
                leader_commit: m.leader_commit,
            },
            RaftMessage::AppendEntriesReply(m) => RaftSummary::AppendReply {
                term: m.term,
                success: m.success,
                match_index: m.match_index,
                conflict_index: m.conflict_index,
            },
        }
    }
}
