//! The history view's arithmetic, minus the DOM: which operations a time window shows,
//! how each is labelled, the faults on the same axis, and which operations a
//! counterexample names. Pure, so it is tested natively.
//!
//! The history is in invoke order and no operation lasts longer than the clients'
//! timeout (a client gives up then), so the operations a window `[start, end]` shows are
//! found by two binary searches on invoke times, whatever the history's length.

use std::ops::Range;

use crate::check::explain;
use crate::check::live::Broken;
use crate::check::{Call, Operation, Outcome, Read, Value};
use crate::sim::client::ClientEvent;
use crate::sim::client::Op;
use crate::sim::{Action, ScriptEntry, Time};

/// A span of simulated time, `start..=end` in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The left edge.
    pub start: Time,
    /// The right edge (after `start`).
    pub end: Time,
}

impl Window {
    /// Its width in milliseconds (at least 1).
    pub fn span(self) -> Time {
        self.end.saturating_sub(self.start).max(1)
    }

    /// Where `t` falls, from 0 (left edge) to 1 (right edge), clamped.
    pub fn fraction(self, t: Time) -> f64 {
        (t.saturating_sub(self.start) as f64 / self.span() as f64).clamp(0.0, 1.0)
    }
}

/// The narrowest window the zoom offers.
pub const MIN_SPAN_MS: Time = 100;
/// The window a view opens with.
pub const DEFAULT_SPAN_MS: Time = 1_000;

/// The window that follows the cursor: `span` wide, its right edge on a grid of a tenth
/// of the span just past `now`, so while time runs the window jumps a tenth at a time
/// instead of sliding every frame (each jump is one redraw of the bars).
pub fn following(now: Time, span: Time) -> Window {
    let span = span.max(MIN_SPAN_MS);
    let step = (span / 10).max(1);
    let end = ((now / step) + 1) * step;
    let end = end.max(span);
    Window {
        start: end - span,
        end,
    }
}

/// When operation `op` ends on the chart: its completion, or `now` while outstanding.
pub fn drawn_end(op: &Operation, now: Time) -> Time {
    op.complete.unwrap_or(now).max(op.invoke)
}

/// The indices of the operations of `ops` (in invoke order) that overlap `w`, given that
/// none lasts longer than `longest_ms`. Two binary searches and a filter over the
/// candidates: the cost is the window's operations, not the history's.
pub fn visible(ops: &[Operation], w: Window, now: Time, longest_ms: Time) -> Vec<usize> {
    candidates(ops, w, longest_ms)
        .filter(|&i| drawn_end(&ops[i], now) >= w.start)
        .collect()
}

/// What the chart draws of a history: the operations overlapping its window, each with
/// its history index, and the two figures it needs of the rest. The view builds it from
/// the run's history on every render and hands only this to the chart, so no component
/// keeps the history itself: a kept copy would make the engine copy the whole history on
/// its next write (it copies on write when shared), once per frame while time runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawn {
    /// The history's length.
    pub total: usize,
    /// How many client rows (see [`client_rows`]).
    pub rows: u64,
    /// The window's operations, in invoke order, with their history indices.
    pub shown: Vec<(usize, Operation)>,
}

impl Drawn {
    /// The part of `ops` that window `w` shows at time `now`.
    pub fn of(ops: &[Operation], w: Window, now: Time, longest_ms: Time) -> Drawn {
        Drawn {
            total: ops.len(),
            rows: client_rows(ops),
            shown: visible(ops, w, now, longest_ms)
                .into_iter()
                .map(|i| (i, ops[i].clone()))
                .collect(),
        }
    }
}

/// The index range that may overlap `w`: invoked no later than its end, and no earlier
/// than `longest_ms` before its start.
pub fn candidates(ops: &[Operation], w: Window, longest_ms: Time) -> Range<usize> {
    let earliest = w.start.saturating_sub(longest_ms);
    let first = ops.partition_point(|o| o.invoke < earliest);
    let last = ops.partition_point(|o| o.invoke <= w.end);
    first..last.max(first)
}

/// How many clients the chart has rows for: the highest client id seen (ids are `1, 2, …`).
pub fn client_rows(ops: &[Operation]) -> u64 {
    ops.iter().map(|o| o.client).max().unwrap_or(0)
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
    }
}

fn read_text(r: &Read) -> String {
    match r {
        Read::Value(v) => value_text(v),
        Read::Empty => "∅".to_string(),
        Read::Siblings(vs) => {
            let list: Vec<String> = vs.iter().map(value_text).collect();
            format!("[{}]", list.join(","))
        }
        Read::Unknown => "?".to_string(),
    }
}

