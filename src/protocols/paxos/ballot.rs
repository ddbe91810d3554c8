//! Ballots (Lamport's proposal numbers), values and slots.

use std::fmt;
use std::rc::Rc;

use serde::{Serialize, Serializer};

use crate::protocols::view::Label;
use crate::sim::digest::{Digest, TraceHasher};
use crate::sim::NodeId;

/// A proposal number (§2.2: "proposals are numbered"): a round and the node that issues it,
/// compared round first, then node id, so that two proposers never issue the same number
/// and each can always pick a higher one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ballot {
    /// The round, from 1.
    pub round: u64,
    /// The proposer that issued it.
    pub node: NodeId,
}

impl Ballot {
    /// Ballot `round.node`.
    pub const fn new(round: u64, node: NodeId) -> Ballot {
        Ballot { round, node }
    }

    /// `[round, node]`, as `qlab run` reports it.
    pub fn to_json(self) -> serde_json::Value {
        serde_json::json!([self.round, self.node])
    }
}

impl fmt::Display for Ballot {
    /// "2.1": round 2 of S1.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.node)
    }
}

impl Serialize for Ballot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.round, self.node).serialize(s)
    }
}

impl Digest for Ballot {
    fn digest(&self, h: &mut TraceHasher) {
        h.word(self.round);
        h.word(self.node as u64);
    }
}

/// A slot of the Multi-Paxos log, from 1 (§3: "the i-th instance"). Single-decree Paxos
/// decides one value, kept in slot [`DECREE`].
pub type Slot = u64;

/// The slot single-decree Paxos keeps its one decree in.
pub const DECREE: Slot = 0;

/// A value to choose: a client's command, or `None` for the no-op a new Multi-Paxos leader
/// fills a gap with (§3). Shared, so messages and checkpoints copy it cheaply.
pub type Value = Option<Rc<str>>;

/// A value in words: `"a"` (quoted) or `a no-op`.
pub fn value_text(v: &Value) -> String {
    match v {
        Some(s) => format!("{s:?}"),
        None => "a no-op".to_string(),
    }
}

/// A value as JSON: the string, or `null` for a no-op.
pub fn value_json(v: &Value) -> serde_json::Value {
    v.as_deref().map_or(serde_json::Value::Null, Into::into)
}

/// How many characters of a value a message's summary keeps at most (the rest is cut,
/// with "…").
const TAG_CHARS: usize = 20;

/// A value as a message's summary keeps it: small and `Copy`, its text cut short, its
/// hash taken over the whole value (so the trace hash tells apart values that share a
/// long prefix).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ValueTag {
    /// `None` for a no-op; else the first characters.
    text: Option<Label>,
    /// True when `text` is only the beginning of the value.
    cut: bool,
    /// Hash of the whole value.
    hash: u64,
}

impl ValueTag {
    /// The tag of `v`.
    pub fn of(v: &Value) -> ValueTag {
        match v {
            None => ValueTag {
                text: None,
                cut: false,
                hash: 0,
            },
            Some(s) => {
                let mut h = TraceHasher::default();
                h.str(s);
                // Whole characters only, and room left in the label for the "…".
                let mut head = String::new();
                for c in s.chars().take(TAG_CHARS) {
                    if head.len() + c.len_utf8() > Label::CAPACITY - "…".len() {
                        break;
                    }
                    head.push(c);
                }
                ValueTag {
                    cut: head.len() < s.len(),
                    text: Some(Label::of(head)),
                    hash: h.finish(),
                }
            }
        }
    }

    /// True for a no-op.
    pub fn is_noop(&self) -> bool {
        self.text.is_none()
    }

    /// The value, short and unquoted, for labels on messages in flight: `a`, `no-op`.
    pub fn short(&self) -> Label {
        match &self.text {
            None => Label::of("no-op"),
            Some(t) if self.cut => Label::of(format_args!("{t}…")),
            Some(t) => *t,
        }
    }
}

impl fmt::Display for ValueTag {
    /// `"a"` (quoted, cut with … when long) or `a no-op`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.text {
            None => f.write_str("a no-op"),
            Some(t) => write!(f, "\"{t}{}\"", if self.cut { "…" } else { "" }),
        }
    }
}

impl fmt::Debug for ValueTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for ValueTag {
    /// The (possibly cut) text, or `null` for a no-op.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.text {
            None => s.serialize_none(),
            Some(_) => s.serialize_str(self.short().as_str()),
        }
    }
}

impl Digest for ValueTag {
    fn digest(&self, h: &mut TraceHasher) {
        h.word(self.text.is_some() as u64);
        h.word(self.hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballots_order_by_round_then_node() {
        let mut b = vec![Ballot::new(2, 1), Ballot::new(1, 5), Ballot::new(2, 3)];
        b.sort();
        assert_eq!(b, [Ballot::new(1, 5), Ballot::new(2, 1), Ballot::new(2, 3)]);
        assert_eq!(Ballot::new(2, 1).to_string(), "2.1");
        assert_eq!(serde_json::to_string(&Ballot::new(2, 1)).unwrap(), "[2,1]");
    }

    #[test]
    fn a_value_tag_cuts_long_values_but_hashes_all_of_them() {
        let long = |tail: &str| ValueTag::of(&Some(Rc::from(format!("{}{tail}", "x".repeat(30)))));
        assert_ne!(long("a"), long("b"));
        assert_eq!(long("a").to_string(), format!("\"{}…\"", "x".repeat(20)));
        assert_eq!(ValueTag::of(&Some(Rc::from("a"))).to_string(), "\"a\"");
        assert_eq!(ValueTag::of(&None).to_string(), "a no-op");
        assert_eq!(ValueTag::of(&None).short().as_str(), "no-op");
    }
}
