//! Counterexamples in plain sentences, and how they are made small.
//!
//! A violation is first cut down to a *core*: the failing operation and as few other
//! operations as keep the history unexplainable, every other one *weakened* to "may or
//! may not have taken effect, at any time after it began, result unknown" (a read then
//! tells nothing). Weakening only ever adds explanations, so a history that stays
//! unexplainable with some operations weakened proves the original one unexplainable,
//! and the core's operations are the reason. The cut is delta debugging (Zeller's
//! ddmin): weaken halves, then quarters, … down to single operations, keeping each
//! weakening that leaves the history unexplainable. Every trial check runs on a budget,
//! and a trial that runs out counts as "explainable" (the operations stay), so the core
//! is always a proof, and minimal (no single operation can be weakened) when no trial
//! ran out.

use super::budget::Budget;
use super::history::{Call, Micro, Operation, Outcome, Read, Source};

/// The register or key as a sentence names it.
fn object(key: &str) -> String {
    if key.is_empty() {
        "the register".into()
    } else {
        key.to_string()
    }
}

fn steps(ops: &[Micro]) -> String {
    let parts: Vec<String> = ops
        .iter()
        .map(|m| match m {
            Micro::Read {
                key,
                read: Read::Unknown,
            } => format!("read {key}"),
            Micro::Read { key, read } => format!("read {key} = {read}"),
            Micro::Write { key, value } => format!("write {key} = {value}"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// What the operation did, as a clause: "client 3 read 1 from x".
pub fn describe(op: &Operation) -> String {
    let c = op.client;
    let maybe = match op.outcome {
        Outcome::Ok => "",
        Outcome::Fail => " (which did not take effect)",
        Outcome::Info => " (which may or may not have taken effect)",
    };
    let text = match &op.call {
        Call::Read { key, read } => match read {
            Read::Unknown => format!("client {c} read {} (result unknown)", object(key)),
            read => format!("client {c} read {read} from {}", object(key)),
        },
        Call::Write { key, value } => format!("client {c} wrote {value} to {}", object(key)),
        Call::Cas {
            key,
            from,
            to,
            swapped,
        } if *swapped || !op.is_ok() => {
            format!("client {c} swapped {} from {from} to {to}", object(key))
        }
        Call::Cas { key, from, to, .. } => format!(
            "client {c} tried to swap {} from {from} to {to} and was told it did not hold {from}",
            object(key)
        ),
        Call::Get { key, read: Some(s) } => format!("client {c} got {s:?} from key {key:?}"),
        Call::Get { key, read: None } => format!("client {c} got key {key:?} (result unknown)"),
        Call::Put { key, value } => format!("client {c} put {value:?} in key {key:?}"),
        Call::Append { key, value } => format!("client {c} appended {value:?} to key {key:?}"),
        Call::Txn { ops } => format!("client {c} ran the transaction {}", steps(ops)),
        Call::Acquire => format!("client {c} acquired the lock"),
        Call::Release => format!("client {c} released the lock"),
    };
    format!("{text}{maybe}")
}

/// A short name for the operation: "client 2's write of 2".
pub fn name(op: &Operation) -> String {
    let c = op.client;
    match &op.call {
        Call::Read { read, .. } => match read {
            Read::Unknown => format!("client {c}'s read"),
            r => format!("client {c}'s read of {r}"),
        },
        Call::Write { value, .. } => format!("client {c}'s write of {value}"),
        Call::Cas { from, to, .. } => format!("client {c}'s cas from {from} to {to}"),
        Call::Get { .. } => format!("client {c}'s get"),
        Call::Put { value, .. } => format!("client {c}'s put of {value:?}"),
        Call::Append { value, .. } => format!("client {c}'s append of {value:?}"),
        Call::Txn { .. } => format!("client {c}'s transaction"),
        Call::Acquire => format!("client {c}'s acquire"),
        Call::Release => format!("client {c}'s release"),
    }
}

/// Where and when: "history[4], 10–42 ms" or "lines 12–15".
pub fn when(op: &Operation) -> String {
    match op.source {
        Some(Source::Index(i)) => match op.complete {
            Some(c) => format!("history[{i}], {}–{c} ms", op.invoke),
            None => format!("history[{i}], from {} ms, never completed", op.invoke),
        },
        Some(Source::Lines(a, Some(b))) => format!("lines {a}–{b}"),
        Some(Source::Lines(a, None)) => format!("line {a}, never completed"),
        None => match op.complete {
            Some(c) => format!("{}–{c}", op.invoke),
            None => format!("from {}, never completed", op.invoke),
        },
    }
}

/// Where the operation is in its file: `history[4]` or `line 12`.
pub fn place(op: &Operation) -> String {
    match op.source {
        Some(Source::Index(i)) => format!("history[{i}]"),
        Some(Source::Lines(a, _)) => format!("line {a}"),
        None => format!("at {}", op.invoke),
    }
}

/// Whether `a` completed before `b` was invoked (both really completed).
pub fn precedes(a: &Operation, b: &Operation) -> bool {
    a.is_ok() && a.complete.is_some_and(|c| c < b.invoke)
}

/// Cuts `ops` down to a core that `unexplainable` still rejects (see the module's
/// documentation). `keep` is never weakened (the failing operation). `unexplainable`
/// gets the weakened history and a budget, and answers `true` only when it proved the
/// history cannot be explained. Returns the indices (into `ops`) of the `ok` operations
/// left strong, `keep` among them: the core. Every other operation may be weakened.
pub fn minimize(
    ops: &[Operation],
    keep: usize,
    budget: &mut Budget,
    unexplainable: &mut dyn FnMut(&[Operation], &mut Budget) -> bool,
) -> Vec<usize> {
    let mut weak = vec![false; ops.len()];
    let mut candidates: Vec<usize> = (0..ops.len())
        .filter(|&i| i != keep && ops[i].outcome != Outcome::Fail && !is_weak(&ops[i]))
        .collect();
    let mut chunk = candidates.len().div_ceil(2).max(1);
    let mut trial: Vec<Operation> = ops.to_vec();
    while !candidates.is_empty() && budget.has_left() {
        let mut start = 0;
        let mut changed = false;
        while start < candidates.len() && budget.has_left() {
            let end = (start + chunk).min(candidates.len());
            for &i in &candidates[start..end] {
                trial[i] = ops[i].weakened();
            }
            if unexplainable(&trial, budget) {
                for &i in &candidates[start..end] {
                    weak[i] = true;
                }
                candidates.drain(start..end);
                changed = true;
            } else {
                for &i in &candidates[start..end] {
                    trial[i] = ops[i].clone();
                }
                start = end;
            }
        }
        if chunk == 1 && !changed {
            break;
        }
        chunk = chunk.div_ceil(2).max(1);
    }
    (0..ops.len())
        .filter(|&i| i == keep || (!weak[i] && ops[i].is_ok()))
        .collect()
}

/// Whether an operation already says nothing a weakening would take away.
fn is_weak(op: &Operation) -> bool {
    op.outcome == Outcome::Info && op.complete.is_none() && op.call == op.call.without_results()
}

/// The sentences of a counterexample: the core operations in the order they began,
/// each with the core operations that had completed before it began, then why no order
/// explains them. `order_words` says which orders were allowed ("respects real time");
/// `real_time` says whether to name which operations had completed before each began.
pub fn sentences(
    core: &[&Operation],
    others_weakened: usize,
    order_words: &str,
    real_time: bool,
) -> Vec<String> {
    let mut ops: Vec<&Operation> = core.to_vec();
    crate::sort::sort_by_key(&mut ops, |o| (o.invoke, o.complete.unwrap_or(u64::MAX)));
    let mut out = Vec::with_capacity(ops.len() + 1);
    for (j, b) in ops.iter().enumerate() {
        // The operations that completed before b began, less those implied by another.
        let before: Vec<&&Operation> = ops[..j]
            .iter()
            .filter(|a| precedes(a, b))
            .filter(|a| !ops[..j].iter().any(|m| precedes(a, m) && precedes(m, b)))
            .collect();
        let mut s = format!("{} ({})", describe(b), when(b));
        if real_time && !before.is_empty() {
            let names: Vec<String> = before.iter().map(|a| name(a)).collect();
            s.push_str(&format!(", after {} had completed", join(&names)));
        }
        s.push('.');
        let mut chars = s.chars();
        let s = match chars.next() {
            Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
            None => s,
        };
        out.push(s);
    }
    let mut last = match ops.len() {
        1 => format!("No order that {order_words} gives this operation its result"),
        n => format!("No order of these {n} operations that {order_words} gives every one of them its result"),
    };
    if others_weakened > 0 {
        last.push_str(&format!(
            ", even letting each of the other {others_weakened} operations on it take effect at any time after it began, or not at all"
        ));
    }
    last.push('.');
    out.push(last);
    out
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
