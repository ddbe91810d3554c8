//! The Consistency tab, for protocols that serve clients: every consistency model of the
//! catalog with its definition, its source and its verdict on the history so far.
//!
//! The models of the scenario's `check` list are invariants: the engine checks them after
//! every completion, and their verdicts (with the moment each became impossible) come
//! from the run. The page checks every model itself as well, so the others have a verdict
//! too: linearizability with the incremental [`Checker`], the rest with
//! [`Consistency::only`]. That work runs in small slices on a timer between frames
//! ([`LiveCheck::work`]), so the tab never freezes; a model it has not decided yet says
//! so. Nothing is scheduled once everything is decided and the history stands still, so a
//! paused page stays idle.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use super::invariants::jump_target;
use super::lab::format_ms;
use super::state::UiAction;
use super::ViewProps;
use crate::check::live::Broken;
use crate::check::sessions::Consistency;
use crate::check::{catalog, report, Budget, Checker, Operation, Spec, Verdict};
use crate::protocols::Run;
use crate::sim::{InvariantSpec, Time};

/// Search steps of linearizability per slice of work.
pub const LINEAR_STEPS: u64 = 20_000;
/// Steps the other models' check may take each time it runs (sequential consistency is
/// the one that searches).
pub const SESSION_STEPS: u64 = 200_000;
/// Steps the page may spend explaining a violation it found itself.
pub const EXPLAIN_STEPS: u64 = 200_000;
/// The models the run found broken, each with the moment its violation was recorded.
pub fn broken_at(world: &dyn Run) -> Vec<(Broken, Option<Time>)> {
    world
        .broken_models()
        .iter()
        .map(|b| {
            let at = world
                .violations()
                .iter()
                .find(|v| v.invariant == b.model)
                .map(|v| v.at_ms);
            (b.clone(), at)
        })
        .collect()
}

/// Wall-clock milliseconds between slices of work.
pub const SLICE_INTERVAL_MS: u32 = 60;
/// The other models are checked again at most this often while the history grows (each
/// check reads the whole history).
pub const SESSION_EVERY_MS: f64 = 500.0;

/// Where a model stands on the history so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing to judge: no operations yet.
    NoOperations,
    /// It holds for every operation so far.
    Holds,
    /// Broken: when (if the engine says), by which operation, and why.
    Broken {
        /// The moment it became impossible (checked models).
        at_ms: Option<Time>,
        /// The counterexample, sentence by sentence.
        counterexample: Vec<String>,
    },
    /// Not decided within the work done so far.
    Undecided,
    /// Checked, but the history holds nothing it can be judged on yet (convergence
    /// needs reads after the writes have stopped).
    NoEvidence,
}

/// The page's own check of every model on a growing history.
pub struct LiveCheck {
    checker: Checker,
    /// The history last observed, by address only. Not kept alive: while the page held
    /// the run's history, the engine's next write copied all of it (it copies on write
    /// when shared), once per frame while time ran. A weak pointer keeps the address
    /// from being reused, so an equal address still means the same history.
    seen: Weak<Vec<Operation>>,
    /// Its length.
    seen_len: usize,
    /// The history the next check of the other models reads: taken only when one is
    /// due, so the engine copies at most once per [`SESSION_EVERY_MS`].
    for_sessions: Option<Rc<Vec<Operation>>>,
    now: Time,
    /// The explanation of the checker's violation, once found.
    linear_why: Option<Vec<String>>,
    sessions: Option<Consistency>,
    /// The history changed since `sessions` was computed.
    sessions_stale: bool,
    /// The wall-clock time of the last sessions check.
    sessions_at: f64,
}

impl Default for LiveCheck {
    fn default() -> Self {
        LiveCheck::new()
    }
}

/// The models the page checks with [`Consistency::only`] (all but linearizability).
fn session_models() -> Vec<&'static str> {
    catalog::MODELS
        .iter()
        .map(|m| m.name)
        .filter(|&n| n != "linearizable")
        .collect()
}

impl LiveCheck {
    /// Nothing checked yet.
    pub fn new() -> Self {
        LiveCheck {
            checker: Checker::new(Spec::register()),
            seen: Weak::new(),
            seen_len: 0,
            for_sessions: None,
            now: 0,
            linear_why: None,
            sessions: None,
            sessions_stale: false,
            sessions_at: f64::NEG_INFINITY,
        }
    }

