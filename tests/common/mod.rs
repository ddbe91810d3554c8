//! The scenario test-case format of `tests/scenarios/` and the runner that checks one case,
//! for every registered protocol.
//!
//! A case is a JSON file that reads like a line of the paper it follows:
//!
//! ```json
//! {
//!   "shows": "a candidate that receives votes from a majority becomes leader",
//!   "cite": "§5.2",
//!   "scenario": { "version": 1, "protocol": "raft", ... },
//!   "until_ms": 100,
//!   "expect": {
//!     "nodes": { "1": { "role": "leader", "term": 1, "log": [[1, "a"], [1, null]] } },
//!     "violations": [],
//!     "leader": 1
//!   }
//! }
//! ```
//!
//! - `scenario` is a full scenario (SCENARIO.md) of any protocol, or `preset` names one of
//!   the presets of any protocol, and `override` (optional) is merged into it, object by
//!   object (`{"raft": {"mutations": []}}` runs a mutation preset without its mutation).
//! - Either `until_ms` + `expect` (one check at the end), or `checks`: a list of
//!   `{ "at_ms": T, "expect": {...} }` in time order, each asserted on the state at time `T`
//!   (every script action at or before `T` applied, see `src/sim/world.rs`).
//! - The last check must state `violations`, the exact set of invariants broken so far
//!   (`[]` for a correct protocol); an item is an invariant's name or
//!   `{"invariant": "...", "at_ms": 60}` to pin the time too.
//! - `expect.nodes` maps a node id to the fields to check. A field is any field of that
//!   node in `qlab run`'s report (`up`, and the protocol's own: Raft's `role`, `term`,
//!   `voted_for`, `commit_index`, `last_applied`, `leader_id`, `log`; Paxos's `promised`,
//!   `accepted`, `chosen`, …), compared for equality, except that an array of arrays
//!   matches an array of objects by the objects' values in order, so Raft's
//!   `"log": [[1, "a"], [1, null]]` matches `[{"term": 1, "value": "a"}, …]`.
//!   `"<field>_at_least": n` asserts a number is at least `n`, and `"<field>_len": n` that
//!   an array has `n` items. `expect.all_nodes` checks the same fields on every node.
//! - `expect.leader` is the id of the only node that is up and leads (its report has
//!   `"role": "leader"` or `"leader": true`; `null`: there is none); `expect.leader_count`
//!   counts the up nodes that lead, whatever their term.
//! - `expect.trace` lists events that must have happened: `{"text": "...", "at_ms": T,
//!   "kind": "refused"}`, where `text` is part of the event's sentence in the page's event
//!   list, and `at_ms` and `kind` (the trace's kind of event: `action`, `refused`, `sent`,
//!   `delivered`, `lost`, `timer`, `note`, `violation`, …) are optional.
//!   `expect.not_in_trace` lists texts no event's sentence may contain.
//! - `expect.in_flight` lists the ids of the messages on the wire (manual networks).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quorum_lab::protocols::view::RecordView;
use quorum_lab::protocols::{self, Run};
use quorum_lab::scenario::{presets, Scenario};
use serde::Deserialize;
use serde_json::{Map, Value};

/// One test case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, in words.
    pub shows: String,
    /// The section of the paper (or thesis) it follows.
    pub cite: String,
    #[serde(default)]
    pub scenario: Option<Value>,
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default, rename = "override")]
    pub override_: Option<Value>,
    #[serde(default)]
    pub until_ms: Option<u64>,
    #[serde(default)]
    pub expect: Option<Expect>,
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// An expectation at a time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub at_ms: u64,
    pub expect: Expect,
}

