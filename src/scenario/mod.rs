//! The scenario format of `SCENARIO.md`: types, defaults, validation with field paths,
//! the link codec, the chaos generator and the presets.
//!
//! A scenario is everything needed to reproduce a run bit for bit. Parsing never panics:
//! every problem comes back as a [`ScenarioError`] naming the field by its path
//! (`raft.heartbeat_ms: must be at least 1`).

pub mod chaos;
pub mod defaults;
pub mod limits;
pub mod link;
pub mod presets;
mod raw;

use std::fmt;

use raw::{RawEntry, RawNetwork, RawRaft, RawScenario};

use crate::protocols::raft::{Mutation, RaftSettings};
use crate::sim::{Action, NetworkMode, NetworkSettings, NodeId, ScriptEntry, Time};

/// Which protocol a scenario runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Raft.
    Raft,
}

impl Protocol {
    /// Every protocol this build knows.
    pub const ALL: [Protocol; 1] = [Protocol::Raft];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Raft => "raft",
        }
    }
}

/// A complete, validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Always [`defaults::VERSION`] once parsed.
    pub version: u32,
    /// The protocol.
    pub protocol: Protocol,
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
    /// Raft's settings (used when `protocol` is Raft).
    pub raft: RaftSettings,
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
    fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
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
    /// The page's default: five Raft nodes on an automatic network.
    fn default() -> Self {
        Scenario {
            version: defaults::VERSION,
            protocol: Protocol::Raft,
            title: "Raft: five servers".to_string(),
            notes: "Watch a leader get elected, then crash it, cut links or send requests."
                .to_string(),
            seed: defaults::SEED,
            nodes: defaults::NODES,
            network: NetworkSettings::default(),
            raft: RaftSettings::default(),
            script: Vec::new(),
        }
    }
}

impl Scenario {
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
            ScenarioError::at(path, plain_serde_message(&e.into_inner()))
        })?;
        de.end()
            .map_err(|e| ScenarioError::at("", plain_serde_message(&e)))?;
        Scenario::from_raw(raw)
    }

    /// The scenario as pretty JSON, every field written out (so a file or link keeps its
    /// meaning even if a later version changes a default).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_raw()).expect("scenarios always serialize")
    }

    /// The scenario as compact JSON, every field written out.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_raw()).expect("scenarios always serialize")
    }

    /// The time of the last script action (0 with an empty script).
    pub fn last_action_ms(&self) -> Time {
        self.script.last().map_or(0, |e| e.at_ms)
    }

    /// `qlab run`'s default end: the last script action plus five seconds.
    pub fn default_until_ms(&self) -> Time {
        self.last_action_ms() + defaults::RUN_PAST_LAST_ACTION_MS
    }

    fn to_raw(&self) -> RawScenario {
        RawScenario {
            version: self.version,
            protocol: self.protocol.name().to_string(),
            title: Some(self.title.clone()),
            notes: Some(self.notes.clone()),
            seed: Some(self.seed),
            nodes: Some(self.nodes),
            network: Some(RawNetwork {
                mode: Some(self.network.mode.name().to_string()),
                latency_ms: Some([self.network.latency_ms.0, self.network.latency_ms.1]),
                loss: Some(self.network.loss),
                duplicate: Some(self.network.duplicate),
            }),
            raft: Some(RawRaft {
                election_timeout_ms: Some(self.raft.election_timeout_ms.map(|(a, b)| [a, b])),
                heartbeat_ms: Some(self.raft.heartbeat_ms),
                leader_noop: Some(self.raft.leader_noop),
                pre_vote: Some(self.raft.pre_vote),
                check_quorum: Some(self.raft.check_quorum),
                mutations: Some(
                    self.raft
                        .mutations
                        .iter()
                        .map(|m| m.name().to_string())
                        .collect(),
                ),
            }),
            script: Some(self.script.iter().map(entry_to_raw).collect()),
        }
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
        let protocol = Protocol::ALL
            .into_iter()
            .find(|p| p.name() == raw.protocol)
            .ok_or_else(|| {
                let known: Vec<&str> = Protocol::ALL.iter().map(|p| p.name()).collect();
                ScenarioError::at(
                    "protocol",
                    format!(
                        "unknown protocol {:?} (known: {})",
                        raw.protocol,
                        known.join(", ")
                    ),
                )
            })?;
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
        if !(1..=limits::MAX_NODES).contains(&nodes) {
            return Err(ScenarioError::at(
                "nodes",
                format!(
                    "must be from 1 to {} for {}",
                    limits::MAX_NODES,
                    protocol.name()
                ),
            ));
        }
        let network = network_from_raw(raw.network)?;
        let raft = raft_from_raw(raw.raft)?;
        let script = script_from_raw(raw.script.unwrap_or_default(), nodes)?;
        Ok(Scenario {
            version: raw.version,
            protocol,
            title,
            notes,
            seed: raw.seed.unwrap_or(defaults::SEED),
            nodes,
            network,
            raft,
            script,
        })
    }
}

