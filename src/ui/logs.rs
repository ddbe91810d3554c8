//! A protocol's panels: a log grid (every node's log side by side, one row per node and
//! one column per index, drawn like the logs in the papers' figures) or a table.
//!
//! Each entry shows its term (colour and number) and its value. Settled (committed,
//! chosen) entries are filled; the others are hatched with a dashed outline and say so in
//! their title. A bar after each node's settled entries marks where they end, and rows
//! carry the protocol's markers (Raft: the leader's `next_index` "n" and `match_index` "m").
//!
//! A panel re-renders only when its protocol's signature of it changes, not every frame.

use yew::prelude::*;

use super::lab::Selection;
use super::state::{LabState, UiAction};
use crate::protocols::view::{GridRow, LogGrid, PanelView, Section, TableView};

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

/// Props of [`PanelBody`].
#[derive(Properties, Clone, PartialEq)]
pub struct PanelProps {
    /// The run.
    pub lab: LabState,
    /// Where intents go.
    pub on_action: Callback<UiAction>,
    /// Which of the protocol's panels.
    pub id: &'static str,
}

/// One of the protocol's panels.
#[function_component(PanelBody)]
pub fn panel_body(props: &PanelProps) -> Html {
    // `None`: follow the newest entries. `Some(i)`: the user paged back to index `i`.
    let start = use_state(|| None::<u64>);
    let world = props.lab.world();
    let len = world.panel_extent(props.id);
    let (first, last) = window(len, *start, WINDOW);
    let selected = match props.lab.selected() {
        Some(Selection::Node(id)) => Some(id),
        _ => None,
    };
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
        <section class="logs" aria-label={props.id}>
            { for pager }
            <PanelContent lab={props.lab.clone()} on_action={props.on_action.clone()} id={props.id}
                          signature={world.panel_signature(props.id)} {first} {last}
                          follow={start.is_none()} {selected} />
        </section>
    }
}

#[derive(Properties, Clone)]
struct ContentProps {
    lab: LabState,
    on_action: Callback<UiAction>,
    id: &'static str,
    signature: u64,
    first: u64,
    last: u64,
    follow: bool,
    selected: Option<u32>,
}

impl PartialEq for ContentProps {
    /// Only what is drawn counts. The lab changes every frame, and the callback is made
    /// anew with it, but it always reaches the same reducer, so neither is compared.
    fn eq(&self, other: &Self) -> bool {
        (
            self.id,
            self.signature,
            self.first,
            self.last,
            self.follow,
            self.selected,
        ) == (
            other.id,
            other.signature,
            other.first,
            other.last,
            other.follow,
            other.selected,
        )
    }
}

#[function_component(PanelContent)]
fn panel_content(props: &ContentProps) -> Html {
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
    match props.lab.world().panel(props.id, props.first, props.last) {
        Some(PanelView::Grid(grid)) => grid_view(props, &grid, scroller),
        Some(PanelView::Table(t)) => panel_table(&t),
        None => html! {},
    }
}

fn grid_view(props: &ContentProps, grid: &LogGrid, scroller: NodeRef) -> Html {
    let indexes = props.first..=props.last;
    let columns = indexes
        .clone()
        .map(|i| html! { <th scope="col" class="log-index">{ i }</th> });
    let rows = grid.rows.iter().map(|row| grid_row(props, grid, row));
    let key = grid.key.iter().map(|(letter, meaning)| {
        html! {
            <span class="legend-item"><span class={classes!("mk", format!("mk-{letter}"))} aria-hidden="true">{ *letter }</span>{ *meaning }</span>
        }
    });
    html! {
        <>
            <div class="logs-scroll" ref={scroller} tabindex="0" role="region"
                 aria-label="Log entries, one row per node">
                <table class="logs-grid">
                    <thead>
                        <tr>
                            <th scope="col" class="log-corner">
                                <span class="qv-sr-only">{ "Node" }</span>
                                <span aria-hidden="true">{ grid.index_name }</span>
                            </th>
                            { for columns }
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="logs-legend">
                <span class="legend-item"><span class="legend-swatch swatch-committed" aria-hidden="true"></span>{ grid.words.0 }</span>
                <span class="legend-item"><span class="legend-swatch swatch-uncommitted" aria-hidden="true"></span>{ grid.words.1 }</span>
                <span class="legend-item"><span class="legend-swatch swatch-commit" aria-hidden="true"></span>{ grid.settled_mark }</span>
                { for key }
            </p>
            { below(grid) }
        </>
    }
}