/// What must hold at a check.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub nodes: Map<String, Value>,
    #[serde(default)]
    pub all_nodes: Option<Map<String, Value>>,
    #[serde(default)]
    pub violations: Option<Vec<Value>>,
    /// `Some(Value::Null)`: no leader; a number: that node is the only leader.
    #[serde(default, deserialize_with = "present")]
    pub leader: Option<Value>,
    #[serde(default)]
    pub leader_count: Option<usize>,
    #[serde(default)]
    pub trace: Vec<TraceExpect>,
    #[serde(default)]
    pub not_in_trace: Vec<String>,
    #[serde(default)]
    pub in_flight: Option<Vec<u64>>,
    /// The run's history, record by record: each listed field must have that value
    /// (`qlab run`'s `history` form), and there must be exactly as many records.
    #[serde(default)]
    pub history: Option<Vec<Map<String, Value>>>,
    /// Fields of `qlab run`'s `consistency` object.
    #[serde(default)]
    pub consistency: Option<Map<String, Value>>,
}

/// An event that must be in the trace.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceExpect {
    pub text: String,
    #[serde(default)]
    pub at_ms: Option<u64>,
    #[serde(default)]
    pub kind: Option<String>,
}

/// Tells `"leader": null` (no leader) from a left-out `leader`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// The root of the case files.
pub fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// Every `.json` file under `dir`, sorted, recursively.
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("readable directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Merges `patch` into `base`: objects key by key, anything else replaced.
pub fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p.clone(),
    }
}

impl Case {
    /// Reads a case file.
    pub fn load(path: &Path) -> Result<Case, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| format!("not a valid test case: {e}"))
    }

    /// The scenario the case runs.
    pub fn scenario(&self) -> Result<Scenario, String> {
        let mut json: Value = match (&self.scenario, &self.preset) {
            (Some(s), None) => s.clone(),
            (None, Some(id)) => {
                let (_, preset) = presets::sources()
                    .find(|(_, p)| p.id == id)
                    .ok_or_else(|| format!("no preset {id:?}"))?;
                serde_json::from_str(preset.json).map_err(|e| format!("preset {id}: {e}"))?
            }
            _ => return Err("give exactly one of \"scenario\" and \"preset\"".into()),
        };
        if let Some(patch) = &self.override_ {
            merge(&mut json, patch);
        }
        Scenario::from_json(&json.to_string()).map_err(|e| format!("scenario: {e}"))
    }

    /// The checks in time order (`until_ms` + `expect` is one check).
    pub fn all_checks(&self) -> Result<Vec<(u64, &Expect)>, String> {
        let mut checks: Vec<(u64, &Expect)> =
            self.checks.iter().map(|c| (c.at_ms, &c.expect)).collect();
        match (self.until_ms, &self.expect) {
            (Some(t), Some(e)) => checks.push((t, e)),
            (None, None) => {}
            _ => return Err("\"until_ms\" and \"expect\" go together".into()),
        }
        if checks.is_empty() {
            return Err("the case checks nothing: add \"until_ms\" and \"expect\"".into());
        }
        if checks.windows(2).any(|w| w[0].0 > w[1].0) {
            return Err("checks must be in time order".into());
        }
        if checks.last().is_some_and(|(_, e)| e.violations.is_none()) {
            return Err(
                "the last check must state \"violations\" ([] for a correct protocol)".into(),
            );
        }
        if self.shows.trim().is_empty() || self.cite.trim().is_empty() {
            return Err("\"shows\" and \"cite\" must say something".into());
        }
        Ok(checks)
    }
}

/// What a run of a case produced, for determinism checks.
pub struct Ran {
    pub trace_hash: String,
    pub run: Box<dyn Run>,
}

/// Runs a case and checks every expectation. `Err` lists what differed, one per line.
pub fn run_case(case: &Case) -> Result<Ran, String> {
    let scenario = case.scenario()?;
    let checks = case.all_checks()?;
    let mut run = protocols::build(&scenario);
    run.keep_records(usize::MAX);
    let mut problems = Vec::new();
    for (t, expect) in checks {
        run.advance_to(t);
        for p in check(&*run, expect) {
            problems.push(format!("at {t} ms: {p}"));
        }
    }
    if problems.is_empty() {
        Ok(Ran {
            trace_hash: run.trace_hash(),
            run,
        })
    } else {
        Err(problems.join("\n"))
    }
}

