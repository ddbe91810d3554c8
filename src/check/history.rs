//! The history of client operations that the checkers read.
//!
//! An [`Operation`] is one request of one client: what it asked ([`Call`]), when it was
//! invoked and when it completed, and how it ended ([`Outcome`]), in Jepsen's sense:
//!
//! - `ok`: it took effect, and what it returned is known (a read's value is in its call);
//! - `fail`: it certainly did not take effect;
//! - `info`: unknown. It may or may not have taken effect, at any moment after it was
//!   invoked, even after the client gave up. A checker never reads `info` as `fail`.
//!
//! Times are simulated milliseconds for `qlab` histories and event positions for the
//! formats that have no clock (a Jepsen log, an EDN file: the first event is 0, the next 1,
//! and so on), so "A completed before B was invoked" is `a.complete < b.invoke` either way.
//! Two events at the same millisecond count as concurrent: the checker never invents an
//! order the history did not record.
//!
//! The serde form of an [`Operation`] is exactly one entry of the `history` array of
//! `qlab run` (SCENARIO.md, "Clients and histories"):
//!
//! ```json
//! { "client": 1, "op": "write", "key": "x", "value": "1", "node": 1,
//!   "invoke_ms": 10, "complete_ms": 42, "result": "ok" }
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value as Json};

/// A value an operation writes or a register holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// An integer (Jepsen's and Knossos's registers hold small integers).
    Int(i64),
    /// A string (`qlab` registers and Porcupine's key-value store hold strings).
    Str(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// What a read returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Read {
    /// The register held this value.
    Value(Value),
    /// The register had never been written (`qlab`'s `"read": null`, a Jepsen log's
    /// `:ok :read nil`).
    Empty,
    /// Several concurrent versions at once (a quorum store keeping siblings:
    /// `"read": ["1", "2"]`, sorted). No single register can return that.
    Siblings(Vec<Value>),
    /// Not known: the read did not complete, or the format says a `nil` read tells
    /// nothing (Knossos). An unknown read constrains nothing.
    Unknown,
}

impl fmt::Display for Read {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Read::Value(v) => write!(f, "{v}"),
            Read::Empty => f.write_str("nothing (never written)"),
            Read::Siblings(vs) => {
                let list: Vec<String> = vs.iter().map(Value::to_string).collect();
                write!(f, "the siblings [{}]", list.join(", "))
            }
            Read::Unknown => f.write_str("an unknown value"),
        }
    }
}

/// One step of a multi-register transaction (Knossos's `[:read :x 1]`, `[:write :y 2]`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Micro {
    /// Reads register `key`.
    Read {
        /// The register.
        key: String,
        /// What it returned.
        read: Read,
    },
    /// Writes `value` to register `key`.
    Write {
        /// The register.
        key: String,
        /// The value written.
        value: Value,
    },
}

/// What an operation asked for, with what it returned when that is part of the call (a
/// read's value, a compare-and-set's answer), as Knossos fills invocations in from their
/// completions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// Reads register `key`.
    Read {
        /// The register.
        key: String,
        /// What it returned ([`Read::Unknown`] unless the operation is `ok`).
        read: Read,
    },
    /// Writes `value` to register `key`.
    Write {
        /// The register.
        key: String,
        /// The value written.
        value: Value,
    },
    /// Compare-and-set: if `key` holds `from`, it now holds `to`.
    Cas {
        /// The register.
        key: String,
        /// The value expected.
        from: Value,
        /// The value written when the expected one was there.
        to: Value,
        /// For an `ok` operation, whether it swapped. A Jepsen etcd log's `:fail :cas`
        /// is an `ok` CAS that answered "no" (`swapped: false`): it completed, and saw a
        /// value other than `from`.
        swapped: bool,
    },
    /// Porcupine's key-value get: the string under `key` (`""` when never written).
    Get {
        /// The key.
        key: String,
        /// What it returned (`None` unless the operation is `ok`).
        read: Option<String>,
    },
    /// Porcupine's key-value put: `key` now holds `value`.
    Put {
        /// The key.
        key: String,
        /// The new string.
        value: String,
    },
    /// Porcupine's key-value append: `value` is added to the end of `key`'s string.
    Append {
        /// The key.
        key: String,
        /// The string appended.
        value: String,
    },
    /// A Knossos multi-register transaction: its steps, applied atomically in order.
    Txn {
        /// The steps, with what the reads returned.
        ops: Vec<Micro>,
    },
    /// Takes the (single) lock.
    Acquire,
    /// Gives the lock back.
    Release,
}

