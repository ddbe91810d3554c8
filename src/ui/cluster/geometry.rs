//! Pure geometry of the cluster figure: where nodes, their labels and messages go.
//!
//! Everything here is plain arithmetic on the figure's size in CSS pixels (the SVG's
//! viewBox is kept equal to its rendered size, so one unit is one pixel and text keeps
//! its size on every screen). Being free of the DOM, it is unit-tested natively.

use std::f64::consts::{PI, TAU};

use crate::sim::Time;

/// Where a message waiting for the user (manual network mode) sits along its link: the
/// middle, as the engine records for a waiting message that is dropped.
pub const MANUAL_WAIT_FRACTION: f64 = 0.5;

/// How long, in simulated milliseconds, a lost message stays visible fading out.
pub const LOST_FADE_MS: f64 = 80.0;

/// The least distance, in pixels, a message should visibly travel between two
/// neighbouring nodes; smaller sizes are used until the ring allows it.
const MIN_TRAVEL_PX: f64 = 40.0;

/// Spacing, in pixels, between messages waiting on the same link in manual mode.
const WAITING_SPACING_PX: f64 = 18.0;

/// A point in figure pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Rightwards.
    pub x: f64,
    /// Downwards.
    pub y: f64,
}

impl Point {
    /// The point `(x, y)`.
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// Horizontal alignment of a text block (SVG's `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The text starts at the anchor point and runs right.
    Start,
    /// The text is centred on the anchor point.
    Middle,
    /// The text ends at the anchor point.
    End,
}

impl Anchor {
    /// The value of SVG's `text-anchor`.
    pub fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }

    /// The horizontal extent of a block `width` wide aligned this way at `x`.
    fn span(self, x: f64, width: f64) -> (f64, f64) {
        match self {
            Anchor::Start => (x, x + width),
            Anchor::Middle => (x - width / 2.0, x + width / 2.0),
            Anchor::End => (x - width, x),
        }
    }

    /// The anchor for something placed in direction `d` (a unit component) from its owner:
    /// text to the right of a node starts there, text to its left ends there.
    fn for_direction(d: f64, threshold: f64) -> Anchor {
        if d > threshold {
            Anchor::Start
        } else if d < -threshold {
            Anchor::End
        } else {
            Anchor::Middle
        }
    }
}

/// Sizes of the drawing, chosen once per figure size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// True on small figures (phones): smaller nodes and text.
    pub compact: bool,
    /// True when even that is too big (many nodes on a phone): two short label lines.
    pub tiny: bool,
    /// Radius of a node's disc.
    pub node_r: f64,
    /// Radius of the election-timer ring around it.
    pub ring_r: f64,
    /// Radius of the selection halo.
    pub halo_r: f64,
    /// Radius that nothing else may enter (the halo plus its stroke).
    pub outer_r: f64,
    /// Font size of node labels, in pixels.
    pub font_px: f64,
    /// Distance between label baselines.
    pub line_px: f64,
    /// Lines in a node label: role, term, vote.
    pub label_lines: u32,
    /// The widest a node label line gets ("Pre-candidate"; "Pre-cand." when compact).
    pub label_w: f64,
    /// Gap between a node's outer radius and its label.
    pub label_gap: f64,
    /// How far a message travels to the right of its link's centre line, so that the two
    /// directions of a link never overlap.
    pub lane_px: f64,
    /// Half the size of a message's shape.
    pub msg_r: f64,
    /// Font size of message labels.
    pub msg_font_px: f64,
}

impl Metrics {
    /// The sizes for a figure of `width` × `height` pixels.
    pub fn for_size(width: f64, height: f64) -> Metrics {
        if width < 560.0 || height < 340.0 {
            Metrics {
                compact: true,
                tiny: false,
                node_r: 16.0,
                ring_r: 20.0,
                halo_r: 24.0,
                outer_r: 25.5,
                font_px: 12.0,
                line_px: 14.0,
                label_lines: 3,
                label_w: 66.0,
                label_gap: 3.0,
                lane_px: 5.0,
                msg_r: 5.5,
                msg_font_px: 12.0,
            }
        } else {
            Metrics {
                compact: false,
                tiny: false,
                node_r: 22.0,
                ring_r: 27.0,
                halo_r: 31.0,
                outer_r: 32.5,
                font_px: 13.0,
                line_px: 15.5,
                label_lines: 3,
                label_w: 96.0,
                label_gap: 4.0,
                lane_px: 6.5,
                msg_r: 6.5,
                msg_font_px: 12.0,
            }
        }
    }

