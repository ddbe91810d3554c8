//! The consistency checker (`quorum_lab::check`, `qlab check`): every verdict the peer
//! projects publish for their own test histories (read from `../shared/peers`, never
//! copied here), and small histories that read like the definitions.

use std::path::{Path, PathBuf};

mod common;

use quorum_lab::check::{
    self, check_text, Budget, Call, Checker, Format, Operation, Options, Outcome, Read, Spec,
    Value, Verdict,
};
use serde_json::{json, Value as Json};

fn peers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers")
}

/// The report of the file at `path` (under `../shared/peers`), as JSON.
fn report(path: &Path, format: Option<Format>) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let options = Options {
        format,
        ..Options::default()
    };
    let checked = check_text(&text, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    checked.report.to_json(&checked.history.ops)
}

/// The `.edn` files of a Knossos data directory.
fn edn_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(peers().join("knossos/data").join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "edn"))
        .collect();
    files.sort();
    files
}

fn assert_all(files: &[PathBuf], linearizable: bool, model: &str) {
    assert!(!files.is_empty());
    for f in files {
        let r = report(f, None);
        assert_eq!(r["linearizable"], linearizable, "{}: {r}", f.display());
        assert_eq!(r["format"], "edn", "{}", f.display());
        assert!(
            r["model"].as_str().unwrap().ends_with(model),
            "{}: {r}",
            f.display()
        );
    }
}

// Knossos's test suite (core_test.clj, `test-examples`) checks every history under
// data/<model>/good as valid and every one under bad as invalid.

#[test]
fn knossos_good_cas_register_histories_are_linearizable() {
    let files = edn_files("cas-register/good");
    assert_eq!(files.len(), 113);
    assert_all(&files, true, "register");
}

#[test]
fn knossos_bad_cas_register_histories_are_not() {
    let files = edn_files("cas-register/bad");
    assert_eq!(files.len(), 7);
    assert_all(&files, false, "register");
}

#[test]
fn knossos_multi_register_and_mutex_verdicts() {
    assert_all(&edn_files("multi-register/good"), true, "multi-register");
    assert_all(&edn_files("mutex/bad"), false, "mutex");
}

#[test]
fn the_failing_operation_is_the_one_knossos_names() {
    // wgl_test.clj and linear_test.clj: the op each analysis reports as `:op`.
    for (file, client, what) in [
        ("cas-register/bad/cas-failure.edn", 70, "read 0"),
        ("cas-register/bad/rethink-fail-minimal.edn", 1, "read 3"),
        ("cas-register/bad/rethink-fail-smaller.edn", 12, "read 3"),
        ("cas-register/bad/immediate-failure.edn", 1, "read 3"),
        ("cas-register/bad/bad-analysis.edn", 21, "read 2"),
    ] {
        let r = report(&peers().join("knossos/data").join(file), None);
        let op = &r["failed_op"];
        assert_eq!(op["client"], client, "{file}: {r}");
        assert!(op["op"].as_str().unwrap().contains(what), "{file}: {r}");
    }
}

