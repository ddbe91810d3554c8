//! `qlab sweep --chaos`: thousands of seeds of random crashes, restarts, partitions, heals,
//! timeouts and client requests. Correct Raft survives every one; each deliberate bug is
//! found by some seed.

use std::time::Instant;

use quorum_lab::cli::sweep;
use quorum_lab::scenario::Scenario;
use serde_json::Value;

const BASE: &str = "http://x/";

fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap()
}

fn report(what: &str, summary: &Value, started: Instant) {
    eprintln!(
        "{what}: {} runs, {} with violations, {} events, {:.1} s",
        summary["runs"],
        summary["runs_with_violations"],
        summary["events"],
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn a_thousand_chaos_seeds_break_no_invariant() {
    let started = Instant::now();
    let s = scenario(r#"{"version": 1, "protocol": "raft"}"#);
    let summary = sweep(&s, 1_000, true, 10_000, BASE);
    report("default scenario", &summary, started);
    assert_eq!(summary["runs"], 1_000);
    assert_eq!(summary["runs_with_violations"], 0, "{summary}");
    assert!(summary["first_failing_link"].is_null());
}

#[test]
fn a_thousand_chaos_seeds_with_every_extension_on_a_lossy_network() {
    let started = Instant::now();
    let s = scenario(
        r#"{"version": 1, "protocol": "raft", "nodes": 5,
            "network": {"latency_ms": [5, 60], "loss": 0.1, "duplicate": 0.1},
            "raft": {"leader_noop": true, "pre_vote": true, "check_quorum": true}}"#,
    );
    let summary = sweep(&s, 1_000, true, 10_000, BASE);
    report("lossy network, every extension", &summary, started);
    assert_eq!(summary["runs_with_violations"], 0, "{summary}");
}

#[test]
fn chaos_finds_each_safety_mutation() {
    // Seed counts are a few times what it takes today, so that an unrelated change to the
    // chaos generator does not make a bug slip through.
    for (mutation, seeds, invariant) in [
        ("vote_ignores_log", 500, "leader_completeness"),
        ("commit_old_terms", 5_000, "state_machine_safety"),
        ("forget_vote", 5_000, "election_safety"),
    ] {
        let started = Instant::now();
        let s = scenario(&format!(
            r#"{{"version": 1, "protocol": "raft", "raft": {{"mutations": ["{mutation}"]}}}}"#
        ));
        let summary = sweep(&s, seeds, true, 10_000, BASE);
        report(mutation, &summary, started);
        assert!(
            summary["violations_by_invariant"][invariant].as_u64() > Some(0),
            "{mutation}: {summary}"
        );
        // The first failing run comes with a link that replays it.
        let link = summary["first_failing_link"].as_str().unwrap();
        let failing = quorum_lab::scenario::link::parse(link).unwrap().scenario;
        assert_eq!(Some(failing.seed), summary["first_failing_seed"].as_u64());
        let mut w = quorum_lab::protocols::raft::world(&failing);
        w.advance_to(10_000);
        assert!(
            w.violations().iter().any(|v| v.invariant == invariant),
            "{mutation}: the link does not replay the failure"
        );
    }
}
