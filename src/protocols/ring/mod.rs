//! The hash ring: how keys are spread over nodes, and how many move when a node joins or
//! leaves (Karger et al., *Consistent Hashing and Random Trees*, 1997; DeCandia et al.,
//! *Dynamo*, 2007, §4.2). A model with membership actions, not a message protocol.
//!
//! - [`hash`]: the one documented, portable 64-bit hash every scheme places by;
//! - [`jump`]: Lamping and Veach's jump consistent hash;
//! - [`model`]: a placement of keys on members under each scheme, kept up to date
//!   change by change, with the measures the lessons compare against the theory;
//! - [`cli`]: `qlab ring`, as `SCENARIO.md` states it (native only).
//!
//! It is not yet registered as a protocol of the page (see the README): the CLI and the
//! tests use it.

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod hash;
pub mod jump;
pub mod model;
