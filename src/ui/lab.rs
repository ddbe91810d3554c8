//! The run the page shows, and everything the user can do to it.
//!
//! `Lab` is the page's state minus the DOM: the scenario, the displayed world, the
//! history behind time travel, playback (playing, speed, the smooth display time that
//! messages are animated by), the selection and the notice line. It holds no protocol
//! logic: it advances the engine's world and sends it actions. Being plain Rust, it is
//! tested natively; the Yew reducer in `app` only wraps it.

use std::cell::RefCell;
use std::rc::Rc;

use crate::protocols::{self, Rewind, Run};
use crate::scenario::link::{self, LinkError};
use crate::scenario::Scenario;
use crate::sim::{Action, Mark, MessageId, NodeId, Time};

pub use crate::sim::format_ms;

/// Simulated milliseconds per wall-clock millisecond at 1× speed. Slow enough that a
/// 10–30 ms message visibly travels (about 0.1–0.2 s) and a first election takes a
/// second or two.
pub const SIM_MS_PER_WALL_MS: f64 = 0.15;
/// The speeds offered, as multiples of 1×.
pub const SPEEDS: [f64; 8] = [0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0];
/// Trace records kept for the event list.
pub const EVENT_WINDOW: usize = 500;
/// At most this many events run in one animation frame, so a frame stays short; if
/// the world falls behind, the display time waits for it.
pub const MAX_EVENTS_PER_FRAME: u64 = 4_000;
/// Opening a link replays at most this many events (about a second or two of work).
pub const MAX_REPLAY_EVENTS: u64 = 3_000_000;
/// A frame longer than this (a tab woken from the background) counts as this long.
pub const MAX_FRAME_WALL_MS: f64 = 100.0;

/// What the user has selected (and the inspector shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A node.
    Node(NodeId),
    /// The link between two nodes (both directions).
    Link(NodeId, NodeId),
    /// A message in flight.
    Message(MessageId),
}

/// How a notice should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Neutral information ("link copied").
    Info,
    /// Something the user should know happened ("the future was discarded").
    Warning,
    /// Something went wrong ("the link is damaged").
    Error,
}

/// One line shown above the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// How it looks.
    pub tone: Tone,
    /// Plain text (never rendered as markup).
    pub text: String,
}

impl Notice {
    fn new(tone: Tone, text: impl Into<String>) -> Self {
        Notice {
            tone,
            text: text.into(),
        }
    }
}

/// The page's run.
pub struct Lab {
    scenario: Scenario,
    world: Box<dyn Run>,
    /// Shared between the reducer's states: cloning a `Lab` every frame must not clone
    /// a hundred checkpoints.
    history: Rc<RefCell<Box<dyn Rewind>>>,
    display_ms: f64,
    playing: bool,
    speed: f64,
    selected: Option<Selection>,
    notice: Option<Notice>,
    embed: bool,
    /// How many times the run was restarted with a new scenario (cheap change detection).
    generation: u64,
}

impl Clone for Lab {
    fn clone(&self) -> Self {
        Lab {
            scenario: self.scenario.clone(),
            world: self.world.boxed(),
            history: Rc::clone(&self.history),
            display_ms: self.display_ms,
            playing: self.playing,
            speed: self.speed,
            selected: self.selected,
            notice: self.notice.clone(),
            embed: self.embed,
            generation: self.generation,
        }
    }
}

impl Lab {
    /// A new run of `scenario` from time 0, playing.
    pub fn new(scenario: Scenario) -> Lab {
        let mut world = protocols::build(&scenario);
        world.keep_records(EVENT_WINDOW);
        world.keep_story(EVENT_WINDOW);
        let history = world.start_history();
        Lab {
            scenario,
            world,
            history: Rc::new(RefCell::new(history)),
            display_ms: 0.0,
            playing: true,
            speed: 1.0,
            selected: None,
            notice: None,
            embed: false,
            generation: 0,
        }
    }

