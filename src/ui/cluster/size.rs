//! The figure's size on screen, which its viewBox follows (one unit, one CSS pixel).
//!
//! A `ResizeObserver` reports size changes after layout, so reading the size costs no
//! extra layout pass, and it sees every change: the window, the side panel, a banner
//! appearing above the figure. Browsers without one fall back to the window's `resize`.
//! (`web-sys` is not built with the observer's bindings, so it is reached through
//! `js_sys::Reflect`; nothing here can panic.)

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;
use yew::prelude::*;

/// The size used before the first measurement.
pub const DEFAULT_SIZE: (u32, u32) = (720, 440);

/// Measures the element's box, in whole CSS pixels (None while it has no real size).
fn measure(node: &NodeRef) -> Option<(u32, u32)> {
    let rect = node.cast::<Element>()?.get_bounding_client_rect();
    let (w, h) = (rect.width().round(), rect.height().round());
    (w >= 40.0 && h >= 40.0).then_some((w as u32, h as u32))
}

/// Starts a `ResizeObserver` on `target` calling `callback`; returns the observer to
/// disconnect, or None where there is no such thing.
fn observe(target: &Element, callback: &Closure<dyn FnMut()>) -> Option<JsValue> {
    let window = web_sys::window()?;
    let ctor: js_sys::Function = js_sys::Reflect::get(&window, &"ResizeObserver".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let observer =
        js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(callback.as_ref())).ok()?;
    let method: js_sys::Function = js_sys::Reflect::get(&observer, &"observe".into())
        .ok()?
        .dyn_into()
        .ok()?;
    method.call1(&observer, target).ok()?;
    Some(observer)
}

fn disconnect(observer: &JsValue) {
    if let Some(method) = js_sys::Reflect::get(observer, &"disconnect".into())
        .ok()
        .and_then(|m| m.dyn_into::<js_sys::Function>().ok())
    {
        let _ = method.call0(observer);
    }
}

/// The rendered size of the element behind `node`, kept up to date.
#[hook]
pub fn use_element_size(node: NodeRef) -> (u32, u32) {
    let size = use_state_eq(|| DEFAULT_SIZE);
    {
        let size = size.clone();
        use_effect_with(node, move |node| {
            let callback = {
                let node = node.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(s) = measure(&node) {
                        size.set(s);
                    }
                })
            };
            let observer = node
                .cast::<Element>()
                .and_then(|el| observe(&el, &callback));
            let window = web_sys::window();
            if observer.is_none() {
                if let Some(w) = &window {
                    let _ = w.add_event_listener_with_callback(
                        "resize",
                        callback.as_ref().unchecked_ref(),
                    );
                }
                // Without an observer there is no first report either.
                if let Some(f) = callback.as_ref().dyn_ref::<js_sys::Function>() {
                    let _ = f.call0(&JsValue::NULL);
                }
            }
            move || match observer {
                Some(o) => disconnect(&o),
                None => {
                    if let Some(w) = window {
                        let _ = w.remove_event_listener_with_callback(
                            "resize",
                            callback.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
        });
    }
    *size
}
