//! Logical clocks of every run, for any protocol: `qlab trace --clocks` and
//! `qlab export --format shiviz` against the rules of Lamport's "Time, Clocks, and the
//! Ordering of Events in a Distributed System" (1978) and of vector clocks (Mattern,
//! Fidge, 1988), on a hand-built election with a known answer and over chaos sweeps.

use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::qlab;

use quorum_lab::cli::{export_shiviz, trace};
use quorum_lab::protocols::PROTOCOLS;
use quorum_lab::scenario::chaos::add_chaos;
use quorum_lab::scenario::Scenario;
use quorum_lab::sim::clocks::happened_before;
use quorum_lab::sim::shiviz;
use serde_json::Value;

/// The three-node election of `tests/scenarios/raft/`: S1 times out, its RequestVote to S2
/// (message 1) is delivered at 10 ms, S2's granted vote (message 3) at 20 ms, and S1 leads.
fn three_node_election() -> Scenario {
    let path = "tests/scenarios/raft/5.2-three-nodes-one-granted-vote-wins.json";
    let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Scenario::from_json(&case["scenario"].to_string()).unwrap()
}

fn records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn vector(r: &Value) -> Vec<u64> {
    r["vector"]
        .as_array()
        .unwrap_or_else(|| panic!("no vector: {r}"))
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect()
}

/// A record as the hand-built test checks it: its number, kind, Lamport clock and vector.
type Clocked<'a> = (u64, &'a str, Option<u64>, Option<Vec<u64>>);

/// Lamport IR1 (each event ticks its process's clock), IR2 (a receiver sets its clock past
/// the message's timestamp) and the vector clock rules, event by event, on a run whose
/// every message is delivered by hand.
#[test]
fn a_hand_delivered_election_has_the_clocks_the_rules_give() {
    let out = trace(&three_node_election(), 30, true);
    let got: Vec<Clocked> = records(&out)
        .iter()
        .map(|r| {
            let seq = r["seq"].as_u64().unwrap();
            let kind = match r["event"].as_str().unwrap() {
                "action" => "action",
                "note" => "note",
                "sent" => "sent",
                "delivered" => "delivered",
                other => panic!("unexpected {other}"),
            };
            let clocks = r.get("vector").map(|_| vector(r));
            (seq, kind, r["lamport"].as_u64(), clocks)
        })
        .collect();
    let want: Vec<Clocked> = vec![
        // S1's `timeout` is an event at S1 (IR1: C1 = 1); its note is part of it.
        (1, "action", Some(1), Some(vec![1, 0, 0])),
        (2, "note", Some(1), Some(vec![1, 0, 0])),
        // Two sends, each an event of its own.
        (3, "sent", Some(2), Some(vec![2, 0, 0])),
        (4, "sent", Some(3), Some(vec![3, 0, 0])),
        // The `deliver` action is the user's, at no node: no clocks.
        (5, "action", None, None),
        // IR2: message 1 carries C1 = 2; S2 (at 0) moves to max(0, 2) + 1 = 3, and its
        // vector takes S1's entry from the message.
        (6, "delivered", Some(3), Some(vec![2, 1, 0])),
        (7, "note", Some(3), Some(vec![2, 1, 0])),
        (8, "note", Some(3), Some(vec![2, 1, 0])),
        (9, "sent", Some(4), Some(vec![2, 2, 0])),
        (10, "action", None, None),
        // S1 (at 3) receives message 3 (C2 = 4): max(3, 4) + 1 = 5.
        (11, "delivered", Some(5), Some(vec![4, 2, 0])),
        (12, "note", Some(5), Some(vec![4, 2, 0])),
        (13, "sent", Some(6), Some(vec![5, 2, 0])),
        (14, "sent", Some(7), Some(vec![6, 2, 0])),
    ];
    assert_eq!(got, want);
    // S1's second RequestVote (seq 4) and S2's receipt of the first (seq 6) are
    // concurrent: neither vector is below the other, though C(4) = C(6) = 3.
    assert!(!happened_before(&[3, 0, 0], &[2, 1, 0]));
    assert!(!happened_before(&[2, 1, 0], &[3, 0, 0]));
}

/// The clocks are an observer's: with them stripped, `--clocks` prints exactly what the
/// plain trace prints.
#[test]
fn clocks_add_two_fields_and_change_nothing_else() {
    let scenario = chaotic(CHAOS_BASES[0], 3, 2_000);
    let plain = trace(&scenario, 2_000, false);
    let mut clocked = records(&trace(&scenario, 2_000, true));
    for r in &mut clocked {
        let map = r.as_object_mut().unwrap();
        map.remove("lamport");
        map.remove("vector");
    }
    let stripped: Vec<String> = clocked.iter().map(Value::to_string).collect();
    assert_eq!(plain.lines().collect::<Vec<_>>(), stripped);
}

