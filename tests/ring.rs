//! The hash ring against the theory: how many keys move when a node joins or leaves, how
//! evenly they spread, and where a key's replicas live; then `qlab ring` as SCENARIO.md
//! states it.
//!
//! Sources: Karger et al., *Consistent Hashing and Random Trees* (STOC 1997) for
//! monotonicity and the `1/(N+1)` share; DeCandia et al., *Dynamo* (SOSP 2007) §4.2 for
//! virtual nodes and §4.3 for preference lists; Lamping and Veach, *A Fast, Minimal
//! Memory, Consistent Hash Algorithm* (2014); Thaler and Ravishankar, *Using Name-Based
//! Mappings to Increase Hit Rates* (1998) for rendezvous hashing.

mod common;

use common::qlab;
use quorum_lab::protocols::ring::model::{Placement, Scheme};
use quorum_lab::sim::rng::Rng;
use serde_json::Value;

const CONSISTENT: [Scheme; 3] = [Scheme::Ring, Scheme::Jump, Scheme::Rendezvous];

fn owners(p: &Placement) -> Vec<u32> {
    (0..p.key_count()).map(|k| p.owner(k)).collect()
}

/// A placement built from scratch with the same members and keys as `p`: what the
/// incremental updates must agree with.
fn from_scratch(p: &Placement) -> Vec<u32> {
    let names: Vec<String> = (0..p.key_count()).map(|k| p.key_name(k)).collect();
    if matches!(p.scheme(), Scheme::Mod | Scheme::Jump) {
        // These place by a member's position in member order, whatever its id.
        let mut q = Placement::new(p.scheme(), p.members().len() as u32, 1, 0);
        q.add_named_keys(&names).unwrap();
        return owners(&q)
            .iter()
            .map(|&o| p.members()[o as usize - 1].id)
            .collect();
    }
    let mut q = Placement::new(p.scheme(), 1, 1, 0);
    // Rebuild the same membership: ids are given in order, so add up to the highest id
    // and remove the gaps.
    let last = p.members().last().map_or(1, |m| m.id);
    for id in 2..=last {
        q.add_node(1, 1).unwrap();
        assert_eq!(q.members().last().unwrap().id, id);
    }
    for m in p.members() {
        if m.weight != 1 {
            q.set_weight(m.id, m.weight).unwrap();
        }
        if p.scheme() == Scheme::Ring {
            q.set_vnodes(m.id, m.vnodes).unwrap();
        }
    }
    if !p.members().iter().any(|m| m.id == 1) {
        q.remove_node(1).unwrap();
    }
    for id in 2..=last {
        if p.member(id).is_none() {
            q.remove_node(id).unwrap();
        }
    }
    q.add_named_keys(&names).unwrap();
    owners(&q)
}

#[test]
fn hash_mod_n_moves_nearly_every_key_when_a_node_joins() {
    // From N to N+1 nodes a key stays only if hash mod N = hash mod (N+1): about 1/(N+1)
    // of them. The lessons' "~750,000 of 1,000,000" is 3 → 4.
    let mut p = Placement::new(Scheme::Mod, 3, 1, 100_000);
    let change = p.add_node(1, 1).unwrap();
    let share = change.moved as f64 / 100_000.0;
    assert!((share - 0.75).abs() < 0.01, "3 → 4 moved {share}");
    let mut p = Placement::new(Scheme::Mod, 10, 1, 100_000);
    let share = p.add_node(1, 1).unwrap().moved as f64 / 100_000.0;
    assert!((share - 10.0 / 11.0).abs() < 0.01, "10 → 11 moved {share}");
}

