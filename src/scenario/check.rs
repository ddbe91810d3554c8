//! Validation helpers shared by the envelope and every protocol's settings block, so that
//! every field of every protocol fails with the same kind of sentence at its own path.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::limits;
use super::ScenarioError;

/// serde's message without its " at line 1 column 20" (the path says where).
pub fn plain_serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Parses JSON `text` as `T`, naming the failing field by its path under `key`
/// (`raft.heartbeat_ms: invalid type: …`). A protocol reads its settings block with it.
pub fn parse_block<T: DeserializeOwned>(key: &str, text: &str) -> Result<T, ScenarioError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.path().to_string();
        let path = if inner == "." || inner == "?" {
            key.to_string()
        } else {
            format!("{key}.{inner}")
        };
        ScenarioError::at(path, plain_serde_message(&e.into_inner()))
    })
}

/// An inclusive range `[lo, hi]` within `min..=max`, its problems named at `path`.
pub fn range(path: &str, v: [u64; 2], min: u64, max: u64) -> Result<(u64, u64), ScenarioError> {
    let [lo, hi] = v;
    if lo < min {
        return Err(ScenarioError::at(
            format!("{path}[0]"),
            format!("must be at least {min}"),
        ));
    }
    if hi > max {
        return Err(ScenarioError::at(
            format!("{path}[1]"),
            format!("must be at most {max}"),
        ));
    }
    if lo > hi {
        return Err(ScenarioError::at(
            path,
            format!("the lower bound ({lo}) must not exceed the upper bound ({hi})"),
        ));
    }
    Ok((lo, hi))
}

/// A number within `min..=max`.
pub fn within(path: &str, v: u64, min: u64, max: u64) -> Result<u64, ScenarioError> {
    if v < min {
        return Err(ScenarioError::at(path, format!("must be at least {min}")));
    }
    if v > max {
        return Err(ScenarioError::at(path, format!("must be at most {max}")));
    }
    Ok(v)
}

/// A timer interval in milliseconds: 1 to [`limits::MAX_TIMER_MS`].
pub fn timer_ms(path: &str, v: u64) -> Result<u64, ScenarioError> {
    within(path, v, 1, limits::MAX_TIMER_MS)
}

/// A probability from 0 to 1.
pub fn probability(path: &str, p: f64) -> Result<f64, ScenarioError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(ScenarioError::at(path, "must be a probability from 0 to 1"));
    }
    Ok(p)
}

/// A list of mutation names, each one of `known`, none twice; returned sorted in the
/// order of `known` (so two spellings of one set compare equal).
pub fn mutations(
    key: &str,
    names: &[String],
    known: &[&'static str],
) -> Result<Vec<&'static str>, ScenarioError> {
    let mut out: Vec<&'static str> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let path = format!("{key}.mutations[{i}]");
        let m = known.iter().find(|k| **k == name).ok_or_else(|| {
            ScenarioError::at(
                &path,
                format!("unknown mutation {name:?} (known: {})", known.join(", ")),
            )
        })?;
        if out.contains(m) {
            return Err(ScenarioError::at(path, format!("{name:?} is listed twice")));
        }
        out.push(m);
    }
    crate::sort::sort_by_key(&mut out, |m| known.iter().position(|k| k == m));
    Ok(out)
}

/// Tells a field that is present (even as `null`) from one left out: use with
/// `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>`.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}
