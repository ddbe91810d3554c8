//! Consistency checkers for recorded histories: linearizability (Wing & Gong's search
//! with Lowe's memoization, per key), and for register histories sequential consistency,
//! the session guarantees and eventual convergence.
//!
//! The pieces, each in its own file:
//! - [`history`]: operations, with `ok` / `fail` / `info` outcomes as in Jepsen;
//! - [`parse`]: the four formats of SCENARIO.md (`qlab`, `jepsen-log`, `kv-edn`, `edn`),
//!   told apart by content, and [`edn`], the small EDN reader they use;
//! - [`model`]: the sequential specifications (register, CAS register, key-value store,
//!   multi-register, mutex) and the split into independent objects;
//! - [`linear`]: the search, resumable and bounded by a [`budget::Budget`];
//! - [`checker`]: the incremental checker the page feeds operations as they happen;
//! - [`explain`]: minimal counterexamples in sentences; [`report`]: the JSON report;
//! - [`sessions`] and [`sequential`]: the models beyond linearizability.
//!
//! Checking a file's text:
//!
//! ```
//! use quorum_lab::check::{check_text, Options};
//! let text = r#"[
//!   {"client": 1, "op": "write", "key": "x", "value": "1", "invoke_ms": 0, "complete_ms": 10, "result": "ok"},
//!   {"client": 2, "op": "read", "key": "x", "invoke_ms": 20, "complete_ms": 30, "result": "ok", "read": null}
//! ]"#;
//! let checked = check_text(text, &Options::default()).unwrap();
//! assert_eq!(checked.report.to_json(&checked.history.ops)["linearizable"], false);
//! ```
//!
//! Nothing here reads a clock or spawns a thread: the work is counted in steps, so a
//! check gives the same answer natively and in the page.

pub mod budget;
pub mod catalog;
pub mod checker;
pub mod edn;
pub mod explain;
mod hash;
pub mod history;
pub mod linear;
pub mod live;
pub mod model;
pub mod parse;
pub mod report;
pub mod sequential;
pub mod sessions;

pub use budget::Budget;
pub use checker::{Checker, Verdict};
pub use history::{Call, History, Micro, Operation, Outcome, Read, Source, Value};
pub use model::{ModelKind, Spec};
pub use parse::{Format, ParseError, FORMATS};
pub use report::Report;

/// How to check a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The format; told from the content when `None`.
    pub format: Option<Format>,
    /// The most search steps the verdicts may take; `None`: as many as they need.
    pub budget: Option<u64>,
    /// The steps the counterexample's minimization may take.
    pub explain_steps: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: None,
            budget: None,
            explain_steps: report::EXPLAIN_STEPS,
        }
    }
}

/// A history and what its check found.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The history read.
    pub history: History,
    /// The report.
    pub report: Report,
}

/// A history read and ready to check.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// Its format.
    pub format: Format,
    /// The history.
    pub history: History,
    /// What it is checked against.
    pub spec: Spec,
}

/// Reads `text` as a history (of `format`, or told from the content).
pub fn prepare(text: &str, format: Option<Format>) -> Result<Prepared, ParseError> {
    let (format, history) = parse::parse(text, format)?;
    let spec = Spec::of(format, &history.ops).map_err(ParseError::file)?;
    Ok(Prepared {
        format,
        history,
        spec,
    })
}

/// Reads `text` and checks it.
pub fn check_text(text: &str, options: &Options) -> Result<Checked, ParseError> {
    let prepared = prepare(text, options.format)?;
    Ok(check(prepared, options))
}

/// The first share each object gets; it doubles every round.
const FIRST_SHARE: u64 = 1 << 14;

/// Works `checker` until it decides or `budget` runs out, in rounds that give every
/// undecided object an equal, doubling share: easy objects finish first, and the check
/// stops at the first violation (the verdict is final then), as Porcupine cancels the
/// other partitions once one is illegal.
pub fn decide(checker: &mut Checker, budget: &mut Budget) -> Verdict {
    let mut share = FIRST_SHARE;
    loop {
        let verdict = checker.verdict();
        if verdict != Verdict::Unknown || !budget.has_left() {
            return verdict;
        }
        let n = checker.pending().max(1) as u64;
        let mut round = Budget::steps(share.saturating_mul(n).min(budget.left()));
        checker.work(&mut round);
        budget.spend(round.spent());
        share = share.saturating_mul(2);
    }
}

/// Checks a prepared history: linearizability within `options.budget`, the first
/// violation explained, and for `qlab` register histories the other models.
pub fn check(prepared: Prepared, options: &Options) -> Checked {
    let Prepared {
        format,
        history,
        spec,
    } = prepared;
    let mut budget = options.budget.map_or(Budget::unlimited(), Budget::steps);
    let mut checker = Checker::new(spec);
    checker.sync(&history.ops);
    decide(&mut checker, &mut budget);
    let mut explain_budget = Budget::steps(options.explain_steps);
    let mut report = Report::of(format, &checker, &mut explain_budget);
    if format == Format::Qlab && report.spec.kind == ModelKind::Register {
        report.consistency = Some(sessions::Consistency::of(&history.ops, &mut budget));
    }
    Checked { history, report }
}
