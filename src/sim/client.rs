//! Clients: simulated actors that read and write registers through the nodes, for every
//! protocol that serves reads and writes (SCENARIO.md, "Clients and histories").
//!
//! A client sends its request over its own connection to one node and waits for the reply,
//! which travels back the same way; both take the network's latency (drawn from the
//! clients' own random stream, so adding clients never reshuffles the nodes' traffic). A
//! client has at most one operation outstanding and gives up after `timeout_ms`. A
//! crashed node does not answer. Client connections are not cut by partitions: a partition
//! splits the cluster, not a client from the node it talks to (as in Jepsen, where each
//! client is bound to one node).
//!
//! Every operation is recorded in the run's history with its invocation, completion and
//! outcome: `ok` (it took effect, its result is known), `fail` (the node said it certainly
//! did not take effect) or `info` (the client gave up, or it is still outstanding: it may
//! or may not have taken effect). The history is the consistency checkers' input.

use std::fmt;

use super::digest::{Digest, TraceHasher};
use super::{NodeId, Time};
use crate::check::{Read, Value};

/// A client id: `1, 2, 3, …`.
pub type ClientId = u32;
/// An operation's number in the run's history (from 0, in the order they were invoked).
pub type OpId = usize;

/// What a client asks a node to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Write `value` to register `key`.
    Write { key: String, value: String },
    /// Read register `key`.
    Read { key: String },
}

impl Op {
    /// The register it is on.
    pub fn key(&self) -> &str {
        match self {
            Op::Write { key, .. } | Op::Read { key } => key,
        }
    }
}

impl fmt::Display for Op {
    /// "write x = 1", "read x".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Write { key, value } => write!(f, "write {key} = {value:?}"),
            Op::Read { key } => write!(f, "read {key}"),
        }
    }
}

impl Digest for Op {
    fn digest(&self, h: &mut TraceHasher) {
        match self {
            Op::Write { key, value } => {
                h.word(1);
                key.digest(h);
                value.digest(h);
            }
            Op::Read { key } => {
                h.word(2);
                key.digest(h);
            }
        }
    }
}

/// A client's request as the node receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRequest {
    /// The operation's number: the node names it when it replies.
    pub id: OpId,
    /// The client asking.
    pub client: ClientId,
    /// What it asks.
    pub op: Op,
    /// For a write, the context the node gave with this client's last read of the key, if
    /// any (Dynamo's `put(key, context, value)`: a store keeping concurrent versions uses
    /// it to know which versions the write supersedes). Opaque to the client.
    pub context: Option<String>,
}

/// A node's answer to a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Done. For a read, what it read; and any context the client should send back with
    /// its next write of the key.
    Ok {
        read: Option<Read>,
        context: Option<String>,
    },
    /// Certainly not done (the node is not the leader, say), with why and, when the node
    /// knows one, the node to try instead.
    Fail {
        reason: String,
        leader: Option<NodeId>,
    },
}

impl Reply {
    /// A write's "done".
    pub fn written() -> Reply {
        Reply::Ok {
            read: None,
            context: None,
        }
    }

    /// A read's "done", with what the register held (`None`: never written).
    pub fn read(value: Option<String>) -> Reply {
        let read = match value {
            Some(v) => Read::Value(Value::Str(v)),
            None => Read::Empty,
        };
        Reply::Ok {
            read: Some(read),
            context: None,
        }
    }

    /// A read's "done" that found several concurrent versions (sorted, as SCENARIO.md
    /// writes them: `"read": ["1", "2"]`). One version is an ordinary read.
    pub fn siblings(mut values: Vec<String>) -> Reply {
        crate::sort::sort(&mut values);
        values.dedup();
        match values.len() {
            0 => Reply::read(None),
            1 => Reply::read(values.pop()),
            _ => Reply::Ok {
                read: Some(Read::Siblings(values.into_iter().map(Value::Str).collect())),
                context: None,
            },
        }
    }

