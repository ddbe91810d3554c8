//! The figure's legend: what each node look, link style and message shape means, as its
//! protocol's spec lists them. It re-renders only when the protocol changes.

use yew::prelude::*;

use super::figure::{look_classes, shape_defs, symbol_id};
use crate::protocols::view::{MessageLook, Tone};
use crate::scenario::ProtocolRef;

/// The prefix of the legend's own message symbols (drawn smaller than the figure's).
const DEFS: &str = "legend-msg";

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

/// The extra marks of a tone's drawing (see `figure::NodeMark`).
fn tone_icon(tone: Tone) -> Html {
    let inner = match tone {
        Tone::Active => html! { <circle class="node-inner" r="5" /> },
        Tone::Lead => html! {
            <path class="node-star" d="M5.5 -10.5L6.4 -8.2L8.9 -8.2L6.9 -6.7L7.6 -4.3L5.5 -5.7L3.4 -4.3L4.1 -6.7L2.1 -8.2L4.6 -8.2Z" />
        },
        Tone::Settled => html! { <path class="node-tick" d="M2 -7L4 -4.5L8.5 -9.5" /> },
        Tone::Idle | Tone::Tentative => html! {},
    };
    node_icon(tone.class(), inner)
}

fn msg_icon(look: MessageLook) -> Html {
    html! {
        <svg class="legend-icon" viewBox="-12 -12 24 24" width="24" height="24" aria-hidden="true">
            <use href={format!("#{}", symbol_id(look.shape, DEFS))} class={look_classes(look)} />
        </svg>
    }
}

/// Props of [`Legend`].
#[derive(Properties, Clone, PartialEq)]
pub struct LegendProps {
    /// The protocol whose looks it explains.
    pub spec: ProtocolRef,
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
pub fn legend(props: &LegendProps) -> Html {
    let legend = &props.spec.legend;
    let cross = html! { <path class="node-cross" d="M-4 -4L4 4M-4 4L4 -4" /> };
    let item = |icon: Html, text: &'static str| {
        html! { <li>{ icon }<span>{ text }</span></li> }
    };
    html! {
        <details class="cluster-legend">
            <summary>{ "Legend" }</summary>
            <div class="cluster-popover legend-body">
                <p class="popover-title">{ "Nodes" }</p>
                <ul class="legend-list">
                    { for legend.nodes.iter().map(|k| item(tone_icon(k.tone), k.words)) }
                    { item(node_icon("down", cross), "Crashed (grey, ✕)") }
                </ul>
                <p class="legend-note">{ legend.node_note }</p>
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
                <svg class="legend-defs" width="0" height="0" aria-hidden="true">
                    { shape_defs(DEFS, 5.5, false) }
                </svg>
                <ul class="legend-list">
                    { for legend.messages.iter().map(|k| item(msg_icon(k.look), k.words)) }
                </ul>
                <p class="legend-note">
                    { "Messages keep to the right of their link. A lost message fades out with a ✕ where it died." }
                </p>
            </div>
        </details>
    }
}
