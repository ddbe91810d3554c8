//! Properties over generated scenarios (1 to 9 nodes, random settings, automatic and
//! manual networks with loss and duplication, random scripts of every action): any valid
//! scenario runs without panicking, correct Raft never violates a Figure 3 invariant
//! whatever the faults, live actions replay exactly from the recorded script, and a
//! scenario survives JSON and the link unchanged.
//!
//! Case counts keep the whole file at a few seconds in the debug test profile; set
//! `PROPTEST_CASES` for a longer hunt.

mod common;

use common::strategies::{action, scenario};
use proptest::prelude::*;
use quorum_lab::protocols::raft::{self, RaftWorld};
use quorum_lab::scenario::{link, Scenario};
use quorum_lab::sim::{Action, NetworkMode, NetworkSettings};

/// Runs go a little further than the latest generated action
/// (`common::strategies::SCRIPT_MS`).
const RUN_MS: u64 = 6_000;

fn run(s: &Scenario) -> RaftWorld {
    let mut w = raft::world(s);
    w.advance_to(RUN_MS);
    w
}

/// Runs the scenario while a client sends a request to the current leader every 50 ms
/// (through `act`, as the page does), so that most runs commit plenty of entries. In a
/// manual network a user also delivers (now and then drops) a message every 5 ms, picked
/// from those in flight in a scrambled order: Raft must stay safe under any reordering.
fn run_with_client(s: &Scenario) -> RaftWorld {
    let mut w = raft::world(s);
    let mut k = 0;
    for t in (5..RUN_MS).step_by(5) {
        w.advance_to(t);
        if t % 50 == 0 {
            if let Some(leader) = raft::leader(&w) {
                k += 1;
                w.act(raft::request(leader, format!("p{k}")));
            }
        }
        let waiting = w.in_flight().len() as u64;
        if waiting > 0 {
            let scramble = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ s.seed;
            let id = *w
                .in_flight()
                .keys()
                .nth((scramble % waiting) as usize)
                .expect("index within the map");
            let action = if scramble % 17 == 0 {
                Action::Drop { message: id }
            } else {
                Action::Deliver { message: id }
            };
            // In an automatic network messages are due anyway; only the manual one waits.
            if s.network.mode == NetworkMode::Manual {
                w.act(action);
            }
        }
    }
    w.advance_to(RUN_MS);
    w
}

/// `cases` runs per property, or `PROPTEST_CASES` when set (for a long hunt:
/// `PROPTEST_CASES=100000 cargo test --release --test properties`).
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(1024))]

    /// Correct Raft keeps every Figure 3 invariant under any faults and any user actions.
    #[test]
    fn correct_raft_never_violates_an_invariant(s in scenario(false, 60)) {
        let w = run_with_client(&s);
        prop_assert!(
            w.violations().is_empty(),
            "{:?}\nreplay: {}",
            w.violations(),
            s.to_json()
        );
        // Every node's commit index stays within its log, and logs hold what they report.
        for h in w.hosts() {
            prop_assert!(h.node.commit_index() <= h.node.log().last_index(), "S{}", h.id);
            prop_assert!(h.node.last_applied() <= h.node.commit_index(), "S{}", h.id);
        }
    }
}

