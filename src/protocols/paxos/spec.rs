//! Paxos as the lab knows it: its actions, settings form, mutations, invariants, legend and
//! presets (see [`crate::protocols::spec`]).

use super::invariants::INVARIANTS;
use super::note::Phase;
use super::settings::{canonical, warnings, Mutation};
use super::PaxosWorld;
use crate::protocols::spec::{
    Chaos, CommandSpec, Fact, FieldKind, FormField, Legend, MessageKey, MutationSpec, NodeKey,
    PresetSpec, Spec, ValueSpec,
};
use crate::protocols::view::{MessageLook, Shape, Tone};
use crate::scenario::limits;
use crate::sim::{Action, Command, NodeId};

/// `timeout`: the node's proposer starts a new round now (Multi-Paxos: tries to lead).
pub const TIMEOUT: CommandSpec = CommandSpec {
    name: "timeout",
    verb: "time out",
    label: "Start a round now",
    help: "Its proposer starts phase 1 with a ballot above every ballot it has seen \
           (Multi-Paxos: it tries to become leader)",
    key: Some('t'),
    value: None,
    chaos: Chaos::Perturb,
};

/// `request`: a client asks the node to propose a value (Multi-Paxos: only the leader
/// takes it).
pub const REQUEST: CommandSpec = CommandSpec {
    name: "request",
    verb: "client request",
    label: "Propose",
    help: "A client asks this node to propose a value (Multi-Paxos: only the leader takes it, \
           into the next free slot)",
    key: Some('r'),
    value: Some(ValueSpec {
        label: "Value to propose",
        prefix: "v",
    }),
    chaos: Chaos::Load,
};

/// A client request of `value` to `node`.
pub fn request(node: NodeId, value: impl Into<String>) -> Action {
    Action::Command(Command::with_value(REQUEST.name, REQUEST.verb, node, value))
}

/// `node`'s proposer starts a new round now.
pub fn timeout(node: NodeId) -> Action {
    Action::Command(Command::new(TIMEOUT.name, TIMEOUT.verb, node))
}

const FORM: &[FormField] = &[
    FormField {
        key: "multi",
        label: "Multi-Paxos",
        help: "A leader runs phase 1 once for every slot, then one phase 2 per command, in \
               consecutive slots (§3).",
        kind: FieldKind::Toggle,
        fact: Fact::WhenOn,
    },
    FormField {
        key: "retry_ms",
        label: "Retry delay",
        help: "A proposer whose round fails waits a delay drawn from this range before trying \
               a higher ballot; a Multi-Paxos follower waits this long for a heartbeat (§2.4).",
        kind: FieldKind::MillisRange {
            min: 1,
            max: limits::MAX_TIMER_MS,
            off: Some("Manual rounds"),
        },
        fact: Fact::Always,
    },
    FormField {
        key: "heartbeat_ms",
        label: "Heartbeat",
        help: "How often a Multi-Paxos leader tells followers it is alive.",
        kind: FieldKind::Millis {
            min: 1,
            max: limits::MAX_TIMER_MS,
        },
        fact: Fact::Never,
    },
];

