//! The logs: every node's log side by side, one row per node and one column per index,
//! drawn like the logs in the Raft paper's figures.
//!
//! Each entry shows its term (colour and number) and its value. Committed entries are
//! filled; uncommitted ones are hatched with a dashed outline and say so in their title.
//! A bar after each node's committed entries marks its commit index, and the follower
//! rows carry the leader's `next_index` ("n") and `match_index` ("m") for them.
//!
//! The grid re-renders only when a log, a commit index, a role or the leader's progress
//! changes: [`LogsView`] derives a small signature every frame and the grid component
//! compares that instead of the whole lab.

use yew::prelude::*;

use super::lab::Selection;
use super::state::{LabState, UiAction};
use super::ViewProps;
use crate::protocols::raft::{RaftWorld, Role};
use crate::sim::NodeId;

/// How many indexes the grid shows at once. Long logs are windowed to the newest ones,
/// with buttons to page back, so a run of thousands of entries stays cheap to draw.
pub const WINDOW: u64 = 40;
/// How many characters of a value fit in a cell; the full text is in the cell's title.
pub const VALUE_CHARS: usize = 5;

/// The class that colours something by term: `term-0` … `term-7` (terms cycle through
/// eight colours; the number is always written too).
pub fn term_class(term: u64) -> String {
    format!("term-{}", term % 8)
}

/// The indexes to show, as `(first, last)` inclusive (`first > last` when there are none).
///
/// `len` is the longest log's length. With `start` unset the window follows the newest
/// `size` indexes; with `start` set (the user paged back) it stays where it was put,
/// clamped to the log.
pub fn window(len: u64, start: Option<u64>, size: u64) -> (u64, u64) {
    let size = size.max(1);
    match start {
        None => (len.saturating_sub(size) + 1, len),
        Some(s) => {
            let first = s.clamp(1, len.max(1));
            (first, len.min(first + size - 1))
        }
    }
}

/// Where "Earlier" moves a window that starts at `first`.
pub fn earlier(first: u64, size: u64) -> Option<u64> {
    Some(first.saturating_sub(size).max(1))
}

/// Where "Later" moves a window that starts at `first`: `None` (follow the newest again)
/// once the next page reaches the end of the log.
pub fn later(first: u64, len: u64, size: u64) -> Option<u64> {
    let next = first + size;
    (next + size <= len).then_some(next)
}

/// `text` cut to `max` characters, with "…" standing for the rest.
pub fn short_value(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The leader whose replication progress is shown: the running leader of the highest
/// term (after a partition two nodes may both believe they lead).
pub fn shown_leader(world: &RaftWorld) -> Option<NodeId> {
    world
        .hosts()
        .iter()
        .filter(|h| h.up && h.node.role() == Role::Leader)
        .max_by_key(|h| h.node.current_term())
        .map(|h| h.id)
}

/// What one row depends on. Two equal signatures draw the same row.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RowSig {
    up: bool,
    role: Role,
    term: u64,
    last_index: u64,
    /// The hash of the whole log: catches a log rewritten to the same length.
    log_hash: u64,
    commit_index: u64,
    next_index: Option<u64>,
    match_index: Option<u64>,
}

/// What the whole grid depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
struct GridSig {
    rows: Vec<RowSig>,
    leader: Option<NodeId>,
    selected: Option<NodeId>,
}

fn grid_sig(lab: &LabState) -> GridSig {
    let world = lab.world();
    let leader = shown_leader(world);
    let rows = world
        .hosts()
        .iter()
        .map(|h| {
            let n = &h.node;
            let progress = leader.map(|l| world.host(l));
            RowSig {
                up: h.up,
                role: n.role(),
                term: n.current_term(),
                last_index: n.log().last_index(),
                log_hash: n.log().prefix_hash(n.log().last_index()).unwrap_or(0),
                commit_index: n.commit_index(),
                next_index: progress.and_then(|l| l.node.next_index(h.id)),
                match_index: progress.and_then(|l| l.node.match_index(h.id)),
            }
        })
        .collect();
    let selected = match lab.selected() {
        Some(Selection::Node(id)) => Some(id),
        _ => None,
    };
    GridSig {
        rows,
        leader,
        selected,
    }
}

