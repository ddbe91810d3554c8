//! The inspector: everything about the selected node, message or link.
//!
//! A node shows whether it is up, its protocol's own state (for Raft, Figure 2's
//! persistent and volatile state, and as leader its `next_index`/`match_index`), its timers
//! and its log; a message in flight every field of its message; a link both of its
//! directions. What to list comes from the protocol's view as data ([`Section`]s); nothing
//! is decided here: the buttons send the same actions as the cluster's menus, and the
//! engine accepts or refuses them.

use yew::prelude::*;

use super::lab::{format_ms, Selection};
use super::logs::{short_value, term_class};
use super::state::{LabState, UiAction};
use super::ViewProps;
use crate::protocols::view::{EntryView, Section, TableView};
use crate::scenario::script;
use crate::sim::{Action, LinkState, MessageId, NodeId, Time};

/// How many of a log's newest entries the inspector lists before "Show all".
pub const LOG_ROWS: usize = 100;

/// A timer in words: "election timer fires in 143 ms (at 2.350 s)".
pub fn timer_line(timer: &str, due: Time, now: Time) -> String {
    if due <= now {
        format!("{timer} fires now (at {})", format_ms(due))
    } else {
        format!("{timer} fires in {} ms (at {})", due - now, format_ms(due))
    }
}

/// An entry in words: "term 2, “x1”" or "term 3, no-op".
pub fn entry_words(e: &EntryView) -> String {
    let value = if e.noop {
        "no-op".to_string()
    } else {
        format!("“{}”", e.value)
    };
    match e.term {
        Some(t) => format!("term {t}, {value}"),
        None => value,
    }
}

/// `text` with its first letter in capitals: "client request" → "Client request".
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A term (or round) as a coloured badge with its number.
fn badge(term: Option<u64>) -> Html {
    match term {
        Some(t) => html! { <span class={classes!("term-badge", term_class(t))}>{ t }</span> },
        None => html! {},
    }
}