#[test]
fn consistent_schemes_move_about_one_share_and_only_to_the_new_node() {
    // Karger et al. §2.2, monotonicity: when a node joins, keys move only to it.
    for scheme in CONSISTENT {
        let mut p = Placement::new(scheme, 10, 256, 100_000);
        let change = p.add_node(1, 256).unwrap();
        let new = change.joined.unwrap();
        assert!(
            change.moved_keys.iter().all(|&(_, _, to)| to == new),
            "{scheme:?}"
        );
        let share = change.moved as f64 / 100_000.0;
        let theory = change.theory_share.unwrap();
        assert!((theory - 1.0 / 11.0).abs() < 1e-12);
        // 256 vnodes leave the ring's share within about 2σ ≈ 12 % of the ideal.
        assert!(
            (share - theory).abs() < 0.15 * theory,
            "{scheme:?}: {share} vs {theory}"
        );
    }
}

#[test]
fn a_leave_hands_over_only_the_leavers_keys() {
    for scheme in CONSISTENT {
        let mut p = Placement::new(scheme, 8, 64, 20_000);
        let last = p.members().last().unwrap().id;
        let held = owners(&p).iter().filter(|&&o| o == last).count() as u64;
        let change = p.remove_node(last).unwrap();
        assert_eq!(change.moved, held, "{scheme:?}");
        assert!(change.moved_keys.iter().all(|&(_, from, _)| from == last));
        assert_eq!(change.theory_share, Some(1.0 / 8.0));
    }
}

#[test]
fn virtual_nodes_even_out_the_load() {
    // Dynamo §4.2 and §6.2: with one point per node the arcs differ wildly; with many
    // the shares approach 1/N (the spread of a node's share falls as 1/√vnodes).
    let one = Placement::new(Scheme::Ring, 10, 1, 100_000).stats();
    let many = Placement::new(Scheme::Ring, 10, 256, 100_000).stats();
    assert!(one.max_over_mean > 1.5, "1 vnode: {}", one.max_over_mean);
    assert!(
        many.max_over_mean < 1.2,
        "256 vnodes: {}",
        many.max_over_mean
    );
    assert!(
        many.stddev < one.stddev / 4.0,
        "{} vs {}",
        many.stddev,
        one.stddev
    );
    // Jump and rendezvous balance without any table: within sampling noise of K/N.
    for scheme in [Scheme::Jump, Scheme::Rendezvous] {
        let s = Placement::new(scheme, 10, 1, 100_000).stats();
        assert!(s.max_over_mean < 1.04, "{scheme:?}: {}", s.max_over_mean);
    }
}

#[test]
fn weights_give_proportional_shares() {
    for scheme in [Scheme::Ring, Scheme::Rendezvous] {
        let mut p = Placement::new(scheme, 4, 128, 100_000);
        p.set_weight(1, 3).unwrap();
        let load = p.load();
        // Weights 3, 1, 1, 1: node-1 should hold half the keys.
        let share = load[0] as f64 / 100_000.0;
        assert!((share - 0.5).abs() < 0.06, "{scheme:?}: {share}");
    }
    let mut p = Placement::new(Scheme::Mod, 4, 1, 10);
    assert!(p.set_weight(1, 2).unwrap_err().contains("no weights"));
}

#[test]
fn the_preference_list_is_n_distinct_nodes_clockwise_from_the_owner() {
    // Dynamo §4.3: the coordinator is the first node clockwise, the list the next N
    // distinct physical nodes (skipping further vnodes of nodes already listed).
    let p = Placement::new(Scheme::Ring, 6, 8, 1_000);
    for k in 0..1_000 {
        let name = p.key_name(k);
        let l = p.lookup(&name, 3);
        assert_eq!(l.owner, p.owner(k));
        assert_eq!(l.preference.len(), 3);
        let mut seen = l.preference.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 3, "{name}: {:?}", l.preference);
        // The walk starts at the first point at or after the key and goes clockwise.
        assert!(l.walk.len() >= 3);
        assert_eq!(l.walk[0].member, l.owner);
        assert_eq!(
            *l.walk.last().unwrap(),
            *l.walk
                .iter()
                .rev()
                .find(|pt| pt.member == l.preference[2])
                .unwrap()
        );
    }
    assert_eq!(
        p.preference_list("key-1", 10).len(),
        6,
        "at most every node"
    );
    for scheme in [Scheme::Mod, Scheme::Jump, Scheme::Rendezvous] {
        let p = Placement::new(scheme, 5, 1, 100);
        let list = p.preference_list(&p.key_name(7), 3);
        assert_eq!(list[0], p.owner(7), "{scheme:?}");
        assert_eq!(list.len(), 3);
    }
}

