//! The models beyond linearizability, for read/write register histories: sequential
//! consistency, the session guarantees of Terry et al. ("Session Guarantees for Weakly
//! Consistent Replicated Data", 1994) and eventual convergence.
//!
//! A *session* is one client's operations in the order it issued them. A read's
//! *sources* are the writes to its key, `ok` or `info`, that wrote the value it
//! returned; a read of `null` reads the initial, never-written state ⊥. A write `a` is
//! *known older* than a write `b` when `a` completed (`ok`) before `b` was invoked, and
//! ⊥ is older than every write. "A read returned something older than `w`" means every
//! one of its sources is known older than `w` (or it has none: it returned a value no
//! one wrote). Only `ok` operations count as having happened; `fail` ones never do; an
//! `info` write may be a source but never obliges anyone. Where a value was written
//! more than once, a read's source is ambiguous and a guarantee is only found broken if
//! it is broken whichever write the read saw.
//!
//! - **read your writes**: no read returns something older than a write its own
//!   session made earlier (`ok`) to the same key.
//! - **monotonic reads**: no read returns something older than every source of an
//!   earlier read of the same key in its session.
//! - **monotonic writes**: a session's writes to a key are seen in the order it made
//!   them: no session reads the later one and afterwards the earlier one, and the key
//!   does not converge to the earlier one.
//! - **writes follow reads**: a write made after reading `s` (same session, same key)
//!   is ordered after `s` everywhere: no session reads the write and afterwards `s`,
//!   and the key does not converge to `s`.
//! - **convergence** (eventual consistency after quiescence): for each key, once every
//!   write to it has completed or been given up on, the last read of each client
//!   invoked after that returns the same thing. `null` when no key has such a read, or
//!   a write is still outstanding at the end.
//! - **sequential**: see [`super::sequential`].
//!
//! Each broken model comes with its smallest counterexample: the two to four operations
//! involved, in sentences (sequential consistency's is cut down by delta debugging as
//! linearizability's is).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use super::budget::Budget;
use super::checker::Verdict;
use super::explain::{self, describe, name, precedes, when};
use super::history::{Call, Operation, Read};
use super::sequential;

/// One model's verdict and, when broken, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelResult {
    /// Its snake-case name.
    pub name: &'static str,
    /// Holds, is broken, or undecided (budget, or no evidence).
    pub holds: Option<bool>,
    /// Sentences, when broken.
    pub counterexample: Vec<String>,
    /// The history indices of the operations the counterexample names (the page marks
    /// them on the History tab).
    pub ops: Vec<usize>,
}

/// A counterexample: the operations it names (history indices) and its sentences.
type Told = (Vec<usize>, Vec<String>);

/// Every model beyond linearizability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consistency {
    /// In the order the report prints them.
    pub models: Vec<ModelResult>,
}

/// Where a read's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Src {
    /// The never-written state.
    Bottom,
    /// A write (history index).
    Write(usize),
}

