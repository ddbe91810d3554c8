//! Jepsen's etcd test logs, as in Porcupine's test data:
//!
//! ```text
//! INFO  jepsen.util - 3    :invoke    :cas    [1 4]
//! INFO  jepsen.util - 3    :fail      :cas    [1 4]
//! ```
//!
//! (the fields are separated by tabs or spaces).
//!
//! One compare-and-set register that starts empty. Read as Porcupine's own test suite
//! reads these logs: `:ok :read nil` read the empty register; `:fail :cas` completed and
//! returned false (the register did not hold the expected value); `:fail :read` (a read
//! that timed out) tells nothing; `:info` (a timed-out write or CAS) may have happened.
//! A `:fail :write` did not happen. Lines of other loggers, and of the nemesis, are skipped.

use super::ops::{Pairing, Raw};
use super::ParseError;
use crate::check::edn::{self, Edn};
use crate::check::history::{Call, History, Outcome, Read, Value};

/// Whether `line` is an operation line of a Jepsen log.
pub fn is_op_line(line: &str) -> bool {
    line.contains("jepsen.util") && fields(line).is_some()
}

/// The process and the rest of an operation line (`3`, `:invoke :cas [1 4]`).
fn fields(line: &str) -> Option<(&str, &str)> {
    let after = &line[line.find("jepsen.util")? + "jepsen.util".len()..];
    let after = after.trim_start().strip_prefix('-')?.trim_start();
    let end = after.find(char::is_whitespace)?;
    Some((&after[..end], after[end..].trim()))
}

/// Reads a Jepsen log.
pub fn parse(text: &str) -> Result<History, ParseError> {
    let mut pairing = Pairing::default();
    for (i, line) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if !line.contains("jepsen.util") {
            continue;
        }
        let Some((process, rest)) = fields(line) else {
            continue;
        };
        // The nemesis (`:nemesis`) is not a client.
        let Ok(client) = process.parse::<u64>() else {
            continue;
        };
        let forms = edn::read_all(rest).map_err(|e| ParseError::line(n, e.message))?;
        let word = |k: usize| match forms.get(k).map(|f| &f.value) {
            Some(Edn::Keyword(w)) => Some(w.as_str()),
            _ => None,
        };
        let (Some(kind), Some(f)) = (word(0), word(1)) else {
            return Err(ParseError::line(
                n,
                "expected `PROCESS :TYPE :F VALUE` after `jepsen.util -`",
            ));
        };
        let value = forms.get(2).map(|f| f.value.clone()).unwrap_or(Edn::Nil);
        pairing.event(
            n,
            Raw {
                client,
                kind: kind.to_string(),
                f: f.to_string(),
                key: None,
                value,
            },
        )?;
    }
    pairing.finish(call)
}

/// An integer of the log, or an error naming what it should have been.
fn int(line: u32, v: &Edn, what: &str) -> Result<Value, ParseError> {
    match v {
        Edn::Int(i) => Ok(Value::Int(*i)),
        other => Err(ParseError::line(
            line,
            format!("{what} must be an integer, not {other}"),
        )),
    }
}

/// The call of a completed (or outstanding) invocation, in Porcupine's reading.
fn call(invoke: &Raw, end: Option<(&Raw, u32)>, line: u32) -> Result<(Call, Outcome), ParseError> {
    let kind = end.map(|(r, _)| r.kind.as_str());
    match invoke.f.as_str() {
        "read" => {
            let (read, outcome) = match (kind, end) {
                (Some("ok"), Some((r, l))) => (
                    match &r.value {
                        Edn::Nil => Read::Empty,
                        v => Read::Value(int(l, v, "a read's value")?),
                    },
                    Outcome::Ok,
                ),
                (Some("fail"), _) => (Read::Unknown, Outcome::Fail),
                _ => (Read::Unknown, Outcome::Info),
            };
            Ok((
                Call::Read {
                    key: String::new(),
                    read,
                },
                outcome,
            ))
        }
        "write" => Ok((
            Call::Write {
                key: String::new(),
                value: int(line, &invoke.value, "a write's value")?,
            },
            match kind {
                Some("ok") => Outcome::Ok,
                Some("fail") => Outcome::Fail,
                _ => Outcome::Info,
            },
        )),
        "cas" => {
            let pair = match &invoke.value {
                Edn::Vector(v) if v.len() == 2 => (
                    int(line, &v[0].value, "a cas's expected value")?,
                    int(line, &v[1].value, "a cas's new value")?,
                ),
                other => {
                    return Err(ParseError::line(
                        line,
                        format!("a cas's value must be [from to], not {other}"),
                    ))
                }
            };
            let (swapped, outcome) = match kind {
                Some("ok") => (true, Outcome::Ok),
                // Porcupine's etcd model: a failed CAS completed and answered "no".
                Some("fail") => (false, Outcome::Ok),
                _ => (true, Outcome::Info),
            };
            Ok((
                Call::Cas {
                    key: String::new(),
                    from: pair.0,
                    to: pair.1,
                    swapped,
                },
                outcome,
            ))
        }
        other => Err(ParseError::line(
            line,
            format!("unknown operation :{other} (a Jepsen etcd log has :read, :write and :cas)"),
        )),
    }
}
