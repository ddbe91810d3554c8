//! Paxos's proposer phases, timers and the protocol events it records in the trace.

use std::fmt;

use serde::Serialize;

use super::ballot::{value_text, Ballot, Slot, Value, DECREE};
use crate::sim::digest::{Digest, TraceHasher};
use crate::sim::{NodeId, Time};

/// Where a node's proposer is (§2.2). In Multi-Paxos the phases are roles: a follower is
/// idle, a candidate runs phase 1 for every slot at once, and the leader stays in phase 2
/// and runs one phase 2 per command (§3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Not proposing (Multi-Paxos: following a leader).
    Idle,
    /// Phase 1: waiting for a majority of promises.
    One,
    /// Phase 2: waiting for a majority to accept (Multi-Paxos: leading).
    Two,
}

impl Phase {
    /// The name used in JSON and `data-role`: single-decree `idle`, `phase1`, `phase2`;
    /// Multi-Paxos `follower`, `candidate`, `leader`.
    pub fn name(self, multi: bool) -> &'static str {
        match (self, multi) {
            (Phase::Idle, false) => "idle",
            (Phase::One, false) => "phase1",
            (Phase::Two, false) => "phase2",
            (Phase::Idle, true) => "follower",
            (Phase::One, true) => "candidate",
            (Phase::Two, true) => "leader",
        }
    }

    /// In words, for people.
    pub fn words(self, multi: bool) -> &'static str {
        match (self, multi) {
            (Phase::Idle, false) => "not proposing",
            (Phase::One, false) => "phase 1 (prepare)",
            (Phase::Two, false) => "phase 2 (accept)",
            (Phase::Idle, true) => "follower",
            (Phase::One, true) => "candidate (phase 1)",
            (Phase::Two, true) => "leader (phase 2)",
        }
    }
}

/// Paxos's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaxosTimer {
    /// A proposer whose round failed (or got no majority in time) starts a higher one; a
    /// Multi-Paxos follower that heard no heartbeat for this long tries to lead.
    Retry,
    /// The Multi-Paxos leader's heartbeat (and resend of unacknowledged accepts).
    Heartbeat,
}

impl fmt::Display for PaxosTimer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PaxosTimer::Retry => "retry timer",
            PaxosTimer::Heartbeat => "heartbeat timer",
        })
    }
}

impl Digest for PaxosTimer {
    fn digest(&self, h: &mut TraceHasher) {
        h.word(*self as u64)
    }
}

/// Why a proposer started a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Why {
    /// A client asked it to propose `value` (single decree).
    Request { value: Value },
    /// The user (or script) told it to.
    Timeout,
    /// Its last round, `failed`, was rejected or got no majority in time.
    Retry { failed: Option<Ballot> },
    /// Multi-Paxos: it heard from no leader for a retry delay.
    LeaderSilent,
}

/// Where the value a proposer sends in phase 2 comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Source {
    /// Its client's value: no promise reported an accepted one.
    Own,
    /// The highest-numbered proposal the promises reported, accepted in `ballot` (P2c).
    Adopted { ballot: Ballot },
    /// Its own value although a promise reported `value` accepted in `ballot` (the
    /// `ignore_accepted_value` mutation).
    Ignored { ballot: Ballot, value: Value },
    /// A client's command, in the next free slot (Multi-Paxos).
    Client,
    /// Nothing was reported for this slot: a no-op fills the gap (Multi-Paxos, §3).
    NoOp,
}

/// A protocol event worth a line in the trace. A value is a string in JSON, `null` for a
/// no-op; sentences quote it (`"a"`) or say `a no-op`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaxosNote {
    /// Started phase 1 with a new ballot.
    StartedRound {
        ballot: Ballot,
        why: Why,
        multi: bool,
    },
    /// Promised `ballot` to `to`, reporting `reported` accepted proposals (single decree:
    /// `highest` is the one).
    Promised {
        ballot: Ballot,
        to: NodeId,
        reported: u64,
        highest: Option<(Ballot, Value)>,
    },
    /// Rejected a request of `from` for `ballot`: it had promised `promised`.
    Rejected {
        what: &'static str,
        ballot: Ballot,
        from: NodeId,
        promised: Ballot,
    },
    /// A majority promised `ballot` (Multi-Paxos: the node leads).
    Won { ballot: Ballot, multi: bool },
    /// Phase 1 won, but neither a client nor a promise gave a value to propose.
    NothingToPropose { ballot: Ballot },
    /// Phase 2: proposing `value` in `slot`.
    Proposing {
        ballot: Ballot,
        slot: Slot,
        value: Value,
        source: Source,
    },
    /// The acceptor accepted `value` in `ballot` (with `below`: below its promise, the
    /// `accept_below_promise` mutation).
    Accepted {
        ballot: Ballot,
        slot: Slot,
        value: Value,
        below: Option<Ballot>,
    },
    /// The learner learned that `value` is chosen in `slot` (from a majority's Accepted in
    /// `ballot`, or from the leader's Decide when `ballot` is `None`).
    Learned {
        slot: Slot,
        ballot: Option<Ballot>,
        value: Value,
        /// True when the ballot was this node's own (its proposal succeeded).
        own: bool,
    },
    /// A higher ballot ended this node's round (or leadership); it retries after
    /// `retry_in` ms, or not at all (Multi-Paxos: it waits that long for a leader).
    Preempted {
        ballot: Ballot,
        by: Ballot,
        leader: bool,
        multi: bool,
        retry_in: Option<Time>,
    },
    /// Multi-Paxos: follows a leader it heard from.
    Follows { leader: NodeId, ballot: Ballot },
    /// Multi-Paxos: refused a client request: not the leader.
    Refused {
        value: Value,
        leader: Option<NodeId>,
    },
    /// Restarted having lost its promise and accepted values (the `forget_promise`
    /// mutation).
    Forgot,
}

