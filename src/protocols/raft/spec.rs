//! Raft as the lab knows it: its actions, settings form, mutations, invariants, legend and
//! presets (see [`crate::protocols::spec`]).

use super::invariants::INVARIANTS;
use super::note::Role;
use super::settings::{canonical, warnings, Mutation};
use super::RaftWorld;
use crate::protocols::spec::{
    Chaos, CommandSpec, Fact, FieldKind, FormField, Legend, MessageKey, MutationSpec, NodeKey,
    PresetSpec, Spec, ValueSpec,
};
use crate::protocols::view::{MessageLook, Shape, Tone};
use crate::scenario::limits;
use crate::sim::{Action, Command, NodeId};

/// `timeout`: the node's election timer fires now.
pub const TIMEOUT: CommandSpec = CommandSpec {
    name: "timeout",
    verb: "time out",
    label: "Time out now",
    help: "Make its election timer fire now: it stands for election",
    key: Some('t'),
    value: None,
    chaos: Chaos::Perturb,
};

/// `request`: a client sends a command to the node (§8).
pub const REQUEST: CommandSpec = CommandSpec {
    name: "request",
    verb: "client request",
    label: "Send",
    help: "A client sends a command to this node; only the leader takes it",
    key: Some('r'),
    value: Some(ValueSpec {
        label: "Client request",
        prefix: "x",
    }),
    chaos: Chaos::Load,
};

/// A client request of `value` to `node`.
pub fn request(node: NodeId, value: impl Into<String>) -> Action {
    Action::Command(Command::with_value(REQUEST.name, REQUEST.verb, node, value))
}

/// `node`'s election timer fires now.
pub fn timeout(node: NodeId) -> Action {
    Action::Command(Command::new(TIMEOUT.name, TIMEOUT.verb, node))
}

const FORM: &[FormField] = &[
    FormField {
        key: "election_timeout_ms",
        label: "Election timeout",
        help: "Drawn at random from this range whenever a node resets its timer (§5.2).",
        kind: FieldKind::MillisRange {
            min: 1,
            max: limits::MAX_TIMER_MS,
            off: Some("Manual elections"),
        },
        fact: Fact::Always,
    },
    FormField {
        key: "heartbeat_ms",
        label: "Heartbeat",
        help: "How often a leader sends AppendEntries when it has nothing new.",
        kind: FieldKind::Millis {
            min: 1,
            max: limits::MAX_TIMER_MS,
        },
        fact: Fact::Never,
    },
    FormField {
        key: "pre_vote",
        label: "Pre-vote",
        help: "A candidate first asks whether it could win, so a rejoining server does not \
               disrupt the leader (thesis §9.6).",
        kind: FieldKind::Toggle,
        fact: Fact::WhenOn,
    },
    FormField {
        key: "check_quorum",
        label: "Check-quorum",
        help: "A leader that stops hearing from a majority steps down (thesis §6.2).",
        kind: FieldKind::Toggle,
        fact: Fact::WhenOn,
    },
    FormField {
        key: "leader_noop",
        label: "Leader no-op",
        help: "A new leader appends an empty entry, so entries of earlier terms commit \
               promptly (§5.4.2, §8).",
        kind: FieldKind::Toggle,
        fact: Fact::WhenOn,
    },
];