/// The history's writes and reads, per key.
struct Index<'a> {
    ops: &'a [Operation],
    /// Per key, the writes that may have happened.
    writes: BTreeMap<&'a str, Vec<usize>>,
    /// Per client, its operations in session order.
    sessions: BTreeMap<u64, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(ops: &'a [Operation]) -> Self {
        let mut writes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut sessions: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        let mut order: Vec<usize> = (0..ops.len()).collect();
        crate::sort::sort_by_key(&mut order, |&i| (ops[i].invoke, i));
        for i in order {
            let o = &ops[i];
            if let Call::Write { key, .. } = &o.call {
                if o.may_have_happened() {
                    writes.entry(key).or_default().push(i);
                }
            }
            sessions.entry(o.client).or_default().push(i);
        }
        Index {
            ops,
            writes,
            sessions,
        }
    }

    /// The sources of ok read `r` (`None`: not an ok read with a known result).
    fn sources(&self, r: usize) -> Option<(&'a str, Vec<Src>)> {
        let o = &self.ops[r];
        let Call::Read { key, read } = &o.call else {
            return None;
        };
        if !o.is_ok() {
            return None;
        }
        let srcs = match read {
            Read::Empty => vec![Src::Bottom],
            Read::Value(v) => self
                .writes
                .get(key.as_str())
                .into_iter()
                .flatten()
                .filter(|&&w| matches!(&self.ops[w].call, Call::Write { value, .. } if value == v))
                .map(|&w| Src::Write(w))
                .collect(),
            Read::Siblings(_) | Read::Unknown => return None,
        };
        Some((key, srcs))
    }

    /// The only source of read `r`, if it has exactly one write as its source.
    fn only_source(&self, r: usize) -> Option<usize> {
        match self.sources(r)?.1.as_slice() {
            [Src::Write(w)] => Some(*w),
            _ => None,
        }
    }

    fn older(&self, s: Src, w: usize) -> bool {
        match s {
            Src::Bottom => true,
            Src::Write(a) => precedes(&self.ops[a], &self.ops[w]),
        }
    }

    /// Whether read `r` returned something older than write `w` (see the module).
    fn older_than(&self, srcs: &[Src], w: usize) -> bool {
        srcs.iter().all(|&s| self.older(s, w))
    }

    /// The sentences naming `ops` (history indices), then `why`.
    fn story(&self, ops: &[usize], why: String) -> Told {
        let mut ids = ops.to_vec();
        ids.dedup();
        crate::sort::sort_by_key(&mut ids, |&i| (self.ops[i].invoke, i));
        ids.dedup();
        let mut out: Vec<String> = ids
            .iter()
            .map(|&i| {
                let o = &self.ops[i];
                let mut s = format!("{} ({}).", describe(o), when(o));
                if let Some(c) = s.get(..1) {
                    s = c.to_uppercase() + &s[1..];
                }
                s
            })
            .collect();
        out.push(why);
        (ids, out)
    }

    /// The ok operations of a client's session on `key`.
    fn session_on(&self, client: u64, key: &str) -> Vec<usize> {
        self.sessions[&client]
            .iter()
            .copied()
            .filter(|&i| self.ops[i].is_ok() && self.ops[i].call.key() == Some(key))
            .collect()
    }

    /// The (client, key) sessions, in order.
    fn session_keys(&self) -> Vec<(u64, &'a str)> {
        let mut out = Vec::new();
        for (&c, ops) in &self.sessions {
            let mut keys: Vec<&str> = ops.iter().filter_map(|&i| self.ops[i].call.key()).collect();
            crate::sort::sort(&mut keys);
            keys.dedup();
            out.extend(keys.into_iter().map(|k| (c, k)));
        }
        out
    }

    fn is_write(&self, i: usize) -> bool {
        matches!(self.ops[i].call, Call::Write { .. })
    }

    fn read_your_writes(&self) -> Option<Told> {
        for (c, key) in self.session_keys() {
            let session = self.session_on(c, key);
            for (j, &r) in session.iter().enumerate() {
                let Some((_, srcs)) = self.sources(r) else {
                    continue;
                };
                for &w in session[..j].iter().filter(|&&w| self.is_write(w)) {
                    if self.older_than(&srcs, w) {
                        let mut ops = vec![w, r];
                        ops.extend(srcs.iter().filter_map(|s| match s {
                            Src::Write(a) => Some(*a),
                            Src::Bottom => None,
                        }));
                        return Some(self.story(
                            &ops,
                            format!(
                                "{} returned an older value than client {c}'s own earlier write: read your writes is broken.",
                                cap(&name(&self.ops[r]))
                            ),
                        ));
                    }
                }
            }
        }
        None
    }

    fn monotonic_reads(&self) -> Option<Told> {
        for (c, key) in self.session_keys() {
            let reads: Vec<(usize, Vec<Src>)> = self
                .session_on(c, key)
                .into_iter()
                .filter_map(|r| self.sources(r).map(|(_, s)| (r, s)))
                .collect();
            for (j, (r2, s2)) in reads.iter().enumerate() {
                for (r1, s1) in &reads[..j] {
                    let newer: Vec<usize> = s1
                        .iter()
                        .filter_map(|s| match s {
                            Src::Write(w) => Some(*w),
                            Src::Bottom => None,
                        })
                        .collect();
                    if newer.len() == s1.len()
                        && !newer.is_empty()
                        && newer.iter().all(|&w| self.older_than(s2, w))
                    {
                        let mut ops = vec![*r1, *r2];
                        ops.extend(newer.iter().take(1));
                        ops.extend(s2.iter().take(1).filter_map(|s| match s {
                            Src::Write(a) => Some(*a),
                            Src::Bottom => None,
                        }));
                        return Some(self.story(
                            &ops,
                            format!(
                                "Client {c} read an older value of {key} after a newer one: monotonic reads is broken."
                            ),
                        ));
                    }
                }
            }
        }
        None
    }

    /// A session (client, key) that read write `later` and afterwards write `earlier`.
    fn saw_out_of_order(&self, later: usize, earlier: usize) -> Option<(usize, usize)> {
        let key = self.ops[later].call.key()?;
        for (c, k) in self.session_keys() {
            if k != key {
                continue;
            }
            let reads = self.session_on(c, key);
            let Some(first) = reads
                .iter()
                .position(|&r| self.only_source(r) == Some(later))
            else {
                continue;
            };
            if let Some(&r2) = reads[first + 1..]
                .iter()
                .find(|&&r| self.only_source(r) == Some(earlier))
            {
                return Some((reads[first], r2));
            }
        }
        None
    }

    /// Pairs (earlier, later) of writes that must be seen in that order, by the rule of
    /// monotonic writes (`true`) or writes follow reads (`false`).
    fn ordered_pairs(&self, monotonic_writes: bool) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for (c, key) in self.session_keys() {
            let session = self.session_on(c, key);
            for (j, &w) in session
                .iter()
                .enumerate()
                .filter(|(_, &w)| self.is_write(w))
            {
                for &before in &session[..j] {
                    if monotonic_writes && self.is_write(before) {
                        pairs.push((before, w));
                    }
                    if !monotonic_writes {
                        if let Some(s) = self.only_source(before) {
                            pairs.push((s, w));
                        }
                    }
                }
            }
        }
        pairs
    }

    /// Checks that every pair of [`Self::ordered_pairs`] is seen in order.
    fn seen_in_order(
        &self,
        monotonic_writes: bool,
        converged: &BTreeMap<&str, (usize, usize)>,
    ) -> Option<Told> {
        let rule = if monotonic_writes {
            "monotonic writes"
        } else {
            "writes follow reads"
        };
        for (earlier, later) in self.ordered_pairs(monotonic_writes) {
            if let Some((ra, rb)) = self.saw_out_of_order(later, earlier) {
                return Some(self.story(
                    &[earlier, later, ra, rb],
                    format!(
                        "Client {} saw {} and afterwards {}, which must come before it: {rule} is broken.",
                        self.ops[ra].client,
                        name(&self.ops[later]),
                        name(&self.ops[earlier])
                    ),
                ));
            }
            let key = self.ops[later].call.key().unwrap_or_default();
            if let Some(&(src, read)) = converged.get(key) {
                if src == earlier && self.ops[later].is_ok() {
                    return Some(self.story(
                        &[earlier, later, read],
                        format!(
                            "{key} converged to {}, though {} must come after it: {rule} is broken.",
                            name(&self.ops[earlier]),
                            name(&self.ops[later])
                        ),
                    ));
                }
            }
        }
        None
    }

    /// Per key, the last read of each client after the key's last write completed: the
    /// verdict, a counterexample when they disagree, and per key the write it converged
    /// to with one of those reads.
    #[allow(clippy::type_complexity)]
    fn convergence(&self) -> (Option<bool>, Told, BTreeMap<&'a str, (usize, usize)>) {
        let mut evidence = false;
        let mut converged = BTreeMap::new();
        for (&key, writes) in &self.writes {
            let Some(quiet) = writes
                .iter()
                .map(|&w| self.ops[w].complete)
                .collect::<Option<Vec<u64>>>()
            else {
                continue;
            };
            let since = quiet.into_iter().max().unwrap_or(0);
            let mut finals: Vec<usize> = Vec::new();
            for ops in self.sessions.values() {
                let last = ops.iter().rev().copied().find(|&i| {
                    let o = &self.ops[i];
                    o.is_ok()
                        && o.invoke > since
                        && matches!(&o.call, Call::Read { key: k, .. } if k == key)
                });
                finals.extend(last);
            }
            let Some(&first) = finals.first() else {
                continue;
            };
            evidence = true;
            let read_of = |i: usize| match &self.ops[i].call {
                Call::Read { read, .. } => read.clone(),
                _ => Read::Unknown,
            };
            if let Some(&other) = finals.iter().find(|&&r| read_of(r) != read_of(first)) {
                let last_write = writes
                    .iter()
                    .copied()
                    .max_by_key(|&w| self.ops[w].complete)
                    .unwrap_or(first);
                return (
                    Some(false),
                    self.story(
                        &[last_write, first, other],
                        format!("After every write to {key} had completed, the last reads of two clients still disagree: {key} did not converge."),
                    ),
                    converged,
                );
            }
            if let Some(s) = self.only_source(first) {
                converged.insert(key, (s, first));
            }
        }
        (evidence.then_some(true), Told::default(), converged)
    }
}

