//! A protocol's view, as data: what a node shows, how a message looks, what the inspector
//! lists and what the panels hold. Protocols fill these in; the page draws them without
//! knowing which protocol it draws, so `src/protocols` stays free of web crates.

use std::fmt;

use crate::sim::{LossReason, MessageId, NodeId, Time, Topic};

/// How a node (or the message it sends) is drawn: its colour and outline. Colour is never
/// the only cue: each tone has its own outline, and the words say the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Passive (Raft's follower, an idle acceptor): a plain outline.
    Idle,
    /// Asking without committing anyone (pre-candidate, a proposer in phase 1): dashed.
    Tentative,
    /// Campaigning or proposing (candidate, a proposer in phase 2): a double ring.
    Active,
    /// In charge (leader): filled, with a star.
    Lead,
    /// Has learned the outcome (a learner that knows the chosen value): filled, with a tick.
    Settled,
}

impl Tone {
    /// The CSS class that draws it.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Idle => "tone-idle",
            Tone::Tentative => "tone-tentative",
            Tone::Active => "tone-active",
            Tone::Lead => "tone-lead",
            Tone::Settled => "tone-settled",
        }
    }
}

/// What a node shows in the figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// Its role's name for tests and styles (`data-role`): `"leader"`, `"follower"`…
    pub role: &'static str,
    /// How it is drawn.
    pub tone: Tone,
    /// The role in words on its label ("★ Leader").
    pub badge: &'static str,
    /// The same, short, for small figures ("Cand.").
    pub badge_short: &'static str,
    /// The few key values under the badge ("term 3", "voted S2"), at most three.
    pub lines: Vec<String>,
    /// One line for the smallest figures ("t3 · S2").
    pub tiny: String,
    /// The colour key of the first line (a term), drawn as a dot before it.
    pub color: Option<u64>,
    /// The timer drawn as a draining ring around the node: (armed at, due).
    pub ring: Option<(Time, Time)>,
    /// Extra `data-*` attributes for tests (`("data-term", "3")`).
    pub hooks: Vec<(&'static str, String)>,
    /// The role and key value, for screen readers ("leader, term 3").
    pub summary: String,
    /// Everything above in a sentence, for the hover text ("leader in term 3, voted…").
    pub about: String,
}

/// A message's outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A diamond (requests for votes or promises).
    Diamond,
    /// A disc (replies).
    Disc,
    /// An envelope (messages carrying data).
    Envelope,
    /// A small plain envelope (heartbeats).
    Letter,
    /// A triangle (acknowledgements).
    Triangle,
    /// A square.
    Square,
}

impl Shape {
    /// Its id, for the SVG symbol that draws it.
    pub fn id(self) -> &'static str {
        match self {
            Shape::Diamond => "diamond",
            Shape::Disc => "disc",
            Shape::Envelope => "envelope",
            Shape::Letter => "letter",
            Shape::Triangle => "triangle",
            Shape::Square => "square",
        }
    }
}

/// How a message is drawn: a shape in the colour of the role that sends it, dashed for
/// tentative kinds, hollow when it says no (a denied vote, a rejection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageLook {
    /// Its outline.
    pub shape: Shape,
    /// Its colour.
    pub tone: Tone,
    /// A dashed outline.
    pub dashed: bool,
    /// Hollow: the message says no.
    pub hollow: bool,
}

/// A short label held inline (no allocation), so a frame can label a hundred messages
/// without building a hundred strings: "RV t3", "AE 4–5", "P 2.1".
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Label {
    len: u8,
    bytes: [u8; Label::CAPACITY],
}

impl Label {
    /// The most bytes a label holds; longer text is cut at a character boundary.
    pub const CAPACITY: usize = 30;

    /// A label from any `Display` value.
    pub fn of(value: impl fmt::Display) -> Label {
        let mut label = Label {
            len: 0,
            bytes: [0; Label::CAPACITY],
        };
        let _ = fmt::write(&mut label, format_args!("{value}"));
        label
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only whole UTF-8 characters are ever written (see `write_str`).
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Write for Label {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            let at = self.len as usize;
            if at + bytes.len() > Label::CAPACITY {
                return Ok(());
            }
            self.bytes[at..at + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len() as u8;
        }
        Ok(())
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A message on the wire, as the figure draws it. Everything but the position is fixed
/// while it travels, so its drawing is made once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    /// Its id.
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent.
    pub sent_at: Time,
    /// When it arrives (`None`: it waits for the user, manual network).
    pub arrives_at: Option<Time>,
    /// When the network loses it on the way, if it does.
    pub lost_at: Option<Time>,
    /// How it looks.
    pub look: MessageLook,
    /// The message type's name (`data-kind`: "RequestVote").
    pub kind: &'static str,
    /// Its label in flight ("RV t3").
    pub label: Label,
}

/// A message that was lost, drawn fading where it died.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lost {
    /// Its id.
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// How it looked.
    pub look: MessageLook,
    /// How far along its link it was (0 to 1).
    pub progress: f32,
    /// When.
    pub at_ms: Time,
    /// Why.
    pub reason: LossReason,
}

/// Everything about one message, for the inspector and the message menu.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageDetail {
    /// The message as drawn.
    pub flight: Flight,
    /// The message in a sentence ("AppendEntries 4–5 (term 3)").
    pub text: String,
    /// Every field, named as in the paper, with its value in words.
    pub fields: Vec<(&'static str, String)>,
    /// More it carries (the entries of an AppendEntries).
    pub sections: Vec<Section>,
    /// The colour key of the message (its term), if it has one.
    pub color: Option<u64>,
}

/// One entry of a log (or one slot), as the inspector and the log grid show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryView {
    /// Its index (or slot), from 1.
    pub index: u64,
    /// The number on its badge (its term or ballot round), if it has one.
    pub term: Option<u64>,
    /// Its value in words ("x1", "no-op").
    pub value: String,
    /// True for a no-op (drawn in italics).
    pub noop: bool,
    /// True once it is committed (or chosen).
    pub settled: bool,
}