    /// Opens the page's URL fragment (`s=…&t=…&embed=1`, without `#`). No fragment: the
    /// default scenario, playing. A link: replayed to `t` and paused there. A broken link:
    /// the default scenario, with a notice saying plainly what is wrong.
    pub fn from_fragment(fragment: &str) -> Lab {
        let fragment = fragment.trim_start_matches('#');
        let embed = fragment.split('&').any(|p| p == "embed=1");
        if fragment.is_empty() || fragment.split('&').all(|p| !p.starts_with("s=")) {
            let mut lab = Lab::new(Scenario::default());
            lab.embed = embed;
            return lab;
        }
        match link::parse(fragment) {
            Ok(l) => {
                let mut lab = Lab::new(l.scenario);
                lab.embed = embed || l.embed;
                lab.replay_to(l.t.unwrap_or(0));
                lab
            }
            Err(e) => {
                let mut lab = Lab::new(Scenario::default());
                lab.embed = embed;
                let text = match e {
                    LinkError::Missing => e.to_string(),
                    other => {
                        format!("Could not open the link: {other}. Showing the default scenario.")
                    }
                };
                lab.notice = Some(Notice::new(Tone::Error, text));
                lab
            }
        }
    }

    // ----- reading -----

    /// The scenario as loaded (its own script, without the user's actions).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario with every action so far: what a link or a download carries.
    pub fn current_scenario(&self) -> Scenario {
        Scenario {
            script: self.world.script().to_vec(),
            ..self.scenario.clone()
        }
    }

    /// The run as displayed.
    pub fn world(&self) -> &dyn Run {
        &*self.world
    }

    /// The smooth display time (≥ the world's time, < the next millisecond): messages in
    /// flight are drawn at their true fraction of it.
    pub fn display_ms(&self) -> f64 {
        self.display_ms
    }

    /// True while time runs.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// The speed, as a multiple of 1×.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The selection.
    pub fn selected(&self) -> Option<Selection> {
        self.selected
    }

    /// The notice line, if any.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// Changes whenever the run restarts with a new scenario.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// True in the compact view for iframes.
    pub fn embed(&self) -> bool {
        self.embed
    }

    /// The furthest time the run has reached (the end of the timeline).
    pub fn frontier_ms(&self) -> Time {
        self.history.borrow().frontier_ms().max(self.world.now())
    }

    /// The timeline's marks.
    pub fn marks(&self) -> Vec<Mark> {
        self.history.borrow().marks().to_vec()
    }

    /// How many timeline marks there are (cheap; [`Lab::marks`] copies them).
    pub fn mark_count(&self) -> usize {
        self.history.borrow().marks().len()
    }

    /// The link to this run at the current time.
    pub fn link(&self, base: &str) -> String {
        link::to_link(base, &self.current_scenario(), Some(self.world.now()))
    }

    // ----- playback -----

    /// Advances by one animation frame of `wall_ms` milliseconds (while playing).
    pub fn tick(&mut self, wall_ms: f64) {
        if !self.playing {
            return;
        }
        let wall_ms = wall_ms.clamp(0.0, MAX_FRAME_WALL_MS);
        let target = self.display_ms + wall_ms * SIM_MS_PER_WALL_MS * self.speed;
        let reached = self
            .world
            .advance_to_bounded(target.floor() as Time, MAX_EVENTS_PER_FRAME);
        self.display_ms = if reached {
            target
        } else {
            self.world.now() as f64
        };
        self.history.borrow_mut().observe(&mut *self.world);
    }

    /// Starts time.
    pub fn play(&mut self) {
        self.playing = true;
    }

    /// Stops time.
    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// Play if paused, pause if playing.
    pub fn toggle(&mut self) {
        self.playing = !self.playing;
    }

