//! The root component: one reducer holding the [`Lab`], the animation loop, the keyboard,
//! the address bar, and the page's layout.

use std::rc::Rc;

use yew::prelude::*;

use super::hooks::frame_meter::use_frame_meter;
use super::hooks::{dispatcher_callback, use_animation_frames, use_keyboard, use_url_sync};
use super::lab::{Lab, Selection, Tone};
use super::state::{LabState, UiAction};
use super::{
    ClusterView, ControlBar, EmbedBar, HelpOverlay, ScenarioIntro, SidePanel, SiteHeader, Timeline,
};
use crate::protocols::spec::CommandSpec;
use crate::scenario::script;
use crate::sim::Action;

/// Properties of [`App`]; the page mounts it with none (the URL fragment is read).
#[derive(Properties, Clone, PartialEq, Default)]
pub struct AppProps {
    /// Opens this fragment instead of the page's own (tests use it).
    #[prop_or_default]
    pub fragment: Option<String>,
}

/// The page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let fragment = props.fragment.clone();
    let lab = use_reducer(move || {
        let fragment = fragment.unwrap_or_else(page_fragment);
        LabState(Rc::new(Lab::from_fragment(&fragment)))
    });
    let on_action = dispatcher_callback(lab.dispatcher());
    let help_open = use_state(|| false);

    use_animation_frames(lab.playing(), on_action.reform(UiAction::Tick));
    use_url_sync(&lab);
    use_frame_meter();
    {
        let on_action = on_action.clone();
        let help_open = help_open.clone();
        let lab = (*lab).clone();
        use_keyboard(Callback::from(move |e: KeyboardEvent| {
            if let Some(intent) = key_intent(&e.key(), &lab, *help_open) {
                e.prevent_default();
                match intent {
                    Intent::Ui(a) => on_action.emit(a),
                    Intent::Help(open) => help_open.set(open),
                }
            }
        }));
    }
    let on_help = {
        let help_open = help_open.clone();
        Callback::from(move |open: bool| help_open.set(open))
    };

    // Dropping a scenario file anywhere on the page opens it.
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let on_action = on_action.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                super::files::open_file(file, on_action.clone());
            }
        })
    };

    let state = (*lab).clone();
    if state.embed() {
        return html! {
            <div class="app embed">
                <main class="stage" aria-label="Quorum Lab">
                    <NoticeLine lab={state.clone()} on_action={on_action.clone()} />
                    <ClusterView lab={state.clone()} on_action={on_action.clone()} />
                    <Timeline lab={state.clone()} on_action={on_action.clone()} />
                    <EmbedBar lab={state} {on_action} />
                </main>
            </div>
        };
    }
    html! {
        <div class="app" ondragover={on_drag_over} ondrop={on_drop}>
            <SiteHeader lab={state.clone()} on_action={on_action.clone()} on_help={on_help.clone()} />
            <main class="workspace">
                <section class="stage" aria-label="Simulation">
                    <ScenarioIntro lab={state.clone()} on_action={on_action.clone()} />
                    <NoticeLine lab={state.clone()} on_action={on_action.clone()} />
                    <ClusterView lab={state.clone()} on_action={on_action.clone()} />
                    <Timeline lab={state.clone()} on_action={on_action.clone()} />
                    <ControlBar lab={state.clone()} on_action={on_action.clone()} />
                </section>
                <SidePanel lab={state} {on_action} />
            </main>
            if *help_open {
                <HelpOverlay on_close={on_help.reform(|()| false)} />
            }
        </div>
    }
}

/// What a key press asks for. Made and used at once, so its size does not matter.
#[derive(Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
enum Intent {
    Ui(UiAction),
    Help(bool),
}

/// The keyboard map of [`super::hooks::SHORTCUTS`]. Pure, so it is tested natively.
fn key_intent(key: &str, lab: &Lab, help_open: bool) -> Option<Intent> {
    let selected_node = match lab.selected() {
        Some(Selection::Node(n)) => Some(n),
        _ => None,
    };
    let ui = |a| Some(Intent::Ui(a));
    match key {
        "?" => Some(Intent::Help(!help_open)),
        "Escape" if help_open => Some(Intent::Help(false)),
        "Escape" => ui(UiAction::Select(None)),
        " " => ui(UiAction::Toggle),
        "ArrowRight" => ui(UiAction::Step),
        "ArrowLeft" => ui(UiAction::StepBack),
        "Home" => ui(UiAction::JumpStart),
        "End" => ui(UiAction::JumpEnd),
        "c" => {
            let node = selected_node?;
            let up = lab.world().up(node);
            ui(UiAction::Act(if up {
                Action::Crash { node }
            } else {
                Action::Restart { node }
            }))
        }
        _ if command_for_key(lab, key).is_some() => {
            let c = command_for_key(lab, key)?;
            let value = c.value.map(|_| next_value(lab, c));
            let spec = lab.scenario().protocol;
            ui(UiAction::Act(script::command(
                &spec,
                c.name,
                selected_node?,
                value,
            )?))
        }
        _ => {
            let digit: u32 = key.parse().ok()?;
            (1..=lab.world().size())
                .contains(&digit)
                .then_some(Intent::Ui(UiAction::Select(Some(Selection::Node(digit)))))
        }
    }
}