const MUTATIONS: &[MutationSpec] = &[
    MutationSpec {
        name: "accept_below_promise",
        removes: Mutation::AcceptBelowPromise.removes(),
        breaks: "Agreement: an old proposer's Accept is taken after a newer ballot chose \
                 another value, and two values are chosen (promise kept and P2b break too).",
        preset: Some("paxos-accept-below-promise"),
    },
    MutationSpec {
        name: "ignore_accepted_value",
        removes: Mutation::IgnoreAcceptedValue.removes(),
        breaks: "Agreement: a later proposer overrides a value already chosen with its own \
                 (P2b breaks first).",
        preset: Some("paxos-ignore-accepted-value"),
    },
    MutationSpec {
        name: "forget_promise",
        removes: Mutation::ForgetPromise.removes(),
        breaks: "Agreement: a restarted acceptor no longer reports the value it accepted, so a \
                 later proposer gets a second value chosen.",
        preset: Some("paxos-forget-promise"),
    },
    MutationSpec {
        name: "fixed_retry",
        removes: Mutation::FixedRetry.removes(),
        breaks: "Progress: duelling proposers retry in step, each preempting the other's phase \
                 2, and nothing is ever chosen.",
        preset: Some("paxos-fixed-retry"),
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

/// How each proposer phase is drawn: phase 1 tentative, phase 2 active, a Multi-Paxos
/// leader in charge; an idle single-decree node that has learned the chosen value settled.
pub const fn tone(phase: Phase, multi: bool, learned: bool) -> Tone {
    match (phase, multi) {
        (Phase::One, _) => Tone::Tentative,
        (Phase::Two, false) => Tone::Active,
        (Phase::Two, true) => Tone::Lead,
        (Phase::Idle, false) if learned => Tone::Settled,
        (Phase::Idle, _) => Tone::Idle,
    }
}

/// How each message is drawn: phase 1 in the tentative colour (dashed Prepare, Promise
/// discs), phase 2 in the active colour (Accept envelopes, Accepted triangles), the
/// leader's in its own; a rejection is hollow.
pub const PREPARE: MessageLook = look(Shape::Diamond, Tone::Tentative, true, false);
/// See [`PREPARE`].
pub const PROMISE: MessageLook = look(Shape::Disc, Tone::Tentative, false, false);
/// See [`PREPARE`].
pub const NACK: MessageLook = look(Shape::Disc, Tone::Idle, false, true);
/// See [`PREPARE`].
pub const ACCEPT: MessageLook = look(Shape::Envelope, Tone::Active, false, false);
/// See [`PREPARE`].
pub const LEADER_ACCEPT: MessageLook = look(Shape::Envelope, Tone::Lead, false, false);
/// See [`PREPARE`].
pub const ACCEPTED: MessageLook = look(Shape::Triangle, Tone::Settled, false, false);
/// See [`PREPARE`].
pub const HEARTBEAT: MessageLook = look(Shape::Letter, Tone::Lead, false, false);
/// See [`PREPARE`].
pub const CATCH_UP: MessageLook = look(Shape::Square, Tone::Idle, true, false);
/// See [`PREPARE`].
pub const DECIDE: MessageLook = look(Shape::Square, Tone::Settled, false, false);

const LEGEND: Legend = Legend {
    nodes: &[
        NodeKey {
            tone: Tone::Idle,
            words: "Acceptor only (Multi-Paxos: follower)",
        },
        NodeKey {
            tone: Tone::Tentative,
            words: "Proposer in phase 1 (dashed)",
        },
        NodeKey {
            tone: Tone::Active,
            words: "Proposer in phase 2 (double ring)",
        },
        NodeKey {
            tone: Tone::Lead,
            words: "Multi-Paxos leader (filled, ★)",
        },
        NodeKey {
            tone: Tone::Settled,
            words: "Has learned the chosen value (filled, ✓)",
        },
    ],
    node_note: "Every node is proposer, acceptor and learner. The ring is its retry timer: \
                when it runs out the proposer tries a higher ballot (Multi-Paxos: a follower \
                that heard no heartbeat tries to lead). Ballot 2.1 is round 2 of S1.",
    messages: &[
        MessageKey {
            look: PREPARE,
            words: "Prepare, phase 1a (P)",
        },
        MessageKey {
            look: PROMISE,
            words: "Promise, phase 1b, with any accepted value (Pr)",
        },
        MessageKey {
            look: NACK,
            words: "Rejection: a higher ballot was promised (✗, hollow)",
        },
        MessageKey {
            look: ACCEPT,
            words: "Accept, phase 2a (A)",
        },
        MessageKey {
            look: LEADER_ACCEPT,
            words: "A Multi-Paxos leader's Accept for a slot (A 2.1 #3)",
        },
        MessageKey {
            look: ACCEPTED,
            words: "Accepted, to every learner (✓)",
        },
        MessageKey {
            look: HEARTBEAT,
            words: "Leader heartbeat (HB)",
        },
        MessageKey {
            look: CATCH_UP,
            words: "Catch-up request (CU)",
        },
        MessageKey {
            look: DECIDE,
            words: "Chosen values for a follower behind (D)",
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

/// Pairs that differ in one setting (a mutation) sit side by side.
const PRESETS: &[PresetSpec] = &[
    preset!(
        "paxos-one-proposer",
        "One proposer, two phases: a majority promises, a majority accepts, every learner learns (§2.2–2.3)."
    ),
    preset!(
        "paxos-adopt-accepted-value",
        "A later proposer finds an accepted value in phase 1 and proposes it, not its own (P2c)."
    ),
    preset!(
        "paxos-ignore-accepted-value",
        "The same run with the bug: the later proposer proposes its own value, and two are chosen (P2c)."
    ),
    preset!(
        "paxos-duelling-proposers",
        "Two proposers preempt each other; ballots leapfrog until a random retry lets one finish (§2.4)."
    ),
    preset!(
        "paxos-fixed-retry",
        "The same duel with fixed retries: the proposers stay in step and nothing is ever chosen (§2.4)."
    ),
    preset!(
        "paxos-minority-down",
        "Two of five acceptors are down: three are a majority, and the value is still chosen (§2.2)."
    ),
    preset!(
        "paxos-no-majority",
        "Three of five acceptors are down: no majority promises, the proposer retries, nothing is chosen (§2.2)."
    ),
    preset!(
        "paxos-accept-below-promise",
        "An acceptor takes an old ballot's Accept after promising a newer one: two values chosen (P1a)."
    ),
    preset!(
        "paxos-forget-promise",
        "An acceptor forgets what it accepted in a crash: a second value is chosen (§2.3, stable storage)."
    ),
    preset!(
        "paxos-multi-steady-state",
        "Multi-Paxos: one phase 1 elects a leader, then one phase 2 per command in consecutive slots (§3)."
    ),
    preset!(
        "paxos-multi-leader-change",
        "A new leader re-proposes an accepted value and fills an empty slot with a no-op (§3)."
    ),
];

/// Paxos in the registry.
pub static SPEC: Spec = Spec {
    name: "paxos",
    title: "Paxos",
    summary: "Consensus by ballots: proposers, acceptors and learners choose one value \
              (Multi-Paxos: a log of them).",
    source: "Lamport, Paxos Made Simple (2001)",
    max_nodes: limits::MAX_NODES,
    serves_clients: false,
    default_title: "Paxos: five nodes choose one value",
    default_notes: "Every node is proposer, acceptor and learner. Send a value to a node to \
                    have it propose (phase 1: Prepare and Promise; phase 2: Accept and \
                    Accepted), then send another value to a second node and watch it find and \
                    keep the first (P2c). Crash acceptors or cut links to see what a majority \
                    means.",
    commands: &[TIMEOUT, REQUEST],
    form: FORM,
    mutations: MUTATIONS,
    invariants: INVARIANTS,
    topics: ["Ballots & promises", "Proposals & choices"],
    marks: ["ballot won", "value chosen"],
    legend: LEGEND,
    presets: PRESETS,
    settings: canonical,
    warnings,
    build: |scenario| Box::new(super::world(scenario)),
    load: |run, k| {
        let world = run.as_any().downcast_ref::<PaxosWorld>()?;
        if world.settings().multi {
            return super::leader(world).map(|l| request(l, format!("v{k}")));
        }
        // Single decree: S1 proposes again whenever its last round is over; after the
        // first value is chosen, every round finds it and chooses it again (P2c).
        let s1 = world.host(1);
        (s1.up && s1.node.phase() == Phase::Idle).then(|| request(1, format!("v{k}")))
    },
};
