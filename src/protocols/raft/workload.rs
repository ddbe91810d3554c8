//! The fixed benchmark workload: five servers on the default network, a client request to
//! the current leader every 10 ms. Used by `qlab bench` and the criterion bench alike.

use super::{world, RaftNode, RaftWorld, Role};
use crate::scenario::Scenario;
use crate::sim::{Action, History, NodeId, Time};

/// Interval between client requests.
pub const REQUEST_EVERY_MS: Time = 10;

/// The current leader with the highest term, if any node is leader.
pub fn leader(w: &RaftWorld) -> Option<NodeId> {
    w.hosts()
        .iter()
        .filter(|h| h.up && h.node.role() == Role::Leader)
        .max_by_key(|h| h.node.current_term())
        .map(|h| h.id)
}

/// A fresh world for the workload.
pub fn start() -> RaftWorld {
    let scenario = Scenario {
        title: "Benchmark workload".into(),
        ..Scenario::default()
    };
    world(&scenario)
}

/// Runs the workload on `w` up to simulated time `until_ms`.
pub fn drive(w: &mut RaftWorld, until_ms: Time) {
    let mut t = w.now().div_ceil(REQUEST_EVERY_MS) * REQUEST_EVERY_MS;
    let mut k = 0u64;
    while t < until_ms {
        w.advance_to(t);
        if let Some(l) = leader(w) {
            k += 1;
            w.act(Action::Request {
                node: l,
                value: format!("v{k}"),
            });
        }
        t += REQUEST_EVERY_MS;
    }
    w.advance_to(until_ms);
}

/// Runs `ms` of simulated time the way the page does: a 50 ms frame at a time, the
/// history observing after each, a client request to the leader every 100 ms sent
/// through the history. Used to test and measure time travel.
pub fn live_run(ms: Time) -> (RaftWorld, History<RaftNode>) {
    let mut live = start();
    let mut history = History::new(&mut live);
    let mut t = 0;
    let mut k = 0;
    while t < ms {
        t += 50;
        live.advance_to(t);
        history.observe(&mut live);
        if t % 100 == 0 {
            if let Some(l) = leader(&live) {
                k += 1;
                history.act(
                    &mut live,
                    Action::Request {
                        node: l,
                        value: format!("v{k}"),
                    },
                );
            }
        }
    }
    (live, history)
}