/// How an operation stands, in a word the chart writes on it (never colour alone).
pub fn outcome_word(op: &Operation) -> &'static str {
    match (op.complete, op.outcome) {
        (None, _) => "pending",
        (Some(_), Outcome::Ok) => "ok",
        (Some(_), Outcome::Fail) => "fail",
        (Some(_), Outcome::Info) => "unknown",
    }
}

/// The CSS class of an operation's bar: its outcome (each has its own pattern).
pub fn outcome_class(op: &Operation) -> &'static str {
    match (op.complete, op.outcome) {
        (None, _) => "hop-pending",
        (Some(_), Outcome::Ok) => "hop-ok",
        (Some(_), Outcome::Fail) => "hop-fail",
        (Some(_), Outcome::Info) => "hop-info",
    }
}

/// The bar's label, short as in Porcupine's and Jepsen's timelines: "W x=1.3 ok",
/// "R x → 1.2", "W x=1.3 fail", "R x ?", "W x=2.1 …" (still outstanding).
pub fn bar_label(op: &Operation) -> String {
    let tail = |ok: &str| match (op.complete, op.outcome) {
        (None, _) => " …".to_string(),
        (Some(_), Outcome::Ok) => ok.to_string(),
        (Some(_), Outcome::Fail) => " fail".to_string(),
        (Some(_), Outcome::Info) => " ?".to_string(),
    };
    match &op.call {
        Call::Write { key, value } => format!("W {key}={}{}", value_text(value), tail(" ok")),
        Call::Read { key, read } => match (op.complete, op.outcome) {
            (Some(_), Outcome::Ok) => format!("R {key} → {}", read_text(read)),
            _ => format!("R {key}{}", tail("")),
        },
        other => format!("{}{}", other.name(), tail(" ok")),
    }
}

/// The operation in a sentence for its bar's accessible name and hover text:
/// "C2, op 7: client 2 wrote "2.3" to register x, ok, 1.200 s – 1.231 s".
pub fn bar_sentence(i: usize, op: &Operation) -> String {
    let end = match op.complete {
        Some(c) => crate::sim::format_ms(c),
        None => "still outstanding".to_string(),
    };
    format!(
        "C{}, op {i}: {}, {}, {} – {end}",
        op.client,
        explain::describe(op),
        outcome_word(op),
        crate::sim::format_ms(op.invoke)
    )
}

/// The trace's sentence for the operation's invocation ("C1 → S2 write x = "1" (op 4)"),
/// as the event list shows it, when it is a register read or write sent to a node.
pub fn invoke_sentence(i: usize, op: &Operation) -> Option<String> {
    let what = match &op.call {
        Call::Write { key, value } => Op::Write {
            key: key.clone(),
            value: value_text(value),
        },
        Call::Read { key, .. } => Op::Read { key: key.clone() },
        _ => return None,
    };
    let event = ClientEvent::Invoked {
        op: i,
        client: u32::try_from(op.client).ok()?,
        node: op.node?,
        what,
    };
    Some(event.to_string())
}

/// A fault drawn on the chart's axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// What it is ("S2 down", "partition {1,2} | {3,4,5}", "S1 → S3 cut").
    pub label: String,
    /// Crash (a node) or network (a partition or a cut link).
    pub kind: FaultKind,
    /// When it began.
    pub from: Time,
    /// When it ended; `None`: it still holds.
    pub to: Option<Time>,
}

/// The two lanes of faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// A node was down.
    Crash,
    /// The network was split.
    Network,
}

