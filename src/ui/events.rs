//! The events: what happened, in sentences, newest first, filtered by kind and by node.
//!
//! The run gives the lines ([`crate::protocols::Run::records`]): the trace's window of
//! recent records, reaching further back through the story window, in the engine's own
//! sentences. The filters are generic; the protocol names its two stories ("Elections &
//! terms", "Requests & commits"). The list redraws only when the trace grows or a filter
//! changes.

use yew::prelude::*;

use super::state::{LabState, UiAction};
use super::ViewProps;
use crate::protocols::view::EventKind;
use crate::protocols::Spec;
use crate::sim::{NodeId, Time, Topic};

/// The most lines drawn after filtering: enough to read back through, few enough to draw
/// on every frame while playing.
pub const MAX_ROWS: usize = 200;

/// The kinds offered as filters, in the order shown (violations are always shown).
pub const FILTERS: [EventKind; 8] = [
    EventKind::Topic(Topic::Leadership),
    EventKind::Topic(Topic::Data),
    EventKind::Clients,
    EventKind::Actions,
    EventKind::Refusals,
    EventKind::Losses,
    EventKind::Messages,
    EventKind::Timers,
];

/// A filter button's label: generic, but the two stories are named by the protocol.
pub fn label(kind: EventKind, spec: &Spec) -> &'static str {
    match kind {
        EventKind::Messages => "Messages",
        EventKind::Losses => "Losses",
        EventKind::Timers => "Timers",
        EventKind::Topic(t) => spec.topic_label(t),
        EventKind::Actions => "Actions",
        EventKind::Refusals => "Refusals",
        EventKind::Violations => "Violations",
        EventKind::Clients => "Clients",
    }
}

/// The icon before a line of this kind (beside the words, never instead of them).
pub fn icon(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Messages => "→",
        EventKind::Losses => "✕",
        EventKind::Timers => "⏱",
        EventKind::Topic(Topic::Leadership) => "★",
        EventKind::Topic(Topic::Data) => "▤",
        EventKind::Actions => "☞",
        EventKind::Refusals => "⊘",
        EventKind::Violations => "⚠",
        EventKind::Clients => "⇄",
    }
}

/// For CSS classes.
pub fn id(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Messages => "messages",
        EventKind::Losses => "losses",
        EventKind::Timers => "timers",
        EventKind::Topic(Topic::Leadership) => "elections",
        EventKind::Topic(Topic::Data) => "requests",
        EventKind::Actions => "actions",
        EventKind::Refusals => "refusals",
        EventKind::Violations => "violations",
        EventKind::Clients => "clients",
    }
}

fn bit(kind: EventKind) -> u16 {
    match kind {
        EventKind::Messages => 1,
        EventKind::Losses => 2,
        EventKind::Timers => 4,
        EventKind::Topic(Topic::Leadership) => 8,
        EventKind::Topic(Topic::Data) => 16,
        EventKind::Actions => 32,
        EventKind::Refusals => 64,
        EventKind::Violations => 128,
        EventKind::Clients => 256,
    }
}

/// A set of kinds to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown(u16);

impl Default for Shown {
    /// The story of the run: both stories, clients, actions, refusals and losses. Message traffic
    /// and timers (a heartbeat every 50 ms) would bury it, so they start hidden.
    fn default() -> Self {
        Shown(
            bit(EventKind::Topic(Topic::Leadership))
                | bit(EventKind::Topic(Topic::Data))
                | bit(EventKind::Actions)
                | bit(EventKind::Refusals)
                | bit(EventKind::Losses)
                | bit(EventKind::Clients),
        )
    }
}

impl Shown {
    /// True if lines of `kind` are shown. Violations always are.
    pub fn has(self, kind: EventKind) -> bool {
        kind == EventKind::Violations || self.0 & bit(kind) != 0
    }

    /// The set with `kind` switched.
    pub fn toggled(self, kind: EventKind) -> Shown {
        Shown(self.0 ^ bit(kind))
    }
}

