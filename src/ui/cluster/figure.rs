//! The SVG pieces of the cluster figure: links, nodes, timer rings and messages.
//!
//! Each piece is a component with `PartialEq` props, so that a frame re-renders only what
//! moved: links and node labels change rarely, timer rings and message positions every
//! frame. Messages are split into a moving wrapper (drawn by the parent) and a static
//! body, so a frame costs one `transform` per message. Clicks are handled once, on the
//! figure, by reading the `data-*` hooks of what was hit (see `cluster.rs`).

use std::rc::Rc;

use yew::prelude::*;

use super::geometry::{self, Anchor, Layout, Metrics, NodePlace, Point};
use crate::protocols::raft::{RaftSummary, Role};
use crate::sim::{Links, LossReason, MessageId, NodeId, Time};
use crate::ui::lab::format_ms;

/// A message's kind as drawn: each has its own shape and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgKind {
    /// RequestVote: a filled diamond.
    RequestVote,
    /// Pre-vote request: a hollow, dashed diamond.
    PreVote,
    /// RequestVote reply: a disc.
    Vote,
    /// Pre-vote reply: a dashed disc.
    PreVoteReply,
    /// AppendEntries carrying entries: an envelope.
    Append,
    /// AppendEntries without entries (heartbeat): a small hollow envelope.
    Heartbeat,
    /// AppendEntries reply: a triangle.
    AppendReply,
}

impl MsgKind {
    /// The kind of a message, and whether it says no (a denied vote, a rejected append),
    /// which is drawn hollow.
    pub fn of(summary: &RaftSummary) -> (MsgKind, bool) {
        match *summary {
            RaftSummary::RequestVote { pre_vote, .. } => (
                if pre_vote {
                    MsgKind::PreVote
                } else {
                    MsgKind::RequestVote
                },
                false,
            ),
            RaftSummary::Vote {
                pre_vote, granted, ..
            } => (
                if pre_vote {
                    MsgKind::PreVoteReply
                } else {
                    MsgKind::Vote
                },
                !granted,
            ),
            RaftSummary::AppendEntries { count: 0, .. } => (MsgKind::Heartbeat, false),
            RaftSummary::AppendEntries { .. } => (MsgKind::Append, false),
            RaftSummary::AppendReply { success, .. } => (MsgKind::AppendReply, !success),
        }
    }

    /// Its CSS class (colour and stroke style).
    pub fn class(self) -> &'static str {
        match self {
            MsgKind::RequestVote => "msg-rv",
            MsgKind::PreVote => "msg-pv",
            MsgKind::Vote => "msg-vote",
            MsgKind::PreVoteReply => "msg-pvote",
            MsgKind::Append => "msg-ae",
            MsgKind::Heartbeat => "msg-hb",
            MsgKind::AppendReply => "msg-aer",
        }
    }
}

/// The shape of a message kind, centred on (0, 0), `r` being half its size.
pub fn msg_shape(kind: MsgKind, r: f64) -> Html {
    match kind {
        MsgKind::RequestVote | MsgKind::PreVote => {
            let d = r * 1.3;
            html! { <path class="msg-shape" d={format!("M0 {:.1}L{d:.1} 0L0 {d:.1}L{:.1} 0Z", -d, -d)} /> }
        }
        MsgKind::Vote | MsgKind::PreVoteReply => {
            html! { <circle class="msg-shape" r={format!("{r:.1}")} /> }
        }
        MsgKind::Append => {
            let (w, h) = (r * 1.5, r * 1.05);
            html! {
                <>
                    <rect class="msg-shape" x={format!("{:.1}", -w)} y={format!("{:.1}", -h)}
                          width={format!("{:.1}", 2.0 * w)} height={format!("{:.1}", 2.0 * h)} rx="1.5" />
                    <path class="msg-flap" d={format!("M{:.1} {:.1}L0 {:.1}L{w:.1} {:.1}", -w, -h, h * 0.15, -h)} />
                </>
            }
        }
        MsgKind::Heartbeat => {
            let (w, h) = (r * 1.1, r * 0.8);
            html! {
                <rect class="msg-shape" x={format!("{:.1}", -w)} y={format!("{:.1}", -h)}
                      width={format!("{:.1}", 2.0 * w)} height={format!("{:.1}", 2.0 * h)} rx="1.5" />
            }
        }
        MsgKind::AppendReply => {
            let s = r * 1.25;
            html! {
                <path class="msg-shape"
                      d={format!("M0 {:.1}L{:.1} {:.1}L{:.1} {:.1}Z", -s, s, s * 0.8, -s, s * 0.8)} />
            }
        }
    }
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
    /// Its role.
    pub role: Role,
    /// `current_term`.
    pub term: u64,
    /// `voted_for` in the current term.
    pub voted_for: Option<NodeId>,
    /// Votes (or pre-votes) won in its current campaign.
    pub votes: u32,
    /// Votes needed to win (a majority of the cluster).
    pub majority: u32,
    /// False while crashed.
    pub up: bool,
    /// Selected (its menu is open).
    pub selected: bool,
}

