//! One Raft server as a pure state machine (the Raft paper, Figure 2 and §5).

use std::rc::Rc;

use serde_json::{json, Value};

use super::invariants::RaftChecker;
use super::kv::{Owed, PendingRead, Store};
use super::log::{Entry, Log, Payload};
use super::message::{
    AppendEntries, AppendEntriesReply, RaftMessage, RequestVote, RequestVoteReply,
};
use super::note::{Denial, RaftNote, RaftTimer, ReadPath, Role, StepDown};
use super::settings::{Mutation, RaftConfig, Reads};
use super::spec::{REQUEST, TIMEOUT};
use crate::sim::client::{ClientRequest, Op, OpId, Reply};
use crate::sim::quorum::majority;
use crate::sim::{Command, Ctx, MarkKind, Node, NodeId, Time, Topic};

/// How many entries one AppendEntries carries at most, so log repair of a far-behind
/// follower shows as a sequence of batches rather than one giant message.
pub const MAX_ENTRIES_PER_MESSAGE: u64 = 16;

/// With manual elections (`election_timeout_ms: null`) pre-vote's "heard from a leader
/// recently" and check-quorum's interval still need a duration: this one.
pub const DEFAULT_LEASE_MS: u64 = 150;

/// The settings a node consults, copied out of [`RaftSettings`] so a node clones cheaply.
#[derive(Clone, Copy, Debug)]
struct Config {
    election_timeout_ms: Option<(u64, u64)>,
    heartbeat_ms: u64,
    leader_noop: bool,
    pre_vote: bool,
    check_quorum: bool,
    commit_old_terms: bool,
    vote_ignores_log: bool,
    forget_vote: bool,
    fixed_timeouts: bool,
    /// How a leader serves reads (the mode in effect: see [`RaftConfig::reads_in_effect`]).
    reads: Reads,
    stale_reads: bool,
    leader_reads_unchecked: bool,
}

impl Config {
    /// The minimum election timeout: how long "recently" is for leases and check-quorum.
    fn lease_ms(&self) -> Time {
        self.election_timeout_ms
            .map_or(DEFAULT_LEASE_MS, |(lo, _)| lo)
    }
}

/// A set of node ids (clusters have at most a handful of nodes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct NodeSet(u32);

impl NodeSet {
    fn insert(&mut self, id: NodeId) {
        self.0 |= 1 << id;
    }
    fn contains(self, id: NodeId) -> bool {
        self.0 & (1 << id) != 0
    }
    fn len(self) -> u32 {
        self.0.count_ones()
    }
}

/// A Raft server.
#[derive(Clone, Debug)]
pub struct RaftNode {
    id: NodeId,
    size: u32,
    config: Config,
    // Persistent state on all servers (Figure 2): survives a crash.
    current_term: u64,
    voted_for: Option<NodeId>,
    log: Log,
    // Volatile state on all servers.
    role: Role,
    commit_index: u64,
    last_applied: u64,
    leader_id: Option<NodeId>,
    /// Votes (or pre-votes) granted to this node in its current campaign, itself included.
    votes: NodeSet,
    /// When this node last heard from a leader of its term (pre-vote's lease).
    last_leader_contact: Option<Time>,
    // Volatile state on leaders, indexed by node id - 1.
    next_index: Vec<u64>,
    match_index: Vec<u64>,
    /// Followers heard from since the last check-quorum.
    heard_from: NodeSet,
    /// The key-value store: the committed log applied in order (volatile: rebuilt from
    /// the log once the node learns the commit index again after a crash).
    store: Store,
    /// As leader: the clients it owes an answer, and its heartbeat rounds.
    owed: Owed,
    /// With lease reads, a node that restarts refuses to vote until then: it may have
    /// acknowledged a leader's lease just before it crashed and forgotten when.
    votes_barred_until: Time,
    /// Set by a crash, so [`Node::start`] can tell a restart from the first boot.
    restarted: bool,
}

impl RaftNode {
    // ----- what the page and the checkers read -----