impl Call {
    /// The operation's name as the formats write it (`read`, `write`, `cas`, `get`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Call::Read { .. } => "read",
            Call::Write { .. } => "write",
            Call::Cas { .. } => "cas",
            Call::Get { .. } => "get",
            Call::Put { .. } => "put",
            Call::Append { .. } => "append",
            Call::Txn { .. } => "txn",
            Call::Acquire => "acquire",
            Call::Release => "release",
        }
    }

    /// The register or key the operation is on, if it is on exactly one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Call::Read { key, .. }
            | Call::Write { key, .. }
            | Call::Cas { key, .. }
            | Call::Get { key, .. }
            | Call::Put { key, .. }
            | Call::Append { key, .. } => Some(key),
            Call::Txn { .. } | Call::Acquire | Call::Release => None,
        }
    }

    /// Whether the operation can change state (a read cannot).
    pub fn writes(&self) -> bool {
        match self {
            Call::Read { .. } | Call::Get { .. } => false,
            Call::Txn { ops } => ops.iter().any(|m| matches!(m, Micro::Write { .. })),
            _ => true,
        }
    }

    /// The same call with every returned value forgotten: what is known of an operation
    /// whose outcome is unknown.
    pub fn without_results(&self) -> Call {
        match self {
            Call::Read { key, .. } => Call::Read {
                key: key.clone(),
                read: Read::Unknown,
            },
            Call::Get { key, .. } => Call::Get {
                key: key.clone(),
                read: None,
            },
            Call::Cas { key, from, to, .. } => Call::Cas {
                key: key.clone(),
                from: from.clone(),
                to: to.clone(),
                swapped: true,
            },
            Call::Txn { ops } => Call::Txn {
                ops: ops
                    .iter()
                    .map(|m| match m {
                        Micro::Read { key, .. } => Micro::Read {
                            key: key.clone(),
                            read: Read::Unknown,
                        },
                        w => w.clone(),
                    })
                    .collect(),
            },
            other => other.clone(),
        }
    }
}

/// How an operation ended (SCENARIO.md's `result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It took effect; what it returned is known.
    Ok,
    /// It certainly did not take effect.
    Fail,
    /// Unknown: it may or may not have taken effect (timed out, crashed, still
    /// outstanding at the end of the history).
    Info,
}

impl Outcome {
    /// The word the formats use: `ok`, `fail`, `info`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Fail => "fail",
            Outcome::Info => "info",
        }
    }
}

/// Where an operation came from in its file, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// `history[i]` of a `qlab` history.
    Index(usize),
    /// The lines of the invocation and of the completion (if any) in a text file.
    Lines(u32, Option<u32>),
}

/// One operation of one client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The client (Jepsen's process) that issued it. A client has at most one operation
    /// outstanding.
    pub client: u64,
    /// The node the request was sent to (`qlab` histories).
    pub node: Option<u32>,
    /// What was asked, with what it returned.
    pub call: Call,
    /// When it was invoked: simulated ms (`qlab`) or event position (other formats).
    pub invoke: u64,
    /// When it completed (or the client gave up on it); `None`: outstanding at the end.
    pub complete: Option<u64>,
    /// How it ended.
    pub outcome: Outcome,
    /// Where it is in its file, for messages (not part of the serde form).
    pub source: Option<Source>,
}

impl Operation {
    /// Whether it certainly took effect with a known result.
    pub fn is_ok(&self) -> bool {
        self.outcome == Outcome::Ok
    }

    /// Whether it may have taken effect (`ok` or `info`).
    pub fn may_have_happened(&self) -> bool {
        self.outcome != Outcome::Fail
    }

    /// The operation weakened to "may or may not have taken effect, at any time after its
    /// invocation, result unknown". Weakening never makes a history harder to explain,
    /// so a history that stays unexplainable with some operations weakened is a smaller
    /// counterexample.
    pub fn weakened(&self) -> Operation {
        Operation {
            call: self.call.without_results(),
            complete: None,
            outcome: Outcome::Info,
            ..self.clone()
        }
    }
}

/// A whole history: operations in the order they were invoked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// The operations.
    pub ops: Vec<Operation>,
}

impl Serialize for Operation {
    /// The entry of `qlab run`'s `history` array.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        record(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Operation {
    /// An entry of `qlab run`'s `history` array (see [`from_record`]).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Json::deserialize(d)?;
        from_record(&v).map_err(|(field, why)| {
            serde::de::Error::custom(if field.is_empty() {
                why
            } else {
                format!("{field}: {why}")
            })
        })
    }
}

fn read_json(read: &Read) -> Json {
    match read {
        Read::Value(v) => json!(v),
        Read::Empty | Read::Unknown => Json::Null,
        Read::Siblings(vs) => json!(vs),
    }
}

