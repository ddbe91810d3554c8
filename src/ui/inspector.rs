//! The inspector: everything about the selected node, message or link.
//!
//! A node shows its whole Raft state (Figure 2's persistent and volatile state, its
//! timers, and as leader its `next_index`/`match_index`), a message in flight every field
//! of its RPC, a link both of its directions. Nothing is decided here: the buttons send
//! the same actions as the cluster's menus, and the engine accepts or refuses them.

use yew::prelude::*;

use super::lab::{format_ms, Selection};
use super::logs::{short_value, term_class};
use super::state::{LabState, UiAction};
use super::ViewProps;
use crate::protocols::raft::{Entry, RaftMessage, RaftNode, RaftWorld, Role};
use crate::sim::{Action, Event, Host, InFlight, LinkState, MessageId, NodeId, Time};

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

/// Votes in words: "S1, S3: 2 of 5 (needs 3)".
pub fn votes_line(votes: &[NodeId], cluster: u32) -> String {
    let names: Vec<String> = votes.iter().map(|v| format!("S{v}")).collect();
    let who = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    format!(
        "{who}: {} of {cluster} (needs {})",
        votes.len(),
        cluster / 2 + 1
    )
}

/// An entry in words: "term 2, “x1”" or "term 3, no-op".
pub fn entry_words(e: &Entry) -> String {
    match &e.value {
        Some(v) => format!("term {}, “{v}”", e.term),
        None => format!("term {}, no-op", e.term),
    }
}