    /// The same answer carrying `context` for the client's next write of the key.
    pub fn with_context(self, context: impl Into<String>) -> Reply {
        match self {
            Reply::Ok { read, .. } => Reply::Ok {
                read,
                context: Some(context.into()),
            },
            fail => fail,
        }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Ok { read: None, .. } => f.write_str("ok"),
            Reply::Ok {
                read: Some(Read::Value(v)),
                ..
            } => write!(f, "ok, read {v}"),
            Reply::Ok { read: Some(r), .. } => write!(f, "ok, read {r}"),
            Reply::Fail {
                reason,
                leader: Some(l),
            } => write!(f, "fail: {reason} (try S{l})"),
            Reply::Fail {
                reason,
                leader: None,
            } => write!(f, "fail: {reason}"),
        }
    }
}

impl Digest for Reply {
    fn digest(&self, h: &mut TraceHasher) {
        match self {
            Reply::Ok { read, context } => {
                h.word(1);
                match read {
                    None => h.word(0),
                    Some(Read::Empty) | Some(Read::Unknown) => h.word(1),
                    Some(Read::Value(v)) => {
                        h.word(2);
                        h.str(&v.to_string());
                    }
                    Some(Read::Siblings(vs)) => {
                        h.word(3);
                        h.word(vs.len() as u64);
                        for v in vs {
                            h.str(&v.to_string());
                        }
                    }
                }
                context.digest(h);
            }
            Reply::Fail { reason, leader } => {
                h.word(2);
                reason.digest(h);
                leader.digest(h);
            }
        }
    }
}

/// The envelope's `clients` block.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientSettings {
    /// A client gives up on an operation after this long.
    pub timeout_ms: Time,
    /// Clients that run by themselves, if any.
    pub workload: Option<Workload>,
}

/// A generated workload: `clients` clients, each issuing one operation after another on
/// registers `x`, `y`, … to the node it last heard of as the one to ask.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// How many clients (ids `1..=clients`).
    pub clients: u32,
    /// How many registers (`x`, `y`, `z`, then `k4`, `k5`…).
    pub keys: u32,
    /// How long a client waits between one operation's end and its next, drawn from this
    /// inclusive range.
    pub think_ms: (Time, Time),
    /// The share of reads.
    pub reads: f64,
}

/// The name of register `i` (from 0) of a workload: `x`, `y`, `z`, then `k4`, `k5`, …
pub fn key_name(i: u32) -> String {
    match i {
        0 => "x".to_string(),
        1 => "y".to_string(),
        2 => "z".to_string(),
        n => format!("k{}", n + 1),
    }
}

/// Where a client is: idle, or waiting for an operation.
#[derive(Clone, Debug, Default)]
pub struct ClientState {
    /// The operation it waits for, if any.
    pub outstanding: Option<OpId>,
    /// The node it sends to next (a workload client follows "try S…" hints).
    pub target: Option<NodeId>,
    /// How many operations it has issued (its written values are `client.n`).
    pub issued: u64,
    /// Per key, the context of its last `ok` read (sent back with its next write).
    pub contexts: std::collections::BTreeMap<String, String>,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            workload: None,
        }
    }
}

/// How long a client waits for an answer unless the scenario says otherwise.
pub const DEFAULT_TIMEOUT_MS: Time = 500;
/// The most clients a scenario may name (ids `1..=MAX_CLIENTS`).
pub const MAX_CLIENTS: ClientId = 20;

/// Something that happened to a client's operation, in the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEvent {
    /// The client sent its request.
    Invoked {
        op: OpId,
        client: ClientId,
        node: NodeId,
        what: Op,
    },
    /// The request reached a crashed node: no one will answer it.
    Unanswered {
        op: OpId,
        client: ClientId,
        node: NodeId,
    },
    /// The node's answer reached the client: the operation is complete.
    Replied {
        op: OpId,
        client: ClientId,
        node: NodeId,
        reply: Reply,
    },
    /// An answer arrived after the client had given up on the operation.
    Late {
        op: OpId,
        client: ClientId,
        node: NodeId,
    },
    /// The client gave up waiting: the outcome is unknown (`info`).
    GaveUp { op: OpId, client: ClientId },
}

