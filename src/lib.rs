//! Quorum Lab: distributed protocols running live in the browser.
//!
//! The crate has one engine and two front ends:
//! - [`sim`] is the protocol-agnostic deterministic simulator (time, network, faults, trace);
//! - [`protocols`] holds each protocol as a pure state machine with its invariants;
//! - [`check`] holds the consistency checkers of recorded client histories (`qlab check`);
//! - [`scenario`] is the format of `SCENARIO.md`: types, validation, the link codec, presets;
//! - [`ui`] is the Yew page, which renders snapshots and sends actions;
//! - the `qlab` binary is the command-line front end.

pub mod check;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod protocols;
pub mod scenario;
pub mod sim;
pub mod sort;

pub mod ui;
