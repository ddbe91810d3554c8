//! Random faults and client load for `qlab sweep --chaos`, drawn from the seed, for any
//! protocol whose nodes exchange messages.
//!
//! The generator is swarm-style (Groce et al., "Swarm Testing", ISSTA 2012): each seed
//! first draws its own fault mix ([`Mix`]) — how often nodes crash, whether they come
//! back at once (inside the election their crash set off) or much later, how many may be
//! down, which partition shapes occur and how long they last, one-way cuts, loss and
//! duplication, how busy clients are, how often the protocol's own nudges (Raft's
//! `timeout`) fire and whether two nodes are nudged together — and only then the faults
//! themselves. A mix leaves some kinds out entirely, so a bug that one kind of fault
//! hides still shows on the seeds that lack it, and every kind is tried at every
//! intensity over a sweep.
//!
//! Like Jepsen's nemeses, some faults aim at whoever leads at that moment (the node the
//! protocol's view draws as leading, [`Run::leads`]): [`run_chaos`] drives a run and asks it. The
//! actions it takes are recorded in the run's script, so a failing run is one more
//! scenario and its link replays it exactly in the page. [`add_chaos`] writes a script
//! without a run (any node may be the target then). No float function beyond arithmetic
//! is used, so a seed draws the same faults everywhere.

use super::{limits, Scenario};
use crate::protocols::spec::{Chaos, CommandSpec};
use crate::protocols::{self, Run};
use crate::sim::client::Workload;
use crate::sim::rng::Rng;
use crate::sim::{Action, Command, NodeId, ScriptEntry, Time};

/// The random stream chaos draws from (nodes use 1..=9, the network 0).
const CHAOS_STREAM: u64 = 0xC4A0_5000;
/// The stream the client workload is drawn from: its own, so that adding clients to a
/// protocol leaves every fault of every seed where it was.
const WORKLOAD_STREAM: u64 = 0xC4A0_5001;
/// Faults stop this long before the end: every node is restarted and every link healed,
/// so the run ends on a whole cluster with time to recover (bounded liveness checks need
/// a calm stretch to say anything).
pub const CALM_END_MS: Time = 4_000;

/// One seed's mix of faults. Rates are events per 10 simulated seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    /// Client actions (the protocol's load command).
    pub load: u64,
    /// Per mille of client actions sent to every node at once (so the leader surely
    /// gets one) rather than to one node.
    pub fan_out_pm: u64,
    /// The protocol's nudges (its perturb command).
    pub perturb: u64,
    /// Duels: two nodes nudged at the same moment (split votes, duelling proposers).
    pub duel: u64,
    /// Storms: a duel, then a third node crashes a few milliseconds later and comes back
    /// at once, inside the election or round the duel started.
    pub storm: u64,
    /// Crashes.
    pub crash: u64,
    /// Per mille of crashes restarted almost at once (5–60 ms later).
    pub quick_restart_pm: u64,
    /// The longest a crashed node stays down otherwise, ms.
    pub down_ms: u64,
    /// How many nodes may be down at once.
    pub max_down: u32,
    /// Partitions.
    pub partition: u64,
    /// How long a partition or cut lasts at most before it is repaired, ms.
    pub partition_ms: u64,
    /// One-way cuts.
    pub cut: u64,
    /// Strands: a client action to every node, and a moment later one or two nodes cut
    /// off for a while; when the leader is among them, its new entry or proposal is
    /// stranded on a minority (the first step of the Raft paper's Figure 8).
    pub strand: u64,
    /// Per mille of strands whose first stranded node then crashes (and restarts later),
    /// as in the Raft paper's Figure 8 (b).
    pub strand_crash_pm: u64,
    /// Per mille of crashes and strands aimed at the node leading at that moment.
    pub at_leader_pm: u64,
    /// The network's loss probability.
    pub loss: f64,
    /// The network's duplication probability.
    pub duplicate: f64,
    /// The client workload, for protocols that serve reads and writes and scenarios
    /// without one of their own.
    pub workload: Option<Workload>,
}

