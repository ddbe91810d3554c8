//! The world: a cluster of nodes, the network between them, simulated time and the trace.
//!
//! Time jumps from event to event. The next thing to happen is either the next script
//! action or the earliest queued event (a message arriving or being lost, a timer firing),
//! ordered by (due time, sequence number); a script action at time `t` goes before any
//! event due at `t`. "The state at time `t`" means: every script action at or before `t`
//! applied, every event due before `t` processed, none due at `t` yet. The page, the CLI
//! and a replayed link all use that one definition, which is what makes a recorded user
//! action replay exactly where it was taken.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::rc::Rc;

use super::action::{Action, ScriptEntry};
use super::client::{ClientSettings, OpId};

mod clients;
use super::network::{InFlight, InFlightMap, LinkState, Links};
use super::protocol::{CheckEnv, Checker, Ctx, InvariantSpec, Message, Node, Output};
use super::rng::Rng;
use super::settings::{NetworkMode, NetworkSettings};
use super::trace::{Event, LossReason, Trace};
use super::{MessageId, NodeId, Time};
use clients::Clients;
pub use clients::{Packet, PacketKind};

/// A timer a node has armed.
#[derive(Clone, Copy, Debug)]
pub struct TimerSlot<T> {
    /// Which timer.
    pub timer: T,
    /// When it was armed (for drawing a draining ring).
    pub set_at: Time,
    /// When it fires.
    pub due: Time,
    generation: u64,
}

/// The machine a node runs on: the node's state, whether it is up, its timers and its
/// own random stream.
#[derive(Clone, Debug)]
pub struct Host<N: Node> {
    /// The node's id, `1..=n`.
    pub id: NodeId,
    /// False while crashed.
    pub up: bool,
    /// The protocol state machine.
    pub node: N,
    /// The node's armed timers.
    pub timers: Vec<TimerSlot<N::Timer>>,
    rng: Rng,
    next_generation: u64,
}

impl<N: Node> Host<N> {
    /// The armed timer of this kind, if any.
    pub fn timer(&self, timer: N::Timer) -> Option<&TimerSlot<N::Timer>> {
        self.timers.iter().find(|t| t.timer == timer)
    }
}

/// The first violation of an invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's name (`election_safety`, …).
    pub invariant: &'static str,
    /// When it was first seen broken.
    pub at_ms: Time,
    /// One sentence a student can read.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pending {
    Message(MessageId),
    Timer {
        node: NodeId,
        generation: u64,
    },
    /// A client request or reply arrives (see `clients.rs`).
    Packet(u64),
    /// A client's wait for operation `op` runs out.
    GiveUp(OpId),
    /// A workload client's pause between operations ends.
    Think {
        client: u32,
        generation: u64,
    },
}

