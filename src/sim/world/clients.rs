//! The world's clients: their requests and replies on the wire, their timeouts, the
//! generated workload, and the history they write (SCENARIO.md, "Clients and histories").
//!
//! Client traffic draws from its own random stream, so a scenario's nodes and network see
//! exactly the same draws with or without clients, and a run without clients hashes as it
//! always did. A client connection is reliable and is not cut by partitions (the client is
//! outside the cluster); only a crashed node leaves a request unanswered.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::super::client::{
    key_name, ClientEvent, ClientId, ClientSettings, ClientState, Op, OpId, Reply,
};
use super::super::id_map::IdMap;
use super::super::protocol::Node;
use super::super::rng::Rng;
use super::super::trace::Event;
use super::super::{NodeId, Time};
use super::{Pending, World};
use crate::check::live::{self, Broken};
use crate::check::{Call, Operation, Outcome, Read, Value};
use crate::sim::client::ClientRequest;
use crate::sim::world::Violation;

/// The random stream of client traffic (nodes use `1..=n`, the network `0`).
const CLIENT_STREAM: u64 = 1 << 32;

/// Which way a packet goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PacketKind {
    /// A client's request on its way to the node.
    Request(Op),
    /// The node's answer on its way back.
    Reply(Reply),
}

/// A client request or reply on its way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// The operation it belongs to.
    pub op: OpId,
    /// The client.
    pub client: ClientId,
    /// The node at the other end.
    pub node: NodeId,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives.
    pub arrives_at: Time,
    /// Request or reply.
    pub kind: PacketKind,
}

/// Everything the world knows of its clients.
#[derive(Clone, Debug)]
pub(crate) struct Clients {
    settings: ClientSettings,
    states: BTreeMap<ClientId, ClientState>,
    history: Rc<Vec<Operation>>,
    /// Packets on the wire, by number.
    pub(crate) wire: IdMap<Packet>,
    next_packet: u64,
    /// Per workload client, the generation of its pending "think" wake-up.
    think: BTreeMap<ClientId, u64>,
    next_think: u64,
    rng: Rng,
    /// The models checked after every `ok` completion.
    check: Vec<&'static str>,
    /// Those found broken, in the order found.
    broken: Vec<Broken>,
}

impl Clients {
    pub(crate) fn new(settings: ClientSettings, check: Vec<&'static str>, seed: u64) -> Self {
        Clients {
            settings,
            states: BTreeMap::new(),
            history: Rc::new(Vec::new()),
            wire: IdMap::new(),
            next_packet: 1,
            think: BTreeMap::new(),
            next_think: 0,
            rng: Rng::new(seed, CLIENT_STREAM),
            check,
            broken: Vec::new(),
        }
    }

    pub(crate) fn check(&self) -> &[&'static str] {
        &self.check
    }

    pub(crate) fn broken(&self) -> &[Broken] {
        &self.broken
    }

    pub(crate) fn settings(&self) -> &ClientSettings {
        &self.settings
    }

    pub(crate) fn history(&self) -> &[Operation] {
        &self.history
    }

    pub(crate) fn history_rc(&self) -> Rc<Vec<Operation>> {
        Rc::clone(&self.history)
    }

    pub(crate) fn is_outstanding(&self, op: OpId) -> bool {
        self.history.get(op).is_some_and(|o| o.complete.is_none())
    }

    pub(crate) fn thinking(&self, client: ClientId) -> Option<u64> {
        self.think.get(&client).copied()
    }

    /// Whether `client` may start an operation now.
    pub(crate) fn may_invoke(&self, client: ClientId) -> Result<(), String> {
        match self.states.get(&client).and_then(|s| s.outstanding) {
            Some(op) => Err(format!("C{client} is still waiting for op {op}")),
            None => Ok(()),
        }
    }

    fn state(&mut self, client: ClientId) -> &mut ClientState {
        self.states.entry(client).or_default()
    }

    /// Completes `op` with `outcome` at `now`, filling in what a read returned.
    fn complete(&mut self, op: OpId, now: Time, outcome: Outcome, read: Option<Read>) {
        let record = &mut Rc::make_mut(&mut self.history)[op];
        record.complete = Some(now);
        record.outcome = outcome;
        if let (Call::Read { read: r, .. }, Some(value)) = (&mut record.call, read) {
            *r = value;
        }
        let client = record.client as ClientId;
        let state = self.state(client);
        if state.outstanding == Some(op) {
            state.outstanding = None;
        }
    }

