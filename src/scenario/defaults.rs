//! Every default of the scenario envelope, in one place (SCENARIO.md's example values).
//! A field left out of a scenario takes the value here; each protocol keeps the defaults
//! of its own settings block in its folder.

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
