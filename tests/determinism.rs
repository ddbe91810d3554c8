//! Determinism is the product (DESIGN.md): the same scenario gives the same trace on every
//! run, a user's live action replays exactly from the recorded script, and the hashes of
//! known runs never drift.

use quorum_lab::protocols::raft::{self, RaftWorld};
use quorum_lab::protocols::{self, Run, PROTOCOLS};
use quorum_lab::scenario::chaos::add_chaos;
use quorum_lab::scenario::{presets, Scenario};
use quorum_lab::sim::{Action, NetworkMode, NetworkSettings};

fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap()
}

fn run_to(s: &Scenario, t: u64) -> Box<dyn Run> {
    let mut w = protocols::build(s);
    w.advance_to(t);
    w
}

/// The running Raft leader of the highest term, if any node leads.
fn leader(run: &dyn Run) -> Option<u32> {
    raft::leader(run.as_any().downcast_ref::<RaftWorld>()?)
}

/// A busy Raft scenario: lossy, duplicating network, every extension, and random faults
/// drawn from the seed.
fn chaotic(seed: u64) -> Scenario {
    let mut s = scenario(
        r#"{"version": 1, "protocol": "raft", "nodes": 5,
            "network": {"latency_ms": [5, 40], "loss": 0.1, "duplicate": 0.1},
            "raft": {"pre_vote": true, "check_quorum": true, "leader_noop": true}}"#,
    );
    s.seed = seed;
    add_chaos(&mut s, 8_000);
    s
}

/// Every protocol's default scenario on a lossy, duplicating network, with random faults
/// and client actions drawn from the seed.
fn chaotic_defaults(seed: u64) -> Vec<Scenario> {
    PROTOCOLS
        .iter()
        .map(|spec| {
            let mut s = Scenario {
                seed,
                network: NetworkSettings {
                    latency_ms: (5, 40),
                    loss: 0.1,
                    duplicate: 0.1,
                    ..NetworkSettings::default()
                },
                ..Scenario::default_for(spec)
            };
            add_chaos(&mut s, 8_000);
            s
        })
        .collect()
}

#[test]
fn the_same_scenario_gives_the_same_trace_twice() {
    let mut scenarios = vec![Scenario::default(), chaotic(1), chaotic(2)];
    scenarios.extend(chaotic_defaults(4));
    for s in scenarios {
        let a = run_to(&s, 8_000);
        let b = run_to(&s, 8_000);
        let name = s.protocol.name;
        assert_eq!(a.trace_hash(), b.trace_hash(), "{name}");
        assert_eq!(a.trace_total(), b.trace_total(), "{name}");
        assert_eq!(a.events(), b.events(), "{name}");
    }
    // And different seeds do differ (the hash is not a constant).
    assert_ne!(
        run_to(&chaotic(1), 8_000).trace_hash(),
        run_to(&chaotic(2), 8_000).trace_hash()
    );
    for (a, b) in chaotic_defaults(5).iter().zip(chaotic_defaults(6)) {
        assert_ne!(
            run_to(a, 8_000).trace_hash(),
            run_to(&b, 8_000).trace_hash(),
            "{}",
            a.protocol.name
        );
    }
}

#[test]
fn stepping_and_advancing_reach_the_same_trace() {
    let mut scenarios = vec![chaotic(3)];
    scenarios.extend(chaotic_defaults(3));
    for s in scenarios {
        let name = s.protocol.name;
        let a = run_to(&s, 5_000);
        // The same run in small, uneven jumps, as the page's animation frames do.
        let mut b = protocols::build(&s);
        let mut t = 0;
        while t < 5_000 {
            t = (t + 7 + t % 13).min(5_000);
            b.advance_to(t);
        }
        assert_eq!(a.trace_hash(), b.trace_hash(), "{name}");
        // A copy taken midway continues exactly like the original.
        let mut c = run_to(&s, 2_500);
        let mut d = c.boxed();
        c.advance_to(5_000);
        d.advance_to(5_000);
        assert_eq!(c.trace_hash(), a.trace_hash(), "{name}");
        assert_eq!(d.trace_hash(), a.trace_hash(), "{name}");
    }
}