impl fmt::Display for PaxosNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaxosNote::StartedRound { ballot, why, multi } => {
                let aim = if *multi { " to become leader" } else { "" };
                match why {
                    Why::Request { value } => write!(
                        f,
                        "received client request {} and started phase 1 with ballot {ballot}",
                        value_text(value)
                    ),
                    Why::Timeout => {
                        write!(f, "timed out and started phase 1 with ballot {ballot}{aim}")
                    }
                    Why::Retry { failed: Some(b) } => write!(
                        f,
                        "retried: ballot {b} failed, started phase 1 with ballot {ballot}{aim}"
                    ),
                    Why::Retry { failed: None } => {
                        write!(f, "retried with ballot {ballot}{aim}")
                    }
                    Why::LeaderSilent => write!(
                        f,
                        "heard from no leader and started phase 1 with ballot {ballot}{aim}"
                    ),
                }
            }
            PaxosNote::Promised {
                ballot,
                to,
                reported,
                highest,
            } => {
                write!(f, "promised ballot {ballot} to S{to} ")?;
                match (highest, reported) {
                    (_, 0) => f.write_str("(nothing accepted)"),
                    (Some((b, v)), 1) => {
                        write!(f, "(had accepted {} in ballot {b})", value_text(v))
                    }
                    (_, n) => write!(f, "(reporting {n} accepted slots)"),
                }
            }
            PaxosNote::Rejected {
                what,
                ballot,
                from,
                promised,
            } => write!(
                f,
                "rejected {what} {ballot} from S{from}: it promised ballot {promised}"
            ),
            PaxosNote::Won {
                ballot,
                multi: false,
            } => {
                write!(f, "won phase 1 of ballot {ballot}: a majority promised")
            }
            PaxosNote::Won {
                ballot,
                multi: true,
            } => write!(
                f,
                "became leader with ballot {ballot}: a majority promised for every slot"
            ),
            PaxosNote::NothingToPropose { ballot } => write!(
                f,
                "won phase 1 of ballot {ballot} but has no value to propose"
            ),
            PaxosNote::Proposing {
                ballot,
                slot,
                value,
                source,
            } => {
                let (value, slot) = (value_text(value), for_slot(*slot));
                match source {
                    Source::Own => write!(
                        f,
                        "proposes its own value {value}{slot} in ballot {ballot}: no promise \
                         reported an accepted value"
                    ),
                    Source::Adopted { ballot: from } => write!(
                        f,
                        "proposes {value}{slot} in ballot {ballot}: the highest-numbered \
                         proposal reported, accepted in ballot {from} (P2c)"
                    ),
                    Source::Ignored {
                        ballot: from,
                        value: theirs,
                    } => write!(
                        f,
                        "proposes its own value {value}{slot} in ballot {ballot}, ignoring \
                         {} accepted in ballot {from} (mutation ignore_accepted_value)",
                        value_text(theirs)
                    ),
                    Source::Client => {
                        write!(f, "put client request {value}{slot} in ballot {ballot}")
                    }
                    Source::NoOp => write!(
                        f,
                        "proposes a no-op{slot} in ballot {ballot}: no promise reported a value \
                         there"
                    ),
                }
            }
            PaxosNote::Accepted {
                ballot,
                slot,
                value,
                below,
            } => {
                let (value, slot) = (value_text(value), for_slot(*slot));
                write!(f, "accepted {value}{slot} in ballot {ballot}")?;
                match below {
                    Some(p) => write!(
                        f,
                        " although it promised ballot {p} (mutation accept_below_promise)"
                    ),
                    None => Ok(()),
                }
            }
            PaxosNote::Learned {
                slot,
                ballot,
                value,
                ..
            } => {
                let value = value_text(value);
                match *slot {
                    DECREE => write!(f, "learned that {value} is chosen")?,
                    s => write!(f, "learned that slot {s} is {value}")?,
                }
                match ballot {
                    Some(b) => write!(f, " (a majority accepted it in ballot {b})"),
                    None => f.write_str(" (told by the leader)"),
                }
            }
            PaxosNote::Preempted {
                ballot,
                by,
                leader,
                multi,
                retry_in,
            } => {
                if *leader {
                    write!(
                        f,
                        "stepped down as leader of ballot {ballot}: saw ballot {by}"
                    )?;
                } else {
                    write!(
                        f,
                        "abandoned ballot {ballot}: an acceptor promised ballot {by}"
                    )?;
                }
                match (retry_in, multi) {
                    (Some(ms), false) => write!(f, "; retrying in {ms} ms"),
                    (Some(ms), true) => {
                        write!(f, "; it tries to lead if it hears no leader for {ms} ms")
                    }
                    (None, _) => Ok(()),
                }
            }
            PaxosNote::Follows { leader, ballot } => {
                write!(f, "follows leader S{leader} (ballot {ballot})")
            }
            PaxosNote::Refused { value, leader } => {
                let value = value_text(value);
                match leader {
                    Some(l) => write!(
                        f,
                        "refused client request {value}: not the leader (try S{l})"
                    ),
                    None => write!(
                        f,
                        "refused client request {value}: not the leader (leader unknown)"
                    ),
                }
            }
            PaxosNote::Forgot => f.write_str(
                "restarted without its promise or accepted values (mutation forget_promise)",
            ),
        }
    }
}