/// A part of the inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    /// Named values ("Current term: 3").
    Fields {
        /// The heading, if the section has one.
        title: Option<&'static str>,
        /// (name, value) pairs.
        rows: Vec<(&'static str, String)>,
    },
    /// A table ("Replication (leader state)").
    Table(TableView),
    /// Log entries, newest last.
    Entries {
        /// The heading ("Log (3 entries)").
        title: String,
        /// The entries.
        entries: Vec<EntryView>,
        /// Words for settled and unsettled entries ("committed", "uncommitted").
        words: (&'static str, &'static str),
    },
    /// A sentence.
    Note(String),
}

/// A table with a heading, named columns and rows of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableView {
    /// The heading.
    pub title: &'static str,
    /// Each column's name and what it means.
    pub columns: Vec<(&'static str, &'static str)>,
    /// The rows; the first cell of each is its header.
    pub rows: Vec<Vec<String>>,
}

/// One node's row of the log grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridRow {
    /// The node.
    pub node: NodeId,
    /// False while crashed.
    pub up: bool,
    /// How it is drawn (its role).
    pub tone: Tone,
    /// Its role in words.
    pub role: &'static str,
    /// Its entries in the grid's window of indexes, the lowest first.
    pub entries: Vec<EntryView>,
    /// How long its log is in all.
    pub len: u64,
    /// Entries up to this index are settled (Raft: its commit index).
    pub settled_upto: u64,
    /// Markers under indexes: (index, letter, what it means): the leader's `next_index`
    /// ("n") and `match_index` ("m") for this follower.
    pub marks: Vec<(u64, &'static str, String)>,
}

/// Every node's log side by side, drawn like the logs in the papers' figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogGrid {
    /// One row per node.
    pub rows: Vec<GridRow>,
    /// Words for settled and unsettled entries ("committed", "not yet committed").
    pub words: (&'static str, &'static str),
    /// What the bar after a row's settled entries stands for ("commit index").
    pub settled_mark: &'static str,
    /// What an index is called ("index", "slot").
    pub index_name: &'static str,
    /// What the markers mean, for the grid's key: (letter, meaning).
    pub key: Vec<(&'static str, &'static str)>,
    /// A caption for the section below the grid.
    pub caption: Option<String>,
    /// Shown below the grid (the leader's progress, or why there is none).
    pub below: Section,
}

/// What a panel holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelView {
    /// A log grid.
    Grid(LogGrid),
    /// A table (one row per node).
    Table(TableView),
}

/// A panel the protocol adds beside the inspector, events and settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelSpec {
    /// Its id (`"logs"`).
    pub id: &'static str,
    /// Its tab's label ("Logs").
    pub label: &'static str,
}

/// The kinds of event the event list can filter by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Messages sent, delivered or duplicated.
    Messages,
    /// Messages lost.
    Losses,
    /// Timers firing.
    Timers,
    /// The protocol's notes, by story.
    Topic(Topic),
    /// User and script actions.
    Actions,
    /// Actions that could not apply.
    Refusals,
    /// Invariant violations.
    Violations,
    /// Clients' operations: invoked, answered, given up on.
    Clients,
}

/// One line of the event list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordView {
    /// Its number in the run (from 1).
    pub seq: u64,
    /// When.
    pub at_ms: Time,
    /// Its kind.
    pub kind: EventKind,
    /// The trace's name for its kind (`"refused"`, `"note"`, `"lost"`…, as in `qlab trace`).
    pub name: &'static str,
    /// What happened, in a sentence.
    pub text: String,
}

/// The event list's lines for a filter, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RecordPage {
    /// The lines shown (at most the number asked for).
    pub rows: Vec<RecordView>,
    /// How many kept records match the filter.
    pub matching: usize,
    /// How many records are kept in all.
    pub kept: usize,
    /// True when older records than those kept happened.
    pub older_dropped: bool,
}

/// A node's armed timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerView {
    /// Its name ("election timer").
    pub name: String,
    /// When it was armed.
    pub set_at: Time,
    /// When it fires.
    pub due: Time,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_hold_short_text_and_cut_long_text_at_a_character() {
        assert_eq!(Label::of("AE 4–5").as_str(), "AE 4–5");
        let long = "é".repeat(40);
        let cut = Label::of(&long);
        assert_eq!(cut.as_str(), "é".repeat(15));
        assert_eq!(Label::of(format_args!("t{}", 3)).to_string(), "t3");
    }
}