/// Every field of a Raft message, named as in Figure 2, with its value in words.
pub fn message_fields(m: &RaftMessage) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    match m {
        RaftMessage::RequestVote(r) => vec![
            ("term", r.term.to_string()),
            ("candidateId", format!("S{}", r.candidate_id)),
            ("lastLogIndex", r.last_log_index.to_string()),
            ("lastLogTerm", r.last_log_term.to_string()),
            ("pre-vote", yes_no(r.pre_vote)),
        ],
        RaftMessage::RequestVoteReply(r) => vec![
            ("term", r.term.to_string()),
            ("voteGranted", yes_no(r.vote_granted)),
            ("pre-vote", yes_no(r.pre_vote)),
        ],
        RaftMessage::AppendEntries(a) => vec![
            ("term", a.term.to_string()),
            ("leaderId", format!("S{}", a.leader_id)),
            ("prevLogIndex", a.prev_log_index.to_string()),
            ("prevLogTerm", a.prev_log_term.to_string()),
            (
                "entries",
                match a.entries.len() {
                    0 => "none (a heartbeat)".to_string(),
                    1 => format!("1, at index {}", a.prev_log_index + 1),
                    n => format!(
                        "{n}, at indexes {}–{}",
                        a.prev_log_index + 1,
                        a.prev_log_index + n as u64
                    ),
                },
            ),
            ("leaderCommit", a.leader_commit.to_string()),
        ],
        RaftMessage::AppendEntriesReply(r) => {
            let mut fields = vec![("term", r.term.to_string()), ("success", yes_no(r.success))];
            if r.success {
                fields.push(("match index", r.match_index.to_string()));
            } else {
                fields.push(("conflict index", r.conflict_index.to_string()));
                fields.push((
                    "conflict term",
                    r.conflict_term
                        .map_or("none (the log is shorter)".to_string(), |t| t.to_string()),
                ));
            }
            fields
        }
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
/// redraws only when the log or commit index changes.
#[function_component(NodeInspector)]
fn node_inspector(props: &NodeProps) -> Html {
    let world = props.lab.world();
    let host = world.host(props.id);
    let n = &host.node;
    let id = props.id;
    let now = world.now();
    let role = n.role();
    let act = |a: Action| {
        props
            .on_action
            .reform(move |_: MouseEvent| UiAction::Act(a.clone()))
    };
    let crash_or_restart = if host.up {
        html! { <button type="button" onclick={act(Action::Crash { node: id })}>{ format!("Crash S{id}") }</button> }
    } else {
        html! { <button type="button" onclick={act(Action::Restart { node: id })}>{ format!("Restart S{id}") }</button> }
    };
    let request = Action::Request {
        node: id,
        value: super::next_request_value(&props.lab),
    };

    let voted_for = match n.voted_for() {
        Some(v) if v == id => format!("S{v} (itself)"),
        Some(v) => format!("S{v}"),
        None => "nobody in this term".to_string(),
    };
    let leader = match n.leader_id() {
        Some(l) if l == id => "itself".to_string(),
        Some(l) => format!("S{l}"),
        None => "unknown".to_string(),
    };
    let campaigning = host.up && matches!(role, Role::Candidate | Role::PreCandidate);

    let mut timers: Vec<_> = host.timers.iter().collect();
    timers.sort_by_key(|t| t.due);
    let timers = if !host.up {
        html! { <p class="inspector-note">{ "A crashed node's timers are stopped." }</p> }
    } else if timers.is_empty() {
        html! { <p class="inspector-note">{ "No timer armed." }</p> }
    } else {
        html! {
            <ul class="inspector-timers">
                { for timers.iter().map(|t| html! {
                    <li>{ timer_line(&t.timer.to_string(), t.due, now) }</li>
                }) }
            </ul>
        }
    };

    html! {
        <div class={classes!("inspector-node", format!("role-{}", role.name()), (!host.up).then_some("crashed"))}>
            <h3 class="inspector-title">
                <span class="role-dot" aria-hidden="true"></span>
                { format!("S{id}") }
                <span class="inspector-subtitle">
                    { if host.up { role.to_string() } else { "crashed".to_string() } }
                </span>
            </h3>
            <div class="inspector-actions" role="group" aria-label={format!("Act on S{id}")}>
                { crash_or_restart }
                <button type="button" onclick={act(Action::Timeout { node: id })}
                        title="Make its election timer fire now">{ "Time out" }</button>
                <button type="button" onclick={act(request)}
                        title="A client sends a command to this node">{ "Client request" }</button>
            </div>
            <dl class="inspector-state">
                <dt>{ "Status" }</dt>
                <dd>{ if host.up { "up" } else { "crashed: it keeps its term, vote and log; the rest is lost" } }</dd>
                <dt>{ "Role" }</dt>
                <dd>{ if host.up { role.to_string() } else { "none while crashed (it restarts as a follower)".to_string() } }</dd>
                <dt>{ "Current term" }</dt>
                <dd><span class={classes!("term-badge", term_class(n.current_term()))}>{ n.current_term() }</span></dd>
                <dt>{ "Voted for" }</dt><dd>{ voted_for }</dd>
                <dt>{ "Leader it knows" }</dt><dd>{ leader }</dd>
                if campaigning {
                    <dt>{ if role == Role::PreCandidate { "Pre-votes received" } else { "Votes received" } }</dt>
                    <dd>{ votes_line(&n.votes(), world.size()) }</dd>
                }
                <dt>{ "Commit index" }</dt><dd>{ n.commit_index() }</dd>
                <dt>{ "Last applied" }</dt><dd>{ n.last_applied() }</dd>
            </dl>
            <h4 class="inspector-section">{ "Timers" }</h4>
            { timers }
            if host.up && role == Role::Leader {
                { leader_table(host, world.size()) }
            }
            <NodeLog lab={props.lab.clone()} id={id}
                     last={n.log().last_index()}
                     hash={n.log().prefix_hash(n.log().last_index()).unwrap_or(0)}
                     commit={n.commit_index()} />
        </div>
    }
}

fn leader_table(host: &Host<RaftNode>, size: u32) -> Html {
    let rows = (1..=size).filter(|&p| p != host.id).map(|p| {
        let next = host.node.next_index(p).map_or("–".into(), |v| v.to_string());
        let matched = host.node.match_index(p).map_or("–".into(), |v| v.to_string());
        html! { <tr><th scope="row">{ format!("S{p}") }</th><td>{ next }</td><td>{ matched }</td></tr> }
    });
    html! {
        <>
            <h4 class="inspector-section">{ "Replication (leader state)" }</h4>
            <table class="inspector-table">
                <thead><tr>
                    <th scope="col">{ "Follower" }</th>
                    <th scope="col" title="The next log index to send to it">{ "next index" }</th>
                    <th scope="col" title="The highest index known to be stored on it">{ "match index" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </>
    }
}

#[derive(Properties, Clone)]
struct LogProps {
    lab: LabState,
    id: NodeId,
    last: u64,
    hash: u64,
    commit: u64,
}

impl PartialEq for LogProps {
    /// The log is drawn from the lab, but only these change what it shows.
    fn eq(&self, other: &Self) -> bool {
        (self.id, self.last, self.hash, self.commit)
            == (other.id, other.last, other.hash, other.commit)
    }
}

#[function_component(NodeLog)]
fn node_log(props: &LogProps) -> Html {
    let show_all = use_state(|| false);
    let log = props.lab.world().host(props.id).node.log();
    let entries = log.entries();
    let skip = if *show_all {
        0
    } else {
        entries.len().saturating_sub(LOG_ROWS)
    };
    let rows = entries.iter().enumerate().skip(skip).map(|(i, e)| {
        let index = i as u64 + 1;
        let committed = index <= props.commit;
        let value = e.value_text();
        html! {
            <tr class={classes!(if committed { "committed" } else { "uncommitted" })}>
                <td>{ index }</td>
                <td><span class={classes!("term-badge", term_class(e.term))}>{ e.term }</span></td>
                <td class={classes!("inspector-value", e.value.is_none().then_some("noop"))} title={value.to_string()}>
                    { short_value(value, 24) }
                </td>
                <td>{ if committed { "✓ committed" } else { "… uncommitted" } }</td>
            </tr>
        }
    });
    let toggle = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    html! {
        <>
            <h4 class="inspector-section">
                { format!("Log ({} entr{})", entries.len(), if entries.len() == 1 { "y" } else { "ies" }) }
            </h4>
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
    let Some(m) = world.in_flight().get(&id) else {
        // Say what became of it, if the trace still has it.
        let fate = world
            .trace()
            .recent()
            .iter()
            .rev()
            .find_map(|r| match &r.event {
                Event::Delivered { id: i, to, .. } if *i == id => Some(format!(
                    "It was delivered to S{to} at {}.",
                    format_ms(r.at_ms)
                )),
                Event::Lost { id: i, reason, .. } if *i == id => Some(format!(
                    "It was lost at {}: {}.",
                    format_ms(r.at_ms),
                    reason.words()
                )),
                _ => None,
            });
        return html! {
            <>
                <h3 class="inspector-title">{ format!("Message #{id}") }</h3>
                <p class="inspector-note">
                    { "This message is no longer in flight. " }
                    { fate.unwrap_or_default() }
                </p>
            </>
        };
    };
    message_details(m, world, on_action)
}

fn message_details(
    m: &InFlight<RaftMessage>,
    world: &RaftWorld,
    on_action: &Callback<UiAction>,
) -> Html {
    use crate::sim::Message as _;
    let now = world.now();
    // What the simulator will do with it if nothing changes before it is due (the rule of
    // `World::arrive`): said here so the student is not surprised when it vanishes.
    let doom = if let Some(t) = m.lost_at {
        Some(format!(
            "The network loses it on the way, at {}.",
            format_ms(t)
        ))
    } else if !world.links().is_up(m.from, m.to) {
        Some(format!(
            "The link S{} → S{} is cut: unless it is repaired first, the message is lost.",
            m.from, m.to
        ))
    } else if !world.host(m.to).up {
        Some(format!(
            "S{} is down: unless it restarts first, the message is lost.",
            m.to
        ))
    } else {
        None
    };
    let summary = m.msg.summary();
    let id = m.id;
    let arrives = match m.arrives_at {
        Some(t) if t > now => format!("{} (in {} ms)", format_ms(t), t - now),
        Some(t) => format_ms(t),
        None => "when you deliver it (manual network)".to_string(),
    };
    let fields = message_fields(&m.msg).into_iter().map(|(k, v)| {
        html! { <><dt class="field-name">{ k }</dt><dd>{ v }</dd></> }
    });
    let entries = match &m.msg {
        RaftMessage::AppendEntries(a) if !a.entries.is_empty() => {
            let items = a.entries.iter().enumerate().map(|(i, e)| {
                let index = a.prev_log_index + 1 + i as u64;
                html! {
                    <li>
                        <span class="entry-index">{ index }</span>
                        <span class={classes!("term-badge", term_class(e.term))}>{ e.term }</span>
                        <span class="inspector-value" title={entry_words(e)}>{ short_value(e.value_text(), 24) }</span>
                    </li>
                }
            });
            html! {
                <>
                    <h4 class="inspector-section">{ "Entries carried" }</h4>
                    <ol class="inspector-entries">{ for items }</ol>
                </>
            }
        }
        _ => html! {},
    };
    let deliver =
        on_action.reform(move |_: MouseEvent| UiAction::Act(Action::Deliver { message: id }));
    let drop = on_action.reform(move |_: MouseEvent| UiAction::Act(Action::Drop { message: id }));
    html! {
        <div class={classes!("inspector-message", term_class(m.msg.term()))}>
            <h3 class="inspector-title">
                { summary.kind_name() }
                <span class="inspector-subtitle">{ format!("message #{id}") }</span>
            </h3>
            <div class="inspector-actions" role="group" aria-label={format!("Act on message #{id}")}>
                <button type="button" onclick={deliver}>{ "Deliver now" }</button>
                <button type="button" onclick={drop}>{ "Drop it" }</button>
            </div>
            <dl class="inspector-state">
                <dt>{ "From" }</dt><dd>{ format!("S{}", m.from) }</dd>
                <dt>{ "To" }</dt><dd>{ format!("S{}", m.to) }</dd>
                <dt>{ "Sent at" }</dt><dd>{ format_ms(m.sent_at) }</dd>
                <dt>{ "Arrives at" }</dt><dd>{ arrives }</dd>
                if let Some(doom) = doom {
                    <dt>{ "Fate" }</dt><dd class="inspector-doom">{ doom }</dd>
                }
            </dl>
            <h4 class="inspector-section">{ "Content" }</h4>
            <dl class="inspector-state inspector-fields">{ for fields }</dl>
            { entries }
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
            .in_flight()
            .values()
            .filter(|m| m.from == from && m.to == to)
            .map(|m| {
                use crate::sim::Message as _;
                let id = m.id;
                let select = on_action
                    .reform(move |_: MouseEvent| UiAction::Select(Some(Selection::Message(id))));
                html! {
                    <li>
                        <button type="button" class="link-message" onclick={select}
                                aria-label={format!("Inspect message #{id}: {}", m.msg.summary())}>
                            { m.msg.summary().label() }
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
    use crate::protocols::raft::message::{AppendEntries, AppendEntriesReply, RequestVote};

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
    fn votes_say_how_many_are_needed() {
        assert_eq!(votes_line(&[1, 3], 5), "S1, S3: 2 of 5 (needs 3)");
        assert_eq!(votes_line(&[], 4), "none: 0 of 4 (needs 3)");
    }

    #[test]
    fn a_request_vote_shows_every_field() {
        let m = RaftMessage::RequestVote(RequestVote {
            term: 4,
            candidate_id: 2,
            last_log_index: 7,
            last_log_term: 3,
            pre_vote: false,
        });
        let f = message_fields(&m);
        assert_eq!(f[0], ("term", "4".to_string()));
        assert_eq!(f[1], ("candidateId", "S2".to_string()));
        assert_eq!(f[2], ("lastLogIndex", "7".to_string()));
        assert_eq!(f[3], ("lastLogTerm", "3".to_string()));
    }

    #[test]
    fn append_entries_name_the_indexes_they_carry() {
        let e = Entry {
            term: 2,
            value: Some("x1".into()),
        };
        let m = RaftMessage::AppendEntries(AppendEntries {
            term: 2,
            leader_id: 1,
            prev_log_index: 3,
            prev_log_term: 1,
            entries: vec![e.clone(), e.clone()],
            leader_commit: 3,
        });
        let f = message_fields(&m);
        assert!(
            f.contains(&("entries", "2, at indexes 4–5".to_string())),
            "{f:?}"
        );
        assert_eq!(entry_words(&e), "term 2, “x1”");
        let hb = RaftMessage::AppendEntries(AppendEntries {
            term: 2,
            leader_id: 1,
            prev_log_index: 3,
            prev_log_term: 1,
            entries: vec![],
            leader_commit: 3,
        });
        assert!(message_fields(&hb).contains(&("entries", "none (a heartbeat)".to_string())));
    }

    #[test]
    fn a_rejection_carries_its_conflict_hints() {
        let m = RaftMessage::AppendEntriesReply(AppendEntriesReply {
            term: 3,
            success: false,
            match_index: 0,
            conflict_index: 2,
            conflict_term: None,
        });
        let f = message_fields(&m);
        assert!(f.contains(&("conflict index", "2".to_string())));
        assert!(f.contains(&("conflict term", "none (the log is shorter)".to_string())));
    }
}
