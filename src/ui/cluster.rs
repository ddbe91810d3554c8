//! The cluster figure, the page's main visual: nodes on a ring with what their protocol
//! says they show (role, key values, a draining timer); the links between them, broken
//! where cut; the messages in flight at their true fraction of the way; lost messages
//! fading where they died; and the menus, partition tool, legend and violation banner
//! around it. It draws any protocol from its view as data.
//!
//! The figure's viewBox follows its size on screen (one unit is one CSS pixel), so text
//! stays readable at every size and the geometry (`geometry`) decides how big the ring
//! can be. A frame re-renders only what moved: see `figure` for how the work is split.

mod figure;
pub mod geometry;
mod legend;
mod menus;
mod partition;
pub(crate) mod size;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use self::figure::{shape_defs, LinksLayer, LostBody, MessageBody, NodeMark, TimerRing};
use self::geometry::{Layout, Point};
use self::legend::Legend;
use self::menus::{LinkMenu, MessageMenu, NodeMenu};
use self::partition::PartitionTool;
use self::size::use_element_size;
use super::lab::{format_ms, Selection};
use super::state::UiAction;
use super::ViewProps;
use crate::sim::{NetworkMode, NodeId};

/// The prefix of the figure's message symbols (`<defs>`).
const DEFS: &str = "msg";

/// With more messages in flight than this, only the selected one keeps its text label
/// (the shapes still tell the kinds apart, and hovering shows each one's summary).
const LABEL_LIMIT: usize = 24;
/// At most this many lost messages are drawn fading at once.
const LOST_LIMIT: usize = 48;

/// The clients a node's menu offers, for a protocol that serves them (none otherwise).
fn node_menu_clients(world: &dyn crate::protocols::Run) -> Vec<AttrValue> {
    if !world.spec().serves_clients {
        return Vec::new();
    }
    let workload = world
        .client_settings()
        .workload
        .as_ref()
        .map_or(0, |w| w.clients);
    menus::client_choices(&world.history(), workload)
}

/// What a click or key press on the figure hit, read from the `data-*` hooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hit {
    Node(NodeId),
    Link(NodeId, NodeId),
    Message(u64),
    Nothing,
}

fn hit(target: Option<Element>) -> Hit {
    let Some(el) = target else {
        return Hit::Nothing;
    };
    let find = |selector: &str, attr: &str| {
        el.closest(selector)
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute(attr))
    };
    if let Some(id) = find("[data-node]", "data-node").and_then(|v| v.parse().ok()) {
        return Hit::Node(id);
    }
    if let Some(id) = find("[data-message]", "data-message").and_then(|v| v.parse().ok()) {
        return Hit::Message(id);
    }
    if let Some((a, b)) = find("[data-link]", "data-link").and_then(|v| parse_link(&v)) {
        return Hit::Link(a, b);
    }
    Hit::Nothing
}

/// Parses a `data-link` value, `"a-b"`.
fn parse_link(v: &str) -> Option<(NodeId, NodeId)> {
    let (a, b) = v.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Where a menu opens for something at `at`: beside it, on the side towards the middle
/// of the figure (labels are on the outside), kept inside the figure vertically.
fn menu_style(at: Point, clearance: f64, layout: &Layout, height_estimate: f64) -> String {
    let top = (at.y - 30.0).clamp(6.0, (layout.height - height_estimate - 6.0).max(6.0));
    if at.x > layout.width / 2.0 {
        let right = (layout.width - at.x + clearance).max(4.0);
        format!("right: {right:.0}px; top: {top:.0}px;")
    } else {
        let left = (at.x + clearance).max(4.0);
        format!("left: {left:.0}px; top: {top:.0}px;")
    }
}

/// A message wrapper's classes, as one static string (no allocation per message and frame).
fn message_class(selected: bool, doomed: bool) -> &'static str {
    match (selected, doomed) {
        (false, false) => "cluster-msg",
        (true, false) => "cluster-msg selected",
        (false, true) => "cluster-msg doomed",
        (true, true) => "cluster-msg selected doomed",
    }
}

/// An invariant's title from its protocol's spec (its name if the spec has none).
fn invariant_title(spec: &crate::protocols::Spec, name: &str) -> String {
    // A checked consistency model is an invariant of the run, not of the protocol.
    spec.invariant(name)
        .or_else(|| crate::check::catalog::model(name))
        .map_or_else(|| name.replace('_', " "), |i| i.title.to_string())
}