    fn latency(&mut self, (lo, hi): (Time, Time)) -> Time {
        self.rng.range_inclusive(lo, hi)
    }

    fn put_on_wire(&mut self, packet: Packet) -> u64 {
        let id = self.next_packet;
        self.next_packet += 1;
        self.wire.insert(id, packet);
        id
    }
}

impl<N: Node> World<N> {
    /// Client `client` sends `op` to `node` now (it has nothing outstanding).
    pub(crate) fn invoke(&mut self, client: ClientId, node: NodeId, op: Op) {
        let now = self.now;
        let id = self.clients.history.len();
        let call = match &op {
            Op::Write { key, value } => Call::Write {
                key: key.clone(),
                value: Value::Str(value.clone()),
            },
            Op::Read { key } => Call::Read {
                key: key.clone(),
                read: Read::Unknown,
            },
        };
        Rc::make_mut(&mut self.clients.history).push(Operation {
            client: client as u64,
            node: Some(node),
            call,
            invoke: now,
            complete: None,
            outcome: Outcome::Info,
            source: None,
        });
        let state = self.clients.state(client);
        state.outstanding = Some(id);
        state.issued += 1;
        self.trace.push(
            now,
            Event::Client(ClientEvent::Invoked {
                op: id,
                client,
                node,
                what: op.clone(),
            }),
        );
        let latency = self.clients.latency(self.network.latency_ms);
        let packet = self.clients.put_on_wire(Packet {
            op: id,
            client,
            node,
            sent_at: now,
            arrives_at: now + latency,
            kind: PacketKind::Request(op),
        });
        self.schedule(now + latency, Pending::Packet(packet));
        let timeout = self.clients.settings.timeout_ms;
        self.schedule(now + timeout, Pending::GiveUp(id));
    }

    /// A node answers `op`: the answer starts back to the client.
    pub(crate) fn send_reply(&mut self, node: NodeId, op: OpId, reply: Reply) {
        let Some(record) = self.clients.history.get(op) else {
            debug_assert!(false, "S{node} answered unknown op {op}");
            return;
        };
        let client = record.client as ClientId;
        let now = self.now;
        let latency = self.clients.latency(self.network.latency_ms);
        let packet = self.clients.put_on_wire(Packet {
            op,
            client,
            node,
            sent_at: now,
            arrives_at: now + latency,
            kind: PacketKind::Reply(reply),
        });
        self.schedule(now + latency, Pending::Packet(packet));
    }

    /// A request reaches its node, or a reply its client.
    pub(crate) fn packet_arrives(&mut self, id: u64) {
        let packet = self.clients.wire.remove(&id).expect("live packet");
        let Packet {
            op,
            client,
            node,
            kind,
            ..
        } = packet;
        match kind {
            PacketKind::Request(what) => {
                if !self.hosts[(node - 1) as usize].up {
                    let event = ClientEvent::Unanswered { op, client, node };
                    self.trace.push(self.now, Event::Client(event));
                    return;
                }
                let context = match &what {
                    Op::Write { key, .. } => self
                        .clients
                        .states
                        .get(&client)
                        .and_then(|s| s.contexts.get(key))
                        .cloned(),
                    Op::Read { .. } => None,
                };
                let request = ClientRequest {
                    id: op,
                    client,
                    op: what,
                    context,
                };
                self.run_node(node, |n, ctx| n.on_client(ctx, request));
            }
            PacketKind::Reply(reply) => {
                if !self.clients.is_outstanding(op) {
                    let event = ClientEvent::Late { op, client, node };
                    return self.trace.push(self.now, Event::Client(event));
                }
                let (outcome, read) = match &reply {
                    Reply::Ok { read, context } => {
                        if let Some(c) = context {
                            let key = self.clients.history[op].call.key().unwrap_or_default();
                            let key = key.to_string();
                            self.clients.state(client).contexts.insert(key, c.clone());
                        }
                        (Outcome::Ok, read.clone())
                    }
                    Reply::Fail { .. } => (Outcome::Fail, None),
                };
                if let Reply::Fail {
                    leader: Some(hint), ..
                } = &reply
                {
                    self.clients.state(client).target = Some(*hint);
                }
                self.clients.complete(op, self.now, outcome, read);
                let event = ClientEvent::Replied {
                    op,
                    client,
                    node,
                    reply,
                };
                self.trace.push(self.now, Event::Client(event));
                // Only a read can break a model (see `check::live`).
                let is_read = matches!(self.clients.history[op].call, Call::Read { .. });
                if outcome == Outcome::Ok && is_read {
                    self.check_consistency(op);
                }
                self.next_thought(client);
            }
        }
    }