/// Sequential consistency, with its counterexample cut down when broken.
fn sequential_result(ops: &[Operation], budget: &mut Budget) -> ModelResult {
    let sequential = sequential::check(ops, budget);
    let mut sc = ModelResult {
        name: "sequential",
        holds: sequential,
        counterexample: Vec::new(),
        ops: Vec::new(),
    };
    if sequential == Some(false) {
        let mut cut = Budget::steps(budget.left().min(super::report::EXPLAIN_STEPS));
        let mut unexplainable = |h: &[Operation], b: &mut Budget| {
            let mut slice = Budget::steps((b.left() / 8).max(1_000).min(b.left()));
            let found = sequential::check(h, &mut slice) == Some(false);
            b.spend(slice.spent());
            found
        };
        let strong = explain::minimize(ops, usize::MAX, &mut cut, &mut unexplainable);
        let core: Vec<&Operation> = strong.iter().map(|&i| &ops[i]).collect();
        sc.counterexample = explain::sentences(
            &core,
            ops.len() - core.len(),
            "keeps each client's own order",
            false,
        );
        sc.ops = strong;
    }
    sc
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

fn result(name: &'static str, broken: Option<Told>) -> ModelResult {
    let holds = Some(broken.is_none());
    let (ops, counterexample) = broken.unwrap_or_default();
    ModelResult {
        name,
        holds,
        counterexample,
        ops,
    }
}

impl Consistency {
    /// Checks every model on the register history `ops`; sequential consistency spends
    /// at most `budget` (and its counterexample as much again, capped).
    pub fn of(ops: &[Operation], budget: &mut Budget) -> Self {
        Consistency::only(ops, &[], budget)
    }

    /// Like [`Consistency::of`], but only the models named in `wanted` (all of them when
    /// it is empty): the simulator checks a run's `check` list after every completion
    /// and pays only for what the scenario asks.
    pub fn only(ops: &[Operation], wanted: &[&str], budget: &mut Budget) -> Self {
        let want = |name: &str| wanted.is_empty() || wanted.contains(&name);
        let index = Index::new(ops);
        let mut models = Vec::new();
        if want("sequential") {
            models.push(sequential_result(ops, budget));
        }
        let converged =
            if want("monotonic_writes") || want("writes_follow_reads") || want("convergence") {
                let (convergence, (ops, why), converged) = index.convergence();
                Some((
                    ModelResult {
                        name: "convergence",
                        holds: convergence,
                        counterexample: why,
                        ops,
                    },
                    converged,
                ))
            } else {
                None
            };
        if want("read_your_writes") {
            models.push(result("read_your_writes", index.read_your_writes()));
        }
        if want("monotonic_reads") {
            models.push(result("monotonic_reads", index.monotonic_reads()));
        }
        if let Some((convergence, converged)) = converged {
            if want("monotonic_writes") {
                models.push(result(
                    "monotonic_writes",
                    index.seen_in_order(true, &converged),
                ));
            }
            if want("writes_follow_reads") {
                models.push(result(
                    "writes_follow_reads",
                    index.seen_in_order(false, &converged),
                ));
            }
            if want("convergence") {
                models.push(convergence);
            }
        }
        Consistency { models }
    }

    /// The result for model `name`, if it was checked.
    pub fn model(&self, name: &str) -> Option<&ModelResult> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The `consistency` object of a report: `linearizable` from `verdict`, then each
    /// model (`null`: undecided), then the counterexamples of the broken ones.
    pub fn to_json(&self, verdict: Verdict) -> Json {
        let mut m = Map::new();
        m.insert(
            "linearizable".into(),
            match verdict {
                Verdict::Linearizable => json!(true),
                Verdict::NotLinearizable => json!(false),
                Verdict::Unknown => Json::Null,
            },
        );
        let mut why = Map::new();
        for r in &self.models {
            m.insert(r.name.into(), json!(r.holds));
            if !r.counterexample.is_empty() {
                why.insert(r.name.into(), json!(r.counterexample));
            }
        }
        if !why.is_empty() {
            m.insert("counterexamples".into(), Json::Object(why));
        }
        Json::Object(m)
    }
}
