//! Knossos's multi-register: several registers read and written together by
//! transactions, each applied atomically, its steps in order. A read of `nil` (unknown)
//! is always legal. Every register starts at the spec's initial value.

use super::{Interner, Model, Timed};
use crate::check::history::{Call, Micro, Operation, Outcome, Read, Value};

/// One step of a compiled transaction: a read of a register (by index) that must find
/// this value, or a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Register `.0` holds value `.1`.
    Read(usize, u32),
    /// A read no register can give (siblings).
    Impossible,
    /// Register `.0` now holds value `.1`.
    Write(usize, u32),
}

/// The registers.
pub struct Multi {
    keys: usize,
    initial: u32,
}

impl Model for Multi {
    type State = Box<[u32]>;
    type Op = Vec<Step>;

    fn init(&self) -> Box<[u32]> {
        vec![self.initial; self.keys].into_boxed_slice()
    }

    fn step(&mut self, s: &Box<[u32]>, op: &Vec<Step>) -> Option<Box<[u32]>> {
        let mut next = s.clone();
        for step in op {
            match *step {
                Step::Read(k, v) if next[k] != v => return None,
                Step::Read(..) => {}
                Step::Impossible => return None,
                Step::Write(k, v) => next[k] = v,
            }
        }
        Some(next)
    }
}

/// Compiles the transactions (failed ones, and unknown reads, left out).
pub fn compile<'a>(
    initial: Option<&Value>,
    ops: impl Iterator<Item = (usize, &'a Operation)>,
) -> (Multi, Vec<Timed<Vec<Step>>>) {
    let mut keys = Interner::default();
    let mut values = Interner::default();
    let init = initial.map_or(0, |v| values.id(v, 1));
    let mut out = Vec::new();
    for (i, o) in ops {
        let Call::Txn { ops: steps } = &o.call else {
            continue;
        };
        if o.outcome == Outcome::Fail {
            continue;
        }
        let mut compiled = Vec::with_capacity(steps.len());
        for m in steps {
            compiled.push(match m {
                Micro::Read { key, read } => match read {
                    Read::Value(v) => Step::Read(keys.id(key, 0) as usize, values.id(v, 1)),
                    Read::Empty => Step::Read(keys.id(key, 0) as usize, 0),
                    Read::Siblings(_) => Step::Impossible,
                    Read::Unknown => continue,
                },
                Micro::Write { key, value } => {
                    Step::Write(keys.id(key, 0) as usize, values.id(value, 1))
                }
            });
        }
        if compiled.is_empty() {
            continue;
        }
        out.push(Timed::of(i, o, compiled));
    }
    let keys = keys.ids.len();
    (
        Multi {
            keys,
            initial: init,
        },
        out,
    )
}