/// Named values as a definition list.
fn fields(rows: &[(&'static str, String)], class: &'static str) -> Html {
    html! {
        <dl class={classes!("inspector-state", class)}>
            { for rows.iter().map(|(k, v)| html! { <><dt>{ *k }</dt><dd>{ v }</dd></> }) }
        </dl>
    }
}

/// A table section.
fn table(t: &TableView) -> Html {
    html! {
        <>
            <h4 class="inspector-section">{ t.title }</h4>
            <table class="inspector-table">
                <thead><tr>
                    { for t.columns.iter().map(|(name, about)| html! {
                        <th scope="col" title={*about}>{ *name }</th>
                    }) }
                </tr></thead>
                <tbody>
                    { for t.rows.iter().map(|row| html! {
                        <tr>
                            { for row.iter().enumerate().map(|(i, cell)| if i == 0 {
                                html! { <th scope="row">{ cell }</th> }
                            } else {
                                html! { <td>{ cell }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </>
    }
}

/// One of the protocol's sections.
fn section(s: &Section) -> Html {
    match s {
        Section::Fields { title, rows } => html! {
            <>
                if let Some(t) = title { <h4 class="inspector-section">{ *t }</h4> }
                { fields(rows, "") }
            </>
        },
        Section::Table(t) => table(t),
        Section::Entries {
            title,
            entries,
            words,
        } => html! {
            <>
                <h4 class="inspector-section">{ title }</h4>
                <ol class="inspector-entries">
                    { for entries.iter().map(|e| html! {
                        <li class={classes!(if e.settled { "committed" } else { "uncommitted" })}>
                            <span class="entry-index">{ e.index }</span>
                            { badge(e.term) }
                            <span class={classes!("inspector-value", e.noop.then_some("noop"))}
                                  title={entry_words(e)}>{ short_value(&e.value, 24) }</span>
                            <span class="qv-sr-only">{ if e.settled { words.0 } else { words.1 } }</span>
                        </li>
                    }) }
                </ol>
            </>
        },
        Section::Note(text) => html! { <p class="inspector-note">{ text }</p> },
    }
}

/// The Inspector tab.
#[function_component(InspectorView)]
pub fn inspector_view(props: &ViewProps) -> Html {
    let lab = &props.lab;
    let size = lab.world().size();
    let valid = |id: NodeId| (1..=size).contains(&id);
    let body = match lab.selected() {
        Some(Selection::Node(id)) if valid(id) => html! {
            <NodeInspector lab={lab.clone()} on_action={props.on_action.clone()} {id} />
        },
        Some(Selection::Message(id)) => message_inspector(lab, &props.on_action, id),
        Some(Selection::Link(a, b)) if valid(a) && valid(b) && a != b => {
            link_inspector(lab, &props.on_action, a, b)
        }
        _ => html! {
            <p class="inspector-hint">
                { "Select a node (click it, or press 1–" }{ size.min(9) }
                { "), a message in flight or a link to see everything about it here." }
            </p>
        },
    };
    html! { <section class="inspector" aria-label="Inspector">{ body }</section> }
}

#[derive(Properties, Clone, PartialEq)]
struct NodeProps {
    lab: LabState,
    on_action: Callback<UiAction>,
    id: NodeId,
}

/// A node's state. Redrawn every frame (its timers count down); its log is a child that
/// redraws only when the log or what is settled of it changes.
#[function_component(NodeInspector)]
fn node_inspector(props: &NodeProps) -> Html {
    let lab = &props.lab;
    let world = lab.world();
    let id = props.id;
    let up = world.up(id);
    let view = world.node(id);
    let now = world.now();
    let spec = lab.scenario().protocol;
    let act = |a: Action| {
        props
            .on_action
            .reform(move |_: MouseEvent| UiAction::Act(a.clone()))
    };
    let crash_or_restart = if up {
        html! { <button type="button" onclick={act(Action::Crash { node: id })}>{ format!("Crash S{id}") }</button> }
    } else {
        html! { <button type="button" onclick={act(Action::Restart { node: id })}>{ format!("Restart S{id}") }</button> }
    };
    let commands = spec.commands.iter().filter_map(|c| {
        let value = c.value.map(|_| super::next_value(lab, c));
        let action = script::command(&spec, c.name, id, value)?;
        // The menu's words for a command without a value; for one with a value, what it
        // is ("Client request"), since the inspector sends a made-up value.
        let label = match c.value {
            Some(_) => capitalized(c.verb),
            None => c.label.trim_end_matches(" now").to_string(),
        };
        Some(
            html! { <button type="button" onclick={act(action)} title={c.help}>{ label }</button> },
        )
    });
    let timers = world.timers(id);
    let timers = if !up {
        html! { <p class="inspector-note">{ "A crashed node's timers are stopped." }</p> }
    } else if timers.is_empty() {
        html! { <p class="inspector-note">{ "No timer armed." }</p> }
    } else {
        html! {
            <ul class="inspector-timers">
                { for timers.iter().map(|t| html! { <li>{ timer_line(&t.name, t.due, now) }</li> }) }
            </ul>
        }
    };
    let status = if up {
        "up"
    } else {
        "crashed: it keeps its persistent state; the rest is lost"
    };
    html! {
        <div class={classes!("inspector-node", view.tone.class(), (!up).then_some("crashed"))}>
            <h3 class="inspector-title">
                <span class="role-dot" aria-hidden="true"></span>
                { format!("S{id}") }
                <span class="inspector-subtitle">
                    { if up { view.summary.clone() } else { "crashed".to_string() } }
                </span>
            </h3>
            <div class="inspector-actions" role="group" aria-label={format!("Act on S{id}")}>
                { crash_or_restart }
                { for commands }
            </div>
            { fields(&[("Status", status.to_string())], "") }
            { for world.inspect(id).iter().map(section) }
            <h4 class="inspector-section">{ "Timers" }</h4>
            { timers }
            <NodeLog lab={lab.clone()} {id} signature={world.node_log_signature(id)} />
        </div>
    }
}

#[derive(Properties, Clone)]
struct LogProps {
    lab: LabState,
    id: NodeId,
    signature: u64,
}

impl PartialEq for LogProps {
    /// The log is drawn from the lab, but only its signature changes what it shows.
    fn eq(&self, other: &Self) -> bool {
        (self.id, self.signature) == (other.id, other.signature)
    }
}

/// A node's log, newest entries first shown, with "Show all" for long ones.
#[function_component(NodeLog)]
fn node_log(props: &LogProps) -> Html {
    let show_all = use_state(|| false);
    let Some(Section::Entries {
        title,
        entries,
        words,
    }) = props.lab.world().node_log(props.id)
    else {
        return html! {};
    };
    let skip = if *show_all {
        0
    } else {
        entries.len().saturating_sub(LOG_ROWS)
    };
    let rows = entries.iter().skip(skip).map(|e| {
        html! {
            <tr class={classes!(if e.settled { "committed" } else { "uncommitted" })}>
                <td>{ e.index }</td>
                <td>{ badge(e.term) }</td>
                <td class={classes!("inspector-value", e.noop.then_some("noop"))} title={e.value.clone()}>
                    { short_value(&e.value, 24) }
                </td>
                <td>{ if e.settled { format!("✓ {}", words.0) } else { format!("… {}", words.1) } }</td>
            </tr>
        }
    });
    let toggle = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    html! {
        <>
            <h4 class="inspector-section">{ title }</h4>
            if entries.is_empty() {
                <p class="inspector-note">{ "Empty." }</p>
            } else {
                <table class="inspector-table inspector-log">
                    <thead><tr>
                        <th scope="col">{ "index" }</th><th scope="col">{ "term" }</th>
                        <th scope="col">{ "value" }</th><th scope="col">{ "state" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if entries.len() > LOG_ROWS {
                    <button type="button" class="inspector-more" onclick={toggle}>
                        { if *show_all { format!("Show the newest {LOG_ROWS} only") } else { format!("Show all {} entries", entries.len()) } }
                    </button>
                }
            }
        </>
    }
}

fn message_inspector(lab: &LabState, on_action: &Callback<UiAction>, id: MessageId) -> Html {
    let world = lab.world();
    let Some(m) = world.message(id) else {
        return html! {
            <>
                <h3 class="inspector-title">{ format!("Message #{id}") }</h3>
                <p class="inspector-note">
                    { "This message is no longer in flight. " }
                    { world.message_fate(id).unwrap_or_default() }
                </p>
            </>
        };
    };
    let f = m.flight;
    let now = world.now();
    // What the simulator will do with it if nothing changes before it is due (the rule of
    // `World::arrive`): said here so the student is not surprised when it vanishes.
    let doom = if let Some(t) = f.lost_at {
        Some(format!(
            "The network loses it on the way, at {}.",
            format_ms(t)
        ))
    } else if !world.links().is_up(f.from, f.to) {
        Some(format!(
            "The link S{} → S{} is cut: unless it is repaired first, the message is lost.",
            f.from, f.to
        ))
    } else if !world.up(f.to) {
        Some(format!(
            "S{} is down: unless it restarts first, the message is lost.",
            f.to
        ))
    } else {
        None
    };
    let arrives = match f.arrives_at {
        Some(t) if t > now => format!("{} (in {} ms)", format_ms(t), t - now),
        Some(t) => format_ms(t),
        None => "when you deliver it (manual network)".to_string(),
    };
    let deliver =
        on_action.reform(move |_: MouseEvent| UiAction::Act(Action::Deliver { message: id }));
    let drop = on_action.reform(move |_: MouseEvent| UiAction::Act(Action::Drop { message: id }));
    let color = m.color.map(term_class);
    html! {
        <div class={classes!("inspector-message", color)}>
            <h3 class="inspector-title">
                { f.kind }
                <span class="inspector-subtitle">{ format!("message #{id}") }</span>
            </h3>
            <div class="inspector-actions" role="group" aria-label={format!("Act on message #{id}")}>
                <button type="button" onclick={deliver}>{ "Deliver now" }</button>
                <button type="button" onclick={drop}>{ "Drop it" }</button>
            </div>
            <p class="inspector-note">{ &m.text }</p>
            <dl class="inspector-state">
                <dt>{ "From" }</dt><dd>{ format!("S{}", f.from) }</dd>
                <dt>{ "To" }</dt><dd>{ format!("S{}", f.to) }</dd>
                <dt>{ "Sent at" }</dt><dd>{ format_ms(f.sent_at) }</dd>
                <dt>{ "Arrives at" }</dt><dd>{ arrives }</dd>
                if let Some(doom) = doom {
                    <dt>{ "Fate" }</dt><dd class="inspector-doom">{ doom }</dd>
                }
            </dl>
            <h4 class="inspector-section">{ "Content" }</h4>
            <dl class="inspector-state inspector-fields">
                { for m.fields.iter().map(|(k, v)| html! { <><dt class="field-name">{ *k }</dt><dd>{ v }</dd></> }) }
            </dl>
            { for m.sections.iter().map(section) }
        </div>
    }
}

fn link_inspector(lab: &LabState, on_action: &Callback<UiAction>, a: NodeId, b: NodeId) -> Html {
    let world = lab.world();
    let direction = |from: NodeId, to: NodeId| {
        let state = world.links().get(from, to);
        let up = state == LinkState::Up;
        let toggle = if up {
            Action::Cut { from, to }
        } else {
            Action::Repair { from, to }
        };
        let onclick = on_action.reform(move |_: MouseEvent| UiAction::Act(toggle.clone()));
        let flying: Vec<Html> = world
            .flights()
            .into_iter()
            .filter(|m| m.from == from && m.to == to)
            .map(|m| {
                let id = m.id;
                let select = on_action
                    .reform(move |_: MouseEvent| UiAction::Select(Some(Selection::Message(id))));
                let text = world.message(id).map(|d| d.text).unwrap_or_default();
                html! {
                    <li>
                        <button type="button" class="link-message" onclick={select}
                                aria-label={format!("Inspect message #{id}: {text}")}>
                            { m.label.as_str() }
                        </button>
                    </li>
                }
            })
            .collect();
        html! {
            <div class={classes!("link-direction", if up { "link-up" } else { "link-cut" })}>
                <h4 class="inspector-section">
                    { format!("S{from} → S{to}: ") }
                    <span class="link-state">{ if up { "✓ up" } else { "✕ cut" } }</span>
                </h4>
                <p class="inspector-note">
                    { if flying.is_empty() {
                        "No message in flight this way.".to_string()
                    } else {
                        format!("{} in flight this way:", flying.len())
                    } }
                </p>
                if !flying.is_empty() { <ul class="link-messages">{ for flying }</ul> }
                <button type="button" {onclick}>
                    { if up { format!("Cut S{from} → S{to}") } else { format!("Repair S{from} → S{to}") } }
                </button>
            </div>
        }
    };
    html! {
        <div class="inspector-link">
            <h3 class="inspector-title">{ format!("Link S{a} – S{b}") }</h3>
            <p class="inspector-note">{ "Each direction is cut or repaired on its own. Messages due on a cut direction are lost." }</p>
            { direction(a, b) }
            { direction(b, a) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_count_down_in_simulated_ms() {
        assert_eq!(
            timer_line("election timer", 2_350, 2_207),
            "election timer fires in 143 ms (at 2.350 s)"
        );
        assert_eq!(
            timer_line("heartbeat timer", 500, 500),
            "heartbeat timer fires now (at 500 ms)"
        );
    }

    #[test]
    fn entries_read_as_words() {
        let e = EntryView {
            index: 4,
            term: Some(2),
            value: "x1".into(),
            noop: false,
            settled: true,
        };
        assert_eq!(entry_words(&e), "term 2, “x1”");
        let noop = EntryView {
            noop: true,
            value: "no-op".into(),
            ..e
        };
        assert_eq!(entry_words(&noop), "term 2, no-op");
    }
}
