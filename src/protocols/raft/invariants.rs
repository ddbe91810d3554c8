//! The five properties of the Raft paper's Figure 3, checked after every event.
//!
//! Each check is incremental, so that checking after every event stays cheap: logs carry
//! prefix hashes ("identical up to index k" is one comparison), and the checker remembers
//! what it has already seen (leaders per term, each leader's log at its last check, the
//! committed and applied entries).

use std::collections::BTreeMap;

use super::log::Payload;
use super::node::RaftNode;
use super::note::Role;
use super::settings::RaftConfig;
use crate::sim::{CheckEnv, Checker, Host, InvariantSpec, NodeId};

/// Figure 3: at most one leader can be elected in a given term.
pub const ELECTION_SAFETY: &str = "election_safety";
/// Figure 3: a leader never overwrites or deletes entries in its log; it only appends.
pub const LEADER_APPEND_ONLY: &str = "leader_append_only";
/// Figure 3: if two logs contain an entry with the same index and term, then the logs are
/// identical in all entries up through that index.
pub const LOG_MATCHING: &str = "log_matching";
/// Figure 3: if an entry is committed in a given term, it is present in the logs of the
/// leaders of all higher terms.
pub const LEADER_COMPLETENESS: &str = "leader_completeness";
/// Figure 3: if a server has applied an entry at an index, no other server ever applies a
/// different entry at that index.
pub const STATE_MACHINE_SAFETY: &str = "state_machine_safety";
/// Bounded liveness (§5.2, §5.6): once every server is up and every link works, a leader
/// is elected within [`PROGRESS_TIMEOUTS`] election timeouts.
pub const PROGRESS: &str = "progress";

/// How many of the longest election timeouts a whole cluster may go without a leader
/// before [`PROGRESS`] fails. Randomized timeouts make a split vote unlikely to repeat:
/// measured over 10,000 swarm-chaos seeds each, correct Raft never went 4 timeouts
/// without a leader with 5 or 9 nodes, nor 10 with 2 nodes on a lossy network (the worst
/// case: both must vote alike), while with `fixed_timeouts` servers that time out
/// together split the vote forever (14 % of seeds are caught).
pub const PROGRESS_TIMEOUTS: u64 = 10;
/// [`PROGRESS`] makes no claim on a network that loses more messages than this.
pub const MAX_LOSS: f64 = 0.2;

/// A committed entry as first seen committed.
#[derive(Clone, Debug)]
struct Committed {
    /// The entry's own term.
    term: u64,
    /// Hash of the log prefix ending with it.
    prefix: u64,
    /// The term of the node that committed it: leaders of later terms must hold it.
    in_term: u64,
}

/// An entry as first applied.
#[derive(Clone, Debug)]
struct Applied {
    hash: u64,
    by: NodeId,
    term: u64,
    payload: Payload,
}

/// What a leader's log was at the last check, to verify it only grows.
#[derive(Clone, Copy, Debug)]
struct LeaderLog {
    term: u64,
    len: u64,
    prefix: u64,
}

/// Checks Figure 3 after every event.
#[derive(Clone, Debug)]
pub struct RaftChecker {
    leaders: BTreeMap<u64, NodeId>,
    leader_log: Vec<Option<LeaderLog>>,
    /// The term in which each node's completeness was last checked as leader.
    complete_checked: Vec<Option<u64>>,
    /// Last seen (log length, prefix hash) per node, to skip unchanged logs.
    log_seen: Vec<(u64, u64)>,
    commit_seen: Vec<u64>,
    applied_seen: Vec<u64>,
    committed: Vec<Committed>,
    applied: Vec<Applied>,
    /// The election timeout range, if elections are not manual.
    election_timeout_ms: Option<(u64, u64)>,
    /// Message round trips one election takes: two with pre-vote (pre-vote, then vote).
    election_rounds: u64,
    /// When a leader was last seen up.
    last_leader_at: u64,
}

fn value_text(p: &Payload) -> String {
    match p {
        Payload::Value(v) => format!("{v:?}"),
        Payload::Noop => "a no-op".to_string(),
        other => other.text(),
    }
}

