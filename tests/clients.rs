//! The simulator's clients (SCENARIO.md, "Clients and histories"), on a toy protocol
//! whose nodes do not replicate: each answers reads and writes from its own memory. One
//! such node is a linearizable register; two are not, and a client who writes through
//! one and reads through the other shows it. The toy makes every rule of the client
//! layer visible without any real protocol's behaviour in the way.

use std::collections::BTreeMap;
use std::fmt;

use quorum_lab::check::{Call, Outcome, Read, Value};
use quorum_lab::sim::client::{ClientRequest, ClientSettings, Op, Reply, Workload};
use quorum_lab::sim::digest::{Digest, TraceHasher};
use quorum_lab::sim::{
    Action, CheckEnv, Checker, Ctx, Event, History, Host, InvariantSpec, Message, NetworkMode,
    NetworkSettings, Node, NodeId, ScriptEntry, Setup, Topic, World,
};
use serde::Serialize;

/// A node that keeps registers in its own memory and answers at once, or, when `slow`,
/// after its `Answer` timer (to test answers that come too late).
#[derive(Clone, Debug)]
struct Local {
    store: BTreeMap<String, String>,
    slow: Option<u64>,
    waiting: Vec<(usize, Reply)>,
}

#[derive(Clone, Debug)]
struct Nothing;

#[derive(Clone, Copy, Debug, Serialize)]
struct NoSummary;

impl fmt::Display for NoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("-")
    }
}

impl Digest for NoSummary {
    fn digest(&self, _: &mut TraceHasher) {}
}

impl Message for Nothing {
    type Summary = NoSummary;
    fn summary(&self) -> NoSummary {
        NoSummary
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
struct Answer;

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("answer timer")
    }
}

impl Digest for Answer {
    fn digest(&self, h: &mut TraceHasher) {
        h.word(1)
    }
}

#[derive(Clone, Debug, Serialize)]
struct Said(String);

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Digest for Said {
    fn digest(&self, h: &mut TraceHasher) {
        self.0.digest(h)
    }
}

#[derive(Clone, Debug)]
struct NoInvariants;

impl Checker<Local> for NoInvariants {
    const INVARIANTS: &'static [InvariantSpec] = &[];
    fn new(_: u32, _: &Option<u64>) -> Self {
        NoInvariants
    }
    fn check(
        &mut self,
        _: &[Host<Local>],
        _: NodeId,
        _: &CheckEnv,
        _: &mut dyn FnMut(&'static str, String),
    ) {
    }
}

impl Node for Local {
    type Settings = Option<u64>;
    type Message = Nothing;
    type Timer = Answer;
    type Note = Said;
    type Checker = NoInvariants;

