//! The scenario exactly as written in JSON: every optional field optional, unknown fields
//! rejected. Parsing goes through these types (so serde reports the failing field's path)
//! and validation turns them into [`super::Scenario`].
//!
//! The envelope's fields are known here; any other top-level key is kept as raw JSON text,
//! because it may be a protocol's settings block (`"raft": {...}`), which only that
//! protocol can read. Validation then decides whether it is the scenario's own protocol,
//! another protocol's block or an unknown field.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

/// The envelope's fields, in the order they are written.
pub const ENVELOPE_FIELDS: &[&str] = &[
    "version", "protocol", "title", "notes", "seed", "nodes", "network", "clients", "check",
    "script",
];

/// Top level.
#[derive(Debug, Default)]
pub struct RawScenario {
    pub version: u32,
    pub protocol: String,
    pub title: Option<String>,
    pub notes: Option<String>,
    pub seed: Option<u64>,
    pub nodes: Option<u32>,
    pub network: Option<RawNetwork>,
    pub clients: Option<RawClients>,
    pub check: Option<Vec<String>>,
    pub script: Option<Vec<RawEntry>>,
    /// Every other key, with its value's JSON text, in document order.
    pub blocks: Vec<(String, Box<RawValue>)>,
}

impl<'de> Deserialize<'de> for RawScenario {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ScenarioVisitor)
    }
}

struct ScenarioVisitor;

impl<'de> Visitor<'de> for ScenarioVisitor {
    type Value = RawScenario;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scenario object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawScenario, A::Error> {
        let mut raw = RawScenario::default();
        let (mut version, mut protocol) = (None, None);
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            seen.push(key.clone());
            match key.as_str() {
                "version" => version = Some(map.next_value()?),
                "protocol" => protocol = Some(map.next_value()?),
                "title" => raw.title = map.next_value()?,
                "notes" => raw.notes = map.next_value()?,
                "seed" => raw.seed = map.next_value()?,
                "nodes" => raw.nodes = map.next_value()?,
                "network" => raw.network = map.next_value()?,
                "clients" => raw.clients = map.next_value()?,
                "check" => raw.check = map.next_value()?,
                "script" => raw.script = map.next_value()?,
                _ => {
                    let value: Box<RawValue> = map.next_value()?;
                    raw.blocks.push((key, value));
                }
            }
        }
        raw.version = version.ok_or_else(|| de::Error::missing_field("version"))?;
        raw.protocol = protocol.ok_or_else(|| de::Error::missing_field("protocol"))?;
        Ok(raw)
    }
}

/// `network`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<[u64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
}

/// `clients`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClients {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    #[serde(default)]
    pub workload: Option<RawWorkload>,
}

/// `clients.workload`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub think_ms: Option<[u64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads: Option<f64>,
}

/// One `script` entry: the action's name and whichever fields it takes.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    pub at_ms: u64,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Vec<u32>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<u64>,
}
