//! The scenario format of `SCENARIO.md`: types, defaults, validation with field paths,
//! the link codec, the chaos generator and the presets.
//!
//! A scenario is everything needed to reproduce a run bit for bit. Its envelope (title,
//! seed, nodes, network, script) is the same for every protocol; the protocol's own
//! settings live under its name (`"raft": {...}`) and only that protocol reads them,
//! through its [`Spec`]. Parsing never panics: every problem comes back as a
//! [`ScenarioError`] naming the field by its path (`raft.heartbeat_ms: must be at least 1`).

pub mod chaos;
pub mod check;
pub mod clients;
pub mod defaults;
pub mod limits;
pub mod link;
pub mod presets;
mod raw;
pub mod script;

use std::fmt;
use std::ops::Deref;

use raw::{RawNetwork, RawScenario};
use serde_json::{Map, Value};

use crate::protocols::{self, Spec, PROTOCOLS};
use crate::sim::client::ClientSettings;
use crate::sim::{Action, NetworkMode, NetworkSettings, ScriptEntry, Time};

/// A registered protocol, as a scenario names it. Compared by name.
#[derive(Clone, Copy)]
pub struct ProtocolRef(pub &'static Spec);

impl Deref for ProtocolRef {
    type Target = Spec;
    fn deref(&self) -> &Spec {
        self.0
    }
}

impl PartialEq for ProtocolRef {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl fmt::Debug for ProtocolRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// A complete, validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Always [`defaults::VERSION`] once parsed.
    pub version: u32,
    /// The protocol.
    pub protocol: ProtocolRef,
    /// A title, shown as plain text (≤ 120 characters).
    pub title: String,
    /// Notes on what to watch, shown as plain text (≤ 2,000 characters).
    pub notes: String,
    /// The seed of every random draw.
    pub seed: u64,
    /// Cluster size; node ids are `1..=nodes`.
    pub nodes: u32,
    /// The network's fault model.
    pub network: NetworkSettings,
    /// The protocol's settings block with every field written out, as its spec validated
    /// it. The protocol turns it into its own typed settings when it builds a run.
    pub settings: Value,
    /// The clients' timeout and workload (protocols that serve clients).
    pub clients: ClientSettings,
    /// The consistency models the history is checked against (`linearizable`, …).
    pub check: Vec<&'static str>,
    /// The timed actions, sorted by time.
    pub script: Vec<ScriptEntry>,
}

/// A problem with a scenario: the field's path and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where: `raft.heartbeat_ms`, `script[3].node`; empty for the document as a whole.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ScenarioError {
    /// A problem at `path`.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    /// One line, always: the CLI prints it as its one-line error and the page on its
    /// notice line, and a hostile key may hold a line break, so control characters are
    /// written escaped (`\n`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write_one_line(f, &self.path)?;
            f.write_str(": ")?;
        }
        write_one_line(f, &self.message)
    }
}

fn write_one_line(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            fmt::Write::write_char(f, c)?;
        }
    }
    Ok(())
}

impl std::error::Error for ScenarioError {}

impl Default for Scenario {
    /// The page's default: the first registered protocol's default scenario.
    fn default() -> Self {
        Scenario::default_for(PROTOCOLS[0])
    }
}

impl Scenario {
    /// `spec`'s default scenario: its default settings on the default network, no script.
    pub fn default_for(spec: &'static Spec) -> Scenario {
        Scenario {
            version: defaults::VERSION,
            protocol: ProtocolRef(spec),
            title: spec.default_title.to_string(),
            notes: spec.default_notes.to_string(),
            seed: defaults::SEED,
            nodes: defaults::NODES.min(spec.max_nodes),
            network: NetworkSettings::default(),
            settings: (spec.settings)(None).expect("a protocol's defaults are valid"),
            clients: ClientSettings::default(),
            check: Vec::new(),
            script: Vec::new(),
        }
    }

