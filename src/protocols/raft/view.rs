//! What the page draws of Raft, as data: each server's role, term and vote with its
//! election timer; messages by kind; the inspector's Figure 2 state; the logs grid.

use super::log::Entry;
use super::message::{RaftMessage, RaftSummary};
use super::node::RaftNode;
use super::note::{RaftTimer, Role};
use super::spec::{
    tone, APPEND, APPEND_REPLY, HEARTBEAT, PRE_VOTE, PRE_VOTE_REPLY, REQUEST_VOTE, SPEC, VOTE,
};
use super::{leader, RaftWorld};
use crate::protocols::spec::Spec;
use crate::protocols::view::{
    EntryView, GridRow, Label, LogGrid, MessageLook, NodeView, PanelSpec, PanelView, Section,
    TableView,
};
use crate::protocols::Look;
use crate::sim::digest::TraceHasher;
use crate::sim::quorum::majority;
use crate::sim::NodeId;

/// The logs panel.
const LOGS: PanelSpec = PanelSpec {
    id: "logs",
    label: "Logs",
};

/// The role's words on the label (a star for the leader: colour is never the only cue);
/// `short` for the compact labels of a small figure.
fn badge(role: Role, short: bool) -> &'static str {
    match (role, short) {
        (Role::Leader, _) => "★ Leader",
        (Role::Candidate, false) => "Candidate",
        (Role::Candidate, true) => "Cand.",
        (Role::PreCandidate, false) => "Pre-candidate",
        (Role::PreCandidate, true) => "Pre-cand.",
        (Role::Follower, _) => "Follower",
    }
}

fn entry_view(index: u64, e: &Entry, commit: u64) -> EntryView {
    EntryView {
        index,
        term: Some(e.term),
        value: e.value_text(),
        noop: e.is_noop(),
        settled: index <= commit,
    }
}

fn log_hash(n: &RaftNode) -> u64 {
    n.log().prefix_hash(n.log().last_index()).unwrap_or(0)
}