/// The protocol's command whose shortcut is `key`, if one is.
fn command_for_key(lab: &Lab, key: &str) -> Option<&'static CommandSpec> {
    let mut chars = key.chars();
    let (Some(k), None) = (chars.next(), chars.next()) else {
        return None;
    };
    let spec: &'static crate::protocols::Spec = lab.scenario().protocol.0;
    spec.commands.iter().find(|c| c.key == Some(k))
}

/// A made-up value for a command that carries one: its prefix and a number, `x1`, `x2`,
/// … counting the commands of its kind so far, so a student can tell them apart.
pub fn next_value(lab: &Lab, command: &CommandSpec) -> String {
    let made = lab
        .world()
        .script()
        .iter()
        .filter(|e| matches!(&e.action, Action::Command(c) if c.name == command.name))
        .count();
    let prefix = command.value.map_or("", |v| v.prefix);
    format!("{prefix}{}", made + 1)
}

/// [`next_value`] of each of the protocol's commands (empty for those without a value).
pub fn next_values(lab: &Lab) -> Vec<AttrValue> {
    lab.scenario()
        .protocol
        .commands
        .iter()
        .map(|c| {
            if c.value.is_some() {
                AttrValue::from(next_value(lab, c))
            } else {
                AttrValue::default()
            }
        })
        .collect()
}

/// The page's own URL fragment (without `#`), or nothing outside a browser.
fn page_fragment() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// One line under the cluster's heading: a notice if there is one, otherwise what to try.
#[function_component(NoticeLine)]
pub fn notice_line(props: &super::ViewProps) -> Html {
    let lab = &props.lab;
    // A live region must exist before its content changes for screen readers to announce
    // the change, so it is always rendered.
    let body = match lab.notice() {
        Some(n) => {
            let (class, label) = match n.tone {
                Tone::Info => ("notice notice-info", "Note"),
                Tone::Warning => ("notice notice-warning", "Note"),
                Tone::Error => ("notice notice-error", "Problem"),
            };
            let dismiss = props
                .on_action
                .reform(|_: MouseEvent| UiAction::DismissNotice);
            html! {
                <div {class}>
                    <span class="notice-label">{ label }{ ": " }</span>
                    <span class="notice-text">{ &n.text }</span>
                    <button type="button" class="notice-dismiss" aria-label="Dismiss notice"
                            onclick={dismiss}>{ "×" }</button>
                </div>
            }
        }
        None => html! { <p class="hint">{ hint(lab) }</p> },
    };
    html! { <div class="notice-region" role="status" aria-live="polite">{ body }</div> }
}

/// What to try next, from what the run looks like now.
fn hint(lab: &Lab) -> &'static str {
    let world = lab.world();
    let any_down = (1..=world.size()).any(|id| !world.up(id));
    if !world.violations().is_empty() {
        "An invariant broke: the timeline marks where. Drag back to watch it happen."
    } else if any_down {
        "Click a crashed node to restart it, or watch the others carry on without it."
    } else {
        world.hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn lab() -> Lab {
        let mut lab = Lab::new(Scenario::default());
        lab.pause();
        lab
    }

    #[test]
    fn space_toggles_and_arrows_step() {
        let lab = lab();
        assert_eq!(
            key_intent(" ", &lab, false),
            Some(Intent::Ui(UiAction::Toggle))
        );
        assert_eq!(
            key_intent("ArrowRight", &lab, false),
            Some(Intent::Ui(UiAction::Step))
        );
        assert_eq!(
            key_intent("ArrowLeft", &lab, false),
            Some(Intent::Ui(UiAction::StepBack))
        );
    }

    #[test]
    fn node_keys_need_a_selected_node() {
        let mut lab = lab();
        assert_eq!(key_intent("c", &lab, false), None);
        lab.select(Some(Selection::Node(2)));
        assert_eq!(
            key_intent("c", &lab, false),
            Some(Intent::Ui(UiAction::Act(Action::Crash { node: 2 })))
        );
        assert_eq!(
            key_intent("r", &lab, false),
            Some(Intent::Ui(UiAction::Act(crate::protocols::raft::request(
                2, "x1"
            ))))
        );
        assert_eq!(
            key_intent("t", &lab, false),
            Some(Intent::Ui(UiAction::Act(crate::protocols::raft::timeout(
                2
            ))))
        );
    }

    #[test]
    fn digits_select_existing_nodes_only() {
        let lab = lab();
        assert_eq!(
            key_intent("5", &lab, false),
            Some(Intent::Ui(UiAction::Select(Some(Selection::Node(5)))))
        );
        assert_eq!(key_intent("6", &lab, false), None);
        assert_eq!(key_intent("0", &lab, false), None);
    }

    #[test]
    fn question_mark_toggles_help_and_escape_closes_it() {
        let lab = lab();
        assert_eq!(key_intent("?", &lab, false), Some(Intent::Help(true)));
        assert_eq!(key_intent("Escape", &lab, true), Some(Intent::Help(false)));
        assert_eq!(
            key_intent("Escape", &lab, false),
            Some(Intent::Ui(UiAction::Select(None)))
        );
    }
}
