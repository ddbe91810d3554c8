//! Shareable links and scenario files (SCENARIO.md, "Link" and "JSON"): a scenario
//! survives the link and the file unchanged; the decoders never panic, whatever they are
//! given, and every refusal says what is wrong; hostile text stays plain data; preset
//! links stay short; and the CLI, the library and the page's model agree on what a link
//! replays to.
//!
//! The fuzz test is seeded and deterministic. It tries [`DEFAULT_FUZZ_INPUTS`] inputs (about
//! 7 s in the test profile) or `QLAB_FUZZ_INPUTS` when set, and prints the count. A million
//! takes 35 to 50 s in the test profile on two busy cores:
//! `QLAB_FUZZ_INPUTS=1000000 cargo test --release --test links -- --nocapture fuzz`.
//! Proptest cases use a fixed seed too; `PROPTEST_CASES` raises their number.

mod common;

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Output;
use std::time::Instant;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::strategies;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};
use quorum_lab::protocols::{self, raft};
use quorum_lab::scenario::link::{self, LinkError};
use quorum_lab::scenario::{limits, presets, Scenario};
use quorum_lab::sim::{Action, Command};
use quorum_lab::ui::lab::Lab;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// The base of the links the page shares (SCENARIO.md's size budget is measured on it).
const BASE: &str = "https://example.org/quorum-lab/";

/// Fuzz inputs in a plain `cargo test` run (see the module comment for more).
const DEFAULT_FUZZ_INPUTS: u64 = 200_000;

/// A proptest configuration with a fixed seed: the same cases on every run.
fn fixed(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x51_4c_41_42),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A runner that draws the same values every time, for tests that want a few examples.
fn fixed_runner(seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// Draws one value of `strategy`.
fn draw<S: Strategy>(runner: &mut TestRunner, strategy: &S) -> S::Value {
    strategy
        .new_tree(runner)
        .expect("the strategy yields values")
        .current()
}

/// A payload packed from any bytes, the way a crafted link would be made (the codec
/// character, raw deflate, base64url): the scenario parser sees exactly `json`.
fn pack(json: &[u8], level: u8) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json, level);
    let mut out = String::from("1");
    URL_SAFE_NO_PAD.encode_string(packed, &mut out);
    out
}

/// The link to a hand-written scenario JSON.
fn crafted_link(json: &str) -> String {
    format!("{BASE}#s={}", pack(json.as_bytes(), 9))
}

/// The fragment of a link (what the page reads from `location.hash`, without `#`).
fn fragment(link: &str) -> &str {
    link.split_once('#').map_or(link, |(_, f)| f)
}

/// Every preset of every protocol, parsed.
fn preset_scenarios() -> Vec<(&'static str, Scenario)> {
    presets::sources()
        .map(|(_, p)| {
            let s = Scenario::from_json(p.json).unwrap_or_else(|e| panic!("preset {}: {e}", p.id));
            (p.id, s)
        })
        .collect()
}

/// The value a protocol command carries (a client request's), if `action` is one.
fn command_value(action: &Action) -> Option<&str> {
    match action {
        Action::Command(Command { value, .. }) => value.as_deref(),
        _ => None,
    }
}

// ----- 1. Round trip ------------------------------------------------------------------

proptest! {
    #![proptest_config(fixed(512))]

    /// Scenario → link → scenario is the identity, over the whole valid range of every
    /// field (hostile text included), with `t` and `embed` in any order after the payload,
    /// and whatever the page's address looks like.
    #[test]
    fn any_scenario_survives_the_link(
        s in strategies::any_scenario(40),
        t in proptest::option::of(prop_oneof![Just(0u64), Just(limits::MAX_AT_MS), 0..=limits::MAX_AT_MS]),
        embed in any::<bool>(),
        embed_first in any::<bool>(),
        base in proptest::sample::select(vec![
            BASE,
            "http://127.0.0.1:8080/",
            "https://example.org/lab/?lang=en&s=old",
            "https://example.org/lab/#s=1stale&t=99",
            "",
        ]),
    ) {
        let payload = link::encode_payload(&s);
        prop_assert_eq!(&link::decode_payload(&payload).map_err(|e| TestCaseError::fail(e.to_string()))?, &s);

        let url = link::to_link(base, &s, t);
        prop_assert!(url.starts_with(base.split('#').next().unwrap_or_default()));
        let parsed = link::parse(&url).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&parsed.scenario, &s);
        prop_assert_eq!(parsed.t, t);
        prop_assert!(!parsed.embed);

        // The page adds `embed=1` to the links it offers for iframes; parameters may come
        // in any order.
        let mut parts = vec![format!("s={payload}")];
        if let Some(t) = t {
            parts.push(format!("t={t}"));
        }
        if embed {
            if embed_first {
                parts.insert(0, "embed=1".to_string());
            } else {
                parts.push("embed=1".to_string());
            }
        }
        let url = format!("{}#{}", base.split('#').next().unwrap_or_default(), parts.join("&"));
        let parsed = link::parse(&url).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&parsed.scenario, &s);
        prop_assert_eq!(parsed.t, t);
        prop_assert_eq!(parsed.embed, embed);
        // The fragment alone and the bare payload read the same.
        let parsed = link::parse(&format!("#{}", parts.join("&"))).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!((&parsed.scenario, parsed.t, parsed.embed), (&s, t, embed));
        let bare = link::parse(&payload).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&bare.scenario, &s);
    }

    /// Scenario → JSON → scenario is the identity (compact and pretty), and writing is
    /// stable: the JSON of the parsed scenario is the same text.
    #[test]
    fn any_scenario_survives_json(s in strategies::any_scenario(40)) {
        let json = s.to_json();
        let back = Scenario::from_json(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &s);
        prop_assert_eq!(back.to_json(), json);
        let pretty = Scenario::from_json(&s.to_json_pretty()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&pretty, &s);
        // Any valid scenario can be shared; payloads are URL-safe as they stand.
        let payload = link::encode_payload(&s);
        prop_assert!(payload.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{}", payload);
    }

    /// The runnable scenarios of `tests/properties.rs`, with live user actions recorded
    /// in their script as the page records them, survive the link too.
    #[test]
    fn recorded_user_actions_survive_the_link(
        (s, live) in (1..=9u32).prop_flat_map(|n| (
            strategies::scenario(true, 8).prop_map(move |mut s| {
                s.nodes = n;
                s.script.retain(|e| e.action.node_ids().iter().all(|id| *id <= n));
                s
            }),
            proptest::collection::vec((0..3_000u64, 0..3u32, strategies::action(n)), 0..12),
        )),
    ) {
        let recorded = with_live_actions(&s, live);
        let t = recorded.last_action_ms() + 1;
        let parsed = link::parse(&link::to_link(BASE, &recorded, Some(t))).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&parsed.scenario, &recorded);
        prop_assert_eq!(parsed.t, Some(t));
    }
}