/// A rate from a menu that often holds zero: some seeds lack the fault entirely.
fn rate(rng: &mut Rng, menu: &[u64]) -> u64 {
    menu[rng.range_inclusive(0, menu.len() as u64 - 1) as usize]
}

impl Mix {
    /// The mix `rng` draws for a cluster of `n` nodes.
    pub fn draw(rng: &mut Rng, n: u32) -> Mix {
        let minority = n.saturating_sub(1) / 2;
        Mix {
            load: rate(rng, &[0, 20, 60, 150, 400]),
            fan_out_pm: rate(rng, &[0, 300, 700, 1000]),
            perturb: rate(rng, &[0, 0, 5, 20, 60]),
            duel: rate(rng, &[0, 0, 5, 20]),
            storm: rate(rng, &[0, 0, 5, 20, 50]),
            crash: rate(rng, &[0, 5, 15, 40, 80]),
            quick_restart_pm: rate(rng, &[0, 300, 700, 1000]),
            down_ms: rate(rng, &[100, 400, 1_500]),
            // Mostly a majority stays up, so progress is possible; sometimes not.
            max_down: if rng.chance(0.2) { n } else { minority.max(1) },
            partition: rate(rng, &[0, 15, 40, 80]),
            partition_ms: rate(rng, &[150, 400, 1_000, 2_000]),
            cut: rate(rng, &[0, 0, 5, 20]),
            strand: rate(rng, &[0, 10, 30, 60]),
            strand_crash_pm: rate(rng, &[0, 500, 1000]),
            at_leader_pm: rate(rng, &[0, 500, 1000]),
            loss: [0.0, 0.0, 0.01, 0.05, 0.15][rng.range_inclusive(0, 4) as usize],
            duplicate: [0.0, 0.0, 0.02, 0.1][rng.range_inclusive(0, 3) as usize],
            workload: None,
        }
    }

    /// A client workload drawn from `rng`: from one lone client to five busy ones, on
    /// one to three registers, read-heavy or write-heavy.
    pub fn draw_workload(rng: &mut Rng) -> Workload {
        let think = [(5, 30), (20, 80), (50, 200), (100, 400)];
        Workload {
            clients: rate(rng, &[1, 2, 3, 5]) as u32,
            keys: rate(rng, &[1, 1, 2, 3]) as u32,
            think_ms: think[rng.range_inclusive(0, think.len() as u64 - 1) as usize],
            reads: [0.2, 0.5, 0.8][rng.range_inclusive(0, 2) as usize],
        }
    }

    /// The rates of the primary kinds, in [`Kind`] order.
    fn rates(&self) -> [u64; 8] {
        [
            self.load,
            self.perturb,
            self.duel,
            self.storm,
            self.crash,
            self.partition,
            self.cut,
            self.strand,
        ]
    }
}

/// A kind of primary event (see [`Mix`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Load,
    Perturb,
    Duel,
    Storm,
    Crash,
    Partition,
    Cut,
    Strand,
}

const KINDS: [Kind; 8] = [
    Kind::Load,
    Kind::Perturb,
    Kind::Duel,
    Kind::Storm,
    Kind::Crash,
    Kind::Partition,
    Kind::Cut,
    Kind::Strand,
];

/// Something planned for a moment; the targets of some are decided only then.
#[derive(Clone, Debug)]
enum Plan {
    /// This action.
    Act(Action),
    /// Crash the leader, or `fallback` when there is none (or none is asked for), and
    /// restart it `after_ms` later.
    Crash {
        fallback: NodeId,
        at_leader: bool,
        after_ms: Time,
    },
    /// Cut off the leader (and `with`, when given) from the rest, or `fallback` when
    /// there is no leader (or none is asked for), and heal `after_ms` later.
    Isolate {
        fallback: NodeId,
        with: Option<NodeId>,
        at_leader: bool,
        after_ms: Time,
        /// Crash the first isolated node this long after, and restart it this long after
        /// that.
        crash: Option<(Time, Time)>,
    },
}

