//! The envelope's `clients` block and `check` list (SCENARIO.md, "Clients and
//! histories"): read, validated with field paths, and written back.
//!
//! ```json
//! "clients": { "timeout_ms": 500,
//!              "workload": { "clients": 3, "keys": 1, "think_ms": [50, 150], "reads": 0.5 } },
//! "check": ["linearizable"]
//! ```
//!
//! `workload` (`null` or left out: none) makes clients `1..=clients` run by themselves:
//! each pauses for `think_ms`, then reads (with probability `reads`) or writes a fresh
//! value (`"2.7"`: client 2's 7th operation) on one of `keys` registers (`x`, `y`, `z`,
//! `k4`, …), sending it to the node it last heard is the one to ask.

use serde_json::{json, Value};

use super::check;
use super::limits;
use super::raw::{RawClients, RawWorkload};
use super::ScenarioError;
use crate::check::catalog;
use crate::sim::client::{ClientSettings, Workload, DEFAULT_TIMEOUT_MS, MAX_CLIENTS};

/// The most registers a workload spreads over.
pub const MAX_KEYS: u32 = 26;

/// A workload's defaults, for the fields left out.
pub fn default_workload() -> Workload {
    Workload {
        clients: 3,
        keys: 1,
        think_ms: (50, 150),
        reads: 0.5,
    }
}

/// Reads the `clients` block.
pub fn from_raw(raw: Option<RawClients>) -> Result<ClientSettings, ScenarioError> {
    let Some(raw) = raw else {
        return Ok(ClientSettings::default());
    };
    let timeout_ms = check::within(
        "clients.timeout_ms",
        raw.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        1,
        limits::MAX_TIMER_MS,
    )?;
    let workload = raw.workload.map(workload_from_raw).transpose()?;
    Ok(ClientSettings {
        timeout_ms,
        workload,
    })
}

fn workload_from_raw(raw: RawWorkload) -> Result<Workload, ScenarioError> {
    let d = default_workload();
    let clients = check::within(
        "clients.workload.clients",
        raw.clients.unwrap_or(d.clients) as u64,
        1,
        MAX_CLIENTS as u64,
    )? as u32;
    let keys = check::within(
        "clients.workload.keys",
        raw.keys.unwrap_or(d.keys) as u64,
        1,
        MAX_KEYS as u64,
    )? as u32;
    // At least a millisecond between operations, so a client answered at once cannot
    // spin inside one millisecond.
    let think_ms = match raw.think_ms {
        None => d.think_ms,
        Some(v) => check::range("clients.workload.think_ms", v, 1, limits::MAX_TIMER_MS)?,
    };
    let reads = check::probability("clients.workload.reads", raw.reads.unwrap_or(d.reads))?;
    Ok(Workload {
        clients,
        keys,
        think_ms,
        reads,
    })
}

/// The `clients` block with every field written out.
pub fn to_value(c: &ClientSettings) -> Value {
    let workload = match &c.workload {
        None => Value::Null,
        Some(w) => json!({
            "clients": w.clients,
            "keys": w.keys,
            "think_ms": [w.think_ms.0, w.think_ms.1],
            "reads": w.reads,
        }),
    };
    json!({ "timeout_ms": c.timeout_ms, "workload": workload })
}

/// Reads the `check` list: known model names, each once, in the catalog's order.
pub fn check_from_raw(raw: Option<Vec<String>>) -> Result<Vec<&'static str>, ScenarioError> {
    let mut out: Vec<&'static str> = Vec::new();
    for (i, name) in raw.unwrap_or_default().iter().enumerate() {
        let Some(model) = catalog::model(name) else {
            let known: Vec<&str> = catalog::MODELS.iter().map(|m| m.name).collect();
            return Err(ScenarioError::at(
                format!("check[{i}]"),
                format!(
                    "unknown consistency model {name:?} (known: {})",
                    known.join(", ")
                ),
            ));
        };
        if out.contains(&model.name) {
            return Err(ScenarioError::at(
                format!("check[{i}]"),
                format!("{name:?} is listed twice"),
            ));
        }
        out.push(model.name);
    }
    crate::sort::sort_by_key(&mut out, |m| {
        catalog::MODELS.iter().position(|k| k.name == *m)
    });
    Ok(out)
}