impl RaftChecker {
    /// How long a whole cluster may go without a leader, when the claim holds: elections
    /// by timer on an automatic network that keeps most messages, with timeouts that
    /// leave room for a whole election (its round trips, two with pre-vote) before the
    /// candidate's own timer fires again, and a spread that can separate candidates
    /// (§5.6's broadcastTime ≪ electionTimeout). `None`: no claim.
    fn progress_bound(&self, env: &CheckEnv) -> Option<u64> {
        let (lo, hi) = self.election_timeout_ms?;
        let latency = env.max_latency_ms;
        let election = self.election_rounds * 2 * latency;
        let timely = lo > election && hi - lo >= latency.max(1);
        (env.auto_network && env.loss <= MAX_LOSS && timely).then_some(PROGRESS_TIMEOUTS * hi)
    }

    /// [`PROGRESS`]: a whole cluster on an automatic network elects a leader in time.
    fn check_progress(
        &mut self,
        hosts: &[Host<RaftNode>],
        env: &CheckEnv,
        report: &mut dyn FnMut(&'static str, String),
    ) {
        if hosts.iter().any(|h| h.up && h.node.role() == Role::Leader) {
            self.last_leader_at = env.now;
            return;
        }
        let (Some(bound), Some(whole)) = (self.progress_bound(env), env.whole_since) else {
            return;
        };
        let since = whole.max(self.last_leader_at);
        if env.now > since + bound {
            report(
                PROGRESS,
                format!(
                    "Every server has been up and every link working since {}, yet no leader \
                     has been elected for {} ms ({PROGRESS_TIMEOUTS} of the longest election \
                     timeouts).",
                    crate::sim::format_ms(since),
                    env.now - since
                ),
            );
        }
    }

    fn check_leader_complete(&self, r: &RaftNode, report: &mut dyn FnMut(&'static str, String)) {
        // The highest index committed in a term before the leader's: the prefix hash there
        // covers every earlier committed entry too.
        let Some(k) = self
            .committed
            .iter()
            .rposition(|c| c.in_term < r.current_term())
        else {
            return;
        };
        let c = &self.committed[k];
        let index = k as u64 + 1;
        if r.log().prefix_hash(index) != Some(c.prefix) {
            report(
                LEADER_COMPLETENESS,
                format!(
                    "S{} is leader of term {} but lacks the entry at index {index} (term {}), \
                     which was committed in term {}.",
                    r.id(),
                    r.current_term(),
                    c.term,
                    c.in_term
                ),
            );
        }
    }
}

/// The invariants as the page lists them, with the paper's wording of each rule.
pub const INVARIANTS: &[InvariantSpec] = &[
    InvariantSpec {
        name: ELECTION_SAFETY,
        title: "Election Safety",
        rule: "At most one leader can be elected in a given term.",
        source: "Raft, Figure 3",
    },
    InvariantSpec {
        name: LEADER_APPEND_ONLY,
        title: "Leader Append-Only",
        rule: "A leader never overwrites or deletes entries in its log; it only appends new entries.",
        source: "Raft, Figure 3",
    },
    InvariantSpec {
        name: LOG_MATCHING,
        title: "Log Matching",
        rule: "If two logs contain an entry with the same index and term, then the logs are identical in all entries up through that index.",
        source: "Raft, Figure 3",
    },
    InvariantSpec {
        name: LEADER_COMPLETENESS,
        title: "Leader Completeness",
        rule: "If a log entry is committed in a given term, then it is present in the logs of the leaders of all higher-numbered terms.",
        source: "Raft, Figure 3",
    },
    InvariantSpec {
        name: STATE_MACHINE_SAFETY,
        title: "State Machine Safety",
        rule: "If a server has applied a log entry at a given index, no other server will ever apply a different log entry for that index.",
        source: "Raft, Figure 3",
    },
    InvariantSpec {
        name: PROGRESS,
        title: "Progress",
        rule: "Once every server is up and every link works, a leader is elected within 10 of the longest election timeouts (when timeouts are random and well above the network's delay).",
        source: "Raft §5.2, §5.6",
    },
];

impl Checker<RaftNode> for RaftChecker {
    const INVARIANTS: &'static [InvariantSpec] = INVARIANTS;

    fn new(nodes: u32, config: &RaftConfig) -> Self {
        let settings = &config.consensus;
        let n = nodes as usize;
        RaftChecker {
            leaders: BTreeMap::new(),
            leader_log: vec![None; n],
            complete_checked: vec![None; n],
            log_seen: vec![(0, 0); n],
            commit_seen: vec![0; n],
            applied_seen: vec![0; n],
            committed: Vec::new(),
            applied: Vec::new(),
            election_timeout_ms: settings.election_timeout_ms,
            election_rounds: if settings.pre_vote { 2 } else { 1 },
            last_leader_at: 0,
        }
    }

    fn check(
        &mut self,
        hosts: &[Host<RaftNode>],
        touched: NodeId,
        env: &CheckEnv,
        report: &mut dyn FnMut(&'static str, String),
    ) {
        self.check_progress(hosts, env, report);
        let i = (touched - 1) as usize;
        let r = &hosts[i].node;
        let term = r.current_term();
        let log = r.log();
        let is_leader = r.role() == Role::Leader;

        // Election safety.
        if is_leader {
            let first = *self.leaders.entry(term).or_insert(touched);
            if first != touched {
                report(
                    ELECTION_SAFETY,
                    format!("S{first} and S{touched} were both elected leader in term {term}."),
                );
            }
        }

        // Leader append-only.
        if is_leader {
            if let Some(prev) = self.leader_log[i].filter(|p| p.term == term) {
                if log.last_index() < prev.len || log.prefix_hash(prev.len) != Some(prev.prefix) {
                    report(
                        LEADER_APPEND_ONLY,
                        format!(
                            "S{touched}, leader of term {term}, removed or overwrote entries \
                             of its own log (it had {} entries).",
                            prev.len
                        ),
                    );
                }
            }
            let len = log.last_index();
            self.leader_log[i] = Some(LeaderLog {
                term,
                len,
                prefix: log.prefix_hash(len).unwrap_or(0),
            });
        } else {
            self.leader_log[i] = None;
        }

        // Log matching: only the touched node's log can have changed.
        let seen = (
            log.last_index(),
            log.prefix_hash(log.last_index()).unwrap_or(0),
        );
        if seen != self.log_seen[i] {
            self.log_seen[i] = seen;
            for other in hosts.iter().filter(|h| h.id != touched) {
                let o = other.node.log();
                // Under the property, the indexes where two logs' terms agree form a
                // prefix; find the highest and compare the prefixes ending there.
                let mut k = log.last_index().min(o.last_index());
                while k > 0 && log.term_at(k) != o.term_at(k) {
                    k -= 1;
                }
                if k > 0 && log.prefix_hash(k) != o.prefix_hash(k) {
                    report(
                        LOG_MATCHING,
                        format!(
                            "S{touched} and S{} both have an entry of term {} at index {k}, \
                             but their logs differ at or before that index.",
                            other.id,
                            log.term_at(k)
                        ),
                    );
                }
            }
        }

        // Newly committed entries: remember the first version of each.
        let commit = r.commit_index();
        let mut new_commits = false;
        if commit > self.commit_seen[i] {
            for index in self.commit_seen[i] + 1..=commit {
                if index as usize > self.committed.len() {
                    self.committed.push(Committed {
                        term: log.term_at(index),
                        prefix: log.prefix_hash(index).unwrap_or(0),
                        in_term: term,
                    });
                    new_commits = true;
                }
            }
        }
        self.commit_seen[i] = commit;

        // Leader completeness: a new leader must hold everything committed in earlier
        // terms; a later commit of an earlier term must be in every newer leader's log.
        if is_leader && self.complete_checked[i] != Some(term) {
            self.complete_checked[i] = Some(term);
            self.check_leader_complete(r, report);
        }
        if new_commits {
            for h in hosts
                .iter()
                .filter(|h| h.up && h.node.role() == Role::Leader)
            {
                if h.node.current_term() > term {
                    self.check_leader_complete(&h.node, report);
                }
            }
        }

        // State machine safety.
        let applied = r.last_applied();
        if applied > self.applied_seen[i] {
            for index in self.applied_seen[i] + 1..=applied {
                let Some(entry) = log.get(index) else { break };
                let hash = entry.hash();
                match self.applied.get((index - 1) as usize) {
                    None => self.applied.push(Applied {
                        hash,
                        by: touched,
                        term: entry.term,
                        payload: entry.payload.clone(),
                    }),
                    Some(first) if first.hash != hash => report(
                        STATE_MACHINE_SAFETY,
                        format!(
                            "S{touched} applied {} (term {}) at index {index}, but S{} had \
                             applied {} (term {}) there.",
                            value_text(&entry.payload),
                            entry.term,
                            first.by,
                            value_text(&first.payload),
                            first.term
                        ),
                    ),
                    Some(_) => {}
                }
            }
        }
        self.applied_seen[i] = applied;
    }
}
