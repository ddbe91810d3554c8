//! The fixed benchmark workload, for any protocol: its default scenario, with the
//! protocol's client action (its [`Spec::load`]) every 10 ms. `qlab bench` and the
//! criterion benchmark both run it.

use super::{Rewind, Run, Spec};
use crate::scenario::Scenario;
use crate::sim::Time;

/// Interval between client actions.
pub const REQUEST_EVERY_MS: Time = 10;

/// A fresh run of the workload for `spec`.
pub fn start(spec: &'static Spec) -> Box<dyn Run> {
    let scenario = Scenario {
        title: "Benchmark workload".into(),
        ..Scenario::default_for(spec)
    };
    (spec.build)(&scenario)
}

/// Runs the workload on `run` up to simulated time `until_ms`.
pub fn drive(run: &mut dyn Run, until_ms: Time) {
    let load = run.spec().load;
    let mut t = run.now().div_ceil(REQUEST_EVERY_MS) * REQUEST_EVERY_MS;
    let mut k = 0u64;
    while t < until_ms {
        run.advance_to(t);
        if let Some(action) = load(run, k + 1) {
            k += 1;
            run.act(action);
        }
        t += REQUEST_EVERY_MS;
    }
    run.advance_to(until_ms);
}

/// Runs `ms` of simulated time the way the page does: a 50 ms frame at a time, the
/// history observing after each, a client action every 100 ms sent through the history.
/// Used to test and measure time travel.
pub fn live_run(spec: &'static Spec, ms: Time) -> (Box<dyn Run>, Box<dyn Rewind>) {
    let mut live = start(spec);
    let mut history = live.start_history();
    let mut t = 0;
    let mut k = 0;
    while t < ms {
        t += 50;
        live.advance_to(t);
        history.observe(&mut *live);
        if t % 100 == 0 {
            if let Some(action) = (spec.load)(&*live, k + 1) {
                k += 1;
                history.act(&mut *live, action);
            }
        }
    }
    (live, history)
}