/// True if `actual` is what a case file means by `expected`: equal, except that an array
/// in the case may stand for an object's values in order (a log entry `[1, "a"]` for
/// `{"term": 1, "value": "a"}`), at any depth.
pub fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Array(want), Value::Array(got)) => {
            want.len() == got.len() && want.iter().zip(got).all(|(w, g)| matches(w, g))
        }
        (Value::Array(want), Value::Object(got)) => {
            want.len() == got.len() && want.iter().zip(got.values()).all(|(w, g)| matches(w, g))
        }
        (Value::Object(want), Value::Object(got)) => {
            want.len() == got.len()
                && want
                    .iter()
                    .all(|(k, w)| got.get(k).is_some_and(|g| matches(w, g)))
        }
        _ => expected == actual,
    }
}

/// How a case's field name is checked against a report field.
enum Compare {
    /// `field`: equal (see [`matches`]).
    Equal,
    /// `field_at_least`: a number at least this large.
    AtLeast,
    /// `field_len`: an array of this many items.
    Len,
}

/// The report field a case's field name asks about, and how to compare it. A field the
/// report has by that very name wins over a suffix.
fn resolve<'a>(report: &'a Map<String, Value>, field: &str) -> Option<(Compare, &'a Value)> {
    if let Some(v) = report.get(field) {
        return Some((Compare::Equal, v));
    }
    let suffixed = |suffix: &str| field.strip_suffix(suffix).and_then(|f| report.get(f));
    suffixed("_at_least")
        .map(|v| (Compare::AtLeast, v))
        .or_else(|| suffixed("_len").map(|v| (Compare::Len, v)))
}

fn check_node(id: u64, report: &Map<String, Value>, want: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (field, expected) in want {
        let Some((compare, actual)) = resolve(report, field) else {
            let known: Vec<&str> = report.keys().map(String::as_str).collect();
            out.push(format!(
                "S{id}: the report has no field {field:?} (it has {}; add _at_least or _len \
                 to one of them to compare a number or count an array)",
                known.join(", ")
            ));
            continue;
        };
        let problem = match compare {
            Compare::Equal => (!matches(expected, actual))
                .then(|| format!("S{id}.{field}: expected {expected}, got {actual}")),
            Compare::AtLeast => match (expected.as_u64(), actual.as_u64()) {
                (Some(min), Some(n)) if n >= min => None,
                (Some(_), Some(n)) => Some(format!("S{id}.{field}: expected {expected}, got {n}")),
                _ => Some(format!(
                    "S{id}.{field}: compares whole numbers, expected {expected}, got {actual}"
                )),
            },
            Compare::Len => match (expected.as_u64(), actual.as_array()) {
                (Some(n), Some(items)) if items.len() as u64 == n => None,
                (Some(_), Some(items)) => Some(format!(
                    "S{id}.{field}: expected {expected}, got {} items",
                    items.len()
                )),
                _ => Some(format!(
                    "S{id}.{field}: counts an array's items, expected {expected}, got {actual}"
                )),
            },
        };
        out.extend(problem);
    }
    out
}

/// True if the report says the node is up and leads: Raft's `"role": "leader"`,
/// Multi-Paxos's `"leader": true`.
fn up_and_leading(node: &Map<String, Value>) -> bool {
    let is = |field: &str, value: Value| node.get(field) == Some(&value);
    is("up", Value::Bool(true)) && (is("role", "leader".into()) || is("leader", Value::Bool(true)))
}

/// The event list's rows, oldest first.
fn trace_rows(run: &dyn Run) -> Vec<RecordView> {
    let mut rows = run.records(&|_| true, None, usize::MAX).rows;
    rows.reverse();
    rows
}