proptest! {
    #![proptest_config(cases(128))]

    /// With the deliberate bugs switched on anything may break, but nothing panics.
    #[test]
    fn any_scenario_runs_without_panicking(s in scenario(true, 40)) {
        let mut w = run(&s);
        // The page also steps one event at a time and acts mid-millisecond.
        for _ in 0..50 {
            if !w.step() {
                break;
            }
        }
        w.act(Action::Heal);
        w.advance_to(RUN_MS + 500);
    }

    /// Running the same scenario twice gives the same trace.
    #[test]
    fn the_same_scenario_gives_the_same_trace(s in scenario(true, 20)) {
        let (a, b) = (run(&s), run(&s));
        prop_assert_eq!(a.trace().hash(), b.trace().hash());
        prop_assert_eq!(a.events(), b.events());
    }

    /// Actions taken live (`act`, sometimes in the middle of a millisecond after single
    /// steps, as the page's step button does) replay exactly from the recorded script.
    #[test]
    fn live_actions_replay_from_the_recorded_script(
        (s, live) in (1..=9u32).prop_flat_map(|n| (
            scenario(false, 10).prop_map(move |mut s| {
                s.nodes = n;
                s.script.retain(|e| e.action.node_ids().iter().all(|id| *id <= n));
                s
            }),
            proptest::collection::vec((0..RUN_MS, 0..4u32, action(n)), 0..20),
        ))
    ) {
        let mut live_actions = live;
        live_actions.sort_by_key(|(t, _, _)| *t);
        let mut w = raft::world(&s);
        for (t, steps, action) in live_actions {
            w.advance_to(t);
            for _ in 0..steps {
                w.step();
            }
            w.act(action);
        }
        // Single steps may have run far ahead in a quiet cluster: compare at one end time.
        let end = w.now().max(RUN_MS) + 100;
        w.advance_to(end);
        let replay = Scenario { script: w.script().to_vec(), ..s };
        let replay = Scenario::from_json(&replay.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut r = raft::world(&replay);
        r.advance_to(end);
        prop_assert_eq!(r.trace().hash(), w.trace().hash(), "replay: {}", replay.to_json());
        prop_assert_eq!(r.events(), w.events());
    }
}

proptest! {
    #![proptest_config(cases(256))]

    /// Scenario → JSON → scenario gives back an equal scenario.
    #[test]
    fn scenario_json_round_trip(s in scenario(true, 60)) {
        let back = Scenario::from_json(&s.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &s);
        let pretty = Scenario::from_json(&s.to_json_pretty()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&pretty, &s);
    }

    /// Link encode → decode gives back an equal scenario (and the time and embed flag).
    #[test]
    fn link_round_trip(s in scenario(true, 60), t in proptest::option::of(0..=86_400_000u64)) {
        let payload = link::encode_payload(&s);
        prop_assert_eq!(&link::decode_payload(&payload).map_err(|e| TestCaseError::fail(e.to_string()))?, &s);
        let url = link::to_link("https://lab.example/raft/", &s, t);
        let parsed = link::parse(&url).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&parsed.scenario, &s);
        prop_assert_eq!(parsed.t, t);
        prop_assert!(!parsed.embed);
        let embedded = link::parse(&format!("{url}&embed=1")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(embedded.embed);
    }

    /// A damaged link never panics: it decodes or says what is wrong.
    #[test]
    fn damaged_links_never_panic(s in scenario(false, 10), cut in 0usize..2_000, junk in "\\PC{0,20}") {
        let payload = link::encode_payload(&s);
        let cut = cut.min(payload.len());
        let _ = link::decode_payload(&payload[..cut]);
        let _ = link::parse(&format!("http://x/#s={}{junk}", &payload[..cut]));
        let _ = link::parse(&junk);
    }

    /// Arbitrary text as a scenario file never panics.
    #[test]
    fn arbitrary_json_never_panics(text in "\\PC{0,200}") {
        let _ = Scenario::from_json(&text);
    }
}

proptest! {
    /// A probability written by a program (any f64 in 0..=1) must come back bit for bit,
    /// or a shared link would replay with a different `loss` than its author's run.
    /// serde_json parses floats exactly only with its `float_roundtrip` feature (enabled).
    #[test]
    fn arbitrary_probabilities_survive_json(loss in 0.0..=1.0f64, duplicate in 0.0..=1.0f64) {
        let s = Scenario {
            network: NetworkSettings { loss, duplicate, ..NetworkSettings::default() },
            ..Scenario::default_for(&raft::SPEC)
        };
        let back = Scenario::from_json(&s.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.network.loss.to_bits(), loss.to_bits());
        prop_assert_eq!(back.network.duplicate.to_bits(), duplicate.to_bits());
    }
}
