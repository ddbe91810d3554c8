//! Effects as hooks: the animation loop, the keyboard, the URL. Nothing here decides
//! anything about the protocol; these only turn browser events into [`UiAction`]s.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::UiAction;

/// The self-rescheduling frame callback, kept so cleanup can drop it.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `on_frame` with the wall-clock milliseconds since the previous frame, on every
/// animation frame while `active` is true. No frame is requested while inactive, and the
/// browser sends none while the tab is hidden, so a paused or hidden page uses no CPU.
#[hook]
pub fn use_animation_frames(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |active| {
        let handle: Rc<RefCell<Option<i32>>> = Rc::new(RefCell::new(None));
        if *active {
            let window = web_sys::window().expect("a page has a window");
            let last: Rc<RefCell<Option<f64>>> = Rc::new(RefCell::new(None));
            let frame: FrameSlot = Rc::new(RefCell::new(None));
            let frame_again = frame.clone();
            let handle_again = handle.clone();
            let window_again = window.clone();
            *frame.borrow_mut() = Some(Closure::new(move |now: f64| {
                let dt = last.borrow().map_or(0.0, |prev| now - prev);
                *last.borrow_mut() = Some(now);
                frame_meter::begin();
                on_frame.emit(dt);
                if let Some(f) = frame_again.borrow().as_ref() {
                    let id = window_again
                        .request_animation_frame(f.as_ref().unchecked_ref())
                        .ok();
                    *handle_again.borrow_mut() = id;
                }
            }));
            let id = window
                .request_animation_frame(
                    frame
                        .borrow()
                        .as_ref()
                        .expect("just set")
                        .as_ref()
                        .unchecked_ref(),
                )
                .ok();
            *handle.borrow_mut() = id;
            // Keep the closure alive until cleanup; dropping `frame` there ends the loop.
            let keep = frame;
            return Box::new(move || {
                if let (Some(id), Some(w)) = (*handle.borrow(), web_sys::window()) {
                    let _ = w.cancel_animation_frame(id);
                }
                keep.borrow_mut().take();
            }) as Box<dyn FnOnce()>;
        }
        Box::new(|| ()) as Box<dyn FnOnce()>
    });
}

/// Frame work, measured: from the start of an animation frame's callback (advancing the
/// world) to the end of the render it causes. The page keeps the last
/// [`frame_meter::SAMPLES`] figures and hands them to `window.quorumLabFrameWork()`,
/// which the end-to-end benchmark reads. Two clock reads per frame; nothing else.
pub mod frame_meter {
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;

    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsValue;
    use yew::prelude::*;

    /// Samples kept.
    pub const SAMPLES: usize = 2_000;

    thread_local! {
        static STARTED: Cell<Option<f64>> = const { Cell::new(None) };
        static WORK: RefCell<VecDeque<f64>> = RefCell::new(VecDeque::with_capacity(SAMPLES));
        static EXPOSED: Cell<bool> = const { Cell::new(false) };
    }

    fn now() -> Option<f64> {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
    }

    /// An animation frame starts its work.
    pub fn begin() {
        STARTED.with(|s| s.set(now()));
    }

    /// Called by the root component after every render: closes the frame's measurement.
    #[hook]
    pub fn use_frame_meter() {
        use_effect(|| {
            if let (Some(start), Some(end)) = (STARTED.with(|s| s.take()), now()) {
                WORK.with(|w| {
                    let mut w = w.borrow_mut();
                    if w.len() == SAMPLES {
                        w.pop_front();
                    }
                    w.push_back(end - start);
                });
            }
            expose();
        });
    }

