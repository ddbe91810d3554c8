//! The replicated log, indexed from 1 as in the paper.
//!
//! Beside each entry the log keeps a running hash of the whole prefix ending there, so
//! that "these two logs are identical up to index k" is one comparison. The invariant
//! checkers rely on it to stay cheap enough to run after every event.

use std::rc::Rc;

use serde::Serialize;

use crate::sim::digest::TraceHasher;

/// What an entry asks of the state machine: nothing (a leader's no-op), a plain value
/// (the `request` action of the first release, which the key-value store ignores), or a
/// client's write or read of a register (thesis §6.4: writes, and with `"reads": "log"`
/// reads too, go through the log). Text is shared, so copying entries between logs and
/// checkpoints is cheap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// A leader's no-op (§8): commits the entries of earlier terms.
    Noop,
    /// A `request` action's value.
    Value(Rc<str>),
    /// A client's write of `value` to register `key`.
    Write { key: Rc<str>, value: Rc<str> },
    /// A client's read of register `key`, answered when the entry is applied.
    Read { key: Rc<str> },
}

impl Payload {
    /// The payload as text for people: the value, "no-op", `x ← "1"` or `read x`.
    pub fn text(&self) -> String {
        match self {
            Payload::Noop => "no-op".to_string(),
            Payload::Value(v) => v.to_string(),
            Payload::Write { key, value } => format!("{key} ← {value:?}"),
            Payload::Read { key } => format!("read {key}"),
        }
    }

    /// The payload as `qlab run` reports it: the entry's `value` (`null` for a no-op)
    /// for the first release's entries, and `write` or `read` fields for a client's.
    pub fn report_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        let mut map = serde_json::Map::new();
        match self {
            Payload::Noop => {
                map.insert("value".into(), serde_json::Value::Null);
            }
            Payload::Value(v) => {
                map.insert("value".into(), json!(&**v));
            }
            Payload::Write { key, value } => {
                map.insert("write".into(), json!({ "key": &**key, "value": &**value }));
            }
            Payload::Read { key } => {
                map.insert("read".into(), json!({ "key": &**key }));
            }
        }
        map
    }
}

impl Serialize for Payload {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.report_fields().serialize(s)
    }
}

/// A log entry: the term it was created in and the command it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The term of the leader that created it.
    pub term: u64,
    /// The command.
    #[serde(flatten)]
    pub payload: Payload,
}

impl Entry {
    /// A hash of the entry itself (term and command). The first release's entries (no-op
    /// and plain values) hash as they always did.
    pub fn hash(&self) -> u64 {
        let mut h = TraceHasher::default();
        h.word(self.term);
        match &self.payload {
            Payload::Noop => h.word(0),
            Payload::Value(v) => {
                h.word(1);
                h.str(v);
            }
            Payload::Write { key, value } => {
                h.word(2);
                h.str(key);
                h.str(value);
            }
            Payload::Read { key } => {
                h.word(3);
                h.str(key);
            }
        }
        h.finish()
    }

    /// True for a leader's no-op.
    pub fn is_noop(&self) -> bool {
        self.payload == Payload::Noop
    }

    /// The command as text for people.
    pub fn value_text(&self) -> String {
        self.payload.text()
    }
}

/// A Raft log with prefix hashes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    entries: Vec<Entry>,
    chain: Vec<u64>,
}

impl Log {
    /// The index of the last entry (0 when empty).
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }

    /// The term of the last entry (0 when empty).
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// The entry at `index` (1-based), if present.
    pub fn get(&self, index: u64) -> Option<&Entry> {
        index
            .checked_sub(1)
            .and_then(|i| self.entries.get(i as usize))
    }

    /// The term of the entry at `index`; 0 for index 0 or past the end.
    pub fn term_at(&self, index: u64) -> u64 {
        self.get(index).map_or(0, |e| e.term)
    }

    /// The hash of entries `1..=index` (0 for index 0; `None` past the end).
    pub fn prefix_hash(&self, index: u64) -> Option<u64> {
        if index == 0 {
            return Some(0);
        }
        self.chain.get((index - 1) as usize).copied()
    }

    /// All entries, index 1 first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entries `from..=to` (clamped to the log).
    pub fn slice(&self, from: u64, to: u64) -> &[Entry] {
        let lo = (from.max(1) - 1) as usize;
        let hi = (to as usize).min(self.entries.len());
        if lo >= hi {
            &[]
        } else {
            &self.entries[lo..hi]
        }
    }

    /// Appends an entry and returns its index.
    pub fn append(&mut self, entry: Entry) -> u64 {
        let prev = self.chain.last().copied().unwrap_or(0);
        let mut h = TraceHasher::default();
        h.word(prev);
        h.word(entry.hash());
        self.chain.push(h.finish());
        self.entries.push(entry);
        self.last_index()
    }

    /// Removes the entry at `index` and every one after it.
    pub fn truncate_from(&mut self, index: u64) {
        let keep = (index.max(1) - 1) as usize;
        self.entries.truncate(keep);
        self.chain.truncate(keep);
    }

    /// The first index holding an entry of `term` (for the conflict-term shortcut).
    pub fn first_index_of_term(&self, term: u64, at_or_before: u64) -> u64 {
        let mut i = at_or_before.min(self.last_index());
        while i > 1 && self.term_at(i - 1) == term {
            i -= 1;
        }
        i
    }

    /// The last index holding an entry of `term`, if any.
    pub fn last_index_of_term(&self, term: u64) -> Option<u64> {
        // Terms only grow along a log, so scan from the end and stop once below `term`.
        let mut i = self.last_index();
        while i > 0 {
            let t = self.term_at(i);
            if t == term {
                return Some(i);
            }
            if t < term {
                return None;
            }
            i -= 1;
        }
        None
    }
}
