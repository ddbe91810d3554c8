//! Browser tests of the clients' views (see tests/browser.rs for the helpers): the
//! History tab's timeline, its window over a long history, the Consistency tab's
//! verdicts, and the node menu's Write… and Read….
//!
//! The run-based tests open a link to a Raft run whose followers answer reads from their
//! own state (`stale_reads`) while a workload runs and a partition cuts one node off:
//! `linearizable`, checked as an invariant, breaks before 2 s. The link opens paused at
//! its `t`, so nothing moves while the test reads the page.

use std::rc::Rc;
use std::time::Duration;

use quorum_lab::check::{Call, Operation, Outcome, Read, Value};
use quorum_lab::scenario::{link, Scenario};
use quorum_lab::ui::history::model::{Drawn, Window};
use quorum_lab::ui::HistoryChart;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use super::{find, mount_fragment, new_root, text, wait_for};

/// The stale-reads run: five servers, three workload clients, S2 cut off from 1.5 s.
pub const STALE_READS: &str = include_str!("../fixtures/stale-reads-partition.json");

fn stale_reads_at(t: u64) -> String {
    let scenario = Scenario::from_json(STALE_READS).expect("the scenario loads");
    link::to_link("", &scenario, Some(t))
        .trim_start_matches('#')
        .to_string()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// A bubbling click, as a browser sends it (works on SVG elements too).
fn click(element: &Element) {
    let window = web_sys::window().unwrap();
    let ctor: js_sys::Function = js_sys::Reflect::get(&window, &"MouseEvent".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"bubbles".into(), &true.into()).unwrap();
    let args = js_sys::Array::of2(&"click".into(), &init);
    let event: web_sys::Event = js_sys::Reflect::construct(&ctor, &args)
        .unwrap()
        .dyn_into()
        .unwrap();
    element.dispatch_event(&event).unwrap();
}

/// Opens the stale-reads run at `t` and the side panel's tab `tab`.
async fn open_tab(t: u64, tab: &str) -> Element {
    let root = mount_fragment(&stale_reads_at(t)).await;
    wait_for(&root, "the tab", |r| {
        r.query_selector(&format!("#tab-{tab}")).unwrap().is_some()
    })
    .await;
    click(&find(&root, &format!("#tab-{tab}")));
    root
}

#[wasm_bindgen_test]
async fn the_history_draws_a_row_per_client_and_a_labelled_bar_per_operation() {
    let root = open_tab(1_200, "history").await;
    wait_for(&root, "operation bars", |r| {
        r.query_selector(".history .hop").unwrap().is_some()
    })
    .await;
    let rows: Vec<String> = all(&root, ".history-row:not(.history-row-fault)")
        .iter()
        .map(|r| r.get_attribute("aria-label").unwrap_or_default())
        .collect();
    assert_eq!(rows, ["Client C1", "Client C2", "Client C3"]);
    let bars = all(&root, ".history .hop");
    assert!(bars.len() > 5, "{} bars", bars.len());
    for bar in &bars {
        let name = bar.get_attribute("aria-label").unwrap();
        // Every bar says what it did and how it ended, in words.
        assert!(
            ["ok", "fail", "unknown", "pending"]
                .iter()
                .any(|w| name.contains(&format!(", {w}, "))),
            "name {name:?}"
        );
        // Those with room carry the short label too.
        if let Some(label) = bar.query_selector(".hop-text").unwrap() {
            let label = text(&label);
            assert!(
                label.starts_with("W ") || label.starts_with("R "),
                "label {label:?}"
            );
        }
    }
    // Zoomed in, the bars are wide enough to be labelled.
    for _ in 0..3 {
        let zoom_in = all(&root, ".history-tools button")
            .into_iter()
            .find(|b| b.get_attribute("aria-label").as_deref() == Some("Zoom in"))
            .unwrap();
        click(&zoom_in);
        yew::platform::time::sleep(Duration::from_millis(30)).await;
    }
    wait_for(&root, "labelled bars", |r| {
        r.query_selector(".hop .hop-text").unwrap().is_some()
    })
    .await;
    let bars = all(&root, ".history .hop");
    // The cursor stands at the run's time, inside the window that follows it.
    find(&root, ".history-cursor");
    // Clicking a bar opens its details, with its trace sentence.
    click(&bars[0]);
    wait_for(&root, "the details", |r| {
        r.query_selector(".history-details").unwrap().is_some()
    })
    .await;
    let details = text(&find(&root, ".history-details"));
    assert!(
        details.contains("Client") && details.contains("Invoked"),
        "{details}"
    );
    assert!(details.contains("Trace: C"), "{details}");
}

fn synthetic(n: u64) -> Rc<Vec<Operation>> {
    Rc::new(
        (0..n)
            .map(|i| Operation {
                client: i % 5 + 1,
                node: Some(1),
                call: if i % 2 == 0 {
                    Call::Write {
                        key: "x".into(),
                        value: Value::Str(format!("{}.{}", i % 5 + 1, i / 5 + 1)),
                    }
                } else {
                    Call::Read {
                        key: "x".into(),
                        read: Read::Value(Value::Str("1.1".into())),
                    }
                },
                invoke: i * 10,
                complete: Some(i * 10 + 40),
                outcome: if i % 7 == 0 {
                    Outcome::Info
                } else {
                    Outcome::Ok
                },
                source: None,
            })
            .collect(),
    )
}

#[derive(Properties, PartialEq)]
struct ChartHarness {
    history: Rc<Vec<Operation>>,
}

#[function_component(Chart)]
fn chart(props: &ChartHarness) -> Html {
    let window = Window {
        start: 50_000,
        end: 52_000,
    };
    let drawn = Rc::new(Drawn::of(&props.history, window, 100_000, 500));
    html! {
        <HistoryChart {drawn} {window} now={100_000} faults={Rc::new(Vec::new())} culprits={Rc::new(vec![5_050])}
                      selected={None} on_select={Callback::noop()} />
    }
}

#[wasm_bindgen_test]
async fn only_the_windows_operations_are_drawn_from_ten_thousand() {
    let root = new_root();
    let started = js_sys::Date::now();
    yew::Renderer::<Chart>::with_root_and_props(
        root.clone(),
        ChartHarness {
            history: synthetic(10_000),
        },
    )
    .render();
    wait_for(&root, "the chart", |r| {
        r.query_selector(".history-body").unwrap().is_some()
    })
    .await;
    let took = js_sys::Date::now() - started;
    let body = find(&root, ".history-body");
    assert_eq!(body.get_attribute("data-total").as_deref(), Some("10000"));
    // Invoked from 49,960 ms (still running at 50,000) to 52,000 ms: 205 operations.
    let bars = all(&root, ".hop");
    assert_eq!(bars.len(), 205);
    assert_eq!(body.get_attribute("data-drawn").as_deref(), Some("205"));
    assert_eq!(all(&root, ".history-row").len(), 5);
    // One roving tab stop, and the counterexample's operation is marked in words too.
    assert_eq!(all(&root, r#".hop[tabindex="0"]"#).len(), 1);
    let culprit = find(&root, r#".hop[data-op="5050"]"#);
    assert!(culprit
        .get_attribute("class")
        .unwrap()
        .contains("hop-culprit"));
    assert!(culprit
        .get_attribute("aria-label")
        .unwrap()
        .ends_with("part of a counterexample"));
    web_sys::console::log_1(
        &format!("10,000-operation history: window drawn in {took:.0} ms").into(),
    );
    assert!(took < 2_000.0, "drawing the window took {took} ms");
}

#[wasm_bindgen_test]
async fn the_consistency_tab_shows_the_broken_models_counterexample() {
    let root = open_tab(2_500, "consistency").await;
    wait_for(&root, "the linearizable row", |r| {
        r.query_selector(r#".cm[data-model="linearizable"]"#)
            .unwrap()
            .is_some()
    })
    .await;
    let row = find(&root, r#".cm[data-model="linearizable"]"#);
    assert!(row.get_attribute("class").unwrap().contains("cm-broken"));
    let words = text(&row);
    assert!(words.contains("checked"), "{words}");
    assert!(words.contains("broken at"), "{words}");
    let sentences = all(&row, ".cm-counterexample li");
    assert!(sentences.len() >= 2, "{words}");
    // Each operation of the counterexample in a sentence of its own, and why no order
    // explains them.
    assert!(
        sentences.iter().any(|s| text(s).starts_with("Client")),
        "{words}"
    );
    assert!(
        text(sentences.last().unwrap()).starts_with("No order"),
        "{words}"
    );
    find(&row, "button.inv-jump");
    // Every model of the catalog is listed, with its definition and source.
    assert_eq!(all(&root, ".consistency .cm").len(), 7);
    // The page's own checks finish within a few slices and say so.
    wait_for(&root, "the page's verdicts", |r| {
        all(r, ".cm-undecided").is_empty()
    })
    .await;
    // The invariants box lists the checked model beside the protocol's own.
    let invariants = text(&find(&root, "section.invariants"));
    assert!(invariants.contains("Linearizable"), "{invariants}");
}

#[wasm_bindgen_test]
async fn the_history_marks_the_counterexample_and_jumps_to_the_moment() {
    let root = open_tab(2_500, "history").await;
    wait_for(&root, "the broken banner", |r| {
        r.query_selector(".history-broken").unwrap().is_some()
    })
    .await;
    let banner = text(&find(&root, ".history-broken"));
    assert!(banner.contains("Linearizable broken at"), "{banner}");
    let jump = all(&root, ".history-broken button")
        .into_iter()
        .find(|b| text(b).contains("Jump to the moment it became impossible"))
        .expect("the jump button");
    // Zoom out to see the whole run: the counterexample's operations are marked.
    let all_button = all(&root, ".history-tools button")
        .into_iter()
        .find(|b| text(b) == "All")
        .unwrap();
    click(&all_button);
    wait_for(&root, "a marked operation", |r| {
        r.query_selector(".hop-culprit").unwrap().is_some()
    })
    .await;
    click(&jump);
    wait_for(&root, "the seek", |r| {
        let range: HtmlInputElement = r
            .query_selector(r#".timeline input[type="range"]"#)
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        range.value().parse::<u64>().unwrap_or(0) < 2_500
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_node_menu_sends_a_clients_write_and_read() {
    let root = mount_fragment(&stale_reads_at(1_000)).await;
    wait_for(&root, "the nodes", |r| {
        r.query_selector(r#"section.cluster [data-node="3"]"#)
            .unwrap()
            .is_some()
    })
    .await;
    click(&find(&root, r#"section.cluster [data-node="3"]"#));
    wait_for(&root, "the menu", |r| {
        r.query_selector(".cluster-menu .menu-clients")
            .unwrap()
            .is_some()
    })
    .await;
    let write = all(&root, ".menu-clients button")
        .into_iter()
        .find(|b| text(b) == "Write…")
        .expect("Write…");
    click(&write);
    wait_for(&root, "the write form", |r| {
        r.query_selector(".menu-client").unwrap().is_some()
    })
    .await;
    // The client picker has the focus; the value is made up when left empty.
    let form = find(&root, ".menu-client");
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element();
    assert_eq!(active.map(|a| a.tag_name()), Some("SELECT".to_string()));
    let fields: Vec<HtmlInputElement> = all(&form, "input")
        .into_iter()
        .map(|i| i.dyn_into().unwrap())
        .collect();
    assert_eq!(fields.len(), 2, "key and value");
    assert_eq!(fields[0].placeholder(), "x");
    assert!(
        fields[1].placeholder().starts_with("1."),
        "{}",
        fields[1].placeholder()
    );
    let before = root.query_selector("#tab-history").unwrap().is_some();
    assert!(before);
    let select: web_sys::HtmlSelectElement = find(&form, "select").dyn_into().unwrap();
    // C1–C3 run the workload (and may be waiting); C4 is free.
    select.set_value("4");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let submit = find(&root, ".menu-client button[type=submit]");
    assert!(
        submit
            .get_attribute("aria-label")
            .unwrap()
            .starts_with("Send the write from C4 to S3"),
        "{:?}",
        submit.get_attribute("aria-label")
    );
    click(&submit);
    // Recorded as the `write` action: the notice line stays free of a refusal, and the
    // History tab shows the new operation once time runs on.
    yew::platform::time::sleep(Duration::from_millis(100)).await;
    let notice = text(&find(&root, ".notice-region"));
    assert!(!notice.contains("Not done"), "{notice}");
}
