//! The timeline under the cluster: drag to any past moment, and jump to the marked ones
//! (user actions, elections, commits, invariant violations).

use yew::prelude::*;

use super::lab::format_ms;
use super::state::UiAction;
use super::ViewProps;
use crate::sim::{Mark, MarkKind, Time};

/// At most this many markers are drawn; nearby marks share one (the most important).
pub const MARKER_BINS: u64 = 160;

/// One marker on the timeline: the most important mark of its stretch of time.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Where it jumps to.
    pub at_ms: Time,
    /// Its kind (the most important of the marks it stands for).
    pub kind: MarkKind,
    /// Its words.
    pub label: String,
    /// How many marks it stands for.
    pub count: usize,
}

fn importance(kind: MarkKind) -> u8 {
    match kind {
        MarkKind::Violation => 3,
        MarkKind::Action => 2,
        MarkKind::Election => 1,
        MarkKind::Commit => 0,
    }
}

/// Groups `marks` into at most [`MARKER_BINS`] markers over `0..=end`, keeping in each
/// group the most important mark (and, among equals, the first).
pub fn markers(marks: &[Mark], end: Time) -> Vec<Marker> {
    let width = (end + 1).div_ceil(MARKER_BINS).max(1);
    let mut out: Vec<(Time, Marker)> = Vec::new();
    for m in marks {
        let bin = m.at_ms / width;
        match out.last_mut() {
            Some((b, marker)) if *b == bin => {
                marker.count += 1;
                if importance(m.kind) > importance(marker.kind) {
                    marker.at_ms = m.at_ms;
                    marker.kind = m.kind;
                    marker.label = m.label.clone();
                }
            }
            _ => out.push((
                bin,
                Marker {
                    at_ms: m.at_ms,
                    kind: m.kind,
                    label: m.label.clone(),
                    count: 1,
                },
            )),
        }
    }
    out.into_iter().map(|(_, m)| m).collect()
}

fn kind_class(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Action => "mark-action",
        MarkKind::Election => "mark-election",
        MarkKind::Commit => "mark-commit",
        MarkKind::Violation => "mark-violation",
    }
}

fn kind_icon(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Action => "▲",
        MarkKind::Election => "★",
        MarkKind::Commit => "●",
        MarkKind::Violation => "!",
    }
}

/// The timeline.
#[function_component(Timeline)]
pub fn timeline(props: &ViewProps) -> Html {
    let lab = &props.lab;
    let end = lab.frontier_ms().max(1);
    let now = lab.world().now();
    let on_input = props.on_action.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        UiAction::Seek(input.value().parse().unwrap_or(0))
    });
    let played = (now as f64 / end as f64 * 100.0).clamp(0.0, 100.0);
    html! {
        <div class="timeline" role="group" aria-label="Timeline">
            <div class="timeline-track">
                <div class="timeline-played" style={format!("width:{played:.3}%")} />
                <MarkerLayer count={lab.mark_count()} {end} lab={lab.clone()}
                             on_action={props.on_action.clone()} />
                <input type="range" class="timeline-range" min="0" max={end.to_string()}
                       step="1" value={now.to_string()} oninput={on_input}
                       aria-label="Simulated time"
                       aria-valuetext={format!("{} of {}", format_ms(now), format_ms(end))} />
            </div>
            <div class="timeline-legend" aria-hidden="true">
                <span class="mark-key mark-action">{ "▲ action" }</span>
                <span class="mark-key mark-election">{ format!("★ {}", lab.scenario().protocol.marks[0]) }</span>
                <span class="mark-key mark-commit">{ format!("● {}", lab.scenario().protocol.marks[1]) }</span>
                <span class="mark-key mark-violation">{ "! violation" }</span>
                <span class="timeline-end">{ format!("{} / {}", format_ms(now), format_ms(end)) }</span>
            </div>
        </div>
    }
}

/// Properties of [`MarkerLayer`]. Compared by the mark count and the end only, so the
/// layer is rebuilt when a mark appears or the scale changes visibly, not on every frame.
#[derive(Properties, Clone)]
struct MarkerProps {
    count: usize,
    end: Time,
    lab: super::state::LabState,
    on_action: Callback<UiAction>,
}

impl PartialEq for MarkerProps {
    fn eq(&self, other: &Self) -> bool {
        // Yew keeps the props it last rendered while they compare equal, so the layer
        // redraws once the end has drifted by 1/400 of the track (about 2 px).
        self.count == other.count && self.end.abs_diff(other.end) * 400 < other.end.max(1)
    }
}

#[function_component(MarkerLayer)]
fn marker_layer(props: &MarkerProps) -> Html {
    let marks = props.lab.marks();
    let end = props.end.max(1);
    let buttons = markers(&marks, end).into_iter().map(|m| {
        let left = (m.at_ms as f64 / end as f64 * 100.0).clamp(0.0, 100.0);
        let at = m.at_ms;
        let onclick = props
            .on_action
            .reform(move |_: MouseEvent| UiAction::Seek(at));
        let more = if m.count > 1 {
            format!(" (and {} more nearby)", m.count - 1)
        } else {
            String::new()
        };
        let label = format!("{}: {}{more}", format_ms(m.at_ms), m.label);
        html! {
            <button type="button" class={classes!("timeline-mark", kind_class(m.kind))}
                    style={format!("left:{left:.3}%")} {onclick}
                    title={label.clone()} aria-label={format!("Jump to {label}")}
                    tabindex={if m.kind == MarkKind::Commit { "-1" } else { "0" }}>
                <span aria-hidden="true">{ kind_icon(m.kind) }</span>
            </button>
        }
    });
    html! { <div class="timeline-marks">{ for buttons }</div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(at_ms: Time, kind: MarkKind) -> Mark {
        Mark {
            seq: at_ms,
            at_ms,
            kind,
            label: format!("{kind:?} at {at_ms}"),
        }
    }

    #[test]
    fn nearby_marks_share_a_marker_and_the_violation_wins() {
        let marks = vec![
            mark(100, MarkKind::Commit),
            mark(101, MarkKind::Violation),
            mark(102, MarkKind::Election),
            mark(9_000, MarkKind::Action),
        ];
        let m = markers(&marks, 10_000);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].kind, MarkKind::Violation);
        assert_eq!(m[0].at_ms, 101);
        assert_eq!(m[0].count, 3);
        assert_eq!(m[1].kind, MarkKind::Action);
    }

    #[test]
    fn never_more_markers_than_bins() {
        let marks: Vec<Mark> = (0..10_000).map(|t| mark(t, MarkKind::Commit)).collect();
        assert!(markers(&marks, 10_000).len() as u64 <= MARKER_BINS);
    }
}
