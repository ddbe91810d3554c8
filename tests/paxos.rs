//! Paxos as *Paxos Made Simple* tells it (Lamport, 2001): each test is named after what it
//! shows and cites the section or property it follows (§2.2's P1a, P2b and P2c, §2.3's
//! learners, §2.4's progress, §3's Multi-Paxos). Scenarios are data; the assertions are
//! on node state, `qlab run` reports and invariants. The presets' expected outcomes are
//! also case files (`tests/scenarios/presets/paxos-*.json`), and more cases are under
//! `tests/scenarios/paxos/`.

use std::collections::BTreeSet;
use std::time::Instant;

mod common;
use common::report;

use quorum_lab::cli::sweep;
use quorum_lab::protocols::paxos::{self, Ballot, PaxosWorld, Phase, DECREE};
use quorum_lab::protocols::{self, Run};
use quorum_lab::scenario::{presets, Scenario};
use serde_json::{json, Value};

const BASE: &str = "http://x/";

fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

fn preset(id: &str) -> Scenario {
    presets::get(id)
        .unwrap_or_else(|| panic!("no preset {id:?}"))
        .unwrap_or_else(|e| panic!("preset {id}: {e}"))
}

/// The same scenario with its Paxos mutations switched off.
fn without_mutations(s: &Scenario) -> Scenario {
    let mut settings = s.settings.clone();
    settings["mutations"] = json!([]);
    s.with_settings(&settings).unwrap()
}

/// Runs `s` to `until_ms` (its default end, as `qlab run`, when `None`), keeping records.
fn run(s: &Scenario, until_ms: Option<u64>) -> Box<dyn Run> {
    let mut r = protocols::build(s);
    r.keep_records(100_000);
    r.advance_to(until_ms.unwrap_or(s.default_until_ms()));
    r
}

fn world(r: &dyn Run) -> &PaxosWorld {
    r.as_any()
        .downcast_ref::<PaxosWorld>()
        .expect("a Paxos run")
}

/// The invariants broken so far, sorted.
fn broken(r: &dyn Run) -> BTreeSet<&'static str> {
    r.violations().iter().map(|v| v.invariant).collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

/// Every event sentence of the run so far, oldest first.
fn sentences(r: &dyn Run) -> Vec<String> {
    let page = r.records(&|_| true, None, usize::MAX);
    page.rows.into_iter().rev().map(|row| row.text).collect()
}

fn has(r: &dyn Run, text: &str) -> bool {
    sentences(r).iter().any(|s| s.contains(text))
}

fn count(r: &dyn Run, text: &str) -> usize {
    sentences(r).iter().filter(|s| s.contains(text)).count()
}

fn field(r: &dyn Run, id: u32, name: &str) -> Value {
    r.node_report(id)[name].clone()
}

// ----- §2.2–2.3: one value, two phases -----

#[test]
fn one_proposer_gets_its_value_chosen_in_two_phases() {
    // §2.2: a majority promises ballot 1.1 and reports nothing accepted, so the proposer
    // proposes its own value; §2.3: learners learn it from a majority of Accepted.
    let r = run(&preset("paxos-one-proposer"), Some(500));
    for id in 1..=5 {
        assert_eq!(field(&*r, id, "promised"), json!([1, 1]), "S{id}");
        assert_eq!(
            field(&*r, id, "accepted"),
            json!({"ballot": [1, 1], "value": "a"}),
            "S{id}"
        );
        assert_eq!(field(&*r, id, "chosen"), json!("a"), "S{id}");
        assert_eq!(field(&*r, id, "phase"), json!("idle"), "S{id}");
    }
    assert!(has(
        &*r,
        "S1 proposes its own value \"a\" in ballot 1.1: no promise reported an accepted value"
    ));
    assert_eq!(count(&*r, "learned that \"a\" is chosen"), 5);
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
}

#[test]
fn a_single_node_is_its_own_majority() {
    // majority(1) = 1: its own promise and acceptance suffice.
    let r = run(
        &scenario(
            r#"{"version": 1, "protocol": "paxos", "nodes": 1,
                "script": [{"at_ms": 0, "action": "request", "node": 1, "value": "solo"}]}"#,
        ),
        Some(10),
    );
    assert_eq!(field(&*r, 1, "chosen"), json!("solo"));
    assert_eq!(r.events(), 1, "no message leaves a one-node cluster");
}

