//! Raft as a linearizable key-value store (Ongaro's thesis §6.4): the `reads` setting,
//! the client history each rule produces, the deliberate bugs the `linearizable` check
//! catches, and a sweep of correct Raft under random faults with a client workload.
//! The cases that read like the thesis, one rule each, are JSON under
//! `tests/scenarios/raft/kv/` (run by `tests/scenarios.rs`); this file holds what those
//! cannot say: expectations on the history and sweeps over many seeds.

use quorum_lab::check::{Call, Outcome, Read, Value as Datum};
use quorum_lab::protocols::raft::{self, RaftConfig, Reads};
use quorum_lab::protocols::{self, Run};
use quorum_lab::scenario::{presets, Scenario};
use serde_json::{json, Value};

/// A three-server Raft scenario with fixed 10 ms latency, the linearizable check, and
/// these settings and script.
fn scenario(raft: Value, clients: Value, script: Value) -> Scenario {
    let s = json!({
        "version": 1, "protocol": "raft", "nodes": 3,
        "network": { "latency_ms": [10, 10] },
        "raft": raft,
        "clients": clients,
        "check": ["linearizable"],
        "script": script,
    });
    Scenario::from_json(&s.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn run_until(s: &Scenario, t: u64) -> Box<dyn Run> {
    let mut run = protocols::build(s);
    run.advance_to(t);
    run
}

fn outcomes(run: &dyn Run) -> Vec<Outcome> {
    run.history().iter().map(|o| o.outcome).collect()
}

fn broken(run: &dyn Run) -> Vec<&'static str> {
    run.violations().iter().map(|v| v.invariant).collect()
}

#[test]
fn reads_default_to_read_index_and_a_bad_mode_is_named_by_its_path() {
    let s = Scenario::default_for(&raft::SPEC);
    assert_eq!(RaftConfig::of(&s).reads, Reads::ReadIndex);
    // The default is not written out, so blocks written before reads existed stay the same.
    assert!(s.settings.get("reads").is_none(), "{}", s.settings);
    let lease = r#"{"version": 1, "protocol": "raft", "raft": {"reads": "lease"}}"#;
    let s = Scenario::from_json(lease).unwrap();
    assert_eq!(RaftConfig::of(&s).reads, Reads::Lease);
    assert_eq!(s.settings["reads"], "lease");
    let bad = r#"{"version": 1, "protocol": "raft", "raft": {"reads": "fast"}}"#;
    let e = Scenario::from_json(bad).unwrap_err().to_string();
    assert!(e.starts_with("raft.reads: "), "{e}");
    assert!(e.contains("read_index"), "the error lists the modes: {e}");
}

#[test]
fn lease_reads_with_manual_elections_fall_back_to_read_index_with_a_warning() {
    // Thesis §6.4.1: a lease lasts the minimum election timeout; without one there is none.
    let block = json!({ "election_timeout_ms": null, "reads": "lease" });
    let config = RaftConfig::parse(Some(&block.to_string())).unwrap();
    assert_eq!(config.reads_in_effect(), Reads::ReadIndex);
    let warnings = (raft::SPEC.warnings)(&block);
    assert!(
        warnings
            .iter()
            .any(|(field, w)| *field == "election_timeout_ms" && w.contains("ReadIndex")),
        "{warnings:?}"
    );
    let with_timeouts = json!({ "reads": "lease" });
    assert!((raft::SPEC.warnings)(&with_timeouts).is_empty());
}

#[test]
fn a_refused_operation_fails_and_a_deposed_leaders_write_is_unknown() {
    // §6.2: the follower did not append the write: `fail`. §6.4: the deposed leader's
    // entry might have survived, so its client records `info`, never `fail`.
    let s = scenario(
        json!({ "election_timeout_ms": null, "leader_noop": true }),
        json!({ "timeout_ms": 500 }),
        json!([
            { "at_ms": 0, "action": "timeout", "node": 1 },
            { "at_ms": 50, "action": "write", "client": 2, "node": 3, "key": "x", "value": "a" },
            { "at_ms": 100, "action": "partition", "groups": [[1], [2, 3]] },
            { "at_ms": 100, "action": "write", "client": 1, "node": 1, "key": "x", "value": "lost" },
            { "at_ms": 150, "action": "timeout", "node": 2 },
            { "at_ms": 300, "action": "heal" },
            { "at_ms": 700, "action": "read", "client": 1, "node": 2, "key": "x" }
        ]),
    );
    let run = run_until(&s, 1_000);
    assert_eq!(
        outcomes(&*run),
        [Outcome::Fail, Outcome::Info, Outcome::Ok],
        "{:?}",
        run.history()
    );
    // The lost write never took effect: the new leader reads nothing.
    assert!(matches!(
        run.history()[2].call,
        Call::Read {
            read: Read::Empty,
            ..
        }
    ));
    assert!(broken(&*run).is_empty(), "{:?}", run.violations());
}

#[test]
fn a_deposed_leader_fails_the_reads_it_could_not_confirm() {
    // A read waiting for its heartbeat round when the leader steps down is failed, not
    // left to time out: a read not answered changed nothing, and the client may retry.
    let s = scenario(
        json!({ "election_timeout_ms": null, "leader_noop": true }),
        json!({ "timeout_ms": 1000 }),
        json!([
            { "at_ms": 0, "action": "timeout", "node": 1 },
            { "at_ms": 100, "action": "partition", "groups": [[1], [2, 3]] },
            { "at_ms": 110, "action": "timeout", "node": 2 },
            { "at_ms": 200, "action": "read", "client": 1, "node": 1, "key": "x" },
            { "at_ms": 400, "action": "heal" }
        ]),
    );
    let run = run_until(&s, 700);
    assert_eq!(outcomes(&*run), [Outcome::Fail], "{:?}", run.history());
    assert!(broken(&*run).is_empty(), "{:?}", run.violations());
}

#[test]
fn every_read_mode_serves_a_written_value() {
    for reads in ["log", "read_index", "lease"] {
        let s = scenario(
            json!({ "leader_noop": true, "reads": reads }),
            json!({ "timeout_ms": 500 }),
            json!([
                { "at_ms": 0, "action": "timeout", "node": 1 },
                { "at_ms": 100, "action": "write", "client": 1, "node": 1, "key": "x", "value": "1" },
                { "at_ms": 200, "action": "read", "client": 2, "node": 1, "key": "x" }
            ]),
        );
        let run = run_until(&s, 400);
        let h = run.history();
        assert_eq!(
            outcomes(&*run),
            [Outcome::Ok, Outcome::Ok],
            "{reads}: {h:?}"
        );
        assert!(
            matches!(&h[1].call, Call::Read { read: Read::Value(Datum::Str(v)), .. } if v == "1"),
            "{reads}: {h:?}"
        );
        let report = run.report();
        for node in report["nodes"].as_array().unwrap() {
            assert_eq!(node["store"], json!({ "x": "1" }), "{reads}");
        }
    }
}

#[test]
fn the_first_releases_presets_ignore_clients() {
    // Presets without clients have no history: the store is empty, nothing is checked.
    for p in presets::all()
        .iter()
        .filter(|p| p.scenario.protocol.name == "raft")
    {
        if p.scenario.check.is_empty() {
            let run = run_until(&p.scenario, p.scenario.default_until_ms());
            assert!(run.history().is_empty(), "{}", p.id);
        }
    }
}

#[test]
fn each_read_mutation_is_caught_by_the_linearizable_check_in_its_preset() {
    // Thesis §6.4: each rule a mutation removes is what kept reads linearizable; its
    // preset shows the violation, and the same run without the mutation is clean.
    for (mutation, id) in [
        ("stale_reads", "stale-reads"),
        ("leader_reads_unchecked", "leader-reads-unchecked"),
    ] {
        assert_eq!(
            raft::SPEC.mutation(mutation).and_then(|m| m.preset),
            Some(id)
        );
        let p = presets::get(id).unwrap().unwrap();
        assert_eq!(p.settings["mutations"], json!([mutation]), "{id}");
        let run = run_until(&p, p.default_until_ms());
        assert_eq!(broken(&*run), ["linearizable"], "{id}");
        // Within a couple of seconds of simulated time.
        assert!(
            run.violations()[0].at_ms <= 2_000,
            "{id}: {:?}",
            run.violations()
        );
        let mut settings = p.settings.clone();
        settings["mutations"] = json!([]);
        let fixed = p.with_settings(&settings).unwrap();
        let run = run_until(&fixed, fixed.default_until_ms());
        assert!(
            broken(&*run).is_empty(),
            "{id} without {mutation}: {:?}",
            run.violations()
        );
    }
}

/// A five-server scenario checked for linearizability, with `raft` settings, for chaos
/// to add faults and a client workload to.
fn chaos_base(raft: Value, seed: u64) -> Scenario {
    let s = json!({
        "version": 1, "protocol": "raft", "nodes": 5, "seed": seed,
        "raft": raft, "check": ["linearizable"],
    });
    Scenario::from_json(&s.to_string()).unwrap()
}

#[test]
fn correct_raft_stays_linearizable_under_random_faults() {
    // Swarm chaos (crashes, restarts, partitions, cuts, loss, duplication, forced
    // elections) with a client workload, 200 seeds of 10 s, the three read modes in
    // turn: no violation of Figure 3, of progress or of linearizability.
    let modes = ["read_index", "lease", "log"];
    let (mut reads, mut writes) = (0, 0);
    for seed in 0..200u64 {
        let reads_mode = modes[(seed % 3) as usize];
        let mut s = chaos_base(
            json!({ "leader_noop": seed % 2 == 0, "reads": reads_mode }),
            seed,
        );
        let (run, _) = quorum_lab::scenario::chaos::run_chaos(&mut s, 10_000);
        assert!(
            run.violations().is_empty(),
            "seed {seed} ({reads_mode}): {:?}\n{}",
            run.violations(),
            s.to_json()
        );
        for o in run.history().iter().filter(|o| o.outcome == Outcome::Ok) {
            match o.call {
                Call::Read { .. } => reads += 1,
                _ => writes += 1,
            }
        }
    }
    // The sweep says something: clients did get answers.
    assert!(
        reads > 2_000 && writes > 2_000,
        "{reads} reads, {writes} writes ok"
    );
}

#[test]
fn chaos_finds_each_read_mutation_within_a_few_seeds() {
    for mutation in ["stale_reads", "leader_reads_unchecked"] {
        let found = (0..40u64).find(|&seed| {
            let mut s = chaos_base(
                json!({ "leader_noop": true, "mutations": [mutation] }),
                seed,
            );
            let (run, _) = quorum_lab::scenario::chaos::run_chaos(&mut s, 10_000);
            broken(&*run).contains(&"linearizable")
        });
        assert!(found.is_some(), "{mutation}: no seed of 40 caught it");
    }
}