    /// This server's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// Its role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// The latest term it has seen (persistent).
    pub fn current_term(&self) -> u64 {
        self.current_term
    }
    /// Whom it voted for in the current term (persistent).
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    /// Its log (persistent).
    pub fn log(&self) -> &Log {
        &self.log
    }
    /// The highest index it knows to be committed.
    pub fn commit_index(&self) -> u64 {
        self.commit_index
    }
    /// The highest index it has applied to its state machine.
    pub fn last_applied(&self) -> u64 {
        self.last_applied
    }
    /// The leader it currently follows (or itself), if known.
    pub fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }
    /// Its key-value store: the entries it has applied.
    pub fn store(&self) -> &Store {
        &self.store
    }
    /// As leader: the client operations it has yet to answer (writes and log reads by
    /// their entry's index, then reads waiting on ReadIndex).
    pub fn owed(&self) -> &Owed {
        &self.owed
    }
    /// Who has granted it a vote (or pre-vote) in its current campaign.
    pub fn votes(&self) -> Vec<NodeId> {
        (1..=self.size)
            .filter(|id| self.votes.contains(*id))
            .collect()
    }
    /// As leader: the next log index to send to `peer`.
    pub fn next_index(&self, peer: NodeId) -> Option<u64> {
        (self.role == Role::Leader && peer != self.id).then(|| self.next_index[(peer - 1) as usize])
    }
    /// As leader: the highest index known to be replicated on `peer`.
    pub fn match_index(&self, peer: NodeId) -> Option<u64> {
        (self.role == Role::Leader && peer != self.id)
            .then(|| self.match_index[(peer - 1) as usize])
    }

    // ----- transitions -----

    fn majority(&self) -> u32 {
        majority(self.size)
    }

    fn peers(&self) -> impl Iterator<Item = NodeId> {
        let me = self.id;
        (1..=self.size).filter(move |p| *p != me)
    }

    fn reset_election_timer(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self.config.election_timeout_ms {
            Some((lo, hi)) => {
                let after = if self.config.fixed_timeouts {
                    lo
                } else {
                    ctx.rng().range_inclusive(lo, hi)
                };
                ctx.set_timer(RaftTimer::Election, after);
            }
            None => ctx.cancel_timer(RaftTimer::Election),
        }
    }

    /// §5.1: a server that sees a higher term adopts it and becomes a follower.
    fn observe_term(&mut self, ctx: &mut Ctx<'_, Self>, term: u64) {
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.leader_id = None;
            if self.role == Role::Follower {
                ctx.note(RaftNote::NewTerm { term });
            } else {
                self.become_follower(ctx, StepDown::HigherTerm);
            }
        }
    }

    fn become_follower(&mut self, ctx: &mut Ctx<'_, Self>, why: StepDown) {
        let was_leader = self.role == Role::Leader;
        self.role = Role::Follower;
        self.votes = NodeSet::default();
        ctx.note(RaftNote::BecameFollower {
            term: self.current_term,
            why,
        });
        if was_leader {
            ctx.cancel_timer(RaftTimer::Heartbeat);
            ctx.cancel_timer(RaftTimer::CheckQuorum);
            self.abandon_clients(ctx);
        }
        self.reset_election_timer(ctx);
    }

    /// The election timeout elapsed (or the user forced it): campaign, through a pre-vote
    /// round first when pre-vote is on.
    fn start_campaign(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.config.pre_vote {
            self.become_pre_candidate(ctx);
        } else {
            self.become_candidate(ctx);
        }
    }

    /// Thesis §9.6: ask whether we could win before disturbing anyone's term.
    fn become_pre_candidate(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.role = Role::PreCandidate;
        self.leader_id = None;
        self.votes = NodeSet::default();
        self.votes.insert(self.id);
        let term = self.current_term + 1;
        ctx.note(RaftNote::StartedPreVote { term });
        self.reset_election_timer(ctx);
        if self.votes.len() >= self.majority() {
            return self.become_candidate(ctx);
        }
        self.request_votes(ctx, term, true);
    }

    /// §5.2: increment the term, vote for self, ask everyone for votes.
    fn become_candidate(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.current_term += 1;
        self.voted_for = Some(self.id);
        self.role = Role::Candidate;
        self.leader_id = None;
        self.votes = NodeSet::default();
        self.votes.insert(self.id);
        ctx.note(RaftNote::StartedElection {
            term: self.current_term,
        });
        self.reset_election_timer(ctx);
        if self.votes.len() >= self.majority() {
            return self.become_leader(ctx);
        }
        self.request_votes(ctx, self.current_term, false);
    }

    fn request_votes(&mut self, ctx: &mut Ctx<'_, Self>, term: u64, pre_vote: bool) {
        let rv = RequestVote {
            term,
            candidate_id: self.id,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            pre_vote,
        };
        for peer in self.peers() {
            ctx.send(peer, RaftMessage::RequestVote(rv.clone()));
        }
    }

    fn become_leader(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.role = Role::Leader;
        self.leader_id = Some(self.id);
        let next = self.log.last_index() + 1;
        self.next_index = vec![next; self.size as usize];
        self.match_index = vec![0; self.size as usize];
        self.heard_from = NodeSet::default();
        self.owed = Owed::default();
        self.owed.rounds.reset(self.size);
        self.owed.rounds.start(ctx.now(), self.config.lease_ms());
        ctx.note(RaftNote::BecameLeader {
            term: self.current_term,
        });
        ctx.cancel_timer(RaftTimer::Election);
        if self.config.leader_noop {
            let index = self.log.append(Entry {
                term: self.current_term,
                payload: Payload::Noop,
            });
            ctx.note(RaftNote::Accepted {
                index,
                term: self.current_term,
                value: None,
            });
        }
        // §5.2: send initial empty AppendEntries (heartbeats) to establish authority.
        for peer in self.peers() {
            self.send_append(ctx, peer);
        }
        ctx.set_timer(RaftTimer::Heartbeat, self.config.heartbeat_ms);
        if self.config.check_quorum {
            ctx.set_timer(RaftTimer::CheckQuorum, self.config.lease_ms());
        }
        self.advance_commit(ctx);
    }

    fn send_append(&mut self, ctx: &mut Ctx<'_, Self>, peer: NodeId) {
        let next = self.next_index[(peer - 1) as usize];
        let prev_log_index = next - 1;
        let last = self
            .log
            .last_index()
            .min(prev_log_index + MAX_ENTRIES_PER_MESSAGE);
        let ae = AppendEntries {
            term: self.current_term,
            leader_id: self.id,
            prev_log_index,
            prev_log_term: self.log.term_at(prev_log_index),
            entries: self.log.slice(next, last).to_vec(),
            leader_commit: self.commit_index,
            round: self.owed.rounds.current(),
        };
        ctx.send(peer, RaftMessage::AppendEntries(ae));
    }

    /// §5.3/§5.4.2: the leader commits the highest index stored on a majority whose entry
    /// is from its current term (earlier entries are then committed indirectly). The
    /// `commit_old_terms` mutation drops the term condition: the bug of Figure 8.
    fn advance_commit(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.role != Role::Leader {
            return;
        }
        let mut n = self.log.last_index();
        while n > self.commit_index {
            let term_ok = self.config.commit_old_terms || self.log.term_at(n) == self.current_term;
            if !term_ok && self.log.term_at(n) < self.current_term {
                // Terms only decrease going back: no earlier index can pass either.
                break;
            }
            if term_ok {
                let replicas = 1 + self
                    .peers()
                    .filter(|p| self.match_index[(*p - 1) as usize] >= n)
                    .count() as u32;
                if replicas >= self.majority() {
                    self.commit_to(ctx, n);
                    return;
                }
            }
            n -= 1;
        }
    }

    fn commit_to(&mut self, ctx: &mut Ctx<'_, Self>, index: u64) {
        if index <= self.commit_index {
            return;
        }
        self.commit_index = index;
        ctx.note(RaftNote::Committed {
            index,
            by_leader: self.role == Role::Leader,
        });
        // Apply in order, right away: the state machine is the log's committed prefix.
        if self.last_applied < index {
            ctx.note(RaftNote::Applied {
                from: self.last_applied + 1,
                to: index,
            });
            for i in self.last_applied + 1..=index {
                self.apply(ctx, i);
            }
            self.last_applied = index;
        }
        self.serve_reads(ctx);
    }

    /// Applies entry `index` to the store; a leader answers the client that asked for it.
    fn apply(&mut self, ctx: &mut Ctx<'_, Self>, index: u64) {
        let Some(entry) = self.log.get(index) else {
            return;
        };
        let payload = entry.payload.clone();
        self.store.apply(&payload);
        let Some(op) = self.owed.entries.remove(&index) else {
            return;
        };
        match payload {
            Payload::Read { key } => {
                let read = self.store.get(&key).map(str::to_string);
                self.answer_read(ctx, op, read, ReadPath::Log);
            }
            _ => {
                ctx.note(RaftNote::Written { op, index });
                ctx.reply(op, Reply::written());
            }
        }
    }

    // ----- client and user -----

    /// §8: a client's command. Only the leader takes it; a follower refuses, naming the
    /// leader it knows so the client can retry there.
    fn on_request(&mut self, ctx: &mut Ctx<'_, Self>, value: &str) {
        if self.role != Role::Leader {
            ctx.note(RaftNote::Refused {
                value: value.to_string(),
                leader: self.leader_id,
            });
            return;
        }
        let term = self.current_term;
        let index = self.log.append(Entry {
            term,
            payload: Payload::Value(Rc::from(value)),
        });
        ctx.note(RaftNote::Accepted {
            index,
            term,
            value: Some(value.to_string()),
        });
        self.replicate_new(ctx, index);
    }

    /// Sends a new entry at once to followers that are caught up (the others are
    /// mid-repair and get it when their reply comes back or at the next heartbeat), and
    /// commits it if this node is a majority by itself.
    fn replicate_new(&mut self, ctx: &mut Ctx<'_, Self>, index: u64) {
        for peer in self.peers() {
            if self.next_index[(peer - 1) as usize] == index {
                self.send_append(ctx, peer);
            }
        }
        self.advance_commit(ctx);
    }

    /// Thesis §6.4: a client's write or read. Only the leader serves them; any other
    /// server refers the client to the leader it knows (§6.2). Writes go through the
    /// log; reads take the path `reads` says.
    fn on_client_op(&mut self, ctx: &mut Ctx<'_, Self>, request: ClientRequest) {
        let ClientRequest {
            id: op, op: what, ..
        } = request;
        let text = what.to_string();
        if let (Op::Read { key }, true) = (&what, self.config.stale_reads) {
            // The mutation: whatever this server has applied, leader or not.
            let read = self.store.get(key).map(str::to_string);
            return self.answer_read(ctx, op, read, ReadPath::Local);
        }
        if self.role != Role::Leader {
            ctx.note(RaftNote::Referred {
                op,
                leader: self.leader_id,
            });
            let reason = format!("S{} is not the leader", self.id);
            let leader = self.leader_id;
            return ctx.reply(op, Reply::Fail { reason, leader });
        }
        match what {
            Op::Write { key, value } => {
                let payload = Payload::Write {
                    key: Rc::from(key),
                    value: Rc::from(value),
                };
                self.log_op(ctx, op, payload, text)
            }
            Op::Read { key } => self.on_read(ctx, op, Rc::from(key), text),
        }
    }

    /// The leader appends a client's operation; it answers once the entry is applied.
    fn log_op(&mut self, ctx: &mut Ctx<'_, Self>, op: OpId, payload: Payload, what: String) {
        let term = self.current_term;
        let index = self.log.append(Entry { term, payload });
        self.owed.entries.insert(index, op);
        ctx.note(RaftNote::Logged {
            op,
            index,
            term,
            what,
        });
        self.replicate_new(ctx, index);
    }

    /// The leader takes a read.
    fn on_read(&mut self, ctx: &mut Ctx<'_, Self>, op: OpId, key: Rc<str>, what: String) {
        if self.config.leader_reads_unchecked {
            // The mutation: a deposed leader that has not heard so answers from a past
            // it alone still believes in.
            let read = self.store.get(&key).map(str::to_string);
            return self.answer_read(ctx, op, read, ReadPath::Unchecked);
        }
        if self.config.reads == Reads::Log {
            return self.log_op(ctx, op, Payload::Read { key }, what);
        }
        let own_term_committed = self.own_term_committed();
        if self.config.reads == Reads::Lease && own_term_committed && self.holds_lease(ctx.now()) {
            // §6.4.1: no other leader can have been elected yet, so nothing newer than
            // what this leader has applied can have been committed.
            let read = self.store.get(&key).map(str::to_string);
            return self.answer_read(ctx, op, read, ReadPath::Lease);
        }
        // ReadIndex (and a lease read without a lease, which falls back to it).
        if !own_term_committed {
            ctx.note(RaftNote::AwaitingOwnCommit {
                op,
                term: self.current_term,
            });
        }
        self.owed.reads.push(PendingRead {
            op,
            key,
            read_index: None,
            round: 0,
        });
        self.serve_reads(ctx);
    }

    /// §6.4, step 1: a leader knows the commit index only once an entry of its own term
    /// is committed (at the start of its term it may not know which entries are).
    fn own_term_committed(&self) -> bool {
        self.log.term_at(self.commit_index) == self.current_term
    }

    /// §6.4.1: whether a majority acknowledged heartbeats this leader sent within the
    /// last minimum election timeout.
    fn holds_lease(&self, now: Time) -> bool {
        self.owed
            .rounds
            .lease_until(self.id, self.majority(), self.config.lease_ms())
            .is_some_and(|until| now < until)
    }

    /// Moves the leader's waiting reads along (§6.4): reads without a read index get the
    /// commit index once an entry of this term is committed, with one new heartbeat round
    /// for them all; reads whose round a majority acknowledged are answered once the
    /// state machine has applied up to their read index.
    fn serve_reads(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.role != Role::Leader || self.owed.reads.is_empty() || !self.own_term_committed() {
            return;
        }
        if self.owed.reads.iter().any(|r| r.read_index.is_none()) {
            let round = self.owed.rounds.start(ctx.now(), self.config.lease_ms());
            let index = self.commit_index;
            for r in self
                .owed
                .reads
                .iter_mut()
                .filter(|r| r.read_index.is_none())
            {
                r.read_index = Some(index);
                r.round = round;
                ctx.note(RaftNote::ReadIndex {
                    op: r.op,
                    index,
                    round,
                });
            }
            for peer in self.peers() {
                self.send_append(ctx, peer);
            }
        }
        let (me, majority, applied) = (self.id, self.majority(), self.last_applied);
        let rounds = &self.owed.rounds;
        let (ready, waiting): (Vec<PendingRead>, Vec<PendingRead>) =
            std::mem::take(&mut self.owed.reads)
                .into_iter()
                .partition(|r| {
                    r.read_index.is_some_and(|i| applied >= i)
                        && rounds.confirmed(r.round, me, majority)
                });
        self.owed.reads = waiting;
        for r in ready {
            let read = self.store.get(&r.key).map(str::to_string);
            self.answer_read(ctx, r.op, read, ReadPath::ReadIndex);
        }
    }

    fn answer_read(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        op: OpId,
        read: Option<String>,
        via: ReadPath,
    ) {
        ctx.note(RaftNote::Served {
            op,
            read: read.clone(),
            via,
        });
        ctx.reply(op, Reply::read(read));
    }

    /// A leader steps down: its waiting writes stay unanswered (each entry may yet
    /// commit under the next leader, so the client must record "unknown"), and its
    /// waiting reads fail (a read not answered changed nothing, and the client can ask
    /// the new leader).
    fn abandon_clients(&mut self, ctx: &mut Ctx<'_, Self>) {
        let owed = std::mem::take(&mut self.owed);
        let mut reads: Vec<OpId> = owed.reads.iter().map(|r| r.op).collect();
        let mut writes = 0;
        for (&index, &op) in &owed.entries {
            match self.log.get(index).map(|e| &e.payload) {
                Some(Payload::Read { .. }) => reads.push(op),
                _ => writes += 1,
            }
        }
        if writes == 0 && reads.is_empty() {
            return;
        }
        ctx.note(RaftNote::Abandoned {
            writes,
            reads: reads.len() as u64,
        });
        crate::sort::sort(&mut reads);
        for op in reads {
            let reason = format!("S{} stepped down before it could answer", self.id);
            let leader = self.leader_id;
            ctx.reply(op, Reply::Fail { reason, leader });
        }
    }

    /// The user makes the election timer fire now. A leader has none to fire.
    fn on_timeout(&mut self, ctx: &mut Ctx<'_, Self>) -> Result<(), String> {
        if self.role == Role::Leader {
            return Err(format!(
                "S{} is the leader: leaders have no election timer",
                self.id
            ));
        }
        if self.config.reads == Reads::Lease && self.leader_active(ctx.now()) {
            // A candidate votes for itself, and that vote is as bound by leader
            // stickiness as any other: the server may have acknowledged the lease a
            // leader is serving reads under. (Its own timer cannot fire this early: it
            // was reset when it last heard from the leader, to at least this long.)
            return Err(format!(
                "S{} heard from a leader within the minimum election timeout: with lease \
                 reads it may not stand for election yet (thesis §4.2.3)",
                self.id
            ));
        }
        self.start_campaign(ctx);
        Ok(())
    }

    // ----- RPC handlers -----

    /// Whether this server has reason to believe a leader is active: it leads, it heard
    /// from a leader within the minimum election timeout, or (lease reads) it restarted
    /// less than that long ago. Pre-vote refuses candidates then (thesis §9.6), and with
    /// lease reads so does the vote itself (§4.2.3).
    fn leader_active(&self, now: Time) -> bool {
        self.role == Role::Leader
            || self
                .last_leader_contact
                .is_some_and(|t| now < t + self.config.lease_ms())
            || now < self.votes_barred_until
    }

    fn on_request_vote(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, rv: RequestVote) {
        let log_ok = self.config.vote_ignores_log
            || rv.last_log_term > self.log.last_term()
            || (rv.last_log_term == self.log.last_term()
                && rv.last_log_index >= self.log.last_index());
        let leader_active = self.leader_active(ctx.now());
        if rv.pre_vote {
            // Thesis §9.6: grant if the candidate could win: its term would be current,
            // its log is up-to-date, and we have not heard from a leader recently.
            // Nothing is recorded and no term changes.
            let denied = if rv.term < self.current_term {
                Some(Denial::StaleTerm)
            } else if leader_active {
                Some(Denial::LeaderActive)
            } else if !log_ok {
                Some(Denial::LogBehind)
            } else {
                None
            };
            ctx.note(RaftNote::Voted {
                candidate: from,
                term: rv.term,
                pre_vote: true,
                denied,
            });
            let term = if denied.is_none() {
                rv.term
            } else {
                self.current_term
            };
            let reply = RequestVoteReply {
                term,
                vote_granted: denied.is_none(),
                pre_vote: true,
            };
            ctx.send(from, RaftMessage::RequestVoteReply(reply));
            return;
        }
        if self.config.reads == Reads::Lease && leader_active {
            // Thesis §4.2.3, leader stickiness, which leases rest on (§6.4.1): within the
            // minimum election timeout of hearing from a leader, a server neither
            // updates its term nor grants its vote.
            ctx.note(RaftNote::Voted {
                candidate: from,
                term: rv.term,
                pre_vote: false,
                denied: Some(Denial::LeaderActive),
            });
            let reply = RequestVoteReply {
                term: self.current_term,
                vote_granted: false,
                pre_vote: false,
            };
            ctx.send(from, RaftMessage::RequestVoteReply(reply));
            return;
        }
        self.observe_term(ctx, rv.term);
        let denied = if rv.term < self.current_term {
            Some(Denial::StaleTerm)
        } else if let Some(v) = self.voted_for.filter(|v| *v != rv.candidate_id) {
            Some(Denial::AlreadyVoted { for_node: v })
        } else if !log_ok {
            // §5.4.1: the election restriction.
            Some(Denial::LogBehind)
        } else {
            None
        };
        if denied.is_none() {
            self.voted_for = Some(rv.candidate_id);
            self.reset_election_timer(ctx);
        }
        ctx.note(RaftNote::Voted {
            candidate: from,
            term: rv.term,
            pre_vote: false,
            denied,
        });
        let reply = RequestVoteReply {
            term: self.current_term,
            vote_granted: denied.is_none(),
            pre_vote: false,
        };
        ctx.send(from, RaftMessage::RequestVoteReply(reply));
    }

    fn on_vote_reply(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, r: RequestVoteReply) {
        if r.pre_vote {
            if r.vote_granted {
                if self.role == Role::PreCandidate && r.term == self.current_term + 1 {
                    self.votes.insert(from);
                    if self.votes.len() >= self.majority() {
                        self.become_candidate(ctx);
                    }
                }
            } else {
                self.observe_term(ctx, r.term);
            }
            return;
        }
        self.observe_term(ctx, r.term);
        if self.role != Role::Candidate || r.term != self.current_term || !r.vote_granted {
            return;
        }
        self.votes.insert(from);
        if self.votes.len() >= self.majority() {
            self.become_leader(ctx);
        }
    }

    fn on_append_entries(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, ae: AppendEntries) {
        self.observe_term(ctx, ae.term);
        let round = ae.round;
        let reject = |term, conflict_index, conflict_term| AppendEntriesReply {
            term,
            success: false,
            match_index: 0,
            conflict_index,
            conflict_term,
            round,
        };
        if ae.term < self.current_term {
            // §5.1: a stale leader learns the newer term from the reply and steps down.
            let reply = reject(self.current_term, 0, None);
            ctx.send(from, RaftMessage::AppendEntriesReply(reply));
            return;
        }
        if self.role != Role::Follower {
            // §5.2: a candidate that hears from the leader of its term steps down. (Two
            // leaders in one term only happen when a mutation broke election safety.)
            self.become_follower(ctx, StepDown::LeaderOfTerm);
        } else {
            self.reset_election_timer(ctx);
        }
        self.leader_id = Some(ae.leader_id);
        self.last_leader_contact = Some(ctx.now());

        // §5.3: the consistency check.
        if ae.prev_log_index > self.log.last_index() {
            let reply = reject(self.current_term, self.log.last_index() + 1, None);
            ctx.send(from, RaftMessage::AppendEntriesReply(reply));
            return;
        }
        let have = self.log.term_at(ae.prev_log_index);
        if have != ae.prev_log_term {
            // The conflict-term shortcut: skip the whole conflicting term at once.
            let first = self.log.first_index_of_term(have, ae.prev_log_index);
            let reply = reject(self.current_term, first, Some(have));
            ctx.send(from, RaftMessage::AppendEntriesReply(reply));
            return;
        }
        // Store the entries: an existing entry that conflicts (same index, different term)
        // is deleted with all that follow; entries already present are left alone.
        let mut stored_from = None;
        let mut stored = 0;
        for (i, entry) in ae.entries.iter().enumerate() {
            let index = ae.prev_log_index + 1 + i as u64;
            if index <= self.log.last_index() {
                if self.log.term_at(index) == entry.term {
                    continue;
                }
                let count = self.log.last_index() - index + 1;
                self.log.truncate_from(index);
                ctx.note(RaftNote::Truncated { from: index, count });
            }
            self.log.append(entry.clone());
            stored_from.get_or_insert(index);
            stored += 1;
        }
        if let Some(first) = stored_from {
            ctx.note(RaftNote::Stored {
                first,
                count: stored,
            });
        }
        let match_index = ae.prev_log_index + ae.entries.len() as u64;
        // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
        let commit = ae.leader_commit.min(match_index);
        self.commit_to(ctx, commit);
        let reply = AppendEntriesReply {
            term: self.current_term,
            success: true,
            match_index,
            conflict_index: 0,
            conflict_term: None,
            round,
        };
        ctx.send(from, RaftMessage::AppendEntriesReply(reply));
    }

    fn on_append_reply(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, r: AppendEntriesReply) {
        self.observe_term(ctx, r.term);
        if self.role != Role::Leader || r.term != self.current_term {
            return;
        }
        self.heard_from.insert(from);
        // Any answer in this term acknowledges the round it echoes (a rejection too: the
        // follower still follows this leader), which may confirm waiting reads.
        self.owed.rounds.ack(from, r.round);
        self.serve_reads(ctx);
        let p = (from - 1) as usize;
        if r.success {
            if r.match_index <= self.match_index[p] {
                return; // A late or duplicated reply: nothing new.
            }
            self.match_index[p] = r.match_index;
            self.next_index[p] = self.next_index[p].max(r.match_index + 1);
            self.advance_commit(ctx);
            if self.next_index[p] <= self.log.last_index() {
                self.send_append(ctx, from);
            }
        } else {
            // Back off nextIndex and retry (§5.3), using the conflict-term shortcut:
            // jump past our own entries of the conflicting term, or to the follower's end.
            let target = match r.conflict_term {
                Some(term) => match self.log.last_index_of_term(term) {
                    Some(last) => last + 1,
                    None => r.conflict_index,
                },
                None => r.conflict_index,
            };
            let target = target
                .max(self.match_index[p] + 1)
                .min(self.log.last_index() + 1);
            if target < self.next_index[p] {
                self.next_index[p] = target;
                self.send_append(ctx, from);
            }
        }
    }
}

