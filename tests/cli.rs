//! The real `qlab` binary against SCENARIO.md's CLI contract: output shapes, exit codes,
//! one-line errors naming the field (argument errors too), and never a panic.

use std::process::Output;

mod common;

use common::qlab;
use quorum_lab::protocols::PROTOCOLS;
use quorum_lab::scenario::{presets, Scenario};
use serde_json::Value;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort();
    k
}

/// Asserts the exit code is 2 and stderr is exactly one line, `qlab: …`, containing `want`.
fn assert_usage_error(o: &Output, want: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "the error should be one line, got: {err}"
    );
    assert!(err.starts_with("qlab: "), "{err}");
    assert!(err.contains(want), "expected {want:?} in: {err}");
    assert!(o.stdout.is_empty(), "nothing on stdout after an error");
}

/// SCENARIO.md, "Clients and histories": `qlab run` adds the history and a `consistency`
/// object, and `qlab check` reads that output as it is.
#[test]
fn run_adds_the_history_and_its_consistency_and_check_reads_it() {
    let scenario = r#"{"version": 1, "protocol": "raft", "nodes": 3,
        "network": {"latency_ms": [10, 10]},
        "script": [
          {"at_ms": 1000, "action": "write", "client": 1, "node": 1, "key": "x", "value": "1"},
          {"at_ms": 1000, "action": "write", "client": 2, "node": 2, "key": "x", "value": "2"},
          {"at_ms": 1000, "action": "write", "client": 3, "node": 3, "key": "x", "value": "3"},
          {"at_ms": 1300, "action": "read", "client": 1, "node": 1, "key": "x"},
          {"at_ms": 1300, "action": "read", "client": 2, "node": 2, "key": "x"}
        ]}"#;
    let o = qlab(&["run", "-"], scenario);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let history = v["history"].as_array().expect("a history");
    assert_eq!(history.len(), 5);
    for op in history {
        assert_eq!(
            keys(op)[..2],
            ["client", "complete_ms"],
            "the documented fields, sorted: {op}"
        );
        assert!(["ok", "fail", "info"].contains(&op["result"].as_str().unwrap()));
    }
    assert_eq!(history[0]["op"], "write");
    assert_eq!(history[0]["invoke_ms"], 1000);
    assert_eq!(history[3]["op"], "read");
    // Whatever the leader, correct Raft is linearizable: every model holds.
    assert_eq!(
        v["consistency"]["linearizable"], true,
        "{}",
        v["consistency"]
    );
    assert_eq!(v["consistency"]["read_your_writes"], true);
    let checked = qlab(&["check", "-"], &String::from_utf8_lossy(&o.stdout));
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let c = json(&checked);
    assert_eq!(
        (c["linearizable"].clone(), c["operations"].clone()),
        (true.into(), 5.into())
    );
}

