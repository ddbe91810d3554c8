//! Raft as a key-value store (thesis §6.4): the state machine every server applies its
//! committed entries to, and what a leader owes its clients while they wait.
//!
//! Writes go through the log and are answered once applied. Reads take one of three
//! paths ([`Reads`](super::settings::Reads)): through the log like writes; by ReadIndex,
//! where the leader confirms with a round of heartbeats that it still leads; or under a
//! lease, the time in which no other leader can have been elected. Rounds of heartbeats
//! are numbered ([`Rounds`]): each AppendEntries carries the current round and each reply
//! echoes it, so the leader knows which of its followers answered a message sent after a
//! given moment, however the network reorders them.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use serde_json::Value;

use super::log::Payload;
use crate::sim::client::OpId;
use crate::sim::{NodeId, Time};

/// The replicated state machine: registers, written in log order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Store {
    registers: BTreeMap<Rc<str>, Rc<str>>,
}

impl Store {
    /// Applies one committed entry's command (only writes change anything).
    pub fn apply(&mut self, payload: &Payload) {
        if let Payload::Write { key, value } = payload {
            self.registers.insert(Rc::clone(key), Rc::clone(value));
        }
    }

    /// What register `key` holds (`None`: never written).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.registers.get(key).map(|v| &**v)
    }

    /// Every register, by key.
    pub fn registers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.registers.iter().map(|(k, v)| (&**k, &**v))
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.registers.is_empty()
    }

    /// As `qlab run` reports it: `{"x": "1"}`.
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.registers()
                .map(|(k, v)| (k.to_string(), Value::from(v)))
                .collect(),
        )
    }
}

/// A read waiting at the leader for ReadIndex (§6.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRead {
    /// The client's operation.
    pub op: OpId,
    /// The register.
    pub key: Rc<str>,
    /// The commit index when the read could start (an entry of the leader's own term
    /// committed); `None` while it waits for that.
    pub read_index: Option<u64>,
    /// The heartbeat round a majority must acknowledge (0 until the read index is set).
    pub round: u64,
}

/// A leader's numbered rounds of heartbeats and who acknowledged which.
///
/// A round starts when a read needs its leadership confirmed, when the leader is elected
/// and, with leases, at every heartbeat. Every AppendEntries carries the latest round;
/// a reply in the leader's term proves the follower still followed it when it answered
/// a message sent at or after that round's start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rounds {
    current: u64,
    /// Recent rounds and when each started, oldest first (older ones are forgotten: a
    /// lease cannot rest on them anyway).
    started: VecDeque<(u64, Time)>,
    /// Per node (index `id - 1`), the highest round it acknowledged in this term.
    acked: Vec<u64>,
}

impl Rounds {
    /// A new term of leadership: nobody has acknowledged anything yet.
    pub fn reset(&mut self, nodes: u32) {
        self.started.clear();
        self.acked = vec![0; nodes as usize];
    }

    /// The round the leader's messages carry now.
    pub fn current(&self) -> u64 {
        self.current
    }

    /// Starts a round at `now` and returns its number. Rounds older than `keep_ms` are
    /// forgotten.
    pub fn start(&mut self, now: Time, keep_ms: Time) -> u64 {
        self.current += 1;
        while self
            .started
            .front()
            .is_some_and(|&(_, t)| t.saturating_add(keep_ms) <= now)
        {
            self.started.pop_front();
        }
        self.started.push_back((self.current, now));
        self.current
    }

    /// `peer` answered a message of round `round`.
    pub fn ack(&mut self, peer: NodeId, round: u64) {
        if let Some(a) = self.acked.get_mut((peer - 1) as usize) {
            *a = (*a).max(round);
        }
    }

    /// True when a majority (the leader, `me`, included) acknowledged round `round` or
    /// a later one.
    pub fn confirmed(&self, round: u64, me: NodeId, majority: u32) -> bool {
        let acks = self
            .acked
            .iter()
            .enumerate()
            .filter(|&(i, &a)| i as u32 + 1 != me && a >= round)
            .count() as u32;
        1 + acks >= majority
    }

    /// §6.4.1: until when the leader `me` holds a lease of `lease_ms`: a majority (itself
    /// included) acknowledged rounds that started at `t` or later, and none of them
    /// votes for another candidate before `t + lease_ms`. `None`: no lease.
    pub fn lease_until(&self, me: NodeId, majority: u32, lease_ms: Time) -> Option<Time> {
        let needed = majority.saturating_sub(1) as usize;
        if needed == 0 {
            // A single server is its own majority: no other leader can arise.
            return Some(Time::MAX);
        }
        let mut starts: Vec<Time> = self
            .acked
            .iter()
            .enumerate()
            .filter(|&(i, _)| i as u32 + 1 != me)
            .filter_map(|(_, &round)| self.started_at(round))
            .collect();
        if starts.len() < needed {
            return None;
        }
        crate::sort::sort_by(&mut starts, |a, b| b.cmp(a));
        Some(starts[needed - 1].saturating_add(lease_ms))
    }

    fn started_at(&self, round: u64) -> Option<Time> {
        self.started
            .iter()
            .find(|&&(r, _)| r == round)
            .map(|&(_, t)| t)
    }
}

/// What a leader owes its clients. Volatile: lost in a crash, and given up when the
/// leader steps down (a write's entry may still commit under the next leader, so its
/// client is told nothing and records the outcome as unknown).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owed {
    /// Entries of this leader's log that carry a client's write (or log read), by index.
    pub entries: BTreeMap<u64, OpId>,
    /// Reads waiting for their read index to be confirmed.
    pub reads: Vec<PendingRead>,
    /// Heartbeat rounds and their acknowledgements.
    pub rounds: Rounds,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_applies_writes_in_order_and_ignores_everything_else() {
        let mut s = Store::default();
        s.apply(&Payload::Noop);
        s.apply(&Payload::Value("a".into()));
        s.apply(&Payload::Write {
            key: "x".into(),
            value: "1".into(),
        });
        s.apply(&Payload::Read { key: "x".into() });
        s.apply(&Payload::Write {
            key: "x".into(),
            value: "2".into(),
        });
        assert_eq!(s.get("x"), Some("2"));
        assert_eq!(s.get("y"), None);
        assert_eq!(s.to_json(), serde_json::json!({ "x": "2" }));
    }

    #[test]
    fn a_round_is_confirmed_by_a_majority_and_a_lease_lasts_from_the_send() {
        let mut r = Rounds::default();
        r.reset(5);
        let one = r.start(100, 150);
        r.ack(2, one);
        assert!(!r.confirmed(one, 1, 3));
        assert_eq!(r.lease_until(1, 3, 150), None);
        r.ack(3, one);
        assert!(r.confirmed(one, 1, 3));
        // Measured from when round one was sent, not from when it was acknowledged.
        assert_eq!(r.lease_until(1, 3, 150), Some(250));
        let two = r.start(200, 150);
        r.ack(4, two);
        assert!(!r.confirmed(two, 1, 3));
        // S3 and S4 acknowledged rounds from 100 and 200: the older one bounds the lease.
        r.ack(2, two);
        assert_eq!(r.lease_until(1, 3, 150), Some(350));
        // A round forgotten (older than the lease) holds no lease.
        r.start(400, 150);
        r.start(500, 150);
        assert_eq!(r.lease_until(1, 3, 150), None);
        // One server alone is always its own majority.
        let mut alone = Rounds::default();
        alone.reset(1);
        assert!(alone.confirmed(1, 1, 1));
        assert_eq!(alone.lease_until(1, 1, 150), Some(Time::MAX));
    }
}
