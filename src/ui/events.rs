//! The events: what happened, in sentences, newest first, filtered by kind and by node.
//!
//! The source is the trace's window of recent records. Most lines reuse the engine's own
//! sentences (`Display` of events and notes); messages get a plainer phrase here than the
//! trace's compact summary, written as pure functions so they are tested natively. The
//! list redraws only when the trace grows or a filter changes.

use yew::prelude::*;

use super::invariants::about;
use super::state::{LabState, UiAction};
use super::ViewProps;
use crate::protocols::raft::{RaftNode, RaftNote, RaftSummary};
use crate::sim::{Event, NodeId, Time};

/// The most lines drawn after filtering: enough to read back through, few enough to draw
/// on every frame while playing.
pub const MAX_ROWS: usize = 200;

/// The kinds of event the list can be filtered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Messages sent, delivered or duplicated.
    Messages,
    /// Messages lost (network, cut link, receiver down, dropped).
    Losses,
    /// Timers firing.
    Timers,
    /// Terms, elections, votes and role changes.
    Elections,
    /// Client requests, log changes, commits and applies.
    Requests,
    /// User and script actions.
    Actions,
    /// Actions that could not apply.
    Refusals,
    /// Invariant violations: never filtered out.
    Violations,
}

impl Kind {
    /// The kinds offered as filters, in the order shown.
    pub const FILTERS: [Kind; 7] = [
        Kind::Elections,
        Kind::Requests,
        Kind::Actions,
        Kind::Refusals,
        Kind::Losses,
        Kind::Messages,
        Kind::Timers,
    ];

    /// The filter button's label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Messages => "Messages",
            Kind::Losses => "Losses",
            Kind::Timers => "Timers",
            Kind::Elections => "Elections & terms",
            Kind::Requests => "Requests & commits",
            Kind::Actions => "Actions",
            Kind::Refusals => "Refusals",
            Kind::Violations => "Violations",
        }
    }

    /// The icon before a line of this kind (beside the words, never instead of them).
    pub fn icon(self) -> &'static str {
        match self {
            Kind::Messages => "→",
            Kind::Losses => "✕",
            Kind::Timers => "⏱",
            Kind::Elections => "★",
            Kind::Requests => "▤",
            Kind::Actions => "☞",
            Kind::Refusals => "⊘",
            Kind::Violations => "⚠",
        }
    }

    /// For CSS classes.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Messages => "messages",
            Kind::Losses => "losses",
            Kind::Timers => "timers",
            Kind::Elections => "elections",
            Kind::Requests => "requests",
            Kind::Actions => "actions",
            Kind::Refusals => "refusals",
            Kind::Violations => "violations",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of kinds to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown(u8);

impl Default for Shown {
    /// The story of the run: elections, requests, actions, refusals and losses. Message
    /// traffic and timers (a heartbeat every 50 ms) would bury it, so they start hidden.
    fn default() -> Self {
        Shown(
            Kind::Elections.bit()
                | Kind::Requests.bit()
                | Kind::Actions.bit()
                | Kind::Refusals.bit()
                | Kind::Losses.bit(),
        )
    }
}

impl Shown {
    /// True if lines of `kind` are shown. Violations always are.
    pub fn has(self, kind: Kind) -> bool {
        kind == Kind::Violations || self.0 & kind.bit() != 0
    }

    /// The set with `kind` switched.
    pub fn toggled(self, kind: Kind) -> Shown {
        Shown(self.0 ^ kind.bit())
    }
}

/// Which kind an event is.
pub fn kind_of(event: &Event<RaftNode>) -> Kind {
    match event {
        Event::Sent { .. } | Event::Delivered { .. } | Event::Duplicated { .. } => Kind::Messages,
        Event::Lost { .. } => Kind::Losses,
        Event::Timer { .. } => Kind::Timers,
        Event::Action(_) => Kind::Actions,
        Event::Refused { .. } => Kind::Refusals,
        Event::Violation { .. } => Kind::Violations,
        Event::Note { note, .. } => match note {
            RaftNote::NewTerm { .. }
            | RaftNote::BecameFollower { .. }
            | RaftNote::StartedPreVote { .. }
            | RaftNote::StartedElection { .. }
            | RaftNote::BecameLeader { .. }
            | RaftNote::Voted { .. } => Kind::Elections,
            RaftNote::Accepted { .. }
            | RaftNote::Refused { .. }
            | RaftNote::Truncated { .. }
            | RaftNote::Stored { .. }
            | RaftNote::Committed { .. }
            | RaftNote::Applied { .. } => Kind::Requests,
        },
    }
}

/// True if `event` concerns node `node`: as sender or receiver of a message, as the node
/// a timer or note is about, or as a node an action names. Violations concern everyone.
pub fn involves(event: &Event<RaftNode>, node: NodeId) -> bool {
    match event {
        Event::Sent { from, to, .. }
        | Event::Delivered { from, to, .. }
        | Event::Duplicated { from, to, .. }
        | Event::Lost { from, to, .. } => *from == node || *to == node,
        Event::Timer { node: n, .. } | Event::Note { node: n, .. } => *n == node,
        Event::Action(a) | Event::Refused { action: a, .. } => a.node_ids().contains(&node),
        Event::Violation { .. } => true,
    }
}

