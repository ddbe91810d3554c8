//! Browser tests: the Yew components, mounted in headless Chromium by wasm-bindgen-test.
//!
//! Run with `CHROMEDRIVER=$(command -v chromedriver) cargo test --target
//! wasm32-unknown-unknown --test browser` (scripts/test does). On native targets this file
//! compiles to an empty test binary, so plain `cargo test` is unaffected.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use quorum_lab::ui::{App, AppProps, TAGLINE};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/cluster.rs"]
mod cluster;
#[path = "browser/history.rs"]
mod history;
#[path = "browser/settings.rs"]
mod settings;
#[path = "browser/views.rs"]
mod views;

/// A fresh `<div>` of its own in the document, so tests never see each other's DOM.
fn new_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// Mounts the app on `fragment` (a link's part after `#`; empty for the default scenario)
/// in a root of its own and waits until Yew has rendered it. The fragment is always
/// explicit: the page's own address carries the link of whichever app a previous test
/// mounted (the address bar follows the run).
async fn mount_fragment(fragment: &str) -> Element {
    let root = new_root();
    let props = AppProps {
        fragment: Some(fragment.to_string()),
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    wait_for(&root, "the app", |r| {
        r.query_selector(".app").unwrap().is_some()
    })
    .await;
    root
}

/// Mounts the app on the default scenario (see [`mount_fragment`]).
async fn mount_app() -> Element {
    mount_fragment("").await
}

/// Polls `ready` for up to about three seconds (Yew renders on its scheduler, after the
/// current task); panics with `what` and the DOM if it never holds.
async fn wait_for(root: &Element, what: &str, ready: impl Fn(&Element) -> bool) {
    for _ in 0..150 {
        if ready(root) {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for: {what}\n{}", root.inner_html());
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector:?} in {}", root.inner_html()))
}

fn text(element: &Element) -> String {
    element.dyn_ref::<HtmlElement>().unwrap().inner_text()
}

#[wasm_bindgen_test]
async fn the_header_names_the_product_and_says_what_it_is() {
    let root = mount_app().await;
    assert_eq!(text(&find(&root, "header h1")).trim(), "Quorum Lab");
    assert_eq!(text(&find(&root, "header .tagline")).trim(), TAGLINE);
    for name in ["Copy link", "Embed", "Download", "Open…"] {
        assert!(
            text(&find(&root, "header .header-tools")).contains(name),
            "no {name:?} tool"
        );
    }
}

#[wasm_bindgen_test]
async fn the_stage_holds_the_cluster_timeline_and_controls() {
    let root = mount_app().await;
    let cluster = find(&root, r#"main section[aria-label="Cluster"]"#);
    let svg = find(&cluster, "svg.cluster-figure");
    assert!(
        svg.get_attribute("viewBox").is_some(),
        "the figure scales by its viewBox"
    );
    find(
        &root,
        r#"main .timeline input[type="range"][aria-label="Simulated time"]"#,
    );
    let controls = find(&root, r#"main nav.controls[aria-label="Controls"]"#);
    for label in [
        "Jump to the start",
        "Step back one event",
        "Pause",
        "Step to the next event",
        "Jump to the end",
    ] {
        find(&controls, &format!(r#"button[aria-label="{label}"]"#));
    }
}

#[wasm_bindgen_test]
async fn the_panel_has_tabs_and_the_invariants() {
    let root = mount_app().await;
    let panel = find(&root, "main aside.panel");
    let tabs: Vec<String> = {
        let list = panel.query_selector_all(r#"[role="tab"]"#).unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .text_content()
                    .unwrap()
                    .trim()
                    .to_string()
            })
            .collect()
    };
    // A protocol that serves clients adds the history and the consistency models.
    let expected: &[&str] = if quorum_lab::scenario::Scenario::default()
        .protocol
        .serves_clients
    {
        &[
            "Logs",
            "Inspector",
            "Events",
            "History",
            "Consistency",
            "Settings",
        ]
    } else {
        &["Logs", "Inspector", "Events", "Settings"]
    };
    assert_eq!(tabs, expected);
    // The live region for notices exists before any notice is shown.
    find(&root, r#".notice-region[role="status"]"#);
}

#[wasm_bindgen_test]
async fn the_page_opens_playing_and_space_pauses_it() {
    let root = mount_app().await;
    let play = find(&root, "nav.controls .control-play");
    assert_eq!(play.get_attribute("aria-pressed").as_deref(), Some("true"));
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(" ");
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .dispatch_event(&event)
        .unwrap();
    for _ in 0..50 {
        if play.get_attribute("aria-pressed").as_deref() == Some("false") {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("space did not pause the run");
}

#[wasm_bindgen_test]
async fn a_garbage_link_says_what_is_wrong_and_opens_the_default() {
    let root = mount_fragment("s=1<script>alert(1)</script>&t=5").await;
    wait_for(&root, "the error notice", |r| {
        r.query_selector(".notice-error").unwrap().is_some()
    })
    .await;
    let notice = text(&find(&root, ".notice-error"));
    assert!(notice.contains("Could not open the link"), "{notice}");
    assert!(
        root.query_selector("script").unwrap().is_none(),
        "input rendered as markup"
    );
}
