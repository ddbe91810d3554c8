//! A scenario's `script`: the common actions every message-passing protocol has, and the
//! commands a protocol declares, read from JSON and written back.

use super::limits;
use super::raw::RawEntry;
use super::ScenarioError;
use crate::protocols::spec::Spec;
use crate::sim::client::{Op, MAX_CLIENTS};
use crate::sim::{Action, Command, NodeId, ScriptEntry};

/// The actions every protocol whose nodes exchange messages has, with the fields each takes.
const COMMON: &[(&str, &[&str])] = &[
    ("crash", &["node"]),
    ("restart", &["node"]),
    ("partition", &["groups"]),
    ("heal", &[]),
    ("cut", &["from", "to"]),
    ("repair", &["from", "to"]),
    ("deliver", &["message"]),
    ("drop", &["message"]),
];

/// The clients' actions, for protocols that serve reads and writes.
const CLIENT: &[(&str, &[&str])] = &[
    ("write", &["client", "node", "key", "value"]),
    ("read", &["client", "node", "key"]),
];

/// Every action name a scenario of `spec` may use, common ones first.
pub fn action_names(spec: &Spec) -> Vec<&'static str> {
    let clients: &[(&str, &[&str])] = if spec.serves_clients { CLIENT } else { &[] };
    COMMON
        .iter()
        .chain(clients)
        .map(|(n, _)| *n)
        .chain(spec.commands.iter().map(|c| c.name))
        .collect()
}

/// Reads and checks a script for a cluster of `nodes` running `spec`.
pub fn from_raw(
    raw: Vec<RawEntry>,
    nodes: u32,
    spec: &Spec,
) -> Result<Vec<ScriptEntry>, ScenarioError> {
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
        let action = action_from_raw(&path, &e, nodes, spec)?;
        script.push(ScriptEntry {
            at_ms: e.at_ms,
            action,
        });
    }
    Ok(script)
}

fn action_from_raw(
    path: &str,
    e: &RawEntry,
    nodes: u32,
    spec: &Spec,
) -> Result<Action, ScenarioError> {
    let name = e.action.as_str();
    // Which fields each action takes; any other present field is an error.
    let command = spec.command(name);
    let common = COMMON
        .iter()
        .chain(CLIENT.iter().filter(|_| spec.serves_clients))
        .find(|(n, _)| *n == name);
    let takes: &[&str] = match (common, command) {
        (Some((_, fields)), _) => fields,
        (None, Some(c)) if c.value.is_some() => &["node", "value"],
        (None, Some(_)) => &["node"],
        (None, None) => {
            return Err(ScenarioError::at(
                format!("{path}.action"),
                format!(
                    "unknown action {name:?} (known for {}: {})",
                    spec.name,
                    action_names(spec).join(", ")
                ),
            ))
        }
    };
    let present = [
        ("client", e.client.is_some()),
        ("node", e.node.is_some()),
        ("key", e.key.is_some()),
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
    let text = |field: &str, v: &Option<String>| -> Result<String, ScenarioError> {
        match v {
            Some(v) if v.chars().count() > limits::VALUE_CHARS => Err(ScenarioError::at(
                format!("{path}.{field}"),
                format!("must be at most {} characters", limits::VALUE_CHARS),
            )),
            v => Ok(v.clone().unwrap_or_default()),
        }
    };
    if name == "write" || name == "read" {
        let client = e.client.unwrap_or(0);
        if !(1..=MAX_CLIENTS).contains(&client) {
            return Err(ScenarioError::at(
                format!("{path}.client"),
                format!("client {client} does not exist (client ids are 1 to {MAX_CLIENTS})"),
            ));
        }
        let node = node("node", e.node)?;
        let key = text("key", &e.key)?;
        if key.is_empty() {
            return Err(ScenarioError::at(
                format!("{path}.key"),
                "must not be empty",
            ));
        }
        let op = if name == "write" {
            Op::Write {
                key,
                value: text("value", &e.value)?,
            }
        } else {
            Op::Read { key }
        };
        return Ok(Action::Client { client, node, op });
    }
    if let Some(c) = command {
        let target = node("node", e.node)?;
        let value = e
            .value
            .is_some()
            .then(|| text("value", &e.value))
            .transpose()?;
        return Ok(Action::Command(Command {
            name: c.name,
            node: target,
            value,
            verb: c.verb,
        }));
    }
    Ok(match name {
        "crash" => Action::Crash {
            node: node("node", e.node)?,
        },
        "restart" => Action::Restart {
            node: node("node", e.node)?,
        },
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

/// A script entry as written in JSON.
pub fn entry_to_raw(e: &ScriptEntry) -> RawEntry {
    let mut raw = RawEntry {
        at_ms: e.at_ms,
        action: e.action.name().to_string(),
        ..RawEntry::default()
    };
    match &e.action {
        Action::Crash { node } | Action::Restart { node } => raw.node = Some(*node),
        Action::Command(c) => {
            raw.node = Some(c.node);
            raw.value = c.value.clone();
        }
        Action::Partition { groups } => raw.groups = Some(groups.clone()),
        Action::Heal => {}
        Action::Cut { from, to } | Action::Repair { from, to } => {
            raw.from = Some(*from);
            raw.to = Some(*to);
        }
        Action::Deliver { message } | Action::Drop { message } => raw.message = Some(*message),
        Action::Client { client, node, op } => {
            raw.client = Some(*client);
            raw.node = Some(*node);
            raw.key = Some(op.key().to_string());
            if let Op::Write { value, .. } = op {
                raw.value = Some(value.clone());
            }
        }
    }
    raw
}

/// The command `name` of `spec` aimed at `node`, carrying `value` if it takes one. `None`
/// when the protocol has no such command.
pub fn command(spec: &Spec, name: &str, node: NodeId, value: Option<String>) -> Option<Action> {
    let c = spec.command(name)?;
    Some(Action::Command(Command {
        name: c.name,
        node,
        value: c.value.map(|_| value.unwrap_or_default()),
        verb: c.verb,
    }))
}