/// Pinned trace hashes of presets. Changing the RNG, the order of events, the trace's
/// contents or the protocol's behaviour changes them, and then every shared link replays
/// differently from what its author saw: update them only together with a new version of
/// the scenario format (or when the behaviour change is deliberate and links may break).
#[test]
fn pinned_trace_hashes_of_presets() {
    let pinned = [
        ("first-election", 5_000, 868, "f8e904765e216c1c"),
        (
            "figure-8-commit-old-terms",
            6_100,
            1_144,
            "2f918b5d129bb57e",
        ),
    ];
    for (id, until, events, hash) in pinned {
        let s = presets::get(id).unwrap().unwrap();
        assert_eq!(s.default_until_ms(), until, "{id}");
        let w = run_to(&s, until);
        assert_eq!(
            (w.events(), w.trace_hash().as_str()),
            (events, hash),
            "{id}"
        );
    }
}

#[test]
fn a_live_action_replays_exactly_from_the_recorded_script() {
    let base = Scenario {
        network: NetworkSettings {
            loss: 0.05,
            duplicate: 0.05,
            ..Default::default()
        },
        ..Scenario::default_for(&raft::SPEC)
    };
    let mut live = protocols::build(&base);
    live.advance_to(300);
    let first = leader(&*live).expect("a leader by 300 ms");
    assert_eq!(live.act(raft::request(first, "a")), 300);
    live.advance_to(1_000);
    live.act(Action::Crash { node: first });
    live.advance_to(1_700);
    let second = leader(&*live).expect("a new leader by 1700 ms");
    live.act(raft::request(second, "b"));
    live.act(Action::Partition {
        groups: vec![vec![1, 2], vec![3, 4, 5]],
    });
    // Step one event at a time into the middle of a millisecond: the action then waits for
    // the next millisecond, so that a replay (which applies actions before the events of
    // their millisecond) sees exactly the same order.
    while !live.mid_tick() {
        assert!(live.step());
    }
    let at = live.act(Action::Heal);
    assert_eq!(at, live.now());
    live.act(Action::Restart { node: first });
    live.advance_to(4_000);

    let replay_scenario = Scenario {
        script: live.script().to_vec(),
        ..base.clone()
    };
    assert_eq!(replay_scenario.script.len(), 6);
    // The recorded script is a valid scenario: it survives JSON and the link.
    let json = replay_scenario.to_json();
    let replay_scenario = Scenario::from_json(&json).unwrap();
    let link = quorum_lab::scenario::link::to_link("http://x/", &replay_scenario, None);
    let from_link = quorum_lab::scenario::link::parse(&link).unwrap().scenario;
    for s in [replay_scenario, from_link] {
        let replay = run_to(&s, 4_000);
        assert_eq!(replay.trace_hash(), live.trace_hash());
        assert_eq!(replay.events(), live.events());
        assert_eq!(replay.violations(), live.violations());
    }
    assert!(live.violations().is_empty(), "{:?}", live.violations());
}

#[test]
fn manual_delivery_replays_exactly() {
    for spec in PROTOCOLS {
        let s = Scenario {
            nodes: 3,
            network: NetworkSettings {
                mode: NetworkMode::Manual,
                ..NetworkSettings::default()
            },
            ..Scenario::default_for(spec)
        };
        let mut live = protocols::build(&s);
        // Deliver whatever is in flight, oldest first, every 15 ms: timers still run. A
        // client acts every 150 ms, so that a protocol that waits for one has work too.
        let mut t = 0;
        let mut k = 0;
        while t < 2_000 {
            t += 15;
            live.advance_to(t);
            if t % 150 == 0 {
                if let Some(action) = (spec.load)(&*live, k + 1) {
                    k += 1;
                    live.act(action);
                }
            }
            if let Some(id) = live.flights().first().map(|f| f.id) {
                let action = if id % 7 == 0 {
                    Action::Drop { message: id }
                } else {
                    Action::Deliver { message: id }
                };
                live.act(action);
            }
        }
        live.advance_to(2_100);
        let replay = run_to(
            &Scenario {
                script: live.script().to_vec(),
                ..s
            },
            2_100,
        );
        assert_eq!(replay.trace_hash(), live.trace_hash(), "{}", spec.name);
        assert!(live.events() > 0, "{}: nothing happened", spec.name);
        if spec.name == raft::SPEC.name {
            assert!(leader(&*live).is_some(), "manual delivery elects a leader");
        }
    }
}