    /// Takes the run's history at time `now` and wall-clock time `wall_ms` (cheap: the
    /// new and outstanding operations). A history from an earlier moment (a seek, a new
    /// run) starts the check over.
    pub fn observe(&mut self, history: Rc<Vec<Operation>>, now: Time, wall_ms: f64) {
        let same = std::ptr::eq(self.seen.as_ptr(), Rc::as_ptr(&history));
        if !(same && now >= self.now) {
            let earlier = now < self.now || history.len() < self.seen_len;
            if earlier || !self.checker.sync(&history) {
                *self = LiveCheck::new();
                self.checker.sync(&history);
            }
            self.sessions_stale = true;
            self.seen = Rc::downgrade(&history);
            self.seen_len = history.len();
        }
        self.now = now;
        if self.sessions_stale && wall_ms - self.sessions_at >= SESSION_EVERY_MS {
            self.for_sessions = Some(history);
        }
    }

    /// Whether a slice of [`LiveCheck::work`] would do anything.
    pub fn has_work(&self) -> bool {
        self.checker.pending() > 0
            || self.sessions_stale
            || (self.checker.verdict() == Verdict::NotLinearizable && self.linear_why.is_none())
    }

    /// One slice of work at wall-clock time `wall_ms`: linearizability steps, and the
    /// other models when the history changed and they have not run for a while.
    pub fn work(&mut self, wall_ms: f64) {
        let verdict = self.checker.work(&mut Budget::steps(LINEAR_STEPS));
        if verdict == Verdict::NotLinearizable && self.linear_why.is_none() {
            let found = self
                .checker
                .violations()
                .first()
                .map(|(k, s, _)| (k.to_string(), *s));
            if let Some((key, stuck)) = found {
                let failure = report::explain(
                    &self.checker,
                    &key,
                    stuck,
                    &mut Budget::steps(EXPLAIN_STEPS),
                );
                self.linear_why = Some(failure.counterexample);
            }
        }
        if let Some(history) = self.for_sessions.take() {
            let names = session_models();
            let mut budget = Budget::steps(SESSION_STEPS);
            self.sessions = Some(Consistency::only(&history, &names, &mut budget));
            self.sessions_stale = false;
            self.sessions_at = wall_ms;
        }
    }

    /// Until nothing is left (natively, for tests: the page works a slice at a time).
    pub fn finish(&mut self) {
        let mut wall = 0.0;
        // The other models wait for an observed history once they are due; a test
        // observes right before, so they are.
        while self.has_work() && !(self.sessions_stale && self.for_sessions.is_none()) {
            wall += SESSION_EVERY_MS;
            self.work(wall);
        }
    }

    /// The page's verdict on `model`.
    pub fn status(&self, model: &str) -> Status {
        if self.seen_len == 0 {
            return Status::NoOperations;
        }
        if model == "linearizable" {
            return match self.checker.verdict() {
                Verdict::Linearizable => Status::Holds,
                Verdict::NotLinearizable => Status::Broken {
                    at_ms: None,
                    counterexample: self.linear_why.clone().unwrap_or_default(),
                },
                Verdict::Unknown => Status::Undecided,
            };
        }
        // A result for an older history says nothing of the operations since.
        let result = self.sessions.as_ref().and_then(|c| c.model(model));
        match result.map(|r| (r.holds, &r.counterexample)) {
            Some((Some(false), why)) => Status::Broken {
                at_ms: None,
                counterexample: why.clone(),
            },
            Some((Some(true), _)) if !self.sessions_stale => Status::Holds,
            Some((None, _)) if !self.sessions_stale => Status::NoEvidence,
            _ => Status::Undecided,
        }
    }
}

/// A model's status, the run's word first: a checked model the engine found broken is
/// broken at the moment it says, with its counterexample.
pub fn status_of(model: &str, page: &LiveCheck, broken: &[(Broken, Option<Time>)]) -> Status {
    match broken.iter().find(|(b, _)| b.model == model) {
        Some((b, at)) => Status::Broken {
            at_ms: *at,
            counterexample: b.counterexample.clone(),
        },
        None => page.status(model),
    }
}