/// Runs `s` while a user acts live (after `steps` single steps, so sometimes in the middle
/// of a millisecond), and returns the scenario with the recorded script, as the page
/// shares it.
fn with_live_actions(s: &Scenario, mut live: Vec<(u64, u32, Action)>) -> Scenario {
    live.sort_by_key(|(t, _, _)| *t);
    let mut w = protocols::build(s);
    for (t, steps, action) in live {
        w.advance_to(t);
        for _ in 0..steps {
            w.step();
        }
        w.act(action);
    }
    Scenario {
        script: w.script().to_vec(),
        ..s.clone()
    }
}

// ----- 3. Hostile input -----------------------------------------------------------------

/// A scenario JSON with `patch` merged into a small valid one.
fn patched(patch: Value) -> String {
    let mut base = json!({
        "version": 1,
        "protocol": "raft",
        "nodes": 5,
        "script": [
            { "at_ms": 0, "action": "timeout", "node": 1 },
            { "at_ms": 400, "action": "request", "node": 1, "value": "a" }
        ]
    });
    common::merge(&mut base, &patch);
    base.to_string()
}

#[test]
fn markup_in_a_link_is_plain_data() {
    let title = "<script>alert('title')</script><img src=x onerror=alert(1)>";
    let notes = "</p><iframe src=\"javascript:alert(1)\"></iframe>&amp; \"quoted\" \u{202e}";
    let value = "<img src=x onerror=alert(2)>";
    let json = json!({
        "version": 1,
        "protocol": "raft",
        "title": title,
        "notes": notes,
        "script": [
            { "at_ms": 10, "action": "request", "node": 2, "value": value },
            { "at_ms": 20, "action": "request", "node": 3, "value": "<script>" }
        ]
    })
    .to_string();
    let url = crafted_link(&json);
    let parsed = link::parse(&url).expect("markup is just text");
    let s = &parsed.scenario;
    assert_eq!(s.title, title);
    assert_eq!(s.notes, notes);
    assert_eq!(s.script[0].action, raft::request(2, value));
    // And back out: the link the page would share carries the same text.
    assert_eq!(
        &link::parse(&link::to_link(BASE, s, None)).unwrap().scenario,
        s
    );
    // The page's model opens it as data and replays it; the request's value reaches the
    // log verbatim (the UI renders it as a text node).
    let lab = Lab::from_fragment(&format!("{}&t=2000", fragment(&url)));
    assert!(lab.notice().is_none(), "{:?}", lab.notice());
    assert_eq!(lab.scenario().title, title);
    assert_eq!(lab.scenario().notes, notes);
    assert_eq!(lab.world().now(), 2000);
    // Every hostile string of the shared list survives as a title, a note and a value.
    for text in strategies::HOSTILE_TEXT {
        let json = json!({
            "version": 1, "protocol": "raft", "title": text, "notes": text,
            "script": [{ "at_ms": 0, "action": "request", "node": 1, "value": text }]
        })
        .to_string();
        let s = link::parse(&crafted_link(&json))
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .scenario;
        assert_eq!((&s.title, &s.notes), (&text.to_string(), &text.to_string()));
        assert_eq!(command_value(&s.script[0].action), Some(*text));
    }
}

#[test]
fn a_newer_format_names_its_version() {
    // A newer scenario format inside today's link codec.
    for v in [2u64, 3, 4_294_967_295] {
        let err = link::parse(&crafted_link(&patched(json!({ "version": v })))).unwrap_err();
        let LinkError::Scenario(e) = &err else {
            panic!("version {v}: {err:?}")
        };
        assert_eq!(e.path, "version");
        let text = err.to_string();
        assert!(
            text.contains(&format!("format version {v}")) && text.contains("newer"),
            "{text}"
        );
    }
    // A version that never existed is an error too, but not "newer".
    for v in [
        json!(0),
        json!(-1),
        json!("1"),
        json!(1.5),
        json!(4_294_967_296u64),
    ] {
        let err = Scenario::from_json(&patched(json!({ "version": v }))).unwrap_err();
        assert_eq!(err.path, "version", "{v}: {err}");
        assert!(!err.message.is_empty());
    }
    // A newer link codec (the character before the payload).
    for c in ['2', '9'] {
        let err = link::parse(&format!("{BASE}#s={c}AAAA&t=5")).unwrap_err();
        assert_eq!(err, LinkError::Newer(c));
        let text = err.to_string();
        assert!(
            text.contains("newer Quorum Lab") && text.contains(&format!("'{c}'")),
            "{text}"
        );
    }
}

#[test]
fn a_truncated_link_says_it_was_cut_short() {
    for (id, s) in preset_scenarios() {
        let payload = link::encode_payload(&s);
        // Every cut that keeps the codec character but loses data.
        for cut in 1..payload.len() {
            let short = &payload[..cut];
            for input in [
                format!("{BASE}#s={short}"),
                format!("#s={short}"),
                short.to_string(),
            ] {
                let err = link::parse(&input).expect_err(&format!(
                    "{id}: a link cut at {cut} of {} opened",
                    payload.len()
                ));
                let text = err.to_string();
                assert!(
                    matches!(err, LinkError::Damaged(_)) && text.contains("cut short"),
                    "{id}, cut at {cut}: {text}"
                );
            }
        }
    }
    // The page opens the default scenario and says why.
    let url = link::to_link(BASE, &Scenario::default(), Some(900));
    let lab = Lab::from_fragment(&fragment(&url)[..url.len() / 2]);
    let notice = lab.notice().expect("a notice");
    assert!(notice.text.contains("cut short"), "{}", notice.text);
    assert_eq!(lab.scenario(), &Scenario::default());
}

