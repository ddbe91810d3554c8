//! Each protocol is a pure state machine implementing [`crate::sim::Node`], with the
//! invariants that check it beside it. This module is the registry: it builds the right
//! world for a scenario and lets front ends (the CLI) drive any protocol the same way.

pub mod raft;

use serde_json::{json, Value};

use crate::scenario::{Protocol, Scenario};
use crate::sim::{Action, Node, Setup, Time, Violation, World};

/// A running world of any protocol, as the command-line tool drives it.
pub trait Run {
    /// Brings the world to the state at time `t`.
    fn advance_to(&mut self, t: Time);
    /// Runs the next action or event; false when nothing is left.
    fn step(&mut self) -> bool;
    /// Simulated time.
    fn now(&self) -> Time;
    /// Events so far.
    fn events(&self) -> u64;
    /// The trace hash so far.
    fn trace_hash(&self) -> String;
    /// The first violation of each invariant broken so far.
    fn violations(&self) -> &[Violation];
    /// Keep up to `n` trace records for [`Run::drain_records`].
    fn keep_records(&mut self, n: usize);
    /// Takes the kept records out as JSON lines' objects.
    fn drain_records(&mut self) -> Vec<Value>;
    /// Applies a user action now (recorded in the script).
    fn act(&mut self, action: Action) -> Time;
    /// The final-state JSON of `qlab run`.
    fn report(&self, protocol: Protocol) -> Value;
}

impl<N: Node> Run for World<N> {
    fn advance_to(&mut self, t: Time) {
        World::advance_to(self, t)
    }
    fn step(&mut self) -> bool {
        World::step(self)
    }
    fn now(&self) -> Time {
        World::now(self)
    }
    fn events(&self) -> u64 {
        World::events(self)
    }
    fn trace_hash(&self) -> String {
        self.trace().hash()
    }
    fn violations(&self) -> &[Violation] {
        World::violations(self)
    }
    fn keep_records(&mut self, n: usize) {
        World::keep_records(self, n)
    }
    fn drain_records(&mut self) -> Vec<Value> {
        self.trace_mut().drain().map(|r| r.to_json()).collect()
    }
    fn act(&mut self, action: Action) -> Time {
        World::act(self, action)
    }
    fn report(&self, protocol: Protocol) -> Value {
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
        let violations: Vec<Value> = self
            .violations()
            .iter()
            .map(|v| json!({ "invariant": v.invariant, "at_ms": v.at_ms, "detail": v.detail }))
            .collect();
        json!({
            "protocol": protocol.name(),
            "time_ms": self.now(),
            "events": self.events(),
            "trace_hash": self.trace_hash(),
            "nodes": nodes,
            "violations": violations,
        })
    }
}

/// The world a scenario describes, at time 0.
pub fn build(scenario: &Scenario) -> Box<dyn Run> {
    match scenario.protocol {
        Protocol::Raft => Box::new(raft::world(scenario)),
    }
}

/// The setup of a world, with the protocol's own settings.
pub fn setup<S: Clone>(scenario: &Scenario, protocol: S) -> Setup<S> {
    Setup {
        nodes: scenario.nodes,
        seed: scenario.seed,
        network: scenario.network.clone(),
        protocol,
        script: scenario.script.clone(),
    }
}