    /// Sets the speed (clamped to 0.1×–10×).
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]);
    }

    /// Pauses and runs exactly the next event.
    pub fn step(&mut self) {
        self.playing = false;
        if self.world.step() {
            self.display_ms = self.world.now() as f64;
            self.history.borrow_mut().observe(&mut *self.world);
        }
    }

    /// Pauses and goes back to the state before the last event.
    pub fn step_back(&mut self) {
        self.playing = false;
        let events = self.world.events();
        if events == 0 {
            return;
        }
        // Replay from the nearest checkpoint to one event short of now.
        if let Some(w) = self.history.borrow().seek_events(events - 1, EVENT_WINDOW) {
            self.display_ms = w.now() as f64;
            self.world = w;
        }
    }

    /// Pauses and shows the state at time `t` (clamped to the run so far).
    pub fn seek(&mut self, t: Time) {
        self.playing = false;
        let t = t.min(self.frontier_ms());
        self.world = self.history.borrow().seek(t, EVENT_WINDOW);
        self.display_ms = t as f64;
        self.history.borrow_mut().observe(&mut *self.world);
    }

    /// Pauses and runs forward to time `t`, as if played (checkpoints and marks are
    /// recorded on the way, so the timeline behind is complete). Every script action at
    /// or before `t` is applied, as `qlab run --until-ms t` does, including those at the
    /// current time. A link can ask for any `t` up to a day; replay stops after
    /// [`MAX_REPLAY_EVENTS`] and says where, so a hostile link cannot freeze the page.
    pub fn replay_to(&mut self, t: Time) {
        self.playing = false;
        let start = self.world.events();
        loop {
            let next = (self.world.now() + 100).min(t);
            let budget = MAX_REPLAY_EVENTS.saturating_sub(self.world.events() - start);
            let reached = self.world.advance_to_bounded(next, budget);
            self.history.borrow_mut().observe(&mut *self.world);
            if !reached {
                self.notice = Some(Notice::new(
                    Tone::Warning,
                    format!(
                        "The link asks for {}; replaying stopped at {} after {} million events. Press play to go on.",
                        format_ms(t),
                        format_ms(self.world.now()),
                        MAX_REPLAY_EVENTS / 1_000_000
                    ),
                ));
                break;
            }
            if self.world.now() >= t {
                break;
            }
        }
        self.display_ms = self.world.now() as f64;
    }

    /// Shows time 0.
    pub fn jump_start(&mut self) {
        self.seek(0);
    }

    /// Shows the furthest time reached.
    pub fn jump_end(&mut self) {
        let end = self.frontier_ms();
        self.seek(end);
    }

    // ----- acting -----

    /// The user acts now. Recorded in scenario form so a link replays it. Acting at a
    /// past time discards the future, and the notice says so; an action that cannot
    /// apply is recorded as refused, and the notice gives the reason.
    pub fn act(&mut self, action: Action) {
        let before = self.world.trace_total();
        let (at, forked) = self.history.borrow_mut().act(&mut *self.world, action);
        self.display_ms = self.display_ms.max(self.world.now() as f64);
        let refused = self.world.refusal_after(before);
        self.notice = match (refused, forked) {
            (Some(reason), _) => Some(Notice::new(Tone::Warning, format!("Not done: {reason}."))),
            (None, true) => Some(Notice::new(
                Tone::Warning,
                format!(
                    "You acted in the past, at {}: the run after that moment was discarded.",
                    format_ms(at)
                ),
            )),
            (None, false) => None,
        };
    }

    /// Starts over from time 0 with a new scenario (a setting changed, a preset or file
    /// was opened). Keeps the speed and the view mode.
    pub fn restart_with(&mut self, scenario: Scenario) {
        let speed = self.speed;
        let embed = self.embed;
        let generation = self.generation + 1;
        *self = Lab::new(scenario);
        self.speed = speed;
        self.embed = embed;
        self.generation = generation;
    }

    /// Selects (or, with `None`, clears).
    pub fn select(&mut self, selection: Option<Selection>) {
        self.selected = selection;
    }

    /// Shows a notice.
    pub fn set_notice(&mut self, tone: Tone, text: impl Into<String>) {
        self.notice = Some(Notice::new(tone, text));
    }

    /// Hides the notice.
    pub fn dismiss_notice(&mut self) {
        self.notice = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::{self, RaftWorld};

    fn raft(lab: &Lab) -> &RaftWorld {
        lab.world()
            .as_any()
            .downcast_ref()
            .expect("the default scenario runs Raft")
    }

    fn run_for(lab: &mut Lab, wall_ms: f64) {
        let mut left = wall_ms;
        while left > 0.0 {
            lab.tick(16.0);
            left -= 16.0;
        }
    }

    #[test]
    fn the_default_run_elects_a_leader_within_two_seconds_of_wall_time() {
        let mut lab = Lab::from_fragment("");
        run_for(&mut lab, 2_000.0);
        let leaders = (1..=lab.world().size())
            .filter(|&id| lab.world().node(id).role == "leader")
            .count();
        assert_eq!(leaders, 1);
    }

    #[test]
    fn paused_means_time_stands_still() {
        let mut lab = Lab::new(Scenario::default());
        lab.pause();
        run_for(&mut lab, 1_000.0);
        assert_eq!(lab.world().now(), 0);
        assert_eq!(lab.world().events(), 0);
    }

    #[test]
    fn a_link_reopens_the_same_run_at_the_same_time() {
        let mut lab = Lab::new(Scenario::default());
        run_for(&mut lab, 3_000.0);
        let leader = raft::leader(raft(&lab)).unwrap();
        lab.act(Action::Crash { node: leader });
        run_for(&mut lab, 3_000.0);
        lab.pause();
        let link = lab.link("http://127.0.0.1:8080/");
        let fragment = link.split_once('#').unwrap().1;
        let opened = Lab::from_fragment(fragment);
        assert!(!opened.playing());
        assert_eq!(opened.world().now(), lab.world().now());
        assert_eq!(opened.world().trace_hash(), lab.world().trace_hash());
    }

    #[test]
    fn a_broken_link_opens_the_default_scenario_and_says_why() {
        let lab = Lab::from_fragment("s=1AAAA-not-a-scenario&t=100");
        assert_eq!(lab.scenario(), &Scenario::default());
        let notice = lab.notice().expect("a notice");
        assert_eq!(notice.tone, Tone::Error);
        assert!(notice.text.contains("damaged"), "{}", notice.text);
    }

    #[test]
    fn stepping_back_undoes_exactly_one_event() {
        let mut lab = Lab::new(Scenario::default());
        run_for(&mut lab, 2_000.0);
        lab.pause();
        let events = lab.world().events();
        let hash_before = {
            let mut l = lab.clone();
            l.step_back();
            assert_eq!(l.world().events(), events - 1);
            l.step();
            l.world().trace_hash()
        };
        assert_eq!(hash_before, lab.world().trace_hash());
    }

    #[test]
    fn acting_in_the_past_says_the_future_was_discarded() {
        let mut lab = Lab::new(Scenario::default());
        run_for(&mut lab, 3_000.0);
        lab.seek(100);
        lab.act(Action::Crash { node: 1 });
        let notice = lab.notice().expect("a notice");
        assert!(notice.text.contains("discarded"), "{}", notice.text);
        assert_eq!(lab.frontier_ms(), 100);
    }

    /// Issue bar: memory stays flat over a 10-minute run at 10× (15 simulated minutes):
    /// everything the lab keeps is bounded, whatever the run's length.
    #[test]
    fn a_long_run_at_ten_times_keeps_bounded_state() {
        let mut lab = Lab::new(Scenario::default());
        lab.set_speed(10.0);
        let frames = 10 * 60 * 60; // ten minutes of 60 Hz frames
        for i in 0..frames {
            lab.tick(1000.0 / 60.0);
            if i % 6_000 == 0 {
                // A request now and then, so logs grow and commits are marked.
                if let Some(node) = raft::leader(raft(&lab)) {
                    lab.act(raft::request(node, format!("v{i}")));
                }
            }
        }
        assert!(
            lab.world().now() >= 15 * 60 * 1000 - 100,
            "{}",
            lab.world().now()
        );
        let history = lab.history.borrow();
        assert!(history.checkpoints() <= crate::sim::history::MAX_CHECKPOINTS);
        assert!(raft(&lab).trace().recent().len() <= EVENT_WINDOW);
        assert!(raft(&lab).trace().story().len() <= EVENT_WINDOW);
        // Marks grow with what happens (elections, commits, actions), not with time.
        assert!(history.marks().len() < 200, "{}", history.marks().len());
    }

    #[test]
    fn a_refused_action_says_why() {
        let mut lab = Lab::new(Scenario::default());
        lab.act(Action::Restart { node: 2 });
        assert!(lab.notice().unwrap().text.contains("S2 is running"));
    }
}
