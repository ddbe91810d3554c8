//! Random faults and client requests for `qlab sweep --chaos`, drawn from the seed.
//!
//! The generated actions are ordinary script entries, so a failing run is one more
//! scenario: its link replays it exactly in the page.

use super::Scenario;
use crate::protocols::spec::Chaos;
use crate::sim::rng::Rng;
use crate::sim::{Action, Command, NodeId, ScriptEntry, Time};

/// The random stream chaos draws from (nodes use 1..=9, the network 0).
const CHAOS_STREAM: u64 = 0xC4A0_5000;
/// Chaos stops this long before the end, so the cluster can settle.
const CALM_END_MS: Time = 1_000;

/// Adds random crashes, restarts, partitions, heals, timeouts and client requests between
/// time 0 and `until_ms - 1s`, merged into the scenario's script in time order.
pub fn add_chaos(scenario: &mut Scenario, until_ms: Time) {
    let n = scenario.nodes;
    let spec = scenario.protocol;
    let load = spec.commands.iter().find(|c| c.chaos == Chaos::Load);
    let perturb = spec.commands.iter().find(|c| c.chaos == Chaos::Perturb);
    let command = |c: Option<&crate::protocols::spec::CommandSpec>, node, k: u64| {
        c.map_or(Action::Heal, |c| {
            Action::Command(Command {
                name: c.name,
                node,
                value: c.value.map(|_| format!("c{k}")),
                verb: c.verb,
            })
        })
    };
    let mut rng = Rng::new(scenario.seed, CHAOS_STREAM);
    let mut up: Vec<bool> = vec![true; n as usize];
    let mut added = Vec::new();
    let mut t = rng.range_inclusive(50, 300);
    let mut request = 0;
    let end = until_ms.saturating_sub(CALM_END_MS);
    while t < end {
        let pick = |rng: &mut Rng| rng.range_inclusive(1, n as u64) as NodeId;
        let action = match rng.range_inclusive(0, 99) {
            0..=44 => {
                request += 1;
                command(load, pick(&mut rng), request)
            }
            45..=59 => {
                let node = pick(&mut rng);
                // Keep a majority up most of the time so that progress is possible.
                let down = up.iter().filter(|u| !**u).count() as u32;
                if up[(node - 1) as usize] && down < n.saturating_sub(1) / 2 {
                    up[(node - 1) as usize] = false;
                    Action::Crash { node }
                } else {
                    up[(node - 1) as usize] = true;
                    Action::Restart { node }
                }
            }
            60..=69 => match up.iter().position(|u| !*u) {
                Some(i) => {
                    up[i] = true;
                    Action::Restart {
                        node: i as NodeId + 1,
                    }
                }
                None => command(perturb, pick(&mut rng), 0),
            },
            70..=79 => {
                let mut a = Vec::new();
                let mut b = Vec::new();
                for id in 1..=n {
                    if rng.chance(0.5) {
                        a.push(id)
                    } else {
                        b.push(id)
                    }
                }
                Action::Partition { groups: vec![a, b] }
            }
            80..=91 => Action::Heal,
            92..=95 => {
                let from = pick(&mut rng);
                let to = from % n + 1;
                if n == 1 {
                    Action::Heal
                } else {
                    Action::Cut { from, to }
                }
            }
            _ => command(perturb, pick(&mut rng), 0),
        };
        added.push(ScriptEntry { at_ms: t, action });
        t += rng.range_inclusive(30, 400);
    }
    // Restart everyone and heal before the calm end, so runs finish with a working cluster.
    for (i, is_up) in up.iter().enumerate() {
        if !is_up {
            added.push(ScriptEntry {
                at_ms: end,
                action: Action::Restart {
                    node: i as NodeId + 1,
                },
            });
        }
    }
    added.push(ScriptEntry {
        at_ms: end,
        action: Action::Heal,
    });
    let mut script = std::mem::take(&mut scenario.script);
    script.extend(added);
    // A stable sort keeps the original order among entries at the same time.
    script.sort_by_key(|e| e.at_ms);
    scenario.script = script;
}
