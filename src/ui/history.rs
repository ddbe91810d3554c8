//! The History tab, for protocols that serve clients: the run's client operations on a
//! time axis, in the style of Porcupine's and Jepsen's timelines. One row per client,
//! each operation a bar from its invocation to its completion (an outstanding one open to
//! the cursor), labelled with what it did and how it ended; the script's faults (crashes,
//! partitions, cut links) in lanes above, on the same axis; the shared cursor; and, when a
//! checked consistency model broke, its counterexample highlighted with a button to the
//! moment it became impossible.
//!
//! A history can hold tens of thousands of operations, so the chart draws only those in
//! its window (found by binary search, see [`model::visible`]) and is rebuilt only when
//! the history, the window or the selection changes; the cursor is a layer of its own.

pub mod model;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use self::model::{Drawn, Fault, FaultKind, Window, DEFAULT_SPAN_MS, MIN_SPAN_MS};
use super::cluster::size::use_element_size;
use super::consistency::broken_at;
use super::invariants::jump_target;
use super::lab::format_ms;
use super::state::UiAction;
use super::ViewProps;
use crate::check::live::Broken;
use crate::check::{catalog, explain, Operation};
use crate::sim::Time;

/// A bar is labelled when it is at least this many CSS pixels wide.
pub const LABEL_MIN_PX: f64 = 30.0;
/// The row labels' column and the chart's padding, in CSS pixels (see views.css).
const CHART_CHROME_PX: u32 = 52;

/// At most this many fault lanes of each kind (overlapping faults beyond share the last).
pub const FAULT_LANES: usize = 3;

/// How the user has placed the window: following the cursor, or parked at a start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    span: Time,
    /// `None`: follow the cursor.
    start: Option<Time>,
}

/// The History tab.
#[function_component(HistoryView)]
pub fn history_view(props: &ViewProps) -> Html {
    let place = use_state(|| Place {
        span: DEFAULT_SPAN_MS,
        start: None,
    });
    let selected = use_state(|| None::<usize>);
    // The chart's width decides which bars have room for a label.
    let chart_ref = use_node_ref();
    let (chart_px, _) = use_element_size(chart_ref.clone());
    let track_px = chart_px.saturating_sub(CHART_CHROME_PX).max(1);
    let world = props.lab.world();
    let history = world.history();
    let now = world.now();
    let frontier = props.lab.frontier_ms().max(now);
    let window = match place.start {
        None => model::following(now, place.span),
        Some(start) => Window {
            start,
            end: start + place.span,
        },
    };
    // The bars of outstanding operations reach the cursor; quantized to a 200th of the
    // window (about 3 px), so the bars are not rebuilt on every frame while time runs.
    let step = (window.span() / 200).max(1);
    let bars_now = now.div_ceil(step) * step;
    let longest = world.client_settings().timeout_ms.saturating_add(1);

    // The faults are rebuilt only when the script grows or time passes one of its
    // actions (or goes back before one); the script is read in place, not copied.
    let faults_cache = use_mut_ref(|| ((usize::MAX, usize::MAX), Rc::new(Vec::new())));
    let faults = {
        let script = world.script();
        let key = (script.len(), script.partition_point(|e| e.at_ms <= now));
        let mut cache = faults_cache.borrow_mut();
        if cache.0 != key {
            *cache = (key, Rc::new(model::faults(script, now)));
        }
        cache.1.clone()
    };
    let broken = broken_at(world);
    let culprits = use_memo(world.broken_models().to_vec(), |broken: &Vec<Broken>| {
        model::culprits(broken)
    });

    let set_place = |p: Place| {
        let place = place.clone();
        Callback::from(move |_: MouseEvent| place.set(p))
    };
    let half = place.span / 2;
    let earlier = set_place(Place {
        start: Some(window.start.saturating_sub(half)),
        ..*place
    });
    let later = {
        let start = window.start + half;
        // Once the window would reach the cursor, it follows it again.
        let start = (start + place.span <= now).then_some(start);
        set_place(Place { start, ..*place })
    };
    let follow = set_place(Place {
        start: None,
        ..*place
    });
    let zoom = |span: Time| {
        let center = (window.start + window.end) / 2;
        let start = place.start.map(|_| center.saturating_sub(span / 2));
        set_place(Place { span, start })
    };
    let zoom_in = zoom((place.span / 2).max(MIN_SPAN_MS));
    let max_span = frontier.max(DEFAULT_SPAN_MS);
    let zoom_out = zoom((place.span * 2).min(max_span.next_power_of_two()));
    let all = set_place(Place {
        span: max_span,
        start: Some(0),
    });
    let following = place.start.is_none();

    let on_select = {
        let selected = selected.clone();
        Callback::from(move |i: usize| selected.set(Some(i)))
    };
    let banners = broken
        .iter()
        .map(|(b, at)| broken_banner(b, *at, &props.on_action));
    let details = selected
        .and_then(|i| history.get(i).map(|op| (i, op)))
        .map(|(i, op)| op_details(i, op, culprits.contains(&i), &props.on_action));
    let cursor = window.fraction(now) * 100.0;
    let cursor_shown = (window.start..=window.end).contains(&now);

    html! {
        <section class="history" aria-label="History">
            <div class="history-tools" role="toolbar" aria-label="History window">
                <button type="button" onclick={earlier} disabled={window.start == 0}
                        aria-label="Show earlier operations">{ "← Earlier" }</button>
                <button type="button" onclick={later} disabled={following}
                        aria-label="Show later operations">{ "Later →" }</button>
                <button type="button" onclick={follow} aria-pressed={following.to_string()}
                        title="Keep the window on the cursor">{ "Follow" }</button>
                <button type="button" onclick={zoom_in} disabled={place.span <= MIN_SPAN_MS}
                        aria-label="Zoom in">{ "+" }</button>
                <button type="button" onclick={zoom_out} disabled={place.span >= max_span}
                        aria-label="Zoom out">{ "−" }</button>
                <button type="button" onclick={all} title="Show the whole run">{ "All" }</button>
                <span class="history-range">
                    { format!("{} – {}", format_ms(window.start), format_ms(window.end)) }
                </span>
            </div>
            { for banners }
            <div class="history-chart" ref={chart_ref}>
                if history.is_empty() {
                    <p class="history-empty">
                        { "No client operations yet. Send one from a node's menu (Write…, Read…), \
                           or switch on a workload in Settings → Clients." }
                    </p>
                } else {
                    <HistoryChart drawn={Rc::new(Drawn::of(&history, window, bars_now, longest))}
                                  {window} now={bars_now}
                                  faults={faults.clone()} {track_px}
                                  culprits={culprits.clone()} selected={*selected} {on_select} />
                    if cursor_shown {
                        <div class="history-overlay" aria-hidden="true">
                            <div class="history-cursor" style={format!("left:{cursor:.3}%")} />
                        </div>
                    }
                }
            </div>
            if !history.is_empty() {
                { legend() }
            }
            { for details }
        </section>
    }
}