#[test]
fn an_acceptor_rejects_a_lower_ballot_and_the_proposer_retries_above_it() {
    // P1a: S2 has promised S3's 1.3, so it rejects S1's Prepare 1.1; the rejection names
    // 1.3, and S1's retry uses a ballot above it, 2.1, which everyone then promises.
    let r = run(
        &scenario(
            r#"{"version": 1, "protocol": "paxos", "nodes": 3,
                "network": {"latency_ms": [10, 10]},
                "script": [
                  {"at_ms": 0, "action": "cut", "from": 3, "to": 1},
                  {"at_ms": 0, "action": "timeout", "node": 3},
                  {"at_ms": 50, "action": "repair", "from": 3, "to": 1},
                  {"at_ms": 50, "action": "request", "node": 1, "value": "a"}]}"#,
        ),
        Some(1_000),
    );
    assert!(has(
        &*r,
        "S3 won phase 1 of ballot 1.3 but has no value to propose"
    ));
    assert!(has(
        &*r,
        "S2 rejected Prepare 1.1 from S1: it promised ballot 1.3"
    ));
    assert!(has(
        &*r,
        "S2 → S1 Nack (Prepare 1.1 rejected, promised 1.3) delivered"
    ));
    assert!(has(
        &*r,
        "S1 abandoned ballot 1.1: an acceptor promised ballot 1.3; retrying in"
    ));
    assert!(has(&*r, "S2 promised ballot 2.1 to S1"));
    for id in 1..=3 {
        assert_eq!(field(&*r, id, "chosen"), json!("a"), "S{id}");
    }
    assert_eq!(
        field(&*r, 1, "accepted"),
        json!({"ballot": [2, 1], "value": "a"})
    );
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
}

#[test]
fn acceptor_state_survives_a_crash_and_proposer_state_does_not() {
    // §2.3: an acceptor records its promise and accepted proposal in stable storage; a
    // proposer may forget its proposal, as long as it never reuses the number.
    let r = run(
        &scenario(
            r#"{"version": 1, "protocol": "paxos", "nodes": 3,
                "network": {"latency_ms": [10, 10]},
                "script": [
                  {"at_ms": 0, "action": "crash", "node": 3},
                  {"at_ms": 0, "action": "cut", "from": 2, "to": 1},
                  {"at_ms": 0, "action": "request", "node": 1, "value": "a"},
                  {"at_ms": 15, "action": "crash", "node": 1},
                  {"at_ms": 15, "action": "crash", "node": 2},
                  {"at_ms": 20, "action": "restart", "node": 1},
                  {"at_ms": 20, "action": "restart", "node": 2}]}"#,
        ),
        Some(30),
    );
    // S2 promised 1.1; its promise could not reach S1 (cut). Both crashed and restarted.
    assert_eq!(field(&*r, 2, "promised"), json!([1, 1]));
    assert_eq!(field(&*r, 1, "promised"), json!([1, 1]));
    assert_eq!(field(&*r, 1, "phase"), json!("idle"));
    assert_eq!(field(&*r, 1, "proposing"), Value::Null);
    assert_eq!(field(&*r, 1, "ballot"), Value::Null);
    // S1's next ballot still goes above the one it issued before the crash.
    let mut r = r;
    r.act(paxos::timeout(1));
    assert_eq!(field(&*r, 1, "ballot"), json!([2, 1]));
}

// ----- P2c -----

#[test]
fn a_later_proposer_adopts_the_highest_accepted_value_p2c() {
    // P2c: S5's majority {S3, S4, S5} includes S3, which accepted "a" in ballot 1.1, so S5
    // must propose "a" in ballot 1.5 instead of its own "b".
    let r = run(&preset("paxos-adopt-accepted-value"), None);
    assert!(has(
        &*r,
        "S3 promised ballot 1.5 to S5 (had accepted \"a\" in ballot 1.1)"
    ));
    assert!(has(
        &*r,
        "S5 proposes \"a\" in ballot 1.5: the highest-numbered proposal reported, accepted in \
         ballot 1.1 (P2c)"
    ));
    for id in [3, 4, 5] {
        assert_eq!(
            field(&*r, id, "accepted"),
            json!({"ballot": [1, 5], "value": "a"}),
            "S{id}"
        );
    }
    for id in 1..=5 {
        assert_eq!(field(&*r, id, "chosen"), json!("a"), "S{id}");
    }
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
}