#[derive(Clone, Copy, Debug)]
struct Due {
    at: Time,
    seq: u64,
    what: Pending,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Everything needed to build a world.
#[derive(Clone, Debug)]
pub struct Setup<S> {
    /// Cluster size; node ids are `1..=nodes`.
    pub nodes: u32,
    /// The seed every random draw comes from.
    pub seed: u64,
    /// The network's fault model.
    pub network: NetworkSettings,
    /// The protocol's settings.
    pub protocol: S,
    /// The timed script of actions, sorted by time.
    pub script: Vec<ScriptEntry>,
    /// The clients' timeout and workload.
    pub clients: ClientSettings,
    /// The consistency models the history is checked against, as invariants.
    pub check: Vec<&'static str>,
}

/// A deterministic simulation of one protocol's cluster. Cloning it is cheap enough to
/// checkpoint: the script is shared and log entries share their values.
#[derive(Clone, Debug)]
pub struct World<N: Node> {
    settings: Rc<N::Settings>,
    network: NetworkSettings,
    seed: u64,
    now: Time,
    /// True once an event due at `now` has been processed: the world is then inside the
    /// millisecond `now`, and a new action must wait for the next one to replay exactly.
    mid_tick: bool,
    hosts: Vec<Host<N>>,
    links: Links,
    in_flight: InFlightMap<N::Message>,
    next_message_id: MessageId,
    net_rng: Rng,
    queue: BinaryHeap<Reverse<Due>>,
    next_seq: u64,
    script: Rc<Vec<ScriptEntry>>,
    cursor: usize,
    checker: N::Checker,
    /// Since when every node has been up and every link working (for bounded liveness).
    whole_since: Option<Time>,
    violations: Vec<Violation>,
    trace: Trace<N>,
    events: u64,
    outbox: Vec<Output<N>>,
    pub(crate) clients: Clients,
}

impl<N: Node> World<N> {
    /// Boots every node at time 0. The trace keeps no records until
    /// [`World::keep_records`] asks it to; it always keeps the hash.
    pub fn new(setup: Setup<N::Settings>) -> Self {
        let n = setup.nodes;
        let hosts = (1..=n)
            .map(|id| Host {
                id,
                up: true,
                node: N::new(id, n, &setup.protocol),
                timers: Vec::new(),
                rng: Rng::new(setup.seed, id as u64),
                next_generation: 0,
            })
            .collect();
        let mut world = World {
            settings: Rc::new(setup.protocol.clone()),
            network: setup.network,
            seed: setup.seed,
            now: 0,
            mid_tick: false,
            hosts,
            links: Links::new(n),
            in_flight: InFlightMap::new(),
            next_message_id: 1,
            net_rng: Rng::new(setup.seed, 0),
            queue: BinaryHeap::new(),
            next_seq: 0,
            script: Rc::new(setup.script),
            cursor: 0,
            checker: N::Checker::new(n, &setup.protocol),
            whole_since: Some(0),
            violations: Vec::new(),
            trace: Trace::new(0),
            events: 0,
            outbox: Vec::new(),
            clients: Clients::new(setup.clients, setup.check, setup.seed),
        };
        for id in 1..=n {
            world.run_node(id, |node, ctx| node.start(ctx));
        }
        world.start_workload();
        world
    }

    // ----- reading -----

    /// Simulated time in milliseconds.
    pub fn now(&self) -> Time {
        self.now
    }

    /// How many events have happened (actions applied or refused, messages delivered or
    /// lost, timers fired).
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Cluster size.
    pub fn size(&self) -> u32 {
        self.hosts.len() as u32
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every host, node 1 first.
    pub fn hosts(&self) -> &[Host<N>] {
        &self.hosts
    }

    /// The host of node `id`.
    pub fn host(&self, id: NodeId) -> &Host<N> {
        &self.hosts[(id - 1) as usize]
    }

    /// The link states.
    pub fn links(&self) -> &Links {
        &self.links
    }

    /// Messages on the wire, by id.
    pub fn in_flight(&self) -> &InFlightMap<N::Message> {
        &self.in_flight
    }

    /// Since when every node has been up and every link working, if they are now.
    pub fn whole_since(&self) -> Option<Time> {
        self.whole_since
    }

    /// The network settings.
    pub fn network(&self) -> &NetworkSettings {
        &self.network
    }

    /// The protocol settings.
    pub fn settings(&self) -> &N::Settings {
        &self.settings
    }

    /// The whole script: what was given plus what the user did.
    pub fn script(&self) -> &[ScriptEntry] {
        &self.script
    }

    /// The invariants checked, in display order.
    pub fn invariants(&self) -> &'static [InvariantSpec] {
        <N::Checker as Checker<N>>::INVARIANTS
    }

    /// The first violation of each invariant broken so far, in the order they happened.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Every client operation so far, in the order they were invoked (index = op id).
    pub fn history(&self) -> &[crate::check::Operation] {
        self.clients.history()
    }

    /// The history, shared: cheap to keep (the page's checker syncs from it).
    pub fn history_rc(&self) -> std::rc::Rc<Vec<crate::check::Operation>> {
        self.clients.history_rc()
    }

    /// The clients' settings.
    pub fn client_settings(&self) -> &ClientSettings {
        self.clients.settings()
    }

    /// The consistency models checked, as the scenario's `check` list names them.
    pub fn checked_models(&self) -> &[&'static str] {
        self.clients.check()
    }

    /// The models found broken so far, with their counterexamples, in the order found.
    pub fn broken_models(&self) -> &[crate::check::live::Broken] {
        self.clients.broken()
    }