/// A broken model above the chart: what broke, when, why, and the way to that moment.
fn broken_banner(b: &Broken, at: Option<Time>, on_action: &Callback<UiAction>) -> Html {
    let title = catalog::model(b.model).map_or(b.model, |m| m.title);
    let when = at
        .map(|t| format!(" at {}", format_ms(t)))
        .unwrap_or_default();
    let jump = at.map(|t| {
        let onclick = on_action.reform(move |_: MouseEvent| UiAction::Seek(jump_target(t)));
        html! {
            <button type="button" class="inv-jump" {onclick}
                    aria-label={format!("Jump to the moment {title} became impossible, {}", format_ms(t))}>
                { "Jump to the moment it became impossible" }
            </button>
        }
    });
    html! {
        <div class="history-broken" role="note">
            <p class="history-broken-title">
                <span aria-hidden="true">{ "✕ " }</span>
                { format!("{title} broken{when}") }
                <span class="history-broken-hint">{ " · the operations involved are marked !" }</span>
            </p>
            <p class="history-broken-why" title={b.detail()}>{ b.detail() }</p>
            { for jump }
        </div>
    }
}

/// The key to the bars' patterns, in words.
fn legend() -> Html {
    html! {
        <p class="history-legend">
            <span class="hop-key hop-ok">{ "ok" }</span>
            <span class="hop-key hop-fail">{ "fail (did not happen)" }</span>
            <span class="hop-key hop-info">{ "? unknown (timed out)" }</span>
            <span class="hop-key hop-pending">{ "… pending" }</span>
            <span class="hop-key hop-culprit">{ "! in a counterexample" }</span>
        </p>
    }
}

