//! Embedding: the compact view's bar (`embed=1`, for an iframe of about 640×400 in
//! someone's notes or slides) and the dialog that gives the iframe snippet.

use yew::prelude::*;

use super::header::page_base;
use super::icons::{Icon, IconView};
use super::lab::{format_ms, Lab};
use super::state::{LabState, UiAction};
use super::{files, ViewProps};

/// The iframe's size in the snippet.
pub const EMBED_SIZE: (u32, u32) = (640, 400);

/// The HTML snippet that embeds `lab`'s run at this moment.
pub fn snippet(lab: &Lab, base: &str) -> String {
    let src = format!("{}&embed=1", lab.link(base));
    let title = if lab.scenario().title.is_empty() {
        "Quorum Lab".to_string()
    } else {
        format!("Quorum Lab: {}", lab.scenario().title)
    };
    format!(
        r#"<iframe src="{}" width="{}" height="{}" title="{}" style="border:0" loading="lazy"></iframe>"#,
        escape_attribute(&src),
        EMBED_SIZE.0,
        EMBED_SIZE.1,
        escape_attribute(&title)
    )
}

/// Escapes text for a double-quoted HTML attribute, so a hostile title cannot break out.
fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The compact view's controls: play/pause, step, the time, and a way out to the full page.
#[function_component(EmbedBar)]
pub fn embed_bar(props: &ViewProps) -> Html {
    let lab = &props.lab;
    let toggle = props.on_action.reform(|_: MouseEvent| UiAction::Toggle);
    let step = props.on_action.reform(|_: MouseEvent| UiAction::Step);
    let (icon, label) = if lab.playing() {
        (Icon::Pause, "Pause")
    } else {
        (Icon::Play, "Play")
    };
    let full = lab.link(&page_base());
    html! {
        <nav class="controls embed-controls" aria-label="Controls">
            <button type="button" class="control control-play" onclick={toggle}
                    aria-label={label} title={format!("{label} (Space)")}>
                <IconView {icon} />
            </button>
            <button type="button" class="control" onclick={step}
                    aria-label="Step to the next event" title="Step to the next event (→)">
                <IconView icon={Icon::StepForward} />
            </button>
            <span class="time" aria-label="Simulated time">{ format_ms(lab.world().now()) }</span>
            <span class="embed-title">{ &lab.scenario().title }</span>
            <a class="open-full" href={full} target="_blank" rel="noopener">
                { "Open in Quorum Lab ↗" }
            </a>
        </nav>
    }
}

/// Properties of [`EmbedDialog`].
#[derive(Properties, Clone, PartialEq)]
pub struct EmbedDialogProps {
    /// The run to embed.
    pub lab: LabState,
    /// Closes the dialog.
    pub on_close: Callback<()>,
}

/// A small dialog with the iframe snippet and a button that copies it.
#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedDialogProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let code = snippet(&props.lab, &page_base());
    let copy = {
        let copied = copied.clone();
        let code = code.clone();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            files::copy_text(code.clone(), Callback::from(move |ok| copied.set(Some(ok))));
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    let status = match *copied {
        Some(true) => "Copied. Paste it into any page that allows iframes.",
        Some(false) => "The browser did not allow copying: select the text and copy it.",
        None => "The run, your actions and this moment, in a 640×400 frame.",
    };
    html! {
        <div class="popover embed-dialog" role="dialog" aria-labelledby="embed-title">
            <h2 id="embed-title" class="popover-title">{ "Embed this run" }</h2>
            <textarea class="snippet" readonly=true rows="4" aria-label="Embed code"
                      value={code} />
            <p class="popover-status" role="status">{ status }</p>
            <div class="popover-actions">
                <button type="button" class="tool" onclick={copy}>{ "Copy code" }</button>
                <button type="button" class="tool" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn the_snippet_is_an_iframe_of_the_link_in_embed_mode() {
        let scenario = Scenario {
            title: r#"A "quoted" <b>title</b> & more"#.into(),
            ..Scenario::default()
        };
        let mut lab = Lab::new(scenario);
        lab.pause();
        let s = snippet(&lab, "https://example.org/quorum-lab/");
        assert!(
            s.starts_with(r#"<iframe src="https://example.org/quorum-lab/#s="#),
            "{s}"
        );
        assert!(s.contains("&amp;t=0&amp;embed=1"), "{s}");
        assert!(s.contains(r#"width="640" height="400""#), "{s}");
        assert!(
            s.contains(
                "title=\"Quorum Lab: A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more\""
            ),
            "{s}"
        );
    }
}