#[test]
fn ignoring_the_accepted_value_chooses_a_second_value() {
    // Without P2c, S5 proposes "b" in ballot 1.5 although "a" is chosen in 1.1: P2b breaks
    // at once, then agreement when a majority accepts "b".
    let r = run(&preset("paxos-ignore-accepted-value"), None);
    assert_eq!(broken(&*r), set(&["agreement", "proposal_safety"]));
    assert!(has(
        &*r,
        "ignoring \"a\" accepted in ballot 1.1 (mutation ignore_accepted_value)"
    ));
    assert_eq!(field(&*r, 1, "chosen"), json!("a"));
    assert_eq!(field(&*r, 5, "chosen"), json!("b"));
    let order: Vec<&str> = r.violations().iter().map(|v| v.invariant).collect();
    assert_eq!(order, ["proposal_safety", "agreement"], "P2b breaks first");
}

// ----- §2.4: duelling proposers -----

#[test]
fn duelling_proposers_leapfrog_until_a_random_retry_lets_one_finish() {
    // §2.4: two proposers can keep preempting each other with ever higher ballots; a
    // random retry delay lets one of them finish first.
    let r = run(&preset("paxos-duelling-proposers"), None);
    for (failed, next) in [("1.1", "3.1"), ("2.3", "4.3"), ("3.1", "5.1")] {
        let text = format!("retried: ballot {failed} failed, started phase 1 with ballot {next}");
        assert!(has(&*r, &text), "{text}: {:#?}", sentences(&*r));
    }
    // By P2c the duel is over ballots only: both soon propose the first accepted value.
    assert!(has(&*r, "S3 proposes \"a\" in ballot 2.3"));
    assert!(has(
        &*r,
        "learned that \"a\" is chosen (a majority accepted it in ballot 5.1)"
    ));
    for id in 1..=3 {
        assert_eq!(field(&*r, id, "chosen"), json!("a"), "S{id}");
    }
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
}

#[test]
fn fixed_retries_duel_forever_and_break_progress() {
    // The same two proposers with every retry at the range's lower bound stay in step:
    // each preempts the other's phase 2 and nothing is ever chosen.
    let s = preset("paxos-fixed-retry");
    let r = run(&s, None);
    assert_eq!(broken(&*r), set(&["progress"]));
    for id in 1..=3 {
        assert_eq!(field(&*r, id, "chosen"), Value::Null, "S{id}");
    }
    let w = world(&*r);
    let rounds = w
        .hosts()
        .iter()
        .filter_map(|h| h.node.promised())
        .max()
        .unwrap();
    assert!(rounds.round > 50, "the ballots keep climbing: {rounds}");
    // The duel preset is this run without the mutation.
    assert_eq!(
        without_mutations(&s).script,
        preset("paxos-duelling-proposers").script
    );
}

#[test]
fn manual_retries_never_fire_by_themselves() {
    // retry_ms null: a rejected proposer waits for a timeout, and progress claims nothing.
    let r = run(
        &scenario(
            r#"{"version": 1, "protocol": "paxos", "nodes": 3,
                "network": {"latency_ms": [10, 10]},
                "paxos": {"retry_ms": null},
                "script": [
                  {"at_ms": 0, "action": "timeout", "node": 3},
                  {"at_ms": 5, "action": "request", "node": 1, "value": "a"}]}"#,
        ),
        Some(5_000),
    );
    assert_eq!(field(&*r, 1, "ballot"), json!([1, 1]), "S1 never retried");
    assert!(has(&*r, "S1 abandoned ballot 1.1"));
    assert!(!has(&*r, "retrying in"));
    assert_eq!(field(&*r, 1, "chosen"), Value::Null);
    assert!(broken(&*r).is_empty());
}

// ----- majorities -----

#[test]
fn a_minority_of_acceptors_down_does_not_stop_a_value_being_chosen() {
    let r = run(&preset("paxos-minority-down"), Some(400));
    for id in 1..=3 {
        assert_eq!(field(&*r, id, "chosen"), json!("a"), "S{id}");
    }
    // §2.3: a restarted learner learns by having a proposer issue a proposal, which
    // (P2c) carries the chosen value again.
    let r = run(&preset("paxos-minority-down"), None);
    assert!(has(&*r, "S4 proposes \"a\" in ballot 1.4"));
    for id in 1..=5 {
        assert_eq!(field(&*r, id, "chosen"), json!("a"), "S{id}");
    }
    assert!(broken(&*r).is_empty());
}

