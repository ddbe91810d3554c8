//! What a check found, as `qlab check` prints it: one JSON object a file.
//!
//! ```json
//! { "linearizable": false, "operations": 12, "format": "qlab", "model": "register",
//!   "objects": 2, "steps": 40,
//!   "failed_op": { "at": "history[7]", "key": "x", "client": 3, "op": "client 3 read 1 from x" },
//!   "linearizable_prefix": 6,
//!   "counterexample": ["Client 1 wrote 1 to x (history[0], 0–10 ms).", "…"] }
//! ```
//!
//! `linearizable` is `null` when the budget ran out first (`unknown` then says which
//! keys were left undecided). `linearizable_prefix` counts the operations that completed
//! before the failing operation completed: the history up to that moment is linearizable.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value as Json};

use super::budget::Budget;
use super::checker::{Checker, Verdict};
use super::explain;
use super::history::{Call, Operation, Read, Value};
use super::linear::Found;
use super::model::{ModelKind, Spec};
use super::parse::Format;
use super::sessions::Consistency;

/// A violation, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The key (empty for a single register, a multi-register or the mutex).
    pub key: String,
    /// The history index of the operation that cannot be placed.
    pub op: usize,
    /// How many operations completed before it completed (that prefix is linearizable).
    pub prefix: usize,
    /// The counterexample, sentence by sentence.
    pub counterexample: Vec<String>,
    /// The history indices of the operations it names.
    pub core: Vec<usize>,
    /// Whether the counterexample is known to be minimal (no trial ran out of budget).
    pub minimal: bool,
}

/// The result of checking one history.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The format read.
    pub format: Format,
    /// What it was checked against.
    pub spec: Spec,
    /// Operations in the history.
    pub operations: usize,
    /// Objects (keys) checked independently.
    pub objects: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Search steps spent.
    pub steps: u64,
    /// The first violation (the one whose failing operation completed first).
    pub failure: Option<Failure>,
    /// Keys left undecided when the budget ran out.
    pub undecided: Vec<String>,
    /// The other consistency models, for register histories.
    pub consistency: Option<Consistency>,
}

/// The budget a counterexample's minimization may spend, in search steps.
pub const EXPLAIN_STEPS: u64 = 2_000_000;

/// Whether `ops` (one object) cannot be explained, decided within `budget`: for every
/// initial value in `initials` when there are any (the register may have held any of
/// them), else from the spec's own initial state.
fn proven_unlinearizable(
    spec: &Spec,
    initials: &[Option<Value>],
    ops: &[Operation],
    budget: &mut Budget,
) -> bool {
    let all: Vec<usize> = (0..ops.len()).collect();
    let one = |spec: &Spec, budget: &mut Budget| {
        matches!(
            spec.search(ops, &all).run(budget),
            Some(Found::Violation { .. })
        )
    };
    if initials.is_empty() {
        return one(spec, budget);
    }
    initials.iter().all(|initial| {
        let spec = Spec {
            initial: initial.clone(),
            ..spec.clone()
        };
        one(&spec, budget)
    })
}

/// The initial states an object of `kind` may be in at a cut (see [`explain`]): every
/// value a register of `ops` may hold and "never written"; the mutex free or held (the
/// mutex reads a `Some` initial value as held). Empty: the model's states cannot be
/// listed (a string, several registers), so the history is not cut.
fn any_state(kind: ModelKind, ops: &[Operation]) -> Vec<Option<Value>> {
    match kind {
        ModelKind::Register | ModelKind::CasRegister => register_values(ops),
        ModelKind::Mutex => vec![None, Some(Value::Int(1))],
        ModelKind::Kv | ModelKind::MultiRegister => Vec::new(),
    }
}

/// Every value a register of `ops` may hold, and "never written".
fn register_values(ops: &[Operation]) -> Vec<Option<Value>> {
    let mut values = BTreeSet::new();
    for o in ops {
        match &o.call {
            Call::Write { value, .. } => {
                values.insert(value.clone());
            }
            Call::Cas { from, to, .. } => {
                values.insert(from.clone());
                values.insert(to.clone());
            }
            Call::Read {
                read: Read::Value(v),
                ..
            } => {
                values.insert(v.clone());
            }
            _ => {}
        }
    }
    std::iter::once(None)
        .chain(values.into_iter().map(Some))
        .collect()
}

