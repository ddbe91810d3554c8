//! Time travel: checkpoints of the world plus deterministic replay from the nearest one.
//!
//! The page advances one live world and shows it. The history keeps clones of it taken
//! every so many events (at millisecond boundaries, so a checkpoint is exactly "the state
//! at its time"), and answers "the state at time t" by cloning the last checkpoint at or
//! before `t` and replaying to `t`. The number of checkpoints is bounded: when full, every
//! other one is dropped and the spacing doubles, so memory stays flat over a long run
//! while a seek replays at most a few thousand events.

use super::protocol::Node;
use super::trace::Mark;
use super::world::World;
use super::{Action, Time};

/// At most this many checkpoints are kept.
pub const MAX_CHECKPOINTS: usize = 128;
/// The initial spacing between checkpoints, in events.
pub const FIRST_SPACING_EVENTS: u64 = 500;

/// Checkpoints, timeline marks and the furthest time reached.
#[derive(Clone, Debug)]
pub struct History<N: Node> {
    checkpoints: Vec<World<N>>,
    spacing: u64,
    marks: Vec<Mark>,
    frontier_ms: Time,
}

impl<N: Node> History<N> {
    /// Starts the history of `live`, which must be at a millisecond boundary (a freshly
    /// built world is). Turns on mark collection in `live`.
    pub fn new(live: &mut World<N>) -> Self {
        live.trace_mut().collect_marks(true);
        let mut history = History {
            checkpoints: vec![live.clone()],
            spacing: FIRST_SPACING_EVENTS,
            marks: Vec::new(),
            frontier_ms: live.now(),
        };
        history.marks.extend(live.trace_mut().take_marks());
        history
    }

    /// Records what `live` did since the last call: its marks and, when due, a checkpoint.
    /// Call after every advance of the live world.
    pub fn observe(&mut self, live: &mut World<N>) {
        let fresh = live.trace_mut().take_marks();
        // After a seek back, replay regenerates marks the history already has.
        let known = self.marks.last().map_or(0, |m| m.seq);
        self.marks
            .extend(fresh.into_iter().filter(|m| m.seq > known));
        self.frontier_ms = self.frontier_ms.max(live.now());
        let last = self
            .checkpoints
            .last()
            .expect("the first checkpoint is never dropped");
        if !live.mid_tick() && live.events() >= last.events() + self.spacing {
            let mut checkpoint = live.clone();
            // Checkpoints keep no event window and no marks of their own: cheaper clones.
            checkpoint.keep_records(0);
            checkpoint.keep_story(0);
            checkpoint.trace_mut().collect_marks(false);
            self.checkpoints.push(checkpoint);
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                let mut i = 0;
                self.checkpoints.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.spacing *= 2;
            }
        }
    }

    /// The state at time `t`, rebuilt from the nearest checkpoint. `records` and marks
    /// collection are set up like a live world's (`keep` records kept).
    pub fn seek(&self, t: Time, keep: usize) -> World<N> {
        let i = self.checkpoints.partition_point(|w| w.now() <= t).max(1) - 1;
        let mut w = self.checkpoints[i].clone();
        // Records from before the checkpoint are gone: the window refills on replay.
        w.keep_records(keep);
        w.keep_story(keep);
        w.trace_mut().collect_marks(true);
        w.advance_to(t);
        w
    }

    /// The state after exactly `events` events, rebuilt from the nearest checkpoint
    /// (for stepping back one event). `None` if the run never had that many.
    pub fn seek_events(&self, events: u64, keep: usize) -> Option<World<N>> {
        let i = self
            .checkpoints
            .partition_point(|w| w.events() <= events)
            .max(1)
            - 1;
        let mut w = self.checkpoints[i].clone();
        w.keep_records(keep);
        w.keep_story(keep);
        w.trace_mut().collect_marks(true);
        while w.events() < events {
            if !w.step() {
                return None;
            }
        }
        Some(w)
    }

    /// The user acts on `live`, which may be at a past time: the future after `now` is
    /// discarded (script entries, checkpoints and marks), the action is recorded and
    /// applied, and every checkpoint takes the new script. Returns the action's time and
    /// whether a future was discarded.
    pub fn act(&mut self, live: &mut World<N>, action: Action) -> (Time, bool) {
        let now = live.now();
        let had_future = self.frontier_ms > now
            || live
                .script()
                .get(live.script_cursor())
                .is_some_and(|e| e.at_ms > now);
        if had_future {
            live.truncate_script_after(now);
            let seq = live.trace().total();
            self.marks.retain(|m| m.seq <= seq);
            self.checkpoints.retain(|w| w.now() <= now);
            self.frontier_ms = now;
        }
        let at = live.act(action);
        for c in &mut self.checkpoints {
            c.adopt_script(live);
        }
        self.observe(live);
        (at, had_future)
    }

    /// Timeline marks so far, in time order.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The furthest time the run has reached.
    pub fn frontier_ms(&self) -> Time {
        self.frontier_ms
    }

    /// How many checkpoints are held (for the memory bound's tests).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }
}
