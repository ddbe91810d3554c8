//! The presets of every registered protocol: scenario files shipped with the page and
//! tested by the suite. Each has a title, notes that explain what to watch, and a line
//! for the gallery. The files live in their protocol's folder.

use super::{Scenario, ScenarioError};
use crate::protocols::spec::{PresetSpec, Spec};
use crate::protocols::PROTOCOLS;

/// A preset, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Its id (its file name without `.json`), unique across protocols.
    pub id: &'static str,
    /// What to watch, in one line.
    pub watch: &'static str,
    /// The scenario.
    pub scenario: Scenario,
}

/// Every preset's source, protocol by protocol, in the order the gallery lists them.
pub fn sources() -> impl Iterator<Item = (&'static Spec, &'static PresetSpec)> {
    PROTOCOLS
        .iter()
        .flat_map(|p| p.presets.iter().map(move |s| (*p, s)))
}

/// Every preset, parsed. (The test suite checks that each one parses.)
pub fn all() -> Vec<Preset> {
    sources()
        .filter_map(|(_, p)| {
            Scenario::from_json(p.json).ok().map(|scenario| Preset {
                id: p.id,
                watch: p.watch,
                scenario,
            })
        })
        .collect()
}

/// The preset with this id.
pub fn get(id: &str) -> Option<Result<Scenario, ScenarioError>> {
    sources()
        .find(|(_, p)| p.id == id)
        .map(|(_, p)| Scenario::from_json(p.json))
}