    /// Parses and validates a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawScenario = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            // "." is the document itself; "?" is where serde lost track (a document cut
            // short inside an object): neither names a field, so the message stands alone
            // instead of reading "?: EOF while parsing an object".
            let path = if path == "." || path == "?" {
                String::new()
            } else {
                path
            };
            ScenarioError::at(path, check::plain_serde_message(&e.into_inner()))
        })?;
        de.end()
            .map_err(|e| ScenarioError::at("", check::plain_serde_message(&e)))?;
        Scenario::from_raw(raw)
    }

    /// The scenario as pretty JSON, every field written out (so a file or link keeps its
    /// meaning even if a later version changes a default).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).expect("scenarios always serialize")
    }

    /// The scenario as compact JSON, every field written out.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_value()).expect("scenarios always serialize")
    }

    /// The time of the last script action (0 with an empty script).
    pub fn last_action_ms(&self) -> Time {
        self.script.last().map_or(0, |e| e.at_ms)
    }

    /// `qlab run`'s default end: the last script action plus five seconds.
    pub fn default_until_ms(&self) -> Time {
        self.last_action_ms() + defaults::RUN_PAST_LAST_ACTION_MS
    }

    /// Whether the scenario has clients: a workload, a client action, a timeout other than
    /// the default.
    pub fn uses_clients(&self) -> bool {
        self.clients != ClientSettings::default()
            || self
                .script
                .iter()
                .any(|e| matches!(e.action, Action::Client { .. }))
    }

    /// What a simulated world of this scenario is built from, given the protocol's
    /// own typed settings.
    pub fn setup<S>(&self, protocol: S) -> crate::sim::Setup<S> {
        crate::sim::Setup {
            nodes: self.nodes,
            seed: self.seed,
            network: self.network.clone(),
            protocol,
            script: self.script.clone(),
            clients: self.clients.clone(),
            check: self.check.clone(),
        }
    }

    /// The same scenario with its protocol's settings block replaced by `settings`,
    /// checked by the protocol (the page's settings form uses this).
    pub fn with_settings(&self, settings: &Value) -> Result<Scenario, ScenarioError> {
        let text = settings.to_string();
        Ok(Scenario {
            settings: (self.protocol.settings)(Some(&text))?,
            ..self.clone()
        })
    }

    /// The scenario as a JSON value, its fields in the order of `SCENARIO.md`.
    fn to_value(&self) -> Value {
        let mut doc = Map::new();
        doc.insert("version".into(), self.version.into());
        doc.insert("protocol".into(), self.protocol.name.into());
        doc.insert("title".into(), self.title.clone().into());
        doc.insert("notes".into(), self.notes.clone().into());
        doc.insert("seed".into(), self.seed.into());
        doc.insert("nodes".into(), self.nodes.into());
        let network = RawNetwork {
            mode: Some(self.network.mode.name().to_string()),
            latency_ms: Some([self.network.latency_ms.0, self.network.latency_ms.1]),
            loss: Some(self.network.loss),
            duplicate: Some(self.network.duplicate),
        };
        doc.insert(
            "network".into(),
            serde_json::to_value(network).expect("network settings serialize"),
        );
        // Written only when used, so that scenarios without clients keep the form (and
        // links) they always had.
        if self.uses_clients() {
            doc.insert("clients".into(), clients::to_value(&self.clients));
        }
        if !self.check.is_empty() {
            doc.insert("check".into(), self.check.clone().into());
        }
        doc.insert(self.protocol.name.into(), self.settings.clone());
        let script: Vec<Value> = self
            .script
            .iter()
            .map(|e| serde_json::to_value(script::entry_to_raw(e)).expect("entries serialize"))
            .collect();
        doc.insert("script".into(), script.into());
        Value::Object(doc)
    }

    fn from_raw(raw: RawScenario) -> Result<Scenario, ScenarioError> {
        if raw.version != defaults::VERSION {
            let message = if raw.version > defaults::VERSION {
                format!(
                    "this scenario is format version {}, newer than this Quorum Lab reads ({}); \
                     open it with a newer Quorum Lab",
                    raw.version,
                    defaults::VERSION
                )
            } else {
                format!("must be {}", defaults::VERSION)
            };
            return Err(ScenarioError::at("version", message));
        }
        let spec = protocols::find(&raw.protocol).ok_or_else(|| {
            let known: Vec<&str> = PROTOCOLS.iter().map(|p| p.name).collect();
            ScenarioError::at(
                "protocol",
                format!(
                    "unknown protocol {:?} (known: {})",
                    raw.protocol,
                    known.join(", ")
                ),
            )
        })?;
        // Every other key must be this protocol's settings block.
        let mut block = None;
        for (key, value) in &raw.blocks {
            if key == spec.name {
                // `null` is the block left at its defaults, like any optional field.
                block = (value.get() != "null").then(|| value.get());
            } else if protocols::find(key).is_some() {
                return Err(ScenarioError::at(
                    key.as_str(),
                    format!("this scenario runs {}", spec.name),
                ));
            } else {
                let mut expected: Vec<String> = raw::ENVELOPE_FIELDS
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect();
                expected.push(format!("`{}`", spec.name));
                // Named at its own path, as serde names an unknown field inside a block
                // (`network.lossy: unknown field …`).
                return Err(ScenarioError::at(
                    key.as_str(),
                    format!(
                        "unknown field `{key}`, expected one of {}",
                        expected.join(", ")
                    ),
                ));
            }
        }
        let title = raw.title.unwrap_or_default();
        if title.chars().count() > limits::TITLE_CHARS {
            return Err(ScenarioError::at(
                "title",
                format!("must be at most {} characters", limits::TITLE_CHARS),
            ));
        }
        let notes = raw.notes.unwrap_or_default();
        if notes.chars().count() > limits::NOTES_CHARS {
            return Err(ScenarioError::at(
                "notes",
                format!("must be at most {} characters", limits::NOTES_CHARS),
            ));
        }
        let nodes = raw.nodes.unwrap_or(defaults::NODES);
        if !(1..=spec.max_nodes).contains(&nodes) {
            return Err(ScenarioError::at(
                "nodes",
                format!("must be from 1 to {} for {}", spec.max_nodes, spec.name),
            ));
        }
        let network = network_from_raw(raw.network)?;
        if !spec.serves_clients {
            if raw.clients.is_some() {
                return Err(ScenarioError::at(
                    "clients",
                    format!("{} serves no reads or writes", spec.name),
                ));
            }
            if raw.check.as_ref().is_some_and(|c| !c.is_empty()) {
                return Err(ScenarioError::at(
                    "check",
                    format!(
                        "{} serves no reads or writes: there is no history to check",
                        spec.name
                    ),
                ));
            }
        }
        let clients = clients::from_raw(raw.clients)?;
        let check = clients::check_from_raw(raw.check)?;
        let settings = (spec.settings)(block)?;
        let script = script::from_raw(raw.script.unwrap_or_default(), nodes, spec)?;
        Ok(Scenario {
            version: raw.version,
            protocol: ProtocolRef(spec),
            title,
            notes,
            seed: raw.seed.unwrap_or(defaults::SEED),
            nodes,
            network,
            settings,
            clients,
            check,
            script,
        })
    }
}

fn network_from_raw(raw: Option<RawNetwork>) -> Result<NetworkSettings, ScenarioError> {
    let d = NetworkSettings::default();
    let Some(raw) = raw else { return Ok(d) };
    let mode = match raw.mode.as_deref() {
        None => d.mode,
        Some("auto") => NetworkMode::Auto,
        Some("manual") => NetworkMode::Manual,
        Some(other) => {
            return Err(ScenarioError::at(
                "network.mode",
                format!("must be \"auto\" or \"manual\", not {other:?}"),
            ))
        }
    };
    let latency_ms = match raw.latency_ms {
        None => d.latency_ms,
        Some(v) => check::range("network.latency_ms", v, 0, limits::MAX_LATENCY_MS)?,
    };
    Ok(NetworkSettings {
        mode,
        latency_ms,
        loss: check::probability("network.loss", raw.loss.unwrap_or(d.loss))?,
        duplicate: check::probability("network.duplicate", raw.duplicate.unwrap_or(d.duplicate))?,
    })
}