    /// Client requests and replies on their way.
    pub fn packets(&self) -> impl Iterator<Item = &Packet> {
        self.clients.wire.values()
    }

    /// The trace (hash, count and recent records).
    pub fn trace(&self) -> &Trace<N> {
        &self.trace
    }

    /// The trace, to drain records from.
    pub fn trace_mut(&mut self) -> &mut Trace<N> {
        &mut self.trace
    }

    /// True inside a millisecond: some event due at `now` has run and others may not have.
    pub fn mid_tick(&self) -> bool {
        self.mid_tick
    }

    /// How many script entries have been applied.
    pub fn script_cursor(&self) -> usize {
        self.cursor
    }

    /// Takes `other`'s script, which must agree with ours on every entry already applied
    /// (the history uses this to give checkpoints the actions the user added since).
    pub fn adopt_script(&mut self, other: &World<N>) {
        debug_assert!(
            self.script[..self.cursor] == other.script[..self.cursor],
            "adopted script rewrites the past"
        );
        self.script = Rc::clone(&other.script);
    }

    /// Keep the last `records` trace records (for the page's event list or `qlab trace`).
    pub fn keep_records(&mut self, records: usize) {
        self.trace.set_keep(records);
    }

    /// Keep the last `records` story records (see [`Trace::story`]) for the page.
    pub fn keep_story(&mut self, records: usize) {
        self.trace.set_story_keep(records);
    }

    /// When the next thing happens (script action or event), if anything is left.
    pub fn next_time(&mut self) -> Option<Time> {
        let due = self.peek_live();
        let script = self.script.get(self.cursor).map(|e| e.at_ms);
        match (due, script) {
            (Some(d), Some(s)) => Some(d.min(s)),
            (d, s) => d.or(s),
        }
    }

    // ----- running -----

    /// Runs the next action or event. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let due = self.peek_live();
        let script = self.script.get(self.cursor).map(|e| e.at_ms);
        let take_script = match (script, due) {
            (Some(s), Some(d)) => s <= d,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return false,
        };
        self.events += 1;
        if take_script {
            let entry = self.script[self.cursor].clone();
            self.cursor += 1;
            if entry.at_ms > self.now {
                self.now = entry.at_ms;
                self.mid_tick = false;
            }
            self.apply(entry.action);
            return true;
        }
        let Reverse(due) = self.queue.pop().expect("peek_live saw an event");
        self.now = self.now.max(due.at);
        self.mid_tick = true;
        match due.what {
            Pending::Message(id) => {
                let m = self.in_flight.remove(&id).expect("live message");
                if m.lost_at.is_some() {
                    self.trace
                        .push(self.now, lost::<N>(&m, LossReason::Network, self.now));
                } else {
                    self.arrive(m);
                }
            }
            Pending::Packet(id) => self.packet_arrives(id),
            Pending::GiveUp(op) => self.give_up(op),
            Pending::Think { client, .. } => self.think_over(client),
            Pending::Timer { node, generation } => {
                let host = &mut self.hosts[(node - 1) as usize];
                let i = host.timers.iter().position(|t| t.generation == generation);
                let slot = host.timers.swap_remove(i.expect("live timer"));
                self.trace.push(
                    self.now,
                    Event::Timer {
                        node,
                        timer: slot.timer,
                    },
                );
                self.run_node(node, |n, ctx| n.on_timer(ctx, slot.timer));
            }
        }
        true
    }

    /// Brings the world to the state at time `t` (see the module docs). Does nothing if
    /// `t` is in the past.
    pub fn advance_to(&mut self, t: Time) {
        self.advance_to_bounded(t, u64::MAX);
    }

    /// Like [`World::advance_to`], but runs at most `max_events` events, so that one
    /// animation frame stays short even when a lot happens. Returns true once the world
    /// is at time `t`; false if it stopped early (call again next frame).
    pub fn advance_to_bounded(&mut self, t: Time, max_events: u64) -> bool {
        let mut budget = max_events;
        loop {
            let due = self.peek_live();
            let script = self.script.get(self.cursor).map(|e| e.at_ms);
            let script_first = match (script, due) {
                (Some(s), Some(d)) => s <= d,
                (s, _) => s.is_some(),
            };
            let next_is_before_t = if script_first {
                script.is_some_and(|s| s <= t)
            } else {
                due.is_some_and(|d| d < t)
            };
            if !next_is_before_t {
                break;
            }
            if budget == 0 {
                return false;
            }
            budget -= 1;
            self.step();
        }
        if t > self.now {
            self.now = t;
            self.mid_tick = false;
        }
        true
    }

