//! Knossos's mutex: one lock; acquiring a held lock or releasing a free one cannot
//! happen.

use super::{Model, Timed};
use crate::check::history::{Call, Operation, Outcome};

/// The lock: free at first, unless `held`.
pub struct Mutex {
    held: bool,
}

/// Whether the operation acquires (`true`) or releases the lock.
pub type Acquires = bool;

impl Model for Mutex {
    type State = bool;
    type Op = Acquires;

    fn init(&self) -> bool {
        self.held
    }

    fn step(&mut self, &held: &bool, &acquire: &bool) -> Option<bool> {
        (held != acquire).then_some(acquire)
    }
}

/// Compiles the lock operations (failed ones left out); the lock starts `held` or free.
pub fn compile<'a>(
    held: bool,
    ops: impl Iterator<Item = (usize, &'a Operation)>,
) -> (Mutex, Vec<Timed<Acquires>>) {
    let out = ops
        .filter(|(_, o)| o.outcome != Outcome::Fail)
        .filter_map(|(i, o)| match o.call {
            Call::Acquire => Some(Timed::of(i, o, true)),
            Call::Release => Some(Timed::of(i, o, false)),
            _ => None,
        })
        .collect();
    (Mutex { held }, out)
}