    /// The smallest sizes, for many nodes in a small figure: two short label lines
    /// ("Pre-cand.", "t3 · S2").
    pub fn tiny() -> Metrics {
        Metrics {
            compact: true,
            tiny: true,
            node_r: 14.0,
            ring_r: 17.5,
            halo_r: 21.0,
            outer_r: 22.5,
            font_px: 12.0,
            line_px: 14.0,
            label_lines: 2,
            label_w: 62.0,
            label_gap: 2.0,
            lane_px: 4.5,
            msg_r: 5.0,
            msg_font_px: 12.0,
        }
    }

    /// The height of a node label block.
    pub fn label_h(&self) -> f64 {
        self.line_px * (self.label_lines as f64 - 1.0) + self.font_px * 1.2
    }
}

/// Where a node's label block goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelPlace {
    /// The x of every line (their alignment is `anchor`).
    pub x: f64,
    /// The baseline of the first line.
    pub y: f64,
    /// The lines' alignment.
    pub anchor: Anchor,
    /// The block's box: left, top, right, bottom.
    pub bbox: (f64, f64, f64, f64),
}

/// One node's place in the figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodePlace {
    /// The node's centre.
    pub pos: Point,
    /// The angle of the node on the ring (radians, 0 = right, clockwise as y grows down).
    pub angle: f64,
    /// Its label, outside the ring so that links and messages never cross it.
    pub label: LabelPlace,
}

/// The whole figure's layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Figure width in pixels (the viewBox width).
    pub width: f64,
    /// Figure height in pixels.
    pub height: f64,
    /// The ring's centre.
    pub center: Point,
    /// The ring's smaller radius.
    pub radius: f64,
    /// The ring's horizontal radius.
    pub rx: f64,
    /// The ring's vertical radius.
    pub ry: f64,
    /// Sizes.
    pub metrics: Metrics,
    /// Node `i + 1` is `nodes[i]`.
    pub nodes: Vec<NodePlace>,
}

impl Layout {
    /// The place of node `id` (1-based), if the cluster has it.
    pub fn node(&self, id: u32) -> Option<&NodePlace> {
        self.nodes.get((id as usize).checked_sub(1)?)
    }
}

/// The angle of node `i` (0-based) of `n` on the ring: the first at the top, the rest
/// clockwise, as on a clock face.
pub fn node_angle(i: u32, n: u32) -> f64 {
    -PI / 2.0 + TAU * i as f64 / n.max(1) as f64
}

/// A node's label place relative to its centre, for a node at `angle`. With `beside`, a
/// node at the top or bottom of the ring has its label to its right rather than above or
/// below it, which leaves the ring more height.
fn label_offset(angle: f64, m: &Metrics, beside: bool) -> LabelPlace {
    let (s, c) = angle.sin_cos();
    let reach = m.outer_r + m.label_gap;
    let h = m.label_h();
    if beside && c.abs() < 0.2 {
        let top = -h / 2.0;
        return LabelPlace {
            x: reach,
            y: top + m.font_px * 0.95,
            anchor: Anchor::Start,
            bbox: (reach, top, reach + m.label_w, top + h),
        };
    }
    let ax = reach * c;
    let ay = reach * s;
    let anchor = Anchor::for_direction(c, 0.2);
    // The block grows away from the ring: upwards above it, downwards below it, and
    // centred on the node's height at its sides.
    let top = if s < -0.35 {
        ay - h
    } else if s > 0.35 {
        ay
    } else {
        ay - h / 2.0
    };
    // A block above or below a node is centred on it.
    let ax = if anchor == Anchor::Middle { 0.0 } else { ax };
    let (left, right) = anchor.span(ax, m.label_w);
    LabelPlace {
        x: ax,
        y: top + m.font_px * 0.95,
        anchor,
        bbox: (left, top, right, top + h),
    }
}

/// The box a node and its label take, relative to the node's centre.
fn node_box(label: &LabelPlace, m: &Metrics) -> (f64, f64, f64, f64) {
    let (l, t, r, b) = label.bbox;
    (
        l.min(-m.outer_r),
        t.min(-m.outer_r),
        r.max(m.outer_r),
        b.max(m.outer_r),
    )
}

