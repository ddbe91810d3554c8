//! Browser tests of the side panel's views: the logs, the inspector, the events and the
//! invariants (see tests/browser.rs for the helpers).
//!
//! Most tests open the whole page on a scenario link. Those that need to move time forward
//! mount the real side panel in a small harness that keeps the reducer's dispatcher, so
//! they can play the run a few frames at a time without depending on the control bar.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use quorum_lab::protocols::raft;
use quorum_lab::scenario::{link, presets, Scenario};
use quorum_lab::sim::{ScriptEntry, Time};
use quorum_lab::ui::lab::{Lab, Selection};
use quorum_lab::ui::{LabState, SidePanel, UiAction};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::{find, mount_fragment, new_root, text, wait_for};

/// The fragment of a link to `scenario` at time `t` (without the `#`).
fn fragment(scenario: &Scenario, t: Time) -> String {
    link::to_link("", scenario, Some(t))
        .trim_start_matches('#')
        .to_string()
}

/// The default cluster, with a client request for `value` sent to every node at 1.5 s
/// (only the leader accepts it; the others refuse and say who leads).
fn with_request(value: &str) -> Scenario {
    let mut s = Scenario::default();
    s.script = (1..=s.nodes)
        .map(|node| ScriptEntry {
            at_ms: 1_500,
            action: raft::request(node, value),
        })
        .collect();
    s
}

/// Mounts the whole page on `fragment` and waits for the logs grid.
async fn mount_page(fragment: String) -> Element {
    let root = mount_fragment(&fragment).await;
    wait_for(&root, "the page", |r| exists(r, ".logs-grid")).await;
    root
}