/// The JSON record of an operation, in SCENARIO.md's field order.
pub fn record(op: &Operation) -> Json {
    let mut m = Map::new();
    m.insert("client".into(), json!(op.client));
    m.insert("op".into(), json!(op.call.name()));
    if let Some(key) = op.call.key() {
        m.insert("key".into(), json!(key));
    }
    match &op.call {
        Call::Write { value, .. } => {
            m.insert("value".into(), json!(value));
        }
        Call::Put { value, .. } | Call::Append { value, .. } => {
            m.insert("value".into(), json!(value));
        }
        Call::Cas { from, to, .. } => {
            m.insert("from".into(), json!(from));
            m.insert("to".into(), json!(to));
        }
        Call::Txn { ops } => {
            let steps: Vec<Json> = ops
                .iter()
                .map(|s| match s {
                    Micro::Read { key, read } => json!(["read", key, read_json(read)]),
                    Micro::Write { key, value } => json!(["write", key, value]),
                })
                .collect();
            m.insert("txn".into(), Json::Array(steps));
        }
        _ => {}
    }
    if let Some(node) = op.node {
        m.insert("node".into(), json!(node));
    }
    m.insert("invoke_ms".into(), json!(op.invoke));
    m.insert("complete_ms".into(), json!(op.complete));
    m.insert("result".into(), json!(op.outcome.name()));
    if op.is_ok() {
        match &op.call {
            Call::Read { read, .. } => {
                m.insert("read".into(), read_json(read));
            }
            Call::Get { read, .. } => {
                m.insert("read".into(), json!(read));
            }
            Call::Cas { swapped, .. } => {
                m.insert("swapped".into(), json!(swapped));
            }
            _ => {}
        }
    }
    Json::Object(m)
}

/// The fields a `qlab` history record may have.
const RECORD_FIELDS: &[&str] = &[
    "client",
    "op",
    "key",
    "value",
    "from",
    "to",
    "txn",
    "node",
    "invoke_ms",
    "complete_ms",
    "result",
    "read",
    "swapped",
];

/// A problem with one record: the field (empty for the record as a whole) and what is
/// wrong with it.
pub type FieldError = (String, String);

fn bad(field: &str, why: impl Into<String>) -> FieldError {
    (field.to_string(), why.into())
}

fn whole(m: &Map<String, Json>, field: &str) -> Result<Option<u64>, FieldError> {
    match m.get(field) {
        None | Some(Json::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(field, format!("must be a whole number, not {v}"))),
    }
}

fn string(m: &Map<String, Json>, field: &str) -> Result<String, FieldError> {
    match m.get(field) {
        Some(Json::String(s)) => Ok(s.clone()),
        None => Err(bad(field, "missing")),
        Some(v) => Err(bad(field, format!("must be a string, not {v}"))),
    }
}

fn value(m: &Map<String, Json>, field: &str) -> Result<Value, FieldError> {
    match m.get(field) {
        Some(Json::String(s)) => Ok(Value::Str(s.clone())),
        Some(v) if v.is_i64() => Ok(Value::Int(v.as_i64().unwrap_or_default())),
        None => Err(bad(field, "missing")),
        Some(v) => Err(bad(
            field,
            format!("must be a string or an integer, not {v}"),
        )),
    }
}

fn read_value(v: &Json, field: &str) -> Result<Read, FieldError> {
    match v {
        Json::Null => Ok(Read::Empty),
        Json::Array(items) => {
            let mut vs = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let mut one = Map::new();
                one.insert("v".into(), item.clone());
                vs.push(value(&one, "v").map_err(|(_, why)| bad(&format!("{field}[{i}]"), why))?);
            }
            crate::sort::sort(&mut vs);
            vs.dedup();
            Ok(match vs.len() {
                0 => Read::Empty,
                1 => Read::Value(vs.remove(0)),
                _ => Read::Siblings(vs),
            })
        }
        other => {
            let mut one = Map::new();
            one.insert("v".into(), other.clone());
            value(&one, "v")
                .map(Read::Value)
                .map_err(|(_, why)| bad(field, why))
        }
    }
}

/// A transaction's steps: `[["read", "x", null], ["write", "y", "2"]]`.
fn txn(v: &Json, ok: bool) -> Result<Vec<Micro>, FieldError> {
    let steps = v
        .as_array()
        .ok_or_else(|| bad("txn", format!("must be a list of steps, not {v}")))?;
    let mut out = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        let field = format!("txn[{i}]");
        let parts = match step.as_array() {
            Some(p) if p.len() == 3 => p,
            _ => return Err(bad(&field, "must be [\"read\" or \"write\", key, value]")),
        };
        let key = parts[1]
            .as_str()
            .ok_or_else(|| bad(&format!("{field}[1]"), "the key must be a string"))?
            .to_string();
        out.push(match parts[0].as_str() {
            Some("read") => Micro::Read {
                key,
                read: if ok {
                    read_value(&parts[2], &format!("{field}[2]"))?
                } else {
                    Read::Unknown
                },
            },
            Some("write") => {
                let mut one = Map::new();
                one.insert("v".into(), parts[2].clone());
                Micro::Write {
                    key,
                    value: value(&one, "v").map_err(|(_, why)| bad(&format!("{field}[2]"), why))?,
                }
            }
            _ => return Err(bad(&format!("{field}[0]"), "must be \"read\" or \"write\"")),
        });
    }
    Ok(out)
}

