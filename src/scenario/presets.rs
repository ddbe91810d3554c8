//! The presets: scenario files shipped with the page and tested by the suite. Each has a
//! title and notes that explain what to watch.

use super::{Scenario, ScenarioError};

/// A preset's id (its file name) and JSON text, in the order the page lists them. Pairs
/// that differ in one setting (a mutation, pre-vote, check-quorum) sit side by side.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "first-election",
        include_str!("presets/first-election.json"),
    ),
    ("leader-crash", include_str!("presets/leader-crash.json")),
    ("split-vote", include_str!("presets/split-vote.json")),
    (
        "partitioned-minority-leader",
        include_str!("presets/partitioned-minority-leader.json"),
    ),
    ("log-repair", include_str!("presets/log-repair.json")),
    ("figure-8", include_str!("presets/figure-8.json")),
    (
        "figure-8-commit-old-terms",
        include_str!("presets/figure-8-commit-old-terms.json"),
    ),
    (
        "stale-candidate",
        include_str!("presets/stale-candidate.json"),
    ),
    (
        "stale-candidate-vote-ignores-log",
        include_str!("presets/stale-candidate-vote-ignores-log.json"),
    ),
    ("forget-vote", include_str!("presets/forget-vote.json")),
    (
        "fixed-timeouts",
        include_str!("presets/fixed-timeouts.json"),
    ),
    ("pre-vote-off", include_str!("presets/pre-vote-off.json")),
    ("pre-vote", include_str!("presets/pre-vote.json")),
    (
        "check-quorum-off",
        include_str!("presets/check-quorum-off.json"),
    ),
    ("check-quorum", include_str!("presets/check-quorum.json")),
];

/// A named preset.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// The file name, without `.json`.
    pub id: &'static str,
    /// The scenario.
    pub scenario: Scenario,
}

/// Every preset, parsed. (The test suite checks that each one parses.)
pub fn all() -> Vec<Preset> {
    PRESETS
        .iter()
        .filter_map(|(id, json)| {
            Scenario::from_json(json)
                .ok()
                .map(|scenario| Preset { id, scenario })
        })
        .collect()
}

/// The preset with this id.
pub fn get(id: &str) -> Option<Result<Scenario, ScenarioError>> {
    PRESETS
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, json)| Scenario::from_json(json))
}
