//! ShiViz logs (Beschastnikh et al., "Debugging Distributed Systems", CACM 2016): a run's
//! events with their vector clocks, as text ShiViz draws as a space-time diagram.
//!
//! ShiViz reads a log with a regular expression of three named groups; its default is
//! [`DEFAULT_PARSER`], `(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`: a line describing an
//! event, then a line naming its host and holding its vector clock as a JSON object of
//! host names to counts. [`Writer`] writes such a log (`qlab export --format shiviz`) and
//! [`parse`] reads one with exactly that expression's meaning, so our own logs and
//! ShiViz's examples can be checked without a browser.

use std::fmt::Write as _;

use serde_json::Value;

use super::clocks::Stamp;
use super::NodeId;

/// ShiViz's default parser expression, which [`parse`] implements.
pub const DEFAULT_PARSER: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";

/// The name of node `id` in a log: `S3`, as the rest of the lab says it.
pub fn host_name(id: NodeId) -> String {
    format!("S{id}")
}

/// One event of a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    /// The event's description (the `event` group).
    pub event: String,
    /// The host it happened at (the `host` group).
    pub host: String,
    /// Its vector clock, host by host, in the log's order.
    pub clock: Vec<(String, u64)>,
    /// The line its description starts on (1 for the first).
    pub line: usize,
}

impl LogEvent {
    /// The host's count of `host`'s events, 0 when the clock does not name it.
    pub fn entry(&self, host: &str) -> u64 {
        self.clock
            .iter()
            .find(|(h, _)| h == host)
            .map_or(0, |(_, n)| *n)
    }
}

/// Writes a run as a ShiViz log, one event at a time in the order they happened.
///
/// A protocol's notes are no events of their own (they have no tick, see
/// [`super::clocks`]); each is added to the description of its node's latest event, so
/// the diagram still says "S1 became leader of term 2" where it happened.
#[derive(Debug, Default)]
pub struct Writer {
    events: Vec<(String, NodeId, Stamp)>,
    /// Per node, the index in `events` of its latest event.
    latest: Vec<Option<usize>>,
    /// Per node, notes written before its first event, for that event's description.
    early: Vec<Vec<String>>,
}

impl Writer {
    /// A log of `n` nodes' events.
    pub fn new(n: u32) -> Self {
        Writer {
            events: Vec::new(),
            latest: vec![None; n as usize],
            early: vec![Vec::new(); n as usize],
        }
    }

    /// Event `text` happened at `node`, whose clocks are now `stamp`.
    pub fn event(&mut self, node: NodeId, text: &str, stamp: &Stamp) {
        let i = (node - 1) as usize;
        let mut description = one_line(text);
        for note in self.early[i].drain(..) {
            description = format!("{note}; {description}");
        }
        self.latest[i] = Some(self.events.len());
        self.events.push((description, node, stamp.clone()));
    }

    /// Note `text` was written during `node`'s latest event.
    pub fn note(&mut self, node: NodeId, text: &str) {
        let i = (node - 1) as usize;
        match self.latest[i] {
            Some(e) => {
                let description = &mut self.events[e].0;
                description.push_str("; ");
                description.push_str(&one_line(text));
            }
            None => self.early[i].push(one_line(text)),
        }
    }

    /// The log: for each event its description, then `S3 {"S1": 2, "S3": 5}` (only the
    /// nonzero entries, in node order; the host's own entry is never zero).
    pub fn finish(self) -> String {
        let mut out = String::new();
        for (description, node, stamp) in &self.events {
            let entries: Vec<String> = stamp
                .vector
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| format!("\"{}\": {n}", host_name(i as NodeId + 1)))
                .collect();
            let _ = writeln!(
                out,
                "{description}\n{} {{{}}}",
                host_name(*node),
                entries.join(", ")
            );
        }
        out
    }
}

/// A description fits the `event` group only without line breaks.
fn one_line(text: &str) -> String {
    text.replace(is_line_terminator, " ")
}

/// What ends a line for a JavaScript `.`: ShiViz's expressions run in the browser.
fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// JavaScript's `\s` (Unicode white space, line terminators and the byte-order mark).
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// A log that cannot be read, and the line where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line of the clock that is wrong (1 for the first).
    pub line: usize,
    /// What is wrong, in words.
    pub reason: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for ParseError {}

