//! The trace: every event of a run, hashed in order, with a bounded window of recent
//! records kept for the page and the CLI.

use std::collections::VecDeque;
use std::fmt;

use serde_json::{json, Value};

use super::action::Action;
use super::client::ClientEvent;
#[cfg(not(target_arch = "wasm32"))]
use super::clocks::Happening;
use super::digest::{Digest, TraceHasher};
use super::protocol::{MarkKind, Message, Node};
use super::{MessageId, NodeId, Time};

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossReason {
    /// Lost in transit by the network's `loss` probability.
    Network,
    /// The link from sender to receiver was cut when the message was due.
    LinkCut,
    /// The receiver was crashed when the message was due.
    ReceiverDown,
    /// The user (or script) dropped it.
    Dropped,
}

impl LossReason {
    /// A short name for JSON and filters.
    pub fn name(self) -> &'static str {
        match self {
            LossReason::Network => "network",
            LossReason::LinkCut => "link_cut",
            LossReason::ReceiverDown => "receiver_down",
            LossReason::Dropped => "dropped",
        }
    }

    /// Words for the event list ("lost: link cut").
    pub fn words(self) -> &'static str {
        match self {
            LossReason::Network => "lost in the network",
            LossReason::LinkCut => "link cut",
            LossReason::ReceiverDown => "receiver is down",
            LossReason::Dropped => "dropped by the user",
        }
    }
}

/// The summary type of node type `N`'s messages.
pub type Summary<N> = <<N as Node>::Message as Message>::Summary;

/// One thing that happened.
#[derive(Clone, Debug)]
pub enum Event<N: Node> {
    /// A user or script action took effect.
    Action(Action),
    /// An action could not apply at that moment; nothing changed.
    Refused { action: Action, reason: String },
    /// A node sent a message.
    Sent {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        msg: Summary<N>,
    },
    /// The network duplicated message `of` as message `id`.
    Duplicated {
        id: MessageId,
        of: MessageId,
        from: NodeId,
        to: NodeId,
        msg: Summary<N>,
    },
    /// A message reached its receiver.
    Delivered {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        msg: Summary<N>,
    },
    /// A message never arrived. `progress` is how far along its link it was (0 to 1),
    /// for drawing it fade out where it died; it follows from the rest, so it is not hashed.
    Lost {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        msg: Summary<N>,
        reason: LossReason,
        progress: f32,
    },
    /// A node's timer fired.
    Timer { node: NodeId, timer: N::Timer },
    /// A protocol event at a node.
    Note { node: NodeId, note: N::Note },
    /// The first violation of an invariant.
    Violation {
        invariant: &'static str,
        detail: String,
    },
    /// Something happened to a client's operation.
    Client(ClientEvent),
}