#[test]
fn cas_failure_is_explained_as_knossos_explains_it() {
    // "The only legal linearization to that final read is all reads of 0, followed by
    // 76 write 2": the minimal counterexample is that write and the read of 0 after it.
    let r = report(
        &peers().join("knossos/data/cas-register/bad/cas-failure.edn"),
        None,
    );
    let text: Vec<&str> = r["counterexample"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(r["counterexample_minimal"], true, "{r}");
    assert!(
        text[0].starts_with("Whatever state the register was in"),
        "{text:?}"
    );
    assert!(text[1].starts_with("Client 76 wrote 2"), "{text:?}");
    assert!(
        text[2].starts_with("Client 70 read 0")
            && text[2].contains("after client 76's write of 2 had completed"),
        "{text:?}"
    );
}

// Porcupine's test suite (porcupine_test.go): TestKv*ClientsOk / TestKv*ClientsBad.

#[test]
fn porcupine_kv_histories() {
    for n in ["c01", "c10", "c50"] {
        for (suffix, expected) in [("ok", true), ("bad", false)] {
            let path = peers().join(format!("porcupine/test_data/kv/{n}-{suffix}.txt"));
            let r = report(&path, None);
            assert_eq!(r["linearizable"], expected, "{n}-{suffix}: {r}");
            assert_eq!(
                (r["format"].as_str(), r["model"].as_str()),
                (Some("kv-edn"), Some("kv"))
            );
            assert!(
                r["objects"].as_u64() > Some(1),
                "{n}-{suffix}: keys are checked one at a time"
            );
        }
    }
}

/// The etcd logs Porcupine's `TestEtcdJepsen*` expect to be linearizable; every other
/// one but etcd_095 (an empty log, which it does not test) is expected not to be.
const ETCD_LINEARIZABLE: [u32; 23] = [
    2, 5, 7, 18, 25, 31, 38, 45, 48, 49, 51, 53, 56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102,
];

#[test]
fn porcupine_etcd_jepsen_logs() {
    let mut agree = 0;
    for n in 0..=102u32 {
        let path = peers().join(format!("porcupine/test_data/jepsen/etcd_{n:03}.log"));
        let r = report(&path, Some(Format::JepsenLog));
        assert_eq!(r["format"], "jepsen-log");
        if n == 95 {
            assert_eq!(
                (r["operations"].as_u64(), r["linearizable"].as_bool()),
                (Some(0), Some(true))
            );
            continue;
        }
        assert_eq!(
            r["linearizable"],
            ETCD_LINEARIZABLE.contains(&n),
            "etcd_{n:03}: {r}"
        );
        agree += 1;
    }
    assert_eq!(agree, 102);
}

#[test]
fn formats_are_told_from_the_content() {
    for (file, format) in [
        ("porcupine/test_data/jepsen/etcd_000.log", "jepsen-log"),
        ("porcupine/test_data/kv/c01-ok.txt", "kv-edn"),
        (
            "knossos/data/cas-register/bad/rethink-fail-minimal.edn",
            "edn",
        ),
        ("knossos/data/multi-register/good/multi-register.edn", "edn"),
    ] {
        assert_eq!(
            report(&peers().join(file), None)["format"],
            format,
            "{file}"
        );
    }
}

// Hand-written histories. `op` builds one entry of a `qlab` history.

fn op(client: u64, call: &str, key: &str, value: Option<&str>, at: [u64; 2], result: &str) -> Json {
    let mut o = json!({ "client": client, "op": call, "key": key, "invoke_ms": at[0],
                        "complete_ms": at[1], "result": result });
    match (call, value) {
        ("write", Some(v)) => o["value"] = json!(v),
        ("read", v) if result == "ok" => o["read"] = json!(v),
        _ => {}
    }
    o
}

fn w(client: u64, key: &str, v: &str, at: [u64; 2]) -> Json {
    op(client, "write", key, Some(v), at, "ok")
}

fn r(client: u64, key: &str, v: Option<&str>, at: [u64; 2]) -> Json {
    op(client, "read", key, v, at, "ok")
}

fn qlab(history: &[Json]) -> Json {
    let text = json!({ "history": history }).to_string();
    let checked = check_text(&text, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(checked.report.format, Format::Qlab);
    checked.report.to_json(&checked.history.ops)
}

#[test]
fn herlihy_wing_a_read_overlapping_a_write_may_return_either_value() {
    // Herlihy & Wing 1990, §2: an operation takes effect at some instant between its
    // invocation and its response, so an overlapping read sees the old or the new value.
    for seen in [None, Some("1")] {
        let h = [w(1, "x", "1", [10, 30]), r(2, "x", seen, [15, 25])];
        assert_eq!(qlab(&h)["linearizable"], true, "{seen:?}");
    }
}

#[test]
fn a_stale_read_is_not_linearizable_but_is_sequentially_consistent() {
    // The write completed before the read began, so real time puts the read after it.
    let h = [w(1, "x", "1", [0, 10]), r(2, "x", None, [20, 30])];
    let rep = qlab(&h);
    assert_eq!(rep["linearizable"], false);
    assert_eq!(rep["failed_op"]["at"], "history[1]");
    assert_eq!(rep["linearizable_prefix"], 1);
    let text = rep["counterexample"].to_string();
    assert!(text.contains("Client 2 read nothing (never written) from x (history[1], 20–30 ms), after client 1's write of \\\"1\\\" had completed"), "{text}");
    // Lamport: only each client's own order counts, and the read may come first.
    assert_eq!(rep["consistency"]["sequential"], true, "{rep}");
}

#[test]
fn new_old_inversion_is_not_linearizable() {
    // Two reads overlap one write; the first to finish sees the new value and the later
    // one the old: no single instant for the write explains both.
    let h = [
        w(1, "x", "0", [0, 5]),
        w(1, "x", "1", [10, 100]),
        r(2, "x", Some("1"), [20, 30]),
        r(3, "x", Some("0"), [40, 50]),
    ];
    let rep = qlab(&h);
    assert_eq!(rep["linearizable"], false);
    assert_eq!(rep["failed_op"]["client"], 3);
}

#[test]
fn a_lost_update_is_not_linearizable() {
    // Two compare-and-sets from 0 cannot both succeed, one after the other.
    let cas = |client: u64, to: &str, at: [u64; 2]| {
        json!({ "client": client, "op": "cas", "key": "x", "from": "0", "to": to,
                "invoke_ms": at[0], "complete_ms": at[1], "result": "ok" })
    };
    let h = [
        w(1, "x", "0", [0, 5]),
        cas(2, "1", [10, 20]),
        cas(3, "2", [30, 40]),
    ];
    let rep = qlab(&h);
    assert_eq!(
        (rep["linearizable"].as_bool(), rep["model"].as_str()),
        (Some(false), Some("cas-register"))
    );
    assert_eq!(rep["failed_op"]["client"], 3);
}

#[test]
fn info_may_have_taken_effect_and_fail_did_not() {
    // A write that timed out may still have happened: a later read of its value is fine.
    let info = op(1, "write", "x", Some("1"), [0, 10], "info");
    assert_eq!(
        qlab(&[info, r(2, "x", Some("1"), [50, 60])])["linearizable"],
        true
    );
    // ... even when the read came after the client gave up (it may land late).
    let info = op(1, "write", "x", Some("1"), [0, 10], "info");
    let h = [
        info,
        r(2, "x", None, [20, 30]),
        r(2, "x", Some("1"), [40, 50]),
    ];
    assert_eq!(qlab(&h)["linearizable"], true);
    // A failed write certainly did not happen.
    let fail = op(1, "write", "x", Some("1"), [0, 10], "fail");
    assert_eq!(
        qlab(&[fail, r(2, "x", Some("1"), [50, 60])])["linearizable"],
        false
    );
    // An operation still outstanding at the end (complete_ms null) may have happened.
    let mut open = op(1, "write", "x", Some("1"), [0, 0], "info");
    open["complete_ms"] = Json::Null;
    assert_eq!(
        qlab(&[open, r(2, "x", Some("1"), [50, 60])])["linearizable"],
        true
    );
}

#[test]
fn keys_are_checked_independently() {
    // Locality (Herlihy & Wing, Theorem 1): each register alone decides.
    let h = [
        w(1, "x", "1", [0, 10]),
        w(2, "y", "1", [0, 10]),
        r(3, "y", Some("1"), [20, 30]),
        r(3, "x", None, [40, 50]),
    ];
    let rep = qlab(&h);
    assert_eq!(
        (rep["linearizable"].as_bool(), rep["objects"].as_u64()),
        (Some(false), Some(2))
    );
    assert_eq!(rep["failed_op"]["key"], "x");
}

fn consistency(history: &[Json]) -> Json {
    qlab(history)["consistency"].clone()
}

fn assert_only_broken(c: &Json, broken: &str) {
    for model in [
        "read_your_writes",
        "monotonic_reads",
        "monotonic_writes",
        "writes_follow_reads",
        "convergence",
    ] {
        if model == broken {
            assert_eq!(c[model], false, "{model}: {c}");
            assert!(
                c["counterexamples"][model]
                    .as_array()
                    .is_some_and(|s| s.len() >= 2),
                "{c}"
            );
        } else {
            assert_ne!(c[model], false, "{model}: {c}");
        }
    }
}

#[test]
fn read_your_writes_broken_once() {
    // Terry et al. 1994: client 1 reads x after writing it and sees an older value.
    let h = [
        w(2, "x", "1", [0, 5]),
        w(1, "x", "2", [10, 15]),
        r(1, "x", Some("1"), [20, 25]),
    ];
    assert_only_broken(&consistency(&h), "read_your_writes");
}

#[test]
fn monotonic_reads_broken_once() {
    let h = [
        w(3, "x", "1", [0, 5]),
        w(4, "x", "2", [10, 15]),
        r(1, "x", Some("2"), [20, 25]),
        r(1, "x", Some("1"), [30, 35]),
    ];
    assert_only_broken(&consistency(&h), "monotonic_reads");
}

#[test]
fn monotonic_writes_broken_once() {
    // Client 1's two writes overlap nobody, yet x settles on the first: the store
    // applied them out of order (last-writer-wins with a skewed clock does this).
    let h = [
        w(1, "x", "1", [0, 5]),
        w(1, "x", "2", [10, 15]),
        r(2, "x", Some("1"), [50, 55]),
        r(3, "x", Some("1"), [50, 55]),
    ];
    let c = consistency(&h);
    assert_eq!(c["monotonic_writes"], false, "{c}");
    assert_eq!(c["convergence"], true, "{c}");
    assert_eq!(
        (
            c["read_your_writes"].as_bool(),
            c["monotonic_reads"].as_bool()
        ),
        (Some(true), Some(true))
    );
}

#[test]
fn writes_follow_reads_broken_once() {
    // Client 1 wrote 2 after reading 1; x then settles on 1.
    let h = [
        w(2, "x", "1", [0, 5]),
        r(1, "x", Some("1"), [10, 15]),
        w(1, "x", "2", [20, 25]),
        r(3, "x", Some("1"), [50, 55]),
    ];
    let c = consistency(&h);
    assert_eq!(c["writes_follow_reads"], false, "{c}");
    assert_eq!(
        (
            c["read_your_writes"].as_bool(),
            c["monotonic_reads"].as_bool()
        ),
        (Some(true), Some(true))
    );
}

#[test]
fn convergence_broken_once() {
    // After the last write, two clients' last reads still differ.
    let h = [
        w(1, "x", "1", [0, 5]),
        w(2, "x", "2", [0, 5]),
        r(3, "x", Some("1"), [50, 55]),
        r(4, "x", Some("2"), [50, 55]),
    ];
    assert_only_broken(&consistency(&h), "convergence");
}

#[test]
fn sequential_consistency_is_not_local() {
    // Client 1 writes x then y; client 2 sees y's new value and then x's old one. Each
    // register alone has an order; together no order keeps both clients' orders.
    let h = [
        w(1, "x", "1", [0, 10]),
        r(2, "x", None, [5, 6]),
        w(1, "y", "1", [20, 30]),
        r(2, "y", Some("1"), [40, 50]),
    ];
    // Client 2's read of x happened first in time, so this much is sequential...
    assert_eq!(consistency(&h)["sequential"], true);
    let h = [
        w(1, "x", "1", [0, 10]),
        w(1, "y", "1", [20, 30]),
        r(2, "y", Some("1"), [40, 50]),
        r(2, "x", None, [60, 70]),
    ];
    let c = consistency(&h);
    assert_eq!(c["sequential"], false, "{c}");
    assert!(
        c["counterexamples"]["sequential"]
            .to_string()
            .contains("keeps each client's own order"),
        "{c}"
    );
}

fn history_op(client: u64, call: Call, at: [u64; 2]) -> Operation {
    Operation {
        client,
        node: None,
        call,
        invoke: at[0],
        complete: Some(at[1]),
        outcome: Outcome::Ok,
        source: None,
    }
}

#[test]
fn the_incremental_checker_agrees_with_the_batch_one_on_a_small_budget() {
    // The page pushes each operation when it is invoked (outstanding), updates it when
    // it completes, and calls `work` every frame.
    let text =
        std::fs::read_to_string(peers().join("knossos/data/cas-register/bad/rethink-fail.edn"))
            .unwrap();
    let prepared = check::prepare(&text, None).unwrap();
    let ops = &prepared.history.ops;
    let mut events: Vec<(u64, usize)> =
        ops.iter().enumerate().map(|(i, o)| (o.invoke, i)).collect();
    events.extend(
        ops.iter()
            .enumerate()
            .filter_map(|(i, o)| o.complete.map(|c| (c, i))),
    );
    events.sort_unstable();
    let mut checker = Checker::new(prepared.spec.clone());
    let mut index = vec![usize::MAX; ops.len()];
    let mut frames = 0;
    for (t, i) in events {
        if t == ops[i].invoke {
            index[i] = checker.push(Operation {
                complete: None,
                outcome: Outcome::Info,
                call: ops[i].call.without_results(),
                ..ops[i].clone()
            });
        } else {
            checker.update(index[i], ops[i].clone());
        }
        checker.work(&mut Budget::steps(50));
        frames += 1;
    }
    while checker.verdict() == Verdict::Unknown {
        checker.work(&mut Budget::steps(50));
        frames += 1;
        assert!(frames < 100_000, "progress on a small budget");
    }
    assert_eq!(checker.verdict(), Verdict::NotLinearizable);
    let (_, stuck, _) = checker.violations()[0];
    assert_eq!(checker.ops()[stuck].client, 12);
}

#[test]
fn an_outstanding_operation_completing_makes_its_key_checked_again() {
    let key = |k: &str| k.to_string();
    let spec = Spec::of(Format::Qlab, &[]).unwrap();
    let mut checker = Checker::new(spec);
    let mut write = history_op(
        1,
        Call::Write {
            key: key("x"),
            value: Value::Str("1".into()),
        },
        [0, 10],
    );
    write.complete = None;
    write.outcome = Outcome::Info;
    checker.push(write.clone());
    checker.push(history_op(
        2,
        Call::Read {
            key: key("x"),
            read: Read::Value(Value::Str("1".into())),
        },
        [20, 30],
    ));
    assert_eq!(
        checker.work(&mut Budget::steps(1_000)),
        Verdict::Linearizable
    );
    // The write turns out to have failed: now the read has no explanation.
    write.complete = Some(40);
    write.outcome = Outcome::Fail;
    checker.update(0, write);
    assert_eq!(checker.verdict(), Verdict::Unknown);
    assert_eq!(
        checker.work(&mut Budget::steps(1_000)),
        Verdict::NotLinearizable
    );
}

#[test]
fn a_budget_gives_an_honest_unknown() {
    let text = std::fs::read_to_string(peers().join("porcupine/test_data/kv/c50-ok.txt")).unwrap();
    let options = Options {
        budget: Some(1_000),
        ..Options::default()
    };
    let checked = check_text(&text, &options).unwrap();
    let rep = checked.report.to_json(&checked.history.ops);
    assert_eq!(rep["linearizable"], Json::Null);
    assert!(
        rep["unknown"].as_str().unwrap().contains("budget ran out"),
        "{rep}"
    );
}

#[test]
fn operations_serialize_as_qlab_history_entries() {
    let entry = json!({ "client": 2, "op": "read", "key": "x", "node": 2, "invoke_ms": 400,
                        "complete_ms": 431, "result": "ok", "read": null });
    let op: Operation = serde_json::from_value(entry.clone()).unwrap();
    assert_eq!(
        op.call,
        Call::Read {
            key: "x".into(),
            read: Read::Empty
        }
    );
    assert_eq!(serde_json::to_value(&op).unwrap(), entry);
}

#[test]
fn bad_input_names_the_line_or_field_and_never_panics() {
    let err = |text: &str, format: Option<Format>| {
        let options = Options {
            format,
            ..Options::default()
        };
        check_text(text, &options).unwrap_err().to_string()
    };
    assert_eq!(
        err(
            r#"[{"client": 1, "op": "read", "key": "x", "invoke_ms": 0, "complete_ms": 1, "result": "done"}]"#,
            None
        ),
        r#"history[0].result: must be "ok", "fail" or "info", not "done""#
    );
    assert!(err(
        "[{:process 0, :type :invoke, :f :read}\n {:process 0 :type :ok}]",
        None
    )
    .starts_with("line 2:"));
    assert!(err("INFO  jepsen.util - 1\t:invoke\t:frob\tnil\n", None)
        .starts_with("line 1: unknown operation :frob"));
    assert!(err("", None).contains("empty"));
    for junk in [
        "{",
        "[{:a",
        "\u{0}\u{1}",
        "[1 2 3]",
        "{\"history\": 3}",
        "(((",
        "#{}",
        ":x",
        "INFO  jepsen.util - 1 :ok :read 3",
    ] {
        for format in [
            None,
            Some(Format::Qlab),
            Some(Format::JepsenLog),
            Some(Format::KvEdn),
            Some(Format::Edn),
        ] {
            let _ = check_text(
                junk,
                &Options {
                    format,
                    ..Options::default()
                },
            );
        }
    }
}

#[test]
fn qlab_check_prints_a_json_line_per_file_and_exits_by_verdict() {
    let good = peers().join("knossos/data/cas-register/good/cas-register-bug.edn");
    let bad = peers().join("knossos/data/cas-register/bad/immediate-failure.edn");
    let (good, bad) = (good.to_str().unwrap(), bad.to_str().unwrap());
    let out = common::qlab(&["check", good], "");
    assert_eq!(out.status.code(), Some(0));
    let out = common::qlab(&["check", good, bad], "");
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Json> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (
            lines[0]["linearizable"].as_bool(),
            lines[1]["linearizable"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let c50 = peers().join("porcupine/test_data/kv/c50-ok.txt");
    let out = common::qlab(&["check", c50.to_str().unwrap(), "--budget", "100"], "");
    assert_eq!(out.status.code(), Some(3));
    let out = common::qlab(&["check", "-", "--format", "qlab"], "[{\"client\": 1}]");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "qlab: -: history[0].invoke_ms: missing\n"
    );
    let out = common::qlab(&["check", good, "--format", "yaml"], "");
    assert_eq!(out.status.code(), Some(2));
}