/// Reads a log as ShiViz does with [`DEFAULT_PARSER`]: the text is trimmed, then the
/// expression is matched again and again from where the last match ended, skipping any
/// text no match covers (headers, blank lines, lines of another shape). So an event is
/// the text of one line, from the end of the previous match or the line's start, right
/// before a line of the form `HOST {…}`; the clock runs to that line's last `}`.
///
/// Each clock must be a JSON object of host names to whole numbers that names its own
/// host (ShiViz's own rule). A log without any event is an error too.
pub fn parse(text: &str) -> Result<Vec<LogEvent>, ParseError> {
    let text = text.trim_matches(is_js_space);
    let mut events = Vec::new();
    // `from`: where the next match may start; `start`: where the event text of the line
    // being looked at begins (after `from` and after the line's last terminator).
    let mut from = 0;
    let mut start = 0;
    let mut line = 1;
    let mut start_line = 1;
    for (i, c) in text.char_indices() {
        if i < from || !is_line_terminator(c) {
            continue;
        }
        if c != '\n' {
            // `.` stops here and `\n` does not match it: the event starts after it.
            // (Lines are counted by `\n` alone, as ShiViz counts them.)
            start = i + c.len_utf8();
            continue;
        }
        line += 1;
        let next = i + 1;
        if let Some((host, clock, end)) = clock_line(&text[next..]) {
            events.push(LogEvent {
                event: text[start..i].to_string(),
                host: host.to_string(),
                clock: read_clock(clock, host, line)?,
                line: start_line,
            });
            from = next + end;
            start = from;
            start_line = line;
        } else {
            start = next;
            start_line = line;
        }
    }
    if events.is_empty() {
        return Err(ParseError {
            line: 1,
            reason: "no event: no line is followed by a line `HOST {CLOCK}`".into(),
        });
    }
    Ok(events)
}

/// Matches `(?<host>\S*) (?<clock>{.*})` at the start of `rest`: the host, the clock text
/// and where the match ends. `\S*` takes every non-space character (giving any back
/// cannot put the space after it), and `.*}` backs off to the line's last `}`.
fn clock_line(rest: &str) -> Option<(&str, &str, usize)> {
    let host_end = rest.find(is_js_space).unwrap_or(rest.len());
    let after = &rest[host_end..];
    if !after.starts_with(" {") {
        return None;
    }
    let open = host_end + 1;
    let line_end = rest[open..]
        .find(is_line_terminator)
        .map_or(rest.len(), |e| open + e);
    let close = rest[open..line_end].rfind('}')? + open;
    Some((&rest[..host_end], &rest[open..=close], close + 1))
}

/// A clock's JSON object, checked as ShiViz checks it.
fn read_clock(clock: &str, host: &str, line: usize) -> Result<Vec<(String, u64)>, ParseError> {
    let fail = |reason: String| ParseError { line, reason };
    let value: Value = serde_json::from_str(clock)
        .map_err(|e| fail(format!("the clock {clock} is not JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(fail(format!("the clock {clock} is not a JSON object")));
    };
    let mut entries = Vec::with_capacity(map.len());
    for (name, count) in map {
        let n = count.as_u64().ok_or_else(|| {
            fail(format!(
                "the clock's entry for {name:?} is {count}, not a whole number"
            ))
        })?;
        entries.push((name, n));
    }
    if entries.iter().all(|(h, _)| h != host) {
        return Err(fail(format!(
            "the clock {clock} does not name its own host {host:?}"
        )));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_no_match_covers_is_skipped_and_a_match_may_start_mid_line() {
        let log = "header\n\nfirst\na {\"a\": 1}  tail\nb {\"a\": 1, \"b\": 1}\n";
        let events = parse(log).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].event, "first");
        assert_eq!(events[0].line, 3);
        // The rest of a clock line starts the next event, as a JavaScript regex would.
        assert_eq!(events[1].event, "  tail");
        assert_eq!(events[1].entry("a"), 1);
    }

    #[test]
    fn bad_clocks_name_their_line() {
        let err = parse("e\na {\"a\": x}\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        let err = parse("e\na {\"a\": 1}\ne\nb {\"a\": 1}\n").unwrap_err();
        assert_eq!(err.line, 4, "{err}");
        assert!(err.to_string().contains("its own host \"b\""), "{err}");
        assert!(parse("no clocks here").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn the_writer_writes_only_nonzero_entries_and_adds_notes_to_their_event() {
        let mut w = Writer::new(3);
        w.note(1, "booted");
        w.event(
            1,
            "S1 timer fired",
            &Stamp {
                lamport: 1,
                vector: vec![1, 0, 0],
            },
        );
        w.note(1, "S1 became a candidate");
        w.event(
            3,
            "S3 got it",
            &Stamp {
                lamport: 5,
                vector: vec![2, 0, 5],
            },
        );
        let log = w.finish();
        assert_eq!(
            log,
            "booted; S1 timer fired; S1 became a candidate\nS1 {\"S1\": 1}\n\
             S3 got it\nS3 {\"S1\": 2, \"S3\": 5}\n"
        );
        assert_eq!(parse(&log).unwrap().len(), 2);
    }
}
