//! One Paxos node, proposer, acceptor and learner at once, as a pure state machine
//! (Lamport, *Paxos Made Simple*, §2.2–2.3; Multi-Paxos as its §3 sketches it).
//!
//! A node's messages to itself are handled at once, without the network: its own acceptor
//! answers its own proposer the moment the proposer asks. So the proposer's ballot is
//! always promised by its own acceptor first, and since that promise is stable storage, a
//! restarted proposer never reissues a ballot it used before (§2.2: a proposer must never
//! "try to issue another proposal with the same number").
//!
//! Learning (§2.3, the first way): every acceptor sends its Accepted to every node, and a
//! learner learns a value once a majority of acceptors accepted it in one ballot. A
//! Multi-Paxos follower that missed some (it was down, or cut off) asks the leader, whose
//! heartbeat says how far it has learned, and gets the chosen values in a Decide.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde_json::{json, Value as Json};

use super::ballot::{value_json, Ballot, Slot, Value, DECREE};
use super::invariants::PaxosChecker;
use super::message::{PaxosMessage, Refusal, Report};
use super::note::{PaxosNote, PaxosTimer, Phase, Source, Why};
use super::settings::{Mutation, PaxosSettings};
use super::spec::{REQUEST, TIMEOUT};
use crate::sim::id_map::IdMap;
use crate::sim::quorum::majority;
use crate::sim::{Command, Ctx, MarkKind, Node, NodeId, Time, Topic};

/// How many chosen values one Decide carries at most, so a far-behind follower catches up
/// in visible steps rather than one giant message.
pub const MAX_DECIDE: usize = 16;

/// The settings a node consults, copied out of [`PaxosSettings`] so a node clones cheaply.
#[derive(Clone, Copy, Debug)]
struct Config {
    multi: bool,
    retry_ms: Option<(u64, u64)>,
    heartbeat_ms: u64,
    accept_below_promise: bool,
    ignore_accepted_value: bool,
    forget_promise: bool,
    fixed_retry: bool,
}

/// What one acceptor, and the learner beside it, hold for one slot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SlotState {
    /// The proposal it accepted last, which is its highest-numbered one (stable storage).
    pub accepted: Option<(Ballot, Value)>,
    /// The value its learner knows is chosen. Kept with the acceptor's stable storage: a
    /// chosen value never changes, so remembering it is always safe.
    pub learned: Option<Value>,
}

/// A value the proposer (Multi-Paxos: the leader) is getting accepted in phase 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The value.
    pub value: Value,
    /// When it was first proposed (for the progress invariant).
    pub since: Time,
    /// When its Accept was last sent (the leader resends unacknowledged ones).
    sent_at: Time,
}

/// A Paxos node.
#[derive(Clone, Debug)]
pub struct PaxosNode {
    id: NodeId,
    size: u32,
    config: Config,
    // ----- acceptor: stable storage, survives a crash -----
    /// The highest ballot it promised (Multi-Paxos: one promise for every slot).
    promised: Option<Ballot>,
    /// Per slot: the accepted proposal, and the learned value.
    slots: IdMap<SlotState>,
    /// Multi-Paxos: every slot from 1 up to this one is learned.
    learned_upto: Slot,
    /// Counts changes to acceptor and learner state (the page redraws only on change).
    version: u64,
    // ----- learner, volatile -----
    /// Who has said Accepted for each (slot, ballot, value) not yet learned.
    tallies: BTreeMap<(Slot, Ballot, Value), BTreeSet<NodeId>>,
    // ----- proposer, volatile -----
    phase: Phase,
    /// Its current (or last) ballot.
    ballot: Option<Ballot>,
    /// The highest round in any ballot it has seen: its next ballot goes above it.
    highest_round: u64,
    /// Who promised its ballot in phase 1.
    promises: BTreeSet<NodeId>,
    /// Per slot, the highest-numbered proposal the promises reported.
    reported: IdMap<(Ballot, Value)>,
    /// Multi-Paxos: the first slot its phase 1 asked about.
    prepare_from: Slot,
    /// Values in phase 2 not yet known chosen, by slot.
    proposals: IdMap<Proposal>,
    /// Single decree: the client's value it was asked to propose, and since when.
    own: Option<(Rc<str>, Time)>,
    /// Multi-Paxos leader: the next slot for a client's command.
    next_slot: Slot,
    /// Multi-Paxos: the leader it follows (itself when it leads).
    leader_id: Option<NodeId>,
    /// Set by a crash under `forget_promise`, so the restart can say what was lost.
    forgot: bool,
    // ----- what the last input did, for the checker -----
    /// Slots whose acceptor or learner state the last input changed.
    changed: Vec<Slot>,
    /// The client's value the last input took as a proposal, if it did.
    taken: Option<Rc<str>>,
    /// True when the last input was a command that started a round (a client's request
    /// or a timeout): outside interference, which the progress invariant waits out.
    kicked: bool,
}

