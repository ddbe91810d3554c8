//! Jepsen-style operation events (`{:process 0, :type :invoke, :f :read, :value nil}`)
//! and how invocations pair with their completions: the EDN formats (`kv-edn`, `edn`)
//! and, through [`Pairing`], the Jepsen log.
//!
//! A process invokes, then completes with `:ok`, `:fail` or `:info`. An `:info` without
//! an outstanding invocation (a crash notice) and every event of a process that is not
//! an integer (`:nemesis`) are not client operations and are skipped. An invocation that
//! never completes is an `info` operation still outstanding at the end.

use std::collections::BTreeMap;

use super::ParseError;
use crate::check::edn::{self, Edn, Node};
use crate::check::history::{Call, History, Micro, Operation, Outcome, Read, Source, Value};

/// One event as the file wrote it.
#[derive(Clone, Debug)]
pub struct Raw {
    /// The process.
    pub client: u64,
    /// `invoke`, `ok`, `fail` or `info`.
    pub kind: String,
    /// The operation's name (`read`, `cas`, `append`, …).
    pub f: String,
    /// The key (`kv-edn`).
    pub key: Option<String>,
    /// The value.
    pub value: Edn,
}

/// An invocation, its line and position, and its completion if there was one.
struct Pair {
    invoke: Raw,
    line: u32,
    at: u64,
    end: Option<(Raw, u32, u64)>,
}

/// Pairs invocations with completions, in file order.
#[derive(Default)]
pub struct Pairing {
    pairs: Vec<Pair>,
    open: BTreeMap<u64, usize>,
    events: u64,
}

/// Turns an invocation (and its completion with its line, if any) into the operation's
/// call and outcome, in one format's reading. The last argument is the invocation's line.
pub type CallOf = fn(&Raw, Option<(&Raw, u32)>, u32) -> Result<(Call, Outcome), ParseError>;

impl Pairing {
    /// Takes the next event, on `line`.
    pub fn event(&mut self, line: u32, raw: Raw) -> Result<(), ParseError> {
        let at = self.events;
        self.events += 1;
        match raw.kind.as_str() {
            "invoke" => {
                if let Some(&i) = self.open.get(&raw.client) {
                    return Err(ParseError::line(
                        line,
                        format!(
                            "process {} invokes :{} while its :{} from line {} is still outstanding",
                            raw.client, raw.f, self.pairs[i].invoke.f, self.pairs[i].line
                        ),
                    ));
                }
                self.open.insert(raw.client, self.pairs.len());
                self.pairs.push(Pair {
                    invoke: raw,
                    line,
                    at,
                    end: None,
                });
            }
            "ok" | "fail" | "info" => match self.open.remove(&raw.client) {
                Some(i) => {
                    let pair = &mut self.pairs[i];
                    if pair.invoke.f != raw.f || pair.invoke.key != raw.key {
                        return Err(ParseError::line(
                            line,
                            format!(
                                "process {} completes :{} but invoked :{} on line {}",
                                raw.client, raw.f, pair.invoke.f, pair.line
                            ),
                        ));
                    }
                    pair.end = Some((raw, line, at));
                }
                None if raw.kind == "info" => {}
                None => {
                    return Err(ParseError::line(
                        line,
                        format!(
                            "process {} completes :{} that it never invoked",
                            raw.client, raw.f
                        ),
                    ))
                }
            },
            other => {
                return Err(ParseError::line(
                    line,
                    format!(":type must be :invoke, :ok, :fail or :info, not :{other}"),
                ))
            }
        }
        Ok(())
    }

    /// The history, each pair read by `call_of`.
    pub fn finish(self, call_of: CallOf) -> Result<History, ParseError> {
        let mut ops = Vec::with_capacity(self.pairs.len());
        for p in self.pairs {
            let end = p.end.as_ref().map(|(r, l, _)| (r, *l));
            let (call, outcome) = call_of(&p.invoke, end, p.line)?;
            ops.push(Operation {
                client: p.invoke.client,
                node: None,
                call,
                invoke: p.at,
                complete: p.end.as_ref().map(|(_, _, at)| *at),
                outcome,
                source: Some(Source::Lines(p.line, p.end.as_ref().map(|(_, l, _)| *l))),
            });
        }
        Ok(History { ops })
    }
}

