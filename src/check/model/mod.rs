//! The sequential specifications histories are checked against, and how a history is
//! split into the independent objects the search checks one at a time.
//!
//! Linearizability is local (Herlihy & Wing 1990, Theorem 1; Lowe's and Porcupine's
//! "P-compositionality"): a history is linearizable exactly when each object's
//! sub-history is. Registers and key-value keys are separate objects, so each key is
//! checked alone; a multi-register transaction or the mutex spans the whole state, so
//! those histories are one object.
//!
//! Each model compiles an object's operations into its own small form first: values are
//! interned to integers (a register's state is a `u32`), and operations that cannot
//! change the verdict are left out (a read whose result is unknown, an operation that
//! certainly did not happen).

#[cfg(not(target_arch = "wasm32"))]
mod kv;
#[cfg(not(target_arch = "wasm32"))]
mod multi;
#[cfg(not(target_arch = "wasm32"))]
mod mutex;
mod register;

use std::collections::BTreeMap;
use std::hash::Hash;

use super::history::{Call, Operation, Value};
use super::linear::{Job, Search};
use super::parse::Format;

/// A sequential specification: a state and what each operation does to it.
pub trait Model {
    /// The object's state.
    type State: Clone + Eq + Hash;
    /// An operation in the model's own compiled form, with what it returned.
    type Op;
    /// The state before any operation.
    fn init(&self) -> Self::State;
    /// The state after `op`, or `None` when `op` could not have returned what it did in
    /// `state`. Takes `&mut self` so a model can intern the states it builds.
    fn step(&mut self, state: &Self::State, op: &Self::Op) -> Option<Self::State>;
}

/// One compiled operation and when it ran.
#[derive(Clone, Debug)]
pub struct Timed<Op> {
    /// Its index in the history.
    pub origin: usize,
    /// When it was invoked.
    pub invoke: u64,
    /// When it returned; `None` when it may take effect at any time after `invoke`, or
    /// never (`info`, outstanding, or weakened).
    pub complete: Option<u64>,
    /// The operation.
    pub op: Op,
}

impl<Op> Timed<Op> {
    /// `op` at the times of `history[origin]`: its completion only when it is `ok`.
    fn of(origin: usize, o: &Operation, op: Op) -> Self {
        Timed {
            origin,
            invoke: o.invoke,
            complete: if o.is_ok() { o.complete } else { None },
            op,
        }
    }
}

/// The kinds of object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModelKind {
    /// Read/write registers, one per key.
    Register,
    /// Compare-and-set registers, one per key.
    CasRegister,
    /// Porcupine's key-value store: per key a string with get, put and append.
    Kv,
    /// Knossos's multi-register: transactions over several registers at once.
    MultiRegister,
    /// Knossos's mutex: one lock, acquired and released.
    Mutex,
}

impl ModelKind {
    /// The name the report prints.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Register => "register",
            ModelKind::CasRegister => "cas-register",
            ModelKind::Kv => "kv",
            ModelKind::MultiRegister => "multi-register",
            ModelKind::Mutex => "mutex",
        }
    }

    /// Whether each key is a separate object.
    pub fn per_key(self) -> bool {
        matches!(
            self,
            ModelKind::Register | ModelKind::CasRegister | ModelKind::Kv
        )
    }
}

/// What a history is checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The kind of object.
    pub kind: ModelKind,
    /// A register's value before its first write; `None`: empty (a read returns `null`).
    /// The mutex starts held when this is `Some` (only counterexamples ask for that).
    pub initial: Option<Value>,
}

impl Spec {
    /// Registers per key that start empty: what `qlab` histories are checked against
    /// (compare-and-set included).
    pub fn register() -> Spec {
        Spec {
            kind: ModelKind::Register,
            initial: None,
        }
    }