/// Props of [`MessageDefs`].
#[derive(Properties, Clone, PartialEq)]
struct DefsProps {
    r: f64,
}

/// The figure's message symbols: drawn once per size, used by every message.
#[function_component(MessageDefs)]
fn message_defs(props: &DefsProps) -> Html {
    shape_defs(DEFS, props.r, true)
}

/// The cluster figure with its menus, tools and banner.
#[function_component(ClusterView)]
pub fn cluster_view(props: &ViewProps) -> Html {
    let lab = &props.lab;
    let world = lab.world();
    let n = world.size();
    let display_ms = lab.display_ms();
    let on_action = &props.on_action;

    // ----- size: the viewBox follows the rendered size -----
    let svg_ref = use_node_ref();
    let size = use_element_size(svg_ref.clone());
    let (w, h) = size;
    // The protocol's views say how big node labels get; the layout makes room for them.
    let views: Vec<Rc<crate::protocols::view::NodeView>> =
        (1..=n).map(|id| Rc::new(world.node(id))).collect();
    let seen = geometry::LabelSize {
        lines: 1 + views
            .iter()
            .map(|v| v.lines.len() as u32)
            .max()
            .unwrap_or(2),
        chars: views
            .iter()
            .flat_map(|v| v.lines.iter().map(String::as_str).chain([v.badge]))
            .map(|l| l.chars().count() as u32)
            .max()
            .unwrap_or(13),
    };
    // The room only grows during a run (in steps of four characters), so the ring does not
    // shift back and forth as labels change; a new scenario starts afresh.
    let room = use_mut_ref(|| (lab.generation(), geometry::LabelSize::default()));
    let label = {
        let mut room = room.borrow_mut();
        if room.0 != lab.generation() {
            *room = (lab.generation(), geometry::LabelSize::default());
        }
        room.1.lines = room.1.lines.max(seen.lines);
        room.1.chars = room.1.chars.max(seen.chars.div_ceil(4) * 4);
        room.1
    };
    let layout: Rc<Layout> = use_memo((n, w, h, label), |&(n, w, h, label)| {
        geometry::layout(n, w as f64, h as f64, label)
    });
    let m = layout.metrics;

    // A menu opened from the keyboard takes focus; one opened by a click does not.
    let keyboard_open = use_state_eq(|| false);

    let selected = lab.selected();
    let selected_node = match selected {
        Some(Selection::Node(id)) if (1..=n).contains(&id) => Some(id),
        _ => None,
    };
    let selected_link = match selected {
        Some(Selection::Link(a, b)) if a != b && (1..=n).contains(&a) && (1..=n).contains(&b) => {
            Some((a.min(b), a.max(b)))
        }
        _ => None,
    };
    let selected_message = match selected {
        Some(Selection::Message(id)) => world.message(id),
        _ => None,
    };

    // ----- interaction, delegated: one handler reads what was hit -----
    let onclick = {
        let on_action = on_action.clone();
        let keyboard_open = keyboard_open.clone();
        Callback::from(move |e: MouseEvent| {
            keyboard_open.set(false);
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            let selection = match hit(target) {
                Hit::Node(id) => Some(Selection::Node(id)),
                Hit::Link(a, b) => Some(Selection::Link(a, b)),
                Hit::Message(id) => Some(Selection::Message(id)),
                Hit::Nothing => None,
            };
            on_action.emit(UiAction::Select(selection));
        })
    };
    let onkeydown = {
        let on_action = on_action.clone();
        let keyboard_open = keyboard_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if !matches!(e.key().as_str(), "Enter" | " ") {
                return;
            }
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            if let Hit::Node(id) = hit(target) {
                // Space would otherwise also play or pause (the page's shortcut).
                e.prevent_default();
                e.stop_propagation();
                keyboard_open.set(true);
                on_action.emit(UiAction::Select(Some(Selection::Node(id))));
            }
        })
    };

    // ----- nodes -----
    let mut nodes = Vec::with_capacity(n as usize);
    let mut rings = Vec::with_capacity(n as usize);
    for id in 1..=n {
        let Some(place) = layout.node(id) else {
            continue;
        };
        let view = views[(id - 1) as usize].clone();
        let up = world.up(id);
        let permille = view.ring.filter(|_| up).map_or(0, |(set_at, due)| {
            (geometry::timer_remaining(display_ms, set_at, due) * 1000.0).round() as u16
        });
        rings.push(html! {
            <TimerRing key={id} at={place.pos} r={m.ring_r} {permille} />
        });
        nodes.push(html! {
            <NodeMark key={id} {id} place={*place} metrics={m} {view} {up}
                      selected={selected_node == Some(id)} />
        });
    }

    // ----- messages in flight -----
    let flights = world.flights();
    let manual = world.network().mode == NetworkMode::Manual;
    // Small figures have room for fewer labels before they cover each other.
    let label_limit = if m.tiny {
        0
    } else if m.compact {
        LABEL_LIMIT / 3
    } else {
        LABEL_LIMIT
    };
    let show_labels = flights.len() <= label_limit;
    // Manual mode: messages wait on their link; several on one link are spread out.
    let pair = |from: NodeId, to: NodeId| ((from - 1) * 9 + (to - 1)) as usize;
    let mut waiting_count = [0u16; 81];
    let mut waiting_seen = [0u16; 81];
    let in_range = |id: NodeId| (1..=n.min(9)).contains(&id);
    if manual {
        for msg in &flights {
            if in_range(msg.from) && in_range(msg.to) && msg.arrives_at.is_none() {
                waiting_count[pair(msg.from, msg.to)] += 1;
            }
        }
    }
    let mut messages = Vec::with_capacity(flights.len());
    let mut selected_at = None;
    for msg in &flights {
        let (Some(a), Some(b)) = (layout.node(msg.from), layout.node(msg.to)) else {
            continue;
        };
        if msg.from == msg.to {
            continue;
        }
        let fraction = if msg.arrives_at.is_none() && in_range(msg.from) && in_range(msg.to) {
            let i = pair(msg.from, msg.to);
            let k = waiting_seen[i];
            waiting_seen[i] += 1;
            geometry::waiting_fraction(
                k as usize,
                waiting_count[i] as usize,
                geometry::link_length(a.pos, b.pos, &m),
            )
        } else {
            geometry::flight_fraction(display_ms, msg.sent_at, msg.arrives_at)
        };
        let at = geometry::message_point(a.pos, b.pos, fraction, &m);
        let is_selected = selected_message
            .as_ref()
            .is_some_and(|s| s.flight.id == msg.id);
        if is_selected {
            selected_at = Some(at);
        }
        let label_at = (show_labels || is_selected).then(|| {
            let (p, anchor) = geometry::message_label(a.pos, b.pos, at, &m);
            (Point::new(p.x - at.x, p.y - at.y), anchor)
        });
        let doomed = !world.links().is_up(msg.from, msg.to);
        messages.push(html! {
            <g key={msg.id} class={message_class(is_selected, doomed)}
               transform={format!("translate({:.1} {:.1})", at.x, at.y)}>
                <MessageBody id={msg.id} look={msg.look} kind={msg.kind} label={msg.label}
                             {label_at} defs={DEFS} />
            </g>
        });
    }

    // ----- lost messages, fading where they died -----
    let mut lost = Vec::new();
    for l in world.losses(display_ms, geometry::LOST_FADE_MS, LOST_LIMIT) {
        let age = display_ms - l.at_ms as f64;
        let (Some(opacity), Some(a), Some(b)) = (
            geometry::lost_opacity(age),
            layout.node(l.from),
            layout.node(l.to),
        ) else {
            continue;
        };
        let at = geometry::message_point(a.pos, b.pos, l.progress as f64, &m);
        lost.push(html! {
            <g key={l.id} class="cluster-lost" data-lost={l.id.to_string()}
               transform={format!("translate({:.1} {:.1})", at.x, at.y)}
               opacity={format!("{opacity:.2}")}>
                <LostBody look={l.look} r={m.msg_r} defs={DEFS} />
            </g>
        });
    }

    // ----- the menu of the selected thing -----
    let menu = if let Some(id) = selected_node {
        let place = layout.node(id).map_or(layout.center, |p| p.pos);
        html! {
            <NodeMenu id={id} up={world.up(id)} status={world.node(id).summary}
                      spec={lab.scenario().protocol} {n}
                      style={menu_style(place, m.outer_r + 6.0, &layout, 230.0)}
                      next_values={super::next_values(lab)} autofocus={*keyboard_open}
                      clients={node_menu_clients(world)}
                      on_action={on_action.clone()} />
        }
    } else if let Some((a, b)) = selected_link {
        let mid = match (layout.node(a), layout.node(b)) {
            (Some(pa), Some(pb)) => geometry::lerp(pa.pos, pb.pos, 0.5),
            _ => layout.center,
        };
        html! {
            <LinkMenu {a} {b} ab_up={world.links().is_up(a, b)} ba_up={world.links().is_up(b, a)}
                      style={menu_style(mid, 14.0, &layout, 190.0)} autofocus={*keyboard_open}
                      on_action={on_action.clone()} />
        }
    } else if let Some(detail) = selected_message {
        let at = selected_at.unwrap_or(layout.center);
        let f = detail.flight;
        html! {
            <MessageMenu id={f.id} from={f.from} to={f.to} text={detail.text.clone()}
                         kind={f.kind} sent_at={f.sent_at} arrives_at={f.arrives_at} {manual}
                         doomed={!world.links().is_up(f.from, f.to)}
                         style={menu_style(at, 18.0, &layout, 210.0)} autofocus={*keyboard_open}
                         on_action={on_action.clone()} />
        }
    } else {
        html! {}
    };

    // ----- the first broken invariant -----
    let banner = world.violations().first().map(|v| {
        let more = world.violations().len() - 1;
        let at = v.at_ms;
        // "The state at t" excludes events due at t, so the moment just after shows the
        // violation itself.
        let jump = on_action.reform(move |_: MouseEvent| UiAction::Seek(at + 1));
        html! {
            <div class="cluster-violation" role="alert">
                <div class="violation-text">
                    <p class="violation-title">
                        <span aria-hidden="true">{ "⚠ " }</span>
                        { format!("Invariant broken: {}", invariant_title(&lab.scenario().protocol, v.invariant)) }
                        <span class="violation-when">{ format!(" at {}", format_ms(v.at_ms)) }</span>
                        if more > 0 {
                            <span class="violation-when">{ format!(" (and {more} more)") }</span>
                        }
                    </p>
                    <p class="violation-detail">{ &v.detail }</p>
                </div>
                <button type="button" class="violation-jump" onclick={jump}>{ "Jump to the violation" }</button>
            </div>
        }
    });

    let selected_link_prop = selected_link;
    html! {
        <section class={classes!("cluster", m.compact.then_some("compact"))} aria-label="Cluster">
            { banner }
            // The menu is positioned over the stage on wide screens and follows it on
            // phones (see cluster.css), so it is the stage's sibling in one body.
            <div class="cluster-body">
                <div class="cluster-stage">
                <svg ref={svg_ref} class="cluster-figure" viewBox={format!("0 0 {w} {h}")}
                     role="group" aria-label={format!("{n} nodes on a ring, with their links and messages")}
                     {onclick} {onkeydown}>
                    <MessageDefs r={m.msg_r} />
                    <LinksLayer layout={layout.clone()} links={world.links().clone()}
                                selected={selected_link_prop} />
                    <g class="cluster-lost-layer" aria-hidden="true">{ for lost }</g>
                    <g class="cluster-messages">{ for messages }</g>
                    <g class="cluster-timers" aria-hidden="true">{ for rings }</g>
                    <g class="cluster-nodes">{ for nodes }</g>
                </svg>
                </div>
                { menu }
            </div>
            <div class="cluster-tools">
                <Legend spec={lab.scenario().protocol} />
                <PartitionTool {n} links={world.links().clone()} on_action={on_action.clone()} />
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_hooks_parse_back() {
        assert_eq!(parse_link("1-3"), Some((1, 3)));
        assert_eq!(parse_link("1-"), None);
        assert_eq!(parse_link("x"), None);
    }

    #[test]
    fn invariant_names_read_as_their_titles() {
        let spec = crate::protocols::PROTOCOLS[0];
        let first = spec.invariants[0];
        assert_eq!(invariant_title(spec, first.name), first.title);
        assert_eq!(invariant_title(spec, "made_up_name"), "made up name");
    }

    #[test]
    fn menus_open_towards_the_middle_and_stay_inside() {
        let layout = geometry::layout(5, 800.0, 500.0, geometry::LabelSize::default());
        let right = menu_style(Point::new(700.0, 250.0), 40.0, &layout, 200.0);
        assert!(right.starts_with("right: 140px"), "{right}");
        let left = menu_style(Point::new(100.0, 480.0), 40.0, &layout, 200.0);
        assert!(left.starts_with("left: 140px"), "{left}");
        assert!(left.contains("top: 294px"), "{left}");
    }
}
