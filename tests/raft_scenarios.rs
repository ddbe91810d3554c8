//! Every scenario case under `tests/scenarios/`: each JSON file shows one rule of the Raft
//! paper (its `shows` and `cite` fields say which), runs a scenario and asserts roles,
//! terms, logs, commit indexes, trace events and the exact set of invariants violated.
//! `raft/` holds the cases written for one rule each; `presets/` the expected outcome of
//! each preset the page ships (also run by `tests/presets.rs`). The format is described
//! in `tests/common/mod.rs`.

mod common;

#[test]
fn every_scenario_case_holds() {
    let n = common::run_all(&common::scenarios_dir());
    eprintln!("{n} scenario cases passed");
}

#[test]
fn the_cases_cover_the_paper() {
    // Each section the suite promises has at least one case citing it.
    let mut cites = String::new();
    for path in common::case_files(&common::scenarios_dir()) {
        let case = common::Case::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        cites.push_str(&case.cite);
        cites.push('\n');
    }
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
