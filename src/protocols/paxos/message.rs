//! Paxos's messages (§2.2's phases 1a, 1b, 2a and §2.3's acceptances sent to learners),
//! the rejection that lets a proposer retry above a higher ballot, and Multi-Paxos's
//! heartbeat and catch-up.

use std::fmt;

use serde::Serialize;

use super::ballot::{Ballot, Slot, Value, ValueTag, DECREE};
use crate::protocols::view::Label;
use crate::sim::digest::{Digest, TraceHasher};
use crate::sim::Message;

/// One accepted proposal an acceptor reports in its promise (§2.2: "the proposal with the
/// highest number less than n that it has accepted").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The slot (single-decree: [`DECREE`]).
    pub slot: Slot,
    /// The ballot it was accepted in.
    pub ballot: Ballot,
    /// The value accepted.
    pub value: Value,
}

/// What a rejection answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Refusal {
    /// A prepare request (phase 1a).
    Prepare,
    /// An accept request (phase 2a) for a slot.
    Accept { slot: Slot },
    /// A Multi-Paxos heartbeat from a leader whose ballot is stale.
    Heartbeat,
}

impl Refusal {
    /// The request's name in sentences.
    pub fn name(self) -> &'static str {
        match self {
            Refusal::Prepare => "Prepare",
            Refusal::Accept { .. } => "Accept",
            Refusal::Heartbeat => "Heartbeat",
        }
    }
}

/// A Paxos message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaxosMessage {
    /// Phase 1a: a proposer asks acceptors to promise ballot `ballot`. Multi-Paxos asks for
    /// every slot from `from` on at once (§3).
    Prepare { ballot: Ballot, from: Slot },
    /// Phase 1b: the acceptor promises never to accept a lower ballot, and reports what it
    /// has accepted (in every slot from `from` on).
    Promise {
        ballot: Ballot,
        from: Slot,
        accepted: Vec<Report>,
    },
    /// The acceptor has answered a higher ballot (`promised`), so it rejects `ballot`: the
    /// proposer learns how high it must go.
    Nack {
        ballot: Ballot,
        promised: Ballot,
        refused: Refusal,
    },
    /// Phase 2a: the proposer asks acceptors to accept `value` in `ballot`.
    Accept {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// The acceptor accepted: sent to every learner (§2.3).
    Accepted {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// Multi-Paxos: the leader is alive; it has learned every slot up to `learned_upto`.
    Heartbeat { ballot: Ballot, learned_upto: Slot },
    /// Multi-Paxos: a follower missing chosen values asks the leader for them from `from`.
    CatchUp { from: Slot },
    /// Multi-Paxos: the leader tells a follower the values chosen in slots `first…`.
    Decide { first: Slot, values: Vec<Value> },
}

/// What the trace and the page keep of a message: small and `Copy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaxosSummary {
    /// A Prepare.
    Prepare { ballot: Ballot, from: Slot },
    /// A Promise reporting `reports` accepted proposals; `highest` is the highest-numbered
    /// one (what single-decree phase 2 must propose).
    Promise {
        ballot: Ballot,
        from: Slot,
        reports: u64,
        highest: Option<(Ballot, ValueTag)>,
    },
    /// A rejection.
    Nack {
        ballot: Ballot,
        promised: Ballot,
        refused: Refusal,
    },
    /// An Accept.
    Accept {
        ballot: Ballot,
        slot: Slot,
        value: ValueTag,
    },
    /// An Accepted.
    Accepted {
        ballot: Ballot,
        slot: Slot,
        value: ValueTag,
    },
    /// A heartbeat.
    Heartbeat { ballot: Ballot, learned_upto: Slot },
    /// A catch-up request.
    CatchUp { from: Slot },
    /// Chosen values for slots `first..first+count`.
    Decide { first: Slot, count: u64 },
}

/// " for slot 3" in Multi-Paxos; nothing for the single decree.
struct InSlot(Slot);

impl fmt::Display for InSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            DECREE => Ok(()),
            s => write!(f, ", slot {s}"),
        }
    }
}