/// The shapes of ring tried, as height over width: a circle first, and ellipses for
/// figures much wider or taller than square, where a circle would crowd its nodes.
const ASPECTS: [f64; 9] = [1.0, 0.9, 0.8, 0.7, 0.62, 1.12, 1.25, 1.4, 1.6];

/// One node's direction on the ring and the box of its disc and label around its centre.
#[derive(Clone, Copy)]
struct Slot {
    c: f64,
    s: f64,
    bbox: (f64, f64, f64, f64),
}

/// The figure's box (left, top, right, bottom) around the ring's centre for radii
/// `rx` × `ry`.
fn extent(slots: &[Slot], rx: f64, ry: f64) -> (f64, f64, f64, f64) {
    let mut b = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for slot in slots {
        let (x, y) = (rx * slot.c, ry * slot.s);
        let (l, t, r, bo) = slot.bbox;
        b = (
            b.0.min(x + l),
            b.1.min(y + t),
            b.2.max(x + r),
            b.3.max(y + bo),
        );
    }
    b
}

/// A candidate layout: the largest ring of shape `aspect` that fits, if nothing on it
/// overlaps.
struct Candidate {
    rx: f64,
    ry: f64,
    center: Point,
    nodes: Vec<NodePlace>,
    /// The distance between the closest two nodes.
    spacing: f64,
    /// Larger is better: the spacing, discounted for a ring far from a circle.
    score: f64,
    clear: bool,
}

fn candidate(
    n: u32,
    width: f64,
    height: f64,
    margin: f64,
    m: &Metrics,
    (aspect, beside): (f64, bool),
) -> Candidate {
    let slots: Vec<Slot> = (0..n)
        .map(|i| {
            let angle = node_angle(i, n);
            let (s, c) = if n == 1 { (0.0, 0.0) } else { angle.sin_cos() };
            Slot {
                c,
                s,
                bbox: node_box(&label_offset(angle, m, beside), m),
            }
        })
        .collect();
    let avail_w = width - 2.0 * margin;
    let avail_h = height - 2.0 * margin;
    let fits = |rx: f64| {
        let (l, t, r, b) = extent(&slots, rx, rx * aspect);
        r - l <= avail_w && b - t <= avail_h
    };
    // The box's width and height are convex in the radius and smallest near 0, so the
    // radii that fit form an interval starting at 0: bisect for its upper end.
    let mut lo = 0.0;
    if n > 1 && fits(0.0) {
        let mut hi = width.max(height);
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if fits(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }
    let (rx, ry) = (lo, lo * aspect);
    let (l, t, r, b) = extent(&slots, rx, ry);
    // Centre the figure's box (not the ring) in the space there is.
    let center = Point::new(
        (width - (r - l)) / 2.0 - l,
        ((height - (b - t)) / 2.0 - t).max(margin - t),
    );
    let nodes: Vec<NodePlace> = (0..n)
        .map(|i| {
            let angle = node_angle(i, n);
            let slot = slots[i as usize];
            let pos = Point::new(center.x + rx * slot.c, center.y + ry * slot.s);
            let mut label = label_offset(angle, m, beside);
            label.x += pos.x;
            label.y += pos.y;
            let (l, t, r, b) = label.bbox;
            label.bbox = (l + pos.x, t + pos.y, r + pos.x, b + pos.y);
            NodePlace { pos, angle, label }
        })
        .collect();
    let clear = n == 1 || is_clear(&nodes, m);
    let spacing = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, p)| nodes[i + 1..].iter().map(move |q| (p.pos, q.pos)))
        .map(|(p, q)| ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt())
        .fold(rx.min(ry) * 2.0, f64::min);
    let score = spacing * (1.0 - 0.3 * aspect.ln().abs());
    Candidate {
        rx,
        ry,
        center,
        nodes,
        spacing,
        score,
        clear,
    }
}

/// True when no two nodes touch and no label covers another label or a node.
fn is_clear(nodes: &[NodePlace], m: &Metrics) -> bool {
    let disc = |p: &NodePlace| {
        let r = m.ring_r + 2.0;
        (p.pos.x - r, p.pos.y - r, p.pos.x + r, p.pos.y + r)
    };
    let overlaps = |a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)| {
        a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
    };
    for (i, p) in nodes.iter().enumerate() {
        for q in &nodes[i + 1..] {
            let d = ((p.pos.x - q.pos.x).powi(2) + (p.pos.y - q.pos.y).powi(2)).sqrt();
            if d < 2.0 * m.outer_r + 2.0
                || overlaps(p.label.bbox, q.label.bbox)
                || overlaps(p.label.bbox, disc(q))
                || overlaps(q.label.bbox, disc(p))
            {
                return false;
            }
        }
    }
    true
}