    /// The objects a history of `format` holds, from its operations: transactions make a
    /// multi-register, acquire and release a mutex, get/put/append a key-value store,
    /// a CAS a compare-and-set register, reads and writes alone a register.
    pub fn of(format: Format, ops: &[Operation]) -> Result<Spec, String> {
        let mut kinds = BTreeMap::new();
        for (i, op) in ops.iter().enumerate() {
            let kind = match op.call {
                Call::Txn { .. } => ModelKind::MultiRegister,
                Call::Acquire | Call::Release => ModelKind::Mutex,
                Call::Get { .. } | Call::Put { .. } | Call::Append { .. } => ModelKind::Kv,
                Call::Cas { .. } => ModelKind::CasRegister,
                Call::Read { .. } | Call::Write { .. } => ModelKind::Register,
            };
            kinds.entry(kind).or_insert(i);
        }
        let mut found: Vec<ModelKind> = kinds.keys().copied().collect();
        // A CAS register also reads and writes.
        if found == [ModelKind::Register, ModelKind::CasRegister] {
            found = vec![ModelKind::CasRegister];
        }
        let kind = match found.as_slice() {
            [] => match format {
                Format::JepsenLog | Format::Edn => ModelKind::CasRegister,
                Format::KvEdn => ModelKind::Kv,
                Format::Qlab => ModelKind::Register,
            },
            [one] => *one,
            [a, b, ..] => {
                return Err(format!(
                    "the history mixes {} operations ({}) with {} operations ({}): one history checks one kind of object",
                    a.name(),
                    ops[kinds[a]].call.name(),
                    b.name(),
                    ops[kinds[b]].call.name()
                ))
            }
        };
        let initial = match (format, kind) {
            (
                Format::Edn,
                ModelKind::CasRegister | ModelKind::Register | ModelKind::MultiRegister,
            ) => Some(Value::Int(0)),
            _ => None,
        };
        Ok(Spec { kind, initial })
    }

    /// The objects of `ops` and the indices of their operations, in key order. An
    /// operation that touches no single key (a transaction, the mutex) belongs to the one
    /// object `""`.
    pub fn objects(&self, ops: &[Operation]) -> BTreeMap<String, Vec<usize>> {
        let mut objects: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, op) in ops.iter().enumerate() {
            let key = if self.kind.per_key() {
                op.call.key().unwrap_or_default()
            } else {
                ""
            };
            match objects.get_mut(key) {
                Some(v) => v.push(i),
                None => {
                    objects.insert(key.to_string(), vec![i]);
                }
            }
        }
        objects
    }

    /// The linearizability search over the operations `indices` of `ops` (one object),
    /// ready to run.
    pub fn search(&self, ops: &[Operation], indices: &[usize]) -> Box<dyn Job> {
        let picked = indices.iter().map(|&i| (i, &ops[i]));
        match self.kind {
            ModelKind::Register | ModelKind::CasRegister => {
                let (m, t) = register::compile(self.initial.as_ref(), picked);
                Box::new(Search::new(m, t))
            }
            #[cfg(not(target_arch = "wasm32"))]
            ModelKind::Kv => {
                let (m, t) = kv::compile(picked);
                Box::new(Search::new(m, t))
            }
            #[cfg(not(target_arch = "wasm32"))]
            ModelKind::MultiRegister => {
                let (m, t) = multi::compile(self.initial.as_ref(), picked);
                Box::new(Search::new(m, t))
            }
            #[cfg(not(target_arch = "wasm32"))]
            ModelKind::Mutex => {
                let (m, t) = mutex::compile(self.initial.is_some(), picked);
                Box::new(Search::new(m, t))
            }
            // The page checks only what the simulator records, registers, and leaves the
            // other models (the peers' file formats, for `qlab check`) out of its download.
            #[cfg(target_arch = "wasm32")]
            ModelKind::Kv | ModelKind::MultiRegister | ModelKind::Mutex => Box::new(NotInThePage),
        }
    }
}

/// The page's stand-in for the models it leaves out: never decides (an honest "unknown"),
/// spending whatever budget it is given so a caller's loop ends.
#[cfg(target_arch = "wasm32")]
struct NotInThePage;

#[cfg(target_arch = "wasm32")]
impl Job for NotInThePage {
    fn run(&mut self, budget: &mut super::budget::Budget) -> Option<super::linear::Found> {
        budget.spend(budget.left());
        None
    }
    fn steps(&self) -> u64 {
        0
    }
}

/// Interns values as small integers, in order of first appearance (deterministic).
struct Interner<V: Ord> {
    ids: BTreeMap<V, u32>,
}

impl<V: Ord> Default for Interner<V> {
    fn default() -> Self {
        Interner {
            ids: BTreeMap::new(),
        }
    }
}

impl<V: Ord + Clone> Interner<V> {
    fn id(&mut self, v: &V, first: u32) -> u32 {
        if let Some(&id) = self.ids.get(v) {
            return id;
        }
        let id = first + self.ids.len() as u32;
        self.ids.insert(v.clone(), id);
        id
    }
}
