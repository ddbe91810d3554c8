//! The presets the page ships, of every protocol: each parses, explains itself, replays
//! identically, and does what its notes say. The expected outcome of each preset is a case
//! file beside the other scenario cases, `tests/scenarios/presets/<id>.json` (format:
//! `tests/common/mod.rs`).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use quorum_lab::protocols::raft::{self, Mutation, RaftSettings, RaftWorld};
use quorum_lab::protocols::{self, Run, PROTOCOLS};
use quorum_lab::scenario::{presets, Scenario};
use serde_json::Value;

fn preset(id: &str) -> Scenario {
    presets::get(id)
        .unwrap_or_else(|| panic!("no preset {id:?}"))
        .unwrap_or_else(|e| panic!("preset {id}: {e}"))
}

/// Runs a scenario to its default end (the last action + 5 s), as `qlab run` does.
fn run(s: &Scenario) -> Box<dyn Run> {
    let mut w = protocols::build(s);
    w.advance_to(s.default_until_ms());
    w
}

/// The invariants a run broke, in the order they broke.
fn broken(run: &dyn Run) -> Vec<&'static str> {
    run.violations().iter().map(|v| v.invariant).collect()
}

/// The mutations a scenario switches on (every protocol lists them as `"mutations"` in
/// its settings block).
fn mutations(s: &Scenario) -> Vec<String> {
    s.settings["mutations"]
        .as_array()
        .map(|ms| {
            ms.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The same scenario with every mutation switched off.
fn without_mutations(s: &Scenario) -> Scenario {
    let mut settings = s.settings.clone();
    settings["mutations"] = Value::Array(Vec::new());
    s.with_settings(&settings)
        .unwrap_or_else(|e| panic!("{}: {e}", s.title))
}

#[test]
fn every_preset_parses_and_explains_what_to_watch() {
    let mut ids = BTreeSet::new();
    for (spec, p) in presets::sources() {
        let id = p.id;
        assert!(
            ids.insert(id),
            "preset id {id:?} is listed twice (ids are unique across protocols)"
        );
        let s = Scenario::from_json(p.json).unwrap_or_else(|e| panic!("preset {id}: {e}"));
        assert_eq!(
            s.protocol.name, spec.name,
            "preset {id} is listed by {} but runs {}",
            spec.name, s.protocol.name
        );
        assert!(!s.title.trim().is_empty(), "preset {id} has no title");
        assert!(
            s.notes.len() >= 200,
            "preset {id}: the notes should tell a student what to watch"
        );
        assert!(
            s.notes.contains('§') || s.notes.contains("Figure"),
            "preset {id}: the notes should cite the paper or thesis section"
        );
        assert!(
            !p.watch.trim().is_empty(),
            "preset {id}: the gallery's line is empty"
        );
        assert_eq!(s.version, 1);
    }
    assert_eq!(presets::all().len(), presets::sources().count());
}

#[test]
fn every_preset_file_is_listed_by_its_protocol() {
    for spec in PROTOCOLS {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/protocols")
            .join(spec.name)
            .join("presets");
        let mut files = BTreeSet::new();
        if dir.exists() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let stem = path.file_stem().unwrap().to_string_lossy().to_string();
                let listed = spec.presets.iter().find(|p| p.id == stem);
                let listed = listed
                    .unwrap_or_else(|| panic!("{} is not in {}'s spec", path.display(), spec.name));
                // The file text is what `include_str!` embeds under that id.
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(text, listed.json, "{stem}: id and file name must match");
                files.insert(stem);
            }
        }
        for p in spec.presets {
            assert!(
                files.contains(p.id),
                "{}'s preset {} has no file {}/{}.json",
                spec.name,
                p.id,
                dir.display(),
                p.id
            );
        }
    }
}

#[test]
fn every_preset_replays_with_the_same_trace_hash() {
    for p in presets::all() {
        let a = run(&p.scenario);
        let b = run(&p.scenario);
        assert_eq!(a.trace_hash(), b.trace_hash(), "preset {}", p.id);
        assert_eq!(a.events(), b.events(), "preset {}", p.id);
        assert!(a.events() > 0, "preset {} does nothing", p.id);
    }
}

#[test]
fn every_preset_has_its_expected_outcome() {
    let dir = common::scenarios_dir().join("presets");
    for (_, p) in presets::sources() {
        let case = dir.join(format!("{}.json", p.id));
        assert!(
            case.exists(),
            "preset {} has no expected outcome: add {}",
            p.id,
            case.display()
        );
    }
    let n = common::run_all(&dir);
    eprintln!("{n} preset cases passed");
}

#[test]
fn only_presets_with_a_mutation_violate_an_invariant() {
    // A correct protocol keeps its invariants in every preset; a preset that breaks one
    // does so because of its deliberate bug, and the same script with the rule restored
    // is safe. (Which mutation breaks which invariant: the test below and the presets'
    // case files.)
    for p in presets::all() {
        let w = run(&p.scenario);
        if mutations(&p.scenario).is_empty() {
            assert!(
                broken(&*w).is_empty(),
                "preset {}: {:?}",
                p.id,
                w.violations()
            );
        } else if !broken(&*w).is_empty() {
            let fixed = run(&without_mutations(&p.scenario));
            assert!(
                fixed.violations().is_empty(),
                "preset {} without its mutation: {:?}",
                p.id,
                fixed.violations()
            );
        }
    }
}

#[test]
fn every_mutation_is_shown_by_its_preset_alone() {
    // The spec names a preset for a mutation: that preset switches on that mutation and
    // no other, so it shows what the one rule protects.
    for spec in PROTOCOLS {
        for m in spec.mutations {
            if let Some(id) = m.preset {
                let s = preset(id);
                assert_eq!(s.protocol.name, spec.name, "preset {id}");
                assert_eq!(mutations(&s), [m.name], "preset {id}");
            }
        }
    }
}

#[test]
fn each_raft_mutation_is_caught_by_its_preset() {
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
        // Liveness, not safety: no leader is ever elected, which bounded liveness flags.
        (Mutation::FixedTimeouts, "fixed-timeouts", &["progress"]),
        // The history, not the logs: the scenario's check list catches a stale read.
        (Mutation::StaleReads, "stale-reads", &["linearizable"]),
        (
            Mutation::LeaderReadsUnchecked,
            "leader-reads-unchecked",
            &["linearizable"],
        ),
    ];
    assert_eq!(
        expected.len(),
        Mutation::ALL.len(),
        "a mutation has no preset"
    );
    for (m, id, invariants) in expected {
        let s = preset(id);
        assert_eq!(RaftSettings::of(&s).mutations, vec![*m], "preset {id}");
        assert_eq!(
            raft::SPEC.mutation(m.name()).and_then(|spec| spec.preset),
            Some(*id),
            "the spec names another preset for {m}"
        );
        let w = run(&s);
        assert_eq!(&broken(&*w), invariants, "preset {id}");
        if *m == Mutation::FixedTimeouts {
            let world = w.as_any().downcast_ref::<RaftWorld>().unwrap();
            assert!(raft::leader(world).is_none(), "{id}: a leader emerged");
        }
    }
}

