//! The contract between the simulator and a protocol.
//!
//! A node is a pure, synchronous state machine in the style of raft-rs's `step` and
//! etcd-raft's "input: message or tick; output: messages, state": the simulator hands it
//! one input (a message, a timer, a client request) with a [`Ctx`], and the node answers
//! by changing its state and writing outputs (messages to send, timers to set, notes for
//! the trace) into the context. It has no clock, no I/O and no randomness of its own.

use std::fmt::{Debug, Display};

use serde::Serialize;

use super::action::Command;
use super::client::{ClientRequest, OpId, Reply};
use super::digest::Digest;
use super::rng::Rng;
use super::world::Host;
use super::{NodeId, Time};

/// A message type's compact, copyable description, kept in the trace and shown in the UI.
pub trait Message: Clone + Debug {
    /// What the trace records of a message (kind, term, indexes…).
    type Summary: Copy + Debug + Display + Serialize + Digest;
    /// Describes this message.
    fn summary(&self) -> Self::Summary;
}

/// One protocol's node. `World<N>` runs a cluster of them.
pub trait Node: Clone + Debug + 'static {
    /// The protocol's settings (the scenario's `"raft": {...}` block and the like).
    type Settings: Clone + Debug;
    /// What nodes send each other.
    type Message: Message;
    /// The node's kinds of timer (for Raft: election, heartbeat, check-quorum).
    type Timer: Copy + Eq + Debug + Display + Serialize + Digest;
    /// Protocol events worth a line in the trace (role changes, commits, refusals…).
    type Note: Clone + Debug + Display + Serialize + Digest;
    /// The invariant checker run after every event.
    type Checker: Checker<Self>;

    /// A node `id` of a cluster with ids `1..=nodes`, in its initial state.
    fn new(id: NodeId, nodes: u32, settings: &Self::Settings) -> Self;
    /// Called when the node boots and again when it restarts after a crash: arm timers.
    fn start(&mut self, ctx: &mut Ctx<'_, Self>);
    /// The node crashes: keep persistent state, forget the rest.
    fn crash(&mut self);
    /// A message from `from` arrives.
    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Self::Message);
    /// One of the node's timers fires.
    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Self::Timer);
    /// One of the protocol's own actions, aimed at this running node (Raft's `timeout`
    /// and `request`). `Err` carries the reason it cannot apply ("S1 is the leader"): the
    /// trace then records it as refused and the handler's outputs are dropped, so a
    /// handler decides before it changes any state. A node that
    /// takes the action but answers no (a follower refusing a client) notes why instead.
    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, command: &Command) -> Result<(), String>;
    /// A client's read or write arrives. The node answers with [`Ctx::reply`], now or in a
    /// later handler (once the write is committed, say), or never (the client then gives
    /// up, and the outcome is unknown). Answer `fail` only when the operation certainly did
    /// not and will not take effect. By default a node serves no clients.
    fn on_client(&mut self, ctx: &mut Ctx<'_, Self>, request: ClientRequest) {
        ctx.reply(
            request.id,
            Reply::Fail {
                reason: "this protocol serves no reads or writes".into(),
                leader: None,
            },
        );
    }
    /// The node's state as JSON fields for `qlab run` (besides `id` and `up`).
    fn report(&self) -> serde_json::Value;
    /// Whether a note deserves a mark on the timeline (an election won, a commit).
    fn mark(note: &Self::Note) -> Option<MarkKind> {
        let _ = note;
        None
    }
    /// Which story a note belongs to, for the event list's filters.
    fn topic(note: &Self::Note) -> Topic;
}

/// The two stories a protocol's notes tell, each named by the protocol for its event
/// list ("Elections & terms", "Requests & commits").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Who leads: terms, ballots, elections, votes, promises, role changes.
    Leadership,
    /// What is decided: requests, proposals, log entries, commits, chosen values.
    Data,
}

/// An invariant as the page lists it: its name in traces and JSON, a title, the rule in
/// one sentence, and where the rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvariantSpec {
    /// The name (`election_safety`).
    pub name: &'static str,
    /// For people ("Election Safety").
    pub title: &'static str,
    /// The rule, one sentence.
    pub rule: &'static str,
    /// Its source ("Raft, Figure 3").
    pub source: &'static str,
}