/// Wall-clock milliseconds (the page's `performance.now()`), which pace the checks.
fn wall_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The Consistency tab.
#[function_component(ConsistencyView)]
pub fn consistency_view(props: &ViewProps) -> Html {
    let live = use_mut_ref(LiveCheck::new);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let world = props.lab.world();
    live.borrow_mut()
        .observe(world.history(), world.now(), wall_now());

    // A slice of work between frames while any is left; none once all is decided.
    {
        let live = live.clone();
        let timer = timer.clone();
        use_effect(move || {
            if live.borrow().has_work() && timer.borrow().is_none() {
                let slot = timer.clone();
                *timer.borrow_mut() = Some(Timeout::new(SLICE_INTERVAL_MS, move || {
                    let wall = wall_now();
                    live.borrow_mut().work(wall);
                    slot.borrow_mut().take();
                    redraw.force_update();
                }));
            }
        });
    }
    // Leaving the tab cancels the pending slice.
    {
        let timer = timer.clone();
        use_effect_with((), move |_| move || drop(timer.borrow_mut().take()));
    }

    let broken = broken_at(world);
    let checked = world.checked_models();
    let live = live.borrow();
    let rows = catalog::MODELS.iter().map(|m| {
        let status = status_of(m.name, &live, &broken);
        model_row(m, checked.contains(&m.name), &status, &props.on_action)
    });
    let ops = world.history().len();
    html! {
        <section class="consistency" aria-label="Consistency">
            <p class="consistency-lead">
                { format!("{ops} operation{} so far. ", if ops == 1 { "" } else { "s" }) }
                if checked.is_empty() {
                    { "No model is checked as an invariant: tick some under Settings → Clients. \
                       The page judges every model here anyway." }
                } else {
                    { "Models marked “checked” are invariants of this run; the page judges the others here." }
                }
            </p>
            <ul class="consistency-list">{ for rows }</ul>
        </section>
    }
}

