//! Paxos's safety requirements (*Paxos Made Simple* §2.1) and the properties that ensure
//! them (§2.2: P1a, P2b), checked after every event, plus bounded progress.
//!
//! "Chosen" is computed from the acceptors, never from what learners say: a value is
//! chosen in a slot once a majority of acceptors have accepted it in one ballot (§2.2:
//! "a single proposal with that value has been accepted by a majority"). An acceptor that
//! later accepts a higher ballot still *has accepted* the earlier one, so the checker keeps
//! every acceptance it has seen, and a value once chosen stays chosen.
//!
//! The checks are incremental: a node lists the slots its last input changed, and only
//! those are looked at.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::ballot::{value_text, Ballot, Slot, Value, DECREE};
use super::node::PaxosNode;
use super::settings::PaxosSettings;
use crate::sim::quorum::majority;
use crate::sim::{format_ms, CheckEnv, Checker, Host, InvariantSpec, NodeId, Time};

/// §2.1: only a value that has been proposed may be chosen.
pub const VALIDITY: &str = "validity";
/// §2.1: only a single value is chosen (Multi-Paxos: per slot).
pub const AGREEMENT: &str = "agreement";
/// P1a: an acceptor can accept a proposal numbered n iff it has not responded to a prepare
/// request having a number greater than n.
pub const PROMISE_KEPT: &str = "promise_kept";
/// P2b: if a value is chosen, every higher-numbered proposal issued has that value.
pub const PROPOSAL_SAFETY: &str = "proposal_safety";
/// §2.3: a learner learns only a value that is chosen.
pub const LEARNED_IS_CHOSEN: &str = "learned_is_chosen";
/// §2.4: with the cluster whole, messages arriving by themselves and no command starting
/// new rounds, random retries end any duel and a value gets chosen (Multi-Paxos: a leader
/// emerges and its commands get chosen).
pub const PROGRESS: &str = "progress";

/// How many rounds (a retry delay plus the four message delays of phases 1 and 2) the
/// progress invariant allows once the cluster is whole and no command has started a round.
/// Measured: over 10,000 chaos seeds each of 5 s and 20 s runs, with default, short and
/// tight retry ranges, correct Paxos and Multi-Paxos were flagged a handful of times with
/// one round and never with two; eight leaves four times that margin, while duelling
/// proposers that never stop are still flagged within a second or two.
pub const PROGRESS_ROUNDS: u64 = 8;

/// Above this loss probability the progress invariant claims nothing: rounds fail so
/// often that any bound would be a guess.
pub const MAX_PROGRESS_LOSS: f64 = 0.5;

/// The invariants as the page lists them, with the paper's wording of each rule.
pub const INVARIANTS: &[InvariantSpec] = &[
    InvariantSpec {
        name: VALIDITY,
        title: "Validity",
        rule: "Only a value that has been proposed may be chosen (a client's command, or a \
               leader's no-op).",
        source: "Paxos Made Simple, §2.1",
    },
    InvariantSpec {
        name: AGREEMENT,
        title: "Agreement",
        rule: "Only a single value is chosen (Multi-Paxos: in each slot).",
        source: "Paxos Made Simple, §2.1",
    },
    InvariantSpec {
        name: PROMISE_KEPT,
        title: "Promise kept (P1a)",
        rule: "An acceptor can accept a proposal numbered n iff it has not responded to a \
               prepare request having a number greater than n.",
        source: "Paxos Made Simple, §2.2, P1a",
    },
    InvariantSpec {
        name: PROPOSAL_SAFETY,
        title: "Higher proposals keep the chosen value (P2b)",
        rule: "If a proposal with value v is chosen, then every higher-numbered proposal \
               issued by any proposer has value v.",
        source: "Paxos Made Simple, §2.2, P2b (ensured by P2c)",
    },
    InvariantSpec {
        name: LEARNED_IS_CHOSEN,
        title: "Learned is chosen",
        rule: "A learner learns a value only after it has been chosen.",
        source: "Paxos Made Simple, §2.3",
    },
    InvariantSpec {
        name: PROGRESS,
        title: "Progress",
        rule: "Once the cluster is whole, messages arrive by themselves and no command starts \
               new rounds, a proposed value is chosen within a few rounds (Multi-Paxos: a \
               leader emerges and its commands are chosen).",
        source: "Paxos Made Simple, §2.4",
    },
];