/// A simulated time with a fixed shape, so the times line up: "0.850 s", "12.034 s".
pub fn clock(ms: Time) -> String {
    format!("{}.{:03} s", ms / 1_000, ms % 1_000)
}

/// The Events tab.
#[function_component(EventsView)]
pub fn events_view(props: &ViewProps) -> Html {
    let shown = use_state(Shown::default);
    let node = use_state(|| None::<NodeId>);
    let size = props.lab.world().size();

    let spec = props.lab.scenario().protocol;
    // Only a protocol that serves clients has client lines to filter.
    let offered = FILTERS
        .iter()
        .filter(|&&k| k != EventKind::Clients || spec.serves_clients);
    let kind_buttons = offered.map(|&k| {
        let on = shown.has(k);
        let onclick = {
            let shown = shown.clone();
            Callback::from(move |_: MouseEvent| shown.set(shown.toggled(k)))
        };
        html! {
            <button type="button" class={classes!("chip", format!("ev-{}", id(k)))}
                    aria-pressed={on.to_string()} {onclick}>
                <span class="chip-check" aria-hidden="true">{ if on { "✓" } else { "" } }</span>
                { label(k, &spec) }
            </button>
        }
    });
    let node_button = |n: Option<NodeId>| {
        let on = *node == n;
        let onclick = {
            let node = node.clone();
            Callback::from(move |_: MouseEvent| node.set(n))
        };
        let label = n.map_or("All".to_string(), |n| format!("S{n}"));
        let aria = n.map_or("Events of all nodes".to_string(), |n| {
            format!("Only events of S{n}")
        });
        html! {
            <button type="button" class="chip chip-node" aria-pressed={on.to_string()}
                    aria-label={aria} {onclick}>{ label }</button>
        }
    };

    let world = props.lab.world();
    html! {
        <section class="events" aria-label="Events">
            <div class="events-filters" role="group" aria-label="Show these kinds of event">
                { for kind_buttons }
            </div>
            <div class="events-filters" role="group" aria-label="Show events of">
                { node_button(None) }
                { for (1..=size).map(|n| node_button(Some(n))) }
            </div>
            <EventList lab={props.lab.clone()} on_action={props.on_action.clone()}
                       total={world.trace_total()} hash={world.trace_hash()} shown={*shown} node={*node} />
        </section>
    }
}

#[derive(Properties, Clone)]
struct ListProps {
    lab: LabState,
    on_action: Callback<UiAction>,
    /// With `hash`: which run and how far, so a fork at the same count still redraws.
    total: u64,
    hash: String,
    shown: Shown,
    node: Option<NodeId>,
}

impl PartialEq for ListProps {
    /// Only the trace's position and the filters matter: the lab changes every frame,
    /// and the callback, made anew with it, always reaches the same reducer.
    fn eq(&self, other: &Self) -> bool {
        (self.total, &self.hash, self.shown, self.node)
            == (other.total, &other.hash, other.shown, other.node)
    }
}