/// The fault generator of one seed: plans in time order, resolved one at a time.
pub struct Nemesis {
    rng: Rng,
    mix: Mix,
    n: u32,
    end: Time,
    load: Option<&'static CommandSpec>,
    perturb: Option<&'static CommandSpec>,
    /// When the next primary event is drawn.
    next_t: Time,
    /// Planned items: (time, sequence, plan), taken lowest (time, sequence) first.
    queue: Vec<(Time, u64, Plan)>,
    seq: u64,
    /// Entries given out so far, and how many the script may still take.
    given: usize,
    room: usize,
    down: Vec<bool>,
    /// Client actions so far (their values are `c1`, `c2`, …).
    requests: u64,
    healed: bool,
}

fn command(c: Option<&CommandSpec>, node: NodeId, k: u64) -> Option<Action> {
    let c = c?;
    Some(Action::Command(Command {
        name: c.name,
        node,
        value: c.value.map(|_| format!("c{k}")),
        verb: c.verb,
    }))
}

/// A partition of `1..=n` in one of the shapes that matter: a random split, one node
/// alone, a bare majority against the rest, or three groups.
fn partition(rng: &mut Rng, n: u32) -> Vec<Vec<NodeId>> {
    let mut ids: Vec<NodeId> = (1..=n).collect();
    // A shuffle by swaps from the seed (Fisher–Yates).
    for i in (1..ids.len()).rev() {
        let j = rng.range_inclusive(0, i as u64) as usize;
        ids.swap(i, j);
    }
    let cut = match rng.range_inclusive(0, 3) {
        0 => rng.range_inclusive(1, n.max(2) as u64 - 1) as usize,
        1 => 1,
        2 => (n / 2 + 1) as usize,
        _ => {
            let a = (n as usize).div_ceil(3);
            let b = (2 * n as usize).div_ceil(3);
            return vec![ids[..a].to_vec(), ids[a..b].to_vec(), ids[b..].to_vec()];
        }
    };
    let cut = cut.min(ids.len());
    vec![ids[..cut].to_vec(), ids[cut..].to_vec()]
}

/// The node `run` draws as leading, if one does (the highest id if several think so).
pub fn leader_of(run: &dyn Run) -> Option<NodeId> {
    (1..=run.size())
        .rev()
        .find(|&id| run.up(id) && run.leads(id))
}

impl Nemesis {
    /// The generator for `scenario`'s seed, acting until `until_ms` − [`CALM_END_MS`]. The
    /// mix's loss and duplication replace the scenario's network's when they are higher.
    pub fn new(scenario: &mut Scenario, until_ms: Time) -> Nemesis {
        let n = scenario.nodes;
        let spec = scenario.protocol.0;
        let mut rng = Rng::new(scenario.seed, CHAOS_STREAM);
        let mut mix = Mix::draw(&mut rng, n);
        if spec.serves_clients && scenario.clients.workload.is_none() {
            let workload = Mix::draw_workload(&mut Rng::new(scenario.seed, WORKLOAD_STREAM));
            scenario.clients.workload = Some(workload.clone());
            mix.workload = Some(workload);
        }
        let net = &mut scenario.network;
        net.loss = net.loss.max(mix.loss);
        net.duplicate = net.duplicate.max(mix.duplicate);
        let next_t = rng.range_inclusive(20, 300);
        Nemesis {
            rng,
            mix,
            n,
            end: until_ms.saturating_sub(CALM_END_MS),
            load: spec.commands.iter().find(|c| c.chaos == Chaos::Load),
            perturb: spec.commands.iter().find(|c| c.chaos == Chaos::Perturb),
            next_t,
            queue: Vec::new(),
            seq: 0,
            given: 0,
            room: limits::MAX_SCRIPT.saturating_sub(scenario.script.len() + 1),
            down: vec![false; n as usize],
            requests: 0,
            healed: false,
        }
    }