/// Every expectation of `expect` that does not hold, in words.
pub fn check(run: &dyn Run, expect: &Expect) -> Vec<String> {
    let mut out = Vec::new();
    let report = run.report();
    let nodes: Vec<&Map<String, Value>> = report["nodes"]
        .as_array()
        .expect("a report lists its nodes")
        .iter()
        .map(|n| n.as_object().expect("a node's report is an object"))
        .collect();
    for (key, want) in &expect.nodes {
        let id = match key.parse::<usize>() {
            Ok(id) if (1..=nodes.len()).contains(&id) => id,
            _ => {
                out.push(format!("nodes: {key:?} is not a node id"));
                continue;
            }
        };
        match want.as_object() {
            Some(want) => out.extend(check_node(id as u64, nodes[id - 1], want)),
            None => out.push(format!("nodes.{key}: must be an object")),
        }
    }
    if let Some(want) = &expect.all_nodes {
        for (i, node) in nodes.iter().enumerate() {
            out.extend(check_node(i as u64 + 1, node, want));
        }
    }
    if let Some(want) = &expect.violations {
        out.extend(check_violations(run, want));
    }
    let up_leaders: Vec<u64> = nodes
        .iter()
        .filter(|n| up_and_leading(n))
        .filter_map(|n| n.get("id").and_then(Value::as_u64))
        .collect();
    if let Some(want) = &expect.leader {
        let ok = match want {
            Value::Null => up_leaders.is_empty(),
            v => up_leaders.len() == 1 && v.as_u64() == Some(up_leaders[0]),
        };
        if !ok {
            out.push(format!(
                "leader: expected {want}, the nodes up and leading are {up_leaders:?}"
            ));
        }
    }
    if let Some(n) = expect.leader_count {
        if up_leaders.len() != n {
            out.push(format!(
                "leader_count: expected {n}, got {} ({up_leaders:?})",
                up_leaders.len()
            ));
        }
    }
    if !expect.trace.is_empty() || !expect.not_in_trace.is_empty() {
        out.extend(check_trace(&trace_rows(run), expect));
    }
    if let Some(want) = &expect.in_flight {
        let actual: Vec<u64> = run.flights().iter().map(|f| f.id).collect();
        if &actual != want {
            out.push(format!("in_flight: expected {want:?}, got {actual:?}"));
        }
    }
    if let Some(want) = &expect.history {
        out.extend(check_history(&report, want));
    }
    if let Some(want) = &expect.consistency {
        for (model, v) in want {
            let got = &report["consistency"][model];
            if got != v {
                out.push(format!("consistency.{model}: expected {v}, got {got}"));
            }
        }
    }
    out
}

/// The history's records against the case's, field by field.
fn check_history(report: &Value, want: &[Map<String, Value>]) -> Vec<String> {
    let empty = Vec::new();
    let got = report["history"].as_array().unwrap_or(&empty);
    let mut out = Vec::new();
    if got.len() != want.len() {
        out.push(format!(
            "history: expected {} operations, got {}: {}",
            want.len(),
            got.len(),
            Value::Array(got.clone())
        ));
    }
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        for (field, v) in w {
            if !matches(v, &g[field]) {
                out.push(format!(
                    "history[{i}].{field}: expected {v}, got {}",
                    g[field]
                ));
            }
        }
    }
    out
}

/// The exact set of invariants broken so far, each at its time if the case pins it.
fn check_violations(run: &dyn Run, want: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    let actual = run.violations();
    let mut wanted_names = Vec::new();
    for w in want {
        let (name, at) = match w {
            Value::String(s) => (s.as_str(), None),
            Value::Object(o) => (
                o.get("invariant").and_then(Value::as_str).unwrap_or(""),
                o.get("at_ms").and_then(Value::as_u64),
            ),
            _ => ("", None),
        };
        wanted_names.push(name);
        match actual.iter().find(|v| v.invariant == name) {
            None => out.push(format!("expected a violation of {name}, there was none")),
            Some(v) if at.is_some_and(|t| t != v.at_ms) => out.push(format!(
                "{name} was violated at {} ms, expected at {} ms",
                v.at_ms,
                at.unwrap_or_default()
            )),
            Some(_) => {}
        }
    }
    for v in actual {
        if !wanted_names.contains(&v.invariant) {
            out.push(format!(
                "unexpected violation of {} at {} ms: {}",
                v.invariant, v.at_ms, v.detail
            ));
        }
    }
    let mut names: Vec<&str> = actual.iter().map(|v| v.invariant).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() != actual.len() {
        out.push("duplicate violations recorded".into());
    }
    out
}