#[test]
fn without_a_majority_nothing_is_chosen_and_the_ballots_climb() {
    let s = preset("paxos-no-majority");
    let r = run(&s, Some(1_990));
    for id in [1, 2] {
        assert_eq!(field(&*r, id, "chosen"), Value::Null, "S{id}");
        assert_eq!(field(&*r, id, "accepted"), Value::Null, "S{id}");
    }
    let ballot = world(&*r).host(1).node.ballot().unwrap();
    assert!(ballot.round >= 5, "S1 kept retrying: {ballot}");
    assert!(
        broken(&*r).is_empty(),
        "not whole: progress asks for nothing"
    );
    // Once S3 is back, three acceptors are a majority.
    let r = run(&s, None);
    for id in 1..=3 {
        assert_eq!(field(&*r, id, "chosen"), json!("a"), "S{id}");
    }
    assert!(broken(&*r).is_empty());
}

// ----- the mutations -----

#[test]
fn accepting_below_a_promise_lets_two_values_be_chosen() {
    // P1a removed: S2–S4 promised 1.5, then accept S1's 1.1 "a" anyway.
    let s = preset("paxos-accept-below-promise");
    let r = run(&s, None);
    assert_eq!(
        broken(&*r),
        set(&["agreement", "promise_kept", "proposal_safety"])
    );
    assert!(has(
        &*r,
        "S2 accepted \"a\" in ballot 1.1 although it promised ballot 1.5"
    ));
    // With P1a, the old Accept is rejected and S1's retry finds "b" (P2c).
    let r = run(&without_mutations(&s), None);
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
    assert!(has(
        &*r,
        "S2 rejected Accept 1.1 from S1: it promised ballot 1.5"
    ));
    for id in 1..=5 {
        assert_eq!(field(&*r, id, "chosen"), json!("b"), "S{id}");
    }
}

#[test]
fn forgetting_the_accepted_value_in_a_crash_lets_two_values_be_chosen() {
    // §2.3: acceptor state must survive a crash. S3 forgets it accepted "a".
    let s = preset("paxos-forget-promise");
    let r = run(&s, None);
    assert_eq!(broken(&*r), set(&["agreement", "proposal_safety"]));
    assert!(has(
        &*r,
        "S3 restarted without its promise or accepted values"
    ));
    assert!(has(&*r, "S3 promised ballot 1.5 to S5 (nothing accepted)"));
    let r = run(&without_mutations(&s), None);
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
    assert!(has(
        &*r,
        "S3 promised ballot 1.5 to S5 (had accepted \"a\" in ballot 1.1)"
    ));
}

#[test]
fn each_mutation_is_shown_by_its_preset_and_only_by_its_rule() {
    let expected: &[(&str, &[&str])] = &[
        (
            "accept_below_promise",
            &["agreement", "promise_kept", "proposal_safety"],
        ),
        ("ignore_accepted_value", &["agreement", "proposal_safety"]),
        ("forget_promise", &["agreement", "proposal_safety"]),
        ("fixed_retry", &["progress"]),
    ];
    assert_eq!(expected.len(), paxos::SPEC.mutations.len());
    for (name, invariants) in expected {
        let m = paxos::SPEC.mutation(name).unwrap();
        let s = preset(m.preset.unwrap());
        assert_eq!(s.settings["mutations"], json!([name]), "{name}");
        assert_eq!(broken(&*run(&s, None)), set(invariants), "{name}");
        let fixed = run(&without_mutations(&s), None);
        assert!(
            fixed.violations().is_empty(),
            "{name} off: {:?}",
            fixed.violations()
        );
    }
}

// ----- §3: Multi-Paxos -----

#[test]
fn a_multi_paxos_leader_runs_one_phase_2_per_command() {
    let r = run(&preset("paxos-multi-steady-state"), None);
    assert_eq!(field(&*r, 1, "leader"), json!(true));
    for id in 1..=5 {
        assert_eq!(
            field(&*r, id, "log"),
            json!([
                {"slot": 1, "value": "x1", "chosen": true},
                {"slot": 2, "value": "x2", "chosen": true},
                {"slot": 3, "value": "x3", "chosen": true}
            ]),
            "S{id}"
        );
    }
    assert_eq!(count(&*r, "became leader with ballot"), 1, "one phase 1");
    assert_eq!(count(&*r, "started phase 1"), 1);
    assert!(has(
        &*r,
        "S3 refused client request \"y\": not the leader (try S1)"
    ));
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
}