fn exists(root: &Element, selector: &str) -> bool {
    root.query_selector(selector).unwrap().is_some()
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn has_class(element: &Element, class: &str) -> bool {
    element
        .get_attribute("class")
        .unwrap_or_default()
        .split_whitespace()
        .any(|c| c == class)
}

fn click(element: &Element) {
    element.dyn_ref::<HtmlElement>().unwrap().click();
}

/// The button inside `root` whose text is `label`.
fn button(root: &Element, label: &str) -> Element {
    all(root, "button")
        .into_iter()
        .find(|b| text(b).trim().trim_start_matches('✓').trim() == label)
        .unwrap_or_else(|| panic!("no button {label:?}"))
}

// ----- a harness: the real side panel, with the dispatcher kept for the test -----

/// The harness's dispatcher and the state it last rendered.
type Mounted = (UseReducerDispatcher<LabState>, LabState);

/// Where the harness leaves what it mounted, for the test to read and drive.
#[derive(Clone, Default)]
struct Slot(Rc<RefCell<Option<Mounted>>>);

impl PartialEq for Slot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Slot {
    fn send(&self, action: UiAction) {
        let dispatcher = self.0.borrow().as_ref().expect("mounted").0.clone();
        dispatcher.dispatch(action);
    }

    fn lab(&self) -> LabState {
        self.0.borrow().as_ref().expect("mounted").1.clone()
    }
}

#[derive(Properties, PartialEq)]
struct HarnessProps {
    fragment: String,
    slot: Slot,
}

#[function_component(Harness)]
fn harness(props: &HarnessProps) -> Html {
    let fragment = props.fragment.clone();
    let lab = use_reducer(move || LabState(Rc::new(Lab::from_fragment(&fragment))));
    *props.slot.0.borrow_mut() = Some((lab.dispatcher(), (*lab).clone()));
    let dispatcher = lab.dispatcher();
    let on_action = Callback::from(move |a: UiAction| dispatcher.dispatch(a));
    html! { <SidePanel lab={(*lab).clone()} {on_action} /> }
}

async fn mount_panel(fragment: String) -> (Element, Slot) {
    let root = new_root();
    let slot = Slot::default();
    yew::Renderer::<Harness>::with_root_and_props(
        root.clone(),
        HarnessProps {
            fragment,
            slot: slot.clone(),
        },
    )
    .render();
    wait_for(&root, "the panel", |r| exists(r, ".logs-grid")).await;
    (root, slot)
}

/// Plays the run for about `sim_ms` simulated milliseconds, one frame at a time, and
/// pauses again.
async fn play(slot: &Slot, sim_ms: f64) {
    slot.send(UiAction::Play);
    let frame_wall_ms = 100.0;
    let per_frame = frame_wall_ms * quorum_lab::ui::lab::SIM_MS_PER_WALL_MS;
    let mut left = sim_ms;
    while left > 0.0 {
        slot.send(UiAction::Tick(frame_wall_ms));
        left -= per_frame;
        yew::platform::time::sleep(Duration::from_millis(1)).await;
    }
    slot.send(UiAction::Pause);
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

// ----- logs -----

#[wasm_bindgen_test]
async fn the_logs_tab_shows_one_row_per_node() {
    let root = mount_page(fragment(&Scenario::default(), 0)).await;
    let rows = all(&root, ".logs-grid tbody tr");
    assert_eq!(rows.len(), 5);
    for (i, row) in rows.iter().enumerate() {
        let header = text(&find(row, "th")).replace('\n', " ");
        assert!(header.starts_with(&format!("S{}", i + 1)), "{header}");
        assert!(header.contains("commit 0"), "{header}");
    }
}

#[wasm_bindgen_test]
async fn a_client_request_appears_uncommitted_then_becomes_committed() {
    // Just after the request: the leader has appended it; nobody has committed it yet.
    let (root, slot) = mount_panel(fragment(&with_request("hello"), 1_501)).await;
    let lab = slot.lab();
    let leader = (1..=lab.world().size())
        .find(|&id| lab.world().node(id).role == "leader")
        .expect("a leader by 1.5 s");
    let leader_row =
        |root: &Element| all(root, ".logs-grid tbody tr")[(leader - 1) as usize].clone();
    let entry = find(&leader_row(&root), ".log-entry:not(.empty)");
    assert!(has_class(&entry, "uncommitted"), "{}", entry.outer_html());
    assert!(text(&entry).contains("hello"));
    assert!(
        text(&entry).contains('1'),
        "the term is written, not only coloured"
    );
    let title = find(&leader_row(&root), ".log-cell")
        .get_attribute("title")
        .unwrap();
    assert!(title.contains("uncommitted"), "{title}");
    assert_eq!(count(&root, ".log-entry.committed"), 0);

    // A few round trips later every node holds it committed, behind its commit marker.
    play(&slot, 200.0).await;
    wait_for(&root, "the entry committed on every node", |r| {
        count(r, ".log-entry.committed") == 5
    })
    .await;
    let row = leader_row(&root);
    assert!(text(&find(&row, ".log-node-commit")).contains("commit 1"));
    assert!(has_class(&find(&row, ".log-cell"), "at-commit"));
    // The leader's progress: every follower's match index is 1.
    let progress = text(&find(&root, ".logs-progress"));
    assert!(
        progress.contains(&format!("Leader S{leader}")),
        "{progress}"
    );
    assert_eq!(count(&root, ".logs-grid .mk-m"), 4);
}

#[wasm_bindgen_test]
async fn clicking_a_row_label_selects_the_node_and_shows_it_in_the_inspector() {
    let (root, slot) = mount_panel(fragment(&with_request("hello"), 2_000)).await;
    click(&all(&root, ".log-node-button")[2]);
    wait_for(&root, "the inspector", |r| exists(r, ".inspector-node")).await;
    assert_eq!(slot.lab().selected(), Some(Selection::Node(3)));
    let inspector = text(&find(&root, ".inspector"));
    assert!(inspector.contains("S3"), "{inspector}");
    assert!(inspector.contains("Current term"), "{inspector}");
    assert!(inspector.contains("Commit index"), "{inspector}");
    assert!(
        inspector.contains("hello"),
        "the log is listed: {inspector}"
    );
    // A follower's election timer counts down in simulated time.
    assert!(inspector.contains("election timer fires in"), "{inspector}");
}

#[wasm_bindgen_test]
async fn a_selected_message_shows_every_field() {
    let (root, slot) = mount_panel(fragment(&with_request("hello"), 1_501)).await;
    let lab = slot.lab();
    let world: &raft::RaftWorld = lab.world().as_any().downcast_ref().unwrap();
    let (&id, m) = world
        .in_flight()
        .iter()
        .find(|(_, m)| matches!(m.msg, raft::RaftMessage::AppendEntries(ref a) if !a.entries.is_empty()))
        .expect("the leader is replicating the request");
    let (from, to) = (m.from, m.to);
    slot.send(UiAction::Select(Some(Selection::Message(id))));
    wait_for(&root, "the message", |r| exists(r, ".inspector-message")).await;
    let shown = text(&find(&root, ".inspector-message"));
    for needle in [
        "AppendEntries".to_string(),
        format!("S{from}"),
        format!("S{to}"),
        "prevLogIndex".into(),
        "prevLogTerm".into(),
        "leaderCommit".into(),
        "Entries carried".into(),
        "hello".into(),
    ] {
        assert!(shown.contains(&needle), "{needle:?} missing from {shown}");
    }
}

// ----- invariants -----

#[wasm_bindgen_test]
async fn every_invariant_holds_in_a_healthy_run() {
    let root = mount_page(fragment(&with_request("hello"), 2_000)).await;
    let rows = all(&root, ".invariants .inv");
    assert_eq!(rows.len(), 6);
    let titles: Vec<String> = rows.iter().map(|r| text(&find(r, ".inv-title"))).collect();
    assert_eq!(
        titles,
        [
            "Election Safety",
            "Leader Append-Only",
            "Log Matching",
            "Leader Completeness",
            "State Machine Safety",
            "Progress"
        ]
    );
    for row in &rows {
        assert!(has_class(row, "inv-ok"));
        assert_eq!(text(&find(row, ".inv-status")), "holds");
    }
}

#[wasm_bindgen_test]
async fn a_broken_invariant_is_marked_explained_and_can_be_jumped_to() {
    let scenario = presets::get("figure-8-commit-old-terms").unwrap().unwrap();
    let t = scenario.default_until_ms();
    // What the engine says, to compare with what the page shows.
    let mut world = raft::world(&scenario);
    world.advance_to(t);
    let first = world.violations()[0].clone();
    assert_eq!(first.invariant, "leader_completeness");

    let root = mount_page(fragment(&scenario, t)).await;
    let violated = all(&root, ".inv.inv-violated");
    assert!(!violated.is_empty());
    let row = violated
        .iter()
        .find(|r| text(&find(r, ".inv-title")) == "Leader Completeness")
        .expect("leader completeness is marked violated");
    let status = text(&find(row, ".inv-status"));
    assert!(status.starts_with("violated at"), "{status}");
    assert!(find(row, ".inv-icon").text_content().unwrap().contains('✕'));
    assert_eq!(text(&find(row, ".inv-explanation")), first.detail);

    // Jumping goes back to just after the violation: the row still says it is violated.
    click(&button(row, "Jump to the violation"));
    yew::platform::time::sleep(Duration::from_millis(100)).await;
    let row = all(&root, ".inv.inv-violated")
        .into_iter()
        .find(|r| text(&find(r, ".inv-title")) == "Leader Completeness")
        .expect("still violated after the jump");
    assert!(text(&find(&row, ".inv-status")).starts_with("violated at"));
    let now = text(&root);
    assert!(now.contains("Election Safety"));
}

// ----- events -----

#[wasm_bindgen_test]
async fn the_events_list_reads_as_sentences_and_filters_reduce_it() {
    let root = mount_page(fragment(&with_request("hello"), 1_600)).await;
    click(&find(&root, "#tab-events"));
    wait_for(&root, "the events list", |r| exists(r, ".events-list .ev")).await;
    let lines = || count(&root, ".events-list .ev");
    let before = lines();
    assert!(before > 0);
    let all_text = text(&find(&root, ".events-list"));
    assert!(
        all_text.contains("accepted client request \"hello\""),
        "{all_text}"
    );
    assert!(
        all_text.contains("refused client request \"hello\": not the leader"),
        "{all_text}"
    );
    assert!(all_text.contains(" s"), "times are shown: {all_text}");

    // Hiding the user's and script's actions removes lines.
    click(&button(&root, "Actions"));
    wait_for(&root, "fewer lines", |_| lines() < before).await;
    let without_actions = lines();
    // Showing message traffic adds many.
    click(&button(&root, "Messages"));
    wait_for(&root, "more lines", |_| lines() > without_actions).await;
    let with_messages = lines();
    // One node's events only: fewer again, and every line names it.
    click(&find(&root, r#"button[aria-label="Only events of S3"]"#));
    wait_for(&root, "one node's lines", |_| lines() < with_messages).await;
    for line in all(&root, ".events-list .ev-text") {
        let t = text(&line);
        assert!(t.contains("S3"), "{t}");
    }
}
