//! Network settings of a scenario (`"network": {...}`).

/// How messages travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkMode {
    /// Each message arrives after a latency drawn from the seed, unless lost.
    Auto,
    /// Messages wait in flight until a `deliver` or `drop` action decides.
    Manual,
}

impl NetworkMode {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            NetworkMode::Auto => "auto",
            NetworkMode::Manual => "manual",
        }
    }
}

/// The network's fault model. Defaults are in `scenario::defaults`.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkSettings {
    /// Automatic or manual delivery.
    pub mode: NetworkMode,
    /// Inclusive latency range in simulated milliseconds (auto mode).
    pub latency_ms: (u64, u64),
    /// Probability that a message is lost in transit (auto mode).
    pub loss: f64,
    /// Probability that a message is delivered twice (auto mode).
    pub duplicate: f64,
}
