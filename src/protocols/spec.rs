//! What a protocol declares about itself, as data: its name and limits, its own actions,
//! its settings form, its deliberate bugs, its invariants, its legend and its presets.
//!
//! A protocol is one `static` [`Spec`] in its folder plus one line in the registry
//! (`super::PROTOCOLS`). The scenario format, the page's settings form, menus, legend,
//! event filters and preset gallery, the CLI and the chaos generator read it; none of
//! them names a protocol.

use serde_json::Value;

use super::run::Run;
use super::view::{MessageLook, Tone};
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{Action, InvariantSpec};

/// One registered protocol.
pub struct Spec {
    /// The name in scenarios (`"protocol": "raft"`) and the key of its settings block.
    pub name: &'static str,
    /// For people: "Raft".
    pub title: &'static str,
    /// What it is, in one line (the protocol picker's description).
    pub summary: &'static str,
    /// The paper it follows.
    pub source: &'static str,
    /// The most nodes a scenario may have (ids are `1..=nodes`).
    pub max_nodes: u32,
    /// Whether its nodes serve clients' reads and writes (the `write` and `read` actions,
    /// the `clients` block, histories and the `check` list).
    pub serves_clients: bool,
    /// The title and notes of the protocol's default scenario.
    pub default_title: &'static str,
    /// See [`Spec::default_title`].
    pub default_notes: &'static str,
    /// The actions of its own (besides crash, restart, partition, heal, cut, repair,
    /// deliver and drop, which every message-passing protocol has).
    pub commands: &'static [CommandSpec],
    /// Its settings as the page's form shows them, in order.
    pub form: &'static [FormField],
    /// Its deliberate bugs (`"mutations": [...]` in its settings block).
    pub mutations: &'static [MutationSpec],
    /// The invariants every run is checked against, in the order the page lists them.
    pub invariants: &'static [InvariantSpec],
    /// The event list's names for its two stories: [leadership, data]
    /// ("Elections & terms", "Requests & commits").
    pub topics: [&'static str; 2],
    /// The timeline legend's words for its two kinds of mark: [leadership, data]
    /// ("leader elected", "commit").
    pub marks: [&'static str; 2],
    /// What the figure's legend explains.
    pub legend: Legend,
    /// The presets, in the order the gallery lists them.
    pub presets: &'static [PresetSpec],
    /// Checks the protocol's settings block, given as JSON text (absent: every default),
    /// and returns it with every field written out. Errors name the field under the
    /// protocol's key (`raft.heartbeat_ms: must be at least 1`).
    pub settings: fn(Option<&str>) -> Result<Value, ScenarioError>,
    /// Warnings about a valid settings block, each beside the field it concerns
    /// (`("heartbeat_ms", "At or above the election timeout: …")`).
    pub warnings: fn(&Value) -> Vec<(&'static str, String)>,
    /// The run of a scenario of this protocol, at time 0.
    pub build: fn(&Scenario) -> Box<dyn Run>,
    /// The fixed benchmark workload's next client action, if the run can take one now
    /// (`k` counts the actions so far). `qlab bench` sends one every 10 ms.
    pub load: fn(&dyn Run, k: u64) -> Option<Action>,
}

impl Spec {
    /// The command with this scenario name.
    pub fn command(&self, name: &str) -> Option<&'static CommandSpec> {
        self.commands.iter().find(|c| c.name == name)
    }

    /// The invariant with this name.
    pub fn invariant(&self, name: &str) -> Option<&'static InvariantSpec> {
        self.invariants.iter().find(|i| i.name == name)
    }

    /// The mutation with this name.
    pub fn mutation(&self, name: &str) -> Option<&'static MutationSpec> {
        self.mutations.iter().find(|m| m.name == name)
    }

    /// The label of a topic (`0`: leadership, `1`: data).
    pub fn topic_label(&self, topic: crate::sim::Topic) -> &'static str {
        match topic {
            crate::sim::Topic::Leadership => self.topics[0],
            crate::sim::Topic::Data => self.topics[1],
        }
    }
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spec({})", self.name)
    }
}

/// How the chaos generator uses a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chaos {
    /// Client load: sent at the workload's request rate (Raft's `request`).
    Load,
    /// A nudge that upsets timing: sent now and then (Raft's `timeout`).
    Perturb,
    /// Never generated.
    Never,
}

/// The value a command carries, as the node menu asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueSpec {
    /// The field's label ("Client request").
    pub label: &'static str,
    /// Values the page makes up when the field is left empty: `x1`, `x2`, …
    pub prefix: &'static str,
}

/// One of a protocol's own actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    /// The name in scenarios (`"timeout"`).
    pub name: &'static str,
    /// How the trace says it ("time out" → "time out S2").
    pub verb: &'static str,
    /// The button's words ("Time out now").
    pub label: &'static str,
    /// What it does, for the button's title.
    pub help: &'static str,
    /// Its keyboard shortcut on the selected node.
    pub key: Option<char>,
    /// `Some` when it carries a value (`"value"` in the scenario).
    pub value: Option<ValueSpec>,
    /// How chaos uses it.
    pub chaos: Chaos,
}

/// A deliberate bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MutationSpec {
    /// The name in scenarios (`"commit_old_terms"`).
    pub name: &'static str,
    /// The rule it removes, one line ("Leaders may commit entries from earlier terms…").
    pub removes: &'static str,
    /// What to expect when it is on ("State machine safety breaks: …").
    pub breaks: &'static str,
    /// The preset that shows it, if one does.
    pub preset: Option<&'static str>,
}

/// A preset: its id (unique across protocols), its scenario JSON and what to watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresetSpec {
    /// The id, also the file name without `.json` (`"figure-8"`).
    pub id: &'static str,
    /// The scenario.
    pub json: &'static str,
    /// What to watch, in one line, for the gallery.
    pub watch: &'static str,
}

/// How one setting is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number of milliseconds.
    Millis { min: u64, max: u64 },
    /// An inclusive range of milliseconds `[lo, hi]`, or, with `off`, `null` for "never"
    /// (the checkbox's label, such as "Manual elections").
    MillisRange {
        min: u64,
        max: u64,
        off: Option<&'static str>,
    },
    /// On or off.
    Toggle,
}

/// When the scenario's summary line mentions a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// Always ("election timeout 150–300 ms", "manual elections").
    Always,
    /// Only when it is on (toggles: "pre-vote").
    WhenOn,
    /// Never.
    Never,
}

/// One field of a protocol's settings form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormField {
    /// Its key in the protocol's settings block (`"heartbeat_ms"`).
    pub key: &'static str,
    /// The label ("Heartbeat").
    pub label: &'static str,
    /// One sentence on what it does.
    pub help: &'static str,
    /// How it is edited.
    pub kind: FieldKind,
    /// When the summary line mentions it.
    pub fact: Fact,
}

/// One entry of the legend's node list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeKey {
    /// How the node is drawn.
    pub tone: Tone,
    /// What it means ("Leader (filled, ★)").
    pub words: &'static str,
}

/// One entry of the legend's message list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MessageKey {
    /// How the message is drawn.
    pub look: MessageLook,
    /// What it means ("RequestVote (RV)").
    pub words: &'static str,
}

/// What the figure's legend explains of a protocol.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Legend {
    /// Node looks.
    pub nodes: &'static [NodeKey],
    /// A sentence under them (what the ring around a node means).
    pub node_note: &'static str,
    /// Message looks.
    pub messages: &'static [MessageKey],
}