/// How big a node's label block is: its lines (the role badge and the key values) and
/// the most characters on one of them. The protocol's view decides both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LabelSize {
    /// Lines, the badge included.
    pub lines: u32,
    /// The most characters on a line.
    pub chars: u32,
}

impl Default for LabelSize {
    /// Raft's: "Pre-candidate", "term 12", "voted S3".
    fn default() -> Self {
        LabelSize {
            lines: 3,
            chars: 13,
        }
    }
}

impl Metrics {
    /// These sizes with room for labels of `label` (the tiny sizes keep their two short
    /// lines).
    fn fit(mut self, label: LabelSize) -> Metrics {
        if !self.tiny {
            self.label_lines = label.lines.clamp(2, 5);
            // About 0.57 em a character in the page's sans-serif.
            self.label_w = self.label_w.max(label.chars as f64 * self.font_px * 0.57);
        }
        self
    }
}

/// The layout of `n` nodes in a figure of `width` × `height` pixels with labels of
/// `label`: the largest ring (a circle, or an ellipse when that spreads the nodes much
/// better) whose nodes and labels all fit, centred, with nothing overlapping. A figure
/// too small for that gets the compact sizes, and a tiny one the best it can.
pub fn layout(n: u32, width: f64, height: f64, label: LabelSize) -> Layout {
    let n = n.max(1);
    let width = width.max(1.0);
    let height = height.max(1.0);
    let full = Metrics::for_size(width, height).fit(label);
    let compact = Metrics::for_size(0.0, 0.0).fit(label);
    let mut tries = vec![full];
    if !full.compact {
        tries.push(compact);
    }
    tries.push(Metrics::tiny());
    // The richest sizes whose ring leaves messages room to travel win; failing that, the
    // clear layout with the most room, and failing that, the least bad one.
    let mut best: Option<(Metrics, Candidate)> = None;
    for m in tries {
        let margin = if m.compact { 4.0 } else { 10.0 };
        let mut tier: Option<Candidate> = None;
        let shapes = ASPECTS.iter().flat_map(|&a| [(a, false), (a, true)]);
        for shape in shapes {
            let c = candidate(n, width, height, margin, &m, shape);
            if tier
                .as_ref()
                .is_none_or(|b| (c.clear, c.score) > (b.clear, b.score))
            {
                tier = Some(c);
            }
        }
        let Some(c) = tier else { continue };
        let roomy = c.clear && (n < 2 || c.spacing >= 2.0 * m.outer_r + MIN_TRAVEL_PX);
        let better = best
            .as_ref()
            .is_none_or(|(_, b)| (c.clear, c.spacing) > (b.clear, b.spacing));
        if roomy {
            best = Some((m, c));
            break;
        }
        if better {
            best = Some((m, c));
        }
    }
    let (metrics, c) = best.expect("at least one candidate");
    Layout {
        width,
        height,
        center: c.center,
        radius: c.rx.min(c.ry),
        rx: c.rx,
        ry: c.ry,
        metrics,
        nodes: c.nodes,
    }
}

/// How far along its link a message in flight is, from 0 (just sent) to 1 (arriving):
/// its true fraction of the latency at display time. A message without an arrival time
/// waits for the user (manual mode) and sits at [`MANUAL_WAIT_FRACTION`].
pub fn flight_fraction(display_ms: f64, sent_at: Time, arrives_at: Option<Time>) -> f64 {
    match arrives_at {
        None => MANUAL_WAIT_FRACTION,
        Some(arrives) if arrives > sent_at => {
            ((display_ms - sent_at as f64) / (arrives - sent_at) as f64).clamp(0.0, 1.0)
        }
        Some(_) => 1.0,
    }
}

/// Where the `k`-th of `count` messages waiting on one directed link sits (manual mode):
/// spread around [`MANUAL_WAIT_FRACTION`] so they do not cover each other, within the
/// link's drawable `length_px`.
pub fn waiting_fraction(k: usize, count: usize, length_px: f64) -> f64 {
    if count <= 1 || length_px <= 0.0 {
        return MANUAL_WAIT_FRACTION;
    }
    let step = (WAITING_SPACING_PX / length_px).min(0.8 / (count - 1) as f64);
    let offset = k as f64 - (count - 1) as f64 / 2.0;
    (MANUAL_WAIT_FRACTION + offset * step).clamp(0.05, 0.95)
}

