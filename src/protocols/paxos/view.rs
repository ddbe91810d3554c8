//! What the page draws of Paxos, as data: each node's promise, accepted proposal and
//! learned value with its proposer's phase and retry timer; messages by kind; the
//! inspector's acceptor, learner and proposer state; the acceptors table (single decree)
//! or the slots grid (Multi-Paxos).

use super::ballot::{value_text, Ballot, Slot, Value, ValueTag, DECREE};
use super::message::{PaxosMessage, PaxosSummary, Refusal};
use super::node::{PaxosNode, SlotState};
use super::note::{PaxosTimer, Phase};
use super::spec::{
    tone, ACCEPT, ACCEPTED, CATCH_UP, DECIDE, HEARTBEAT, LEADER_ACCEPT, NACK, PREPARE, PROMISE,
    SPEC,
};
use super::{leader, PaxosWorld};
use crate::protocols::spec::Spec;
use crate::protocols::view::{
    EntryView, GridRow, Label, LogGrid, MessageLook, NodeView, PanelSpec, PanelView, Section,
    TableView,
};
use crate::protocols::Look;
use crate::sim::digest::TraceHasher;
use crate::sim::quorum::majority;
use crate::sim::NodeId;

/// The single-decree panel: every acceptor's stable state and every learner's value.
const ACCEPTORS: PanelSpec = PanelSpec {
    id: "acceptors",
    label: "Acceptors",
};

/// The Multi-Paxos panel: every node's slots side by side.
const SLOTS: PanelSpec = PanelSpec {
    id: "slots",
    label: "Slots",
};

/// A ballot or "none".
fn ballot_text(b: Option<Ballot>) -> String {
    b.map_or("none".to_string(), |b| b.to_string())
}

/// A value short, unquoted, for the node's small label: `a`, `no-op`.
fn short(v: &Value) -> String {
    ValueTag::of(v).short().to_string()
}

/// An accepted proposal in words: `"a" in ballot 1.1`.
fn accepted_text(a: Option<&(Ballot, Value)>) -> String {
    a.map_or("nothing".to_string(), |(b, v)| {
        format!("{} in ballot {b}", value_text(v))
    })
}

