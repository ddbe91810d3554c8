//! The bounds a scenario's values must stay within. They keep hostile input (a link
//! someone crafted) from asking the page for hours of work or megabytes of text.

/// `title`, in characters.
pub const TITLE_CHARS: usize = 120;
/// `notes`, in characters.
pub const NOTES_CHARS: usize = 2_000;
/// The most nodes any protocol allows (each protocol states its own limit, at most this).
pub const MAX_NODES: u32 = 9;
/// Latency upper bound, ms.
pub const MAX_LATENCY_MS: u64 = 60_000;
/// Timeout and heartbeat upper bound, ms.
pub const MAX_TIMER_MS: u64 = 600_000;
/// The latest time a script action may be at, ms (one day).
pub const MAX_AT_MS: u64 = 86_400_000;
/// Script length.
pub const MAX_SCRIPT: usize = 20_000;
/// A client request's value, in characters.
pub const VALUE_CHARS: usize = 64;
