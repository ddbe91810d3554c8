//! `qlab ring`: keys placed on nodes, a membership change, and how many keys moved, as
//! `SCENARIO.md` states it.

use serde_json::{json, Value};

use super::model::{Placement, Scheme, MAX_KEYS, MAX_MEMBERS, MAX_VNODES};

/// The membership change `qlab ring` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    /// Nothing changes (`moved` is 0).
    Same,
    /// This many nodes join.
    Add(u32),
    /// This many nodes leave, the last ones first.
    Remove(u32),
}

/// Places keys `key-0 … key-(keys-1)` on `node-1 … node-nodes` under `scheme`, changes
/// the membership, and reports the load after the change and the keys it moved.
pub fn ring(
    scheme: Scheme,
    nodes: u32,
    vnodes: u32,
    keys: u32,
    change: Membership,
) -> Result<Value, String> {
    if !(1..=MAX_MEMBERS).contains(&nodes) {
        return Err(format!("--nodes must be from 1 to {MAX_MEMBERS}"));
    }
    if !(1..=MAX_VNODES).contains(&vnodes) {
        return Err(format!("--vnodes must be from 1 to {MAX_VNODES}"));
    }
    if keys == 0 || keys as usize > MAX_KEYS {
        return Err(format!("--keys must be from 1 to {MAX_KEYS}"));
    }
    let mut placement = Placement::new(scheme, nodes, vnodes, keys);
    let before: Vec<u32> = (0..placement.key_count())
        .map(|k| placement.owner(k))
        .collect();
    match change {
        Membership::Same => {}
        Membership::Add(n) => {
            if nodes + n > MAX_MEMBERS {
                return Err(format!(
                    "--add {n} would make {} nodes; at most {MAX_MEMBERS}",
                    nodes + n
                ));
            }
            for _ in 0..n {
                placement.add_node(1, vnodes)?;
            }
        }
        Membership::Remove(n) => {
            if n >= nodes {
                return Err(format!(
                    "--remove {n} would leave no node of {nodes}: the keys need somewhere to live"
                ));
            }
            for _ in 0..n {
                let last = placement.members().last().map_or(0, |m| m.id);
                placement.remove_node(last)?;
            }
        }
    }
    // Moved: the owner differs from the one before the whole change (a key that moved
    // twice and came back did not move).
    let moved = before
        .iter()
        .enumerate()
        .filter(|&(k, &o)| placement.owner(k) != o)
        .count() as u64;
    let stats = placement.stats();
    Ok(json!({
        "scheme": scheme.name(),
        "nodes": stats.nodes,
        "keys": stats.keys,
        "load": placement.load(),
        "max_over_mean": stats.max_over_mean,
        "moved": moved,
        "moved_share": moved as f64 / f64::from(keys),
    }))
}