    fn new(_: NodeId, _: u32, slow: &Option<u64>) -> Self {
        Local {
            store: BTreeMap::new(),
            slow: *slow,
            waiting: Vec::new(),
        }
    }
    fn start(&mut self, _: &mut Ctx<'_, Self>) {}
    fn crash(&mut self) {
        self.waiting.clear();
    }
    fn on_message(&mut self, _: &mut Ctx<'_, Self>, _: NodeId, _: Nothing) {}
    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _: Answer) {
        for (op, reply) in std::mem::take(&mut self.waiting) {
            ctx.reply(op, reply);
        }
    }
    fn on_command(
        &mut self,
        _: &mut Ctx<'_, Self>,
        _: &quorum_lab::sim::Command,
    ) -> Result<(), String> {
        Err("no commands".into())
    }
    fn on_client(&mut self, ctx: &mut Ctx<'_, Self>, request: ClientRequest) {
        let reply = match request.op {
            Op::Write { key, value } if value == "refuse" => {
                let _ = key;
                Reply::Fail {
                    reason: "refused".into(),
                    leader: Some(1),
                }
            }
            Op::Write { key, value } => {
                self.store.insert(key, value);
                Reply::written()
            }
            Op::Read { key } => Reply::read(self.store.get(&key).cloned()),
        };
        ctx.note(Said(format!("answers op {}", request.id)));
        match self.slow {
            None => ctx.reply(request.id, reply),
            Some(after) => {
                self.waiting.push((request.id, reply));
                ctx.set_timer(Answer, after);
            }
        }
    }
    fn report(&self) -> serde_json::Value {
        serde_json::json!({ "store": self.store })
    }
    fn topic(_: &Said) -> Topic {
        Topic::Data
    }
}

const LATENCY: u64 = 10;
const TIMEOUT: u64 = 100;

fn net() -> NetworkSettings {
    NetworkSettings {
        mode: NetworkMode::Auto,
        latency_ms: (LATENCY, LATENCY),
        loss: 0.0,
        duplicate: 0.0,
    }
}

fn world(nodes: u32, script: Vec<(u64, Action)>, check: &[&'static str]) -> World<Local> {
    world_with(nodes, None, script, check, None)
}

fn world_with(
    nodes: u32,
    slow: Option<u64>,
    script: Vec<(u64, Action)>,
    check: &[&'static str],
    workload: Option<Workload>,
) -> World<Local> {
    World::new(Setup {
        nodes,
        seed: 7,
        network: net(),
        protocol: slow,
        script: script
            .into_iter()
            .map(|(at_ms, action)| ScriptEntry { at_ms, action })
            .collect(),
        clients: ClientSettings {
            timeout_ms: TIMEOUT,
            workload,
        },
        check: check.to_vec(),
    })
}

fn write(client: u32, node: NodeId, key: &str, value: &str) -> Action {
    Action::Client {
        client,
        node,
        op: Op::Write {
            key: key.into(),
            value: value.into(),
        },
    }
}

fn read(client: u32, node: NodeId, key: &str) -> Action {
    Action::Client {
        client,
        node,
        op: Op::Read { key: key.into() },
    }
}

fn lines(w: &World<Local>) -> Vec<String> {
    w.trace()
        .recent()
        .iter()
        .map(|r| format!("{} {}", r.at_ms, r.event))
        .collect()
}

#[test]
fn a_request_and_its_reply_each_take_the_networks_latency() {
    let mut w = world(
        1,
        vec![(0, write(1, 1, "x", "a")), (50, read(2, 1, "x"))],
        &[],
    );
    w.keep_records(100);
    w.advance_to(200);
    let h = w.history();
    assert_eq!(h.len(), 2);
    assert_eq!(
        (h[0].invoke, h[0].complete, h[0].outcome),
        (0, Some(20), Outcome::Ok)
    );
    assert_eq!(
        (h[1].invoke, h[1].complete, h[1].outcome),
        (50, Some(70), Outcome::Ok)
    );
    assert_eq!(
        h[1].call,
        Call::Read {
            key: "x".into(),
            read: Read::Value(Value::Str("a".into()))
        }
    );
    assert_eq!(h[1].node, Some(1));
    let trace = lines(&w);
    assert!(
        trace.contains(&"0 C1 → S1 write x = \"a\" (op 0)".to_string()),
        "{trace:#?}"
    );
    assert!(
        trace.contains(&"20 S1 → C1 ok (op 0)".to_string()),
        "{trace:#?}"
    );
    assert!(
        trace.contains(&"70 S1 → C2 ok, read \"a\" (op 1)".to_string()),
        "{trace:#?}"
    );
}

#[test]
fn a_read_of_a_register_never_written_returns_null() {
    let mut w = world(1, vec![(0, read(1, 1, "y"))], &[]);
    w.advance_to(100);
    assert_eq!(
        w.history()[0].call,
        Call::Read {
            key: "y".into(),
            read: Read::Empty
        }
    );
}

#[test]
fn a_client_has_at_most_one_operation_outstanding() {
    let mut w = world(
        1,
        vec![(0, write(1, 1, "x", "a")), (5, read(1, 1, "x"))],
        &[],
    );
    w.keep_records(100);
    w.advance_to(100);
    assert_eq!(w.history().len(), 1);
    let trace = lines(&w);
    assert!(
        trace
            .iter()
            .any(|l| l.starts_with("5 Refused “C1 read x via S1”: C1 is still waiting for op 0")),
        "{trace:#?}"
    );
}

#[test]
fn a_crashed_node_does_not_answer_and_the_client_gives_up_with_an_unknown_outcome() {
    let mut w = world(
        1,
        vec![(0, Action::Crash { node: 1 }), (10, write(1, 1, "x", "a"))],
        &[],
    );
    w.keep_records(100);
    w.advance_to(300);
    let op = &w.history()[0];
    assert_eq!(op.outcome, Outcome::Info);
    assert_eq!(op.complete, Some(10 + TIMEOUT));
    let trace = lines(&w);
    assert!(
        trace.contains(&"20 C1 → S1 op 0 unanswered: S1 is down".to_string()),
        "{trace:#?}"
    );
    assert!(
        trace.contains(&"110 C1 gave up on op 0: outcome unknown".to_string()),
        "{trace:#?}"
    );
}

#[test]
fn an_answer_after_the_timeout_changes_nothing() {
    let mut w = world_with(1, Some(150), vec![(0, write(1, 1, "x", "a"))], &[], None);
    w.keep_records(100);
    w.advance_to(400);
    let op = &w.history()[0];
    assert_eq!((op.outcome, op.complete), (Outcome::Info, Some(TIMEOUT)));
    let trace = lines(&w);
    assert!(
        trace.contains(&"170 S1 → C1 answer to op 0 came after C1 gave up".to_string()),
        "{trace:#?}"
    );
}

#[test]
fn a_node_that_says_no_records_fail() {
    let mut w = world(1, vec![(0, write(1, 1, "x", "refuse"))], &[]);
    w.keep_records(100);
    w.advance_to(100);
    assert_eq!(w.history()[0].outcome, Outcome::Fail);
    let trace = lines(&w);
    assert!(
        trace.contains(&"20 S1 → C1 fail: refused (try S1) (op 0)".to_string()),
        "{trace:#?}"
    );
}

#[test]
fn one_node_is_a_linearizable_register() {
    let script = vec![
        (0, write(1, 1, "x", "a")),
        (30, read(2, 1, "x")),
        (60, write(2, 1, "x", "b")),
        (90, read(1, 1, "x")),
    ];
    let mut w = world(1, script, &["linearizable", "read_your_writes"]);
    w.advance_to(300);
    assert!(w.violations().is_empty(), "{:?}", w.violations());
}

#[test]
fn two_nodes_that_do_not_replicate_break_linearizability_at_the_stale_reads_completion() {
    // C1 writes x = a through S1 (done at 20); C2 then reads x through S2, which never
    // heard of it, and gets null at 50: no order of the two explains that.
    let script = vec![(0, write(1, 1, "x", "a")), (30, read(2, 2, "x"))];
    let mut w = world(2, script, &["linearizable", "monotonic_reads"]);
    w.keep_records(100);
    w.advance_to(300);
    let v = w.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!((v[0].invariant, v[0].at_ms), ("linearizable", 50));
    assert!(
        v[0].detail.contains("Client 2 read nothing"),
        "{}",
        v[0].detail
    );
    let broken = w.broken_models();
    assert_eq!(broken[0].op, Some(1));
    assert_eq!(
        broken[0].ops,
        [0, 1],
        "the write and the read its sentences name"
    );
    assert!(lines(&w)
        .iter()
        .any(|l| l.starts_with("50 Invariant linearizable violated:")));
}

#[test]
fn read_your_writes_is_broken_when_a_client_reads_elsewhere() {
    let script = vec![(0, write(1, 1, "x", "a")), (30, read(1, 2, "x"))];
    let mut w = world(2, script, &["read_your_writes"]);
    w.advance_to(300);
    let v = w.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!((v[0].invariant, v[0].at_ms), ("read_your_writes", 50));
    assert_eq!(w.broken_models()[0].ops, [0, 1]);
}

#[test]
fn convergence_is_judged_only_at_the_end_of_a_run() {
    // Each node keeps its own write; the last reads disagree for ever.
    let script = vec![
        (0, write(1, 1, "x", "a")),
        (0, write(2, 2, "x", "b")),
        (100, read(1, 1, "x")),
        (100, read(2, 2, "x")),
    ];
    let mut w = world(2, script, &["convergence"]);
    w.advance_to(400);
    assert!(w.violations().is_empty());
    w.check_at_end();
    assert_eq!(w.violations()[0].invariant, "convergence");
}

fn workload() -> Workload {
    Workload {
        clients: 3,
        keys: 2,
        think_ms: (5, 40),
        reads: 0.5,
    }
}

#[test]
fn a_workload_runs_by_itself_each_client_one_operation_at_a_time() {
    let mut w = world_with(3, None, vec![], &[], Some(workload()));
    w.advance_to(5_000);
    let h = w.history();
    assert!(h.len() > 200, "{} operations", h.len());
    for c in 1..=3u64 {
        let mine: Vec<_> = h.iter().filter(|o| o.client == c).collect();
        assert!(!mine.is_empty());
        for pair in mine.windows(2) {
            let done = pair[0].complete.expect("completed before the next began");
            assert!(
                done < pair[1].invoke,
                "{:?} overlaps {:?}",
                pair[0],
                pair[1]
            );
        }
    }
    let keys: std::collections::BTreeSet<_> = h.iter().filter_map(|o| o.call.key()).collect();
    assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["x", "y"]);
    // Values are fresh: client 2's seventh operation writes "2.7".
    let values: Vec<&Value> = h
        .iter()
        .filter_map(|o| match &o.call {
            Call::Write { value, .. } => Some(value),
            _ => None,
        })
        .collect();
    let unique: std::collections::BTreeSet<_> = values.iter().collect();
    assert_eq!(unique.len(), values.len());
}

#[test]
fn the_same_seed_gives_the_same_history_and_a_seek_rebuilds_it_exactly() {
    let mut live = world_with(3, None, vec![], &["linearizable"], Some(workload()));
    let mut history = History::new(&mut live);
    for t in (0..=4_000).step_by(100) {
        live.advance_to(t);
        history.observe(&mut live);
    }
    let again = {
        let mut w = world_with(3, None, vec![], &["linearizable"], Some(workload()));
        w.advance_to(4_000);
        w
    };
    assert_eq!(again.history(), live.history());
    assert_eq!(again.trace().hash(), live.trace().hash());
    assert_eq!(again.violations(), live.violations());
    for t in [1_234, 2_500, 3_999] {
        let seeked = history.seek(t, 0);
        let mut fresh = world_with(3, None, vec![], &["linearizable"], Some(workload()));
        fresh.advance_to(t);
        assert_eq!(seeked.history(), fresh.history(), "at {t}");
        assert_eq!(seeked.trace().hash(), fresh.trace().hash(), "at {t}");
    }
}

#[test]
fn a_workload_on_nodes_that_do_not_replicate_is_caught_by_the_checker() {
    let mut w = world_with(3, None, vec![], &["linearizable"], Some(workload()));
    w.advance_to(5_000);
    let v = w.violations();
    assert_eq!(
        v.first().map(|v| v.invariant),
        Some("linearizable"),
        "{v:?}"
    );
    // The moment it became impossible is an ok completion in the history.
    let at = v[0].at_ms;
    assert!(w
        .history()
        .iter()
        .any(|o| o.outcome == Outcome::Ok && o.complete == Some(at)));
}

#[test]
fn events_of_clients_are_client_events_about_their_node() {
    let mut w = world(1, vec![(0, write(1, 1, "x", "a"))], &[]);
    w.keep_records(100);
    w.advance_to(100);
    let kinds: Vec<&str> = w
        .trace()
        .recent()
        .iter()
        .filter(|r| matches!(r.event, Event::Client(_)))
        .map(|r| r.event.kind())
        .collect();
    assert_eq!(kinds, ["client", "client"]);
}

/// A protocol that serves no reads or writes says so, at the field.
#[test]
fn a_protocol_without_clients_refuses_the_clients_block_the_check_list_and_client_actions() {
    use quorum_lab::scenario::Scenario;
    let cases = [
        (
            r#"{"version":1,"protocol":"paxos","clients":{"timeout_ms":100}}"#,
            "clients: paxos serves no reads or writes",
        ),
        (
            r#"{"version":1,"protocol":"paxos","check":["linearizable"]}"#,
            "check: paxos serves no reads or writes",
        ),
        (
            r#"{"version":1,"protocol":"paxos","script":[{"at_ms":0,"action":"write","client":1,"node":1,"key":"x","value":"1"}]}"#,
            "script[0].action: unknown action \"write\"",
        ),
    ];
    for (text, says) in cases {
        let err = Scenario::from_json(text).unwrap_err().to_string();
        assert!(err.starts_with(says), "{text}: {err}");
    }
}

#[test]
fn siblings_are_sorted_and_one_version_is_an_ordinary_read() {
    let r = Reply::siblings(vec!["2".into(), "1".into(), "2".into()]);
    assert_eq!(r.to_string(), "ok, read the siblings [\"1\", \"2\"]");
    assert_eq!(
        Reply::siblings(vec!["1".into()]),
        Reply::read(Some("1".into()))
    );
    assert_eq!(
        Reply::read(None).with_context("vv").to_string(),
        "ok, read nothing (never written)"
    );
}