/// Everything about one operation, under the chart.
fn op_details(i: usize, op: &Operation, culprit: bool, on_action: &Callback<UiAction>) -> Html {
    let invoke = op.invoke;
    let go = on_action.reform(move |_: MouseEvent| UiAction::Seek(invoke));
    let complete = match op.complete {
        Some(c) => format!("{} (took {} ms)", format_ms(c), c.saturating_sub(op.invoke)),
        None => "not yet".to_string(),
    };
    let node = op.node.map_or("–".to_string(), |n| format!("S{n}"));
    html! {
        <div class="history-details" aria-label={format!("Operation {i}")} role="region">
            <h3 class="history-details-title">{ format!("Op {i}: {}", model::bar_label(op)) }</h3>
            <p class="history-details-text">{ capitalize(&explain::describe(op)) }{ "." }</p>
            <dl class="menu-facts">
                <dt>{ "Client" }</dt><dd>{ format!("C{}", op.client) }</dd>
                <dt>{ "Node" }</dt><dd>{ node }</dd>
                <dt>{ "Invoked" }</dt><dd>{ format_ms(op.invoke) }</dd>
                <dt>{ "Completed" }</dt><dd>{ complete }</dd>
                <dt>{ "Result" }</dt><dd>{ model::outcome_word(op) }</dd>
            </dl>
            if let Some(line) = model::invoke_sentence(i, op) {
                <p class="history-details-trace"><span class="menu-label">{ "Trace: " }</span><code>{ line }</code></p>
            }
            if culprit {
                <p class="history-details-culprit">
                    <span aria-hidden="true">{ "! " }</span>
                    { "Part of the counterexample of a broken model." }
                </p>
            }
            <button type="button" onclick={go}>{ "Go to its invocation" }</button>
        </div>
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// Properties of [`HistoryChart`].
#[derive(Properties, Clone)]
pub struct ChartProps {
    /// The window's operations (see [`Drawn`]).
    pub drawn: Rc<Drawn>,
    /// The time span drawn.
    pub window: Window,
    /// Where outstanding operations end (the cursor, quantized).
    pub now: Time,
    /// The faults on the axis.
    pub faults: Rc<Vec<Fault>>,
    /// Operations named by a counterexample.
    pub culprits: Rc<Vec<usize>>,
    /// The time track's width in CSS pixels (which bars have room for a label).
    #[prop_or(600)]
    pub track_px: u32,
    /// The operation whose details are open.
    pub selected: Option<usize>,
    /// An operation was clicked (or chosen with Enter).
    pub on_select: Callback<usize>,
}

impl PartialEq for ChartProps {
    /// What is drawn, not the callback (made anew every render). The drawn operations
    /// are compared by content: a few hundred at most, and the chart redraws only when
    /// what it shows changed.
    fn eq(&self, other: &Self) -> bool {
        self.drawn == other.drawn
            && self.window == other.window
            && self.now == other.now
            && self.faults == other.faults
            && self.culprits == other.culprits
            && self.track_px == other.track_px
            && self.selected == other.selected
    }
}

/// A "nice" tick interval (1, 2 or 5 × 10ⁿ ms) giving about five ticks over `span`.
pub fn tick_step(span: Time) -> Time {
    let rough = (span / 5).max(1);
    let mut base = 1;
    while base * 10 <= rough {
        base *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * base)
        .find(|&s| s >= rough)
        .unwrap_or(base * 10)
}

/// Keys on a bar: arrows move to the previous or next drawn operation (in invoke order),
/// Enter and Space open its details; none of them reaches the page's shortcuts.
fn bar_keydown(on_select: Callback<usize>, index: usize) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let Some(bar) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let next = match e.key().as_str() {
            "ArrowRight" | "ArrowDown" => bar.next_element_sibling(),
            "ArrowLeft" | "ArrowUp" => bar.previous_element_sibling(),
            " " | "Enter" => {
                e.prevent_default();
                e.stop_propagation();
                on_select.emit(index);
                return;
            }
            _ => return,
        };
        e.prevent_default();
        e.stop_propagation();
        if let Some(el) = next.and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
            let _ = el.focus();
        }
    })
}