/// Runs `check` on a slice of what is left of `budget` (so one hard trial cannot take it
/// all) and charges what it spent; notes in `ran_out` a trial that ran out undecided.
fn trial(budget: &mut Budget, ran_out: &mut bool, check: impl FnOnce(&mut Budget) -> bool) -> bool {
    let mut slice = Budget::steps((budget.left() / 8).max(1_000).min(budget.left()));
    let proven = check(&mut slice);
    if !proven && !slice.has_left() {
        *ran_out = true;
    }
    budget.spend(slice.spent());
    proven
}

/// Explains the violation of object `key` at operation `stuck`, spending at most
/// `budget` on making it small.
///
/// For registers and the mutex the history is first cut from the left at a quiet moment
/// before the failing operation began (no `ok` operation under way): the operations
/// completed by then are dropped and the object may be in any state at that moment.
/// That is a weakening too: every kept `ok` operation began after every dropped one
/// completed, so a linearization of the whole history, less the `info` operations it
/// placed before the last dropped one, is a linearization of the rest from the state
/// there. The latest such moment that keeps the history unexplainable is found by
/// bisection (later cuts only weaken). Then [`explain::minimize`] weakens what it can.
pub fn explain(checker: &Checker, key: &str, stuck: usize, budget: &mut Budget) -> Failure {
    let spec = checker.spec();
    let ops = checker.ops();
    let x = &ops[stuck];
    let prefix = ops
        .iter()
        .filter(|o| {
            o.complete
                .is_some_and(|c| c < x.complete.unwrap_or(u64::MAX))
        })
        .count();
    let mut ran_out = false;
    let object: Vec<(usize, Operation)> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !spec.kind.per_key() || o.call.key().unwrap_or_default() == key)
        .map(|(i, o)| (i, o.clone()))
        .collect();
    // The history up to the failing operation's completion, what was still under way
    // then weakened, is unexplainable (that is what the search found); start from it
    // so the story ends with that operation. Weakened writes can make it costly to
    // prove, and then the object's whole history (known unexplainable) is the start.
    let end = x.complete.unwrap_or(u64::MAX);
    let upto: Vec<(usize, Operation)> = object
        .iter()
        .filter(|(_, o)| o.invoke <= end)
        .map(|(i, o)| {
            let done = *i == stuck || (o.is_ok() && o.complete.is_some_and(|c| c <= end));
            (*i, if done { o.clone() } else { o.weakened() })
        })
        .collect();
    let h: Vec<Operation> = upto.iter().map(|(_, o)| o.clone()).collect();
    let mut unused = false;
    let mut picked = if trial(budget, &mut unused, |b| {
        proven_unlinearizable(spec, &[], &h, b)
    }) {
        upto
    } else {
        object
    };
    let mut since = None;
    let mut initials = Vec::new();
    let all: Vec<Operation> = picked.iter().map(|(_, o)| o.clone()).collect();
    let values = any_state(spec.kind, &all);
    if !values.is_empty() {
        // Candidate moments: completions of ok operations before the failing one began
        // at which no ok operation is under way.
        let busy = |m: u64| {
            picked
                .iter()
                .any(|(_, o)| o.is_ok() && o.invoke <= m && o.complete.is_some_and(|c| c > m))
        };
        let mut moments: Vec<(u64, usize)> = picked
            .iter()
            .filter(|(_, o)| o.is_ok())
            .filter_map(|(i, o)| o.complete.map(|c| (c, *i)))
            .filter(|&(c, _)| c < x.invoke && !busy(c))
            .collect();
        crate::sort::sort(&mut moments);
        let cut_at = |m: u64| -> Vec<(usize, Operation)> {
            picked
                .iter()
                .filter(|(_, o)| !(o.is_ok() && o.complete.is_some_and(|c| c <= m)))
                .cloned()
                .collect()
        };
        // Later cuts weaken more, so the cuts that keep the history unexplainable come
        // first in `moments`; every cut taken is checked, so the result is a proof.
        let (mut lo, mut hi) = (0, moments.len());
        while lo < hi && budget.has_left() {
            let mid = (lo + hi) / 2;
            let h: Vec<Operation> = cut_at(moments[mid].0).into_iter().map(|(_, o)| o).collect();
            if trial(budget, &mut ran_out, |b| {
                proven_unlinearizable(spec, &values, &h, b)
            }) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo > 0 {
            since = Some(moments[lo - 1].1);
            picked = cut_at(moments[lo - 1].0);
            initials = values;
        }
    }
    let sub: Vec<Operation> = picked.iter().map(|(_, o)| o.clone()).collect();
    let keep = picked.iter().position(|(i, _)| *i == stuck).unwrap_or(0);
    let mut check = |h: &[Operation], b: &mut Budget| {
        trial(b, &mut ran_out, |slice| {
            proven_unlinearizable(spec, &initials, h, slice)
        })
    };
    let strong = explain::minimize(&sub, keep, budget, &mut check);
    let core: Vec<&Operation> = strong.iter().map(|&i| &ops[picked[i].0]).collect();
    let others = ops
        .iter()
        .filter(|o| !spec.kind.per_key() || o.call.key().unwrap_or_default() == key)
        .count()
        .saturating_sub(core.len());
    let mut counterexample = Vec::new();
    if let Some(d) = since {
        let what = if key.is_empty() {
            "the register".to_string()
        } else {
            key.to_string()
        };
        counterexample.push(format!(
            "Whatever state {what} was in once {} had completed ({}):",
            explain::name(&ops[d]),
            explain::when(&ops[d])
        ));
    }
    counterexample.extend(explain::sentences(
        &core,
        others,
        "respects real time",
        true,
    ));
    Failure {
        key: key.to_string(),
        op: stuck,
        prefix,
        core: strong.iter().map(|&i| picked[i].0).collect(),
        counterexample,
        minimal: !ran_out && budget.has_left(),
    }
}

