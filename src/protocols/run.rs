//! A run of any protocol behind one object-safe interface, so the CLI, sweeps, tests and
//! the page drive and draw every registered protocol the same way.
//!
//! A protocol's node type implements [`Look`] (its view as data); every `World<N>` of
//! such a node is then a [`Run`], and every `History<N>` a [`Rewind`]. Nothing here or
//! above names a protocol.

use std::any::Any;
use std::rc::Rc;

#[cfg(not(target_arch = "wasm32"))]
use serde_json::json;
use serde_json::Value;

use super::spec::Spec;
use super::view::{
    EventKind, Flight, Label, Lost, MessageDetail, MessageLook, NodeView, PanelSpec, PanelView,
    RecordPage, RecordView, Section, TimerView, Tone,
};
use crate::check::live::Broken;
use crate::check::Operation;
use crate::sim::client::ClientSettings;
use crate::sim::trace::Summary;
use crate::sim::{
    Action, Event, History, Links, Mark, Message, MessageId, NetworkSettings, Node, NodeId, Packet,
    Record, ScriptEntry, Time, Violation, World,
};

/// A protocol's view of its own nodes and messages: everything the page draws, as data.
pub trait Look: Node {
    /// The protocol's spec.
    fn spec() -> &'static Spec;
    /// What node `id` shows (called for crashed nodes too; the figure marks them).
    fn node_view(world: &World<Self>, id: NodeId) -> NodeView;
    /// True when node `id` leads (the node its view draws as [`Tone::Lead`]). Chaos asks
    /// after every fault it plans, so a protocol may answer without building the view.
    fn leads(world: &World<Self>, id: NodeId) -> bool {
        Self::node_view(world, id).tone == Tone::Lead
    }
    /// How a message looks in flight: its drawing, its type's name and its label.
    fn message_look(summary: &Summary<Self>) -> (MessageLook, &'static str, Label);
    /// Every field of a message, in words, and anything more it carries.
    fn message_fields(msg: &Self::Message) -> (Vec<(&'static str, String)>, Vec<Section>);
    /// The colour key of a message (its term), if it has one.
    fn message_color(msg: &Self::Message) -> Option<u64> {
        let _ = msg;
        None
    }
    /// The inspector's sections for node `id`, below the status and timers every node has.
    fn inspect(world: &World<Self>, id: NodeId) -> Vec<Section>;
    /// Node `id`'s log for the inspector, if the protocol keeps one.
    fn node_log(world: &World<Self>, id: NodeId) -> Option<Section> {
        let _ = (world, id);
        None
    }
    /// Changes whenever [`Look::node_log`] would change (so it is rebuilt only then).
    fn node_log_signature(world: &World<Self>, id: NodeId) -> u64 {
        let _ = (world, id);
        0
    }
    /// The panels this run shows beside the inspector, events and settings.
    fn panels(world: &World<Self>) -> Vec<PanelSpec>;
    /// How many indexes panel `id` spans (its longest log), for the grid's window.
    fn panel_extent(world: &World<Self>, id: &str) -> u64 {
        let _ = (world, id);
        0
    }
    /// The contents of panel `id`, its grid limited to indexes `first..=last`.
    fn panel(world: &World<Self>, id: &str, first: u64, last: u64) -> Option<PanelView>;
    /// Changes whenever [`Look::panel`] would change.
    fn panel_signature(world: &World<Self>, id: &str) -> u64;
    /// What to try next, in one sentence, when nothing more urgent applies
    /// ("Watch the election timers drain…").
    fn hint(world: &World<Self>) -> &'static str;
}

/// One run of a scenario, of any protocol.
pub trait Run {
    /// The protocol's spec.
    fn spec(&self) -> &'static Spec;
    /// A copy of the run (cheap enough to take every frame).
    fn boxed(&self) -> Box<dyn Run>;
    /// The run as `Any`, for a protocol's own code and tests to reach its typed world.
    fn as_any(&self) -> &dyn Any;
    /// See [`Run::as_any`].
    fn as_any_mut(&mut self) -> &mut dyn Any;

    // ----- driving -----

    /// Brings the run to the state at time `t`.
    fn advance_to(&mut self, t: Time);
    /// Like [`Run::advance_to`], at most `max_events` events; true once at `t`.
    fn advance_to_bounded(&mut self, t: Time, max_events: u64) -> bool;
    /// Runs the next action or event; false when nothing is left.
    fn step(&mut self) -> bool;
    /// Applies a user action now (recorded in the script); returns its time.
    fn act(&mut self, action: Action) -> Time;
    /// Starts time travel: a history whose first checkpoint is this run.
    fn start_history(&mut self) -> Box<dyn Rewind>;

    // ----- reading -----

    /// Simulated time.
    fn now(&self) -> Time;
    /// Events so far.
    fn events(&self) -> u64;
    /// True inside a millisecond (after single steps).
    fn mid_tick(&self) -> bool;
    /// Cluster size.
    fn size(&self) -> u32;
    /// The network's settings.
    fn network(&self) -> &NetworkSettings;
    /// The link states.
    fn links(&self) -> &Links;
    /// The whole script: the scenario's and the user's actions.
    fn script(&self) -> &[ScriptEntry];
    /// How many records the trace has had.
    fn trace_total(&self) -> u64;
    /// The trace hash so far.
    fn trace_hash(&self) -> String;
    /// The first violation of each invariant broken so far (consistency models of the
    /// scenario's `check` list included).
    fn violations(&self) -> &[Violation];
    /// Every client operation so far, in the order invoked (shared, cheap to take).
    fn history(&self) -> Rc<Vec<Operation>>;
    /// The clients' timeout and workload.
    fn client_settings(&self) -> &ClientSettings;
    /// The consistency models checked as invariants (the scenario's `check` list).
    fn checked_models(&self) -> &[&'static str];
    /// The checked models found broken, with their counterexamples.
    fn broken_models(&self) -> &[Broken];
    /// Judges what only a finished run can (`convergence`); the CLI and sweeps call it
    /// when a run ends.
    fn check_at_end(&mut self);
    /// Client requests and replies on their way.
    fn packets(&self) -> Vec<Packet>;
    /// Since when every node has been up and every link working, if they are now.
    fn whole_since(&self) -> Option<Time>;
    /// Keep the last `n` trace records (the CLI's trace, the page's event list).
    fn keep_records(&mut self, n: usize);
    /// Keep the last `n` story records (no traffic, no timers) for the page.
    fn keep_story(&mut self, n: usize);
    /// Takes the kept records out as `qlab trace`'s JSON objects. (This and the reports
    /// below are the CLI's and the tests' JSON; the page never prints them, and leaves
    /// them, with the JSON of every event, out of its download.)
    #[cfg(not(target_arch = "wasm32"))]
    fn drain_records(&mut self) -> Vec<Value>;
    /// Takes the kept records out with their sentences and what each means for the
    /// nodes' logical clocks (`qlab trace --clocks`, `qlab export`).
    #[cfg(not(target_arch = "wasm32"))]
    fn drain_plain(&mut self) -> Vec<PlainRecord>;
    /// The reason the first action refused after record `seq` gave, if one was.
    fn refusal_after(&self, seq: u64) -> Option<String>;
    /// `qlab run`'s JSON: the protocol, time, events, trace hash, nodes and violations.
    #[cfg(not(target_arch = "wasm32"))]
    fn report(&self) -> Value;
    /// Node `id`'s JSON fields in the report (besides `id` and `up`).
    #[cfg(not(target_arch = "wasm32"))]
    fn node_report(&self, id: NodeId) -> Value;

    // ----- the view -----

    /// False while node `id` is crashed.
    fn up(&self, id: NodeId) -> bool;
    /// What node `id` shows.
    fn node(&self, id: NodeId) -> NodeView;
    /// True when node `id` leads (see [`Look::leads`]).
    fn leads(&self, id: NodeId) -> bool;
    /// Node `id`'s armed timers, soonest first.
    fn timers(&self, id: NodeId) -> Vec<TimerView>;
    /// Every message in flight, by id.
    fn flights(&self) -> Vec<Flight>;
    /// Everything about message `id`, while it is in flight.
    fn message(&self, id: MessageId) -> Option<MessageDetail>;
    /// What became of message `id`, if the kept trace says ("It was delivered to S3 at …").
    fn message_fate(&self, id: MessageId) -> Option<String>;
    /// Messages lost in the last `window_ms` before `now_ms`, newest first, at most `max`.
    fn losses(&self, now_ms: f64, window_ms: f64, max: usize) -> Vec<Lost>;
    /// The event list: kept records of the kinds `shown` admits that concern `node` (all
    /// nodes when `None`), newest first, at most `max` of them.
    fn records(
        &self,
        shown: &dyn Fn(EventKind) -> bool,
        node: Option<NodeId>,
        max: usize,
    ) -> RecordPage;
    /// The inspector's protocol sections for node `id`.
    fn inspect(&self, id: NodeId) -> Vec<Section>;
    /// Node `id`'s log, if the protocol keeps one.
    fn node_log(&self, id: NodeId) -> Option<Section>;
    /// Changes whenever [`Run::node_log`] would change.
    fn node_log_signature(&self, id: NodeId) -> u64;
    /// The protocol's panels.
    fn panels(&self) -> Vec<PanelSpec>;
    /// How many indexes panel `id` spans.
    fn panel_extent(&self, id: &str) -> u64;
    /// Panel `id`'s contents, a grid limited to indexes `first..=last`.
    fn panel(&self, id: &str, first: u64, last: u64) -> Option<PanelView>;
    /// Changes whenever [`Run::panel`] would change.
    fn panel_signature(&self, id: &str) -> u64;
    /// What to try next when nothing more urgent applies.
    fn hint(&self) -> &'static str;
}

/// One trace record taken out of a run, as plain data: what the CLI's clocks and exports
/// need, with nothing left that names the protocol.
#[cfg(not(target_arch = "wasm32"))]
pub struct PlainRecord {
    /// The record's number (1 for the run's first).
    pub seq: u64,
    /// When it happened.
    pub at_ms: Time,
    /// The record as `qlab trace` prints it.
    pub json: Value,
    /// The event in words ("S1 → S2 RequestVote sent").
    pub text: String,
    /// What it means for the nodes' clocks, if anything.
    pub happening: Option<crate::sim::clocks::Happening>,
}

/// Time travel over a run of any protocol: checkpoints and replay (see [`History`]).
pub trait Rewind {
    /// Records what `live` did since the last call (marks, and a checkpoint when due).
    fn observe(&mut self, live: &mut dyn Run);
    /// The state at time `t`, keeping `keep` trace records.
    fn seek(&self, t: Time, keep: usize) -> Box<dyn Run>;
    /// The state after exactly `events` events, if the run had that many.
    fn seek_events(&self, events: u64, keep: usize) -> Option<Box<dyn Run>>;
    /// The user acts on `live`, possibly at a past time (the future is then discarded).
    /// Returns the action's time and whether a future was discarded.
    fn act(&mut self, live: &mut dyn Run, action: Action) -> (Time, bool);
    /// Timeline marks so far.
    fn marks(&self) -> &[Mark];
    /// The furthest time reached.
    fn frontier_ms(&self) -> Time;
    /// Checkpoints held.
    fn checkpoints(&self) -> usize;
}

fn world_of<N: Look>(run: &mut dyn Run) -> &mut World<N> {
    run.as_any_mut()
        .downcast_mut::<World<N>>()
        .expect("a history only ever sees runs of its own protocol")
}

impl<N: Look> Rewind for History<N> {
    fn observe(&mut self, live: &mut dyn Run) {
        History::observe(self, world_of::<N>(live))
    }
    fn seek(&self, t: Time, keep: usize) -> Box<dyn Run> {
        Box::new(History::seek(self, t, keep))
    }
    fn seek_events(&self, events: u64, keep: usize) -> Option<Box<dyn Run>> {
        History::seek_events(self, events, keep).map(|w| Box::new(w) as Box<dyn Run>)
    }
    fn act(&mut self, live: &mut dyn Run, action: Action) -> (Time, bool) {
        History::act(self, world_of::<N>(live), action)
    }
    fn marks(&self) -> &[Mark] {
        History::marks(self)
    }
    fn frontier_ms(&self) -> Time {
        History::frontier_ms(self)
    }
    fn checkpoints(&self) -> usize {
        History::checkpoints(self)
    }
}

/// The steps `qlab run`'s final consistency check may take (beyond: `null`, unknown).
pub const REPORT_CHECK_STEPS: u64 = 50_000_000;

/// The `consistency` object of a run's report: every model, judged on the whole
/// history at the end.
pub fn consistency_of(history: &[Operation]) -> Value {
    let mut budget = crate::check::Budget::steps(REPORT_CHECK_STEPS);
    let mut checker = crate::check::Checker::new(crate::check::Spec::register());
    checker.sync(history);
    let verdict = crate::check::decide(&mut checker, &mut budget);
    crate::check::sessions::Consistency::of(history, &mut budget).to_json(verdict)
}

/// The kind of an event, for the event list's filters.
pub fn kind_of<N: Node>(event: &Event<N>) -> EventKind {
    match event {
        Event::Sent { .. } | Event::Delivered { .. } | Event::Duplicated { .. } => {
            EventKind::Messages
        }
        Event::Lost { .. } => EventKind::Losses,
        Event::Timer { .. } => EventKind::Timers,
        Event::Action(_) => EventKind::Actions,
        Event::Refused { .. } => EventKind::Refusals,
        Event::Violation { .. } => EventKind::Violations,
        Event::Note { note, .. } => EventKind::Topic(N::topic(note)),
        Event::Client(_) => EventKind::Clients,
    }
}

/// True if `event` concerns node `node`: as sender or receiver of a message, as the node
/// a timer or note is about, or as a node an action names. Violations concern everyone.
pub fn involves<N: Node>(event: &Event<N>, node: NodeId) -> bool {
    match event {
        Event::Sent { from, to, .. }
        | Event::Delivered { from, to, .. }
        | Event::Duplicated { from, to, .. }
        | Event::Lost { from, to, .. } => *from == node || *to == node,
        Event::Timer { node: n, .. } | Event::Note { node: n, .. } => *n == node,
        Event::Action(a) | Event::Refused { action: a, .. } => a.node_ids().contains(&node),
        Event::Violation { .. } => true,
        Event::Client(c) => c.node() == Some(node),
    }
}

/// One line of the event list: the trace's own sentence, with an invariant's title in
/// place of its name.
pub fn sentence<N: Look>(event: &Event<N>) -> String {
    match event {
        Event::Violation { invariant, detail } => {
            let title = N::spec()
                .invariant(invariant)
                .map_or(*invariant, |i| i.title);
            format!("{title} violated: {detail}")
        }
        other => other.to_string(),
    }
}

fn look_of<N: Look>(m: &crate::sim::InFlight<N::Message>) -> Flight {
    let (look, kind, label) = N::message_look(&m.msg.summary());
    Flight {
        id: m.id,
        from: m.from,
        to: m.to,
        sent_at: m.sent_at,
        arrives_at: m.arrives_at,
        lost_at: m.lost_at,
        look,
        kind,
        label,
    }
}

impl<N: Look> Run for World<N> {
    fn spec(&self) -> &'static Spec {
        N::spec()
    }
    fn boxed(&self) -> Box<dyn Run> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn advance_to(&mut self, t: Time) {
        World::advance_to(self, t)
    }
    fn advance_to_bounded(&mut self, t: Time, max_events: u64) -> bool {
        World::advance_to_bounded(self, t, max_events)
    }
    fn step(&mut self) -> bool {
        World::step(self)
    }
    fn act(&mut self, action: Action) -> Time {
        World::act(self, action)
    }
    fn start_history(&mut self) -> Box<dyn Rewind> {
        Box::new(History::new(self))
    }

    fn now(&self) -> Time {
        World::now(self)
    }
    fn events(&self) -> u64 {
        World::events(self)
    }
    fn mid_tick(&self) -> bool {
        World::mid_tick(self)
    }
    fn size(&self) -> u32 {
        World::size(self)
    }
    fn network(&self) -> &NetworkSettings {
        World::network(self)
    }
    fn links(&self) -> &Links {
        World::links(self)
    }
    fn script(&self) -> &[ScriptEntry] {
        World::script(self)
    }
    fn trace_total(&self) -> u64 {
        self.trace().total()
    }
    fn trace_hash(&self) -> String {
        self.trace().hash()
    }
    fn violations(&self) -> &[Violation] {
        World::violations(self)
    }
    fn history(&self) -> Rc<Vec<Operation>> {
        self.history_rc()
    }
    fn client_settings(&self) -> &ClientSettings {
        World::client_settings(self)
    }
    fn checked_models(&self) -> &[&'static str] {
        World::checked_models(self)
    }
    fn broken_models(&self) -> &[Broken] {
        World::broken_models(self)
    }
    fn check_at_end(&mut self) {
        World::check_at_end(self)
    }
    fn packets(&self) -> Vec<Packet> {
        World::packets(self).cloned().collect()
    }
    fn whole_since(&self) -> Option<Time> {
        World::whole_since(self)
    }
    fn keep_records(&mut self, n: usize) {
        World::keep_records(self, n)
    }
    fn keep_story(&mut self, n: usize) {
        World::keep_story(self, n)
    }
    #[cfg(not(target_arch = "wasm32"))]
    fn drain_records(&mut self) -> Vec<Value> {
        self.trace_mut().drain().map(|r| r.to_json()).collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    fn drain_plain(&mut self) -> Vec<PlainRecord> {
        self.trace_mut()
            .drain()
            .map(|r| PlainRecord {
                seq: r.seq,
                at_ms: r.at_ms,
                json: r.to_json(),
                text: r.event.to_string(),
                happening: r.event.happening(),
            })
            .collect()
    }
    fn refusal_after(&self, seq: u64) -> Option<String> {
        self.trace()
            .recent()
            .iter()
            .filter(|r| r.seq > seq)
            .find_map(|r| match &r.event {
                Event::Refused { reason, .. } => Some(reason.clone()),
                _ => None,
            })
    }
    #[cfg(not(target_arch = "wasm32"))]
    fn report(&self) -> Value {
        let nodes: Vec<Value> = self
            .hosts()
            .iter()
            .map(|h| {
                let mut v = json!({ "id": h.id, "up": h.up });
                if let (Value::Object(map), Value::Object(rest)) = (&mut v, h.node.report()) {
                    map.extend(rest);
                }
                v
            })
            .collect();
        let violations: Vec<Value> = World::violations(self)
            .iter()
            .map(|v| json!({ "invariant": v.invariant, "at_ms": v.at_ms, "detail": v.detail }))
            .collect();
        let mut report = json!({
            "protocol": N::spec().name,
            "time_ms": World::now(self),
            "events": World::events(self),
            "trace_hash": self.trace().hash(),
            "nodes": nodes,
            "violations": violations,
        });
        let history = self.history();
        if !history.is_empty() {
            report["history"] = history.iter().map(crate::check::history::record).collect();
            report["consistency"] = consistency_of(history);
        }
        report
    }
    #[cfg(not(target_arch = "wasm32"))]
    fn node_report(&self, id: NodeId) -> Value {
        self.host(id).node.report()
    }

    fn up(&self, id: NodeId) -> bool {
        self.host(id).up
    }
    fn node(&self, id: NodeId) -> NodeView {
        N::node_view(self, id)
    }
    fn leads(&self, id: NodeId) -> bool {
        N::leads(self, id)
    }
    fn timers(&self, id: NodeId) -> Vec<TimerView> {
        let mut timers: Vec<TimerView> = self
            .host(id)
            .timers
            .iter()
            .map(|t| TimerView {
                name: t.timer.to_string(),
                set_at: t.set_at,
                due: t.due,
            })
            .collect();
        crate::sort::sort_by_key(&mut timers, |t| t.due);
        timers
    }
    fn flights(&self) -> Vec<Flight> {
        self.in_flight().values().map(look_of::<N>).collect()
    }
    fn message(&self, id: MessageId) -> Option<MessageDetail> {
        let m = self.in_flight().get(&id)?;
        let (fields, sections) = N::message_fields(&m.msg);
        Some(MessageDetail {
            flight: look_of::<N>(m),
            text: m.msg.summary().to_string(),
            fields,
            sections,
            color: N::message_color(&m.msg),
        })
    }
    fn message_fate(&self, id: MessageId) -> Option<String> {
        self.trace()
            .recent()
            .iter()
            .rev()
            .find_map(|r| match &r.event {
                Event::Delivered { id: i, to, .. } if *i == id => Some(format!(
                    "It was delivered to S{to} at {}.",
                    crate::sim::format_ms(r.at_ms)
                )),
                Event::Lost { id: i, reason, .. } if *i == id => Some(format!(
                    "It was lost at {}: {}.",
                    crate::sim::format_ms(r.at_ms),
                    reason.words()
                )),
                _ => None,
            })
    }
    fn losses(&self, now_ms: f64, window_ms: f64, max: usize) -> Vec<Lost> {
        let mut out = Vec::new();
        for record in self.trace().recent().iter().rev() {
            if now_ms - record.at_ms as f64 >= window_ms || out.len() >= max {
                break;
            }
            if let Event::Lost {
                id,
                from,
                to,
                msg,
                reason,
                progress,
            } = &record.event
            {
                out.push(Lost {
                    id: *id,
                    from: *from,
                    to: *to,
                    look: N::message_look(msg).0,
                    progress: *progress,
                    at_ms: record.at_ms,
                    reason: *reason,
                });
            }
        }
        out
    }
    fn records(
        &self,
        shown: &dyn Fn(EventKind) -> bool,
        node: Option<NodeId>,
        max: usize,
    ) -> RecordPage {
        let trace = self.trace();
        let recent = trace.recent();
        // The recent window holds every event, but heartbeats soon fill it; the story (no
        // traffic, no timers) reaches further back, so older elections, commits and
        // actions still show after the window has moved on.
        let oldest_recent = recent.front().map_or(u64::MAX, |r| r.seq);
        let older: Vec<&Record<N>> = trace
            .story()
            .iter()
            .filter(|r| r.seq < oldest_recent)
            .collect();
        let matching: Vec<&Record<N>> = recent
            .iter()
            .rev()
            .chain(older.iter().rev().copied())
            .filter(|r| shown(kind_of(&r.event)))
            .filter(|r| node.is_none_or(|n| involves(&r.event, n)))
            .collect();
        let kept = recent.len() + older.len();
        RecordPage {
            rows: matching
                .iter()
                .take(max)
                .map(|r| RecordView {
                    seq: r.seq,
                    at_ms: r.at_ms,
                    kind: kind_of(&r.event),
                    name: r.event.kind(),
                    text: sentence(&r.event),
                })
                .collect(),
            matching: matching.len(),
            kept,
            older_dropped: trace.total() > kept as u64,
        }
    }
    fn inspect(&self, id: NodeId) -> Vec<Section> {
        N::inspect(self, id)
    }
    fn node_log(&self, id: NodeId) -> Option<Section> {
        N::node_log(self, id)
    }
    fn node_log_signature(&self, id: NodeId) -> u64 {
        N::node_log_signature(self, id)
    }
    fn panels(&self) -> Vec<PanelSpec> {
        N::panels(self)
    }
    fn panel_extent(&self, id: &str) -> u64 {
        N::panel_extent(self, id)
    }
    fn panel(&self, id: &str, first: u64, last: u64) -> Option<PanelView> {
        N::panel(self, id, first, last)
    }
    fn panel_signature(&self, id: &str) -> u64 {
        N::panel_signature(self, id)
    }
    fn hint(&self) -> &'static str {
        N::hint(self)
    }
}