impl PaxosNode {
    // ----- what the page and the checker read -----

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// True in a Multi-Paxos cluster.
    pub fn multi(&self) -> bool {
        self.config.multi
    }
    /// The highest ballot its acceptor promised (stable storage).
    pub fn promised(&self) -> Option<Ballot> {
        self.promised
    }
    /// Its acceptor and learner state, by slot.
    pub fn slots(&self) -> &IdMap<SlotState> {
        &self.slots
    }
    /// The single decree's accepted proposal.
    pub fn accepted(&self) -> Option<&(Ballot, Value)> {
        self.slots.get(&DECREE)?.accepted.as_ref()
    }
    /// What its learner knows is chosen in `slot`.
    pub fn learned(&self, slot: Slot) -> Option<&Value> {
        self.slots.get(&slot)?.learned.as_ref()
    }
    /// Multi-Paxos: every slot up to this one is learned.
    pub fn learned_upto(&self) -> Slot {
        self.learned_upto
    }
    /// Changes whenever acceptor or learner state changes.
    pub fn version(&self) -> u64 {
        self.version
    }
    /// Its proposer's phase (Multi-Paxos: follower, candidate, leader).
    pub fn phase(&self) -> Phase {
        self.phase
    }
    /// Its proposer's current (or last) ballot.
    pub fn ballot(&self) -> Option<Ballot> {
        self.ballot
    }
    /// Multi-Paxos: its ballot, while it leads.
    pub fn leading(&self) -> Option<Ballot> {
        self.ballot
            .filter(|_| self.config.multi && self.phase == Phase::Two)
    }
    /// Who has promised its ballot, in phase 1.
    pub fn promises(&self) -> Vec<NodeId> {
        self.promises.iter().copied().collect()
    }
    /// The highest-numbered proposal the promises reported for `slot` so far.
    pub fn reported(&self, slot: Slot) -> Option<&(Ballot, Value)> {
        self.reported.get(&slot)
    }
    /// Values in phase 2 not yet known chosen, by slot.
    pub fn proposals(&self) -> &IdMap<Proposal> {
        &self.proposals
    }
    /// Who has said Accepted for `value` in `slot` and `ballot`, as far as its learner
    /// counted (it stops counting once it learns the slot).
    pub fn acceptances(&self, slot: Slot, ballot: Ballot, value: &Value) -> Vec<NodeId> {
        self.tallies
            .get(&(slot, ballot, value.clone()))
            .map_or(Vec::new(), |s| s.iter().copied().collect())
    }
    /// Single decree: the client's value it is proposing.
    pub fn own_value(&self) -> Option<&Rc<str>> {
        self.own.as_ref().map(|(v, _)| v)
    }
    /// Single decree: since when it has been trying to get its client's value chosen,
    /// while it still is (it has a value and has learned nothing).
    pub fn trying_since(&self) -> Option<Time> {
        self.own.as_ref().filter(|_| self.trying()).map(|(_, t)| *t)
    }
    /// Multi-Paxos: the next slot for a client's command, while it leads.
    pub fn next_slot(&self) -> Option<Slot> {
        self.leading().map(|_| self.free_slot())
    }
    /// Multi-Paxos: the leader it follows (itself when it leads).
    pub fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }
    /// Slots whose acceptor or learner state the last input changed.
    pub fn changed(&self) -> &[Slot] {
        &self.changed
    }
    /// The client's value the last input took as a proposal, if it did.
    pub fn taken(&self) -> Option<&Rc<str>> {
        self.taken.as_ref()
    }
    /// True when the last input was a command that started a round.
    pub fn kicked(&self) -> bool {
        self.kicked
    }

    // ----- helpers -----

    fn majority(&self) -> usize {
        majority(self.size) as usize
    }

    fn peers(&self) -> impl Iterator<Item = NodeId> {
        let me = self.id;
        (1..=self.size).filter(move |p| *p != me)
    }

    fn is_learned(&self, slot: Slot) -> bool {
        self.learned(slot).is_some()
    }

    /// Single decree: it has a client's value and has not learned any value chosen.
    fn trying(&self) -> bool {
        self.own.is_some() && !self.is_learned(DECREE)
    }

    /// The first slot from `next_slot` on its learner does not already know.
    fn free_slot(&self) -> Slot {
        let mut s = self.next_slot;
        while self.is_learned(s) {
            s += 1;
        }
        s
    }

    fn see(&mut self, b: Ballot) {
        self.highest_round = self.highest_round.max(b.round);
    }

    fn slot_mut(&mut self, slot: Slot) -> &mut SlotState {
        self.version += 1;
        self.changed.push(slot);
        self.slots.get_or_default(slot)
    }

    /// Arms the retry timer with a delay drawn from `retry_ms` (the lower bound under
    /// `fixed_retry`), or disarms it when retries are manual. Returns the delay.
    fn arm_retry(&mut self, ctx: &mut Ctx<'_, Self>) -> Option<Time> {
        match self.config.retry_ms {
            Some((lo, hi)) => {
                let after = if self.config.fixed_retry {
                    lo
                } else {
                    ctx.rng().range_inclusive(lo, hi)
                };
                ctx.set_timer(PaxosTimer::Retry, after);
                Some(after)
            }
            None => {
                ctx.cancel_timer(PaxosTimer::Retry);
                None
            }
        }
    }

    /// Sends `msg` to `to`; a message to itself is handled at once.
    fn send(&mut self, ctx: &mut Ctx<'_, Self>, to: NodeId, msg: PaxosMessage) {
        if to == self.id {
            self.handle(ctx, to, msg);
        } else {
            ctx.send(to, msg);
        }
    }

    /// Sends `msg` to every node, itself last (so its own answer cannot run ahead of the
    /// messages to the others).
    fn broadcast(&mut self, ctx: &mut Ctx<'_, Self>, msg: PaxosMessage) {
        for peer in self.peers() {
            ctx.send(peer, msg.clone());
        }
        self.handle(ctx, self.id, msg);
    }

    fn handle(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: PaxosMessage) {
        match msg {
            PaxosMessage::Prepare { ballot, from: s } => self.on_prepare(ctx, from, ballot, s),
            PaxosMessage::Promise {
                ballot, accepted, ..
            } => self.on_promise(ctx, from, ballot, accepted),
            PaxosMessage::Nack {
                ballot, promised, ..
            } => self.on_nack(ctx, ballot, promised),
            PaxosMessage::Accept {
                ballot,
                slot,
                value,
            } => self.on_accept(ctx, from, ballot, slot, value),
            PaxosMessage::Accepted {
                ballot,
                slot,
                value,
            } => self.on_accepted(ctx, from, ballot, slot, value),
            PaxosMessage::Heartbeat {
                ballot,
                learned_upto,
            } => self.on_heartbeat(ctx, from, ballot, learned_upto),
            PaxosMessage::CatchUp { from: first } => self.on_catch_up(ctx, from, first),
            PaxosMessage::Decide { first, values } => self.on_decide(ctx, first, values),
        }
    }

    /// Clears what the last input did, before handling the next.
    fn begin(&mut self) {
        self.changed.clear();
        self.taken = None;
        self.kicked = false;
    }

    // ----- proposer -----

    /// §2.2 phase 1a: pick a ballot above every ballot seen and send Prepare to every
    /// acceptor (Multi-Paxos: for every slot it has not learned).
    fn start_round(&mut self, ctx: &mut Ctx<'_, Self>, why: Why) {
        let ballot = Ballot::new(self.highest_round + 1, self.id);
        self.see(ballot);
        self.ballot = Some(ballot);
        self.phase = Phase::One;
        self.promises.clear();
        self.reported.clear();
        self.proposals.clear();
        let multi = self.config.multi;
        if multi {
            self.leader_id = None;
            ctx.cancel_timer(PaxosTimer::Heartbeat);
        }
        self.prepare_from = if multi { self.learned_upto + 1 } else { DECREE };
        ctx.note(PaxosNote::StartedRound { ballot, why, multi });
        // The round's deadline: no majority by then, and it tries again. A single-decree
        // round without a client's value is a one-off (there is nothing to retry for).
        if multi || self.trying() {
            self.arm_retry(ctx);
        }
        let from = self.prepare_from;
        self.broadcast(ctx, PaxosMessage::Prepare { ballot, from });
    }

    fn on_promise(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        ballot: Ballot,
        reports: Vec<Report>,
    ) {
        for r in &reports {
            self.see(r.ballot);
        }
        if self.phase != Phase::One || self.ballot != Some(ballot) {
            return; // A late promise for a round already over.
        }
        self.promises.insert(from);
        for r in reports {
            let higher = self
                .reported
                .get(&r.slot)
                .is_none_or(|(b, _)| r.ballot > *b);
            if higher {
                self.reported.insert(r.slot, (r.ballot, r.value));
            }
        }
        if self.promises.len() >= self.majority() {
            if self.config.multi {
                self.become_leader(ctx, ballot);
            } else {
                self.won_decree(ctx, ballot);
            }
        }
    }

    /// §2.2 phase 2a: propose the value of the highest-numbered proposal the promises
    /// reported (P2c), or, if none did, the client's value.
    fn won_decree(&mut self, ctx: &mut Ctx<'_, Self>, ballot: Ballot) {
        ctx.note(PaxosNote::Won {
            ballot,
            multi: false,
        });
        let reported = self.reported.get(&DECREE).cloned();
        let own = self.own.as_ref().map(|(v, _)| Some(Rc::clone(v)));
        let (value, source) = match (reported, own) {
            (Some((b, theirs)), Some(mine)) if self.config.ignore_accepted_value => (
                mine,
                Source::Ignored {
                    ballot: b,
                    value: theirs,
                },
            ),
            (Some((b, theirs)), _) => (theirs, Source::Adopted { ballot: b }),
            (None, Some(mine)) => (mine, Source::Own),
            (None, None) => {
                ctx.note(PaxosNote::NothingToPropose { ballot });
                self.phase = Phase::Idle;
                return;
            }
        };
        self.phase = Phase::Two;
        self.propose(ctx, ballot, DECREE, value, source);
    }

    /// Multi-Paxos (§3): phase 1 won for every slot from `prepare_from` on. Re-propose, in
    /// this ballot, the highest-numbered value reported for each slot it has not learned,
    /// fill the slots nobody reported with no-ops, and take new commands after them.
    fn become_leader(&mut self, ctx: &mut Ctx<'_, Self>, ballot: Ballot) {
        self.phase = Phase::Two;
        self.leader_id = Some(self.id);
        ctx.cancel_timer(PaxosTimer::Retry);
        ctx.note(PaxosNote::Won {
            ballot,
            multi: true,
        });
        let from = self.prepare_from;
        let last = self
            .reported
            .keys()
            .chain(self.slots.keys())
            .copied()
            .max()
            .unwrap_or(0)
            .max(from - 1);
        if self.config.ignore_accepted_value {
            // The bug: the log past what it learned is treated as empty, so new commands
            // go into slots that may already have a value chosen.
            self.next_slot = from;
        } else {
            for slot in from..=last {
                if self.is_learned(slot) {
                    continue;
                }
                match self.reported.get(&slot).cloned() {
                    Some((b, v)) => {
                        self.propose(ctx, ballot, slot, v, Source::Adopted { ballot: b })
                    }
                    None => self.propose(ctx, ballot, slot, None, Source::NoOp),
                }
                if self.phase != Phase::Two {
                    return; // Its own acceptor turned a proposal down: it stepped down.
                }
            }
            self.next_slot = last + 1;
        }
        self.heartbeat(ctx, false);
    }

    /// Phase 2a for one slot: send Accept to every acceptor.
    fn propose(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        ballot: Ballot,
        slot: Slot,
        value: Value,
        source: Source,
    ) {
        ctx.note(PaxosNote::Proposing {
            ballot,
            slot,
            value: value.clone(),
            source,
        });
        let now = ctx.now();
        self.proposals.insert(
            slot,
            Proposal {
                value: value.clone(),
                since: now,
                sent_at: now,
            },
        );
        self.broadcast(
            ctx,
            PaxosMessage::Accept {
                ballot,
                slot,
                value,
            },
        );
    }

    /// A higher ballot ended its round (or its leadership).
    fn on_nack(&mut self, ctx: &mut Ctx<'_, Self>, ballot: Ballot, promised: Ballot) {
        self.see(promised);
        if self.phase == Phase::Idle || self.ballot != Some(ballot) {
            return; // About a round already over.
        }
        self.give_up(ctx, promised);
    }

    /// Ends the current round because of `by`, a higher ballot: a single-decree proposer
    /// still trying retries after a drawn delay; a Multi-Paxos candidate or leader becomes
    /// a follower, whose retry timer is its wait for a leader.
    fn give_up(&mut self, ctx: &mut Ctx<'_, Self>, by: Ballot) {
        let Some(ballot) = self.ballot else { return };
        let was_leader = self.config.multi && self.phase == Phase::Two;
        self.phase = Phase::Idle;
        self.promises.clear();
        self.reported.clear();
        self.proposals.clear();
        if self.config.multi {
            self.leader_id = None;
            ctx.cancel_timer(PaxosTimer::Heartbeat);
        }
        let retry_in = if self.config.multi || self.trying() {
            self.arm_retry(ctx)
        } else {
            // Nothing to retry for: no client's value, or one is already known chosen.
            self.own = None;
            ctx.cancel_timer(PaxosTimer::Retry);
            None
        };
        ctx.note(PaxosNote::Preempted {
            ballot,
            by,
            leader: was_leader,
            multi: self.config.multi,
            retry_in,
        });
    }

    /// Multi-Paxos: a message from the leader of `ballot` (no lower than its promise).
    fn follow(&mut self, ctx: &mut Ctx<'_, Self>, ballot: Ballot) {
        if self.phase != Phase::Idle && self.ballot.is_some_and(|b| b < ballot) {
            self.give_up(ctx, ballot);
        }
        if self.phase == Phase::Idle {
            if self.leader_id != Some(ballot.node) {
                self.leader_id = Some(ballot.node);
                ctx.note(PaxosNote::Follows {
                    leader: ballot.node,
                    ballot,
                });
            }
            self.arm_retry(ctx);
        }
    }

    /// The leader's heartbeat: tell every follower it leads and how far it has learned,
    /// and (on the timer, `resend`) send again the Accepts no Accepted has answered.
    fn heartbeat(&mut self, ctx: &mut Ctx<'_, Self>, resend: bool) {
        let Some(ballot) = self.leading() else { return };
        for peer in self.peers() {
            ctx.send(
                peer,
                PaxosMessage::Heartbeat {
                    ballot,
                    learned_upto: self.learned_upto,
                },
            );
        }
        if resend {
            let now = ctx.now();
            let due = now.saturating_sub(self.config.heartbeat_ms);
            let mut again = Vec::new();
            for (slot, p) in &mut self.proposals {
                if p.sent_at > due {
                    continue; // Sent recently: its answers may still be on the way.
                }
                p.sent_at = now;
                let heard = self.tallies.get(&(*slot, ballot, p.value.clone()));
                for peer in (1..=self.size).filter(|n| *n != self.id) {
                    if heard.is_none_or(|h| !h.contains(&peer)) {
                        again.push((peer, *slot, p.value.clone()));
                    }
                }
            }
            for (peer, slot, value) in again {
                ctx.send(
                    peer,
                    PaxosMessage::Accept {
                        ballot,
                        slot,
                        value,
                    },
                );
            }
        }
        ctx.set_timer(PaxosTimer::Heartbeat, self.config.heartbeat_ms);
    }

    /// Single decree: its round is over (its value, or another, is known chosen).
    fn round_over(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.phase = Phase::Idle;
        self.own = None;
        self.proposals.clear();
        ctx.cancel_timer(PaxosTimer::Retry);
    }

    // ----- acceptor -----

    /// §2.2 phase 1b: promise a ballot at least as high as any promised before, reporting
    /// every accepted proposal (from slot `from` on); reject a lower one. (A ballot equal
    /// to the promise is a repeated request, answered again.)
    fn on_prepare(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, ballot: Ballot, first: Slot) {
        self.see(ballot);
        if let Some(p) = self.promised.filter(|p| ballot < *p) {
            ctx.note(PaxosNote::Rejected {
                what: "Prepare",
                ballot,
                from,
                promised: p,
            });
            let nack = PaxosMessage::Nack {
                ballot,
                promised: p,
                refused: Refusal::Prepare,
            };
            return self.send(ctx, from, nack);
        }
        self.promised = Some(ballot);
        self.version += 1;
        let accepted: Vec<Report> = self
            .slots
            .range_from(first)
            .filter_map(|(slot, st)| {
                st.accepted.as_ref().map(|(b, v)| Report {
                    slot: *slot,
                    ballot: *b,
                    value: v.clone(),
                })
            })
            .collect();
        let highest = accepted
            .iter()
            .max_by_key(|r| r.ballot)
            .map(|r| (r.ballot, r.value.clone()));
        ctx.note(PaxosNote::Promised {
            ballot,
            to: from,
            reported: accepted.len() as u64,
            highest,
        });
        if self.config.multi && from != self.id {
            if self.phase != Phase::Idle && self.ballot.is_some_and(|b| b < ballot) {
                // Its own acceptor now refuses its ballot: it cannot lead with it.
                self.give_up(ctx, ballot);
            } else if self.phase == Phase::Idle {
                // Give the candidate time to win before trying to lead itself.
                self.arm_retry(ctx);
            }
        }
        self.send(
            ctx,
            from,
            PaxosMessage::Promise {
                ballot,
                from: first,
                accepted,
            },
        );
    }

    /// §2.2 phase 2b (P1a): accept unless it promised a higher ballot, and tell every
    /// learner (§2.3).
    fn on_accept(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        value: Value,
    ) {
        self.see(ballot);
        let below = self.promised.filter(|p| ballot < *p);
        match below {
            Some(p) if !self.config.accept_below_promise => {
                ctx.note(PaxosNote::Rejected {
                    what: "Accept",
                    ballot,
                    from,
                    promised: p,
                });
                let nack = PaxosMessage::Nack {
                    ballot,
                    promised: p,
                    refused: Refusal::Accept { slot },
                };
                return self.send(ctx, from, nack);
            }
            Some(_) => {}
            // Accepting a ballot is answering it: the promise rises to it.
            None => self.promised = Some(ballot),
        }
        self.slot_mut(slot).accepted = Some((ballot, value.clone()));
        ctx.note(PaxosNote::Accepted {
            ballot,
            slot,
            value: value.clone(),
            below,
        });
        if self.config.multi && from != self.id && below.is_none() {
            self.follow(ctx, ballot);
        }
        self.broadcast(
            ctx,
            PaxosMessage::Accepted {
                ballot,
                slot,
                value,
            },
        );
    }

    /// Multi-Paxos: a heartbeat of a leader whose ballot is below its promise is rejected,
    /// so that leader learns it was replaced; any other is followed, and a follower that
    /// has learned less than the leader asks for the rest.
    fn on_heartbeat(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        ballot: Ballot,
        learned_upto: Slot,
    ) {
        self.see(ballot);
        if let Some(p) = self.promised.filter(|p| ballot < *p) {
            ctx.note(PaxosNote::Rejected {
                what: "Heartbeat",
                ballot,
                from,
                promised: p,
            });
            let nack = PaxosMessage::Nack {
                ballot,
                promised: p,
                refused: Refusal::Heartbeat,
            };
            return self.send(ctx, from, nack);
        }
        self.follow(ctx, ballot);
        if self.learned_upto < learned_upto {
            let first = self.learned_upto + 1;
            ctx.send(from, PaxosMessage::CatchUp { from: first });
        }
    }

    // ----- learner -----

    /// §2.3: count Accepted per slot and ballot; a majority means the value is chosen.
    /// Its own proposal's count goes on after it learned (a single-decree round rerun on a
    /// decided value ends when a majority accepts it again).
    fn on_accepted(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        value: Value,
    ) {
        self.see(ballot);
        let mine = self.phase == Phase::Two
            && self.ballot == Some(ballot)
            && self.proposals.get(&slot).is_some_and(|p| p.value == value);
        if self.is_learned(slot) && !mine {
            return;
        }
        let heard = self
            .tallies
            .entry((slot, ballot, value.clone()))
            .or_default();
        heard.insert(from);
        if heard.len() < self.majority() {
            return;
        }
        self.tallies.retain(|(s, _, _), _| *s != slot);
        if !self.is_learned(slot) {
            self.learn(ctx, slot, Some(ballot), value);
        } else if !self.config.multi {
            self.round_over(ctx);
        }
        self.proposals.remove(&slot);
    }

    fn learn(&mut self, ctx: &mut Ctx<'_, Self>, slot: Slot, ballot: Option<Ballot>, value: Value) {
        ctx.note(PaxosNote::Learned {
            slot,
            ballot,
            value: value.clone(),
            own: ballot.is_some_and(|b| b.node == self.id),
        });
        self.slot_mut(slot).learned = Some(value);
        while self.is_learned(self.learned_upto + 1) {
            self.learned_upto += 1;
        }
        if self.config.multi {
            self.proposals.remove(&slot);
        } else {
            self.round_over(ctx);
        }
    }

    /// Multi-Paxos leader: a follower asks for the chosen values from `first` on.
    fn on_catch_up(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, first: Slot) {
        if self.leading().is_none() {
            return;
        }
        let values: Vec<Value> = (first..)
            .map_while(|s| self.learned(s).cloned())
            .take(MAX_DECIDE)
            .collect();
        if !values.is_empty() {
            ctx.send(from, PaxosMessage::Decide { first, values });
        }
    }

    /// Multi-Paxos: the leader's chosen values.
    fn on_decide(&mut self, ctx: &mut Ctx<'_, Self>, first: Slot, values: Vec<Value>) {
        for (slot, value) in (first..).zip(values) {
            if !self.is_learned(slot) {
                self.learn(ctx, slot, None, value);
            }
        }
    }

    // ----- client and user -----

    /// A client's command. Single decree: propose it, starting phase 1 above every ballot
    /// seen. Multi-Paxos: only the leader takes it, into the next free slot; any other
    /// node refuses, naming the leader it knows.
    fn on_request(&mut self, ctx: &mut Ctx<'_, Self>, value: &str) {
        let v: Rc<str> = Rc::from(value);
        if !self.config.multi {
            // Still trying since the first value it was asked for, if it is.
            let since = self.trying_since().unwrap_or(ctx.now());
            self.own = Some((Rc::clone(&v), since));
            self.taken = Some(Rc::clone(&v));
            self.kicked = true;
            return self.start_round(ctx, Why::Request { value: Some(v) });
        }
        let Some(ballot) = self.leading() else {
            ctx.note(PaxosNote::Refused {
                value: Some(v),
                leader: self.leader_id,
            });
            return;
        };
        self.taken = Some(Rc::clone(&v));
        let slot = self.free_slot();
        self.next_slot = slot + 1;
        self.propose(ctx, ballot, slot, Some(v), Source::Client);
    }

    /// The user starts a new round now. A Multi-Paxos leader has no round to start.
    fn on_timeout(&mut self, ctx: &mut Ctx<'_, Self>) -> Result<(), String> {
        if self.leading().is_some() {
            return Err(format!("S{} is the leader: it has no retry timer", self.id));
        }
        self.kicked = true;
        self.start_round(ctx, Why::Timeout);
        Ok(())
    }
}

