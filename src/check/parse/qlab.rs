//! The `qlab` format: the `history` array of `qlab run`, or its whole output.

use serde_json::Value;

use super::{ParseError, Place};
use crate::check::history::{self, History, Source};

/// Reads a `qlab` history. Errors name the field by its path (`history[3].result`).
pub fn parse(text: &str) -> Result<History, ParseError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        ParseError::line(
            u32::try_from(e.line()).unwrap_or(u32::MAX),
            format!(
                "not valid JSON: {}",
                crate::scenario::check::plain_serde_message(&e)
            ),
        )
    })?;
    let items = match &doc {
        Value::Array(items) => items,
        Value::Object(m) => match m.get("history") {
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(ParseError {
                    place: Place::Field("history".into()),
                    message: "must be an array of operations".into(),
                })
            }
            None => {
                return Err(ParseError::file(
                    "no \"history\" field: expected qlab run's output or its history array",
                ))
            }
        },
        _ => {
            return Err(ParseError::file(
                "expected qlab run's output or its history array",
            ))
        }
    };
    let mut ops = Vec::with_capacity(items.len());
    let mut outstanding: std::collections::BTreeMap<u64, (usize, u64)> = Default::default();
    for (i, item) in items.iter().enumerate() {
        let mut op = history::from_record(item).map_err(|(field, message)| ParseError {
            place: Place::Field(if field.is_empty() {
                format!("history[{i}]")
            } else {
                format!("history[{i}].{field}")
            }),
            message,
        })?;
        // A client has at most one operation outstanding (SCENARIO.md): its next one
        // starts after the previous one completed or was given up on.
        if let Some(&(j, until)) = outstanding.get(&op.client) {
            if op.invoke < until {
                return Err(ParseError {
                    place: Place::Field(format!("history[{i}].invoke_ms")),
                    message: format!(
                        "client {} invokes at {} ms while its operation history[{j}] is outstanding until {until} ms",
                        op.client, op.invoke
                    ),
                });
            }
        }
        outstanding.insert(op.client, (i, op.complete.unwrap_or(u64::MAX)));
        op.source = Some(Source::Index(i));
        ops.push(op);
    }
    Ok(History { ops })
}
