//! Browser tests of the settings views (see tests/browser.rs for the helpers): the
//! scenario bar above the cluster, the Settings tab and the help overlay.

use std::time::Duration;

use quorum_lab::protocols::raft::Mutation;
use quorum_lab::scenario::presets;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::{find, mount_fragment, text, wait_for};

/// Mounts the app on the default scenario and waits for the scenario bar.
async fn mount_default() -> Element {
    let root = mount_fragment("").await;
    wait_for(&root, "mounted", |r| {
        r.query_selector(".intro").unwrap().is_some()
    })
    .await;
    root
}

/// Sets an input's value and fires `change`, as a user leaving the field does.
fn change_input(root: &Element, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector).dyn_into().unwrap();
    input.set_value(value);
    fire_change(input.unchecked_ref());
}

fn fire_change(target: &web_sys::EventTarget) {
    let event = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_event("Event")
        .unwrap();
    event.init_event_with_bubbles_and_cancelable("change", true, false);
    target.dispatch_event(&event).unwrap();
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

async fn open_settings(root: &Element) {
    click(root, "#tab-settings");
    wait_for(root, "the settings form", |r| {
        r.query_selector("#set-nodes").unwrap().is_some()
    })
    .await;
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn the_scenario_picker_lists_every_protocols_default_and_presets_by_title() {
    let root = mount_default().await;
    let select: HtmlSelectElement = find(&root, "select#intro-picker").dyn_into().unwrap();
    // Its accessible name comes from a <label>.
    let label = find(&root, r#"label[for="intro-picker"]"#);
    assert_eq!(text(&label).trim(), "Scenario");
    let titles: Vec<String> = (0..select.length())
        .filter_map(|i| select.item(i))
        .map(|o| text(&o).trim().to_string())
        .collect();
    let all = presets::all();
    assert!(all.len() >= 15);
    for p in &all {
        assert!(
            titles.contains(&p.scenario.title),
            "{:?} missing from {titles:?}",
            p.scenario.title
        );
    }
    // Each protocol's default is listed, grouped with its presets; the page's is chosen.
    let protocols = quorum_lab::protocols::PROTOCOLS;
    assert_eq!(select.value(), format!("default:{}", protocols[0].name));
    assert_eq!(titles.len(), all.len() + protocols.len());
    assert_eq!(
        count(&root, "#intro-picker optgroup") as usize,
        protocols.len()
    );
}

#[wasm_bindgen_test]
async fn choosing_a_preset_restarts_with_it() {
    let root = mount_default().await;
    let preset = presets::get("figure-8").unwrap().unwrap();
    let select: HtmlSelectElement = find(&root, "select#intro-picker").dyn_into().unwrap();
    select.set_value("figure-8");
    fire_change(select.unchecked_ref());
    wait_for(&root, "the preset's title", |r| {
        text(&find(r, "#intro-title")).trim() == preset.title
    })
    .await;
    // Its notes (plain text) and its settings are shown too.
    let notes = text(&find(&root, ".intro-notes"));
    assert!(notes.contains("Figure 8"), "{notes}");
    let facts = text(&find(&root, ".intro-facts"));
    assert!(facts.contains("manual elections"), "{facts}");
    assert_eq!(select.value(), "figure-8");
    // The notes can be hidden and shown again.
    let toggle = find(&root, ".intro-toggle");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    click(&root, ".intro-toggle");
    wait_for(&root, "notes hidden", |r| {
        find(r, "#intro-notes").has_attribute("hidden")
    })
    .await;
    assert_eq!(text(&find(&root, ".intro-toggle")).trim(), "Show notes");
}

#[wasm_bindgen_test]
async fn changing_the_node_count_restarts_with_that_many_nodes() {
    let root = mount_default().await;
    wait_for(&root, "the cluster drawn", |r| count(r, "[data-node]") > 0).await;
    assert_eq!(
        count(&root, "[data-node]"),
        5,
        "{}",
        find(&root, ".cluster").outer_html()
    );
    open_settings(&root).await;
    change_input(&root, "#set-nodes", "3");
    wait_for(&root, "three nodes drawn", |r| count(r, "[data-node]") == 3).await;
    let facts = text(&find(&root, ".intro-facts"));
    assert!(facts.contains("3 nodes"), "{facts}");
    assert!(text(&find(&root, "#intro-title")).contains("(modified)"));
    // The form shows the scenario it restarted with.
    let nodes: HtmlInputElement = find(&root, "#set-nodes").dyn_into().unwrap();
    assert_eq!(nodes.value(), "3");
    // A scenario that is no preset is listed as the current one.
    let select: HtmlSelectElement = find(&root, "select#intro-picker").dyn_into().unwrap();
    assert_eq!(select.value(), "current");
}

#[wasm_bindgen_test]
async fn an_upside_down_latency_range_is_an_inline_error_and_does_not_restart() {
    let root = mount_default().await;
    open_settings(&root).await;
    change_input(&root, "#set-latency-min", "500");
    wait_for(&root, "the range error", |r| {
        r.query_selector("#set-latency-error").unwrap().is_some()
    })
    .await;
    let error = text(&find(&root, "#set-latency-error"));
    assert!(error.contains("minimum (500 ms)"), "{error}");
    for id in ["#set-latency-min", "#set-latency-max"] {
        let input = find(&root, id);
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
        let described = input.get_attribute("aria-describedby").unwrap_or_default();
        assert!(described.contains("set-latency-error"), "{described}");
    }
    // Give a wrongly triggered restart time to show; nothing changed.
    yew::platform::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        text(&find(&root, "#intro-title")).trim(),
        quorum_lab::scenario::Scenario::default().title
    );
    assert!(text(&find(&root, ".intro-facts")).contains("latency 10–30 ms"));
    let min: HtmlInputElement = find(&root, "#set-latency-min").dyn_into().unwrap();
    assert_eq!(
        min.value(),
        "500",
        "the wrong value stays for the user to fix"
    );
    // Fixing it applies it and clears the error.
    change_input(&root, "#set-latency-max", "600");
    wait_for(&root, "the fixed range applied", |r| {
        text(&find(r, ".intro-facts")).contains("latency 500–600 ms")
    })
    .await;
    assert!(root.query_selector("#set-latency-error").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn breaking_a_rule_shows_a_warning_in_the_scenario_bar() {
    let root = mount_default().await;
    assert!(root.query_selector(".intro-mutations").unwrap().is_none());
    open_settings(&root).await;
    // Every mutation is offered with the rule it removes.
    let form = text(&find(&root, ".settings-break"));
    for m in Mutation::ALL {
        assert!(
            form.contains(m.name()) && form.contains(m.removes()),
            "{form}"
        );
    }
    // Each says what breaks, and offers the preset that shows it.
    let spec = quorum_lab::protocols::PROTOCOLS[0];
    for m in spec.mutations {
        assert!(form.contains(m.breaks), "{form}");
    }
    assert_eq!(
        count(&root, ".settings-show-me") as usize,
        spec.mutations.len()
    );
    click(&root, "#set-mutation-commit_old_terms");
    wait_for(&root, "the warning", |r| {
        r.query_selector(".intro-mutations").unwrap().is_some()
    })
    .await;
    let warning = text(&find(&root, ".intro-mutations"));
    assert!(warning.contains("Protocol broken on purpose"), "{warning}");
    assert!(warning.contains("commit_old_terms"), "{warning}");
    assert!(
        warning.contains(Mutation::CommitOldTerms.removes()),
        "{warning}"
    );
    // Reset to defaults takes it away again.
    let reset = root
        .query_selector_all(".settings-actions button")
        .unwrap()
        .item(0)
        .unwrap();
    reset.dyn_into::<HtmlElement>().unwrap().click();
    wait_for(&root, "the warning gone", |r| {
        r.query_selector(".intro-mutations").unwrap().is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_help_overlay_is_a_modal_dialog_listing_the_shortcuts() {
    let root = mount_default().await;
    click(&root, ".tool-help");
    wait_for(&root, "the dialog", |r| {
        r.query_selector(r#"[role="dialog"]"#).unwrap().is_some()
    })
    .await;
    let dialog = find(&root, r#"[role="dialog"]"#);
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    assert!(text(&find(&dialog, &format!("#{title_id}"))).contains("Quorum Lab"));
    assert_eq!(
        count(&dialog, "tbody tr"),
        quorum_lab::ui::hooks::SHORTCUTS.len() as u32
    );
    assert!(count(&dialog, "kbd") >= quorum_lab::ui::hooks::SHORTCUTS.len() as u32);
    // Close has the focus.
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert_eq!(text(&active).trim(), "Close");
    // A click on the dialog itself does not close it; one on the backdrop does.
    dialog.dyn_ref::<HtmlElement>().unwrap().click();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    assert!(root.query_selector(r#"[role="dialog"]"#).unwrap().is_some());
    click(&root, ".help-backdrop");
    wait_for(&root, "the dialog closed", |r| {
        r.query_selector(r#"[role="dialog"]"#).unwrap().is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn shrinking_a_scripted_cluster_says_which_actions_were_left_out() {
    let scenario = presets::get("figure-8").unwrap().unwrap();
    let link = quorum_lab::scenario::link::to_link("", &scenario, Some(0));
    let root = mount_fragment(link.trim_start_matches('#')).await;
    wait_for(&root, "the preset", |r| {
        r.query_selector("#intro-title")
            .unwrap()
            .is_some_and(|t| text(&t).trim() == scenario.title)
    })
    .await;
    open_settings(&root).await;
    change_input(&root, "#set-nodes", "4");
    wait_for(&root, "the notice", |r| {
        r.query_selector(".notice-text")
            .unwrap()
            .is_some_and(|n| text(&n).contains("left out"))
    })
    .await;
    let notice = text(&find(&root, ".notice-text"));
    assert!(notice.contains("With 4 nodes"), "{notice}");
    assert!(notice.contains("S5"), "{notice}");
    assert!(text(&find(&root, ".intro-facts")).contains("4 nodes"));
}
