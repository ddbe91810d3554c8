//! The page header: the product's name and what it is, in one line.

use yew::prelude::*;

use super::embed::EmbedDialog;
use super::files;
use super::icons::{Icon, IconView};
use super::lab::Tone;
use super::state::{LabState, UiAction};

/// The tagline under the name. `index.html` carries the same words as the page's description.
pub const TAGLINE: &str = "Distributed protocols, running live in your browser.";

/// Properties of [`SiteHeader`].
#[derive(Properties, Clone, PartialEq)]
pub struct HeaderProps {
    /// The run (for the link, the download).
    pub lab: LabState,
    /// Where intents go.
    pub on_action: Callback<UiAction>,
    /// Opens (true) or closes the keyboard help.
    pub on_help: Callback<bool>,
}

/// The site header: the name "Quorum Lab", its tagline, and the run's tools: copy a link
/// to this exact moment, embed it, download or open a scenario file, keyboard help.
#[function_component(SiteHeader)]
pub fn site_header(props: &HeaderProps) -> Html {
    let embed_open = use_state(|| false);
    let file_input = use_node_ref();

    let copy_link = {
        let lab = props.lab.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let link = lab.link(&page_base());
            let chars = link.chars().count();
            // A link's time is whole milliseconds; after single steps the world can be part
            // way through one, and the link then reopens at that millisecond's start.
            let moment = if lab.world().mid_tick() {
                format!(
                    "at the start of {} (you stepped part way into that millisecond)",
                    super::lab::format_ms(lab.world().now())
                )
            } else {
                "at this moment".to_string()
            };
            let on_action = on_action.clone();
            let shown = link.clone();
            files::copy_text(
                link,
                Callback::from(move |ok: bool| {
                    on_action.emit(if ok {
                        UiAction::Notify(
                            Tone::Info,
                            format!(
                                "Link copied ({chars} characters): it reopens this run {moment}."
                            ),
                        )
                    } else {
                        UiAction::Notify(
                            Tone::Warning,
                            format!("The browser did not allow copying; the link is: {shown}"),
                        )
                    })
                }),
            );
        })
    };
    let download = {
        let lab = props.lab.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let scenario = lab.current_scenario();
            let name = files::download_name(&scenario);
            if let Err(e) = files::download(&name, &scenario.to_json_pretty()) {
                on_action.emit(UiAction::Notify(
                    Tone::Error,
                    format!("Download failed: {e}."),
                ));
            }
        })
    };
    let pick_file = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file_input.cast::<web_sys::HtmlInputElement>() {
                input.click();
            }
        })
    };
    let file_chosen = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                files::open_file(file, on_action.clone());
            }
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let toggle_embed = {
        let embed_open = embed_open.clone();
        Callback::from(move |_: MouseEvent| embed_open.set(!*embed_open))
    };
    let close_embed = {
        let embed_open = embed_open.clone();
        Callback::from(move |()| embed_open.set(false))
    };
    let help = props.on_help.reform(|_: MouseEvent| true);
    let current = props.lab.scenario().protocol.name;
    let pick_protocol = props.on_action.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        match crate::protocols::find(&select.value()) {
            Some(spec) => UiAction::Restart(crate::scenario::Scenario::default_for(spec)),
            None => UiAction::DismissNotice,
        }
    });
    // The chosen option is set as the `<select>`'s value property: an option's `selected`
    // attribute stops counting once the user has picked something.
    let protocol_ref = use_node_ref();
    {
        let protocol_ref = protocol_ref.clone();
        use_effect_with(current, move |current| {
            if let Some(select) = protocol_ref.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(current);
            }
        });
    }
    html! {
        <header class="site-header">
            <h1 class="site-title">
                <Mark />
                { "Quorum Lab" }
            </h1>
            <p class="tagline">{ TAGLINE }</p>
            <div class="protocol-picker">
                <label for="protocol-picker">{ "Protocol" }</label>
                <select id="protocol-picker" ref={protocol_ref} onchange={pick_protocol}
                        title="Open another protocol's default scenario">
                    { for crate::protocols::PROTOCOLS.iter().map(|p| html! {
                        <option value={p.name} selected={p.name == current} title={p.summary}>{ p.title }</option>
                    }) }
                </select>
            </div>
            <div class="header-tools" role="group" aria-label="Share and files">
                <button type="button" class="tool" onclick={copy_link}
                        title="Copy a link that reopens this exact run at this moment">
                    <IconView icon={Icon::Link} />{ "Copy link" }
                </button>
                <button type="button" class="tool" onclick={toggle_embed}
                        aria-expanded={embed_open.to_string()}
                        title="Get the HTML to embed this run in notes or slides">
                    <IconView icon={Icon::Embed} />{ "Embed" }
                </button>
                <button type="button" class="tool" onclick={download}
                        title="Download this run (scenario and your actions) as a JSON file">
                    <IconView icon={Icon::Download} />{ "Download" }
                </button>
                <button type="button" class="tool" onclick={pick_file}
                        title="Open a scenario JSON file (or drop one on the page)">
                    <IconView icon={Icon::Open} />{ "Open…" }
                </button>
                <input type="file" accept=".json,application/json" class="visually-hidden"
                       ref={file_input} onchange={file_chosen} tabindex="-1"
                       aria-label="Scenario file to open" />
                <button type="button" class="tool tool-help" onclick={help}
                        aria-label="Keyboard shortcuts and help" title="Keyboard shortcuts (?)">
                    { "?" }
                </button>
            </div>
            if *embed_open {
                <EmbedDialog lab={props.lab.clone()} on_close={close_embed} />
            }
        </header>
    }
}

/// The page's address without its fragment: where links point.
pub fn page_base() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// The logo: five nodes on a ring, the top one the leader. Same drawing as `favicon.svg`.
#[function_component(Mark)]
fn mark() -> Html {
    // Decorative: the heading's text already names the product.
    html! {
        <svg class="site-mark" viewBox="0 0 32 32" width="28" height="28"
             aria-hidden="true" focusable="false">
            <circle class="mark-ring" cx="16" cy="16" r="11" />
            <circle class="mark-node" cx="26.46" cy="12.6" r="3.2" />
            <circle class="mark-node" cx="22.47" cy="24.9" r="3.2" />
            <circle class="mark-node" cx="9.53" cy="24.9" r="3.2" />
            <circle class="mark-node" cx="5.54" cy="12.6" r="3.2" />
            <circle class="mark-leader" cx="16" cy="5" r="4" />
        </svg>
    }
}