#[test]
fn jump_lets_only_the_last_node_leave() {
    let mut p = Placement::new(Scheme::Jump, 5, 1, 100);
    let e = p.remove_node(2).unwrap_err();
    assert!(e.contains("only the last node (node-5)"), "{e}");
    assert!(p.remove_node(5).is_ok());
    assert!(p.remove_node(9).unwrap_err().contains("not in the ring"));
}

#[test]
fn incremental_changes_agree_with_placing_from_scratch() {
    // Every change updates only what it must; the result is what a placement built
    // afresh with the same members and keys gives.
    // (Range partitioning is left out: its ranges are its history, which splits made
    // them, so there is no placement "from scratch" to compare with.)
    let mut rng = Rng::new(7, 0);
    for scheme in [Scheme::Mod, Scheme::Ring, Scheme::Jump, Scheme::Rendezvous] {
        let mut p = Placement::new(scheme, 4, 16, 3_000);
        for _ in 0..25 {
            let ids: Vec<u32> = p.members().iter().map(|m| m.id).collect();
            let pick = ids[rng.range_inclusive(0, ids.len() as u64 - 1) as usize];
            let _ = match rng.range_inclusive(0, 4) {
                0 | 1 => p.add_node(1, 16),
                2 => p.remove_node(if scheme == Scheme::Jump {
                    *ids.last().unwrap()
                } else {
                    pick
                }),
                3 => p.set_weight(pick, rng.range_inclusive(1, 3) as u32),
                _ => p.add_keys(200),
            };
            assert_eq!(owners(&p), from_scratch(&p), "{scheme:?}");
        }
    }
}

#[test]
fn range_partitioning_splits_merges_and_has_a_hot_spot() {
    // Ranges of names, as Bigtable's tablets (Chang et al. 2006, §5): a join splits the
    // fullest range at its median, so the joiner takes about half of one node's keys.
    let mut p = Placement::new(Scheme::Range, 4, 1, 10_000);
    let ranges = p.ranges();
    assert_eq!(ranges.len(), 4);
    assert_eq!(ranges[0].start, "");
    assert!(ranges.windows(2).all(|w| w[0].start < w[1].start));
    assert!(p.stats().max_over_mean < 1.01, "even cuts of the names");
    let join = p.add_node(1, 1).unwrap();
    assert_eq!(join.moved, 1_250, "half of one range of 2,500");
    assert!(join.moved_keys.iter().all(|&(_, _, to)| to == 5));
    // A leave hands the leaver's ranges to others; nothing else moves.
    let held = owners(&p).iter().filter(|&&o| o == 2).count() as u64;
    assert_eq!(p.remove_node(2).unwrap().moved, held);
    // Keys that sort together land in one range: the hot spot hashing avoids.
    let hot_range = p
        .ranges()
        .iter()
        .position(|r| r.start.as_str() > "hot-")
        .unwrap_or(p.ranges().len())
        - 1;
    p.add_skewed_keys(10_000).unwrap();
    let after = p.ranges();
    assert!(after[hot_range].keys >= 10_000, "{after:?}");
    assert!(p.stats().max_over_mean > 2.0, "{}", p.stats().max_over_mean);
    // Splitting the hot range spreads it; merging gives the next range's keys away.
    let before = p.stats().max;
    p.split_range(hot_range).unwrap();
    assert!(p.stats().max < before);
    let n = p.ranges().len();
    let merged = p.merge_range(0).unwrap();
    let ranges = p.ranges();
    assert_eq!(ranges.len(), n - 1);
    assert!(merged.moved > 0);
    assert!(merged
        .moved_keys
        .iter()
        .all(|&(_, _, to)| to == ranges[0].member));
    assert!(p.merge_range(n - 2).unwrap_err().contains("no next range"));
    let mut ring = Placement::new(Scheme::Ring, 2, 1, 10);
    assert!(ring.split_range(0).unwrap_err().contains("no ranges"));
}