#[test]
fn errors_inside_a_link_name_the_field() {
    let five_hundred = "x".repeat(121);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"raft": {"heartbeat_ms": 0}}),
            "raft.heartbeat_ms",
            "must be at least 1",
        ),
        (
            json!({"raft": {"heartbeat_ms": "fast"}}),
            "raft.heartbeat_ms",
            "invalid type",
        ),
        (
            json!({"raft": {"heartbeat_ms": -5}}),
            "raft.heartbeat_ms",
            "invalid value",
        ),
        (
            json!({"raft": {"heartbeat_ms": 1.5}}),
            "raft.heartbeat_ms",
            "invalid type",
        ),
        (
            json!({"raft": {"election_timeout_ms": [0, 10]}}),
            "raft.election_timeout_ms[0]",
            "at least 1",
        ),
        (
            json!({"raft": {"election_timeout_ms": [300, 150]}}),
            "raft.election_timeout_ms",
            "lower bound",
        ),
        (
            json!({"raft": {"election_timeout_ms": [150]}}),
            "raft.election_timeout_ms",
            "length 1",
        ),
        (
            json!({"raft": {"mutations": ["nope"]}}),
            "raft.mutations[0]",
            "unknown mutation",
        ),
        (
            json!({"raft": {"heartbeat": 50}}),
            "raft",
            "unknown field `heartbeat`",
        ),
        (
            json!({"network": {"loss": 1.5}}),
            "network.loss",
            "probability",
        ),
        (
            json!({"network": {"mode": "carrier pigeon"}}),
            "network.mode",
            "\"auto\" or \"manual\"",
        ),
        (
            json!({"network": {"latency_ms": [10, 60_001]}}),
            "network.latency_ms[1]",
            "at most 60000",
        ),
        (json!({"nodes": 10}), "nodes", "from 1 to 9"),
        (json!({"nodes": 0}), "nodes", "from 1 to 9"),
        (json!({"title": five_hundred}), "title", "at most 120"),
        // A name no protocol will take (Paxos and the others are registered one by one).
        (
            json!({"protocol": "carrier-pigeon"}),
            "protocol",
            "unknown protocol",
        ),
        (
            json!({"script": [{"at_ms": 5, "action": "crash", "node": 6}]}),
            "script[0].node",
            "node 6 does not exist",
        ),
        (
            json!({"script": [{"at_ms": 5, "action": "heal"}, {"at_ms": 4, "action": "heal"}]}),
            "script[1].at_ms",
            "sorted",
        ),
        (
            json!({"script": [{"at_ms": 86_400_001u64, "action": "heal"}]}),
            "script[0].at_ms",
            "one day",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "partition", "groups": [[1, 2], [2]]}]}),
            "script[0].groups[1][0]",
            "more than one group",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "partition", "groups": vec![Vec::<u32>::new(); 10]}]}),
            "script[0].groups",
            "at most 9",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "heal", "node": 1}]}),
            "script[0].node",
            "not a field",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "teleport"}]}),
            "script[0].action",
            "unknown action",
        ),
        (
            json!({"script": [{"at_ms": -1, "action": "heal"}]}),
            "script[0].at_ms",
            "invalid value",
        ),
        // Clients and histories.
        (
            json!({"clients": {"timeout_ms": 0}}),
            "clients.timeout_ms",
            "at least 1",
        ),
        (
            json!({"clients": {"workload": {"clients": 21}}}),
            "clients.workload.clients",
            "at most 20",
        ),
        (
            json!({"clients": {"workload": {"think_ms": [0, 5]}}}),
            "clients.workload.think_ms[0]",
            "at least 1",
        ),
        (
            json!({"clients": {"workload": {"reads": 2}}}),
            "clients.workload.reads",
            "probability",
        ),
        (
            json!({"clients": {"speed": 1}}),
            "clients",
            "unknown field `speed`",
        ),
        (
            json!({"check": ["strict"]}),
            "check[0]",
            "unknown consistency model",
        ),
        (
            json!({"check": ["linearizable", "linearizable"]}),
            "check[1]",
            "listed twice",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "write", "client": 0, "node": 1, "key": "x", "value": "1"}]}),
            "script[0].client",
            "client 0 does not exist",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "write", "client": 1, "node": 1, "value": "1"}]}),
            "script[0].key",
            "required",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "read", "client": 1, "node": 1, "key": "x", "value": "1"}]}),
            "script[0].value",
            "not a field",
        ),
        (
            json!({"script": [{"at_ms": 1, "action": "read", "client": 1, "node": 7, "key": "x"}]}),
            "script[0].node",
            "node 7 does not exist",
        ),
    ];
    for (patch, path, says) in cases {
        let text = patched(patch.clone());
        let err = link::parse(&crafted_link(&text)).unwrap_err();
        let LinkError::Scenario(e) = &err else {
            panic!("{patch}: {err:?}")
        };
        assert!(
            e.path.starts_with(path) && e.message.contains(says),
            "{patch}: expected {path}: …{says}…, got {e}"
        );
        assert!(err.to_string().contains(&format!("{}: ", e.path)), "{err}");
        assert_eq!(Scenario::from_json(&text).unwrap_err(), *e);
        // The page says the same, in its notice.
        let lab = Lab::from_fragment(fragment(&crafted_link(&text)));
        let notice = lab.notice().expect("a notice").text.clone();
        assert!(notice.contains(&e.to_string()), "{notice}");
    }
}

/// SCENARIO.md: a bad scenario exits 2 "with a one-line error on stderr", and the page
/// shows the error on its one notice line. serde writes an unknown key as it is, so a key
/// with a line break in it breaks the error over two lines.
#[test]
fn errors_stay_on_one_line_whatever_the_keys() {
    for text in [
        r#"{"version":1,"protocol":"raft","raft":{"a\nb":1}}"#,
        r#"{"version":1,"protocol":"raft","script":[{"at_ms":1,"action":"heal","x\r\ny":2}]}"#,
    ] {
        let err = Scenario::from_json(text).unwrap_err().to_string();
        assert!(!err.contains(['\n', '\r']), "{err:?}");
        let err = link::parse(&crafted_link(text)).unwrap_err().to_string();
        assert!(!err.contains(['\n', '\r']), "{err:?}");
    }
}