    /// The user acts now: records the action in the script (so a link replays it) and
    /// applies it. Returns the time it is recorded at: `now`, or the next millisecond if
    /// events of this millisecond have already run (stepping one event at a time).
    pub fn act(&mut self, action: Action) -> Time {
        if self.mid_tick {
            self.advance_to(self.now + 1);
        } else {
            self.advance_to(self.now);
        }
        let at_ms = self.now;
        Rc::make_mut(&mut self.script).insert(self.cursor, ScriptEntry { at_ms, action });
        self.step();
        at_ms
    }

    /// Forgets every script entry after `t` (the user acted at a past time: that past's
    /// future is discarded). Entries already applied are never removed.
    pub fn truncate_script_after(&mut self, t: Time) {
        let keep = self
            .script
            .iter()
            .position(|e| e.at_ms > t)
            .unwrap_or(self.script.len());
        let keep = keep.max(self.cursor);
        if keep < self.script.len() {
            Rc::make_mut(&mut self.script).truncate(keep);
        }
    }

    // ----- internals -----

    /// The due time of the earliest queued event that still matters, dropping stale
    /// entries (messages delivered or dropped early, timers re-armed or cancelled).
    fn peek_live(&mut self) -> Option<Time> {
        while let Some(Reverse(due)) = self.queue.peek() {
            let live = match due.what {
                Pending::Message(id) => self.in_flight.contains_key(&id),
                Pending::Timer { node, generation } => self.hosts[(node - 1) as usize]
                    .timers
                    .iter()
                    .any(|t| t.generation == generation),
                Pending::Packet(id) => self.clients.wire.contains_key(&id),
                Pending::GiveUp(op) => self.clients.is_outstanding(op),
                Pending::Think { client, generation } => {
                    self.clients.thinking(client) == Some(generation)
                }
            };
            if live {
                return Some(due.at);
            }
            self.queue.pop();
        }
        None
    }

    pub(crate) fn schedule(&mut self, at: Time, what: Pending) {
        self.next_seq += 1;
        self.queue.push(Reverse(Due {
            at,
            seq: self.next_seq,
            what,
        }));
    }

    fn apply(&mut self, action: Action) {
        let refuse = |w: &mut Self, action: Action, reason: String| {
            w.trace.push(w.now, Event::Refused { action, reason });
        };
        match &action {
            Action::Crash { node } => {
                let id = *node;
                let host = &mut self.hosts[(id - 1) as usize];
                if !host.up {
                    return refuse(self, action, format!("S{id} is already down"));
                }
                host.up = false;
                host.timers.clear();
                host.node.crash();
                self.trace.push(self.now, Event::Action(action));
                self.update_whole();
                self.check(id);
            }
            Action::Restart { node } => {
                let id = *node;
                if self.hosts[(id - 1) as usize].up {
                    return refuse(self, action, format!("S{id} is running"));
                }
                self.hosts[(id - 1) as usize].up = true;
                self.trace.push(self.now, Event::Action(action));
                self.update_whole();
                self.run_node(id, |n, ctx| n.start(ctx));
            }
            Action::Command(command) => {
                let id = command.node;
                if !self.hosts[(id - 1) as usize].up {
                    return refuse(self, action, format!("S{id} is down"));
                }
                // The handler's outputs wait in the outbox until we know whether the
                // action applied, so the trace reads "action, then its effects".
                let result = self.call_node(id, |n, ctx| n.on_command(ctx, command));
                match result {
                    Ok(()) => {
                        self.trace.push(self.now, Event::Action(action));
                        self.flush(id);
                        self.check(id);
                    }
                    Err(reason) => {
                        self.outbox.clear();
                        refuse(self, action, reason);
                    }
                }
            }
            Action::Partition { groups } => {
                self.links.partition(groups);
                self.trace.push(self.now, Event::Action(action));
                self.update_whole();
            }
            Action::Heal => {
                self.links.heal();
                self.trace.push(self.now, Event::Action(action));
                self.update_whole();
            }
            Action::Cut { from, to } => {
                self.links.set(*from, *to, LinkState::Cut);
                self.trace.push(self.now, Event::Action(action));
                self.update_whole();
            }
            Action::Repair { from, to } => {
                self.links.set(*from, *to, LinkState::Up);
                self.trace.push(self.now, Event::Action(action));
                self.update_whole();
            }
            Action::Client { client, node, op } => {
                let (client, node, op) = (*client, *node, op.clone());
                if let Err(reason) = self.clients.may_invoke(client) {
                    return refuse(self, action, reason);
                }
                self.trace.push(self.now, Event::Action(action));
                self.invoke(client, node, op);
            }
            Action::Deliver { message } | Action::Drop { message } => {
                let id = *message;
                let Some(m) = self.in_flight.remove(&id) else {
                    return refuse(self, action, format!("message #{id} is not in flight"));
                };
                let deliver = matches!(action, Action::Deliver { .. });
                self.trace.push(self.now, Event::Action(action));
                if deliver {
                    self.arrive(m);
                } else {
                    self.trace
                        .push(self.now, lost::<N>(&m, LossReason::Dropped, self.now));
                }
            }
        }
    }

