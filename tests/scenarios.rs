//! Every scenario case under `tests/scenarios/`, of every protocol: each JSON file shows one
//! rule of a paper (its `shows` and `cite` fields say which), runs a scenario and asserts
//! the nodes' states as `qlab run` reports them, trace events and the exact set of
//! invariants violated. `raft/` (and one folder per protocol) holds the cases written for
//! one rule each; `presets/` the expected outcome of each preset the page ships (also run
//! by `tests/presets.rs`). The format is described in `tests/common/mod.rs`.

mod common;

use quorum_lab::protocols::PROTOCOLS;

#[test]
fn every_scenario_case_holds() {
    let n = common::run_all(&common::scenarios_dir());
    eprintln!("{n} scenario cases passed");
}

/// The cases of every file under `tests/scenarios/`, with their file names.
fn all_cases() -> Vec<(String, common::Case)> {
    common::case_files(&common::scenarios_dir())
        .into_iter()
        .map(|path| {
            let case =
                common::Case::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), case)
        })
        .collect()
}

#[test]
fn the_cases_cover_the_raft_paper() {
    // Each section the suite promises has at least one case citing it.
    let cites: String = all_cases()
        .iter()
        .map(|(_, case)| format!("{}\n", case.cite))
        .collect();
    for section in [
        "§5.1",
        "§5.2",
        "§5.3",
        "§5.4.1",
        "§5.4.2",
        "Figure 8",
        "§8",
        "thesis §9.6",
        "thesis §6.2",
        "SCENARIO.md",
    ] {
        assert!(cites.contains(section), "no case cites {section}");
    }
}

#[test]
fn every_protocol_has_cases_and_every_case_a_protocol() {
    // A case runs a registered protocol (its scenario says which), and every registered
    // protocol has cases of its own, not only its presets' expected outcomes.
    let mut by_protocol = std::collections::BTreeMap::new();
    for (name, case) in all_cases() {
        let scenario = case.scenario().unwrap_or_else(|e| panic!("{name}: {e}"));
        *by_protocol.entry(scenario.protocol.name).or_insert(0) +=
            usize::from(case.preset.is_none());
    }
    for spec in PROTOCOLS {
        assert!(
            by_protocol.get(spec.name).is_some_and(|&n| n > 0),
            "no case under tests/scenarios/ runs a scenario of {} (only presets: {by_protocol:?})",
            spec.name
        );
    }
}