#[test]
fn a_new_leader_re_proposes_accepted_values_and_fills_gaps_with_no_ops() {
    let r = run(&preset("paxos-multi-leader-change"), None);
    assert!(has(
        &*r,
        "S2 proposes \"c\" for slot 3 in ballot 2.2: the highest-numbered proposal reported, \
         accepted in ballot 1.1 (P2c)"
    ));
    assert!(has(
        &*r,
        "S2 proposes a no-op for slot 2 in ballot 2.2: no promise reported a value there"
    ));
    let log = json!([
        {"slot": 1, "value": "a", "chosen": true},
        {"slot": 2, "value": null, "chosen": true},
        {"slot": 3, "value": "c", "chosen": true},
        {"slot": 4, "value": "d", "chosen": true}
    ]);
    for id in 1..=5 {
        assert_eq!(field(&*r, id, "log"), log, "S{id}");
    }
    // S1 had accepted "b" in slot 2; it learns the no-op there from the leader.
    let s1 = &world(&*r).host(1).node;
    assert_eq!(
        s1.slots()[&2].accepted.as_ref().map(|a| a.0),
        Some(Ballot::new(1, 1))
    );
    assert!(has(
        &*r,
        "S1 learned that slot 2 is a no-op (told by the leader)"
    ));
    assert_eq!(paxos::leader(world(&*r)), Some(2));
    assert!(broken(&*r).is_empty(), "{:?}", r.violations());
}

#[test]
fn only_the_leader_takes_commands_and_a_leader_cannot_time_out() {
    let mut r = run(
        &scenario(
            r#"{"version": 1, "protocol": "paxos", "nodes": 3, "paxos": {"multi": true},
                "script": [
                  {"at_ms": 0, "action": "request", "node": 2, "value": "early"},
                  {"at_ms": 0, "action": "timeout", "node": 1}]}"#,
        ),
        Some(100),
    );
    assert!(has(
        &*r,
        "S2 refused client request \"early\": not the leader (leader unknown)"
    ));
    let seq = r.trace_total();
    r.act(paxos::timeout(1));
    assert_eq!(
        r.refusal_after(seq).as_deref(),
        Some("S1 is the leader: it has no retry timer")
    );
    r.act(paxos::request(1, "x"));
    r.advance_to(200);
    assert_eq!(
        field(&*r, 3, "log"),
        json!([{"slot": 1, "value": "x", "chosen": true}])
    );
}

// ----- reports and views -----

#[test]
fn reports_have_the_fields_scenario_md_names() {
    let r = run(&preset("paxos-one-proposer"), Some(500));
    let n = r.node_report(2);
    for f in ["promised", "accepted", "chosen"] {
        assert!(n.get(f).is_some(), "single decree lacks {f}: {n}");
    }
    let r = run(&preset("paxos-multi-steady-state"), None);
    let n = r.node_report(2);
    for f in ["promised", "accepted", "chosen", "leader", "log"] {
        assert!(n.get(f).is_some(), "Multi-Paxos lacks {f}: {n}");
    }
    assert_eq!(n["leader"], json!(false));
    assert_eq!(r.report()["protocol"], "paxos");
}

#[test]
fn a_node_view_makes_a_chosen_value_unmistakable() {
    let r = run(&preset("paxos-one-proposer"), Some(500));
    let v = r.node(3);
    assert_eq!(v.badge, "✓ Chosen");
    assert_eq!(v.tone, quorum_lab::protocols::view::Tone::Settled);
    assert!(v.hooks.contains(&("data-chosen", "a".to_string())));
    assert!(v.hooks.contains(&("data-promised", "1.1".to_string())));
    assert_eq!(r.panels()[0].id, "acceptors");
    // In flight: Prepare is "P 1.1", Accept "A 1.1 a".
    let mut r = protocols::build(&preset("paxos-one-proposer"));
    r.advance_to(1);
    let labels: BTreeSet<String> = r.flights().iter().map(|f| f.label.to_string()).collect();
    assert_eq!(
        labels,
        set(&["P 1.1"]).into_iter().map(String::from).collect()
    );
    let r = run(&preset("paxos-multi-steady-state"), None);
    assert_eq!(r.node(1).badge, "★ Leader");
    assert_eq!(r.panels()[0].id, "slots");
    assert!(r.panel("slots", 1, 10).is_some());
}

