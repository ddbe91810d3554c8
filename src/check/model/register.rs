//! The read/write register and the compare-and-set register (Herlihy & Wing's register;
//! Knossos's `cas-register`; Porcupine's etcd model).
//!
//! The state is the value held, interned: 0 is "never written", other values count up
//! in order of appearance.

use std::collections::BTreeSet;

use super::{Interner, Model, Timed};
use crate::check::history::{Call, Operation, Outcome, Read, Value};

/// A register operation with what it returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegOp {
    /// Read and got this value.
    Read(u32),
    /// A read no register can give (several siblings at once).
    Impossible,
    /// Wrote this value.
    Write(u32),
    /// Compare-and-set that swapped.
    Cas(u32, u32),
    /// Compare-and-set that answered "no": the register did not hold the value.
    CasRefused(u32),
    /// Compare-and-set whose answer is unknown: it swapped if it could.
    CasMaybe(u32, u32),
}

/// A register starting at `initial`.
pub struct Register {
    initial: u32,
}

impl Model for Register {
    type State = u32;
    type Op = RegOp;

    fn init(&self) -> u32 {
        self.initial
    }

    #[inline]
    fn step(&mut self, &s: &u32, op: &RegOp) -> Option<u32> {
        match *op {
            RegOp::Read(v) => (s == v).then_some(s),
            RegOp::Impossible => None,
            RegOp::Write(v) => Some(v),
            RegOp::Cas(from, to) => (s == from).then_some(to),
            RegOp::CasRefused(from) => (s != from).then_some(s),
            RegOp::CasMaybe(from, to) => Some(if s == from { to } else { s }),
        }
    }
}

/// Compiles one register's operations. Unknown reads and operations that did not happen
/// are left out. So is an `info` write (or CAS) of a value nobody ever observes, when no
/// CAS was refused: in any linearization that places it, the state it leaves can only
/// be overwritten unseen, so the same order without it is a linearization too, and the
/// search need not try it at every point.
pub fn compile<'a>(
    initial: Option<&Value>,
    ops: impl Iterator<Item = (usize, &'a Operation)>,
) -> (Register, Vec<Timed<RegOp>>) {
    let mut values = Interner::default();
    let mut id = |v: &Value| values.id(v, 1);
    let init = initial.map_or(0, &mut id);
    let mut out = Vec::new();
    for (i, o) in ops {
        if o.outcome == Outcome::Fail {
            continue;
        }
        let ok = o.is_ok();
        let op = match &o.call {
            Call::Read { read, .. } if ok => match read {
                Read::Value(v) => RegOp::Read(id(v)),
                Read::Empty => RegOp::Read(0),
                Read::Siblings(_) => RegOp::Impossible,
                Read::Unknown => continue,
            },
            Call::Read { .. } => continue,
            Call::Write { value, .. } => RegOp::Write(id(value)),
            Call::Cas {
                from, to, swapped, ..
            } => match (ok, swapped) {
                (true, true) => RegOp::Cas(id(from), id(to)),
                (true, false) => RegOp::CasRefused(id(from)),
                (false, _) => RegOp::CasMaybe(id(from), id(to)),
            },
            // Other calls never reach a register (Spec::of keeps one kind per history).
            _ => continue,
        };
        out.push(Timed::of(i, o, op));
    }
    prune_unobserved(&mut out);
    (Register { initial: init }, out)
}

/// Leaves out the `info` writes and CASes whose value nobody observes (see [`compile`]).
fn prune_unobserved(ops: &mut Vec<Timed<RegOp>>) {
    if ops.iter().any(|t| matches!(t.op, RegOp::CasRefused(_))) {
        return;
    }
    let observed: BTreeSet<u32> = ops
        .iter()
        .filter_map(|t| match t.op {
            RegOp::Read(v) | RegOp::Cas(v, _) | RegOp::CasMaybe(v, _) => Some(v),
            _ => None,
        })
        .collect();
    ops.retain(|t| match t.op {
        RegOp::Write(v) | RegOp::CasMaybe(_, v) if t.complete.is_none() => observed.contains(&v),
        _ => true,
    });
}
