//! The side panel: the invariants, always in view, and tabs for the protocol's own panels
//! (Raft: the logs), the selected thing, the events, the client history and consistency
//! models (for protocols that serve clients) and the settings.

use yew::prelude::*;

use super::logs::PanelBody;
use super::{
    ConsistencyView, EventsView, HistoryView, InspectorView, InvariantsView, SettingsView,
    ViewProps,
};
use crate::protocols::view::PanelSpec;

/// The panel's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// One of the protocol's panels.
    Panel(PanelSpec),
    /// The selected node or message.
    Inspector,
    /// What happened.
    Events,
    /// The client operations on a time axis (protocols that serve clients).
    History,
    /// Every consistency model's verdict on the history (protocols that serve clients).
    Consistency,
    /// The scenario's settings and "Break the protocol".
    Settings,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Panel(p) => p.label,
            Tab::Inspector => "Inspector",
            Tab::Events => "Events",
            Tab::History => "History",
            Tab::Consistency => "Consistency",
            Tab::Settings => "Settings",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Panel(p) => p.id,
            Tab::Inspector => "inspector",
            Tab::Events => "events",
            Tab::History => "history",
            Tab::Consistency => "consistency",
            Tab::Settings => "settings",
        }
    }
}

/// The tabs for a run with these panels: the protocol's first, then the common ones, with
/// the history and the consistency models for a protocol that serves clients.
pub fn tabs(panels: &[PanelSpec], serves_clients: bool) -> Vec<Tab> {
    let clients: &[Tab] = if serves_clients {
        &[Tab::History, Tab::Consistency]
    } else {
        &[]
    };
    panels
        .iter()
        .map(|p| Tab::Panel(*p))
        .chain([Tab::Inspector, Tab::Events])
        .chain(clients.iter().copied())
        .chain([Tab::Settings])
        .collect()
}

/// The side panel beside the cluster (below it on narrow screens).
#[function_component(SidePanel)]
pub fn side_panel(props: &ViewProps) -> Html {
    let world = props.lab.world();
    let all = tabs(&world.panels(), world.spec().serves_clients);
    let first = all[0];
    let tab = use_state(|| first);
    // A tab the run no longer has (another protocol was opened) falls back to the first.
    let current = if all.contains(&*tab) { *tab } else { first };
    // Selecting something (a node, a link, a message) shows it in the inspector.
    {
        let tab = tab.clone();
        use_effect_with(props.lab.selected(), move |selected| {
            if selected.is_some() {
                tab.set(Tab::Inspector);
            }
        });
    }
    let buttons = all.iter().map(|&t| {
        let onclick = {
            let tab = tab.clone();
            Callback::from(move |_: MouseEvent| tab.set(t))
        };
        let selected = current == t;
        html! {
            <button type="button" role="tab" id={format!("tab-{}", t.id())}
                    class={classes!("tab", selected.then_some("tab-selected"))}
                    aria-selected={selected.to_string()}
                    aria-controls={format!("tabpanel-{}", t.id())} {onclick}>
                { t.label() }
            </button>
        }
    });
    let lab = props.lab.clone();
    let on_action = props.on_action.clone();
    let body = match current {
        Tab::Panel(p) => html! { <PanelBody {lab} {on_action} id={p.id} /> },
        Tab::Inspector => html! { <InspectorView {lab} {on_action} /> },
        Tab::Events => html! { <EventsView {lab} {on_action} /> },
        Tab::History => html! { <HistoryView {lab} {on_action} /> },
        Tab::Consistency => html! { <ConsistencyView {lab} {on_action} /> },
        Tab::Settings => html! { <SettingsView {lab} {on_action} /> },
    };
    html! {
        <aside class="panel" aria-label="Details">
            <InvariantsView lab={props.lab.clone()} on_action={props.on_action.clone()} />
            <div class="tabs" role="tablist" aria-label="Panels">{ for buttons }</div>
            <div class="tabpanel" role="tabpanel" id={format!("tabpanel-{}", current.id())}
                 aria-labelledby={format!("tab-{}", current.id())}>
                { body }
            </div>
        </aside>
    }
}
