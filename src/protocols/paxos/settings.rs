//! Paxos's settings (`"paxos": {...}` in a scenario): their defaults, how the block is read
//! and checked, and how it is written back with every field.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::scenario::check::{self, parse_block, present};
use crate::scenario::{limits, Scenario, ScenarioError};

/// A deliberate bug, for teaching what each rule of Paxos protects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mutation {
    /// An acceptor accepts a ballot lower than one it promised (breaks P1a).
    AcceptBelowPromise,
    /// Phase 2 proposes the proposer's own value even when a promise reported an accepted
    /// one (breaks P2c).
    IgnoreAcceptedValue,
    /// Promises and accepted values are lost in a crash (acceptor state is not stable).
    ForgetPromise,
    /// Every retry waits the range's lower bound: duelling proposers stay in step.
    FixedRetry,
}

impl Mutation {
    /// Every mutation, in the order the page lists them.
    pub const ALL: [Mutation; 4] = [
        Mutation::AcceptBelowPromise,
        Mutation::IgnoreAcceptedValue,
        Mutation::ForgetPromise,
        Mutation::FixedRetry,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Mutation::AcceptBelowPromise => "accept_below_promise",
            Mutation::IgnoreAcceptedValue => "ignore_accepted_value",
            Mutation::ForgetPromise => "forget_promise",
            Mutation::FixedRetry => "fixed_retry",
        }
    }

    /// The mutation with this scenario name.
    pub fn from_name(name: &str) -> Option<Mutation> {
        Mutation::ALL.into_iter().find(|m| m.name() == name)
    }

    /// One line on the rule it removes, for the page.
    pub const fn removes(self) -> &'static str {
        match self {
            Mutation::AcceptBelowPromise => {
                "Acceptors may accept a proposal numbered below a prepare request they answered \
                 (P1a, §2.2)."
            }
            Mutation::IgnoreAcceptedValue => {
                "A proposer may propose its own value although a promise reported an accepted \
                 one (P2c, §2.2)."
            }
            Mutation::ForgetPromise => {
                "Acceptors keep their promise and accepted value only in memory, not in stable \
                 storage (§2.3)."
            }
            Mutation::FixedRetry => {
                "Retries are not randomized: every failed round waits the same delay (§2.4)."
            }
        }
    }
}

impl fmt::Display for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Paxos's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaxosSettings {
    /// Multi-Paxos (a leader and a log of slots) instead of a single decree.
    pub multi: bool,
    /// Inclusive range a retry delay is drawn from (Multi-Paxos: also how long a follower
    /// waits for a heartbeat); `None`: rounds start only by `timeout` and `request` actions.
    pub retry_ms: Option<(u64, u64)>,
    /// The Multi-Paxos leader's heartbeat interval.
    pub heartbeat_ms: u64,
    /// Deliberate bugs, sorted, without repeats.
    pub mutations: Vec<Mutation>,
}

impl PaxosSettings {
    /// True when `m` is switched on.
    pub fn has(&self, m: Mutation) -> bool {
        self.mutations.contains(&m)
    }
}

/// `paxos.retry_ms`.
pub const RETRY_MS: Option<(u64, u64)> = Some((100, 200));
/// `paxos.heartbeat_ms`.
pub const HEARTBEAT_MS: u64 = 50;

impl Default for PaxosSettings {
    /// SCENARIO.md's example values.
    fn default() -> Self {
        PaxosSettings {
            multi: false,
            retry_ms: RETRY_MS,
            heartbeat_ms: HEARTBEAT_MS,
            mutations: Vec::new(),
        }
    }
}

/// The block as written: every field optional, unknown fields rejected.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaxos {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    multi: Option<bool>,
    /// Missing: the default range; `null`: retries only by `timeout`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    retry_ms: Option<Option<[u64; 2]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heartbeat_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mutations: Option<Vec<String>>,
}