/// A message in words: "heartbeat (term 3, commit 4)", "AppendEntries 4–5 (term 3)"…
pub fn message_phrase(m: &RaftSummary) -> String {
    match *m {
        RaftSummary::RequestVote {
            term,
            pre_vote,
            last_log_index,
            last_log_term,
        } => format!(
            "{} for term {term} (last log entry {last_log_index}, term {last_log_term})",
            if pre_vote { "PreVote" } else { "RequestVote" }
        ),
        RaftSummary::Vote {
            term,
            granted,
            pre_vote,
        } => format!(
            "{} {} (term {term})",
            if pre_vote { "pre-vote" } else { "vote" },
            if granted { "granted" } else { "denied" }
        ),
        RaftSummary::AppendEntries {
            term,
            count: 0,
            leader_commit,
            ..
        } => format!("heartbeat (term {term}, commit {leader_commit})"),
        RaftSummary::AppendEntries {
            term,
            first,
            count: 1,
            ..
        } => format!("AppendEntries {first} (term {term})"),
        RaftSummary::AppendEntries {
            term, first, count, ..
        } => format!("AppendEntries {first}–{} (term {term})", first + count - 1),
        RaftSummary::AppendReply {
            term,
            success: true,
            match_index,
            ..
        } => format!("AppendEntries reply: success, match {match_index} (term {term})"),
        RaftSummary::AppendReply {
            term,
            success: false,
            conflict_index,
            ..
        } => format!("AppendEntries reply: rejected, retry from {conflict_index} (term {term})"),
    }
}