/// Which EDN format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Porcupine's key-value histories.
    Kv,
    /// Knossos's histories.
    Knossos,
}

/// The op maps of an EDN file: the items of its one collection, or its top-level maps.
fn op_forms(forms: &[Node]) -> &[Node] {
    match forms {
        [one] => one.items().unwrap_or(forms),
        _ => forms,
    }
}

/// Whether the op maps get, put or append (Porcupine's key-value store).
pub fn is_kv(forms: &[Node]) -> bool {
    op_forms(forms).iter().any(|n| {
        matches!(n.get("f").map(|f| &f.value),
            Some(Edn::Keyword(f)) if matches!(f.as_str(), "get" | "put" | "append"))
    })
}

fn keyword<'a>(n: &'a Node, field: &str) -> Result<&'a str, ParseError> {
    match n.get(field).map(|v| &v.value) {
        Some(Edn::Keyword(k)) => Ok(k),
        Some(other) => Err(ParseError::line(
            n.line,
            format!(":{field} must be a keyword, not {other}"),
        )),
        None => Err(ParseError::line(
            n.line,
            format!("the operation has no :{field}"),
        )),
    }
}

/// A key as the files write it: a string, a keyword or an integer.
fn key_of(line: u32, v: &Edn) -> Result<String, ParseError> {
    match v {
        Edn::Str(s) | Edn::Keyword(s) => Ok(s.clone()),
        Edn::Int(i) => Ok(i.to_string()),
        other => Err(ParseError::line(
            line,
            format!("a key must be a string, a keyword or an integer, not {other}"),
        )),
    }
}

/// Reads an EDN history.
pub fn parse(text: &str, dialect: Dialect) -> Result<History, ParseError> {
    let forms = edn::read_all(text)?;
    let mut pairing = Pairing::default();
    for n in op_forms(&forms) {
        if !matches!(n.value, Edn::Map(_)) {
            return Err(ParseError::line(
                n.line,
                format!("expected an operation map, not {}", n.value),
            ));
        }
        let client = match n.get("process").map(|p| &p.value) {
            Some(Edn::Int(p)) if *p >= 0 => *p as u64,
            // The nemesis and other non-client processes.
            Some(_) => continue,
            None => return Err(ParseError::line(n.line, "the operation has no :process")),
        };
        let key = match (dialect, n.get("key")) {
            (Dialect::Kv, Some(k)) => Some(key_of(n.line, &k.value)?),
            (Dialect::Kv, None) => {
                return Err(ParseError::line(
                    n.line,
                    "a key-value operation needs a :key",
                ))
            }
            (Dialect::Knossos, _) => None,
        };
        pairing.event(
            n.line,
            Raw {
                client,
                kind: keyword(n, "type")?.to_string(),
                f: keyword(n, "f")?.to_string(),
                key,
                value: n.get("value").map_or(Edn::Nil, |v| v.value.clone()),
            },
        )?;
    }
    pairing.finish(match dialect {
        Dialect::Kv => kv_call,
        Dialect::Knossos => knossos_call,
    })
}

/// The outcome a completion kind gives (`None`: never completed).
fn outcome(end: Option<(&Raw, u32)>) -> Outcome {
    match end.map(|(r, _)| r.kind.as_str()) {
        Some("ok") => Outcome::Ok,
        Some("fail") => Outcome::Fail,
        _ => Outcome::Info,
    }
}

/// The value Knossos reads for an operation: the completion's when it is `ok` (it fills
/// invocations in from their completions), the invocation's otherwise.
fn knossos_value<'a>(invoke: &'a Raw, end: Option<(&'a Raw, u32)>, line: u32) -> (&'a Edn, u32) {
    match end {
        Some((r, l)) if r.kind == "ok" => (&r.value, l),
        _ => (&invoke.value, line),
    }
}

fn scalar(line: u32, v: &Edn, what: &str) -> Result<Value, ParseError> {
    match v {
        Edn::Int(i) => Ok(Value::Int(*i)),
        Edn::Str(s) => Ok(Value::Str(s.clone())),
        Edn::Keyword(k) => Ok(Value::Str(format!(":{k}"))),
        other => Err(ParseError::line(
            line,
            format!("{what} must be an integer or a string, not {other}"),
        )),
    }
}