impl Report {
    /// Builds the report of a checker that has worked; explains the first violation
    /// within `explain_budget`.
    pub fn of(format: Format, checker: &Checker, explain_budget: &mut Budget) -> Report {
        let ops = checker.ops();
        let first = checker
            .violations()
            .into_iter()
            .min_by_key(|(_, stuck, _)| (ops[*stuck].complete.unwrap_or(u64::MAX), *stuck));
        let failure = first.map(|(key, stuck, _)| explain(checker, key, stuck, explain_budget));
        Report {
            format,
            spec: checker.spec().clone(),
            operations: ops.len(),
            objects: checker.objects(),
            verdict: checker.verdict(),
            steps: checker.steps(),
            failure,
            undecided: checker.undecided().into_iter().map(String::from).collect(),
            consistency: None,
        }
    }

    /// The report as `qlab check` prints it, with the operations for naming the failure.
    pub fn to_json(&self, ops: &[Operation]) -> Json {
        let mut m = Map::new();
        m.insert(
            "linearizable".into(),
            match self.verdict {
                Verdict::Linearizable => json!(true),
                Verdict::NotLinearizable => json!(false),
                Verdict::Unknown => Json::Null,
            },
        );
        m.insert("operations".into(), json!(self.operations));
        m.insert("format".into(), json!(self.format.name()));
        m.insert("model".into(), json!(self.spec.kind.name()));
        m.insert("objects".into(), json!(self.objects));
        m.insert("steps".into(), json!(self.steps));
        if let Some(f) = &self.failure {
            let op = &ops[f.op];
            m.insert(
                "failed_op".into(),
                json!({
                    "at": explain::place(op),
                    "key": f.key,
                    "client": op.client,
                    "op": explain::describe(op),
                }),
            );
            m.insert("linearizable_prefix".into(), json!(f.prefix));
            m.insert("counterexample".into(), json!(f.counterexample));
            m.insert("counterexample_minimal".into(), json!(f.minimal));
        }
        if self.verdict == Verdict::Unknown {
            m.insert(
                "unknown".into(),
                json!(format!(
                    "the budget ran out after {} steps with {} of {} keys undecided ({})",
                    self.steps,
                    self.undecided.len(),
                    self.objects,
                    self.undecided
                        .iter()
                        .take(5)
                        .map(|k| if k.is_empty() {
                            "the register".to_string()
                        } else {
                            format!("{k:?}")
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        if let Some(c) = &self.consistency {
            m.insert("consistency".into(), c.to_json(self.verdict));
        }
        Json::Object(m)
    }
}