/// The role's words on the label (a star for the leader: colour is never the only cue);
/// `short` for the compact labels of a small figure.
pub fn role_words(role: Role, up: bool, short: bool) -> &'static str {
    match (up, role, short) {
        (false, _, false) => "✕ Crashed",
        (false, _, true) => "✕ Down",
        (true, Role::Leader, _) => "★ Leader",
        (true, Role::Candidate, false) => "Candidate",
        (true, Role::Candidate, true) => "Cand.",
        (true, Role::PreCandidate, false) => "Pre-candidate",
        (true, Role::PreCandidate, true) => "Pre-cand.",
        (true, Role::Follower, _) => "Follower",
    }
}

/// A node: its disc and name, its role's shape, and its label (role, term, vote) outside
/// the ring. Carries the hooks tests and the inspector rely on (`data-node`, `data-role`,
/// `data-term`, `data-up`) and is a keyboard-focusable button.
#[function_component(NodeMark)]
pub fn node_mark(props: &NodeProps) -> Html {
    let NodeProps {
        id,
        place,
        metrics: m,
        role,
        term,
        voted_for,
        votes,
        majority,
        up,
        selected,
    } = props.clone();
    let p = place.pos;
    let role_name = role.name();
    let campaigning = matches!(role, Role::Candidate | Role::PreCandidate);
    let vote = if campaigning && up {
        format!("{votes}/{majority}")
    } else {
        match voted_for {
            Some(v) => format!("S{v}"),
            None => "—".to_string(),
        }
    };
    let vote_line = match (m.tiny, campaigning && up, voted_for) {
        (true, _, _) => format!("t{term} · {vote}"),
        (false, true, _) => format!("votes {vote}"),
        (false, false, Some(_)) => format!("voted {vote}"),
        (false, false, None) => "no vote".to_string(),
    };
    let state = if up { "up" } else { "crashed" };
    let aria = format!("S{id}, {role}, term {term}, {state}");
    let mut title = format!("S{id}: {role} in term {term}");
    match voted_for {
        Some(v) => title.push_str(&format!(", voted for S{v} in this term")),
        None => title.push_str(", has not voted in this term"),
    }
    if campaigning && up {
        title.push_str(&format!(
            "; has {votes} {}vote{} and needs {majority}",
            if role == Role::PreCandidate {
                "pre-"
            } else {
                ""
            },
            if votes == 1 { "" } else { "s" }
        ));
    }
    if !up {
        title.push_str(". Crashed: it keeps only its term, vote and log");
    }
    title.push_str(". Click for actions.");
    let x = f1(p.x);
    let y = f1(p.y);
    let label = place.label;
    let lx = f1(label.x);
    let line = format!("{:.1}", m.line_px);
    let star = (up && role == Role::Leader).then(|| {
        let c = Point::new(p.x + m.node_r * 0.78, p.y - m.node_r * 0.78);
        html! { <path class="node-star" d={star_path(c, m.node_r * 0.42)} /> }
    });
    let cross = (!up).then(|| {
        let r = m.node_r * 0.5;
        html! {
            <path class="node-cross"
                  d={format!("M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}",
                             p.x - r, p.y - r, p.x + r, p.y + r, p.x - r, p.y + r, p.x + r, p.y - r)} />
        }
    });
    let inner = (up && role == Role::Candidate).then(|| {
        html! { <circle class="node-inner" cx={x.clone()} cy={y.clone()} r={f1(m.node_r - 4.0)} /> }
    });
    let name_y = if up { p.y } else { p.y - m.node_r * 0.05 };
    html! {
        <g class={classes!("cluster-node", format!("role-{role_name}"), (!up).then_some("down"),
                           selected.then_some("selected"))}
           data-node={id.to_string()} data-role={role_name} data-term={term.to_string()}
           data-up={up.to_string()} tabindex="0" role="button" aria-label={aria}
           aria-expanded={selected.to_string()}>
            <title>{ title }</title>
            <circle class="node-halo" cx={x.clone()} cy={y.clone()} r={f1(m.halo_r)} />
            <circle class="node-disc" cx={x.clone()} cy={y.clone()} r={f1(m.node_r)} />
            { inner }
            { cross }
            <text class="node-name" x={x.clone()} y={f1(name_y + m.font_px * 0.36)}
                  text-anchor="middle">{ format!("S{id}") }</text>
            { star }
            <text class="node-label" x={lx.clone()} y={f1(label.y)} text-anchor={label.anchor.svg()}>
                <tspan class="node-role">{ role_words(role, up, m.compact) }</tspan>
                if !m.tiny {
                    <tspan x={lx.clone()} dy={line.clone()}>
                        <tspan class={classes!("term-dot", format!("term-{}", term % 8))}>{ "● " }</tspan>
                        { format!("term {term}") }
                    </tspan>
                }
                <tspan x={lx} dy={line}>{ vote_line }</tspan>
            </text>
        </g>
    }
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
    /// What it is.
    pub summary: RaftSummary,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Sent at.
    pub sent_at: Time,
    /// Arrives at (none: waits for the user).
    pub arrives_at: Option<Time>,
    /// Half the shape's size.
    pub r: f64,
    /// Where its label goes, relative to the shape; none when labels are hidden.
    pub label: Option<(Point, Anchor)>,
    /// The link in its direction is cut now.
    pub doomed: bool,
}