// ----- every preset -----

#[test]
fn every_paxos_preset_replays_with_one_trace_hash() {
    for p in paxos::SPEC.presets {
        let s = preset(p.id);
        let (a, b) = (run(&s, None), run(&s, None));
        assert_eq!(a.trace_hash(), b.trace_hash(), "preset {}", p.id);
        assert_eq!(a.events(), b.events(), "preset {}", p.id);
        assert!(s.notes.contains('§') || s.notes.contains("P2c"), "{}", p.id);
        assert!(p.id.starts_with("paxos-"), "{}", p.id);
    }
}

// ----- chaos -----

#[test]
fn chaos_breaks_no_invariant_of_correct_paxos_or_multi_paxos() {
    // The committed sweep is small enough for the suite; `qlab sweep --seeds 10000
    // --chaos` over the same files is what the figures in the report measured.
    for (what, json, seeds) in [
        (
            "single decree",
            r#"{"version": 1, "protocol": "paxos"}"#,
            1_500,
        ),
        (
            "single decree, short retries",
            r#"{"version": 1, "protocol": "paxos", "paxos": {"retry_ms": [20, 200]}}"#,
            500,
        ),
        (
            "Multi-Paxos",
            r#"{"version": 1, "protocol": "paxos", "paxos": {"multi": true}}"#,
            1_000,
        ),
    ] {
        let started = Instant::now();
        let summary = sweep(&scenario(json), seeds, true, 5_000, BASE);
        report(what, &summary, started);
        assert_eq!(summary["runs_with_violations"], 0, "{what}: {summary}");
    }
}

#[test]
fn chaos_finds_each_mutation() {
    for (mutation, settings, seeds, invariant) in [
        ("accept_below_promise", "", 50, "promise_kept"),
        ("ignore_accepted_value", "", 50, "agreement"),
        ("forget_promise", "", 600, "agreement"),
        // Fixed retries below a round trip never finish a round: found in calm stretches.
        ("fixed_retry", r#""retry_ms": [20, 200], "#, 50, "progress"),
    ] {
        let started = Instant::now();
        let s = scenario(&format!(
            r#"{{"version": 1, "protocol": "paxos",
                "paxos": {{{settings}"mutations": ["{mutation}"]}}}}"#
        ));
        let summary = sweep(&s, seeds, true, 5_000, BASE);
        report(mutation, &summary, started);
        assert!(
            summary["violations_by_invariant"][invariant].as_u64() > Some(0),
            "{mutation}: {summary}"
        );
        // The first failing run's link replays the failure.
        let link = summary["first_failing_link"].as_str().unwrap();
        let failing = quorum_lab::scenario::link::parse(link).unwrap().scenario;
        let r = run(&failing, Some(5_000));
        assert!(
            broken(&*r).contains(invariant),
            "{mutation}: the link does not replay it"
        );
    }
}

#[test]
fn the_acceptors_of_one_decree_keep_promises_monotonic() {
    // P1a's corollary, on every node of a long chaotic run: an acceptor's promise never
    // goes down, and never lies below what it accepted.
    let mut s = scenario(r#"{"version": 1, "protocol": "paxos", "seed": 7}"#);
    quorum_lab::scenario::chaos::add_chaos(&mut s, 10_000);
    let mut r = protocols::build(&s);
    let mut last = [None; 5];
    for t in (0..10_000).step_by(5) {
        r.advance_to(t);
        let w = world(&*r);
        for h in w.hosts() {
            let n = &h.node;
            let i = (h.id - 1) as usize;
            assert!(
                n.promised() >= last[i],
                "S{} lowered its promise at {t}",
                h.id
            );
            last[i] = n.promised();
            if let Some((b, _)) = n.accepted() {
                assert!(
                    Some(*b) <= n.promised(),
                    "S{} accepted above its promise",
                    h.id
                );
            }
            if n.phase() == Phase::Two {
                assert!(n.proposals().contains_key(&DECREE));
            }
        }
    }
    assert!(r.violations().is_empty(), "{:?}", r.violations());
}