/// The events the case wants in the trace, and the texts it wants nowhere in it.
fn check_trace(rows: &[RecordView], expect: &Expect) -> Vec<String> {
    let mut out = Vec::new();
    for want in &expect.trace {
        let found = rows.iter().any(|r| {
            want.at_ms.is_none_or(|t| t == r.at_ms)
                && want.kind.as_deref().is_none_or(|k| k == r.name)
                && r.text.contains(&want.text)
        });
        if !found {
            let mut msg = format!("no event in the trace contains {:?}", want.text);
            if let Some(t) = want.at_ms {
                let _ = write!(msg, " at {t} ms");
                let near: Vec<String> = rows
                    .iter()
                    .filter(|r| r.at_ms == t)
                    .map(|r| format!("    [{}] {}", r.name, r.text))
                    .collect();
                if near.is_empty() {
                    msg.push_str(" (no events at that time)");
                } else {
                    let _ = write!(msg, "; events then:\n{}", near.join("\n"));
                }
            }
            out.push(msg);
        }
    }
    for text in &expect.not_in_trace {
        if let Some(r) = rows.iter().find(|r| r.text.contains(text)) {
            out.push(format!(
                "the trace should not contain {text:?}, but at {} ms: {}",
                r.at_ms, r.text
            ));
        }
    }
    out
}

