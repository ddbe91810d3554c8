//! The linearizability search of Wing & Gong (1993) as improved by Lowe ("Testing for
//! linearizability", 2017) and used by Porcupine: just-in-time linearization over the
//! history's events, memoized on (the set of operations linearized, the model state).
//!
//! The events (invocations and completions, in time order, an invocation before a
//! completion at the same time) form a doubly linked list. Walking it from the front, the
//! search tries to linearize each invoked operation in turn ("just in time": only those
//! invoked before the first completion still in the list are candidates). When the model
//! accepts one, it is lifted out of the list with its completion, pushed on a stack, and
//! the walk starts over. Reaching a completion means its operation can no longer be
//! placed in this configuration, so the search backtracks. Every configuration (the set
//! of linearized operations, the state) is tried once: a memo table (Lowe's cache) skips
//! configurations already explored.
//!
//! An operation with no completion (`info`, outstanding) may be linearized at any point
//! after its invocation, or never; the search is done once every completed operation is
//! linearized.
//!
//! The search is a resumable value: [`Job::run`] spends at most the budget it is given
//! and can be called again to go on where it stopped.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::budget::Budget;
use super::hash::{mix, Fx, FxBuild};
use super::model::{Model, Timed};

/// What a finished search found for one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// Linearizable; the history indices of one linearization, in order (operations
    /// that need not have happened may be missing).
    Linearizable(Vec<usize>),
    /// Not linearizable.
    Violation {
        /// The operation that cannot be placed: its completion is the first event after
        /// which no order explains the history, so the history up to just before it is
        /// linearizable and the history up to and including it is not.
        stuck: usize,
        /// A linearization of the longest linearizable prefix (history indices).
        prefix: Vec<usize>,
    },
}

/// A resumable check of one object.
pub trait Job {
    /// Works until the search decides or the budget runs out; `None`: not decided yet.
    fn run(&mut self, budget: &mut Budget) -> Option<Found>;
    /// Steps taken so far.
    fn steps(&self) -> u64;
}

/// No node.
const NONE: u32 = u32::MAX;
/// The list's head node.
const HEAD: u32 = 0;

/// The memo table: configurations seen, by hash, each bucket a chain through `entries`.
struct Memo<S> {
    heads: HashMap<u64, u32, FxBuild>,
    entries: Vec<(u32, S)>,
    /// The linearized sets of the entries, `width` words each.
    words: Vec<u64>,
    width: usize,
}

impl<S: Eq> Memo<S> {
    /// Records (`bits`, `state`) under `hash`; `false` if it was there already.
    fn insert(&mut self, hash: u64, bits: &[u64], state: &S) -> bool
    where
        S: Clone,
    {
        let head = self.heads.get(&hash).copied().unwrap_or(NONE);
        let mut at = head;
        while at != NONE {
            let (next, s) = &self.entries[at as usize];
            let w = at as usize * self.width;
            if s == state && &self.words[w..w + self.width] == bits {
                return false;
            }
            at = *next;
        }
        let id = self.entries.len() as u32;
        self.entries.push((head, state.clone()));
        self.words.extend_from_slice(bits);
        self.heads.insert(hash, id);
        true
    }
}

/// The search over one object's operations.
pub struct Search<M: Model> {
    model: M,
    ops: Vec<M::Op>,
    origin: Vec<usize>,
    /// Per operation: its invocation node and its completion node (`NONE`: none).
    call_node: Vec<u32>,
    ret_node: Vec<u32>,
    /// Zobrist key per operation.
    zobrist: Vec<u64>,
    /// Per node: the operation and whether it is an invocation.
    node_op: Vec<u32>,
    node_is_call: Vec<bool>,
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Completed operations, and how many of them are linearized now.
    completed: usize,
    linearized_completed: usize,
    cursor: u32,
    state: M::State,
    /// Linearized operations and the state before each.
    stack: Vec<(u32, M::State)>,
    bits: Vec<u64>,
    set_hash: u64,
    memo: Memo<M::State>,
    /// The furthest completion node the search got stuck at, and the linearization then.
    furthest: u32,
    furthest_prefix: Vec<u32>,
    found: Option<Found>,
    steps: u64,
}