    /// Notes whether the cluster is whole after an action changed a node or a link.
    fn update_whole(&mut self) {
        let whole = self.links.all_up() && self.hosts.iter().all(|h| h.up);
        self.whole_since = match (whole, self.whole_since) {
            (false, _) => None,
            (true, None) => Some(self.now),
            (true, since) => since,
        };
    }

    /// A message is due at its receiver now: it is lost if the link is cut or the
    /// receiver is down at this moment, and handled otherwise.
    fn arrive(&mut self, m: InFlight<N::Message>) {
        if !self.links.is_up(m.from, m.to) {
            self.trace
                .push(self.now, lost::<N>(&m, LossReason::LinkCut, self.now));
        } else if !self.hosts[(m.to - 1) as usize].up {
            self.trace
                .push(self.now, lost::<N>(&m, LossReason::ReceiverDown, self.now));
        } else {
            let summary = m.msg.summary();
            self.trace.push(
                self.now,
                Event::Delivered {
                    id: m.id,
                    from: m.from,
                    to: m.to,
                    msg: summary,
                },
            );
            let from = m.from;
            self.run_node(m.to, |n, ctx| n.on_message(ctx, from, m.msg));
        }
    }

    /// Runs a handler on node `id`, then carries out its outputs and checks invariants.
    pub(crate) fn run_node(&mut self, id: NodeId, f: impl FnOnce(&mut N, &mut Ctx<'_, N>)) {
        self.call_node(id, f);
        self.flush(id);
        self.check(id);
    }

    /// Runs a handler on node `id`, leaving its outputs in the outbox.
    fn call_node<R>(&mut self, id: NodeId, f: impl FnOnce(&mut N, &mut Ctx<'_, N>) -> R) -> R {
        let host = &mut self.hosts[(id - 1) as usize];
        let mut ctx = Ctx::new(self.now, id, &mut host.rng, &mut self.outbox);
        f(&mut host.node, &mut ctx)
    }

    fn flush(&mut self, id: NodeId) {
        let mut outbox = std::mem::take(&mut self.outbox);
        for output in outbox.drain(..) {
            match output {
                Output::Send { to, msg } => self.send(id, to, msg),
                Output::SetTimer { timer, after_ms } => {
                    let now = self.now;
                    let host = &mut self.hosts[(id - 1) as usize];
                    host.next_generation += 1;
                    let generation = host.next_generation;
                    let slot = TimerSlot {
                        timer,
                        set_at: now,
                        due: now + after_ms,
                        generation,
                    };
                    match host.timers.iter_mut().find(|t| t.timer == timer) {
                        Some(existing) => *existing = slot,
                        None => host.timers.push(slot),
                    }
                    self.schedule(
                        now + after_ms,
                        Pending::Timer {
                            node: id,
                            generation,
                        },
                    );
                }
                Output::CancelTimer { timer } => {
                    self.hosts[(id - 1) as usize]
                        .timers
                        .retain(|t| t.timer != timer);
                }
                Output::Note(note) => self.trace.push(self.now, Event::Note { node: id, note }),
                Output::Reply { op, reply } => self.send_reply(id, op, reply),
            }
        }
        self.outbox = outbox;
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: N::Message) {
        debug_assert!(
            (1..=self.size()).contains(&to),
            "S{from} sent to unknown S{to}"
        );
        let id = self.next_message_id;
        self.next_message_id += 1;
        let summary = msg.summary();
        self.trace.push(
            self.now,
            Event::Sent {
                id,
                from,
                to,
                msg: summary,
            },
        );
        let now = self.now;
        match self.network.mode {
            NetworkMode::Manual => {
                let m = InFlight {
                    id,
                    from,
                    to,
                    sent_at: now,
                    arrives_at: None,
                    lost_at: None,
                    msg,
                };
                self.in_flight.insert(id, m);
            }
            NetworkMode::Auto => {
                // Always the same draws in the same order, whatever the probabilities,
                // so changing `loss` does not reshuffle every later latency.
                let (lo, hi) = self.network.latency_ms;
                let latency = self.net_rng.range_inclusive(lo, hi);
                let lost = self.net_rng.chance(self.network.loss);
                let duplicate = self.net_rng.chance(self.network.duplicate);
                let arrives_at = now + latency;
                // A message the network loses dies halfway, where the page can show it fade.
                let lost_at = lost.then_some(now + latency / 2);
                let copy = duplicate.then(|| msg.clone());
                let m = InFlight {
                    id,
                    from,
                    to,
                    sent_at: now,
                    arrives_at: Some(arrives_at),
                    lost_at,
                    msg,
                };
                let due = m.due().expect("auto mode has a due time");
                self.in_flight.insert(id, m);
                self.schedule(due, Pending::Message(id));
                if let Some(copy) = copy {
                    let copy_id = self.next_message_id;
                    self.next_message_id += 1;
                    let latency = self.net_rng.range_inclusive(lo, hi);
                    self.trace.push(
                        now,
                        Event::Duplicated {
                            id: copy_id,
                            of: id,
                            from,
                            to,
                            msg: summary,
                        },
                    );
                    let m = InFlight {
                        id: copy_id,
                        from,
                        to,
                        sent_at: now,
                        arrives_at: Some(now + latency),
                        lost_at: None,
                        msg: copy,
                    };
                    self.in_flight.insert(copy_id, m);
                    self.schedule(now + latency, Pending::Message(copy_id));
                }
            }
        }
    }

    fn check(&mut self, touched: NodeId) {
        let World {
            checker,
            hosts,
            violations,
            trace,
            now,
            whole_since,
            network,
            ..
        } = self;
        let now = *now;
        let env = CheckEnv {
            now,
            whole_since: *whole_since,
            auto_network: network.mode == NetworkMode::Auto,
            max_latency_ms: network.latency_ms.1,
            loss: network.loss,
        };
        checker.check(hosts, touched, &env, &mut |invariant, detail| {
            if violations.iter().all(|v| v.invariant != invariant) {
                violations.push(Violation {
                    invariant,
                    at_ms: now,
                    detail: detail.clone(),
                });
                trace.push(now, Event::Violation { invariant, detail });
            }
        });
    }
}

fn lost<N: Node>(m: &InFlight<N::Message>, reason: LossReason, now: Time) -> Event<N> {
    let progress = match m.arrives_at {
        Some(arrives) if arrives > m.sent_at => {
            (now.saturating_sub(m.sent_at) as f32 / (arrives - m.sent_at) as f32).min(1.0)
        }
        Some(_) => 1.0,
        // Manual mode: a waiting message is drawn in the middle of its link.
        None => 0.5,
    };
    Event::Lost {
        id: m.id,
        from: m.from,
        to: m.to,
        msg: m.msg.summary(),
        reason,
        progress,
    }
}
