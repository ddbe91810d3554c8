//! A modal dialog: a titled box over a backdrop. Focus moves to its Close button on
//! opening, Tab cycles inside it, and focus goes back where it was on closing; a click on
//! the backdrop or the Close button closes it (Escape is the page's to map).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// Properties of [`Modal`].
#[derive(Properties, Clone, PartialEq)]
pub struct ModalProps {
    /// The dialog's heading.
    pub title: AttrValue,
    /// The heading's DOM id (the dialog is labelled by it).
    pub title_id: AttrValue,
    /// An extra class for the dialog box (its width, its layout).
    #[prop_or_default]
    pub class: Classes,
    /// Closes the dialog.
    pub on_close: Callback<()>,
    /// The contents.
    pub children: Html,
}

/// What Tab may reach inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), a[href], input:not([disabled]), \
                         select:not([disabled]), textarea:not([disabled]), [tabindex=\"0\"]";

/// The focusable elements inside `dialog`, in document order.
fn focusables(dialog: &Element) -> Vec<HtmlElement> {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// A modal dialog (see the module docs).
#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let close_ref = use_node_ref();
    let dialog_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            let previous = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(button) = close_ref.cast::<HtmlElement>() {
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
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            if target.is_some() && target == backdrop_ref.cast::<Element>() {
                on_close.emit(());
            }
        })
    };
    // Tab and Shift+Tab wrap around inside the dialog rather than wander to the page
    // behind the modal.
    let trap_tab = {
        let dialog_ref = dialog_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Tab" {
                return;
            }
            let Some(dialog) = dialog_ref.cast::<Element>() else {
                return;
            };
            let items = focusables(&dialog);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            let at = |el: &HtmlElement| active.as_ref() == Some(el.unchecked_ref::<Element>());
            if e.shift_key() && at(first) {
                e.prevent_default();
                let _ = last.focus();
            } else if !e.shift_key() && at(last) {
                e.prevent_default();
                let _ = first.focus();
            }
        })
    };
    html! {
        <div class="help-backdrop" ref={backdrop_ref} onclick={backdrop_click}>
            <div class={classes!("help-dialog", props.class.clone())} role="dialog" aria-modal="true"
                 aria-labelledby={props.title_id.clone()} onkeydown={trap_tab} ref={dialog_ref}>
                <div class="help-head">
                    <h2 id={props.title_id.clone()} class="help-title">{ props.title.clone() }</h2>
                    <button type="button" class="help-close" ref={close_ref} onclick={close}
                            autofocus=true>
                        { "Close" }
                    </button>
                </div>
                { props.children.clone() }
            </div>
        </div>
    }
}
