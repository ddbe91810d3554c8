//! The SVG pieces of the cluster figure: links, nodes, timer rings and messages.
//!
//! Each piece is a component with `PartialEq` props, so that a frame re-renders only what
//! moved: links and node labels change rarely, timer rings and message positions every
//! frame. What a node or message shows comes from the protocol's view as data
//! ([`NodeView`], [`Flight`]); nothing here knows which protocol it draws.
//!
//! A message is one moving `<g>` (its transform is the only thing a frame changes) around
//! a static body: a `<use>` of the shape's symbol, defined once in the figure's `<defs>`,
//! and, when there is room, its label. No per-message `<title>`: the message menu and the
//! inspector say everything about the selected one. Clicks are handled once, on the
//! figure, by reading the `data-*` hooks of what was hit (see `cluster.rs`).

use std::rc::Rc;

use yew::prelude::*;
use yew::virtual_dom::VTag;

use super::geometry::{self, Anchor, Layout, Metrics, NodePlace, Point};
use crate::protocols::view::{Label, MessageLook, NodeView, Shape};
use crate::sim::{Links, MessageId, NodeId};

/// Every shape a message can have.
const SHAPES: [Shape; 6] = [
    Shape::Diamond,
    Shape::Disc,
    Shape::Envelope,
    Shape::Letter,
    Shape::Triangle,
    Shape::Square,
];

/// The id of the symbol that draws `shape` at size `r` (figures of different sizes on one
/// page, such as the legend's icons, use their own).
pub fn symbol_id(shape: Shape, prefix: &str) -> String {
    format!("{prefix}-{}", shape.id())
}

/// The outline of `shape`, centred on (0, 0), `r` being half its size.
fn shape_path(shape: Shape, r: f64) -> Html {
    match shape {
        Shape::Diamond => {
            let d = r * 1.3;
            html! { <path class="msg-shape" d={format!("M0 {:.1}L{d:.1} 0L0 {d:.1}L{:.1} 0Z", -d, -d)} /> }
        }
        Shape::Disc => html! { <circle class="msg-shape" r={format!("{r:.1}")} /> },
        Shape::Envelope => {
            let (w, h) = (r * 1.5, r * 1.05);
            html! {
                <>
                    <rect class="msg-shape" x={format!("{:.1}", -w)} y={format!("{:.1}", -h)}
                          width={format!("{:.1}", 2.0 * w)} height={format!("{:.1}", 2.0 * h)} rx="1.5" />
                    <path class="msg-flap" d={format!("M{:.1} {:.1}L0 {:.1}L{w:.1} {:.1}", -w, -h, h * 0.15, -h)} />
                </>
            }
        }
        Shape::Letter => {
            let (w, h) = (r * 1.1, r * 0.8);
            html! {
                <rect class="msg-shape" x={format!("{:.1}", -w)} y={format!("{:.1}", -h)}
                      width={format!("{:.1}", 2.0 * w)} height={format!("{:.1}", 2.0 * h)} rx="1.5" />
            }
        }
        Shape::Triangle => {
            let s = r * 1.25;
            html! {
                <path class="msg-shape"
                      d={format!("M0 {:.1}L{:.1} {:.1}L{:.1} {:.1}Z", -s, s, s * 0.8, -s, s * 0.8)} />
            }
        }
        Shape::Square => {
            let h = r * 0.95;
            html! {
                <rect class="msg-shape" x={format!("{:.1}", -h)} y={format!("{:.1}", -h)}
                      width={format!("{:.1}", 2.0 * h)} height={format!("{:.1}", 2.0 * h)} />
            }
        }
    }
}

/// The `<defs>` of a figure: one symbol per message shape at half-size `r`, each with an
/// invisible hit area larger than the shape (a small target is hard to click).
pub fn shape_defs(prefix: &str, r: f64, hit: bool) -> Html {
    let symbols = SHAPES.iter().map(|&shape| {
        html! {
            <g id={symbol_id(shape, prefix)}>
                if hit { <circle class="msg-hit" r={format!("{:.1}", r * 2.2)} /> }
                { shape_path(shape, r) }
            </g>
        }
    });
    html! { <defs>{ for symbols }</defs> }
}

/// A message mark's classes: its colour, dashes, and hollow when it says no.
pub fn look_classes(look: MessageLook) -> Classes {
    classes!(
        "msg-mark",
        look.tone.class(),
        look.dashed.then_some("msg-dashed"),
        look.hollow.then_some("msg-no")
    )
}

// ----- links -----

/// Props of [`LinksLayer`].
#[derive(Properties, Clone, PartialEq)]
pub struct LinksProps {
    /// Where nodes are.
    pub layout: Rc<Layout>,
    /// Each direction's state.
    pub links: Links,
    /// The selected link, lower id first.
    pub selected: Option<(NodeId, NodeId)>,
}