    /// This seed's mix.
    pub fn mix(&self) -> &Mix {
        &self.mix
    }

    fn plan(&mut self, at: Time, plan: Plan) {
        self.seq += 1;
        self.queue.push((at.min(self.end), self.seq, plan));
    }

    fn pick(&mut self) -> NodeId {
        self.rng.range_inclusive(1, self.n as u64) as NodeId
    }

    /// Another node than `a`.
    fn other(&mut self, a: NodeId) -> NodeId {
        (a + self.rng.range_inclusive(0, self.n as u64 - 2) as u32) % self.n + 1
    }

    fn at_leader(&mut self) -> bool {
        self.rng.range_inclusive(0, 999) < self.mix.at_leader_pm
    }

    fn restart_after(&mut self) -> Time {
        if self.rng.range_inclusive(0, 999) < self.mix.quick_restart_pm {
            self.rng.range_inclusive(5, 60)
        } else {
            self.rng.range_inclusive(50, self.mix.down_ms.max(50))
        }
    }

    /// Draws the next primary event at `next_t` and plans what it does.
    fn draw(&mut self) {
        let t = self.next_t;
        let rates = self.mix.rates();
        let total: u64 = rates.iter().sum();
        let mut roll = self.rng.range_inclusive(0, total - 1);
        let mut kind = Kind::Load;
        for (k, r) in KINDS.iter().zip(rates) {
            if roll < r {
                kind = *k;
                break;
            }
            roll -= r;
        }
        let n = self.n;
        match kind {
            Kind::Load => {
                let everyone = self.rng.range_inclusive(0, 999) < self.mix.fan_out_pm;
                let nodes: Vec<NodeId> = if everyone {
                    (1..=n).collect()
                } else {
                    vec![self.pick()]
                };
                for node in nodes {
                    self.requests += 1;
                    if let Some(a) = command(self.load, node, self.requests) {
                        self.plan(t, Plan::Act(a));
                    }
                }
            }
            Kind::Perturb => {
                let node = self.pick();
                if let Some(a) = command(self.perturb, node, 0) {
                    self.plan(t, Plan::Act(a));
                }
            }
            Kind::Duel | Kind::Storm if n > 1 => {
                let a = self.pick();
                let b = self.other(a);
                for node in [a, b] {
                    if let Some(act) = command(self.perturb, node, 0) {
                        self.plan(t, Plan::Act(act));
                    }
                }
                if kind == Kind::Storm {
                    // The crash lands while votes or promises are in flight; the restart
                    // follows before the election or round is over.
                    let victim = self.pick();
                    let at = t + self.rng.range_inclusive(2, 30);
                    let after_ms = self.rng.range_inclusive(3, 40);
                    self.plan(
                        at,
                        Plan::Crash {
                            fallback: victim,
                            at_leader: false,
                            after_ms,
                        },
                    );
                }
            }
            Kind::Crash => {
                let fallback = self.pick();
                let at_leader = self.at_leader();
                let after_ms = self.restart_after();
                self.plan(
                    t,
                    Plan::Crash {
                        fallback,
                        at_leader,
                        after_ms,
                    },
                );
            }
            Kind::Partition if n > 1 => {
                let groups = partition(&mut self.rng, n);
                let heal = t + self.rng.range_inclusive(50, self.mix.partition_ms);
                self.plan(t, Plan::Act(Action::Partition { groups }));
                self.plan(heal, Plan::Act(Action::Heal));
            }
            Kind::Cut if n > 1 => {
                let from = self.pick();
                let to = self.other(from);
                let repair = t + self.rng.range_inclusive(50, self.mix.partition_ms);
                self.plan(t, Plan::Act(Action::Cut { from, to }));
                self.plan(repair, Plan::Act(Action::Repair { from, to }));
            }
            Kind::Strand if n > 1 => {
                for node in 1..=n {
                    self.requests += 1;
                    if let Some(a) = command(self.load, node, self.requests) {
                        self.plan(t, Plan::Act(a));
                    }
                }
                let fallback = self.pick();
                let with = (n > 3 && self.rng.chance(0.5)).then(|| self.other(fallback));
                let at_leader = self.at_leader();
                let at = t + self.rng.range_inclusive(1, 8);
                let after_ms = self.rng.range_inclusive(100, 800);
                let crash =
                    (self.rng.range_inclusive(0, 999) < self.mix.strand_crash_pm).then(|| {
                        (
                            self.rng.range_inclusive(5, 60),
                            self.rng.range_inclusive(100, 1_000),
                        )
                    });
                self.plan(
                    at,
                    Plan::Isolate {
                        fallback,
                        with,
                        at_leader,
                        after_ms,
                        crash,
                    },
                );
            }
            _ => {}
        }
        let mean = (20_000 / total).max(1);
        self.next_t = t + self.rng.range_inclusive(1, mean);
    }