impl Node for RaftNode {
    type Settings = RaftConfig;
    type Message = RaftMessage;
    type Timer = RaftTimer;
    type Note = RaftNote;
    type Checker = RaftChecker;

    fn new(id: NodeId, nodes: u32, c: &RaftConfig) -> Self {
        let s = &c.consensus;
        RaftNode {
            id,
            size: nodes,
            config: Config {
                election_timeout_ms: s.election_timeout_ms,
                heartbeat_ms: s.heartbeat_ms,
                leader_noop: s.leader_noop,
                pre_vote: s.pre_vote,
                check_quorum: s.check_quorum,
                commit_old_terms: s.has(Mutation::CommitOldTerms),
                vote_ignores_log: s.has(Mutation::VoteIgnoresLog),
                forget_vote: s.has(Mutation::ForgetVote),
                fixed_timeouts: s.has(Mutation::FixedTimeouts),
                reads: c.reads_in_effect(),
                stale_reads: s.has(Mutation::StaleReads),
                leader_reads_unchecked: s.has(Mutation::LeaderReadsUnchecked),
            },
            current_term: 0,
            voted_for: None,
            log: Log::default(),
            role: Role::Follower,
            commit_index: 0,
            last_applied: 0,
            leader_id: None,
            votes: NodeSet::default(),
            last_leader_contact: None,
            next_index: Vec::new(),
            match_index: Vec::new(),
            heard_from: NodeSet::default(),
            store: Store::default(),
            owed: Owed::default(),
            votes_barred_until: 0,
            restarted: false,
        }
    }