/// serde's message without its " at line 1 column 20" (the path says where).
fn plain_serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn range(path: &str, v: [u64; 2], min: u64, max: u64) -> Result<(u64, u64), ScenarioError> {
    let [lo, hi] = v;
    if lo < min {
        return Err(ScenarioError::at(
            format!("{path}[0]"),
            format!("must be at least {min}"),
        ));
    }
    if hi > max {
        return Err(ScenarioError::at(
            format!("{path}[1]"),
            format!("must be at most {max}"),
        ));
    }
    if lo > hi {
        return Err(ScenarioError::at(
            path,
            format!("the lower bound ({lo}) must not exceed the upper bound ({hi})"),
        ));
    }
    Ok((lo, hi))
}

fn probability(path: &str, p: f64) -> Result<f64, ScenarioError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(ScenarioError::at(path, "must be a probability from 0 to 1"));
    }
    Ok(p)
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
        Some(v) => range("network.latency_ms", v, 0, limits::MAX_LATENCY_MS)?,
    };
    Ok(NetworkSettings {
        mode,
        latency_ms,
        loss: probability("network.loss", raw.loss.unwrap_or(d.loss))?,
        duplicate: probability("network.duplicate", raw.duplicate.unwrap_or(d.duplicate))?,
    })
}

fn raft_from_raw(raw: Option<RawRaft>) -> Result<RaftSettings, ScenarioError> {
    let d = RaftSettings::default();
    let Some(raw) = raw else { return Ok(d) };
    let election_timeout_ms = match raw.election_timeout_ms {
        None => d.election_timeout_ms,
        Some(None) => None,
        Some(Some(v)) => Some(range(
            "raft.election_timeout_ms",
            v,
            1,
            limits::MAX_TIMER_MS,
        )?),
    };
    let heartbeat_ms = raw.heartbeat_ms.unwrap_or(d.heartbeat_ms);
    if heartbeat_ms < 1 {
        return Err(ScenarioError::at("raft.heartbeat_ms", "must be at least 1"));
    }
    if heartbeat_ms > limits::MAX_TIMER_MS {
        return Err(ScenarioError::at(
            "raft.heartbeat_ms",
            format!("must be at most {}", limits::MAX_TIMER_MS),
        ));
    }
    let mut mutations = Vec::new();
    for (i, name) in raw.mutations.unwrap_or_default().iter().enumerate() {
        let path = format!("raft.mutations[{i}]");
        let m = Mutation::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Mutation::ALL.iter().map(|m| m.name()).collect();
            ScenarioError::at(
                &path,
                format!("unknown mutation {name:?} (known: {})", known.join(", ")),
            )
        })?;
        if mutations.contains(&m) {
            return Err(ScenarioError::at(path, format!("{name:?} is listed twice")));
        }
        mutations.push(m);
    }
    mutations.sort();
    Ok(RaftSettings {
        election_timeout_ms,
        heartbeat_ms,
        leader_noop: raw.leader_noop.unwrap_or(d.leader_noop),
        pre_vote: raw.pre_vote.unwrap_or(d.pre_vote),
        check_quorum: raw.check_quorum.unwrap_or(d.check_quorum),
        mutations,
    })
}

fn script_from_raw(raw: Vec<RawEntry>, nodes: u32) -> Result<Vec<ScriptEntry>, ScenarioError> {
    if raw.len() > limits::MAX_SCRIPT {
        return Err(ScenarioError::at(
            "script",
            format!("must have at most {} entries", limits::MAX_SCRIPT),
        ));
    }
    let mut script = Vec::with_capacity(raw.len());
    let mut last = 0;
    for (i, e) in raw.into_iter().enumerate() {
        let path = format!("script[{i}]");
        if e.at_ms > limits::MAX_AT_MS {
            return Err(ScenarioError::at(
                format!("{path}.at_ms"),
                format!("must be at most {} (one day)", limits::MAX_AT_MS),
            ));
        }
        if e.at_ms < last {
            return Err(ScenarioError::at(
                format!("{path}.at_ms"),
                format!(
                    "the script must be sorted by time: {} comes after {last}",
                    e.at_ms
                ),
            ));
        }
        last = e.at_ms;
        let action = action_from_raw(&path, e.action.as_str(), &e, nodes)?;
        script.push(ScriptEntry {
            at_ms: e.at_ms,
            action,
        });
    }
    Ok(script)
}