    /// Draws primary events until the queue's head is settled: nothing drawn later can
    /// come before it.
    fn refill(&mut self) {
        let total: u64 = self.mix.rates().iter().sum();
        while total > 0
            && self.next_t < self.end
            // One draw plans at most a client action per node plus four more entries.
            && self.given + self.queue.len() + self.n as usize + 4 < self.room
            && self
                .queue
                .iter()
                .map(|(t, _, _)| *t)
                .min()
                .is_none_or(|head| self.next_t <= head)
        {
            self.draw();
        }
        if self.queue.is_empty() && !self.healed && self.room > 0 {
            // Every crash has its restart and every partition or cut its repair, all by
            // the calm end; a last heal makes sure the run finishes on a whole cluster.
            self.healed = true;
            self.plan(self.end, Plan::Act(Action::Heal));
        }
    }

    /// When the next action is due, if any is left.
    pub fn peek_time(&mut self) -> Option<Time> {
        self.refill();
        self.queue.iter().map(|(t, _, _)| *t).min()
    }

    /// The next action, its targets decided now: `leader` is the node leading at its
    /// time (`None`: none, or unknown). `None` when chaos is over.
    pub fn next(&mut self, leader: Option<NodeId>) -> Option<ScriptEntry> {
        loop {
            self.refill();
            let i = self
                .queue
                .iter()
                .enumerate()
                .min_by_key(|(_, (t, s, _))| (*t, *s))?
                .0;
            let (at, _, plan) = self.queue.remove(i);
            if let Some(action) = self.resolve(at, plan, leader) {
                self.given += 1;
                return Some(ScriptEntry { at_ms: at, action });
            }
        }
    }

    fn resolve(&mut self, at: Time, plan: Plan, leader: Option<NodeId>) -> Option<Action> {
        match plan {
            Plan::Act(action) => {
                if let Action::Restart { node } = action {
                    self.down[(node - 1) as usize] = false;
                }
                Some(action)
            }
            Plan::Crash {
                fallback,
                at_leader,
                after_ms,
            } => {
                let node = leader.filter(|_| at_leader).unwrap_or(fallback);
                let downs = self.down.iter().filter(|d| **d).count() as u32;
                if self.down[(node - 1) as usize] || downs >= self.mix.max_down {
                    return None;
                }
                self.down[(node - 1) as usize] = true;
                self.plan(at + after_ms, Plan::Act(Action::Restart { node }));
                Some(Action::Crash { node })
            }
            Plan::Isolate {
                fallback,
                with,
                at_leader,
                after_ms,
                crash,
            } => {
                let first = leader.filter(|_| at_leader).unwrap_or(fallback);
                let mut alone = vec![first];
                if let Some(w) = with.filter(|w| *w != first) {
                    alone.push(w);
                }
                self.plan(at + after_ms, Plan::Act(Action::Heal));
                if let Some((wait, down_ms)) = crash {
                    self.plan(
                        at + wait,
                        Plan::Crash {
                            fallback: first,
                            at_leader: false,
                            after_ms: down_ms,
                        },
                    );
                }
                Some(Action::Partition {
                    groups: vec![alone],
                })
            }
        }
    }
}