/// The chart: the time axis, the fault lanes and one row per client, drawing only the
/// operations that overlap the window.
#[function_component(HistoryChart)]
pub fn history_chart(props: &ChartProps) -> Html {
    let w = props.window;
    let drawn = &props.drawn;
    let pct = |t: Time| w.fraction(t) * 100.0;
    let span_style = |from: Time, to: Time| {
        let (l, r) = (pct(from), pct(to));
        format!("left:{l:.3}%;width:{:.3}%", (r - l).max(0.4))
    };

    let step = tick_step(w.span());
    let first_tick = w.start.div_ceil(step) * step;
    let ticks = (0..)
        .map(|k| first_tick + k * step)
        .take_while(|&t| t <= w.end)
        // A label centred on the right edge would be cut in half.
        .filter(|&t| pct(t) <= 94.0)
        .map(|t| {
            html! { <span class="history-tick" style={format!("left:{:.3}%", pct(t))}>{ format_ms(t) }</span> }
        });

    let fault_rows = [
        (FaultKind::Crash, "Crashes", "down"),
        (FaultKind::Network, "Network", "net"),
    ]
    .into_iter()
    .flat_map(|(kind, name, short)| {
        let of_kind: Vec<&Fault> = props.faults.iter().filter(|f| f.kind == kind).collect();
        let lanes = model::lanes(&of_kind, props.now, FAULT_LANES);
        let count = lanes.iter().max().map_or(0, |m| m + 1);
        (0..count)
            .map(|lane| {
                let bars = of_kind
                    .iter()
                    .zip(&lanes)
                    .filter(|(f, l)| **l == lane && f.to.unwrap_or(props.now) >= w.start && f.from <= w.end)
                    .map(|(f, _)| {
                        let end = f.to.unwrap_or(props.now);
                        let until = f.to.map_or("still".to_string(), |t| format!("until {}", format_ms(t)));
                        let text = format!("{} from {} {until}", f.label, format_ms(f.from));
                        html! {
                            <span class={classes!("hfault", f.to.is_none().then_some("hfault-open"))}
                                  style={span_style(f.from, end)} title={text.clone()}
                                  role="img" aria-label={text}>
                                <span class="hop-text">{ &f.label }</span>
                            </span>
                        }
                    });
                html! {
                    <div class="history-row history-row-fault" role="listitem"
                         aria-label={format!("{name}, lane {}", lane + 1)}>
                        <span class="history-row-label" aria-hidden="true">{ short }</span>
                        <div class="history-track">{ for bars }</div>
                    </div>
                }
            })
            .collect::<Vec<Html>>()
    });

    // Rows of clients; each gets its visible operations, in invoke order.
    let shown = &drawn.shown;
    let mut by_client: Vec<Vec<&(usize, Operation)>> = vec![Vec::new(); drawn.rows as usize];
    for entry in shown {
        if let Some(row) = by_client.get_mut(entry.1.client.saturating_sub(1) as usize) {
            row.push(entry);
        }
    }
    // The roving tab stop: the selected operation if drawn, else the first drawn.
    let tab_stop = props
        .selected
        .filter(|s| shown.iter().any(|(i, _)| i == s))
        .or(shown.first().map(|(i, _)| *i));
    let client_rows = by_client.iter().enumerate().map(|(row, entries)| {
        let bars = entries.iter().map(|&&(i, ref op)| {
            let end = model::drawn_end(op, props.now);
            let culprit = props.culprits.binary_search(&i).is_ok();
            let selected = props.selected == Some(i);
            let label = model::bar_label(op);
            // A label cut to a sliver reads like a mark ("!", "|"): only bars with room
            // for a few characters carry one (the name and the hover text always do).
            let px = (end - op.invoke) as f64 / w.span() as f64 * f64::from(props.track_px);
            let wide = px >= LABEL_MIN_PX;
            let sentence = model::bar_sentence(i, op);
            let name = if culprit {
                format!("{sentence}; part of a counterexample")
            } else {
                sentence
            };
            let onclick = props.on_select.reform(move |_: MouseEvent| i);
            html! {
                <button type="button" key={i}
                        class={classes!("hop", model::outcome_class(op), culprit.then_some("hop-culprit"),
                                        selected.then_some("hop-selected"))}
                        style={span_style(op.invoke, end)} title={name.clone()} aria-label={name}
                        aria-pressed={selected.to_string()}
                        tabindex={if tab_stop == Some(i) { "0" } else { "-1" }}
                        data-op={i.to_string()} {onclick}
                        onkeydown={bar_keydown(props.on_select.clone(), i)}>
                    if culprit { <span class="hop-mark" aria-hidden="true">{ "!" }</span> }
                    if wide {
                        <span class="hop-text" aria-hidden="true">{ label }</span>
                    }
                </button>
            }
        });
        html! {
            <div class="history-row" role="listitem" aria-label={format!("Client C{}", row + 1)}>
                <span class="history-row-label" aria-hidden="true">{ format!("C{}", row + 1) }</span>
                <div class="history-track history-ops">{ for bars }</div>
            </div>
        }
    });

    html! {
        <div class="history-body" data-drawn={shown.len().to_string()}
             data-total={drawn.total.to_string()}>
            <div class="history-axis" aria-hidden="true">
                <span class="history-row-label" />
                <div class="history-track">{ for ticks }</div>
            </div>
            <div class="history-rows" role="list"
                 aria-label={format!("{} operations, {} in this window", drawn.total, shown.len())}>
                { for fault_rows }
                { for client_rows }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(tick_step(2_000), 500);
        assert_eq!(tick_step(1_000), 200);
        assert_eq!(tick_step(100), 20);
        assert_eq!(tick_step(60_000), 20_000);
        assert_eq!(tick_step(1), 1);
    }
}
