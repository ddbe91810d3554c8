//! The preset gallery: every protocol's presets, grouped by protocol, each with its title
//! and what to watch, in a modal dialog. Choosing one opens it from time 0.

use yew::prelude::*;

use super::modal::Modal;
use super::state::UiAction;
use crate::protocols::PROTOCOLS;
use crate::scenario::presets::{self, Preset};
use crate::scenario::Scenario;

/// Properties of [`Gallery`].
#[derive(Properties, Clone, PartialEq)]
pub struct GalleryProps {
    /// The protocol now running (its presets come first).
    pub current: &'static str,
    /// Where the chosen preset goes.
    pub on_action: Callback<UiAction>,
    /// Closes the gallery.
    pub on_close: Callback<()>,
}

/// The protocols in the order the gallery shows them: the running one first.
pub fn protocol_order(current: &str) -> Vec<&'static crate::protocols::Spec> {
    let mut order: Vec<_> = PROTOCOLS.to_vec();
    crate::sort::sort_by_key(&mut order, |p| p.name != current);
    order
}

/// The gallery (see the module docs).
#[function_component(Gallery)]
pub fn gallery(props: &GalleryProps) -> Html {
    let all = use_memo((), |_| presets::all());
    let open = |scenario: Scenario| {
        let on_action = props.on_action.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            on_action.emit(UiAction::Restart(scenario.clone()));
            on_close.emit(());
        })
    };
    let card = |p: &Preset| {
        html! {
            <li class="gallery-card">
                <button type="button" class="gallery-open" data-preset={p.id}
                        onclick={open(p.scenario.clone())}>
                    { &p.scenario.title }
                </button>
                <p class="gallery-watch">{ p.watch }</p>
            </li>
        }
    };
    let groups = protocol_order(props.current).into_iter().map(|spec| {
        let presets: Vec<&Preset> = all
            .iter()
            .filter(|p| p.scenario.protocol.name == spec.name)
            .collect();
        let default = Scenario::default_for(spec);
        html! {
            <section class="gallery-group" aria-labelledby={format!("gallery-{}", spec.name)}>
                <h3 class="gallery-protocol" id={format!("gallery-{}", spec.name)}>{ spec.title }</h3>
                <p class="gallery-summary">{ spec.summary }<span class="gallery-source">{ format!(" ({})", spec.source) }</span></p>
                <ul class="gallery-list">
                    <li class="gallery-card">
                        <button type="button" class="gallery-open" data-preset={format!("default:{}", spec.name)}
                                onclick={open(default)}>
                            { spec.default_title }
                        </button>
                        <p class="gallery-watch">{ spec.default_notes }</p>
                    </li>
                    { for presets.into_iter().map(card) }
                </ul>
            </section>
        }
    });
    html! {
        <Modal title="Preset gallery" title_id="gallery-title" class={classes!("gallery-dialog")}
               on_close={props.on_close.clone()}>
            <p class="gallery-lead">
                { "Each preset tells one story of its protocol, citing the paper. Open one to run it from the start; the notes above the figure say what to watch." }
            </p>
            { for groups }
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_protocol_comes_first_and_every_protocol_is_listed() {
        for spec in PROTOCOLS {
            let order = protocol_order(spec.name);
            assert_eq!(order[0].name, spec.name);
            assert_eq!(order.len(), PROTOCOLS.len());
        }
    }
}