impl Node for PaxosNode {
    type Settings = PaxosSettings;
    type Message = PaxosMessage;
    type Timer = PaxosTimer;
    type Note = PaxosNote;
    type Checker = PaxosChecker;

    fn new(id: NodeId, nodes: u32, s: &PaxosSettings) -> Self {
        PaxosNode {
            id,
            size: nodes,
            config: Config {
                multi: s.multi,
                retry_ms: s.retry_ms,
                heartbeat_ms: s.heartbeat_ms,
                accept_below_promise: s.has(Mutation::AcceptBelowPromise),
                ignore_accepted_value: s.has(Mutation::IgnoreAcceptedValue),
                forget_promise: s.has(Mutation::ForgetPromise),
                fixed_retry: s.has(Mutation::FixedRetry),
            },
            promised: None,
            slots: IdMap::new(),
            learned_upto: 0,
            version: 0,
            tallies: BTreeMap::new(),
            phase: Phase::Idle,
            ballot: None,
            highest_round: 0,
            promises: BTreeSet::new(),
            reported: IdMap::new(),
            prepare_from: DECREE,
            proposals: IdMap::new(),
            own: None,
            next_slot: 1,
            leader_id: None,
            forgot: false,
            changed: Vec::new(),
            taken: None,
            kicked: false,
        }
    }