/// A message's shape, label and hover text, drawn at (0, 0) inside its moving wrapper.
#[function_component(MessageBody)]
pub fn message_body(props: &MessageBodyProps) -> Html {
    let s = &props.summary;
    let (kind, negative) = MsgKind::of(s);
    let mut title = format!(
        "#{} S{} → S{}: {s}. Sent at {}",
        props.id,
        props.from,
        props.to,
        format_ms(props.sent_at)
    );
    match props.arrives_at {
        Some(t) => title.push_str(&format!(", arrives at {}.", format_ms(t))),
        None => title.push_str("; waiting for you to deliver or drop it."),
    }
    if props.doomed {
        title.push_str(&format!(
            " The link S{} → S{} is cut: unless it is repaired first, the message is lost.",
            props.from, props.to
        ));
    }
    let label = props.label.map(|(p, anchor)| {
        html! {
            <text class="msg-label" x={f1(p.x)} y={f1(p.y)} text-anchor={anchor.svg()}>{ s.label() }</text>
        }
    });
    html! {
        <>
            <title>{ title }</title>
            <circle class="msg-hit" r={f1(props.r * 2.2)} />
            <g class={classes!("msg-mark", kind.class(), negative.then_some("msg-no"))}>
                { msg_shape(kind, props.r) }
            </g>
            { label }
        </>
    }
}

/// Props of [`LostBody`].
#[derive(Properties, Clone, PartialEq)]
pub struct LostBodyProps {
    /// Message id.
    pub id: MessageId,
    /// What it was.
    pub summary: RaftSummary,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Why it was lost.
    pub reason: LossReason,
    /// When.
    pub at_ms: Time,
    /// Half the shape's size.
    pub r: f64,
}

/// A lost message where it died: its shape, hollow, with a red ✕.
#[function_component(LostBody)]
pub fn lost_body(props: &LostBodyProps) -> Html {
    let s = &props.summary;
    let (kind, _) = MsgKind::of(s);
    let title = format!(
        "#{} S{} → S{}: {s}, lost at {}: {}.",
        props.id,
        props.from,
        props.to,
        format_ms(props.at_ms),
        props.reason.words()
    );
    let r = props.r;
    html! {
        <>
            <title>{ title }</title>
            <g class={classes!("msg-mark", "msg-no", kind.class())}>{ msg_shape(kind, r) }</g>
            <path class="lost-cross"
                  d={format!("M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}", -r, -r, r, r, -r, r, r, -r)} />
        </>
    }
}