impl<N: Node> Event<N> {
    /// A short kind name, for JSON and for filtering the event list.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Action(_) => "action",
            Event::Refused { .. } => "refused",
            Event::Sent { .. } => "sent",
            Event::Duplicated { .. } => "duplicated",
            Event::Delivered { .. } => "delivered",
            Event::Lost { .. } => "lost",
            Event::Timer { .. } => "timer",
            Event::Note { .. } => "note",
            Event::Violation { .. } => "violation",
            Event::Client(_) => "client",
        }
    }

    /// True for the events that tell the story (actions, refusals, losses, protocol
    /// notes, violations), false for routine traffic: sends, duplicates, deliveries and
    /// timers.
    pub fn is_story(&self) -> bool {
        !matches!(
            self,
            Event::Sent { .. }
                | Event::Duplicated { .. }
                | Event::Delivered { .. }
                | Event::Timer { .. }
        )
    }

    /// The node the event is about, if one.
    pub fn node(&self) -> Option<NodeId> {
        match self {
            Event::Sent { from, .. } | Event::Duplicated { from, .. } => Some(*from),
            Event::Delivered { to, .. } | Event::Lost { to, .. } => Some(*to),
            Event::Timer { node, .. } | Event::Note { node, .. } => Some(*node),
            Event::Action(a) | Event::Refused { action: a, .. } => a.node_ids().first().copied(),
            Event::Violation { .. } => None,
            Event::Client(c) => c.node(),
        }
    }

    /// What the event means for the nodes' logical clocks (see [`super::clocks`]): the
    /// one place a trace event is read as a plain fact. The CLI's alone, so the page's
    /// download does not carry a copy per protocol.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn happening(&self) -> Option<Happening> {
        match self {
            Event::Sent { id, from, .. } => Some(Happening::Send {
                node: *from,
                message: *id,
            }),
            Event::Duplicated { id, of, .. } => Some(Happening::Copy {
                message: *id,
                of: *of,
            }),
            Event::Delivered { id, to, .. } => Some(Happening::Deliver {
                node: *to,
                message: *id,
            }),
            Event::Lost { id, .. } => Some(Happening::Lose { message: *id }),
            Event::Timer { node, .. } => Some(Happening::Local { node: *node }),
            Event::Action(Action::Crash { node } | Action::Restart { node }) => {
                Some(Happening::Local { node: *node })
            }
            Event::Action(Action::Command(c)) => Some(Happening::Local { node: c.node }),
            Event::Note { node, .. } => Some(Happening::During { node: *node }),
            // Network and client actions, refusals, violations and client events happen
            // at no node (a `deliver` action's delivery is its own record).
            Event::Action(_)
            | Event::Refused { .. }
            | Event::Violation { .. }
            | Event::Client(_) => None,
        }
    }

    /// A number per kind, for the hash (cheaper than hashing the name).
    fn kind_code(&self) -> u64 {
        match self {
            Event::Action(_) => 1,
            Event::Refused { .. } => 2,
            Event::Sent { .. } => 3,
            Event::Duplicated { .. } => 4,
            Event::Delivered { .. } => 5,
            Event::Lost { .. } => 6,
            Event::Timer { .. } => 7,
            Event::Note { .. } => 8,
            Event::Violation { .. } => 9,
            Event::Client(_) => 10,
        }
    }

    fn digest_into(&self, h: &mut TraceHasher) {
        h.word(self.kind_code());
        match self {
            Event::Action(a) => a.digest(h),
            Event::Refused { action, reason } => {
                action.digest(h);
                reason.digest(h);
            }
            Event::Sent { id, from, to, msg } | Event::Delivered { id, from, to, msg } => {
                id.digest(h);
                from.digest(h);
                to.digest(h);
                msg.digest(h);
            }
            Event::Duplicated { id, of, .. } => {
                id.digest(h);
                of.digest(h);
            }
            Event::Lost { id, reason, .. } => {
                id.digest(h);
                h.word(*reason as u64);
            }
            Event::Timer { node, timer } => {
                node.digest(h);
                timer.digest(h);
            }
            Event::Note { node, note } => {
                node.digest(h);
                note.digest(h);
            }
            Event::Violation { invariant, detail } => {
                h.str(invariant);
                h.str(detail);
            }
            Event::Client(c) => c.digest(h),
        }
    }

    /// The event as one JSON object (for `qlab trace`), without its time and number.
    pub fn to_json(&self) -> Value {
        let kind = self.kind();
        match self {
            Event::Action(a) => json!({ "event": kind, "action": a.to_string() }),
            Event::Refused { action, reason } => {
                json!({ "event": kind, "action": action.to_string(), "reason": reason })
            }
            Event::Sent { id, from, to, msg } | Event::Delivered { id, from, to, msg } => {
                json!({ "event": kind, "id": id, "from": from, "to": to, "message": msg })
            }
            Event::Duplicated {
                id,
                of,
                from,
                to,
                msg,
            } => json!({
                "event": kind, "id": id, "of": of, "from": from, "to": to, "message": msg
            }),
            Event::Lost {
                id,
                from,
                to,
                msg,
                reason,
                ..
            } => json!({
                "event": kind, "id": id, "from": from, "to": to, "message": msg,
                "reason": reason.name()
            }),
            Event::Timer { node, timer } => json!({ "event": kind, "node": node, "timer": timer }),
            Event::Note { node, note } => json!({ "event": kind, "node": node, "note": note }),
            Event::Violation { invariant, detail } => {
                json!({ "event": kind, "invariant": invariant, "detail": detail })
            }
            Event::Client(c) => {
                let mut v = c.to_json();
                v["event"] = kind.into();
                v
            }
        }
    }
}

impl<N: Node> fmt::Display for Event<N> {
    /// One readable line: "S1 → S4 AppendEntries lost: link cut".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Action(a) => write!(f, "Action: {a}"),
            Event::Refused { action, reason } => write!(f, "Refused “{action}”: {reason}"),
            Event::Sent { from, to, msg, .. } => write!(f, "S{from} → S{to} {msg} sent"),
            Event::Duplicated {
                of, from, to, msg, ..
            } => {
                write!(
                    f,
                    "S{from} → S{to} {msg} duplicated by the network (copy of #{of})"
                )
            }
            Event::Delivered { from, to, msg, .. } => write!(f, "S{from} → S{to} {msg} delivered"),
            Event::Lost {
                from,
                to,
                msg,
                reason,
                ..
            } => {
                write!(f, "S{from} → S{to} {msg} lost: {}", reason.words())
            }
            Event::Timer { node, timer } => write!(f, "S{node}: {timer} fired"),
            Event::Note { node, note } => write!(f, "S{node} {note}"),
            Event::Violation { invariant, detail } => {
                write!(f, "Invariant {invariant} violated: {detail}")
            }
            Event::Client(c) => c.fmt(f),
        }
    }
}