#[test]
fn oversized_links_are_refused_plainly() {
    // A decompression bomb: more JSON than any scenario in a few thousand characters.
    let bomb = pack(&vec![b' '; link::MAX_JSON_BYTES + 1], 9);
    assert!(bomb.len() < 40_000, "{}", bomb.len());
    let err = link::decode_payload(&bomb).unwrap_err();
    assert!(matches!(err, LinkError::Damaged(_)), "{err}");
    assert!(
        err.to_string()
            .contains("unpacks to more than any scenario"),
        "{err}"
    );
    // Longer than any scenario.
    let long = format!("1{}", "A".repeat(link::MAX_PAYLOAD_CHARS + 10));
    let err = link::decode_payload(&long).unwrap_err();
    assert!(err.to_string().contains("far longer"), "{err}");
    // A script longer than the limit, packed small enough to pass the inflate limit.
    let too_many = format!(
        r#"{{"version":1,"protocol":"raft","script":[{}]}}"#,
        vec![r#"{"at_ms":1,"action":"heal"}"#; limits::MAX_SCRIPT + 1].join(",")
    );
    let err = Scenario::from_json(&too_many).unwrap_err();
    assert_eq!(err.path, "script", "{err}");
    // Deep nesting is an error, not a stack overflow.
    for depth in [200, 100_000] {
        let deep = format!(
            r#"{{"version":1,"protocol":"raft","script":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let err = Scenario::from_json(&deep).unwrap_err();
        assert!(!err.message.is_empty());
        assert!(link::parse(&crafted_link(&deep)).is_err());
    }
    // `t` beyond a day, negative, or not a number.
    let payload = link::encode_payload(&Scenario::default());
    for t in ["86400001", "-1", "1e3", "", "18446744073709551616", "5ms"] {
        let err = link::parse(&format!("#s={payload}&t={t}")).unwrap_err();
        assert!(matches!(err, LinkError::Parameter(_)), "t={t}: {err:?}");
        assert!(err.to_string().contains("t="), "{err}");
    }
}

/// Regression: every scenario within the format's limits can be shared. The link decoder
/// used to refuse payloads over 64 K characters and JSON over 256 KB, so the failing run
/// of `qlab sweep --chaos --until-ms 2000000` (33 simulated minutes, about 9,000 actions)
/// printed a link that neither `qlab decode` nor the page would open ("far longer than
/// any scenario").
#[test]
fn the_longest_valid_scenarios_survive_the_link() {
    // Chaos over half an hour, from the first seed whose mix is busy enough (each seed
    // draws its own fault rates; some are quiet).
    let chaotic = (42..92)
        .map(|seed| {
            let mut s = Scenario {
                seed,
                ..Scenario::default()
            };
            quorum_lab::scenario::chaos::add_chaos(&mut s, 2_000_000);
            s
        })
        .find(|s| s.script.len() > 8_000)
        .expect("a busy chaos mix among fifty seeds");
    // The longest script the format allows, of requests with 64-character values: random
    // printable text, and control characters that JSON writes six bytes each.
    let mut d = Draw(ChaCha8Rng::seed_from_u64(9));
    let printable: Vec<char> = (' '..='~').collect();
    let controls: Vec<char> = ('\u{0}'..'\u{20}').collect();
    let longest = |alphabet: &[char], d: &mut Draw| Scenario {
        nodes: limits::MAX_NODES,
        title: "t".repeat(limits::TITLE_CHARS),
        notes: "\u{1}".repeat(limits::NOTES_CHARS),
        script: (0..limits::MAX_SCRIPT)
            .map(|i| quorum_lab::sim::ScriptEntry {
                at_ms: limits::MAX_AT_MS - (limits::MAX_SCRIPT - i) as u64,
                action: raft::request(
                    limits::MAX_NODES,
                    (0..limits::VALUE_CHARS)
                        .map(|_| *d.pick(alphabet))
                        .collect::<String>(),
                ),
            })
            .collect(),
        ..Scenario::default_for(&raft::SPEC)
    };
    for s in [
        longest(&printable, &mut d),
        longest(&controls, &mut d),
        chaotic,
    ] {
        let url = link::to_link(BASE, &s, Some(limits::MAX_AT_MS));
        let parsed = link::parse(&url).unwrap_or_else(|e| {
            panic!(
                "{} actions, {} bytes of JSON, a link of {} characters: {e}",
                s.script.len(),
                s.to_json().len(),
                url.len()
            )
        });
        assert!(parsed.scenario == s, "the scenario changed on the way");
    }
}

// ----- 4. Preset link length ------------------------------------------------------------

#[test]
fn every_preset_link_stays_under_2000_characters() {
    let mut longest = ("", 0);
    for (id, s) in preset_scenarios() {
        let url = link::to_link(BASE, &s, Some(s.default_until_ms()));
        assert!(
            url.len() < 2_000,
            "preset {id}: a link of {} characters",
            url.len()
        );
        if url.len() > longest.1 {
            longest = (id, url.len());
        }
    }
    eprintln!(
        "longest preset link: {} ({} characters, base {BASE:?})",
        longest.0, longest.1
    );
}

// ----- 5. The CLI, the library and the page agree ----------------------------------------

/// Runs the real `qlab` with `stdin`; it must succeed.
fn qlab(args: &[&str], stdin: &str) -> Output {
    let out = common::qlab(args, stdin);
    assert!(
        out.status.success(),
        "qlab {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The scenarios the agreement test shares: every preset, and generated scenarios in
/// which a user acted live, each with the times its link is opened at.
fn agreement_cases() -> Vec<(String, Scenario, Vec<u64>)> {
    let mut cases = Vec::new();
    for (id, s) in preset_scenarios() {
        let mut times = vec![s.default_until_ms(), 0, 1];
        // Exactly at a script action (applied "at or before t") and just before it.
        if let Some(e) = s.script.iter().find(|e| e.at_ms > 1) {
            times.extend([e.at_ms, e.at_ms - 1]);
        }
        cases.push((format!("preset {id}"), s, times));
    }
    let mut runner = fixed_runner(11);
    let gen = (1..=9u32).prop_flat_map(|n| {
        (
            strategies::scenario(true, 10).prop_map(move |mut s| {
                s.nodes = n;
                s.script
                    .retain(|e| e.action.node_ids().iter().all(|id| *id <= n));
                s
            }),
            proptest::collection::vec((0..3_000u64, 0..3u32, strategies::action(n)), 1..15),
            0..6_000u64,
        )
    });
    for i in 0..8 {
        let (s, live, t) = draw(&mut runner, &gen);
        let s = with_live_actions(&s, live);
        let at_action = s.script.last().map_or(0, |e| e.at_ms).max(1);
        cases.push((
            format!("generated #{i}"),
            s.clone(),
            vec![s.default_until_ms(), t.max(1), at_action],
        ));
    }
    cases
}

#[test]
fn the_cli_the_library_and_the_page_agree_on_a_link() {
    let mut checked = 0;
    for (name, s, times) in agreement_cases() {
        // `qlab decode` gives back the scenario's JSON, as the library writes it.
        let url = link::to_link(BASE, &s, Some(times[0]));
        let decoded = String::from_utf8(qlab(&["decode", &url], "").stdout).expect("UTF-8");
        assert_eq!(decoded, format!("{}\n", s.to_json_pretty()), "{name}");
        assert_eq!(Scenario::from_json(&decoded).as_ref(), Ok(&s), "{name}");
        for &t in &times {
            let url = link::to_link(BASE, &s, Some(t));
            // `qlab run` on the decoded file…
            let until = t.to_string();
            let out = qlab(&["run", "-", "--until-ms", &until], &decoded);
            let cli: Value = serde_json::from_slice(&out.stdout).expect("run prints JSON");
            // …equals the library run in-process…
            let mut world = protocols::build(&s);
            world.advance_to(t);
            let lib = world.report();
            assert_eq!(cli, lib, "{name}, t = {t}");
            assert_eq!(world.trace_hash(), cli["trace_hash"], "{name}, t = {t}");
            // …and the page's model, opening the link, replays to the same state.
            let lab = Lab::from_fragment(fragment(&url));
            assert!(lab.notice().is_none(), "{name}: {:?}", lab.notice());
            assert_eq!(lab.scenario(), &s, "{name}");
            assert!(!lab.playing());
            assert_eq!(lab.world().now(), t, "{name}");
            assert_eq!(
                lab.world().trace_hash(),
                cli["trace_hash"],
                "{name}: the page at t = {t} differs from `qlab run --until-ms {t}`"
            );
            assert_eq!(lab.world().events(), cli["events"], "{name}, t = {t}");
            checked += 1;
        }
        // Without `--until-ms` the run stops where the first link pointed.
        let out = qlab(&["run", "-"], &decoded);
        let cli: Value = serde_json::from_slice(&out.stdout).expect("run prints JSON");
        assert_eq!(cli["time_ms"], s.default_until_ms(), "{name}");
    }
    eprintln!("CLI, library and page agreed on {checked} (scenario, t) pairs");
}

/// SCENARIO.md: `t` is the time the page shows, the run replayed up to it; the CLI's
/// state at T has every script action at or before T applied, and so does the page's own
/// seek (`Lab::seek(0)`, the "jump to start" button). Opening a link at `t = 0` must
/// therefore apply the actions at 0 too (split-vote's timeouts).
#[test]
fn the_page_at_t_0_shows_the_actions_at_0() {
    let (_, s) = preset_scenarios()
        .into_iter()
        .find(|(_, s)| s.script.first().is_some_and(|e| e.at_ms == 0))
        .expect("a preset acts at 0");
    let mut world = protocols::build(&s);
    world.advance_to(0);
    let lab = Lab::from_fragment(fragment(&link::to_link(BASE, &s, Some(0))));
    assert_eq!(lab.world().now(), 0);
    assert_eq!(
        (lab.world().trace_hash(), lab.world().events()),
        (world.trace_hash(), world.events()),
        "the page at t = 0 differs from `qlab run --until-ms 0`"
    );
}

// ----- 2. Fuzz ---------------------------------------------------------------------------

/// The seeded generator the fuzz test draws from.
struct Draw(ChaCha8Rng);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n.max(1) as u64) as usize
    }

    /// True one time in `k`.
    fn one_in(&mut self, k: usize) -> bool {
        self.below(k) == 0
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = self.below(max_len + 1);
        let mut v = vec![0; len];
        self.0.fill_bytes(&mut v);
        v
    }

    fn string_from(&mut self, alphabet: &[char], max_len: usize) -> String {
        let len = self.below(max_len + 1);
        (0..len).map(|_| *self.pick(alphabet)).collect()
    }
}

const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Characters a damaged link plausibly holds: base64url, the fragment's punctuation,
/// what URL mangling adds, and some that never belong.
fn link_alphabet() -> Vec<char> {
    let mut a: Vec<char> = B64.chars().collect();
    a.extend("#&=?/:%+. ~!*'()[]{}|\\^`\"<>;,@$\t\n\r\0 ".chars());
    a.extend([
        'é',
        'ü',
        'ß',
        '€',
        '\u{200b}',
        '\u{feff}',
        '🦀',
        '\u{10ffff}',
    ]);
    a
}

/// Characters and tokens that bend JSON.
fn json_alphabet() -> Vec<char> {
    "{}[]\":,0123456789-+.eE ntrufalsNI\\u/\t\n\0é🦀x_"
        .chars()
        .collect()
}

/// JSON tokens that a `serde_json::Value` cannot hold or that sit at a parser's edge,
/// spliced in as raw text.
const RAW_TOKENS: &[&str] = &[
    "1e400",
    "-1e400",
    "1e-400",
    "18446744073709551616",
    "18446744073709551615",
    "-9223372036854775809",
    "4294967296",
    "4294967295",
    "-0",
    "-0.0",
    "01",
    ".5",
    "1.",
    "1e",
    "0x10",
    "+1",
    "NaN",
    "Infinity",
    "-Infinity",
    "nul",
    "tru",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"\\u0000\"",
    "\"\\x41\"",
    "\"\u{0}\"",
    "\"unterminated",
    "[1,]",
    "{\"a\":1,}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "{\"\":{\"\":{\"\":{\"\":{\"\":{\"\":{\"\":{\"\":{}}}}}}}}",
];

/// Keys a future or hostile scenario might add.
const ODD_KEYS: &[&str] = &[
    "paxos",
    "versions",
    "Version",
    "raft ",
    "__proto__",
    "constructor",
    "",
    "script",
    "nodes",
    "at_ms",
    "groups",
    "extra",
    "é",
];

/// A value that is wrong somewhere in a scenario (or right, by luck).
fn odd_value(d: &mut Draw, depth: usize) -> Value {
    match d.below(if depth > 3 { 22 } else { 26 }) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(false),
        3 => json!(d.pick(&[0i64, 1, -1, 2, 5, 9, 10, 255, 65_536, i64::MIN, i64::MAX])),
        4 => json!(d.pick(&[
            u64::MAX,
            4_294_967_295,
            4_294_967_296,
            86_400_000,
            86_400_001
        ])),
        5 => json!(d.pick(&[
            0.5,
            -0.0,
            1e300,
            -1e300,
            1e-300,
            f64::MIN_POSITIVE,
            1.0,
            0.999_999
        ])),
        6 => json!(d.next_u64_as_i64()),
        7 => json!(d.pick(&["", "NaN", "Infinity", "-1", "1", "null", "raft", "manual", "auto"])),
        8 => json!(d.pick(strategies::HOSTILE_TEXT)),
        9 => json!(d.pick(&[
            "crash",
            "restart",
            "timeout",
            "request",
            "partition",
            "heal",
            "cut",
            "repair",
            "deliver",
            "drop"
        ])),
        10 => json!(d.pick(&[
            "commit_old_terms",
            "vote_ignores_log",
            "forget_vote",
            "fixed_timeouts"
        ])),
        11 => json!("x".repeat(d.below(3) * 100 + 60)),
        12 => json!(d.below(12)),
        13 => json!(d.below(100_000)),
        14 => json!([d.below(12), d.below(12)]),
        15 => json!([[1, 2], [3, d.below(12)]]),
        16 => json!([]),
        17 => json!({}),
        18 => Value::String(format!("@@RAW{}@@", d.below(RAW_TOKENS.len()))),
        19 => json!(d.below(2_000_000_000) as f64 / 1e6),
        20 => json!([d.below(1_000), -5]),
        21 => json!(-(d.below(1_000) as i64) - 1),
        22 => {
            let n = d.below(4);
            Value::Array((0..n).map(|_| odd_value(d, depth + 1)).collect())
        }
        23 => {
            let n = d.below(3);
            let mut map = serde_json::Map::new();
            for _ in 0..n {
                map.insert(d.pick(ODD_KEYS).to_string(), odd_value(d, depth + 1));
            }
            Value::Object(map)
        }
        24 => {
            // Nested deeper than serde's recursion limit, sometimes.
            let mut v = json!(1);
            for _ in 0..d.below(300) {
                v = json!([v]);
            }
            v
        }
        _ => json!({ "at_ms": odd_value(d, depth + 1), "action": odd_value(d, depth + 1) }),
    }
}

impl Draw {
    fn next_u64_as_i64(&mut self) -> i64 {
        self.0.next_u64() as i64
    }
}

/// Where a value sits in a document: keys and indexes from the root.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn paths(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(Step::Key(k.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(Step::Index(i));
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_path<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// One structural change to a valid scenario document.
fn mutate_value(d: &mut Draw, doc: &mut Value) {
    let op = d.below(10);
    if op >= 7 {
        return mutate_targeted(d, doc, op);
    }
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let path = d.pick(&all).clone();
    let target = at_path(doc, &path);
    match op {
        0..=3 => *target = odd_value(d, 0),
        4 => {
            if let Value::Object(m) = target {
                if !m.is_empty() {
                    let k = m.keys().nth(d.below(m.len())).cloned().unwrap_or_default();
                    m.shift_remove(&k);
                }
            }
        }
        5 => {
            if let Value::Object(m) = target {
                m.insert(d.pick(ODD_KEYS).to_string(), odd_value(d, 0));
            } else {
                *target = odd_value(d, 0);
            }
        }
        6 => {
            if let Value::Array(a) = target {
                match d.below(5) {
                    0 if !a.is_empty() => {
                        let i = d.below(a.len());
                        a.remove(i);
                    }
                    1 if !a.is_empty() => {
                        let i = d.below(a.len());
                        let copy = a[i].clone();
                        a.insert(d.below(a.len() + 1), copy);
                    }
                    2 => a.reverse(),
                    3 if !a.is_empty() && d.one_in(20) => {
                        // A huge array: thousands of copies.
                        let copy = a[0].clone();
                        let n = 1_000 + d.below(4_000);
                        a.extend(std::iter::repeat_n(copy, n));
                    }
                    _ => a.push(odd_value(d, 0)),
                }
            } else {
                *target = odd_value(d, 0);
            }
        }
        _ => {
            if let Value::Array(a) = target {
                a.push(odd_value(d, 0));
            } else {
                *target = odd_value(d, 0);
            }
        }
    }
}

/// A change aimed at the fields a hostile link would aim at.
fn mutate_targeted(d: &mut Draw, doc: &mut Value, op: usize) {
    let Some(doc) = doc.as_object_mut() else {
        return;
    };
    match op {
        7 => {
            let v = match d.below(4) {
                0 => json!(2 + d.below(5)),
                1 => json!(0),
                2 => odd_value(d, 0),
                _ => json!(1),
            };
            doc.insert("version".into(), v);
        }
        8 => {
            if let Some(script) = doc.get_mut("script").and_then(Value::as_array_mut) {
                if !script.is_empty() {
                    let i = d.below(script.len());
                    let field = *d.pick(&[
                        "at_ms", "node", "from", "to", "message", "groups", "value", "action",
                    ]);
                    if let Some(entry) = script[i].as_object_mut() {
                        entry.insert(field.into(), odd_value(d, 0));
                    }
                }
            }
        }
        _ => {
            let field = *d.pick(&["nodes", "seed", "title", "notes", "protocol"]);
            doc.insert(field.into(), odd_value(d, 0));
        }
    }
}

/// Writes a document, splicing [`RAW_TOKENS`] in where `odd_value` left a marker.
fn write_doc(doc: &Value) -> String {
    let mut text = doc.to_string();
    while let Some(start) = text.find("\"@@RAW") {
        let end = text[start + 1..]
            .find("@@\"")
            .map(|i| start + 1 + i + 3)
            .expect("a marker ends");
        let i: usize = text[start + 6..end - 3].parse().expect("a marker's index");
        text.replace_range(start..end, RAW_TOKENS[i]);
    }
    text
}

/// One character-level change: flip, insert, delete, duplicate or move a span, cut.
fn mutate_chars(d: &mut Draw, s: &str, alphabet: &[char]) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    let len = cs.len();
    let i = d.below(len + 1);
    match d.below(9) {
        0 | 1 if i < len => cs[i] = *d.pick(alphabet),
        2 => cs.insert(i, *d.pick(alphabet)),
        3 if i < len => {
            cs.remove(i);
        }
        4 => {
            let j = (i + 1 + d.below(16)).min(len);
            cs.drain(i..j);
        }
        5 => {
            // Duplicate a span somewhere else.
            let j = (i + 1 + d.below(64)).min(len);
            let span: Vec<char> = cs[i..j].to_vec();
            let at = d.below(len + 1);
            cs.splice(at..at, span);
        }
        6 => cs.truncate(i),
        7 if i < len => cs[i] = cs[i].to_ascii_uppercase(),
        _ => {
            // Swap two characters.
            if len > 1 {
                let j = d.below(len);
                cs.swap(i.min(len - 1), j);
            }
        }
    }
    cs.into_iter().collect()
}