/// Runs every case file under `dir` (twice, comparing trace hashes) and panics with one
/// readable paragraph per failing file. Returns how many cases ran.
pub fn run_all(dir: &Path) -> usize {
    let files = case_files(dir);
    assert!(!files.is_empty(), "no test cases under {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(scenarios_dir())
            .unwrap_or(path)
            .display()
            .to_string();
        let result = Case::load(path).and_then(|case| {
            let first = run_case(&case).map_err(|e| format!("shows: {}\n{e}", case.shows))?;
            let second = run_case(&case)?;
            if first.trace_hash != second.trace_hash {
                return Err(format!(
                    "two runs gave different trace hashes: {} and {}",
                    first.trace_hash, second.trace_hash
                ));
            }
            Ok(())
        });
        if let Err(e) = result {
            failures.push(format!(
                "tests/scenarios/{name}:\n  {}",
                e.replace('\n', "\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenario cases failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
    files.len()
}

/// Runs the real `qlab args…` with `stdin` on standard input. A panic is a failure
/// whatever the exit code; the exit code itself is the caller's to check.
pub fn qlab(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_qlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qlab starts");
    // A command that does not read stdin may exit before we finish writing; that is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().expect("qlab finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "qlab {args:?} panicked: {stderr}"
    );
    out
}

/// Scenario generators for property tests, shared between test files: the shapes of
/// `tests/properties.rs` (runnable scripts within `SCRIPT_MS`) and, for format tests,
/// scenarios that reach every bound of `src/scenario/limits.rs` with hostile text.
pub mod strategies {
    use proptest::prelude::*;
    use quorum_lab::protocols::raft::{self, Mutation, RaftSettings};
    use quorum_lab::scenario::{limits, Scenario};
    use quorum_lab::sim::client::{ClientSettings, Op, Workload, MAX_CLIENTS};
    use quorum_lab::sim::{Action, NetworkMode, NetworkSettings, NodeId, ScriptEntry};

    /// The latest time a runnable generated script acts at.
    pub const SCRIPT_MS: u64 = 5_000;

    /// Text a crafted link might carry: markup, entities, quotes, escapes, controls,
    /// bidirectional overrides, zero-width characters, astral-plane emoji.
    pub const HOSTILE_TEXT: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(document.cookie)>",
        "\"><svg onload=alert(1)>",
        "javascript:alert(1)",
        "&lt;b&gt;&amp;&#x3C;",
        "{{7*7}}${7*7}",
        "\\\"\\u0000",
        "\u{0}\u{1}\u{7}\u{1b}[31m",
        "\r\n\t",
        "\u{202e}evil\u{202c}",
        "\u{200b}\u{feff}",
        "🦀👩‍👩‍👧",
        "</textarea><style>*{display:none}</style>",
        "#s=1abc&t=5",
        "%3Cscript%3E",
    ];

    fn node(n: u32) -> impl Strategy<Value = NodeId> {
        1..=n
    }

    /// Every node in one of three groups or (as "group 3") in none.
    pub fn groups(n: u32) -> impl Strategy<Value = Vec<Vec<NodeId>>> {
        proptest::collection::vec(0..4usize, n as usize).prop_map(|slots| {
            let mut groups = vec![Vec::new(); 3];
            for (i, g) in slots.into_iter().enumerate() {
                if g < 3 {
                    groups[g].push(i as NodeId + 1);
                }
            }
            groups
        })
    }

    /// Any action on a Raft cluster of `n` (the common actions, Raft's `timeout` and
    /// `request`, and clients' `write` and `read`), with request and written values from
    /// `value` and message ids from `message`.
    pub fn action_with(
        n: u32,
        value: BoxedStrategy<String>,
        message: BoxedStrategy<u64>,
    ) -> impl Strategy<Value = Action> {
        let link =
            move || (node(n), node(n)).prop_filter("a link joins two nodes", |(a, b)| a != b);
        let value_for_writes = value.clone();
        let mut options: Vec<(u32, BoxedStrategy<Action>)> = vec![
            (3, node(n).prop_map(|node| Action::Crash { node }).boxed()),
            (3, node(n).prop_map(|node| Action::Restart { node }).boxed()),
            (4, node(n).prop_map(raft::timeout).boxed()),
            (
                8,
                (node(n), value)
                    .prop_map(|(node, value)| raft::request(node, value))
                    .boxed(),
            ),
            (
                2,
                groups(n)
                    .prop_map(|groups| Action::Partition { groups })
                    .boxed(),
            ),
            (2, Just(Action::Heal).boxed()),
            (
                4,
                message
                    .clone()
                    .prop_map(|message| Action::Deliver { message })
                    .boxed(),
            ),
            (
                1,
                message.prop_map(|message| Action::Drop { message }).boxed(),
            ),
            // Raft serves clients: reads and writes of a few registers by a few clients.
            (
                3,
                (1..=3u32, node(n), "[xyz]", value_for_writes)
                    .prop_map(|(client, node, key, value)| Action::Client {
                        client,
                        node,
                        op: Op::Write { key, value },
                    })
                    .boxed(),
            ),
            (
                3,
                (1..=3u32, node(n), "[xyz]")
                    .prop_map(|(client, node, key)| Action::Client {
                        client,
                        node,
                        op: Op::Read { key },
                    })
                    .boxed(),
            ),
        ];
        if n > 1 {
            options.push((
                1,
                link()
                    .prop_map(|(from, to)| Action::Cut { from, to })
                    .boxed(),
            ));
            options.push((
                1,
                link()
                    .prop_map(|(from, to)| Action::Repair { from, to })
                    .boxed(),
            ));
        }
        proptest::strategy::Union::new_weighted(options)
    }

    /// The actions of `tests/properties.rs`: short values, low message ids (so that in a
    /// manual network some are in flight).
    pub fn action(n: u32) -> impl Strategy<Value = Action> {
        action_with(n, "[a-z0-9]{0,8}".boxed(), (1..80u64).boxed())
    }

    /// A sorted script of up to `max_len` actions at times drawn from `times`.
    pub fn script_with(
        max_len: usize,
        times: impl Strategy<Value = u64>,
        action: impl Strategy<Value = Action>,
    ) -> impl Strategy<Value = Vec<ScriptEntry>> {
        proptest::collection::vec((times, action), 0..max_len).prop_map(|mut v| {
            v.sort_by_key(|(t, _)| *t);
            v.into_iter()
                .map(|(at_ms, action)| ScriptEntry { at_ms, action })
                .collect()
        })
    }

    fn probability() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), (0..=300u32).prop_map(|k| k as f64 / 1000.0)]
    }

    /// A network as `tests/properties.rs` draws it: short latencies, some loss.
    pub fn network() -> impl Strategy<Value = NetworkSettings> {
        (
            prop_oneof![3 => Just(NetworkMode::Auto), 1 => Just(NetworkMode::Manual)],
            0..=40u64,
            0..=80u64,
            probability(),
            probability(),
        )
            .prop_map(|(mode, lo, extra, loss, duplicate)| NetworkSettings {
                mode,
                latency_ms: (lo, lo + extra),
                loss,
                duplicate,
            })
    }

    fn mutations(on: bool) -> BoxedStrategy<Vec<Mutation>> {
        if on {
            proptest::sample::subsequence(Mutation::ALL.to_vec(), 0..=Mutation::ALL.len()).boxed()
        } else {
            Just(Vec::new()).boxed()
        }
    }

    /// Raft settings with election timeouts from `timeouts`, heartbeats from
    /// `heartbeat_ms`, each extension on or off, and any mutations when `with_mutations`.
    fn raft_settings_with(
        timeouts: impl Strategy<Value = Option<(u64, u64)>>,
        heartbeat_ms: impl Strategy<Value = u64>,
        with_mutations: bool,
    ) -> impl Strategy<Value = RaftSettings> {
        (
            timeouts,
            heartbeat_ms,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            mutations(with_mutations),
        )
            .prop_map(
                |(
                    election_timeout_ms,
                    heartbeat_ms,
                    leader_noop,
                    pre_vote,
                    check_quorum,
                    mutations,
                )| {
                    RaftSettings {
                        election_timeout_ms,
                        heartbeat_ms,
                        leader_noop,
                        pre_vote,
                        check_quorum,
                        mutations,
                    }
                },
            )
    }

    /// Raft settings as `tests/properties.rs` draws them: short timers that elect
    /// leaders within the run.
    pub fn raft_settings(with_mutations: bool) -> impl Strategy<Value = RaftSettings> {
        let timeouts = prop_oneof![
            8 => (20..=300u64, 0..=300u64).prop_map(|(lo, extra)| Some((lo, lo + extra))),
            1 => Just(None),
        ];
        raft_settings_with(timeouts, 5..=100u64, with_mutations)
    }

    /// A Raft scenario of these parts (the settings block written out as a scenario
    /// holds it).
    fn raft_scenario(
        nodes: u32,
        seed: u64,
        network: NetworkSettings,
        settings: &RaftSettings,
        script: Vec<ScriptEntry>,
        title: String,
        notes: String,
    ) -> Scenario {
        Scenario {
            title,
            notes,
            seed,
            nodes,
            network,
            settings: settings.to_value(),
            script,
            ..Scenario::default_for(&raft::SPEC)
        }
    }

    /// A runnable Raft scenario (script within [`SCRIPT_MS`]), valid by construction: the
    /// generator of `tests/properties.rs`.
    pub fn scenario(with_mutations: bool, max_script: usize) -> impl Strategy<Value = Scenario> {
        (1..=9u32)
            .prop_flat_map(move |n| {
                (
                    Just(n),
                    any::<u64>(),
                    network(),
                    raft_settings(with_mutations),
                    script_with(max_script, 0..=SCRIPT_MS, action(n)),
                    "\\PC{0,40}",
                    "\\PC{0,200}",
                )
            })
            .prop_map(|(nodes, seed, network, settings, script, title, notes)| {
                raft_scenario(nodes, seed, network, &settings, script, title, notes)
            })
    }

    /// Text of at most `max_chars` characters: printable Unicode, any `char` at all
    /// (controls, NUL), and pieces of [`HOSTILE_TEXT`], mixed.
    pub fn text(max_chars: usize) -> BoxedStrategy<String> {
        let piece = prop_oneof![
            3 => "\\PC{0,12}",
            1 => proptest::collection::vec(any::<char>(), 0..6)
                .prop_map(|cs| cs.into_iter().collect::<String>()),
            2 => proptest::sample::select(HOSTILE_TEXT).prop_map(str::to_string),
        ];
        let full = "x".repeat(max_chars);
        prop_oneof![
            12 => proptest::collection::vec(piece.clone(), 0..8)
                .prop_map(move |ps| ps.concat().chars().take(max_chars).collect::<String>()),
            // Long text, repeated, up to the limit.
            2 => (piece, 1..=max_chars)
                .prop_map(move |(p, k)| p.repeat(k).chars().take(max_chars).collect::<String>()),
            // The limit itself.
            1 => Just(full),
        ]
        .boxed()
    }

    /// A probability anywhere in `0..=1`, the bounds included.
    pub fn any_probability() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            Just(1.0),
            0.0..=1.0f64,
            (0..=1000u32).prop_map(|k| k as f64 / 1000.0),
        ]
    }

    /// An inclusive range `lo..=hi` within `min..=max`, often at a bound.
    fn any_range(min: u64, max: u64) -> impl Strategy<Value = (u64, u64)> {
        let point = prop_oneof![Just(min), Just(max), min..=max];
        (point.clone(), point).prop_map(|(a, b)| (a.min(b), a.max(b)))
    }

    /// Any valid Raft scenario, reaching every bound of the format: 1 to 9 nodes, any seed,
    /// latencies and timers up to their limits, probabilities from 0 to 1, script times
    /// up to one day, message ids of any size, hostile titles, notes and request values.
    /// Not meant to be run (a day of simulated time), only written and read.
    pub fn any_scenario(max_script: usize) -> impl Strategy<Value = Scenario> {
        let network = (
            prop_oneof![Just(NetworkMode::Auto), Just(NetworkMode::Manual)],
            any_range(0, limits::MAX_LATENCY_MS),
            any_probability(),
            any_probability(),
        )
            .prop_map(|(mode, latency_ms, loss, duplicate)| NetworkSettings {
                mode,
                latency_ms,
                loss,
                duplicate,
            })
            .boxed();
        let raft = raft_settings_with(
            prop_oneof![
                3 => any_range(1, limits::MAX_TIMER_MS).prop_map(Some),
                1 => Just(None),
            ],
            prop_oneof![
                Just(1u64),
                Just(limits::MAX_TIMER_MS),
                1..=limits::MAX_TIMER_MS
            ],
            true,
        )
        .boxed();
        (1..=limits::MAX_NODES)
            .prop_flat_map(move |n| {
                let value = text(limits::VALUE_CHARS);
                let message = prop_oneof![1..100u64, any::<u64>()].boxed();
                let times = prop_oneof![Just(limits::MAX_AT_MS), 0..=limits::MAX_AT_MS];
                let script = script_with(max_script, times, action_with(n, value, message));
                (
                    Just(n),
                    any::<u64>(),
                    network.clone(),
                    raft.clone(),
                    script,
                    text(limits::TITLE_CHARS),
                    text(limits::NOTES_CHARS),
                    clients(),
                    proptest::sample::subsequence(
                        quorum_lab::check::catalog::MODELS
                            .iter()
                            .map(|m| m.name)
                            .collect::<Vec<_>>(),
                        0..=3,
                    ),
                )
            })
            .prop_map(
                |(nodes, seed, network, settings, script, title, notes, clients, check)| Scenario {
                    clients,
                    check,
                    ..raft_scenario(nodes, seed, network, &settings, script, title, notes)
                },
            )
    }

    /// Any `clients` block: every timeout from 1 ms to the timer limit, no workload or any.
    fn clients() -> impl Strategy<Value = ClientSettings> {
        let workload = (
            1..=MAX_CLIENTS,
            1..=quorum_lab::scenario::clients::MAX_KEYS,
            any_range(1, limits::MAX_TIMER_MS),
            any_probability(),
        )
            .prop_map(|(clients, keys, think_ms, reads)| Workload {
                clients,
                keys,
                think_ms,
                reads,
            });
        (
            prop_oneof![
                Just(1u64),
                Just(limits::MAX_TIMER_MS),
                1..=limits::MAX_TIMER_MS
            ],
            proptest::option::of(workload),
        )
            .prop_map(|(timeout_ms, workload)| ClientSettings {
                timeout_ms,
                workload,
            })
    }
}

/// One line on stderr about a sweep: what was swept, how many runs broke what, how long.
pub fn report(what: &str, summary: &Value, started: std::time::Instant) {
    eprintln!(
        "{what}: {} runs, {} with violations {}, {} events, {:.1} s",
        summary["runs"],
        summary["runs_with_violations"],
        summary["violations_by_invariant"],
        summary["events"],
        started.elapsed().as_secs_f64()
    );
}