/// Adds one seed's chaos to `scenario`'s script, in time order, without running it (the
/// faults aimed at a leader hit a node drawn from the seed instead). Returns the mix.
pub fn add_chaos(scenario: &mut Scenario, until_ms: Time) -> Mix {
    let mut nemesis = Nemesis::new(scenario, until_ms);
    let mut added = Vec::new();
    while let Some(e) = nemesis.next(None) {
        added.push(e);
    }
    let mut script = std::mem::take(&mut scenario.script);
    script.extend(added);
    // A stable sort keeps the original order among entries at the same time.
    crate::sort::sort_by_key(&mut script, |e| e.at_ms);
    scenario.script = script;
    nemesis.mix
}

/// Runs `scenario` to `until_ms` under one seed's chaos, aiming faults at whoever leads
/// at their moment, and records every action in its script (so `scenario` is then the
/// failing run's exact reproduction). Returns the run and the mix.
pub fn run_chaos(scenario: &mut Scenario, until_ms: Time) -> (Box<dyn Run>, Mix) {
    let mut nemesis = Nemesis::new(scenario, until_ms);
    let mut run = protocols::build(scenario);
    while let Some(t) = nemesis.peek_time() {
        run.advance_to(t);
        let leader = leader_of(&*run);
        match nemesis.next(leader) {
            Some(e) => {
                run.act(e.action);
            }
            None => break,
        }
    }
    run.advance_to(until_ms);
    run.check_at_end();
    scenario.script = run.script().to_vec();
    (run, nemesis.mix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_chaos_and_another_seed_another_mix() {
        let base = Scenario::default();
        let mut a = base.clone();
        let mut b = base.clone();
        assert_eq!(add_chaos(&mut a, 20_000), add_chaos(&mut b, 20_000));
        assert_eq!(a, b);
        let mixes: Vec<Mix> = (0..20)
            .map(|seed| {
                let mut s = Scenario {
                    seed,
                    ..base.clone()
                };
                add_chaos(&mut s, 20_000)
            })
            .collect();
        assert!(mixes.windows(2).any(|w| w[0] != w[1]));
        // Swarm: some mixes leave crashes out entirely, others crash often.
        assert!(mixes.iter().any(|m| m.crash == 0));
        assert!(mixes.iter().any(|m| m.crash >= 40));
    }

    #[test]
    fn chaos_ends_on_a_whole_cluster_and_stays_within_the_script_limit() {
        let mut s = Scenario::default();
        add_chaos(&mut s, 3_000_000);
        assert!(s.script.len() <= limits::MAX_SCRIPT);
        assert!(s.script.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        let end = 3_000_000 - CALM_END_MS;
        assert!(s.script.iter().all(|e| e.at_ms <= end));
        assert_eq!(s.script.last().map(|e| &e.action), Some(&Action::Heal));
        for e in &s.script {
            if let Action::Partition { groups } = &e.action {
                let mut ids: Vec<u32> = groups.iter().flatten().copied().collect();
                crate::sort::sort(&mut ids);
                ids.dedup();
                assert_eq!(ids.len(), groups.iter().flatten().count());
            }
        }
    }

    #[test]
    fn a_chaos_run_is_reproduced_by_the_script_it_records() {
        for seed in 0..5 {
            let mut s = Scenario {
                seed,
                ..Scenario::default()
            };
            let (run, _) = run_chaos(&mut s, 8_000);
            let mut again = protocols::build(&s);
            again.advance_to(8_000);
            assert_eq!(again.trace_hash(), run.trace_hash(), "seed {seed}");
            assert_eq!(again.events(), run.events());
        }
    }
}