    /// The client's wait for `op` ran out: the outcome is unknown.
    pub(crate) fn give_up(&mut self, op: OpId) {
        let client = self.clients.history[op].client as ClientId;
        self.clients.complete(op, self.now, Outcome::Info, None);
        // A workload client tries another node next: the one it asked may be down or
        // cut off from the leader.
        if let Some(node) = self.clients.history[op].node {
            let n = self.size();
            if n > 1 {
                let other =
                    1 + (node % n + self.clients.rng.range_inclusive(0, n as u64 - 2) as u32) % n;
                self.clients.state(client).target = Some(other);
            }
        }
        self.trace
            .push(self.now, Event::Client(ClientEvent::GaveUp { op, client }));
        self.next_thought(client);
    }

    /// Checks the scenario's models not broken yet, right after read `op` completed `ok`.
    fn check_consistency(&mut self, op: OpId) {
        for model in self.clients.check.clone() {
            if self.clients.broken.iter().any(|b| b.model == model) {
                continue;
            }
            if let Some(broken) = live::after_completion(model, &self.clients.history, op) {
                self.record_broken(broken);
            }
        }
    }

    /// Judges the models only a finished run can (`convergence`): the CLI and sweeps
    /// call this at the end of a run.
    pub fn check_at_end(&mut self) {
        let pending: Vec<&'static str> = self
            .clients
            .check
            .iter()
            .copied()
            .filter(|m| !self.clients.broken.iter().any(|b| b.model == *m))
            .collect();
        for broken in live::at_end(&pending, &self.clients.history) {
            self.record_broken(broken);
        }
    }

    fn record_broken(&mut self, broken: Broken) {
        let detail = broken.detail();
        let invariant = broken.model;
        self.clients.broken.push(broken);
        self.violations.push(Violation {
            invariant,
            at_ms: self.now,
            detail: detail.clone(),
        });
        self.trace
            .push(self.now, Event::Violation { invariant, detail });
    }

    /// Arms the first operation of every workload client.
    pub(crate) fn start_workload(&mut self) {
        let Some(w) = self.clients.settings.workload.clone() else {
            return;
        };
        for client in 1..=w.clients {
            self.next_thought(client);
        }
    }

    /// A workload client pauses before its next operation.
    fn next_thought(&mut self, client: ClientId) {
        let Some(w) = &self.clients.settings.workload else {
            return;
        };
        if client > w.clients {
            return;
        }
        let (lo, hi) = w.think_ms;
        let pause = self.clients.rng.range_inclusive(lo, hi);
        self.clients.next_think += 1;
        let generation = self.clients.next_think;
        self.clients.think.insert(client, generation);
        self.schedule(self.now + pause, Pending::Think { client, generation });
    }

    /// A workload client's pause is over: it issues its next operation.
    pub(crate) fn think_over(&mut self, client: ClientId) {
        self.clients.think.remove(&client);
        let Some(w) = self.clients.settings.workload.clone() else {
            return;
        };
        if self.clients.may_invoke(client).is_err() {
            return;
        }
        let n = self.size();
        let rng = &mut self.clients.rng;
        let key = key_name(rng.range_inclusive(0, w.keys.max(1) as u64 - 1) as u32);
        let read = rng.chance(w.reads);
        let fallback = 1 + ((client - 1) % n);
        let node = self
            .clients
            .states
            .get(&client)
            .and_then(|s| s.target)
            .unwrap_or(fallback);
        let issued = self.clients.states.get(&client).map_or(0, |s| s.issued);
        let op = if read {
            Op::Read { key }
        } else {
            Op::Write {
                key,
                value: format!("{client}.{}", issued + 1),
            }
        };
        self.invoke(client, node, op);
    }
}
