//! Links made before the lab became generic keep opening and replay bit for bit.
//!
//! `tests/fixtures/v1-links.json` was written by the code of the first release (Raft only,
//! before the protocol registry): every preset, chaos scripts that exercise every action,
//! and a manual network with deliveries, drops and refusals, each with its link, a time and
//! the `qlab run` report at that time. Today's code must decode every link to a scenario
//! that runs to the same trace hash, event count, node states and violations — with one
//! deliberate exception: an invariant stated since ([`ADDED_SINCE`]) may now flag a run.
//! Its violation is one more record in the trace, so that run's hash differs from the
//! moment it is flagged; its events and every node's state must still be the same.

use quorum_lab::protocols;
use quorum_lab::scenario::link;
use serde_json::Value;

/// Every field the old report had must be there with the same value; new fields may be
/// added (the report grows as protocols do).
fn contains(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            for (k, v) in o {
                match n.get(k) {
                    Some(w) => contains(v, w, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k} is missing")),
                }
            }
        }
        (Value::Array(o), Value::Array(n)) if o.len() == n.len() => {
            for (i, (v, w)) in o.iter().zip(n).enumerate() {
                contains(v, w, &format!("{path}[{i}]"), out);
            }
        }
        _ if old == new => {}
        _ => out.push(format!("{path}: was {old}, now {new}")),
    }
}

/// Invariants the first release did not check (Raft's bounded liveness, `progress`).
const ADDED_SINCE: &[&str] = &["progress"];

/// The report without the violations of invariants added since, and whether it had any.
fn without_added(report: &Value) -> (Value, bool) {
    let mut r = report.clone();
    let mut had = false;
    if let Some(v) = r["violations"].as_array_mut() {
        let before = v.len();
        v.retain(|x| !ADDED_SINCE.contains(&x["invariant"].as_str().unwrap_or_default()));
        had = v.len() != before;
    }
    (r, had)
}

#[test]
fn links_of_the_first_release_replay_bit_for_bit() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/v1-links.json"
    ))
    .unwrap();
    let fixtures: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(fixtures.len() >= 40);
    let mut problems = Vec::new();
    for f in &fixtures {
        let name = f["name"].as_str().unwrap();
        let opened = match link::parse(f["link"].as_str().unwrap()) {
            Ok(l) => l,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        let t = f["t"].as_u64().unwrap();
        assert_eq!(opened.t, Some(t), "{name}");
        let mut run = protocols::build(&opened.scenario);
        run.advance_to(t);
        let (report, flagged) = without_added(&run.report());
        let mut old = f["report"].clone();
        if flagged {
            // The added invariant's violation is hashed: the rest must match exactly.
            old["trace_hash"] = report["trace_hash"].clone();
            eprintln!("{name}: now also flagged by {:?}", ADDED_SINCE);
        }
        let mut found = Vec::new();
        contains(&old, &report, "", &mut found);
        problems.extend(found.into_iter().map(|p| format!("{name}: {p}")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