    /// Puts `quorumLabFrameWork()` (the samples, in ms, oldest first; calling it clears
    /// them) and `quorumLabMemory()` (the wasm memory's bytes) on `window`, once.
    fn expose() {
        if EXPOSED.with(|e| e.replace(true)) {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let read = Closure::<dyn Fn() -> JsValue>::new(|| {
            let samples: Vec<f64> = WORK.with(|w| w.borrow_mut().drain(..).collect());
            js_sys::Float64Array::from(samples.as_slice()).into()
        });
        let _ = js_sys::Reflect::set(&window, &"quorumLabFrameWork".into(), read.as_ref());
        // Lives as long as the page.
        read.forget();
        // The WebAssembly memory's size in bytes, for checking that a long run stays flat.
        let memory = Closure::<dyn Fn() -> JsValue>::new(|| {
            js_sys::Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
                .and_then(|b| js_sys::Reflect::get(&b, &"byteLength".into()))
                .unwrap_or(JsValue::NULL)
        });
        let _ = js_sys::Reflect::set(&window, &"quorumLabMemory".into(), memory.as_ref());
        memory.forget();
    }
}

/// The keyboard shortcuts, as a table so the help overlay lists exactly what works.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("→", "step to the next event"),
    ("←", "step back one event"),
    ("Home / End", "jump to the start / the end"),
    ("c", "crash or restart the selected node"),
    ("t", "time out the selected node now"),
    ("r", "send a client request to the selected node"),
    ("1–9", "select node S1–S9"),
    ("Esc", "clear the selection, close dialogs"),
    ("?", "show or hide this help"),
];

/// Listens for key presses on the document and hands them to `on_key`, except while the
/// user types in a form field. The listener is added once; it always calls the latest
/// `on_key`, so the callback may capture the current state.
#[hook]
pub fn use_keyboard(on_key: Callback<KeyboardEvent>) {
    let latest = use_mut_ref(|| on_key.clone());
    *latest.borrow_mut() = on_key;
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let field_owns_it = target.is_some_and(|el| {
                let kind = el.get_attribute("type").unwrap_or_default();
                leave_to_element(&el.tag_name(), &kind, &e.key())
                    || el.has_attribute("contenteditable")
            });
            if field_owns_it || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let on_key = latest.borrow().clone();
            on_key.emit(e);
        });
        if let Some(d) = &document {
            let _ =
                d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = document {
                let _ = d.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

/// True when a key pressed in an element of this tag (and `type`) is that element's own:
/// typing in a text field, Space or Enter on a button, arrows on a slider.
pub fn leave_to_element(tag: &str, kind: &str, key: &str) -> bool {
    let activation = matches!(key, " " | "Enter");
    let arrows = matches!(
        key,
        "ArrowLeft"
            | "ArrowRight"
            | "ArrowUp"
            | "ArrowDown"
            | "Home"
            | "End"
            | "PageUp"
            | "PageDown"
    );
    match tag.to_ascii_uppercase().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => match kind {
            "range" => arrows,
            "checkbox" | "radio" | "button" | "submit" | "file" => activation,
            _ => true,
        },
        "BUTTON" | "A" | "SUMMARY" => activation,
        _ => false,
    }
}

/// Keeps a callback for `UiAction`s stable across renders.
pub fn dispatcher_callback(
    dispatcher: UseReducerDispatcher<super::state::LabState>,
) -> Callback<UiAction> {
    Callback::from(move |a: UiAction| dispatcher.dispatch(a))
}

/// Keeps the address bar on the run: the scenario, every action and the time, as a link
/// (`#s=…&t=…`). It replaces the current history entry rather than adding one, so the
/// back button is not flooded, and while playing it updates about once a simulated second
/// (encoding a link is not free).
#[hook]
pub fn use_url_sync(lab: &super::state::LabState) {
    let now = lab.world().now();
    let key = (
        lab.playing(),
        if lab.playing() { now / 1_000 } else { now },
        lab.world().script().len(),
        lab.generation(),
        lab.embed(),
    );
    let lab = lab.clone();
    use_effect_with(key, move |_| {
        if let Some(window) = web_sys::window() {
            let base = window.location().href().unwrap_or_default();
            let mut link = lab.link(&base);
            if lab.embed() {
                link.push_str("&embed=1");
            }
            if let Ok(history) = window.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&link));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::leave_to_element;

    #[test]
    fn fields_keep_their_own_keys_and_the_rest_reaches_the_page() {
        assert!(leave_to_element("INPUT", "text", "c"));
        assert!(leave_to_element("TEXTAREA", "", " "));
        assert!(leave_to_element("BUTTON", "button", " "));
        assert!(!leave_to_element("BUTTON", "button", "ArrowRight"));
        assert!(leave_to_element("INPUT", "range", "ArrowRight"));
        assert!(!leave_to_element("INPUT", "range", " "));
        assert!(!leave_to_element("DIV", "", " "));
    }
}