/// What a link's `&…` parameters might be mangled into.
const PARAMS: &[&str] = &[
    "&t=0",
    "&t=86400000",
    "&t=86400001",
    "&t=-1",
    "&t=+5",
    "&t= 5",
    "&t=18446744073709551616",
    "&t=",
    "&t",
    "&embed=1",
    "&embed=0",
    "&embed",
    "&&",
    "&=",
    "&s=",
    "&s",
    "&s=1",
    "&s=2AAAA",
    "&x=1",
    "#",
    "&s=1AAAA#s=1",
];

/// Counts and checks what the decoders say.
struct Fuzz {
    draw: Draw,
    tried: u64,
    opened: u64,
    by_kind: [u64; 9],
}

const KINDS: [&str; 9] = [
    "random bytes",
    "random link text",
    "random base64url payloads",
    "deflated junk",
    "mutated valid links",
    "truncated valid links",
    "mutated JSON text (direct)",
    "mutated JSON documents (direct)",
    "mutated JSON packed into links",
];

impl Fuzz {
    /// Runs `f` on `input`, reporting the input if it panics.
    fn guarded<T>(&self, kind: usize, input: &str, f: impl FnOnce() -> T) -> T {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(v) => v,
            Err(_) => {
                let shown: String = input.chars().take(2_000).collect();
                panic!(
                    "a decoder panicked on input #{} ({}), {} characters: {shown:?}",
                    self.tried,
                    KINDS[kind],
                    input.chars().count()
                )
            }
        }
    }

    fn link(&mut self, kind: usize, input: &str) {
        self.tried += 1;
        self.by_kind[kind] += 1;
        let result = self.guarded(kind, input, || link::parse(input));
        match result {
            Ok(l) => {
                self.opened += 1;
                self.accepted(kind, input, &l.scenario);
            }
            Err(e) => link_message(kind, input, &e),
        }
    }

    fn payload(&mut self, kind: usize, input: &str) {
        self.tried += 1;
        self.by_kind[kind] += 1;
        let result = self.guarded(kind, input, || link::decode_payload(input));
        match result {
            Ok(s) => {
                self.opened += 1;
                self.accepted(kind, input, &s);
            }
            Err(e) => link_message(kind, input, &e),
        }
    }

    fn json(&mut self, kind: usize, input: &str) {
        self.tried += 1;
        self.by_kind[kind] += 1;
        let result = self.guarded(kind, input, || Scenario::from_json(input));
        match result {
            Ok(s) => {
                self.opened += 1;
                self.accepted(kind, input, &s);
            }
            Err(e) => {
                assert!(
                    !e.message.trim().is_empty() && !e.to_string().trim().is_empty(),
                    "an empty error ({}) for {input:?}",
                    KINDS[kind]
                );
            }
        }
    }

    /// Whatever a decoder accepts is a valid scenario: it survives JSON unchanged.
    fn accepted(&self, kind: usize, input: &str, s: &Scenario) {
        let back = self.guarded(kind, input, || Scenario::from_json(&s.to_json()));
        assert_eq!(
            back.as_ref(),
            Ok(s),
            "accepted, but does not survive JSON ({}): {input:?}",
            KINDS[kind]
        );
    }
}