const MUTATIONS: &[MutationSpec] = &[
    MutationSpec {
        name: "commit_old_terms",
        removes: Mutation::CommitOldTerms.removes(),
        breaks: "State Machine Safety: an entry counted as committed is later overwritten, \
                 and two servers apply different entries at one index.",
        preset: Some("figure-8-commit-old-terms"),
    },
    MutationSpec {
        name: "vote_ignores_log",
        removes: Mutation::VoteIgnoresLog.removes(),
        breaks: "Leader Completeness: a server missing committed entries is elected leader.",
        preset: Some("stale-candidate-vote-ignores-log"),
    },
    MutationSpec {
        name: "forget_vote",
        removes: Mutation::ForgetVote.removes(),
        breaks: "Election Safety: a restarted voter votes twice in one term, and two leaders \
                 are elected in it.",
        preset: Some("forget-vote"),
    },
    MutationSpec {
        name: "fixed_timeouts",
        removes: Mutation::FixedTimeouts.removes(),
        breaks: "Progress: servers that time out together split the vote again and again, \
                 and no leader is elected.",
        preset: Some("fixed-timeouts"),
    },
    MutationSpec {
        name: "stale_reads",
        removes: Mutation::StaleReads.removes(),
        breaks: "Linearizability: a follower that has not yet applied a write answers a read \
                 with the older value, after the write was acknowledged.",
        preset: Some("stale-reads"),
    },
    MutationSpec {
        name: "leader_reads_unchecked",
        removes: Mutation::LeaderReadsUnchecked.removes(),
        breaks: "Linearizability: a deposed leader cut off in a minority keeps answering reads \
                 with old values while the majority's new leader accepts writes.",
        preset: Some("leader-reads-unchecked"),
    },
];

/// A message look (legend entries are written out as data).
const fn look(shape: Shape, tone: Tone, dashed: bool, hollow: bool) -> MessageLook {
    MessageLook {
        shape,
        tone,
        dashed,
        hollow,
    }
}

/// How each role is drawn.
pub const fn tone(role: Role) -> Tone {
    match role {
        Role::Follower => Tone::Idle,
        Role::PreCandidate => Tone::Tentative,
        Role::Candidate => Tone::Active,
        Role::Leader => Tone::Lead,
    }
}

/// How each message is drawn: RequestVote in the candidate's colour, AppendEntries in the
/// leader's, replies to AppendEntries in the follower's.
pub const REQUEST_VOTE: MessageLook = look(Shape::Diamond, Tone::Active, false, false);
/// See [`REQUEST_VOTE`].
pub const PRE_VOTE: MessageLook = look(Shape::Diamond, Tone::Tentative, true, true);
/// See [`REQUEST_VOTE`].
pub const VOTE: MessageLook = look(Shape::Disc, Tone::Active, false, false);
/// See [`REQUEST_VOTE`].
pub const PRE_VOTE_REPLY: MessageLook = look(Shape::Disc, Tone::Tentative, true, false);
/// See [`REQUEST_VOTE`].
pub const APPEND: MessageLook = look(Shape::Envelope, Tone::Lead, false, false);
/// See [`REQUEST_VOTE`].
pub const HEARTBEAT: MessageLook = look(Shape::Letter, Tone::Lead, false, true);
/// See [`REQUEST_VOTE`].
pub const APPEND_REPLY: MessageLook = look(Shape::Triangle, Tone::Idle, false, false);

const LEGEND: Legend = Legend {
    nodes: &[
        NodeKey {
            tone: Tone::Idle,
            words: "Follower",
        },
        NodeKey {
            tone: Tone::Tentative,
            words: "Pre-candidate (dashed)",
        },
        NodeKey {
            tone: Tone::Active,
            words: "Candidate (double ring)",
        },
        NodeKey {
            tone: Tone::Lead,
            words: "Leader (filled, ★)",
        },
    ],
    node_note: "The ring around a node is its election timer: it drains, and when it is \
                empty the node starts an election. “votes 2/3”: votes won / votes needed.",
    messages: &[
        MessageKey {
            look: REQUEST_VOTE,
            words: "RequestVote (RV)",
        },
        MessageKey {
            look: PRE_VOTE,
            words: "Pre-vote request (PV)",
        },
        MessageKey {
            look: VOTE,
            words: "Vote granted (hollow: denied)",
        },
        MessageKey {
            look: PRE_VOTE_REPLY,
            words: "Pre-vote reply",
        },
        MessageKey {
            look: APPEND,
            words: "AppendEntries with entries (AE)",
        },
        MessageKey {
            look: HEARTBEAT,
            words: "Heartbeat (HB)",
        },
        MessageKey {
            look: APPEND_REPLY,
            words: "AppendEntries reply (hollow: rejected)",
        },
    ],
};