/// The Logs tab.
#[function_component(LogsView)]
pub fn logs_view(props: &ViewProps) -> Html {
    // `None`: follow the newest entries. `Some(i)`: the user paged back to index `i`.
    let start = use_state(|| None::<u64>);
    let sig = grid_sig(&props.lab);
    // One column past the longest log when the leader's next index points there, so the
    // "n" markers of caught-up followers are visible too.
    let len = sig
        .rows
        .iter()
        .map(|r| r.last_index.max(r.next_index.unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let (first, last) = window(len, *start, WINDOW);

    let pager = (len > WINDOW).then(|| {
        let go_earlier = {
            let start = start.clone();
            Callback::from(move |_: MouseEvent| start.set(earlier(first, WINDOW)))
        };
        let go_later = {
            let start = start.clone();
            Callback::from(move |_: MouseEvent| start.set(later(first, len, WINDOW)))
        };
        let go_newest = {
            let start = start.clone();
            Callback::from(move |_: MouseEvent| start.set(None))
        };
        html! {
            <div class="logs-pager">
                <span class="logs-range">{ format!("Indexes {first}–{last}") }</span>
                <button type="button" disabled={first <= 1} onclick={go_earlier}
                        aria-label={format!("Show {WINDOW} earlier indexes")}>{ "← Earlier" }</button>
                <button type="button" disabled={last >= len} onclick={go_later}
                        aria-label={format!("Show {WINDOW} later indexes")}>{ "Later →" }</button>
                if start.is_some() {
                    <button type="button" onclick={go_newest}>{ "Newest" }</button>
                }
            </div>
        }
    });

    html! {
        <section class="logs" aria-label="Logs">
            { for pager }
            <LogsGrid lab={props.lab.clone()} on_action={props.on_action.clone()}
                      sig={sig.clone()} {first} {last} follow={start.is_none()} />
            <p class="logs-legend">
                <span class="legend-item"><span class="legend-swatch swatch-committed" aria-hidden="true"></span>{ "committed" }</span>
                <span class="legend-item"><span class="legend-swatch swatch-uncommitted" aria-hidden="true"></span>{ "not yet committed" }</span>
                <span class="legend-item"><span class="legend-swatch swatch-commit" aria-hidden="true"></span>{ "commit index" }</span>
                <span class="legend-item"><span class="mk mk-next" aria-hidden="true">{ "n" }</span>{ "next" }</span>
                <span class="legend-item"><span class="mk mk-match" aria-hidden="true">{ "m" }</span>{ "match" }</span>
            </p>
            <LeaderProgress lab={props.lab.clone()} on_action={props.on_action.clone()} sig={sig} />
        </section>
    }
}

#[derive(Properties, Clone)]
struct GridProps {
    lab: LabState,
    on_action: Callback<UiAction>,
    sig: GridSig,
    first: u64,
    last: u64,
    follow: bool,
}

impl PartialEq for GridProps {
    /// Only what is drawn counts. The lab changes every frame, and the callback is made
    /// anew with it, but it always reaches the same reducer, so neither is compared.
    fn eq(&self, other: &Self) -> bool {
        (&self.sig, self.first, self.last, self.follow)
            == (&other.sig, other.first, other.last, other.follow)
    }
}

#[function_component(LogsGrid)]
fn logs_grid(props: &GridProps) -> Html {
    let scroller = use_node_ref();
    // While following the newest entries, keep the end of the logs in view as they grow.
    {
        let scroller = scroller.clone();
        use_effect_with((props.last, props.follow), move |(_, follow)| {
            if *follow {
                if let Some(el) = scroller.cast::<web_sys::Element>() {
                    el.set_scroll_left(el.scroll_width());
                }
            }
        });
    }
    let world = props.lab.world();
    let indexes = props.first..=props.last;
    let columns = indexes
        .clone()
        .map(|i| html! { <th scope="col" class="log-index">{ i }</th> });
    let rows = world.hosts().iter().zip(&props.sig.rows).map(|(host, sig)| {
        let id = host.id;
        let log = host.node.log();
        let selected = props.sig.selected == Some(id);
        let select = props
            .on_action
            .reform(move |_: MouseEvent| UiAction::Select(Some(Selection::Node(id))));
        let status = if sig.up {
            sig.role.to_string()
        } else {
            "crashed".to_string()
        };
        let cells = indexes.clone().map(|i| {
            let at_commit = i == sig.commit_index;
            let next = sig.next_index == Some(i);
            let matched = sig.match_index == Some(i);
            let marks = html! {
                <span class="log-marks" aria-hidden="true">
                    if matched { <span class="mk mk-match">{ "m" }</span> }
                    if next { <span class="mk mk-next">{ "n" }</span> }
                </span>
            };
            let mut title = format!("S{id}, index {i}");
            match log.get(i) {
                Some(entry) => {
                    let committed = i <= sig.commit_index;
                    let value = entry.value_text();
                    title.push_str(&format!(
                        ": term {}, {}, {}",
                        entry.term,
                        if entry.value.is_some() {
                            format!("“{value}”")
                        } else {
                            "a no-op".to_string()
                        },
                        if committed { "committed" } else { "uncommitted" }
                    ));
                    add_marker_words(&mut title, at_commit, next, matched);
                    html! {
                        <td class={classes!("log-cell", at_commit.then_some("at-commit"))} title={title}>
                            <span class={classes!(
                                "log-entry",
                                term_class(entry.term),
                                if committed { "committed" } else { "uncommitted" },
                                entry.value.is_none().then_some("noop"),
                            )}>
                                <span class="entry-term">{ entry.term }</span>
                                <span class="entry-value">{ short_value(value, VALUE_CHARS) }</span>
                            </span>
                            { marks }
                        </td>
                    }
                }
                None => {
                    title.push_str(": empty");
                    add_marker_words(&mut title, at_commit, next, matched);
                    html! {
                        <td class={classes!("log-cell", "log-gap", at_commit.then_some("at-commit"))} title={title}>
                            <span class="log-entry empty"></span>
                            { marks }
                        </td>
                    }
                }
            }
        });
        let none = (props.first > props.last).then(|| {
            html! { <td class="log-none">{ if log.last_index() == 0 { "empty log" } else { "" } }</td> }
        });
        html! {
            <tr class={classes!(
                "log-row",
                format!("role-{}", sig.role.name()),
                (!sig.up).then_some("crashed"),
                selected.then_some("is-selected"),
            )}>
                <th scope="row" class="log-node">
                    <button type="button" class="log-node-button" onclick={select}
                            aria-pressed={selected.to_string()}
                            aria-label={format!("Select S{id} ({status})")}>
                        { format!("S{id}") }
                    </button>
                    <span class="log-node-role">{ status }</span>
                    if sig.commit_index > sig.last_index {
                        <span class="log-node-commit past-end"
                              title={format!("The commit index ({}) is past the end of this log ({} entries).", sig.commit_index, sig.last_index)}>
                            <span aria-hidden="true">{ "⚠ " }</span>
                            { format!("commit {}", sig.commit_index) }
                            <span class="qv-sr-only">{ format!(", past the end of its log ({} entries)", sig.last_index) }</span>
                        </span>
                    } else {
                        <span class="log-node-commit">{ format!("commit {}", sig.commit_index) }</span>
                    }
                </th>
                { for cells }
                { for none }
            </tr>
        }
    });
    html! {
        <div class="logs-scroll" ref={scroller} tabindex="0" role="region"
             aria-label="Log entries, one row per node">
            <table class="logs-grid">
                <thead>
                    <tr>
                        <th scope="col" class="log-corner">
                            <span class="qv-sr-only">{ "Node" }</span>
                            <span aria-hidden="true">{ "index" }</span>
                        </th>
                        { for columns }
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

fn add_marker_words(title: &mut String, at_commit: bool, next: bool, matched: bool) {
    if at_commit {
        title.push_str("; commit index");
    }
    if matched {
        title.push_str("; leader's match index");
    }
    if next {
        title.push_str("; leader's next index");
    }
}

#[derive(Properties, Clone)]
struct ProgressProps {
    lab: LabState,
    on_action: Callback<UiAction>,
    sig: GridSig,
}

impl PartialEq for ProgressProps {
    /// As for the grid: only the signature is drawn from.
    fn eq(&self, other: &Self) -> bool {
        self.sig == other.sig
    }
}

/// The leader's `next_index` and `match_index` for each follower, as a small table.
#[function_component(LeaderProgress)]
fn leader_progress(props: &ProgressProps) -> Html {
    let Some(leader) = props.sig.leader else {
        return html! {
            <p class="logs-progress-empty">
                { "No leader right now. Once one is elected, its next and match index for each follower appear here." }
            </p>
        };
    };
    let term = props
        .sig
        .rows
        .get((leader - 1) as usize)
        .map_or(0, |r| r.term);
    if props.sig.rows.len() < 2 {
        return html! {
            <p class="logs-progress-empty">
                { "A single node is its own majority: it commits its entries alone." }
            </p>
        };
    }
    let rows = props
        .lab
        .world()
        .hosts()
        .iter()
        .zip(&props.sig.rows)
        .filter(|(h, _)| h.id != leader)
        .map(|(h, r)| {
            let next = r.next_index.map_or("–".to_string(), |v| v.to_string());
            let matched = r.match_index.map_or("–".to_string(), |v| v.to_string());
            html! {
                <tr class={classes!((!r.up).then_some("crashed"))}>
                    <th scope="row">{ format!("S{}", h.id) }
                        if !r.up { <span class="progress-down">{ " (crashed)" }</span> }
                    </th>
                    <td>{ next }</td>
                    <td>{ matched }</td>
                    <td>{ r.last_index }</td>
                </tr>
            }
        });
    html! {
        <table class="logs-progress">
            <caption>{ format!("Leader S{leader} (term {term}) replicating to its followers") }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Follower" }</th>
                    <th scope="col" title="The next index the leader will send to this follower">{ "next" }</th>
                    <th scope="col" title="The highest index the leader knows this follower stores">{ "match" }</th>
                    <th scope="col" title="The follower's own last log index">{ "log length" }</th>
                </tr>
            </thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_log_is_shown_whole() {
        assert_eq!(window(7, None, 40), (1, 7));
        assert_eq!(window(40, None, 40), (1, 40));
    }

    #[test]
    fn an_empty_log_shows_no_index() {
        let (first, last) = window(0, None, 40);
        assert!(first > last);
        let (first, last) = window(0, Some(5), 40);
        assert!(first > last, "{first}..{last}");
    }

    #[test]
    fn a_long_log_follows_its_newest_entries() {
        assert_eq!(window(100, None, 40), (61, 100));
    }

    #[test]
    fn paging_back_and_forth_stays_inside_the_log() {
        assert_eq!(earlier(61, 40), Some(21));
        assert_eq!(earlier(21, 40), Some(1));
        assert_eq!(window(100, Some(1), 40), (1, 40));
        assert_eq!(later(1, 100, 40), Some(41));
        assert_eq!(window(100, Some(41), 40), (41, 80));
        // The page after 41–80 would reach the end: follow the newest again.
        assert_eq!(later(41, 100, 40), None);
    }

    #[test]
    fn a_window_past_a_shortened_log_is_clamped() {
        // The user paged to 81 and then seeked back to when the log was 30 long.
        assert_eq!(window(30, Some(81), 40), (30, 30));
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        assert_eq!(short_value("x1", 5), "x1");
        assert_eq!(short_value("no-op", 5), "no-op");
        assert_eq!(short_value("banana", 5), "bana…");
        assert_eq!(short_value("ééééééé", 3), "éé…");
    }

    #[test]
    fn term_classes_cycle_through_eight_colours() {
        assert_eq!(term_class(0), "term-0");
        assert_eq!(term_class(3), "term-3");
        assert_eq!(term_class(11), "term-3");
    }
}