impl PaxosSummary {
    /// The short label drawn on a message in flight: "P 2.1", "A 2.1 x", "✗ 3.2"…
    pub fn label(&self) -> Label {
        match *self {
            PaxosSummary::Prepare { ballot, .. } => Label::of(format_args!("P {ballot}")),
            PaxosSummary::Promise {
                ballot,
                from: DECREE,
                highest: Some((b, v)),
                ..
            } => Label::of(format_args!("Pr {ballot}: {b} {}", v.short())),
            PaxosSummary::Promise {
                ballot,
                from,
                reports,
                ..
            } if from != DECREE && reports > 0 => {
                Label::of(format_args!("Pr {ballot}: {reports} slots"))
            }
            PaxosSummary::Promise { ballot, .. } => Label::of(format_args!("Pr {ballot}")),
            PaxosSummary::Nack { promised, .. } => Label::of(format_args!("✗ {promised}")),
            PaxosSummary::Accept {
                ballot,
                slot: DECREE,
                value,
            } => Label::of(format_args!("A {ballot} {}", value.short())),
            PaxosSummary::Accept {
                ballot,
                slot,
                value,
            } => Label::of(format_args!("A {ballot} #{slot} {}", value.short())),
            PaxosSummary::Accepted {
                ballot,
                slot: DECREE,
                value,
            } => Label::of(format_args!("✓ {ballot} {}", value.short())),
            PaxosSummary::Accepted { ballot, slot, .. } => {
                Label::of(format_args!("✓ {ballot} #{slot}"))
            }
            PaxosSummary::Heartbeat { ballot, .. } => Label::of(format_args!("HB {ballot}")),
            PaxosSummary::CatchUp { from } => Label::of(format_args!("CU {from}")),
            PaxosSummary::Decide { first, count: 1 } => Label::of(format_args!("D {first}")),
            PaxosSummary::Decide { first, count } => {
                Label::of(format_args!("D {first}–{}", first + count.max(1) - 1))
            }
        }
    }

    /// The message type's full name.
    pub fn kind_name(&self) -> &'static str {
        match self {
            PaxosSummary::Prepare { .. } => "Prepare",
            PaxosSummary::Promise { .. } => "Promise",
            PaxosSummary::Nack { .. } => "Nack",
            PaxosSummary::Accept { .. } => "Accept",
            PaxosSummary::Accepted { .. } => "Accepted",
            PaxosSummary::Heartbeat { .. } => "Heartbeat",
            PaxosSummary::CatchUp { .. } => "CatchUp",
            PaxosSummary::Decide { .. } => "Decide",
        }
    }
}

impl fmt::Display for PaxosSummary {
    /// The message in words, the one way the trace, the event list, the inspector and the
    /// tests say it: "Prepare (ballot 2.1)", "Promise (ballot 2.5, accepted "a" in ballot
    /// 1.1)", "Accept (ballot 2.1, slot 3, "x")", "Nack (Accept 1.1 rejected, promised 1.5)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PaxosSummary::Prepare {
                ballot,
                from: DECREE,
            } => write!(f, "Prepare (ballot {ballot})"),
            PaxosSummary::Prepare { ballot, from } => {
                write!(f, "Prepare (ballot {ballot}, slots from {from})")
            }
            PaxosSummary::Promise {
                ballot,
                from: DECREE,
                highest,
                ..
            } => match highest {
                Some((b, v)) => write!(f, "Promise (ballot {ballot}, accepted {v} in ballot {b})"),
                None => write!(f, "Promise (ballot {ballot}, nothing accepted)"),
            },
            PaxosSummary::Promise {
                ballot,
                from,
                reports,
                ..
            } => match reports {
                0 => write!(
                    f,
                    "Promise (ballot {ballot}, nothing accepted from slot {from})"
                ),
                1 => write!(f, "Promise (ballot {ballot}, 1 accepted slot from {from})"),
                n => write!(
                    f,
                    "Promise (ballot {ballot}, {n} accepted slots from {from})"
                ),
            },
            PaxosSummary::Nack {
                ballot,
                promised,
                refused,
            } => {
                let slot = match refused {
                    Refusal::Accept { slot } if slot != DECREE => format!(" for slot {slot}"),
                    _ => String::new(),
                };
                write!(
                    f,
                    "Nack ({} {ballot}{slot} rejected, promised {promised})",
                    refused.name()
                )
            }
            PaxosSummary::Accept {
                ballot,
                slot,
                value,
            } => write!(f, "Accept (ballot {ballot}{}, {value})", InSlot(slot)),
            PaxosSummary::Accepted {
                ballot,
                slot,
                value,
            } => write!(f, "Accepted (ballot {ballot}{}, {value})", InSlot(slot)),
            PaxosSummary::Heartbeat {
                ballot,
                learned_upto,
            } => write!(
                f,
                "Heartbeat (ballot {ballot}, learned up to slot {learned_upto})"
            ),
            PaxosSummary::CatchUp { from } => write!(f, "CatchUp (from slot {from})"),
            PaxosSummary::Decide { first, count } => match count {
                0 => write!(f, "Decide (nothing from slot {first})"),
                1 => write!(f, "Decide (slot {first})"),
                n => write!(f, "Decide (slots {first}–{})", first + n - 1),
            },
        }
    }
}