/// An event with its number (from 1) and time.
#[derive(Clone, Debug)]
pub struct Record<N: Node> {
    /// 1 for the run's first event, then 2, 3, …
    pub seq: u64,
    /// Simulated time of the event.
    pub at_ms: Time,
    /// What happened.
    pub event: Event<N>,
}

impl<N: Node> Record<N> {
    /// One line of `qlab trace`: `{"seq":…,"at_ms":…,"event":…,…}`.
    pub fn to_json(&self) -> Value {
        let mut v = self.event.to_json();
        if let Value::Object(map) = &mut v {
            map.insert("seq".into(), self.seq.into());
            map.insert("at_ms".into(), self.at_ms.into());
        }
        v
    }
}

/// A mark on the timeline: something worth jumping to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The record number of the event it marks.
    pub seq: u64,
    /// When.
    pub at_ms: Time,
    /// What kind of moment.
    pub kind: MarkKind,
    /// The event in words.
    pub label: String,
}

/// The running hash of all events, a window of the most recent ones, and the timeline
/// marks not yet collected.
#[derive(Clone, Debug)]
pub struct Trace<N: Node> {
    hasher: TraceHasher,
    total: u64,
    keep: usize,
    recent: VecDeque<Record<N>>,
    /// The story: the last `story_keep` records that are not message traffic or timers,
    /// so the page's event list can reach further back than `recent` once heartbeats
    /// fill it. A view aid only; it changes nothing hashed.
    story_keep: usize,
    story: VecDeque<Record<N>>,
    collect_marks: bool,
    marks: Vec<Mark>,
}

impl<N: Node> Trace<N> {
    /// A trace that keeps the last `keep` records (0 keeps none, only the hash).
    pub fn new(keep: usize) -> Self {
        Trace {
            hasher: TraceHasher::default(),
            total: 0,
            keep,
            recent: VecDeque::new(),
            story_keep: 0,
            story: VecDeque::new(),
            collect_marks: false,
            marks: Vec::new(),
        }
    }

    /// Starts or stops collecting timeline marks (the page's history does).
    pub fn collect_marks(&mut self, on: bool) {
        self.collect_marks = on;
        if !on {
            self.marks.clear();
        }
    }

    /// Takes the marks collected since the last call.
    pub fn take_marks(&mut self) -> Vec<Mark> {
        std::mem::take(&mut self.marks)
    }

    pub(crate) fn push(&mut self, at_ms: Time, event: Event<N>) {
        self.total += 1;
        self.hasher.word(at_ms);
        event.digest_into(&mut self.hasher);
        if self.collect_marks {
            let kind = match &event {
                Event::Action(_) => Some(MarkKind::Action),
                Event::Violation { .. } => Some(MarkKind::Violation),
                Event::Note { note, .. } => N::mark(note),
                _ => None,
            };
            if let Some(kind) = kind {
                let label = event.to_string();
                self.marks.push(Mark {
                    seq: self.total,
                    at_ms,
                    kind,
                    label,
                });
            }
        }
        if self.story_keep > 0 && event.is_story() {
            if self.story.len() == self.story_keep {
                self.story.pop_front();
            }
            self.story.push_back(Record {
                seq: self.total,
                at_ms,
                event: event.clone(),
            });
        }
        if self.keep > 0 {
            if self.recent.len() == self.keep {
                self.recent.pop_front();
            }
            self.recent.push_back(Record {
                seq: self.total,
                at_ms,
                event,
            });
        }
    }

    /// How many records there have been since the start.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The hash of every event so far, as 16 hex digits.
    pub fn hash(&self) -> String {
        self.hasher.hex()
    }

    /// The most recent records, oldest first.
    pub fn recent(&self) -> &VecDeque<Record<N>> {
        &self.recent
    }

    /// Takes the kept records out (the CLI streams them this way).
    pub fn drain(&mut self) -> impl Iterator<Item = Record<N>> + '_ {
        self.recent.drain(..)
    }

    /// The last story records (everything but message traffic and timers), oldest first.
    pub fn story(&self) -> &VecDeque<Record<N>> {
        &self.story
    }

    /// Changes how many story records are kept (0, the default, keeps none).
    pub fn set_story_keep(&mut self, keep: usize) {
        self.story_keep = keep;
        while self.story.len() > keep {
            self.story.pop_front();
        }
    }

    /// Changes how many recent records are kept.
    pub fn set_keep(&mut self, keep: usize) {
        self.keep = keep;
        while self.recent.len() > keep {
            self.recent.pop_front();
        }
    }
}