/// Every link between two nodes: a thin line, broken where it is cut.
#[function_component(LinksLayer)]
pub fn links_layer(props: &LinksProps) -> Html {
    let layout = &props.layout;
    let n = layout.nodes.len() as NodeId;
    let m = &layout.metrics;
    let mut out = Vec::with_capacity((n * n.saturating_sub(1) / 2) as usize);
    for a in 1..=n {
        for b in (a + 1)..=n {
            let (Some(pa), Some(pb)) = (layout.node(a), layout.node(b)) else {
                continue;
            };
            let ab = props.links.is_up(a, b);
            let ba = props.links.is_up(b, a);
            let selected = props.selected == Some((a, b));
            out.push(link(a, b, pa.pos, pb.pos, ab, ba, selected, m));
        }
    }
    // The ring the nodes sit on, faint, as in a textbook figure.
    let ring = (n > 2).then(|| {
        html! {
            <ellipse class="cluster-ring" cx={f1(layout.center.x)} cy={f1(layout.center.y)}
                     rx={f1(layout.rx)} ry={f1(layout.ry)} aria-hidden="true" />
        }
    });
    html! { <g class="cluster-links">{ ring }{ for out }</g> }
}

/// One link, both directions. A direction that is cut is drawn broken: dashed in red from
/// its sender to the middle, where a ✕ and an arrowhead say which way no longer passes.
#[allow(clippy::too_many_arguments)]
fn link(
    a: NodeId,
    b: NodeId,
    pa: Point,
    pb: Point,
    ab: bool,
    ba: bool,
    selected: bool,
    m: &Metrics,
) -> Html {
    let (title, state) = match (ab, ba) {
        (true, true) => (format!("S{a} ↔ S{b}: working both ways"), "link-up"),
        (false, false) => (format!("S{a} ↔ S{b}: cut both ways"), "link-cut"),
        (false, true) => (
            format!("S{a} → S{b} cut (S{b} → S{a} still works)"),
            "link-oneway",
        ),
        (true, false) => (
            format!("S{b} → S{a} cut (S{a} → S{b} still works)"),
            "link-oneway",
        ),
    };
    let (start, end, _) = geometry::link_segment(pa, pb, m.ring_r);
    let mid = geometry::lerp(start, end, 0.5);
    let line = |p: Point, q: Point, class: &'static str| {
        html! {
            <line {class} x1={f1(p.x)} y1={f1(p.y)} x2={f1(q.x)} y2={f1(q.y)} />
        }
    };
    let gap = if m.compact { 7.0 } else { 9.0 };
    let len = geometry::link_length(pa, pb, m).max(1.0);
    let g = (gap / len).min(0.2);
    let body = match (ab, ba) {
        (true, true) => line(start, end, "link-line"),
        (false, false) => html! {
            <>
                { line(start, geometry::lerp(start, end, 0.5 - g), "link-line link-broken") }
                { line(geometry::lerp(start, end, 0.5 + g), end, "link-line link-broken") }
                { cross(mid, gap * 0.6) }
            </>
        },
        // One direction cut: the half near the cut direction's sender is broken, with a ✕
        // and an arrowhead pointing the way messages no longer go.
        (ab, _) => {
            let (from, to) = if !ab { (start, end) } else { (end, start) };
            let near = geometry::lerp(from, to, 0.5 - g);
            let far = geometry::lerp(from, to, 0.5 + g);
            html! {
                <>
                    { line(from, near, "link-line link-broken") }
                    { line(far, to, "link-line") }
                    { cross(geometry::lerp(from, to, 0.5), gap * 0.6) }
                    { arrowhead(geometry::lerp(from, to, 0.5 + g * 2.6), from, to, gap * 0.8) }
                </>
            }
        }
    };
    html! {
        <g class={classes!("cluster-link", state, selected.then_some("selected"))}
           data-link={format!("{a}-{b}")}>
            <title>{ title }</title>
            { line(start, end, "link-hit") }
            { selected.then(|| line(start, end, "link-selected")) }
            { body }
        </g>
    }
}

/// A small ✕ centred on `at`.
fn cross(at: Point, r: f64) -> Html {
    html! {
        <path class="link-cross"
              d={format!("M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}",
                         at.x - r, at.y - r, at.x + r, at.y + r, at.x - r, at.y + r, at.x + r, at.y - r)} />
    }
}

