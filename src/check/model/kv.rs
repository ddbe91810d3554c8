//! Porcupine's key-value store, one key at a time: the state is a string, `get` returns
//! it, `put` replaces it, `append` adds to its end.
//!
//! Strings are interned, and so is each (string, appended piece) step, so the search's
//! state is a `u32` and an append it has already seen costs one table lookup.

use std::collections::HashMap;

use super::{Interner, Model, Timed};
use crate::check::hash::FxBuild;
use crate::check::history::{Call, Operation, Outcome};

/// A key-value operation with what it returned (strings and pieces by id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvOp {
    /// Got this string.
    Get(u32),
    /// Replaced the string.
    Put(u32),
    /// Appended this piece.
    Append(u32),
}

/// One key's string.
pub struct Kv {
    /// Every string by id (0 is `""`).
    strings: Vec<String>,
    /// String ids by content.
    by_text: HashMap<String, u32, FxBuild>,
    /// Appended pieces by id.
    pieces: Vec<String>,
    /// The result of appending a piece to a string.
    appended: HashMap<(u32, u32), u32, FxBuild>,
}

impl Kv {
    fn string(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.by_text.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.to_string());
        self.by_text.insert(s.to_string(), id);
        id
    }
}

impl Model for Kv {
    type State = u32;
    type Op = KvOp;

    fn init(&self) -> u32 {
        0
    }

    fn step(&mut self, &s: &u32, op: &KvOp) -> Option<u32> {
        match *op {
            KvOp::Get(v) => (s == v).then_some(s),
            KvOp::Put(v) => Some(v),
            KvOp::Append(p) => {
                if let Some(&next) = self.appended.get(&(s, p)) {
                    return Some(next);
                }
                let text = format!("{}{}", self.strings[s as usize], self.pieces[p as usize]);
                let next = self.string(&text);
                self.appended.insert((s, p), next);
                Some(next)
            }
        }
    }
}

/// Compiles one key's operations (unknown gets and failed operations left out).
pub fn compile<'a>(ops: impl Iterator<Item = (usize, &'a Operation)>) -> (Kv, Vec<Timed<KvOp>>) {
    let mut kv = Kv {
        strings: Vec::new(),
        by_text: HashMap::default(),
        pieces: Vec::new(),
        appended: HashMap::default(),
    };
    kv.string("");
    let mut pieces = Interner::default();
    let mut out = Vec::new();
    for (i, o) in ops {
        if o.outcome == Outcome::Fail {
            continue;
        }
        let op = match &o.call {
            Call::Get { read: Some(s), .. } if o.is_ok() => KvOp::Get(kv.string(s)),
            Call::Get { .. } => continue,
            Call::Put { value, .. } => KvOp::Put(kv.string(value)),
            Call::Append { value, .. } => {
                let id = pieces.id(value, 0);
                if id as usize == kv.pieces.len() {
                    kv.pieces.push(value.clone());
                }
                KvOp::Append(id)
            }
            _ => continue,
        };
        out.push(Timed::of(i, o, op));
    }
    (kv, out)
}