    fn start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.restarted && self.config.reads == Reads::Lease {
            self.votes_barred_until = ctx.now() + self.config.lease_ms();
        }
        self.reset_election_timer(ctx);
    }

    fn crash(&mut self) {
        // Persistent state (current_term, voted_for, log) survives; the rest is lost.
        self.role = Role::Follower;
        self.commit_index = 0;
        self.last_applied = 0;
        self.leader_id = None;
        self.votes = NodeSet::default();
        self.last_leader_contact = None;
        self.next_index.clear();
        self.match_index.clear();
        self.heard_from = NodeSet::default();
        self.store = Store::default();
        self.owed = Owed::default();
        self.restarted = true;
        if self.config.forget_vote {
            self.voted_for = None;
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: RaftMessage) {
        match msg {
            RaftMessage::RequestVote(m) => self.on_request_vote(ctx, from, m),
            RaftMessage::RequestVoteReply(m) => self.on_vote_reply(ctx, from, m),
            RaftMessage::AppendEntries(m) => self.on_append_entries(ctx, from, m),
            RaftMessage::AppendEntriesReply(m) => self.on_append_reply(ctx, from, m),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: RaftTimer) {
        match (timer, self.role) {
            (RaftTimer::Election, Role::Leader) => {}
            (RaftTimer::Election, _) => self.start_campaign(ctx),
            (RaftTimer::Heartbeat, Role::Leader) => {
                if self.config.reads == Reads::Lease {
                    // Each heartbeat is a new round, so acknowledgements renew the lease.
                    self.owed.rounds.start(ctx.now(), self.config.lease_ms());
                }
                for peer in self.peers() {
                    self.send_append(ctx, peer);
                }
                ctx.set_timer(RaftTimer::Heartbeat, self.config.heartbeat_ms);
            }
            (RaftTimer::CheckQuorum, Role::Leader) => {
                if self.heard_from.len() + 1 < self.majority() {
                    self.become_follower(ctx, StepDown::LostQuorum);
                } else {
                    self.heard_from = NodeSet::default();
                    ctx.set_timer(RaftTimer::CheckQuorum, self.config.lease_ms());
                }
            }
            (RaftTimer::Heartbeat | RaftTimer::CheckQuorum, _) => {}
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, command: &Command) -> Result<(), String> {
        match command.name {
            n if n == TIMEOUT.name => self.on_timeout(ctx),
            n if n == REQUEST.name => {
                self.on_request(ctx, command.value.as_deref().unwrap_or_default());
                Ok(())
            }
            other => Err(format!("Raft has no {other:?} action")),
        }
    }

    fn on_client(&mut self, ctx: &mut Ctx<'_, Self>, request: ClientRequest) {
        self.on_client_op(ctx, request);
    }

    fn mark(note: &RaftNote) -> Option<MarkKind> {
        match note {
            RaftNote::BecameLeader { .. } => Some(MarkKind::Election),
            RaftNote::Committed {
                by_leader: true, ..
            } => Some(MarkKind::Commit),
            _ => None,
        }
    }

    fn topic(note: &RaftNote) -> Topic {
        match note {
            RaftNote::NewTerm { .. }
            | RaftNote::BecameFollower { .. }
            | RaftNote::StartedPreVote { .. }
            | RaftNote::StartedElection { .. }
            | RaftNote::BecameLeader { .. }
            | RaftNote::Voted { .. } => Topic::Leadership,
            RaftNote::Accepted { .. }
            | RaftNote::Refused { .. }
            | RaftNote::Truncated { .. }
            | RaftNote::Stored { .. }
            | RaftNote::Committed { .. }
            | RaftNote::Applied { .. }
            | RaftNote::Referred { .. }
            | RaftNote::Logged { .. }
            | RaftNote::AwaitingOwnCommit { .. }
            | RaftNote::ReadIndex { .. }
            | RaftNote::Written { .. }
            | RaftNote::Served { .. }
            | RaftNote::Abandoned { .. } => Topic::Data,
        }
    }

    fn report(&self) -> Value {
        let log: Vec<Value> = self
            .log
            .entries()
            .iter()
            .map(|e| {
                let mut fields = serde_json::Map::new();
                fields.insert("term".into(), json!(e.term));
                fields.extend(e.payload.report_fields());
                Value::Object(fields)
            })
            .collect();
        json!({
            "role": self.role.name(),
            "term": self.current_term,
            "voted_for": self.voted_for,
            "commit_index": self.commit_index,
            "last_applied": self.last_applied,
            "leader_id": self.leader_id,
            "log": log,
            "store": self.store.to_json(),
        })
    }
}
