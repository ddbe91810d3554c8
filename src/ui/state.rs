//! The page's one reducer: a [`Lab`] and the UI actions that change it.

use std::rc::Rc;

use yew::prelude::*;

use super::lab::{Lab, Selection, Tone};
use crate::scenario::Scenario;
use crate::sim::{Action, Time};

/// Everything the page can ask of the run.
// `Load` carries a whole scenario and the others a few words: actions are made one per
// user gesture or frame, so boxing the scenario would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    /// An animation frame of this many wall-clock milliseconds passed.
    Tick(f64),
    /// Start time.
    Play,
    /// Stop time.
    Pause,
    /// Play or pause.
    Toggle,
    /// Run exactly the next event.
    Step,
    /// Go back one event.
    StepBack,
    /// Show the state at this time.
    Seek(Time),
    /// Show time 0.
    JumpStart,
    /// Show the furthest time reached.
    JumpEnd,
    /// Set the speed (a multiple of 1×).
    SetSpeed(f64),
    /// A user action on the cluster (crash, cut, request…), recorded in scenario form.
    Act(Action),
    /// Select something, or clear the selection.
    Select(Option<Selection>),
    /// Start over from time 0 with this scenario.
    Restart(Scenario),
    /// Show a notice.
    Notify(Tone, String),
    /// Hide the notice.
    DismissNotice,
}

/// The reducer's state: the lab. Compared by identity, so every change re-renders.
#[derive(Clone)]
pub struct LabState(pub Rc<Lab>);

impl PartialEq for LabState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for LabState {
    type Target = Lab;
    fn deref(&self) -> &Lab {
        &self.0
    }
}

impl Reducible for LabState {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        // The lab is cloned per change (the world's clone is cheap, the history shared).
        let mut lab = (*self.0).clone();
        match action {
            UiAction::Tick(wall_ms) => lab.tick(wall_ms),
            UiAction::Play => lab.play(),
            UiAction::Pause => lab.pause(),
            UiAction::Toggle => lab.toggle(),
            UiAction::Step => lab.step(),
            UiAction::StepBack => lab.step_back(),
            UiAction::Seek(t) => lab.seek(t),
            UiAction::JumpStart => lab.jump_start(),
            UiAction::JumpEnd => lab.jump_end(),
            UiAction::SetSpeed(s) => lab.set_speed(s),
            UiAction::Act(a) => lab.act(a),
            UiAction::Select(s) => lab.select(s),
            UiAction::Restart(s) => lab.restart_with(s),
            UiAction::Notify(tone, text) => lab.set_notice(tone, text),
            UiAction::DismissNotice => lab.dismiss_notice(),
        }
        Rc::new(LabState(Rc::new(lab)))
    }
}

/// Props every view takes: the state to render and where to send actions.
#[derive(Properties, Clone, PartialEq)]
pub struct ViewProps {
    /// The run to render.
    pub lab: LabState,
    /// Where user intents go.
    pub on_action: Callback<UiAction>,
}