fn link_message(kind: usize, input: &str, e: &LinkError) {
    let inner_ok = match e {
        LinkError::Missing | LinkError::Newer(_) => true,
        LinkError::Damaged(why) | LinkError::Parameter(why) => !why.trim().is_empty(),
        LinkError::Scenario(se) => !se.message.trim().is_empty(),
    };
    assert!(
        inner_ok && !e.to_string().trim().is_empty(),
        "an empty error {e:?} ({}) for {input:?}",
        KINDS[kind]
    );
}

/// The valid material mutations start from: every preset and generated scenarios (some
/// at the format's bounds with hostile text), as JSON documents and as links.
fn fuzz_pool() -> Vec<(Value, String)> {
    let mut scenarios: Vec<Scenario> = preset_scenarios().into_iter().map(|(_, s)| s).collect();
    scenarios.push(Scenario::default());
    let mut runner = fixed_runner(3);
    for _ in 0..24 {
        scenarios.push(draw(&mut runner, &strategies::scenario(true, 12)));
        scenarios.push(draw(&mut runner, &strategies::any_scenario(12)));
    }
    scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let doc: Value = serde_json::from_str(&s.to_json()).expect("scenario JSON");
            let t = [
                None,
                Some(0),
                Some(s.default_until_ms().min(limits::MAX_AT_MS)),
            ][i % 3];
            let mut url = link::to_link(BASE, s, t);
            if i % 4 == 0 {
                url.push_str("&embed=1");
            }
            (doc, url)
        })
        .collect()
}