/// Checks the invariants after every event.
#[derive(Clone, Debug)]
pub struct PaxosChecker {
    size: u32,
    multi: bool,
    retry_hi: Option<Time>,
    heartbeat_ms: Time,
    /// Every proposal some acceptor has accepted, with the acceptors that did.
    accepted: BTreeMap<(Slot, Ballot, Value), BTreeSet<NodeId>>,
    /// Every value chosen per slot, in the order it was (more than one: agreement broke).
    chosen: BTreeMap<Slot, Vec<(Ballot, Value)>>,
    /// Every value a client asked a proposer to propose.
    proposed: BTreeSet<Rc<str>>,
    /// The highest ballot each acceptor ever promised, remembered here even if the
    /// acceptor forgets it.
    promised: Vec<Option<Ballot>>,
    /// Multi-Paxos: since when no node has led with a ballot every running node accepts.
    leaderless_since: Option<Time>,
    /// When a command (a client's request, a timeout) last started a round.
    kicked_at: Option<Time>,
}

fn in_slot(slot: Slot) -> String {
    match slot {
        DECREE => String::new(),
        s => format!(" in slot {s}"),
    }
}

impl PaxosChecker {
    /// A stable leader: a running node leading with a ballot no running node has
    /// promised above (a leader cut off and replaced does not count).
    fn stable_leader(hosts: &[Host<PaxosNode>]) -> Option<&Host<PaxosNode>> {
        hosts.iter().filter(|h| h.up).find(|h| {
            h.node.leading().is_some_and(|b| {
                hosts
                    .iter()
                    .filter(|o| o.up)
                    .all(|o| o.node.promised().is_none_or(|p| p <= b))
            })
        })
    }

    /// How long the cluster may go without progress once it is whole: a number of
    /// rounds, each a retry delay, the four message delays of phases 1 and 2 and (Multi-
    /// Paxos) a heartbeat. On a lossy network a round succeeds only when its messages
    /// arrive, so the rounds allowed grow with the odds against four hops in a row
    /// arriving; past [`MAX_PROGRESS_LOSS`] no bound is claimed.
    fn bound(&self, retry_hi: Time, env: &CheckEnv) -> Option<Time> {
        if env.loss > MAX_PROGRESS_LOSS {
            return None;
        }
        let heartbeat = if self.multi { self.heartbeat_ms } else { 0 };
        let round = retry_hi + 4 * env.max_latency_ms + heartbeat;
        // Plain IEEE arithmetic only (no `powi`), so the bound, and any violation's time,
        // is the same natively and in WebAssembly.
        let one = 1.0 - env.loss;
        let arrive = one * one * one * one;
        Some((PROGRESS_ROUNDS as f64 * round as f64 / arrive).ceil() as Time)
    }

