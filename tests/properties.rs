//! Properties over generated scenarios (1 to 9 nodes, random settings, automatic and
//! manual networks with loss and duplication, random scripts of every action): any valid
//! scenario runs without panicking, correct Raft never violates a Figure 3 invariant
//! whatever the faults, live actions replay exactly from the recorded script, and a
//! scenario survives JSON and the link unchanged.
//!
//! Case counts keep the whole file at a few seconds in the debug test profile; set
//! `PROPTEST_CASES` for a longer hunt.

use proptest::prelude::*;
use quorum_lab::protocols::raft::{self, Mutation, RaftSettings};
use quorum_lab::scenario::{link, Scenario};
use quorum_lab::sim::{Action, NetworkMode, NetworkSettings, NodeId, ScriptEntry};

/// The latest time a generated script acts at; runs go a little further.
const SCRIPT_MS: u64 = 5_000;
const RUN_MS: u64 = 6_000;

fn node(n: u32) -> impl Strategy<Value = NodeId> {
    1..=n
}

fn groups(n: u32) -> impl Strategy<Value = Vec<Vec<NodeId>>> {
    // Each node lands in one of three groups (or, as group 3, in none: "nodes in no group
    // form one more group together").
    proptest::collection::vec(0..4usize, n as usize).prop_map(|slots| {
        let mut groups = vec![Vec::new(); 3];
        for (i, g) in slots.into_iter().enumerate() {
            if g < 3 {
                groups[g].push(i as NodeId + 1);
            }
        }
        groups
    })
}

fn action(n: u32) -> impl Strategy<Value = Action> {
    let link = move || (node(n), node(n)).prop_filter("a link joins two nodes", |(a, b)| a != b);
    // Weighted toward what makes Raft work hard: requests, elections, crashes.
    let value = "[a-z0-9]{0,8}";
    let mut options: Vec<(u32, BoxedStrategy<Action>)> = vec![
        (3, node(n).prop_map(|node| Action::Crash { node }).boxed()),
        (3, node(n).prop_map(|node| Action::Restart { node }).boxed()),
        (4, node(n).prop_map(|node| Action::Timeout { node }).boxed()),
        (
            8,
            (node(n), value)
                .prop_map(|(node, value)| Action::Request { node, value })
                .boxed(),
        ),
        (
            2,
            groups(n)
                .prop_map(|groups| Action::Partition { groups })
                .boxed(),
        ),
        (2, Just(Action::Heal).boxed()),
        // Low ids, so that in a manual network some of them are in flight.
        (
            4,
            (1..80u64)
                .prop_map(|message| Action::Deliver { message })
                .boxed(),
        ),
        (
            1,
            (1..80u64)
                .prop_map(|message| Action::Drop { message })
                .boxed(),
        ),
    ];
    if n > 1 {
        options.push((
            1,
            link()
                .prop_map(|(from, to)| Action::Cut { from, to })
                .boxed(),
        ));
        options.push((
            1,
            link()
                .prop_map(|(from, to)| Action::Repair { from, to })
                .boxed(),
        ));
    }
    proptest::strategy::Union::new_weighted(options)
}

fn script(n: u32, max_len: usize) -> impl Strategy<Value = Vec<ScriptEntry>> {
    proptest::collection::vec((0..=SCRIPT_MS, action(n)), 0..max_len).prop_map(|mut v| {
        v.sort_by_key(|(t, _)| *t);
        v.into_iter()
            .map(|(at_ms, action)| ScriptEntry { at_ms, action })
            .collect()
    })
}

/// A loss or duplication probability as the page's controls or a hand-written file give
/// one: a few decimals. (Arbitrary floats are covered by
/// `arbitrary_probabilities_survive_json`.)
fn probability() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), (0..=300u32).prop_map(|k| k as f64 / 1000.0)]
}

fn network() -> impl Strategy<Value = NetworkSettings> {
    (
        prop_oneof![3 => Just(NetworkMode::Auto), 1 => Just(NetworkMode::Manual)],
        0..=40u64,
        0..=80u64,
        probability(),
        probability(),
    )
        .prop_map(|(mode, lo, extra, loss, duplicate)| NetworkSettings {
            mode,
            latency_ms: (lo, lo + extra),
            loss,
            duplicate,
        })
}

fn raft_settings(mutations: bool) -> impl Strategy<Value = RaftSettings> {
    let timeouts = prop_oneof![
        8 => (20..=300u64, 0..=300u64).prop_map(|(lo, extra)| Some((lo, lo + extra))),
        1 => Just(None),
    ];
    let mutations = if mutations {
        proptest::sample::subsequence(Mutation::ALL.to_vec(), 0..=Mutation::ALL.len()).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (
        timeouts,
        5..=100u64,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        mutations,
    )
        .prop_map(
            |(
                election_timeout_ms,
                heartbeat_ms,
                leader_noop,
                pre_vote,
                check_quorum,
                mutations,
            )| {
                RaftSettings {
                    election_timeout_ms,
                    heartbeat_ms,
                    leader_noop,
                    pre_vote,
                    check_quorum,
                    mutations,
                }
            },
        )
}

/// A whole scenario, valid by construction.
fn scenario(mutations: bool, max_script: usize) -> impl Strategy<Value = Scenario> {
    (1..=9u32)
        .prop_flat_map(move |n| {
            (
                Just(n),
                any::<u64>(),
                network(),
                raft_settings(mutations),
                script(n, max_script),
                "\\PC{0,40}",
                "\\PC{0,200}",
            )
        })
        .prop_map(
            |(nodes, seed, network, raft, script, title, notes)| Scenario {
                title,
                notes,
                seed,
                nodes,
                network,
                raft,
                script,
                ..Scenario::default()
            },
        )
}

fn run(s: &Scenario) -> raft::RaftWorld {
    let mut w = raft::world(s);
    w.advance_to(RUN_MS);
    w
}

/// Runs the scenario while a client sends a request to the current leader every 50 ms
/// (through `act`, as the page does), so that most runs commit plenty of entries. In a
/// manual network a user also delivers (now and then drops) a message every 5 ms, picked
/// from those in flight in a scrambled order: Raft must stay safe under any reordering.
fn run_with_client(s: &Scenario) -> raft::RaftWorld {
    let mut w = raft::world(s);
    let mut k = 0;
    for t in (5..RUN_MS).step_by(5) {
        w.advance_to(t);
        if t % 50 == 0 {
            if let Some(leader) = raft::workload::leader(&w) {
                k += 1;
                w.act(Action::Request {
                    node: leader,
                    value: format!("p{k}"),
                });
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
            ..Scenario::default()
        };
        let back = Scenario::from_json(&s.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.network.loss.to_bits(), loss.to_bits());
        prop_assert_eq!(back.network.duplicate.to_bits(), duplicate.to_bits());
    }
}