/// A Knossos read's value: `nil` is unknown.
fn knossos_read(line: u32, v: &Edn) -> Result<Read, ParseError> {
    match v {
        Edn::Nil => Ok(Read::Unknown),
        v => scalar(line, v, "a read's value").map(Read::Value),
    }
}

/// Knossos's reading: `:fail` did not happen, `:info` may have, a `nil` read is unknown.
fn knossos_call(
    invoke: &Raw,
    end: Option<(&Raw, u32)>,
    line: u32,
) -> Result<(Call, Outcome), ParseError> {
    let outcome = outcome(end);
    let (v, at) = knossos_value(invoke, end, line);
    let key = String::new();
    let call = match invoke.f.as_str() {
        "read" => Call::Read {
            key,
            read: if outcome == Outcome::Ok {
                knossos_read(at, v)?
            } else {
                Read::Unknown
            },
        },
        "write" => Call::Write {
            key,
            value: scalar(at, v, "a write's value")?,
        },
        "cas" => match v {
            Edn::Vector(p) | Edn::List(p) if p.len() == 2 => Call::Cas {
                key,
                from: scalar(at, &p[0].value, "a cas's expected value")?,
                to: scalar(at, &p[1].value, "a cas's new value")?,
                swapped: true,
            },
            other => {
                return Err(ParseError::line(at, format!("a cas's value must be [from to], not {other}")))
            }
        },
        "txn" => {
            let steps = match v {
                Edn::Vector(s) | Edn::List(s) => s,
                other => {
                    return Err(ParseError::line(at, format!("a txn's value must be a vector of [f k v], not {other}")))
                }
            };
            let mut ops = Vec::with_capacity(steps.len());
            for s in steps {
                let [f, k, x] = s.items().unwrap_or(&[]) else {
                    return Err(ParseError::line(s.line, format!("a txn step must be [f k v], not {}", s.value)));
                };
                let key = key_of(s.line, &k.value)?;
                ops.push(match &f.value {
                    Edn::Keyword(f) if f == "read" => Micro::Read {
                        key,
                        read: if outcome == Outcome::Ok {
                            knossos_read(s.line, &x.value)?
                        } else {
                            Read::Unknown
                        },
                    },
                    Edn::Keyword(f) if f == "write" => Micro::Write {
                        key,
                        value: scalar(s.line, &x.value, "a write's value")?,
                    },
                    other => {
                        return Err(ParseError::line(s.line, format!("a txn step is :read or :write, not {other}")))
                    }
                });
            }
            Call::Txn { ops }
        }
        "acquire" => Call::Acquire,
        "release" => Call::Release,
        other => {
            return Err(ParseError::line(
                line,
                format!("unknown operation :{other} (edn histories have :read, :write, :cas, :txn, :acquire and :release)"),
            ))
        }
    };
    Ok((call, outcome))
}

fn text(line: u32, v: &Edn, what: &str) -> Result<String, ParseError> {
    match v {
        Edn::Str(s) => Ok(s.clone()),
        other => Err(ParseError::line(
            line,
            format!("{what} must be a string, not {other}"),
        )),
    }
}

/// Porcupine's key-value reading: a get returns the key's whole string.
fn kv_call(
    invoke: &Raw,
    end: Option<(&Raw, u32)>,
    line: u32,
) -> Result<(Call, Outcome), ParseError> {
    let outcome = outcome(end);
    let key = invoke.key.clone().unwrap_or_default();
    let call = match invoke.f.as_str() {
        "get" => Call::Get {
            key,
            read: match end {
                Some((r, l)) if outcome == Outcome::Ok => Some(text(l, &r.value, "a get's value")?),
                _ => None,
            },
        },
        "put" => Call::Put {
            key,
            value: text(line, &invoke.value, "a put's value")?,
        },
        "append" => Call::Append {
            key,
            value: text(line, &invoke.value, "an append's value")?,
        },
        other => {
            return Err(ParseError::line(
                line,
                format!(
                    "unknown operation :{other} (key-value histories have :get, :put and :append)"
                ),
            ))
        }
    };
    Ok((call, outcome))
}
