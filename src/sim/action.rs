//! What a user (or a script, or the chaos generator) can do to a running world.

use std::fmt;

use super::client::{ClientId, Op};
use super::digest::{Digest, TraceHasher};
use super::{MessageId, NodeId};

/// One action of `SCENARIO.md`'s table. The page records the user's actions in this form
/// and the scenario script replays them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The node stops; it keeps only its persistent state and its timers stop.
    Crash { node: NodeId },
    /// A crashed node starts again from its persistent state.
    Restart { node: NodeId },
    /// An action its protocol declares (Raft's `timeout` and `request`, Paxos's…), aimed at
    /// one node and handled by that node's state machine.
    Command(Command),
    /// Replaces every link state: links between different groups are cut both ways.
    /// Nodes in no group form one more group together.
    Partition { groups: Vec<Vec<NodeId>> },
    /// Every link works again.
    Heal,
    /// Cuts the one-way link `from → to`.
    Cut { from: NodeId, to: NodeId },
    /// Restores the one-way link `from → to`.
    Repair { from: NodeId, to: NodeId },
    /// Delivers the in-flight message now.
    Deliver { message: MessageId },
    /// Loses the in-flight message now.
    Drop { message: MessageId },
    /// A client sends a read or a write to a node (`write` and `read` in scenarios).
    Client {
        client: ClientId,
        node: NodeId,
        op: Op,
    },
}

impl Action {
    /// The action's name as written in a scenario (`"crash"`, `"partition"`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Action::Crash { .. } => "crash",
            Action::Restart { .. } => "restart",
            Action::Command(c) => c.name,
            Action::Partition { .. } => "partition",
            Action::Heal => "heal",
            Action::Cut { .. } => "cut",
            Action::Repair { .. } => "repair",
            Action::Deliver { .. } => "deliver",
            Action::Drop { .. } => "drop",
            Action::Client {
                op: Op::Write { .. },
                ..
            } => "write",
            Action::Client {
                op: Op::Read { .. },
                ..
            } => "read",
        }
    }

    /// Every node id the action names, for validation against the cluster size.
    pub fn node_ids(&self) -> Vec<NodeId> {
        match self {
            Action::Crash { node } | Action::Restart { node } => vec![*node],
            Action::Command(c) => vec![c.node],
            Action::Client { node, .. } => vec![*node],
            Action::Partition { groups } => groups.iter().flatten().copied().collect(),
            Action::Cut { from, to } | Action::Repair { from, to } => vec![*from, *to],
            Action::Heal | Action::Deliver { .. } | Action::Drop { .. } => vec![],
        }
    }
}

impl Digest for Action {
    fn digest(&self, h: &mut TraceHasher) {
        h.str(self.name());
        match self {
            Action::Crash { node } | Action::Restart { node } => node.digest(h),
            // The name, the node, then the value if the command takes one: the words the
            // first release hashed for its `timeout` and `request`, so old links replay.
            Action::Command(c) => {
                c.node.digest(h);
                if let Some(v) = &c.value {
                    v.digest(h);
                }
            }
            Action::Partition { groups } => {
                h.word(groups.len() as u64);
                for g in groups {
                    g.digest(h);
                }
            }
            Action::Heal => {}
            Action::Cut { from, to } | Action::Repair { from, to } => {
                from.digest(h);
                to.digest(h);
            }
            Action::Deliver { message } | Action::Drop { message } => message.digest(h),
            Action::Client { client, node, op } => {
                client.digest(h);
                node.digest(h);
                op.digest(h);
            }
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Crash { node } => write!(f, "crash S{node}"),
            Action::Restart { node } => write!(f, "restart S{node}"),
            Action::Command(c) => c.fmt(f),
            Action::Partition { groups } => {
                write!(f, "partition ")?;
                for (i, g) in groups.iter().enumerate() {
                    if i > 0 {
                        write!(f, " | ")?;
                    }
                    let names: Vec<String> = g.iter().map(|n| format!("S{n}")).collect();
                    write!(f, "{{{}}}", names.join(" "))?;
                }
                Ok(())
            }
            Action::Heal => write!(f, "heal all links"),
            Action::Cut { from, to } => write!(f, "cut S{from} → S{to}"),
            Action::Repair { from, to } => write!(f, "repair S{from} → S{to}"),
            Action::Deliver { message } => write!(f, "deliver message #{message}"),
            Action::Drop { message } => write!(f, "drop message #{message}"),
            Action::Client { client, node, op } => write!(f, "C{client} {op} via S{node}"),
        }
    }
}

/// A protocol's own action: its name (from the protocol's list of commands), the node it
/// is aimed at, and the value it carries if it takes one (a client request's command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The action's name in scenarios (`"timeout"`, `"request"`).
    pub name: &'static str,
    /// The node that handles it.
    pub node: NodeId,
    /// The value, for a command that takes one.
    pub value: Option<String>,
    /// How the trace and event list say it: "time out", "client request". Not hashed.
    pub verb: &'static str,
}

impl Command {
    /// A command without a value.
    pub fn new(name: &'static str, verb: &'static str, node: NodeId) -> Self {
        Command {
            name,
            node,
            value: None,
            verb,
        }
    }

    /// A command carrying `value`.
    pub fn with_value(
        name: &'static str,
        verb: &'static str,
        node: NodeId,
        value: impl Into<String>,
    ) -> Self {
        Command {
            name,
            node,
            value: Some(value.into()),
            verb,
        }
    }
}

impl fmt::Display for Command {
    /// "time out S2", "client request \"x1\" to S1".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            None => write!(f, "{} S{}", self.verb, self.node),
            Some(v) => write!(f, "{} {v:?} to S{}", self.verb, self.node),
        }
    }
}

/// An action at a simulated time: one entry of a scenario's `script`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptEntry {
    /// When it applies, in simulated milliseconds. Applies before any event due then.
    pub at_ms: u64,
    /// What happens.
    pub action: Action,
}
