//! The help overlay: the keyboard shortcuts and how to use the page, in a modal dialog.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::hooks::SHORTCUTS;

/// Properties of [`HelpOverlay`].
#[derive(Properties, Clone, PartialEq)]
pub struct HelpProps {
    /// Closes the overlay.
    pub on_close: Callback<()>,
}

/// How to use the page, one sentence each.
const HOW_TO: &[(&str, &str)] = &[
    (
        "Click a node",
        "for its menu: crash or restart it, time it out, or send it a client request.",
    ),
    (
        "Click a link",
        "between two nodes to cut it, and again to repair it.",
    ),
    (
        "Drag the timeline",
        "to go back in time. Acting in the past starts a new future from there.",
    ),
    (
        "Copy link",
        "shares the exact run: the settings, every action you took, and the moment.",
    ),
    (
        "Settings",
        "change the cluster, the network and Raft's options; \"Break the protocol\" \
         switches off one of Raft's rules so you can watch what it protects.",
    ),
];

/// A shortcut's key column as separate keys: "Home / End" → `Home`, " / ", `End`;
/// "1–9" → `1`, "–", `9`. Other text is one key.
pub(crate) fn key_parts(keys: &str) -> Vec<(bool, &str)> {
    for sep in [" / ", "–"] {
        if let Some((a, b)) = keys.split_once(sep) {
            if !a.is_empty() && !b.is_empty() {
                return vec![(true, a), (false, sep), (true, b)];
            }
        }
    }
    vec![(true, keys)]
}

/// The keyboard help, as a modal dialog. The app closes it on Escape; it also closes on
/// its Close button and on a click outside it. Focus moves to Close on opening, stays in
/// the dialog while it is open, and goes back where it was on closing.
#[function_component(HelpOverlay)]
pub fn help_overlay(props: &HelpProps) -> Html {
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            let previous = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
            move || {
                if let Some(el) = previous {
                    let _ = el.focus();
                }
            }
        });
    }
    let close = props.on_close.reform(|_: MouseEvent| ());
    let backdrop_ref = use_node_ref();
    let backdrop_click = {
        let on_close = props.on_close.clone();
        let backdrop_ref = backdrop_ref.clone();
        Callback::from(move |e: MouseEvent| {
            // Only a click on the backdrop itself, not one that bubbled up from the dialog.
            // (Yew delegates events, so `current_target` is not the backdrop: compare the
            // target with it instead.)
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            if target.is_some() && target == backdrop_ref.cast::<web_sys::Element>() {
                on_close.emit(());
            }
        })
    };
    // Close is the only control inside, so Tab keeps focus on it rather than letting it
    // wander to the page behind the modal.
    let trap_tab = {
        let close_ref = close_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Tab" {
                e.prevent_default();
                if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        })
    };

    let shortcuts = SHORTCUTS.iter().map(|(keys, what)| {
        let keys = key_parts(keys).into_iter().map(|(is_key, text)| {
            if is_key {
                html! { <kbd>{ text }</kbd> }
            } else {
                html! { <span class="help-key-sep">{ text }</span> }
            }
        });
        html! {
            <tr>
                <th scope="row">{ for keys }</th>
                <td>{ *what }</td>
            </tr>
        }
    });
    let how_to = HOW_TO.iter().map(|(lead, rest)| {
        html! { <li><strong>{ *lead }</strong>{ " " }{ *rest }</li> }
    });

    html! {
        <div class="help-backdrop" ref={backdrop_ref} onclick={backdrop_click}>
            <div class="help-dialog" role="dialog" aria-modal="true"
                 aria-labelledby="help-title" onkeydown={trap_tab}>
                <div class="help-head">
                    <h2 id="help-title" class="help-title">{ "How to use Quorum Lab" }</h2>
                    <button type="button" class="help-close" ref={close_ref} onclick={close}
                            autofocus=true>
                        { "Close" }
                    </button>
                </div>
                <ul class="help-howto">{ for how_to }</ul>
                <table class="help-keys">
                    <caption>{ "Keyboard shortcuts" }</caption>
                    <thead>
                        <tr><th scope="col">{ "Key" }</th><th scope="col">{ "What it does" }</th></tr>
                    </thead>
                    <tbody>{ for shortcuts }</tbody>
                </table>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_columns_split_into_keys() {
        assert_eq!(
            key_parts("Home / End"),
            vec![(true, "Home"), (false, " / "), (true, "End")]
        );
        assert_eq!(
            key_parts("1–9"),
            vec![(true, "1"), (false, "–"), (true, "9")]
        );
        assert_eq!(key_parts("Space"), vec![(true, "Space")]);
        assert_eq!(key_parts("?"), vec![(true, "?")]);
    }

    #[test]
    fn every_shortcut_has_keys_and_words() {
        for (keys, what) in SHORTCUTS {
            assert!(!key_parts(keys).is_empty() && !what.is_empty());
        }
    }
}