/// " for slot 3" in Multi-Paxos; nothing for the single decree.
fn for_slot(slot: Slot) -> String {
    match slot {
        DECREE => String::new(),
        s => format!(" for slot {s}"),
    }
}

/// A value into the hash: whether it is a no-op, then its text.
fn digest_value(v: &Value, h: &mut TraceHasher) {
    match v {
        None => h.word(0),
        Some(s) => {
            h.word(1);
            h.str(s);
        }
    }
}

fn digest_why(why: &Why, h: &mut TraceHasher) {
    match why {
        Why::Request { value } => {
            h.word(1);
            digest_value(value, h);
        }
        Why::Timeout => h.word(2),
        Why::Retry { failed } => {
            h.word(3);
            failed.digest(h);
        }
        Why::LeaderSilent => h.word(4),
    }
}

fn digest_source(source: &Source, h: &mut TraceHasher) {
    match source {
        Source::Own => h.word(1),
        Source::Adopted { ballot } => {
            h.word(2);
            ballot.digest(h);
        }
        Source::Ignored { ballot, value } => {
            h.word(3);
            ballot.digest(h);
            digest_value(value, h);
        }
        Source::Client => h.word(4),
        Source::NoOp => h.word(5),
    }
}

impl Digest for PaxosNote {
    fn digest(&self, h: &mut TraceHasher) {
        match self {
            PaxosNote::StartedRound { ballot, why, multi } => {
                h.word(1);
                ballot.digest(h);
                digest_why(why, h);
                multi.digest(h);
            }
            PaxosNote::Promised {
                ballot,
                to,
                reported,
                highest,
            } => {
                h.word(2);
                ballot.digest(h);
                to.digest(h);
                h.word(*reported);
                if let Some((b, v)) = highest {
                    b.digest(h);
                    digest_value(v, h);
                }
            }
            PaxosNote::Rejected {
                what,
                ballot,
                from,
                promised,
            } => {
                h.word(3);
                h.str(what);
                ballot.digest(h);
                from.digest(h);
                promised.digest(h);
            }
            PaxosNote::Won { ballot, multi } => {
                h.word(4);
                ballot.digest(h);
                multi.digest(h);
            }
            PaxosNote::NothingToPropose { ballot } => {
                h.word(5);
                ballot.digest(h);
            }
            PaxosNote::Proposing {
                ballot,
                slot,
                value,
                source,
            } => {
                h.word(6);
                ballot.digest(h);
                h.word(*slot);
                digest_value(value, h);
                digest_source(source, h);
            }
            PaxosNote::Accepted {
                ballot,
                slot,
                value,
                below,
            } => {
                h.word(7);
                ballot.digest(h);
                h.word(*slot);
                digest_value(value, h);
                below.digest(h);
            }
            PaxosNote::Learned {
                slot,
                ballot,
                value,
                own,
            } => {
                h.word(8);
                h.word(*slot);
                ballot.digest(h);
                digest_value(value, h);
                own.digest(h);
            }
            PaxosNote::Preempted {
                ballot,
                by,
                leader,
                multi,
                retry_in,
            } => {
                h.word(9);
                ballot.digest(h);
                by.digest(h);
                leader.digest(h);
                multi.digest(h);
                retry_in.digest(h);
            }
            PaxosNote::Follows { leader, ballot } => {
                h.word(10);
                leader.digest(h);
                ballot.digest(h);
            }
            PaxosNote::Refused { value, leader } => {
                h.word(11);
                digest_value(value, h);
                leader.digest(h);
            }
            PaxosNote::Forgot => h.word(12),
        }
    }
}