#[function_component(EventList)]
fn event_list(props: &ListProps) -> Html {
    let shown = props.shown;
    let page = props
        .lab
        .world()
        .records(&|k| shown.has(k), props.node, MAX_ROWS);
    let spec = props.lab.scenario().protocol;
    let lines = page.rows.iter().map(|r| {
        html! {
            <li class={classes!("ev", format!("ev-{}", id(r.kind)))} key={r.seq}>
                <span class="ev-time">{ clock(r.at_ms) }</span>
                <span class="ev-icon" aria-hidden="true" title={label(r.kind, &spec)}>{ icon(r.kind) }</span>
                <span class="ev-text">{ &r.text }</span>
            </li>
        }
    });
    let footer = if page.matching > MAX_ROWS {
        Some(format!(
            "Showing the newest {MAX_ROWS} of {} matching events.",
            page.matching
        ))
    } else if page.older_dropped && page.matching > 0 {
        Some(
            "Older events are not kept here; drag the timeline back to see earlier ones."
                .to_string(),
        )
    } else {
        None
    };
    let empty = if page.kept == 0 {
        "Nothing has happened yet.".to_string()
    } else {
        // Heartbeats soon fill the kept window: say so, rather than look broken.
        format!(
            "None of the {} events kept matches these filters. Turn on more kinds \
             (Messages, Timers), or drag the timeline back to see earlier moments.",
            page.kept
        )
    };
    html! {
        <>
            if page.rows.is_empty() {
                <p class="events-empty">{ empty }</p>
            } else {
                <ol class="events-list" aria-label="Events, newest first">{ for lines }</ol>
            }
            if let Some(text) = footer { <p class="events-footer">{ text }</p> }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::{self, RaftWorld};
    use crate::protocols::PROTOCOLS;
    use crate::scenario::Scenario;
    use crate::sim::Action;

    #[test]
    fn the_two_stories_are_named_by_the_protocol() {
        let raft = PROTOCOLS[0];
        assert_eq!(
            label(EventKind::Topic(Topic::Leadership), raft),
            "Elections & terms"
        );
        assert_eq!(
            label(EventKind::Topic(Topic::Data), raft),
            "Requests & commits"
        );
        assert_eq!(label(EventKind::Losses, raft), "Losses");
    }

    #[test]
    fn traffic_and_timers_start_hidden_and_toggle() {
        let shown = Shown::default();
        assert!(!shown.has(EventKind::Messages));
        assert!(!shown.has(EventKind::Timers));
        assert!(shown.has(EventKind::Topic(Topic::Leadership)));
        let shown = shown.toggled(EventKind::Messages);
        assert!(shown.has(EventKind::Messages));
        assert!(!shown.toggled(EventKind::Messages).has(EventKind::Messages));
        // Violations are shown whatever the filters say.
        assert!(Shown(0).has(EventKind::Violations));
    }

    #[test]
    fn the_list_filters_by_kind_and_by_node_in_sentences() {
        let s = Scenario::from_json(
            r#"{"version":1,"protocol":"raft","nodes":3,"network":{"latency_ms":[10,10]},
                "raft":{"election_timeout_ms":null},
                "script":[{"at_ms":0,"action":"timeout","node":1},{"at_ms":50,"action":"cut","from":1,"to":3}]}"#,
        )
        .unwrap();
        let mut w = raft::world(&s);
        w.keep_records(500);
        w.advance_to(200);
        let run: &dyn crate::protocols::Run = &w;
        let all = run.records(&|_| true, None, 1_000);
        assert!(all
            .rows
            .iter()
            .any(|r| r.text == "S1 timed out and started an election for term 1"));
        let cut = all
            .rows
            .iter()
            .find(|r| r.kind == EventKind::Actions)
            .unwrap();
        assert_eq!(cut.text, "Action: cut S1 → S3");
        // Newest first.
        assert!(all.rows.windows(2).all(|w| w[0].seq > w[1].seq));
        let lost = run.records(&|k| k == EventKind::Losses, Some(3), 10);
        assert!(
            lost.rows[0]
                .text
                .starts_with("S1 → S3 AppendEntries heartbeat (term 1"),
            "{:?}",
            lost.rows[0]
        );
        assert!(
            lost.rows[0].text.ends_with("lost: link cut"),
            "{:?}",
            lost.rows[0]
        );
        let of_two = run.records(&|k| k == EventKind::Actions, Some(2), 10);
        assert!(of_two.rows.is_empty(), "the cut does not concern S2");
        let _: &RaftWorld = &w;
        let _ = Action::Heal;
    }

    #[test]
    fn times_line_up_in_seconds() {
        assert_eq!(clock(0), "0.000 s");
        assert_eq!(clock(850), "0.850 s");
        assert_eq!(clock(12_034), "12.034 s");
    }
}