#[test]
fn bad_changes_are_refused_with_a_reason() {
    let mut p = Placement::new(Scheme::Ring, 1, 1, 10);
    assert!(p.remove_node(1).unwrap_err().contains("last node"));
    assert!(p
        .set_vnodes(1, 0)
        .unwrap_err()
        .contains("vnodes are from 1"));
    assert!(p
        .add_named_keys(&["key-3".into()])
        .unwrap_err()
        .contains("already a key"));
    assert!(p
        .add_named_keys(&[String::new()])
        .unwrap_err()
        .contains("needs a name"));
    let mut m = Placement::new(Scheme::Rendezvous, 2, 1, 10);
    assert!(m.set_vnodes(1, 4).unwrap_err().contains("no virtual nodes"));
}

fn ring_json(args: &[&str]) -> Value {
    let out = qlab(&[&["ring"], args].concat(), "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn qlab_ring_prints_the_load_and_the_keys_moved() {
    let v = ring_json(&[
        "--scheme", "ring", "--nodes", "10", "--vnodes", "64", "--add", "1",
    ]);
    let fields: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for f in [
        "scheme",
        "nodes",
        "keys",
        "load",
        "max_over_mean",
        "moved",
        "moved_share",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(v["scheme"], "ring");
    assert_eq!(v["nodes"], 11);
    assert_eq!(v["keys"], 10_000, "the default key count");
    let load: Vec<u64> = serde_json::from_value(v["load"].clone()).unwrap();
    assert_eq!(load.len(), 11);
    assert_eq!(load.iter().sum::<u64>(), 10_000);
    let moved = v["moved"].as_u64().unwrap();
    assert_eq!(v["moved_share"].as_f64().unwrap(), moved as f64 / 10_000.0);
    assert_eq!(moved, load[10], "a join moves exactly the new node's keys");
    let max = *load.iter().max().unwrap() as f64;
    assert!((v["max_over_mean"].as_f64().unwrap() - max / (10_000.0 / 11.0)).abs() < 1e-9);

    let storm = ring_json(&[
        "--scheme", "mod", "--nodes", "3", "--keys", "20000", "--add", "1",
    ]);
    assert!(storm["moved_share"].as_f64().unwrap() > 0.7);
    let gone = ring_json(&["--scheme", "jump", "--nodes", "5", "--remove", "2"]);
    assert_eq!(gone["nodes"], 3);
    let same = ring_json(&["--scheme", "rendezvous", "--nodes", "4", "--keys", "100"]);
    assert_eq!(same["moved"], 0);
}

#[test]
fn qlab_ring_is_deterministic() {
    let args = [
        "--scheme",
        "rendezvous",
        "--nodes",
        "7",
        "--keys",
        "5000",
        "--add",
        "2",
    ];
    assert_eq!(ring_json(&args), ring_json(&args));
}

#[test]
fn qlab_ring_refuses_bad_arguments_in_one_line() {
    for (args, want) in [
        (
            vec!["--scheme", "modulo", "--nodes", "3"],
            "must be one of mod, ring, jump, rendezvous",
        ),
        (
            vec!["--scheme", "ring", "--nodes", "0"],
            "--nodes must be from 1",
        ),
        (
            vec!["--scheme", "ring", "--nodes", "3", "--remove", "3"],
            "would leave no node",
        ),
        (
            vec![
                "--scheme", "ring", "--nodes", "3", "--add", "1", "--remove", "1",
            ],
            "cannot be used with",
        ),
        (vec!["--scheme", "ring", "--nodes", "-2"], "whole number"),
        (
            vec!["--scheme", "ring", "--nodes", "3", "--vnodes", "5000"],
            "--vnodes must be from 1",
        ),
    ] {
        let out = qlab(&[&["ring"], args.as_slice()].concat(), "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
}