/// One line of the list: "S3 timed out and started an election for term 2",
/// "S1 → S4 heartbeat (term 3, commit 4) lost: link cut".
pub fn sentence(event: &Event<RaftNode>) -> String {
    match event {
        Event::Sent { from, to, msg, .. } => {
            format!("S{from} → S{to} {} sent", message_phrase(msg))
        }
        Event::Delivered { from, to, msg, .. } => {
            format!("S{from} → S{to} {} delivered", message_phrase(msg))
        }
        Event::Duplicated {
            from, to, msg, of, ..
        } => format!(
            "S{from} → S{to} {} duplicated by the network (copy of message #{of})",
            message_phrase(msg)
        ),
        Event::Lost {
            from,
            to,
            msg,
            reason,
            ..
        } => format!(
            "S{from} → S{to} {} lost: {}",
            message_phrase(msg),
            reason.words()
        ),
        Event::Action(a) => format!("Action: {a}"),
        Event::Violation { invariant, detail } => {
            format!("{} violated: {detail}", about(invariant).0)
        }
        // The engine's own sentences read well already.
        other => other.to_string(),
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

    let kind_buttons = Kind::FILTERS.iter().map(|&k| {
        let on = shown.has(k);
        let onclick = {
            let shown = shown.clone();
            Callback::from(move |_: MouseEvent| shown.set(shown.toggled(k)))
        };
        html! {
            <button type="button" class={classes!("chip", format!("ev-{}", k.id()))}
                    aria-pressed={on.to_string()} {onclick}>
                <span class="chip-check" aria-hidden="true">{ if on { "✓" } else { "" } }</span>
                { k.label() }
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

    let trace = props.lab.world().trace();
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
                       total={trace.total()} hash={trace.hash()} shown={*shown} node={*node} />
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
    let trace = props.lab.world().trace();
    let recent = trace.recent();
    // The recent window holds every event, but heartbeats soon fill it; the story (no
    // traffic, no timers) reaches further back, so older elections, commits and actions
    // still show after the window has moved on.
    let oldest_recent = recent.front().map_or(u64::MAX, |r| r.seq);
    let older_story: Vec<_> = trace
        .story()
        .iter()
        .filter(|r| r.seq < oldest_recent)
        .collect();
    let matching: Vec<_> = recent
        .iter()
        .rev()
        .chain(older_story.iter().rev().copied())
        .filter(|r| props.shown.has(kind_of(&r.event)))
        .filter(|r| props.node.is_none_or(|n| involves(&r.event, n)))
        .collect();
    let lines = matching.iter().take(MAX_ROWS).map(|r| {
        let kind = kind_of(&r.event);
        html! {
            <li class={classes!("ev", format!("ev-{}", kind.id()))} key={r.seq}>
                <span class="ev-time">{ clock(r.at_ms) }</span>
                <span class="ev-icon" aria-hidden="true" title={kind.label()}>{ kind.icon() }</span>
                <span class="ev-text">{ sentence(&r.event) }</span>
            </li>
        }
    });
    let kept = recent.len() + older_story.len();
    let older_dropped = trace.total() > kept as u64;
    let footer = if matching.len() > MAX_ROWS {
        Some(format!(
            "Showing the newest {MAX_ROWS} of {} matching events.",
            matching.len()
        ))
    } else if older_dropped && !matching.is_empty() {
        Some(
            "Older events are not kept here; drag the timeline back to see earlier ones."
                .to_string(),
        )
    } else {
        None
    };
    let empty = if kept == 0 {
        "Nothing has happened yet.".to_string()
    } else {
        // Heartbeats soon fill the kept window: say so, rather than look broken.
        format!(
            "None of the {kept} events kept matches these filters. Turn on more kinds \
             (Messages, Timers), or drag the timeline back to see earlier moments."
        )
    };
    html! {
        <>
            if matching.is_empty() {
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
    use crate::protocols::raft::Denial;
    use crate::sim::{Action, LossReason};

    fn heartbeat(term: u64, commit: u64) -> RaftSummary {
        RaftSummary::AppendEntries {
            term,
            prev_log_index: 4,
            prev_log_term: 2,
            first: 5,
            count: 0,
            leader_commit: commit,
        }
    }

    #[test]
    fn a_lost_message_says_who_what_and_why() {
        let e = Event::Lost {
            id: 7,
            from: 1,
            to: 4,
            msg: heartbeat(3, 4),
            reason: LossReason::LinkCut,
            progress: 0.5,
        };
        assert_eq!(
            sentence(&e),
            "S1 → S4 heartbeat (term 3, commit 4) lost: link cut"
        );
        assert_eq!(kind_of(&e), Kind::Losses);
    }

    #[test]
    fn notes_keep_the_engines_sentences() {
        let e = Event::Note {
            node: 3,
            note: RaftNote::StartedElection { term: 2 },
        };
        assert_eq!(
            sentence(&e),
            "S3 timed out and started an election for term 2"
        );
        assert_eq!(kind_of(&e), Kind::Elections);
        let vote = Event::Note {
            node: 2,
            note: RaftNote::Voted {
                candidate: 3,
                term: 2,
                pre_vote: false,
                denied: Some(Denial::LogBehind),
            },
        };
        assert_eq!(kind_of(&vote), Kind::Elections);
        let commit = Event::<RaftNode>::Note {
            node: 1,
            note: RaftNote::Committed {
                index: 4,
                by_leader: true,
            },
        };
        assert_eq!(kind_of(&commit), Kind::Requests);
    }

    #[test]
    fn messages_read_as_phrases() {
        assert_eq!(
            message_phrase(&RaftSummary::AppendEntries {
                term: 3,
                prev_log_index: 3,
                prev_log_term: 2,
                first: 4,
                count: 2,
                leader_commit: 3
            }),
            "AppendEntries 4–5 (term 3)"
        );
        assert_eq!(
            message_phrase(&RaftSummary::RequestVote {
                term: 2,
                pre_vote: false,
                last_log_index: 4,
                last_log_term: 1
            }),
            "RequestVote for term 2 (last log entry 4, term 1)"
        );
        assert_eq!(
            message_phrase(&RaftSummary::Vote {
                term: 2,
                granted: false,
                pre_vote: true
            }),
            "pre-vote denied (term 2)"
        );
        assert_eq!(
            message_phrase(&RaftSummary::AppendReply {
                term: 2,
                success: false,
                match_index: 0,
                conflict_index: 3
            }),
            "AppendEntries reply: rejected, retry from 3 (term 2)"
        );
    }

    #[test]
    fn a_violation_names_the_invariant_for_people() {
        let e = Event::<RaftNode>::Violation {
            invariant: "leader_completeness",
            detail: "S5 leads term 5 without entry 2.".into(),
        };
        assert_eq!(
            sentence(&e),
            "Leader Completeness violated: S5 leads term 5 without entry 2."
        );
        // Violations are shown whatever the filters say.
        assert!(Shown(0).has(Kind::Violations));
        assert!(involves(&e, 2));
    }

    #[test]
    fn the_node_filter_keeps_both_ends_of_a_message() {
        let e = Event::<RaftNode>::Delivered {
            id: 1,
            from: 2,
            to: 5,
            msg: heartbeat(1, 0),
        };
        assert!(involves(&e, 2));
        assert!(involves(&e, 5));
        assert!(!involves(&e, 3));
        let cut = Event::<RaftNode>::Action(Action::Cut { from: 1, to: 3 });
        assert!(involves(&cut, 3));
        assert!(!involves(&Event::<RaftNode>::Action(Action::Heal), 3));
    }

    #[test]
    fn traffic_and_timers_start_hidden_and_toggle() {
        let shown = Shown::default();
        assert!(!shown.has(Kind::Messages));
        assert!(!shown.has(Kind::Timers));
        assert!(shown.has(Kind::Elections));
        let shown = shown.toggled(Kind::Messages);
        assert!(shown.has(Kind::Messages));
        assert!(!shown.toggled(Kind::Messages).has(Kind::Messages));
    }

    #[test]
    fn times_line_up_in_seconds() {
        assert_eq!(clock(0), "0.000 s");
        assert_eq!(clock(850), "0.850 s");
        assert_eq!(clock(12_034), "12.034 s");
    }
}
