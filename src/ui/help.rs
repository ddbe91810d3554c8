//! The help overlay: the keyboard shortcuts and how to use the page, in a modal dialog.

use yew::prelude::*;

use super::hooks::SHORTCUTS;
use super::modal::Modal;

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
        "for its menu: crash or restart it, or use its protocol's own actions (in Raft: \
         time it out, send it a client request).",
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
        "Protocol and Gallery",
        "in the header and above the figure open another protocol, or a preset that tells \
         one story of it.",
    ),
    (
        "Copy link",
        "shares the exact run: the settings, every action you took, and the moment.",
    ),
    (
        "Settings",
        "change the cluster, the network and the protocol's options; \"Break the \
         protocol\" switches off one of its rules so you can watch what it protects.",
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
/// its Close button and on a click outside it (see [`Modal`]).
#[function_component(HelpOverlay)]
pub fn help_overlay(props: &HelpProps) -> Html {
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
        <Modal title="How to use Quorum Lab" title_id="help-title" on_close={props.on_close.clone()}>
            <ul class="help-howto">{ for how_to }</ul>
            <table class="help-keys">
                <caption>{ "Keyboard shortcuts" }</caption>
                <thead>
                    <tr><th scope="col">{ "Key" }</th><th scope="col">{ "What it does" }</th></tr>
                </thead>
                <tbody>{ for shortcuts }</tbody>
            </table>
        </Modal>
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