/// The faults of `script` up to `now`: each crash until its node's restart, each
/// partition until the heal (or the next partition, which replaces it), each cut until
/// its repair or a heal. Actions the engine refused (crashing a crashed node) pair up
/// as the engine saw them: a second crash of a down node starts nothing new.
pub fn faults(script: &[ScriptEntry], now: Time) -> Vec<Fault> {
    let mut out: Vec<Fault> = Vec::new();
    let mut down: Vec<(u32, usize)> = Vec::new();
    let mut split: Option<usize> = None;
    let mut cuts: Vec<((u32, u32), usize)> = Vec::new();
    for e in script.iter().take_while(|e| e.at_ms <= now) {
        let t = e.at_ms;
        let close = |i: usize, out: &mut Vec<Fault>| out[i].to = Some(t);
        match &e.action {
            Action::Crash { node } if !down.iter().any(|(n, _)| n == node) => {
                down.push((*node, out.len()));
                out.push(Fault {
                    label: format!("S{node} down"),
                    kind: FaultKind::Crash,
                    from: t,
                    to: None,
                });
            }
            Action::Restart { node } => {
                if let Some(p) = down.iter().position(|(n, _)| n == node) {
                    close(down.remove(p).1, &mut out);
                }
            }
            Action::Partition { groups } => {
                if let Some(i) = split.take() {
                    close(i, &mut out);
                }
                for (_, i) in cuts.drain(..) {
                    close(i, &mut out);
                }
                let parts: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        let ids: Vec<String> = g.iter().map(u32::to_string).collect();
                        format!("{{{}}}", ids.join(","))
                    })
                    .collect();
                split = Some(out.len());
                out.push(Fault {
                    label: format!("partition {}", parts.join(" | ")),
                    kind: FaultKind::Network,
                    from: t,
                    to: None,
                });
            }
            Action::Heal => {
                if let Some(i) = split.take() {
                    close(i, &mut out);
                }
                for (_, i) in cuts.drain(..) {
                    close(i, &mut out);
                }
            }
            Action::Cut { from, to } if !cuts.iter().any(|(l, _)| *l == (*from, *to)) => {
                cuts.push(((*from, *to), out.len()));
                out.push(Fault {
                    label: format!("S{from} → S{to} cut"),
                    kind: FaultKind::Network,
                    from: t,
                    to: None,
                });
            }
            Action::Repair { from, to } => {
                if let Some(p) = cuts.iter().position(|(l, _)| *l == (*from, *to)) {
                    close(cuts.remove(p).1, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// Puts each fault of one kind in the first lane it fits (no overlap with the lane's
/// last fault), at most `max` lanes (the rest share the last). Returns each fault's lane.
pub fn lanes(faults: &[&Fault], now: Time, max: usize) -> Vec<usize> {
    let mut ends: Vec<Time> = Vec::new();
    faults
        .iter()
        .map(|f| {
            let lane = ends
                .iter()
                .position(|&e| e < f.from)
                .unwrap_or(ends.len())
                .min(max.saturating_sub(1));
            let end = f.to.unwrap_or(now);
            if lane == ends.len() {
                ends.push(end);
            } else {
                ends[lane] = ends[lane].max(end);
            }
            lane
        })
        .collect()
}

/// The operations to mark as part of a counterexample: for each broken model the read
/// that broke it and the operations its counterexample names, sorted, each once.
pub fn culprits(broken: &[Broken]) -> Vec<usize> {
    let mut ops: Vec<usize> = broken
        .iter()
        .flat_map(|b| b.op.into_iter().chain(b.ops.iter().copied()))
        .collect();
    crate::sort::sort(&mut ops);
    ops.dedup();
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(
        client: u64,
        invoke: Time,
        complete: Option<Time>,
        outcome: Outcome,
        call: Call,
    ) -> Operation {
        Operation {
            client,
            node: Some(1),
            call,
            invoke,
            complete,
            outcome,
            source: None,
        }
    }

    fn write(client: u64, invoke: Time, complete: Option<Time>, value: &str) -> Operation {
        let call = Call::Write {
            key: "x".into(),
            value: Value::Str(value.into()),
        };
        let outcome = if complete.is_some() {
            Outcome::Ok
        } else {
            Outcome::Info
        };
        op(client, invoke, complete, outcome, call)
    }

    #[test]
    fn drawn_keeps_the_windows_operations_with_their_indices() {
        let ops = vec![
            write(1, 0, Some(100), "1.1"),
            write(2, 900, Some(1_100), "2.1"),
            write(3, 1_500, None, "3.1"),
            write(1, 2_500, Some(2_600), "1.2"),
        ];
        let w = Window {
            start: 1_000,
            end: 2_000,
        };
        let drawn = Drawn::of(&ops, w, 2_000, 501);
        assert_eq!(drawn.total, 4);
        assert_eq!(drawn.rows, 3);
        let shown: Vec<usize> = drawn.shown.iter().map(|(i, _)| *i).collect();
        assert_eq!(
            shown,
            [1, 2],
            "the write across the left edge and the outstanding one"
        );
        assert_eq!(drawn.shown[1].1, ops[2]);
    }

    #[test]
    fn labels_say_what_happened_in_words() {
        assert_eq!(bar_label(&write(1, 0, Some(5), "1.3")), "W x=1.3 ok");
        assert_eq!(bar_label(&write(1, 0, None, "1.3")), "W x=1.3 …");
        let read = op(
            2,
            0,
            Some(9),
            Outcome::Ok,
            Call::Read {
                key: "x".into(),
                read: Read::Value(Value::Str("1.2".into())),
            },
        );
        assert_eq!(bar_label(&read), "R x → 1.2");
        let lost = op(
            2,
            0,
            Some(500),
            Outcome::Info,
            Call::Read {
                key: "x".into(),
                read: Read::Unknown,
            },
        );
        assert_eq!(bar_label(&lost), "R x ?");
        assert_eq!(outcome_word(&lost), "unknown");
        let mut failed = write(3, 0, Some(4), "3.1");
        failed.outcome = Outcome::Fail;
        assert_eq!(bar_label(&failed), "W x=3.1 fail");
    }

    #[test]
    fn the_window_shows_only_what_overlaps_it_among_ten_thousand() {
        // 10,000 operations, one every 10 ms, each 25 ms long.
        let ops: Vec<Operation> = (0..10_000)
            .map(|i| write(i % 3 + 1, i * 10, Some(i * 10 + 25), "v"))
            .collect();
        let w = Window {
            start: 50_000,
            end: 51_000,
        };
        let shown = visible(&ops, w, 200_000, 500);
        // Invoked in 49,980..=51,000: 103 operations.
        assert_eq!(shown.first(), Some(&4_998));
        assert_eq!(shown.last(), Some(&5_100));
        assert_eq!(shown.len(), 103);
        assert!(candidates(&ops, w, 500).len() < 200);
    }

    #[test]
    fn an_outstanding_operation_reaches_the_cursor() {
        let ops = vec![write(1, 100, None, "1.1")];
        let w = Window {
            start: 400,
            end: 600,
        };
        assert_eq!(visible(&ops, w, 450, 500), vec![0]);
        assert_eq!(drawn_end(&ops[0], 450), 450);
    }

    #[test]
    fn the_following_window_jumps_a_tenth_at_a_time() {
        assert_eq!(
            following(0, 2_000),
            Window {
                start: 0,
                end: 2_000
            }
        );
        let a = following(5_010, 2_000);
        assert_eq!(a, following(5_150, 2_000));
        assert_eq!(
            a,
            Window {
                start: 3_200,
                end: 5_200
            }
        );
        assert!(following(5_200, 2_000).end > a.end);
    }

    #[test]
    fn faults_pair_crashes_with_restarts_and_cuts_with_heals() {
        let script = vec![
            ScriptEntry {
                at_ms: 100,
                action: Action::Crash { node: 2 },
            },
            ScriptEntry {
                at_ms: 150,
                action: Action::Crash { node: 2 },
            },
            ScriptEntry {
                at_ms: 200,
                action: Action::Cut { from: 1, to: 3 },
            },
            ScriptEntry {
                at_ms: 300,
                action: Action::Restart { node: 2 },
            },
            ScriptEntry {
                at_ms: 400,
                action: Action::Partition {
                    groups: vec![vec![1, 2], vec![3]],
                },
            },
            ScriptEntry {
                at_ms: 500,
                action: Action::Heal,
            },
            ScriptEntry {
                at_ms: 900,
                action: Action::Crash { node: 1 },
            },
        ];
        let f = faults(&script, 600);
        assert_eq!(f.len(), 3);
        assert_eq!(
            (f[0].label.as_str(), f[0].from, f[0].to),
            ("S2 down", 100, Some(300))
        );
        assert_eq!((f[1].label.as_str(), f[1].to), ("S1 → S3 cut", Some(400)));
        assert_eq!(
            (f[2].label.as_str(), f[2].to),
            ("partition {1,2} | {3}", Some(500))
        );
        let network: Vec<&Fault> = f.iter().filter(|f| f.kind == FaultKind::Network).collect();
        assert_eq!(lanes(&network, 600, 3), vec![0, 1]);
    }

    #[test]
    fn the_culprits_are_each_broken_models_read_and_named_operations() {
        let broken = [
            Broken {
                model: "linearizable",
                op: Some(7),
                counterexample: vec!["Why.".into()],
                ops: vec![3, 7],
            },
            Broken {
                model: "read_your_writes",
                op: None,
                counterexample: vec!["Why.".into()],
                ops: vec![5, 3],
            },
        ];
        assert_eq!(culprits(&broken), [3, 5, 7]);
        assert!(culprits(&[]).is_empty());
    }
}