/// The base of each protocol's chaos runs: Raft's default scenario (elections and
/// heartbeats), Multi-Paxos in steady state (single-decree Paxos falls silent once a value
/// is chosen).
const CHAOS_BASES: &[&str] = &["raft", "preset:paxos-multi-steady-state"];

/// `base` (a protocol's name or `preset:ID`) with seed `seed`'s chaos over `until_ms`:
/// crashes, restarts, partitions, cuts, loss and duplication.
fn chaotic(base: &str, seed: u64, until_ms: u64) -> Scenario {
    let mut s = match base.strip_prefix("preset:") {
        Some(id) => {
            let (_, p) = quorum_lab::scenario::presets::sources()
                .find(|(_, p)| p.id == id)
                .unwrap();
            Scenario::from_json(p.json).unwrap()
        }
        None => Scenario::default_for(quorum_lab::protocols::find(base).unwrap()),
    };
    s.seed = seed;
    add_chaos(&mut s, until_ms);
    s
}

/// An event at a node (not a note: notes belong to the event before them).
struct NodeEvent {
    node: usize,
    lamport: u64,
    vector: Vec<u64>,
}

/// Happened-before of Lamport's §2, computed from the trace alone, not from the clocks:
/// the events of one node in order, each send before its deliveries (a duplicate's
/// delivery included), and the transitive closure. Returns the node events and, for
/// each, the set of events before it (as a bit set over event indexes).
fn causality(records: &[Value]) -> (Vec<NodeEvent>, Vec<Vec<u64>>) {
    let mut events: Vec<NodeEvent> = Vec::new();
    let mut before: Vec<Vec<u64>> = Vec::new();
    let mut last_at: BTreeMap<usize, usize> = BTreeMap::new();
    let mut sent_by: BTreeMap<u64, usize> = BTreeMap::new();
    for r in records {
        let kind = r["event"].as_str().unwrap();
        if kind == "duplicated" {
            let original = sent_by[&r["of"].as_u64().unwrap()];
            sent_by.insert(r["id"].as_u64().unwrap(), original);
        }
        if kind == "note" || r.get("vector").is_none() {
            continue;
        }
        let node = match kind {
            "sent" => r["from"].as_u64(),
            "delivered" => r["to"].as_u64(),
            _ => r["node"].as_u64(),
        }
        .map(|n| n as usize);
        let i = events.len();
        let words = i / 64 + 1;
        let mut past = vec![0u64; words];
        let add = |j: usize, past: &mut Vec<u64>, before: &[Vec<u64>]| {
            past[j / 64] |= 1 << (j % 64);
            for (w, b) in past.iter_mut().zip(&before[j]) {
                *w |= b;
            }
        };
        // Actions and timers name their node in "node"; an action record names it in
        // its text only, so it is found from the vector's ticking entry below.
        let node = node.unwrap_or_else(|| {
            let v = vector(r);
            let prev = |n: usize| last_at.get(&n).map_or(0, |&j| events[j].vector[n - 1]);
            (1..=v.len())
                .find(|&n| v[n - 1] == prev(n) + 1)
                .expect("an event ticks its node")
        });
        if let Some(&j) = last_at.get(&node) {
            add(j, &mut past, &before);
        }
        if kind == "delivered" {
            let j = sent_by[&r["id"].as_u64().unwrap()];
            add(j, &mut past, &before);
        }
        if kind == "sent" {
            sent_by.insert(r["id"].as_u64().unwrap(), i);
        }
        last_at.insert(node, i);
        before.push(past);
        events.push(NodeEvent {
            node,
            lamport: r["lamport"].as_u64().unwrap(),
            vector: vector(r),
        });
    }
    (events, before)
}

fn is_before(before: &[Vec<u64>], a: usize, b: usize) -> bool {
    before[b]
        .get(a / 64)
        .is_some_and(|w| w & (1 << (a % 64)) != 0)
}

/// Over chaos runs of every protocol: each event ticks its own entry by exactly one
/// (IR1), the clock condition holds (a → b implies C(a) < C(b), Lamport §2), and vector
/// clocks characterise causality exactly (a → b if and only if V(a) < V(b)).
#[test]
fn the_clock_condition_and_vector_causality_hold_over_chaos() {
    let until = 3_000;
    assert_eq!(
        CHAOS_BASES.len(),
        PROTOCOLS.len(),
        "every protocol has a base"
    );
    for &base in CHAOS_BASES {
        let mut pairs = 0u64;
        let mut concurrent = 0u64;
        for seed in 0..4 {
            let scenario = chaotic(base, seed, until);
            let (events, before) = causality(&records(&trace(&scenario, until, true)));
            assert!(events.len() > 100, "{base} seed {seed}: a busy run");
            let mut own: BTreeMap<usize, u64> = BTreeMap::new();
            for e in &events {
                let count = own.entry(e.node).or_insert(0);
                *count += 1;
                assert_eq!(e.vector[e.node - 1], *count, "IR1 at S{}", e.node);
            }
            for b in 0..events.len() {
                for a in 0..events.len() {
                    if a == b {
                        continue;
                    }
                    let causal = is_before(&before, a, b);
                    let (ea, eb) = (&events[a], &events[b]);
                    if causal {
                        assert!(ea.lamport < eb.lamport, "{base} seed {seed}");
                    }
                    assert_eq!(
                        happened_before(&ea.vector, &eb.vector),
                        causal,
                        "{base} seed {seed}: events {a} and {b}"
                    );
                    pairs += 1;
                    concurrent += u64::from(!causal && !is_before(&before, b, a));
                }
            }
        }
        // The sweep is worth something only if it met concurrent events too.
        assert!(concurrent > 0 && concurrent < pairs, "{base}");
    }
}

