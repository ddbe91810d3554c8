//! The presets the page ships: each parses, explains itself, replays identically, and does
//! what its notes say. The expected outcome of each preset is a case file beside the other
//! scenario cases, `tests/scenarios/presets/<id>.json` (format: `tests/common/mod.rs`).

mod common;

use std::collections::BTreeSet;

use quorum_lab::protocols::raft::{self, Mutation};
use quorum_lab::scenario::{presets, Scenario};
use serde_json::Value;

fn preset(id: &str) -> Scenario {
    presets::get(id)
        .unwrap_or_else(|| panic!("no preset {id:?}"))
        .unwrap_or_else(|e| panic!("preset {id}: {e}"))
}

/// Runs a scenario to its default end (the last action + 5 s), as `qlab run` does.
fn run(s: &Scenario) -> raft::RaftWorld {
    let mut w = raft::world(s);
    w.advance_to(s.default_until_ms());
    w
}

#[test]
fn every_preset_parses_and_explains_what_to_watch() {
    let mut ids = BTreeSet::new();
    for (id, json) in presets::PRESETS {
        assert!(ids.insert(*id), "preset id {id:?} is listed twice");
        let s = Scenario::from_json(json).unwrap_or_else(|e| panic!("preset {id}: {e}"));
        assert!(!s.title.trim().is_empty(), "preset {id} has no title");
        assert!(
            s.notes.len() >= 200,
            "preset {id}: the notes should tell a student what to watch"
        );
        assert!(
            s.notes.contains('§') || s.notes.contains("Figure"),
            "preset {id}: the notes should cite the paper or thesis section"
        );
        assert_eq!(s.version, 1);
    }
    assert_eq!(presets::all().len(), presets::PRESETS.len());
}

#[test]
fn every_preset_file_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenario/presets");
    let listed: BTreeSet<&str> = presets::PRESETS.iter().map(|(id, _)| *id).collect();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            listed.contains(stem.as_str()),
            "{} is not in presets::PRESETS",
            path.display()
        );
        // The file text is what `include_str!` embeds under that id.
        let text = std::fs::read_to_string(&path).unwrap();
        let embedded = presets::PRESETS.iter().find(|(id, _)| *id == stem).unwrap();
        assert_eq!(text, embedded.1, "{stem}: id and file name must match");
    }
}

#[test]
fn every_preset_replays_with_the_same_trace_hash() {
    for p in presets::all() {
        let a = run(&p.scenario);
        let b = run(&p.scenario);
        assert_eq!(a.trace().hash(), b.trace().hash(), "preset {}", p.id);
        assert_eq!(a.events(), b.events(), "preset {}", p.id);
        assert!(a.events() > 0, "preset {} does nothing", p.id);
    }
}

#[test]
fn every_preset_has_its_expected_outcome() {
    let dir = common::scenarios_dir().join("presets");
    for (id, _) in presets::PRESETS {
        let case = dir.join(format!("{id}.json"));
        assert!(
            case.exists(),
            "preset {id} has no expected outcome: add {}",
            case.display()
        );
    }
    let n = common::run_all(&dir);
    eprintln!("{n} preset cases passed");
}

#[test]
fn only_the_presets_with_a_safety_mutation_violate_an_invariant() {
    for p in presets::all() {
        let w = run(&p.scenario);
        let unsafe_mutation = p
            .scenario
            .raft
            .mutations
            .iter()
            .any(|m| *m != Mutation::FixedTimeouts);
        let broken: Vec<&str> = w.violations().iter().map(|v| v.invariant).collect();
        if unsafe_mutation {
            assert!(
                !broken.is_empty(),
                "preset {} should break an invariant",
                p.id
            );
            // The same script with the rule restored is safe.
            let mut fixed = p.scenario.clone();
            fixed.raft.mutations.clear();
            let w = run(&fixed);
            assert!(
                w.violations().is_empty(),
                "preset {} without its mutation: {:?}",
                p.id,
                w.violations()
            );
        } else {
            assert!(broken.is_empty(), "preset {}: {:?}", p.id, w.violations());
        }
    }
}

#[test]
fn each_mutation_is_caught_by_its_preset() {
    let expected: &[(Mutation, &str, &[&str])] = &[
        (
            Mutation::CommitOldTerms,
            "figure-8-commit-old-terms",
            &["leader_completeness", "state_machine_safety"],
        ),
        (
            Mutation::VoteIgnoresLog,
            "stale-candidate-vote-ignores-log",
            &["leader_completeness", "state_machine_safety"],
        ),
        (Mutation::ForgetVote, "forget-vote", &["election_safety"]),
        // Liveness, not safety: no invariant breaks, but no leader is ever elected.
        (Mutation::FixedTimeouts, "fixed-timeouts", &[]),
    ];
    assert_eq!(
        expected.len(),
        Mutation::ALL.len(),
        "a mutation has no preset"
    );
    for (m, id, invariants) in expected {
        let s = preset(id);
        assert_eq!(s.raft.mutations, vec![*m], "preset {id}");
        let w = run(&s);
        let broken: Vec<&str> = w.violations().iter().map(|v| v.invariant).collect();
        assert_eq!(&broken, invariants, "preset {id}");
        if *m == Mutation::FixedTimeouts {
            assert!(
                raft::workload::leader(&w).is_none(),
                "{id}: a leader emerged"
            );
        }
    }
}

/// The scenario as JSON without the fields a pair is allowed to differ in.
fn without(s: &Scenario, drop_raft: &[&str]) -> Value {
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("title");
    obj.remove("notes");
    let raft = obj.get_mut("raft").unwrap().as_object_mut().unwrap();
    for k in drop_raft {
        raft.remove(*k);
    }
    v
}

#[test]
fn paired_presets_differ_in_one_setting_only() {
    let pairs = [
        ("figure-8", "figure-8-commit-old-terms", "mutations"),
        (
            "stale-candidate",
            "stale-candidate-vote-ignores-log",
            "mutations",
        ),
        ("pre-vote-off", "pre-vote", "pre_vote"),
        ("check-quorum-off", "check-quorum", "check_quorum"),
    ];
    for (a, b, setting) in pairs {
        let (sa, sb) = (preset(a), preset(b));
        assert_eq!(
            without(&sa, &[setting]),
            without(&sb, &[setting]),
            "{a} and {b} should differ only in raft.{setting}"
        );
        assert_ne!(sa.raft, sb.raft, "{a} and {b} are the same");
    }
}

#[test]
fn mutation_presets_report_violations_in_a_sweep() {
    // `qlab sweep` on a mutation preset (one seed, no chaos) exits 1: it found the bug.
    for id in [
        "figure-8-commit-old-terms",
        "stale-candidate-vote-ignores-log",
        "forget-vote",
    ] {
        let s = preset(id);
        let summary = quorum_lab::cli::sweep(&s, 1, false, s.default_until_ms(), "http://x/");
        assert_eq!(summary["runs_with_violations"], 1, "{id}: {summary}");
        assert_eq!(summary["first_failing_seed"], s.seed, "{id}");
    }
}
