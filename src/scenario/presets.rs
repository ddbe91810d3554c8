//! The presets: scenario files shipped with the page and tested by the suite. Each has a
//! title and notes that explain what to watch.

use super::{Scenario, ScenarioError};

/// A preset's id (its file name) and JSON text.
pub const PRESETS: &[(&str, &str)] = &[(
    "first-election",
    include_str!("presets/first-election.json"),
)];

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