#[test]
fn run_prints_the_final_state_in_the_documented_shape() {
    // A mutation preset: violations are reported and the exit code is still 0.
    let o = qlab(&["run", "preset:figure-8-commit-old-terms"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stderr.is_empty());
    let v = json(&o);
    assert_eq!(
        keys(&v),
        [
            "events",
            "nodes",
            "protocol",
            "time_ms",
            "trace_hash",
            "violations"
        ]
    );
    assert_eq!(v["protocol"], "raft");
    // Default end: the last script action (1100 ms) + 5000 ms.
    assert_eq!(v["time_ms"], 6_100);
    assert!(v["events"].as_u64().unwrap() > 0);
    let hash = v["trace_hash"].as_str().unwrap();
    assert!(hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()));
    let nodes = v["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 5);
    for (i, n) in nodes.iter().enumerate() {
        // `last_applied` and `leader_id` joined the report with the protocol registry.
        assert_eq!(
            keys(n),
            [
                "commit_index",
                "id",
                "last_applied",
                "leader_id",
                "log",
                "role",
                "store",
                "term",
                "up",
                "voted_for"
            ]
        );
        assert_eq!(n["id"], i as u64 + 1);
        assert!(n["up"].is_boolean());
        assert!(["follower", "precandidate", "candidate", "leader"]
            .contains(&n["role"].as_str().unwrap()));
        assert!(n["term"].is_u64() && n["commit_index"].is_u64());
        assert!(n["last_applied"].as_u64() <= n["commit_index"].as_u64());
        assert!(n["voted_for"].is_null() || n["voted_for"].is_u64());
        assert!(n["leader_id"].is_null() || n["leader_id"].is_u64());
        for e in n["log"].as_array().unwrap() {
            assert_eq!(keys(e), ["term", "value"]);
            assert!(e["term"].is_u64());
            assert!(e["value"].is_string() || e["value"].is_null());
        }
    }
    assert_eq!(
        nodes[4]["log"],
        serde_json::json!([
            { "term": 1, "value": "a" },
            { "term": 3, "value": "c" },
            { "term": 5, "value": "d" }
        ])
    );
    let violations = v["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 2);
    for x in violations {
        assert_eq!(keys(x), ["at_ms", "detail", "invariant"]);
        assert!(x["at_ms"].is_u64());
        assert!(!x["detail"].as_str().unwrap().is_empty());
    }
    assert_eq!(violations[0]["invariant"], "leader_completeness");
    assert_eq!(violations[1]["invariant"], "state_machine_safety");
}

#[test]
fn run_reads_files_stdin_and_until() {
    let (_, preset) = presets::sources()
        .find(|(_, p)| p.id == "leader-crash")
        .unwrap();
    let text = preset.json;
    let path = std::env::temp_dir().join(format!("qlab-cli-test-{}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let from_file = json(&qlab(
        &["run", path.to_str().unwrap(), "--until-ms", "2500"],
        "",
    ));
    std::fs::remove_file(&path).unwrap();
    let from_stdin = json(&qlab(&["run", "-", "--until-ms", "2500"], text));
    let from_preset = json(&qlab(
        &["run", "preset:leader-crash", "--until-ms", "2500"],
        "",
    ));
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file, from_preset);
    assert_eq!(from_file["time_ms"], 2_500);
    assert_eq!(from_file["violations"], serde_json::json!([]));
    // A scenario with nothing in it: defaults everywhere, the default end is 5000 ms.
    let v = json(&qlab(
        &["run", "-"],
        r#"{"version": 1, "protocol": "raft"}"#,
    ));
    assert_eq!(v["time_ms"], 5_000);
    assert_eq!(v["nodes"].as_array().unwrap().len(), 5);
}

#[test]
fn a_bad_scenario_exits_2_with_one_line_naming_the_field() {
    let cases = [
        (
            r#"{"version": 1, "protocol": "raft", "raft": {"heartbeat_ms": 0}}"#,
            "raft.heartbeat_ms: must be at least 1",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "colour": "red"}"#,
            "colour: unknown field `colour`",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "network": {"lossy": true}}"#,
            "network.lossy: unknown field `lossy`",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "script": [
                {"at_ms": 5, "action": "heal"}, {"at_ms": 1, "action": "heal"}]}"#,
            "script[1].at_ms: the script must be sorted by time",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "nodes": 3,
                "script": [{"at_ms": 5, "action": "crash", "node": 4}]}"#,
            "script[0].node: node 4 does not exist",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "script": [
                {"at_ms": 0, "action": "partition", "groups": [[1, 2], [2, 3]]}]}"#,
            "script[0].groups[1][0]: node 2 is in more than one group",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "nodes": "five"}"#,
            "nodes: invalid type: string \"five\"",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "nodes": 10}"#,
            "nodes: must be from 1 to 9",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "network": {"loss": 1.5}}"#,
            "network.loss: must be a probability from 0 to 1",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "raft": {"mutations": ["be_wrong"]}}"#,
            "raft.mutations[0]: unknown mutation \"be_wrong\"",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "script": [{"at_ms": 0, "action": "timeout"}]}"#,
            "script[0].node: is required by the \"timeout\" action",
        ),
        (
            r#"{"version": 1, "protocol": "raft", "script": [{"at_ms": 0, "action": "fly"}]}"#,
            "script[0].action: unknown action \"fly\"",
        ),
        (r#"{"version": 2, "protocol": "raft"}"#, "version:"),
        (r#"{"protocol": "raft"}"#, "missing field `version`"),
        (r#"{"version": 1, "protocol": "raft""#, "EOF while parsing"),
        ("", "EOF while parsing"),
        ("not json", "expected"),
    ];
    for (text, want) in cases {
        let o = qlab(&["run", "-"], text);
        assert_usage_error(&o, want);
        // The same for every command that reads a scenario.
        assert_usage_error(&qlab(&["link", "-"], text), want);
    }
    assert_usage_error(
        &qlab(&["run", "/no/such/scenario.json"], ""),
        "/no/such/scenario.json",
    );
}

#[test]
fn flags_may_come_before_the_file() {
    // `qlab run --until-ms 2500 FILE` reads "2500" as the file name today.
    let o = qlab(&["run", "--until-ms", "2500", "preset:leader-crash"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["time_ms"], 2_500);
}

#[test]
fn bad_arguments_exit_2() {
    let one_line: &[(&[&str], &str)] = &[
        (&["run"], "missing FILE"),
        (
            &["run", "preset:no-such-preset"],
            "no preset \"no-such-preset\"",
        ),
        (
            &["run", "preset:first-election", "--until-ms", "soon"],
            "--until-ms must be a whole number",
        ),
        (
            &["run", "preset:first-election", "--until-ms"],
            "--until-ms needs a value",
        ),
        (
            &["run", "preset:first-election", "surplus"],
            "unexpected argument \"surplus\"",
        ),
        (
            &["run", "preset:first-election", "--frobnicate"],
            "unexpected argument \"--frobnicate\"",
        ),
        (&["trace"], "missing FILE"),
        (&["sweep", "preset:first-election"], "missing --seeds N"),
        (
            &["sweep", "preset:first-election", "--seeds", "0"],
            "--seeds must be from 1",
        ),
        (
            &["sweep", "preset:first-election", "--seeds", "-3"],
            "--seeds must be a whole number",
        ),
        (
            &["link", "preset:first-election", "--t", "x"],
            "--t must be",
        ),
        (&["decode"], "missing LINK"),
        (&["decode", "http://x/#s=1abc"], "the link is damaged"),
        (&["decode", "http://x/"], "no scenario"),
        (&["decode", "#s=9zzz"], "newer Quorum Lab"),
        (&["bench", "extra"], "unexpected argument"),
        (
            &["bench", "--protocol", "nope"],
            "--protocol must name a protocol",
        ),
        (&["bench", "--protocol"], "--protocol needs a value"),
        (
            &[
                "run",
                "--until-ms",
                "1",
                "--until-ms",
                "2",
                "preset:first-election",
            ],
            "--until-ms <T>' cannot be used multiple times",
        ),
        (&[], "missing command"),
        (&["frobnicate"], "unknown command \"frobnicate\""),
        (&["help", "frobnicate"], "unknown command \"frobnicate\""),
        (&["-x"], "unexpected argument \"-x\""),
    ];
    for (args, want) in one_line {
        assert_usage_error(&qlab(args, ""), want);
    }
    // The overview, and each command's own options, on stdout with exit 0.
    for args in [&["help"][..], &["--help"], &["-h"]] {
        let help = qlab(args, "");
        assert_eq!(help.status.code(), Some(0), "{args:?}");
        assert!(help.stderr.is_empty(), "{args:?}");
        let text = stdout(&help);
        for synopsis in [
            "qlab run FILE [--until-ms T]",
            "qlab sweep FILE --seeds N",
            "qlab bench [--protocol NAME]",
            "preset:NAME",
        ] {
            assert!(text.contains(synopsis), "{args:?}: {text}");
        }
    }
    for args in [&["run", "--help"][..], &["help", "run"], &["run", "-h"]] {
        let help = qlab(args, "");
        assert_eq!(help.status.code(), Some(0), "{args:?}");
        let text = stdout(&help);
        assert!(
            text.contains("qlab run FILE") && text.contains("--until-ms"),
            "{text}"
        );
    }
    let help = stdout(&qlab(&["sweep", "--help"], ""));
    assert!(
        help.contains("--chaos") && help.contains("--base"),
        "{help}"
    );
}

#[test]
fn trace_prints_one_json_object_per_line() {
    let o = qlab(&["trace", "preset:forget-vote", "--until-ms", "100"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(records.len() > 20);
    for (i, r) in records.iter().enumerate() {
        assert!(r.is_object());
        assert_eq!(r["seq"], i as u64 + 1, "records are numbered 1, 2, 3, …");
        assert!(r["at_ms"].as_u64().unwrap() <= 100);
        assert!(r["event"].is_string());
    }
    // The manual network's messages carry ids 1, 2, 3, … in the order sent.
    let sent: Vec<u64> = records
        .iter()
        .filter(|r| r["event"] == "sent")
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(sent, (1..=sent.len() as u64).collect::<Vec<_>>());
    let violation = records
        .iter()
        .find(|r| r["event"] == "violation")
        .expect("the violation is in the trace");
    assert_eq!(violation["invariant"], "election_safety");
    assert_eq!(violation["at_ms"], 60);
    // A refused action is in the trace with its reason.
    let o = qlab(
        &["trace", "-", "--until-ms", "10"],
        r#"{"version": 1, "protocol": "raft", "script": [{"at_ms": 5, "action": "restart", "node": 2}]}"#,
    );
    let refused: Value = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["event"] == "refused")
        .expect("the refusal is in the trace");
    assert_eq!(refused["reason"], "S2 is running");
    assert_eq!(refused["at_ms"], 5);
}

#[test]
fn trace_and_run_agree() {
    // The trace of a run ends where `run` ends and hashes to the same run.
    let run = json(&qlab(
        &["run", "preset:split-vote", "--until-ms", "700"],
        "",
    ));
    let again = json(&qlab(
        &["run", "preset:split-vote", "--until-ms", "700"],
        "",
    ));
    assert_eq!(run, again, "the same run twice prints the same JSON");
    let trace = stdout(&qlab(
        &["trace", "preset:split-vote", "--until-ms", "700"],
        "",
    ));
    let last: Value = serde_json::from_str(trace.lines().last().unwrap()).unwrap();
    assert!(last["at_ms"].as_u64().unwrap() < 700);
}

#[test]
fn sweep_exit_codes_and_summary() {
    let o = qlab(
        &[
            "sweep",
            "preset:first-election",
            "--seeds",
            "20",
            "--chaos",
            "--until-ms",
            "4000",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(
        keys(&v),
        [
            "chaos",
            "events",
            "first_failing_link",
            "first_failing_seed",
            "runs",
            "runs_with_violations",
            "until_ms",
            "violations_by_invariant",
            "wall_ms"
        ]
    );
    assert_eq!(v["runs"], 20);
    assert_eq!(v["runs_with_violations"], 0);
    assert!(v["first_failing_seed"].is_null() && v["first_failing_link"].is_null());
    assert_eq!(v["chaos"], true);
    assert_eq!(v["until_ms"], 4_000);

    let o = qlab(
        &[
            "sweep",
            "preset:stale-candidate-vote-ignores-log",
            "--seeds",
            "3",
            "--base",
            "https://lab.example/",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "a violation exits 1");
    let v = json(&o);
    assert_eq!(v["runs"], 3);
    assert_eq!(v["runs_with_violations"], 3);
    assert_eq!(v["first_failing_seed"], 3);
    assert_eq!(v["violations_by_invariant"]["leader_completeness"], 3);
    let link = v["first_failing_link"].as_str().unwrap();
    assert!(link.starts_with("https://lab.example/#s="));
    // The failing run's link decodes to the failing scenario.
    let decoded = stdout(&qlab(&["decode", link], ""));
    let s = Scenario::from_json(&decoded).unwrap();
    assert_eq!(s.seed, 3);
    assert_eq!(s.title, "Stale candidate wins (bug: voters ignore logs)");
}

#[test]
fn link_then_decode_gives_back_an_equal_scenario() {
    for (_, preset) in presets::sources() {
        let id = preset.id;
        let original = Scenario::from_json(preset.json).unwrap();
        let o = qlab(
            &[
                "link",
                &format!("preset:{id}"),
                "--base",
                "https://lab.example/q?x=1",
                "--t",
                "1234",
            ],
            "",
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let link = stdout(&o).trim().to_string();
        assert!(link.starts_with("https://lab.example/q?x=1#s="), "{link}");
        assert!(link.ends_with("&t=1234"));
        assert!(
            link.len() < 2_000,
            "preset {id}: link of {} characters",
            link.len()
        );
        let decoded = qlab(&["decode", &link], "");
        assert_eq!(decoded.status.code(), Some(0), "{}", stderr(&decoded));
        let back = Scenario::from_json(&stdout(&decoded)).unwrap();
        assert_eq!(back, original, "preset {id}");
    }
    // Without --base the link points at the local server.
    let o = qlab(&["link", "preset:first-election"], "");
    assert!(stdout(&o).starts_with(quorum_lab::cli::DEFAULT_BASE));
}

#[test]
fn bench_prints_events_per_second_for_every_protocol() {
    // Without --protocol, the first registered protocol's workload.
    let o = qlab(&["bench"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["protocol"], PROTOCOLS[0].name);
    for spec in PROTOCOLS {
        let v = if spec.name == PROTOCOLS[0].name {
            v.clone()
        } else {
            let o = qlab(&["bench", "--protocol", spec.name], "");
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            json(&o)
        };
        assert_eq!(v["protocol"], spec.name);
        assert!(v["events_per_sec"].as_u64().unwrap() > 0, "{v}");
        assert!(v["events"].as_u64().unwrap() > 10_000, "{v}");
        assert!(v["clone_world_us"].as_f64().unwrap() > 0.0, "{v}");
        assert!(v["seek_10_min_run_p95_ms"].is_number(), "{v}");
        assert!(v["history_checkpoints"].as_u64().unwrap() > 0, "{v}");
        assert!(
            v["workload"].as_str().unwrap().starts_with(spec.name),
            "{v}"
        );
    }
    // Raft's workload copies a world whose logs hold about a thousand entries.
    let raft = if PROTOCOLS[0].name == "raft" {
        v
    } else {
        json(&qlab(&["bench", "--protocol", "raft"], ""))
    };
    assert!(
        raft["clone_world_log_entries"].as_u64().unwrap() > 500,
        "{raft}"
    );
}

/// A link later than one day would be refused by the page and by `qlab decode`, so
/// `qlab link` does not print one.
#[test]
fn link_refuses_a_time_later_than_one_day() {
    let o = qlab(&["link", "preset:first-election", "--t", "86400001"], "");
    assert_usage_error(&o, "--t 86400001 is later than one day");
    let o = qlab(&["link", "preset:first-election", "--t", "86400000"], "");
    assert!(o.status.success(), "{}", stderr(&o));
}