impl PaxosSettings {
    /// Reads and checks the `paxos` block's JSON text (`None`: every default).
    pub fn parse(text: Option<&str>) -> Result<PaxosSettings, ScenarioError> {
        let d = PaxosSettings::default();
        let Some(text) = text else { return Ok(d) };
        let raw: RawPaxos = parse_block("paxos", text)?;
        let retry_ms = match raw.retry_ms {
            None => d.retry_ms,
            Some(None) => None,
            Some(Some(v)) => Some(check::range("paxos.retry_ms", v, 1, limits::MAX_TIMER_MS)?),
        };
        let heartbeat_ms = check::timer_ms(
            "paxos.heartbeat_ms",
            raw.heartbeat_ms.unwrap_or(d.heartbeat_ms),
        )?;
        let names: Vec<&str> = Mutation::ALL.iter().map(|m| m.name()).collect();
        let mutations = check::mutations("paxos", &raw.mutations.unwrap_or_default(), &names)?
            .into_iter()
            .filter_map(Mutation::from_name)
            .collect();
        Ok(PaxosSettings {
            multi: raw.multi.unwrap_or(d.multi),
            retry_ms,
            heartbeat_ms,
            mutations,
        })
    }

    /// The block with every field written out.
    pub fn to_value(&self) -> Value {
        let raw = RawPaxos {
            multi: Some(self.multi),
            retry_ms: Some(self.retry_ms.map(|(a, b)| [a, b])),
            heartbeat_ms: Some(self.heartbeat_ms),
            mutations: Some(
                self.mutations
                    .iter()
                    .map(|m| m.name().to_string())
                    .collect(),
            ),
        };
        serde_json::to_value(raw).expect("settings serialize")
    }

    /// The settings of a Paxos scenario (its block was checked when it was read).
    pub fn of(scenario: &Scenario) -> PaxosSettings {
        PaxosSettings::parse(Some(&scenario.settings.to_string()))
            .expect("a scenario's settings block was checked when it was read")
    }
}

/// The spec's `settings`: checks the block and writes it back with every field.
pub(super) fn canonical(text: Option<&str>) -> Result<Value, ScenarioError> {
    PaxosSettings::parse(text).map(|s| s.to_value())
}

/// The spec's `warnings`: a Multi-Paxos heartbeat at or above the shortest retry delay.
pub(super) fn warnings(block: &Value) -> Vec<(&'static str, String)> {
    let Ok(s) = PaxosSettings::parse(Some(&block.to_string())) else {
        return Vec::new();
    };
    match s.retry_ms {
        Some((lo, _)) if s.multi && s.heartbeat_ms >= lo => vec![(
            "heartbeat_ms",
            "At or above the shortest retry delay: followers will stop waiting for the leader \
             between heartbeats and start phase 1 under a working leader."
                .to_string(),
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_defaults_to_scenario_md_and_round_trips() {
        let d = PaxosSettings::parse(None).unwrap();
        assert_eq!(d, PaxosSettings::default());
        assert_eq!(
            d.to_value(),
            serde_json::json!({
                "multi": false, "retry_ms": [100, 200], "heartbeat_ms": 50, "mutations": []
            })
        );
        let s = PaxosSettings::parse(Some(
            r#"{"multi": true, "retry_ms": null, "mutations": ["fixed_retry", "forget_promise"]}"#,
        ))
        .unwrap();
        assert!(s.multi && s.retry_ms.is_none());
        assert_eq!(
            s.mutations,
            [Mutation::ForgetPromise, Mutation::FixedRetry],
            "sorted in the order the page lists them"
        );
        assert_eq!(PaxosSettings::parse(Some(&s.to_value().to_string())), Ok(s));
    }

    #[test]
    fn errors_name_the_field() {
        let err = |text: &str| PaxosSettings::parse(Some(text)).unwrap_err().to_string();
        assert_eq!(
            err(r#"{"heartbeat_ms": 0}"#),
            "paxos.heartbeat_ms: must be at least 1"
        );
        assert_eq!(
            err(r#"{"retry_ms": [300, 200]}"#),
            "paxos.retry_ms: the lower bound (300) must not exceed the upper bound (200)"
        );
        assert!(err(r#"{"mutations": ["nope"]}"#).starts_with("paxos.mutations[0]: unknown"));
        assert!(err(r#"{"election_timeout_ms": null}"#).contains("unknown field"));
    }

    #[test]
    fn a_slow_heartbeat_is_warned_about_only_in_multi_paxos() {
        let warn = |text: &str| warnings(&serde_json::from_str(text).unwrap());
        assert!(warn(r#"{"heartbeat_ms": 150}"#).is_empty());
        assert_eq!(
            warn(r#"{"multi": true, "heartbeat_ms": 150}"#)[0].0,
            "heartbeat_ms"
        );
    }
}