/// The scenario as JSON without the fields a pair is allowed to differ in: the title,
/// the notes and `drop` of its protocol's settings.
fn without(s: &Scenario, drop: &[&str]) -> Value {
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("title");
    obj.remove("notes");
    let settings = obj
        .get_mut(s.protocol.name)
        .unwrap()
        .as_object_mut()
        .unwrap();
    for k in drop {
        settings.remove(*k);
    }
    v
}

#[test]
fn paired_raft_presets_differ_in_one_setting_only() {
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
            "{a} and {b} should differ only in {}.{setting}",
            sa.protocol.name
        );
        assert_ne!(sa.settings, sb.settings, "{a} and {b} are the same");
    }
}

#[test]
fn mutation_presets_report_violations_in_a_sweep() {
    // `qlab sweep` on a preset that breaks an invariant (one seed, no chaos) finds the bug,
    // as it would exit 1.
    let mut checked = 0;
    for p in presets::all() {
        if broken(&*run(&p.scenario)).is_empty() {
            continue;
        }
        let s = &p.scenario;
        let summary = quorum_lab::cli::sweep(s, 1, false, s.default_until_ms(), "http://x/");
        assert_eq!(summary["runs_with_violations"], 1, "{}: {summary}", p.id);
        assert_eq!(summary["first_failing_seed"], s.seed, "{}", p.id);
        checked += 1;
    }
    // Raft's three safety mutations at least.
    assert!(checked >= 3, "only {checked} presets break an invariant");
}