/// The remaining share of a timer armed at `set_at` to fire at `due`, at display time:
/// 1 when just armed, 0 when firing. The ring is drawn this full.
pub fn timer_remaining(display_ms: f64, set_at: Time, due: Time) -> f64 {
    if due <= set_at {
        return 0.0;
    }
    ((due as f64 - display_ms) / (due - set_at) as f64).clamp(0.0, 1.0)
}

/// The visible part of the link from `a` to `b`: it starts and ends outside both nodes,
/// so messages never hide a node. Returns the start, the end and the unit direction.
pub fn link_segment(a: Point, b: Point, outer_r: f64) -> (Point, Point, Point) {
    let dx = b.x - a.x;
    let dy = b.y - a.y;
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 {
        return (a, b, Point::new(1.0, 0.0));
    }
    let u = Point::new(dx / len, dy / len);
    // Never let the two trimmed ends cross on very short links.
    let trim = outer_r.min(len / 2.0 - 1.0).max(0.0);
    (
        Point::new(a.x + u.x * trim, a.y + u.y * trim),
        Point::new(b.x - u.x * trim, b.y - u.y * trim),
        u,
    )
}

/// The right-hand normal of direction `u` on screen (y grows downwards): messages keep to
/// the right of their link, like traffic, so the two directions never overlap.
pub fn right_normal(u: Point) -> Point {
    Point::new(-u.y, u.x)
}

/// Where a message from `a` to `b` is drawn at `fraction` of its way, in its lane.
pub fn message_point(a: Point, b: Point, fraction: f64, m: &Metrics) -> Point {
    let (start, end, u) = link_segment(a, b, m.outer_r);
    let nrm = right_normal(u);
    let f = fraction.clamp(0.0, 1.0);
    Point::new(
        start.x + (end.x - start.x) * f + nrm.x * m.lane_px,
        start.y + (end.y - start.y) * f + nrm.y * m.lane_px,
    )
}

/// The drawable length of the link between two nodes (between their outer radii).
pub fn link_length(a: Point, b: Point, m: &Metrics) -> f64 {
    let (s, e, _) = link_segment(a, b, m.outer_r);
    ((e.x - s.x).powi(2) + (e.y - s.y).powi(2)).sqrt()
}

/// Where a message's label goes: beside its shape, further out on the lane's side, with
/// the text growing away from the link. Returns the point (x, baseline) and the anchor.
pub fn message_label(a: Point, b: Point, at: Point, m: &Metrics) -> (Point, Anchor) {
    let (_, _, u) = link_segment(a, b, m.outer_r);
    let nrm = right_normal(u);
    let reach = m.msg_r + 3.0;
    let x = at.x + nrm.x * reach;
    let y = at.y + nrm.y * reach;
    let anchor = Anchor::for_direction(nrm.x, 0.35);
    // Below the shape the text hangs from the point, above it sits on it, and beside it
    // it is centred on the shape's height.
    let baseline = if nrm.y > 0.35 {
        y + m.msg_font_px * 0.85
    } else if nrm.y < -0.35 {
        y - 1.0
    } else {
        y + m.msg_font_px * 0.35
    };
    (Point::new(x, baseline), anchor)
}

/// The opacity of a lost message `age_ms` after it was lost: fading to nothing over
/// [`LOST_FADE_MS`]. None once it is gone.
pub fn lost_opacity(age_ms: f64) -> Option<f64> {
    if !(0.0..LOST_FADE_MS).contains(&age_ms) {
        return None;
    }
    Some(1.0 - age_ms / LOST_FADE_MS)
}

/// A point `t` of the way from `a` to `b`.
pub fn lerp(a: Point, b: Point, t: f64) -> Point {
    Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
}