/// The same scenario gives the same clocks and the same log, every time.
#[test]
fn clocks_and_exports_are_deterministic() {
    let scenario = chaotic(CHAOS_BASES[1], 11, 2_000);
    assert_eq!(trace(&scenario, 2_000, true), trace(&scenario, 2_000, true));
    assert_eq!(
        export_shiviz(&scenario, 2_000),
        export_shiviz(&scenario, 2_000)
    );
}

/// Our ShiViz log reads back through ShiViz's default parser with the trace's clocks:
/// one event per clocked record that is not a note, in the same order.
#[test]
fn the_shiviz_export_round_trips_through_the_parser() {
    for &base in CHAOS_BASES {
        let scenario = chaotic(base, 5, 2_000);
        let log = export_shiviz(&scenario, 2_000);
        let events = shiviz::parse(&log).unwrap_or_else(|e| panic!("{base}: {e}"));
        let want: Vec<Value> = records(&trace(&scenario, 2_000, true))
            .into_iter()
            .filter(|r| r.get("vector").is_some() && r["event"] != "note")
            .collect();
        assert_eq!(events.len(), want.len(), "{base}");
        for (e, r) in events.iter().zip(&want) {
            let v = vector(r);
            let clock: Vec<(String, u64)> = (1..=v.len())
                .filter(|&n| v[n - 1] > 0)
                .map(|n| (shiviz::host_name(n as u32), v[n - 1]))
                .collect();
            assert_eq!(e.clock, clock, "{base}: {}", e.event);
            assert!(e.event.contains(&format!("#{})", r["seq"])), "{}", e.event);
        }
    }
}

/// ShiViz's own example logs parse with the default parser's meaning, and in each
/// execution every event counts one more event of its host than the host's event
/// before (the logs written for another expression yield none and say so).
#[test]
fn shivizs_example_logs_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/shiviz");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipped: {} is absent (ShiViz's example logs)",
            dir.display()
        );
        return;
    };
    let mut paths: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // ShiViz's page gives the multi-execution example the delimiter
        // `^=== (?<trace>.*) ===$`: each part between such lines is its own execution.
        let executions = split_executions(&text);
        let mut parsed = 0;
        for part in executions {
            let events = match shiviz::parse(&part) {
                Ok(events) => events,
                Err(e) => {
                    assert_eq!(e.line, 1, "{name}: {e}");
                    continue;
                }
            };
            let mut own: BTreeMap<&str, u64> = BTreeMap::new();
            for e in &events {
                let now = e.entry(&e.host);
                let before = own.insert(&e.host, now).unwrap_or(0);
                assert!(
                    now > before,
                    "{name} line {}: {} after {before}",
                    e.line,
                    now
                );
            }
            parsed += events.len();
        }
        eprintln!("{name}: {parsed} events");
    }
}

fn split_executions(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for line in text.lines() {
        if line.starts_with("=== ") && line.ends_with(" ===") {
            parts.push(String::new());
        } else {
            let part = parts.last_mut().unwrap();
            part.push_str(line);
            part.push('\n');
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// The binary: `--clocks` adds the fields to the records at nodes, `export` prints a
/// ShiViz log, and a bad format is a one-line usage error.
#[test]
fn the_cli_prints_clocks_and_exports_shiviz() {
    let o = qlab(
        &[
            "trace",
            "preset:first-election",
            "--until-ms",
            "400",
            "--clocks",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
    let rs = records(&String::from_utf8_lossy(&o.stdout));
    let sent = rs.iter().find(|r| r["event"] == "sent").unwrap();
    assert!(sent["lamport"].as_u64().unwrap() >= 1);
    assert_eq!(vector(sent).len(), 5);
    let plain = qlab(&["trace", "preset:first-election", "--until-ms", "400"], "");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\"lamport\""));

    let o = qlab(
        &[
            "export",
            "preset:first-election",
            "--format",
            "shiviz",
            "--until-ms",
            "400",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
    let log = String::from_utf8_lossy(&o.stdout);
    let events = shiviz::parse(&log).unwrap();
    assert!(events.len() > 10);
    assert!(log.lines().nth(1).unwrap().starts_with("S"), "{log}");

    let bad = qlab(&["export", "preset:first-election", "--format", "dot"], "");
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("shiviz"), "{err}");
}