impl Look for RaftNode {
    fn spec() -> &'static Spec {
        &SPEC
    }

    fn node_view(world: &RaftWorld, id: NodeId) -> NodeView {
        let host = world.host(id);
        let n = &host.node;
        let role = n.role();
        let term = n.current_term();
        let campaigning = host.up && matches!(role, Role::Candidate | Role::PreCandidate);
        let needed = majority(world.size());
        let votes = n.votes().len();
        let vote_line = match (campaigning, n.voted_for()) {
            (true, _) => format!("votes {votes}/{needed}"),
            (false, Some(v)) => format!("voted S{v}"),
            (false, None) => "no vote".to_string(),
        };
        let tiny = match (campaigning, n.voted_for()) {
            (true, _) => format!("t{term} · {votes}/{needed}"),
            (false, Some(v)) => format!("t{term} · S{v}"),
            (false, None) => format!("t{term} · —"),
        };
        let mut about = format!("{role} in term {term}");
        match n.voted_for() {
            Some(v) => about.push_str(&format!(", voted for S{v} in this term")),
            None => about.push_str(", has not voted in this term"),
        }
        if campaigning {
            about.push_str(&format!(
                "; has {votes} {}vote{} and needs {needed}",
                if role == Role::PreCandidate {
                    "pre-"
                } else {
                    ""
                },
                if votes == 1 { "" } else { "s" }
            ));
        }
        if !host.up {
            about.push_str(". Crashed: it keeps only its term, vote and log");
        }
        let ring = host
            .timer(RaftTimer::Election)
            .filter(|_| host.up)
            .map(|t| (t.set_at, t.due));
        NodeView {
            role: role.name(),
            tone: tone(role),
            badge: badge(role, false),
            badge_short: badge(role, true),
            lines: vec![format!("term {term}"), vote_line],
            tiny,
            color: Some(term),
            ring,
            hooks: vec![("data-term", term.to_string())],
            summary: format!("{role}, term {term}"),
            about,
        }
    }

    fn leads(world: &RaftWorld, id: NodeId) -> bool {
        world.host(id).node.role() == Role::Leader
    }

    fn message_look(s: &RaftSummary) -> (MessageLook, &'static str, Label) {
        let look = match *s {
            RaftSummary::RequestVote {
                pre_vote: false, ..
            } => REQUEST_VOTE,
            RaftSummary::RequestVote { pre_vote: true, .. } => PRE_VOTE,
            RaftSummary::Vote {
                pre_vote, granted, ..
            } => MessageLook {
                hollow: !granted,
                ..if pre_vote { PRE_VOTE_REPLY } else { VOTE }
            },
            RaftSummary::AppendEntries { count: 0, .. } => HEARTBEAT,
            RaftSummary::AppendEntries { .. } => APPEND,
            RaftSummary::AppendReply { success, .. } => MessageLook {
                hollow: !success,
                ..APPEND_REPLY
            },
        };
        (look, s.kind_name(), s.label())
    }

    fn message_fields(m: &RaftMessage) -> (Vec<(&'static str, String)>, Vec<Section>) {
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        let fields = match m {
            RaftMessage::RequestVote(r) => vec![
                ("term", r.term.to_string()),
                ("candidateId", format!("S{}", r.candidate_id)),
                ("lastLogIndex", r.last_log_index.to_string()),
                ("lastLogTerm", r.last_log_term.to_string()),
                ("pre-vote", yes_no(r.pre_vote)),
            ],
            RaftMessage::RequestVoteReply(r) => vec![
                ("term", r.term.to_string()),
                ("voteGranted", yes_no(r.vote_granted)),
                ("pre-vote", yes_no(r.pre_vote)),
            ],
            RaftMessage::AppendEntries(a) => vec![
                ("term", a.term.to_string()),
                ("leaderId", format!("S{}", a.leader_id)),
                ("prevLogIndex", a.prev_log_index.to_string()),
                ("prevLogTerm", a.prev_log_term.to_string()),
                (
                    "entries",
                    match a.entries.len() {
                        0 => "none (a heartbeat)".to_string(),
                        1 => format!("1, at index {}", a.prev_log_index + 1),
                        n => format!(
                            "{n}, at indexes {}–{}",
                            a.prev_log_index + 1,
                            a.prev_log_index + n as u64
                        ),
                    },
                ),
                ("leaderCommit", a.leader_commit.to_string()),
                ("heartbeat round", a.round.to_string()),
            ],
            RaftMessage::AppendEntriesReply(r) => {
                let mut fields = vec![
                    ("term", r.term.to_string()),
                    ("success", yes_no(r.success)),
                    ("heartbeat round", r.round.to_string()),
                ];
                if r.success {
                    fields.push(("match index", r.match_index.to_string()));
                } else {
                    fields.push(("conflict index", r.conflict_index.to_string()));
                    fields.push((
                        "conflict term",
                        r.conflict_term
                            .map_or("none (the log is shorter)".to_string(), |t| t.to_string()),
                    ));
                }
                fields
            }
        };
        let sections = match m {
            RaftMessage::AppendEntries(a) if !a.entries.is_empty() => vec![Section::Entries {
                title: "Entries carried".to_string(),
                entries: a
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| entry_view(a.prev_log_index + 1 + i as u64, e, 0))
                    .map(|e| EntryView {
                        settled: false,
                        ..e
                    })
                    .collect(),
                words: ("committed", "carried"),
            }],
            _ => Vec::new(),
        };
        (fields, sections)
    }

    fn message_color(m: &RaftMessage) -> Option<u64> {
        Some(m.term())
    }

    fn inspect(world: &RaftWorld, id: NodeId) -> Vec<Section> {
        let host = world.host(id);
        let n = &host.node;
        let role = n.role();
        let voted_for = match n.voted_for() {
            Some(v) if v == id => format!("S{v} (itself)"),
            Some(v) => format!("S{v}"),
            None => "nobody in this term".to_string(),
        };
        let leader = match n.leader_id() {
            Some(l) if l == id => "itself".to_string(),
            Some(l) => format!("S{l}"),
            None => "unknown".to_string(),
        };
        let mut rows = vec![
            (
                "Role",
                if host.up {
                    role.to_string()
                } else {
                    "none while crashed (it restarts as a follower)".to_string()
                },
            ),
            ("Current term", n.current_term().to_string()),
            ("Voted for", voted_for),
            ("Leader it knows", leader),
        ];
        if host.up && matches!(role, Role::Candidate | Role::PreCandidate) {
            let names: Vec<String> = n.votes().iter().map(|v| format!("S{v}")).collect();
            rows.push((
                if role == Role::PreCandidate {
                    "Pre-votes received"
                } else {
                    "Votes received"
                },
                format!(
                    "{}: {} of {} (needs {})",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    },
                    names.len(),
                    world.size(),
                    majority(world.size())
                ),
            ));
        }
        rows.push(("Commit index", n.commit_index().to_string()));
        rows.push(("Last applied", n.last_applied().to_string()));
        let mut sections = vec![Section::Fields { title: None, rows }];
        if host.up && role == Role::Leader {
            let rows = (1..=world.size())
                .filter(|&p| p != id)
                .map(|p| {
                    let show = |v: Option<u64>| v.map_or("–".into(), |v| v.to_string());
                    vec![
                        format!("S{p}"),
                        show(n.next_index(p)),
                        show(n.match_index(p)),
                    ]
                })
                .collect();
            sections.push(Section::Table(TableView {
                title: "Replication (leader state)",
                columns: vec![
                    ("Follower", ""),
                    ("next index", "The next log index to send to it"),
                    ("match index", "The highest index known to be stored on it"),
                ],
                rows,
            }));
        }
        sections.extend(kv_sections(n, host.up));
        sections
    }

    fn node_log(world: &RaftWorld, id: NodeId) -> Option<Section> {
        let n = &world.host(id).node;
        let entries = n.log().entries();
        Some(Section::Entries {
            title: format!(
                "Log ({} entr{})",
                entries.len(),
                if entries.len() == 1 { "y" } else { "ies" }
            ),
            entries: entries
                .iter()
                .enumerate()
                .map(|(i, e)| entry_view(i as u64 + 1, e, n.commit_index()))
                .collect(),
            words: ("committed", "uncommitted"),
        })
    }

    fn node_log_signature(world: &RaftWorld, id: NodeId) -> u64 {
        let n = &world.host(id).node;
        let mut h = TraceHasher::default();
        h.word(n.log().last_index());
        h.word(log_hash(n));
        h.word(n.commit_index());
        h.finish()
    }

    fn panels(_world: &RaftWorld) -> Vec<PanelSpec> {
        vec![LOGS]
    }

    fn panel_extent(world: &RaftWorld, _id: &str) -> u64 {
        // One column past the longest log when the leader's next index points there, so
        // the "n" markers of caught-up followers show too.
        let leader = leader(world).map(|l| &world.host(l).node);
        world
            .hosts()
            .iter()
            .map(|h| {
                let next = leader.and_then(|l| l.next_index(h.id)).unwrap_or(0);
                h.node.log().last_index().max(next)
            })
            .max()
            .unwrap_or(0)
    }

    fn panel(world: &RaftWorld, id: &str, first: u64, last: u64) -> Option<PanelView> {
        if id != LOGS.id {
            return None;
        }
        let leader = leader(world);
        let lead = leader.map(|l| &world.host(l).node);
        let rows = world
            .hosts()
            .iter()
            .map(|h| {
                let n = &h.node;
                let commit = n.commit_index();
                let entries = n
                    .log()
                    .slice(first, last)
                    .iter()
                    .enumerate()
                    .map(|(i, e)| entry_view(first.max(1) + i as u64, e, commit))
                    .collect();
                let mut marks = Vec::new();
                if let Some(l) = lead {
                    if let Some(m) = l.match_index(h.id) {
                        marks.push((m, "m", "leader's match index".to_string()));
                    }
                    if let Some(x) = l.next_index(h.id) {
                        marks.push((x, "n", "leader's next index".to_string()));
                    }
                }
                GridRow {
                    node: h.id,
                    up: h.up,
                    tone: tone(n.role()),
                    role: if h.up { role_name(n.role()) } else { "crashed" },
                    entries,
                    len: n.log().last_index(),
                    settled_upto: commit,
                    marks,
                }
            })
            .collect();
        let below = match leader {
            None => Section::Note(
                "No leader right now. Once one is elected, its next and match index for each \
                 follower appear here."
                    .to_string(),
            ),
            Some(_) if world.size() < 2 => Section::Note(
                "A single node is its own majority: it commits its entries alone.".to_string(),
            ),
            Some(l) => {
                let ln = &world.host(l).node;
                Section::Table(TableView {
                    title: "Leader replicating to its followers",
                    columns: vec![
                        ("Follower", ""),
                        (
                            "next",
                            "The next index the leader will send to this follower",
                        ),
                        (
                            "match",
                            "The highest index the leader knows this follower stores",
                        ),
                        ("log length", "The follower's own last log index"),
                    ],
                    rows: world
                        .hosts()
                        .iter()
                        .filter(|h| h.id != l)
                        .map(|h| {
                            let show = |v: Option<u64>| v.map_or("–".into(), |v| v.to_string());
                            vec![
                                if h.up {
                                    format!("S{}", h.id)
                                } else {
                                    format!("S{} (crashed)", h.id)
                                },
                                show(ln.next_index(h.id)),
                                show(ln.match_index(h.id)),
                                h.node.log().last_index().to_string(),
                            ]
                        })
                        .collect(),
                })
            }
        };
        let caption = leader.map(|l| {
            format!(
                "Leader S{l} (term {}) replicating to its followers",
                world.host(l).node.current_term()
            )
        });
        Some(PanelView::Grid(LogGrid {
            rows,
            words: ("committed", "uncommitted"),
            settled_mark: "commit index",
            index_name: "index",
            key: vec![("n", "next"), ("m", "match")],
            below,
            caption,
        }))
    }

    fn panel_signature(world: &RaftWorld, _id: &str) -> u64 {
        let mut h = TraceHasher::default();
        let leader = leader(world);
        h.word(leader.map_or(0, u64::from));
        let lead = leader.map(|l| &world.host(l).node);
        for host in world.hosts() {
            let n = &host.node;
            h.word(host.up as u64);
            h.word(n.role() as u64);
            h.word(n.current_term());
            h.word(n.log().last_index());
            h.word(log_hash(n));
            h.word(n.commit_index());
            h.word(lead.and_then(|l| l.next_index(host.id)).unwrap_or(0));
            h.word(lead.and_then(|l| l.match_index(host.id)).unwrap_or(0));
        }
        h.finish()
    }

    fn hint(world: &RaftWorld) -> &'static str {
        if leader(world).is_some() {
            "Click a node to crash it, or click a link to cut it. Press ? for keys."
        } else {
            "Watch the election timers drain: the first node to time out asks for votes."
        }
    }
}

