//! The four history formats of SCENARIO.md and how to tell them apart.
//!
//! | format | what | reading of `fail`, `info`, `nil` |
//! |---|---|---|
//! | `qlab` | `qlab run`'s `history` array, or its whole output | `fail` did not happen, `info` may have, `"read": null` read a never-written register |
//! | `jepsen-log` | Jepsen's etcd logs as in Porcupine's test data | `:fail :cas` completed and returned false, `:fail :read` told nothing, `:info` may have happened, `:ok :read nil` read the empty register |
//! | `kv-edn` | Porcupine's key-value histories | `:fail` did not happen, `:info` may have; a key starts as `""` |
//! | `edn` | Knossos's histories | `:fail` did not happen, `:info` may have, a read of `nil` is unknown; registers start at 0 |
//!
//! Knossos's test suite checks every register history against `(cas-register 0)` and the
//! multi-register against `{:x 0 :y 0}`, so an `edn` register, and every register of a
//! multi-register, starts at 0. An invocation never completed is an `info` operation
//! still outstanding at the end, in every format.

mod jepsen;
mod ops;
mod qlab;

use std::fmt;

use super::edn;
use super::history::History;

/// A history format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `qlab run`'s `history` (or its whole output).
    Qlab,
    /// Jepsen's etcd test log (Porcupine's test data).
    JepsenLog,
    /// Porcupine's key-value histories: one EDN op map a line.
    KvEdn,
    /// Knossos's histories: one EDN vector or list of op maps.
    Edn,
}

/// Every format, in the order `--format` lists them.
pub const FORMATS: [Format; 4] = [Format::Qlab, Format::JepsenLog, Format::KvEdn, Format::Edn];

impl Format {
    /// The name `--format` takes and the report prints.
    pub fn name(self) -> &'static str {
        match self {
            Format::Qlab => "qlab",
            Format::JepsenLog => "jepsen-log",
            Format::KvEdn => "kv-edn",
            Format::Edn => "edn",
        }
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        FORMATS.into_iter().find(|f| f.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole.
    File,
    /// A line of a text file.
    Line(u32),
    /// A field of a JSON document, by its path (`history[3].result`).
    Field(String),
}

/// A problem with a history file, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where.
    pub place: Place,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    /// A problem on `line`.
    pub fn line(line: u32, message: impl Into<String>) -> Self {
        ParseError {
            place: Place::Line(line),
            message: message.into(),
        }
    }

    /// A problem with the file as a whole.
    pub fn file(message: impl Into<String>) -> Self {
        ParseError {
            place: Place::File,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    /// One line: `line 12: …`, `history[3].result: …` or just the message. Control
    /// characters a hostile file put in a message are written escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Place::File => {}
            Place::Line(n) => write!(f, "line {n}: ")?,
            Place::Field(path) => write!(f, "{path}: ")?,
        }
        for c in self.message.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl From<edn::EdnError> for ParseError {
    fn from(e: edn::EdnError) -> Self {
        ParseError::line(e.line, e.message)
    }
}

/// The format of `text`, told from its content: JSON is `qlab`; lines of
/// `jepsen.util - ` are a Jepsen log; EDN op maps are `kv-edn` when they get, put or
/// append, `edn` otherwise.
pub fn detect(text: &str) -> Result<Format, ParseError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ParseError::file(
            "the file is empty, so its format cannot be told (give --format to check an empty history)",
        ));
    }
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(trimmed).is_ok()
    {
        return Ok(Format::Qlab);
    }
    if text.lines().any(jepsen::is_op_line) {
        return Ok(Format::JepsenLog);
    }
    let forms = edn::read_all(text).map_err(|e| {
        ParseError::line(
            e.line,
            format!(
                "not JSON, not a Jepsen log, and not EDN ({}); give --format to say which it is",
                e.message
            ),
        )
    })?;
    if ops::is_kv(&forms) {
        Ok(Format::KvEdn)
    } else if forms.is_empty() {
        Err(ParseError::file(
            "the file holds no operations, so its format cannot be told (give --format)",
        ))
    } else {
        Ok(Format::Edn)
    }
}

/// Reads `text` as a history of `format` (told from the content when `None`).
pub fn parse(text: &str, format: Option<Format>) -> Result<(Format, History), ParseError> {
    let format = match format {
        Some(f) => f,
        None => detect(text)?,
    };
    let history = match format {
        Format::Qlab => qlab::parse(text)?,
        Format::JepsenLog => jepsen::parse(text)?,
        Format::KvEdn => ops::parse(text, ops::Dialect::Kv)?,
        Format::Edn => ops::parse(text, ops::Dialect::Knossos)?,
    };
    Ok((format, history))
}