/// An arrowhead at `tip` pointing along `from` → `to`.
fn arrowhead(tip: Point, from: Point, to: Point, size: f64) -> Html {
    let dx = to.x - from.x;
    let dy = to.y - from.y;
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (nx, ny) = (-uy, ux);
    let back = Point::new(tip.x - ux * size, tip.y - uy * size);
    let half = size * 0.6;
    html! {
        <path class="link-arrow"
              d={format!("M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z", tip.x, tip.y,
                         back.x + nx * half, back.y + ny * half, back.x - nx * half, back.y - ny * half)} />
    }
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

// ----- nodes -----

/// What a node shows, as props of [`NodeMark`].
#[derive(Properties, Clone, PartialEq)]
pub struct NodeProps {
    /// Node id.
    pub id: NodeId,
    /// Where it is drawn.
    pub place: NodePlace,
    /// Sizes.
    pub metrics: Metrics,
    /// What the protocol says it shows.
    pub view: Rc<NodeView>,
    /// False while crashed.
    pub up: bool,
    /// Selected (its menu is open).
    pub selected: bool,
}

/// The badge of a crashed node, whatever its protocol.
fn down_badge(short: bool) -> &'static str {
    if short {
        "✕ Down"
    } else {
        "✕ Crashed"
    }
}

/// A node: its disc and name, its tone's outline, and its label (role and key values)
/// outside the ring. Carries the hooks tests and the inspector rely on (`data-node`,
/// `data-up`, `data-role` and the protocol's own) and is a keyboard-focusable button.
#[function_component(NodeMark)]
pub fn node_mark(props: &NodeProps) -> Html {
    let NodeProps {
        id,
        place,
        metrics: m,
        view,
        up,
        selected,
    } = props.clone();
    let p = place.pos;
    let state = if up { "up" } else { "crashed" };
    let aria = format!("S{id}, {}, {state}", view.summary);
    let title = format!("S{id}: {}. Click for actions.", view.about);
    let x = f1(p.x);
    let y = f1(p.y);
    let label = place.label;
    let lx = f1(label.x);
    let line = format!("{:.1}", m.line_px);
    let tone = view.tone;
    let corner = Point::new(p.x + m.node_r * 0.78, p.y - m.node_r * 0.78);
    let glyph = match (up, tone) {
        (true, crate::protocols::view::Tone::Lead) => {
            html! { <path class="node-star" d={star_path(corner, m.node_r * 0.42)} /> }
        }
        (true, crate::protocols::view::Tone::Settled) => {
            html! { <path class="node-tick" d={tick_path(corner, m.node_r * 0.42)} /> }
        }
        _ => html! {},
    };
    let cross = (!up).then(|| {
        let r = m.node_r * 0.5;
        html! {
            <path class="node-cross"
                  d={format!("M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}",
                             p.x - r, p.y - r, p.x + r, p.y + r, p.x - r, p.y + r, p.x + r, p.y - r)} />
        }
    });
    let inner = (up && tone == crate::protocols::view::Tone::Active).then(|| {
        html! { <circle class="node-inner" cx={x.clone()} cy={y.clone()} r={f1(m.node_r - 4.0)} /> }
    });
    let name_y = if up { p.y } else { p.y - m.node_r * 0.05 };
    let badge = if !up {
        down_badge(m.compact)
    } else if m.compact {
        view.badge_short
    } else {
        view.badge
    };
    let lines: Vec<Html> = if m.tiny {
        vec![html! { <tspan x={lx.clone()} dy={line.clone()}>{ &view.tiny }</tspan> }]
    } else {
        view.lines
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let dot = (i == 0).then_some(view.color).flatten().map(|c| {
                    html! { <tspan class={classes!("term-dot", format!("term-{}", c % 8))}>{ "● " }</tspan> }
                });
                html! { <tspan x={lx.clone()} dy={line.clone()}>{ dot }{ text }</tspan> }
            })
            .collect()
    };
    let mut g = VTag::new("g");
    g.add_attribute(
        "class",
        classes!(
            "cluster-node",
            tone.class(),
            format!("role-{}", view.role),
            (!up).then_some("down"),
            selected.then_some("selected")
        )
        .to_string(),
    );
    g.add_attribute("data-node", id.to_string());
    g.add_attribute("data-role", view.role);
    g.add_attribute("data-up", up.to_string());
    for (name, value) in &view.hooks {
        g.add_attribute(name, value.clone());
    }
    g.add_attribute("tabindex", "0");
    g.add_attribute("role", "button");
    g.add_attribute("aria-label", aria);
    g.add_attribute("aria-expanded", selected.to_string());
    g.add_child(html! {
        <>
            <title>{ title }</title>
            <circle class="node-halo" cx={x.clone()} cy={y.clone()} r={f1(m.halo_r)} />
            <circle class="node-disc" cx={x.clone()} cy={y.clone()} r={f1(m.node_r)} />
            { inner }
            { cross }
            <text class="node-name" x={x.clone()} y={f1(name_y + m.font_px * 0.36)}
                  text-anchor="middle">{ format!("S{id}") }</text>
            { glyph }
            <text class="node-label" x={lx.clone()} y={f1(label.y)} text-anchor={label.anchor.svg()}>
                <tspan class="node-role">{ badge }</tspan>
                { for lines }
            </text>
        </>
    });
    g.into()
}