fn grid_row(props: &ContentProps, grid: &LogGrid, row: &GridRow) -> Html {
    let id = row.node;
    let selected = props.selected == Some(id);
    let select = props
        .on_action
        .reform(move |_: MouseEvent| UiAction::Select(Some(Selection::Node(id))));
    let settled_upto = row.settled_upto;
    let cells = (props.first..=props.last).map(|i| {
        let at_mark = i == settled_upto;
        let here: Vec<&(u64, &'static str, String)> =
            row.marks.iter().filter(|(at, _, _)| *at == i).collect();
        let marks = html! {
            <span class="log-marks" aria-hidden="true">
                { for here.iter().map(|(_, letter, _)| html! {
                    <span class={classes!("mk", format!("mk-{letter}"))}>{ *letter }</span>
                }) }
            </span>
        };
        let mut title = format!("S{id}, {} {i}", grid.index_name);
        let words = |title: &mut String| {
            if at_mark {
                title.push_str(&format!("; {}", grid.settled_mark));
            }
            for (_, _, meaning) in &here {
                title.push_str(&format!("; {meaning}"));
            }
        };
        match row.entries.iter().find(|e| e.index == i) {
            Some(entry) => {
                title.push_str(&format!(
                    ": {}, {}",
                    super::inspector::entry_words(entry),
                    if entry.settled { grid.words.0 } else { grid.words.1 }
                ));
                words(&mut title);
                html! {
                    <td class={classes!("log-cell", at_mark.then_some("at-commit"))} title={title}>
                        <span class={classes!(
                            "log-entry",
                            entry.term.map(term_class),
                            if entry.settled { "committed" } else { "uncommitted" },
                            entry.noop.then_some("noop"),
                        )}>
                            if let Some(t) = entry.term { <span class="entry-term">{ t }</span> }
                            <span class="entry-value">{ short_value(&entry.value, VALUE_CHARS) }</span>
                        </span>
                        { marks }
                    </td>
                }
            }
            None => {
                title.push_str(": empty");
                words(&mut title);
                html! {
                    <td class={classes!("log-cell", "log-gap", at_mark.then_some("at-commit"))} title={title}>
                        <span class="log-entry empty"></span>
                        { marks }
                    </td>
                }
            }
        }
    });
    let none = (props.first > props.last).then(|| {
        html! { <td class="log-none">{ if row.len == 0 { "empty log" } else { "" } }</td> }
    });
    let settled_word = grid.settled_mark.split(' ').next().unwrap_or_default();
    html! {
        <tr class={classes!(
            "log-row",
            row.tone.class(),
            (!row.up).then_some("crashed"),
            selected.then_some("is-selected"),
        )}>
            <th scope="row" class="log-node">
                <button type="button" class="log-node-button" onclick={select}
                        aria-pressed={selected.to_string()}
                        aria-label={format!("Select S{id} ({})", row.role)}>
                    { format!("S{id}") }
                </button>
                <span class="log-node-role">{ row.role }</span>
                if row.settled_upto > row.len {
                    <span class="log-node-commit past-end"
                          title={format!("The {} ({}) is past the end of this log ({} entries).", grid.settled_mark, row.settled_upto, row.len)}>
                        <span aria-hidden="true">{ "⚠ " }</span>
                        { format!("{settled_word} {}", row.settled_upto) }
                        <span class="qv-sr-only">{ format!(", past the end of its log ({} entries)", row.len) }</span>
                    </span>
                } else {
                    <span class="log-node-commit">{ format!("{settled_word} {}", row.settled_upto) }</span>
                }
            </th>
            { for cells }
            { for none }
        </tr>
    }
}

/// What the grid shows below itself (the leader's progress, or why there is none).
fn below(grid: &LogGrid) -> Html {
    match &grid.below {
        Section::Table(t) => html! {
            <table class="logs-progress">
                <caption>{ grid.caption.clone().unwrap_or_else(|| t.title.to_string()) }</caption>
                { table_body(t) }
            </table>
        },
        Section::Note(text) => html! { <p class="logs-progress-empty">{ text }</p> },
        _ => html! {},
    }
}

fn table_body(t: &TableView) -> Html {
    html! {
        <>
            <thead>
                <tr>
                    { for t.columns.iter().map(|(name, about)| html! { <th scope="col" title={*about}>{ *name }</th> }) }
                </tr>
            </thead>
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
        </>
    }
}

/// A panel that is a table (one row per node).
fn panel_table(t: &TableView) -> Html {
    html! {
        <div class="logs-scroll" tabindex="0" role="region" aria-label={t.title}>
            <table class="logs-progress panel-table">
                <caption>{ t.title }</caption>
                { table_body(t) }
            </table>
        </div>
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