/// The role in words for the grid ("follower", "pre-candidate").
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Follower => "follower",
        Role::PreCandidate => "pre-candidate",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

/// The inspector's key-value sections: the registers the node has applied and, for a
/// leader, the clients it owes an answer. Left out while there is nothing to show, so a
/// run without clients looks as it always did.
fn kv_sections(n: &RaftNode, up: bool) -> Vec<Section> {
    let mut out = Vec::new();
    if !n.store().is_empty() {
        out.push(Section::Table(TableView {
            title: "Key-value store (applied entries)",
            columns: vec![("Key", ""), ("Value", "What the register holds here")],
            rows: n
                .store()
                .registers()
                .map(|(k, v)| vec![k.to_string(), format!("{v:?}")])
                .collect(),
        }));
    }
    let owed = n.owed();
    if up && n.role() == Role::Leader && (!owed.entries.is_empty() || !owed.reads.is_empty()) {
        let mut rows: Vec<Vec<String>> = owed
            .entries
            .iter()
            .map(|(index, op)| {
                let what = n
                    .log()
                    .get(*index)
                    .map_or_else(String::new, |e| e.value_text());
                vec![
                    format!("op {op}"),
                    what,
                    format!("entry {index} to be applied"),
                ]
            })
            .collect();
        rows.extend(owed.reads.iter().map(|r| {
            let waits = match r.read_index {
                None => "an entry of its term to commit".to_string(),
                Some(i) => format!(
                    "a majority to acknowledge round {} (read index {i})",
                    r.round
                ),
            };
            vec![format!("op {}", r.op), format!("read {}", r.key), waits]
        }));
        out.push(Section::Table(TableView {
            title: "Clients waiting for an answer",
            columns: vec![
                ("Operation", ""),
                ("What", ""),
                (
                    "Waits for",
                    "What the leader needs before it answers (thesis §6.4)",
                ),
            ],
            rows,
        }));
    }
    out
}