impl Digest for PaxosSummary {
    fn digest(&self, h: &mut TraceHasher) {
        match *self {
            PaxosSummary::Prepare { ballot, from } => {
                h.word(1);
                ballot.digest(h);
                h.word(from);
            }
            PaxosSummary::Promise {
                ballot,
                from,
                reports,
                highest,
            } => {
                h.word(2);
                ballot.digest(h);
                h.word(from);
                h.word(reports);
                match highest {
                    None => h.word(0),
                    Some((b, v)) => {
                        h.word(1);
                        b.digest(h);
                        v.digest(h);
                    }
                }
            }
            PaxosSummary::Nack {
                ballot,
                promised,
                refused,
            } => {
                h.word(3);
                ballot.digest(h);
                promised.digest(h);
                match refused {
                    Refusal::Prepare => h.word(0),
                    Refusal::Accept { slot } => {
                        h.word(1);
                        h.word(slot);
                    }
                    Refusal::Heartbeat => h.word(2),
                }
            }
            PaxosSummary::Accept {
                ballot,
                slot,
                value,
            }
            | PaxosSummary::Accepted {
                ballot,
                slot,
                value,
            } => {
                h.word(if matches!(self, PaxosSummary::Accept { .. }) {
                    4
                } else {
                    5
                });
                ballot.digest(h);
                h.word(slot);
                value.digest(h);
            }
            PaxosSummary::Heartbeat {
                ballot,
                learned_upto,
            } => {
                h.word(6);
                ballot.digest(h);
                h.word(learned_upto);
            }
            PaxosSummary::CatchUp { from } => {
                h.word(7);
                h.word(from);
            }
            PaxosSummary::Decide { first, count } => {
                h.word(8);
                h.word(first);
                h.word(count);
            }
        }
    }
}

impl Message for PaxosMessage {
    type Summary = PaxosSummary;

    fn summary(&self) -> PaxosSummary {
        match self {
            PaxosMessage::Prepare { ballot, from } => PaxosSummary::Prepare {
                ballot: *ballot,
                from: *from,
            },
            PaxosMessage::Promise {
                ballot,
                from,
                accepted,
            } => PaxosSummary::Promise {
                ballot: *ballot,
                from: *from,
                reports: accepted.len() as u64,
                highest: accepted
                    .iter()
                    .max_by_key(|r| r.ballot)
                    .map(|r| (r.ballot, ValueTag::of(&r.value))),
            },
            PaxosMessage::Nack {
                ballot,
                promised,
                refused,
            } => PaxosSummary::Nack {
                ballot: *ballot,
                promised: *promised,
                refused: *refused,
            },
            PaxosMessage::Accept {
                ballot,
                slot,
                value,
            } => PaxosSummary::Accept {
                ballot: *ballot,
                slot: *slot,
                value: ValueTag::of(value),
            },
            PaxosMessage::Accepted {
                ballot,
                slot,
                value,
            } => PaxosSummary::Accepted {
                ballot: *ballot,
                slot: *slot,
                value: ValueTag::of(value),
            },
            PaxosMessage::Heartbeat {
                ballot,
                learned_upto,
            } => PaxosSummary::Heartbeat {
                ballot: *ballot,
                learned_upto: *learned_upto,
            },
            PaxosMessage::CatchUp { from } => PaxosSummary::CatchUp { from: *from },
            PaxosMessage::Decide { first, values } => PaxosSummary::Decide {
                first: *first,
                count: values.len() as u64,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;

    fn a() -> Value {
        Some(Rc::from("a"))
    }

    #[test]
    fn labels_and_sentences_name_ballots_and_values() {
        let b = Ballot::new(2, 1);
        let accept = PaxosMessage::Accept {
            ballot: b,
            slot: DECREE,
            value: a(),
        }
        .summary();
        assert_eq!(accept.label().as_str(), "A 2.1 a");
        assert_eq!(accept.to_string(), "Accept (ballot 2.1, \"a\")");
        let promise = PaxosMessage::Promise {
            ballot: Ballot::new(2, 5),
            from: DECREE,
            accepted: vec![Report {
                slot: DECREE,
                ballot: Ballot::new(1, 1),
                value: a(),
            }],
        }
        .summary();
        assert_eq!(
            promise.to_string(),
            "Promise (ballot 2.5, accepted \"a\" in ballot 1.1)"
        );
        assert_eq!(promise.label().as_str(), "Pr 2.5: 1.1 a");
        let nack = PaxosMessage::Nack {
            ballot: Ballot::new(1, 1),
            promised: Ballot::new(1, 5),
            refused: Refusal::Accept { slot: 3 },
        }
        .summary();
        assert_eq!(
            nack.to_string(),
            "Nack (Accept 1.1 for slot 3 rejected, promised 1.5)"
        );
        assert_eq!(nack.label().as_str(), "✗ 1.5");
        let noop = PaxosMessage::Accept {
            ballot: b,
            slot: 2,
            value: None,
        }
        .summary();
        assert_eq!(noop.to_string(), "Accept (ballot 2.1, slot 2, a no-op)");
        assert_eq!(noop.label().as_str(), "A 2.1 #2 no-op");
    }
}
