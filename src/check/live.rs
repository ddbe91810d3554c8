//! Checking a history as it is being made: the simulator asks, after every operation that
//! completes `ok`, whether the models of the scenario's `check` list still hold for the
//! history as it stands at that moment (every operation not completed yet outstanding,
//! free to take effect or not).
//!
//! Only an `ok` completion can break a model (a `fail` takes nothing away, an `info` is
//! what the operation already was while outstanding), and of those only a read's: a write
//! that completes `ok` at time `t` can always be placed last, just before `t`, after every
//! operation completed by then (each of which took effect by its own completion, at or
//! before `t`), and no completed operation observed the state after it; operations still
//! outstanding stay free. The same placement, last in its session, serves sequential
//! consistency and the session guarantees, whose violations all end in a read. Once
//! broken a model stays broken (later operations only add constraints), so the first read
//! after which a model fails is exactly "the moment it became impossible". Each check is a pure
//! function of the history and runs on a step budget (counted, never timed), so it gives
//! the same answer natively, in the page and after a seek. A check that runs out of
//! budget decides nothing; the next completion tries again.
//!
//! `convergence` is a property of a run that has gone quiet, so it is judged only when a
//! run ends ([`at_end`]), never in the middle.

use super::budget::Budget;
use super::checker::Checker;
use super::history::Operation;
use super::model::Spec;
use super::report::{self, EXPLAIN_STEPS};
use super::sessions::Consistency;

/// The search steps one check may take after a completion.
pub const STEPS_PER_COMPLETION: u64 = 200_000;

/// A model found broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// The model's name (`linearizable`, `read_your_writes`, …).
    pub model: &'static str,
    /// The operation whose completion broke it, when one is known (history index).
    pub op: Option<usize>,
    /// The counterexample, sentence by sentence.
    pub counterexample: Vec<String>,
    /// The history indices of the operations the counterexample names.
    pub ops: Vec<usize>,
}

impl Broken {
    /// The counterexample as one paragraph.
    pub fn detail(&self) -> String {
        self.counterexample.join(" ")
    }
}

/// Whether `model` is broken by the history `ops` as it stands right after read
/// `completed` completed `ok`. `None`: it holds, or the budget ran out before deciding.
pub fn after_completion(
    model: &'static str,
    ops: &[Operation],
    completed: usize,
) -> Option<Broken> {
    let mut budget = Budget::steps(STEPS_PER_COMPLETION);
    match model {
        "linearizable" => linearizable(ops, completed, &mut budget),
        "convergence" => None,
        other => session(other, ops, &mut budget),
    }
}

/// The models of `models` that only the end of a run can judge (`convergence`), checked
/// on the whole history.
pub fn at_end(models: &[&'static str], ops: &[Operation]) -> Vec<Broken> {
    models
        .iter()
        .filter(|&&m| m == "convergence")
        .filter_map(|&m| session(m, ops, &mut Budget::steps(STEPS_PER_COMPLETION)))
        .collect()
}

/// Linearizability of the key operation `completed` is on: the only object its
/// completion can break (P-compositionality).
fn linearizable(ops: &[Operation], completed: usize, budget: &mut Budget) -> Option<Broken> {
    let key = ops[completed].call.key().unwrap_or_default();
    let indices: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].call.key().unwrap_or_default() == key)
        .collect();
    let spec = Spec::register();
    let mut job = spec.search(ops, &indices);
    let found = job.run(budget)?;
    let super::linear::Found::Violation { stuck, .. } = found else {
        return None;
    };
    // Explaining takes a checker of the whole history (it reads the operations by their
    // history index); it runs once per model, at the first violation.
    let mut checker = Checker::new(spec);
    checker.sync(ops);
    let failure = report::explain(&checker, key, stuck, &mut Budget::steps(EXPLAIN_STEPS));
    Some(Broken {
        model: "linearizable",
        op: Some(failure.op),
        counterexample: failure.counterexample,
        ops: failure.core,
    })
}

fn session(model: &'static str, ops: &[Operation], budget: &mut Budget) -> Option<Broken> {
    let c = Consistency::only(ops, &[model], budget);
    let result = c.model(model)?;
    (result.holds == Some(false)).then(|| Broken {
        model,
        op: None,
        counterexample: result.counterexample.clone(),
        ops: result.ops.clone(),
    })
}