    fn start(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.begin();
        // What it remembers bounds the ballots it has seen, so a restarted proposer still
        // goes above its own promise.
        let remembered = self
            .slots
            .values()
            .filter_map(|s| s.accepted.as_ref().map(|(b, _)| b.round))
            .chain(self.promised.map(|p| p.round))
            .max()
            .unwrap_or(0);
        self.highest_round = self.highest_round.max(remembered);
        if std::mem::take(&mut self.forgot) {
            ctx.note(PaxosNote::Forgot);
        }
        if self.config.multi {
            // A follower waits for a leader's heartbeat.
            self.arm_retry(ctx);
        }
    }

    fn crash(&mut self) {
        self.begin();
        // Acceptor and learner state is stable storage; the proposer's is lost.
        self.phase = Phase::Idle;
        self.ballot = None;
        self.highest_round = 0;
        self.promises.clear();
        self.reported.clear();
        self.proposals.clear();
        self.tallies.clear();
        self.own = None;
        self.next_slot = 1;
        self.leader_id = None;
        if self.config.forget_promise {
            self.promised = None;
            self.version += 1;
            for (slot, st) in &mut self.slots {
                if st.accepted.take().is_some() {
                    self.changed.push(*slot);
                }
            }
            self.slots.retain(|_, st| st.learned.is_some());
            self.forgot = true;
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: PaxosMessage) {
        self.begin();
        self.handle(ctx, from, msg);
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: PaxosTimer) {
        self.begin();
        match timer {
            PaxosTimer::Retry if self.config.multi => match self.phase {
                Phase::Two => {}
                Phase::One => {
                    let failed = self.ballot;
                    self.start_round(ctx, Why::Retry { failed });
                }
                Phase::Idle => self.start_round(ctx, Why::LeaderSilent),
            },
            PaxosTimer::Retry => {
                if self.trying() {
                    let failed = self.ballot;
                    self.start_round(ctx, Why::Retry { failed });
                }
            }
            PaxosTimer::Heartbeat => self.heartbeat(ctx, true),
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, command: &Command) -> Result<(), String> {
        self.begin();
        match command.name {
            n if n == TIMEOUT.name => self.on_timeout(ctx),
            n if n == REQUEST.name => {
                self.on_request(ctx, command.value.as_deref().unwrap_or_default());
                Ok(())
            }
            other => Err(format!("Paxos has no {other:?} action")),
        }
    }

    fn mark(note: &PaxosNote) -> Option<MarkKind> {
        match note {
            PaxosNote::Won { .. } => Some(MarkKind::Election),
            PaxosNote::Learned { own: true, .. } => Some(MarkKind::Commit),
            _ => None,
        }
    }

    fn topic(note: &PaxosNote) -> Topic {
        match note {
            PaxosNote::StartedRound { .. }
            | PaxosNote::Promised { .. }
            | PaxosNote::Rejected { .. }
            | PaxosNote::Won { .. }
            | PaxosNote::Preempted { .. }
            | PaxosNote::Follows { .. }
            | PaxosNote::Forgot => Topic::Leadership,
            PaxosNote::NothingToPropose { .. }
            | PaxosNote::Proposing { .. }
            | PaxosNote::Accepted { .. }
            | PaxosNote::Learned { .. }
            | PaxosNote::Refused { .. } => Topic::Data,
        }
    }

    fn report(&self) -> Json {
        let ballot = |b: Option<Ballot>| b.map_or(Json::Null, Ballot::to_json);
        let accepted = |slot: Option<Slot>, a: Option<&(Ballot, Value)>| match a {
            None => Json::Null,
            Some((b, v)) => {
                let mut o = json!({ "ballot": b.to_json(), "value": value_json(v) });
                if let Some(s) = slot {
                    o["slot"] = s.into();
                }
                o
            }
        };
        if !self.config.multi {
            return json!({
                "phase": self.phase.name(false),
                "ballot": ballot(self.ballot),
                "proposing": self.own_value().map(|v| v.as_ref()),
                "promised": ballot(self.promised),
                "accepted": accepted(None, self.accepted()),
                "chosen": self.learned(DECREE).map_or(Json::Null, value_json),
            });
        }
        let log: Vec<Json> = self
            .slots
            .iter()
            .filter(|(s, st)| **s != DECREE && (st.accepted.is_some() || st.learned.is_some()))
            .map(|(s, st)| {
                let value = st.learned.as_ref().or(st.accepted.as_ref().map(|(_, v)| v));
                json!({
                    "slot": s,
                    "value": value.map_or(Json::Null, value_json),
                    "chosen": st.learned.is_some(),
                })
            })
            .collect();
        let last_accepted = self
            .slots
            .iter()
            .rev()
            .find_map(|(s, st)| st.accepted.as_ref().map(|a| (*s, a)));
        let last_learned = self.slots.values().rev().find_map(|st| st.learned.as_ref());
        json!({
            "role": self.phase.name(true),
            "leader": self.leading().is_some(),
            "leader_id": self.leader_id,
            "ballot": ballot(self.ballot),
            "promised": ballot(self.promised),
            "accepted": accepted(last_accepted.map(|a| a.0), last_accepted.map(|a| a.1)),
            "chosen": last_learned.map_or(Json::Null, value_json),
            "learned_upto": self.learned_upto,
            "log": log,
        })
    }
}