    /// `value` was accepted (or is being proposed) in `ballot`: P2b says it must be the
    /// value chosen in any lower or equal ballot of its slot.
    fn check_p2b(
        &self,
        who: &str,
        slot: Slot,
        ballot: Ballot,
        value: &Value,
        report: &mut dyn FnMut(&'static str, String),
    ) {
        let Some(chosen) = self.chosen.get(&slot) else {
            return;
        };
        if let Some((b, v)) = chosen.iter().find(|(b, v)| *b <= ballot && v != value) {
            report(
                PROPOSAL_SAFETY,
                format!(
                    "{who} {}{} in ballot {ballot}, but {} was chosen in ballot {b}: every \
                     higher-numbered proposal must carry the chosen value (P2b).",
                    value_text(value),
                    in_slot(slot),
                    value_text(v)
                ),
            );
        }
    }

    /// A majority has just accepted `value` in `ballot`: it is chosen.
    fn chose(
        &mut self,
        slot: Slot,
        ballot: Ballot,
        value: &Value,
        report: &mut dyn FnMut(&'static str, String),
    ) {
        let proposed = match value {
            Some(v) => self.proposed.contains(v),
            None => self.multi,
        };
        if !proposed {
            report(
                VALIDITY,
                format!(
                    "{} was chosen{} in ballot {ballot}, but no client proposed it.",
                    value_text(value),
                    in_slot(slot)
                ),
            );
        }
        let chosen = self.chosen.entry(slot).or_default();
        if let Some((b, v)) = chosen.iter().find(|(_, v)| v != value) {
            report(
                AGREEMENT,
                format!(
                    "Two values were chosen{}: {} in ballot {b} and {} in ballot {ballot}.",
                    in_slot(slot),
                    value_text(v),
                    value_text(value)
                ),
            );
        }
        if !chosen.iter().any(|(_, v)| v == value) {
            chosen.push((ballot, value.clone()));
        }
        // Proposals already accepted in higher ballots must carry this value too.
        let later = self
            .accepted
            .range((slot, ballot, None)..)
            .take_while(|((s, _, _), _)| *s == slot)
            .find(|((_, _, v), _)| v != value);
        if let Some(((_, b, v), who)) = later {
            let who = who.iter().next().copied().unwrap_or(0);
            report(
                PROPOSAL_SAFETY,
                format!(
                    "{} was chosen{} in ballot {ballot}, but S{who} had accepted {} in the \
                     higher ballot {b}: every higher-numbered proposal must carry the chosen \
                     value (P2b).",
                    value_text(value),
                    in_slot(slot),
                    value_text(v)
                ),
            );
        }
    }

    /// Bounded progress (§2.4): once the cluster is whole and messages arrive by
    /// themselves, a round that nobody preempts succeeds within a known time, and random
    /// retries make preemption die out within a few rounds.
    fn check_progress(
        &mut self,
        hosts: &[Host<PaxosNode>],
        env: &CheckEnv,
        report: &mut dyn FnMut(&'static str, String),
    ) {
        let Some(retry_hi) = self.retry_hi else {
            return; // Rounds start only by hand: nothing promises progress.
        };
        let leader = if self.multi {
            let leader = Self::stable_leader(hosts);
            match leader {
                Some(_) => self.leaderless_since = None,
                None => {
                    self.leaderless_since.get_or_insert(env.now);
                }
            }
            leader
        } else {
            None
        };
        let (Some(whole), true, Some(bound)) =
            (env.whole_since, env.auto_network, self.bound(retry_hi, env))
        else {
            return;
        };
        let late = |since: Time| env.now >= since.max(whole) + bound;
        let (whole, bound) = (format_ms(whole), format_ms(bound));
        if !self.multi {
            if self.chosen.contains_key(&DECREE) {
                return;
            }
            // The proposers still trying when the last command started a round (a client
            // storm starts new duels faster than any backoff can end them): from then on
            // they are on their own, and random retries must end their duel.
            let kicked = self.kicked_at.unwrap_or(0);
            let oldest = hosts
                .iter()
                .filter(|h| h.up)
                .filter_map(|h| h.node.trying_since().map(|t| (t, h.id)))
                .min();
            if let Some((t, id)) = oldest.filter(|(t, _)| late(kicked.max(*t))) {
                report(
                    PROGRESS,
                    format!(
                        "Nothing is chosen, though S{id} has been trying since {}, the cluster \
                         has been whole since {whole} and no command has started a round since \
                         {}: after {bound} the proposers still preempt each other.",
                        format_ms(t),
                        format_ms(kicked)
                    ),
                );
            }
            return;
        }
        match leader {
            None => {
                if let Some(since) = self.leaderless_since.filter(|t| late(*t)) {
                    report(
                        PROGRESS,
                        format!(
                            "No node has led since {}, though the cluster has been whole since \
                             {whole}: after {bound} the candidates still preempt each other.",
                            format_ms(since)
                        ),
                    );
                }
            }
            Some(l) => {
                let stuck = l
                    .node
                    .proposals()
                    .iter()
                    .find(|(slot, p)| late(p.since) && !self.chosen.contains_key(slot));
                if let Some((slot, p)) = stuck {
                    report(
                        PROGRESS,
                        format!(
                            "Leader S{} proposed {} for slot {slot} at {} and the cluster has \
                             been whole since {whole}, yet after {bound} it is not chosen.",
                            l.id,
                            value_text(&p.value),
                            format_ms(p.since)
                        ),
                    );
                }
            }
        }
    }
}

impl Checker<PaxosNode> for PaxosChecker {
    const INVARIANTS: &'static [InvariantSpec] = INVARIANTS;

    fn new(nodes: u32, settings: &PaxosSettings) -> Self {
        PaxosChecker {
            size: nodes,
            multi: settings.multi,
            retry_hi: settings.retry_ms.map(|(_, hi)| hi),
            heartbeat_ms: settings.heartbeat_ms,
            accepted: BTreeMap::new(),
            chosen: BTreeMap::new(),
            proposed: BTreeSet::new(),
            promised: vec![None; nodes as usize],
            leaderless_since: None,
            kicked_at: None,
        }
    }

    fn check(
        &mut self,
        hosts: &[Host<PaxosNode>],
        touched: NodeId,
        env: &CheckEnv,
        report: &mut dyn FnMut(&'static str, String),
    ) {
        let i = (touched - 1) as usize;
        let node = &hosts[i].node;
        // A client's value is proposed the moment a proposer takes it, before it could
        // be accepted anywhere.
        if let Some(v) = node.taken() {
            self.proposed.insert(Rc::clone(v));
        }
        if node.kicked() {
            self.kicked_at = Some(env.now);
        }

        // New acceptances: P1a against every promise the acceptor ever made, P2b against
        // what is chosen, and whether a majority now makes a value chosen.
        let promised_before = self.promised[i];
        let majority = majority(self.size) as usize;
        for &slot in node.changed() {
            let Some(state) = node.slots().get(&slot) else {
                continue;
            };
            if let Some((ballot, value)) = &state.accepted {
                let acceptors = self
                    .accepted
                    .entry((slot, *ballot, value.clone()))
                    .or_default();
                if acceptors.insert(touched) {
                    let count = acceptors.len();
                    if let Some(p) = promised_before.filter(|p| ballot < p) {
                        report(
                            PROMISE_KEPT,
                            format!(
                                "S{touched} accepted ballot {ballot}{} after promising ballot \
                                 {p}: an acceptor must not accept a proposal numbered below a \
                                 prepare request it answered (P1a).",
                                in_slot(slot)
                            ),
                        );
                    }
                    self.check_p2b(
                        &format!("S{touched} accepted"),
                        slot,
                        *ballot,
                        value,
                        report,
                    );
                    if count == majority {
                        self.chose(slot, *ballot, value, report);
                    }
                }
            }
        }
        self.promised[i] = promised_before.max(node.promised());

        // What its learner knows must be chosen.
        for &slot in node.changed() {
            let Some(learned) = node.learned(slot) else {
                continue;
            };
            let chosen = self
                .chosen
                .get(&slot)
                .is_some_and(|c| c.iter().any(|(_, v)| v == learned));
            if !chosen {
                report(
                    LEARNED_IS_CHOSEN,
                    format!(
                        "S{touched} learned {}{}, but no majority of acceptors has accepted it \
                         in one ballot.",
                        value_text(learned),
                        in_slot(slot)
                    ),
                );
            }
        }

        // What it proposes must agree with what is chosen (P2b, at issue time).
        if let (Some(ballot), super::note::Phase::Two) = (node.ballot(), node.phase()) {
            for (slot, p) in node.proposals() {
                self.check_p2b(
                    &format!("S{touched} proposes"),
                    *slot,
                    ballot,
                    &p.value,
                    report,
                );
            }
        }

        self.check_progress(hosts, env, report);
    }
}