impl ClientEvent {
    /// The operation it is about.
    pub fn op(&self) -> OpId {
        match self {
            ClientEvent::Invoked { op, .. }
            | ClientEvent::Unanswered { op, .. }
            | ClientEvent::Replied { op, .. }
            | ClientEvent::Late { op, .. }
            | ClientEvent::GaveUp { op, .. } => *op,
        }
    }

    /// The node it is about, if one.
    pub fn node(&self) -> Option<NodeId> {
        match self {
            ClientEvent::Invoked { node, .. }
            | ClientEvent::Unanswered { node, .. }
            | ClientEvent::Replied { node, .. }
            | ClientEvent::Late { node, .. } => Some(*node),
            ClientEvent::GaveUp { .. } => None,
        }
    }

    /// A short name for JSON (`invoked`, `replied`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            ClientEvent::Invoked { .. } => "invoked",
            ClientEvent::Unanswered { .. } => "unanswered",
            ClientEvent::Replied { .. } => "replied",
            ClientEvent::Late { .. } => "late",
            ClientEvent::GaveUp { .. } => "gave_up",
        }
    }

    /// Its fields for `qlab trace`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({ "client_event": self.kind(), "op": self.op() });
        let map = v.as_object_mut().expect("an object");
        match self {
            ClientEvent::Invoked {
                client, node, what, ..
            } => {
                map.insert("client".into(), (*client).into());
                map.insert("node".into(), (*node).into());
                map.insert("what".into(), what.to_string().into());
            }
            ClientEvent::Replied {
                client,
                node,
                reply,
                ..
            } => {
                map.insert("client".into(), (*client).into());
                map.insert("node".into(), (*node).into());
                map.insert("reply".into(), reply.to_string().into());
            }
            ClientEvent::Unanswered { client, node, .. }
            | ClientEvent::Late { client, node, .. } => {
                map.insert("client".into(), (*client).into());
                map.insert("node".into(), (*node).into());
            }
            ClientEvent::GaveUp { client, .. } => {
                map.insert("client".into(), (*client).into());
            }
        }
        v
    }
}

impl fmt::Display for ClientEvent {
    /// "C1 → S2 write x = \"1\" (op 4)", "S2 → C1 ok, read \"1\"".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientEvent::Invoked {
                op,
                client,
                node,
                what,
            } => write!(f, "C{client} → S{node} {what} (op {op})"),
            ClientEvent::Unanswered { op, client, node } => {
                write!(f, "C{client} → S{node} op {op} unanswered: S{node} is down")
            }
            ClientEvent::Replied {
                op,
                client,
                node,
                reply,
            } => write!(f, "S{node} → C{client} {reply} (op {op})"),
            ClientEvent::Late { op, client, node } => {
                write!(
                    f,
                    "S{node} → C{client} answer to op {op} came after C{client} gave up"
                )
            }
            ClientEvent::GaveUp { op, client } => {
                write!(f, "C{client} gave up on op {op}: outcome unknown")
            }
        }
    }
}

impl Digest for ClientEvent {
    fn digest(&self, h: &mut TraceHasher) {
        h.str(self.kind());
        h.word(self.op() as u64);
        match self {
            ClientEvent::Invoked {
                client, node, what, ..
            } => {
                client.digest(h);
                node.digest(h);
                what.digest(h);
            }
            ClientEvent::Replied {
                client,
                node,
                reply,
                ..
            } => {
                client.digest(h);
                node.digest(h);
                reply.digest(h);
            }
            ClientEvent::Unanswered { client, node, .. }
            | ClientEvent::Late { client, node, .. } => {
                client.digest(h);
                node.digest(h);
            }
            ClientEvent::GaveUp { client, .. } => client.digest(h),
        }
    }
}