/// Reads one entry of a `qlab` `history` array. The error names the field.
pub fn from_record(v: &Json) -> Result<Operation, FieldError> {
    let m = v
        .as_object()
        .ok_or_else(|| bad("", format!("must be an object, not {v}")))?;
    if let Some(unknown) = m.keys().find(|k| !RECORD_FIELDS.contains(&k.as_str())) {
        return Err(bad(unknown, "unknown field"));
    }
    let client = whole(m, "client")?.ok_or_else(|| bad("client", "missing"))?;
    let node = match whole(m, "node")? {
        Some(n) => Some(u32::try_from(n).map_err(|_| bad("node", "too large"))?),
        None => None,
    };
    let invoke = whole(m, "invoke_ms")?.ok_or_else(|| bad("invoke_ms", "missing"))?;
    if !m.contains_key("complete_ms") {
        return Err(bad(
            "complete_ms",
            "missing (null for an operation still outstanding)",
        ));
    }
    let complete = whole(m, "complete_ms")?;
    if let Some(c) = complete {
        if c < invoke {
            return Err(bad(
                "complete_ms",
                format!("{c} is before invoke_ms ({invoke})"),
            ));
        }
    }
    let outcome = match m.get("result") {
        Some(Json::String(s)) if s == "ok" => Outcome::Ok,
        Some(Json::String(s)) if s == "fail" => Outcome::Fail,
        Some(Json::String(s)) if s == "info" => Outcome::Info,
        None => return Err(bad("result", "missing")),
        Some(v) => {
            return Err(bad(
                "result",
                format!("must be \"ok\", \"fail\" or \"info\", not {v}"),
            ))
        }
    };
    if complete.is_none() && outcome != Outcome::Info {
        return Err(bad(
            "result",
            "an operation still outstanding (complete_ms null) can only be \"info\"",
        ));
    }
    let op = string(m, "op")?;
    let allowed: &[&str] = match op.as_str() {
        "read" | "get" => &["read"],
        "write" | "put" | "append" => &["value"],
        "cas" => &["from", "to", "swapped"],
        "txn" => &["txn"],
        _ => &[],
    };
    for extra in ["value", "from", "to", "txn", "read", "swapped"] {
        if m.contains_key(extra) && !allowed.contains(&extra) {
            return Err(bad(extra, format!("a {op} has no {extra}")));
        }
    }
    let key = || string(m, "key");
    let ok = outcome == Outcome::Ok;
    let call = match op.as_str() {
        "read" => Call::Read {
            key: key()?,
            read: match (ok, m.get("read")) {
                (true, Some(r)) => read_value(r, "read")?,
                (true, None) => return Err(bad("read", "missing: an ok read says what it read (null: never written)")),
                (false, _) => Read::Unknown,
            },
        },
        "write" => Call::Write {
            key: key()?,
            value: value(m, "value")?,
        },
        "cas" => Call::Cas {
            key: key()?,
            from: value(m, "from")?,
            to: value(m, "to")?,
            swapped: match m.get("swapped") {
                None => true,
                Some(Json::Bool(b)) => *b,
                Some(v) => return Err(bad("swapped", format!("must be true or false, not {v}"))),
            },
        },
        "get" => Call::Get {
            key: key()?,
            read: match (ok, m.get("read")) {
                (true, Some(Json::String(s))) => Some(s.clone()),
                (true, Some(v)) => return Err(bad("read", format!("must be a string, not {v}"))),
                (true, None) => return Err(bad("read", "missing: an ok get says what it read")),
                (false, _) => None,
            },
        },
        "put" => Call::Put {
            key: key()?,
            value: string(m, "value")?,
        },
        "append" => Call::Append {
            key: key()?,
            value: string(m, "value")?,
        },
        "txn" => Call::Txn {
            ops: txn(m.get("txn").ok_or_else(|| bad("txn", "missing"))?, ok)?,
        },
        other => {
            return Err(bad(
                "op",
                format!(
                    "must be \"read\", \"write\", \"cas\", \"get\", \"put\", \"append\" or \"txn\", not {other:?}"
                ),
            ))
        }
    };
    Ok(Operation {
        client,
        node,
        call,
        invoke,
        complete,
        outcome,
        source: None,
    })
}