impl<M: Model> Search<M> {
    /// A search over `ops` against `model`, not started.
    pub fn new(model: M, ops: Vec<Timed<M::Op>>) -> Self {
        let n = ops.len();
        // Events: (time, completion after invocation at the same time, op).
        let mut events: Vec<(u64, bool, u32)> = Vec::with_capacity(2 * n);
        for (i, t) in ops.iter().enumerate() {
            events.push((t.invoke, false, i as u32));
            if let Some(c) = t.complete {
                events.push((c, true, i as u32));
            }
        }
        crate::sort::sort(&mut events);
        let m = events.len();
        let mut node_op = vec![NONE; m + 1];
        let mut node_is_call = vec![false; m + 1];
        let mut call_node = vec![NONE; n];
        let mut ret_node = vec![NONE; n];
        for (j, &(_, is_ret, op)) in events.iter().enumerate() {
            let node = j as u32 + 1;
            node_op[node as usize] = op;
            node_is_call[node as usize] = !is_ret;
            if is_ret {
                ret_node[op as usize] = node;
            } else {
                call_node[op as usize] = node;
            }
        }
        let next: Vec<u32> = (0..=m as u32)
            .map(|j| if j as usize == m { NONE } else { j + 1 })
            .collect();
        let prev: Vec<u32> = (0..=m as u32)
            .map(|j| if j == 0 { NONE } else { j - 1 })
            .collect();
        let completed = ops.iter().filter(|t| t.complete.is_some()).count();
        let width = n.div_ceil(64).max(1);
        let state = model.init();
        let origin = ops.iter().map(|t| t.origin).collect();
        Search {
            ops: ops.into_iter().map(|t| t.op).collect(),
            origin,
            call_node,
            ret_node,
            zobrist: (0..n as u64).map(mix).collect(),
            node_op,
            node_is_call,
            cursor: next[HEAD as usize],
            next,
            prev,
            completed,
            linearized_completed: 0,
            state,
            stack: Vec::new(),
            bits: vec![0; width],
            set_hash: 0,
            memo: Memo {
                heads: HashMap::default(),
                entries: Vec::new(),
                words: Vec::new(),
                width,
            },
            furthest: 0,
            furthest_prefix: Vec::new(),
            found: None,
            steps: 0,
            model,
        }
    }

    #[inline]
    fn unlink(&mut self, node: u32) {
        let (p, n) = (self.prev[node as usize], self.next[node as usize]);
        self.next[p as usize] = n;
        if n != NONE {
            self.prev[n as usize] = p;
        }
    }

    #[inline]
    fn relink(&mut self, node: u32) {
        let (p, n) = (self.prev[node as usize], self.next[node as usize]);
        self.next[p as usize] = node;
        if n != NONE {
            self.prev[n as usize] = node;
        }
    }

    /// Takes operation `op` (invocation and completion) out of the list.
    #[inline]
    fn lift(&mut self, op: u32) {
        self.unlink(self.call_node[op as usize]);
        let r = self.ret_node[op as usize];
        if r != NONE {
            self.unlink(r);
            self.linearized_completed += 1;
        }
    }

    /// Puts operation `op` back, in the reverse order of [`Self::lift`].
    #[inline]
    fn unlift(&mut self, op: u32) {
        let r = self.ret_node[op as usize];
        if r != NONE {
            self.relink(r);
            self.linearized_completed -= 1;
        }
        self.relink(self.call_node[op as usize]);
    }

    #[inline]
    fn flip(&mut self, op: u32) {
        self.bits[op as usize / 64] ^= 1 << (op % 64);
        self.set_hash ^= self.zobrist[op as usize];
    }

    fn origins(&self, ops: &[u32]) -> Vec<usize> {
        ops.iter().map(|&o| self.origin[o as usize]).collect()
    }

    /// The search loop (see the module's documentation).
    fn search(&mut self, budget: &mut Budget) -> Option<Found> {
        loop {
            if self.linearized_completed == self.completed {
                let order: Vec<u32> = self.stack.iter().map(|(op, _)| *op).collect();
                return Some(Found::Linearizable(self.origins(&order)));
            }
            if !budget.take() {
                return None;
            }
            self.steps += 1;
            let e = self.cursor;
            if e != NONE && self.node_is_call[e as usize] {
                let op = self.node_op[e as usize];
                if let Some(next) = self.model.step(&self.state, &self.ops[op as usize]) {
                    self.flip(op);
                    let mut h = Fx::default();
                    next.hash(&mut h);
                    let key = self.set_hash ^ mix(h.finish());
                    if self.memo.insert(key, &self.bits, &next) {
                        let before = std::mem::replace(&mut self.state, next);
                        self.stack.push((op, before));
                        self.lift(op);
                        self.cursor = self.next[HEAD as usize];
                        continue;
                    }
                    self.flip(op);
                }
                self.cursor = self.next[e as usize];
                continue;
            }
            // A completion whose operation is not linearized: backtrack.
            if e != NONE && e > self.furthest {
                self.furthest = e;
                self.furthest_prefix = self.stack.iter().map(|(op, _)| *op).collect();
            }
            match self.stack.pop() {
                Some((op, before)) => {
                    self.state = before;
                    self.flip(op);
                    self.unlift(op);
                    self.cursor = self.next[self.call_node[op as usize] as usize];
                }
                None => {
                    // Some completion was reached before the stack emptied (every
                    // completion has an invocation before it), so `furthest` is set.
                    let stuck = self
                        .node_op
                        .get(self.furthest as usize)
                        .copied()
                        .unwrap_or(0);
                    return Some(Found::Violation {
                        stuck: self.origin.get(stuck as usize).copied().unwrap_or_default(),
                        prefix: self.origins(&self.furthest_prefix),
                    });
                }
            }
        }
    }
}

impl<M: Model> Job for Search<M> {
    fn run(&mut self, budget: &mut Budget) -> Option<Found> {
        if self.found.is_none() {
            self.found = self.search(budget);
            if self.found.is_some() {
                // The memo table is the search's big allocation; a decided search keeps
                // only its answer.
                self.memo = Memo {
                    heads: HashMap::default(),
                    entries: Vec::new(),
                    words: Vec::new(),
                    width: 1,
                };
            }
        }
        self.found.clone()
    }

    fn steps(&self) -> u64 {
        self.steps
    }
}