/// Node ids as "S1, S3".
fn names(ids: &[NodeId]) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    ids.iter()
        .map(|i| format!("S{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The badge: what the node does now, in words (a star for the leader and a tick for a
/// learned value: colour is never the only cue); `short` for small figures.
fn badge(phase: Phase, multi: bool, learned: bool, short: bool) -> &'static str {
    match (phase, multi, short) {
        (Phase::Two, true, _) => "★ Leader",
        (Phase::One, true, false) => "Candidate",
        (Phase::One, true, true) => "Cand.",
        (Phase::Idle, true, _) => "Follower",
        (Phase::One, false, false) => "Phase 1",
        (Phase::One, false, true) => "Ph. 1",
        (Phase::Two, false, false) => "Phase 2",
        (Phase::Two, false, true) => "Ph. 2",
        (Phase::Idle, false, _) if learned => "✓ Chosen",
        (Phase::Idle, false, false) => "Acceptor",
        (Phase::Idle, false, true) => "Acc.",
    }
}

/// The value in slot `slot` as the grid and the inspector show it: the learned value if
/// the learner knows it, else the accepted one (with its ballot's round on the badge).
fn entry_view(slot: Slot, st: &SlotState) -> Option<EntryView> {
    let value = st
        .learned
        .as_ref()
        .or(st.accepted.as_ref().map(|(_, v)| v))?;
    Some(EntryView {
        index: slot,
        term: st.accepted.as_ref().map(|(b, _)| b.round),
        value: short(value),
        noop: value.is_none(),
        settled: st.learned.is_some(),
    })
}

/// A Multi-Paxos leader's proposals in phase 2, with who has accepted each (`None`
/// unless it leads).
fn proposals_table(n: &PaxosNode) -> Option<TableView> {
    let b = n.leading()?;
    Some(TableView {
        title: "The leader's proposals in phase 2",
        columns: vec![
            ("Slot", ""),
            ("value", "What the leader proposes there"),
            ("accepted by", "Who has said Accepted, as far as it counted"),
        ],
        rows: n
            .proposals()
            .iter()
            .map(|(slot, p)| {
                vec![
                    slot.to_string(),
                    value_text(&p.value),
                    names(&n.acceptances(*slot, b, &p.value)),
                ]
            })
            .collect(),
    })
}

/// The proposer's progress in a line: "ballot 2.1 · 2/3 promised", "ballot 2.1: a".
fn proposer_line(world: &PaxosWorld, n: &PaxosNode) -> Option<String> {
    let ballot = n.ballot()?;
    let needed = majority(world.size());
    match n.phase() {
        Phase::Idle => None,
        Phase::One => Some(format!(
            "ballot {ballot} · {}/{needed} promised",
            n.promises().len()
        )),
        Phase::Two if n.multi() => n
            .next_slot()
            .map(|s| format!("ballot {ballot} · next #{s}")),
        Phase::Two => n
            .proposals()
            .get(&DECREE)
            .map(|p| format!("ballot {ballot}: {}", short(&p.value))),
    }
}

impl Look for PaxosNode {
    fn spec() -> &'static Spec {
        &SPEC
    }

    fn node_view(world: &PaxosWorld, id: NodeId) -> NodeView {
        let host = world.host(id);
        let n = &host.node;
        let multi = n.multi();
        let phase = if host.up { n.phase() } else { Phase::Idle };
        let learned = n.learned(DECREE).filter(|_| !multi);
        let promised = n.promised();
        let mut lines = Vec::new();
        if host.up {
            lines.extend(proposer_line(world, n));
        }
        if let Some(v) = learned {
            lines.push(format!("chosen {}", short(v)));
        }
        lines.push(promised.map_or("no promise".to_string(), |p| format!("promised {p}")));
        if multi {
            lines.push(match (n.leader_id(), n.learned_upto()) {
                (_, k) if k > 0 => format!("chosen 1–{k}"),
                (Some(l), _) if l != id => format!("leader S{l}"),
                _ => "nothing chosen".to_string(),
            });
        } else {
            lines.push(
                n.accepted()
                    .map_or("nothing accepted".to_string(), |(b, v)| {
                        format!("accepted {} @{b}", short(v))
                    }),
            );
        }
        lines.truncate(3);
        let tail = if multi {
            format!("#{}", n.learned_upto())
        } else {
            learned
                .or(n.accepted().map(|(_, v)| v))
                .map_or("—".to_string(), short)
        };
        let tiny = format!(
            "{} · {tail}",
            promised.map_or("—".to_string(), |p| p.to_string())
        );
        let chosen_hook = if multi {
            n.slots().values().rev().find_map(|s| s.learned.as_ref())
        } else {
            learned
        };
        let mut about = format!(
            "{}; promised ballot {}; accepted {}",
            phase.words(multi),
            ballot_text(promised),
            if multi {
                format!(
                    "{} slot(s)",
                    n.slots().values().filter(|s| s.accepted.is_some()).count()
                )
            } else {
                accepted_text(n.accepted())
            }
        );
        match (multi, learned) {
            (false, Some(v)) => {
                about.push_str(&format!("; learned that {} is chosen", value_text(v)))
            }
            (false, None) => about.push_str("; has learned nothing"),
            (true, _) => {
                about.push_str(&format!("; learned every slot up to {}", n.learned_upto()))
            }
        }
        if !host.up {
            about.push_str(". Crashed: it keeps only its acceptor's promise and accepted values");
        }
        let summary = match learned {
            Some(v) if phase == Phase::Idle => format!("learned {} is chosen", value_text(v)),
            _ => format!("{}, promised {}", phase.words(multi), ballot_text(promised)),
        };
        NodeView {
            role: phase.name(multi),
            tone: tone(phase, multi, learned.is_some()),
            badge: badge(phase, multi, learned.is_some(), false),
            badge_short: badge(phase, multi, learned.is_some(), true),
            lines,
            tiny,
            color: promised.map(|p| p.round),
            ring: host
                .timer(PaxosTimer::Retry)
                .filter(|_| host.up)
                .map(|t| (t.set_at, t.due)),
            hooks: vec![
                ("data-chosen", chosen_hook.map_or(String::new(), short)),
                (
                    "data-promised",
                    promised.map_or(String::new(), |p| p.to_string()),
                ),
                ("data-phase", phase.name(multi).to_string()),
                (
                    "data-ballot",
                    n.ballot().map_or(String::new(), |b| b.to_string()),
                ),
            ],
            summary,
            about,
        }
    }

    fn message_look(s: &PaxosSummary) -> (MessageLook, &'static str, Label) {
        let look = match s {
            PaxosSummary::Prepare { .. } => PREPARE,
            PaxosSummary::Promise { .. } => PROMISE,
            PaxosSummary::Nack { .. } => NACK,
            PaxosSummary::Accept { slot: DECREE, .. } => ACCEPT,
            PaxosSummary::Accept { .. } => LEADER_ACCEPT,
            PaxosSummary::Accepted { .. } => ACCEPTED,
            PaxosSummary::Heartbeat { .. } => HEARTBEAT,
            PaxosSummary::CatchUp { .. } => CATCH_UP,
            PaxosSummary::Decide { .. } => DECIDE,
        };
        (look, s.kind_name(), s.label())
    }

    fn message_fields(m: &PaxosMessage) -> (Vec<(&'static str, String)>, Vec<Section>) {
        let slot_field = |slot: Slot| (slot != DECREE).then(|| ("slot", slot.to_string()));
        let mut sections = Vec::new();
        let fields: Vec<(&'static str, String)> = match m {
            PaxosMessage::Prepare { ballot, from } => {
                let mut f = vec![("ballot (n)", ballot.to_string())];
                if *from != DECREE {
                    f.push(("for slots from", from.to_string()));
                }
                f
            }
            PaxosMessage::Promise {
                ballot,
                from,
                accepted,
            } => {
                if *from != DECREE && !accepted.is_empty() {
                    sections.push(Section::Entries {
                        title: "Accepted proposals reported".to_string(),
                        entries: accepted
                            .iter()
                            .map(|r| EntryView {
                                index: r.slot,
                                term: Some(r.ballot.round),
                                value: short(&r.value),
                                noop: r.value.is_none(),
                                settled: false,
                            })
                            .collect(),
                        words: ("chosen", "accepted"),
                    });
                }
                let highest = accepted.iter().max_by_key(|r| r.ballot);
                vec![
                    ("ballot (n)", ballot.to_string()),
                    (
                        "highest accepted",
                        accepted_text(highest.map(|r| (r.ballot, r.value.clone())).as_ref()),
                    ),
                    ("proposals reported", accepted.len().to_string()),
                ]
            }
            PaxosMessage::Nack {
                ballot,
                promised,
                refused,
            } => {
                let what = match refused {
                    Refusal::Accept { slot } if *slot != DECREE => {
                        format!("Accept for slot {slot}")
                    }
                    r => r.name().to_string(),
                };
                vec![
                    ("rejected", format!("{what} of ballot {ballot}")),
                    ("promised", promised.to_string()),
                ]
            }
            PaxosMessage::Accept {
                ballot,
                slot,
                value,
            }
            | PaxosMessage::Accepted {
                ballot,
                slot,
                value,
            } => {
                let mut f = vec![("ballot (n)", ballot.to_string())];
                f.extend(slot_field(*slot));
                f.push(("value (v)", value_text(value)));
                f
            }
            PaxosMessage::Heartbeat {
                ballot,
                learned_upto,
            } => vec![
                ("ballot", ballot.to_string()),
                ("learned up to slot", learned_upto.to_string()),
            ],
            PaxosMessage::CatchUp { from } => vec![("from slot", from.to_string())],
            PaxosMessage::Decide { first, values } => {
                sections.push(Section::Entries {
                    title: "Chosen values".to_string(),
                    entries: (*first..)
                        .zip(values)
                        .map(|(slot, v)| EntryView {
                            index: slot,
                            term: None,
                            value: short(v),
                            noop: v.is_none(),
                            settled: true,
                        })
                        .collect(),
                    words: ("chosen", "accepted"),
                });
                vec![
                    ("first slot", first.to_string()),
                    ("values", values.len().to_string()),
                ]
            }
        };
        (fields, sections)
    }

    fn message_color(m: &PaxosMessage) -> Option<u64> {
        match m {
            PaxosMessage::Prepare { ballot, .. }
            | PaxosMessage::Promise { ballot, .. }
            | PaxosMessage::Accept { ballot, .. }
            | PaxosMessage::Accepted { ballot, .. }
            | PaxosMessage::Heartbeat { ballot, .. } => Some(ballot.round),
            PaxosMessage::Nack { promised, .. } => Some(promised.round),
            PaxosMessage::CatchUp { .. } | PaxosMessage::Decide { .. } => None,
        }
    }

    fn inspect(world: &PaxosWorld, id: NodeId) -> Vec<Section> {
        let host = world.host(id);
        let n = &host.node;
        let multi = n.multi();
        let needed = majority(world.size());
        let mut acceptor = vec![("Promised", ballot_text(n.promised()))];
        let mut learner = Vec::new();
        if multi {
            let accepted = n.slots().values().filter(|s| s.accepted.is_some()).count();
            acceptor.push(("Accepted", format!("{accepted} slot(s)")));
            learner.push(("Learned up to slot", n.learned_upto().to_string()));
        } else {
            acceptor.push(("Accepted", accepted_text(n.accepted())));
            learner.push((
                "Learned",
                n.learned(DECREE).map_or(
                    "nothing yet: no majority has been seen accepting one value".to_string(),
                    |v| format!("{} is chosen", value_text(v)),
                ),
            ));
        }
        let mut proposer = vec![(
            if multi { "Role" } else { "Phase" },
            if host.up {
                n.phase().words(multi).to_string()
            } else {
                "none while crashed (its proposer state is lost)".to_string()
            },
        )];
        if let Some(b) = n.ballot().filter(|_| host.up) {
            proposer.push(("Ballot", b.to_string()));
        }
        if host.up && n.phase() == Phase::One {
            let promised = n.promises();
            proposer.push((
                "Promises",
                format!(
                    "{}: {} of {} (needs {needed})",
                    names(&promised),
                    promised.len(),
                    world.size()
                ),
            ));
            if !multi {
                proposer.push((
                    "Highest accepted reported",
                    accepted_text(n.reported(DECREE)),
                ));
            }
        }
        if !multi {
            if let Some(v) = n.own_value().filter(|_| host.up) {
                proposer.push(("Client's value", format!("{v:?}")));
            }
            if let (Some(p), Some(b)) = (n.proposals().get(&DECREE), n.ballot()) {
                let acks = n.acceptances(DECREE, b, &p.value);
                proposer.push(("Proposing", value_text(&p.value)));
                proposer.push((
                    "Accepted by",
                    format!("{}: {} (needs {needed})", names(&acks), acks.len()),
                ));
            }
        } else {
            proposer.push((
                "Leader it knows",
                match n.leader_id() {
                    Some(l) if l == id => "itself".to_string(),
                    Some(l) => format!("S{l}"),
                    None => "unknown".to_string(),
                },
            ));
            if let Some(s) = n.next_slot() {
                proposer.push(("Next free slot", s.to_string()));
            }
        }
        let mut sections = vec![
            Section::Fields {
                title: Some("Acceptor (stable storage)"),
                rows: acceptor,
            },
            Section::Fields {
                title: Some("Learner"),
                rows: learner,
            },
            Section::Fields {
                title: Some("Proposer (lost in a crash)"),
                rows: proposer,
            },
        ];
        if host.up && !n.proposals().is_empty() {
            sections.extend(proposals_table(n).map(Section::Table));
        }
        sections
    }

    fn node_log(world: &PaxosWorld, id: NodeId) -> Option<Section> {
        let n = &world.host(id).node;
        if !n.multi() {
            return None;
        }
        let entries: Vec<EntryView> = n
            .slots()
            .iter()
            .filter_map(|(slot, st)| entry_view(*slot, st))
            .collect();
        Some(Section::Entries {
            title: format!("Slots ({} with a value)", entries.len()),
            entries,
            words: ("chosen", "accepted, not known chosen"),
        })
    }

    fn node_log_signature(world: &PaxosWorld, id: NodeId) -> u64 {
        world.host(id).node.version()
    }

    fn panels(world: &PaxosWorld) -> Vec<PanelSpec> {
        if world.settings().multi {
            vec![SLOTS]
        } else {
            vec![ACCEPTORS]
        }
    }

    fn panel_extent(world: &PaxosWorld, _id: &str) -> u64 {
        let lead = leader(world).and_then(|l| world.host(l).node.next_slot());
        world
            .hosts()
            .iter()
            .filter_map(|h| h.node.slots().keys().next_back().copied())
            .chain(lead)
            .max()
            .unwrap_or(0)
    }

    fn panel(world: &PaxosWorld, id: &str, first: u64, last: u64) -> Option<PanelView> {
        if id == ACCEPTORS.id {
            return Some(PanelView::Table(TableView {
                title: "Acceptors (stable storage) and what each learner knows",
                columns: vec![
                    ("Node", ""),
                    ("promised", "The highest ballot its acceptor promised"),
                    ("accepted", "The proposal its acceptor accepted last"),
                    ("learned", "The value its learner knows is chosen"),
                ],
                rows: world
                    .hosts()
                    .iter()
                    .map(|h| {
                        let n = &h.node;
                        vec![
                            if h.up {
                                format!("S{}", h.id)
                            } else {
                                format!("S{} (crashed)", h.id)
                            },
                            ballot_text(n.promised()),
                            accepted_text(n.accepted()),
                            n.learned(DECREE).map_or("–".to_string(), value_text),
                        ]
                    })
                    .collect(),
            }));
        }
        if id != SLOTS.id {
            return None;
        }
        let leader = leader(world);
        let next = leader.and_then(|l| world.host(l).node.next_slot());
        let rows = world
            .hosts()
            .iter()
            .map(|h| {
                let n = &h.node;
                let phase = if h.up { n.phase() } else { Phase::Idle };
                GridRow {
                    node: h.id,
                    up: h.up,
                    tone: tone(phase, true, false),
                    role: if h.up { phase.name(true) } else { "crashed" },
                    entries: n
                        .slots()
                        .range_from(first.max(1))
                        .take_while(|(slot, _)| **slot <= last)
                        .filter_map(|(slot, st)| entry_view(*slot, st))
                        .collect(),
                    len: n.slots().keys().next_back().copied().unwrap_or(0),
                    settled_upto: n.learned_upto(),
                    marks: match next {
                        Some(s) if Some(h.id) == leader => {
                            vec![(s, "n", "the leader's next free slot".to_string())]
                        }
                        _ => Vec::new(),
                    },
                }
            })
            .collect();
        let below = match leader {
            None => Section::Note(
                "No leader right now. A follower that hears no heartbeat for a retry delay \
                 runs phase 1 for every slot it has not learned."
                    .to_string(),
            ),
            Some(l) => {
                let ln = &world.host(l).node;
                match proposals_table(ln) {
                    Some(table) if !ln.proposals().is_empty() => Section::Table(table),
                    _ => Section::Note(format!(
                        "Every slot leader S{l} proposed is known chosen; a command sent to it \
                         goes into slot {}.",
                        ln.next_slot().unwrap_or(1)
                    )),
                }
            }
        };
        let caption = leader.map(|l| {
            format!(
                "Leader S{l} (ballot {})",
                ballot_text(world.host(l).node.leading())
            )
        });
        Some(PanelView::Grid(LogGrid {
            rows,
            words: ("chosen", "accepted, not known chosen"),
            settled_mark: "learned prefix",
            index_name: "slot",
            key: vec![("n", "the leader's next free slot")],
            caption,
            below,
        }))
    }

    fn panel_signature(world: &PaxosWorld, _id: &str) -> u64 {
        let mut h = TraceHasher::default();
        h.word(leader(world).map_or(0, u64::from));
        for host in world.hosts() {
            let n = &host.node;
            h.word(host.up as u64);
            h.word(n.phase() as u64);
            h.word(n.version());
            let b = n.ballot().unwrap_or(Ballot::new(0, 0));
            h.word(b.round);
            h.word(b.node as u64);
            h.word(n.proposals().len() as u64);
            for (slot, p) in n.proposals() {
                h.word(*slot);
                h.word(
                    n.ballot()
                        .map_or(0, |b| n.acceptances(*slot, b, &p.value).len())
                        as u64,
                );
            }
        }
        h.finish()
    }

    fn hint(world: &PaxosWorld) -> &'static str {
        let learned = world
            .hosts()
            .iter()
            .any(|h| h.node.learned(DECREE).is_some());
        match (world.settings().multi, leader(world).is_some(), learned) {
            (true, true, _) => {
                "Send commands to the leader (r), then crash it and watch a new leader \
                 re-propose what it finds."
            }
            (true, false, _) => {
                "Watch the retry timers drain: the first follower to hear no heartbeat runs \
                 phase 1 to lead."
            }
            (false, _, false) => {
                "Select a node and send it a value (r) to have it propose; a second value to \
                 another node starts a duel."
            }
            (false, _, true) => {
                "A value is chosen. Propose another at a different node: phase 1 finds the \
                 chosen one and keeps it (P2c)."
            }
        }
    }
}
