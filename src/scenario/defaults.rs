//! Every default of the scenario format, in one place (SCENARIO.md's example values).
//! A field left out of a scenario takes the value here.

use crate::protocols::raft::RaftSettings;
use crate::sim::{NetworkMode, NetworkSettings};

/// The only scenario format version this build reads and writes.
pub const VERSION: u32 = 1;
/// `seed`.
pub const SEED: u64 = 42;
/// `nodes`.
pub const NODES: u32 = 5;
/// `network.mode`.
pub const NETWORK_MODE: NetworkMode = NetworkMode::Auto;
/// `network.latency_ms`.
pub const LATENCY_MS: (u64, u64) = (10, 30);
/// `network.loss`.
pub const LOSS: f64 = 0.0;
/// `network.duplicate`.
pub const DUPLICATE: f64 = 0.0;
/// `raft.election_timeout_ms`.
pub const ELECTION_TIMEOUT_MS: Option<(u64, u64)> = Some((150, 300));
/// `raft.heartbeat_ms`.
pub const HEARTBEAT_MS: u64 = 50;
/// `raft.leader_noop`, `raft.pre_vote`, `raft.check_quorum`.
pub const LEADER_NOOP: bool = false;
/// See [`LEADER_NOOP`].
pub const PRE_VOTE: bool = false;
/// See [`LEADER_NOOP`].
pub const CHECK_QUORUM: bool = false;
/// How long `qlab run` goes past the last script action when `--until-ms` is not given.
pub const RUN_PAST_LAST_ACTION_MS: u64 = 5_000;

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            mode: NETWORK_MODE,
            latency_ms: LATENCY_MS,
            loss: LOSS,
            duplicate: DUPLICATE,
        }
    }
}

impl Default for RaftSettings {
    fn default() -> Self {
        RaftSettings {
            election_timeout_ms: ELECTION_TIMEOUT_MS,
            heartbeat_ms: HEARTBEAT_MS,
            leader_noop: LEADER_NOOP,
            pre_vote: PRE_VOTE,
            check_quorum: CHECK_QUORUM,
            mutations: Vec::new(),
        }
    }
}