fn fuzz_target() -> u64 {
    std::env::var("QLAB_FUZZ_INPUTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_FUZZ_INPUTS)
}

/// The link decoder (`link::parse`, `link::decode_payload`) and the scenario parser
/// (`Scenario::from_json`) never panic, and every refusal has a message, over a seeded
/// stream of inputs: arbitrary bytes and text, arbitrary base64url, valid links damaged in
/// every way a copy and paste can damage them (every truncation included), and valid
/// scenario JSON bent out of shape both directly and packed into a link.
#[test]
fn fuzz_the_decoders_never_panic() {
    let target = fuzz_target();
    let started = Instant::now();
    let pool = fuzz_pool();
    let link_chars = link_alphabet();
    let json_chars = json_alphabet();
    let b64: Vec<char> = B64.chars().collect();
    let mut f = Fuzz {
        draw: Draw(ChaCha8Rng::seed_from_u64(0x0051_4c41_4221)),
        tried: 0,
        opened: 0,
        by_kind: [0; 9],
    };

    // Every truncation of every pool link, whole and as a fragment: every length when a
    // quarter of the budget allows it (a million inputs do), else every `stride`-th.
    let cuts: usize = pool
        .iter()
        .map(|(_, url)| url.len() + fragment(url).len() + 2)
        .sum();
    let stride = cuts.div_ceil((target as usize / 4).max(1)).max(1);
    for (_, url) in &pool {
        let frag = fragment(url);
        for cut in (0..=url.len()).step_by(stride) {
            f.link(5, &url[..cut]);
        }
        for cut in (0..=frag.len()).step_by(stride) {
            f.link(5, &frag[..cut]);
        }
    }

    while f.tried < target {
        let d = &mut f.draw;
        match d.below(100) {
            // Arbitrary bytes, as text.
            0..=7 => {
                let bytes = d.bytes(256);
                let text = String::from_utf8_lossy(&bytes).into_owned();
                f.link(0, &text);
                f.payload(0, &text);
                f.json(0, &text);
            }
            // Arbitrary text from a link's alphabet, often behind a plausible start.
            8..=17 => {
                let prefix = *d.pick(&[
                    "",
                    "#s=",
                    "s=",
                    "#s=1",
                    "1",
                    "https://x/#s=1",
                    "#t=5&s=1",
                    "?s=1",
                ]);
                let body = d.string_from(&link_chars, 160);
                let text = format!("{prefix}{body}");
                f.link(1, &text);
                f.payload(1, &text);
            }
            // Arbitrary base64url behind the codec (or another) character.
            18..=27 => {
                let codec = *d.pick(&['1', '1', '1', '0', '2', 'A', '-']);
                let body = d.string_from(&b64, 600);
                let payload = format!("{codec}{body}");
                f.payload(2, &payload);
                f.link(2, &format!("{BASE}#s={payload}&t=5"));
            }
            // Junk that inflates: random bytes, random text, random JSON-ish text.
            28..=33 => {
                let level = *d.pick(&[0u8, 1, 6, 9]);
                let data = match d.below(3) {
                    0 => d.bytes(400),
                    1 => d.string_from(&json_chars, 400).into_bytes(),
                    _ => d.string_from(&link_chars, 200).into_bytes(),
                };
                let payload = pack(&data, level);
                f.payload(3, &payload);
            }
            // A valid link, damaged one to four times, maybe with extra parameters.
            34..=63 => {
                let (_, url) = f.draw.pick(&pool).clone();
                let mut text = url;
                let d = &mut f.draw;
                for _ in 0..=d.below(4) {
                    if d.one_in(4) {
                        let at = if d.one_in(2) {
                            text.len()
                        } else {
                            text.find('&').unwrap_or(text.len())
                        };
                        let param = *d.pick::<&str>(PARAMS);
                        text.insert_str(at, param);
                    } else {
                        text = mutate_chars(d, &text, &link_chars);
                    }
                }
                f.link(4, &text);
            }
            // Valid JSON, damaged as text.
            64..=75 => {
                let (doc, _) = f.draw.pick(&pool);
                let mut text = if f.draw.one_in(2) {
                    doc.to_string()
                } else {
                    serde_json::to_string_pretty(doc).expect("JSON")
                };
                let d = &mut f.draw;
                for _ in 0..=d.below(3) {
                    if d.one_in(3) {
                        let at = d.below(text.len() + 1);
                        if text.is_char_boundary(at) {
                            let token = *d.pick::<&str>(RAW_TOKENS);
                            text.insert_str(at, token);
                        }
                    } else {
                        text = mutate_chars(d, &text, &json_chars);
                    }
                }
                f.json(6, &text);
                if f.draw.one_in(3) {
                    let packed = pack(text.as_bytes(), 1);
                    f.link(8, &format!("#s={packed}"));
                }
            }
            // Valid JSON, damaged as a document: wrong types, huge and negative numbers,
            // deep nesting, NaN-like strings, unknown fields, newer versions, huge arrays,
            // node ids out of range, actions at absurd times.
            _ => {
                let (doc, _) = f.draw.pick(&pool);
                let mut doc = doc.clone();
                for _ in 0..=f.draw.below(3) {
                    mutate_value(&mut f.draw, &mut doc);
                }
                let text = write_doc(&doc);
                f.json(7, &text);
                if f.draw.one_in(2) {
                    let level = *f.draw.pick(&[1u8, 6]);
                    let payload = pack(text.as_bytes(), level);
                    let t = *f.draw.pick(&["", "&t=1000", "&embed=1"]);
                    f.link(8, &format!("{BASE}#s={payload}{t}"));
                }
            }
        }
    }

    let secs = started.elapsed().as_secs_f64();
    let mut breakdown = String::new();
    for (kind, n) in KINDS.iter().zip(f.by_kind) {
        let _ = write!(breakdown, "\n  {n:>9}  {kind}");
    }
    eprintln!(
        "fuzz: {} inputs in {secs:.1} s ({:.0} per second), {} opened as valid scenarios; \
         no panic, every error has a message; truncations: every {stride} of {cuts}{breakdown}",
        f.tried,
        f.tried as f64 / secs,
        f.opened
    );
    assert!(f.tried >= target);
}
