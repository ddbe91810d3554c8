//! The incremental linearizability checker: feed it operations as they are invoked and
//! complete, and give it a little work every frame.
//!
//! Each object (a key, or the whole history for a multi-register or the mutex) keeps
//! its last verdict and the version of its operations it was reached for. Only an
//! object whose operations changed is checked again, and a search already under way is
//! never restarted by newer operations: it finishes on the operations it started with
//! (so a small budget every frame always makes progress), and the object is checked
//! again afterwards if it changed meanwhile. A violation is final: a history that cannot
//! be explained stays so whatever happens next (later results only add constraints, and
//! an operation outstanding at the time of the check was already allowed to do anything).
//!
//! The contract that makes this sound: the checker's view is always the history up to
//! some moment. Push an operation when it is invoked (outstanding: `info`, no
//! completion) and update it when it completes, as the simulator records them; never
//! give a completion before every operation invoked earlier has been pushed.
//!
//! ```
//! use quorum_lab::check::{Budget, Call, Checker, Operation, Outcome, Read, Spec, Verdict};
//! let mut checker = Checker::new(Spec::register());
//! let mut read = Operation {
//!     client: 1, node: Some(1), invoke: 10, complete: None, outcome: Outcome::Info,
//!     call: Call::Read { key: "x".into(), read: Read::Unknown }, source: None,
//! };
//! let i = checker.push(read.clone());        // invoked
//! read.complete = Some(42);
//! read.outcome = Outcome::Ok;
//! read.call = Call::Read { key: "x".into(), read: Read::Empty };
//! checker.update(i, read);                   // completed
//! // Every frame (or `checker.sync(&history)` with the simulator's whole history):
//! assert_eq!(checker.work(&mut Budget::steps(10_000)), Verdict::Linearizable);
//! ```

use std::collections::BTreeMap;

use super::budget::Budget;
use super::history::Operation;
use super::linear::{Found, Job};
use super::model::Spec;

/// One object's state of checking.
#[derive(Default)]
struct Object {
    /// Its operations (indices into the history).
    ops: Vec<usize>,
    /// Bumped whenever one of its operations is added or changes.
    version: u64,
    /// The last verdict and the version it is for.
    decided: Option<(u64, Found)>,
    /// A search under way, and the version it checks.
    running: Option<(u64, Box<dyn Job>)>,
}

impl Object {
    fn violation(&self) -> Option<&Found> {
        self.decided
            .as_ref()
            .map(|(_, f)| f)
            .filter(|f| matches!(f, Found::Violation { .. }))
    }

    fn up_to_date(&self) -> bool {
        self.violation().is_some() || matches!(self.decided, Some((v, _)) if v == self.version)
    }
}

/// Where a check stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every object's operations so far are linearizable.
    Linearizable,
    /// Some object's are not (final).
    NotLinearizable,
    /// Not decided yet: some object still has work to do.
    Unknown,
}

/// The incremental checker of one history.
pub struct Checker {
    spec: Spec,
    ops: Vec<Operation>,
    objects: BTreeMap<String, Object>,
    /// Indices of operations not completed yet (they may still change).
    open: Vec<usize>,
    /// Round-robin position: the key worked on last.
    cursor: Option<String>,
    steps: u64,
}

impl Checker {
    /// An empty history checked against `spec`.
    pub fn new(spec: Spec) -> Self {
        Checker {
            spec,
            ops: Vec::new(),
            objects: BTreeMap::new(),
            open: Vec::new(),
            cursor: None,
            steps: 0,
        }
    }

    /// What the history is checked against.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The operations so far.
    pub fn ops(&self) -> &[Operation] {
        &self.ops
    }