/// One model: its title, whether the run checks it, its verdict, definition and source.
fn model_row(
    m: &'static InvariantSpec,
    checked: bool,
    status: &Status,
    on_action: &Callback<UiAction>,
) -> Html {
    let (class, icon, words) = match status {
        Status::NoOperations => ("cm-none", "–", "not checked: no operations".to_string()),
        Status::Holds => ("cm-ok", "✓", "holds so far".to_string()),
        Status::Undecided => ("cm-undecided", "…", "not decided yet".to_string()),
        Status::NoEvidence => (
            "cm-none",
            "–",
            "no verdict: not enough evidence yet".to_string(),
        ),
        Status::Broken { at_ms: Some(t), .. } => {
            ("cm-broken", "✕", format!("broken at {}", format_ms(*t)))
        }
        Status::Broken { at_ms: None, .. } => {
            ("cm-broken", "✕", "broken by the history so far".to_string())
        }
    };
    let detail = match status {
        Status::Broken {
            at_ms,
            counterexample,
        } => {
            let jump = at_ms.map(|t| {
                let onclick = on_action.reform(move |_: MouseEvent| UiAction::Seek(jump_target(t)));
                html! {
                    <button type="button" class="inv-jump" {onclick}
                            aria-label={format!("Jump to the moment {} became impossible, {}", m.title, format_ms(t))}>
                        { "Jump to the moment it became impossible" }
                    </button>
                }
            });
            html! {
                <div class="inv-detail">
                    <ol class="cm-counterexample" aria-label={format!("Why {} is broken", m.title)}>
                        { for counterexample.iter().map(|s| html! { <li>{ s }</li> }) }
                    </ol>
                    { for jump }
                </div>
            }
        }
        _ => html! {},
    };
    html! {
        <li class={classes!("cm", class)} data-model={m.name}>
            <span class="inv-icon" aria-hidden="true">{ icon }</span>
            <span class="inv-title">{ m.title }</span>
            if checked {
                <span class="cm-checked" title="An invariant of this run: the engine checks it after every completion">{ "checked" }</span>
            }
            <span class="inv-status">{ words }</span>
            <span class="inv-rule">{ m.rule }<span class="cm-source">{ format!(" ({})", m.source) }</span></span>
            { detail }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Call, Outcome, Read, Value};

    fn op(client: u64, invoke: Time, complete: Time, call: Call) -> Operation {
        Operation {
            client,
            node: Some(1),
            call,
            invoke,
            complete: Some(complete),
            outcome: Outcome::Ok,
            source: None,
        }
    }

    fn write(client: u64, invoke: Time, complete: Time, v: &str) -> Operation {
        op(
            client,
            invoke,
            complete,
            Call::Write {
                key: "x".into(),
                value: Value::Str(v.into()),
            },
        )
    }

    fn read(client: u64, invoke: Time, complete: Time, v: Option<&str>) -> Operation {
        let read = v.map_or(Read::Empty, |v| Read::Value(Value::Str(v.into())));
        op(
            client,
            invoke,
            complete,
            Call::Read {
                key: "x".into(),
                read,
            },
        )
    }

    #[test]
    fn no_operations_means_nothing_is_judged() {
        let live = LiveCheck::new();
        assert_eq!(live.status("linearizable"), Status::NoOperations);
        assert!(!live.has_work());
    }

    #[test]
    fn a_stale_read_breaks_linearizability_and_read_your_writes() {
        let mut live = LiveCheck::new();
        let history = Rc::new(vec![write(1, 0, 10, "1.1"), read(1, 20, 30, None)]);
        live.observe(history, 30, 0.0);
        assert_eq!(live.status("linearizable"), Status::Undecided);
        live.finish();
        assert!(!live.has_work(), "idle once decided");
        for model in ["linearizable", "read_your_writes"] {
            match live.status(model) {
                Status::Broken { counterexample, .. } => {
                    assert!(!counterexample.is_empty(), "{model}")
                }
                other => panic!("{model}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_good_history_holds_and_an_earlier_one_starts_over() {
        let mut live = LiveCheck::new();
        let good = vec![write(1, 0, 10, "1.1"), read(2, 20, 30, Some("1.1"))];
        live.observe(Rc::new(good.clone()), 40, 0.0);
        live.finish();
        assert_eq!(live.status("linearizable"), Status::Holds);
        assert_eq!(live.status("monotonic_reads"), Status::Holds);
        // A seek back: a shorter history at an earlier time.
        live.observe(Rc::new(good[..1].to_vec()), 15, 0.0);
        assert!(live.has_work());
        live.finish();
        assert_eq!(live.status("linearizable"), Status::Holds);
    }

    /// The page must not keep the run's history alive between checks: a kept copy makes
    /// the engine copy the whole history at its next write.
    #[test]
    fn the_history_is_held_only_for_a_due_check_of_the_other_models() {
        let mut live = LiveCheck::new();
        let first = Rc::new(vec![write(1, 0, 10, "1.1")]);
        live.observe(Rc::clone(&first), 20, 0.0);
        assert_eq!(Rc::strong_count(&first), 2, "taken for the first check");
        live.finish();
        assert_eq!(Rc::strong_count(&first), 1, "released once checked");
        let second = Rc::new(vec![write(1, 0, 10, "1.1"), read(2, 20, 30, Some("1.1"))]);
        live.observe(Rc::clone(&second), 40, SESSION_EVERY_MS + 1.0);
        assert_eq!(
            Rc::strong_count(&second),
            1,
            "the next check is not due yet"
        );
        assert!(live.has_work(), "but it is still to do");
        live.observe(Rc::clone(&second), 40, 2.0 * SESSION_EVERY_MS);
        assert_eq!(Rc::strong_count(&second), 2, "now it is");
        live.work(2.0 * SESSION_EVERY_MS);
        assert_eq!(Rc::strong_count(&second), 1);
        assert_eq!(live.status("monotonic_reads"), Status::Holds);
    }

    #[test]
    fn the_runs_word_wins_for_checked_models() {
        let live = LiveCheck::new();
        let b = Broken {
            model: "linearizable",
            op: Some(1),
            counterexample: vec!["Why.".into()],
            ops: vec![0, 1],
        };
        assert_eq!(
            status_of("linearizable", &live, &[(b, Some(1_234))]),
            Status::Broken {
                at_ms: Some(1_234),
                counterexample: vec!["Why.".into()]
            }
        );
    }
}