/// What a checker may know of the world besides the nodes: the time, since when the
/// cluster has been whole (every node up, every link working), and how the network
/// delivers, for bounded liveness.
#[derive(Clone, Copy, Debug)]
pub struct CheckEnv {
    /// Simulated time.
    pub now: Time,
    /// Since when every node has been up and every link working (`None`: not now).
    pub whole_since: Option<Time>,
    /// True when messages arrive by themselves (liveness means nothing in manual mode).
    pub auto_network: bool,
    /// The longest a message takes to arrive by itself (the latency range's upper bound).
    pub max_latency_ms: Time,
    /// The probability the network loses a message: with losses no time bound holds
    /// for sure, only with some probability.
    pub loss: f64,
}

/// What a mark on the timeline stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A user or script action.
    Action,
    /// A leader was elected (a new term took hold).
    Election,
    /// Entries were committed.
    Commit,
    /// An invariant was broken for the first time.
    Violation,
}

/// Checks a protocol's invariants over the whole cluster after every event.
pub trait Checker<N: Node>: Clone + Debug {
    /// The invariants, in the order the UI lists them.
    const INVARIANTS: &'static [InvariantSpec];
    /// A checker for a cluster of `nodes` running with `settings`.
    fn new(nodes: u32, settings: &N::Settings) -> Self;
    /// Checks after an event that touched node `touched`. `hosts[i]` runs node `i + 1`.
    /// Each violation found is reported as (invariant name, one sentence a student can read).
    fn check(
        &mut self,
        hosts: &[Host<N>],
        touched: NodeId,
        env: &CheckEnv,
        report: &mut dyn FnMut(&'static str, String),
    );
}

/// One output of a handler, in the order the handler produced it.
#[derive(Clone, Debug)]
pub enum Output<N: Node> {
    /// Send a message.
    Send { to: NodeId, msg: N::Message },
    /// (Re)arm a timer to fire after `after_ms`, replacing any earlier setting of it.
    SetTimer { timer: N::Timer, after_ms: Time },
    /// Disarm a timer.
    CancelTimer { timer: N::Timer },
    /// Record a protocol event in the trace.
    Note(N::Note),
    /// Answer a client's operation.
    Reply { op: OpId, reply: Reply },
}

/// What a node sees of the world while it handles one input.
pub struct Ctx<'a, N: Node> {
    now: Time,
    id: NodeId,
    rng: &'a mut Rng,
    out: &'a mut Vec<Output<N>>,
}

impl<'a, N: Node> Ctx<'a, N> {
    pub(crate) fn new(
        now: Time,
        id: NodeId,
        rng: &'a mut Rng,
        out: &'a mut Vec<Output<N>>,
    ) -> Self {
        Ctx { now, id, rng, out }
    }

    /// Simulated time, in milliseconds.
    pub fn now(&self) -> Time {
        self.now
    }

    /// The id of the node being run.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// This node's own random stream (seeded from the scenario).
    pub fn rng(&mut self) -> &mut Rng {
        self.rng
    }

    /// Sends `msg` to node `to`.
    pub fn send(&mut self, to: NodeId, msg: N::Message) {
        self.out.push(Output::Send { to, msg });
    }

    /// Arms `timer` to fire `after_ms` from now, replacing any earlier setting.
    pub fn set_timer(&mut self, timer: N::Timer, after_ms: Time) {
        self.out.push(Output::SetTimer { timer, after_ms });
    }

    /// Disarms `timer`.
    pub fn cancel_timer(&mut self, timer: N::Timer) {
        self.out.push(Output::CancelTimer { timer });
    }

    /// Records a protocol event.
    pub fn note(&mut self, note: N::Note) {
        self.out.push(Output::Note(note));
    }

    /// Answers client operation `op` (see [`Node::on_client`]). The answer travels back
    /// over the client's connection; an operation already answered, or given up on by its
    /// client, ignores it.
    pub fn reply(&mut self, op: OpId, reply: Reply) {
        self.out.push(Output::Reply { op, reply });
    }
}