    /// Search steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    fn key_of(&self, op: &Operation) -> String {
        if self.spec.kind.per_key() {
            op.call.key().unwrap_or_default().to_string()
        } else {
            String::new()
        }
    }

    /// Adds an operation (invoked, possibly not completed yet); returns its index.
    pub fn push(&mut self, op: Operation) -> usize {
        let i = self.ops.len();
        let key = self.key_of(&op);
        if op.complete.is_none() {
            self.open.push(i);
        }
        self.ops.push(op);
        let object = self.objects.entry(key).or_default();
        object.ops.push(i);
        object.version += 1;
        i
    }

    /// Replaces operation `i` (its completion arrived). An index past the end is ignored.
    pub fn update(&mut self, i: usize, op: Operation) {
        let Some(old) = self.ops.get(i) else {
            return;
        };
        if *old == op {
            return;
        }
        let (old_key, new_key) = (self.key_of(old), self.key_of(&op));
        if old_key != new_key {
            if let Some(o) = self.objects.get_mut(&old_key) {
                o.ops.retain(|&j| j != i);
                o.version += 1;
                // Taking an operation away can make a violation go away.
                o.decided = None;
            }
            let o = self.objects.entry(new_key).or_default();
            let at = o.ops.partition_point(|&j| j < i);
            o.ops.insert(at, i);
        }
        if op.complete.is_some() {
            self.open.retain(|&j| j != i);
        }
        self.ops[i] = op;
        if let Some(o) = self.objects.get_mut(&self.key_of(&self.ops[i])) {
            o.version += 1;
        }
    }

    /// Brings the checker up to `history`, which must extend what it was given before
    /// (operations are only appended, and only outstanding ones change). Costs the
    /// number of new and outstanding operations, so the page can call it every frame.
    /// Returns `false`, and changes nothing, when `history` does not extend it (a new
    /// run): start a new checker then.
    pub fn sync(&mut self, history: &[Operation]) -> bool {
        if history.len() < self.ops.len() {
            return false;
        }
        let open = std::mem::take(&mut self.open);
        let mut still_open = Vec::with_capacity(open.len());
        for i in open {
            if history[i] != self.ops[i] {
                self.update(i, history[i].clone());
            }
            if self.ops[i].complete.is_none() {
                still_open.push(i);
            }
        }
        self.open = still_open;
        for op in &history[self.ops.len()..] {
            self.push(op.clone());
        }
        true
    }

    /// Objects with work to do.
    pub fn pending(&self) -> usize {
        self.objects
            .values()
            .filter(|o| !o.up_to_date() || o.running.is_some())
            .count()
    }

    /// Works on the objects that changed, within `budget`, round-robin from where the
    /// last call stopped, each getting an equal share (so one hard object cannot starve
    /// the others); returns where the check stands.
    pub fn work(&mut self, budget: &mut Budget) -> Verdict {
        let keys: Vec<String> = self
            .objects
            .iter()
            .filter(|(_, o)| !o.up_to_date() || o.running.is_some())
            .map(|(k, _)| k.clone())
            .collect();
        let share = (budget.left() / keys.len().max(1) as u64).max(1);
        // Start after the key worked on last, so every object gets its turn.
        let start = match &self.cursor {
            Some(c) => keys.partition_point(|k| k <= c),
            None => 0,
        };
        let order = keys[start..].iter().chain(&keys[..start]);
        for key in order {
            if !budget.has_left() {
                break;
            }
            self.cursor = Some(key.clone());
            let Some(object) = self.objects.get_mut(key) else {
                continue;
            };
            if object.running.is_none() {
                if object.up_to_date() {
                    continue;
                }
                let job = self.spec.search(&self.ops, &object.ops);
                object.running = Some((object.version, job));
            }
            if let Some((version, job)) = object.running.as_mut() {
                let mut slice = Budget::steps(share.min(budget.left()));
                let found = job.run(&mut slice);
                budget.spend(slice.spent());
                self.steps += slice.spent();
                if let Some(found) = found {
                    object.decided = Some((*version, found));
                    object.running = None;
                }
            }
        }
        self.verdict()
    }

    /// Where the check stands, without working.
    pub fn verdict(&self) -> Verdict {
        if self.objects.values().any(|o| o.violation().is_some()) {
            Verdict::NotLinearizable
        } else if self.objects.values().all(Object::up_to_date) {
            Verdict::Linearizable
        } else {
            Verdict::Unknown
        }
    }

    /// The objects that cannot be explained: key, the operation that cannot be placed,
    /// and a linearization of the longest prefix before it (history indices).
    pub fn violations(&self) -> Vec<(&str, usize, &[usize])> {
        self.objects
            .iter()
            .filter_map(|(k, o)| match o.violation() {
                Some(Found::Violation { stuck, prefix }) => {
                    Some((k.as_str(), *stuck, prefix.as_slice()))
                }
                _ => None,
            })
            .collect()
    }

    /// The keys not decided yet.
    pub fn undecided(&self) -> Vec<&str> {
        self.objects
            .iter()
            .filter(|(_, o)| !o.up_to_date())
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// The number of objects (keys).
    pub fn objects(&self) -> usize {
        self.objects.len()
    }
}
