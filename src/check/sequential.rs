//! Sequential consistency (Lamport 1979): some single order of all operations, keeping
//! each client's own order, gives every operation its result. Real time does not
//! matter, and the registers are checked together: unlike linearizability, sequential
//! consistency is not local (per-key orders may each exist and still not merge).
//!
//! For a register history: `fail` operations and reads whose result is unknown are left
//! out; an `info` write may be placed at its position in its client's order or left out
//! (it may or may not have taken effect); a read of siblings can never be placed.
//!
//! The search is depth-first over how far each client has got (the operations placed
//! are a prefix of each client's sequence), memoized on (those positions, the
//! registers' values), one budget step per configuration visited.

use std::collections::{BTreeMap, HashSet};

use super::budget::Budget;
use super::hash::FxBuild;
use super::history::{Call, Operation, Outcome, Read, Value};

/// A compiled step of one client.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Register `.0` holds `.1` (0: never written).
    Read(u32, u32),
    /// A read no register order can give.
    Impossible,
    /// Register `.0` now holds `.1`.
    Write(u32, u32),
}

/// Whether `ops` (read/write registers) are sequentially consistent: `Some(true)`,
/// `Some(false)`, or `None` when `budget` ran out first.
pub fn check(ops: &[Operation], budget: &mut Budget) -> Option<bool> {
    let mut keys: BTreeMap<&str, u32> = BTreeMap::new();
    let mut values: BTreeMap<&Value, u32> = BTreeMap::new();
    let mut clients: BTreeMap<u64, Vec<(Step, bool)>> = BTreeMap::new();
    let mut order: Vec<&Operation> = ops.iter().collect();
    crate::sort::sort_by_key(&mut order, |o| o.invoke);
    for o in order {
        if o.outcome == Outcome::Fail {
            continue;
        }
        let optional = o.outcome != Outcome::Ok;
        let n = keys.len() as u32;
        let step = match &o.call {
            Call::Read { key, read } if !optional => {
                let k = *keys.entry(key).or_insert(n);
                match read {
                    Read::Value(v) => {
                        let m = values.len() as u32 + 1;
                        Step::Read(k, *values.entry(v).or_insert(m))
                    }
                    Read::Empty => Step::Read(k, 0),
                    Read::Siblings(_) => Step::Impossible,
                    Read::Unknown => continue,
                }
            }
            Call::Write { key, value } => {
                let k = *keys.entry(key).or_insert(n);
                let m = values.len() as u32 + 1;
                Step::Write(k, *values.entry(value).or_insert(m))
            }
            _ => continue,
        };
        clients.entry(o.client).or_default().push((step, optional));
    }
    let clients: Vec<Vec<(Step, bool)>> = clients.into_values().collect();
    let c = clients.len();
    // A configuration: each client's position, then each register's value.
    let start: Vec<u32> = vec![0; c + keys.len()];
    let mut seen: HashSet<Vec<u32>, FxBuild> = HashSet::default();
    seen.insert(start.clone());
    let mut stack = vec![start];
    while let Some(config) = stack.pop() {
        if !budget.take() {
            return None;
        }
        if (0..c).all(|i| config[i] as usize == clients[i].len()) {
            return Some(true);
        }
        for i in 0..c {
            let Some(&(step, optional)) = clients[i].get(config[i] as usize) else {
                continue;
            };
            let mut push = |next: Vec<u32>| {
                if seen.insert(next.clone()) {
                    stack.push(next);
                }
            };
            let mut next = config.clone();
            next[i] += 1;
            if optional {
                push(next.clone());
            }
            match step {
                Step::Read(k, v) if config[c + k as usize] == v => push(next),
                Step::Read(..) | Step::Impossible => {}
                Step::Write(k, v) => {
                    next[c + k as usize] = v;
                    push(next);
                }
            }
        }
    }
    Some(false)
}
