//! The side panel: the invariants, always in view, and tabs for the selected thing, the
//! logs, the events and the settings.

use yew::prelude::*;

use super::{EventsView, InspectorView, InvariantsView, LogsView, SettingsView, ViewProps};

/// The panel's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The selected node or message.
    Inspector,
    /// Every node's log.
    Logs,
    /// What happened.
    Events,
    /// The scenario's settings and "Break the protocol".
    Settings,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Logs, Tab::Inspector, Tab::Events, Tab::Settings];

    fn label(self) -> &'static str {
        match self {
            Tab::Inspector => "Inspector",
            Tab::Logs => "Logs",
            Tab::Events => "Events",
            Tab::Settings => "Settings",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Inspector => "inspector",
            Tab::Logs => "logs",
            Tab::Events => "events",
            Tab::Settings => "settings",
        }
    }
}

/// The side panel beside the cluster (below it on narrow screens).
#[function_component(SidePanel)]
pub fn side_panel(props: &ViewProps) -> Html {
    let tab = use_state(|| Tab::Logs);
    // Selecting something (a node, a link, a message) shows it in the inspector.
    {
        let tab = tab.clone();
        use_effect_with(props.lab.selected(), move |selected| {
            if selected.is_some() {
                tab.set(Tab::Inspector);
            }
        });
    }
    let buttons = Tab::ALL.iter().map(|&t| {
        let onclick = {
            let tab = tab.clone();
            Callback::from(move |_: MouseEvent| tab.set(t))
        };
        let selected = *tab == t;
        html! {
            <button type="button" role="tab" id={format!("tab-{}", t.id())}
                    class={classes!("tab", selected.then_some("tab-selected"))}
                    aria-selected={selected.to_string()}
                    aria-controls={format!("tabpanel-{}", t.id())} {onclick}>
                { t.label() }
            </button>
        }
    });
    let body = match *tab {
        Tab::Inspector => {
            html! { <InspectorView lab={props.lab.clone()} on_action={props.on_action.clone()} /> }
        }
        Tab::Logs => {
            html! { <LogsView lab={props.lab.clone()} on_action={props.on_action.clone()} /> }
        }
        Tab::Events => {
            html! { <EventsView lab={props.lab.clone()} on_action={props.on_action.clone()} /> }
        }
        Tab::Settings => {
            html! { <SettingsView lab={props.lab.clone()} on_action={props.on_action.clone()} /> }
        }
    };
    html! {
        <aside class="panel" aria-label="Details">
            <InvariantsView lab={props.lab.clone()} on_action={props.on_action.clone()} />
            <div class="tabs" role="tablist" aria-label="Panels">{ for buttons }</div>
            <div class="tabpanel" role="tabpanel" id={format!("tabpanel-{}", tab.id())}
                 aria-labelledby={format!("tab-{}", tab.id())}>
                { body }
            </div>
        </aside>
    }
}