macro_rules! preset {
    ($id:literal, $watch:literal) => {
        PresetSpec {
            id: $id,
            json: include_str!(concat!("presets/", $id, ".json")),
            watch: $watch,
        }
    };
}

/// Pairs that differ in one setting (a mutation, pre-vote, check-quorum) sit side by side.
const PRESETS: &[PresetSpec] = &[
    preset!(
        "first-election",
        "The first timer to run out makes a candidate; votes arrive; a leader is elected (§5.2)."
    ),
    preset!(
        "leader-crash",
        "The leader crashes; a follower times out and wins a higher term (§5.2)."
    ),
    preset!(
        "split-vote",
        "Two candidates split the vote; randomized timeouts break the tie (§5.2)."
    ),
    preset!(
        "partitioned-minority-leader",
        "A leader cut off in a minority cannot commit; its entry is replaced after healing (§5.3)."
    ),
    preset!(
        "log-repair",
        "next_index backs off a term at a time until the follower's log matches (§5.3)."
    ),
    preset!(
        "figure-8",
        "Why a leader never counts replicas of an old term's entry (Figure 8, §5.4.2)."
    ),
    preset!(
        "figure-8-commit-old-terms",
        "The same run with the bug: a committed entry is overwritten (Figure 8)."
    ),
    preset!(
        "stale-candidate",
        "Voters refuse a candidate whose log is behind theirs (§5.4.1)."
    ),
    preset!(
        "stale-candidate-vote-ignores-log",
        "The same run with the bug: a stale candidate wins and loses committed entries (§5.4.1)."
    ),
    preset!(
        "forget-vote",
        "A voter forgets its vote across a crash: two leaders in one term (§5.2)."
    ),
    preset!(
        "fixed-timeouts",
        "Without random timeouts every election splits, forever (§5.2)."
    ),
    preset!(
        "pre-vote-off",
        "A rejoining server's high term deposes a working leader (thesis §9.6)."
    ),
    preset!(
        "pre-vote",
        "The same run with pre-vote: the rejoining server does not disrupt (thesis §9.6)."
    ),
    preset!(
        "check-quorum-off",
        "An isolated leader keeps leading, unaware (thesis §6.2)."
    ),
    preset!(
        "check-quorum",
        "The same run with check-quorum: the isolated leader steps down (thesis §6.2)."
    ),
    preset!(
        "kv-linearizable",
        "Clients read and write through the leader; across a partition the history stays linearizable (thesis §6.4)."
    ),
    preset!(
        "stale-reads",
        "With the bug a follower behind answers a read with an old value: not linearizable (thesis §6.4)."
    ),
    preset!(
        "leader-reads-unchecked",
        "With the bug a deposed leader in a minority answers reads with overwritten values (thesis §6.4)."
    ),
    preset!(
        "lease-reads",
        "A leader answers reads at once under its lease, and stops when the lease runs out (thesis §6.4.1)."
    ),
];

/// Raft in the registry.
pub static SPEC: Spec = Spec {
    name: "raft",
    title: "Raft",
    summary: "Consensus with a strong leader: elections, log replication and commitment.",
    source: "Ongaro and Ousterhout, In Search of an Understandable Consensus Algorithm (2014), \
             and Ongaro's thesis (2014)",
    max_nodes: limits::MAX_NODES,
    serves_clients: true,
    default_title: "Raft: five servers",
    default_notes: "Watch a leader get elected, then crash it, cut links or send requests.",
    commands: &[TIMEOUT, REQUEST],
    form: FORM,
    mutations: MUTATIONS,
    invariants: INVARIANTS,
    topics: ["Elections & terms", "Requests & commits"],
    marks: ["leader elected", "commit"],
    legend: LEGEND,
    presets: PRESETS,
    settings: canonical,
    warnings,
    build: |scenario| Box::new(super::world(scenario)),
    load: |run, k| {
        let world = run.as_any().downcast_ref::<RaftWorld>()?;
        super::leader(world).map(|l| request(l, format!("v{k}")))
    },
};