/// The `stroke-dasharray` that shows `fraction` of a circle of radius `r`.
pub fn ring_dash(r: f64, fraction: f64) -> (f64, f64) {
    let circumference = TAU * r;
    let on = circumference * fraction.clamp(0.0, 1.0);
    (on, circumference)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
        a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
    }

    fn node_disc(p: &NodePlace, m: &Metrics) -> (f64, f64, f64, f64) {
        let r = m.ring_r + 2.0;
        (p.pos.x - r, p.pos.y - r, p.pos.x + r, p.pos.y + r)
    }

    /// The sizes the figure gets: a 1280×800 desktop, a narrow laptop, a phone.
    const SIZES: [(f64, f64); 4] = [
        (860.0, 470.0),
        (700.0, 420.0),
        (358.0, 330.0),
        (358.0, 400.0),
    ];

    #[test]
    fn the_first_node_is_at_the_top_and_the_rest_go_clockwise() {
        let l = layout(4, 800.0, 600.0, LabelSize::default());
        let [s1, s2, s3, s4] = [&l.nodes[0], &l.nodes[1], &l.nodes[2], &l.nodes[3]];
        assert!(s1.pos.y < s2.pos.y && (s1.pos.x - l.center.x).abs() < 1e-6);
        assert!(s2.pos.x > l.center.x, "S2 is on the right");
        assert!(s3.pos.y > l.center.y, "S3 is at the bottom");
        assert!(s4.pos.x < l.center.x, "S4 is on the left");
    }

    #[test]
    fn one_node_sits_in_the_middle() {
        let l = layout(1, 800.0, 500.0, LabelSize::default());
        assert_eq!(l.radius, 0.0);
        let p = l.nodes[0].pos;
        assert!(
            (p.x - 400.0).abs() < 60.0 && (p.y - 250.0).abs() < 60.0,
            "{p:?}"
        );
    }

    #[test]
    fn nodes_and_labels_fit_inside_the_figure_without_overlapping() {
        for (w, h) in SIZES {
            for n in 1..=9 {
                let l = layout(n, w, h, LabelSize::default());
                let m = l.metrics;
                for (i, p) in l.nodes.iter().enumerate() {
                    let (left, top, right, bottom) = p.label.bbox;
                    assert!(
                        left >= -0.5 && top >= -0.5 && right <= w + 0.5 && bottom <= h + 0.5,
                        "{n} nodes in {w}×{h}: S{}'s label {:?} leaves the figure",
                        i + 1,
                        p.label.bbox
                    );
                    for (j, q) in l.nodes.iter().enumerate() {
                        if i == j {
                            continue;
                        }
                        assert!(
                            !overlaps(p.label.bbox, q.label.bbox),
                            "{n} nodes in {w}×{h}: labels of S{} and S{} overlap",
                            i + 1,
                            j + 1
                        );
                        assert!(
                            !overlaps(p.label.bbox, node_disc(q, &m)),
                            "{n} nodes in {w}×{h}: S{}'s label covers S{}",
                            i + 1,
                            j + 1
                        );
                        let d = ((p.pos.x - q.pos.x).powi(2) + (p.pos.y - q.pos.y).powi(2)).sqrt();
                        assert!(
                            d >= 2.0 * m.outer_r,
                            "{n} nodes in {w}×{h}: S{} touches S{}",
                            i + 1,
                            j + 1
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn labels_stay_outside_the_ring_where_links_run() {
        for (w, h) in SIZES {
            for n in 3..=9 {
                let l = layout(n, w, h, LabelSize::default());
                for p in &l.nodes {
                    // The label's nearest point to the centre is hardly closer than its node.
                    let (left, top, right, bottom) = p.label.bbox;
                    let cx = l.center.x.clamp(left, right);
                    let cy = l.center.y.clamp(top, bottom);
                    let d = ((cx - l.center.x).powi(2) + (cy - l.center.y).powi(2)).sqrt();
                    let node =
                        ((p.pos.x - l.center.x).powi(2) + (p.pos.y - l.center.y).powi(2)).sqrt();
                    assert!(
                        d >= node * 0.75,
                        "{n} nodes in {w}×{h}: a label reaches into the ring ({d} < {node})"
                    );
                }
            }
        }
    }

    #[test]
    fn the_desktop_figure_uses_the_full_sizes_and_a_generous_ring() {
        let l = layout(5, 860.0, 470.0, LabelSize::default());
        assert!(!l.metrics.compact);
        assert!(l.radius > 130.0, "radius {}", l.radius);
        // Nine nodes still leave every message a visible way to go.
        let l = layout(9, 860.0, 470.0, LabelSize::default());
        let m = l.metrics;
        let (a, b) = (l.nodes[0].pos, l.nodes[1].pos);
        assert!(link_length(a, b, &m) >= 39.0, "{}", link_length(a, b, &m));
    }

    #[test]
    fn the_fraction_follows_display_time_and_stays_between_0_and_1() {
        assert_eq!(flight_fraction(100.0, 100, Some(120)), 0.0);
        assert_eq!(flight_fraction(110.0, 100, Some(120)), 0.5);
        assert_eq!(flight_fraction(125.0, 100, Some(120)), 1.0);
        assert_eq!(flight_fraction(90.0, 100, Some(120)), 0.0);
        assert_eq!(flight_fraction(100.0, 100, Some(100)), 1.0);
        assert_eq!(flight_fraction(5_000.0, 100, None), MANUAL_WAIT_FRACTION);
    }

    #[test]
    fn waiting_messages_spread_around_the_middle() {
        assert_eq!(waiting_fraction(0, 1, 200.0), 0.5);
        let fs: Vec<f64> = (0..3).map(|k| waiting_fraction(k, 3, 200.0)).collect();
        assert!(fs[0] < fs[1] && fs[1] < fs[2]);
        assert!((fs[1] - 0.5).abs() < 1e-9);
        assert!((fs[2] - fs[1]) * 200.0 >= WAITING_SPACING_PX - 1e-9);
        // Many on a short link still stay on it.
        for k in 0..20 {
            let f = waiting_fraction(k, 20, 50.0);
            assert!((0.05..=0.95).contains(&f));
        }
    }

    #[test]
    fn the_timer_ring_drains_from_full_to_empty() {
        assert_eq!(timer_remaining(100.0, 100, 300), 1.0);
        assert_eq!(timer_remaining(200.0, 100, 300), 0.5);
        assert_eq!(timer_remaining(400.0, 100, 300), 0.0);
        assert_eq!(timer_remaining(100.0, 100, 100), 0.0);
    }

    #[test]
    fn messages_keep_right_so_the_two_directions_never_meet() {
        let m = Metrics::for_size(800.0, 600.0);
        let a = Point::new(100.0, 100.0);
        let b = Point::new(400.0, 100.0);
        let there = message_point(a, b, 0.5, &m);
        let back = message_point(b, a, 0.5, &m);
        assert!((there.x - back.x).abs() < 1e-9);
        assert!((there.y - back.y).abs() >= 2.0 * m.lane_px - 1e-9);
        // Moving right on screen, the right-hand side is below.
        assert!(there.y > 100.0);
    }

    #[test]
    fn messages_start_and_end_outside_the_nodes() {
        let m = Metrics::for_size(800.0, 600.0);
        let a = Point::new(100.0, 100.0);
        let b = Point::new(400.0, 100.0);
        let start = message_point(a, b, 0.0, &m);
        let end = message_point(a, b, 1.0, &m);
        assert!(start.x - a.x >= m.outer_r - 1e-9);
        assert!(b.x - end.x >= m.outer_r - 1e-9);
        // A link shorter than two nodes never flips.
        let (s, e, _) = link_segment(a, Point::new(110.0, 100.0), m.outer_r);
        assert!(s.x <= e.x);
    }

    #[test]
    fn a_message_label_sits_on_its_lane_side() {
        let m = Metrics::for_size(800.0, 600.0);
        let a = Point::new(100.0, 100.0);
        let b = Point::new(400.0, 100.0);
        let at = message_point(a, b, 0.5, &m);
        let (p, anchor) = message_label(a, b, at, &m);
        assert_eq!(anchor, Anchor::Middle);
        assert!(p.y > at.y, "moving right, the label hangs below");
        // Going down the screen, the right-hand side is to the left: text ends there.
        let c = Point::new(100.0, 400.0);
        let at = message_point(a, c, 0.5, &m);
        let (p, anchor) = message_label(a, c, at, &m);
        assert_eq!(anchor, Anchor::End);
        assert!(p.x < at.x);
    }

    #[test]
    fn lost_messages_fade_out_then_vanish() {
        assert_eq!(lost_opacity(0.0), Some(1.0));
        assert!(lost_opacity(LOST_FADE_MS / 2.0).unwrap() > 0.4);
        assert_eq!(lost_opacity(LOST_FADE_MS), None);
        assert_eq!(lost_opacity(-1.0), None);
    }

    #[test]
    fn the_ring_dash_shows_the_remaining_share() {
        let (on, total) = ring_dash(10.0, 0.25);
        assert!((total - TAU * 10.0).abs() < 1e-9);
        assert!((on - total / 4.0).abs() < 1e-9);
        assert_eq!(ring_dash(10.0, 2.0).0, ring_dash(10.0, 1.0).0);
    }
}
