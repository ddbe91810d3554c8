//! The figure's legend: what each node shape, link style and message shape means. It has
//! no props, so it renders once.

use yew::prelude::*;

use super::figure::{msg_shape, MsgKind};

/// A tiny node drawing for the legend.
fn node_icon(class: &'static str, inner: Html) -> Html {
    html! {
        <svg class="legend-icon" viewBox="-12 -12 24 24" width="24" height="24" aria-hidden="true">
            <g class={classes!("cluster-node", class)}>
                <circle class="node-disc" r="8" />
                { inner }
            </g>
        </svg>
    }
}

fn msg_icon(kind: MsgKind, negative: bool) -> Html {
    html! {
        <svg class="legend-icon" viewBox="-12 -12 24 24" width="24" height="24" aria-hidden="true">
            <g class={classes!("msg-mark", kind.class(), negative.then_some("msg-no"))}>
                { msg_shape(kind, 5.5) }
            </g>
        </svg>
    }
}

fn link_icon(class: &'static str, extra: Html) -> Html {
    html! {
        <svg class="legend-icon legend-wide" viewBox="0 -8 40 16" width="40" height="16" aria-hidden="true">
            <g class={classes!("cluster-link", class)}>{ extra }</g>
        </svg>
    }
}

/// The collapsible legend under the figure.
#[function_component(Legend)]
pub fn legend() -> Html {
    let star = html! {
        <path class="node-star" d="M5.5 -10.5L6.4 -8.2L8.9 -8.2L6.9 -6.7L7.6 -4.3L5.5 -5.7L3.4 -4.3L4.1 -6.7L2.1 -8.2L4.6 -8.2Z" />
    };
    let cross = html! { <path class="node-cross" d="M-4 -4L4 4M-4 4L4 -4" /> };
    let inner = html! { <circle class="node-inner" r="5" /> };
    let item = |icon: Html, text: &'static str| {
        html! { <li>{ icon }<span>{ text }</span></li> }
    };
    html! {
        <details class="cluster-legend">
            <summary>{ "Legend" }</summary>
            <div class="cluster-popover legend-body">
                <p class="popover-title">{ "Nodes" }</p>
                <ul class="legend-list">
                    { item(node_icon("role-follower", html!{}), "Follower") }
                    { item(node_icon("role-precandidate", html!{}), "Pre-candidate (dashed)") }
                    { item(node_icon("role-candidate", inner), "Candidate (double ring)") }
                    { item(node_icon("role-leader", star), "Leader (filled, ★)") }
                    { item(node_icon("down", cross), "Crashed (grey, ✕)") }
                </ul>
                <p class="legend-note">
                    { "The ring around a node is its election timer: it drains, and when it is empty the node starts an election. “votes 2/3”: votes won / votes needed." }
                </p>
                <p class="popover-title">{ "Links" }</p>
                <ul class="legend-list">
                    { item(link_icon("link-up", html! { <line class="link-line" x1="2" y1="0" x2="38" y2="0" /> }), "Working both ways") }
                    { item(link_icon("link-cut", html! {
                        <>
                            <line class="link-line link-broken" x1="2" y1="0" x2="15" y2="0" />
                            <line class="link-line link-broken" x1="25" y1="0" x2="38" y2="0" />
                            <path class="link-cross" d="M16.5 -3.5L23.5 3.5M16.5 3.5L23.5 -3.5" />
                        </>
                    }), "Cut both ways") }
                    { item(link_icon("link-oneway", html! {
                        <>
                            <line class="link-line link-broken" x1="2" y1="0" x2="15" y2="0" />
                            <line class="link-line" x1="25" y1="0" x2="38" y2="0" />
                            <path class="link-cross" d="M16.5 -3.5L23.5 3.5M16.5 3.5L23.5 -3.5" />
                            <path class="link-arrow" d="M33 0L26 -4L26 4Z" />
                        </>
                    }), "Cut one way (arrow: the way that is cut)") }
                </ul>
                <p class="popover-title">{ "Messages" }</p>
                <ul class="legend-list">
                    { item(msg_icon(MsgKind::RequestVote, false), "RequestVote (RV)") }
                    { item(msg_icon(MsgKind::PreVote, false), "Pre-vote request (PV)") }
                    { item(msg_icon(MsgKind::Vote, false), "Vote granted (hollow: denied)") }
                    { item(msg_icon(MsgKind::PreVoteReply, false), "Pre-vote reply") }
                    { item(msg_icon(MsgKind::Append, false), "AppendEntries with entries (AE)") }
                    { item(msg_icon(MsgKind::Heartbeat, false), "Heartbeat (HB)") }
                    { item(msg_icon(MsgKind::AppendReply, false), "AppendEntries reply (hollow: rejected)") }
                </ul>
                <p class="legend-note">
                    { "Messages keep to the right of their link. A lost message fades out with a ✕ where it died." }
                </p>
            </div>
        </details>
    }
}