fn action_from_raw(
    path: &str,
    name: &str,
    e: &RawEntry,
    nodes: u32,
) -> Result<Action, ScenarioError> {
    // Which fields each action takes; any other present field is an error.
    let takes: &[&str] = match name {
        "crash" | "restart" | "timeout" => &["node"],
        "request" => &["node", "value"],
        "partition" => &["groups"],
        "heal" => &[],
        "cut" | "repair" => &["from", "to"],
        "deliver" | "drop" => &["message"],
        _ => {
            return Err(ScenarioError::at(
                format!("{path}.action"),
                format!(
                    "unknown action {name:?} (known: crash, restart, timeout, request, \
                     partition, heal, cut, repair, deliver, drop)"
                ),
            ))
        }
    };
    let present = [
        ("node", e.node.is_some()),
        ("value", e.value.is_some()),
        ("groups", e.groups.is_some()),
        ("from", e.from.is_some()),
        ("to", e.to.is_some()),
        ("message", e.message.is_some()),
    ];
    for (field, is) in present {
        if is && !takes.contains(&field) {
            return Err(ScenarioError::at(
                format!("{path}.{field}"),
                format!("is not a field of the {name:?} action"),
            ));
        }
        if !is && takes.contains(&field) {
            return Err(ScenarioError::at(
                format!("{path}.{field}"),
                format!("is required by the {name:?} action"),
            ));
        }
    }
    let node = |field: &str, id: Option<u32>| -> Result<NodeId, ScenarioError> {
        let id = id.unwrap_or(0);
        if (1..=nodes).contains(&id) {
            Ok(id)
        } else {
            Err(ScenarioError::at(
                format!("{path}.{field}"),
                format!("node {id} does not exist (node ids are 1 to {nodes})"),
            ))
        }
    };
    Ok(match name {
        "crash" => Action::Crash {
            node: node("node", e.node)?,
        },
        "restart" => Action::Restart {
            node: node("node", e.node)?,
        },
        "timeout" => Action::Timeout {
            node: node("node", e.node)?,
        },
        "request" => {
            let value = e.value.clone().unwrap_or_default();
            if value.chars().count() > limits::VALUE_CHARS {
                return Err(ScenarioError::at(
                    format!("{path}.value"),
                    format!("must be at most {} characters", limits::VALUE_CHARS),
                ));
            }
            Action::Request {
                node: node("node", e.node)?,
                value,
            }
        }
        "partition" => {
            let groups = e.groups.clone().unwrap_or_default();
            // More groups than nodes says nothing more (empty groups change no link) and
            // would let a scenario grow without bound.
            if groups.len() > limits::MAX_NODES as usize {
                return Err(ScenarioError::at(
                    format!("{path}.groups"),
                    format!(
                        "{} groups; a partition has at most {} (one per node)",
                        groups.len(),
                        limits::MAX_NODES
                    ),
                ));
            }
            let mut seen = Vec::new();
            for (g, members) in groups.iter().enumerate() {
                for (m, id) in members.iter().enumerate() {
                    let field = format!("groups[{g}][{m}]");
                    let id = node(&field, Some(*id))?;
                    if seen.contains(&id) {
                        return Err(ScenarioError::at(
                            format!("{path}.{field}"),
                            format!("node {id} is in more than one group"),
                        ));
                    }
                    seen.push(id);
                }
            }
            Action::Partition { groups }
        }
        "heal" => Action::Heal,
        "cut" | "repair" => {
            let from = node("from", e.from)?;
            let to = node("to", e.to)?;
            if from == to {
                return Err(ScenarioError::at(
                    format!("{path}.to"),
                    "must differ from \"from\" (a link joins two nodes)",
                ));
            }
            if name == "cut" {
                Action::Cut { from, to }
            } else {
                Action::Repair { from, to }
            }
        }
        "deliver" => Action::Deliver {
            message: e.message.unwrap_or_default(),
        },
        _ => Action::Drop {
            message: e.message.unwrap_or_default(),
        },
    })
}

fn entry_to_raw(e: &ScriptEntry) -> RawEntry {
    let mut raw = RawEntry {
        at_ms: e.at_ms,
        action: e.action.name().to_string(),
        ..RawEntry::default()
    };
    match &e.action {
        Action::Crash { node } | Action::Restart { node } | Action::Timeout { node } => {
            raw.node = Some(*node)
        }
        Action::Request { node, value } => {
            raw.node = Some(*node);
            raw.value = Some(value.clone());
        }
        Action::Partition { groups } => raw.groups = Some(groups.clone()),
        Action::Heal => {}
        Action::Cut { from, to } | Action::Repair { from, to } => {
            raw.from = Some(*from);
            raw.to = Some(*to);
        }
        Action::Deliver { message } | Action::Drop { message } => raw.message = Some(*message),
    }
    raw
}