/// A tick centred on `c`, `r` its half-size.
fn tick_path(c: Point, r: f64) -> String {
    format!(
        "M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}",
        c.x - r,
        c.y,
        c.x - r * 0.3,
        c.y + r * 0.7,
        c.x + r,
        c.y - r * 0.7
    )
}

/// A five-pointed star centred on `c` with outer radius `r`.
fn star_path(c: Point, r: f64) -> String {
    let mut d = String::with_capacity(96);
    for k in 0..10 {
        let radius = if k % 2 == 0 { r } else { r * 0.45 };
        let a = -std::f64::consts::FRAC_PI_2 + k as f64 * std::f64::consts::PI / 5.0;
        let (s, co) = a.sin_cos();
        d.push_str(&format!(
            "{}{:.1} {:.1}",
            if k == 0 { 'M' } else { 'L' },
            c.x + radius * co,
            c.y + radius * s
        ));
    }
    d.push('Z');
    d
}

/// Props of [`TimerRing`].
#[derive(Properties, Clone, PartialEq)]
pub struct TimerProps {
    /// The node's centre.
    pub at: Point,
    /// The ring's radius.
    pub r: f64,
    /// What is left of the election timer, in thousandths (quantized so a frame that
    /// changes nothing visible re-renders nothing).
    pub permille: u16,
}

/// A node's election timer as a ring that drains clockwise from the top.
#[function_component(TimerRing)]
pub fn timer_ring(props: &TimerProps) -> Html {
    let (on, total) = geometry::ring_dash(props.r, props.permille as f64 / 1000.0);
    let Point { x, y } = props.at;
    let (cx, cy, r) = (f1(x), f1(y), f1(props.r));
    html! {
        <>
            <circle class="node-track" cx={cx.clone()} cy={cy.clone()} r={r.clone()} />
            if props.permille > 0 {
                <circle class="node-timer" {cx} {cy} {r}
                        stroke-dasharray={format!("{on:.1} {total:.1}")}
                        transform={format!("rotate(-90 {x:.1} {y:.1})")} />
            }
        </>
    }
}

// ----- messages -----

/// Props of [`MessageBody`]: what does not change while a message travels.
#[derive(Properties, Clone, PartialEq)]
pub struct MessageBodyProps {
    /// Message id.
    pub id: MessageId,
    /// How it looks.
    pub look: MessageLook,
    /// The message type's name (`data-kind`).
    pub kind: &'static str,
    /// Its label in flight.
    pub label: Label,
    /// Where its label goes, relative to the shape; none when labels are hidden.
    pub label_at: Option<(Point, Anchor)>,
    /// The symbol prefix of the figure's `<defs>`.
    pub defs: &'static str,
}

/// A message's shape and label, drawn at (0, 0) inside its moving wrapper, with the hooks
/// tests read (`data-message`, `data-kind`).
#[function_component(MessageBody)]
pub fn message_body(props: &MessageBodyProps) -> Html {
    let label = props.label_at.map(|(p, anchor)| {
        html! {
            <text class="msg-label" x={f1(p.x)} y={f1(p.y)} text-anchor={anchor.svg()}>{ props.label.as_str() }</text>
        }
    });
    html! {
        <g data-message={props.id.to_string()} data-kind={props.kind}>
            <use href={format!("#{}", symbol_id(props.look.shape, props.defs))}
                 class={look_classes(props.look)} />
            { label }
        </g>
    }
}

/// Props of [`LostBody`].
#[derive(Properties, Clone, PartialEq)]
pub struct LostBodyProps {
    /// How it looked.
    pub look: MessageLook,
    /// Half the shape's size.
    pub r: f64,
    /// The symbol prefix of the figure's `<defs>`.
    pub defs: &'static str,
}

/// A lost message where it died: its shape, hollow, with a red ✕.
#[function_component(LostBody)]
pub fn lost_body(props: &LostBodyProps) -> Html {
    let r = props.r;
    let look = MessageLook {
        hollow: true,
        ..props.look
    };
    html! {
        <>
            <use href={format!("#{}", symbol_id(look.shape, props.defs))} class={look_classes(look)} />
            <path class="lost-cross"
                  d={format!("M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}", -r, -r, r, r, -r, r, r, -r)} />
        </>
    }
}
